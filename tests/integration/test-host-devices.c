/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The host's USB and PCI devices for Add Hardware: node device XML read into HakoHostDevice,
 * the <hostdev> made from it, and the listing on a worker thread.
 *
 * Without HAKO_TEST_URI: the parsing, and libvirt's test driver (test:///default), whose node
 * devices are neither USB nor PCI devices, so the list is empty. Run by
 * tests/harness/with-private-libvirtd (HAKO_TEST_URI): the real daemon lists what the machine
 * has (sysfs), and each device it lists is one that this code parses back. */
#include "config.h"

#include "hako-engine.h"
#include "hako-host-devices.h"
#include "hako-test-util.h"

#include <libvirt/libvirt.h>

static const char usb_xml[] = "<device>\n"
                              "  <name>usb_1_4</name>\n"
                              "  <path>/sys/devices/pci0000:00/0000:00:14.0/usb1/1-4</path>\n"
                              "  <parent>usb_usb1</parent>\n"
                              "  <driver><name>usb</name></driver>\n"
                              "  <capability type='usb_device'>\n"
                              "    <bus>1</bus>\n"
                              "    <device>4</device>\n"
                              "    <product id='0x5678'>Hako Test Stick</product>\n"
                              "    <vendor id='0x1234'>Hako &amp; Co.</vendor>\n"
                              "  </capability>\n"
                              "</device>\n";

static const char pci_xml[] = "<device>\n"
                              "  <name>pci_0000_00_1f_2</name>\n"
                              "  <capability type='pci'>\n"
                              "    <class>0x010601</class>\n"
                              "    <domain>0</domain>\n"
                              "    <bus>0</bus>\n"
                              "    <slot>31</slot>\n"
                              "    <function>2</function>\n"
                              "    <product id='0x2922'>82801IR/IO/IH SATA Controller</product>\n"
                              "    <vendor id='0x8086'>Intel Corporation</vendor>\n"
                              "  </capability>\n"
                              "</device>\n";

static const char other_xml[] = "<device><name>net_lo</name>"
                                "<capability type='net'><interface>lo</interface></capability>"
                                "</device>";

static void
test_parse(void)
{
    g_autoptr(HakoHostDevice) usb = hako_host_device_parse(usb_xml);
    g_autoptr(HakoHostDevice) pci = hako_host_device_parse(pci_xml);
    g_autoptr(HakoHostDevice) copy = NULL;
    g_autofree char *usb_hostdev = NULL;
    g_autofree char *pci_hostdev = NULL;

    g_assert_nonnull(usb);
    g_assert_cmpint(usb->kind, ==, HAKO_HOST_DEVICE_USB);
    g_assert_cmpstr(usb->name, ==, "usb_1_4");
    g_assert_cmpstr(usb->description, ==, "Hako & Co. Hako Test Stick");
    g_assert_cmpstr(usb->vendor_id, ==, "0x1234");
    g_assert_cmpstr(usb->product_id, ==, "0x5678");
    g_assert_cmpuint(usb->bus, ==, 1);
    g_assert_cmpuint(usb->slot, ==, 4);
    usb_hostdev = hako_host_device_to_hostdev_xml(usb);
    g_assert_nonnull(strstr(usb_hostdev, "type='usb'"));
    g_assert_nonnull(strstr(usb_hostdev, "<vendor id='0x1234'/>"));
    g_assert_nonnull(strstr(usb_hostdev, "<product id='0x5678'/>"));

    g_assert_nonnull(pci);
    g_assert_cmpint(pci->kind, ==, HAKO_HOST_DEVICE_PCI);
    g_assert_cmpuint(pci->slot, ==, 31);
    g_assert_cmpuint(pci->function, ==, 2);
    pci_hostdev = hako_host_device_to_hostdev_xml(pci);
    g_assert_nonnull(strstr(pci_hostdev, "type='pci'"));
    g_assert_nonnull(
        strstr(pci_hostdev, "<address domain='0x0000' bus='0x00' slot='0x1f' function='0x2'/>"));

    copy = hako_host_device_copy(pci);
    g_assert_cmpstr(copy->description, ==, "Intel Corporation 82801IR/IO/IH SATA Controller");

    /* neither USB nor PCI, or not XML at all */
    g_assert_null(hako_host_device_parse(other_xml));
    g_assert_null(hako_host_device_parse("<device"));
    g_assert_null(hako_host_device_parse(""));
}

typedef struct {
    gboolean done;
    GPtrArray *devices;
    GError *error;
} Wait;

static void
listed_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    Wait *w = user_data;

    w->devices = hako_engine_list_host_devices_finish(result, &w->error);
    w->done = TRUE;
}

static gboolean
is_done(gpointer data)
{
    return ((Wait *)data)->done;
}

static gboolean
host_settled(gpointer data)
{
    return hako_host_get_state(data) != HAKO_HOST_STATE_CONNECTING;
}

static void
test_list(gconstpointer data)
{
    const char *uri = data;
    g_autoptr(HakoConnectionManager) manager = hako_connection_manager_new(NULL);
    HakoHost *host = hako_connection_manager_add(manager, uri, HAKO_CONNECT_NONE);
    Wait w = {FALSE, NULL, NULL};

    hako_connection_manager_connect(manager, host);
    g_assert_true(hako_test_wait_until(host_settled, host, 60000));
    g_assert_true(hako_host_is_connected(host));
    hako_engine_list_host_devices_async(manager, host, NULL, listed_cb, &w);
    g_assert_true(hako_test_wait_until(is_done, &w, 60000));
    g_assert_no_error(w.error);
    g_assert_nonnull(w.devices);
    if (g_str_has_prefix(uri, "test:")) {
        g_assert_cmpuint(w.devices->len, ==, 0);
    } else {
        /* What the real daemon lists is what sysfs has: check each one against libvirt. */
        virConnectPtr conn = virConnectOpenReadOnly(uri);

        g_assert_nonnull(conn);
        for (guint i = 0; i < w.devices->len; i++) {
            HakoHostDevice *device = g_ptr_array_index(w.devices, i);
            virNodeDevicePtr node = virNodeDeviceLookupByName(conn, device->name);

            g_assert_nonnull(node);
            g_assert_nonnull(device->description);
            if (i > 0)
                g_assert_cmpint(((HakoHostDevice *)g_ptr_array_index(w.devices, i - 1))->kind, <=,
                                device->kind);
            virNodeDeviceFree(node);
        }
        g_test_message("%u USB and PCI devices", w.devices->len);
        virConnectClose(conn);
    }
    g_ptr_array_unref(w.devices);
}

static void
test_not_connected(void)
{
    g_autoptr(HakoConnectionManager) manager = hako_connection_manager_new(NULL);
    HakoHost *host = hako_connection_manager_add(manager, "test:///default", HAKO_CONNECT_NONE);
    Wait w = {FALSE, NULL, NULL};

    hako_engine_list_host_devices_async(manager, host, NULL, listed_cb, &w);
    g_assert_true(hako_test_wait_until(is_done, &w, 10000));
    g_assert_null(w.devices);
    g_assert_nonnull(w.error);
    g_clear_error(&w.error);
}

int
main(int argc, char *argv[])
{
    const char *uri = g_getenv("HAKO_TEST_URI");

    g_test_init(&argc, &argv, NULL);
    hako_engine_init();
    if (uri == NULL) {
        g_test_add_func("/engine/host-devices/parse", test_parse);
        g_test_add_data_func("/engine/host-devices/testdriver", "test:///default", test_list);
        g_test_add_func("/engine/host-devices/not-connected", test_not_connected);
    } else {
        g_test_add_data_func("/engine/host-devices/real", uri, test_list);
    }
    return g_test_run();
}
