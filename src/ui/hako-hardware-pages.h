/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoHardwarePages: a guest's settings and devices as pages of its window, edited in place. */
#pragma once

#include "hako-connection-manager.h"
#include "hako-domain.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define HAKO_TYPE_HARDWARE_PAGES (hako_hardware_pages_get_type())
G_DECLARE_FINAL_TYPE(HakoHardwarePages, hako_hardware_pages, HAKO, HARDWARE_PAGES, GObject)

HakoHardwarePages *hako_hardware_pages_new(GtkStack *stack,
                                           HakoConnectionManager *manager,
                                           HakoDomain *domain,
                                           GSettings *settings);
void hako_hardware_pages_reload(HakoHardwarePages *self);
gboolean hako_hardware_pages_ask_before_closing(HakoHardwarePages *self);

G_END_DECLS
