/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Enumerations shared by the model objects. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The values match libvirt's virDomainState, so the engine can cast. */
typedef enum {
    HAKO_DOMAIN_STATE_NOSTATE = 0,
    HAKO_DOMAIN_STATE_RUNNING = 1,
    HAKO_DOMAIN_STATE_BLOCKED = 2,
    HAKO_DOMAIN_STATE_PAUSED = 3,
    HAKO_DOMAIN_STATE_SHUTDOWN = 4,
    HAKO_DOMAIN_STATE_SHUTOFF = 5,
    HAKO_DOMAIN_STATE_CRASHED = 6,
    HAKO_DOMAIN_STATE_PMSUSPENDED = 7,
} HakoDomainState;

typedef enum {
    HAKO_HOST_STATE_DISCONNECTED,
    HAKO_HOST_STATE_CONNECTING,
    HAKO_HOST_STATE_CONNECTED,
} HakoHostState;

/* What a user can do to a guest; the engine maps each to a libvirt call. */
typedef enum {
    HAKO_DOMAIN_ACTION_RUN,
    HAKO_DOMAIN_ACTION_PAUSE,
    HAKO_DOMAIN_ACTION_RESUME,
    HAKO_DOMAIN_ACTION_SHUTDOWN,
    HAKO_DOMAIN_ACTION_REBOOT,
    HAKO_DOMAIN_ACTION_RESET,
    HAKO_DOMAIN_ACTION_FORCE_OFF,
    HAKO_DOMAIN_ACTION_SAVE,
} HakoDomainAction;

#define HAKO_MODEL_ERROR (hako_model_error_quark())

typedef enum {
    HAKO_MODEL_ERROR_INVALID_SPEC,
    HAKO_MODEL_ERROR_INVALID_URI,
} HakoModelError;

GQuark hako_model_error_quark(void);

G_END_DECLS
