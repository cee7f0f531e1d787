#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# The Storage page of Connection Details, against a directory pool of the private libvirtd:
#  - the pool is listed, with its type and state;
#  - New Volume…'s wizard refuses a size it cannot read, saying why, and creates a qcow2 volume
#    that is then listed with its size (and is really there, as virsh sees it); a second volume
#    starts from the first, chosen as its backing store with the storage browser; the New
#    Virtual Machine wizard's storage browser lists the volume too, and takes it as a disk;
#  - Resize… grows the volume, and refuses to shrink it until told so; Clone… copies it under a
#    new name; both are listed with their sizes;
#  - Delete Volume… asks first, then the volume is gone;
#  - Add Pool… opens the Create Pool wizard, which makes a directory pool (built, started).
#
# Started by run-ui-test with hako running as `hako --connect "$HAKO_TEST_URI"`. Prints TAP.

import os
import subprocess

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
POOL_DIR = os.path.join(os.environ["HAKO_TEST_DIR"], "ui-pool")
POOL = "hako-ui-pool"
VOLUME = "hako-ui-vol.qcow2"
RAW = "hako-ui-raw.img"
CLONE = "hako-ui-vol-clone.qcow2"
TOP = "hako-ui-top.qcow2"
NEW_POOL = "hako-ui-wizard-pool"
NEW_POOL_DIR = os.path.join(os.environ["HAKO_TEST_DIR"], "ui-wizard-pool", "images")


def virsh(*args):
    r = subprocess.run(["virsh", "-q", "-c", URI] + list(args), capture_output=True, text=True,
                       timeout=60)
    if r.returncode != 0:
        bail("virsh %s" % " ".join(args), r.stderr.strip())
    return r.stdout.strip()


def select_cell(table_owner, name):
    cell = find(table_owner, roleName="table cell", name=name)
    if cell is None:
        return None
    table = cell.parent.queryTable()
    table.addRowSelection(table.getRowAtIndex(cell.indexInParent))
    return cell


def row_texts(view, name):
    """The texts of the row of @view whose first cell is @name."""
    table = view.queryTable()
    for row in range(table.nRows):
        cells = [table.getAccessibleAt(row, c) for c in range(table.nColumns)]
        if cells and cells[0].name == name:
            # Sizes are written with a no-break space: "16.0 MiB".
            return [c.name.replace("\xa0", " ") for c in cells]
    return None


def labels(window):
    return [n.name.replace("\xa0", " ") for n in find_all(window, roleName="label") if n.name]


def labelled(window, text):
    """The field the label @text names (its label-for relation, as a screen reader sees it)."""
    label = find(window, roleName="label", name=text)
    if label is None:
        bail("there is a field labelled %r" % text, "no such label")
    for relation in label.getRelationSet():
        if relation.getRelationType() == pyatspi.RELATION_LABEL_FOR:
            return relation.getTarget(0)
    bail("the label %r names its field" % text, "no label-for relation")


def open_volume_wizard(app):
    wizard = poll("wizard", 10, lambda: next(
        (w for w in app.children if w.name == "Name and Size"), None))
    if wizard is None:
        bail("New Volume… opens the Create Volume wizard", "windows %r"
             % [c.name for c in app.children])
    return wizard


def click(window, name):
    button = find(window, roleName="push button", name=name)
    if button is None:
        bail("the %s button is there" % name, "no such button")
    button.doActionNamed("click")
    return button


def main():
    plan("storage", 15)
    os.makedirs(POOL_DIR, exist_ok=True)
    virsh("pool-define-as", POOL, "dir", "--target", POOL_DIR)
    virsh("pool-start", POOL)
    app = application()

    second_hako("--connect", URI, "--show-host-summary")
    window = poll("host window", 20, lambda: find(app, roleName="frame",
                                                  name="Connection Details — QEMU/KVM"))
    if window is None:
        bail("Connection Details opens", "no window")
    page = poll("Storage page", 10, lambda: find(window, roleName="list item", name="Storage"))
    if page is None:
        page = poll("Storage page", 10, lambda: next(
            (n for n in find_all(window, roleName="list item")
             if find(n, roleName="label", name="Storage")), None))
    if page is None:
        bail("Connection Details has a Storage page", "no Storage item in its sidebar")
    page.parent.querySelection().selectChild(page.indexInParent)
    pools = poll("pools", 20, lambda: (lambda v: v if v and showing(v) else None)(
        find(window, name="Storage pools")))
    if pools is None or poll("pool listed", 20, lambda: row_texts(pools, POOL)) is None:
        bail("the Storage page lists the pool", "no row %s" % POOL)
    texts = row_texts(pools, POOL)
    diag("pool row: %r" % texts)
    if "Directory" not in " ".join(texts) and "dir" not in " ".join(texts).lower():
        bail("the pool's type is shown", "row %r" % texts)
    ok("the Storage page lists the directory pool, with its type and state")

    select_cell(pools, POOL)
    volumes = find(window, name="Volumes")
    new = poll("New Volume enabled", 10, lambda: (lambda b: b if b and sensitive(b) else None)(
        find(window, roleName="push button", name="New Volume…")))
    if new is None or volumes is None:
        bail("a running pool offers New Volume…", "button %r, volume list %r" % (new, volumes))
    new.doActionNamed("click")
    wizard = open_volume_wizard(app)
    name, capacity = labelled(wizard, "Name:"), labelled(wizard, "Capacity:")
    name.queryEditableText().setTextContents(VOLUME)
    capacity.queryEditableText().setTextContents("lots")
    nxt = find(wizard, roleName="push button", name="Next")

    def refused():
        return not sensitive(nxt) and any("lots" in text for text in labels(wizard))

    if poll("refused", 10, refused) is None:
        bail("a size the wizard cannot read is refused, saying why",
             "Next sensitive: %s; labels %r" % (sensitive(nxt), labels(wizard)))
    ok("the Create Volume wizard refuses a size it cannot read, and says why")

    capacity.queryEditableText().setTextContents("16 MiB")
    guide_shot("host-create-volume", wizard)
    if poll("accepted", 10, lambda: sensitive(nxt)) is None:
        bail("a valid volume enables Next", "Next stays off")
    nxt.doActionNamed("click")
    apply = poll("Apply", 10, lambda: (lambda b: b if b and showing(b) and sensitive(b) else None)(
        find(wizard, roleName="push button", name="Apply")))
    if apply is None or not any("16.0 MiB in the pool" in t for t in labels(wizard)):
        bail("the last page sums up the volume and can be applied",
             "Apply %r; labels %r" % (apply, labels(wizard)))
    apply.doActionNamed("click")
    if poll("wizard closes", 30, lambda: wizard.dead or not showing(wizard)) is None:
        bail("Apply makes the volume and closes the wizard", "it stays; labels %r"
             % labels(wizard))
    row = poll("volume listed", 20, lambda: row_texts(volumes, VOLUME))
    if row is None or "16.0 MiB" not in row:
        bail("the new volume is listed with its size", "row %r" % (row,))
    diag("volume row: %r" % row)
    ok("the new volume is listed with its size (%s) and format" % row[1])
    guide_shot("host-storage", window)
    info = virsh("vol-info", "--pool", POOL, VOLUME)
    if "16.00 MiB" not in info:
        bail("the volume really is there, 16 MiB", "virsh vol-info: %r" % info)
    ok("virsh sees the volume, 16 MiB")

    # The New Virtual Machine wizard's storage browser shows the new volume: importing it as a
    # guest's disk, Browse… lists it with its size, and choosing it fills in its path.
    second_hako("--connect", URI, "--show-domain-creator")
    creator = poll("creator", 20, lambda: next(
        (w for w in app.children if w.name == "Install Method" and showing(w)), None))
    if creator is None:
        bail("--show-domain-creator opens the wizard", "windows %r" % [c.name for c in app.children])
    find(creator, roleName="radio button", name="Import an existing disk image").doActionNamed(
        "click")
    nxt = find(creator, roleName="push button", name="Next")
    if poll("Next", 30, lambda: sensitive(nxt) and showing(nxt)) is None:
        bail("the wizard reads the host", "Next stays off; labels %r" % labels(creator))
    nxt.doActionNamed("click")
    creator = poll("source page", 20, lambda: next(
        (w for w in app.children if w.name == "Install Source" and showing(w)), None))
    browse = next((b for b in find_all(creator, roleName="push button", name="Browse…")
                   if showing(b)), None)
    if browse is None:
        bail("importing a disk offers Browse…", "buttons %r" % [
            b.name for b in find_all(creator, roleName="push button") if showing(b)])
    browse.doActionNamed("click")
    browser = poll("browser", 10, lambda: find(app, roleName="dialog",
                                               name="Choose Storage on QEMU/KVM"))
    if browser is None:
        bail("Browse… opens the storage browser", "windows %r" % [c.name for c in app.children])
    poll("pool in browser", 20, lambda: select_cell(browser, POOL))
    listed = poll("volume in browser", 20, lambda: row_texts(
        find(browser, name="Volumes"), VOLUME))
    if listed is None or "16.0 MiB" not in listed:
        bail("the create wizard's storage browser lists the new volume with its size",
             "row %r" % (listed,))
    select_cell(browser, VOLUME)
    find(browser, roleName="push button", name="Choose Volume").doActionNamed("click")
    disk = labelled(creator, "Disk image:")
    if poll("path", 10, lambda: disk.queryText().getText(0, -1) ==
            os.path.join(POOL_DIR, VOLUME)) is None:
        bail("the chosen volume becomes the disk to import", "the field says %r"
             % disk.queryText().getText(0, -1))
    ok("the create wizard's storage browser shows the new volume (%s), and takes it" % listed[1])
    find(creator, roleName="push button", name="Cancel").doActionNamed("click")
    poll("creator closed", 10, lambda: creator.dead or not showing(creator))

    # A second volume on top of the first: its backing store chosen with the storage browser.
    new.doActionNamed("click")
    wizard = open_volume_wizard(app)
    labelled(wizard, "Name:").queryEditableText().setTextContents(TOP)
    labelled(wizard, "Capacity:").queryEditableText().setTextContents("16 MiB")
    nxt = find(wizard, roleName="push button", name="Next")
    if poll("Next", 10, lambda: sensitive(nxt)) is None:
        bail("a valid volume enables Next", "Next stays off")
    nxt.doActionNamed("click")
    browse = poll("Browse", 10, lambda: (lambda b: b if b and showing(b) else None)(
        find(wizard, roleName="push button", name="Browse…")))
    if browse is None:
        bail("the backing store page offers Browse…", "no button")
    browse.doActionNamed("click")
    browser = poll("browser", 10, lambda: find(app, roleName="dialog",
                                               name="Choose Storage on QEMU/KVM"))
    if browser is None:
        bail("Browse… opens the storage browser", "windows %r" % [c.name for c in app.children])
    poll("pool in browser", 20, lambda: select_cell(browser, POOL))
    if poll("volume in browser", 20, lambda: select_cell(browser, VOLUME)) is None:
        bail("the storage browser lists the pool's volumes", "no %s" % VOLUME)
    choose = poll("Choose", 10, lambda: (lambda b: b if b and sensitive(b) else None)(
        find(browser, roleName="push button", name="Choose Volume")))
    if choose is None:
        bail("a chosen volume can be taken", "Choose Volume stays off")
    choose.doActionNamed("click")
    backing = labelled(wizard, "Backing store:")
    base_path = os.path.join(POOL_DIR, VOLUME)
    if poll("backing set", 10, lambda: backing.queryText().getText(0, -1) == base_path) is None:
        bail("the chosen volume becomes the backing store", "the field says %r"
             % backing.queryText().getText(0, -1))
    apply = poll("Apply", 10, lambda: (lambda b: b if b and showing(b) and sensitive(b) else None)(
        find(wizard, roleName="push button", name="Apply")))
    if apply is None:
        bail("a volume with a backing store can be applied", "labels %r" % labels(wizard))
    apply.doActionNamed("click")
    if poll("wizard closes", 30, lambda: wizard.dead or not showing(wizard)) is None:
        bail("Apply makes the volume and closes the wizard", "labels %r" % labels(wizard))
    xml = virsh("vol-dumpxml", "--pool", POOL, TOP)
    if base_path not in xml or "<format type='qcow2'/>" not in xml.split("<backingStore>")[-1]:
        bail("the new volume starts from the chosen one, a qcow2 image", xml)
    ok("a volume's backing store can be chosen with the storage browser (%s)" % base_path)
    virsh("vol-delete", "--pool", POOL, TOP)

    # Resize…: a smaller size is refused until the shrink box is ticked; a larger one is applied.
    select_cell(volumes, VOLUME)
    resize = poll("Resize enabled", 10, lambda: (lambda b: b if b and sensitive(b) else None)(
        find(window, roleName="push button", name="Resize…")))
    if resize is None:
        bail("a chosen volume can be resized", "Resize… stays off")
    resize.doActionNamed("click")
    dialog = poll("resize dialog", 10, lambda: find(app, roleName="dialog",
                                                    name="Resize “%s”" % VOLUME))
    if dialog is None:
        bail("Resize… opens its dialog", "no dialog")
    size = find(dialog, roleName="text", name="New capacity:")
    apply = find(dialog, roleName="push button", name="Resize")
    size.queryEditableText().setTextContents("8 MiB")

    def shrink_refused():
        labels = [n.name for n in find_all(dialog, roleName="label") if n.name]
        return not sensitive(apply) and any("shrinking" in text for text in labels)

    if poll("shrink refused", 10, shrink_refused) is None:
        bail("shrinking needs an explicit yes", "Resize sensitive: %s" % sensitive(apply))
    size.queryEditableText().setTextContents("32 MiB")
    if poll("grow accepted", 10, lambda: sensitive(apply)) is None:
        bail("a larger size is accepted", "Resize stays off")
    apply.doActionNamed("click")
    if poll("resize dialog closes", 30, lambda: dialog.dead or not showing(dialog)) is None:
        bail("Resize changes the volume and closes", "the dialog stays")
    row = poll("resized", 20, lambda: (lambda r: r if r and "32.0 MiB" in r else None)(
        row_texts(volumes, VOLUME)))
    if row is None or "32.00 MiB" not in virsh("vol-info", "--pool", POOL, VOLUME):
        bail("the resized volume is listed at 32 MiB", "row %r" % (row_texts(volumes, VOLUME),))
    ok("Resize… refuses to shrink without a yes, and grows the volume to 32 MiB")

    # Clone…: a copy under the name offered, listed with the same size.
    select_cell(volumes, VOLUME)
    click(window, "Clone…")
    dialog = poll("clone dialog", 10, lambda: find(app, roleName="dialog",
                                                   name="Clone “%s”" % VOLUME))
    if dialog is None:
        bail("Clone… opens its dialog", "no dialog")
    name = find(dialog, roleName="text", name="Name of the copy:")
    if name is None or name.queryText().getText(0, -1) != CLONE:
        bail("Clone… offers a name for the copy", "field %r" % (name and name.queryText().getText(0, -1)))
    find(dialog, roleName="push button", name="Clone").doActionNamed("click")
    if poll("clone dialog closes", 60, lambda: dialog.dead or not showing(dialog)) is None:
        bail("Clone copies the volume and closes", "the dialog stays")
    row = poll("clone listed", 20, lambda: row_texts(volumes, CLONE))
    if row is None or "32.0 MiB" not in row or CLONE not in virsh("vol-list", POOL):
        bail("the clone is listed with its size", "row %r" % (row,))
    ok("Clone… copies the volume: %s is listed, %s" % (CLONE, row[1]))
    virsh("vol-delete", "--pool", POOL, CLONE)

    # Wipe…: asks first, then the volume holds zeros only.
    local = os.path.join(os.environ["HAKO_TEST_DIR"], "ui-wipe.bin")
    with open(local, "wb") as f:
        f.write(os.urandom(1024 * 1024))
    virsh("vol-create-as", POOL, RAW, "1M", "--format", "raw")
    virsh("vol-upload", "--pool", POOL, RAW, local)
    click(window, "Refresh")
    if poll("raw listed", 20, lambda: row_texts(volumes, RAW)) is None:
        bail("Refresh lists a volume made outside hako", "no row %s" % RAW)
    select_cell(volumes, RAW)
    wipe = poll("Wipe enabled", 10, lambda: (lambda b: b if b and sensitive(b) else None)(
        find(window, roleName="push button", name="Wipe…")))
    if wipe is None:
        bail("a chosen volume can be wiped", "Wipe… stays off")
    wipe.doActionNamed("click")
    question = poll("wipe question", 10, lambda: next(
        (d for d in find_all(app, roleName="alert") + find_all(app, roleName="dialog")
         if find(d, roleName="push button", name="Wipe")), None))
    if question is None:
        bail("Wipe… asks first", "no question")
    find(question, roleName="push button", name="Wipe").doActionNamed("click")

    def zeros():
        virsh("vol-download", "--pool", POOL, RAW, local)
        with open(local, "rb") as f:
            content = f.read()
        return len(content) == 1024 * 1024 and content.count(0) == len(content)

    if poll("wiped", 30, zeros) is None:
        bail("Wipe… leaves only zeros in the volume", "the data is still there")
    ok("Wipe… asks first, then the volume holds only zeros")
    # Download… then Upload…: the volume into a local file, a local file into the volume, byte
    # for byte. The choosers are driven through their fields and buttons only: keys typed into
    # a GTK file chooser without a window manager upset it.
    data = os.urandom(1024 * 1024)
    with open(local, "wb") as f:
        f.write(data)
    virsh("vol-upload", "--pool", POOL, RAW, local)
    select_cell(volumes, RAW)
    click(window, "Download…")
    chooser = poll("download chooser", 15, lambda: find(app, name="Download “%s”" % RAW))
    entry = chooser and poll("name entry", 10, lambda: next(
        (n for n in find_all(chooser, roleName="text") if n.name in ("Name", "")
         and showing(n)), None))
    if entry is None:
        bail("Download… asks where to save, with a name field", "no chooser or field")
    back = os.path.join(os.environ["HAKO_TEST_DIR"], "ui-download.bin")
    entry.text = back
    find(chooser, roleName="push button", name="Download").doActionNamed("click")

    def finished(title, words):
        progress = find(app, name=title)
        if progress is None:
            return None
        labels = [n.name for n in find_all(progress, roleName="label") if n.name]
        return progress if any(words in text for text in labels) else None

    progress = poll("downloaded", 60, lambda: finished("Downloading “%s”" % RAW, "is saved in"))
    if progress is None:
        bail("Download… saves the volume and says where", "no such message")
    find(progress, roleName="push button", name="Close").doActionNamed("click")
    with open(back, "rb") as f:
        if f.read() != data:
            bail("the downloaded file holds the volume's bytes", "it differs")
    ok("Download… saves the volume into a local file, byte for byte")

    upload_data = os.urandom(1024 * 1024)
    upload_file = os.path.join(os.environ["HAKO_TEST_DIR"], "ui-upload.bin")
    with open(upload_file, "wb") as f:
        f.write(upload_data)
    select_cell(volumes, RAW)
    click(window, "Upload…")
    chooser = poll("upload chooser", 15, lambda: find(app, name="Upload into “%s”" % RAW))
    if chooser is None:
        bail("Upload… asks which file", "no file chooser")
    # It opens where the download went; the file is picked in its list.
    cell = poll("file listed", 20, lambda: find(chooser, roleName="table cell",
                                                name="ui-upload.bin"))
    if cell is None:
        bail("the upload chooser opens where the last transfer went",
             "no ui-upload.bin in its list")
    # The file's name is one part of a cell that also holds its icon.
    if cell.parent.roleName == "table cell":
        cell = cell.parent
    table = cell.parent.queryTable()
    table.addRowSelection(table.getRowAtIndex(cell.indexInParent))
    button = find(chooser, roleName="push button", name="Upload")
    if poll("Upload enabled", 10, lambda: sensitive(button)) is None:
        bail("a chosen file can be uploaded", "Upload stays off")
    button.doActionNamed("click")
    progress = poll("uploaded", 60, lambda: finished("Uploading to “%s”" % RAW,
                                                     "is now in the volume"))
    if progress is None:
        bail("Upload… copies the file into the volume and says so", "no such message")
    find(progress, roleName="push button", name="Close").doActionNamed("click")
    virsh("vol-download", "--pool", POOL, RAW, local)
    with open(local, "rb") as f:
        if f.read() != upload_data:
            bail("the volume holds the uploaded bytes", "virsh vol-download differs")
    ok("Upload… copies a local file into the volume, byte for byte")
    virsh("vol-delete", "--pool", POOL, RAW)

    select_cell(volumes, VOLUME)
    delete = poll("Delete enabled", 10, lambda: (lambda b: b if b and sensitive(b) else None)(
        find(window, roleName="push button", name="Delete Volume…")))
    if delete is None:
        bail("a chosen volume can be deleted", "Delete Volume… stays off")
    delete.doActionNamed("click")
    question = poll("question", 10, lambda: find(app, roleName="alert") or next(
        (d for d in find_all(app, roleName="dialog") if find(d, roleName="push button",
                                                              name="Delete")), None))
    if question is None:
        bail("Delete Volume… asks first", "no question; windows: %r" % [
            (c.roleName, c.name) for c in app.children])
    find(question, roleName="push button", name="Delete").doActionNamed("click")
    if poll("gone", 20, lambda: row_texts(volumes, VOLUME) is None) is None:
        bail("the deleted volume leaves the list", "it is still listed")
    if VOLUME in virsh("vol-list", POOL):
        bail("the volume is deleted", "virsh still lists it")
    ok("Delete Volume… asks first, then the volume is gone")

    # Add Pool…: the Create Pool wizard makes a directory pool, building its directory.
    add = poll("Add Pool enabled", 10, lambda: (lambda b: b if b and sensitive(b) else None)(
        find(window, roleName="push button", name="Add Pool…")))
    if add is None:
        bail("Add Pool… is offered", "the button is off or missing")
    add.doActionNamed("click")
    wizard = poll("wizard", 10, lambda: next(
        (w for w in app.children if w.name == "Name and Type"), None))
    if wizard is None:
        bail("Add Pool… opens the Create Pool wizard", "windows %r" % [c.name for c in app.children])
    fields = {e.name: e for e in find_all(wizard, roleName="text") if showing(e)}
    if "Name:" not in fields or "Target path:" not in fields:
        bail("a directory pool asks for a name and a target path", "fields %r" % list(fields))
    if "Host:" in fields or "Source device:" in fields:
        bail("a directory pool hides the other types' fields", "fields %r" % list(fields))
    fields["Name:"].queryEditableText().setTextContents(NEW_POOL)
    fields["Target path:"].queryEditableText().setTextContents("images")

    def says(text):
        return any(text in (n.name or "") for n in find_all(wizard, roleName="label"))

    nxt = find(wizard, roleName="push button", name="Next")
    if poll("relative refused", 10, lambda: not sensitive(nxt)) is None:
        bail("a relative target path is refused", "Next stays on")
    fields["Target path:"].queryEditableText().setTextContents(NEW_POOL_DIR)
    if poll("Next enabled", 10, lambda: sensitive(nxt)) is None:
        bail("a valid pool enables Next", "Next stays off; labels %r" % [
            n.name for n in find_all(wizard, roleName="label") if n.name])
    nxt.doActionNamed("click")
    build = poll("build box", 10, lambda: (lambda b: b if b and showing(b) else None)(
        find(wizard, roleName="check box", name="Build: make the pool’s directory if it is missing")))
    if build is None:
        bail("a directory pool offers to build its directory", "no Build box")
    apply = poll("Apply", 10, lambda: (lambda b: b if b and showing(b) and sensitive(b) else None)(
        find(wizard, roleName="push button", name="Apply")))
    if apply is None:
        bail("the last page can be applied", "no Apply")
    apply.doActionNamed("click")
    if poll("wizard closes", 60, lambda: wizard.dead or not showing(wizard)) is None:
        bail("the wizard creates the pool and closes", "it stays")
    row = poll("new pool listed", 20, lambda: row_texts(pools, NEW_POOL))
    if row is None or not os.path.isdir(NEW_POOL_DIR) or "running" not in virsh(
            "pool-info", NEW_POOL).lower():
        bail("the new pool is listed, running, its directory made", "row %r" % (row,))
    ok("the Create Pool wizard makes a directory pool, builds its directory and starts it")

    virsh("pool-destroy", NEW_POOL)
    virsh("pool-undefine", NEW_POOL)
    virsh("pool-destroy", POOL)
    virsh("pool-undefine", POOL)
    quit_with_ctrl_q(app)


if __name__ == "__main__":
    main()
