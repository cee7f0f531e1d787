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
#include "hako-console-stream-private.h"
#include "hako-domain-private.h"
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
    gboolean autostart; /* for hako_domain_ops_set_autostart_async() */
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

/* The task's data for a call on @domain: a connection of its own (one that may change the guest,
 * or only read), its UUID and name. NULL after returning the error on @task when the host cannot
 * be used. */
static ActionData *
action_data_attach(HakoDomainOps *self, GTask *task, HakoDomain *domain, gboolean to_change)
{
    GError *error = NULL;
    virConnectPtr conn =
        to_change ? _hako_connection_manager_dup_conn_to_change(self->manager, domain, &error)
                  : _hako_connection_manager_dup_conn_to_read(self->manager, domain, NULL, &error);
    ActionData *d;

    if (conn == NULL) {
        g_task_return_error(task, error);
        return NULL;
    }
    d = g_new0(ActionData, 1);
    d->conn = conn;
    d->uuid = g_strdup(hako_domain_get_uuid(domain));
    d->name = g_strdup(hako_domain_get_name(domain));
    g_task_set_task_data(task, d, action_data_free);
    return d;
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
        GError *error =
            d->action == HAKO_DOMAIN_ACTION_RUN
                ? _hako_engine_error_from_failed_start(action_failure_format(d->action), d->name)
                : _hako_engine_error_from_libvirt(HAKO_ENGINE_ERROR_FAILED,
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

/* How long a guest may take to stop after a shutdown request before Hako says it did not
 * respond; HAKO_SHUTDOWN_TIMEOUT (seconds) shortens it for tests. */
#define SHUTDOWN_TIMEOUT_S 30

static guint
shutdown_timeout(void)
{
    const char *env = g_getenv("HAKO_SHUTDOWN_TIMEOUT");
    guint64 value;

    if (env != NULL && g_ascii_string_to_unsigned(env, 10, 1, 3600, &value, NULL))
        return (guint)value;
    return SHUTDOWN_TIMEOUT_S;
}

typedef struct {
    HakoDomain *domain;
    GAsyncReadyCallback callback;
    gpointer user_data;
} LifecycleCall;

/* One pending wait per guest, kept on the guest (object data): a new request restarts it, and
 * the guest stopping or pausing ends it, so a guest stopped and run again within the timeout is
 * not taken for one that ignored the request. */
#define SHUTDOWN_WATCH_KEY "hako-shutdown-watch"

typedef struct {
    HakoDomain *domain; /* weak: the watch is the guest's data */
    guint source_id;
    gulong handler_id;
} ShutdownWatch;

static void
shutdown_watch_free(gpointer data)
{
    ShutdownWatch *watch = data;

    g_clear_handle_id(&watch->source_id, g_source_remove);
    /* When the guest is finalized its handlers are gone before its data. */
    if (g_signal_handler_is_connected(watch->domain, watch->handler_id))
        g_signal_handler_disconnect(watch->domain, watch->handler_id);
    g_free(watch);
}

static gboolean
shutdown_timeout_cb(gpointer data)
{
    ShutdownWatch *watch = data;
    HakoDomain *domain = watch->domain;

    watch->source_id = 0;
    _hako_domain_set_shutdown_ignored(domain, TRUE);
    g_object_set_data(G_OBJECT(domain), SHUTDOWN_WATCH_KEY, NULL);
    return G_SOURCE_REMOVE;
}

static void
shutdown_watch_state_cb(HakoDomain *domain, GParamSpec *pspec, gpointer data)
{
    switch (hako_domain_get_state(domain)) {
    case HAKO_DOMAIN_STATE_RUNNING:
    case HAKO_DOMAIN_STATE_BLOCKED:
    case HAKO_DOMAIN_STATE_SHUTDOWN:
        return;
    default:
        g_object_set_data(G_OBJECT(domain), SHUTDOWN_WATCH_KEY, NULL);
    }
}

static void
watch_shutdown(HakoDomain *domain)
{
    ShutdownWatch *watch = g_new0(ShutdownWatch, 1);

    watch->domain = domain;
    /* Not g_timeout_add_seconds(): it aligns to the second and may fire almost a second early. */
    watch->source_id = g_timeout_add(shutdown_timeout() * 1000, shutdown_timeout_cb, watch);
    watch->handler_id =
        g_signal_connect(domain, "notify::state", G_CALLBACK(shutdown_watch_state_cb), NULL);
    /* Replaces (and ends) the previous request's watch. */
    g_object_set_data_full(G_OBJECT(domain), SHUTDOWN_WATCH_KEY, watch, shutdown_watch_free);
}

/* A shutdown request libvirt accepted: the guest's operating system may still ignore it,
 * which only time tells. The model's flag is set when it still runs after the timeout. */
static void
lifecycle_done_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    LifecycleCall *call = user_data;

    if (!g_task_had_error(G_TASK(result)))
        watch_shutdown(call->domain);
    if (call->callback != NULL)
        call->callback(source, result, call->user_data);
    g_object_unref(call->domain);
    g_free(call);
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
 * read-only. When libvirt accepts %HAKO_DOMAIN_ACTION_SHUTDOWN and the guest still runs
 * some time later (30 s, or `HAKO_SHUTDOWN_TIMEOUT` seconds), the guest's
 * #HakoDomain:shutdown-ignored becomes %TRUE.
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
    ActionData *d;

    g_return_if_fail(HAKO_IS_DOMAIN_OPS(self));
    g_return_if_fail(HAKO_IS_DOMAIN(domain));

    if (action == HAKO_DOMAIN_ACTION_SHUTDOWN) {
        LifecycleCall *call = g_new0(LifecycleCall, 1);

        /* A new request starts a new wait. */
        _hako_domain_set_shutdown_ignored(domain, FALSE);
        call->domain = g_object_ref(domain);
        call->callback = callback;
        call->user_data = user_data;
        task = g_task_new(self, cancellable, lifecycle_done_cb, call);
    } else {
        task = g_task_new(self, cancellable, callback, user_data);
    }
    g_task_set_source_tag(task, hako_domain_ops_lifecycle_async);

    d = action_data_attach(self, task, domain, TRUE);
    if (d == NULL)
        return;
    d->action = action;
    _hako_task_run_in_own_thread(task, action_thread);
}

gboolean
hako_domain_ops_lifecycle_finish(HakoDomainOps *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), FALSE);
    return g_task_propagate_boolean(G_TASK(result), error);
}

/* ---------------------------------------------------------------------- */
/* Autostart */

static void
autostart_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    ActionData *d = data;
    virDomainPtr dom = virDomainLookupByUUIDString(d->conn, d->uuid);
    int ret = dom != NULL ? virDomainSetAutostart(dom, d->autostart) : -1;

    if (ret < 0) {
        GError *error = _hako_engine_error_from_libvirt(
            dom != NULL ? HAKO_ENGINE_ERROR_FAILED : HAKO_ENGINE_ERROR_NOT_FOUND,
            d->autostart ? _("Could not make “%s” start with its host")
                         : _("Could not stop “%s” from starting with its host"),
            d->name);

        if (dom != NULL)
            virDomainFree(dom);
        g_task_return_error(task, error);
        return;
    }
    virDomainFree(dom);
    g_task_return_boolean(task, TRUE);
}

/**
 * hako_domain_ops_set_autostart_async:
 * @domain: a persistent guest of a connected, writable host
 * @autostart: whether the guest starts when its host (libvirtd) starts
 *
 * Sets the guest's autostart flag on a worker thread.
 */
void
hako_domain_ops_set_autostart_async(HakoDomainOps *self,
                                    HakoDomain *domain,
                                    gboolean autostart,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data)
{
    g_autoptr(GTask) task = NULL;
    ActionData *d;

    g_return_if_fail(HAKO_IS_DOMAIN_OPS(self));
    g_return_if_fail(HAKO_IS_DOMAIN(domain));

    task = g_task_new(self, cancellable, callback, user_data);
    g_task_set_source_tag(task, hako_domain_ops_set_autostart_async);
    d = action_data_attach(self, task, domain, TRUE);
    if (d == NULL)
        return;
    d->autostart = autostart;
    _hako_task_run_in_own_thread(task, autostart_thread);
}

gboolean
hako_domain_ops_set_autostart_finish(HakoDomainOps *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), FALSE);
    return g_task_propagate_boolean(G_TASK(result), error);
}

/* ---------------------------------------------------------------------- */
/* Disk errors */

static void
disk_errors_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    ActionData *d = data;
    g_autoptr(GPtrArray) errors =
        g_ptr_array_new_with_free_func((GDestroyNotify)hako_disk_error_free);
    virDomainDiskErrorPtr raw = NULL;
    virDomainPtr dom;
    int n = -1;

    dom = virDomainLookupByUUIDString(d->conn, d->uuid);
    if (dom != NULL) {
        n = virDomainGetDiskErrors(dom, NULL, 0, 0);
        if (n > 0) {
            raw = g_new0(virDomainDiskError, n);
            n = virDomainGetDiskErrors(dom, raw, n, 0);
        }
    }
    if (n < 0) {
        GError *error = _hako_engine_error_from_libvirt(
            dom != NULL ? HAKO_ENGINE_ERROR_FAILED : HAKO_ENGINE_ERROR_NOT_FOUND,
            _("Could not read the disk errors of “%s”"), d->name);

        g_free(raw);
        if (dom != NULL)
            virDomainFree(dom);
        g_task_return_error(task, error);
        return;
    }
    for (int i = 0; i < n; i++) {
        /* libvirt names each disk by its target ("vda"), as the guest's pages do. */
        g_ptr_array_add(errors, hako_disk_error_new(raw[i].disk, (HakoDiskErrorCode)raw[i].error));
        free(raw[i].disk);
    }
    g_free(raw);
    virDomainFree(dom);
    g_task_return_pointer(task, g_steal_pointer(&errors), (GDestroyNotify)g_ptr_array_unref);
}

/**
 * hako_domain_ops_get_disk_errors_async:
 * @domain: a guest of a connected host, typically paused by an I/O error
 *
 * Asks libvirt, on a worker thread, which of the guest's disks had an error
 * (virDomainGetDiskErrors()) and what error.
 */
void
hako_domain_ops_get_disk_errors_async(HakoDomainOps *self,
                                      HakoDomain *domain,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data)
{
    g_autoptr(GTask) task = NULL;
    ActionData *d;

    g_return_if_fail(HAKO_IS_DOMAIN_OPS(self));
    g_return_if_fail(HAKO_IS_DOMAIN(domain));

    task = g_task_new(self, cancellable, callback, user_data);
    g_task_set_source_tag(task, hako_domain_ops_get_disk_errors_async);
    d = action_data_attach(self, task, domain, FALSE);
    if (d == NULL)
        return;
    _hako_task_run_in_own_thread(task, disk_errors_thread);
}

/**
 * hako_domain_ops_get_disk_errors_finish:
 *
 * Returns: (transfer container) (element-type HakoDiskError): the disks with an error, each
 *   named by its target ("vda"), possibly none; %NULL on error
 */
GPtrArray *
hako_domain_ops_get_disk_errors_finish(HakoDomainOps *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), NULL);
    return g_task_propagate_pointer(G_TASK(result), error);
}

/* ---------------------------------------------------------------------- */
/* Consoles */

typedef struct {
    virConnectPtr conn;
    gboolean read_only;
    char *uuid;
    char *name;
    char *uri_host;     /* the host part of the connection's URI, NULL when local */
    HakoSshMaster *ssh; /* the host's SSH session, which consoles go through, or NULL */
    gboolean direct;    /* straight to the display's address (HAKO_CONNECT_DIRECT) */
    HakoConsoleKind kind;
    guint index;
} ConsoleData;

static void
console_data_free(gpointer data)
{
    ConsoleData *d = data;

    if (d->conn != NULL)
        virConnectClose(d->conn);
    g_free(d->uuid);
    g_free(d->name);
    g_free(d->uri_host);
    g_clear_pointer(&d->ssh, _hako_ssh_master_unref);
    g_free(d);
}

/* The host part of a libvirt URI ("qemu+ssh://root@server/system" -> "server"), or NULL. */
static char *
uri_host(const char *uri)
{
    g_autoptr(GUri) parsed = uri != NULL ? g_uri_parse(uri, G_URI_FLAGS_NON_DNS, NULL) : NULL;
    const char *host = parsed != NULL ? g_uri_get_host(parsed) : NULL;

    return host != NULL && *host != '\0' ? g_strdup(host) : NULL;
}

static ConsoleData *
console_data_new(HakoDomainOps *self, HakoDomain *domain, GError **error)
{
    ConsoleData *d;
    gboolean read_only = FALSE;
    virConnectPtr conn =
        _hako_connection_manager_dup_conn_to_read(self->manager, domain, &read_only, error);

    if (conn == NULL)
        return NULL;
    d = g_new0(ConsoleData, 1);
    d->conn = conn;
    d->read_only = read_only;
    d->uuid = g_strdup(hako_domain_get_uuid(domain));
    d->name = g_strdup(hako_domain_get_name(domain));
    d->uri_host = uri_host(hako_host_get_uri(hako_domain_get_host(domain)));
    d->ssh = _hako_connection_manager_dup_ssh_master(self->manager, domain);
    d->direct = _hako_connection_manager_get_direct(self->manager, domain);
    return d;
}

/* The running guest's consoles, from its live XML (with passwords where the connection may). */
static GPtrArray *
read_consoles(ConsoleData *d, virDomainPtr *dom_out, GError **error)
{
    g_autofree char *xml = NULL;
    virDomainPtr dom = virDomainLookupByUUIDString(d->conn, d->uuid);
    char *raw;

    if (dom == NULL) {
        *error = _hako_engine_error_from_libvirt(HAKO_ENGINE_ERROR_NOT_FOUND,
                                                 _("Could not find “%s”"), d->name);
        return NULL;
    }
    raw = virDomainGetXMLDesc(dom, d->read_only ? 0 : VIR_DOMAIN_XML_SECURE);
    /* A connection the daemon keeps read-only (its read-only socket, an ACL) may not read the
     * passwords even though Hako did not open it read-only: then without them, and the user
     * is asked for a display password. */
    if (raw == NULL && !d->read_only && virGetLastErrorCode() == VIR_ERR_OPERATION_DENIED) {
        g_debug("No secure description of “%s”: %s", d->name, _hako_libvirt_last_message());
        virResetLastError();
        d->read_only = TRUE;
        raw = virDomainGetXMLDesc(dom, 0);
    }
    if (raw == NULL) {
        *error = _hako_engine_error_from_libvirt(
            HAKO_ENGINE_ERROR_FAILED, _("Could not read the description of “%s”"), d->name);
        virDomainFree(dom);
        return NULL;
    }
    xml = g_strdup(raw);
    free(raw);
    if (dom_out != NULL)
        *dom_out = dom;
    else
        virDomainFree(dom);
    return hako_console_devices_from_xml(xml, error);
}

static void
list_consoles_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    ConsoleData *d = data;
    GError *error = NULL;
    GPtrArray *devices = read_consoles(d, NULL, &error);

    virConnectClose(g_steal_pointer(&d->conn));
    if (devices == NULL)
        g_task_return_error(task, error);
    else
        g_task_return_pointer(task, devices, (GDestroyNotify)g_ptr_array_unref);
}

/**
 * hako_domain_ops_list_consoles_async:
 * @domain: a guest of a connected host (read-only is enough)
 *
 * Reads the guest's consoles on a worker thread: its displays, serial ports and text consoles
 * (hako_console_devices_from_xml()), as they are while it runs (ports assigned).
 */
void
hako_domain_ops_list_consoles_async(HakoDomainOps *self,
                                    HakoDomain *domain,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data)
{
    g_autoptr(GTask) task = NULL;
    GError *error = NULL;
    ConsoleData *d;

    g_return_if_fail(HAKO_IS_DOMAIN_OPS(self));
    g_return_if_fail(HAKO_IS_DOMAIN(domain));

    task = g_task_new(self, cancellable, callback, user_data);
    g_task_set_source_tag(task, hako_domain_ops_list_consoles_async);
    d = console_data_new(self, domain, &error);
    if (d == NULL) {
        g_task_return_error(task, error);
        return;
    }
    g_task_set_task_data(task, d, console_data_free);
    _hako_task_run_in_own_thread(task, list_consoles_thread);
}

/**
 * hako_domain_ops_list_consoles_finish:
 *
 * Returns: (transfer container) (element-type HakoConsoleDevice): the consoles, or %NULL
 */
GPtrArray *
hako_domain_ops_list_consoles_finish(HakoDomainOps *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), NULL);
    return g_task_propagate_pointer(G_TASK(result), error);
}

static gboolean
is_wildcard(const char *address)
{
    return address == NULL || *address == '\0' || g_str_equal(address, "0.0.0.0") ||
           g_str_equal(address, "::") || g_str_equal(address, "[::]");
}

static gboolean
is_loopback(const char *address)
{
    g_autoptr(GInetAddress) inet = address != NULL ? g_inet_address_new_from_string(address) : NULL;

    if (inet != NULL)
        return g_inet_address_get_is_loopback(inet);
    return g_strcmp0(address, "localhost") == 0;
}

/* Where to reach @device of the running guest @dom, or %NULL with @error set. */
/* Over the host's SSH session: a new channel in it to the display's port as the host sees it
 * (a display listening on all addresses is reached on the host's loopback). */
static HakoGraphicsEndpoint *
tunnel_endpoint(ConsoleData *d,
                const HakoConsoleDevice *device,
                HakoGraphicsEndpoint *endpoint,
                GError **error)
{
    g_autoptr(HakoGraphicsEndpoint) owned = endpoint;
    const char *target = device->listen;
    int port = device->port > 0 ? device->port : device->tls_port;

    if (port <= 0) {
        g_set_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_NOT_SUPPORTED,
                    _("The display of “%s” listens on no network port, which Hako needs to "
                      "reach it through SSH. Give the display an address to listen on in the "
                      "guest’s Graphics settings."),
                    d->name);
        return NULL;
    }
    if (target == NULL || is_wildcard(target))
        target = "127.0.0.1";
    owned->fd = _hako_ssh_master_open_tunnel(d->ssh, target, port, error);
    if (owned->fd < 0)
        return NULL;
    g_debug("Display of “%s”: %s:%d through the SSH session", d->name, target, port);
    return g_steal_pointer(&owned);
}

static HakoGraphicsEndpoint *
resolve_endpoint(ConsoleData *d, virDomainPtr dom, const HakoConsoleDevice *device, GError **error)
{
    g_autoptr(HakoGraphicsEndpoint) endpoint = g_new0(HakoGraphicsEndpoint, 1);

    endpoint->kind = device->kind;
    endpoint->fd = -1;
    endpoint->port = -1;
    endpoint->tls_port = -1;

    /* Best: libvirt hands over a socket already connected to the display, past its password.
     * That works on a local connection that may change the guest; elsewhere it fails at once
     * and the address in the XML is the way. Over SSH it cannot work (no file descriptors
     * cross the ssh pipe): the display is reached through the host's SSH session instead. */
    if (!d->read_only && d->ssh == NULL && !d->direct) {
        endpoint->fd =
            virDomainOpenGraphicsFD(dom, device->index, VIR_DOMAIN_OPEN_GRAPHICS_SKIPAUTH);
        if (endpoint->fd >= 0)
            return g_steal_pointer(&endpoint);
        g_debug("virDomainOpenGraphicsFD on “%s”: %s; using its address", d->name,
                _hako_libvirt_last_message());
        virResetLastError();
    }

    endpoint->password = g_strdup(device->password);
    endpoint->needs_password = device->has_password && device->password == NULL;
    if (d->ssh != NULL)
        return tunnel_endpoint(d, device, g_steal_pointer(&endpoint), error);
    if (device->socket != NULL && d->uri_host == NULL) {
        endpoint->socket = g_strdup(device->socket);
        return g_steal_pointer(&endpoint);
    }
    if (device->port <= 0 && device->tls_port <= 0) {
        g_set_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_NOT_SUPPORTED,
                    _("The display of “%s” listens on no network port, and libvirt could not "
                      "hand Hako a connection to it. Give the display an address to listen on "
                      "in the guest’s Graphics settings."),
                    d->name);
        return NULL;
    }
    if (d->uri_host != NULL && is_loopback(device->listen) && d->direct) {
        g_set_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_NOT_SUPPORTED,
                    _("The display of “%s” listens only on %s itself (%s), which a direct "
                      "connection cannot reach. Leave out --direct to reach it through the "
                      "host’s SSH session."),
                    d->name, d->uri_host, device->listen);
        return NULL;
    }
    if (d->uri_host != NULL && is_loopback(device->listen)) {
        g_set_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_NOT_SUPPORTED,
                    _("The display of “%s” listens only on %s itself (%s), which this computer "
                      "cannot reach directly. Let it listen on an address of the host, or "
                      "connect to the host over SSH."),
                    d->name, d->uri_host, device->listen);
        return NULL;
    }
    if (is_wildcard(device->listen))
        endpoint->host = g_strdup(d->uri_host != NULL ? d->uri_host : "localhost");
    else
        endpoint->host = g_strdup(device->listen);
    endpoint->port = device->port;
    endpoint->tls_port = device->tls_port;
    return g_steal_pointer(&endpoint);
}

static void
open_graphics_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    ConsoleData *d = data;
    g_autoptr(GPtrArray) devices = NULL;
    HakoGraphicsEndpoint *endpoint = NULL;
    const HakoConsoleDevice *device = NULL;
    virDomainPtr dom = NULL;
    GError *error = NULL;

    devices = read_consoles(d, &dom, &error);
    for (guint i = 0; devices != NULL && i < devices->len && device == NULL; i++) {
        const HakoConsoleDevice *candidate = g_ptr_array_index(devices, i);

        if (candidate->kind == d->kind && candidate->index == d->index)
            device = candidate;
    }
    if (devices != NULL && device == NULL)
        g_set_error(&error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_NOT_FOUND,
                    _("“%s” has no such display any more."), d->name);
    if (device != NULL)
        endpoint = resolve_endpoint(d, dom, device, &error);

    if (dom != NULL)
        virDomainFree(dom);
    virConnectClose(g_steal_pointer(&d->conn));
    if (endpoint == NULL)
        g_task_return_error(task, error);
    else
        g_task_return_pointer(task, endpoint, (GDestroyNotify)hako_graphics_endpoint_free);
}

/**
 * hako_domain_ops_open_graphics_async:
 * @domain: a running guest of a connected host
 * @kind: %HAKO_CONSOLE_KIND_VNC or %HAKO_CONSOLE_KIND_SPICE
 * @index: the display's index among the guest's <graphics> (#HakoConsoleDevice's index)
 *
 * Finds how to reach a display, on a worker thread: a socket that libvirt connects to it for
 * Hako (virDomainOpenGraphicsFD, on local connections that are not read-only), else its
 * address and port, or its UNIX socket, with the password from the XML where the connection
 * may read it. Fails with a message that says what to change when the display cannot be
 * reached from here.
 */
void
hako_domain_ops_open_graphics_async(HakoDomainOps *self,
                                    HakoDomain *domain,
                                    HakoConsoleKind kind,
                                    guint index,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data)
{
    g_autoptr(GTask) task = NULL;
    GError *error = NULL;
    ConsoleData *d;

    g_return_if_fail(HAKO_IS_DOMAIN_OPS(self));
    g_return_if_fail(HAKO_IS_DOMAIN(domain));
    g_return_if_fail(kind == HAKO_CONSOLE_KIND_VNC || kind == HAKO_CONSOLE_KIND_SPICE);

    task = g_task_new(self, cancellable, callback, user_data);
    g_task_set_source_tag(task, hako_domain_ops_open_graphics_async);
    d = console_data_new(self, domain, &error);
    if (d == NULL) {
        g_task_return_error(task, error);
        return;
    }
    d->kind = kind;
    d->index = index;
    g_task_set_task_data(task, d, console_data_free);
    _hako_task_run_in_own_thread(task, open_graphics_thread);
}

/**
 * hako_domain_ops_open_graphics_finish:
 *
 * Returns: (transfer full): where to connect, or %NULL
 */
HakoGraphicsEndpoint *
hako_domain_ops_open_graphics_finish(HakoDomainOps *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), NULL);
    return g_task_propagate_pointer(G_TASK(result), error);
}

/* ---------------------------------------------------------------------- */
/* Serial and text consoles */

typedef struct {
    virConnectPtr conn;
    virStreamPtr stream;
} OpenedConsole;

static void
opened_console_free(gpointer data)
{
    OpenedConsole *o = data;

    if (o->stream != NULL) {
        virStreamAbort(o->stream);
        virStreamFree(o->stream);
    }
    if (o->conn != NULL)
        virConnectClose(o->conn);
    g_free(o);
}

typedef struct {
    ConsoleData *console;
    char *alias;
} OpenConsoleData;

static void
open_console_data_free(gpointer data)
{
    OpenConsoleData *d = data;

    console_data_free(d->console);
    g_free(d->alias);
    g_free(d);
}

static void
open_console_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    OpenConsoleData *d = data;
    virDomainPtr dom = virDomainLookupByUUIDString(d->console->conn, d->console->uuid);
    virStreamPtr stream = NULL;
    OpenedConsole *opened;

    if (dom == NULL) {
        g_task_return_error(task, _hako_engine_error_from_libvirt(HAKO_ENGINE_ERROR_NOT_FOUND,
                                                                  _("Could not find “%s”"),
                                                                  d->console->name));
        return;
    }
    stream = virStreamNew(d->console->conn, 0);
    if (stream == NULL || virDomainOpenConsole(dom, d->alias, stream, 0) < 0) {
        GError *error = _hako_engine_error_from_libvirt(
            HAKO_ENGINE_ERROR_FAILED, _("Could not open the console “%s” of “%s”"), d->alias,
            d->console->name);

        if (stream != NULL)
            virStreamFree(stream);
        virDomainFree(dom);
        g_task_return_error(task, error);
        return;
    }
    virDomainFree(dom);
    opened = g_new0(OpenedConsole, 1);
    opened->conn = g_steal_pointer(&d->console->conn);
    opened->stream = stream;
    g_task_return_pointer(task, opened, opened_console_free);
}

/**
 * hako_domain_ops_open_console_async:
 * @domain: a running guest of a connected host that is not read-only
 * @alias: the serial port's or console's alias (#HakoConsoleDevice's alias)
 *
 * Opens a serial or text console on a worker thread. The result is a #HakoConsoleStream that
 * reads and writes off the main thread.
 */
void
hako_domain_ops_open_console_async(HakoDomainOps *self,
                                   HakoDomain *domain,
                                   const char *alias,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data)
{
    g_autoptr(GTask) task = NULL;
    GError *error = NULL;
    ConsoleData *console;
    OpenConsoleData *d;

    g_return_if_fail(HAKO_IS_DOMAIN_OPS(self));
    g_return_if_fail(HAKO_IS_DOMAIN(domain));
    g_return_if_fail(alias != NULL);

    task = g_task_new(self, cancellable, callback, user_data);
    g_task_set_source_tag(task, hako_domain_ops_open_console_async);
    /* libvirt refuses consoles on read-only connections: say so at once, clearly. */
    if (hako_host_get_read_only(hako_domain_get_host(domain))) {
        g_task_return_new_error(task, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_READ_ONLY,
                                _("The text console of “%s” cannot be opened: the connection "
                                  "to its host is read-only."),
                                hako_domain_get_name(domain));
        return;
    }
    console = console_data_new(self, domain, &error);
    if (console == NULL) {
        g_task_return_error(task, error);
        return;
    }
    d = g_new0(OpenConsoleData, 1);
    d->console = console;
    d->alias = g_strdup(alias);
    g_task_set_task_data(task, d, open_console_data_free);
    _hako_task_run_in_own_thread(task, open_console_thread);
}

/**
 * hako_domain_ops_open_console_finish:
 *
 * Returns: (transfer full): the open console, or %NULL
 */
HakoConsoleStream *
hako_domain_ops_open_console_finish(HakoDomainOps *self, GAsyncResult *result, GError **error)
{
    OpenedConsole *opened;
    HakoConsoleStream *stream;

    g_return_val_if_fail(g_task_is_valid(result, self), NULL);
    opened = g_task_propagate_pointer(G_TASK(result), error);
    if (opened == NULL)
        return NULL;
    stream = _hako_console_stream_new_take(g_steal_pointer(&opened->conn),
                                           g_steal_pointer(&opened->stream));
    opened_console_free(opened);
    return stream;
}

/* ---------------------------------------------------------------------- */
/* Screenshots */

#define SCREENSHOT_MAX_BYTES (64 * 1024 * 1024)

typedef struct {
    GBytes *data;
    char *mime;
} Screenshot;

static void
screenshot_free(gpointer data)
{
    Screenshot *shot = data;

    g_bytes_unref(shot->data);
    g_free(shot->mime);
    g_free(shot);
}

static void
screenshot_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    ActionData *d = data;
    virDomainPtr dom = virDomainLookupByUUIDString(d->conn, d->uuid);
    virStreamPtr stream = NULL;
    g_autoptr(GByteArray) bytes = g_byte_array_new();
    char *mime = NULL;
    char chunk[64 * 1024];
    GError *error = NULL;
    int n = 0;

    if (dom == NULL || (stream = virStreamNew(d->conn, 0)) == NULL ||
        (mime = virDomainScreenshot(dom, stream, 0, 0)) == NULL) {
        error = _hako_engine_error_from_libvirt(
            dom == NULL ? HAKO_ENGINE_ERROR_NOT_FOUND : HAKO_ENGINE_ERROR_FAILED,
            _("Could not take a picture of “%s”'s screen"), d->name);
        goto out;
    }
    while ((n = virStreamRecv(stream, chunk, sizeof chunk)) > 0 &&
           bytes->len + (guint)n <= SCREENSHOT_MAX_BYTES)
        g_byte_array_append(bytes, (const guint8 *)chunk, (guint)n);
    if (n != 0) {
        error = n < 0 ? _hako_engine_error_from_libvirt(
                            HAKO_ENGINE_ERROR_FAILED,
                            _("Could not take a picture of “%s”'s screen"), d->name)
                      : g_error_new(HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_FAILED,
                                    _("The picture of “%s”'s screen is too large"), d->name);
        virStreamAbort(stream);
    } else {
        virStreamFinish(stream);
    }

out:
    if (stream != NULL)
        virStreamFree(stream);
    if (dom != NULL)
        virDomainFree(dom);
    virResetLastError();
    virConnectClose(g_steal_pointer(&d->conn));
    if (error != NULL) {
        free(mime);
        g_task_return_error(task, error);
    } else {
        Screenshot *shot = g_new0(Screenshot, 1);

        shot->data = g_byte_array_free_to_bytes(g_steal_pointer(&bytes));
        shot->mime = g_strdup(mime);
        free(mime);
        g_task_return_pointer(task, shot, screenshot_free);
    }
}

/**
 * hako_domain_ops_screenshot_async:
 * @domain: a running guest of a connected, writable host
 *
 * Takes a picture of the guest's first screen (virDomainScreenshot) on a worker thread.
 */
void
hako_domain_ops_screenshot_async(HakoDomainOps *self,
                                 HakoDomain *domain,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data)
{
    g_autoptr(GTask) task = NULL;
    ActionData *d;

    g_return_if_fail(HAKO_IS_DOMAIN_OPS(self));
    g_return_if_fail(HAKO_IS_DOMAIN(domain));

    task = g_task_new(self, cancellable, callback, user_data);
    g_task_set_source_tag(task, hako_domain_ops_screenshot_async);
    d = action_data_attach(self, task, domain, TRUE);
    if (d == NULL)
        return;
    _hako_task_run_in_own_thread(task, screenshot_thread);
}

/**
 * hako_domain_ops_screenshot_finish:
 * @mime: (out) (optional): the picture's MIME type, such as "image/x-portable-pixmap"
 *
 * Returns: (transfer full): the picture's bytes, or %NULL with @error set.
 */
GBytes *
hako_domain_ops_screenshot_finish(HakoDomainOps *self,
                                  GAsyncResult *result,
                                  char **mime,
                                  GError **error)
{
    Screenshot *shot;
    GBytes *data;

    g_return_val_if_fail(g_task_is_valid(result, self), NULL);

    shot = g_task_propagate_pointer(G_TASK(result), error);
    if (shot == NULL)
        return NULL;
    data = g_bytes_ref(shot->data);
    if (mime != NULL)
        *mime = g_strdup(shot->mime);
    screenshot_free(shot);
    return data;
}
