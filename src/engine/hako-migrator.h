/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoMigrator: the checks before a guest's migration, and the migration itself with its
 * progress, cancel, and where the guest runs afterwards. */
#pragma once

#include "hako-connection-manager.h"
#include "hako-domain.h"
#include "hako-host.h"
#include "hako-migrate-spec.h"

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum {
    HAKO_MIGRATE_PHASE_STARTING,   /* no job on the source yet */
    HAKO_MIGRATE_PHASE_STORAGE,    /* copying disks */
    HAKO_MIGRATE_PHASE_MEMORY,     /* copying memory while the guest runs */
    HAKO_MIGRATE_PHASE_POST_COPY,  /* running on the destination, memory fetched on demand */
    HAKO_MIGRATE_PHASE_FINISHING,  /* the data is over; the hosts hand the guest over */
    HAKO_MIGRATE_PHASE_CANCELLING, /* asked to stop */
} HakoMigratePhase;

/* One reading of the source's job (virDomainGetJobStats), as a plain value. */
typedef struct {
    HakoMigratePhase phase;
    guint64 data_total;      /* bytes: memory and disks to move, as QEMU counts it now */
    guint64 data_processed;  /* bytes moved, more than data_total once memory is sent again */
    guint64 data_remaining;  /* bytes left */
    guint64 rate;            /* bytes/s, 0 when not known yet */
    guint64 iterations;      /* passes over memory */
    guint64 downtime;        /* ms the guest is expected to stop for, 0 when not known */
    gint64 eta;              /* seconds left, -1 when not known */
    guint64 elapsed;         /* ms since the job started */
    guint64 stalled;         /* ms since the data last moved (a cut link, a hung host), 0 while
                              * it moves; rate and eta are then not known */
    gboolean not_converging; /* pass after pass over memory (5 or more) before post-copy: the
                              * guest dirties memory about as fast as it moves */
} HakoMigrateProgress;

double hako_migrate_progress_get_fraction(const HakoMigrateProgress *progress);

/* Called on the main context of the thread that started the migration, never after its
 * callback; the progress is only valid during the call. */
typedef void (*HakoMigrateProgressFunc)(const HakoMigrateProgress *progress, gpointer user_data);

/* Where the guest runs after a migration (a plain value). */
typedef struct {
    char *host_uri;   /* the destination's URI */
    char *host_label; /* its label */
    char *name;       /* the guest's name there */
    char *uuid;
    gboolean running;         /* FALSE when it arrived paused */
    gboolean persistent;      /* defined there */
    gboolean source_defined;  /* still defined (shut off) on the source */
    gboolean cancel_too_late; /* cancelled once the guest ran on the destination (post-copy, or
                               * the hand-over): the migration went on to its end */
} HakoMigrateResult;

#define HAKO_TYPE_MIGRATE_RESULT (hako_migrate_result_get_type())
GType hako_migrate_result_get_type(void) G_GNUC_CONST;
HakoMigrateResult *hako_migrate_result_copy(const HakoMigrateResult *result);
void hako_migrate_result_free(HakoMigrateResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HakoMigrateResult, hako_migrate_result_free)

const char *hako_migrate_phase_to_string(HakoMigratePhase phase);

#define HAKO_TYPE_MIGRATOR (hako_migrator_get_type())
G_DECLARE_FINAL_TYPE(HakoMigrator, hako_migrator, HAKO, MIGRATOR, GObject)

HakoMigrator *hako_migrator_new(HakoConnectionManager *manager);

void hako_migrator_preflight_async(HakoMigrator *self,
                                   HakoDomain *domain,
                                   HakoHost *dest_host,
                                   const HakoMigrateSpec *spec,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data);
GPtrArray *hako_migrator_preflight_finish(HakoMigrator *self, GAsyncResult *result, GError **error);

void hako_migrator_migrate_async(HakoMigrator *self,
                                 HakoDomain *domain,
                                 HakoHost *dest_host,
                                 const HakoMigrateSpec *spec,
                                 HakoMigrateProgressFunc progress,
                                 gpointer progress_data,
                                 GDestroyNotify progress_destroy,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data);
HakoMigrateResult *
hako_migrator_migrate_finish(HakoMigrator *self, GAsyncResult *result, GError **error);

G_END_DECLS
