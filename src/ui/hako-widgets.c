/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "hako-widgets.h"

#ifdef GDK_WINDOWING_X11
#include <gdk/gdkx.h>
#endif

/**
 * hako_widgets_add_button:
 * @label: with a mnemonic
 * @callback: called swapped, with @object, when the button is clicked
 * @object: a GObject, which the connection does not outlive
 *
 * Returns: (transfer none): a button packed at the start of @box.
 */
GtkWidget *
hako_widgets_add_button(
    GtkBox *box, const char *label, const char *tooltip, GCallback callback, gpointer object)
{
    GtkWidget *button = gtk_button_new_with_mnemonic(label);

    g_return_val_if_fail(GTK_IS_BOX(box), NULL);
    g_return_val_if_fail(G_IS_OBJECT(object), NULL);

    gtk_widget_set_tooltip_text(button, tooltip);
    g_signal_connect_object(button, "clicked", callback, object, G_CONNECT_SWAPPED);
    gtk_box_pack_start(box, button, FALSE, FALSE, 0);
    return button;
}

/**
 * hako_widgets_add_text_column:
 * @column: the model's column of strings it shows
 * @expand: whether it takes the spare width (and ellipsizes)
 *
 * Appends a resizable column of text to @view.
 */
void
hako_widgets_add_text_column(GtkTreeView *view, const char *title, int column, gboolean expand)
{
    GtkCellRenderer *renderer = gtk_cell_renderer_text_new();
    GtkTreeViewColumn *col =
        gtk_tree_view_column_new_with_attributes(title, renderer, "text", column, NULL);

    if (expand)
        g_object_set(renderer, "ellipsize", PANGO_ELLIPSIZE_END, NULL);
    gtk_tree_view_column_set_expand(col, expand);
    gtk_tree_view_column_set_resizable(col, TRUE);
    gtk_tree_view_append_column(view, col);
}

/**
 * hako_widgets_scrolled:
 *
 * Returns: (transfer floating): @child in a scrolled window with a frame, which takes the spare
 *   height.
 */
GtkWidget *
hako_widgets_scrolled(GtkWidget *child)
{
    GtkWidget *window = gtk_scrolled_window_new(NULL, NULL);

    gtk_scrolled_window_set_shadow_type(GTK_SCROLLED_WINDOW(window), GTK_SHADOW_IN);
    gtk_widget_set_vexpand(window, TRUE);
    gtk_container_add(GTK_CONTAINER(window), child);
    return window;
}

/**
 * hako_widgets_error_bar_new:
 * @label: (out) (transfer none): where the bar's message goes
 *
 * Returns: (transfer floating): an error bar, hidden until shown, that hides itself when its
 *   close button is pressed.
 */
GtkInfoBar *
hako_widgets_error_bar_new(GtkLabel **label)
{
    GtkInfoBar *bar = GTK_INFO_BAR(gtk_info_bar_new());

    gtk_info_bar_set_message_type(bar, GTK_MESSAGE_ERROR);
    gtk_info_bar_set_show_close_button(bar, TRUE);
    *label = GTK_LABEL(gtk_label_new(NULL));
    gtk_label_set_line_wrap(*label, TRUE);
    gtk_label_set_selectable(*label, TRUE);
    gtk_label_set_xalign(*label, 0.0);
    gtk_container_add(GTK_CONTAINER(gtk_info_bar_get_content_area(bar)), GTK_WIDGET(*label));
    g_signal_connect(bar, "response", G_CALLBACK(gtk_widget_hide), NULL);
    gtk_widget_set_no_show_all(GTK_WIDGET(bar), TRUE);
    gtk_widget_show(GTK_WIDGET(*label));
    return bar;
}

/* ---------------------------------------------------------------------------------------- */
/* Window geometry                                                                           */

typedef struct {
    GSettings *settings;
    char *prefix;
    char *width_key;     /* PREFIX-width, i */
    char *height_key;    /* PREFIX-height, i */
    char *maximized_key; /* PREFIX-maximized, b */
    char *position_key;  /* PREFIX-position, ai: [] or [x, y] */
    int width;
    int height;
    gboolean maximized;
    gboolean has_position;
    int x;
    int y;
} Geometry;

static void
geometry_free(gpointer data)
{
    Geometry *g = data;

    g_object_unref(g->settings);
    g_free(g->prefix);
    g_free(g->width_key);
    g_free(g->height_key);
    g_free(g->maximized_key);
    g_free(g->position_key);
    g_free(g);
}

/* Only X11 lets a client place its windows and read back where they are: under Wayland the
 * compositor places them and gtk_window_get_position() says 0, 0. */
static gboolean
geometry_can_place(GtkWindow *window)
{
#ifdef GDK_WINDOWING_X11
    return GDK_IS_X11_DISPLAY(gtk_widget_get_display(GTK_WIDGET(window)));
#else
    (void)window;
    return FALSE;
#endif
}

static void
geometry_allocate_cb(GtkWidget *widget, GdkRectangle *allocation G_GNUC_UNUSED, Geometry *g)
{
    if (!g->maximized && gtk_widget_get_realized(widget))
        gtk_window_get_size(GTK_WINDOW(widget), &g->width, &g->height);
}

static gboolean
geometry_configure_cb(GtkWidget *widget, GdkEventConfigure *event G_GNUC_UNUSED, Geometry *g)
{
    if (!g->maximized && gtk_widget_get_mapped(widget) && geometry_can_place(GTK_WINDOW(widget))) {
        gtk_window_get_position(GTK_WINDOW(widget), &g->x, &g->y);
        g->has_position = TRUE;
    }
    return GDK_EVENT_PROPAGATE;
}

static gboolean
geometry_state_cb(GtkWidget *widget G_GNUC_UNUSED, GdkEventWindowState *event, Geometry *g)
{
    g->maximized = (event->new_window_state & GDK_WINDOW_STATE_MAXIMIZED) != 0;
    return GDK_EVENT_PROPAGATE;
}

/* Saved when the window goes, so a window closed last sets the size of the next one. */
static void
geometry_save_cb(GtkWidget *widget G_GNUC_UNUSED, Geometry *g)
{
    if (g->width > 0 && g->height > 0) {
        g_settings_set_int(g->settings, g->width_key, g->width);
        g_settings_set_int(g->settings, g->height_key, g->height);
    }
    g_settings_set_boolean(g->settings, g->maximized_key, g->maximized);
    if (g->has_position) {
        const gint32 xy[] = {g->x, g->y};

        g_settings_set_value(g->settings, g->position_key,
                             g_variant_new_fixed_array(G_VARIANT_TYPE_INT32, xy, 2, sizeof xy[0]));
    }
}

/* Whether a window of @width at @x, @y would show the top left of its title bar on one of the
 * monitors: a position saved with a monitor since unplugged is not. */
static gboolean
geometry_on_a_monitor(GdkDisplay *display, int x, int y, int width)
{
    int n = gdk_display_get_n_monitors(display);

    for (int i = 0; i < n; i++) {
        GdkRectangle area;

        gdk_monitor_get_geometry(gdk_display_get_monitor(display, i), &area);
        if (x + MIN(width, 100) > area.x && x < area.x + area.width - 50 && y >= area.y &&
            y < area.y + area.height - 50)
            return TRUE;
    }
    return FALSE;
}

/* Whether another window remembering its geometry under @prefix is open: two guests' windows
 * put at the same spot would hide each other, so the second is left to the window manager. */
static gboolean
geometry_kind_open(GtkWindow *window, const char *prefix)
{
    g_autoptr(GList) windows = gtk_window_list_toplevels();

    for (GList *l = windows; l != NULL; l = l->next) {
        Geometry *other = g_object_get_data(l->data, "hako-geometry");

        if (l->data != window && other != NULL && g_str_equal(other->prefix, prefix) &&
            gtk_widget_get_visible(l->data))
            return TRUE;
    }
    return FALSE;
}

static void
geometry_restore_position(GtkWindow *window, Geometry *g, int width)
{
    g_autoptr(GVariant) position = g_settings_get_value(g->settings, g->position_key);
    const gint32 *xy;
    gsize n = 0;

    if (!geometry_can_place(window) || geometry_kind_open(window, g->prefix))
        return;
    xy = g_variant_get_fixed_array(position, &n, sizeof(gint32));
    if (n != 2 ||
        !geometry_on_a_monitor(gtk_widget_get_display(GTK_WIDGET(window)), xy[0], xy[1], width))
        return;
    gtk_window_move(window, xy[0], xy[1]);
}

/**
 * hako_widgets_remember_geometry:
 * @window: a window not shown yet
 * @settings: (nullable): the org.hako.Hako settings; nothing is remembered without them
 * @prefix: the keys' prefix: "PREFIX-width" and "PREFIX-height" (i), "PREFIX-maximized" (b),
 *   "PREFIX-position" (ai, [] or [x, y])
 *
 * Gives @window the size, maximized state and position the last window of its kind had when it
 * closed, and saves its own when it closes. The position is used only on X11 (Wayland leaves
 * placing windows to the compositor), only while it is on one of today's monitors, and not while
 * another window of the same kind is open.
 */
void
hako_widgets_remember_geometry(GtkWindow *window, GSettings *settings, const char *prefix)
{
    Geometry *g;
    int width;
    int height;

    g_return_if_fail(GTK_IS_WINDOW(window));
    if (settings == NULL)
        return;
    g = g_new0(Geometry, 1);
    g->settings = g_object_ref(settings);
    g->prefix = g_strdup(prefix);
    g->width_key = g_strdup_printf("%s-width", prefix);
    g->height_key = g_strdup_printf("%s-height", prefix);
    g->maximized_key = g_strdup_printf("%s-maximized", prefix);
    g->position_key = g_strdup_printf("%s-position", prefix);
    width = g_settings_get_int(settings, g->width_key);
    height = g_settings_get_int(settings, g->height_key);
    if (width > 0 && height > 0)
        gtk_window_set_default_size(window, width, height);
    if (g_settings_get_boolean(settings, g->maximized_key))
        gtk_window_maximize(window);
    geometry_restore_position(window, g, MAX(width, 1));
    g_object_set_data_full(G_OBJECT(window), "hako-geometry", g, geometry_free);
    g_signal_connect(window, "size-allocate", G_CALLBACK(geometry_allocate_cb), g);
    g_signal_connect(window, "configure-event", G_CALLBACK(geometry_configure_cb), g);
    g_signal_connect(window, "window-state-event", G_CALLBACK(geometry_state_cb), g);
    g_signal_connect(window, "unrealize", G_CALLBACK(geometry_save_cb), g);
}

static void
name_from_label(GtkWidget *widget, gpointer data)
{
    if (GTK_IS_LABEL(widget)) {
        GtkWidget *target = gtk_label_get_mnemonic_widget(GTK_LABEL(widget));

        if (target != NULL) {
            AtkObject *accessible = gtk_widget_get_accessible(target);
            const char *name = atk_object_get_name(accessible);

            if (name == NULL || *name == '\0')
                atk_object_set_name(accessible, gtk_label_get_text(GTK_LABEL(widget)));
        }
    }
    if (GTK_IS_CONTAINER(widget))
        gtk_container_forall(GTK_CONTAINER(widget), name_from_label, data);
}

/**
 * hako_widgets_name_from_labels:
 * @root: the widget whose descendants (internal children included) to look at
 *
 * GTK 3 gives the widget a label's mnemonic points at only a labelled-by relation, not an
 * accessible name, so a screen reader that asks an entry or a spin button for its name gets
 * nothing. This names each such widget under @root that has no name yet with its label's text
 * (already translated, without the mnemonic's underscore). Call it once the widgets and their
 * labels exist, after gtk_widget_init_template().
 */
void
hako_widgets_name_from_labels(GtkWidget *root)
{
    g_return_if_fail(GTK_IS_WIDGET(root));

    name_from_label(root, NULL);
}
