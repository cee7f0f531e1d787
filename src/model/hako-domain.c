/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoDomain: one guest as the UI sees it, identified by its UUID. */
#include "config.h"

#include "hako-domain-private.h"
#include "hako-enums.h"
#include "hako-host.h"

#include <glib/gi18n.h>
#include <math.h>

struct _HakoDomain {
    GObject parent_instance;

    HakoHost *host; /* weak */
    char *uuid;
    char *name;
    char *title;
    int id;
    HakoDomainState state;
    int reason;
    guint vcpus;
    guint64 memory;
    guint64 max_memory;
    guint persistent : 1;
    guint autostart : 1;
    guint managed_save : 1;
    guint shutdown_ignored : 1;
    HakoStatsHistory *histories[HAKO_N_DOMAIN_STATS];
    gint64 stats_time; /* when the newest sample was taken (monotonic µs), 0 before any */
    char **addresses;  /* NULL when none are known */
};

G_DEFINE_FINAL_TYPE(HakoDomain, hako_domain, G_TYPE_OBJECT)

enum {
    PROP_0,
    PROP_HOST,
    PROP_UUID,
    PROP_NAME,
    PROP_TITLE,
    PROP_ID,
    PROP_STATE,
    PROP_STATE_REASON,
    PROP_VCPUS,
    PROP_MEMORY,
    PROP_MAX_MEMORY,
    PROP_PERSISTENT,
    PROP_AUTOSTART,
    PROP_MANAGED_SAVE,
    PROP_ADDRESSES,
    PROP_SHUTDOWN_IGNORED,
    N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
hako_domain_dispose(GObject *object)
{
    HakoDomain *self = HAKO_DOMAIN(object);

    g_clear_weak_pointer(&self->host);

    G_OBJECT_CLASS(hako_domain_parent_class)->dispose(object);
}

static void
hako_domain_finalize(GObject *object)
{
    HakoDomain *self = HAKO_DOMAIN(object);

    g_free(self->uuid);
    g_free(self->name);
    g_free(self->title);
    for (guint i = 0; i < HAKO_N_DOMAIN_STATS; i++)
        hako_stats_history_unref(self->histories[i]);
    g_strfreev(self->addresses);

    G_OBJECT_CLASS(hako_domain_parent_class)->finalize(object);
}

static void
hako_domain_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
    HakoDomain *self = HAKO_DOMAIN(object);

    switch (prop_id) {
    case PROP_HOST:
        g_value_set_object(value, self->host);
        break;
    case PROP_UUID:
        g_value_set_string(value, self->uuid);
        break;
    case PROP_NAME:
        g_value_set_string(value, self->name);
        break;
    case PROP_TITLE:
        g_value_set_string(value, self->title);
        break;
    case PROP_ID:
        g_value_set_int(value, self->id);
        break;
    case PROP_STATE:
        g_value_set_enum(value, self->state);
        break;
    case PROP_STATE_REASON:
        g_value_set_int(value, self->reason);
        break;
    case PROP_VCPUS:
        g_value_set_uint(value, self->vcpus);
        break;
    case PROP_MEMORY:
        g_value_set_uint64(value, self->memory);
        break;
    case PROP_MAX_MEMORY:
        g_value_set_uint64(value, self->max_memory);
        break;
    case PROP_PERSISTENT:
        g_value_set_boolean(value, self->persistent);
        break;
    case PROP_AUTOSTART:
        g_value_set_boolean(value, self->autostart);
        break;
    case PROP_MANAGED_SAVE:
        g_value_set_boolean(value, self->managed_save);
        break;
    case PROP_ADDRESSES:
        g_value_set_boxed(value, self->addresses);
        break;
    case PROP_SHUTDOWN_IGNORED:
        g_value_set_boolean(value, self->shutdown_ignored);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    }
}

static void
hako_domain_class_init(HakoDomainClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

    object_class->dispose = hako_domain_dispose;
    object_class->finalize = hako_domain_finalize;
    object_class->get_property = hako_domain_get_property;

    properties[PROP_HOST] = g_param_spec_object("host", NULL, NULL, HAKO_TYPE_HOST, ro);
    properties[PROP_UUID] = g_param_spec_string("uuid", NULL, NULL, NULL, ro);
    properties[PROP_NAME] = g_param_spec_string("name", NULL, NULL, NULL, ro);
    properties[PROP_TITLE] = g_param_spec_string("title", NULL, NULL, NULL, ro);
    properties[PROP_ID] = g_param_spec_int("id", NULL, NULL, -1, G_MAXINT, -1, ro);
    properties[PROP_STATE] = g_param_spec_enum("state", NULL, NULL, HAKO_TYPE_DOMAIN_STATE,
                                               HAKO_DOMAIN_STATE_NOSTATE, ro);
    properties[PROP_STATE_REASON] =
        g_param_spec_int("state-reason", NULL, NULL, 0, G_MAXINT, 0, ro);
    properties[PROP_VCPUS] = g_param_spec_uint("vcpus", NULL, NULL, 0, G_MAXUINT, 0, ro);
    properties[PROP_MEMORY] = g_param_spec_uint64("memory", NULL, NULL, 0, G_MAXUINT64, 0, ro);
    properties[PROP_MAX_MEMORY] =
        g_param_spec_uint64("max-memory", NULL, NULL, 0, G_MAXUINT64, 0, ro);
    properties[PROP_PERSISTENT] = g_param_spec_boolean("persistent", NULL, NULL, FALSE, ro);
    properties[PROP_AUTOSTART] = g_param_spec_boolean("autostart", NULL, NULL, FALSE, ro);
    properties[PROP_MANAGED_SAVE] = g_param_spec_boolean("managed-save", NULL, NULL, FALSE, ro);
    /**
     * HakoDomain:addresses:
     *
     * The guest's IP addresses, from DHCP leases or the guest agent, or %NULL
     * when none are known.
     */
    properties[PROP_ADDRESSES] = g_param_spec_boxed("addresses", NULL, NULL, G_TYPE_STRV, ro);

    /**
     * HakoDomain:shutdown-ignored:
     *
     * Whether the guest still runs long after a shutdown request libvirt accepted. Cleared
     * when the guest stops or pauses.
     */
    properties[PROP_SHUTDOWN_IGNORED] =
        g_param_spec_boolean("shutdown-ignored", NULL, NULL, FALSE, ro);

    g_object_class_install_properties(object_class, N_PROPS, properties);
}

static void
hako_domain_init(HakoDomain *self)
{
    self->id = -1;
    for (guint i = 0; i < HAKO_N_DOMAIN_STATS; i++)
        self->histories[i] = hako_stats_history_new(HAKO_STATS_DEFAULT_HISTORY);
}

HakoDomain *
_hako_domain_new(HakoHost *host, const char *uuid)
{
    HakoDomain *self;

    g_return_val_if_fail(host == NULL || HAKO_IS_HOST(host), NULL);
    g_return_val_if_fail(uuid != NULL, NULL);

    self = g_object_new(HAKO_TYPE_DOMAIN, NULL);
    self->uuid = g_strdup(uuid);
    g_set_weak_pointer(&self->host, host);
    return self;
}

HakoDomainFacts *
_hako_domain_facts_new(void)
{
    HakoDomainFacts *facts = g_new0(HakoDomainFacts, 1);

    facts->id = -1;
    return facts;
}

void
_hako_domain_facts_free(HakoDomainFacts *facts)
{
    if (facts == NULL)
        return;
    g_free(facts->uuid);
    g_free(facts->name);
    g_free(facts->title);
    g_free(facts);
}

static void
set_string(HakoDomain *self, char **field, const char *value, guint prop)
{
    if (g_strcmp0(*field, value) == 0)
        return;
    g_free(*field);
    *field = g_strdup(value);
    g_object_notify_by_pspec(G_OBJECT(self), properties[prop]);
}

#define SET_FIELD(self, field, value, prop)                                                        \
    G_STMT_START                                                                                   \
    {                                                                                              \
        if ((self)->field != (value)) {                                                            \
            (self)->field = (value);                                                               \
            g_object_notify_by_pspec(G_OBJECT(self), properties[prop]);                            \
        }                                                                                          \
    }                                                                                              \
    G_STMT_END

static gboolean
still_running(HakoDomainState state)
{
    return state == HAKO_DOMAIN_STATE_RUNNING || state == HAKO_DOMAIN_STATE_BLOCKED ||
           state == HAKO_DOMAIN_STATE_SHUTDOWN;
}

/* Set by the engine when a shutdown request has not stopped the guest in time. */
void
_hako_domain_set_shutdown_ignored(HakoDomain *self, gboolean ignored)
{
    g_return_if_fail(HAKO_IS_DOMAIN(self));

    if (ignored && !still_running(self->state))
        return;
    SET_FIELD(self, shutdown_ignored, !!ignored, PROP_SHUTDOWN_IGNORED);
}

void
_hako_domain_set_state(HakoDomain *self, HakoDomainState state, int reason)
{
    g_return_if_fail(HAKO_IS_DOMAIN(self));

    g_object_freeze_notify(G_OBJECT(self));
    SET_FIELD(self, state, state, PROP_STATE);
    SET_FIELD(self, reason, reason, PROP_STATE_REASON);
    if (state == HAKO_DOMAIN_STATE_SHUTOFF)
        SET_FIELD(self, id, -1, PROP_ID);
    if (!still_running(state))
        SET_FIELD(self, shutdown_ignored, FALSE, PROP_SHUTDOWN_IGNORED);
    g_object_thaw_notify(G_OBJECT(self));
}

void
_hako_domain_apply_facts(HakoDomain *self, const HakoDomainFacts *facts)
{
    g_return_if_fail(HAKO_IS_DOMAIN(self));
    g_return_if_fail(facts != NULL);
    g_return_if_fail(g_strcmp0(facts->uuid, self->uuid) == 0);

    g_object_freeze_notify(G_OBJECT(self));
    set_string(self, &self->name, facts->name, PROP_NAME);
    set_string(self, &self->title, facts->title && *facts->title ? facts->title : NULL, PROP_TITLE);
    SET_FIELD(self, id, facts->id, PROP_ID);
    SET_FIELD(self, state, facts->state, PROP_STATE);
    SET_FIELD(self, reason, facts->reason, PROP_STATE_REASON);
    SET_FIELD(self, vcpus, facts->vcpus, PROP_VCPUS);
    SET_FIELD(self, memory, facts->memory, PROP_MEMORY);
    SET_FIELD(self, max_memory, facts->max_memory, PROP_MAX_MEMORY);
    SET_FIELD(self, persistent, !!facts->persistent, PROP_PERSISTENT);
    SET_FIELD(self, autostart, !!facts->autostart, PROP_AUTOSTART);
    SET_FIELD(self, managed_save, !!facts->managed_save, PROP_MANAGED_SAVE);
    if (!still_running(facts->state))
        SET_FIELD(self, shutdown_ignored, FALSE, PROP_SHUTDOWN_IGNORED);
    g_object_thaw_notify(G_OBJECT(self));
}

const char *
hako_domain_get_uuid(HakoDomain *self)
{
    g_return_val_if_fail(HAKO_IS_DOMAIN(self), NULL);
    return self->uuid;
}

const char *
hako_domain_get_name(HakoDomain *self)
{
    g_return_val_if_fail(HAKO_IS_DOMAIN(self), NULL);
    return self->name;
}

const char *
hako_domain_get_title(HakoDomain *self)
{
    g_return_val_if_fail(HAKO_IS_DOMAIN(self), NULL);
    return self->title;
}

int
hako_domain_get_id(HakoDomain *self)
{
    g_return_val_if_fail(HAKO_IS_DOMAIN(self), -1);
    return self->id;
}

HakoDomainState
hako_domain_get_state(HakoDomain *self)
{
    g_return_val_if_fail(HAKO_IS_DOMAIN(self), HAKO_DOMAIN_STATE_NOSTATE);
    return self->state;
}

int
hako_domain_get_state_reason(HakoDomain *self)
{
    g_return_val_if_fail(HAKO_IS_DOMAIN(self), 0);
    return self->reason;
}

guint
hako_domain_get_vcpus(HakoDomain *self)
{
    g_return_val_if_fail(HAKO_IS_DOMAIN(self), 0);
    return self->vcpus;
}

guint64
hako_domain_get_memory(HakoDomain *self)
{
    g_return_val_if_fail(HAKO_IS_DOMAIN(self), 0);
    return self->memory;
}

guint64
hako_domain_get_max_memory(HakoDomain *self)
{
    g_return_val_if_fail(HAKO_IS_DOMAIN(self), 0);
    return self->max_memory;
}

gboolean
hako_domain_get_persistent(HakoDomain *self)
{
    g_return_val_if_fail(HAKO_IS_DOMAIN(self), FALSE);
    return self->persistent;
}

gboolean
hako_domain_get_autostart(HakoDomain *self)
{
    g_return_val_if_fail(HAKO_IS_DOMAIN(self), FALSE);
    return self->autostart;
}

gboolean
hako_domain_get_managed_save(HakoDomain *self)
{
    g_return_val_if_fail(HAKO_IS_DOMAIN(self), FALSE);
    return self->managed_save;
}

/**
 * hako_domain_get_host:
 *
 * Returns: (transfer none) (nullable): the host holding the guest.
 */
HakoHost *
hako_domain_get_host(HakoDomain *self)
{
    g_return_val_if_fail(HAKO_IS_DOMAIN(self), NULL);
    return self->host;
}

gboolean
hako_domain_is_active(HakoDomain *self)
{
    g_return_val_if_fail(HAKO_IS_DOMAIN(self), FALSE);
    return self->state != HAKO_DOMAIN_STATE_SHUTOFF && self->state != HAKO_DOMAIN_STATE_NOSTATE;
}

/**
 * hako_domain_get_shutdown_ignored:
 *
 * Whether the guest still runs long after a shutdown request (see #HakoDomain:shutdown-ignored).
 */
gboolean
hako_domain_get_shutdown_ignored(HakoDomain *self)
{
    g_return_val_if_fail(HAKO_IS_DOMAIN(self), FALSE);
    return self->shutdown_ignored;
}

/**
 * hako_domain_get_trouble:
 *
 * Returns: what is wrong with the guest, from its state, reason and #HakoDomain:shutdown-ignored
 */
HakoGuestTrouble
hako_domain_get_trouble(HakoDomain *self)
{
    g_return_val_if_fail(HAKO_IS_DOMAIN(self), HAKO_GUEST_TROUBLE_NONE);
    return hako_guest_trouble_from_state(self->state, self->reason, self->shutdown_ignored);
}

/**
 * hako_domain_has_moved_away:
 *
 * Whether the guest stopped here because it was migrated to another host (it may run there).
 */
gboolean
hako_domain_has_moved_away(HakoDomain *self)
{
    g_return_val_if_fail(HAKO_IS_DOMAIN(self), FALSE);
    /* virDomainShutoffReason VIR_DOMAIN_SHUTOFF_MIGRATED */
    return self->state == HAKO_DOMAIN_STATE_SHUTOFF && self->reason == 4;
}

/**
 * hako_domain_is_paused_by_migration:
 *
 * Whether the guest is paused because a migration moves it: on the destination before the
 * move ends, or on the source while its last memory is copied.
 */
gboolean
hako_domain_is_paused_by_migration(HakoDomain *self)
{
    g_return_val_if_fail(HAKO_IS_DOMAIN(self), FALSE);
    /* virDomainPausedReason VIR_DOMAIN_PAUSED_MIGRATION */
    return self->state == HAKO_DOMAIN_STATE_PAUSED && self->reason == 2;
}

/**
 * hako_domain_can:
 * @action: what the user wants to do
 *
 * Whether @action applies to the guest in its current state. It does not look
 * at the host (connected, read-only): callers combine both.
 */
gboolean
hako_domain_can(HakoDomain *self, HakoDomainAction action)
{
    HakoDomainState s;
    gboolean running;

    g_return_val_if_fail(HAKO_IS_DOMAIN(self), FALSE);

    s = self->state;
    running = s == HAKO_DOMAIN_STATE_RUNNING || s == HAKO_DOMAIN_STATE_BLOCKED;

    switch (action) {
    case HAKO_DOMAIN_ACTION_RUN:
        /* A crashed guest is still active (QEMU keeps a panicked guest for inspection):
         * it is reset or forced off, not started. */
        return s == HAKO_DOMAIN_STATE_SHUTOFF;
    case HAKO_DOMAIN_ACTION_PAUSE:
        return running;
    case HAKO_DOMAIN_ACTION_RESUME:
        return s == HAKO_DOMAIN_STATE_PAUSED || s == HAKO_DOMAIN_STATE_PMSUSPENDED;
    case HAKO_DOMAIN_ACTION_SHUTDOWN:
    case HAKO_DOMAIN_ACTION_REBOOT:
        return running;
    case HAKO_DOMAIN_ACTION_RESET:
        return running || s == HAKO_DOMAIN_STATE_PAUSED || s == HAKO_DOMAIN_STATE_CRASHED;
    case HAKO_DOMAIN_ACTION_FORCE_OFF:
        return running || s == HAKO_DOMAIN_STATE_PAUSED || s == HAKO_DOMAIN_STATE_SHUTDOWN ||
               s == HAKO_DOMAIN_STATE_CRASHED || s == HAKO_DOMAIN_STATE_PMSUSPENDED;
    case HAKO_DOMAIN_ACTION_SAVE:
        return self->persistent && (running || s == HAKO_DOMAIN_STATE_PAUSED);
    default:
        g_return_val_if_reached(FALSE);
    }
}

const char *
hako_domain_state_to_string(HakoDomainState state)
{
    switch (state) {
    case HAKO_DOMAIN_STATE_RUNNING:
        return _("Running");
    case HAKO_DOMAIN_STATE_BLOCKED:
        return _("Blocked");
    case HAKO_DOMAIN_STATE_PAUSED:
        return _("Paused");
    case HAKO_DOMAIN_STATE_SHUTDOWN:
        return _("Shutting down");
    case HAKO_DOMAIN_STATE_SHUTOFF:
        return _("Shut off");
    case HAKO_DOMAIN_STATE_CRASHED:
        return _("Crashed");
    case HAKO_DOMAIN_STATE_PMSUSPENDED:
        return _("Suspended");
    case HAKO_DOMAIN_STATE_NOSTATE:
    default:
        return _("Unknown");
    }
}

const char *
hako_domain_state_to_icon_name(HakoDomainState state)
{
    switch (state) {
    case HAKO_DOMAIN_STATE_RUNNING:
    case HAKO_DOMAIN_STATE_BLOCKED:
        return "media-playback-start-symbolic";
    case HAKO_DOMAIN_STATE_PAUSED:
        return "media-playback-pause-symbolic";
    case HAKO_DOMAIN_STATE_SHUTDOWN:
        return "system-shutdown-symbolic";
    case HAKO_DOMAIN_STATE_SHUTOFF:
        return "media-playback-stop-symbolic";
    case HAKO_DOMAIN_STATE_CRASHED:
        return "dialog-error-symbolic";
    case HAKO_DOMAIN_STATE_PMSUSPENDED:
        return "weather-clear-night-symbolic";
    case HAKO_DOMAIN_STATE_NOSTATE:
    default:
        return "dialog-question-symbolic";
    }
}

/* Reasons are libvirt's per-state enums (virDomainRunningReason, ...). Only
 * the ones a user should notice are spelled out. */
static const char *
reason_to_string(HakoDomainState state, int reason)
{
    switch (state) {
    case HAKO_DOMAIN_STATE_RUNNING:
        switch (reason) {
        case 2:
            return _("migrated");
        case 3:
            return _("restored");
        case 4:
            return _("from snapshot");
        case 8:
            return _("woken up");
        default:
            return NULL;
        }
    case HAKO_DOMAIN_STATE_PAUSED:
        switch (reason) {
        case 1:
            return _("paused by user");
        case 2:
            return _("migrating");
        case 3:
            return _("saving");
        case 4:
            return _("dumping");
        case 5:
            return _("disk I/O error");
        case 6:
            return _("watchdog");
        case 8:
            return _("shutting down");
        case 10:
            return _("crashed");
        case 11:
            return _("starting up");
        case 12:
            return _("post-copy migration");
        default:
            return NULL;
        }
    case HAKO_DOMAIN_STATE_SHUTOFF:
        switch (reason) {
        case 1:
            return _("shut down");
        case 2:
            return _("forced off");
        case 3:
            return _("crashed");
        case 4:
            return _("migrated");
        case 5:
            return _("saved");
        case 6:
            return _("failed to start");
        default:
            return NULL;
        }
    case HAKO_DOMAIN_STATE_CRASHED:
        if (reason == 1)
            return _("guest panicked");
        return NULL;
    default:
        return NULL;
    }
}

/**
 * hako_domain_describe_state:
 *
 * Returns: (transfer full): the state with its reason, for a tooltip,
 *   such as "Paused (disk I/O error)".
 */
char *
hako_domain_describe_state(HakoDomain *self)
{
    const char *state;
    const char *reason;

    g_return_val_if_fail(HAKO_IS_DOMAIN(self), NULL);

    state = hako_domain_state_to_string(self->state);
    if (self->state == HAKO_DOMAIN_STATE_SHUTOFF && self->managed_save)
        /* Translators: a guest that is off with its memory saved to disk */
        return g_strdup(_("Shut off (saved)"));
    reason = reason_to_string(self->state, self->reason);
    if (reason == NULL)
        return g_strdup(state);
    /* Translators: a guest's state and its reason, e.g. "Paused (disk I/O error)" */
    return g_strdup_printf(_("%s (%s)"), state, reason);
}

/**
 * hako_format_memory:
 * @kib: an amount of memory in KiB
 *
 * Returns: (transfer full): @kib in binary units, such as "2.0 GiB".
 */
char *
hako_format_memory(guint64 kib)
{
    return g_format_size_full(kib * 1024, G_FORMAT_SIZE_IEC_UNITS);
}

/**
 * hako_domain_get_stats_history:
 *
 * Returns: (transfer none): the history of @stat, newest sample first; never
 *   %NULL, empty until the guest's host polls it.
 */
HakoStatsHistory *
hako_domain_get_stats_history(HakoDomain *self, HakoDomainStat stat)
{
    g_return_val_if_fail(HAKO_IS_DOMAIN(self), NULL);
    g_return_val_if_fail(stat < HAKO_N_DOMAIN_STATS, NULL);
    return self->histories[stat];
}

/**
 * hako_domain_get_stat:
 *
 * Returns: the newest figure of @stat, or NAN when there is none.
 */
double
hako_domain_get_stat(HakoDomain *self, HakoDomainStat stat)
{
    g_return_val_if_fail(HAKO_IS_DOMAIN(self), NAN);
    g_return_val_if_fail(stat < HAKO_N_DOMAIN_STATS, NAN);
    return hako_stats_history_get_latest(self->histories[stat]);
}

/**
 * hako_domain_get_addresses:
 *
 * Returns: (transfer none) (nullable): the guest's IP addresses, or %NULL.
 */
const char *const *
hako_domain_get_addresses(HakoDomain *self)
{
    g_return_val_if_fail(HAKO_IS_DOMAIN(self), NULL);
    return (const char *const *)self->addresses;
}

/* Pushes one sample of every figure (NAN for those without one this tick). No notify: the
 * host's "stats-updated" tells when a tick's figures are all in. */
void
_hako_domain_push_stats(HakoDomain *self, const double values[HAKO_N_DOMAIN_STATS])
{
    g_return_if_fail(HAKO_IS_DOMAIN(self));

    for (guint i = 0; i < HAKO_N_DOMAIN_STATS; i++)
        hako_stats_history_push(self->histories[i], values[i]);
}

/**
 * _hako_domain_push_stats_at:
 * @time_us: when the figures were measured (monotonic, microseconds)
 * @slot_us: the polling interval, one sample of the histories
 *
 * Pushes the figures measured at @time_us where they belong on the histories' time axis: the
 * slots since the newest sample that had no poll of this guest get NAN (nothing is invented
 * between slow polls), and figures measured within the newest sample's own slot (an extra
 * fetch right after a tick) complete it instead of taking a slot of their own.
 */
void
_hako_domain_push_stats_at(HakoDomain *self,
                           const double values[HAKO_N_DOMAIN_STATS],
                           gint64 time_us,
                           gint64 slot_us)
{
    guint slots;

    g_return_if_fail(HAKO_IS_DOMAIN(self));

    slots =
        self->stats_time == 0 ? 1 : hako_stats_slots_between(self->stats_time, time_us, slot_us);
    if (slots == 0) {
        for (guint i = 0; i < HAKO_N_DOMAIN_STATS; i++)
            hako_stats_history_merge_latest(self->histories[i], values[i]);
        return;
    }
    for (guint i = 0; i < HAKO_N_DOMAIN_STATS; i++) {
        guint gaps = MIN(slots - 1, hako_stats_history_get_capacity(self->histories[i]));

        for (guint g = 0; g < gaps; g++)
            hako_stats_history_push(self->histories[i], NAN);
        hako_stats_history_push(self->histories[i], values[i]);
    }
    self->stats_time = time_us;
}

void
_hako_domain_set_stats_history_length(HakoDomain *self, guint length)
{
    g_return_if_fail(HAKO_IS_DOMAIN(self));

    for (guint i = 0; i < HAKO_N_DOMAIN_STATS; i++)
        hako_stats_history_set_capacity(self->histories[i], length);
}

void
_hako_domain_set_addresses(HakoDomain *self, const char *const *addresses)
{
    g_return_if_fail(HAKO_IS_DOMAIN(self));

    if (addresses != NULL && addresses[0] == NULL)
        addresses = NULL;
    if (addresses == NULL && self->addresses == NULL)
        return;
    if (addresses != NULL && self->addresses != NULL &&
        g_strv_equal(addresses, (const char *const *)self->addresses))
        return;
    g_strfreev(self->addresses);
    self->addresses = g_strdupv((char **)addresses);
    g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_ADDRESSES]);
}
