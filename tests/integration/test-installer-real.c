/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoInstaller against a private, real libvirtd with QEMU (TCG):
 *
 * - the QEMU driver accepts every KVM and QEMU golden XML of tests/data/installer;
 * - memtest86+'s ISO installed onto a new qcow2 volume of a dir pool: it runs, its persistent
 *   XML boots the disk first, its live XML the CD-ROM, its VNC display greets and shows a
 *   screen that is not blank;
 * - memtest86+'s kernel image served as an install tree's kernel over HTTP: downloaded into
 *   the boot directory (over SSH: uploaded into a volume of the pool), booted directly by
 *   QEMU, deleted once the guest runs; a tree missing its initrd leaves no download behind;
 * - failures that leave nothing behind: a volume name that exists (the volume survives), a
 *   definition libvirt refuses (no emulator: the new volume goes), a start that fails (the
 *   guest, its UEFI variables and its volume go).
 *
 * At most one memtest guest runs at a time (it takes a whole core under TCG).
 * Run by tests/harness/with-private-libvirtd (HAKO_TEST_URI, HAKO_TEST_DIR), and again through
 * tests/harness/with-sshd (HAKO_TEST_SSH_PORT…), where the host is remote to Hako. */
#include "config.h"

#include "hako-connection-manager.h"
#include "hako-engine-error.h"
#include "hako-engine.h"
#include "hako-installer.h"
#include "hako-test-http.h"
#include "hako-test-util.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <string.h>

#define MiB (G_GUINT64_CONSTANT(1) << 20)
#define POOL "hako-inst"
#define MEMTEST_ISO "/usr/lib/memtest86+/memtest86+x64.iso"
#define MEMTEST_KERNEL "/boot/memtest86+x64.bin"

static const char *uri;
static gboolean remote; /* Hako reaches the daemon over SSH (with-sshd) */
static HakoConnectionManager *manager;
static HakoHost *host;
static HakoInstaller *installer;
static virConnectPtr conn; /* the same daemon, seen directly */
static GThread *main_thread;
static char *boot_dir;

/* ---------------------------------------------------------------------- */
/* Helpers */

typedef struct {
    gboolean done;
    char *uuid;
    GError *error;
    GArray *steps;
} Run;

static void
step_cb(HakoInstaller *self, HakoInstallStep step, gpointer user_data)
{
    Run *run = user_data;

    g_assert_true(g_thread_self() == main_thread);
    g_assert_false(run->done);
    g_array_append_val(run->steps, step);
}

static void
install_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    Run *run = user_data;

    g_assert_true(g_thread_self() == main_thread);
    run->uuid = hako_installer_install_finish(HAKO_INSTALLER(source), result, &run->error);
    run->done = TRUE;
}

static gboolean
run_done(gpointer data)
{
    return ((Run *)data)->done;
}

static void
run_install(Run *run, const HakoVmSpec *spec)
{
    gulong id;

    run->steps = g_array_new(FALSE, FALSE, sizeof(HakoInstallStep));
    id = g_signal_connect(installer, "step-changed", G_CALLBACK(step_cb), run);
    hako_installer_install_async(installer, host, spec, NULL, install_cb, run);
    g_assert_true(hako_test_wait_until(run_done, run, 120000));
    g_signal_handler_disconnect(installer, id);
}

static void
run_clear(Run *run)
{
    g_clear_pointer(&run->uuid, g_free);
    g_clear_error(&run->error);
    g_clear_pointer(&run->steps, g_array_unref);
    run->done = FALSE;
}

static HakoInstallStep
last_step(Run *run)
{
    g_assert_cmpuint(run->steps->len, >, 0);
    return g_array_index(run->steps, HakoInstallStep, run->steps->len - 1);
}

/* A running dir pool under HAKO_TEST_DIR/pools. */
static void
make_pool(void)
{
    g_autofree char *path = g_build_filename(g_getenv("HAKO_TEST_DIR"), "pools", POOL, NULL);
    g_autofree char *xml = g_strdup_printf(
        "<pool type='dir'><name>%s</name><target><path>%s</path></target></pool>", POOL, path);
    virStoragePoolPtr pool = virStoragePoolDefineXML(conn, xml, 0);

    g_assert_nonnull(pool);
    g_assert_cmpint(virStoragePoolBuild(pool, 0), ==, 0);
    g_assert_cmpint(virStoragePoolCreate(pool, 0), ==, 0);
    virStoragePoolFree(pool);
}

static HakoVmSpec *
memtest_spec(const char *name)
{
    HakoVmSpec *spec = hako_vm_spec_new();

    spec->name = g_strdup(name);
    spec->virt_type = HAKO_VIRT_QEMU;
    spec->media_path = g_strdup(MEMTEST_ISO);
    spec->memory_mib = 128;
    spec->vcpus = 1;
    spec->pool = g_strdup(POOL);
    spec->volume_name = g_strdup_printf("%s.qcow2", name);
    spec->disk_capacity = 64 * MiB;
    spec->network = HAKO_VM_NETWORK_NONE;
    g_free(spec->graphics);
    spec->graphics = g_strdup("vnc");
    return spec;
}

static virStorageVolPtr
lookup_volume(const char *name)
{
    virStoragePoolPtr pool = virStoragePoolLookupByName(conn, POOL);
    virStorageVolPtr vol;

    g_assert_nonnull(pool);
    g_assert_cmpint(virStoragePoolRefresh(pool, 0), ==, 0);
    vol = virStorageVolLookupByName(pool, name);
    virStoragePoolFree(pool);
    virResetLastError();
    return vol;
}

static gboolean
volume_exists(const char *name)
{
    virStorageVolPtr vol = lookup_volume(name);

    if (vol == NULL)
        return FALSE;
    virStorageVolFree(vol);
    return TRUE;
}

/* How many volumes of the pool hold downloaded kernels or initrds. */
static guint
boot_volumes(void)
{
    virStoragePoolPtr pool = virStoragePoolLookupByName(conn, POOL);
    virStorageVolPtr *vols = NULL;
    guint found = 0;
    int n;

    g_assert_nonnull(pool);
    g_assert_cmpint(virStoragePoolRefresh(pool, 0), ==, 0);
    n = virStoragePoolListAllVolumes(pool, &vols, 0);
    g_assert_cmpint(n, >=, 0);
    for (int i = 0; i < n; i++) {
        const char *name = virStorageVolGetName(vols[i]);

        if (g_str_has_prefix(name, "hako-") &&
            (strstr(name, "-kernel-") != NULL || strstr(name, "-initrd-") != NULL))
            found++;
        virStorageVolFree(vols[i]);
    }
    free(vols);
    virStoragePoolFree(pool);
    return found;
}

static gboolean
domain_exists(const char *name)
{
    virDomainPtr dom = virDomainLookupByName(conn, name);

    virResetLastError();
    if (dom == NULL)
        return FALSE;
    virDomainFree(dom);
    return TRUE;
}

static char *
domain_xml(virDomainPtr dom, unsigned int flags)
{
    char *raw = virDomainGetXMLDesc(dom, flags);
    char *xml = g_strdup(raw);

    free(raw);
    g_assert_nonnull(xml);
    return xml;
}

/* The <boot dev=''> values in order, joined by commas. */
static char *
boot_order(const char *xml)
{
    GString *order = g_string_new(NULL);

    for (const char *p = strstr(xml, "<boot dev='"); p != NULL; p = strstr(p + 1, "<boot dev='")) {
        const char *start = p + strlen("<boot dev='");
        const char *end = strchr(start, '\'');

        g_string_append_printf(order, "%s%.*s", order->len > 0 ? "," : "", (int)(end - start),
                               start);
    }
    return g_string_free(order, FALSE);
}

static void
remove_guest(const char *name)
{
    virDomainPtr dom = virDomainLookupByName(conn, name);

    if (dom != NULL) {
        if (virDomainIsActive(dom) == 1)
            g_assert_cmpint(virDomainDestroy(dom), ==, 0);
        g_assert_cmpint(virDomainUndefineFlags(dom, VIR_DOMAIN_UNDEFINE_NVRAM), ==, 0);
        virDomainFree(dom);
    }
    virResetLastError();
}

static void
remove_volume(const char *name)
{
    virStorageVolPtr vol = lookup_volume(name);

    if (vol != NULL) {
        g_assert_cmpint(virStorageVolDelete(vol, 0), ==, 0);
        virStorageVolFree(vol);
    }
}

/* The VNC port of the running @dom, from its live XML. */
static int
vnc_port(virDomainPtr dom)
{
    g_autofree char *xml = domain_xml(dom, 0);
    const char *graphics = strstr(xml, "<graphics type='vnc' port='");

    g_assert_nonnull(graphics);
    return atoi(graphics + strlen("<graphics type='vnc' port='"));
}

static void
assert_rfb_greeting(int port)
{
    g_autoptr(GSocketClient) client = g_socket_client_new();
    g_autoptr(GSocketConnection) connection = NULL;
    g_autoptr(GError) error = NULL;
    char greeting[13] = {0};
    gsize got = 0;

    connection = g_socket_client_connect_to_host(client, "127.0.0.1", (guint16)port, NULL, &error);
    g_assert_no_error(error);
    g_assert_true(g_input_stream_read_all(g_io_stream_get_input_stream(G_IO_STREAM(connection)),
                                          greeting, 12, &got, NULL, &error));
    g_assert_no_error(error);
    g_assert_cmpuint(got, ==, 12);
    g_assert_true(g_str_has_prefix(greeting, "RFB 003."));
}

/* A screenshot of the guest's display (QEMU sends PNG or PPM); how many colours it has. */
static guint
screenshot_colours(virDomainPtr dom)
{
    virStreamPtr stream = virStreamNew(conn, 0);
    char *mime = virDomainScreenshot(dom, stream, 0, 0);
    g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new();
    g_autoptr(GHashTable) colours = g_hash_table_new(NULL, NULL);
    g_autoptr(GError) error = NULL;
    GdkPixbuf *pixbuf;
    char buffer[65536];
    const guint8 *pixels;
    int channels;
    int stride;
    int n;

    g_assert_nonnull(mime);
    g_assert_true(g_str_equal(mime, "image/png") || g_str_equal(mime, "image/x-portable-pixmap"));
    free(mime);
    while ((n = virStreamRecv(stream, buffer, sizeof buffer)) > 0) {
        gdk_pixbuf_loader_write(loader, (const guchar *)buffer, (gsize)n, &error);
        g_assert_no_error(error);
    }
    g_assert_cmpint(n, ==, 0);
    g_assert_cmpint(virStreamFinish(stream), ==, 0);
    virStreamFree(stream);
    gdk_pixbuf_loader_close(loader, &error);
    g_assert_no_error(error);
    pixbuf = gdk_pixbuf_loader_get_pixbuf(loader);
    g_assert_nonnull(pixbuf);
    pixels = gdk_pixbuf_read_pixels(pixbuf);
    channels = gdk_pixbuf_get_n_channels(pixbuf);
    stride = gdk_pixbuf_get_rowstride(pixbuf);
    for (int y = 0; y < gdk_pixbuf_get_height(pixbuf); y++) {
        for (int x = 0; x < gdk_pixbuf_get_width(pixbuf); x++) {
            const guint8 *p = pixels + y * stride + x * channels;

            g_hash_table_add(colours, GUINT_TO_POINTER(p[0] << 16 | p[1] << 8 | p[2]));
        }
    }
    return g_hash_table_size(colours);
}

typedef struct {
    virDomainPtr dom;
    guint colours;
} ScreenWait;

static gboolean
screen_drawn(gpointer data)
{
    ScreenWait *w = data;

    w->colours = screenshot_colours(w->dom);
    if (w->colours < 3)
        hako_test_spin(500);
    return w->colours >= 3;
}

/* The guest runs, greets VNC clients, and draws on its display: memtest86+'s screen has more
 * colours than the firmware's grey on black. */
static void
assert_guest_shows(virDomainPtr dom)
{
    ScreenWait w = {dom, 0};

    g_assert_cmpint(virDomainIsActive(dom), ==, 1);
    assert_rfb_greeting(vnc_port(dom));
    g_assert_true(hako_test_wait_until(screen_drawn, &w, 60000));
    g_test_message("the guest's screen shows %u colours", w.colours);
}

static guint
boot_dir_entries(void)
{
    g_autoptr(GDir) dir = g_dir_open(boot_dir, 0, NULL);
    guint n = 0;

    while (dir != NULL && g_dir_read_name(dir) != NULL)
        n++;
    return n;
}

/* ---------------------------------------------------------------------- */
/* Tests */

/* The QEMU driver accepts the golden XML of KVM and QEMU guests (Xen's is for Xen). */
static void
test_golden_define(void)
{
    g_autofree char *dir_path = g_test_build_filename(G_TEST_DIST, "data", "installer", NULL);
    g_autoptr(GDir) dir = g_dir_open(dir_path, 0, NULL);
    const char *file;
    guint n = 0;

    g_assert_nonnull(dir);
    while ((file = g_dir_read_name(dir)) != NULL) {
        g_autofree char *path = g_build_filename(dir_path, file, NULL);
        g_autofree char *xml = NULL;
        virDomainPtr dom;

        if (!g_str_has_suffix(file, ".xml") || g_str_has_prefix(file, "xen-"))
            continue;
        g_assert_true(g_file_get_contents(path, &xml, NULL, NULL));
        dom = virDomainDefineXML(conn, xml);
        if (dom == NULL)
            g_error("%s: %s", file, virGetLastErrorMessage());
        g_assert_cmpint(virDomainUndefineFlags(dom, VIR_DOMAIN_UNDEFINE_NVRAM), ==, 0);
        virDomainFree(dom);
        n++;
    }
    g_assert_cmpuint(n, >=, 12);
}

static void
test_memtest_media(void)
{
    static const HakoInstallStep expected[] = {HAKO_INSTALL_STEP_PREPARE, HAKO_INSTALL_STEP_VOLUME,
                                               HAKO_INSTALL_STEP_DEFINE, HAKO_INSTALL_STEP_START,
                                               HAKO_INSTALL_STEP_DONE};
    g_autoptr(HakoVmSpec) spec = memtest_spec("hako-memtest");
    g_autofree char *live = NULL;
    g_autofree char *persistent = NULL;
    g_autofree char *live_order = NULL;
    g_autofree char *persistent_order = NULL;
    g_autofree char *volume_path = NULL;
    virStorageVolPtr vol;
    virDomainPtr dom;
    Run run = {0};

    run_install(&run, spec);
    g_assert_no_error(run.error);
    g_assert_nonnull(run.uuid);
    g_assert_cmpuint(run.steps->len, ==, G_N_ELEMENTS(expected));
    for (guint i = 0; i < G_N_ELEMENTS(expected); i++)
        g_assert_cmpint(g_array_index(run.steps, HakoInstallStep, i), ==, expected[i]);

    vol = lookup_volume("hako-memtest.qcow2");
    g_assert_nonnull(vol);
    volume_path = g_strdup(virStorageVolGetPath(vol));
    virStorageVolFree(vol);

    dom = virDomainLookupByUUIDString(conn, run.uuid);
    g_assert_nonnull(dom);
    g_assert_cmpstr(virDomainGetName(dom), ==, "hako-memtest");
    live = domain_xml(dom, 0);
    persistent = domain_xml(dom, VIR_DOMAIN_XML_INACTIVE);
    live_order = boot_order(live);
    persistent_order = boot_order(persistent);
    g_assert_cmpstr(live_order, ==, "cdrom,hd");
    g_assert_cmpstr(persistent_order, ==, "hd,cdrom");
    g_assert_nonnull(strstr(persistent, MEMTEST_ISO));
    g_assert_nonnull(strstr(persistent, volume_path));
    g_assert_nonnull(strstr(persistent, "<type arch='x86_64' machine='pc-i440fx"));
    assert_guest_shows(dom);

    g_assert_cmpint(virDomainDestroy(dom), ==, 0);
    virDomainFree(dom);
    remove_guest("hako-memtest");
    remove_volume("hako-memtest.qcow2");
    run_clear(&run);
}

/* memtest86+'s kernel image, served as an install tree's kernel: QEMU boots it directly. */
static void
test_memtest_url(void)
{
    static const HakoInstallStep expected[] = {HAKO_INSTALL_STEP_PREPARE, HAKO_INSTALL_STEP_FETCH,
                                               HAKO_INSTALL_STEP_VOLUME,  HAKO_INSTALL_STEP_DEFINE,
                                               HAKO_INSTALL_STEP_START,   HAKO_INSTALL_STEP_DONE};
    g_autoptr(HakoTestHttp) http = hako_test_http_new();
    g_autoptr(HakoVmSpec) spec = memtest_spec("hako-memtest-url");
    g_autoptr(GMappedFile) kernel = NULL;
    g_autoptr(GBytes) kernel_bytes = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *live = NULL;
    g_autofree char *persistent = NULL;
    g_autofree char *persistent_order = NULL;
    virDomainPtr dom;
    Run run = {0};

    kernel = g_mapped_file_new(MEMTEST_KERNEL, FALSE, &error);
    g_assert_no_error(error);
    kernel_bytes = g_mapped_file_get_bytes(kernel);
    hako_test_http_route_text(http, "/tree/.treeinfo",
                              "[general]\narch = x86_64\n\n[images-x86_64]\n"
                              "kernel = images/pxeboot/vmlinuz\n");
    hako_test_http_route(http, "/tree/images/pxeboot/vmlinuz", 200, NULL, kernel_bytes, FALSE);
    spec->method = HAKO_INSTALL_URL;
    spec->install_url = hako_test_http_url(http, "/tree");

    run_install(&run, spec);
    g_assert_no_error(run.error);
    g_assert_cmpuint(run.steps->len, ==, G_N_ELEMENTS(expected));
    for (guint i = 0; i < G_N_ELEMENTS(expected); i++)
        g_assert_cmpint(g_array_index(run.steps, HakoInstallStep, i), ==, expected[i]);
    /* QEMU read it at start: the download is gone, the guest runs on */
    g_assert_cmpuint(boot_dir_entries(), ==, 0);
    g_assert_cmpuint(boot_volumes(), ==, 0);

    dom = virDomainLookupByUUIDString(conn, run.uuid);
    g_assert_nonnull(dom);
    live = domain_xml(dom, 0);
    persistent = domain_xml(dom, VIR_DOMAIN_XML_INACTIVE);
    g_assert_nonnull(strstr(live, "<kernel>"));
    /* a remote host got it as a volume of the new disk's pool, a local one in the boot dir */
    if (remote) {
        g_autofree char *expected =
            g_strdup_printf("/pools/%s/hako-hako-memtest-url-kernel-", POOL);

        g_assert_nonnull(strstr(live, expected));
    } else {
        g_assert_nonnull(strstr(live, boot_dir));
    }
    g_assert_nonnull(strstr(live, "<on_reboot>destroy</on_reboot>"));
    g_assert_null(strstr(persistent, "<kernel>"));
    persistent_order = boot_order(persistent);
    g_assert_cmpstr(persistent_order, ==, "hd");
    assert_guest_shows(dom);

    g_assert_cmpint(virDomainDestroy(dom), ==, 0);
    virDomainFree(dom);
    remove_guest("hako-memtest-url");
    remove_volume("hako-memtest-url.qcow2");
    run_clear(&run);
}

/* The initrd is missing from the tree: the kernel downloaded before it is deleted again. */
static void
test_url_missing_initrd(void)
{
    g_autoptr(HakoTestHttp) http = hako_test_http_new();
    g_autoptr(HakoVmSpec) spec = memtest_spec("hako-noinitrd");
    g_autoptr(GBytes) kernel = g_bytes_new_static("not a kernel", 12);
    Run run = {0};

    hako_test_http_route_text(http, "/tree/.treeinfo",
                              "[general]\narch = x86_64\n\n[images-x86_64]\n"
                              "kernel = vmlinuz\ninitrd = initrd.img\n");
    hako_test_http_route(http, "/tree/vmlinuz", 200, NULL, kernel, FALSE);
    spec->method = HAKO_INSTALL_URL;
    spec->install_url = hako_test_http_url(http, "/tree/");
    run_install(&run, spec);
    g_assert_error(run.error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_FAILED);
    g_assert_true(g_str_has_prefix(run.error->message,
                                   "Downloading the installer’s kernel from “http://127.0.0.1:"));
    g_assert_nonnull(strstr(run.error->message, "404 Not Found"));
    g_assert_cmpint(last_step(&run), ==, HAKO_INSTALL_STEP_FETCH);
    g_assert_cmpuint(boot_dir_entries(), ==, 0);
    g_assert_cmpuint(boot_volumes(), ==, 0);
    g_assert_false(volume_exists("hako-noinitrd.qcow2"));
    g_assert_false(domain_exists("hako-noinitrd"));
    run_clear(&run);
}

/* A volume of that name exists: the volume step fails, that volume stays, no guest. */
static void
test_volume_exists(void)
{
    g_autoptr(HakoVmSpec) spec = memtest_spec("hako-taken");
    virStoragePoolPtr pool = virStoragePoolLookupByName(conn, POOL);
    virStorageVolPtr vol =
        virStorageVolCreateXML(pool,
                               "<volume><name>hako-taken.qcow2</name><capacity>1048576</capacity>"
                               "<target><format type='qcow2'/></target></volume>",
                               0);
    Run run = {0};

    g_assert_nonnull(vol);
    virStorageVolFree(vol);
    virStoragePoolFree(pool);
    run_install(&run, spec);
    g_assert_error(run.error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_FAILED);
    g_assert_true(
        g_str_has_prefix(run.error->message, "Creating the disk “hako-taken.qcow2” failed: "));
    g_assert_nonnull(strstr(run.error->message, "exists"));
    g_assert_cmpint(last_step(&run), ==, HAKO_INSTALL_STEP_VOLUME);
    g_assert_true(volume_exists("hako-taken.qcow2"));
    g_assert_false(domain_exists("hako-taken"));
    remove_volume("hako-taken.qcow2");
    run_clear(&run);
}

/* libvirt refuses the definition (no such emulator): the new volume is deleted again. */
static void
test_define_fails(void)
{
    g_autoptr(HakoVmSpec) spec = memtest_spec("hako-nodefine");
    Run run = {0};

    spec->emulator = g_strdup("/nonexistent/qemu-system-x86_64");
    run_install(&run, spec);
    g_assert_error(run.error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_FAILED);
    g_assert_true(g_str_has_prefix(run.error->message,
                                   "Defining the virtual machine “hako-nodefine” failed: "));
    g_assert_nonnull(strstr(run.error->message, "/nonexistent/qemu-system-x86_64"));
    g_assert_cmpint(last_step(&run), ==, HAKO_INSTALL_STEP_DEFINE);
    g_assert_false(volume_exists("hako-nodefine.qcow2"));
    g_assert_false(domain_exists("hako-nodefine"));
    run_clear(&run);
}

/* The start fails (the ISO is missing): the guest, its UEFI variables and its volume go. */
static void
test_start_fails(void)
{
    g_autoptr(HakoVmSpec) spec = memtest_spec("hako-nostart");
    g_autofree char *nvram = g_build_filename(g_getenv("HAKO_TEST_DIR"), "lib", "qemu", "nvram",
                                              "hako-nostart_VARS.fd", NULL);
    Run run = {0};

    g_free(spec->media_path);
    spec->media_path = g_strdup("/nonexistent/install.iso");
    spec->firmware = HAKO_FIRMWARE_UEFI;
    run_install(&run, spec);
    g_assert_error(run.error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_FAILED);
    g_assert_true(g_str_has_prefix(run.error->message,
                                   "Starting the virtual machine “hako-nostart” failed: "));
    g_assert_nonnull(strstr(run.error->message, "/nonexistent/install.iso"));
    g_assert_cmpint(last_step(&run), ==, HAKO_INSTALL_STEP_START);
    g_assert_false(domain_exists("hako-nostart"));
    g_assert_false(volume_exists("hako-nostart.qcow2"));
    g_assert_false(g_file_test(nvram, G_FILE_TEST_EXISTS));
    run_clear(&run);
}

static gboolean
is_gone(gpointer data)
{
    return *(gpointer *)data == NULL;
}

int
main(int argc, char *argv[])
{
    HakoInstaller *weak;
    int status;

    g_test_init(&argc, &argv, NULL);
    hako_engine_init();
    main_thread = g_thread_self();

    uri = g_getenv("HAKO_TEST_URI");
    g_assert_nonnull(uri);
    g_assert_nonnull(g_getenv("HAKO_TEST_DIR"));
    conn = virConnectOpen(uri);
    g_assert_nonnull(conn);
    make_pool();
    manager = hako_connection_manager_new(NULL);
    if (g_getenv("HAKO_TEST_SSH_PORT") != NULL) {
        g_autofree char *ssh_uri = g_strdup_printf(
            "qemu+ssh://root@127.0.0.1:%s/system?keyfile=%s&known_hosts=%s&socket=%s",
            g_getenv("HAKO_TEST_SSH_PORT"), g_getenv("HAKO_TEST_SSH_KEY"),
            g_getenv("HAKO_TEST_SSH_KNOWN_HOSTS"), strstr(uri, "socket=") + strlen("socket="));

        remote = TRUE;
        host = hako_connection_manager_add(manager, ssh_uri, HAKO_CONNECT_NONE);
    } else {
        host = hako_connection_manager_add(manager, uri, HAKO_CONNECT_NONE);
    }
    hako_connection_manager_connect(manager, host);
    g_assert_true(hako_test_wait_until(hako_test_host_connected, host, 60000));
    installer = hako_installer_new(manager);
    /* the private daemon's /var/lib/libvirt is not the machine's: use a directory of the test */
    boot_dir = g_build_filename(g_getenv("HAKO_TEST_DIR"), "boot", NULL);
    hako_installer_set_boot_dir(installer, boot_dir);

    g_test_add_func("/engine/installer/real/golden-define", test_golden_define);
    g_test_add_func("/engine/installer/real/memtest-media", test_memtest_media);
    g_test_add_func("/engine/installer/real/memtest-url", test_memtest_url);
    g_test_add_func("/engine/installer/real/url-missing-initrd", test_url_missing_initrd);
    g_test_add_func("/engine/installer/real/volume-exists", test_volume_exists);
    g_test_add_func("/engine/installer/real/define-fails", test_define_fails);
    g_test_add_func("/engine/installer/real/start-fails", test_start_fails);
    status = g_test_run();

    weak = installer;
    g_object_add_weak_pointer(G_OBJECT(installer), (gpointer *)&weak);
    g_clear_object(&installer);
    /* the workers drop their tasks (and so the installer) just after returning */
    g_assert_true(hako_test_wait_until(is_gone, &weak, 10000));
    g_clear_object(&manager);
    {
        virStoragePoolPtr pool = virStoragePoolLookupByName(conn, POOL);

        g_assert_nonnull(pool);
        g_assert_cmpint(virStoragePoolDestroy(pool), ==, 0);
        g_assert_cmpint(virStoragePoolDelete(pool, 0), ==, 0);
        g_assert_cmpint(virStoragePoolUndefine(pool), ==, 0);
        virStoragePoolFree(pool);
    }
    virConnectClose(conn);
    g_rmdir(boot_dir);
    g_free(boot_dir);
    return status;
}
