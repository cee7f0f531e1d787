#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# A display password in the guest's window, kept in a real keyring (gnome-keyring on the
# test's own session bus, in a home of its own: run-ui-test --with-keyring), against the
# private libvirtd's guest given a VNC password, seen through the daemon's read-only socket
# (which may not read passwords):
#  - the Console page asks for the password; a wrong one is asked again, with the reason;
#  - the right one with "Remember this password in the keyring" shows the guest, and the
#    keyring then holds one display password for that guest;
#  - the guest's window opened again shows the guest without asking;
#  - once the guest's password has changed, the kept one is refused: the page asks again,
#    with the reason, and the keyring forgets the old password.
#
# Started by run-ui-test with hako running as `hako --connect "$HAKO_TEST_URI"`. Prints TAP.

import os
import subprocess
import sys
import tempfile

from hakoui import (
    close_guest_window,
    LOGS,
    application,
    bail,
    diag,
    find,
    find_all,
    ok,
    plan,
    poll,
    pyatspi,
    quit_with_ctrl_q,
    screenshot,
    second_hako,
    showing,
)
from test_console import display_crop

URI = os.environ["HAKO_TEST_URI"]
RO_URI = URI.replace("/libvirt-sock", "/libvirt-sock-ro")
GUEST = os.environ["HAKO_TEST_GUEST"]
SCHEMA = "org.hako.Hako.DisplayPassword"


def virsh(*args):
    r = subprocess.run(["virsh", "-q", "-c", URI] + list(args), capture_output=True, text=True,
                       timeout=60)
    if r.returncode != 0:
        bail("virsh %s" % " ".join(args), r.stderr.strip())
    return r.stdout.strip()


def default_keyring():
    r = subprocess.run(["gdbus", "call", "--session", "--dest", "org.freedesktop.secrets",
                        "--object-path", "/org/freedesktop/secrets", "--method",
                        "org.freedesktop.Secret.Service.ReadAlias", "default"],
                       capture_output=True, text=True, timeout=20)
    return r.returncode == 0 and "/collection/" in r.stdout


def kept_passwords():
    """The keyring's display passwords (object paths), or None if there is no keyring."""
    r = subprocess.run(["gdbus", "call", "--session", "--dest", "org.freedesktop.secrets",
                        "--object-path", "/org/freedesktop/secrets", "--method",
                        "org.freedesktop.Secret.Service.SearchItems",
                        "{'xdg:schema': '%s'}" % SCHEMA], capture_output=True, text=True,
                       timeout=20)
    if r.returncode != 0:
        return None
    return [p for p in r.stdout.replace("(", " ").replace(")", " ").replace("[", " ")
            .replace("]", " ").replace(",", " ").replace("objectpath", " ").replace("'", " ")
            .split() if p.startswith("/")]


def set_password(new, old):
    xml = virsh("dumpxml", "--security-info", GUEST)
    if "passwd='%s'" % old not in xml:
        bail("the guest has the password %s" % old, "its XML has no passwd='%s'" % old)
    virsh("define", write(xml.replace("passwd='%s'" % old, "passwd='%s'" % new, 1)))


def write(text):
    with tempfile.NamedTemporaryFile("w", suffix=".xml", delete=False) as f:
        f.write(text)
    return f.name


def open_console():
    """The guest's window on the read-only host, opened by a second hako."""
    r = second_hako("--connect", RO_URI, "--show-domain-console", GUEST)
    if r.returncode != 0:
        bail("hako --connect RO_URI --show-domain-console GUEST", r.stderr.strip())
    window = poll("window", 30, lambda: next(
        (f for f in find_all(app, roleName="frame", name="%s on QEMU/KVM" % GUEST)
         if f.description == RO_URI), None))
    if window is None:
        bail("the guest's window on the read-only host opens", "no frame for %s" % RO_URI)
    return window


def password_entry(window):
    return (lambda e: e if e is not None and showing(e) else None)(
        find(window, roleName="password text"))


def showing_label(window, part):
    for node in find_all(window, roleName="label"):
        if node.name and part in node.name and showing(node):
            return node.name
    return None


def type_password(window, entry, password, remember):
    check = find(window, roleName="check box", name="Remember this password in the keyring")
    if check is None or not showing(check):
        bail("the password page offers to remember the password in the keyring", "no check box")
    def checked():
        return check.getState().contains(pyatspi.STATE_CHECKED)

    if checked() != remember:
        check.doActionNamed("click")
        if poll("check box", 10, lambda: checked() == remember) is None:
            bail("the Remember check box can be set", "it stays %s" % checked())
    entry.queryEditableText().setTextContents(password)
    entry.doActionNamed("activate")


def shows_guest(window, name):
    path = os.path.join(LOGS, "ui-password-%s.png" % name)
    return poll("display", 60, lambda: (lambda c: c if c and c[0] >= 2 else None)(
        display_crop(window, path)))


def main():
    global app
    plan("password", 10)
    # run-ui-test --with-keyring: a gnome-keyring of the test's own, unlocked.
    if not default_keyring():
        bail("the test's keyring runs, unlocked", "no default collection on the session bus")
    xml = virsh("dumpxml", GUEST)
    virsh("define", write(xml.replace("<graphics type='vnc'", "<graphics type='vnc' "
                                      "passwd='hako-pw1'", 1)))
    virsh("start", GUEST)
    app = application()

    # 1. Asked; a wrong password is asked again, with the reason.
    window = open_console()
    entry = poll("password page", 30, lambda: password_entry(window))
    if entry is None:
        bail("the Console page asks for the display's password", "no password entry")
    ok("the Console page of a guest seen read-only asks for the display's password")
    type_password(window, entry, "wrong-pw", remember=True)
    reason = poll("asked again", 30, lambda: password_entry(window) and
                  showing_label(window, "refused"))
    if reason is None:
        bail("a wrong password is asked again, with the reason", "no label saying why")
    ok("a wrong password is asked again, with the reason")
    diag(reason)
    if kept_passwords():
        bail("a refused password is not kept", "the keyring has %r" % kept_passwords())

    # 2. The right one, remembered: the guest, and one password in the keyring.
    type_password(window, password_entry(window), "hako-pw1", remember=True)
    if shows_guest(window, "first") is None:
        bail("the right password shows the guest", "the display area stays blank")
    ok("the right password shows the guest")
    kept = poll("kept", 15, lambda: kept_passwords())
    if kept is None or len(kept) != 1:
        bail("the password is kept in the keyring", "items: %r" % kept)
    ok("the password is kept in the keyring (%s)" % kept[0])
    close_guest_window(window)

    # 3. Opened again: no question.
    window = open_console()
    if shows_guest(window, "again") is None:
        bail("the kept password shows the guest without asking", "no display")
    if password_entry(window) is not None:
        bail("the kept password shows the guest without asking", "asked anyway")
    ok("the window opened again shows the guest without asking")
    close_guest_window(window)

    # 4. The guest's password changed: the kept one is refused, asked again, forgotten.
    virsh("destroy", GUEST)
    set_password("hako-pw2", "hako-pw1")
    virsh("start", GUEST)
    window = open_console()
    reason = poll("asked again", 30, lambda: password_entry(window) and
                  showing_label(window, "refused"))
    if reason is None:
        screenshot(os.path.join(LOGS, "ui-password-stale.png"))
        bail("a kept password that is refused is asked again, with the reason", "no question")
    ok("a kept password that the display refuses is asked again, with the reason")
    if poll("forgotten", 15, lambda: kept_passwords() == []) is None:
        bail("a kept password that is refused is forgotten", "items: %r" % kept_passwords())
    ok("the refused kept password is forgotten")
    type_password(window, password_entry(window), "hako-pw2", remember=False)
    if shows_guest(window, "second") is None:
        bail("the new password shows the guest", "no display")
    if kept_passwords():
        bail("a password typed without Remember is not kept", "items: %r" % kept_passwords())
    ok("the new password, not remembered, shows the guest and is not kept")
    close_guest_window(window)

    quit_with_ctrl_q(app)


if __name__ == "__main__":
    main()
