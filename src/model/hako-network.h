/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoNetwork: one virtual network of a host, as it was when listed. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* How a network reaches the outside; the first four are the ones Hako creates. */
typedef enum {
    HAKO_NETWORK_MODE_ISOLATED, /* no <forward>: guests and the host only */
    HAKO_NETWORK_MODE_NAT,
    HAKO_NETWORK_MODE_ROUTE,
    HAKO_NETWORK_MODE_OPEN,
    HAKO_NETWORK_MODE_OTHER, /* bridge, passthrough, hostdev…: see forward-mode-name */
} HakoNetworkMode;

#define HAKO_TYPE_NETWORK_MODE (hako_network_mode_get_type())
GType hako_network_mode_get_type(void) G_GNUC_CONST;

/* A DHCP range, both ends included. */
typedef struct {
    char *start;
    char *end;
} HakoNetworkRange;

/* One <ip> of a network: the host's address on it, the prefix, and its DHCP ranges. */
typedef struct {
    GSocketFamily family;   /* G_SOCKET_FAMILY_IPV4 or G_SOCKET_FAMILY_IPV6 */
    char *address;          /* the host's address, such as 192.168.100.1 */
    guint prefix;           /* such as 24 */
    GPtrArray *dhcp_ranges; /* (element-type HakoNetworkRange) */
} HakoNetworkIp;

#define HAKO_TYPE_NETWORK_IP (hako_network_ip_get_type())
GType hako_network_ip_get_type(void) G_GNUC_CONST;

HakoNetworkIp *hako_network_ip_new(GSocketFamily family, const char *address, guint prefix);
HakoNetworkIp *hako_network_ip_copy(const HakoNetworkIp *ip);
void hako_network_ip_free(HakoNetworkIp *ip);
void hako_network_ip_add_dhcp_range(HakoNetworkIp *ip, const char *start, const char *end);
char *hako_network_ip_to_network_string(const HakoNetworkIp *ip);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(HakoNetworkIp, hako_network_ip_free)

#define HAKO_TYPE_NETWORK (hako_network_get_type())
G_DECLARE_FINAL_TYPE(HakoNetwork, hako_network, HAKO, NETWORK, GObject)

const char *hako_network_get_name(HakoNetwork *self);
const char *hako_network_get_uuid(HakoNetwork *self);
gboolean hako_network_get_active(HakoNetwork *self);
gboolean hako_network_get_autostart(HakoNetwork *self);
gboolean hako_network_get_persistent(HakoNetwork *self);
const char *hako_network_get_bridge(HakoNetwork *self);
HakoNetworkMode hako_network_get_forward_mode(HakoNetwork *self);
const char *hako_network_get_forward_mode_name(HakoNetwork *self);
const char *hako_network_get_forward_device(HakoNetwork *self);
const char *hako_network_get_dns_domain(HakoNetwork *self);
const char *hako_network_get_xml(HakoNetwork *self);
GPtrArray *hako_network_get_ips(HakoNetwork *self);

const char *hako_network_mode_to_string(HakoNetworkMode mode);

G_END_DECLS
