#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# The manager window against a private libvirtd: run a guest from the toolbar, watch its state.
#
# Started by run-ui-test, with hako already running as `hako --connect "$HAKO_TEST_URI"`.
# Prints TAP. Everything is found the way a screen reader user finds it: by role and name.

import os
import subprocess
import sys
import time

# TAP goes to the original stdout; anything else (dogtail's chatter included) to stderr.
TAP = os.fdopen(os.dup(sys.stdout.fileno()), "w", buffering=1)
os.dup2(sys.stderr.fileno(), sys.stdout.fileno())

from dogtail import config  # noqa: E402  (after the redirection)

config.logDebugToStdOut = False
config.logDebugToFile = False
config.searchShowingOnly = False
config.defaultDelay = 0.2

import pyatspi  # noqa: E402  (after dogtail's configuration)
from dogtail import rawinput, tree  # noqa: E402

URI = os.environ["HAKO_TEST_URI"]
GUEST = os.environ["HAKO_TEST_GUEST"]
LOGS = os.path.join(os.environ["MESON_BUILD_ROOT"], "meson-logs")
SCREENSHOT = os.path.join(LOGS, "ui-manager.png")

PLAN = 9
_count = 0


def diag(message):
    for line in str(message).splitlines():
        print("# " + line, file=TAP)


def ok(description):
    global _count
    _count += 1
    print("ok %d - %s" % (_count, description), file=TAP)


def bail(description, why):
    global _count
    _count += 1
    print("not ok %d - %s" % (_count, description), file=TAP)
    diag(why)
    screenshot(os.path.join(LOGS, "ui-manager-failure.png"))
    sys.exit(1)


def screenshot(path):
    try:
        subprocess.run(["import", "-window", "root", path], check=True, timeout=30)
        diag("screenshot: " + path)
    except (OSError, subprocess.SubprocessError) as e:
        diag("could not take a screenshot: %s" % e)


def hako_alive():
    """Whether hako runs; a zombie (exited, not yet reaped by run-ui-test) does not."""
    pid = int(os.environ.get("HAKO_PID", "0"))
    if pid <= 0:
        return True
    try:
        with open("/proc/%d/stat" % pid) as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def poll(what, timeout, func):
    """Call func until it returns something true; return it, or None after timeout seconds."""
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        if not hako_alive():
            bail(what, "hako exited")
        try:
            result = func()
            if result:
                return result
        except Exception as e:  # AT-SPI objects come and go while the list changes
            last_error = e
        time.sleep(0.25)
    if last_error is not None:
        diag("last error while waiting for %s: %r" % (what, last_error))
    return None


def find(parent, **kwargs):
    """Search once (no dogtail retries): our own poll() does the waiting."""
    return parent.findChild(
        tree.predicate.GenericPredicate(**kwargs), retry=False, requireResult=False
    )


def sensitive(node):
    return node.getState().contains(pyatspi.STATE_SENSITIVE)


def guest_cell(app):
    return find(app, name=GUEST, roleName="table cell")


def state_text(app):
    """The text of the State cell in the guest's row (an icon and a text in one cell)."""
    cell = guest_cell(app)
    if cell is None:
        return None
    table = cell.parent
    itable = table.queryTable()
    row = itable.getRowAtIndex(cell.indexInParent)
    for column in range(itable.nColumns):
        header = itable.getColumnHeader(column)
        if header is None or header.name != "State":
            continue
        state = itable.getAccessibleAt(row, column)
        names = [state.name] + [child.name for child in state]
        return " ".join(n for n in names if n)
    return None


def wait_for_state(app, wanted, timeout, description):
    seen = []

    def check():
        text = state_text(app)
        if text and (not seen or seen[-1] != text):
            seen.append(text)
        return text == wanted

    if not poll(description, timeout, check):
        bail(description, "the State cell went through %r, never %r" % (seen, wanted))
    ok(description)


def main():
    print("1..%d" % PLAN, file=TAP)
    diag("connection %s, guest %s" % (URI, GUEST))

    app = poll("find the hako application", 30, lambda: tree.root.application("hako"))
    if app is None:
        bail("hako is on the accessibility bus", "no application named hako")
    ok("hako is on the accessibility bus")

    cell = poll("guest listed", 60, lambda: guest_cell(app))
    if cell is None:
        bail("the guest %s is listed" % GUEST, "no table cell named %s" % GUEST)
    ok("the guest %s is listed" % GUEST)

    run = find(app, name="Run", roleName="push button")
    pause = find(app, name="Pause", roleName="push button")
    if run is None or pause is None:
        bail("the toolbar has Run and Pause buttons", "Run=%r Pause=%r" % (run, pause))

    def select():
        c = guest_cell(app)
        if not c.getState().contains(pyatspi.STATE_SELECTED):
            # AtkSelection of a GtkTreeView only works with one column; AtkTable selects rows.
            itable = c.parent.queryTable()
            if not itable.addRowSelection(itable.getRowAtIndex(c.indexInParent)):
                c.click()
        return c.getState().contains(pyatspi.STATE_SELECTED) and sensitive(run)

    if not poll("select the guest", 20, select):
        bail(
            "selecting the shut-off guest enables Run",
            "Run sensitive: %s, state: %r" % (sensitive(run), state_text(app)),
        )
    ok("selecting the shut-off guest enables Run")

    run.doActionNamed("click")
    wait_for_state(app, "Running", 20, "Run starts the guest: its row says Running")

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
    wait_for_state(app, "Shut off", 20, "a guest forced off outside Hako shows Shut off")

    if not poll("Run enabled again", 10, lambda: sensitive(run) and not sensitive(pause)):
        bail(
            "the shut-off guest can be run again",
            "Pause sensitive: %s, Run sensitive: %s" % (sensitive(pause), sensitive(run)),
        )
    ok("the shut-off guest can be run again")

    # Quit with its accelerator, typed for real: the window saves its state and hako exits.
    # (Activating menus through AT-SPI makes GTK 3 itself warn, about a grab or a missing
    # trigger event, which fatal-warnings would turn into a failure.) Without a window
    # manager, X gives the keyboard to the window under the pointer.
    frame = find(app, roleName="frame", name="Hako")
    if frame is None:
        bail("Ctrl+Q quits hako", "no frame named Hako")
    (x, y), (w, h) = frame.position, frame.size
    rawinput.absoluteMotion(x + w // 2, y + h // 2)
    rawinput.keyCombo("<Control>q")
    deadline = time.monotonic() + 15
    while hako_alive() and time.monotonic() < deadline:
        time.sleep(0.25)
    if hako_alive():
        bail("Ctrl+Q quits hako", "hako is still running 15 s later")
    ok("Ctrl+Q quits hako (run-ui-test checks its exit status)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
