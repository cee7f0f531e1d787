/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoInstaller: creates a guest from a HakoVmSpec (its disk, its definition, its first boot),
 * and removes all it made when a step fails or the job is cancelled. */
#pragma once

#include "hako-connection-manager.h"
#include "hako-host.h"
#include "hako-vm-spec.h"

#include <gio/gio.h>

G_BEGIN_DECLS

/* The steps of an install, in order; "step-changed" announces each as it begins. */
typedef enum {
    HAKO_INSTALL_STEP_PREPARE, /* checks on the host: the name is free, an existing disk's format */
    HAKO_INSTALL_STEP_FETCH,   /* URL only: the kernel and initrd from the install tree */
    HAKO_INSTALL_STEP_VOLUME,  /* NEW_VOLUME only: the disk is created */
    HAKO_INSTALL_STEP_DEFINE,
    HAKO_INSTALL_STEP_START, /* not when customizing */
    HAKO_INSTALL_STEP_DONE,
} HakoInstallStep;

#define HAKO_TYPE_INSTALLER (hako_installer_get_type())
G_DECLARE_FINAL_TYPE(HakoInstaller, hako_installer, HAKO, INSTALLER, GObject)

HakoInstaller *hako_installer_new(HakoConnectionManager *manager);

/* Where the kernel and initrd fetched for a URL install go on a local host; a directory QEMU
 * can read. Default: /var/lib/libvirt/boot. */
void hako_installer_set_boot_dir(HakoInstaller *self, const char *boot_dir);
const char *hako_installer_get_boot_dir(HakoInstaller *self);

/*
 * Pure: no I/O. install = TRUE: the XML of the first boot (boots the media / fetched kernel /
 * network); FALSE: the XML the guest keeps afterwards (boots its disk; a CD-ROM stays attached).
 */
char *hako_installer_build_xml(const HakoVmSpec *spec, gboolean install, GError **error);

void hako_installer_install_async(HakoInstaller *self,
                                  HakoHost *host,
                                  const HakoVmSpec *spec,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data);
/* Returns the new guest's UUID string. */
char *hako_installer_install_finish(HakoInstaller *self, GAsyncResult *result, GError **error);

const char *hako_install_step_describe(HakoInstallStep step);

G_END_DECLS
