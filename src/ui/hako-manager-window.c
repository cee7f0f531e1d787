/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoManagerWindow: the main window, listing hosts and their guests with lifecycle actions. */
#include "config.h"

#include "hako-manager-window.h"

#include "hako-clone-dialog.h"
#include "hako-confirm.h"
#include "hako-delete-dialog.h"
#include "hako-details-window.h"
#include "hako-domain-ops.h"
#include "hako-figure-renderer.h"
#include "hako-guest-ops.h"
#include "hako-host-store.h"
#include "hako-host-window.h"
#include "hako-job.h"
#include "hako-sparkline-renderer.h"
#include "hako-trouble-bar.h"
#include "hako-widgets.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

struct _HakoManagerWindow {
    GtkApplicationWindow parent_instance;

    HakoConnectionManager *manager;
    HakoDomainOps *ops;
    GSettings *settings;
    GCancellable *cancellable;

    /* store -> filter (search) -> sort (guests by name) -> tree view */
    HakoHostStore *store;
    GtkTreeModel *filter;
    GtkTreeModel *sort;
    char *search_key;           /* casefolded search text, NULL when empty */
    GHashTable *collapsed_uris; /* URIs of the hosts the user collapsed */
    guint batch_depth;          /* inside the store's batch-begin/batch-end */
    GObject *batch_selected;    /* the selection to restore after a batch */
    GPtrArray *stats_hosts;     /* HakoHost, as in the manager's list: followed for redraws */
    guint watch_id;             /* idle: tell the poller which rows are on screen */

    /* The selected row: a guest (selected_domain) or a host (selected_host). */
    HakoDomain *selected_domain;
    HakoHost *selected_domain_host;
    char *save_folder; /* where the last Save to File… went: Restore from File… opens there */
    HakoHost *selected_host;

    GtkWidget *menubar;
    GtkWidget *guest_menu;
    GtkWidget *host_menu;

    /* Template children */
    GtkBox *main_box;
    GtkWidget *jobs_list;        /* the long jobs that run (HakoJob), below the guests */
    HakoTroubleBar *trouble_bar; /* what is wrong with the selected guest, below the errors */
    GMenuModel *menubar_model;
    GMenuModel *guest_menu_model;
    GMenuModel *host_menu_model;
    GMenuModel *shutdown_menu_model;
    GtkToolButton *run_button;
    GtkToolButton *pause_button;
    GtkToolButton *resume_button;
    GtkMenuToolButton *shutdown_button;
    GtkSearchEntry *search_entry;
    GtkInfoBar *info_bar;
    GtkLabel *info_label;
    GtkTreeView *tree_view;
    GtkTreeSelection *selection;
    GtkTreeViewColumn *name_column;
    GtkTreeViewColumn *state_column;
    GtkTreeViewColumn *vcpus_column;
    GtkTreeViewColumn *memory_column;
    GtkCellRenderer *name_renderer;
    GtkCellRenderer *state_icon_renderer;
    GtkCellRenderer *state_text_renderer;
    GtkCellRenderer *vcpus_renderer;
    GtkCellRenderer *memory_renderer;
    GtkTreeViewColumn *guest_cpu_column;
    GtkTreeViewColumn *host_cpu_column;
    GtkTreeViewColumn *memory_usage_column;
    GtkTreeViewColumn *disk_column;
    GtkTreeViewColumn *network_column;
    GtkTreeViewColumn *ip_column;
    GtkCellRenderer *guest_cpu_graph_renderer;
    GtkCellRenderer *guest_cpu_text_renderer;
    GtkCellRenderer *host_cpu_graph_renderer;
    GtkCellRenderer *host_cpu_text_renderer;
    GtkCellRenderer *memory_usage_graph_renderer;
    GtkCellRenderer *memory_usage_text_renderer;
    GtkCellRenderer *disk_graph_renderer;
    GtkCellRenderer *disk_text_renderer;
    GtkCellRenderer *network_graph_renderer;
    GtkCellRenderer *network_text_renderer;
    GtkCellRenderer *ip_renderer;
    GtkTreeViewColumn *thumbnail_column;
    GtkCellRenderer *thumbnail_renderer;
    GHashTable *thumbnails;         /* guest UUID → GdkPixbuf of its screen */
    GHashTable *thumbnails_pending; /* guest UUIDs whose picture is being taken */
    guint thumbnail_timer;
};

G_DEFINE_FINAL_TYPE(HakoManagerWindow, hako_manager_window, GTK_TYPE_APPLICATION_WINDOW)

enum { PROP_0, PROP_MANAGER, PROP_SETTINGS, N_PROPS };

static GParamSpec *properties[N_PROPS];

/* The window actions that act on the selected guest, and what each asks the engine for. */
static const struct {
    const char *name;
    HakoDomainAction action;
} domain_actions[] = {
    {"run", HAKO_DOMAIN_ACTION_RUN},
    {"pause", HAKO_DOMAIN_ACTION_PAUSE},
    {"resume", HAKO_DOMAIN_ACTION_RESUME},
    {"shutdown", HAKO_DOMAIN_ACTION_SHUTDOWN},
    {"reboot", HAKO_DOMAIN_ACTION_REBOOT},
    {"reset", HAKO_DOMAIN_ACTION_RESET},
    {"force-off", HAKO_DOMAIN_ACTION_FORCE_OFF},
    {"save", HAKO_DOMAIN_ACTION_SAVE},
};

/* The graph columns of the list, in the order of stats_columns[]. */
typedef enum {
    STATS_COLUMN_GUEST_CPU,
    STATS_COLUMN_HOST_CPU,
    STATS_COLUMN_MEMORY,
    STATS_COLUMN_DISK,
    STATS_COLUMN_NETWORK,
    N_STATS_COLUMNS,
} StatsColumn;

typedef enum { FIGURE_PERCENT, FIGURE_BYTES, FIGURE_RATE } FigureKind;

/* What each graph column draws for a guest row and for a host row. */
static const struct {
    const char *key; /* the GSettings key of its visibility, also its win. action */
    int stat;        /* HakoDomainStat */
    int second_stat; /* HakoDomainStat drawn under it and added to the figure, or -1 */
    int host_stat;   /* HakoHostStat of a host row, or -1 for a blank cell */
    FigureKind kind;
} stats_columns[N_STATS_COLUMNS] = {
    [STATS_COLUMN_GUEST_CPU] = {"column-guest-cpu", HAKO_DOMAIN_STAT_CPU, -1, HAKO_HOST_STAT_CPU,
                                FIGURE_PERCENT},
    [STATS_COLUMN_HOST_CPU] = {"column-host-cpu", HAKO_DOMAIN_STAT_CPU_HOST, -1, HAKO_HOST_STAT_CPU,
                               FIGURE_PERCENT},
    [STATS_COLUMN_MEMORY] = {"column-memory", HAKO_DOMAIN_STAT_MEMORY, -1, HAKO_HOST_STAT_MEMORY,
                             FIGURE_BYTES},
    [STATS_COLUMN_DISK] = {"column-disk", HAKO_DOMAIN_STAT_DISK_READ, HAKO_DOMAIN_STAT_DISK_WRITE,
                           -1, FIGURE_RATE},
    [STATS_COLUMN_NETWORK] = {"column-network", HAKO_DOMAIN_STAT_NET_RX, HAKO_DOMAIN_STAT_NET_TX,
                              -1, FIGURE_RATE},
};

static void update_actions(HakoManagerWindow *self);
static gboolean host_is_local(HakoHost *host);
static HakoMigrateFunc migrate_func; /* set by the wizards layer */
static GtkTreeViewColumn *stats_column(HakoManagerWindow *self, StatsColumn column);

/* ---------------------------------------------------------------------------------------- */
/* Errors                                                                                    */

/**
 * hako_manager_window_show_error:
 * @message: a complete sentence, as the engine's errors are
 *
 * Shows @message in the window's error bar until the user closes it or starts another action.
 */
void
hako_manager_window_show_error(HakoManagerWindow *self, const char *message)
{
    g_return_if_fail(HAKO_IS_MANAGER_WINDOW(self));
    g_return_if_fail(message != NULL);

    /* Template children are gone once the window is destroyed. */
    if (self->info_bar == NULL) {
        g_debug("Window already closed; dropping error: %s", message);
        return;
    }
    gtk_label_set_text(self->info_label, message);
    gtk_info_bar_set_revealed(self->info_bar, TRUE);
}

static void
hide_error(HakoManagerWindow *self)
{
    if (self->info_bar != NULL)
        gtk_info_bar_set_revealed(self->info_bar, FALSE);
}

static void
info_bar_response_cb(HakoManagerWindow *self, int response, GtkInfoBar *info_bar)
{
    if (response == GTK_RESPONSE_CLOSE)
        hide_error(self);
}

/* ---------------------------------------------------------------------------------------- */
/* Rows                                                                                      */

static GObject *
object_at_path(HakoManagerWindow *self, GtkTreePath *path)
{
    GtkTreeIter iter;

    if (path == NULL || !gtk_tree_model_get_iter(self->sort, &iter, path))
        return NULL;
    return hako_host_store_get_object(self->sort, &iter);
}

static GObject *
selected_object(HakoManagerWindow *self, GtkTreePath **out_path)
{
    GtkTreeModel *model;
    GtkTreeIter iter;

    if (self->selection == NULL || !gtk_tree_selection_get_selected(self->selection, &model, &iter))
        return NULL;
    if (out_path != NULL)
        *out_path = gtk_tree_model_get_path(model, &iter);
    return hako_host_store_get_object(model, &iter);
}

/* Whether the guests of @host can be acted on at all. */
static gboolean
host_is_usable(HakoHost *host)
{
    return host != NULL && hako_host_is_connected(host) && !hako_host_get_read_only(host);
}

/* Whether the host of @domain is connected, so that its row is drawn normally. */
static gboolean
domain_host_connected(HakoDomain *domain)
{
    HakoHost *host = hako_domain_get_host(domain);

    return host != NULL && hako_host_is_connected(host);
}

/* A guest's name, or "" while the engine has not filled it in yet. */
static const char *
domain_name(HakoDomain *domain)
{
    const char *name = hako_domain_get_name(domain);

    return name != NULL ? name : "";
}

/* libvirt messages can span lines; a list row shows one. */
static char *
single_line(const char *text)
{
    return g_strstrip(g_strdelimit(g_strdup(text), "\r\n\t", ' '));
}

/*
 * Cell data, cheaply. For every row it draws, GtkTreeView sets the data of every column's cells
 * (all of them, before it looks at which columns need drawing), then again for the columns it
 * draws: about 27 data functions a row, 800 a tick for 30 rows whose graphs move. So:
 *
 * - the row's object is looked up through the sort and filter models once per row while the
 *   view draws (row_object()), not once per cell;
 * - a text or icon is set on a renderer only when it differs from what the renderer already
 *   holds (most rows show the same vCPUs, memory, state, "0 bytes/s"...), since each
 *   g_object_set() copies values and emits notifications.
 */
static struct {
    gboolean active; /* only while a view draws: the models cannot change meanwhile */
    GtkTreeModel *model;
    GtkTreeIter iter;
    GObject *object; /* borrowed: its row holds it */
} row_cache;

static GObject *
row_object(GtkTreeModel *model, GtkTreeIter *iter)
{
    GObject *object;

    if (row_cache.active && row_cache.model == model && row_cache.iter.stamp == iter->stamp &&
        row_cache.iter.user_data == iter->user_data &&
        row_cache.iter.user_data2 == iter->user_data2 &&
        row_cache.iter.user_data3 == iter->user_data3)
        return row_cache.object;
    object = hako_host_store_get_object(model, iter);
    if (row_cache.active) {
        row_cache.model = model;
        row_cache.iter = *iter;
        row_cache.object = object;
    }
    return object;
}

/*
 * Columns a frame does not touch. GtkTreeView (3.24) renders every visible column of each row
 * within what it draws, also the columns that lie wholly outside it, whose pixels are then
 * clipped away: a tick that draws the graph columns alone would render the name, state, vCPUs
 * and memory of every row as well, half the cells, and the dearest (GtkCellRendererText shapes
 * its text anew each time). So while the view draws, the renderers of those columns are
 * invisible, which GtkCellArea skips, and their data functions return at once (column_skipped()).
 * Nothing else sees them so: the view does not measure rows again (fixed heights), and what
 * screen readers and size requests ask for is asked outside drawing.
 */
static GQuark skip_quark;
static GPtrArray *skipped_cells; /* the renderers made invisible for the frame */
static GPtrArray *skipped_columns;

static gboolean
column_skipped(GtkTreeViewColumn *column)
{
    return row_cache.active && skipped_columns != NULL && skipped_columns->len > 0 &&
           g_object_get_qdata(G_OBJECT(column), skip_quark) != NULL;
}

static void
skip_columns_outside(GtkTreeView *view, cairo_t *cr)
{
    GdkRectangle clip;
    GList *columns;
    int x, y;

    if (!gdk_cairo_get_clip_rectangle(cr, &clip))
        return;
    gtk_tree_view_convert_widget_to_bin_window_coords(view, clip.x, clip.y, &x, &y);
    columns = gtk_tree_view_get_columns(view);
    for (GList *l = columns; l != NULL; l = l->next) {
        GtkTreeViewColumn *column = l->data;
        int offset = gtk_tree_view_column_get_x_offset(column);
        GList *cells;

        if (!gtk_tree_view_column_get_visible(column) ||
            (offset < x + clip.width && offset + gtk_tree_view_column_get_width(column) > x))
            continue;
        g_object_set_qdata(G_OBJECT(column), skip_quark, GINT_TO_POINTER(TRUE));
        g_ptr_array_add(skipped_columns, column);
        cells = gtk_cell_layout_get_cells(GTK_CELL_LAYOUT(column));
        for (GList *c = cells; c != NULL; c = c->next)
            if (gtk_cell_renderer_get_visible(c->data)) {
                gtk_cell_renderer_set_visible(c->data, FALSE);
                g_ptr_array_add(skipped_cells, c->data);
            }
        g_list_free(cells);
    }
    g_list_free(columns);
}

static void
unskip_columns(void)
{
    for (guint i = 0; i < skipped_cells->len; i++)
        gtk_cell_renderer_set_visible(skipped_cells->pdata[i], TRUE);
    for (guint i = 0; i < skipped_columns->len; i++)
        g_object_set_qdata(skipped_columns->pdata[i], skip_quark, NULL);
    g_ptr_array_set_size(skipped_cells, 0);
    g_ptr_array_set_size(skipped_columns, 0);
}

static gboolean
view_draw_begin_cb(GtkWidget *widget, cairo_t *cr, gpointer data)
{
    if (skip_quark == 0) {
        skip_quark = g_quark_from_static_string("hako-skip-column");
        skipped_cells = g_ptr_array_new();
        skipped_columns = g_ptr_array_new();
    }
    row_cache.active = TRUE;
    row_cache.model = NULL;
    skip_columns_outside(GTK_TREE_VIEW(widget), cr);
    return GDK_EVENT_PROPAGATE;
}

static gboolean
view_draw_end_cb(GtkWidget *widget, cairo_t *cr, gpointer data)
{
    unskip_columns();
    row_cache.active = FALSE;
    row_cache.model = NULL;
    return GDK_EVENT_PROPAGATE;
}

/* What a renderer was last given by set_cell_text() and friends. */
typedef struct {
    gboolean has_text;
    char *text;
    int sensitive; /* -1: not set here */
    gboolean has_icon;
    char *icon;
    int visible; /* -1: not set here */
} CellShadow;

static void
cell_shadow_free(gpointer data)
{
    CellShadow *shadow = data;

    g_free(shadow->text);
    g_free(shadow->icon);
    g_free(shadow);
}

static CellShadow *
cell_shadow(GtkCellRenderer *cell)
{
    static GQuark quark;
    CellShadow *shadow;

    if (quark == 0)
        quark = g_quark_from_static_string("hako-cell-shadow");
    shadow = g_object_get_qdata(G_OBJECT(cell), quark);
    if (shadow == NULL) {
        shadow = g_new0(CellShadow, 1);
        shadow->sensitive = -1;
        shadow->visible = -1;
        g_object_set_qdata_full(G_OBJECT(cell), quark, shadow, cell_shadow_free);
    }
    return shadow;
}

/* Sets the string property @name of @cell to @value unless its shadow says it holds it. */
static void
set_shadowed_string(
    GtkCellRenderer *cell, const char *name, gboolean *has, char **shadowed, const char *value)
{
    if (*has && g_strcmp0(*shadowed, value) == 0)
        return;
    g_object_set(cell, name, value, NULL);
    g_free(*shadowed);
    *shadowed = g_strdup(value);
    *has = TRUE;
}

/* Sets a text renderer's "text", and its "sensitive" unless @sensitive is -1, when they
 * change. Whoever else sets them puts them back as they were (widest_text()). */
static void
set_cell_text(GtkCellRenderer *cell, const char *text, int sensitive)
{
    CellShadow *shadow = cell_shadow(cell);

    set_shadowed_string(cell, "text", &shadow->has_text, &shadow->text, text);
    if (sensitive >= 0 && shadow->sensitive != sensitive) {
        gtk_cell_renderer_set_sensitive(cell, sensitive);
        shadow->sensitive = sensitive;
    }
}

/* The same for an icon renderer's "icon-name", "visible" and "sensitive". */
static void
set_cell_icon(GtkCellRenderer *cell, const char *icon, gboolean visible, int sensitive)
{
    CellShadow *shadow = cell_shadow(cell);

    set_shadowed_string(cell, "icon-name", &shadow->has_icon, &shadow->icon, icon);
    if (shadow->visible != visible) {
        gtk_cell_renderer_set_visible(cell, visible);
        shadow->visible = visible;
    }
    if (sensitive >= 0 && shadow->sensitive != sensitive) {
        gtk_cell_renderer_set_sensitive(cell, sensitive);
        shadow->sensitive = sensitive;
    }
}

static void
name_data_func(GtkTreeViewColumn *column,
               GtkCellRenderer *cell,
               GtkTreeModel *model,
               GtkTreeIter *iter,
               gpointer user_data)
{
    GObject *object = row_object(model, iter);

    if (column_skipped(column))
        return;
    if (HAKO_IS_HOST(object)) {
        HakoHost *host = HAKO_HOST(object);
        const char *error = hako_host_get_last_error(host);
        g_autofree char *state = NULL;
        g_autofree char *label = NULL;
        g_autofree char *status = NULL;
        g_autofree char *markup = NULL;

        switch (hako_host_get_state(host)) {
        case HAKO_HOST_STATE_CONNECTING:
            /* Translators: shown after a host's name while Hako connects to it */
            state = g_strdup(_("Connecting…"));
            break;
        case HAKO_HOST_STATE_DISCONNECTED:
            if (error != NULL && *error != '\0') {
                g_autofree char *line = single_line(error);
                /* Translators: shown after a host's name; %s is why connecting failed */
                state = g_strdup_printf(_("Not connected: %s"), line);
            } else {
                /* Translators: shown after a host's name */
                state = g_strdup(_("Disconnected"));
            }
            break;
        case HAKO_HOST_STATE_CONNECTED:
        default:
            if (hako_host_get_read_only(host))
                /* Translators: shown after a host's name when it was opened read-only */
                state = g_strdup(_("Read-only"));
            break;
        }

        label = g_markup_printf_escaped("<b>%s</b>", hako_host_get_label(host));
        if (state != NULL) {
            status = g_markup_printf_escaped("<span alpha=\"55%%\">%s</span>", state);
            /* Translators: a host's name, a dash, then its state: "QEMU/KVM — Connecting…" */
            markup = g_strdup_printf(_("%s — %s"), label, status);
        } else {
            markup = g_steal_pointer(&label);
        }
        g_object_set(cell, "markup", markup, "sensitive", TRUE, NULL);
    } else if (HAKO_IS_DOMAIN(object)) {
        HakoDomain *domain = HAKO_DOMAIN(object);

        g_object_set(cell, "text", hako_domain_get_name(domain), "sensitive",
                     domain_host_connected(domain), NULL);
    } else {
        g_object_set(cell, "text", NULL, NULL);
    }
}

static void
state_icon_data_func(GtkTreeViewColumn *column,
                     GtkCellRenderer *cell,
                     GtkTreeModel *model,
                     GtkTreeIter *iter,
                     gpointer user_data)
{
    GObject *object = row_object(model, iter);

    if (column_skipped(column))
        return;
    if (HAKO_IS_DOMAIN(object)) {
        HakoDomain *domain = HAKO_DOMAIN(object);

        set_cell_icon(cell, hako_domain_state_to_icon_name(hako_domain_get_state(domain)), TRUE,
                      domain_host_connected(domain));
    } else {
        set_cell_icon(cell, NULL, FALSE, -1);
    }
}

static void
state_text_data_func(GtkTreeViewColumn *column,
                     GtkCellRenderer *cell,
                     GtkTreeModel *model,
                     GtkTreeIter *iter,
                     gpointer user_data)
{
    GObject *object = row_object(model, iter);

    if (column_skipped(column))
        return;
    if (HAKO_IS_DOMAIN(object)) {
        HakoDomain *domain = HAKO_DOMAIN(object);

        const char *trouble = hako_guest_trouble_summary(hako_domain_get_trouble(domain));

        set_cell_text(cell,
                      trouble != NULL ? trouble
                                      : hako_domain_state_to_string(hako_domain_get_state(domain)),
                      domain_host_connected(domain));
    } else {
        set_cell_text(cell, NULL, -1);
    }
}

static void
vcpus_data_func(GtkTreeViewColumn *column,
                GtkCellRenderer *cell,
                GtkTreeModel *model,
                GtkTreeIter *iter,
                gpointer user_data)
{
    GObject *object = row_object(model, iter);
    guint vcpus = HAKO_IS_DOMAIN(object) ? hako_domain_get_vcpus(HAKO_DOMAIN(object)) : 0;
    char text[16] = "";

    if (column_skipped(column))
        return;
    if (vcpus > 0)
        g_snprintf(text, sizeof text, "%u", vcpus);
    set_cell_text(cell, text, HAKO_IS_DOMAIN(object) && domain_host_connected(HAKO_DOMAIN(object)));
}

static void
memory_data_func(GtkTreeViewColumn *column,
                 GtkCellRenderer *cell,
                 GtkTreeModel *model,
                 GtkTreeIter *iter,
                 gpointer user_data)
{
    GObject *object;
    guint64 memory;
    g_autofree char *text = NULL;

    if (column_skipped(column))
        return;
    object = row_object(model, iter);
    memory = HAKO_IS_DOMAIN(object) ? hako_domain_get_memory(HAKO_DOMAIN(object)) : 0;
    if (memory > 0)
        text = hako_format_memory(memory);
    set_cell_text(cell, text, HAKO_IS_DOMAIN(object) && domain_host_connected(HAKO_DOMAIN(object)));
}

/* What a graph cell shows: nothing (blank), "Off" (not polled), or a graph and a figure. */
typedef struct {
    gboolean blank;
    gboolean polled;
    HakoStatsHistory *history; /* borrowed */
    HakoStatsHistory *second;  /* borrowed, or NULL */
    double maximum;            /* 0: scale to the data */
    double value;              /* the latest figure, NAN when there is none */
} Figure;

/* The sum of two latest figures, either of which may be missing (NAN). */
static double
add_figures(double a, double b)
{
    if (isnan(a))
        return b;
    if (isnan(b))
        return a;
    return a + b;
}

static void
row_figure(GObject *object, StatsColumn column, Figure *figure)
{
    HakoHost *host = NULL;
    HakoStatsPolled polled = hako_domain_stat_polled_by(stats_columns[column].stat);

    memset(figure, 0, sizeof *figure);
    figure->blank = TRUE;
    figure->value = NAN;

    if (HAKO_IS_DOMAIN(object))
        host = hako_domain_get_host(HAKO_DOMAIN(object));
    else if (HAKO_IS_HOST(object))
        host = HAKO_HOST(object);
    /* A host that is not connected has no figures to show, nor a poller to ask for them. */
    if (host == NULL || !hako_host_is_connected(host))
        return;

    if (HAKO_IS_DOMAIN(object)) {
        HakoDomain *domain = HAKO_DOMAIN(object);
        int second = stats_columns[column].second_stat;

        figure->history = hako_domain_get_stats_history(domain, stats_columns[column].stat);
        figure->value = hako_domain_get_stat(domain, stats_columns[column].stat);
        if (second >= 0) {
            figure->second = hako_domain_get_stats_history(domain, second);
            figure->value = add_figures(figure->value, hako_domain_get_stat(domain, second));
        }
        if (column == STATS_COLUMN_MEMORY) {
            /* The model counts memory in KiB, the graph in bytes. */
            guint64 kib = hako_domain_get_max_memory(domain);

            if (kib == 0)
                kib = hako_domain_get_memory(domain);
            figure->maximum = (double)kib * 1024.0;
        }
    } else {
        int host_stat = stats_columns[column].host_stat;

        if (host_stat < 0)
            return;
        figure->history = hako_host_get_stats_history(host, host_stat);
        figure->value = hako_host_get_stat(host, host_stat);
        if (column == STATS_COLUMN_MEMORY)
            figure->maximum = (double)hako_host_get_memory_total(host);
    }
    figure->blank = FALSE;
    figure->polled = (hako_host_get_polled_stats(host) & polled) != 0;
}

static void
graph_data_func(GtkTreeViewColumn *column,
                GtkCellRenderer *cell,
                GtkTreeModel *model,
                GtkTreeIter *iter,
                gpointer user_data)
{
    StatsColumn which = GPOINTER_TO_UINT(user_data);
    Figure figure;

    if (column_skipped(column))
        return;
    row_figure(row_object(model, iter), which, &figure);
    hako_sparkline_renderer_set_figure(
        HAKO_SPARKLINE_RENDERER(cell), figure.blank ? NULL : figure.history,
        figure.blank ? NULL : figure.second, figure.maximum, !figure.blank && figure.polled);
}

static char *
format_figure(FigureKind kind, double value)
{
    switch (kind) {
    case FIGURE_BYTES:
        return hako_stats_format_bytes(value);
    case FIGURE_RATE:
        return hako_stats_format_rate(value);
    case FIGURE_PERCENT:
    default:
        return hako_stats_format_percent(value);
    }
}

/* The latest figure as text, so that it can be read (and screen readers can read it). */
static void
figure_text_data_func(GtkTreeViewColumn *column,
                      GtkCellRenderer *cell,
                      GtkTreeModel *model,
                      GtkTreeIter *iter,
                      gpointer user_data)
{
    StatsColumn which = GPOINTER_TO_UINT(user_data);
    g_autofree char *text = NULL;
    Figure figure;

    if (column_skipped(column))
        return;
    row_figure(row_object(model, iter), which, &figure);
    if (figure.blank)
        text = NULL;
    else if (!figure.polled)
        /* Translators: a list cell of a figure that Hako does not poll (see Preferences) */
        text = g_strdup(C_("figure", "Off"));
    else if (!isnan(figure.value))
        text = format_figure(stats_columns[which].kind, figure.value);
    set_cell_text(cell, text, -1);
}

static void
ip_data_func(GtkTreeViewColumn *column,
             GtkCellRenderer *cell,
             GtkTreeModel *model,
             GtkTreeIter *iter,
             gpointer user_data)
{
    GObject *object;
    const char *const *addresses = NULL;
    g_autofree char *text = NULL;

    if (column_skipped(column))
        return;
    if (!gtk_tree_view_column_get_visible(column))
        return;
    object = row_object(model, iter);
    if (HAKO_IS_DOMAIN(object) && domain_host_connected(HAKO_DOMAIN(object)))
        addresses = hako_domain_get_addresses(HAKO_DOMAIN(object));
    if (addresses != NULL)
        text = g_strjoinv(", ", (char **)addresses);
    set_cell_text(cell, text, -1);
}

/* Calls @func for each row on screen, in view order (into an expanded host's guests, else on,
 * else up and on), without walking the rows above or below. */
typedef void (*RowOnScreenFunc)(HakoManagerWindow *self,
                                GObject *object,
                                GtkTreePath *path,
                                gpointer data);

static void
foreach_row_on_screen(HakoManagerWindow *self, RowOnScreenFunc func, gpointer data)
{
    g_autoptr(GtkTreePath) start = NULL;
    g_autoptr(GtkTreePath) end = NULL;
    GtkTreeIter iter;

    if (self->tree_view == NULL || self->sort == NULL ||
        !gtk_tree_view_get_visible_range(self->tree_view, &start, &end) ||
        !gtk_tree_model_get_iter(self->sort, &iter, start))
        return;
    for (;;) {
        g_autoptr(GtkTreePath) path = gtk_tree_model_get_path(self->sort, &iter);
        gboolean last = gtk_tree_path_compare(path, end) >= 0;
        GtkTreeIter next;

        func(self, hako_host_store_get_object(self->sort, &iter), path, data);
        if (last)
            break;
        if (gtk_tree_view_row_expanded(self->tree_view, path) &&
            gtk_tree_model_iter_children(self->sort, &next, &iter)) {
            iter = next;
            continue;
        }
        next = iter;
        if (gtk_tree_model_iter_next(self->sort, &next)) {
            iter = next;
            continue;
        }
        if (!gtk_tree_model_iter_parent(self->sort, &next, &iter))
            break;
        iter = next;
        if (!gtk_tree_model_iter_next(self->sort, &iter))
            break;
    }
}

/* ---------------------------------------------------------------------------------------- */
/* What the list watches                                                                     */

/*
 * The guests whose rows are on screen are polled at the fast rate, with the groups of the
 * graph columns shown; the others slowly. Scrolling, a search, a resize, a host expanded or
 * collapsed, a column shown or hidden change the set at once (after the frame that moved the
 * rows, so the range is the new one); the poller fetches the new guests without waiting for
 * its next tick.
 */

static void
watch_row(HakoManagerWindow *self, GObject *object, GtkTreePath *path, gpointer data)
{
    if (HAKO_IS_DOMAIN(object))
        g_ptr_array_add(data, object);
}

static gboolean
update_watched(gpointer data)
{
    HakoManagerWindow *self = data;
    g_autoptr(GPtrArray) domains = g_ptr_array_new();
    HakoStatsPolled groups = HAKO_STATS_POLL_NONE;
    GdkWindow *window = gtk_widget_get_window(GTK_WIDGET(self));

    self->watch_id = 0;
    if (self->manager == NULL)
        return G_SOURCE_REMOVE;
    if (gtk_widget_get_mapped(GTK_WIDGET(self)) && window != NULL &&
        !(gdk_window_get_state(window) & GDK_WINDOW_STATE_ICONIFIED))
        foreach_row_on_screen(self, watch_row, domains);
    for (guint i = 0; i < N_STATS_COLUMNS && self->tree_view != NULL; i++) {
        if (!gtk_tree_view_column_get_visible(stats_column(self, i)))
            continue;
        groups |= hako_domain_stat_polled_by(stats_columns[i].stat);
        if (stats_columns[i].second_stat >= 0)
            groups |= hako_domain_stat_polled_by(stats_columns[i].second_stat);
    }
    hako_connection_manager_set_watched(self->manager, self, domains, groups);
    return G_SOURCE_REMOVE;
}

static void
schedule_watch_update(HakoManagerWindow *self)
{
    if (self->watch_id == 0 && self->manager != NULL)
        self->watch_id = g_idle_add_full(G_PRIORITY_DEFAULT_IDLE, update_watched, self, NULL);
}

static gboolean
watch_window_state_cb(HakoManagerWindow *self, GdkEventWindowState *event, GtkWidget *widget)
{
    if (event->changed_mask & GDK_WINDOW_STATE_ICONIFIED)
        schedule_watch_update(self);
    return GDK_EVENT_PROPAGATE;
}

static void
follow_rows_on_screen(HakoManagerWindow *self)
{
    GtkAdjustment *vadjustment = gtk_scrollable_get_vadjustment(GTK_SCROLLABLE(self->tree_view));

    if (vadjustment != NULL)
        g_signal_connect_object(vadjustment, "value-changed", G_CALLBACK(schedule_watch_update),
                                self, G_CONNECT_SWAPPED);
    g_signal_connect_object(self->tree_view, "size-allocate", G_CALLBACK(schedule_watch_update),
                            self, G_CONNECT_SWAPPED);
    g_signal_connect_object(self->tree_view, "row-expanded", G_CALLBACK(schedule_watch_update),
                            self, G_CONNECT_SWAPPED);
    g_signal_connect_object(self->tree_view, "row-collapsed", G_CALLBACK(schedule_watch_update),
                            self, G_CONNECT_SWAPPED);
    for (guint i = 0; i < N_STATS_COLUMNS; i++)
        g_signal_connect_object(stats_column(self, i), "notify::visible",
                                G_CALLBACK(schedule_watch_update), self, G_CONNECT_SWAPPED);
    g_signal_connect(self, "map", G_CALLBACK(schedule_watch_update), NULL);
    g_signal_connect(self, "unmap", G_CALLBACK(schedule_watch_update), NULL);
    g_signal_connect(self, "window-state-event", G_CALLBACK(watch_window_state_cb), NULL);
}

/* ---------------------------------------------------------------------------------------- */
/* Screen thumbnails                                                                         */

#define THUMBNAIL_WIDTH 96
#define THUMBNAIL_HEIGHT 54
#define THUMBNAIL_INTERVAL_S 5

static gboolean
thumbnail_shown_for(HakoDomain *domain)
{
    HakoDomainState state = hako_domain_get_state(domain);

    return domain_host_connected(domain) &&
           (state == HAKO_DOMAIN_STATE_RUNNING || state == HAKO_DOMAIN_STATE_BLOCKED ||
            state == HAKO_DOMAIN_STATE_PAUSED);
}

static void
thumbnail_data_func(GtkTreeViewColumn *column,
                    GtkCellRenderer *cell,
                    GtkTreeModel *model,
                    GtkTreeIter *iter,
                    gpointer user_data)
{
    HakoManagerWindow *self = user_data;
    GObject *object;
    GdkPixbuf *pixbuf = NULL;

    if (column_skipped(column))
        return;
    /* The view sets every column's cells, shown or not, for each row it draws. */
    if (!gtk_tree_view_column_get_visible(column))
        return;
    object = row_object(model, iter);
    if (HAKO_IS_DOMAIN(object) && thumbnail_shown_for(HAKO_DOMAIN(object)))
        pixbuf = g_hash_table_lookup(self->thumbnails, hako_domain_get_uuid(HAKO_DOMAIN(object)));
    g_object_set(cell, "pixbuf", pixbuf, NULL);
}

/* Decodes a screenshot and scales it into the thumbnail's box, on a worker thread. */
static void
decode_thumbnail_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    GBytes *bytes = data;
    g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new();
    GError *error = NULL;
    GdkPixbuf *full;
    int width, height;
    double scale;

    if (!gdk_pixbuf_loader_write_bytes(loader, bytes, &error) ||
        !gdk_pixbuf_loader_close(loader, &error)) {
        g_task_return_error(task, error);
        return;
    }
    full = gdk_pixbuf_loader_get_pixbuf(loader);
    width = gdk_pixbuf_get_width(full);
    height = gdk_pixbuf_get_height(full);
    scale = MIN((double)THUMBNAIL_WIDTH / width, (double)THUMBNAIL_HEIGHT / height);
    g_task_return_pointer(task,
                          gdk_pixbuf_scale_simple(full, MAX(1, (int)(width * scale)),
                                                  MAX(1, (int)(height * scale)),
                                                  GDK_INTERP_BILINEAR),
                          g_object_unref);
}

typedef struct {
    GWeakRef window;
    char *uuid;
} ThumbnailRequest;

static void
thumbnail_request_free(ThumbnailRequest *request)
{
    g_weak_ref_clear(&request->window);
    g_free(request->uuid);
    g_free(request);
}

static void
thumbnail_decoded_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    ThumbnailRequest *request = user_data;
    g_autoptr(HakoManagerWindow) self = g_weak_ref_get(&request->window);
    g_autoptr(GdkPixbuf) pixbuf = g_task_propagate_pointer(G_TASK(result), NULL);

    if (self != NULL && self->thumbnails != NULL && self->tree_view != NULL) {
        g_hash_table_remove(self->thumbnails_pending, request->uuid);
        if (pixbuf != NULL)
            g_hash_table_replace(self->thumbnails, g_strdup(request->uuid),
                                 g_steal_pointer(&pixbuf));
        else
            g_hash_table_remove(self->thumbnails, request->uuid);
        gtk_widget_queue_draw(GTK_WIDGET(self->tree_view));
    }
    thumbnail_request_free(request);
}

static void
thumbnail_taken_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    ThumbnailRequest *request = user_data;
    g_autoptr(HakoManagerWindow) self = g_weak_ref_get(&request->window);
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) bytes =
        hako_domain_ops_screenshot_finish(HAKO_DOMAIN_OPS(source), result, NULL, &error);
    g_autoptr(GTask) task = NULL;

    if (self == NULL || self->thumbnails == NULL || bytes == NULL) {
        if (self != NULL && self->thumbnails != NULL) {
            g_debug("No thumbnail of %s: %s", request->uuid, error->message);
            g_hash_table_remove(self->thumbnails_pending, request->uuid);
            g_hash_table_remove(self->thumbnails, request->uuid);
        }
        thumbnail_request_free(request);
        return;
    }
    task = g_task_new(NULL, NULL, thumbnail_decoded_cb, request);
    g_task_set_task_data(task, g_steal_pointer(&bytes), (GDestroyNotify)g_bytes_unref);
    g_task_run_in_thread(task, decode_thumbnail_thread);
}

static void
take_thumbnail(HakoManagerWindow *self, GObject *object, GtkTreePath *path, gpointer data)
{
    const char *uuid;
    ThumbnailRequest *request;

    if (!HAKO_IS_DOMAIN(object) || !thumbnail_shown_for(HAKO_DOMAIN(object)))
        return;
    uuid = hako_domain_get_uuid(HAKO_DOMAIN(object));
    if (g_hash_table_contains(self->thumbnails_pending, uuid))
        return;
    g_hash_table_add(self->thumbnails_pending, g_strdup(uuid));
    request = g_new0(ThumbnailRequest, 1);
    g_weak_ref_init(&request->window, self);
    request->uuid = g_strdup(uuid);
    hako_domain_ops_screenshot_async(self->ops, HAKO_DOMAIN(object), self->cancellable,
                                     thumbnail_taken_cb, request);
}

/* Takes new pictures of the running guests in the rows on screen, while the column shows. */
static gboolean
refresh_thumbnails(gpointer data)
{
    HakoManagerWindow *self = data;

    if (self->tree_view != NULL && gtk_tree_view_column_get_visible(self->thumbnail_column) &&
        gtk_widget_get_mapped(GTK_WIDGET(self->tree_view)))
        foreach_row_on_screen(self, take_thumbnail, NULL);
    return G_SOURCE_CONTINUE;
}

static gboolean
refresh_thumbnails_once(gpointer data)
{
    refresh_thumbnails(data);
    return G_SOURCE_REMOVE;
}

static void
thumbnail_column_visible_cb(HakoManagerWindow *self)
{
    /* at once, once the view has laid out its rows with the column */
    if (gtk_tree_view_column_get_visible(self->thumbnail_column))
        g_idle_add_full(G_PRIORITY_LOW, refresh_thumbnails_once, g_object_ref(self),
                        g_object_unref);
    else
        g_hash_table_remove_all(self->thumbnails);
}

static void
start_thumbnails(HakoManagerWindow *self)
{
    g_autoptr(GAction) action = g_settings_create_action(self->settings, "column-thumbnail");

    self->thumbnails = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_object_unref);
    self->thumbnails_pending = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_signal_connect_object(self->thumbnail_column, "notify::visible",
                            G_CALLBACK(thumbnail_column_visible_cb), self, G_CONNECT_SWAPPED);
    g_settings_bind(self->settings, "column-thumbnail", self->thumbnail_column, "visible",
                    G_SETTINGS_BIND_GET);
    g_action_map_add_action(G_ACTION_MAP(self), action);
    self->thumbnail_timer = g_timeout_add_seconds(THUMBNAIL_INTERVAL_S, refresh_thumbnails, self);
}

/**
 * hako_manager_window_get_thumbnail:
 *
 * Returns: (transfer none) (nullable): the latest picture of @domain's screen in the list.
 */
GdkPixbuf *
hako_manager_window_get_thumbnail(HakoManagerWindow *self, HakoDomain *domain)
{
    g_return_val_if_fail(HAKO_IS_MANAGER_WINDOW(self), NULL);
    g_return_val_if_fail(HAKO_IS_DOMAIN(domain), NULL);

    return g_hash_table_lookup(self->thumbnails, hako_domain_get_uuid(domain));
}

/* ---------------------------------------------------------------------------------------- */
/* Column widths                                                                             */

/* The widest of @samples in a text renderer, as the view would lay it out. */
static int
widest_text(GtkWidget *widget, GtkCellRenderer *renderer, GPtrArray *samples)
{
    g_autofree char *saved = NULL;
    int widest = 0;

    g_object_get(renderer, "text", &saved, NULL);
    for (guint i = 0; i < samples->len; i++) {
        int minimum, natural;

        g_object_set(renderer, "text", g_ptr_array_index(samples, i), NULL);
        gtk_cell_renderer_get_preferred_width(renderer, widget, &minimum, &natural);
        widest = MAX(widest, natural);
    }
    g_object_set(renderer, "text", saved, NULL);
    return widest;
}

static int
renderer_width(GtkWidget *widget, GtkCellRenderer *renderer)
{
    int minimum, natural;

    gtk_cell_renderer_get_preferred_width(renderer, widget, &minimum, &natural);
    return natural;
}

/*
 * Gives @column a fixed width: its cells (@content, the renderers' widths with the column's
 * spacing) or its title, whichever is wider, and no less than its minimum width.
 */
static void
fix_column_width(GtkTreeView *tree_view, GtkTreeViewColumn *column, int content)
{
    GtkWidget *button = gtk_tree_view_column_get_button(column);
    int separator = 0, minimum = 0, natural = 0, width;

    gtk_widget_style_get(GTK_WIDGET(tree_view), "horizontal-separator", &separator, NULL);
    if (button != NULL)
        gtk_widget_get_preferred_width(button, &minimum, &natural);
    width = MAX(content + separator, natural);
    width = MAX(width, gtk_tree_view_column_get_min_width(column));
    gtk_tree_view_column_set_sizing(column, GTK_TREE_VIEW_COLUMN_FIXED);
    gtk_tree_view_column_set_fixed_width(column, width);
}

static void
add_size_samples(GPtrArray *samples, FigureKind kind)
{
    static const double sizes[] = {999.0, 1023.9 * 1024.0, 1023.9 * 1048576.0,
                                   1023.9 * 1073741824.0, 1023.9 * 1099511627776.0};

    for (guint i = 0; i < G_N_ELEMENTS(sizes); i++)
        g_ptr_array_add(samples, format_figure(kind, sizes[i]));
}

/*
 * Every column gets a fixed width, measured from the widest text it can show in the view's
 * font (every state's name, the largest figures), and the view gets fixed row heights. So a
 * new figure never makes the view measure rows or columns again: drawing the changed cells is
 * all a tick costs (see host_stats_updated_cb()), and thousands of rows need no measuring at
 * all. Called again when the font or theme changes.
 */
static void
fit_columns(HakoManagerWindow *self)
{
    GtkWidget *widget = GTK_WIDGET(self->tree_view);
    GtkCellRenderer *stats_renderers[N_STATS_COLUMNS][2] = {
        [STATS_COLUMN_GUEST_CPU] = {self->guest_cpu_graph_renderer, self->guest_cpu_text_renderer},
        [STATS_COLUMN_HOST_CPU] = {self->host_cpu_graph_renderer, self->host_cpu_text_renderer},
        [STATS_COLUMN_MEMORY] = {self->memory_usage_graph_renderer,
                                 self->memory_usage_text_renderer},
        [STATS_COLUMN_DISK] = {self->disk_graph_renderer, self->disk_text_renderer},
        [STATS_COLUMN_NETWORK] = {self->network_graph_renderer, self->network_text_renderer},
    };
    g_autoptr(GPtrArray) samples = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *saved_icon = NULL;
    gboolean saved_visible;
    int width;

    /* State: the icon and the longest state name. */
    for (int state = HAKO_DOMAIN_STATE_NOSTATE; state <= HAKO_DOMAIN_STATE_PMSUSPENDED; state++)
        g_ptr_array_add(samples, g_strdup(hako_domain_state_to_string(state)));
    g_object_get(self->state_icon_renderer, "icon-name", &saved_icon, "visible", &saved_visible,
                 NULL);
    g_object_set(self->state_icon_renderer, "icon-name",
                 hako_domain_state_to_icon_name(HAKO_DOMAIN_STATE_RUNNING), "visible", TRUE, NULL);
    width = renderer_width(widget, self->state_icon_renderer);
    g_object_set(self->state_icon_renderer, "icon-name", saved_icon, "visible", saved_visible,
                 NULL);
    width += gtk_tree_view_column_get_spacing(self->state_column) +
             widest_text(widget, self->state_text_renderer, samples);
    fix_column_width(self->tree_view, self->state_column, width);

    g_ptr_array_set_size(samples, 0);
    g_ptr_array_add(samples, g_strdup("8888"));
    fix_column_width(self->tree_view, self->vcpus_column,
                     widest_text(widget, self->vcpus_renderer, samples));

    g_ptr_array_set_size(samples, 0);
    add_size_samples(samples, FIGURE_BYTES);
    fix_column_width(self->tree_view, self->memory_column,
                     widest_text(widget, self->memory_renderer, samples));

    for (guint i = 0; i < N_STATS_COLUMNS; i++) {
        GtkTreeViewColumn *column = stats_column(self, i);

        g_ptr_array_set_size(samples, 0);
        g_ptr_array_add(samples, g_strdup(C_("figure", "Off")));
        if (stats_columns[i].kind == FIGURE_PERCENT)
            g_ptr_array_add(samples, format_figure(FIGURE_PERCENT, 100.0));
        else
            add_size_samples(samples, stats_columns[i].kind);
        width = renderer_width(widget, stats_renderers[i][0]) +
                gtk_tree_view_column_get_spacing(column) +
                widest_text(widget, stats_renderers[i][1], samples);
        fix_column_width(self->tree_view, column, width);
    }

    /* Addresses can be long (several, or IPv6): an IPv4 address wide, then ellipsized. */
    g_ptr_array_set_size(samples, 0);
    g_ptr_array_add(samples, g_strdup("888.888.888.888"));
    fix_column_width(self->tree_view, self->ip_column,
                     widest_text(widget, self->ip_renderer, samples));

    gtk_tree_view_set_fixed_height_mode(self->tree_view, TRUE);
}

static void
tree_style_updated_cb(HakoManagerWindow *self, GtkWidget *tree_view)
{
    fit_columns(self);
}

static gboolean
filter_visible_func(GtkTreeModel *model, GtkTreeIter *iter, gpointer user_data)
{
    HakoManagerWindow *self = user_data;
    GObject *object = hako_host_store_get_object(model, iter);
    g_autofree char *folded = NULL;

    /* Hosts stay visible, and so does a row whose object is not set yet. */
    if (self->search_key == NULL || !HAKO_IS_DOMAIN(object))
        return TRUE;
    folded = g_utf8_casefold(domain_name(HAKO_DOMAIN(object)), -1);
    return strstr(folded, self->search_key) != NULL;
}

typedef struct {
    char *name; /* the name the key was made from */
    char *key;
} SortKey;

static void
sort_key_free(gpointer data)
{
    SortKey *sort_key = data;

    g_free(sort_key->name);
    g_free(sort_key->key);
    g_free(sort_key);
}

/*
 * The collation key of a guest's name, kept on the guest until the name changes: sorting
 * thousands of guests compares each one many times, and collating is the costly part.
 */
static const char *
domain_sort_key(HakoDomain *domain)
{
    static GQuark quark;
    const char *name = domain_name(domain);
    SortKey *sort_key;

    if (G_UNLIKELY(quark == 0))
        quark = g_quark_from_static_string("hako-manager-window-sort-key");
    sort_key = g_object_get_qdata(G_OBJECT(domain), quark);
    if (sort_key == NULL || strcmp(sort_key->name, name) != 0) {
        g_autofree char *folded = g_utf8_casefold(name, -1);

        sort_key = g_new0(SortKey, 1);
        sort_key->name = g_strdup(name);
        sort_key->key = g_utf8_collate_key(folded, -1);
        g_object_set_qdata_full(G_OBJECT(domain), quark, sort_key, sort_key_free);
    }
    return sort_key->key;
}

/* Hosts keep the order of the connection manager; guests are sorted by name. */
static int
sort_func(GtkTreeModel *model, GtkTreeIter *a, GtkTreeIter *b, gpointer user_data)
{
    GObject *object_a = hako_host_store_get_object(model, a);
    GObject *object_b = hako_host_store_get_object(model, b);

    if (HAKO_IS_DOMAIN(object_a) && HAKO_IS_DOMAIN(object_b)) {
        HakoDomain *da = HAKO_DOMAIN(object_a);
        HakoDomain *db = HAKO_DOMAIN(object_b);
        int cmp = strcmp(domain_sort_key(da), domain_sort_key(db));

        return cmp != 0 ? cmp : g_strcmp0(hako_domain_get_uuid(da), hako_domain_get_uuid(db));
    } else {
        g_autoptr(GtkTreePath) pa = gtk_tree_model_get_path(model, a);
        g_autoptr(GtkTreePath) pb = gtk_tree_model_get_path(model, b);

        return gtk_tree_path_compare(pa, pb);
    }
}

static void
search_changed_cb(HakoManagerWindow *self, GtkSearchEntry *entry)
{
    const char *text = gtk_entry_get_text(GTK_ENTRY(entry));

    g_clear_pointer(&self->search_key, g_free);
    if (text != NULL && *text != '\0')
        self->search_key = g_utf8_casefold(text, -1);
    gtk_tree_model_filter_refilter(GTK_TREE_MODEL_FILTER(self->filter));
}

static void
search_stop_cb(HakoManagerWindow *self, GtkSearchEntry *entry)
{
    const char *text = gtk_entry_get_text(GTK_ENTRY(entry));

    if (text != NULL && *text != '\0')
        gtk_entry_set_text(GTK_ENTRY(entry), "");
    else
        gtk_widget_grab_focus(GTK_WIDGET(self->tree_view));
}

/* Enter in the search entry selects the first guest found. */
static void
search_activate_cb(HakoManagerWindow *self, GtkSearchEntry *entry)
{
    GtkTreeIter host;
    GtkTreeIter guest;

    if (gtk_tree_model_get_iter_first(self->sort, &host)) {
        do {
            if (gtk_tree_model_iter_children(self->sort, &guest, &host)) {
                g_autoptr(GtkTreePath) path = gtk_tree_model_get_path(self->sort, &guest);

                gtk_tree_view_expand_to_path(self->tree_view, path);
                gtk_tree_view_set_cursor(self->tree_view, path, NULL, FALSE);
                break;
            }
        } while (gtk_tree_model_iter_next(self->sort, &host));
    }
    gtk_widget_grab_focus(GTK_WIDGET(self->tree_view));
}

/* ---------------------------------------------------------------------------------------- */
/* Expanding hosts                                                                           */

/* A host row is expanded whenever it has guests to show, unless the user collapsed it. */
static void
sort_has_child_toggled_cb(HakoManagerWindow *self,
                          GtkTreePath *path,
                          GtkTreeIter *iter,
                          GtkTreeModel *model)
{
    GObject *object;

    if (gtk_tree_path_get_depth(path) != 1 || !gtk_tree_model_iter_has_child(model, iter))
        return;
    object = hako_host_store_get_object(model, iter);
    if (HAKO_IS_HOST(object) &&
        !g_hash_table_contains(self->collapsed_uris, hako_host_get_uri(HAKO_HOST(object))))
        gtk_tree_view_expand_row(self->tree_view, path, FALSE);
}

static void
row_expanded_cb(HakoManagerWindow *self, GtkTreeIter *iter, GtkTreePath *path, GtkTreeView *tv)
{
    GObject *object = hako_host_store_get_object(self->sort, iter);

    if (HAKO_IS_HOST(object))
        g_hash_table_remove(self->collapsed_uris, hako_host_get_uri(HAKO_HOST(object)));
}

static void
row_collapsed_cb(HakoManagerWindow *self, GtkTreeIter *iter, GtkTreePath *path, GtkTreeView *tv)
{
    GObject *object = hako_host_store_get_object(self->sort, iter);

    /* A row also collapses when its last guest goes away; only a real choice is kept. */
    if (self->batch_depth == 0 && HAKO_IS_HOST(object) &&
        gtk_tree_model_iter_has_child(self->sort, iter))
        g_hash_table_add(self->collapsed_uris, g_strdup(hako_host_get_uri(HAKO_HOST(object))));
}

/* ---------------------------------------------------------------------------------------- */
/* Actions                                                                                   */

static void
set_action_enabled(HakoManagerWindow *self, const char *name, gboolean enabled)
{
    GAction *action = g_action_map_lookup_action(G_ACTION_MAP(self), name);

    g_return_if_fail(G_IS_SIMPLE_ACTION(action));
    g_simple_action_set_enabled(G_SIMPLE_ACTION(action), enabled);
}

static void
update_actions(HakoManagerWindow *self)
{
    HakoDomain *domain = self->selected_domain;
    HakoHost *host = self->selected_host;
    gboolean usable = domain != NULL && host_is_usable(hako_domain_get_host(domain));
    gboolean paused = FALSE;
    GAction *autoconnect;

    for (guint i = 0; i < G_N_ELEMENTS(domain_actions); i++)
        set_action_enabled(self, domain_actions[i].name,
                           usable && hako_domain_can(domain, domain_actions[i].action));

    /* Pause and Resume share one place in the toolbar. */
    if (domain != NULL) {
        HakoDomainState state = hako_domain_get_state(domain);

        paused = state == HAKO_DOMAIN_STATE_PAUSED || state == HAKO_DOMAIN_STATE_PMSUSPENDED;
    }
    if (self->pause_button != NULL) {
        gtk_widget_set_visible(GTK_WIDGET(self->pause_button), !paused);
        gtk_widget_set_visible(GTK_WIDGET(self->resume_button), paused);
    }

    set_action_enabled(self, "host-connect",
                       host != NULL && hako_host_get_state(host) == HAKO_HOST_STATE_DISCONNECTED);
    set_action_enabled(self, "host-disconnect",
                       host != NULL && hako_host_get_state(host) != HAKO_HOST_STATE_DISCONNECTED);
    set_action_enabled(self, "host-autoconnect", host != NULL);
    set_action_enabled(self, "host-remove", host != NULL);

    set_action_enabled(self, "open", domain != NULL);
    /* a guest is cloned while it is off; deleting a running one stops it first (it asks) */
    set_action_enabled(self, "clone",
                       usable && hako_domain_get_state(domain) == HAKO_DOMAIN_STATE_SHUTOFF);
    set_action_enabled(self, "delete", usable);
    set_action_enabled(self, "migrate", usable && migrate_func != NULL);
    set_action_enabled(self, "save-to-file",
                       usable && host_is_local(hako_domain_get_host(domain)) &&
                           hako_domain_can(domain, HAKO_DOMAIN_ACTION_SAVE));
    {
        HakoHost *restore_host = host != NULL ? host : self->selected_domain_host;

        set_action_enabled(self, "restore-from-file",
                           restore_host != NULL && host_is_usable(restore_host) &&
                               host_is_local(restore_host));
    }
    set_action_enabled(self, "host-details", host != NULL || self->selected_domain_host != NULL);

    autoconnect = g_action_map_lookup_action(G_ACTION_MAP(self), "host-autoconnect");
    g_simple_action_set_state(
        G_SIMPLE_ACTION(autoconnect),
        g_variant_new_boolean(host != NULL && hako_host_get_autoconnect(host)));
}

static void
selected_notify_cb(HakoManagerWindow *self, GParamSpec *pspec, GObject *object)
{
    update_actions(self);
}

static void
clear_selected(HakoManagerWindow *self)
{
    if (self->selected_domain != NULL)
        g_signal_handlers_disconnect_by_func(self->selected_domain, selected_notify_cb, self);
    if (self->selected_domain_host != NULL)
        g_signal_handlers_disconnect_by_func(self->selected_domain_host, selected_notify_cb, self);
    if (self->selected_host != NULL)
        g_signal_handlers_disconnect_by_func(self->selected_host, selected_notify_cb, self);
    g_clear_object(&self->selected_domain);
    g_clear_object(&self->selected_domain_host);
    g_clear_object(&self->selected_host);
}

/* Follows the selected guest (and its host) or host, so the actions stay up to date. */
static void
set_selected(HakoManagerWindow *self, GObject *object)
{
    clear_selected(self);

    if (HAKO_IS_DOMAIN(object)) {
        HakoHost *host = hako_domain_get_host(HAKO_DOMAIN(object));

        self->selected_domain = g_object_ref(HAKO_DOMAIN(object));
        g_signal_connect_object(object, "notify", G_CALLBACK(selected_notify_cb), self,
                                G_CONNECT_SWAPPED);
        if (host != NULL) {
            self->selected_domain_host = g_object_ref(host);
            g_signal_connect_object(host, "notify", G_CALLBACK(selected_notify_cb), self,
                                    G_CONNECT_SWAPPED);
        }
    } else if (HAKO_IS_HOST(object)) {
        self->selected_host = g_object_ref(HAKO_HOST(object));
        g_signal_connect_object(object, "notify", G_CALLBACK(selected_notify_cb), self,
                                G_CONNECT_SWAPPED);
    }
    if (self->trouble_bar != NULL)
        hako_trouble_bar_set_domain(self->trouble_bar, self->selected_domain);
    update_actions(self);
}

static void
selection_changed_cb(HakoManagerWindow *self, GtkTreeSelection *selection)
{
    set_selected(self, selected_object(self, NULL));
}

typedef struct {
    HakoManagerWindow *self;
    HakoDomain *domain;
    HakoDomainAction action;
} ActionData;

static void
action_data_free(ActionData *data)
{
    g_clear_object(&data->self);
    g_clear_object(&data->domain);
    g_free(data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(ActionData, action_data_free)

static void
domain_action_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(ActionData) data = user_data;
    g_autoptr(GError) error = NULL;

    if (hako_domain_ops_lifecycle_finish(HAKO_DOMAIN_OPS(source), result, &error))
        return;
    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
    hako_manager_window_show_error(data->self, error->message);
}

static void
run_domain_action(HakoManagerWindow *self, HakoDomain *domain, HakoDomainAction action)
{
    ActionData *data = g_new0(ActionData, 1);

    hide_error(self);
    data->self = g_object_ref(self);
    data->domain = g_object_ref(domain);
    hako_domain_ops_lifecycle_async(self->ops, domain, action, self->cancellable, domain_action_cb,
                                    data);
}

static void
action_confirmed(gpointer user_data)
{
    ActionData *data = user_data;

    /* The guest may have changed while the question was open. */
    if (host_is_usable(hako_domain_get_host(data->domain)) &&
        hako_domain_can(data->domain, data->action))
        run_domain_action(data->self, data->domain, data->action);
}

/* Runs @action on @domain, asking first when Preferences wants it asked. */
static void
confirm_domain_action(HakoManagerWindow *self, HakoDomain *domain, HakoDomainAction action)
{
    ActionData *data;

    if (!hako_confirm_domain_action_wanted(self->settings, action)) {
        run_domain_action(self, domain, action);
        return;
    }
    data = g_new0(ActionData, 1);
    data->self = g_object_ref(self);
    data->domain = g_object_ref(domain);
    data->action = action;
    hako_confirm_domain_action(GTK_WINDOW(self), self->settings, domain, action, action_confirmed,
                               data, (GDestroyNotify)action_data_free);
}

static void
domain_action_activate(GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
    HakoManagerWindow *self = user_data;
    const char *name = g_action_get_name(G_ACTION(action));
    HakoDomain *domain = self->selected_domain;

    if (domain == NULL)
        return;

    for (guint i = 0; i < G_N_ELEMENTS(domain_actions); i++) {
        HakoDomainAction what = domain_actions[i].action;

        if (g_strcmp0(domain_actions[i].name, name) != 0)
            continue;
        confirm_domain_action(self, domain, what);
        return;
    }
    g_return_if_reached();
}

static void
find_activate(GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
    HakoManagerWindow *self = user_data;

    gtk_widget_grab_focus(GTK_WIDGET(self->search_entry));
}

static void
close_activate(GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
    gtk_window_close(GTK_WINDOW(user_data));
}

static void
connect_host(HakoManagerWindow *self, HakoHost *host)
{
    hide_error(self);
    hako_connection_manager_connect(self->manager, host);
}

static void
host_connect_activate(GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
    HakoManagerWindow *self = user_data;

    if (self->selected_host != NULL)
        connect_host(self, self->selected_host);
}

static void
host_disconnect_activate(GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
    HakoManagerWindow *self = user_data;

    if (self->selected_host != NULL)
        hako_connection_manager_disconnect(self->manager, self->selected_host);
}

static void
host_autoconnect_change_state(GSimpleAction *action, GVariant *value, gpointer user_data)
{
    HakoManagerWindow *self = user_data;

    if (self->selected_host == NULL)
        return;
    hako_connection_manager_set_autoconnect(self->manager, self->selected_host,
                                            g_variant_get_boolean(value));
    /* The state follows the host's "autoconnect" through update_actions(). */
    update_actions(self);
}

static void
remove_response_cb(HakoManagerWindow *self, int response, GtkDialog *dialog)
{
    HakoHost *host = g_object_get_data(G_OBJECT(dialog), "hako-host");

    if (response == GTK_RESPONSE_ACCEPT)
        hako_connection_manager_remove(self->manager, host);
    gtk_widget_destroy(GTK_WIDGET(dialog));
}

static void
host_remove_activate(GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
    HakoManagerWindow *self = user_data;
    HakoHost *host = self->selected_host;
    GtkWidget *dialog;
    GtkWidget *button;

    if (host == NULL)
        return;

    dialog = gtk_message_dialog_new(
        GTK_WINDOW(self), GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT, GTK_MESSAGE_QUESTION,
        GTK_BUTTONS_NONE, _("Remove the connection to “%s”?"), hako_host_get_label(host));
    gtk_message_dialog_format_secondary_text(
        GTK_MESSAGE_DIALOG(dialog), "%s",
        _("Its guests keep running; Hako only forgets the connection."));
    gtk_dialog_add_button(GTK_DIALOG(dialog), _("_Cancel"), GTK_RESPONSE_CANCEL);
    button = gtk_dialog_add_button(GTK_DIALOG(dialog), _("_Remove"), GTK_RESPONSE_ACCEPT);
    gtk_style_context_add_class(gtk_widget_get_style_context(button), "destructive-action");
    gtk_dialog_set_default_response(GTK_DIALOG(dialog), GTK_RESPONSE_CANCEL);

    g_object_set_data_full(G_OBJECT(dialog), "hako-host", g_object_ref(host), g_object_unref);
    g_signal_connect_object(dialog, "response", G_CALLBACK(remove_response_cb), self,
                            G_CONNECT_SWAPPED);
    gtk_window_present(GTK_WINDOW(dialog));
}

static void
open_domain(HakoManagerWindow *self, HakoDomain *domain)
{
    hako_details_window_present(GTK_WINDOW(self), self->manager, domain, self->settings);
}

/*
 * Save to File… and Restore from File…: the guest's memory to a file on the host and back. The
 * file chooser shows this machine's files, so both are offered on local connections only.
 */
static gboolean
host_is_local(HakoHost *host)
{
    const char *uri = host != NULL ? hako_host_get_uri(host) : NULL;

    return uri != NULL && strstr(uri, ":///") != NULL;
}

typedef struct {
    HakoManagerWindow *self; /* ref */
    HakoDomain *domain;      /* ref; NULL for a restore */
    HakoHost *host;          /* ref */
} FileJob;

static void
file_job_free(FileJob *job)
{
    g_object_unref(job->self);
    g_clear_object(&job->domain);
    g_object_unref(job->host);
    g_free(job);
}

static void
file_job_done_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    FileJob *job = user_data;
    g_autoptr(GError) error = NULL;
    gboolean done = job->domain != NULL
                        ? hako_guest_ops_save_finish(HAKO_GUEST_OPS(source), result, &error)
                        : hako_guest_ops_restore_finish(HAKO_GUEST_OPS(source), result, &error);

    if (!done)
        hako_manager_window_show_error(job->self, error->message);
    file_job_free(job);
}

static void
file_chosen_cb(GtkNativeDialog *chooser, int response, gpointer user_data)
{
    FileJob *job = user_data;
    g_autoptr(GFile) file = NULL;
    g_autofree char *path = NULL;
    g_autoptr(HakoGuestOps) ops = NULL;

    if (response == GTK_RESPONSE_ACCEPT)
        file = gtk_file_chooser_get_file(GTK_FILE_CHOOSER(chooser));
    g_object_unref(chooser);
    if (file != NULL)
        path = g_file_get_path(file);
    if (path == NULL) {
        file_job_free(job);
        return;
    }
    g_free(job->self->save_folder);
    job->self->save_folder = g_path_get_dirname(path);
    ops = hako_guest_ops_new(job->self->manager);
    if (job->domain != NULL)
        hako_guest_ops_save_async(ops, job->domain, path, NULL, file_job_done_cb, job);
    else
        hako_guest_ops_restore_async(ops, job->host, path, NULL, file_job_done_cb, job);
}

static void
save_to_file_activate(GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
    HakoManagerWindow *self = user_data;
    GtkFileChooserNative *chooser;
    FileJob *job;
    g_autofree char *name = NULL;

    if (self->selected_domain == NULL)
        return;
    job = g_new0(FileJob, 1);
    job->self = g_object_ref(self);
    job->domain = g_object_ref(self->selected_domain);
    job->host = g_object_ref(hako_domain_get_host(self->selected_domain));
    chooser = gtk_file_chooser_native_new(_("Save the Guest to a File"), GTK_WINDOW(self),
                                          GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
    gtk_file_chooser_set_do_overwrite_confirmation(GTK_FILE_CHOOSER(chooser), TRUE);
    name = g_strconcat(hako_domain_get_name(self->selected_domain), ".save", NULL);
    if (self->save_folder != NULL)
        gtk_file_chooser_set_current_folder(GTK_FILE_CHOOSER(chooser), self->save_folder);
    gtk_file_chooser_set_current_name(GTK_FILE_CHOOSER(chooser), name);
    g_signal_connect(chooser, "response", G_CALLBACK(file_chosen_cb), job);
    gtk_native_dialog_show(GTK_NATIVE_DIALOG(chooser));
}

static void
restore_from_file_activate(GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
    HakoManagerWindow *self = user_data;
    HakoHost *host = self->selected_host != NULL ? self->selected_host : self->selected_domain_host;
    GtkFileChooserNative *chooser;
    FileJob *job;

    if (host == NULL)
        return;
    job = g_new0(FileJob, 1);
    job->self = g_object_ref(self);
    job->host = g_object_ref(host);
    chooser =
        gtk_file_chooser_native_new(_("Restore a Guest from a File"), GTK_WINDOW(self),
                                    GTK_FILE_CHOOSER_ACTION_OPEN, _("_Restore"), _("_Cancel"));
    g_signal_connect(chooser, "response", G_CALLBACK(file_chosen_cb), job);
    gtk_native_dialog_show(GTK_NATIVE_DIALOG(chooser));
}

/**
 * hako_manager_window_set_migrate_func:
 * @func: (nullable): opens the migrate wizard
 *
 * The wizards layer, above this one, calls this once at start-up so that Migrate… works
 * without this window knowing that layer.
 */
void
hako_manager_window_set_migrate_func(HakoMigrateFunc func)
{
    migrate_func = func;
}

static void
migrate_activate(GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
    HakoManagerWindow *self = user_data;
    GtkWidget *wizard;

    if (self->selected_domain == NULL || migrate_func == NULL)
        return;
    wizard = migrate_func(GTK_WINDOW(self), self->manager, self->selected_domain);
    gtk_window_present(GTK_WINDOW(wizard));
}

/* Clone… and Delete…: each a dialog of its own for the selected guest. */
static void
clone_activate(GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
    HakoManagerWindow *self = user_data;
    GtkWidget *dialog;

    if (self->selected_domain == NULL)
        return;
    dialog = hako_clone_dialog_new(GTK_WINDOW(self), self->manager, self->selected_domain);
    gtk_window_present(GTK_WINDOW(dialog));
}

static void
delete_activate(GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
    HakoManagerWindow *self = user_data;
    GtkWidget *dialog;

    if (self->selected_domain == NULL)
        return;
    dialog = hako_delete_dialog_new(GTK_WINDOW(self), self->manager, self->selected_domain);
    gtk_window_present(GTK_WINDOW(dialog));
}

static void
open_activate(GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
    HakoManagerWindow *self = user_data;

    if (self->selected_domain != NULL)
        open_domain(self, self->selected_domain);
}

/* The selected host, or the host of the selected guest. */
static void
host_details_activate(GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
    HakoManagerWindow *self = user_data;
    HakoHost *host = self->selected_host != NULL ? self->selected_host : self->selected_domain_host;

    if (host != NULL)
        hako_host_window_present(GTK_WINDOW(self), self->manager, host, self->settings);
}

static const GActionEntry win_entries[] = {
    {"run", domain_action_activate, NULL, NULL, NULL, {0}},
    {"pause", domain_action_activate, NULL, NULL, NULL, {0}},
    {"resume", domain_action_activate, NULL, NULL, NULL, {0}},
    {"shutdown", domain_action_activate, NULL, NULL, NULL, {0}},
    {"reboot", domain_action_activate, NULL, NULL, NULL, {0}},
    {"reset", domain_action_activate, NULL, NULL, NULL, {0}},
    {"force-off", domain_action_activate, NULL, NULL, NULL, {0}},
    {"save", domain_action_activate, NULL, NULL, NULL, {0}},
    {"find", find_activate, NULL, NULL, NULL, {0}},
    {"close", close_activate, NULL, NULL, NULL, {0}},
    {"host-connect", host_connect_activate, NULL, NULL, NULL, {0}},
    {"host-disconnect", host_disconnect_activate, NULL, NULL, NULL, {0}},
    {"host-autoconnect", NULL, NULL, "false", host_autoconnect_change_state, {0}},
    {"host-remove", host_remove_activate, NULL, NULL, NULL, {0}},
    {"open", open_activate, NULL, NULL, NULL, {0}},
    {"clone", clone_activate, NULL, NULL, NULL, {0}},
    {"migrate", migrate_activate, NULL, NULL, NULL, {0}},
    {"save-to-file", save_to_file_activate, NULL, NULL, NULL, {0}},
    {"restore-from-file", restore_from_file_activate, NULL, NULL, NULL, {0}},
    {"delete", delete_activate, NULL, NULL, NULL, {0}},
    {"host-details", host_details_activate, NULL, NULL, NULL, {0}},
};

/* ---------------------------------------------------------------------------------------- */
/* Activation, context menus, tooltips                                                       */

static void
row_activated_cb(HakoManagerWindow *self,
                 GtkTreePath *path,
                 GtkTreeViewColumn *column,
                 GtkTreeView *tree_view)
{
    GObject *object = object_at_path(self, path);

    if (HAKO_IS_HOST(object)) {
        HakoHost *host = HAKO_HOST(object);

        if (hako_host_get_state(host) == HAKO_HOST_STATE_DISCONNECTED)
            connect_host(self, host);
        else if (gtk_tree_view_row_expanded(tree_view, path))
            gtk_tree_view_collapse_row(tree_view, path);
        else
            gtk_tree_view_expand_row(tree_view, path, FALSE);
    } else if (HAKO_IS_DOMAIN(object)) {
        open_domain(self, HAKO_DOMAIN(object));
    }
}

static GtkWidget *
menu_for_object(HakoManagerWindow *self, GObject *object)
{
    if (HAKO_IS_DOMAIN(object))
        return self->guest_menu;
    if (HAKO_IS_HOST(object))
        return self->host_menu;
    return NULL;
}

static gboolean
tree_button_press_cb(HakoManagerWindow *self, GdkEventButton *event, GtkTreeView *tree_view)
{
    g_autoptr(GtkTreePath) path = NULL;
    GtkWidget *menu;

    if (!gdk_event_triggers_context_menu((GdkEvent *)event) ||
        event->window != gtk_tree_view_get_bin_window(tree_view))
        return GDK_EVENT_PROPAGATE;
    if (!gtk_tree_view_get_path_at_pos(tree_view, event->x, event->y, &path, NULL, NULL, NULL))
        return GDK_EVENT_PROPAGATE;

    gtk_widget_grab_focus(GTK_WIDGET(tree_view));
    gtk_tree_view_set_cursor(tree_view, path, NULL, FALSE);
    menu = menu_for_object(self, object_at_path(self, path));
    if (menu == NULL)
        return GDK_EVENT_PROPAGATE;
    gtk_menu_popup_at_pointer(GTK_MENU(menu), (GdkEvent *)event);
    return GDK_EVENT_STOP;
}

/* The Menu key and Shift+F10 open the menu under the selected row. */
static gboolean
tree_popup_menu_cb(HakoManagerWindow *self, GtkTreeView *tree_view)
{
    g_autoptr(GtkTreePath) path = NULL;
    GObject *object = selected_object(self, &path);
    GtkWidget *menu = menu_for_object(self, object);
    GdkRectangle rect;

    if (menu == NULL)
        return FALSE;

    gtk_tree_view_get_cell_area(tree_view, path, self->name_column, &rect);
    gtk_tree_view_convert_bin_window_to_widget_coords(tree_view, rect.x, rect.y, &rect.x, &rect.y);
    gtk_menu_popup_at_rect(GTK_MENU(menu), gtk_widget_get_window(GTK_WIDGET(tree_view)), &rect,
                           GDK_GRAVITY_SOUTH_WEST, GDK_GRAVITY_NORTH_WEST, NULL);
    gtk_menu_shell_select_first(GTK_MENU_SHELL(menu), FALSE);
    return TRUE;
}

static char *
host_tooltip(HakoHost *host)
{
    const char *uri = hako_host_get_uri(host);
    const char *error = hako_host_get_last_error(host);

    switch (hako_host_get_state(host)) {
    case HAKO_HOST_STATE_DISCONNECTED:
        if (error != NULL && *error != '\0')
            /* Translators: a connection URI, then why connecting to it failed */
            return g_strdup_printf(_("%s\n%s\nDouble-click to connect again."), uri, error);
        /* Translators: a connection URI */
        return g_strdup_printf(_("%s\nDouble-click to connect."), uri);
    case HAKO_HOST_STATE_CONNECTING:
        /* Translators: a connection URI */
        return g_strdup_printf(_("%s\nConnecting…"), uri);
    case HAKO_HOST_STATE_CONNECTED:
    default:
        if (hako_host_get_read_only(host))
            /* Translators: a connection URI */
            return g_strdup_printf(_("%s\nRead-only: guests can be watched but not changed."), uri);
        return g_strdup(uri);
    }
}

/* The two figures that an I/O cell adds up: "Read 1.2 MiB/s, write 300 KiB/s". */
static char *
io_tooltip(HakoDomain *domain, StatsColumn column)
{
    double first = hako_domain_get_stat(domain, stats_columns[column].stat);
    double second = hako_domain_get_stat(domain, stats_columns[column].second_stat);
    g_autofree char *first_text = NULL;
    g_autofree char *second_text = NULL;
    Figure figure;

    row_figure(G_OBJECT(domain), column, &figure);
    if (figure.blank || !figure.polled || isnan(first) || isnan(second))
        return NULL;
    first_text = hako_stats_format_rate(first);
    second_text = hako_stats_format_rate(second);
    if (column == STATS_COLUMN_DISK)
        /* Translators: tooltip of a guest's Disk I/O cell: bytes per second read, written */
        return g_strdup_printf(_("Read %s, write %s"), first_text, second_text);
    /* Translators: tooltip of a guest's Network I/O cell: bytes per second received, sent */
    return g_strdup_printf(_("Received %s, sent %s"), first_text, second_text);
}

static gboolean
tree_query_tooltip_cb(HakoManagerWindow *self,
                      int x,
                      int y,
                      gboolean keyboard_mode,
                      GtkTooltip *tooltip,
                      GtkTreeView *tree_view)
{
    g_autoptr(GtkTreePath) path = NULL;
    g_autofree char *text = NULL;
    GtkTreeViewColumn *column = NULL;
    GtkTreeModel *model;
    GtkTreeIter iter;
    GObject *object;

    if (!gtk_tree_view_get_tooltip_context(tree_view, &x, &y, keyboard_mode, &model, &path, &iter))
        return FALSE;
    if (keyboard_mode)
        column = self->name_column;
    else if (!gtk_tree_view_get_path_at_pos(tree_view, x, y, NULL, &column, NULL, NULL))
        return FALSE;

    object = hako_host_store_get_object(model, &iter);
    if (HAKO_IS_HOST(object)) {
        text = host_tooltip(HAKO_HOST(object));
        column = NULL; /* the whole row */
    } else if (HAKO_IS_DOMAIN(object)) {
        HakoDomain *domain = HAKO_DOMAIN(object);

        if (column == self->state_column) {
            text = hako_domain_describe_state(domain);
        } else if (column == self->disk_column || column == self->network_column) {
            text = io_tooltip(domain, column == self->disk_column ? STATS_COLUMN_DISK
                                                                  : STATS_COLUMN_NETWORK);
        } else if (column == self->name_column) {
            const char *title = hako_domain_get_title(domain);

            if (title != NULL && *title != '\0')
                text = g_strdup(title);
        }
    }
    if (text == NULL)
        return FALSE;

    gtk_tooltip_set_text(tooltip, text);
    gtk_tree_view_set_tooltip_cell(tree_view, tooltip, path, column, NULL);
    return TRUE;
}

/**
 * hako_manager_window_select_host:
 *
 * Selects the row of @host and scrolls to it, as after adding a connection.
 */
void
hako_manager_window_select_host(HakoManagerWindow *self, HakoHost *host)
{
    GtkTreeIter store_iter;
    GtkTreeIter filter_iter;
    GtkTreeIter sort_iter;
    g_autoptr(GtkTreePath) path = NULL;

    g_return_if_fail(HAKO_IS_MANAGER_WINDOW(self));
    g_return_if_fail(HAKO_IS_HOST(host));

    if (self->tree_view == NULL || !hako_host_store_get_iter_for(self->store, host, &store_iter))
        return;
    if (!gtk_tree_model_filter_convert_child_iter_to_iter(GTK_TREE_MODEL_FILTER(self->filter),
                                                          &filter_iter, &store_iter))
        return;
    if (!gtk_tree_model_sort_convert_child_iter_to_iter(GTK_TREE_MODEL_SORT(self->sort), &sort_iter,
                                                        &filter_iter))
        return;
    path = gtk_tree_model_get_path(self->sort, &sort_iter);
    gtk_tree_view_set_cursor(self->tree_view, path, NULL, FALSE);
    gtk_tree_view_scroll_to_cell(self->tree_view, path, NULL, FALSE, 0, 0);
}

/* ---------------------------------------------------------------------------------------- */
/* Geometry                                                                                  */

/* ---------------------------------------------------------------------------------------- */
/* Models                                                                                    */

/* Expands every host that has guests to show, unless the user collapsed it. */
static void
expand_hosts(HakoManagerWindow *self)
{
    GtkTreeIter iter;

    if (!gtk_tree_model_get_iter_first(self->sort, &iter))
        return;
    do {
        GObject *object = hako_host_store_get_object(self->sort, &iter);

        if (HAKO_IS_HOST(object) && gtk_tree_model_iter_has_child(self->sort, &iter) &&
            !g_hash_table_contains(self->collapsed_uris, hako_host_get_uri(HAKO_HOST(object)))) {
            g_autoptr(GtkTreePath) path = gtk_tree_model_get_path(self->sort, &iter);

            gtk_tree_view_expand_row(self->tree_view, path, FALSE);
        }
    } while (gtk_tree_model_iter_next(self->sort, &iter));
}

/* store -> filter (search) -> sort (guests by name) -> tree view */
static void
attach_models(HakoManagerWindow *self)
{
    self->filter = gtk_tree_model_filter_new(GTK_TREE_MODEL(self->store), NULL);
    gtk_tree_model_filter_set_visible_func(GTK_TREE_MODEL_FILTER(self->filter), filter_visible_func,
                                           self, NULL);
    self->sort = gtk_tree_model_sort_new_with_model(self->filter);
    gtk_tree_sortable_set_default_sort_func(GTK_TREE_SORTABLE(self->sort), sort_func, NULL, NULL);
    gtk_tree_sortable_set_sort_column_id(GTK_TREE_SORTABLE(self->sort),
                                         GTK_TREE_SORTABLE_DEFAULT_SORT_COLUMN_ID,
                                         GTK_SORT_ASCENDING);
    g_signal_connect_object(self->sort, "row-has-child-toggled",
                            G_CALLBACK(sort_has_child_toggled_cb), self, G_CONNECT_SWAPPED);
    /* Rows come and go (a search, guests defined or gone): the rows on screen change. */
    g_signal_connect_object(self->sort, "row-inserted", G_CALLBACK(schedule_watch_update), self,
                            G_CONNECT_SWAPPED);
    g_signal_connect_object(self->sort, "row-deleted", G_CALLBACK(schedule_watch_update), self,
                            G_CONNECT_SWAPPED);
    g_signal_connect_object(self->sort, "rows-reordered", G_CALLBACK(schedule_watch_update), self,
                            G_CONNECT_SWAPPED);
    gtk_tree_view_set_model(self->tree_view, self->sort);
    schedule_watch_update(self);
    expand_hosts(self);
}

static void
detach_models(HakoManagerWindow *self)
{
    gtk_tree_view_set_model(self->tree_view, NULL);
    g_signal_handlers_disconnect_by_data(self->sort, self);
    g_clear_object(&self->sort);
    g_clear_object(&self->filter);
}

/*
 * The filter and sort models handle each inserted or removed row in time proportional to the
 * rows they hold: thousands of guests arriving at once would freeze the window for seconds.
 * For a big change the view lets go of them, and builds them again afterwards, which sorts
 * once. The selection is kept.
 */
static void
store_batch_begin_cb(HakoManagerWindow *self, HakoHostStore *store)
{
    if (self->batch_depth++ > 0 || self->tree_view == NULL)
        return;
    g_set_object(&self->batch_selected, selected_object(self, NULL));
    detach_models(self);
}

static void
store_batch_end_cb(HakoManagerWindow *self, HakoHostStore *store)
{
    g_autoptr(GObject) selected = NULL;
    GtkTreeIter store_iter;
    GtkTreeIter filter_iter;
    GtkTreeIter sort_iter;

    g_return_if_fail(self->batch_depth > 0);
    if (--self->batch_depth > 0 || self->tree_view == NULL)
        return;
    attach_models(self);
    selected = g_steal_pointer(&self->batch_selected);
    if (selected != NULL && hako_host_store_get_iter_for(self->store, selected, &store_iter) &&
        gtk_tree_model_filter_convert_child_iter_to_iter(GTK_TREE_MODEL_FILTER(self->filter),
                                                         &filter_iter, &store_iter) &&
        gtk_tree_model_sort_convert_child_iter_to_iter(GTK_TREE_MODEL_SORT(self->sort), &sort_iter,
                                                       &filter_iter)) {
        g_autoptr(GtkTreePath) path = gtk_tree_model_get_path(self->sort, &sort_iter);

        gtk_tree_view_expand_to_path(self->tree_view, path);
        gtk_tree_selection_select_iter(self->selection, &sort_iter);
        gtk_tree_view_scroll_to_cell(self->tree_view, path, NULL, FALSE, 0, 0);
    }
}

/* ---------------------------------------------------------------------------------------- */
/* Statistics                                                                                */

static GtkTreeViewColumn *
stats_column(HakoManagerWindow *self, StatsColumn column)
{
    switch (column) {
    case STATS_COLUMN_GUEST_CPU:
        return self->guest_cpu_column;
    case STATS_COLUMN_HOST_CPU:
        return self->host_cpu_column;
    case STATS_COLUMN_MEMORY:
        return self->memory_usage_column;
    case STATS_COLUMN_DISK:
        return self->disk_column;
    case STATS_COLUMN_NETWORK:
    default:
        return self->network_column;
    }
}

static void
refresh_row(HakoManagerWindow *self, GtkTreePath *path)
{
    GtkTreeIter iter;

    if (gtk_tree_model_get_iter(self->sort, &iter, path))
        gtk_tree_model_row_changed(self->sort, path, &iter);
}

/*
 * Tells the view, and through it screen readers, that a row's figures are new, without drawing
 * the row again. GtkTreeView's "row-changed" handler brings the row's accessible cells up to
 * date, and it also invalidates the whole row, which needs no drawing: its graph cells that
 * changed are drawn anyway (redraw_host_figures()) and the rest of it looks as it did. Drawn
 * with the graph cells, the row would cost every cell of every row on screen, since the view
 * draws every cell within the bounds of what is invalid; drawn in a frame of its own, a second
 * frame each tick. So what the handler invalidates is taken back (what was invalid before is
 * left as it was).
 */
static void
announce_row(HakoManagerWindow *self, GtkTreePath *path)
{
    GdkWindow *bin = gtk_tree_view_get_bin_window(self->tree_view);
    cairo_region_t *pending = bin != NULL ? gdk_window_get_update_area(bin) : NULL;
    cairo_region_t *row;

    refresh_row(self, path);
    if (bin == NULL)
        return;
    row = gdk_window_get_update_area(bin);
    g_clear_pointer(&row, cairo_region_destroy);
    if (pending != NULL) {
        gdk_window_invalidate_region(bin, pending, TRUE);
        cairo_region_destroy(pending);
    }
}

/* The rows the user is on, the cursor's and the selected ones, tell of their new figures. */
static void
announce_current_rows(HakoManagerWindow *self, GtkTreePath *cursor)
{
    GList *selected;

    if (cursor != NULL)
        announce_row(self, cursor);
    selected = gtk_tree_selection_get_selected_rows(self->selection, NULL);
    for (GList *l = selected; l != NULL; l = l->next)
        if (cursor == NULL || gtk_tree_path_compare(l->data, cursor) != 0)
            announce_row(self, l->data);
    g_list_free_full(selected, (GDestroyNotify)gtk_tree_path_free);
}

/* Whether a graph cell looks different since the last tick (a new figure, or the graph moved). */
static gboolean
figure_changed(GObject *object, StatsColumn column)
{
    Figure figure;

    row_figure(object, column, &figure);
    if (figure.blank)
        return FALSE;
    return (figure.history != NULL && !hako_stats_history_get_steady(figure.history)) ||
           (figure.second != NULL && !hako_stats_history_get_steady(figure.second));
}

/*
 * New figures for every guest of a host at once (@everything: whether they are polled at all
 * changed). The graph columns have fixed widths and the view fixed row heights (see
 * fit_columns()), so nothing needs measuring again: only the graph cells of the host's rows on
 * screen whose picture changed are drawn again (an idle guest's flat disk graph stays as it
 * is), not whole rows, and the store, filter and sort below never hear of it (a "row-changed"
 * per guest through them would cost time proportional to thousands of rows each, see
 * hako-host-store.c). The rows the user is on (the cursor's, the selected) get a "row-changed"
 * on the view's own model as well, so that what a screen reader reads of them (the figures as
 * text) is current, without drawing them (announce_row()).
 */
typedef struct {
    HakoHost *host;
    gboolean everything;
    GtkTreePath *cursor;
    gboolean current_on_screen; /* the cursor's or a selected row is one of the host's */
    GtkTreeViewColumn *columns[N_STATS_COLUMNS];
    int top[N_STATS_COLUMNS];
    int bottom[N_STATS_COLUMNS];
} HostFigures;

static void
host_figures_row(HakoManagerWindow *self, GObject *object, GtkTreePath *path, gpointer data)
{
    HostFigures *h = data;
    GdkRectangle area = {0};

    if (object != G_OBJECT(h->host) &&
        !(HAKO_IS_DOMAIN(object) && hako_domain_get_host(HAKO_DOMAIN(object)) == h->host))
        return;
    for (guint i = 0; i < N_STATS_COLUMNS; i++) {
        if (h->columns[i] == NULL || !(h->everything || figure_changed(object, i)))
            continue;
        if (area.height == 0)
            gtk_tree_view_get_background_area(self->tree_view, path, h->columns[i], &area);
        h->top[i] = MIN(h->top[i], area.y);
        h->bottom[i] = MAX(h->bottom[i], area.y + area.height);
    }
    if ((h->cursor != NULL && gtk_tree_path_compare(path, h->cursor) == 0) ||
        gtk_tree_selection_path_is_selected(self->selection, path))
        h->current_on_screen = TRUE;
}

static void
redraw_host_figures(HakoManagerWindow *self, HakoHost *host, gboolean everything)
{
    g_autoptr(GtkTreePath) cursor = NULL;
    HostFigures h = {host, everything, NULL, FALSE, {NULL}, {0}, {0}};
    GtkTreeViewColumn **columns = h.columns;
    int *top = h.top;
    int *bottom = h.bottom;
    guint n_columns = 0;

    if (self->tree_view == NULL || self->sort == NULL ||
        !gtk_widget_get_realized(GTK_WIDGET(self->tree_view)))
        return;
    for (guint i = 0; i < N_STATS_COLUMNS; i++) {
        columns[i] =
            gtk_tree_view_column_get_visible(stats_column(self, i)) ? stats_column(self, i) : NULL;
        n_columns += columns[i] != NULL;
        top[i] = G_MAXINT;
        bottom[i] = G_MININT;
    }
    if (n_columns == 0)
        return;
    gtk_tree_view_get_cursor(self->tree_view, &cursor, NULL);
    h.cursor = cursor;
    foreach_row_on_screen(self, host_figures_row, &h);
    for (guint i = 0; i < N_STATS_COLUMNS; i++) {
        int x, y;

        if (top[i] >= bottom[i])
            continue;
        /* Column offsets and row areas are in the view's bin window; drawing is in its own. */
        gtk_tree_view_convert_bin_window_to_widget_coords(
            self->tree_view, gtk_tree_view_column_get_x_offset(columns[i]), top[i], &x, &y);
        gtk_widget_queue_draw_area(GTK_WIDGET(self->tree_view), x, y,
                                   gtk_tree_view_column_get_width(columns[i]), bottom[i] - top[i]);
    }
    if (h.current_on_screen)
        announce_current_rows(self, cursor);
}

static void
host_stats_updated_cb(HakoManagerWindow *self, HakoHost *host)
{
    redraw_host_figures(self, host, FALSE);
}

/* A figure polled or not changes the cells of every guest of the host ("Off"). */
static void
host_polled_stats_cb(HakoManagerWindow *self, GParamSpec *pspec, HakoHost *host)
{
    redraw_host_figures(self, host, TRUE);
}

static void
unfollow_host(HakoManagerWindow *self, HakoHost *host)
{
    g_signal_handlers_disconnect_by_func(host, host_stats_updated_cb, self);
    g_signal_handlers_disconnect_by_func(host, host_polled_stats_cb, self);
}

/* stats_hosts mirrors the manager's hosts, so that removed ones are let go of by position. */
static void
hosts_items_changed_cb(
    HakoManagerWindow *self, guint position, guint removed, guint added, GListModel *hosts)
{
    g_return_if_fail(position + removed <= self->stats_hosts->len);

    for (guint i = 0; i < removed; i++)
        unfollow_host(self, g_ptr_array_index(self->stats_hosts, position + i));
    g_ptr_array_remove_range(self->stats_hosts, position, removed);
    for (guint i = 0; i < added; i++) {
        HakoHost *host = g_list_model_get_item(hosts, position + i);

        g_signal_connect_object(host, "stats-updated", G_CALLBACK(host_stats_updated_cb), self,
                                G_CONNECT_SWAPPED);
        g_signal_connect_object(host, "notify::polled-stats", G_CALLBACK(host_polled_stats_cb),
                                self, G_CONNECT_SWAPPED);
        g_ptr_array_insert(self->stats_hosts, position + i, host); /* takes the reference */
    }
}

/* The View menu shows or hides the columns through their GSettings keys. */
static void
bind_columns(HakoManagerWindow *self)
{
    for (guint i = 0; i <= N_STATS_COLUMNS; i++) {
        const char *key = i < N_STATS_COLUMNS ? stats_columns[i].key : "column-ip";
        GtkTreeViewColumn *column = i < N_STATS_COLUMNS ? stats_column(self, i) : self->ip_column;
        g_autoptr(GAction) action = g_settings_create_action(self->settings, key);

        g_settings_bind(self->settings, key, column, "visible", G_SETTINGS_BIND_GET);
        g_action_map_add_action(G_ACTION_MAP(self), action);
    }
}

/* ---------------------------------------------------------------------------------------- */
/* GObject                                                                                   */

/* ---------------------------------------------------------------------------------------- */
/* Jobs                                                                                       */

static void
job_notify_cb(HakoJob *job, GParamSpec *pspec, GtkWidget *row)
{
    GtkProgressBar *bar = g_object_get_data(G_OBJECT(row), "bar");
    double fraction = hako_job_get_fraction(job);

    if (fraction < 0)
        gtk_progress_bar_pulse(bar);
    else
        gtk_progress_bar_set_fraction(bar, fraction);
    gtk_progress_bar_set_text(bar, hako_job_get_status(job));
}

static GtkWidget *
make_job_row(gpointer item, gpointer user_data)
{
    HakoJob *job = item;
    GtkWidget *row = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 12);
    GtkWidget *title = gtk_label_new(hako_job_get_title(job));
    GtkWidget *bar = gtk_progress_bar_new();
    GtkWidget *cancel = gtk_button_new_with_mnemonic(_("_Cancel"));
    /* Translators: a button's name for screen readers; %s is what the job does */
    g_autofree char *cancel_name = g_strdup_printf(_("Cancel %s"), hako_job_get_title(job));

    gtk_container_set_border_width(GTK_CONTAINER(row), 6);
    gtk_label_set_xalign(GTK_LABEL(title), 0.0);
    gtk_progress_bar_set_show_text(GTK_PROGRESS_BAR(bar), TRUE);
    gtk_widget_set_valign(bar, GTK_ALIGN_CENTER);
    gtk_widget_set_hexpand(bar, TRUE);
    atk_object_set_name(gtk_widget_get_accessible(cancel), cancel_name);
    gtk_box_pack_start(GTK_BOX(row), title, FALSE, FALSE, 0);
    gtk_box_pack_start(GTK_BOX(row), bar, TRUE, TRUE, 0);
    gtk_box_pack_start(GTK_BOX(row), cancel, FALSE, FALSE, 0);
    g_object_set_data(G_OBJECT(row), "bar", bar);
    g_signal_connect_object(cancel, "clicked", G_CALLBACK(hako_job_cancel), job, G_CONNECT_SWAPPED);
    g_signal_connect_object(job, "notify", G_CALLBACK(job_notify_cb), row, 0);
    job_notify_cb(job, NULL, row);
    gtk_widget_show_all(row);
    return row;
}

static void
jobs_changed_cb(HakoManagerWindow *self)
{
    gtk_widget_set_visible(self->jobs_list,
                           g_list_model_get_n_items(G_LIST_MODEL(hako_job_list_get_default())) > 0);
}

/* The bar follows the selected guest, so the window's actions apply to the bar's guest; Force
 * Off goes through them to be confirmed like the menu's. */
static void
trouble_action_cb(HakoManagerWindow *self, HakoDomain *domain, int action, HakoTroubleBar *bar)
{
    for (guint i = 0; i < G_N_ELEMENTS(domain_actions); i++) {
        if ((int)domain_actions[i].action != action)
            continue;
        if (domain == self->selected_domain)
            g_action_group_activate_action(G_ACTION_GROUP(self), domain_actions[i].name, NULL);
        return;
    }
}

static void
add_trouble_bar(HakoManagerWindow *self)
{
    GtkWidget *parent = gtk_widget_get_parent(GTK_WIDGET(self->info_bar));
    int position = 0;

    self->trouble_bar = HAKO_TROUBLE_BAR(hako_trouble_bar_new(self->manager));
    gtk_container_add(GTK_CONTAINER(parent), GTK_WIDGET(self->trouble_bar));
    gtk_container_child_get(GTK_CONTAINER(parent), GTK_WIDGET(self->info_bar), "position",
                            &position, NULL);
    gtk_box_reorder_child(GTK_BOX(parent), GTK_WIDGET(self->trouble_bar), position + 1);
    g_signal_connect_object(self->trouble_bar, "action", G_CALLBACK(trouble_action_cb), self,
                            G_CONNECT_SWAPPED);
}

static void
add_jobs_list(HakoManagerWindow *self)
{
    GListStore *jobs = hako_job_list_get_default();

    self->jobs_list = gtk_list_box_new();
    gtk_list_box_set_selection_mode(GTK_LIST_BOX(self->jobs_list), GTK_SELECTION_NONE);
    atk_object_set_name(gtk_widget_get_accessible(self->jobs_list), _("Running jobs"));
    gtk_list_box_bind_model(GTK_LIST_BOX(self->jobs_list), G_LIST_MODEL(jobs), make_job_row, NULL,
                            NULL);
    gtk_box_pack_end(self->main_box, self->jobs_list, FALSE, FALSE, 0);
    g_signal_connect_object(jobs, "items-changed", G_CALLBACK(jobs_changed_cb), self,
                            G_CONNECT_SWAPPED);
    jobs_changed_cb(self);
}

static void
hako_manager_window_constructed(GObject *object)
{
    HakoManagerWindow *self = HAKO_MANAGER_WINDOW(object);
    GListModel *hosts;

    G_OBJECT_CLASS(hako_manager_window_parent_class)->constructed(object);
    add_jobs_list(self);
    add_trouble_bar(self);

    g_assert(HAKO_IS_CONNECTION_MANAGER(self->manager));
    g_assert(G_IS_SETTINGS(self->settings));

    hako_widgets_remember_geometry(GTK_WINDOW(self), self->settings, "window");

    self->store = hako_host_store_new(hako_connection_manager_get_hosts(self->manager));
    g_signal_connect_object(self->store, "batch-begin", G_CALLBACK(store_batch_begin_cb), self,
                            G_CONNECT_SWAPPED);
    g_signal_connect_object(self->store, "batch-end", G_CALLBACK(store_batch_end_cb), self,
                            G_CONNECT_SWAPPED);
    attach_models(self);

    bind_columns(self);
    follow_rows_on_screen(self);
    start_thumbnails(self);
    hosts = hako_connection_manager_get_hosts(self->manager);
    g_signal_connect_object(hosts, "items-changed", G_CALLBACK(hosts_items_changed_cb), self,
                            G_CONNECT_SWAPPED);
    hosts_items_changed_cb(self, 0, 0, g_list_model_get_n_items(hosts), hosts);

    update_actions(self);
}

static void
hako_manager_window_dispose(GObject *object)
{
    HakoManagerWindow *self = HAKO_MANAGER_WINDOW(object);

    g_clear_handle_id(&self->thumbnail_timer, g_source_remove);
    g_clear_handle_id(&self->watch_id, g_source_remove);
    if (self->manager != NULL)
        hako_connection_manager_set_watched(self->manager, self, NULL, HAKO_STATS_POLL_NONE);

    /* dispose runs twice for a window (gtk_widget_destroy, then the last unref); the actions
     * are gone the second time, so nothing here may update them. */
    if (self->tree_view != NULL) {
        g_signal_handlers_disconnect_by_data(self->selection, self);
        gtk_tree_view_set_model(self->tree_view, NULL);
    }
    if (self->trouble_bar != NULL)
        hako_trouble_bar_set_domain(self->trouble_bar, NULL);
    self->trouble_bar = NULL; /* a child: destroyed with the window */
    clear_selected(self);

    g_clear_pointer(&self->guest_menu, gtk_widget_destroy);
    g_clear_pointer(&self->host_menu, gtk_widget_destroy);

    if (self->manager != NULL)
        g_signal_handlers_disconnect_by_func(hako_connection_manager_get_hosts(self->manager),
                                             hosts_items_changed_cb, self);
    if (self->stats_hosts != NULL) {
        for (guint i = 0; i < self->stats_hosts->len; i++)
            unfollow_host(self, g_ptr_array_index(self->stats_hosts, i));
        g_clear_pointer(&self->stats_hosts, g_ptr_array_unref);
    }

    if (self->store != NULL)
        g_signal_handlers_disconnect_by_data(self->store, self);
    g_clear_object(&self->batch_selected);
    g_clear_object(&self->sort);
    g_clear_object(&self->filter);
    g_clear_object(&self->store);
    g_clear_object(&self->ops);
    g_clear_object(&self->manager); /* no watch is scheduled from here on */
    g_clear_handle_id(&self->watch_id, g_source_remove);
    g_clear_object(&self->settings);
    g_cancellable_cancel(self->cancellable);
    g_clear_object(&self->cancellable);

    G_OBJECT_CLASS(hako_manager_window_parent_class)->dispose(object);
}

static void
hako_manager_window_finalize(GObject *object)
{
    HakoManagerWindow *self = HAKO_MANAGER_WINDOW(object);

    g_free(self->search_key);
    g_free(self->save_folder);
    g_hash_table_unref(self->collapsed_uris);
    g_clear_pointer(&self->thumbnails, g_hash_table_unref);
    g_clear_pointer(&self->thumbnails_pending, g_hash_table_unref);

    G_OBJECT_CLASS(hako_manager_window_parent_class)->finalize(object);
}

static void
hako_manager_window_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
    HakoManagerWindow *self = HAKO_MANAGER_WINDOW(object);

    switch (prop_id) {
    case PROP_MANAGER:
        g_value_set_object(value, self->manager);
        break;
    case PROP_SETTINGS:
        g_value_set_object(value, self->settings);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    }
}

static void
hako_manager_window_set_property(GObject *object,
                                 guint prop_id,
                                 const GValue *value,
                                 GParamSpec *pspec)
{
    HakoManagerWindow *self = HAKO_MANAGER_WINDOW(object);

    switch (prop_id) {
    case PROP_MANAGER:
        self->manager = g_value_dup_object(value);
        self->ops = hako_domain_ops_new(self->manager);
        break;
    case PROP_SETTINGS:
        self->settings = g_value_dup_object(value);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    }
}

static void
hako_manager_window_class_init(HakoManagerWindowClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);
    GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

    object_class->constructed = hako_manager_window_constructed;
    object_class->dispose = hako_manager_window_dispose;
    object_class->finalize = hako_manager_window_finalize;
    object_class->get_property = hako_manager_window_get_property;
    object_class->set_property = hako_manager_window_set_property;

    properties[PROP_MANAGER] =
        g_param_spec_object("manager", NULL, NULL, HAKO_TYPE_CONNECTION_MANAGER, flags);
    properties[PROP_SETTINGS] = g_param_spec_object("settings", NULL, NULL, G_TYPE_SETTINGS, flags);
    g_object_class_install_properties(object_class, N_PROPS, properties);

    /* The template names it; GtkBuilder cannot find a type by name in a static library. */
    g_type_ensure(HAKO_TYPE_SPARKLINE_RENDERER);
    g_type_ensure(HAKO_TYPE_FIGURE_RENDERER);
    gtk_widget_class_set_template_from_resource(widget_class,
                                                RESOURCE_PREFIX "/ui/hako-manager-window.ui");
    gtk_widget_class_bind_template_child(widget_class, HakoManagerWindow, main_box);
    gtk_widget_class_bind_template_child(widget_class, HakoManagerWindow, menubar_model);
    gtk_widget_class_bind_template_child(widget_class, HakoManagerWindow, guest_menu_model);
    gtk_widget_class_bind_template_child(widget_class, HakoManagerWindow, host_menu_model);
    gtk_widget_class_bind_template_child(widget_class, HakoManagerWindow, shutdown_menu_model);
    gtk_widget_class_bind_template_child(widget_class, HakoManagerWindow, run_button);
    gtk_widget_class_bind_template_child(widget_class, HakoManagerWindow, pause_button);
    gtk_widget_class_bind_template_child(widget_class, HakoManagerWindow, resume_button);
    gtk_widget_class_bind_template_child(widget_class, HakoManagerWindow, shutdown_button);
    gtk_widget_class_bind_template_child(widget_class, HakoManagerWindow, search_entry);
    gtk_widget_class_bind_template_child(widget_class, HakoManagerWindow, info_bar);
    gtk_widget_class_bind_template_child(widget_class, HakoManagerWindow, info_label);
    gtk_widget_class_bind_template_child(widget_class, HakoManagerWindow, tree_view);
    gtk_widget_class_bind_template_child(widget_class, HakoManagerWindow, selection);
    gtk_widget_class_bind_template_child(widget_class, HakoManagerWindow, name_column);
    gtk_widget_class_bind_template_child(widget_class, HakoManagerWindow, state_column);
    gtk_widget_class_bind_template_child(widget_class, HakoManagerWindow, vcpus_column);
    gtk_widget_class_bind_template_child(widget_class, HakoManagerWindow, memory_column);
    gtk_widget_class_bind_template_child(widget_class, HakoManagerWindow, name_renderer);
    gtk_widget_class_bind_template_child(widget_class, HakoManagerWindow, state_icon_renderer);
    gtk_widget_class_bind_template_child(widget_class, HakoManagerWindow, state_text_renderer);
    gtk_widget_class_bind_template_child(widget_class, HakoManagerWindow, vcpus_renderer);
    gtk_widget_class_bind_template_child(widget_class, HakoManagerWindow, memory_renderer);
    gtk_widget_class_bind_template_child(widget_class, HakoManagerWindow, guest_cpu_column);
    gtk_widget_class_bind_template_child(widget_class, HakoManagerWindow, host_cpu_column);
    gtk_widget_class_bind_template_child(widget_class, HakoManagerWindow, memory_usage_column);
    gtk_widget_class_bind_template_child(widget_class, HakoManagerWindow, disk_column);
    gtk_widget_class_bind_template_child(widget_class, HakoManagerWindow, network_column);
    gtk_widget_class_bind_template_child(widget_class, HakoManagerWindow, ip_column);
    gtk_widget_class_bind_template_child(widget_class, HakoManagerWindow, guest_cpu_graph_renderer);
    gtk_widget_class_bind_template_child(widget_class, HakoManagerWindow, guest_cpu_text_renderer);
    gtk_widget_class_bind_template_child(widget_class, HakoManagerWindow, host_cpu_graph_renderer);
    gtk_widget_class_bind_template_child(widget_class, HakoManagerWindow, host_cpu_text_renderer);
    gtk_widget_class_bind_template_child(widget_class, HakoManagerWindow,
                                         memory_usage_graph_renderer);
    gtk_widget_class_bind_template_child(widget_class, HakoManagerWindow,
                                         memory_usage_text_renderer);
    gtk_widget_class_bind_template_child(widget_class, HakoManagerWindow, disk_graph_renderer);
    gtk_widget_class_bind_template_child(widget_class, HakoManagerWindow, disk_text_renderer);
    gtk_widget_class_bind_template_child(widget_class, HakoManagerWindow, network_graph_renderer);
    gtk_widget_class_bind_template_child(widget_class, HakoManagerWindow, network_text_renderer);
    gtk_widget_class_bind_template_child(widget_class, HakoManagerWindow, ip_renderer);
    gtk_widget_class_bind_template_child(widget_class, HakoManagerWindow, thumbnail_column);
    gtk_widget_class_bind_template_child(widget_class, HakoManagerWindow, thumbnail_renderer);

    gtk_widget_class_bind_template_callback(widget_class, info_bar_response_cb);
    gtk_widget_class_bind_template_callback(widget_class, search_changed_cb);
    gtk_widget_class_bind_template_callback(widget_class, search_stop_cb);
    gtk_widget_class_bind_template_callback(widget_class, search_activate_cb);
    gtk_widget_class_bind_template_callback(widget_class, row_activated_cb);
    gtk_widget_class_bind_template_callback(widget_class, row_expanded_cb);
    gtk_widget_class_bind_template_callback(widget_class, row_collapsed_cb);
    gtk_widget_class_bind_template_callback(widget_class, tree_button_press_cb);
    gtk_widget_class_bind_template_callback(widget_class, tree_popup_menu_cb);
    gtk_widget_class_bind_template_callback(widget_class, tree_query_tooltip_cb);
    gtk_widget_class_bind_template_callback(widget_class, selection_changed_cb);
}

static void
hako_manager_window_init(HakoManagerWindow *self)
{
    GtkWidget *shutdown_menu;

    self->cancellable = g_cancellable_new();
    self->collapsed_uris = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    self->stats_hosts = g_ptr_array_new_with_free_func(g_object_unref);

    g_action_map_add_action_entries(G_ACTION_MAP(self), win_entries, G_N_ELEMENTS(win_entries),
                                    self);

    gtk_widget_init_template(GTK_WIDGET(self));

    self->menubar = gtk_menu_bar_new_from_model(self->menubar_model);
    gtk_widget_show(self->menubar);
    gtk_box_pack_start(self->main_box, self->menubar, FALSE, FALSE, 0);
    gtk_box_reorder_child(self->main_box, self->menubar, 0);

    self->guest_menu = gtk_menu_new_from_model(self->guest_menu_model);
    gtk_menu_attach_to_widget(GTK_MENU(self->guest_menu), GTK_WIDGET(self->tree_view), NULL);
    self->host_menu = gtk_menu_new_from_model(self->host_menu_model);
    gtk_menu_attach_to_widget(GTK_MENU(self->host_menu), GTK_WIDGET(self->tree_view), NULL);

    shutdown_menu = gtk_menu_new_from_model(self->shutdown_menu_model);
    gtk_menu_tool_button_set_menu(self->shutdown_button, shutdown_menu);
    gtk_menu_tool_button_set_arrow_tooltip_text(self->shutdown_button,
                                                _("Reboot, reset, force off or save the guest"));

    g_signal_connect(self->tree_view, "draw", G_CALLBACK(view_draw_begin_cb), NULL);
    g_signal_connect_after(self->tree_view, "draw", G_CALLBACK(view_draw_end_cb), NULL);
    gtk_tree_view_column_set_cell_data_func(self->name_column, self->name_renderer, name_data_func,
                                            self, NULL);
    gtk_tree_view_column_set_cell_data_func(self->state_column, self->state_icon_renderer,
                                            state_icon_data_func, self, NULL);
    gtk_tree_view_column_set_cell_data_func(self->state_column, self->state_text_renderer,
                                            state_text_data_func, self, NULL);
    gtk_tree_view_column_set_cell_data_func(self->vcpus_column, self->vcpus_renderer,
                                            vcpus_data_func, self, NULL);
    gtk_tree_view_column_set_cell_data_func(self->memory_column, self->memory_renderer,
                                            memory_data_func, self, NULL);

    {
        GtkCellRenderer *renderers[N_STATS_COLUMNS][2] = {
            [STATS_COLUMN_GUEST_CPU] = {self->guest_cpu_graph_renderer,
                                        self->guest_cpu_text_renderer},
            [STATS_COLUMN_HOST_CPU] = {self->host_cpu_graph_renderer, self->host_cpu_text_renderer},
            [STATS_COLUMN_MEMORY] = {self->memory_usage_graph_renderer,
                                     self->memory_usage_text_renderer},
            [STATS_COLUMN_DISK] = {self->disk_graph_renderer, self->disk_text_renderer},
            [STATS_COLUMN_NETWORK] = {self->network_graph_renderer, self->network_text_renderer},
        };

        for (guint i = 0; i < N_STATS_COLUMNS; i++) {
            gtk_tree_view_column_set_cell_data_func(stats_column(self, i), renderers[i][0],
                                                    graph_data_func, GUINT_TO_POINTER(i), NULL);
            gtk_tree_view_column_set_cell_data_func(stats_column(self, i), renderers[i][1],
                                                    figure_text_data_func, GUINT_TO_POINTER(i),
                                                    NULL);
        }
    }
    gtk_tree_view_column_set_cell_data_func(self->ip_column, self->ip_renderer, ip_data_func, self,
                                            NULL);
    gtk_tree_view_column_set_cell_data_func(self->thumbnail_column, self->thumbnail_renderer,
                                            thumbnail_data_func, self, NULL);
    fit_columns(self);
    g_signal_connect_object(self->tree_view, "style-updated", G_CALLBACK(tree_style_updated_cb),
                            self, G_CONNECT_SWAPPED | G_CONNECT_AFTER);
}

/**
 * hako_manager_window_new:
 * @application: the application the window belongs to
 * @manager: the connections to list
 * @settings: the org.hako.Hako settings (geometry, confirmations)
 *
 * Returns: (transfer full): a new manager window, not shown yet.
 */
HakoManagerWindow *
hako_manager_window_new(GtkApplication *application,
                        HakoConnectionManager *manager,
                        GSettings *settings)
{
    g_return_val_if_fail(GTK_IS_APPLICATION(application), NULL);
    g_return_val_if_fail(HAKO_IS_CONNECTION_MANAGER(manager), NULL);
    g_return_val_if_fail(G_IS_SETTINGS(settings), NULL);

    return g_object_new(HAKO_TYPE_MANAGER_WINDOW, "application", application, "manager", manager,
                        "settings", settings, NULL);
}
