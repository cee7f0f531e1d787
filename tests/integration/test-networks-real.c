/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The networks engine against a private, real libvirtd running inside a network namespace of
 * the test's own (tests/harness/with-private-libvirtd --netns: HAKO_TEST_URI, HAKO_TEST_NETNS),
 * so that the bridges, dnsmasq and firewall rules libvirt makes stay inside it: an isolated
 * network with a DHCP range created, started, a TCG guest attached and named as its user,
 * stopped and deleted; clashing subnets and bridge names refused with the reason; autostart on
 * and off; a create that libvirt refuses half-way leaves nothing defined. */
#include "config.h"

#include "hako-connection-manager.h"
#include "hako-engine-error.h"
#include "hako-engine.h"
#include "hako-model-types.h"
#include "hako-networks.h"
#include "hako-test-util.h"

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <string.h>

#define GUEST "hako-net-guest"

static const char *uri;
static const char *netns;

typedef struct {
    HakoConnectionManager *manager;
    HakoHost *host;
    HakoNetworks *networks;
} Fixture;

static void
fixture_set_up(Fixture *f, gconstpointer data)
{
    f->manager = hako_connection_manager_new(NULL);
    f->host = hako_connection_manager_add(f->manager, uri, HAKO_CONNECT_NONE);
    f->networks = hako_networks_new(f->manager);
    g_object_add_weak_pointer(G_OBJECT(f->networks), (gpointer *)&f->networks);
    hako_connection_manager_connect(f->manager, f->host);
    g_assert_true(hako_test_wait_until(hako_test_host_connected, f->host, 60000));
}

static void
fixture_tear_down(Fixture *f, gconstpointer data)
{
    g_object_unref(f->networks);
    g_assert_null(f->networks);
    g_clear_object(&f->manager);
}

/* Waits for the operation started with w as its user data; returns its result (owned by w). */
static GAsyncResult *
wait_result(HakoTestWait *w)
{
    g_assert_true(hako_test_wait_until(hako_test_wait_is_done, w, 60000));
    return w->result;
}

static void
wait_clear(HakoTestWait *w)
{
    g_clear_object(&w->result);
    w->done = FALSE;
}

static GPtrArray *
list_networks(Fixture *f)
{
    g_autoptr(GError) error = NULL;
    HakoTestWait w = {FALSE, NULL};
    GPtrArray *networks;

    hako_networks_list_async(f->networks, f->host, NULL, hako_test_wait_done_cb, &w);
    networks = hako_networks_list_finish(f->networks, wait_result(&w), &error);
    wait_clear(&w);
    g_assert_no_error(error);
    g_assert_nonnull(networks);
    return networks;
}

static HakoNetwork *
find_network(GPtrArray *networks, const char *name)
{
    for (guint i = 0; i < networks->len; i++)
        if (g_str_equal(hako_network_get_name(networks->pdata[i]), name))
            return networks->pdata[i];
    return NULL;
}

static gboolean
listed(Fixture *f, const char *name)
{
    g_autoptr(GPtrArray) networks = list_networks(f);

    return find_network(networks, name) != NULL;
}

/* Whether libvirt itself knows the network (defined or running). */
static gboolean
libvirt_has(const char *name)
{
    virConnectPtr conn = virConnectOpen(uri);
    virNetworkPtr net;

    g_assert_nonnull(conn);
    net = virNetworkLookupByName(conn, name);
    if (net != NULL)
        virNetworkFree(net);
    virResetLastError();
    virConnectClose(conn);
    return net != NULL;
}

static HakoNetwork *
create(Fixture *f, const HakoNetworkSpec *spec, GError **error)
{
    HakoTestWait w = {FALSE, NULL};
    HakoNetwork *network;

    hako_networks_create_async(f->networks, f->host, spec, NULL, hako_test_wait_done_cb, &w);
    network = hako_networks_create_finish(f->networks, wait_result(&w), error);
    wait_clear(&w);
    return network;
}

static HakoNetworkSpec *
isolated_spec(const char *name, const char *bridge, const char *ipv4)
{
    HakoNetworkSpec *spec = hako_network_spec_new();

    spec->name = g_strdup(name);
    spec->mode = HAKO_NETWORK_MODE_ISOLATED;
    spec->bridge = g_strdup(bridge);
    spec->ipv4_network = g_strdup(ipv4);
    return spec;
}

typedef enum {
    OP_START,
    OP_STOP,
    OP_DELETE,
    OP_AUTOSTART_ON,
    OP_AUTOSTART_OFF,
} Op;

/* Runs one named operation; for a delete, @users gets the guests it named. */
static gboolean
run_op(Fixture *f, Op op, const char *name, char ***users, GError **error)
{
    HakoTestWait w = {FALSE, NULL};
    gboolean ok = FALSE;

    switch (op) {
    case OP_START:
        hako_networks_start_async(f->networks, f->host, name, NULL, hako_test_wait_done_cb, &w);
        ok = hako_networks_start_finish(f->networks, wait_result(&w), error);
        break;
    case OP_STOP:
        hako_networks_stop_async(f->networks, f->host, name, NULL, hako_test_wait_done_cb, &w);
        ok = hako_networks_stop_finish(f->networks, wait_result(&w), error);
        break;
    case OP_DELETE:
        hako_networks_delete_async(f->networks, f->host, name, NULL, hako_test_wait_done_cb, &w);
        ok = hako_networks_delete_finish(f->networks, wait_result(&w), users, error);
        break;
    case OP_AUTOSTART_ON:
    case OP_AUTOSTART_OFF:
        hako_networks_set_autostart_async(f->networks, f->host, name, op == OP_AUTOSTART_ON, NULL,
                                          hako_test_wait_done_cb, &w);
        ok = hako_networks_set_autostart_finish(f->networks, wait_result(&w), error);
        break;
    default:
        g_assert_not_reached();
    }
    wait_clear(&w);
    return ok;
}

static char **
list_users(Fixture *f, const char *name)
{
    g_autoptr(GError) error = NULL;
    HakoTestWait w = {FALSE, NULL};
    char **users;

    hako_networks_list_users_async(f->networks, f->host, name, NULL, hako_test_wait_done_cb, &w);
    users = hako_networks_list_users_finish(f->networks, wait_result(&w), &error);
    wait_clear(&w);
    g_assert_no_error(error);
    g_assert_nonnull(users);
    return users;
}

/* Runs a command line; returns its output (stdout and stderr) and sets *status to its exit
 * status. */
static char *
run(const char *command, int *status)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    int wait_status = 0;

    g_assert_true(g_spawn_command_line_sync(command, &out, &err, &wait_status, &error));
    g_assert_no_error(error);
    *status = g_spawn_check_wait_status(wait_status, NULL) ? 0 : 1;
    return g_strconcat(out, err, NULL);
}

/* Whether the link exists: inside the test's namespace (in_netns) or in the root namespace. */
static gboolean
link_exists(const char *ifname, gboolean in_netns, char **output)
{
    g_autofree char *cmd = in_netns ? g_strdup_printf("ip -n %s addr show dev %s", netns, ifname)
                                    : g_strdup_printf("ip addr show dev %s", ifname);
    g_autofree char *out = NULL;
    int status;

    out = run(cmd, &status);
    if (output != NULL)
        *output = g_steal_pointer(&out);
    return status == 0;
}

static void
define_and_start_guest(const char *network)
{
    /* the URI quoted: g_spawn_command_line_sync() parses it as a shell would */
    g_autofree char *cmd =
        g_strdup_printf("%s --network %s '%s' " GUEST " %s", g_getenv("HAKO_TEST_ACPI_GUEST"),
                        network, uri, g_getenv("HAKO_TEST_IMAGES"));
    g_autofree char *out = NULL;
    virConnectPtr conn;
    virDomainPtr dom;
    int status;

    out = run(cmd, &status);
    if (status != 0)
        g_error("acpi-guest failed: %s", out);
    conn = virConnectOpen(uri);
    g_assert_nonnull(conn);
    dom = virDomainLookupByName(conn, GUEST);
    g_assert_nonnull(dom);
    g_assert_cmpint(virDomainCreate(dom), ==, 0);
    virDomainFree(dom);
    virConnectClose(conn);
}

static void
destroy_guest(void)
{
    virConnectPtr conn = virConnectOpen(uri);
    virDomainPtr dom;

    g_assert_nonnull(conn);
    dom = virDomainLookupByName(conn, GUEST);
    g_assert_nonnull(dom);
    g_assert_cmpint(virDomainDestroy(dom), ==, 0);
    g_assert_cmpint(virDomainUndefine(dom), ==, 0);
    virDomainFree(dom);
    virConnectClose(conn);
}

/* Create an isolated network with a DHCP range, see it run inside the namespace only, attach a
 * guest, see it named, stop and delete the network. */
static void
test_lifecycle(Fixture *f, gconstpointer data)
{
    g_autoptr(HakoNetworkSpec) spec = isolated_spec("hako-iso", "hakoiso0", "10.77.10.0/24");
    g_autoptr(HakoNetwork) created = NULL;
    g_autoptr(GPtrArray) networks = NULL;
    g_autoptr(GError) error = NULL;
    g_auto(GStrv) users = NULL;
    g_auto(GStrv) deleted_users = NULL;
    g_autofree char *addr = NULL;
    g_autofree char *ports = NULL;
    g_autofree char *cmd = NULL;
    HakoNetwork *network;
    HakoNetworkIp *ip;
    const HakoNetworkRange *range;
    int status;

    /* The seeded daemon has libvirt's default network defined, never started here. */
    networks = list_networks(f);
    network = find_network(networks, "default");
    g_assert_nonnull(network);
    g_assert_false(hako_network_get_active(network));
    g_assert_null(find_network(networks, "hako-iso"));
    g_clear_pointer(&networks, g_ptr_array_unref);

    spec->dhcp_start = g_strdup("10.77.10.100");
    spec->dhcp_end = g_strdup("10.77.10.199");
    spec->dns_domain = g_strdup("iso.test");
    created = create(f, spec, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(hako_network_get_name(created), ==, "hako-iso");
    g_assert_true(hako_network_get_active(created));
    g_assert_true(hako_network_get_persistent(created));
    g_assert_false(hako_network_get_autostart(created));
    g_assert_cmpint(hako_network_get_forward_mode(created), ==, HAKO_NETWORK_MODE_ISOLATED);
    g_assert_cmpstr(hako_network_get_bridge(created), ==, "hakoiso0");

    /* The bridge with the host's address: inside the namespace, not in the root one. */
    g_assert_true(link_exists("hakoiso0", TRUE, &addr));
    g_assert_nonnull(strstr(addr, "inet 10.77.10.1/24"));
    g_assert_false(link_exists("hakoiso0", FALSE, NULL));

    /* Listed as libvirt describes it. */
    networks = list_networks(f);
    network = find_network(networks, "hako-iso");
    g_assert_nonnull(network);
    g_assert_true(hako_network_get_active(network));
    g_assert_nonnull(hako_network_get_uuid(network));
    g_assert_cmpstr(hako_network_get_dns_domain(network), ==, "iso.test");
    g_assert_nonnull(strstr(hako_network_get_xml(network), "<name>hako-iso</name>"));
    g_assert_cmpuint(hako_network_get_ips(network)->len, ==, 1);
    ip = hako_network_get_ips(network)->pdata[0];
    g_assert_cmpstr(ip->address, ==, "10.77.10.1");
    g_assert_cmpuint(ip->prefix, ==, 24);
    g_assert_cmpuint(ip->dhcp_ranges->len, ==, 1);
    range = ip->dhcp_ranges->pdata[0];
    g_assert_cmpstr(range->start, ==, "10.77.10.100");
    g_assert_cmpstr(range->end, ==, "10.77.10.199");
    g_clear_pointer(&networks, g_ptr_array_unref);

    /* Nobody uses it yet; then a running guest with an interface on it does. */
    users = list_users(f, "hako-iso");
    g_assert_cmpuint(g_strv_length(users), ==, 0);
    g_clear_pointer(&users, g_strfreev);
    define_and_start_guest("hako-iso");
    cmd = g_strdup_printf("ip -n %s -o link show master hakoiso0", netns);
    ports = run(cmd, &status);
    g_assert_cmpint(status, ==, 0);
    g_assert_nonnull(strstr(ports, "vnet"));
    users = list_users(f, "hako-iso");
    g_assert_cmpuint(g_strv_length(users), ==, 1);
    g_assert_cmpstr(users[0], ==, GUEST);

    /* Stopped: the bridge goes, the definition stays. */
    g_assert_true(run_op(f, OP_STOP, "hako-iso", NULL, &error));
    g_assert_no_error(error);
    g_assert_false(link_exists("hakoiso0", TRUE, NULL));
    networks = list_networks(f);
    network = find_network(networks, "hako-iso");
    g_assert_nonnull(network);
    g_assert_false(hako_network_get_active(network));
    g_clear_pointer(&networks, g_ptr_array_unref);

    /* Started again, then deleted while running: stopped first, and the guest is named. */
    g_assert_true(run_op(f, OP_START, "hako-iso", NULL, &error));
    g_assert_no_error(error);
    g_assert_true(link_exists("hakoiso0", TRUE, NULL));
    g_assert_true(run_op(f, OP_DELETE, "hako-iso", &deleted_users, &error));
    g_assert_no_error(error);
    g_assert_nonnull(deleted_users);
    g_assert_cmpuint(g_strv_length(deleted_users), ==, 1);
    g_assert_cmpstr(deleted_users[0], ==, GUEST);
    g_assert_false(link_exists("hakoiso0", TRUE, NULL));
    g_assert_false(listed(f, "hako-iso"));
    g_assert_false(libvirt_has("hako-iso"));

    /* Gone: a second stop or delete says so. */
    g_assert_false(run_op(f, OP_STOP, "hako-iso", NULL, &error));
    g_assert_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_NOT_FOUND);
    g_assert_nonnull(strstr(error->message, "“hako-iso”"));
    g_clear_error(&error);
    g_assert_false(run_op(f, OP_DELETE, "hako-iso", NULL, &error));
    g_assert_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_NOT_FOUND);

    destroy_guest();
}

/* A second network whose subnet, bridge or name clashes is refused with the reason, and
 * nothing of it is defined. */
static void
test_conflicts(Fixture *f, gconstpointer data)
{
    g_autoptr(HakoNetworkSpec) first = isolated_spec("hako-a", "hakoa0", "10.77.20.0/24");
    g_autoptr(HakoNetworkSpec) subnet = isolated_spec("hako-b", NULL, "10.77.20.128/25");
    g_autoptr(HakoNetworkSpec) bridge = isolated_spec("hako-c", "hakoa0", "10.77.21.0/24");
    g_autoptr(HakoNetworkSpec) name = isolated_spec("hako-a", NULL, "10.77.22.0/24");
    g_autoptr(HakoNetworkSpec) invalid = isolated_spec("hako-d", NULL, "10.77.23.0/24");
    g_autoptr(HakoNetwork) created = NULL;
    g_autoptr(HakoNetwork) refused = NULL;
    g_autoptr(GError) error = NULL;

    created = create(f, first, &error);
    g_assert_no_error(error);
    g_assert_nonnull(created);

    refused = create(f, subnet, &error);
    g_assert_null(refused);
    g_assert_error(error, HAKO_MODEL_ERROR, HAKO_MODEL_ERROR_INVALID_SPEC);
    g_assert_cmpstr(error->message, ==,
                    "The network 10.77.20.128/25 overlaps 10.77.20.0/24 of the network "
                    "“hako-a”. Choose a range of addresses that no other network uses.");
    g_clear_error(&error);
    g_assert_false(libvirt_has("hako-b"));

    refused = create(f, bridge, &error);
    g_assert_null(refused);
    g_assert_error(error, HAKO_MODEL_ERROR, HAKO_MODEL_ERROR_INVALID_SPEC);
    g_assert_nonnull(
        strstr(error->message, "The bridge “hakoa0” is already used by the network “hako-a”."));
    g_clear_error(&error);
    g_assert_false(libvirt_has("hako-c"));

    refused = create(f, name, &error);
    g_assert_null(refused);
    g_assert_error(error, HAKO_MODEL_ERROR, HAKO_MODEL_ERROR_INVALID_SPEC);
    g_assert_nonnull(strstr(error->message, "already has a network named “hako-a”"));
    g_clear_error(&error);

    /* An invalid spec fails before libvirt is asked. */
    invalid->dhcp_start = g_strdup("10.77.23.1");
    invalid->dhcp_end = g_strdup("10.77.23.50");
    refused = create(f, invalid, &error);
    g_assert_null(refused);
    g_assert_error(error, HAKO_MODEL_ERROR, HAKO_MODEL_ERROR_INVALID_SPEC);
    g_assert_nonnull(strstr(error->message, "covers the host’s own address 10.77.23.1"));
    g_clear_error(&error);
    g_assert_false(libvirt_has("hako-d"));

    g_assert_true(run_op(f, OP_DELETE, "hako-a", NULL, &error));
    g_assert_no_error(error);
    g_assert_false(libvirt_has("hako-a"));
}

static gboolean
libvirt_autostart(const char *name)
{
    virConnectPtr conn = virConnectOpen(uri);
    virNetworkPtr net;
    int autostart = -1;

    g_assert_nonnull(conn);
    net = virNetworkLookupByName(conn, name);
    g_assert_nonnull(net);
    g_assert_cmpint(virNetworkGetAutostart(net, &autostart), ==, 0);
    virNetworkFree(net);
    virConnectClose(conn);
    return autostart == 1;
}

static gboolean
listed_autostart(Fixture *f, const char *name)
{
    g_autoptr(GPtrArray) networks = list_networks(f);
    HakoNetwork *network = find_network(networks, name);

    g_assert_nonnull(network);
    return hako_network_get_autostart(network);
}

static void
test_autostart(Fixture *f, gconstpointer data)
{
    g_autoptr(HakoNetworkSpec) spec = isolated_spec("hako-auto", NULL, "10.77.30.0/24");
    g_autoptr(HakoNetworkSpec) born = isolated_spec("hako-born", NULL, NULL);
    g_autoptr(HakoNetwork) network = NULL;
    g_autoptr(HakoNetwork) born_network = NULL;
    g_autoptr(GError) error = NULL;

    network = create(f, spec, &error);
    g_assert_no_error(error);
    g_assert_false(libvirt_autostart("hako-auto"));
    g_assert_false(listed_autostart(f, "hako-auto"));

    g_assert_true(run_op(f, OP_AUTOSTART_ON, "hako-auto", NULL, &error));
    g_assert_no_error(error);
    g_assert_true(libvirt_autostart("hako-auto"));
    g_assert_true(listed_autostart(f, "hako-auto"));

    g_assert_true(run_op(f, OP_AUTOSTART_OFF, "hako-auto", NULL, &error));
    g_assert_no_error(error);
    g_assert_false(libvirt_autostart("hako-auto"));
    g_assert_false(listed_autostart(f, "hako-auto"));

    /* A spec that asks for it: created with autostart on (and libvirt picks the bridge). */
    born->autostart = TRUE;
    born_network = create(f, born, &error);
    g_assert_no_error(error);
    g_assert_true(hako_network_get_autostart(born_network));
    g_assert_true(libvirt_autostart("hako-born"));
    g_assert_nonnull(hako_network_get_bridge(born_network));
    g_assert_true(link_exists(hako_network_get_bridge(born_network), TRUE, NULL));

    g_assert_true(run_op(f, OP_DELETE, "hako-auto", NULL, &error));
    g_assert_no_error(error);
    g_assert_true(run_op(f, OP_DELETE, "hako-born", NULL, &error));
    g_assert_no_error(error);
    g_assert_false(libvirt_has("hako-auto"));
    g_assert_false(libvirt_has("hako-born"));
}

/* libvirt defines the network but cannot start it (its bridge's name is taken by a device
 * inside the namespace that no network knows: one end of a veth pair): the create fails with
 * libvirt's reason and removes the definition it made. */
static void
test_failed_create(Fixture *f, gconstpointer data)
{
    g_autoptr(HakoNetworkSpec) spec = isolated_spec("hako-fail", "hakobusy0", "10.77.40.0/24");
    g_autoptr(HakoNetwork) network = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *cmd =
        g_strdup_printf("ip -n %s link add hakobusy0 type veth peer name hakobusy1", netns);
    g_autofree char *out = NULL;
    int status;

    out = run(cmd, &status);
    g_assert_cmpint(status, ==, 0);

    network = create(f, spec, &error);
    g_assert_null(network);
    g_assert_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_FAILED);
    g_assert_true(g_str_has_prefix(error->message, "Could not create the network “hako-fail”: "));
    g_assert_nonnull(strstr(error->message, "hakobusy0"));
    g_assert_false(libvirt_has("hako-fail"));
    g_assert_false(listed(f, "hako-fail"));

    g_free(cmd);
    g_free(out);
    cmd = g_strdup_printf("ip -n %s link del hakobusy0", netns);
    out = run(cmd, &status);
    g_assert_cmpint(status, ==, 0);
}

/* A host that is not connected is refused at once, without a thread. */
static void
test_not_connected(void)
{
    g_autoptr(HakoConnectionManager) manager = hako_connection_manager_new(NULL);
    HakoHost *host = hako_connection_manager_add(manager, uri, HAKO_CONNECT_NONE);
    g_autoptr(HakoNetworks) networks = hako_networks_new(manager);
    g_autoptr(GPtrArray) list = NULL;
    g_autoptr(GError) error = NULL;
    HakoTestWait w = {FALSE, NULL};

    hako_networks_list_async(networks, host, NULL, hako_test_wait_done_cb, &w);
    list = hako_networks_list_finish(networks, wait_result(&w), &error);
    wait_clear(&w);
    g_assert_null(list);
    g_assert_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_NOT_CONNECTED);
}

int
main(int argc, char *argv[])
{
    g_test_init(&argc, &argv, NULL);
    hako_engine_init();

    uri = g_getenv("HAKO_TEST_URI");
    netns = g_getenv("HAKO_TEST_NETNS");
    g_assert_nonnull(uri);
    /* run by with-private-libvirtd --netns: never touch the root namespace's networks */
    g_assert_nonnull(netns);

    g_test_add("/engine/networks/real/lifecycle", Fixture, NULL, fixture_set_up, test_lifecycle,
               fixture_tear_down);
    g_test_add("/engine/networks/real/conflicts", Fixture, NULL, fixture_set_up, test_conflicts,
               fixture_tear_down);
    g_test_add("/engine/networks/real/autostart", Fixture, NULL, fixture_set_up, test_autostart,
               fixture_tear_down);
    g_test_add("/engine/networks/real/failed-create", Fixture, NULL, fixture_set_up,
               test_failed_create, fixture_tear_down);
    g_test_add_func("/engine/networks/real/not-connected", test_not_connected);
    return g_test_run();
}
