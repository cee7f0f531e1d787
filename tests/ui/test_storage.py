#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# The Storage page of Connection Details, against a directory pool of the private libvirtd:
#  - the pool is listed, with its type and state;
#  - New Volume… refuses a size it cannot read, saying why, and creates a qcow2 volume that is
#    then listed with its size (and is really there, as virsh sees it);
#  - Delete Volume… asks first, then the volume is gone.
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


def click(window, name):
    button = find(window, roleName="push button", name=name)
    if button is None:
        bail("the %s button is there" % name, "no such button")
    button.doActionNamed("click")
    return button


def main():
    plan("storage", 7)
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
    dialog = poll("dialog", 10, lambda: find(app, roleName="dialog",
                                             name="New Volume in “%s”" % POOL))
    if dialog is None:
        bail("New Volume… opens its dialog", "no dialog")
    entries = {e.name: e for e in find_all(dialog, roleName="text")}
    for field in ("Name:", "Capacity:"):
        if field not in entries:
            bail("the dialog has a %s field" % field, "fields %r" % list(entries))
    entries["Name:"].queryEditableText().setTextContents(VOLUME)
    entries["Capacity:"].queryEditableText().setTextContents("lots")
    create = find(dialog, roleName="push button", name="Create")

    def refused():
        labels = [n.name for n in find_all(dialog, roleName="label") if n.name]
        return not sensitive(create) and any("lots" in text for text in labels)

    if poll("refused", 10, refused) is None:
        bail("a size the dialog cannot read is refused, saying why",
             "Create sensitive: %s; labels %r" % (sensitive(create), [
                 n.name for n in find_all(dialog, roleName="label") if n.name]))
    ok("a size the dialog cannot read disables Create, and the dialog says why")

    entries["Capacity:"].queryEditableText().setTextContents("16 MiB")
    if poll("accepted", 10, lambda: sensitive(create)) is None:
        bail("a valid volume enables Create", "Create stays off")
    create.doActionNamed("click")
    if poll("dialog closes", 30, lambda: dialog.dead or not showing(dialog)) is None:
        bail("Create makes the volume and closes the dialog", "the dialog stays")
    row = poll("volume listed", 20, lambda: row_texts(volumes, VOLUME))
    if row is None or "16.0 MiB" not in row:
        bail("the new volume is listed with its size", "row %r" % (row,))
    diag("volume row: %r" % row)
    ok("the new volume is listed with its size (%s) and format" % row[1])
    info = virsh("vol-info", "--pool", POOL, VOLUME)
    if "16.00 MiB" not in info:
        bail("the volume really is there, 16 MiB", "virsh vol-info: %r" % info)
    ok("virsh sees the volume, 16 MiB")

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

    virsh("pool-destroy", POOL)
    virsh("pool-undefine", POOL)
    quit_with_ctrl_q(app)


if __name__ == "__main__":
    main()
