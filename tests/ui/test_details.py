#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# A guest's settings and devices in its window, against the private libvirtd, through AT-SPI:
#  - the window lists the settings pages (Overview, CPUs, Memory, Boot Options) and one page per
#    device;
#  - a value the configuration refuses (no vCPUs) keeps Apply off and says why;
#  - the memory changed on the Memory page and applied is what `virsh dumpxml` shows, and the
#    parts of the XML Hako knows nothing about (foreign metadata) are still there;
#  - Boot Options' autostart check sets libvirt's autostart;
#  - a CD-ROM page changes the media;
#  - Add Hardware… adds a watchdog (applied at once), and its page removes it;
#  - the XML tab refuses a broken edit, with the parser's words, and the guest is unchanged;
#  - Clone… (the guest's context menu) copies the stopped guest; Delete… removes the copy;
#  - Save to File… saves the running guest into a file, and Restore from File… brings it back;
#  - the Overview page renames the guest.
#
# Started by run-ui-test with hako running as `hako --connect "$HAKO_TEST_URI"`. Prints TAP.

import os
import subprocess
import tempfile

from hakoui import (
    application,
    give_keyboard,
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
    sensitive,
    showing,
)

URI = os.environ["HAKO_TEST_URI"]
GUEST = "hako-details"
RENAMED = "hako-details-renamed"
MEMTEST = "/usr/lib/memtest86+/memtest86+x64.iso"


def virsh(*args, check=True):
    r = subprocess.run(["virsh", "-q", "-c", URI] + list(args), capture_output=True, text=True,
                       timeout=60)
    if check and r.returncode != 0:
        bail("virsh %s" % " ".join(args), r.stderr.strip())
    return r.stdout.strip()


def define_guest():
    xml = """<domain type='qemu'>
  <name>%s</name>
  <metadata>
    <hako-test:note xmlns:hako-test='http://example.org/hako-test'>keep me</hako-test:note>
  </metadata>
  <memory unit='MiB'>64</memory>
  <currentMemory unit='MiB'>64</currentMemory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type><boot dev='cdrom'/></os>
  <devices>
    <disk type='file' device='cdrom'>
      <driver name='qemu' type='raw'/>
      <target dev='hdc' bus='ide'/>
      <readonly/>
    </disk>
    <graphics type='vnc' port='-1' listen='127.0.0.1'/>
    <video><model type='vga'/></video>
  </devices>
</domain>
""" % GUEST
    with tempfile.NamedTemporaryFile("w", suffix=".xml", delete=False) as f:
        f.write(xml)
    virsh("define", f.name)
    os.unlink(f.name)


def labels(window):
    return [n.name.replace("\xa0", " ") for n in find_all(window, roleName="label")
            if n.name and showing(n)]


def labelled(window, text):
    label = next((l for l in find_all(window, roleName="label", name=text) if showing(l)), None)
    if label is None:
        bail("there is a field labelled %r" % text, "no such label on screen")
    for relation in label.getRelationSet():
        if relation.getRelationType() == pyatspi.RELATION_LABEL_FOR:
            return relation.getTarget(0)
    bail("the label %r names its field" % text, "no label-for relation")


def button(window, name):
    return next((b for b in find_all(window, roleName="push button", name=name) if showing(b)),
                None)


def page_names(window):
    """The titles in the window's sidebar (a list item's name, or its label's)."""
    names = []
    for n in find_all(window, roleName="list item"):
        label = find(n, roleName="label")
        names.append(n.name or (label.name if label is not None else ""))
    return names


def open_page(window, title):
    item = poll("page " + title, 20, lambda: next(
        (n for n in find_all(window, roleName="list item")
         if n.name == title or find(n, roleName="label", name=title) is not None), None))
    if item is None:
        bail("the window has a %s page" % title, "sidebar %r" % [
            n.name for n in find_all(window, roleName="list item")])
    item.parent.querySelection().selectChild(item.indexInParent)
    return item


def menu_item(app, frame, guest, name):
    """Selects @guest's row and opens its context menu from the keyboard; the item @name."""
    def select():
        c = cell_named(app, guest)
        if c is None:
            return False
        itable = c.parent.queryTable()
        itable.addRowSelection(itable.getRowAtIndex(c.indexInParent))
        return c.getState().contains(pyatspi.STATE_SELECTED)

    if not poll("select " + guest, 30, select):
        bail("%s is listed" % guest, "no row")
    item = None
    for _ in range(3):
        give_keyboard(frame)
        table = cell_named(app, guest).parent
        table.queryComponent().grabFocus()
        rawinput.keyCombo("<Shift>F10")
        item = poll("menu", 5, lambda: next(
            (i for i in find_all(app, roleName="menu item", name=name) if showing(i) and
             sensitive(i)), None))
        if item is not None:
            return item
        rawinput.keyCombo("Escape")
    bail("the guest's context menu offers %s" % name, "no such item on screen")


def main():
    plan("details", 21)
    define_guest()
    app = application()
    frame = find(app, roleName="frame", name="Hako")

    def select():
        c = cell_named(app, GUEST)
        if c is None:
            return False
        itable = c.parent.queryTable()
        itable.addRowSelection(itable.getRowAtIndex(c.indexInParent))
        return c.getState().contains(pyatspi.STATE_SELECTED)

    if not poll("select", 30, select):
        bail("%s is listed" % GUEST, "no row")
    point_at(frame)
    rawinput.keyCombo("<Control>o")
    title = "%s on QEMU/KVM" % GUEST
    window = poll("window", 15, lambda: find(app, roleName="frame", name=title))
    if window is None:
        bail("Ctrl+O opens the guest's window", "no frame %r" % title)

    # 1. The pages: settings, then one per device.
    for page in ("Overview", "CPUs", "Memory", "Boot Options"):
        open_page(window, page)
    items = page_names(window)
    diag("pages: %r" % items)
    if not any("hdc" in i for i in items) or not any("Video" in i or "video" in i
                                                      for i in items):
        bail("each device has a page", "pages %r" % items)
    open_page(window, "Overview")
    state = poll("state", 10, lambda: next(
        (t for t in labels(window) if t.startswith("Shut off")), None))
    if state is None:
        bail("the Overview says the guest's state", "labels %r" % labels(window))
    ok("the window has the settings pages and one page per device; the Overview says %r"
       % state)
    guide_shot("details-overview", window)

    # 2. No vCPUs is refused: Apply stays off and the page says why.
    open_page(window, "CPUs")
    cpus = labelled(window, "vCPUs:")
    cpus.queryValue().currentValue = 0
    apply = button(window, "Apply")
    if poll("refused", 10, lambda: apply is not None and not sensitive(apply) and any(
            "CPU" in t or "cpu" in t for t in labels(window) if t != "vCPUs:")) is None:
        bail("0 vCPUs is refused, saying why", "Apply %r; labels %r"
             % (apply and sensitive(apply), labels(window)))
    diag(" | ".join(labels(window)))
    cpus.queryValue().currentValue = 1
    ok("a value the configuration refuses keeps Apply off, and the page says why")

    # 2b. 1 vCPU, said in <vcpu current='1'>, is an edit: leaving the page asks (confirm-unapplied-
    # changes), naming the guest. Cancel stays on the page with the edit; Discard drops it.
    if poll("Apply on", 10, lambda: sensitive(button(window, "Apply"))) is None:
        bail("1 vCPU said explicitly is an edit to apply", "labels %r" % labels(window))
    open_page(window, "Memory")
    ask = poll("unapplied question", 10, lambda: find(app, roleName="alert"))
    if ask is None or find(ask, roleName="label",
                           name="Apply your changes to “%s”?" % GUEST) is None:
        bail("leaving a page with edits not applied asks, naming the guest", "no question")
    button(ask, "Cancel").doActionNamed("click")
    if poll("still CPUs", 10, lambda: find(app, roleName="alert") is None and any(
            showing(l) for l in find_all(window, roleName="label", name="vCPUs:")) and
            sensitive(button(window, "Apply"))) is None:
        bail("Cancel stays on the page, with the edit", "labels %r" % labels(window))
    ok("leaving a page with edits asks, naming the guest; Cancel stays on it, edits kept")
    open_page(window, "Memory")
    ask = poll("unapplied question", 10, lambda: find(app, roleName="alert"))
    button(ask, "Discard").doActionNamed("click")
    if poll("on Memory", 10, lambda: find(app, roleName="alert") is None and any(
            showing(l) for l in find_all(window, roleName="label", name="Current memory (MiB):"))
            and not sensitive(button(window, "Apply"))) is None:
        bail("Discard drops the edit and goes to the page", "labels %r" % labels(window))
    if "current=" in virsh("dumpxml", "--inactive", GUEST).split("<vcpu")[1].split(">")[0]:
        bail("Discard leaves the guest as it was", virsh("dumpxml", "--inactive", GUEST))
    ok("Discard drops the edit, leaves the guest as it was, and goes to the page chosen")

    # 3. Memory: 128 MiB at most, 96 MiB given; applied, virsh sees it.
    open_page(window, "Memory")
    labelled(window, "Maximum memory (MiB):").queryValue().currentValue = 128
    labelled(window, "Current memory (MiB):").queryValue().currentValue = 96
    apply = button(window, "Apply")
    if poll("Apply", 10, lambda: apply is not None and sensitive(apply)) is None:
        bail("a memory change can be applied", "labels %r" % labels(window))
    apply.doActionNamed("click")
    if poll("applied", 20, lambda: any(t.startswith("Applied") for t in labels(window))) is None:
        bail("Apply says it is done", "labels %r" % labels(window))
    xml = virsh("dumpxml", "--inactive", GUEST)
    if "<memory unit='KiB'>131072</memory>" not in xml or \
            "<currentMemory unit='KiB'>98304</currentMemory>" not in xml:
        bail("virsh dumpxml shows the new memory", xml)
    ok("the memory applied on the Memory page is in virsh dumpxml (128 MiB, 96 MiB given)")
    guide_shot("details-memory", window)
    if "keep me" not in xml or "http://example.org/hako-test" not in xml:
        bail("what Hako does not know survives an edit", xml)
    ok("the foreign metadata Hako knows nothing about is still there")

    # 3b. Boot Options: "Start when the host starts" sets libvirt's autostart at once.
    open_page(window, "Boot Options")
    check = poll("autostart", 10, lambda: next(
        (c for c in find_all(window, roleName="check box", name="Start when the host starts")
         if showing(c)), None))
    if check is None:
        bail("the Boot Options page offers autostart", "labels %r" % labels(window))
    check.doActionNamed("click")
    if poll("autostart on", 20, lambda: "enable" in virsh("dominfo", GUEST).split(
            "Autostart:")[1].split("\n")[0]) is None:
        bail("the check makes the guest start with its host", virsh("dominfo", GUEST))
    check.doActionNamed("click")
    if poll("autostart off", 20, lambda: "disable" in virsh("dominfo", GUEST).split(
            "Autostart:")[1].split("\n")[0]) is None:
        bail("unchecked, the guest no longer starts with its host", virsh("dominfo", GUEST))
    ok("Boot Options' autostart check turns libvirt's autostart on and off")

    # 4. The CD-ROM's page: new media.
    open_page(window, next(i for i in items if "hdc" in i))
    labelled(window, "Media:").queryEditableText().setTextContents(MEMTEST)
    apply = button(window, "Apply")
    if poll("Apply", 10, lambda: apply is not None and sensitive(apply)) is None:
        bail("new media can be applied", "labels %r" % labels(window))
    apply.doActionNamed("click")
    if poll("media", 20, lambda: MEMTEST in virsh("dumpxml", "--inactive", GUEST)) is None:
        bail("the CD-ROM gets the media", "labels %r" % labels(window))
    ok("the CD-ROM's page puts new media in the drive")

    # 5. Add Hardware…: a watchdog, added and applied at once; then removed from its page.
    add = button(window, "Add Hardware…")
    if add is None:
        bail("the pages offer Add Hardware…", "buttons %r" % [
            b.name for b in find_all(window, roleName="push button") if showing(b)])
    add.doActionNamed("click")
    dialog = poll("dialog", 10, lambda: find(app, roleName="dialog", name="Add Hardware"))
    if dialog is None:
        bail("Add Hardware… opens its dialog", "windows %r" % [c.name for c in app.children])
    open_page(dialog, "Watchdog")
    model = labelled(dialog, "Model:")
    guide_shot("details-add-hardware", dialog)
    diag("watchdog models: %r" % [i.name for i in find_all(model, roleName="menu item")])
    button(dialog, "Add").doActionNamed("click")
    if poll("watchdog", 20, lambda: "<watchdog model='i6300esb'" in virsh(
            "dumpxml", "--inactive", GUEST)) is None:
        bail("the watchdog is added to the guest", "labels %r" % labels(window))
    ok("Add Hardware… adds a watchdog, applied at once")
    page = poll("watchdog page", 20, lambda: next(
        (n for n in page_names(window) if "Watchdog" in n or "watchdog" in n), None))
    if page is None:
        bail("the new device has its page", "pages %r" % page_names(window))
    open_page(window, page)
    # Remove asks first (confirm-remove-device), naming the device and the guest; Cancel keeps it.
    button(window, "Remove").doActionNamed("click")
    ask = poll("remove question", 10, lambda: find(app, roleName="alert"))
    said = ask and next((l.name for l in find_all(ask, roleName="label")
                         if l.name and l.name.startswith("Remove “") and "atchdog" in l.name and
                         l.name.endswith("from “%s”?" % GUEST)), None)
    if not said:
        bail("Remove asks first, naming the device and the guest",
             "labels %r" % (ask and [l.name for l in find_all(ask, roleName="label")]))
    ok("Remove asks first: %s" % said)
    button(ask, "Cancel").doActionNamed("click")
    poll("question gone", 10, lambda: find(app, roleName="alert") is None)
    apply = button(window, "Apply")
    if apply is None or sensitive(apply) or page not in page_names(window):
        bail("Cancel keeps the device", "pages %r" % page_names(window))
    ok("Cancel keeps the device: nothing to apply")
    button(window, "Remove").doActionNamed("click")
    ask = poll("remove question", 10, lambda: find(app, roleName="alert"))
    button(ask, "Remove").doActionNamed("click")
    apply = button(window, "Apply")
    if poll("Apply", 10, lambda: apply is not None and sensitive(apply)) is None:
        apply = button(window, "Apply")
    if apply is None or not sensitive(apply):
        bail("a removal can be applied", "labels %r" % labels(window))
    apply.doActionNamed("click")
    if poll("gone", 20, lambda: "<watchdog" not in virsh("dumpxml", "--inactive", GUEST)) is None:
        bail("Remove and Apply take the watchdog away", "labels %r" % labels(window))
    ok("a device's page removes it (Remove, then Apply)")

    # 6. The XML tab: a broken edit is refused with the parser's words; the guest is unchanged.
    before = virsh("dumpxml", "--inactive", GUEST)
    open_page(window, "XML")
    source = poll("xml text", 20, lambda: next(
        (t for t in find_all(window, roleName="text") if showing(t) and
         "<domain" in t.queryText().getText(0, -1)), None))
    if source is None:
        bail("the XML page shows the guest's XML", "no text with <domain")
    guide_shot("details-xml", window)
    text = source.queryText().getText(0, -1)
    source.queryEditableText().setTextContents(text.replace("</devices>", "</devices", 1))
    review = poll("Apply…", 10, lambda: (lambda b: b if b is not None and sensitive(b) else None)(
        button(window, "Apply…")))
    if review is None:
        bail("an edited XML can be applied", "labels %r" % labels(window))
    review.doActionNamed("click")
    said = poll("refused", 20, lambda: next(
        (t for t in labels(window) if "not well-formed" in t), None))
    if said is None:
        bail("a broken XML edit is refused, saying why", "labels %r" % labels(window))
    diag(said)
    if virsh("dumpxml", "--inactive", GUEST) != before:
        bail("a refused XML edit leaves the guest as it was", "the XML changed")
    ok("the XML tab refuses a broken edit with the parser's words; the guest is unchanged")

    # 7. Clone… (from the guest's context menu, Shift+F10) makes a copy; Delete… removes it.
    point_at(window)
    rawinput.keyCombo("Escape")
    poll("closed", 10, lambda: window.dead or not showing(window))
    clone = menu_item(app, frame, GUEST, "Clone…")
    clone.doActionNamed("click")
    dialog = poll("clone dialog", 10, lambda: find(app, roleName="dialog",
                                                   name="Clone “%s”" % GUEST))
    if dialog is None:
        bail("Clone… opens its dialog", "windows %r" % [c.name for c in app.children])
    name = labelled(dialog, "Name:").queryText().getText(0, -1)
    button(dialog, "Clone").doActionNamed("click")
    if poll("clone", 30, lambda: name in virsh("list", "--all", "--name").split()) is None:
        bail("Clone makes the copy", "guests %r" % virsh("list", "--all", "--name"))
    ok("Clone… copies the stopped guest as %s" % name)
    delete = menu_item(app, frame, name, "Delete…")
    delete.doActionNamed("click")
    dialog = poll("delete dialog", 10, lambda: find(app, roleName="dialog",
                                                    name="Delete “%s”" % name))
    if dialog is None:
        bail("Delete… opens its dialog", "windows %r" % [c.name for c in app.children])
    button(dialog, "Delete").doActionNamed("click")
    confirm = poll("confirmation", 10, lambda: next(
        (d for d in find_all(app, roleName="alert") + find_all(app, roleName="dialog")
         if button(d, "Delete") is not None and d != dialog), None))
    if confirm is not None:
        button(confirm, "Delete").doActionNamed("click")
    if poll("deleted", 30, lambda: name not in virsh("list", "--all", "--name").split()) is None:
        bail("Delete… removes the guest, after asking", "guests %r"
             % virsh("list", "--all", "--name"))
    ok("Delete… asks, then the copy is gone")

    # 8. Save to File… (a running guest, idle in its BIOS) and Restore from File…, the choosers
    #    driven through their fields and buttons only.
    virsh("start", GUEST)
    if poll("running", 30, lambda: virsh("domstate", GUEST) == "running") is None:
        bail("the guest starts", virsh("domstate", GUEST))
    save = menu_item(app, frame, GUEST, "Save to File…")
    save.doActionNamed("click")
    chooser = poll("save chooser", 15, lambda: find(app, name="Save the Guest to a File"))
    entry = chooser and poll("name entry", 10, lambda: next(
        (n for n in find_all(chooser, roleName="text") if n.name in ("Name", "")
         and showing(n)), None))
    if entry is None:
        bail("Save to File… asks where, with a name field", "no chooser or field")
    target = os.path.join(os.environ["HAKO_TEST_DIR"], "%s.save" % GUEST)
    entry.text = target
    find(chooser, roleName="push button", name="Save").doActionNamed("click")
    if poll("saved", 60, lambda: os.path.exists(target) and
            virsh("domstate", GUEST) == "shut off") is None:
        bail("the guest is saved to the file and stops", "state %r, file %s"
             % (virsh("domstate", GUEST), os.path.exists(target)))
    ok("Save to File… saves the running guest into %s" % os.path.basename(target))
    restore = menu_item(app, frame, GUEST, "Restore from File…")
    restore.doActionNamed("click")
    chooser = poll("restore chooser", 15, lambda: find(app, name="Restore a Guest from a File"))
    if chooser is None:
        bail("Restore from File… asks which file", "no chooser")
    cell = poll("file listed", 20, lambda: find(chooser, roleName="table cell",
                                                name=os.path.basename(target)))
    if cell is None:
        bail("the restore chooser opens where the save went", "no %s in its list"
             % os.path.basename(target))
    if cell.parent.roleName == "table cell":
        cell = cell.parent
    table = cell.parent.queryTable()
    table.addRowSelection(table.getRowAtIndex(cell.indexInParent))
    go = find(chooser, roleName="push button", name="Restore")
    if poll("Restore enabled", 10, lambda: sensitive(go)) is None:
        bail("a chosen file can be restored", "Restore stays off")
    go.doActionNamed("click")
    if poll("restored", 60, lambda: virsh("domstate", GUEST) == "running") is None:
        bail("Restore from File… brings the guest back", virsh("domstate", GUEST))
    ok("Restore from File… brings the guest back, running")

    # 8b. A running guest: "Also change the running guest" unticked, the memory changes only
    #     in the definition.
    if not poll("select", 30, select):
        bail("%s is listed" % GUEST, "no row")
    give_keyboard(frame)
    rawinput.keyCombo("<Control>o")
    window = poll("window", 15, lambda: find(app, roleName="frame", name=title))
    if window is None:
        bail("Ctrl+O opens the running guest's window", "no frame %r" % title)
    open_page(window, "Memory")
    live = poll("live check", 20, lambda: next(
        (c for c in find_all(window, roleName="check box",
                             name="Also change the running guest") if showing(c)), None))
    if live is None:
        bail("a running guest's page offers to change it live or not", "labels %r"
             % labels(window))
    live.doActionNamed("click")
    labelled(window, "Current memory (MiB):").queryValue().currentValue = 64
    apply = button(window, "Apply")
    if poll("Apply", 10, lambda: apply is not None and sensitive(apply)) is None:
        bail("the memory change can be applied", "labels %r" % labels(window))
    apply.doActionNamed("click")
    if poll("defined", 20, lambda: "<currentMemory unit='KiB'>65536</currentMemory>" in virsh(
            "dumpxml", "--inactive", GUEST)) is None:
        bail("the definition gets the new memory", "labels %r" % labels(window))
    if "<currentMemory unit='KiB'>65536</currentMemory>" in virsh("dumpxml", GUEST):
        bail("unticked, the running guest keeps its memory", virsh("dumpxml", GUEST))
    ok("unticking 'Also change the running guest' changes only the definition")
    point_at(window)
    rawinput.keyCombo("Escape")
    poll("closed", 10, lambda: window.dead or not showing(window))
    virsh("destroy", GUEST, check=False)

    # 9. Renamed on its Overview page (while it is off).
    if poll("off", 20, lambda: virsh("domstate", GUEST) == "shut off") is None:
        bail("the guest stops", virsh("domstate", GUEST))
    if not poll("select", 30, select):
        bail("%s is listed" % GUEST, "no row")
    give_keyboard(frame)
    rawinput.keyCombo("<Control>o")
    window = poll("window", 15, lambda: find(app, roleName="frame", name=title))
    if window is None:
        bail("Ctrl+O opens the guest's window again", "no frame %r" % title)
    open_page(window, "Overview")
    labelled(window, "Name:").queryEditableText().setTextContents(RENAMED)
    apply = button(window, "Apply")
    if poll("Apply", 10, lambda: apply is not None and sensitive(apply)) is None:
        bail("a new name can be applied", "labels %r" % labels(window))
    apply.doActionNamed("click")
    names = poll("renamed", 20, lambda: (lambda n: n if RENAMED in n and GUEST not in n else None)(
        virsh("list", "--all", "--name").split()))
    if names is None:
        bail("the guest is renamed", "guests %r" % virsh("list", "--all", "--name"))
    ok("the Overview page renames the guest (%s)" % RENAMED)
    virsh("undefine", RENAMED, check=False)

    virsh("undefine", GUEST, check=False)
    quit_with_ctrl_q(app)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
