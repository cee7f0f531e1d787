/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoShortcutsWindow: lists every keyboard shortcut of the manager. */
#include "config.h"

#include "hako-shortcuts-window.h"

#include <glib/gi18n.h>

struct _HakoShortcutsWindow {
    GtkShortcutsWindow parent_instance;
};

G_DEFINE_FINAL_TYPE(HakoShortcutsWindow, hako_shortcuts_window, GTK_TYPE_SHORTCUTS_WINDOW)

static void
hako_shortcuts_window_class_init(HakoShortcutsWindowClass *klass)
{
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);

    gtk_widget_class_set_template_from_resource(widget_class,
                                                RESOURCE_PREFIX "/ui/hako-shortcuts-window.ui");
}

/* GtkShortcutsWindow's search button in its header bar shows only an icon and has no name. */
static void
name_search_button(GtkWidget *widget, gpointer data)
{
    if (GTK_IS_TOGGLE_BUTTON(widget) && gtk_button_get_label(GTK_BUTTON(widget)) == NULL) {
        AtkObject *accessible = gtk_widget_get_accessible(widget);
        const char *name = atk_object_get_name(accessible);

        if (name == NULL || *name == '\0') {
            atk_object_set_name(accessible, _("Search shortcuts"));
            gtk_widget_set_tooltip_text(widget, _("Search shortcuts"));
        }
    }
}

static void
hako_shortcuts_window_init(HakoShortcutsWindow *self)
{
    GtkWidget *titlebar;

    gtk_widget_init_template(GTK_WIDGET(self));
    titlebar = gtk_window_get_titlebar(GTK_WINDOW(self));
    if (GTK_IS_CONTAINER(titlebar))
        gtk_container_forall(GTK_CONTAINER(titlebar), name_search_button, NULL);
}

/**
 * hako_shortcuts_window_new:
 * @parent: (nullable): the window the shortcuts apply to
 *
 * Returns: (transfer none): a new shortcuts window, not shown yet.
 */
HakoShortcutsWindow *
hako_shortcuts_window_new(GtkWindow *parent)
{
    g_return_val_if_fail(parent == NULL || GTK_IS_WINDOW(parent), NULL);

    return g_object_new(HAKO_TYPE_SHORTCUTS_WINDOW, "transient-for", parent, NULL);
}
