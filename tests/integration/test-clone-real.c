/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Whole-guest operations against a private, real libvirtd: a stopped guest cloned (its disk
 * copied into its pool with progress, a read-only disk shared, a new UUID and MAC address) and
 * both started at once; a disk shared on request; clones of a running guest and onto a taken
 * name refused; a guest deleted with its volumes (snapshot metadata and all), a volume another
 * guest uses refused unless insisted on, a running guest stopped first; save and restore.
 *
 * Run by tests/harness/with-private-libvirtd (HAKO_TEST_URI, HAKO_TEST_IMAGES). */
#include "config.h"

#include "hako-connection-manager.h"
#include "hako-engine-error.h"
#include "hako-engine.h"
#include "hako-guest-ops.h"
#include "hako-test-util.h"

#include <glib/gstdio.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <string.h>

#define POOL "hako-clone-pool"
#define OVMF_CODE "/usr/share/OVMF/OVMF_CODE_4M.fd"
#define OVMF_VARS "/usr/share/OVMF/OVMF_VARS_4M.fd"
#define MiB (G_GUINT64_CONSTANT(1) << 20)

static const char *uri;
static HakoConnectionManager *manager;
static HakoHost *host;
static HakoGuestOps *ops;
static GThread *main_thread;
static virConnectPtr conn; /* the test's own */

typedef struct {
    gboolean done;
    GAsyncResult *result;
} Wait;

#define WAIT_INIT                                                                                  \
    {                                                                                              \
        FALSE, NULL                                                                                \
    }

static void
done_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    Wait *w = user_data;

    g_assert_true(g_thread_self() == main_thread);
    w->result = g_object_ref(result);
    w->done = TRUE;
}

static gboolean
is_done(gpointer data)
{
    return ((Wait *)data)->done;
}

static GAsyncResult *
wait_result(Wait *w)
{
    g_assert_true(hako_test_wait_until(is_done, w, 60000));
    return w->result;
}

static gboolean
domain_listed(gpointer data)
{
    return hako_domain_list_lookup_by_name(hako_host_get_domains(host), data) != NULL;
}

static gboolean
domain_unlisted(gpointer data)
{
    return !domain_listed(data);
}

static HakoDomain *
domain(const char *name)
{
    g_assert_true(hako_test_wait_until(domain_listed, (gpointer)name, 10000));
    return hako_domain_list_lookup_by_name(hako_host_get_domains(host), name);
}

/* A new volume of POOL; returns its path. */
static char *
make_volume(const char *name, const char *format)
{
    virStoragePoolPtr pool = virStoragePoolLookupByName(conn, POOL);
    g_autofree char *xml =
        g_strdup_printf("<volume><name>%s</name><capacity unit='MiB'>256</capacity>"
                        "<target><format type='%s'/></target></volume>",
                        name, format);
    virStorageVolPtr vol;
    char *path;

    g_assert_nonnull(pool);
    vol = virStorageVolCreateXML(pool, xml, 0);
    g_assert_nonnull(vol);
    path = virStorageVolGetPath(vol);
    virStorageVolFree(vol);
    virStoragePoolFree(pool);
    return path;
}

/* Writes @mib MiB of data into the qcow2 image at @path. */
static void
fill_volume(const char *path, guint mib)
{
    g_autofree char *command = g_strdup_printf("write -P 0x55 0 %uM", mib);
    const char *argv[] = {"qemu-io", "-f", "qcow2", "-c", command, path, NULL};
    g_autoptr(GError) error = NULL;
    int status = -1;

    g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL,
                               G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
                               NULL, &status, &error));
    g_assert_no_error(error);
    g_assert_cmpint(status, ==, 0);
}

static gboolean
volume_exists(const char *path)
{
    virStorageVolPtr vol;
    virStoragePoolPtr pool = virStoragePoolLookupByName(conn, POOL);

    g_assert_cmpint(virStoragePoolRefresh(pool, 0), ==, 0);
    virStoragePoolFree(pool);
    vol = virStorageVolLookupByPath(conn, path);
    virResetLastError();
    if (vol != NULL)
        virStorageVolFree(vol);
    return vol != NULL;
}

static char *
disk_xml(const char *path, const char *format, const char *target, gboolean readonly)
{
    return g_strdup_printf("<disk type='file' device='disk'><driver name='qemu' type='%s'/>"
                           "<source file='%s'/><target dev='%s' bus='virtio'/>%s</disk>",
                           format, path, target, readonly ? "<readonly/>" : "");
}

/* A small TCG guest with @devices; no boot media, so it idles in SeaBIOS. */
static void
define_guest(const char *name, const char *devices)
{
    g_autofree char *xml = g_strdup_printf(
        "<domain type='qemu'><name>%s</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>"
        "<os><type arch='x86_64' machine='pc'>hvm</type></os><features><acpi/></features>"
        "<devices>%s</devices></domain>",
        name, devices);
    virDomainPtr dom = virDomainDefineXML(conn, xml);

    if (dom == NULL)
        g_test_message("define: %s", virGetLastErrorMessage());
    g_assert_nonnull(dom);
    virDomainFree(dom);
}

static virDomainPtr
lookup(const char *name)
{
    virDomainPtr dom = virDomainLookupByName(conn, name);

    virResetLastError();
    return dom;
}

static void
remove_guest(const char *name)
{
    virDomainPtr dom = lookup(name);

    if (dom == NULL)
        return;
    if (virDomainIsActive(dom) == 1)
        virDomainDestroy(dom);
    virDomainUndefineFlags(dom, VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA);
    virDomainFree(dom);
}

static char *
guest_xml(const char *name)
{
    virDomainPtr dom = lookup(name);
    char *xml;

    g_assert_nonnull(dom);
    xml = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE);
    virDomainFree(dom);
    return xml;
}

/* The text between @start and the next @end in @xml. */
static char *
between(const char *xml, const char *start, const char *end)
{
    const char *from = strstr(xml, start);
    const char *to;

    if (from == NULL)
        return NULL;
    from += strlen(start);
    to = strstr(from, end);
    return to != NULL ? g_strndup(from, to - from) : NULL;
}

static GPtrArray *
list_disks(HakoDomain *guest)
{
    g_autoptr(GError) error = NULL;
    Wait w = WAIT_INIT;
    GPtrArray *disks;

    hako_guest_ops_list_disks_async(ops, guest, NULL, done_cb, &w);
    disks = hako_guest_ops_list_disks_finish(ops, wait_result(&w), &error);
    g_clear_object(&w.result);
    g_assert_no_error(error);
    return disks;
}

typedef struct {
    guint calls;
    guint between; /* reports while the copy ran */
    guint64 done;
    guint64 total;
} Progress;

static void
progress_cb(guint64 done, guint64 total, gpointer user_data)
{
    Progress *p = user_data;

    g_assert_true(g_thread_self() == main_thread);
    g_assert_cmpuint(done, <=, total);
    g_assert_cmpuint(done, >=, p->done);
    if (done > 0 && done < total)
        p->between++;
    p->calls++;
    p->done = done;
    p->total = total;
}

static char *
clone(HakoDomain *guest, const char *name, const char *const *shared, Progress *p, GError **error)
{
    Wait w = WAIT_INIT;
    char *result;

    hako_guest_ops_clone_async(ops, guest, name, shared, p != NULL ? progress_cb : NULL, p, NULL,
                               NULL, done_cb, &w);
    result = hako_guest_ops_clone_finish(ops, wait_result(&w), error);
    g_clear_object(&w.result);
    return result;
}

static gboolean
delete_guest(HakoDomain *guest,
             const char *const *paths,
             HakoGuestDeleteFlags flags,
             GError **error)
{
    Wait w = WAIT_INIT;
    gboolean ok;

    hako_guest_ops_delete_async(ops, guest, paths, flags, NULL, done_cb, &w);
    ok = hako_guest_ops_delete_finish(ops, wait_result(&w), error);
    g_clear_object(&w.result);
    return ok;
}

static void
test_clone(void)
{
    g_autofree char *system = make_volume("hako-cl.qcow2", "qcow2");
    g_autofree char *iso = make_volume("cl-data.raw", "raw");
    g_autofree char *vda = disk_xml(system, "qcow2", "vda", FALSE);
    g_autofree char *vdb = disk_xml(iso, "raw", "vdb", TRUE);
    g_autofree char *devices =
        g_strconcat(vda, vdb, "<interface type='user'><mac address='52:54:00:12:34:56'/>",
                    "<model type='virtio'/></interface>",
                    "<graphics type='vnc' port='5987' autoport='no' listen='127.0.0.1'/>", NULL);
    g_autofree char *suggested = NULL;
    g_autofree char *name = NULL;
    g_autofree char *xml = NULL;
    g_autofree char *original_xml = NULL;
    g_autofree char *uuid = NULL;
    g_autofree char *original_uuid = NULL;
    g_autofree char *shared_name = NULL;
    g_autofree char *copy_path = NULL;
    g_autofree char *dir = NULL;
    g_autoptr(GPtrArray) disks = NULL;
    g_autoptr(GError) error = NULL;
    const char *share_vda[] = {"vda", NULL};
    Progress p = {0};
    virDomainPtr a;
    virDomainPtr b;
    HakoDomain *guest;

    /* 192 MiB of data to copy, so that the copy takes a while */
    fill_volume(system, 192);
    define_guest("hako-cl", devices);
    guest = domain("hako-cl");
    suggested = hako_guest_ops_suggest_clone_name(hako_host_get_domains(host), "hako-cl");
    g_assert_cmpstr(suggested, ==, "hako-cl-clone");

    disks = list_disks(guest);
    g_assert_cmpuint(disks->len, ==, 2);
    g_assert_cmpstr(((HakoGuestDisk *)disks->pdata[0])->target, ==, "vda");
    g_assert_cmpstr(((HakoGuestDisk *)disks->pdata[0])->pool, ==, POOL);
    g_assert_cmpstr(((HakoGuestDisk *)disks->pdata[0])->volume, ==, "hako-cl.qcow2");
    g_assert_true(hako_guest_disk_can_copy(disks->pdata[0]));
    g_assert_false(hako_guest_disk_can_copy(disks->pdata[1])); /* read-only */

    name = clone(guest, suggested, NULL, &p, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(name, ==, "hako-cl-clone");
    g_test_message("progress: %u reports, %u while copying, %" G_GUINT64_FORMAT
                   " of %" G_GUINT64_FORMAT,
                   p.calls, p.between, p.done, p.total);
    g_assert_cmpuint(p.calls, >=, 2);
    g_assert_cmpuint(p.done, ==, p.total);
    g_assert_cmpuint(p.total, >=, 192 * MiB);

    /* a new UUID and MAC address; vda copied next to the original, vdb shared */
    original_xml = guest_xml("hako-cl");
    xml = guest_xml("hako-cl-clone");
    uuid = between(xml, "<uuid>", "</uuid>");
    original_uuid = between(original_xml, "<uuid>", "</uuid>");
    g_assert_nonnull(uuid);
    g_assert_cmpstr(uuid, !=, original_uuid);
    g_assert_null(strstr(xml, "52:54:00:12:34:56"));
    /* the original's fixed display port would clash: the clone's is automatic */
    g_assert_nonnull(strstr(original_xml, "port='5987'"));
    g_assert_null(strstr(xml, "port='5987'"));
    g_assert_nonnull(strstr(xml, "<mac address="));
    dir = g_path_get_dirname(system);
    copy_path = g_build_filename(dir, "hako-cl-clone.qcow2", NULL);
    g_assert_nonnull(strstr(xml, copy_path));
    g_assert_null(strstr(xml, system));
    g_assert_nonnull(strstr(xml, iso));
    g_assert_true(volume_exists(copy_path));

    /* both run at once */
    a = lookup("hako-cl");
    b = lookup("hako-cl-clone");
    g_assert_cmpint(virDomainCreate(a), ==, 0);
    g_assert_cmpint(virDomainCreate(b), ==, 0);
    g_assert_cmpint(virDomainIsActive(a), ==, 1);
    g_assert_cmpint(virDomainIsActive(b), ==, 1);

    /* not while it runs */
    g_assert_true(hako_test_wait_until((HakoTestCondition)hako_domain_is_active, guest, 10000));
    g_assert_null(clone(guest, "hako-cl-2", NULL, NULL, &error));
    g_assert_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_FAILED);
    g_test_message("running: %s", error->message);
    g_clear_error(&error);
    virDomainDestroy(a);
    virDomainDestroy(b);

    /* not onto a name that is taken */
    g_assert_null(clone(guest, "hako-cl-clone", NULL, NULL, &error));
    g_assert_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_INVALID_DATA);
    g_clear_error(&error);

    /* vda shared on request: the same path */
    shared_name = clone(guest, "hako-cl-shared", share_vda, NULL, &error);
    g_assert_no_error(error);
    g_clear_pointer(&xml, free);
    xml = guest_xml("hako-cl-shared");
    g_assert_nonnull(strstr(xml, system));

    virDomainFree(a);
    virDomainFree(b);
    remove_guest("hako-cl");
    remove_guest("hako-cl-clone");
    remove_guest("hako-cl-shared");
}

/* A UEFI guest's variables are no pool's volume here: the clone's are made afresh by libvirt
 * from the template, under its own name, never the original's file. */
static void
test_clone_uefi(void)
{
    g_autofree char *system = make_volume("hako-efi.qcow2", "qcow2");
    g_autofree char *vda = disk_xml(system, "qcow2", "vda", FALSE);
    g_autofree char *xml = NULL;
    g_autofree char *clone_xml = NULL;
    g_autofree char *nvram = NULL;
    g_autofree char *clone_nvram = NULL;
    g_autofree char *name = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *domain_xml = NULL;
    virDomainPtr dom;

    if (!g_file_test(OVMF_CODE, G_FILE_TEST_EXISTS)) {
        g_test_skip("no OVMF");
        return;
    }
    domain_xml = g_strdup_printf(
        "<domain type='qemu'><name>hako-efi</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>"
        "<os><type arch='x86_64' machine='pc'>hvm</type>"
        "<loader readonly='yes' type='pflash'>" OVMF_CODE "</loader>"
        "<nvram template='" OVMF_VARS "'/></os><features><acpi/></features>"
        "<devices>%s</devices></domain>",
        vda);
    dom = virDomainDefineXML(conn, domain_xml);
    g_assert_nonnull(dom);
    virDomainFree(dom);
    xml = guest_xml("hako-efi");
    nvram = between(strstr(xml, "<nvram"), ">", "</nvram>");
    g_assert_nonnull(nvram);
    g_test_message("original nvram: %s", nvram);

    name = clone(domain("hako-efi"), "hako-efi-clone", NULL, NULL, &error);
    g_assert_no_error(error);
    clone_xml = guest_xml("hako-efi-clone");
    g_assert_nonnull(strstr(clone_xml, OVMF_CODE));
    clone_nvram = between(strstr(clone_xml, "<nvram"), ">", "</nvram>");
    g_test_message("clone nvram: %s", clone_nvram);
    g_assert_nonnull(clone_nvram);
    g_assert_cmpstr(clone_nvram, !=, nvram);
    g_assert_nonnull(strstr(clone_nvram, "hako-efi-clone"));

    remove_guest("hako-efi-clone");
    remove_guest("hako-efi");
}

static void
test_delete(void)
{
    g_autofree char *own = make_volume("del-a.qcow2", "qcow2");
    g_autofree char *shared = make_volume("del-shared.qcow2", "qcow2");
    g_autofree char *own_disk = disk_xml(own, "qcow2", "vda", FALSE);
    g_autofree char *shared_disk = disk_xml(shared, "qcow2", "vdb", FALSE);
    g_autofree char *a_devices = g_strconcat(own_disk, shared_disk, NULL);
    g_autoptr(GPtrArray) disks = NULL;
    g_autoptr(GError) error = NULL;
    const char *both[] = {own, shared, NULL};
    const char *only_own[] = {own, NULL};
    const char *only_shared[] = {shared, NULL};
    HakoGuestDisk *vdb;
    virDomainPtr dom;
    virDomainSnapshotPtr snap;

    define_guest("hako-del-a", a_devices);
    define_guest("hako-del-b", shared_disk);
    /* a snapshot, whose metadata goes with the guest */
    dom = lookup("hako-del-a");
    snap = virDomainSnapshotCreateXML(dom, "<domainsnapshot><name>s</name></domainsnapshot>", 0);
    g_assert_nonnull(snap);
    virDomainSnapshotFree(snap);
    virDomainFree(dom);

    disks = list_disks(domain("hako-del-a"));
    g_assert_cmpuint(disks->len, ==, 2);
    g_assert_cmpstr(((HakoGuestDisk *)disks->pdata[0])->path, ==, own);
    g_assert_cmpuint(g_strv_length(((HakoGuestDisk *)disks->pdata[0])->used_by), ==, 0);
    vdb = disks->pdata[1];
    g_assert_cmpstr(vdb->path, ==, shared);
    g_assert_cmpuint(g_strv_length(vdb->used_by), ==, 1);
    g_assert_cmpstr(vdb->used_by[0], ==, "hako-del-b");

    /* the shared volume is refused, and nothing changes */
    g_assert_false(delete_guest(domain("hako-del-a"), both, HAKO_GUEST_DELETE_NONE, &error));
    g_assert_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_IN_USE);
    g_test_message("in use: %s", error->message);
    g_assert_nonnull(strstr(error->message, "hako-del-b"));
    g_clear_error(&error);
    dom = lookup("hako-del-a");
    g_assert_nonnull(dom);
    virDomainFree(dom);
    g_assert_true(volume_exists(own));
    g_assert_true(volume_exists(shared));

    /* with its own volume only */
    g_assert_true(delete_guest(domain("hako-del-a"), only_own, HAKO_GUEST_DELETE_NONE, &error));
    g_assert_no_error(error);
    g_assert_null(lookup("hako-del-a"));
    g_assert_false(volume_exists(own));
    g_assert_true(volume_exists(shared));
    g_assert_true(hako_test_wait_until(domain_unlisted, "hako-del-a", 10000));

    /* a running guest is stopped first; the volume is now its own */
    dom = lookup("hako-del-b");
    g_assert_cmpint(virDomainCreate(dom), ==, 0);
    virDomainFree(dom);
    g_assert_true(delete_guest(domain("hako-del-b"), only_shared, HAKO_GUEST_DELETE_NONE, &error));
    g_assert_no_error(error);
    g_assert_null(lookup("hako-del-b"));
    g_assert_false(volume_exists(shared));
}

static void
test_delete_forced(void)
{
    g_autofree char *shared = make_volume("del-x.qcow2", "qcow2");
    g_autofree char *disk = disk_xml(shared, "qcow2", "vda", FALSE);
    g_autoptr(GError) error = NULL;
    const char *paths[] = {shared, NULL};

    define_guest("hako-del-c", disk);
    define_guest("hako-del-d", disk);
    g_assert_true(delete_guest(domain("hako-del-c"), paths, HAKO_GUEST_DELETE_FORCE, &error));
    g_assert_no_error(error);
    g_assert_null(lookup("hako-del-c"));
    g_assert_false(volume_exists(shared));
    remove_guest("hako-del-d");
}

static void
test_save_restore(void)
{
    g_autofree char *path = g_build_filename(g_getenv("HAKO_TEST_IMAGES"), "saved.img", NULL);
    g_autoptr(GError) error = NULL;
    Wait w = WAIT_INIT;
    virDomainPtr dom;
    int state = 0;

    define_guest("hako-save", "");
    dom = lookup("hako-save");
    g_assert_cmpint(virDomainCreate(dom), ==, 0);

    hako_guest_ops_save_async(ops, domain("hako-save"), path, NULL, done_cb, &w);
    g_assert_true(hako_guest_ops_save_finish(ops, wait_result(&w), &error));
    g_assert_no_error(error);
    g_clear_object(&w.result);
    g_assert_cmpint(virDomainIsActive(dom), ==, 0);
    g_assert_true(g_file_test(path, G_FILE_TEST_EXISTS));

    w.done = FALSE;
    hako_guest_ops_restore_async(ops, host, path, NULL, done_cb, &w);
    g_assert_true(hako_guest_ops_restore_finish(ops, wait_result(&w), &error));
    g_assert_no_error(error);
    g_clear_object(&w.result);
    g_assert_cmpint(virDomainGetState(dom, &state, NULL, 0), ==, 0);
    g_assert_cmpint(state, ==, VIR_DOMAIN_RUNNING);

    /* a file that is not a saved guest */
    w.done = FALSE;
    hako_guest_ops_restore_async(ops, host, "/nonexistent/saved.img", NULL, done_cb, &w);
    g_assert_false(hako_guest_ops_restore_finish(ops, wait_result(&w), &error));
    g_assert_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_FAILED);
    g_clear_object(&w.result);

    virDomainFree(dom);
    remove_guest("hako-save");
}

static gboolean
is_gone(gpointer data)
{
    return *(gpointer *)data == NULL;
}

int
main(int argc, char *argv[])
{
    g_autofree char *pool_dir = NULL;
    g_autofree char *pool_xml = NULL;
    virStoragePoolPtr pool;
    HakoGuestOps *weak;
    int status;

    g_test_init(&argc, &argv, NULL);
    hako_engine_init();
    main_thread = g_thread_self();

    uri = g_getenv("HAKO_TEST_URI");
    g_assert_nonnull(uri);
    g_assert_nonnull(g_getenv("HAKO_TEST_IMAGES"));
    conn = virConnectOpen(uri);
    g_assert_nonnull(conn);
    pool_dir = g_build_filename(g_getenv("HAKO_TEST_IMAGES"), "pool", NULL);
    g_assert_cmpint(g_mkdir_with_parents(pool_dir, 0755), ==, 0);
    pool_xml = g_markup_printf_escaped(
        "<pool type='dir'><name>" POOL "</name><target><path>%s</path></target></pool>", pool_dir);
    pool = virStoragePoolCreateXML(conn, pool_xml, 0);
    g_assert_nonnull(pool);
    virStoragePoolFree(pool);

    manager = hako_connection_manager_new(NULL);
    host = hako_connection_manager_add(manager, uri, HAKO_CONNECT_NONE);
    hako_connection_manager_connect(manager, host);
    g_assert_true(hako_test_wait_until(hako_test_host_connected, host, 60000));
    ops = hako_guest_ops_new(manager);

    g_test_add_func("/engine/guest-ops/real/clone", test_clone);
    g_test_add_func("/engine/guest-ops/real/clone-uefi", test_clone_uefi);
    g_test_add_func("/engine/guest-ops/real/delete", test_delete);
    g_test_add_func("/engine/guest-ops/real/delete-forced", test_delete_forced);
    g_test_add_func("/engine/guest-ops/real/save-restore", test_save_restore);
    status = g_test_run();

    weak = ops;
    g_object_add_weak_pointer(G_OBJECT(ops), (gpointer *)&weak);
    g_clear_object(&ops);
    g_assert_true(hako_test_wait_until(is_gone, &weak, 10000));
    g_clear_object(&manager);
    virConnectClose(conn);
    return status;
}
