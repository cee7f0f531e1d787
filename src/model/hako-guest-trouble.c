/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What went wrong with a guest, from its state and reason, in plain words with the fix.
 *
 * Pure functions: the engine supplies the facts (state, reason, the disk errors libvirt
 * keeps for a guest paused by an I/O error), the UI shows the text. Reasons are libvirt's
 * per-state enums (virDomainPausedReason, ...), spelled as numbers since the model does not
 * include libvirt. */
#include "config.h"

#include "hako-guest-trouble.h"

#include <glib/gi18n.h>
#include <string.h>

/* virDomainPausedReason, virDomainShutoffReason */
#define PAUSED_IOERROR 5
#define PAUSED_CRASHED 10
#define SHUTOFF_CRASHED 3

/**
 * hako_disk_error_new:
 * @disk: the disk's target, such as "vda"
 * @code: what libvirt says went wrong
 *
 * Returns: (transfer full): a new #HakoDiskError
 */
HakoDiskError *
hako_disk_error_new(const char *disk, HakoDiskErrorCode code)
{
    HakoDiskError *error = g_new0(HakoDiskError, 1);

    error->disk = g_strdup(disk);
    error->code = code;
    return error;
}

void
hako_disk_error_free(HakoDiskError *error)
{
    if (error == NULL)
        return;
    g_free(error->disk);
    g_free(error);
}

/**
 * hako_guest_trouble_from_state:
 * @state: the guest's state
 * @reason: libvirt's reason for @state
 * @shutdown_ignored: whether the guest is still running long after a shutdown request
 *
 * Returns: what is wrong with the guest, or %HAKO_GUEST_TROUBLE_NONE
 */
HakoGuestTrouble
hako_guest_trouble_from_state(HakoDomainState state, int reason, gboolean shutdown_ignored)
{
    switch (state) {
    case HAKO_DOMAIN_STATE_PAUSED:
        if (reason == PAUSED_IOERROR)
            return HAKO_GUEST_TROUBLE_IO_ERROR;
        if (reason == PAUSED_CRASHED)
            return HAKO_GUEST_TROUBLE_CRASHED;
        return HAKO_GUEST_TROUBLE_NONE;
    case HAKO_DOMAIN_STATE_CRASHED:
        return HAKO_GUEST_TROUBLE_CRASHED;
    case HAKO_DOMAIN_STATE_SHUTOFF:
        return reason == SHUTOFF_CRASHED ? HAKO_GUEST_TROUBLE_CRASHED_OFF : HAKO_GUEST_TROUBLE_NONE;
    case HAKO_DOMAIN_STATE_RUNNING:
    case HAKO_DOMAIN_STATE_BLOCKED:
    case HAKO_DOMAIN_STATE_SHUTDOWN:
        return shutdown_ignored ? HAKO_GUEST_TROUBLE_SHUTDOWN_IGNORED : HAKO_GUEST_TROUBLE_NONE;
    case HAKO_DOMAIN_STATE_NOSTATE:
    case HAKO_DOMAIN_STATE_PMSUSPENDED:
    default:
        return HAKO_GUEST_TROUBLE_NONE;
    }
}

/**
 * hako_guest_trouble_summary:
 *
 * Returns: a few words for a guest's row in a list, or %NULL for %HAKO_GUEST_TROUBLE_NONE
 */
const char *
hako_guest_trouble_summary(HakoGuestTrouble trouble)
{
    switch (trouble) {
    case HAKO_GUEST_TROUBLE_IO_ERROR:
        /* Translators: a guest's state in the list of guests */
        return _("Paused: disk error");
    case HAKO_GUEST_TROUBLE_CRASHED:
        /* Translators: a guest's state in the list of guests */
        return _("Crashed");
    case HAKO_GUEST_TROUBLE_CRASHED_OFF:
        /* Translators: a guest's state in the list of guests */
        return _("Shut off: crashed");
    case HAKO_GUEST_TROUBLE_SHUTDOWN_IGNORED:
        /* Translators: a guest's state in the list of guests, after Shut Down did nothing */
        return _("Running: ignored shut down");
    case HAKO_GUEST_TROUBLE_NONE:
    default:
        return NULL;
    }
}

static void
append_disk_error(GString *text, const HakoDiskError *error)
{
    switch (error->code) {
    case HAKO_DISK_ERROR_NO_SPACE:
        g_string_append_printf(text,
                               /* Translators: %s is a disk's target, such as "vda" */
                               _("There is no space left on the storage of disk %s."), error->disk);
        break;
    case HAKO_DISK_ERROR_UNSPEC:
    default:
        g_string_append_printf(text,
                               /* Translators: %s is a disk's target, such as "vda" */
                               _("The host could not read or write disk %s."), error->disk);
        break;
    }
}

/**
 * hako_guest_trouble_describe:
 * @trouble: what is wrong, not %HAKO_GUEST_TROUBLE_NONE
 * @name: the guest's name
 * @disk_errors: (element-type HakoDiskError) (nullable): for %HAKO_GUEST_TROUBLE_IO_ERROR,
 *   the disks libvirt reports an error on (none or %NULL when not known yet)
 * @log_path: (nullable): where the guest's QEMU log is on its host
 *
 * Returns: (transfer full): what happened and what to do, in a few sentences
 */
char *
hako_guest_trouble_describe(HakoGuestTrouble trouble,
                            const char *name,
                            GPtrArray *disk_errors,
                            const char *log_path)
{
    GString *text = g_string_new(NULL);

    g_return_val_if_fail(name != NULL, NULL);

    switch (trouble) {
    case HAKO_GUEST_TROUBLE_IO_ERROR:
        g_string_append_printf(text, _("“%s” was paused because one of its disks failed."), name);
        for (guint i = 0; disk_errors != NULL && i < disk_errors->len; i++) {
            g_string_append_c(text, ' ');
            append_disk_error(text, g_ptr_array_index(disk_errors, i));
        }
        g_string_append_c(text, ' ');
        g_string_append(text, _("Free some space on the disk's storage or grow its pool, or check "
                                "that the storage is reachable, then resume the guest. Nothing "
                                "is lost while it waits."));
        break;
    case HAKO_GUEST_TROUBLE_CRASHED:
        g_string_append_printf(text, _("“%s” crashed: its operating system stopped with an error."),
                               name);
        g_string_append_c(text, ' ');
        if (log_path != NULL)
            g_string_append_printf(text,
                                   _("The guest is kept as it was; its log on the host is %s. "
                                     "Force it off, then run it again."),
                                   log_path);
        else
            g_string_append(text,
                            _("The guest is kept as it was. Force it off, then run it again."));
        break;
    case HAKO_GUEST_TROUBLE_CRASHED_OFF:
        g_string_append_printf(text, _("“%s” crashed and was shut off."), name);
        g_string_append_c(text, ' ');
        if (log_path != NULL)
            g_string_append_printf(
                text, _("Its log on the host is %s. Run it again to restart it."), log_path);
        else
            g_string_append(text, _("Run it again to restart it."));
        break;
    case HAKO_GUEST_TROUBLE_SHUTDOWN_IGNORED:
        g_string_append_printf(text, _("“%s” did not respond to the shutdown request."), name);
        g_string_append_c(text, ' ');
        g_string_append(text,
                        _("Its operating system may not support ACPI power buttons, or may be "
                          "busy or asking a question on its screen. Installing the QEMU guest "
                          "agent in the guest makes shutting down more reliable. Force Off stops "
                          "it at once, losing anything not saved."));
        break;
    case HAKO_GUEST_TROUBLE_NONE:
    default:
        break;
    }
    return g_string_free(text, FALSE);
}

/**
 * hako_guest_trouble_log_path:
 * @uri: the guest's connection URI
 * @name: the guest's name
 *
 * Returns: (transfer full) (nullable): where libvirt's QEMU driver keeps the guest's log on
 *   its host by default, or %NULL when the URI is not a QEMU one
 */
char *
hako_guest_trouble_log_path(const char *uri, const char *name)
{
    g_return_val_if_fail(uri != NULL, NULL);
    g_return_val_if_fail(name != NULL, NULL);

    if (!g_str_has_prefix(uri, "qemu"))
        return NULL;
    if (strstr(uri, "/session") != NULL)
        return g_strdup_printf("~/.cache/libvirt/qemu/log/%s.log", name);
    return g_strdup_printf("/var/log/libvirt/qemu/%s.log", name);
}
