/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The storage engine against a private, real libvirtd: a dir pool created (built), started,
 * stopped, set to autostart and deleted; a pool that fails to build or start leaves nothing
 * defined; qcow2 and raw volumes, one on a backing store, listed with the guests that use
 * them; deleting a volume in use refused unless forced; resize, wipe and clone; a file uploaded
 * into a volume and downloaded back byte for byte; a cancelled download leaves no file.
 *
 * Run by tests/harness/with-private-libvirtd (HAKO_TEST_URI, HAKO_TEST_DIR). */
#include "config.h"

#include "hako-connection-manager.h"
#include "hako-engine-error.h"
#include "hako-engine.h"
#include "hako-model-types.h"
#include "hako-storage.h"
#include "hako-test-util.h"

#include <glib/gstdio.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <string.h>
#include <sys/stat.h>

#define MiB (G_GUINT64_CONSTANT(1) << 20)
#define GiB (G_GUINT64_CONSTANT(1) << 30)

static const char *uri;
static HakoConnectionManager *manager;
static HakoHost *host;
static HakoStorage *storage;
static GThread *main_thread;

/* ---------------------------------------------------------------------- */
/* Waiting for results */

/* Spins until the operation started with &w calls back, and returns its result. */
static GAsyncResult *
wait_result(HakoTestWait *w)
{
    g_assert_true(hako_test_wait_until(hako_test_wait_is_done, w, 120000));
    return w->result;
}

#define WAIT_INIT                                                                                  \
    {                                                                                              \
        FALSE, NULL                                                                                \
    }

static GPtrArray *
list_pools(void)
{
    HakoTestWait w = WAIT_INIT;
    g_autoptr(GError) error = NULL;
    GPtrArray *pools;

    hako_storage_list_pools_async(storage, host, NULL, hako_test_wait_done_cb, &w);
    pools = hako_storage_list_pools_finish(storage, wait_result(&w), &error);
    g_clear_object(&w.result);
    g_assert_no_error(error);
    return pools;
}

static HakoStoragePool *
find_pool(GPtrArray *pools, const char *name)
{
    for (guint i = 0; i < pools->len; i++) {
        HakoStoragePool *pool = pools->pdata[i];

        if (g_str_equal(pool->name, name))
            return pool;
    }
    return NULL;
}

static HakoStoragePool *
get_pool(const char *name)
{
    g_autoptr(GPtrArray) pools = list_pools();
    HakoStoragePool *pool = find_pool(pools, name);

    return pool != NULL ? hako_storage_pool_copy(pool) : NULL;
}

static gboolean
pool_action(const char *name, HakoPoolAction action, GError **error)
{
    HakoTestWait w = WAIT_INIT;
    gboolean ok;

    hako_storage_pool_action_async(storage, host, name, action, NULL, hako_test_wait_done_cb, &w);
    ok = hako_storage_pool_action_finish(storage, wait_result(&w), error);
    g_clear_object(&w.result);
    return ok;
}

static char *
pool_dir(const char *name)
{
    g_autofree char *parent = g_build_filename(g_getenv("HAKO_TEST_DIR"), "pools", NULL);

    g_assert_cmpint(g_mkdir_with_parents(parent, 0755), ==, 0);
    return g_build_filename(parent, name, NULL);
}

/* A running dir pool under HAKO_TEST_DIR/pools, built by the engine. */
static void
make_pool(const char *name)
{
    g_autoptr(HakoPoolSpec) spec = hako_pool_spec_new(HAKO_POOL_TYPE_DIR);
    g_autoptr(HakoStoragePool) pool = NULL;
    g_autoptr(GError) error = NULL;
    HakoTestWait w = WAIT_INIT;

    spec->name = g_strdup(name);
    spec->target_path = pool_dir(name);
    hako_storage_create_pool_async(storage, host, spec, FALSE, NULL, hako_test_wait_done_cb, &w);
    pool = hako_storage_create_pool_finish(storage, wait_result(&w), &error);
    g_clear_object(&w.result);
    g_assert_no_error(error);
    g_assert_cmpint(pool->state, ==, HAKO_POOL_STATE_RUNNING);
}

static HakoStorageVolume *
create_volume(const char *pool,
              const char *name,
              HakoVolumeFormat format,
              guint64 capacity,
              const char *backing,
              GError **error)
{
    g_autoptr(HakoVolumeSpec) spec = hako_volume_spec_new();
    HakoStorageVolume *volume;
    HakoTestWait w = WAIT_INIT;

    spec->name = g_strdup(name);
    spec->format = format;
    spec->capacity = capacity;
    spec->backing_path = g_strdup(backing);
    /* a wrong guess on purpose: the engine reads a volume's format from libvirt */
    spec->backing_format = HAKO_VOLUME_FORMAT_RAW;
    hako_storage_create_volume_async(storage, host, pool, spec, NULL, hako_test_wait_done_cb, &w);
    volume = hako_storage_create_volume_finish(storage, wait_result(&w), error);
    g_clear_object(&w.result);
    return volume;
}

static GPtrArray *
list_volumes(const char *pool)
{
    g_autoptr(GError) error = NULL;
    HakoTestWait w = WAIT_INIT;
    GPtrArray *volumes;

    hako_storage_list_volumes_async(storage, host, pool, NULL, hako_test_wait_done_cb, &w);
    volumes = hako_storage_list_volumes_finish(storage, wait_result(&w), &error);
    g_clear_object(&w.result);
    g_assert_no_error(error);
    return volumes;
}

static HakoStorageVolume *
find_volume(GPtrArray *volumes, const char *name)
{
    for (guint i = 0; i < volumes->len; i++) {
        HakoStorageVolume *volume = volumes->pdata[i];

        if (g_str_equal(volume->name, name))
            return volume;
    }
    return NULL;
}

static gboolean
delete_volume(const char *pool, const char *name, HakoStorageFlags flags, GError **error)
{
    HakoTestWait w = WAIT_INIT;
    gboolean ok;

    hako_storage_delete_volume_async(storage, host, pool, name, flags, NULL, hako_test_wait_done_cb,
                                     &w);
    ok = hako_storage_delete_volume_finish(storage, wait_result(&w), error);
    g_clear_object(&w.result);
    return ok;
}

typedef struct {
    guint calls;
    guint64 last_done;
    guint64 last_total;
    GCancellable *cancel_on_first; /* cancelled at the first report */
} Progress;

static void
progress_cb(guint64 done, guint64 total, gpointer user_data)
{
    Progress *p = user_data;

    g_assert_true(g_thread_self() == main_thread);
    g_assert_cmpuint(done, >=, p->last_done);
    p->calls++;
    p->last_done = done;
    p->last_total = total;
    if (p->cancel_on_first != NULL)
        g_cancellable_cancel(p->cancel_on_first);
}

static gboolean
upload(const char *pool, const char *volume, const char *path, Progress *p, GError **error)
{
    HakoTestWait w = WAIT_INIT;
    gboolean ok;

    hako_storage_upload_async(storage, host, pool, volume, path, p != NULL ? progress_cb : NULL, p,
                              NULL, NULL, hako_test_wait_done_cb, &w);
    ok = hako_storage_upload_finish(storage, wait_result(&w), error);
    g_clear_object(&w.result);
    return ok;
}

static gboolean
download(const char *pool,
         const char *volume,
         const char *path,
         Progress *p,
         GCancellable *cancellable,
         GError **error)
{
    HakoTestWait w = WAIT_INIT;
    gboolean ok;

    hako_storage_download_async(storage, host, pool, volume, path, p != NULL ? progress_cb : NULL,
                                p, NULL, cancellable, hako_test_wait_done_cb, &w);
    ok = hako_storage_download_finish(storage, wait_result(&w), error);
    g_clear_object(&w.result);
    return ok;
}

static GBytes *
random_bytes(gsize length)
{
    guint32 *data = g_malloc(length);

    for (gsize i = 0; i < length / 4; i++)
        data[i] = g_random_int();
    return g_bytes_new_take(data, length);
}

static char *
write_temp_file(GBytes *bytes)
{
    g_autoptr(GError) error = NULL;
    char *path = g_build_filename(g_getenv("HAKO_TEST_DIR"), "upload.bin", NULL);
    gsize length = 0;
    const char *data = g_bytes_get_data(bytes, &length);

    g_assert_true(g_file_set_contents(path, data, (gssize)length, &error));
    g_assert_no_error(error);
    return path;
}

static GBytes *
read_file(const char *path)
{
    g_autoptr(GError) error = NULL;
    char *data = NULL;
    gsize length = 0;

    g_assert_true(g_file_get_contents(path, &data, &length, &error));
    g_assert_no_error(error);
    return g_bytes_new_take(data, length);
}

static gboolean
all_zero(GBytes *bytes, gsize from)
{
    gsize length = 0;
    const guint8 *data = g_bytes_get_data(bytes, &length);

    for (gsize i = from; i < length; i++) {
        if (data[i] != 0)
            return FALSE;
    }
    return TRUE;
}

static void
define_guest(const char *name, const char *disk_xml)
{
    virConnectPtr conn = virConnectOpen(uri);
    g_autofree char *xml = g_strdup_printf(
        "<domain type='qemu'><name>%s</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>"
        "<os><type arch='x86_64' machine='pc'>hvm</type></os><devices>%s</devices></domain>",
        name, disk_xml);
    virDomainPtr dom;

    g_assert_nonnull(conn);
    dom = virDomainDefineXML(conn, xml);
    g_assert_nonnull(dom);
    virDomainFree(dom);
    virConnectClose(conn);
}

/* The format the XML of the volume at @path names for its backing store. */
static char *
backing_format_of(const char *path)
{
    virConnectPtr conn = virConnectOpen(uri);
    virStorageVolPtr vol;
    char *xml;
    char *start;
    char *format = NULL;

    g_assert_nonnull(conn);
    vol = virStorageVolLookupByPath(conn, path);
    g_assert_nonnull(vol);
    xml = virStorageVolGetXMLDesc(vol, 0);
    g_assert_nonnull(xml);
    start = strstr(xml, "<backingStore>");
    if (start != NULL && (start = strstr(start, "<format type='")) != NULL)
        format = g_strndup(start + 14, strcspn(start + 14, "'"));
    free(xml);
    virStorageVolFree(vol);
    virConnectClose(conn);
    return format;
}

static gboolean
pool_defined_in_libvirt(const char *name)
{
    virConnectPtr conn = virConnectOpen(uri);
    virStoragePoolPtr pool;

    g_assert_nonnull(conn);
    pool = virStoragePoolLookupByName(conn, name);
    virResetLastError();
    if (pool != NULL)
        virStoragePoolFree(pool);
    virConnectClose(conn);
    return pool != NULL;
}

/* ---------------------------------------------------------------------- */
/* Tests */

static void
test_pool_lifecycle(void)
{
    g_autoptr(HakoPoolSpec) spec = hako_pool_spec_new(HAKO_POOL_TYPE_DIR);
    g_autoptr(HakoStoragePool) created = NULL;
    g_autoptr(HakoStoragePool) pool = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = pool_dir("life");
    HakoTestWait w = WAIT_INIT;

    /* defined, built (the directory is made), started, set to autostart */
    spec->name = g_strdup("life");
    spec->target_path = g_strdup(dir);
    g_assert_false(g_file_test(dir, G_FILE_TEST_IS_DIR));
    hako_storage_create_pool_async(storage, host, spec, TRUE, NULL, hako_test_wait_done_cb, &w);
    created = hako_storage_create_pool_finish(storage, wait_result(&w), &error);
    g_clear_object(&w.result);
    g_assert_no_error(error);
    g_assert_true(g_file_test(dir, G_FILE_TEST_IS_DIR));
    g_assert_cmpstr(created->name, ==, "life");
    g_assert_cmpint(created->type, ==, HAKO_POOL_TYPE_DIR);
    g_assert_cmpstr(created->type_name, ==, "dir");
    g_assert_cmpint(created->state, ==, HAKO_POOL_STATE_RUNNING);
    g_assert_true(created->autostart);
    g_assert_true(created->persistent);
    g_assert_cmpstr(created->target_path, ==, dir);
    g_assert_nonnull(created->uuid);
    g_assert_cmpuint(created->capacity, >, 0);
    g_assert_cmpuint(created->available, <=, created->capacity);
    g_assert_cmpfloat(hako_storage_pool_get_usage(created), >, 0.0);

    /* the same when listed */
    pool = get_pool("life");
    g_assert_nonnull(pool);
    g_assert_cmpstr(pool->uuid, ==, created->uuid);
    g_assert_true(pool->autostart);
    g_clear_pointer(&pool, hako_storage_pool_free);

    /* autostart off */
    w.done = FALSE;
    hako_storage_set_pool_autostart_async(storage, host, "life", FALSE, NULL,
                                          hako_test_wait_done_cb, &w);
    g_assert_true(hako_storage_set_pool_autostart_finish(storage, wait_result(&w), &error));
    g_clear_object(&w.result);
    g_assert_no_error(error);
    pool = get_pool("life");
    g_assert_false(pool->autostart);
    g_clear_pointer(&pool, hako_storage_pool_free);

    /* refresh; a running pool is not deleted, and the reason says why */
    g_assert_true(pool_action("life", HAKO_POOL_ACTION_REFRESH, &error));
    g_assert_no_error(error);
    g_assert_false(pool_action("life", HAKO_POOL_ACTION_DELETE, &error));
    g_assert_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_FAILED);
    g_assert_nonnull(strstr(error->message, "is running: stop it before deleting it"));
    g_clear_error(&error);
    g_assert_true(pool_defined_in_libvirt("life"));

    /* stop, start again, stop */
    g_assert_true(pool_action("life", HAKO_POOL_ACTION_STOP, &error));
    g_assert_no_error(error);
    pool = get_pool("life");
    g_assert_cmpint(pool->state, ==, HAKO_POOL_STATE_INACTIVE);
    g_assert_false(hako_storage_pool_is_active(pool));
    g_clear_pointer(&pool, hako_storage_pool_free);
    g_assert_true(pool_action("life", HAKO_POOL_ACTION_START, &error));
    g_assert_no_error(error);
    pool = get_pool("life");
    g_assert_cmpint(pool->state, ==, HAKO_POOL_STATE_RUNNING);
    g_clear_pointer(&pool, hako_storage_pool_free);
    g_assert_true(pool_action("life", HAKO_POOL_ACTION_STOP, &error));
    g_assert_no_error(error);

    /* deleted once stopped: gone from the list and from libvirt; the directory stays */
    g_assert_true(pool_action("life", HAKO_POOL_ACTION_DELETE, &error));
    g_assert_no_error(error);
    pool = get_pool("life");
    g_assert_null(pool);
    g_assert_false(pool_defined_in_libvirt("life"));
    g_assert_true(g_file_test(dir, G_FILE_TEST_IS_DIR));

    /* an action on a pool that is not there names it */
    g_assert_false(pool_action("life", HAKO_POOL_ACTION_START, &error));
    g_assert_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_NOT_FOUND);
    g_assert_nonnull(strstr(error->message, "“life”"));
}

static void
test_pool_create_failure(void)
{
    g_autoptr(HakoPoolSpec) spec = hako_pool_spec_new(HAKO_POOL_TYPE_DIR);
    g_autoptr(HakoStoragePool) pool = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *file = pool_dir("a-file");
    HakoTestWait w = WAIT_INIT;

    /* building fails: the target's parent is a regular file */
    g_assert_true(g_file_set_contents(file, "x", 1, NULL));
    spec->name = g_strdup("broken");
    spec->target_path = g_build_filename(file, "pool", NULL);
    hako_storage_create_pool_async(storage, host, spec, TRUE, NULL, hako_test_wait_done_cb, &w);
    pool = hako_storage_create_pool_finish(storage, wait_result(&w), &error);
    g_clear_object(&w.result);
    g_assert_null(pool);
    g_assert_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_FAILED);
    g_test_message("%s", error->message);
    g_assert_true(g_str_has_prefix(error->message, "Could not build the storage pool “broken”: "));
    g_clear_error(&error);
    g_assert_false(pool_defined_in_libvirt("broken"));

    /* starting fails: no build, and the directory does not exist */
    spec->build = FALSE;
    g_free(spec->target_path);
    spec->target_path = pool_dir("missing");
    w.done = FALSE;
    hako_storage_create_pool_async(storage, host, spec, FALSE, NULL, hako_test_wait_done_cb, &w);
    pool = hako_storage_create_pool_finish(storage, wait_result(&w), &error);
    g_clear_object(&w.result);
    g_assert_null(pool);
    g_assert_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_FAILED);
    g_test_message("%s", error->message);
    g_assert_true(g_str_has_prefix(error->message, "Could not start the storage pool “broken”: "));
    g_clear_error(&error);
    g_assert_false(pool_defined_in_libvirt("broken"));

    /* an invalid spec is refused before libvirt is asked */
    g_free(spec->target_path);
    spec->target_path = g_strdup("relative/path");
    w.done = FALSE;
    hako_storage_create_pool_async(storage, host, spec, FALSE, NULL, hako_test_wait_done_cb, &w);
    pool = hako_storage_create_pool_finish(storage, wait_result(&w), &error);
    g_clear_object(&w.result);
    g_assert_null(pool);
    g_assert_error(error, HAKO_MODEL_ERROR, HAKO_MODEL_ERROR_INVALID_SPEC);
    g_assert_false(pool_defined_in_libvirt("broken"));

    /* a name that is taken: the other pool is left alone */
    make_pool("taken");
    g_clear_error(&error);
    g_free(spec->name);
    spec->name = g_strdup("taken");
    g_free(spec->target_path);
    spec->target_path = pool_dir("taken-2");
    w.done = FALSE;
    hako_storage_create_pool_async(storage, host, spec, FALSE, NULL, hako_test_wait_done_cb, &w);
    pool = hako_storage_create_pool_finish(storage, wait_result(&w), &error);
    g_clear_object(&w.result);
    g_assert_null(pool);
    g_assert_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_FAILED);
    g_assert_true(g_str_has_prefix(error->message, "Could not define the storage pool “taken”: "));
    pool = get_pool("taken");
    g_assert_nonnull(pool);
    g_assert_cmpint(pool->state, ==, HAKO_POOL_STATE_RUNNING);
}

static void
test_volumes_and_users(void)
{
    g_autoptr(HakoStorageVolume) base = NULL;
    g_autoptr(HakoStorageVolume) top = NULL;
    g_autoptr(HakoStorageVolume) raw = NULL;
    g_autoptr(HakoStorageVolume) spare = NULL;
    g_autoptr(GPtrArray) volumes = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *disk = NULL;
    g_autofree char *format = NULL;
    HakoStorageVolume *v;

    make_pool("vols");
    base = create_volume("vols", "base.qcow2", HAKO_VOLUME_FORMAT_QCOW2, 64 * MiB, NULL, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(base->format, ==, "qcow2");
    g_assert_cmpuint(base->capacity, ==, 64 * MiB);
    top =
        create_volume("vols", "top.qcow2", HAKO_VOLUME_FORMAT_QCOW2, 64 * MiB, base->path, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(top->backing_path, ==, base->path);
    format = backing_format_of(top->path);
    g_assert_cmpstr(format, ==, "qcow2");
    raw = create_volume("vols", "data.img", HAKO_VOLUME_FORMAT_RAW, 8 * MiB, NULL, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(raw->format, ==, "raw");
    g_assert_cmpuint(raw->capacity, ==, 8 * MiB);
    spare = create_volume("vols", "spare.img", HAKO_VOLUME_FORMAT_RAW, MiB, NULL, &error);
    g_assert_no_error(error);

    /* a name that is taken is refused with libvirt's reason */
    g_assert_null(create_volume("vols", "data.img", HAKO_VOLUME_FORMAT_RAW, MiB, NULL, &error));
    g_assert_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_FAILED);
    g_assert_true(g_str_has_prefix(error->message, "Could not create the volume “data.img” in "));
    g_clear_error(&error);

    /* guests: one uses top.qcow2 by path (and so base.qcow2 under it, once QEMU is told), one
     * uses data.img as pool and volume */
    disk = g_strdup_printf("<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
                           "<source file='%s'/><target dev='vda' bus='virtio'/></disk>",
                           top->path);
    define_guest("hako-storage-a", disk);
    define_guest("hako-storage-b",
                 "<disk type='volume' device='disk'><driver name='qemu' type='raw'/>"
                 "<source pool='vols' volume='data.img'/><target dev='vda' bus='virtio'/></disk>"
                 "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
                 "<source file='/nonexistent/other.qcow2'/><target dev='vdb' bus='virtio'/>"
                 "</disk>");
    g_free(disk);
    disk = g_strdup_printf("<disk type='file' device='cdrom'><driver name='qemu' type='raw'/>"
                           "<source file='%s'/><target dev='hdc' bus='ide'/><readonly/></disk>",
                           top->path);
    define_guest("hako-storage-c", disk);

    volumes = list_volumes("vols");
    g_assert_cmpuint(volumes->len, ==, 4);
    /* sorted by name */
    g_assert_cmpstr(((HakoStorageVolume *)volumes->pdata[0])->name, ==, "base.qcow2");
    g_assert_cmpstr(((HakoStorageVolume *)volumes->pdata[3])->name, ==, "top.qcow2");
    v = find_volume(volumes, "top.qcow2");
    g_assert_cmpstr(v->format, ==, "qcow2");
    g_assert_cmpstr(v->backing_path, ==, base->path);
    g_assert_cmpuint(v->capacity, ==, 64 * MiB);
    g_assert_cmpuint(g_strv_length(v->used_by), ==, 2);
    g_assert_cmpstr(v->used_by[0], ==, "hako-storage-a");
    g_assert_cmpstr(v->used_by[1], ==, "hako-storage-c");
    v = find_volume(volumes, "data.img");
    g_assert_cmpstr(v->format, ==, "raw");
    g_assert_null(v->backing_path);
    g_assert_cmpuint(g_strv_length(v->used_by), ==, 1);
    g_assert_cmpstr(v->used_by[0], ==, "hako-storage-b");
    g_assert_true(hako_storage_volume_is_in_use(v));
    v = find_volume(volumes, "spare.img");
    g_assert_false(hako_storage_volume_is_in_use(v));
    g_assert_nonnull(v->key);
    g_assert_true(g_file_test(v->path, G_FILE_TEST_EXISTS));

    /* deleting a volume in use is refused, naming the guests, unless forced */
    g_assert_false(delete_volume("vols", "top.qcow2", HAKO_STORAGE_FLAGS_NONE, &error));
    g_assert_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_IN_USE);
    g_assert_nonnull(strstr(error->message, "hako-storage-a, hako-storage-c"));
    g_clear_error(&error);
    g_assert_true(g_file_test(top->path, G_FILE_TEST_EXISTS));
    g_assert_false(delete_volume("vols", "data.img", HAKO_STORAGE_FLAGS_NONE, &error));
    g_assert_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_IN_USE);
    g_assert_nonnull(strstr(error->message, "hako-storage-b"));
    g_clear_error(&error);
    g_assert_true(delete_volume("vols", "top.qcow2", HAKO_STORAGE_FLAGS_FORCE, &error));
    g_assert_no_error(error);
    g_assert_false(g_file_test(top->path, G_FILE_TEST_EXISTS));
    g_assert_true(delete_volume("vols", "spare.img", HAKO_STORAGE_FLAGS_NONE, &error));
    g_assert_no_error(error);
    g_assert_false(delete_volume("vols", "spare.img", HAKO_STORAGE_FLAGS_NONE, &error));
    g_assert_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_NOT_FOUND);
    g_clear_error(&error);

    g_clear_pointer(&volumes, g_ptr_array_unref);
    volumes = list_volumes("vols");
    g_assert_cmpuint(volumes->len, ==, 2);
    g_assert_null(find_volume(volumes, "top.qcow2"));
    g_assert_null(find_volume(volumes, "spare.img"));
}

static void
test_upload_download(void)
{
    g_autoptr(HakoStorageVolume) volume = NULL;
    g_autoptr(GBytes) sent = random_bytes(3 * MiB + 4096);
    g_autoptr(GBytes) received = NULL;
    g_autoptr(GBytes) too_big = random_bytes(4 * MiB + 4);
    g_autoptr(GError) error = NULL;
    g_autofree char *source = write_temp_file(sent);
    g_autofree char *target = g_build_filename(g_getenv("HAKO_TEST_DIR"), "download.bin", NULL);
    g_autofree char *big = NULL;
    Progress up = {0};
    Progress down = {0};

    make_pool("xfer");
    volume = create_volume("xfer", "disk.img", HAKO_VOLUME_FORMAT_RAW, g_bytes_get_size(sent), NULL,
                           &error);
    g_assert_no_error(error);

    g_assert_true(upload("xfer", "disk.img", source, &up, &error));
    g_assert_no_error(error);
    g_assert_cmpuint(up.calls, >=, 1);
    g_assert_cmpuint(up.last_done, ==, g_bytes_get_size(sent));
    g_assert_cmpuint(up.last_total, ==, g_bytes_get_size(sent));

    g_assert_true(download("xfer", "disk.img", target, &down, NULL, &error));
    g_assert_no_error(error);
    g_assert_cmpuint(down.calls, >=, 1);
    g_assert_cmpuint(down.last_done, ==, g_bytes_get_size(sent));
    g_assert_cmpuint(down.last_total, ==, g_bytes_get_size(sent));
    received = read_file(target);
    g_assert_true(g_bytes_equal(sent, received));

    /* a file larger than the volume is refused before anything is sent */
    g_clear_pointer(&source, g_free);
    source = write_temp_file(too_big);
    g_assert_false(upload("xfer", "disk.img", source, NULL, &error));
    g_assert_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_FAILED);
    g_assert_nonnull(strstr(error->message, "resize the volume first"));
    g_clear_error(&error);
    /* a file that is not there */
    big = g_build_filename(g_getenv("HAKO_TEST_DIR"), "no-such-file", NULL);
    g_assert_false(upload("xfer", "disk.img", big, NULL, &error));
    g_assert_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
    g_clear_error(&error);

    /* the volume still holds what was sent */
    g_assert_cmpint(g_unlink(target), ==, 0);
    g_assert_true(download("xfer", "disk.img", target, NULL, NULL, &error));
    g_assert_no_error(error);
    g_clear_pointer(&received, g_bytes_unref);
    received = read_file(target);
    g_assert_true(g_bytes_equal(sent, received));
}

static void
test_resize_wipe_clone(void)
{
    g_autoptr(HakoStorageVolume) volume = NULL;
    g_autoptr(HakoStorageVolume) clone = NULL;
    g_autoptr(GBytes) sent = random_bytes(MiB);
    g_autoptr(GBytes) received = NULL;
    g_autoptr(GPtrArray) volumes = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *source = write_temp_file(sent);
    g_autofree char *target = g_build_filename(g_getenv("HAKO_TEST_DIR"), "rwc.bin", NULL);
    HakoTestWait w = WAIT_INIT;

    make_pool("rwc");
    volume = create_volume("rwc", "grow.img", HAKO_VOLUME_FORMAT_RAW, MiB, NULL, &error);
    g_assert_no_error(error);
    g_assert_true(upload("rwc", "grow.img", source, NULL, &error));
    g_assert_no_error(error);

    /* grow to 2 MiB: the data stays, the new part reads as zeros */
    hako_storage_resize_volume_async(storage, host, "rwc", "grow.img", 2 * MiB,
                                     HAKO_STORAGE_FLAGS_NONE, NULL, hako_test_wait_done_cb, &w);
    g_assert_true(hako_storage_resize_volume_finish(storage, wait_result(&w), &error));
    g_clear_object(&w.result);
    g_assert_no_error(error);
    volumes = list_volumes("rwc");
    g_assert_cmpuint(find_volume(volumes, "grow.img")->capacity, ==, 2 * MiB);
    g_clear_pointer(&volumes, g_ptr_array_unref);

    /* shrinking is refused unless allowed */
    w.done = FALSE;
    hako_storage_resize_volume_async(storage, host, "rwc", "grow.img", MiB / 2,
                                     HAKO_STORAGE_FLAGS_NONE, NULL, hako_test_wait_done_cb, &w);
    g_assert_false(hako_storage_resize_volume_finish(storage, wait_result(&w), &error));
    g_clear_object(&w.result);
    g_assert_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_FAILED);
    g_assert_nonnull(strstr(error->message, "allow shrinking"));
    g_clear_error(&error);

    /* clone: the same bytes under a new name */
    w.done = FALSE;
    hako_storage_clone_volume_async(storage, host, "rwc", "grow.img", "copy.img", NULL,
                                    hako_test_wait_done_cb, &w);
    clone = hako_storage_clone_volume_finish(storage, wait_result(&w), &error);
    g_clear_object(&w.result);
    g_assert_no_error(error);
    g_assert_cmpstr(clone->name, ==, "copy.img");
    g_assert_cmpstr(clone->format, ==, "raw");
    g_assert_cmpuint(clone->capacity, ==, 2 * MiB);
    g_assert_true(download("rwc", "copy.img", target, NULL, NULL, &error));
    g_assert_no_error(error);
    received = read_file(target);
    g_assert_cmpuint(g_bytes_get_size(received), ==, 2 * MiB);
    g_assert_cmpmem(g_bytes_get_data(received, NULL), MiB, g_bytes_get_data(sent, NULL), MiB);
    g_assert_true(all_zero(received, MiB));
    g_clear_pointer(&received, g_bytes_unref);

    /* a bad name for the clone is refused before libvirt is asked */
    w.done = FALSE;
    hako_storage_clone_volume_async(storage, host, "rwc", "grow.img", "../escape", NULL,
                                    hako_test_wait_done_cb, &w);
    g_assert_null(hako_storage_clone_volume_finish(storage, wait_result(&w), &error));
    g_clear_object(&w.result);
    g_assert_error(error, HAKO_MODEL_ERROR, HAKO_MODEL_ERROR_INVALID_SPEC);
    g_clear_error(&error);

    /* wipe: every byte of the original is zero afterwards, the clone keeps its data */
    w.done = FALSE;
    hako_storage_wipe_volume_async(storage, host, "rwc", "grow.img", HAKO_STORAGE_FLAGS_NONE, NULL,
                                   hako_test_wait_done_cb, &w);
    g_assert_true(hako_storage_wipe_volume_finish(storage, wait_result(&w), &error));
    g_clear_object(&w.result);
    g_assert_no_error(error);
    g_assert_true(download("rwc", "grow.img", target, NULL, NULL, &error));
    g_assert_no_error(error);
    received = read_file(target);
    g_assert_cmpuint(g_bytes_get_size(received), ==, 2 * MiB);
    g_assert_true(all_zero(received, 0));
    g_clear_pointer(&received, g_bytes_unref);
    g_assert_true(download("rwc", "copy.img", target, NULL, NULL, &error));
    g_assert_no_error(error);
    received = read_file(target);
    g_assert_cmpmem(g_bytes_get_data(received, NULL), MiB, g_bytes_get_data(sent, NULL), MiB);
}

static void
test_download_cancelled(void)
{
    g_autoptr(HakoStorageVolume) volume = NULL;
    g_autoptr(GCancellable) cancellable = g_cancellable_new();
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = g_build_filename(g_getenv("HAKO_TEST_DIR"), "downloads", NULL);
    g_autofree char *target = g_build_filename(dir, "big.img", NULL);
    g_autoptr(GDir) listing = NULL;
    Progress p = {0};

    g_assert_cmpint(g_mkdir_with_parents(dir, 0755), ==, 0);
    make_pool("cancel");
    /* sparse: 4 GiB of zeros take seconds to stream, the first report comes at once */
    volume = create_volume("cancel", "big.img", HAKO_VOLUME_FORMAT_RAW, 4 * GiB, NULL, &error);
    g_assert_no_error(error);

    p.cancel_on_first = cancellable;
    g_assert_false(download("cancel", "big.img", target, &p, cancellable, &error));
    g_assert_error(error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_cmpuint(p.calls, ==, 1);
    g_assert_cmpuint(p.last_done, <, 4 * GiB);
    g_assert_cmpuint(p.last_total, ==, 4 * GiB);
    /* no file, and no temporary one either */
    g_assert_false(g_file_test(target, G_FILE_TEST_EXISTS));
    listing = g_dir_open(dir, 0, NULL);
    g_assert_nonnull(listing);
    g_assert_null(g_dir_read_name(listing));

    /* a failed download leaves nothing either: the volume is not there */
    g_clear_error(&error);
    g_assert_false(download("cancel", "nothing.img", target, NULL, NULL, &error));
    g_assert_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_NOT_FOUND);
    g_assert_false(g_file_test(target, G_FILE_TEST_EXISTS));
}

static void
test_not_connected(void)
{
    g_autoptr(HakoConnectionManager) other = hako_connection_manager_new(NULL);
    HakoHost *idle = hako_connection_manager_add(other, uri, HAKO_CONNECT_NONE);
    g_autoptr(HakoStorage) engine = hako_storage_new(other);
    g_autoptr(GError) error = NULL;
    GPtrArray *pools;
    HakoTestWait w = WAIT_INIT;

    hako_storage_list_pools_async(engine, idle, NULL, hako_test_wait_done_cb, &w);
    pools = hako_storage_list_pools_finish(engine, wait_result(&w), &error);
    g_clear_object(&w.result);
    g_assert_null(pools);
    g_assert_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_NOT_CONNECTED);
}

static gboolean
is_gone(gpointer data)
{
    return *(gpointer *)data == NULL;
}

int
main(int argc, char *argv[])
{
    HakoStorage *weak_storage;
    int status;

    g_test_init(&argc, &argv, NULL);
    hako_engine_init();
    main_thread = g_thread_self();

    uri = g_getenv("HAKO_TEST_URI");
    g_assert_nonnull(uri);
    g_assert_nonnull(g_getenv("HAKO_TEST_DIR"));
    manager = hako_connection_manager_new(NULL);
    host = hako_connection_manager_add(manager, uri, HAKO_CONNECT_NONE);
    hako_connection_manager_connect(manager, host);
    g_assert_true(hako_test_wait_until(hako_test_host_connected, host, 60000));
    storage = hako_storage_new(manager);

    g_test_add_func("/engine/storage/real/pool-lifecycle", test_pool_lifecycle);
    g_test_add_func("/engine/storage/real/pool-create-failure", test_pool_create_failure);
    g_test_add_func("/engine/storage/real/volumes-and-users", test_volumes_and_users);
    g_test_add_func("/engine/storage/real/upload-download", test_upload_download);
    g_test_add_func("/engine/storage/real/resize-wipe-clone", test_resize_wipe_clone);
    g_test_add_func("/engine/storage/real/download-cancelled", test_download_cancelled);
    g_test_add_func("/engine/storage/real/not-connected", test_not_connected);
    status = g_test_run();

    weak_storage = storage;
    g_object_add_weak_pointer(G_OBJECT(storage), (gpointer *)&weak_storage);
    g_clear_object(&storage);
    /* the workers drop their tasks (and so the engine) just after returning */
    g_assert_true(hako_test_wait_until(is_gone, &weak_storage, 10000));
    g_clear_object(&manager);
    return status;
}
