/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoCredentials for the engine's worker threads: SSH passwords, looked up and kept while ssh
 * waits for an answer. These calls block. */
#pragma once

#include "hako-credentials.h"

G_BEGIN_DECLS

char *
_hako_credentials_lookup_ssh_password_sync(const char *target, const char *prompt, GError **error);
gboolean _hako_credentials_store_ssh_password_sync(const char *target,
                                                   const char *prompt,
                                                   const char *password,
                                                   GError **error);
gboolean
_hako_credentials_clear_ssh_password_sync(const char *target, const char *prompt, GError **error);

G_END_DECLS
