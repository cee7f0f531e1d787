#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# The New Virtual Machine wizard, end to end against the private libvirtd, through AT-SPI only:
#  - `hako --connect URI --show-domain-creator` opens it on that host, once the host is read
#    (its kinds of guest, pools and networks);
#  - the memtest86+ ISO, which libosinfo does not know, is said to be "not detected"; the
#    operating system is then found by searching the list, and its recommendations fill in
#    memory and vCPUs;
#  - memory beyond the host's is refused, with why; a name that is taken is refused, with why;
#  - a creation that fails (an existing disk that is missing) comes back to the last page with
#    the step that failed, and leaves no guest;
#  - Finish creates a qcow2 volume in the directory pool, defines and starts the guest, and its
#    window opens on the Console page showing the running guest; virsh sees the guest running
#    with its disk, and booting its disk next time.
#
# Started by run-ui-test with hako running as `hako --connect "$HAKO_TEST_URI"`. Prints TAP.

import os
import re
import subprocess
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
    pyatspi,
    quit_with_ctrl_q,
    screenshot,
    second_hako,
    sensitive,
    showing,
)

URI = os.environ["HAKO_TEST_URI"]
LOGS = os.path.join(os.environ["MESON_BUILD_ROOT"], "meson-logs")
POOL_DIR = os.path.join(os.environ["HAKO_TEST_DIR"], "create-pool")
POOL = "hako-create-pool"
GUEST = "hako-created"
MEMTEST = "/usr/lib/memtest86+/memtest86+x64.iso"
MISSING = "/nonexistent/hako-missing.qcow2"


def virsh(*args, check=True):
    r = subprocess.run(["virsh", "-q", "-c", URI] + list(args), capture_output=True, text=True,
                       timeout=60)
    if check and r.returncode != 0:
        bail("virsh %s" % " ".join(args), r.stderr.strip())
    return r.stdout.strip()


def labels(window):
    return [n.name.replace("\xa0", " ") for n in find_all(window, roleName="label")
            if n.name and showing(n)]


def labelled(window, text):
    """The field the label @text names (its label-for relation, as a screen reader sees it)."""
    label = find(window, roleName="label", name=text)
    if label is None:
        bail("there is a field labelled %r" % text, "no such label")
    for relation in label.getRelationSet():
        if relation.getRelationType() == pyatspi.RELATION_LABEL_FOR:
            return relation.getTarget(0)
    bail("the label %r names its field" % text, "no label-for relation")


def choose(combo, words):
    """Chooses the first item of @combo whose name contains @words."""
    names = [i.name for i in find_all(combo, roleName="menu item")]
    for index, name in enumerate(names):
        if words in name:
            combo.querySelection().selectChild(index)
            # (a combo box's name is its label's; its selected item is what it shows)
            if poll("%s chosen" % words, 10,
                    lambda: combo.querySelection().isChildSelected(index)) is None:
                bail("choosing %r" % name, "the combo box %r shows another item" % combo.name)
            return name
    bail("there is a choice %r" % words, "the choices are %r" % names)


def button(window, name):
    """The button @name that is on screen (GtkAssistant keeps hidden ones of the same names)."""
    return next((b for b in find_all(window, roleName="push button", name=name) if showing(b)),
                None)


def wizard_page(app, title):
    """The wizard's window, once it shows the page @title (its title is the page's)."""
    return poll("page " + title, 20, lambda: next(
        (w for w in app.children if w.name == title and showing(w)), None))


def next_page(window, then):
    nxt = button(window, "Next")
    if poll("Next enabled", 20, lambda: nxt is not None and sensitive(nxt)) is None:
        bail("the page can be left for %s" % then, "Next stays off; the page says %r"
             % labels(window))
    nxt.doActionNamed("click")


def main():
    plan("create", 12)
    os.makedirs(POOL_DIR, exist_ok=True)
    virsh("pool-define-as", POOL, "dir", "--target", POOL_DIR)
    virsh("pool-start", POOL)
    app = application()

    # 1. Opened from the command line, on this host; Next once the host has been read.
    r = second_hako("--connect", URI, "--show-domain-creator")
    window = wizard_page(app, "Install Method")
    if r.returncode != 0 or window is None:
        bail("--show-domain-creator opens the wizard", "exit %d, %r, windows %r"
             % (r.returncode, r.stderr, [c.name for c in app.children]))
    combos = find_all(window, roleName="combo box")
    kinds = next((c for c in combos if find(c, roleName="menu item", name=None) is not None and
                  any("QEMU" in (i.name or "") for i in find_all(c, roleName="menu item"))), None)
    if kinds is None:
        bail("the wizard offers the host's kinds of guest", "combos %r" % [c.name for c in combos])
    # TCG: KVM on this machine cannot run memtest86+ (TESTBED.md).
    chosen = choose(kinds, "QEMU (emulated")
    media = find(window, roleName="radio button", name="Local install media (ISO image or CD-ROM)")
    if media is None or not media.getState().contains(pyatspi.STATE_CHECKED):
        bail("local install media is the first choice", "radio %r" % media)
    ok("--show-domain-creator opens the wizard on the host, which offers %r" % chosen)
    guide_shot("create-method", window)
    next_page(window, "the install source")

    # 2. The ISO; memtest86+ is no operating system libosinfo knows: it says so.
    window = wizard_page(app, "Install Source")
    if window is None:
        bail("Next leads to the install source", "no page")
    labelled(window, "ISO image or CD-ROM:").queryEditableText().setTextContents(MEMTEST)
    said = poll("detection", 30, lambda: next(
        (t for t in labels(window) if t.startswith("Not detected")), None))
    if said is None:
        bail("the media is looked at, and an unknown one is said to be so", "labels %r"
             % labels(window))
    ok("the unknown ISO is said to be so: %r" % said)

    search = labelled(window, "Operating system:")
    search.queryEditableText().setTextContents("linux 2022")
    table = find(window, name="Operating systems")
    cell = poll("search result", 20, lambda: find(table, roleName="table cell",
                                                  name="Generic Linux 2022"))
    if cell is None:
        bail("searching the list finds Generic Linux 2022", "cells %r" % [
            c.name for c in find_all(table, roleName="table cell")][:10])
    itable = cell.parent.queryTable()
    itable.addRowSelection(itable.getRowAtIndex(cell.indexInParent))
    if poll("chosen", 10, lambda: "Chosen: Generic Linux 2022" in labels(window)) is None:
        bail("a chosen operating system is said to be chosen", "labels %r" % labels(window))
    ok("searching the operating systems finds one, and choosing it says so")
    guide_shot("create-source", window)
    next_page(window, "memory and CPUs")

    # 3. Memory: the OS's recommendation; beyond the host's memory is refused.
    window = wizard_page(app, "Memory and CPUs")
    memory = labelled(window, "Memory (MiB):")
    recommended = memory.queryValue().currentValue
    diag("recommended memory: %d MiB" % recommended)
    # what libvirt says the host has (the wizard says it too)
    host_mib = int(next(re.search(r"The host has (\d+) MiB", t).group(1) for t in labels(window)
                        if t.startswith("The host has")))
    memory.queryValue().currentValue = 16 * 1024 * 1024
    bound = memory.queryValue().currentValue
    warned = poll("warning", 10, lambda: next((t for t in labels(window)
                                               if "more than the host" in t), None))
    if bound > 2 * host_mib + 1 or bound < host_mib or warned is None:
        bail("memory is bounded by the host, with a warning beyond its own",
             "%d MiB taken (host %d MiB); labels %r" % (bound, host_mib, labels(window)))
    diag(warned)
    memory.queryValue().currentValue = 128
    labelled(window, "vCPUs:").queryValue().currentValue = 1
    if poll("no warning", 10, lambda: not any("more than the host" in t
                                              for t in labels(window))) is None:
        bail("128 MiB and 1 vCPU are no overcommitment", "labels %r" % labels(window))
    ok("memory starts at the OS's recommendation (%d MiB); it is bounded by the host (%d MiB), "
       "with a warning beyond the host's own" % (recommended, bound))
    guide_shot("create-memory", window)
    next_page(window, "storage")

    # 4. Storage: a new qcow2 volume of 1 GiB in the directory pool.
    window = wizard_page(app, "Storage")
    choose(labelled(window, "Pool:"), POOL)
    labelled(window, "Size (GiB):").queryValue().currentValue = 1
    guide_shot("create-storage", window)
    next_page(window, "the summary")

    # 5. Name, network, summary; a name that is taken is refused.
    window = wizard_page(app, "Ready to Begin")
    name = labelled(window, "Name:")
    taken = os.environ["HAKO_TEST_GUEST"]
    name.queryEditableText().setTextContents(taken)
    finish = button(window, "Finish")
    if finish is None:
        bail("the last page has a Finish button", "buttons %r" % [
            b.name for b in find_all(window, roleName="push button")])
    if poll("taken refused", 10, lambda: not sensitive(finish) and any(
            taken in t for t in labels(window) if t != taken)) is None:
        bail("a name that is taken is refused, saying so", "labels %r" % labels(window))
    name.queryEditableText().setTextContents(GUEST)
    choose(labelled(window, "Network:"), "User-mode")
    if poll("Finish", 10, lambda: sensitive(finish)) is None:
        bail("the guest can be created", "Finish stays off; labels %r" % labels(window))
    summary = "\n".join(labels(window))
    for words in ("Generic Linux 2022", "hako-created.qcow2", POOL, "128"):
        if words not in summary:
            bail("the summary says %r" % words, summary)
    ok("a taken name is refused; the summary says what will be made")
    screenshot(os.path.join(LOGS, "ui-create-summary.png"))
    guide_shot("create-summary", window)

    # 6. A creation that fails (an existing disk that is not there) comes back to this page,
    #    saying which step failed and why, and leaves nothing behind.
    button(window, "Back").doActionNamed("click")
    window = wizard_page(app, "Storage")
    find(window, roleName="radio button", name="Use existing storage").doActionNamed("click")
    labelled(window, "Path:").queryEditableText().setTextContents(MISSING)
    next_page(window, "the summary")
    window = wizard_page(app, "Ready to Begin")
    finish = button(window, "Finish")
    if poll("Finish", 10, lambda: finish is not None and sensitive(finish)) is None:
        bail("a guest on an existing path can be created", "labels %r" % labels(window))
    finish.doActionNamed("click")
    failed = poll("failure", 120, lambda: (lambda w: next(
        (t for t in labels(w) if "failed" in t), None) if w is not None else None)(
        next((w for w in app.children if w.name == "Ready to Begin" and showing(w)), None)))
    if failed is None:
        bail("a failed creation comes back to the last page, saying why", "windows %r"
             % [c.name for c in app.children])
    diag(failed)
    if GUEST in virsh("list", "--all", "--name"):
        bail("a failed creation leaves no guest", virsh("list", "--all", "--name"))
    ok("a failed creation comes back to the last page with the step that failed; no guest is "
       "left")
    window = wizard_page(app, "Ready to Begin")
    button(window, "Back").doActionNamed("click")
    window = wizard_page(app, "Storage")
    find(window, roleName="radio button", name="Create a disk image").doActionNamed("click")
    next_page(window, "the summary")
    window = wizard_page(app, "Ready to Begin")
    finish = button(window, "Finish")
    if poll("Finish", 10, lambda: finish is not None and sensitive(finish)) is None:
        bail("the guest can be created after a failure", "labels %r" % labels(window))
    finish.doActionNamed("click")

    # 7. The guest's window opens on its console, with the guest running.
    title = "%s on QEMU/KVM" % GUEST
    guest = poll("guest window", 120, lambda: find(app, roleName="frame", name=title))
    if guest is None:
        bail("Finish creates the guest and opens its window", "windows %r; wizard says %r" % (
            [c.name for c in app.children], [labels(w) for w in app.children
                                             if w.name in ("Ready to Begin", "Creating the Guest")]))
    display = poll("display", 60, lambda: (lambda d: d if d is not None and showing(d) else None)(
        find(guest, name="Guest display")))
    if display is None:
        bail("the window shows the guest's console", "no display")
    time.sleep(3)
    screenshot(os.path.join(LOGS, "ui-create-console.png"))
    ok("Finish opens the new guest's window on its console")

    # Its OS Information page names the operating system chosen in the wizard.
    item = poll("OS page", 20, lambda: next(
        (n for n in find_all(guest, roleName="list item")
         if n.name == "OS Information" or find(n, roleName="label", name="OS Information")), None))
    if item is None:
        bail("the guest's window has an OS Information page", "no such page")
    item.parent.querySelection().selectChild(item.indexInParent)
    if poll("OS named", 20, lambda: find(guest, roleName="label",
                                         name="Generic Linux 2022")) is None:
        bail("the OS Information page names the operating system", "labels %r" % labels(guest))
    ok("the new guest's OS Information page says Generic Linux 2022")

    state = virsh("domstate", GUEST)
    vols = virsh("vol-list", POOL)
    if state != "running" or "%s.qcow2" % GUEST not in vols:
        bail("the guest runs, with its new disk in the pool", "state %r, volumes %r"
             % (state, vols))
    ok("virsh: %s is running, its disk %s.qcow2 is in the pool" % (GUEST, GUEST))
    inactive = virsh("dumpxml", "--inactive", GUEST)
    live = virsh("dumpxml", GUEST)
    if "<boot dev='hd'/>" not in inactive or MEMTEST not in live or "type='qemu'" not in live:
        bail("it boots the ISO now and its disk next time, under QEMU", inactive)
    ok("it boots the ISO now, under plain QEMU, and its disk next time")

    virsh("destroy", GUEST, check=False)
    virsh("undefine", GUEST, check=False)
    virsh("vol-delete", "--pool", POOL, "%s.qcow2" % GUEST, check=False)
    virsh("pool-destroy", POOL, check=False)
    virsh("pool-undefine", POOL, check=False)
    quit_with_ctrl_q(app)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
