/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Entry point of the UI layer: registers its resources before any window is built. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void hako_ui_init(void);

G_END_DECLS
