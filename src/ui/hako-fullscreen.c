/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "hako-fullscreen.h"

#ifdef GDK_WINDOWING_X11
#include <gdk/gdkx.h>
#endif

/**
 * hako_window_manager_does_fullscreen:
 *
 * Whether a window manager will make @widget's window full screen when asked. There may be
 * none: a bare X server on a thin client, or a test's Xvfb.
 */
gboolean
hako_window_manager_does_fullscreen(GtkWidget *widget)
{
#ifdef GDK_WINDOWING_X11
    GdkScreen *screen = gtk_widget_get_screen(widget);

    if (GDK_IS_X11_SCREEN(screen))
        return gdk_x11_screen_supports_net_wm_hint(
            screen, gdk_atom_intern_static_string("_NET_WM_STATE_FULLSCREEN"));
#endif
    return TRUE;
}

/**
 * hako_window_cover_monitor:
 * @cover: %TRUE to cover the window's monitor, %FALSE to put it back
 * @saved: where the window was before, kept here between the two calls
 *
 * Full screen by hand, without a window manager.
 */
void
hako_window_cover_monitor(GtkWindow *window, gboolean cover, GdkRectangle *saved)
{
    g_return_if_fail(GTK_IS_WINDOW(window));
    g_return_if_fail(saved != NULL);

    if (cover) {
        GdkDisplay *display = gtk_widget_get_display(GTK_WIDGET(window));
        GdkWindow *gdk_window = gtk_widget_get_window(GTK_WIDGET(window));
        GdkMonitor *monitor = gdk_window != NULL
                                  ? gdk_display_get_monitor_at_window(display, gdk_window)
                                  : gdk_display_get_primary_monitor(display);
        GdkRectangle area = {0, 0, 0, 0};

        if (monitor == NULL)
            monitor = gdk_display_get_monitor(display, 0);
        if (monitor != NULL)
            gdk_monitor_get_geometry(monitor, &area);
        gtk_window_get_position(window, &saved->x, &saved->y);
        gtk_window_get_size(window, &saved->width, &saved->height);
        gtk_window_move(window, area.x, area.y);
        gtk_window_resize(window, area.width, area.height);
    } else if (saved->width > 0) {
        gtk_window_move(window, saved->x, saved->y);
        gtk_window_resize(window, saved->width, saved->height);
    }
}
