/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoAddConnectionDialog: a hypervisor, transport, user, host and port, or any URI, then adds
 * and connects it. */
#pragma once

#include "hako-connection-manager.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define HAKO_TYPE_ADD_CONNECTION_DIALOG (hako_add_connection_dialog_get_type())
G_DECLARE_FINAL_TYPE(
    HakoAddConnectionDialog, hako_add_connection_dialog, HAKO, ADD_CONNECTION_DIALOG, GtkDialog)

HakoAddConnectionDialog *hako_add_connection_dialog_new(GtkWindow *parent,
                                                        HakoConnectionManager *manager);
const char *hako_add_connection_dialog_get_uri(HakoAddConnectionDialog *self);

G_END_DECLS
