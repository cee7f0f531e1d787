/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests of HakoNetwork and HakoNetworkIp: a listed network's facts and its addresses. */
#include "config.h"

#include "hako-network-private.h"
#include "hako-network.h"

#include <locale.h>

static void
test_ip_network_string(void)
{
    static const struct {
        GSocketFamily family;
        const char *address;
        guint prefix;
        const char *network;
    } cases[] = {
        {G_SOCKET_FAMILY_IPV4, "192.168.122.1", 24, "192.168.122.0/24"},
        {G_SOCKET_FAMILY_IPV4, "10.1.2.3", 8, "10.0.0.0/8"},
        {G_SOCKET_FAMILY_IPV4, "172.16.5.129", 25, "172.16.5.128/25"},
        {G_SOCKET_FAMILY_IPV4, "172.16.5.129", 32, "172.16.5.129/32"},
        {G_SOCKET_FAMILY_IPV6, "fd00:1234::1", 64, "fd00:1234::/64"},
        {G_SOCKET_FAMILY_IPV6, "fd00:1234:5678:9abc::1", 52, "fd00:1234:5678:9000::/52"},
    };

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(HakoNetworkIp) ip =
            hako_network_ip_new(cases[i].family, cases[i].address, cases[i].prefix);
        g_autofree char *network = hako_network_ip_to_network_string(ip);

        g_assert_cmpstr(network, ==, cases[i].network);
    }
}

static void
test_ip_bad_address(void)
{
    g_autoptr(HakoNetworkIp) bad = hako_network_ip_new(G_SOCKET_FAMILY_IPV4, "192.168.1", 24);
    g_autoptr(HakoNetworkIp) long_prefix =
        hako_network_ip_new(G_SOCKET_FAMILY_IPV4, "192.168.1.1", 33);
    g_autofree char *a = hako_network_ip_to_network_string(bad);
    g_autofree char *b = hako_network_ip_to_network_string(long_prefix);

    g_assert_null(a);
    g_assert_null(b);
}

static void
test_ip_copy(void)
{
    g_autoptr(HakoNetworkIp) ip = hako_network_ip_new(G_SOCKET_FAMILY_IPV4, "10.0.0.1", 24);
    g_autoptr(HakoNetworkIp) copy = NULL;
    const HakoNetworkRange *range;

    hako_network_ip_add_dhcp_range(ip, "10.0.0.100", "10.0.0.199");
    hako_network_ip_add_dhcp_range(ip, "10.0.0.200", "10.0.0.210");
    copy = hako_network_ip_copy(ip);
    hako_network_ip_add_dhcp_range(ip, "10.0.0.220", "10.0.0.230");

    g_assert_cmpint(copy->family, ==, G_SOCKET_FAMILY_IPV4);
    g_assert_cmpstr(copy->address, ==, "10.0.0.1");
    g_assert_cmpuint(copy->prefix, ==, 24);
    g_assert_cmpuint(copy->dhcp_ranges->len, ==, 2);
    range = copy->dhcp_ranges->pdata[1];
    g_assert_cmpstr(range->start, ==, "10.0.0.200");
    g_assert_cmpstr(range->end, ==, "10.0.0.210");
    g_assert_true(copy->address != ip->address);
}

static void
test_network_facts(void)
{
    HakoNetwork *network = _hako_network_new("lab", "5f0c1b1e-0000-4000-8000-000000000001");
    HakoNetworkIp *ip = hako_network_ip_new(G_SOCKET_FAMILY_IPV4, "192.168.50.1", 24);
    g_autofree char *name = NULL;
    HakoNetworkMode mode = HAKO_NETWORK_MODE_OTHER;
    gboolean active = FALSE;

    g_object_add_weak_pointer(G_OBJECT(network), (gpointer *)&network);
    g_assert_cmpstr(hako_network_get_name(network), ==, "lab");
    g_assert_cmpstr(hako_network_get_uuid(network), ==, "5f0c1b1e-0000-4000-8000-000000000001");
    g_assert_false(hako_network_get_active(network));
    g_assert_cmpint(hako_network_get_forward_mode(network), ==, HAKO_NETWORK_MODE_ISOLATED);
    g_assert_null(hako_network_get_bridge(network));
    g_assert_cmpuint(hako_network_get_ips(network)->len, ==, 0);

    _hako_network_set_state(network, TRUE, TRUE, FALSE);
    _hako_network_set_bridge(network, "virbr7");
    _hako_network_set_forward(network, HAKO_NETWORK_MODE_NAT, "nat", "eth0");
    _hako_network_set_dns_domain(network, "lab.test");
    _hako_network_set_xml(network, "<network/>");
    hako_network_ip_add_dhcp_range(ip, "192.168.50.2", "192.168.50.254");
    _hako_network_take_ip(network, ip);

    g_assert_true(hako_network_get_active(network));
    g_assert_true(hako_network_get_autostart(network));
    g_assert_false(hako_network_get_persistent(network));
    g_assert_cmpstr(hako_network_get_bridge(network), ==, "virbr7");
    g_assert_cmpint(hako_network_get_forward_mode(network), ==, HAKO_NETWORK_MODE_NAT);
    g_assert_cmpstr(hako_network_get_forward_mode_name(network), ==, "nat");
    g_assert_cmpstr(hako_network_get_forward_device(network), ==, "eth0");
    g_assert_cmpstr(hako_network_get_dns_domain(network), ==, "lab.test");
    g_assert_cmpstr(hako_network_get_xml(network), ==, "<network/>");
    g_assert_cmpuint(hako_network_get_ips(network)->len, ==, 1);
    g_assert_true(hako_network_get_ips(network)->pdata[0] == ip);

    /* The properties say the same, for views that bind them. */
    g_object_get(network, "name", &name, "forward-mode", &mode, "active", &active, NULL);
    g_assert_cmpstr(name, ==, "lab");
    g_assert_cmpint(mode, ==, HAKO_NETWORK_MODE_NAT);
    g_assert_true(active);

    g_object_unref(network);
    g_assert_null(network);
}

static void
test_mode_names(void)
{
    g_assert_cmpstr(hako_network_mode_to_string(HAKO_NETWORK_MODE_ISOLATED), ==, "Isolated");
    g_assert_cmpstr(hako_network_mode_to_string(HAKO_NETWORK_MODE_NAT), ==, "NAT");
    g_assert_cmpstr(hako_network_mode_to_string(HAKO_NETWORK_MODE_ROUTE), ==, "Routed");
    g_assert_cmpstr(hako_network_mode_to_string(HAKO_NETWORK_MODE_OPEN), ==, "Open");
    g_assert_cmpstr(hako_network_mode_to_string(HAKO_NETWORK_MODE_OTHER), ==, "Other");
}

int
main(int argc, char *argv[])
{
    setlocale(LC_ALL, "");
    g_test_init(&argc, &argv, NULL);

    g_test_add_func("/model/network/ip-network-string", test_ip_network_string);
    g_test_add_func("/model/network/ip-bad-address", test_ip_bad_address);
    g_test_add_func("/model/network/ip-copy", test_ip_copy);
    g_test_add_func("/model/network/facts", test_network_facts);
    g_test_add_func("/model/network/mode-names", test_mode_names);

    return g_test_run();
}
