/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Helpers for tests that spin the main loop while the engine works. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef gboolean (*HakoTestCondition)(gpointer data);

gboolean hako_test_wait_until(HakoTestCondition condition, gpointer data, guint timeout_ms);
void hako_test_spin(guint ms);

/* An asynchronous call's result, kept by hako_test_wait_done_cb() (on the main thread). */
typedef struct {
    gboolean done;
    GAsyncResult *result;
} HakoTestWait;

void hako_test_wait_done_cb(GObject *source, GAsyncResult *result, gpointer wait);
gboolean hako_test_wait_is_done(gpointer wait);
gboolean hako_test_host_connected(gpointer host);

typedef struct _HakoGapMonitor HakoGapMonitor;

HakoGapMonitor *hako_gap_monitor_start(void);
HakoGapMonitor *hako_gap_monitor_start_every(guint period_ms);
gint64 hako_gap_monitor_stop(HakoGapMonitor *monitor);

G_END_DECLS
