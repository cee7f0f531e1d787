/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoTroubleBar: an info bar that says what went wrong with a guest and offers the fix. */
#pragma once

#include "hako-connection-manager.h"
#include "hako-domain.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define HAKO_TYPE_TROUBLE_BAR (hako_trouble_bar_get_type())
G_DECLARE_FINAL_TYPE(HakoTroubleBar, hako_trouble_bar, HAKO, TROUBLE_BAR, GtkInfoBar)

GtkWidget *hako_trouble_bar_new(HakoConnectionManager *manager);
void hako_trouble_bar_set_domain(HakoTroubleBar *self, HakoDomain *domain);
HakoDomain *hako_trouble_bar_get_domain(HakoTroubleBar *self);
void hako_trouble_bar_show_error(HakoTroubleBar *self, const char *message);

G_END_DECLS
