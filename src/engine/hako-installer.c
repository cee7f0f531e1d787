/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoInstaller: creates a guest from a HakoVmSpec.
 *
 * The XML comes from a pure function, hako_installer_build_xml(), in two forms: the first
 * boot's (install = TRUE), which boots the install media, the network or a kernel and powers
 * the guest off when the installer reboots it, and the one the guest keeps (install = FALSE),
 * which boots the disk first. libvirt-gconfig builds what it can; libxml2 adds what it lacks
 * (the emulator, graphics' listen address, macvtap, a Xen bootloader, a SCSI controller).
 *
 * hako_installer_install_async() takes a reference on the host's connection on the main thread
 * and runs every step on a thread of its own: PREPARE (the name is free, an existing disk's
 * format), FETCH (URL only: the kernel and initrd, into the boot directory for a local host or
 * into volumes of a storage pool for a remote one), VOLUME (the new disk, whose path goes into
 * the XML), DEFINE, START (unless customizing) and then the final XML defined while the guest
 * runs, which changes only its persistent configuration, so the next boot is the disk's.
 * "step-changed" reaches the caller's main context before the result does. When a step fails
 * or the job is cancelled, everything made so far is removed, newest first: the guest
 * destroyed and undefined (with its UEFI variables), the volume deleted, the fetched files
 * deleted; a volume or guest that existed before is never touched. */
#include "config.h"

#include "hako-installer.h"

#include "hako-connection-manager-private.h"
#include "hako-engine-enums.h"
#include "hako-engine-error.h"
#include "hako-engine-private.h"
#include "hako-model-types.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <libvirt-gconfig/libvirt-gconfig.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <osinfo/osinfo.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_BOOT_DIR "/var/lib/libvirt/boot"
#define LIBOSINFO_NS "libosinfo"
#define LIBOSINFO_NS_URI "http://libosinfo.org/xmlns/libvirt/domain/1.0"
#define LISTEN_ADDRESS "127.0.0.1"
#define MAX_REDIRECTS 5
#define CHUNK_SIZE (64 * 1024)
#define HTTP_TIMEOUT_S 60

/* libvirt-gconfig 4.0 declares no cleanup functions of its own */
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GVirConfigDomain, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GVirConfigDomainOs, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GVirConfigDomainClock, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GVirConfigDomainCpu, g_object_unref)

struct _HakoInstaller {
    GObject parent_instance;

    HakoConnectionManager *manager;
    char *boot_dir;
};

G_DEFINE_FINAL_TYPE(HakoInstaller, hako_installer, G_TYPE_OBJECT)

enum {
    SIGNAL_STEP_CHANGED,
    N_SIGNALS,
};

static guint signals[N_SIGNALS];

static void
hako_installer_dispose(GObject *object)
{
    HakoInstaller *self = HAKO_INSTALLER(object);

    g_clear_object(&self->manager);

    G_OBJECT_CLASS(hako_installer_parent_class)->dispose(object);
}

static void
hako_installer_finalize(GObject *object)
{
    HakoInstaller *self = HAKO_INSTALLER(object);

    g_free(self->boot_dir);

    G_OBJECT_CLASS(hako_installer_parent_class)->finalize(object);
}

static void
hako_installer_class_init(HakoInstallerClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);

    object_class->dispose = hako_installer_dispose;
    object_class->finalize = hako_installer_finalize;

    /**
     * HakoInstaller::step-changed:
     * @step: the #HakoInstallStep that begins
     *
     * An install moved on to @step; emitted in the main context of the caller of
     * hako_installer_install_async(), always before its callback.
     */
    signals[SIGNAL_STEP_CHANGED] =
        g_signal_new("step-changed", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                     NULL, G_TYPE_NONE, 1, HAKO_TYPE_INSTALL_STEP);
}

static void
hako_installer_init(HakoInstaller *self)
{
    self->boot_dir = g_strdup(DEFAULT_BOOT_DIR);
}

/**
 * hako_installer_new:
 * @manager: the connections the hosts come from
 *
 * Returns: (transfer full): an installer for @manager's hosts
 */
HakoInstaller *
hako_installer_new(HakoConnectionManager *manager)
{
    HakoInstaller *self;

    g_return_val_if_fail(HAKO_IS_CONNECTION_MANAGER(manager), NULL);

    self = g_object_new(HAKO_TYPE_INSTALLER, NULL);
    self->manager = g_object_ref(manager);
    return self;
}

/**
 * hako_installer_set_boot_dir:
 * @boot_dir: an absolute path
 *
 * Sets where the kernel and initrd of a URL install go on a local host: a directory that
 * QEMU can read, made (0755) when missing. They are deleted once the guest has started (QEMU
 * has read them by then) or when the install fails. The default is /var/lib/libvirt/boot.
 */
void
hako_installer_set_boot_dir(HakoInstaller *self, const char *boot_dir)
{
    g_return_if_fail(HAKO_IS_INSTALLER(self));
    g_return_if_fail(boot_dir != NULL && g_path_is_absolute(boot_dir));

    g_free(self->boot_dir);
    self->boot_dir = g_strdup(boot_dir);
}

const char *
hako_installer_get_boot_dir(HakoInstaller *self)
{
    g_return_val_if_fail(HAKO_IS_INSTALLER(self), NULL);
    return self->boot_dir;
}

/**
 * hako_install_step_describe:
 *
 * Returns: what happens during @step, as one translated line for a progress label
 *   ("Creating the disk…").
 */
const char *
hako_install_step_describe(HakoInstallStep step)
{
    switch (step) {
    case HAKO_INSTALL_STEP_PREPARE:
        return _("Checking the host…");
    case HAKO_INSTALL_STEP_FETCH:
        return _("Downloading the installer’s kernel…");
    case HAKO_INSTALL_STEP_VOLUME:
        return _("Creating the disk…");
    case HAKO_INSTALL_STEP_DEFINE:
        return _("Defining the virtual machine…");
    case HAKO_INSTALL_STEP_START:
        return _("Starting the virtual machine…");
    case HAKO_INSTALL_STEP_DONE:
        return _("The virtual machine is ready.");
    default:
        g_return_val_if_reached(NULL);
    }
}

/* ---------------------------------------------------------------------- */
/* XML (pure) */

static gboolean
has_text(const char *s)
{
    return s != NULL && *s != '\0';
}

static gboolean
is_kvm_or_qemu(const HakoVmSpec *spec)
{
    return spec->virt_type == HAKO_VIRT_KVM || spec->virt_type == HAKO_VIRT_QEMU;
}

static gboolean
is_pv(const HakoVmSpec *spec)
{
    return spec->guest_type == HAKO_GUEST_XEN_PV;
}

static gboolean
is_x86(const HakoVmSpec *spec)
{
    const char *arch = spec->arch;

    return arch == NULL || g_str_equal(arch, "x86_64") || g_str_equal(arch, "i686") ||
           g_str_equal(arch, "i386");
}

/* The first boot differs from the later ones: it boots something else than the disk. */
static gboolean
install_differs(const HakoVmSpec *spec)
{
    switch (spec->method) {
    case HAKO_INSTALL_MEDIA:
    case HAKO_INSTALL_PXE:
        /* without a disk (a live CD, a diskless network client) there is nothing else to boot */
        return spec->storage != HAKO_VM_STORAGE_NONE;
    case HAKO_INSTALL_URL:
        return TRUE;
    case HAKO_INSTALL_KERNEL:
        return !is_pv(spec);
    default:
        return FALSE;
    }
}

/* Whether the XML boots spec's kernel (the fetched one for URL). */
static gboolean
boots_kernel(const HakoVmSpec *spec, gboolean install)
{
    if (spec->method == HAKO_INSTALL_KERNEL)
        return install || is_pv(spec);
    return spec->method == HAKO_INSTALL_URL && install;
}

static const char *
disk_bus(const HakoVmSpec *spec)
{
    if (has_text(spec->disk_bus))
        return spec->disk_bus;
    return spec->virt_type == HAKO_VIRT_XEN ? "xen" : "virtio";
}

static const char *
cdrom_bus(const HakoVmSpec *spec)
{
    /* q35 has no IDE controller */
    if (is_kvm_or_qemu(spec) && spec->machine != NULL && strstr(spec->machine, "q35") != NULL)
        return "sata";
    return "ide";
}

static const char *
bus_prefix(const char *bus)
{
    if (g_str_equal(bus, "virtio"))
        return "vd";
    if (g_str_equal(bus, "ide"))
        return "hd";
    if (g_str_equal(bus, "xen"))
        return "xvd";
    return "sd"; /* sata, scsi, usb */
}

static GVirConfigDomainDiskBus
bus_to_gconfig(const char *bus)
{
    if (g_str_equal(bus, "virtio"))
        return GVIR_CONFIG_DOMAIN_DISK_BUS_VIRTIO;
    if (g_str_equal(bus, "ide"))
        return GVIR_CONFIG_DOMAIN_DISK_BUS_IDE;
    if (g_str_equal(bus, "xen"))
        return GVIR_CONFIG_DOMAIN_DISK_BUS_XEN;
    if (g_str_equal(bus, "scsi"))
        return GVIR_CONFIG_DOMAIN_DISK_BUS_SCSI;
    if (g_str_equal(bus, "usb"))
        return GVIR_CONFIG_DOMAIN_DISK_BUS_USB;
    return GVIR_CONFIG_DOMAIN_DISK_BUS_SATA;
}

static const char *
video_model(const HakoVmSpec *spec)
{
    if (is_pv(spec))
        return "xen";
    if (has_text(spec->video_model))
        return spec->video_model;
    if (spec->virt_type == HAKO_VIRT_XEN)
        return "vga";
    return g_strcmp0(spec->graphics, "spice") == 0 ? "qxl" : "virtio";
}

static gboolean
video_to_gconfig(const char *model, GVirConfigDomainVideoModel *out)
{
    static const struct {
        const char *name;
        GVirConfigDomainVideoModel model;
    } models[] = {
        {"vga", GVIR_CONFIG_DOMAIN_VIDEO_MODEL_VGA},
        {"cirrus", GVIR_CONFIG_DOMAIN_VIDEO_MODEL_CIRRUS},
        {"vmvga", GVIR_CONFIG_DOMAIN_VIDEO_MODEL_VMVGA},
        {"xen", GVIR_CONFIG_DOMAIN_VIDEO_MODEL_XEN},
        {"qxl", GVIR_CONFIG_DOMAIN_VIDEO_MODEL_QXL},
        {"virtio", GVIR_CONFIG_DOMAIN_VIDEO_MODEL_VIRTIO},
        {"bochs", GVIR_CONFIG_DOMAIN_VIDEO_MODEL_BOCHS},
    };

    for (guint i = 0; i < G_N_ELEMENTS(models); i++) {
        if (g_str_equal(models[i].name, model)) {
            *out = models[i].model;
            return TRUE;
        }
    }
    return FALSE;
}

/* A path under /dev is a block device (a host CD-ROM drive, a partition, an LVM volume). */
static GVirConfigDomainDiskType
disk_type_for(const char *path)
{
    return g_str_has_prefix(path, "/dev/") ? GVIR_CONFIG_DOMAIN_DISK_BLOCK
                                           : GVIR_CONFIG_DOMAIN_DISK_FILE;
}

static GVirConfigDomainDisk *
new_disk(const HakoVmSpec *spec)
{
    GVirConfigDomainDisk *disk = gvir_config_domain_disk_new();
    GVirConfigDomainDiskDriver *driver = gvir_config_domain_disk_driver_new();
    const char *bus = disk_bus(spec);
    g_autofree char *dev = g_strconcat(bus_prefix(bus), "a", NULL);

    gvir_config_domain_disk_set_type(disk, disk_type_for(spec->disk_path));
    gvir_config_domain_disk_set_guest_device_type(disk, GVIR_CONFIG_DOMAIN_DISK_GUEST_DEVICE_DISK);
    gvir_config_domain_disk_driver_set_name(driver, "qemu");
    gvir_config_domain_disk_driver_set_format(driver, spec->disk_format == HAKO_VOLUME_FORMAT_RAW
                                                          ? GVIR_CONFIG_DOMAIN_DISK_FORMAT_RAW
                                                          : GVIR_CONFIG_DOMAIN_DISK_FORMAT_QCOW2);
    gvir_config_domain_disk_set_driver(disk, driver);
    g_object_unref(driver);
    gvir_config_domain_disk_set_source(disk, spec->disk_path);
    gvir_config_domain_disk_set_target_dev(disk, dev);
    gvir_config_domain_disk_set_target_bus(disk, bus_to_gconfig(bus));
    return disk;
}

static GVirConfigDomainDisk *
new_cdrom(const HakoVmSpec *spec, gboolean has_disk)
{
    GVirConfigDomainDisk *cdrom = gvir_config_domain_disk_new();
    GVirConfigDomainDiskDriver *driver = gvir_config_domain_disk_driver_new();
    const char *bus = cdrom_bus(spec);
    const char *prefix = bus_prefix(bus);
    /* the next letter after the disk's when both are on one kind of bus */
    gboolean shared = has_disk && g_str_equal(prefix, bus_prefix(disk_bus(spec)));
    g_autofree char *dev = g_strconcat(prefix, shared ? "b" : "a", NULL);

    gvir_config_domain_disk_set_type(cdrom, disk_type_for(spec->media_path));
    gvir_config_domain_disk_set_guest_device_type(cdrom,
                                                  GVIR_CONFIG_DOMAIN_DISK_GUEST_DEVICE_CDROM);
    gvir_config_domain_disk_driver_set_name(driver, "qemu");
    gvir_config_domain_disk_driver_set_format(driver, GVIR_CONFIG_DOMAIN_DISK_FORMAT_RAW);
    gvir_config_domain_disk_set_driver(cdrom, driver);
    g_object_unref(driver);
    gvir_config_domain_disk_set_source(cdrom, spec->media_path);
    gvir_config_domain_disk_set_target_dev(cdrom, dev);
    gvir_config_domain_disk_set_target_bus(cdrom, bus_to_gconfig(bus));
    gvir_config_domain_disk_set_readonly(cdrom, TRUE);
    return cdrom;
}

/* macvtap is written as a bridge here and turned into type='direct' by fix_up(). */
static GVirConfigDomainInterface *
new_interface(const HakoVmSpec *spec)
{
    GVirConfigDomainInterface *iface = NULL;

    switch (spec->network) {
    case HAKO_VM_NETWORK_VIRTUAL: {
        GVirConfigDomainInterfaceNetwork *net = gvir_config_domain_interface_network_new();

        gvir_config_domain_interface_network_set_source(net, spec->network_source);
        iface = GVIR_CONFIG_DOMAIN_INTERFACE(net);
        break;
    }
    case HAKO_VM_NETWORK_BRIDGE:
    case HAKO_VM_NETWORK_MACVTAP: {
        GVirConfigDomainInterfaceBridge *bridge = gvir_config_domain_interface_bridge_new();

        gvir_config_domain_interface_bridge_set_source(bridge, spec->network_source);
        iface = GVIR_CONFIG_DOMAIN_INTERFACE(bridge);
        break;
    }
    case HAKO_VM_NETWORK_USER:
        iface = GVIR_CONFIG_DOMAIN_INTERFACE(gvir_config_domain_interface_user_new());
        break;
    default:
        return NULL;
    }
    if (has_text(spec->mac))
        gvir_config_domain_interface_set_mac(iface, spec->mac);
    if (!is_pv(spec)) {
        if (has_text(spec->nic_model))
            gvir_config_domain_interface_set_model(iface, spec->nic_model);
        else if (is_kvm_or_qemu(spec))
            gvir_config_domain_interface_set_model(iface, "virtio");
    }
    return iface;
}

static void
add_device(GVirConfigDomain *domain, gpointer device)
{
    gvir_config_domain_add_device(domain, GVIR_CONFIG_DOMAIN_DEVICE(device));
    g_object_unref(device);
}

static void
add_graphics(GVirConfigDomain *domain, const HakoVmSpec *spec)
{
    GVirConfigDomainVideoModel model;

    if (g_strcmp0(spec->graphics, "spice") == 0) {
        GVirConfigDomainGraphicsSpice *spice = gvir_config_domain_graphics_spice_new();
        GVirConfigDomainChannel *channel = gvir_config_domain_channel_new();

        gvir_config_domain_graphics_spice_set_autoport(spice, TRUE);
        add_device(domain, spice);
        /* the agent's channel: clipboard, resizing the guest's screen with the window */
        gvir_config_domain_channel_set_target_type(channel,
                                                   GVIR_CONFIG_DOMAIN_CHANNEL_TARGET_VIRTIO);
        gvir_config_domain_channel_set_target_name(channel, "com.redhat.spice.0");
        gvir_config_domain_chardev_set_source(
            GVIR_CONFIG_DOMAIN_CHARDEV(channel),
            GVIR_CONFIG_DOMAIN_CHARDEV_SOURCE(gvir_config_domain_chardev_source_spicevmc_new()));
        if (is_kvm_or_qemu(spec))
            add_device(domain, channel);
        else
            g_object_unref(channel);
    } else if (g_strcmp0(spec->graphics, "vnc") == 0) {
        GVirConfigDomainGraphicsVnc *vnc = gvir_config_domain_graphics_vnc_new();

        gvir_config_domain_graphics_vnc_set_autoport(vnc, TRUE);
        add_device(domain, vnc);
    } else {
        return;
    }

    if (video_to_gconfig(video_model(spec), &model)) {
        GVirConfigDomainVideo *video = gvir_config_domain_video_new();

        gvir_config_domain_video_set_model(video, model);
        add_device(domain, video);
    }
    /* an absolute pointer: the mouse follows the console's without grabbing it */
    if (is_kvm_or_qemu(spec) && is_x86(spec)) {
        GVirConfigDomainInput *tablet = gvir_config_domain_input_new();

        gvir_config_domain_input_set_device_type(tablet, GVIR_CONFIG_DOMAIN_INPUT_DEVICE_TABLET);
        gvir_config_domain_input_set_bus(tablet, GVIR_CONFIG_DOMAIN_INPUT_BUS_USB);
        add_device(domain, tablet);
    }
}

static void
add_consoles(GVirConfigDomain *domain, const HakoVmSpec *spec)
{
    GVirConfigDomainConsole *console = gvir_config_domain_console_new();

    if (!is_pv(spec)) {
        GVirConfigDomainSerial *serial = gvir_config_domain_serial_new();

        gvir_config_domain_chardev_set_source(
            GVIR_CONFIG_DOMAIN_CHARDEV(serial),
            GVIR_CONFIG_DOMAIN_CHARDEV_SOURCE(gvir_config_domain_chardev_source_pty_new()));
        add_device(domain, serial);
        gvir_config_domain_console_set_target_type(console,
                                                   GVIR_CONFIG_DOMAIN_CONSOLE_TARGET_SERIAL);
    } else {
        gvir_config_domain_console_set_target_type(console, GVIR_CONFIG_DOMAIN_CONSOLE_TARGET_XEN);
    }
    gvir_config_domain_chardev_set_source(
        GVIR_CONFIG_DOMAIN_CHARDEV(console),
        GVIR_CONFIG_DOMAIN_CHARDEV_SOURCE(gvir_config_domain_chardev_source_pty_new()));
    add_device(domain, console);
}

static GList *
boot_devices(const HakoVmSpec *spec, gboolean install, gboolean has_disk)
{
    GList *devices = NULL;
    GVirConfigDomainOsBootDevice first = GVIR_CONFIG_DOMAIN_OS_BOOT_DEVICE_HD;
    gboolean fallback = FALSE;

    if (is_pv(spec) || boots_kernel(spec, install))
        return NULL;
    if (spec->method == HAKO_INSTALL_MEDIA || spec->method == HAKO_INSTALL_PXE) {
        first = spec->method == HAKO_INSTALL_MEDIA ? GVIR_CONFIG_DOMAIN_OS_BOOT_DEVICE_CDROM
                                                   : GVIR_CONFIG_DOMAIN_OS_BOOT_DEVICE_NETWORK;
        fallback = TRUE;
    }
    /* Afterwards the disk comes first, the install media second: an install that was cut
     * short (or customized before it began) starts again, a finished one boots its disk. */
    if (fallback && install) {
        devices = g_list_append(devices, GINT_TO_POINTER(first));
        if (has_disk)
            devices = g_list_append(devices, GINT_TO_POINTER(GVIR_CONFIG_DOMAIN_OS_BOOT_DEVICE_HD));
    } else if (fallback) {
        if (has_disk)
            devices = g_list_append(devices, GINT_TO_POINTER(GVIR_CONFIG_DOMAIN_OS_BOOT_DEVICE_HD));
        devices = g_list_append(devices, GINT_TO_POINTER(first));
    } else {
        devices = g_list_append(devices, GINT_TO_POINTER(GVIR_CONFIG_DOMAIN_OS_BOOT_DEVICE_HD));
    }
    return devices;
}

static GVirConfigDomainOs *
new_os(const HakoVmSpec *spec, gboolean install, gboolean has_disk)
{
    GVirConfigDomainOs *os = gvir_config_domain_os_new();
    GList *devices;

    gvir_config_domain_os_set_os_type(os, is_pv(spec) ? GVIR_CONFIG_DOMAIN_OS_TYPE_XEN
                                                      : GVIR_CONFIG_DOMAIN_OS_TYPE_HVM);
    if (has_text(spec->arch))
        gvir_config_domain_os_set_arch(os, spec->arch);
    if (has_text(spec->machine))
        gvir_config_domain_os_set_machine(os, spec->machine);
    if (spec->firmware == HAKO_FIRMWARE_UEFI)
        gvir_config_domain_os_set_firmware(os, GVIR_CONFIG_DOMAIN_OS_FIRMWARE_EFI);
    if (boots_kernel(spec, install)) {
        gvir_config_domain_os_set_kernel(os, spec->kernel_path);
        if (has_text(spec->initrd_path))
            gvir_config_domain_os_set_ramdisk(os, spec->initrd_path);
        if (has_text(spec->kernel_args))
            gvir_config_domain_os_set_cmdline(os, spec->kernel_args);
    }
    devices = boot_devices(spec, install, has_disk);
    if (devices != NULL)
        gvir_config_domain_os_set_boot_devices(os, devices);
    g_list_free(devices);
    return os;
}

static GVirConfigDomainClock *
new_clock(const HakoVmSpec *spec)
{
    GVirConfigDomainClock *klock = gvir_config_domain_clock_new();
    /* Windows keeps the hardware clock in local time */
    gboolean windows = spec->os_id != NULL && strstr(spec->os_id, "microsoft.com/win") != NULL;

    gvir_config_domain_clock_set_offset(klock, windows ? GVIR_CONFIG_DOMAIN_CLOCK_LOCALTIME
                                                       : GVIR_CONFIG_DOMAIN_CLOCK_UTC);
    if (is_kvm_or_qemu(spec) && is_x86(spec)) {
        GVirConfigDomainTimerRtc *rtc = gvir_config_domain_timer_rtc_new();
        GVirConfigDomainTimerPit *pit = gvir_config_domain_timer_pit_new();
        GVirConfigDomainTimerHpet *hpet = gvir_config_domain_timer_hpet_new();

        /* what virt-install does: no lost ticks, no HPET (it costs CPU in guests) */
        gvir_config_domain_timer_set_tick_policy(GVIR_CONFIG_DOMAIN_TIMER(rtc),
                                                 GVIR_CONFIG_DOMAIN_TIMER_TICK_POLICY_CATCHUP);
        gvir_config_domain_timer_set_tick_policy(GVIR_CONFIG_DOMAIN_TIMER(pit),
                                                 GVIR_CONFIG_DOMAIN_TIMER_TICK_POLICY_DELAY);
        gvir_config_domain_timer_set_present(GVIR_CONFIG_DOMAIN_TIMER(hpet), FALSE);
        gvir_config_domain_clock_add_timer(klock, GVIR_CONFIG_DOMAIN_TIMER(rtc));
        gvir_config_domain_clock_add_timer(klock, GVIR_CONFIG_DOMAIN_TIMER(pit));
        gvir_config_domain_clock_add_timer(klock, GVIR_CONFIG_DOMAIN_TIMER(hpet));
        g_object_unref(rtc);
        g_object_unref(pit);
        g_object_unref(hpet);
    }
    return klock;
}

static GVirConfigDomain *
build_domain(const HakoVmSpec *spec, gboolean install, const char *uuid, GError **error)
{
    g_autoptr(GVirConfigDomain) domain = gvir_config_domain_new();
    g_autoptr(GVirConfigDomainOs) os = NULL;
    g_autoptr(GVirConfigDomainClock) klock = NULL;
    gboolean has_disk = spec->storage != HAKO_VM_STORAGE_NONE;
    GVirConfigDomainInterface *iface;

    gvir_config_domain_set_virt_type(
        domain, spec->virt_type == HAKO_VIRT_KVM   ? GVIR_CONFIG_DOMAIN_VIRT_KVM
                : spec->virt_type == HAKO_VIRT_XEN ? GVIR_CONFIG_DOMAIN_VIRT_XEN
                                                   : GVIR_CONFIG_DOMAIN_VIRT_QEMU);
    gvir_config_domain_set_name(domain, spec->name);
    if (uuid != NULL)
        gvir_config_domain_set_uuid(domain, uuid);
    if (has_text(spec->os_id)) {
        g_autofree char *escaped = g_markup_escape_text(spec->os_id, -1);
        g_autofree char *metadata =
            g_strdup_printf("<libosinfo><os id=\"%s\"/></libosinfo>", escaped);

        if (!gvir_config_domain_set_custom_xml_ns_children(domain, metadata, LIBOSINFO_NS,
                                                           LIBOSINFO_NS_URI, error))
            return NULL;
    }
    gvir_config_domain_set_memory(domain, spec->memory_mib * 1024);
    gvir_config_domain_set_current_memory(domain, spec->memory_mib * 1024);
    gvir_config_domain_set_vcpus(domain, spec->vcpus);

    os = new_os(spec, install, has_disk);
    gvir_config_domain_set_os(domain, os);
    if (!is_pv(spec) && is_x86(spec)) {
        const char *const features[] = {"acpi", "apic", NULL};

        gvir_config_domain_set_features(domain, (const GStrv)features);
    }
    if (spec->virt_type == HAKO_VIRT_KVM) {
        g_autoptr(GVirConfigDomainCpu) cpu = gvir_config_domain_cpu_new();

        /* the host's CPU as it is: the fastest, and what current systems need (x86-64-v2) */
        gvir_config_domain_cpu_set_mode(cpu, GVIR_CONFIG_DOMAIN_CPU_MODE_HOST_PASSTHROUGH);
        gvir_config_domain_set_cpu(domain, cpu);
    }
    klock = new_clock(spec);
    gvir_config_domain_set_clock(domain, klock);
    /* the installer's reboot ends the first boot: the next start uses the final XML */
    if (install && install_differs(spec))
        gvir_config_domain_set_lifecycle(domain, GVIR_CONFIG_DOMAIN_LIFECYCLE_ON_REBOOT,
                                         GVIR_CONFIG_DOMAIN_LIFECYCLE_DESTROY);

    if (has_disk)
        add_device(domain, new_disk(spec));
    if (spec->method == HAKO_INSTALL_MEDIA)
        add_device(domain, new_cdrom(spec, has_disk));
    iface = new_interface(spec);
    if (iface != NULL)
        add_device(domain, iface);
    add_graphics(domain, spec);
    add_consoles(domain, spec);
    if (is_kvm_or_qemu(spec)) {
        GVirConfigDomainMemballoon *balloon = gvir_config_domain_memballoon_new();

        gvir_config_domain_memballoon_set_model(balloon,
                                                GVIR_CONFIG_DOMAIN_MEMBALLOON_MODEL_VIRTIO);
        add_device(domain, balloon);
    }
    return g_steal_pointer(&domain);
}

static xmlNodePtr
find_child(xmlNodePtr parent, const char *name)
{
    for (xmlNodePtr n = parent->children; n != NULL; n = n->next) {
        if (n->type == XML_ELEMENT_NODE && xmlStrEqual(n->name, BAD_CAST name))
            return n;
    }
    return NULL;
}

/* What libvirt-gconfig cannot write. */
static void
fix_up(xmlNodePtr root, const HakoVmSpec *spec, gboolean install)
{
    xmlNodePtr devices = find_child(root, "devices");

    if (devices == NULL)
        devices = xmlNewChild(root, NULL, BAD_CAST "devices", NULL);

    if (has_text(spec->emulator)) {
        xmlNodePtr emulator = xmlNewNode(NULL, BAD_CAST "emulator");

        xmlNodeAddContent(emulator, BAD_CAST spec->emulator);
        if (devices->children != NULL)
            xmlAddPrevSibling(devices->children, emulator);
        else
            xmlAddChild(devices, emulator);
    }

    /* A Xen PV guest installed from a tree boots the kernel of its own disk afterwards. */
    if (is_pv(spec) && !boots_kernel(spec, install)) {
        xmlNodePtr os = find_child(root, "os");
        xmlNodePtr bootloader = xmlNewNode(NULL, BAD_CAST "bootloader");

        xmlNodeAddContent(bootloader, BAD_CAST "pygrub");
        if (os != NULL)
            xmlAddPrevSibling(os, bootloader);
        else
            xmlAddChild(root, bootloader);
    }

    for (xmlNodePtr n = devices->children; n != NULL; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        /* consoles listen on the host only: remote users come through SSH */
        if (xmlStrEqual(n->name, BAD_CAST "graphics")) {
            xmlNodePtr listen = xmlNewChild(n, NULL, BAD_CAST "listen", NULL);

            xmlSetProp(n, BAD_CAST "listen", BAD_CAST LISTEN_ADDRESS);
            xmlSetProp(listen, BAD_CAST "type", BAD_CAST "address");
            xmlSetProp(listen, BAD_CAST "address", BAD_CAST LISTEN_ADDRESS);
        }
        if (xmlStrEqual(n->name, BAD_CAST "interface") &&
            spec->network == HAKO_VM_NETWORK_MACVTAP) {
            xmlNodePtr source = find_child(n, "source");

            xmlSetProp(n, BAD_CAST "type", BAD_CAST "direct");
            if (source != NULL) {
                xmlUnsetProp(source, BAD_CAST "bridge");
                xmlSetProp(source, BAD_CAST "dev", BAD_CAST spec->network_source);
                xmlSetProp(source, BAD_CAST "mode", BAD_CAST "bridge");
            }
        }
    }

    if (spec->storage != HAKO_VM_STORAGE_NONE && is_kvm_or_qemu(spec) &&
        g_str_equal(disk_bus(spec), "scsi")) {
        xmlNodePtr controller = xmlNewChild(devices, NULL, BAD_CAST "controller", NULL);

        xmlSetProp(controller, BAD_CAST "type", BAD_CAST "scsi");
        xmlSetProp(controller, BAD_CAST "model", BAD_CAST "virtio-scsi");
    }
}

static char *
build_xml(const HakoVmSpec *spec, gboolean install, const char *uuid, GError **error)
{
    g_autoptr(GVirConfigDomain) domain = NULL;
    g_autofree char *raw = NULL;
    xmlDocPtr doc;
    xmlBufferPtr buffer;
    char *xml;

    if (!hako_vm_spec_validate(spec, NULL, error))
        return NULL;
    if (spec->storage != HAKO_VM_STORAGE_NONE && !has_text(spec->disk_path)) {
        g_set_error(error, HAKO_MODEL_ERROR, HAKO_MODEL_ERROR_INVALID_SPEC,
                    _("The disk “%s” has no path yet: it must be created first."),
                    spec->volume_name != NULL ? spec->volume_name : "");
        return NULL;
    }
    if (boots_kernel(spec, install) && !has_text(spec->kernel_path)) {
        g_set_error_literal(error, HAKO_MODEL_ERROR, HAKO_MODEL_ERROR_INVALID_SPEC,
                            _("The install tree’s kernel has not been downloaded yet."));
        return NULL;
    }
    domain = build_domain(spec, install, uuid, error);
    if (domain == NULL)
        return NULL;
    raw = gvir_config_object_to_xml(GVIR_CONFIG_OBJECT(domain));
    /* read back without the blanks, so that the output is indented one way throughout */
    doc = xmlReadMemory(raw, (int)strlen(raw), "domain.xml", NULL,
                        XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NOERROR |
                            XML_PARSE_NOWARNING);
    if (doc == NULL) {
        g_set_error_literal(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_INVALID_DATA,
                            _("The virtual machine’s description could not be written."));
        return NULL;
    }
    fix_up(xmlDocGetRootElement(doc), spec, install);
    buffer = xmlBufferCreate();
    xmlNodeDump(buffer, doc, xmlDocGetRootElement(doc), 0, 1);
    xml = g_strdup_printf("%s\n", (const char *)xmlBufferContent(buffer));
    xmlBufferFree(buffer);
    xmlFreeDoc(doc);
    return xml;
}

/**
 * hako_installer_build_xml:
 * @spec: a guest that hako_vm_spec_validate() accepts, with disk_path set for a new volume
 *   and, for a URL install's first boot, the fetched kernel_path (and initrd_path)
 * @install: %TRUE for the first boot's XML, %FALSE for the XML the guest keeps
 *
 * Builds the guest's domain XML; pure, no I/O.
 *
 * The first boot boots the install media (CD-ROM first, then the disk), the network (PXE)
 * or the kernel (URL, KERNEL) with its initrd and arguments, and is destroyed rather than
 * rebooted when the installer reboots it. The XML the guest keeps boots the disk first, with
 * the install CD-ROM or the network second, so that an install cut short starts again; the
 * CD-ROM stays attached. A Xen PV guest keeps booting its kernel (KERNEL), or boots its disk's
 * through pygrub (URL). Graphics listen on 127.0.0.1 only. Every guest gets a serial console
 * (a Xen console for Xen PV); KVM and QEMU guests a virtio balloon, USB tablet and the
 * virtio-net default; SPICE a QXL video card and the agent's channel. The libosinfo id goes
 * into <metadata>.
 *
 * Returns: (transfer full): the XML, or %NULL with a %HAKO_MODEL_ERROR_INVALID_SPEC error
 */
char *
hako_installer_build_xml(const HakoVmSpec *spec, gboolean install, GError **error)
{
    g_return_val_if_fail(spec != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    return build_xml(spec, install, NULL, error);
}

/* ---------------------------------------------------------------------- */
/* Downloads: HTTP and HTTPS with GIO (no gvfs needed), on the install's thread */

static char *
uri_host_and_port(GUri *uri, gboolean tls)
{
    const char *host = g_uri_get_host(uri);
    int port = g_uri_get_port(uri) > 0 ? g_uri_get_port(uri) : (tls ? 443 : 80);

    if (strchr(host, ':') != NULL)
        return g_strdup_printf("[%s]:%d", host, port);
    return g_strdup_printf("%s:%d", host, port);
}

/* Copies @length bytes (-1: up to the end of @in) from @in to @out. */
static gboolean
copy_body(GInputStream *in,
          GOutputStream *out,
          gint64 length,
          gsize limit,
          gsize *copied,
          GCancellable *cancellable,
          GError **error)
{
    g_autofree char *buffer = g_malloc(CHUNK_SIZE);

    while (length != 0) {
        gsize want = length < 0 || length > CHUNK_SIZE ? CHUNK_SIZE : (gsize)length;
        gssize n = g_input_stream_read(in, buffer, want, cancellable, error);

        if (n < 0)
            return FALSE;
        if (n == 0) {
            if (length < 0)
                return TRUE;
            g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT,
                                _("the server closed the connection before the end of the file"));
            return FALSE;
        }
        *copied += (gsize)n;
        if (limit > 0 && *copied > limit) {
            g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                                _("the file is larger than expected"));
            return FALSE;
        }
        if (!g_output_stream_write_all(out, buffer, (gsize)n, NULL, cancellable, error))
            return FALSE;
        if (length > 0)
            length -= n;
    }
    return TRUE;
}

static gboolean
copy_chunked(GDataInputStream *in,
             GOutputStream *out,
             gsize limit,
             gsize *copied,
             GCancellable *cancellable,
             GError **error)
{
    for (;;) {
        g_autofree char *line = g_data_input_stream_read_line(in, NULL, cancellable, error);
        guint64 size;
        char *end = NULL;

        if (line == NULL) {
            if (error != NULL && *error == NULL)
                g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT,
                                    _("the server closed the connection before the end of the "
                                      "file"));
            return FALSE;
        }
        size = g_ascii_strtoull(line, &end, 16);
        if (end == line) {
            g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                _("the server’s answer is not valid HTTP"));
            return FALSE;
        }
        if (size == 0) {
            /* trailers, up to an empty line */
            for (;;) {
                g_autofree char *trailer =
                    g_data_input_stream_read_line(in, NULL, cancellable, NULL);

                if (trailer == NULL || *trailer == '\0')
                    return TRUE;
            }
        }
        if (!copy_body(G_INPUT_STREAM(in), out, (gint64)size, limit, copied, cancellable, error))
            return FALSE;
        g_free(g_data_input_stream_read_line(in, NULL, cancellable, NULL));
    }
}

/* GETs @url into @out, following up to MAX_REDIRECTS redirections. A missing file fails with
 * G_IO_ERROR_NOT_FOUND, anything else but HTTP and HTTPS with G_IO_ERROR_NOT_SUPPORTED. @limit
 * (0: none) caps the size. */
static gboolean
http_get(
    const char *url, GOutputStream *out, gsize limit, GCancellable *cancellable, GError **error)
{
    g_autofree char *current = g_strdup(url);

    for (guint redirects = 0;; redirects++) {
        g_autoptr(GUri) uri = g_uri_parse(current, G_URI_FLAGS_ENCODED, error);
        g_autoptr(GSocketClient) client = NULL;
        g_autoptr(GSocketConnection) connection = NULL;
        g_autoptr(GDataInputStream) in = NULL;
        g_autoptr(GString) request = NULL;
        g_autofree char *status = NULL;
        g_autofree char *location = NULL;
        g_autofree char *host_and_port = NULL;
        gint64 length = -1;
        gboolean chunked = FALSE;
        gboolean tls;
        guint code = 0;
        gsize copied = 0;

        if (uri == NULL)
            return FALSE;
        tls = g_ascii_strcasecmp(g_uri_get_scheme(uri), "https") == 0;
        if (!tls && g_ascii_strcasecmp(g_uri_get_scheme(uri), "http") != 0) {
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                        _("Hako downloads install trees over HTTP and HTTPS only, not “%s”: use "
                          "the tree’s http or https address"),
                        g_uri_get_scheme(uri));
            return FALSE;
        }
        if (!has_text(g_uri_get_host(uri))) {
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("“%s” is not a URL"),
                        current);
            return FALSE;
        }
        host_and_port = uri_host_and_port(uri, tls);
        client = g_socket_client_new();
        g_socket_client_set_timeout(client, HTTP_TIMEOUT_S);
        g_socket_client_set_tls(client, tls);
        connection = g_socket_client_connect_to_host(client, host_and_port, 0, cancellable, error);
        if (connection == NULL)
            return FALSE;

        request = g_string_new("GET ");
        g_string_append(request, *g_uri_get_path(uri) != '\0' ? g_uri_get_path(uri) : "/");
        if (g_uri_get_query(uri) != NULL)
            g_string_append_printf(request, "?%s", g_uri_get_query(uri));
        g_string_append_printf(request,
                               " HTTP/1.1\r\nHost: %s\r\nUser-Agent: Hako/%s\r\nAccept: */*\r\n"
                               "Connection: close\r\n\r\n",
                               host_and_port, PACKAGE_VERSION);
        if (!g_output_stream_write_all(g_io_stream_get_output_stream(G_IO_STREAM(connection)),
                                       request->str, request->len, NULL, cancellable, error))
            return FALSE;

        in = g_data_input_stream_new(g_io_stream_get_input_stream(G_IO_STREAM(connection)));
        g_data_input_stream_set_newline_type(in, G_DATA_STREAM_NEWLINE_TYPE_ANY);
        status = g_data_input_stream_read_line(in, NULL, cancellable, error);
        if (status == NULL) {
            if (error != NULL && *error == NULL)
                g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                                    _("the server closed the connection without answering"));
            return FALSE;
        }
        if (!g_str_has_prefix(status, "HTTP/") || strchr(status, ' ') == NULL ||
            (code = (guint)g_ascii_strtoull(strchr(status, ' ') + 1, NULL, 10)) < 100) {
            g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                _("the server’s answer is not valid HTTP"));
            return FALSE;
        }
        for (;;) {
            g_autofree char *line = g_data_input_stream_read_line(in, NULL, cancellable, error);
            char *colon;
            char *value;

            if (line == NULL) {
                if (error != NULL && *error == NULL)
                    g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                        _("the server’s answer is not valid HTTP"));
                return FALSE;
            }
            if (*line == '\0')
                break;
            colon = strchr(line, ':');
            if (colon == NULL)
                continue;
            *colon = '\0';
            value = g_strstrip(colon + 1);
            if (g_ascii_strcasecmp(line, "Content-Length") == 0)
                length = (gint64)g_ascii_strtoull(value, NULL, 10);
            else if (g_ascii_strcasecmp(line, "Transfer-Encoding") == 0)
                chunked = g_ascii_strcasecmp(value, "chunked") == 0;
            else if (g_ascii_strcasecmp(line, "Location") == 0) {
                g_free(location);
                location = g_strdup(value);
            }
        }

        if ((code == 301 || code == 302 || code == 303 || code == 307 || code == 308) &&
            location != NULL) {
            char *next;

            if (redirects >= MAX_REDIRECTS) {
                g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_TOO_MANY_LINKS,
                                    _("the server redirected too many times"));
                return FALSE;
            }
            next = g_uri_resolve_relative(current, location, G_URI_FLAGS_ENCODED, error);
            if (next == NULL)
                return FALSE;
            g_free(current);
            current = next;
            continue;
        }
        if (code != 200) {
            g_set_error(error, G_IO_ERROR, code == 404 ? G_IO_ERROR_NOT_FOUND : G_IO_ERROR_FAILED,
                        _("the server answered “%s”"), strchr(status, ' ') + 1);
            return FALSE;
        }
        if (chunked)
            return copy_chunked(in, out, limit, &copied, cancellable, error);
        return copy_body(G_INPUT_STREAM(in), out, length, limit, &copied, cancellable, error);
    }
}

/* The text of a small file of the tree (a .treeinfo), or NULL. */
static char *
http_get_text(const char *url, GCancellable *cancellable, GError **error)
{
    g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable();

    if (!http_get(url, out, 1024 * 1024, cancellable, error) ||
        !g_output_stream_write_all(out, "", 1, NULL, cancellable, error) ||
        !g_output_stream_close(out, cancellable, error))
        return NULL;
    return g_memory_output_stream_steal_data(G_MEMORY_OUTPUT_STREAM(out));
}

/* ---------------------------------------------------------------------- */
/* The install job (on its own thread) */

typedef struct {
    HakoInstaller *self;
    HakoInstallStep step;
} StepNote;

static void
step_note_free(gpointer data)
{
    StepNote *note = data;

    g_object_unref(note->self);
    g_free(note);
}

static gboolean
step_note_cb(gpointer data)
{
    StepNote *note = data;

    g_signal_emit(note->self, signals[SIGNAL_STEP_CHANGED], 0, note->step);
    return G_SOURCE_REMOVE;
}

typedef struct {
    HakoInstaller *self;
    GMainContext *context; /* the caller's: where "step-changed" is emitted */
    virConnectPtr conn;
    HakoVmSpec *spec; /* a copy, completed as the job goes: disk_path, kernel_path… */
    char *boot_dir;
    gboolean remote;

    /* what the job made, removed again when it fails */
    GPtrArray *fetched_files;   /* local paths */
    GPtrArray *fetched_volumes; /* virStorageVolPtr */
    virStorageVolPtr volume;
    virDomainPtr domain;
    gboolean started;
    char *uuid;
} InstallData;

static void
free_volume(gpointer vol)
{
    virStorageVolFree(vol);
}

static void
install_data_free(gpointer data)
{
    InstallData *d = data;

    g_clear_object(&d->self);
    g_main_context_unref(d->context);
    if (d->conn != NULL)
        virConnectClose(d->conn);
    hako_vm_spec_free(d->spec);
    g_free(d->boot_dir);
    g_ptr_array_unref(d->fetched_files);
    g_ptr_array_unref(d->fetched_volumes);
    if (d->volume != NULL)
        virStorageVolFree(d->volume);
    if (d->domain != NULL)
        virDomainFree(d->domain);
    g_free(d->uuid);
    g_free(d);
}

static void
announce(InstallData *d, HakoInstallStep step)
{
    StepNote *note = g_new0(StepNote, 1);
    GSource *source = g_idle_source_new();

    note->self = g_object_ref(d->self);
    note->step = step;
    /* the task's own result comes at the same priority, so after every step */
    g_source_set_priority(source, G_PRIORITY_DEFAULT);
    g_source_set_callback(source, step_note_cb, note, step_note_free);
    g_source_set_static_name(source, "hako-install-step");
    g_source_attach(source, d->context);
    g_source_unref(source);
}

/* libvirt hands out strings it allocated with malloc: copy them into GLib's allocator. */
static char *
take_libvirt_string(char *s)
{
    char *copy = g_strdup(s);

    free(s);
    return copy;
}

/* A connection to another machine: what it reads must be on that machine. */
static gboolean
connection_is_remote(virConnectPtr conn)
{
    g_autofree char *uri = take_libvirt_string(virConnectGetURI(conn));
    g_autoptr(GUri) parsed = NULL;

    if (uri == NULL) {
        virResetLastError();
        return TRUE;
    }
    parsed = g_uri_parse(uri, G_URI_FLAGS_PARSE_RELAXED | G_URI_FLAGS_NON_DNS, NULL);
    return parsed == NULL || has_text(g_uri_get_host(parsed));
}

/* The format an existing volume declares, so that a qcow2 image is not read as raw. */
static gboolean
prepare_existing_disk(InstallData *d, GError **error)
{
    virStorageVolPtr vol = virStorageVolLookupByPath(d->conn, d->spec->disk_path);
    g_autofree char *xml = NULL;
    xmlDocPtr doc;
    xmlNodePtr target;
    xmlNodePtr format;
    g_autofree char *type = NULL;

    if (vol == NULL) {
        /* a file outside the pools: the format chosen in the wizard stands */
        virResetLastError();
        return TRUE;
    }
    xml = take_libvirt_string(virStorageVolGetXMLDesc(vol, 0));
    virStorageVolFree(vol);
    if (xml == NULL) {
        virResetLastError();
        return TRUE;
    }
    doc = xmlReadMemory(xml, (int)strlen(xml), "volume.xml", NULL,
                        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    target = doc != NULL ? find_child(xmlDocGetRootElement(doc), "target") : NULL;
    format = target != NULL ? find_child(target, "format") : NULL;
    if (format != NULL) {
        xmlChar *value = xmlGetProp(format, BAD_CAST "type");

        type = g_strdup((const char *)value);
        xmlFree(value);
    }
    if (doc != NULL)
        xmlFreeDoc(doc);
    if (g_strcmp0(type, "qcow2") == 0)
        d->spec->disk_format = HAKO_VOLUME_FORMAT_QCOW2;
    else if (g_strcmp0(type, "raw") == 0 || g_strcmp0(type, "iso") == 0)
        d->spec->disk_format = HAKO_VOLUME_FORMAT_RAW;
    else if (type != NULL) {
        g_set_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_NOT_SUPPORTED,
                    _("The disk image “%s” is in the format “%s”, which Hako cannot attach: "
                      "convert it to qcow2 or raw first."),
                    d->spec->disk_path, type);
        return FALSE;
    }
    return TRUE;
}

static gboolean
prepare(InstallData *d, GError **error)
{
    virDomainPtr existing = virDomainLookupByName(d->conn, d->spec->name);

    if (existing != NULL) {
        virDomainFree(existing);
        g_set_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_FAILED,
                    _("A virtual machine named “%s” already exists on this host: choose another "
                      "name."),
                    d->spec->name);
        return FALSE;
    }
    virResetLastError();
    d->remote = connection_is_remote(d->conn);
    if (d->spec->storage == HAKO_VM_STORAGE_EXISTING)
        return prepare_existing_disk(d, error);
    return TRUE;
}

/* Letters, digits, “.”, “_” and “-” of the guest's name, for file and volume names. */
static char *
file_name_part(const char *name)
{
    GString *part = g_string_new(NULL);

    for (const char *p = name; *p != '\0' && part->len < 40; p++)
        g_string_append_c(part, g_ascii_isalnum(*p) || strchr("._-", *p) != NULL ? *p : '_');
    return g_string_free(part, FALSE);
}

/* Where the tree's kernel and initrd are, relative to its root: from its .treeinfo, else from
 * what osinfo-db knows of the operating system's trees. @os is set when spec->os_id is known. */
static gboolean
find_tree_images(InstallData *d,
                 const char *base,
                 OsinfoOs *os,
                 char **kernel,
                 char **initrd,
                 GCancellable *cancellable,
                 GError **error)
{
    static const char *const names[] = {".treeinfo", "treeinfo"};

    for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
        g_autofree char *url = g_strconcat(base, names[i], NULL);
        g_autoptr(GError) local = NULL;
        g_autofree char *text = http_get_text(url, cancellable, &local);
        g_autoptr(OsinfoTree) tree = NULL;

        if (text == NULL) {
            if (!g_error_matches(local, G_IO_ERROR, G_IO_ERROR_NOT_FOUND)) {
                g_propagate_error(error, g_steal_pointer(&local));
                return FALSE;
            }
            continue;
        }
        tree = osinfo_tree_create_from_treeinfo(text, base, &local);
        if (tree != NULL && osinfo_tree_get_kernel_path(tree) != NULL) {
            *kernel = g_strdup(osinfo_tree_get_kernel_path(tree));
            *initrd = g_strdup(osinfo_tree_get_initrd_path(tree));
            return TRUE;
        }
        g_debug("%s has no kernel: %s", url, local != NULL ? local->message : "");
    }

    if (os != NULL) {
        g_autoptr(OsinfoTreeList) trees = osinfo_os_get_tree_list(os);
        const char *arch = has_text(d->spec->arch) ? d->spec->arch : "x86_64";

        for (int i = 0; i < osinfo_list_get_length(OSINFO_LIST(trees)); i++) {
            OsinfoTree *tree = OSINFO_TREE(osinfo_list_get_nth(OSINFO_LIST(trees), i));

            if (osinfo_tree_get_kernel_path(tree) != NULL &&
                g_strcmp0(osinfo_tree_get_architecture(tree), arch) == 0) {
                *kernel = g_strdup(osinfo_tree_get_kernel_path(tree));
                *initrd = g_strdup(osinfo_tree_get_initrd_path(tree));
                return TRUE;
            }
        }
    }
    g_set_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_NOT_FOUND,
                _("the install tree has no .treeinfo, and the operating system chosen does not "
                  "say where its kernel is: check the URL, or choose the operating system"));
    return FALSE;
}

/* Downloads @url into a new file of the boot directory, which QEMU can read. */
static char *
download_to_boot_dir(
    InstallData *d, const char *url, const char *what, GCancellable *cancellable, GError **error)
{
    g_autofree char *part = file_name_part(d->spec->name);
    g_autofree char *template = g_strdup_printf("hako-%s-%s.XXXXXX", part, what);
    g_autofree char *path = g_build_filename(d->boot_dir, template, NULL);
    g_autoptr(GFile) file = NULL;
    g_autoptr(GFileOutputStream) out = NULL;
    int fd;

    if (g_mkdir_with_parents(d->boot_dir, 0755) < 0) {
        int saved = errno;

        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(saved),
                    _("could not create the directory “%s”: %s"), d->boot_dir, g_strerror(saved));
        return NULL;
    }
    fd = g_mkstemp_full(path, O_RDWR | O_CLOEXEC, 0644);
    if (fd < 0) {
        int saved = errno;

        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(saved),
                    _("could not create a file in “%s”: %s"), d->boot_dir, g_strerror(saved));
        return NULL;
    }
    close(fd);
    g_ptr_array_add(d->fetched_files, g_strdup(path));
    /* QEMU runs as another user: the file must be readable whatever the umask */
    g_chmod(path, 0644);
    file = g_file_new_for_path(path);
    out = g_file_append_to(file, G_FILE_CREATE_NONE, cancellable, error);
    if (out == NULL || !http_get(url, G_OUTPUT_STREAM(out), 0, cancellable, error) ||
        !g_output_stream_close(G_OUTPUT_STREAM(out), cancellable, error))
        return NULL;
    return g_steal_pointer(&path);
}

/* The pool a remote host keeps the fetched files in: the new disk's, the existing disk's, or
 * “default”. */
static virStoragePoolPtr
boot_files_pool(InstallData *d, GError **error)
{
    virStoragePoolPtr pool = NULL;

    if (d->spec->storage == HAKO_VM_STORAGE_NEW_VOLUME)
        pool = virStoragePoolLookupByName(d->conn, d->spec->pool);
    else if (d->spec->storage == HAKO_VM_STORAGE_EXISTING) {
        virStorageVolPtr vol = virStorageVolLookupByPath(d->conn, d->spec->disk_path);

        if (vol != NULL) {
            pool = virStoragePoolLookupByVolume(vol);
            virStorageVolFree(vol);
        }
    }
    if (pool == NULL)
        pool = virStoragePoolLookupByName(d->conn, "default");
    if (pool == NULL)
        *error = _hako_engine_error_from_libvirt(
            HAKO_ENGINE_ERROR_NOT_FOUND, "%s",
            _("the remote host has no storage pool to keep the kernel in: put the disk in a "
              "pool, or create the pool “default”"));
    return pool;
}

/* Downloads @url, then uploads it into a new raw volume of the remote host. */
static char *
download_to_volume(
    InstallData *d, const char *url, const char *what, GCancellable *cancellable, GError **error)
{
    g_autofree char *local_path = NULL;
    g_autofree char *part = file_name_part(d->spec->name);
    g_autofree char *buffer = NULL;
    g_autoptr(GFile) file = NULL;
    g_autoptr(GFileIOStream) io = NULL;
    g_autoptr(HakoVolumeSpec) vspec = hako_volume_spec_new();
    g_autofree char *xml = NULL;
    virStoragePoolPtr pool = NULL;
    virStorageVolPtr vol = NULL;
    virStreamPtr stream = NULL;
    GInputStream *in;
    goffset size;
    char *path = NULL;

    file = g_file_new_tmp("hako-boot-XXXXXX", &io, error);
    if (file == NULL)
        return NULL;
    local_path = g_file_get_path(file);
    if (!http_get(url, g_io_stream_get_output_stream(G_IO_STREAM(io)), 0, cancellable, error))
        goto out;
    size = g_seekable_tell(G_SEEKABLE(io));
    if (!g_seekable_seek(G_SEEKABLE(io), 0, G_SEEK_SET, cancellable, error))
        goto out;

    pool = boot_files_pool(d, error);
    if (pool == NULL)
        goto out;
    vspec->name = g_strdup_printf("hako-%s-%s-%08x", part, what, g_random_int());
    vspec->format = HAKO_VOLUME_FORMAT_RAW;
    vspec->capacity = size > 0 ? (guint64)size : 1;
    xml = hako_volume_spec_to_xml(vspec);
    vol = virStorageVolCreateXML(pool, xml, 0);
    if (vol == NULL) {
        *error = _hako_engine_error_from_libvirt(
            HAKO_ENGINE_ERROR_FAILED, _("could not create the volume “%s”"), vspec->name);
        goto out;
    }
    g_ptr_array_add(d->fetched_volumes, vol);
    stream = virStreamNew(d->conn, 0);
    if (stream == NULL || virStorageVolUpload(vol, stream, 0, (unsigned long long)size, 0) < 0)
        goto upload_failed;
    in = g_io_stream_get_input_stream(G_IO_STREAM(io));
    buffer = g_malloc(CHUNK_SIZE);
    for (;;) {
        gssize n = g_input_stream_read(in, buffer, CHUNK_SIZE, cancellable, error);
        gssize sent = 0;

        if (n < 0) {
            virStreamAbort(stream);
            virResetLastError();
            goto out;
        }
        if (n == 0)
            break;
        while (sent < n) {
            int r = virStreamSend(stream, buffer + sent, (size_t)(n - sent));

            if (r < 0) {
                *error = _hako_engine_error_from_libvirt(
                    HAKO_ENGINE_ERROR_FAILED, _("could not upload it into the volume “%s”"),
                    vspec->name);
                virStreamAbort(stream);
                virResetLastError();
                goto out;
            }
            sent += r;
        }
    }
    if (virStreamFinish(stream) < 0)
        goto upload_failed;
    path = take_libvirt_string(virStorageVolGetPath(vol));
    if (path == NULL)
        goto upload_failed;
    goto out;

upload_failed:
    *error = _hako_engine_error_from_libvirt(
        HAKO_ENGINE_ERROR_FAILED, _("could not upload it into the volume “%s”"), vspec->name);
out:
    if (stream != NULL)
        virStreamFree(stream);
    if (pool != NULL)
        virStoragePoolFree(pool);
    g_io_stream_close(G_IO_STREAM(io), NULL, NULL);
    g_unlink(local_path);
    return path;
}

static gboolean
fetch(InstallData *d, GCancellable *cancellable, GError **error)
{
    HakoVmSpec *spec = d->spec;
    g_autofree char *base = g_str_has_suffix(spec->install_url, "/")
                                ? g_strdup(spec->install_url)
                                : g_strconcat(spec->install_url, "/", NULL);
    g_autoptr(OsinfoLoader) loader = NULL;
    OsinfoOs *os = NULL;
    g_autofree char *kernel = NULL;
    g_autofree char *initrd = NULL;
    g_autofree char *kernel_url = NULL;
    g_autofree char *initrd_url = NULL;
    g_autoptr(GError) local = NULL;
    const char *url_argument = NULL;

    if (has_text(spec->os_id)) {
        loader = osinfo_loader_new();
        osinfo_loader_process_default_path(loader, &local);
        if (local != NULL) {
            g_debug("osinfo-db: %s", local->message);
            g_clear_error(&local);
        }
        os = osinfo_db_get_os(osinfo_loader_get_db(loader), spec->os_id);
    }
    if (!find_tree_images(d, base, os, &kernel, &initrd, cancellable, &local))
        goto failed;

    /* the installer is told where the rest of the tree is, as the operating system expects */
    url_argument = os != NULL ? osinfo_os_get_kernel_url_argument(os) : NULL;
    if (has_text(url_argument)) {
        g_autofree char *prefix = g_strconcat(url_argument, "=", NULL);

        if (spec->kernel_args == NULL || strstr(spec->kernel_args, prefix) == NULL) {
            char *args = g_strdup_printf("%s%s%s%s", prefix, spec->install_url,
                                         has_text(spec->kernel_args) ? " " : "",
                                         spec->kernel_args != NULL ? spec->kernel_args : "");

            g_free(spec->kernel_args);
            spec->kernel_args = args;
        }
    }

    kernel_url = g_uri_resolve_relative(base, kernel, G_URI_FLAGS_ENCODED, &local);
    if (kernel_url == NULL)
        goto failed;
    g_free(spec->kernel_path);
    spec->kernel_path = d->remote
                            ? download_to_volume(d, kernel_url, "kernel", cancellable, &local)
                            : download_to_boot_dir(d, kernel_url, "kernel", cancellable, &local);
    if (spec->kernel_path == NULL)
        goto failed;
    g_clear_pointer(&spec->initrd_path, g_free);
    if (initrd != NULL) {
        initrd_url = g_uri_resolve_relative(base, initrd, G_URI_FLAGS_ENCODED, &local);
        if (initrd_url == NULL)
            goto failed;
        spec->initrd_path =
            d->remote ? download_to_volume(d, initrd_url, "initrd", cancellable, &local)
                      : download_to_boot_dir(d, initrd_url, "initrd", cancellable, &local);
        if (spec->initrd_path == NULL)
            goto failed;
    }
    return TRUE;

failed:
    if (g_error_matches(local, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
        g_propagate_error(error, g_steal_pointer(&local));
        return FALSE;
    }
    g_set_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_FAILED,
                _("Downloading the installer’s kernel from “%s” failed: %s"), spec->install_url,
                local->message);
    return FALSE;
}

static gboolean
create_volume(InstallData *d, GError **error)
{
    HakoVmSpec *spec = d->spec;
    g_autoptr(HakoVolumeSpec) vspec = hako_volume_spec_new();
    g_autofree char *xml = NULL;
    virStoragePoolPtr pool;

    vspec->name = g_strdup(spec->volume_name);
    vspec->format = spec->disk_format;
    vspec->capacity = spec->disk_capacity;
    xml = hako_volume_spec_to_xml(vspec);
    pool = virStoragePoolLookupByName(d->conn, spec->pool);
    if (pool != NULL)
        d->volume = virStorageVolCreateXML(pool, xml, 0);
    /* only a volume made here is ever deleted: one of that name that existed stays */
    if (d->volume == NULL) {
        /* before virStoragePoolFree(), which clears libvirt's error */
        *error = _hako_engine_error_from_libvirt(
            HAKO_ENGINE_ERROR_FAILED, _("Creating the disk “%s” failed"), spec->volume_name);
        if (pool != NULL)
            virStoragePoolFree(pool);
        return FALSE;
    }
    virStoragePoolFree(pool);
    g_free(spec->disk_path);
    spec->disk_path = take_libvirt_string(virStorageVolGetPath(d->volume));
    if (spec->disk_path == NULL) {
        *error = _hako_engine_error_from_libvirt(
            HAKO_ENGINE_ERROR_FAILED, _("Creating the disk “%s” failed"), spec->volume_name);
        return FALSE;
    }
    return TRUE;
}

static gboolean
define(InstallData *d, const char *xml, GError **error)
{
    virDomainPtr domain = virDomainDefineXML(d->conn, xml);
    char uuid[VIR_UUID_STRING_BUFLEN];

    if (domain == NULL) {
        *error = _hako_engine_error_from_libvirt(
            HAKO_ENGINE_ERROR_FAILED, _("Defining the virtual machine “%s” failed"), d->spec->name);
        return FALSE;
    }
    if (d->domain == NULL) {
        d->domain = domain;
        if (virDomainGetUUIDString(domain, uuid) == 0)
            d->uuid = g_strdup(uuid);
        virResetLastError();
    } else {
        virDomainFree(domain);
    }
    return TRUE;
}

static gboolean
cancelled(GCancellable *cancellable, GError **error)
{
    return g_cancellable_set_error_if_cancelled(cancellable, error);
}

static gboolean
run_install(InstallData *d, GCancellable *cancellable, GError **error)
{
    HakoVmSpec *spec = d->spec;
    g_autofree char *install_xml = NULL;
    g_autofree char *final_xml = NULL;
    gboolean same;
    GError *local = NULL;

    announce(d, HAKO_INSTALL_STEP_PREPARE);
    if (cancelled(cancellable, error) || !prepare(d, error))
        return FALSE;

    if (spec->method == HAKO_INSTALL_URL) {
        announce(d, HAKO_INSTALL_STEP_FETCH);
        if (!fetch(d, cancellable, error) || cancelled(cancellable, error))
            return FALSE;
    }

    if (spec->storage == HAKO_VM_STORAGE_NEW_VOLUME) {
        announce(d, HAKO_INSTALL_STEP_VOLUME);
        if (!create_volume(d, error) || cancelled(cancellable, error))
            return FALSE;
    }

    announce(d, HAKO_INSTALL_STEP_DEFINE);
    install_xml = build_xml(spec, TRUE, NULL, &local);
    final_xml = install_xml != NULL ? build_xml(spec, FALSE, NULL, &local) : NULL;
    if (final_xml == NULL) {
        g_set_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_FAILED,
                    _("Defining the virtual machine “%s” failed: %s"), spec->name, local->message);
        g_error_free(local);
        return FALSE;
    }
    same = g_str_equal(install_xml, final_xml);
    /* a guest customized first keeps its final XML: it boots the disk, then the install
     * media (see build_xml) */
    if (!define(d, spec->customize || same ? final_xml : install_xml, error) ||
        cancelled(cancellable, error))
        return FALSE;
    if (spec->customize)
        return TRUE;

    announce(d, HAKO_INSTALL_STEP_START);
    if (virDomainCreate(d->domain) < 0) {
        *error = _hako_engine_error_from_failed_start(_("Starting the virtual machine “%s” failed"),
                                                      spec->name);
        return FALSE;
    }
    d->started = TRUE;
    if (!same) {
        g_autofree char *keep = build_xml(spec, FALSE, d->uuid, NULL);

        /* defining a running guest changes only what it boots with next time */
        if (keep == NULL || virDomainDefineXML(d->conn, keep) == NULL) {
            *error = _hako_engine_error_from_libvirt(
                HAKO_ENGINE_ERROR_FAILED,
                _("Saving the configuration of “%s” for after the install failed"), spec->name);
            return FALSE;
        }
    }
    return TRUE;
}

static void
remove_fetched(InstallData *d)
{
    for (guint i = 0; i < d->fetched_files->len; i++) {
        const char *path = d->fetched_files->pdata[i];

        if (g_unlink(path) < 0 && errno != ENOENT)
            g_warning("Could not delete “%s”: %s", path, g_strerror(errno));
    }
    g_ptr_array_set_size(d->fetched_files, 0);
    for (guint i = 0; i < d->fetched_volumes->len; i++) {
        virStorageVolPtr vol = d->fetched_volumes->pdata[i];

        if (virStorageVolDelete(vol, 0) < 0)
            g_warning("Could not delete the volume “%s”: %s", virStorageVolGetName(vol),
                      _hako_libvirt_last_message());
        virResetLastError();
    }
    g_ptr_array_set_size(d->fetched_volumes, 0);
}

/* Removes what the job made, newest first. */
static void
roll_back(InstallData *d)
{
    if (d->domain != NULL) {
        if (virDomainIsActive(d->domain) == 1 && virDomainDestroy(d->domain) < 0)
            g_warning("Could not stop “%s” again: %s", d->spec->name, _hako_libvirt_last_message());
        virResetLastError();
        if (virDomainUndefineFlags(d->domain, VIR_DOMAIN_UNDEFINE_NVRAM |
                                                  VIR_DOMAIN_UNDEFINE_MANAGED_SAVE |
                                                  VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA |
                                                  VIR_DOMAIN_UNDEFINE_CHECKPOINTS_METADATA) < 0) {
            /* drivers that know no flags (Xen's know some) */
            virResetLastError();
            if (virDomainUndefine(d->domain) < 0)
                g_warning("Could not undefine “%s” again: %s", d->spec->name,
                          _hako_libvirt_last_message());
        }
        virResetLastError();
        g_clear_pointer(&d->domain, virDomainFree);
        g_clear_pointer(&d->uuid, g_free);
    }
    if (d->volume != NULL) {
        if (virStorageVolDelete(d->volume, 0) < 0)
            g_warning("Could not delete the volume “%s” again: %s", d->spec->volume_name,
                      _hako_libvirt_last_message());
        virResetLastError();
        g_clear_pointer(&d->volume, virStorageVolFree);
    }
    remove_fetched(d);
}

static void
install_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    InstallData *d = data;
    GError *error = NULL;

    if (!run_install(d, cancellable, &error)) {
        roll_back(d);
        virConnectClose(g_steal_pointer(&d->conn));
        g_task_return_error(task, error);
        return;
    }
    /* QEMU (or Xen) read the kernel when the guest started */
    if (d->started)
        remove_fetched(d);
    announce(d, HAKO_INSTALL_STEP_DONE);
    /* the last reference may be the worker's: close it here, never on the main thread */
    virConnectClose(g_steal_pointer(&d->conn));
    g_task_return_pointer(task, g_steal_pointer(&d->uuid), g_free);
}

/**
 * hako_installer_install_async:
 * @host: a connected, writable host
 * @spec: the guest (hako_vm_spec_validate() is checked first, without limits)
 *
 * Creates the guest on @host, step by step ("step-changed"): downloads the kernel and initrd
 * of a URL install, creates a new volume, defines the guest, starts it with the first boot's
 * XML (not when @spec customizes: then the final XML is defined and the guest stays off), and
 * defines the final XML for its later boots. When a step fails, or @cancellable is cancelled
 * before the guest starts, everything made is removed again and the error names the step
 * (“Creating the disk “x.qcow2” failed: …”). Once the guest runs, the job succeeds whatever
 * the cancellable says.
 *
 * A URL install on a local host downloads into the boot directory
 * (hako_installer_set_boot_dir()); on a remote one it uploads into raw volumes of the new
 * disk's pool (else the existing disk's, else “default”). Only HTTP and HTTPS trees are
 * downloaded. The downloads are deleted once the guest has started.
 */
void
hako_installer_install_async(HakoInstaller *self,
                             HakoHost *host,
                             const HakoVmSpec *spec,
                             GCancellable *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer user_data)
{
    g_autoptr(GTask) task = NULL;
    GError *error = NULL;
    virConnectPtr conn;
    InstallData *d;

    g_return_if_fail(HAKO_IS_INSTALLER(self));
    g_return_if_fail(HAKO_IS_HOST(host));
    g_return_if_fail(spec != NULL);

    task = g_task_new(self, cancellable, callback, user_data);
    g_task_set_source_tag(task, hako_installer_install_async);
    /* the worker decides: a guest that runs is a success even if cancelled meanwhile */
    g_task_set_check_cancellable(task, FALSE);
    if (!hako_vm_spec_validate(spec, NULL, &error)) {
        g_task_return_error(task, error);
        return;
    }
    conn = _hako_connection_manager_dup_host_conn_to_change(self->manager, host, &error);
    if (conn == NULL) {
        g_task_return_error(task, error);
        return;
    }
    d = g_new0(InstallData, 1);
    d->self = g_object_ref(self);
    d->context = g_main_context_ref_thread_default();
    d->conn = conn;
    d->spec = hako_vm_spec_copy(spec);
    d->boot_dir = g_strdup(self->boot_dir);
    d->fetched_files = g_ptr_array_new_with_free_func(g_free);
    d->fetched_volumes = g_ptr_array_new_with_free_func(free_volume);
    g_task_set_task_data(task, d, install_data_free);
    _hako_task_run_in_own_thread(task, install_thread);
}

/**
 * hako_installer_install_finish:
 *
 * Returns: (transfer full): the new guest's UUID, or %NULL with the error of the step that
 *   failed (%G_IO_ERROR_CANCELLED when cancelled)
 */
char *
hako_installer_install_finish(HakoInstaller *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), NULL);
    return g_task_propagate_pointer(G_TASK(result), error);
}
