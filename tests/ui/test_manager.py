#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# The manager window against a private libvirtd: run a guest from the toolbar, watch its state.
#
# Started by run-ui-test, with hako already running as `hako --connect "$HAKO_TEST_URI"`.
# Prints TAP. Everything is found the way a screen reader user finds it: by role and name.

import os
import subprocess
import sys

from hakoui import (
    GUEST,
    LOGS,
    URI,
    application,
    bail,
    cell_named,
    diag,
    find,
    ok,
    plan,
    poll,
    pyatspi,
    quit_with_ctrl_q,
    screenshot,
    sensitive,
    state_text,
    wait_for_state,
)

SCREENSHOT = os.path.join(LOGS, "ui-manager.png")


def main():
    plan("manager", 9)
    diag("connection %s, guest %s" % (URI, GUEST))

    app = application()

    cell = poll("guest listed", 60, lambda: cell_named(app, GUEST))
    if cell is None:
        bail("the guest %s is listed" % GUEST, "no table cell named %s" % GUEST)
    ok("the guest %s is listed" % GUEST)

    run = find(app, name="Run", roleName="push button")
    pause = find(app, name="Pause", roleName="push button")
    if run is None or pause is None:
        bail("the toolbar has Run and Pause buttons", "Run=%r Pause=%r" % (run, pause))

    def select():
        c = cell_named(app, GUEST)
        if not c.getState().contains(pyatspi.STATE_SELECTED):
            # AtkSelection of a GtkTreeView only works with one column; AtkTable selects rows.
            itable = c.parent.queryTable()
            if not itable.addRowSelection(itable.getRowAtIndex(c.indexInParent)):
                c.click()
        return c.getState().contains(pyatspi.STATE_SELECTED) and sensitive(run)

    if not poll("select the guest", 20, select):
        bail(
            "selecting the shut-off guest enables Run",
            "Run sensitive: %s, state: %r" % (sensitive(run), state_text(app, GUEST)),
        )
    ok("selecting the shut-off guest enables Run")

    run.doActionNamed("click")
    wait_for_state(app, GUEST, "Running", 20, "Run starts the guest: its row says Running")

    screenshot(SCREENSHOT)
    ok("screenshot saved as %s" % SCREENSHOT)

    if not poll("Pause enabled", 10, lambda: sensitive(pause) and not sensitive(run)):
        bail(
            "a running guest can be paused but not run",
            "Pause sensitive: %s, Run sensitive: %s" % (sensitive(pause), sensitive(run)),
        )
    ok("a running guest can be paused but not run")

    subprocess.run(
        ["virsh", "-c", URI, "destroy", GUEST],
        check=True,
        stdout=subprocess.DEVNULL,
        timeout=60,
    )
    wait_for_state(app, GUEST, "Shut off", 20, "a guest forced off outside Hako shows Shut off")

    if not poll("Run enabled again", 10, lambda: sensitive(run) and not sensitive(pause)):
        bail(
            "the shut-off guest can be run again",
            "Pause sensitive: %s, Run sensitive: %s" % (sensitive(pause), sensitive(run)),
        )
    ok("the shut-off guest can be run again")

    quit_with_ctrl_q(app)
    return 0


if __name__ == "__main__":
    sys.exit(main())
