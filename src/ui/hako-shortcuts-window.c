/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoShortcutsWindow: lists every keyboard shortcut of the manager. */
#include "config.h"

#include "hako-shortcuts-window.h"

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

static void
hako_shortcuts_window_init(HakoShortcutsWindow *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
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
