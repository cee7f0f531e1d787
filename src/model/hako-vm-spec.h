/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoVmSpec: a guest to create, as the New Virtual Machine wizard asks for it, and its checks. */
#pragma once

#include "hako-volume-spec.h"

#include <glib-object.h>

G_BEGIN_DECLS

/* How the guest's operating system gets installed. */
typedef enum {
    HAKO_INSTALL_MEDIA,  /* an ISO image or CD-ROM device on the host: media_path */
    HAKO_INSTALL_URL,    /* a network install tree: install_url (kernel and initrd fetched) */
    HAKO_INSTALL_PXE,    /* network boot */
    HAKO_INSTALL_IMPORT, /* an existing disk image, booted as it is: the storage is EXISTING */
    HAKO_INSTALL_MANUAL, /* no media: an empty guest */
    HAKO_INSTALL_KERNEL, /* direct kernel boot: kernel_path, initrd_path, kernel_args */
} HakoInstallMethod;

/* The <domain type=''>: which hypervisor runs the guest. */
typedef enum {
    HAKO_VIRT_KVM,
    HAKO_VIRT_QEMU, /* plain QEMU, emulated (TCG) */
    HAKO_VIRT_XEN,
} HakoVirtType;

/* The <os><type>: fully virtualized, or Xen paravirtualized (which boots a kernel directly). */
typedef enum {
    HAKO_GUEST_HVM,
    HAKO_GUEST_XEN_PV,
} HakoGuestType;

typedef enum {
    HAKO_FIRMWARE_BIOS,
    HAKO_FIRMWARE_UEFI,
} HakoFirmware;

typedef enum {
    HAKO_VM_STORAGE_NONE,
    HAKO_VM_STORAGE_NEW_VOLUME, /* pool, volume_name, disk_capacity, disk_format */
    HAKO_VM_STORAGE_EXISTING,   /* disk_path: a volume's path or a file on the host */
} HakoVmStorage;

typedef enum {
    HAKO_VM_NETWORK_NONE,
    HAKO_VM_NETWORK_VIRTUAL, /* network_source: a libvirt virtual network's name */
    HAKO_VM_NETWORK_BRIDGE,  /* network_source: a host bridge, such as br0 */
    HAKO_VM_NETWORK_MACVTAP, /* network_source: a host interface, such as eth0 */
    HAKO_VM_NETWORK_USER,    /* user-mode networking (QEMU's slirp): no source */
} HakoVmNetwork;

/*
 * A plain value: the strings are owned by the struct (g_free them before replacing them).
 * Fields a choice does not use are kept (so going back in the wizard loses nothing) but left out
 * of the XML and of the checks.
 */
typedef struct {
    char *name;

    /* Where it runs: from the host's capabilities. */
    char *arch; /* "x86_64" */
    HakoVirtType virt_type;
    HakoGuestType guest_type;
    char *machine;  /* NULL: the hypervisor's default */
    char *emulator; /* NULL: the hypervisor's default */

    HakoInstallMethod method;
    char *media_path;  /* MEDIA */
    char *install_url; /* URL */
    char *kernel_path; /* KERNEL; for URL, where the fetched kernel is once fetched */
    char *initrd_path; /* KERNEL (optional); for URL, likewise */
    char *kernel_args; /* KERNEL, URL (optional) */

    /* The operating system, from libosinfo: its id ("http://debian.org/debian/12") and name
     * ("Debian 12"); NULL for a generic guest. Only recorded in the guest's metadata. */
    char *os_id;
    char *os_name;

    guint64 memory_mib;
    guint vcpus;

    HakoVmStorage storage;
    char *pool;            /* NEW_VOLUME: the pool's name */
    char *volume_name;     /* NEW_VOLUME: "name.qcow2" */
    guint64 disk_capacity; /* NEW_VOLUME: bytes */
    HakoVolumeFormat disk_format;
    char *disk_path; /* EXISTING (and IMPORT); for NEW_VOLUME, the volume's path once made */

    HakoVmNetwork network;
    char *network_source;
    char *mac; /* NULL: libvirt chooses */

    HakoFirmware firmware;

    /* Devices: the operating system's recommendations, NULL for the hypervisor's default. */
    char *disk_bus;    /* "virtio", "sata", "ide", "scsi", "xen" */
    char *nic_model;   /* "virtio", "e1000e", "e1000", "rtl8139"; not for Xen PV */
    char *video_model; /* "virtio", "qxl", "vga", "bochs", "cirrus" */
    char *graphics;    /* "spice", "vnc", or NULL for none */

    gboolean customize; /* define, but do not start: the user edits the guest first */
} HakoVmSpec;

/*
 * What the checks compare the spec with: the host's size and what already exists there. Zero
 * or NULL where not known: that check is then left out. uefi_available is the exception:
 * FALSE refuses UEFI firmware (pass NULL limits to skip every check).
 */
typedef struct {
    guint64 host_memory_mib;
    guint host_cpus;
    guint max_vcpus;                     /* the hypervisor's limit for this guest */
    const char *const *existing_names;   /* the host's guests */
    const char *const *existing_volumes; /* the chosen pool's volumes */
    guint64 pool_available;              /* bytes free in the chosen pool */
    gboolean uefi_available;             /* FALSE: UEFI is refused */
} HakoVmSpecLimits;

/* The wizard's pages, each checked on its own (hako_vm_spec_validate_step()). */
typedef enum {
    HAKO_VM_SPEC_STEP_INSTALL,   /* virt and guest type, method and its fields */
    HAKO_VM_SPEC_STEP_RESOURCES, /* memory and vCPUs */
    HAKO_VM_SPEC_STEP_STORAGE,
    HAKO_VM_SPEC_STEP_FINISH, /* name, network, firmware */
} HakoVmSpecStep;

#define HAKO_TYPE_VM_SPEC (hako_vm_spec_get_type())
GType hako_vm_spec_get_type(void) G_GNUC_CONST;

HakoVmSpec *hako_vm_spec_new(void);
HakoVmSpec *hako_vm_spec_copy(const HakoVmSpec *spec);
void hako_vm_spec_free(HakoVmSpec *spec);

gboolean
hako_vm_spec_validate_name(const char *name, const HakoVmSpecLimits *limits, GError **error);
gboolean hako_vm_spec_validate_step(const HakoVmSpec *spec,
                                    const HakoVmSpecLimits *limits,
                                    HakoVmSpecStep step,
                                    GError **error);
gboolean
hako_vm_spec_validate(const HakoVmSpec *spec, const HakoVmSpecLimits *limits, GError **error);
char *hako_vm_spec_get_overcommit_warning(const HakoVmSpec *spec, const HakoVmSpecLimits *limits);
char *hako_vm_spec_suggest_name(const char *os_short_id, const char *const *existing_names);

const char *hako_install_method_to_string(HakoInstallMethod method);
const char *hako_virt_type_to_string(HakoVirtType type);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(HakoVmSpec, hako_vm_spec_free)

G_END_DECLS
