/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoInstaller against libvirt's test driver (no daemon): every golden XML of
 * tests/data/installer is accepted by libvirt; installs from media, customized, and from an
 * install tree served over HTTP by the test itself (.treeinfo or osinfo-db's paths, a
 * redirection, a chunked answer); the steps arrive in order on the main thread before the
 * result; failures and cancellations leave nothing behind and name their step; an existing
 * volume or guest is never touched. */
#include "config.h"

#include "hako-connection-manager.h"
#include "hako-engine-error.h"
#include "hako-engine.h"
#include "hako-installer.h"
#include "hako-model-types.h"
#include "hako-test-http.h"
#include "hako-test-util.h"

#include <glib/gstdio.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <string.h>

#define MiB (G_GUINT64_CONSTANT(1) << 20)
#define POOL "default-pool"

static HakoConnectionManager *manager;
static HakoHost *host;
static HakoInstaller *installer;
static virConnectPtr conn; /* the same test:///default, seen directly */
static GThread *main_thread;
static char *boot_dir;

static HakoTestHttp *http;

static void
route(const char *path, int status, const char *location, const char *body, gboolean chunked)
{
    g_autoptr(GBytes) bytes = body != NULL ? g_bytes_new_static(body, strlen(body)) : NULL;

    hako_test_http_route(http, path, status, location, bytes, chunked);
}

static void
routes_clear(void)
{
    hako_test_http_reset(http);
}

static char *
server_url(const char *path)
{
    return hako_test_http_url(http, path);
}

/* ---------------------------------------------------------------------- */
/* Running installs */

typedef struct {
    gboolean done;
    char *uuid;
    GError *error;
    GArray *steps;
    gboolean steps_before_result;
    HakoInstallStep cancel_at; /* cancel when this step begins (DONE: never) */
    GCancellable *cancellable;
} Run;

static void
step_cb(HakoInstaller *self, HakoInstallStep step, gpointer user_data)
{
    Run *run = user_data;

    g_assert_true(g_thread_self() == main_thread);
    g_assert_false(run->done);
    g_array_append_val(run->steps, step);
    if (step == run->cancel_at && run->cancellable != NULL)
        g_cancellable_cancel(run->cancellable);
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
    hako_installer_install_async(installer, host, spec, run->cancellable, install_cb, run);
    g_assert_true(hako_test_wait_until(run_done, run, 60000));
    /* every step came before the result; nothing more comes after it */
    hako_test_spin(50);
    g_signal_handler_disconnect(installer, id);
}

static void
run_clear(Run *run)
{
    g_clear_pointer(&run->uuid, g_free);
    g_clear_error(&run->error);
    g_clear_pointer(&run->steps, g_array_unref);
    g_clear_object(&run->cancellable);
    run->done = FALSE;
}

static void
assert_steps(Run *run, const HakoInstallStep *expected, guint n)
{
    g_assert_cmpuint(run->steps->len, ==, n);
    for (guint i = 0; i < n; i++)
        g_assert_cmpint(g_array_index(run->steps, HakoInstallStep, i), ==, expected[i]);
}

static HakoVmSpec *
media_spec(const char *name)
{
    HakoVmSpec *spec = hako_vm_spec_new();

    spec->name = g_strdup(name);
    spec->virt_type = HAKO_VIRT_QEMU;
    spec->media_path = g_strdup("/isos/install.iso");
    spec->memory_mib = 256;
    spec->vcpus = 1;
    spec->pool = g_strdup(POOL);
    spec->volume_name = g_strdup_printf("%s.qcow2", name);
    spec->disk_capacity = 64 * MiB;
    spec->network = HAKO_VM_NETWORK_NONE;
    g_free(spec->graphics);
    spec->graphics = g_strdup("vnc");
    return spec;
}

static gboolean
volume_exists(const char *name)
{
    virStoragePoolPtr pool = virStoragePoolLookupByName(conn, POOL);
    virStorageVolPtr vol = virStorageVolLookupByName(pool, name);

    virStoragePoolFree(pool);
    virResetLastError();
    if (vol == NULL)
        return FALSE;
    virStorageVolFree(vol);
    return TRUE;
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
domain_xml(const char *name, unsigned int flags)
{
    virDomainPtr dom = virDomainLookupByName(conn, name);
    char *raw;
    char *xml;

    g_assert_nonnull(dom);
    raw = virDomainGetXMLDesc(dom, flags);
    virDomainFree(dom);
    xml = g_strdup(raw);
    free(raw);
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
remove_guest(const char *name, const char *volume)
{
    virDomainPtr dom = virDomainLookupByName(conn, name);

    if (dom != NULL) {
        if (virDomainIsActive(dom) == 1)
            virDomainDestroy(dom);
        virDomainUndefine(dom);
        virDomainFree(dom);
    }
    if (volume != NULL) {
        virStoragePoolPtr pool = virStoragePoolLookupByName(conn, POOL);
        virStorageVolPtr vol = virStorageVolLookupByName(pool, volume);

        if (vol != NULL) {
            virStorageVolDelete(vol, 0);
            virStorageVolFree(vol);
        }
        virStoragePoolFree(pool);
    }
    virResetLastError();
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

/* libvirt accepts every golden file (test:///default offers hvm and xen guests). */
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

        if (!g_str_has_suffix(file, ".xml"))
            continue;
        g_assert_true(g_file_get_contents(path, &xml, NULL, NULL));
        dom = virDomainDefineXML(conn, xml);
        if (dom == NULL)
            g_error("%s: %s", file, virGetLastErrorMessage());
        g_assert_cmpint(virDomainUndefine(dom), ==, 0);
        virDomainFree(dom);
        n++;
    }
    g_assert_cmpuint(n, >=, 18);
}

static void
test_media(void)
{
    static const HakoInstallStep expected[] = {HAKO_INSTALL_STEP_PREPARE, HAKO_INSTALL_STEP_VOLUME,
                                               HAKO_INSTALL_STEP_DEFINE, HAKO_INSTALL_STEP_START,
                                               HAKO_INSTALL_STEP_DONE};
    g_autoptr(HakoVmSpec) spec = media_spec("inst-media");
    g_autofree char *live = NULL;
    g_autofree char *persistent = NULL;
    g_autofree char *live_order = NULL;
    g_autofree char *persistent_order = NULL;
    Run run = {0};

    run.cancel_at = HAKO_INSTALL_STEP_DONE;
    run_install(&run, spec);
    g_assert_no_error(run.error);
    g_assert_nonnull(run.uuid);
    assert_steps(&run, expected, G_N_ELEMENTS(expected));

    g_assert_true(volume_exists("inst-media.qcow2"));
    live = domain_xml("inst-media", 0);
    persistent = domain_xml("inst-media", VIR_DOMAIN_XML_INACTIVE);
    g_assert_nonnull(strstr(live, run.uuid));
    g_assert_nonnull(strstr(persistent, run.uuid));
    live_order = boot_order(live);
    persistent_order = boot_order(persistent);
    g_assert_cmpstr(live_order, ==, "cdrom,hd");
    g_assert_cmpstr(persistent_order, ==, "hd,cdrom");
    g_assert_nonnull(strstr(live, "<on_reboot>destroy</on_reboot>"));
    g_assert_null(strstr(persistent, "<on_reboot>destroy</on_reboot>"));
    g_assert_nonnull(strstr(persistent, "/default-pool/inst-media.qcow2"));
    g_assert_nonnull(strstr(persistent, "/isos/install.iso"));
    run_clear(&run);
    remove_guest("inst-media", "inst-media.qcow2");
}

/* Customizing first: defined with the XML it keeps, not started. */
static void
test_customize(void)
{
    static const HakoInstallStep expected[] = {HAKO_INSTALL_STEP_PREPARE, HAKO_INSTALL_STEP_VOLUME,
                                               HAKO_INSTALL_STEP_DEFINE, HAKO_INSTALL_STEP_DONE};
    g_autoptr(HakoVmSpec) spec = media_spec("inst-custom");
    g_autofree char *xml = NULL;
    g_autofree char *order = NULL;
    virDomainPtr dom;
    Run run = {0};

    spec->customize = TRUE;
    run.cancel_at = HAKO_INSTALL_STEP_DONE;
    run_install(&run, spec);
    g_assert_no_error(run.error);
    assert_steps(&run, expected, G_N_ELEMENTS(expected));
    dom = virDomainLookupByName(conn, "inst-custom");
    g_assert_cmpint(virDomainIsActive(dom), ==, 0);
    virDomainFree(dom);
    xml = domain_xml("inst-custom", VIR_DOMAIN_XML_INACTIVE);
    order = boot_order(xml);
    g_assert_cmpstr(order, ==, "hd,cdrom");
    run_clear(&run);
    remove_guest("inst-custom", "inst-custom.qcow2");
}

/* An import defines and starts the one XML; nothing is created. */
static void
test_import(void)
{
    static const HakoInstallStep expected[] = {HAKO_INSTALL_STEP_PREPARE, HAKO_INSTALL_STEP_DEFINE,
                                               HAKO_INSTALL_STEP_START, HAKO_INSTALL_STEP_DONE};
    g_autoptr(HakoVmSpec) spec = media_spec("inst-import");
    g_autofree char *xml = NULL;
    Run run = {0};

    spec->method = HAKO_INSTALL_IMPORT;
    spec->storage = HAKO_VM_STORAGE_EXISTING;
    spec->disk_path = g_strdup("/images/old.img");
    spec->disk_format = HAKO_VOLUME_FORMAT_RAW;
    run.cancel_at = HAKO_INSTALL_STEP_DONE;
    run_install(&run, spec);
    g_assert_no_error(run.error);
    assert_steps(&run, expected, G_N_ELEMENTS(expected));
    xml = domain_xml("inst-import", VIR_DOMAIN_XML_INACTIVE);
    g_assert_nonnull(strstr(xml, "/images/old.img"));
    g_assert_nonnull(strstr(xml, "type='raw'"));
    run_clear(&run);
    remove_guest("inst-import", NULL);
}

/* A volume of that name exists: the volume step fails and the volume stays. */
static void
test_volume_exists(void)
{
    g_autoptr(HakoVmSpec) spec = media_spec("inst-taken");
    virStoragePoolPtr pool = virStoragePoolLookupByName(conn, POOL);
    virStorageVolPtr vol =
        virStorageVolCreateXML(pool,
                               "<volume><name>taken.qcow2</name><capacity>1048576</capacity>"
                               "<target><format type='qcow2'/></target></volume>",
                               0);
    Run run = {0};

    g_assert_nonnull(vol);
    g_free(spec->volume_name);
    spec->volume_name = g_strdup("taken.qcow2");
    run.cancel_at = HAKO_INSTALL_STEP_DONE;
    run_install(&run, spec);
    g_assert_error(run.error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_FAILED);
    g_assert_true(g_str_has_prefix(run.error->message, "Creating the disk “taken.qcow2” failed: "));
    g_assert_cmpint(g_array_index(run.steps, HakoInstallStep, run.steps->len - 1), ==,
                    HAKO_INSTALL_STEP_VOLUME);
    g_assert_true(volume_exists("taken.qcow2"));
    g_assert_false(domain_exists("inst-taken"));
    run_clear(&run);
    virStorageVolDelete(vol, 0);
    virStorageVolFree(vol);
    virStoragePoolFree(pool);
}

/* A guest of that name exists: refused before anything is made, and it is left alone. */
static void
test_name_exists(void)
{
    g_autoptr(HakoVmSpec) spec = media_spec("test");
    Run run = {0};

    run.cancel_at = HAKO_INSTALL_STEP_DONE;
    run_install(&run, spec);
    g_assert_error(run.error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_FAILED);
    g_assert_cmpstr(run.error->message, ==,
                    "A virtual machine named “test” already exists on this host: choose another "
                    "name.");
    g_assert_cmpuint(run.steps->len, ==, 1);
    g_assert_false(volume_exists("test.qcow2"));
    g_assert_true(domain_exists("test"));
    run_clear(&run);
}

/* The pool is missing: the volume step fails with libvirt's reason. */
static void
test_pool_missing(void)
{
    g_autoptr(HakoVmSpec) spec = media_spec("inst-nopool");
    Run run = {0};

    g_free(spec->pool);
    spec->pool = g_strdup("no-such-pool");
    run.cancel_at = HAKO_INSTALL_STEP_DONE;
    run_install(&run, spec);
    g_assert_error(run.error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_FAILED);
    g_assert_true(g_str_has_prefix(run.error->message, "Creating the disk “inst-nopool.qcow2” "
                                                       "failed: "));
    g_assert_nonnull(strstr(run.error->message, "no-such-pool"));
    g_assert_false(domain_exists("inst-nopool"));
    run_clear(&run);
}

/* Cancelled when the guest is about to be defined: the volume made is deleted again. */
static void
test_cancel_after_volume(void)
{
    g_autoptr(HakoVmSpec) spec = media_spec("inst-cancel");
    Run run = {0};

    run.cancellable = g_cancellable_new();
    run.cancel_at = HAKO_INSTALL_STEP_VOLUME;
    run_install(&run, spec);
    /* the worker may be past the check that follows the volume, not past the start */
    if (run.error != NULL) {
        g_assert_error(run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
        g_assert_false(volume_exists("inst-cancel.qcow2"));
        g_assert_false(domain_exists("inst-cancel"));
    } else {
        g_assert_true(domain_exists("inst-cancel"));
    }
    run_clear(&run);
    remove_guest("inst-cancel", "inst-cancel.qcow2");

    /* cancelled before it began: nothing at all */
    run.cancellable = g_cancellable_new();
    run.cancel_at = HAKO_INSTALL_STEP_DONE;
    g_cancellable_cancel(run.cancellable);
    run_install(&run, spec);
    g_assert_error(run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_false(volume_exists("inst-cancel.qcow2"));
    g_assert_false(domain_exists("inst-cancel"));
    run_clear(&run);
}

static void
test_invalid_spec(void)
{
    g_autoptr(HakoVmSpec) spec = media_spec("inst-invalid");
    Run run = {0};

    spec->vcpus = 0;
    run.cancel_at = HAKO_INSTALL_STEP_DONE;
    run_install(&run, spec);
    g_assert_error(run.error, HAKO_MODEL_ERROR, HAKO_MODEL_ERROR_INVALID_SPEC);
    g_assert_cmpuint(run.steps->len, ==, 0);
    run_clear(&run);
}

static const char kernel_body[] = "a kernel, not really";
static const char initrd_body[] = "an initrd, not really";

static HakoVmSpec *
url_spec(const char *name, const char *tree_path)
{
    HakoVmSpec *spec = media_spec(name);
    g_autofree char *url = server_url(tree_path);

    spec->method = HAKO_INSTALL_URL;
    spec->install_url = g_strdup(url);
    spec->kernel_args = g_strdup("console=ttyS0");
    return spec;
}

/* A tree with a .treeinfo; the kernel behind a redirection, the initrd sent in chunks. */
static void
test_url_treeinfo(void)
{
    static const HakoInstallStep expected[] = {HAKO_INSTALL_STEP_PREPARE, HAKO_INSTALL_STEP_FETCH,
                                               HAKO_INSTALL_STEP_VOLUME,  HAKO_INSTALL_STEP_DEFINE,
                                               HAKO_INSTALL_STEP_START,   HAKO_INSTALL_STEP_DONE};
    g_autoptr(HakoVmSpec) spec = url_spec("inst-url", "/tree");
    g_autofree char *live = NULL;
    g_autofree char *persistent = NULL;
    g_autofree char *order = NULL;
    g_autofree char *expected_args = NULL;
    Run run = {0};

    route("/tree/.treeinfo", 200, NULL,
          "[general]\nfamily = Fedora\nversion = 37\narch = x86_64\nplatforms = x86_64\n\n"
          "[images-x86_64]\nkernel = images/pxeboot/vmlinuz\ninitrd = images/pxeboot/initrd.img\n",
          FALSE);
    route("/tree/images/pxeboot/vmlinuz", 302, "/elsewhere/vmlinuz", NULL, FALSE);
    route("/elsewhere/vmlinuz", 200, NULL, kernel_body, FALSE);
    route("/tree/images/pxeboot/initrd.img", 200, NULL, initrd_body, TRUE);
    spec->os_id = g_strdup("http://fedoraproject.org/fedora/37");
    run.cancel_at = HAKO_INSTALL_STEP_DONE;
    run_install(&run, spec);
    g_assert_no_error(run.error);
    assert_steps(&run, expected, G_N_ELEMENTS(expected));

    live = domain_xml("inst-url", 0);
    persistent = domain_xml("inst-url", VIR_DOMAIN_XML_INACTIVE);
    g_assert_nonnull(strstr(live, "<kernel>"));
    g_assert_nonnull(strstr(live, boot_dir));
    g_assert_nonnull(strstr(live, "hako-inst-url-kernel."));
    g_assert_nonnull(strstr(live, "hako-inst-url-initrd."));
    /* Fedora's installer is told where the tree is */
    expected_args =
        g_strdup_printf("<cmdline>inst.repo=%s console=ttyS0</cmdline>", spec->install_url);
    g_assert_nonnull(strstr(live, expected_args));
    g_assert_null(strstr(persistent, "<kernel>"));
    g_assert_null(strstr(persistent, "<cmdline>"));
    order = boot_order(persistent);
    g_assert_cmpstr(order, ==, "hd");
    /* the guest has read them: the downloads are gone */
    g_assert_cmpuint(boot_dir_entries(), ==, 0);
    run_clear(&run);
    routes_clear();
    remove_guest("inst-url", "inst-url.qcow2");
}

/* No .treeinfo: osinfo-db knows where Debian's netboot kernel is. */
static void
test_url_osinfo_paths(void)
{
    g_autoptr(HakoVmSpec) spec = url_spec("inst-debian", "/debian/");
    Run run = {0};
    g_autofree char *live = NULL;

    route("/debian/current/images/netboot/debian-installer/amd64/linux", 200, NULL, kernel_body,
          FALSE);
    route("/debian/current/images/netboot/debian-installer/amd64/initrd.gz", 200, NULL, initrd_body,
          FALSE);
    spec->os_id = g_strdup("http://debian.org/debian/11");
    run.cancel_at = HAKO_INSTALL_STEP_DONE;
    run_install(&run, spec);
    g_assert_no_error(run.error);
    live = domain_xml("inst-debian", 0);
    g_assert_nonnull(strstr(live, "hako-inst-debian-kernel."));
    g_assert_nonnull(strstr(live, "<cmdline>console=ttyS0</cmdline>"));
    g_assert_cmpuint(boot_dir_entries(), ==, 0);
    run_clear(&run);
    routes_clear();
    remove_guest("inst-debian", "inst-debian.qcow2");

    /* without an operating system, a tree without .treeinfo cannot be used */
    g_clear_pointer(&spec->os_id, g_free);
    run.cancel_at = HAKO_INSTALL_STEP_DONE;
    run_install(&run, spec);
    g_assert_error(run.error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_FAILED);
    g_assert_true(g_str_has_prefix(run.error->message,
                                   "Downloading the installer’s kernel from “http://127.0.0.1:"));
    g_assert_nonnull(strstr(run.error->message, "the install tree has no .treeinfo"));
    g_assert_false(domain_exists("inst-debian"));
    run_clear(&run);
}

/* The initrd is missing: the kernel already downloaded is deleted, nothing else was made. */
static void
test_url_missing_file(void)
{
    g_autoptr(HakoVmSpec) spec = url_spec("inst-404", "/t404");
    Run run = {0};

    route("/t404/.treeinfo", 200, NULL,
          "[general]\narch = x86_64\n\n[images-x86_64]\nkernel = k\ninitrd = i\n", FALSE);
    route("/t404/k", 200, NULL, kernel_body, FALSE);
    run.cancel_at = HAKO_INSTALL_STEP_DONE;
    run_install(&run, spec);
    g_assert_error(run.error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_FAILED);
    g_assert_nonnull(strstr(run.error->message, "failed: the server answered “404 Not Found”"));
    g_assert_cmpint(g_array_index(run.steps, HakoInstallStep, run.steps->len - 1), ==,
                    HAKO_INSTALL_STEP_FETCH);
    g_assert_cmpuint(boot_dir_entries(), ==, 0);
    g_assert_false(volume_exists("inst-404.qcow2"));
    g_assert_false(domain_exists("inst-404"));
    run_clear(&run);
    routes_clear();
}

/* Only HTTP and HTTPS are downloaded. */
static void
test_url_ftp(void)
{
    g_autoptr(HakoVmSpec) spec = media_spec("inst-ftp");
    Run run = {0};

    spec->method = HAKO_INSTALL_URL;
    spec->install_url = g_strdup("ftp://127.0.0.1/tree/");
    run.cancel_at = HAKO_INSTALL_STEP_DONE;
    run_install(&run, spec);
    g_assert_error(run.error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_FAILED);
    g_assert_nonnull(strstr(run.error->message, "over HTTP and HTTPS only, not “ftp”"));
    run_clear(&run);
}

static gboolean
server_hangs(gpointer data)
{
    return hako_test_http_get_hanging(http) > 0;
}

/* Cancelled while the kernel downloads: the download stops, its file is deleted. */
static void
test_url_cancelled(void)
{
    g_autoptr(HakoVmSpec) spec = url_spec("inst-slow", "/slow");
    Run run = {0};
    gulong id;

    route("/slow/.treeinfo", 200, NULL,
          "[general]\narch = x86_64\n\n[images-x86_64]\nkernel = k\ninitrd = i\n", FALSE);
    route("/slow/k", 0, NULL, NULL, FALSE);
    run.steps = g_array_new(FALSE, FALSE, sizeof(HakoInstallStep));
    run.cancellable = g_cancellable_new();
    run.cancel_at = HAKO_INSTALL_STEP_DONE;
    id = g_signal_connect(installer, "step-changed", G_CALLBACK(step_cb), &run);
    hako_installer_install_async(installer, host, spec, run.cancellable, install_cb, &run);
    g_assert_true(hako_test_wait_until(server_hangs, NULL, 30000));
    g_assert_cmpuint(boot_dir_entries(), ==, 1);
    g_cancellable_cancel(run.cancellable);
    g_assert_true(hako_test_wait_until(run_done, &run, 30000));
    g_signal_handler_disconnect(installer, id);
    g_assert_error(run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_cmpuint(boot_dir_entries(), ==, 0);
    g_assert_false(volume_exists("inst-slow.qcow2"));
    g_assert_false(domain_exists("inst-slow"));
    run_clear(&run);
    routes_clear();
}

static void
test_not_connected(void)
{
    g_autoptr(HakoConnectionManager) other = hako_connection_manager_new(NULL);
    g_autoptr(HakoInstaller) idle_installer = hako_installer_new(other);
    HakoHost *idle = hako_connection_manager_add(other, "test:///default", HAKO_CONNECT_NONE);
    g_autoptr(HakoVmSpec) spec = media_spec("inst-idle");
    Run run = {0};

    hako_installer_install_async(idle_installer, idle, spec, NULL, install_cb, &run);
    g_assert_true(hako_test_wait_until(run_done, &run, 5000));
    g_assert_error(run.error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_NOT_CONNECTED);
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
    g_autoptr(GError) error = NULL;
    HakoInstaller *weak;
    int status;

    g_test_init(&argc, &argv, NULL);
    hako_engine_init();
    main_thread = g_thread_self();

    conn = virConnectOpen("test:///default");
    g_assert_nonnull(conn);
    manager = hako_connection_manager_new(NULL);
    host = hako_connection_manager_add(manager, "test:///default", HAKO_CONNECT_NONE);
    hako_connection_manager_connect(manager, host);
    g_assert_true(hako_test_wait_until(hako_test_host_connected, host, 10000));
    installer = hako_installer_new(manager);
    g_assert_cmpstr(hako_installer_get_boot_dir(installer), ==, "/var/lib/libvirt/boot");
    boot_dir = g_dir_make_tmp("hako-boot-XXXXXX", &error);
    g_assert_no_error(error);
    hako_installer_set_boot_dir(installer, boot_dir);
    http = hako_test_http_new();

    g_test_add_func("/engine/installer/testdriver/golden-define", test_golden_define);
    g_test_add_func("/engine/installer/testdriver/media", test_media);
    g_test_add_func("/engine/installer/testdriver/customize", test_customize);
    g_test_add_func("/engine/installer/testdriver/import", test_import);
    g_test_add_func("/engine/installer/testdriver/volume-exists", test_volume_exists);
    g_test_add_func("/engine/installer/testdriver/name-exists", test_name_exists);
    g_test_add_func("/engine/installer/testdriver/pool-missing", test_pool_missing);
    g_test_add_func("/engine/installer/testdriver/cancel", test_cancel_after_volume);
    g_test_add_func("/engine/installer/testdriver/invalid-spec", test_invalid_spec);
    g_test_add_func("/engine/installer/testdriver/url-treeinfo", test_url_treeinfo);
    g_test_add_func("/engine/installer/testdriver/url-osinfo-paths", test_url_osinfo_paths);
    g_test_add_func("/engine/installer/testdriver/url-missing-file", test_url_missing_file);
    g_test_add_func("/engine/installer/testdriver/url-ftp", test_url_ftp);
    g_test_add_func("/engine/installer/testdriver/url-cancelled", test_url_cancelled);
    g_test_add_func("/engine/installer/testdriver/not-connected", test_not_connected);
    status = g_test_run();

    g_clear_pointer(&http, hako_test_http_free);
    weak = installer;
    g_object_add_weak_pointer(G_OBJECT(installer), (gpointer *)&weak);
    g_clear_object(&installer);
    /* the workers drop their tasks (and so the installer) just after returning */
    g_assert_true(hako_test_wait_until(is_gone, &weak, 10000));
    g_clear_object(&manager);
    virConnectClose(conn);
    g_rmdir(boot_dir);
    g_free(boot_dir);
    return status;
}
