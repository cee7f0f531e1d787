/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A main-loop probe for benchmarks: see hako-mainloop-probe.h. */
#include "config.h"

#include "hako-mainloop-probe.h"

#include <glib-unix.h>
#include <glib.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>

static char *probe_path;
static GPollFunc probe_real_poll;
static gint64 probe_poll_end; /* 0: no poll has ended since the last reset */
static gint64 probe_poll_end_cpu;
static gint64 probe_max_gap;
static gint64 probe_max_cpu; /* the most CPU time the thread spent in one turn */
static guint64 probe_turns;
static guint64 probe_turns_over_10ms;
static guint64 probe_turns_over_20ms;

/* CPU time of the calling thread: a long turn with little CPU was waiting for a core. */
static gint64
probe_thread_cpu(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (gint64)ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static gint
probe_poll(GPollFD *fds, guint nfds, gint timeout)
{
    gint64 start = g_get_monotonic_time();
    gint ret;

    if (probe_poll_end != 0) {
        gint64 gap = start - probe_poll_end;

        probe_max_gap = MAX(probe_max_gap, gap);
        probe_turns_over_10ms += gap > 10000;
        probe_turns_over_20ms += gap > 20000;
        probe_max_cpu = MAX(probe_max_cpu, probe_thread_cpu() - probe_poll_end_cpu);
        probe_turns++;
    }
    ret = probe_real_poll(fds, nfds, timeout);
    probe_poll_end = g_get_monotonic_time();
    probe_poll_end_cpu = probe_thread_cpu();
    return ret;
}

static void
probe_write(void)
{
    g_autofree char *line = g_strdup_printf(
        "max_gap_us=%" G_GINT64_FORMAT " turns=%" G_GUINT64_FORMAT
        " max_turn_cpu_us=%" G_GINT64_FORMAT " over_10ms=%" G_GUINT64_FORMAT
        " over_20ms=%" G_GUINT64_FORMAT "\n",
        probe_max_gap, probe_turns, probe_max_cpu, probe_turns_over_10ms, probe_turns_over_20ms);

    /* Written to a temporary file and renamed: a reader never sees half a line. */
    g_file_set_contents(probe_path, line, -1, NULL);
}

static gboolean
probe_write_cb(gpointer data)
{
    (void)data;
    probe_write();
    return G_SOURCE_CONTINUE;
}

static gboolean
probe_reset_cb(gpointer data)
{
    (void)data;
    probe_max_gap = 0;
    probe_max_cpu = 0;
    probe_turns = 0;
    probe_turns_over_10ms = 0;
    probe_turns_over_20ms = 0;
    probe_poll_end = 0;
    return G_SOURCE_CONTINUE;
}

void
hako_mainloop_probe_init(void)
{
    const char *path = g_getenv("HAKO_MAINLOOP_PROBE");
    GMainContext *context = g_main_context_default();

    if (path == NULL || *path == '\0' || probe_path != NULL)
        return;
    probe_path = g_strdup(path);
    probe_real_poll = g_main_context_get_poll_func(context);
    g_main_context_set_poll_func(context, probe_poll);
    g_timeout_add_seconds(5, probe_write_cb, NULL);
    g_unix_signal_add(SIGUSR1, probe_reset_cb, NULL);
    g_unix_signal_add(SIGUSR2, probe_write_cb, NULL);
    atexit(probe_write);
}
