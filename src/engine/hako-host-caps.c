/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The kinds of guest a connected host offers, read from libvirt on a worker thread.
 *
 * As HakoStorage does, the connection is taken from the connection manager on the main thread
 * (a read-only one is enough), and the libvirt calls and the GError happen on a thread of its
 * own: the capabilities first, then the domain capabilities of each option. A driver without
 * domain capabilities (the test driver, old daemons), or one that refuses them for one option
 * (an emulator that cannot run here), leaves that option's extra facts unknown rather than
 * failing the whole answer. */
#include "config.h"

#include "hako-host-caps.h"

#include "hako-connection-manager-private.h"
#include "hako-engine-error.h"
#include "hako-engine-private.h"

#include <glib/gi18n.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

typedef struct {
    virConnectPtr conn;
    char *label;
} CapsData;

static void
caps_data_free(gpointer data)
{
    CapsData *d = data;

    if (d->conn != NULL)
        virConnectClose(d->conn);
    g_free(d->label);
    g_free(d);
}

/* Worker thread: the domain capabilities of @option, if the host gives them. */
static void
complete_option(virConnectPtr conn, HakoGuestOption *option)
{
    g_autoptr(GError) error = NULL;
    char *xml;

    xml = virConnectGetDomainCapabilities(conn, option->emulator, option->arch,
                                          option->default_machine, option->domain_type, 0);
    if (xml == NULL) {
        g_debug("no domain capabilities for %s %s: %s", option->domain_type, option->arch,
                _hako_libvirt_last_message());
        virResetLastError();
        return;
    }
    if (!hako_guest_option_apply_domain_caps(option, xml, &error))
        g_debug("domain capabilities of %s %s: %s", option->domain_type, option->arch,
                error->message);
    free(xml);
}

/* Worker thread: the capabilities, then each option's domain capabilities. */
static HakoGuestCaps *
read_caps(GTask *task, CapsData *d, GError **error)
{
    g_autoptr(HakoGuestCaps) caps = NULL;
    char *xml = virConnectGetCapabilities(d->conn);

    if (xml == NULL) {
        g_propagate_error(error, _hako_engine_error_from_libvirt(
                                     HAKO_ENGINE_ERROR_FAILED,
                                     _("Could not read the capabilities of %s"), d->label));
        return NULL;
    }
    caps = hako_guest_caps_parse(xml, error);
    free(xml);
    for (guint i = 0; caps != NULL && i < caps->options->len; i++) {
        if (g_cancellable_set_error_if_cancelled(g_task_get_cancellable(task), error))
            return NULL;
        complete_option(d->conn, caps->options->pdata[i]);
    }
    return g_steal_pointer(&caps);
}

static void
caps_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    CapsData *d = data;
    GError *error = NULL;
    HakoGuestCaps *caps = read_caps(task, d, &error);

    /* the last reference may be the worker's: close it here, never on the main thread */
    virConnectClose(g_steal_pointer(&d->conn));
    if (caps == NULL)
        g_task_return_error(task, error);
    else
        g_task_return_pointer(task, caps, (GDestroyNotify)hako_guest_caps_free);
}

/**
 * hako_engine_get_guest_caps_async:
 * @manager: the connections @host belongs to
 * @host: a connected host (read-only is enough)
 *
 * Reads, on a worker thread, the kinds of guest @host can run: its capabilities, completed by
 * the domain capabilities of each kind where the host has them (see hako_guest_caps_parse()
 * and hako_guest_option_apply_domain_caps()). Fails at once with
 * %HAKO_ENGINE_ERROR_NOT_CONNECTED when @host is not connected.
 */
void
hako_engine_get_guest_caps_async(HakoConnectionManager *manager,
                                 HakoHost *host,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data)
{
    g_autoptr(GTask) task = NULL;
    GError *error = NULL;
    virConnectPtr conn;
    CapsData *d;

    g_return_if_fail(HAKO_IS_CONNECTION_MANAGER(manager));
    g_return_if_fail(HAKO_IS_HOST(host));

    task = g_task_new(manager, cancellable, callback, user_data);
    g_task_set_source_tag(task, hako_engine_get_guest_caps_async);
    conn = _hako_connection_manager_dup_host_conn_to_read(manager, host, NULL, &error);
    if (conn == NULL) {
        g_task_return_error(task, error);
        return;
    }
    d = g_new0(CapsData, 1);
    d->conn = conn;
    d->label = g_strdup(hako_host_get_label(host));
    g_task_set_task_data(task, d, caps_data_free);
    /* a host that stops answering must not hold one of GTask's few shared threads */
    _hako_task_run_in_own_thread(task, caps_thread);
}

/**
 * hako_engine_get_guest_caps_finish:
 *
 * Returns: (transfer full): the host's guest options, sorted, or %NULL with @error set.
 */
HakoGuestCaps *
hako_engine_get_guest_caps_finish(GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(G_IS_TASK(result), NULL);
    g_return_val_if_fail(g_task_get_source_tag(G_TASK(result)) == hako_engine_get_guest_caps_async,
                         NULL);

    return g_task_propagate_pointer(G_TASK(result), error);
}
