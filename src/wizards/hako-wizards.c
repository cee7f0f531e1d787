/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Entry point of the wizards layer, called once by the application at startup. */
#include "config.h"

#include "hako-wizards.h"

#include "hako-create-pool-wizard.h"

#include <glib.h>

/**
 * hako_wizards_register_types:
 *
 * Registers the wizard types (HakoCreateWizard, HakoMigrateWizard, …) so that the
 * application can open them by action, and hands the UI layer the functions through which its
 * pages open theirs.
 */
void
hako_wizards_register_types(void)
{
    hako_create_pool_wizard_register();
}
