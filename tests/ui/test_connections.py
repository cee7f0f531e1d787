#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Connections from the user's side: a second `hako --connect` hands its URI to the running
# window; a host that wants a password asks for it in a dialog; bad and unreachable URIs show
# their error (on the host's row, or in the window's error bar when the URI cannot even be
# parsed); a connection that hangs leaves the window usable; a stopped daemon is named, with the
# command that starts it; and Hako still quits at once.
#
# Started by run-ui-test, with hako already running as `hako --connect "$HAKO_TEST_URI"`.
# Prints TAP.

import os
import socket
import subprocess
import sys
import threading
import time

from hakoui import (
    GUEST,
    application,
    bail,
    cell_named,
    cell_starting,
    diag,
    find,
    find_all,
    ok,
    plan,
    point_at,
    poll,
    quit_with_ctrl_q,
    rawinput,
    second_hako,
    showing,
    state_text,
)

SRCDIR = os.environ["G_TEST_SRCDIR"]
AUTH_URI = "test://" + os.path.abspath(os.path.join(SRCDIR, "data", "testdriver-auth.xml"))


class SilentListener:
    """A loopback TCP port that accepts connections and never says a word."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.accepted = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted.append(conn)


def row_text(app, host_prefix):
    cell = cell_starting(app, host_prefix)
    return cell.name if cell is not None else None


def main():
    plan("connections", 13)
    app = application()
    if poll("guest listed", 60, lambda: cell_named(app, GUEST)) is None:
        bail("the private daemon's guest is listed", "no row named %s" % GUEST)

    # 1. A second hako hands its --connect over and exits at once.
    result = second_hako("--connect", AUTH_URI)
    if result.returncode != 0:
        bail("a second hako hands its URI over", "status %d: %s" % (result.returncode, result.stderr))
    ok("a second `hako --connect` hands its URI to the running one and exits 0")

    # 2. The test driver asks for a user name and a password: the user sees a dialog.
    dialog = poll("password dialog", 30, lambda: find(app, roleName="dialog", name="Authentication Required"))
    if dialog is None:
        bail("the host asks for a password in a dialog", "no dialog named Authentication Required")
    message = " ".join(label.name for label in find_all(dialog, roleName="label") if label.name)
    if "testdriver-auth.xml" not in message:
        bail("the dialog names the host that asks", "its labels say %r" % message)
    ok("libvirt's credential request reaches the user as a dialog naming the host")

    # libvirt asks for the user name and for the password in two callbacks: two dialogs.
    asked_password = False
    for _ in range(2):
        dialog = poll("dialog", 10, lambda: find(app, roleName="dialog", name="Authentication Required"))
        if dialog is None:
            break
        passwords = find_all(dialog, roleName="password text")
        for entry in find_all(dialog, roleName="text"):
            entry.queryEditableText().setTextContents("hako")
        for entry in passwords:
            entry.queryEditableText().setTextContents("hako-secret")
            asked_password = True
        log_in = find(dialog, roleName="push button", name="Log In")
        if log_in is None:
            bail("the dialog has a Log In button", "none found")
        log_in.doActionNamed("click")
        if poll("dialog closes", 10, lambda: dialog.dead or not showing(dialog)) is None:
            bail("Log In closes the dialog", "it is still open")
    if not asked_password:
        bail("the password is typed into a hidden field", "no dialog had a password field")
    ok("the password is typed into a field that hides it")
    if poll("guests of the authenticated host", 20, lambda: state_text(app, "tdauth-running-01") == "Running") is None:
        bail("after logging in the host's guests are listed", "no tdauth-running-01 row saying Running")
    ok("after logging in, the host connects and lists its guests")

    # 3. A URI libvirt has no driver for: the error goes on that host's row.
    result = second_hako("--connect", "hakonosuchdriver:///system")
    if result.returncode != 0:
        bail("an unusable URI is still handed over", "status %d: %s" % (result.returncode, result.stderr))

    def refused_row():
        for cell in find_all(app, roleName="table cell"):
            if cell.name and "Not connected" in cell.name:
                return cell.name
        return None

    text = poll("error on the row", 30, refused_row)
    if text is None:
        bail("a URI libvirt refuses shows its error on the host's row", "no row says Not connected")
    diag("row: " + text)
    if "hakonosuchdriver" not in text:
        bail("the row's error is libvirt's reason, naming the URI", "row says %r" % text)
    ok("a URI libvirt refuses shows libvirt's reason on that host's row")

    # 4. A URI that cannot be parsed: refused with a message in the window and on stderr.
    result = second_hako("--connect", "not a uri")
    if result.returncode == 0 or "not a valid connection URI" not in result.stderr:
        bail("a malformed URI is refused", "status %d, stderr %r" % (result.returncode, result.stderr))
    ok("a malformed URI is refused with a message and a non-zero status")

    def error_bar():
        for label in find_all(app, roleName="label"):
            if label.name and "not a valid connection URI" in label.name and showing(label):
                return label
        return None

    if poll("error bar", 10, error_bar) is None:
        bail("the window shows why the URI was refused", "no visible label says so")
    ok("the window's error bar says why the URI was refused")

    # 5. A host that accepts the TCP connection and never answers.
    listener = SilentListener()
    hang_uri = "qemu+tcp://127.0.0.1:%d/system" % listener.port
    result = second_hako("--connect", hang_uri)
    if result.returncode != 0:
        bail("a hanging URI is handed over", "status %d: %s" % (result.returncode, result.stderr))
    if poll("connecting row", 20, lambda: "Connecting" in (row_text(app, "QEMU/KVM: 127.0.0.1") or "")) is None:
        bail("the hanging host shows Connecting…", "row says %r" % row_text(app, "QEMU/KVM: 127.0.0.1"))
    if poll("accepted", 10, lambda: listener.accepted) is None:
        bail("hako reached the silent listener", "no connection accepted")
    ok("the hanging host's row says Connecting… while libvirt waits for an answer")

    # While it hangs the window answers: typing into the search entry filters the list.
    frame = find(app, roleName="frame", name="Hako")
    point_at(frame)
    rawinput.keyCombo("<Control>f")
    search = poll("search entry", 10, lambda: find(app, roleName="text", name="Search guests"))
    if search is None:
        bail("Ctrl+F reaches the search entry", "no text named Search guests")
    rawinput.typeText("tdauth-paused")
    hidden = poll(
        "filtered",
        10,
        lambda: cell_named(app, "tdauth-paused-01") is not None and cell_named(app, "tdauth-running-01") is None,
    )
    if hidden is None:
        bail("searching filters the list while a host hangs", "the rows did not follow the search")
    ok("while a host hangs, the search entry still filters the list by name")
    rawinput.keyCombo("Escape")
    if poll("unfiltered", 10, lambda: cell_named(app, "tdauth-running-01") is not None) is None:
        bail("Escape clears the search", "tdauth-running-01 did not come back")
    ok("Escape clears the search and every guest is back")

    # 6. The private daemon stopped for real: its host's row says so in plain words, with the
    # command that starts it again.
    subprocess.run(os.environ["HAKO_TEST_LIBVIRTD_CTL"].split() + ["stop"], check=True,
                   stdout=subprocess.DEVNULL)

    # The private daemon's own row: its message names the socket in the harness's directory
    # (hakonosuchdriver's row, which libvirt sends to the system socket, says it too).
    socket_path = os.path.join(os.environ["HAKO_TEST_DIR"], "run", "libvirt-sock")

    def stopped_row():
        for cell in find_all(app, roleName="table cell"):
            name = cell.name or ""
            if "The libvirt daemon is not running" in name and socket_path in name:
                return name
        return None

    text = poll("daemon stopped on the row", 60, stopped_row)
    if text is None:
        bail("a stopped daemon is named on its host's row", "no row says the daemon is not running")
    diag("row: " + text)
    if "systemctl start libvirtd" not in text or "libvirtd -d" not in text:
        bail("the row gives the command that starts the daemon", "row says %r" % text)
    ok("a stopped daemon's host row says the daemon is not running and how to start it")

    # 7. Quitting does not wait for the hanging connection.
    started = time.monotonic()
    quit_with_ctrl_q(app)
    diag("hako quit %.1f s after Ctrl+Q" % (time.monotonic() - started))
    return 0


if __name__ == "__main__":
    sys.exit(main())
