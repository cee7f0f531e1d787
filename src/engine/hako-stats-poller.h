/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoStatsPoller: polls one connection's guests and host for their figures. */
#pragma once

#include "hako-host.h"
#include "hako-stats.h"

#include <gio/gio.h>

G_BEGIN_DECLS

/* How a connection's figures are gathered, decided once per connection. */
typedef enum {
    HAKO_STATS_METHOD_UNKNOWN,  /* not decided yet (no running guest seen so far) */
    HAKO_STATS_METHOD_BULK,     /* one virConnectGetAllDomainStats call per tick */
    HAKO_STATS_METHOD_FALLBACK, /* per-guest calls: the driver has no bulk stats */
} HakoStatsMethod;

/* How often guests nobody watches are polled unless the settings say otherwise. */
#define HAKO_STATS_DEFAULT_SLOW_INTERVAL_MS 30000

#define HAKO_TYPE_STATS_POLLER (hako_stats_poller_get_type())
G_DECLARE_FINAL_TYPE(HakoStatsPoller, hako_stats_poller, HAKO, STATS_POLLER, GObject)

HakoHost *hako_stats_poller_get_host(HakoStatsPoller *self);
void hako_stats_poller_set_interval(HakoStatsPoller *self, guint interval_ms);
guint hako_stats_poller_get_interval(HakoStatsPoller *self);
void hako_stats_poller_set_polled(HakoStatsPoller *self, HakoStatsPolled polled);
void hako_stats_poller_set_history_length(HakoStatsPoller *self, guint length);
HakoStatsMethod hako_stats_poller_get_method(HakoStatsPoller *self);
gboolean hako_stats_poller_poll_now(HakoStatsPoller *self);
guint hako_stats_poller_get_n_ticks(HakoStatsPoller *self);
guint hako_stats_poller_get_n_skipped(HakoStatsPoller *self);
void hako_stats_poller_set_slow_interval(HakoStatsPoller *self, guint interval_ms);
guint hako_stats_poller_get_slow_interval(HakoStatsPoller *self);
void hako_stats_poller_set_watched(HakoStatsPoller *self,
                                   gconstpointer consumer,
                                   const char *const *uuids,
                                   HakoStatsPolled groups);
guint hako_stats_poller_get_achieved_interval(HakoStatsPoller *self);

G_END_DECLS
