/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoConnectionManager against libvirt's test driver (no daemon). */
#include "config.h"

#include "hako-connection-manager.h"
#include "hako-domain-ops.h"
#include "hako-engine-error.h"
#include "hako-engine.h"
#include "hako-test-util.h"

#include <libvirt/libvirt.h>
#include <string.h>

typedef struct {
    HakoConnectionManager *manager;
    GSettings *settings;
} Fixture;

static void
fixture_setup(Fixture *f, gconstpointer data)
{
    f->settings = g_settings_new("org.hako.Hako");
    f->manager = hako_connection_manager_new(f->settings);
    hako_connection_manager_set_retry_delays(f->manager, 100, 400);
}

static gboolean
pointer_is_null(gpointer data)
{
    return *(gpointer *)data == NULL;
}

static void
fixture_teardown(Fixture *f, gconstpointer data)
{
    HakoConnectionManager *weak = f->manager;

    g_object_add_weak_pointer(G_OBJECT(f->manager), (gpointer *)&weak);
    g_clear_object(&f->manager);
    /* Worker threads drop their task references a moment after the callbacks ran. */
    g_assert_true(hako_test_wait_until(pointer_is_null, &weak, 2000));
    g_settings_reset(f->settings, "connections");
    g_settings_reset(f->settings, "autoconnect");
    g_settings_reset(f->settings, "read-only-connections");
    g_settings_reset(f->settings, "connection-labels");
    g_clear_object(&f->settings);
}

static gboolean
host_settled(gpointer data)
{
    return hako_host_get_state(data) != HAKO_HOST_STATE_CONNECTING;
}

static HakoHost *
connect_and_wait(Fixture *f, const char *uri, HakoConnectFlags flags)
{
    HakoHost *host = hako_connection_manager_add(f->manager, uri, flags);

    hako_connection_manager_connect(f->manager, host);
    g_assert_true(hako_test_wait_until(host_settled, host, 10000));
    return host;
}

static char *
testdriver_uri(const char *file)
{
    g_autofree char *path = g_test_build_filename(G_TEST_DIST, "data", file, NULL);

    return g_strdup_printf("test://%s", path);
}

static void
test_default(Fixture *f, gconstpointer data)
{
    HakoHost *host = connect_and_wait(f, "test:///default", HAKO_CONNECT_NONE);
    HakoDomain *domain;

    g_assert_cmpstr(hako_host_get_last_error(host), ==, NULL);
    g_assert_cmpint(hako_host_get_state(host), ==, HAKO_HOST_STATE_CONNECTED);
    g_assert_cmpstr(hako_host_get_hypervisor(host), ==, "TEST");
    g_assert_cmpstr(hako_host_get_label(host), ==, "Test");

    domain = hako_domain_list_lookup_by_name(hako_host_get_domains(host), "test");
    g_assert_nonnull(domain);
    g_assert_cmpstr(hako_domain_get_uuid(domain), ==, "6695eb01-f6a4-8304-79aa-97f2502e193f");
    g_assert_true(hako_domain_get_host(domain) == host);
    g_assert_cmpuint(hako_domain_get_vcpus(domain), ==, 2);
    g_assert_cmpuint(hako_domain_get_memory(domain), ==, 2097152);
    g_assert_true(hako_domain_get_persistent(domain));
}

/* What the connection tells about its host: the test driver's versions, its node (16 CPUs:
 * 2 NUMA cells of 2 sockets of 2 cores of 2 threads) and its architecture. */
static void
test_details(Fixture *f, gconstpointer data)
{
    HakoHost *host = connect_and_wait(f, "test:///default", HAKO_CONNECT_NONE);
    const HakoHostDetails *details = hako_host_get_details(host);

    g_assert_cmpint(hako_host_get_state(host), ==, HAKO_HOST_STATE_CONNECTED);
    g_assert_cmpstr(details->hypervisor_version, ==, "0.0.2");
    g_assert_nonnull(details->libvirt_version);
    g_assert_true(
        g_regex_match_simple("^[0-9]+\\.[0-9]+\\.[0-9]+$", details->libvirt_version, 0, 0));
    g_assert_cmpstr(details->cpu_arch, ==, "i686");
    g_assert_cmpuint(details->numa_cells, ==, 2);
    g_assert_cmpuint(details->sockets, ==, 4);
    g_assert_cmpuint(details->cores, ==, 2);
    g_assert_cmpuint(details->threads, ==, 2);
    g_assert_cmpuint(details->sockets * details->cores * details->threads, ==, 16);
}

/* A name for a connection: shown instead of the one from its URI, remembered by URI, and
 * given back to the URI's name when cleared. */
static void
test_label(Fixture *f, gconstpointer data)
{
    HakoHost *host = hako_connection_manager_add(f->manager, "test:///default", HAKO_CONNECT_NONE);
    g_autoptr(HakoConnectionManager) second = NULL;
    g_autoptr(GVariant) labels = NULL;
    g_autofree char *printed = NULL;
    guint notified = 0;

    g_signal_connect_swapped(host, "notify::label", G_CALLBACK(g_atomic_int_inc), &notified);
    hako_connection_manager_set_label(f->manager, host, "  Lab server  ");
    g_assert_cmpstr(hako_host_get_label(host), ==, "Lab server");
    g_assert_cmpstr(hako_host_get_custom_label(host), ==, "Lab server");
    g_assert_cmpuint(notified, ==, 1);
    labels = g_settings_get_value(f->settings, "connection-labels");
    printed = g_variant_print(labels, FALSE);
    g_assert_cmpstr(printed, ==, "{'test:///default': 'Lab server'}");

    /* Another manager (Hako started again) finds the name. */
    second = hako_connection_manager_new(f->settings);
    g_assert_cmpstr(hako_host_get_label(hako_connection_manager_add(second, "test:///default", 0)),
                    ==, "Lab server");

    hako_connection_manager_set_label(f->manager, host, "");
    g_assert_cmpstr(hako_host_get_label(host), ==, "Test");
    g_assert_null(hako_host_get_custom_label(host));
    g_clear_pointer(&labels, g_variant_unref);
    labels = g_settings_get_value(f->settings, "connection-labels");
    g_assert_cmpuint(g_variant_n_children(labels), ==, 0);
}

/* Counts per state of tests/data/testdriver.xml (see tests/data/README). */
static void
test_many_guests(Fixture *f, gconstpointer data)
{
    g_autofree char *uri = testdriver_uri("testdriver.xml");
    HakoHost *host = connect_and_wait(f, uri, HAKO_CONNECT_NONE);
    HakoDomainList *list = hako_host_get_domains(host);
    virConnectPtr conn;
    virDomainPtr *doms = NULL;
    int n;
    guint per_state[8] = {0};
    guint managed = 0;
    guint transient = 0;

    g_assert_cmpstr(hako_host_get_last_error(host), ==, NULL);
    g_assert_cmpint(hako_host_get_state(host), ==, HAKO_HOST_STATE_CONNECTED);
    g_assert_cmpuint(g_list_model_get_n_items(G_LIST_MODEL(list)), >=, 50);

    /* Every state the engine reports must be what libvirt itself says. */
    conn = virConnectOpenReadOnly(uri);
    g_assert_nonnull(conn);
    n = virConnectListAllDomains(conn, &doms, 0);
    g_assert_cmpint(n, ==, g_list_model_get_n_items(G_LIST_MODEL(list)));
    for (int i = 0; i < n; i++) {
        char uuid[VIR_UUID_STRING_BUFLEN];
        int state;
        int reason;
        HakoDomain *domain;

        virDomainGetUUIDString(doms[i], uuid);
        g_assert_cmpint(virDomainGetState(doms[i], &state, &reason, 0), ==, 0);
        domain = hako_domain_list_lookup(list, uuid);
        g_assert_nonnull(domain);
        g_assert_cmpstr(hako_domain_get_name(domain), ==, virDomainGetName(doms[i]));
        g_assert_cmpint(hako_domain_get_state(domain), ==, state);
        g_assert_cmpint(hako_domain_get_state_reason(domain), ==, reason);
        g_assert_cmpint(hako_domain_get_persistent(domain), ==, virDomainIsPersistent(doms[i]));
        g_assert_cmpint(hako_domain_get_managed_save(domain), ==,
                        virDomainHasManagedSaveImage(doms[i], 0) == 1);
        virDomainFree(doms[i]);
    }
    free(doms);
    virConnectClose(conn);

    for (guint i = 0; i < g_list_model_get_n_items(G_LIST_MODEL(list)); i++) {
        g_autoptr(HakoDomain) domain = g_list_model_get_item(G_LIST_MODEL(list), i);

        per_state[hako_domain_get_state(domain)]++;
        managed += hako_domain_get_managed_save(domain);
        transient += !hako_domain_get_persistent(domain);
    }
    /* Every state a user can meet is represented. */
    g_assert_cmpuint(per_state[HAKO_DOMAIN_STATE_RUNNING], >=, 5);
    g_assert_cmpuint(per_state[HAKO_DOMAIN_STATE_PAUSED], >=, 5);
    g_assert_cmpuint(per_state[HAKO_DOMAIN_STATE_SHUTOFF], >=, 5);
    g_assert_cmpuint(per_state[HAKO_DOMAIN_STATE_CRASHED], >=, 1);
    g_assert_cmpuint(per_state[HAKO_DOMAIN_STATE_PMSUSPENDED], >=, 1);
    g_assert_cmpuint(managed, >=, 1);
    g_assert_cmpuint(transient, >=, 1);
}

typedef struct {
    gboolean done;
    GError *error;
} ActionWait;

static void
action_cb(GObject *source, GAsyncResult *res, gpointer data)
{
    ActionWait *w = data;

    g_assert_true(g_main_context_is_owner(g_main_context_default()));
    hako_domain_ops_lifecycle_finish(HAKO_DOMAIN_OPS(source), res, &w->error);
    w->done = TRUE;
}

static gboolean
action_done(gpointer data)
{
    return ((ActionWait *)data)->done;
}

static GError *
run_action(Fixture *f, HakoDomain *domain, HakoDomainAction action)
{
    g_autoptr(HakoDomainOps) ops = hako_domain_ops_new(f->manager);
    ActionWait w = {FALSE, NULL};

    hako_domain_ops_lifecycle_async(ops, domain, action, NULL, action_cb, &w);
    g_assert_true(hako_test_wait_until(action_done, &w, 10000));
    return w.error;
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

static void
act_and_expect(Fixture *f, HakoDomain *domain, HakoDomainAction action, HakoDomainState state)
{
    g_autoptr(GError) error = run_action(f, domain, action);
    StateWait w = {domain, state};

    g_assert_no_error(error);
    /* The model follows libvirt's events, within 2 s. */
    g_assert_true(hako_test_wait_until(state_reached, &w, 2000));
}

static void
test_lifecycle(Fixture *f, gconstpointer data)
{
    g_autofree char *uri = testdriver_uri("testdriver.xml");
    HakoHost *host = connect_and_wait(f, uri, HAKO_CONNECT_NONE);
    HakoDomainList *list = hako_host_get_domains(host);
    HakoDomain *domain = NULL;

    /* A persistent running guest. */
    for (guint i = 0; domain == NULL && i < g_list_model_get_n_items(G_LIST_MODEL(list)); i++) {
        g_autoptr(HakoDomain) d = g_list_model_get_item(G_LIST_MODEL(list), i);

        if (hako_domain_get_state(d) == HAKO_DOMAIN_STATE_RUNNING && hako_domain_get_persistent(d))
            domain = d;
    }
    g_assert_nonnull(domain);

    act_and_expect(f, domain, HAKO_DOMAIN_ACTION_PAUSE, HAKO_DOMAIN_STATE_PAUSED);
    g_assert_cmpint(hako_domain_get_state_reason(domain), ==, 1 /* user */);
    act_and_expect(f, domain, HAKO_DOMAIN_ACTION_RESUME, HAKO_DOMAIN_STATE_RUNNING);
    act_and_expect(f, domain, HAKO_DOMAIN_ACTION_FORCE_OFF, HAKO_DOMAIN_STATE_SHUTOFF);
    g_assert_cmpint(hako_domain_get_id(domain), ==, -1);
    act_and_expect(f, domain, HAKO_DOMAIN_ACTION_RUN, HAKO_DOMAIN_STATE_RUNNING);
    act_and_expect(f, domain, HAKO_DOMAIN_ACTION_SAVE, HAKO_DOMAIN_STATE_SHUTOFF);
    {
        StateWait w = {domain, HAKO_DOMAIN_STATE_SHUTOFF};
        g_assert_true(hako_test_wait_until(state_reached, &w, 2000));
    }
    /* The refresh after the event brings the managed-save flag. */
    hako_test_spin(200);
    g_assert_true(hako_domain_get_managed_save(domain));
    act_and_expect(f, domain, HAKO_DOMAIN_ACTION_RUN, HAKO_DOMAIN_STATE_RUNNING);
    hako_test_spin(200);
    g_assert_false(hako_domain_get_managed_save(domain));
    act_and_expect(f, domain, HAKO_DOMAIN_ACTION_SHUTDOWN, HAKO_DOMAIN_STATE_SHUTOFF);

    /* Errors carry libvirt's explanation and the guest's name. */
    {
        g_autoptr(GError) error = run_action(f, domain, HAKO_DOMAIN_ACTION_PAUSE);

        g_assert_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_FAILED);
        g_assert_nonnull(strstr(error->message, hako_domain_get_name(domain)));
        g_assert_nonnull(strstr(error->message, "not running"));
    }
}

static gboolean
has_domain_named(gpointer data)
{
    HakoHost *host = data;

    return hako_domain_list_lookup_by_name(hako_host_get_domains(host), "hako-defined") != NULL;
}

static gboolean
lacks_domain_named(gpointer data)
{
    return !has_domain_named(data);
}

/* Guests defined and undefined by another client appear and vanish. */
static void
test_define_events(Fixture *f, gconstpointer data)
{
    HakoHost *host = connect_and_wait(f, "test:///default", HAKO_CONNECT_NONE);
    virConnectPtr conn = virConnectOpen("test:///default");
    const char *xml = "<domain type='test'><name>hako-defined</name><memory>65536</memory>"
                      "<vcpu>3</vcpu><os><type>hvm</type></os></domain>";
    virDomainPtr dom;
    HakoDomain *domain;
    guint before = g_list_model_get_n_items(G_LIST_MODEL(hako_host_get_domains(host)));

    g_assert_nonnull(conn);
    dom = virDomainDefineXML(conn, xml);
    g_assert_nonnull(dom);
    g_assert_true(hako_test_wait_until(has_domain_named, host, 2000));
    domain = hako_domain_list_lookup_by_name(hako_host_get_domains(host), "hako-defined");
    g_assert_cmpuint(hako_domain_get_vcpus(domain), ==, 3);
    g_assert_cmpint(hako_domain_get_state(domain), ==, HAKO_DOMAIN_STATE_SHUTOFF);
    g_assert_cmpuint(g_list_model_get_n_items(G_LIST_MODEL(hako_host_get_domains(host))), ==,
                     before + 1);

    g_assert_cmpint(virDomainUndefine(dom), ==, 0);
    g_assert_true(hako_test_wait_until(lacks_domain_named, host, 2000));
    g_assert_cmpuint(g_list_model_get_n_items(G_LIST_MODEL(hako_host_get_domains(host))), ==,
                     before);
    virDomainFree(dom);
    virConnectClose(conn);
}

static void
test_invalid_uri(Fixture *f, gconstpointer data)
{
    HakoHost *host = connect_and_wait(f, "not a uri", HAKO_CONNECT_NONE);

    g_assert_cmpint(hako_host_get_state(host), ==, HAKO_HOST_STATE_DISCONNECTED);
    g_assert_nonnull(hako_host_get_last_error(host));
    g_assert_nonnull(strstr(hako_host_get_last_error(host), "not a valid connection URI"));
}

static void
test_unreachable(Fixture *f, gconstpointer data)
{
    g_autoptr(GSocket) socket = NULL;
    g_autoptr(GInetSocketAddress) address = NULL;
    g_autoptr(GSocketAddress) bound = NULL;
    g_autofree char *uri = NULL;
    HakoHost *host;
    guint16 port;

    /* A port on loopback that nobody listens on: bind, never listen. */
    socket = g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
    address = G_INET_SOCKET_ADDRESS(g_inet_socket_address_new_from_string("127.0.0.1", 0));
    g_assert_true(g_socket_bind(socket, G_SOCKET_ADDRESS(address), FALSE, NULL));
    bound = g_socket_get_local_address(socket, NULL);
    port = g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(bound));
    uri = g_strdup_printf("qemu+tcp://127.0.0.1:%u/system", port);

    host = connect_and_wait(f, uri, HAKO_CONNECT_NONE);
    g_assert_cmpint(hako_host_get_state(host), ==, HAKO_HOST_STATE_DISCONNECTED);
    g_assert_nonnull(strstr(hako_host_get_last_error(host), "Could not connect to"));
    /* Never connected in this session: no endless retries. */
    hako_test_spin(300);
    g_assert_cmpint(hako_host_get_state(host), ==, HAKO_HOST_STATE_DISCONNECTED);
}

typedef struct {
    const char *user;
    const char *password;
    guint asked;
} AuthAnswers;

static gboolean
authenticate_cb(HakoConnectionManager *manager,
                HakoHost *host,
                HakoAuthRequest *request,
                gpointer data)
{
    AuthAnswers *answers = data;

    g_assert_true(g_main_context_is_owner(g_main_context_default()));
    answers->asked++;
    if (answers->user == NULL)
        return FALSE;
    for (guint i = 0; i < hako_auth_request_get_n_credentials(request); i++) {
        switch (hako_auth_request_get_credential_type(request, i)) {
        case HAKO_CREDENTIAL_USERNAME:
            hako_auth_request_set_answer(request, i, answers->user);
            break;
        case HAKO_CREDENTIAL_PASSWORD:
            g_assert_nonnull(hako_auth_request_get_prompt(request, i));
            hako_auth_request_set_answer(request, i, answers->password);
            break;
        default:
            g_assert_not_reached();
        }
    }
    hako_auth_request_complete(request);
    return TRUE;
}

static void
test_auth(Fixture *f, gconstpointer data)
{
    g_autofree char *uri = testdriver_uri("testdriver-auth.xml");
    AuthAnswers good = {"hako", "hako-secret", 0};
    AuthAnswers bad = {"hako", "wrong", 0};
    AuthAnswers none = {NULL, NULL, 0};
    gulong id;
    HakoHost *host;

    id = g_signal_connect(f->manager, "authenticate", G_CALLBACK(authenticate_cb), &bad);
    host = connect_and_wait(f, uri, HAKO_CONNECT_NONE);
    g_assert_cmpuint(bad.asked, >=, 1);
    g_assert_cmpint(hako_host_get_state(host), ==, HAKO_HOST_STATE_DISCONNECTED);
    g_assert_nonnull(hako_host_get_last_error(host));
    g_signal_handler_disconnect(f->manager, id);

    id = g_signal_connect(f->manager, "authenticate", G_CALLBACK(authenticate_cb), &none);
    hako_connection_manager_connect(f->manager, host);
    g_assert_true(hako_test_wait_until(host_settled, host, 10000));
    g_assert_cmpuint(none.asked, >=, 1);
    g_assert_cmpint(hako_host_get_state(host), ==, HAKO_HOST_STATE_DISCONNECTED);
    g_assert_nonnull(strstr(hako_host_get_last_error(host), "authentication was cancelled"));
    g_signal_handler_disconnect(f->manager, id);

    id = g_signal_connect(f->manager, "authenticate", G_CALLBACK(authenticate_cb), &good);
    hako_connection_manager_connect(f->manager, host);
    g_assert_true(hako_test_wait_until(host_settled, host, 10000));
    g_assert_cmpuint(good.asked, >=, 1);
    g_assert_cmpstr(hako_host_get_last_error(host), ==, NULL);
    g_assert_cmpint(hako_host_get_state(host), ==, HAKO_HOST_STATE_CONNECTED);
    g_assert_cmpuint(g_list_model_get_n_items(G_LIST_MODEL(hako_host_get_domains(host))), ==, 3);
    g_signal_handler_disconnect(f->manager, id);
}

typedef struct {
    HakoAuthRequest *request;
    GThread *main_thread;
    guint done_notifies;
} PendingAuth;

static void
pending_done_cb(HakoAuthRequest *request, GParamSpec *pspec, PendingAuth *pending)
{
    g_assert_true(g_thread_self() == pending->main_thread);
    pending->done_notifies++;
}

static gboolean
authenticate_later_cb(HakoConnectionManager *manager,
                      HakoHost *host,
                      HakoAuthRequest *request,
                      gpointer data)
{
    PendingAuth *pending = data;

    g_assert_false(hako_auth_request_is_done(request));
    g_set_object(&pending->request, request);
    g_signal_connect(request, "notify::done", G_CALLBACK(pending_done_cb), pending);
    return TRUE; /* the "user" has the dialog open and answers nothing */
}

static gboolean
have_request(gpointer data)
{
    return ((PendingAuth *)data)->request != NULL;
}

static void
test_auth_disconnect_while_asking(Fixture *f, gconstpointer data)
{
    g_autofree char *uri = testdriver_uri("testdriver-auth.xml");
    PendingAuth pending = {NULL, g_thread_self(), 0};
    gboolean done = FALSE;
    gulong id;
    HakoHost *host;

    id = g_signal_connect(f->manager, "authenticate", G_CALLBACK(authenticate_later_cb), &pending);
    host = hako_connection_manager_add(f->manager, uri, HAKO_CONNECT_NONE);
    hako_connection_manager_connect(f->manager, host);
    g_assert_true(hako_test_wait_until(have_request, &pending, 10000));
    g_assert_cmpint(hako_host_get_state(host), ==, HAKO_HOST_STATE_CONNECTING);

    /* The user gives up on the host while the password dialog is open: the request ends
     * (a dialog following notify::done closes), and the worker is not left waiting. */
    hako_connection_manager_disconnect(f->manager, host);
    g_assert_cmpuint(pending.done_notifies, ==, 1);
    g_object_get(pending.request, "done", &done, NULL);
    g_assert_true(done);
    g_assert_cmpint(hako_host_get_state(host), ==, HAKO_HOST_STATE_DISCONNECTED);
    hako_test_spin(300); /* the cancelled open comes back late and must change nothing */
    g_assert_cmpint(hako_host_get_state(host), ==, HAKO_HOST_STATE_DISCONNECTED);
    g_assert_cmpstr(hako_host_get_last_error(host), ==, NULL);

    /* Answering or cancelling a finished request changes nothing. */
    hako_auth_request_complete(pending.request);
    hako_auth_request_cancel(pending.request);
    g_assert_cmpuint(pending.done_notifies, ==, 1);
    g_signal_handler_disconnect(f->manager, id);
    g_signal_handlers_disconnect_by_func(pending.request, pending_done_cb, &pending);
    g_clear_object(&pending.request);
}

/* A crashed guest is still active: it cannot be started, only reset or forced off. */
static void
test_crashed(Fixture *f, gconstpointer data)
{
    g_autofree char *uri = testdriver_uri("testdriver.xml");
    HakoHost *host = connect_and_wait(f, uri, HAKO_CONNECT_NONE);
    HakoDomainList *list = hako_host_get_domains(host);
    HakoDomain *reset = hako_domain_list_lookup_by_name(list, "tdguest-crashed-01");
    HakoDomain *off = hako_domain_list_lookup_by_name(list, "tdguest-crashed-02");
    g_autoptr(GError) error = NULL;

    g_assert_nonnull(reset);
    g_assert_nonnull(off);
    g_assert_cmpint(hako_domain_get_state(off), ==, HAKO_DOMAIN_STATE_CRASHED);
    g_assert_cmpint(hako_domain_get_id(off), >, 0);
    g_assert_false(hako_domain_can(off, HAKO_DOMAIN_ACTION_RUN));
    g_assert_true(hako_domain_can(off, HAKO_DOMAIN_ACTION_RESET));
    g_assert_true(hako_domain_can(off, HAKO_DOMAIN_ACTION_FORCE_OFF));

    /* What the model refuses, libvirt refuses too. */
    error = run_action(f, off, HAKO_DOMAIN_ACTION_RUN);
    g_assert_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_FAILED);
    g_test_message("%s", error->message);
    g_clear_error(&error);

    error = run_action(f, reset, HAKO_DOMAIN_ACTION_RESET);
    g_assert_no_error(error);
    act_and_expect(f, off, HAKO_DOMAIN_ACTION_FORCE_OFF, HAKO_DOMAIN_STATE_SHUTOFF);
    g_assert_true(hako_domain_can(off, HAKO_DOMAIN_ACTION_RUN));
}

static void
test_read_only(Fixture *f, gconstpointer data)
{
    HakoHost *host = connect_and_wait(f, "test:///default", HAKO_CONNECT_READ_ONLY);
    HakoDomain *domain = hako_domain_list_lookup_by_name(hako_host_get_domains(host), "test");
    g_autoptr(GError) error = NULL;

    g_assert_true(hako_host_get_read_only(host));
    g_assert_nonnull(domain);
    error = run_action(f, domain, HAKO_DOMAIN_ACTION_PAUSE);
    g_assert_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_READ_ONLY);
    g_assert_nonnull(strstr(error->message, "read-only"));
}

static void
test_not_connected(Fixture *f, gconstpointer data)
{
    HakoHost *host = connect_and_wait(f, "test:///default", HAKO_CONNECT_NONE);
    g_autoptr(HakoDomain) domain =
        g_object_ref(hako_domain_list_lookup_by_name(hako_host_get_domains(host), "test"));
    g_autoptr(GError) error = NULL;

    hako_connection_manager_disconnect(f->manager, host);
    g_assert_cmpint(hako_host_get_state(host), ==, HAKO_HOST_STATE_DISCONNECTED);
    g_assert_cmpuint(g_list_model_get_n_items(G_LIST_MODEL(hako_host_get_domains(host))), ==, 0);
    error = run_action(f, domain, HAKO_DOMAIN_ACTION_PAUSE);
    g_assert_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_NOT_CONNECTED);

    /* Connecting again lists the guests once. */
    hako_connection_manager_connect(f->manager, host);
    g_assert_true(hako_test_wait_until(host_settled, host, 10000));
    g_assert_cmpint(hako_host_get_state(host), ==, HAKO_HOST_STATE_CONNECTED);
    g_assert_cmpuint(g_list_model_get_n_items(G_LIST_MODEL(hako_host_get_domains(host))), ==, 1);
    hako_connection_manager_connect(f->manager, host);
    g_assert_true(hako_test_wait_until(host_settled, host, 10000));
    g_assert_cmpuint(g_list_model_get_n_items(G_LIST_MODEL(hako_host_get_domains(host))), ==, 1);
}

static void
test_settings(Fixture *f, gconstpointer data)
{
    g_autoptr(HakoConnectionManager) second = NULL;
    g_auto(GStrv) uris = NULL;
    g_auto(GStrv) autoconnect = NULL;
    g_auto(GStrv) read_only = NULL;
    HakoHost *host;
    HakoHost *again;

    hako_connection_manager_add(f->manager, "test:///default",
                                HAKO_CONNECT_AUTOCONNECT | HAKO_CONNECT_READ_ONLY);
    hako_connection_manager_add(f->manager, "qemu:///session", HAKO_CONNECT_REMEMBER);
    again = hako_connection_manager_add(f->manager, "test:///default", HAKO_CONNECT_REMEMBER);
    g_assert_cmpuint(g_list_model_get_n_items(hako_connection_manager_get_hosts(f->manager)), ==,
                     2);

    uris = g_settings_get_strv(f->settings, "connections");
    autoconnect = g_settings_get_strv(f->settings, "autoconnect");
    read_only = g_settings_get_strv(f->settings, "read-only-connections");
    g_assert_cmpuint(g_strv_length(uris), ==, 2);
    g_assert_cmpstr(uris[0], ==, "test:///default");
    g_assert_cmpstr(uris[1], ==, "qemu:///session");
    g_assert_cmpuint(g_strv_length(autoconnect), ==, 1);
    g_assert_cmpstr(read_only[0], ==, "test:///default");

    /* A new manager (the next start of Hako) connects the autoconnect one only. */
    second = hako_connection_manager_new(f->settings);
    g_assert_cmpuint(hako_connection_manager_load(second), ==, 2);
    host = hako_connection_manager_lookup(second, "test:///default");
    g_assert_nonnull(host);
    g_assert_true(hako_host_get_read_only(host));
    g_assert_true(hako_host_get_autoconnect(host));
    g_assert_true(hako_test_wait_until(host_settled, host, 10000));
    g_assert_cmpint(hako_host_get_state(host), ==, HAKO_HOST_STATE_CONNECTED);
    g_assert_cmpint(hako_host_get_state(hako_connection_manager_lookup(second, "qemu:///session")),
                    ==, HAKO_HOST_STATE_DISCONNECTED);

    hako_connection_manager_remove(f->manager, again);
    g_strfreev(uris);
    uris = g_settings_get_strv(f->settings, "connections");
    g_assert_cmpuint(g_strv_length(uris), ==, 1);
    g_strfreev(autoconnect);
    autoconnect = g_settings_get_strv(f->settings, "autoconnect");
    g_assert_cmpuint(g_strv_length(autoconnect), ==, 0);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    hako_engine_init();

#define ADD(path, func) g_test_add(path, Fixture, NULL, fixture_setup, func, fixture_teardown)
    ADD("/engine/testdriver/default", test_default);
    ADD("/engine/testdriver/many-guests", test_many_guests);
    ADD("/engine/testdriver/details", test_details);
    ADD("/engine/testdriver/label", test_label);
    ADD("/engine/testdriver/lifecycle", test_lifecycle);
    ADD("/engine/testdriver/define-events", test_define_events);
    ADD("/engine/testdriver/invalid-uri", test_invalid_uri);
    ADD("/engine/testdriver/unreachable", test_unreachable);
    ADD("/engine/testdriver/crashed", test_crashed);
    ADD("/engine/testdriver/auth", test_auth);
    ADD("/engine/testdriver/auth-disconnect-while-asking", test_auth_disconnect_while_asking);
    ADD("/engine/testdriver/read-only", test_read_only);
    ADD("/engine/testdriver/not-connected", test_not_connected);
    ADD("/engine/testdriver/settings", test_settings);
#undef ADD

    return g_test_run();
}
