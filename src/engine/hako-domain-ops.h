/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoDomainOps: what the user does to a guest: lifecycle and consoles (snapshots, clone and
 * delete later). */
#pragma once

#include "hako-connection-manager.h"
#include "hako-console-device.h"
#include "hako-console-stream.h"
#include "hako-domain.h"

#include <gio/gio.h>

G_BEGIN_DECLS

#define HAKO_TYPE_DOMAIN_OPS (hako_domain_ops_get_type())
G_DECLARE_FINAL_TYPE(HakoDomainOps, hako_domain_ops, HAKO, DOMAIN_OPS, GObject)

HakoDomainOps *hako_domain_ops_new(HakoConnectionManager *manager);
HakoConnectionManager *hako_domain_ops_get_manager(HakoDomainOps *self);

void hako_domain_ops_lifecycle_async(HakoDomainOps *self,
                                     HakoDomain *domain,
                                     HakoDomainAction action,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer user_data);
gboolean
hako_domain_ops_lifecycle_finish(HakoDomainOps *self, GAsyncResult *result, GError **error);

void hako_domain_ops_set_autostart_async(HakoDomainOps *self,
                                         HakoDomain *domain,
                                         gboolean autostart,
                                         GCancellable *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer user_data);
gboolean
hako_domain_ops_set_autostart_finish(HakoDomainOps *self, GAsyncResult *result, GError **error);

void hako_domain_ops_list_consoles_async(HakoDomainOps *self,
                                         HakoDomain *domain,
                                         GCancellable *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer user_data);
GPtrArray *
hako_domain_ops_list_consoles_finish(HakoDomainOps *self, GAsyncResult *result, GError **error);

void hako_domain_ops_open_graphics_async(HakoDomainOps *self,
                                         HakoDomain *domain,
                                         HakoConsoleKind kind,
                                         guint index,
                                         GCancellable *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer user_data);
HakoGraphicsEndpoint *
hako_domain_ops_open_graphics_finish(HakoDomainOps *self, GAsyncResult *result, GError **error);

void hako_domain_ops_open_console_async(HakoDomainOps *self,
                                        HakoDomain *domain,
                                        const char *alias,
                                        GCancellable *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer user_data);
HakoConsoleStream *
hako_domain_ops_open_console_finish(HakoDomainOps *self, GAsyncResult *result, GError **error);

void hako_domain_ops_screenshot_async(HakoDomainOps *self,
                                      HakoDomain *domain,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data);
GBytes *hako_domain_ops_screenshot_finish(HakoDomainOps *self,
                                          GAsyncResult *result,
                                          char **mime,
                                          GError **error);

void hako_domain_ops_get_disk_errors_async(HakoDomainOps *self,
                                           HakoDomain *domain,
                                           GCancellable *cancellable,
                                           GAsyncReadyCallback callback,
                                           gpointer user_data);
GPtrArray *
hako_domain_ops_get_disk_errors_finish(HakoDomainOps *self, GAsyncResult *result, GError **error);

G_END_DECLS
