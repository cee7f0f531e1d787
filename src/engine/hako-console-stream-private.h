/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoConsoleStream internals for the rest of the engine. */
#pragma once

#include "hako-console-stream.h"

#include <libvirt/libvirt.h>

G_BEGIN_DECLS

HakoConsoleStream *_hako_console_stream_new_take(virConnectPtr conn, virStreamPtr stream);

G_END_DECLS
