/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoOsDb: the operating systems libosinfo knows, their recommended resources and devices,
 * and which one an install disc or tree holds. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define HAKO_TYPE_OS_ENTRY (hako_os_entry_get_type())
G_DECLARE_FINAL_TYPE(HakoOsEntry, hako_os_entry, HAKO, OS_ENTRY, GObject)

const char *hako_os_entry_get_id(HakoOsEntry *self);
const char *hako_os_entry_get_short_id(HakoOsEntry *self);
const char *hako_os_entry_get_name(HakoOsEntry *self);
const char *hako_os_entry_get_vendor(HakoOsEntry *self);
const char *hako_os_entry_get_family(HakoOsEntry *self);
const char *hako_os_entry_get_distro(HakoOsEntry *self);
const char *hako_os_entry_get_version(HakoOsEntry *self);
const char *hako_os_entry_get_release_date(HakoOsEntry *self);
gboolean hako_os_entry_get_eol(HakoOsEntry *self);

/* What a new guest of one operating system should get (hako_os_db_get_defaults()). */
typedef struct {
    guint64 memory_mib;
    guint64 minimum_memory_mib; /* 0 unknown */
    guint vcpus;
    guint64 disk_bytes;
    char *disk_bus;         /* "virtio", "sata", "ide" */
    char *nic_model;        /* "virtio", "e1000e", "e1000", "rtl8139" */
    char *video_model;      /* "virtio", "qxl", "vga" */
    gboolean prefers_uefi;  /* the OS needs UEFI (it lists BIOS as unsupported) */
    gboolean supports_uefi; /* the OS boots with UEFI on this architecture */
} HakoOsDefaults;

#define HAKO_TYPE_OS_DEFAULTS (hako_os_defaults_get_type())
GType hako_os_defaults_get_type(void) G_GNUC_CONST;
HakoOsDefaults *hako_os_defaults_copy(const HakoOsDefaults *defaults);
void hako_os_defaults_free(HakoOsDefaults *defaults);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HakoOsDefaults, hako_os_defaults_free)

#define HAKO_TYPE_OS_DB (hako_os_db_get_type())
G_DECLARE_FINAL_TYPE(HakoOsDb, hako_os_db, HAKO, OS_DB, GObject)

void
hako_os_db_load_async(GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
HakoOsDb *hako_os_db_load_finish(GAsyncResult *result, GError **error);

GListModel *hako_os_db_get_all(HakoOsDb *self);
GPtrArray *hako_os_db_search(HakoOsDb *self, const char *text, gboolean include_eol);
HakoOsEntry *hako_os_db_lookup(HakoOsDb *self, const char *id_or_short_id);
HakoOsDefaults *hako_os_db_get_defaults(HakoOsDb *self, HakoOsEntry *os, const char *arch);

void hako_os_db_detect_media_async(HakoOsDb *self,
                                   const char *path,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data);
HakoOsEntry *hako_os_db_detect_media_finish(HakoOsDb *self, GAsyncResult *result, GError **error);
void hako_os_db_detect_tree_async(HakoOsDb *self,
                                  const char *url,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data);
HakoOsEntry *hako_os_db_detect_tree_finish(HakoOsDb *self, GAsyncResult *result, GError **error);

G_END_DECLS
