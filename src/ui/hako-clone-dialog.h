/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoCloneDialog: clone a stopped guest, each disk copied or shared. */
#pragma once

#include "hako-connection-manager.h"
#include "hako-domain.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define HAKO_TYPE_CLONE_DIALOG (hako_clone_dialog_get_type())
G_DECLARE_FINAL_TYPE(HakoCloneDialog, hako_clone_dialog, HAKO, CLONE_DIALOG, GtkDialog)

GtkWidget *
hako_clone_dialog_new(GtkWindow *parent, HakoConnectionManager *manager, HakoDomain *domain);
gboolean hako_clone_dialog_is_busy(HakoCloneDialog *self);

G_END_DECLS
