/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoStorage: a host's storage pools and volumes: listed, created, changed, transferred. */
#pragma once

#include "hako-connection-manager.h"
#include "hako-host.h"
#include "hako-pool-spec.h"
#include "hako-storage-pool.h"
#include "hako-volume-spec.h"

#include <gio/gio.h>

G_BEGIN_DECLS

/* What can be done to a pool by name (hako_storage_pool_action_async()). */
typedef enum {
    HAKO_POOL_ACTION_START,
    HAKO_POOL_ACTION_STOP,
    HAKO_POOL_ACTION_REFRESH,
    HAKO_POOL_ACTION_DELETE, /* undefine a stopped pool; its directory or device stays */
} HakoPoolAction;

typedef enum {
    HAKO_STORAGE_FLAGS_NONE = 0,
    /* delete or wipe a volume even though a guest uses it */
    HAKO_STORAGE_FLAGS_FORCE = 1 << 0,
    /* resize to less than the current capacity, cutting off the end */
    HAKO_STORAGE_FLAGS_ALLOW_SHRINK = 1 << 1,
} HakoStorageFlags;

/*
 * Progress of an upload or download, on the main thread: @done of @total bytes. Called at most
 * about ten times a second, and once more with the final count when the transfer ends well.
 */
typedef void (*HakoStorageProgressFunc)(guint64 done, guint64 total, gpointer user_data);

#define HAKO_TYPE_STORAGE (hako_storage_get_type())
G_DECLARE_FINAL_TYPE(HakoStorage, hako_storage, HAKO, STORAGE, GObject)

HakoStorage *hako_storage_new(HakoConnectionManager *manager);

void hako_storage_list_pools_async(HakoStorage *self,
                                   HakoHost *host,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data);
GPtrArray *hako_storage_list_pools_finish(HakoStorage *self, GAsyncResult *result, GError **error);

void hako_storage_create_pool_async(HakoStorage *self,
                                    HakoHost *host,
                                    const HakoPoolSpec *spec,
                                    gboolean autostart,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data);
HakoStoragePool *
hako_storage_create_pool_finish(HakoStorage *self, GAsyncResult *result, GError **error);

void hako_storage_pool_action_async(HakoStorage *self,
                                    HakoHost *host,
                                    const char *pool,
                                    HakoPoolAction action,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data);
gboolean hako_storage_pool_action_finish(HakoStorage *self, GAsyncResult *result, GError **error);

void hako_storage_set_pool_autostart_async(HakoStorage *self,
                                           HakoHost *host,
                                           const char *pool,
                                           gboolean autostart,
                                           GCancellable *cancellable,
                                           GAsyncReadyCallback callback,
                                           gpointer user_data);
gboolean
hako_storage_set_pool_autostart_finish(HakoStorage *self, GAsyncResult *result, GError **error);

void hako_storage_list_volumes_async(HakoStorage *self,
                                     HakoHost *host,
                                     const char *pool,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer user_data);
GPtrArray *
hako_storage_list_volumes_finish(HakoStorage *self, GAsyncResult *result, GError **error);

void hako_storage_create_volume_async(HakoStorage *self,
                                      HakoHost *host,
                                      const char *pool,
                                      const HakoVolumeSpec *spec,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data);
HakoStorageVolume *
hako_storage_create_volume_finish(HakoStorage *self, GAsyncResult *result, GError **error);

void hako_storage_delete_volume_async(HakoStorage *self,
                                      HakoHost *host,
                                      const char *pool,
                                      const char *volume,
                                      HakoStorageFlags flags,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data);
gboolean hako_storage_delete_volume_finish(HakoStorage *self, GAsyncResult *result, GError **error);

void hako_storage_resize_volume_async(HakoStorage *self,
                                      HakoHost *host,
                                      const char *pool,
                                      const char *volume,
                                      guint64 capacity,
                                      HakoStorageFlags flags,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data);
gboolean hako_storage_resize_volume_finish(HakoStorage *self, GAsyncResult *result, GError **error);

void hako_storage_wipe_volume_async(HakoStorage *self,
                                    HakoHost *host,
                                    const char *pool,
                                    const char *volume,
                                    HakoStorageFlags flags,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data);
gboolean hako_storage_wipe_volume_finish(HakoStorage *self, GAsyncResult *result, GError **error);

void hako_storage_clone_volume_async(HakoStorage *self,
                                     HakoHost *host,
                                     const char *pool,
                                     const char *volume,
                                     const char *new_name,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer user_data);
HakoStorageVolume *
hako_storage_clone_volume_finish(HakoStorage *self, GAsyncResult *result, GError **error);

void hako_storage_upload_async(HakoStorage *self,
                               HakoHost *host,
                               const char *pool,
                               const char *volume,
                               const char *local_path,
                               HakoStorageProgressFunc progress,
                               gpointer progress_data,
                               GDestroyNotify progress_destroy,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data);
gboolean hako_storage_upload_finish(HakoStorage *self, GAsyncResult *result, GError **error);

void hako_storage_download_async(HakoStorage *self,
                                 HakoHost *host,
                                 const char *pool,
                                 const char *volume,
                                 const char *local_path,
                                 HakoStorageProgressFunc progress,
                                 gpointer progress_data,
                                 GDestroyNotify progress_destroy,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data);
gboolean hako_storage_download_finish(HakoStorage *self, GAsyncResult *result, GError **error);

G_END_DECLS
