/* SPDX-License-Identifier: GPL-3.0-or-later */
/* How long the manager window takes to show N guests of a new host, and the
 * longest main-loop stall meanwhile: the engine's listing plus the window's
 * rows (tree store, search filter, sort, tree view), drawn on a real display.
 *
 * Usage: bench-ui-list [N...]   (default 100 1000 5000; needs a display, e.g.
 * xvfb-run -a build/bench/bench-ui-list; GSETTINGS_SCHEMA_DIR=build/data and
 * GSETTINGS_BACKEND=memory keep it away from the user's settings) */
#include "config.h"

#include "bench-util.h"
#include "hako-connection-manager.h"
#include "hako-engine.h"
#include "hako-manager-window.h"
#include "hako-test-util.h"
#include "hako-ui.h"

#include <glib/gstdio.h>
#include <stdlib.h>

static void
bench(GtkApplication *app, GSettings *settings, const char *dir, guint n)
{
    g_autofree char *path = hako_bench_write_testdriver(dir, n, TRUE);
    g_autofree char *uri = g_strdup_printf("test://%s", path);
    g_autoptr(HakoConnectionManager) manager = hako_connection_manager_new(NULL);
    HakoManagerWindow *window = hako_manager_window_new(app, manager, settings);
    HakoGapMonitor *gap;
    gint64 max_gap;
    HakoHost *host;
    gint64 start, listed, drawn;

    gtk_window_present(GTK_WINDOW(window));
    while (g_main_context_iteration(NULL, FALSE))
        ;

    start = g_get_monotonic_time();
    gap = hako_gap_monitor_start_every(5);
    host = hako_connection_manager_add(manager, uri, HAKO_CONNECT_NONE);
    hako_connection_manager_connect(manager, host);
    while (hako_host_get_state(host) == HAKO_HOST_STATE_CONNECTING)
        g_main_context_iteration(NULL, TRUE);
    listed = g_get_monotonic_time();
    /* Until the window has drawn the rows: nothing left to do but the tick. */
    while (g_main_context_pending(NULL))
        g_main_context_iteration(NULL, FALSE);
    drawn = g_get_monotonic_time();
    max_gap = hako_gap_monitor_stop(gap);

    if (hako_host_get_state(host) != HAKO_HOST_STATE_CONNECTED)
        g_error("%s: %s", uri, hako_host_get_last_error(host));
    g_print(
        "%6u guests: listed %7.1f ms, in the window %7.1f ms, longest main-loop stall %6.1f ms\n",
        n, (listed - start) / 1000.0, (drawn - start) / 1000.0, max_gap / 1000.0);
    gtk_widget_destroy(GTK_WIDGET(window));
    while (g_main_context_iteration(NULL, FALSE))
        ;
    g_unlink(path);
}

int
main(int argc, char **argv)
{
    g_autofree char *dir = g_dir_make_tmp("hako-bench-XXXXXX", NULL);
    g_autoptr(GtkApplication) app = NULL;
    g_autoptr(GSettings) settings = NULL;
    g_autoptr(GError) error = NULL;
    guint default_sizes[] = {100, 1000, 5000};

    hako_engine_init();
    gtk_init(&argc, &argv);
    hako_ui_init();
    app = gtk_application_new("org.hako.Hako.BenchUiList", G_APPLICATION_NON_UNIQUE);
    if (!g_application_register(G_APPLICATION(app), NULL, &error))
        g_error("%s", error->message);
    settings = g_settings_new(APP_ID);
    if (argc > 1) {
        for (int i = 1; i < argc; i++)
            bench(app, settings, dir, (guint)strtoul(argv[i], NULL, 10));
    } else {
        for (guint i = 0; i < G_N_ELEMENTS(default_sizes); i++)
            bench(app, settings, dir, default_sizes[i]);
    }
    g_rmdir(dir);
    return 0;
}
