/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoDomainConfig against a private, real libvirtd with small TCG guests (no boot media, so
 * they idle in SeaBIOS): memory, vCPUs and boot order changed and a disk and a NIC added and
 * removed on a stopped guest; on a running one, the same carried live (balloon, vCPU hot-plug,
 * SCSI disk and USB NIC hot-plug and unplug) and the CD media changed and ejected; a definition
 * libvirt refuses, and a rename of a running guest, leave the guest as it was, with the reason.
 * Unknown metadata and the display's password survive every apply.
 *
 * Run by tests/harness/with-private-libvirtd (HAKO_TEST_URI, HAKO_TEST_IMAGES). */
#include "config.h"

#include "hako-connection-manager.h"
#include "hako-domain-config.h"
#include "hako-engine-error.h"
#include "hako-engine.h"
#include "hako-test-util.h"

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <string.h>

static const char *uri;
static HakoConnectionManager *manager;
static HakoHost *host;
static GThread *main_thread;

typedef struct {
    gboolean done;
    GAsyncResult *result;
} Wait;

#define WAIT_INIT                                                                                  \
    {                                                                                              \
        FALSE, NULL                                                                                \
    }

static void
done_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    Wait *w = user_data;

    g_assert_true(g_thread_self() == main_thread);
    w->result = g_object_ref(result);
    w->done = TRUE;
}

static gboolean
is_done(gpointer data)
{
    return ((Wait *)data)->done;
}

static GAsyncResult *
wait_result(Wait *w)
{
    g_assert_true(hako_test_wait_until(is_done, w, 120000));
    return w->result;
}

static gboolean
domain_listed(gpointer data)
{
    return hako_domain_list_lookup_by_name(hako_host_get_domains(host), data) != NULL;
}

static char *
make_image(const char *name, const char *format)
{
    g_autofree char *path = g_build_filename(g_getenv("HAKO_TEST_IMAGES"), name, NULL);
    const char *argv[] = {"qemu-img", "create", "-q", "-f", format, path, "8M", NULL};
    g_autoptr(GError) error = NULL;
    int status = -1;

    g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL,
                               NULL, &status, &error));
    g_assert_no_error(error);
    g_assert_cmpint(status, ==, 0);
    return g_steal_pointer(&path);
}

static virConnectPtr
open_raw(void)
{
    virConnectPtr conn = virConnectOpen(uri);

    g_assert_nonnull(conn);
    return conn;
}

/* A TCG guest of 64 MiB (128 at most), one vCPU of two, an empty CD drive, a SCSI controller,
 * foreign metadata; started (paused) when @start.
 *
 * Paused, because SeaBIOS resets the drives while it starts, and a reset that falls in the
 * middle of a CD media change shuts the tray without QEMU saying so: libvirt then believes the
 * tray open for the rest of the guest's life, and every later change fails with "Tray of
 * device … is not open" (seen under load in CI, reproduced with a Python client: about 1 guest
 * in 12; never with the guest paused). Nothing Hako can mend through libvirt's API. */
static HakoDomain *
define_guest(const char *name, gboolean start)
{
    g_autofree char *xml = g_strdup_printf(
        "<domain type='qemu'>\n"
        "  <name>%s</name>\n"
        "  <metadata>\n"
        "    <t:keep xmlns:t='urn:hako:test'>this <t:b>stays</t:b></t:keep>\n"
        "  </metadata>\n"
        "  <memory unit='MiB'>128</memory>\n"
        "  <currentMemory unit='MiB'>64</currentMemory>\n"
        "  <vcpu current='1'>2</vcpu>\n"
        "  <os>\n"
        "    <type arch='x86_64' machine='pc'>hvm</type>\n"
        "    <boot dev='hd'/>\n"
        "    <bios rebootTimeout='-1'/>\n"
        "  </os>\n"
        "  <features><acpi/></features>\n"
        "  <devices>\n"
        "    <emulator>/usr/bin/qemu-system-x86_64</emulator>\n"
        "    <disk type='file' device='cdrom'>\n"
        "      <driver name='qemu' type='raw'/>\n"
        "      <target dev='hdc' bus='ide'/>\n"
        "      <readonly/>\n"
        "    </disk>\n"
        "    <controller type='scsi' index='0' model='virtio-scsi'/>\n"
        "    <controller type='usb' index='0' model='piix3-uhci'/>\n"
        "    <graphics type='vnc' autoport='yes' listen='127.0.0.1' passwd='hako-pw'/>\n"
        "    <memballoon model='virtio'/>\n"
        "  </devices>\n"
        "</domain>\n",
        name);
    virConnectPtr conn = open_raw();
    virDomainPtr dom = virDomainDefineXML(conn, xml);

    if (dom == NULL)
        g_test_message("define: %s", virGetLastErrorMessage());
    g_assert_nonnull(dom);
    if (start)
        g_assert_cmpint(virDomainCreateWithFlags(dom, VIR_DOMAIN_START_PAUSED), ==, 0);
    virDomainFree(dom);
    virConnectClose(conn);
    g_assert_true(hako_test_wait_until(domain_listed, (gpointer)name, 10000));
    return hako_domain_list_lookup_by_name(hako_host_get_domains(host), name);
}

static void
remove_guest(const char *name)
{
    virConnectPtr conn = open_raw();
    virDomainPtr dom = virDomainLookupByName(conn, name);

    g_assert_nonnull(dom);
    if (virDomainIsActive(dom) == 1)
        virDomainDestroy(dom);
    g_assert_cmpint(virDomainUndefine(dom), ==, 0);
    virDomainFree(dom);
    virConnectClose(conn);
}

/* The guest's XML as libvirt has it now, read on a connection of the test's own. */
static char *
raw_xml(const char *name, unsigned int flags)
{
    virConnectPtr conn = open_raw();
    virDomainPtr dom = virDomainLookupByName(conn, name);
    char *raw;
    char *xml;

    g_assert_nonnull(dom);
    raw = virDomainGetXMLDesc(dom, flags);
    g_assert_nonnull(raw);
    xml = g_strdup(raw);
    free(raw);
    virDomainFree(dom);
    virConnectClose(conn);
    return xml;
}

/* A configuration read from libvirt's XML now, to look at with HakoDomainConfig's getters. */
static HakoDomainConfig *
now(const char *name, gboolean live)
{
    g_autofree char *xml = raw_xml(name, live ? 0 : VIR_DOMAIN_XML_INACTIVE);
    g_autoptr(GError) error = NULL;
    HakoDomainConfig *config = hako_domain_config_new_from_xml(xml, NULL, &error);

    g_assert_no_error(error);
    return config;
}

static HakoDomainConfig *
load(HakoDomain *domain)
{
    Wait w = WAIT_INIT;
    g_autoptr(GError) error = NULL;
    HakoDomainConfig *config;

    hako_domain_config_load_async(manager, domain, NULL, done_cb, &w);
    config = hako_domain_config_load_finish(wait_result(&w), &error);
    g_clear_object(&w.result);
    g_assert_no_error(error);
    g_assert_nonnull(config);
    return config;
}

static gboolean
apply(HakoDomainConfig *config, HakoApplyFlags flags, char ***not_live, GError **error)
{
    Wait w = WAIT_INIT;
    gboolean ok;

    hako_domain_config_apply_async(config, manager, host, flags, NULL, done_cb, &w);
    ok = hako_domain_config_apply_finish(config, wait_result(&w), not_live, error);
    g_clear_object(&w.result);
    return ok;
}

static void
apply_ok(HakoDomainConfig *config, HakoApplyFlags flags)
{
    g_autoptr(GError) error = NULL;
    g_auto(GStrv) not_live = NULL;

    gboolean ok = apply(config, flags, &not_live, &error);

    g_assert_no_error(error);
    g_assert_true(ok);
    for (guint i = 0; not_live != NULL && not_live[i] != NULL; i++)
        g_test_message("not live: %s", not_live[i]);
    g_assert_null(not_live);
    g_assert_false(hako_domain_config_is_modified(config));
}

static void
set(HakoDomainConfig *config, HakoConfigField field, const char *value)
{
    g_autoptr(GError) error = NULL;

    g_assert_true(hako_domain_config_set(config, field, value, &error));
    g_assert_no_error(error);
}

static void
assert_field(HakoDomainConfig *config, HakoConfigField field, const char *expected)
{
    g_autofree char *value = hako_domain_config_get(config, field);

    g_assert_cmpstr(value, ==, expected);
}

/* The index of the device whose @path is @value, or -1. */
static int
find_device(HakoDomainConfig *config, const char *path, const char *value)
{
    guint n = hako_domain_config_get_n_devices(config);

    for (guint i = 0; i < n; i++) {
        g_autofree char *got = hako_domain_config_device_get(config, i, path);

        if (g_strcmp0(got, value) == 0)
            return (int)i;
    }
    return -1;
}

/* What Hako does not edit survives an apply: foreign metadata, and the display's password (the
 * XML is read with its secrets, or the define would drop them). */
static void
assert_metadata_kept(const char *name)
{
    g_autofree char *xml = raw_xml(name, VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_SECURE);

    g_assert_nonnull(strstr(xml, "urn:hako:test"));
    g_assert_nonnull(strstr(xml, "stays"));
    g_assert_nonnull(strstr(xml, "passwd='hako-pw'"));
}

static int
add(HakoDomainConfig *config, const char *xml)
{
    g_autoptr(GError) error = NULL;
    int index = hako_domain_config_add_device(config, xml, &error);

    g_assert_no_error(error);
    g_assert_cmpint(index, >=, 0);
    return index;
}

static void
test_persistent(void)
{
    HakoDomain *domain = define_guest("hako-config-off", FALSE);
    g_autoptr(HakoDomainConfig) config = load(domain);
    g_autoptr(HakoDomainConfig) after = NULL;
    g_autofree char *disk_path = make_image("hako-config-off.qcow2", "qcow2");
    g_autofree char *disk_xml =
        g_strdup_printf("<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
                        "<source file='%s'/><target dev='vda' bus='virtio'/></disk>",
                        disk_path);
    g_autofree char *mac = NULL;
    g_autoptr(GError) error = NULL;
    int nic;

    g_assert_false(hako_domain_config_is_running(config));
    assert_field(config, HAKO_CONFIG_MEMORY, "131072");
    assert_field(config, HAKO_CONFIG_CURRENT_MEMORY, "65536");

    set(config, HAKO_CONFIG_MEMORY, "196608");
    set(config, HAKO_CONFIG_CURRENT_MEMORY, "98304");
    set(config, HAKO_CONFIG_VCPUS, "3");
    set(config, HAKO_CONFIG_VCPUS_CURRENT, "2");
    set(config, HAKO_CONFIG_BOOT_ORDER, "cdrom,hd");
    set(config, HAKO_CONFIG_TITLE, "Edited by Hako");
    add(config, disk_xml);
    nic = add(config, "<interface type='user'><model type='virtio'/></interface>");
    mac = hako_domain_config_device_get(config, (guint)nic, "mac/@address");
    g_assert_nonnull(mac);
    apply_ok(config, HAKO_APPLY_PERSISTENT);

    after = now("hako-config-off", FALSE);
    assert_field(after, HAKO_CONFIG_MEMORY, "196608");
    assert_field(after, HAKO_CONFIG_CURRENT_MEMORY, "98304");
    assert_field(after, HAKO_CONFIG_VCPUS, "3");
    assert_field(after, HAKO_CONFIG_VCPUS_CURRENT, "2");
    assert_field(after, HAKO_CONFIG_BOOT_ORDER, "cdrom,hd");
    assert_field(after, HAKO_CONFIG_TITLE, "Edited by Hako");
    g_assert_cmpint(find_device(after, "target/@dev", "vda"), >=, 0);
    g_assert_cmpint(find_device(after, "mac/@address", mac), >=, 0);
    assert_metadata_kept("hako-config-off");
    /* The configuration now holds libvirt's version of what it defined. */
    assert_field(config, HAKO_CONFIG_VCPUS, "3");
    g_assert_cmpint(find_device(config, "target/@dev", "vda"), >=, 0);

    /* Removed again. */
    g_assert_true(hako_domain_config_remove_device(
        config, (guint)find_device(config, "target/@dev", "vda"), &error));
    g_assert_true(hako_domain_config_remove_device(
        config, (guint)find_device(config, "mac/@address", mac), &error));
    g_assert_no_error(error);
    set(config, HAKO_CONFIG_BOOT_ORDER, "hd");
    apply_ok(config, HAKO_APPLY_PERSISTENT);
    g_clear_object(&after);
    after = now("hako-config-off", FALSE);
    g_assert_cmpint(find_device(after, "target/@dev", "vda"), ==, -1);
    g_assert_cmpint(find_device(after, "mac/@address", mac), ==, -1);
    assert_field(after, HAKO_CONFIG_BOOT_ORDER, "hd");
    assert_metadata_kept("hako-config-off");

    /* Edited while an apply runs: that edit stays pending, and the next apply takes it. */
    {
        Wait w = WAIT_INIT;
        gboolean ok;

        set(config, HAKO_CONFIG_VCPUS, "2");
        hako_domain_config_apply_async(config, manager, host, HAKO_APPLY_PERSISTENT, NULL, done_cb,
                                       &w);
        set(config, HAKO_CONFIG_TITLE, "Edited during the apply");
        ok = hako_domain_config_apply_finish(config, wait_result(&w), NULL, &error);
        g_clear_object(&w.result);
        g_assert_no_error(error);
        g_assert_true(ok);
        g_assert_true(hako_domain_config_is_modified(config));
        g_clear_object(&after);
        after = now("hako-config-off", FALSE);
        assert_field(after, HAKO_CONFIG_VCPUS, "2");
        assert_field(after, HAKO_CONFIG_TITLE, "Edited by Hako");
        apply_ok(config, HAKO_APPLY_PERSISTENT);
        g_clear_object(&after);
        after = now("hako-config-off", FALSE);
        assert_field(after, HAKO_CONFIG_TITLE, "Edited during the apply");
    }

    remove_guest("hako-config-off");
}

static int
live_vcpus(const char *name)
{
    virConnectPtr conn = open_raw();
    virDomainPtr dom = virDomainLookupByName(conn, name);
    int n;

    g_assert_nonnull(dom);
    n = virDomainGetVcpusFlags(dom, VIR_DOMAIN_AFFECT_LIVE);
    virDomainFree(dom);
    virConnectClose(conn);
    return n;
}

typedef struct {
    const char *name;
    const char *path;
    const char *value;
} LiveGone;

static gboolean
live_device_gone(gpointer data)
{
    LiveGone *g = data;
    g_autoptr(HakoDomainConfig) live = now(g->name, TRUE);

    return find_device(live, g->path, g->value) < 0;
}

static void
test_live(void)
{
    HakoDomain *domain = define_guest("hako-config-run", TRUE);
    g_autoptr(HakoDomainConfig) config = load(domain);
    g_autoptr(HakoDomainConfig) live = NULL;
    g_autoptr(HakoDomainConfig) persistent = NULL;
    g_autofree char *disk_path = make_image("hako-config-run.qcow2", "qcow2");
    g_autofree char *media = make_image("hako-config-media.iso", "raw");
    g_autofree char *disk_xml =
        g_strdup_printf("<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
                        "<source file='%s'/><target dev='sda' bus='scsi'/></disk>",
                        disk_path);
    g_autofree char *mac = NULL;
    g_autofree char *source = NULL;
    g_autoptr(GError) error = NULL;
    g_auto(GStrv) not_live = NULL;
    LiveGone gone;
    int nic;
    int cd;

    g_assert_true(hako_domain_config_is_running(config));
    g_assert_cmpint(live_vcpus("hako-config-run"), ==, 1);
    g_assert_null(hako_domain_config_field_needs_restart(config, HAKO_CONFIG_VCPUS_CURRENT));
    g_assert_nonnull(hako_domain_config_field_needs_restart(config, HAKO_CONFIG_BOOT_ORDER));

    /* Memory through the balloon, one more vCPU, a SCSI disk and a USB NIC plugged in, and
     * media in the CD drive: all live, nothing left for the next boot. */
    set(config, HAKO_CONFIG_CURRENT_MEMORY, "98304");
    set(config, HAKO_CONFIG_VCPUS_CURRENT, "2");
    add(config, disk_xml);
    nic = add(config, "<interface type='user'><model type='usb-net'/><address type='usb' bus='0' "
                      "port='2'/></interface>");
    mac = hako_domain_config_device_get(config, (guint)nic, "mac/@address");
    cd = find_device(config, "target/@dev", "hdc");
    g_assert_cmpint(cd, >=, 0);
    g_assert_null(hako_domain_config_device_needs_restart(config, (guint)cd, "source/@file"));
    g_assert_true(hako_domain_config_device_set(config, (guint)cd, "source/@file", media, &error));
    g_assert_no_error(error);
    apply_ok(config, HAKO_APPLY_PERSISTENT | HAKO_APPLY_LIVE);

    g_assert_cmpint(live_vcpus("hako-config-run"), ==, 2);
    live = now("hako-config-run", TRUE);
    g_assert_cmpint(find_device(live, "target/@dev", "sda"), >=, 0);
    g_assert_cmpint(find_device(live, "mac/@address", mac), >=, 0);
    cd = find_device(live, "target/@dev", "hdc");
    source = hako_domain_config_device_get(live, (guint)cd, "source/@file");
    g_assert_cmpstr(source, ==, media);
    persistent = now("hako-config-run", FALSE);
    assert_field(persistent, HAKO_CONFIG_CURRENT_MEMORY, "98304");
    assert_field(persistent, HAKO_CONFIG_VCPUS_CURRENT, NULL); /* 2 of 2 */
    g_assert_cmpint(find_device(persistent, "mac/@address", mac), >=, 0);
    assert_metadata_kept("hako-config-run");
    /* What the configuration reads back: libvirt's live XML too. */
    g_clear_pointer(&source, g_free);
    source = hako_domain_config_get_live(config, HAKO_CONFIG_VCPUS_CURRENT);
    g_assert_cmpstr(source, ==, NULL);

    /* The title and the NIC's link state, live too. */
    set(config, HAKO_CONFIG_TITLE, "Live title");
    nic = find_device(config, "mac/@address", mac);
    g_assert_null(hako_domain_config_device_needs_restart(config, (guint)nic, "link/@state"));
    g_assert_true(hako_domain_config_device_set(config, (guint)nic, "link/@state", "down", &error));
    g_assert_no_error(error);
    apply_ok(config, HAKO_APPLY_PERSISTENT | HAKO_APPLY_LIVE);
    g_clear_object(&live);
    live = now("hako-config-run", TRUE);
    assert_field(live, HAKO_CONFIG_TITLE, "Live title");
    g_clear_pointer(&source, g_free);
    source = hako_domain_config_device_get(live, (guint)find_device(live, "mac/@address", mac),
                                           "link/@state");
    g_assert_cmpstr(source, ==, "down");

    /* The media ejected from the running guest only: the definition keeps it, and the edit
     * stays pending for the definition. */
    cd = find_device(config, "target/@dev", "hdc");
    g_assert_true(hako_domain_config_device_set(config, (guint)cd, "source/@file", NULL, &error));
    g_assert_true(apply(config, HAKO_APPLY_LIVE, &not_live, &error));
    g_assert_no_error(error);
    g_assert_null(not_live);
    g_assert_true(hako_domain_config_is_modified(config));
    g_clear_object(&live);
    live = now("hako-config-run", TRUE);
    g_clear_pointer(&source, g_free);
    source = hako_domain_config_device_get(live, (guint)find_device(live, "target/@dev", "hdc"),
                                           "source/@file");
    g_assert_null(source);
    g_clear_object(&persistent);
    persistent = now("hako-config-run", FALSE);
    source = hako_domain_config_device_get(
        persistent, (guint)find_device(persistent, "target/@dev", "hdc"), "source/@file");
    g_assert_cmpstr(source, ==, media);

    /* Unplugged again (SCSI and USB leave at once, without the guest's help), media ejected. */
    g_assert_true(hako_domain_config_remove_device(
        config, (guint)find_device(config, "target/@dev", "sda"), &error));
    g_assert_true(hako_domain_config_remove_device(
        config, (guint)find_device(config, "mac/@address", mac), &error));
    cd = find_device(config, "target/@dev", "hdc");
    g_assert_true(hako_domain_config_device_set(config, (guint)cd, "source/@file", NULL, &error));
    g_assert_no_error(error);
    apply_ok(config, HAKO_APPLY_PERSISTENT | HAKO_APPLY_LIVE);
    gone = (LiveGone){"hako-config-run", "target/@dev", "sda"};
    g_assert_true(hako_test_wait_until(live_device_gone, &gone, 10000));
    gone = (LiveGone){"hako-config-run", "mac/@address", mac};
    g_assert_true(hako_test_wait_until(live_device_gone, &gone, 10000));
    g_clear_object(&live);
    live = now("hako-config-run", TRUE);
    cd = find_device(live, "target/@dev", "hdc");
    g_clear_pointer(&source, g_free);
    source = hako_domain_config_device_get(live, (guint)cd, "source/@file");
    g_assert_null(source);
    g_clear_object(&persistent);
    persistent = now("hako-config-run", FALSE);
    g_assert_cmpint(find_device(persistent, "target/@dev", "sda"), ==, -1);

    /* What cannot change live is said: more than the running guest's maximum memory, and the
     * boot order. The definition takes them. */
    set(config, HAKO_CONFIG_MEMORY, "262144");
    set(config, HAKO_CONFIG_CURRENT_MEMORY, "196608");
    set(config, HAKO_CONFIG_BOOT_ORDER, "cdrom");
    g_assert_true(apply(config, HAKO_APPLY_PERSISTENT | HAKO_APPLY_LIVE, &not_live, &error));
    g_assert_no_error(error);
    g_assert_nonnull(not_live);
    for (guint i = 0; not_live[i] != NULL; i++)
        g_test_message("not live: %s", not_live[i]);
    g_assert_cmpuint(g_strv_length(not_live), ==, 3);
    g_clear_object(&persistent);
    persistent = now("hako-config-run", FALSE);
    assert_field(persistent, HAKO_CONFIG_MEMORY, "262144");
    assert_field(persistent, HAKO_CONFIG_BOOT_ORDER, "cdrom");
    g_clear_object(&live);
    live = now("hako-config-run", TRUE);
    assert_field(live, HAKO_CONFIG_MEMORY, "131072");

    remove_guest("hako-config-run");
}

static void
test_refused(void)
{
    HakoDomain *domain = define_guest("hako-config-refused", FALSE);
    g_autoptr(HakoDomainConfig) config = load(domain);
    g_autofree char *before = raw_xml("hako-config-refused", VIR_DOMAIN_XML_INACTIVE);
    g_autofree char *after = NULL;
    g_autoptr(GError) error = NULL;
    g_auto(GStrv) not_live = NULL;
    int cd;

    /* A disk bus libvirt does not know: the definition is refused, with libvirt's reason, and
     * nothing changed; the edits stay for the user to fix. */
    set(config, HAKO_CONFIG_MEMORY, "98304");
    cd = find_device(config, "target/@dev", "hdc");
    g_assert_true(
        hako_domain_config_device_set(config, (guint)cd, "target/@bus", "warp-drive", &error));
    g_assert_no_error(error);
    g_assert_false(apply(config, HAKO_APPLY_PERSISTENT, &not_live, &error));
    g_assert_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_FAILED);
    g_test_message("refused: %s", error->message);
    g_assert_nonnull(strstr(error->message, "hako-config-refused"));
    g_assert_nonnull(strstr(error->message, "warp-drive"));
    g_assert_null(not_live);
    g_assert_true(hako_domain_config_is_modified(config));
    after = raw_xml("hako-config-refused", VIR_DOMAIN_XML_INACTIVE);
    g_assert_cmpstr(after, ==, before);
    g_clear_error(&error);

    /* A running guest cannot be renamed: the definition made on the way is undone. */
    hako_domain_config_revert(config);
    {
        virConnectPtr conn = open_raw();
        virDomainPtr dom = virDomainLookupByName(conn, "hako-config-refused");

        g_assert_cmpint(virDomainCreate(dom), ==, 0);
        virDomainFree(dom);
        virConnectClose(conn);
    }
    g_clear_object(&config);
    config = load(domain);
    g_assert_true(hako_domain_config_is_running(config));
    g_assert_nonnull(hako_domain_config_field_needs_restart(config, HAKO_CONFIG_NAME));
    g_free(before);
    before = raw_xml("hako-config-refused", VIR_DOMAIN_XML_INACTIVE);
    set(config, HAKO_CONFIG_NAME, "hako-config-renamed");
    set(config, HAKO_CONFIG_MEMORY, "98304");
    g_assert_false(apply(config, HAKO_APPLY_PERSISTENT | HAKO_APPLY_LIVE, &not_live, &error));
    g_assert_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_FAILED);
    g_test_message("refused: %s", error->message);
    g_free(after);
    after = raw_xml("hako-config-refused", VIR_DOMAIN_XML_INACTIVE);
    g_assert_cmpstr(after, ==, before);

    remove_guest("hako-config-refused");
}

static gboolean
is_gone(gpointer data)
{
    return *(gpointer *)data == NULL;
}

int
main(int argc, char *argv[])
{
    int status;

    g_test_init(&argc, &argv, NULL);
    hako_engine_init();
    main_thread = g_thread_self();

    uri = g_getenv("HAKO_TEST_URI");
    g_assert_nonnull(uri);
    g_assert_nonnull(g_getenv("HAKO_TEST_IMAGES"));
    manager = hako_connection_manager_new(NULL);
    host = hako_connection_manager_add(manager, uri, HAKO_CONNECT_NONE);
    hako_connection_manager_connect(manager, host);
    g_assert_true(hako_test_wait_until(hako_test_host_connected, host, 60000));

    g_test_add_func("/engine/domain-config/real/persistent", test_persistent);
    g_test_add_func("/engine/domain-config/real/live", test_live);
    g_test_add_func("/engine/domain-config/real/refused", test_refused);
    status = g_test_run();

    {
        HakoConnectionManager *weak = manager;

        g_object_add_weak_pointer(G_OBJECT(manager), (gpointer *)&weak);
        g_clear_object(&manager);
        g_assert_true(hako_test_wait_until(is_gone, &weak, 10000));
    }
    return status;
}
