/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoConsoleSerial: a guest's serial or text console in a terminal (VTE). */
#pragma once

#include "hako-console-stream.h"
#include "hako-console.h"

G_BEGIN_DECLS

#define HAKO_TYPE_CONSOLE_SERIAL (hako_console_serial_get_type())
G_DECLARE_FINAL_TYPE(HakoConsoleSerial, hako_console_serial, HAKO, CONSOLE_SERIAL, HakoConsole)

HakoConsole *hako_console_serial_new(void);
void hako_console_serial_attach(HakoConsoleSerial *self, HakoConsoleStream *stream);

G_END_DECLS
