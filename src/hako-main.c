/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Entry point of hako, the virtual machine manager. */
#include "config.h"

#include "hako-application.h"
#include "hako-engine.h"
#include "hako-mainloop-probe.h"

#include <glib/gi18n.h>
#include <locale.h>

/*
 * GTK 3's X11 backend sets up GLX when it opens the display, only to pick visuals for OpenGL
 * drawing, and that loads the system's OpenGL driver: with Mesa's llvmpipe (no GPU, a virtual
 * display, a thin client) about 48 MiB of libLLVM and swrast, nearly half of what Hako takes.
 * Hako draws with cairo; SPICE's OpenGL display on X11 uses EGL on its own. So on X11, unless
 * the user asked for something else with GDK_GL, GTK's OpenGL is left off. Wayland's GTK
 * needs it for SPICE's GL area, and sets it up lazily anyway.
 */
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
    g_autoptr(HakoApplication) app = NULL;

    /* Before anything touches libvirt: its event loop must be GLib's. */
    hako_engine_init();

    setlocale(LC_ALL, "");
    bindtextdomain(GETTEXT_PACKAGE, LOCALEDIR);
    bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
    textdomain(GETTEXT_PACKAGE);

    /* The name accessibility tools (and the UI tests) know the application by. */
    g_set_prgname("hako");
    g_set_application_name(_("Hako"));

    skip_gtk_gl_on_x11();
    app = hako_application_new();
    /* Benchmarks only: nothing happens unless HAKO_MAINLOOP_PROBE is set. */
    hako_mainloop_probe_init();
    return g_application_run(G_APPLICATION(app), argc, argv);
}
