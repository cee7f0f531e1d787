/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Entry point of the UI layer: registers its resources before any window is built. */
#include "config.h"

#include "hako-ui.h"

#include "hako-resources.h"

/**
 * hako_ui_init:
 *
 * Registers the templates and icons under RESOURCE_PREFIX. The resource is compiled with
 * --manual-register: an automatic constructor in a static library is dropped by the linker
 * unless something references its object file, and this call is that reference.
 * Safe to call more than once.
 */
void
hako_ui_init(void)
{
    static gsize done = 0;

    if (g_once_init_enter(&done)) {
        hako_ui_register_resource();
        g_once_init_leave(&done, 1);
    }
}
