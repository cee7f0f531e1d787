/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Entry point of hako, the virtual machine manager. */
#include "config.h"

#include "hako-application.h"
#include "hako-engine.h"
#include "hako-mainloop-probe.h"

#include <glib/gi18n.h>
#include <locale.h>

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

    app = hako_application_new();
    /* Benchmarks only: nothing happens unless HAKO_MAINLOOP_PROBE is set. */
    hako_mainloop_probe_init();
    return g_application_run(G_APPLICATION(app), argc, argv);
}
