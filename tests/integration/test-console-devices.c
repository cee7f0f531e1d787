/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The consoles Hako finds in a guest's XML (engine, no connection). */
#include "config.h"

#include "hako-console-device.h"
#include "hako-engine-error.h"

static const char *const DOMAIN_XML =
    "<domain type='qemu' id='3'>"
    "  <name>guest</name>"
    "  <devices>"
    "    <serial type='pty'>"
    "      <source path='/dev/pts/4'/>"
    "      <target type='isa-serial' port='0'><model name='isa-serial'/></target>"
    "      <alias name='serial0'/>"
    "    </serial>"
    "    <serial type='file'>"
    "      <source path='/var/log/guest.log'/>"
    "      <target type='isa-serial' port='1'/>"
    "      <alias name='serial1'/>"
    "    </serial>"
    "    <console type='pty' tty='/dev/pts/4'>"
    "      <source path='/dev/pts/4'/>"
    "      <target type='serial' port='0'/>"
    "      <alias name='serial0'/>"
    "    </console>"
    "    <console type='pty'>"
    "      <source path='/dev/pts/5'/>"
    "      <target type='virtio' port='1'/>"
    "      <alias name='console1'/>"
    "    </console>"
    "    <graphics type='sdl' display=':0'/>"
    "    <graphics type='vnc' port='5901' autoport='yes' listen='0.0.0.0' passwd='s3cret'>"
    "      <listen type='address' address='0.0.0.0'/>"
    "    </graphics>"
    "    <graphics type='spice' port='5902' tlsPort='5903' autoport='yes'>"
    "      <listen type='network' address='192.0.2.7' network='default'/>"
    "    </graphics>"
    "    <graphics type='vnc' port='-1' autoport='yes'>"
    "      <listen type='socket' socket='/run/libvirt/qemu/guest.vnc'/>"
    "    </graphics>"
    "    <graphics type='spice'>"
    "      <listen type='none'/>"
    "    </graphics>"
    "  </devices>"
    "</domain>";

static HakoConsoleDevice *
device_at(GPtrArray *devices, guint i)
{
    g_assert_cmpuint(i, <, devices->len);
    return g_ptr_array_index(devices, i);
}

static void
test_devices(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) devices = hako_console_devices_from_xml(DOMAIN_XML, &error);
    HakoConsoleDevice *d;

    g_assert_no_error(error);
    g_assert_nonnull(devices);
    /* Four displays (not SDL), two serial ports, the virtio console; console 0 is serial 0. */
    g_assert_cmpuint(devices->len, ==, 7);

    d = device_at(devices, 0);
    g_assert_cmpint(d->kind, ==, HAKO_CONSOLE_KIND_VNC);
    g_assert_cmpuint(d->index, ==, 1); /* SDL was <graphics> 0 */
    g_assert_cmpstr(d->listen, ==, "0.0.0.0");
    g_assert_cmpint(d->port, ==, 5901);
    g_assert_cmpint(d->tls_port, ==, -1);
    g_assert_cmpstr(d->password, ==, "s3cret");
    g_assert_true(d->has_password);
    g_assert_true(hako_console_device_is_graphical(d));
    g_assert_true(hako_console_device_can_open(d));

    d = device_at(devices, 1);
    g_assert_cmpint(d->kind, ==, HAKO_CONSOLE_KIND_SPICE);
    g_assert_cmpuint(d->index, ==, 2);
    g_assert_cmpstr(d->listen, ==, "192.0.2.7"); /* the network's address libvirt resolved */
    g_assert_cmpint(d->port, ==, 5902);
    g_assert_cmpint(d->tls_port, ==, 5903);
    g_assert_null(d->password);
    g_assert_false(d->has_password);

    d = device_at(devices, 2);
    g_assert_cmpint(d->kind, ==, HAKO_CONSOLE_KIND_VNC);
    g_assert_cmpstr(d->socket, ==, "/run/libvirt/qemu/guest.vnc");
    g_assert_null(d->listen);
    g_assert_cmpint(d->port, ==, -1);

    d = device_at(devices, 3);
    g_assert_cmpint(d->kind, ==, HAKO_CONSOLE_KIND_SPICE);
    g_assert_null(d->listen);
    g_assert_null(d->socket);
    g_assert_true(hako_console_device_can_open(d)); /* through virDomainOpenGraphicsFD */

    d = device_at(devices, 4);
    g_assert_cmpint(d->kind, ==, HAKO_CONSOLE_KIND_SERIAL);
    g_assert_cmpuint(d->index, ==, 0);
    g_assert_cmpstr(d->alias, ==, "serial0");
    g_assert_cmpstr(d->source_type, ==, "pty");
    g_assert_true(hako_console_device_can_open(d));

    d = device_at(devices, 5);
    g_assert_cmpint(d->kind, ==, HAKO_CONSOLE_KIND_SERIAL);
    g_assert_cmpuint(d->index, ==, 1);
    g_assert_false(hako_console_device_can_open(d)); /* a file: libvirt streams only ptys */

    d = device_at(devices, 6);
    g_assert_cmpint(d->kind, ==, HAKO_CONSOLE_KIND_TEXT);
    g_assert_cmpuint(d->index, ==, 1);
    g_assert_cmpstr(d->alias, ==, "console1");
    g_assert_cmpstr(d->target_type, ==, "virtio");
}

/* The legacy listen attribute alone, as older libvirt wrote it; a guest with no devices. */
static void
test_legacy_and_empty(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) devices = hako_console_devices_from_xml(
        "<domain><devices><graphics type='vnc' port='5900' listen='127.0.0.1'/></devices>"
        "</domain>",
        &error);
    g_autoptr(GPtrArray) none = NULL;
    g_autoptr(HakoConsoleDevice) copy = NULL;

    g_assert_no_error(error);
    g_assert_cmpuint(devices->len, ==, 1);
    g_assert_cmpstr(device_at(devices, 0)->listen, ==, "127.0.0.1");
    copy = hako_console_device_copy(device_at(devices, 0));
    g_assert_cmpstr(copy->listen, ==, "127.0.0.1");
    g_assert_cmpint(copy->port, ==, 5900);

    none = hako_console_devices_from_xml("<domain><name>x</name></domain>", &error);
    g_assert_no_error(error);
    g_assert_cmpuint(none->len, ==, 0);
}

static void
test_bad_xml(void)
{
    const char *const bad[] = {"", "not xml", "<network><name>x</name></network>",
                               "<domain><devices>"};

    for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autoptr(GError) error = NULL;
        g_autoptr(GPtrArray) devices = hako_console_devices_from_xml(bad[i], &error);

        g_assert_null(devices);
        g_assert_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_INVALID_DATA);
    }
}

int
main(int argc, char *argv[])
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/engine/console-devices/devices", test_devices);
    g_test_add_func("/engine/console-devices/legacy-and-empty", test_legacy_and_empty);
    g_test_add_func("/engine/console-devices/bad-xml", test_bad_xml);
    return g_test_run();
}
