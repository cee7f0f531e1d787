/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Small pieces the pages built in code share: a toolbar button, a text column, a scrolled list,
 * an error bar, accessible names from labels. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

GtkWidget *hako_widgets_add_button(
    GtkBox *box, const char *label, const char *tooltip, GCallback callback, gpointer object);
void
hako_widgets_add_text_column(GtkTreeView *view, const char *title, int column, gboolean expand);
GtkWidget *hako_widgets_scrolled(GtkWidget *child);
GtkInfoBar *hako_widgets_error_bar_new(GtkLabel **label);
void hako_widgets_remember_geometry(GtkWindow *window, GSettings *settings, const char *prefix);
void hako_widgets_name_from_labels(GtkWidget *root);

G_END_DECLS
