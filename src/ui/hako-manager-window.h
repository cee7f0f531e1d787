/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoManagerWindow: the main window, listing hosts and their guests with lifecycle actions. */
#pragma once

#include "hako-connection-manager.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define HAKO_TYPE_MANAGER_WINDOW (hako_manager_window_get_type())
G_DECLARE_FINAL_TYPE(
    HakoManagerWindow, hako_manager_window, HAKO, MANAGER_WINDOW, GtkApplicationWindow)

HakoManagerWindow *hako_manager_window_new(GtkApplication *application,
                                           HakoConnectionManager *manager,
                                           GSettings *settings);
void hako_manager_window_show_error(HakoManagerWindow *self, const char *message);
void hako_manager_window_select_host(HakoManagerWindow *self, HakoHost *host);

/* Set once by the wizards layer: opens the migrate wizard for a guest. */
typedef GtkWidget *(*HakoMigrateFunc)(GtkWindow *parent,
                                      HakoConnectionManager *manager,
                                      HakoDomain *domain);
void hako_manager_window_set_migrate_func(HakoMigrateFunc func);

GdkPixbuf *hako_manager_window_get_thumbnail(HakoManagerWindow *self, HakoDomain *domain);

G_END_DECLS
