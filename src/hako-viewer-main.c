/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Entry point of hako-viewer, the standalone console viewer. */
#include "config.h"

#include "hako-engine.h"
#include "hako-viewer-application.h"

#include <glib/gi18n.h>
#include <locale.h>

/* As in hako-main.c: GTK's OpenGL stays off on X11 unless GDK_GL asks for it. */
static void
skip_gtk_gl_on_x11(void)
{
    const char *backend = g_getenv("GDK_BACKEND");
    gboolean x11 =
        backend != NULL ? g_str_has_prefix(backend, "x11") : g_getenv("WAYLAND_DISPLAY") == NULL;

    if (x11 && g_getenv("GDK_GL") == NULL)
        g_setenv("GDK_GL", "disable", TRUE);
}

int
main(int argc, char *argv[])
{
    g_autoptr(HakoViewerApplication) app = NULL;
    int status;

    /* Before anything touches libvirt: its event loop must be GLib's. */
    hako_engine_init();

    setlocale(LC_ALL, "");
    bindtextdomain(GETTEXT_PACKAGE, LOCALEDIR);
    bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
    textdomain(GETTEXT_PACKAGE);

    /* The name accessibility tools (and the UI tests) know the application by. */
    g_set_prgname("hako-viewer");
    g_set_application_name(_("Hako Viewer"));

    skip_gtk_gl_on_x11();
    app = hako_viewer_application_new();
    status = g_application_run(G_APPLICATION(app), argc, argv);
    /* A window that could not show its display ends the run with 1. */
    return status != 0 ? status : hako_viewer_application_get_exit_status(app);
}
