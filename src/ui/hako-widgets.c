/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "hako-widgets.h"

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
