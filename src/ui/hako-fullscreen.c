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

        if (monitor == NULL)
            monitor = gdk_display_get_monitor(display, 0);
        hako_window_cover_given_monitor(window, monitor, saved);
    } else if (saved->width > 0) {
        gtk_window_move(window, saved->x, saved->y);
        gtk_window_resize(window, saved->width, saved->height);
    }
}

/**
 * hako_window_cover_given_monitor:
 * @monitor: (nullable): the monitor to cover; %NULL leaves the window where it is
 * @saved: (nullable): where to keep the window's place, for hako_window_cover_monitor()
 *   with %FALSE to put it back
 *
 * Full screen by hand on a monitor of the caller's choice (a guest's second display on the
 * second monitor).
 */
void
hako_window_cover_given_monitor(GtkWindow *window, GdkMonitor *monitor, GdkRectangle *saved)
{
    GdkRectangle area;

    g_return_if_fail(GTK_IS_WINDOW(window));
    if (monitor == NULL)
        return;
    gdk_monitor_get_geometry(monitor, &area);
    if (saved != NULL) {
        gtk_window_get_position(window, &saved->x, &saved->y);
        gtk_window_get_size(window, &saved->width, &saved->height);
    }
    gtk_window_move(window, area.x, area.y);
    gtk_window_resize(window, area.width, area.height);
}

/**
 * hako_display_get_nth_monitor:
 * @nth: counted from 0
 *
 * The monitors in the order a guest's displays go on them, as virt-viewer puts display N on
 * monitor N: the primary monitor first (where a single display always went), then the others
 * in GDK's order.
 *
 * Returns: (transfer none) (nullable): the monitor, or %NULL when there are not that many
 */
GdkMonitor *
hako_display_get_nth_monitor(GdkDisplay *display, guint nth)
{
    GdkMonitor *primary;
    int n;

    g_return_val_if_fail(GDK_IS_DISPLAY(display), NULL);
    n = gdk_display_get_n_monitors(display);
    primary = gdk_display_get_primary_monitor(display);
    if (primary == NULL && n > 0)
        primary = gdk_display_get_monitor(display, 0);
    if (nth == 0)
        return primary;
    for (int i = 0; i < n; i++) {
        GdkMonitor *monitor = gdk_display_get_monitor(display, i);

        if (monitor != primary && --nth == 0)
            return monitor;
    }
    return NULL;
}

/* GDK's number of @monitor, as gtk_window_fullscreen_on_monitor() takes it; -1 if none. */
int
hako_display_get_monitor_number(GdkDisplay *display, GdkMonitor *monitor)
{
    g_return_val_if_fail(GDK_IS_DISPLAY(display), -1);
    for (int i = 0; i < gdk_display_get_n_monitors(display); i++)
        if (gdk_display_get_monitor(display, i) == monitor)
            return i;
    return -1;
}
