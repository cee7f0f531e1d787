/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoCreateWizard: the New Virtual Machine wizard, from install media to a running guest. */
#pragma once

#include "hako-connection-manager.h"
#include "hako-vm-spec.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define HAKO_TYPE_CREATE_WIZARD (hako_create_wizard_get_type())
G_DECLARE_FINAL_TYPE(HakoCreateWizard, hako_create_wizard, HAKO, CREATE_WIZARD, GtkAssistant)

GtkWidget *hako_create_wizard_new(GtkWindow *parent,
                                  HakoConnectionManager *manager,
                                  GSettings *settings,
                                  HakoHost *host);
HakoVmSpec *hako_create_wizard_get_spec(HakoCreateWizard *self);

G_END_DECLS
