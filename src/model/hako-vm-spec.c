/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoVmSpec: a guest to create, as the New Virtual Machine wizard asks for it, and the checks
 * that say what is wrong with it (and how to fix it) before libvirt is asked. */
#include "config.h"

#include "hako-vm-spec.h"

#include "hako-model-types.h"

#include <glib/gi18n.h>
#include <string.h>

G_DEFINE_BOXED_TYPE(HakoVmSpec, hako_vm_spec, hako_vm_spec_copy, hako_vm_spec_free)

/* libvirt has no limit of its own, but the name is also a file name (NAME.xml, NAME.log,
 * NAME_VARS.fd) and shows in lists. */
#define MAX_NAME 100
/* Less is not enough for any firmware to start an operating system. */
#define MIN_MEMORY_MIB 16
/* 16 TiB: more than any host holds; a larger number is a typing mistake. */
#define MAX_MEMORY_MIB (G_GUINT64_CONSTANT(16) << 20)
/* A host interface's name: IFNAMSIZ (16) with the terminating NUL. */
#define MAX_IFNAME 15

#define MiB (G_GUINT64_CONSTANT(1) << 20)

/**
 * hako_vm_spec_new:
 *
 * The wizard's starting values: a KVM x86_64 HVM guest with BIOS firmware, installed from
 * media, with 2 GiB of memory, 2 vCPUs, a new 20 GiB qcow2 disk, the virtual network
 * “default” and SPICE graphics. Everything else is empty (%NULL, 0), which means the
 * hypervisor's default or “not chosen yet”.
 *
 * Returns: (transfer full): a new spec
 */
HakoVmSpec *
hako_vm_spec_new(void)
{
    HakoVmSpec *spec = g_new0(HakoVmSpec, 1);

    spec->arch = g_strdup("x86_64");
    spec->virt_type = HAKO_VIRT_KVM;
    spec->guest_type = HAKO_GUEST_HVM;
    spec->method = HAKO_INSTALL_MEDIA;
    spec->memory_mib = 2048;
    spec->vcpus = 2;
    spec->storage = HAKO_VM_STORAGE_NEW_VOLUME;
    spec->disk_capacity = G_GUINT64_CONSTANT(20) << 30;
    spec->disk_format = HAKO_VOLUME_FORMAT_QCOW2;
    spec->network = HAKO_VM_NETWORK_VIRTUAL;
    spec->network_source = g_strdup("default");
    spec->firmware = HAKO_FIRMWARE_BIOS;
    spec->graphics = g_strdup("spice");
    return spec;
}

/**
 * hako_vm_spec_copy:
 *
 * Returns: (transfer full): a deep copy of @spec
 */
HakoVmSpec *
hako_vm_spec_copy(const HakoVmSpec *spec)
{
    HakoVmSpec *copy;

    g_return_val_if_fail(spec != NULL, NULL);

    copy = g_memdup2(spec, sizeof *spec);
    copy->name = g_strdup(spec->name);
    copy->arch = g_strdup(spec->arch);
    copy->machine = g_strdup(spec->machine);
    copy->emulator = g_strdup(spec->emulator);
    copy->media_path = g_strdup(spec->media_path);
    copy->install_url = g_strdup(spec->install_url);
    copy->kernel_path = g_strdup(spec->kernel_path);
    copy->initrd_path = g_strdup(spec->initrd_path);
    copy->kernel_args = g_strdup(spec->kernel_args);
    copy->os_id = g_strdup(spec->os_id);
    copy->os_name = g_strdup(spec->os_name);
    copy->pool = g_strdup(spec->pool);
    copy->volume_name = g_strdup(spec->volume_name);
    copy->disk_path = g_strdup(spec->disk_path);
    copy->network_source = g_strdup(spec->network_source);
    copy->mac = g_strdup(spec->mac);
    copy->disk_bus = g_strdup(spec->disk_bus);
    copy->nic_model = g_strdup(spec->nic_model);
    copy->video_model = g_strdup(spec->video_model);
    copy->graphics = g_strdup(spec->graphics);
    return copy;
}

void
hako_vm_spec_free(HakoVmSpec *spec)
{
    if (spec == NULL)
        return;
    g_free(spec->name);
    g_free(spec->arch);
    g_free(spec->machine);
    g_free(spec->emulator);
    g_free(spec->media_path);
    g_free(spec->install_url);
    g_free(spec->kernel_path);
    g_free(spec->initrd_path);
    g_free(spec->kernel_args);
    g_free(spec->os_id);
    g_free(spec->os_name);
    g_free(spec->pool);
    g_free(spec->volume_name);
    g_free(spec->disk_path);
    g_free(spec->network_source);
    g_free(spec->mac);
    g_free(spec->disk_bus);
    g_free(spec->nic_model);
    g_free(spec->video_model);
    g_free(spec->graphics);
    g_free(spec);
}

/**
 * hako_install_method_to_string:
 *
 * Returns: a short English token for @method ("media", "url", "pxe", "import", "manual",
 *   "kernel"), for logs and file names; not for display.
 */
const char *
hako_install_method_to_string(HakoInstallMethod method)
{
    switch (method) {
    case HAKO_INSTALL_MEDIA:
        return "media";
    case HAKO_INSTALL_URL:
        return "url";
    case HAKO_INSTALL_PXE:
        return "pxe";
    case HAKO_INSTALL_IMPORT:
        return "import";
    case HAKO_INSTALL_MANUAL:
        return "manual";
    case HAKO_INSTALL_KERNEL:
        return "kernel";
    default:
        return "unknown";
    }
}

/**
 * hako_virt_type_to_string:
 *
 * Returns: libvirt's name of @type, as in <domain type='…'>: "kvm", "qemu" or "xen".
 */
const char *
hako_virt_type_to_string(HakoVirtType type)
{
    switch (type) {
    case HAKO_VIRT_KVM:
        return "kvm";
    case HAKO_VIRT_QEMU:
        return "qemu";
    case HAKO_VIRT_XEN:
        return "xen";
    default:
        return "unknown";
    }
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

static gboolean
in_list(const char *const *list, const char *s)
{
    for (guint i = 0; list != NULL && list[i] != NULL; i++) {
        if (g_str_equal(list[i], s))
            return TRUE;
    }
    return FALSE;
}

static char *
format_mib(guint64 mib)
{
    return g_format_size_full(mib * MiB, G_FORMAT_SIZE_IEC_UNITS);
}

/* ---------------------------------------------------------------------- */
/* The name */

/**
 * hako_vm_spec_validate_name:
 * @name: (nullable): the guest's name as typed
 * @limits: (nullable): the host's guests (existing_names); %NULL to check the name alone
 *
 * Checks a guest name: not empty, at most 100 bytes, valid UTF-8, no “/”, whitespace or control
 * characters (libvirt refuses some, and the name becomes a file name), not starting with “.”
 * or “-”, and no guest of the host named exactly so (libvirt compares names case-sensitively).
 *
 * Returns: %TRUE when @name can be used; otherwise %FALSE with a
 *   %HAKO_MODEL_ERROR_INVALID_SPEC error that says what is wrong and how to fix it.
 */
gboolean
hako_vm_spec_validate_name(const char *name, const HakoVmSpecLimits *limits, GError **error)
{
    g_autofree char *shown = NULL;

    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    if (!has_text(name))
        return invalid(error, "%s", _("Enter a name for the virtual machine."));
    shown = g_utf8_make_valid(name, -1);
    if (!g_utf8_validate(name, -1, NULL))
        return invalid(error,
                       _("The name “%s” is not valid text: type it again using only letters, "
                         "digits and punctuation."),
                       shown);
    if (strlen(name) > MAX_NAME)
        return invalid(error,
                       _("The name “%s” is too long: use at most %d characters (fewer for "
                         "letters outside ASCII)."),
                       shown, MAX_NAME);
    for (const char *p = name; *p != '\0'; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);

        if (c == '/' || g_unichar_isspace(c) || g_unichar_iscntrl(c) ||
            g_unichar_type(c) == G_UNICODE_FORMAT)
            return invalid(error,
                           _("The name “%s” is not valid: do not use “/”, spaces or control "
                             "characters in it. Use “-” or “_” to separate words."),
                           shown);
    }
    if (name[0] == '.' || name[0] == '-')
        return invalid(error, _("The name “%s” is not valid: do not start it with “.” or “-”."),
                       shown);
    if (limits != NULL && in_list(limits->existing_names, name))
        return invalid(error,
                       _("This host already has a virtual machine named “%s”. Choose another "
                         "name."),
                       shown);
    return TRUE;
}

/* ---------------------------------------------------------------------- */
/* The install page */

static gboolean
validate_absolute(const char *path, const char *what_empty, const char *what_relative, GError **e)
{
    if (!has_text(path))
        return invalid(e, "%s", what_empty);
    if (!g_path_is_absolute(path)) {
        g_autofree char *shown = g_utf8_make_valid(path, -1);

        return invalid(e, what_relative, shown);
    }
    return TRUE;
}

/* Spaces or control characters (ASCII). */
static gboolean
has_blank(const char *s)
{
    for (const char *p = s; *p != '\0'; p++) {
        if ((guchar)*p <= ' ' || *p == 0x7f)
            return TRUE;
    }
    return FALSE;
}

/* No spaces, “/” or control characters: a network, bridge or interface name. */
static gboolean
is_simple_source(const char *s)
{
    for (const char *p = s; *p != '\0'; p++) {
        if ((guchar)*p <= ' ' || *p == '/' || *p == 0x7f)
            return FALSE;
    }
    return TRUE;
}

static gboolean
validate_url(const char *url, GError **error)
{
    static const char *const schemes[] = {"http", "https", "ftp", "nfs", NULL};
    g_autoptr(GUri) uri = NULL;
    g_autofree char *shown = NULL;
    g_autofree char *scheme = NULL;

    if (!has_text(url))
        return invalid(error, "%s",
                       _("Enter the URL of the install tree, such as "
                         "https://deb.debian.org/debian/dists/bookworm/main/installer-amd64/."));
    shown = g_utf8_make_valid(url, -1);
    uri = g_uri_parse(url, G_URI_FLAGS_NONE, NULL);
    /* GUri lets spaces through in a host name */
    if (uri == NULL || !has_text(g_uri_get_host(uri)) || has_blank(url))
        return invalid(error,
                       _("“%s” is not a URL: write it in full, with the protocol and the server, "
                         "as in https://example.com/debian/."),
                       shown);
    scheme = g_ascii_strdown(g_uri_get_scheme(uri), -1);
    if (!in_list(schemes, scheme))
        return invalid(error,
                       _("The install tree “%s” uses the protocol “%s”: use an http, https, ftp "
                         "or nfs URL."),
                       shown, scheme);
    return TRUE;
}

static gboolean
validate_existing_disk(const HakoVmSpec *spec, GError **error)
{
    return validate_absolute(spec->disk_path, _("Choose the disk image the virtual machine uses."),
                             _("The disk image “%s” is not an absolute path: give its full path, "
                               "such as /var/lib/libvirt/images/guest.qcow2."),
                             error);
}

static gboolean
validate_install(const HakoVmSpec *spec, const HakoVmSpecLimits *limits, GError **error)
{
    if (spec->guest_type == HAKO_GUEST_XEN_PV && spec->virt_type != HAKO_VIRT_XEN)
        return invalid(error, "%s",
                       _("Paravirtualized guests run only on Xen: choose the Xen hypervisor, or "
                         "a fully virtualized guest."));
    if (spec->guest_type == HAKO_GUEST_XEN_PV && spec->method != HAKO_INSTALL_URL &&
        spec->method != HAKO_INSTALL_KERNEL)
        return invalid(error, "%s",
                       _("A Xen paravirtualized guest can only start a kernel directly: install "
                         "it from a network install tree (URL) or from a kernel and initrd, or "
                         "choose a fully virtualized guest."));

    switch (spec->method) {
    case HAKO_INSTALL_MEDIA:
        return validate_absolute(spec->media_path,
                                 _("Choose the ISO image or CD-ROM device to install from."),
                                 _("The install media “%s” is not an absolute path: give its full "
                                   "path, such as /var/lib/libvirt/images/debian-12.iso."),
                                 error);
    case HAKO_INSTALL_URL:
        return validate_url(spec->install_url, error);
    case HAKO_INSTALL_KERNEL:
        if (!validate_absolute(spec->kernel_path, _("Choose the kernel to boot."),
                               _("The kernel “%s” is not an absolute path: give its full path, "
                                 "such as /var/lib/libvirt/boot/vmlinuz."),
                               error))
            return FALSE;
        if (has_text(spec->initrd_path) && !g_path_is_absolute(spec->initrd_path)) {
            g_autofree char *shown = g_utf8_make_valid(spec->initrd_path, -1);

            return invalid(error,
                           _("The initrd “%s” is not an absolute path: give its full path, such "
                             "as /var/lib/libvirt/boot/initrd.img, or leave it empty."),
                           shown);
        }
        return TRUE;
    case HAKO_INSTALL_IMPORT:
        if (spec->storage != HAKO_VM_STORAGE_EXISTING)
            return invalid(error, "%s",
                           _("Importing boots an existing disk image: choose the image to use as "
                             "the disk."));
        return validate_existing_disk(spec, error);
    case HAKO_INSTALL_PXE:
    case HAKO_INSTALL_MANUAL:
        return TRUE;
    default:
        return invalid(error, "%s", _("Choose how to install the operating system."));
    }
}

/* ---------------------------------------------------------------------- */
/* Memory and vCPUs */

static gboolean
validate_resources(const HakoVmSpec *spec, const HakoVmSpecLimits *limits, GError **error)
{
    if (spec->memory_mib == 0)
        return invalid(error, _("Give the virtual machine some memory: at least %d MiB."),
                       MIN_MEMORY_MIB);
    if (spec->memory_mib < MIN_MEMORY_MIB) {
        g_autofree char *shown = format_mib(spec->memory_mib);

        return invalid(error,
                       _("%s of memory is too little for any operating system: give the virtual "
                         "machine at least %d MiB."),
                       shown, MIN_MEMORY_MIB);
    }
    if (spec->memory_mib > MAX_MEMORY_MIB) {
        g_autofree char *shown = format_mib(spec->memory_mib);

        return invalid(error,
                       _("%s of memory is more than any host has: give the virtual machine at "
                         "most 16 TiB, and no more than the host can spare."),
                       shown);
    }
    if (spec->vcpus == 0)
        return invalid(error, "%s", _("Give the virtual machine at least one virtual CPU."));
    if (limits != NULL && limits->max_vcpus > 0 && spec->vcpus > limits->max_vcpus)
        return invalid(error,
                       g_dngettext(GETTEXT_PACKAGE,
                                   "The hypervisor allows at most %u virtual CPU for this "
                                   "virtual machine: lower the number of virtual CPUs.",
                                   "The hypervisor allows at most %u virtual CPUs for this "
                                   "virtual machine: lower the number of virtual CPUs.",
                                   limits->max_vcpus),
                       limits->max_vcpus);
    return TRUE;
}

/* ---------------------------------------------------------------------- */
/* Storage */

static gboolean
validate_storage(const HakoVmSpec *spec, const HakoVmSpecLimits *limits, GError **error)
{
    switch (spec->storage) {
    case HAKO_VM_STORAGE_NONE:
        if (spec->method == HAKO_INSTALL_IMPORT)
            return invalid(error, "%s",
                           _("Importing boots an existing disk image: choose the image to use as "
                             "the disk."));
        return TRUE;
    case HAKO_VM_STORAGE_EXISTING:
        return validate_existing_disk(spec, error);
    case HAKO_VM_STORAGE_NEW_VOLUME:
        break;
    default:
        return invalid(error, "%s", _("Choose the virtual machine’s storage."));
    }

    if (spec->method == HAKO_INSTALL_IMPORT)
        return invalid(error, "%s",
                       _("Importing boots an existing disk image: choose the image to use as the "
                         "disk."));
    if (!has_text(spec->pool))
        return invalid(error, "%s", _("Choose the storage pool that holds the new disk."));

    {
        HakoVolumeSpec volume = {
            .name = spec->volume_name,
            .format = spec->disk_format,
            .capacity = spec->disk_capacity,
        };

        if (!hako_volume_spec_validate(&volume, error))
            return FALSE;
    }
    if (limits != NULL && in_list(limits->existing_volumes, spec->volume_name))
        return invalid(error,
                       _("The pool “%s” already has a volume named “%s”: choose another name for "
                         "the new disk, or use that volume as an existing disk."),
                       spec->pool, spec->volume_name);
    if (limits != NULL && limits->pool_available > 0 &&
        spec->disk_format == HAKO_VOLUME_FORMAT_RAW &&
        spec->disk_capacity > limits->pool_available) {
        g_autofree char *capacity =
            g_format_size_full(spec->disk_capacity, G_FORMAT_SIZE_IEC_UNITS);
        g_autofree char *available =
            g_format_size_full(limits->pool_available, G_FORMAT_SIZE_IEC_UNITS);

        return invalid(error,
                       _("A raw disk of %s does not fit in the pool “%s”, which has %s free: "
                         "make the disk smaller, choose another pool, or choose the qcow2 format, "
                         "which grows as the guest writes."),
                       capacity, spec->pool, available);
    }
    return TRUE;
}

/* ---------------------------------------------------------------------- */
/* The last page: name, network, firmware */

/* "52:54:00:12:34:56" (or with "-"), hex digits in either case. */
static gboolean
parse_mac(const char *text, guint8 mac[6])
{
    if (strlen(text) != 17)
        return FALSE;
    for (guint i = 0; i < 6; i++) {
        const char *p = text + i * 3;

        if (!g_ascii_isxdigit(p[0]) || !g_ascii_isxdigit(p[1]))
            return FALSE;
        if (i < 5 && p[2] != ':' && p[2] != '-')
            return FALSE;
        mac[i] = (guint8)(g_ascii_xdigit_value(p[0]) << 4 | g_ascii_xdigit_value(p[1]));
    }
    return TRUE;
}

static gboolean
validate_network(const HakoVmSpec *spec, GError **error)
{
    const char *source = spec->network_source;
    g_autofree char *shown = has_text(source) ? g_utf8_make_valid(source, -1) : NULL;

    switch (spec->network) {
    case HAKO_VM_NETWORK_NONE:
        if (spec->method == HAKO_INSTALL_PXE)
            return invalid(error, "%s",
                           _("A network boot (PXE) install needs a network connection: choose a "
                             "virtual network or a bridge, or another install method."));
        return TRUE;
    case HAKO_VM_NETWORK_USER:
        break;
    case HAKO_VM_NETWORK_VIRTUAL:
        if (!has_text(source))
            return invalid(error, "%s",
                           _("Choose the virtual network to connect the virtual machine to."));
        if (!is_simple_source(source))
            return invalid(error,
                           _("“%s” is not a virtual network’s name: choose one of the host’s "
                             "virtual networks."),
                           shown);
        break;
    case HAKO_VM_NETWORK_BRIDGE:
        if (!has_text(source))
            return invalid(error, "%s",
                           _("Enter the name of the host’s bridge to connect the virtual machine "
                             "to, such as br0."));
        if (!is_simple_source(source) || strlen(source) > MAX_IFNAME)
            return invalid(error,
                           _("“%s” is not a valid bridge name: use the name of one of the host’s "
                             "bridges, such as br0, at most %d characters without spaces."),
                           shown, MAX_IFNAME);
        break;
    case HAKO_VM_NETWORK_MACVTAP:
        if (!has_text(source))
            return invalid(error, "%s",
                           _("Enter the name of the host’s network interface to share with the "
                             "virtual machine, such as eth0."));
        if (!is_simple_source(source) || strlen(source) > MAX_IFNAME)
            return invalid(error,
                           _("“%s” is not a valid interface name: use the name of one of the "
                             "host’s network interfaces, such as eth0, at most %d characters "
                             "without spaces."),
                           shown, MAX_IFNAME);
        break;
    default:
        return invalid(error, "%s", _("Choose how the virtual machine connects to the network."));
    }

    if (has_text(spec->mac)) {
        g_autofree char *mac_shown = g_utf8_make_valid(spec->mac, -1);
        guint8 mac[6];

        if (!parse_mac(spec->mac, mac))
            return invalid(error,
                           _("“%s” is not a MAC address: write six pairs of hexadecimal digits "
                             "separated by colons, as in 52:54:00:12:34:56, or leave it empty so "
                             "that one is chosen."),
                           mac_shown);
        if (mac[0] & 1)
            return invalid(error,
                           _("“%s” is a multicast address, which a network card cannot have: make "
                             "its first pair even, as in 52:54:00:12:34:56."),
                           mac_shown);
        if (mac[0] == 0 && mac[1] == 0 && mac[2] == 0 && mac[3] == 0 && mac[4] == 0 && mac[5] == 0)
            return invalid(error,
                           _("“%s” is not a usable MAC address: use another, as in "
                             "52:54:00:12:34:56, or leave it empty so that one is chosen."),
                           mac_shown);
    }
    return TRUE;
}

static gboolean
validate_firmware(const HakoVmSpec *spec, const HakoVmSpecLimits *limits, GError **error)
{
    if (spec->firmware != HAKO_FIRMWARE_UEFI)
        return TRUE;
    if (spec->guest_type == HAKO_GUEST_XEN_PV)
        return invalid(error, "%s",
                       _("A Xen paravirtualized guest has no firmware: choose BIOS, or a fully "
                         "virtualized guest for UEFI."));
    if (limits != NULL && !limits->uefi_available)
        return invalid(error, "%s",
                       _("This host has no UEFI firmware for this virtual machine: choose BIOS, "
                         "or install UEFI firmware (OVMF) on the host."));
    return TRUE;
}

/* The first start must use the install settings, which only the installer's own start does. */
static gboolean
validate_customize(const HakoVmSpec *spec, GError **error)
{
    if (!spec->customize)
        return TRUE;
    if (spec->method == HAKO_INSTALL_URL)
        return invalid(error, "%s",
                       _("A virtual machine installed from a network install tree cannot be "
                         "customized before the install, because the fetched kernel boots only "
                         "once: turn off customizing, and change the virtual machine after the "
                         "install."));
    if (spec->method == HAKO_INSTALL_KERNEL && spec->guest_type != HAKO_GUEST_XEN_PV)
        return invalid(error, "%s",
                       _("A virtual machine installed from a kernel cannot be customized before "
                         "the install, because the kernel boots only once: turn off customizing, "
                         "and change the virtual machine after the install."));
    return TRUE;
}

static gboolean
validate_finish(const HakoVmSpec *spec, const HakoVmSpecLimits *limits, GError **error)
{
    return hako_vm_spec_validate_name(spec->name, limits, error) && validate_network(spec, error) &&
           validate_firmware(spec, limits, error) && validate_customize(spec, error);
}

/**
 * hako_vm_spec_validate_step:
 * @limits: (nullable): the host's size and what exists there; %NULL (or a zero, %NULL or
 *   %FALSE member) leaves out the checks that need it. One exception: uefi_available %FALSE
 *   in non-%NULL @limits refuses UEFI firmware.
 * @step: the wizard page whose fields to check
 *
 * Checks the fields of one page of the wizard (see #HakoVmSpecStep), so that the page can
 * say what is wrong before the user moves on:
 *
 * - %HAKO_VM_SPEC_STEP_INSTALL: the virt and guest type go together (Xen PV only on Xen, and
 *   only from a URL or a kernel), and the chosen method has what it needs: an absolute
 *   media_path (MEDIA), an http, https, ftp or nfs install_url (URL), an absolute
 *   kernel_path and, if given, initrd_path (KERNEL), an existing disk (IMPORT).
 * - %HAKO_VM_SPEC_STEP_RESOURCES: memory from 16 MiB to 16 TiB (more than the host has is
 *   only a warning, see hako_vm_spec_get_overcommit_warning()), at least one vCPU and at most
 *   max_vcpus.
 * - %HAKO_VM_SPEC_STEP_STORAGE: a new volume has a pool, a valid name not used in the pool, a
 *   capacity, and if raw fits in pool_available (qcow2 only warns); an existing disk is an
 *   absolute path.
 * - %HAKO_VM_SPEC_STEP_FINISH: the name (hako_vm_spec_validate_name()), the network source and
 *   MAC address, PXE's need of a network, UEFI firmware, and customizing (not possible when
 *   the install boots a kernel once: URL, and KERNEL but for Xen PV).
 *
 * Returns: %TRUE when the page's fields are fine; otherwise %FALSE with a
 *   %HAKO_MODEL_ERROR_INVALID_SPEC error that says what is wrong and how to fix it.
 */
gboolean
hako_vm_spec_validate_step(const HakoVmSpec *spec,
                           const HakoVmSpecLimits *limits,
                           HakoVmSpecStep step,
                           GError **error)
{
    g_return_val_if_fail(spec != NULL, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    switch (step) {
    case HAKO_VM_SPEC_STEP_INSTALL:
        return validate_install(spec, limits, error);
    case HAKO_VM_SPEC_STEP_RESOURCES:
        return validate_resources(spec, limits, error);
    case HAKO_VM_SPEC_STEP_STORAGE:
        return validate_storage(spec, limits, error);
    case HAKO_VM_SPEC_STEP_FINISH:
        return validate_finish(spec, limits, error);
    default:
        g_return_val_if_reached(FALSE);
    }
}

/**
 * hako_vm_spec_validate:
 * @limits: (nullable): as for hako_vm_spec_validate_step()
 *
 * Checks every page's fields, in the wizard's order, and reports the first problem.
 *
 * Returns: %TRUE when @spec can be installed; otherwise %FALSE with a
 *   %HAKO_MODEL_ERROR_INVALID_SPEC error.
 */
gboolean
hako_vm_spec_validate(const HakoVmSpec *spec, const HakoVmSpecLimits *limits, GError **error)
{
    g_return_val_if_fail(spec != NULL, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    return hako_vm_spec_validate_step(spec, limits, HAKO_VM_SPEC_STEP_INSTALL, error) &&
           hako_vm_spec_validate_step(spec, limits, HAKO_VM_SPEC_STEP_RESOURCES, error) &&
           hako_vm_spec_validate_step(spec, limits, HAKO_VM_SPEC_STEP_STORAGE, error) &&
           hako_vm_spec_validate_step(spec, limits, HAKO_VM_SPEC_STEP_FINISH, error);
}

/**
 * hako_vm_spec_get_overcommit_warning:
 * @limits: (nullable): the host's size and the pool's free space
 *
 * What @spec asks that the host may not be able to give, which is allowed (hosts share memory
 * and CPUs, and a qcow2 disk only grows as the guest writes) but worth a warning: more memory
 * than the host has, more vCPUs than the host's CPUs, and a new qcow2 disk that could outgrow
 * its pool's free space. Unknown limits (zero) are not compared.
 *
 * Returns: (transfer full) (nullable): one sentence per problem, separated by newlines; %NULL
 *   when there is nothing to warn about.
 */
char *
hako_vm_spec_get_overcommit_warning(const HakoVmSpec *spec, const HakoVmSpecLimits *limits)
{
    GString *warning;

    g_return_val_if_fail(spec != NULL, NULL);

    if (limits == NULL)
        return NULL;
    warning = g_string_new(NULL);
    if (limits->host_memory_mib > 0 && spec->memory_mib > limits->host_memory_mib) {
        g_autofree char *memory = format_mib(spec->memory_mib);
        g_autofree char *host = format_mib(limits->host_memory_mib);

        g_string_append_printf(warning,
                               _("The virtual machine gets %s of memory, more than the host’s %s: "
                                 "when it uses it all, the host swaps and everything slows "
                                 "down."),
                               memory, host);
    }
    if (limits->host_cpus > 0 && spec->vcpus > limits->host_cpus) {
        if (warning->len > 0)
            g_string_append_c(warning, '\n');
        g_string_append_printf(warning,
                               g_dngettext(GETTEXT_PACKAGE,
                                           "The virtual machine has %u virtual CPUs, more than "
                                           "the host’s %u CPU: it will run slower than with "
                                           "fewer.",
                                           "The virtual machine has %u virtual CPUs, more than "
                                           "the host’s %u CPUs: it will run slower than with "
                                           "fewer.",
                                           limits->host_cpus),
                               spec->vcpus, limits->host_cpus);
    }
    if (spec->storage == HAKO_VM_STORAGE_NEW_VOLUME &&
        spec->disk_format == HAKO_VOLUME_FORMAT_QCOW2 && limits->pool_available > 0 &&
        spec->disk_capacity > limits->pool_available) {
        g_autofree char *capacity =
            g_format_size_full(spec->disk_capacity, G_FORMAT_SIZE_IEC_UNITS);
        g_autofree char *available =
            g_format_size_full(limits->pool_available, G_FORMAT_SIZE_IEC_UNITS);

        if (warning->len > 0)
            g_string_append_c(warning, '\n');
        g_string_append_printf(warning,
                               _("The disk can grow to %s, but the pool “%s” has only %s free: "
                                 "the virtual machine pauses with an error when the pool is "
                                 "full."),
                               capacity, spec->pool != NULL ? spec->pool : "", available);
    }
    if (warning->len == 0) {
        g_string_free(warning, TRUE);
        return NULL;
    }
    return g_string_free(warning, FALSE);
}

/**
 * hako_vm_spec_suggest_name:
 * @os_short_id: (nullable): libosinfo's short id of the operating system ("debian12"), or
 *   %NULL for a generic guest
 * @existing_names: (nullable): the host's guests
 *
 * A name for a new guest: the short id if no guest has it, else the short id followed by
 * “-2”, “-3”…; “vm” stands for an empty short id. Characters a name may not have (see
 * hako_vm_spec_validate_name()) become “-”.
 *
 * Returns: (transfer full): a name no guest of @existing_names has
 */
char *
hako_vm_spec_suggest_name(const char *os_short_id, const char *const *existing_names)
{
    g_autofree char *base = NULL;

    if (!has_text(os_short_id) || !g_utf8_validate(os_short_id, -1, NULL))
        base = g_strdup("vm");
    else {
        base = g_strdup(os_short_id);
        for (char *p = base; *p != '\0'; p++) {
            if ((guchar)*p <= ' ' || *p == '/' || *p == 0x7f)
                *p = '-';
        }
        if (base[0] == '.' || base[0] == '-') {
            char *prefixed = g_strconcat("vm", base, NULL);

            g_free(base);
            base = prefixed;
        }
        /* room for "-NNN"; cut at a character's start */
        if (strlen(base) > MAX_NAME - 8) {
            char *end = base + MAX_NAME - 8;

            while (((guchar)*end & 0xc0) == 0x80)
                end--;
            *end = '\0';
        }
    }
    if (!in_list(existing_names, base))
        return g_steal_pointer(&base);
    for (guint n = 2;; n++) {
        char *name = g_strdup_printf("%s-%u", base, n);

        if (!in_list(existing_names, name))
            return name;
        g_free(name);
    }
}
