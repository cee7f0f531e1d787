/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The engine's error domain. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define HAKO_ENGINE_ERROR (hako_engine_error_quark())

typedef enum {
    HAKO_ENGINE_ERROR_FAILED,
    HAKO_ENGINE_ERROR_NOT_SUPPORTED,
    HAKO_ENGINE_ERROR_AUTH_FAILED,
    HAKO_ENGINE_ERROR_CONNECTION_LOST,
    HAKO_ENGINE_ERROR_NOT_FOUND,
    HAKO_ENGINE_ERROR_READ_ONLY,
    HAKO_ENGINE_ERROR_NOT_CONNECTED,
    HAKO_ENGINE_ERROR_INVALID_DATA,
    HAKO_ENGINE_ERROR_HOST_KEY, /* an SSH host key that is not accepted or has changed */
    HAKO_ENGINE_ERROR_IN_USE,   /* a guest uses it (a volume): the user may insist */
} HakoEngineError;

GQuark hako_engine_error_quark(void);

G_END_DECLS
