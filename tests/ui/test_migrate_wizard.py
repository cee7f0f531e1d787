#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# The migrate wizard, end to end through AT-SPI, between run-ui-test's private libvirtd (host A)
# and a second one started here (host B; the data goes over loopback):
#  - `hako --connect A --show-domain-migrate GUEST` opens it; host B, typed in as a URI, is
#    connected and chosen as the destination;
#  - the guest's qcow2 disk is present only on A (B's mount namespace hides its directory under
#    an empty tmpfs, with a storage pool of B's over it);
#  - with a guest of the same name on B, the checks say so, flag the disk as missing on B, and
#    Migrate stays off; with "Copy storage: All disks" the disk check passes;
#  - a slow move shows its figures (moved, to go, rate, pass, expected downtime, time left), says
#    when its data stops moving (B's QEMU stopped), and is listed in the manager window, whose
#    Cancel stops it: the guest runs on A, and B keeps
#    no half-made copy of the disk;
#  - B's daemons killed during a slow move (as if B crashed): the wizard says B does not
#    answer, that the guest still runs on A, and that a copy of the disk may be left on B;
#  - then the checks pass, Migrate moves the running guest live with its disk copied, the
#    progress page gives way to where it runs now, and virsh agrees: running on B, shut off on
#    A; B's copy of the disk holds the data written on A;
#  - the wizard opened on B: peer-to-peer and tunnelled with copy storage is refused with the
#    reason, Next off; peer-to-peer with the disk copied moves it back to A;
#  - peer-to-peer and tunnelled through libvirt without a copy, libvirt refuses the disk as not
#    shared and the wizard says what to do; with "Allow unsafe migration" it moves to B again;
#  - a guest that keeps rewriting its memory (tests/integration/dirtier.S), moved at 8 MiB/s
#    with 1 ms of downtime: the progress page says the move does not converge and what to try,
#    and Cancel leaves it on A only.
#
# Started by run-ui-test with hako running as `hako --connect "$HAKO_TEST_URI"`. Prints TAP.

import glob
import os
import shutil
import signal
import subprocess
import tempfile
import time

from hakoui import (
    application,
    bail,
    diag,
    find,
    find_all,
    guide_shot,
    ok,
    plan,
    poll,
    quit_with_ctrl_q,
    second_hako,
    sensitive,
    showing,
)
from test_migrate import CTL, hosts, on_signal, start_host, stop_hosts

URI_A = os.environ["HAKO_TEST_URI"]
GUEST = "hako-mig-wizard"
ONLY_A = tempfile.mkdtemp(prefix="hako-mig-only-a.")
DIRTY = "hako-mig-dirty"
KERNEL_DIR = tempfile.mkdtemp(prefix="hako-mig-kernel.")
DIRTIER = os.path.join(os.environ["MESON_BUILD_ROOT"], "tests", "integration", "dirtier.elf")
DISK = os.path.join(ONLY_A, "disk.qcow2")


def virsh(uri, *args, check=True):
    r = subprocess.run(["virsh", "-q", "-c", uri] + list(args), capture_output=True, text=True,
                       timeout=120)
    if check and r.returncode != 0:
        bail("virsh %s" % " ".join(args), r.stderr.strip())
    return r.stdout.strip()


def define_dirty(uri, kernel):
    """A guest that rewrites 4 MiB of its memory for ever (tests/integration/dirtier.S). Not
    relabelled: B's QEMU runs as another user, and libvirt refuses to relabel a file in use."""
    xml = """<domain type='qemu'>
  <name>%s</name>
  <memory unit='MiB'>32</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type><kernel>%s</kernel></os>
  <devices><emulator>/usr/bin/qemu-system-x86_64</emulator></devices>
  <seclabel type='none' model='dac'/>
</domain>
""" % (DIRTY, kernel)
    with tempfile.NamedTemporaryFile("w", suffix=".xml", delete=False) as f:
        f.write(xml)
    virsh(uri, "define", f.name)
    os.unlink(f.name)


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
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='%s'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <graphics type='vnc' port='-1' listen='127.0.0.1'/>
    <video><model type='vga'/></video>
  </devices>
</domain>
""" % (GUEST, DISK)
    with tempfile.NamedTemporaryFile("w", suffix=".xml", delete=False) as f:
        f.write(xml)
    virsh(uri, "define", f.name)
    os.unlink(f.name)


def runs_only_on(on, off, what, guest=GUEST):
    """Bails out with @what unless virsh says @guest runs on @on and not on @off."""
    state_on = virsh(on, "domstate", guest, check=False)
    state_off = virsh(off, "domstate", guest, check=False)
    if state_on != "running" or state_off == "running":
        bail(what, "%r on the one, %r on the other" % (state_on, state_off))


def in_b(*argv):
    """Runs @argv in the mount namespace of B's daemons: what B sees."""
    with open(os.path.join(hosts[0], "libvirtd.pid")) as f:
        pid = f.read().strip()
    return subprocess.run(["nsenter", "-t", pid, "-m", "--"] + list(argv), capture_output=True,
                          text=True, timeout=60)


def disk_only_on_a(uri_b):
    """A qcow2 disk with a pattern in it, in a directory B's namespace hides under an empty
    tmpfs; a pool over that directory on each host."""
    os.chmod(ONLY_A, 0o755)
    subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", DISK, "64M"], check=True)
    subprocess.run(["qemu-io", "-f", "qcow2", "-c", "write -P 0xa5 0 16M", DISK], check=True,
                   capture_output=True)
    hide_from_b(uri_b)
    virsh(URI_A, "pool-create-as", "hako-mig-only", "dir", "--target", ONLY_A)


def hide_from_b(uri_b):
    r = in_b("mount", "-t", "tmpfs", "-o", "size=256m,mode=0755", "tmpfs", ONLY_A)
    if r.returncode != 0 or in_b("test", "-e", DISK).returncode == 0:
        bail("B's mount namespace hides the disk", r.stderr.strip())
    virsh(uri_b, "pool-destroy", "hako-mig-only", check=False)
    virsh(uri_b, "pool-create-as", "hako-mig-only", "dir", "--target", ONLY_A)


def pattern_on_b():
    r = in_b("qemu-io", "-r", "-U", "-f", "qcow2", "-c", "read -P 0xa5 0 16M", DISK)
    return r.returncode == 0 and "failed" not in r.stdout and "read 16777216/16777216" in r.stdout


def labels(window):
    return [n.name.replace("\xa0", " ") for n in find_all(window, roleName="label")
            if n.name and showing(n)]


def button(window, name):
    return next((b for b in find_all(window, roleName="push button", name=name) if showing(b)),
                None)


def wizard_page(app, title, timeout=20):
    return poll("page " + title, timeout, lambda: next(
        (w for w in app.children if w.name == title and showing(w)), None))


def copy_all_storage(window):
    combo = next((c for c in find_all(window, roleName="combo box")
                  if showing(c) and find(c, roleName="menu item", name="All disks") is not None),
                 None)
    if combo is None:
        bail("the wizard offers to copy storage", "no such choice")
    # its name is its label's, so the choice shows on the checks page, not in the name
    names = [i.name for i in find_all(combo, roleName="menu item")]
    combo.querySelection().selectChild(names.index("All disks"))


def tick(window, name, on=True):
    box = next((c for c in find_all(window, roleName="check box", name=name) if showing(c)),
               None)
    if box is None:
        bail("the wizard offers %r" % name, "no such check box")
    if box.checked != on:
        box.doActionNamed("click")
    if poll(name + " ticked", 10, lambda: box.checked == on) is None:
        bail("%r can be ticked and unticked" % name, "it stays %s" % ("off" if on else "on"))


def move(app, window, what):
    """Clicks Migrate once the checks allow it; returns the wizard's sentence on where the
    guest runs now."""
    migrate = wait_migrate(app, window, "the checks pass " + what)
    diag(" | ".join(labels(window)))
    migrate.doActionNamed("click")
    window = wizard_page(app, "Done", timeout=120)
    result = window and poll("result", 30, lambda: next(
        (t for t in labels(window) if GUEST in t and "runs on" in t), None))
    if result is None or "now runs on" not in result:
        bail("the move %s works" % what, "labels %r" % (labels(window) if window else None))
    button(window, "Close").doActionNamed("click")
    return result


def wait_migrate(app, window, what):
    migrate = poll("Migrate", 60, lambda: (lambda b: b if b is not None and sensitive(b)
                                           else None)(button(window, "Migrate")))
    if migrate is None:
        bail(what, "labels %r" % labels(window))
    return migrate


def open_wizard(app, connect=None, source=URI_A, guest=GUEST):
    r = second_hako("--connect", source, "--show-domain-migrate", guest)
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
    plan("migrate-wizard", 21)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    uri_b = start_host()
    try:
        app = application()
        disk_only_on_a(uri_b)
        define(URI_A)
        virsh(URI_A, "start", GUEST)

        # 1. A guest of the same name on B, and the disk missing there: the checks say so, and
        #    Migrate stays off.
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
        missing = next((t for t in labels(window) if t.startswith("Failed: vda") and
                        DISK in t and "is missing on" in t), None)
        if missing is None:
            bail("a disk missing on B fails the checks without copy storage", "labels %r"
                 % labels(window))
        diag(missing)
        ok("without copy storage, the checks flag the disk missing on B")
        guide_shot("migrate-checks-failed", window)
        button(window, "Cancel").doActionNamed("click")
        poll("closed", 10, lambda: window.dead or not showing(window))
        virsh(uri_b, "undefine", GUEST)

        # 2. A slow move (1 MiB/s, the disk copied) is listed in the manager window, whose
        #    Cancel stops it: the guest keeps running on A, and B keeps no copy.
        window = open_wizard(app)
        spin = next((t for t in find_all(window, name="Bandwidth limit (MiB/s):")
                     if showing(t)), None)
        if spin is None:
            bail("the wizard offers a bandwidth limit", "no such field")
        spin.queryValue().currentValue = 1
        copy_all_storage(window)
        guide_shot("migrate-destination", window)
        button(window, "Next").doActionNamed("click")
        window = wizard_page(app, "Checks")
        migrate = wait_migrate(app, window, "with copy storage, the checks pass for host B")
        copied = next((t for t in labels(window) if t.startswith("Passed: vda") and
                       "will be copied into the storage pool" in t), None)
        if copied is None:
            bail("the checks say the disk will be copied into B's pool", "labels %r"
                 % labels(window))
        ok("with copy storage, the checks pass: %r" % copied)
        guide_shot("migrate-checks", window)
        migrate.doActionNamed("click")
        frame = find(app, roleName="frame", name="Hako")
        cancel = poll("job in the manager", 30, lambda: next(
            (b for b in find_all(frame, roleName="push button")
             if (b.name or "").startswith("Cancel Moving “%s”" % GUEST) and showing(b)), None))
        if cancel is None:
            bail("the move is listed in the manager window, with Cancel", "no such button")
        ok("the running move is listed in the manager window: %r" % cancel.name)
        progress = wizard_page(app, "Migrating")
        figures = progress and poll("figures", 30, lambda: next(
            (t for t in labels(progress) if t.startswith("Moved ") and "to go" in t and
             "expected downtime" in t and "MiB" in t), None))
        if figures is None:
            bail("the progress page shows the move's figures", "labels %r"
                 % (labels(progress) if progress else None))
        ok("the progress page shows the move's figures: %r" % figures)
        guide_shot("migrate-progress", progress)
        guide_shot("manager-migration", frame, on_top=progress)
        # B's QEMU stopped: the data stops moving, and the progress page says so
        stopped = []
        for pidfile in glob.glob(os.path.join(hosts[0], "run", "qemu", "*.pid")):
            with open(pidfile) as f:
                stopped.append(int(f.read().strip()))
        for pid in stopped:
            os.kill(pid, signal.SIGSTOP)
        try:
            stalled = poll("stalled", 30, lambda: next(
                (t for t in labels(progress) if "no data has moved for" in t), None))
            if not stopped or stalled is None:
                bail("a move whose data stops says so", "B's QEMU %r, labels %r"
                     % (stopped, labels(progress)))
            ok("when the data stops moving, the progress page says so: %r" % stalled)
            cancel.doActionNamed("click")
        finally:
            for pid in stopped:
                os.kill(pid, signal.SIGCONT)
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
        if in_b("test", "-e", DISK).returncode == 0:
            bail("a cancelled move leaves no copy of the disk on B", "%s is there" % DISK)
        if poll("job gone", 10, lambda: not any(
                (b.name or "").startswith("Cancel Moving") and showing(b)
                for b in find_all(frame, roleName="push button"))) is None:
            bail("a finished move leaves the manager's list", "its row stays")
        ok("Cancel stops the move: the guest runs on A, not on B, which keeps no copy of the "
           "disk, and the wizard says so")
        button(window, "Close").doActionNamed("click")

        # 2b. B's daemons killed during a slow move (as if B crashed): the wizard says B does not answer, that the
        #     guest still runs on A, which virsh confirms, and that a copy of the disk may be
        #     left on B.
        window = open_wizard(app)
        spin = next(t for t in find_all(window, name="Bandwidth limit (MiB/s):") if showing(t))
        spin.queryValue().currentValue = 1
        copy_all_storage(window)
        button(window, "Next").doActionNamed("click")
        window = wizard_page(app, "Checks")
        wait_migrate(app, window, "for a slow move to B").doActionNamed("click")
        if poll("job in the manager", 30, lambda: any(
                (b.name or "").startswith("Cancel Moving") and showing(b)
                for b in find_all(frame, roleName="push button"))) is None:
            bail("the move to B starts", "no job in the manager window")
        time.sleep(2)
        # as if host B crashed: its daemons and QEMU processes killed at once
        subprocess.run([CTL, hosts[0], "kill-all"], check=True, timeout=60)
        window = wizard_page(app, "Done", timeout=120)
        said = window and poll("failed", 60, lambda: next(
            (t for t in labels(window) if "The move failed" in t), None))
        if said is None or "does not answer" not in said or "still running on" not in said or \
                "Copies of its disks may be left on" not in said:
            bail("with B's daemon killed, the wizard says why the move failed and where the "
                 "guest runs", "labels %r" % (labels(window) if window else None))
        diag(said)
        if virsh(URI_A, "domstate", GUEST) != "running":
            bail("with B's daemon killed, the guest runs on A", virsh(URI_A, "domstate", GUEST))
        ok("B's daemon killed mid-move: the wizard says B does not answer and may keep a copy "
           "of the disk, and the guest runs on A")
        button(window, "Close").doActionNamed("click")
        r = subprocess.run([CTL, hosts[0], "start"], capture_output=True, text=True, timeout=120)
        if r.returncode != 0:
            bail("B's daemon starts again", r.stderr.strip())
        # B's new mount namespace: the half-made copy went with the old one's tmpfs; hide A's
        # directory again
        hide_from_b(uri_b)

        # 3. The move itself, the disk copied (B connected again).
        window = open_wizard(app, uri_b)
        copy_all_storage(window)
        button(window, "Next").doActionNamed("click")
        window = wizard_page(app, "Checks")
        migrate = wait_migrate(app, window, "the checks pass for host B")
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
        if not pattern_on_b():
            bail("B's copy of the disk holds the data written on A", in_b(
                "qemu-io", "-r", "-U", "-f", "qcow2", "-c", "read -P 0xa5 0 16M", DISK).stdout)
        ok("B's copy of the disk holds the data written on A")
        button(window, "Close").doActionNamed("click")

        # 4. Back to A from B, peer-to-peer. Tunnelled as well, the disk copy is refused (libvirt
        #    cannot copy storage in a tunnelled move); without tunnelling, the
        #    disk is copied into A's volume of that path.
        window = open_wizard(app, source=uri_b)
        tick(window, "Peer-to-peer")
        tick(window, "Tunnelled through libvirt")
        copy_all_storage(window)
        refused = poll("refused", 20, lambda: next(
            (t for t in labels(window) if "tunnelled migration cannot copy storage" in t), None))
        nxt = button(window, "Next")
        if refused is None or nxt is None or sensitive(nxt):
            bail("a tunnelled move that copies storage is refused with the reason", "labels %r"
                 % labels(window))
        ok("the wizard refuses a tunnelled move that copies storage: %r" % refused)
        tick(window, "Tunnelled through libvirt", on=False)
        if poll("Next", 10, lambda: sensitive(nxt)) is None:
            bail("without tunnelling, the move may go on", "labels %r" % labels(window))
        nxt.doActionNamed("click")
        window = wizard_page(app, "Checks")
        result = move(app, window, "for a peer-to-peer move back to A that copies the disk")
        runs_only_on(URI_A, uri_b, "virsh: running on A again, not on B")
        ok("peer-to-peer, the disk copied, the guest moves back to A: %r" % result)

        # 5. To B again, peer-to-peer and tunnelled through libvirt, without a copy (B has a
        #    file of that path now): libvirt refuses a disk it does not know to be shared, and
        #    the wizard says what to do; allowed as unsafe, the guest moves.
        window = open_wizard(app)
        tick(window, "Peer-to-peer")
        tick(window, "Tunnelled through libvirt")
        button(window, "Next").doActionNamed("click")
        window = wizard_page(app, "Checks")
        wait_migrate(app, window, "for a tunnelled move to B").doActionNamed("click")
        window = wizard_page(app, "Done", timeout=120)
        said = window and poll("refused", 30, lambda: next(
            (t for t in labels(window) if "The move failed" in t), None))
        if said is None or "allow an unsafe migration" not in said or \
                virsh(URI_A, "domstate", GUEST) != "running":
            bail("a move libvirt deems unsafe fails, says what to do, and the guest stays on A",
                 "labels %r" % (labels(window) if window else None))
        ok("libvirt refuses a disk it does not know to be shared; the wizard says what to do, "
           "and the guest runs on A: %r" % said[-110:])
        button(window, "Close").doActionNamed("click")
        window = open_wizard(app)
        tick(window, "Peer-to-peer")
        tick(window, "Tunnelled through libvirt")
        tick(window, "Allow unsafe migration")
        button(window, "Next").doActionNamed("click")
        window = wizard_page(app, "Checks")
        result = move(app, window, "for a tunnelled move to B")
        runs_only_on(uri_b, URI_A, "virsh: running on B, not on A")
        ok("peer-to-peer and tunnelled through libvirt, the guest moves to B: %r" % result)

        # 6. A guest that rewrites its memory faster than 8 MiB/s can carry it, with 1 ms of
        #    downtime: after some passes the progress page says the move does not converge and
        #    what to try; Cancel leaves the guest running on A only.
        virsh(uri_b, "destroy", GUEST, check=False)  # one CPU-busy guest at a time
        shutil.copy(DIRTIER, os.path.join(KERNEL_DIR, "dirtier.elf"))
        os.chmod(KERNEL_DIR, 0o755)
        define_dirty(URI_A, os.path.join(KERNEL_DIR, "dirtier.elf"))
        virsh(URI_A, "start", DIRTY)
        window = open_wizard(app, guest=DIRTY)
        for name, value in (("Bandwidth limit (MiB/s):", 8), ("Maximum downtime (ms):", 1)):
            spin = next((t for t in find_all(window, name=name) if showing(t)), None)
            if spin is None:
                bail("the wizard offers %r" % name, "no such field")
            spin.queryValue().currentValue = value
        button(window, "Next").doActionNamed("click")
        window = wizard_page(app, "Checks")
        wait_migrate(app, window, "for the memory-writing guest").doActionNamed("click")
        progress = wizard_page(app, "Migrating")
        said = progress and poll("not converging", 90, lambda: next(
            (t for t in labels(progress) if "It does not converge" in t), None))
        if said is None or "auto-converge" not in said:
            bail("a move that does not converge says so and what to try", "labels %r"
                 % (labels(progress) if progress else None))
        ok("a move that does not converge says so: %r" % said)
        button(progress, "Cancel the Move").doActionNamed("click")
        window = wizard_page(app, "Done", timeout=60)
        said = window and poll("cancelled", 30, lambda: next(
            (t for t in labels(window) if "cancelled" in t), None))
        if said is None:
            bail("Cancel stops the move that does not converge", "windows %r"
                 % [c.name for c in app.children])
        runs_only_on(URI_A, uri_b, "virsh: the guest that did not converge runs on A, not on B",
                     DIRTY)
        ok("Cancel stops the move that does not converge; the guest runs on A only: %r" % said)
        button(window, "Close").doActionNamed("click")
        for uri in (uri_b, URI_A):
            virsh(uri, "destroy", DIRTY, check=False)
            virsh(uri, "undefine", DIRTY, check=False)

        for uri in (uri_b, URI_A):
            virsh(uri, "destroy", GUEST, check=False)
            virsh(uri, "undefine", GUEST, check=False)
            virsh(uri, "pool-destroy", "hako-mig-only", check=False)
        quit_with_ctrl_q(app)
    finally:
        stop_hosts()
        shutil.rmtree(ONLY_A, ignore_errors=True)
        shutil.rmtree(KERNEL_DIR, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
