/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoSnapshotsPage over a test-driver guest: snapshots created from its dialog into a tree,
 * a revert that moves the current one, a refusal in the error bar, a delete with children. */
#include "config.h"

#include "hako-connection-manager.h"
#include "hako-engine.h"
#include "hako-snapshots-page.h"
#include "hako-ui.h"

#include <gtk/gtk.h>

static gboolean
timed_out_cb(gpointer data)
{
    *(gboolean *)data = TRUE;
    return G_SOURCE_REMOVE;
}

static void
spin(guint ms)
{
    gboolean done = FALSE;

    g_timeout_add(ms, timed_out_cb, &done);
    while (!done)
        g_main_context_iteration(NULL, TRUE);
}

typedef gboolean (*Condition)(gpointer data);

static void
wait_for(Condition condition, gpointer data)
{
    gint64 end = g_get_monotonic_time() + 20 * G_TIME_SPAN_SECOND;

    while (!condition(data)) {
        g_assert_cmpint(g_get_monotonic_time(), <, end);
        g_main_context_iteration(NULL, FALSE);
        g_usleep(1000);
    }
}

static gboolean
host_connected(gpointer data)
{
    return hako_host_get_state(data) == HAKO_HOST_STATE_CONNECTED;
}

static gboolean
page_idle(gpointer data)
{
    return !hako_snapshots_page_is_busy(data);
}

typedef struct {
    GType type;
    const char *text;
    GtkWidget *found;
} Search;

static void
search_cb(GtkWidget *widget, gpointer data)
{
    Search *search = data;

    if (search->found != NULL)
        return;
    if (G_TYPE_CHECK_INSTANCE_TYPE(widget, search->type)) {
        const char *text = NULL;

        if (GTK_IS_LABEL(widget))
            text = gtk_label_get_label(GTK_LABEL(widget));
        else if (GTK_IS_BUTTON(widget))
            text = gtk_button_get_label(GTK_BUTTON(widget));
        if (search->text == NULL || g_strcmp0(text, search->text) == 0) {
            search->found = widget;
            return;
        }
    }
    if (GTK_IS_CONTAINER(widget))
        gtk_container_forall(GTK_CONTAINER(widget), search_cb, search);
}

static GtkWidget *
find(GtkWidget *root, GType type, const char *text)
{
    Search search = {type, text, NULL};

    gtk_container_forall(GTK_CONTAINER(root), search_cb, &search);
    g_assert_nonnull(search.found);
    return search.found;
}

/* The dialog the page has open. */
static GtkDialog *
open_dialog(void)
{
    GList *windows = gtk_window_list_toplevels();
    GtkDialog *dialog = NULL;

    for (GList *l = windows; l != NULL; l = l->next) {
        if (GTK_IS_DIALOG(l->data) && gtk_widget_get_visible(l->data))
            dialog = l->data;
    }
    g_list_free(windows);
    g_assert_nonnull(dialog);
    return dialog;
}

static void
click(GtkWidget *page, const char *label)
{
    GtkWidget *button = find(page, GTK_TYPE_BUTTON, label);

    g_assert_true(gtk_widget_get_sensitive(button));
    gtk_button_clicked(GTK_BUTTON(button));
}

static void
create(GtkWidget *page, const char *name)
{
    GtkDialog *dialog;
    GtkEntry *entry;

    click(page, "_Create…");
    dialog = open_dialog();
    g_assert_cmpstr(gtk_window_get_title(GTK_WINDOW(dialog)), ==, "Create Snapshot");
    entry = GTK_ENTRY(gtk_label_get_mnemonic_widget(
        GTK_LABEL(find(GTK_WIDGET(dialog), GTK_TYPE_LABEL, "_Name:"))));
    g_assert_true(g_str_has_prefix(gtk_entry_get_text(entry), "snapshot-"));
    gtk_entry_set_text(entry, name);
    gtk_dialog_response(dialog, GTK_RESPONSE_OK);
    wait_for(page_idle, page);
}

/* The tree as text: "name*" for the current one, children in brackets: "a[b*]". */
static void
describe(GtkTreeModel *model, GtkTreeIter *parent, GString *out)
{
    GtkTreeIter iter;
    gboolean first = TRUE;

    if (!gtk_tree_model_iter_children(model, &iter, parent))
        return;
    do {
        g_autofree char *name = NULL;
        int weight = 0;

        gtk_tree_model_get(model, &iter, 0, &name, 4, &weight, -1);
        if (!first)
            g_string_append_c(out, ',');
        first = FALSE;
        g_string_append(out, name);
        if (weight == PANGO_WEIGHT_BOLD)
            g_string_append_c(out, '*');
        if (gtk_tree_model_iter_has_child(model, &iter)) {
            g_string_append_c(out, '[');
            describe(model, &iter, out);
            g_string_append_c(out, ']');
        }
    } while (gtk_tree_model_iter_next(model, &iter));
}

static char *
tree(GtkWidget *page)
{
    GtkTreeView *view = GTK_TREE_VIEW(find(page, GTK_TYPE_TREE_VIEW, NULL));
    GString *out = g_string_new(NULL);

    describe(gtk_tree_view_get_model(view), NULL, out);
    return g_string_free(out, FALSE);
}

static void
select_row(GtkWidget *page, const char *name)
{
    GtkTreeView *view = GTK_TREE_VIEW(find(page, GTK_TYPE_TREE_VIEW, NULL));
    GtkTreeModel *model = gtk_tree_view_get_model(view);
    GtkTreeIter iter;
    gboolean found = FALSE;

    /* the first level and the second are enough here */
    if (gtk_tree_model_get_iter_first(model, &iter)) {
        do {
            g_autofree char *row = NULL;
            GtkTreeIter child;

            gtk_tree_model_get(model, &iter, 0, &row, -1);
            if (g_strcmp0(row, name) == 0) {
                found = TRUE;
                break;
            }
            if (gtk_tree_model_iter_children(model, &child, &iter)) {
                do {
                    g_autofree char *sub = NULL;

                    gtk_tree_model_get(model, &child, 0, &sub, -1);
                    if (g_strcmp0(sub, name) == 0) {
                        iter = child;
                        found = TRUE;
                        break;
                    }
                } while (gtk_tree_model_iter_next(model, &child));
            }
        } while (!found && gtk_tree_model_iter_next(model, &iter));
    }
    g_assert_true(found);
    gtk_tree_selection_select_iter(gtk_tree_view_get_selection(view), &iter);
}

static void
assert_tree(GtkWidget *page, const char *expected)
{
    g_autofree char *text = tree(page);

    g_assert_cmpstr(text, ==, expected);
}

static void
test_page(void)
{
    g_autoptr(HakoConnectionManager) manager = hako_connection_manager_new(NULL);
    HakoHost *host = hako_connection_manager_add(manager, "test:///default", HAKO_CONNECT_NONE);
    GtkWidget *window = gtk_window_new(GTK_WINDOW_TOPLEVEL);
    GtkWidget *page;
    GtkWidget *bar;
    GtkDialog *dialog;
    HakoDomain *domain;

    hako_connection_manager_connect(manager, host);
    wait_for(host_connected, host);
    domain = hako_domain_list_lookup_by_name(hako_host_get_domains(host), "test");
    g_assert_nonnull(domain);

    page = hako_snapshots_page_new(manager, domain);
    g_object_add_weak_pointer(G_OBJECT(page), (gpointer *)&page);
    gtk_container_add(GTK_CONTAINER(window), page);
    gtk_widget_show_all(window);
    wait_for(page_idle, page);
    /* the test driver can snapshot: buttons, no explanation */
    g_assert_true(gtk_widget_get_visible(find(page, GTK_TYPE_BUTTON, "_Create…")));
    g_assert_false(gtk_widget_get_sensitive(find(page, GTK_TYPE_BUTTON, "_Revert…")));
    assert_tree(page, "");

    create(page, "first");
    assert_tree(page, "first*");
    create(page, "second");
    assert_tree(page, "first[second*]");

    /* back to the first: it becomes the current one */
    select_row(page, "first");
    click(page, "_Revert…");
    dialog = open_dialog();
    g_assert_true(GTK_IS_MESSAGE_DIALOG(dialog));
    gtk_dialog_response(dialog, GTK_RESPONSE_ACCEPT);
    wait_for(page_idle, page);
    assert_tree(page, "first*[second]");

    /* a name that is taken: libvirt's refusal in the bar */
    create(page, "second");
    bar = find(page, GTK_TYPE_INFO_BAR, NULL);
    g_assert_true(gtk_widget_get_visible(bar));
    assert_tree(page, "first*[second]");

    /* asked first: Cancel keeps it */
    select_row(page, "first");
    click(page, "_Delete…");
    gtk_dialog_response(open_dialog(), GTK_RESPONSE_CANCEL);
    wait_for(page_idle, page);
    assert_tree(page, "first*[second]");

    /* with its children */
    select_row(page, "first");
    click(page, "_Delete…");
    dialog = open_dialog();
    gtk_toggle_button_set_active(
        GTK_TOGGLE_BUTTON(find(GTK_WIDGET(dialog), GTK_TYPE_CHECK_BUTTON,
                               "Delete the snapshots taken after it _too")),
        TRUE);
    gtk_dialog_response(dialog, GTK_RESPONSE_ACCEPT);
    wait_for(page_idle, page);
    assert_tree(page, "");

    gtk_widget_destroy(window);
    spin(50);
    g_assert_null(page);
}

int
main(int argc, char *argv[])
{
    gtk_test_init(&argc, &argv, NULL);
    hako_engine_init();
    hako_ui_init();
    g_test_add_func("/ui/snapshots-page/create-revert-delete", test_page);
    return g_test_run();
}
