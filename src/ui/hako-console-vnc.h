/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoConsoleVnc: a guest's VNC display (gtk-vnc). */
#pragma once

#include "hako-console.h"

G_BEGIN_DECLS

#define HAKO_TYPE_CONSOLE_VNC (hako_console_vnc_get_type())
G_DECLARE_FINAL_TYPE(HakoConsoleVnc, hako_console_vnc, HAKO, CONSOLE_VNC, HakoConsole)

HakoConsole *hako_console_vnc_new(void);

G_END_DECLS
