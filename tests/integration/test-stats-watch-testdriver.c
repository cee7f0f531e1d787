/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Demand-driven polling against libvirt's test driver: which guests and which groups each tick
 * asks for. Only the guests a window watches, if running, at the fast rate, with the groups it
 * shows; every running guest with every group on the slow tick; a guest newly watched at once;
 * and nothing invented in the histories of the guests polled slowly. */
#include "config.h"

#include "hako-connection-manager.h"
#include "hako-engine.h"
#include "hako-stats-poller-private.h"
#include "hako-test-util.h"

#include <math.h>

#define ALL_GROUPS                                                                                 \
    (HAKO_STATS_POLL_CPU | HAKO_STATS_POLL_MEMORY | HAKO_STATS_POLL_DISK | HAKO_STATS_POLL_NETWORK)

typedef struct {
    char *kind;
    HakoStatsPolled groups;
    char **names; /* NULL: every running guest */
} Request;

static void
request_free(gpointer data)
{
    Request *request = data;

    g_free(request->kind);
    g_strfreev(request->names);
    g_free(request);
}

typedef struct {
    HakoConnectionManager *manager;
    HakoHost *host;
    HakoStatsPoller *poller;
    GPtrArray *requests; /* Request, oldest first */
    int consumer;        /* its address is the consumer's key */
} Fixture;

static void
request_cb(HakoStatsPoller *poller,
           const char *kind,
           HakoStatsPolled groups,
           const char *const *uuids,
           guint n_uuids,
           gpointer data)
{
    Fixture *f = data;
    Request *request = g_new0(Request, 1);

    request->kind = g_strdup(kind);
    request->groups = groups;
    if (uuids != NULL) {
        HakoDomainList *list = hako_host_get_domains(f->host);

        request->names = g_new0(char *, n_uuids + 1);
        for (guint i = 0; i < n_uuids; i++)
            request->names[i] =
                g_strdup(hako_domain_get_name(hako_domain_list_lookup(list, uuids[i])));
    }
    g_ptr_array_add(f->requests, request);
}

static void
fixture_setup(Fixture *f, gconstpointer data)
{
    g_autofree char *path = g_test_build_filename(G_TEST_DIST, "data", "testdriver.xml", NULL);
    g_autofree char *uri = g_strdup_printf("test://%s", path);

    f->requests = g_ptr_array_new_with_free_func(request_free);
    f->manager = hako_connection_manager_new(NULL);
    hako_connection_manager_set_stats_options(f->manager, 200, ALL_GROUPS, 120);
    /* No slow tick during the test unless it asks for one. */
    hako_connection_manager_set_stats_slow_interval(f->manager, 600000);
    f->host = hako_connection_manager_add(f->manager, uri, HAKO_CONNECT_NONE);
    hako_connection_manager_connect(f->manager, f->host);
    g_assert_true(hako_test_wait_until(hako_test_host_connected, f->host, 10000));
    f->poller = hako_connection_manager_get_stats_poller(f->manager, f->host);
    g_assert_nonnull(f->poller);
    _hako_stats_poller_set_request_func(f->poller, request_cb, f);
}

static void
fixture_teardown(Fixture *f, gconstpointer data)
{
    if (f->poller != NULL)
        _hako_stats_poller_set_request_func(f->poller, NULL, NULL);
    g_clear_object(&f->manager);
    g_clear_pointer(&f->requests, g_ptr_array_unref);
    hako_test_spin(100);
}

static HakoDomain *
domain(Fixture *f, const char *name)
{
    HakoDomain *d = hako_domain_list_lookup_by_name(hako_host_get_domains(f->host), name);

    g_assert_nonnull(d);
    return d;
}

static void
watch(Fixture *f, HakoStatsPolled groups, const char *const *names)
{
    g_autoptr(GPtrArray) domains = g_ptr_array_new();

    for (guint i = 0; names[i] != NULL; i++)
        g_ptr_array_add(domains, domain(f, names[i]));
    hako_connection_manager_set_watched(f->manager, &f->consumer, domains, groups);
}

typedef struct {
    Fixture *f;
    const char *kind;
    guint from;
    guint found;
} RequestWait;

static gboolean
request_seen(gpointer data)
{
    RequestWait *w = data;

    for (guint i = w->from; i < w->f->requests->len; i++) {
        Request *request = g_ptr_array_index(w->f->requests, i);

        if (g_str_equal(request->kind, w->kind)) {
            w->found = i;
            return TRUE;
        }
    }
    return FALSE;
}

/* The next request of @kind from now on (or since @from when it is not G_MAXUINT). */
static Request *
next_request(Fixture *f, const char *kind, guint from, guint timeout_ms)
{
    RequestWait w = {f, kind, from == G_MAXUINT ? f->requests->len : from, 0};

    if (!hako_test_wait_until(request_seen, &w, timeout_ms))
        return NULL;
    return g_ptr_array_index(f->requests, w.found);
}

static void
assert_names(Request *request, const char *const *expected)
{
    g_autofree char *got = NULL;
    g_autofree char *want = g_strjoinv(" ", (char **)expected);

    g_assert_nonnull(request);
    g_assert_nonnull(request->names);
    got = g_strjoinv(" ", request->names);
    g_assert_cmpstr(got, ==, want);
}

/* Until someone says what they watch, every tick asks for every running guest. */
static void
test_nobody_watching(Fixture *f, gconstpointer data)
{
    Request *request = next_request(f, "full", 0, 5000);

    g_assert_nonnull(request);
    g_assert_null(request->names);
    g_assert_cmpint(request->groups, ==, ALL_GROUPS);
    request = next_request(f, "full", G_MAXUINT, 5000);
    g_assert_nonnull(request);
    g_assert_null(request->names);
}

/* Only the watched running guests, with their groups, each fast tick; a newly watched guest at
 * once, alone; the groups follow what the consumer shows. */
static void
test_fast_ticks_ask_for_watched(Fixture *f, gconstpointer data)
{
    static const char *const first[] = {"tdguest-running-01", "tdguest-running-02",
                                        "tdguest-shutoff-01", NULL};
    static const char *const first_running[] = {"tdguest-running-01", "tdguest-running-02", NULL};
    static const char *const second[] = {"tdguest-running-02", "tdguest-running-03", NULL};
    static const char *const added[] = {"tdguest-running-03", NULL};
    guint mark;
    Request *request;

    g_assert_nonnull(next_request(f, "full", 0, 5000));
    hako_test_spin(50);

    /* Only a guest that does not run: nothing to fetch at once. */
    {
        static const char *const off[] = {"tdguest-shutoff-02", NULL};

        mark = f->requests->len;
        watch(f, HAKO_STATS_POLL_CPU, off);
        hako_test_spin(50);
        g_assert_null(next_request(f, "extra", mark, 0));
    }

    mark = f->requests->len;
    watch(f, HAKO_STATS_POLL_CPU, first);
    /* At once: the new guests alone (the shut-off one is not asked for). */
    request = next_request(f, "extra", mark, 2000);
    assert_names(request, first_running);
    g_assert_cmpint(request->groups, ==, HAKO_STATS_POLL_CPU);
    /* Then each tick: the watched running guests, CPU only. */
    for (guint i = 0; i < 3; i++) {
        request = next_request(f, "fast", G_MAXUINT, 2000);
        assert_names(request, first_running);
        g_assert_cmpint(request->groups, ==, HAKO_STATS_POLL_CPU);
    }
    g_assert_null(next_request(f, "full", mark, 0));

    /* The window scrolls: 03 comes into view, 01 leaves it; a disk column is shown. */
    mark = f->requests->len;
    watch(f, HAKO_STATS_POLL_CPU | HAKO_STATS_POLL_DISK, second);
    request = next_request(f, "extra", mark, 2000);
    assert_names(request, added);
    g_assert_cmpint(request->groups, ==, HAKO_STATS_POLL_CPU | HAKO_STATS_POLL_DISK);
    request = next_request(f, "fast", f->requests->len, 2000);
    assert_names(request, second);
    g_assert_cmpint(request->groups, ==, HAKO_STATS_POLL_CPU | HAKO_STATS_POLL_DISK);

    /* A second consumer adds its guest and its groups to the same ticks. */
    {
        static const char *const third[] = {"tdguest-running-02", "tdguest-running-03",
                                            "tdguest-running-07", NULL};
        g_autoptr(GPtrArray) details = g_ptr_array_new();
        int other;

        g_ptr_array_add(details, domain(f, "tdguest-running-07"));
        hako_connection_manager_set_watched(f->manager, &other, details, HAKO_STATS_POLL_MEMORY);
        request = next_request(f, "fast", f->requests->len, 2000);
        assert_names(request, third);
        g_assert_cmpint(request->groups, ==,
                        HAKO_STATS_POLL_CPU | HAKO_STATS_POLL_DISK | HAKO_STATS_POLL_MEMORY);
        hako_connection_manager_set_watched(f->manager, &other, NULL, 0);
        request = next_request(f, "fast", f->requests->len, 2000);
        assert_names(request, second);
    }

    /* Nothing on screen: the ticks ask for no guest at all. */
    {
        static const char *const none[] = {NULL};

        watch(f, ALL_GROUPS, none);
        request = next_request(f, "fast", f->requests->len, 2000);
        g_assert_nonnull(request);
        g_assert_nonnull(request->names);
        g_assert_null(request->names[0]);
    }
}

/* The slow tick asks for every running guest with every group; guests polled only then get no
 * invented samples in between, and a guest that comes into view has a figure at once. */
static void
test_slow_ticks(Fixture *f, gconstpointer data)
{
    static const char *const shown[] = {"tdguest-running-01", NULL};
    HakoDomain *unwatched = domain(f, "tdguest-running-05");
    HakoStatsHistory *cpu = hako_domain_get_stats_history(unwatched, HAKO_DOMAIN_STAT_CPU);
    Request *request;
    guint samples;

    g_assert_nonnull(next_request(f, "full", 0, 5000));
    watch(f, HAKO_STATS_POLL_CPU, shown);
    g_assert_nonnull(next_request(f, "fast", G_MAXUINT, 2000));
    hako_stats_poller_set_slow_interval(f->poller, 1000);
    request = next_request(f, "full", G_MAXUINT, 3000);
    g_assert_nonnull(request);
    g_assert_null(request->names);
    g_assert_cmpint(request->groups, ==, ALL_GROUPS);
    /* Let the full tick's figures in, then count the unwatched guest's samples between two
     * slow ticks: one per fast tick's slot, all of them gaps but the slow tick's own. */
    hako_test_spin(300);
    samples = hako_stats_history_get_n_samples(cpu);
    g_assert_nonnull(next_request(f, "full", G_MAXUINT, 3000));
    hako_test_spin(300);
    g_assert_cmpuint(hako_stats_history_get_n_samples(cpu), >, samples + 2);
    g_assert_false(isnan(hako_stats_history_get(cpu, 0)));
    for (guint age = 1; age + 1 < hako_stats_history_get_n_samples(cpu) - samples; age++)
        g_assert_true(isnan(hako_stats_history_get(cpu, age)));

    /* Watched now: fetched at once, and its first figure is the rate since the slow tick. */
    {
        static const char *const both[] = {"tdguest-running-01", "tdguest-running-05", NULL};
        static const char *const added[] = {"tdguest-running-05", NULL};
        guint mark = f->requests->len;

        hako_stats_poller_set_slow_interval(f->poller, 600000);
        hako_test_spin(300);
        mark = f->requests->len;
        watch(f, HAKO_STATS_POLL_CPU, both);
        request = next_request(f, "extra", mark, 2000);
        assert_names(request, added);
        hako_test_spin(150);
        g_assert_false(isnan(hako_domain_get_stat(unwatched, HAKO_DOMAIN_STAT_CPU)));
    }
}

/* A poll that runs long makes the next tick wait, and the interval achieved shows it. */
static void
test_achieved_interval(Fixture *f, gconstpointer data)
{
    guint achieved;

    g_assert_nonnull(next_request(f, "full", 0, 5000));
    g_assert_nonnull(next_request(f, "full", G_MAXUINT, 5000));
    g_assert_nonnull(next_request(f, "full", G_MAXUINT, 5000));
    achieved = hako_stats_poller_get_achieved_interval(f->poller);
    g_assert_cmpuint(achieved, >=, 150);
    g_assert_cmpuint(achieved, <=, 2000);
}

int
main(int argc, char *argv[])
{
    g_test_init(&argc, &argv, NULL);
    hako_engine_init();

#define ADD(path, func) g_test_add(path, Fixture, NULL, fixture_setup, func, fixture_teardown)
    ADD("/engine/stats/watch/nobody-watching", test_nobody_watching);
    ADD("/engine/stats/watch/fast-ticks-ask-for-watched", test_fast_ticks_ask_for_watched);
    ADD("/engine/stats/watch/slow-ticks", test_slow_ticks);
    ADD("/engine/stats/watch/achieved-interval", test_achieved_interval);
#undef ADD
    return g_test_run();
}
