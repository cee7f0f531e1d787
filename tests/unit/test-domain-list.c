/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests of HakoDomainList: the GListModel contract, the UUID index and ownership. */
#include "config.h"

#include "hako-domain-list.h"
#include "hako-domain-private.h"

#include <locale.h>

typedef struct {
    guint position;
    guint removed;
    guint added;
    guint n_items; /* the model's size when the signal ran */
} Change;

typedef struct {
    HakoDomainList *list;
    GArray *changes; /* Change */
} Fixture;

static void
items_changed_cb(GListModel *model, guint position, guint removed, guint added, gpointer user_data)
{
    Fixture *f = user_data;
    Change change = {position, removed, added, g_list_model_get_n_items(model)};

    g_array_append_val(f->changes, change);
}

static void
fixture_setup(Fixture *f, gconstpointer data)
{
    f->changes = g_array_new(FALSE, TRUE, sizeof(Change));
    f->list = hako_domain_list_new();
    g_object_add_weak_pointer(G_OBJECT(f->list), (gpointer *)&f->list);
    g_signal_connect(f->list, "items-changed", G_CALLBACK(items_changed_cb), f);
}

static void
fixture_teardown(Fixture *f, gconstpointer data)
{
    if (f->list != NULL)
        g_object_unref(f->list);
    g_assert_null(f->list);
    g_array_unref(f->changes);
}

/* A guest with a name and a state, owned by the caller. */
static HakoDomain *
make_domain(const char *uuid, const char *name, HakoDomainState state)
{
    HakoDomain *domain = _hako_domain_new(NULL, uuid);
    g_autoptr(HakoDomainFacts) facts = _hako_domain_facts_new();

    facts->uuid = g_strdup(uuid);
    facts->name = g_strdup(name);
    facts->state = state;
    _hako_domain_apply_facts(domain, facts);
    return domain;
}

/* Adds a new guest and drops the caller's reference: the list holds the only one. */
static HakoDomain *
add_domain(Fixture *f, const char *uuid, const char *name, HakoDomainState state)
{
    g_autoptr(HakoDomain) domain = make_domain(uuid, name, state);

    hako_domain_list_add(f->list, domain);
    return domain;
}

static void
assert_change(Fixture *f, guint index, guint position, guint removed, guint added)
{
    Change *change;

    g_assert_cmpuint(index, <, f->changes->len);
    change = &g_array_index(f->changes, Change, index);
    g_assert_cmpuint(change->position, ==, position);
    g_assert_cmpuint(change->removed, ==, removed);
    g_assert_cmpuint(change->added, ==, added);
}

static void
test_list_model_contract(Fixture *f, gconstpointer data)
{
    GListModel *model = G_LIST_MODEL(f->list);
    HakoDomain *a, *b;
    g_autoptr(HakoDomain) item0 = NULL;
    g_autoptr(HakoDomain) item1 = NULL;
    g_autoptr(GObject) object1 = NULL;

    g_assert_true(G_IS_LIST_MODEL(f->list));
    g_assert_true(g_list_model_get_item_type(model) == HAKO_TYPE_DOMAIN);
    g_assert_cmpuint(g_list_model_get_n_items(model), ==, 0);
    g_assert_null(g_list_model_get_item(model, 0));

    a = add_domain(f, "uuid-a", "alpha", HAKO_DOMAIN_STATE_RUNNING);
    b = add_domain(f, "uuid-b", "beta", HAKO_DOMAIN_STATE_SHUTOFF);
    g_assert_cmpuint(g_list_model_get_n_items(model), ==, 2);

    /* get_item is transfer full: the list's reference plus ours. */
    item0 = g_list_model_get_item(model, 0);
    item1 = g_list_model_get_item(model, 1);
    g_assert_true(item0 == a);
    g_assert_true(item1 == b);
    g_assert_cmpuint(G_OBJECT(item0)->ref_count, ==, 2);
    object1 = g_list_model_get_object(model, 1);
    g_assert_true(object1 == G_OBJECT(b));

    g_assert_null(g_list_model_get_item(model, 2));
    g_assert_null(g_list_model_get_item(model, 1000));
    g_assert_null(g_list_model_get_item(model, G_MAXUINT));
}

static void
test_add_emits_at_end(Fixture *f, gconstpointer data)
{
    static const char *const uuids[] = {"uuid-a", "uuid-b", "uuid-c"};

    for (guint i = 0; i < G_N_ELEMENTS(uuids); i++) {
        HakoDomain *domain = add_domain(f, uuids[i], uuids[i], HAKO_DOMAIN_STATE_RUNNING);
        g_autoptr(HakoDomain) item = NULL;

        g_assert_cmpuint(f->changes->len, ==, i + 1);
        assert_change(f, i, i, 0, 1);
        /* The model was already updated when the signal ran. */
        g_assert_cmpuint(g_array_index(f->changes, Change, i).n_items, ==, i + 1);
        item = g_list_model_get_item(G_LIST_MODEL(f->list), i);
        g_assert_true(item == domain);
    }
}

static void
test_add_duplicate_uuid(Fixture *f, gconstpointer data)
{
    g_autoptr(HakoDomain) twin = make_domain("uuid-a", "twin", HAKO_DOMAIN_STATE_RUNNING);
    HakoDomain *first = add_domain(f, "uuid-a", "alpha", HAKO_DOMAIN_STATE_RUNNING);

    g_test_expect_message("hako-model", G_LOG_LEVEL_CRITICAL, "*assertion*failed*");
    hako_domain_list_add(f->list, twin);
    g_test_assert_expected_messages();

    g_assert_cmpuint(g_list_model_get_n_items(G_LIST_MODEL(f->list)), ==, 1);
    g_assert_true(hako_domain_list_lookup(f->list, "uuid-a") == first);
    g_assert_cmpuint(f->changes->len, ==, 1);
    g_assert_cmpuint(G_OBJECT(twin)->ref_count, ==, 1);
}

static void
test_add_many(Fixture *f, gconstpointer data)
{
    g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func(g_object_unref);
    g_autoptr(GPtrArray) empty = g_ptr_array_new();
    HakoDomain *first = add_domain(f, "uuid-0", "zero", HAKO_DOMAIN_STATE_RUNNING);

    for (guint i = 1; i <= 500; i++) {
        g_autofree char *uuid = g_strdup_printf("uuid-%u", i);
        g_autofree char *name = g_strdup_printf("guest-%03u", i);

        g_ptr_array_add(batch, make_domain(uuid, name, HAKO_DOMAIN_STATE_SHUTOFF));
    }
    hako_domain_list_add_many(f->list, batch);

    /* One signal for the whole batch, after the list holds all of it, in order. */
    g_assert_cmpuint(f->changes->len, ==, 2);
    assert_change(f, 1, 1, 0, 500);
    g_assert_cmpuint(g_array_index(f->changes, Change, 1).n_items, ==, 501);
    for (guint i = 0; i <= 500; i++) {
        g_autoptr(HakoDomain) item = g_list_model_get_item(G_LIST_MODEL(f->list), i);

        g_assert_true(item == (i == 0 ? first : g_ptr_array_index(batch, i - 1)));
    }
    g_assert_true(hako_domain_list_lookup(f->list, "uuid-250") == g_ptr_array_index(batch, 249));
    g_assert_cmpuint(G_OBJECT(g_ptr_array_index(batch, 0))->ref_count, ==, 2);

    /* Nothing to add: no signal. */
    hako_domain_list_add_many(f->list, empty);
    g_assert_cmpuint(f->changes->len, ==, 2);
}

static void
test_add_many_skips_duplicates(Fixture *f, gconstpointer data)
{
    g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func(g_object_unref);

    add_domain(f, "uuid-a", "alpha", HAKO_DOMAIN_STATE_RUNNING);
    g_ptr_array_add(batch, make_domain("uuid-b", "beta", HAKO_DOMAIN_STATE_RUNNING));
    g_ptr_array_add(batch, make_domain("uuid-a", "twin", HAKO_DOMAIN_STATE_RUNNING));
    g_ptr_array_add(batch, make_domain("uuid-c", "gamma", HAKO_DOMAIN_STATE_RUNNING));

    g_test_expect_message("hako-model", G_LOG_LEVEL_CRITICAL, "*uuid-a is already listed*");
    hako_domain_list_add_many(f->list, batch);
    g_test_assert_expected_messages();

    g_assert_cmpuint(g_list_model_get_n_items(G_LIST_MODEL(f->list)), ==, 3);
    assert_change(f, 1, 1, 0, 2);
    g_assert_cmpstr(hako_domain_get_name(hako_domain_list_lookup(f->list, "uuid-a")), ==, "alpha");
    g_assert_cmpuint(G_OBJECT(g_ptr_array_index(batch, 1))->ref_count, ==, 1);
}

static void
test_remove(Fixture *f, gconstpointer data)
{
    GListModel *model = G_LIST_MODEL(f->list);
    HakoDomain *a = add_domain(f, "uuid-a", "alpha", HAKO_DOMAIN_STATE_RUNNING);
    HakoDomain *b = add_domain(f, "uuid-b", "beta", HAKO_DOMAIN_STATE_RUNNING);
    HakoDomain *c = add_domain(f, "uuid-c", "gamma", HAKO_DOMAIN_STATE_RUNNING);
    HakoDomain *d = add_domain(f, "uuid-d", "delta", HAKO_DOMAIN_STATE_RUNNING);
    HakoDomain *expected[] = {a, c, d};
    g_autoptr(HakoDomain) stranger = make_domain("uuid-x", "stranger", HAKO_DOMAIN_STATE_RUNNING);

    g_object_ref(b);
    g_array_set_size(f->changes, 0);
    g_assert_true(hako_domain_list_remove(f->list, b));
    g_assert_cmpuint(f->changes->len, ==, 1);
    assert_change(f, 0, 1, 1, 0);
    g_assert_cmpuint(g_array_index(f->changes, Change, 0).n_items, ==, 3);
    g_assert_cmpuint(g_list_model_get_n_items(model), ==, 3);

    /* The others keep their order and their index entries. */
    for (guint i = 0; i < G_N_ELEMENTS(expected); i++) {
        g_autoptr(HakoDomain) item = g_list_model_get_item(model, i);

        g_assert_true(item == expected[i]);
        g_assert_true(hako_domain_list_lookup(f->list, hako_domain_get_uuid(item)) == item);
    }
    g_assert_null(hako_domain_list_lookup(f->list, "uuid-b"));
    g_assert_null(hako_domain_list_lookup_by_name(f->list, "beta"));

    /* Removing it again, or a guest never added, fails quietly. */
    g_assert_false(hako_domain_list_remove(f->list, b));
    g_assert_false(hako_domain_list_remove(f->list, stranger));
    g_assert_cmpuint(f->changes->len, ==, 1);
    g_assert_cmpuint(g_list_model_get_n_items(model), ==, 3);

    /* The last item, then the first. */
    g_assert_true(hako_domain_list_remove(f->list, d));
    assert_change(f, 1, 2, 1, 0);
    g_assert_true(hako_domain_list_remove(f->list, a));
    assert_change(f, 2, 0, 1, 0);
    g_assert_true(hako_domain_list_lookup(f->list, "uuid-c") == c);
    g_object_unref(b);
}

static void
test_remove_then_readd(Fixture *f, gconstpointer data)
{
    g_autoptr(HakoDomain) domain = make_domain("uuid-a", "alpha", HAKO_DOMAIN_STATE_RUNNING);

    hako_domain_list_add(f->list, domain);
    g_assert_true(hako_domain_list_remove(f->list, domain));
    hako_domain_list_add(f->list, domain);
    g_assert_true(hako_domain_list_lookup(f->list, "uuid-a") == domain);
    g_assert_cmpuint(f->changes->len, ==, 3);
    assert_change(f, 2, 0, 0, 1);
}

static void
test_lookup(Fixture *f, gconstpointer data)
{
    HakoDomain *a = add_domain(f, "uuid-a", "alpha", HAKO_DOMAIN_STATE_RUNNING);
    HakoDomain *b = add_domain(f, "uuid-b", "beta", HAKO_DOMAIN_STATE_SHUTOFF);
    g_autofree char *key = g_strdup("uuid-b");

    g_assert_true(hako_domain_list_lookup(f->list, "uuid-a") == a);
    /* The index compares strings, not pointers. */
    g_assert_true(hako_domain_list_lookup(f->list, key) == b);
    g_assert_null(hako_domain_list_lookup(f->list, "uuid-z"));
    g_assert_null(hako_domain_list_lookup(f->list, ""));

    g_assert_true(hako_domain_list_lookup_by_name(f->list, "alpha") == a);
    g_assert_true(hako_domain_list_lookup_by_name(f->list, "beta") == b);
    g_assert_null(hako_domain_list_lookup_by_name(f->list, "uuid-a"));
    g_assert_null(hako_domain_list_lookup_by_name(f->list, "Alpha"));
    g_assert_null(hako_domain_list_lookup_by_name(f->list, "gamma"));
}

static void
test_lookup_by_name_follows_rename(Fixture *f, gconstpointer data)
{
    HakoDomain *a = add_domain(f, "uuid-a", "alpha", HAKO_DOMAIN_STATE_RUNNING);
    g_autoptr(HakoDomainFacts) facts = _hako_domain_facts_new();

    facts->uuid = g_strdup("uuid-a");
    facts->name = g_strdup("omega");
    _hako_domain_apply_facts(a, facts);
    g_assert_null(hako_domain_list_lookup_by_name(f->list, "alpha"));
    g_assert_true(hako_domain_list_lookup_by_name(f->list, "omega") == a);
    g_assert_true(hako_domain_list_lookup(f->list, "uuid-a") == a);
}

static void
test_count_in_state(Fixture *f, gconstpointer data)
{
    HakoDomain *c;

    g_assert_cmpuint(hako_domain_list_count_in_state(f->list, HAKO_DOMAIN_STATE_RUNNING), ==, 0);

    add_domain(f, "uuid-a", "a", HAKO_DOMAIN_STATE_RUNNING);
    add_domain(f, "uuid-b", "b", HAKO_DOMAIN_STATE_SHUTOFF);
    c = add_domain(f, "uuid-c", "c", HAKO_DOMAIN_STATE_RUNNING);
    add_domain(f, "uuid-d", "d", HAKO_DOMAIN_STATE_PAUSED);

    g_assert_cmpuint(hako_domain_list_count_in_state(f->list, HAKO_DOMAIN_STATE_RUNNING), ==, 2);
    g_assert_cmpuint(hako_domain_list_count_in_state(f->list, HAKO_DOMAIN_STATE_SHUTOFF), ==, 1);
    g_assert_cmpuint(hako_domain_list_count_in_state(f->list, HAKO_DOMAIN_STATE_PAUSED), ==, 1);
    g_assert_cmpuint(hako_domain_list_count_in_state(f->list, HAKO_DOMAIN_STATE_CRASHED), ==, 0);

    /* The count reads the guests' current state. */
    _hako_domain_set_state(c, HAKO_DOMAIN_STATE_SHUTOFF, 1);
    g_assert_cmpuint(hako_domain_list_count_in_state(f->list, HAKO_DOMAIN_STATE_RUNNING), ==, 1);
    g_assert_cmpuint(hako_domain_list_count_in_state(f->list, HAKO_DOMAIN_STATE_SHUTOFF), ==, 2);
}

static void
test_remove_all(Fixture *f, gconstpointer data)
{
    HakoDomain *domains[5];

    for (guint i = 0; i < G_N_ELEMENTS(domains); i++) {
        g_autofree char *uuid = g_strdup_printf("uuid-%u", i);

        domains[i] = add_domain(f, uuid, uuid, HAKO_DOMAIN_STATE_RUNNING);
        g_object_add_weak_pointer(G_OBJECT(domains[i]), (gpointer *)&domains[i]);
    }
    g_array_set_size(f->changes, 0);

    hako_domain_list_remove_all(f->list);
    g_assert_cmpuint(f->changes->len, ==, 1);
    assert_change(f, 0, 0, 5, 0);
    g_assert_cmpuint(g_array_index(f->changes, Change, 0).n_items, ==, 0);
    g_assert_cmpuint(g_list_model_get_n_items(G_LIST_MODEL(f->list)), ==, 0);
    g_assert_null(g_list_model_get_item(G_LIST_MODEL(f->list), 0));

    /* The index is empty and the guests are gone. */
    for (guint i = 0; i < G_N_ELEMENTS(domains); i++) {
        g_autofree char *uuid = g_strdup_printf("uuid-%u", i);

        g_assert_null(domains[i]);
        g_assert_null(hako_domain_list_lookup(f->list, uuid));
        g_assert_null(hako_domain_list_lookup_by_name(f->list, uuid));
    }
    g_assert_cmpuint(hako_domain_list_count_in_state(f->list, HAKO_DOMAIN_STATE_RUNNING), ==, 0);

    /* An empty list says nothing. */
    hako_domain_list_remove_all(f->list);
    g_assert_cmpuint(f->changes->len, ==, 1);

    /* A UUID can come back once removed. */
    add_domain(f, "uuid-0", "back", HAKO_DOMAIN_STATE_RUNNING);
    g_assert_nonnull(hako_domain_list_lookup(f->list, "uuid-0"));
    assert_change(f, 1, 0, 0, 1);
}

static void
test_many(Fixture *f, gconstpointer data)
{
    const guint n = 1000;
    GListModel *model = G_LIST_MODEL(f->list);

    for (guint i = 0; i < n; i++) {
        g_autofree char *uuid = g_strdup_printf("00000000-0000-0000-0000-%012u", i);
        g_autofree char *name = g_strdup_printf("guest-%u", i);

        add_domain(f, uuid, name,
                   i % 2 == 0 ? HAKO_DOMAIN_STATE_RUNNING : HAKO_DOMAIN_STATE_SHUTOFF);
    }
    g_assert_cmpuint(g_list_model_get_n_items(model), ==, n);
    g_assert_cmpuint(f->changes->len, ==, n);
    assert_change(f, n - 1, n - 1, 0, 1);

    for (guint i = 0; i < n; i++) {
        g_autofree char *uuid = g_strdup_printf("00000000-0000-0000-0000-%012u", i);
        g_autofree char *name = g_strdup_printf("guest-%u", i);
        g_autoptr(HakoDomain) item = g_list_model_get_item(model, i);
        HakoDomain *by_uuid = hako_domain_list_lookup(f->list, uuid);

        g_assert_nonnull(by_uuid);
        g_assert_true(by_uuid == item);
        g_assert_cmpstr(hako_domain_get_uuid(by_uuid), ==, uuid);
        g_assert_true(hako_domain_list_lookup_by_name(f->list, name) == by_uuid);
    }
    g_assert_cmpuint(hako_domain_list_count_in_state(f->list, HAKO_DOMAIN_STATE_RUNNING), ==,
                     n / 2);

    /* Remove every third one and check the index still matches the array. */
    for (guint i = 0; i < n; i += 3) {
        g_autofree char *uuid = g_strdup_printf("00000000-0000-0000-0000-%012u", i);

        g_assert_true(hako_domain_list_remove(f->list, hako_domain_list_lookup(f->list, uuid)));
    }
    g_assert_cmpuint(g_list_model_get_n_items(model), ==, n - (n + 2) / 3);
    for (guint i = 0; i < n; i++) {
        g_autofree char *uuid = g_strdup_printf("00000000-0000-0000-0000-%012u", i);
        HakoDomain *domain = hako_domain_list_lookup(f->list, uuid);

        if (i % 3 == 0) {
            g_assert_null(domain);
        } else {
            g_assert_nonnull(domain);
            g_assert_cmpstr(hako_domain_get_uuid(domain), ==, uuid);
        }
    }
}

static void
test_holds_reference(Fixture *f, gconstpointer data)
{
    HakoDomain *domain = make_domain("uuid-a", "alpha", HAKO_DOMAIN_STATE_RUNNING);

    g_object_add_weak_pointer(G_OBJECT(domain), (gpointer *)&domain);
    hako_domain_list_add(f->list, domain);
    g_object_unref(domain);

    /* Only the list holds it now. */
    g_assert_nonnull(domain);
    g_assert_true(hako_domain_list_lookup(f->list, "uuid-a") == domain);
    g_assert_cmpstr(hako_domain_get_name(domain), ==, "alpha");

    g_assert_true(hako_domain_list_remove(f->list, domain));
    g_assert_null(domain);
}

static void
test_dispose_frees_domains(Fixture *f, gconstpointer data)
{
    HakoDomain *a = add_domain(f, "uuid-a", "alpha", HAKO_DOMAIN_STATE_RUNNING);
    HakoDomain *b = add_domain(f, "uuid-b", "beta", HAKO_DOMAIN_STATE_RUNNING);

    g_object_add_weak_pointer(G_OBJECT(a), (gpointer *)&a);
    g_object_add_weak_pointer(G_OBJECT(b), (gpointer *)&b);
    g_object_unref(f->list);
    g_assert_null(f->list);
    g_assert_null(a);
    g_assert_null(b);
}

/* hako-viewer's DOMAIN argument: an ID of a running guest, else a UUID, else a name. */
static void
test_find_by_reference(Fixture *f, gconstpointer data)
{
    g_autoptr(HakoDomainFacts) facts = _hako_domain_facts_new();
    HakoDomain *running, *stopped, *numeric;

    running =
        add_domain(f, "6e1c4a5e-0000-4000-8000-000000000001", "alpha", HAKO_DOMAIN_STATE_RUNNING);
    stopped =
        add_domain(f, "6e1c4a5e-0000-4000-8000-000000000002", "beta", HAKO_DOMAIN_STATE_SHUTOFF);
    numeric = add_domain(f, "6e1c4a5e-0000-4000-8000-000000000003", "3", HAKO_DOMAIN_STATE_SHUTOFF);
    facts->uuid = g_strdup(hako_domain_get_uuid(running));
    facts->name = g_strdup("alpha");
    facts->state = HAKO_DOMAIN_STATE_RUNNING;
    facts->id = 3;
    _hako_domain_apply_facts(running, facts);

    g_assert_true(hako_domain_list_find(f->list, "alpha") == running);
    g_assert_true(hako_domain_list_find(f->list, "beta") == stopped);
    g_assert_true(hako_domain_list_find(f->list, "6e1c4a5e-0000-4000-8000-000000000002") ==
                  stopped);
    g_assert_true(hako_domain_list_find(f->list, "6E1C4A5E-0000-4000-8000-000000000002") ==
                  stopped);
    /* The running guest's ID wins over a guest named "3", as in virt-viewer. */
    g_assert_true(hako_domain_list_find(f->list, "3") == running);
    _hako_domain_set_state(running, HAKO_DOMAIN_STATE_SHUTOFF, 1);
    g_assert_true(hako_domain_list_find(f->list, "3") == numeric);
    g_assert_null(hako_domain_list_find(f->list, "gamma"));
    g_assert_null(hako_domain_list_find(f->list, ""));
    g_assert_null(hako_domain_list_find(f->list, "-1"));
}

int
main(int argc, char *argv[])
{
    setlocale(LC_ALL, "");
    g_test_init(&argc, &argv, NULL);

#define ADD(path, func) g_test_add(path, Fixture, NULL, fixture_setup, func, fixture_teardown)
    ADD("/model/domain-list/list-model/contract", test_list_model_contract);
    ADD("/model/domain-list/add/emits-at-end", test_add_emits_at_end);
    ADD("/model/domain-list/add/duplicate-uuid", test_add_duplicate_uuid);
    ADD("/model/domain-list/add-many/one-signal", test_add_many);
    ADD("/model/domain-list/add-many/skips-duplicates", test_add_many_skips_duplicates);
    ADD("/model/domain-list/remove/emits-and-keeps-order", test_remove);
    ADD("/model/domain-list/remove/then-readd", test_remove_then_readd);
    ADD("/model/domain-list/lookup/by-uuid-and-name", test_lookup);
    ADD("/model/domain-list/lookup/by-name-follows-rename", test_lookup_by_name_follows_rename);
    ADD("/model/domain-list/lookup/find-by-id-uuid-or-name", test_find_by_reference);
    ADD("/model/domain-list/count-in-state", test_count_in_state);
    ADD("/model/domain-list/remove-all", test_remove_all);
    ADD("/model/domain-list/many", test_many);
    ADD("/model/domain-list/ownership/holds-reference", test_holds_reference);
    ADD("/model/domain-list/ownership/dispose-frees-domains", test_dispose_frees_domains);
#undef ADD

    return g_test_run();
}
