/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoHostStore: a GtkTreeStore mirroring the hosts and their guests, one object per row. */
#pragma once

#include "hako-domain.h"
#include "hako-host.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* The only column: the HakoHost (top-level rows) or HakoDomain (their children). */
enum { HAKO_HOST_STORE_COLUMN_OBJECT, HAKO_HOST_STORE_N_COLUMNS };

/* A change of at least this many rows is announced by "batch-begin" and "batch-end". */
#define HAKO_HOST_STORE_BATCH_ROWS 64

#define HAKO_TYPE_HOST_STORE (hako_host_store_get_type())
G_DECLARE_FINAL_TYPE(HakoHostStore, hako_host_store, HAKO, HOST_STORE, GtkTreeStore)

HakoHostStore *hako_host_store_new(GListModel *hosts);
GListModel *hako_host_store_get_hosts(HakoHostStore *self);
gboolean hako_host_store_get_iter_for(HakoHostStore *self, gpointer object, GtkTreeIter *iter);
GObject *hako_host_store_get_object(GtkTreeModel *model, GtkTreeIter *iter);

G_END_DECLS
