/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoNetworks: a host's virtual networks.
 *
 * Each operation takes a reference on the host's connection from the connection manager on
 * the main thread (which refuses a host that is not connected, and for changes one that is
 * read-only), then makes its libvirt calls on a worker thread of its own. Results are
 * snapshots: a listed HakoNetwork is built by the worker that read it, before anyone else can
 * see it, and never changes afterwards; after a change the caller lists again. */
#include "config.h"

#include "hako-networks.h"

#include "hako-connection-manager-private.h"
#include "hako-engine-error.h"
#include "hako-engine-private.h"
#include "hako-network-private.h"

#include <glib/gi18n.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <string.h>

struct _HakoNetworks {
    GObject parent_instance;

    HakoConnectionManager *manager;
};

G_DEFINE_FINAL_TYPE(HakoNetworks, hako_networks, G_TYPE_OBJECT)

static void
hako_networks_dispose(GObject *object)
{
    HakoNetworks *self = HAKO_NETWORKS(object);

    g_clear_object(&self->manager);

    G_OBJECT_CLASS(hako_networks_parent_class)->dispose(object);
}

static void
hako_networks_class_init(HakoNetworksClass *klass)
{
    G_OBJECT_CLASS(klass)->dispose = hako_networks_dispose;
}

static void
hako_networks_init(HakoNetworks *self)
{
}

/**
 * hako_networks_new:
 * @manager: the connections the hosts come from
 */
HakoNetworks *
hako_networks_new(HakoConnectionManager *manager)
{
    HakoNetworks *self;

    g_return_val_if_fail(HAKO_IS_CONNECTION_MANAGER(manager), NULL);

    self = g_object_new(HAKO_TYPE_NETWORKS, NULL);
    self->manager = g_object_ref(manager);
    return self;
}

HakoConnectionManager *
hako_networks_get_manager(HakoNetworks *self)
{
    g_return_val_if_fail(HAKO_IS_NETWORKS(self), NULL);
    return self->manager;
}

/* ---------------------------------------------------------------------- */
/* XML, both ways (pure) */

static char *
prop(xmlNode *node, const char *name)
{
    xmlChar *value = node != NULL ? xmlGetProp(node, (const xmlChar *)name) : NULL;
    char *copy = value != NULL ? g_strdup((const char *)value) : NULL;

    xmlFree(value);
    return copy;
}

static xmlNode *
child(xmlNode *node, const char *name)
{
    for (xmlNode *c = node != NULL ? node->children : NULL; c != NULL; c = c->next)
        if (c->type == XML_ELEMENT_NODE && xmlStrcmp(c->name, (const xmlChar *)name) == 0)
            return c;
    return NULL;
}

static gboolean
is_element(xmlNode *node, const char *name)
{
    return node->type == XML_ELEMENT_NODE && xmlStrcmp(node->name, (const xmlChar *)name) == 0;
}

static char *
child_text(xmlNode *node, const char *name)
{
    xmlNode *c = child(node, name);
    xmlChar *content = c != NULL ? xmlNodeGetContent(c) : NULL;
    char *copy = content != NULL ? g_strstrip(g_strdup((const char *)content)) : NULL;

    xmlFree(content);
    return copy;
}

static xmlDoc *
read_doc(const char *xml, const char *root_name, xmlNode **root)
{
    xmlDoc *doc = xmlReadMemory(xml, (int)strlen(xml), "libvirt.xml", NULL,
                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);

    *root = doc != NULL ? xmlDocGetRootElement(doc) : NULL;
    if (*root == NULL || xmlStrcmp((*root)->name, (const xmlChar *)root_name) != 0) {
        xmlFreeDoc(doc);
        *root = NULL;
        return NULL;
    }
    return doc;
}

/* The prefix of an <ip>: its prefix attribute, or the bits of its netmask (IPv4). */
static guint
ip_prefix(xmlNode *node, guint size)
{
    g_autofree char *prefix = prop(node, "prefix");
    g_autofree char *netmask = prop(node, "netmask");
    guint64 value = 0;
    GSocketFamily family;
    guint8 bytes[16];
    guint n = 0;

    if (prefix != NULL && g_ascii_string_to_unsigned(prefix, 10, 0, size * 8, &value, NULL))
        return (guint)value;
    if (netmask != NULL && _hako_network_address_parse(netmask, &family, bytes) == 4) {
        for (guint i = 0; i < 4; i++)
            for (int bit = 7; bit >= 0 && (bytes[i] >> bit & 1); bit--)
                n++;
        return n;
    }
    /* libvirt's defaults: the class of an IPv4 address is long gone, 24 is what it means. */
    return size == 4 ? 24 : 64;
}

static HakoNetworkMode
mode_from_name(const char *name)
{
    if (name == NULL)
        return HAKO_NETWORK_MODE_ISOLATED;
    if (g_str_equal(name, "nat"))
        return HAKO_NETWORK_MODE_NAT;
    if (g_str_equal(name, "route"))
        return HAKO_NETWORK_MODE_ROUTE;
    if (g_str_equal(name, "open"))
        return HAKO_NETWORK_MODE_OPEN;
    return HAKO_NETWORK_MODE_OTHER;
}

/**
 * hako_networks_parse_xml:
 * @xml: a network's XML, as virNetworkGetXMLDesc() gives it
 *
 * Reads the facts of a network from its description: name, UUID, bridge, forward mode and
 * device, DNS domain, and its IPv4 and IPv6 addresses with their prefixes and DHCP ranges. The
 * state (active, autostart, persistent) is not in the XML and stays %FALSE.
 *
 * Returns: (transfer full): the network, or %NULL with @error set when @xml is not a network's
 *   XML
 */
HakoNetwork *
hako_networks_parse_xml(const char *xml, GError **error)
{
    g_autoptr(HakoNetwork) network = NULL;
    g_autofree char *name = NULL;
    g_autofree char *uuid = NULL;
    g_autofree char *mode_name = NULL;
    g_autofree char *device = NULL;
    g_autofree char *bridge = NULL;
    g_autofree char *domain = NULL;
    xmlNode *root, *forward;
    xmlDoc *doc;

    g_return_val_if_fail(xml != NULL, NULL);

    doc = read_doc(xml, "network", &root);
    name = doc != NULL ? child_text(root, "name") : NULL;
    if (name == NULL || *name == '\0') {
        g_set_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_INVALID_DATA,
                    _("The network’s description from libvirt is not a network’s XML."));
        xmlFreeDoc(doc);
        return NULL;
    }
    uuid = child_text(root, "uuid");
    network = _hako_network_new(name, uuid);

    forward = child(root, "forward");
    if (forward != NULL) {
        mode_name = prop(forward, "mode");
        if (mode_name == NULL)
            mode_name = g_strdup("nat"); /* libvirt's default */
        device = prop(forward, "dev");
        if (device == NULL)
            device = prop(child(forward, "interface"), "dev");
    }
    _hako_network_set_forward(network, mode_from_name(mode_name), mode_name, device);
    bridge = prop(child(root, "bridge"), "name");
    _hako_network_set_bridge(network, bridge);
    domain = prop(child(root, "domain"), "name");
    _hako_network_set_dns_domain(network, domain);
    _hako_network_set_xml(network, xml);

    for (xmlNode *c = root->children; c != NULL; c = c->next) {
        g_autofree char *address = NULL;
        HakoNetworkIp *ip;
        GSocketFamily family;
        guint8 bytes[16];
        guint size;

        if (!is_element(c, "ip"))
            continue;
        address = prop(c, "address");
        size = _hako_network_address_parse(address, &family, bytes);
        if (size == 0)
            continue; /* an <ip> with only a localPtr or a tftp root: nothing to show */
        ip = hako_network_ip_new(family, address, ip_prefix(c, size));
        for (xmlNode *r = child(c, "dhcp") != NULL ? child(c, "dhcp")->children : NULL; r != NULL;
             r = r->next) {
            g_autofree char *start = NULL;
            g_autofree char *end = NULL;

            if (!is_element(r, "range"))
                continue;
            start = prop(r, "start");
            end = prop(r, "end");
            if (start != NULL && end != NULL)
                hako_network_ip_add_dhcp_range(ip, start, end);
        }
        _hako_network_take_ip(network, ip);
    }
    xmlFreeDoc(doc);
    return g_steal_pointer(&network);
}

/**
 * hako_networks_domain_uses:
 * @domain_xml: a guest's XML
 * @network: a network's name
 *
 * Returns: whether the guest has an interface of type "network" on @network
 */
gboolean
hako_networks_domain_uses(const char *domain_xml, const char *network)
{
    gboolean uses = FALSE;
    xmlNode *root, *devices;
    xmlDoc *doc;

    g_return_val_if_fail(domain_xml != NULL && network != NULL, FALSE);

    doc = read_doc(domain_xml, "domain", &root);
    if (doc == NULL)
        return FALSE;
    devices = child(root, "devices");
    for (xmlNode *c = devices != NULL ? devices->children : NULL; c != NULL && !uses; c = c->next) {
        g_autofree char *type = NULL;
        g_autofree char *source = NULL;

        if (!is_element(c, "interface"))
            continue;
        type = prop(c, "type");
        source = prop(child(c, "source"), "network");
        uses = g_strcmp0(type, "network") == 0 && g_strcmp0(source, network) == 0;
    }
    xmlFreeDoc(doc);
    return uses;
}

static gboolean
has_text(const char *s)
{
    return s != NULL && *s != '\0';
}

static void append(GString *xml, const char *format, ...) G_GNUC_PRINTF(2, 3);

/* Appends with every argument escaped for XML. */
static void
append(GString *xml, const char *format, ...)
{
    g_autofree char *text = NULL;
    va_list args;

    va_start(args, format);
    text = g_markup_vprintf_escaped(format, args);
    va_end(args);
    g_string_append(xml, text);
}

/**
 * hako_networks_spec_to_xml:
 * @spec: a spec that hako_network_spec_validate() accepts
 *
 * The libvirt XML of the network @spec describes: the forward mode and device, the bridge
 * (libvirt picks a free virbrN when the spec names none), the DNS domain (answered locally),
 * the host's address on the IPv4 network (its first) with the DHCP range, and on the IPv6
 * network.
 *
 * Returns: (transfer full): the XML
 */
char *
hako_networks_spec_to_xml(const HakoNetworkSpec *spec)
{
    GString *xml;
    g_autofree char *v4 = NULL;
    g_autofree char *v6 = NULL;
    guint v4_prefix = 0, v6_prefix = 0;
    const char *mode = NULL;

    g_return_val_if_fail(spec != NULL && spec->name != NULL, NULL);

    xml = g_string_new("<network>\n");
    append(xml, "  <name>%s</name>\n", spec->name);
    switch (spec->mode) {
    case HAKO_NETWORK_MODE_NAT:
        mode = "nat";
        break;
    case HAKO_NETWORK_MODE_ROUTE:
        mode = "route";
        break;
    case HAKO_NETWORK_MODE_OPEN:
        mode = "open";
        break;
    default:
        break;
    }
    if (mode != NULL && has_text(spec->forward_device))
        append(xml, "  <forward mode='%s' dev='%s'/>\n", mode, spec->forward_device);
    else if (mode != NULL)
        append(xml, "  <forward mode='%s'/>\n", mode);
    if (has_text(spec->bridge))
        append(xml, "  <bridge name='%s' stp='on' delay='0'/>\n", spec->bridge);
    else
        g_string_append(xml, "  <bridge stp='on' delay='0'/>\n");
    if (has_text(spec->dns_domain))
        append(xml, "  <domain name='%s' localOnly='yes'/>\n", spec->dns_domain);
    if (hako_network_spec_get_host_address(spec, G_SOCKET_FAMILY_IPV4, &v4, &v4_prefix)) {
        if (has_text(spec->dhcp_start) && has_text(spec->dhcp_end))
            append(xml,
                   "  <ip address='%s' prefix='%u'>\n"
                   "    <dhcp>\n"
                   "      <range start='%s' end='%s'/>\n"
                   "    </dhcp>\n"
                   "  </ip>\n",
                   v4, v4_prefix, spec->dhcp_start, spec->dhcp_end);
        else
            append(xml, "  <ip address='%s' prefix='%u'/>\n", v4, v4_prefix);
    }
    if (hako_network_spec_get_host_address(spec, G_SOCKET_FAMILY_IPV6, &v6, &v6_prefix))
        append(xml, "  <ip family='ipv6' address='%s' prefix='%u'/>\n", v6, v6_prefix);
    g_string_append(xml, "</network>\n");
    return g_string_free(xml, FALSE);
}

/* ---------------------------------------------------------------------- */
/* Workers */

typedef struct {
    virConnectPtr conn;
    char *host_label;
    char *name;
    gboolean autostart;
    HakoNetworkSpec *spec;
    char *xml;
} NetData;

static void
net_data_free(gpointer data)
{
    NetData *d = data;

    if (d->conn != NULL)
        virConnectClose(d->conn);
    g_free(d->host_label);
    g_free(d->name);
    hako_network_spec_free(d->spec);
    g_free(d->xml);
    g_free(d);
}

/* The network's facts and state; NULL with @error set when libvirt does not answer. */
static HakoNetwork *
read_network(virNetworkPtr net, GError **error)
{
    const char *name = virNetworkGetName(net);
    g_autofree char *xml = NULL;
    HakoNetwork *network;
    char *raw = virNetworkGetXMLDesc(net, 0);
    int autostart = 0;

    if (raw == NULL) {
        *error = _hako_engine_error_from_libvirt(
            HAKO_ENGINE_ERROR_FAILED, _("Could not read the description of the network “%s”"),
            name);
        return NULL;
    }
    xml = g_strdup(raw);
    free(raw);
    network = hako_networks_parse_xml(xml, error);
    if (network == NULL)
        return NULL;
    if (virNetworkGetAutostart(net, &autostart) < 0) {
        g_debug("No autostart of the network “%s”: %s", name, _hako_libvirt_last_message());
        virResetLastError();
        autostart = 0;
    }
    _hako_network_set_state(network, virNetworkIsActive(net) == 1, autostart != 0,
                            virNetworkIsPersistent(net) == 1);
    return network;
}

static int
compare_names(gconstpointer a, gconstpointer b)
{
    return g_strcmp0(hako_network_get_name(*(HakoNetwork **)a),
                     hako_network_get_name(*(HakoNetwork **)b));
}

/* Every network of the connection, sorted by name. A network that goes away while it is read
 * is left out. */
static GPtrArray *
read_all(NetData *d, GError **error)
{
    g_autoptr(GPtrArray) networks = g_ptr_array_new_with_free_func(g_object_unref);
    virNetworkPtr *nets = NULL;
    int n = virConnectListAllNetworks(d->conn, &nets, 0);

    if (n < 0) {
        *error = _hako_engine_error_from_libvirt(
            HAKO_ENGINE_ERROR_FAILED, _("Could not list the networks of %s"), d->host_label);
        return NULL;
    }
    for (int i = 0; i < n; i++) {
        GError *local = NULL;
        HakoNetwork *network = *error == NULL ? read_network(nets[i], &local) : NULL;

        if (network != NULL)
            g_ptr_array_add(networks, network);
        else if (local != NULL && virNetworkIsActive(nets[i]) < 0)
            g_clear_error(&local); /* gone meanwhile */
        else if (local != NULL)
            g_propagate_error(error, local);
        virNetworkFree(nets[i]);
    }
    free(nets);
    if (*error != NULL)
        return NULL;
    g_ptr_array_sort(networks, compare_names);
    return g_steal_pointer(&networks);
}

static virNetworkPtr
lookup(NetData *d, GError **error)
{
    virNetworkPtr net = virNetworkLookupByName(d->conn, d->name);

    if (net == NULL)
        *error = _hako_engine_error_from_libvirt(HAKO_ENGINE_ERROR_NOT_FOUND,
                                                 _("Could not find the network “%s”"), d->name);
    return net;
}

static gboolean
xml_uses(virDomainPtr dom, unsigned int flags, const char *network)
{
    char *raw = virDomainGetXMLDesc(dom, flags);
    gboolean uses;

    if (raw == NULL) {
        /* a guest undefined meanwhile uses nothing */
        g_debug("No description of “%s”: %s", virDomainGetName(dom), _hako_libvirt_last_message());
        virResetLastError();
        return FALSE;
    }
    uses = hako_networks_domain_uses(raw, network);
    free(raw);
    return uses;
}

static int
compare_strings(gconstpointer a, gconstpointer b)
{
    return g_strcmp0(*(const char *const *)a, *(const char *const *)b);
}

/* The names of the guests with an interface on the network, in their running or their next
 * configuration, sorted. */
static char **
read_users(NetData *d, GError **error)
{
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    virDomainPtr *doms = NULL;
    int n = virConnectListAllDomains(d->conn, &doms, 0);

    if (n < 0) {
        *error = _hako_engine_error_from_libvirt(
            HAKO_ENGINE_ERROR_FAILED, _("Could not list the guests that use the network “%s”"),
            d->name);
        return NULL;
    }
    for (int i = 0; i < n; i++) {
        gboolean uses = xml_uses(doms[i], 0, d->name);

        if (!uses && virDomainIsActive(doms[i]) == 1 && virDomainIsPersistent(doms[i]) == 1)
            uses = xml_uses(doms[i], VIR_DOMAIN_XML_INACTIVE, d->name);
        if (uses)
            g_ptr_array_add(names, g_strdup(virDomainGetName(doms[i])));
        virDomainFree(doms[i]);
    }
    free(doms);
    g_ptr_array_sort(names, compare_strings);
    g_ptr_array_add(names, NULL);
    return (char **)g_ptr_array_free(g_steal_pointer(&names), FALSE);
}

static void
list_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    NetData *d = data;
    GError *error = NULL;
    GPtrArray *networks = read_all(d, &error);

    virConnectClose(g_steal_pointer(&d->conn));
    if (networks == NULL)
        g_task_return_error(task, error);
    else
        g_task_return_pointer(task, networks, (GDestroyNotify)g_ptr_array_unref);
}

typedef enum {
    OP_START,
    OP_STOP,
    OP_DELETE,
    OP_AUTOSTART,
    OP_USERS,
} Op;

static void
run_op(GTask *task, NetData *d, Op op)
{
    GError *error = NULL;
    virNetworkPtr net = NULL;
    char **users = NULL;

    if (op == OP_USERS || op == OP_DELETE) {
        users = read_users(d, &error);
        if (users == NULL)
            goto out;
        if (op == OP_USERS)
            goto out;
    }
    net = lookup(d, &error);
    if (net == NULL)
        goto out;

    switch (op) {
    case OP_START:
        if (virNetworkCreate(net) < 0)
            error = _hako_engine_error_from_libvirt(HAKO_ENGINE_ERROR_FAILED,
                                                    _("Could not start the network “%s”"), d->name);
        break;
    case OP_STOP:
        if (virNetworkDestroy(net) < 0)
            error = _hako_engine_error_from_libvirt(HAKO_ENGINE_ERROR_FAILED,
                                                    _("Could not stop the network “%s”"), d->name);
        break;
    case OP_DELETE:
        /* A running network is stopped first; a transient one is gone once stopped. */
        if ((virNetworkIsActive(net) == 1 && virNetworkDestroy(net) < 0) ||
            (virNetworkIsPersistent(net) == 1 && virNetworkUndefine(net) < 0))
            error = _hako_engine_error_from_libvirt(
                HAKO_ENGINE_ERROR_FAILED, _("Could not delete the network “%s”"), d->name);
        break;
    case OP_AUTOSTART:
        if (virNetworkSetAutostart(net, d->autostart ? 1 : 0) < 0)
            error = _hako_engine_error_from_libvirt(
                HAKO_ENGINE_ERROR_FAILED,
                _("Could not change whether the network “%s” starts with the host"), d->name);
        break;
    case OP_USERS:
    default:
        g_assert_not_reached();
    }

out:
    if (net != NULL)
        virNetworkFree(net);
    virConnectClose(g_steal_pointer(&d->conn));
    if (error != NULL) {
        g_strfreev(users);
        g_task_return_error(task, error);
    } else if (users != NULL) {
        g_task_return_pointer(task, users, (GDestroyNotify)g_strfreev);
    } else {
        g_task_return_boolean(task, TRUE);
    }
}

static void
start_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    run_op(task, data, OP_START);
}

static void
stop_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    run_op(task, data, OP_STOP);
}

static void
delete_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    run_op(task, data, OP_DELETE);
}

static void
autostart_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    run_op(task, data, OP_AUTOSTART);
}

static void
users_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    run_op(task, data, OP_USERS);
}

static void
create_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    NetData *d = data;
    g_autoptr(GPtrArray) existing = NULL;
    GError *error = NULL;
    HakoNetwork *network = NULL;
    virNetworkPtr net = NULL;

    existing = read_all(d, &error);
    if (existing == NULL || !hako_network_spec_check_conflicts(d->spec, existing, &error))
        goto out;

    net = virNetworkDefineXML(d->conn, d->xml);
    if (net == NULL) {
        error = _hako_engine_error_from_libvirt(
            HAKO_ENGINE_ERROR_FAILED, _("Could not create the network “%s”"), d->spec->name);
        goto out;
    }
    if (virNetworkCreate(net) < 0 || (d->spec->autostart && virNetworkSetAutostart(net, 1) < 0)) {
        /* The error first: cleaning up would overwrite libvirt's thread-local one. */
        error = _hako_engine_error_from_libvirt(
            HAKO_ENGINE_ERROR_FAILED, _("Could not create the network “%s”"), d->spec->name);
        if (virNetworkIsActive(net) == 1 && virNetworkDestroy(net) < 0)
            g_warning("Could not stop the half-created network “%s”: %s", d->spec->name,
                      _hako_libvirt_last_message());
        if (virNetworkUndefine(net) < 0)
            g_warning("Could not remove the half-created network “%s”: %s", d->spec->name,
                      _hako_libvirt_last_message());
        virResetLastError();
        goto out;
    }
    network = read_network(net, &error);

out:
    if (net != NULL)
        virNetworkFree(net);
    virConnectClose(g_steal_pointer(&d->conn));
    if (network == NULL)
        g_task_return_error(task, error);
    else
        g_task_return_pointer(task, network, g_object_unref);
}

/* ---------------------------------------------------------------------- */
/* The API */

/* A task with the host's connection in its data, or NULL when it has already failed. */
static GTask *
new_task(HakoNetworks *self,
         HakoHost *host,
         const char *name,
         gboolean to_change,
         gpointer source_tag,
         GCancellable *cancellable,
         GAsyncReadyCallback callback,
         gpointer user_data,
         NetData **data)
{
    g_autoptr(GTask) task = g_task_new(self, cancellable, callback, user_data);
    GError *error = NULL;
    virConnectPtr conn;
    NetData *d;

    g_task_set_source_tag(task, source_tag);
    conn = to_change
               ? _hako_connection_manager_dup_host_conn_to_change(self->manager, host, &error)
               : _hako_connection_manager_dup_host_conn_to_read(self->manager, host, NULL, &error);
    if (conn == NULL) {
        g_task_return_error(task, error);
        return NULL;
    }
    d = g_new0(NetData, 1);
    d->conn = conn;
    d->host_label = g_strdup(hako_host_get_label(host));
    d->name = g_strdup(name);
    g_task_set_task_data(task, d, net_data_free);
    if (data != NULL)
        *data = d;
    return g_steal_pointer(&task);
}

/**
 * hako_networks_list_async:
 * @host: a connected host (read-only is enough)
 *
 * Lists the host's virtual networks on a worker thread, each with its state and the facts of
 * its description (hako_networks_parse_xml()), sorted by name.
 */
void
hako_networks_list_async(HakoNetworks *self,
                         HakoHost *host,
                         GCancellable *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer user_data)
{
    g_autoptr(GTask) task = NULL;

    g_return_if_fail(HAKO_IS_NETWORKS(self));
    g_return_if_fail(HAKO_IS_HOST(host));

    task = new_task(self, host, NULL, FALSE, hako_networks_list_async, cancellable, callback,
                    user_data, NULL);
    if (task != NULL)
        _hako_task_run_in_own_thread(task, list_thread);
}

/**
 * hako_networks_list_finish:
 *
 * Returns: (transfer container) (element-type HakoNetwork): the networks, or %NULL
 */
GPtrArray *
hako_networks_list_finish(HakoNetworks *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), NULL);
    return g_task_propagate_pointer(G_TASK(result), error);
}

static void
run_named(HakoNetworks *self,
          HakoHost *host,
          const char *name,
          gboolean to_change,
          gpointer source_tag,
          GTaskThreadFunc func,
          GCancellable *cancellable,
          GAsyncReadyCallback callback,
          gpointer user_data,
          gboolean autostart)
{
    g_autoptr(GTask) task = NULL;
    NetData *d = NULL;

    task = new_task(self, host, name, to_change, source_tag, cancellable, callback, user_data, &d);
    if (task == NULL)
        return;
    d->autostart = autostart;
    _hako_task_run_in_own_thread(task, func);
}

/**
 * hako_networks_start_async:
 * @host: a connected, writable host
 * @name: one of its networks
 *
 * Starts the network on a worker thread: libvirt makes its bridge, its firewall rules and
 * starts its DHCP and DNS server.
 */
void
hako_networks_start_async(HakoNetworks *self,
                          HakoHost *host,
                          const char *name,
                          GCancellable *cancellable,
                          GAsyncReadyCallback callback,
                          gpointer user_data)
{
    g_return_if_fail(HAKO_IS_NETWORKS(self));
    g_return_if_fail(HAKO_IS_HOST(host));
    g_return_if_fail(name != NULL);

    run_named(self, host, name, TRUE, hako_networks_start_async, start_thread, cancellable,
              callback, user_data, FALSE);
}

gboolean
hako_networks_start_finish(HakoNetworks *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), FALSE);
    return g_task_propagate_boolean(G_TASK(result), error);
}

/**
 * hako_networks_stop_async:
 * @host: a connected, writable host
 * @name: one of its running networks
 *
 * Stops the network on a worker thread. Guests keep their interfaces, without a link.
 */
void
hako_networks_stop_async(HakoNetworks *self,
                         HakoHost *host,
                         const char *name,
                         GCancellable *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer user_data)
{
    g_return_if_fail(HAKO_IS_NETWORKS(self));
    g_return_if_fail(HAKO_IS_HOST(host));
    g_return_if_fail(name != NULL);

    run_named(self, host, name, TRUE, hako_networks_stop_async, stop_thread, cancellable, callback,
              user_data, FALSE);
}

gboolean
hako_networks_stop_finish(HakoNetworks *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), FALSE);
    return g_task_propagate_boolean(G_TASK(result), error);
}

/**
 * hako_networks_delete_async:
 * @host: a connected, writable host
 * @name: one of its networks
 *
 * Deletes the network on a worker thread: stops it when it runs, then undefines it. Ask the
 * user first, naming the guests hako_networks_list_users_async() gives: their interfaces stay
 * and lose their network.
 */
void
hako_networks_delete_async(HakoNetworks *self,
                           HakoHost *host,
                           const char *name,
                           GCancellable *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer user_data)
{
    g_return_if_fail(HAKO_IS_NETWORKS(self));
    g_return_if_fail(HAKO_IS_HOST(host));
    g_return_if_fail(name != NULL);

    run_named(self, host, name, TRUE, hako_networks_delete_async, delete_thread, cancellable,
              callback, user_data, FALSE);
}

/**
 * hako_networks_delete_finish:
 * @users: (out) (optional) (transfer full): the guests that used the network when it was
 *   deleted, sorted by name (an empty array for none)
 *
 * Returns: whether the network was deleted
 */
gboolean
hako_networks_delete_finish(HakoNetworks *self, GAsyncResult *result, char ***users, GError **error)
{
    char **names;

    g_return_val_if_fail(g_task_is_valid(result, self), FALSE);

    names = g_task_propagate_pointer(G_TASK(result), error);
    if (names == NULL)
        return FALSE;
    if (users != NULL)
        *users = names;
    else
        g_strfreev(names);
    return TRUE;
}

/**
 * hako_networks_set_autostart_async:
 * @host: a connected, writable host
 * @name: one of its defined networks
 * @autostart: whether the network starts with the host's libvirt daemon
 */
void
hako_networks_set_autostart_async(HakoNetworks *self,
                                  HakoHost *host,
                                  const char *name,
                                  gboolean autostart,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data)
{
    g_return_if_fail(HAKO_IS_NETWORKS(self));
    g_return_if_fail(HAKO_IS_HOST(host));
    g_return_if_fail(name != NULL);

    run_named(self, host, name, TRUE, hako_networks_set_autostart_async, autostart_thread,
              cancellable, callback, user_data, autostart);
}

gboolean
hako_networks_set_autostart_finish(HakoNetworks *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), FALSE);
    return g_task_propagate_boolean(G_TASK(result), error);
}

/**
 * hako_networks_list_users_async:
 * @host: a connected host (read-only is enough)
 * @name: a network's name
 *
 * Finds, on a worker thread, the guests with an interface of type "network" on @name, in their
 * running or their next configuration: the ones to name before the network is stopped or
 * deleted.
 */
void
hako_networks_list_users_async(HakoNetworks *self,
                               HakoHost *host,
                               const char *name,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data)
{
    g_return_if_fail(HAKO_IS_NETWORKS(self));
    g_return_if_fail(HAKO_IS_HOST(host));
    g_return_if_fail(name != NULL);

    run_named(self, host, name, FALSE, hako_networks_list_users_async, users_thread, cancellable,
              callback, user_data, FALSE);
}

/**
 * hako_networks_list_users_finish:
 *
 * Returns: (transfer full): the guests' names, sorted (an empty array for none), or %NULL
 */
char **
hako_networks_list_users_finish(HakoNetworks *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), NULL);
    return g_task_propagate_pointer(G_TASK(result), error);
}

/**
 * hako_networks_create_async:
 * @host: a connected, writable host
 * @spec: the new network
 *
 * Creates a network: checks @spec (hako_network_spec_validate()), then on a worker thread
 * against the host's networks (hako_network_spec_check_conflicts(): a clash fails with
 * %HAKO_MODEL_ERROR_INVALID_SPEC and the reason), defines it from
 * hako_networks_spec_to_xml(), starts it, and sets it to start with the host when @spec asks.
 * When a step after the definition fails, the network is removed again: a failed create leaves
 * nothing behind.
 */
void
hako_networks_create_async(HakoNetworks *self,
                           HakoHost *host,
                           const HakoNetworkSpec *spec,
                           GCancellable *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer user_data)
{
    g_autoptr(GTask) task = NULL;
    GError *error = NULL;
    NetData *d = NULL;

    g_return_if_fail(HAKO_IS_NETWORKS(self));
    g_return_if_fail(HAKO_IS_HOST(host));
    g_return_if_fail(spec != NULL);

    if (!hako_network_spec_validate(spec, &error)) {
        task = g_task_new(self, cancellable, callback, user_data);
        g_task_set_source_tag(task, hako_networks_create_async);
        g_task_return_error(task, error);
        return;
    }
    task = new_task(self, host, spec->name, TRUE, hako_networks_create_async, cancellable, callback,
                    user_data, &d);
    if (task == NULL)
        return;
    d->spec = hako_network_spec_copy(spec);
    d->xml = hako_networks_spec_to_xml(spec);
    _hako_task_run_in_own_thread(task, create_thread);
}

/**
 * hako_networks_create_finish:
 *
 * Returns: (transfer full): the new network, as it runs, or %NULL
 */
HakoNetwork *
hako_networks_create_finish(HakoNetworks *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), NULL);
    return g_task_propagate_pointer(G_TASK(result), error);
}
