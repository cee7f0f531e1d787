/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoConsolePage: the Console page of a guest's window: its display, or why there is none. */
#pragma once

#include "hako-connection-manager.h"
#include "hako-console.h"
#include "hako-domain.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define HAKO_TYPE_CONSOLE_PAGE (hako_console_page_get_type())
G_DECLARE_FINAL_TYPE(HakoConsolePage, hako_console_page, HAKO, CONSOLE_PAGE, GtkBox)

GtkWidget *
hako_console_page_new(HakoConnectionManager *manager, HakoDomain *domain, GSettings *settings);
HakoConsole *hako_console_page_get_console(HakoConsolePage *self);
gboolean hako_console_page_has_console_focus(HakoConsolePage *self);

G_END_DECLS
