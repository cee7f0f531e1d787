/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Remote hosts over SSH: HakoConnectionManager against a private, real libvirtd reached through
 * an sshd of the test's own on 127.0.0.1 (tests/harness/with-sshd inside
 * tests/harness/with-private-libvirtd). Questions ssh asks come as HakoAuthRequests, which the
 * test answers as a user would. */
#include "config.h"

#include "hako-connection-manager.h"
#include "hako-domain-ops.h"
#include "hako-engine-error.h"
#include "hako-engine.h"
#include "hako-test-util.h"

#include <glib/gstdio.h>
#include <libvirt/libvirt.h>
#include <signal.h>
#include <unistd.h>

static const char *libvirt_uri; /* the private daemon, as seen on the remote side */
static const char *ssh_port;
static const char *ssh_key;
static const char *ssh_known_hosts;
static const char *ssh_ctl;
static const char *ssh_password;
static const char *other_host_key;
static const char *guest;

typedef struct {
    HakoConnectionManager *manager;
    HakoHost *host;
    char *known_hosts; /* a copy the test may change */
    GPtrArray *asked;  /* the prompts, in order */
    GQueue answers;    /* what to answer (NULL: decline), in order */
    gboolean remember; /* answer passwords with "remember in the keyring" */
} Fixture;

static gboolean
host_disconnected(gpointer data)
{
    return hako_host_get_state(data) == HAKO_HOST_STATE_DISCONNECTED;
}

static int
logins(void)
{
    g_autofree char *out = NULL;
    g_autofree char *cmd = g_strdup_printf("%s logins", ssh_ctl);

    g_assert_true(g_spawn_command_line_sync(cmd, &out, NULL, NULL, NULL));
    return atoi(out);
}

/* Processes with an argument that is @arg (exact) or holds it; with @ssh_only, ssh's alone. */
static int
count_processes(const char *arg, gboolean exact, gboolean ssh_only)
{
    g_autoptr(GDir) dir = g_dir_open("/proc", 0, NULL);
    const char *name;
    int n = 0;

    while ((name = g_dir_read_name(dir)) != NULL) {
        g_autofree char *path = g_build_filename("/proc", name, "cmdline", NULL);
        g_autofree char *cmdline = NULL;
        gboolean found = FALSE;
        gsize len;

        if (!g_ascii_isdigit(name[0]) || !g_file_get_contents(path, &cmdline, &len, NULL) ||
            len == 0)
            continue;
        if (ssh_only && !g_str_equal(cmdline, "ssh") && !g_str_has_suffix(cmdline, "/ssh"))
            continue;
        for (gsize i = 0; i < len && !found; i += strlen(cmdline + i) + 1)
            found = exact ? g_str_equal(cmdline + i, arg) : strstr(cmdline + i, arg) != NULL;
        n += found;
    }
    return n;
}

/* ssh processes of this test's port (the master and any mux clients). */
static int
ssh_processes(void)
{
    return count_processes(ssh_port, TRUE, TRUE);
}

static gboolean
no_ssh_processes(gpointer data)
{
    return ssh_processes() == 0;
}

static gboolean
authenticate_cb(HakoConnectionManager *manager,
                HakoHost *host,
                HakoAuthRequest *request,
                Fixture *f)
{
    const char *answer;

    g_assert_cmpuint(hako_auth_request_get_n_credentials(request), ==, 1);
    g_ptr_array_add(f->asked, g_strdup(hako_auth_request_get_prompt(request, 0)));
    g_debug("asked: %s", hako_auth_request_get_prompt(request, 0));
    if (g_queue_is_empty(&f->answers)) {
        hako_auth_request_cancel(request);
        return TRUE;
    }
    answer = g_queue_pop_head(&f->answers);
    if (answer == NULL) {
        hako_auth_request_cancel(request);
        return TRUE;
    }
    hako_auth_request_set_answer(request, 0, answer);
    if (f->remember) {
        g_assert_true(hako_auth_request_get_can_remember(request));
        hako_auth_request_set_remember(request, TRUE);
    }
    hako_auth_request_complete(request);
    return TRUE;
}

static char *
make_uri(Fixture *f, gboolean with_key)
{
    g_autofree char *socket = NULL;
    const char *q = strstr(libvirt_uri, "socket=");

    g_assert_nonnull(q);
    socket = g_strdup(q + strlen("socket="));
    if (with_key)
        return g_strdup_printf(
            "qemu+ssh://root@127.0.0.1:%s/system?keyfile=%s&known_hosts=%s&socket=%s", ssh_port,
            ssh_key, f->known_hosts, socket);
    return g_strdup_printf("qemu+ssh://root@127.0.0.1:%s/system?known_hosts=%s&socket=%s", ssh_port,
                           f->known_hosts, socket);
}

static void
fixture_setup(Fixture *f, gconstpointer data)
{
    g_autofree char *contents = NULL;
    GError *error = NULL;
    int fd;

    f->asked = g_ptr_array_new_with_free_func(g_free);
    g_queue_init(&f->answers);
    fd = g_file_open_tmp("hako-known-hosts-XXXXXX", &f->known_hosts, &error);
    g_assert_no_error(error);
    close(fd);
    g_assert_true(g_file_get_contents(ssh_known_hosts, &contents, NULL, NULL));
    g_assert_true(g_file_set_contents(f->known_hosts, contents, -1, NULL));
    f->manager = hako_connection_manager_new(NULL);
    hako_connection_manager_set_retry_delays(f->manager, 300, 1000);
    g_signal_connect(f->manager, "authenticate", G_CALLBACK(authenticate_cb), f);
}

static void
fixture_teardown(Fixture *f, gconstpointer data)
{
    g_clear_object(&f->manager);
    /* No ssh process outlives the manager. */
    if (!hako_test_wait_until(no_ssh_processes, NULL, 5000)) {
        g_autofree char *cmd =
            g_strdup_printf("sh -c 'ps -e -o pid,ppid,etimes,args | grep -- %s'", ssh_port);
        g_autofree char *out = NULL;

        g_spawn_command_line_sync(cmd, &out, NULL, NULL, NULL);
        g_printerr("ssh processes left:\n%s", out != NULL ? out : "");
    }
    g_assert_true(no_ssh_processes(NULL));
    g_unlink(f->known_hosts);
    g_free(f->known_hosts);
    g_ptr_array_unref(f->asked);
    g_queue_clear(&f->answers);
}

static void
connect_to(Fixture *f, gboolean with_key)
{
    g_autofree char *uri = make_uri(f, with_key);

    f->host = hako_connection_manager_add(f->manager, uri, HAKO_CONNECT_NONE);
    hako_connection_manager_connect(f->manager, f->host);
}

/* Key login: one login for the connection and all it does; no process left after. */
static void
test_key_login(Fixture *f, gconstpointer data)
{
    int before = logins();

    connect_to(f, TRUE);
    g_assert_true(hako_test_wait_until(hako_test_host_connected, f->host, 60000));
    g_assert_nonnull(hako_domain_list_lookup_by_name(hako_host_get_domains(f->host), guest));
    g_assert_cmpuint(f->asked->len, ==, 0);
    hako_test_spin(1500); /* a stats poll or two over the connection */
    g_assert_cmpint(logins() - before, ==, 1);
    g_assert_cmpint(ssh_processes(), >=, 1);

    hako_connection_manager_disconnect(f->manager, f->host);
    g_assert_true(hako_test_wait_until(no_ssh_processes, NULL, 5000));
    g_assert_cmpint(logins() - before, ==, 1);
}

/* An unknown host key is shown, with its fingerprint; declined, there is no connection. */
static void
test_unknown_host_key_declined(Fixture *f, gconstpointer data)
{
    int before = logins();

    g_assert_true(g_file_set_contents(f->known_hosts, "", 0, NULL));
    g_queue_push_tail(&f->answers, NULL);
    connect_to(f, TRUE);
    g_assert_true(hako_test_wait_until(host_disconnected, f->host, 60000));
    g_assert_cmpuint(f->asked->len, ==, 1);
    g_assert_nonnull(strstr(g_ptr_array_index(f->asked, 0), "SHA256:"));
    g_assert_nonnull(strstr(hako_host_get_last_error(f->host), "was not accepted"));
    g_assert_cmpint(logins() - before, ==, 0);
}

/* Accepted, it is kept: the next connection asks nothing. */
static void
test_unknown_host_key_accepted(Fixture *f, gconstpointer data)
{
    g_autofree char *kept = NULL;

    g_assert_true(g_file_set_contents(f->known_hosts, "", 0, NULL));
    g_queue_push_tail(&f->answers, "yes");
    connect_to(f, TRUE);
    g_assert_true(hako_test_wait_until(hako_test_host_connected, f->host, 60000));
    g_assert_cmpuint(f->asked->len, ==, 1);
    g_assert_true(g_file_get_contents(f->known_hosts, &kept, NULL, NULL));
    g_assert_nonnull(strstr(kept, "ssh-ed25519"));

    hako_connection_manager_disconnect(f->manager, f->host);
    hako_connection_manager_connect(f->manager, f->host);
    g_assert_true(hako_test_wait_until(hako_test_host_connected, f->host, 60000));
    g_assert_cmpuint(f->asked->len, ==, 1);
}

/* A changed host key: refused, said why, nobody asked, nobody logged in. */
static void
test_changed_host_key(Fixture *f, gconstpointer data)
{
    g_autofree char *line = g_strconcat(other_host_key, "\n", NULL);
    int before = logins();

    g_assert_true(g_file_set_contents(f->known_hosts, line, -1, NULL));
    connect_to(f, TRUE);
    g_assert_true(hako_test_wait_until(host_disconnected, f->host, 60000));
    g_assert_cmpuint(f->asked->len, ==, 0);
    g_assert_nonnull(strstr(hako_host_get_last_error(f->host), "not the one it had before"));
    g_assert_nonnull(strstr(hako_host_get_last_error(f->host), "ssh-keygen -R"));
    g_assert_cmpint(logins() - before, ==, 0);
}

/* Password login: asked through Hako, once. */
static void
test_password_login(Fixture *f, gconstpointer data)
{
    int before = logins();

    g_queue_push_tail(&f->answers, (gpointer)ssh_password);
    connect_to(f, FALSE);
    g_assert_true(hako_test_wait_until(hako_test_host_connected, f->host, 60000));
    g_assert_cmpuint(f->asked->len, ==, 1);
    g_assert_nonnull(strstr(g_ptr_array_index(f->asked, 0), "password"));
    g_assert_cmpint(logins() - before, ==, 1);
}

/* A wrong password: asked again as ssh does, then a clear error, and no hang. */
static void
test_wrong_password(Fixture *f, gconstpointer data)
{
    for (int i = 0; i < 3; i++)
        g_queue_push_tail(&f->answers, "wrong-password");
    connect_to(f, FALSE);
    g_assert_true(hako_test_wait_until(host_disconnected, f->host, 60000));
    g_assert_cmpuint(f->asked->len, ==, 3);
    g_assert_nonnull(strstr(hako_host_get_last_error(f->host), "refused the SSH login"));
}

/* The session dies: the host says so and why, then comes back by itself. */
static void
test_master_killed(Fixture *f, gconstpointer data)
{
    g_autoptr(GDir) dir = NULL;

    connect_to(f, TRUE);
    g_assert_true(hako_test_wait_until(hako_test_host_connected, f->host, 60000));
    /* Kill the master as a dropped network would: no goodbye. */
    g_assert_cmpint(ssh_processes(), >=, 1);
    {
        g_autofree char *cmd = g_strdup_printf("pkill -KILL -f -- '-M -N -S .*%s'", ssh_port);

        g_assert_true(g_spawn_command_line_sync(cmd, NULL, NULL, NULL, NULL));
    }
    g_assert_true(hako_test_wait_until(host_disconnected, f->host, 30000));
    g_assert_nonnull(strstr(hako_host_get_last_error(f->host), "SSH session"));
    g_assert_true(hako_test_wait_until(hako_test_host_connected, f->host, 30000));
}

/* A password kept in the keyring at the user's word: the next login asks nothing; once the
 * password changed, the kept one is refused, forgotten, and the user is asked again. */
static void
test_password_kept(Fixture *f, gconstpointer data)
{
    g_autofree char *cmd = NULL;

    f->remember = TRUE;
    g_queue_push_tail(&f->answers, (gpointer)ssh_password);
    connect_to(f, FALSE);
    g_assert_true(hako_test_wait_until(hako_test_host_connected, f->host, 60000));
    g_assert_cmpuint(f->asked->len, ==, 1);

    hako_connection_manager_disconnect(f->manager, f->host);
    hako_connection_manager_connect(f->manager, f->host);
    g_assert_true(hako_test_wait_until(hako_test_host_connected, f->host, 60000));
    g_assert_cmpuint(f->asked->len, ==, 1);

    cmd = g_strdup_printf("%s password hako-changed-pw", ssh_ctl);
    g_assert_true(g_spawn_command_line_sync(cmd, NULL, NULL, NULL, NULL));
    f->remember = FALSE;
    g_queue_push_tail(&f->answers, "hako-changed-pw");
    hako_connection_manager_disconnect(f->manager, f->host);
    hako_connection_manager_connect(f->manager, f->host);
    g_assert_true(hako_test_wait_until(hako_test_host_connected, f->host, 60000));
    g_assert_cmpuint(f->asked->len, ==, 2);

    /* Not kept this time, and the old one is gone: asked again. */
    g_queue_push_tail(&f->answers, "hako-changed-pw");
    hako_connection_manager_disconnect(f->manager, f->host);
    hako_connection_manager_connect(f->manager, f->host);
    g_assert_true(hako_test_wait_until(hako_test_host_connected, f->host, 60000));
    g_assert_cmpuint(f->asked->len, ==, 3);

    g_free(cmd);
    cmd = g_strdup_printf("%s password %s", ssh_ctl, ssh_password);
    g_assert_true(g_spawn_command_line_sync(cmd, NULL, NULL, NULL, NULL));
}

/* Processes whose command line has @needle as an argument (or within one). */
static int
processes_with(const char *needle)
{
    return count_processes(needle, FALSE, FALSE);
}

static gboolean
no_process_with(gpointer needle)
{
    return processes_with(needle) == 0;
}

/* Hako killed outright (a crash, SIGKILL, the session ending): its SSH sessions end too. */
static void
test_hako_killed(Fixture *f, gconstpointer data)
{
    g_autofree char *note =
        g_build_filename(g_getenv("HAKO_TEST_SSH_DIR"), "killed-known-hosts", NULL);

    if (g_test_subprocess()) {
        g_autofree char *uri = NULL;

        g_free(f->known_hosts);
        g_assert_true(g_file_get_contents(note, &f->known_hosts, NULL, NULL));
        uri = make_uri(f, TRUE);
        f->host = hako_connection_manager_add(f->manager, uri, HAKO_CONNECT_NONE);
        hako_connection_manager_connect(f->manager, f->host);
        g_assert_true(hako_test_wait_until(hako_test_host_connected, f->host, 60000));
        g_assert_cmpint(processes_with(f->known_hosts), >=, 1);
        g_print("connected\n");
        raise(SIGKILL);
    }
    g_assert_true(g_file_set_contents(note, f->known_hosts, -1, NULL));
    g_test_trap_subprocess(NULL, 120 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
    g_unlink(note);
    g_test_trap_assert_failed();
    g_test_trap_assert_stdout("*connected*");
    g_assert_true(hako_test_wait_until(no_process_with, f->known_hosts, 5000));
}

/* A key of the test's own, authorized for root at the test's sshd; @passphrase may be "". */
static char *
authorized_key(const char *passphrase)
{
    g_autofree char *dir = g_dir_make_tmp("hako-ssh-key-XXXXXX", NULL);
    g_autofree char *authorized =
        g_build_filename(g_getenv("HAKO_TEST_SSH_DIR"), "authorized_keys", NULL);
    g_autofree char *pub = NULL;
    g_autofree char *keys = NULL;
    g_autofree char *both = NULL;
    char *key = g_build_filename(dir, "id_ed25519", NULL);
    const char *argv[] = {"ssh-keygen", "-q", "-t", "ed25519", "-N", passphrase, "-f", key, NULL};
    int status;

    g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL,
                               NULL, &status, NULL));
    g_assert_cmpint(status, ==, 0);
    g_assert_true(g_file_get_contents(authorized, &keys, NULL, NULL));
    g_free(key);
    key = g_build_filename(dir, "id_ed25519.pub", NULL);
    g_assert_true(g_file_get_contents(key, &pub, NULL, NULL));
    both = g_strconcat(keys, pub, NULL);
    g_assert_true(g_file_set_contents(authorized, both, -1, NULL));
    g_free(key);
    return g_build_filename(dir, "id_ed25519", NULL);
}

static void
remove_dir(const char *path)
{
    g_autofree char *cmd = g_strdup_printf("rm -rf %s", path);

    g_spawn_command_line_sync(cmd, NULL, NULL, NULL, NULL);
}

/* A key with a passphrase: ssh asks for the passphrase, in Hako, and logs in with the key. */
static void
test_key_passphrase(Fixture *f, gconstpointer data)
{
    g_autofree char *key = authorized_key("hako-passphrase");
    g_autofree char *uri = NULL;
    const char *socket = strstr(libvirt_uri, "socket=") + strlen("socket=");

    g_queue_push_tail(&f->answers, "hako-passphrase");
    uri = g_strdup_printf("qemu+ssh://root@127.0.0.1:%s/system?keyfile=%s&known_hosts=%s&"
                          "socket=%s",
                          ssh_port, key, f->known_hosts, socket);
    f->host = hako_connection_manager_add(f->manager, uri, HAKO_CONNECT_NONE);
    hako_connection_manager_connect(f->manager, f->host);
    g_assert_true(hako_test_wait_until(hako_test_host_connected, f->host, 60000));
    g_assert_cmpuint(f->asked->len, ==, 1);
    g_assert_nonnull(strstr(g_ptr_array_index(f->asked, 0), "passphrase"));
    {
        g_autofree char *dir = g_path_get_dirname(key);

        remove_dir(dir);
    }
}

/* The user's SSH agent works as it is: its key logs in, nobody is asked anything. Hako runs
 * in a process of its own here, with the agent in its environment as a desktop session
 * would start it (set before any thread runs: the environment is not thread-safe). */
static void
test_agent(Fixture *f, gconstpointer data)
{
    g_autofree char *key = NULL;
    g_autofree char *key_dir = NULL;
    g_autofree char *agent_dir = NULL;
    g_autofree char *agent_socket = NULL;
    g_autofree char *cmd = NULL;
    char *agent_output = NULL;
    int status;

    g_autofree char *note = g_build_filename(g_getenv("HAKO_TEST_SSH_DIR"), "agent-socket", NULL);

    if (g_test_subprocess()) {
        g_autofree char *socket = NULL;

        /* Before Hako starts any thread: the environment a desktop session gives it. */
        g_assert_true(g_file_get_contents(note, &socket, NULL, NULL));
        g_setenv("SSH_AUTH_SOCK", socket, TRUE);
        connect_to(f, FALSE);
        g_assert_true(hako_test_wait_until(hako_test_host_connected, f->host, 60000));
        g_assert_cmpuint(f->asked->len, ==, 0);
        return;
    }
    key = authorized_key("");
    key_dir = g_path_get_dirname(key);
    agent_dir = g_dir_make_tmp("hako-agent-XXXXXX", NULL);
    agent_socket = g_build_filename(agent_dir, "agent.sock", NULL);
    cmd = g_strdup_printf("ssh-agent -a %s", agent_socket);
    /* its shell lines go nowhere: stdout is the test's TAP */
    g_assert_true(g_spawn_command_line_sync(cmd, &agent_output, NULL, &status, NULL));
    g_free(agent_output);
    g_assert_cmpint(status, ==, 0);
    g_free(cmd);
    cmd = g_strdup_printf("env SSH_AUTH_SOCK=%s ssh-add -q %s", agent_socket, key);
    g_assert_true(g_spawn_command_line_sync(cmd, NULL, NULL, &status, NULL));
    g_assert_cmpint(status, ==, 0);

    g_assert_true(g_file_set_contents(note, agent_socket, -1, NULL));
    g_test_trap_subprocess(NULL, 120 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
    g_unlink(note);

    g_free(cmd);
    cmd = g_strdup_printf("pkill -f 'ssh-agent -a %s'", agent_socket);
    g_spawn_command_line_sync(cmd, NULL, NULL, NULL, NULL);
    remove_dir(agent_dir);
    remove_dir(key_dir);
    g_test_trap_assert_passed();
}

#define N_HOSTS 10
#define MAX_GAP_US (200 * G_TIME_SPAN_MILLISECOND)

static gboolean
all_connected(gpointer data)
{
    HakoHost **hosts = data;

    for (guint i = 0; i < N_HOSTS; i++)
        if (hako_host_get_state(hosts[i]) != HAKO_HOST_STATE_CONNECTED)
            return FALSE;
    return TRUE;
}

/* Ten SSH hosts at once (ten sessions: each URI is a host of its own): the main loop keeps
 * turning while they log in and list their guests. */
static void
test_ten_hosts(Fixture *f, gconstpointer data)
{
    g_autofree char *known = NULL;
    HakoHost *hosts[N_HOSTS];
    g_auto(GStrv) files = g_new0(char *, N_HOSTS + 1);
    HakoGapMonitor *monitor;
    gint64 gap;

    g_assert_true(g_file_get_contents(ssh_known_hosts, &known, NULL, NULL));
    for (guint i = 0; i < N_HOSTS; i++) {
        g_autofree char *uri = NULL;
        int fd = g_file_open_tmp("hako-known-hosts-XXXXXX", &files[i], NULL);

        g_assert_cmpint(fd, >=, 0);
        close(fd);
        g_assert_true(g_file_set_contents(files[i], known, -1, NULL));
        uri = g_strdup_printf("qemu+ssh://root@127.0.0.1:%s/system?keyfile=%s&known_hosts=%s&"
                              "socket=%s",
                              ssh_port, ssh_key, files[i],
                              strstr(libvirt_uri, "socket=") + strlen("socket="));
        hosts[i] = hako_connection_manager_add(f->manager, uri, HAKO_CONNECT_NONE);
    }
    monitor = hako_gap_monitor_start();
#if defined(__SANITIZE_ADDRESS__)
    /* AddressSanitizer's allocator is not safe across fork() (GCC 12): with ten threads in
     * libvirt forking ssh at once, a child was seen stuck before exec, on a lock another
     * thread held. Under it the hosts connect one after another; the release build (and the
     * ui suite) connects them all at once. */
    for (guint i = 0; i < N_HOSTS; i++) {
        hako_connection_manager_connect(f->manager, hosts[i]);
        g_assert_true(hako_test_wait_until(hako_test_host_connected, hosts[i], 60000));
    }
#else
    for (guint i = 0; i < N_HOSTS; i++)
        hako_connection_manager_connect(f->manager, hosts[i]);
#endif
    g_assert_true(hako_test_wait_until(all_connected, hosts, 90000));
    gap = hako_gap_monitor_stop(monitor);
    g_test_message("largest main-loop gap while ten SSH hosts connected: %" G_GINT64_FORMAT " ms",
                   gap / 1000);
    g_assert_cmpint(gap, <, MAX_GAP_US);
    for (guint i = 0; i < N_HOSTS; i++)
        g_unlink(files[i]);
}

static void
done_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    *(GAsyncResult **)user_data = g_object_ref(result);
}

static gboolean
is_set(gpointer data)
{
    return *(gpointer *)data != NULL;
}

/* The guest's VNC display as the console engine reaches it from @host. */
static HakoGraphicsEndpoint *
open_display(HakoConnectionManager *manager, HakoHost *host, GError **error)
{
    g_autoptr(HakoDomainOps) ops = hako_domain_ops_new(manager);
    HakoDomain *domain = hako_domain_list_lookup_by_name(hako_host_get_domains(host), guest);
    g_autoptr(GAsyncResult) result = NULL;

    g_assert_nonnull(domain);
    hako_domain_ops_open_graphics_async(ops, domain, HAKO_CONSOLE_KIND_VNC, 0, NULL, done_cb,
                                        &result);
    g_assert_true(hako_test_wait_until(is_set, &result, 30000));
    return hako_domain_ops_open_graphics_finish(ops, result, error);
}

static gboolean
guest_running(gpointer data)
{
    HakoHost *host = data;
    HakoDomain *domain = hako_domain_list_lookup_by_name(hako_host_get_domains(host), guest);

    return domain != NULL && hako_domain_get_state(domain) == HAKO_DOMAIN_STATE_RUNNING;
}

/* A display that listens on the host's loopback: through the session it is reached; with
 * --direct (HAKO_CONNECT_DIRECT) it cannot be, and the error says what to do. */
static void
test_console_direct(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(HakoGraphicsEndpoint) tunnelled = NULL;
    g_autoptr(HakoGraphicsEndpoint) direct = NULL;
    g_autofree char *uri = make_uri(f, TRUE);
    virConnectPtr conn = virConnectOpen(libvirt_uri);
    virDomainPtr dom = virDomainLookupByName(conn, guest);
    g_autoptr(HakoConnectionManager) direct_manager = hako_connection_manager_new(NULL);
    HakoHost *direct_host;

    g_assert_nonnull(dom);
    if (!virDomainIsActive(dom))
        g_assert_cmpint(virDomainCreate(dom), ==, 0);
    virDomainFree(dom);
    virConnectClose(conn);

    connect_to(f, TRUE);
    g_assert_true(hako_test_wait_until(guest_running, f->host, 60000));
    tunnelled = open_display(f->manager, f->host, &error);
    g_assert_no_error(error);
    g_assert_cmpint(tunnelled->fd, >=, 0);
    {
        char greeting[12] = {0};

        g_assert_cmpint(read(tunnelled->fd, greeting, sizeof greeting), ==, 12);
        g_assert_true(g_str_has_prefix(greeting, "RFB "));
    }

    direct_host = hako_connection_manager_add(direct_manager, uri, HAKO_CONNECT_DIRECT);
    hako_connection_manager_connect(direct_manager, direct_host);
    g_assert_true(hako_test_wait_until(guest_running, direct_host, 60000));
    direct = open_display(direct_manager, direct_host, &error);
    g_assert_null(direct);
    g_assert_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_NOT_SUPPORTED);
    g_assert_nonnull(strstr(error->message, "Leave out --direct"));
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    hako_engine_init();

    libvirt_uri = g_getenv("HAKO_TEST_URI");
    guest = g_getenv("HAKO_TEST_GUEST");
    ssh_port = g_getenv("HAKO_TEST_SSH_PORT");
    ssh_key = g_getenv("HAKO_TEST_SSH_KEY");
    ssh_known_hosts = g_getenv("HAKO_TEST_SSH_KNOWN_HOSTS");
    ssh_ctl = g_getenv("HAKO_TEST_SSH_CTL");
    ssh_password = g_getenv("HAKO_TEST_SSH_PASSWORD");
    other_host_key = g_getenv("HAKO_TEST_SSH_OTHER_KEY");
    if (libvirt_uri == NULL || ssh_port == NULL || ssh_ctl == NULL) {
        g_printerr("Run me with tests/harness/with-private-libvirtd tests/harness/with-sshd\n");
        return 1;
    }

#define ADD(path, func)                                                                            \
    g_test_add("/engine/ssh/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
    ADD("key-login", test_key_login);
    ADD("host-key/unknown-declined", test_unknown_host_key_declined);
    ADD("host-key/unknown-accepted", test_unknown_host_key_accepted);
    ADD("host-key/changed", test_changed_host_key);
    ADD("password/right", test_password_login);
    ADD("password/wrong", test_wrong_password);
    ADD("password/kept", test_password_kept);
    ADD("master-killed", test_master_killed);
    ADD("console/direct", test_console_direct);
    ADD("ten-hosts", test_ten_hosts);
    ADD("hako-killed", test_hako_killed);
    ADD("key/passphrase", test_key_passphrase);
    ADD("key/agent", test_agent);
    return g_test_run();
}
