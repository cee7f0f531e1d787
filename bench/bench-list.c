/* SPDX-License-Identifier: GPL-3.0-or-later */
/* How long Hako's engine takes to connect to a host and list N guests, and
 * the longest main-loop stall meanwhile.
 *
 * Usage: bench-list [N...]   (default 100 1000 5000; a test-driver file with N
 * running and shut-off guests is generated in a temporary directory) */
#include "config.h"

#include "bench-util.h"
#include "hako-connection-manager.h"
#include "hako-engine.h"
#include "hako-test-util.h"

#include <glib/gstdio.h>
#include <stdlib.h>

static void
bench(const char *dir, guint n)
{
    g_autofree char *path = hako_bench_write_testdriver(dir, n, FALSE);
    g_autofree char *uri = g_strdup_printf("test://%s", path);
    g_autoptr(HakoConnectionManager) manager = hako_connection_manager_new(NULL);
    HakoGapMonitor *gap;
    gint64 max_gap;
    HakoHost *host;
    gint64 start;
    gint64 elapsed;

    start = g_get_monotonic_time();
    gap = hako_gap_monitor_start_every(5);
    host = hako_connection_manager_add(manager, uri, HAKO_CONNECT_NONE);
    hako_connection_manager_connect(manager, host);
    while (hako_host_get_state(host) == HAKO_HOST_STATE_CONNECTING)
        g_main_context_iteration(NULL, TRUE);
    elapsed = g_get_monotonic_time() - start;
    max_gap = hako_gap_monitor_stop(gap);

    if (hako_host_get_state(host) != HAKO_HOST_STATE_CONNECTED)
        g_error("%s: %s", uri, hako_host_get_last_error(host));
    g_print("%6u guests: listed in %7.1f ms, longest main-loop stall %5.1f ms, %u in the model\n",
            n, elapsed / 1000.0, max_gap / 1000.0,
            g_list_model_get_n_items(G_LIST_MODEL(hako_host_get_domains(host))));
    g_unlink(path);
}

int
main(int argc, char **argv)
{
    g_autofree char *dir = g_dir_make_tmp("hako-bench-XXXXXX", NULL);
    guint default_sizes[] = {100, 1000, 5000};

    hako_engine_init();
    if (argc > 1) {
        for (int i = 1; i < argc; i++)
            bench(dir, (guint)strtoul(argv[i], NULL, 10));
    } else {
        for (guint i = 0; i < G_N_ELEMENTS(default_sizes); i++)
            bench(dir, default_sizes[i]);
    }
    g_rmdir(dir);
    return 0;
}
