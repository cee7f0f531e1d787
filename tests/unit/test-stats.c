/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests of the statistics model: the ring, the rate maths, formatting, and the figures
 * of guests and hosts. */
#include "config.h"

#include "hako-domain-private.h"
#include "hako-host-private.h"
#include "hako-stats.h"

#include <locale.h>
#include <math.h>

static void
test_history_ring(void)
{
    g_autoptr(HakoStatsHistory) h = hako_stats_history_new(4);

    g_assert_cmpuint(hako_stats_history_get_capacity(h), ==, 4);
    g_assert_cmpuint(hako_stats_history_get_n_samples(h), ==, 0);
    g_assert_true(isnan(hako_stats_history_get_latest(h)));
    g_assert_cmpfloat(hako_stats_history_get_max(h), ==, 0);

    for (int i = 1; i <= 6; i++)
        hako_stats_history_push(h, i);
    /* Full: the newest four, newest first. */
    g_assert_cmpuint(hako_stats_history_get_n_samples(h), ==, 4);
    g_assert_cmpfloat(hako_stats_history_get(h, 0), ==, 6);
    g_assert_cmpfloat(hako_stats_history_get(h, 1), ==, 5);
    g_assert_cmpfloat(hako_stats_history_get(h, 3), ==, 3);
    g_assert_true(isnan(hako_stats_history_get(h, 4)));
    g_assert_true(isnan(hako_stats_history_get(h, G_MAXUINT)));
    g_assert_cmpfloat(hako_stats_history_get_max(h), ==, 6);

    /* A tick without a figure is a gap, ignored by the maximum. */
    hako_stats_history_push(h, NAN);
    g_assert_true(isnan(hako_stats_history_get_latest(h)));
    g_assert_cmpfloat(hako_stats_history_get(h, 1), ==, 6);
    g_assert_cmpfloat(hako_stats_history_get_max(h), ==, 6);

    hako_stats_history_clear(h);
    g_assert_cmpuint(hako_stats_history_get_n_samples(h), ==, 0);
    hako_stats_history_push(h, 7);
    g_assert_cmpfloat(hako_stats_history_get_latest(h), ==, 7);
    g_assert_cmpuint(hako_stats_history_get_n_samples(h), ==, 1);
}

/* Steady: the last push left the ring as it was (full, every sample the value pushed). */
static void
test_history_steady(void)
{
    g_autoptr(HakoStatsHistory) h = hako_stats_history_new(3);

    g_assert_false(hako_stats_history_get_steady(h));
    /* Filling with one value changes the ring each time, and once more: the push that makes
     * it full of that value still dropped nothing but added a sample. */
    for (int i = 0; i < 3; i++) {
        hako_stats_history_push(h, 2);
        g_assert_false(hako_stats_history_get_steady(h));
    }
    hako_stats_history_push(h, 2);
    g_assert_true(hako_stats_history_get_steady(h));
    hako_stats_history_push(h, 2);
    g_assert_true(hako_stats_history_get_steady(h));

    /* A new value, then the same value until the different one has left the ring. */
    hako_stats_history_push(h, 5);
    g_assert_false(hako_stats_history_get_steady(h));
    for (int i = 0; i < 2; i++) {
        hako_stats_history_push(h, 2);
        g_assert_false(hako_stats_history_get_steady(h));
    }
    hako_stats_history_push(h, 2); /* 5 drops out now: the ring changed */
    g_assert_false(hako_stats_history_get_steady(h));
    hako_stats_history_push(h, 2);
    g_assert_true(hako_stats_history_get_steady(h));

    /* Missing samples are alike. */
    for (int i = 0; i < 3; i++)
        hako_stats_history_push(h, NAN);
    g_assert_false(hako_stats_history_get_steady(h));
    hako_stats_history_push(h, NAN);
    g_assert_true(hako_stats_history_get_steady(h));

    /* A new capacity or a cleared ring is a change. */
    hako_stats_history_set_capacity(h, 2);
    for (int i = 0; i < 2; i++) {
        hako_stats_history_push(h, NAN);
        g_assert_false(hako_stats_history_get_steady(h));
    }
    hako_stats_history_push(h, NAN);
    g_assert_true(hako_stats_history_get_steady(h));
    hako_stats_history_clear(h);
    hako_stats_history_push(h, NAN);
    g_assert_false(hako_stats_history_get_steady(h));
}

static void
test_history_capacity(void)
{
    g_autoptr(HakoStatsHistory) h = hako_stats_history_new(5);

    for (int i = 1; i <= 5; i++)
        hako_stats_history_push(h, i);
    /* Shrinking keeps the newest. */
    hako_stats_history_set_capacity(h, 3);
    g_assert_cmpuint(hako_stats_history_get_n_samples(h), ==, 3);
    g_assert_cmpfloat(hako_stats_history_get(h, 0), ==, 5);
    g_assert_cmpfloat(hako_stats_history_get(h, 2), ==, 3);
    hako_stats_history_push(h, 6);
    g_assert_cmpfloat(hako_stats_history_get(h, 0), ==, 6);
    g_assert_cmpfloat(hako_stats_history_get(h, 2), ==, 4);

    /* Growing keeps everything and makes room. */
    hako_stats_history_set_capacity(h, 10);
    g_assert_cmpuint(hako_stats_history_get_n_samples(h), ==, 3);
    for (int i = 7; i <= 13; i++)
        hako_stats_history_push(h, i);
    g_assert_cmpuint(hako_stats_history_get_n_samples(h), ==, 10);
    g_assert_cmpfloat(hako_stats_history_get(h, 0), ==, 13);
    g_assert_cmpfloat(hako_stats_history_get(h, 9), ==, 4);

    /* Capacity 0 means 1; an empty ring resizes too. */
    hako_stats_history_set_capacity(h, 0);
    g_assert_cmpuint(hako_stats_history_get_capacity(h), ==, 1);
    g_assert_cmpfloat(hako_stats_history_get_latest(h), ==, 13);
    {
        g_autoptr(HakoStatsHistory) empty = hako_stats_history_new(2);

        hako_stats_history_set_capacity(empty, 8);
        g_assert_cmpuint(hako_stats_history_get_n_samples(empty), ==, 0);
    }
}

/* However long Hako runs, a ring holds its capacity and no more. */
static void
test_history_bounded(void)
{
    g_autoptr(HakoStatsHistory) h = hako_stats_history_new(120);

    for (guint i = 0; i < 100000; i++)
        hako_stats_history_push(h, i % 100);
    g_assert_cmpuint(hako_stats_history_get_n_samples(h), ==, 120);
    g_assert_cmpfloat(hako_stats_history_get_latest(h), ==, 99999 % 100);
}

static void
test_counter_delta(void)
{
    const guint64 wrap = G_GUINT64_CONSTANT(1) << 32;
    guint64 delta = 0;

    g_assert_true(hako_stats_counter_delta(100, 350, &delta));
    g_assert_cmpuint(delta, ==, 250);
    g_assert_true(hako_stats_counter_delta(42, 42, &delta));
    g_assert_cmpuint(delta, ==, 0);

    /* Reset: the guest rebooted, migrated or was restored. */
    g_assert_false(hako_stats_counter_delta(5000000, 1000, &delta));
    g_assert_false(hako_stats_counter_delta(G_GUINT64_CONSTANT(1) << 40, 10, &delta));
    /* A 32-bit counter wrapping near its top. */
    g_assert_true(hako_stats_counter_delta(wrap - 100, 50, &delta));
    g_assert_cmpuint(delta, ==, 150);
    /* Back to small from the middle of 32 bits is a reset, not a wrap. */
    g_assert_false(hako_stats_counter_delta(wrap / 2, 50, &delta));
}

static void
test_rate(void)
{
    /* 1 MiB in half a second. */
    g_assert_cmpfloat_with_epsilon(hako_stats_rate(0, 1048576, G_USEC_PER_SEC / 2), 2097152, 0.5);
    g_assert_cmpfloat(hako_stats_rate(10, 10, G_USEC_PER_SEC), ==, 0);
    g_assert_true(isnan(hako_stats_rate(1000, 10, G_USEC_PER_SEC))); /* reset: no spike */
    g_assert_true(isnan(hako_stats_rate(0, 10, 0)));
    g_assert_true(isnan(hako_stats_rate(0, 10, -5)));
}

static void
test_cpu_percent(void)
{
    const gint64 second = G_USEC_PER_SEC;

    /* Half a second of CPU in one second on one vCPU: 50 %. */
    g_assert_cmpfloat_with_epsilon(hako_stats_cpu_percent(0, 500000000, second, 1), 50, 1e-9);
    /* The same on a 4-CPU host: 12.5 % of it. */
    g_assert_cmpfloat_with_epsilon(hako_stats_cpu_percent(0, 500000000, second, 4), 12.5, 1e-9);
    /* Two busy vCPUs for three seconds. */
    g_assert_cmpfloat_with_epsilon(
        hako_stats_cpu_percent(1000, 1000 + G_GUINT64_CONSTANT(6000000000), 3 * second, 2), 100,
        1e-9);
    /* Jitter never shows more than 100 %. */
    g_assert_cmpfloat(hako_stats_cpu_percent(0, 1100000000, second, 1), ==, 100);
    /* A reset, no time, no CPU: no figure rather than a negative one or a spike. */
    g_assert_true(isnan(hako_stats_cpu_percent(900000000, 1000, second, 1)));
    g_assert_true(isnan(hako_stats_cpu_percent(0, 1000, 0, 1)));
    g_assert_true(isnan(hako_stats_cpu_percent(0, 1000, second, 0)));
}

static void
test_format(void)
{
    g_autofree char *rate = hako_stats_format_rate(1572864);
    g_autofree char *percent = hako_stats_format_percent(37.4);
    g_autofree char *full = hako_stats_format_percent(250);
    g_autofree char *bytes = hako_stats_format_bytes(2147483648.0);
    g_autofree char *none = hako_stats_format_rate(NAN);

    g_assert_cmpstr(rate, ==, "1.5\u00a0MiB/s");
    g_assert_cmpstr(percent, ==, "37\u00a0%");
    g_assert_cmpstr(full, ==, "100\u00a0%");
    g_assert_cmpstr(bytes, ==, "2.0\u00a0GiB");
    g_assert_cmpstr(none, ==, "");
}

static void
test_polled_by(void)
{
    g_assert_cmpint(hako_domain_stat_polled_by(HAKO_DOMAIN_STAT_CPU), ==, HAKO_STATS_POLL_CPU);
    g_assert_cmpint(hako_domain_stat_polled_by(HAKO_DOMAIN_STAT_CPU_HOST), ==, HAKO_STATS_POLL_CPU);
    g_assert_cmpint(hako_domain_stat_polled_by(HAKO_DOMAIN_STAT_MEMORY), ==,
                    HAKO_STATS_POLL_MEMORY);
    g_assert_cmpint(hako_domain_stat_polled_by(HAKO_DOMAIN_STAT_DISK_WRITE), ==,
                    HAKO_STATS_POLL_DISK);
    g_assert_cmpint(hako_domain_stat_polled_by(HAKO_DOMAIN_STAT_NET_RX), ==,
                    HAKO_STATS_POLL_NETWORK);
}

static void
count_cb(GObject *object, gpointer data)
{
    (*(guint *)data)++;
}

static void
notify_count_cb(GObject *object, GParamSpec *pspec, gpointer data)
{
    (*(guint *)data)++;
}

static void
test_domain_and_host_figures(void)
{
    g_autoptr(HakoHost) host = _hako_host_new("test:///default", FALSE);
    g_autoptr(HakoDomain) domain = _hako_domain_new(host, "uuid-1");
    double values[HAKO_N_DOMAIN_STATS];
    double host_values[HAKO_N_HOST_STATS] = {25, 1 << 30};
    const char *addresses[] = {"192.0.2.10", "2001:db8::10", NULL};
    const char *const *got;
    guint updates = 0;
    guint address_notifies = 0;

    hako_domain_list_add(hako_host_get_domains(host), domain);
    for (guint i = 0; i < HAKO_N_DOMAIN_STATS; i++) {
        g_assert_cmpuint(hako_stats_history_get_n_samples(hako_domain_get_stats_history(domain, i)),
                         ==, 0);
        g_assert_true(isnan(hako_domain_get_stat(domain, i)));
        values[i] = i * 10;
    }
    values[HAKO_DOMAIN_STAT_NET_TX] = NAN;
    _hako_domain_push_stats(domain, values);
    g_assert_cmpfloat(hako_domain_get_stat(domain, HAKO_DOMAIN_STAT_CPU_HOST), ==, 10);
    g_assert_true(isnan(hako_domain_get_stat(domain, HAKO_DOMAIN_STAT_NET_TX)));

    _hako_host_push_stats(host, host_values);
    g_assert_cmpfloat(hako_host_get_stat(host, HAKO_HOST_STAT_CPU), ==, 25);
    g_signal_connect(host, "stats-updated", G_CALLBACK(count_cb), &updates);
    _hako_host_emit_stats_updated(host);
    g_assert_cmpuint(updates, ==, 1);

    _hako_host_set_polled_stats(host, HAKO_STATS_POLL_CPU | HAKO_STATS_POLL_DISK);
    g_assert_cmpint(hako_host_get_polled_stats(host), ==,
                    HAKO_STATS_POLL_CPU | HAKO_STATS_POLL_DISK);
    _hako_host_set_node_info(host, 8, G_GUINT64_CONSTANT(16) << 30);
    g_assert_cmpuint(hako_host_get_n_cpus(host), ==, 8);
    g_assert_cmpuint(hako_host_get_memory_total(host), ==, G_GUINT64_CONSTANT(16) << 30);

    /* The history length applies to the host and its guests, keeping the newest. */
    _hako_host_set_stats_history_length(host, 30);
    g_assert_cmpuint(hako_stats_history_get_capacity(hako_domain_get_stats_history(domain, 0)), ==,
                     30);
    g_assert_cmpuint(
        hako_stats_history_get_capacity(hako_host_get_stats_history(host, HAKO_HOST_STAT_CPU)), ==,
        30);
    g_assert_cmpfloat(hako_domain_get_stat(domain, HAKO_DOMAIN_STAT_CPU_HOST), ==, 10);

    /* Addresses notify only when they change; an empty list is no list. */
    g_assert_null(hako_domain_get_addresses(domain));
    g_signal_connect(domain, "notify::addresses", G_CALLBACK(notify_count_cb), &address_notifies);
    _hako_domain_set_addresses(domain, addresses);
    _hako_domain_set_addresses(domain, addresses);
    g_assert_cmpuint(address_notifies, ==, 1);
    got = hako_domain_get_addresses(domain);
    g_assert_cmpstr(got[0], ==, "192.0.2.10");
    g_assert_cmpstr(got[1], ==, "2001:db8::10");
    g_assert_null(got[2]);
    {
        const char *none[] = {NULL};

        _hako_domain_set_addresses(domain, none);
        g_assert_null(hako_domain_get_addresses(domain));
        g_assert_cmpuint(address_notifies, ==, 2);
    }
}

static void
test_slots_between(void)
{
    const gint64 s = G_USEC_PER_SEC;

    g_assert_cmpuint(hako_stats_slots_between(10 * s, 11 * s, s), ==, 1);
    /* a tick a little early or late is still the next slot */
    g_assert_cmpuint(hako_stats_slots_between(10 * s, 11 * s - s / 3, s), ==, 1);
    g_assert_cmpuint(hako_stats_slots_between(10 * s, 11 * s + s / 3, s), ==, 1);
    /* a slow poll, thirty slots later */
    g_assert_cmpuint(hako_stats_slots_between(10 * s, 40 * s, s), ==, 30);
    /* within the same slot, or going back: none */
    g_assert_cmpuint(hako_stats_slots_between(10 * s, 10 * s + s / 4, s), ==, 0);
    g_assert_cmpuint(hako_stats_slots_between(10 * s, 9 * s, s), ==, 0);
}

/* Samples taken slowly stand alone on the time axis: NAN in every slot between them, never a
 * figure made up from their neighbours; a fetch within the newest slot completes it. */
static void
test_slow_samples_not_interpolated(void)
{
    g_autoptr(HakoHost) host = _hako_host_new("test:///default", FALSE);
    g_autoptr(HakoDomain) domain = _hako_domain_new(host, "uuid-slow");
    const gint64 s = G_USEC_PER_SEC;
    double values[HAKO_N_DOMAIN_STATS];
    HakoStatsHistory *cpu = hako_domain_get_stats_history(domain, HAKO_DOMAIN_STAT_CPU);
    HakoStatsHistory *disk = hako_domain_get_stats_history(domain, HAKO_DOMAIN_STAT_DISK_READ);

    for (guint i = 0; i < HAKO_N_DOMAIN_STATS; i++)
        values[i] = 10;
    _hako_domain_push_stats_at(domain, values, 100 * s, s);
    g_assert_cmpuint(hako_stats_history_get_n_samples(cpu), ==, 1);

    /* The next slow poll, 30 s later: 29 gaps, then the figure. */
    for (guint i = 0; i < HAKO_N_DOMAIN_STATS; i++)
        values[i] = 40;
    _hako_domain_push_stats_at(domain, values, 130 * s, s);
    g_assert_cmpuint(hako_stats_history_get_n_samples(cpu), ==, 31);
    g_assert_cmpfloat(hako_stats_history_get(cpu, 0), ==, 40);
    for (guint age = 1; age < 30; age++)
        g_assert_true(isnan(hako_stats_history_get(cpu, age)));
    g_assert_cmpfloat(hako_stats_history_get(cpu, 30), ==, 10);

    /* Fast ticks follow, one slot each, a little late or early. */
    values[HAKO_DOMAIN_STAT_CPU] = 50;
    values[HAKO_DOMAIN_STAT_DISK_READ] = NAN; /* a group this tick did not ask for */
    _hako_domain_push_stats_at(domain, values, 131 * s + s / 5, s);
    g_assert_cmpuint(hako_stats_history_get_n_samples(cpu), ==, 32);
    g_assert_cmpfloat(hako_stats_history_get(cpu, 0), ==, 50);
    g_assert_true(isnan(hako_stats_history_get(disk, 0)));

    /* An extra fetch in the same slot completes the newest sample, takes no slot. */
    values[HAKO_DOMAIN_STAT_CPU] = NAN;
    values[HAKO_DOMAIN_STAT_DISK_READ] = 7;
    _hako_domain_push_stats_at(domain, values, 131 * s + s / 2, s);
    g_assert_cmpuint(hako_stats_history_get_n_samples(cpu), ==, 32);
    g_assert_cmpfloat(hako_stats_history_get(cpu, 0), ==, 50);
    g_assert_cmpfloat(hako_stats_history_get(disk, 0), ==, 7);

    /* A gap longer than the history leaves only gaps and the new figure. */
    _hako_host_set_stats_history_length(host, 10);
    hako_domain_list_add(hako_host_get_domains(host), domain);
    _hako_host_set_stats_history_length(host, 10);
    values[HAKO_DOMAIN_STAT_CPU] = 60;
    _hako_domain_push_stats_at(domain, values, 1000 * s, s);
    g_assert_cmpuint(hako_stats_history_get_capacity(cpu), ==, 10);
    g_assert_cmpfloat(hako_stats_history_get(cpu, 0), ==, 60);
    for (guint age = 1; age < 10; age++)
        g_assert_true(isnan(hako_stats_history_get(cpu, age)));
}

int
main(int argc, char *argv[])
{
    setlocale(LC_ALL, "C.UTF-8");
    g_test_init(&argc, &argv, NULL);

    g_test_add_func("/model/stats/history/ring", test_history_ring);
    g_test_add_func("/model/stats/history/capacity", test_history_capacity);
    g_test_add_func("/model/stats/history/steady", test_history_steady);
    g_test_add_func("/model/stats/history/bounded", test_history_bounded);
    g_test_add_func("/model/stats/counter-delta", test_counter_delta);
    g_test_add_func("/model/stats/rate", test_rate);
    g_test_add_func("/model/stats/slots-between", test_slots_between);
    g_test_add_func("/model/stats/slow-samples-not-interpolated",
                    test_slow_samples_not_interpolated);
    g_test_add_func("/model/stats/cpu-percent", test_cpu_percent);
    g_test_add_func("/model/stats/format", test_format);
    g_test_add_func("/model/stats/polled-by", test_polled_by);
    g_test_add_func("/model/stats/domain-and-host", test_domain_and_host_figures);
    return g_test_run();
}
