/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The stats poller against libvirt's test driver: it has no bulk statistics (it answers with
 * the state alone), so the poller falls back to per-guest calls, once, and still brings CPU
 * figures; ticks never overlap; settings apply at once. */
#include "config.h"

#include "hako-connection-manager.h"
#include "hako-domain-ops.h"
#include "hako-engine.h"
#include "hako-test-util.h"

#include <math.h>

typedef struct {
    GSettings *settings;
    HakoConnectionManager *manager;
    HakoHost *host;
    HakoStatsPoller *poller;
} Fixture;

static char *
testdriver_uri(const char *file)
{
    g_autofree char *path = g_test_build_filename(G_TEST_DIST, "data", file, NULL);

    return g_strdup_printf("test://%s", path);
}

static void
fixture_setup(Fixture *f, gconstpointer data)
{
    g_autofree char *uri = testdriver_uri("testdriver.xml");

    f->settings = g_settings_new(APP_ID);
    f->manager = hako_connection_manager_new(f->settings);
    /* Four ticks a second for the test (the settings' interval is whole seconds). */
    hako_connection_manager_set_stats_options(f->manager, 250,
                                              HAKO_STATS_POLL_CPU | HAKO_STATS_POLL_MEMORY |
                                                  HAKO_STATS_POLL_DISK | HAKO_STATS_POLL_NETWORK,
                                              30);
    f->host = hako_connection_manager_add(f->manager, uri, HAKO_CONNECT_NONE);
    hako_connection_manager_connect(f->manager, f->host);
    g_assert_true(hako_test_wait_until(hako_test_host_connected, f->host, 10000));
    f->poller = hako_connection_manager_get_stats_poller(f->manager, f->host);
    g_assert_nonnull(f->poller);
}

static void
fixture_teardown(Fixture *f, gconstpointer data)
{
    g_clear_object(&f->manager);
    g_clear_object(&f->settings);
    hako_test_spin(100);
}

typedef struct {
    HakoStatsPoller *poller;
    guint ticks;
} TickWait;

static gboolean
ticks_reached(gpointer data)
{
    TickWait *w = data;

    return hako_stats_poller_get_n_ticks(w->poller) >= w->ticks;
}

static void
wait_ticks(Fixture *f, guint more)
{
    TickWait w = {f->poller, hako_stats_poller_get_n_ticks(f->poller) + more};

    g_assert_true(hako_test_wait_until(ticks_reached, &w, 20000));
}

static void
count_cb(HakoHost *host, guint *count)
{
    (*count)++;
}

static void
test_fallback(Fixture *f, gconstpointer data)
{
    HakoDomainList *list = hako_host_get_domains(f->host);
    HakoDomain *running = hako_domain_list_lookup_by_name(list, "tdguest-running-01");
    HakoDomain *shutoff = hako_domain_list_lookup_by_name(list, "tdguest-shutoff-01");
    HakoStatsHistory *cpu;
    guint updates = 0;

    g_assert_nonnull(running);
    g_assert_nonnull(shutoff);
    g_signal_connect(f->host, "stats-updated", G_CALLBACK(count_cb), &updates);
    wait_ticks(f, 3);

    /* Decided once: the test driver's bulk answer has no CPU time. */
    g_assert_cmpint(hako_stats_poller_get_method(f->poller), ==, HAKO_STATS_METHOD_FALLBACK);
    g_assert_cmpuint(updates, >=, 3);
    g_assert_cmpint(hako_host_get_polled_stats(f->host), ==,
                    HAKO_STATS_POLL_CPU | HAKO_STATS_POLL_MEMORY | HAKO_STATS_POLL_DISK |
                        HAKO_STATS_POLL_NETWORK);
    g_assert_cmpuint(hako_host_get_n_cpus(f->host), ==, 16);

    /* CPU figures from virDomainGetInfo, in range; memory from the allocation. */
    cpu = hako_domain_get_stats_history(running, HAKO_DOMAIN_STAT_CPU);
    g_assert_cmpuint(hako_stats_history_get_n_samples(cpu), >=, 2);
    g_assert_cmpuint(hako_stats_history_get_capacity(cpu), ==, 30);
    g_assert_false(isnan(hako_stats_history_get_latest(cpu)));
    g_assert_cmpfloat(hako_stats_history_get_latest(cpu), >, 0);
    g_assert_cmpfloat(hako_stats_history_get_latest(cpu), <=, 100);
    g_assert_cmpfloat(hako_domain_get_stat(running, HAKO_DOMAIN_STAT_CPU_HOST), >=, 0);
    g_assert_cmpfloat(hako_domain_get_stat(running, HAKO_DOMAIN_STAT_CPU_HOST), <=,
                      hako_domain_get_stat(running, HAKO_DOMAIN_STAT_CPU));
    g_assert_cmpfloat(hako_domain_get_stat(running, HAKO_DOMAIN_STAT_MEMORY), >, 0);
    g_test_message("tdguest-running-01: CPU %.1f %%, of the host %.2f %%, memory %.0f bytes",
                   hako_domain_get_stat(running, HAKO_DOMAIN_STAT_CPU),
                   hako_domain_get_stat(running, HAKO_DOMAIN_STAT_CPU_HOST),
                   hako_domain_get_stat(running, HAKO_DOMAIN_STAT_MEMORY));

    /* IP addresses, from the first tick on (the test driver makes them up per NIC). */
    g_assert_nonnull(hako_domain_get_addresses(running));
    g_assert_cmpstr(hako_domain_get_addresses(running)[0], ==, "192.168.122.3");
    g_assert_null(hako_domain_get_addresses(shutoff));

    /* A guest that is not running gets no figures at all. */
    g_assert_cmpuint(hako_stats_history_get_n_samples(hako_domain_get_stats_history(shutoff, 0)),
                     ==, 0);
}

static gboolean
is_shutoff(gpointer data)
{
    return hako_domain_get_state(data) == HAKO_DOMAIN_STATE_SHUTOFF;
}

/* A guest that stops gets one gap, and none of its figures is ever out of range. */
static void
test_stop_and_ranges(Fixture *f, gconstpointer data)
{
    HakoDomainList *list = hako_host_get_domains(f->host);
    HakoDomain *domain = hako_domain_list_lookup_by_name(list, "tdguest-running-02");
    g_autoptr(HakoDomainOps) ops = hako_domain_ops_new(f->manager);
    HakoStatsHistory *cpu;
    guint n;

    g_assert_nonnull(domain);
    wait_ticks(f, 3);
    hako_domain_ops_lifecycle_async(ops, domain, HAKO_DOMAIN_ACTION_FORCE_OFF, NULL, NULL, NULL);
    g_assert_true(hako_test_wait_until(is_shutoff, domain, 5000));
    wait_ticks(f, 2);
    cpu = hako_domain_get_stats_history(domain, HAKO_DOMAIN_STAT_CPU);
    n = hako_stats_history_get_n_samples(cpu);
    g_assert_true(isnan(hako_stats_history_get_latest(cpu)));
    /* Exactly one gap pushed: two more ticks did not add more. */
    wait_ticks(f, 2);
    g_assert_cmpuint(hako_stats_history_get_n_samples(cpu), ==, n);
    for (guint age = 0; age < n; age++) {
        double v = hako_stats_history_get(cpu, age);

        g_assert_true(isnan(v) || (v >= 0 && v <= 100));
    }
}

/* Ticks that come while one still runs are skipped, never stacked. */
static void
test_skips_busy_ticks(Fixture *f, gconstpointer data)
{
    guint skipped;
    guint ticks;

    wait_ticks(f, 1);
    ticks = hako_stats_poller_get_n_ticks(f->poller);
    skipped = hako_stats_poller_get_n_skipped(f->poller);
    /* The first starts; the second finds it running (its result needs the main loop). */
    g_assert_true(hako_stats_poller_poll_now(f->poller));
    g_assert_false(hako_stats_poller_poll_now(f->poller));
    g_assert_false(hako_stats_poller_poll_now(f->poller));
    g_assert_cmpuint(hako_stats_poller_get_n_skipped(f->poller), ==, skipped + 2);
    wait_ticks(f, 1);
    /* Once it is in, the next one starts again. */
    g_assert_cmpuint(hako_stats_poller_get_n_ticks(f->poller), >=, ticks + 1);
    hako_test_spin(50);
    g_assert_true(hako_stats_poller_poll_now(f->poller) ||
                  hako_stats_poller_get_n_skipped(f->poller) > skipped + 2);
}

static gboolean
disk_not_polled(gpointer data)
{
    return !(hako_host_get_polled_stats(data) & HAKO_STATS_POLL_DISK);
}

/* Preferences apply at once, without reconnecting. */
static void
test_settings_apply(Fixture *f, gconstpointer data)
{
    HakoDomain *domain =
        hako_domain_list_lookup_by_name(hako_host_get_domains(f->host), "tdguest-running-03");

    wait_ticks(f, 1);
    g_settings_set_boolean(f->settings, "poll-disk", FALSE);
    g_assert_true(disk_not_polled(f->host));
    g_settings_set_uint(f->settings, "stats-interval", 2);
    g_assert_cmpuint(hako_stats_poller_get_interval(f->poller), ==, 2000);
    g_settings_set_uint(f->settings, "stats-history-length", 15);
    g_assert_cmpuint(hako_stats_history_get_capacity(
                         hako_domain_get_stats_history(domain, HAKO_DOMAIN_STAT_CPU)),
                     ==, 15);
    /* The same poller: nothing was reconnected. */
    g_assert_true(hako_connection_manager_get_stats_poller(f->manager, f->host) == f->poller);

    hako_connection_manager_disconnect(f->manager, f->host);
    g_assert_null(hako_connection_manager_get_stats_poller(f->manager, f->host));
    g_assert_cmpint(hako_host_get_polled_stats(f->host), ==, HAKO_STATS_POLL_NONE);
}

int
main(int argc, char *argv[])
{
    g_test_init(&argc, &argv, NULL);
    hako_engine_init();

#define ADD(path, func) g_test_add(path, Fixture, NULL, fixture_setup, func, fixture_teardown)
    ADD("/engine/stats/testdriver/fallback", test_fallback);
    ADD("/engine/stats/testdriver/stop-and-ranges", test_stop_and_ranges);
    ADD("/engine/stats/testdriver/skips-busy-ticks", test_skips_busy_ticks);
    ADD("/engine/stats/testdriver/settings-apply", test_settings_apply);
#undef ADD
    return g_test_run();
}
