/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoDomainConfig: a guest's XML (inactive, and live when running) that the details pages edit
 * in place; only what is edited changes, everything else survives as it was. */
#pragma once

#include "hako-connection-manager.h"
#include "hako-domain.h"
#include "hako-host.h"

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * The simple fields of a guest, as strings. Numbers are decimal; memory is in KiB; booleans are
 * "yes" or "no". hako_domain_config_get() returns NULL when the field is absent, and
 * hako_domain_config_set() with NULL removes an optional field.
 */
typedef enum {
    HAKO_CONFIG_NAME,           /* <name> */
    HAKO_CONFIG_TITLE,          /* <title> */
    HAKO_CONFIG_DESCRIPTION,    /* <description> */
    HAKO_CONFIG_UUID,           /* <uuid> */
    HAKO_CONFIG_MEMORY,         /* <memory>, KiB: the maximum */
    HAKO_CONFIG_CURRENT_MEMORY, /* <currentMemory>, KiB: what the guest is given */
    HAKO_CONFIG_VCPUS,          /* <vcpu>: the maximum */
    HAKO_CONFIG_VCPUS_CURRENT,  /* <vcpu current=''>: the ones plugged in */
    HAKO_CONFIG_CPU_MODE,       /* <cpu mode=''>: custom, host-model, host-passthrough, maximum */
    HAKO_CONFIG_CPU_MODEL,      /* <cpu><model> */
    HAKO_CONFIG_CPU_SOCKETS,    /* <cpu><topology sockets=''> */
    HAKO_CONFIG_CPU_DIES,       /* <cpu><topology dies=''> */
    HAKO_CONFIG_CPU_CORES,      /* <cpu><topology cores=''> */
    HAKO_CONFIG_CPU_THREADS,    /* <cpu><topology threads=''> */
    HAKO_CONFIG_BOOT_ORDER,     /* <os><boot dev=''>… as "hd,cdrom" (fd, hd, cdrom, network) */
    HAKO_CONFIG_BOOT_MENU,      /* <os><bootmenu enable=''>: "yes" or "no" */
    HAKO_CONFIG_KERNEL,         /* <os><kernel> */
    HAKO_CONFIG_INITRD,         /* <os><initrd> */
    HAKO_CONFIG_CMDLINE,        /* <os><cmdline> */
    HAKO_CONFIG_ARCH,           /* <os><type arch=''> */
    HAKO_CONFIG_MACHINE,        /* <os><type machine=''> */
    HAKO_CONFIG_EMULATOR,       /* <devices><emulator> */
    HAKO_CONFIG_FIRMWARE,       /* "efi" or "bios": <os firmware=''>, a pflash <loader>, or
                                 * "bios" for any other HVM guest */
    HAKO_CONFIG_HYPERVISOR,     /* <domain type=''>: kvm, qemu, xen… */
    HAKO_CONFIG_OS_ID,          /* the libosinfo OS ID in <metadata> */
    HAKO_CONFIG_OS_TYPE,        /* <os><type>: hvm, xen (Xen PV), linux, exe */
} HakoConfigField;

/* The kind of one element under <devices> (<emulator> is a field, not a device). */
typedef enum {
    HAKO_DEVICE_DISK,
    HAKO_DEVICE_INTERFACE,
    HAKO_DEVICE_GRAPHICS,
    HAKO_DEVICE_VIDEO,
    HAKO_DEVICE_SOUND,
    HAKO_DEVICE_INPUT,
    HAKO_DEVICE_SERIAL,
    HAKO_DEVICE_CONSOLE,
    HAKO_DEVICE_CHANNEL,
    HAKO_DEVICE_CONTROLLER,
    HAKO_DEVICE_HOSTDEV,
    HAKO_DEVICE_TPM,
    HAKO_DEVICE_RNG,
    HAKO_DEVICE_WATCHDOG,
    HAKO_DEVICE_FILESYSTEM,
    HAKO_DEVICE_MEMBALLOON,
    HAKO_DEVICE_REDIRDEV,
    HAKO_DEVICE_PARALLEL,
    HAKO_DEVICE_SMARTCARD,
    HAKO_DEVICE_HUB,
    HAKO_DEVICE_PANIC,
    HAKO_DEVICE_SHMEM,
    HAKO_DEVICE_MEMORY,
    HAKO_DEVICE_IOMMU,
    HAKO_DEVICE_VSOCK,
    HAKO_DEVICE_AUDIO,
    HAKO_DEVICE_OTHER, /* any element Hako does not know; kept as it is */
} HakoDeviceKind;

typedef enum {
    HAKO_APPLY_PERSISTENT = 1 << 0, /* define the edited XML: from the next boot on */
    HAKO_APPLY_LIVE = 1 << 1,       /* carry what can change live to the running guest */
} HakoApplyFlags;

#define HAKO_TYPE_DOMAIN_CONFIG (hako_domain_config_get_type())
G_DECLARE_FINAL_TYPE(HakoDomainConfig, hako_domain_config, HAKO, DOMAIN_CONFIG, GObject)

/* Pure: no connection. @live_xml is NULL for a guest that is not running. */
HakoDomainConfig *
hako_domain_config_new_from_xml(const char *inactive_xml, const char *live_xml, GError **error);

/* Reads the guest's inactive XML, and its live XML when it runs, on a worker thread. */
void hako_domain_config_load_async(HakoConnectionManager *manager,
                                   HakoDomain *domain,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data);
HakoDomainConfig *hako_domain_config_load_finish(GAsyncResult *result, GError **error);

gboolean hako_domain_config_is_running(HakoDomainConfig *self);
/* The edited inactive XML; without edits, the XML it was made from. */
char *hako_domain_config_to_xml(HakoDomainConfig *self);
/* The live XML as read, or NULL when the guest was not running. */
char *hako_domain_config_to_live_xml(HakoDomainConfig *self);
/* Whether anything was edited since the XML was read (or last applied). Also the
 * "modified" property, notified when it changes. */
gboolean hako_domain_config_is_modified(HakoDomainConfig *self);
/* Forgets every edit. */
void hako_domain_config_revert(HakoDomainConfig *self);

/* Simple fields (see HakoConfigField). */
char *hako_domain_config_get(HakoDomainConfig *self, HakoConfigField field);
char *hako_domain_config_get_live(HakoDomainConfig *self, HakoConfigField field);
gboolean hako_domain_config_set(HakoDomainConfig *self,
                                HakoConfigField field,
                                const char *value,
                                GError **error);

/*
 * Devices: the elements under <devices>, in document order, by index. Adding or removing a
 * device emits "devices-changed", after which indices may have moved.
 *
 * A path is relative to the device element: element names separated by "/", optionally ending
 * in "@attribute" ("source/@file", "target/@bus", "@device", "mac/@address", "readonly").
 * _get() returns an attribute's value, an element's text ("" for a present empty element like
 * <readonly/>), or NULL when absent. _set() creates what is missing on the way; NULL removes the
 * attribute or element named last.
 */
guint hako_domain_config_get_n_devices(HakoDomainConfig *self);
HakoDeviceKind hako_domain_config_device_kind(HakoDomainConfig *self, guint index);
/* A short translated description: "Disk vda (virtio)", "NIC 52:54:00:12:34:56". */
char *hako_domain_config_device_describe(HakoDomainConfig *self, guint index);
char *hako_domain_config_device_get(HakoDomainConfig *self, guint index, const char *path);
gboolean hako_domain_config_device_set(
    HakoDomainConfig *self, guint index, const char *path, const char *value, GError **error);
/* Appends a device after the last one of its kind (or at the end); returns its index, or -1.
 * Any element but <emulator> is accepted: libvirt judges it when applying. */
int hako_domain_config_add_device(HakoDomainConfig *self, const char *device_xml, GError **error);
gboolean hako_domain_config_remove_device(HakoDomainConfig *self, guint index, GError **error);
char *hako_domain_config_device_to_xml(HakoDomainConfig *self, guint index);

/*
 * What cannot change while the guest runs: a sentence saying so, or NULL when the change can
 * be made live (or the guest is not running). For a device, @path is what would be edited, or
 * NULL for adding or removing the device.
 */
const char *hako_domain_config_field_needs_restart(HakoDomainConfig *self, HakoConfigField field);
const char *
hako_domain_config_device_needs_restart(HakoDomainConfig *self, guint index, const char *path);

/*
 * Applies the edits on a worker thread: with PERSISTENT, defines the edited XML; with LIVE,
 * carries to the running guest what can change live (memory, vCPUs, devices added or removed,
 * new CD/floppy media, a NIC's link state). On failure the guest is left as it was, and the
 * error carries libvirt's reason. @not_live gets the sentences (NULL-terminated, or NULL when
 * none) naming the edits that will only take effect at the next boot, or that the running guest
 * refused (the definition then stands). After a PERSISTENT apply the configuration holds
 * libvirt's own version of the XML it defined (addresses, defaults; "devices-changed" is
 * emitted) and is no longer modified; after a LIVE-only apply the edits stay pending. A new NIC
 * without a MAC address gets one in hako_domain_config_add_device(), so that both agree.
 */
void hako_domain_config_apply_async(HakoDomainConfig *self,
                                    HakoConnectionManager *manager,
                                    HakoHost *host,
                                    HakoApplyFlags flags,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data);
gboolean hako_domain_config_apply_finish(HakoDomainConfig *self,
                                         GAsyncResult *result,
                                         char ***not_live,
                                         GError **error);

G_END_DECLS
