/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoGuestCaps: the kinds of guest a host can run (architecture, hypervisor, guest type). */
#pragma once

#include "hako-vm-spec.h"

#include <glib-object.h>

G_BEGIN_DECLS

/*
 * One kind of guest a host offers: an architecture, a hypervisor and a guest type, from the
 * host's capabilities, completed where the host says more from its domain capabilities. A plain
 * value: the strings and string arrays are owned by the struct.
 */
typedef struct {
    char *arch;               /* "x86_64" */
    HakoGuestType guest_type; /* hvm or xen (PV) */
    HakoVirtType virt_type;   /* kvm, qemu or xen */
    char *domain_type;        /* libvirt's own <domain type=''>: "kvm", "qemu", "xen", "test" */
    char *emulator;           /* may be NULL */
    char *default_machine;    /* may be NULL */
    char **machines;          /* every machine type, the default first; NULL unknown */
    guint max_vcpus;          /* 0 unknown; domain capabilities <vcpu max=>, else capabilities */
    /* UEFI: libvirt picks the firmware itself (<os firmware='efi'>), or a loader to name */
    gboolean uefi_available;
    gboolean uefi_autoselect; /* <os firmware='efi'> works */
    char *uefi_loader;        /* without autoselection: the UEFI loader's path, for pflash */
    char **disk_buses;        /* domain capabilities <disk><enum name='bus'>; NULL unknown */
    char **video_models;      /* <video><enum name='modelType'>; NULL unknown */
    char **graphics_types;    /* <graphics><enum name='type'>; NULL unknown */
} HakoGuestOption;

/* Everything a host offers, sorted: the host's architecture first, then kvm, qemu, xen, and
 * within those hvm before xen (PV). */
typedef struct {
    char *host_arch;
    GPtrArray *options; /* HakoGuestOption */
} HakoGuestCaps;

#define HAKO_TYPE_GUEST_OPTION (hako_guest_option_get_type())
GType hako_guest_option_get_type(void) G_GNUC_CONST;
#define HAKO_TYPE_GUEST_CAPS (hako_guest_caps_get_type())
GType hako_guest_caps_get_type(void) G_GNUC_CONST;

HakoGuestOption *hako_guest_option_new(void);
HakoGuestOption *hako_guest_option_copy(const HakoGuestOption *option);
void hako_guest_option_free(HakoGuestOption *option);
char *hako_guest_option_describe(const HakoGuestOption *option);
gboolean hako_guest_option_supports(const char *const *values, const char *value);

HakoGuestCaps *hako_guest_caps_new(const char *host_arch);
HakoGuestCaps *hako_guest_caps_copy(const HakoGuestCaps *caps);
void hako_guest_caps_free(HakoGuestCaps *caps);
void hako_guest_caps_sort(HakoGuestCaps *caps);
const HakoGuestOption *hako_guest_caps_find(const HakoGuestCaps *caps,
                                            const char *arch,
                                            HakoVirtType virt,
                                            HakoGuestType guest);
const HakoGuestOption *hako_guest_caps_get_default(const HakoGuestCaps *caps);
gboolean hako_guest_caps_is_emulated_only(const HakoGuestCaps *caps, const HakoGuestOption *option);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(HakoGuestOption, hako_guest_option_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HakoGuestCaps, hako_guest_caps_free)

G_END_DECLS
