/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests of HakoConnectionSpec: URIs built, parsed back, refused as custom, and checked. */
#include "config.h"

#include "hako-connection-spec.h"
#include "hako-model-types.h"

#include <locale.h>
#include <string.h>

#define Q HAKO_HYPERVISOR_QEMU
#define X HAKO_HYPERVISOR_XEN
#define LOCAL HAKO_TRANSPORT_LOCAL
#define SSH HAKO_TRANSPORT_SSH
#define TLS HAKO_TRANSPORT_TLS

typedef struct {
    const char *slug;
    HakoHypervisor hypervisor;
    HakoTransport transport;
    const char *user;
    const char *host;
    guint port;
    gboolean session;
    const char *query;
    const char *uri;     /* what to_uri() gives */
    const char *problem; /* for the invalid ones: a part of the message */
    gboolean custom;     /* for the invalid ones: the URI is one the fields cannot show */
} SpecCase;

static HakoConnectionSpec *
spec_from_case(const SpecCase *c)
{
    HakoConnectionSpec *spec = hako_connection_spec_new();

    spec->hypervisor = c->hypervisor;
    spec->transport = c->transport;
    spec->user = g_strdup(c->user);
    spec->host = g_strdup(c->host);
    spec->port = c->port;
    spec->session = c->session;
    spec->query = g_strdup(c->query);
    return spec;
}

/* Valid specs whose URI the fields show exactly: to_uri, from_uri and back. */
static const SpecCase round_trips[] = {
    {"qemu-system", Q, LOCAL, NULL, NULL, 0, FALSE, NULL, "qemu:///system", NULL},
    {"qemu-session", Q, LOCAL, NULL, NULL, 0, TRUE, NULL, "qemu:///session", NULL},
    {"qemu-ssh-user-port", Q, SSH, "root", "server", 2222, FALSE, NULL,
     "qemu+ssh://root@server:2222/system", NULL},
    {"qemu-tls", Q, TLS, NULL, "server", 0, FALSE, NULL, "qemu+tls://server/system", NULL},
    {"qemu-tls-ipv4-port", Q, TLS, NULL, "192.0.2.1", 16514, FALSE, NULL,
     "qemu+tls://192.0.2.1:16514/system", NULL},
    {"xen-system", X, LOCAL, NULL, NULL, 0, FALSE, NULL, "xen:///system", NULL},
    {"xen-ssh", X, SSH, "root", "server", 0, FALSE, NULL, "xen+ssh://root@server/system", NULL},
    {"xen-tls-fqdn", X, TLS, NULL, "host.example.com.", 0, FALSE, NULL,
     "xen+tls://host.example.com./system", NULL},
    {"qemu-ssh-ipv6", Q, SSH, "root", "fe80::1", 0, FALSE, NULL, "qemu+ssh://root@[fe80::1]/system",
     NULL},
    {"qemu-ssh-ipv6-port", Q, SSH, NULL, "2001:db8::42", 22, FALSE, NULL,
     "qemu+ssh://[2001:db8::42]:22/system", NULL},
    {"qemu-ssh-session-no-user", Q, SSH, NULL, "server", 0, TRUE, NULL, "qemu+ssh://server/session",
     NULL},
    {"qemu-ssh-query", Q, SSH, "root", "127.0.0.1", 2222, FALSE,
     "keyfile=/root/.ssh/id_ed25519&known_hosts=/tmp/kh&socket=/run/libvirt/x.sock",
     "qemu+ssh://root@127.0.0.1:2222/system?keyfile=/root/.ssh/id_ed25519&known_hosts=/tmp/kh&"
     "socket=/run/libvirt/x.sock",
     NULL},
    {"qemu-local-query-escaped", Q, LOCAL, NULL, NULL, 0, FALSE, "socket=/tmp/a%20b",
     "qemu:///system?socket=/tmp/a%20b", NULL},
    {"qemu-empty-query", Q, LOCAL, NULL, NULL, 0, FALSE, "", "qemu:///system?", NULL},
    {"user-dots-underscores", Q, SSH, "first.last_2-x", "h-1.example", 65535, FALSE, NULL,
     "qemu+ssh://first.last_2-x@h-1.example:65535/system", NULL},
    {"user-machine-account", Q, SSH, "host$", "h", 1, FALSE, NULL, "qemu+ssh://host$@h:1/system",
     NULL},
    {"idn-ascii", Q, SSH, NULL, "xn--bcher-kva.example", 0, FALSE, NULL,
     "qemu+ssh://xn--bcher-kva.example/system", NULL},
    {"digit-first-label", Q, TLS, NULL, "1host.example", 0, FALSE, NULL,
     "qemu+tls://1host.example/system", NULL},
};

/* Fields that do not apply to the transport stay out of the URI and are not checked. */
static const SpecCase ignored_fields[] = {
    {"local-host-user-port", Q, LOCAL, "bad user", "bad host", 99999, FALSE, NULL, "qemu:///system",
     NULL},
    {"tls-user", Q, TLS, "bad user", "server", 0, FALSE, NULL, "qemu+tls://server/system", NULL},
    {"ssh-empty-user", Q, SSH, "", "server", 0, FALSE, NULL, "qemu+ssh://server/system", NULL},
};

/* Specs validate() refuses; their URIs are still built, escaped, and parse back. */
static const SpecCase invalid_specs[] = {
    {"xen-session", X, LOCAL, NULL, NULL, 0, TRUE, NULL, "xen:///session",
     "Xen has no user session: connect to the system instance (/system) instead."},
    {"xen-ssh-session", X, SSH, "root", "server", 0, TRUE, NULL, "xen+ssh://root@server/session",
     "Xen has no user session"},
    {"tls-session", Q, TLS, NULL, "server", 0, TRUE, NULL, "qemu+tls://server/session",
     "A user session cannot be reached over TLS: choose SSH"},
    {"ssh-no-host", Q, SSH, "root", NULL, 0, FALSE, NULL, "qemu+ssh://root@/system",
     "A connection over SSH needs a host: enter the name or address"},
    {"tls-empty-host", Q, TLS, NULL, "", 0, FALSE, NULL, "qemu+tls:///system",
     "A connection over TLS needs a host"},
    {"host-space", Q, SSH, NULL, "bad host", 0, FALSE, NULL, "qemu+ssh://bad%20host/system",
     "“bad host” is not a valid host name: it contains a space. Use letters, digits, hyphens "
     "and dots, or an IP address."},
    {"host-underscore", Q, SSH, NULL, "my_host", 0, FALSE, NULL, "qemu+ssh://my_host/system",
     "“my_host” is not a valid host name: it contains “_”."},
    {"host-slash", Q, TLS, NULL, "a/b", 0, FALSE, NULL, "qemu+tls://a%2Fb/system",
     "“a/b” is not a valid host name: it contains “/”."},
    {"host-at", Q, SSH, "root", "x@y", 0, FALSE, NULL, "qemu+ssh://root@x%40y/system",
     "“x@y” is not a valid host name: it contains “@”."},
    {"host-non-ascii", Q, SSH, NULL, "bücher", 0, FALSE, NULL, "qemu+ssh://b%C3%BCcher/system",
     "“bücher” is not a valid host name: it contains “ü”."},
    {"host-control", Q, SSH, NULL, "a\001b", 0, FALSE, NULL, "qemu+ssh://a%01b/system",
     "is not a valid host name: it contains a control character."},
    {"host-empty-label", Q, SSH, NULL, "a..b", 0, FALSE, NULL, "qemu+ssh://a..b/system",
     "“a..b” is not a valid host name: it has an empty part between dots."},
    {"host-leading-dot", Q, SSH, NULL, ".a", 0, FALSE, NULL, "qemu+ssh://.a/system",
     "“.a” is not a valid host name: it has an empty part between dots."},
    {"host-only-dot", Q, SSH, NULL, "a.b..", 0, FALSE, NULL, "qemu+ssh://a.b../system",
     "“a.b..” is not a valid host name: it has an empty part between dots."},
    {"host-hyphen-start", Q, SSH, NULL, "-a.b", 0, FALSE, NULL, "qemu+ssh://-a.b/system",
     "“-a.b” is not a valid host name: a part between dots cannot start or end with a hyphen."},
    {"host-hyphen-end", Q, SSH, NULL, "a-.b", 0, FALSE, NULL, "qemu+ssh://a-.b/system",
     "cannot start or end with a hyphen."},
    {"ipv4-octet", Q, SSH, NULL, "192.168.1.300", 0, FALSE, NULL, "qemu+ssh://192.168.1.300/system",
     "“192.168.1.300” is not a valid IPv4 address: write four numbers from 0 to 255 separated by "
     "dots, as in 192.0.2.1."},
    {"ipv4-three-numbers", Q, SSH, NULL, "10.0.1", 0, FALSE, NULL, "qemu+ssh://10.0.1/system",
     "“10.0.1” is not a valid IPv4 address"},
    {"ipv6-triple-colon", Q, SSH, NULL, "fe80:::1", 0, FALSE, NULL, "qemu+ssh://[fe80:::1]/system",
     "“fe80:::1” is not a valid IPv6 address: write it as in fe80::1, without brackets and "
     "without a zone.",
     TRUE},
    {"ipv6-brackets", Q, SSH, NULL, "[fe80::1]", 0, FALSE, NULL,
     "qemu+ssh://[%5Bfe80::1%5D]/system", "“[fe80::1]” is not a valid IPv6 address", TRUE},
    {"ipv6-zone", Q, SSH, NULL, "fe80::1%eth0", 0, FALSE, NULL,
     "qemu+ssh://[fe80::1%25eth0]/system", "“fe80::1%eth0” is not a valid IPv6 address"},
    {"user-space", Q, SSH, "my user", "server", 0, FALSE, NULL,
     "qemu+ssh://my%20user@server/system",
     "“my user” is not a valid user name: it contains a space. Use letters, digits, dots, "
     "hyphens and underscores."},
    {"user-at", Q, SSH, "me@home", "server", 0, FALSE, NULL, "qemu+ssh://me%40home@server/system",
     "“me@home” is not a valid user name: it contains “@”."},
    {"user-colon", Q, SSH, "root:secret", "server", 0, FALSE, NULL,
     "qemu+ssh://root%3Asecret@server/system",
     "“root:secret” is not a valid user name: it contains “:”."},
    {"user-hyphen", Q, SSH, "-oProxyCommand=x", "server", 0, FALSE, NULL,
     "qemu+ssh://-oProxyCommand=x@server/system", "is not a valid user name: it contains “=”."},
    {"user-leading-hyphen", Q, SSH, "-root", "server", 0, FALSE, NULL,
     "qemu+ssh://-root@server/system",
     "“-root” is not a valid user name: it cannot start with a hyphen."},
    {"user-dollar-inside", Q, SSH, "a$b", "server", 0, FALSE, NULL, "qemu+ssh://a$b@server/system",
     "“a$b” is not a valid user name: “$” may only end it."},
    {"port-too-big", Q, SSH, NULL, "server", 70000, FALSE, NULL, "qemu+ssh://server:70000/system",
     "Port 70000 is out of range: enter a number from 1 to 65535, or leave the port empty for "
     "the default.",
     TRUE},
};

static void
test_new_defaults(void)
{
    g_autoptr(HakoConnectionSpec) spec = hako_connection_spec_new();
    g_autofree char *uri = hako_connection_spec_to_uri(spec);
    g_autoptr(GError) error = NULL;

    g_assert_cmpint(spec->hypervisor, ==, HAKO_HYPERVISOR_QEMU);
    g_assert_cmpint(spec->transport, ==, HAKO_TRANSPORT_LOCAL);
    g_assert_false(spec->session);
    g_assert_cmpuint(spec->port, ==, 0);
    g_assert_null(spec->user);
    g_assert_null(spec->host);
    g_assert_null(spec->query);
    g_assert_cmpstr(uri, ==, "qemu:///system");
    g_assert_true(hako_connection_spec_validate(spec, &error));
    g_assert_no_error(error);
}

static void
test_round_trip(gconstpointer data)
{
    const SpecCase *c = data;
    g_autoptr(HakoConnectionSpec) spec = spec_from_case(c);
    g_autoptr(HakoConnectionSpec) parsed = hako_connection_spec_new();
    g_autoptr(GError) error = NULL;
    g_autofree char *uri = hako_connection_spec_to_uri(spec);
    g_autofree char *again = NULL;

    g_assert_cmpstr(uri, ==, c->uri);
    g_assert_true(hako_connection_spec_validate(spec, &error));
    g_assert_no_error(error);

    g_assert_true(hako_connection_spec_from_uri(parsed, c->uri));
    g_assert_true(hako_connection_spec_equal(parsed, spec));
    again = hako_connection_spec_to_uri(parsed);
    g_assert_cmpstr(again, ==, c->uri);
}

static void
test_ignored_fields(gconstpointer data)
{
    const SpecCase *c = data;
    g_autoptr(HakoConnectionSpec) spec = spec_from_case(c);
    g_autoptr(HakoConnectionSpec) parsed = hako_connection_spec_new();
    g_autoptr(GError) error = NULL;
    g_autofree char *uri = hako_connection_spec_to_uri(spec);
    g_autofree char *again = NULL;

    g_assert_cmpstr(uri, ==, c->uri);
    g_assert_true(hako_connection_spec_validate(spec, &error));
    g_assert_no_error(error);
    /* The URI parses back to the fields that apply, and builds the same URI again. */
    g_assert_true(hako_connection_spec_from_uri(parsed, uri));
    g_assert_cmpint(parsed->hypervisor, ==, c->hypervisor);
    g_assert_cmpint(parsed->transport, ==, c->transport);
    again = hako_connection_spec_to_uri(parsed);
    g_assert_cmpstr(again, ==, uri);
}

static void
test_invalid(gconstpointer data)
{
    const SpecCase *c = data;
    g_autoptr(HakoConnectionSpec) spec = spec_from_case(c);
    g_autoptr(HakoConnectionSpec) parsed = hako_connection_spec_new();
    g_autoptr(GError) error = NULL;
    g_autofree char *uri = hako_connection_spec_to_uri(spec);

    g_assert_false(hako_connection_spec_validate(spec, &error));
    g_assert_error(error, HAKO_MODEL_ERROR, HAKO_MODEL_ERROR_INVALID_SPEC);
    g_test_message("%s", error->message);
    g_assert_true(g_utf8_validate(error->message, -1, NULL));
    g_assert_nonnull(strstr(error->message, c->problem));
    g_assert_false(hako_connection_spec_validate(spec, NULL));

    /* What the user typed shows in the URI, escaped, and parses back to the same fields (the
     * dialog then keeps showing the same message), unless it cannot be a URI at all. */
    g_assert_cmpstr(uri, ==, c->uri);
    if (c->custom) {
        g_assert_false(hako_connection_spec_from_uri(parsed, uri));
        return;
    }
    g_assert_true(hako_connection_spec_from_uri(parsed, uri));
    g_assert_true(hako_connection_spec_equal(parsed, spec));
}

/* URIs the fields cannot show: from_uri() leaves the spec alone. */
static const struct {
    const char *slug;
    const char *uri;
} custom_uris[] = {
    {"test-driver", "test:///default"},
    {"qemu-tcp", "qemu+tcp://server/system"},
    {"qemu-unix", "qemu+unix:///system"},
    {"qemu-libssh", "qemu+libssh://server/system"},
    {"remote-default-transport", "qemu://server/system"},
    {"local-port", "qemu://:22/system"},
    {"tls-user", "qemu+tls://bob@server/system"},
    {"fragment", "qemu:///system#x"},
    {"upper-case-scheme", "QEMU:///system"},
    {"embed", "qemu:///embed?root=/var/tmp/x"},
    {"trailing-slash", "qemu:///system/"},
    {"xen-empty-path", "xen:///"},
    {"password", "qemu+ssh://root:pw@server/system"},
    {"port-zero", "qemu+ssh://server:0/system"},
    {"escaped-letter", "qemu+ssh://r%6Fot@server/system"},
    {"no-path", "qemu+ssh://server"},
    {"partial", "qemu+ssh://root@serv"},
    {"port-out-of-range", "qemu+ssh://server:99999/system"},
    {"empty", ""},
    {"no-scheme", "qemu"},
    {"spaces", "not a uri"},
    {"ipv6-without-brackets", "qemu+ssh://fe80::1/system"},
};

static void
test_custom(gconstpointer data)
{
    const char *uri = data;
    g_autoptr(HakoConnectionSpec) spec = hako_connection_spec_new();
    g_autoptr(HakoConnectionSpec) before = NULL;

    spec->hypervisor = HAKO_HYPERVISOR_XEN;
    spec->transport = HAKO_TRANSPORT_SSH;
    spec->user = g_strdup("admin");
    spec->host = g_strdup("kept.example");
    spec->port = 2200;
    spec->query = g_strdup("keyfile=/k");
    before = hako_connection_spec_copy(spec);

    g_assert_false(hako_connection_spec_from_uri(spec, uri));
    g_assert_true(hako_connection_spec_equal(spec, before));
}

static void
test_from_uri_null(void)
{
    g_autoptr(HakoConnectionSpec) spec = hako_connection_spec_new();

    g_assert_false(hako_connection_spec_from_uri(spec, NULL));
}

static void
test_from_uri_replaces(void)
{
    g_autoptr(HakoConnectionSpec) spec = hako_connection_spec_new();

    g_assert_true(hako_connection_spec_from_uri(spec, "qemu+ssh://root@a:22/session?x=1"));
    g_assert_true(hako_connection_spec_from_uri(spec, "xen:///system"));
    g_assert_cmpint(spec->hypervisor, ==, HAKO_HYPERVISOR_XEN);
    g_assert_cmpint(spec->transport, ==, HAKO_TRANSPORT_LOCAL);
    /* Nothing is left of the previous URI: local URIs name no host. */
    g_assert_null(spec->user);
    g_assert_null(spec->host);
    g_assert_cmpuint(spec->port, ==, 0);
    g_assert_false(spec->session);
    g_assert_null(spec->query);
}

static void
test_copy_equal(void)
{
    g_autoptr(HakoConnectionSpec) spec = hako_connection_spec_new();
    g_autoptr(HakoConnectionSpec) copy = NULL;
    HakoConnectionSpec *boxed;

    g_assert_true(hako_connection_spec_from_uri(spec, "qemu+ssh://root@server:2222/system?k=v"));
    copy = hako_connection_spec_copy(spec);
    g_assert_true(hako_connection_spec_equal(spec, copy));
    g_assert_true(copy->host != spec->host);
    g_assert_true(copy->user != spec->user);
    g_assert_true(copy->query != spec->query);

    boxed = g_boxed_copy(HAKO_TYPE_CONNECTION_SPEC, spec);
    g_assert_true(hako_connection_spec_equal(boxed, spec));
    g_boxed_free(HAKO_TYPE_CONNECTION_SPEC, boxed);

    copy->port = 22;
    g_assert_false(hako_connection_spec_equal(spec, copy));
    copy->port = spec->port;
    g_free(copy->query);
    copy->query = NULL;
    g_assert_false(hako_connection_spec_equal(spec, copy));
    copy->query = g_strdup(spec->query);
    copy->session = TRUE;
    g_assert_false(hako_connection_spec_equal(spec, copy));

    hako_connection_spec_free(NULL);
}

static void
test_long_names(void)
{
    g_autoptr(HakoConnectionSpec) spec = hako_connection_spec_new();
    g_autoptr(GError) error = NULL;
    g_autofree char *label63 = g_strnfill(63, 'a');
    g_autofree char *label64 = g_strnfill(64, 'a');
    g_autofree char *name253 = NULL;
    g_autofree char *name254 = NULL;
    g_autofree char *name253_dot = NULL;

    /* 4 labels of 63 and the dots: 255; trim the last label to get 253 and 254. */
    name253 = g_strdup_printf("%s.%s.%s.%.61s", label63, label63, label63, label63);
    name254 = g_strdup_printf("%s.%s.%s.%.62s", label63, label63, label63, label63);
    name253_dot = g_strconcat(name253, ".", NULL);
    g_assert_cmpuint(strlen(name253), ==, 253);
    g_assert_cmpuint(strlen(name254), ==, 254);

    spec->transport = HAKO_TRANSPORT_SSH;
    spec->host = g_strdup(label63);
    g_assert_true(hako_connection_spec_validate(spec, &error));
    g_assert_no_error(error);
    g_free(spec->host);
    spec->host = g_strdup(name253);
    g_assert_true(hako_connection_spec_validate(spec, &error));
    g_assert_no_error(error);
    g_free(spec->host);
    spec->host = g_strdup(name253_dot);
    g_assert_true(hako_connection_spec_validate(spec, &error));
    g_assert_no_error(error);

    g_free(spec->host);
    spec->host = g_strdup(label64);
    g_assert_false(hako_connection_spec_validate(spec, &error));
    g_assert_error(error, HAKO_MODEL_ERROR, HAKO_MODEL_ERROR_INVALID_SPEC);
    g_assert_nonnull(strstr(error->message, "a part between dots is longer than 63 characters."));
    g_assert_nonnull(strstr(error->message, label64));
    g_clear_error(&error);

    g_free(spec->host);
    spec->host = g_strdup(name254);
    g_assert_false(hako_connection_spec_validate(spec, &error));
    g_assert_error(error, HAKO_MODEL_ERROR, HAKO_MODEL_ERROR_INVALID_SPEC);
    g_assert_nonnull(strstr(error->message, "it is longer than 253 characters."));
}

static const struct {
    const char *text;
    guint port;
} good_ports[] = {
    {NULL, 0}, {"", 0}, {"1", 1}, {"22", 22}, {"0022", 22}, {"16514", 16514}, {"65535", 65535},
};

static const struct {
    const char *text;
    const char *problem;
} bad_ports[] = {
    {"ssh", "“ssh” is not a port number: enter digits only, from 1 to 65535, or leave the port "
            "empty for the default."},
    {"-1", "“-1” is not a port number"},
    {"+22", "“+22” is not a port number"},
    {" 22", "“ 22” is not a port number"},
    {"2 2", "“2 2” is not a port number"},
    {"22٢", "is not a port number"},
    {"0", "Port 0 is out of range: enter a number from 1 to 65535, or leave the port empty for "
          "the default."},
    {"000", "Port 0 is out of range"},
    {"65536", "Port 65536 is out of range"},
    {"99999999999999999999999", "Port 99999999999999999999999 is out of range"},
};

static void
test_parse_port(void)
{
    for (guint i = 0; i < G_N_ELEMENTS(good_ports); i++) {
        g_autoptr(GError) error = NULL;
        guint port = 12345;

        g_assert_true(hako_connection_spec_parse_port(good_ports[i].text, &port, &error));
        g_assert_no_error(error);
        g_assert_cmpuint(port, ==, good_ports[i].port);
    }
    for (guint i = 0; i < G_N_ELEMENTS(bad_ports); i++) {
        g_autoptr(GError) error = NULL;
        guint port = 12345;

        g_assert_false(hako_connection_spec_parse_port(bad_ports[i].text, &port, &error));
        g_assert_error(error, HAKO_MODEL_ERROR, HAKO_MODEL_ERROR_INVALID_SPEC);
        g_test_message("%s", error->message);
        g_assert_nonnull(strstr(error->message, bad_ports[i].problem));
        g_assert_cmpuint(port, ==, 12345);
        g_assert_false(hako_connection_spec_parse_port(bad_ports[i].text, &port, NULL));
    }
}

int
main(int argc, char *argv[])
{
    setlocale(LC_ALL, "");
    g_test_init(&argc, &argv, NULL);

    g_test_add_func("/model/connection-spec/new/defaults", test_new_defaults);
    for (guint i = 0; i < G_N_ELEMENTS(round_trips); i++) {
        g_autofree char *path =
            g_strdup_printf("/model/connection-spec/round-trip/%s", round_trips[i].slug);

        g_test_add_data_func(path, &round_trips[i], test_round_trip);
    }
    for (guint i = 0; i < G_N_ELEMENTS(ignored_fields); i++) {
        g_autofree char *path =
            g_strdup_printf("/model/connection-spec/ignored-fields/%s", ignored_fields[i].slug);

        g_test_add_data_func(path, &ignored_fields[i], test_ignored_fields);
    }
    for (guint i = 0; i < G_N_ELEMENTS(invalid_specs); i++) {
        g_autofree char *path =
            g_strdup_printf("/model/connection-spec/validate/refuses/%s", invalid_specs[i].slug);

        g_test_add_data_func(path, &invalid_specs[i], test_invalid);
    }
    for (guint i = 0; i < G_N_ELEMENTS(custom_uris); i++) {
        g_autofree char *path =
            g_strdup_printf("/model/connection-spec/from-uri/custom/%s", custom_uris[i].slug);

        g_test_add_data_func(path, custom_uris[i].uri, test_custom);
    }
    g_test_add_func("/model/connection-spec/from-uri/null", test_from_uri_null);
    g_test_add_func("/model/connection-spec/from-uri/replaces", test_from_uri_replaces);
    g_test_add_func("/model/connection-spec/copy-equal", test_copy_equal);
    g_test_add_func("/model/connection-spec/validate/long-names", test_long_names);
    g_test_add_func("/model/connection-spec/parse-port", test_parse_port);

    return g_test_run();
}
