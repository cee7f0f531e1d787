/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoNetworkSpec: a new virtual network as the Create Network wizard's fields, and the checks
 * that say what is wrong with them before libvirt is asked. */
#include "config.h"

#include "hako-network-spec.h"

#include "hako-model-types.h"
#include "hako-network-private.h"

#include <glib/gi18n.h>
#include <string.h>

G_DEFINE_BOXED_TYPE(HakoNetworkSpec,
                    hako_network_spec,
                    hako_network_spec_copy,
                    hako_network_spec_free)

/* Linux interface names: IFNAMSIZ (16) with the terminating NUL. */
#define MAX_IFNAME 15
#define MAX_NETWORK_NAME 64
#define MAX_DNS_NAME 253
#define MAX_DNS_LABEL 63
/* An IPv4 network needs room for its address, the host's, one guest and the broadcast. */
#define MIN_IPV4_PREFIX 8
#define MAX_IPV4_PREFIX 30
#define MIN_IPV6_PREFIX 8
#define MAX_IPV6_PREFIX 126

/**
 * hako_network_spec_new:
 *
 * Returns: (transfer full): an empty spec for an isolated network, the wizard's start
 */
HakoNetworkSpec *
hako_network_spec_new(void)
{
    HakoNetworkSpec *spec = g_new0(HakoNetworkSpec, 1);

    spec->mode = HAKO_NETWORK_MODE_ISOLATED;
    return spec;
}

/**
 * hako_network_spec_copy:
 *
 * Returns: (transfer full): a deep copy of @spec
 */
HakoNetworkSpec *
hako_network_spec_copy(const HakoNetworkSpec *spec)
{
    HakoNetworkSpec *copy;

    g_return_val_if_fail(spec != NULL, NULL);

    copy = g_memdup2(spec, sizeof *spec);
    copy->name = g_strdup(spec->name);
    copy->forward_device = g_strdup(spec->forward_device);
    copy->bridge = g_strdup(spec->bridge);
    copy->ipv4_network = g_strdup(spec->ipv4_network);
    copy->dhcp_start = g_strdup(spec->dhcp_start);
    copy->dhcp_end = g_strdup(spec->dhcp_end);
    copy->ipv6_network = g_strdup(spec->ipv6_network);
    copy->dns_domain = g_strdup(spec->dns_domain);
    return copy;
}

void
hako_network_spec_free(HakoNetworkSpec *spec)
{
    if (spec == NULL)
        return;
    g_free(spec->name);
    g_free(spec->forward_device);
    g_free(spec->bridge);
    g_free(spec->ipv4_network);
    g_free(spec->dhcp_start);
    g_free(spec->dhcp_end);
    g_free(spec->ipv6_network);
    g_free(spec->dns_domain);
    g_free(spec);
}

static gboolean
has_text(const char *s)
{
    return s != NULL && *s != '\0';
}

static gboolean invalid(GError **error, const char *format, ...) G_GNUC_PRINTF(2, 3);

static gboolean
invalid(GError **error, const char *format, ...)
{
    va_list args;

    va_start(args, format);
    g_propagate_error(
        error, g_error_new_valist(HAKO_MODEL_ERROR, HAKO_MODEL_ERROR_INVALID_SPEC, format, args));
    va_end(args);
    return FALSE;
}

/* Letters, digits and "_.-", starting with a letter or digit. */
static gboolean
is_simple_name(const char *s)
{
    if (!g_ascii_isalnum(s[0]))
        return FALSE;
    for (const char *p = s; *p != '\0'; p++) {
        if (!g_ascii_isalnum(*p) && strchr("_.-", *p) == NULL)
            return FALSE;
    }
    return TRUE;
}

static gboolean
validate_name(const char *name, GError **error)
{
    g_autofree char *shown = NULL;

    if (!has_text(name))
        return invalid(error, _("The network needs a name."));
    shown = g_utf8_make_valid(name, -1);
    if (!is_simple_name(name))
        return invalid(error,
                       _("“%s” is not a valid network name: use letters, digits, “_”, “.” and "
                         "“-”, starting with a letter or digit."),
                       shown);
    if (strlen(name) > MAX_NETWORK_NAME)
        return invalid(error, _("“%s” is too long for a network name: use at most %d characters."),
                       shown, MAX_NETWORK_NAME);
    return TRUE;
}

static gboolean
validate_ifname(const char *ifname, gboolean bridge, GError **error)
{
    g_autofree char *shown = g_utf8_make_valid(ifname, -1);

    if (!is_simple_name(ifname) || strlen(ifname) > MAX_IFNAME) {
        if (bridge)
            return invalid(error,
                           _("“%s” is not a valid bridge name: use at most %d letters, digits, "
                             "“_”, “.” and “-”, starting with a letter or digit, or leave it "
                             "empty so that libvirt picks one."),
                           shown, MAX_IFNAME);
        return invalid(error,
                       _("“%s” is not a valid device name: use at most %d letters, digits, "
                         "“_”, “.” and “-”, starting with a letter or digit, or leave it empty "
                         "for any device."),
                       shown, MAX_IFNAME);
    }
    /* libvirt names the guests' tap and macvtap devices so; a bridge of that name would clash. */
    if (bridge && (g_str_has_prefix(ifname, "vnet") || g_str_has_prefix(ifname, "macvtap") ||
                   g_str_has_prefix(ifname, "macvlan")))
        return invalid(error,
                       _("“%s” is not a valid bridge name: libvirt keeps names starting with "
                         "“vnet”, “macvtap” and “macvlan” for guests’ devices. Choose another "
                         "name."),
                       shown);
    return TRUE;
}

static gboolean
validate_dns_domain(const char *domain, GError **error)
{
    g_auto(GStrv) labels = g_strsplit(domain, ".", -1);
    g_autofree char *shown = g_utf8_make_valid(domain, -1);

    if (strlen(domain) > MAX_DNS_NAME)
        return invalid(error, _("“%s” is too long for a DNS domain: use at most %d characters."),
                       shown, MAX_DNS_NAME);
    for (guint i = 0; labels[i] != NULL; i++) {
        const char *label = labels[i];
        gsize length = strlen(label);
        gboolean ok =
            length > 0 && length <= MAX_DNS_LABEL && label[0] != '-' && label[length - 1] != '-';

        for (const char *p = label; ok && *p != '\0'; p++)
            ok = g_ascii_isalnum(*p) || *p == '-';
        if (!ok)
            return invalid(error,
                           _("“%s” is not a valid DNS domain: write it as in example.test, with "
                             "labels of letters, digits and hyphens separated by dots."),
                           shown);
    }
    return TRUE;
}

/* A network in CIDR form with its host part zero. */
typedef struct {
    GSocketFamily family;
    guint size; /* bytes: 4 or 16 */
    guint8 bytes[16];
    guint prefix;
} Subnet;

static char *
subnet_to_string(const Subnet *subnet)
{
    g_autofree char *address = _hako_network_address_to_string(subnet->bytes, subnet->size);

    return g_strdup_printf("%s/%u", address, subnet->prefix);
}

/* Parses "ADDRESS/PREFIX" without judging it; FALSE when it is not of that form. */
static gboolean
parse_cidr(const char *text, Subnet *subnet)
{
    const char *slash = strchr(text, '/');
    g_autofree char *address = NULL;
    guint64 prefix;
    char *end = NULL;

    if (slash == NULL || slash[1] == '\0' || !g_ascii_isdigit(slash[1]))
        return FALSE;
    address = g_strndup(text, (gsize)(slash - text));
    subnet->size = _hako_network_address_parse(address, &subnet->family, subnet->bytes);
    if (subnet->size == 0)
        return FALSE;
    prefix = g_ascii_strtoull(slash + 1, &end, 10);
    if (*end != '\0' || prefix > subnet->size * 8)
        return FALSE;
    subnet->prefix = (guint)prefix;
    return TRUE;
}

static gboolean
parse_ipv4_network(const char *text, Subnet *subnet, GError **error)
{
    Subnet masked;

    if (!parse_cidr(text, subnet) || subnet->family != G_SOCKET_FAMILY_IPV4)
        return invalid(error,
                       _("“%s” is not an IPv4 network: write it as an address and a prefix "
                         "length, as in 192.168.100.0/24."),
                       text);
    if (subnet->prefix < MIN_IPV4_PREFIX || subnet->prefix > MAX_IPV4_PREFIX)
        return invalid(error,
                       _("The IPv4 network “%s” has a prefix length of %u: use one from %d to "
                         "%d, such as 24."),
                       text, subnet->prefix, MIN_IPV4_PREFIX, MAX_IPV4_PREFIX);
    masked = *subnet;
    _hako_network_address_mask(masked.bytes, masked.size, masked.prefix);
    if (memcmp(masked.bytes, subnet->bytes, subnet->size) != 0) {
        g_autofree char *fixed = subnet_to_string(&masked);

        return invalid(error,
                       _("“%s” is not a network address: its host part is not zero. Write "
                         "%s."),
                       text, fixed);
    }
    if (subnet->bytes[0] == 0 || subnet->bytes[0] == 127 || subnet->bytes[0] >= 224)
        return invalid(error,
                       _("“%s” cannot be a virtual network: it is reserved (this host, "
                         "loopback, multicast or experimental addresses). Use a private network "
                         "such as 192.168.100.0/24."),
                       text);
    return TRUE;
}

static gboolean
parse_ipv6_network(const char *text, Subnet *subnet, GError **error)
{
    Subnet masked;

    if (!parse_cidr(text, subnet) || subnet->family != G_SOCKET_FAMILY_IPV6)
        return invalid(error,
                       _("“%s” is not an IPv6 network: write it as an address and a prefix "
                         "length, as in fd00:1234::/64."),
                       text);
    if (subnet->prefix < MIN_IPV6_PREFIX || subnet->prefix > MAX_IPV6_PREFIX)
        return invalid(error,
                       _("The IPv6 network “%s” has a prefix length of %u: use one from %d to "
                         "%d, such as 64."),
                       text, subnet->prefix, MIN_IPV6_PREFIX, MAX_IPV6_PREFIX);
    masked = *subnet;
    _hako_network_address_mask(masked.bytes, masked.size, masked.prefix);
    if (memcmp(masked.bytes, subnet->bytes, subnet->size) != 0) {
        g_autofree char *fixed = subnet_to_string(&masked);

        return invalid(error,
                       _("“%s” is not a network address: its host part is not zero. Write "
                         "%s."),
                       text, fixed);
    }
    if (subnet->bytes[0] == 0xff || (subnet->bytes[0] == 0xfe && subnet->bytes[1] >= 0x80))
        return invalid(error,
                       _("“%s” cannot be a virtual network: it is a multicast or link-local "
                         "network. Use a unique local network such as fd00:1234::/64."),
                       text);
    return TRUE;
}

static guint32
ipv4_value(const guint8 bytes[16])
{
    return (guint32)bytes[0] << 24 | (guint32)bytes[1] << 16 | (guint32)bytes[2] << 8 | bytes[3];
}

static char *
ipv4_to_string(guint32 value)
{
    guint8 bytes[16] = {value >> 24, value >> 16, value >> 8, value};

    return _hako_network_address_to_string(bytes, 4);
}

/* The host's own address on an IPv4 network (its first), and its broadcast address. */
static void
ipv4_bounds(const Subnet *subnet, guint32 *host, guint32 *broadcast)
{
    guint32 base = ipv4_value(subnet->bytes);
    guint32 hostmask = subnet->prefix == 0 ? G_MAXUINT32 : (G_MAXUINT32 >> subnet->prefix);

    *host = base + 1;
    *broadcast = base | hostmask;
}

static gboolean
parse_ipv4_address(const char *text, const char *which, guint32 *value, GError **error)
{
    GSocketFamily family;
    guint8 bytes[16];

    if (_hako_network_address_parse(text, &family, bytes) != 4)
        /* Translators: the first %s is "start" or "end" of a DHCP range, translated */
        return invalid(error, _("The DHCP range’s %s “%s” is not an IPv4 address."), which, text);
    *value = ipv4_value(bytes);
    return TRUE;
}

static gboolean
validate_dhcp(const HakoNetworkSpec *spec, const Subnet *subnet, GError **error)
{
    guint32 start, end, host, broadcast;
    g_autofree char *network = subnet_to_string(subnet);
    g_autofree char *host_text = NULL;
    g_autofree char *first = NULL;
    g_autofree char *last = NULL;

    if (!has_text(spec->dhcp_start) || !has_text(spec->dhcp_end))
        return invalid(error, _("A DHCP range needs both a start and an end address, or "
                                "neither for no DHCP."));
    if (!parse_ipv4_address(spec->dhcp_start, C_("dhcp-range", "start"), &start, error) ||
        !parse_ipv4_address(spec->dhcp_end, C_("dhcp-range", "end"), &end, error))
        return FALSE;
    if (start > end)
        return invalid(error,
                       _("The DHCP range starts at %s, after its end %s. Swap the two "
                         "addresses."),
                       spec->dhcp_start, spec->dhcp_end);

    ipv4_bounds(subnet, &host, &broadcast);
    host_text = ipv4_to_string(host);
    first = ipv4_to_string(host + 1);
    last = ipv4_to_string(broadcast - 1);
    if (start < host || end > broadcast)
        return invalid(error,
                       _("The DHCP range %s–%s is not inside the network %s. Use addresses from "
                         "%s to %s."),
                       spec->dhcp_start, spec->dhcp_end, network, first, last);
    if (start == host)
        return invalid(error,
                       _("The DHCP range %s–%s covers the host’s own address %s. Start it at %s "
                         "or later."),
                       spec->dhcp_start, spec->dhcp_end, host_text, first);
    if (end == broadcast)
        return invalid(error,
                       _("The DHCP range %s–%s covers the broadcast address of %s. End it at %s "
                         "or earlier."),
                       spec->dhcp_start, spec->dhcp_end, network, last);
    return TRUE;
}

/**
 * hako_network_spec_validate:
 *
 * Checks @spec on its own: the name's characters; a mode Hako creates (isolated, NAT, routed or
 * open); a forward device only for NAT and routed networks; the IPv4 network in CIDR form with
 * its host part zero, and the DHCP range inside it without the host's address (the network's
 * first) or the broadcast address; the optional IPv6 network; the bridge name and the DNS
 * domain's syntax. A NAT network needs an IPv4 network, a routed one an IPv4 or IPv6 network.
 *
 * Returns: %TRUE when valid; otherwise %FALSE with a %HAKO_MODEL_ERROR_INVALID_SPEC error that
 *   says what is wrong and how to fix it
 */
gboolean
hako_network_spec_validate(const HakoNetworkSpec *spec, GError **error)
{
    Subnet subnet;

    g_return_val_if_fail(spec != NULL, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    if (!validate_name(spec->name, error))
        return FALSE;
    switch (spec->mode) {
    case HAKO_NETWORK_MODE_ISOLATED:
    case HAKO_NETWORK_MODE_OPEN:
        if (has_text(spec->forward_device))
            return invalid(error,
                           _("An isolated or open network has no forward device: leave it empty, "
                             "or choose NAT or routed."));
        break;
    case HAKO_NETWORK_MODE_NAT:
    case HAKO_NETWORK_MODE_ROUTE:
        if (has_text(spec->forward_device) && !validate_ifname(spec->forward_device, FALSE, error))
            return FALSE;
        break;
    case HAKO_NETWORK_MODE_OTHER:
    default:
        return invalid(error,
                       _("Hako creates isolated, NAT, routed and open networks only: choose one "
                         "of them."));
    }
    if (has_text(spec->bridge) && !validate_ifname(spec->bridge, TRUE, error))
        return FALSE;

    if (has_text(spec->ipv4_network)) {
        if (!parse_ipv4_network(spec->ipv4_network, &subnet, error))
            return FALSE;
        if ((has_text(spec->dhcp_start) || has_text(spec->dhcp_end)) &&
            !validate_dhcp(spec, &subnet, error))
            return FALSE;
    } else if (has_text(spec->dhcp_start) || has_text(spec->dhcp_end)) {
        return invalid(error, _("A DHCP range needs an IPv4 network: enter one, or leave the range "
                                "empty."));
    }
    if (has_text(spec->ipv6_network) && !parse_ipv6_network(spec->ipv6_network, &subnet, error))
        return FALSE;

    if (spec->mode == HAKO_NETWORK_MODE_NAT && !has_text(spec->ipv4_network))
        return invalid(error, _("A NAT network needs an IPv4 network, such as 192.168.100.0/24."));
    if (spec->mode == HAKO_NETWORK_MODE_ROUTE && !has_text(spec->ipv4_network) &&
        !has_text(spec->ipv6_network))
        return invalid(error, _("A routed network needs an IPv4 or IPv6 network to route."));

    if (has_text(spec->dns_domain) && !validate_dns_domain(spec->dns_domain, error))
        return FALSE;
    return TRUE;
}

/* Whether two networks of one family share an address: then the shorter prefix's bits agree. */
static gboolean
subnets_overlap(const Subnet *a, const Subnet *b)
{
    guint8 x[16], y[16];
    guint prefix = MIN(a->prefix, b->prefix);

    if (a->family != b->family)
        return FALSE;
    memcpy(x, a->bytes, sizeof x);
    memcpy(y, b->bytes, sizeof y);
    _hako_network_address_mask(x, a->size, prefix);
    _hako_network_address_mask(y, b->size, prefix);
    return memcmp(x, y, a->size) == 0;
}

static gboolean
check_subnet(const Subnet *wanted, const char *wanted_text, HakoNetwork *network, GError **error)
{
    GPtrArray *ips = hako_network_get_ips(network);

    for (guint i = 0; i < ips->len; i++) {
        g_autofree char *theirs = hako_network_ip_to_network_string(ips->pdata[i]);
        Subnet other;

        if (theirs == NULL || !parse_cidr(theirs, &other) || !subnets_overlap(wanted, &other))
            continue;
        return invalid(error,
                       _("The network %s overlaps %s of the network “%s”. Choose a range of "
                         "addresses that no other network uses."),
                       wanted_text, theirs, hako_network_get_name(network));
    }
    return TRUE;
}

/**
 * hako_network_spec_check_conflicts:
 * @spec: a spec that hako_network_spec_validate() accepts
 * @networks: (element-type HakoNetwork): the host's networks
 *
 * Checks @spec against the networks a host already has: the same name, the same bridge name,
 * or an IPv4 or IPv6 network that overlaps one of theirs.
 *
 * Returns: %TRUE when nothing clashes; otherwise %FALSE with a
 *   %HAKO_MODEL_ERROR_INVALID_SPEC error naming what clashes with what and how to fix it
 */
gboolean
hako_network_spec_check_conflicts(const HakoNetworkSpec *spec, GPtrArray *networks, GError **error)
{
    Subnet v4, v6;
    gboolean has_v4, has_v6;

    g_return_val_if_fail(spec != NULL, FALSE);
    g_return_val_if_fail(networks != NULL, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    has_v4 = has_text(spec->ipv4_network) && parse_cidr(spec->ipv4_network, &v4);
    has_v6 = has_text(spec->ipv6_network) && parse_cidr(spec->ipv6_network, &v6);

    for (guint i = 0; i < networks->len; i++) {
        HakoNetwork *network = networks->pdata[i];
        const char *name = hako_network_get_name(network);

        if (g_strcmp0(name, spec->name) == 0)
            return invalid(
                error, _("The host already has a network named “%s”. Choose another name."), name);
        if (has_text(spec->bridge) &&
            g_strcmp0(hako_network_get_bridge(network), spec->bridge) == 0)
            return invalid(error,
                           _("The bridge “%s” is already used by the network “%s”. Choose "
                             "another bridge name, or leave it empty so that libvirt picks a "
                             "free one."),
                           spec->bridge, name);
        if (has_v4 && !check_subnet(&v4, spec->ipv4_network, network, error))
            return FALSE;
        if (has_v6 && !check_subnet(&v6, spec->ipv6_network, network, error))
            return FALSE;
    }
    return TRUE;
}

/**
 * hako_network_spec_get_host_address:
 * @spec: a valid spec
 * @family: %G_SOCKET_FAMILY_IPV4 or %G_SOCKET_FAMILY_IPV6
 * @address: (out) (transfer full): the host's address on the network: its first
 * @prefix: (out): the prefix length
 *
 * Returns: %FALSE when @spec has no network of @family
 */
gboolean
hako_network_spec_get_host_address(const HakoNetworkSpec *spec,
                                   GSocketFamily family,
                                   char **address,
                                   guint *prefix)
{
    const char *text;
    Subnet subnet;

    g_return_val_if_fail(spec != NULL, FALSE);
    g_return_val_if_fail(address != NULL && prefix != NULL, FALSE);

    text = family == G_SOCKET_FAMILY_IPV4 ? spec->ipv4_network : spec->ipv6_network;
    if (!has_text(text) || !parse_cidr(text, &subnet) || subnet.family != family)
        return FALSE;
    /* The first address after the network's own: its last byte is zero or more. */
    for (int i = (int)subnet.size - 1; i >= 0; i--) {
        if (++subnet.bytes[i] != 0)
            break;
    }
    *address = _hako_network_address_to_string(subnet.bytes, subnet.size);
    *prefix = subnet.prefix;
    return TRUE;
}
