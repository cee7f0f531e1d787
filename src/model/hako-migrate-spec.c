/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoMigrateSpec and its checks; HakoPreflightCheck and the helpers over a list of them. */
#include "config.h"

#include "hako-migrate-spec.h"

#include "hako-host.h"
#include "hako-model-types.h"

#include <glib/gi18n.h>
#include <string.h>

G_DEFINE_BOXED_TYPE(HakoMigrateSpec,
                    hako_migrate_spec,
                    hako_migrate_spec_copy,
                    hako_migrate_spec_free)
G_DEFINE_BOXED_TYPE(HakoPreflightCheck,
                    hako_preflight_check,
                    hako_preflight_check_copy,
                    hako_preflight_check_free)

/**
 * hako_migrate_spec_new:
 *
 * Returns: (transfer full): a live, persistent migration that undefines the source, direct,
 *   with shared storage, no limits and the destination host's own URI.
 */
HakoMigrateSpec *
hako_migrate_spec_new(void)
{
    HakoMigrateSpec *spec = g_new0(HakoMigrateSpec, 1);

    spec->live = TRUE;
    spec->persistent = TRUE;
    spec->undefine_source = TRUE;
    return spec;
}

/**
 * hako_migrate_spec_copy:
 *
 * Returns: (transfer full): a deep copy of @spec.
 */
HakoMigrateSpec *
hako_migrate_spec_copy(const HakoMigrateSpec *spec)
{
    HakoMigrateSpec *copy;

    g_return_val_if_fail(spec != NULL, NULL);

    copy = g_memdup2(spec, sizeof *spec);
    copy->destination_uri = g_strdup(spec->destination_uri);
    copy->new_name = g_strdup(spec->new_name);
    copy->migrate_uri = g_strdup(spec->migrate_uri);
    return copy;
}

void
hako_migrate_spec_free(HakoMigrateSpec *spec)
{
    if (spec == NULL)
        return;
    g_free(spec->destination_uri);
    g_free(spec->new_name);
    g_free(spec->migrate_uri);
    g_free(spec);
}

/**
 * hako_migrate_copy_storage_to_string:
 *
 * Returns: "none", "all" or "incremental".
 */
const char *
hako_migrate_copy_storage_to_string(HakoMigrateCopyStorage copy_storage)
{
    switch (copy_storage) {
    case HAKO_MIGRATE_COPY_STORAGE_ALL:
        return "all";
    case HAKO_MIGRATE_COPY_STORAGE_INCREMENTAL:
        return "incremental";
    case HAKO_MIGRATE_COPY_STORAGE_NONE:
    default:
        return "none";
    }
}

static gboolean
invalid(GError **error, const char *message)
{
    g_set_error_literal(error, HAKO_MODEL_ERROR, HAKO_MODEL_ERROR_INVALID_SPEC, message);
    return FALSE;
}

/* The forms QEMU's driver accepts for VIR_MIGRATE_PARAM_URI: tcp://HOST[:PORT], tcp:HOST[:PORT],
 * rdma://HOST[:PORT] and unix:///PATH. */
static gboolean
migrate_uri_valid(const char *uri)
{
    return g_regex_match_simple("^(tcp|rdma)(://|:)(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9._-]+)"
                                "(:[0-9]{1,5})?/?$",
                                uri, 0, 0) ||
           g_regex_match_simple("^unix://(/[^ ]+)$", uri, 0, 0);
}

/**
 * hako_migrate_spec_validate:
 * @spec: a migration
 * @error: return location for a %HAKO_MODEL_ERROR_INVALID_SPEC error
 *
 * Checks the combinations libvirt refuses, before anything is asked of a host: tunnelling
 * without peer-to-peer or with storage copied, post-copy or auto-converge without a live migration,
 * a post-copy bandwidth without post-copy, an offline migration that is not persistent or copies
 * storage, undefining the source without defining the guest on the destination, a bad
 * destination or migration URI, a bad new name.
 *
 * Returns: %TRUE when libvirt would accept the combination.
 */
gboolean
hako_migrate_spec_validate(const HakoMigrateSpec *spec, GError **error)
{
    g_return_val_if_fail(spec != NULL, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    if (spec->destination_uri != NULL) {
        g_autoptr(GError) uri_error = NULL;

        if (!hako_uri_validate(spec->destination_uri, &uri_error)) {
            g_set_error_literal(error, HAKO_MODEL_ERROR, HAKO_MODEL_ERROR_INVALID_SPEC,
                                uri_error->message);
            return FALSE;
        }
    }
    if (spec->tunnelled && !spec->peer_to_peer)
        return invalid(error, _("A tunnelled migration needs a peer-to-peer migration: turn on "
                                "peer-to-peer or turn off tunnelling."));
    if (spec->tunnelled && spec->migrate_uri != NULL)
        return invalid(error, _("A tunnelled migration sends its data over the libvirt "
                                "connection, so it cannot have a migration address."));
    if (spec->tunnelled && spec->post_copy)
        return invalid(error, _("Post-copy is not possible in a tunnelled migration."));
    if (spec->tunnelled && spec->copy_storage != HAKO_MIGRATE_COPY_STORAGE_NONE)
        return invalid(error, _("A tunnelled migration cannot copy storage (the disks' data "
                                "would need a connection of its own): turn off tunnelling, or "
                                "copy the disks first."));
    if (spec->post_copy && !spec->live)
        return invalid(error, _("Post-copy needs a live migration."));
    if (spec->post_copy_bandwidth != 0 && !spec->post_copy)
        return invalid(error, _("A post-copy bandwidth needs post-copy: turn on post-copy or "
                                "leave the post-copy bandwidth unlimited."));
    if (spec->auto_converge && !spec->live)
        return invalid(error, _("Auto-converge needs a live migration."));
    if (spec->max_downtime != 0 && !spec->live)
        return invalid(error, _("A maximum downtime needs a live migration."));
    if (!spec->live && !spec->persistent)
        return invalid(error, _("An offline migration only moves the guest's definition, so it "
                                "must define the guest on the destination (persistent)."));
    if (!spec->live && spec->copy_storage != HAKO_MIGRATE_COPY_STORAGE_NONE)
        return invalid(error, _("An offline migration cannot copy storage: copy the disks "
                                "yourself, or migrate the guest while it runs."));
    if (spec->undefine_source && !spec->persistent)
        return invalid(error, _("Undefining the guest on the source needs it defined on the "
                                "destination (persistent), or its definition would be lost."));
    if (spec->new_name != NULL && (*spec->new_name == '\0' || strchr(spec->new_name, '/') != NULL ||
                                   !g_utf8_validate(spec->new_name, -1, NULL)))
        return invalid(error, _("The new name must not be empty or contain “/”."));
    if (spec->migrate_uri != NULL && !migrate_uri_valid(spec->migrate_uri)) {
        g_set_error(error, HAKO_MODEL_ERROR, HAKO_MODEL_ERROR_INVALID_SPEC,
                    _("“%s” is not a migration address: write it as tcp://HOST or "
                      "tcp://HOST:PORT."),
                    spec->migrate_uri);
        return FALSE;
    }
    return TRUE;
}

/* ---------------------------------------------------------------------- */
/* Preflight checks */

/**
 * hako_preflight_check_new:
 *
 * Returns: (transfer full): a check saying @sentence about @subject (may be NULL).
 */
HakoPreflightCheck *
hako_preflight_check_new(HakoPreflightKind kind,
                         HakoPreflightStatus status,
                         const char *subject,
                         const char *sentence)
{
    HakoPreflightCheck *check = g_new0(HakoPreflightCheck, 1);

    check->kind = kind;
    check->status = status;
    check->subject = g_strdup(subject);
    check->sentence = g_strdup(sentence);
    return check;
}

HakoPreflightCheck *
hako_preflight_check_copy(const HakoPreflightCheck *check)
{
    g_return_val_if_fail(check != NULL, NULL);

    return hako_preflight_check_new(check->kind, check->status, check->subject, check->sentence);
}

void
hako_preflight_check_free(HakoPreflightCheck *check)
{
    if (check == NULL)
        return;
    g_free(check->subject);
    g_free(check->sentence);
    g_free(check);
}

/**
 * hako_preflight_new_list:
 *
 * Returns: (transfer full) (element-type HakoPreflightCheck): an empty list that frees its checks.
 */
GPtrArray *
hako_preflight_new_list(void)
{
    return g_ptr_array_new_with_free_func((GDestroyNotify)hako_preflight_check_free);
}

/**
 * hako_preflight_add:
 * @checks: (element-type HakoPreflightCheck): a list from hako_preflight_new_list()
 *
 * Appends a check whose sentence is @format with its arguments.
 */
void
hako_preflight_add(GPtrArray *checks,
                   HakoPreflightKind kind,
                   HakoPreflightStatus status,
                   const char *subject,
                   const char *format,
                   ...)
{
    g_autofree char *sentence = NULL;
    va_list args;

    g_return_if_fail(checks != NULL);

    va_start(args, format);
    sentence = g_strdup_vprintf(format, args);
    va_end(args);
    g_ptr_array_add(checks, hako_preflight_check_new(kind, status, subject, sentence));
}

/**
 * hako_preflight_worst:
 *
 * Returns: the worst status in @checks (%HAKO_PREFLIGHT_PASSED for none).
 */
HakoPreflightStatus
hako_preflight_worst(GPtrArray *checks)
{
    HakoPreflightStatus worst = HAKO_PREFLIGHT_PASSED;

    g_return_val_if_fail(checks != NULL, HAKO_PREFLIGHT_PASSED);

    for (guint i = 0; i < checks->len; i++) {
        const HakoPreflightCheck *check = g_ptr_array_index(checks, i);

        worst = MAX(worst, check->status);
    }
    return worst;
}

/**
 * hako_preflight_count:
 *
 * Returns: how many checks of @checks have @status.
 */
guint
hako_preflight_count(GPtrArray *checks, HakoPreflightStatus status)
{
    guint n = 0;

    g_return_val_if_fail(checks != NULL, 0);

    for (guint i = 0; i < checks->len; i++)
        if (((const HakoPreflightCheck *)g_ptr_array_index(checks, i))->status == status)
            n++;
    return n;
}

/**
 * hako_preflight_find:
 * @subject: (nullable): the subject to match, or NULL for any
 *
 * Returns: (transfer none) (nullable): the first check of @kind about @subject.
 */
const HakoPreflightCheck *
hako_preflight_find(GPtrArray *checks, HakoPreflightKind kind, const char *subject)
{
    g_return_val_if_fail(checks != NULL, NULL);

    for (guint i = 0; i < checks->len; i++) {
        const HakoPreflightCheck *check = g_ptr_array_index(checks, i);

        if (check->kind == kind && (subject == NULL || g_strcmp0(check->subject, subject) == 0))
            return check;
    }
    return NULL;
}

/**
 * hako_preflight_kind_to_string:
 *
 * Returns: a translated short title for @kind ("Destination", "CPU"…).
 */
const char *
hako_preflight_kind_to_string(HakoPreflightKind kind)
{
    switch (kind) {
    case HAKO_PREFLIGHT_SPEC:
        return _("Options");
    case HAKO_PREFLIGHT_DESTINATION:
        return _("Destination");
    case HAKO_PREFLIGHT_GUEST_STATE:
        return C_("migrate check", "State");
    case HAKO_PREFLIGHT_EXISTING_GUEST:
        return _("Existing guest");
    case HAKO_PREFLIGHT_CPU:
        return _("CPU");
    case HAKO_PREFLIGHT_DISK:
        return C_("migrate check", "Disk");
    case HAKO_PREFLIGHT_NETWORK:
        return C_("migrate check", "Network");
    case HAKO_PREFLIGHT_VERSION:
        return _("Versions");
    case HAKO_PREFLIGHT_ADDRESS:
        return _("Migration address");
    default:
        return "";
    }
}

/**
 * hako_preflight_status_to_string:
 *
 * Returns: a translated word for @status.
 */
const char *
hako_preflight_status_to_string(HakoPreflightStatus status)
{
    switch (status) {
    case HAKO_PREFLIGHT_PASSED:
        return C_("migrate check", "Passed");
    case HAKO_PREFLIGHT_WARNING:
        return C_("migrate check", "Warning");
    case HAKO_PREFLIGHT_FAILED:
    default:
        return C_("migrate check", "Failed");
    }
}
