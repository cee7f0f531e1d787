/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoGraph: a live statistics graph of one or two histories, drawn with cairo. */
#include "config.h"

#include "hako-graph.h"

#include <glib/gi18n.h>
#include <math.h>

/*
 * Three parts, kept apart as in Sysprof: the data (a history's samples, newest first, NAN for
 * a tick without a figure), the axis (which maps a sample's age and value to a point of the
 * plot rectangle) and the layers (grid, series, labels) that draw with it. The grid does not
 * depend on the data, so it is drawn once into a surface and only rebuilt when the plot
 * changes size or the theme changes, as gnome-system-monitor's GsmGraph does.
 */

G_DEFINE_ENUM_TYPE(HakoGraphKind,
                   hako_graph_kind,
                   G_DEFINE_ENUM_VALUE(HAKO_GRAPH_KIND_PERCENT, "percent"),
                   G_DEFINE_ENUM_VALUE(HAKO_GRAPH_KIND_BYTES, "bytes"),
                   G_DEFINE_ENUM_VALUE(HAKO_GRAPH_KIND_RATE, "rate"))

#define N_SERIES 2
#define SPACING 6 /* between the parts of the graph, in pixels */
#define LEGEND_SPACING 12
#define FILL_ALPHA 0.25
#define GRID_ALPHA 0.12
#define FRAME_ALPHA 0.3
#define LABEL_ALPHA 0.7

struct _HakoGraph {
    GtkDrawingArea parent_instance;

    HakoStatsHistory *histories[N_SERIES];
    char *labels[N_SERIES];
    HakoGraphKind kind;
    double maximum;
    char *title;
    gboolean polled;

    /* The grid of the last plot rectangle; NULL until drawn, or after a theme change. */
    cairo_surface_t *grid;
    int grid_width;
    int grid_height;
};

G_DEFINE_FINAL_TYPE(HakoGraph, hako_graph, GTK_TYPE_DRAWING_AREA)

enum {
    PROP_0,
    PROP_HISTORY,
    PROP_SECOND_HISTORY,
    PROP_KIND,
    PROP_MAXIMUM,
    PROP_TITLE,
    PROP_POLLED,
    PROP_SERIES_LABEL,
    PROP_SECOND_SERIES_LABEL,
    N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---------------------------------------------------------------------------------------- */
/* Data                                                                                      */

/* The largest sample of @history, or NAN when it holds none. */
static double
series_max(HakoStatsHistory *history)
{
    double max = NAN;
    guint n;

    if (history == NULL)
        return NAN;
    n = MIN(hako_stats_history_get_n_samples(history), hako_stats_history_get_capacity(history));
    for (guint age = 0; age < n; age++) {
        double value = hako_stats_history_get(history, age);

        if (!isnan(value) && (isnan(max) || value > max))
            max = value;
    }
    return max;
}

static double
series_latest(HakoStatsHistory *history)
{
    if (history == NULL || hako_stats_history_get_n_samples(history) == 0)
        return NAN;
    return hako_stats_history_get_latest(history);
}

static guint
series_capacity(HakoStatsHistory *history, HakoStatsHistory *second)
{
    guint capacity = 0;

    if (history != NULL)
        capacity = hako_stats_history_get_capacity(history);
    if (second != NULL)
        capacity = MAX(capacity, hako_stats_history_get_capacity(second));
    return capacity;
}

/**
 * hako_graph_nice_maximum:
 * @value: the largest figure to show, in bytes or bytes per second
 *
 * Returns: a round value at least @value (1, 1.5, 2, 3, 4, 5, 6 or 8 times a power of ten
 *   times a power of 1024), so that the axis reads "1.5 MiB/s" rather than "1.37 MiB/s";
 *   1 KiB for nothing at all.
 */
double
hako_graph_nice_maximum(double value)
{
    static const double steps[] = {1,  1.5, 2,  3,  4,   5,   6,   8,   10,  15,  20,  30,
                                   40, 50,  60, 80, 100, 150, 200, 300, 400, 500, 600, 800};
    double unit = 1024;

    if (!isfinite(value) || value <= unit)
        return unit;
    while (value > unit * 1024 && isfinite(unit * 1024 * 1024))
        unit *= 1024;
    for (guint i = 0; i < G_N_ELEMENTS(steps); i++)
        if (steps[i] * unit >= value)
            return steps[i] * unit;
    return unit * 1024;
}

/* The value at the top of the plot. */
static double
scale_maximum(gboolean percent, double maximum, HakoStatsHistory *history, HakoStatsHistory *second)
{
    double a, b;

    if (percent)
        return 100;
    if (maximum > 0)
        return maximum;
    a = series_max(history);
    b = series_max(second);
    return hako_graph_nice_maximum(isnan(a) ? b : isnan(b) ? a : MAX(a, b));
}

/**
 * hako_graph_get_series_color:
 * @series: 0 for the main series, 1 for the second one
 *
 * The fixed colours of the series, the same in every theme: they have to read on a light
 * and on a dark background alike.
 */
void
hako_graph_get_series_color(guint series, GdkRGBA *color)
{
    static const GdkRGBA palette[N_SERIES] = {
        {0.208, 0.518, 0.894, 1.0}, /* blue, #3584e4 */
        {0.902, 0.380, 0.000, 1.0}, /* orange, #e66100 */
    };

    g_return_if_fail(color != NULL);
    *color = palette[MIN(series, N_SERIES - 1)];
}

/* ---------------------------------------------------------------------------------------- */
/* Axis                                                                                      */

typedef struct {
    double x0, y0, width, height; /* the plot rectangle */
    double maximum;               /* the value at the top */
    guint capacity;               /* samples across: the newest on the right edge */
} GraphAxis;

static double
axis_x(const GraphAxis *axis, guint age)
{
    if (axis->capacity <= 1)
        return axis->x0 + axis->width;
    return axis->x0 + axis->width - axis->width * age / (axis->capacity - 1);
}

static double
axis_y(const GraphAxis *axis, double value)
{
    double fraction = axis->maximum > 0 ? value / axis->maximum : 0;

    return axis->y0 + axis->height - CLAMP(fraction, 0.0, 1.0) * axis->height;
}

/* ---------------------------------------------------------------------------------------- */
/* Layers                                                                                    */

/*
 * Appends one subpath per run of samples that are not NAN, so that a tick without a figure
 * leaves a gap. When @closed, each run is closed down to the axis, for the fill.
 */
static void
append_runs(cairo_t *cr, const GraphAxis *axis, HakoStatsHistory *history, gboolean closed)
{
    guint n = MIN(hako_stats_history_get_n_samples(history), axis->capacity);
    double first_x = 0, last_x = 0;
    double pending_x = 0; /* a point held back: it may lie inside a level stretch */
    gboolean pending = FALSE;
    gboolean in_run = FALSE;
    double run_y = 0;
    double bottom = axis->y0 + axis->height;

    for (guint i = 0; i <= n; i++) {
        /* Oldest first; one step past the oldest sample ends the last run. */
        guint age = n - 1 - i;
        double value = i < n ? hako_stats_history_get(history, age) : NAN;
        double x, y;

        if (isnan(value)) {
            if (in_run && pending)
                cairo_line_to(cr, pending_x, run_y);
            if (in_run && closed) {
                cairo_line_to(cr, last_x, bottom);
                cairo_line_to(cr, first_x, bottom);
                cairo_close_path(cr);
            }
            in_run = FALSE;
            pending = FALSE;
            continue;
        }
        x = axis_x(axis, age);
        /* to a quarter of a pixel, which no one sees, so that a level line is level */
        y = round(axis_y(axis, value) * 4.0) / 4.0;
        if (!in_run) {
            cairo_move_to(cr, x, y);
            /* A lone sample is a zero-length segment, which a round cap draws as a dot. */
            cairo_line_to(cr, x, y);
            first_x = x;
            run_y = y;
            in_run = TRUE;
        } else if (y == run_y) {
            /* Points along a level stretch draw nothing its ends do not: only its last one is
             * drawn, once the stretch ends (idle guests' graphs are mostly level). */
            pending_x = x;
            pending = TRUE;
        } else {
            if (pending)
                cairo_line_to(cr, pending_x, run_y);
            cairo_line_to(cr, x, y);
            run_y = y;
            pending = FALSE;
        }
        last_x = x;
    }
}

static void
draw_series(cairo_t *cr,
            const GraphAxis *axis,
            HakoStatsHistory *history,
            const GdkRGBA *color,
            double line_width)
{
    if (history == NULL || axis->capacity == 0)
        return;

    cairo_save(cr);
    cairo_new_path(cr);
    append_runs(cr, axis, history, TRUE);
    cairo_set_source_rgba(cr, color->red, color->green, color->blue, color->alpha * FILL_ALPHA);
    cairo_fill(cr);

    append_runs(cr, axis, history, FALSE);
    gdk_cairo_set_source_rgba(cr, color);
    cairo_set_line_width(cr, line_width);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    /* Bevelled: at these widths it looks the same as round, and cairo makes a round join of
     * every point of a line out of many more trapezoids. */
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_BEVEL);
    cairo_stroke(cr);
    cairo_restore(cr);
}

/**
 * hako_graph_draw_sparkline:
 * @cr: where to draw
 * @area: the rectangle to draw in; nothing is drawn outside it
 * @history: (nullable): the main series
 * @second: (nullable): a second series, drawn under the first
 * @maximum: the value at the top, or 0 to scale to the data (ignored when @percent)
 * @percent: scale from 0 to 100
 * @line: (nullable): the colour of @history, or NULL for the first series colour
 * @second_line: (nullable): the colour of @second, or NULL for the second series colour
 *
 * Draws the small graph of a list row: the lines and their fill, no text. The newest sample
 * is on the right, and the width spans the capacity of the histories.
 */
void
hako_graph_draw_sparkline(cairo_t *cr,
                          const GdkRectangle *area,
                          HakoStatsHistory *history,
                          HakoStatsHistory *second,
                          double maximum,
                          gboolean percent,
                          const GdkRGBA *line,
                          const GdkRGBA *second_line)
{
    GdkRGBA colors[N_SERIES];
    GraphAxis axis;

    g_return_if_fail(cr != NULL);
    g_return_if_fail(area != NULL);

    if ((history == NULL && second == NULL) || area->width < 3 || area->height < 3)
        return;

    hako_graph_get_series_color(0, &colors[0]);
    hako_graph_get_series_color(1, &colors[1]);
    axis.x0 = area->x + 1;
    axis.y0 = area->y + 1;
    axis.width = area->width - 2;
    axis.height = area->height - 2;
    axis.maximum = scale_maximum(percent, maximum, history, second);
    axis.capacity = series_capacity(history, second);

    cairo_save(cr);
    gdk_cairo_rectangle(cr, area);
    cairo_clip(cr);
    draw_series(cr, &axis, second, second_line != NULL ? second_line : &colors[1], 1.0);
    draw_series(cr, &axis, history, line != NULL ? line : &colors[0], 1.0);
    cairo_restore(cr);
}

static char *
format_value(HakoGraphKind kind, double value)
{
    switch (kind) {
    case HAKO_GRAPH_KIND_BYTES:
        return hako_stats_format_bytes(value);
    case HAKO_GRAPH_KIND_RATE:
        return hako_stats_format_rate(value);
    case HAKO_GRAPH_KIND_PERCENT:
    default:
        return hako_stats_format_percent(value);
    }
}

/* The legend entry of one series: its label and latest value, "Read 1.2 MiB/s". */
static char *
series_text(HakoGraph *self, guint series)
{
    double latest = series_latest(self->histories[series]);
    g_autofree char *value = NULL;

    if (isnan(latest))
        /* Translators: a graph's current value when there is none (the guest is off) */
        value = g_strdup(_("No data"));
    else
        value = format_value(self->kind, latest);
    if (self->labels[series] == NULL || *self->labels[series] == '\0')
        return g_steal_pointer(&value);
    /* Translators: a graph series' name and its latest value: "CPU 12 %", "Read 1.2 MiB/s" */
    return g_strdup_printf(_("%s %s"), self->labels[series], value);
}

static PangoLayout *
make_layout(GtkWidget *widget, const char *text, gboolean bold, gboolean small)
{
    PangoLayout *layout = gtk_widget_create_pango_layout(widget, text);
    g_autoptr(PangoAttrList) attrs = pango_attr_list_new();

    if (bold)
        pango_attr_list_insert(attrs, pango_attr_weight_new(PANGO_WEIGHT_BOLD));
    if (small)
        pango_attr_list_insert(attrs, pango_attr_scale_new(PANGO_SCALE_SMALL));
    pango_layout_set_attributes(layout, attrs);
    return layout;
}

static void
set_source_alpha(cairo_t *cr, const GdkRGBA *color, double alpha)
{
    cairo_set_source_rgba(cr, color->red, color->green, color->blue, color->alpha * alpha);
}

/* The grid and frame of a plot of @width x @height, in the text colour, faint. */
static void
draw_grid(cairo_t *cr, int width, int height, const GdkRGBA *fg)
{
    cairo_save(cr);
    cairo_set_line_width(cr, 1);
    set_source_alpha(cr, fg, GRID_ALPHA);
    for (int i = 1; i < 4; i++) {
        double y = floor(height * i / 4.0) + 0.5;
        double x = floor(width * i / 4.0) + 0.5;

        cairo_move_to(cr, 0, y);
        cairo_line_to(cr, width, y);
        cairo_move_to(cr, x, 0);
        cairo_line_to(cr, x, height);
    }
    cairo_stroke(cr);
    set_source_alpha(cr, fg, FRAME_ALPHA);
    cairo_rectangle(cr, 0.5, 0.5, width - 1, height - 1);
    cairo_stroke(cr);
    cairo_restore(cr);
}

static void
paint_grid(HakoGraph *self, cairo_t *cr, int x, int y, int width, int height, const GdkRGBA *fg)
{
    GdkWindow *window = gtk_widget_get_window(GTK_WIDGET(self));

    if (self->grid == NULL || self->grid_width != width || self->grid_height != height) {
        cairo_t *grid_cr;

        g_clear_pointer(&self->grid, cairo_surface_destroy);
        if (window != NULL)
            self->grid =
                gdk_window_create_similar_surface(window, CAIRO_CONTENT_COLOR_ALPHA, width, height);
        else
            self->grid = cairo_surface_create_similar(cairo_get_target(cr),
                                                      CAIRO_CONTENT_COLOR_ALPHA, width, height);
        self->grid_width = width;
        self->grid_height = height;
        grid_cr = cairo_create(self->grid);
        draw_grid(grid_cr, width, height, fg);
        cairo_destroy(grid_cr);
    }
    cairo_set_source_surface(cr, self->grid, x, y);
    cairo_paint(cr);
}

/* The legend: a colour swatch and the text of each series, from (x, y). */
static void
draw_legend(HakoGraph *self,
            cairo_t *cr,
            PangoLayout **items,
            guint n_items,
            double x,
            double y,
            const GdkRGBA *fg)
{
    for (guint i = 0; i < n_items; i++) {
        GdkRGBA color;
        int width, height;
        double swatch;

        pango_layout_get_pixel_size(items[i], &width, &height);
        swatch = floor(height * 0.6);
        hako_graph_get_series_color(i, &color);
        gdk_cairo_set_source_rgba(cr, &color);
        cairo_rectangle(cr, x, y + floor((height - swatch) / 2), swatch, swatch);
        cairo_fill(cr);
        x += swatch + SPACING / 2;
        gdk_cairo_set_source_rgba(cr, fg);
        cairo_move_to(cr, x, y);
        pango_cairo_show_layout(cr, items[i]);
        x += width + LEGEND_SPACING;
    }
}

static double
legend_width(PangoLayout **items, guint n_items)
{
    double total = 0;

    for (guint i = 0; i < n_items; i++) {
        int width, height;

        pango_layout_get_pixel_size(items[i], &width, &height);
        total += floor(height * 0.6) + SPACING / 2 + width + (i > 0 ? LEGEND_SPACING : 0);
    }
    return total;
}

static guint
n_series(HakoGraph *self)
{
    if (self->histories[0] == NULL)
        return 0;
    return self->histories[1] != NULL ? 2 : 1;
}

static void update_accessible(HakoGraph *self);

static gboolean
hako_graph_draw(GtkWidget *widget, cairo_t *cr)
{
    HakoGraph *self = HAKO_GRAPH(widget);
    GtkStyleContext *context = gtk_widget_get_style_context(widget);
    int width = gtk_widget_get_allocated_width(widget);
    int height = gtk_widget_get_allocated_height(widget);
    g_autoptr(PangoLayout) title = NULL;
    PangoLayout *items[N_SERIES] = {NULL, NULL};
    PangoLayout *ticks[3] = {NULL, NULL, NULL};
    guint n_items = self->polled ? n_series(self) : 0;
    int title_width = 0, title_height = 0, tick_width = 0, tick_height = 0;
    double header = 0, legend_x = 0, legend_y = 0;
    GraphAxis axis;
    GdkRGBA fg;

    update_accessible(self);

    gtk_render_background(context, cr, 0, 0, width, height);
    gtk_style_context_get_color(context, gtk_style_context_get_state(context), &fg);

    /* Header: the title on the left, the legend on its right, or below it if too wide. */
    if (self->title != NULL && *self->title != '\0') {
        title = make_layout(widget, self->title, TRUE, FALSE);
        pango_layout_set_width(title, width * PANGO_SCALE);
        pango_layout_set_ellipsize(title, PANGO_ELLIPSIZE_END);
        pango_layout_get_pixel_size(title, &title_width, &title_height);
        gdk_cairo_set_source_rgba(cr, &fg);
        cairo_move_to(cr, 0, 0);
        pango_cairo_show_layout(cr, title);
        header = title_height;
    }
    for (guint i = 0; i < n_items; i++) {
        g_autofree char *text = series_text(self, i);

        items[i] = make_layout(widget, text, FALSE, TRUE);
    }
    if (n_items > 0) {
        double lw = legend_width(items, n_items);
        int item_width, item_height;

        pango_layout_get_pixel_size(items[0], &item_width, &item_height);
        if (title == NULL) {
            legend_y = 0;
            header = item_height;
        } else if (title_width + LEGEND_SPACING + lw <= width) {
            legend_x = width - lw;
            legend_y = floor((title_height - item_height) / 2.0);
        } else {
            legend_y = title_height;
            header = title_height + item_height;
        }
        draw_legend(self, cr, items, n_items, legend_x, legend_y, &fg);
    }

    /* Axis: three ticks on the left (0, half, top); the plot fills the rest. */
    axis.capacity = series_capacity(self->histories[0], self->histories[1]);
    axis.maximum = scale_maximum(self->kind == HAKO_GRAPH_KIND_PERCENT, self->maximum,
                                 self->histories[0], self->histories[1]);
    if (self->polled) {
        for (guint i = 0; i < G_N_ELEMENTS(ticks); i++) {
            g_autofree char *text = format_value(self->kind, axis.maximum * i / 2.0);
            int w, h;

            ticks[i] = make_layout(widget, text, FALSE, TRUE);
            pango_layout_get_pixel_size(ticks[i], &w, &h);
            tick_width = MAX(tick_width, w);
            tick_height = MAX(tick_height, h);
        }
    }
    axis.x0 = tick_width > 0 ? tick_width + SPACING : 0;
    axis.y0 = ceil(header + (header > 0 ? SPACING : 0) + tick_height / 2.0);
    axis.width = floor(width - axis.x0);
    axis.height = floor(height - axis.y0 - ceil(tick_height / 2.0));

    if (axis.width >= 8 && axis.height >= 8) {
        paint_grid(self, cr, axis.x0, axis.y0, axis.width, axis.height, &fg);

        if (!self->polled) {
            /* Translators: shown in a graph whose figure Hako does not poll (see Preferences) */
            g_autoptr(PangoLayout) off = make_layout(widget, _("Not polled"), FALSE, FALSE);
            int w, h;

            pango_layout_get_pixel_size(off, &w, &h);
            set_source_alpha(cr, &fg, LABEL_ALPHA);
            cairo_move_to(cr, axis.x0 + floor((axis.width - w) / 2),
                          axis.y0 + floor((axis.height - h) / 2));
            pango_cairo_show_layout(cr, off);
        } else {
            GdkRGBA colors[N_SERIES];

            for (guint i = 0; i < G_N_ELEMENTS(ticks); i++) {
                int w, h;

                pango_layout_get_pixel_size(ticks[i], &w, &h);
                set_source_alpha(cr, &fg, LABEL_ALPHA);
                cairo_move_to(cr, tick_width - w,
                              axis.y0 + axis.height - axis.height * i / 2.0 - h / 2.0);
                pango_cairo_show_layout(cr, ticks[i]);
            }

            hako_graph_get_series_color(0, &colors[0]);
            hako_graph_get_series_color(1, &colors[1]);
            /* Keep the lines inside the frame. */
            cairo_save(cr);
            cairo_rectangle(cr, axis.x0, axis.y0, axis.width, axis.height);
            cairo_clip(cr);
            axis.x0 += 1;
            axis.width -= 2;
            axis.y0 += 1;
            axis.height -= 2;
            draw_series(cr, &axis, self->histories[1], &colors[1], 2.0);
            draw_series(cr, &axis, self->histories[0], &colors[0], 2.0);
            cairo_restore(cr);
        }
    }

    for (guint i = 0; i < N_SERIES; i++)
        g_clear_object(&items[i]);
    for (guint i = 0; i < G_N_ELEMENTS(ticks); i++)
        g_clear_object(&ticks[i]);
    return GDK_EVENT_PROPAGATE;
}

/* ---------------------------------------------------------------------------------------- */
/* Accessibility                                                                             */

/**
 * hako_graph_describe_values:
 *
 * Returns: (transfer full): what the graph shows now, as its legend says it:
 *   "Read 1.2 MiB/s · Write 300 KiB/s", or "Not polled". The accessible description.
 */
char *
hako_graph_describe_values(HakoGraph *self)
{
    g_autoptr(GString) text = g_string_new(NULL);
    guint n;

    g_return_val_if_fail(HAKO_IS_GRAPH(self), NULL);

    if (!self->polled)
        return g_strdup(_("Not polled"));
    n = n_series(self);
    for (guint i = 0; i < n; i++) {
        g_autofree char *item = series_text(self, i);

        if (i > 0)
            g_string_append(text, " · ");
        g_string_append(text, item);
    }
    return g_string_free(g_steal_pointer(&text), FALSE);
}

static void
update_accessible(HakoGraph *self)
{
    AtkObject *accessible = gtk_widget_get_accessible(GTK_WIDGET(self));
    g_autofree char *description = hako_graph_describe_values(self);
    const char *title = self->title != NULL ? self->title : "";

    if (g_strcmp0(atk_object_get_name(accessible), title) != 0)
        atk_object_set_name(accessible, title);
    if (g_strcmp0(atk_object_get_description(accessible), description) != 0)
        atk_object_set_description(accessible, description);
}

/**
 * hako_graph_refresh:
 *
 * Redraws the graph and updates its accessible description, after its histories got new
 * samples (their owner's "stats-updated").
 */
void
hako_graph_refresh(HakoGraph *self)
{
    g_return_if_fail(HAKO_IS_GRAPH(self));

    update_accessible(self);
    gtk_widget_queue_draw(GTK_WIDGET(self));
}

/* ---------------------------------------------------------------------------------------- */
/* Properties                                                                                */

static void
set_series_history(HakoGraph *self, guint series, HakoStatsHistory *history, guint prop_id)
{
    if (self->histories[series] == history)
        return;
    g_clear_pointer(&self->histories[series], hako_stats_history_unref);
    if (history != NULL)
        self->histories[series] = hako_stats_history_ref(history);
    g_object_notify_by_pspec(G_OBJECT(self), properties[prop_id]);
    hako_graph_refresh(self);
}

static void
set_string(HakoGraph *self, char **field, const char *value, guint prop_id)
{
    if (g_strcmp0(*field, value) == 0)
        return;
    g_free(*field);
    *field = g_strdup(value);
    g_object_notify_by_pspec(G_OBJECT(self), properties[prop_id]);
    hako_graph_refresh(self);
}

HakoStatsHistory *
hako_graph_get_history(HakoGraph *self)
{
    g_return_val_if_fail(HAKO_IS_GRAPH(self), NULL);
    return self->histories[0];
}

/**
 * hako_graph_set_history:
 * @history: (nullable): the main series
 */
void
hako_graph_set_history(HakoGraph *self, HakoStatsHistory *history)
{
    g_return_if_fail(HAKO_IS_GRAPH(self));
    set_series_history(self, 0, history, PROP_HISTORY);
}

HakoStatsHistory *
hako_graph_get_second_history(HakoGraph *self)
{
    g_return_val_if_fail(HAKO_IS_GRAPH(self), NULL);
    return self->histories[1];
}

/**
 * hako_graph_set_second_history:
 * @history: (nullable): a second series (disk writes, network sends), in the second colour
 */
void
hako_graph_set_second_history(HakoGraph *self, HakoStatsHistory *history)
{
    g_return_if_fail(HAKO_IS_GRAPH(self));
    set_series_history(self, 1, history, PROP_SECOND_HISTORY);
}

HakoGraphKind
hako_graph_get_kind(HakoGraph *self)
{
    g_return_val_if_fail(HAKO_IS_GRAPH(self), HAKO_GRAPH_KIND_PERCENT);
    return self->kind;
}

void
hako_graph_set_kind(HakoGraph *self, HakoGraphKind kind)
{
    g_return_if_fail(HAKO_IS_GRAPH(self));
    if (self->kind == kind)
        return;
    self->kind = kind;
    g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_KIND]);
    hako_graph_refresh(self);
}

double
hako_graph_get_maximum(HakoGraph *self)
{
    g_return_val_if_fail(HAKO_IS_GRAPH(self), 0);
    return self->maximum;
}

/**
 * hako_graph_set_maximum:
 * @maximum: the top of a %HAKO_GRAPH_KIND_BYTES graph (a guest's memory), or 0 to scale to
 *   the data
 */
void
hako_graph_set_maximum(HakoGraph *self, double maximum)
{
    g_return_if_fail(HAKO_IS_GRAPH(self));
    if (self->maximum == maximum)
        return;
    self->maximum = maximum;
    g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_MAXIMUM]);
    hako_graph_refresh(self);
}

const char *
hako_graph_get_title(HakoGraph *self)
{
    g_return_val_if_fail(HAKO_IS_GRAPH(self), NULL);
    return self->title;
}

void
hako_graph_set_title(HakoGraph *self, const char *title)
{
    g_return_if_fail(HAKO_IS_GRAPH(self));
    set_string(self, &self->title, title, PROP_TITLE);
}

gboolean
hako_graph_get_polled(HakoGraph *self)
{
    g_return_val_if_fail(HAKO_IS_GRAPH(self), FALSE);
    return self->polled;
}

/**
 * hako_graph_set_polled:
 * @polled: %FALSE when Hako does not poll the figure: the graph says so and draws no line
 */
void
hako_graph_set_polled(HakoGraph *self, gboolean polled)
{
    g_return_if_fail(HAKO_IS_GRAPH(self));
    polled = !!polled;
    if (self->polled == polled)
        return;
    self->polled = polled;
    g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_POLLED]);
    hako_graph_refresh(self);
}

const char *
hako_graph_get_series_label(HakoGraph *self)
{
    g_return_val_if_fail(HAKO_IS_GRAPH(self), NULL);
    return self->labels[0];
}

void
hako_graph_set_series_label(HakoGraph *self, const char *label)
{
    g_return_if_fail(HAKO_IS_GRAPH(self));
    set_string(self, &self->labels[0], label, PROP_SERIES_LABEL);
}

const char *
hako_graph_get_second_series_label(HakoGraph *self)
{
    g_return_val_if_fail(HAKO_IS_GRAPH(self), NULL);
    return self->labels[1];
}

void
hako_graph_set_second_series_label(HakoGraph *self, const char *label)
{
    g_return_if_fail(HAKO_IS_GRAPH(self));
    set_string(self, &self->labels[1], label, PROP_SECOND_SERIES_LABEL);
}

/* ---------------------------------------------------------------------------------------- */
/* GObject                                                                                   */

static void
hako_graph_get_preferred_width(GtkWidget *widget, int *minimum, int *natural)
{
    *minimum = 120;
    *natural = 240;
}

static void
hako_graph_get_preferred_height(GtkWidget *widget, int *minimum, int *natural)
{
    *minimum = 80;
    *natural = 120;
}

static void
hako_graph_style_updated(GtkWidget *widget)
{
    HakoGraph *self = HAKO_GRAPH(widget);

    GTK_WIDGET_CLASS(hako_graph_parent_class)->style_updated(widget);
    /* The grid is drawn in the text colour. */
    g_clear_pointer(&self->grid, cairo_surface_destroy);
}

static void
hako_graph_unrealize(GtkWidget *widget)
{
    HakoGraph *self = HAKO_GRAPH(widget);

    g_clear_pointer(&self->grid, cairo_surface_destroy);
    GTK_WIDGET_CLASS(hako_graph_parent_class)->unrealize(widget);
}

static void
hako_graph_finalize(GObject *object)
{
    HakoGraph *self = HAKO_GRAPH(object);

    for (guint i = 0; i < N_SERIES; i++) {
        g_clear_pointer(&self->histories[i], hako_stats_history_unref);
        g_clear_pointer(&self->labels[i], g_free);
    }
    g_clear_pointer(&self->title, g_free);
    g_clear_pointer(&self->grid, cairo_surface_destroy);

    G_OBJECT_CLASS(hako_graph_parent_class)->finalize(object);
}

static void
hako_graph_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
    HakoGraph *self = HAKO_GRAPH(object);

    switch (prop_id) {
    case PROP_HISTORY:
        g_value_set_boxed(value, self->histories[0]);
        break;
    case PROP_SECOND_HISTORY:
        g_value_set_boxed(value, self->histories[1]);
        break;
    case PROP_KIND:
        g_value_set_enum(value, self->kind);
        break;
    case PROP_MAXIMUM:
        g_value_set_double(value, self->maximum);
        break;
    case PROP_TITLE:
        g_value_set_string(value, self->title);
        break;
    case PROP_POLLED:
        g_value_set_boolean(value, self->polled);
        break;
    case PROP_SERIES_LABEL:
        g_value_set_string(value, self->labels[0]);
        break;
    case PROP_SECOND_SERIES_LABEL:
        g_value_set_string(value, self->labels[1]);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    }
}

static void
hako_graph_set_property(GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
    HakoGraph *self = HAKO_GRAPH(object);

    switch (prop_id) {
    case PROP_HISTORY:
        hako_graph_set_history(self, g_value_get_boxed(value));
        break;
    case PROP_SECOND_HISTORY:
        hako_graph_set_second_history(self, g_value_get_boxed(value));
        break;
    case PROP_KIND:
        hako_graph_set_kind(self, g_value_get_enum(value));
        break;
    case PROP_MAXIMUM:
        hako_graph_set_maximum(self, g_value_get_double(value));
        break;
    case PROP_TITLE:
        hako_graph_set_title(self, g_value_get_string(value));
        break;
    case PROP_POLLED:
        hako_graph_set_polled(self, g_value_get_boolean(value));
        break;
    case PROP_SERIES_LABEL:
        hako_graph_set_series_label(self, g_value_get_string(value));
        break;
    case PROP_SECOND_SERIES_LABEL:
        hako_graph_set_second_series_label(self, g_value_get_string(value));
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    }
}

static void
hako_graph_class_init(HakoGraphClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);
    GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

    object_class->finalize = hako_graph_finalize;
    object_class->get_property = hako_graph_get_property;
    object_class->set_property = hako_graph_set_property;

    widget_class->draw = hako_graph_draw;
    widget_class->get_preferred_width = hako_graph_get_preferred_width;
    widget_class->get_preferred_height = hako_graph_get_preferred_height;
    widget_class->style_updated = hako_graph_style_updated;
    widget_class->unrealize = hako_graph_unrealize;

    properties[PROP_HISTORY] =
        g_param_spec_boxed("history", NULL, NULL, HAKO_TYPE_STATS_HISTORY, flags);
    properties[PROP_SECOND_HISTORY] =
        g_param_spec_boxed("second-history", NULL, NULL, HAKO_TYPE_STATS_HISTORY, flags);
    properties[PROP_KIND] =
        g_param_spec_enum("kind", NULL, NULL, HAKO_TYPE_GRAPH_KIND, HAKO_GRAPH_KIND_PERCENT, flags);
    properties[PROP_MAXIMUM] = g_param_spec_double("maximum", NULL, NULL, 0, G_MAXDOUBLE, 0, flags);
    properties[PROP_TITLE] = g_param_spec_string("title", NULL, NULL, NULL, flags);
    properties[PROP_POLLED] = g_param_spec_boolean("polled", NULL, NULL, TRUE, flags);
    properties[PROP_SERIES_LABEL] = g_param_spec_string("series-label", NULL, NULL, NULL, flags);
    properties[PROP_SECOND_SERIES_LABEL] =
        g_param_spec_string("second-series-label", NULL, NULL, NULL, flags);
    g_object_class_install_properties(object_class, N_PROPS, properties);

    gtk_widget_class_set_css_name(widget_class, "hakograph");
}

static void
hako_graph_init(HakoGraph *self)
{
    self->polled = TRUE;
    self->kind = HAKO_GRAPH_KIND_PERCENT;
}

/**
 * hako_graph_new:
 * @kind: how to scale and label the values
 * @title: (nullable): the title, also the accessible name
 *
 * Returns: (transfer floating): a new graph without any history yet.
 */
GtkWidget *
hako_graph_new(HakoGraphKind kind, const char *title)
{
    return g_object_new(HAKO_TYPE_GRAPH, "kind", kind, "title", title, NULL);
}
