/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoSparklineRenderer: a cell renderer drawing a small graph of one or two histories. */
#include "config.h"

#include "hako-sparkline-renderer.h"

#include "hako-graph.h"

/* The graph itself, without the cell's padding. */
#define SPARKLINE_WIDTH 80
#define SPARKLINE_HEIGHT 18

struct _HakoSparklineRenderer {
    GtkCellRenderer parent_instance;

    HakoStatsHistory *history;
    HakoStatsHistory *second_history;
    double maximum;
    gboolean percent;
    gboolean polled;
};

G_DEFINE_FINAL_TYPE(HakoSparklineRenderer, hako_sparkline_renderer, GTK_TYPE_CELL_RENDERER)

enum {
    PROP_0,
    PROP_HISTORY,
    PROP_SECOND_HISTORY,
    PROP_MAXIMUM,
    PROP_PERCENT,
    PROP_POLLED,
    N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
hako_sparkline_renderer_get_preferred_width(GtkCellRenderer *cell,
                                            GtkWidget *widget,
                                            int *minimum,
                                            int *natural)
{
    int xpad, ypad;

    gtk_cell_renderer_get_padding(cell, &xpad, &ypad);
    *minimum = *natural = SPARKLINE_WIDTH + 2 * xpad;
}

static void
hako_sparkline_renderer_get_preferred_height(GtkCellRenderer *cell,
                                             GtkWidget *widget,
                                             int *minimum,
                                             int *natural)
{
    int xpad, ypad;

    gtk_cell_renderer_get_padding(cell, &xpad, &ypad);
    *minimum = *natural = SPARKLINE_HEIGHT + 2 * ypad;
}

static void
hako_sparkline_renderer_render(GtkCellRenderer *cell,
                               cairo_t *cr,
                               GtkWidget *widget,
                               const GdkRectangle *background_area,
                               const GdkRectangle *cell_area,
                               GtkCellRendererState flags)
{
    HakoSparklineRenderer *self = HAKO_SPARKLINE_RENDERER(cell);
    GdkRectangle area;
    GdkRGBA colors[2];
    float xalign, yalign;
    int xpad, ypad;

    if (!self->polled || (self->history == NULL && self->second_history == NULL))
        return;

    gtk_cell_renderer_get_padding(cell, &xpad, &ypad);
    gtk_cell_renderer_get_alignment(cell, &xalign, &yalign);
    area.width = MIN(SPARKLINE_WIDTH, cell_area->width - 2 * xpad);
    area.height = MIN(SPARKLINE_HEIGHT, cell_area->height - 2 * ypad);
    if (area.width <= 0 || area.height <= 0)
        return;
    area.x = cell_area->x + xpad + (int)((cell_area->width - 2 * xpad - area.width) * xalign);
    area.y = cell_area->y + ypad + (int)((cell_area->height - 2 * ypad - area.height) * yalign);

    hako_graph_get_series_color(0, &colors[0]);
    hako_graph_get_series_color(1, &colors[1]);
    if ((flags & GTK_CELL_RENDERER_SELECTED) != 0) {
        /* The series colours do not read on the selection's background: use its text colour. */
        GtkStyleContext *context = gtk_widget_get_style_context(widget);

        gtk_style_context_get_color(context, gtk_style_context_get_state(context), &colors[0]);
        colors[1] = colors[0];
        colors[1].alpha *= 0.6;
    }
    if (!gtk_cell_renderer_get_sensitive(cell)) {
        colors[0].alpha *= 0.5;
        colors[1].alpha *= 0.5;
    }
    hako_graph_draw_sparkline(cr, &area, self->history, self->second_history, self->maximum,
                              self->percent, &colors[0], &colors[1]);
}

static void
set_history(HakoSparklineRenderer *self, HakoStatsHistory **field, HakoStatsHistory *history)
{
    if (*field == history)
        return;
    g_clear_pointer(field, hako_stats_history_unref);
    if (history != NULL)
        *field = hako_stats_history_ref(history);
}

static void
hako_sparkline_renderer_finalize(GObject *object)
{
    HakoSparklineRenderer *self = HAKO_SPARKLINE_RENDERER(object);

    g_clear_pointer(&self->history, hako_stats_history_unref);
    g_clear_pointer(&self->second_history, hako_stats_history_unref);

    G_OBJECT_CLASS(hako_sparkline_renderer_parent_class)->finalize(object);
}

static void
hako_sparkline_renderer_get_property(GObject *object,
                                     guint prop_id,
                                     GValue *value,
                                     GParamSpec *pspec)
{
    HakoSparklineRenderer *self = HAKO_SPARKLINE_RENDERER(object);

    switch (prop_id) {
    case PROP_HISTORY:
        g_value_set_boxed(value, self->history);
        break;
    case PROP_SECOND_HISTORY:
        g_value_set_boxed(value, self->second_history);
        break;
    case PROP_MAXIMUM:
        g_value_set_double(value, self->maximum);
        break;
    case PROP_PERCENT:
        g_value_set_boolean(value, self->percent);
        break;
    case PROP_POLLED:
        g_value_set_boolean(value, self->polled);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    }
}

/*
 * A cell data function sets these for every row drawn: they notify only on a real change, so
 * that scrolling through thousands of rows does not emit thousands of notifications.
 */
static void
hako_sparkline_renderer_set_property(GObject *object,
                                     guint prop_id,
                                     const GValue *value,
                                     GParamSpec *pspec)
{
    HakoSparklineRenderer *self = HAKO_SPARKLINE_RENDERER(object);

    switch (prop_id) {
    case PROP_HISTORY:
        if (self->history == g_value_get_boxed(value))
            return;
        set_history(self, &self->history, g_value_get_boxed(value));
        break;
    case PROP_SECOND_HISTORY:
        if (self->second_history == g_value_get_boxed(value))
            return;
        set_history(self, &self->second_history, g_value_get_boxed(value));
        break;
    case PROP_MAXIMUM:
        if (self->maximum == g_value_get_double(value))
            return;
        self->maximum = g_value_get_double(value);
        break;
    case PROP_PERCENT:
        if (self->percent == g_value_get_boolean(value))
            return;
        self->percent = g_value_get_boolean(value);
        break;
    case PROP_POLLED:
        if (self->polled == g_value_get_boolean(value))
            return;
        self->polled = g_value_get_boolean(value);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
        return;
    }
    g_object_notify_by_pspec(object, pspec);
}

static void
hako_sparkline_renderer_class_init(HakoSparklineRendererClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    GtkCellRendererClass *cell_class = GTK_CELL_RENDERER_CLASS(klass);
    GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

    object_class->finalize = hako_sparkline_renderer_finalize;
    object_class->get_property = hako_sparkline_renderer_get_property;
    object_class->set_property = hako_sparkline_renderer_set_property;

    cell_class->get_preferred_width = hako_sparkline_renderer_get_preferred_width;
    cell_class->get_preferred_height = hako_sparkline_renderer_get_preferred_height;
    cell_class->render = hako_sparkline_renderer_render;

    properties[PROP_HISTORY] =
        g_param_spec_boxed("history", NULL, NULL, HAKO_TYPE_STATS_HISTORY, flags);
    properties[PROP_SECOND_HISTORY] =
        g_param_spec_boxed("second-history", NULL, NULL, HAKO_TYPE_STATS_HISTORY, flags);
    properties[PROP_MAXIMUM] = g_param_spec_double("maximum", NULL, NULL, 0, G_MAXDOUBLE, 0, flags);
    properties[PROP_PERCENT] = g_param_spec_boolean("percent", NULL, NULL, FALSE, flags);
    properties[PROP_POLLED] = g_param_spec_boolean("polled", NULL, NULL, TRUE, flags);
    g_object_class_install_properties(object_class, N_PROPS, properties);
}

static void
hako_sparkline_renderer_init(HakoSparklineRenderer *self)
{
    self->polled = TRUE;
}

/**
 * hako_sparkline_renderer_new:
 *
 * Returns: (transfer floating): a renderer of about 80 x 18 pixels for a list row; it draws
 *   nothing when "polled" is %FALSE or it has no history.
 */
GtkCellRenderer *
hako_sparkline_renderer_new(void)
{
    return g_object_new(HAKO_TYPE_SPARKLINE_RENDERER, NULL);
}

/**
 * hako_sparkline_renderer_set_figure:
 * @history: (nullable): the main series
 * @second_history: (nullable): a second series
 * @maximum: the value at the top, 0 to scale to the data
 * @polled: whether the figure is polled at all (if not, nothing is drawn)
 *
 * Sets what #HakoSparklineRenderer:history, #HakoSparklineRenderer:second-history,
 * #HakoSparklineRenderer:maximum and #HakoSparklineRenderer:polled set, without notifying: for
 * a cell data function, which sets them for every row the view draws (a list's graph columns
 * set them some hundreds of times a tick).
 */
void
hako_sparkline_renderer_set_figure(HakoSparklineRenderer *self,
                                   HakoStatsHistory *history,
                                   HakoStatsHistory *second_history,
                                   double maximum,
                                   gboolean polled)
{
    g_return_if_fail(HAKO_IS_SPARKLINE_RENDERER(self));

    set_history(self, &self->history, history);
    set_history(self, &self->second_history, second_history);
    self->maximum = maximum;
    self->polled = !!polled;
}
