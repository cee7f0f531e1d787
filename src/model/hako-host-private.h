/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Setters of HakoHost for the engine (and tests) only. */
#pragma once

#include "hako-host.h"

G_BEGIN_DECLS

HakoHost *_hako_host_new(const char *uri, gboolean read_only);
void _hako_host_set_state(HakoHost *self, HakoHostState state, const char *last_error);
void _hako_host_set_autoconnect(HakoHost *self, gboolean autoconnect);
void _hako_host_set_info(HakoHost *self, const char *hostname, const char *hypervisor);

G_END_DECLS
