#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Guests in trouble, provoked for real, as the manager window and a guest's window show them:
# a guest that fills its disk on an 8 MiB tmpfs (paused by an I/O error: its row says so and
# the bar names disk vda and "no space", with Resume), a guest that ignores the ACPI shutdown
# request (after HAKO_SHUTDOWN_TIMEOUT seconds the bar says it did not respond, mentions the
# guest agent, and its Force Off asks and stops it), and a guest that panics through pvpanic
# (Crashed, with its log's path; or, with <on_crash>destroy</on_crash>, "Shut off: crashed"
# with Run).
#
# Started by run-ui-test, with hako already running as `hako --connect "$HAKO_TEST_URI"` and
# HAKO_SHUTDOWN_TIMEOUT=3 (tests/ui/meson.build).

import os
import subprocess

from hakoui import (
    LOGS,
    URI,
    application,
    bail,
    cell_named,
    find,
    find_all,
    ok,
    plan,
    poll,
    pyatspi,
    quit_with_ctrl_q,
    screenshot,
    second_hako,
    sensitive,
    showing,
    wait_for_state,
)

HARNESS = os.environ["HAKO_HARNESS"]
IMAGES = os.environ["HAKO_TEST_IMAGES"]
FILL = "hako-fill"
IGNORE = "hako-ignore"
PANIC = "hako-panic"
PANIC_OFF = "hako-panic-off"


def run(*argv):
    out = subprocess.run(list(argv), capture_output=True, text=True, timeout=120)
    if out.returncode != 0:
        bail("%s works" % argv[0], out.stderr)


def virsh(*args):
    run("virsh", "-c", URI, *args)


def select(app, name):
    def check():
        c = cell_named(app, name)
        if not c.getState().contains(pyatspi.STATE_SELECTED):
            itable = c.parent.queryTable()
            if not itable.addRowSelection(itable.getRowAtIndex(c.indexInParent)):
                c.click()
        return c.getState().contains(pyatspi.STATE_SELECTED)

    if not poll("select %s" % name, 20, check):
        bail("%s can be selected" % name, "it stays unselected")


MARKERS = ("was paused because", "crashed", "did not respond")


def trouble_label(parent):
    """The shown label of a "Guest problem" bar under @parent, or None."""
    for label in find_all(parent, roleName="label"):
        try:
            if label.name and any(m in label.name for m in MARKERS) and showing(label):
                return label
        except Exception:  # a page being built: its widgets come and go
            continue
    return None


def trouble_bar(parent):
    """The shown bar under @parent (the label's box's parent), or None."""
    label = trouble_label(parent)
    return label.parent.parent if label is not None else None


def bar_text(parent):
    label = trouble_label(parent)
    return label.name if label is not None else None


def wait_bar(parent, words, description, timeout=30):
    seen = []

    def check():
        label = trouble_label(parent)
        text = label.name if label is not None else None
        if text and (not seen or seen[-1] != text):
            seen.append(text)
        return label.parent.parent if text and all(w in text for w in words) else None

    bar = poll(description, timeout, check)
    if bar is None:
        bail(description, "the bar said %r" % seen)
    ok(description)
    return bar


def bar_button(bar, name):
    return find(bar, roleName="push button", name=name)


def main():
    plan("trouble", 18)
    app = application()
    frame = poll("the manager window", 30, lambda: find(app, roleName="frame", name="Hako"))

    run(os.path.join(HARNESS, "full-disk-guest"), FILL, os.path.join(IMAGES, "full"))
    run(os.environ["HAKO_TEST_ACPI_GUEST"], "--ignore-acpi", URI, IGNORE,
        os.path.join(IMAGES, "ignore"))
    run(os.environ["HAKO_TEST_ACPI_GUEST"], "--panic", URI, PANIC, os.path.join(IMAGES, "panic"))
    for name in (FILL, IGNORE, PANIC):
        if poll("%s listed" % name, 30, lambda: cell_named(app, name)) is None:
            bail("the test guests are listed", "no row for %s" % name)
    ok("the three test guests are listed")

    # 1. A disk full: the guest writes until the tmpfs is full and QEMU pauses it.
    virsh("start", FILL)
    wait_for_state(app, FILL, "Paused: disk error", 60,
                   "a guest paused by a full disk says so in its row")
    select(app, FILL)
    bar = wait_bar(frame, ["was paused because one of its disks failed",
                           "no space left on the storage of disk vda", "grow its pool"],
                   "the manager's bar names the disk and the error, and what to do")
    resume = bar_button(bar, "Resume")
    if resume is None or not showing(resume):
        bail("the bar offers Resume", "no Resume button shown")
    ok("the bar offers Resume")
    screenshot(os.path.join(LOGS, "ui-trouble-disk-full.png"))

    # The guest's own window says the same above its pages.
    r = second_hako("--connect", URI, "--show-domain-console", FILL)
    if r.returncode != 0:
        bail("--show-domain-console opens the guest's window", r.stderr)
    window = poll("the guest's window", 30,
                  lambda: find(app, roleName="frame", name="%s on QEMU/KVM" % FILL))
    if window is None:
        bail("the guest's window opens", "no frame for %s" % FILL)
    wait_bar(window, ["no space left on the storage of disk vda"],
             "the guest's window shows the disk error too")
    virsh("destroy", FILL)
    if not poll("the bar goes", 20, lambda: trouble_bar(window) is None):
        bail("the bar goes away once the guest is off", bar_text(window))
    ok("the bar goes away once the guest is off")

    # 2. A guest that ignores the ACPI shutdown request.
    virsh("start", IGNORE)
    wait_for_state(app, IGNORE, "Running", 30, "the ACPI-ignoring guest runs")
    select(app, IGNORE)
    shut = find(frame, roleName="push button", name="Shut Down")
    if not poll("Shut Down enabled", 10, lambda: sensitive(shut)):
        bail("Shut Down is enabled", "it is not")
    shut.doActionNamed("click")
    # Shut Down asks first (Preferences' confirm-shutdown, on by default), naming the guest.
    alert = poll("shut down question", 10, lambda: find(app, roleName="alert"))
    confirm = alert and find(alert, roleName="push button", name="Shut Down")
    if not confirm or find(alert, roleName="label", name="Shut “%s” down?" % IGNORE) is None:
        bail("Shut Down asks first, naming the guest", "no such question")
    ok("Shut Down asks first, naming the guest")
    confirm.doActionNamed("click")
    wait_for_state(app, IGNORE, "Running: ignored shut down", 30,
                   "after the timeout its row says it ignored the shutdown")
    bar = wait_bar(frame, ["did not respond to the shutdown request", "QEMU guest agent", "ACPI"],
                   "the bar explains and mentions ACPI and the guest agent")
    bar_button(bar, "Force Off").doActionNamed("click")
    alert = poll("confirmation", 10, lambda: find(app, roleName="alert"))
    confirm = alert and find(alert, roleName="push button", name="Force Off")
    if not confirm:
        bail("the bar's Force Off asks first", "no confirmation")
    confirm.doActionNamed("click")
    wait_for_state(app, IGNORE, "Shut off", 30, "the bar's Force Off, confirmed, stops the guest")

    # 3. A guest that panics (pvpanic), kept by <on_crash>preserve</on_crash>.
    virsh("start", PANIC)
    wait_for_state(app, PANIC, "Crashed", 60, "a panicked guest says Crashed in its row")
    select(app, PANIC)
    wait_bar(frame, ["crashed", "/var/log/libvirt/qemu/%s.log" % PANIC, "Force it off"],
             "the bar says it crashed, where its log is, and what to do")
    virsh("destroy", PANIC)

    # 4. The same with <on_crash>destroy</on_crash>: shut off, reason crashed; the fix is Run.
    run("env", "ACPI_GUEST_ON_CRASH=destroy", os.environ["HAKO_TEST_ACPI_GUEST"], "--panic", URI,
        PANIC_OFF, os.path.join(IMAGES, "panic-off"))
    if poll("%s listed" % PANIC_OFF, 30, lambda: cell_named(app, PANIC_OFF)) is None:
        bail("a guest destroyed on a crash is listed", "no row for %s" % PANIC_OFF)
    virsh("start", PANIC_OFF)
    wait_for_state(app, PANIC_OFF, "Shut off: crashed", 60,
                   "a guest shut off by its crash says so in its row")
    select(app, PANIC_OFF)
    bar = wait_bar(frame, ["crashed and was shut off", "Run it again"],
                   "the bar says it crashed and was shut off")
    if not poll("Run in the bar", 10, lambda: showing(bar_button(bar, "Run"))):
        bail("the bar offers Run", "no Run button shown")
    ok("the bar offers Run")

    quit_with_ctrl_q(app)


if __name__ == "__main__":
    main()
