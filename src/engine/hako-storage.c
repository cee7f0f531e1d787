/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoStorage: a host's storage pools and volumes.
 *
 * Like HakoDomainOps, each operation takes a reference on the host's connection from the
 * connection manager on the main thread (which refuses a host that is not connected, and for
 * changes one that is read-only), then makes its libvirt calls on a thread of its own and
 * builds its GError there. Results are plain values (HakoStoragePool, HakoStorageVolume) read
 * on that thread; the caller lists again after a change. Uploads and downloads stream through
 * virStream in the worker, report progress to the main thread at most ten times a second, stop
 * between chunks when cancelled, and a download writes to a temporary file renamed only once
 * complete, so a failed or cancelled one leaves nothing behind. */
#include "config.h"

#include "hako-storage.h"

#include "hako-connection-manager-private.h"
#include "hako-engine-error.h"
#include "hako-engine-private.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHUNK_SIZE (256 * 1024)
#define PROGRESS_INTERVAL_US (100 * G_TIME_SPAN_MILLISECOND)

struct _HakoStorage {
    GObject parent_instance;

    HakoConnectionManager *manager;
};

G_DEFINE_FINAL_TYPE(HakoStorage, hako_storage, G_TYPE_OBJECT)

static void
hako_storage_dispose(GObject *object)
{
    HakoStorage *self = HAKO_STORAGE(object);

    g_clear_object(&self->manager);

    G_OBJECT_CLASS(hako_storage_parent_class)->dispose(object);
}

static void
hako_storage_class_init(HakoStorageClass *klass)
{
    G_OBJECT_CLASS(klass)->dispose = hako_storage_dispose;
}

static void
hako_storage_init(HakoStorage *self)
{
}

/**
 * hako_storage_new:
 * @manager: the connections the hosts come from
 *
 * Returns: (transfer full): the storage engine of @manager's hosts.
 */
HakoStorage *
hako_storage_new(HakoConnectionManager *manager)
{
    HakoStorage *self;

    g_return_val_if_fail(HAKO_IS_CONNECTION_MANAGER(manager), NULL);

    self = g_object_new(HAKO_TYPE_STORAGE, NULL);
    self->manager = g_object_ref(manager);
    return self;
}

/* ---------------------------------------------------------------------- */
/* Operations: one worker function each, run by one thread function */

typedef struct _OpData OpData;
typedef gboolean (*OpFunc)(OpData *d, GError **error);

struct _OpData {
    virConnectPtr conn;
    OpFunc func;
    char *pool;
    char *volume;
    char *name; /* a clone's name */
    char *local_path;
    HakoPoolSpec *pool_spec;
    HakoVolumeSpec *volume_spec;
    HakoPoolAction action;
    HakoStorageFlags flags;
    gboolean autostart;
    guint64 capacity;

    /* the result: a pointer with its free function, or none for a boolean */
    gpointer result;
    GDestroyNotify result_free;

    /* transfers */
    GTask *task; /* not a reference: valid while the worker runs */
    HakoStorageProgressFunc progress;
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
    g_free(d->pool);
    g_free(d->volume);
    g_free(d->name);
    g_free(d->local_path);
    g_clear_pointer(&d->pool_spec, hako_pool_spec_free);
    g_clear_pointer(&d->volume_spec, hako_volume_spec_free);
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

/* Starts @func on a thread of its own with a connection to @host, or fails @task at once. */
static OpData *
op_new(HakoStorage *self,
       HakoHost *host,
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
    conn = change
               ? _hako_connection_manager_dup_host_conn_to_change(self->manager, host, &error)
               : _hako_connection_manager_dup_host_conn_to_read(self->manager, host, NULL, &error);
    if (conn == NULL) {
        g_task_return_error(task, error);
        return NULL;
    }
    d = g_new0(OpData, 1);
    g_mutex_init(&d->lock);
    d->conn = conn;
    d->func = func;
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
    return xmlReadMemory(xml, (int)strlen(xml), "storage.xml", NULL,
                         XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
}

/* The string value of @expression (XPath), or NULL when it is empty. */
static char *
xpath_string(xmlDocPtr doc, const char *expression)
{
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    g_autofree char *wrapped = g_strdup_printf("string(%s)", expression);
    xmlXPathObjectPtr obj = ctx != NULL ? xmlXPathEvalExpression(BAD_CAST wrapped, ctx) : NULL;
    char *value = NULL;

    if (obj != NULL && obj->type == XPATH_STRING && obj->stringval != NULL &&
        obj->stringval[0] != '\0')
        value = g_strdup((const char *)obj->stringval);
    xmlXPathFreeObject(obj);
    xmlXPathFreeContext(ctx);
    return value;
}

/* The values of the nodes @expression selects (attributes or elements), in document order. */
static GPtrArray *
xpath_strings(xmlDocPtr doc, const char *expression)
{
    GPtrArray *values = g_ptr_array_new_with_free_func(g_free);
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    xmlXPathObjectPtr obj = ctx != NULL ? xmlXPathEvalExpression(BAD_CAST expression, ctx) : NULL;

    if (obj != NULL && obj->type == XPATH_NODESET && obj->nodesetval != NULL) {
        for (int i = 0; i < obj->nodesetval->nodeNr; i++) {
            xmlChar *content = xmlNodeGetContent(obj->nodesetval->nodeTab[i]);

            if (content != NULL && content[0] != '\0')
                g_ptr_array_add(values, g_strdup((const char *)content));
            xmlFree(content);
        }
    }
    xmlXPathFreeObject(obj);
    xmlXPathFreeContext(ctx);
    return values;
}

/* libvirt hands out strings it allocated with malloc: copy them into GLib's allocator. */
static char *
take_libvirt_string(char *s)
{
    char *copy = g_strdup(s);

    free(s);
    return copy;
}

/* ---------------------------------------------------------------------- */
/* Reading pools and volumes (worker side) */

static virStoragePoolPtr
lookup_pool(OpData *d, GError **error)
{
    virStoragePoolPtr pool = virStoragePoolLookupByName(d->conn, d->pool);

    if (pool == NULL)
        *error = _hako_engine_error_from_libvirt(
            HAKO_ENGINE_ERROR_NOT_FOUND, _("Could not find the storage pool “%s”"), d->pool);
    return pool;
}

static virStorageVolPtr
lookup_volume(OpData *d, virStoragePoolPtr *pool_out, GError **error)
{
    virStoragePoolPtr pool = lookup_pool(d, error);
    virStorageVolPtr vol;

    if (pool == NULL)
        return NULL;
    vol = virStorageVolLookupByName(pool, d->volume);
    if (vol == NULL) {
        *error = _hako_engine_error_from_libvirt(HAKO_ENGINE_ERROR_NOT_FOUND,
                                                 _("Could not find the volume “%s” in “%s”"),
                                                 d->volume, d->pool);
        virStoragePoolFree(pool);
        return NULL;
    }
    if (pool_out != NULL)
        *pool_out = pool;
    else
        virStoragePoolFree(pool);
    return vol;
}

/* Where a pool's storage comes from, as one line: "nas:/export", "/dev/sdb", "host0"… */
static char *
pool_source(xmlDocPtr doc)
{
    g_autofree char *host = xpath_string(doc, "/pool/source/host/@name");
    g_autofree char *dir = xpath_string(doc, "/pool/source/dir/@path");
    g_autofree char *adapter = xpath_string(doc, "/pool/source/adapter/@name");
    g_autofree char *vg = xpath_string(doc, "/pool/source/name");
    g_autoptr(GPtrArray) devices = xpath_strings(doc, "/pool/source/device/@path");
    GString *source = g_string_new(NULL);

    if (host != NULL)
        g_string_append_printf(source, "%s%s%s", host, dir != NULL ? ":" : "",
                               dir != NULL ? dir : "");
    else if (dir != NULL)
        g_string_append(source, dir);
    for (guint i = 0; i < devices->len; i++)
        g_string_append_printf(source, "%s%s", source->len > 0 ? " " : "",
                               (char *)devices->pdata[i]);
    if (adapter != NULL)
        g_string_append_printf(source, "%s%s", source->len > 0 ? " " : "", adapter);
    if (vg != NULL && source->len == 0)
        g_string_append(source, vg);
    if (source->len == 0) {
        g_string_free(source, TRUE);
        return NULL;
    }
    return g_string_free(source, FALSE);
}

static HakoStoragePool *
read_pool(virStoragePoolPtr pool, GError **error)
{
    g_autoptr(HakoStoragePool) value = hako_storage_pool_new();
    char uuid[VIR_UUID_STRING_BUFLEN];
    virStoragePoolInfo info;
    int autostart = 0;
    char *raw;
    xmlDocPtr doc;

    value->name = g_strdup(virStoragePoolGetName(pool));
    if (virStoragePoolGetInfo(pool, &info) < 0 ||
        (raw = virStoragePoolGetXMLDesc(pool, 0)) == NULL) {
        *error = _hako_engine_error_from_libvirt(
            HAKO_ENGINE_ERROR_FAILED, _("Could not read the storage pool “%s”"), value->name);
        return NULL;
    }
    doc = parse_xml(raw);
    free(raw);
    if (doc == NULL) {
        g_set_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_INVALID_DATA,
                    _("The description of the storage pool “%s” is not valid XML."), value->name);
        return NULL;
    }
    if (virStoragePoolGetUUIDString(pool, uuid) == 0)
        value->uuid = g_strdup(uuid);
    if (virStoragePoolGetAutostart(pool, &autostart) == 0)
        value->autostart = autostart != 0;
    value->persistent = virStoragePoolIsPersistent(pool) == 1;
    virResetLastError();
    value->state = (HakoPoolState)info.state;
    value->capacity = info.capacity;
    value->allocation = info.allocation;
    value->available = info.available;
    value->type_name = xpath_string(doc, "/pool/@type");
    value->type = hako_pool_type_from_string(value->type_name);
    value->target_path = xpath_string(doc, "/pool/target/path");
    value->source = pool_source(doc);
    xmlFreeDoc(doc);
    return g_steal_pointer(&value);
}

static gboolean
list_pools_op(OpData *d, GError **error)
{
    virStoragePoolPtr *pools = NULL;
    GPtrArray *values;
    int n = virConnectListAllStoragePools(d->conn, &pools, 0);

    if (n < 0) {
        *error = _hako_engine_error_from_libvirt(HAKO_ENGINE_ERROR_FAILED, "%s",
                                                 _("Could not list the storage pools"));
        return FALSE;
    }
    values = g_ptr_array_new_with_free_func((GDestroyNotify)hako_storage_pool_free);
    for (int i = 0; i < n; i++) {
        GError *local = NULL;
        HakoStoragePool *value = read_pool(pools[i], &local);

        /* a pool undefined meanwhile is simply not listed */
        if (value != NULL)
            g_ptr_array_add(values, value);
        else {
            g_debug("%s", local->message);
            g_error_free(local);
        }
        virStoragePoolFree(pools[i]);
    }
    free(pools);
    d->result = values;
    d->result_free = (GDestroyNotify)g_ptr_array_unref;
    return TRUE;
}

/* Guests by what their disks use: a path ("/images/a.qcow2"), or "pool\nvolume". Each value
 * is a GPtrArray of names. A disk's backing chain counts: deleting a backing file breaks it. */
static GHashTable *
scan_disk_users(virConnectPtr conn)
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
        const char *name = virDomainGetName(domains[i]);
        /* the running definition, and the one it starts with next time */
        unsigned int flags[2] = {0, VIR_DOMAIN_XML_INACTIVE};
        guint passes =
            virDomainIsActive(domains[i]) == 1 && virDomainIsPersistent(domains[i]) == 1 ? 2 : 1;

        for (guint pass = 0; pass < passes; pass++) {
            char *raw = virDomainGetXMLDesc(domains[i], flags[pass]);
            xmlDocPtr doc = raw != NULL ? parse_xml(raw) : NULL;
            g_autoptr(GPtrArray) paths = NULL;
            g_autoptr(GPtrArray) pools = NULL;
            g_autoptr(GPtrArray) vols = NULL;

            free(raw);
            if (doc == NULL) {
                virResetLastError();
                continue;
            }
            paths = xpath_strings(doc, "/domain/devices/disk//source/@file | "
                                       "/domain/devices/disk//source/@dev");
            pools = xpath_strings(doc, "/domain/devices/disk[@type='volume']/source/@pool");
            vols = xpath_strings(doc, "/domain/devices/disk[@type='volume']/source/@volume");
            for (guint j = 0; j < pools->len && j < vols->len; j++)
                g_ptr_array_add(paths, g_strdup_printf("%s\n%s", (char *)pools->pdata[j],
                                                       (char *)vols->pdata[j]));
            for (guint j = 0; j < paths->len; j++) {
                const char *key = paths->pdata[j];
                GPtrArray *names = g_hash_table_lookup(users, key);
                guint index;

                if (names == NULL) {
                    names = g_ptr_array_new_with_free_func(g_free);
                    g_hash_table_insert(users, g_strdup(key), names);
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

static int
compare_volumes(gconstpointer a, gconstpointer b)
{
    return g_strcmp0((*(HakoStorageVolume *const *)a)->name,
                     (*(HakoStorageVolume *const *)b)->name);
}

/* The sorted names of the guests that use the volume @path, @pool/@name. */
static char **
volume_users(GHashTable *users, const char *pool, const char *name, const char *path)
{
    g_autofree char *key = g_strdup_printf("%s\n%s", pool, name);
    GPtrArray *found = g_ptr_array_new();
    GPtrArray *by_path = path != NULL ? g_hash_table_lookup(users, path) : NULL;
    GPtrArray *by_volume = g_hash_table_lookup(users, key);
    GPtrArray *lists[2] = {by_path, by_volume};
    guint index;

    for (guint l = 0; l < G_N_ELEMENTS(lists); l++) {
        for (guint i = 0; lists[l] != NULL && i < lists[l]->len; i++) {
            if (!g_ptr_array_find_with_equal_func(found, lists[l]->pdata[i], g_str_equal, &index))
                g_ptr_array_add(found, g_strdup(lists[l]->pdata[i]));
        }
    }
    g_ptr_array_sort(found, compare_names);
    g_ptr_array_add(found, NULL);
    return (char **)g_ptr_array_free(found, FALSE);
}

static HakoStorageVolume *
read_volume(virStorageVolPtr vol, const char *pool, GHashTable *users, GError **error)
{
    g_autoptr(HakoStorageVolume) value = hako_storage_volume_new();
    virStorageVolInfo info;
    char *raw;
    xmlDocPtr doc;

    value->name = g_strdup(virStorageVolGetName(vol));
    value->key = g_strdup(virStorageVolGetKey(vol));
    if (virStorageVolGetInfo(vol, &info) < 0 || (raw = virStorageVolGetXMLDesc(vol, 0)) == NULL) {
        *error = _hako_engine_error_from_libvirt(HAKO_ENGINE_ERROR_FAILED,
                                                 _("Could not read the volume “%s”"), value->name);
        return NULL;
    }
    value->path = take_libvirt_string(virStorageVolGetPath(vol));
    value->capacity = info.capacity;
    value->allocation = info.allocation;
    doc = parse_xml(raw);
    free(raw);
    if (doc != NULL) {
        value->format = xpath_string(doc, "/volume/target/format/@type");
        value->backing_path = xpath_string(doc, "/volume/backingStore/path");
        xmlFreeDoc(doc);
    }
    if (users != NULL) {
        g_strfreev(value->used_by);
        value->used_by = volume_users(users, pool, value->name, value->path);
    }
    return g_steal_pointer(&value);
}

static gboolean
list_volumes_op(OpData *d, GError **error)
{
    virStoragePoolPtr pool = lookup_pool(d, error);
    virStorageVolPtr *vols = NULL;
    g_autoptr(GHashTable) users = NULL;
    GPtrArray *values;
    int n;

    if (pool == NULL)
        return FALSE;
    n = virStoragePoolListAllVolumes(pool, &vols, 0);
    virStoragePoolFree(pool);
    if (n < 0) {
        *error = _hako_engine_error_from_libvirt(HAKO_ENGINE_ERROR_FAILED,
                                                 _("Could not list the volumes of “%s”"), d->pool);
        return FALSE;
    }
    users = scan_disk_users(d->conn);
    values = g_ptr_array_new_with_free_func((GDestroyNotify)hako_storage_volume_free);
    for (int i = 0; i < n; i++) {
        GError *local = NULL;
        HakoStorageVolume *value = read_volume(vols[i], d->pool, users, &local);

        if (value != NULL)
            g_ptr_array_add(values, value);
        else {
            g_debug("%s", local->message);
            g_error_free(local);
        }
        virStorageVolFree(vols[i]);
    }
    free(vols);
    g_ptr_array_sort(values, compare_volumes);
    d->result = values;
    d->result_free = (GDestroyNotify)g_ptr_array_unref;
    return TRUE;
}

/**
 * hako_storage_list_pools_async:
 * @host: a connected host (read-only is enough)
 *
 * Lists @host's storage pools, active or not, on a worker thread.
 */
void
hako_storage_list_pools_async(HakoStorage *self,
                              HakoHost *host,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data)
{
    GTask *task;

    g_return_if_fail(HAKO_IS_STORAGE(self));
    g_return_if_fail(HAKO_IS_HOST(host));

    if (op_new(self, host, FALSE, list_pools_op, cancellable, callback, user_data,
               hako_storage_list_pools_async, &task) != NULL)
        op_run(task);
    else
        g_object_unref(task);
}

/**
 * hako_storage_list_pools_finish:
 *
 * Returns: (transfer container) (element-type HakoStoragePool): the pools, or %NULL
 */
GPtrArray *
hako_storage_list_pools_finish(HakoStorage *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), NULL);
    return g_task_propagate_pointer(G_TASK(result), error);
}

/**
 * hako_storage_list_volumes_async:
 * @host: a connected host (read-only is enough)
 * @pool: the name of a running pool
 *
 * Lists the volumes of @pool, sorted by name, each with its format and backing store (from
 * its XML) and the guests whose disks use it (from every guest's XML, running and next-boot
 * definitions, by path or by pool and volume).
 */
void
hako_storage_list_volumes_async(HakoStorage *self,
                                HakoHost *host,
                                const char *pool,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data)
{
    GTask *task;
    OpData *d;

    g_return_if_fail(HAKO_IS_STORAGE(self));
    g_return_if_fail(HAKO_IS_HOST(host));
    g_return_if_fail(pool != NULL);

    d = op_new(self, host, FALSE, list_volumes_op, cancellable, callback, user_data,
               hako_storage_list_volumes_async, &task);
    if (d == NULL) {
        g_object_unref(task);
        return;
    }
    d->pool = g_strdup(pool);
    op_run(task);
}

/**
 * hako_storage_list_volumes_finish:
 *
 * Returns: (transfer container) (element-type HakoStorageVolume): the volumes, or %NULL
 */
GPtrArray *
hako_storage_list_volumes_finish(HakoStorage *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), NULL);
    return g_task_propagate_pointer(G_TASK(result), error);
}

/* ---------------------------------------------------------------------- */
/* Pools */

static gboolean
create_pool_op(OpData *d, GError **error)
{
    const HakoPoolSpec *spec = d->pool_spec;
    g_autofree char *xml = hako_pool_spec_to_xml(spec);
    virStoragePoolPtr pool;
    gboolean built = FALSE;
    gboolean started = FALSE;
    GError *failure = NULL;
    HakoStoragePool *value;

    pool = virStoragePoolDefineXML(d->conn, xml, 0);
    if (pool == NULL) {
        *error = _hako_engine_error_from_libvirt(
            HAKO_ENGINE_ERROR_FAILED, _("Could not define the storage pool “%s”"), spec->name);
        return FALSE;
    }
    if (spec->build) {
        /* Formatting a device: only one that holds nothing libvirt recognises. */
        unsigned int flags =
            spec->type == HAKO_POOL_TYPE_LOGICAL || spec->type == HAKO_POOL_TYPE_DISK
                ? VIR_STORAGE_POOL_BUILD_NO_OVERWRITE
                : 0;

        if (virStoragePoolBuild(pool, flags) < 0)
            failure = _hako_engine_error_from_libvirt(
                HAKO_ENGINE_ERROR_FAILED, _("Could not build the storage pool “%s”"), spec->name);
        else
            built = TRUE;
    }
    if (failure == NULL) {
        if (virStoragePoolCreate(pool, 0) < 0)
            failure = _hako_engine_error_from_libvirt(
                HAKO_ENGINE_ERROR_FAILED, _("Could not start the storage pool “%s”"), spec->name);
        else
            started = TRUE;
    }
    if (failure == NULL && d->autostart && virStoragePoolSetAutostart(pool, 1) < 0)
        failure = _hako_engine_error_from_libvirt(
            HAKO_ENGINE_ERROR_FAILED,
            _("Could not mark the storage pool “%s” to start with its host"), spec->name);
    if (failure == NULL && (value = read_pool(pool, &failure)) != NULL) {
        virStoragePoolFree(pool);
        d->result = value;
        d->result_free = (GDestroyNotify)hako_storage_pool_free;
        return TRUE;
    }

    /* Undo what this call made, in reverse; the error above is already built. */
    if (started && virStoragePoolDestroy(pool) < 0)
        g_debug("Could not stop “%s” again: %s", spec->name, _hako_libvirt_last_message());
    if (built && virStoragePoolDelete(pool, 0) < 0)
        g_debug("Could not remove what building “%s” made: %s", spec->name,
                _hako_libvirt_last_message());
    if (virStoragePoolUndefine(pool) < 0)
        g_warning("Could not undefine the storage pool “%s” after a failure: %s", spec->name,
                  _hako_libvirt_last_message());
    virResetLastError();
    virStoragePoolFree(pool);
    *error = failure;
    return FALSE;
}

/**
 * hako_storage_create_pool_async:
 * @host: a connected, writable host
 * @spec: the pool (hako_pool_spec_validate() is checked first)
 * @autostart: whether the pool starts with its host
 *
 * Defines the pool, builds it when @spec asks (making its directory, or formatting its
 * device when that holds nothing libvirt recognises), starts it and sets it to start with its
 * host if asked. When a step fails, what the earlier steps made is undone (stopped, the build
 * removed, undefined) and the error says which step failed, with libvirt's reason.
 */
void
hako_storage_create_pool_async(HakoStorage *self,
                               HakoHost *host,
                               const HakoPoolSpec *spec,
                               gboolean autostart,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data)
{
    GError *error = NULL;
    GTask *task;
    OpData *d;

    g_return_if_fail(HAKO_IS_STORAGE(self));
    g_return_if_fail(HAKO_IS_HOST(host));
    g_return_if_fail(spec != NULL);

    if (!hako_pool_spec_validate(spec, &error)) {
        g_task_report_error(self, callback, user_data, hako_storage_create_pool_async, error);
        return;
    }
    d = op_new(self, host, TRUE, create_pool_op, cancellable, callback, user_data,
               hako_storage_create_pool_async, &task);
    if (d == NULL) {
        g_object_unref(task);
        return;
    }
    d->pool_spec = hako_pool_spec_copy(spec);
    d->autostart = autostart;
    op_run(task);
}

/**
 * hako_storage_create_pool_finish:
 *
 * Returns: (transfer full): the new pool as libvirt now describes it, or %NULL
 */
HakoStoragePool *
hako_storage_create_pool_finish(HakoStorage *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), NULL);
    return g_task_propagate_pointer(G_TASK(result), error);
}

static const char *
pool_action_failure(HakoPoolAction action)
{
    switch (action) {
    case HAKO_POOL_ACTION_START:
        return _("Could not start the storage pool “%s”");
    case HAKO_POOL_ACTION_STOP:
        return _("Could not stop the storage pool “%s”");
    case HAKO_POOL_ACTION_REFRESH:
        return _("Could not refresh the storage pool “%s”");
    case HAKO_POOL_ACTION_DELETE:
        return _("Could not delete the storage pool “%s”");
    default:
        g_assert_not_reached();
    }
}

static gboolean
pool_action_op(OpData *d, GError **error)
{
    virStoragePoolPtr pool = lookup_pool(d, error);
    int ret = -1;

    if (pool == NULL)
        return FALSE;
    switch (d->action) {
    case HAKO_POOL_ACTION_START:
        ret = virStoragePoolCreate(pool, 0);
        break;
    case HAKO_POOL_ACTION_STOP:
        ret = virStoragePoolDestroy(pool);
        break;
    case HAKO_POOL_ACTION_REFRESH:
        ret = virStoragePoolRefresh(pool, 0);
        break;
    case HAKO_POOL_ACTION_DELETE:
        if (virStoragePoolIsActive(pool) == 1) {
            g_set_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_FAILED,
                        _("The storage pool “%s” is running: stop it before deleting it."),
                        d->pool);
            virStoragePoolFree(pool);
            return FALSE;
        }
        ret = virStoragePoolUndefine(pool);
        break;
    default:
        g_assert_not_reached();
    }
    if (ret < 0) {
        *error = _hako_engine_error_from_libvirt(HAKO_ENGINE_ERROR_FAILED,
                                                 pool_action_failure(d->action), d->pool);
        virStoragePoolFree(pool);
        return FALSE;
    }
    virStoragePoolFree(pool);
    return TRUE;
}

/**
 * hako_storage_pool_action_async:
 * @host: a connected, writable host
 * @pool: the pool's name
 * @action: start, stop, refresh (read its volumes again) or delete (undefine; refused while
 *   the pool runs, with the reason; its directory or device and their data stay)
 *
 * Runs @action on a worker thread; list the pools again to see its effect.
 */
void
hako_storage_pool_action_async(HakoStorage *self,
                               HakoHost *host,
                               const char *pool,
                               HakoPoolAction action,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data)
{
    GTask *task;
    OpData *d;

    g_return_if_fail(HAKO_IS_STORAGE(self));
    g_return_if_fail(HAKO_IS_HOST(host));
    g_return_if_fail(pool != NULL);
    g_return_if_fail(action <= HAKO_POOL_ACTION_DELETE);

    d = op_new(self, host, TRUE, pool_action_op, cancellable, callback, user_data,
               hako_storage_pool_action_async, &task);
    if (d == NULL) {
        g_object_unref(task);
        return;
    }
    d->pool = g_strdup(pool);
    d->action = action;
    op_run(task);
}

gboolean
hako_storage_pool_action_finish(HakoStorage *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), FALSE);
    return g_task_propagate_boolean(G_TASK(result), error);
}

static gboolean
autostart_op(OpData *d, GError **error)
{
    virStoragePoolPtr pool = lookup_pool(d, error);

    if (pool == NULL)
        return FALSE;
    if (virStoragePoolSetAutostart(pool, d->autostart ? 1 : 0) < 0) {
        *error = _hako_engine_error_from_libvirt(
            HAKO_ENGINE_ERROR_FAILED,
            d->autostart ? _("Could not mark the storage pool “%s” to start with its host")
                         : _("Could not stop the storage pool “%s” from starting with its host"),
            d->pool);
        virStoragePoolFree(pool);
        return FALSE;
    }
    virStoragePoolFree(pool);
    return TRUE;
}

/**
 * hako_storage_set_pool_autostart_async:
 * @host: a connected, writable host
 * @pool: the name of a persistent pool
 * @autostart: whether it starts with its host
 */
void
hako_storage_set_pool_autostart_async(HakoStorage *self,
                                      HakoHost *host,
                                      const char *pool,
                                      gboolean autostart,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data)
{
    GTask *task;
    OpData *d;

    g_return_if_fail(HAKO_IS_STORAGE(self));
    g_return_if_fail(HAKO_IS_HOST(host));
    g_return_if_fail(pool != NULL);

    d = op_new(self, host, TRUE, autostart_op, cancellable, callback, user_data,
               hako_storage_set_pool_autostart_async, &task);
    if (d == NULL) {
        g_object_unref(task);
        return;
    }
    d->pool = g_strdup(pool);
    d->autostart = autostart;
    op_run(task);
}

gboolean
hako_storage_set_pool_autostart_finish(HakoStorage *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), FALSE);
    return g_task_propagate_boolean(G_TASK(result), error);
}

/* ---------------------------------------------------------------------- */
/* Volumes */

/*
 * A backing store that is a volume of this host has a format of its own, which the new volume's
 * XML must name: a qcow2 image named "base.img" is still qcow2. A path libvirt knows no volume
 * for keeps the format the spec guessed.
 */
static void
detect_backing_format(OpData *d)
{
    HakoVolumeSpec *spec = d->volume_spec;
    virStorageVolPtr vol;
    char *xml;
    xmlDocPtr doc;
    g_autofree char *format = NULL;

    if (spec->backing_path == NULL || *spec->backing_path == '\0')
        return;
    vol = virStorageVolLookupByPath(d->conn, spec->backing_path);
    if (vol == NULL)
        return;
    xml = virStorageVolGetXMLDesc(vol, 0);
    virStorageVolFree(vol);
    doc = xml != NULL ? parse_xml(xml) : NULL;
    free(xml);
    if (doc == NULL)
        return;
    format = xpath_string(doc, "/volume/target/format/@type");
    xmlFreeDoc(doc);
    if (g_strcmp0(format, "qcow2") == 0)
        spec->backing_format = HAKO_VOLUME_FORMAT_QCOW2;
    else if (g_strcmp0(format, "raw") == 0)
        spec->backing_format = HAKO_VOLUME_FORMAT_RAW;
}

static gboolean
create_volume_op(OpData *d, GError **error)
{
    g_autofree char *xml = NULL;
    virStoragePoolPtr pool = lookup_pool(d, error);
    virStorageVolPtr vol;
    HakoStorageVolume *value;

    if (pool == NULL)
        return FALSE;
    detect_backing_format(d);
    xml = hako_volume_spec_to_xml(d->volume_spec);
    vol = virStorageVolCreateXML(pool, xml, 0);
    virStoragePoolFree(pool);
    if (vol == NULL) {
        *error = _hako_engine_error_from_libvirt(HAKO_ENGINE_ERROR_FAILED,
                                                 _("Could not create the volume “%s” in “%s”"),
                                                 d->volume_spec->name, d->pool);
        return FALSE;
    }
    value = read_volume(vol, d->pool, NULL, error);
    virStorageVolFree(vol);
    if (value == NULL)
        return FALSE;
    d->result = value;
    d->result_free = (GDestroyNotify)hako_storage_volume_free;
    return TRUE;
}

/**
 * hako_storage_create_volume_async:
 * @host: a connected, writable host
 * @pool: the name of a running pool
 * @spec: the volume (hako_volume_spec_validate() is checked first)
 *
 * Creates the volume, on top of its backing store when @spec has one.
 */
void
hako_storage_create_volume_async(HakoStorage *self,
                                 HakoHost *host,
                                 const char *pool,
                                 const HakoVolumeSpec *spec,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data)
{
    GError *error = NULL;
    GTask *task;
    OpData *d;

    g_return_if_fail(HAKO_IS_STORAGE(self));
    g_return_if_fail(HAKO_IS_HOST(host));
    g_return_if_fail(pool != NULL && spec != NULL);

    if (!hako_volume_spec_validate(spec, &error)) {
        g_task_report_error(self, callback, user_data, hako_storage_create_volume_async, error);
        return;
    }
    d = op_new(self, host, TRUE, create_volume_op, cancellable, callback, user_data,
               hako_storage_create_volume_async, &task);
    if (d == NULL) {
        g_object_unref(task);
        return;
    }
    d->pool = g_strdup(pool);
    d->volume_spec = hako_volume_spec_copy(spec);
    op_run(task);
}

/**
 * hako_storage_create_volume_finish:
 *
 * Returns: (transfer full): the new volume, or %NULL
 */
HakoStorageVolume *
hako_storage_create_volume_finish(HakoStorage *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), NULL);
    return g_task_propagate_pointer(G_TASK(result), error);
}

/* Fails with HAKO_ENGINE_ERROR_IN_USE when a guest uses @vol and FORCE was not given. */
static gboolean
check_not_in_use(OpData *d, virStorageVolPtr vol, const char *format, GError **error)
{
    g_autoptr(GHashTable) users = NULL;
    g_autofree char *path = NULL;
    g_auto(GStrv) names = NULL;
    g_autofree char *list = NULL;

    if (d->flags & HAKO_STORAGE_FLAGS_FORCE)
        return TRUE;
    path = take_libvirt_string(virStorageVolGetPath(vol));
    users = scan_disk_users(d->conn);
    names = volume_users(users, d->pool, d->volume, path);
    if (names[0] == NULL)
        return TRUE;
    list = g_strjoinv(", ", names);
    g_set_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_IN_USE, format, d->volume, list);
    return FALSE;
}

static gboolean
delete_volume_op(OpData *d, GError **error)
{
    virStorageVolPtr vol = lookup_volume(d, NULL, error);

    if (vol == NULL)
        return FALSE;
    if (!check_not_in_use(d, vol,
                          _("The volume “%s” is used by these guests: %s. Delete it anyway only "
                            "if they no longer need it."),
                          error)) {
        virStorageVolFree(vol);
        return FALSE;
    }
    if (virStorageVolDelete(vol, 0) < 0) {
        *error = _hako_engine_error_from_libvirt(HAKO_ENGINE_ERROR_FAILED,
                                                 _("Could not delete the volume “%s”"), d->volume);
        virStorageVolFree(vol);
        return FALSE;
    }
    virStorageVolFree(vol);
    return TRUE;
}

/**
 * hako_storage_delete_volume_async:
 * @host: a connected, writable host
 * @pool: the name of a running pool
 * @volume: the volume's name
 * @flags: %HAKO_STORAGE_FLAGS_FORCE to delete it even though a guest uses it
 *
 * Deletes the volume and its data. Without %HAKO_STORAGE_FLAGS_FORCE a volume that a guest's
 * disk uses is refused with %HAKO_ENGINE_ERROR_IN_USE, naming the guests, so that the user can
 * be asked whether to insist.
 */
void
hako_storage_delete_volume_async(HakoStorage *self,
                                 HakoHost *host,
                                 const char *pool,
                                 const char *volume,
                                 HakoStorageFlags flags,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data)
{
    GTask *task;
    OpData *d;

    g_return_if_fail(HAKO_IS_STORAGE(self));
    g_return_if_fail(HAKO_IS_HOST(host));
    g_return_if_fail(pool != NULL && volume != NULL);

    d = op_new(self, host, TRUE, delete_volume_op, cancellable, callback, user_data,
               hako_storage_delete_volume_async, &task);
    if (d == NULL) {
        g_object_unref(task);
        return;
    }
    d->pool = g_strdup(pool);
    d->volume = g_strdup(volume);
    d->flags = flags;
    op_run(task);
}

gboolean
hako_storage_delete_volume_finish(HakoStorage *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), FALSE);
    return g_task_propagate_boolean(G_TASK(result), error);
}

static gboolean
resize_volume_op(OpData *d, GError **error)
{
    virStorageVolPtr vol = lookup_volume(d, NULL, error);
    virStorageVolInfo info;
    unsigned int flags = 0;

    if (vol == NULL)
        return FALSE;
    if (virStorageVolGetInfo(vol, &info) < 0) {
        *error = _hako_engine_error_from_libvirt(HAKO_ENGINE_ERROR_FAILED,
                                                 _("Could not read the volume “%s”"), d->volume);
        virStorageVolFree(vol);
        return FALSE;
    }
    if (d->capacity < info.capacity) {
        if (!(d->flags & HAKO_STORAGE_FLAGS_ALLOW_SHRINK)) {
            g_autofree char *from = g_format_size_full(info.capacity, G_FORMAT_SIZE_IEC_UNITS);
            g_autofree char *to = g_format_size_full(d->capacity, G_FORMAT_SIZE_IEC_UNITS);

            g_set_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_FAILED,
                        _("Shrinking the volume “%s” from %s to %s would cut off the data at its "
                          "end: make sure nothing is stored there, then allow shrinking."),
                        d->volume, from, to);
            virStorageVolFree(vol);
            return FALSE;
        }
        flags |= VIR_STORAGE_VOL_RESIZE_SHRINK;
    }
    if (virStorageVolResize(vol, d->capacity, flags) < 0) {
        *error = _hako_engine_error_from_libvirt(HAKO_ENGINE_ERROR_FAILED,
                                                 _("Could not resize the volume “%s”"), d->volume);
        virStorageVolFree(vol);
        return FALSE;
    }
    virStorageVolFree(vol);
    return TRUE;
}

/**
 * hako_storage_resize_volume_async:
 * @host: a connected, writable host
 * @pool: the name of a running pool
 * @volume: the volume's name
 * @capacity: the new capacity in bytes
 * @flags: %HAKO_STORAGE_FLAGS_ALLOW_SHRINK to allow a capacity below the current one
 *
 * Changes the volume's capacity. Shrinking cuts off the data at its end, so it is refused
 * unless @flags allow it.
 */
void
hako_storage_resize_volume_async(HakoStorage *self,
                                 HakoHost *host,
                                 const char *pool,
                                 const char *volume,
                                 guint64 capacity,
                                 HakoStorageFlags flags,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data)
{
    GTask *task;
    OpData *d;

    g_return_if_fail(HAKO_IS_STORAGE(self));
    g_return_if_fail(HAKO_IS_HOST(host));
    g_return_if_fail(pool != NULL && volume != NULL);

    d = op_new(self, host, TRUE, resize_volume_op, cancellable, callback, user_data,
               hako_storage_resize_volume_async, &task);
    if (d == NULL) {
        g_object_unref(task);
        return;
    }
    d->pool = g_strdup(pool);
    d->volume = g_strdup(volume);
    d->capacity = capacity;
    d->flags = flags;
    op_run(task);
}

gboolean
hako_storage_resize_volume_finish(HakoStorage *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), FALSE);
    return g_task_propagate_boolean(G_TASK(result), error);
}

static gboolean
wipe_volume_op(OpData *d, GError **error)
{
    virStorageVolPtr vol = lookup_volume(d, NULL, error);

    if (vol == NULL)
        return FALSE;
    if (!check_not_in_use(d, vol,
                          _("The volume “%s” is used by these guests: %s. Wipe it anyway only if "
                            "they no longer need its data."),
                          error)) {
        virStorageVolFree(vol);
        return FALSE;
    }
    if (virStorageVolWipe(vol, 0) < 0) {
        *error = _hako_engine_error_from_libvirt(HAKO_ENGINE_ERROR_FAILED,
                                                 _("Could not wipe the volume “%s”"), d->volume);
        virStorageVolFree(vol);
        return FALSE;
    }
    virStorageVolFree(vol);
    return TRUE;
}

/**
 * hako_storage_wipe_volume_async:
 * @host: a connected, writable host
 * @pool: the name of a running pool
 * @volume: the volume's name
 * @flags: %HAKO_STORAGE_FLAGS_FORCE to wipe it even though a guest uses it
 *
 * Overwrites the volume's data with zeros (libvirt's default algorithm). A volume in use is
 * refused as by hako_storage_delete_volume_async().
 */
void
hako_storage_wipe_volume_async(HakoStorage *self,
                               HakoHost *host,
                               const char *pool,
                               const char *volume,
                               HakoStorageFlags flags,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data)
{
    GTask *task;
    OpData *d;

    g_return_if_fail(HAKO_IS_STORAGE(self));
    g_return_if_fail(HAKO_IS_HOST(host));
    g_return_if_fail(pool != NULL && volume != NULL);

    d = op_new(self, host, TRUE, wipe_volume_op, cancellable, callback, user_data,
               hako_storage_wipe_volume_async, &task);
    if (d == NULL) {
        g_object_unref(task);
        return;
    }
    d->pool = g_strdup(pool);
    d->volume = g_strdup(volume);
    d->flags = flags;
    op_run(task);
}

gboolean
hako_storage_wipe_volume_finish(HakoStorage *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), FALSE);
    return g_task_propagate_boolean(G_TASK(result), error);
}

static gboolean
clone_volume_op(OpData *d, GError **error)
{
    virStoragePoolPtr pool = NULL;
    virStorageVolPtr source = lookup_volume(d, &pool, error);
    virStorageVolPtr vol;
    g_autoptr(HakoStorageVolume) original = NULL;
    g_autofree char *name = NULL;
    g_autofree char *format = NULL;
    GString *xml;
    HakoStorageVolume *value;

    if (source == NULL)
        return FALSE;
    original = read_volume(source, d->pool, NULL, error);
    if (original == NULL) {
        virStorageVolFree(source);
        virStoragePoolFree(pool);
        return FALSE;
    }
    /* The clone keeps the original's capacity and format; libvirt copies the data. */
    name = g_markup_printf_escaped("  <name>%s</name>\n", d->name);
    xml = g_string_new("<volume>\n");
    g_string_append(xml, name);
    g_string_append_printf(xml, "  <capacity unit='bytes'>%" G_GUINT64_FORMAT "</capacity>\n",
                           original->capacity);
    if (original->format != NULL) {
        format = g_markup_printf_escaped("  <target>\n    <format type='%s'/>\n  </target>\n",
                                         original->format);
        g_string_append(xml, format);
    }
    g_string_append(xml, "</volume>\n");
    vol = virStorageVolCreateXMLFrom(pool, xml->str, source, 0);
    g_string_free(xml, TRUE);
    virStorageVolFree(source);
    virStoragePoolFree(pool);
    if (vol == NULL) {
        *error = _hako_engine_error_from_libvirt(HAKO_ENGINE_ERROR_FAILED,
                                                 _("Could not clone the volume “%s” as “%s”"),
                                                 d->volume, d->name);
        return FALSE;
    }
    value = read_volume(vol, d->pool, NULL, error);
    virStorageVolFree(vol);
    if (value == NULL)
        return FALSE;
    d->result = value;
    d->result_free = (GDestroyNotify)hako_storage_volume_free;
    return TRUE;
}

/**
 * hako_storage_clone_volume_async:
 * @host: a connected, writable host
 * @pool: the name of a running pool
 * @volume: the volume to copy
 * @new_name: the copy's name, in the same pool
 *
 * Copies the volume, data included, with its capacity and format.
 */
void
hako_storage_clone_volume_async(HakoStorage *self,
                                HakoHost *host,
                                const char *pool,
                                const char *volume,
                                const char *new_name,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data)
{
    g_autoptr(HakoVolumeSpec) check = hako_volume_spec_new();
    GError *error = NULL;
    GTask *task;
    OpData *d;

    g_return_if_fail(HAKO_IS_STORAGE(self));
    g_return_if_fail(HAKO_IS_HOST(host));
    g_return_if_fail(pool != NULL && volume != NULL);

    /* the new name obeys the same rules as a new volume's */
    check->name = g_strdup(new_name);
    check->capacity = 1;
    if (!hako_volume_spec_validate(check, &error)) {
        g_task_report_error(self, callback, user_data, hako_storage_clone_volume_async, error);
        return;
    }
    d = op_new(self, host, TRUE, clone_volume_op, cancellable, callback, user_data,
               hako_storage_clone_volume_async, &task);
    if (d == NULL) {
        g_object_unref(task);
        return;
    }
    d->pool = g_strdup(pool);
    d->volume = g_strdup(volume);
    d->name = g_strdup(new_name);
    op_run(task);
}

/**
 * hako_storage_clone_volume_finish:
 *
 * Returns: (transfer full): the copy, or %NULL
 */
HakoStorageVolume *
hako_storage_clone_volume_finish(HakoStorage *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), NULL);
    return g_task_propagate_pointer(G_TASK(result), error);
}

/* ---------------------------------------------------------------------- */
/* Upload and download */

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
    if (!g_task_get_completed(task) && !g_cancellable_is_cancelled(g_task_get_cancellable(task)))
        d->progress(done, total, d->progress_data);
    g_object_unref(task);
    return G_SOURCE_REMOVE;
}

/* Worker side: records @done and queues a report unless one is queued or was made recently;
 * @final always queues one. */
static void
note_progress(OpData *d, guint64 done, gboolean final)
{
    gint64 now = g_get_monotonic_time();
    gboolean queue = FALSE;

    if (d->progress == NULL)
        return;
    g_mutex_lock(&d->lock);
    d->done = done;
    if (!d->report_queued && (final || now - d->last_report >= PROGRESS_INTERVAL_US)) {
        d->report_queued = TRUE;
        d->last_report = now;
        queue = TRUE;
    }
    g_mutex_unlock(&d->lock);
    if (queue)
        _hako_invoke_in_main(report_progress_cb, g_object_ref(d->task));
}

static gboolean
is_zero(const char *buffer, gsize length)
{
    return length == 0 || (buffer[0] == 0 && memcmp(buffer, buffer + 1, length - 1) == 0);
}

static gboolean
upload_op(OpData *d, GError **error)
{
    GCancellable *cancellable = g_task_get_cancellable(d->task);
    g_autofree char *buffer = NULL;
    virStorageVolPtr vol = NULL;
    virStreamPtr stream = NULL;
    virStorageVolInfo info;
    struct stat st;
    guint64 done = 0;
    int fd;

    fd = g_open(d->local_path, O_RDONLY | O_CLOEXEC, 0);
    if (fd < 0 || fstat(fd, &st) < 0) {
        int saved = errno;

        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(saved), _("Could not read “%s”: %s"),
                    d->local_path, g_strerror(saved));
        if (fd >= 0)
            close(fd);
        return FALSE;
    }
    vol = lookup_volume(d, NULL, error);
    if (vol == NULL)
        goto fail;
    if (virStorageVolGetInfo(vol, &info) < 0) {
        *error = _hako_engine_error_from_libvirt(HAKO_ENGINE_ERROR_FAILED,
                                                 _("Could not read the volume “%s”"), d->volume);
        goto fail;
    }
    if ((guint64)st.st_size > info.capacity) {
        g_autofree char *size = g_format_size_full((guint64)st.st_size, G_FORMAT_SIZE_IEC_UNITS);
        g_autofree char *capacity = g_format_size_full(info.capacity, G_FORMAT_SIZE_IEC_UNITS);

        g_set_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_FAILED,
                    _("“%s” (%s) is larger than the volume “%s” (%s): resize the volume first."),
                    d->local_path, size, d->volume, capacity);
        goto fail;
    }
    d->total = (guint64)st.st_size;
    stream = virStreamNew(d->conn, 0);
    if (stream == NULL ||
        virStorageVolUpload(vol, stream, 0, (unsigned long long)st.st_size, 0) < 0) {
        *error = _hako_engine_error_from_libvirt(HAKO_ENGINE_ERROR_FAILED,
                                                 _("Could not upload “%s” into the volume “%s”"),
                                                 d->local_path, d->volume);
        goto fail;
    }
    buffer = g_malloc(CHUNK_SIZE);
    while (done < (guint64)st.st_size) {
        ssize_t n;
        ssize_t sent = 0;

        if (g_cancellable_set_error_if_cancelled(cancellable, error)) {
            virStreamAbort(stream);
            virResetLastError();
            goto fail;
        }
        n = read(fd, buffer, CHUNK_SIZE);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            int saved = n < 0 ? errno : EIO;

            g_set_error(error, G_IO_ERROR, g_io_error_from_errno(saved),
                        _("Could not read “%s”: %s"), d->local_path,
                        n < 0 ? g_strerror(saved) : _("the file became shorter"));
            virStreamAbort(stream);
            virResetLastError();
            goto fail;
        }
        while (sent < n) {
            int r = virStreamSend(stream, buffer + sent, (size_t)(n - sent));

            if (r < 0) {
                *error = _hako_engine_error_from_libvirt(
                    HAKO_ENGINE_ERROR_FAILED, _("Could not upload “%s” into the volume “%s”"),
                    d->local_path, d->volume);
                virStreamAbort(stream);
                virResetLastError();
                goto fail;
            }
            sent += r;
        }
        done += (guint64)n;
        note_progress(d, done, FALSE);
    }
    if (virStreamFinish(stream) < 0) {
        *error = _hako_engine_error_from_libvirt(HAKO_ENGINE_ERROR_FAILED,
                                                 _("Could not upload “%s” into the volume “%s”"),
                                                 d->local_path, d->volume);
        goto fail;
    }
    virStreamFree(stream);
    virStorageVolFree(vol);
    close(fd);
    note_progress(d, done, TRUE);
    return TRUE;

fail:
    if (stream != NULL)
        virStreamFree(stream);
    if (vol != NULL)
        virStorageVolFree(vol);
    close(fd);
    return FALSE;
}

static gboolean
download_op(OpData *d, GError **error)
{
    GCancellable *cancellable = g_task_get_cancellable(d->task);
    g_autofree char *buffer = NULL;
    g_autofree char *temp = NULL;
    virStorageVolPtr vol = NULL;
    virStreamPtr stream = NULL;
    virStorageVolInfo info;
    guint64 done = 0;
    int fd = -1;

    vol = lookup_volume(d, NULL, error);
    if (vol == NULL)
        return FALSE;
    /* The bytes that come are the file's (a qcow2 file as such): its physical size. */
    if (virStorageVolGetInfoFlags(vol, &info, VIR_STORAGE_VOL_GET_PHYSICAL) < 0 &&
        virStorageVolGetInfo(vol, &info) < 0) {
        *error = _hako_engine_error_from_libvirt(HAKO_ENGINE_ERROR_FAILED,
                                                 _("Could not read the volume “%s”"), d->volume);
        goto fail;
    }
    virResetLastError();
    d->total = info.allocation > 0 ? info.allocation : info.capacity;

    /* Next to the destination, so the final rename is atomic; renamed only once complete. */
    temp = g_strdup_printf("%s.XXXXXX", d->local_path);
    fd = g_mkstemp_full(temp, O_WRONLY | O_CLOEXEC, 0666);
    if (fd < 0) {
        int saved = errno;

        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(saved), _("Could not write “%s”: %s"),
                    d->local_path, g_strerror(saved));
        g_clear_pointer(&temp, g_free);
        goto fail;
    }
    stream = virStreamNew(d->conn, 0);
    if (stream == NULL || virStorageVolDownload(vol, stream, 0, 0, 0) < 0) {
        *error = _hako_engine_error_from_libvirt(HAKO_ENGINE_ERROR_FAILED,
                                                 _("Could not download the volume “%s” into “%s”"),
                                                 d->volume, d->local_path);
        goto fail;
    }
    buffer = g_malloc(CHUNK_SIZE);
    for (;;) {
        int n;

        if (g_cancellable_set_error_if_cancelled(cancellable, error)) {
            virStreamAbort(stream);
            virResetLastError();
            goto fail;
        }
        n = virStreamRecv(stream, buffer, CHUNK_SIZE);
        if (n < 0) {
            *error = _hako_engine_error_from_libvirt(
                HAKO_ENGINE_ERROR_FAILED, _("Could not download the volume “%s” into “%s”"),
                d->volume, d->local_path);
            virStreamAbort(stream);
            virResetLastError();
            goto fail;
        }
        if (n == 0)
            break;
        /* Zeros become a hole: a sparse volume stays sparse on this side too. */
        if (is_zero(buffer, (gsize)n)) {
            if (lseek(fd, n, SEEK_CUR) < 0)
                goto write_error;
        } else {
            for (ssize_t written = 0; written < n;) {
                ssize_t w = write(fd, buffer + written, (size_t)(n - written));

                if (w < 0 && errno == EINTR)
                    continue;
                if (w < 0)
                    goto write_error;
                written += w;
            }
        }
        done += (guint64)n;
        note_progress(d, done, FALSE);
    }
    if (virStreamFinish(stream) < 0) {
        *error = _hako_engine_error_from_libvirt(HAKO_ENGINE_ERROR_FAILED,
                                                 _("Could not download the volume “%s” into “%s”"),
                                                 d->volume, d->local_path);
        goto fail;
    }
    /* a file that ends in a hole gets its length from here */
    if (ftruncate(fd, (off_t)done) < 0 || fsync(fd) < 0 || close(fd) < 0) {
        fd = -1;
        goto write_error;
    }
    fd = -1;
    if (g_rename(temp, d->local_path) < 0)
        goto write_error;
    virStreamFree(stream);
    virStorageVolFree(vol);
    if (d->total < done)
        d->total = done;
    note_progress(d, done, TRUE);
    return TRUE;

write_error : {
    int saved = errno;

    g_set_error(error, G_IO_ERROR, g_io_error_from_errno(saved), _("Could not write “%s”: %s"),
                d->local_path, g_strerror(saved));
    if (stream != NULL) {
        virStreamAbort(stream);
        virResetLastError();
    }
}
fail:
    if (fd >= 0)
        close(fd);
    if (temp != NULL)
        g_unlink(temp);
    if (stream != NULL)
        virStreamFree(stream);
    if (vol != NULL)
        virStorageVolFree(vol);
    return FALSE;
}

static void
start_transfer(HakoStorage *self,
               HakoHost *host,
               OpFunc func,
               const char *pool,
               const char *volume,
               const char *local_path,
               HakoStorageProgressFunc progress,
               gpointer progress_data,
               GDestroyNotify progress_destroy,
               GCancellable *cancellable,
               GAsyncReadyCallback callback,
               gpointer user_data,
               gpointer source_tag)
{
    GTask *task;
    OpData *d = op_new(self, host, TRUE, func, cancellable, callback, user_data, source_tag, &task);

    if (d == NULL) {
        if (progress_destroy != NULL)
            progress_destroy(progress_data);
        g_object_unref(task);
        return;
    }
    d->pool = g_strdup(pool);
    d->volume = g_strdup(volume);
    d->local_path = g_strdup(local_path);
    d->progress = progress;
    d->progress_data = progress_data;
    d->progress_destroy = progress_destroy;
    d->task = task;
    op_run(task);
}

/**
 * hako_storage_upload_async:
 * @host: a connected, writable host
 * @pool: the name of a running pool
 * @volume: the volume to write; its capacity must hold the file
 * @local_path: the file to send (its bytes are written from the volume's start, as they are)
 * @progress: (nullable): called on the main thread with the bytes sent, about ten times a
 *   second at most and once at the end
 * @progress_destroy: frees @progress_data once the transfer is over
 * @cancellable: stops the transfer between two chunks; the result is then
 *   %G_IO_ERROR_CANCELLED
 *
 * Sends a local file into a volume through a libvirt stream, on a worker thread.
 */
void
hako_storage_upload_async(HakoStorage *self,
                          HakoHost *host,
                          const char *pool,
                          const char *volume,
                          const char *local_path,
                          HakoStorageProgressFunc progress,
                          gpointer progress_data,
                          GDestroyNotify progress_destroy,
                          GCancellable *cancellable,
                          GAsyncReadyCallback callback,
                          gpointer user_data)
{
    g_return_if_fail(HAKO_IS_STORAGE(self));
    g_return_if_fail(HAKO_IS_HOST(host));
    g_return_if_fail(pool != NULL && volume != NULL && local_path != NULL);

    start_transfer(self, host, upload_op, pool, volume, local_path, progress, progress_data,
                   progress_destroy, cancellable, callback, user_data, hako_storage_upload_async);
}

gboolean
hako_storage_upload_finish(HakoStorage *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), FALSE);
    return g_task_propagate_boolean(G_TASK(result), error);
}

/**
 * hako_storage_download_async:
 * @host: a connected, writable host (libvirt refuses streams on read-only connections)
 * @pool: the name of a running pool
 * @volume: the volume to read
 * @local_path: the file to write; replaced only when the whole volume has arrived
 * @progress: (nullable): called on the main thread with the bytes received, about ten times
 *   a second at most and once at the end
 * @progress_destroy: frees @progress_data once the transfer is over
 * @cancellable: stops the transfer between two chunks; the result is then
 *   %G_IO_ERROR_CANCELLED
 *
 * Saves a volume's bytes (a qcow2 volume's file as it is) into a local file, on a worker
 * thread. The bytes go to a temporary file next to @local_path, renamed over it once complete;
 * a failed or cancelled download removes it, so it leaves no partial file. Runs of zeros
 * become holes, so a sparse volume gives a sparse file.
 */
void
hako_storage_download_async(HakoStorage *self,
                            HakoHost *host,
                            const char *pool,
                            const char *volume,
                            const char *local_path,
                            HakoStorageProgressFunc progress,
                            gpointer progress_data,
                            GDestroyNotify progress_destroy,
                            GCancellable *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer user_data)
{
    g_return_if_fail(HAKO_IS_STORAGE(self));
    g_return_if_fail(HAKO_IS_HOST(host));
    g_return_if_fail(pool != NULL && volume != NULL && local_path != NULL);

    start_transfer(self, host, download_op, pool, volume, local_path, progress, progress_data,
                   progress_destroy, cancellable, callback, user_data, hako_storage_download_async);
}

gboolean
hako_storage_download_finish(HakoStorage *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), FALSE);
    return g_task_propagate_boolean(G_TASK(result), error);
}
