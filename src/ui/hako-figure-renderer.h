/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoFigureRenderer: a text cell renderer for short figures that keeps their layouts. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define HAKO_TYPE_FIGURE_RENDERER (hako_figure_renderer_get_type())
G_DECLARE_FINAL_TYPE(
    HakoFigureRenderer, hako_figure_renderer, HAKO, FIGURE_RENDERER, GtkCellRendererText)

GtkCellRenderer *hako_figure_renderer_new(void);

G_END_DECLS
