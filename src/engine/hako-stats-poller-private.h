/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoStatsPoller internals for the connection manager. */
#pragma once

#include "hako-stats-poller.h"

#include <libvirt/libvirt.h>

G_BEGIN_DECLS

/* Opens a connection of the poller's own to the same host, on the poller's thread (so it may
 * block); %NULL when it cannot (the poller then uses the host's connection). */
typedef virConnectPtr (*HakoStatsOpenFunc)(gpointer data);

HakoStatsPoller *_hako_stats_poller_new(HakoHost *host,
                                        virConnectPtr conn,
                                        HakoStatsOpenFunc open_func,
                                        gpointer open_data,
                                        GDestroyNotify open_data_free,
                                        guint interval_ms,
                                        HakoStatsPolled polled,
                                        guint history_length);
void _hako_stats_poller_stop(HakoStatsPoller *self);

/* What a tick asks for, as it starts (for the tests): @uuids is %NULL for every running guest. */
typedef void (*HakoStatsRequestFunc)(HakoStatsPoller *self,
                                     const char *kind,
                                     HakoStatsPolled groups,
                                     const char *const *uuids,
                                     guint n_uuids,
                                     gpointer data);
void _hako_stats_poller_set_request_func(HakoStatsPoller *self,
                                         HakoStatsRequestFunc func,
                                         gpointer data);
void _hako_stats_poller_stop_then(HakoStatsPoller *self, GDestroyNotify then, gpointer data);

G_END_DECLS
