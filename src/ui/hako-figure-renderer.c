/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "hako-figure-renderer.h"

/*
 * The graph columns of the guest list draw every visible row's figure again on every tick, and
 * GtkCellRendererText lays out and shapes its text from scratch each time it draws, which was
 * the largest part of a tick's drawing. The figures are few distinct strings ("1 %",
 * "0 bytes/s", "64.0 MiB"), so this renderer keeps the layout of each string it has drawn and
 * only positions and paints it. Everything else (measuring, accessibility, properties) is
 * GtkCellRendererText's; the drawing honours its alignment, padding, scale and the style's
 * state (selected, insensitive), and ellipsizes nothing: the columns are sized to fit.
 */

#define MAX_LAYOUTS 256 /* distinct strings kept; past that the cache starts again */

struct _HakoFigureRenderer {
    GtkCellRendererText parent_instance;

    GHashTable *layouts;   /* text → PangoLayout */
    PangoContext *context; /* what the layouts were made with (not a reference) */
    guint context_serial;
    double scale;
};

G_DEFINE_FINAL_TYPE(HakoFigureRenderer, hako_figure_renderer, GTK_TYPE_CELL_RENDERER_TEXT)

static PangoLayout *
lookup_layout(HakoFigureRenderer *self, GtkWidget *widget, const char *text)
{
    PangoContext *context = gtk_widget_get_pango_context(widget);
    PangoLayout *layout;
    double scale = 1.0;

    g_object_get(self, "scale", &scale, NULL);
    /* A new font, screen or scale makes every kept layout wrong. */
    if (context != self->context || pango_context_get_serial(context) != self->context_serial ||
        scale != self->scale || g_hash_table_size(self->layouts) >= MAX_LAYOUTS) {
        g_hash_table_remove_all(self->layouts);
        self->context = context;
        self->context_serial = pango_context_get_serial(context);
        self->scale = scale;
    }
    layout = g_hash_table_lookup(self->layouts, text);
    if (layout == NULL) {
        layout = gtk_widget_create_pango_layout(widget, text);
        if (scale != 1.0) {
            PangoAttrList *attributes = pango_attr_list_new();

            pango_attr_list_insert(attributes, pango_attr_scale_new(scale));
            pango_layout_set_attributes(layout, attributes);
            pango_attr_list_unref(attributes);
        }
        g_hash_table_insert(self->layouts, g_strdup(text), layout);
    }
    return layout;
}

static void
hako_figure_renderer_render(GtkCellRenderer *cell,
                            cairo_t *cr,
                            GtkWidget *widget,
                            const GdkRectangle *background_area,
                            const GdkRectangle *cell_area,
                            GtkCellRendererState flags)
{
    HakoFigureRenderer *self = HAKO_FIGURE_RENDERER(cell);
    g_autofree char *text = NULL;
    PangoLayout *layout;
    PangoRectangle logical;
    float xalign, yalign;
    int xpad, ypad, x, y;

    g_object_get(cell, "text", &text, NULL);
    if (text == NULL || *text == '\0')
        return;
    layout = lookup_layout(self, widget, text);
    pango_layout_get_pixel_extents(layout, NULL, &logical);

    gtk_cell_renderer_get_padding(cell, &xpad, &ypad);
    gtk_cell_renderer_get_alignment(cell, &xalign, &yalign);
    if (gtk_widget_get_direction(widget) == GTK_TEXT_DIR_RTL)
        xalign = 1.0f - xalign;
    x = cell_area->x + xpad + MAX(0, (int)((cell_area->width - 2 * xpad - logical.width) * xalign));
    y = cell_area->y + ypad +
        MAX(0, (int)((cell_area->height - 2 * ypad - logical.height) * yalign));

    cairo_save(cr);
    gdk_cairo_rectangle(cr, cell_area);
    cairo_clip(cr);
    gtk_render_layout(gtk_widget_get_style_context(widget), cr, x - logical.x, y - logical.y,
                      layout);
    cairo_restore(cr);
}

static void
hako_figure_renderer_finalize(GObject *object)
{
    HakoFigureRenderer *self = HAKO_FIGURE_RENDERER(object);

    g_hash_table_unref(self->layouts);
    G_OBJECT_CLASS(hako_figure_renderer_parent_class)->finalize(object);
}

static void
hako_figure_renderer_class_init(HakoFigureRendererClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    GtkCellRendererClass *cell_class = GTK_CELL_RENDERER_CLASS(klass);

    object_class->finalize = hako_figure_renderer_finalize;
    cell_class->render = hako_figure_renderer_render;
}

static void
hako_figure_renderer_init(HakoFigureRenderer *self)
{
    self->layouts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_object_unref);
    self->scale = 1.0;
}

/**
 * hako_figure_renderer_new:
 *
 * Returns: (transfer floating): a new figure renderer
 */
GtkCellRenderer *
hako_figure_renderer_new(void)
{
    return g_object_new(HAKO_TYPE_FIGURE_RENDERER, NULL);
}
