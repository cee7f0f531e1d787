#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# hako-viewer against VNC guests of the private libvirtd:
#  - a guest by name (-c URI NAME): the window is titled "NAME - Hako Viewer" and its display
#    shows the guest (memtest86+: more than 3 colours in the "Guest display" area);
#  - the same display by vnc://HOST:PORT (the port from `virsh domdisplay`), and by a .vv file
#    (its title is used, and delete-this-file=1 deletes it);
#  - a .vv file with a wrong password (the harness's ACPI guest, given a VNC password): the window
#    asks for the password, saying the display refused the first one, and the right one shows the
#    guest (its text screen: 2 colours);
#  - a missing guest, a bad .vv file and a bad URI: a message on stderr, a non-zero exit status,
#    and for the missing guest the same message in the window;
#  - --wait waits for a stopped guest to start, and the window closes (status 0) when it stops;
#    without --wait a stopped guest is an error (status 1);
#  - --reconnect stays when the guest stops and shows it again when it starts; --zoom 150 sizes
#    the display at 150 % of the guest's screen, Ctrl+plus zooms in to 175 %, a click gives the
#    guest the pointer (the title says how to get it back) and Ctrl+Alt releases it, F11 enters
#    full screen, its bar's Leave Full Screen and F11 leave it;
#    --hotkeys replaces the viewer's own keys (Shift+F12 toggles full screen, F11 does not);
#  - the same guest with a SPICE display, by spice://HOST:PORT;
#  - --wait for a guest that does not exist yet: shown once it is defined and started;
#  - a SPICE guest with two displays (a VGA and a virtio-gpu device: QEMU puts virtio-gpu's
#    "Guest has not initialized the display" picture on a second display channel): two windows,
#    "NAME - Hako Viewer" and "NAME (2) - Hako Viewer", the second showing that picture; keys
#    typed in the second window reach the guest (its boot sector waits for a key, then paints
#    the first display red); the guest stops: both close (status 0); with --reconnect --zoom 150
#    the second window closes while the guest is stopped, comes back when it runs, and shows its
#    display at 150 %; a one-display SPICE guest still gets exactly one window.
#
# Started by `run-ui-test --viewer`: no hako runs; each case starts its own hako-viewer. Prints TAP.

import os
import signal
import subprocess
import sys
import tempfile
import time

from hakoui import (
    LOGS,
    bail,
    diag,
    find,
    guide_shot,
    ok,
    plan,
    point_at,
    poll,
    pyatspi,
    rawinput,
    screenshot,
    showing,
    tree,
)

URI = os.environ["HAKO_TEST_URI"]
GUEST = os.environ["HAKO_TEST_GUEST"]
IMAGES = os.environ["HAKO_TEST_IMAGES"]
VIEWER = os.environ["HAKO_VIEWER_BIN"]
PASSWORD_GUEST = GUEST
BUSY = "hako-viewer-memtest"
MULTI = "hako-viewer-two-displays"
MEMTEST = "/usr/lib/memtest86+/memtest86+x64.iso"


def virsh(*args, check=True):
    r = subprocess.run(["virsh", "-q", "-c", URI] + list(args), capture_output=True, text=True,
                       timeout=60)
    if check and r.returncode != 0:
        bail("virsh %s" % " ".join(args), r.stderr.strip())
    return r.stdout.strip()


def vnc_port(guest):
    # domdisplay prints the display number, as remote-viewer reads it: vnc://127.0.0.1:N
    display = virsh("domdisplay", guest)
    return 5900 + int(display.rsplit(":", 1)[1])


class Viewer:
    """One hako-viewer process, its stderr in a log file, and its AT-SPI application."""

    count = 0

    def __init__(self, *args, env=None):
        Viewer.count += 1
        self.log = os.path.join(LOGS, "ui-viewer-%d.log" % Viewer.count)
        self.args = list(args)
        with open(self.log, "w") as err:
            self.proc = subprocess.Popen([VIEWER] + self.args, stdin=subprocess.DEVNULL,
                                         stdout=subprocess.DEVNULL, stderr=err, env=env)
        self.app = None

    def alive(self):
        return self.proc.poll() is None

    def stderr(self):
        with open(self.log) as f:
            return f.read()

    def application(self, description):
        def find_app():
            if not self.alive():
                bail(description, "hako-viewer %s exited with %s: %s"
                     % (self.args, self.proc.returncode, self.stderr()))
            for app in tree.root.applications():
                try:
                    if app.name == "hako-viewer" and app.get_process_id() == self.proc.pid:
                        return app
                except Exception:  # a dying application
                    continue
            return None

        self.app = poll(description, 30, find_app)
        if self.app is None:
            bail(description, "hako-viewer is not on the accessibility bus")
        return self.app

    def frame(self, title, description):
        frame = poll(description, 30, lambda: find(self.app, roleName="frame", name=title))
        if frame is None:
            names = [f.name for f in self.app.findChildren(
                tree.predicate.GenericPredicate(roleName="frame"))]
            bail(description, "no frame %r, only %r" % (title, names))
        return frame

    def stop(self):
        """SIGTERM: hako-viewer closes its window and exits with the window's status."""
        if self.alive():
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return None


def display_crop(window, path):
    """A screenshot of the guest display's area only: (colours, digest), or None."""
    display = find(window, name="Guest display")
    if display is None or not showing(display):
        return None
    x, y, w, h = display.queryComponent().getExtents(pyatspi.DESKTOP_COORDS)
    if w < 50 or h < 50:
        return None
    full = path + ".full.png"
    subprocess.run(["import", "-window", "root", full], check=True, timeout=30)
    subprocess.run(["convert", full, "-crop", "%dx%d+%d+%d" % (w, h, x, y), "+repage", path],
                   check=True, timeout=30)
    os.unlink(full)
    out = subprocess.run(["identify", "-format", "%k %#", path], capture_output=True, text=True,
                         check=True, timeout=30).stdout.split()
    return int(out[0]), out[1]


def check_display(viewer, window, name, description, colours=4):
    path = os.path.join(LOGS, "ui-viewer-%s.png" % name)
    crop = poll(description, 60, lambda: (lambda c: c if c and c[0] >= colours else None)(
        display_crop(window, path)))
    if crop is None:
        screenshot(os.path.join(LOGS, "ui-viewer-%s-screen.png" % name))
        bail(description, "the display area never had %d colours or more; stderr: %s"
             % (colours, viewer.stderr()))
    ok("%s (%d colours)" % (description, crop[0]))


def stop_cleanly(viewer, description):
    rc = viewer.stop()
    if rc != 0:
        bail(description, "exit status %r; stderr: %s" % (rc, viewer.stderr()))
    ok(description)


def label_starting(app, prefix):
    for node in app.findChildren(tree.predicate.GenericPredicate(roleName="label")):
        if node.name and node.name.startswith(prefix) and showing(node):
            return node
    return None


def wait_exit(viewer, timeout):
    try:
        return viewer.proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        return None


def write_vv(lines):
    f = tempfile.NamedTemporaryFile("w", suffix=".vv", delete=False)
    f.write("[virt-viewer]\n" + "".join(line + "\n" for line in lines))
    f.close()
    return f.name


def define_memtest_guest():
    xml = """<domain type='qemu'>
  <name>%s</name>
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type><boot dev='cdrom'/></os>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <disk type='file' device='cdrom'>
      <driver name='qemu' type='raw'/>
      <source file='%s'/>
      <target dev='hdc' bus='ide'/>
      <readonly/>
    </disk>
    <graphics type='vnc' autoport='yes' listen='127.0.0.1'/>
    <video><model type='vga'/></video>
  </devices>
</domain>
""" % (BUSY, MEMTEST)
    with tempfile.NamedTemporaryFile("w", suffix=".xml", delete=False) as f:
        f.write(xml)
    virsh("define", f.name)
    os.unlink(f.name)


# A boot sector that waits for a key (int 16h), then switches to VGA mode 13h and fills the
# screen with colour 4 (red) and halts: xor ax,ax; int 16h; mov ax,13h; int 10h;
# mov ax,0A000h; mov es,ax; xor di,di; mov cx,64000; mov al,4; cld; rep stosb; l: hlt; jmp l
RED_ON_KEY = bytes.fromhex("31c0cd16b81300cd10b800a08ec031ffb900fab004fcf3aaf4ebfd")


def define_multi_guest(name=MULTI, videos=2):
    """A SPICE guest booting RED_ON_KEY, with one VGA display and optionally a virtio-gpu one."""
    image = os.path.join(IMAGES, name + ".img")
    with open(image, "wb") as f:
        sector = RED_ON_KEY + bytes(510 - len(RED_ON_KEY)) + b"\x55\xaa"
        f.write(sector + bytes(1024 * 1024 - len(sector)))
    second = "<video><model type='virtio'/></video>" if videos > 1 else ""
    xml = """<domain type='qemu'>
  <name>%s</name>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type><boot dev='hd'/></os>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw'/>
      <source file='%s'/>
      <target dev='hda' bus='ide'/>
    </disk>
    <graphics type='spice' autoport='yes' listen='127.0.0.1'/>
    <video><model type='vga' primary='yes'/></video>
    %s
  </devices>
</domain>
""" % (name, image, second)
    with tempfile.NamedTemporaryFile("w", suffix=".xml", delete=False) as f:
        f.write(xml)
    virsh("define", f.name)
    os.unlink(f.name)


def frames(viewer):
    """The titles of the viewer's windows on the accessibility bus."""
    return sorted(f.name for f in viewer.app.findChildren(
        tree.predicate.GenericPredicate(roleName="frame")) if showing(f))


def mean_colour(window, path):
    """The mean (r, g, b) of the window's guest display, 0-255, or None."""
    display = find(window, name="Guest display")
    if display is None or not showing(display):
        return None
    x, y, w, h = display.queryComponent().getExtents(pyatspi.DESKTOP_COORDS)
    subprocess.run(["import", "-window", "root", "-crop", "%dx%d+%d+%d" % (w, h, x, y),
                    "+repage", path], check=True, timeout=30)
    out = subprocess.run(["convert", path, "-scale", "1x1!", "-depth", "8", "txt:-"],
                         capture_output=True, text=True, check=True, timeout=30).stdout
    rgb = out.splitlines()[-1].split("(")[1].split(")")[0].split(",")[:3]
    return tuple(int(float(v)) for v in rgb)


def is_red(colour):
    return colour is not None and colour[0] > 100 and colour[1] < 40 and colour[2] < 40


def x_window(title):
    out = subprocess.run(["xdotool", "search", "--name", "^%s$" % title.replace("(", "\\(")
                          .replace(")", "\\)")], capture_output=True, text=True,
                         timeout=30).stdout.split()
    return out[0] if out else None


def display_width_of(window):
    display = find(window, name="Guest display")
    if display is None or not showing(display):
        return None
    return display.queryComponent().getExtents(pyatspi.DESKTOP_COORDS)[2]


def define_password_guest():
    xml = virsh("dumpxml", PASSWORD_GUEST)
    xml = xml.replace("<graphics type='vnc'", "<graphics type='vnc' passwd='hako-pw1'", 1)
    with tempfile.NamedTemporaryFile("w", suffix=".xml", delete=False) as f:
        f.write(xml)
    virsh("define", f.name)
    os.unlink(f.name)
    virsh("start", PASSWORD_GUEST)


def main():
    plan("viewer", 46)
    if not os.path.exists(MEMTEST):
        bail("memtest86+ is installed", "no %s" % MEMTEST)
    define_memtest_guest()
    virsh("start", BUSY)

    # 1. A guest by name.
    viewer = Viewer("-c", URI, BUSY)
    viewer.application("hako-viewer -c URI NAME is on the accessibility bus")
    window = viewer.frame("%s - Hako Viewer" % BUSY, "the window is titled after the guest")
    ok("hako-viewer -c URI %s opens a window titled “%s - Hako Viewer”" % (BUSY, BUSY))
    check_display(viewer, window, "by-name", "the guest's display shows the guest")
    guide_shot("viewer", window, settle=2)
    stop_cleanly(viewer, "SIGTERM closes it with exit status 0")

    # 2. The same display by address.
    port = vnc_port(BUSY)
    address = "vnc://127.0.0.1:%d" % port
    viewer = Viewer(address)
    viewer.application("hako-viewer vnc://… is on the accessibility bus")
    window = viewer.frame("%s - Hako Viewer" % address, "the window is titled after the address")
    check_display(viewer, window, "by-uri", "hako-viewer %s shows the guest" % address)
    stop_cleanly(viewer, "and exits with 0")

    # 3. A .vv file: its title, and delete-this-file.
    path = write_vv(["type=vnc", "host=127.0.0.1", "port=%d" % port, "title=Hako VV test",
                     "delete-this-file=1"])
    viewer = Viewer(path)
    viewer.application("hako-viewer FILE.vv is on the accessibility bus")
    window = viewer.frame("Hako VV test", "the window takes the .vv file's title")
    check_display(viewer, window, "by-vv", "hako-viewer FILE.vv shows the guest")
    if os.path.exists(path):
        os.unlink(path)
        bail("a .vv file with delete-this-file=1 is deleted once read", "it is still there")
    ok("a .vv file with delete-this-file=1 is deleted once read")
    stop_cleanly(viewer, "and exits with 0")

    # 4. A wrong password is asked again, with the reason; the right one shows the guest.
    virsh("destroy", BUSY)
    define_password_guest()
    path = write_vv(["type=vnc", "host=127.0.0.1", "port=%d" % vnc_port(PASSWORD_GUEST),
                     "password=wrongpw"])
    viewer = Viewer(path)
    viewer.application("hako-viewer with a wrong password is on the accessibility bus")
    entry = poll("password entry", 30, lambda: (lambda e: e if e is not None and showing(e)
                                                 else None)(find(viewer.app,
                                                                 roleName="password text")))
    labels = [n.name for n in viewer.app.findChildren(
        tree.predicate.GenericPredicate(roleName="label")) if showing(n)]
    if entry is None or not any("refused" in (text or "") for text in labels):
        screenshot(os.path.join(LOGS, "ui-viewer-password-screen.png"))
        bail("a refused password is asked again, with the reason",
             "entry %r, labels %r, stderr %s" % (entry, labels, viewer.stderr()))
    ok("a refused password is asked again, with the reason")
    diag([text for text in labels if "refused" in (text or "")][0])
    entry.queryEditableText().setTextContents("hako-pw1")
    entry.doActionNamed("activate")
    window = find(viewer.app, roleName="frame")
    check_display(viewer, window, "password", "the right password shows the guest", colours=2)
    stop_cleanly(viewer, "and exits with 0")
    os.unlink(path)

    # 5. A missing guest: said in the window and on stderr; exit status 1.
    viewer = Viewer("-c", URI, "hako-no-such-guest")
    viewer.application("hako-viewer with a missing guest is on the accessibility bus")
    message = "There is no virtual machine “hako-no-such-guest”"
    label = poll("error label", 30, lambda: next(
        (n for n in viewer.app.findChildren(tree.predicate.GenericPredicate(roleName="label"))
         if n.name and n.name.startswith(message)), None))
    if label is None:
        bail("a missing guest is said in the window", "no label; stderr %s" % viewer.stderr())
    ok("a missing guest is said in the window")
    rc = viewer.stop()
    if rc != 1 or message not in viewer.stderr():
        bail("and on stderr, with exit status 1", "rc %r, stderr %r" % (rc, viewer.stderr()))
    ok("and on stderr, with exit status 1")

    # 6. Bad input before any window: a clear message and a non-zero status.
    path = write_vv(["type=vnc", "port=5900"])
    r = subprocess.run([VIEWER, path], capture_output=True, text=True, timeout=30)
    os.unlink(path)
    if r.returncode == 0 or "host=" not in r.stderr:
        bail("a .vv file without a host is refused on stderr", "rc %d, stderr %r"
             % (r.returncode, r.stderr))
    ok("a .vv file without a host is refused: %s" % r.stderr.strip())
    r = subprocess.run([VIEWER, "vnc://127.0.0.1:notaport"], capture_output=True, text=True,
                       timeout=30)
    if r.returncode == 0 or "hako-viewer:" not in r.stderr:
        bail("a bad vnc:// URI is refused on stderr", "rc %d, stderr %r"
             % (r.returncode, r.stderr))
    ok("a bad vnc:// URI is refused: %s" % r.stderr.strip())

    # 7. --wait: a stopped guest is waited for; its end closes the window.
    virsh("destroy", GUEST)
    viewer = Viewer("--wait", "-c", URI, GUEST)
    viewer.application("hako-viewer --wait is on the accessibility bus")
    waiting = "Waiting for “%s” to start…" % GUEST
    if poll("waiting label", 30, lambda: label_starting(viewer.app, waiting)) is None:
        bail("--wait says it waits for the stopped guest", "no label %r" % waiting)
    ok("--wait says it waits for the stopped guest to start")
    virsh("start", GUEST)
    window = viewer.frame("%s - Hako Viewer" % GUEST, "the window is titled after the guest")
    check_display(viewer, window, "wait", "and shows it once it runs", colours=2)
    virsh("destroy", GUEST)
    rc = wait_exit(viewer, 20)
    if rc != 0:
        viewer.stop()
        bail("without --reconnect the window closes when the guest stops, status 0",
             "exit status %r" % rc)
    ok("without --reconnect the window closes when the guest stops, status 0")

    # 8. Without --wait, a stopped guest is an error.
    viewer = Viewer("-c", URI, GUEST)
    viewer.application("hako-viewer with a stopped guest is on the accessibility bus")
    message = "“%s” is not running." % GUEST
    if poll("not running", 30, lambda: label_starting(viewer.app, message)) is None:
        bail("a stopped guest without --wait is said in the window", "no label %r" % message)
    rc = viewer.stop()
    if rc != 1 or message not in viewer.stderr():
        bail("a stopped guest without --wait: stderr and status 1",
             "rc %r, stderr %r" % (rc, viewer.stderr()))
    ok("a stopped guest without --wait is said in the window and on stderr, status 1")

    # 9. --reconnect, --zoom, Ctrl+plus and F11.
    virsh("start", GUEST)
    viewer = Viewer("--reconnect", "--zoom", "150", "-c", URI, GUEST)
    viewer.application("hako-viewer --reconnect --zoom 150 is on the accessibility bus")
    window = viewer.frame("%s - Hako Viewer" % GUEST, "the window is titled after the guest")
    check_display(viewer, window, "zoom", "--zoom 150 shows the guest", colours=2)

    def display_width():
        display = find(window, name="Guest display")
        if display is None or not showing(display):
            return None
        return display.queryComponent().getExtents(pyatspi.DESKTOP_COORDS)[2]

    def zoom_label(text):
        button = find(window, roleName="push button", name=text)
        return button if button is not None and showing(button) else None

    # The window fits the zoomed screen (the guest's is 720×400).
    width = poll("zoomed", 10, lambda: (lambda w: w if w is not None and abs(w - 1080) <= 4
                                        else None)(display_width()))
    if width is None or zoom_label("150%") is None:
        bail("--zoom 150 shows the 720-pixel screen 1080 pixels wide", "width %r"
             % display_width())
    ok("--zoom 150 shows the guest's 720-pixel screen 1080 pixels wide")
    point_at(window)
    rawinput.keyCombo("<Control>equal")
    width = poll("zoomed in", 10, lambda: (lambda w: w if w is not None and abs(w - 1260) <= 4
                                           else None)(display_width()))
    if width is None or zoom_label("175%") is None:
        bail("Ctrl+plus zooms in to 175% (1260 pixels)", "width %r" % display_width())
    ok("Ctrl+plus zooms in to 175%: 1260 pixels wide")

    # A click gives the guest (a PS/2 mouse) the pointer; Ctrl+Alt takes it back.
    title = "%s - Hako Viewer" % GUEST
    grabbed = title + " (press Ctrl+Alt to release the pointer)"
    x, y, w, h = find(window, name="Guest display").queryComponent().getExtents(
        pyatspi.DESKTOP_COORDS)
    rawinput.click(x + w // 2, y + h // 2)
    if poll("grabbed", 10, lambda: window.name == grabbed) is None:
        bail("a click gives the guest the pointer, and the title says how to release it",
             "title %r" % window.name)
    ok("a click gives the guest the pointer, and the title says how to release it")
    rawinput.holdKey("Control_L")
    rawinput.holdKey("Alt_L")
    rawinput.releaseKey("Alt_L")
    rawinput.releaseKey("Control_L")
    if poll("released", 10, lambda: window.name == title) is None:
        bail("Ctrl+Alt releases it", "title %r" % window.name)
    ok("Ctrl+Alt releases it")

    def full_screen_button():
        return find(window, roleName="push button", name="Full Screen")

    def leave_button():
        button = find(window, roleName="push button", name="Leave Full Screen")
        return button if button is not None and showing(button) else None

    rawinput.pressKey("F11")
    if poll("full screen", 10, lambda: not showing(full_screen_button())) is None:
        bail("F11 enters full screen (the buttons are hidden)", "they are shown")
    ok("F11 enters full screen: the row of buttons is hidden")
    screenshot(os.path.join(LOGS, "ui-viewer-fullscreen.png"))
    leave = poll("leave button", 10, leave_button)
    if leave is None:
        bail("full screen shows a Leave Full Screen bar for a moment", "no button")
    leave.doActionNamed("click")
    if poll("windowed", 10, lambda: showing(full_screen_button())) is None:
        bail("Leave Full Screen leaves it", "the buttons stay hidden")
    ok("full screen shows a Leave Full Screen bar for a moment, which leaves it")
    point_at(window)
    rawinput.pressKey("F11")
    if poll("full screen", 10, lambda: not showing(full_screen_button())) is None:
        bail("F11 enters full screen again", "the buttons are shown")
    point_at(window)
    rawinput.pressKey("F11")
    if poll("windowed", 10, lambda: showing(full_screen_button())) is None:
        bail("F11 again leaves full screen", "the buttons stay hidden")
    ok("F11 again leaves full screen")

    virsh("destroy", GUEST)
    message = "“%s” is not running." % GUEST
    if poll("not running", 30, lambda: label_starting(viewer.app, message)) is None or \
            not viewer.alive():
        bail("with --reconnect the window stays when the guest stops", "alive %r, stderr %r"
             % (viewer.alive(), viewer.stderr()))
    ok("with --reconnect the window stays when the guest stops, and says so")
    virsh("start", GUEST)
    check_display(viewer, window, "reconnect", "and shows the guest again when it starts",
                  colours=2)
    stop_cleanly(viewer, "and exits with 0")

    # 9b. --hotkeys: only the keys it names are the viewer's (here Shift+F12, not F11).
    viewer = Viewer("--hotkeys=toggle-fullscreen=shift+f12", "-c", URI, GUEST)
    viewer.application("hako-viewer --hotkeys is on the accessibility bus")
    window = viewer.frame("%s - Hako Viewer" % GUEST, "the window is titled after the guest")
    check_display(viewer, window, "hotkeys", "with --hotkeys the guest is shown", colours=2)

    def full_screen_shown():
        button = find(window, roleName="push button", name="Full Screen")
        return button is not None and showing(button)

    point_at(window)
    rawinput.pressKey("F11")
    time.sleep(1)
    if not full_screen_shown():
        bail("with --hotkeys naming another key, F11 is the guest's", "F11 went full screen")
    point_at(window)
    rawinput.keyCombo("<Shift>F12")
    if poll("full screen", 10, lambda: not full_screen_shown()) is None:
        bail("--hotkeys=toggle-fullscreen=shift+f12: Shift+F12 enters full screen",
             "the buttons are shown")
    point_at(window)
    rawinput.keyCombo("<Shift>F12")
    if poll("windowed", 10, full_screen_shown) is None:
        bail("and Shift+F12 leaves it", "the buttons stay hidden")
    ok("--hotkeys=toggle-fullscreen=shift+f12: Shift+F12 toggles full screen, F11 does not")
    stop_cleanly(viewer, "and it exits with 0")

    # 10. A SPICE display by address.
    virsh("destroy", GUEST)
    xml = virsh("dumpxml", GUEST).replace("<graphics type='vnc'", "<graphics type='spice'", 1)
    with tempfile.NamedTemporaryFile("w", suffix=".xml", delete=False) as f:
        f.write(xml)
    virsh("define", f.name)
    os.unlink(f.name)
    virsh("start", GUEST)
    address = virsh("domdisplay", GUEST).split("?")[0]  # spice://127.0.0.1:PORT
    viewer = Viewer(address)
    viewer.application("hako-viewer spice://… is on the accessibility bus")
    window = viewer.frame("%s - Hako Viewer" % address, "the window is titled after the address")
    check_display(viewer, window, "spice", "hako-viewer %s shows the guest" % address, colours=2)
    time.sleep(3)
    if frames(viewer) != ["%s - Hako Viewer" % address]:
        bail("a SPICE guest with one display gets exactly one window", "windows %r"
             % frames(viewer))
    ok("a SPICE guest with one display gets exactly one window")
    stop_cleanly(viewer, "and exits with 0")
    virsh("destroy", GUEST, check=False)

    # 11. --wait for a guest that is not defined yet.
    late = "hako-viewer-late"
    viewer = Viewer("--wait", "-c", URI, late)
    viewer.application("hako-viewer --wait for a missing guest is on the accessibility bus")
    waiting = "Waiting for a virtual machine “%s”" % late
    if poll("waiting label", 30, lambda: label_starting(viewer.app, waiting)) is None:
        bail("--wait waits for a guest that is not defined yet", "no label %r; stderr %r"
             % (waiting, viewer.stderr()))
    ok("--wait waits for a guest that is not defined yet")
    out = subprocess.run([os.environ["HAKO_TEST_ACPI_GUEST"], URI, late, IMAGES],
                         capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        bail("the late guest is defined", out.stderr)
    virsh("start", late)
    window = viewer.frame("%s - Hako Viewer" % late, "the window is titled after the guest")
    check_display(viewer, window, "late", "and shows it once it is defined and runs", colours=2)
    viewer.stop()
    virsh("destroy", late, check=False)

    # 12. A SPICE guest with two displays: a window each.
    define_multi_guest()
    virsh("start", MULTI)
    viewer = Viewer("-c", URI, MULTI)
    viewer.application("hako-viewer with a two-display guest is on the accessibility bus")
    first = viewer.frame("%s - Hako Viewer" % MULTI, "the first display's window is titled "
                         "after the guest")
    second = viewer.frame("%s (2) - Hako Viewer" % MULTI,
                          "the second display gets a window of its own, titled “%s (2) - Hako "
                          "Viewer”, as virt-viewer titles it" % MULTI)
    check_display(viewer, second, "second-display", "the second window shows the second display "
                  "(virtio-gpu's “not initialized” picture)", colours=2)
    time.sleep(2)
    if len(frames(viewer)) != 2:
        bail("two displays, two windows", "windows %r" % frames(viewer))
    ok("two displays, two windows: %r" % frames(viewer))

    # Keys typed in the second window reach the guest: its first display turns red. The
    # second window sits on the first (no window manager): move it aside to see the first.
    point_at(find(second, name="Guest display"))
    for key in ["h", "a", "k", "o"]:
        rawinput.pressKey(key)
    subprocess.run(["xdotool", "windowmove", x_window("%s (2) - Hako Viewer" % MULTI), "740",
                    "200"], check=True, timeout=30)
    path = os.path.join(LOGS, "ui-viewer-first-display-red.png")
    colour = poll("red", 30, lambda: (lambda c: c if is_red(c) else None)(
        mean_colour(first, path)))
    if colour is None:
        bail("keys typed in the second window reach the guest (its first display turns red)",
             "mean colour %r" % (mean_colour(first, path),))
    ok("keys typed in the second window reach the guest: its first display turns red %r"
       % (colour,))

    # The guest stops: without --reconnect every window closes, with status 0.
    virsh("destroy", MULTI)
    rc = wait_exit(viewer, 20)
    if rc != 0:
        viewer.stop()
        bail("the guest stops: both windows close, status 0", "exit status %r" % rc)
    ok("the guest stops: both windows close, status 0")

    # --reconnect --zoom 150: the second window goes with the guest, and comes back with it.
    virsh("start", MULTI)
    viewer = Viewer("--reconnect", "--zoom", "150", "-c", URI, MULTI)
    viewer.application("hako-viewer --reconnect --zoom 150 is on the accessibility bus")
    first = viewer.frame("%s - Hako Viewer" % MULTI, "the first display's window")
    second = viewer.frame("%s (2) - Hako Viewer" % MULTI, "the second display's window")
    # virtio-gpu's picture is 640 pixels wide: 960 at 150 %.
    width = poll("zoomed", 20, lambda: (lambda w: w if w is not None and abs(w - 960) <= 4
                                        else None)(display_width_of(second)))
    if width is None:
        bail("--zoom 150 shows the second display's 640 pixels 960 wide",
             "width %r" % display_width_of(second))
    ok("--zoom 150 shows the second display's 640 pixels 960 wide too")
    virsh("destroy", MULTI)
    message = "“%s” is not running." % MULTI
    if poll("not running", 30, lambda: label_starting(viewer.app, message) is not None and
            frames(viewer) == ["%s - Hako Viewer" % MULTI]) is None or not viewer.alive():
        bail("with --reconnect the guest stops: the first window stays, the second closes",
             "alive %r, windows %r" % (viewer.alive(), frames(viewer)))
    ok("with --reconnect the guest stops: the first window stays and says so, the second closes")
    virsh("start", MULTI)
    second = viewer.frame("%s (2) - Hako Viewer" % MULTI,
                          "the guest runs again: the second window comes back")
    check_display(viewer, second, "second-display-back", "and shows the second display",
                  colours=2)
    stop_cleanly(viewer, "SIGTERM closes both, exit status 0")
    virsh("destroy", MULTI, check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
