/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoNetwork: one virtual network of a host, as it was when listed. */
#include "config.h"

#include "hako-network.h"

#include "hako-network-private.h"

#include <glib/gi18n.h>
#include <string.h>

G_DEFINE_ENUM_TYPE(HakoNetworkMode,
                   hako_network_mode,
                   G_DEFINE_ENUM_VALUE(HAKO_NETWORK_MODE_ISOLATED, "isolated"),
                   G_DEFINE_ENUM_VALUE(HAKO_NETWORK_MODE_NAT, "nat"),
                   G_DEFINE_ENUM_VALUE(HAKO_NETWORK_MODE_ROUTE, "route"),
                   G_DEFINE_ENUM_VALUE(HAKO_NETWORK_MODE_OPEN, "open"),
                   G_DEFINE_ENUM_VALUE(HAKO_NETWORK_MODE_OTHER, "other"))

G_DEFINE_BOXED_TYPE(HakoNetworkIp, hako_network_ip, hako_network_ip_copy, hako_network_ip_free)

static void
range_free(gpointer data)
{
    HakoNetworkRange *range = data;

    g_free(range->start);
    g_free(range->end);
    g_free(range);
}

/**
 * hako_network_ip_new:
 * @family: %G_SOCKET_FAMILY_IPV4 or %G_SOCKET_FAMILY_IPV6
 * @address: the host's address on the network
 * @prefix: the length of the network part, in bits
 *
 * Returns: (transfer full): an address without DHCP ranges
 */
HakoNetworkIp *
hako_network_ip_new(GSocketFamily family, const char *address, guint prefix)
{
    HakoNetworkIp *ip;

    g_return_val_if_fail(address != NULL, NULL);

    ip = g_new0(HakoNetworkIp, 1);
    ip->family = family;
    ip->address = g_strdup(address);
    ip->prefix = prefix;
    ip->dhcp_ranges = g_ptr_array_new_with_free_func(range_free);
    return ip;
}

/**
 * hako_network_ip_copy:
 *
 * Returns: (transfer full): a deep copy of @ip
 */
HakoNetworkIp *
hako_network_ip_copy(const HakoNetworkIp *ip)
{
    HakoNetworkIp *copy;

    g_return_val_if_fail(ip != NULL, NULL);

    copy = hako_network_ip_new(ip->family, ip->address, ip->prefix);
    for (guint i = 0; i < ip->dhcp_ranges->len; i++) {
        const HakoNetworkRange *range = ip->dhcp_ranges->pdata[i];

        hako_network_ip_add_dhcp_range(copy, range->start, range->end);
    }
    return copy;
}

void
hako_network_ip_free(HakoNetworkIp *ip)
{
    if (ip == NULL)
        return;
    g_free(ip->address);
    g_ptr_array_unref(ip->dhcp_ranges);
    g_free(ip);
}

/**
 * hako_network_ip_add_dhcp_range:
 * @start: the first address handed out
 * @end: the last address handed out
 */
void
hako_network_ip_add_dhcp_range(HakoNetworkIp *ip, const char *start, const char *end)
{
    HakoNetworkRange *range;

    g_return_if_fail(ip != NULL && start != NULL && end != NULL);

    range = g_new0(HakoNetworkRange, 1);
    range->start = g_strdup(start);
    range->end = g_strdup(end);
    g_ptr_array_add(ip->dhcp_ranges, range);
}

/**
 * _hako_network_address_parse:
 * @text: an IPv4 or IPv6 address
 * @family: (out): its family
 * @bytes: (out): its bytes, network order (4 or 16 of them)
 *
 * Returns: the number of bytes (4 or 16), 0 when @text is not an address
 */
guint
_hako_network_address_parse(const char *text, GSocketFamily *family, guint8 bytes[16])
{
    g_autoptr(GInetAddress) address = NULL;
    gsize size;

    if (text == NULL || strchr(text, '%') != NULL)
        return 0;
    address = g_inet_address_new_from_string(text);
    if (address == NULL)
        return 0;
    size = g_inet_address_get_native_size(address);
    memset(bytes, 0, 16);
    memcpy(bytes, g_inet_address_to_bytes(address), size);
    *family = g_inet_address_get_family(address);
    return (guint)size;
}

/* Clears every bit after the first @prefix ones. */
void
_hako_network_address_mask(guint8 bytes[16], guint size, guint prefix)
{
    for (guint i = 0; i < size; i++) {
        guint bits = prefix > i * 8 ? MIN(prefix - i * 8, 8) : 0;

        bytes[i] &= (guint8)(0xff00 >> bits);
    }
}

char *
_hako_network_address_to_string(const guint8 bytes[16], guint size)
{
    g_autoptr(GInetAddress) address = g_inet_address_new_from_bytes(
        bytes, size == 4 ? G_SOCKET_FAMILY_IPV4 : G_SOCKET_FAMILY_IPV6);

    return g_inet_address_to_string(address);
}

/**
 * hako_network_ip_to_network_string:
 *
 * Returns: (transfer full) (nullable): the network @ip belongs to, in CIDR form, such as
 *   192.168.100.0/24 for 192.168.100.1 and 24; %NULL when its address is not one
 */
char *
hako_network_ip_to_network_string(const HakoNetworkIp *ip)
{
    g_autofree char *text = NULL;
    GSocketFamily family;
    guint8 bytes[16];
    guint size;

    g_return_val_if_fail(ip != NULL, NULL);

    size = _hako_network_address_parse(ip->address, &family, bytes);
    if (size == 0 || ip->prefix > size * 8)
        return NULL;
    _hako_network_address_mask(bytes, size, ip->prefix);
    text = _hako_network_address_to_string(bytes, size);
    return g_strdup_printf("%s/%u", text, ip->prefix);
}

/* ---------------------------------------------------------------------- */

struct _HakoNetwork {
    GObject parent_instance;

    char *name;
    char *uuid;
    gboolean active;
    gboolean autostart;
    gboolean persistent;
    char *bridge;
    HakoNetworkMode forward_mode;
    char *forward_mode_name;
    char *forward_device;
    char *dns_domain;
    char *xml;
    GPtrArray *ips;
};

G_DEFINE_FINAL_TYPE(HakoNetwork, hako_network, G_TYPE_OBJECT)

enum {
    PROP_0,
    PROP_NAME,
    PROP_UUID,
    PROP_ACTIVE,
    PROP_AUTOSTART,
    PROP_PERSISTENT,
    PROP_BRIDGE,
    PROP_FORWARD_MODE,
    PROP_FORWARD_MODE_NAME,
    PROP_FORWARD_DEVICE,
    PROP_DNS_DOMAIN,
    N_PROPS,
};

static GParamSpec *properties[N_PROPS];

static void
hako_network_finalize(GObject *object)
{
    HakoNetwork *self = HAKO_NETWORK(object);

    g_free(self->name);
    g_free(self->uuid);
    g_free(self->bridge);
    g_free(self->forward_mode_name);
    g_free(self->forward_device);
    g_free(self->dns_domain);
    g_free(self->xml);
    g_ptr_array_unref(self->ips);

    G_OBJECT_CLASS(hako_network_parent_class)->finalize(object);
}

static void
hako_network_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
    HakoNetwork *self = HAKO_NETWORK(object);

    switch (prop_id) {
    case PROP_NAME:
        g_value_set_string(value, self->name);
        break;
    case PROP_UUID:
        g_value_set_string(value, self->uuid);
        break;
    case PROP_ACTIVE:
        g_value_set_boolean(value, self->active);
        break;
    case PROP_AUTOSTART:
        g_value_set_boolean(value, self->autostart);
        break;
    case PROP_PERSISTENT:
        g_value_set_boolean(value, self->persistent);
        break;
    case PROP_BRIDGE:
        g_value_set_string(value, self->bridge);
        break;
    case PROP_FORWARD_MODE:
        g_value_set_enum(value, self->forward_mode);
        break;
    case PROP_FORWARD_MODE_NAME:
        g_value_set_string(value, self->forward_mode_name);
        break;
    case PROP_FORWARD_DEVICE:
        g_value_set_string(value, self->forward_device);
        break;
    case PROP_DNS_DOMAIN:
        g_value_set_string(value, self->dns_domain);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    }
}

static void
hako_network_class_init(HakoNetworkClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

    object_class->finalize = hako_network_finalize;
    object_class->get_property = hako_network_get_property;

    properties[PROP_NAME] = g_param_spec_string("name", NULL, NULL, NULL, flags);
    properties[PROP_UUID] = g_param_spec_string("uuid", NULL, NULL, NULL, flags);
    properties[PROP_ACTIVE] = g_param_spec_boolean("active", NULL, NULL, FALSE, flags);
    properties[PROP_AUTOSTART] = g_param_spec_boolean("autostart", NULL, NULL, FALSE, flags);
    properties[PROP_PERSISTENT] = g_param_spec_boolean("persistent", NULL, NULL, FALSE, flags);
    properties[PROP_BRIDGE] = g_param_spec_string("bridge", NULL, NULL, NULL, flags);
    properties[PROP_FORWARD_MODE] = g_param_spec_enum(
        "forward-mode", NULL, NULL, HAKO_TYPE_NETWORK_MODE, HAKO_NETWORK_MODE_ISOLATED, flags);
    properties[PROP_FORWARD_MODE_NAME] =
        g_param_spec_string("forward-mode-name", NULL, NULL, NULL, flags);
    properties[PROP_FORWARD_DEVICE] =
        g_param_spec_string("forward-device", NULL, NULL, NULL, flags);
    properties[PROP_DNS_DOMAIN] = g_param_spec_string("dns-domain", NULL, NULL, NULL, flags);
    g_object_class_install_properties(object_class, N_PROPS, properties);
}

static void
hako_network_init(HakoNetwork *self)
{
    self->ips = g_ptr_array_new_with_free_func((GDestroyNotify)hako_network_ip_free);
}

HakoNetwork *
_hako_network_new(const char *name, const char *uuid)
{
    HakoNetwork *self;

    g_return_val_if_fail(name != NULL, NULL);

    self = g_object_new(HAKO_TYPE_NETWORK, NULL);
    self->name = g_strdup(name);
    self->uuid = g_strdup(uuid);
    return self;
}

void
_hako_network_set_state(HakoNetwork *self, gboolean active, gboolean autostart, gboolean persistent)
{
    g_return_if_fail(HAKO_IS_NETWORK(self));

    self->active = active;
    self->autostart = autostart;
    self->persistent = persistent;
}

void
_hako_network_set_bridge(HakoNetwork *self, const char *bridge)
{
    g_return_if_fail(HAKO_IS_NETWORK(self));

    g_free(self->bridge);
    self->bridge = g_strdup(bridge);
}

void
_hako_network_set_forward(HakoNetwork *self,
                          HakoNetworkMode mode,
                          const char *mode_name,
                          const char *device)
{
    g_return_if_fail(HAKO_IS_NETWORK(self));

    self->forward_mode = mode;
    g_free(self->forward_mode_name);
    self->forward_mode_name = g_strdup(mode_name);
    g_free(self->forward_device);
    self->forward_device = g_strdup(device);
}

void
_hako_network_set_dns_domain(HakoNetwork *self, const char *domain)
{
    g_return_if_fail(HAKO_IS_NETWORK(self));

    g_free(self->dns_domain);
    self->dns_domain = g_strdup(domain);
}

void
_hako_network_set_xml(HakoNetwork *self, const char *xml)
{
    g_return_if_fail(HAKO_IS_NETWORK(self));

    g_free(self->xml);
    self->xml = g_strdup(xml);
}

void
_hako_network_take_ip(HakoNetwork *self, HakoNetworkIp *ip)
{
    g_return_if_fail(HAKO_IS_NETWORK(self));
    g_return_if_fail(ip != NULL);

    g_ptr_array_add(self->ips, ip);
}

const char *
hako_network_get_name(HakoNetwork *self)
{
    g_return_val_if_fail(HAKO_IS_NETWORK(self), NULL);
    return self->name;
}

const char *
hako_network_get_uuid(HakoNetwork *self)
{
    g_return_val_if_fail(HAKO_IS_NETWORK(self), NULL);
    return self->uuid;
}

/**
 * hako_network_get_active:
 *
 * Returns: whether the network was running when it was listed
 */
gboolean
hako_network_get_active(HakoNetwork *self)
{
    g_return_val_if_fail(HAKO_IS_NETWORK(self), FALSE);
    return self->active;
}

/**
 * hako_network_get_autostart:
 *
 * Returns: whether the network starts with the host's libvirt daemon
 */
gboolean
hako_network_get_autostart(HakoNetwork *self)
{
    g_return_val_if_fail(HAKO_IS_NETWORK(self), FALSE);
    return self->autostart;
}

/**
 * hako_network_get_persistent:
 *
 * Returns: whether the network is defined (a transient one goes away when stopped)
 */
gboolean
hako_network_get_persistent(HakoNetwork *self)
{
    g_return_val_if_fail(HAKO_IS_NETWORK(self), FALSE);
    return self->persistent;
}

/**
 * hako_network_get_bridge:
 *
 * Returns: (nullable): the name of the network's bridge on the host, such as virbr0
 */
const char *
hako_network_get_bridge(HakoNetwork *self)
{
    g_return_val_if_fail(HAKO_IS_NETWORK(self), NULL);
    return self->bridge;
}

HakoNetworkMode
hako_network_get_forward_mode(HakoNetwork *self)
{
    g_return_val_if_fail(HAKO_IS_NETWORK(self), HAKO_NETWORK_MODE_ISOLATED);
    return self->forward_mode;
}

/**
 * hako_network_get_forward_mode_name:
 *
 * Returns: (nullable): libvirt's name of the forward mode ("nat", "bridge"…), %NULL for an
 *   isolated network
 */
const char *
hako_network_get_forward_mode_name(HakoNetwork *self)
{
    g_return_val_if_fail(HAKO_IS_NETWORK(self), NULL);
    return self->forward_mode_name;
}

/**
 * hako_network_get_forward_device:
 *
 * Returns: (nullable): the host device traffic leaves through, %NULL for any
 */
const char *
hako_network_get_forward_device(HakoNetwork *self)
{
    g_return_val_if_fail(HAKO_IS_NETWORK(self), NULL);
    return self->forward_device;
}

/**
 * hako_network_get_dns_domain:
 *
 * Returns: (nullable): the DNS domain of the network's guests
 */
const char *
hako_network_get_dns_domain(HakoNetwork *self)
{
    g_return_val_if_fail(HAKO_IS_NETWORK(self), NULL);
    return self->dns_domain;
}

/**
 * hako_network_get_xml:
 *
 * Returns: (nullable): libvirt's description of the network, as listed
 */
const char *
hako_network_get_xml(HakoNetwork *self)
{
    g_return_val_if_fail(HAKO_IS_NETWORK(self), NULL);
    return self->xml;
}

/**
 * hako_network_get_ips:
 *
 * Returns: (transfer none) (element-type HakoNetworkIp): the network's IPv4 and IPv6
 *   addresses, in the order of its description
 */
GPtrArray *
hako_network_get_ips(HakoNetwork *self)
{
    g_return_val_if_fail(HAKO_IS_NETWORK(self), NULL);
    return self->ips;
}

/**
 * hako_network_mode_to_string:
 *
 * Returns: the mode's name for people, translated
 */
const char *
hako_network_mode_to_string(HakoNetworkMode mode)
{
    switch (mode) {
    case HAKO_NETWORK_MODE_ISOLATED:
        return _("Isolated");
    case HAKO_NETWORK_MODE_NAT:
        return _("NAT");
    case HAKO_NETWORK_MODE_ROUTE:
        return _("Routed");
    case HAKO_NETWORK_MODE_OPEN:
        return _("Open");
    case HAKO_NETWORK_MODE_OTHER:
    default:
        return _("Other");
    }
}
