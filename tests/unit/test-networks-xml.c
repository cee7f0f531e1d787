/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests of the networks engine's pure functions: a spec to libvirt's XML (golden), a
 * network's XML to its facts, and whether a guest's XML uses a network. No connection. */
#include "config.h"

#include "hako-engine-error.h"
#include "hako-networks.h"

#include <locale.h>

static HakoNetworkSpec *
make_spec(const char *name, HakoNetworkMode mode)
{
    HakoNetworkSpec *spec = hako_network_spec_new();

    spec->name = g_strdup(name);
    spec->mode = mode;
    return spec;
}

static void
test_xml_isolated_bare(void)
{
    g_autoptr(HakoNetworkSpec) spec = make_spec("bare", HAKO_NETWORK_MODE_ISOLATED);
    g_autofree char *xml = NULL;

    g_assert_true(hako_network_spec_validate(spec, NULL));
    xml = hako_networks_spec_to_xml(spec);
    g_assert_cmpstr(xml, ==,
                    "<network>\n"
                    "  <name>bare</name>\n"
                    "  <bridge stp='on' delay='0'/>\n"
                    "</network>\n");
}

static void
test_xml_isolated_dhcp(void)
{
    g_autoptr(HakoNetworkSpec) spec = make_spec("lab", HAKO_NETWORK_MODE_ISOLATED);
    g_autofree char *xml = NULL;

    spec->bridge = g_strdup("hakobr0");
    spec->ipv4_network = g_strdup("10.77.1.0/24");
    spec->dhcp_start = g_strdup("10.77.1.100");
    spec->dhcp_end = g_strdup("10.77.1.199");
    g_assert_true(hako_network_spec_validate(spec, NULL));
    xml = hako_networks_spec_to_xml(spec);
    g_assert_cmpstr(xml, ==,
                    "<network>\n"
                    "  <name>lab</name>\n"
                    "  <bridge name='hakobr0' stp='on' delay='0'/>\n"
                    "  <ip address='10.77.1.1' prefix='24'>\n"
                    "    <dhcp>\n"
                    "      <range start='10.77.1.100' end='10.77.1.199'/>\n"
                    "    </dhcp>\n"
                    "  </ip>\n"
                    "</network>\n");
}

static void
test_xml_nat_everything(void)
{
    g_autoptr(HakoNetworkSpec) spec = make_spec("wan", HAKO_NETWORK_MODE_NAT);
    g_autofree char *xml = NULL;

    spec->forward_device = g_strdup("eth0");
    spec->ipv4_network = g_strdup("192.168.200.128/25");
    spec->ipv6_network = g_strdup("fd00:42::/64");
    spec->dns_domain = g_strdup("wan.test");
    g_assert_true(hako_network_spec_validate(spec, NULL));
    xml = hako_networks_spec_to_xml(spec);
    g_assert_cmpstr(xml, ==,
                    "<network>\n"
                    "  <name>wan</name>\n"
                    "  <forward mode='nat' dev='eth0'/>\n"
                    "  <bridge stp='on' delay='0'/>\n"
                    "  <domain name='wan.test' localOnly='yes'/>\n"
                    "  <ip address='192.168.200.129' prefix='25'/>\n"
                    "  <ip family='ipv6' address='fd00:42::1' prefix='64'/>\n"
                    "</network>\n");
}

static void
test_xml_route_and_open(void)
{
    g_autoptr(HakoNetworkSpec) route = make_spec("r", HAKO_NETWORK_MODE_ROUTE);
    g_autoptr(HakoNetworkSpec) open = make_spec("o", HAKO_NETWORK_MODE_OPEN);
    g_autofree char *route_xml = NULL;
    g_autofree char *open_xml = NULL;

    route->ipv6_network = g_strdup("fd00:1::/48");
    open->ipv4_network = g_strdup("172.16.0.0/12");
    route_xml = hako_networks_spec_to_xml(route);
    open_xml = hako_networks_spec_to_xml(open);
    g_assert_cmpstr(route_xml, ==,
                    "<network>\n"
                    "  <name>r</name>\n"
                    "  <forward mode='route'/>\n"
                    "  <bridge stp='on' delay='0'/>\n"
                    "  <ip family='ipv6' address='fd00:1::1' prefix='48'/>\n"
                    "</network>\n");
    g_assert_cmpstr(open_xml, ==,
                    "<network>\n"
                    "  <name>o</name>\n"
                    "  <forward mode='open'/>\n"
                    "  <bridge stp='on' delay='0'/>\n"
                    "  <ip address='172.16.0.1' prefix='12'/>\n"
                    "</network>\n");
}

/* What the XML it built says, read back: the two directions agree. */
static void
test_xml_round_trip(void)
{
    g_autoptr(HakoNetworkSpec) spec = make_spec("lab", HAKO_NETWORK_MODE_ROUTE);
    g_autoptr(HakoNetwork) network = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *xml = NULL;
    g_autofree char *subnet = NULL;
    HakoNetworkIp *ip;

    spec->forward_device = g_strdup("eth1");
    spec->bridge = g_strdup("br-lab");
    spec->ipv4_network = g_strdup("10.9.0.0/16");
    spec->dhcp_start = g_strdup("10.9.1.0");
    spec->dhcp_end = g_strdup("10.9.1.255");
    spec->dns_domain = g_strdup("lab.test");
    xml = hako_networks_spec_to_xml(spec);
    network = hako_networks_parse_xml(xml, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(hako_network_get_name(network), ==, "lab");
    g_assert_cmpint(hako_network_get_forward_mode(network), ==, HAKO_NETWORK_MODE_ROUTE);
    g_assert_cmpstr(hako_network_get_forward_device(network), ==, "eth1");
    g_assert_cmpstr(hako_network_get_bridge(network), ==, "br-lab");
    g_assert_cmpstr(hako_network_get_dns_domain(network), ==, "lab.test");
    g_assert_cmpuint(hako_network_get_ips(network)->len, ==, 1);
    ip = hako_network_get_ips(network)->pdata[0];
    subnet = hako_network_ip_to_network_string(ip);
    g_assert_cmpstr(subnet, ==, "10.9.0.0/16");
    g_assert_cmpuint(ip->dhcp_ranges->len, ==, 1);
    g_assert_cmpstr(((HakoNetworkRange *)ip->dhcp_ranges->pdata[0])->start, ==, "10.9.1.0");
}

/* libvirt's default network as the daemon gives it (a netmask, not a prefix; <forward> with a
 * <nat> child), plus an IPv6 address with two ranges and an <ip> without an address. */
static const char default_xml[] = "<network connections='1'>\n"
                                  "  <name>default</name>\n"
                                  "  <uuid>3d3b7ad5-8e27-4e7b-a0f2-71e5a33f4e7c</uuid>\n"
                                  "  <forward mode='nat'>\n"
                                  "    <nat><port start='1024' end='65535'/></nat>\n"
                                  "  </forward>\n"
                                  "  <bridge name='virbr0' stp='on' delay='0'/>\n"
                                  "  <mac address='52:54:00:0a:0b:0c'/>\n"
                                  "  <ip address='192.168.122.1' netmask='255.255.255.0'>\n"
                                  "    <dhcp>\n"
                                  "      <range start='192.168.122.2' end='192.168.122.254'/>\n"
                                  "    </dhcp>\n"
                                  "  </ip>\n"
                                  "  <ip family='ipv6' address='fd00:7a::1' prefix='64'>\n"
                                  "    <dhcp>\n"
                                  "      <range start='fd00:7a::100' end='fd00:7a::1ff'/>\n"
                                  "      <range start='fd00:7a::300' end='fd00:7a::3ff'/>\n"
                                  "    </dhcp>\n"
                                  "  </ip>\n"
                                  "  <ip localPtr='yes'/>\n"
                                  "</network>\n";

static void
test_parse_default(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(HakoNetwork) network = hako_networks_parse_xml(default_xml, &error);
    HakoNetworkIp *v4, *v6;
    const HakoNetworkRange *range;

    g_assert_no_error(error);
    g_assert_cmpstr(hako_network_get_name(network), ==, "default");
    g_assert_cmpstr(hako_network_get_uuid(network), ==, "3d3b7ad5-8e27-4e7b-a0f2-71e5a33f4e7c");
    g_assert_cmpint(hako_network_get_forward_mode(network), ==, HAKO_NETWORK_MODE_NAT);
    g_assert_cmpstr(hako_network_get_forward_mode_name(network), ==, "nat");
    g_assert_null(hako_network_get_forward_device(network));
    g_assert_cmpstr(hako_network_get_bridge(network), ==, "virbr0");
    g_assert_null(hako_network_get_dns_domain(network));
    g_assert_cmpstr(hako_network_get_xml(network), ==, default_xml);
    g_assert_false(hako_network_get_active(network)); /* not in the XML */

    g_assert_cmpuint(hako_network_get_ips(network)->len, ==, 2);
    v4 = hako_network_get_ips(network)->pdata[0];
    g_assert_cmpint(v4->family, ==, G_SOCKET_FAMILY_IPV4);
    g_assert_cmpstr(v4->address, ==, "192.168.122.1");
    g_assert_cmpuint(v4->prefix, ==, 24);
    g_assert_cmpuint(v4->dhcp_ranges->len, ==, 1);
    range = v4->dhcp_ranges->pdata[0];
    g_assert_cmpstr(range->start, ==, "192.168.122.2");
    g_assert_cmpstr(range->end, ==, "192.168.122.254");
    v6 = hako_network_get_ips(network)->pdata[1];
    g_assert_cmpint(v6->family, ==, G_SOCKET_FAMILY_IPV6);
    g_assert_cmpuint(v6->prefix, ==, 64);
    g_assert_cmpuint(v6->dhcp_ranges->len, ==, 2);
    range = v6->dhcp_ranges->pdata[1];
    g_assert_cmpstr(range->start, ==, "fd00:7a::300");
}

static void
test_parse_modes(void)
{
    static const struct {
        const char *forward;
        HakoNetworkMode mode;
        const char *mode_name;
        const char *device;
    } cases[] = {
        {"", HAKO_NETWORK_MODE_ISOLATED, NULL, NULL},
        {"<forward/>", HAKO_NETWORK_MODE_NAT, "nat", NULL},
        {"<forward mode='route' dev='eth1'/>", HAKO_NETWORK_MODE_ROUTE, "route", "eth1"},
        {"<forward mode='open'/>", HAKO_NETWORK_MODE_OPEN, "open", NULL},
        {"<forward mode='bridge'><interface dev='eth2'/></forward>", HAKO_NETWORK_MODE_OTHER,
         "bridge", "eth2"},
        {"<forward mode='hostdev' managed='yes'/>", HAKO_NETWORK_MODE_OTHER, "hostdev", NULL},
    };

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *xml = g_strdup_printf(
            "<network><name>n</name>%s<ip address='10.0.0.1' netmask='255.255.240.0'/></network>",
            cases[i].forward);
        g_autoptr(GError) error = NULL;
        g_autoptr(HakoNetwork) network = hako_networks_parse_xml(xml, &error);

        g_assert_no_error(error);
        g_assert_cmpint(hako_network_get_forward_mode(network), ==, cases[i].mode);
        g_assert_cmpstr(hako_network_get_forward_mode_name(network), ==, cases[i].mode_name);
        g_assert_cmpstr(hako_network_get_forward_device(network), ==, cases[i].device);
        g_assert_cmpuint(((HakoNetworkIp *)hako_network_get_ips(network)->pdata[0])->prefix, ==,
                         20);
    }
}

static void
test_parse_bad(void)
{
    static const char *const bad[] = {
        "",
        "<network>",
        "<domain><name>x</name></domain>",
        "<network><uuid>u</uuid></network>",
        "<network><name> </name></network>",
    };

    for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autoptr(GError) error = NULL;
        g_autoptr(HakoNetwork) network = hako_networks_parse_xml(bad[i], &error);

        g_assert_null(network);
        g_assert_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_INVALID_DATA);
    }
}

static void
test_domain_uses(void)
{
    static const char guest[] = "<domain type='qemu'><name>g</name><devices>"
                                "<interface type='ethernet'><target dev='tap0'/></interface>"
                                "<interface type='bridge'><source bridge='lab'/></interface>"
                                "<interface type='network'><source network='lab'/>"
                                "<model type='virtio'/></interface>"
                                "</devices></domain>";

    g_assert_true(hako_networks_domain_uses(guest, "lab"));
    g_assert_false(hako_networks_domain_uses(guest, "la"));
    g_assert_false(hako_networks_domain_uses(guest, "default"));
    /* a bridge interface named like the network is not a user of it */
    g_assert_false(hako_networks_domain_uses("<domain><devices><interface type='bridge'>"
                                             "<source bridge='lab' network='lab'/></interface>"
                                             "</devices></domain>",
                                             "lab"));
    g_assert_false(hako_networks_domain_uses("<domain><name>g</name></domain>", "lab"));
    g_assert_false(hako_networks_domain_uses("not xml", "lab"));
}

int
main(int argc, char *argv[])
{
    setlocale(LC_ALL, "");
    g_test_init(&argc, &argv, NULL);

    g_test_add_func("/engine/networks/xml/isolated-bare", test_xml_isolated_bare);
    g_test_add_func("/engine/networks/xml/isolated-dhcp", test_xml_isolated_dhcp);
    g_test_add_func("/engine/networks/xml/nat-everything", test_xml_nat_everything);
    g_test_add_func("/engine/networks/xml/route-and-open", test_xml_route_and_open);
    g_test_add_func("/engine/networks/xml/round-trip", test_xml_round_trip);
    g_test_add_func("/engine/networks/parse/default", test_parse_default);
    g_test_add_func("/engine/networks/parse/modes", test_parse_modes);
    g_test_add_func("/engine/networks/parse/bad", test_parse_bad);
    g_test_add_func("/engine/networks/domain-uses", test_domain_uses);

    return g_test_run();
}
