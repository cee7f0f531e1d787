/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The manager window with hundreds of guests: big changes come as batches, during which the
 * view lets go of its filter and sort models; afterwards the rows, their order, the expanded
 * host and the selection are as before. Needs a display (the ui suite runs under Xvfb). */
#include "config.h"

#include "hako-connection-manager.h"
#include "hako-engine.h"
#include "hako-host-store.h"
#include "hako-manager-window.h"
#include "hako-ui.h"

#include <glib/gstdio.h>

#define N_GUESTS 300

typedef struct {
    char *dir;
    char *uri;
    GtkApplication *app;
    GSettings *settings;
    HakoConnectionManager *manager;
    HakoManagerWindow *window;
    GtkTreeView *tree_view;
    HakoHost *host;
} Fixture;

static GtkWidget *
find_descendant(GtkWidget *widget, GType type)
{
    g_autoptr(GList) children = NULL;

    if (G_TYPE_CHECK_INSTANCE_TYPE(widget, type))
        return widget;
    if (!GTK_IS_CONTAINER(widget))
        return NULL;
    children = gtk_container_get_children(GTK_CONTAINER(widget));
    for (GList *l = children; l != NULL; l = l->next) {
        GtkWidget *found = find_descendant(l->data, type);

        if (found != NULL)
            return found;
    }
    return NULL;
}

static gboolean
wait_for(gboolean (*done)(Fixture *f), Fixture *f, guint timeout_ms)
{
    gint64 deadline = g_get_monotonic_time() + timeout_ms * (gint64)1000;

    while (!done(f) && g_get_monotonic_time() < deadline)
        g_main_context_iteration(NULL, FALSE) || (g_usleep(1000), TRUE);
    while (g_main_context_iteration(NULL, FALSE))
        ;
    return done(f);
}

static gboolean
host_settled(Fixture *f)
{
    return hako_host_get_state(f->host) != HAKO_HOST_STATE_CONNECTING;
}

static void
fixture_set_up(Fixture *f, gconstpointer data)
{
    g_autoptr(GString) xml = g_string_new("<node>\n");
    g_autoptr(GError) error = NULL;
    g_autofree char *path = NULL;

    f->dir = g_dir_make_tmp("hako-window-XXXXXX", &error);
    g_assert_no_error(error);
    path = g_build_filename(f->dir, "guests.xml", NULL);
    /* Names in shuffled order, so that the sort model has work to do. */
    for (guint i = 0; i < N_GUESTS; i++)
        g_string_append_printf(xml,
                               "<domain type='test'><name>guest-%03u</name>"
                               "<uuid>%08x-0000-4000-8000-%012x</uuid>"
                               "<memory unit='MiB'>64</memory><vcpu>1</vcpu>"
                               "<os><type>hvm</type></os></domain>\n",
                               (i * 7) % N_GUESTS, 0xabc000 + i, i);
    g_string_append(xml, "</node>\n");
    g_assert_true(g_file_set_contents(path, xml->str, xml->len, &error));
    f->uri = g_strdup_printf("test://%s", path);

    f->app = gtk_application_new("org.hako.Hako.TestManagerWindow", G_APPLICATION_NON_UNIQUE);
    g_assert_true(g_application_register(G_APPLICATION(f->app), NULL, &error));
    f->settings = g_settings_new(APP_ID);
    f->manager = hako_connection_manager_new(NULL);
    f->window = hako_manager_window_new(f->app, f->manager, f->settings);
    gtk_window_present(GTK_WINDOW(f->window));
    f->tree_view = GTK_TREE_VIEW(find_descendant(GTK_WIDGET(f->window), GTK_TYPE_TREE_VIEW));
    g_assert_nonnull(f->tree_view);

    f->host = hako_connection_manager_add(f->manager, f->uri, HAKO_CONNECT_NONE);
    hako_connection_manager_connect(f->manager, f->host);
    g_assert_true(wait_for(host_settled, f, 10000));
    g_assert_cmpint(hako_host_get_state(f->host), ==, HAKO_HOST_STATE_CONNECTED);
}

static void
fixture_tear_down(Fixture *f, gconstpointer data)
{
    g_autofree char *path = g_build_filename(f->dir, "guests.xml", NULL);

    gtk_widget_destroy(GTK_WIDGET(f->window));
    g_clear_object(&f->manager);
    g_clear_object(&f->settings);
    g_clear_object(&f->app);
    while (g_main_context_iteration(NULL, FALSE))
        ;
    g_unlink(path);
    g_rmdir(f->dir);
    g_free(f->dir);
    g_free(f->uri);
}

/* The guests' names under the first host, as the view shows them. */
static GPtrArray *
view_names(Fixture *f)
{
    GtkTreeModel *model = gtk_tree_view_get_model(f->tree_view);
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    GtkTreeIter host;
    GtkTreeIter guest;

    g_assert_nonnull(model);
    g_assert_true(gtk_tree_model_get_iter_first(model, &host));
    if (gtk_tree_model_iter_children(model, &guest, &host)) {
        do {
            GObject *object = hako_host_store_get_object(model, &guest);

            g_ptr_array_add(names, g_strdup(hako_domain_get_name(HAKO_DOMAIN(object))));
        } while (gtk_tree_model_iter_next(model, &guest));
    }
    return names;
}

static void
assert_sorted_and_complete(Fixture *f)
{
    g_autoptr(GPtrArray) names = view_names(f);
    g_autoptr(GtkTreePath) host_path = gtk_tree_path_new_first();

    g_assert_cmpuint(names->len, ==, N_GUESTS);
    for (guint i = 0; i < names->len; i++) {
        g_autofree char *expected = g_strdup_printf("guest-%03u", i);

        g_assert_cmpstr(g_ptr_array_index(names, i), ==, expected);
    }
    g_assert_true(gtk_tree_view_row_expanded(f->tree_view, host_path));
}

static char *
selected_name(Fixture *f)
{
    GtkTreeSelection *selection = gtk_tree_view_get_selection(f->tree_view);
    GtkTreeModel *model;
    GtkTreeIter iter;
    GObject *object;

    if (!gtk_tree_selection_get_selected(selection, &model, &iter))
        return NULL;
    object = hako_host_store_get_object(model, &iter);
    return HAKO_IS_DOMAIN(object) ? g_strdup(hako_domain_get_name(HAKO_DOMAIN(object))) : NULL;
}

static gboolean
host_disconnected(Fixture *f)
{
    return hako_host_get_state(f->host) == HAKO_HOST_STATE_DISCONNECTED;
}

static void
test_batches_keep_the_view(Fixture *f, gconstpointer data)
{
    g_autoptr(GtkTreePath) path = gtk_tree_path_new_from_indices(0, 123, -1);
    g_autofree char *before = NULL;
    g_autofree char *after = NULL;

    /* The first listing was a batch: every guest is there, sorted, under an expanded host. */
    assert_sorted_and_complete(f);

    /* Select a guest, then make every row change at once (the host goes away and comes back
     * with the same guests): the selection survives both batches. */
    gtk_tree_view_set_cursor(f->tree_view, path, NULL, FALSE);
    before = selected_name(f);
    g_assert_cmpstr(before, ==, "guest-123");

    hako_connection_manager_disconnect(f->manager, f->host);
    g_assert_true(wait_for(host_disconnected, f, 5000));
    g_assert_null(selected_name(f)); /* its guests are gone with the connection */

    hako_connection_manager_connect(f->manager, f->host);
    g_assert_true(wait_for(host_settled, f, 10000));
    assert_sorted_and_complete(f);

    gtk_tree_view_set_cursor(f->tree_view, path, NULL, FALSE);
    /* Every guest row changes (greyed while connecting, then not): a batch, from idle. */
    {
        GListModel *domains = G_LIST_MODEL(hako_host_get_domains(f->host));

        g_assert_cmpuint(g_list_model_get_n_items(domains), ==, N_GUESTS);
        g_object_notify(G_OBJECT(f->host), "state");
        while (g_main_context_iteration(NULL, FALSE))
            ;
    }
    after = selected_name(f);
    g_assert_cmpstr(after, ==, "guest-123");
    assert_sorted_and_complete(f);
}

int
main(int argc, char *argv[])
{
    g_test_init(&argc, &argv, NULL);
    hako_engine_init();
    gtk_init(&argc, &argv);
    hako_ui_init();

    g_test_add("/ui/manager-window/batches-keep-the-view", Fixture, NULL, fixture_set_up,
               test_batches_keep_the_view, fixture_tear_down);
    return g_test_run();
}
