/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The kinds of guest a connected host offers, read from libvirt on a worker thread. */
#pragma once

#include "hako-connection-manager.h"
#include "hako-guest-caps-xml.h"
#include "hako-guest-caps.h"
#include "hako-host.h"

#include <gio/gio.h>

G_BEGIN_DECLS

void hako_engine_get_guest_caps_async(HakoConnectionManager *manager,
                                      HakoHost *host,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data);
HakoGuestCaps *hako_engine_get_guest_caps_finish(GAsyncResult *result, GError **error);

G_END_DECLS
