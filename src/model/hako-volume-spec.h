/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoVolumeSpec: a storage volume to create, as the Create Volume wizard's fields, its XML,
 * and sizes as people write them ("10G", "512 MiB"). */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum {
    HAKO_VOLUME_FORMAT_QCOW2,
    HAKO_VOLUME_FORMAT_RAW,
} HakoVolumeFormat;

const char *hako_volume_format_to_string(HakoVolumeFormat format);

/* A plain value: the strings are owned by the struct (g_free them before replacing them). */
typedef struct {
    char *name;
    HakoVolumeFormat format;
    guint64 capacity;   /* bytes, the size the guest sees */
    guint64 allocation; /* bytes allocated at once, at most the capacity; 0 for sparse */
    char *backing_path; /* qcow2 only: the image it starts from and records changes to; NULL */
    HakoVolumeFormat backing_format;
} HakoVolumeSpec;

#define HAKO_TYPE_VOLUME_SPEC (hako_volume_spec_get_type())
GType hako_volume_spec_get_type(void) G_GNUC_CONST;

HakoVolumeSpec *hako_volume_spec_new(void);
HakoVolumeSpec *hako_volume_spec_copy(const HakoVolumeSpec *spec);
void hako_volume_spec_free(HakoVolumeSpec *spec);
gboolean hako_volume_spec_validate(const HakoVolumeSpec *spec, GError **error);
gboolean hako_volume_spec_check_space(const HakoVolumeSpec *spec,
                                      guint64 available,
                                      char **warning,
                                      GError **error);
char *hako_volume_spec_to_xml(const HakoVolumeSpec *spec);

gboolean hako_storage_parse_size(const char *text, guint64 *bytes, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(HakoVolumeSpec, hako_volume_spec_free)

G_END_DECLS
