/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoCreateVolumeWizard: the Create Volume wizard, a new volume in a storage pool. */
#pragma once

#include "hako-connection-manager.h"
#include "hako-host.h"
#include "hako-volume-spec.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define HAKO_TYPE_CREATE_VOLUME_WIZARD (hako_create_volume_wizard_get_type())
G_DECLARE_FINAL_TYPE(
    HakoCreateVolumeWizard, hako_create_volume_wizard, HAKO, CREATE_VOLUME_WIZARD, GtkAssistant)

GtkWidget *hako_create_volume_wizard_new(GtkWindow *parent,
                                         HakoConnectionManager *manager,
                                         HakoHost *host,
                                         const char *pool,
                                         guint64 available);
HakoVolumeSpec *hako_create_volume_wizard_get_spec(HakoCreateVolumeWizard *self);
void hako_create_volume_wizard_register(void);

G_END_DECLS
