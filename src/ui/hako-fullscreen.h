/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Full screen with or without a window manager, for the guest window and hako-viewer. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

gboolean hako_window_manager_does_fullscreen(GtkWidget *widget);
void hako_window_cover_monitor(GtkWindow *window, gboolean cover, GdkRectangle *saved);
void hako_window_cover_given_monitor(GtkWindow *window, GdkMonitor *monitor, GdkRectangle *saved);
GdkMonitor *hako_display_get_nth_monitor(GdkDisplay *display, guint nth);
int hako_display_get_monitor_number(GdkDisplay *display, GdkMonitor *monitor);

G_END_DECLS
