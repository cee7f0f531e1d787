/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoGraph: a live statistics graph of one or two histories, drawn with cairo. */
#pragma once

#include "hako-stats.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* How a graph scales and labels its values. */
typedef enum {
    HAKO_GRAPH_KIND_PERCENT, /* 0 to 100, fixed */
    HAKO_GRAPH_KIND_BYTES,   /* bytes, 0 to "maximum" if set, else to the data */
    HAKO_GRAPH_KIND_RATE,    /* bytes per second, 0 to a round value above the data */
} HakoGraphKind;

#define HAKO_TYPE_GRAPH_KIND (hako_graph_kind_get_type())
GType hako_graph_kind_get_type(void) G_GNUC_CONST;

#define HAKO_TYPE_GRAPH (hako_graph_get_type())
G_DECLARE_FINAL_TYPE(HakoGraph, hako_graph, HAKO, GRAPH, GtkDrawingArea)

GtkWidget *hako_graph_new(HakoGraphKind kind, const char *title);
HakoStatsHistory *hako_graph_get_history(HakoGraph *self);
void hako_graph_set_history(HakoGraph *self, HakoStatsHistory *history);
HakoStatsHistory *hako_graph_get_second_history(HakoGraph *self);
void hako_graph_set_second_history(HakoGraph *self, HakoStatsHistory *history);
HakoGraphKind hako_graph_get_kind(HakoGraph *self);
void hako_graph_set_kind(HakoGraph *self, HakoGraphKind kind);
double hako_graph_get_maximum(HakoGraph *self);
void hako_graph_set_maximum(HakoGraph *self, double maximum);
const char *hako_graph_get_title(HakoGraph *self);
void hako_graph_set_title(HakoGraph *self, const char *title);
gboolean hako_graph_get_polled(HakoGraph *self);
void hako_graph_set_polled(HakoGraph *self, gboolean polled);
const char *hako_graph_get_series_label(HakoGraph *self);
void hako_graph_set_series_label(HakoGraph *self, const char *label);
const char *hako_graph_get_second_series_label(HakoGraph *self);
void hako_graph_set_second_series_label(HakoGraph *self, const char *label);
char *hako_graph_describe_values(HakoGraph *self);
void hako_graph_refresh(HakoGraph *self);

/* The fixed colours of the first and second series. */
void hako_graph_get_series_color(guint series, GdkRGBA *color);

double hako_graph_nice_maximum(double value);

void hako_graph_draw_sparkline(cairo_t *cr,
                               const GdkRectangle *area,
                               HakoStatsHistory *history,
                               HakoStatsHistory *second,
                               double maximum,
                               gboolean percent,
                               const GdkRGBA *line,
                               const GdkRGBA *second_line);

G_END_DECLS
