#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# A connection's window (Connection Details), against the private libvirtd:
#  - `hako --connect URI --show-host-summary` opens it; without --connect it is refused;
#  - its Overview says what the connection tells: the hypervisor and its version, libvirt's
#    version, the CPU model, the topology and the NUMA cells;
#  - a name typed for the connection replaces the one made from its URI, in the window's title
#    and in the manager's list; emptied, the URI's name comes back;
#  - "Connect when Hako starts" follows the connection's setting, and changes it.
#
# Started by run-ui-test with hako running as `hako --connect "$HAKO_TEST_URI"`. Prints TAP.

import os
import re

from hakoui import (
    give_keyboard,
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
    second_hako,
    showing,
)

URI = os.environ["HAKO_TEST_URI"]


def value_of(window, caption):
    """The text of the value label whose caption is @caption (a labelled-by relation)."""
    for label in find_all(window, roleName="label"):
        for relation in label.getRelationSet():
            if relation.getRelationType() != pyatspi.RELATION_LABELLED_BY:
                continue
            for i in range(relation.getNTargets()):
                if relation.getTarget(i).name == caption:
                    return label.name
    return None


def main():
    plan("host", 8)
    app = application()

    r = second_hako("--show-host-summary")
    if r.returncode == 0 or "--connect" not in r.stderr:
        bail("--show-host-summary without --connect is refused", "exit %d, %r"
             % (r.returncode, r.stderr))
    r = second_hako("--connect", URI, "--show-host-summary")
    title = "Connection Details — QEMU/KVM"
    window = poll("host window", 20, lambda: find(app, roleName="frame", name=title))
    if r.returncode != 0 or window is None:
        bail("--show-host-summary opens the connection's window", "exit %d, %r, window %r"
             % (r.returncode, r.stderr, window))
    ok("--connect URI --show-host-summary opens Connection Details; without --connect: refused")

    # The Overview fills in once connected.
    def filled():
        values = {c: value_of(window, c) for c in ("Hypervisor:", "libvirt:", "CPU model:",
                                                    "Topology:", "NUMA cells:")}
        return values if all(v and v != "Unknown" for v in values.values()) else None

    values = poll("overview", 30, filled)
    if values is None:
        bail("the Overview shows versions, CPU, topology and NUMA cells",
             "values: %r" % {c: value_of(window, c) for c in ("Hypervisor:", "libvirt:",
                                                               "CPU model:", "Topology:",
                                                               "NUMA cells:")})
    diag("overview: %r" % values)
    if not re.match(r"^QEMU \d+\.\d+\.\d+$", values["Hypervisor:"]):
        bail("the hypervisor is shown with its version", "it is %r" % values["Hypervisor:"])
    if not re.match(r"^\d+\.\d+\.\d+$", values["libvirt:"]):
        bail("libvirt's version is shown", "it is %r" % values["libvirt:"])
    if "socket" not in values["Topology:"] or "thread" not in values["Topology:"]:
        bail("the topology names sockets, cores and threads", "it is %r" % values["Topology:"])
    if not values["NUMA cells:"].isdigit():
        bail("the NUMA cells are counted", "it is %r" % values["NUMA cells:"])
    ok("the Overview shows %s, libvirt %s, the CPU, its topology and NUMA cells"
       % (values["Hypervisor:"], values["libvirt:"]))
    guide_shot("host-overview", window, settle=15)

    # A name of the user's own.
    entry = find(window, roleName="text", name="Name:")
    if entry is None or entry.text != "QEMU/KVM":
        bail("the Name field shows the connection's name", "entry %r; text fields: %r" % (
            entry, [(n.name, n.text) for n in find_all(window, roleName="text")]))
    entry.queryEditableText().setTextContents("Lab host")
    entry.doActionNamed("activate")
    renamed = poll("renamed", 10, lambda: find(app, roleName="frame",
                                               name="Connection Details — Lab host"))
    if renamed is None:
        bail("a typed name becomes the window's title", "no frame named for it")
    if poll("listed", 10, lambda: cell_named(app, "Lab host")) is None:
        bail("a typed name is shown in the manager's list", "no row named Lab host")
    ok("a typed name replaces the URI's name in the title and the manager's list")
    entry.queryEditableText().setTextContents("")
    entry.doActionNamed("activate")
    if poll("unnamed", 10, lambda: find(app, roleName="frame", name=title)) is None:
        bail("an emptied name gives the URI's name back", "the title did not come back")
    if poll("listed again", 10, lambda: cell_named(app, "QEMU/KVM")) is None:
        bail("an emptied name gives the URI's name back in the list", "no row QEMU/KVM")
    ok("an emptied name gives the URI's name back")

    # Autoconnect: off for a --connect host; ticked, it stays ticked in a new window.
    check = find(window, roleName="check box", name="Connect when Hako starts")
    if check is None or check.getState().contains(pyatspi.STATE_CHECKED):
        bail("Connect when Hako starts is offered, off for a --connect host", "check %r" % check)
    check.doActionNamed("click")
    if poll("checked", 10, lambda: check.getState().contains(pyatspi.STATE_CHECKED)) is None:
        bail("Connect when Hako starts can be ticked", "it stays off")
    give_keyboard(window)
    rawinput.keyCombo("Escape")
    if poll("closed", 10, lambda: window.dead or not showing(window)) is None:
        bail("Escape closes Connection Details", "it is still shown")
    second_hako("--connect", URI, "--show-host-summary")
    window = poll("host window", 20, lambda: (lambda w: w if w and showing(w) else None)(
        find(app, roleName="frame", name=title)))
    check = window and find(window, roleName="check box", name="Connect when Hako starts")
    if check is None or not check.getState().contains(pyatspi.STATE_CHECKED):
        bail("the connection now connects at start", "the check box is off in a new window")
    ok("Connect when Hako starts changes the connection's setting")
    give_keyboard(window)
    rawinput.keyCombo("Escape")
    if poll("closed", 10, lambda: window.dead or not showing(window)) is None:
        bail("Escape closes Connection Details", "it is still shown")
    ok("Escape closes Connection Details")
    quit_with_ctrl_q(app)


if __name__ == "__main__":
    main()
