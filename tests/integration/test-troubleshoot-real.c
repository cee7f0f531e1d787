/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Connection failures provoked for real against a private libvirtd, and the words the host's
 * last error then has: a host name that does not resolve (ssh, in a network namespace of its
 * own with only /etc/hosts to ask, so no query leaves the machine), polkit that cannot be asked
 * (an unprivileged user on the daemon's default 0777 socket, no system bus), a socket whose mode
 * keeps that user out (unix_sock_rw_perms = "0770"), and the daemon stopped, both under a
 * connected host and for a fresh connection. And a second daemon that cannot see /dev/kvm, whose
 * host says it has no KVM; guests whose start fails with what to do: an image in a folder QEMU's
 * user may not enter, a network card on a bridge or a virtual network the host does not have, or
 * on a network not started, and more memory than the host can give.
 *
 * Run by tests/harness/with-private-libvirtd (HAKO_TEST_URI, HAKO_TEST_DIR,
 * HAKO_TEST_LIBVIRTD_CTL). The unprivileged and namespaced parts run this program again with
 * --child URI: it connects once and prints the host's last error. */
#include "config.h"

#include "hako-connection-manager.h"
#include "hako-domain-ops.h"
#include "hako-engine.h"
#include "hako-guest-caps.h"
#include "hako-host-caps.h"
#include "hako-test-util.h"

#include <glib/gstdio.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *uri;
static const char *dir;
static const char *ctl;
static char *self_exe;

static gboolean
host_failed(gpointer data)
{
    return hako_host_get_state(data) == HAKO_HOST_STATE_DISCONNECTED &&
           hako_host_get_last_error(data) != NULL;
}

/* --child URI: one attempt, its error on stdout. */
static int
child_main(const char *child_uri)
{
    g_autoptr(HakoConnectionManager) manager = NULL;
    HakoHost *host;

    hako_engine_init();
    manager = hako_connection_manager_new(NULL);
    host = hako_connection_manager_add(manager, child_uri, HAKO_CONNECT_NONE);
    hako_connection_manager_connect(manager, host);
    if (!hako_test_wait_until(host_failed, host, 60000)) {
        g_printerr("%s did not fail: state %d\n", child_uri, hako_host_get_state(host));
        return 1;
    }
    /* As bytes: g_print() would convert to the locale's charset, never set here. */
    fputs(hako_host_get_last_error(host), stdout);
    return 0;
}

/* Runs @argv (a child of ours at the end) and returns what it printed. */
static char *
run_child(const char *const *argv)
{
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    g_autoptr(GError) error = NULL;
    g_auto(GStrv) env = g_get_environ();
    int status = 0;

    /* The unprivileged user may not read root's home. */
    env = g_environ_setenv(env, "HOME", dir, TRUE);
    env = g_environ_unsetenv(env, "XDG_CONFIG_HOME");
    env = g_environ_unsetenv(env, "XDG_CACHE_HOME");
    g_spawn_sync(NULL, (char **)argv, env, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status,
                 &error);
    g_assert_no_error(error);
    if (!g_spawn_check_wait_status(status, NULL))
        g_error("%s failed: %s", argv[0], err);
    g_test_message("%s said: %s", argv[0], out);
    return g_steal_pointer(&out);
}

static char *
run_as_nobody(const char *target)
{
    const char *argv[] = {"setpriv",
                          "--reuid=nobody",
                          "--regid=nogroup",
                          "--clear-groups",
                          self_exe,
                          "--child",
                          target,
                          NULL};

    return run_child(argv);
}

static void
assert_contains(const char *text, const char *part)
{
    if (strstr(text, part) == NULL)
        g_error("“%s” does not say “%s”", text, part);
}

static void
ctl_run(const char *command)
{
    g_autofree char *line = g_strdup_printf("%s %s", ctl, command);
    g_autoptr(GError) error = NULL;
    int status = 0;

    g_spawn_command_line_sync(line, NULL, NULL, &status, &error);
    g_assert_no_error(error);
    g_assert_true(g_spawn_check_wait_status(status, NULL));
}

static void
child_setsid(gpointer data)
{
    setsid();
}

typedef struct {
    HakoGuestCaps *caps;
    GError *error;
    gboolean done;
} CapsWait;

static void
caps_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    CapsWait *w = user_data;

    w->caps = hako_engine_get_guest_caps_finish(result, &w->error);
    w->done = TRUE;
}

static gboolean
caps_done(gpointer data)
{
    return ((CapsWait *)data)->done;
}

/* A second daemon that cannot see /dev/kvm (an empty file bound over it in a mount namespace of
 * its own, as on a machine without VT-x/AMD-V or the module), next to the harness's. */
static void
test_no_kvm(void)
{
    g_autofree char *nokvm_dir = g_build_filename(dir, "nokvm", NULL);
    g_autofree char *caps_cache = g_build_filename(dir, "nokvm-caps", NULL);
    g_autofree char *empty = g_build_filename(dir, "empty", NULL);
    g_autofree char *nokvm_uri =
        g_strdup_printf("qemu:///system?socket=%s/run/libvirt-sock", nokvm_dir);
    g_auto(GStrv) parts = g_strsplit(ctl, " ", 2);
    g_auto(GStrv) env = NULL;
    g_autoptr(HakoConnectionManager) manager = hako_connection_manager_new(NULL);
    g_autoptr(GError) error = NULL;
    /* Stops the second daemon when this process ends, however it ends. */
    const char *watch[] = {"/bin/sh", "-c",      "read x; \"$0\" \"$1\" stop",
                           parts[0],  nokvm_dir, NULL};
    const char *start[] = {"unshare", "--mount",
                           "--",      "sh",
                           "-c",      "mount --bind \"$0\" /dev/kvm && exec \"$1\" \"$2\" start",
                           empty,     parts[0],
                           nokvm_dir, NULL};
    GPid watcher_pid;
    int watcher_fd;
    int status = -1;
    HakoHost *nokvm;
    HakoHost *host;
    CapsWait w = {NULL, NULL, FALSE};

    g_file_set_contents(empty, "", 0, &error);
    g_assert_no_error(error);
    g_assert_true(g_spawn_async_with_pipes(
        NULL, (char **)watch, NULL, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
        child_setsid, NULL, &watcher_pid, &watcher_fd, NULL, NULL, &error));
    g_assert_no_error(error);
    /* Capabilities probed without KVM must not land in the cache the other daemons share. */
    env = g_environ_setenv(g_get_environ(), "PRIVATE_LIBVIRTD_CAPS_CACHE", caps_cache, TRUE);
    g_assert_true(g_spawn_sync(NULL, (char **)start, env,
                               G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
                               NULL, &status, &error));
    g_assert_no_error(error);
    g_assert_true(g_spawn_check_wait_status(status, NULL));

    nokvm = hako_connection_manager_add(manager, nokvm_uri, HAKO_CONNECT_NONE);
    host = hako_connection_manager_add(manager, uri, HAKO_CONNECT_NONE);
    hako_connection_manager_connect(manager, nokvm);
    hako_connection_manager_connect(manager, host);
    g_assert_true(hako_test_wait_until(hako_test_host_connected, nokvm, 60000));
    g_assert_true(hako_test_wait_until(hako_test_host_connected, host, 60000));
    g_assert_true(hako_host_get_details(nokvm)->no_kvm);
    /* The harness's daemon sees this machine's /dev/kvm. */
    if (g_file_test("/dev/kvm", G_FILE_TEST_EXISTS))
        g_assert_false(hako_host_get_details(host)->no_kvm);

    /* What the New VM wizard gets: QEMU guests, no KVM one. */
    hako_engine_get_guest_caps_async(manager, nokvm, NULL, caps_cb, &w);
    g_assert_true(hako_test_wait_until(caps_done, &w, 60000));
    g_assert_no_error(w.error);
    g_assert_nonnull(hako_guest_caps_find(w.caps, NULL, HAKO_VIRT_QEMU, HAKO_GUEST_HVM));
    for (guint i = 0; i < w.caps->options->len; i++)
        g_assert_cmpint(((HakoGuestOption *)g_ptr_array_index(w.caps->options, i))->virt_type, !=,
                        HAKO_VIRT_KVM);
    g_assert_true(hako_guest_caps_is_emulated_only(w.caps, hako_guest_caps_get_default(w.caps)));
    hako_guest_caps_free(w.caps);

    g_clear_object(&manager);
    hako_test_spin(100);
    close(watcher_fd);
    waitpid(watcher_pid, &status, 0);
    g_spawn_close_pid(watcher_pid);
}

static void
test_host_unresolved(void)
{
    g_autofree char *nss = g_build_filename(dir, "nsswitch-files-only.conf", NULL);
    g_autoptr(GError) error = NULL;
    g_autofree char *said = NULL;
    /* No network but lo, and /etc/hosts the only source of names: ssh gets the resolver's own
     * "Name or service not known" without any DNS query. */
    const char *argv[] = {"unshare",
                          "--mount",
                          "--net",
                          "--",
                          "sh",
                          "-c",
                          "mount --bind \"$0\" /etc/nsswitch.conf && exec \"$1\" --child \"$2\"",
                          nss,
                          self_exe,
                          "qemu+ssh://root@nonexistent.invalid/system",
                          NULL};

    g_file_set_contents(nss, "hosts: files\n", -1, &error);
    g_assert_no_error(error);
    said = run_child(argv);
    assert_contains(said, "The host name “nonexistent.invalid” does not resolve");
    assert_contains(said, "IP address");
    /* and what ssh said, after it */
    assert_contains(said, "Could not resolve hostname");
}

static void
test_polkit_unavailable(void)
{
    g_autofree char *socket = g_build_filename(dir, "run", "libvirt-sock", NULL);
    g_autofree char *said = NULL;
    struct stat st;

    /* The daemon's default: auth_unix_rw = "polkit", so the socket is open to all */
    g_assert_cmpint(stat(socket, &st), ==, 0);
    g_assert_cmpint(st.st_mode & 0777, ==, 0777);
    said = run_as_nobody(uri);
    assert_contains(said, "polkit");
    assert_contains(said, "system bus");
    assert_contains(said, "“libvirt” group");
}

static void
test_socket_permission(void)
{
    g_autofree char *conf = g_build_filename(dir, "etc", "libvirtd.conf", NULL);
    g_autofree char *socket = g_build_filename(dir, "run", "libvirt-sock", NULL);
    g_autofree char *text = NULL;
    g_autofree char *changed = NULL;
    g_autofree char *said = NULL;
    g_autoptr(GError) error = NULL;
    struct stat st;

    /* Only root and the socket's group (root) may use it now. */
    g_file_get_contents(conf, &text, NULL, &error);
    g_assert_no_error(error);
    changed = g_strconcat(text, "unix_sock_rw_perms = \"0770\"\n", NULL);
    g_file_set_contents(conf, changed, -1, &error);
    g_assert_no_error(error);
    ctl_run("restart");
    g_assert_cmpint(stat(socket, &st), ==, 0);
    g_assert_cmpint(st.st_mode & 0777, ==, 0770);
    g_assert_cmpint(st.st_gid, ==, 0);

    said = run_as_nobody(uri);
    assert_contains(said, "You are not allowed to use the libvirt daemon’s socket");
    assert_contains(said, socket);
    assert_contains(said, "“libvirt” group");
    assert_contains(said, "log out and back in");
    assert_contains(said, "Permission denied");
}

static void
test_daemon_stopped(void)
{
    g_autofree char *socket = g_build_filename(dir, "run", "libvirt-sock", NULL);
    g_autoptr(HakoConnectionManager) manager = hako_connection_manager_new(NULL);
    g_autoptr(HakoConnectionManager) fresh = hako_connection_manager_new(NULL);
    HakoHost *host;
    HakoHost *late;
    const char *said;

    hako_connection_manager_set_retry_delays(manager, 200, 1000);
    host = hako_connection_manager_add(manager, uri, HAKO_CONNECT_NONE);
    hako_connection_manager_connect(manager, host);
    g_assert_true(hako_test_wait_until(hako_test_host_connected, host, 60000));

    ctl_run("stop");
    /* The connection drops, the retry finds no daemon and says so. */
    g_assert_true(hako_test_wait_until(host_failed, host, 30000));
    for (int i = 0; i < 100; i++) {
        said = hako_host_get_last_error(host);
        if (said != NULL && strstr(said, "is not running") != NULL)
            break;
        hako_test_spin(100);
    }
    said = hako_host_get_last_error(host);
    g_test_message("after the daemon stopped: %s", said);
    assert_contains(said, "The libvirt daemon is not running");
    assert_contains(said, socket);
    assert_contains(said, "systemctl start libvirtd");
    assert_contains(said, "libvirtd -d");

    /* A new connection while it is stopped gets the same words at once. */
    late = hako_connection_manager_add(fresh, uri, HAKO_CONNECT_NONE);
    hako_connection_manager_connect(fresh, late);
    g_assert_true(hako_test_wait_until(host_failed, late, 30000));
    said = hako_host_get_last_error(late);
    g_test_message("connecting while it is stopped: %s", said);
    assert_contains(said, "The libvirt daemon is not running: nothing listens on its socket");
    assert_contains(said, "systemctl start libvirtd");
    /* libvirt's own words stay, after the explanation */
    assert_contains(said, "Failed to connect socket");

    /* Started again, the first host comes back by itself. */
    ctl_run("start");
    g_assert_true(hako_test_wait_until(hako_test_host_connected, host, 60000));
}

static gboolean
is_done(gpointer data)
{
    return *(GAsyncResult **)data != NULL;
}

static void
done_cb(GObject *source, GAsyncResult *result, gpointer data)
{
    *(GAsyncResult **)data = g_object_ref(result);
}

/* A guest whose disk image sits in a folder QEMU's user (libvirt-qemu) may not enter: starting it
 * fails, and the error names the image and says how to let QEMU in. */
static void
test_image_access(void)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *closed = g_build_filename(dir, "closed", NULL);
    g_autofree char *image = g_build_filename(closed, "disk.qcow2", NULL);
    g_autofree char *xml = NULL;
    g_autoptr(HakoConnectionManager) manager = hako_connection_manager_new(NULL);
    g_autoptr(HakoDomainOps) ops = hako_domain_ops_new(manager);
    HakoHost *host = hako_connection_manager_add(manager, uri, HAKO_CONNECT_NONE);
    GAsyncResult *result = NULL;
    virConnectPtr conn = virConnectOpen(uri);
    virDomainPtr dom;
    HakoDomain *domain;
    const char *argv[] = {"qemu-img", "create", "-q", "-f", "qcow2", image, "16M", NULL};
    int status = -1;

    g_assert_nonnull(conn);
    g_assert_cmpint(g_mkdir_with_parents(closed, 0700), ==, 0);
    g_assert_cmpint(chmod(closed, 0700), ==, 0);
    g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL,
                               NULL, &status, &error));
    g_assert_no_error(error);
    g_assert_cmpint(status, ==, 0);
    xml = g_markup_printf_escaped(
        "<domain type='qemu'><name>hako-closed-image</name><memory unit='MiB'>32</memory>"
        "<os><type arch='x86_64' machine='pc'>hvm</type></os><devices>"
        "<emulator>/usr/bin/qemu-system-x86_64</emulator>"
        "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
        "<source file='%s'/><target dev='vda' bus='virtio'/></disk></devices></domain>",
        image);
    dom = virDomainDefineXML(conn, xml);
    g_assert_nonnull(dom);

    hako_connection_manager_connect(manager, host);
    g_assert_true(hako_test_wait_until(hako_test_host_connected, host, 60000));
    domain = hako_domain_list_lookup_by_name(hako_host_get_domains(host), "hako-closed-image");
    g_assert_nonnull(domain);
    hako_domain_ops_lifecycle_async(ops, domain, HAKO_DOMAIN_ACTION_RUN, NULL, done_cb, &result);
    g_assert_true(hako_test_wait_until(is_done, &result, 60000));
    g_assert_false(hako_domain_ops_lifecycle_finish(ops, result, &error));
    g_clear_object(&result);
    g_assert_nonnull(error);
    g_test_message("%s", error->message);
    assert_contains(error->message, "Could not start “hako-closed-image”");
    assert_contains(error->message, "QEMU may not open the disk image");
    assert_contains(error->message, image);
    assert_contains(error->message, "chmod o+x");
    assert_contains(error->message, "Permission denied");

    virDomainUndefine(dom);
    virDomainFree(dom);
    virConnectClose(conn);
    g_remove(image);
    g_rmdir(closed);
}

/* Defines the guest @name with @memory_mib and @devices on the daemon, runs it through
 * HakoDomainOps, which must fail, and returns the error; the guest is gone afterwards. */
static GError *
run_fails(const char *name, guint64 memory_mib, const char *devices)
{
    g_autoptr(HakoConnectionManager) manager = hako_connection_manager_new(NULL);
    g_autoptr(HakoDomainOps) ops = hako_domain_ops_new(manager);
    HakoHost *host = hako_connection_manager_add(manager, uri, HAKO_CONNECT_NONE);
    g_autofree char *xml = g_strdup_printf(
        "<domain type='qemu'><name>%s</name><memory unit='MiB'>%" G_GUINT64_FORMAT "</memory>"
        "<os><type arch='x86_64' machine='pc'>hvm</type></os><devices>"
        "<emulator>/usr/bin/qemu-system-x86_64</emulator>%s</devices></domain>",
        name, memory_mib, devices);
    GAsyncResult *result = NULL;
    GError *error = NULL;
    virConnectPtr conn = virConnectOpen(uri);
    virDomainPtr dom;
    HakoDomain *domain;

    g_assert_nonnull(conn);
    dom = virDomainDefineXML(conn, xml);
    if (dom == NULL)
        g_error("define %s: %s", name, virGetLastErrorMessage());
    hako_connection_manager_connect(manager, host);
    g_assert_true(hako_test_wait_until(hako_test_host_connected, host, 60000));
    domain = hako_domain_list_lookup_by_name(hako_host_get_domains(host), name);
    g_assert_nonnull(domain);
    hako_domain_ops_lifecycle_async(ops, domain, HAKO_DOMAIN_ACTION_RUN, NULL, done_cb, &result);
    g_assert_true(hako_test_wait_until(is_done, &result, 60000));
    g_assert_false(hako_domain_ops_lifecycle_finish(ops, result, &error));
    g_clear_object(&result);
    g_assert_nonnull(error);
    g_test_message("%s", error->message);
    virDomainUndefine(dom);
    virDomainFree(dom);
    virConnectClose(conn);
    return error;
}

/* A network card on a bridge the host does not have (a definition moved from another host). */
static void
test_bridge_missing(void)
{
    g_autoptr(GError) error =
        run_fails("hako-no-bridge", 32,
                  "<interface type='bridge'><source bridge='hakonobr0'/><model type='e1000'/>"
                  "<rom enabled='no'/></interface>");

    assert_contains(error->message, "Could not start “hako-no-bridge”");
    assert_contains(error->message, "connected to the bridge hakonobr0, which this host does not");
    assert_contains(error->message, "nmcli connection add type bridge ifname hakonobr0");
    assert_contains(error->message, "hakonobr0': No such device");
}

/* A network card on a virtual network the host does not have. */
static void
test_network_missing(void)
{
    g_autoptr(GError) error = run_fails("hako-no-network", 32,
                                        "<interface type='network'><source network='hako-nonet'/>"
                                        "<model type='e1000'/><rom enabled='no'/></interface>");

    assert_contains(error->message, "Could not start “hako-no-network”");
    assert_contains(error->message, "virtual network hako-nonet, which this host does not have");
    assert_contains(error->message, "Connection Details › Virtual Networks");
}

/* A network card on a virtual network defined but not started. */
static void
test_network_inactive(void)
{
    virConnectPtr conn = virConnectOpen(uri);
    virNetworkPtr net;
    g_autoptr(GError) error = NULL;

    g_assert_nonnull(conn);
    net = virNetworkDefineXML(conn, "<network><name>hako-idle-net</name>"
                                    "<bridge name='hakoidle0'/></network>");
    if (net == NULL)
        g_error("define network: %s", virGetLastErrorMessage());
    error = run_fails("hako-idle-network", 32,
                      "<interface type='network'><source network='hako-idle-net'/>"
                      "<model type='e1000'/><rom enabled='no'/></interface>");
    assert_contains(error->message, "Could not start “hako-idle-network”");
    assert_contains(error->message, "virtual network hako-idle-net");
    assert_contains(error->message, "is not started");
    assert_contains(error->message, "Autostart");
    virNetworkUndefine(net);
    virNetworkFree(net);
    virConnectClose(conn);
}

/* A guest asking for more memory than the host can give: far more than its RAM and swap. */
#define HUGE_MEMORY_MIB (G_GUINT64_CONSTANT(4) * 1024 * 1024)

static void
test_host_memory(void)
{
    g_autoptr(GError) error = run_fails("hako-too-big", HUGE_MEMORY_MIB, "");

    assert_contains(error->message, "Could not start “hako-too-big”");
    assert_contains(error->message, "could not give the guest the memory it asks for");
    assert_contains(error->message, "Cannot allocate memory");
}

int
main(int argc, char *argv[])
{
    if (argc == 3 && g_str_equal(argv[1], "--child"))
        return child_main(argv[2]);

    g_test_init(&argc, &argv, NULL);
    hako_engine_init();
    uri = g_getenv("HAKO_TEST_URI");
    dir = g_getenv("HAKO_TEST_DIR");
    ctl = g_getenv("HAKO_TEST_LIBVIRTD_CTL");
    g_assert_nonnull(uri);
    g_assert_nonnull(dir);
    g_assert_nonnull(ctl);
    self_exe = g_file_read_link("/proc/self/exe", NULL);
    g_assert_nonnull(self_exe);

    /* In this order: the socket's mode is changed for good, and the daemon stopped last. */
    g_test_add_func("/troubleshoot-real/no-kvm", test_no_kvm);
    g_test_add_func("/troubleshoot-real/image-access", test_image_access);
    g_test_add_func("/troubleshoot-real/bridge-missing", test_bridge_missing);
    g_test_add_func("/troubleshoot-real/network-missing", test_network_missing);
    g_test_add_func("/troubleshoot-real/network-inactive", test_network_inactive);
    g_test_add_func("/troubleshoot-real/host-memory", test_host_memory);
    g_test_add_func("/troubleshoot-real/host-unresolved", test_host_unresolved);
    g_test_add_func("/troubleshoot-real/polkit-unavailable", test_polkit_unavailable);
    g_test_add_func("/troubleshoot-real/socket-permission", test_socket_permission);
    g_test_add_func("/troubleshoot-real/daemon-stopped", test_daemon_stopped);
    return g_test_run();
}
