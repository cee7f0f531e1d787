/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoInstaller's XML against golden files (tests/data/installer): every install method, BIOS
 * and UEFI, KVM, QEMU, Xen HVM and Xen PV, the first boot's XML and the one the guest keeps
 * (one file when they are the same), each checked by virt-xml-validate when it is installed.
 *
 * HAKO_UPDATE_GOLDEN=1 rewrites the files from the code instead of comparing: review the diff. */
#include "config.h"

#include "hako-installer.h"
#include "hako-model-types.h"

#include <glib/gstdio.h>
#include <locale.h>
#include <string.h>

#define GiB (G_GUINT64_CONSTANT(1) << 30)

typedef struct {
    const char *name;
    gboolean same; /* the first boot's XML is the one the guest keeps */
    void (*setup)(HakoVmSpec *spec);
} Case;

static void
set(char **field, const char *value)
{
    g_free(*field);
    *field = g_strdup(value);
}

/* KVM, BIOS, an ISO, a new qcow2 volume, the network “default”, SPICE, Debian 12. */
static void
media_bios(HakoVmSpec *spec)
{
    set(&spec->os_id, "http://debian.org/debian/12");
    set(&spec->os_name, "Debian 12");
}

/* KVM on q35 with UEFI, Windows 11 (local time), SATA disk and CD-ROM, a bridge with a fixed
 * MAC address and an e1000e card, VNC. */
static void
media_uefi(HakoVmSpec *spec)
{
    set(&spec->machine, "q35");
    spec->firmware = HAKO_FIRMWARE_UEFI;
    set(&spec->os_id, "http://microsoft.com/win/11");
    set(&spec->disk_bus, "sata");
    spec->network = HAKO_VM_NETWORK_BRIDGE;
    set(&spec->network_source, "br0");
    set(&spec->mac, "52:54:00:12:34:56");
    set(&spec->nic_model, "e1000e");
    set(&spec->graphics, "vnc");
    set(&spec->video_model, "bochs");
    spec->memory_mib = 4096;
    spec->vcpus = 4;
}

/* KVM from an install tree: the fetched kernel and initrd with arguments; user networking. */
static void
url(HakoVmSpec *spec)
{
    spec->method = HAKO_INSTALL_URL;
    set(&spec->install_url, "https://download.example.org/fedora/38/Everything/x86_64/os/");
    set(&spec->kernel_path, "/var/lib/libvirt/boot/hako-url-kernel.AB12CD");
    set(&spec->initrd_path, "/var/lib/libvirt/boot/hako-url-initrd.EF34GH");
    set(&spec->kernel_args,
        "inst.repo=https://download.example.org/fedora/38/Everything/x86_64/os/ console=ttyS0");
    set(&spec->os_id, "http://fedoraproject.org/fedora/38");
    spec->network = HAKO_VM_NETWORK_USER;
}

/* QEMU (TCG) from the network, VNC, no operating system chosen. */
static void
pxe(HakoVmSpec *spec)
{
    spec->virt_type = HAKO_VIRT_QEMU;
    spec->method = HAKO_INSTALL_PXE;
    set(&spec->graphics, "vnc");
}

/* KVM booting an existing raw disk on an LVM volume, macvtap on eth0, no graphics. */
static void
import(HakoVmSpec *spec)
{
    spec->method = HAKO_INSTALL_IMPORT;
    spec->storage = HAKO_VM_STORAGE_EXISTING;
    set(&spec->disk_path, "/dev/vg0/import");
    spec->disk_format = HAKO_VOLUME_FORMAT_RAW;
    spec->network = HAKO_VM_NETWORK_MACVTAP;
    set(&spec->network_source, "eth0");
    g_clear_pointer(&spec->graphics, g_free);
}

/* QEMU with its emulator named, a SCSI disk (a virtio-scsi controller), virtio video with SPICE,
 * no network. */
static void
manual(HakoVmSpec *spec)
{
    spec->virt_type = HAKO_VIRT_QEMU;
    spec->method = HAKO_INSTALL_MANUAL;
    set(&spec->emulator, "/usr/bin/qemu-system-x86_64");
    set(&spec->machine, "pc");
    set(&spec->disk_bus, "scsi");
    set(&spec->video_model, "virtio");
    spec->network = HAKO_VM_NETWORK_NONE;
}

/* KVM booting a kernel of the host once, without graphics, with UEFI. */
static void
kernel(HakoVmSpec *spec)
{
    spec->method = HAKO_INSTALL_KERNEL;
    set(&spec->kernel_path, "/srv/boot/vmlinuz");
    set(&spec->initrd_path, "/srv/boot/initrd.img");
    set(&spec->kernel_args, "console=ttyS0 root=/dev/vda1");
    spec->firmware = HAKO_FIRMWARE_UEFI;
    g_clear_pointer(&spec->graphics, g_free);
}

/* Xen PV from an install tree, then pygrub; VNC through the PV framebuffer; a bridge. */
static void
xen_pv_url(HakoVmSpec *spec)
{
    spec->virt_type = HAKO_VIRT_XEN;
    spec->guest_type = HAKO_GUEST_XEN_PV;
    spec->method = HAKO_INSTALL_URL;
    set(&spec->install_url, "http://deb.debian.org/debian/dists/bookworm/main/installer-amd64/");
    set(&spec->kernel_path, "/var/lib/libvirt/boot/hako-xen-pv-url-kernel.AB12CD");
    set(&spec->initrd_path, "/var/lib/libvirt/boot/hako-xen-pv-url-initrd.EF34GH");
    set(&spec->graphics, "vnc");
    spec->network = HAKO_VM_NETWORK_BRIDGE;
    set(&spec->network_source, "xenbr0");
    set(&spec->os_id, "http://debian.org/debian/12");
}

/* Xen PV that always boots a kernel of the host; no graphics. */
static void
xen_pv_kernel(HakoVmSpec *spec)
{
    spec->virt_type = HAKO_VIRT_XEN;
    spec->guest_type = HAKO_GUEST_XEN_PV;
    spec->method = HAKO_INSTALL_KERNEL;
    set(&spec->kernel_path, "/srv/xen/vmlinuz");
    set(&spec->initrd_path, "/srv/xen/initrd.img");
    set(&spec->kernel_args, "console=hvc0 root=/dev/xvda1");
    spec->disk_format = HAKO_VOLUME_FORMAT_RAW;
    g_clear_pointer(&spec->graphics, g_free);
}

/* Xen HVM from an ISO on the host's CD-ROM drive, VNC. */
static void
xen_hvm_media(HakoVmSpec *spec)
{
    spec->virt_type = HAKO_VIRT_XEN;
    set(&spec->media_path, "/dev/sr0");
    set(&spec->graphics, "vnc");
}

/* Xen HVM with UEFI, installed from the network, SPICE. */
static void
xen_hvm_uefi(HakoVmSpec *spec)
{
    spec->virt_type = HAKO_VIRT_XEN;
    spec->method = HAKO_INSTALL_PXE;
    spec->firmware = HAKO_FIRMWARE_UEFI;
}

/* A live CD without a disk: QEMU, VNC. */
static void
live_cd(HakoVmSpec *spec)
{
    spec->virt_type = HAKO_VIRT_QEMU;
    spec->storage = HAKO_VM_STORAGE_NONE;
    set(&spec->graphics, "vnc");
}

static const Case cases[] = {
    {"media-bios", FALSE, media_bios},
    {"media-uefi", FALSE, media_uefi},
    {"url", FALSE, url},
    {"pxe", FALSE, pxe},
    {"import", TRUE, import},
    {"manual", TRUE, manual},
    {"kernel", FALSE, kernel},
    {"xen-pv-url", FALSE, xen_pv_url},
    {"xen-pv-kernel", TRUE, xen_pv_kernel},
    {"xen-hvm-media", FALSE, xen_hvm_media},
    {"xen-hvm-uefi", FALSE, xen_hvm_uefi},
    {"live-cd", TRUE, live_cd},
};

/* The case's guest: named after it, 1 GiB, 2 vCPUs, an 8 GiB volume already made. */
static HakoVmSpec *
case_spec(const Case *c)
{
    HakoVmSpec *spec = hako_vm_spec_new();

    spec->name = g_strdup(c->name);
    spec->media_path = g_strdup("/var/lib/libvirt/images/install.iso");
    spec->memory_mib = 1024;
    spec->pool = g_strdup("default");
    spec->volume_name = g_strdup_printf("%s.qcow2", c->name);
    spec->disk_capacity = 8 * GiB;
    spec->disk_path = g_strdup_printf("/var/lib/libvirt/images/%s.qcow2", c->name);
    c->setup(spec);
    return spec;
}

static char *
golden_path(const char *name)
{
    g_autofree char *file = g_strconcat(name, ".xml", NULL);

    return g_test_build_filename(G_TEST_DIST, "data", "installer", file, NULL);
}

static void
check_valid(const char *path)
{
    g_autofree char *validator = g_find_program_in_path("virt-xml-validate");
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    g_autoptr(GError) error = NULL;
    const char *argv[] = {NULL, path, "domain", NULL};
    int status = 0;

    if (validator == NULL) {
        g_test_message("virt-xml-validate is not installed: %s not validated", path);
        return;
    }
    argv[0] = validator;
    g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                               &status, &error));
    g_assert_no_error(error);
    if (!g_spawn_check_wait_status(status, NULL))
        g_error("%s is not valid: %s%s", path, out, err);
}

static void
compare(const char *name, const char *xml)
{
    g_autofree char *path = golden_path(name);
    g_autofree char *expected = NULL;
    g_autoptr(GError) error = NULL;

    if (g_strcmp0(g_getenv("HAKO_UPDATE_GOLDEN"), "1") == 0) {
        g_assert_true(g_file_set_contents(path, xml, -1, &error));
        g_assert_no_error(error);
        g_test_message("wrote %s", path);
    }
    g_assert_true(g_file_get_contents(path, &expected, NULL, &error));
    g_assert_no_error(error);
    g_assert_cmpstr(xml, ==, expected);
    check_valid(path);
}

static void
test_golden(gconstpointer data)
{
    const Case *c = data;
    g_autoptr(HakoVmSpec) spec = case_spec(c);
    g_autoptr(GError) error = NULL;
    g_autofree char *install = hako_installer_build_xml(spec, TRUE, &error);
    g_autofree char *final = NULL;

    g_assert_no_error(error);
    g_assert_nonnull(install);
    final = hako_installer_build_xml(spec, FALSE, &error);
    g_assert_no_error(error);
    g_assert_nonnull(final);

    if (c->same) {
        g_assert_cmpstr(install, ==, final);
        compare(c->name, install);
    } else {
        g_autofree char *install_name = g_strconcat(c->name, "-install", NULL);
        g_autofree char *final_name = g_strconcat(c->name, "-final", NULL);

        g_assert_cmpstr(install, !=, final);
        compare(install_name, install);
        compare(final_name, final);
    }
}

/* What the XML must not be built from. */
static void
test_refused(void)
{
    g_autoptr(HakoVmSpec) spec = case_spec(&cases[0]);
    g_autoptr(GError) error = NULL;
    char *xml;

    /* a new volume not created yet */
    g_clear_pointer(&spec->disk_path, g_free);
    xml = hako_installer_build_xml(spec, TRUE, &error);
    g_assert_null(xml);
    g_assert_error(error, HAKO_MODEL_ERROR, HAKO_MODEL_ERROR_INVALID_SPEC);
    g_assert_nonnull(strstr(error->message, "has no path yet"));
    g_clear_error(&error);

    /* an invalid spec */
    spec->disk_path = g_strdup("/images/a.qcow2");
    spec->memory_mib = 0;
    xml = hako_installer_build_xml(spec, FALSE, &error);
    g_assert_null(xml);
    g_assert_error(error, HAKO_MODEL_ERROR, HAKO_MODEL_ERROR_INVALID_SPEC);
    g_clear_error(&error);

    /* a URL install whose kernel has not been fetched: only the first boot needs it */
    spec->memory_mib = 512;
    spec->method = HAKO_INSTALL_URL;
    spec->install_url = g_strdup("http://example.com/tree/");
    xml = hako_installer_build_xml(spec, TRUE, &error);
    g_assert_null(xml);
    g_assert_error(error, HAKO_MODEL_ERROR, HAKO_MODEL_ERROR_INVALID_SPEC);
    g_assert_nonnull(strstr(error->message, "kernel has not been downloaded"));
    g_clear_error(&error);
    xml = hako_installer_build_xml(spec, FALSE, &error);
    g_assert_no_error(error);
    g_assert_nonnull(xml);
    g_free(xml);
}

/* Names and paths are escaped, not pasted into the XML. */
static void
test_escaping(void)
{
    g_autoptr(HakoVmSpec) spec = case_spec(&cases[0]);
    g_autoptr(GError) error = NULL;
    g_autofree char *xml = NULL;

    g_free(spec->name);
    spec->name = g_strdup("a<b>&'\"c");
    g_free(spec->os_id);
    spec->os_id = g_strdup("http://example.com/os?a=1&b=\"2\"");
    g_free(spec->media_path);
    spec->media_path = g_strdup("/isos/<x>&y.iso");
    xml = hako_installer_build_xml(spec, TRUE, &error);
    g_assert_no_error(error);
    g_assert_nonnull(strstr(xml, "<name>a&lt;b&gt;&amp;'\"c</name>"));
    g_assert_nonnull(strstr(xml, "id=\"http://example.com/os?a=1&amp;b=&quot;2&quot;\""));
    g_assert_nonnull(strstr(xml, "/isos/&lt;x&gt;&amp;y.iso"));
}

static void
test_describe(void)
{
    for (int step = HAKO_INSTALL_STEP_PREPARE; step <= HAKO_INSTALL_STEP_DONE; step++)
        g_assert_nonnull(hako_install_step_describe((HakoInstallStep)step));
    g_assert_cmpstr(hako_install_step_describe(HAKO_INSTALL_STEP_VOLUME), ==, "Creating the disk…");
}

int
main(int argc, char *argv[])
{
    setlocale(LC_ALL, "");
    g_test_init(&argc, &argv, NULL);

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *path = g_strdup_printf("/engine/installer/xml/%s", cases[i].name);

        g_test_add_data_func(path, &cases[i], test_golden);
    }
    g_test_add_func("/engine/installer/xml/refused", test_refused);
    g_test_add_func("/engine/installer/xml/escaping", test_escaping);
    g_test_add_func("/engine/installer/describe", test_describe);

    return g_test_run();
}
