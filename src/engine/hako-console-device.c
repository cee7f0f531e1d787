/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "hako-console-device.h"

#include "hako-engine-error.h"

#include <glib/gi18n.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <string.h>
#include <unistd.h>

G_DEFINE_BOXED_TYPE(HakoConsoleDevice,
                    hako_console_device,
                    hako_console_device_copy,
                    hako_console_device_free)

HakoConsoleDevice *
hako_console_device_copy(const HakoConsoleDevice *self)
{
    HakoConsoleDevice *copy;

    g_return_val_if_fail(self != NULL, NULL);

    copy = g_memdup2(self, sizeof *self);
    copy->listen = g_strdup(self->listen);
    copy->socket = g_strdup(self->socket);
    copy->password = g_strdup(self->password);
    copy->alias = g_strdup(self->alias);
    copy->target_type = g_strdup(self->target_type);
    copy->source_type = g_strdup(self->source_type);
    return copy;
}

void
hako_console_device_free(HakoConsoleDevice *self)
{
    if (self == NULL)
        return;
    g_free(self->listen);
    g_free(self->socket);
    g_free(self->password);
    g_free(self->alias);
    g_free(self->target_type);
    g_free(self->source_type);
    g_free(self);
}

gboolean
hako_console_device_is_graphical(const HakoConsoleDevice *self)
{
    g_return_val_if_fail(self != NULL, FALSE);
    return self->kind == HAKO_CONSOLE_KIND_VNC || self->kind == HAKO_CONSOLE_KIND_SPICE;
}

/**
 * hako_console_device_can_open:
 *
 * Whether Hako can show this console at all: a serial port or text console only when it is a
 * pseudo-terminal (libvirt streams nothing else), a display always (through
 * virDomainOpenGraphicsFD where it listens on nothing).
 */
gboolean
hako_console_device_can_open(const HakoConsoleDevice *self)
{
    g_return_val_if_fail(self != NULL, FALSE);
    if (hako_console_device_is_graphical(self))
        return TRUE;
    return g_strcmp0(self->source_type, "pty") == 0 && self->alias != NULL;
}

/* ---------------------------------------------------------------------- */
/* Endpoints */

G_DEFINE_BOXED_TYPE(HakoGraphicsEndpoint,
                    hako_graphics_endpoint,
                    hako_graphics_endpoint_copy,
                    hako_graphics_endpoint_free)

/* A copy has a duplicate of the socket, so that each can be closed on its own. */
HakoGraphicsEndpoint *
hako_graphics_endpoint_copy(const HakoGraphicsEndpoint *self)
{
    HakoGraphicsEndpoint *copy;

    g_return_val_if_fail(self != NULL, NULL);

    copy = g_memdup2(self, sizeof *self);
    copy->fd = self->fd >= 0 ? dup(self->fd) : -1;
    copy->host = g_strdup(self->host);
    copy->socket = g_strdup(self->socket);
    copy->password = g_strdup(self->password);
    return copy;
}

void
hako_graphics_endpoint_free(HakoGraphicsEndpoint *self)
{
    if (self == NULL)
        return;
    if (self->fd >= 0)
        close(self->fd);
    g_free(self->host);
    g_free(self->socket);
    g_free(self->password);
    g_free(self);
}

/**
 * hako_graphics_endpoint_steal_fd:
 *
 * Returns: the open socket, which the caller now owns (a display widget closes it), or -1
 */
int
hako_graphics_endpoint_steal_fd(HakoGraphicsEndpoint *self)
{
    int fd;

    g_return_val_if_fail(self != NULL, -1);
    fd = self->fd;
    self->fd = -1;
    return fd;
}

/* ---------------------------------------------------------------------- */
/* Parsing */

static char *
prop(xmlNode *node, const char *name)
{
    xmlChar *value = xmlGetProp(node, (const xmlChar *)name);
    char *copy = value != NULL ? g_strdup((const char *)value) : NULL;

    xmlFree(value);
    return copy;
}

static xmlNode *
child(xmlNode *node, const char *name)
{
    for (xmlNode *c = node->children; c != NULL; c = c->next)
        if (c->type == XML_ELEMENT_NODE && xmlStrcmp(c->name, (const xmlChar *)name) == 0)
            return c;
    return NULL;
}

static int
port_prop(xmlNode *node, const char *name)
{
    g_autofree char *text = prop(node, name);
    guint64 value;

    /* libvirt writes -1 (or nothing) while autoport has not given one. */
    if (text == NULL || !g_ascii_string_to_unsigned(text, 10, 1, 65535, &value, NULL))
        return -1;
    return (int)value;
}

static HakoConsoleDevice *
parse_graphics(xmlNode *node, guint index)
{
    g_autofree char *type = prop(node, "type");
    g_autoptr(HakoConsoleDevice) device = NULL;
    xmlNode *listen;

    if (g_strcmp0(type, "vnc") != 0 && g_strcmp0(type, "spice") != 0)
        return NULL; /* sdl, rdp, egl-headless, dbus: nothing Hako can show */

    device = g_new0(HakoConsoleDevice, 1);
    device->kind = g_str_equal(type, "vnc") ? HAKO_CONSOLE_KIND_VNC : HAKO_CONSOLE_KIND_SPICE;
    device->index = index;
    device->port = port_prop(node, "port");
    device->tls_port = port_prop(node, "tlsPort");
    device->password = prop(node, "passwd");
    device->has_password = device->password != NULL;
    device->socket = prop(node, "socket");

    /* The <listen> child says more than the legacy attribute: type address, network (with
     * the address libvirt resolved), socket or none. */
    listen = child(node, "listen");
    if (listen != NULL) {
        g_autofree char *listen_type = prop(listen, "type");

        if (g_strcmp0(listen_type, "socket") == 0) {
            if (device->socket == NULL)
                device->socket = prop(listen, "socket");
        } else if (g_strcmp0(listen_type, "none") != 0) {
            device->listen = prop(listen, "address");
        }
    }
    if (device->listen == NULL && device->socket == NULL &&
        (listen == NULL || xmlHasProp(node, (const xmlChar *)"listen") != NULL))
        device->listen = prop(node, "listen");
    return g_steal_pointer(&device);
}

static HakoConsoleDevice *
parse_char_device(xmlNode *node, HakoConsoleKind kind, guint fallback_index)
{
    g_autoptr(HakoConsoleDevice) device = g_new0(HakoConsoleDevice, 1);
    xmlNode *target = child(node, "target");
    xmlNode *alias = child(node, "alias");

    device->kind = kind;
    device->index = fallback_index;
    device->port = -1;
    device->tls_port = -1;
    device->source_type = prop(node, "type");
    if (target != NULL) {
        g_autofree char *port = prop(target, "port");
        guint64 value;

        device->target_type = prop(target, "type");
        if (port != NULL && g_ascii_string_to_unsigned(port, 10, 0, G_MAXUINT, &value, NULL))
            device->index = (guint)value;
    }
    if (alias != NULL)
        device->alias = prop(alias, "name");
    return g_steal_pointer(&device);
}

/* libvirt lists serial port 0 a second time as the first <console>: one device, one entry. */
static gboolean
duplicates_serial(HakoConsoleDevice *console, GPtrArray *devices)
{
    if (g_strcmp0(console->target_type, "serial") != 0)
        return FALSE;
    for (guint i = 0; i < devices->len; i++) {
        HakoConsoleDevice *other = g_ptr_array_index(devices, i);

        if (other->kind == HAKO_CONSOLE_KIND_SERIAL && other->index == console->index)
            return TRUE;
    }
    return FALSE;
}

/**
 * hako_console_devices_from_xml:
 * @xml: a domain's XML, as virDomainGetXMLDesc() gives it
 *
 * The guest's displays (VNC and SPICE, in the order of their <graphics> elements), then its
 * serial ports, then its other text consoles.
 *
 * Returns: (transfer container) (element-type HakoConsoleDevice): the consoles, or %NULL
 *   with @error set when @xml is not a domain's XML
 */
GPtrArray *
hako_console_devices_from_xml(const char *xml, GError **error)
{
    g_autoptr(GPtrArray) devices = NULL;
    g_autoptr(GPtrArray) serials = NULL;
    g_autoptr(GPtrArray) consoles = NULL;
    xmlDoc *doc;
    xmlNode *root, *devices_node;
    guint n_graphics = 0, n_serial = 0, n_console = 0;

    g_return_val_if_fail(xml != NULL, NULL);

    doc = xmlReadMemory(xml, (int)strlen(xml), "domain.xml", NULL,
                        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    root = doc != NULL ? xmlDocGetRootElement(doc) : NULL;
    if (root == NULL || xmlStrcmp(root->name, (const xmlChar *)"domain") != 0) {
        g_set_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_INVALID_DATA,
                    _("The guest’s description from libvirt is not a domain’s XML."));
        xmlFreeDoc(doc);
        return NULL;
    }

    devices = g_ptr_array_new_with_free_func((GDestroyNotify)hako_console_device_free);
    serials = g_ptr_array_new_with_free_func((GDestroyNotify)hako_console_device_free);
    consoles = g_ptr_array_new_with_free_func((GDestroyNotify)hako_console_device_free);
    devices_node = child(root, "devices");
    for (xmlNode *c = devices_node != NULL ? devices_node->children : NULL; c != NULL;
         c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (xmlStrcmp(c->name, (const xmlChar *)"graphics") == 0) {
            HakoConsoleDevice *device = parse_graphics(c, n_graphics++);

            if (device != NULL)
                g_ptr_array_add(devices, device);
        } else if (xmlStrcmp(c->name, (const xmlChar *)"serial") == 0) {
            g_ptr_array_add(serials, parse_char_device(c, HAKO_CONSOLE_KIND_SERIAL, n_serial++));
        } else if (xmlStrcmp(c->name, (const xmlChar *)"console") == 0) {
            g_ptr_array_add(consoles, parse_char_device(c, HAKO_CONSOLE_KIND_TEXT, n_console++));
        }
    }
    xmlFreeDoc(doc);

    for (guint i = 0; i < serials->len; i++)
        g_ptr_array_add(devices, hako_console_device_copy(g_ptr_array_index(serials, i)));
    for (guint i = 0; i < consoles->len; i++) {
        HakoConsoleDevice *console = g_ptr_array_index(consoles, i);

        if (!duplicates_serial(console, serials))
            g_ptr_array_add(devices, hako_console_device_copy(console));
    }
    return g_steal_pointer(&devices);
}
