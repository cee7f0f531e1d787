/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoMigrateSpec: how to migrate a guest, as the migrate wizard's fields, with the checks
 * libvirt would make; HakoPreflightCheck: one finding of the checks made before a migration. */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum {
    HAKO_MIGRATE_COPY_STORAGE_NONE,        /* shared storage: the disks stay where they are */
    HAKO_MIGRATE_COPY_STORAGE_ALL,         /* every writable disk copied (NON_SHARED_DISK) */
    HAKO_MIGRATE_COPY_STORAGE_INCREMENTAL, /* only the top image copied (NON_SHARED_INC) */
} HakoMigrateCopyStorage;

/* A plain value: the strings are owned by the struct (g_free them before replacing them). */
typedef struct {
    char *destination_uri; /* the destination as the source host reaches it (peer-to-peer);
                            * NULL: the destination host's own URI */
    gboolean live;         /* FALSE: offline (a shut-off guest's definition only) */
    gboolean persistent;   /* define the guest on the destination */
    gboolean undefine_source;
    gboolean peer_to_peer; /* the source daemon drives the migration */
    gboolean tunnelled;    /* the data goes over the libvirt connection (peer-to-peer only) */
    HakoMigrateCopyStorage copy_storage;
    guint64 bandwidth;    /* MiB/s, 0 for unlimited */
    guint64 max_downtime; /* ms, 0 for the hypervisor's default */
    gboolean auto_converge;
    gboolean post_copy;          /* switch to post-copy once the first pass over memory is done */
    guint64 post_copy_bandwidth; /* MiB/s once in post-copy, 0 for unlimited */
    gboolean unsafe;             /* move even when libvirt cannot tell the disks are shared */
    char *new_name;              /* the guest's name on the destination, or NULL to keep it */
    char *migrate_uri;           /* where the data goes ("tcp://10.0.0.2"), or NULL for the
                                  * address the destination reports */
} HakoMigrateSpec;

#define HAKO_TYPE_MIGRATE_SPEC (hako_migrate_spec_get_type())
GType hako_migrate_spec_get_type(void) G_GNUC_CONST;

HakoMigrateSpec *hako_migrate_spec_new(void);
HakoMigrateSpec *hako_migrate_spec_copy(const HakoMigrateSpec *spec);
void hako_migrate_spec_free(HakoMigrateSpec *spec);
gboolean hako_migrate_spec_validate(const HakoMigrateSpec *spec, GError **error);
const char *hako_migrate_copy_storage_to_string(HakoMigrateCopyStorage copy_storage);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(HakoMigrateSpec, hako_migrate_spec_free)

typedef enum {
    HAKO_PREFLIGHT_PASSED,
    HAKO_PREFLIGHT_WARNING, /* may work; the user should know */
    HAKO_PREFLIGHT_FAILED,  /* libvirt would refuse it or the guest would break */
} HakoPreflightStatus;

typedef enum {
    HAKO_PREFLIGHT_SPEC,           /* the spec itself */
    HAKO_PREFLIGHT_DESTINATION,    /* reachable, and another host than the source */
    HAKO_PREFLIGHT_GUEST_STATE,    /* running for a live migration */
    HAKO_PREFLIGHT_EXISTING_GUEST, /* a guest of the same name or UUID on the destination */
    HAKO_PREFLIGHT_CPU,            /* the guest's CPU on the destination's */
    HAKO_PREFLIGHT_DISK,           /* one disk (subject: its target) */
    HAKO_PREFLIGHT_NETWORK,        /* one NIC's network or bridge (subject: its source) */
    HAKO_PREFLIGHT_VERSION,        /* hypervisor and libvirt versions */
    HAKO_PREFLIGHT_ADDRESS,        /* the address the migration data goes to */
} HakoPreflightKind;

typedef struct {
    HakoPreflightKind kind;
    HakoPreflightStatus status;
    char *subject;  /* what it is about ("vda", "default"), or NULL */
    char *sentence; /* one translated sentence saying what was found */
} HakoPreflightCheck;

#define HAKO_TYPE_PREFLIGHT_CHECK (hako_preflight_check_get_type())
GType hako_preflight_check_get_type(void) G_GNUC_CONST;

HakoPreflightCheck *hako_preflight_check_new(HakoPreflightKind kind,
                                             HakoPreflightStatus status,
                                             const char *subject,
                                             const char *sentence);
HakoPreflightCheck *hako_preflight_check_copy(const HakoPreflightCheck *check);
void hako_preflight_check_free(HakoPreflightCheck *check);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HakoPreflightCheck, hako_preflight_check_free)

GPtrArray *hako_preflight_new_list(void);
void hako_preflight_add(GPtrArray *checks,
                        HakoPreflightKind kind,
                        HakoPreflightStatus status,
                        const char *subject,
                        const char *format,
                        ...) G_GNUC_PRINTF(5, 6);
HakoPreflightStatus hako_preflight_worst(GPtrArray *checks);
guint hako_preflight_count(GPtrArray *checks, HakoPreflightStatus status);
const HakoPreflightCheck *
hako_preflight_find(GPtrArray *checks, HakoPreflightKind kind, const char *subject);
const char *hako_preflight_kind_to_string(HakoPreflightKind kind);
const char *hako_preflight_status_to_string(HakoPreflightStatus status);

G_END_DECLS
