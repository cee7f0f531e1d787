/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests of HakoNetworkSpec: each field checked on its own, conflicts with a host's networks,
 * and the host's address on a new network. */
#include "config.h"

#include "hako-model-types.h"
#include "hako-network-private.h"
#include "hako-network-spec.h"

#include <locale.h>

#define ISO HAKO_NETWORK_MODE_ISOLATED
#define NAT HAKO_NETWORK_MODE_NAT
#define ROUTE HAKO_NETWORK_MODE_ROUTE
#define OPEN HAKO_NETWORK_MODE_OPEN
#define OTHER HAKO_NETWORK_MODE_OTHER

typedef struct {
    const char *slug;
    const char *name;
    HakoNetworkMode mode;
    const char *device;
    const char *bridge;
    const char *ipv4;
    const char *dhcp_start;
    const char *dhcp_end;
    const char *ipv6;
    const char *domain;
    const char *problem; /* NULL when valid; else a part of the message */
} SpecCase;

static HakoNetworkSpec *
spec_from_case(const SpecCase *c)
{
    HakoNetworkSpec *spec = hako_network_spec_new();

    spec->name = g_strdup(c->name);
    spec->mode = c->mode;
    spec->forward_device = g_strdup(c->device);
    spec->bridge = g_strdup(c->bridge);
    spec->ipv4_network = g_strdup(c->ipv4);
    spec->dhcp_start = g_strdup(c->dhcp_start);
    spec->dhcp_end = g_strdup(c->dhcp_end);
    spec->ipv6_network = g_strdup(c->ipv6);
    spec->dns_domain = g_strdup(c->domain);
    return spec;
}

#define V4 "192.168.100.0/24"
#define S "192.168.100.2"
#define E "192.168.100.254"

static const SpecCase cases[] = {
    /* valid */
    {"isolated-bare", "lab", ISO, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL},
    {"isolated-dhcp", "lab", ISO, NULL, NULL, V4, S, E, NULL, NULL, NULL},
    {"empty-strings", "lab", ISO, "", "", "", "", "", "", "", NULL},
    {"nat-device", "lab-1.x_y", NAT, "eth0", "virbr9", V4, S, E, NULL, "lab.test", NULL},
    {"nat-no-dhcp", "lab", NAT, NULL, NULL, "10.20.0.0/16", NULL, NULL, NULL, NULL, NULL},
    {"route-ipv6-only", "lab", ROUTE, "eth1", NULL, NULL, NULL, NULL, "fd00:1234::/64", NULL, NULL},
    {"open-both", "lab", OPEN, NULL, NULL, "172.20.0.0/30", "172.20.0.2", "172.20.0.2",
     "fd00:1::/48", "a-b.c1", NULL},
    {"dhcp-one-address", "lab", ISO, NULL, NULL, V4, E, E, NULL, NULL, NULL},
    /* the name */
    {"no-name", NULL, ISO, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "needs a name"},
    {"name-space", "my lab", ISO, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
     "“my lab” is not a valid network name"},
    {"name-slash", "a/b", ISO, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
     "not a valid network name"},
    {"name-dash-first", "-lab", ISO, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
     "starting with a letter or digit"},
    {"name-long", "n2345678901234567890123456789012345678901234567890123456789012345", ISO, NULL,
     NULL, NULL, NULL, NULL, NULL, NULL, "at most 64 characters"},
    /* the mode and the forward device */
    {"other-mode", "lab", OTHER, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
     "isolated, NAT, routed and open networks only"},
    {"isolated-device", "lab", ISO, "eth0", NULL, NULL, NULL, NULL, NULL, NULL,
     "has no forward device"},
    {"open-device", "lab", OPEN, "eth0", NULL, V4, NULL, NULL, NULL, NULL, "has no forward device"},
    {"nat-bad-device", "lab", NAT, "eth 0", NULL, V4, NULL, NULL, NULL, NULL,
     "“eth 0” is not a valid device name"},
    {"nat-long-device", "lab", NAT, "a234567890123456", NULL, V4, NULL, NULL, NULL, NULL,
     "at most 15"},
    {"nat-no-ipv4", "lab", NAT, NULL, NULL, NULL, NULL, NULL, "fd00::/64", NULL,
     "A NAT network needs an IPv4 network"},
    {"route-no-ip", "lab", ROUTE, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
     "A routed network needs an IPv4 or IPv6 network"},
    /* the bridge */
    {"bridge-long", "lab", ISO, NULL, "virbr1234567890x", NULL, NULL, NULL, NULL, NULL,
     "not a valid bridge name"},
    {"bridge-vnet", "lab", ISO, NULL, "vnet0", NULL, NULL, NULL, NULL, NULL,
     "keeps names starting with “vnet”"},
    /* IPv4 */
    {"ipv4-no-prefix", "lab", ISO, NULL, NULL, "192.168.100.0", NULL, NULL, NULL, NULL,
     "is not an IPv4 network"},
    {"ipv4-garbage", "lab", ISO, NULL, NULL, "192.168.300.0/24", NULL, NULL, NULL, NULL,
     "is not an IPv4 network"},
    {"ipv4-bad-prefix", "lab", ISO, NULL, NULL, "192.168.100.0/2x", NULL, NULL, NULL, NULL,
     "is not an IPv4 network"},
    {"ipv4-is-ipv6", "lab", ISO, NULL, NULL, "fd00::/64", NULL, NULL, NULL, NULL,
     "is not an IPv4 network"},
    {"ipv4-prefix-31", "lab", ISO, NULL, NULL, "192.168.100.0/31", NULL, NULL, NULL, NULL,
     "prefix length of 31: use one from 8 to 30"},
    {"ipv4-prefix-33", "lab", ISO, NULL, NULL, "192.168.100.0/33", NULL, NULL, NULL, NULL,
     "is not an IPv4 network"},
    {"ipv4-host-bits", "lab", ISO, NULL, NULL, "192.168.100.1/24", NULL, NULL, NULL, NULL,
     "host part is not zero. Write 192.168.100.0/24."},
    {"ipv4-loopback", "lab", ISO, NULL, NULL, "127.0.0.0/8", NULL, NULL, NULL, NULL, "reserved"},
    {"ipv4-multicast", "lab", ISO, NULL, NULL, "239.1.0.0/16", NULL, NULL, NULL, NULL, "reserved"},
    /* DHCP */
    {"dhcp-no-ipv4", "lab", ISO, NULL, NULL, NULL, S, E, NULL, NULL,
     "A DHCP range needs an IPv4 network"},
    {"dhcp-start-only", "lab", ISO, NULL, NULL, V4, S, NULL, NULL, NULL,
     "needs both a start and an end"},
    {"dhcp-bad-start", "lab", ISO, NULL, NULL, V4, "192.168.100", E, NULL, NULL,
     "start “192.168.100” is not an IPv4 address"},
    {"dhcp-ipv6-end", "lab", ISO, NULL, NULL, V4, S, "fd00::2", NULL, NULL,
     "end “fd00::2” is not an IPv4 address"},
    {"dhcp-reversed", "lab", ISO, NULL, NULL, V4, E, S, NULL, NULL, "Swap the two addresses"},
    {"dhcp-outside", "lab", ISO, NULL, NULL, V4, "192.168.101.2", "192.168.101.9", NULL, NULL,
     "is not inside the network 192.168.100.0/24. Use addresses from 192.168.100.2 to "
     "192.168.100.254."},
    {"dhcp-partly-outside", "lab", ISO, NULL, NULL, V4, S, "192.168.101.1", NULL, NULL,
     "is not inside the network"},
    {"dhcp-network-address", "lab", ISO, NULL, NULL, V4, "192.168.100.0", E, NULL, NULL,
     "is not inside the network"},
    {"dhcp-gateway", "lab", ISO, NULL, NULL, V4, "192.168.100.1", E, NULL, NULL,
     "covers the host’s own address 192.168.100.1. Start it at 192.168.100.2 or later."},
    {"dhcp-broadcast", "lab", ISO, NULL, NULL, V4, S, "192.168.100.255", NULL, NULL,
     "covers the broadcast address of 192.168.100.0/24. End it at 192.168.100.254 or earlier."},
    {"dhcp-broadcast-25", "lab", ISO, NULL, NULL, "10.0.0.128/25", "10.0.0.130", "10.0.0.255", NULL,
     NULL, "End it at 10.0.0.254"},
    /* IPv6 */
    {"ipv6-garbage", "lab", ISO, NULL, NULL, NULL, NULL, NULL, "fd00::g/64", NULL,
     "is not an IPv6 network"},
    {"ipv6-is-ipv4", "lab", ISO, NULL, NULL, NULL, NULL, NULL, "10.0.0.0/8", NULL,
     "is not an IPv6 network"},
    {"ipv6-prefix-128", "lab", ISO, NULL, NULL, NULL, NULL, NULL, "fd00::/128", NULL,
     "use one from 8 to 126"},
    {"ipv6-host-bits", "lab", ISO, NULL, NULL, NULL, NULL, NULL, "fd00:1234::1/64", NULL,
     "Write fd00:1234::/64."},
    {"ipv6-link-local", "lab", ISO, NULL, NULL, NULL, NULL, NULL, "fe80::/64", NULL, "link-local"},
    /* the DNS domain */
    {"domain-space", "lab", ISO, NULL, NULL, NULL, NULL, NULL, NULL, "my lab",
     "“my lab” is not a valid DNS domain"},
    {"domain-empty-label", "lab", ISO, NULL, NULL, NULL, NULL, NULL, NULL, "a..b",
     "not a valid DNS domain"},
    {"domain-hyphen-end", "lab", ISO, NULL, NULL, NULL, NULL, NULL, NULL, "lab-.test",
     "not a valid DNS domain"},
    {"domain-underscore", "lab", ISO, NULL, NULL, NULL, NULL, NULL, NULL, "a_b.test",
     "not a valid DNS domain"},
    {"domain-long-label", "lab", ISO, NULL, NULL, NULL, NULL, NULL, NULL,
     "l234567890123456789012345678901234567890123456789012345678901234.test",
     "not a valid DNS domain"},
};

static void
test_validate(gconstpointer data)
{
    const SpecCase *c = data;
    g_autoptr(HakoNetworkSpec) spec = spec_from_case(c);
    g_autoptr(GError) error = NULL;
    gboolean ok = hako_network_spec_validate(spec, &error);

    if (c->problem == NULL) {
        g_assert_no_error(error);
        g_assert_true(ok);
        return;
    }
    g_assert_false(ok);
    g_assert_error(error, HAKO_MODEL_ERROR, HAKO_MODEL_ERROR_INVALID_SPEC);
    if (g_strstr_len(error->message, -1, c->problem) == NULL)
        g_error("“%s”: expected “%s” in “%s”", c->slug, c->problem, error->message);
}

static void
test_copy(void)
{
    g_autoptr(HakoNetworkSpec) spec = spec_from_case(&cases[3]);
    g_autoptr(HakoNetworkSpec) copy = NULL;

    spec->autostart = TRUE;
    copy = hako_network_spec_copy(spec);
    g_assert_cmpstr(copy->name, ==, spec->name);
    g_assert_true(copy->name != spec->name);
    g_assert_cmpint(copy->mode, ==, NAT);
    g_assert_cmpstr(copy->forward_device, ==, "eth0");
    g_assert_cmpstr(copy->bridge, ==, "virbr9");
    g_assert_cmpstr(copy->ipv4_network, ==, V4);
    g_assert_cmpstr(copy->dhcp_start, ==, S);
    g_assert_cmpstr(copy->dhcp_end, ==, E);
    g_assert_null(copy->ipv6_network);
    g_assert_cmpstr(copy->dns_domain, ==, "lab.test");
    g_assert_true(copy->autostart);
}

static void
test_host_address(void)
{
    g_autoptr(HakoNetworkSpec) spec = hako_network_spec_new();
    g_autofree char *v4 = NULL;
    g_autofree char *v6 = NULL;
    char *none = NULL;
    guint prefix = 0;

    spec->name = g_strdup("lab");
    g_assert_false(hako_network_spec_get_host_address(spec, G_SOCKET_FAMILY_IPV4, &none, &prefix));
    g_assert_null(none);

    spec->ipv4_network = g_strdup("10.0.0.128/25");
    spec->ipv6_network = g_strdup("fd00:1234::/64");
    g_assert_true(hako_network_spec_get_host_address(spec, G_SOCKET_FAMILY_IPV4, &v4, &prefix));
    g_assert_cmpstr(v4, ==, "10.0.0.129");
    g_assert_cmpuint(prefix, ==, 25);
    g_assert_true(hako_network_spec_get_host_address(spec, G_SOCKET_FAMILY_IPV6, &v6, &prefix));
    g_assert_cmpstr(v6, ==, "fd00:1234::1");
    g_assert_cmpuint(prefix, ==, 64);
}

/* The host's networks: "default" (NAT, virbr0, 192.168.122.0/24) and "lab6" (isolated, virbr5,
 * 10.10.0.0/16 and fd00:10::/64). */
static GPtrArray *
existing_networks(void)
{
    GPtrArray *networks = g_ptr_array_new_with_free_func(g_object_unref);
    HakoNetwork *def = _hako_network_new("default", NULL);
    HakoNetwork *lab = _hako_network_new("lab6", NULL);

    _hako_network_set_bridge(def, "virbr0");
    _hako_network_set_forward(def, NAT, "nat", NULL);
    _hako_network_take_ip(def, hako_network_ip_new(G_SOCKET_FAMILY_IPV4, "192.168.122.1", 24));
    _hako_network_set_bridge(lab, "virbr5");
    _hako_network_take_ip(lab, hako_network_ip_new(G_SOCKET_FAMILY_IPV4, "10.10.0.1", 16));
    _hako_network_take_ip(lab, hako_network_ip_new(G_SOCKET_FAMILY_IPV6, "fd00:10::1", 64));
    g_ptr_array_add(networks, def);
    g_ptr_array_add(networks, lab);
    return networks;
}

typedef struct {
    const char *slug;
    const char *name;
    const char *bridge;
    const char *ipv4;
    const char *ipv6;
    const char *problem; /* NULL when nothing clashes */
} ConflictCase;

static const ConflictCase conflicts[] = {
    {"none", "new", "virbr9", "192.168.123.0/24", "fd00:11::/64", NULL},
    {"no-addresses", "new", NULL, NULL, NULL, NULL},
    {"adjacent", "new", NULL, "10.11.0.0/16", NULL, NULL},
    {"same-name", "default", NULL, NULL, NULL,
     "already has a network named “default”. Choose another name."},
    {"same-bridge", "new", "virbr5", NULL, NULL,
     "The bridge “virbr5” is already used by the network “lab6”. Choose another bridge name"},
    {"same-subnet", "new", NULL, "192.168.122.0/24", NULL,
     "The network 192.168.122.0/24 overlaps 192.168.122.0/24 of the network “default”."},
    {"inside", "new", NULL, "10.10.4.0/24", NULL,
     "The network 10.10.4.0/24 overlaps 10.10.0.0/16 of the network “lab6”."},
    {"around", "new", NULL, "192.168.0.0/16", NULL,
     "The network 192.168.0.0/16 overlaps 192.168.122.0/24 of the network “default”. Choose"},
    {"ipv6-inside", "new", NULL, NULL, "fd00:10::/80",
     "overlaps fd00:10::/64 of the network “lab6”"},
    {"ipv6-around", "new", NULL, NULL, "fd00::/16", "overlaps fd00:10::/64"},
};

static void
test_conflicts(gconstpointer data)
{
    const ConflictCase *c = data;
    g_autoptr(GPtrArray) networks = existing_networks();
    g_autoptr(HakoNetworkSpec) spec = hako_network_spec_new();
    g_autoptr(GError) error = NULL;
    gboolean ok;

    spec->name = g_strdup(c->name);
    spec->bridge = g_strdup(c->bridge);
    spec->ipv4_network = g_strdup(c->ipv4);
    spec->ipv6_network = g_strdup(c->ipv6);
    g_assert_true(hako_network_spec_validate(spec, NULL));

    ok = hako_network_spec_check_conflicts(spec, networks, &error);
    if (c->problem == NULL) {
        g_assert_no_error(error);
        g_assert_true(ok);
        return;
    }
    g_assert_false(ok);
    g_assert_error(error, HAKO_MODEL_ERROR, HAKO_MODEL_ERROR_INVALID_SPEC);
    if (g_strstr_len(error->message, -1, c->problem) == NULL)
        g_error("“%s”: expected “%s” in “%s”", c->slug, c->problem, error->message);
}

static void
test_conflicts_empty_host(void)
{
    g_autoptr(GPtrArray) none = g_ptr_array_new();
    g_autoptr(HakoNetworkSpec) spec = spec_from_case(&cases[3]);
    g_autoptr(GError) error = NULL;

    g_assert_true(hako_network_spec_check_conflicts(spec, none, &error));
    g_assert_no_error(error);
}

int
main(int argc, char *argv[])
{
    setlocale(LC_ALL, "");
    g_test_init(&argc, &argv, NULL);

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *path = g_strdup_printf("/model/network-spec/validate/%s", cases[i].slug);

        g_test_add_data_func(path, &cases[i], test_validate);
    }
    for (guint i = 0; i < G_N_ELEMENTS(conflicts); i++) {
        g_autofree char *path =
            g_strdup_printf("/model/network-spec/conflicts/%s", conflicts[i].slug);

        g_test_add_data_func(path, &conflicts[i], test_conflicts);
    }
    g_test_add_func("/model/network-spec/conflicts/empty-host", test_conflicts_empty_host);
    g_test_add_func("/model/network-spec/copy", test_copy);
    g_test_add_func("/model/network-spec/host-address", test_host_address);

    return g_test_run();
}
