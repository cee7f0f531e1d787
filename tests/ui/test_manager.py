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
    find_all,
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
    state_text,
    wait_for_state,
)

SCREENSHOT = os.path.join(LOGS, "ui-manager.png")

BROKEN_XML = """<domain type='qemu'>
  <name>hako-broken</name>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw'/>
      <source file='/nonexistent/hako-missing-disk.img'/>
      <target dev='vda' bus='virtio'/>
    </disk>
  </devices>
</domain>
"""


def main():
    plan("manager", 22)
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

    def select(name=GUEST):
        c = cell_named(app, name)
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

    # Pause asks first (confirm-pause), naming the guest; Cancel leaves it running. "Do not ask
    # again" clears the key: the next Pause does not ask, and Preferences shows the box off.
    def question(title):
        ask = poll("question", 10, lambda: find(app, roleName="alert"))
        if ask is None or find(ask, roleName="label", name=title) is None:
            bail("the action asks %r first" % title, "no such question")
        return ask

    def shown_button(name):
        return poll(name, 10, lambda: next((b for b in find_all(
            app, roleName="push button", name=name) if showing(b) and sensitive(b)), None))

    pause.doActionNamed("click")
    ask = question("Pause “%s”?" % GUEST)
    find(ask, roleName="push button", name="Cancel").doActionNamed("click")
    poll("question gone", 10, lambda: find(app, roleName="alert") is None)
    if state_text(app, GUEST) != "Running":
        bail("Cancel leaves the guest running", "it says %r" % state_text(app, GUEST))
    ok("Pause asks first, naming the guest; Cancel leaves it running")
    pause.doActionNamed("click")
    ask = question("Pause “%s”?" % GUEST)
    find(ask, roleName="check box", name="Do not ask again").doActionNamed("click")
    find(ask, roleName="push button", name="Pause").doActionNamed("click")
    wait_for_state(app, GUEST, "Paused", 20, "confirming Pause pauses the guest")
    shown_button("Resume").doActionNamed("click")
    wait_for_state(app, GUEST, "Running", 20, "Resume runs it again, without asking")
    shown_button("Pause").doActionNamed("click")
    wait_for_state(app, GUEST, "Paused", 20, "after Do not ask again, Pause does not ask")
    shown_button("Resume").doActionNamed("click")
    wait_for_state(app, GUEST, "Running", 20, "and Resume runs it again")

    point_at(find(app, roleName="frame", name="Hako"))
    rawinput.keyCombo("<Control>comma")
    prefs = poll("Preferences", 10, lambda: find(app, roleName="dialog", name="Preferences"))
    box = prefs and find(prefs, roleName="check box", name="Ask before pausing a guest")
    if box is None or box.getState().contains(pyatspi.STATE_CHECKED):
        bail("Preferences shows Pause's question off", "box %r" % box)
    box.doActionNamed("click")
    if poll("ticked", 10, lambda: box.getState().contains(pyatspi.STATE_CHECKED)) is None:
        bail("the box turns the question back on", "it stays unticked")
    point_at(prefs)
    rawinput.keyCombo("Escape")
    poll("Preferences closes", 10, lambda: find(app, roleName="dialog", name="Preferences") is None)
    ok("Preferences shows Pause's question off after Do not ask again, and turns it back on")
    shown_button("Pause").doActionNamed("click")
    ask = question("Pause “%s”?" % GUEST)
    find(ask, roleName="push button", name="Cancel").doActionNamed("click")
    ok("ticked again, Pause asks again")

    # Shut Down (confirm-shutdown) asks too; Cancel leaves the guest running.
    shown_button("Shut Down").doActionNamed("click")
    ask = question("Shut “%s” down?" % GUEST)
    find(ask, roleName="push button", name="Cancel").doActionNamed("click")
    poll("question gone", 10, lambda: find(app, roleName="alert") is None)
    if state_text(app, GUEST) != "Running":
        bail("Cancel leaves the guest running", "it says %r" % state_text(app, GUEST))
    ok("Shut Down asks first, naming the guest; Cancel leaves it running")

    # Force Off from the keyboard asks first; confirming it stops the guest.
    point_at(find(app, roleName="frame", name="Hako"))
    rawinput.keyCombo("<Control><Shift>d")
    force = poll("confirmation", 10, lambda: find(app, roleName="push button", name="Force Off"))
    if force is None:
        bail("Force Off asks first", "no Force Off button in a confirmation")
    if state_text(app, GUEST) != "Running":
        bail("Force Off asks first", "the guest already says %r" % state_text(app, GUEST))
    ok("Ctrl+Shift+D (Force Off) asks before it stops the guest")
    force.doActionNamed("click")
    wait_for_state(app, GUEST, "Shut off", 20, "confirming Force Off stops the guest")

    run.doActionNamed("click")
    wait_for_state(app, GUEST, "Running", 20, "Run starts it again")

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

    # A guest whose disk is missing: Run fails, and libvirt's reason shows in the window.
    xml = os.path.join(os.environ["HAKO_TEST_DIR"], "hako-broken.xml")
    with open(xml, "w") as f:
        f.write(BROKEN_XML)
    subprocess.run(["virsh", "-c", URI, "define", xml], check=True, stdout=subprocess.DEVNULL, timeout=60)
    if poll("broken guest listed", 20, lambda: cell_named(app, "hako-broken")) is None:
        bail("a guest defined outside Hako appears", "no row named hako-broken")
    if not poll("select the broken guest", 20, lambda: select("hako-broken")):
        bail("the broken guest can be selected", "Run sensitive: %s" % sensitive(run))
    run.doActionNamed("click")

    def error_bar():
        for label in find_all(app, roleName="label"):
            if label.name and "hako-missing-disk" in label.name and showing(label):
                return label.name
        return None

    message = poll("error bar", 30, error_bar)
    if message is None:
        bail("a failed Run shows libvirt's message in the window", "no visible label names the disk")
    diag("error bar: " + message)
    ok("a failed Run shows libvirt's message in the window's error bar")
    if state_text(app, "hako-broken") != "Shut off":
        bail("the guest that failed to start stays Shut off", "it says %r" % state_text(app, "hako-broken"))
    ok("the guest that failed to start stays Shut off")

    quit_with_ctrl_q(app)
    return 0


if __name__ == "__main__":
    sys.exit(main())
