/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoConnectionManager against a private, real libvirtd with a QEMU guest.
 *
 * Run by tests/harness/with-private-libvirtd, which sets HAKO_TEST_URI,
 * HAKO_TEST_GUEST (a TCG guest that powers off on an ACPI request) and
 * HAKO_TEST_LIBVIRTD_CTL (kill and start the daemon). */
#include "config.h"

#include "hako-connection-manager.h"
#include "hako-domain-ops.h"
#include "hako-engine.h"
#include "hako-test-util.h"

#include <libvirt/libvirt.h>

static const char *uri;
static const char *guest;
static const char *ctl;

typedef struct {
    HakoConnectionManager *manager;
    HakoHost *host;
} Fixture;

static gboolean
host_disconnected(gpointer data)
{
    return hako_host_get_state(data) == HAKO_HOST_STATE_DISCONNECTED;
}

static void
fixture_setup(Fixture *f, gconstpointer data)
{
    f->manager = hako_connection_manager_new(NULL);
    hako_connection_manager_set_retry_delays(f->manager, 200, 1000);
    f->host = hako_connection_manager_add(f->manager, uri, HAKO_CONNECT_NONE);
    hako_connection_manager_connect(f->manager, f->host);
    g_assert_true(hako_test_wait_until(hako_test_host_connected, f->host, 60000));
}

static void
fixture_teardown(Fixture *f, gconstpointer data)
{
    g_clear_object(&f->manager);
    hako_test_spin(100);
}

/* When our own watcher (a second connection) last saw each kind of lifecycle
 * event, to time the model against; and when the last action was asked for. */
static gint64 event_times[16]; /* indexed by virDomainEventType */
static gint64 action_started;

static int
watch_cb(virConnectPtr conn, virDomainPtr dom, int event, int detail, void *opaque)
{
    g_debug("watcher: event %d/%d", event, detail);
    if (event >= 0 && event < (int)G_N_ELEMENTS(event_times))
        event_times[event] = g_get_monotonic_time();
    return 0;
}

/* The time the watcher saw the latest event that puts a guest in @state. */
static gint64
state_event_time(HakoDomainState state)
{
    switch (state) {
    case HAKO_DOMAIN_STATE_RUNNING:
        return MAX(event_times[VIR_DOMAIN_EVENT_STARTED], event_times[VIR_DOMAIN_EVENT_RESUMED]);
    case HAKO_DOMAIN_STATE_PAUSED:
        return event_times[VIR_DOMAIN_EVENT_SUSPENDED];
    case HAKO_DOMAIN_STATE_SHUTOFF:
        return event_times[VIR_DOMAIN_EVENT_STOPPED];
    default:
        g_assert_not_reached();
    }
}

static gboolean
watcher_saw_state(gpointer data)
{
    return state_event_time(GPOINTER_TO_INT(data)) >= action_started;
}

typedef struct {
    HakoDomain *domain;
    HakoDomainState state;
} StateWait;

static gboolean
state_reached(gpointer data)
{
    StateWait *w = data;

    return hako_domain_get_state(w->domain) == w->state;
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

static GError *
try_action(Fixture *f, HakoDomain *domain, HakoDomainAction action)
{
    g_autoptr(HakoDomainOps) ops = hako_domain_ops_new(f->manager);
    ActionWait w = {FALSE, NULL};

    action_started = g_get_monotonic_time();
    hako_domain_ops_lifecycle_async(ops, domain, action, NULL, action_cb, &w);
    g_assert_true(hako_test_wait_until(action_done, &w, 30000));
    return w.error;
}

static void
run_action(Fixture *f, HakoDomain *domain, HakoDomainAction action)
{
    g_autoptr(GError) error = try_action(f, domain, action);

    g_assert_no_error(error);
}

/* The model must show @state within 2 s of libvirt's event. */
static void
expect_state(HakoDomain *domain, HakoDomainState state, guint timeout_ms)
{
    StateWait w = {domain, state};
    gint64 seen;

    g_assert_true(hako_test_wait_until(state_reached, &w, timeout_ms));
    seen = g_get_monotonic_time();
    /* The model may be first: both connections' events reach this one main loop. */
    g_assert_true(hako_test_wait_until(watcher_saw_state, GINT_TO_POINTER(state), 5000));
    g_test_message("state %d seen %" G_GINT64_FORMAT " ms after the watcher's event", state,
                   (seen - state_event_time(state)) / 1000);
    g_assert_cmpint(seen - state_event_time(state), <, 2 * G_USEC_PER_SEC);
}

static gboolean
has_id(gpointer data)
{
    return hako_domain_get_id(data) > 0;
}

static gboolean
reason_is_restored(gpointer data)
{
    return hako_domain_get_state_reason(data) == VIR_DOMAIN_RUNNING_RESTORED;
}

static gboolean
has_managed_save(gpointer data)
{
    return hako_domain_get_managed_save(data);
}

static gboolean
has_no_managed_save(gpointer data)
{
    return !hako_domain_get_managed_save(data);
}

static HakoDomain *
find_guest(Fixture *f)
{
    HakoDomain *domain = hako_domain_list_lookup_by_name(hako_host_get_domains(f->host), guest);

    g_assert_nonnull(domain);
    return domain;
}

static void
test_lifecycle(Fixture *f, gconstpointer data)
{
    virConnectPtr watch = virConnectOpen(uri);
    HakoDomain *domain = find_guest(f);
    int id;

    g_assert_nonnull(watch);
    id = virConnectDomainEventRegisterAny(watch, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                          VIR_DOMAIN_EVENT_CALLBACK(watch_cb), NULL, NULL);
    g_assert_cmpint(id, >=, 0);

    g_assert_cmpint(hako_domain_get_state(domain), ==, HAKO_DOMAIN_STATE_SHUTOFF);
    g_assert_true(hako_domain_get_persistent(domain));
    g_assert_cmpuint(hako_domain_get_vcpus(domain), ==, 1);

    run_action(f, domain, HAKO_DOMAIN_ACTION_RUN);
    expect_state(domain, HAKO_DOMAIN_STATE_RUNNING, 10000);
    /* The refresh after the event brings the new domain ID. */
    g_assert_true(hako_test_wait_until(has_id, domain, 2000));

    run_action(f, domain, HAKO_DOMAIN_ACTION_PAUSE);
    expect_state(domain, HAKO_DOMAIN_STATE_PAUSED, 10000);

    run_action(f, domain, HAKO_DOMAIN_ACTION_RESUME);
    expect_state(domain, HAKO_DOMAIN_STATE_RUNNING, 10000);

    /* ACPI shutdown: the guest powers off once its boot code listens for the
     * power button, which takes SeaBIOS a moment under TCG; ask again until then. */
    {
        StateWait w = {domain, HAKO_DOMAIN_STATE_SHUTOFF};
        int tries = 0;

        do {
            g_autoptr(GError) error = try_action(f, domain, HAKO_DOMAIN_ACTION_SHUTDOWN);

            /* A repeated request can meet the guest powering off: then it must be off. */
            if (error != NULL && !hako_test_wait_until(state_reached, &w, 5000))
                g_assert_no_error(error);
            tries++;
        } while (!hako_test_wait_until(state_reached, &w, 2000) && tries < 15);
        g_assert_cmpint(hako_domain_get_state(domain), ==, HAKO_DOMAIN_STATE_SHUTOFF);
        expect_state(domain, HAKO_DOMAIN_STATE_SHUTOFF, 2000);
        g_assert_cmpint(hako_domain_get_state_reason(domain), ==, 1 /* shut down */);
    }

    /* Save (managed save), then Run restores the saved memory rather than booting. */
    run_action(f, domain, HAKO_DOMAIN_ACTION_RUN);
    expect_state(domain, HAKO_DOMAIN_STATE_RUNNING, 10000);
    g_assert_false(hako_domain_get_managed_save(domain));
    run_action(f, domain, HAKO_DOMAIN_ACTION_SAVE);
    expect_state(domain, HAKO_DOMAIN_STATE_SHUTOFF, 30000);
    g_assert_cmpint(hako_domain_get_state_reason(domain), ==, VIR_DOMAIN_SHUTOFF_SAVED);
    g_assert_true(hako_test_wait_until(has_managed_save, domain, 2000));
    g_assert_true(hako_domain_can(domain, HAKO_DOMAIN_ACTION_RUN));
    run_action(f, domain, HAKO_DOMAIN_ACTION_RUN);
    expect_state(domain, HAKO_DOMAIN_STATE_RUNNING, 30000);
    /* libvirt follows "started (restored)" with "resumed (from snapshot)"; the refresh after
     * the events brings the reason libvirt reports for the guest: restored. */
    g_assert_true(hako_test_wait_until(reason_is_restored, domain, 2000));
    g_assert_true(hako_test_wait_until(has_no_managed_save, domain, 2000));

    run_action(f, domain, HAKO_DOMAIN_ACTION_FORCE_OFF);
    expect_state(domain, HAKO_DOMAIN_STATE_SHUTOFF, 10000);
    g_assert_cmpint(hako_domain_get_state_reason(domain), ==, 2 /* destroyed */);
    g_assert_cmpint(hako_domain_get_id(domain), ==, -1);

    virConnectDomainEventDeregisterAny(watch, id);
    virConnectClose(watch);
}

static gboolean
subprocess_done(gpointer data)
{
    return *(gboolean *)data;
}

static void
subprocess_cb(GObject *source, GAsyncResult *res, gpointer data)
{
    g_autoptr(GError) error = NULL;

    g_subprocess_wait_check_finish(G_SUBPROCESS(source), res, &error);
    g_assert_no_error(error);
    *(gboolean *)data = TRUE;
}

/* Runs the daemon control command while the main loop keeps turning. */
static void
libvirtd_ctl(const char *verb)
{
    g_autofree char *command = g_strdup_printf("%s %s", ctl, verb);
    g_auto(GStrv) argv = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(GSubprocess) process = NULL;
    gboolean done = FALSE;

    g_assert_true(g_shell_parse_argv(command, NULL, &argv, &error));
    process = g_subprocess_newv((const char *const *)argv, G_SUBPROCESS_FLAGS_NONE, &error);
    g_assert_no_error(error);
    g_subprocess_wait_check_async(process, NULL, subprocess_cb, &done);
    g_assert_true(hako_test_wait_until(subprocess_done, &done, 90000));
}

static guint
libvirt_domain_count(void)
{
    virConnectPtr conn = virConnectOpen(uri);
    virDomainPtr *doms = NULL;
    int n;

    g_assert_nonnull(conn);
    n = virConnectListAllDomains(conn, &doms, 0);
    g_assert_cmpint(n, >=, 0);
    for (int i = 0; i < n; i++)
        virDomainFree(doms[i]);
    free(doms);
    virConnectClose(conn);
    return n;
}

static void
count_cb(guint *counter)
{
    (*counter)++;
}

static void
test_daemon_restart(Fixture *f, gconstpointer data)
{
    g_autoptr(HakoDomain) domain = g_object_ref(find_guest(f));
    HakoDomainList *list = hako_host_get_domains(f->host);
    guint before = g_list_model_get_n_items(G_LIST_MODEL(list));
    guint changes = 0;

    g_assert_cmpuint(before, ==, libvirt_domain_count());
    run_action(f, domain, HAKO_DOMAIN_ACTION_RUN);
    {
        StateWait w = {domain, HAKO_DOMAIN_STATE_RUNNING};
        g_assert_true(hako_test_wait_until(state_reached, &w, 10000));
    }

    gulong handler =
        g_signal_connect_swapped(list, "items-changed", G_CALLBACK(count_cb), &changes);
    libvirtd_ctl("kill");
    g_assert_true(hako_test_wait_until(host_disconnected, f->host, 20000));
    g_assert_nonnull(hako_host_get_last_error(f->host));
    g_test_message("disconnected: %s", hako_host_get_last_error(f->host));
    /* The guests stay listed while the daemon is away. */
    g_assert_cmpuint(g_list_model_get_n_items(G_LIST_MODEL(list)), ==, before);

    libvirtd_ctl("start");
    g_assert_true(hako_test_wait_until(hako_test_host_connected, f->host, 60000));
    g_assert_cmpstr(hako_host_get_last_error(f->host), ==, NULL);

    /* Same guests, same objects, no duplicates; QEMU kept running. */
    g_assert_cmpuint(g_list_model_get_n_items(G_LIST_MODEL(list)), ==, before);
    g_assert_cmpuint(libvirt_domain_count(), ==, before);
    g_assert_true(find_guest(f) == domain);
    g_assert_cmpint(hako_domain_get_state(domain), ==, HAKO_DOMAIN_STATE_RUNNING);
    /* Reconciled in place: nothing was removed and added again. */
    g_assert_cmpuint(changes, ==, 0);
    g_signal_handler_disconnect(list, handler);

    /* Events flow on the new connection. */
    run_action(f, domain, HAKO_DOMAIN_ACTION_FORCE_OFF);
    {
        StateWait w = {domain, HAKO_DOMAIN_STATE_SHUTOFF};
        g_assert_true(hako_test_wait_until(state_reached, &w, 2000));
    }
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    uri = g_getenv("HAKO_TEST_URI");
    guest = g_getenv("HAKO_TEST_GUEST");
    ctl = g_getenv("HAKO_TEST_LIBVIRTD_CTL");
    if (uri == NULL || guest == NULL || ctl == NULL) {
        g_printerr("Run me through tests/harness/with-private-libvirtd: HAKO_TEST_URI, "
                   "HAKO_TEST_GUEST and HAKO_TEST_LIBVIRTD_CTL must be set.\n");
        return 1;
    }
    hako_engine_init();

    g_test_add("/engine/real/lifecycle", Fixture, NULL, fixture_setup, test_lifecycle,
               fixture_teardown);
    g_test_add("/engine/real/daemon-restart", Fixture, NULL, fixture_setup, test_daemon_restart,
               fixture_teardown);

    return g_test_run();
}
