/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoGuestOps: clone, delete, save and restore a whole guest.
 *
 * Like HakoStorage, each operation takes a reference on the guest's connection from the
 * connection manager on the main thread, then makes its libvirt calls on a thread of its own
 * and builds its GError there. A clone is made from the stopped guest's persistent XML: a new
 * name, no UUID and no MAC addresses (libvirt makes new ones), each disk either copied into a
 * new volume of its pool (virStorageVolCreateXMLFrom, whose progress a second thread reads from
 * the new volume's allocation meanwhile) or shared, and the UEFI variables copied when they are
 * a volume, else left for libvirt to make afresh from the firmware's template. A failed clone
 * deletes the volumes it made. Deleting a guest checks first, from every other guest's XML,
 * that no other guest uses a volume to be deleted (unless told to insist), then stops the
 * guest, undefines it with its NVRAM, managed save and snapshot metadata, and deletes the
 * chosen volumes. */
#include "config.h"

#include "hako-guest-ops.h"

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

#define PROGRESS_INTERVAL_US (200 * G_TIME_SPAN_MILLISECOND)

G_DEFINE_BOXED_TYPE(HakoGuestDisk, hako_guest_disk, hako_guest_disk_copy, hako_guest_disk_free)

HakoGuestDisk *
hako_guest_disk_new(void)
{
    HakoGuestDisk *disk = g_new0(HakoGuestDisk, 1);

    disk->used_by = g_new0(char *, 1);
    return disk;
}

HakoGuestDisk *
hako_guest_disk_copy(const HakoGuestDisk *disk)
{
    HakoGuestDisk *copy;

    g_return_val_if_fail(disk != NULL, NULL);

    copy = g_memdup2(disk, sizeof(*disk));
    copy->target = g_strdup(disk->target);
    copy->device = g_strdup(disk->device);
    copy->path = g_strdup(disk->path);
    copy->pool = g_strdup(disk->pool);
    copy->volume = g_strdup(disk->volume);
    copy->format = g_strdup(disk->format);
    copy->used_by = g_strdupv(disk->used_by);
    return copy;
}

void
hako_guest_disk_free(HakoGuestDisk *disk)
{
    if (disk == NULL)
        return;
    g_free(disk->target);
    g_free(disk->device);
    g_free(disk->path);
    g_free(disk->pool);
    g_free(disk->volume);
    g_free(disk->format);
    g_strfreev(disk->used_by);
    g_free(disk);
}

/**
 * hako_guest_disk_can_copy:
 *
 * Returns: whether a clone can have a copy of @disk: a writable disk in a storage pool
 */
gboolean
hako_guest_disk_can_copy(const HakoGuestDisk *disk)
{
    g_return_val_if_fail(disk != NULL, FALSE);
    return !disk->read_only && disk->pool != NULL && disk->volume != NULL &&
           g_strcmp0(disk->device, "cdrom") != 0 && g_strcmp0(disk->device, "floppy") != 0;
}

struct _HakoGuestOps {
    GObject parent_instance;

    HakoConnectionManager *manager;
};

G_DEFINE_FINAL_TYPE(HakoGuestOps, hako_guest_ops, G_TYPE_OBJECT)

static void
hako_guest_ops_dispose(GObject *object)
{
    HakoGuestOps *self = HAKO_GUEST_OPS(object);

    g_clear_object(&self->manager);

    G_OBJECT_CLASS(hako_guest_ops_parent_class)->dispose(object);
}

static void
hako_guest_ops_class_init(HakoGuestOpsClass *klass)
{
    G_OBJECT_CLASS(klass)->dispose = hako_guest_ops_dispose;
}

static void
hako_guest_ops_init(HakoGuestOps *self)
{
}

/**
 * hako_guest_ops_new:
 * @manager: the connections the guests come from
 *
 * Returns: (transfer full): the whole-guest operations of @manager's guests.
 */
HakoGuestOps *
hako_guest_ops_new(HakoConnectionManager *manager)
{
    HakoGuestOps *self;

    g_return_val_if_fail(HAKO_IS_CONNECTION_MANAGER(manager), NULL);

    self = g_object_new(HAKO_TYPE_GUEST_OPS, NULL);
    self->manager = g_object_ref(manager);
    return self;
}

/**
 * hako_guest_ops_suggest_clone_name:
 * @domains: the host's guests
 * @name: the guest to clone
 *
 * Returns: (transfer full): "NAME-clone", or "NAME-clone-2"… when that is taken
 */
char *
hako_guest_ops_suggest_clone_name(HakoDomainList *domains, const char *name)
{
    g_autofree char *base = NULL;

    g_return_val_if_fail(HAKO_IS_DOMAIN_LIST(domains), NULL);
    g_return_val_if_fail(name != NULL, NULL);

    base = g_strdup_printf("%s-clone", name);
    if (hako_domain_list_lookup_by_name(domains, base) == NULL)
        return g_steal_pointer(&base);
    for (guint i = 2;; i++) {
        char *candidate = g_strdup_printf("%s-%u", base, i);

        if (hako_domain_list_lookup_by_name(domains, candidate) == NULL)
            return candidate;
        g_free(candidate);
    }
}

/* ---------------------------------------------------------------------- */
/* Operations */

typedef struct _OpData OpData;
typedef gboolean (*OpFunc)(OpData *d, GError **error);

struct _OpData {
    virConnectPtr conn;
    OpFunc func;
    char *uuid;  /* NULL for a restore */
    char *guest; /* the guest's name */
    char *name;  /* a clone's name */
    char *path;  /* a save file */
    char **strv; /* shared targets, volumes to delete */
    HakoGuestDeleteFlags flags;

    gpointer result;
    GDestroyNotify result_free;

    /* a clone's progress */
    GTask *task; /* not a reference: valid while the worker runs */
    HakoGuestProgressFunc progress;
    gpointer progress_data;
    GDestroyNotify progress_destroy;
    GMutex lock;
    guint64 done;
    guint64 total;
    gboolean report_queued;
    gint64 last_report;
};

static void
op_data_free(gpointer data)
{
    OpData *d = data;

    if (d->conn != NULL)
        virConnectClose(d->conn);
    g_free(d->uuid);
    g_free(d->guest);
    g_free(d->name);
    g_free(d->path);
    g_strfreev(d->strv);
    if (d->result != NULL && d->result_free != NULL)
        d->result_free(d->result);
    if (d->progress_destroy != NULL)
        d->progress_destroy(d->progress_data);
    g_mutex_clear(&d->lock);
    g_free(d);
}

static void
op_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    OpData *d = data;
    GError *error = NULL;
    gboolean ok = d->func(d, &error);

    /* the last reference may be the worker's: close it here, never on the main thread */
    virConnectClose(g_steal_pointer(&d->conn));
    if (!ok)
        g_task_return_error(task, error);
    else if (d->result_free != NULL)
        g_task_return_pointer(task, g_steal_pointer(&d->result), d->result_free);
    else
        g_task_return_boolean(task, TRUE);
}

/* Starts @func with a connection to @domain's host (or @host's), or fails at once. */
static OpData *
op_new(HakoGuestOps *self,
       HakoDomain *domain,
       HakoHost *host,
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
    if (domain != NULL)
        conn = _hako_connection_manager_dup_conn_to_change(self->manager, domain, &error);
    else
        conn = _hako_connection_manager_dup_host_conn_to_change(self->manager, host, &error);
    if (conn == NULL) {
        g_task_return_error(task, error);
        return NULL;
    }
    d = g_new0(OpData, 1);
    g_mutex_init(&d->lock);
    d->conn = conn;
    d->func = func;
    d->task = task;
    if (domain != NULL) {
        d->uuid = g_strdup(hako_domain_get_uuid(domain));
        d->guest = g_strdup(hako_domain_get_name(domain));
    }
    g_task_set_task_data(task, d, op_data_free);
    return d;
}

static void
op_run(GTask *task)
{
    _hako_task_run_in_own_thread(task, op_thread);
    g_object_unref(task);
}

static virDomainPtr
lookup_domain(OpData *d, const char *format, GError **error)
{
    virDomainPtr dom = virDomainLookupByUUIDString(d->conn, d->uuid);

    if (dom == NULL)
        *error = _hako_engine_error_from_libvirt(HAKO_ENGINE_ERROR_NOT_FOUND, format, d->guest);
    return dom;
}

/* ---------------------------------------------------------------------- */
/* XML */

static xmlDocPtr
parse_xml(const char *xml)
{
    return xmlReadMemory(xml, (int)strlen(xml), "domain.xml", NULL,
                         XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
}

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

/* The nodes @expression selects, as a GPtrArray of xmlNodePtr (owned by @doc). */
static GPtrArray *
xpath_nodes(xmlDocPtr doc, const char *expression)
{
    GPtrArray *nodes = g_ptr_array_new();
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    xmlXPathObjectPtr obj = ctx != NULL ? xmlXPathEvalExpression(BAD_CAST expression, ctx) : NULL;

    if (obj != NULL && obj->type == XPATH_NODESET && obj->nodesetval != NULL) {
        for (int i = 0; i < obj->nodesetval->nodeNr; i++)
            g_ptr_array_add(nodes, obj->nodesetval->nodeTab[i]);
    }
    xmlXPathFreeObject(obj);
    xmlXPathFreeContext(ctx);
    return nodes;
}

static void
remove_nodes(xmlDocPtr doc, const char *expression)
{
    g_autoptr(GPtrArray) nodes = xpath_nodes(doc, expression);

    for (guint i = 0; i < nodes->len; i++) {
        xmlNodePtr node = nodes->pdata[i];

        if (node->type == XML_ATTRIBUTE_NODE) {
            xmlRemoveProp((xmlAttrPtr)node);
            continue;
        }
        xmlUnlinkNode(node);
        xmlFreeNode(node);
    }
}

static void
vol_free(gpointer vol)
{
    virStorageVolFree(vol);
}

static char *
take_libvirt_string(char *s)
{
    char *copy = g_strdup(s);

    free(s);
    return copy;
}

static char *
domain_xml(virDomainPtr dom, unsigned int flags, const char *guest, GError **error)
{
    char *raw = virDomainGetXMLDesc(dom, flags);

    if (raw == NULL)
        *error = _hako_engine_error_from_libvirt(
            HAKO_ENGINE_ERROR_FAILED, _("Could not read the configuration of “%s”"), guest);
    return take_libvirt_string(raw);
}

/* ---------------------------------------------------------------------- */
/* Disks and who uses them (worker side) */

/* The path of @pool/@volume, or NULL. */
static char *
volume_path(virConnectPtr conn, const char *pool_name, const char *volume)
{
    virStoragePoolPtr pool = virStoragePoolLookupByName(conn, pool_name);
    virStorageVolPtr vol = pool != NULL ? virStorageVolLookupByName(pool, volume) : NULL;
    char *path = vol != NULL ? take_libvirt_string(virStorageVolGetPath(vol)) : NULL;

    if (vol != NULL)
        virStorageVolFree(vol);
    if (pool != NULL)
        virStoragePoolFree(pool);
    virResetLastError();
    return path;
}

/* The paths @doc's disks use (their backing chains too), resolving pool volumes. */
static GPtrArray *
disk_paths(virConnectPtr conn, xmlDocPtr doc)
{
    GPtrArray *paths = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) sources = xpath_nodes(doc, "/domain/devices/disk//source");

    for (guint i = 0; i < sources->len; i++) {
        xmlNodePtr source = sources->pdata[i];
        g_autofree char *file = xpath_string(doc, source, "@file");
        g_autofree char *dev = xpath_string(doc, source, "@dev");
        g_autofree char *pool = xpath_string(doc, source, "@pool");
        g_autofree char *volume = xpath_string(doc, source, "@volume");

        if (file != NULL)
            g_ptr_array_add(paths, g_steal_pointer(&file));
        else if (dev != NULL)
            g_ptr_array_add(paths, g_steal_pointer(&dev));
        else if (pool != NULL && volume != NULL) {
            char *path = volume_path(conn, pool, volume);

            if (path != NULL)
                g_ptr_array_add(paths, path);
        }
    }
    return paths;
}

/* The names of the guests other than @uuid whose disks use each path (path → GPtrArray). */
static GHashTable *
scan_other_users(virConnectPtr conn, const char *uuid)
{
    GHashTable *users =
        g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_ptr_array_unref);
    virDomainPtr *domains = NULL;
    int n = virConnectListAllDomains(conn, &domains, 0);

    if (n < 0) {
        g_debug("Could not list the guests to see which volumes they use: %s",
                _hako_libvirt_last_message());
        virResetLastError();
        return users;
    }
    for (int i = 0; i < n; i++) {
        char other[VIR_UUID_STRING_BUFLEN] = "";
        const char *name = virDomainGetName(domains[i]);
        unsigned int flags[2] = {0, VIR_DOMAIN_XML_INACTIVE};
        guint passes =
            virDomainIsActive(domains[i]) == 1 && virDomainIsPersistent(domains[i]) == 1 ? 2 : 1;

        if (virDomainGetUUIDString(domains[i], other) < 0 || g_strcmp0(other, uuid) == 0) {
            virResetLastError();
            virDomainFree(domains[i]);
            continue;
        }
        for (guint pass = 0; pass < passes; pass++) {
            char *raw = virDomainGetXMLDesc(domains[i], flags[pass]);
            xmlDocPtr doc = raw != NULL ? parse_xml(raw) : NULL;
            g_autoptr(GPtrArray) paths = NULL;

            free(raw);
            if (doc == NULL) {
                virResetLastError();
                continue;
            }
            paths = disk_paths(conn, doc);
            for (guint j = 0; j < paths->len; j++) {
                GPtrArray *names = g_hash_table_lookup(users, paths->pdata[j]);
                guint index;

                if (names == NULL) {
                    names = g_ptr_array_new_with_free_func(g_free);
                    g_hash_table_insert(users, g_strdup(paths->pdata[j]), names);
                }
                if (!g_ptr_array_find_with_equal_func(names, name, g_str_equal, &index))
                    g_ptr_array_add(names, g_strdup(name));
            }
            xmlFreeDoc(doc);
        }
        virDomainFree(domains[i]);
    }
    free(domains);
    return users;
}

static int
compare_names(gconstpointer a, gconstpointer b)
{
    return g_strcmp0(*(char *const *)a, *(char *const *)b);
}

static char **
users_of(GHashTable *users, const char *path)
{
    GPtrArray *names = path != NULL ? g_hash_table_lookup(users, path) : NULL;
    GPtrArray *copy = g_ptr_array_new();

    for (guint i = 0; names != NULL && i < names->len; i++)
        g_ptr_array_add(copy, g_strdup(names->pdata[i]));
    g_ptr_array_sort(copy, compare_names);
    g_ptr_array_add(copy, NULL);
    return (char **)g_ptr_array_free(copy, FALSE);
}

/* The disk @node of @doc, with its volume's pool, name and sizes when it is one. */
static HakoGuestDisk *
read_disk(virConnectPtr conn, xmlDocPtr doc, xmlNodePtr node)
{
    g_autoptr(HakoGuestDisk) disk = hako_guest_disk_new();
    g_autofree char *pool = xpath_string(doc, node, "source/@pool");
    g_autofree char *volume = xpath_string(doc, node, "source/@volume");
    g_autofree char *readonly = xpath_string(doc, node, "count(readonly|shareable)");
    virStorageVolPtr vol = NULL;

    disk->target = xpath_string(doc, node, "target/@dev");
    disk->device = xpath_string(doc, node, "@device");
    if (disk->device == NULL)
        disk->device = g_strdup("disk");
    disk->format = xpath_string(doc, node, "driver/@type");
    disk->read_only = g_strcmp0(readonly, "0") != 0;
    disk->path = xpath_string(doc, node, "source/@file");
    if (disk->path == NULL)
        disk->path = xpath_string(doc, node, "source/@dev");

    if (pool != NULL && volume != NULL) {
        virStoragePoolPtr p = virStoragePoolLookupByName(conn, pool);

        vol = p != NULL ? virStorageVolLookupByName(p, volume) : NULL;
        if (p != NULL)
            virStoragePoolFree(p);
    } else if (disk->path != NULL) {
        vol = virStorageVolLookupByPath(conn, disk->path);
    }
    if (vol != NULL) {
        virStoragePoolPtr p = virStoragePoolLookupByVolume(vol);
        virStorageVolInfo info;

        g_free(disk->path);
        disk->path = take_libvirt_string(virStorageVolGetPath(vol));
        disk->volume = g_strdup(virStorageVolGetName(vol));
        disk->pool = p != NULL ? g_strdup(virStoragePoolGetName(p)) : NULL;
        if (virStorageVolGetInfo(vol, &info) == 0) {
            disk->capacity = info.capacity;
            disk->allocation = info.allocation;
        }
        if (p != NULL)
            virStoragePoolFree(p);
        virStorageVolFree(vol);
    }
    virResetLastError();
    return g_steal_pointer(&disk);
}

static GPtrArray *
read_disks(virConnectPtr conn, xmlDocPtr doc, GHashTable *users)
{
    GPtrArray *disks = g_ptr_array_new_with_free_func((GDestroyNotify)hako_guest_disk_free);
    g_autoptr(GPtrArray) nodes = xpath_nodes(doc, "/domain/devices/disk");

    for (guint i = 0; i < nodes->len; i++) {
        HakoGuestDisk *disk = read_disk(conn, doc, nodes->pdata[i]);

        if (users != NULL) {
            g_strfreev(disk->used_by);
            disk->used_by = users_of(users, disk->path);
        }
        g_ptr_array_add(disks, disk);
    }
    return disks;
}

static gboolean
list_disks_op(OpData *d, GError **error)
{
    virDomainPtr dom = lookup_domain(d, _("Could not find the guest “%s”"), error);
    g_autoptr(GHashTable) users = NULL;
    g_autofree char *xml = NULL;
    xmlDocPtr doc;

    if (dom == NULL)
        return FALSE;
    /* what it starts with next time, which is what a clone copies and a delete removes */
    xml = domain_xml(dom, virDomainIsPersistent(dom) == 1 ? VIR_DOMAIN_XML_INACTIVE : 0, d->guest,
                     error);
    virDomainFree(dom);
    if (xml == NULL)
        return FALSE;
    doc = parse_xml(xml);
    if (doc == NULL) {
        g_set_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_INVALID_DATA,
                    _("Could not read the configuration of “%s”: it is not valid XML"), d->guest);
        return FALSE;
    }
    users = scan_other_users(d->conn, d->uuid);
    d->result = read_disks(d->conn, doc, users);
    d->result_free = (GDestroyNotify)g_ptr_array_unref;
    xmlFreeDoc(doc);
    return TRUE;
}

/**
 * hako_guest_ops_list_disks_async:
 * @domain: a guest of a connected, writable host
 *
 * Lists @domain's disks (from the configuration it starts with), each with its volume when it
 * is one and the other guests whose disks use it too.
 */
void
hako_guest_ops_list_disks_async(HakoGuestOps *self,
                                HakoDomain *domain,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data)
{
    GTask *task;

    g_return_if_fail(HAKO_IS_GUEST_OPS(self));
    g_return_if_fail(HAKO_IS_DOMAIN(domain));

    if (op_new(self, domain, NULL, list_disks_op, cancellable, callback, user_data,
               hako_guest_ops_list_disks_async, &task) == NULL) {
        g_object_unref(task);
        return;
    }
    op_run(task);
}

/**
 * hako_guest_ops_list_disks_finish:
 *
 * Returns: (transfer container) (element-type HakoGuestDisk): the disks in the order of the
 *   guest's XML, or %NULL
 */
GPtrArray *
hako_guest_ops_list_disks_finish(HakoGuestOps *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), NULL);
    return g_task_propagate_pointer(G_TASK(result), error);
}

/* ---------------------------------------------------------------------- */
/* Clone */

static gboolean
report_progress_cb(gpointer data)
{
    GTask *task = data;
    OpData *d = g_task_get_task_data(task);
    guint64 done;
    guint64 total;

    g_mutex_lock(&d->lock);
    done = d->done;
    total = d->total;
    d->report_queued = FALSE;
    g_mutex_unlock(&d->lock);
    if (!g_task_get_completed(task))
        d->progress(done, total, d->progress_data);
    g_object_unref(task);
    return G_SOURCE_REMOVE;
}

/* Any thread: records @done and queues a report unless one is queued or was made recently;
 * @final always queues one. */
static void
note_progress(OpData *d, guint64 done, gboolean final)
{
    gint64 now = g_get_monotonic_time();
    gboolean queue = FALSE;

    if (d->progress == NULL)
        return;
    g_mutex_lock(&d->lock);
    d->done = MIN(done, d->total);
    if (!d->report_queued && (final || now - d->last_report >= PROGRESS_INTERVAL_US)) {
        d->report_queued = TRUE;
        d->last_report = now;
        queue = TRUE;
    }
    g_mutex_unlock(&d->lock);
    if (queue)
        _hako_invoke_in_main(report_progress_cb, g_object_ref(d->task));
}

/* A thread that reads the allocation of the volume being made while the copy runs. */
typedef struct {
    OpData *d;
    virStoragePoolPtr pool;
    char *volume;
    guint64 base; /* bytes copied before this volume */
    gint stop;
} Poller;

static gpointer
poll_thread(gpointer data)
{
    Poller *p = data;

    while (!g_atomic_int_get(&p->stop)) {
        virStorageVolPtr vol;
        virStorageVolInfo info;

        g_usleep(PROGRESS_INTERVAL_US);
        if (g_atomic_int_get(&p->stop))
            break;
        vol = virStorageVolLookupByName(p->pool, p->volume);
        if (vol != NULL && virStorageVolGetInfo(vol, &info) == 0)
            note_progress(p->d, p->base + info.allocation, FALSE);
        if (vol != NULL)
            virStorageVolFree(vol);
        virResetLastError();
    }
    return NULL;
}

/* A name for the copy of @volume in @pool, from the clone's name, that the pool lacks. */
static char *
copy_name(virStoragePoolPtr pool, const char *volume, const char *guest, const char *clone)
{
    const char *ext = strrchr(volume, '.');
    g_autofree char *stem = NULL;
    g_autofree char *suffix = g_strdup(ext != NULL && ext != volume ? ext : "");
    g_autofree char *base = NULL;

    stem = g_strndup(volume, strlen(volume) - strlen(suffix));
    /* "old.qcow2" → "new.qcow2", "old-data.qcow2" → "new-data.qcow2", "disk.img" → "new-disk.img"
     */
    if (g_str_has_prefix(stem, guest))
        base = g_strconcat(clone, stem + strlen(guest), NULL);
    else
        base = g_strconcat(clone, "-", stem, NULL);
    for (guint i = 1;; i++) {
        char *candidate =
            i == 1 ? g_strconcat(base, suffix, NULL) : g_strdup_printf("%s-%u%s", base, i, suffix);
        virStorageVolPtr existing = virStorageVolLookupByName(pool, candidate);

        virResetLastError();
        if (existing == NULL)
            return candidate;
        virStorageVolFree(existing);
        g_free(candidate);
    }
}

/* Copies @source into a new volume of its pool named @name; NULL with @error on failure. */
static virStorageVolPtr
copy_volume(OpData *d, virStorageVolPtr source, const char *name, guint64 base, GError **error)
{
    virStoragePoolPtr pool = virStoragePoolLookupByVolume(source);
    g_autofree char *xml = NULL;
    g_autofree char *format = NULL;
    char *raw;
    virStorageVolInfo info = {0};
    virStorageVolPtr vol;
    Poller poller = {d, pool, (char *)name, base, 0};
    GThread *thread;

    if (pool == NULL || virStorageVolGetInfo(source, &info) < 0) {
        *error = _hako_engine_error_from_libvirt(HAKO_ENGINE_ERROR_FAILED,
                                                 _("Could not read the volume “%s”"),
                                                 virStorageVolGetName(source));
        if (pool != NULL)
            virStoragePoolFree(pool);
        return NULL;
    }
    raw = virStorageVolGetXMLDesc(source, 0);
    if (raw != NULL) {
        xmlDocPtr doc = parse_xml(raw);

        if (doc != NULL) {
            format = xpath_string(doc, NULL, "/volume/target/format/@type");
            xmlFreeDoc(doc);
        }
        free(raw);
    }
    xml = format != NULL ? g_markup_printf_escaped(
                               "<volume><name>%s</name><capacity unit='bytes'>%" G_GUINT64_FORMAT
                               "</capacity><target><format type='%s'/></target></volume>",
                               name, (guint64)info.capacity, format)
                         : g_markup_printf_escaped(
                               "<volume><name>%s</name><capacity unit='bytes'>%" G_GUINT64_FORMAT
                               "</capacity></volume>",
                               name, (guint64)info.capacity);
    thread = g_thread_new("hako-clone-progress", poll_thread, &poller);
    vol = virStorageVolCreateXMLFrom(pool, xml, source, 0);
    if (vol == NULL)
        *error = _hako_engine_error_from_libvirt(HAKO_ENGINE_ERROR_FAILED,
                                                 _("Could not copy the volume “%s” into “%s”"),
                                                 virStorageVolGetName(source), name);
    g_atomic_int_set(&poller.stop, 1);
    g_thread_join(thread);
    virStoragePoolFree(pool);
    return vol;
}

static void
delete_volumes(GPtrArray *volumes)
{
    for (guint i = 0; i < volumes->len; i++) {
        if (virStorageVolDelete(volumes->pdata[i], 0) < 0) {
            g_debug("Could not remove the copy “%s”: %s", virStorageVolGetName(volumes->pdata[i]),
                    _hako_libvirt_last_message());
            virResetLastError();
        }
    }
}

/* Points the disk @node at the volume @vol. */
static void
set_disk_source(xmlNodePtr node, virStorageVolPtr vol)
{
    g_autofree char *path = take_libvirt_string(virStorageVolGetPath(vol));

    for (xmlNodePtr child = node->children; child != NULL; child = child->next) {
        if (child->type != XML_ELEMENT_NODE || !xmlStrEqual(child->name, BAD_CAST "source"))
            continue;
        if (xmlHasProp(child, BAD_CAST "volume"))
            xmlSetProp(child, BAD_CAST "volume", BAD_CAST virStorageVolGetName(vol));
        else if (xmlHasProp(child, BAD_CAST "dev"))
            xmlSetProp(child, BAD_CAST "dev", BAD_CAST path);
        else
            xmlSetProp(child, BAD_CAST "file", BAD_CAST path);
    }
    /* the copy is a whole image: it has no backing chain of its own to describe */
    for (xmlNodePtr child = node->children; child != NULL;) {
        xmlNodePtr next = child->next;

        if (child->type == XML_ELEMENT_NODE && xmlStrEqual(child->name, BAD_CAST "backingStore")) {
            xmlUnlinkNode(child);
            xmlFreeNode(child);
        }
        child = next;
    }
}

static gboolean
clone_disks(OpData *d, xmlDocPtr doc, GPtrArray *created, GError **error)
{
    g_autoptr(GPtrArray) nodes = xpath_nodes(doc, "/domain/devices/disk");
    g_autoptr(GPtrArray) sources = g_ptr_array_new_with_free_func(vol_free);
    g_autoptr(GPtrArray) targets = g_ptr_array_new();
    guint64 total = 0;
    guint64 done = 0;

    /* first which disks to copy, and how much, so that nothing starts on a refusal */
    for (guint i = 0; i < nodes->len; i++) {
        g_autoptr(HakoGuestDisk) disk = read_disk(d->conn, doc, nodes->pdata[i]);
        virStoragePoolPtr pool;
        virStorageVolPtr vol;
        virStorageVolInfo info;

        if (disk->path == NULL || disk->read_only || g_strcmp0(disk->device, "cdrom") == 0 ||
            g_strcmp0(disk->device, "floppy") == 0 ||
            (d->strv != NULL && g_strv_contains((const char *const *)d->strv, disk->target)))
            continue;
        if (!hako_guest_disk_can_copy(disk)) {
            g_set_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_NOT_SUPPORTED,
                        _("The disk “%s” (%s) is not a volume of a storage pool, so it cannot be "
                          "copied: share it with the clone instead."),
                        disk->target, disk->path);
            return FALSE;
        }
        pool = virStoragePoolLookupByName(d->conn, disk->pool);
        vol = pool != NULL ? virStorageVolLookupByName(pool, disk->volume) : NULL;
        if (pool != NULL)
            virStoragePoolFree(pool);
        if (vol == NULL || virStorageVolGetInfo(vol, &info) < 0) {
            *error = _hako_engine_error_from_libvirt(
                HAKO_ENGINE_ERROR_NOT_FOUND, _("Could not read the volume “%s”"), disk->volume);
            if (vol != NULL)
                virStorageVolFree(vol);
            return FALSE;
        }
        total += info.allocation;
        g_ptr_array_add(sources, vol);
        g_ptr_array_add(targets, nodes->pdata[i]);
    }
    g_mutex_lock(&d->lock);
    d->total = MAX(total, 1);
    g_mutex_unlock(&d->lock);
    note_progress(d, 0, TRUE);

    for (guint i = 0; i < sources->len; i++) {
        virStorageVolPtr source = sources->pdata[i];
        virStoragePoolPtr pool = virStoragePoolLookupByVolume(source);
        g_autofree char *name = NULL;
        virStorageVolPtr copy;
        virStorageVolInfo info;

        if (pool == NULL) {
            *error = _hako_engine_error_from_libvirt(HAKO_ENGINE_ERROR_FAILED,
                                                     _("Could not read the volume “%s”"),
                                                     virStorageVolGetName(source));
            return FALSE;
        }
        name = copy_name(pool, virStorageVolGetName(source), d->guest, d->name);
        virStoragePoolFree(pool);
        copy = copy_volume(d, source, name, done, error);
        if (copy == NULL)
            return FALSE;
        g_ptr_array_add(created, copy);
        set_disk_source(targets->pdata[i], copy);
        if (virStorageVolGetInfo(source, &info) == 0)
            done += info.allocation;
        virResetLastError();
        note_progress(d, done, FALSE);
    }
    return TRUE;
}

/* The clone's UEFI variables: a copy when they are a volume, else made anew by libvirt from
 * the firmware's template (the <nvram> element without its path). */
static gboolean
clone_nvram(OpData *d, xmlDocPtr doc, GPtrArray *created, GError **error)
{
    g_autoptr(GPtrArray) nodes = xpath_nodes(doc, "/domain/os/nvram");
    xmlNodePtr nvram = nodes->len > 0 ? nodes->pdata[0] : NULL;
    g_autofree char *path = nvram != NULL ? xpath_string(doc, nvram, ".") : NULL;
    virStorageVolPtr source;
    virStoragePoolPtr pool;
    g_autofree char *name = NULL;
    g_autofree char *new_path = NULL;
    virStorageVolPtr copy;
    guint64 done;

    if (path == NULL)
        return TRUE;
    source = virStorageVolLookupByPath(d->conn, path);
    virResetLastError();
    if (source == NULL) {
        xmlNodeSetContent(nvram, NULL);
        return TRUE;
    }
    pool = virStoragePoolLookupByVolume(source);
    name = g_strdup_printf("%s_VARS.fd", d->name);
    g_mutex_lock(&d->lock);
    done = d->done;
    g_mutex_unlock(&d->lock);
    copy = pool != NULL ? copy_volume(d, source, name, done, error) : NULL;
    if (pool != NULL)
        virStoragePoolFree(pool);
    virStorageVolFree(source);
    if (copy == NULL) {
        if (error != NULL && *error == NULL)
            *error = _hako_engine_error_from_libvirt(
                HAKO_ENGINE_ERROR_FAILED, _("Could not copy the UEFI variables of “%s”"), d->guest);
        return FALSE;
    }
    g_ptr_array_add(created, copy);
    new_path = take_libvirt_string(virStorageVolGetPath(copy));
    xmlNodeSetContent(nvram, BAD_CAST new_path);
    return TRUE;
}

static gboolean
clone_op(OpData *d, GError **error)
{
    virDomainPtr dom = lookup_domain(d, _("Could not clone “%s”"), error);
    g_autoptr(GPtrArray) created = g_ptr_array_new_with_free_func(vol_free);
    g_autofree char *xml = NULL;
    virDomainPtr existing;
    virDomainPtr clone;
    xmlChar *out = NULL;
    int out_len = 0;
    xmlDocPtr doc;
    g_autoptr(GPtrArray) names = NULL;

    if (dom == NULL)
        return FALSE;
    if (virDomainIsActive(dom) != 0) {
        g_set_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_FAILED,
                    _("Shut “%s” down before cloning it: the disks of a running guest change "
                      "while they are copied."),
                    d->guest);
        virDomainFree(dom);
        return FALSE;
    }
    existing = virDomainLookupByName(d->conn, d->name);
    virResetLastError();
    if (existing != NULL) {
        virDomainFree(existing);
        virDomainFree(dom);
        g_set_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_INVALID_DATA,
                    _("A guest named “%s” already exists."), d->name);
        return FALSE;
    }
    xml = domain_xml(dom, VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_SECURE, d->guest, error);
    virDomainFree(dom);
    if (xml == NULL)
        return FALSE;
    doc = parse_xml(xml);
    if (doc == NULL) {
        g_set_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_INVALID_DATA,
                    _("Could not read the configuration of “%s”: it is not valid XML"), d->guest);
        return FALSE;
    }

    /* a new name, and none of what makes a guest unique: libvirt makes new ones (a fixed
     * display port becomes an automatic one, so that both guests can run at once) */
    names = xpath_nodes(doc, "/domain/name");
    if (names->len > 0)
        xmlNodeSetContent(names->pdata[0], BAD_CAST d->name);
    remove_nodes(doc, "/domain/uuid | /domain/devices/interface/mac | "
                      "/domain/devices/interface/target | /domain/title | "
                      "/domain/devices/graphics[@autoport='no']/@port | "
                      "/domain/devices/graphics[@autoport='no']/@tlsPort | "
                      "/domain/devices/graphics/@autoport[.='no']");

    if (!clone_disks(d, doc, created, error) || !clone_nvram(d, doc, created, error)) {
        delete_volumes(created);
        xmlFreeDoc(doc);
        return FALSE;
    }
    xmlDocDumpMemory(doc, &out, &out_len);
    xmlFreeDoc(doc);
    clone = virDomainDefineXML(d->conn, (const char *)out);
    xmlFree(out);
    if (clone == NULL) {
        *error = _hako_engine_error_from_libvirt(HAKO_ENGINE_ERROR_FAILED,
                                                 _("Could not define the clone “%s”"), d->name);
        delete_volumes(created);
        return FALSE;
    }
    virDomainFree(clone);
    note_progress(d, d->total, TRUE);
    d->result = g_strdup(d->name);
    d->result_free = g_free;
    return TRUE;
}

/**
 * hako_guest_ops_clone_async:
 * @domain: a stopped guest of a connected, writable host
 * @new_name: the clone's name (hako_guest_ops_suggest_clone_name() gives one)
 * @shared_targets: (nullable) (array zero-terminated=1): the targets ("vda") of the disks the
 *   clone shares with @domain instead of having copies; read-only disks and CD-ROMs are always
 *   shared, and a disk that is not a pool's volume must be
 * @progress: (nullable) (scope notified): called on the main thread with the bytes copied
 *
 * Defines a copy of @domain named @new_name, with a new UUID and new MAC addresses; each
 * disk not shared is copied into a new volume of its pool. A failure deletes the copies made.
 */
void
hako_guest_ops_clone_async(HakoGuestOps *self,
                           HakoDomain *domain,
                           const char *new_name,
                           const char *const *shared_targets,
                           HakoGuestProgressFunc progress,
                           gpointer progress_data,
                           GDestroyNotify progress_destroy,
                           GCancellable *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer user_data)
{
    GTask *task;
    OpData *d;

    g_return_if_fail(HAKO_IS_GUEST_OPS(self));
    g_return_if_fail(HAKO_IS_DOMAIN(domain));

    if (new_name == NULL || *new_name == '\0' || strchr(new_name, '/') != NULL) {
        if (progress_destroy != NULL)
            progress_destroy(progress_data);
        g_task_report_new_error(self, callback, user_data, hako_guest_ops_clone_async,
                                HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_INVALID_DATA,
                                _("The clone needs a name, without “/”."));
        return;
    }
    d = op_new(self, domain, NULL, clone_op, cancellable, callback, user_data,
               hako_guest_ops_clone_async, &task);
    if (d == NULL) {
        if (progress_destroy != NULL)
            progress_destroy(progress_data);
        g_object_unref(task);
        return;
    }
    d->name = g_strdup(new_name);
    d->strv = g_strdupv((char **)shared_targets);
    d->progress = progress;
    d->progress_data = progress_data;
    d->progress_destroy = progress_destroy;
    op_run(task);
}

/**
 * hako_guest_ops_clone_finish:
 *
 * Returns: (transfer full): the clone's name, or %NULL
 */
char *
hako_guest_ops_clone_finish(HakoGuestOps *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), NULL);
    return g_task_propagate_pointer(G_TASK(result), error);
}

/* ---------------------------------------------------------------------- */
/* Delete */

static gboolean
undefine(virDomainPtr dom)
{
    unsigned int flags[] = {
        VIR_DOMAIN_UNDEFINE_MANAGED_SAVE | VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA |
            VIR_DOMAIN_UNDEFINE_CHECKPOINTS_METADATA | VIR_DOMAIN_UNDEFINE_NVRAM,
        VIR_DOMAIN_UNDEFINE_MANAGED_SAVE | VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA,
        0,
    };

    /* drivers that know fewer flags refuse the others (the test driver, Xen) */
    for (guint i = 0; i < G_N_ELEMENTS(flags); i++) {
        int code;

        if (virDomainUndefineFlags(dom, flags[i]) == 0)
            return TRUE;
        code = virGetLastErrorCode();
        if (code != VIR_ERR_INVALID_ARG && code != VIR_ERR_NO_SUPPORT)
            return FALSE;
        virResetLastError();
    }
    return FALSE;
}

static gboolean
delete_op(OpData *d, GError **error)
{
    virDomainPtr dom = lookup_domain(d, _("Could not delete “%s”"), error);
    g_autoptr(GPtrArray) volumes = g_ptr_array_new_with_free_func(vol_free);
    g_autoptr(GHashTable) users = NULL;

    if (dom == NULL)
        return FALSE;
    /* every volume found and free to delete before anything changes */
    users = scan_other_users(d->conn, d->uuid);
    for (guint i = 0; d->strv != NULL && d->strv[i] != NULL; i++) {
        virStorageVolPtr vol = virStorageVolLookupByPath(d->conn, d->strv[i]);
        g_auto(GStrv) names = NULL;

        if (vol == NULL) {
            *error = _hako_engine_error_from_libvirt(
                HAKO_ENGINE_ERROR_NOT_FOUND, _("Could not find the volume “%s”"), d->strv[i]);
            virDomainFree(dom);
            return FALSE;
        }
        g_ptr_array_add(volumes, vol);
        names = users_of(users, d->strv[i]);
        if (names[0] != NULL && !(d->flags & HAKO_GUEST_DELETE_FORCE)) {
            g_autofree char *list = g_strjoinv(", ", names);

            g_set_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_IN_USE,
                        _("The volume “%s” is also used by these guests: %s. Delete it anyway "
                          "only if they no longer need it."),
                        d->strv[i], list);
            virDomainFree(dom);
            return FALSE;
        }
    }

    if (virDomainIsActive(dom) == 1 && virDomainDestroy(dom) < 0) {
        *error = _hako_engine_error_from_libvirt(HAKO_ENGINE_ERROR_FAILED,
                                                 _("Could not stop “%s” to delete it"), d->guest);
        virDomainFree(dom);
        return FALSE;
    }
    virResetLastError();
    if (virDomainIsPersistent(dom) == 1 && !undefine(dom)) {
        *error = _hako_engine_error_from_libvirt(HAKO_ENGINE_ERROR_FAILED,
                                                 _("Could not delete “%s”"), d->guest);
        virDomainFree(dom);
        return FALSE;
    }
    virResetLastError();
    virDomainFree(dom);

    for (guint i = 0; i < volumes->len; i++) {
        if (virStorageVolDelete(volumes->pdata[i], 0) < 0) {
            *error = _hako_engine_error_from_libvirt(HAKO_ENGINE_ERROR_FAILED,
                                                     _("“%s” was deleted, but not its volume “%s”"),
                                                     d->guest, d->strv[i]);
            return FALSE;
        }
    }
    return TRUE;
}

/**
 * hako_guest_ops_delete_async:
 * @domain: a guest of a connected, writable host
 * @volume_paths: (nullable) (array zero-terminated=1): the paths of the volumes to delete with
 *   it (as hako_guest_ops_list_disks_async() gives them)
 * @flags: %HAKO_GUEST_DELETE_FORCE to delete volumes that other guests use too
 *
 * Deletes @domain: forced off if it runs, then undefined with its UEFI variables, managed save
 * and snapshot metadata, then the chosen volumes deleted. Without %HAKO_GUEST_DELETE_FORCE a
 * volume another guest uses is refused with %HAKO_ENGINE_ERROR_IN_USE before anything changes.
 */
void
hako_guest_ops_delete_async(HakoGuestOps *self,
                            HakoDomain *domain,
                            const char *const *volume_paths,
                            HakoGuestDeleteFlags flags,
                            GCancellable *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer user_data)
{
    GTask *task;
    OpData *d;

    g_return_if_fail(HAKO_IS_GUEST_OPS(self));
    g_return_if_fail(HAKO_IS_DOMAIN(domain));

    d = op_new(self, domain, NULL, delete_op, cancellable, callback, user_data,
               hako_guest_ops_delete_async, &task);
    if (d == NULL) {
        g_object_unref(task);
        return;
    }
    d->strv = g_strdupv((char **)volume_paths);
    d->flags = flags;
    op_run(task);
}

gboolean
hako_guest_ops_delete_finish(HakoGuestOps *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), FALSE);
    return g_task_propagate_boolean(G_TASK(result), error);
}

/* ---------------------------------------------------------------------- */
/* Save and restore */

static gboolean
save_op(OpData *d, GError **error)
{
    virDomainPtr dom = lookup_domain(d, _("Could not save “%s”"), error);
    int ret;

    if (dom == NULL)
        return FALSE;
    ret = virDomainSaveFlags(dom, d->path, NULL, 0);
    if (ret < 0)
        *error = _hako_engine_error_from_libvirt(
            HAKO_ENGINE_ERROR_FAILED, _("Could not save “%s” to “%s”"), d->guest, d->path);
    virDomainFree(dom);
    return ret == 0;
}

/**
 * hako_guest_ops_save_async:
 * @domain: a running or paused guest of a connected, writable host
 * @path: a file on the host (written by libvirt, so a path the daemon can write)
 *
 * Saves @domain's memory and state to @path and stops it; hako_guest_ops_restore_async()
 * brings it back.
 */
void
hako_guest_ops_save_async(HakoGuestOps *self,
                          HakoDomain *domain,
                          const char *path,
                          GCancellable *cancellable,
                          GAsyncReadyCallback callback,
                          gpointer user_data)
{
    GTask *task;
    OpData *d;

    g_return_if_fail(HAKO_IS_GUEST_OPS(self));
    g_return_if_fail(HAKO_IS_DOMAIN(domain));
    g_return_if_fail(path != NULL);

    d = op_new(self, domain, NULL, save_op, cancellable, callback, user_data,
               hako_guest_ops_save_async, &task);
    if (d == NULL) {
        g_object_unref(task);
        return;
    }
    d->path = g_strdup(path);
    op_run(task);
}

gboolean
hako_guest_ops_save_finish(HakoGuestOps *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), FALSE);
    return g_task_propagate_boolean(G_TASK(result), error);
}

static gboolean
restore_op(OpData *d, GError **error)
{
    if (virDomainRestore(d->conn, d->path) < 0) {
        *error = _hako_engine_error_from_libvirt(HAKO_ENGINE_ERROR_FAILED,
                                                 _("Could not restore a guest from “%s”"), d->path);
        return FALSE;
    }
    return TRUE;
}

/**
 * hako_guest_ops_restore_async:
 * @host: a connected, writable host
 * @path: a file hako_guest_ops_save_async() wrote on that host
 *
 * Starts the guest saved in @path again where it was.
 */
void
hako_guest_ops_restore_async(HakoGuestOps *self,
                             HakoHost *host,
                             const char *path,
                             GCancellable *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer user_data)
{
    GTask *task;
    OpData *d;

    g_return_if_fail(HAKO_IS_GUEST_OPS(self));
    g_return_if_fail(HAKO_IS_HOST(host));
    g_return_if_fail(path != NULL);

    d = op_new(self, NULL, host, restore_op, cancellable, callback, user_data,
               hako_guest_ops_restore_async, &task);
    if (d == NULL) {
        g_object_unref(task);
        return;
    }
    d->path = g_strdup(path);
    op_run(task);
}

gboolean
hako_guest_ops_restore_finish(HakoGuestOps *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), FALSE);
    return g_task_propagate_boolean(G_TASK(result), error);
}
