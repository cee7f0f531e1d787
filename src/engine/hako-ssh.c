/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "hako-engine-error.h"
#include "hako-ssh-private.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gunixsocketaddress.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/*
 * One SSH login per remote host. Hako starts an OpenSSH control master for each host
 * (`ssh -M -N -S SOCKET`) in a private directory (mode 0700), and everything else that goes
 * to that host rides on it as a multiplexed session: libvirt's own ssh transport, through a
 * small per-host wrapper named by the URI's command= parameter, and each console channel,
 * through `ssh -W HOST:PORT` on a socket pair. Nothing but the master ever logs in.
 *
 * ssh never talks to a terminal: it runs in a session of its own, and with
 * SSH_ASKPASS_REQUIRE=force every question it has (a password, a key's passphrase, an unknown
 * host key) goes to hako-askpass, which passes it to the running Hako over a socket in the
 * private directory, where the ask function shows it to the user.
 *
 * Host keys: the master first runs with StrictHostKeyChecking=yes, so that a changed key is
 * refused outright (with "ask", ssh would go on with key logins after its warning). Only when
 * the key is unknown does it run again with "ask", and then the user sees the fingerprint and
 * decides.
 */

#define START_POLL_US (20 * 1000)
#define STOP_WAIT_US (3 * G_USEC_PER_SEC)

struct _HakoSshContext {
    gatomicrefcount refs; /* the manager's, and one per master */
    char *dir;
    char *askpass;
    GSocketService *askpass_service;
    GMutex lock;
    GHashTable *masters; /* id → HakoSshMaster (no ref: a master unregisters when freed) */
    guint next_id;
};

struct _HakoSshMaster {
    gatomicrefcount refs;
    HakoSshContext *context;
    guint id;
    HakoSshTarget *target;
    char *control; /* the control socket */
    char *wrapper; /* the script libvirt runs as its ssh */
    char *log;     /* the master's stderr */
    HakoSshAskFunc ask;
    gpointer ask_data;
    GDestroyNotify ask_data_free;

    GMutex lock;
    GSubprocess *process; /* the running master, or NULL */
    guint starts;         /* how many times it was started: each start has paths of its own */
};

/* ---------------------------------------------------------------------------------------- */
/* Targets                                                                                   */

void
_hako_ssh_target_free(HakoSshTarget *target)
{
    if (target == NULL)
        return;
    g_free(target->user);
    g_free(target->host);
    g_free(target->keyfile);
    g_free(target->known_hosts);
    g_free(target);
}

/**
 * _hako_ssh_target_from_uri:
 *
 * Returns: the SSH target of a libvirt URI whose transport is ssh ("qemu+ssh://…"), or NULL
 *   without an error for any other URI, or NULL with an error for a malformed one.
 */
HakoSshTarget *
_hako_ssh_target_from_uri(const char *uri, GError **error)
{
    g_autoptr(GUri) parsed = NULL;
    g_autoptr(HakoSshTarget) target = NULL;
    const char *scheme;
    const char *query;
    g_autoptr(GError) local_error = NULL;

    parsed = g_uri_parse(uri, G_URI_FLAGS_NON_DNS | G_URI_FLAGS_ENCODED_QUERY, &local_error);
    if (parsed == NULL) {
        g_set_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_INVALID_DATA,
                    _("“%s” is not a valid connection URI: %s"), uri, local_error->message);
        return NULL;
    }
    scheme = g_uri_get_scheme(parsed);
    if (!g_str_has_suffix(scheme, "+ssh"))
        return NULL;
    if (g_uri_get_host(parsed) == NULL || *g_uri_get_host(parsed) == '\0') {
        g_set_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_INVALID_DATA,
                    _("“%s” names no host to reach over SSH."), uri);
        return NULL;
    }
    target = g_new0(HakoSshTarget, 1);
    target->user = g_strdup(g_uri_get_user(parsed));
    target->host = g_strdup(g_uri_get_host(parsed));
    target->port = g_uri_get_port(parsed);
    query = g_uri_get_query(parsed);
    if (query != NULL) {
        g_autoptr(GHashTable) params =
            g_uri_parse_params(query, -1, "&", G_URI_PARAMS_NONE, &local_error);

        if (params == NULL) {
            g_set_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_INVALID_DATA,
                        _("The parameters of “%s” are not valid: %s"), uri, local_error->message);
            return NULL;
        }
        target->keyfile = g_strdup(g_hash_table_lookup(params, "keyfile"));
        target->known_hosts = g_strdup(g_hash_table_lookup(params, "known_hosts"));
    }
    return g_steal_pointer(&target);
}

/* ---------------------------------------------------------------------------------------- */
/* The askpass server                                                                        */

static HakoCredentialType
classify_prompt(const char *kind, const char *prompt)
{
    if (g_strcmp0(kind, "confirm") == 0 || strstr(prompt, "authenticity of host") != NULL ||
        strstr(prompt, "(yes/no") != NULL)
        return HAKO_CREDENTIAL_CONFIRM;
    if (strstr(prompt, "assword") != NULL || strstr(prompt, "assphrase") != NULL ||
        strstr(prompt, "PIN") != NULL)
        return HAKO_CREDENTIAL_PASSWORD;
    return HAKO_CREDENTIAL_NOECHOPROMPT;
}

/* On one of the service's threads: "HAKO-ASKPASS 1\nID\nKIND\nPROMPT" in, "OK\nANSWER" or
 * "NO\n" out. */
static gboolean
askpass_run_cb(GThreadedSocketService *service,
               GSocketConnection *connection,
               GObject *source_object,
               gpointer user_data)
{
    HakoSshContext *context = user_data;
    GInputStream *in = g_io_stream_get_input_stream(G_IO_STREAM(connection));
    GOutputStream *out = g_io_stream_get_output_stream(G_IO_STREAM(connection));
    g_autoptr(GByteArray) request = g_byte_array_new();
    g_autofree char *answer = NULL;
    g_auto(GStrv) parts = NULL;
    HakoSshMaster *master = NULL;
    char buffer[1024];
    gssize n;

    while ((n = g_input_stream_read(in, buffer, sizeof buffer, NULL, NULL)) > 0 &&
           request->len < 64 * 1024)
        g_byte_array_append(request, (guint8 *)buffer, n);
    g_byte_array_append(request, (guint8 *)"", 1);
    parts = g_strsplit((const char *)request->data, "\n", 4);
    if (g_strv_length(parts) == 4 && g_str_equal(parts[0], "HAKO-ASKPASS 1")) {
        guint id = (guint)g_ascii_strtoull(parts[1], NULL, 10);

        g_mutex_lock(&context->lock);
        master = g_hash_table_lookup(context->masters, GUINT_TO_POINTER(id));
        if (master != NULL)
            _hako_ssh_master_ref(master);
        g_mutex_unlock(&context->lock);
    }
    if (master != NULL) {
        HakoCredentialType type = classify_prompt(parts[2], parts[3]);

        g_debug("ssh to %s asks: %s", master->target->host, parts[3]);
        if (master->ask != NULL)
            answer = master->ask(type, g_strchomp(parts[3]), master->ask_data);
        if (answer != NULL && type == HAKO_CREDENTIAL_CONFIRM) {
            g_free(answer);
            answer = g_strdup("yes");
        }
        _hako_ssh_master_unref(master);
    }
    if (answer != NULL) {
        g_autofree char *reply = g_strconcat("OK\n", answer, NULL);

        g_output_stream_write_all(out, reply, strlen(reply), NULL, NULL, NULL);
        memset(reply, 0, strlen(reply));
        memset(answer, 0, strlen(answer));
    } else {
        g_output_stream_write_all(out, "NO\n", 3, NULL, NULL, NULL);
    }
    return TRUE;
}

static char *
find_askpass(void)
{
    const char *env = g_getenv("HAKO_ASKPASS");
    g_autofree char *self = g_file_read_link("/proc/self/exe", NULL);

    if (env != NULL && *env != '\0')
        return g_strdup(env);
    /* Run from the build tree: the helper is built next to hako. */
    if (self != NULL) {
        g_autofree char *dir = g_path_get_dirname(self);
        g_autofree char *path = g_build_filename(dir, "hako-askpass", NULL);

        if (g_file_test(path, G_FILE_TEST_IS_EXECUTABLE))
            return g_steal_pointer(&path);
    }
    return g_build_filename(LIBEXECDIR, "hako-askpass", NULL);
}

/* No I/O here: the directory and the askpass socket are made by the first master that starts,
 * on its worker thread. */
HakoSshContext *
_hako_ssh_context_new(void)
{
    HakoSshContext *context = g_new0(HakoSshContext, 1);

    g_atomic_ref_count_init(&context->refs);
    context->askpass = find_askpass();
    context->masters = g_hash_table_new(NULL, NULL);
    g_mutex_init(&context->lock);
    return context;
}

/* Any thread: the private directory and the askpass socket, made once. */
static gboolean
context_ensure_ready(HakoSshContext *context, GError **error)
{
    g_autoptr(GSocketAddress) address = NULL;
    g_autofree char *socket_path = NULL;
    g_autofree char *dir = NULL;
    gboolean ok = FALSE;

    g_mutex_lock(&context->lock);
    if (context->dir != NULL) {
        g_mutex_unlock(&context->lock);
        return TRUE;
    }
    dir = g_build_filename(g_get_user_runtime_dir(), "hako-ssh-XXXXXX", NULL);
    if (g_mkdtemp_full(dir, 0700) == NULL) {
        int saved = errno;

        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(saved),
                    _("Could not make a private directory for SSH sessions in %s: %s"),
                    g_get_user_runtime_dir(), g_strerror(saved));
        goto out;
    }
    socket_path = g_build_filename(dir, "askpass.sock", NULL);
    address = g_unix_socket_address_new(socket_path);
    context->askpass_service = g_threaded_socket_service_new(8);
    if (!g_socket_listener_add_address(G_SOCKET_LISTENER(context->askpass_service), address,
                                       G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT, NULL, NULL,
                                       error)) {
        g_clear_object(&context->askpass_service);
        g_rmdir(dir);
        goto out;
    }
    g_signal_connect(context->askpass_service, "run", G_CALLBACK(askpass_run_cb), context);
    g_socket_service_start(context->askpass_service);
    context->dir = g_steal_pointer(&dir);
    ok = TRUE;
out:
    g_mutex_unlock(&context->lock);
    return ok;
}

static HakoSshContext *
context_ref(HakoSshContext *context)
{
    g_atomic_ref_count_inc(&context->refs);
    return context;
}

/* The last master and the manager gone: the directory goes too. */
void
_hako_ssh_context_unref(HakoSshContext *context)
{
    g_autoptr(GDir) dir = NULL;
    const char *name;

    if (context == NULL || !g_atomic_ref_count_dec(&context->refs))
        return;
    if (context->askpass_service != NULL) {
        g_socket_service_stop(context->askpass_service);
        g_socket_listener_close(G_SOCKET_LISTENER(context->askpass_service));
        g_signal_handlers_disconnect_by_data(context->askpass_service, context);
        g_object_unref(context->askpass_service);
    }
    if (context->dir != NULL) {
        dir = g_dir_open(context->dir, 0, NULL);
        while (dir != NULL && (name = g_dir_read_name(dir)) != NULL) {
            g_autofree char *path = g_build_filename(context->dir, name, NULL);

            g_unlink(path);
        }
        g_rmdir(context->dir);
    }
    g_hash_table_unref(context->masters);
    g_mutex_clear(&context->lock);
    g_free(context->askpass);
    g_free(context->dir);
    g_free(context);
}

/* ---------------------------------------------------------------------------------------- */
/* Masters                                                                                   */

static char *
shell_quote(const char *s)
{
    return g_shell_quote(s);
}

static gboolean
write_wrapper(HakoSshMaster *self, GError **error)
{
    g_autofree char *control = shell_quote(self->control);
    g_autofree char *host = shell_quote(self->target->host);
    g_autofree char *script =
        g_strdup_printf("#!/bin/sh\n"
                        "# libvirt's ssh, through Hako's one SSH session to %s\n"
                        "ssh -S %s -O check %s 2>/dev/null || {\n"
                        "    echo \"Hako's SSH session to %s has ended\" >&2\n"
                        "    exit 255\n"
                        "}\n"
                        "# Should the session end between the check and this, ssh would log in\n"
                        "# on its own: its connection's proxy command fails instead.\n"
                        "exec ssh -S %s -o ControlMaster=no -o BatchMode=yes \\\n"
                        "    -o ProxyCommand=false \"$@\"\n",
                        self->target->host, control, host, self->target->host, control);

    if (!g_file_set_contents_full(self->wrapper, script, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0700,
                                  error))
        return FALSE;
    return TRUE;
}

HakoSshMaster *
_hako_ssh_master_new(HakoSshContext *context,
                     const HakoSshTarget *target,
                     HakoSshAskFunc ask,
                     gpointer ask_data,
                     GDestroyNotify ask_data_free)
{
    HakoSshMaster *self = g_new0(HakoSshMaster, 1);

    g_atomic_ref_count_init(&self->refs);
    self->context = context_ref(context);
    self->target = g_new0(HakoSshTarget, 1);
    self->target->user = g_strdup(target->user);
    self->target->host = g_strdup(target->host);
    self->target->port = target->port;
    self->target->keyfile = g_strdup(target->keyfile);
    self->target->known_hosts = g_strdup(target->known_hosts);
    self->ask = ask;
    self->ask_data = ask_data;
    self->ask_data_free = ask_data_free;
    g_mutex_init(&self->lock);

    g_mutex_lock(&context->lock);
    self->id = ++context->next_id;
    g_hash_table_insert(context->masters, GUINT_TO_POINTER(self->id), self);
    g_mutex_unlock(&context->lock);
    return self;
}

HakoSshMaster *
_hako_ssh_master_ref(HakoSshMaster *self)
{
    g_atomic_ref_count_inc(&self->refs);
    return self;
}

void
_hako_ssh_master_unref(HakoSshMaster *self)
{
    if (self == NULL || !g_atomic_ref_count_dec(&self->refs))
        return;
    g_mutex_lock(&self->context->lock);
    g_hash_table_remove(self->context->masters, GUINT_TO_POINTER(self->id));
    g_mutex_unlock(&self->context->lock);
    _hako_ssh_master_stop(self);
    if (self->wrapper != NULL)
        g_unlink(self->wrapper);
    if (self->log != NULL)
        g_unlink(self->log);
    if (self->ask_data_free != NULL)
        self->ask_data_free(self->ask_data);
    _hako_ssh_target_free(self->target);
    _hako_ssh_context_unref(self->context);
    g_free(self->control);
    g_free(self->wrapper);
    g_free(self->log);
    g_mutex_clear(&self->lock);
    g_free(self);
}

static void
child_setup(gpointer user_data)
{
    /* No controlling terminal: ssh must never ask on one. */
    setsid();
}

/* A master also ends with Hako, however Hako ends (a crash, SIGKILL): the kernel sends it
 * SIGTERM when the thread that started it dies, and masters are started by a thread that lives
 * as long as the process (not the main thread: forking a large process takes long enough to
 * be seen there, ten hosts at once). */
static void
master_child_setup(gpointer user_data)
{
    pid_t parent = GPOINTER_TO_INT(user_data);

    setsid();
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent)
        raise(SIGTERM);
}

typedef struct {
    GSubprocessLauncher *launcher;
    const char *const *argv;
    GSubprocess *process;
    GError *error;
    GMutex lock;
    GCond cond;
    gboolean done;
} Spawn;

static gboolean
spawn_cb(gpointer data)
{
    Spawn *spawn = data;
    GSubprocess *process =
        g_subprocess_launcher_spawnv(spawn->launcher, spawn->argv, &spawn->error);

    g_mutex_lock(&spawn->lock);
    spawn->process = process;
    spawn->done = TRUE;
    g_cond_signal(&spawn->cond);
    g_mutex_unlock(&spawn->lock);
    return G_SOURCE_REMOVE;
}

static gpointer
spawner_thread(gpointer data)
{
    GMainLoop *loop = data;

    g_main_context_push_thread_default(g_main_loop_get_context(loop));
    g_main_loop_run(loop);
    return NULL;
}

/* The context of the thread that starts masters, made once, never ended. */
static GMainContext *
spawner_context(void)
{
    static gsize once = 0;
    static GMainContext *context;

    if (g_once_init_enter(&once)) {
        GMainContext *created = g_main_context_new();

        g_thread_unref(
            g_thread_new("hako-ssh-spawn", spawner_thread, g_main_loop_new(created, FALSE)));
        context = created;
        g_once_init_leave(&once, 1);
    }
    return context;
}

/* Spawns on the spawner thread (see master_child_setup), from any thread. */
static GSubprocess *
spawn_on_spawner_thread(GSubprocessLauncher *launcher, const char *const *argv, GError **error)
{
    Spawn spawn = {launcher, argv, NULL, NULL};

    g_mutex_init(&spawn.lock);
    g_cond_init(&spawn.cond);
    g_main_context_invoke(spawner_context(), spawn_cb, &spawn);
    g_mutex_lock(&spawn.lock);
    while (!spawn.done)
        g_cond_wait(&spawn.cond, &spawn.lock);
    g_mutex_unlock(&spawn.lock);
    g_mutex_clear(&spawn.lock);
    g_cond_clear(&spawn.cond);
    if (spawn.process == NULL)
        g_propagate_error(error, spawn.error);
    return spawn.process;
}

/* The common options of everything that starts ssh for this host. */
static void
add_target_args(HakoSshMaster *self, GPtrArray *argv)
{
    if (self->target->known_hosts != NULL) {
        g_ptr_array_add(argv, g_strdup("-o"));
        g_ptr_array_add(argv, g_strdup_printf("UserKnownHostsFile=%s", self->target->known_hosts));
    }
    if (self->target->keyfile != NULL) {
        g_ptr_array_add(argv, g_strdup("-i"));
        g_ptr_array_add(argv, g_strdup(self->target->keyfile));
    }
    if (self->target->port > 0) {
        g_ptr_array_add(argv, g_strdup("-p"));
        g_ptr_array_add(argv, g_strdup_printf("%d", self->target->port));
    }
    if (self->target->user != NULL) {
        g_ptr_array_add(argv, g_strdup("-l"));
        g_ptr_array_add(argv, g_strdup(self->target->user));
    }
}

static GSubprocess *
spawn_master(HakoSshMaster *self, const char *strict, GError **error)
{
    g_autoptr(GSubprocessLauncher) launcher =
        g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
    g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *askpass_socket = g_build_filename(self->context->dir, "askpass.sock", NULL);
    g_autofree char *id = g_strdup_printf("%u", self->id);

    g_ptr_array_add(argv, g_strdup("ssh"));
    g_ptr_array_add(argv, g_strdup("-M"));
    g_ptr_array_add(argv, g_strdup("-N"));
    g_ptr_array_add(argv, g_strdup("-S"));
    g_ptr_array_add(argv, g_strdup(self->control));
    g_ptr_array_add(argv, g_strdup("-o"));
    g_ptr_array_add(argv, g_strdup("ControlPersist=no"));
    g_ptr_array_add(argv, g_strdup("-o"));
    g_ptr_array_add(argv, g_strdup("ServerAliveInterval=10"));
    g_ptr_array_add(argv, g_strdup("-o"));
    g_ptr_array_add(argv, g_strdup("ServerAliveCountMax=3"));
    g_ptr_array_add(argv, g_strdup("-o"));
    g_ptr_array_add(argv, g_strdup("ConnectTimeout=20"));
    g_ptr_array_add(argv, g_strdup("-o"));
    g_ptr_array_add(argv, g_strdup_printf("StrictHostKeyChecking=%s", strict));
    add_target_args(self, argv);
    g_ptr_array_add(argv, g_strdup("--"));
    g_ptr_array_add(argv, g_strdup(self->target->host));
    g_ptr_array_add(argv, NULL);

    g_subprocess_launcher_setenv(launcher, "SSH_ASKPASS", self->context->askpass, TRUE);
    g_subprocess_launcher_setenv(launcher, "SSH_ASKPASS_REQUIRE", "force", TRUE);
    g_subprocess_launcher_setenv(launcher, "HAKO_ASKPASS_SOCKET", askpass_socket, TRUE);
    g_subprocess_launcher_setenv(launcher, "HAKO_ASKPASS_ID", id, TRUE);
    g_subprocess_launcher_set_stderr_file_path(launcher, self->log);
    g_subprocess_launcher_set_child_setup(launcher, master_child_setup, GINT_TO_POINTER(getpid()),
                                          NULL);
    g_unlink(self->log);
    return spawn_on_spawner_thread(launcher, (const char *const *)argv->pdata, error);
}

static char *
read_log(HakoSshMaster *self)
{
    char *text = NULL;

    if (self->log != NULL)
        g_file_get_contents(self->log, &text, NULL, NULL);
    return text != NULL ? text : g_strdup("");
}

/* The last line ssh wrote that says something, for a message. */
static char *
last_log_line(const char *log)
{
    g_auto(GStrv) lines = g_strsplit(log, "\n", -1);

    for (int i = (int)g_strv_length(lines) - 1; i >= 0; i--) {
        char *line = g_strstrip(lines[i]);

        if (*line != '\0' && !g_str_has_prefix(line, "Warning: Permanently added"))
            return g_strdup(line);
    }
    return NULL;
}

typedef enum { OUTCOME_UP, OUTCOME_EXITED, OUTCOME_CANCELLED } Outcome;

static Outcome
wait_until_up(HakoSshMaster *self, GSubprocess *process, GCancellable *cancellable)
{
    for (;;) {
        /* ssh makes the control socket once logged in (bound elsewhere, then linked). */
        if (g_file_test(self->control, G_FILE_TEST_EXISTS))
            return OUTCOME_UP;
        if (g_subprocess_get_identifier(process) == NULL)
            return OUTCOME_EXITED;
        if (g_cancellable_is_cancelled(cancellable))
            return OUTCOME_CANCELLED;
        g_usleep(START_POLL_US);
    }
}

static void
kill_and_wait(GSubprocess *process)
{
    gint64 deadline = g_get_monotonic_time() + STOP_WAIT_US;

    if (g_subprocess_get_identifier(process) == NULL)
        return;
    g_subprocess_send_signal(process, SIGTERM);
    while (g_subprocess_get_identifier(process) != NULL && g_get_monotonic_time() < deadline)
        g_usleep(10 * 1000);
    if (g_subprocess_get_identifier(process) != NULL)
        g_subprocess_force_exit(process);
}

static GError *
error_from_log(HakoSshMaster *self, const char *log, gboolean asked_host_key)
{
    g_autofree char *line = last_log_line(log);
    const char *host = self->target->host;

    if (strstr(log, "REMOTE HOST IDENTIFICATION HAS CHANGED") != NULL)
        return g_error_new(HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_HOST_KEY,
                           _("The host key of %s is not the one it had before, so Hako did not "
                             "connect: someone may be intercepting the connection. If the host "
                             "was reinstalled or its key was replaced on purpose, remove the old "
                             "key with “ssh-keygen -R %s” and connect again."),
                           host, host);
    if (asked_host_key && strstr(log, "Host key verification failed") != NULL)
        return g_error_new(HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_HOST_KEY,
                           _("The host key of %s was not accepted, so Hako did not connect."),
                           host);
    if (strstr(log, "Permission denied") != NULL)
        return g_error_new(HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_AUTH_FAILED,
                           _("%s refused the SSH login (%s). Check the user name, the password "
                             "or that your key is in the host’s authorized_keys."),
                           host, line != NULL ? line : "Permission denied");
    return g_error_new(HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_CONNECTION_LOST,
                       _("Could not open an SSH session to %s: %s"), host,
                       line != NULL ? line : _("ssh ended without saying why"));
}

/**
 * _hako_ssh_master_start:
 *
 * Logs in (once) and keeps the session, unless it already runs. Blocks until logged in, and
 * for as long as the user takes to answer ssh's questions: call it on a worker thread.
 */
gboolean
_hako_ssh_master_start(HakoSshMaster *self, GCancellable *cancellable, GError **error)
{
    gboolean asked_host_key = FALSE;

    if (_hako_ssh_master_is_running(self))
        return TRUE;
    _hako_ssh_master_stop(self);
    if (!context_ensure_ready(self->context, error))
        return FALSE;
    /* Paths of this start's own: a session retired a moment ago may still be ending, and removes
     * its control socket when it does. */
    g_mutex_lock(&self->lock);
    if (self->wrapper != NULL)
        g_unlink(self->wrapper);
    if (self->log != NULL)
        g_unlink(self->log);
    g_free(self->control);
    g_free(self->wrapper);
    g_free(self->log);
    self->starts++;
    self->control = g_strdup_printf("%s/%u-%u.sock", self->context->dir, self->id, self->starts);
    self->wrapper = g_strdup_printf("%s/%u-%u.ssh", self->context->dir, self->id, self->starts);
    self->log = g_strdup_printf("%s/%u-%u.log", self->context->dir, self->id, self->starts);
    g_mutex_unlock(&self->lock);
    g_unlink(self->control);
    if (!write_wrapper(self, error))
        return FALSE;

    for (;;) {
        g_autoptr(GSubprocess) process = spawn_master(self, asked_host_key ? "ask" : "yes", error);
        g_autofree char *log = NULL;

        if (process == NULL)
            return FALSE;
        g_debug("ssh master %u to %s: pid %s", self->id, self->target->host,
                g_subprocess_get_identifier(process));
        switch (wait_until_up(self, process, cancellable)) {
        case OUTCOME_UP:
            g_mutex_lock(&self->lock);
            g_set_object(&self->process, process);
            g_mutex_unlock(&self->lock);
            return TRUE;
        case OUTCOME_CANCELLED:
            kill_and_wait(process);
            g_cancellable_set_error_if_cancelled(cancellable, error);
            return FALSE;
        case OUTCOME_EXITED:
        default:
            break;
        }
        log = read_log(self);
        g_debug("ssh master %u to %s ended: %s", self->id, self->target->host, log);
        /* Unknown (not changed): once more, and ssh asks the user through hako-askpass. */
        if (!asked_host_key && strstr(log, "Host key verification failed") != NULL &&
            strstr(log, "REMOTE HOST IDENTIFICATION HAS CHANGED") == NULL) {
            asked_host_key = TRUE;
            continue;
        }
        g_propagate_error(error, error_from_log(self, log, asked_host_key));
        return FALSE;
    }
}

gboolean
_hako_ssh_master_is_running(HakoSshMaster *self)
{
    gboolean running;

    g_mutex_lock(&self->lock);
    running = self->process != NULL && g_subprocess_get_identifier(self->process) != NULL &&
              g_file_test(self->control, G_FILE_TEST_EXISTS);
    g_mutex_unlock(&self->lock);
    return running;
}

/* Whether a process has exited, even if GLib has not reaped it yet (a zombie). */
static gboolean
process_gone(GSubprocess *process)
{
    const char *pid = g_subprocess_get_identifier(process);
    g_autofree char *path = NULL;
    g_autofree char *stat = NULL;
    const char *end;

    if (pid == NULL)
        return TRUE;
    path = g_strdup_printf("/proc/%s/stat", pid);
    if (!g_file_get_contents(path, &stat, NULL, NULL))
        return TRUE;
    end = strrchr(stat, ')');
    return end != NULL && (end[2] == 'Z' || end[2] == 'X');
}

/* Whether nothing listens on the control socket any more. A dying master closes its files
 * (the listener among them) before it becomes a zombie, and before the sessions on it see the
 * end, so this answers right even while the process is still on its way out. */
static gboolean
control_refuses(const char *path)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    int fd;
    gboolean refused;

    if (path == NULL || strlen(path) >= sizeof addr.sun_path)
        return FALSE;
    strcpy(addr.sun_path, path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return FALSE;
    refused = connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0 && errno != EAGAIN &&
              errno != EINPROGRESS;
    close(fd);
    return refused;
}

/* Whether a session that was up has ended by itself (killed, or its link died). */
gboolean
_hako_ssh_master_has_ended(HakoSshMaster *self)
{
    gboolean ended;

    g_mutex_lock(&self->lock);
    ended =
        self->process != NULL && (process_gone(self->process) || control_refuses(self->control));
    g_mutex_unlock(&self->lock);
    return ended;
}

gpointer
_hako_ssh_master_get_ask_data(HakoSshMaster *self)
{
    return self->ask_data;
}

const char *
_hako_ssh_master_get_host(HakoSshMaster *self)
{
    return self->target->host;
}

/**
 * _hako_ssh_master_retire:
 *
 * Takes the running session away from @self without ending it, for whoever still uses it to
 * end it when done (SIGTERM); @self can start a new one meanwhile.
 *
 * Returns: (transfer full) (nullable): the session's process.
 */
GSubprocess *
_hako_ssh_master_retire(HakoSshMaster *self)
{
    GSubprocess *process;

    g_mutex_lock(&self->lock);
    process = g_steal_pointer(&self->process);
    g_mutex_unlock(&self->lock);
    return process;
}

/* Ends the session (and every channel on it). Does not wait for it. */
void
_hako_ssh_master_stop(HakoSshMaster *self)
{
    g_autoptr(GSubprocess) process = NULL;

    g_mutex_lock(&self->lock);
    process = g_steal_pointer(&self->process);
    g_mutex_unlock(&self->lock);
    if (process != NULL && g_subprocess_get_identifier(process) != NULL)
        g_subprocess_send_signal(process, SIGTERM);
}

/* Why the session ended (or failed), from what ssh said; NULL if it said nothing. */
char *
_hako_ssh_master_dup_last_error(HakoSshMaster *self)
{
    g_autofree char *log = read_log(self);

    return last_log_line(log);
}

/**
 * _hako_ssh_master_rewrite_uri:
 *
 * Returns: @uri with command= naming the wrapper, so that libvirt's ssh transport goes through
 *   the session.
 */
char *
_hako_ssh_master_rewrite_uri(HakoSshMaster *self, const char *uri)
{
    g_autofree char *escaped = g_uri_escape_string(self->wrapper, "/", FALSE);

    return g_strdup_printf("%s%scommand=%s", uri, strchr(uri, '?') != NULL ? "&" : "?", escaped);
}

/**
 * _hako_ssh_master_open_tunnel:
 * @host: the address to reach from the remote host (often 127.0.0.1)
 *
 * Returns: one end of a socket connected, through the session, to @host:@port as the remote
 *   host sees it; or -1.
 */
int
_hako_ssh_master_open_tunnel(HakoSshMaster *self, const char *host, int port, GError **error)
{
    g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_NONE);
    g_autoptr(GSubprocess) process = NULL;
    g_autofree char *forward = NULL;
    int sv[2];

    if (!_hako_ssh_master_is_running(self)) {
        g_set_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_CONNECTION_LOST,
                    _("The SSH session to %s has ended."), self->target->host);
        return -1;
    }
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
        int saved = errno;

        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(saved), "socketpair: %s",
                    g_strerror(saved));
        return -1;
    }
    forward = strchr(host, ':') != NULL ? g_strdup_printf("[%s]:%d", host, port)
                                        : g_strdup_printf("%s:%d", host, port);
    g_subprocess_launcher_take_stdin_fd(launcher, sv[1]);
    g_subprocess_launcher_take_stdout_fd(launcher, fcntl(sv[1], F_DUPFD_CLOEXEC, 3));
    g_subprocess_launcher_set_child_setup(launcher, child_setup, NULL, NULL);
    process = g_subprocess_launcher_spawn(launcher, error, "ssh", "-S", self->control, "-o",
                                          "ControlMaster=no", "-o", "BatchMode=yes", "-W", forward,
                                          self->target->host, NULL);
    if (process == NULL) {
        close(sv[0]);
        return -1;
    }
    return sv[0];
}
