/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoDomainOps: what the user does to a guest.
 *
 * Each operation takes a reference on the guest's connection from the
 * connection manager on the main thread (which refuses hosts that are not
 * connected or read-only), then runs its libvirt calls on a worker thread of
 * its own, so that a host that hangs holds up only that call. The guest's
 * model follows through libvirt's lifecycle events, not through the results
 * here: a result only says whether libvirt accepted the request, and why not. */
#include "config.h"

#include "hako-domain-ops.h"

#include "hako-connection-manager-private.h"
#include "hako-engine-error.h"
#include "hako-engine-private.h"

#include <glib/gi18n.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

struct _HakoDomainOps {
    GObject parent_instance;

    HakoConnectionManager *manager;
};

G_DEFINE_FINAL_TYPE(HakoDomainOps, hako_domain_ops, G_TYPE_OBJECT)

static void
hako_domain_ops_dispose(GObject *object)
{
    HakoDomainOps *self = HAKO_DOMAIN_OPS(object);

    g_clear_object(&self->manager);

    G_OBJECT_CLASS(hako_domain_ops_parent_class)->dispose(object);
}

static void
hako_domain_ops_class_init(HakoDomainOpsClass *klass)
{
    G_OBJECT_CLASS(klass)->dispose = hako_domain_ops_dispose;
}

static void
hako_domain_ops_init(HakoDomainOps *self)
{
}

/**
 * hako_domain_ops_new:
 * @manager: the connections the guests come from
 */
HakoDomainOps *
hako_domain_ops_new(HakoConnectionManager *manager)
{
    HakoDomainOps *self;

    g_return_val_if_fail(HAKO_IS_CONNECTION_MANAGER(manager), NULL);

    self = g_object_new(HAKO_TYPE_DOMAIN_OPS, NULL);
    self->manager = g_object_ref(manager);
    return self;
}

HakoConnectionManager *
hako_domain_ops_get_manager(HakoDomainOps *self)
{
    g_return_val_if_fail(HAKO_IS_DOMAIN_OPS(self), NULL);
    return self->manager;
}

/* ---------------------------------------------------------------------- */
/* Lifecycle */

typedef struct {
    virConnectPtr conn;
    char *uuid;
    char *name;
    HakoDomainAction action;
} ActionData;

static void
action_data_free(gpointer data)
{
    ActionData *d = data;

    if (d->conn != NULL)
        virConnectClose(d->conn);
    g_free(d->uuid);
    g_free(d->name);
    g_free(d);
}

static const char *
action_failure_format(HakoDomainAction action)
{
    switch (action) {
    case HAKO_DOMAIN_ACTION_RUN:
        return _("Could not start “%s”");
    case HAKO_DOMAIN_ACTION_PAUSE:
        return _("Could not pause “%s”");
    case HAKO_DOMAIN_ACTION_RESUME:
        return _("Could not resume “%s”");
    case HAKO_DOMAIN_ACTION_SHUTDOWN:
        return _("Could not shut down “%s”");
    case HAKO_DOMAIN_ACTION_REBOOT:
        return _("Could not reboot “%s”");
    case HAKO_DOMAIN_ACTION_RESET:
        return _("Could not reset “%s”");
    case HAKO_DOMAIN_ACTION_FORCE_OFF:
        return _("Could not force off “%s”");
    case HAKO_DOMAIN_ACTION_SAVE:
        return _("Could not save “%s”");
    default:
        return _("Could not change “%s”");
    }
}

static void
action_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    ActionData *d = data;
    virDomainPtr dom;
    int state = 0;
    int reason = 0;
    int ret = -1;

    dom = virDomainLookupByUUIDString(d->conn, d->uuid);
    if (dom == NULL) {
        GError *error = _hako_engine_error_from_libvirt(HAKO_ENGINE_ERROR_NOT_FOUND,
                                                        action_failure_format(d->action), d->name);

        virConnectClose(g_steal_pointer(&d->conn));
        g_task_return_error(task, error);
        return;
    }

    switch (d->action) {
    case HAKO_DOMAIN_ACTION_RUN:
        /* virDomainCreate restores a managed save image when there is one. */
        ret = virDomainCreate(dom);
        break;
    case HAKO_DOMAIN_ACTION_PAUSE:
        ret = virDomainSuspend(dom);
        break;
    case HAKO_DOMAIN_ACTION_RESUME:
        if (virDomainGetState(dom, &state, &reason, 0) == 0 && state == VIR_DOMAIN_PMSUSPENDED)
            ret = virDomainPMWakeup(dom, 0);
        else
            ret = virDomainResume(dom);
        break;
    case HAKO_DOMAIN_ACTION_SHUTDOWN:
        ret = virDomainShutdown(dom);
        break;
    case HAKO_DOMAIN_ACTION_REBOOT:
        ret = virDomainReboot(dom, 0);
        break;
    case HAKO_DOMAIN_ACTION_RESET:
        ret = virDomainReset(dom, 0);
        break;
    case HAKO_DOMAIN_ACTION_FORCE_OFF:
        ret = virDomainDestroy(dom);
        break;
    case HAKO_DOMAIN_ACTION_SAVE:
        ret = virDomainManagedSave(dom, 0);
        break;
    default:
        g_assert_not_reached();
    }

    if (ret < 0) {
        GError *error = _hako_engine_error_from_libvirt(HAKO_ENGINE_ERROR_FAILED,
                                                        action_failure_format(d->action), d->name);

        virDomainFree(dom);
        virConnectClose(g_steal_pointer(&d->conn));
        g_task_return_error(task, error);
        return;
    }
    virDomainFree(dom);
    virConnectClose(g_steal_pointer(&d->conn));
    g_task_return_boolean(task, TRUE);
}

/**
 * hako_domain_ops_lifecycle_async:
 * @domain: a guest of a connected, writable host
 * @action: what to do; %HAKO_DOMAIN_ACTION_RUN restores a managed save image
 *   when the guest has one, %HAKO_DOMAIN_ACTION_RESUME also wakes a guest
 *   suspended to memory
 *
 * Runs @action on a worker thread. The result fails with libvirt's message
 * when libvirt refuses, and at once when the host is not connected or is
 * read-only.
 */
void
hako_domain_ops_lifecycle_async(HakoDomainOps *self,
                                HakoDomain *domain,
                                HakoDomainAction action,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data)
{
    g_autoptr(GTask) task = NULL;
    GError *error = NULL;
    virConnectPtr conn;
    ActionData *d;

    g_return_if_fail(HAKO_IS_DOMAIN_OPS(self));
    g_return_if_fail(HAKO_IS_DOMAIN(domain));

    task = g_task_new(self, cancellable, callback, user_data);
    g_task_set_source_tag(task, hako_domain_ops_lifecycle_async);

    conn = _hako_connection_manager_dup_conn_to_change(self->manager, domain, &error);
    if (conn == NULL) {
        g_task_return_error(task, error);
        return;
    }

    d = g_new0(ActionData, 1);
    d->conn = conn;
    d->uuid = g_strdup(hako_domain_get_uuid(domain));
    d->name = g_strdup(hako_domain_get_name(domain));
    d->action = action;
    g_task_set_task_data(task, d, action_data_free);
    _hako_task_run_in_own_thread(task, action_thread);
}

gboolean
hako_domain_ops_lifecycle_finish(HakoDomainOps *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), FALSE);
    return g_task_propagate_boolean(G_TASK(result), error);
}
