/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The snapshot engine against a private, real libvirtd: a running TCG guest snapshotted with
 * its memory, changed (paused, retitled), reverted, and found running with its old title; a tree
 * of snapshots of a stopped guest listed parents first, one deleted (its child moves up) and
 * one with its children; the reasons a guest cannot be snapshotted (UEFI in pflash, a raw disk,
 * a running guest without its memory).
 *
 * Run by tests/harness/with-private-libvirtd (HAKO_TEST_URI, HAKO_TEST_IMAGES). */
#include "config.h"

#include "hako-connection-manager.h"
#include "hako-engine-error.h"
#include "hako-engine.h"
#include "hako-snapshots.h"
#include "hako-test-util.h"

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <string.h>

#define OVMF_CODE "/usr/share/OVMF/OVMF_CODE_4M.fd"
#define OVMF_VARS "/usr/share/OVMF/OVMF_VARS_4M.fd"

static const char *uri;
static HakoConnectionManager *manager;
static HakoHost *host;
static HakoSnapshots *snapshots;
static GThread *main_thread;

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

/* Creates a qcow2 image in HAKO_TEST_IMAGES and returns its path. */
static char *
make_image(const char *name, const char *format)
{
    g_autofree char *path = g_build_filename(g_getenv("HAKO_TEST_IMAGES"), name, NULL);
    const char *argv[] = {"qemu-img", "create", "-q", "-f", format, path, "16M", NULL};
    g_autoptr(GError) error = NULL;
    int status = -1;

    g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL,
                               NULL, &status, &error));
    g_assert_no_error(error);
    g_assert_cmpint(status, ==, 0);
    return g_steal_pointer(&path);
}

/* Defines a small TCG guest with one disk (no boot media: it idles in SeaBIOS). */
static HakoDomain *
define_guest(const char *name, const char *format, const char *os_extra, gboolean start)
{
    g_autofree char *image = g_strdup_printf("%s.%s", name, format);
    g_autofree char *path = make_image(image, format);
    g_autofree char *xml = g_strdup_printf(
        "<domain type='qemu'><name>%s</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>"
        "<os><type arch='x86_64' machine='pc'>hvm</type>%s</os><features><acpi/></features>"
        "<devices>"
        "<disk type='file' device='disk'><driver name='qemu' type='%s'/>"
        "<source file='%s'/><target dev='vda' bus='virtio'/></disk>"
        "</devices></domain>",
        name, os_extra, format, path);
    virConnectPtr conn = virConnectOpen(uri);
    virDomainPtr dom;

    g_assert_nonnull(conn);
    dom = virDomainDefineXML(conn, xml);
    if (dom == NULL)
        g_test_message("define: %s", virGetLastErrorMessage());
    g_assert_nonnull(dom);
    if (start)
        g_assert_cmpint(virDomainCreate(dom), ==, 0);
    virDomainFree(dom);
    virConnectClose(conn);
    g_assert_true(hako_test_wait_until(domain_listed, (gpointer)name, 10000));
    return hako_domain_list_lookup_by_name(hako_host_get_domains(host), name);
}

/* The libvirt handle of @name, on a connection of the test's own. */
static virDomainPtr
raw_domain(const char *name, virConnectPtr *conn)
{
    virDomainPtr dom;

    *conn = virConnectOpen(uri);
    g_assert_nonnull(*conn);
    dom = virDomainLookupByName(*conn, name);
    g_assert_nonnull(dom);
    return dom;
}

static void
destroy_guest(const char *name)
{
    virConnectPtr conn;
    virDomainPtr dom = raw_domain(name, &conn);

    if (virDomainIsActive(dom) == 1)
        virDomainDestroy(dom);
    virDomainUndefineFlags(dom, VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA | VIR_DOMAIN_UNDEFINE_NVRAM);
    virDomainFree(dom);
    virConnectClose(conn);
}

static gboolean
check(HakoDomain *domain, GError **error)
{
    Wait w = WAIT_INIT;
    gboolean ok;

    hako_snapshots_check_async(snapshots, domain, NULL, done_cb, &w);
    ok = hako_snapshots_check_finish(snapshots, wait_result(&w), error);
    g_clear_object(&w.result);
    return ok;
}

static HakoSnapshot *
create(HakoDomain *domain, const char *name, gboolean with_memory, GError **error)
{
    Wait w = WAIT_INIT;
    HakoSnapshot *snap;

    hako_snapshots_create_async(snapshots, domain, name, "made by a test", with_memory, NULL,
                                done_cb, &w);
    snap = hako_snapshots_create_finish(snapshots, wait_result(&w), error);
    g_clear_object(&w.result);
    return snap;
}

static GPtrArray *
list(HakoDomain *domain)
{
    g_autoptr(GError) error = NULL;
    Wait w = WAIT_INIT;
    GPtrArray *snaps;

    hako_snapshots_list_async(snapshots, domain, NULL, done_cb, &w);
    snaps = hako_snapshots_list_finish(snapshots, wait_result(&w), &error);
    g_clear_object(&w.result);
    g_assert_no_error(error);
    return snaps;
}

static void
revert(HakoDomain *domain, const char *name)
{
    g_autoptr(GError) error = NULL;
    Wait w = WAIT_INIT;

    hako_snapshots_revert_async(snapshots, domain, name, NULL, done_cb, &w);
    g_assert_true(hako_snapshots_revert_finish(snapshots, wait_result(&w), &error));
    g_clear_object(&w.result);
    g_assert_no_error(error);
}

static void delete (HakoDomain *domain, const char *name, gboolean with_children)
{
    g_autoptr(GError) error = NULL;
    Wait w = WAIT_INIT;

    hako_snapshots_delete_async(snapshots, domain, name, with_children, NULL, done_cb, &w);
    g_assert_true(hako_snapshots_delete_finish(snapshots, wait_result(&w), &error));
    g_clear_object(&w.result);
    g_assert_no_error(error);
}

static const HakoSnapshot *
find(GPtrArray *snaps, const char *name)
{
    for (guint i = 0; i < snaps->len; i++) {
        const HakoSnapshot *snap = snaps->pdata[i];

        if (g_str_equal(snap->name, name))
            return snap;
    }
    return NULL;
}

static char *
persistent_title(const char *name)
{
    virConnectPtr conn;
    virDomainPtr dom = raw_domain(name, &conn);
    char *title =
        virDomainGetMetadata(dom, VIR_DOMAIN_METADATA_TITLE, NULL, VIR_DOMAIN_AFFECT_CONFIG);
    char *copy = g_strdup(title);

    virResetLastError();
    free(title);
    virDomainFree(dom);
    virConnectClose(conn);
    return copy;
}

static void
test_running_revert(void)
{
    HakoDomain *domain = define_guest("hako-snap-run", "qcow2", "", TRUE);
    g_autoptr(HakoSnapshot) snap = NULL;
    g_autoptr(HakoSnapshot) refused = NULL;
    g_autoptr(GPtrArray) snaps = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *title = NULL;
    virConnectPtr conn;
    virDomainPtr dom;
    int state = 0;

    g_assert_true(check(domain, &error));
    g_assert_no_error(error);

    /* a running guest's internal snapshot cannot leave its memory out */
    refused = create(domain, "no-memory", FALSE, &error);
    g_assert_null(refused);
    g_assert_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_NOT_SUPPORTED);
    g_test_message("refused: %s", error->message);
    g_clear_error(&error);

    snap = create(domain, "before", TRUE, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(snap->name, ==, "before");
    g_assert_cmpstr(snap->description, ==, "made by a test");
    g_assert_null(snap->parent);
    g_assert_cmpint(snap->state, ==, HAKO_DOMAIN_STATE_RUNNING);
    g_assert_true(snap->has_memory);
    g_assert_true(snap->current);
    g_assert_cmpint(snap->creation_time, >, 1600000000);

    /* change it: paused, and a title in its persistent configuration */
    dom = raw_domain("hako-snap-run", &conn);
    g_assert_cmpint(virDomainSuspend(dom), ==, 0);
    g_assert_cmpint(virDomainSetMetadata(dom, VIR_DOMAIN_METADATA_TITLE, "changed", NULL, NULL,
                                         VIR_DOMAIN_AFFECT_CONFIG),
                    ==, 0);
    title = persistent_title("hako-snap-run");
    g_assert_cmpstr(title, ==, "changed");
    g_clear_pointer(&title, g_free);

    revert(domain, "before");
    g_assert_cmpint(virDomainGetState(dom, &state, NULL, 0), ==, 0);
    g_assert_cmpint(state, ==, VIR_DOMAIN_RUNNING);
    title = persistent_title("hako-snap-run");
    g_assert_null(title);

    snaps = list(domain);
    g_assert_cmpuint(snaps->len, ==, 1);
    g_assert_true(((HakoSnapshot *)snaps->pdata[0])->current);

    virDomainFree(dom);
    virConnectClose(conn);
    destroy_guest("hako-snap-run");
}

static void
test_tree_delete(void)
{
    HakoDomain *domain = define_guest("hako-snap-off", "qcow2", "", FALSE);
    const char *names[] = {"a", "b", "c"};
    g_autoptr(GPtrArray) snaps = NULL;
    g_autoptr(GError) error = NULL;

    for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
        g_autoptr(HakoSnapshot) snap = create(domain, names[i], FALSE, &error);

        g_assert_no_error(error);
        g_assert_cmpint(snap->state, ==, HAKO_DOMAIN_STATE_SHUTOFF);
        g_assert_false(snap->has_memory);
    }
    /* each one taken after the last, so a chain a → b → c, parents first */
    snaps = list(domain);
    g_assert_cmpuint(snaps->len, ==, 3);
    g_assert_cmpstr(((HakoSnapshot *)snaps->pdata[0])->name, ==, "a");
    g_assert_cmpstr(((HakoSnapshot *)snaps->pdata[1])->name, ==, "b");
    g_assert_cmpstr(((HakoSnapshot *)snaps->pdata[2])->name, ==, "c");
    g_assert_null(find(snaps, "a")->parent);
    g_assert_cmpstr(find(snaps, "b")->parent, ==, "a");
    g_assert_cmpstr(find(snaps, "c")->parent, ==, "b");
    g_assert_true(find(snaps, "c")->current);
    g_assert_false(find(snaps, "a")->current);
    g_clear_pointer(&snaps, g_ptr_array_unref);

    /* b alone: c moves up to a */
    delete (domain, "b", FALSE);
    snaps = list(domain);
    g_assert_cmpuint(snaps->len, ==, 2);
    g_assert_cmpstr(find(snaps, "c")->parent, ==, "a");
    g_clear_pointer(&snaps, g_ptr_array_unref);

    /* a with its children: nothing left */
    delete (domain, "a", TRUE);
    snaps = list(domain);
    g_assert_cmpuint(snaps->len, ==, 0);

    destroy_guest("hako-snap-off");
}

static void
test_refusals(void)
{
    HakoDomain *raw = define_guest("hako-snap-raw", "raw", "", FALSE);
    g_autoptr(HakoSnapshot) snap = NULL;
    g_autoptr(GError) error = NULL;

    g_assert_false(check(raw, &error));
    g_assert_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_NOT_SUPPORTED);
    g_test_message("raw: %s", error->message);
    g_assert_nonnull(strstr(error->message, "“vda”"));
    g_assert_nonnull(strstr(error->message, "raw"));
    g_clear_error(&error);
    snap = create(raw, "x", FALSE, &error);
    g_assert_null(snap);
    g_assert_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_NOT_SUPPORTED);
    g_clear_error(&error);
    destroy_guest("hako-snap-raw");

    if (!g_file_test(OVMF_CODE, G_FILE_TEST_EXISTS)) {
        g_test_message("no %s: the UEFI refusal is not checked", OVMF_CODE);
        return;
    }
    {
        HakoDomain *uefi =
            define_guest("hako-snap-uefi", "qcow2",
                         "<loader readonly='yes' type='pflash'>" OVMF_CODE "</loader>"
                         "<nvram template='" OVMF_VARS "'/>",
                         FALSE);
        unsigned long version = 0;
        virConnectPtr conn = virConnectOpen(uri);

        g_assert_cmpint(virConnectGetLibVersion(conn, &version), ==, 0);
        virConnectClose(conn);
        if (check(uefi, &error)) {
            /* a libvirt that can */
            g_assert_cmpuint(version, >=, 10010000);
        } else {
            g_assert_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_NOT_SUPPORTED);
            g_test_message("UEFI: %s", error->message);
            g_assert_nonnull(strstr(error->message, "UEFI"));
            g_clear_error(&error);
            snap = create(uefi, "x", FALSE, &error);
            g_assert_null(snap);
            g_assert_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_NOT_SUPPORTED);
        }
        destroy_guest("hako-snap-uefi");
    }
}

static gboolean
is_gone(gpointer data)
{
    return *(gpointer *)data == NULL;
}

int
main(int argc, char *argv[])
{
    HakoSnapshots *weak;
    int status;

    g_test_init(&argc, &argv, NULL);
    hako_engine_init();
    main_thread = g_thread_self();

    uri = g_getenv("HAKO_TEST_URI");
    g_assert_nonnull(uri);
    g_assert_nonnull(g_getenv("HAKO_TEST_IMAGES"));
    manager = hako_connection_manager_new(NULL);
    host = hako_connection_manager_add(manager, uri, HAKO_CONNECT_NONE);
    hako_connection_manager_connect(manager, host);
    g_assert_true(hako_test_wait_until(hako_test_host_connected, host, 60000));
    snapshots = hako_snapshots_new(manager);

    g_test_add_func("/engine/snapshots/real/running-revert", test_running_revert);
    g_test_add_func("/engine/snapshots/real/tree-delete", test_tree_delete);
    g_test_add_func("/engine/snapshots/real/refusals", test_refusals);
    status = g_test_run();

    weak = snapshots;
    g_object_add_weak_pointer(G_OBJECT(snapshots), (gpointer *)&weak);
    g_clear_object(&snapshots);
    g_assert_true(hako_test_wait_until(is_gone, &weak, 10000));
    g_clear_object(&manager);
    return status;
}
