/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests of HakoHost: construction, labels, state notifications, its guests and URI checks. */
#include "config.h"

#include "hako-domain-private.h"
#include "hako-host-private.h"

#include <locale.h>
#include <string.h>

typedef struct {
    HakoHost *host;
    GHashTable *notifies; /* property name (interned) -> count */
} Fixture;

static void
notify_cb(GObject *object, GParamSpec *pspec, gpointer user_data)
{
    Fixture *f = user_data;
    guint n = GPOINTER_TO_UINT(g_hash_table_lookup(f->notifies, pspec->name));

    g_hash_table_insert(f->notifies, (gpointer)pspec->name, GUINT_TO_POINTER(n + 1));
}

static guint
notify_count(Fixture *f, const char *name)
{
    return GPOINTER_TO_UINT(g_hash_table_lookup(f->notifies, g_intern_string(name)));
}

static guint
notify_total(Fixture *f)
{
    GHashTableIter iter;
    gpointer value;
    guint total = 0;

    g_hash_table_iter_init(&iter, f->notifies);
    while (g_hash_table_iter_next(&iter, NULL, &value))
        total += GPOINTER_TO_UINT(value);
    return total;
}

static void
fixture_setup(Fixture *f, gconstpointer data)
{
    f->notifies = g_hash_table_new(g_direct_hash, g_direct_equal);
    f->host = _hako_host_new("qemu:///system", FALSE);
    g_object_add_weak_pointer(G_OBJECT(f->host), (gpointer *)&f->host);
    g_signal_connect(f->host, "notify", G_CALLBACK(notify_cb), f);
}

static void
fixture_teardown(Fixture *f, gconstpointer data)
{
    if (f->host != NULL)
        g_object_unref(f->host);
    g_assert_null(f->host);
    g_hash_table_unref(f->notifies);
}

static void
test_new(Fixture *f, gconstpointer data)
{
    g_autofree char *uri = NULL;
    g_autofree char *label = NULL;
    g_autofree char *last_error = NULL;
    g_autoptr(HakoDomainList) domains = NULL;
    gboolean read_only = TRUE;
    HakoHostState state = HAKO_HOST_STATE_CONNECTED;

    g_assert_cmpstr(hako_host_get_uri(f->host), ==, "qemu:///system");
    g_assert_cmpstr(hako_host_get_label(f->host), ==, "QEMU/KVM");
    g_assert_false(hako_host_get_read_only(f->host));
    g_assert_cmpint(hako_host_get_state(f->host), ==, HAKO_HOST_STATE_DISCONNECTED);
    g_assert_null(hako_host_get_last_error(f->host));
    g_assert_false(hako_host_get_autoconnect(f->host));
    g_assert_null(hako_host_get_hostname(f->host));
    g_assert_null(hako_host_get_hypervisor(f->host));
    g_assert_false(hako_host_is_connected(f->host));

    g_object_get(f->host, "uri", &uri, "label", &label, "read-only", &read_only, "state", &state,
                 "last-error", &last_error, "domains", &domains, NULL);
    g_assert_cmpstr(uri, ==, "qemu:///system");
    g_assert_cmpstr(label, ==, "QEMU/KVM");
    g_assert_false(read_only);
    g_assert_cmpint(state, ==, HAKO_HOST_STATE_DISCONNECTED);
    g_assert_null(last_error);
    g_assert_true(domains == hako_host_get_domains(f->host));
    g_assert_cmpuint(notify_total(f), ==, 0);
}

static void
test_new_read_only(Fixture *f, gconstpointer data)
{
    g_autoptr(HakoHost) host = _hako_host_new("qemu+ssh://root@server1/system", TRUE);
    gboolean read_only = FALSE;

    g_assert_cmpstr(hako_host_get_uri(host), ==, "qemu+ssh://root@server1/system");
    g_assert_cmpstr(hako_host_get_label(host), ==, "QEMU/KVM: server1");
    g_assert_true(hako_host_get_read_only(host));
    g_object_get(host, "read-only", &read_only, NULL);
    g_assert_true(read_only);
}

static void
test_set_state(Fixture *f, gconstpointer data)
{
    _hako_host_set_state(f->host, HAKO_HOST_STATE_CONNECTING, NULL);
    g_assert_cmpint(hako_host_get_state(f->host), ==, HAKO_HOST_STATE_CONNECTING);
    g_assert_cmpuint(notify_count(f, "state"), ==, 1);
    g_assert_cmpuint(notify_total(f), ==, 1);

    g_hash_table_remove_all(f->notifies);
    _hako_host_set_state(f->host, HAKO_HOST_STATE_CONNECTING, NULL);
    g_assert_cmpuint(notify_total(f), ==, 0);

    g_hash_table_remove_all(f->notifies);
    _hako_host_set_state(f->host, HAKO_HOST_STATE_DISCONNECTED, "Connection refused");
    g_assert_cmpint(hako_host_get_state(f->host), ==, HAKO_HOST_STATE_DISCONNECTED);
    g_assert_cmpstr(hako_host_get_last_error(f->host), ==, "Connection refused");
    g_assert_cmpuint(notify_count(f, "state"), ==, 1);
    g_assert_cmpuint(notify_count(f, "last-error"), ==, 1);
    g_assert_cmpuint(notify_total(f), ==, 2);

    /* The same error in another buffer is no change. */
    g_hash_table_remove_all(f->notifies);
    {
        g_autofree char *same = g_strdup("Connection refused");

        _hako_host_set_state(f->host, HAKO_HOST_STATE_DISCONNECTED, same);
    }
    g_assert_cmpuint(notify_total(f), ==, 0);

    /* Only the error changes. */
    g_hash_table_remove_all(f->notifies);
    _hako_host_set_state(f->host, HAKO_HOST_STATE_DISCONNECTED, "Host key verification failed");
    g_assert_cmpstr(hako_host_get_last_error(f->host), ==, "Host key verification failed");
    g_assert_cmpuint(notify_count(f, "state"), ==, 0);
    g_assert_cmpuint(notify_count(f, "last-error"), ==, 1);
    g_assert_cmpuint(notify_total(f), ==, 1);

    /* Connecting clears the error. */
    g_hash_table_remove_all(f->notifies);
    _hako_host_set_state(f->host, HAKO_HOST_STATE_CONNECTED, NULL);
    g_assert_null(hako_host_get_last_error(f->host));
    g_assert_cmpuint(notify_count(f, "state"), ==, 1);
    g_assert_cmpuint(notify_count(f, "last-error"), ==, 1);
    g_assert_cmpuint(notify_total(f), ==, 2);
}

static void
state_notify_cb(HakoHost *host, GParamSpec *pspec, char **error_seen)
{
    g_free(*error_seen);
    *error_seen = g_strdup(hako_host_get_last_error(host));
}

static void
test_set_state_notifies_after_both(Fixture *f, gconstpointer data)
{
    g_autofree char *error_seen = NULL;

    /* A handler of notify::state already sees the error that came with the state. */
    _hako_host_set_state(f->host, HAKO_HOST_STATE_CONNECTED, NULL);
    g_signal_connect(f->host, "notify::state", G_CALLBACK(state_notify_cb), &error_seen);
    _hako_host_set_state(f->host, HAKO_HOST_STATE_DISCONNECTED, "Connection lost");
    g_assert_cmpstr(error_seen, ==, "Connection lost");
    g_signal_handlers_disconnect_by_func(f->host, state_notify_cb, &error_seen);
}

static void
test_is_connected(Fixture *f, gconstpointer data)
{
    _hako_host_set_state(f->host, HAKO_HOST_STATE_CONNECTING, NULL);
    g_assert_false(hako_host_is_connected(f->host));
    _hako_host_set_state(f->host, HAKO_HOST_STATE_CONNECTED, NULL);
    g_assert_true(hako_host_is_connected(f->host));
    _hako_host_set_state(f->host, HAKO_HOST_STATE_DISCONNECTED, "gone");
    g_assert_false(hako_host_is_connected(f->host));
}

static void
test_state_to_string(Fixture *f, gconstpointer data)
{
    g_assert_cmpstr(hako_host_state_to_string(HAKO_HOST_STATE_DISCONNECTED), ==, "Disconnected");
    g_assert_cmpstr(hako_host_state_to_string(HAKO_HOST_STATE_CONNECTING), ==, "Connecting…");
    g_assert_cmpstr(hako_host_state_to_string(HAKO_HOST_STATE_CONNECTED), ==, "Connected");
}

static void
test_set_autoconnect(Fixture *f, gconstpointer data)
{
    _hako_host_set_autoconnect(f->host, TRUE);
    g_assert_true(hako_host_get_autoconnect(f->host));
    g_assert_cmpuint(notify_count(f, "autoconnect"), ==, 1);

    /* Any non-zero gboolean is TRUE. */
    _hako_host_set_autoconnect(f->host, 2);
    g_assert_cmpuint(notify_count(f, "autoconnect"), ==, 1);

    _hako_host_set_autoconnect(f->host, FALSE);
    g_assert_false(hako_host_get_autoconnect(f->host));
    g_assert_cmpuint(notify_count(f, "autoconnect"), ==, 2);
    g_assert_cmpuint(notify_total(f), ==, 2);
}

static void
test_set_info(Fixture *f, gconstpointer data)
{
    _hako_host_set_info(f->host, "server1.example.org", "QEMU");
    g_assert_cmpstr(hako_host_get_hostname(f->host), ==, "server1.example.org");
    g_assert_cmpstr(hako_host_get_hypervisor(f->host), ==, "QEMU");
    g_assert_cmpuint(notify_count(f, "hostname"), ==, 1);
    g_assert_cmpuint(notify_count(f, "hypervisor"), ==, 1);

    _hako_host_set_info(f->host, "server1.example.org", "QEMU");
    g_assert_cmpuint(notify_total(f), ==, 2);

    _hako_host_set_info(f->host, "server2.example.org", "QEMU");
    g_assert_cmpuint(notify_count(f, "hostname"), ==, 2);
    g_assert_cmpuint(notify_count(f, "hypervisor"), ==, 1);
}

static void
test_domains_exist(Fixture *f, gconstpointer data)
{
    HakoDomainList *domains = hako_host_get_domains(f->host);

    g_assert_nonnull(domains);
    g_assert_true(HAKO_IS_DOMAIN_LIST(domains));
    g_assert_cmpuint(g_list_model_get_n_items(G_LIST_MODEL(domains)), ==, 0);
    /* The host owns the list; getting it twice gives the same one. */
    g_assert_true(hako_host_get_domains(f->host) == domains);
    g_assert_cmpuint(G_OBJECT(domains)->ref_count, ==, 1);
}

typedef struct {
    guint calls;
    guint position;
    guint removed;
    guint added;
} ItemsChanged;

static void
items_changed_cb(GListModel *model, guint position, guint removed, guint added, ItemsChanged *seen)
{
    seen->calls++;
    seen->position = position;
    seen->removed = removed;
    seen->added = added;
}

static void
test_domains_emptied_on_dispose(Fixture *f, gconstpointer data)
{
    HakoDomainList *domains = g_object_ref(hako_host_get_domains(f->host));
    HakoDomain *a = _hako_domain_new(f->host, "uuid-a");
    HakoDomain *b = _hako_domain_new(f->host, "uuid-b");
    ItemsChanged seen = {0};

    g_object_add_weak_pointer(G_OBJECT(domains), (gpointer *)&domains);
    g_object_add_weak_pointer(G_OBJECT(a), (gpointer *)&a);
    g_object_add_weak_pointer(G_OBJECT(b), (gpointer *)&b);
    hako_domain_list_add(domains, a);
    hako_domain_list_add(domains, b);
    g_object_unref(a);
    g_object_unref(b);
    g_signal_connect(domains, "items-changed", G_CALLBACK(items_changed_cb), &seen);

    /* A view still holding the list sees it emptied, and the guests are freed. */
    g_object_unref(f->host);
    g_assert_null(f->host);
    g_assert_nonnull(domains);
    g_assert_cmpuint(g_list_model_get_n_items(G_LIST_MODEL(domains)), ==, 0);
    g_assert_cmpuint(seen.calls, ==, 1);
    g_assert_cmpuint(seen.position, ==, 0);
    g_assert_cmpuint(seen.removed, ==, 2);
    g_assert_cmpuint(seen.added, ==, 0);
    g_assert_null(a);
    g_assert_null(b);

    g_object_unref(domains);
    g_assert_null(domains);
}

static void
test_domains_outlive_host(Fixture *f, gconstpointer data)
{
    HakoDomain *domain = _hako_domain_new(f->host, "uuid-a");

    /* A guest someone still holds forgets its host when the host goes. */
    hako_domain_list_add(hako_host_get_domains(f->host), domain);
    g_assert_true(hako_domain_get_host(domain) == f->host);
    g_object_unref(f->host);
    g_assert_null(f->host);
    g_assert_null(hako_domain_get_host(domain));
    g_assert_cmpint(G_OBJECT(domain)->ref_count, ==, 1);
    g_object_unref(domain);
}

typedef struct {
    const char *slug;
    const char *uri;
    const char *label;
} LabelCase;

static const LabelCase label_cases[] = {
    {"qemu-system", "qemu:///system", "QEMU/KVM"},
    {"qemu-session", "qemu:///session", "QEMU/KVM User session"},
    {"qemu-ssh", "qemu+ssh://root@server1/system", "QEMU/KVM: server1"},
    {"qemu-ssh-port-query", "qemu+ssh://user@host:2222/system?keyfile=/x", "QEMU/KVM: host"},
    {"qemu-tcp", "qemu+tcp://127.0.0.1:16509/system", "QEMU/KVM: 127.0.0.1"},
    {"qemu-localhost", "qemu://localhost/system", "QEMU/KVM"},
    {"xen", "xen:///", "Xen"},
    {"xen-ssh", "xen+ssh://server2/", "Xen: server2"},
    {"lxc", "lxc:///", "LXC"},
    {"test-default", "test:///default", "Test"},
    {"test-file", "test:///path/to/testdriver.xml", "Test: testdriver.xml"},
};

static void
test_label(gconstpointer data)
{
    const LabelCase *c = data;
    g_autofree char *label = hako_uri_pretty_label(c->uri);
    g_autoptr(HakoHost) host = _hako_host_new(c->uri, FALSE);

    g_assert_cmpstr(label, ==, c->label);
    g_assert_cmpstr(hako_host_get_label(host), ==, c->label);
}

static void
test_label_unparsable(void)
{
    g_autofree char *label = hako_uri_pretty_label("not a uri");

    /* Shown as typed rather than lost. */
    g_assert_cmpstr(label, ==, "not a uri");
}

typedef struct {
    const char *slug;
    const char *uri;
    const char *problem; /* a part of the message that names what is wrong */
} UriCase;

static const UriCase valid_uris[] = {
    {"qemu-system", "qemu:///system", NULL},
    {"qemu-ssh-port-query", "qemu+ssh://user@host:2222/system?keyfile=/x", NULL},
    {"test-default", "test:///default", NULL},
    {"xen", "xen:///", NULL},
    {"qemu-tcp", "qemu+tcp://127.0.0.1:16509/system", NULL},
    {"test-file", "test:///path/to/testdriver.xml", NULL},
    {"qemu-session", "qemu:///session", NULL},
};

static const UriCase invalid_uris[] = {
    {"empty", "", "is empty"},
    {"no-scheme", "qemu", "does not start with a driver name"},
    {"spaces", "not a uri", "contains a space"},
    {"space-in-path", "qemu:///sys tem", "contains a space"},
    {"empty-scheme", "://x", "does not start with a driver name"},
    {"empty-transport", "qemu+:///system", "scheme “qemu+”"},
    {"digit-first", "1qemu:///system", "scheme “1qemu”"},
    {"nothing-after-scheme", "qemu:", "no host and no path"},
    {"empty-authority", "qemu://", "no host and no path"},
    {"port-out-of-range", "qemu+tcp://server1:99999/system", "99999"},
    {"bad-escape", "qemu:///sys%zztem", "%-encoding"},
};

static void
test_uri_accepts(gconstpointer data)
{
    const UriCase *c = data;
    g_autoptr(GError) error = NULL;

    g_assert_true(hako_uri_validate(c->uri, &error));
    g_assert_no_error(error);
    g_assert_true(hako_uri_validate(c->uri, NULL));
}

static void
test_uri_refuses(gconstpointer data)
{
    const UriCase *c = data;
    g_autoptr(GError) error = NULL;

    g_assert_false(hako_uri_validate(c->uri, &error));
    g_assert_error(error, HAKO_MODEL_ERROR, HAKO_MODEL_ERROR_INVALID_URI);
    g_test_message("%s", error->message);
    g_assert_nonnull(strstr(error->message, c->problem));
    /* The message quotes what the user typed. */
    if (*c->uri != '\0') {
        g_autofree char *quoted = g_strdup_printf("“%s”", c->uri);

        g_assert_nonnull(strstr(error->message, quoted));
    }
    /* Callers that do not want the error still get the answer. */
    g_assert_false(hako_uri_validate(c->uri, NULL));
}

static void
test_uri_refuses_null(void)
{
    g_autoptr(GError) error = NULL;

    g_assert_false(hako_uri_validate(NULL, &error));
    g_assert_error(error, HAKO_MODEL_ERROR, HAKO_MODEL_ERROR_INVALID_URI);
}

int
main(int argc, char *argv[])
{
    setlocale(LC_ALL, "");
    g_test_init(&argc, &argv, NULL);

#define ADD(path, func) g_test_add(path, Fixture, NULL, fixture_setup, func, fixture_teardown)
    ADD("/model/host/new/defaults", test_new);
    ADD("/model/host/new/read-only", test_new_read_only);
    ADD("/model/host/set-state/notifies-on-change", test_set_state);
    ADD("/model/host/set-state/notifies-after-both", test_set_state_notifies_after_both);
    ADD("/model/host/is-connected", test_is_connected);
    ADD("/model/host/state-to-string", test_state_to_string);
    ADD("/model/host/set-autoconnect", test_set_autoconnect);
    ADD("/model/host/set-info", test_set_info);
    ADD("/model/host/domains/exist", test_domains_exist);
    ADD("/model/host/domains/emptied-on-dispose", test_domains_emptied_on_dispose);
    ADD("/model/host/domains/outlive-host", test_domains_outlive_host);
#undef ADD

    for (guint i = 0; i < G_N_ELEMENTS(label_cases); i++) {
        g_autofree char *path = g_strdup_printf("/model/host/label/%s", label_cases[i].slug);

        g_test_add_data_func(path, &label_cases[i], test_label);
    }
    g_test_add_func("/model/host/label/unparsable", test_label_unparsable);
    for (guint i = 0; i < G_N_ELEMENTS(valid_uris); i++) {
        g_autofree char *path =
            g_strdup_printf("/model/host/uri-validate/accepts/%s", valid_uris[i].slug);

        g_test_add_data_func(path, &valid_uris[i], test_uri_accepts);
    }
    for (guint i = 0; i < G_N_ELEMENTS(invalid_uris); i++) {
        g_autofree char *path =
            g_strdup_printf("/model/host/uri-validate/refuses/%s", invalid_uris[i].slug);

        g_test_add_data_func(path, &invalid_uris[i], test_uri_refuses);
    }
    g_test_add_func("/model/host/uri-validate/refuses/null", test_uri_refuses_null);

    return g_test_run();
}
