#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Statistics in the window: a running guest's CPU figure appears in the Guest CPU column, the
# View menu adds the Disk I/O column, and the guest's Performance page draws its graphs.
# Screenshots of both go into the test log.
#
# Started by run-ui-test, with hako already running as `hako --connect "$HAKO_TEST_URI"`
# (settings in memory: the default interval, 3 s). Prints TAP.

import os
import re
import sys

from hakoui import (
    GUEST,
    LOGS,
    application,
    bail,
    cell_named,
    column_text,
    column_titles,
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
    wait_for_state,
)

PERCENT = re.compile(r"\d+\s?%")
RATE = re.compile(r"\d.*/s")


def main():
    plan("stats", 11)
    app = application()
    if poll("guest listed", 60, lambda: cell_named(app, GUEST)) is None:
        bail("the private daemon's guest is listed", "no row named %s" % GUEST)
    frame = find(app, roleName="frame", name="Hako")

    titles = column_titles(app)
    diag("columns: %r" % titles)
    if "Guest CPU" not in titles or "Disk I/O" in titles:
        bail("the list starts with the Guest CPU graph and no Disk I/O", "columns %r" % titles)
    ok("the list shows the Guest CPU column, and not Disk I/O, by default")

    run = find(app, name="Run", roleName="push button")

    def select():
        c = cell_named(app, GUEST)
        itable = c.parent.queryTable()
        itable.addRowSelection(itable.getRowAtIndex(c.indexInParent))
        return c.getState().contains(pyatspi.STATE_SELECTED) and sensitive(run)

    if not poll("select", 20, select):
        bail("the guest can be selected and run", "Run is not enabled")
    run.doActionNamed("click")
    wait_for_state(app, GUEST, "Running", 30, "Run starts the guest")

    text = poll("CPU figure", 30, lambda: PERCENT.search(column_text(app, GUEST, "Guest CPU") or ""))
    if text is None:
        bail("the Guest CPU column shows a figure", "it says %r" % column_text(app, GUEST, "Guest CPU"))
    ok("the Guest CPU column shows the running guest's CPU use: %r" % column_text(app, GUEST, "Guest CPU"))

    # View > Graphs > Disk I/O, from the keyboard.
    point_at(frame)
    rawinput.keyCombo("<Alt>v")
    rawinput.pressKey("g")
    rawinput.pressKey("d")
    if poll("Disk I/O column", 10, lambda: "Disk I/O" in column_titles(app)) is None:
        bail("View > Graphs > Disk I/O adds the column", "columns %r" % column_titles(app))
    ok("View > Graphs > Disk I/O (Alt+V, G, D) adds the Disk I/O column")
    text = poll("disk figure", 20, lambda: RATE.search(column_text(app, GUEST, "Disk I/O") or ""))
    if text is None:
        bail("the Disk I/O column shows a rate", "it says %r" % column_text(app, GUEST, "Disk I/O"))
    ok("the Disk I/O column shows a rate: %r" % column_text(app, GUEST, "Disk I/O"))
    screenshot(os.path.join(LOGS, "ui-stats-list.png"))
    ok("screenshot of the list with its graphs saved")
    guide_shot("manager", frame, settle=15)

    # The guest's window, Performance page.
    select()
    point_at(frame)
    rawinput.keyCombo("<Control>o")
    title = "%s on QEMU/KVM" % GUEST
    window = poll("details window", 15, lambda: find(app, roleName="frame", name=title))
    if window is None:
        names = ["%s %r" % (c.roleName, c.name) for c in app.children]
        bail("Ctrl+O opens the guest's window", "windows: %r" % names)
    ok("Ctrl+O opens the window of %s" % GUEST)

    # It opens on the console: the Performance page is in the sidebar.
    page = poll("Performance in the sidebar", 10,
                lambda: find(window, name="Performance", roleName="list item")
                or find(window, name="Performance", roleName="label"))
    if page is None:
        bail("the guest's window lists its Performance page", "no Performance entry")
    (x, y), (w, h) = page.position, page.size
    rawinput.click(x + w // 2, y + h // 2)

    def cpu_graph():
        for node in find_all(window, name="CPU usage"):
            if node.description and PERCENT.search(node.description):
                return node
        return None

    graph = poll("CPU graph", 20, cpu_graph)
    if graph is None:
        names = ["%s %r %r" % (n.roleName, n.name, n.description) for n in find_all(window)]
        bail("the Performance page has a CPU graph with its figure", "nodes: %r" % names[:40])
    ok("the Performance page draws a CPU graph that says %r" % graph.description)
    for name in ("Memory usage", "Disk I/O", "Network I/O"):
        if find(window, name=name) is None:
            bail("the Performance page has memory, disk and network graphs", "no %r" % name)
    ok("the Performance page also has memory, disk and network graphs")
    screenshot(os.path.join(LOGS, "ui-stats-details.png"))
    guide_shot("details-performance", window, settle=12)

    point_at(window)
    rawinput.keyCombo("Escape")
    if poll("closed", 10, lambda: not showing(window) or find(app, roleName="frame", name=title) is None) is None:
        bail("Escape closes the guest's window", "it is still there")
    quit_with_ctrl_q(app)
    return 0


if __name__ == "__main__":
    sys.exit(main())
