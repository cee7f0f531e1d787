/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "hako-credentials-private.h"

#include <glib/gi18n.h>
#include <libsecret/secret.h>

/*
 * A guest's display password, kept when the user asks, under the guest's UUID and its host's
 * URI (the same guest on another host may have another password). libsecret talks to the
 * keyring over D-Bus, asynchronously: nothing here blocks the main loop. A desktop without a
 * keyring gives an error, which callers show or pass over; nothing falls back to a file.
 */

static const SecretSchema *
display_password_schema(void)
{
    static const SecretSchema schema = {
        "org.hako.Hako.DisplayPassword",
        SECRET_SCHEMA_NONE,
        {
            {"uri", SECRET_SCHEMA_ATTRIBUTE_STRING},
            {"uuid", SECRET_SCHEMA_ATTRIBUTE_STRING},
            {NULL, 0},
        },
        0,
        NULL,
        NULL,
        NULL,
        NULL,
        NULL,
        NULL,
        NULL,
    };

    return &schema;
}

static void
lookup_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    GError *error = NULL;
    char *password = secret_password_lookup_finish(result, &error);

    if (error != NULL)
        g_task_return_error(task, error);
    else
        g_task_return_pointer(task, password, (GDestroyNotify)secret_password_free);
}

/**
 * hako_credentials_lookup_display_password_async:
 * @uri: the guest's host's connection URI
 * @uuid: the guest's UUID
 *
 * Looks up the display password kept for the guest. The result is %NULL without an error
 * when none is kept.
 */
void
hako_credentials_lookup_display_password_async(const char *uri,
                                               const char *uuid,
                                               GCancellable *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer user_data)
{
    GTask *task;

    g_return_if_fail(uri != NULL && uuid != NULL);

    task = g_task_new(NULL, cancellable, callback, user_data);
    g_task_set_source_tag(task, hako_credentials_lookup_display_password_async);
    secret_password_lookup(display_password_schema(), cancellable, lookup_cb, task, "uri", uri,
                           "uuid", uuid, NULL);
}

/**
 * hako_credentials_lookup_display_password_finish:
 *
 * Returns: (transfer full) (nullable): the password (free it with g_free()), or %NULL
 */
char *
hako_credentials_lookup_display_password_finish(GAsyncResult *result, GError **error)
{
    g_autofree char *secret = NULL;
    char *password;

    g_return_val_if_fail(g_task_is_valid(result, NULL), NULL);
    password = g_task_propagate_pointer(G_TASK(result), error);
    /* Handed on as plain memory; the keyring's own copy was wiped by secret_password_free. */
    secret = g_strdup(password);
    if (password != NULL)
        secret_password_free(password);
    return g_steal_pointer(&secret);
}

static void
boolean_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    GError *error = NULL;
    gboolean ok;

    if (g_task_get_source_tag(task) == hako_credentials_store_display_password_async)
        ok = secret_password_store_finish(result, &error);
    else
        ok = secret_password_clear_finish(result, &error) || error == NULL;
    if (error != NULL)
        g_task_return_error(task, error);
    else
        g_task_return_boolean(task, ok);
}

/**
 * hako_credentials_store_display_password_async:
 * @name: the guest's name, for the keyring's label
 *
 * Keeps @password as the guest's display password, in the default keyring.
 */
void
hako_credentials_store_display_password_async(const char *uri,
                                              const char *uuid,
                                              const char *name,
                                              const char *password,
                                              GCancellable *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer user_data)
{
    g_autofree char *label = NULL;
    GTask *task;

    g_return_if_fail(uri != NULL && uuid != NULL && name != NULL && password != NULL);

    task = g_task_new(NULL, cancellable, callback, user_data);
    g_task_set_source_tag(task, hako_credentials_store_display_password_async);
    /* Translators: the label of a password in the desktop's keyring; %s is a guest's name */
    label = g_strdup_printf(_("Display password of the guest “%s” (Hako)"), name);
    secret_password_store(display_password_schema(), SECRET_COLLECTION_DEFAULT, label, password,
                          cancellable, boolean_cb, task, "uri", uri, "uuid", uuid, NULL);
}

gboolean
hako_credentials_store_display_password_finish(GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, NULL), FALSE);
    return g_task_propagate_boolean(G_TASK(result), error);
}

/**
 * hako_credentials_clear_display_password_async:
 *
 * Forgets the guest's display password (after the display refused it).
 */
void
hako_credentials_clear_display_password_async(const char *uri,
                                              const char *uuid,
                                              GCancellable *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer user_data)
{
    GTask *task;

    g_return_if_fail(uri != NULL && uuid != NULL);

    task = g_task_new(NULL, cancellable, callback, user_data);
    g_task_set_source_tag(task, hako_credentials_clear_display_password_async);
    secret_password_clear(display_password_schema(), cancellable, boolean_cb, task, "uri", uri,
                          "uuid", uuid, NULL);
}

gboolean
hako_credentials_clear_display_password_finish(GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, NULL), FALSE);
    return g_task_propagate_boolean(G_TASK(result), error);
}

/* ---------------------------------------------------------------------------------------- */
/* SSH passwords                                                                             */

/*
 * A password or passphrase ssh asked for, kept when the user asks, under the SSH target
 * ("root@server:22") and ssh's own question (which names the user, or the key file for a
 * passphrase). These calls block: only the threads that run ssh's questions use them.
 */

static const SecretSchema *
ssh_password_schema(void)
{
    static const SecretSchema schema = {
        "org.hako.Hako.SshPassword",
        SECRET_SCHEMA_NONE,
        {
            {"target", SECRET_SCHEMA_ATTRIBUTE_STRING},
            {"prompt", SECRET_SCHEMA_ATTRIBUTE_STRING},
            {NULL, 0},
        },
        0,
        NULL,
        NULL,
        NULL,
        NULL,
        NULL,
        NULL,
        NULL,
    };

    return &schema;
}

char *
_hako_credentials_lookup_ssh_password_sync(const char *target, const char *prompt, GError **error)
{
    char *secret = secret_password_lookup_sync(ssh_password_schema(), NULL, error, "target", target,
                                               "prompt", prompt, NULL);
    char *copy = g_strdup(secret);

    secret_password_free(secret);
    return copy;
}

gboolean
_hako_credentials_store_ssh_password_sync(const char *target,
                                          const char *prompt,
                                          const char *password,
                                          GError **error)
{
    /* Translators: the keyring's name for a kept SSH password; %s is like root@server:22 */
    g_autofree char *label = g_strdup_printf(_("Hako: SSH password for %s"), target);

    return secret_password_store_sync(ssh_password_schema(), SECRET_COLLECTION_DEFAULT, label,
                                      password, NULL, error, "target", target, "prompt", prompt,
                                      NULL);
}

gboolean
_hako_credentials_clear_ssh_password_sync(const char *target, const char *prompt, GError **error)
{
    return secret_password_clear_sync(ssh_password_schema(), NULL, error, "target", target,
                                      "prompt", prompt, NULL);
}
