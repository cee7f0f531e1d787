/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Statistics: the figures Hako polls, their histories, and the rate maths.
 *
 * Everything here is plain arithmetic on numbers the engine hands over: the
 * rings hold doubles, NAN marking a tick without a figure, so that a graph
 * leaves a gap instead of inventing a value. */
#include "config.h"

#include "hako-stats.h"

#include <glib/gi18n.h>
#include <math.h>

/**
 * hako_domain_stat_polled_by:
 *
 * Which kind of polling brings @stat: a figure whose kind is switched off in
 * Preferences is not polled, and its graph says so.
 */
HakoStatsPolled
hako_domain_stat_polled_by(HakoDomainStat stat)
{
    switch (stat) {
    case HAKO_DOMAIN_STAT_CPU:
    case HAKO_DOMAIN_STAT_CPU_HOST:
        return HAKO_STATS_POLL_CPU;
    case HAKO_DOMAIN_STAT_MEMORY:
        return HAKO_STATS_POLL_MEMORY;
    case HAKO_DOMAIN_STAT_DISK_READ:
    case HAKO_DOMAIN_STAT_DISK_WRITE:
        return HAKO_STATS_POLL_DISK;
    case HAKO_DOMAIN_STAT_NET_RX:
    case HAKO_DOMAIN_STAT_NET_TX:
        return HAKO_STATS_POLL_NETWORK;
    default:
        g_return_val_if_reached(HAKO_STATS_POLL_NONE);
    }
}

/* ---------------------------------------------------------------------- */
/* HakoStatsHistory */

/* Samples are kept as floats: thousands of guests times seven figures times the history
 * length add up, and a graph needs no more than float precision. The ring is allocated on the
 * first push, so guests that never run cost no samples. */
struct _HakoStatsHistory {
    gatomicrefcount ref_count;
    float *samples; /* a ring of capacity samples, NULL until the first push */
    guint capacity;
    guint n_samples; /* how many are filled, at most capacity */
    guint newest;    /* index of the newest sample when n_samples > 0 */
    guint run; /* pushes in a row of the newest value since the capacity changed, saturating */
};

G_DEFINE_BOXED_TYPE(HakoStatsHistory,
                    hako_stats_history,
                    hako_stats_history_ref,
                    hako_stats_history_unref)

/**
 * hako_stats_history_new:
 * @capacity: how many samples to keep, at least 1
 *
 * Returns: (transfer full): an empty history.
 */
HakoStatsHistory *
hako_stats_history_new(guint capacity)
{
    HakoStatsHistory *self = g_new0(HakoStatsHistory, 1);

    g_atomic_ref_count_init(&self->ref_count);
    self->capacity = MAX(capacity, 1);
    return self;
}

HakoStatsHistory *
hako_stats_history_ref(HakoStatsHistory *self)
{
    g_return_val_if_fail(self != NULL, NULL);
    g_atomic_ref_count_inc(&self->ref_count);
    return self;
}

void
hako_stats_history_unref(HakoStatsHistory *self)
{
    g_return_if_fail(self != NULL);
    if (g_atomic_ref_count_dec(&self->ref_count)) {
        g_free(self->samples);
        g_free(self);
    }
}

guint
hako_stats_history_get_capacity(HakoStatsHistory *self)
{
    g_return_val_if_fail(self != NULL, 0);
    return self->capacity;
}

guint
hako_stats_history_get_n_samples(HakoStatsHistory *self)
{
    g_return_val_if_fail(self != NULL, 0);
    return self->n_samples;
}

static gboolean
same_sample(float a, float b)
{
    return a == b || (isnan(a) && isnan(b));
}

/**
 * hako_stats_history_push:
 * @value: the newest sample, or NAN for a tick without a figure
 *
 * Adds @value as the newest sample, dropping the oldest when full.
 */
void
hako_stats_history_push(HakoStatsHistory *self, double value)
{
    float sample = (float)value;

    g_return_if_fail(self != NULL);

    if (self->samples == NULL)
        self->samples = g_new(float, self->capacity);
    if (self->n_samples > 0 && same_sample(self->samples[self->newest], sample))
        self->run = self->run < G_MAXUINT ? self->run + 1 : G_MAXUINT;
    else
        self->run = 1;
    self->newest = self->n_samples == 0 ? 0 : (self->newest + 1) % self->capacity;
    self->samples[self->newest] = sample;
    if (self->n_samples < self->capacity)
        self->n_samples++;
}

/**
 * hako_stats_history_merge_latest:
 * @value: a figure measured within the newest sample's slot, or NAN for none
 *
 * Puts @value in place of the newest sample (a second fetch in the same slot of time, such as
 * the one made at once for a guest that came into view); NAN leaves the sample as it was.
 * With no sample yet, @value becomes the first.
 */
void
hako_stats_history_merge_latest(HakoStatsHistory *self, double value)
{
    float sample = (float)value;

    g_return_if_fail(self != NULL);

    if (self->n_samples == 0) {
        hako_stats_history_push(self, value);
        return;
    }
    if (isnan(sample) || same_sample(self->samples[self->newest], sample))
        return;
    self->samples[self->newest] = sample;
    self->run = 1;
}

/**
 * hako_stats_history_get_steady:
 * @self: a history
 *
 * Whether the last push changed nothing that a reader of the whole ring could see: the ring
 * was full before it and held only the value pushed (missing samples count as equal). A graph
 * of a steady history need not be drawn again.
 *
 * Returns: %TRUE if the ring is the same as before the last push
 */
gboolean
hako_stats_history_get_steady(HakoStatsHistory *self)
{
    g_return_val_if_fail(self != NULL, FALSE);
    /* Full, and the capacity samples before the newest one equal it. */
    return self->n_samples == self->capacity && self->run > self->capacity;
}

/**
 * hako_stats_history_get:
 * @age: 0 for the newest sample, 1 for the one before...
 *
 * Returns: the sample, or NAN when there is none that old.
 */
double
hako_stats_history_get(HakoStatsHistory *self, guint age)
{
    g_return_val_if_fail(self != NULL, NAN);

    if (age >= self->n_samples)
        return NAN;
    return self->samples[(self->newest + self->capacity - age) % self->capacity];
}

double
hako_stats_history_get_latest(HakoStatsHistory *self)
{
    return hako_stats_history_get(self, 0);
}

/**
 * hako_stats_history_get_max:
 *
 * Returns: the largest sample kept (NAN ones ignored), or 0 when there is none.
 */
double
hako_stats_history_get_max(HakoStatsHistory *self)
{
    double max = 0;

    g_return_val_if_fail(self != NULL, 0);

    for (guint i = 0; i < self->n_samples; i++)
        if (!isnan(self->samples[i]) && self->samples[i] > max)
            max = self->samples[i];
    return max;
}

/**
 * hako_stats_history_set_capacity:
 *
 * Changes how many samples are kept, keeping the newest ones.
 */
void
hako_stats_history_set_capacity(HakoStatsHistory *self, guint capacity)
{
    float *samples;
    guint keep;

    g_return_if_fail(self != NULL);

    capacity = MAX(capacity, 1);
    if (capacity == self->capacity)
        return;
    keep = MIN(self->n_samples, capacity);
    samples = g_new(float, capacity);
    /* Oldest kept first, newest at keep - 1. */
    for (guint i = 0; i < keep; i++)
        samples[i] = (float)hako_stats_history_get(self, keep - 1 - i);
    g_free(self->samples);
    self->samples = samples;
    self->capacity = capacity;
    self->n_samples = keep;
    self->newest = keep == 0 ? 0 : keep - 1;
    self->run = 0; /* the graph's scale changed: what follows is new */
}

void
hako_stats_history_clear(HakoStatsHistory *self)
{
    g_return_if_fail(self != NULL);
    self->n_samples = 0;
    self->newest = 0;
    self->run = 0;
}

/**
 * hako_stats_slots_between:
 * @previous_us: when the last sample was taken (monotonic, microseconds)
 * @time_us: when the new one was taken
 * @slot_us: the polling interval: one slot of a history
 *
 * A history holds one sample per slot of the polling interval, so that its graph's time axis
 * is true: a guest polled slowly, every thirty slots, gets twenty-nine NAN samples (no figure)
 * and then its figure, rather than thirty invented ones or figures drawn a slot apart.
 *
 * Returns: how many slots @time_us is after @previous_us, rounded to the nearest (a tick that
 * came a little late is still the next slot); 0 when it is within the same slot.
 */
guint
hako_stats_slots_between(gint64 previous_us, gint64 time_us, gint64 slot_us)
{
    gint64 slots;

    if (slot_us <= 0)
        return 1;
    if (time_us <= previous_us)
        return 0;
    slots = (time_us - previous_us + slot_us / 2) / slot_us;
    return (guint)MIN(slots, (gint64)G_MAXUINT);
}

/* ---------------------------------------------------------------------- */
/* Rate maths */

/* A 32-bit counter (some drivers' interface counters) that passed its top comes back small;
 * a reset (reboot, migration, restore) also comes back small, but from anywhere below. */
#define WRAP32 (G_GUINT64_CONSTANT(1) << 32)

/**
 * hako_stats_counter_delta:
 * @previous: the counter at the previous tick
 * @current: the counter now
 * @delta: (out): how much it grew
 *
 * How much a cumulative counter grew since the previous tick. A counter that
 * went back is a 32-bit counter that wrapped when it was near its top and its
 * growth is plausible, and otherwise one that was reset (the guest rebooted,
 * migrated or was restored): then there is no delta for this tick.
 *
 * Returns: whether @delta holds a growth.
 */
gboolean
hako_stats_counter_delta(guint64 previous, guint64 current, guint64 *delta)
{
    g_return_val_if_fail(delta != NULL, FALSE);

    if (current >= previous) {
        *delta = current - previous;
        return TRUE;
    }
    /* Wrapped: it was in the top quarter of 32 bits and is now in the bottom quarter. */
    if (previous < WRAP32 && previous >= WRAP32 / 4 * 3 && current < WRAP32 / 4) {
        *delta = current + WRAP32 - previous;
        return TRUE;
    }
    return FALSE;
}

/**
 * hako_stats_rate:
 * @interval_us: the time between the two counters, in microseconds
 *
 * Returns: the counter's growth per second, or NAN when there is none (a
 *   reset, or no time passed).
 */
double
hako_stats_rate(guint64 previous, guint64 current, gint64 interval_us)
{
    guint64 delta;

    if (interval_us <= 0 || !hako_stats_counter_delta(previous, current, &delta))
        return NAN;
    return (double)delta * G_USEC_PER_SEC / (double)interval_us;
}

/**
 * hako_stats_cpu_percent:
 * @previous_ns: CPU time used, in nanoseconds, at the previous tick
 * @current_ns: CPU time used now
 * @interval_us: the wall-clock time between the two, in microseconds
 * @n_cpus: how many CPUs the time is shared out over (a guest's vCPUs, or
 *   the host's CPUs)
 *
 * Returns: the CPU use over the interval, 0 to 100 % of @n_cpus, or NAN when
 *   there is none (a reset, no time passed, no CPU).
 */
double
hako_stats_cpu_percent(guint64 previous_ns, guint64 current_ns, gint64 interval_us, guint n_cpus)
{
    guint64 delta;
    double percent;

    if (interval_us <= 0 || n_cpus == 0 || current_ns < previous_ns)
        return NAN;
    delta = current_ns - previous_ns;
    percent = (double)delta / ((double)interval_us * 1000.0 * n_cpus) * 100.0;
    /* Timing jitter between the sample and its timestamp can push it a little over. */
    return CLAMP(percent, 0.0, 100.0);
}

/* ---------------------------------------------------------------------- */
/* Formatting */

char *
hako_stats_format_bytes(double bytes)
{
    if (isnan(bytes))
        return g_strdup("");
    return g_format_size_full((guint64)MAX(bytes, 0), G_FORMAT_SIZE_IEC_UNITS);
}

char *
hako_stats_format_rate(double bytes_per_second)
{
    g_autofree char *size = NULL;

    if (isnan(bytes_per_second))
        return g_strdup("");
    size = g_format_size_full((guint64)MAX(bytes_per_second, 0), G_FORMAT_SIZE_IEC_UNITS);
    /* Translators: a transfer rate, %s is a size such as "1.5 MiB" */
    return g_strdup_printf(_("%s/s"), size);
}

char *
hako_stats_format_percent(double percent)
{
    if (isnan(percent))
        return g_strdup("");
    /* Translators: a percentage such as "37 %"; keep the no-break space */
    return g_strdup_printf(_("%.0f\u00a0%%"), CLAMP(percent, 0.0, 100.0));
}
