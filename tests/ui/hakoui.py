# SPDX-License-Identifier: GPL-3.0-or-later
"""What the dogtail tests share: TAP output, polling, finding widgets by role and name.

Import it first: it moves stdout aside for TAP before dogtail starts to chatter.
"""

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

import pyatspi  # noqa: E402,F401  (after dogtail's configuration)
from dogtail import rawinput, tree  # noqa: E402,F401

URI = os.environ["HAKO_TEST_URI"]
GUEST = os.environ["HAKO_TEST_GUEST"]
HAKO = os.environ["HAKO_BIN"]
LOGS = os.path.join(os.environ["MESON_BUILD_ROOT"], "meson-logs")

_count = 0
_name = "ui"


def plan(name, n):
    global _name
    _name = name
    print("1..%d" % n, file=TAP)


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
    screenshot(os.path.join(LOGS, "ui-%s-failure.png" % _name))
    sys.exit(1)


def screenshot(path):
    try:
        subprocess.run(["import", "-window", "root", path], check=True, timeout=30)
        diag("screenshot: " + path)
    except (OSError, subprocess.SubprocessError) as e:
        diag("could not take a screenshot: %s" % e)


def _raise(window):
    """Puts @window (an AT-SPI frame or dialog) on top, as a click on it would with a window
    manager; without one, windows overlap where GTK put them."""
    ids = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", "^%s$" % window.name],
                         capture_output=True, text=True, timeout=30).stdout.split()
    for xid in ids:
        subprocess.run(["xdotool", "windowraise", xid], timeout=30)
    time.sleep(0.5)


def guide_shot(name, window=None, settle=0.0, on_top=None):
    """A picture for the user guide (docs/guide/images, taken by tools/guide-shots): NAME.png in
    the directory HAKO_GUIDE_SHOTS names, of the whole screen or cropped to @window's extents
    (an AT-SPI frame), after @settle seconds (to let graphs fill in). @on_top: the window that
    covers @window now; @window is raised for the picture, then @on_top again. Without
    HAKO_GUIDE_SHOTS, as in CI, it does nothing; it never fails a test."""
    directory = os.environ.get("HAKO_GUIDE_SHOTS")
    if not directory:
        return
    try:
        if settle:
            time.sleep(settle)
        if on_top is not None:
            _raise(window)
        os.makedirs(directory, exist_ok=True)
        path = os.path.join(directory, name + ".png")
        argv = ["import", "-window", "root"]
        if window is not None:
            x, y, w, h = window.queryComponent().getExtents(pyatspi.DESKTOP_COORDS)
            if w > 0 and h > 0:
                argv += ["-crop", "%dx%d+%d+%d" % (w, h, max(x, 0), max(y, 0)), "+repage"]
        subprocess.run(argv + [path], check=True, timeout=30)
        diag("guide screenshot: " + path)
        if on_top is not None:
            _raise(on_top)
    except Exception as e:  # a picture for the guide never fails a test
        diag("could not take the guide screenshot %s: %r" % (name, e))


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


def find_all(parent, **kwargs):
    return parent.findChildren(tree.predicate.GenericPredicate(**kwargs))


def sensitive(node):
    return node.getState().contains(pyatspi.STATE_SENSITIVE)


def showing(node):
    return node.getState().contains(pyatspi.STATE_SHOWING)


def application():
    app = poll("find the hako application", 30, lambda: tree.root.application("hako"))
    if app is None:
        bail("hako is on the accessibility bus", "no application named hako")
    ok("hako is on the accessibility bus")
    return app


def cell_named(app, name):
    return find(app, name=name, roleName="table cell")


def cell_starting(app, prefix):
    for cell in find_all(app, roleName="table cell"):
        if cell.name and cell.name.startswith(prefix):
            return cell
    return None


def column_text(app, guest, title):
    """The text of the cell under the column @title in a guest's row (a cell may pack an
    icon or a graph with a text)."""
    cell = cell_named(app, guest)
    if cell is None:
        return None
    table = cell.parent
    itable = table.queryTable()
    row = itable.getRowAtIndex(cell.indexInParent)
    for column in range(itable.nColumns):
        header = itable.getColumnHeader(column)
        if header is None or header.name != title:
            continue
        state = itable.getAccessibleAt(row, column)
        names = [state.name] + [child.name for child in state]
        return " ".join(n for n in names if n)
    return None


def column_titles(app):
    """The titles of the guest list's visible columns."""
    cell = find(app, roleName="table cell")
    if cell is None:
        return []
    itable = cell.parent.queryTable()
    titles = []
    for column in range(itable.nColumns):
        header = itable.getColumnHeader(column)
        if header is not None:
            titles.append(header.name)
    return titles


def state_text(app, guest):
    """The text of the State cell in a guest's row (an icon and a text in one cell)."""
    return column_text(app, guest, "State")


def wait_for_state(app, guest, wanted, timeout, description):
    seen = []

    def check():
        text = state_text(app, guest)
        if text and (not seen or seen[-1] != text):
            seen.append(text)
        return text == wanted

    if not poll(description, timeout, check):
        bail(description, "the State cell went through %r, never %r" % (seen, wanted))
    ok(description)


def point_at(node):
    """Without a window manager, X gives the keyboard to the window under the pointer."""
    (x, y), (w, h) = node.position, node.size
    rawinput.absoluteMotion(x + w // 2, y + h // 2)


def second_hako(*args, timeout=30):
    """Run `hako ARGS` while the first one runs: it hands its arguments over and exits."""
    return subprocess.run(
        [HAKO] + list(args),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        timeout=timeout,
    )


def give_keyboard(window):
    """What a window manager does when the user clicks a window: give it the keyboard. Without
    one, a window shown by a second `hako` does not get it (hako presented the manager window,
    which keeps it)."""
    ids = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", "^%s$" % window.name],
                         capture_output=True, text=True, timeout=30).stdout.split()
    if not ids:
        bail("the window is on the X display", "xdotool finds no window named %r" % window.name)
    subprocess.run(["xdotool", "windowfocus", "--sync", ids[0]], check=True, timeout=30)
    point_at(window)


def close_guest_window(window):
    """Escape closes a guest's window; while its display has the keyboard, Escape is the
    guest's, so the keyboard goes to the toolbar first."""
    shot = find(window, roleName="push button", name="Screenshot…")
    if shot is not None:
        shot.queryComponent().grabFocus()
    point_at(window)
    rawinput.keyCombo("Escape")
    if not poll("closed", 10, lambda: not showing(window)):
        bail("Escape closes the guest's window", "it is still shown")


def quit_with_ctrl_q(app):
    # Quit with its accelerator, typed for real: the window saves its state and hako exits.
    # (Activating menus through AT-SPI makes GTK 3 itself warn, about a grab or a missing
    # trigger event, which fatal-warnings would turn into a failure.)
    frame = find(app, roleName="frame", name="Hako")
    if frame is None:
        bail("Ctrl+Q quits hako", "no frame named Hako")
    point_at(frame)
    rawinput.keyCombo("<Control>q")
    deadline = time.monotonic() + 15
    while hako_alive() and time.monotonic() < deadline:
        time.sleep(0.25)
    if hako_alive():
        bail("Ctrl+Q quits hako", "hako is still running 15 s later")
    ok("Ctrl+Q quits hako (run-ui-test checks its exit status)")
