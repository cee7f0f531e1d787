/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoViewerApplication: hako-viewer, one window per invocation, and its command line. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define HAKO_TYPE_VIEWER_APPLICATION (hako_viewer_application_get_type())
G_DECLARE_FINAL_TYPE(
    HakoViewerApplication, hako_viewer_application, HAKO, VIEWER_APPLICATION, GtkApplication)

HakoViewerApplication *hako_viewer_application_new(void);
int hako_viewer_application_get_exit_status(HakoViewerApplication *self);

G_END_DECLS
