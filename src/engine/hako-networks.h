/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoNetworks: a host's virtual networks: listed, started, stopped, deleted, created. */
#pragma once

#include "hako-connection-manager.h"
#include "hako-host.h"
#include "hako-network-spec.h"
#include "hako-network.h"

#include <gio/gio.h>

G_BEGIN_DECLS

#define HAKO_TYPE_NETWORKS (hako_networks_get_type())
G_DECLARE_FINAL_TYPE(HakoNetworks, hako_networks, HAKO, NETWORKS, GObject)

HakoNetworks *hako_networks_new(HakoConnectionManager *manager);
HakoConnectionManager *hako_networks_get_manager(HakoNetworks *self);

void hako_networks_list_async(HakoNetworks *self,
                              HakoHost *host,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data);
GPtrArray *hako_networks_list_finish(HakoNetworks *self, GAsyncResult *result, GError **error);

void hako_networks_start_async(HakoNetworks *self,
                               HakoHost *host,
                               const char *name,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data);
gboolean hako_networks_start_finish(HakoNetworks *self, GAsyncResult *result, GError **error);

void hako_networks_stop_async(HakoNetworks *self,
                              HakoHost *host,
                              const char *name,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data);
gboolean hako_networks_stop_finish(HakoNetworks *self, GAsyncResult *result, GError **error);

void hako_networks_delete_async(HakoNetworks *self,
                                HakoHost *host,
                                const char *name,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data);
gboolean hako_networks_delete_finish(HakoNetworks *self,
                                     GAsyncResult *result,
                                     char ***users,
                                     GError **error);

void hako_networks_set_autostart_async(HakoNetworks *self,
                                       HakoHost *host,
                                       const char *name,
                                       gboolean autostart,
                                       GCancellable *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer user_data);
gboolean
hako_networks_set_autostart_finish(HakoNetworks *self, GAsyncResult *result, GError **error);

void hako_networks_list_users_async(HakoNetworks *self,
                                    HakoHost *host,
                                    const char *name,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data);
char **hako_networks_list_users_finish(HakoNetworks *self, GAsyncResult *result, GError **error);

void hako_networks_create_async(HakoNetworks *self,
                                HakoHost *host,
                                const HakoNetworkSpec *spec,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data);
HakoNetwork *hako_networks_create_finish(HakoNetworks *self, GAsyncResult *result, GError **error);

/* Pure functions, for the workers and for tests. */
char *hako_networks_spec_to_xml(const HakoNetworkSpec *spec);
HakoNetwork *hako_networks_parse_xml(const char *xml, GError **error);
gboolean hako_networks_domain_uses(const char *domain_xml, const char *network);

G_END_DECLS
