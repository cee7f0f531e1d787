/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoGraph and HakoSparklineRenderer drawn offscreen: where the lines land, the gaps a missing
 * figure leaves, "Not polled", the accessible description. Needs a display (Xvfb in the ui
 * suite). Each picture is saved to meson-logs/ for a look when a test fails. */
#include "config.h"

#include "hako-graph.h"
#include "hako-sparkline-renderer.h"
#include "hako-ui.h"

#include <glib/gstdio.h>
#include <math.h>

#define GRAPH_WIDTH 400
#define GRAPH_HEIGHT 200

/* The header (title, legend and its colour swatches) is above this row; the plot below.
 * One line of text: the legend fits beside the title in these tests. Set by the fixture. */
static int header_height;

typedef struct {
    GtkWidget *window; /* a GtkOffscreenWindow */
    HakoGraph *graph;
} Fixture;

static void
flush_events(void)
{
    while (gtk_events_pending())
        gtk_main_iteration_do(FALSE);
}

static void
fixture_set_up(Fixture *f, gconstpointer data)
{
    f->window = gtk_offscreen_window_new();
    f->graph = HAKO_GRAPH(hako_graph_new(HAKO_GRAPH_KIND_PERCENT, "CPU usage"));
    g_object_add_weak_pointer(G_OBJECT(f->graph), (gpointer *)&f->graph);
    gtk_widget_set_size_request(GTK_WIDGET(f->graph), GRAPH_WIDTH, GRAPH_HEIGHT);
    gtk_container_add(GTK_CONTAINER(f->window), GTK_WIDGET(f->graph));
    gtk_widget_show_all(f->window);
    flush_events();
    g_assert_true(gtk_widget_get_realized(GTK_WIDGET(f->graph)));
    g_assert_cmpint(gtk_widget_get_allocated_width(GTK_WIDGET(f->graph)), ==, GRAPH_WIDTH);
    g_assert_cmpint(gtk_widget_get_allocated_height(GTK_WIDGET(f->graph)), ==, GRAPH_HEIGHT);

    {
        g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout(GTK_WIDGET(f->graph), "Ag");
        int width, height;

        pango_layout_get_pixel_size(layout, &width, &height);
        header_height = height + 2;
        g_assert_cmpint(header_height, <, GRAPH_HEIGHT / 6);
    }
}

static void
fixture_tear_down(Fixture *f, gconstpointer data)
{
    gtk_widget_destroy(f->window);
    flush_events();
    g_assert_null(f->graph); /* the weak pointer: nothing else kept the graph */
}

/* A history of @capacity samples, pushed oldest first from @values (NAN for none). */
static HakoStatsHistory *
history_of(guint capacity, const double *values, guint n_values)
{
    HakoStatsHistory *history = hako_stats_history_new(capacity);

    for (guint i = 0; i < n_values; i++)
        hako_stats_history_push(history, values[i]);
    return history;
}

/* 0, 1, ... 100 %: the newest sample is 100. */
static HakoStatsHistory *
ramp_history(void)
{
    double values[101];

    for (guint i = 0; i < G_N_ELEMENTS(values); i++)
        values[i] = i;
    return history_of(G_N_ELEMENTS(values), values, G_N_ELEMENTS(values));
}

/* Saves @surface as meson-logs/graph-NAME.png in the build tree and says where. */
static void
save_png(cairo_surface_t *surface, const char *name)
{
    g_autofree char *dir = g_test_build_filename(G_TEST_BUILT, "..", "meson-logs", NULL);
    g_autofree char *file = g_strdup_printf("graph-%s.png", name);
    g_autofree char *path = g_build_filename(dir, file, NULL);

    g_mkdir_with_parents(dir, 0755);
    g_assert_cmpint(cairo_surface_write_to_png(surface, path), ==, CAIRO_STATUS_SUCCESS);
    g_test_message("picture: %s", path);
}

/* Draws the graph on white, as the window would, into a new image. */
static cairo_surface_t *
render_graph(Fixture *f, const char *name)
{
    cairo_surface_t *surface =
        cairo_image_surface_create(CAIRO_FORMAT_ARGB32, GRAPH_WIDTH, GRAPH_HEIGHT);
    cairo_t *cr = cairo_create(surface);

    flush_events();
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    gtk_widget_draw(GTK_WIDGET(f->graph), cr);
    cairo_destroy(cr);
    cairo_surface_flush(surface);
    save_png(surface, name);
    return surface;
}

static void
get_rgb(cairo_surface_t *surface, int x, int y, int *r, int *g, int *b)
{
    const guint8 *data = cairo_image_surface_get_data(surface);
    guint32 pixel = *(const guint32 *)(data + y * cairo_image_surface_get_stride(surface) + x * 4);

    /* Opaque (drawn on white), so premultiplication changes nothing. */
    *r = (pixel >> 16) & 0xff;
    *g = (pixel >> 8) & 0xff;
    *b = pixel & 0xff;
}

/* A pixel of the first series' line itself: its colour, at full strength. */
static gboolean
is_line(cairo_surface_t *surface, int x, int y)
{
    GdkRGBA color;
    int r, g, b;

    hako_graph_get_series_color(0, &color);
    get_rgb(surface, x, y, &r, &g, &b);
    return abs(r - (int)(color.red * 255)) + abs(g - (int)(color.green * 255)) +
               abs(b - (int)(color.blue * 255)) <
           60;
}

/* A pixel of any series, line or fill: blue or orange, where text and grid are grey. */
static gboolean
is_series(cairo_surface_t *surface, int x, int y)
{
    int r, g, b;

    get_rgb(surface, x, y, &r, &g, &b);
    return b - r > 30 || r - b > 60;
}

static gboolean
is_orange(cairo_surface_t *surface, int x, int y)
{
    int r, g, b;

    get_rgb(surface, x, y, &r, &g, &b);
    return r - b > 100;
}

/* The topmost line pixel of column @x in the plot, or -1. */
static int
line_top(cairo_surface_t *surface, int x)
{
    for (int y = header_height; y < cairo_image_surface_get_height(surface); y++)
        if (is_line(surface, x, y))
            return y;
    return -1;
}

static gboolean
column_has_series_from(cairo_surface_t *surface, int x, int top)
{
    for (int y = top; y < cairo_image_surface_get_height(surface); y++)
        if (is_series(surface, x, y))
            return TRUE;
    return FALSE;
}

/* Whether column @x of a graph shows any series below its header. */
static gboolean
column_has_series(cairo_surface_t *surface, int x)
{
    return column_has_series_from(surface, x, header_height);
}

/* The first and last columns where the line shows. */
static void
line_extent(cairo_surface_t *surface, int *left, int *right)
{
    *left = -1;
    *right = -1;
    for (int x = 0; x < cairo_image_surface_get_width(surface); x++) {
        if (line_top(surface, x) >= 0) {
            if (*left < 0)
                *left = x;
            *right = x;
        }
    }
}

static void
test_ramp(Fixture *f, gconstpointer data)
{
    g_autoptr(HakoStatsHistory) history = ramp_history();
    cairo_surface_t *surface;
    int left, right, left_y, right_y, middle_y;

    hako_graph_set_history(f->graph, history);
    surface = render_graph(f, "ramp");

    /* The x axis spans the history: the newest sample at the right edge, the oldest at the
     * left of the plot (past the y axis labels). */
    line_extent(surface, &left, &right);
    g_assert_cmpint(right, >=, GRAPH_WIDTH - 6);
    g_assert_cmpint(left, >, 10);
    g_assert_cmpint(left, <, GRAPH_WIDTH / 4);

    /* Low on the left (0 %), high on the right (100 %), half way in the middle. */
    left_y = line_top(surface, left + 2);
    right_y = line_top(surface, right - 2);
    middle_y = line_top(surface, (left + right) / 2);
    g_assert_cmpint(left_y, >, GRAPH_HEIGHT * 3 / 4);
    g_assert_cmpint(right_y, <, GRAPH_HEIGHT / 3);
    g_assert_cmpint(right_y, <, middle_y);
    g_assert_cmpint(middle_y, <, left_y);
    g_assert_cmpint(abs(middle_y - (left_y + right_y) / 2), <=, 4);

    /* Under the line, the fill; above it, none. */
    g_assert_true(is_series(surface, right - 10, (right_y + left_y) / 2));
    g_assert_false(is_series(surface, left + 10, right_y + 2));
    cairo_surface_destroy(surface);
}

static void
test_not_polled(Fixture *f, gconstpointer data)
{
    g_autoptr(HakoStatsHistory) history = ramp_history();
    g_autofree char *description = NULL;
    cairo_surface_t *surface;
    gboolean text = FALSE;

    hako_graph_set_history(f->graph, history);
    hako_graph_set_polled(f->graph, FALSE);
    surface = render_graph(f, "not-polled");

    for (int y = 0; y < GRAPH_HEIGHT; y++)
        for (int x = 0; x < GRAPH_WIDTH; x++)
            g_assert_false(is_series(surface, x, y));
    /* Something dark in the middle: the words "Not polled". */
    for (int y = GRAPH_HEIGHT / 3; y < GRAPH_HEIGHT * 3 / 4 && !text; y++) {
        for (int x = GRAPH_WIDTH / 3; x < GRAPH_WIDTH * 2 / 3 && !text; x++) {
            int r, g, b;

            get_rgb(surface, x, y, &r, &g, &b);
            text = r < 160 && g < 160 && b < 160;
        }
    }
    g_assert_true(text);
    description = hako_graph_describe_values(f->graph);
    g_assert_cmpstr(description, ==, "Not polled");
    cairo_surface_destroy(surface);

    /* Polled again, the line is back. */
    hako_graph_set_polled(f->graph, TRUE);
    surface = render_graph(f, "polled-again");
    g_assert_cmpint(line_top(surface, GRAPH_WIDTH - 4), >=, 0);
    cairo_surface_destroy(surface);
}

/* Ages 0-19 at 50 %, 20-39 missing, 40-99 at 50 % again. */
static void
test_nan_gap(Fixture *f, gconstpointer data)
{
    g_autoptr(HakoStatsHistory) history = NULL;
    double values[100];
    cairo_surface_t *surface;
    int left, right;

    for (guint i = 0; i < 100; i++)
        values[i] = (i >= 60 && i < 80) ? NAN : 50;
    history = history_of(100, values, 100);
    hako_graph_set_history(f->graph, history);
    surface = render_graph(f, "gap");

    line_extent(surface, &left, &right);
    g_assert_cmpint(right - left, >, GRAPH_WIDTH / 2);
#define AGE_X(age) (right - (right - left) * (age) / 99)
    /* Line and fill on both sides of the gap, nothing inside it. */
    g_assert_cmpint(line_top(surface, AGE_X(10)), >, 0);
    g_assert_cmpint(line_top(surface, AGE_X(60)), >, 0);
    g_assert_cmpint(abs(line_top(surface, AGE_X(10)) - line_top(surface, AGE_X(60))), <=, 1);
    for (int x = AGE_X(36); x <= AGE_X(23); x++)
        g_assert_false(column_has_series(surface, x));
#undef AGE_X
    cairo_surface_destroy(surface);
}

static void
test_two_series(Fixture *f, gconstpointer data)
{
    double reads[60], writes[60];
    g_autoptr(HakoStatsHistory) read = NULL;
    g_autoptr(HakoStatsHistory) write = NULL;
    g_autofree char *description = NULL;
    cairo_surface_t *surface;
    gboolean orange = FALSE;

    for (guint i = 0; i < 60; i++) {
        reads[i] = i * 50 * 1024.0;
        writes[i] = 300 * 1024.0;
    }
    read = history_of(60, reads, 60);
    write = history_of(60, writes, 60);
    g_object_set(f->graph, "kind", HAKO_GRAPH_KIND_RATE, "title", "Disk I/O", "history", read,
                 "second-history", write, "series-label", "Read", "second-series-label", "Write",
                 NULL);
    surface = render_graph(f, "two-series");

    /* The newest read (2.9 MiB/s) near the top of a scale rounded up to 3 MiB/s. */
    g_assert_cmpint(line_top(surface, GRAPH_WIDTH - 4), <, GRAPH_HEIGHT / 3);
    for (int y = header_height; y < GRAPH_HEIGHT && !orange; y++)
        for (int x = GRAPH_WIDTH / 2; x < GRAPH_WIDTH && !orange; x++)
            orange = is_orange(surface, x, y);
    g_assert_true(orange);
    cairo_surface_destroy(surface);

    description = hako_graph_describe_values(f->graph);
    g_test_message("description: %s", description);
    g_assert_true(g_str_has_prefix(description, "Read "));
    g_assert_nonnull(strstr(description, " · Write "));
}

static void
test_accessible(Fixture *f, gconstpointer data)
{
    double values[] = {3, 7, 12};
    g_autoptr(HakoStatsHistory) history = history_of(10, values, G_N_ELEMENTS(values));
    AtkObject *accessible = gtk_widget_get_accessible(GTK_WIDGET(f->graph));
    cairo_surface_t *surface;

    hako_graph_set_series_label(f->graph, "CPU");
    hako_graph_set_history(f->graph, history);
    surface = render_graph(f, "accessible");
    cairo_surface_destroy(surface);
    g_assert_cmpstr(atk_object_get_name(accessible), ==, "CPU usage");
    g_assert_nonnull(strstr(atk_object_get_description(accessible), "12"));
    g_assert_true(g_str_has_prefix(atk_object_get_description(accessible), "CPU 12"));

    /* A new sample, then a refresh as on "stats-updated": the description follows. */
    hako_stats_history_push(history, 55);
    hako_graph_refresh(f->graph);
    g_assert_true(g_str_has_prefix(atk_object_get_description(accessible), "CPU 55"));

    /* A sample that is missing reads as such, not as 0. */
    hako_stats_history_push(history, NAN);
    hako_graph_refresh(f->graph);
    g_assert_cmpstr(atk_object_get_description(accessible), ==, "CPU No data");

    hako_graph_set_title(f->graph, "Processor");
    g_assert_cmpstr(atk_object_get_name(accessible), ==, "Processor");
}

static void
test_nice_maximum(void)
{
    const double MiB = 1024.0 * 1024.0;

    g_assert_cmpfloat(hako_graph_nice_maximum(0), ==, 1024);
    g_assert_cmpfloat(hako_graph_nice_maximum(NAN), ==, 1024);
    g_assert_cmpfloat(hako_graph_nice_maximum(1000), ==, 1024);
    g_assert_cmpfloat(hako_graph_nice_maximum(3000), ==, 3 * 1024);
    g_assert_cmpfloat(hako_graph_nice_maximum(1.37 * MiB), ==, 1.5 * MiB);
    g_assert_cmpfloat(hako_graph_nice_maximum(MiB), ==, 1024 * 1024);
    g_assert_cmpfloat(hako_graph_nice_maximum(2.9 * MiB), ==, 3 * MiB);
    g_assert_cmpfloat(hako_graph_nice_maximum(900 * MiB), ==, 1024 * MiB);
    g_assert_cmpfloat(hako_graph_nice_maximum(70e9), ==, 80 * 1024 * MiB);
}

static void
test_sparkline(Fixture *f, gconstpointer data)
{
    g_autoptr(HakoStatsHistory) history = ramp_history();
    GtkCellRenderer *cell = g_object_ref_sink(hako_sparkline_renderer_new());
    GdkRectangle area = {50, 20, 100, 24};
    cairo_surface_t *surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 200, 64);
    cairo_t *cr = cairo_create(surface);
    int minimum, natural, xpad, ypad, count = 0;
    int top_right = -1, top_left = -1, left = -1, right = -1;

    gtk_cell_renderer_get_padding(cell, &xpad, &ypad);
    gtk_cell_renderer_get_preferred_width(cell, GTK_WIDGET(f->graph), &minimum, &natural);
    g_assert_cmpint(natural, ==, 80 + 2 * xpad);
    gtk_cell_renderer_get_preferred_height(cell, GTK_WIDGET(f->graph), &minimum, &natural);
    g_assert_cmpint(natural, ==, 18 + 2 * ypad);

    g_object_set(cell, "history", history, "percent", TRUE, NULL);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    gtk_cell_renderer_render(cell, cr, GTK_WIDGET(f->graph), &area, &area, 0);
    cairo_surface_flush(surface);
    save_png(surface, "sparkline");

    for (int y = 0; y < 64; y++) {
        for (int x = 0; x < 200; x++) {
            if (!is_series(surface, x, y))
                continue;
            count++;
            g_assert_cmpint(x, >=, area.x);
            g_assert_cmpint(x, <, area.x + area.width);
            g_assert_cmpint(y, >=, area.y);
            g_assert_cmpint(y, <, area.y + area.height);
        }
    }
    g_assert_cmpint(count, >, 50);
    /* About 80 pixels wide, centred in the cell. */
    for (int x = 0; x < 200; x++) {
        if (column_has_series_from(surface, x, 0)) {
            if (left < 0)
                left = x;
            right = x;
        }
    }
    g_assert_cmpint(right - left, >=, 76);
    g_assert_cmpint(right - left, <=, 80);
    g_assert_cmpint(abs((left + right) / 2 - (area.x + area.width / 2)), <=, 2);
    /* The ramp rises to the right here too. */
    for (int y = 0; y < 64; y++) {
        /* A line one pixel wide is blended with the background: look for its hue. */
        if (top_right < 0 && is_series(surface, right - 3, y))
            top_right = y;
        if (top_left < 0 && is_series(surface, left + 3, y))
            top_left = y;
    }
    g_assert_cmpint(top_right, >=, 0);
    g_assert_cmpint(top_left, >, top_right + 8);

    /* Not polled: nothing at all. */
    g_object_set(cell, "polled", FALSE, NULL);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    gtk_cell_renderer_render(cell, cr, GTK_WIDGET(f->graph), &area, &area, 0);
    cairo_surface_flush(surface);
    save_png(surface, "sparkline-not-polled");
    for (int y = 0; y < 64; y++) {
        for (int x = 0; x < 200; x++) {
            int r, g, b;

            get_rgb(surface, x, y, &r, &g, &b);
            g_assert_cmpint(r + g + b, ==, 3 * 255);
        }
    }

    cairo_destroy(cr);
    cairo_surface_destroy(surface);
    g_object_add_weak_pointer(G_OBJECT(cell), (gpointer *)&cell);
    g_object_unref(cell);
    g_assert_null(cell);
}

int
main(int argc, char *argv[])
{
    gtk_test_init(&argc, &argv, NULL);
    hako_ui_init();

    g_test_add("/ui/graph/ramp", Fixture, NULL, fixture_set_up, test_ramp, fixture_tear_down);
    g_test_add("/ui/graph/not-polled", Fixture, NULL, fixture_set_up, test_not_polled,
               fixture_tear_down);
    g_test_add("/ui/graph/nan-gap", Fixture, NULL, fixture_set_up, test_nan_gap, fixture_tear_down);
    g_test_add("/ui/graph/two-series", Fixture, NULL, fixture_set_up, test_two_series,
               fixture_tear_down);
    g_test_add("/ui/graph/accessible", Fixture, NULL, fixture_set_up, test_accessible,
               fixture_tear_down);
    g_test_add_func("/ui/graph/nice-maximum", test_nice_maximum);
    g_test_add("/ui/graph/sparkline", Fixture, NULL, fixture_set_up, test_sparkline,
               fixture_tear_down);
    return g_test_run();
}
