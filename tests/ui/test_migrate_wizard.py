#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# The migrate wizard, end to end through AT-SPI, between run-ui-test's private libvirtd (host A)
# and a second one started here (host B; the data goes over loopback):
#  - `hako --connect A --show-domain-migrate GUEST` opens it; host B, typed in as a URI, is
#    connected and chosen as the destination;
#  - with a guest of the same name on B, the checks say so and Migrate stays off;
#  - a slow move is listed in the manager window, whose Cancel stops it: the guest runs on A;
#  - without it, the checks pass, Migrate moves the running guest live, the progress page gives
#    way to where it runs now, and virsh agrees: running on B, shut off on A.
#
# Started by run-ui-test with hako running as `hako --connect "$HAKO_TEST_URI"`. Prints TAP.

import os
import signal
import subprocess
import tempfile

from hakoui import (
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
    sensitive,
    showing,
)
from test_migrate import on_signal, start_host, stop_hosts

URI_A = os.environ["HAKO_TEST_URI"]
GUEST = "hako-mig-wizard"


def virsh(uri, *args, check=True):
    r = subprocess.run(["virsh", "-q", "-c", uri] + list(args), capture_output=True, text=True,
                       timeout=120)
    if check and r.returncode != 0:
        bail("virsh %s" % " ".join(args), r.stderr.strip())
    return r.stdout.strip()


def define(uri):
    # memtest86+ writes all of its memory, so that a move at 1 MiB/s lasts long enough to be
    # cancelled (an idle guest's memory is zeros, which move at once). One such guest at a time.
    xml = """<domain type='qemu'>
  <name>%s</name>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type><boot dev='cdrom'/></os>
  <devices>
    <disk type='file' device='cdrom'>
      <driver name='qemu' type='raw'/>
      <source file='/usr/lib/memtest86+/memtest86+x64.iso'/>
      <target dev='hdc' bus='ide'/>
      <readonly/>
    </disk>
    <graphics type='vnc' port='-1' listen='127.0.0.1'/>
    <video><model type='vga'/></video>
  </devices>
</domain>
""" % GUEST
    with tempfile.NamedTemporaryFile("w", suffix=".xml", delete=False) as f:
        f.write(xml)
    virsh(uri, "define", f.name)
    os.unlink(f.name)


def labels(window):
    return [n.name.replace("\xa0", " ") for n in find_all(window, roleName="label")
            if n.name and showing(n)]


def button(window, name):
    return next((b for b in find_all(window, roleName="push button", name=name) if showing(b)),
                None)


def wizard_page(app, title, timeout=20):
    return poll("page " + title, timeout, lambda: next(
        (w for w in app.children if w.name == title and showing(w)), None))


def open_wizard(app, connect=None):
    r = second_hako("--connect", URI_A, "--show-domain-migrate", GUEST)
    window = wizard_page(app, "Destination")
    if r.returncode != 0 or window is None:
        bail("--show-domain-migrate opens the wizard", "exit %d, %r, windows %r"
             % (r.returncode, r.stderr, [c.name for c in app.children]))
    if connect is not None:
        # A destination Hako is not connected to yet, typed in.
        entry = next((t for t in find_all(window, roleName="text", name="Or connect to:")
                      if showing(t)), None)
        if entry is None:
            bail("the wizard lets a destination URI be typed", "no 'Or connect to:' field")
        entry.queryEditableText().setTextContents(connect)
        button(window, "Connect").doActionNamed("click")
    nxt = button(window, "Next")
    if poll("Next", 20, lambda: nxt is not None and sensitive(nxt)) is None:
        bail("the wizard offers host B as the destination", "labels %r" % labels(window))
    return window


def main():
    plan("migrate-wizard", 9)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    uri_b = start_host()
    try:
        app = application()
        define(URI_A)
        virsh(URI_A, "start", GUEST)

        # 1. A guest of the same name on B: the checks say so, and Migrate stays off.
        define(uri_b)
        window = open_wizard(app, uri_b)
        ok("--show-domain-migrate opens the wizard; host B, typed in, is connected and chosen")
        button(window, "Next").doActionNamed("click")
        window = wizard_page(app, "Checks")
        migrate = poll("Migrate button", 10, lambda: button(window, "Migrate"))
        said = poll("checks", 60, lambda: next(
            (t for t in labels(window) if "checks failed" in t or "check failed" in t), None))
        if said is None or migrate is None or sensitive(migrate):
            bail("a name clash on B fails the checks and keeps Migrate off", "labels %r"
                 % labels(window))
        clash = next((t for t in labels(window) if GUEST in t and "failed" in t.lower()), None)
        diag(said)
        diag(clash or " | ".join(labels(window)))
        if clash is None:
            bail("the failed check names the guest that is already on B", "labels %r"
                 % labels(window))
        ok("with a guest of the same name on B, the checks say so and Migrate stays off")
        button(window, "Cancel").doActionNamed("click")
        poll("closed", 10, lambda: window.dead or not showing(window))
        virsh(uri_b, "undefine", GUEST)

        # 2. A slow move (1 MiB/s) is listed in the manager window, whose Cancel stops it: the
        #    guest keeps running on A.
        window = open_wizard(app)
        spin = next((t for t in find_all(window, name="Bandwidth limit (MiB/s):")
                     if showing(t)), None)
        if spin is None:
            bail("the wizard offers a bandwidth limit", "no such field")
        spin.queryValue().currentValue = 1
        button(window, "Next").doActionNamed("click")
        window = wizard_page(app, "Checks")
        migrate = poll("Migrate", 60, lambda: (lambda b: b if b is not None and sensitive(b)
                                               else None)(button(window, "Migrate")))
        if migrate is None:
            bail("the checks pass for host B", "labels %r" % labels(window))
        migrate.doActionNamed("click")
        frame = find(app, roleName="frame", name="Hako")
        cancel = poll("job in the manager", 30, lambda: next(
            (b for b in find_all(frame, roleName="push button")
             if (b.name or "").startswith("Cancel Moving “%s”" % GUEST) and showing(b)), None))
        if cancel is None:
            bail("the move is listed in the manager window, with Cancel", "no such button")
        ok("the running move is listed in the manager window: %r" % cancel.name)
        cancel.doActionNamed("click")
        window = wizard_page(app, "Done", timeout=60)
        said = window and poll("cancelled", 30, lambda: next(
            (t for t in labels(window) if "cancelled" in t), None))
        if said is None:
            bail("a cancelled move says so, and where the guest runs", "windows %r"
                 % [c.name for c in app.children])
        diag(said)
        if virsh(URI_A, "domstate", GUEST) != "running" or \
                virsh(uri_b, "domstate", GUEST, check=False) == "running":
            bail("after a cancel the guest runs on A, not on B", said)
        if poll("job gone", 10, lambda: not any(
                (b.name or "").startswith("Cancel Moving") and showing(b)
                for b in find_all(frame, roleName="push button"))) is None:
            bail("a finished move leaves the manager's list", "its row stays")
        ok("Cancel stops the move: the guest runs on A, not on B, and the wizard says so")
        button(window, "Close").doActionNamed("click")

        # 3. The move itself.
        window = open_wizard(app)
        button(window, "Next").doActionNamed("click")
        window = wizard_page(app, "Checks")
        migrate = poll("Migrate", 60, lambda: (lambda b: b if b is not None and sensitive(b)
                                               else None)(button(window, "Migrate")))
        if migrate is None:
            bail("the checks pass for host B", "labels %r" % labels(window))
        diag(" | ".join(labels(window)))
        ok("the checks pass for host B: %s" % next(
            (t for t in labels(window) if "passed" in t.lower() or "warning" in t.lower()), "?"))
        migrate.doActionNamed("click")
        window = wizard_page(app, "Done", timeout=120)
        if window is None:
            bail("Migrate moves the guest and says where it runs", "windows %r"
                 % [c.name for c in app.children])
        result = poll("result", 30, lambda: next(
            (t for t in labels(window) if GUEST in t and "runs on" in t), None))
        if result is None or "now runs on" not in result:
            bail("the last page says where the guest runs now", "labels %r" % labels(window))
        ok("Migrate moves the guest; the wizard says %r" % result)
        state_b = virsh(uri_b, "domstate", GUEST, check=False)
        state_a = virsh(URI_A, "domstate", GUEST, check=False)
        if state_b != "running" or state_a == "running":
            bail("virsh: running on B, not on A", "B %r, A %r" % (state_b, state_a))
        ok("virsh agrees: the guest runs on B, and no longer on A (%s)" % state_a)
        button(window, "Close").doActionNamed("click")

        virsh(uri_b, "destroy", GUEST, check=False)
        virsh(uri_b, "undefine", GUEST, check=False)
        virsh(URI_A, "undefine", GUEST, check=False)
        quit_with_ctrl_q(app)
    finally:
        stop_hosts()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
