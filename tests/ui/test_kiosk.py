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
#    address that never answers;
#  - on two monitors (a second X server, below): the guest covers the first monitor and a black
#    cover the second; keys and close requests leave it so; the second monitor goes away: the
#    guest covers the one left; it comes back: the cover too;
#  - on two monitors with a two-display SPICE guest: display 1 on monitor 1, display 2 on
#    monitor 2, keys typed on monitor 2 reach the guest, nothing closes; the second monitor
#    goes away: display 2's window is hidden, display 1 covers all; it comes back: so does
#    display 2; the guest stops: display 2's window goes and its monitor is covered while the
#    kiosk reconnects, and comes back with the guest; with --kiosk-quit on-disconnect the
#    guest's stop ends it with 0;
#  - --full-screen (no kiosk) with the two-display guest on two monitors: each display full
#    screen on its own monitor.
#
# Two monitors: Xvfb has one RandR output, and GTK 3 makes a GdkMonitor only of a RandR monitor
# with an output (`xrandr --setmonitor NAME GEOMETRY none` monitors are not seen at all). Xorg
# with the dummy driver has sixteen outputs, DUMMY0…DUMMY15: the test starts one on a display of
# its own, turns DUMMY0 and DUMMY1 into two 640x800 monitors side by side with xrandr, and runs
# hako-viewer there; AT-SPI is on the session bus whatever the display.
#
# Started by `run-ui-test --viewer`: no hako runs; each case starts its own hako-viewer. Prints TAP.

import ctypes
import os
import subprocess
import sys
import tempfile
import time

from hakoui import LOGS, bail, find, guide_shot, ok, plan, poll, pyatspi, rawinput, showing
from test_viewer import (
    BUSY,
    GUEST,
    MEMTEST,
    MULTI,
    URI,
    Viewer,
    check_display,
    define_memtest_guest,
    define_multi_guest,
    frames,
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


def send_wm_delete(pid, dpy=DPY, env=None):
    """WM_DELETE_WINDOW to each of the process's windows, as a window manager's close does."""
    out = subprocess.run(["xdotool", "search", "--onlyvisible", "--pid", str(pid)],
                         capture_output=True, text=True, timeout=30, env=env).stdout.split()
    protocols = xlib.XInternAtom(dpy, b"WM_PROTOCOLS", 0)
    delete = xlib.XInternAtom(dpy, b"WM_DELETE_WINDOW", 0)
    for window in out:
        event = ClientMessage()
        event.type = 33  # ClientMessage
        event.send_event = 1
        event.window = int(window)
        event.message_type = protocols
        event.format = 32
        event.l[0] = delete
        event.l[1] = 0  # CurrentTime
        xlib.XSendEvent(dpy, int(window), 0, 0, ctypes.byref(event))
    xlib.XFlush(dpy)
    return len(out)


def xdotool(*args):
    subprocess.run(["xdotool"] + list(args), check=True, timeout=30)


# ---------------------------------------------------------------------------------------------
# Two monitors: Xorg with the dummy driver.

XORG_CONF = """Section "ServerFlags"
  Option "DontVTSwitch" "true"
  Option "AllowMouseOpenFail" "true"
  Option "PciForceNone" "true"
  Option "AutoEnableDevices" "false"
  Option "AutoAddDevices" "false"
EndSection
Section "Device"
  Identifier "hako-dummy"
  Driver "dummy"
  VideoRam 256000
EndSection
Section "Monitor"
  Identifier "hako-monitor"
  HorizSync 1.0 - 2000.0
  VertRefresh 1.0 - 200.0
EndSection
Section "Screen"
  Identifier "hako-screen"
  Device "hako-dummy"
  Monitor "hako-monitor"
  DefaultDepth 24
  SubSection "Display"
    Depth 24
    Virtual 1280 800
  EndSubSection
EndSection
"""

LEFT = (0, 0, 640, 800)
RIGHT = (640, 0, 640, 800)
WHOLE = (0, 0, 1280, 800)


class TwoMonitors:
    """An X server of its own with two 640x800 monitors side by side (DUMMY0, DUMMY1)."""

    def __init__(self):
        number = next(n for n in range(60, 200) if not os.path.exists("/tmp/.X%d-lock" % n)
                      and not os.path.exists("/tmp/.X11-unix/X%d" % n))
        self.display = ":%d" % number
        self.env = dict(os.environ, DISPLAY=self.display)
        conf = os.path.join(LOGS, "ui-kiosk-xorg.conf")
        with open(conf, "w") as f:
            f.write(XORG_CONF)
        self.log = open(os.path.join(LOGS, "ui-kiosk-xorg.out"), "w")
        self.proc = subprocess.Popen(
            ["Xorg", self.display, "-noreset", "-nolisten", "tcp", "-config", conf,
             "-logfile", os.path.join(LOGS, "ui-kiosk-xorg.log")],
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log)
        if poll("Xorg starts", 30, lambda: self.proc.poll() is None and subprocess.run(
                ["xrandr", "-q"], env=self.env, capture_output=True).returncode == 0) is None:
            bail("Xorg with the dummy driver starts", "see %s" % self.log.name)
        self.dpy = xlib.XOpenDisplay(self.display.encode())
        # 640x800 at 60 Hz (cvt 640 800)
        self.xrandr("--newmode", "640x800", "41.75", "640", "672", "736", "832", "800", "803",
                    "813", "838", "-hsync", "+vsync")
        for output in ("DUMMY0", "DUMMY1"):
            self.xrandr("--addmode", output, "640x800")
        self.two()

    def xrandr(self, *args):
        r = subprocess.run(["xrandr"] + list(args), env=self.env, capture_output=True, text=True,
                           timeout=30)
        if r.returncode != 0:
            bail("xrandr %s" % " ".join(args), r.stderr)
        return r.stdout

    def two(self):
        self.xrandr("--fb", "1280x800", "--output", "DUMMY0", "--mode", "640x800", "--pos", "0x0",
                    "--output", "DUMMY1", "--mode", "640x800", "--pos", "640x0")

    def one(self):
        self.xrandr("--output", "DUMMY1", "--off", "--output", "DUMMY0", "--mode", "1280x800",
                    "--pos", "0x0")

    def crop(self, area, name):
        """A screenshot of @area: (number of colours, mean (r, g, b))."""
        path = os.path.join(LOGS, "ui-kiosk-%s.png" % name)
        subprocess.run(["import", "-display", self.display, "-window", "root", "-crop",
                        "%dx%d+%d+%d" % (area[2], area[3], area[0], area[1]), "+repage", path],
                       check=True, timeout=30)
        colours = int(subprocess.run(["identify", "-format", "%k", path], capture_output=True,
                                     text=True, check=True, timeout=30).stdout)
        out = subprocess.run(["convert", path, "-scale", "1x1!", "-depth", "8", "txt:-"],
                             capture_output=True, text=True, check=True, timeout=30).stdout
        rgb = out.splitlines()[-1].split("(")[1].split(")")[0].split(",")[:3]
        return colours, tuple(int(float(v)) for v in rgb)

    def xdotool(self, *args):
        subprocess.run(["xdotool"] + list(args), env=self.env, check=True, timeout=30)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def extents(window):
    try:
        return tuple(window.queryComponent().getExtents(pyatspi.DESKTOP_COORDS))
    except Exception:
        return None


def placed(window, area, description):
    if poll(description, 15, lambda: extents(window) == area) is None:
        bail(description, "extents %r, not %r" % (extents(window), area))


def shows_guest(x, area, name, description, colours):
    crop = poll(description, 60, lambda: (lambda c: c if c[0] >= colours else None)(
        x.crop(area, name)))
    if crop is None:
        bail(description, "never %d colours or more: %r" % (colours, x.crop(area, name)))
    return crop


def black(x, area, name, description):
    crop = poll(description, 15, lambda: (lambda c: c if c == (1, (0, 0, 0)) else None)(
        x.crop(area, name)))
    if crop is None:
        bail(description, "not all black: %r" % (x.crop(area, name),))


def titled(viewer):
    """The viewer's windows but the kiosk's covers (which have no title)."""
    return [name for name in frames(viewer) if name]


def red(colour):
    return colour[0] > 100 and colour[1] < 40 and colour[2] < 40


def two_monitor_cases():
    x = TwoMonitors()
    try:
        two_monitor_kiosk(x)
    finally:
        x.stop()


def two_monitor_kiosk(x):
    # 9. One display, two monitors: the guest on the first, a black cover on the second.
    monitors = ", ".join(line.split()[-1] for line in
                         x.xrandr("--listmonitors").strip().splitlines()[1:])
    virsh("start", BUSY)
    viewer = Viewer("--kiosk", "-c", URI, BUSY, env=x.env)
    viewer.application("hako-viewer --kiosk on two monitors is on the accessibility bus")
    window = viewer.frame("%s - Hako Viewer" % BUSY, "the window is titled after the guest")
    placed(window, LEFT, "two monitors (%s): the guest covers the first" % monitors)
    shows_guest(x, LEFT, "monitor1", "the first monitor shows the guest", 4)
    black(x, RIGHT, "monitor2-cover", "the second is black")
    ok("two monitors (%s): the guest covers the first, the second is black" % monitors)
    x.xdotool("mousemove", "960", "400")
    for keys in ["alt+F4", "ctrl+q", "ctrl+w", "Escape", "F11"]:
        x.xdotool("key", "--clearmodifiers", keys)
    if send_wm_delete(viewer.proc.pid, x.dpy, x.env) < 2:
        bail("a close request to each window", "fewer than two windows")
    time.sleep(1)
    if not viewer.alive():
        bail("keys and close requests", "hako-viewer exited: %s" % viewer.stderr())
    placed(window, LEFT, "keys and close requests on both: the guest still covers the first")
    black(x, RIGHT, "monitor2-cover-still", "the second is still black")
    shows_guest(x, LEFT, "monitor1-still", "the first still shows the guest", 4)
    ok("keys and close requests on both monitors: nothing closes, nothing moves")
    x.one()
    placed(window, WHOLE, "the second monitor goes away: the guest covers the one left")
    shows_guest(x, (640, 200, 640, 400), "one-monitor-right", "the cover is gone", 4)
    ok("the second monitor goes away: the guest covers the one left")
    x.two()
    placed(window, LEFT, "it comes back: the guest on the first again")
    black(x, RIGHT, "monitor2-cover-back", "and the cover on the second")
    ok("it comes back: the guest on the first, the cover on the second")
    viewer.stop()
    virsh("destroy", BUSY)

    # 10. Two displays, two monitors: one each.
    define_multi_guest()
    virsh("start", MULTI)
    viewer = Viewer("--kiosk", "-c", URI, MULTI, env=x.env)
    viewer.application("hako-viewer --kiosk with two displays is on the accessibility bus")
    first = viewer.frame("%s - Hako Viewer" % MULTI, "the first display's window")
    second = viewer.frame("%s (2) - Hako Viewer" % MULTI, "the second display's window")
    placed(first, LEFT, "display 1 covers monitor 1")
    placed(second, RIGHT, "display 2 covers monitor 2")
    ok("two displays on two monitors: display 1 on monitor 1, display 2 on monitor 2")
    shows_guest(x, LEFT, "display1", "monitor 1 shows display 1 (SeaBIOS)", 2)
    crop = shows_guest(x, RIGHT, "display2", "monitor 2 shows display 2 (virtio-gpu)", 2)
    ok("each monitor shows its display; monitor 2: %r" % (crop,))
    # Keys typed on monitor 2 reach the guest: display 1 turns red.
    x.xdotool("mousemove", "960", "400")
    x.xdotool("key", "k")
    middle = (0, 300, 640, 200)
    if poll("red", 30, lambda: red(x.crop(middle, "display1-red")[1])) is None:
        bail("keys typed on monitor 2 reach the guest (display 1 turns red)",
             "mean colour %r" % (x.crop(middle, "display1-red")[1],))
    ok("keys typed on monitor 2 reach the guest: display 1 turns red")
    if send_wm_delete(viewer.proc.pid, x.dpy, x.env) < 2:
        bail("a close request to each window", "fewer than two windows")
    time.sleep(1)
    if not viewer.alive() or len(titled(viewer)) != 2:
        bail("close requests to both windows: nothing closes", "alive %r, windows %r"
             % (viewer.alive(), frames(viewer)))
    ok("close requests to both windows: nothing closes")
    x.one()
    placed(first, WHOLE, "monitor 2 goes away: display 1 covers the one left")
    if poll("hidden", 15, lambda: titled(viewer) == ["%s - Hako Viewer" % MULTI]) is None:
        bail("and display 2's window is hidden", "windows %r" % frames(viewer))
    ok("monitor 2 goes away: display 1 covers the one left, display 2's window is hidden")
    x.two()
    placed(first, LEFT, "monitor 2 comes back: display 1 on monitor 1")
    placed(second, RIGHT, "and display 2 on monitor 2 again")
    shows_guest(x, RIGHT, "display2-back", "monitor 2 shows display 2 again", 2)
    ok("monitor 2 comes back: so does display 2, on it")
    # The guest stops: display 2's window goes, its monitor is covered, the kiosk reconnects.
    virsh("destroy", MULTI)
    reconnecting = "Reconnecting to “%s”" % MULTI
    if poll("reconnecting", 30, lambda: label_starting(viewer.app, reconnecting) is not None and
            titled(viewer) == ["%s - Hako Viewer" % MULTI]) is None or not viewer.alive():
        bail("the guest stops: display 2's window goes, the kiosk says it is reconnecting",
             "alive %r, windows %r" % (viewer.alive(), frames(viewer)))
    black(x, RIGHT, "display2-gone", "monitor 2 is covered")
    placed(first, LEFT, "display 1's window stays on monitor 1")
    ok("the guest stops: display 2's window goes, monitor 2 is covered, the kiosk reconnects")
    virsh("start", MULTI)
    second = viewer.frame("%s (2) - Hako Viewer" % MULTI, "the guest runs again: display 2 too")
    placed(second, RIGHT, "display 2 on monitor 2 again")
    shows_guest(x, RIGHT, "display2-restarted", "monitor 2 shows display 2 again", 2)
    ok("the guest runs again: display 2 is back on monitor 2")
    viewer.stop()

    # --kiosk-quit on-disconnect: the guest stops, every window goes, exit status 0.
    viewer = Viewer("--kiosk", "--kiosk-quit", "on-disconnect", "-c", URI, MULTI, env=x.env)
    viewer.application("hako-viewer --kiosk --kiosk-quit on-disconnect is on the bus")
    viewer.frame("%s (2) - Hako Viewer" % MULTI, "the second display's window")
    virsh("destroy", MULTI)
    rc = wait_exit(viewer, 15)
    if rc != 0:
        bail("--kiosk-quit on-disconnect with two displays: the guest stops, exit 0",
             "rc %r, stderr %r" % (rc, viewer.stderr()))
    ok("--kiosk-quit on-disconnect with two displays: the guest stops, exit 0")
    virsh("start", MULTI)

    # 11. --full-screen: each display full screen on its own monitor.
    viewer = Viewer("--full-screen", "-c", URI, MULTI, env=x.env)
    viewer.application("hako-viewer --full-screen with two displays is on the accessibility bus")
    first = viewer.frame("%s - Hako Viewer" % MULTI, "the first display's window")
    second = viewer.frame("%s (2) - Hako Viewer" % MULTI, "the second display's window")
    placed(first, LEFT, "--full-screen: display 1 full screen on monitor 1")
    placed(second, RIGHT, "--full-screen: display 2 full screen on monitor 2")
    ok("--full-screen: each display full screen on its own monitor")
    viewer.stop()
    virsh("destroy", MULTI)


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
    plan("kiosk", 39)
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
    guide_shot("kiosk")

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
    guide_shot("kiosk-reconnecting")
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

    two_monitor_cases()
    return 0


if __name__ == "__main__":
    sys.exit(main())
