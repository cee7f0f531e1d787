/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoStoragePool and HakoStorageVolume: what a host's storage looks like, as plain values. */
#include "config.h"

#include "hako-storage-pool.h"

#include <glib/gi18n.h>

G_DEFINE_BOXED_TYPE(HakoStoragePool,
                    hako_storage_pool,
                    hako_storage_pool_copy,
                    hako_storage_pool_free)
G_DEFINE_BOXED_TYPE(HakoStorageVolume,
                    hako_storage_volume,
                    hako_storage_volume_copy,
                    hako_storage_volume_free)

static const char *const type_names[] = {
    [HAKO_POOL_TYPE_DIR] = "dir",     [HAKO_POOL_TYPE_FS] = "fs",
    [HAKO_POOL_TYPE_NETFS] = "netfs", [HAKO_POOL_TYPE_LOGICAL] = "logical",
    [HAKO_POOL_TYPE_DISK] = "disk",   [HAKO_POOL_TYPE_ISCSI] = "iscsi",
    [HAKO_POOL_TYPE_SCSI] = "scsi",   [HAKO_POOL_TYPE_OTHER] = NULL,
};

/**
 * hako_pool_type_to_string:
 *
 * Returns: libvirt's name of @type ("dir", "netfs"…), or %NULL for %HAKO_POOL_TYPE_OTHER.
 */
const char *
hako_pool_type_to_string(HakoPoolType type)
{
    g_return_val_if_fail(type <= HAKO_POOL_TYPE_OTHER, NULL);
    return type_names[type];
}

/**
 * hako_pool_type_from_string:
 * @name: libvirt's name of a pool type
 *
 * Returns: the type, %HAKO_POOL_TYPE_OTHER for one Hako cannot create (or %NULL).
 */
HakoPoolType
hako_pool_type_from_string(const char *name)
{
    for (guint i = 0; name != NULL && i < HAKO_POOL_TYPE_OTHER; i++) {
        if (g_str_equal(name, type_names[i]))
            return (HakoPoolType)i;
    }
    return HAKO_POOL_TYPE_OTHER;
}

/**
 * hako_pool_type_get_label:
 *
 * Returns: a translated description of @type for lists and wizards.
 */
const char *
hako_pool_type_get_label(HakoPoolType type)
{
    switch (type) {
    case HAKO_POOL_TYPE_DIR:
        return _("Directory");
    case HAKO_POOL_TYPE_FS:
        return _("Pre-formatted block device");
    case HAKO_POOL_TYPE_NETFS:
        return _("Network exported directory");
    case HAKO_POOL_TYPE_LOGICAL:
        return _("LVM volume group");
    case HAKO_POOL_TYPE_DISK:
        return _("Physical disk device");
    case HAKO_POOL_TYPE_ISCSI:
        return _("iSCSI target");
    case HAKO_POOL_TYPE_SCSI:
        return _("SCSI host adapter");
    default:
        return C_("pool type", "Other");
    }
}

/**
 * hako_pool_state_get_label:
 *
 * Returns: a translated name of @state.
 */
const char *
hako_pool_state_get_label(HakoPoolState state)
{
    switch (state) {
    case HAKO_POOL_STATE_INACTIVE:
        return C_("pool state", "Stopped");
    case HAKO_POOL_STATE_BUILDING:
        return C_("pool state", "Building");
    case HAKO_POOL_STATE_RUNNING:
        return C_("pool state", "Running");
    case HAKO_POOL_STATE_DEGRADED:
        return C_("pool state", "Degraded");
    case HAKO_POOL_STATE_INACCESSIBLE:
        return C_("pool state", "Inaccessible");
    default:
        return C_("pool state", "Unknown");
    }
}

/**
 * hako_storage_pool_new:
 *
 * Returns: (transfer full): an empty pool value.
 */
HakoStoragePool *
hako_storage_pool_new(void)
{
    HakoStoragePool *pool = g_new0(HakoStoragePool, 1);

    pool->type = HAKO_POOL_TYPE_OTHER;
    return pool;
}

/**
 * hako_storage_pool_copy:
 *
 * Returns: (transfer full): a deep copy of @pool.
 */
HakoStoragePool *
hako_storage_pool_copy(const HakoStoragePool *pool)
{
    HakoStoragePool *copy;

    g_return_val_if_fail(pool != NULL, NULL);

    copy = g_memdup2(pool, sizeof *pool);
    copy->name = g_strdup(pool->name);
    copy->uuid = g_strdup(pool->uuid);
    copy->type_name = g_strdup(pool->type_name);
    copy->target_path = g_strdup(pool->target_path);
    copy->source = g_strdup(pool->source);
    return copy;
}

void
hako_storage_pool_free(HakoStoragePool *pool)
{
    if (pool == NULL)
        return;
    g_free(pool->name);
    g_free(pool->uuid);
    g_free(pool->type_name);
    g_free(pool->target_path);
    g_free(pool->source);
    g_free(pool);
}

/**
 * hako_storage_pool_is_active:
 *
 * Returns: whether the pool runs (also degraded): its volumes can be listed and used, and it
 *   cannot be deleted.
 */
gboolean
hako_storage_pool_is_active(const HakoStoragePool *pool)
{
    g_return_val_if_fail(pool != NULL, FALSE);
    return pool->state == HAKO_POOL_STATE_RUNNING || pool->state == HAKO_POOL_STATE_DEGRADED ||
           pool->state == HAKO_POOL_STATE_BUILDING;
}

/**
 * hako_storage_pool_get_usage:
 *
 * Returns: the used part of the pool, from 0 to 1, for its usage bar; 0 when its capacity is
 *   unknown (a stopped pool).
 */
double
hako_storage_pool_get_usage(const HakoStoragePool *pool)
{
    g_return_val_if_fail(pool != NULL, 0);
    if (pool->capacity == 0)
        return 0;
    return MIN(1.0, (double)pool->allocation / (double)pool->capacity);
}

/**
 * hako_storage_volume_new:
 *
 * Returns: (transfer full): an empty volume value, used by no guest.
 */
HakoStorageVolume *
hako_storage_volume_new(void)
{
    HakoStorageVolume *volume = g_new0(HakoStorageVolume, 1);

    volume->used_by = g_new0(char *, 1);
    return volume;
}

/**
 * hako_storage_volume_copy:
 *
 * Returns: (transfer full): a deep copy of @volume.
 */
HakoStorageVolume *
hako_storage_volume_copy(const HakoStorageVolume *volume)
{
    HakoStorageVolume *copy;

    g_return_val_if_fail(volume != NULL, NULL);

    copy = g_memdup2(volume, sizeof *volume);
    copy->name = g_strdup(volume->name);
    copy->key = g_strdup(volume->key);
    copy->path = g_strdup(volume->path);
    copy->format = g_strdup(volume->format);
    copy->backing_path = g_strdup(volume->backing_path);
    copy->used_by = g_strdupv(volume->used_by);
    return copy;
}

void
hako_storage_volume_free(HakoStorageVolume *volume)
{
    if (volume == NULL)
        return;
    g_free(volume->name);
    g_free(volume->key);
    g_free(volume->path);
    g_free(volume->format);
    g_free(volume->backing_path);
    g_strfreev(volume->used_by);
    g_free(volume);
}

/**
 * hako_storage_volume_is_in_use:
 *
 * Returns: whether a guest's disk uses the volume.
 */
gboolean
hako_storage_volume_is_in_use(const HakoStorageVolume *volume)
{
    g_return_val_if_fail(volume != NULL, FALSE);
    return volume->used_by != NULL && volume->used_by[0] != NULL;
}
