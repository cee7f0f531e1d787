/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoNetworkSpec: a new virtual network as the Create Network wizard's fields. */
#pragma once

#include "hako-network.h"

G_BEGIN_DECLS

/*
 * A plain value: the strings are owned by the struct (g_free them before replacing them). An
 * empty string is the same as NULL everywhere.
 */
typedef struct {
    char *name;
    HakoNetworkMode mode; /* ISOLATED, NAT, ROUTE or OPEN */
    char *forward_device; /* NAT and ROUTE only; NULL for any device */
    char *bridge;         /* NULL for one libvirt picks (virbrN) */
    char *ipv4_network;   /* CIDR, such as 192.168.100.0/24; NULL for no IPv4 */
    char *dhcp_start;     /* with ipv4_network: both or neither */
    char *dhcp_end;
    char *ipv6_network; /* CIDR, such as fd00:1234::/64; NULL for no IPv6 */
    char *dns_domain;   /* such as example.test; NULL for none */
    gboolean autostart; /* start with the host's libvirt daemon */
} HakoNetworkSpec;

#define HAKO_TYPE_NETWORK_SPEC (hako_network_spec_get_type())
GType hako_network_spec_get_type(void) G_GNUC_CONST;

HakoNetworkSpec *hako_network_spec_new(void);
HakoNetworkSpec *hako_network_spec_copy(const HakoNetworkSpec *spec);
void hako_network_spec_free(HakoNetworkSpec *spec);

gboolean hako_network_spec_validate(const HakoNetworkSpec *spec, GError **error);
gboolean
hako_network_spec_check_conflicts(const HakoNetworkSpec *spec, GPtrArray *networks, GError **error);
gboolean hako_network_spec_get_host_address(const HakoNetworkSpec *spec,
                                            GSocketFamily family,
                                            char **address,
                                            guint *prefix);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(HakoNetworkSpec, hako_network_spec_free)

G_END_DECLS
