/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoHost: one libvirt connection and the guests it holds. */
#include "config.h"

#include "hako-domain-private.h"
#include "hako-enums.h"
#include "hako-host-private.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

struct _HakoHost {
    GObject parent_instance;

    char *uri;
    char *label;        /* the custom label, else the one made from the URI */
    char *uri_label;    /* the one made from the URI */
    char *custom_label; /* the user's name for the connection, or NULL */
    HakoHostDetails details;
    char *last_error;
    char *hostname;
    char *hypervisor;
    HakoHostState state;
    gboolean read_only;
    gboolean autoconnect;
    HakoDomainList *domains;
    HakoStatsHistory *histories[HAKO_N_HOST_STATS];
    HakoStatsPolled polled_stats;
    guint n_cpus;
    guint64 memory_total; /* bytes */
};

G_DEFINE_FINAL_TYPE(HakoHost, hako_host, G_TYPE_OBJECT)

static void details_clear(HakoHostDetails *details);

enum {
    PROP_0,
    PROP_URI,
    PROP_LABEL,
    PROP_STATE,
    PROP_LAST_ERROR,
    PROP_READ_ONLY,
    PROP_AUTOCONNECT,
    PROP_HOSTNAME,
    PROP_HYPERVISOR,
    PROP_DOMAINS,
    PROP_POLLED_STATS,
    PROP_N_CPUS,
    PROP_MEMORY_TOTAL,
    PROP_CUSTOM_LABEL,
    PROP_DETAILS,
    N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum { SIGNAL_STATS_UPDATED, N_SIGNALS };

static guint signals[N_SIGNALS];

static void
hako_host_dispose(GObject *object)
{
    HakoHost *self = HAKO_HOST(object);

    if (self->domains != NULL)
        hako_domain_list_remove_all(self->domains);
    g_clear_object(&self->domains);

    G_OBJECT_CLASS(hako_host_parent_class)->dispose(object);
}

static void
hako_host_finalize(GObject *object)
{
    HakoHost *self = HAKO_HOST(object);

    g_free(self->uri);
    g_free(self->label);
    g_free(self->uri_label);
    g_free(self->custom_label);
    details_clear(&self->details);
    g_free(self->last_error);
    g_free(self->hostname);
    g_free(self->hypervisor);
    for (guint i = 0; i < HAKO_N_HOST_STATS; i++)
        hako_stats_history_unref(self->histories[i]);

    G_OBJECT_CLASS(hako_host_parent_class)->finalize(object);
}

static void
hako_host_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
    HakoHost *self = HAKO_HOST(object);

    switch (prop_id) {
    case PROP_URI:
        g_value_set_string(value, self->uri);
        break;
    case PROP_LABEL:
        g_value_set_string(value, self->label);
        break;
    case PROP_STATE:
        g_value_set_enum(value, self->state);
        break;
    case PROP_LAST_ERROR:
        g_value_set_string(value, self->last_error);
        break;
    case PROP_READ_ONLY:
        g_value_set_boolean(value, self->read_only);
        break;
    case PROP_AUTOCONNECT:
        g_value_set_boolean(value, self->autoconnect);
        break;
    case PROP_HOSTNAME:
        g_value_set_string(value, self->hostname);
        break;
    case PROP_HYPERVISOR:
        g_value_set_string(value, self->hypervisor);
        break;
    case PROP_POLLED_STATS:
        g_value_set_flags(value, self->polled_stats);
        break;
    case PROP_N_CPUS:
        g_value_set_uint(value, self->n_cpus);
        break;
    case PROP_MEMORY_TOTAL:
        g_value_set_uint64(value, self->memory_total);
        break;
    case PROP_DOMAINS:
        g_value_set_object(value, self->domains);
        break;
    case PROP_CUSTOM_LABEL:
        g_value_set_string(value, self->custom_label);
        break;
    case PROP_DETAILS:
        g_value_set_pointer(value, &self->details);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    }
}

static void
hako_host_class_init(HakoHostClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

    object_class->dispose = hako_host_dispose;
    object_class->finalize = hako_host_finalize;
    object_class->get_property = hako_host_get_property;

    properties[PROP_URI] = g_param_spec_string("uri", NULL, NULL, NULL, ro);
    properties[PROP_LABEL] = g_param_spec_string("label", NULL, NULL, NULL, ro);
    properties[PROP_STATE] = g_param_spec_enum("state", NULL, NULL, HAKO_TYPE_HOST_STATE,
                                               HAKO_HOST_STATE_DISCONNECTED, ro);
    properties[PROP_LAST_ERROR] = g_param_spec_string("last-error", NULL, NULL, NULL, ro);
    properties[PROP_READ_ONLY] = g_param_spec_boolean("read-only", NULL, NULL, FALSE, ro);
    properties[PROP_AUTOCONNECT] = g_param_spec_boolean("autoconnect", NULL, NULL, FALSE, ro);
    properties[PROP_HOSTNAME] = g_param_spec_string("hostname", NULL, NULL, NULL, ro);
    properties[PROP_HYPERVISOR] = g_param_spec_string("hypervisor", NULL, NULL, NULL, ro);
    properties[PROP_DOMAINS] =
        g_param_spec_object("domains", NULL, NULL, HAKO_TYPE_DOMAIN_LIST, ro);
    /**
     * HakoHost:polled-stats:
     *
     * Which kinds of figures are polled on this host now: none while it is
     * not connected, else those the settings switch on.
     */
    properties[PROP_POLLED_STATS] = g_param_spec_flags(
        "polled-stats", NULL, NULL, HAKO_TYPE_STATS_POLLED, HAKO_STATS_POLL_NONE, ro);
    properties[PROP_N_CPUS] = g_param_spec_uint("n-cpus", NULL, NULL, 0, G_MAXUINT, 0, ro);
    properties[PROP_CUSTOM_LABEL] = g_param_spec_string("custom-label", NULL, NULL, NULL, ro);
    /* HakoHostDetails, notified when any of them changes (a new connection). */
    properties[PROP_DETAILS] = g_param_spec_pointer("details", NULL, NULL, ro);
    properties[PROP_MEMORY_TOTAL] =
        g_param_spec_uint64("memory-total", NULL, NULL, 0, G_MAXUINT64, 0, ro);

    g_object_class_install_properties(object_class, N_PROPS, properties);

    /**
     * HakoHost::stats-updated:
     *
     * A poll has pushed its figures into the histories of the host and of all
     * its guests. Views redraw their graphs here: one signal per tick, however
     * many guests.
     */
    signals[SIGNAL_STATS_UPDATED] =
        g_signal_new("stats-updated", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                     NULL, G_TYPE_NONE, 0);
}

static void
hako_host_init(HakoHost *self)
{
    self->domains = hako_domain_list_new();
    for (guint i = 0; i < HAKO_N_HOST_STATS; i++)
        self->histories[i] = hako_stats_history_new(HAKO_STATS_DEFAULT_HISTORY);
}

HakoHost *
_hako_host_new(const char *uri, gboolean read_only)
{
    HakoHost *self;

    g_return_val_if_fail(uri != NULL, NULL);

    self = g_object_new(HAKO_TYPE_HOST, NULL);
    self->uri = g_strdup(uri);
    self->uri_label = hako_uri_pretty_label(uri);
    self->label = g_strdup(self->uri_label);
    self->read_only = read_only;
    return self;
}

void
_hako_host_set_state(HakoHost *self, HakoHostState state, const char *last_error)
{
    g_return_if_fail(HAKO_IS_HOST(self));

    g_object_freeze_notify(G_OBJECT(self));
    if (self->state != state) {
        self->state = state;
        g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_STATE]);
    }
    if (g_strcmp0(self->last_error, last_error) != 0) {
        g_free(self->last_error);
        self->last_error = g_strdup(last_error);
        g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_LAST_ERROR]);
    }
    g_object_thaw_notify(G_OBJECT(self));
}

void
_hako_host_set_autoconnect(HakoHost *self, gboolean autoconnect)
{
    g_return_if_fail(HAKO_IS_HOST(self));

    autoconnect = !!autoconnect;
    if (self->autoconnect == autoconnect)
        return;
    self->autoconnect = autoconnect;
    g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_AUTOCONNECT]);
}

static void
details_clear(HakoHostDetails *details)
{
    g_clear_pointer(&details->hypervisor_version, g_free);
    g_clear_pointer(&details->libvirt_version, g_free);
    g_clear_pointer(&details->cpu_model, g_free);
    g_clear_pointer(&details->cpu_arch, g_free);
}

/* What a connection tells about its host, once per connection. */
void
_hako_host_set_details(HakoHost *self, const HakoHostDetails *details)
{
    g_return_if_fail(HAKO_IS_HOST(self));
    g_return_if_fail(details != NULL);

    if (g_strcmp0(self->details.hypervisor_version, details->hypervisor_version) == 0 &&
        g_strcmp0(self->details.libvirt_version, details->libvirt_version) == 0 &&
        g_strcmp0(self->details.cpu_model, details->cpu_model) == 0 &&
        g_strcmp0(self->details.cpu_arch, details->cpu_arch) == 0 &&
        self->details.sockets == details->sockets && self->details.cores == details->cores &&
        self->details.threads == details->threads &&
        self->details.numa_cells == details->numa_cells && self->details.no_kvm == details->no_kvm)
        return;
    details_clear(&self->details);
    self->details.hypervisor_version = g_strdup(details->hypervisor_version);
    self->details.libvirt_version = g_strdup(details->libvirt_version);
    self->details.cpu_model = g_strdup(details->cpu_model);
    self->details.cpu_arch = g_strdup(details->cpu_arch);
    self->details.sockets = details->sockets;
    self->details.cores = details->cores;
    self->details.threads = details->threads;
    self->details.numa_cells = details->numa_cells;
    self->details.no_kvm = details->no_kvm;
    g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_DETAILS]);
}

/* The user's name for the connection (NULL or "" for the one made from its URI). */
void
_hako_host_set_custom_label(HakoHost *self, const char *label)
{
    g_autofree char *stripped = label != NULL ? g_strstrip(g_strdup(label)) : NULL;

    g_return_if_fail(HAKO_IS_HOST(self));

    if (stripped != NULL && *stripped == '\0')
        g_clear_pointer(&stripped, g_free);
    if (g_strcmp0(self->custom_label, stripped) == 0)
        return;
    g_free(self->custom_label);
    self->custom_label = g_steal_pointer(&stripped);
    g_free(self->label);
    self->label = g_strdup(self->custom_label != NULL ? self->custom_label : self->uri_label);
    g_object_freeze_notify(G_OBJECT(self));
    g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_CUSTOM_LABEL]);
    g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_LABEL]);
    g_object_thaw_notify(G_OBJECT(self));
}

void
_hako_host_set_info(HakoHost *self, const char *hostname, const char *hypervisor)
{
    g_return_if_fail(HAKO_IS_HOST(self));

    if (g_strcmp0(self->hostname, hostname) != 0) {
        g_free(self->hostname);
        self->hostname = g_strdup(hostname);
        g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_HOSTNAME]);
    }
    if (g_strcmp0(self->hypervisor, hypervisor) != 0) {
        g_free(self->hypervisor);
        self->hypervisor = g_strdup(hypervisor);
        g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_HYPERVISOR]);
    }
}

const char *
hako_host_get_uri(HakoHost *self)
{
    g_return_val_if_fail(HAKO_IS_HOST(self), NULL);
    return self->uri;
}

const char *
hako_host_get_label(HakoHost *self)
{
    g_return_val_if_fail(HAKO_IS_HOST(self), NULL);
    return self->label;
}

/**
 * hako_host_get_custom_label:
 *
 * Returns: (nullable): the user's name for the connection, or %NULL when it goes by the name
 *   made from its URI.
 */
const char *
hako_host_get_custom_label(HakoHost *self)
{
    g_return_val_if_fail(HAKO_IS_HOST(self), NULL);
    return self->custom_label;
}

/**
 * hako_host_get_details:
 *
 * Returns: (transfer none): what the host's connection told about it (versions, CPU); zeros and
 *   %NULLs until it has connected once.
 */
const HakoHostDetails *
hako_host_get_details(HakoHost *self)
{
    g_return_val_if_fail(HAKO_IS_HOST(self), NULL);
    return &self->details;
}

HakoHostState
hako_host_get_state(HakoHost *self)
{
    g_return_val_if_fail(HAKO_IS_HOST(self), HAKO_HOST_STATE_DISCONNECTED);
    return self->state;
}

const char *
hako_host_get_last_error(HakoHost *self)
{
    g_return_val_if_fail(HAKO_IS_HOST(self), NULL);
    return self->last_error;
}

gboolean
hako_host_get_read_only(HakoHost *self)
{
    g_return_val_if_fail(HAKO_IS_HOST(self), FALSE);
    return self->read_only;
}

gboolean
hako_host_get_autoconnect(HakoHost *self)
{
    g_return_val_if_fail(HAKO_IS_HOST(self), FALSE);
    return self->autoconnect;
}

const char *
hako_host_get_hostname(HakoHost *self)
{
    g_return_val_if_fail(HAKO_IS_HOST(self), NULL);
    return self->hostname;
}

const char *
hako_host_get_hypervisor(HakoHost *self)
{
    g_return_val_if_fail(HAKO_IS_HOST(self), NULL);
    return self->hypervisor;
}

/**
 * hako_host_get_domains:
 *
 * Returns: (transfer none): the host's guests.
 */
HakoDomainList *
hako_host_get_domains(HakoHost *self)
{
    g_return_val_if_fail(HAKO_IS_HOST(self), NULL);
    return self->domains;
}

gboolean
hako_host_is_connected(HakoHost *self)
{
    g_return_val_if_fail(HAKO_IS_HOST(self), FALSE);
    return self->state == HAKO_HOST_STATE_CONNECTED;
}

const char *
hako_host_state_to_string(HakoHostState state)
{
    switch (state) {
    case HAKO_HOST_STATE_CONNECTING:
        return _("Connecting…");
    case HAKO_HOST_STATE_CONNECTED:
        return _("Connected");
    case HAKO_HOST_STATE_DISCONNECTED:
    default:
        return _("Disconnected");
    }
}

/**
 * hako_uri_validate:
 * @uri: a libvirt connection URI
 *
 * Checks the shape of @uri (a scheme naming a driver and transport, a path,
 * a port in range) without contacting anything.
 */
gboolean
hako_uri_validate(const char *uri, GError **error)
{
    g_autoptr(GUri) parsed = NULL;
    g_autoptr(GError) local_error = NULL;
    g_autofree char *scheme = NULL;
    const char *colon;
    const char *host;
    const char *path;

    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    if (uri == NULL || *uri == '\0') {
        g_set_error_literal(error, HAKO_MODEL_ERROR, HAKO_MODEL_ERROR_INVALID_URI,
                            _("The connection URI is empty. Enter one such as qemu:///system."));
        return FALSE;
    }
    if (strchr(uri, ' ') != NULL) {
        g_set_error(error, HAKO_MODEL_ERROR, HAKO_MODEL_ERROR_INVALID_URI,
                    _("“%s” is not a valid connection URI: it contains a space."), uri);
        return FALSE;
    }
    /* Check the scheme before GUri does: it refuses "1qemu:" or "qemu" as "not absolute", which
     * does not tell the user what is wrong. */
    colon = strchr(uri, ':');
    if (colon == NULL || colon == uri) {
        g_set_error(error, HAKO_MODEL_ERROR, HAKO_MODEL_ERROR_INVALID_URI,
                    _("“%s” is not a valid connection URI: it does not start with a driver name "
                      "and a colon, as in qemu:///system."),
                    uri);
        return FALSE;
    }
    scheme = g_strndup(uri, colon - uri);
    if (!g_regex_match_simple("^[a-z][a-z0-9]*(\\+[a-z0-9]+)?$", scheme, G_REGEX_CASELESS, 0)) {
        g_set_error(error, HAKO_MODEL_ERROR, HAKO_MODEL_ERROR_INVALID_URI,
                    _("“%s” is not a valid connection URI: the scheme “%s” should be a driver "
                      "name with an optional transport, such as qemu+ssh."),
                    uri, scheme);
        return FALSE;
    }
    parsed = g_uri_parse(uri, G_URI_FLAGS_NON_DNS | G_URI_FLAGS_ENCODED, &local_error);
    if (parsed == NULL) {
        g_set_error(error, HAKO_MODEL_ERROR, HAKO_MODEL_ERROR_INVALID_URI,
                    _("“%s” is not a valid connection URI: %s"), uri, local_error->message);
        return FALSE;
    }
    /* "qemu://" has an empty host, not a missing one. */
    host = g_uri_get_host(parsed);
    path = g_uri_get_path(parsed);
    if ((host == NULL || *host == '\0') && (path == NULL || *path == '\0')) {
        g_set_error(error, HAKO_MODEL_ERROR, HAKO_MODEL_ERROR_INVALID_URI,
                    _("“%s” is not a valid connection URI: it names no host and no path, as in "
                      "qemu:///system."),
                    uri);
        return FALSE;
    }
    return TRUE;
}

/**
 * hako_uri_pretty_label:
 *
 * Returns: (transfer full): a short name for a connection, as virt-manager
 *   shows it ("QEMU/KVM", "QEMU/KVM User session", "Xen: server1").
 */
char *
hako_uri_pretty_label(const char *uri)
{
    g_autoptr(GUri) parsed = NULL;
    g_autofree char *driver = NULL;
    const char *scheme;
    const char *host;
    const char *path;
    const char *plus;
    const char *name;
    g_autofree char *base = NULL;

    parsed = g_uri_parse(uri, G_URI_FLAGS_NON_DNS | G_URI_FLAGS_ENCODED, NULL);
    if (parsed == NULL)
        return g_strdup(uri);

    scheme = g_uri_get_scheme(parsed);
    plus = strchr(scheme, '+');
    driver = plus ? g_strndup(scheme, plus - scheme) : g_strdup(scheme);
    host = g_uri_get_host(parsed);
    path = g_uri_get_path(parsed);

    if (g_ascii_strcasecmp(driver, "qemu") == 0)
        name = "QEMU/KVM";
    else if (g_ascii_strcasecmp(driver, "xen") == 0 || g_ascii_strcasecmp(driver, "libxl") == 0)
        name = "Xen";
    else if (g_ascii_strcasecmp(driver, "test") == 0)
        name = _("Test");
    else if (g_ascii_strcasecmp(driver, "lxc") == 0)
        name = "LXC";
    else
        name = driver;

    if (g_ascii_strcasecmp(driver, "test") == 0 && path != NULL && strlen(path) > 1 &&
        g_strcmp0(path, "/default") != 0) {
        g_autofree char *file = g_path_get_basename(path);
        base = g_strdup_printf("%s: %s", name, file);
    } else if (g_strcmp0(path, "/session") == 0)
        /* Translators: a QEMU/KVM connection to the user's own session daemon */
        base = g_strdup_printf(_("%s User session"), name);
    else
        base = g_strdup(name);

    if (host != NULL && *host != '\0' && g_strcmp0(host, "localhost") != 0)
        return g_strdup_printf("%s: %s", base, host);
    return g_steal_pointer(&base);
}

/**
 * hako_host_get_stats_history:
 *
 * Returns: (transfer none): the history of @stat, newest sample first.
 */
HakoStatsHistory *
hako_host_get_stats_history(HakoHost *self, HakoHostStat stat)
{
    g_return_val_if_fail(HAKO_IS_HOST(self), NULL);
    g_return_val_if_fail(stat < HAKO_N_HOST_STATS, NULL);
    return self->histories[stat];
}

double
hako_host_get_stat(HakoHost *self, HakoHostStat stat)
{
    g_return_val_if_fail(HAKO_IS_HOST(self), NAN);
    g_return_val_if_fail(stat < HAKO_N_HOST_STATS, NAN);
    return hako_stats_history_get_latest(self->histories[stat]);
}

HakoStatsPolled
hako_host_get_polled_stats(HakoHost *self)
{
    g_return_val_if_fail(HAKO_IS_HOST(self), HAKO_STATS_POLL_NONE);
    return self->polled_stats;
}

/* How many CPUs the host has, 0 until it is known. */
guint
hako_host_get_n_cpus(HakoHost *self)
{
    g_return_val_if_fail(HAKO_IS_HOST(self), 0);
    return self->n_cpus;
}

/* The host's memory in bytes, 0 until it is known. */
guint64
hako_host_get_memory_total(HakoHost *self)
{
    g_return_val_if_fail(HAKO_IS_HOST(self), 0);
    return self->memory_total;
}

void
_hako_host_push_stats(HakoHost *self, const double values[HAKO_N_HOST_STATS])
{
    g_return_if_fail(HAKO_IS_HOST(self));

    for (guint i = 0; i < HAKO_N_HOST_STATS; i++)
        hako_stats_history_push(self->histories[i], values[i]);
}

/* Sets the history length of the host and of all its guests. */
void
_hako_host_set_stats_history_length(HakoHost *self, guint length)
{
    GListModel *domains;
    guint n;

    g_return_if_fail(HAKO_IS_HOST(self));

    for (guint i = 0; i < HAKO_N_HOST_STATS; i++)
        hako_stats_history_set_capacity(self->histories[i], length);
    domains = G_LIST_MODEL(self->domains);
    n = g_list_model_get_n_items(domains);
    for (guint i = 0; i < n; i++) {
        g_autoptr(HakoDomain) domain = g_list_model_get_item(domains, i);

        _hako_domain_set_stats_history_length(domain, length);
    }
}

void
_hako_host_set_polled_stats(HakoHost *self, HakoStatsPolled polled)
{
    g_return_if_fail(HAKO_IS_HOST(self));

    if (self->polled_stats == polled)
        return;
    self->polled_stats = polled;
    g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_POLLED_STATS]);
}

void
_hako_host_set_node_info(HakoHost *self, guint n_cpus, guint64 memory_total)
{
    g_return_if_fail(HAKO_IS_HOST(self));

    g_object_freeze_notify(G_OBJECT(self));
    if (self->n_cpus != n_cpus) {
        self->n_cpus = n_cpus;
        g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_N_CPUS]);
    }
    if (self->memory_total != memory_total) {
        self->memory_total = memory_total;
        g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_MEMORY_TOTAL]);
    }
    g_object_thaw_notify(G_OBJECT(self));
}

void
_hako_host_emit_stats_updated(HakoHost *self)
{
    g_return_if_fail(HAKO_IS_HOST(self));
    g_signal_emit(self, signals[SIGNAL_STATS_UPDATED], 0);
}
