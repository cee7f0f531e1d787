/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoShortcutsWindow: lists every keyboard shortcut of the manager. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define HAKO_TYPE_SHORTCUTS_WINDOW (hako_shortcuts_window_get_type())
G_DECLARE_FINAL_TYPE(
    HakoShortcutsWindow, hako_shortcuts_window, HAKO, SHORTCUTS_WINDOW, GtkShortcutsWindow)

HakoShortcutsWindow *hako_shortcuts_window_new(GtkWindow *parent);

G_END_DECLS
