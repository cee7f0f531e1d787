/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoCreatePoolWizard: the Create Pool wizard, a new storage pool of one of seven types. */
#pragma once

#include "hako-connection-manager.h"
#include "hako-host.h"
#include "hako-pool-spec.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define HAKO_TYPE_CREATE_POOL_WIZARD (hako_create_pool_wizard_get_type())
G_DECLARE_FINAL_TYPE(
    HakoCreatePoolWizard, hako_create_pool_wizard, HAKO, CREATE_POOL_WIZARD, GtkAssistant)

GtkWidget *
hako_create_pool_wizard_new(GtkWindow *parent, HakoConnectionManager *manager, HakoHost *host);
HakoPoolSpec *hako_create_pool_wizard_get_spec(HakoCreatePoolWizard *self);
void hako_create_pool_wizard_register(void);

G_END_DECLS
