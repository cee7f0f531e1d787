#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# The Add Connection dialog's fields and the URI they make, as a user meets them:
#  - Local hides the user, host and port rows; Xen hides the user session; the dialog keeps
#    its size whatever rows show;
#  - SSH with a user, a host name typed from the keyboard (its mnemonic) and a port makes
#    qemu+ssh://USER@HOST:PORT/system; an IPv6 address goes in brackets;
#  - a bad host name or port disables Connect, Enter does nothing, a label says what is wrong;
#  - a URI typed in the entry fills the fields (keeping its ?parameters when a field changes
#    afterwards); a custom one leaves them as they were and says so; a URI whose fields are
#    wrong (xen:///session) is refused;
#  - Escape cancels; Enter in the URI entry connects, over SSH to the private libvirtd behind
#    the test's sshd (run-ui-test --with-sshd) with the key and known hosts in the URI, without
#    any prompt, and the host's guests are listed.
#
# Started by run-ui-test with hako running as `hako --connect "$HAKO_TEST_URI"`. Prints TAP.

import os
import time

from hakoui import (
    GUEST,
    LOGS,
    URI,
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
    screenshot,
    sensitive,
    showing,
)

PORT = os.environ["HAKO_TEST_SSH_PORT"]
KEY = os.environ["HAKO_TEST_SSH_KEY"]
KNOWN_HOSTS = os.environ["HAKO_TEST_SSH_KNOWN_HOSTS"]


class Dialog:
    """The Add Connection dialog's widgets, found by the labels that name them."""

    def __init__(self, app):
        self.app = app
        self.node = poll("Add Connection", 10, lambda: find(app, roleName="dialog",
                                                              name="Add Connection"))
        if self.node is None:
            bail("Ctrl+Shift+N opens Add Connection", "no dialog")
        self.connect = find(self.node, roleName="push button", name="Connect")
        self.session = find(self.node, roleName="check box",
                            name="User session instead of the system instance")
        self.hypervisor = self.combo("QEMU/KVM")
        self.transport = self.combo("SSH")
        self.user = self.labelled("User name:")
        self.host = self.labelled("Host name:")
        self.port = self.labelled("Port:")
        self.uri = self.labelled("URI:")

    def combo(self, item):
        for combo in find_all(self.node, roleName="combo box"):
            if find(combo, roleName="menu item", name=item) is not None:
                return combo
        bail("the dialog has a combo box offering %s" % item, "none")

    def labelled(self, text):
        label = find(self.node, roleName="label", name=text)
        if label is None:
            bail("the dialog has a field labelled %r" % text, "no such label")
        for relation in label.getRelationSet():
            if relation.getRelationType() == pyatspi.RELATION_LABEL_FOR:
                return relation.getTarget(0)
        bail("the label %r names its field" % text, "it has no label-for relation")

    def choose(self, combo, item):
        names = [i.name for i in find_all(combo, roleName="menu item")]
        combo.querySelection().selectChild(names.index(item))
        if poll("%s chosen" % item, 10, lambda: combo.name == item) is None:
            bail("choosing %s" % item, "the combo box shows %r" % combo.name)

    def set(self, entry, text):
        entry.queryEditableText().setTextContents(text)

    def text(self, entry):
        return entry.queryText().getText(0, -1)

    def message(self):
        labels = [l.name for l in find_all(self.node, roleName="label") if l.name and showing(l)]
        return " ".join(l for l in labels if l.rstrip(":") not in
                        ("Hypervisor", "Connection", "User name", "Host name", "Port", "URI"))

    def wait_uri(self, wanted, description):
        if poll(description, 10, lambda: self.text(self.uri) == wanted) is None:
            bail(description, "the URI entry says %r, not %r" % (self.text(self.uri), wanted))

    def wait_refused(self, words, description):
        def refused():
            return not sensitive(self.connect) and words in self.message()

        if poll(description, 10, refused) is None:
            bail(description, "Connect sensitive: %s; the dialog says %r"
                 % (sensitive(self.connect), self.message()))
        diag(self.message())

    def wait_accepted(self, description):
        if poll(description, 10, lambda: sensitive(self.connect)) is None:
            bail(description, "Connect stays insensitive; the dialog says %r" % self.message())

    def wait_rows(self, wanted, description):
        """Wait until the rows that show are @wanted: they map after the change that shows them."""
        if poll(description, 10, lambda: self.rows_showing() == wanted) is None:
            bail(description, "rows showing: %r" % self.rows_showing())

    def rows_showing(self):
        return {name: showing(node) for name, node in (
            ("session", self.session), ("user", self.user), ("host", self.host),
            ("port", self.port))}


def open_dialog(app, frame):
    point_at(frame)
    rawinput.keyCombo("<Control><Shift>n")
    return Dialog(app)


def prompts(app):
    return [d.name for d in find_all(app, roleName="dialog")
            if d.name in ("Unknown Host Key", "Authentication Required") and showing(d)]


def main():
    plan("add-connection", 13)
    app = application()
    if poll("guest listed", 60, lambda: cell_named(app, GUEST)) is None:
        bail("the private daemon's guest is listed", "no row named %s" % GUEST)
    frame = find(app, roleName="frame", name="Hako")

    # 1. Local: the rows of remote hosts are hidden.
    dialog = open_dialog(app, frame)
    dialog.wait_uri("qemu:///system", "the dialog starts with qemu:///system")
    dialog.wait_rows({"session": True, "user": False, "host": False, "port": False},
                     "a local QEMU connection shows the user session only")
    if not sensitive(dialog.connect):
        bail("qemu:///system can be connected", "Connect is insensitive")
    size = dialog.node.size
    dialog.session.doActionNamed("click")
    dialog.wait_uri("qemu:///session", "User session makes qemu:///session")
    dialog.session.doActionNamed("click")
    dialog.wait_uri("qemu:///system", "unticked, qemu:///system again")
    dialog.choose(dialog.hypervisor, "Xen")
    dialog.wait_uri("xen:///system", "Xen makes xen:///system")
    dialog.wait_rows({"session": False, "user": False, "host": False, "port": False},
                     "Xen hides the user session")
    dialog.choose(dialog.hypervisor, "QEMU/KVM")
    ok("Local shows no user, host or port; User session and Xen make their URIs; Xen hides "
       "the session")

    # 2. SSH: user (root by default), host typed with its mnemonic, port.
    dialog.choose(dialog.transport, "SSH")
    dialog.wait_rows({"session": True, "user": True, "host": True, "port": True},
                     "SSH shows the user, host and port rows")
    if dialog.text(dialog.user) != "root":
        bail("the user name is root by default", "it is %r" % dialog.text(dialog.user))
    dialog.wait_refused("needs a host", "SSH without a host cannot connect")
    dialog.set(dialog.user, "admin")
    point_at(dialog.node)
    rawinput.keyCombo("<Alt>t")
    if poll("host focused", 10, lambda: dialog.host.getState().contains(pyatspi.STATE_FOCUSED)) is None:
        bail("Alt+T focuses the host name", "it does not have the focus")
    rawinput.typeText("server.example.com")
    dialog.set(dialog.port, "2222")
    dialog.wait_uri("qemu+ssh://admin@server.example.com:2222/system",
                    "SSH, user, host and port make qemu+ssh://USER@HOST:PORT/system")
    dialog.wait_accepted("a good SSH URI can be connected")
    ok("SSH with user admin, a host typed after Alt+T and port 2222 shows "
       "qemu+ssh://admin@server.example.com:2222/system")
    guide_shot("add-connection", dialog.node)
    dialog.set(dialog.host, "fe80::1")
    dialog.wait_uri("qemu+ssh://admin@[fe80::1]:2222/system", "an IPv6 address goes in brackets")
    ok("an IPv6 host goes in brackets: qemu+ssh://admin@[fe80::1]:2222/system")

    # 3. Bad values: Connect insensitive, Enter does nothing, the dialog says what is wrong.
    dialog.set(dialog.host, "bad host")
    dialog.wait_refused("“bad host” is not a valid host name: it contains a space",
                        "a host name with a space is refused")
    point_at(dialog.node)
    dialog.host.queryComponent().grabFocus()
    rawinput.keyCombo("Return")
    if poll("still open", 2, lambda: not showing(dialog.node)) is not None:
        bail("Enter does not connect a bad host name", "the dialog closed")
    dialog.set(dialog.host, "server")
    dialog.wait_accepted("a good host is accepted again")
    dialog.set(dialog.port, "70000")
    dialog.wait_refused("Port 70000 is out of range", "port 70000 is refused")
    dialog.set(dialog.port, "ssh")
    dialog.wait_refused("“ssh” is not a port number", "a port that is no number is refused")
    dialog.set(dialog.user, "me@home")
    dialog.set(dialog.port, "")
    dialog.wait_refused("“me@home” is not a valid user name", "a user name with @ is refused")
    dialog.set(dialog.user, "root")
    dialog.wait_uri("qemu+ssh://root@server/system", "an empty port is the default")
    dialog.wait_accepted("good values are accepted again")
    ok("a bad host name, port or user name disables Connect (and Enter) and says what is wrong")

    # 4. The rows that show change, the dialog's size does not.
    sizes = {}
    for transport, rows in (("TLS", {"session": False, "user": False, "host": True, "port": True}),
                            ("Local", {"session": True, "user": False, "host": False, "port": False}),
                            ("SSH", {"session": True, "user": True, "host": True, "port": True})):
        dialog.choose(dialog.transport, transport)
        dialog.wait_rows(rows, "%s shows its rows" % transport)
        sizes[transport] = dialog.node.size
    # The longest messages wrap within the dialog rather than widen it.
    dialog.set(dialog.host, "bad host")
    dialog.wait_refused("is not a valid host name", "a bad host name is refused again")
    time.sleep(1)
    screenshot(os.path.join(LOGS, "ui-add-connection-ssh.png"))
    sizes["SSH, a bad host name"] = dialog.node.size
    dialog.set(dialog.host, "server")
    dialog.wait_accepted("a good host is accepted again")
    if any(s != size for s in sizes.values()):
        bail("the dialog keeps its size", "it was %r, then %r" % (size, sizes))
    ok("the dialog keeps its size (%dx%d) for Local, SSH and TLS, and with a long message" % size)

    # 5. A URI typed in the entry fills the fields, and its parameters survive a field change.
    dialog.set(dialog.uri, "xen+tls://[2001:db8::1]:16514/system?no_verify=1")
    if poll("fields follow", 10, lambda: dialog.hypervisor.name == "Xen" and
            dialog.transport.name == "TLS" and dialog.text(dialog.host) == "2001:db8::1" and
            dialog.text(dialog.port) == "16514") is None:
        bail("a URI typed in the entry fills the fields", "hypervisor %r, transport %r, host %r, "
             "port %r" % (dialog.hypervisor.name, dialog.transport.name,
                          dialog.text(dialog.host), dialog.text(dialog.port)))
    dialog.wait_rows({"session": False, "user": False, "host": True, "port": True},
                     "Xen over TLS shows the host and port only")
    dialog.wait_accepted("the typed URI can be connected")
    dialog.set(dialog.port, "16515")
    dialog.wait_uri("xen+tls://[2001:db8::1]:16515/system?no_verify=1",
                    "a field change keeps the URI's parameters")
    ok("a URI typed in the entry fills the fields (Xen, TLS, 2001:db8::1, 16514), and its "
       "?no_verify=1 survives a port change")

    # 6. A custom URI leaves the fields alone; a URI whose fields are wrong is refused.
    dialog.set(dialog.uri, "qemu+tcp://server/system")
    if poll("custom", 10, lambda: "custom URI" in dialog.message()) is None:
        bail("the dialog says a URI is custom", "it says %r" % dialog.message())
    dialog.wait_accepted("a custom URI can be connected")
    fields = (dialog.hypervisor.name, dialog.transport.name, dialog.text(dialog.host),
              dialog.text(dialog.port))
    if fields != ("Xen", "TLS", "2001:db8::1", "16515"):
        bail("a custom URI leaves the fields as they were", "they are %r" % (fields,))
    ok("a custom URI (qemu+tcp://) is accepted as typed and leaves the fields as they were")
    dialog.set(dialog.uri, "xen:///session")
    dialog.wait_refused("Xen has no user session", "xen:///session is refused")
    if dialog.transport.name != "Local":
        bail("xen:///session fills the fields", "the transport is %r" % dialog.transport.name)
    dialog.set(dialog.uri, "qemu:///system with spaces")
    dialog.wait_refused("not a valid connection URI", "a malformed URI is refused")
    ok("xen:///session and a malformed URI disable Connect, saying why")

    # 7. Escape cancels: nothing is added.
    hosts_before = len(find_all(app, roleName="table cell", name=GUEST))
    point_at(dialog.node)
    dialog.uri.queryComponent().grabFocus()
    rawinput.keyCombo("Escape")
    if poll("closed", 10, lambda: find(app, roleName="dialog", name="Add Connection") is None or
            not showing(dialog.node)) is None:
        bail("Escape closes Add Connection", "it stays open")
    ok("Escape cancels Add Connection")

    # 8. An SSH URI with its key, known hosts and socket, typed in the entry; Enter connects.
    socket = URI.split("socket=", 1)[1]
    ssh_uri = "qemu+ssh://root@127.0.0.1:%s/system?keyfile=%s&known_hosts=%s&socket=%s" % (
        PORT, KEY, KNOWN_HOSTS, socket)
    dialog = open_dialog(app, frame)
    dialog.set(dialog.uri, ssh_uri)
    if poll("ssh fields", 10, lambda: dialog.transport.name == "SSH" and
            dialog.text(dialog.user) == "root" and dialog.text(dialog.host) == "127.0.0.1" and
            dialog.text(dialog.port) == PORT) is None:
        bail("the SSH URI fills the fields", "transport %r, user %r, host %r, port %r" % (
            dialog.transport.name, dialog.text(dialog.user), dialog.text(dialog.host),
            dialog.text(dialog.port)))
    dialog.wait_accepted("the SSH URI can be connected")
    point_at(dialog.node)
    dialog.uri.queryComponent().grabFocus()
    rawinput.keyCombo("Return")
    if poll("dialog closes", 10, lambda: not showing(dialog.node)) is None:
        bail("Enter connects", "the dialog stays open")
    ok("the SSH URI typed in the entry fills the fields, and Enter connects")

    seen = []

    def listed():
        seen.extend(p for p in prompts(app) if p not in seen)
        return (cell_named(app, "QEMU/KVM: 127.0.0.1") is not None and
                len(find_all(app, roleName="table cell", name=GUEST)) == hosts_before + 1)

    if poll("SSH host's guests", 60, listed) is None:
        bail("the SSH host connects and its guests are listed",
             "cells: %r" % [c.name for c in find_all(app, roleName="table cell") if c.name][:40])
    if seen:
        bail("the SSH host connects without a prompt", "hako asked: %r" % seen)
    ok("the SSH host connects without any prompt and lists %s" % GUEST)

    quit_with_ctrl_q(app)


if __name__ == "__main__":
    main()
