/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The manager window with hundreds of guests: big changes come as batches, during which the
 * view lets go of its filter and sort models; afterwards the rows, their order, the expanded
 * host and the selection are as before. Needs a display (the ui suite runs under Xvfb). */
#include "config.h"

#include "hako-connection-manager.h"
#include "hako-details-window.h"
#include "hako-domain-private.h"
#include "hako-engine.h"
#include "hako-host-private.h"
#include "hako-host-store.h"
#include "hako-host-window.h"
#include "hako-manager-window.h"
#include "hako-sparkline-renderer.h"
#include "hako-stats-poller-private.h"
#include "hako-ui.h"

#include <glib/gstdio.h>
#include <math.h>

#define N_GUESTS 300

static GtkApplication *shared_app;

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

    /* One application for every test: once registered on the bus, its ID stays taken. */
    f->app = g_object_ref(shared_app);
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

/* ---------------------------------------------------------------------------------------- */
/* Statistics columns                                                                        */

#define KiB 1024.0
#define MiB (1024.0 * 1024.0)
#define GiB (1024.0 * 1024.0 * 1024.0)

static GtkTreeViewColumn *
column_titled(Fixture *f, const char *title)
{
    g_autoptr(GList) columns = gtk_tree_view_get_columns(f->tree_view);

    for (GList *l = columns; l != NULL; l = l->next)
        if (g_strcmp0(gtk_tree_view_column_get_title(l->data), title) == 0)
            return l->data;
    g_assert_not_reached();
}

/* The row of @object in the view's model. */
static void
view_iter_for(Fixture *f, gpointer object, GtkTreeIter *iter)
{
    GtkTreeModel *model = gtk_tree_view_get_model(f->tree_view);
    GtkTreeIter host;

    g_assert_true(gtk_tree_model_get_iter_first(model, &host));
    do {
        if (hako_host_store_get_object(model, &host) == object) {
            *iter = host;
            return;
        }
        if (gtk_tree_model_iter_children(model, iter, &host)) {
            do {
                if (hako_host_store_get_object(model, iter) == object)
                    return;
            } while (gtk_tree_model_iter_next(model, iter));
        }
    } while (gtk_tree_model_iter_next(model, &host));
    g_assert_not_reached();
}

/* The renderer of @type in the column titled @title, set up as for drawing @object's row. */
static GtkCellRenderer *
cell_for(Fixture *f, const char *title, gpointer object, GType type)
{
    GtkTreeViewColumn *column = column_titled(f, title);
    g_autoptr(GList) cells = gtk_cell_layout_get_cells(GTK_CELL_LAYOUT(column));
    GtkTreeIter iter;

    view_iter_for(f, object, &iter);
    gtk_tree_view_column_cell_set_cell_data(column, gtk_tree_view_get_model(f->tree_view), &iter,
                                            FALSE, FALSE);
    for (GList *l = cells; l != NULL; l = l->next)
        if (G_TYPE_CHECK_INSTANCE_TYPE(l->data, type))
            return l->data;
    g_assert_not_reached();
}

/* The figure the column titled @title shows in the row of @object (NULL when blank). */
static char *
cell_text(Fixture *f, const char *title, gpointer object)
{
    GtkCellRenderer *cell = cell_for(f, title, object, GTK_TYPE_CELL_RENDERER_TEXT);
    char *text = NULL;

    g_object_get(cell, "text", &text, NULL);
    return text;
}

static HakoDomain *
first_guest(Fixture *f)
{
    GtkTreeModel *model = gtk_tree_view_get_model(f->tree_view);
    g_autoptr(GtkTreePath) path = gtk_tree_path_new_from_indices(0, 0, -1);
    GtkTreeIter iter;

    g_assert_true(gtk_tree_model_get_iter(model, &iter, path));
    return HAKO_DOMAIN(hako_host_store_get_object(model, &iter));
}

/* One poll tick, as the engine would deliver it: the guest's figures, the host's, the signal. */
static void
push_figures(Fixture *f, HakoDomain *domain)
{
    double guest[HAKO_N_DOMAIN_STATS] = {
        [HAKO_DOMAIN_STAT_CPU] = 12,
        [HAKO_DOMAIN_STAT_CPU_HOST] = 3,
        [HAKO_DOMAIN_STAT_MEMORY] = 32 * MiB,
        [HAKO_DOMAIN_STAT_DISK_READ] = 1 * MiB,
        [HAKO_DOMAIN_STAT_DISK_WRITE] = 512 * KiB,
        [HAKO_DOMAIN_STAT_NET_RX] = 2 * KiB,
        [HAKO_DOMAIN_STAT_NET_TX] = NAN, /* no figure for this one: the sum is the other */
    };
    double host[HAKO_N_HOST_STATS] = {
        [HAKO_HOST_STAT_CPU] = 40,
        [HAKO_HOST_STAT_MEMORY] = 2 * GiB,
    };

    _hako_domain_push_stats(domain, guest);
    _hako_host_push_stats(f->host, host);
    _hako_host_emit_stats_updated(f->host);
}

#define assert_cell_text(f, title, object, expected)                                               \
    G_STMT_START                                                                                   \
    {                                                                                              \
        g_autofree char *_text = cell_text((f), (title), (object));                                \
        const char *_expected = (expected);                                                        \
        g_assert_cmpstr(_text, ==, _expected);                                                     \
    }                                                                                              \
    G_STMT_END

static void
test_stats_columns(Fixture *f, gconstpointer data)
{
    HakoDomain *domain = first_guest(f);
    g_autofree char *cpu = hako_stats_format_percent(12);
    g_autofree char *host_share = hako_stats_format_percent(3);
    g_autofree char *memory = hako_stats_format_bytes(32 * MiB);
    g_autofree char *disk = hako_stats_format_rate(1.5 * MiB);
    g_autofree char *network = hako_stats_format_rate(2 * KiB);
    g_autofree char *host_cpu = hako_stats_format_percent(40);
    g_autofree char *host_memory = hako_stats_format_bytes(2 * GiB);
    g_autoptr(HakoStatsHistory) history = NULL;
    GtkCellRenderer *graph;
    gboolean percent = FALSE;
    double maximum = 0;

    _hako_host_set_polled_stats(f->host, HAKO_STATS_POLL_CPU | HAKO_STATS_POLL_MEMORY |
                                             HAKO_STATS_POLL_DISK | HAKO_STATS_POLL_NETWORK);
    push_figures(f, domain);

    /* A guest's row: its own figures, read and write (received and sent) added up. */
    assert_cell_text(f, "Guest CPU", domain, cpu);
    assert_cell_text(f, "Host CPU", domain, host_share);
    assert_cell_text(f, "Memory Usage", domain, memory);
    assert_cell_text(f, "Disk I/O", domain, disk);
    assert_cell_text(f, "Network I/O", domain, network);

    /* Its sparkline draws its history, on the scale of the figure. */
    graph = cell_for(f, "Guest CPU", domain, HAKO_TYPE_SPARKLINE_RENDERER);
    g_object_get(graph, "history", &history, "percent", &percent, NULL);
    g_assert_true(history == hako_domain_get_stats_history(domain, HAKO_DOMAIN_STAT_CPU));
    g_assert_true(percent);
    g_clear_pointer(&history, hako_stats_history_unref);
    graph = cell_for(f, "Memory Usage", domain, HAKO_TYPE_SPARKLINE_RENDERER);
    g_object_get(graph, "maximum", &maximum, NULL);
    g_assert_cmpfloat(maximum, >, 0);
    g_assert_cmpfloat(maximum, ==, hako_domain_get_max_memory(domain) * 1024.0);

    /* The host's row: its CPU in both CPU columns, its memory, nothing for I/O. */
    assert_cell_text(f, "Guest CPU", f->host, host_cpu);
    assert_cell_text(f, "Host CPU", f->host, host_cpu);
    assert_cell_text(f, "Memory Usage", f->host, host_memory);
    assert_cell_text(f, "Disk I/O", f->host, NULL);
    assert_cell_text(f, "Network I/O", f->host, NULL);
    graph = cell_for(f, "Memory Usage", f->host, HAKO_TYPE_SPARKLINE_RENDERER);
    g_object_get(graph, "maximum", &maximum, NULL);
    g_assert_cmpfloat(maximum, ==, (double)hako_host_get_memory_total(f->host));

    /* The next tick: the cell follows without any row change. */
    {
        double guest[HAKO_N_DOMAIN_STATS] = {[HAKO_DOMAIN_STAT_CPU] = 87};
        double host[HAKO_N_HOST_STATS] = {0};
        g_autofree char *next = hako_stats_format_percent(87);

        _hako_domain_push_stats(domain, guest);
        _hako_host_push_stats(f->host, host);
        _hako_host_emit_stats_updated(f->host);
        assert_cell_text(f, "Guest CPU", domain, next);
    }
}

/* What the view's frames looked like while a test watched. */
typedef struct {
    Fixture *f;
    guint frames;
    GdkRectangle clip;       /* the last frame's, in the view's coordinates */
    gboolean name_rendered;  /* the Name column's cells were to be rendered */
    gboolean graph_rendered; /* the Guest CPU column's were */
} Frames;

static gboolean
column_cells_visible(GtkTreeViewColumn *column)
{
    g_autoptr(GList) cells = gtk_cell_layout_get_cells(GTK_CELL_LAYOUT(column));
    gboolean visible = FALSE;

    for (GList *l = cells; l != NULL; l = l->next)
        visible |= gtk_cell_renderer_get_visible(l->data);
    return visible;
}

/* Runs between the window's own "draw" handler, which sets up the frame, and the view's. */
static gboolean
frame_cb(GtkWidget *widget, cairo_t *cr, Frames *frames)
{
    frames->frames++;
    g_assert_true(gdk_cairo_get_clip_rectangle(cr, &frames->clip));
    frames->name_rendered = column_cells_visible(column_titled(frames->f, "Name"));
    frames->graph_rendered = column_cells_visible(column_titled(frames->f, "Guest CPU"));
    return GDK_EVENT_PROPAGATE;
}

static void
spin(guint ms)
{
    gint64 deadline = g_get_monotonic_time() + ms * (gint64)1000;

    while (g_get_monotonic_time() < deadline)
        g_main_context_iteration(NULL, FALSE) || (g_usleep(1000), TRUE);
}

/* The text a screen reader reads in the cell of @column_title in the view's row @row. */
static char *
accessible_cell_text(Fixture *f, int row, const char *column_title)
{
    AtkObject *table = gtk_widget_get_accessible(GTK_WIDGET(f->tree_view));
    g_autoptr(GList) columns = gtk_tree_view_get_columns(f->tree_view);
    g_autoptr(AtkObject) cell = NULL;
    int index = 0;

    for (GList *l = columns; l != NULL; l = l->next) {
        if (g_strcmp0(gtk_tree_view_column_get_title(l->data), column_title) == 0)
            break;
        index += gtk_tree_view_column_get_visible(l->data);
    }
    cell = atk_table_ref_at(ATK_TABLE(table), row, index);
    g_assert_nonnull(cell);
    /* A column of two renderers is a container of two cells: the figure is the text one. */
    for (int i = 0; i < atk_object_get_n_accessible_children(cell); i++) {
        g_autoptr(AtkObject) child = atk_object_ref_accessible_child(cell, i);

        if (ATK_IS_TEXT(child))
            return atk_text_get_text(ATK_TEXT(child), 0, -1);
    }
    g_assert_true(ATK_IS_TEXT(cell));
    return atk_text_get_text(ATK_TEXT(cell), 0, -1);
}

/*
 * A tick draws the graph cells that changed and nothing else: one frame, within the graph
 * column, in which the other columns' cells are not rendered (GtkTreeView renders every column
 * of the rows it draws otherwise); the selected row's figures reach screen readers without a
 * frame of their own; and a frame that covers the whole view renders every column.
 */
static void
test_tick_draws_graph_cells(Fixture *f, gconstpointer data)
{
    HakoDomain *domain = first_guest(f);
    GtkTreeViewColumn *graph = column_titled(f, "Guest CPU");
    g_autoptr(GtkTreePath) path = gtk_tree_path_new_from_indices(0, 0, -1);
    g_autofree char *before = NULL;
    g_autofree char *after = NULL;
    g_autofree char *first = hako_stats_format_percent(12);
    g_autofree char *expected = hako_stats_format_percent(87);
    Frames frames = {f, 0, {0}, FALSE, FALSE};
    int graph_x, graph_right, unused;
    gulong handler;

    /* The test's ticks alone. */
    _hako_stats_poller_stop(hako_connection_manager_get_stats_poller(f->manager, f->host));
    _hako_host_set_polled_stats(f->host, HAKO_STATS_POLL_CPU);
    push_figures(f, domain);
    gtk_tree_view_set_cursor(f->tree_view, path, NULL, FALSE);
    gtk_widget_grab_focus(GTK_WIDGET(f->tree_view));
    spin(300);
    before = accessible_cell_text(f, 1, "Guest CPU");
    g_assert_cmpstr(before, ==, first);

    /* Until the window has settled (mapping, scrolling to the cursor): no frame for 300 ms. */
    handler = g_signal_connect(f->tree_view, "draw", G_CALLBACK(frame_cb), &frames);
    for (int i = 0; i < 50; i++) {
        frames.frames = 0;
        spin(300);
        if (frames.frames == 0)
            break;
    }
    g_assert_cmpuint(frames.frames, ==, 0);
    {
        double guest[HAKO_N_DOMAIN_STATS] = {[HAKO_DOMAIN_STAT_CPU] = 87};
        double host[HAKO_N_HOST_STATS] = {0};

        _hako_domain_push_stats(domain, guest);
        _hako_host_push_stats(f->host, host);
        _hako_host_emit_stats_updated(f->host);
    }
    spin(500);
    g_assert_cmpuint(frames.frames, ==, 1);
    gtk_tree_view_convert_bin_window_to_widget_coords(
        f->tree_view, gtk_tree_view_column_get_x_offset(graph), 0, &graph_x, &unused);
    graph_right = graph_x + gtk_tree_view_column_get_width(graph);
    g_assert_cmpint(frames.clip.x, >=, graph_x);
    g_assert_cmpint(frames.clip.x + frames.clip.width, <=, graph_right);
    g_assert_true(frames.graph_rendered);
    g_assert_false(frames.name_rendered);
    g_assert_true(column_cells_visible(column_titled(f, "Name")));
    after = accessible_cell_text(f, 1, "Guest CPU");
    g_assert_cmpstr(after, ==, expected);

    /* The whole view: every column. */
    frames.frames = 0;
    gtk_widget_queue_draw(GTK_WIDGET(f->tree_view));
    spin(300);
    g_assert_cmpuint(frames.frames, >=, 1);
    g_assert_true(frames.name_rendered);
    g_assert_true(frames.graph_rendered);
    g_signal_handler_disconnect(f->tree_view, handler);
}

static void
test_not_polled_is_off(Fixture *f, gconstpointer data)
{
    HakoDomain *domain = first_guest(f);
    g_autofree char *cpu = hako_stats_format_percent(12);
    gboolean polled = TRUE;

    _hako_host_set_polled_stats(f->host, HAKO_STATS_POLL_CPU);
    push_figures(f, domain);

    assert_cell_text(f, "Guest CPU", domain, cpu);
    assert_cell_text(f, "Memory Usage", domain, "Off");
    assert_cell_text(f, "Disk I/O", domain, "Off");
    assert_cell_text(f, "Network I/O", domain, "Off");
    assert_cell_text(f, "Memory Usage", f->host, "Off");
    assert_cell_text(f, "Disk I/O", f->host, NULL);
    g_object_get(cell_for(f, "Disk I/O", domain, HAKO_TYPE_SPARKLINE_RENDERER), "polled", &polled,
                 NULL);
    g_assert_false(polled);
    g_object_get(cell_for(f, "Guest CPU", domain, HAKO_TYPE_SPARKLINE_RENDERER), "polled", &polled,
                 NULL);
    g_assert_true(polled);

    /* A host that is not connected shows no figures at all, polled or not. */
    hako_connection_manager_disconnect(f->manager, f->host);
    g_assert_true(wait_for(host_disconnected, f, 5000));
    assert_cell_text(f, "Guest CPU", f->host, NULL);
    assert_cell_text(f, "Memory Usage", f->host, NULL);
}

static void
test_column_settings(Fixture *f, gconstpointer data)
{
    GtkTreeViewColumn *disk = column_titled(f, "Disk I/O");
    GtkTreeViewColumn *ip = column_titled(f, "IP Address");
    g_autoptr(GVariant) state = NULL;

    g_settings_set_boolean(f->settings, "column-disk", FALSE);
    while (g_main_context_iteration(NULL, FALSE))
        ;
    g_assert_false(gtk_tree_view_column_get_visible(disk));

    g_settings_set_boolean(f->settings, "column-disk", TRUE);
    while (g_main_context_iteration(NULL, FALSE))
        ;
    g_assert_true(gtk_tree_view_column_get_visible(disk));
    state = g_action_group_get_action_state(G_ACTION_GROUP(f->window), "column-disk");
    g_assert_true(g_variant_get_boolean(state));

    /* The View menu's check item: its action toggles the key, and the key the column. */
    g_action_group_activate_action(G_ACTION_GROUP(f->window), "column-disk", NULL);
    while (g_main_context_iteration(NULL, FALSE))
        ;
    g_assert_false(g_settings_get_boolean(f->settings, "column-disk"));
    g_assert_false(gtk_tree_view_column_get_visible(disk));

    g_settings_set_boolean(f->settings, "column-ip", TRUE);
    while (g_main_context_iteration(NULL, FALSE))
        ;
    g_assert_true(gtk_tree_view_column_get_visible(ip));
    g_settings_reset(f->settings, "column-ip");
    g_settings_reset(f->settings, "column-disk");
}

static HakoDomain *
guest_at(Fixture *f, int index)
{
    GtkTreeModel *model = gtk_tree_view_get_model(f->tree_view);
    g_autoptr(GtkTreePath) path = gtk_tree_path_new_from_indices(0, index, -1);
    GtkTreeIter iter;

    g_assert_true(gtk_tree_model_get_iter(model, &iter, path));
    return HAKO_DOMAIN(hako_host_store_get_object(model, &iter));
}

static gboolean
first_has_thumbnail(Fixture *f)
{
    return hako_manager_window_get_thumbnail(f->window, first_guest(f)) != NULL;
}

/* The screen thumbnails column: off by default; shown, the running guests in the rows on screen
 * get a picture of their screen (the test driver's), scaled into the column's box; the guests
 * far below get none; hidden again, the pictures go. */
static void
test_thumbnails(Fixture *f, gconstpointer data)
{
    GtkTreeViewColumn *column = column_titled(f, "Screen");
    GdkPixbuf *pixbuf;

    g_assert_nonnull(column);
    g_assert_false(gtk_tree_view_column_get_visible(column));
    g_assert_cmpint(hako_domain_get_state(first_guest(f)), ==, HAKO_DOMAIN_STATE_RUNNING);
    g_assert_null(hako_manager_window_get_thumbnail(f->window, first_guest(f)));

    g_action_group_activate_action(G_ACTION_GROUP(f->window), "column-thumbnail", NULL);
    g_assert_true(g_settings_get_boolean(f->settings, "column-thumbnail"));
    g_assert_true(gtk_tree_view_column_get_visible(column));
    g_assert_true(wait_for(first_has_thumbnail, f, 10000));
    pixbuf = hako_manager_window_get_thumbnail(f->window, first_guest(f));
    g_assert_cmpint(gdk_pixbuf_get_width(pixbuf), <=, 96);
    g_assert_cmpint(gdk_pixbuf_get_height(pixbuf), <=, 54);
    g_assert_true(gdk_pixbuf_get_width(pixbuf) == 96 || gdk_pixbuf_get_height(pixbuf) == 54);
    {
        /* the rows grow to hold it */
        g_autoptr(GtkTreePath) path = gtk_tree_path_new_from_indices(0, 0, -1);
        GdkRectangle area;

        gtk_tree_view_get_cell_area(f->tree_view, path, column, &area);
        g_test_message("a guest's row with the column: %d px high", area.height);
        g_assert_cmpint(area.height, >=, 54);
    }
    /* 300 guests: the last rows are far below the window */
    g_assert_null(hako_manager_window_get_thumbnail(f->window, guest_at(f, N_GUESTS - 1)));

    g_settings_set_boolean(f->settings, "column-thumbnail", FALSE);
    while (g_main_context_iteration(NULL, FALSE))
        ;
    g_assert_false(gtk_tree_view_column_get_visible(column));
    g_assert_null(hako_manager_window_get_thumbnail(f->window, first_guest(f)));
    g_settings_reset(f->settings, "column-thumbnail");
}

static void
test_open_windows(Fixture *f, gconstpointer data)
{
    GActionGroup *actions = G_ACTION_GROUP(f->window);
    g_autoptr(GtkTreePath) guest_path = gtk_tree_path_new_from_indices(0, 0, -1);
    g_autoptr(GtkTreePath) host_path = gtk_tree_path_new_first();
    HakoDomain *domain = first_guest(f);
    HakoDetailsWindow *details;
    HakoHostWindow *host_window;

    /* A guest: Open shows its window; Connection Details that of its host. */
    gtk_tree_view_set_cursor(f->tree_view, guest_path, NULL, FALSE);
    g_assert_true(g_action_group_get_action_enabled(actions, "open"));
    g_assert_true(g_action_group_get_action_enabled(actions, "host-details"));
    g_action_group_activate_action(actions, "open", NULL);
    details = hako_details_window_lookup(domain);
    g_assert_nonnull(details);
    gtk_widget_destroy(GTK_WIDGET(details));
    g_action_group_activate_action(actions, "host-details", NULL);
    host_window = hako_host_window_lookup(f->host);
    g_assert_nonnull(host_window);
    gtk_widget_destroy(GTK_WIDGET(host_window));

    /* Double-click or Enter on a guest opens it too. */
    gtk_tree_view_row_activated(f->tree_view, guest_path, column_titled(f, "Name"));
    details = hako_details_window_lookup(domain);
    g_assert_nonnull(details);
    gtk_widget_destroy(GTK_WIDGET(details));

    /* A host: no guest to open. */
    gtk_tree_view_set_cursor(f->tree_view, host_path, NULL, FALSE);
    g_assert_false(g_action_group_get_action_enabled(actions, "open"));
    g_assert_true(g_action_group_get_action_enabled(actions, "host-details"));
    while (g_main_context_iteration(NULL, FALSE))
        ;
}

/* ---------------------------------------------------------------------------------------- */
/* Polling follows the rows on screen                                                        */

typedef struct {
    char *kind;
    HakoStatsPolled groups;
    GHashTable *names; /* NULL: every running guest */
} Request;

static void
request_free(gpointer data)
{
    Request *request = data;

    g_free(request->kind);
    g_clear_pointer(&request->names, g_hash_table_unref);
    g_free(request);
}

typedef struct {
    Fixture *f;
    GPtrArray *requests;
    guint from; /* for waits: the first request to look at */
    const char *kind;
    Request *found;
} Requests;

static void
request_cb(HakoStatsPoller *poller,
           const char *kind,
           HakoStatsPolled groups,
           const char *const *uuids,
           guint n_uuids,
           gpointer data)
{
    Requests *r = data;
    Request *request = g_new0(Request, 1);

    request->kind = g_strdup(kind);
    request->groups = groups;
    if (uuids != NULL) {
        HakoDomainList *list = hako_host_get_domains(r->f->host);

        request->names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        for (guint i = 0; i < n_uuids; i++)
            g_hash_table_add(request->names, g_strdup(hako_domain_get_name(
                                                 hako_domain_list_lookup(list, uuids[i]))));
    }
    g_ptr_array_add(r->requests, request);
}

static gboolean
request_seen(Fixture *f)
{
    Requests *r = g_object_get_data(G_OBJECT(f->window), "test-requests");

    for (guint i = r->from; i < r->requests->len; i++) {
        Request *request = g_ptr_array_index(r->requests, i);

        if (r->kind == NULL || g_str_equal(request->kind, r->kind)) {
            r->found = request;
            return TRUE;
        }
    }
    return FALSE;
}

/* The first request from @from on that is of @kind (any when NULL). */
static Request *
wait_request(Fixture *f, Requests *r, guint from, const char *kind, guint timeout_ms)
{
    r->from = from;
    r->kind = kind;
    r->found = NULL;
    return wait_for(request_seen, f, timeout_ms) ? r->found : NULL;
}

/* The names of the guests whose rows are on screen. */
static GHashTable *
names_on_screen(Fixture *f)
{
    GtkTreeModel *model = gtk_tree_view_get_model(f->tree_view);
    GHashTable *names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_autoptr(GtkTreePath) start = NULL;
    g_autoptr(GtkTreePath) end = NULL;
    GtkTreeIter host;
    GtkTreeIter guest;

    g_assert_true(gtk_tree_view_get_visible_range(f->tree_view, &start, &end));
    g_assert_true(gtk_tree_model_get_iter_first(model, &host));
    g_assert_true(gtk_tree_model_iter_children(model, &guest, &host));
    do {
        g_autoptr(GtkTreePath) path = gtk_tree_model_get_path(model, &guest);

        if (gtk_tree_path_compare(path, start) >= 0 && gtk_tree_path_compare(path, end) <= 0)
            g_hash_table_add(names, g_strdup(hako_domain_get_name(
                                        HAKO_DOMAIN(hako_host_store_get_object(model, &guest)))));
    } while (gtk_tree_model_iter_next(model, &guest));
    return names;
}

static void
assert_same_names(GHashTable *got, GHashTable *expected)
{
    GHashTableIter iter;
    gpointer name;

    g_assert_nonnull(got);
    g_hash_table_iter_init(&iter, expected);
    while (g_hash_table_iter_next(&iter, &name, NULL)) {
        if (!g_hash_table_contains(got, name))
            g_error("%s is on screen but was not asked for", (char *)name);
    }
    g_hash_table_iter_init(&iter, got);
    while (g_hash_table_iter_next(&iter, &name, NULL)) {
        if (!g_hash_table_contains(expected, name))
            g_error("%s was asked for but is not on screen", (char *)name);
    }
}

/* The fast ticks ask for the guests on screen only, with the groups of the columns shown;
 * scrolled or filtered, the guests that came into view are asked for at once, before the next
 * tick. */
static void
test_polls_rows_on_screen(Fixture *f, gconstpointer data)
{
    Requests r = {f, g_ptr_array_new_with_free_func(request_free), 0, NULL, NULL};
    HakoStatsPoller *poller = hako_connection_manager_get_stats_poller(f->manager, f->host);
    GtkAdjustment *vadjustment = gtk_scrollable_get_vadjustment(GTK_SCROLLABLE(f->tree_view));
    g_autoptr(GHashTable) before = NULL;
    g_autoptr(GHashTable) after = NULL;
    g_autoptr(GHashTable) came = NULL;
    GHashTableIter iter;
    gpointer name;
    Request *request;
    guint mark;

    g_assert_nonnull(poller);
    g_object_set_data(G_OBJECT(f->window), "test-requests", &r);
    _hako_stats_poller_set_request_func(poller, request_cb, &r);
    /* Fast ticks every 300 ms, no slow one during the test. */
    hako_connection_manager_set_stats_options(f->manager, 300,
                                              HAKO_STATS_POLL_CPU | HAKO_STATS_POLL_MEMORY |
                                                  HAKO_STATS_POLL_DISK | HAKO_STATS_POLL_NETWORK,
                                              120);
    hako_connection_manager_set_stats_slow_interval(f->manager, 600000);
    gtk_window_resize(GTK_WINDOW(f->window), 1000, 500);
    g_assert_nonnull(wait_request(f, &r, 0, "fast", 5000));
    /* A tick after the layout settled. */
    request = wait_request(f, &r, r.requests->len, "fast", 3000);
    g_assert_nonnull(request);
    before = names_on_screen(f);
    g_assert_cmpuint(g_hash_table_size(before), >, 3);
    g_assert_cmpuint(g_hash_table_size(before), <, N_GUESTS / 2);
    assert_same_names(request->names, before);
    /* The default columns: guest CPU, memory (disk and network are off by default). */
    g_assert_true(request->groups & HAKO_STATS_POLL_CPU);
    g_assert_false(request->groups & HAKO_STATS_POLL_DISK);

    /* Scrolled half-way down: the guests that came into view at once, alone. */
    mark = r.requests->len;
    gtk_adjustment_set_value(
        vadjustment,
        (gtk_adjustment_get_upper(vadjustment) - gtk_adjustment_get_page_size(vadjustment)) / 2);
    request = wait_request(f, &r, mark, NULL, 3000);
    g_assert_nonnull(request);
    g_assert_cmpstr(request->kind, ==, "extra");
    after = names_on_screen(f);
    came = g_hash_table_new(g_str_hash, g_str_equal);
    g_hash_table_iter_init(&iter, after);
    while (g_hash_table_iter_next(&iter, &name, NULL)) {
        if (!g_hash_table_contains(before, name))
            g_hash_table_add(came, name);
    }
    g_assert_cmpuint(g_hash_table_size(came), >, 0);
    assert_same_names(request->names, came);
    /* The next tick: the rows now on screen. */
    request = wait_request(f, &r, r.requests->len, "fast", 3000);
    g_assert_nonnull(request);
    assert_same_names(request->names, after);

    /* Filtered to "guest-29" (guest-290 to guest-299, not on screen before): those guests at
     * once, then the ticks ask for them alone. */
    mark = r.requests->len;
    gtk_entry_set_text(GTK_ENTRY(find_descendant(GTK_WIDGET(f->window), GTK_TYPE_SEARCH_ENTRY)),
                       "guest-29");
    request = wait_request(f, &r, mark, NULL, 3000);
    g_assert_nonnull(request);
    g_assert_cmpstr(request->kind, ==, "extra");
    g_clear_pointer(&before, g_hash_table_unref);
    before = names_on_screen(f);
    g_assert_cmpuint(g_hash_table_size(before), ==, 10);
    g_assert_true(g_hash_table_contains(before, "guest-295"));
    assert_same_names(request->names, before);
    request = wait_request(f, &r, r.requests->len, "fast", 3000);
    g_assert_nonnull(request);
    assert_same_names(request->names, before);
    gtk_entry_set_text(GTK_ENTRY(find_descendant(GTK_WIDGET(f->window), GTK_TYPE_SEARCH_ENTRY)),
                       "");

    /* The Disk I/O column shown: the ticks ask for disk figures too. */
    g_settings_set_boolean(f->settings, "column-disk", TRUE);
    request = wait_request(f, &r, r.requests->len + 1, "fast", 3000);
    g_assert_nonnull(request);
    g_assert_true(request->groups & HAKO_STATS_POLL_DISK);
    g_settings_reset(f->settings, "column-disk");

    _hako_stats_poller_set_request_func(poller, NULL, NULL);
    g_object_set_data(G_OBJECT(f->window), "test-requests", NULL);
    g_ptr_array_unref(r.requests);
}

int
main(int argc, char *argv[])
{
    int status;

    g_test_init(&argc, &argv, NULL);
    hako_engine_init();
    gtk_init(&argc, &argv);
    hako_ui_init();

    {
        g_autoptr(GError) error = NULL;

        shared_app =
            gtk_application_new("org.hako.Hako.TestManagerWindow", G_APPLICATION_NON_UNIQUE);
        g_application_register(G_APPLICATION(shared_app), NULL, &error);
        g_assert_no_error(error);
    }

    g_test_add("/ui/manager-window/batches-keep-the-view", Fixture, NULL, fixture_set_up,
               test_batches_keep_the_view, fixture_tear_down);
    g_test_add("/ui/manager-window/stats-columns", Fixture, NULL, fixture_set_up,
               test_stats_columns, fixture_tear_down);
    g_test_add("/ui/manager-window/tick-draws-graph-cells", Fixture, NULL, fixture_set_up,
               test_tick_draws_graph_cells, fixture_tear_down);
    g_test_add("/ui/manager-window/not-polled-is-off", Fixture, NULL, fixture_set_up,
               test_not_polled_is_off, fixture_tear_down);
    g_test_add("/ui/manager-window/column-settings", Fixture, NULL, fixture_set_up,
               test_column_settings, fixture_tear_down);
    g_test_add("/ui/manager-window/thumbnails", Fixture, NULL, fixture_set_up, test_thumbnails,
               fixture_tear_down);
    g_test_add("/ui/manager-window/open-windows", Fixture, NULL, fixture_set_up, test_open_windows,
               fixture_tear_down);
    g_test_add("/ui/manager-window/polls-rows-on-screen", Fixture, NULL, fixture_set_up,
               test_polls_rows_on_screen, fixture_tear_down);
    status = g_test_run();
    g_clear_object(&shared_app);
    return status;
}
