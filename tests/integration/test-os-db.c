/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoOsDb with the real osinfo-db: loaded once, listed, searched, looked up; recommended
 * resources and devices; install discs identified (memtest86+'s, not known; one built here
 * with xorriso under a Debian netinst volume id; a missing file, a folder, a text file), and
 * install trees identified over HTTP from a server of the test's own on 127.0.0.1 (a Fedora
 * .treeinfo; a tree without one; a closed port; an unknown scheme).
 *
 * The installed osinfo-db (Debian 12's, 2022-11-30) predates Debian 12: Debian 11 stands in
 * for the newest Debian. Whether an OS is past its end of life depends on today's date, so the
 * tests only rely on dates long past (Debian 7) and on rolling releases (Arch Linux). */
#include "config.h"

#include "hako-engine-error.h"
#include "hako-os-db.h"
#include "hako-test-util.h"

#include <glib/gstdio.h>
#include <string.h>

#define MiB (G_GUINT64_CONSTANT(1) << 20)
#define GiB (G_GUINT64_CONSTANT(1) << 30)

#define MEMTEST_ISO "/usr/lib/memtest86+/memtest86+x64.iso"

static HakoOsDb *db;
static char *tmpdir;

/* ---------------------------------------------------------------------- */
/* Waiting for results */

static GAsyncResult *
wait_result(HakoTestWait *w)
{
    g_assert_false(w->done);
    g_assert_true(hako_test_wait_until(hako_test_wait_is_done, w, 60000));
    return w->result;
}

static HakoOsDb *
load_db(GError **error)
{
    HakoTestWait w = {FALSE, NULL};
    HakoOsDb *loaded;

    hako_os_db_load_async(NULL, hako_test_wait_done_cb, &w);
    loaded = hako_os_db_load_finish(wait_result(&w), error);
    g_clear_object(&w.result);
    return loaded;
}

static HakoOsEntry *
detect_media(const char *path, GError **error)
{
    HakoTestWait w = {FALSE, NULL};
    HakoOsEntry *entry;

    hako_os_db_detect_media_async(db, path, NULL, hako_test_wait_done_cb, &w);
    entry = hako_os_db_detect_media_finish(db, wait_result(&w), error);
    g_clear_object(&w.result);
    return entry;
}

static HakoOsEntry *
detect_tree(const char *url, GError **error)
{
    HakoTestWait w = {FALSE, NULL};
    HakoOsEntry *entry;

    hako_os_db_detect_tree_async(db, url, NULL, hako_test_wait_done_cb, &w);
    entry = hako_os_db_detect_tree_finish(db, wait_result(&w), error);
    g_clear_object(&w.result);
    return entry;
}

/* The database, loaded by the first test that needs it (load-once, when all run). */
static void
ensure_db(void)
{
    g_autoptr(GError) error = NULL;

    if (db == NULL)
        db = load_db(&error);
    g_assert_no_error(error);
    g_assert_nonnull(db);
}

static HakoOsEntry *
lookup(const char *id)
{
    HakoOsEntry *entry = hako_os_db_lookup(db, id);

    g_assert_nonnull(entry);
    return entry;
}

/* ---------------------------------------------------------------------- */
/* Loading, listing, looking up */

static void
test_load_once(void)
{
    HakoTestWait first = {FALSE, NULL};
    HakoTestWait second = {FALSE, NULL};
    g_autoptr(GError) error = NULL;
    g_autoptr(HakoOsDb) a = NULL;
    g_autoptr(HakoOsDb) b = NULL;
    g_autoptr(HakoOsDb) c = NULL;

    /* two loads at once share the one in flight; a later one gets the same database */
    hako_os_db_load_async(NULL, hako_test_wait_done_cb, &first);
    hako_os_db_load_async(NULL, hako_test_wait_done_cb, &second);
    a = hako_os_db_load_finish(wait_result(&first), &error);
    g_assert_no_error(error);
    g_assert_true(hako_test_wait_until(hako_test_wait_is_done, &second, 60000));
    b = hako_os_db_load_finish(second.result, &error);
    g_assert_no_error(error);
    c = load_db(&error);
    g_assert_no_error(error);
    g_assert_true(HAKO_IS_OS_DB(a));
    g_assert_true(a == b);
    g_assert_true(a == c);
    g_clear_object(&first.result);
    if (db == NULL)
        db = g_object_ref(a);
    g_clear_object(&second.result);
}

static void
test_load_cancelled(void)
{
    g_autoptr(GCancellable) cancellable = g_cancellable_new();
    g_autoptr(GError) error = NULL;
    HakoTestWait w = {FALSE, NULL};

    g_cancellable_cancel(cancellable);
    hako_os_db_load_async(cancellable, hako_test_wait_done_cb, &w);
    g_assert_null(hako_os_db_load_finish(wait_result(&w), &error));
    g_assert_error(error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_object(&w.result);
}

static void
test_all(void)
{
    GListModel *all = hako_os_db_get_all(db);
    guint n = g_list_model_get_n_items(all);
    gboolean generic = FALSE;
    g_autoptr(HakoOsEntry) previous = NULL;

    g_assert_true(g_list_model_get_item_type(all) == HAKO_TYPE_OS_ENTRY);
    g_assert_cmpuint(n, >, 500);
    for (guint i = 0; i < n; i++) {
        g_autoptr(HakoOsEntry) entry = g_list_model_get_item(all, i);

        g_assert_nonnull(hako_os_entry_get_id(entry));
        g_assert_nonnull(hako_os_entry_get_name(entry));
        g_assert_cmpstr(hako_os_entry_get_id(entry), !=, "http://libosinfo.org/unknown");
        if (g_strcmp0(hako_os_entry_get_short_id(entry), "linux2022") == 0)
            generic = TRUE;
        /* within a family, newest first; undated ones at the end of it */
        if (previous != NULL &&
            g_strcmp0(hako_os_entry_get_family(previous), hako_os_entry_get_family(entry)) == 0 &&
            hako_os_entry_get_release_date(entry) != NULL) {
            g_assert_nonnull(hako_os_entry_get_release_date(previous));
            g_assert_cmpstr(hako_os_entry_get_release_date(previous), >=,
                            hako_os_entry_get_release_date(entry));
        }
        g_set_object(&previous, entry);
    }
    g_assert_true(generic);
}

static void
test_lookup(void)
{
    HakoOsEntry *debian = lookup("debian11");
    g_autofree char *id = NULL;
    g_autofree char *short_id = NULL;
    g_autofree char *name = NULL;
    g_autofree char *vendor = NULL;
    g_autofree char *family = NULL;
    g_autofree char *distro = NULL;
    g_autofree char *version = NULL;
    g_autofree char *release = NULL;
    gboolean eol;

    g_assert_true(lookup("debianbullseye") == debian);
    g_assert_true(lookup("http://debian.org/debian/11") == debian);
    g_assert_true(lookup("Debian11") == debian);
    g_assert_null(hako_os_db_lookup(db, "no-such-os"));
    g_assert_null(hako_os_db_lookup(db, "unknown"));

    g_object_get(debian, "id", &id, "short-id", &short_id, "name", &name, "vendor", &vendor,
                 "family", &family, "distro", &distro, "version", &version, "release-date",
                 &release, "eol", &eol, NULL);
    g_assert_cmpstr(id, ==, "http://debian.org/debian/11");
    g_assert_cmpstr(short_id, ==, "debian11");
    g_assert_cmpstr(name, ==, "Debian 11");
    g_assert_cmpstr(vendor, ==, "Debian Project");
    g_assert_cmpstr(family, ==, "linux");
    g_assert_cmpstr(distro, ==, "debian");
    g_assert_cmpstr(version, ==, "11");
    g_assert_cmpstr(release, ==, "2021-08-14");
    g_assert_true(eol == hako_os_entry_get_eol(debian));

    /* end of life: a date long past; never for a rolling release */
    g_assert_true(hako_os_entry_get_eol(lookup("debian7")));
    g_assert_false(hako_os_entry_get_eol(lookup("archlinux")));
    g_assert_cmpstr(hako_os_entry_get_name(lookup("linux2022")), ==, "Generic Linux 2022");
}

/* ---------------------------------------------------------------------- */
/* Searching */

static void
assert_first(const char *text, gboolean include_eol, const char *short_id)
{
    g_autoptr(GPtrArray) found = hako_os_db_search(db, text, include_eol);

    g_test_message("search “%s”: %u found, first %s", text, found->len,
                   found->len > 0 ? hako_os_entry_get_short_id(found->pdata[0]) : "-");
    g_assert_cmpuint(found->len, >, 0);
    g_assert_cmpstr(hako_os_entry_get_short_id(found->pdata[0]), ==, short_id);
}

static gboolean
contains(GPtrArray *entries, HakoOsEntry *entry)
{
    return g_ptr_array_find(entries, entry, NULL);
}

static void
test_search(void)
{
    g_autoptr(GPtrArray) everything = hako_os_db_search(db, "", TRUE);
    g_autoptr(GPtrArray) supported = hako_os_db_search(db, NULL, FALSE);
    g_autoptr(GPtrArray) none = hako_os_db_search(db, "zzzz no such thing", TRUE);
    g_autoptr(GPtrArray) debian = hako_os_db_search(db, "project DEBIAN", TRUE);
    g_autoptr(GPtrArray) debian_supported = hako_os_db_search(db, "debian", FALSE);
    g_autoptr(GPtrArray) arch = hako_os_db_search(db, "arch", FALSE);

    /* the newest Debian this osinfo-db has; Debian 12 where a newer one has it */
    assert_first("debian 11", TRUE, "debian11");
    assert_first("Debian 11", TRUE, "debian11");
    assert_first("  DEBIAN   11 ", TRUE, "debian11");
    assert_first("bullseye", TRUE, "debian11");
    if (hako_os_db_lookup(db, "debian12") != NULL)
        assert_first("debian 12", TRUE, "debian12");
    else
        g_test_message("this osinfo-db has no Debian 12");
    assert_first("ubuntu 22.04", TRUE, "ubuntu22.04");
    assert_first("win 11", TRUE, "win11");
    assert_first("generic linux 2022", TRUE, "linux2022");

    g_assert_cmpuint(everything->len, ==, g_list_model_get_n_items(hako_os_db_get_all(db)));
    g_assert_cmpuint(none->len, ==, 0);

    /* every word must match: the name ("debian") and the vendor ("Debian Project") */
    g_assert_cmpuint(debian->len, >, 10);
    for (guint i = 0; i < debian->len; i++) {
        g_assert_cmpstr(hako_os_entry_get_vendor(debian->pdata[i]), ==, "Debian Project");
        g_assert_cmpstr(hako_os_entry_get_distro(debian->pdata[i]), ==, "debian");
    }

    /* without the ones past their end of life */
    g_assert_cmpuint(supported->len, <, everything->len);
    for (guint i = 0; i < supported->len; i++)
        g_assert_false(hako_os_entry_get_eol(supported->pdata[i]));
    g_assert_false(contains(supported, lookup("debian7")));
    g_assert_false(contains(debian_supported, lookup("debian7")));
    g_assert_true(contains(everything, lookup("debian7")));
    g_assert_true(contains(arch, lookup("archlinux")));
}

/* ---------------------------------------------------------------------- */
/* Defaults */

static void
test_defaults(void)
{
    g_autoptr(HakoOsDefaults) debian = hako_os_db_get_defaults(db, lookup("debian11"), "x86_64");
    g_autoptr(HakoOsDefaults) win11 = hako_os_db_get_defaults(db, lookup("win11"), "x86_64");
    g_autoptr(HakoOsDefaults) winxp = hako_os_db_get_defaults(db, lookup("winxp"), "i686");
    g_autoptr(HakoOsDefaults) generic_linux =
        hako_os_db_get_defaults(db, lookup("linux2022"), "x86_64");
    g_autoptr(HakoOsDefaults) generic = hako_os_db_get_defaults(db, NULL, "x86_64");
    g_autoptr(HakoOsDefaults) arm = hako_os_db_get_defaults(db, NULL, "aarch64");
    g_autoptr(HakoOsDefaults) copy = NULL;

    /* recommended for all architectures; vCPUs twice the minimum; everything virtio */
    g_assert_cmpuint(debian->memory_mib, >=, 1024);
    g_assert_cmpuint(debian->minimum_memory_mib, ==, 1024);
    g_assert_cmpuint(debian->vcpus, ==, 2);
    g_assert_cmpuint(debian->disk_bytes, ==, 20 * GiB);
    g_assert_cmpstr(debian->disk_bus, ==, "virtio");
    g_assert_cmpstr(debian->nic_model, ==, "virtio");
    g_assert_cmpstr(debian->video_model, ==, "virtio");
    g_assert_true(debian->supports_uefi);
    g_assert_false(debian->prefers_uefi);

    /* no recommendation: twice the minimum; no virtio drivers; BIOS unsupported */
    g_assert_cmpuint(win11->memory_mib, ==, 8192);
    g_assert_cmpuint(win11->minimum_memory_mib, ==, 4096);
    g_assert_cmpuint(win11->vcpus, ==, 4);
    g_assert_cmpuint(win11->disk_bytes, ==, 128 * GiB);
    g_assert_cmpstr(win11->disk_bus, ==, "sata");
    g_assert_cmpstr(win11->nic_model, ==, "e1000e");
    g_assert_cmpstr(win11->video_model, ==, "qxl");
    g_assert_true(win11->supports_uefi);
    g_assert_true(win11->prefers_uefi);

    /* the figures for the architecture asked for; an old OS gets IDE */
    g_assert_cmpuint(winxp->memory_mib, ==, 512);
    g_assert_cmpuint(winxp->minimum_memory_mib, ==, 64);
    g_assert_cmpuint(winxp->disk_bytes, ==, 10 * GiB);
    g_assert_cmpstr(winxp->disk_bus, ==, "ide");
    g_assert_cmpstr(winxp->nic_model, ==, "e1000");
    g_assert_false(winxp->supports_uefi);
    g_assert_false(winxp->prefers_uefi);

    /* the generic entry inherits Ubuntu 22.04's resources */
    g_assert_cmpuint(generic_linux->memory_mib, ==, 4096);
    g_assert_cmpuint(generic_linux->minimum_memory_mib, ==, 2048);
    g_assert_cmpuint(generic_linux->disk_bytes, ==, 25 * GiB);
    g_assert_cmpstr(generic_linux->disk_bus, ==, "virtio");
    g_assert_cmpstr(generic_linux->video_model, ==, "virtio");

    /* no OS at all */
    g_assert_cmpuint(generic->memory_mib, ==, 2048);
    g_assert_cmpuint(generic->minimum_memory_mib, ==, 0);
    g_assert_cmpuint(generic->vcpus, ==, 2);
    g_assert_cmpuint(generic->disk_bytes, ==, 20 * GiB);
    g_assert_cmpstr(generic->disk_bus, ==, "sata");
    g_assert_cmpstr(generic->nic_model, ==, "e1000");
    g_assert_cmpstr(generic->video_model, ==, "vga");
    g_assert_false(generic->prefers_uefi);
    g_assert_true(arm->prefers_uefi);

    copy = g_boxed_copy(HAKO_TYPE_OS_DEFAULTS, win11);
    g_assert_true(copy->disk_bus != win11->disk_bus);
    g_assert_cmpstr(copy->disk_bus, ==, "sata");
    g_assert_cmpuint(copy->memory_mib, ==, 8192);
    g_assert_true(copy->prefers_uefi);
}

/* ---------------------------------------------------------------------- */
/* Install discs */

static void
test_media_memtest(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(HakoOsEntry) entry = NULL;

    /* an ISO osinfo-db knows nothing of */
    g_assert_true(g_file_test(MEMTEST_ISO, G_FILE_TEST_IS_REGULAR));
    entry = detect_media(MEMTEST_ISO, &error);
    g_assert_no_error(error);
    g_assert_null(entry);
}

/* An ISO image with Debian 11's amd64 netinst volume id and the installer's kernel path. */
static char *
build_debian_iso(void)
{
    g_autofree char *root = g_build_filename(tmpdir, "iso-root", "install.amd", NULL);
    g_autofree char *kernel = g_build_filename(root, "vmlinuz", NULL);
    g_autofree char *source = g_build_filename(tmpdir, "iso-root", NULL);
    char *iso = g_build_filename(tmpdir, "debian-11.7.0-amd64-netinst.iso", NULL);
    const char *argv[] = {"xorriso", "-as", "mkisofs", "-quiet", "-V", "Debian 11.7.0 amd64 n",
                          "-o",      iso,   source,    NULL};
    g_autoptr(GError) error = NULL;
    g_autofree char *err = NULL;
    int status = -1;

    g_assert_cmpint(g_mkdir_with_parents(root, 0755), ==, 0);
    g_file_set_contents(kernel, "not a kernel", -1, &error);
    g_assert_no_error(error);
    /* xorriso is a test dependency (tools/hako-setup installs it) */
    g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL, NULL,
                 NULL, NULL, &err, &status, &error);
    g_assert_no_error(error);
    if (!g_spawn_check_wait_status(status, NULL))
        g_test_message("xorriso: %s", err);
    g_assert_true(g_spawn_check_wait_status(status, NULL));
    return iso;
}

static void
test_media_debian(void)
{
    g_autofree char *iso = build_debian_iso();
    g_autoptr(GError) error = NULL;
    g_autoptr(HakoOsEntry) entry = detect_media(iso, &error);

    g_assert_no_error(error);
    g_assert_nonnull(entry);
    g_assert_cmpstr(hako_os_entry_get_short_id(entry), ==, "debian11");
    g_assert_true(entry == lookup("debian11"));
    g_unlink(iso);
}

static void
test_media_errors(void)
{
    g_autofree char *missing = g_build_filename(tmpdir, "no-such.iso", NULL);
    g_autofree char *text = g_build_filename(tmpdir, "notes.txt", NULL);
    g_autoptr(GError) error = NULL;
    HakoOsEntry *entry;

    entry = detect_media(missing, &error);
    g_assert_null(entry);
    g_assert_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_NOT_FOUND);
    g_assert_nonnull(strstr(error->message, "no-such.iso"));
    g_test_message("%s", error->message);
    g_clear_error(&error);

    entry = detect_media(tmpdir, &error);
    g_assert_null(entry);
    g_assert_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_INVALID_DATA);
    g_test_message("%s", error->message);
    g_clear_error(&error);

    g_file_set_contents(text, "This is not a disc image.\n", -1, &error);
    g_assert_no_error(error);
    entry = detect_media(text, &error);
    g_assert_null(entry);
    g_assert_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_INVALID_DATA);
    g_assert_nonnull(strstr(error->message, "notes.txt"));
    g_test_message("%s", error->message);
    g_clear_error(&error);
    g_unlink(text);
}

/* ---------------------------------------------------------------------- */
/* Install trees, from an HTTP server of the test's own */

static const char fedora_treeinfo[] = "[header]\n"
                                      "type = productmd.treeinfo\n"
                                      "version = 1.2\n"
                                      "\n"
                                      "[release]\n"
                                      "name = Fedora\n"
                                      "short = Fedora\n"
                                      "version = 36\n"
                                      "\n"
                                      "[tree]\n"
                                      "arch = x86_64\n"
                                      "platforms = x86_64,xen\n"
                                      "variants = Server\n"
                                      "\n"
                                      "[general]\n"
                                      "arch = x86_64\n"
                                      "family = Fedora\n"
                                      "name = Fedora 36\n"
                                      "variant = Server\n"
                                      "version = 36\n"
                                      "\n"
                                      "[images-x86_64]\n"
                                      "kernel = images/pxeboot/vmlinuz\n"
                                      "initrd = images/pxeboot/initrd.img\n";

typedef struct {
    GMutex lock;
    GPtrArray *requests; /* the paths asked for */
} Server;

static Server server;

/* One connection, on the service's own thread: a GET answered from fedora_treeinfo or 404. */
static gboolean
http_run_cb(GThreadedSocketService *service,
            GSocketConnection *connection,
            GObject *source,
            gpointer user_data)
{
    GInputStream *in = g_io_stream_get_input_stream(G_IO_STREAM(connection));
    GOutputStream *out = g_io_stream_get_output_stream(G_IO_STREAM(connection));
    g_autoptr(GDataInputStream) data = g_data_input_stream_new(in);
    g_autofree char *request = NULL;
    g_autofree char *response = NULL;
    g_auto(GStrv) parts = NULL;
    const char *body = NULL;
    char *line;

    g_data_input_stream_set_newline_type(data, G_DATA_STREAM_NEWLINE_TYPE_ANY);
    g_filter_input_stream_set_close_base_stream(G_FILTER_INPUT_STREAM(data), FALSE);
    request = g_data_input_stream_read_line(data, NULL, NULL, NULL);
    /* the headers, up to the empty line */
    while ((line = g_data_input_stream_read_line(data, NULL, NULL, NULL)) != NULL &&
           line[0] != '\0')
        g_free(line);
    g_free(line);
    if (request == NULL)
        return TRUE;

    parts = g_strsplit(request, " ", 3);
    if (g_strv_length(parts) >= 2) {
        g_mutex_lock(&server.lock);
        g_ptr_array_add(server.requests, g_strdup(parts[1]));
        g_mutex_unlock(&server.lock);
        if (g_strcmp0(parts[0], "GET") == 0 && g_strcmp0(parts[1], "/fedora/36/.treeinfo") == 0)
            body = fedora_treeinfo;
    }
    if (body != NULL)
        response = g_strdup_printf("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                                   "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
                                   strlen(body), body);
    else
        response = g_strdup("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n"
                            "Connection: close\r\n\r\n");
    g_output_stream_write_all(out, response, strlen(response), NULL, NULL, NULL);
    g_io_stream_close(G_IO_STREAM(connection), NULL, NULL);
    return TRUE;
}

static gboolean
was_requested(const char *path)
{
    gboolean found = FALSE;

    g_mutex_lock(&server.lock);
    for (guint i = 0; i < server.requests->len && !found; i++)
        found = g_strcmp0(server.requests->pdata[i], path) == 0;
    g_mutex_unlock(&server.lock);
    return found;
}

/* A port on 127.0.0.1 nothing listens on: bound, then closed. */
static guint16
closed_port(void)
{
    g_autoptr(GSocket) socket =
        g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
    g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
    g_autoptr(GSocketAddress) any = g_inet_socket_address_new(loopback, 0);
    g_autoptr(GSocketAddress) bound = NULL;
    guint16 port;

    g_assert_true(g_socket_bind(socket, any, FALSE, NULL));
    bound = g_socket_get_local_address(socket, NULL);
    port = g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(bound));
    g_socket_close(socket, NULL);
    return port;
}

static void
test_tree(void)
{
    GSocketService *service = g_threaded_socket_service_new(4);
    g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
    g_autoptr(GSocketAddress) address = g_inet_socket_address_new(loopback, 0);
    g_autoptr(GSocketAddress) effective = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(HakoOsEntry) fedora = NULL;
    g_autoptr(HakoOsEntry) none = NULL;
    g_autofree char *base = NULL;
    g_autofree char *url = NULL;
    HakoOsEntry *entry;
    guint16 port;

    g_mutex_init(&server.lock);
    server.requests = g_ptr_array_new_with_free_func(g_free);
    g_socket_listener_add_address(G_SOCKET_LISTENER(service), address, G_SOCKET_TYPE_STREAM,
                                  G_SOCKET_PROTOCOL_TCP, NULL, &effective, &error);
    g_assert_no_error(error);
    port = g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(effective));
    g_signal_connect(service, "run", G_CALLBACK(http_run_cb), NULL);
    g_socket_service_start(service);
    base = g_strdup_printf("http://127.0.0.1:%u", port);

    /* a Fedora 36 Server tree: its .treeinfo names family, version and arch */
    url = g_strdup_printf("%s/fedora/36", base);
    fedora = detect_tree(url, &error);
    g_assert_no_error(error);
    g_assert_nonnull(fedora);
    g_assert_cmpstr(hako_os_entry_get_short_id(fedora), ==, "fedora36");
    g_assert_true(was_requested("/fedora/36/.treeinfo"));
    g_clear_pointer(&url, g_free);

    /* a tree without .treeinfo (as Debian's are): not recognized, not an error */
    url = g_strdup_printf("%s/debian/dists/bookworm/main/installer-amd64/", base);
    none = detect_tree(url, &error);
    g_assert_no_error(error);
    g_assert_null(none);
    g_clear_pointer(&url, g_free);

    /* nobody answers */
    url = g_strdup_printf("http://127.0.0.1:%u/fedora/36", closed_port());
    entry = detect_tree(url, &error);
    g_assert_null(entry);
    g_assert_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_FAILED);
    g_assert_nonnull(strstr(error->message, url));
    g_test_message("%s", error->message);
    g_clear_error(&error);
    g_clear_pointer(&url, g_free);

    /* a scheme libosinfo cannot fetch */
    entry = detect_tree("gopher://127.0.0.1/fedora", &error);
    g_assert_null(entry);
    g_assert_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_NOT_SUPPORTED);
    g_test_message("%s", error->message);
    g_clear_error(&error);

    g_socket_service_stop(service);
    g_socket_listener_close(G_SOCKET_LISTENER(service));
    g_object_unref(service);
    g_clear_pointer(&server.requests, g_ptr_array_unref);
    g_mutex_clear(&server.lock);
}

/* Runs the test @data once the database is loaded. */
static void
with_db(gconstpointer data)
{
    ensure_db();
    ((GTestFunc)data)();
}

static void
remove_tree(const char *path)
{
    g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
    const char *name;

    while (dir != NULL && (name = g_dir_read_name(dir)) != NULL) {
        g_autofree char *child = g_build_filename(path, name, NULL);

        if (g_file_test(child, G_FILE_TEST_IS_DIR))
            remove_tree(child);
        else
            g_unlink(child);
    }
    g_rmdir(path);
}

int
main(int argc, char *argv[])
{
    static const struct {
        const char *path;
        GTestFunc func;
    } tests[] = {
        {"/engine/os-db/all", test_all},
        {"/engine/os-db/lookup", test_lookup},
        {"/engine/os-db/search", test_search},
        {"/engine/os-db/defaults", test_defaults},
        {"/engine/os-db/media/memtest", test_media_memtest},
        {"/engine/os-db/media/debian", test_media_debian},
        {"/engine/os-db/media/errors", test_media_errors},
        {"/engine/os-db/tree", test_tree},
    };
    g_autoptr(GError) error = NULL;
    int status;

    g_test_init(&argc, &argv, NULL);
    /* the test's server is on loopback: never through a proxy */
    g_setenv("no_proxy", "127.0.0.1,localhost", TRUE);
    tmpdir = g_dir_make_tmp("hako-os-db-XXXXXX", &error);
    g_assert_no_error(error);

    /* first, so that its two loads are the process's first */
    g_test_add_func("/engine/os-db/load-once", test_load_once);
    g_test_add_func("/engine/os-db/load-cancelled", test_load_cancelled);
    for (guint i = 0; i < G_N_ELEMENTS(tests); i++)
        g_test_add_data_func(tests[i].path, (gconstpointer)tests[i].func, with_db);
    status = g_test_run();

    /* the process keeps its database: only our reference goes */
    g_clear_object(&db);
    remove_tree(tmpdir);
    g_free(tmpdir);
    return status;
}
