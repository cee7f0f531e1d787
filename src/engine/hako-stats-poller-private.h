/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoStatsPoller internals for the connection manager. */
#pragma once

#include "hako-stats-poller.h"

#include <libvirt/libvirt.h>

G_BEGIN_DECLS

HakoStatsPoller *_hako_stats_poller_new(HakoHost *host,
                                        virConnectPtr conn,
                                        guint interval_ms,
                                        HakoStatsPolled polled,
                                        guint history_length);
void _hako_stats_poller_stop(HakoStatsPoller *self);
void _hako_stats_poller_stop_then(HakoStatsPoller *self, GDestroyNotify then, gpointer data);

G_END_DECLS
