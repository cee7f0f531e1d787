/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoAuthDialog: asks for the credentials libvirt needs to open a connection. */
#pragma once

#include "hako-auth-request.h"
#include "hako-host.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define HAKO_TYPE_AUTH_DIALOG (hako_auth_dialog_get_type())
G_DECLARE_FINAL_TYPE(HakoAuthDialog, hako_auth_dialog, HAKO, AUTH_DIALOG, GtkDialog)

HakoAuthDialog *hako_auth_dialog_new(GtkWindow *parent, HakoHost *host, HakoAuthRequest *request);
HakoAuthRequest *hako_auth_dialog_get_request(HakoAuthDialog *self);

G_END_DECLS
