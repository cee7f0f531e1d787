#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# The dialogs, reached from the keyboard: File > Add Connection (Ctrl+Shift+N) offers its
# hypervisors and transports, refuses a bad URI and adds a read-only connection typed in its URI
# entry, whose guests cannot be changed (test_add_connection.py tests the dialog's fields);
# Preferences (Ctrl+,), the keyboard shortcuts (Ctrl+?) and About (F1) open and close with
# Escape.
#
# Started by run-ui-test, with hako already running as `hako --connect "$HAKO_TEST_URI"`.
# Prints TAP.

import sys

from hakoui import (
    GUEST,
    application,
    bail,
    cell_named,
    diag,
    find,
    find_all,
    guide_shot,
    ok,
    plan,
    point_at,
    poll,
    pyatspi,
    quit_with_ctrl_q,
    rawinput,
    sensitive,
    showing,
    state_text,
)


def visible_window(app, role, name):
    """A shown top-level of @role (or of any window role when None) named @name."""
    for r in [role] if role else ["dialog", "frame", "window"]:
        node = find(app, roleName=r, name=name)
        if node is not None and showing(node):
            return node
    return None


def press_in(window, keys):
    point_at(window)
    rawinput.keyCombo(keys)


def open_and_escape(app, frame, keys, role, name, description, shot=None):
    press_in(frame, keys)
    window = poll(name, 10, lambda: visible_window(app, role, name))
    if window is None:
        names = ["%s %r" % (c.roleName, c.name) for c in app.children]
        bail(description, "no window named %r appeared; the application has %s" % (name, names))
    if shot:
        guide_shot(shot, window, settle=1)
    press_in(window, "Escape")
    if poll(name + " closes", 10, lambda: visible_window(app, role, name) is None) is None:
        bail(description, "Escape did not close it")
    ok(description)


def main():
    plan("dialogs", 11)
    app = application()
    if poll("guest listed", 60, lambda: cell_named(app, GUEST)) is None:
        bail("the private daemon's guest is listed", "no row named %s" % GUEST)
    frame = find(app, roleName="frame", name="Hako")

    # Add Connection, from the keyboard.
    press_in(frame, "<Control><Shift>n")
    dialog = poll("Add Connection", 10, lambda: visible_window(app, "dialog", "Add Connection"))
    if dialog is None:
        bail("Ctrl+Shift+N opens Add Connection", "no dialog")
    choices = {}
    for combo in find_all(dialog, roleName="combo box"):
        items = [item.name for item in find_all(combo, roleName="menu item")]
        choices[items[0]] = items
    diag("choices: %r" % choices)
    if choices.get("QEMU/KVM") != ["QEMU/KVM", "Xen"]:
        bail("Add Connection offers QEMU/KVM and Xen", "its combo boxes offer %r" % choices)
    if choices.get("Local") != ["Local", "SSH", "TLS"]:
        bail("Add Connection offers local, SSH and TLS connections",
             "its combo boxes offer %r" % choices)
    ok("Ctrl+Shift+N opens Add Connection with QEMU/KVM and Xen, local, SSH and TLS")

    uri_label = find(dialog, roleName="label", name="URI:")
    entry = None
    for relation in uri_label.getRelationSet() if uri_label is not None else []:
        if relation.getRelationType() == pyatspi.RELATION_LABEL_FOR:
            entry = relation.getTarget(0)
    connect = find(dialog, roleName="push button", name="Connect")
    if entry is None or connect is None:
        bail("the dialog has a URI entry and a Connect button", "entry %r, button %r" % (entry, connect))
    if entry.queryText().getText(0, -1) != "qemu:///system":
        bail("the URI entry starts with qemu:///system", "it says %r" % entry.queryText().getText(0, -1))

    entry.queryEditableText().setTextContents("test:///default with spaces")

    def refused():
        labels = [l.name for l in find_all(dialog, roleName="label") if l.name and showing(l)]
        return not sensitive(connect) and any("not a valid connection URI" in l for l in labels)

    if poll("refused", 10, refused) is None:
        bail("a malformed URI is refused in the dialog", "Connect sensitive: %s" % sensitive(connect))
    ok("a malformed URI disables Connect and the dialog says what is wrong")

    entry.queryEditableText().setTextContents("test:///default")
    if poll("accepted", 10, lambda: sensitive(connect) and not refused()) is None:
        bail("a valid URI enables Connect", "Connect sensitive: %s" % sensitive(connect))
    read_only = find(dialog, roleName="check box", name="Read-only: watch guests without changing them")
    if read_only is None:
        bail("the dialog offers a read-only connection", "no such check box")
    read_only.doActionNamed("click")
    if not read_only.getState().contains(pyatspi.STATE_CHECKED):
        bail("the read-only box can be ticked", "it is not checked")
    connect.doActionNamed("click")
    if poll("test guest", 20, lambda: state_text(app, "test") == "Running") is None:
        bail("Connect adds the host and lists its guests", "no running guest named test")
    ok("Connect adds the read-only test:///default host and lists its running guest")
    guide_shot("manager-hosts", frame, settle=4)

    # On a read-only host every action that changes something stays disabled.
    cell = cell_named(app, "test")
    itable = cell.parent.queryTable()
    itable.addRowSelection(itable.getRowAtIndex(cell.indexInParent))
    if poll("selected", 10, lambda: cell_named(app, "test").getState().contains(pyatspi.STATE_SELECTED)) is None:
        bail("the read-only guest can be selected", "it is not selected")
    buttons = {}
    for name in ("Run", "Pause", "Shut Down"):
        buttons[name] = find(app, roleName="push button", name=name)
    enabled = [name for name, button in buttons.items() if button is not None and sensitive(button)]
    if enabled:
        bail("a read-only host's running guest cannot be changed", "enabled: %r" % enabled)
    ok("a read-only host's running guest has Run, Pause and Shut Down disabled")

    # Its window's settings pages show the guest but say they cannot change it.
    frame = find(app, roleName="frame", name="Hako")
    point_at(frame)
    rawinput.keyCombo("<Control>o")
    window = poll("window", 15, lambda: find(app, roleName="frame", name="test on Test"))
    if window is None:
        bail("Ctrl+O opens the read-only guest's window", "windows %r"
             % [c.name for c in app.children])
    item = poll("Memory page", 20, lambda: next(
        (n for n in find_all(window, roleName="list item")
         if n.name == "Memory" or find(n, roleName="label", name="Memory") is not None), None))
    if item is None:
        bail("the read-only guest's window has its settings pages", "no Memory page")
    item.parent.querySelection().selectChild(item.indexInParent)
    note = "The connection is read-only: the guest's settings can be read but not changed."
    if poll("note", 20, lambda: any(l.name and note in l.name and showing(l)
                                    for l in find_all(window, roleName="label"))) is None:
        bail("a read-only guest's settings say they cannot be changed", "no such note")
    ok("a read-only guest's settings pages say they cannot be changed")
    point_at(window)
    rawinput.keyCombo("Escape")
    poll("closed", 10, lambda: window.dead or not showing(window))

    # The same guest shape on a host that is not read-only: the private daemon's guest is
    # shut off, so Run is enabled there (the selection follows the host's mode).
    cell = cell_named(app, GUEST)
    itable = cell.parent.queryTable()
    itable.addRowSelection(itable.getRowAtIndex(cell.indexInParent))
    if poll("Run enabled", 10, lambda: sensitive(buttons["Run"])) is None:
        bail("a writable host's shut-off guest can be run", "Run stays disabled")
    ok("selecting a writable host's shut-off guest enables Run again")

    open_and_escape(app, frame, "<Control>comma", None, "Preferences",
                    "Ctrl+, opens Preferences and Escape closes it", shot="preferences")
    open_and_escape(app, frame, "<Control><Shift>slash", None, "Keyboard Shortcuts",
                    "Ctrl+? shows the keyboard shortcuts and Escape closes them",
                    shot="shortcuts")
    open_and_escape(app, frame, "F1", None, "About Hako", "F1 opens About Hako and Escape closes it")

    quit_with_ctrl_q(app)
    return 0


if __name__ == "__main__":
    sys.exit(main())
