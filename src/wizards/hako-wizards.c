/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Entry point of the wizards layer, called once by the application at startup. */
#include "config.h"

#include "hako-wizards.h"

#include <glib.h>

/**
 * hako_wizards_register_types:
 *
 * Registers the wizard types (HakoCreateWizard, HakoMigrateWizard, …) so that the
 * application can open them by action. There are none yet; the call keeps the layer linked
 * and gives the wizards one place to be registered from.
 */
void
hako_wizards_register_types(void)
{
    g_debug("No wizards registered yet");
}
