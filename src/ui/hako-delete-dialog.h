/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoDeleteDialog: delete a guest and the volumes the user chooses. */
#pragma once

#include "hako-connection-manager.h"
#include "hako-domain.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define HAKO_TYPE_DELETE_DIALOG (hako_delete_dialog_get_type())
G_DECLARE_FINAL_TYPE(HakoDeleteDialog, hako_delete_dialog, HAKO, DELETE_DIALOG, GtkDialog)

GtkWidget *
hako_delete_dialog_new(GtkWindow *parent, HakoConnectionManager *manager, HakoDomain *domain);
gboolean hako_delete_dialog_is_busy(HakoDeleteDialog *self);

G_END_DECLS
