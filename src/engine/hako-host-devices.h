/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The host's USB and PCI devices that a guest can be given (libvirt's node devices). */
#pragma once

#include "hako-connection-manager.h"
#include "hako-host.h"

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum {
    HAKO_HOST_DEVICE_USB,
    HAKO_HOST_DEVICE_PCI,
} HakoHostDeviceKind;

/* A plain value. */
typedef struct {
    HakoHostDeviceKind kind;
    char *name;        /* libvirt's node device name: "usb_1_2", "pci_0000_00_1f_2" */
    char *description; /* "Intel Corp. 82801 SATA Controller" (vendor and product names) */
    char *vendor_id;   /* "0x8086" */
    char *product_id;  /* "0x2922" */
    guint domain;      /* PCI */
    guint bus;         /* USB and PCI */
    guint slot;        /* PCI; USB: the device number */
    guint function;    /* PCI */
} HakoHostDevice;

#define HAKO_TYPE_HOST_DEVICE (hako_host_device_get_type())
GType hako_host_device_get_type(void) G_GNUC_CONST;
HakoHostDevice *hako_host_device_copy(const HakoHostDevice *device);
void hako_host_device_free(HakoHostDevice *device);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HakoHostDevice, hako_host_device_free)

/* Pure: the device a node device's XML describes, or NULL when it is neither USB nor PCI. */
HakoHostDevice *hako_host_device_parse(const char *nodedev_xml);
/* Pure: the <hostdev> that gives @device to a guest. */
char *hako_host_device_to_hostdev_xml(const HakoHostDevice *device);

void hako_engine_list_host_devices_async(HakoConnectionManager *manager,
                                         HakoHost *host,
                                         GCancellable *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer user_data);
GPtrArray *hako_engine_list_host_devices_finish(GAsyncResult *result, GError **error);

G_END_DECLS
