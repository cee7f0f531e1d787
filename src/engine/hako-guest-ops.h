/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoGuestOps: what copies, removes, saves or restores a whole guest with its storage. */
#pragma once

#include "hako-connection-manager.h"
#include "hako-domain-list.h"
#include "hako-domain.h"
#include "hako-host.h"

#include <gio/gio.h>

G_BEGIN_DECLS

/* One disk of a guest as it was when listed (a plain value). */
typedef struct {
    char *target; /* "vda" */
    char *device; /* "disk", "cdrom", "floppy", "lun" */
    char *path;   /* the file or device, or NULL for an empty drive */
    char *pool;   /* the storage pool holding it, or NULL when it is in none */
    char *volume; /* its name in @pool */
    char *format; /* "qcow2", "raw"…, or NULL */
    guint64 capacity;
    guint64 allocation;
    gboolean read_only; /* read-only or shareable: a clone always shares it */
    char **used_by;     /* the other guests whose disks use it, sorted (never NULL) */
} HakoGuestDisk;

#define HAKO_TYPE_GUEST_DISK (hako_guest_disk_get_type())
GType hako_guest_disk_get_type(void);
HakoGuestDisk *hako_guest_disk_new(void);
HakoGuestDisk *hako_guest_disk_copy(const HakoGuestDisk *disk);
void hako_guest_disk_free(HakoGuestDisk *disk);
gboolean hako_guest_disk_can_copy(const HakoGuestDisk *disk);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HakoGuestDisk, hako_guest_disk_free)

typedef enum {
    HAKO_GUEST_DELETE_NONE = 0,
    /* delete the chosen volumes even though other guests use them */
    HAKO_GUEST_DELETE_FORCE = 1 << 0,
} HakoGuestDeleteFlags;

/* Progress of a clone's copies, on the main thread: @done of @total bytes. */
typedef void (*HakoGuestProgressFunc)(guint64 done, guint64 total, gpointer user_data);

#define HAKO_TYPE_GUEST_OPS (hako_guest_ops_get_type())
G_DECLARE_FINAL_TYPE(HakoGuestOps, hako_guest_ops, HAKO, GUEST_OPS, GObject)

HakoGuestOps *hako_guest_ops_new(HakoConnectionManager *manager);

char *hako_guest_ops_suggest_clone_name(HakoDomainList *domains, const char *name);

void hako_guest_ops_list_disks_async(HakoGuestOps *self,
                                     HakoDomain *domain,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer user_data);
GPtrArray *
hako_guest_ops_list_disks_finish(HakoGuestOps *self, GAsyncResult *result, GError **error);

void hako_guest_ops_clone_async(HakoGuestOps *self,
                                HakoDomain *domain,
                                const char *new_name,
                                const char *const *shared_targets,
                                HakoGuestProgressFunc progress,
                                gpointer progress_data,
                                GDestroyNotify progress_destroy,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data);
char *hako_guest_ops_clone_finish(HakoGuestOps *self, GAsyncResult *result, GError **error);

void hako_guest_ops_delete_async(HakoGuestOps *self,
                                 HakoDomain *domain,
                                 const char *const *volume_paths,
                                 HakoGuestDeleteFlags flags,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data);
gboolean hako_guest_ops_delete_finish(HakoGuestOps *self, GAsyncResult *result, GError **error);

void hako_guest_ops_save_async(HakoGuestOps *self,
                               HakoDomain *domain,
                               const char *path,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data);
gboolean hako_guest_ops_save_finish(HakoGuestOps *self, GAsyncResult *result, GError **error);

void hako_guest_ops_restore_async(HakoGuestOps *self,
                                  HakoHost *host,
                                  const char *path,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data);
gboolean hako_guest_ops_restore_finish(HakoGuestOps *self, GAsyncResult *result, GError **error);

G_END_DECLS
