/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoStoragePool and HakoStorageVolume: what a host's storage looks like, as plain values. */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* The kinds of pool Hako can create; anything else libvirt has is HAKO_POOL_TYPE_OTHER. */
typedef enum {
    HAKO_POOL_TYPE_DIR,
    HAKO_POOL_TYPE_FS,
    HAKO_POOL_TYPE_NETFS,
    HAKO_POOL_TYPE_LOGICAL,
    HAKO_POOL_TYPE_DISK,
    HAKO_POOL_TYPE_ISCSI,
    HAKO_POOL_TYPE_SCSI,
    HAKO_POOL_TYPE_OTHER,
} HakoPoolType;

/* The values match libvirt's virStoragePoolState, so the engine can cast. */
typedef enum {
    HAKO_POOL_STATE_INACTIVE = 0,
    HAKO_POOL_STATE_BUILDING = 1,
    HAKO_POOL_STATE_RUNNING = 2,
    HAKO_POOL_STATE_DEGRADED = 3,
    HAKO_POOL_STATE_INACCESSIBLE = 4,
} HakoPoolState;

const char *hako_pool_type_to_string(HakoPoolType type);
HakoPoolType hako_pool_type_from_string(const char *name);
const char *hako_pool_type_get_label(HakoPoolType type);
const char *hako_pool_state_get_label(HakoPoolState state);

/*
 * One storage pool as libvirt described it when it was listed. A plain value: the strings are
 * owned by the struct.
 */
typedef struct {
    char *name;
    char *uuid;
    HakoPoolType type;
    char *type_name; /* libvirt's name of the type ("dir", "rbd"…), also for OTHER */
    HakoPoolState state;
    gboolean autostart;
    gboolean persistent;
    guint64 capacity; /* bytes; 0 while the pool is not running */
    guint64 allocation;
    guint64 available;
    char *target_path; /* NULL when the pool has none */
    char *source;      /* where the storage comes from, as one line (device, host:path, IQN…) */
} HakoStoragePool;

#define HAKO_TYPE_STORAGE_POOL (hako_storage_pool_get_type())
GType hako_storage_pool_get_type(void) G_GNUC_CONST;

HakoStoragePool *hako_storage_pool_new(void);
HakoStoragePool *hako_storage_pool_copy(const HakoStoragePool *pool);
void hako_storage_pool_free(HakoStoragePool *pool);
gboolean hako_storage_pool_is_active(const HakoStoragePool *pool);
double hako_storage_pool_get_usage(const HakoStoragePool *pool);

/*
 * One volume of a pool, with the guests whose disks use it. A plain value: the strings are
 * owned by the struct.
 */
typedef struct {
    char *name;
    char *key;
    char *path;
    char *format;     /* "qcow2", "raw", "iso"…; NULL when libvirt does not say */
    guint64 capacity; /* bytes */
    guint64 allocation;
    char *backing_path; /* the backing store's path, NULL for none */
    char **used_by;     /* names of the guests using it, sorted; never NULL */
} HakoStorageVolume;

#define HAKO_TYPE_STORAGE_VOLUME (hako_storage_volume_get_type())
GType hako_storage_volume_get_type(void) G_GNUC_CONST;

HakoStorageVolume *hako_storage_volume_new(void);
HakoStorageVolume *hako_storage_volume_copy(const HakoStorageVolume *volume);
void hako_storage_volume_free(HakoStorageVolume *volume);
gboolean hako_storage_volume_is_in_use(const HakoStorageVolume *volume);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(HakoStoragePool, hako_storage_pool_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HakoStorageVolume, hako_storage_volume_free)

G_END_DECLS
