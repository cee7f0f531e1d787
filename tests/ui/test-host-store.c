/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoHostStore: the tree store mirrors hosts and guests through "items-changed" and "notify". */
#include "config.h"

#include "hako-domain-private.h"
#include "hako-host-private.h"
#include "hako-host-store.h"

typedef struct {
    GListStore *hosts;
    HakoHostStore *store;
    guint row_changed;
    GPtrArray *changed_paths; /* char *, gtk_tree_path_to_string() */
} Fixture;

static HakoDomain *
add_domain(HakoHost *host, const char *name, HakoDomainState state)
{
    g_autoptr(HakoDomainFacts) facts = _hako_domain_facts_new();
    g_autofree char *uuid = g_compute_checksum_for_string(G_CHECKSUM_MD5, name, -1);
    g_autoptr(HakoDomain) domain = _hako_domain_new(host, uuid);

    facts->uuid = g_strdup(uuid);
    facts->name = g_strdup(name);
    facts->state = state;
    facts->vcpus = 1;
    facts->memory = 65536;
    _hako_domain_apply_facts(domain, facts);
    hako_domain_list_add(hako_host_get_domains(host), domain);
    return domain; /* borrowed: the list holds it */
}

static HakoHost *
add_host(Fixture *f, const char *uri)
{
    g_autoptr(HakoHost) host = _hako_host_new(uri, FALSE);

    g_list_store_append(f->hosts, host);
    return host; /* borrowed: the list store holds it */
}

/* The store as text: "uri[name,name];uri[]". */
static char *
describe(HakoHostStore *store)
{
    GtkTreeModel *model = GTK_TREE_MODEL(store);
    g_autoptr(GString) out = g_string_new(NULL);
    GtkTreeIter host;
    GtkTreeIter guest;

    if (!gtk_tree_model_get_iter_first(model, &host))
        return g_string_free(g_steal_pointer(&out), FALSE);
    do {
        GObject *object = hako_host_store_get_object(model, &host);

        g_assert_true(HAKO_IS_HOST(object));
        if (out->len > 0)
            g_string_append_c(out, ';');
        g_string_append_printf(out, "%s[", hako_host_get_uri(HAKO_HOST(object)));
        if (gtk_tree_model_iter_children(model, &guest, &host)) {
            gboolean first = TRUE;

            do {
                GObject *child = hako_host_store_get_object(model, &guest);

                g_assert_true(HAKO_IS_DOMAIN(child));
                g_string_append_printf(out, "%s%s", first ? "" : ",",
                                       hako_domain_get_name(HAKO_DOMAIN(child)));
                first = FALSE;
            } while (gtk_tree_model_iter_next(model, &guest));
        }
        g_string_append_c(out, ']');
    } while (gtk_tree_model_iter_next(model, &host));
    return g_string_free(g_steal_pointer(&out), FALSE);
}

#define assert_store(f, expected)                                                                  \
    G_STMT_START                                                                                   \
    {                                                                                              \
        g_autofree char *_text = describe((f)->store);                                             \
        g_assert_cmpstr(_text, ==, (expected));                                                    \
    }                                                                                              \
    G_STMT_END

static int
compare_strings(gconstpointer a, gconstpointer b)
{
    return g_strcmp0(*(const char *const *)a, *(const char *const *)b);
}

static void
row_changed_cb(GtkTreeModel *model, GtkTreePath *path, GtkTreeIter *iter, Fixture *f)
{
    f->row_changed++;
    g_ptr_array_add(f->changed_paths, gtk_tree_path_to_string(path));
}

/* Lets the store's idle callback emit the "row-changed" it coalesced. */
static void
flush(void)
{
    while (g_main_context_iteration(NULL, FALSE))
        ;
}

static void
fixture_set_up(Fixture *f, gconstpointer data)
{
    f->hosts = g_list_store_new(HAKO_TYPE_HOST);
    f->changed_paths = g_ptr_array_new_with_free_func(g_free);
}

static void
create_store(Fixture *f)
{
    f->store = hako_host_store_new(G_LIST_MODEL(f->hosts));
    g_signal_connect(f->store, "row-changed", G_CALLBACK(row_changed_cb), f);
}

static void
fixture_tear_down(Fixture *f, gconstpointer data)
{
    if (f->store != NULL) {
        g_object_add_weak_pointer(G_OBJECT(f->store), (gpointer *)&f->store);
        g_object_unref(f->store);
        g_assert_null(f->store);
    }
    g_clear_object(&f->hosts);
    g_ptr_array_unref(f->changed_paths);
}

static void
test_initial_contents(Fixture *f, gconstpointer data)
{
    HakoHost *a = add_host(f, "test:///a");
    HakoHost *b = add_host(f, "test:///b");
    GtkTreeIter iter;

    add_domain(a, "one", HAKO_DOMAIN_STATE_RUNNING);
    add_domain(a, "two", HAKO_DOMAIN_STATE_SHUTOFF);
    add_domain(b, "three", HAKO_DOMAIN_STATE_PAUSED);
    create_store(f);

    assert_store(f, "test:///a[one,two];test:///b[three]");
    g_assert_true(hako_host_store_get_iter_for(f->store, b, &iter));
    g_assert_true(hako_host_store_get_object(GTK_TREE_MODEL(f->store), &iter) == G_OBJECT(b));
    g_assert_true(hako_host_store_get_hosts(f->store) == G_LIST_MODEL(f->hosts));
}

static void
test_follows_items_changed(Fixture *f, gconstpointer data)
{
    HakoHost *a;
    HakoHost *b;
    HakoHost *c;
    HakoDomain *two;
    GtkTreeIter iter;

    create_store(f);
    assert_store(f, "");

    a = add_host(f, "test:///a");
    b = add_host(f, "test:///b");
    assert_store(f, "test:///a[];test:///b[]");

    add_domain(b, "one", HAKO_DOMAIN_STATE_RUNNING);
    two = add_domain(b, "two", HAKO_DOMAIN_STATE_RUNNING);
    add_domain(b, "three", HAKO_DOMAIN_STATE_RUNNING);
    add_domain(a, "four", HAKO_DOMAIN_STATE_RUNNING);
    assert_store(f, "test:///a[four];test:///b[one,two,three]");

    /* A guest in the middle goes away: its neighbours keep their rows. */
    g_object_ref(two);
    g_assert_true(hako_domain_list_remove(hako_host_get_domains(b), two));
    assert_store(f, "test:///a[four];test:///b[one,three]");
    g_assert_false(hako_host_store_get_iter_for(f->store, two, &iter));
    g_assert_false(
        g_signal_has_handler_pending(two, g_signal_lookup("notify", G_TYPE_OBJECT), 0, TRUE));
    g_object_unref(two);

    /* A host inserted between two others, then the first host removed. */
    {
        g_autoptr(HakoHost) middle = _hako_host_new("test:///c", FALSE);

        c = middle;
        g_list_store_insert(f->hosts, 1, middle);
    }
    add_domain(c, "five", HAKO_DOMAIN_STATE_SHUTOFF);
    assert_store(f, "test:///a[four];test:///c[five];test:///b[one,three]");

    g_list_store_remove(f->hosts, 0);
    assert_store(f, "test:///c[five];test:///b[one,three]");

    /* Several at once, as a splice does. */
    {
        g_autoptr(HakoHost) d = _hako_host_new("test:///d", FALSE);
        g_autoptr(HakoHost) e = _hako_host_new("test:///e", FALSE);
        gpointer replacement[] = {d, e};

        g_list_store_splice(f->hosts, 0, 2, replacement, G_N_ELEMENTS(replacement));
    }
    assert_store(f, "test:///d[];test:///e[]");

    g_list_store_remove_all(f->hosts);
    assert_store(f, "");
}

static void
test_notify_changes_rows(Fixture *f, gconstpointer data)
{
    HakoHost *a = add_host(f, "test:///a");
    HakoHost *b = add_host(f, "test:///b");
    HakoDomain *two;

    add_domain(a, "one", HAKO_DOMAIN_STATE_RUNNING);
    two = add_domain(a, "two", HAKO_DOMAIN_STATE_RUNNING);
    add_domain(b, "three", HAKO_DOMAIN_STATE_RUNNING);
    create_store(f);

    /* Two notifications (state and reason), one change of the row. */
    _hako_domain_set_state(two, HAKO_DOMAIN_STATE_PAUSED, 1);
    g_assert_cmpuint(f->row_changed, ==, 0);
    flush();
    g_assert_cmpuint(f->row_changed, ==, 1);
    g_assert_cmpstr(g_ptr_array_index(f->changed_paths, 0), ==, "0:1");

    /* A host's state changes how its guests are drawn: their rows change too. */
    f->row_changed = 0;
    g_ptr_array_set_size(f->changed_paths, 0);
    _hako_host_set_state(a, HAKO_HOST_STATE_CONNECTING, NULL);
    flush();
    g_assert_cmpuint(f->row_changed, ==, 3);
    g_ptr_array_sort(f->changed_paths, compare_strings);
    g_assert_cmpstr(g_ptr_array_index(f->changed_paths, 0), ==, "0");
    g_assert_cmpstr(g_ptr_array_index(f->changed_paths, 1), ==, "0:0");
    g_assert_cmpstr(g_ptr_array_index(f->changed_paths, 2), ==, "0:1");

    /* Other properties of the host change its row only. */
    f->row_changed = 0;
    _hako_host_set_autoconnect(b, TRUE);
    flush();
    g_assert_cmpuint(f->row_changed, ==, 1);

    /* A row removed before the idle runs is simply not changed. */
    f->row_changed = 0;
    _hako_domain_set_state(two, HAKO_DOMAIN_STATE_RUNNING, 1);
    g_assert_true(hako_domain_list_remove(hako_host_get_domains(a), two));
    flush();
    g_assert_cmpuint(f->row_changed, ==, 0);
}

static void
test_store_lets_go(Fixture *f, gconstpointer data)
{
    HakoHost *a = add_host(f, "test:///a");
    HakoDomain *one = add_domain(a, "one", HAKO_DOMAIN_STATE_RUNNING);
    guint notify = g_signal_lookup("notify", G_TYPE_OBJECT);
    guint items_changed = g_signal_lookup("items-changed", G_TYPE_LIST_MODEL);

    create_store(f);
    g_assert_true(g_signal_has_handler_pending(one, notify, 0, TRUE));

    g_object_add_weak_pointer(G_OBJECT(f->store), (gpointer *)&f->store);
    g_object_unref(f->store);
    g_assert_null(f->store);

    /* Nothing of the store stays connected to what outlives it. */
    g_assert_false(g_signal_has_handler_pending(one, notify, 0, TRUE));
    g_assert_false(g_signal_has_handler_pending(a, notify, 0, TRUE));
    g_assert_false(g_signal_has_handler_pending(hako_host_get_domains(a), items_changed, 0, TRUE));
    g_assert_false(g_signal_has_handler_pending(f->hosts, items_changed, 0, TRUE));
    _hako_domain_set_state(one, HAKO_DOMAIN_STATE_PAUSED, 0);
    add_domain(a, "two", HAKO_DOMAIN_STATE_RUNNING);
    flush();
}

static void
test_many_guests(Fixture *f, gconstpointer data)
{
    HakoHost *a = add_host(f, "test:///a");
    gint64 start;

    create_store(f);
    start = g_get_monotonic_time();
    for (guint i = 0; i < 5000; i++) {
        g_autofree char *name = g_strdup_printf("guest-%04u", i);

        add_domain(a, name, HAKO_DOMAIN_STATE_RUNNING);
    }
    g_test_message("5000 guests added in %" G_GINT64_FORMAT " ms",
                   (g_get_monotonic_time() - start) / 1000);
    g_assert_cmpint(gtk_tree_model_iter_n_children(GTK_TREE_MODEL(f->store), NULL), ==, 1);
    {
        GtkTreeIter host;

        g_assert_true(gtk_tree_model_get_iter_first(GTK_TREE_MODEL(f->store), &host));
        g_assert_cmpint(gtk_tree_model_iter_n_children(GTK_TREE_MODEL(f->store), &host), ==, 5000);
    }
    hako_domain_list_remove_all(hako_host_get_domains(a));
    assert_store(f, "test:///a[]");
}

typedef struct {
    GString *log; /* "B" for batch-begin, "E" for batch-end, "c" per row-changed */
} BatchLog;

static void
batch_begin_cb(HakoHostStore *store, BatchLog *log)
{
    g_string_append_c(log->log, 'B');
}

static void
batch_end_cb(HakoHostStore *store, BatchLog *log)
{
    g_string_append_c(log->log, 'E');
}

static void
batch_row_changed_cb(GtkTreeModel *model, GtkTreePath *path, GtkTreeIter *iter, BatchLog *log)
{
    g_string_append_c(log->log, 'c');
}

static void
test_batches(Fixture *f, gconstpointer data)
{
    HakoHost *a = add_host(f, "test:///a");
    HakoHost *b = add_host(f, "test:///b");
    g_autoptr(GPtrArray) many = g_ptr_array_new_with_free_func(g_object_unref);
    BatchLog log = {g_string_new(NULL)};
    g_autofree char *expected = NULL;
    GtkTreeIter host_iter;
    GtkTreeIter iter;
    guint n = HAKO_HOST_STORE_BATCH_ROWS * 3;

    add_domain(b, "b-only", HAKO_DOMAIN_STATE_RUNNING);
    create_store(f);
    g_signal_connect(f->store, "batch-begin", G_CALLBACK(batch_begin_cb), &log);
    g_signal_connect(f->store, "batch-end", G_CALLBACK(batch_end_cb), &log);
    g_signal_connect(f->store, "row-changed", G_CALLBACK(batch_row_changed_cb), &log);

    /* A few guests: no batch. */
    add_domain(a, "first", HAKO_DOMAIN_STATE_RUNNING);
    g_assert_cmpstr(log.log->str, ==, "");

    /* Many at once: one batch around them, rows in the list's order after the first. */
    for (guint i = 0; i < n; i++) {
        g_autoptr(HakoDomainFacts) facts = _hako_domain_facts_new();
        g_autofree char *name = g_strdup_printf("guest-%03u", i);
        g_autofree char *uuid = g_strdup_printf("uuid-%03u", i);
        HakoDomain *domain = _hako_domain_new(a, uuid);

        facts->uuid = g_strdup(uuid);
        facts->name = g_strdup(name);
        facts->state = HAKO_DOMAIN_STATE_SHUTOFF;
        _hako_domain_apply_facts(domain, facts);
        g_ptr_array_add(many, domain);
    }
    hako_domain_list_add_many(hako_host_get_domains(a), many);
    g_assert_cmpstr(log.log->str, ==, "BE");
    g_assert_true(gtk_tree_model_get_iter_first(GTK_TREE_MODEL(f->store), &host_iter));
    g_assert_cmpint(gtk_tree_model_iter_n_children(GTK_TREE_MODEL(f->store), &host_iter), ==,
                    n + 1);
    g_assert_true(gtk_tree_model_iter_nth_child(GTK_TREE_MODEL(f->store), &iter, &host_iter, 0));
    g_assert_cmpstr(hako_domain_get_name(
                        HAKO_DOMAIN(hako_host_store_get_object(GTK_TREE_MODEL(f->store), &iter))),
                    ==, "first");
    for (guint i = 0; i < n; i++) {
        g_assert_true(gtk_tree_model_iter_next(GTK_TREE_MODEL(f->store), &iter));
        g_assert_true(hako_host_store_get_object(GTK_TREE_MODEL(f->store), &iter) ==
                      g_ptr_array_index(many, i));
    }

    /* The host connects: every guest's row changes (they are drawn greyed no more), in one
     * batch, each once, with the right paths. */
    g_string_truncate(log.log, 0);
    g_ptr_array_set_size(f->changed_paths, 0);
    _hako_host_set_state(a, HAKO_HOST_STATE_CONNECTED, NULL);
    flush();
    expected = g_strnfill(n + 2, 'c'); /* the host, "first" and the n others */
    g_assert_cmpuint(log.log->len, ==, n + 4);
    g_assert_cmpint(log.log->str[0], ==, 'B');
    g_assert_cmpint(log.log->str[log.log->len - 1], ==, 'E');
    {
        g_autofree char *middle = g_strndup(log.log->str + 1, n + 2);

        g_assert_cmpstr(middle, ==, expected);
    }
    g_ptr_array_sort(f->changed_paths, compare_strings);
    g_assert_cmpstr(g_ptr_array_index(f->changed_paths, 0), ==, "0");
    g_assert_cmpstr(g_ptr_array_index(f->changed_paths, 1), ==, "0:0");
    {
        g_autofree char *last = g_strdup_printf("0:%u", n);
        gboolean found = FALSE;

        for (guint i = 0; i < f->changed_paths->len; i++)
            found = found || g_strcmp0(g_ptr_array_index(f->changed_paths, i), last) == 0;
        g_assert_true(found);
    }

    /* Removing them all is a batch too; the other host's guest stays. */
    g_string_truncate(log.log, 0);
    hako_domain_list_remove_all(hako_host_get_domains(a));
    g_assert_cmpstr(log.log->str, ==, "BE");
    assert_store(f, "test:///a[];test:///b[b-only]");
    g_string_free(log.log, TRUE);
}

int
main(int argc, char *argv[])
{
    g_test_init(&argc, &argv, NULL);

#define ADD(path, func) g_test_add(path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
    ADD("/ui/host-store/initial-contents", test_initial_contents);
    ADD("/ui/host-store/follows-items-changed", test_follows_items_changed);
    ADD("/ui/host-store/notify-changes-rows", test_notify_changes_rows);
    ADD("/ui/host-store/store-lets-go", test_store_lets_go);
    ADD("/ui/host-store/many-guests", test_many_guests);
    ADD("/ui/host-store/batches", test_batches);
#undef ADD

    return g_test_run();
}
