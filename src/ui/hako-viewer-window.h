/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoViewerWindow: hako-viewer's window, one guest's or one address's display. */
#pragma once

#include "hako-connection-manager.h"
#include "hako-viewer-target.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* What the command line asks of the window besides its target. */
typedef struct {
    gboolean wait;       /* --wait: wait for the guest to be defined and to start */
    gboolean reconnect;  /* --reconnect: stay and reconnect when the guest stops and starts */
    gboolean direct;     /* --direct: to the display's address, never through libvirt or SSH */
    gboolean fullscreen; /* --full-screen (or the .vv file's fullscreen=1) */
    gboolean kiosk;      /* --kiosk: full screen, no keys of its own, cannot be closed */
    gboolean kiosk_quit; /* --kiosk-quit on-disconnect: exit 0 when the display goes away */
    int zoom;            /* --zoom percent, or 0 to scale the display to the window */
    const char *title;   /* --title, or NULL */
    /* --hotkeys (or the .vv file's): when set, only these keys are the viewer's own; each
     * HakoViewerHotkey's key, or 0 for none. */
    gboolean custom_hotkeys;
    guint hotkey_keyvals[HAKO_N_VIEWER_HOTKEYS];
    GdkModifierType hotkey_mods[HAKO_N_VIEWER_HOTKEYS];
} HakoViewerOptions;

#define HAKO_TYPE_VIEWER_WINDOW (hako_viewer_window_get_type())
G_DECLARE_FINAL_TYPE(
    HakoViewerWindow, hako_viewer_window, HAKO, VIEWER_WINDOW, GtkApplicationWindow)

HakoViewerWindow *hako_viewer_window_new(GtkApplication *application,
                                         HakoConnectionManager *manager,
                                         HakoViewerTarget *target,
                                         const HakoViewerOptions *options);
int hako_viewer_window_get_exit_status(HakoViewerWindow *self);

G_END_DECLS
