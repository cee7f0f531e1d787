#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# A guest's window follows the guest when it migrates, against real QEMU guests live-migrated
# between private libvirt daemons on this machine (host A is run-ui-test's, host B and host C
# are started here; migration data goes over loopback):
#  - a VNC guest on A, its window on the Console page, migrates to B (persistent, undefined on
#    A): the window of the guest on B takes its place and shows the guest's screen, still
#    changing; the window of the guest on A is gone;
#  - a SPICE guest does the same (defined on both afterwards);
#  - migrated on to C, a host Hako does not know: the window stays and says where the guest
#    went and what to do.
#
# Started by run-ui-test with hako running as `hako --connect "$HAKO_TEST_URI"`. Prints TAP.

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from hakoui import (
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
    screenshot,
    second_hako,
    showing,
)
from test_console import define_memtest_guest, display_crop, open_window

URI_A = os.environ["HAKO_TEST_URI"]
CTL = os.path.join(os.environ["HAKO_HARNESS"], "private-libvirtd")
MEMTEST = "/usr/lib/memtest86+/memtest86+x64.iso"
VNC = "hako-mig-vnc"
SPICE = "hako-mig-spice"

hosts = []  # the directories of the daemons started here


def start_host():
    path = tempfile.mkdtemp(prefix="hako-libvirtd.")
    os.chmod(path, 0o755)
    hosts.append(path)
    r = subprocess.run([CTL, path, "start"], capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        bail("a second private libvirtd starts", r.stderr.strip())
    return subprocess.run([CTL, path, "uri"], capture_output=True, text=True,
                          check=True).stdout.strip()


def stop_hosts(fast=False):
    for path in hosts:
        subprocess.run([CTL, path, "kill-all" if fast else "stop"], capture_output=True,
                       timeout=60)
        shutil.rmtree(path, ignore_errors=True)
    hosts.clear()


def on_signal(signum, frame):
    stop_hosts(fast=True)
    sys.exit(128 + signum)


def virsh(uri, *args):
    r = subprocess.run(["virsh", "-q", "-c", uri] + list(args), capture_output=True, text=True,
                       timeout=120)
    if r.returncode != 0:
        bail("virsh %s" % " ".join(args), r.stderr.strip())
    return r.stdout.strip()


def guest_window(app, guest, uri):
    """The frame of guest on the host uri (the title names the host's label, the same for all
    local hosts; the accessible description is the host's URI)."""
    for frame in find_all(app, roleName="frame", name="%s on QEMU/KVM" % guest):
        if frame.description == uri:
            return frame
    return None


def live_display(window, tag):
    """Wait for the window's display to show a guest screen that keeps changing."""
    path = os.path.join(LOGS, "ui-migrate-%s-a.png" % tag)
    first = poll("display", 60, lambda: (lambda c: c if c and c[0] >= 4 else None)(
        display_crop(window, path)))
    if first is None:
        return None
    path = os.path.join(LOGS, "ui-migrate-%s-b.png" % tag)
    return poll("a change", 30, lambda: (lambda c: c if c and c[0] >= 4 and c[1] != first[1]
                                         else None)(display_crop(window, path)))


def migrate_and_follow(app, guest, source, destination, tag, *options):
    before = guest_window(app, guest, source)
    virsh(source, "migrate", "--live", guest, destination, *options)
    ok("%s migrates live from host A to host B (virsh migrate %s)" % (guest, " ".join(options)))
    after = poll("window on B", 40, lambda: guest_window(app, guest, destination))
    if after is None:
        bail("the window of %s follows it to host B" % guest, "no window of the guest on B")
    gone = poll("window on A closed", 15, lambda: guest_window(app, guest, source) is None)
    if not gone:
        bail("the window of %s on host A closes" % guest, "still there: %r" % before)
    ok("the window of %s follows it to host B, and the one on host A is gone" % guest)
    if live_display(after, tag) is None:
        bail("the console of %s shows the guest on host B, still changing" % guest,
             "no changing display in the window on B")
    ok("the console of %s on host B shows its screen, still changing" % guest)
    screenshot(os.path.join(LOGS, "ui-migrate-%s-window.png" % tag))
    return after


def main():
    plan("migrate", 12)
    if not os.path.exists(MEMTEST):
        bail("memtest86+ is installed", "no %s" % MEMTEST)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    uri_b = start_host()
    uri_c = start_host()
    app = application()

    r = second_hako("--connect", uri_b)
    if r.returncode != 0:
        bail("hako --connect URI adds host B to the running hako", r.stderr.strip())
    ok("host B is added to the running hako")
    frame = find(app, roleName="frame", name="Hako")

    # 1. VNC, moved for good: persistent on B, undefined on A.
    define_memtest_guest(VNC)
    virsh(URI_A, "start", VNC)
    window = open_window(app, frame, VNC)
    if window.description != URI_A:
        bail("the guest's window names its host's URI", "description %r" % window.description)
    if live_display(window, "vnc-before") is None:
        bail("the console shows the VNC guest on host A", "no changing display")
    ok("the console shows the VNC guest on host A")
    migrate_and_follow(app, VNC, URI_A, uri_b, "vnc", "--persistent", "--undefinesource")
    virsh(uri_b, "destroy", VNC)  # one memtest guest at a time: each takes a core under TCG

    # 2. SPICE, copied over: defined on both, shut off (migrated) on A.
    define_memtest_guest(SPICE, graphics="spice", video="qxl")
    virsh(URI_A, "start", SPICE)
    window = open_window(app, frame, SPICE)
    if live_display(window, "spice-before") is None:
        bail("the console shows the SPICE guest on host A", "no changing display")
    ok("the console shows the SPICE guest on host A")
    window = migrate_and_follow(app, SPICE, URI_A, uri_b, "spice", "--persistent")

    # 3. On to host C, which hako does not know: the window stays and says so.
    virsh(uri_b, "migrate", "--live", SPICE, uri_c)
    text = "“%s” was migrated to another host. Connect to that host to see its console." % SPICE
    label = poll("moved page", 30, lambda: find(window, roleName="label", name=text))
    if label is None or not showing(label):
        bail("a guest gone to a host hako does not know leaves its window saying so",
             "no label %r" % text)
    if guest_window(app, SPICE, uri_b) is None:
        bail("the window stays on the guest", "the window closed")
    ok("moved on to a host hako does not know, the window stays and says where it went")
    virsh(uri_c, "destroy", SPICE)
    quit_with_ctrl_q(app)


if __name__ == "__main__":
    try:
        main()
    finally:
        stop_hosts()
