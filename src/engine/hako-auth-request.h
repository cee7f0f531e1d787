/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoAuthRequest: libvirt asking the user for credentials while connecting. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum {
    HAKO_CREDENTIAL_USERNAME,   /* a user name, shown as typed */
    HAKO_CREDENTIAL_PASSWORD,   /* a password or passphrase, hidden */
    HAKO_CREDENTIAL_ECHOPROMPT, /* any other answer, shown as typed */
    HAKO_CREDENTIAL_NOECHOPROMPT,
    HAKO_CREDENTIAL_CONFIRM, /* a question (an unknown host key): the prompt says it all, the
                              * answer is any text to accept, none to decline */
} HakoCredentialType;

#define HAKO_TYPE_AUTH_REQUEST (hako_auth_request_get_type())
G_DECLARE_FINAL_TYPE(HakoAuthRequest, hako_auth_request, HAKO, AUTH_REQUEST, GObject)

const char *hako_auth_request_get_uri(HakoAuthRequest *self);
guint hako_auth_request_get_n_credentials(HakoAuthRequest *self);
HakoCredentialType hako_auth_request_get_credential_type(HakoAuthRequest *self, guint nth);
const char *hako_auth_request_get_prompt(HakoAuthRequest *self, guint nth);
const char *hako_auth_request_get_default(HakoAuthRequest *self, guint nth);
void hako_auth_request_set_answer(HakoAuthRequest *self, guint nth, const char *answer);
void hako_auth_request_complete(HakoAuthRequest *self);
void hako_auth_request_cancel(HakoAuthRequest *self);
gboolean hako_auth_request_is_done(HakoAuthRequest *self);
gboolean hako_auth_request_get_can_remember(HakoAuthRequest *self);
void hako_auth_request_set_remember(HakoAuthRequest *self, gboolean remember);

G_END_DECLS
