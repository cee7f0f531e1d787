/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoStoragePage: a host's storage pools and their volumes, in its Connection Details. */
#pragma once

#include "hako-connection-manager.h"
#include "hako-host.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define HAKO_TYPE_STORAGE_PAGE (hako_storage_page_get_type())
G_DECLARE_FINAL_TYPE(HakoStoragePage, hako_storage_page, HAKO, STORAGE_PAGE, GtkBox)

GtkWidget *hako_storage_page_new(HakoConnectionManager *manager, HakoHost *host);
void hako_storage_page_refresh(HakoStoragePage *self);
const char *hako_storage_page_get_chosen_path(HakoStoragePage *self);
void hako_storage_page_select(HakoStoragePage *self, const char *pool, const char *volume);

/* Opens the Create Pool wizard for @host; returns its window, not yet shown. */
typedef GtkWidget *(*HakoCreatePoolFunc)(GtkWindow *parent,
                                         HakoConnectionManager *manager,
                                         HakoHost *host);
void hako_storage_page_set_create_pool_func(HakoCreatePoolFunc func);
typedef GtkWidget *(*HakoCreateVolumeFunc)(GtkWindow *parent,
                                           HakoConnectionManager *manager,
                                           HakoHost *host,
                                           const char *pool,
                                           guint64 available);
void hako_storage_page_set_create_volume_func(HakoCreateVolumeFunc func);

G_END_DECLS
