/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoAuthRequest: libvirt asking the user for credentials while connecting.
 *
 * libvirt calls its authentication callback on the thread that opens the
 * connection, and wants the answers before it returns. The worker thread
 * therefore waits on a condition until the main thread completes or cancels
 * the request; the main loop never waits for the worker. */
#include "config.h"

#include "hako-auth-request-private.h"

typedef struct {
    HakoCredentialType type;
    char *prompt;
    char *default_value;
    char *answer;
} Credential;

struct _HakoAuthRequest {
    GObject parent_instance;

    char *uri;
    GArray *credentials;

    GMutex lock;
    GCond cond;
    gboolean done;
    gboolean accepted;
    gboolean can_remember; /* the answer may go to the keyring, if the user says so */
    gboolean remember;
};

G_DEFINE_FINAL_TYPE(HakoAuthRequest, hako_auth_request, G_TYPE_OBJECT)

enum {
    PROP_0,
    PROP_URI,
    PROP_DONE,
    N_PROPS,
};

static GParamSpec *properties[N_PROPS];

static void
credential_clear(gpointer data)
{
    Credential *cred = data;

    g_free(cred->prompt);
    g_free(cred->default_value);
    if (cred->answer != NULL)
        memset(cred->answer, 0, strlen(cred->answer));
    g_free(cred->answer);
}

static void
hako_auth_request_finalize(GObject *object)
{
    HakoAuthRequest *self = HAKO_AUTH_REQUEST(object);

    g_free(self->uri);
    g_array_unref(self->credentials);
    g_mutex_clear(&self->lock);
    g_cond_clear(&self->cond);

    G_OBJECT_CLASS(hako_auth_request_parent_class)->finalize(object);
}

static void
hako_auth_request_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
    HakoAuthRequest *self = HAKO_AUTH_REQUEST(object);

    switch (prop_id) {
    case PROP_URI:
        g_value_set_string(value, self->uri);
        break;
    case PROP_DONE:
        g_value_set_boolean(value, hako_auth_request_is_done(self));
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    }
}

static void
hako_auth_request_class_init(HakoAuthRequestClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);

    object_class->finalize = hako_auth_request_finalize;
    object_class->get_property = hako_auth_request_get_property;

    /**
     * HakoAuthRequest:uri:
     *
     * The URI of the connection that asks.
     */
    properties[PROP_URI] =
        g_param_spec_string("uri", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
    /**
     * HakoAuthRequest:done:
     *
     * Whether the request was completed or cancelled, by the user or because
     * the connection went away (the user disconnected it, or Hako quits). A
     * dialog showing the request closes when this becomes %TRUE. Notified on
     * the main thread, the only thread that completes or cancels a request.
     */
    properties[PROP_DONE] =
        g_param_spec_boolean("done", NULL, NULL, FALSE,
                             G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
    g_object_class_install_properties(object_class, N_PROPS, properties);
}

static void
hako_auth_request_init(HakoAuthRequest *self)
{
    self->credentials = g_array_new(FALSE, TRUE, sizeof(Credential));
    g_array_set_clear_func(self->credentials, credential_clear);
    g_mutex_init(&self->lock);
    g_cond_init(&self->cond);
}

HakoAuthRequest *
_hako_auth_request_new(const char *uri)
{
    HakoAuthRequest *self = g_object_new(HAKO_TYPE_AUTH_REQUEST, NULL);

    self->uri = g_strdup(uri);
    return self;
}

void
_hako_auth_request_add(HakoAuthRequest *self,
                       HakoCredentialType type,
                       const char *prompt,
                       const char *default_value)
{
    Credential cred = {type, g_strdup(prompt), g_strdup(default_value), NULL};

    g_array_append_val(self->credentials, cred);
}

gboolean
_hako_auth_request_wait(HakoAuthRequest *self)
{
    gboolean accepted;

    g_mutex_lock(&self->lock);
    while (!self->done)
        g_cond_wait(&self->cond, &self->lock);
    accepted = self->accepted;
    g_mutex_unlock(&self->lock);
    return accepted;
}

char *
_hako_auth_request_dup_answer(HakoAuthRequest *self, guint nth)
{
    char *answer;

    g_mutex_lock(&self->lock);
    answer = g_strdup(g_array_index(self->credentials, Credential, nth).answer);
    g_mutex_unlock(&self->lock);
    return answer;
}

void
_hako_auth_request_set_can_remember(HakoAuthRequest *self, gboolean can_remember)
{
    self->can_remember = can_remember;
}

gboolean
_hako_auth_request_get_remember(HakoAuthRequest *self)
{
    gboolean remember;

    g_mutex_lock(&self->lock);
    remember = self->remember;
    g_mutex_unlock(&self->lock);
    return remember;
}

/**
 * hako_auth_request_get_can_remember:
 *
 * Whether the user may have the answer kept in the keyring (an SSH password): a dialog then
 * offers it, and says so with hako_auth_request_set_remember() before completing.
 */
gboolean
hako_auth_request_get_can_remember(HakoAuthRequest *self)
{
    g_return_val_if_fail(HAKO_IS_AUTH_REQUEST(self), FALSE);
    return self->can_remember;
}

void
hako_auth_request_set_remember(HakoAuthRequest *self, gboolean remember)
{
    g_return_if_fail(HAKO_IS_AUTH_REQUEST(self));
    g_mutex_lock(&self->lock);
    self->remember = remember && self->can_remember;
    g_mutex_unlock(&self->lock);
}

const char *
hako_auth_request_get_uri(HakoAuthRequest *self)
{
    g_return_val_if_fail(HAKO_IS_AUTH_REQUEST(self), NULL);
    return self->uri;
}

guint
hako_auth_request_get_n_credentials(HakoAuthRequest *self)
{
    g_return_val_if_fail(HAKO_IS_AUTH_REQUEST(self), 0);
    return self->credentials->len;
}

HakoCredentialType
hako_auth_request_get_credential_type(HakoAuthRequest *self, guint nth)
{
    g_return_val_if_fail(HAKO_IS_AUTH_REQUEST(self), HAKO_CREDENTIAL_ECHOPROMPT);
    g_return_val_if_fail(nth < self->credentials->len, HAKO_CREDENTIAL_ECHOPROMPT);
    return g_array_index(self->credentials, Credential, nth).type;
}

const char *
hako_auth_request_get_prompt(HakoAuthRequest *self, guint nth)
{
    g_return_val_if_fail(HAKO_IS_AUTH_REQUEST(self), NULL);
    g_return_val_if_fail(nth < self->credentials->len, NULL);
    return g_array_index(self->credentials, Credential, nth).prompt;
}

const char *
hako_auth_request_get_default(HakoAuthRequest *self, guint nth)
{
    g_return_val_if_fail(HAKO_IS_AUTH_REQUEST(self), NULL);
    g_return_val_if_fail(nth < self->credentials->len, NULL);
    return g_array_index(self->credentials, Credential, nth).default_value;
}

void
hako_auth_request_set_answer(HakoAuthRequest *self, guint nth, const char *answer)
{
    Credential *cred;

    g_return_if_fail(HAKO_IS_AUTH_REQUEST(self));
    g_return_if_fail(nth < self->credentials->len);

    g_mutex_lock(&self->lock);
    cred = &g_array_index(self->credentials, Credential, nth);
    g_free(cred->answer);
    cred->answer = g_strdup(answer);
    g_mutex_unlock(&self->lock);
}

static void
finish(HakoAuthRequest *self, gboolean accepted)
{
    gboolean changed = FALSE;

    g_mutex_lock(&self->lock);
    if (!self->done) {
        self->done = TRUE;
        self->accepted = accepted;
        changed = TRUE;
        g_cond_broadcast(&self->cond);
    }
    g_mutex_unlock(&self->lock);
    if (changed)
        g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_DONE]);
}

/**
 * hako_auth_request_complete:
 *
 * Hands the answers set with hako_auth_request_set_answer() to libvirt.
 */
void
hako_auth_request_complete(HakoAuthRequest *self)
{
    g_return_if_fail(HAKO_IS_AUTH_REQUEST(self));
    finish(self, TRUE);
}

/**
 * hako_auth_request_cancel:
 *
 * Gives up: the connection fails with an authentication error. Cancelling a
 * request that is already done does nothing.
 */
void
hako_auth_request_cancel(HakoAuthRequest *self)
{
    g_return_if_fail(HAKO_IS_AUTH_REQUEST(self));
    finish(self, FALSE);
}

gboolean
hako_auth_request_is_done(HakoAuthRequest *self)
{
    gboolean done;

    g_return_val_if_fail(HAKO_IS_AUTH_REQUEST(self), TRUE);
    g_mutex_lock(&self->lock);
    done = self->done;
    g_mutex_unlock(&self->lock);
    return done;
}
