#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# The Console page of a guest's window, against real QEMU guests with VNC displays:
#  - a guest that is not running shows why, with a Run button that starts it;
#  - the display then shows the guest (memtest86+, whose screen keeps changing): the console
#    area is not blank, and changes;
#  - Send Key > Ctrl+Alt+Del reaches the guest: a guest whose BIOS handles the keyboard
#    resets, which libvirt reports as a reboot event; saved and restored, its console comes back;
#  - Screenshot… is offered while the display is shown; F11 shows it full screen and back;
#  - a guest that is destroyed shows the not-running page again;
#  - a SPICE display shows its guest and follows its screen;
#  - the Consoles menu switches to the serial port, where SeaBIOS's output shows;
#  - `hako --connect URI --show-domain-console GUEST` opens the guest's Console page.
#
# Started by run-ui-test with hako running as `hako --connect "$HAKO_TEST_URI"`. Prints TAP.

import os
import subprocess
import sys
import tempfile
import time

from hakoui import (
    LOGS,
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
    screenshot,
    second_hako,
    sensitive,
    showing,
)

URI = os.environ["HAKO_TEST_URI"]
IMAGES = os.environ["HAKO_TEST_IMAGES"]
MEMTEST = "/usr/lib/memtest86+/memtest86+x64.iso"
BUSY = "hako-console"
CAD = "hako-cad"
SPICE = "hako-spice"
SERIAL = "hako-serial"


def virsh(*args, check=True):
    r = subprocess.run(["virsh", "-q", "-c", URI] + list(args), capture_output=True, text=True,
                       timeout=60)
    if check and r.returncode != 0:
        bail("virsh %s" % " ".join(args), r.stderr.strip())
    return r.stdout.strip()


def define_memtest_guest(name=None, graphics="vnc", video="vga"):
    xml = """<domain type='qemu'>
  <name>%s</name>
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type><boot dev='cdrom'/></os>
  <on_poweroff>destroy</on_poweroff>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <disk type='file' device='cdrom'>
      <driver name='qemu' type='raw'/>
      <source file='%s'/>
      <target dev='hdc' bus='ide'/>
      <readonly/>
    </disk>
    <graphics type='%s' autoport='yes' listen='127.0.0.1'/>
    <video><model type='%s'/></video>
  </devices>
</domain>
""" % (name or BUSY, MEMTEST, graphics, video)
    with tempfile.NamedTemporaryFile("w", suffix=".xml", delete=False) as f:
        f.write(xml)
    virsh("define", f.name)
    os.unlink(f.name)


def define_serial_guest():
    # No disk: SeaBIOS finds nothing to boot and tries again every second, on the serial port
    # too (useserial), so there is always fresh output.
    xml = """<domain type='qemu'>
  <name>%s</name>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <boot dev='hd'/>
    <bios useserial='yes' rebootTimeout='1000'/>
  </os>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <serial type='pty'><target port='0'/></serial>
    <console type='pty'><target type='serial' port='0'/></console>
    <graphics type='vnc' autoport='yes' listen='127.0.0.1'/>
    <video><model type='vga'/></video>
  </devices>
</domain>
""" % SERIAL
    with tempfile.NamedTemporaryFile("w", suffix=".xml", delete=False) as f:
        f.write(xml)
    virsh("define", f.name)
    os.unlink(f.name)


def open_window(app, frame, guest):
    def select():
        c = cell_named(app, guest)
        itable = c.parent.queryTable()
        itable.addRowSelection(itable.getRowAtIndex(c.indexInParent))
        return c.getState().contains(pyatspi.STATE_SELECTED)

    if not poll("select " + guest, 30, select):
        bail("%s is listed and can be selected" % guest, "no row")
    point_at(frame)
    rawinput.keyCombo("<Control>o")
    title = "%s on QEMU/KVM" % guest
    window = poll("window of " + guest, 15, lambda: find(app, roleName="frame", name=title))
    if window is None:
        bail("Ctrl+O opens the window of %s" % guest, "no frame %r" % title)
    return window


def display_crop(window, path):
    """A screenshot of the guest display's area only, as (width, height, set of colours)."""
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
    # The colours and a digest of the pixels, from ImageMagick.
    out = subprocess.run(["identify", "-format", "%k %#", path], capture_output=True, text=True,
                         check=True, timeout=30).stdout.split()
    return int(out[0]), out[1]


def click(node):
    action = node.queryAction()
    for i in range(action.nActions):
        if action.getName(i) == "click":
            action.doAction(i)
            return True
    return False


def main():
    plan("console", 16)
    if not os.path.exists(MEMTEST):
        bail("memtest86+ is installed", "no %s" % MEMTEST)
    define_memtest_guest()
    app = application()
    if poll("guest listed", 60, lambda: cell_named(app, BUSY)) is None:
        bail("the guest %s is listed" % BUSY, "no row")
    frame = find(app, roleName="frame", name="Hako")

    # 1. Not running: the Console page says so and offers Run.
    window = open_window(app, frame, BUSY)
    label = poll("not-running page", 15,
                 lambda: find(window, roleName="label", name="“%s” is not running." % BUSY))
    run = find(window, roleName="push button", name="Run")
    if label is None or run is None or not showing(run):
        bail("the Console page of a stopped guest says it is not running, with a Run button",
             "label %r, button %r" % (label, run))
    ok("the Console page of the stopped guest says so and offers Run")
    guide_shot("console-not-running", window)
    click(run)

    # 2. The display shows memtest86+, and changes.
    if poll("display", 60, lambda: display_crop(window, os.path.join(LOGS, "ui-console-a.png"))) is None:
        bail("Run starts the guest and the Console page shows its display", "no display")
    time.sleep(8)  # memtest's screen is up and counting
    first = display_crop(window, os.path.join(LOGS, "ui-console-a.png"))
    if first is None or first[0] < 4:
        bail("the display shows the guest (not a blank area)", "colours: %r" % (first,))
    ok("the display shows the guest: %d colours" % first[0])
    second = poll("a change", 20, lambda: (lambda s: s if s and s[1] != first[1] else None)(
        display_crop(window, os.path.join(LOGS, "ui-console-b.png"))))
    if second is None:
        bail("the display follows the guest's screen", "the picture did not change in 20 s")
    ok("the display follows the guest's screen (the picture changed)")
    screenshot(os.path.join(LOGS, "ui-console-window.png"))
    guide_shot("console", window)

    # 3. The screenshot button is there and enabled while connected.
    shot = find(window, roleName="push button", name="Screenshot…")
    if shot is None or not sensitive(shot):
        bail("Screenshot… is offered while the display is shown", "button %r" % shot)
    ok("Screenshot… is enabled while the display is shown")

    # Screenshot… saves the guest's screen, at its own size, as a PNG where the user says.
    target = os.path.join(IMAGES, "console-shot.png")
    click(shot)
    chooser = poll("file chooser", 15, lambda: find(app, name="Save Screenshot"))
    if chooser is None:
        bail("Screenshot… asks where to save", "no Save Screenshot dialog")
    name_entry = poll("name entry", 10, lambda: next(
        (n for n in find_all(chooser, roleName="text") if n.name in ("Name", "") and showing(n)),
        None))
    if name_entry is None:
        bail("the Save Screenshot dialog has a name field", "no text field")
    if not name_entry.text.endswith(".png"):
        bail("the suggested name is a PNG named after the guest", "it is %r" % name_entry.text)
    name_entry.text = target
    point_at(chooser)
    rawinput.pressKey("Return")

    def saved():
        if not os.path.exists(target):
            return None
        out = subprocess.run(["identify", "-format", "%m %w %h", target], capture_output=True,
                             text=True).stdout.split()
        return out if out and out[0] == "PNG" else None

    info = poll("saved", 15, saved)
    if info is None or int(info[1]) < 640 or int(info[2]) < 350:
        bail("Screenshot… saves the guest's screen as a PNG", "file: %r" % (info,))
    ok("Screenshot… saves the guest's screen as a %sx%s PNG" % (info[1], info[2]))
    usb = find(window, name="USB Devices…")
    if usb is not None and showing(usb):
        bail("a VNC console offers no USB redirection", "USB Devices… is shown")

    # 3b. F11: the guest alone on the screen, with a way out; F11 again: back.
    point_at(window)
    rawinput.pressKey("F11")

    def fullscreen():
        x, y, w, h = window.queryComponent().getExtents(pyatspi.DESKTOP_COORDS)
        leave = find(window, name="Leave Full Screen")
        sidebar = find(window, name="Performance")
        if w >= 1280 and h >= 800 and leave is not None and showing(leave) and \
                (sidebar is None or not showing(sidebar)):
            return True
        return None

    if poll("full screen", 10, fullscreen) is None:
        bail("F11 shows the guest full screen with a Leave Full Screen bar", "extents %r"
             % (window.queryComponent().getExtents(pyatspi.DESKTOP_COORDS),))
    screenshot(os.path.join(LOGS, "ui-console-fullscreen.png"))
    rawinput.pressKey("F11")
    if poll("windowed", 10, lambda: (lambda n: n if n is not None and showing(n) else None)(
            find(window, name="Performance"))) is None:
        bail("F11 again leaves full screen", "no sidebar")
    ok("F11 shows the guest full screen with a Leave Full Screen bar, and F11 leaves it")

    # 4. Destroyed: back to the not-running page.
    virsh("destroy", BUSY)
    if poll("not running again", 30, lambda: find(window, roleName="label", name="“%s” is not running." % BUSY)) is None:
        bail("a destroyed guest's Console page says it is not running", "it does not")
    ok("when the guest is destroyed the page says it is not running")
    point_at(window)
    rawinput.keyCombo("Escape")
    poll("closed", 10, lambda: not showing(window))

    # 5. Send Key > Ctrl+Alt+Del reaches a guest whose BIOS handles the keyboard.
    out = subprocess.run([os.environ["HAKO_TEST_ACPI_GUEST"], "--ignore-acpi", URI, CAD, IMAGES],
                         capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        bail("the keyboard test guest is defined", out.stderr)
    virsh("start", CAD)
    if poll("guest listed", 60, lambda: cell_named(app, CAD)) is None:
        bail("the guest %s is listed" % CAD, "no row")
    window = open_window(app, frame, CAD)
    if poll("display", 60, lambda: display_crop(window, os.path.join(LOGS, "ui-console-cad.png"))) is None:
        bail("the Console page shows the running guest's display", "no display")
    ok("the Console page connects to a guest that was already running")
    time.sleep(3)  # past the BIOS, into the boot sector's loop with interrupts on
    events = subprocess.Popen(["virsh", "-c", URI, "event", "--domain", CAD, "--event", "reboot",
                               "--timeout", "30"], stdout=subprocess.PIPE, text=True)
    time.sleep(1)
    send = find(window, roleName="toggle button", name="Send Key")
    if send is None:
        send = find(window, name="Send Key")
    if send is None:
        bail("the Console page has a Send Key menu", "no Send Key button")
    click(send)
    # A popover menu: its items are model buttons, "push button"s to AT-SPI.
    # (The full-screen bar has a Ctrl+Alt+Del button too, hidden now.)
    item = poll("menu item", 10, lambda: next(
        (n for n in find_all(app, name="Ctrl+Alt+Del") if showing(n)), None))
    if item is None:
        bail("Send Key offers Ctrl+Alt+Del", "no menu item")
    click(item)
    try:
        output, _ = events.communicate(timeout=40)
    except subprocess.TimeoutExpired:
        events.kill()
        output = ""
    if "reboot" not in output:
        bail("Send Key > Ctrl+Alt+Del reaches the guest (it reboots)", "virsh event: %r" % output)
    ok("Send Key > Ctrl+Alt+Del reaches the guest: libvirt reports its reboot")
    diag(output.strip())

    # 5b. Saved and restored: the QEMU process and its display are new; the page follows.
    image = os.path.join(IMAGES, CAD + ".save")
    virsh("save", CAD, image)
    if poll("not running", 30, lambda: find(window, roleName="label",
                                             name="“%s” is not running." % CAD)) is None:
        bail("a saved guest's Console page says it is not running", "it does not")
    virsh("restore", image)
    if poll("display after restore", 60, lambda: display_crop(
            window, os.path.join(LOGS, "ui-console-restored.png"))) is None:
        bail("the Console page shows the guest again once it is restored", "no display")
    ok("a saved guest's console comes back by itself when the guest is restored")
    virsh("destroy", CAD, check=False)
    point_at(window)
    rawinput.keyCombo("Escape")
    poll("closed", 10, lambda: not showing(window))

    # 6. A SPICE display (each of its channels through its own socket from libvirt).
    define_memtest_guest(SPICE, graphics="spice", video="qxl")
    virsh("start", SPICE)
    if poll("guest listed", 60, lambda: cell_named(app, SPICE)) is None:
        bail("the guest %s is listed" % SPICE, "no row")
    window = open_window(app, frame, SPICE)
    if poll("display", 60, lambda: display_crop(window, os.path.join(LOGS, "ui-console-spice-a.png"))) is None:
        bail("the Console page shows a SPICE display", "no display")
    time.sleep(8)
    first = display_crop(window, os.path.join(LOGS, "ui-console-spice-a.png"))
    if first is None or first[0] < 4:
        bail("the SPICE display shows the guest (not a blank area)", "colours: %r" % (first,))
    second = poll("a change", 20, lambda: (lambda s: s if s and s[1] != first[1] else None)(
        display_crop(window, os.path.join(LOGS, "ui-console-spice-b.png"))))
    if second is None:
        bail("the SPICE display follows the guest's screen", "the picture did not change in 20 s")
    ok("a SPICE display shows the guest (%d colours) and follows its screen" % first[0])
    screenshot(os.path.join(LOGS, "ui-console-spice-window.png"))

    # SPICE only: Resize Guest, and USB Devices… (the host's devices, each to give the guest).
    usb = find(window, name="USB Devices…")
    resize = find(window, name="Resize Guest")
    if usb is None or not showing(usb) or resize is None or not showing(resize):
        bail("a SPICE console offers Resize Guest and USB Devices…", "usb %r, resize %r"
             % (usb, resize))
    click(usb)
    dialog = poll("USB dialog", 10, lambda: find(app, roleName="dialog", name="USB Devices"))
    if dialog is None:
        bail("USB Devices… opens the list of the host's USB devices", "no dialog")
    screenshot(os.path.join(LOGS, "ui-console-spice-usb.png"))
    point_at(dialog)
    rawinput.keyCombo("Escape")
    poll("USB dialog closed", 10, lambda: not showing(dialog))
    ok("a SPICE console offers Resize Guest and USB Devices…, which lists the host's devices")
    virsh("destroy", SPICE, check=False)
    point_at(window)
    rawinput.keyCombo("Escape")
    poll("closed", 10, lambda: not showing(window))

    # 7. The serial console, chosen from the Consoles menu: SeaBIOS writes to the serial port.
    define_serial_guest()
    virsh("start", SERIAL)
    if poll("guest listed", 60, lambda: cell_named(app, SERIAL)) is None:
        bail("the guest %s is listed" % SERIAL, "no row")
    window = open_window(app, frame, SERIAL)
    if poll("display", 60, lambda: display_crop(window, os.path.join(LOGS, "ui-console-serial-vnc.png"))) is None:
        bail("the Console page first shows the guest's display", "no display")
    consoles = find(window, name="Consoles")
    if consoles is None or not sensitive(consoles):
        bail("the Consoles menu is offered for a guest with a display and a serial port",
             "button %r" % consoles)
    click(consoles)
    item = poll("Serial Port 1", 10, lambda: (lambda n: n if n is not None and showing(n) else None)(
        find(app, name="Serial Port 1")))
    if item is None:
        bail("Consoles lists Serial Port 1", "no such item")
    click(item)

    def serial_text():
        terminal = find(window, name="Guest text console")
        if terminal is None or not showing(terminal):
            return None
        text = terminal.queryText().getText(0, -1)
        return text if "SeaBIOS" in text else None

    text = poll("serial output", 30, serial_text)
    if text is None:
        bail("Consoles > Serial Port 1 shows the guest's serial output", "no SeaBIOS text")
    ok("Consoles > Serial Port 1 shows the guest's serial output (SeaBIOS)")
    diag(" | ".join(line for line in text.splitlines() if line.strip())[:200])
    screenshot(os.path.join(LOGS, "ui-console-serial.png"))
    guide_shot("console-serial", window)
    virsh("destroy", SERIAL, check=False)

    point_at(window)
    rawinput.keyCombo("Escape")
    poll("closed", 10, lambda: not showing(window))

    # 8. hako --connect URI --show-domain-console GUEST, handed to the running hako.
    r = second_hako("--connect", URI, "--show-domain-console", os.environ["HAKO_TEST_GUEST"])
    title = "%s on QEMU/KVM" % os.environ["HAKO_TEST_GUEST"]
    window = poll("window", 20, lambda: find(app, roleName="frame", name=title))
    if r.returncode != 0 or window is None:
        bail("--show-domain-console opens the guest's console", "exit %d, %r, window %r"
             % (r.returncode, r.stderr, window))
    if poll("console page", 10, lambda: find(window, roleName="label", name="“%s” is not running."
                                             % os.environ["HAKO_TEST_GUEST"])) is None:
        bail("--show-domain-console opens the window on its Console page", "no console page")
    r = second_hako("--show-domain-console", "hako-acpi")
    if r.returncode == 0 or "--connect" not in r.stderr:
        bail("--show-domain-console without --connect is refused", "exit %d, %r"
             % (r.returncode, r.stderr))
    ok("--show-domain-console opens the guest's Console page; without --connect it is refused")
    point_at(window)
    rawinput.keyCombo("Escape")
    poll("closed", 10, lambda: not showing(window))

    quit_with_ctrl_q(app)
    return 0


if __name__ == "__main__":
    sys.exit(main())
