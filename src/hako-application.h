/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoApplication: the single-instance manager application, its actions and command line. */
#pragma once

#include "hako-connection-manager.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define HAKO_TYPE_APPLICATION (hako_application_get_type())
G_DECLARE_FINAL_TYPE(HakoApplication, hako_application, HAKO, APPLICATION, GtkApplication)

HakoApplication *hako_application_new(void);
HakoConnectionManager *hako_application_get_manager(HakoApplication *self);
GSettings *hako_application_get_settings(HakoApplication *self);

G_END_DECLS
