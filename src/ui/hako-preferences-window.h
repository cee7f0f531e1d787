/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoPreferencesWindow: the preferences, each option bound to a GSettings key. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define HAKO_TYPE_PREFERENCES_WINDOW (hako_preferences_window_get_type())
G_DECLARE_FINAL_TYPE(
    HakoPreferencesWindow, hako_preferences_window, HAKO, PREFERENCES_WINDOW, GtkDialog)

HakoPreferencesWindow *hako_preferences_window_new(GtkWindow *parent, GSettings *settings);

G_END_DECLS
