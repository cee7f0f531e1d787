/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Statistics: the figures Hako polls, their histories, and the rate maths. */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* The figures of a guest, one history each. */
typedef enum {
    HAKO_DOMAIN_STAT_CPU,        /* CPU use, % of the guest's own vCPUs (0 to 100) */
    HAKO_DOMAIN_STAT_CPU_HOST,   /* CPU use, % of all the host's CPUs (0 to 100) */
    HAKO_DOMAIN_STAT_MEMORY,     /* memory in use, bytes */
    HAKO_DOMAIN_STAT_DISK_READ,  /* bytes per second read from all its disks */
    HAKO_DOMAIN_STAT_DISK_WRITE, /* bytes per second written */
    HAKO_DOMAIN_STAT_NET_RX,     /* bytes per second received on all its interfaces */
    HAKO_DOMAIN_STAT_NET_TX,     /* bytes per second sent */
    HAKO_N_DOMAIN_STATS,
} HakoDomainStat;

/* The figures of a host. */
typedef enum {
    HAKO_HOST_STAT_CPU,    /* CPU use, % of all its CPUs (0 to 100) */
    HAKO_HOST_STAT_MEMORY, /* memory in use, bytes */
    HAKO_N_HOST_STATS,
} HakoHostStat;

/* Which kinds of figures a host's poller asks for: a graph of a figure that is not polled
 * says so instead of drawing a flat line. */
typedef enum {
    HAKO_STATS_POLL_NONE = 0,
    HAKO_STATS_POLL_CPU = 1 << 0,
    HAKO_STATS_POLL_MEMORY = 1 << 1,
    HAKO_STATS_POLL_DISK = 1 << 2,
    HAKO_STATS_POLL_NETWORK = 1 << 3,
} HakoStatsPolled;

HakoStatsPolled hako_domain_stat_polled_by(HakoDomainStat stat);

/* How many samples a history keeps unless the settings say otherwise. */
#define HAKO_STATS_DEFAULT_HISTORY 120

/*
 * HakoStatsHistory: a fixed ring of samples, newest first. A sample may be NAN: no figure
 * for that tick (the guest was not running, a counter was reset). Reference counted.
 */
typedef struct _HakoStatsHistory HakoStatsHistory;

#define HAKO_TYPE_STATS_HISTORY (hako_stats_history_get_type())
GType hako_stats_history_get_type(void) G_GNUC_CONST;

HakoStatsHistory *hako_stats_history_new(guint capacity);
HakoStatsHistory *hako_stats_history_ref(HakoStatsHistory *self);
void hako_stats_history_unref(HakoStatsHistory *self);
guint hako_stats_history_get_capacity(HakoStatsHistory *self);
void hako_stats_history_set_capacity(HakoStatsHistory *self, guint capacity);
guint hako_stats_history_get_n_samples(HakoStatsHistory *self);
void hako_stats_history_push(HakoStatsHistory *self, double value);
void hako_stats_history_merge_latest(HakoStatsHistory *self, double value);
double hako_stats_history_get(HakoStatsHistory *self, guint age);
double hako_stats_history_get_latest(HakoStatsHistory *self);
double hako_stats_history_get_max(HakoStatsHistory *self);
gboolean hako_stats_history_get_steady(HakoStatsHistory *self);
void hako_stats_history_clear(HakoStatsHistory *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(HakoStatsHistory, hako_stats_history_unref)

/* Samples on a time axis: how many slots of the polling interval a new sample is after the
 * last one (0: in the same slot). */
guint hako_stats_slots_between(gint64 previous_us, gint64 time_us, gint64 slot_us);

/* Rate maths on cumulative counters. */
gboolean hako_stats_counter_delta(guint64 previous, guint64 current, guint64 *delta);
double hako_stats_rate(guint64 previous, guint64 current, gint64 interval_us);
double
hako_stats_cpu_percent(guint64 previous_ns, guint64 current_ns, gint64 interval_us, guint n_cpus);

/* Formatting for graphs and cells: "1.5 MiB/s", "37 %", "2.0 GiB". */
char *hako_stats_format_rate(double bytes_per_second);
char *hako_stats_format_percent(double percent);
char *hako_stats_format_bytes(double bytes);

G_END_DECLS
