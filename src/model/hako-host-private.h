/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Setters of HakoHost for the engine (and tests) only. */
#pragma once

#include "hako-host.h"

G_BEGIN_DECLS

HakoHost *_hako_host_new(const char *uri, gboolean read_only);
void _hako_host_set_state(HakoHost *self, HakoHostState state, const char *last_error);
void _hako_host_set_autoconnect(HakoHost *self, gboolean autoconnect);
void _hako_host_set_info(HakoHost *self, const char *hostname, const char *hypervisor);
void _hako_host_set_details(HakoHost *self, const HakoHostDetails *details);
void _hako_host_set_custom_label(HakoHost *self, const char *label);
void _hako_host_push_stats(HakoHost *self, const double values[HAKO_N_HOST_STATS]);
void _hako_host_set_stats_history_length(HakoHost *self, guint length);
void _hako_host_set_polled_stats(HakoHost *self, HakoStatsPolled polled);
void _hako_host_set_node_info(HakoHost *self, guint n_cpus, guint64 memory_total);
void _hako_host_emit_stats_updated(HakoHost *self);

G_END_DECLS
