/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoHostWindow: one window per connection, with its details and usage graphs. */
#pragma once

#include "hako-connection-manager.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define HAKO_TYPE_HOST_WINDOW (hako_host_window_get_type())
G_DECLARE_FINAL_TYPE(HakoHostWindow, hako_host_window, HAKO, HOST_WINDOW, GtkApplicationWindow)

void hako_host_window_present(GtkWindow *parent,
                              HakoConnectionManager *manager,
                              HakoHost *host,
                              GSettings *settings);
HakoHostWindow *hako_host_window_lookup(HakoHost *host);
HakoHost *hako_host_window_get_host(HakoHostWindow *self);

G_END_DECLS
