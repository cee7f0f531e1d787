/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Entry point of the wizards layer, called once by the application at startup. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void hako_wizards_register_types(void);

G_END_DECLS
