#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# A remote host over SSH, as a user meets it: the private libvirtd behind an sshd of the test's
# own on 127.0.0.1 (run-ui-test --with-sshd), reached with a password and a host key hako has
# never seen:
#  - `hako --connect qemu+ssh://…` shows the unknown host key, with its fingerprint, in hako's
#    own dialog; trusted, hako asks for the password in its own dialog, never on a terminal;
#  - the host connects; a SPICE guest's console (every channel) and a VNC guest's console open
#    over SSH and show their guests;
#  - sshd saw one login for all of it;
#  - hako-viewer -c qemu+ssh://… (a key this time) shows the SPICE guest through a session of
#    its own: one more login, and its ssh processes end with it;
#  - once hako quits, no ssh process is left.
#
# Started by run-ui-test with hako running as `hako --connect "$HAKO_TEST_URI"`. Prints TAP.

import os
import subprocess
import tempfile
import time

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
    quit_with_ctrl_q,
    second_hako,
    screenshot,
    showing,
)
from test_console import define_memtest_guest, display_crop
from test_viewer import Viewer, check_display

URI = os.environ["HAKO_TEST_URI"]
GUEST = os.environ["HAKO_TEST_GUEST"]
PORT = os.environ["HAKO_TEST_SSH_PORT"]
PASSWORD = os.environ["HAKO_TEST_SSH_PASSWORD"]
KEY = os.environ["HAKO_TEST_SSH_KEY"]
CTL = os.environ["HAKO_TEST_SSH_CTL"]
SPICE = "hako-remote-spice"


def virsh(*args):
    r = subprocess.run(["virsh", "-q", "-c", URI] + list(args), capture_output=True, text=True,
                       timeout=60)
    if r.returncode != 0:
        bail("virsh %s" % " ".join(args), r.stderr.strip())
    return r.stdout.strip()


def logins():
    return int(subprocess.run([CTL, "logins"], capture_output=True, text=True).stdout or 0)


def ssh_processes():
    out = subprocess.run(["pgrep", "-f", "^ssh .*%s" % PORT], capture_output=True, text=True)
    return out.stdout.split()


def console_window(app, ssh_uri, guest, tag, colours):
    r = second_hako("--connect", ssh_uri, "--show-domain-console", guest)
    if r.returncode != 0:
        bail("hako --connect SSH-URI --show-domain-console %s" % guest, r.stderr.strip())
    window = poll("window", 30, lambda: next(
        (f for f in find_all(app, roleName="frame") if f.description == ssh_uri
         and f.name.startswith(guest + " on ")), None))
    if window is None:
        bail("the console of %s on the SSH host opens" % guest, "no window")
    path = os.path.join(LOGS, "ui-remote-%s.png" % tag)
    crop = poll("display", 90, lambda: (lambda c: c if c and c[0] >= colours else None)(
        display_crop(window, path)))
    if crop is None:
        screenshot(os.path.join(LOGS, "ui-remote-%s-screen.png" % tag))
        bail("the console of %s shows the guest over SSH" % guest, "the display stays blank")
    return window, crop


def main():
    plan("remote", 13)
    known_hosts = tempfile.NamedTemporaryFile(prefix="hako-known-hosts.", delete=False).name
    socket = URI.split("socket=", 1)[1]
    ssh_uri = "qemu+ssh://root@127.0.0.1:%s/system?known_hosts=%s&socket=%s" % (
        PORT, known_hosts, socket)
    define_memtest_guest(SPICE, graphics="spice", video="qxl")
    virsh("start", SPICE)
    virsh("start", GUEST)
    app = application()
    before = logins()

    r = second_hako("--connect", ssh_uri)
    if r.returncode != 0:
        bail("hako --connect qemu+ssh://… hands the URI over", r.stderr.strip())
    ok("`hako --connect qemu+ssh://…` hands the SSH host to the running hako")

    # 1. The unknown host key, shown with its fingerprint; trusted.
    dialog = poll("host key dialog", 30, lambda: find(app, roleName="dialog",
                                                      name="Unknown Host Key"))
    if dialog is None:
        bail("an unknown host key is shown in hako's own dialog", "no Unknown Host Key dialog")
    text = " ".join(n.name for n in find_all(dialog, roleName="label") if n.name)
    if "SHA256:" not in text:
        bail("the dialog shows the key's fingerprint", "its labels say %r" % text)
    ok("the unknown host key is shown in hako's dialog, with its fingerprint")
    diag([line for line in text.split("\n") if "SHA256:" in line][0])
    trust = find(dialog, roleName="push button", name="Trust and Connect")
    if trust is None:
        bail("the dialog offers Trust and Connect", "no such button")
    trust.doActionNamed("click")

    # 2. The password, in hako's dialog.
    dialog = poll("password dialog", 30, lambda: find(app, roleName="dialog",
                                                      name="Authentication Required"))
    entry = dialog and poll("password entry", 10, lambda: find(dialog, roleName="password text"))
    if entry is None:
        bail("ssh's password question comes in hako's dialog", "no dialog with a password field")
    prompts = " ".join(n.name for n in find_all(dialog, roleName="label") if n.name)
    if "password" not in prompts:
        bail("the dialog shows ssh's question", "its labels say %r" % prompts)
    ok("ssh's password question comes in hako's dialog, with a hidden field")
    entry.queryEditableText().setTextContents(PASSWORD)
    find(dialog, roleName="push button", name="Log In").doActionNamed("click")

    # 3. Connected: the guests' consoles over SSH.
    spice_window, crop = console_window(app, ssh_uri, SPICE, "spice", 4)
    ok("the SPICE console shows its guest over SSH (%d colours)" % crop[0])
    with open(known_hosts) as f:
        if "ssh-ed25519" not in f.read():
            bail("the trusted host key is kept", "known_hosts has no key")
    ok("the host connected and its trusted key is kept")
    vnc_window, crop = console_window(app, ssh_uri, GUEST, "vnc", 2)
    ok("the VNC console shows its guest over SSH (%d colours)" % crop[0])

    # 4. One login for the connection and every console channel.
    time.sleep(2)
    n = logins() - before
    if n != 1:
        bail("sshd saw one login for the connection and all consoles", "it saw %d" % n)
    ok("sshd saw one login for the connection, the SPICE channels and the VNC console")
    if not ssh_processes():
        bail("the SSH session is hako's own ssh process", "no ssh process")
    diag("ssh processes: %s" % " ".join(ssh_processes()))

    # 5. hako-viewer over SSH: one session of its own for the connection and every channel.
    hako_ssh = sorted(ssh_processes())
    before = logins()
    key_uri = "qemu+ssh://root@127.0.0.1:%s/system?keyfile=%s&known_hosts=%s&socket=%s" % (
        PORT, KEY, known_hosts, socket)
    viewer = Viewer("-c", key_uri, SPICE)
    viewer.application("hako-viewer over SSH is on the accessibility bus")
    window = viewer.frame("%s - Hako Viewer" % SPICE, "hako-viewer's window")
    check_display(viewer, window, "remote", "hako-viewer shows the SPICE guest over SSH",
                  colours=4)
    time.sleep(2)
    n = logins() - before
    if n != 1:
        bail("hako-viewer logs in once for the connection and every SPICE channel",
             "sshd saw %d logins" % n)
    ok("hako-viewer logged in once for the connection and every SPICE channel")
    rc = viewer.stop()
    if rc != 0:
        bail("hako-viewer exits with 0", "status %r: %s" % (rc, viewer.stderr()))
    deadline = time.monotonic() + 10
    while sorted(ssh_processes()) != hako_ssh and time.monotonic() < deadline:
        time.sleep(0.2)
    if sorted(ssh_processes()) != hako_ssh:
        bail("hako-viewer's ssh processes end with it", "ssh processes: %s, hako's: %s"
             % (ssh_processes(), hako_ssh))
    ok("hako-viewer exits with 0 and its ssh processes end with it")

    for window in (vnc_window, spice_window):
        close_guest_window(window)
    quit_with_ctrl_q(app)
    deadline = time.monotonic() + 10
    while ssh_processes() and time.monotonic() < deadline:
        time.sleep(0.2)
    if ssh_processes():
        bail("no ssh process outlives hako", "left: %s" % ssh_processes())
    ok("no ssh process outlives hako")
    os.unlink(known_hosts)
    virsh("destroy", SPICE)


if __name__ == "__main__":
    main()
