/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoCredentials: passwords kept in the desktop's keyring (libsecret), never in a file. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

void hako_credentials_lookup_display_password_async(const char *uri,
                                                    const char *uuid,
                                                    GCancellable *cancellable,
                                                    GAsyncReadyCallback callback,
                                                    gpointer user_data);
char *hako_credentials_lookup_display_password_finish(GAsyncResult *result, GError **error);

void hako_credentials_store_display_password_async(const char *uri,
                                                   const char *uuid,
                                                   const char *name,
                                                   const char *password,
                                                   GCancellable *cancellable,
                                                   GAsyncReadyCallback callback,
                                                   gpointer user_data);
gboolean hako_credentials_store_display_password_finish(GAsyncResult *result, GError **error);

void hako_credentials_clear_display_password_async(const char *uri,
                                                   const char *uuid,
                                                   GCancellable *cancellable,
                                                   GAsyncReadyCallback callback,
                                                   gpointer user_data);
gboolean hako_credentials_clear_display_password_finish(GAsyncResult *result, GError **error);

G_END_DECLS
