/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoPoolSpec: a storage pool to create, as the Create Pool wizard's fields, and its XML. */
#pragma once

#include "hako-storage-pool.h"

#include <glib-object.h>

G_BEGIN_DECLS

/* The fields of HakoPoolSpec a type of pool uses (hako_pool_type_get_fields()). */
typedef enum {
    HAKO_POOL_FIELD_TARGET_PATH = 1 << 0,
    HAKO_POOL_FIELD_SOURCE_DEVICE = 1 << 1,
    HAKO_POOL_FIELD_SOURCE_HOST = 1 << 2,
    HAKO_POOL_FIELD_SOURCE_PATH = 1 << 3,
    HAKO_POOL_FIELD_SOURCE_IQN = 1 << 4,
    HAKO_POOL_FIELD_INITIATOR_IQN = 1 << 5,
    HAKO_POOL_FIELD_ADAPTER = 1 << 6,
    HAKO_POOL_FIELD_FORMAT = 1 << 7,
} HakoPoolFields;

/*
 * A plain value: the strings are owned by the struct (g_free them before replacing them).
 * Fields the type does not use are kept but left out of the XML and of the checks.
 */
typedef struct {
    HakoPoolType type;
    char *name;
    char *target_path;   /* dir, fs, netfs: the mount point or directory; logical, disk, iscsi,
                          * scsi: where the volumes appear (optional, libvirt has a default) */
    char *source_device; /* fs, disk: the block device; logical: the physical volume (optional) */
    char *source_host;   /* netfs, iscsi: the server's name or address */
    char *source_path;   /* netfs: the exported directory */
    char *source_iqn;    /* iscsi: the target's IQN */
    char *initiator_iqn; /* iscsi: this host's IQN (optional) */
    char *adapter;       /* scsi: the host adapter, such as host0 */
    char *format;        /* fs, netfs, disk: see hako_pool_type_get_formats(); NULL for auto */
    gboolean build; /* build before starting: make the directory, or format the device (logical,
                     * disk; refused when it holds data) */
} HakoPoolSpec;

#define HAKO_TYPE_POOL_SPEC (hako_pool_spec_get_type())
GType hako_pool_spec_get_type(void) G_GNUC_CONST;

HakoPoolFields hako_pool_type_get_fields(HakoPoolType type);
HakoPoolFields hako_pool_type_get_required_fields(HakoPoolType type);
const char *const *hako_pool_type_get_formats(HakoPoolType type);
gboolean hako_pool_type_can_build(HakoPoolType type);

HakoPoolSpec *hako_pool_spec_new(HakoPoolType type);
HakoPoolSpec *hako_pool_spec_copy(const HakoPoolSpec *spec);
void hako_pool_spec_free(HakoPoolSpec *spec);
gboolean hako_pool_spec_validate(const HakoPoolSpec *spec, GError **error);
char *hako_pool_spec_to_xml(const HakoPoolSpec *spec);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(HakoPoolSpec, hako_pool_spec_free)

G_END_DECLS
