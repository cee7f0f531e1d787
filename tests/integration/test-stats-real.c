/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The stats poller against a private, real libvirtd: a busy QEMU (TCG) guest booted from the
 * memtest86+ ISO, with a disk and a tap NIC, polled by one bulk call per tick; its QEMU stopped
 * (SIGSTOP, a monitor that does not answer) holds back no other guest's figures.
 *
 * Run by tests/harness/with-private-libvirtd (HAKO_TEST_URI, HAKO_TEST_IMAGES). */
#include "config.h"

#include "hako-connection-manager.h"
#include "hako-domain-ops.h"
#include "hako-engine.h"
#include "hako-stats-poller-private.h"
#include "hako-test-util.h"

#include <libvirt/libvirt.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define GUEST "hako-stats"
#define MEMTEST_ISO "/usr/lib/memtest86+/memtest86+x64.iso"

static const char *uri;

typedef struct {
    HakoConnectionManager *manager;
    HakoHost *host;
    HakoStatsPoller *poller;
    HakoDomain *domain;
} Fixture;

static void
define_guest(void)
{
    const char *images = g_getenv("HAKO_TEST_IMAGES");
    g_autofree char *disk = g_build_filename(images, GUEST ".img", NULL);
    g_autofree char *tap = g_strdup_printf("hkst%u", (guint)getpid() % 100000);
    g_autofree char *xml = NULL;
    g_autoptr(GError) error = NULL;
    virConnectPtr conn;
    virDomainPtr dom;

    g_assert_nonnull(images);
    g_assert_true(g_file_test(MEMTEST_ISO, G_FILE_TEST_EXISTS));
    /* An empty 8 MiB disk: SeaBIOS reads it while looking for something to boot. */
    g_assert_true(g_file_set_contents(disk, "", 0, &error));
    g_assert_cmpint(truncate(disk, 8 * 1024 * 1024), ==, 0);
    xml = g_strdup_printf(
        "<domain type='qemu'><name>" GUEST "</name>"
        "<memory unit='MiB'>64</memory><vcpu>1</vcpu>"
        "<os><type arch='x86_64' machine='pc'>hvm</type><boot dev='hd'/><boot dev='cdrom'/></os>"
        "<devices>"
        "<disk type='file' device='disk'><driver name='qemu' type='raw'/>"
        "<source file='%s'/><target dev='vda' bus='virtio'/></disk>"
        "<disk type='file' device='cdrom'><driver name='qemu' type='raw'/>"
        "<source file='" MEMTEST_ISO "'/><target dev='hdc' bus='ide'/><readonly/></disk>"
        "<interface type='ethernet'><target dev='%s' managed='yes'/><model type='virtio'/>"
        "</interface>"
        "<memballoon model='virtio'/>"
        "</devices></domain>",
        disk, tap);
    conn = virConnectOpen(uri);
    g_assert_nonnull(conn);
    dom = virDomainDefineXML(conn, xml);
    g_assert_nonnull(dom);
    virDomainFree(dom);
    virConnectClose(conn);
}

static void
fixture_setup(Fixture *f, gconstpointer data)
{
    f->manager = hako_connection_manager_new(NULL);
    hako_connection_manager_set_stats_options(f->manager, 500,
                                              HAKO_STATS_POLL_CPU | HAKO_STATS_POLL_MEMORY |
                                                  HAKO_STATS_POLL_DISK | HAKO_STATS_POLL_NETWORK,
                                              120);
    f->host = hako_connection_manager_add(f->manager, uri, HAKO_CONNECT_NONE);
    hako_connection_manager_connect(f->manager, f->host);
    g_assert_true(hako_test_wait_until(hako_test_host_connected, f->host, 60000));
    f->poller = hako_connection_manager_get_stats_poller(f->manager, f->host);
    g_assert_nonnull(f->poller);
    f->domain = hako_domain_list_lookup_by_name(hako_host_get_domains(f->host), GUEST);
    g_assert_nonnull(f->domain);
}

static void
fixture_teardown(Fixture *f, gconstpointer data)
{
    g_clear_object(&f->manager);
    hako_test_spin(100);
}

typedef struct {
    gboolean done;
    GError *error;
} ActionWait;

static void
action_cb(GObject *source, GAsyncResult *res, gpointer data)
{
    ActionWait *w = data;

    hako_domain_ops_lifecycle_finish(HAKO_DOMAIN_OPS(source), res, &w->error);
    w->done = TRUE;
}

static gboolean
action_done(gpointer data)
{
    return ((ActionWait *)data)->done;
}

static void
run_action(Fixture *f, HakoDomainAction action)
{
    g_autoptr(HakoDomainOps) ops = hako_domain_ops_new(f->manager);
    ActionWait w = {FALSE, NULL};

    hako_domain_ops_lifecycle_async(ops, f->domain, action, NULL, action_cb, &w);
    g_assert_true(hako_test_wait_until(action_done, &w, 30000));
    g_assert_no_error(w.error);
}

typedef struct {
    HakoDomain *domain;
    HakoDomainStat stat;
    double above;
} FigureWait;

static gboolean
figure_above(gpointer data)
{
    FigureWait *w = data;
    double v = hako_domain_get_stat(w->domain, w->stat);

    return !isnan(v) && v > w->above;
}

static gboolean
figure_known(gpointer data)
{
    FigureWait *w = data;

    return !isnan(hako_domain_get_stat(w->domain, w->stat));
}

static void
assert_no_spikes(HakoDomain *domain)
{
    for (HakoDomainStat stat = 0; stat < HAKO_N_DOMAIN_STATS; stat++) {
        HakoStatsHistory *history = hako_domain_get_stats_history(domain, stat);

        for (guint age = 0; age < hako_stats_history_get_n_samples(history); age++) {
            double v = hako_stats_history_get(history, age);

            if (isnan(v))
                continue;
            g_assert_cmpfloat(v, >=, 0);
            if (stat == HAKO_DOMAIN_STAT_CPU || stat == HAKO_DOMAIN_STAT_CPU_HOST)
                g_assert_cmpfloat(v, <=, 100);
            else if (stat != HAKO_DOMAIN_STAT_MEMORY)
                /* An idle test guest moves nowhere near a gigabyte a second. */
                g_assert_cmpfloat(v, <, 1e9);
        }
    }
}

static void
test_busy_guest(Fixture *f, gconstpointer data)
{
    FigureWait cpu = {f->domain, HAKO_DOMAIN_STAT_CPU, 5};
    FigureWait disk = {f->domain, HAKO_DOMAIN_STAT_DISK_READ, -1};
    FigureWait net = {f->domain, HAKO_DOMAIN_STAT_NET_RX, -1};
    FigureWait memory = {f->domain, HAKO_DOMAIN_STAT_MEMORY, 0};

    run_action(f, HAKO_DOMAIN_ACTION_RUN);
    /* memtest86+ keeps its vCPU busy under TCG. */
    g_assert_true(hako_test_wait_until(figure_above, &cpu, 60000));
    g_test_message("CPU %.1f %% of its vCPU, %.1f %% of the host",
                   hako_domain_get_stat(f->domain, HAKO_DOMAIN_STAT_CPU),
                   hako_domain_get_stat(f->domain, HAKO_DOMAIN_STAT_CPU_HOST));
    g_assert_cmpint(hako_stats_poller_get_method(f->poller), ==, HAKO_STATS_METHOD_BULK);
    g_assert_true(hako_test_wait_until(figure_known, &disk, 10000));
    g_assert_true(hako_test_wait_until(figure_known, &net, 10000));
    g_assert_true(hako_test_wait_until(figure_above, &memory, 10000));
    g_assert_false(isnan(hako_domain_get_stat(f->domain, HAKO_DOMAIN_STAT_DISK_WRITE)));
    g_assert_false(isnan(hako_domain_get_stat(f->domain, HAKO_DOMAIN_STAT_NET_TX)));
    g_test_message("memory %.0f bytes, disk read %.0f B/s, network rx %.0f B/s",
                   hako_domain_get_stat(f->domain, HAKO_DOMAIN_STAT_MEMORY),
                   hako_domain_get_stat(f->domain, HAKO_DOMAIN_STAT_DISK_READ),
                   hako_domain_get_stat(f->domain, HAKO_DOMAIN_STAT_NET_RX));
    g_assert_cmpfloat(hako_domain_get_stat(f->domain, HAKO_DOMAIN_STAT_MEMORY), <=,
                      64.0 * 1024 * 1024);

    /* The host's own figures. */
    g_assert_cmpuint(hako_host_get_n_cpus(f->host), >, 0);
    g_assert_cmpuint(hako_host_get_memory_total(f->host), >, 0);
    g_assert_false(isnan(hako_host_get_stat(f->host, HAKO_HOST_STAT_CPU)));
    g_assert_cmpfloat(hako_host_get_stat(f->host, HAKO_HOST_STAT_CPU), >, 0);
    g_assert_cmpfloat(hako_host_get_stat(f->host, HAKO_HOST_STAT_MEMORY), >, 0);

    /* Stopped and started again, the guest's counters start from zero: no negative or
     * huge figure comes of it. */
    run_action(f, HAKO_DOMAIN_ACTION_FORCE_OFF);
    hako_test_spin(1200);
    run_action(f, HAKO_DOMAIN_ACTION_RUN);
    g_assert_true(hako_test_wait_until(figure_above, &cpu, 60000));
    assert_no_spikes(f->domain);

    /* Switching disk polling off applies from the next tick. */
    hako_connection_manager_set_stats_options(
        f->manager, 500, HAKO_STATS_POLL_CPU | HAKO_STATS_POLL_MEMORY | HAKO_STATS_POLL_NETWORK,
        120);
    g_assert_false(hako_host_get_polled_stats(f->host) & HAKO_STATS_POLL_DISK);
    hako_test_spin(1500);
    g_assert_true(isnan(hako_domain_get_stat(f->domain, HAKO_DOMAIN_STAT_DISK_READ)));
    g_assert_false(isnan(hako_domain_get_stat(f->domain, HAKO_DOMAIN_STAT_CPU)));

    run_action(f, HAKO_DOMAIN_ACTION_FORCE_OFF);
}

/* What the ticks ask for, the last one kept. */
typedef struct {
    guint n;
    char *kind;
    HakoStatsPolled groups;
    gboolean guest; /* whether it named the guest (or every running one) */
    guint n_named;
} Asked;

static void
asked_cb(HakoStatsPoller *poller,
         const char *kind,
         HakoStatsPolled groups,
         const char *const *uuids,
         guint n_uuids,
         gpointer data)
{
    Asked *asked = data;
    const char *uuid = g_object_get_data(G_OBJECT(poller), "test-uuid");

    asked->n++;
    g_free(asked->kind);
    asked->kind = g_strdup(kind);
    asked->groups = groups;
    asked->n_named = n_uuids;
    asked->guest = uuids == NULL;
    for (guint i = 0; uuids != NULL && i < n_uuids; i++)
        asked->guest = asked->guest || g_str_equal(uuids[i], uuid);
}

typedef struct {
    Asked *asked;
    guint after;
    const char *kind;
} AskedWait;

static gboolean
asked_kind(gpointer data)
{
    AskedWait *w = data;

    return w->asked->n > w->after && g_strcmp0(w->asked->kind, w->kind) == 0;
}

static void
wait_asked(Asked *asked, const char *kind)
{
    AskedWait w = {asked, asked->n, kind};

    g_assert_true(hako_test_wait_until(asked_kind, &w, 20000));
}

/* Bulk polling follows what is watched: a guest nobody watches is not asked for at the fast
 * rate; watched, it is fetched at once (virDomainListGetStats) with only the groups shown and
 * has a figure within a tick; shut off, it is asked for no more. */
static void
test_watched_guest(Fixture *f, gconstpointer data)
{
    g_autoptr(GPtrArray) none = g_ptr_array_new();
    g_autoptr(GPtrArray) shown = g_ptr_array_new();
    FigureWait cpu = {f->domain, HAKO_DOMAIN_STAT_CPU, -1};
    FigureWait disk = {f->domain, HAKO_DOMAIN_STAT_DISK_READ, -1};
    Asked asked = {0};
    int consumer;

    g_object_set_data_full(G_OBJECT(f->poller), "test-uuid",
                           g_strdup(hako_domain_get_uuid(f->domain)), g_free);
    _hako_stats_poller_set_request_func(f->poller, asked_cb, &asked);
    hako_connection_manager_set_stats_slow_interval(f->manager, 600000);
    hako_connection_manager_set_watched(f->manager, &consumer, none, HAKO_STATS_POLL_CPU);
    run_action(f, HAKO_DOMAIN_ACTION_RUN);
    /* The full tick that finds it running decides on bulk calls; then fast ticks, without it. */
    wait_asked(&asked, "fast");
    wait_asked(&asked, "fast");
    g_assert_cmpint(hako_stats_poller_get_method(f->poller), ==, HAKO_STATS_METHOD_BULK);
    g_assert_false(asked.guest);
    g_assert_cmpuint(asked.n_named, ==, 0);

    g_ptr_array_add(shown, f->domain);
    {
        AskedWait w = {&asked, asked.n, "extra"};

        /* at once, or as soon as a tick still running is in */
        hako_connection_manager_set_watched(f->manager, &consumer, shown,
                                            HAKO_STATS_POLL_CPU | HAKO_STATS_POLL_DISK);
        g_assert_true(hako_test_wait_until(asked_kind, &w, 5000));
    }
    g_assert_true(asked.guest);
    g_assert_cmpuint(asked.n_named, ==, 1);
    g_assert_cmpint(asked.groups, ==, HAKO_STATS_POLL_CPU | HAKO_STATS_POLL_DISK);
    wait_asked(&asked, "fast");
    g_assert_true(asked.guest);
    g_assert_true(hako_test_wait_until(figure_known, &cpu, 5000));
    g_assert_true(hako_test_wait_until(figure_known, &disk, 5000));
    /* Memory is not shown: not asked for, and no figure is made up. */
    g_assert_true(isnan(hako_domain_get_stat(f->domain, HAKO_DOMAIN_STAT_MEMORY)));
    assert_no_spikes(f->domain);

    run_action(f, HAKO_DOMAIN_ACTION_FORCE_OFF);
    hako_test_spin(200);
    wait_asked(&asked, "fast");
    g_assert_false(asked.guest);

    hako_connection_manager_set_watched(f->manager, &consumer, NULL, HAKO_STATS_POLL_NONE);
    _hako_stats_poller_set_request_func(f->poller, NULL, NULL);
    g_free(asked.kind);
}

#define IDLE "hako-stats-idle"

/* The PID of @name's QEMU, from its command line (guest=NAME,...). */
static pid_t
qemu_pid_of(const char *name)
{
    g_autofree char *needle = g_strdup_printf("guest=%s,", name);
    g_autoptr(GDir) proc = g_dir_open("/proc", 0, NULL);
    const char *entry;

    g_assert_nonnull(proc);
    while ((entry = g_dir_read_name(proc)) != NULL) {
        g_autofree char *path = g_build_filename("/proc", entry, "cmdline", NULL);
        g_autofree char *cmdline = NULL;
        gsize length = 0;

        if (!g_ascii_isdigit(*entry) || !g_file_get_contents(path, &cmdline, &length, NULL))
            continue;
        for (gsize i = 0; i + 1 < length; i++)
            if (cmdline[i] == '\0')
                cmdline[i] = ' ';
        if (strstr(cmdline, "qemu-system") != NULL && strstr(cmdline, needle) != NULL)
            return (pid_t)atoi(entry);
    }
    return 0;
}

static gboolean
idle_running(gpointer host)
{
    HakoDomain *idle = hako_domain_list_lookup_by_name(hako_host_get_domains(host), IDLE);

    return idle != NULL && hako_domain_get_state(idle) == HAKO_DOMAIN_STATE_RUNNING;
}

typedef struct {
    HakoStatsPoller *poller;
    guint ticks;
} TicksWait;

static gboolean
ticks_reached(gpointer data)
{
    TicksWait *w = data;

    return hako_stats_poller_get_n_ticks(w->poller) >= w->ticks;
}

/* A guest whose QEMU does not answer (stopped with SIGSTOP, as a hung monitor) does not hold back
 * the others: the call waiting for it is left behind, and the next ticks, with NOWAIT, skip what
 * its job holds, so another guest's figures keep coming; once it answers again, so do its own. */
static void
test_hung_guest(Fixture *f, gconstpointer data)
{
    g_autoptr(GPtrArray) shown = g_ptr_array_new();
    virConnectPtr conn = virConnectOpen(uri);
    virDomainPtr dom;
    HakoDomain *idle;
    FigureWait idle_cpu = {NULL, HAKO_DOMAIN_STAT_CPU, -1};
    FigureWait busy_memory = {f->domain, HAKO_DOMAIN_STAT_MEMORY, -1};
    TicksWait ticks = {f->poller, 0};
    pid_t pid;
    guint skipped;
    int consumer;

    g_assert_nonnull(conn);
    dom = virDomainDefineXML(conn, "<domain type='qemu'><name>" IDLE "</name>"
                                   "<memory unit='MiB'>32</memory><vcpu>1</vcpu>"
                                   "<os><type arch='x86_64' machine='pc'>hvm</type></os><devices>"
                                   "<emulator>/usr/bin/qemu-system-x86_64</emulator>"
                                   "<memballoon model='virtio'/></devices></domain>");
    g_assert_nonnull(dom);
    g_assert_cmpint(virDomainCreate(dom), ==, 0);
    run_action(f, HAKO_DOMAIN_ACTION_RUN);
    g_assert_true(hako_test_wait_until(idle_running, f->host, 20000));
    idle = hako_domain_list_lookup_by_name(hako_host_get_domains(f->host), IDLE);
    idle_cpu.domain = idle;
    g_ptr_array_add(shown, f->domain);
    g_ptr_array_add(shown, idle);
    hako_connection_manager_set_watched(f->manager, &consumer, shown,
                                        HAKO_STATS_POLL_CPU | HAKO_STATS_POLL_MEMORY);
    g_assert_true(hako_test_wait_until(figure_known, &idle_cpu, 10000));
    g_assert_true(hako_test_wait_until(figure_known, &busy_memory, 10000));
    g_assert_cmpint(hako_stats_poller_get_method(f->poller), ==, HAKO_STATS_METHOD_BULK);

    pid = qemu_pid_of(GUEST);
    g_assert_cmpint(pid, >, 0);
    g_assert_cmpint(kill(pid, SIGSTOP), ==, 0);
    /* The tick that meets it hangs; some seconds later it is left behind and ticks go on. */
    hako_test_spin(1000);
    ticks.ticks = hako_stats_poller_get_n_ticks(f->poller) + 1;
    if (!hako_test_wait_until(ticks_reached, &ticks, 15000)) {
        kill(pid, SIGCONT);
        g_error("ticks stopped behind a guest that does not answer");
    }
    /* From then on no tick waits for it: none is still in flight when the next is due (on the
     * host's connection, where the call left behind holds libvirt's client, each would). */
    skipped = hako_stats_poller_get_n_skipped(f->poller);
    ticks.ticks = hako_stats_poller_get_n_ticks(f->poller) + 5;
    if (!hako_test_wait_until(ticks_reached, &ticks, 30000)) {
        kill(pid, SIGCONT);
        g_error("ticks stopped behind a guest that does not answer (%u, waited for %u)",
                hako_stats_poller_get_n_ticks(f->poller), ticks.ticks);
    }
    g_test_message("ticks skipped while the guest did not answer: %u",
                   hako_stats_poller_get_n_skipped(f->poller) - skipped);
    g_assert_cmpuint(hako_stats_poller_get_n_skipped(f->poller) - skipped, <=, 1);
    g_assert_false(isnan(hako_domain_get_stat(idle, HAKO_DOMAIN_STAT_CPU)));
    g_assert_cmpint(kill(pid, SIGCONT), ==, 0);

    ticks.ticks = hako_stats_poller_get_n_ticks(f->poller) + 3;
    g_assert_true(hako_test_wait_until(ticks_reached, &ticks, 20000));
    g_assert_true(hako_test_wait_until(figure_known, &busy_memory, 10000));
    assert_no_spikes(idle);

    hako_connection_manager_set_watched(f->manager, &consumer, NULL, HAKO_STATS_POLL_NONE);
    run_action(f, HAKO_DOMAIN_ACTION_FORCE_OFF);
    virDomainDestroy(dom);
    virDomainUndefine(dom);
    virDomainFree(dom);
    virConnectClose(conn);
}

int
main(int argc, char *argv[])
{
    g_test_init(&argc, &argv, NULL);
    hako_engine_init();

    uri = g_getenv("HAKO_TEST_URI");
    g_assert_nonnull(uri);
    define_guest();

    g_test_add("/engine/stats/real/busy-guest", Fixture, NULL, fixture_setup, test_busy_guest,
               fixture_teardown);
    g_test_add("/engine/stats/real/watched-guest", Fixture, NULL, fixture_setup, test_watched_guest,
               fixture_teardown);
    g_test_add("/engine/stats/real/hung-guest", Fixture, NULL, fixture_setup, test_hung_guest,
               fixture_teardown);
    return g_test_run();
}
