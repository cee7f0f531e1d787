/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Entry point of the wizards layer, called once by the application at startup. */
#include "config.h"

#include "hako-wizards.h"

#include "hako-create-network-wizard.h"
#include "hako-create-pool-wizard.h"
#include "hako-create-volume-wizard.h"
#include "hako-create-wizard.h"
#include "hako-migrate-wizard.h"
#include "hako-networks-page.h"

#include <glib.h>

static GtkWidget *
open_create_network_wizard(GtkWindow *parent,
                           HakoNetworks *networks,
                           HakoHost *host,
                           GPtrArray *existing)
{
    GtkWidget *wizard = hako_create_network_wizard_new(parent, networks, host, existing);

    gtk_window_present(GTK_WINDOW(wizard));
    return wizard;
}

/**
 * hako_wizards_register_types:
 *
 * Registers the wizard types (HakoCreateWizard, HakoMigrateWizard, …) so that the
 * application can open them by action, and hands the UI layer the functions through which its
 * pages open theirs (the Virtual Networks page's Add Network… opens HakoCreateNetworkWizard),
 * so that no window depends on this layer.
 */
void
hako_wizards_register_types(void)
{
    g_type_ensure(HAKO_TYPE_CREATE_NETWORK_WIZARD);
    g_type_ensure(HAKO_TYPE_CREATE_WIZARD);
    hako_networks_page_set_add_network_func(open_create_network_wizard);
    hako_create_pool_wizard_register();
    hako_create_volume_wizard_register();
    hako_migrate_wizard_register();
}
