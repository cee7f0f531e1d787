/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Engine start-up: libvirt's event loop on the GLib main loop. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void hako_engine_init(void);

G_END_DECLS
