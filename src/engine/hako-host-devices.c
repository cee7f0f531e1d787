/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The host's USB and PCI devices that a guest can be given (libvirt's node devices). */
#include "config.h"

#include "hako-host-devices.h"

#include "hako-connection-manager-private.h"
#include "hako-engine-error.h"
#include "hako-engine-private.h"

#include <glib/gi18n.h>
#include <libvirt/libvirt.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <string.h>

/*
 * Add Hardware lists what the host could pass through: USB devices by vendor and product, PCI
 * devices by address. libvirt describes each as a node device's XML; the parse and the
 * <hostdev> built from it are pure, and the listing runs on a worker thread.
 */

G_DEFINE_BOXED_TYPE(HakoHostDevice, hako_host_device, hako_host_device_copy, hako_host_device_free)

HakoHostDevice *
hako_host_device_copy(const HakoHostDevice *device)
{
    HakoHostDevice *copy = g_memdup2(device, sizeof(*device));

    copy->name = g_strdup(device->name);
    copy->description = g_strdup(device->description);
    copy->vendor_id = g_strdup(device->vendor_id);
    copy->product_id = g_strdup(device->product_id);
    return copy;
}

void
hako_host_device_free(HakoHostDevice *device)
{
    if (device == NULL)
        return;
    g_free(device->name);
    g_free(device->description);
    g_free(device->vendor_id);
    g_free(device->product_id);
    g_free(device);
}

static char *
xpath_string(xmlXPathContextPtr ctx, const char *expression)
{
    g_autofree char *wrapped = g_strdup_printf("normalize-space(%s)", expression);
    xmlXPathObjectPtr obj = xmlXPathEvalExpression(BAD_CAST wrapped, ctx);
    char *value = NULL;

    if (obj != NULL && obj->type == XPATH_STRING && obj->stringval != NULL &&
        obj->stringval[0] != '\0')
        value = g_strdup((const char *)obj->stringval);
    xmlXPathFreeObject(obj);
    return value;
}

static gboolean
xpath_exists(xmlXPathContextPtr ctx, const char *expression)
{
    g_autofree char *value = xpath_string(ctx, expression);

    return value != NULL;
}

static guint
xpath_number(xmlXPathContextPtr ctx, const char *expression)
{
    g_autofree char *text = xpath_string(ctx, expression);
    guint64 value = 0;

    if (text == NULL)
        return 0;
    /* decimal, or 0x… for PCI addresses */
    value = g_ascii_strtoull(text, NULL, g_str_has_prefix(text, "0x") ? 16 : 10);
    return (guint)value;
}

/**
 * hako_host_device_parse:
 * @nodedev_xml: a node device's XML (virNodeDeviceGetXMLDesc())
 *
 * Returns: (transfer full) (nullable): the device, or %NULL when it is no USB device or PCI
 *   device, or the XML cannot be read.
 */
HakoHostDevice *
hako_host_device_parse(const char *nodedev_xml)
{
    xmlDocPtr doc;
    xmlXPathContextPtr ctx;
    HakoHostDevice *device = NULL;
    g_autofree char *vendor = NULL;
    g_autofree char *product = NULL;
    const char *prefix;

    g_return_val_if_fail(nodedev_xml != NULL, NULL);

    doc = xmlReadMemory(nodedev_xml, (int)strlen(nodedev_xml), "nodedev.xml", NULL,
                        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (doc == NULL)
        return NULL;
    ctx = xmlXPathNewContext(doc);
    if (ctx == NULL) {
        xmlFreeDoc(doc);
        return NULL;
    }
    device = g_new0(HakoHostDevice, 1);
    device->name = xpath_string(ctx, "/device/name");
    if (xpath_exists(ctx, "/device/capability[@type='usb_device']/@type")) {
        prefix = "/device/capability[@type='usb_device']";
        device->kind = HAKO_HOST_DEVICE_USB;
    } else if (xpath_exists(ctx, "/device/capability[@type='pci']/@type")) {
        prefix = "/device/capability[@type='pci']";
        device->kind = HAKO_HOST_DEVICE_PCI;
    } else {
        prefix = NULL;
    }
    if (prefix != NULL) {
        g_autofree char *path = NULL;

#define AT(suffix) (g_free(path), path = g_strconcat(prefix, suffix, NULL))
        device->vendor_id = xpath_string(ctx, AT("/vendor/@id"));
        device->product_id = xpath_string(ctx, AT("/product/@id"));
        vendor = xpath_string(ctx, AT("/vendor"));
        product = xpath_string(ctx, AT("/product"));
        if (device->kind == HAKO_HOST_DEVICE_USB) {
            device->bus = xpath_number(ctx, AT("/bus"));
            device->slot = xpath_number(ctx, AT("/device"));
        } else {
            device->domain = xpath_number(ctx, AT("/domain"));
            device->bus = xpath_number(ctx, AT("/bus"));
            device->slot = xpath_number(ctx, AT("/slot"));
            device->function = xpath_number(ctx, AT("/function"));
        }
#undef AT
        if (vendor != NULL || product != NULL)
            device->description =
                g_strjoin(" ", vendor != NULL ? vendor : "", product != NULL ? product : "", NULL);
        else
            device->description =
                g_strdup_printf("%s:%s", device->vendor_id ? device->vendor_id : "?",
                                device->product_id ? device->product_id : "?");
        g_strstrip(device->description);
    }
    xmlXPathFreeContext(ctx);
    xmlFreeDoc(doc);
    if (prefix == NULL || device->name == NULL) {
        hako_host_device_free(device);
        return NULL;
    }
    return device;
}

/**
 * hako_host_device_to_hostdev_xml:
 *
 * A USB device is named by vendor and product (it keeps working when plugged elsewhere); a PCI
 * device by its address, with libvirt managing its driver.
 *
 * Returns: (transfer full): the <hostdev> element.
 */
char *
hako_host_device_to_hostdev_xml(const HakoHostDevice *device)
{
    g_return_val_if_fail(device != NULL, NULL);

    if (device->kind == HAKO_HOST_DEVICE_USB)
        return g_markup_printf_escaped("<hostdev mode='subsystem' type='usb' managed='yes'>\n"
                                       "  <source>\n"
                                       "    <vendor id='%s'/>\n"
                                       "    <product id='%s'/>\n"
                                       "  </source>\n"
                                       "</hostdev>\n",
                                       device->vendor_id != NULL ? device->vendor_id : "",
                                       device->product_id != NULL ? device->product_id : "");
    return g_strdup_printf("<hostdev mode='subsystem' type='pci' managed='yes'>\n"
                           "  <source>\n"
                           "    <address domain='0x%04x' bus='0x%02x' slot='0x%02x' "
                           "function='0x%x'/>\n"
                           "  </source>\n"
                           "</hostdev>\n",
                           device->domain, device->bus, device->slot, device->function);
}

/* ---------------------------------------------------------------------------------------- */

static gint
compare_devices(gconstpointer a, gconstpointer b)
{
    const HakoHostDevice *x = *(HakoHostDevice *const *)a;
    const HakoHostDevice *y = *(HakoHostDevice *const *)b;

    if (x->kind != y->kind)
        return x->kind < y->kind ? -1 : 1;
    return g_strcmp0(x->name, y->name);
}

static void
close_conn(gpointer conn)
{
    virConnectClose(conn);
}

static void
list_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    virConnectPtr conn = data;
    virNodeDevicePtr *devices = NULL;
    unsigned int flags =
        VIR_CONNECT_LIST_NODE_DEVICES_CAP_USB_DEV | VIR_CONNECT_LIST_NODE_DEVICES_CAP_PCI_DEV;
    GPtrArray *result;
    int n = virConnectListAllNodeDevices(conn, &devices, flags);

    if (n < 0) {
        g_task_return_error(task, _hako_engine_error_from_libvirt(
                                      HAKO_ENGINE_ERROR_FAILED, "%s",
                                      _("Could not list the host’s USB and PCI devices")));
        return;
    }
    result = g_ptr_array_new_with_free_func((GDestroyNotify)hako_host_device_free);
    for (int i = 0; i < n; i++) {
        char *xml = virNodeDeviceGetXMLDesc(devices[i], 0);
        HakoHostDevice *device = xml != NULL ? hako_host_device_parse(xml) : NULL;

        if (device != NULL)
            g_ptr_array_add(result, device);
        free(xml);
        virNodeDeviceFree(devices[i]);
    }
    free(devices);
    g_ptr_array_sort(result, compare_devices);
    g_task_return_pointer(task, result, (GDestroyNotify)g_ptr_array_unref);
}

/**
 * hako_engine_list_host_devices_async:
 * @host: a connected host
 *
 * Lists the host's USB and PCI devices on a worker thread, USB first, each sorted by name.
 */
void
hako_engine_list_host_devices_async(HakoConnectionManager *manager,
                                    HakoHost *host,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data)
{
    g_autoptr(GTask) task = NULL;
    GError *error = NULL;
    virConnectPtr conn;

    g_return_if_fail(HAKO_IS_CONNECTION_MANAGER(manager));
    g_return_if_fail(HAKO_IS_HOST(host));

    task = g_task_new(NULL, cancellable, callback, user_data);
    g_task_set_source_tag(task, hako_engine_list_host_devices_async);
    conn = _hako_connection_manager_dup_host_conn_to_read(manager, host, NULL, &error);
    if (conn == NULL) {
        g_task_return_error(task, error);
        return;
    }
    g_task_set_task_data(task, conn, close_conn);
    _hako_task_run_in_own_thread(task, list_thread);
}

/**
 * hako_engine_list_host_devices_finish:
 *
 * Returns: (transfer container) (element-type HakoHostDevice): the devices, or %NULL
 */
GPtrArray *
hako_engine_list_host_devices_finish(GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, NULL), NULL);

    return g_task_propagate_pointer(G_TASK(result), error);
}
