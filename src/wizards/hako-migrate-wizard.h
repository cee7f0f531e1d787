/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoMigrateWizard: moving a guest to another host, checked before and watched during. */
#pragma once

#include "hako-connection-manager.h"
#include "hako-domain.h"
#include "hako-migrate-spec.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define HAKO_TYPE_MIGRATE_WIZARD (hako_migrate_wizard_get_type())
G_DECLARE_FINAL_TYPE(HakoMigrateWizard, hako_migrate_wizard, HAKO, MIGRATE_WIZARD, GtkAssistant)

GtkWidget *
hako_migrate_wizard_new(GtkWindow *parent, HakoConnectionManager *manager, HakoDomain *domain);
HakoMigrateSpec *hako_migrate_wizard_get_spec(HakoMigrateWizard *self);
void hako_migrate_wizard_register(void);

G_END_DECLS
