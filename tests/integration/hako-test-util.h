/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Helpers for tests that spin the main loop while the engine works. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef gboolean (*HakoTestCondition)(gpointer data);

gboolean hako_test_wait_until(HakoTestCondition condition, gpointer data, guint timeout_ms);
void hako_test_spin(guint ms);

typedef struct _HakoGapMonitor HakoGapMonitor;

HakoGapMonitor *hako_gap_monitor_start(void);
HakoGapMonitor *hako_gap_monitor_start_every(guint period_ms);
gint64 hako_gap_monitor_stop(HakoGapMonitor *monitor);

G_END_DECLS
