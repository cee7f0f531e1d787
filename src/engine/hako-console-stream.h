/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoConsoleStream: a guest's serial or text console, as a byte stream (virDomainOpenConsole). */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define HAKO_TYPE_CONSOLE_STREAM (hako_console_stream_get_type())
G_DECLARE_FINAL_TYPE(HakoConsoleStream, hako_console_stream, HAKO, CONSOLE_STREAM, GObject)

void hako_console_stream_write(HakoConsoleStream *self, const void *data, gsize length);
void hako_console_stream_close(HakoConsoleStream *self);
gboolean hako_console_stream_is_open(HakoConsoleStream *self);

G_END_DECLS
