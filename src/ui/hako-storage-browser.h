/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoStorageBrowser: a dialog to choose a volume of a host's pools, or a local file. */
#pragma once

#include "hako-connection-manager.h"
#include "hako-host.h"
#include "hako-storage-page.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define HAKO_TYPE_STORAGE_BROWSER (hako_storage_browser_get_type())
G_DECLARE_FINAL_TYPE(HakoStorageBrowser, hako_storage_browser, HAKO, STORAGE_BROWSER, GtkDialog)

GtkWidget *
hako_storage_browser_new(GtkWindow *parent, HakoConnectionManager *manager, HakoHost *host);
HakoStoragePage *hako_storage_browser_get_page(HakoStorageBrowser *self);

G_END_DECLS
