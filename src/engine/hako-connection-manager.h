/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoConnectionManager: opens, remembers and reconnects libvirt connections. */
#pragma once

#include "hako-auth-request.h"
#include "hako-domain.h"
#include "hako-host.h"
#include "hako-stats-poller.h"

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum {
    HAKO_CONNECT_NONE = 0,
    HAKO_CONNECT_READ_ONLY = 1 << 0,
    HAKO_CONNECT_REMEMBER = 1 << 1,    /* keep it in GSettings */
    HAKO_CONNECT_AUTOCONNECT = 1 << 2, /* connect it at start (implies REMEMBER) */
    /* Consoles go straight to the display's own address and port: no socket from libvirt, no
     * tunnel through the host's SSH session (hako-viewer --direct). Not remembered. */
    HAKO_CONNECT_DIRECT = 1 << 3,
} HakoConnectFlags;

#define HAKO_TYPE_CONNECTION_MANAGER (hako_connection_manager_get_type())
G_DECLARE_FINAL_TYPE(
    HakoConnectionManager, hako_connection_manager, HAKO, CONNECTION_MANAGER, GObject)

HakoConnectionManager *hako_connection_manager_new(GSettings *settings);
GListModel *hako_connection_manager_get_hosts(HakoConnectionManager *self);
HakoHost *hako_connection_manager_lookup(HakoConnectionManager *self, const char *uri);
HakoHost *
hako_connection_manager_add(HakoConnectionManager *self, const char *uri, HakoConnectFlags flags);
void hako_connection_manager_remove(HakoConnectionManager *self, HakoHost *host);
void
hako_connection_manager_set_label(HakoConnectionManager *self, HakoHost *host, const char *label);
void hako_connection_manager_connect(HakoConnectionManager *self, HakoHost *host);
void hako_connection_manager_disconnect(HakoConnectionManager *self, HakoHost *host);
void hako_connection_manager_set_autoconnect(HakoConnectionManager *self,
                                             HakoHost *host,
                                             gboolean autoconnect);
guint hako_connection_manager_load(HakoConnectionManager *self);
void
hako_connection_manager_set_retry_delays(HakoConnectionManager *self, guint first_ms, guint max_ms);
void hako_connection_manager_set_stats_options(HakoConnectionManager *self,
                                               guint interval_ms,
                                               HakoStatsPolled polled,
                                               guint history_length);
void hako_connection_manager_set_watched(HakoConnectionManager *self,
                                         gconstpointer consumer,
                                         GPtrArray *domains,
                                         HakoStatsPolled groups);
void hako_connection_manager_set_stats_slow_interval(HakoConnectionManager *self,
                                                     guint interval_ms);
HakoStatsPoller *hako_connection_manager_get_stats_poller(HakoConnectionManager *self,
                                                          HakoHost *host);

void hako_connection_manager_probe_default_uri_async(HakoConnectionManager *self,
                                                     GCancellable *cancellable,
                                                     GAsyncReadyCallback callback,
                                                     gpointer user_data);
char *hako_connection_manager_probe_default_uri_finish(HakoConnectionManager *self,
                                                       GAsyncResult *result,
                                                       GError **error);

G_END_DECLS
