/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoAuthRequest internals for the connection manager. */
#pragma once

#include "hako-auth-request.h"

#include <string.h>

G_BEGIN_DECLS

HakoAuthRequest *_hako_auth_request_new(const char *uri);
void _hako_auth_request_add(HakoAuthRequest *self,
                            HakoCredentialType type,
                            const char *prompt,
                            const char *default_value);
gboolean _hako_auth_request_wait(HakoAuthRequest *self);
char *_hako_auth_request_dup_answer(HakoAuthRequest *self, guint nth);
void _hako_auth_request_set_can_remember(HakoAuthRequest *self, gboolean can_remember);
gboolean _hako_auth_request_get_remember(HakoAuthRequest *self);

G_END_DECLS
