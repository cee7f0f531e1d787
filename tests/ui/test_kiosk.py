#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# hako-viewer --kiosk against a VNC guest of the private libvirtd (memtest86+: a changing screen):
#  - the window covers the whole screen (there is no window manager: it does so by hand), shows
#    the guest and no buttons;
#  - a click gives the guest the pointer, and neither Ctrl+Alt (the usual release keys) nor any
#    other key takes it back (another X client still cannot grab the pointer);
#  - Alt+F4, Ctrl+Q, Ctrl+W, Escape, F11, Ctrl+minus and a window manager's close request
#    (WM_DELETE_WINDOW, sent as a window manager does) leave it running, covering the screen and
#    showing the guest;
#  - the guest stops: the window stays and says it is reconnecting; the guest starts: it is
#    shown again;
#  - the same by vnc://HOST:PORT: "Reconnecting…" while the address does not answer, and the
#    display again once it does;
#  - --kiosk-quit on-disconnect: the guest stops and hako-viewer exits with 0;
#  - a SPICE display by spice://HOST:PORT (the harness's ACPI guest): Ctrl+Alt does not release
#    the pointer there either;
#  - errors still end a kiosk with 1: a missing guest, and with --kiosk-quit on-disconnect an
#    address that never answers.
#
# Started by `run-ui-test --viewer`: no hako runs; each case starts its own hako-viewer. Prints TAP.

import ctypes
import os
import subprocess
import sys
import tempfile
import time

from hakoui import bail, find, ok, plan, poll, pyatspi, rawinput, showing
from test_viewer import (
    BUSY,
    GUEST,
    MEMTEST,
    URI,
    Viewer,
    check_display,
    define_memtest_guest,
    label_starting,
    virsh,
    vnc_port,
    wait_exit,
)

# ---------------------------------------------------------------------------------------------
# A little Xlib through ctypes (python3-xlib is not installed): what a window manager would do.

xlib = ctypes.CDLL("libX11.so.6")
xlib.XOpenDisplay.restype = ctypes.c_void_p
xlib.XOpenDisplay.argtypes = [ctypes.c_char_p]
xlib.XDefaultRootWindow.restype = ctypes.c_ulong
xlib.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
xlib.XInternAtom.restype = ctypes.c_ulong
xlib.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
xlib.XSendEvent.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_long,
                            ctypes.c_void_p]
xlib.XGrabPointer.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_uint,
                              ctypes.c_int, ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong,
                              ctypes.c_ulong]
xlib.XUngrabPointer.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
xlib.XFlush.argtypes = [ctypes.c_void_p]
xlib.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
xlib.XDisplayWidth.argtypes = [ctypes.c_void_p, ctypes.c_int]
xlib.XDisplayHeight.argtypes = [ctypes.c_void_p, ctypes.c_int]


class ClientMessage(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int), ("serial", ctypes.c_ulong), ("send_event", ctypes.c_int),
                ("display", ctypes.c_void_p), ("window", ctypes.c_ulong),
                ("message_type", ctypes.c_ulong), ("format", ctypes.c_int),
                ("l", ctypes.c_long * 5), ("pad", ctypes.c_long * 12)]


DPY = xlib.XOpenDisplay(None)
SCREEN = (xlib.XDisplayWidth(DPY, 0), xlib.XDisplayHeight(DPY, 0))


def pointer_grabbed_by_another():
    """Whether some other client holds the pointer: our own grab fails with AlreadyGrabbed."""
    result = xlib.XGrabPointer(DPY, xlib.XDefaultRootWindow(DPY), 0, 0, 1, 1, 0, 0, 0)
    if result == 0:  # GrabSuccess
        xlib.XUngrabPointer(DPY, 0)
    xlib.XSync(DPY, 0)
    return result == 1  # AlreadyGrabbed


def send_wm_delete(pid):
    """WM_DELETE_WINDOW to each of the process's windows, as a window manager's close does."""
    out = subprocess.run(["xdotool", "search", "--onlyvisible", "--pid", str(pid)],
                         capture_output=True, text=True, timeout=30).stdout.split()
    protocols = xlib.XInternAtom(DPY, b"WM_PROTOCOLS", 0)
    delete = xlib.XInternAtom(DPY, b"WM_DELETE_WINDOW", 0)
    for window in out:
        event = ClientMessage()
        event.type = 33  # ClientMessage
        event.send_event = 1
        event.window = int(window)
        event.message_type = protocols
        event.format = 32
        event.l[0] = delete
        event.l[1] = 0  # CurrentTime
        xlib.XSendEvent(DPY, int(window), 0, 0, ctypes.byref(event))
    xlib.XFlush(DPY)
    return len(out)


def xdotool(*args):
    subprocess.run(["xdotool"] + list(args), check=True, timeout=30)


# ---------------------------------------------------------------------------------------------

def covers_screen(window):
    try:
        x, y, w, h = window.queryComponent().getExtents(pyatspi.DESKTOP_COORDS)
    except Exception:
        return None
    return (x, y, w, h) == (0, 0) + SCREEN


def check_kiosk(viewer, window, description):
    """Still running, still covering the screen, still showing the guest."""
    time.sleep(1)
    if not viewer.alive():
        bail(description, "hako-viewer exited with %r: %s"
             % (viewer.proc.returncode, viewer.stderr()))
    if poll("covers the screen", 5, lambda: covers_screen(window)) is None:
        bail(description, "the window does not cover the %dx%d screen: %r"
             % (SCREEN + (window.queryComponent().getExtents(pyatspi.DESKTOP_COORDS),)))
    check_display(viewer, window, "kiosk", description)


def main():
    plan("kiosk", 25)
    if not os.path.exists(MEMTEST):
        bail("memtest86+ is installed", "no %s" % MEMTEST)
    define_memtest_guest()
    virsh("start", BUSY)
    title = "%s - Hako Viewer" % BUSY

    # 1. --kiosk: the whole screen, the guest, no buttons.
    viewer = Viewer("--kiosk", "-c", URI, BUSY)
    viewer.application("hako-viewer --kiosk is on the accessibility bus")
    window = viewer.frame(title, "the window is titled after the guest")
    if poll("covers the screen", 15, lambda: covers_screen(window)) is None:
        bail("--kiosk covers the whole screen without a window manager", "extents %r"
             % (window.queryComponent().getExtents(pyatspi.DESKTOP_COORDS),))
    ok("--kiosk covers the whole %dx%d screen without a window manager" % SCREEN)
    check_display(viewer, window, "kiosk", "and shows the guest")
    buttons = [b.name for b in window.findChildren(
        lambda n: n.roleName == "push button" and showing(n))]
    if buttons:
        bail("a kiosk shows no buttons", "it shows %r" % buttons)
    ok("and no buttons")

    # 2. The guest has the pointer, and the usual release keys do not take it back.
    x, y, w, h = find(window, name="Guest display").queryComponent().getExtents(
        pyatspi.DESKTOP_COORDS)
    rawinput.click(x + w // 2, y + h // 2)
    if poll("grabbed", 10, pointer_grabbed_by_another) is None:
        bail("a click gives the guest the pointer", "no other client holds the pointer")
    ok("a click gives the guest the pointer")
    xdotool("keydown", "Control_L", "keydown", "Alt_L")
    xdotool("keyup", "Alt_L", "keyup", "Control_L")
    time.sleep(1)
    if not pointer_grabbed_by_another() or window.name != title:
        bail("Ctrl+Alt does not release it, and the title does not offer it",
             "grabbed %r, title %r" % (pointer_grabbed_by_another(), window.name))
    ok("Ctrl+Alt does not release it, and the title does not offer it")

    # 3. Keys and a window manager's close request.
    for keys in ["alt+F4", "ctrl+q", "ctrl+w", "Escape", "F11", "ctrl+minus"]:
        xdotool("key", "--clearmodifiers", keys)
        check_kiosk(viewer, window, "%s: still running, covering the screen, showing the guest"
                    % keys)
    if send_wm_delete(viewer.proc.pid) == 0:
        bail("a window manager's close request", "no window of pid %d" % viewer.proc.pid)
    check_kiosk(viewer, window, "a window manager's close request (WM_DELETE_WINDOW): the same")
    if not pointer_grabbed_by_another():
        bail("the guest still has the pointer after all that", "it does not")
    ok("the guest still has the pointer after all that")

    # 4. The guest stops: it says it is reconnecting, and shows the guest when it runs again.
    virsh("destroy", BUSY)
    reconnecting = "Reconnecting to “%s”" % BUSY
    if poll("reconnecting", 30, lambda: label_starting(viewer.app, reconnecting)) is None or \
            not viewer.alive():
        bail("the guest stops: the kiosk stays and says it is reconnecting",
             "alive %r, stderr %r" % (viewer.alive(), viewer.stderr()))
    ok("the guest stops: the kiosk stays and says it is reconnecting")
    virsh("start", BUSY)
    check_display(viewer, window, "kiosk-back", "the guest runs again: it is shown again")
    viewer.stop()

    # 5. By address: "Reconnecting…" while the address does not answer, and back after.
    address = "vnc://127.0.0.1:%d" % vnc_port(BUSY)
    viewer = Viewer("--kiosk", address)
    viewer.application("hako-viewer --kiosk vnc://… is on the accessibility bus")
    window = viewer.frame("%s - Hako Viewer" % address, "the window is titled after the address")
    check_display(viewer, window, "kiosk-address", "--kiosk %s shows the guest" % address)
    virsh("destroy", BUSY)
    if poll("reconnecting", 30, lambda: label_starting(viewer.app, "Reconnecting…")) is None or \
            not viewer.alive():
        bail("the address goes away: the kiosk stays and says “Reconnecting…”",
             "alive %r, stderr %r" % (viewer.alive(), viewer.stderr()))
    ok("the address goes away: the kiosk stays and says “Reconnecting…”")
    virsh("start", BUSY)
    if "vnc://127.0.0.1:%d" % vnc_port(BUSY) != address:
        bail("the guest runs again on the same port", "it is on %d" % vnc_port(BUSY))
    check_display(viewer, window, "kiosk-address-back",
                  "the address answers again: the guest is shown again")
    viewer.stop()

    # 6. --kiosk-quit on-disconnect.
    viewer = Viewer("--kiosk", "--kiosk-quit", "on-disconnect", "-c", URI, BUSY)
    viewer.application("hako-viewer --kiosk --kiosk-quit on-disconnect is on the bus")
    window = viewer.frame(title, "the window is titled after the guest")
    check_display(viewer, window, "kiosk-quit", "it shows the guest")
    virsh("destroy", BUSY)
    rc = wait_exit(viewer, 15)
    if rc != 0:
        bail("the guest stops: hako-viewer exits with 0", "rc %r, stderr %r"
             % (rc, viewer.stderr()))
    ok("the guest stops: hako-viewer exits with 0")

    # 7. SPICE: no release keys either.
    xml = virsh("dumpxml", GUEST).replace("<graphics type='vnc'", "<graphics type='spice'", 1)
    with tempfile.NamedTemporaryFile("w", suffix=".xml", delete=False) as f:
        f.write(xml)
    virsh("define", f.name)
    os.unlink(f.name)
    virsh("start", GUEST)
    address = virsh("domdisplay", GUEST).split("?")[0]  # spice://127.0.0.1:PORT
    viewer = Viewer("--kiosk", address)
    viewer.application("hako-viewer --kiosk spice://… is on the accessibility bus")
    window = viewer.frame("%s - Hako Viewer" % address, "the window is titled after the address")
    check_display(viewer, window, "kiosk-spice", "--kiosk %s shows the guest" % address,
                  colours=2)
    x, y, w, h = find(window, name="Guest display").queryComponent().getExtents(
        pyatspi.DESKTOP_COORDS)
    rawinput.click(x + w // 2, y + h // 2)
    if poll("grabbed", 10, pointer_grabbed_by_another) is None:
        bail("a click gives the SPICE guest the pointer", "no other client holds the pointer")
    ok("a click gives the SPICE guest the pointer")
    xdotool("keydown", "Control_L", "keydown", "Alt_L")
    xdotool("keyup", "Alt_L", "keyup", "Control_L")
    time.sleep(1)
    if not pointer_grabbed_by_another() or not viewer.alive():
        bail("Ctrl+Alt does not release it", "grabbed %r, alive %r"
             % (pointer_grabbed_by_another(), viewer.alive()))
    ok("Ctrl+Alt does not release it")
    viewer.stop()
    virsh("destroy", GUEST, check=False)

    # 8. Errors still end a kiosk, with 1.
    viewer = Viewer("--kiosk", "-c", URI, "hako-no-such-guest")
    rc = wait_exit(viewer, 30)
    if rc != 1 or "hako-no-such-guest" not in viewer.stderr():
        bail("--kiosk with a missing guest: said on stderr, exit 1", "rc %r, stderr %r"
             % (rc, viewer.stderr()))
    ok("--kiosk with a missing guest: said on stderr, exit 1")
    viewer = Viewer("--kiosk", "--kiosk-quit", "on-disconnect", "vnc://127.0.0.1:1")
    rc = wait_exit(viewer, 30)
    if rc != 1 or "127.0.0.1" not in viewer.stderr():
        bail("--kiosk --kiosk-quit on-disconnect, an address that never answers: exit 1",
             "rc %r, stderr %r" % (rc, viewer.stderr()))
    ok("--kiosk --kiosk-quit on-disconnect, an address that never answers: exit 1")
    return 0


if __name__ == "__main__":
    sys.exit(main())
