/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoSnapshots: a guest's snapshots.
 *
 * Like HakoStorage, each operation takes a reference on the guest's connection from the
 * connection manager on the main thread, then makes its libvirt calls on a thread of its own
 * and builds its GError there. The snapshots are internal ones (QEMU keeps them inside the
 * guest's qcow2 disks, the memory too for a running guest), the only kind libvirt 9.0 can
 * revert to. Before creating one the engine checks what QEMU would refuse (UEFI firmware in
 * pflash, a disk that is not qcow2, a running guest with nowhere to keep its memory) and
 * says so in a sentence the UI can show instead of its buttons. */
#include "config.h"

#include "hako-snapshots.h"

#include "hako-connection-manager-private.h"
#include "hako-engine-error.h"
#include "hako-engine-private.h"

#include <glib/gi18n.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <string.h>

/* The first libvirt whose QEMU driver takes internal snapshots of pflash (UEFI) guests. */
#define PFLASH_SNAPSHOT_VERSION 10010000UL

G_DEFINE_BOXED_TYPE(HakoSnapshot, hako_snapshot, hako_snapshot_copy, hako_snapshot_free)

/**
 * hako_snapshot_new:
 *
 * Returns: (transfer full): an empty snapshot value
 */
HakoSnapshot *
hako_snapshot_new(void)
{
    return g_new0(HakoSnapshot, 1);
}

HakoSnapshot *
hako_snapshot_copy(const HakoSnapshot *snapshot)
{
    HakoSnapshot *copy;

    g_return_val_if_fail(snapshot != NULL, NULL);

    copy = g_memdup2(snapshot, sizeof(*snapshot));
    copy->name = g_strdup(snapshot->name);
    copy->parent = g_strdup(snapshot->parent);
    copy->description = g_strdup(snapshot->description);
    return copy;
}

void
hako_snapshot_free(HakoSnapshot *snapshot)
{
    if (snapshot == NULL)
        return;
    g_free(snapshot->name);
    g_free(snapshot->parent);
    g_free(snapshot->description);
    g_free(snapshot);
}

struct _HakoSnapshots {
    GObject parent_instance;

    HakoConnectionManager *manager;
};

G_DEFINE_FINAL_TYPE(HakoSnapshots, hako_snapshots, G_TYPE_OBJECT)

static void
hako_snapshots_dispose(GObject *object)
{
    HakoSnapshots *self = HAKO_SNAPSHOTS(object);

    g_clear_object(&self->manager);

    G_OBJECT_CLASS(hako_snapshots_parent_class)->dispose(object);
}

static void
hako_snapshots_class_init(HakoSnapshotsClass *klass)
{
    G_OBJECT_CLASS(klass)->dispose = hako_snapshots_dispose;
}

static void
hako_snapshots_init(HakoSnapshots *self)
{
}

/**
 * hako_snapshots_new:
 * @manager: the connections the guests come from
 *
 * Returns: (transfer full): the snapshot engine of @manager's guests.
 */
HakoSnapshots *
hako_snapshots_new(HakoConnectionManager *manager)
{
    HakoSnapshots *self;

    g_return_val_if_fail(HAKO_IS_CONNECTION_MANAGER(manager), NULL);

    self = g_object_new(HAKO_TYPE_SNAPSHOTS, NULL);
    self->manager = g_object_ref(manager);
    return self;
}

/**
 * hako_snapshots_suggest_name:
 *
 * Returns: (transfer full): a name for a new snapshot, from the local time
 */
char *
hako_snapshots_suggest_name(void)
{
    g_autoptr(GDateTime) now = g_date_time_new_now_local();

    return g_date_time_format(now, "snapshot-%Y%m%d-%H%M%S");
}

/* ---------------------------------------------------------------------- */
/* Operations */

typedef struct _OpData OpData;
typedef gboolean (*OpFunc)(OpData *d, virDomainPtr dom, GError **error);

struct _OpData {
    virConnectPtr conn;
    OpFunc func;
    char *uuid;
    char *guest;
    char *snapshot;
    char *description;
    gboolean flag; /* with memory, with children */

    gpointer result;
    GDestroyNotify result_free;
};

static void
op_data_free(gpointer data)
{
    OpData *d = data;

    if (d->conn != NULL)
        virConnectClose(d->conn);
    g_free(d->uuid);
    g_free(d->guest);
    g_free(d->snapshot);
    g_free(d->description);
    if (d->result != NULL && d->result_free != NULL)
        d->result_free(d->result);
    g_free(d);
}

static void
op_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    OpData *d = data;
    GError *error = NULL;
    virDomainPtr dom = virDomainLookupByUUIDString(d->conn, d->uuid);
    gboolean ok = FALSE;

    if (dom == NULL) {
        error = _hako_engine_error_from_libvirt(HAKO_ENGINE_ERROR_NOT_FOUND,
                                                _("Could not find the guest “%s”"), d->guest);
    } else {
        ok = d->func(d, dom, &error);
        virDomainFree(dom);
    }
    /* the last reference may be the worker's: close it here, never on the main thread */
    virConnectClose(g_steal_pointer(&d->conn));
    if (!ok)
        g_task_return_error(task, error);
    else if (d->result_free != NULL)
        g_task_return_pointer(task, g_steal_pointer(&d->result), d->result_free);
    else
        g_task_return_boolean(task, TRUE);
}

/* Starts @func on a thread of its own with a connection to @domain's host, or fails at once. */
static OpData *
op_new(HakoSnapshots *self,
       HakoDomain *domain,
       gboolean change,
       OpFunc func,
       GCancellable *cancellable,
       GAsyncReadyCallback callback,
       gpointer user_data,
       gpointer source_tag,
       GTask **task_out)
{
    GTask *task = g_task_new(self, cancellable, callback, user_data);
    GError *error = NULL;
    virConnectPtr conn;
    OpData *d;

    g_task_set_source_tag(task, source_tag);
    *task_out = task;
    conn = change ? _hako_connection_manager_dup_conn_to_change(self->manager, domain, &error)
                  : _hako_connection_manager_dup_conn_to_read(self->manager, domain, NULL, &error);
    if (conn == NULL) {
        g_task_return_error(task, error);
        return NULL;
    }
    d = g_new0(OpData, 1);
    d->conn = conn;
    d->func = func;
    d->uuid = g_strdup(hako_domain_get_uuid(domain));
    d->guest = g_strdup(hako_domain_get_name(domain));
    g_task_set_task_data(task, d, op_data_free);
    return d;
}

static void
op_run(GTask *task)
{
    _hako_task_run_in_own_thread(task, op_thread);
    g_object_unref(task);
}

/* ---------------------------------------------------------------------- */
/* XML */

static xmlDocPtr
parse_xml(const char *xml)
{
    return xmlReadMemory(xml, (int)strlen(xml), "snapshot.xml", NULL,
                         XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
}

/* The string value of @expression (XPath) relative to @node (or the root), or NULL if empty. */
static char *
xpath_string(xmlDocPtr doc, xmlNodePtr node, const char *expression)
{
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    g_autofree char *wrapped = g_strdup_printf("string(%s)", expression);
    xmlXPathObjectPtr obj = NULL;
    char *value = NULL;

    if (ctx != NULL) {
        ctx->node = node != NULL ? node : xmlDocGetRootElement(doc);
        obj = xmlXPathEvalExpression(BAD_CAST wrapped, ctx);
    }
    if (obj != NULL && obj->type == XPATH_STRING && obj->stringval != NULL &&
        obj->stringval[0] != '\0')
        value = g_strdup((const char *)obj->stringval);
    xmlXPathFreeObject(obj);
    xmlXPathFreeContext(ctx);
    return value;
}

static HakoDomainState
state_from_string(const char *state)
{
    static const struct {
        const char *name;
        HakoDomainState state;
    } states[] = {
        {"running", HAKO_DOMAIN_STATE_RUNNING},
        {"blocked", HAKO_DOMAIN_STATE_BLOCKED},
        {"paused", HAKO_DOMAIN_STATE_PAUSED},
        {"shutdown", HAKO_DOMAIN_STATE_SHUTDOWN},
        {"shutoff", HAKO_DOMAIN_STATE_SHUTOFF},
        {"crashed", HAKO_DOMAIN_STATE_CRASHED},
        {"pmsuspended", HAKO_DOMAIN_STATE_PMSUSPENDED},
        /* the disks of a running guest, without its memory */
        {"disk-snapshot", HAKO_DOMAIN_STATE_SHUTOFF},
    };

    for (guint i = 0; state != NULL && i < G_N_ELEMENTS(states); i++) {
        if (g_str_equal(state, states[i].name))
            return states[i].state;
    }
    return HAKO_DOMAIN_STATE_NOSTATE;
}

static HakoSnapshot *
read_snapshot(virDomainSnapshotPtr snap, GError **error)
{
    g_autoptr(HakoSnapshot) value = hako_snapshot_new();
    g_autofree char *state = NULL;
    g_autofree char *memory = NULL;
    g_autofree char *time = NULL;
    char *raw = virDomainSnapshotGetXMLDesc(snap, 0);
    xmlDocPtr doc;

    value->name = g_strdup(virDomainSnapshotGetName(snap));
    if (raw == NULL) {
        *error = _hako_engine_error_from_libvirt(
            HAKO_ENGINE_ERROR_FAILED, _("Could not read the snapshot “%s”"), value->name);
        return NULL;
    }
    doc = parse_xml(raw);
    free(raw);
    if (doc == NULL) {
        g_set_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_INVALID_DATA,
                    _("Could not read the snapshot “%s”: its description is not valid XML"),
                    value->name);
        return NULL;
    }
    value->parent = xpath_string(doc, NULL, "/domainsnapshot/parent/name");
    value->description = xpath_string(doc, NULL, "/domainsnapshot/description");
    time = xpath_string(doc, NULL, "/domainsnapshot/creationTime");
    value->creation_time = time != NULL ? g_ascii_strtoll(time, NULL, 10) : 0;
    state = xpath_string(doc, NULL, "/domainsnapshot/state");
    value->state = state_from_string(state);
    memory = xpath_string(doc, NULL, "/domainsnapshot/memory/@snapshot");
    value->has_memory =
        (value->state == HAKO_DOMAIN_STATE_RUNNING || value->state == HAKO_DOMAIN_STATE_PAUSED ||
         value->state == HAKO_DOMAIN_STATE_BLOCKED) &&
        g_strcmp0(memory, "no") != 0;
    value->current = virDomainSnapshotIsCurrent(snap, 0) == 1;
    xmlFreeDoc(doc);
    return g_steal_pointer(&value);
}

/* ---------------------------------------------------------------------- */
/* What the host can snapshot (worker side) */

/*
 * Fails with HAKO_ENGINE_ERROR_NOT_SUPPORTED when QEMU would refuse an internal snapshot of
 * @dom, saying why. Other drivers (the test driver) are left to decide for themselves.
 */
static gboolean
check_support(OpData *d, virDomainPtr dom, GError **error)
{
    const char *type = virConnectGetType(d->conn);
    unsigned long version = 0;
    gboolean active = virDomainIsActive(dom) == 1;
    g_autofree char *loader = NULL;
    g_autofree char *firmware = NULL;
    xmlXPathContextPtr ctx;
    xmlXPathObjectPtr disks;
    gboolean ok = TRUE;
    gboolean has_qcow2 = FALSE;
    char *raw;
    xmlDocPtr doc;

    if (type == NULL || g_ascii_strcasecmp(type, "QEMU") != 0) {
        virResetLastError();
        return TRUE;
    }
    raw = virDomainGetXMLDesc(dom, 0);
    if (raw == NULL) {
        *error = _hako_engine_error_from_libvirt(
            HAKO_ENGINE_ERROR_FAILED, _("Could not read the configuration of “%s”"), d->guest);
        return FALSE;
    }
    doc = parse_xml(raw);
    free(raw);
    if (doc == NULL) {
        g_set_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_INVALID_DATA,
                    _("Could not read the configuration of “%s”: it is not valid XML"), d->guest);
        return FALSE;
    }

    loader = xpath_string(doc, NULL, "/domain/os/loader/@type");
    firmware = xpath_string(doc, NULL, "/domain/os/@firmware");
    if (virConnectGetLibVersion(d->conn, &version) < 0)
        virResetLastError();
    if ((g_strcmp0(loader, "pflash") == 0 || g_strcmp0(firmware, "efi") == 0) &&
        version < PFLASH_SNAPSHOT_VERSION) {
        g_set_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_NOT_SUPPORTED,
                    _("“%s” starts from UEFI firmware with its variables in pflash, and libvirt "
                      "%lu.%lu cannot take internal snapshots of such a guest."),
                    d->guest, version / 1000000, version / 1000 % 1000);
        xmlFreeDoc(doc);
        return FALSE;
    }

    /* Every writable disk must be qcow2: QEMU keeps the snapshot inside each of them. */
    ctx = xmlXPathNewContext(doc);
    disks = xmlXPathEvalExpression(
        BAD_CAST "/domain/devices/disk[(@device='disk' or not(@device) or @device='lun') and "
                 "not(readonly) and not(shareable) and source]",
        ctx);
    for (int i = 0;
         ok && disks != NULL && disks->nodesetval != NULL && i < disks->nodesetval->nodeNr; i++) {
        xmlNodePtr disk = disks->nodesetval->nodeTab[i];
        g_autofree char *format = xpath_string(doc, disk, "driver/@type");
        g_autofree char *target = xpath_string(doc, disk, "target/@dev");

        if (g_strcmp0(format, "qcow2") == 0) {
            has_qcow2 = TRUE;
            continue;
        }
        g_set_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_NOT_SUPPORTED,
                    _("The disk “%s” of “%s” is in %s format, which cannot hold internal "
                      "snapshots: only qcow2 disks can."),
                    target != NULL ? target : "?", d->guest, format != NULL ? format : "raw");
        ok = FALSE;
    }
    xmlXPathFreeObject(disks);
    xmlXPathFreeContext(ctx);
    xmlFreeDoc(doc);
    if (ok && active && !has_qcow2) {
        g_set_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_NOT_SUPPORTED,
                    _("“%s” is running and has no qcow2 disk to keep the snapshot of its memory "
                      "in."),
                    d->guest);
        ok = FALSE;
    }
    return ok;
}

static gboolean
check_op(OpData *d, virDomainPtr dom, GError **error)
{
    return check_support(d, dom, error);
}

/**
 * hako_snapshots_check_async:
 * @domain: a guest of a connected host
 *
 * Checks whether the host can take a snapshot of @domain as it is now. The result fails with
 * %HAKO_ENGINE_ERROR_NOT_SUPPORTED and a sentence saying why (UEFI firmware in pflash on a
 * libvirt that cannot snapshot it, the disk that is not qcow2, …) when it cannot.
 */
void
hako_snapshots_check_async(HakoSnapshots *self,
                           HakoDomain *domain,
                           GCancellable *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer user_data)
{
    GTask *task;

    g_return_if_fail(HAKO_IS_SNAPSHOTS(self));
    g_return_if_fail(HAKO_IS_DOMAIN(domain));

    if (op_new(self, domain, FALSE, check_op, cancellable, callback, user_data,
               hako_snapshots_check_async, &task) == NULL) {
        g_object_unref(task);
        return;
    }
    op_run(task);
}

gboolean
hako_snapshots_check_finish(HakoSnapshots *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), FALSE);
    return g_task_propagate_boolean(G_TASK(result), error);
}

/* ---------------------------------------------------------------------- */
/* Listing */

static int
compare_snapshots(gconstpointer a, gconstpointer b)
{
    const HakoSnapshot *sa = *(HakoSnapshot *const *)a;
    const HakoSnapshot *sb = *(HakoSnapshot *const *)b;

    if (sa->creation_time != sb->creation_time)
        return sa->creation_time < sb->creation_time ? -1 : 1;
    return g_strcmp0(sa->name, sb->name);
}

/* Sorts @list oldest first, each parent before its children (several can share a second). */
static GPtrArray *
sort_as_tree(GPtrArray *list)
{
    GPtrArray *sorted = g_ptr_array_new_full(list->len, (GDestroyNotify)hako_snapshot_free);
    g_autoptr(GHashTable) placed = g_hash_table_new(g_str_hash, g_str_equal);
    g_autoptr(GHashTable) known = g_hash_table_new(g_str_hash, g_str_equal);
    gboolean progress = TRUE;

    g_ptr_array_sort(list, compare_snapshots);
    for (guint i = 0; i < list->len; i++)
        g_hash_table_add(known, ((HakoSnapshot *)list->pdata[i])->name);
    while (list->len > 0 && progress) {
        progress = FALSE;
        for (guint i = 0; i < list->len;) {
            HakoSnapshot *snap = list->pdata[i];

            /* a parent that is not listed (should not happen) counts as a root */
            if (snap->parent == NULL || !g_hash_table_contains(known, snap->parent) ||
                g_hash_table_contains(placed, snap->parent)) {
                g_hash_table_add(placed, snap->name);
                g_ptr_array_add(sorted, g_ptr_array_steal_index(list, i));
                progress = TRUE;
            } else {
                i++;
            }
        }
    }
    /* a cycle (should not happen either): keep them, in time order */
    while (list->len > 0)
        g_ptr_array_add(sorted, g_ptr_array_steal_index(list, 0));
    return sorted;
}

static gboolean
list_op(OpData *d, virDomainPtr dom, GError **error)
{
    g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func((GDestroyNotify)hako_snapshot_free);
    virDomainSnapshotPtr *snaps = NULL;
    int n = virDomainListAllSnapshots(dom, &snaps, 0);
    gboolean ok = TRUE;

    if (n < 0) {
        *error = _hako_engine_error_from_libvirt(
            HAKO_ENGINE_ERROR_FAILED, _("Could not list the snapshots of “%s”"), d->guest);
        return FALSE;
    }
    for (int i = 0; i < n; i++) {
        if (ok) {
            HakoSnapshot *value = read_snapshot(snaps[i], error);

            if (value != NULL)
                g_ptr_array_add(list, value);
            else
                ok = FALSE;
        }
        virDomainSnapshotFree(snaps[i]);
    }
    free(snaps);
    if (!ok)
        return FALSE;
    d->result = sort_as_tree(list);
    d->result_free = (GDestroyNotify)g_ptr_array_unref;
    return TRUE;
}

/**
 * hako_snapshots_list_async:
 * @domain: a guest of a connected host
 *
 * Lists @domain's snapshots.
 */
void
hako_snapshots_list_async(HakoSnapshots *self,
                          HakoDomain *domain,
                          GCancellable *cancellable,
                          GAsyncReadyCallback callback,
                          gpointer user_data)
{
    GTask *task;

    g_return_if_fail(HAKO_IS_SNAPSHOTS(self));
    g_return_if_fail(HAKO_IS_DOMAIN(domain));

    if (op_new(self, domain, FALSE, list_op, cancellable, callback, user_data,
               hako_snapshots_list_async, &task) == NULL) {
        g_object_unref(task);
        return;
    }
    op_run(task);
}

/**
 * hako_snapshots_list_finish:
 *
 * Returns: (transfer container) (element-type HakoSnapshot): the snapshots, oldest first and
 *   each parent before its children, or %NULL
 */
GPtrArray *
hako_snapshots_list_finish(HakoSnapshots *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), NULL);
    return g_task_propagate_pointer(G_TASK(result), error);
}

/* ---------------------------------------------------------------------- */
/* Create, revert, delete */

static gboolean
create_op(OpData *d, virDomainPtr dom, GError **error)
{
    g_autofree char *xml = NULL;
    const char *type = virConnectGetType(d->conn);
    virDomainSnapshotPtr snap;
    HakoSnapshot *value;

    if (!check_support(d, dom, error))
        return FALSE;
    if (!d->flag && virDomainIsActive(dom) == 1 && type != NULL &&
        g_ascii_strcasecmp(type, "QEMU") == 0) {
        g_set_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_NOT_SUPPORTED,
                    _("A snapshot of the running guest “%s” always holds its memory: shut it "
                      "down to take a snapshot of its disks alone."),
                    d->guest);
        return FALSE;
    }
    xml = g_markup_printf_escaped(
        "<domainsnapshot><name>%s</name><description>%s</description></domainsnapshot>",
        d->snapshot, d->description != NULL ? d->description : "");
    snap = virDomainSnapshotCreateXML(dom, xml, 0);
    if (snap == NULL) {
        *error = _hako_engine_error_from_libvirt(HAKO_ENGINE_ERROR_FAILED,
                                                 _("Could not take the snapshot “%s” of “%s”"),
                                                 d->snapshot, d->guest);
        return FALSE;
    }
    value = read_snapshot(snap, error);
    virDomainSnapshotFree(snap);
    if (value == NULL)
        return FALSE;
    d->result = value;
    d->result_free = (GDestroyNotify)hako_snapshot_free;
    return TRUE;
}

/**
 * hako_snapshots_create_async:
 * @domain: a guest of a connected, writable host
 * @name: the new snapshot's name (hako_snapshots_suggest_name() gives one)
 * @description: (nullable): what the user says about it
 * @with_memory: for a running guest, keep its memory too, so that reverting resumes it where
 *   it was; QEMU's internal snapshots of a running guest always do, so %FALSE is refused there
 *
 * Takes an internal snapshot of @domain, after the same checks as
 * hako_snapshots_check_async().
 */
void
hako_snapshots_create_async(HakoSnapshots *self,
                            HakoDomain *domain,
                            const char *name,
                            const char *description,
                            gboolean with_memory,
                            GCancellable *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer user_data)
{
    GTask *task;
    OpData *d;

    g_return_if_fail(HAKO_IS_SNAPSHOTS(self));
    g_return_if_fail(HAKO_IS_DOMAIN(domain));

    if (name == NULL || *name == '\0' || strchr(name, '/') != NULL) {
        g_task_report_new_error(self, callback, user_data, hako_snapshots_create_async,
                                HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_INVALID_DATA,
                                _("A snapshot needs a name, without “/”."));
        return;
    }
    d = op_new(self, domain, TRUE, create_op, cancellable, callback, user_data,
               hako_snapshots_create_async, &task);
    if (d == NULL) {
        g_object_unref(task);
        return;
    }
    d->snapshot = g_strdup(name);
    d->description = g_strdup(description);
    d->flag = with_memory;
    op_run(task);
}

/**
 * hako_snapshots_create_finish:
 *
 * Returns: (transfer full): the new snapshot, or %NULL
 */
HakoSnapshot *
hako_snapshots_create_finish(HakoSnapshots *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), NULL);
    return g_task_propagate_pointer(G_TASK(result), error);
}

static virDomainSnapshotPtr
lookup_snapshot(OpData *d, virDomainPtr dom, GError **error)
{
    virDomainSnapshotPtr snap = virDomainSnapshotLookupByName(dom, d->snapshot, 0);

    if (snap == NULL)
        *error = _hako_engine_error_from_libvirt(HAKO_ENGINE_ERROR_NOT_FOUND,
                                                 _("Could not find the snapshot “%s” of “%s”"),
                                                 d->snapshot, d->guest);
    return snap;
}

static gboolean
revert_op(OpData *d, virDomainPtr dom, GError **error)
{
    virDomainSnapshotPtr snap = lookup_snapshot(d, dom, error);
    int ret;

    if (snap == NULL)
        return FALSE;
    ret = virDomainRevertToSnapshot(snap, 0);
    /* The user has agreed to lose the current state: a revert libvirt calls risky (a new QEMU
     * process for a running guest) is what was asked for. */
    if (ret < 0 && virGetLastErrorCode() == VIR_ERR_SNAPSHOT_REVERT_RISKY) {
        virResetLastError();
        ret = virDomainRevertToSnapshot(snap, VIR_DOMAIN_SNAPSHOT_REVERT_FORCE);
    }
    if (ret < 0)
        *error = _hako_engine_error_from_libvirt(HAKO_ENGINE_ERROR_FAILED,
                                                 _("Could not revert “%s” to the snapshot “%s”"),
                                                 d->guest, d->snapshot);
    virDomainSnapshotFree(snap);
    return ret == 0;
}

/**
 * hako_snapshots_revert_async:
 * @domain: a guest of a connected, writable host
 * @name: the snapshot to go back to
 *
 * Puts @domain back as it was when the snapshot was taken: its disks, its configuration, and
 * its state (running from the saved memory, paused, or shut off). Its current state is lost.
 */
void
hako_snapshots_revert_async(HakoSnapshots *self,
                            HakoDomain *domain,
                            const char *name,
                            GCancellable *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer user_data)
{
    GTask *task;
    OpData *d;

    g_return_if_fail(HAKO_IS_SNAPSHOTS(self));
    g_return_if_fail(HAKO_IS_DOMAIN(domain));
    g_return_if_fail(name != NULL);

    d = op_new(self, domain, TRUE, revert_op, cancellable, callback, user_data,
               hako_snapshots_revert_async, &task);
    if (d == NULL) {
        g_object_unref(task);
        return;
    }
    d->snapshot = g_strdup(name);
    op_run(task);
}

gboolean
hako_snapshots_revert_finish(HakoSnapshots *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), FALSE);
    return g_task_propagate_boolean(G_TASK(result), error);
}

static gboolean
delete_op(OpData *d, virDomainPtr dom, GError **error)
{
    virDomainSnapshotPtr snap = lookup_snapshot(d, dom, error);
    int ret;

    if (snap == NULL)
        return FALSE;
    ret = virDomainSnapshotDelete(snap, d->flag ? VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN : 0);
    if (ret < 0)
        *error = _hako_engine_error_from_libvirt(HAKO_ENGINE_ERROR_FAILED,
                                                 _("Could not delete the snapshot “%s” of “%s”"),
                                                 d->snapshot, d->guest);
    virDomainSnapshotFree(snap);
    return ret == 0;
}

/**
 * hako_snapshots_delete_async:
 * @domain: a guest of a connected, writable host
 * @name: the snapshot to delete
 * @with_children: delete the snapshots taken after it from it too; otherwise they become
 *   children of its parent
 *
 * Deletes a snapshot and the data it kept.
 */
void
hako_snapshots_delete_async(HakoSnapshots *self,
                            HakoDomain *domain,
                            const char *name,
                            gboolean with_children,
                            GCancellable *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer user_data)
{
    GTask *task;
    OpData *d;

    g_return_if_fail(HAKO_IS_SNAPSHOTS(self));
    g_return_if_fail(HAKO_IS_DOMAIN(domain));
    g_return_if_fail(name != NULL);

    d = op_new(self, domain, TRUE, delete_op, cancellable, callback, user_data,
               hako_snapshots_delete_async, &task);
    if (d == NULL) {
        g_object_unref(task);
        return;
    }
    d->snapshot = g_strdup(name);
    d->flag = with_children;
    op_run(task);
}

gboolean
hako_snapshots_delete_finish(HakoSnapshots *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), FALSE);
    return g_task_propagate_boolean(G_TASK(result), error);
}
