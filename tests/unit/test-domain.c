/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests of HakoDomain: construction, facts, notifications, actions and state text. */
#include "config.h"

#include "hako-domain-private.h"
#include "hako-host-private.h"

#include <locale.h>

#define UUID "c7a5fdbd-edaf-9455-926a-d65c16db1809"

typedef struct {
    HakoHost *host;
    HakoDomain *domain;
    GHashTable *notifies; /* property name (interned) -> count */
} Fixture;

static void
notify_cb(GObject *object, GParamSpec *pspec, gpointer user_data)
{
    Fixture *f = user_data;
    guint n = GPOINTER_TO_UINT(g_hash_table_lookup(f->notifies, pspec->name));

    g_hash_table_insert(f->notifies, (gpointer)pspec->name, GUINT_TO_POINTER(n + 1));
}

static guint
notify_count(Fixture *f, const char *name)
{
    return GPOINTER_TO_UINT(g_hash_table_lookup(f->notifies, g_intern_string(name)));
}

static guint
notify_total(Fixture *f)
{
    GHashTableIter iter;
    gpointer value;
    guint total = 0;

    g_hash_table_iter_init(&iter, f->notifies);
    while (g_hash_table_iter_next(&iter, NULL, &value))
        total += GPOINTER_TO_UINT(value);
    return total;
}

static void
fixture_setup(Fixture *f, gconstpointer data)
{
    f->notifies = g_hash_table_new(g_direct_hash, g_direct_equal);
    f->host = _hako_host_new("test:///default", FALSE);
    g_object_add_weak_pointer(G_OBJECT(f->host), (gpointer *)&f->host);
    f->domain = _hako_domain_new(f->host, UUID);
    g_object_add_weak_pointer(G_OBJECT(f->domain), (gpointer *)&f->domain);
    g_signal_connect(f->domain, "notify", G_CALLBACK(notify_cb), f);
}

static void
fixture_teardown(Fixture *f, gconstpointer data)
{
    if (f->domain != NULL)
        g_object_unref(f->domain);
    g_assert_null(f->domain);
    if (f->host != NULL)
        g_object_unref(f->host);
    g_assert_null(f->host);
    g_hash_table_unref(f->notifies);
}

/* Facts in which every field differs from a new domain's default. */
static HakoDomainFacts *
full_facts(void)
{
    HakoDomainFacts *facts = _hako_domain_facts_new();

    facts->uuid = g_strdup(UUID);
    facts->name = g_strdup("fedora");
    facts->title = g_strdup("Fedora 39 Workstation");
    facts->id = 7;
    facts->state = HAKO_DOMAIN_STATE_RUNNING;
    facts->reason = 1;
    facts->vcpus = 4;
    facts->memory = 2097152;
    facts->max_memory = 4194304;
    facts->persistent = TRUE;
    facts->autostart = TRUE;
    facts->managed_save = TRUE;
    return facts;
}

static const char *const changing_props[] = {
    "name",   "title",      "id",         "state",     "state-reason", "vcpus",
    "memory", "max-memory", "persistent", "autostart", "managed-save",
};

static void
test_new_defaults(Fixture *f, gconstpointer data)
{
    g_autofree char *uuid = NULL;
    g_autoptr(HakoHost) host = NULL;
    int id = 0;
    HakoDomainState state = HAKO_DOMAIN_STATE_RUNNING;

    g_assert_cmpstr(hako_domain_get_uuid(f->domain), ==, UUID);
    g_assert_true(hako_domain_get_host(f->domain) == f->host);
    g_assert_cmpint(hako_domain_get_id(f->domain), ==, -1);
    g_assert_cmpint(hako_domain_get_state(f->domain), ==, HAKO_DOMAIN_STATE_NOSTATE);
    g_assert_cmpint(hako_domain_get_state_reason(f->domain), ==, 0);
    g_assert_null(hako_domain_get_name(f->domain));
    g_assert_null(hako_domain_get_title(f->domain));
    g_assert_cmpuint(hako_domain_get_vcpus(f->domain), ==, 0);
    g_assert_cmpuint(hako_domain_get_memory(f->domain), ==, 0);
    g_assert_false(hako_domain_get_persistent(f->domain));
    g_assert_false(hako_domain_is_active(f->domain));

    /* The same values through the properties. */
    g_object_get(f->domain, "uuid", &uuid, "host", &host, "id", &id, "state", &state, NULL);
    g_assert_cmpstr(uuid, ==, UUID);
    g_assert_true(host == f->host);
    g_assert_cmpint(id, ==, -1);
    g_assert_cmpint(state, ==, HAKO_DOMAIN_STATE_NOSTATE);

    g_assert_cmpuint(notify_total(f), ==, 0);
}

static void
test_new_without_host(Fixture *f, gconstpointer data)
{
    g_autoptr(HakoDomain) domain = _hako_domain_new(NULL, "another-uuid");

    g_assert_cmpstr(hako_domain_get_uuid(domain), ==, "another-uuid");
    g_assert_null(hako_domain_get_host(domain));
}

static void
test_host_is_weak(Fixture *f, gconstpointer data)
{
    HakoHost *host = NULL;

    /* The domain must not keep its host alive. */
    g_object_unref(f->host);
    g_assert_null(f->host);
    g_assert_null(hako_domain_get_host(f->domain));
    g_object_get(f->domain, "host", &host, NULL);
    g_assert_null(host);
}

static void
test_apply_facts_sets_every_property(Fixture *f, gconstpointer data)
{
    g_autoptr(HakoDomainFacts) facts = full_facts();
    g_autofree char *name = NULL;
    g_autofree char *title = NULL;
    int id = 0, reason = 0;
    HakoDomainState state = 0;
    guint vcpus = 0;
    guint64 memory = 0, max_memory = 0;
    gboolean persistent = FALSE, autostart = FALSE, managed_save = FALSE;

    _hako_domain_apply_facts(f->domain, facts);

    g_assert_cmpstr(hako_domain_get_uuid(f->domain), ==, UUID);
    g_assert_cmpstr(hako_domain_get_name(f->domain), ==, "fedora");
    g_assert_cmpstr(hako_domain_get_title(f->domain), ==, "Fedora 39 Workstation");
    g_assert_cmpint(hako_domain_get_id(f->domain), ==, 7);
    g_assert_cmpint(hako_domain_get_state(f->domain), ==, HAKO_DOMAIN_STATE_RUNNING);
    g_assert_cmpint(hako_domain_get_state_reason(f->domain), ==, 1);
    g_assert_cmpuint(hako_domain_get_vcpus(f->domain), ==, 4);
    g_assert_cmpuint(hako_domain_get_memory(f->domain), ==, 2097152);
    g_assert_cmpuint(hako_domain_get_max_memory(f->domain), ==, 4194304);
    g_assert_true(hako_domain_get_persistent(f->domain));
    g_assert_true(hako_domain_get_autostart(f->domain));
    g_assert_true(hako_domain_get_managed_save(f->domain));
    g_assert_true(hako_domain_get_host(f->domain) == f->host);

    /* Each property reads back the field it names. */
    g_object_get(f->domain, "name", &name, "title", &title, "id", &id, "state", &state,
                 "state-reason", &reason, "vcpus", &vcpus, "memory", &memory, "max-memory",
                 &max_memory, "persistent", &persistent, "autostart", &autostart, "managed-save",
                 &managed_save, NULL);
    g_assert_cmpstr(name, ==, "fedora");
    g_assert_cmpstr(title, ==, "Fedora 39 Workstation");
    g_assert_cmpint(id, ==, 7);
    g_assert_cmpint(state, ==, HAKO_DOMAIN_STATE_RUNNING);
    g_assert_cmpint(reason, ==, 1);
    g_assert_cmpuint(vcpus, ==, 4);
    g_assert_cmpuint(memory, ==, 2097152);
    g_assert_cmpuint(max_memory, ==, 4194304);
    g_assert_true(persistent);
    g_assert_true(autostart);
    g_assert_true(managed_save);

    /* One notify per changed property, none for uuid and host. */
    for (guint i = 0; i < G_N_ELEMENTS(changing_props); i++) {
        g_test_message("property %s", changing_props[i]);
        g_assert_cmpuint(notify_count(f, changing_props[i]), ==, 1);
    }
    g_assert_cmpuint(notify_count(f, "uuid"), ==, 0);
    g_assert_cmpuint(notify_count(f, "host"), ==, 0);
    g_assert_cmpuint(notify_total(f), ==, G_N_ELEMENTS(changing_props));
}

static void
test_apply_facts_twice_is_silent(Fixture *f, gconstpointer data)
{
    g_autoptr(HakoDomainFacts) facts = full_facts();
    g_autoptr(HakoDomainFacts) copy = full_facts();

    _hako_domain_apply_facts(f->domain, facts);
    g_assert_cmpuint(notify_total(f), ==, G_N_ELEMENTS(changing_props));

    g_hash_table_remove_all(f->notifies);
    _hako_domain_apply_facts(f->domain, facts);
    g_assert_cmpuint(notify_total(f), ==, 0);

    /* Equal strings in other buffers are no change either. */
    _hako_domain_apply_facts(f->domain, copy);
    g_assert_cmpuint(notify_total(f), ==, 0);
}

static void
test_apply_facts_only_changed(Fixture *f, gconstpointer data)
{
    g_autoptr(HakoDomainFacts) facts = full_facts();

    _hako_domain_apply_facts(f->domain, facts);
    g_hash_table_remove_all(f->notifies);

    facts->memory = 1048576;
    _hako_domain_apply_facts(f->domain, facts);
    g_assert_cmpuint(notify_count(f, "memory"), ==, 1);
    g_assert_cmpuint(notify_total(f), ==, 1);
    g_assert_cmpuint(hako_domain_get_memory(f->domain), ==, 1048576);

    g_hash_table_remove_all(f->notifies);
    facts->autostart = FALSE;
    g_free(facts->name);
    facts->name = g_strdup("fedora-2");
    _hako_domain_apply_facts(f->domain, facts);
    g_assert_cmpuint(notify_count(f, "autostart"), ==, 1);
    g_assert_cmpuint(notify_count(f, "name"), ==, 1);
    g_assert_cmpuint(notify_total(f), ==, 2);
    g_assert_false(hako_domain_get_autostart(f->domain));
    g_assert_cmpstr(hako_domain_get_name(f->domain), ==, "fedora-2");

    /* Any non-zero gboolean is TRUE, and TRUE again is no change. */
    g_hash_table_remove_all(f->notifies);
    facts->persistent = 2;
    _hako_domain_apply_facts(f->domain, facts);
    g_assert_cmpuint(notify_total(f), ==, 0);
    g_assert_true(hako_domain_get_persistent(f->domain));
}

static void
test_apply_facts_empty_title(Fixture *f, gconstpointer data)
{
    g_autoptr(HakoDomainFacts) facts = full_facts();

    _hako_domain_apply_facts(f->domain, facts);
    g_hash_table_remove_all(f->notifies);

    /* libvirt gives "" for no title; the model stores NULL. */
    g_free(facts->title);
    facts->title = g_strdup("");
    _hako_domain_apply_facts(f->domain, facts);
    g_assert_null(hako_domain_get_title(f->domain));
    g_assert_cmpuint(notify_count(f, "title"), ==, 1);
    g_assert_cmpuint(notify_total(f), ==, 1);

    g_hash_table_remove_all(f->notifies);
    g_clear_pointer(&facts->title, g_free);
    _hako_domain_apply_facts(f->domain, facts);
    g_assert_cmpuint(notify_total(f), ==, 0);
}

typedef struct {
    guint64 memory_seen;
    guint calls;
} NameNotifyData;

static void
name_notify_cb(HakoDomain *domain, GParamSpec *pspec, NameNotifyData *seen)
{
    seen->memory_seen = hako_domain_get_memory(domain);
    seen->calls++;
}

static void
test_apply_facts_notifies_after_all_set(Fixture *f, gconstpointer data)
{
    g_autoptr(HakoDomainFacts) facts = full_facts();
    NameNotifyData seen = {0};

    /* "name" is set first; with notifications frozen its handler already sees the new memory. */
    g_signal_connect(f->domain, "notify::name", G_CALLBACK(name_notify_cb), &seen);
    _hako_domain_apply_facts(f->domain, facts);
    g_assert_cmpuint(seen.calls, ==, 1);
    g_assert_cmpuint(seen.memory_seen, ==, 2097152);
    g_signal_handlers_disconnect_by_func(f->domain, name_notify_cb, &seen);
}

static void
test_apply_facts_freeze_thaw(Fixture *f, gconstpointer data)
{
    g_autoptr(HakoDomainFacts) facts = full_facts();

    /* Two updates in one freeze: one notify per property that changed in either. */
    g_object_freeze_notify(G_OBJECT(f->domain));
    _hako_domain_apply_facts(f->domain, facts);
    facts->vcpus = 8;
    facts->state = HAKO_DOMAIN_STATE_PAUSED;
    _hako_domain_apply_facts(f->domain, facts);
    g_assert_cmpuint(notify_total(f), ==, 0);
    g_object_thaw_notify(G_OBJECT(f->domain));

    for (guint i = 0; i < G_N_ELEMENTS(changing_props); i++) {
        g_test_message("property %s", changing_props[i]);
        g_assert_cmpuint(notify_count(f, changing_props[i]), ==, 1);
    }
    g_assert_cmpuint(notify_total(f), ==, G_N_ELEMENTS(changing_props));
    g_assert_cmpuint(hako_domain_get_vcpus(f->domain), ==, 8);
    g_assert_cmpint(hako_domain_get_state(f->domain), ==, HAKO_DOMAIN_STATE_PAUSED);
}

static void
test_apply_facts_wrong_uuid(Fixture *f, gconstpointer data)
{
    g_autoptr(HakoDomainFacts) facts = full_facts();

    g_free(facts->uuid);
    facts->uuid = g_strdup("00000000-0000-0000-0000-000000000000");
    g_test_expect_message("hako-model", G_LOG_LEVEL_CRITICAL, "*assertion*failed*");
    _hako_domain_apply_facts(f->domain, facts);
    g_test_assert_expected_messages();
    g_assert_null(hako_domain_get_name(f->domain));
    g_assert_cmpuint(notify_total(f), ==, 0);
}

static void
test_set_state_shutoff_clears_id(Fixture *f, gconstpointer data)
{
    g_autoptr(HakoDomainFacts) facts = full_facts();

    _hako_domain_apply_facts(f->domain, facts);
    g_hash_table_remove_all(f->notifies);

    _hako_domain_set_state(f->domain, HAKO_DOMAIN_STATE_SHUTOFF, 2);
    g_assert_cmpint(hako_domain_get_state(f->domain), ==, HAKO_DOMAIN_STATE_SHUTOFF);
    g_assert_cmpint(hako_domain_get_state_reason(f->domain), ==, 2);
    g_assert_cmpint(hako_domain_get_id(f->domain), ==, -1);
    g_assert_false(hako_domain_is_active(f->domain));
    g_assert_cmpuint(notify_count(f, "state"), ==, 1);
    g_assert_cmpuint(notify_count(f, "state-reason"), ==, 1);
    g_assert_cmpuint(notify_count(f, "id"), ==, 1);
    g_assert_cmpuint(notify_total(f), ==, 3);

    /* The same state again changes nothing. */
    g_hash_table_remove_all(f->notifies);
    _hako_domain_set_state(f->domain, HAKO_DOMAIN_STATE_SHUTOFF, 2);
    g_assert_cmpuint(notify_total(f), ==, 0);
}

static void
test_set_state_keeps_id(Fixture *f, gconstpointer data)
{
    g_autoptr(HakoDomainFacts) facts = full_facts();

    _hako_domain_apply_facts(f->domain, facts);
    g_hash_table_remove_all(f->notifies);

    _hako_domain_set_state(f->domain, HAKO_DOMAIN_STATE_PAUSED, 1);
    g_assert_cmpint(hako_domain_get_state(f->domain), ==, HAKO_DOMAIN_STATE_PAUSED);
    g_assert_cmpint(hako_domain_get_id(f->domain), ==, 7);
    g_assert_cmpuint(notify_count(f, "state"), ==, 1);
    g_assert_cmpuint(notify_count(f, "state-reason"), ==, 0);
    g_assert_cmpuint(notify_count(f, "id"), ==, 0);
    g_assert_cmpuint(notify_total(f), ==, 1);

    /* Only the reason changes. */
    g_hash_table_remove_all(f->notifies);
    _hako_domain_set_state(f->domain, HAKO_DOMAIN_STATE_PAUSED, 5);
    g_assert_cmpuint(notify_count(f, "state-reason"), ==, 1);
    g_assert_cmpuint(notify_total(f), ==, 1);
}

/* A guest that left by migration, and one paused while a migration moves it, are told apart
 * from the other stopped and paused ones. */
static void
test_migration_states(Fixture *f, gconstpointer data)
{
    static const struct {
        HakoDomainState state;
        int reason;
        gboolean moved_away;
        gboolean paused_by_migration;
    } cases[] = {
        {HAKO_DOMAIN_STATE_SHUTOFF, 4, TRUE, FALSE},  /* VIR_DOMAIN_SHUTOFF_MIGRATED */
        {HAKO_DOMAIN_STATE_SHUTOFF, 1, FALSE, FALSE}, /* shut down */
        {HAKO_DOMAIN_STATE_SHUTOFF, 2, FALSE, FALSE}, /* destroyed */
        {HAKO_DOMAIN_STATE_SHUTOFF, 5, FALSE, FALSE}, /* saved */
        {HAKO_DOMAIN_STATE_PAUSED, 2, FALSE, TRUE},   /* VIR_DOMAIN_PAUSED_MIGRATION */
        {HAKO_DOMAIN_STATE_PAUSED, 1, FALSE, FALSE},  /* paused by the user */
        {HAKO_DOMAIN_STATE_PAUSED, 4, FALSE, FALSE},  /* dumping */
        {HAKO_DOMAIN_STATE_RUNNING, 2, FALSE, FALSE}, /* running, arrived by migration */
        {HAKO_DOMAIN_STATE_CRASHED, 4, FALSE, FALSE},
    };

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        _hako_domain_set_state(f->domain, cases[i].state, cases[i].reason);
        g_assert_cmpint(hako_domain_has_moved_away(f->domain), ==, cases[i].moved_away);
        g_assert_cmpint(hako_domain_is_paused_by_migration(f->domain), ==,
                        cases[i].paused_by_migration);
    }
}

static const char *const state_names[] = {
    "NOSTATE", "RUNNING", "BLOCKED", "PAUSED", "SHUTDOWN", "SHUTOFF", "CRASHED", "PMSUSPENDED",
};

static const char *const action_names[] = {
    "RUN", "PAUSE", "RESUME", "SHUTDOWN", "REBOOT", "RESET", "FORCE_OFF", "SAVE",
};

/* Rows by state, columns by action; SAVE is the answer for a persistent guest. */
static const gboolean can_table[8][8] = {
    /* RUN, PAUSE, RESUME, SHUTDOWN, REBOOT, RESET, FORCE_OFF, SAVE */
    [HAKO_DOMAIN_STATE_NOSTATE] = {0, 0, 0, 0, 0, 0, 0, 0},
    [HAKO_DOMAIN_STATE_RUNNING] = {0, 1, 0, 1, 1, 1, 1, 1},
    [HAKO_DOMAIN_STATE_BLOCKED] = {0, 1, 0, 1, 1, 1, 1, 1},
    [HAKO_DOMAIN_STATE_PAUSED] = {0, 0, 1, 0, 0, 1, 1, 1},
    [HAKO_DOMAIN_STATE_SHUTDOWN] = {0, 0, 0, 0, 0, 0, 1, 0},
    [HAKO_DOMAIN_STATE_SHUTOFF] = {1, 0, 0, 0, 0, 0, 0, 0},
    [HAKO_DOMAIN_STATE_CRASHED] = {0, 0, 0, 0, 0, 1, 1, 0},
    [HAKO_DOMAIN_STATE_PMSUSPENDED] = {0, 0, 1, 0, 0, 0, 1, 0},
};

static void
test_can(Fixture *f, gconstpointer data)
{
    g_autoptr(HakoDomainFacts) facts = full_facts();

    G_STATIC_ASSERT(G_N_ELEMENTS(state_names) == HAKO_DOMAIN_STATE_PMSUSPENDED + 1);
    G_STATIC_ASSERT(G_N_ELEMENTS(action_names) == HAKO_DOMAIN_ACTION_SAVE + 1);

    for (int persistent = 0; persistent <= 1; persistent++) {
        for (int s = HAKO_DOMAIN_STATE_NOSTATE; s <= HAKO_DOMAIN_STATE_PMSUSPENDED; s++) {
            facts->persistent = persistent;
            facts->state = s;
            _hako_domain_apply_facts(f->domain, facts);

            for (int a = HAKO_DOMAIN_ACTION_RUN; a <= HAKO_DOMAIN_ACTION_SAVE; a++) {
                gboolean want = can_table[s][a];
                g_autofree char *expected = NULL;
                g_autofree char *got = NULL;

                if (a == HAKO_DOMAIN_ACTION_SAVE && !persistent)
                    want = FALSE;
                expected = g_strdup_printf("%s %s persistent=%d: %s", state_names[s],
                                           action_names[a], persistent, want ? "yes" : "no");
                got = g_strdup_printf("%s %s persistent=%d: %s", state_names[s], action_names[a],
                                      persistent, hako_domain_can(f->domain, a) ? "yes" : "no");
                g_assert_cmpstr(got, ==, expected);
            }
        }
    }
}

static void
test_is_active(Fixture *f, gconstpointer data)
{
    static const struct {
        HakoDomainState state;
        gboolean active;
    } cases[] = {
        {HAKO_DOMAIN_STATE_NOSTATE, FALSE}, {HAKO_DOMAIN_STATE_RUNNING, TRUE},
        {HAKO_DOMAIN_STATE_BLOCKED, TRUE},  {HAKO_DOMAIN_STATE_PAUSED, TRUE},
        {HAKO_DOMAIN_STATE_SHUTDOWN, TRUE}, {HAKO_DOMAIN_STATE_SHUTOFF, FALSE},
        {HAKO_DOMAIN_STATE_CRASHED, TRUE},  {HAKO_DOMAIN_STATE_PMSUSPENDED, TRUE},
    };

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        _hako_domain_set_state(f->domain, cases[i].state, 0);
        g_test_message("state %s", state_names[cases[i].state]);
        g_assert_cmpint(hako_domain_is_active(f->domain), ==, cases[i].active);
    }
}

static void
test_describe_state(Fixture *f, gconstpointer data)
{
    static const struct {
        HakoDomainState state;
        int reason;
        gboolean managed_save;
        const char *text;
    } cases[] = {
        {HAKO_DOMAIN_STATE_PAUSED, 5, FALSE, "Paused (disk I/O error)"},
        {HAKO_DOMAIN_STATE_PAUSED, 1, FALSE, "Paused (paused by user)"},
        {HAKO_DOMAIN_STATE_PAUSED, 0, FALSE, "Paused"},
        {HAKO_DOMAIN_STATE_SHUTOFF, 5, TRUE, "Shut off (saved)"},
        {HAKO_DOMAIN_STATE_SHUTOFF, 1, TRUE, "Shut off (saved)"},
        {HAKO_DOMAIN_STATE_SHUTOFF, 1, FALSE, "Shut off (shut down)"},
        {HAKO_DOMAIN_STATE_SHUTOFF, 2, FALSE, "Shut off (forced off)"},
        {HAKO_DOMAIN_STATE_SHUTOFF, 0, FALSE, "Shut off"},
        {HAKO_DOMAIN_STATE_RUNNING, 1, FALSE, "Running"},
        {HAKO_DOMAIN_STATE_RUNNING, 1, TRUE, "Running"},
        {HAKO_DOMAIN_STATE_RUNNING, 2, FALSE, "Running (migrated)"},
        {HAKO_DOMAIN_STATE_RUNNING, 3, FALSE, "Running (restored)"},
        {HAKO_DOMAIN_STATE_CRASHED, 1, FALSE, "Crashed (guest panicked)"},
        {HAKO_DOMAIN_STATE_NOSTATE, 0, FALSE, "Unknown"},
        {HAKO_DOMAIN_STATE_PMSUSPENDED, 1, FALSE, "Suspended"},
    };
    g_autoptr(HakoDomainFacts) facts = full_facts();

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *text = NULL;

        facts->state = cases[i].state;
        facts->reason = cases[i].reason;
        facts->managed_save = cases[i].managed_save;
        _hako_domain_apply_facts(f->domain, facts);
        text = hako_domain_describe_state(f->domain);
        g_test_message("state %s reason %d managed-save %d", state_names[cases[i].state],
                       cases[i].reason, cases[i].managed_save);
        g_assert_cmpstr(text, ==, cases[i].text);
    }
}

static void
test_state_to_string(Fixture *f, gconstpointer data)
{
    static const char *const texts[] = {
        [HAKO_DOMAIN_STATE_NOSTATE] = "Unknown",
        [HAKO_DOMAIN_STATE_RUNNING] = "Running",
        [HAKO_DOMAIN_STATE_BLOCKED] = "Blocked",
        [HAKO_DOMAIN_STATE_PAUSED] = "Paused",
        [HAKO_DOMAIN_STATE_SHUTDOWN] = "Shutting down",
        [HAKO_DOMAIN_STATE_SHUTOFF] = "Shut off",
        [HAKO_DOMAIN_STATE_CRASHED] = "Crashed",
        [HAKO_DOMAIN_STATE_PMSUSPENDED] = "Suspended",
    };

    for (int s = HAKO_DOMAIN_STATE_NOSTATE; s <= HAKO_DOMAIN_STATE_PMSUSPENDED; s++)
        g_assert_cmpstr(hako_domain_state_to_string(s), ==, texts[s]);
    /* A state from a newer libvirt. */
    g_assert_cmpstr(hako_domain_state_to_string(42), ==, "Unknown");
}

static void
test_state_to_icon_name(Fixture *f, gconstpointer data)
{
    for (int s = HAKO_DOMAIN_STATE_NOSTATE; s <= HAKO_DOMAIN_STATE_PMSUSPENDED; s++) {
        const char *icon = hako_domain_state_to_icon_name(s);

        g_assert_nonnull(icon);
        g_assert_true(g_str_has_suffix(icon, "-symbolic"));
    }
    g_assert_cmpstr(hako_domain_state_to_icon_name(HAKO_DOMAIN_STATE_RUNNING), ==,
                    hako_domain_state_to_icon_name(HAKO_DOMAIN_STATE_BLOCKED));
    g_assert_cmpstr(hako_domain_state_to_icon_name(HAKO_DOMAIN_STATE_RUNNING), !=,
                    hako_domain_state_to_icon_name(HAKO_DOMAIN_STATE_SHUTOFF));
}

static void
test_format_memory(Fixture *f, gconstpointer data)
{
    static const struct {
        guint64 kib;
        const char *text;
    } cases[] = {
        /* GLib joins number and unit with a no-break space (U+00A0) so they never wrap apart. */
        {2097152, "2.0\u00a0GiB"}, {1048576, "1.0\u00a0GiB"}, {524288, "512.0\u00a0MiB"},
        {1536, "1.5\u00a0MiB"},    {1, "1.0\u00a0KiB"},
    };

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *text = hako_format_memory(cases[i].kib);

        g_assert_cmpstr(text, ==, cases[i].text);
    }
}

static void
test_freed_after_unref(Fixture *f, gconstpointer data)
{
    HakoDomain *domain = _hako_domain_new(f->host, "another-uuid");
    g_autoptr(HakoDomainFacts) facts = full_facts();

    g_object_add_weak_pointer(G_OBJECT(domain), (gpointer *)&domain);
    g_free(facts->uuid);
    facts->uuid = g_strdup("another-uuid");
    _hako_domain_apply_facts(domain, facts);
    g_object_unref(domain);
    g_assert_null(domain);

    /* The host outlives its domains untouched. */
    g_assert_nonnull(f->host);
}

int
main(int argc, char *argv[])
{
    setlocale(LC_ALL, "");
    g_test_init(&argc, &argv, NULL);

#define ADD(path, func) g_test_add(path, Fixture, NULL, fixture_setup, func, fixture_teardown)
    ADD("/model/domain/new/defaults", test_new_defaults);
    ADD("/model/domain/new/without-host", test_new_without_host);
    ADD("/model/domain/new/host-is-weak", test_host_is_weak);
    ADD("/model/domain/apply-facts/sets-every-property", test_apply_facts_sets_every_property);
    ADD("/model/domain/apply-facts/twice-is-silent", test_apply_facts_twice_is_silent);
    ADD("/model/domain/apply-facts/only-changed", test_apply_facts_only_changed);
    ADD("/model/domain/apply-facts/empty-title", test_apply_facts_empty_title);
    ADD("/model/domain/apply-facts/notifies-after-all-set",
        test_apply_facts_notifies_after_all_set);
    ADD("/model/domain/apply-facts/freeze-thaw", test_apply_facts_freeze_thaw);
    ADD("/model/domain/apply-facts/wrong-uuid", test_apply_facts_wrong_uuid);
    ADD("/model/domain/set-state/shutoff-clears-id", test_set_state_shutoff_clears_id);
    ADD("/model/domain/set-state/keeps-id", test_set_state_keeps_id);
    ADD("/model/domain/migration-states", test_migration_states);
    ADD("/model/domain/can", test_can);
    ADD("/model/domain/is-active", test_is_active);
    ADD("/model/domain/describe-state", test_describe_state);
    ADD("/model/domain/state-to-string", test_state_to_string);
    ADD("/model/domain/state-to-icon-name", test_state_to_icon_name);
    ADD("/model/domain/format-memory", test_format_memory);
    ADD("/model/domain/freed-after-unref", test_freed_after_unref);
#undef ADD

    return g_test_run();
}
