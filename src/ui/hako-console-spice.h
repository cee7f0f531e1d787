/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoConsoleSpice: a guest's SPICE display (spice-gtk). */
#pragma once

#include "hako-console.h"

G_BEGIN_DECLS

#define HAKO_TYPE_CONSOLE_SPICE (hako_console_spice_get_type())
G_DECLARE_FINAL_TYPE(HakoConsoleSpice, hako_console_spice, HAKO, CONSOLE_SPICE, HakoConsole)

HakoConsole *hako_console_spice_new(void);

G_END_DECLS
