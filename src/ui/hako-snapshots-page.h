/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoSnapshotsPage: a guest's snapshots as a tree, with Create…, Revert… and Delete…. */
#pragma once

#include "hako-connection-manager.h"
#include "hako-domain.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define HAKO_TYPE_SNAPSHOTS_PAGE (hako_snapshots_page_get_type())
G_DECLARE_FINAL_TYPE(HakoSnapshotsPage, hako_snapshots_page, HAKO, SNAPSHOTS_PAGE, GtkBox)

GtkWidget *hako_snapshots_page_new(HakoConnectionManager *manager, HakoDomain *domain);
void hako_snapshots_page_refresh(HakoSnapshotsPage *self);
gboolean hako_snapshots_page_is_busy(HakoSnapshotsPage *self);

G_END_DECLS
