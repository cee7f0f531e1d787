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

/* The zoom range of virt-viewer's --zoom. */
#define HAKO_CONSOLE_PAGE_ZOOM_MIN 10
#define HAKO_CONSOLE_PAGE_ZOOM_MAX 400

GtkWidget *
hako_console_page_new(HakoConnectionManager *manager, HakoDomain *domain, GSettings *settings);
GtkWidget *hako_console_page_new_for_endpoint(const HakoGraphicsEndpoint *endpoint,
                                              const char *name);
GActionGroup *hako_console_page_get_actions(HakoConsolePage *self);
void hako_console_page_set_toolbar_visible(HakoConsolePage *self, gboolean visible);
void hako_console_page_set_fullscreen(HakoConsolePage *self, gboolean fullscreen);
const char *hako_console_page_get_status(HakoConsolePage *self);
const char *hako_console_page_get_error_message(HakoConsolePage *self);
void hako_console_page_set_zoom(HakoConsolePage *self, int zoom);
int hako_console_page_get_zoom(HakoConsolePage *self);
HakoConsole *hako_console_page_get_console(HakoConsolePage *self);
gboolean hako_console_page_has_console_focus(HakoConsolePage *self);
void hako_console_page_set_kiosk(HakoConsolePage *self, gboolean kiosk);

G_END_DECLS
