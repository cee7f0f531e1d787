/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoDetailsWindow: one window per guest, with its pages (for now, its performance graphs). */
#pragma once

#include "hako-connection-manager.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define HAKO_TYPE_DETAILS_WINDOW (hako_details_window_get_type())
G_DECLARE_FINAL_TYPE(
    HakoDetailsWindow, hako_details_window, HAKO, DETAILS_WINDOW, GtkApplicationWindow)

void hako_details_window_present(GtkWindow *parent,
                                 HakoConnectionManager *manager,
                                 HakoDomain *domain,
                                 GSettings *settings);
HakoDetailsWindow *hako_details_window_lookup(HakoDomain *domain);
HakoDomain *hako_details_window_get_domain(HakoDetailsWindow *self);
void hako_details_window_show_page(HakoDetailsWindow *self, const char *page);

G_END_DECLS
