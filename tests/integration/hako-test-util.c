/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Helpers for tests that spin the main loop while the engine works. */
#include "config.h"

#include "hako-test-util.h"

#include "hako-host.h"

static gboolean
timeout_cb(gpointer data)
{
    *(gboolean *)data = TRUE;
    return G_SOURCE_REMOVE;
}

/* Spins the default main context until @condition holds or @timeout_ms pass. */
gboolean
hako_test_wait_until(HakoTestCondition condition, gpointer data, guint timeout_ms)
{
    gboolean timed_out = FALSE;
    guint id = g_timeout_add(timeout_ms, timeout_cb, &timed_out);

    while (!condition(data) && !timed_out)
        g_main_context_iteration(NULL, TRUE);
    if (!timed_out)
        g_source_remove(id);
    return condition(data);
}

static gboolean
never(gpointer data)
{
    return FALSE;
}

void
hako_test_spin(guint ms)
{
    hako_test_wait_until(never, NULL, ms);
}

struct _HakoGapMonitor {
    guint id;
    gint64 last;
    gint64 max_gap;
};

static gboolean
tick_cb(gpointer data)
{
    HakoGapMonitor *monitor = data;
    gint64 now = g_get_monotonic_time();

    monitor->max_gap = MAX(monitor->max_gap, now - monitor->last);
    monitor->last = now;
    return G_SOURCE_CONTINUE;
}

/* Measures the longest time the main loop goes without dispatching a tick every @period_ms. */
HakoGapMonitor *
hako_gap_monitor_start_every(guint period_ms)
{
    HakoGapMonitor *monitor = g_new0(HakoGapMonitor, 1);

    monitor->last = g_get_monotonic_time();
    monitor->id = g_timeout_add(period_ms, tick_cb, monitor);
    return monitor;
}

HakoGapMonitor *
hako_gap_monitor_start(void)
{
    return hako_gap_monitor_start_every(10);
}

/* Returns the largest gap in microseconds, and frees @monitor. */
gint64
hako_gap_monitor_stop(HakoGapMonitor *monitor)
{
    gint64 gap;

    tick_cb(monitor);
    g_source_remove(monitor->id);
    gap = monitor->max_gap;
    g_free(monitor);
    return gap;
}

/**
 * hako_test_wait_done_cb:
 * @wait: a #HakoTestWait
 *
 * A #GAsyncReadyCallback that keeps @result in @wait; it must run on the thread that iterates
 * the default main context (the test's).
 */
void
hako_test_wait_done_cb(GObject *source G_GNUC_UNUSED, GAsyncResult *result, gpointer wait)
{
    HakoTestWait *w = wait;

    g_assert_true(g_main_context_is_owner(g_main_context_default()));
    w->result = g_object_ref(result);
    w->done = TRUE;
}

gboolean
hako_test_wait_is_done(gpointer wait)
{
    return ((HakoTestWait *)wait)->done;
}

/* For hako_test_wait_until(): @host (a HakoHost) is connected. */
gboolean
hako_test_host_connected(gpointer host)
{
    return hako_host_get_state(host) == HAKO_HOST_STATE_CONNECTED;
}
