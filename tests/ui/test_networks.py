#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# The Virtual Networks page of Connection Details and the Create Network wizard, against a
# private libvirtd inside a network namespace of the test's own (run-ui-test --netns):
#  - a network made with virsh is listed; the wizard's default IPv4 network avoids it;
#  - the wizard refuses its subnet and bridge, saying which network has them, and a bad name;
#  - a Finish that libvirt refuses (a bridge name the host's interface has) keeps the wizard
#    open, says why, and leaves nothing behind;
#  - an isolated network with a DHCP range is created, listed and running (as virsh sees it);
#  - the autostart check turns autostart off; Stop stops it;
#  - Delete… asks first, naming the guest that uses it, then it is gone.
#
# Started by run-ui-test with hako running as `hako --connect "$HAKO_TEST_URI"`. Prints TAP.

import os
import subprocess
import tempfile

from hakoui import (
    application,
    bail,
    diag,
    find,
    find_all,
    guide_shot,
    ok,
    plan,
    poll,
    pyatspi,
    quit_with_ctrl_q,
    second_hako,
    sensitive,
    showing,
)

URI = os.environ["HAKO_TEST_URI"]
GUEST = os.environ["HAKO_TEST_GUEST"]
CLASH = "hako-clash"
NETWORK = "hako-ui-net"
TAKEN_BRIDGE = "hktaken0"  # a bridge of the namespace that no network of libvirt has
CLASH_XML = """<network>
  <name>%s</name>
  <bridge name='hkclash0'/>
  <ip address='192.168.100.1' prefix='24'/>
</network>
""" % CLASH


def virsh(*args):
    r = subprocess.run(["virsh", "-q", "-c", URI] + list(args), capture_output=True, text=True,
                       timeout=60)
    if r.returncode != 0:
        bail("virsh %s" % " ".join(args), r.stderr.strip())
    return r.stdout.strip()


def row_texts(view, name):
    """The texts of the row of @view whose first cell is @name."""
    table = view.queryTable()
    for row in range(table.nRows):
        cells = [table.getAccessibleAt(row, c) for c in range(table.nColumns)]
        if cells and cells[0].name == name:
            return [c.name for c in cells]
    return None


def select_row(view, name):
    table = view.queryTable()
    for row in range(table.nRows):
        if table.getAccessibleAt(row, 0).name == name:
            table.addRowSelection(row)
            return True
    return False


def button(parent, name):
    return find(parent, roleName="push button", name=name)


def enabled_button(parent, name, timeout=10):
    b = poll("%s enabled" % name, timeout, lambda: (lambda x: x if x and sensitive(x) else None)(
        button(parent, name)))
    if b is None:
        bail("%s can be clicked" % name, "the button is missing or off")
    return b


def labels(node):
    return [n.name for n in find_all(node, roleName="label") if n.name]


def main():
    plan("networks", 12)
    if not os.environ.get("HAKO_TEST_NETNS"):
        bail("the private libvirtd runs in a network namespace", "HAKO_TEST_NETNS is not set")
    with tempfile.NamedTemporaryFile("w", suffix=".xml") as f:
        f.write(CLASH_XML)
        f.flush()
        virsh("net-define", f.name)
    virsh("net-start", CLASH)
    subprocess.run(["ip", "-n", os.environ["HAKO_TEST_NETNS"], "link", "add", TAKEN_BRIDGE,
                    "type", "bridge"], check=True, timeout=30)
    app = application()

    second_hako("--connect", URI, "--show-host-summary")
    window = poll("host window", 20, lambda: find(app, roleName="frame",
                                                  name="Connection Details — QEMU/KVM"))
    if window is None:
        bail("Connection Details opens", "no window")
    page = poll("Virtual Networks page", 10, lambda: find(window, roleName="list item",
                                                          name="Virtual Networks") or next(
        (n for n in find_all(window, roleName="list item")
         if find(n, roleName="label", name="Virtual Networks")), None))
    if page is None:
        bail("Connection Details has a Virtual Networks page", "no such item in its sidebar")
    page.parent.querySelection().selectChild(page.indexInParent)
    view = poll("network list", 20, lambda: (lambda v: v if v and showing(v) else None)(
        find(window, name="Virtual networks")))
    if view is None or poll("clash listed", 20, lambda: row_texts(view, CLASH)) is None:
        bail("the page lists the network made with virsh", "no row %s" % CLASH)
    pane = view.parent.parent.parent  # the page's list, buttons and details, not other pages'
    texts = row_texts(view, CLASH)
    diag("row: %r" % texts)
    if texts[1:] != ["Running", "No", "Isolated", "192.168.100.0/24"]:
        bail("the row shows state, autostart, mode and IPv4 network", "row %r" % texts)
    ok("the page lists the network made with virsh, running, isolated, with its IPv4 network")

    enabled_button(pane, "Add Network…").doActionNamed("click")
    wizard = poll("wizard", 10, lambda: find(app, roleName="dialog",
                                             name="Create a Virtual Network"))
    if wizard is None:
        bail("Add Network… opens the wizard", "no dialog")

    class Fields:
        """The fields of the wizard's page on show (a GtkStack shows only that one)."""

        def __getitem__(self, name):
            found = poll(name, 10, lambda: next(
                (e for e in find_all(wizard, roleName="text") if e.name == name), None))
            if found is None:
                bail("the wizard has a %s field" % name, "fields %r" % [
                    e.name for e in find_all(wizard, roleName="text")])
            return found

    entries = Fields()
    forward = button(wizard, "Forward")
    if sensitive(forward):
        bail("the wizard waits for a name", "Forward is on with no name")
    entries["Name:"].queryEditableText().setTextContents("bad name!")
    if poll("bad name refused", 10, lambda: not sensitive(forward) and any(
            "not a valid network name" in t for t in labels(wizard))) is None:
        bail("a bad name is refused with the reason", "labels %r" % labels(wizard))
    entries["Name:"].queryEditableText().setTextContents(NETWORK)
    entries["Bridge:"].queryEditableText().setTextContents("hkclash0")
    if poll("bridge clash refused", 10, lambda: not sensitive(forward) and any(
            "hkclash0" in t and CLASH in t for t in labels(wizard))) is None:
        bail("a bridge another network uses is refused, naming it", "labels %r" % labels(wizard))
    # Not a network's: only libvirt finds it taken, when Finish starts the network.
    entries["Bridge:"].queryEditableText().setTextContents(TAKEN_BRIDGE)
    combo = next((c for c in find_all(wizard, roleName="combo box")
                  if find(c, roleName="menu item", name="Isolated")), None)
    if combo is None:
        bail("the wizard offers the modes", "no combo box with Isolated")
    items = [i.name for i in find_all(combo, roleName="menu item")]
    if items != ["NAT", "Routed", "Isolated", "Open"]:
        bail("the modes are NAT, routed, isolated and open", "items %r" % items)
    combo.querySelection().selectChild(items.index("Isolated"))
    # The combo box is named after its label; what it shows is its selected item.
    if poll("isolated", 10, lambda: not sensitive(entries["Forward device:"])) is None:
        bail("an isolated network has no forward device", "the field stays on")
    enabled_button(wizard, "Forward").doActionNamed("click")
    ok("a bad name and %s's bridge are refused with the reason; isolated has no forward device"
       % CLASH)

    ipv4 = entries["IPv4 network:"].queryText().getText(0, -1)
    start = entries["DHCP start:"].queryText().getText(0, -1)
    end = entries["DHCP end:"].queryText().getText(0, -1)
    if (ipv4, start, end) != ("192.168.101.0/24", "192.168.101.128", "192.168.101.254"):
        bail("the default network is a free one, its range the upper half",
             "%r %r %r" % (ipv4, start, end))
    ok("the wizard offers 192.168.101.0/24 (not %s's) with DHCP from .128 to .254" % CLASH)
    guide_shot("host-create-network", wizard)

    entries["IPv4 network:"].queryEditableText().setTextContents("192.168.100.0/24")

    def clash_refused():
        return not sensitive(forward) and any(
            "overlaps" in t and CLASH in t for t in labels(wizard))

    if poll("clash refused", 10, clash_refused) is None:
        bail("a subnet another network uses is refused, naming it",
             "Forward on: %s; labels %r" % (sensitive(forward), labels(wizard)))
    ok("192.168.100.0/24 is refused: the wizard says it overlaps %s" % CLASH)

    entries["IPv4 network:"].queryEditableText().setTextContents("10.77.0.0/24")
    if poll("range follows", 10, lambda: entries["DHCP start:"].queryText().getText(0, -1) ==
            "10.77.0.128") is None:
        bail("the DHCP range follows the network", "start %r" %
             entries["DHCP start:"].queryText().getText(0, -1))
    entries["DHCP start:"].queryEditableText().setTextContents("10.77.0.100")
    entries["DHCP end:"].queryEditableText().setTextContents("10.77.0.199")
    enabled_button(wizard, "Forward").doActionNamed("click")
    entries["DNS domain:"].queryEditableText().setTextContents("lab.test")
    enabled_button(wizard, "Finish").doActionNamed("click")

    def failed():
        return sensitive(button(wizard, "Finish")) and any(
            TAKEN_BRIDGE in t for t in labels(wizard) if "Name the" not in t)

    if poll("failure shown", 60, failed) is None or not showing(wizard):
        bail("a failed Finish keeps the wizard open and says why", "labels %r" % labels(wizard))
    diag("failure: %r" % [t for t in labels(wizard) if TAKEN_BRIDGE in t])
    if NETWORK in virsh("net-list", "--all", "--name").split():
        bail("a failed creation leaves nothing behind", "virsh lists %s" % NETWORK)
    ok("Finish with a bridge the host already has fails, says why, keeps the wizard open")

    enabled_button(wizard, "Back").doActionNamed("click")
    enabled_button(wizard, "Back").doActionNamed("click")
    entries["Bridge:"].queryEditableText().setTextContents("")
    enabled_button(wizard, "Forward").doActionNamed("click")
    enabled_button(wizard, "Forward").doActionNamed("click")
    enabled_button(wizard, "Finish").doActionNamed("click")
    if poll("wizard closes", 60, lambda: wizard.dead or not showing(wizard)) is None:
        bail("Finish creates the network and closes the wizard", "labels %r" % labels(wizard))
    row = poll("new network running", 20, lambda: (lambda r: r if r and r[1] == "Running"
                                                    else None)(row_texts(view, NETWORK)))
    if row is None:
        bail("the new network is listed, running", "row %r" % (row_texts(view, NETWORK),))
    diag("row: %r" % row)
    if row[3:] != ["Isolated", "10.77.0.0/24"]:
        bail("the new network is isolated, on 10.77.0.0/24", "row %r" % row)
    ok("the new network is listed, running, isolated, on 10.77.0.0/24")
    guide_shot("host-networks", window)

    info = virsh("net-info", NETWORK)
    xml = virsh("net-dumpxml", NETWORK)
    if "Active:         yes" not in info or "<forward" in xml or \
            "<range start='10.77.0.100' end='10.77.0.199'" not in xml or \
            "<domain name='lab.test'" not in xml:
        bail("virsh sees it running, isolated, with its range and domain", info + "\n" + xml)
    select_row(view, NETWORK)
    if poll("details", 10, lambda: any("10.77.0.100" in t for t in labels(pane))) is None:
        bail("the details show the DHCP range", "labels %r" % labels(pane))
    ok("virsh sees it running, isolated, with the range and DNS domain; the details show them")

    check = find(pane, roleName="check box", name="Start the network when the host starts")
    if check is None or not check.getState().contains(pyatspi.STATE_CHECKED):
        bail("the autostart check shows the new network's autostart", "check %r" % check)
    check.doActionNamed("click")
    if poll("autostart off", 20, lambda: (row_texts(view, NETWORK) or [None] * 3)[2] ==
            "No") is None:
        bail("the autostart check turns autostart off", "row %r" % (row_texts(view, NETWORK),))
    if "Autostart:      no" not in virsh("net-info", NETWORK):
        bail("virsh sees autostart off", virsh("net-info", NETWORK))
    ok("the autostart check turns the network's autostart off")

    enabled_button(pane, "Stop").doActionNamed("click")
    if poll("stopped", 20, lambda: (row_texts(view, NETWORK) or [None, None])[1] ==
            "Stopped") is None:
        bail("Stop stops the network", "row %r" % (row_texts(view, NETWORK),))
    if "Active:         no" not in virsh("net-info", NETWORK):
        bail("virsh sees it stopped", virsh("net-info", NETWORK))
    ok("Stop stops the network")

    virsh("attach-interface", GUEST, "network", NETWORK, "--config")
    select_row(view, NETWORK)
    enabled_button(pane, "Delete…").doActionNamed("click")
    question = poll("question", 20, lambda: find(app, roleName="alert") or next(
        (d for d in find_all(app, roleName="dialog") if button(d, "Delete")), None))
    if question is None:
        bail("Delete… asks first", "no question")
    if not any(GUEST in t for t in labels(question)):
        bail("the question names the guest that uses the network", "labels %r" %
             labels(question))
    button(question, "Delete").doActionNamed("click")
    if poll("gone", 20, lambda: row_texts(view, NETWORK) is None) is None:
        bail("the deleted network leaves the list", "it is still listed")
    if NETWORK in virsh("net-list", "--all", "--name").split():
        bail("the network is deleted", "virsh still lists it")
    ok("Delete… asks first, naming %s, then the network is gone" % GUEST)

    virsh("detach-interface", GUEST, "network", "--config")
    virsh("net-destroy", CLASH)
    virsh("net-undefine", CLASH)
    quit_with_ctrl_q(app)


if __name__ == "__main__":
    main()
