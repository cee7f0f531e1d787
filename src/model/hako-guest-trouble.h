/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What went wrong with a guest, from its state and reason, in plain words with the fix. */
#pragma once

#include "hako-model-types.h"

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
    HAKO_GUEST_TROUBLE_NONE,
    HAKO_GUEST_TROUBLE_IO_ERROR,         /* paused by a disk I/O error */
    HAKO_GUEST_TROUBLE_CRASHED,          /* crashed or panicked, kept as it was */
    HAKO_GUEST_TROUBLE_CRASHED_OFF,      /* shut off after a crash */
    HAKO_GUEST_TROUBLE_SHUTDOWN_IGNORED, /* still running long after a shutdown request */
} HakoGuestTrouble;

/* The values match libvirt's virDomainDiskErrorCode. */
typedef enum {
    HAKO_DISK_ERROR_NONE = 0,
    HAKO_DISK_ERROR_UNSPEC = 1,
    HAKO_DISK_ERROR_NO_SPACE = 2,
} HakoDiskErrorCode;

typedef struct {
    char *disk; /* the target, such as "vda" */
    HakoDiskErrorCode code;
} HakoDiskError;

HakoDiskError *hako_disk_error_new(const char *disk, HakoDiskErrorCode code);
void hako_disk_error_free(HakoDiskError *error);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HakoDiskError, hako_disk_error_free)

HakoGuestTrouble
hako_guest_trouble_from_state(HakoDomainState state, int reason, gboolean shutdown_ignored);
const char *hako_guest_trouble_summary(HakoGuestTrouble trouble);
char *hako_guest_trouble_describe(HakoGuestTrouble trouble,
                                  const char *name,
                                  GPtrArray *disk_errors,
                                  const char *log_path);
char *hako_guest_trouble_log_path(const char *uri, const char *name);

G_END_DECLS
