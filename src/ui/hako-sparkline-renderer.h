/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoSparklineRenderer: a cell renderer drawing a small graph of one or two histories. */
#pragma once

#include "hako-stats.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define HAKO_TYPE_SPARKLINE_RENDERER (hako_sparkline_renderer_get_type())
G_DECLARE_FINAL_TYPE(
    HakoSparklineRenderer, hako_sparkline_renderer, HAKO, SPARKLINE_RENDERER, GtkCellRenderer)

GtkCellRenderer *hako_sparkline_renderer_new(void);
void hako_sparkline_renderer_set_figure(HakoSparklineRenderer *self,
                                        HakoStatsHistory *history,
                                        HakoStatsHistory *second_history,
                                        double maximum,
                                        gboolean polled);

G_END_DECLS
