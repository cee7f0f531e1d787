/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoConnectionManager: opens, remembers and reconnects libvirt connections.
 *
 * Every call that can touch the network (open, list, lookups, lifecycle
 * actions, close) runs on a worker thread of its own and hands plain data
 * back to the main loop, where the models are written. libvirt's callbacks
 * (domain lifecycle events, connection closed) are marshalled to the main
 * loop as well, and carry a "link" that goes stale as soon as the connection
 * they belong to is replaced, so that late callbacks from an old connection
 * never touch the models.
 *
 * The raw libvirt API is used rather than GVirConnection because the latter
 * has no authentication callback, no close reason and no keepalive. */
#include "config.h"

#include "hako-connection-manager.h"

#include "hako-auth-request-private.h"
#include "hako-connection-manager-private.h"
#include "hako-credentials-private.h"
#include "hako-domain-private.h"
#include "hako-engine-error.h"
#include "hako-engine-private.h"
#include "hako-host-private.h"
#include "hako-ssh-private.h"
#include "hako-stats-poller-private.h"
#include "hako-troubleshoot.h"

#include <glib/gi18n.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <signal.h>

#define KEEPALIVE_INTERVAL_S 5
#define KEEPALIVE_COUNT 3
#define DEFAULT_FIRST_RETRY_MS 1000
#define DEFAULT_MAX_RETRY_MS 30000

typedef struct _HostEntry HostEntry;

/* Shared with libvirt callbacks, which may be freed on any thread. */
typedef struct {
    HostEntry *entry; /* main thread only; NULL once stale */
    guint generation;
} Link;

struct _HostEntry {
    HakoConnectionManager *manager; /* owns the entry */
    HakoHost *host;
    virConnectPtr conn; /* set while connected */
    Link *link;         /* the link of the current connection attempt */
    guint generation;
    gboolean was_connected; /* retry only hosts that were up in this session */
    gboolean list_applied;
    guint retry_id;
    guint retry_delay_ms;
    GHashTable *early_events; /* uuids seen before the first list arrived */
    GHashTable *refreshing;   /* uuid -> latest refresh serial */
    guint refresh_serial;
    HakoAuthRequest *auth;   /* the request the user is answering */
    HakoStatsPoller *poller; /* while connected */
    HakoSshMaster *ssh;      /* the one SSH session of a qemu+ssh:// host */
    gboolean direct;         /* HAKO_CONNECT_DIRECT: consoles to the display's address */
};

struct _HakoConnectionManager {
    GObject parent_instance;

    GSettings *settings;
    GListStore *hosts;
    GHashTable *entries; /* HakoHost* -> HostEntry* */
    guint first_retry_ms;
    guint max_retry_ms;
    guint stats_interval_ms;
    HakoStatsPolled stats_polled;
    guint stats_history;
    guint stats_slow_interval_ms;
    GHashTable *watches; /* consumer -> Watch: the guests each window shows */
    HakoSshContext *ssh; /* the SSH sessions' private directory and askpass server */
};

G_DEFINE_FINAL_TYPE(HakoConnectionManager, hako_connection_manager, G_TYPE_OBJECT)

enum { SIGNAL_AUTHENTICATE, N_SIGNALS };

static guint signals[N_SIGNALS];

static void connect_entry(HostEntry *entry);
static void refresh_domain(HostEntry *entry, const char *uuid);

/* ---------------------------------------------------------------------- */
/* Links */

static Link *
link_new(HostEntry *entry)
{
    Link *link = g_atomic_rc_box_new0(Link);

    link->entry = entry;
    link->generation = entry->generation;
    return link;
}

static Link *
link_ref(Link *link)
{
    return g_atomic_rc_box_acquire(link);
}

static void
link_unref(void *link)
{
    g_atomic_rc_box_release(link);
}

/* Main thread: the entry the link belongs to, or NULL if it went stale. */
static HostEntry *
link_get_entry(Link *link)
{
    if (link->entry == NULL || link->entry->generation != link->generation)
        return NULL;
    return link->entry;
}

/* ---------------------------------------------------------------------- */
/* Gathering facts on a worker thread */

static HakoDomainFacts *
gather_facts(virDomainPtr dom)
{
    g_autoptr(HakoDomainFacts) facts = _hako_domain_facts_new();
    char uuid[VIR_UUID_STRING_BUFLEN];
    virDomainInfo info;
    int state = 0;
    int reason = 0;
    int autostart = 0;
    int ret;

    if (virDomainGetUUIDString(dom, uuid) < 0)
        return NULL;
    facts->uuid = g_strdup(uuid);
    facts->name = g_strdup(virDomainGetName(dom));
    facts->id = (int)virDomainGetID(dom);

    if (virDomainGetState(dom, &state, &reason, 0) < 0)
        return NULL;
    facts->state = (HakoDomainState)state;
    facts->reason = reason;
    if (facts->state == HAKO_DOMAIN_STATE_SHUTOFF)
        facts->id = -1;

    if (virDomainGetInfo(dom, &info) == 0) {
        facts->vcpus = info.nrVirtCpu;
        facts->memory = info.memory;
        facts->max_memory = info.maxMem;
    }

    ret = virDomainIsPersistent(dom);
    facts->persistent = ret == 1;
    if (facts->persistent && virDomainGetAutostart(dom, &autostart) == 0)
        facts->autostart = autostart != 0;
    facts->managed_save = facts->persistent && virDomainHasManagedSaveImage(dom, 0) == 1;

    facts->title = virDomainGetMetadata(dom, VIR_DOMAIN_METADATA_TITLE, NULL, 0);
    if (facts->title != NULL) {
        /* libvirt allocates with malloc; keep the model on GLib's allocator */
        char *title = g_strdup(facts->title);
        free(facts->title);
        facts->title = title;
    }
    /* A missing title or managed-save support is not an error worth keeping. */
    virResetLastError();
    return g_steal_pointer(&facts);
}

/* ---------------------------------------------------------------------- */
/* Authentication: the worker asks, the main thread answers */

typedef struct {
    HakoConnectionManager *manager; /* ref */
    HakoHost *host;                 /* ref */
    Link *link;                     /* ref: the connection attempt that asks, or NULL (ssh asks,
                                     * for whatever attempt of the host is current) */
    HakoAuthRequest *request;       /* ref */
} AuthInvoke;

static HostEntry *lookup_entry(HakoConnectionManager *self, HakoHost *host);

static gboolean
auth_invoke_cb(gpointer data)
{
    AuthInvoke *invoke = data;
    HostEntry *entry = invoke->link != NULL ? link_get_entry(invoke->link)
                                            : lookup_entry(invoke->manager, invoke->host);
    gboolean handled = FALSE;

    if (entry != NULL) {
        g_set_object(&entry->auth, invoke->request);
        g_signal_emit(invoke->manager, signals[SIGNAL_AUTHENTICATE], 0, invoke->host,
                      invoke->request, &handled);
    }
    if (!handled)
        hako_auth_request_cancel(invoke->request);

    g_object_unref(invoke->manager);
    g_object_unref(invoke->host);
    if (invoke->link != NULL)
        link_unref(invoke->link);
    g_object_unref(invoke->request);
    g_free(invoke);
    return G_SOURCE_REMOVE;
}

/* ssh asking the user (through hako-askpass), on the askpass server's thread: the same
 * request and dialog as libvirt's own questions. A password the user asked to keep is kept in
 * the keyring once ssh has logged in with it, and offered to ssh first next time; if ssh asks
 * again after that, it was wrong and is forgotten. */
typedef struct {
    GWeakRef manager;
    HakoHost *host; /* ref */
    char *target;   /* "user@host:port", the keyring's key with ssh's question */

    GMutex lock;
    gboolean keyring_tried; /* this login attempt looked in the keyring already */
    char *kept_prompt;      /* the question answered from the keyring in this attempt */
    char *keep_prompt;      /* the question whose answer the user asked to keep … */
    char *keep_password;    /* … and that answer, kept once the login succeeds */
} SshAsk;

static void
ssh_ask_clear_attempt(SshAsk *ask)
{
    g_clear_pointer(&ask->kept_prompt, g_free);
    g_clear_pointer(&ask->keep_prompt, g_free);
    if (ask->keep_password != NULL)
        memset(ask->keep_password, 0, strlen(ask->keep_password));
    g_clear_pointer(&ask->keep_password, g_free);
    ask->keyring_tried = FALSE;
}

static void
ssh_ask_free(gpointer data)
{
    SshAsk *ask = data;

    ssh_ask_clear_attempt(ask);
    g_mutex_clear(&ask->lock);
    g_weak_ref_clear(&ask->manager);
    g_object_unref(ask->host);
    g_free(ask->target);
    g_free(ask);
}

/* A password ssh asks for: the kept one first, once per login attempt. */
static char *
ssh_ask_from_keyring(SshAsk *ask, const char *prompt)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *refused = NULL;
    gboolean tried;
    char *password;

    g_mutex_lock(&ask->lock);
    tried = ask->keyring_tried;
    ask->keyring_tried = TRUE;
    if (ask->kept_prompt != NULL && g_str_equal(ask->kept_prompt, prompt))
        refused = g_steal_pointer(&ask->kept_prompt);
    g_mutex_unlock(&ask->lock);

    /* Asked again after the kept answer: it is wrong now. */
    if (refused != NULL) {
        g_debug("The kept SSH password for %s was refused; forgetting it", ask->target);
        if (!_hako_credentials_clear_ssh_password_sync(ask->target, prompt, &error))
            g_debug("Could not forget it: %s", error->message);
        return NULL;
    }
    if (tried)
        return NULL;
    password = _hako_credentials_lookup_ssh_password_sync(ask->target, prompt, &error);
    if (error != NULL)
        g_debug("No keyring to look an SSH password up in: %s", error->message);
    if (password != NULL) {
        g_mutex_lock(&ask->lock);
        g_free(ask->kept_prompt);
        ask->kept_prompt = g_strdup(prompt);
        g_mutex_unlock(&ask->lock);
    }
    return password;
}

static char *
ssh_ask_cb(HakoCredentialType type, const char *prompt, gpointer user_data)
{
    SshAsk *ask = user_data;
    g_autoptr(HakoConnectionManager) manager = g_weak_ref_get(&ask->manager);
    g_autoptr(HakoAuthRequest) request = NULL;
    AuthInvoke *invoke;
    char *answer;

    if (manager == NULL)
        return NULL;
    if (type == HAKO_CREDENTIAL_PASSWORD) {
        answer = ssh_ask_from_keyring(ask, prompt);
        if (answer != NULL)
            return answer;
    }
    request = _hako_auth_request_new(hako_host_get_uri(ask->host));
    _hako_auth_request_add(request, type, prompt, NULL);
    _hako_auth_request_set_can_remember(request, type == HAKO_CREDENTIAL_PASSWORD);
    invoke = g_new0(AuthInvoke, 1);
    invoke->manager = g_steal_pointer(&manager);
    invoke->host = g_object_ref(ask->host);
    invoke->request = g_object_ref(request);
    _hako_invoke_in_main(auth_invoke_cb, invoke);
    if (!_hako_auth_request_wait(request))
        return NULL;
    /* Accepted: a question (a host key) has no text to answer with. */
    answer = _hako_auth_request_dup_answer(request, 0);
    if (answer == NULL)
        answer = g_strdup("");
    if (_hako_auth_request_get_remember(request)) {
        g_mutex_lock(&ask->lock);
        g_free(ask->keep_prompt);
        g_free(ask->keep_password);
        ask->keep_prompt = g_strdup(prompt);
        ask->keep_password = g_strdup(answer);
        g_mutex_unlock(&ask->lock);
    }
    return answer;
}

/* Connect thread: a login attempt begins. */
static void
ssh_ask_begin(HakoSshMaster *master)
{
    SshAsk *ask = _hako_ssh_master_get_ask_data(master);

    g_mutex_lock(&ask->lock);
    ssh_ask_clear_attempt(ask);
    g_mutex_unlock(&ask->lock);
}

/* Connect thread: the login worked (keep what the user asked to keep), or was refused (forget
 * a kept password that was used). */
static void
ssh_ask_end(HakoSshMaster *master, const GError *error)
{
    SshAsk *ask = _hako_ssh_master_get_ask_data(master);
    g_autofree char *keep_prompt = NULL;
    g_autofree char *keep_password = NULL;
    g_autofree char *kept_prompt = NULL;
    g_autoptr(GError) keyring_error = NULL;

    g_mutex_lock(&ask->lock);
    keep_prompt = g_steal_pointer(&ask->keep_prompt);
    keep_password = g_steal_pointer(&ask->keep_password);
    kept_prompt = g_steal_pointer(&ask->kept_prompt);
    ssh_ask_clear_attempt(ask);
    g_mutex_unlock(&ask->lock);

    if (error == NULL && keep_password != NULL) {
        if (!_hako_credentials_store_ssh_password_sync(ask->target, keep_prompt, keep_password,
                                                       &keyring_error))
            g_warning("Could not keep the SSH password for %s in the keyring: %s", ask->target,
                      keyring_error->message);
        else
            g_debug("The SSH password for %s is kept in the keyring", ask->target);
    } else if (g_error_matches(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_AUTH_FAILED) &&
               kept_prompt != NULL) {
        _hako_credentials_clear_ssh_password_sync(ask->target, kept_prompt, NULL);
    }
    if (keep_password != NULL)
        memset(keep_password, 0, strlen(keep_password));
}

static HakoSshMaster *
new_ssh_master(HostEntry *entry, const HakoSshTarget *target)
{
    SshAsk *ask = g_new0(SshAsk, 1);

    g_mutex_init(&ask->lock);
    ask->target = g_strdup_printf("%s@%s:%d", target->user != NULL ? target->user : "",
                                  target->host, target->port > 0 ? target->port : 22);
    if (entry->manager->ssh == NULL)
        entry->manager->ssh = _hako_ssh_context_new();
    g_weak_ref_init(&ask->manager, entry->manager);
    ask->host = g_object_ref(entry->host);
    return _hako_ssh_master_new(entry->manager->ssh, target, ssh_ask_cb, ask, ssh_ask_free);
}

typedef struct {
    char *uri;
    gboolean read_only;
    HakoConnectionManager *manager; /* ref, only passed back to the main thread */
    HakoHost *host;                 /* ref, likewise */
    Link *link;                     /* ref */
    HakoSshMaster *ssh;             /* ref, or NULL */
    gboolean auth_cancelled;
} ConnectData;

static void
connect_data_free(gpointer data)
{
    ConnectData *d = data;

    g_free(d->uri);
    g_clear_pointer(&d->ssh, _hako_ssh_master_unref);
    g_object_unref(d->manager);
    g_object_unref(d->host);
    link_unref(d->link);
    g_free(d);
}

static HakoCredentialType
credential_type_from_libvirt(int type)
{
    switch (type) {
    case VIR_CRED_USERNAME:
    case VIR_CRED_AUTHNAME:
        return HAKO_CREDENTIAL_USERNAME;
    case VIR_CRED_PASSPHRASE:
        return HAKO_CREDENTIAL_PASSWORD;
    case VIR_CRED_NOECHOPROMPT:
        return HAKO_CREDENTIAL_NOECHOPROMPT;
    default:
        return HAKO_CREDENTIAL_ECHOPROMPT;
    }
}

static const char *
default_prompt(int type)
{
    switch (type) {
    case VIR_CRED_USERNAME:
    case VIR_CRED_AUTHNAME:
        return _("User name");
    case VIR_CRED_PASSPHRASE:
        return _("Password");
    default:
        return _("Answer");
    }
}

/* Worker thread, inside virConnectOpenAuth(). */
static int
auth_cb(virConnectCredentialPtr cred, unsigned int ncred, void *cbdata)
{
    ConnectData *d = cbdata;
    g_autoptr(HakoAuthRequest) request = _hako_auth_request_new(d->uri);
    AuthInvoke *invoke;

    for (guint i = 0; i < ncred; i++) {
        const char *prompt = cred[i].prompt && *cred[i].prompt ? cred[i].prompt : NULL;

        _hako_auth_request_add(request, credential_type_from_libvirt(cred[i].type),
                               prompt ? prompt : default_prompt(cred[i].type), cred[i].defresult);
    }

    invoke = g_new0(AuthInvoke, 1);
    invoke->manager = g_object_ref(d->manager);
    invoke->host = g_object_ref(d->host);
    invoke->link = link_ref(d->link);
    invoke->request = g_object_ref(request);
    _hako_invoke_in_main(auth_invoke_cb, invoke);

    if (!_hako_auth_request_wait(request)) {
        d->auth_cancelled = TRUE;
        return -1;
    }

    for (guint i = 0; i < ncred; i++) {
        g_autofree char *answer = _hako_auth_request_dup_answer(request, i);

        if (answer == NULL && cred[i].defresult != NULL)
            answer = g_strdup(cred[i].defresult);
        if (answer == NULL)
            answer = g_strdup("");
        /* libvirt frees results with free() */
        cred[i].result = strdup(answer);
        cred[i].resultlen = strlen(answer);
        memset(answer, 0, strlen(answer));
    }
    return 0;
}

/* ---------------------------------------------------------------------- */
/* libvirt callbacks, marshalled to the main loop */

typedef struct {
    Link *link;
    char *uuid;
    int event;
    int detail;
} LifecycleEvent;

/* The state and reason an event implies, so that the model changes at once;
 * the refresh that follows confirms them. Returns FALSE when the event does
 * not say (defined, undefined, shutdown in progress). */
static gboolean
state_from_event(int event, int detail, HakoDomainState *state, int *reason)
{
    switch (event) {
    case VIR_DOMAIN_EVENT_STARTED: {
        static const int reasons[] = {
            [VIR_DOMAIN_EVENT_STARTED_BOOTED] = VIR_DOMAIN_RUNNING_BOOTED,
            [VIR_DOMAIN_EVENT_STARTED_MIGRATED] = VIR_DOMAIN_RUNNING_MIGRATED,
            [VIR_DOMAIN_EVENT_STARTED_RESTORED] = VIR_DOMAIN_RUNNING_RESTORED,
            [VIR_DOMAIN_EVENT_STARTED_FROM_SNAPSHOT] = VIR_DOMAIN_RUNNING_FROM_SNAPSHOT,
            [VIR_DOMAIN_EVENT_STARTED_WAKEUP] = VIR_DOMAIN_RUNNING_WAKEUP,
        };
        *state = HAKO_DOMAIN_STATE_RUNNING;
        *reason = detail >= 0 && detail < (int)G_N_ELEMENTS(reasons) ? reasons[detail] : 0;
        return TRUE;
    }
    case VIR_DOMAIN_EVENT_RESUMED: {
        static const int reasons[] = {
            [VIR_DOMAIN_EVENT_RESUMED_UNPAUSED] = VIR_DOMAIN_RUNNING_UNPAUSED,
            [VIR_DOMAIN_EVENT_RESUMED_MIGRATED] = VIR_DOMAIN_RUNNING_MIGRATED,
            [VIR_DOMAIN_EVENT_RESUMED_FROM_SNAPSHOT] = VIR_DOMAIN_RUNNING_FROM_SNAPSHOT,
            [VIR_DOMAIN_EVENT_RESUMED_POSTCOPY] = VIR_DOMAIN_RUNNING_POSTCOPY,
        };
        *state = HAKO_DOMAIN_STATE_RUNNING;
        *reason = detail >= 0 && detail < (int)G_N_ELEMENTS(reasons) ? reasons[detail] : 0;
        return TRUE;
    }
    case VIR_DOMAIN_EVENT_SUSPENDED: {
        static const int reasons[] = {
            [VIR_DOMAIN_EVENT_SUSPENDED_PAUSED] = VIR_DOMAIN_PAUSED_USER,
            [VIR_DOMAIN_EVENT_SUSPENDED_MIGRATED] = VIR_DOMAIN_PAUSED_MIGRATION,
            [VIR_DOMAIN_EVENT_SUSPENDED_IOERROR] = VIR_DOMAIN_PAUSED_IOERROR,
            [VIR_DOMAIN_EVENT_SUSPENDED_WATCHDOG] = VIR_DOMAIN_PAUSED_WATCHDOG,
            [VIR_DOMAIN_EVENT_SUSPENDED_FROM_SNAPSHOT] = VIR_DOMAIN_PAUSED_FROM_SNAPSHOT,
            [VIR_DOMAIN_EVENT_SUSPENDED_POSTCOPY] = VIR_DOMAIN_PAUSED_POSTCOPY,
            [VIR_DOMAIN_EVENT_SUSPENDED_POSTCOPY_FAILED] = VIR_DOMAIN_PAUSED_POSTCOPY_FAILED,
        };
        *state = HAKO_DOMAIN_STATE_PAUSED;
        *reason = detail >= 0 && detail < (int)G_N_ELEMENTS(reasons) ? reasons[detail] : 0;
        return TRUE;
    }
    case VIR_DOMAIN_EVENT_STOPPED: {
        static const int reasons[] = {
            [VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN] = VIR_DOMAIN_SHUTOFF_SHUTDOWN,
            [VIR_DOMAIN_EVENT_STOPPED_DESTROYED] = VIR_DOMAIN_SHUTOFF_DESTROYED,
            [VIR_DOMAIN_EVENT_STOPPED_CRASHED] = VIR_DOMAIN_SHUTOFF_CRASHED,
            [VIR_DOMAIN_EVENT_STOPPED_MIGRATED] = VIR_DOMAIN_SHUTOFF_MIGRATED,
            [VIR_DOMAIN_EVENT_STOPPED_SAVED] = VIR_DOMAIN_SHUTOFF_SAVED,
            [VIR_DOMAIN_EVENT_STOPPED_FAILED] = VIR_DOMAIN_SHUTOFF_FAILED,
            [VIR_DOMAIN_EVENT_STOPPED_FROM_SNAPSHOT] = VIR_DOMAIN_SHUTOFF_FROM_SNAPSHOT,
        };
        *state = HAKO_DOMAIN_STATE_SHUTOFF;
        *reason = detail >= 0 && detail < (int)G_N_ELEMENTS(reasons) ? reasons[detail] : 0;
        return TRUE;
    }
    case VIR_DOMAIN_EVENT_PMSUSPENDED:
        *state = HAKO_DOMAIN_STATE_PMSUSPENDED;
        *reason = VIR_DOMAIN_PMSUSPENDED_UNKNOWN;
        return TRUE;
    case VIR_DOMAIN_EVENT_CRASHED:
        *state = HAKO_DOMAIN_STATE_CRASHED;
        *reason = VIR_DOMAIN_CRASHED_PANICKED;
        return TRUE;
    default:
        return FALSE;
    }
}

static gboolean
lifecycle_invoke_cb(gpointer data)
{
    LifecycleEvent *ev = data;
    HostEntry *entry = link_get_entry(ev->link);

    if (entry != NULL) {
        g_debug("%s: event %d/%d on %s", hako_host_get_uri(entry->host), ev->event, ev->detail,
                ev->uuid);
        if (!entry->list_applied) {
            g_hash_table_add(entry->early_events, g_strdup(ev->uuid));
        } else {
            HakoDomain *domain =
                hako_domain_list_lookup(hako_host_get_domains(entry->host), ev->uuid);

            HakoDomainState state;
            int reason;

            if (domain != NULL && state_from_event(ev->event, ev->detail, &state, &reason))
                _hako_domain_set_state(domain, state, reason);
            refresh_domain(entry, ev->uuid);
        }
    }

    link_unref(ev->link);
    g_free(ev->uuid);
    g_free(ev);
    return G_SOURCE_REMOVE;
}

static int
lifecycle_cb(virConnectPtr conn, virDomainPtr dom, int event, int detail, void *opaque)
{
    LifecycleEvent *ev = g_new0(LifecycleEvent, 1);
    char uuid[VIR_UUID_STRING_BUFLEN];

    if (virDomainGetUUIDString(dom, uuid) < 0) {
        g_free(ev);
        return 0;
    }
    ev->link = link_ref(opaque);
    ev->uuid = g_strdup(uuid);
    ev->event = event;
    ev->detail = detail;
    _hako_invoke_in_main(lifecycle_invoke_cb, ev);
    return 0;
}

typedef struct {
    Link *link;
    int reason;
} CloseEvent;

static const char *
close_reason_to_string(int reason)
{
    switch (reason) {
    case VIR_CONNECT_CLOSE_REASON_EOF:
        return _("The connection was closed by the other end: the libvirt daemon stopped or "
                 "restarted.");
    case VIR_CONNECT_CLOSE_REASON_KEEPALIVE:
        return _("The host stopped answering: the keepalive timed out.");
    case VIR_CONNECT_CLOSE_REASON_ERROR:
    default:
        return _("The connection failed with an input/output error.");
    }
}

static void close_conn_in_thread(virConnectPtr conn);
static void schedule_retry(HostEntry *entry, const char *why);
static void stop_poller(HostEntry *entry);
static void apply_watches(HakoConnectionManager *self, HostEntry *entry, gconstpointer consumer);

static gboolean
close_invoke_cb(gpointer data)
{
    CloseEvent *ev = data;
    HostEntry *entry = link_get_entry(ev->link);

    if (entry != NULL && entry->conn != NULL) {
        const char *why = close_reason_to_string(ev->reason);
        g_autofree char *ssh_why = NULL;

        /* The SSH session under the connection ended: say so, with what ssh said. */
        if (entry->ssh != NULL && _hako_ssh_master_has_ended(entry->ssh)) {
            g_autofree char *said = _hako_ssh_master_dup_last_error(entry->ssh);

            ssh_why = said != NULL ? g_strdup_printf(_("The SSH session to %s ended: %s"),
                                                     _hako_ssh_master_get_host(entry->ssh), said)
                                   : g_strdup_printf(_("The SSH session to %s ended."),
                                                     _hako_ssh_master_get_host(entry->ssh));
            why = ssh_why;
        }

        g_debug("%s: connection closed, reason %d", hako_host_get_uri(entry->host), ev->reason);
        /* Stale the link first: nothing from the old connection may land now. */
        entry->generation++;
        entry->link->entry = NULL;
        stop_poller(entry);
        close_conn_in_thread(g_steal_pointer(&entry->conn));
        /* The guests stay listed (greyed by the UI) until the host is back, so
         * nothing vanishes from view while the daemon restarts. */
        _hako_host_set_state(entry->host, HAKO_HOST_STATE_DISCONNECTED, why);
        schedule_retry(entry, why);
    }

    link_unref(ev->link);
    g_free(ev);
    return G_SOURCE_REMOVE;
}

/* May run on any thread: the one that noticed the connection die. */
static void
close_cb(virConnectPtr conn, int reason, void *opaque)
{
    CloseEvent *ev = g_new0(CloseEvent, 1);

    ev->link = link_ref(opaque);
    ev->reason = reason;
    _hako_invoke_in_main(close_invoke_cb, ev);
}

/* ---------------------------------------------------------------------- */
/* Closing */

static void
close_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    virConnectPtr conn = data;

    virConnectUnregisterCloseCallback(conn, close_cb);
    virConnectClose(conn);
    virResetLastError();
    g_task_return_boolean(task, TRUE);
}

/* An SSH session taken from its host when the connection was dropped: it ends (SIGTERM) once
 * nothing uses the connection any more, neither the close below nor a stats tick in flight. If
 * it ended first, libvirt would meet the end of its transport in the middle of a call while
 * another thread closes the connection. */
typedef struct {
    gatomicrefcount refs;
    GSubprocess *process;
} Retired;

static Retired *
retired_new(GSubprocess *process)
{
    Retired *r = g_new0(Retired, 1);

    g_atomic_ref_count_init(&r->refs);
    r->process = process;
    return r;
}

static gpointer
retired_ref(gpointer data)
{
    g_atomic_ref_count_inc(&((Retired *)data)->refs);
    return data;
}

static void
retired_unref(gpointer data)
{
    Retired *r = data;

    if (!g_atomic_ref_count_dec(&r->refs))
        return;
    if (r->process != NULL) {
        if (g_subprocess_get_identifier(r->process) != NULL)
            g_subprocess_send_signal(r->process, SIGTERM);
        g_object_unref(r->process);
    }
    g_free(r);
}

typedef struct {
    virConnectPtr conn;
    Retired *retired;
} CloseRetired;

static void
close_retired_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    CloseRetired *c = data;

    virConnectUnregisterCloseCallback(c->conn, close_cb);
    virConnectClose(c->conn);
    virResetLastError();
    retired_unref(c->retired);
    g_free(c);
    g_task_return_boolean(task, TRUE);
}

/* Closing may wait on a dead network peer: never on the main thread. */
static void
close_conn_in_thread(virConnectPtr conn)
{
    g_autoptr(GTask) task = NULL;

    if (conn == NULL)
        return;
    task = g_task_new(NULL, NULL, NULL, NULL);
    g_task_set_source_tag(task, close_conn_in_thread);
    g_task_set_task_data(task, conn, NULL);
    _hako_task_run_in_own_thread(task, close_thread);
}

/* Forget the current connection of @entry, whatever state it is in. */
static void
stop_poller(HostEntry *entry)
{
    if (entry->poller != NULL) {
        _hako_stats_poller_stop(entry->poller);
        g_clear_object(&entry->poller);
    }
}

static void
drop_connection(HostEntry *entry)
{
    /* No SSH process outlives its host's connection, but none ends under it either. */
    Retired *retired = entry->ssh != NULL ? retired_new(_hako_ssh_master_retire(entry->ssh)) : NULL;

    if (entry->poller != NULL) {
        _hako_stats_poller_stop_then(entry->poller, retired != NULL ? retired_unref : NULL,
                                     retired != NULL ? retired_ref(retired) : NULL);
        g_clear_object(&entry->poller);
    }
    entry->generation++;
    if (entry->link != NULL) {
        entry->link->entry = NULL;
        g_clear_pointer(&entry->link, link_unref);
    }
    if (entry->auth != NULL) {
        hako_auth_request_cancel(entry->auth);
        g_clear_object(&entry->auth);
    }
    g_clear_handle_id(&entry->retry_id, g_source_remove);
    if (entry->conn != NULL && retired != NULL) {
        g_autoptr(GTask) task = g_task_new(NULL, NULL, NULL, NULL);
        CloseRetired *c = g_new0(CloseRetired, 1);

        c->conn = g_steal_pointer(&entry->conn);
        c->retired = retired;
        g_task_set_source_tag(task, drop_connection);
        g_task_set_task_data(task, c, NULL);
        _hako_task_run_in_own_thread(task, close_retired_thread);
    } else {
        close_conn_in_thread(g_steal_pointer(&entry->conn));
        if (retired != NULL)
            retired_unref(retired);
    }
    entry->list_applied = FALSE;
    g_hash_table_remove_all(entry->early_events);
    g_hash_table_remove_all(entry->refreshing);
}

/* ---------------------------------------------------------------------- */
/* Connecting */

typedef struct {
    virConnectPtr conn;
    GPtrArray *facts; /* HakoDomainFacts */
    char *hostname;
    char *hypervisor;
    HakoHostDetails details;
} ConnectResult;

static void
connect_result_free(gpointer data)
{
    ConnectResult *r = data;

    if (r->conn != NULL)
        close_conn_in_thread(r->conn);
    g_ptr_array_unref(r->facts);
    g_free(r->hostname);
    g_free(r->hypervisor);
    g_free(r->details.hypervisor_version);
    g_free(r->details.libvirt_version);
    g_free(r->details.cpu_model);
    g_free(r->details.cpu_arch);
    g_free(r);
}

/* libvirt's version numbers: major * 1,000,000 + minor * 1,000 + release. */
static char *
version_string(unsigned long version)
{
    return g_strdup_printf("%lu.%lu.%lu", version / 1000000, version / 1000 % 1000, version % 1000);
}

static char *
xpath_string(xmlXPathContextPtr ctx, const char *expression)
{
    xmlXPathObjectPtr obj = xmlXPathEvalExpression((const xmlChar *)expression, ctx);
    char *value = NULL;

    if (obj != NULL && obj->type == XPATH_STRING && obj->stringval != NULL &&
        obj->stringval[0] != '\0')
        value = g_strdup((const char *)obj->stringval);
    xmlXPathFreeObject(obj);
    return value;
}

static guint
xpath_uint(xmlXPathContextPtr ctx, const char *expression)
{
    xmlXPathObjectPtr obj = xmlXPathEvalExpression((const xmlChar *)expression, ctx);
    guint value = 0;

    if (obj != NULL && obj->type == XPATH_NUMBER && obj->floatval > 0 && obj->floatval < G_MAXUINT)
        value = (guint)obj->floatval;
    xmlXPathFreeObject(obj);
    return value;
}

/* Worker thread: versions, the CPU and its topology, the NUMA cells. What a driver does not
 * say stays unknown (NULL or 0). */
static void
gather_host_details(virConnectPtr conn, HakoHostDetails *details)
{
    unsigned long version = 0;
    virNodeInfo info;
    char *caps;

    if (virConnectGetVersion(conn, &version) == 0 && version > 0)
        details->hypervisor_version = version_string(version);
    if (virConnectGetLibVersion(conn, &version) == 0 && version > 0)
        details->libvirt_version = version_string(version);
    if (virNodeGetInfo(conn, &info) == 0) {
        details->cpu_arch = g_strdup(info.model);
        details->sockets = info.sockets * MAX(info.nodes, 1);
        details->cores = info.cores;
        details->threads = info.threads;
        details->numa_cells = info.nodes;
    }
    caps = virConnectGetCapabilities(conn);
    if (caps != NULL) {
        xmlDocPtr doc = xmlReadMemory(caps, (int)strlen(caps), "capabilities.xml", NULL,
                                      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
        xmlXPathContextPtr ctx = doc != NULL ? xmlXPathNewContext(doc) : NULL;

        details->no_kvm = hako_troubleshoot_caps_lack_kvm(caps);
        if (ctx != NULL) {
            guint cells = xpath_uint(ctx, "count(/capabilities/host/topology/cells/cell)");

            details->cpu_model = xpath_string(ctx, "string(/capabilities/host/cpu/model)");
            if (details->cpu_arch == NULL)
                details->cpu_arch = xpath_string(ctx, "string(/capabilities/host/cpu/arch)");
            if (cells > 0)
                details->numa_cells = cells;
            xmlXPathFreeContext(ctx);
        }
        if (doc != NULL)
            xmlFreeDoc(doc);
        free(caps);
    }
    virResetLastError();
}

/* Puts what happened and what to do before @error's message, when the failure is one a user
 * can put right (a daemon not running, a socket's permissions, a host name that does not
 * resolve…). */
static void
explain_error(GError *error, const HakoConnectFailure *failure)
{
    g_autoptr(HakoTrouble) trouble = hako_troubleshoot_connect_error(failure);

    if (trouble != NULL) {
        char *message = hako_trouble_explain(trouble, error->message);

        g_free(error->message);
        error->message = message;
    }
}

/* On the worker, right after virConnectOpenAuth() failed: libvirt's error is thread-local. */
static GError *
connect_error_from_libvirt(const char *uri)
{
    virErrorPtr last = virGetLastError();
    HakoConnectFailure failure = {uri, VIR_ERR_OK, VIR_FROM_NONE, 0, NULL};
    g_autofree char *message = NULL;
    GError *error;

    if (last != NULL) {
        failure.code = last->code;
        failure.domain = last->domain;
        failure.system_errno = last->code == VIR_ERR_SYSTEM_ERROR ? last->int1 : 0;
        /* Copied: building the GError resets libvirt's error. */
        message = g_strdup(last->message);
        failure.message = message;
    }
    error = _hako_engine_error_from_libvirt(HAKO_ENGINE_ERROR_FAILED,
                                            _("Could not connect to “%s”"), uri);
    explain_error(error, &failure);
    return error;
}

static void
connect_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    ConnectData *d = data;
    int credtypes[] = {VIR_CRED_AUTHNAME,   VIR_CRED_USERNAME, VIR_CRED_PASSPHRASE,
                       VIR_CRED_ECHOPROMPT, VIR_CRED_REALM,    VIR_CRED_NOECHOPROMPT,
                       VIR_CRED_EXTERNAL};
    virConnectAuth auth = {credtypes, G_N_ELEMENTS(credtypes), auth_cb, d};
    ConnectResult *result;
    virDomainPtr *doms = NULL;
    char *s;
    int n;

    g_autofree char *uri = NULL;
    GError *ssh_error = NULL;

    /* Over SSH: log in once, and let libvirt ride on that session. */
    if (d->ssh != NULL) {
        gboolean started;

        ssh_ask_begin(d->ssh);
        started = _hako_ssh_master_start(d->ssh, NULL, &ssh_error);
        ssh_ask_end(d->ssh, ssh_error);
        if (!started) {
            HakoConnectFailure failure = {d->uri, VIR_ERR_OK, VIR_FROM_NONE, 0, ssh_error->message};

            explain_error(ssh_error, &failure);
            g_task_return_error(task, ssh_error);
            return;
        }
        uri = _hako_ssh_master_rewrite_uri(d->ssh, d->uri);
    }

    result = g_new0(ConnectResult, 1);
    result->facts = g_ptr_array_new_with_free_func((GDestroyNotify)_hako_domain_facts_free);

    result->conn =
        virConnectOpenAuth(uri != NULL ? uri : d->uri, &auth, d->read_only ? VIR_CONNECT_RO : 0);
    if (result->conn == NULL) {
        connect_result_free(result);
        if (d->auth_cancelled) {
            virResetLastError();
            g_task_return_new_error(task, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_AUTH_FAILED,
                                    _("Could not connect to “%s”: authentication was cancelled."),
                                    d->uri);
            return;
        }
        g_task_return_error(task, connect_error_from_libvirt(d->uri));
        return;
    }

    /* Drivers without keepalive (test://, local xen) say so; that is fine. */
    virConnectSetKeepAlive(result->conn, KEEPALIVE_INTERVAL_S, KEEPALIVE_COUNT);
    virResetLastError();

    /* Register for events before listing, so no change falls in between. */
    if (virConnectRegisterCloseCallback(result->conn, close_cb, link_ref(d->link), link_unref) <
        0) {
        link_unref(d->link);
        virResetLastError();
    }
    if (virConnectDomainEventRegisterAny(result->conn, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                         VIR_DOMAIN_EVENT_CALLBACK(lifecycle_cb), link_ref(d->link),
                                         link_unref) < 0) {
        GError *error = _hako_engine_error_from_libvirt(
            HAKO_ENGINE_ERROR_FAILED, _("Could not listen to guest events on “%s”"), d->uri);
        link_unref(d->link);
        connect_result_free(result);
        g_task_return_error(task, error);
        return;
    }

    n = virConnectListAllDomains(result->conn, &doms, 0);
    if (n < 0) {
        GError *error = _hako_engine_error_from_libvirt(
            HAKO_ENGINE_ERROR_FAILED, _("Could not list the guests of “%s”"), d->uri);
        connect_result_free(result);
        g_task_return_error(task, error);
        return;
    }
    for (int i = 0; i < n; i++) {
        HakoDomainFacts *facts = gather_facts(doms[i]);

        /* A guest that vanished while being listed is simply not there. */
        if (facts != NULL)
            g_ptr_array_add(result->facts, facts);
        virResetLastError();
        virDomainFree(doms[i]);
    }
    free(doms);

    s = virConnectGetHostname(result->conn);
    result->hostname = g_strdup(s);
    free(s);
    result->hypervisor = g_strdup(virConnectGetType(result->conn));
    gather_host_details(result->conn, &result->details);
    virResetLastError();

    g_task_return_pointer(task, result, connect_result_free);
}

/* ---------------------------------------------------------------------- */
/* The statistics poller's own connections */

typedef struct {
    char *uri;          /* through the SSH session, for a remote host */
    HakoSshMaster *ssh; /* nullable */
    gboolean read_only;
} StatsOpen;

static void
stats_open_free(gpointer data)
{
    StatsOpen *o = data;

    g_free(o->uri);
    if (o->ssh != NULL)
        _hako_ssh_master_unref(o->ssh);
    g_free(o);
}

/* Asked for credentials, the poller's connection gives up: the poller then uses the host's. */
static int
stats_auth_cb(virConnectCredentialPtr cred, unsigned int ncred, void *cbdata)
{
    return -1;
}

/* The poller's thread: a connection of its own to the host, through the same SSH session. */
static virConnectPtr
stats_open(gpointer data)
{
    StatsOpen *o = data;
    int credtypes[] = {VIR_CRED_AUTHNAME,   VIR_CRED_USERNAME, VIR_CRED_PASSPHRASE,
                       VIR_CRED_ECHOPROMPT, VIR_CRED_REALM,    VIR_CRED_NOECHOPROMPT,
                       VIR_CRED_EXTERNAL};
    virConnectAuth auth = {credtypes, G_N_ELEMENTS(credtypes), stats_auth_cb, NULL};
    virConnectPtr conn;

    if (o->ssh != NULL && !_hako_ssh_master_is_running(o->ssh))
        return NULL;
    conn = virConnectOpenAuth(o->uri, &auth, o->read_only ? VIR_CONNECT_RO : 0);
    if (conn != NULL && virConnectSetKeepAlive(conn, KEEPALIVE_INTERVAL_S, KEEPALIVE_COUNT) < 0)
        virResetLastError();
    return conn;
}

/* What the poller opens its connections with: nothing for the test driver (a second
 * connection to a test:///FILE is another host). */
static StatsOpen *
stats_open_new(HostEntry *entry)
{
    const char *uri = hako_host_get_uri(entry->host);
    StatsOpen *o;

    if (g_str_has_prefix(uri, "test:"))
        return NULL;
    o = g_new0(StatsOpen, 1);
    /* Rewritten here, on the main thread, for the session as it is now (a later one is for a
     * later poller). */
    o->uri = entry->ssh != NULL ? _hako_ssh_master_rewrite_uri(entry->ssh, uri) : g_strdup(uri);
    o->ssh = entry->ssh != NULL ? _hako_ssh_master_ref(entry->ssh) : NULL;
    o->read_only = hako_host_get_read_only(entry->host);
    return o;
}

/* Main thread: make the host's guest list match @facts, keyed by UUID. */
static void
reconcile_domains(HostEntry *entry, GPtrArray *facts)
{
    HakoDomainList *list = hako_host_get_domains(entry->host);
    g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
    g_autoptr(GPtrArray) gone = g_ptr_array_new_with_free_func(g_object_unref);
    g_autoptr(GPtrArray) fresh = g_ptr_array_new_with_free_func(g_object_unref);
    guint n;

    for (guint i = 0; i < facts->len; i++) {
        HakoDomainFacts *f = g_ptr_array_index(facts, i);
        HakoDomain *domain = hako_domain_list_lookup(list, f->uuid);

        /* A guest listed twice (renamed between two calls) is taken once. */
        if (!g_hash_table_add(seen, f->uuid))
            continue;
        if (domain != NULL) {
            _hako_domain_apply_facts(domain, f);
        } else {
            domain = _hako_domain_new(entry->host, f->uuid);
            _hako_domain_apply_facts(domain, f);
            g_ptr_array_add(fresh, domain);
        }
    }
    /* New guests in one change: a view takes thousands in one go. */
    hako_domain_list_add_many(list, fresh);

    n = g_list_model_get_n_items(G_LIST_MODEL(list));
    for (guint i = 0; i < n; i++) {
        HakoDomain *domain = g_list_model_get_item(G_LIST_MODEL(list), i);

        if (!g_hash_table_contains(seen, hako_domain_get_uuid(domain)))
            g_ptr_array_add(gone, domain);
        else
            g_object_unref(domain);
    }
    for (guint i = 0; i < gone->len; i++)
        hako_domain_list_remove(list, g_ptr_array_index(gone, i));
}

static void
connect_done_cb(GObject *source, GAsyncResult *res, gpointer user_data)
{
    Link *link = user_data;
    HostEntry *entry = link_get_entry(link);
    g_autoptr(GError) error = NULL;
    ConnectResult *result;

    result = g_task_propagate_pointer(G_TASK(res), &error);
    if (entry == NULL) {
        /* Disconnected or removed meanwhile: drop what came back. */
        if (result != NULL)
            connect_result_free(result);
        link_unref(link);
        return;
    }
    g_clear_object(&entry->auth);

    if (result == NULL) {
        g_debug("%s", error->message);
        /* Keep the same link: a retry is a new attempt with a new generation. */
        _hako_host_set_state(entry->host, HAKO_HOST_STATE_DISCONNECTED, error->message);
        if (entry->was_connected &&
            !g_error_matches(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_AUTH_FAILED) &&
            !g_error_matches(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_HOST_KEY))
            schedule_retry(entry, error->message);
        link_unref(link);
        return;
    }

    entry->conn = g_steal_pointer(&result->conn);
    entry->was_connected = TRUE;
    entry->retry_delay_ms = 0;
    _hako_host_set_info(entry->host, result->hostname, result->hypervisor);
    _hako_host_set_details(entry->host, &result->details);
    reconcile_domains(entry, result->facts);
    entry->list_applied = TRUE;
    _hako_host_set_state(entry->host, HAKO_HOST_STATE_CONNECTED, NULL);
    {
        StatsOpen *open = stats_open_new(entry);

        entry->poller =
            _hako_stats_poller_new(entry->host, entry->conn, open != NULL ? stats_open : NULL, open,
                                   stats_open_free, entry->manager->stats_interval_ms,
                                   entry->manager->stats_polled, entry->manager->stats_history);
    }
    hako_stats_poller_set_slow_interval(entry->poller, entry->manager->stats_slow_interval_ms);
    apply_watches(entry->manager, entry, NULL);

    /* Guests that changed between registering for events and listing. */
    {
        GHashTableIter iter;
        gpointer uuid;

        g_hash_table_iter_init(&iter, entry->early_events);
        while (g_hash_table_iter_next(&iter, &uuid, NULL))
            refresh_domain(entry, uuid);
        g_hash_table_remove_all(entry->early_events);
    }

    connect_result_free(result);
    link_unref(link);
}

static void
connect_entry(HostEntry *entry)
{
    g_autoptr(GTask) task = NULL;
    g_autoptr(GError) error = NULL;
    ConnectData *d;

    drop_connection(entry);
    entry->link = link_new(entry);

    if (!hako_uri_validate(hako_host_get_uri(entry->host), &error)) {
        _hako_host_set_state(entry->host, HAKO_HOST_STATE_DISCONNECTED, error->message);
        return;
    }

    _hako_host_set_state(entry->host, HAKO_HOST_STATE_CONNECTING,
                         hako_host_get_last_error(entry->host));

    if (entry->ssh == NULL) {
        g_autoptr(HakoSshTarget) target =
            _hako_ssh_target_from_uri(hako_host_get_uri(entry->host), NULL);

        if (target != NULL)
            entry->ssh = new_ssh_master(entry, target);
    }

    d = g_new0(ConnectData, 1);
    d->uri = g_strdup(hako_host_get_uri(entry->host));
    d->ssh = entry->ssh != NULL ? _hako_ssh_master_ref(entry->ssh) : NULL;
    d->read_only = hako_host_get_read_only(entry->host);
    d->manager = g_object_ref(entry->manager);
    d->host = g_object_ref(entry->host);
    d->link = link_ref(entry->link);

    task = g_task_new(NULL, NULL, connect_done_cb, link_ref(entry->link));
    g_task_set_source_tag(task, connect_entry);
    g_task_set_task_data(task, d, connect_data_free);
    _hako_task_run_in_own_thread(task, connect_thread);
}

static gboolean
retry_cb(gpointer data)
{
    HostEntry *entry = data;

    entry->retry_id = 0;
    connect_entry(entry);
    return G_SOURCE_REMOVE;
}

static void
schedule_retry(HostEntry *entry, const char *why)
{
    HakoConnectionManager *self = entry->manager;
    g_autofree char *message = NULL;
    guint delay;

    if (self->settings != NULL && !g_settings_get_boolean(self->settings, "reconnect"))
        return;

    delay = entry->retry_delay_ms == 0 ? self->first_retry_ms
                                       : MIN(entry->retry_delay_ms * 2, self->max_retry_ms);
    entry->retry_delay_ms = delay;
    g_clear_handle_id(&entry->retry_id, g_source_remove);
    entry->retry_id = g_timeout_add(delay, retry_cb, entry);

    message = g_strdup_printf(g_dngettext(GETTEXT_PACKAGE, "%s Trying again in %u second.",
                                          "%s Trying again in %u seconds.", (delay + 999) / 1000),
                              why, (delay + 999) / 1000);
    _hako_host_set_state(entry->host, HAKO_HOST_STATE_DISCONNECTED, message);
}

/* ---------------------------------------------------------------------- */
/* Refreshing one guest after an event */

typedef struct {
    virConnectPtr conn;
    char *uuid;
} RefreshData;

/* The connection reference is dropped on the worker: if it is the last one,
 * closing talks to the host. */
static void
refresh_data_free(gpointer data)
{
    RefreshData *d = data;

    if (d->conn != NULL)
        virConnectClose(d->conn);
    g_free(d->uuid);
    g_free(d);
}

static void
refresh_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    RefreshData *d = data;
    virDomainPtr dom = virDomainLookupByUUIDString(d->conn, d->uuid);
    HakoDomainFacts *facts = NULL;
    GError *error = NULL;

    if (dom != NULL)
        facts = gather_facts(dom);
    if (facts == NULL) {
        gboolean gone = virGetLastErrorCode() == VIR_ERR_NO_DOMAIN;

        /* Build the error before any other libvirt call (even a free) resets it. */
        error = _hako_engine_error_from_libvirt(gone ? HAKO_ENGINE_ERROR_NOT_FOUND
                                                     : HAKO_ENGINE_ERROR_FAILED,
                                                _("Could not read guest %s"), d->uuid);
    }
    if (dom != NULL)
        virDomainFree(dom);
    virConnectClose(g_steal_pointer(&d->conn));

    if (error != NULL)
        g_task_return_error(task, error);
    else
        g_task_return_pointer(task, facts, (GDestroyNotify)_hako_domain_facts_free);
}

typedef struct {
    Link *link;
    char *uuid;
    guint serial;
} RefreshTag;

static void
refresh_done_cb(GObject *source, GAsyncResult *res, gpointer user_data)
{
    RefreshTag *tag = user_data;
    HostEntry *entry = link_get_entry(tag->link);
    g_autoptr(HakoDomainFacts) facts = NULL;
    g_autoptr(GError) error = NULL;

    facts = g_task_propagate_pointer(G_TASK(res), &error);
    if (entry != NULL &&
        GPOINTER_TO_UINT(g_hash_table_lookup(entry->refreshing, tag->uuid)) == tag->serial) {
        HakoDomainList *list = hako_host_get_domains(entry->host);
        HakoDomain *domain = hako_domain_list_lookup(list, tag->uuid);

        g_hash_table_remove(entry->refreshing, tag->uuid);
        if (facts != NULL) {
            if (domain != NULL) {
                _hako_domain_apply_facts(domain, facts);
            } else {
                g_autoptr(HakoDomain) fresh = _hako_domain_new(entry->host, facts->uuid);

                _hako_domain_apply_facts(fresh, facts);
                hako_domain_list_add(list, fresh);
            }
        } else if (g_error_matches(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_NOT_FOUND)) {
            /* Undefined, or a transient guest that stopped. */
            if (domain != NULL)
                hako_domain_list_remove(list, domain);
        } else {
            g_debug("%s", error->message);
        }
    }

    link_unref(tag->link);
    g_free(tag->uuid);
    g_free(tag);
}

static void
refresh_domain(HostEntry *entry, const char *uuid)
{
    g_autoptr(GTask) task = NULL;
    RefreshData *d;
    RefreshTag *tag;

    if (entry->conn == NULL)
        return;

    tag = g_new0(RefreshTag, 1);
    tag->link = link_ref(entry->link);
    tag->uuid = g_strdup(uuid);
    tag->serial = ++entry->refresh_serial;
    g_hash_table_insert(entry->refreshing, g_strdup(uuid), GUINT_TO_POINTER(tag->serial));

    d = g_new0(RefreshData, 1);
    virConnectRef(entry->conn);
    d->conn = entry->conn;
    d->uuid = g_strdup(uuid);

    task = g_task_new(NULL, NULL, refresh_done_cb, tag);
    g_task_set_source_tag(task, refresh_domain);
    g_task_set_task_data(task, d, refresh_data_free);
    _hako_task_run_in_own_thread(task, refresh_thread);
}

/* ---------------------------------------------------------------------- */
/* Settings */

static void
settings_list_change(GSettings *settings, const char *key, const char *uri, gboolean present)
{
    g_auto(GStrv) old = NULL;
    g_autoptr(GStrvBuilder) builder = NULL;
    g_auto(GStrv) updated = NULL;
    gboolean found = FALSE;

    if (settings == NULL)
        return;

    old = g_settings_get_strv(settings, key);
    builder = g_strv_builder_new();
    for (guint i = 0; old[i] != NULL; i++) {
        if (g_strcmp0(old[i], uri) == 0) {
            found = TRUE;
            if (!present)
                continue;
        }
        g_strv_builder_add(builder, old[i]);
    }
    if (present && found)
        return;
    if (!present && !found)
        return;
    if (present)
        g_strv_builder_add(builder, uri);
    updated = g_strv_builder_end(builder);
    g_settings_set_strv(settings, key, (const char *const *)updated);
}

/* ---------------------------------------------------------------------- */
/* GObject */

/* ---------------------------------------------------------------------- */
/* What the windows watch */

typedef struct {
    GPtrArray *domains; /* HakoDomain, of any host */
    HakoStatsPolled groups;
} Watch;

static void
watch_free(gpointer data)
{
    Watch *watch = data;

    g_ptr_array_unref(watch->domains);
    g_free(watch);
}

/* Tells @entry's poller what @consumer (or, when NULL, every consumer) watches of its guests. */
static void
apply_watches(HakoConnectionManager *self, HostEntry *entry, gconstpointer consumer)
{
    GHashTableIter iter;
    gpointer key, value;

    if (entry->poller == NULL)
        return;
    g_hash_table_iter_init(&iter, self->watches);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        Watch *watch = value;
        g_autoptr(GPtrArray) uuids = g_ptr_array_new();

        if (consumer != NULL && key != consumer)
            continue;
        for (guint i = 0; i < watch->domains->len; i++) {
            HakoDomain *domain = g_ptr_array_index(watch->domains, i);

            if (hako_domain_get_host(domain) == entry->host)
                g_ptr_array_add(uuids, (gpointer)hako_domain_get_uuid(domain));
        }
        g_ptr_array_add(uuids, NULL);
        hako_stats_poller_set_watched(entry->poller, key, (const char *const *)uuids->pdata,
                                      watch->groups);
    }
}

/**
 * hako_connection_manager_set_watched:
 * @consumer: who watches (a window); its set replaces the one it set before
 * @domains: (nullable) (element-type HakoDomain): the guests whose figures it shows, of any
 *   host, or %NULL when it shows none any more (when it closes)
 * @groups: the kinds of figures it shows of them
 *
 * Polling follows what is on screen: each host's poller fetches every tick only the guests
 * some window shows, with the groups they need, and the others every slow interval. Guests
 * newly shown are fetched at once. Holds for hosts connected later too.
 */
void
hako_connection_manager_set_watched(HakoConnectionManager *self,
                                    gconstpointer consumer,
                                    GPtrArray *domains,
                                    HakoStatsPolled groups)
{
    GHashTableIter iter;
    gpointer value;

    g_return_if_fail(HAKO_IS_CONNECTION_MANAGER(self));
    g_return_if_fail(consumer != NULL);

    if (domains == NULL) {
        g_hash_table_remove(self->watches, consumer);
        g_hash_table_iter_init(&iter, self->entries);
        while (g_hash_table_iter_next(&iter, NULL, &value)) {
            HostEntry *entry = value;

            if (entry->poller != NULL)
                hako_stats_poller_set_watched(entry->poller, consumer, NULL, groups);
        }
        return;
    } else {
        Watch *watch = g_new0(Watch, 1);

        watch->domains = g_ptr_array_new_full(domains->len, g_object_unref);
        for (guint i = 0; i < domains->len; i++)
            g_ptr_array_add(watch->domains, g_object_ref(g_ptr_array_index(domains, i)));
        watch->groups = groups;
        g_hash_table_replace(self->watches, (gpointer)consumer, watch);
    }
    g_hash_table_iter_init(&iter, self->entries);
    while (g_hash_table_iter_next(&iter, NULL, &value))
        apply_watches(self, value, consumer);
}

/**
 * hako_connection_manager_set_stats_slow_interval:
 * @interval_ms: how often guests no window shows are polled
 */
void
hako_connection_manager_set_stats_slow_interval(HakoConnectionManager *self, guint interval_ms)
{
    GHashTableIter iter;
    gpointer value;

    g_return_if_fail(HAKO_IS_CONNECTION_MANAGER(self));

    self->stats_slow_interval_ms = MAX(interval_ms, 1);
    g_hash_table_iter_init(&iter, self->entries);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        HostEntry *entry = value;

        if (entry->poller != NULL)
            hako_stats_poller_set_slow_interval(entry->poller, self->stats_slow_interval_ms);
    }
}

static void
host_entry_free(gpointer data)
{
    HostEntry *entry = data;

    drop_connection(entry);
    g_clear_pointer(&entry->ssh, _hako_ssh_master_unref);
    g_hash_table_unref(entry->early_events);
    g_hash_table_unref(entry->refreshing);
    g_object_unref(entry->host);
    g_free(entry);
}

static void
hako_connection_manager_dispose(GObject *object)
{
    HakoConnectionManager *self = HAKO_CONNECTION_MANAGER(object);

    if (self->entries != NULL)
        g_hash_table_remove_all(self->entries);
    if (self->watches != NULL)
        g_hash_table_remove_all(self->watches);
    if (self->hosts != NULL)
        g_list_store_remove_all(self->hosts);
    g_clear_object(&self->settings);

    G_OBJECT_CLASS(hako_connection_manager_parent_class)->dispose(object);
}

static void
hako_connection_manager_finalize(GObject *object)
{
    HakoConnectionManager *self = HAKO_CONNECTION_MANAGER(object);

    g_clear_pointer(&self->entries, g_hash_table_unref);
    g_clear_pointer(&self->watches, g_hash_table_unref);
    g_clear_object(&self->hosts);
    g_clear_pointer(&self->ssh, _hako_ssh_context_unref);

    G_OBJECT_CLASS(hako_connection_manager_parent_class)->finalize(object);
}

static void
hako_connection_manager_class_init(HakoConnectionManagerClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);

    object_class->dispose = hako_connection_manager_dispose;
    object_class->finalize = hako_connection_manager_finalize;

    /**
     * HakoConnectionManager::authenticate:
     * @host: the host being connected
     * @request: what libvirt asks for
     *
     * Emitted on the main thread when libvirt needs credentials. A handler
     * that returns %TRUE must later complete or cancel @request; if no
     * handler does, the request is cancelled and the connection fails.
     */
    signals[SIGNAL_AUTHENTICATE] =
        g_signal_new("authenticate", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0,
                     g_signal_accumulator_true_handled, NULL, NULL, G_TYPE_BOOLEAN, 2,
                     HAKO_TYPE_HOST, HAKO_TYPE_AUTH_REQUEST);
}

static void
hako_connection_manager_init(HakoConnectionManager *self)
{
    self->hosts = g_list_store_new(HAKO_TYPE_HOST);
    self->entries = g_hash_table_new_full(NULL, NULL, NULL, host_entry_free);
    self->first_retry_ms = DEFAULT_FIRST_RETRY_MS;
    self->max_retry_ms = DEFAULT_MAX_RETRY_MS;
    self->stats_interval_ms = 3000;
    self->stats_polled = HAKO_STATS_POLL_CPU | HAKO_STATS_POLL_MEMORY | HAKO_STATS_POLL_DISK |
                         HAKO_STATS_POLL_NETWORK;
    self->stats_history = HAKO_STATS_DEFAULT_HISTORY;
    self->stats_slow_interval_ms = HAKO_STATS_DEFAULT_SLOW_INTERVAL_MS;
    self->watches = g_hash_table_new_full(NULL, NULL, NULL, watch_free);
}

/* Polling follows the settings at once, on every connected host. */
static void
stats_settings_changed_cb(GSettings *settings, const char *key, HakoConnectionManager *self)
{
    HakoStatsPolled polled = HAKO_STATS_POLL_CPU;

    if (g_settings_get_boolean(settings, "poll-memory"))
        polled |= HAKO_STATS_POLL_MEMORY;
    if (g_settings_get_boolean(settings, "poll-disk"))
        polled |= HAKO_STATS_POLL_DISK;
    if (g_settings_get_boolean(settings, "poll-network"))
        polled |= HAKO_STATS_POLL_NETWORK;
    hako_connection_manager_set_stats_options(
        self, g_settings_get_uint(settings, "stats-interval") * 1000, polled,
        g_settings_get_uint(settings, "stats-history-length"));
    hako_connection_manager_set_stats_slow_interval(
        self, g_settings_get_uint(settings, "stats-slow-interval") * 1000);
}

/**
 * hako_connection_manager_new:
 * @settings: (nullable): an org.hako.Hako settings object, or %NULL to
 *   remember nothing (tests)
 */
HakoConnectionManager *
hako_connection_manager_new(GSettings *settings)
{
    HakoConnectionManager *self = g_object_new(HAKO_TYPE_CONNECTION_MANAGER, NULL);

    g_set_object(&self->settings, settings);
    if (settings != NULL) {
        static const char *const keys[] = {
            "stats-interval", "poll-memory",          "poll-disk",
            "poll-network",   "stats-history-length", "stats-slow-interval"};

        for (guint i = 0; i < G_N_ELEMENTS(keys); i++) {
            g_autofree char *signal = g_strconcat("changed::", keys[i], NULL);

            g_signal_connect_object(settings, signal, G_CALLBACK(stats_settings_changed_cb), self,
                                    0);
        }
        stats_settings_changed_cb(settings, NULL, self);
    }
    return self;
}

/**
 * hako_connection_manager_set_stats_options:
 * @interval_ms: time between two polls
 * @polled: the kinds of figures to poll (CPU is always polled)
 * @history_length: samples kept per figure
 *
 * Applies at once to every connected host, and to hosts connected later. With
 * settings, the manager follows their keys by itself.
 */
void
hako_connection_manager_set_stats_options(HakoConnectionManager *self,
                                          guint interval_ms,
                                          HakoStatsPolled polled,
                                          guint history_length)
{
    GHashTableIter iter;
    gpointer value;

    g_return_if_fail(HAKO_IS_CONNECTION_MANAGER(self));

    self->stats_interval_ms = MAX(interval_ms, 1);
    self->stats_polled = polled | HAKO_STATS_POLL_CPU;
    self->stats_history = MAX(history_length, 1);
    g_hash_table_iter_init(&iter, self->entries);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        HostEntry *entry = value;

        if (entry->poller == NULL)
            continue;
        hako_stats_poller_set_interval(entry->poller, self->stats_interval_ms);
        hako_stats_poller_set_polled(entry->poller, self->stats_polled);
        hako_stats_poller_set_history_length(entry->poller, self->stats_history);
    }
}

/**
 * hako_connection_manager_get_stats_poller:
 *
 * Returns: (transfer none) (nullable): the poller of @host while it is connected.
 */
HakoStatsPoller *
hako_connection_manager_get_stats_poller(HakoConnectionManager *self, HakoHost *host)
{
    HostEntry *entry;

    g_return_val_if_fail(HAKO_IS_CONNECTION_MANAGER(self), NULL);
    entry = lookup_entry(self, host);
    return entry != NULL ? entry->poller : NULL;
}

/**
 * hako_connection_manager_get_hosts:
 *
 * Returns: (transfer none): a #GListModel of #HakoHost, in the order added.
 */
GListModel *
hako_connection_manager_get_hosts(HakoConnectionManager *self)
{
    g_return_val_if_fail(HAKO_IS_CONNECTION_MANAGER(self), NULL);
    return G_LIST_MODEL(self->hosts);
}

/**
 * hako_connection_manager_lookup:
 *
 * Returns: (transfer none) (nullable): the host for @uri.
 */
HakoHost *
hako_connection_manager_lookup(HakoConnectionManager *self, const char *uri)
{
    GHashTableIter iter;
    gpointer key;

    g_return_val_if_fail(HAKO_IS_CONNECTION_MANAGER(self), NULL);
    g_return_val_if_fail(uri != NULL, NULL);

    g_hash_table_iter_init(&iter, self->entries);
    while (g_hash_table_iter_next(&iter, &key, NULL))
        if (g_strcmp0(hako_host_get_uri(key), uri) == 0)
            return key;
    return NULL;
}

static HostEntry *
lookup_entry(HakoConnectionManager *self, HakoHost *host)
{
    return g_hash_table_lookup(self->entries, host);
}

/**
 * hako_connection_manager_add:
 * @uri: a libvirt URI; an invalid one is added too, and shows its error on
 *   its host when connected
 *
 * Adds a host without connecting it. If @uri is already known, returns that
 * host (remembering it now if @flags ask for it).
 *
 * Returns: (transfer none): the host
 */
HakoHost *
hako_connection_manager_add(HakoConnectionManager *self, const char *uri, HakoConnectFlags flags)
{
    HakoHost *host;
    HostEntry *entry;

    g_return_val_if_fail(HAKO_IS_CONNECTION_MANAGER(self), NULL);
    g_return_val_if_fail(uri != NULL, NULL);

    if (flags & HAKO_CONNECT_AUTOCONNECT)
        flags |= HAKO_CONNECT_REMEMBER;

    host = hako_connection_manager_lookup(self, uri);
    if (host == NULL) {
        entry = g_new0(HostEntry, 1);
        entry->manager = self;
        entry->host = _hako_host_new(uri, (flags & HAKO_CONNECT_READ_ONLY) != 0);
        entry->early_events = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        entry->refreshing = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        host = entry->host;
        if (self->settings != NULL) {
            g_autofree char *label = NULL;
            g_autoptr(GVariant) labels = g_settings_get_value(self->settings, "connection-labels");

            if (g_variant_lookup(labels, uri, "s", &label))
                _hako_host_set_custom_label(host, label);
        }
        g_hash_table_insert(self->entries, host, entry);
        g_list_store_append(self->hosts, host);
    }

    if (flags & HAKO_CONNECT_DIRECT)
        lookup_entry(self, host)->direct = TRUE;
    if (flags & HAKO_CONNECT_REMEMBER) {
        settings_list_change(self->settings, "connections", uri, TRUE);
        if (flags & HAKO_CONNECT_READ_ONLY)
            settings_list_change(self->settings, "read-only-connections", uri, TRUE);
    }
    if (flags & HAKO_CONNECT_AUTOCONNECT)
        hako_connection_manager_set_autoconnect(self, host, TRUE);
    return host;
}

/**
 * hako_connection_manager_set_label:
 * @label: (nullable): the user's name for @host, or %NULL or "" for the one made from its URI
 *
 * Names a connection, and remembers the name (by URI) in the settings.
 */
void
hako_connection_manager_set_label(HakoConnectionManager *self, HakoHost *host, const char *label)
{
    g_autoptr(GVariant) labels = NULL;
    g_auto(GVariantBuilder) builder = G_VARIANT_BUILDER_INIT(G_VARIANT_TYPE("a{ss}"));
    GVariantIter iter;
    const char *uri;
    const char *name;

    g_return_if_fail(HAKO_IS_CONNECTION_MANAGER(self));
    g_return_if_fail(HAKO_IS_HOST(host));

    _hako_host_set_custom_label(host, label);
    if (self->settings == NULL)
        return;
    labels = g_settings_get_value(self->settings, "connection-labels");
    g_variant_iter_init(&iter, labels);
    while (g_variant_iter_next(&iter, "{&s&s}", &uri, &name))
        if (!g_str_equal(uri, hako_host_get_uri(host)))
            g_variant_builder_add(&builder, "{ss}", uri, name);
    if (hako_host_get_custom_label(host) != NULL)
        g_variant_builder_add(&builder, "{ss}", hako_host_get_uri(host),
                              hako_host_get_custom_label(host));
    g_settings_set_value(self->settings, "connection-labels", g_variant_builder_end(&builder));
}

/**
 * hako_connection_manager_remove:
 *
 * Disconnects @host and forgets it, also in the settings. Its guests are
 * not touched.
 */
void
hako_connection_manager_remove(HakoConnectionManager *self, HakoHost *host)
{
    g_autoptr(HakoHost) keep = NULL;
    guint position;

    g_return_if_fail(HAKO_IS_CONNECTION_MANAGER(self));
    g_return_if_fail(HAKO_IS_HOST(host));

    if (lookup_entry(self, host) == NULL)
        return;
    keep = g_object_ref(host);
    settings_list_change(self->settings, "connections", hako_host_get_uri(host), FALSE);
    settings_list_change(self->settings, "autoconnect", hako_host_get_uri(host), FALSE);
    settings_list_change(self->settings, "read-only-connections", hako_host_get_uri(host), FALSE);
    g_hash_table_remove(self->entries, host);
    if (g_list_store_find(self->hosts, host, &position))
        g_list_store_remove(self->hosts, position);
    hako_domain_list_remove_all(hako_host_get_domains(host));
}

/**
 * hako_connection_manager_connect:
 *
 * Connects @host in the background: its state goes to "connecting", then to
 * "connected" with its guests listed, or to "disconnected" with the reason
 * in #HakoHost:last-error. Returns at once.
 */
void
hako_connection_manager_connect(HakoConnectionManager *self, HakoHost *host)
{
    HostEntry *entry;

    g_return_if_fail(HAKO_IS_CONNECTION_MANAGER(self));
    g_return_if_fail(HAKO_IS_HOST(host));

    entry = lookup_entry(self, host);
    g_return_if_fail(entry != NULL);
    entry->retry_delay_ms = 0;
    connect_entry(entry);
}

/**
 * hako_connection_manager_disconnect:
 *
 * Closes the connection of @host (in the background) and empties its guest
 * list. It is not reconnected by itself.
 */
void
hako_connection_manager_disconnect(HakoConnectionManager *self, HakoHost *host)
{
    HostEntry *entry;

    g_return_if_fail(HAKO_IS_CONNECTION_MANAGER(self));
    g_return_if_fail(HAKO_IS_HOST(host));

    entry = lookup_entry(self, host);
    g_return_if_fail(entry != NULL);
    drop_connection(entry);
    entry->was_connected = FALSE;
    entry->retry_delay_ms = 0;
    hako_domain_list_remove_all(hako_host_get_domains(host));
    _hako_host_set_state(host, HAKO_HOST_STATE_DISCONNECTED, NULL);
}

void
hako_connection_manager_set_autoconnect(HakoConnectionManager *self,
                                        HakoHost *host,
                                        gboolean autoconnect)
{
    g_return_if_fail(HAKO_IS_CONNECTION_MANAGER(self));
    g_return_if_fail(HAKO_IS_HOST(host));

    _hako_host_set_autoconnect(host, autoconnect);
    if (autoconnect)
        settings_list_change(self->settings, "connections", hako_host_get_uri(host), TRUE);
    settings_list_change(self->settings, "autoconnect", hako_host_get_uri(host), autoconnect);
}

/**
 * hako_connection_manager_load:
 *
 * Adds the remembered hosts and starts connecting those marked autoconnect.
 *
 * Returns: the number of remembered hosts
 */
guint
hako_connection_manager_load(HakoConnectionManager *self)
{
    g_auto(GStrv) uris = NULL;
    g_auto(GStrv) autoconnect = NULL;
    g_auto(GStrv) read_only = NULL;
    guint n = 0;

    g_return_val_if_fail(HAKO_IS_CONNECTION_MANAGER(self), 0);

    if (self->settings == NULL)
        return 0;

    uris = g_settings_get_strv(self->settings, "connections");
    autoconnect = g_settings_get_strv(self->settings, "autoconnect");
    read_only = g_settings_get_strv(self->settings, "read-only-connections");

    for (; uris[n] != NULL; n++) {
        HakoConnectFlags flags = HAKO_CONNECT_NONE;
        HakoHost *host;

        if (g_strv_contains((const char *const *)read_only, uris[n]))
            flags |= HAKO_CONNECT_READ_ONLY;
        host = hako_connection_manager_add(self, uris[n], flags);
        if (g_strv_contains((const char *const *)autoconnect, uris[n])) {
            _hako_host_set_autoconnect(host, TRUE);
            hako_connection_manager_connect(self, host);
        }
    }
    return n;
}

/**
 * hako_connection_manager_set_retry_delays:
 *
 * Sets the first and the longest wait between reconnection attempts (the
 * wait doubles after each failure).
 */
void
hako_connection_manager_set_retry_delays(HakoConnectionManager *self, guint first_ms, guint max_ms)
{
    g_return_if_fail(HAKO_IS_CONNECTION_MANAGER(self));
    g_return_if_fail(first_ms > 0 && max_ms >= first_ms);

    self->first_retry_ms = first_ms;
    self->max_retry_ms = max_ms;
}

/* ---------------------------------------------------------------------- */
/* For HakoDomainOps */

/**
 * _hako_connection_manager_dup_conn_to_change:
 * @domain: a guest
 *
 * The connection of @domain's host, with a reference the caller drops with
 * virConnectClose() (on any thread), for a call that changes the guest. Fails
 * with %HAKO_ENGINE_ERROR_NOT_CONNECTED when the host is not connected and
 * %HAKO_ENGINE_ERROR_READ_ONLY when it is read-only. Main thread only.
 */
virConnectPtr
_hako_connection_manager_dup_conn_to_change(HakoConnectionManager *self,
                                            HakoDomain *domain,
                                            GError **error)
{
    HakoHost *host;
    HostEntry *entry;

    g_return_val_if_fail(HAKO_IS_CONNECTION_MANAGER(self), NULL);
    g_return_val_if_fail(HAKO_IS_DOMAIN(domain), NULL);

    host = hako_domain_get_host(domain);
    entry = host != NULL ? lookup_entry(self, host) : NULL;
    if (entry == NULL || entry->conn == NULL) {
        g_set_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_NOT_CONNECTED,
                    _("“%s” cannot be changed: its host is not connected."),
                    hako_domain_get_name(domain));
        return NULL;
    }
    if (hako_host_get_read_only(host)) {
        g_set_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_READ_ONLY,
                    _("“%s” cannot be changed: the connection to %s is read-only."),
                    hako_domain_get_name(domain), hako_host_get_label(host));
        return NULL;
    }
    virConnectRef(entry->conn);
    return entry->conn;
}

/**
 * _hako_connection_manager_dup_conn_to_read:
 * @domain: a guest
 * @read_only: (out) (optional): whether the connection is read-only
 *
 * The connection of @domain's host, as _hako_connection_manager_dup_conn_to_change() gives
 * it, but also when it is read-only: for calls that look (a console shows, it does not
 * change). Fails with %HAKO_ENGINE_ERROR_NOT_CONNECTED. Main thread only.
 */
virConnectPtr
_hako_connection_manager_dup_conn_to_read(HakoConnectionManager *self,
                                          HakoDomain *domain,
                                          gboolean *read_only,
                                          GError **error)
{
    HakoHost *host;
    HostEntry *entry;

    g_return_val_if_fail(HAKO_IS_CONNECTION_MANAGER(self), NULL);
    g_return_val_if_fail(HAKO_IS_DOMAIN(domain), NULL);

    host = hako_domain_get_host(domain);
    entry = host != NULL ? lookup_entry(self, host) : NULL;
    if (entry == NULL || entry->conn == NULL) {
        g_set_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_NOT_CONNECTED,
                    _("The host of “%s” is not connected."), hako_domain_get_name(domain));
        return NULL;
    }
    if (read_only != NULL)
        *read_only = hako_host_get_read_only(host);
    virConnectRef(entry->conn);
    return entry->conn;
}

/**
 * _hako_connection_manager_dup_host_conn_to_change:
 * @host: a host of this manager
 *
 * The connection of @host, with a reference the caller drops with virConnectClose() (on any
 * thread), for a call that changes something on the host (its storage, its networks). Fails
 * with %HAKO_ENGINE_ERROR_NOT_CONNECTED when the host is not connected and
 * %HAKO_ENGINE_ERROR_READ_ONLY when it is read-only. Main thread only.
 */
virConnectPtr
_hako_connection_manager_dup_host_conn_to_change(HakoConnectionManager *self,
                                                 HakoHost *host,
                                                 GError **error)
{
    HostEntry *entry;

    g_return_val_if_fail(HAKO_IS_CONNECTION_MANAGER(self), NULL);
    g_return_val_if_fail(HAKO_IS_HOST(host), NULL);

    entry = lookup_entry(self, host);
    if (entry == NULL || entry->conn == NULL) {
        g_set_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_NOT_CONNECTED,
                    _("%s cannot be changed: it is not connected."), hako_host_get_label(host));
        return NULL;
    }
    if (hako_host_get_read_only(host)) {
        g_set_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_READ_ONLY,
                    _("%s cannot be changed: the connection to it is read-only."),
                    hako_host_get_label(host));
        return NULL;
    }
    virConnectRef(entry->conn);
    return entry->conn;
}

/**
 * _hako_connection_manager_dup_host_conn_to_read:
 * @host: a host of this manager
 * @read_only: (out) (optional): whether the connection is read-only
 *
 * The connection of @host, as _hako_connection_manager_dup_host_conn_to_change() gives it,
 * but also when it is read-only: for calls that only look. Fails with
 * %HAKO_ENGINE_ERROR_NOT_CONNECTED. Main thread only.
 */
virConnectPtr
_hako_connection_manager_dup_host_conn_to_read(HakoConnectionManager *self,
                                               HakoHost *host,
                                               gboolean *read_only,
                                               GError **error)
{
    HostEntry *entry;

    g_return_val_if_fail(HAKO_IS_CONNECTION_MANAGER(self), NULL);
    g_return_val_if_fail(HAKO_IS_HOST(host), NULL);

    entry = lookup_entry(self, host);
    if (entry == NULL || entry->conn == NULL) {
        g_set_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_NOT_CONNECTED,
                    _("%s is not connected."), hako_host_get_label(host));
        return NULL;
    }
    if (read_only != NULL)
        *read_only = hako_host_get_read_only(host);
    virConnectRef(entry->conn);
    return entry->conn;
}

/**
 * _hako_connection_manager_dup_ssh_master:
 * @domain: a guest
 *
 * Returns: (transfer full) (nullable): the SSH session of @domain's host, for consoles to go
 *   through; NULL when the host is not reached over SSH. Main thread only.
 */
HakoSshMaster *
_hako_connection_manager_dup_ssh_master(HakoConnectionManager *self, HakoDomain *domain)
{
    HakoHost *host;
    HostEntry *entry;

    g_return_val_if_fail(HAKO_IS_CONNECTION_MANAGER(self), NULL);
    g_return_val_if_fail(HAKO_IS_DOMAIN(domain), NULL);

    host = hako_domain_get_host(domain);
    entry = host != NULL ? lookup_entry(self, host) : NULL;
    return entry != NULL && entry->ssh != NULL && !entry->direct ? _hako_ssh_master_ref(entry->ssh)
                                                                 : NULL;
}

/**
 * _hako_connection_manager_get_direct:
 *
 * Whether consoles of @domain's host go straight to the display's address
 * (%HAKO_CONNECT_DIRECT). Main thread only.
 */
gboolean
_hako_connection_manager_get_direct(HakoConnectionManager *self, HakoDomain *domain)
{
    HakoHost *host;
    HostEntry *entry;

    g_return_val_if_fail(HAKO_IS_CONNECTION_MANAGER(self), FALSE);
    g_return_val_if_fail(HAKO_IS_DOMAIN(domain), FALSE);

    host = hako_domain_get_host(domain);
    entry = host != NULL ? lookup_entry(self, host) : NULL;
    return entry != NULL && entry->direct;
}

/* ---------------------------------------------------------------------- */
/* Default URI */

static void
probe_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    virConnectPtr conn = virConnectOpenReadOnly("qemu:///system");

    if (conn != NULL) {
        virConnectClose(conn);
        g_task_return_pointer(task, g_strdup("qemu:///system"), g_free);
        return;
    }
    g_debug("No system libvirt daemon: %s", _hako_libvirt_last_message());
    virResetLastError();
    /* libvirt starts the user's session daemon on demand. */
    g_task_return_pointer(task, g_strdup("qemu:///session"), g_free);
}

/**
 * hako_connection_manager_probe_default_uri_async:
 *
 * Finds the connection to offer when nothing is remembered: the system
 * hypervisor when a libvirt daemon answers, else the user's session.
 */
void
hako_connection_manager_probe_default_uri_async(HakoConnectionManager *self,
                                                GCancellable *cancellable,
                                                GAsyncReadyCallback callback,
                                                gpointer user_data)
{
    g_autoptr(GTask) task = NULL;

    g_return_if_fail(HAKO_IS_CONNECTION_MANAGER(self));

    task = g_task_new(self, cancellable, callback, user_data);
    g_task_set_source_tag(task, hako_connection_manager_probe_default_uri_async);
    _hako_task_run_in_own_thread(task, probe_thread);
}

char *
hako_connection_manager_probe_default_uri_finish(HakoConnectionManager *self,
                                                 GAsyncResult *result,
                                                 GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), NULL);
    return g_task_propagate_pointer(G_TASK(result), error);
}
