/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Helpers shared by the engine's source files. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

void _hako_task_run_in_own_thread(GTask *task, GTaskThreadFunc func);
void _hako_invoke_in_main(GSourceFunc func, gpointer data);
GError *_hako_engine_error_from_libvirt(int code, const char *format, ...) G_GNUC_PRINTF(2, 3);
GError *_hako_engine_error_from_failed_start(const char *format, ...) G_GNUC_PRINTF(1, 2);
const char *_hako_libvirt_last_message(void);

G_END_DECLS
