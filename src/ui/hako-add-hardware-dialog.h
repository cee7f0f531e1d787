/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoAddHardwareDialog: a new device for a guest, of any kind, as its XML. */
#pragma once

#include "hako-connection-manager.h"
#include "hako-host.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define HAKO_TYPE_ADD_HARDWARE_DIALOG (hako_add_hardware_dialog_get_type())
G_DECLARE_FINAL_TYPE(
    HakoAddHardwareDialog, hako_add_hardware_dialog, HAKO, ADD_HARDWARE_DIALOG, GtkDialog)

GtkWidget *hako_add_hardware_dialog_new(GtkWindow *parent,
                                        HakoConnectionManager *manager,
                                        HakoHost *host,
                                        const char *const *used_targets);
char *hako_add_hardware_dialog_get_xml(HakoAddHardwareDialog *self, GError **error);
char *hako_add_hardware_next_target(const char *bus, const char *const *used_targets);

G_END_DECLS
