/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoSnapshots: a guest's snapshots: listed as a tree, created, reverted to, deleted. */
#pragma once

#include "hako-connection-manager.h"
#include "hako-domain.h"

#include <gio/gio.h>

G_BEGIN_DECLS

/* One snapshot as it was when listed (a plain value). */
typedef struct {
    char *name;
    char *parent; /* NULL for a root */
    char *description;
    gint64 creation_time;  /* seconds since the epoch */
    HakoDomainState state; /* the guest's state when it was taken */
    gboolean current;      /* the one the guest last came from */
    gboolean has_memory;   /* reverting to it resumes a running guest */
} HakoSnapshot;

#define HAKO_TYPE_SNAPSHOT (hako_snapshot_get_type())
GType hako_snapshot_get_type(void);
HakoSnapshot *hako_snapshot_new(void);
HakoSnapshot *hako_snapshot_copy(const HakoSnapshot *snapshot);
void hako_snapshot_free(HakoSnapshot *snapshot);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HakoSnapshot, hako_snapshot_free)

#define HAKO_TYPE_SNAPSHOTS (hako_snapshots_get_type())
G_DECLARE_FINAL_TYPE(HakoSnapshots, hako_snapshots, HAKO, SNAPSHOTS, GObject)

HakoSnapshots *hako_snapshots_new(HakoConnectionManager *manager);

void hako_snapshots_check_async(HakoSnapshots *self,
                                HakoDomain *domain,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data);
gboolean hako_snapshots_check_finish(HakoSnapshots *self, GAsyncResult *result, GError **error);

void hako_snapshots_list_async(HakoSnapshots *self,
                               HakoDomain *domain,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data);
GPtrArray *hako_snapshots_list_finish(HakoSnapshots *self, GAsyncResult *result, GError **error);

void hako_snapshots_create_async(HakoSnapshots *self,
                                 HakoDomain *domain,
                                 const char *name,
                                 const char *description,
                                 gboolean with_memory,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data);
HakoSnapshot *
hako_snapshots_create_finish(HakoSnapshots *self, GAsyncResult *result, GError **error);

void hako_snapshots_revert_async(HakoSnapshots *self,
                                 HakoDomain *domain,
                                 const char *name,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data);
gboolean hako_snapshots_revert_finish(HakoSnapshots *self, GAsyncResult *result, GError **error);

void hako_snapshots_delete_async(HakoSnapshots *self,
                                 HakoDomain *domain,
                                 const char *name,
                                 gboolean with_children,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data);
gboolean hako_snapshots_delete_finish(HakoSnapshots *self, GAsyncResult *result, GError **error);

char *hako_snapshots_suggest_name(void);

G_END_DECLS
