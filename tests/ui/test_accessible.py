#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Every control of every window has an accessible name, so that a screen reader can say what
# it is: the test opens each window Hako has, walks its AT-SPI tree (only what is showing), and
# fails naming each push button, toggle button, check box, radio button, combo box, text
# entry, spin button, slider or switch that has no name (an icon-only button needs one of its
# own: a tooltip is only its description). Windows and pages walked:
#  - the manager window, with its search bar shown;
#  - Preferences (each page), Keyboard Shortcuts, Add Connection (local and SSH fields);
#  - a guest's window, each page of its sidebar, with the guest shut off, its Add Hardware
#    dialog (each kind of device), and its console with the guest running;
#  - Connection Details, each page of its sidebar, and the Create Network, Create Pool and
#    Create Volume wizards, each page that opens without creating anything;
#  - the New Virtual Machine wizard (the install source of each install method, then each page
#    of a manual install) and the migrate wizard (to test:///default, enough to reach its
#    Checks page), each page that opens without creating or moving anything.
# Tables (the guest list, volume lists) are not walked into: their cells are named by their
# columns.
#
# Started by run-ui-test, with hako already running as `hako --connect "$HAKO_TEST_URI"`.
# Prints TAP.

import os
import subprocess
import sys

import hakoui
from hakoui import (
    GUEST,
    TAP,
    URI,
    application,
    bail,
    cell_named,
    diag,
    find,
    find_all,
    ok,
    plan,
    point_at,
    poll,
    pyatspi,
    quit_with_ctrl_q,
    rawinput,
    second_hako,
    sensitive,
    showing,
)

# The roles of controls a user operates; each needs a name.
CONTROLS = {
    "push button",
    "toggle button",
    "check box",
    "radio button",
    "combo box",
    "text",
    "password text",
    "entry",
    "spin button",
    "slider",
    "switch",
    "menu button",
}
# Containers whose children are cells or drawing, named otherwise.
OPAQUE = {"table", "tree table", "tree", "terminal"}

POOL = "hako-a11y-pool"
POOL_DIR = os.path.join(os.environ["HAKO_TEST_DIR"], "a11y-pool")

failures = []


def describe(node, path):
    """Where an unnamed control is: its role, the named things around it, its description."""
    where = " > ".join(path)
    hints = []
    if node.description:
        hints.append("description %r" % node.description)
    try:
        parent = node.parent
        siblings = [parent.getChildAtIndex(i) for i in range(parent.childCount)]
        texts = [s.name for s in siblings if s is not None and s.name and s.getRoleName() == "label"]
        if texts:
            hints.append("next to %r" % texts[:3])
    except Exception:  # AT-SPI objects may go away while we look
        pass
    try:
        text = node.queryText().getText(0, 40)
        if text:
            hints.append("text %r" % text)
    except Exception:
        pass
    return "%s in %s%s" % (node.getRoleName(), where, (" (" + ", ".join(hints) + ")") if hints else "")


def unnamed(window):
    """The showing controls under @window that have no accessible name."""
    found = []

    def walk(node, path):
        try:
            state = node.getState()
            role = node.getRoleName()
            name = (node.name or "").strip()
        except Exception:
            return
        if not state.contains(pyatspi.STATE_SHOWING):
            return
        here = path + ["%s %r" % (role, name) if name else role]
        if role in CONTROLS and not name:
            found.append(describe(node, here[:-1]))
        if role in OPAQUE:
            return
        for i in range(node.childCount):
            try:
                child = node.getChildAtIndex(i)
            except Exception:
                continue
            if child is not None:
                walk(child, here)

    walk(window, [])
    return found


def check(what, window):
    """Walks @window; records what is unnamed under the heading @what."""
    problems = unnamed(window)
    for p in problems:
        key = p
        if key not in [f for _, f in failures]:
            failures.append((what, key))
    diag("%s: %d unnamed" % (what, len(problems)))
    return problems


def report(description, problems):
    if problems:
        hakoui._count += 1
        print("not ok %d - %s" % (hakoui._count, description), file=TAP)
        for p in problems:
            diag("unnamed: " + p)
        return
    ok(description)


def shown_windows(app):
    return [w for w in app.children if showing(w)]


def new_window(app, before, what, timeout=20):
    def look():
        for w in shown_windows(app):
            if not any(w == b for b in before):
                return w
        return None

    window = poll(what, timeout, look)
    if window is None:
        bail(what + " opens", "windows %r" % [c.name for c in shown_windows(app)])
    return window


def press_in(window, keys):
    point_at(window)
    rawinput.keyCombo(keys)


def close(window, app):
    press_in(window, "Escape")
    if poll("closed", 10, lambda: window.dead or not showing(window)) is None:
        cancel = find(window, roleName="push button", name="Cancel")
        if cancel is not None:
            cancel.doActionNamed("click")
        poll("closed", 10, lambda: window.dead or not showing(window))


def button(window, name):
    return next((b for b in find_all(window, roleName="push button", name=name) if showing(b)),
                None)


def item_name(item):
    return item.name or next((l.name for l in find_all(item, roleName="label")), "?")


def sidebar_pages(window, what, wait_for=None):
    """Selects each item of the window's sidebar in turn and walks the page it shows; first
    waits for the item @wait_for (pages that are added once something is read)."""
    problems = []
    items = poll("sidebar", 20, lambda: [i for i in find_all(window, roleName="list item")
                                         if showing(i)])
    if wait_for is not None:
        items = poll(wait_for, 30, lambda: (lambda l: l if any(
            item_name(i) == wait_for for i in l) else None)(
            [i for i in find_all(window, roleName="list item") if showing(i)]))
    if not items:
        bail(what + " has a sidebar", "no list items")
    names = []
    for index in range(len(items)):
        items = [i for i in find_all(window, roleName="list item") if showing(i)]
        if index >= len(items):
            break
        item = items[index]
        label = item_name(item)
        names.append(label)
        item.parent.querySelection().selectChild(item.indexInParent)
        poll("page shown", 5, lambda: item.getState().contains(pyatspi.STATE_SELECTED))
        problems += ["[%s] %s" % (label, p) for p in check("%s: %s" % (what, label), window)]
    diag("%s pages: %s" % (what, ", ".join(names)))
    return problems


def page_key(window):
    """What tells one page of a wizard from the next: its title (a GtkAssistant's window takes
    its page's) and the labels it shows (a dialog with a GtkStack keeps one title)."""
    return (window.name, tuple(sorted(l.name for l in find_all(window, roleName="label")
                                      if l.name and showing(l))))


def assistant_pages(window, what, fill=None):
    """Walks each page of a wizard, going on with Next (or Forward) while it is enabled; never
    clicks anything else, so nothing is created or moved. @fill(window, title) fills a page in."""
    problems = []
    titles = []
    for page in range(10):
        title = window.name
        if title in titles:
            title = "%s (page %d)" % (title, page + 1)
        titles.append(title)
        if fill is not None:
            fill(window, window.name)
        problems += ["[%s] %s" % (title, p) for p in check("%s: %s" % (what, title), window)]
        nxt = poll("Next", 5, lambda: next(
            (b for b in (button(window, n) for n in ("Next", "Forward"))
             if b is not None and sensitive(b)), None))
        if nxt is None:
            diag("%s: no Next on %s; it says %r" % (what, title, [
                l.name for l in find_all(window, roleName="label") if l.name and showing(l)]))
            break
        key = page_key(window)
        nxt.doActionNamed("click")
        if poll("next page", 10, lambda: page_key(window) != key) is None:
            diag("%s: Next leaves %s as it is" % (what, title))
            break
    diag("%s pages walked: %s" % (what, ", ".join(titles)))
    return problems


def labelled(window, text):
    label = next((l for l in find_all(window, roleName="label", name=text) if showing(l)), None)
    for relation in label.getRelationSet() if label is not None else []:
        if relation.getRelationType() == pyatspi.RELATION_LABEL_FOR:
            return relation.getTarget(0)
    return None


def set_text(window, label, text):
    field = labelled(window, label)
    if field is not None:
        field.queryEditableText().setTextContents(text)


def virsh(*args):
    return subprocess.run(["virsh", "-q", "-c", URI] + list(args), capture_output=True,
                          text=True, timeout=60)


def main():
    plan("accessible", 15)
    os.makedirs(POOL_DIR, exist_ok=True)
    virsh("pool-define-as", POOL, "dir", "--target", POOL_DIR)
    virsh("pool-start", POOL)
    app = application()
    if poll("guest listed", 60, lambda: cell_named(app, GUEST)) is None:
        bail("the private daemon's guest is listed", "no row named %s" % GUEST)
    frame = find(app, roleName="frame", name="Hako")

    # The manager window, its search bar shown.
    press_in(frame, "<Control>f")
    poll("search", 5, lambda: any(showing(e) for e in find_all(frame, roleName="text")))
    report("the manager window names every control", check("manager", frame))
    press_in(frame, "Escape")

    # Preferences, each page of its switcher.
    before = shown_windows(app)
    press_in(frame, "<Control>comma")
    prefs = new_window(app, before, "Preferences")
    problems = []
    pages = [b for b in find_all(prefs, roleName="radio button") if showing(b)]
    pages = pages or [b for b in find_all(prefs, roleName="toggle button") if showing(b)]
    for page in pages:
        page.doActionNamed("click")
        problems += ["[%s] %s" % (page.name, p) for p in check("Preferences: " + page.name, prefs)]
    problems = problems or check("Preferences", prefs)
    diag("Preferences pages: %s" % ", ".join(p.name or "?" for p in pages))
    report("Preferences names every control on each page", problems)
    close(prefs, app)

    before = shown_windows(app)
    press_in(frame, "<Control><Shift>slash")
    shortcuts = new_window(app, before, "Keyboard Shortcuts")
    report("Keyboard Shortcuts names every control", check("Keyboard Shortcuts", shortcuts))
    close(shortcuts, app)

    # Add Connection, with its local fields, then with SSH's.
    before = shown_windows(app)
    press_in(frame, "<Control><Shift>n")
    dialog = new_window(app, before, "Add Connection")
    problems = check("Add Connection", dialog)
    for combo in find_all(dialog, roleName="combo box"):
        names = [i.name for i in find_all(combo, roleName="menu item")]
        if "SSH" in names:
            combo.querySelection().selectChild(names.index("SSH"))
            poll("SSH fields", 5, lambda: labelled(dialog, "Host:") is not None)
            problems += ["[SSH] " + p for p in check("Add Connection (SSH)", dialog)]
    report("Add Connection names every control, local and SSH", problems)
    close(dialog, app)

    # A guest's window: every page, the guest shut off.
    cell = cell_named(app, GUEST)
    itable = cell.parent.queryTable()
    itable.addRowSelection(itable.getRowAtIndex(cell.indexInParent))
    before = shown_windows(app)
    press_in(frame, "<Control>o")
    guest = new_window(app, before, "the guest's window")
    report("the guest's window names every control on each page (shut off)",
           sidebar_pages(guest, "guest", wait_for="Overview"))

    # Its Add Hardware dialog, each kind of device.
    add = poll("Add Hardware", 10, lambda: button(guest, "Add Hardware…"))
    if add is None:
        bail("the guest's window offers Add Hardware…", "no such button")
    before = shown_windows(app)
    add.doActionNamed("click")
    dialog = new_window(app, before, "Add Hardware")
    report("Add Hardware names every control for each kind of device",
           sidebar_pages(dialog, "Add Hardware"))
    close(dialog, app)

    # Its console, the guest running.
    # (The Console page is shown first: a VNC display that connects while its page is hidden
    # makes gtk-vnc call gdk_window_get_width() on a window it has not got yet.)
    items = [i for i in find_all(guest, roleName="list item") if showing(i)]
    console = next((i for i in items if i.name == "Console" or
                    find(i, roleName="label", name="Console") is not None), None)
    if console is not None:
        console.parent.querySelection().selectChild(console.indexInParent)
    virsh("start", GUEST)
    poll("display", 30, lambda: find(guest, name="Guest display") is not None and
         showing(find(guest, name="Guest display")))
    report("the guest's console names every control (running)", check("guest console", guest))
    virsh("destroy", GUEST)
    close(guest, app)

    # Connection Details, each page.
    before = shown_windows(app)
    second_hako("--connect", URI, "--show-host-summary")
    host = new_window(app, before, "Connection Details")
    report("Connection Details names every control on each page", sidebar_pages(host, "host"))

    def open_from_host(page_name, button_name, what, select=None):
        item = next((i for i in find_all(host, roleName="list item") if showing(i) and (
            i.name == page_name or find(i, roleName="label", name=page_name) is not None)), None)
        if item is None:
            bail("Connection Details has a %s page" % page_name, "no such item")
        item.parent.querySelection().selectChild(item.indexInParent)
        if select is not None:
            select()
        add = poll(button_name, 20, lambda: (lambda b: b if b and sensitive(b) else None)(
            button(host, button_name)))
        if add is None:
            bail("%s offers %s" % (page_name, button_name), "no enabled button")
        before = shown_windows(app)
        add.doActionNamed("click")
        return new_window(app, before, what)

    def fill_network(window, title):
        name = labelled(window, "Name:")
        if name is not None and showing(name) and not name.queryText().getText(0, -1):
            name.queryEditableText().setTextContents("hako-a11y-net")

    wizard = open_from_host("Virtual Networks", "Add Network…", "the Create Network wizard")
    report("the Create Network wizard names every control on each page",
           assistant_pages(wizard, "Create Network", fill=fill_network))
    close(wizard, app)

    def fill_pool(window, title):
        if title == "Name and Type":
            set_text(window, "Name:", "hako-a11y-new-pool")
            set_text(window, "Target path:", os.path.join(POOL_DIR, "new"))

    wizard = open_from_host("Storage", "Add Pool…", "the Create Pool wizard")
    report("the Create Pool wizard names every control on each page",
           assistant_pages(wizard, "Create Pool", fill=fill_pool))
    close(wizard, app)

    def select_pool():
        pools = poll("pools", 20, lambda: (lambda v: v if v and showing(v) else None)(
            find(host, name="Storage pools")))
        cell = pools and poll("pool", 20, lambda: find(pools, roleName="table cell", name=POOL))
        if cell is None:
            bail("the Storage page lists the test's pool", "no row %s" % POOL)
        table = cell.parent.queryTable()
        table.addRowSelection(table.getRowAtIndex(cell.indexInParent))

    def fill_volume(window, title):
        if title == "Name and Size":
            set_text(window, "Name:", "hako-a11y.qcow2")
            set_text(window, "Capacity:", "16 MiB")

    wizard = open_from_host("Storage", "New Volume…", "the Create Volume wizard", select_pool)
    report("the Create Volume wizard names every control on each page",
           assistant_pages(wizard, "Create Volume", fill=fill_volume))
    close(wizard, app)
    close(host, app)

    # The New Virtual Machine wizard: the Install Source page of each install method, then
    # every page of a manual install up to Finish, which is not clicked.
    def fill_create(window, title):
        if title == "Install Source":
            search = labelled(window, "Operating system:")
            table = find(window, name="Operating systems")
            if search is not None and table is not None:
                search.queryEditableText().setTextContents("linux 2022")
                cell = poll("OS", 20, lambda: find(table, roleName="table cell",
                                                    name="Generic Linux 2022"))
                if cell is not None:
                    itable = cell.parent.queryTable()
                    itable.addRowSelection(itable.getRowAtIndex(cell.indexInParent))
        elif title == "Storage":
            pool = labelled(window, "Pool:")
            names = [i.name for i in find_all(pool, roleName="menu item")] if pool else []
            if POOL in names:
                pool.querySelection().selectChild(names.index(POOL))
        elif title == "Ready to Begin":
            set_text(window, "Name:", "hako-a11y-guest")

    before = shown_windows(app)
    second_hako("--connect", URI, "--show-domain-creator")
    wizard = new_window(app, before, "the New Virtual Machine wizard")
    poll("Install Method", 20, lambda: wizard.name == "Install Method")
    problems = []
    methods = [r.name for r in find_all(wizard, roleName="radio button") if showing(r)]
    diag("install methods: %r" % methods)
    for method in methods:
        radio = next((r for r in find_all(wizard, roleName="radio button", name=method)
                      if showing(r)), None)
        radio.doActionNamed("click")
        problems += ["[Install Method] " + p for p in check("Install Method", wizard)]
        nxt = poll("Next", 10, lambda: (lambda b: b if b is not None and sensitive(b) else None)(
            button(wizard, "Next")))
        if nxt is None:
            continue
        nxt.doActionNamed("click")
        if poll("Install Source", 10, lambda: wizard.name == "Install Source") is None:
            continue
        problems += ["[Install Source: %s] %s" % (method, p)
                     for p in check("Install Source: " + method, wizard)]
        button(wizard, "Back").doActionNamed("click")
        poll("Install Method", 10, lambda: wizard.name == "Install Method")
    manual = next((r for r in find_all(wizard, roleName="radio button")
                   if showing(r) and r.name and r.name.startswith("Manual install")), None)
    if manual is not None:
        manual.doActionNamed("click")
    problems += assistant_pages(wizard, "New Virtual Machine", fill=fill_create)
    report("the New Virtual Machine wizard names every control on each page", problems)
    close(wizard, app)

    # The migrate wizard, to test:///default: its Destination and Checks pages.
    def fill_migrate(window, title):
        if title != "Destination":
            return
        entry = next((t for t in find_all(window, roleName="text", name="Or connect to:")
                      if showing(t)), None)
        connect = button(window, "Connect")
        if entry is not None and connect is not None:
            entry.queryEditableText().setTextContents("test:///default")
            connect.doActionNamed("click")
            poll("destination", 20, lambda: sensitive(button(window, "Next")))

    before = shown_windows(app)
    second_hako("--connect", URI, "--show-domain-migrate", GUEST)
    wizard = new_window(app, before, "the migrate wizard")
    report("the migrate wizard names every control on each page",
           assistant_pages(wizard, "Migrate", fill=fill_migrate))
    close(wizard, app)

    if failures:
        diag("%d unnamed controls in all" % len(failures))
    quit_with_ctrl_q(app)
    virsh("pool-destroy", POOL)
    virsh("pool-undefine", POOL)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
