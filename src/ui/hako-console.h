/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoConsole: a guest's screen or text console in a widget; HakoConsoleVnc and the others
 * fill it in for their protocol. */
#pragma once

#include "hako-console-device.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef enum {
    HAKO_CONSOLE_STATE_CLOSED,       /* never opened, or closed on purpose */
    HAKO_CONSOLE_STATE_CONNECTING,   /* opened, waiting for the first picture */
    HAKO_CONSOLE_STATE_CONNECTED,    /* showing the guest */
    HAKO_CONSOLE_STATE_DISCONNECTED, /* the other side went away (see "error-message") */
} HakoConsoleState;

#define HAKO_TYPE_CONSOLE (hako_console_get_type())
G_DECLARE_DERIVABLE_TYPE(HakoConsole, hako_console, HAKO, CONSOLE, GtkBin)

struct _HakoConsoleClass {
    GtkBinClass parent_class;

    /* Connects to @endpoint (taking its socket); reports through the state. */
    void (*open)(HakoConsole *self, HakoGraphicsEndpoint *endpoint);
    void (*close)(HakoConsole *self);
    /* Answers "password-needed". */
    void (*set_password)(HakoConsole *self, const char *password);
    void (*send_keys)(HakoConsole *self, const guint *keyvals, guint n_keyvals);
    GdkPixbuf *(*get_screenshot)(HakoConsole *self);
    void (*set_scaling)(HakoConsole *self, gboolean scaling);
    void (*set_grab_keys)(HakoConsole *self, const char *accelerator);
    void (*release_grab)(HakoConsole *self);
    /* Answers "channel-needed" with another socket to the same display. */
    void (*add_channel)(HakoConsole *self, HakoGraphicsEndpoint *endpoint);
    /* SPICE only (NULL elsewhere): the guest follows the window's size; host USB devices. */
    void (*set_resize_guest)(HakoConsole *self, gboolean resize);
    GtkWidget *(*create_usb_chooser)(HakoConsole *self);
    /* Displays after the first (SPICE only, NULL elsewhere): a console showing one of them. */
    HakoConsole *(*create_display)(HakoConsole *self, guint nth);

    gpointer padding[4];
};

void hako_console_open(HakoConsole *self, HakoGraphicsEndpoint *endpoint);
void hako_console_close(HakoConsole *self);
void hako_console_set_password(HakoConsole *self, const char *password);
void hako_console_send_keys(HakoConsole *self, const guint *keyvals, guint n_keyvals);
GdkPixbuf *hako_console_get_screenshot(HakoConsole *self);
void hako_console_set_scaling(HakoConsole *self, gboolean scaling);
void hako_console_set_grab_keys(HakoConsole *self, const char *accelerator);
void hako_console_release_grab(HakoConsole *self);
void hako_console_add_channel(HakoConsole *self, HakoGraphicsEndpoint *endpoint);
gboolean hako_console_can_resize_guest(HakoConsole *self);
void hako_console_set_resize_guest(HakoConsole *self, gboolean resize);
gboolean hako_console_can_redirect_usb(HakoConsole *self);
GtkWidget *hako_console_create_usb_chooser(HakoConsole *self);
HakoConsole *hako_console_create_display(HakoConsole *self, guint nth);

HakoConsoleState hako_console_get_state(HakoConsole *self);
const char *hako_console_get_error_message(HakoConsole *self);
gboolean hako_console_get_grabbed(HakoConsole *self);
int hako_console_get_display_width(HakoConsole *self);
int hako_console_get_display_height(HakoConsole *self);

/* For subclasses. */
void _hako_console_set_state(HakoConsole *self, HakoConsoleState state, const char *error_message);
void _hako_console_set_grabbed(HakoConsole *self, gboolean grabbed);
void _hako_console_set_display_size(HakoConsole *self, int width, int height);
void _hako_console_ask_password(HakoConsole *self, const char *reason);
void _hako_console_ask_channel(HakoConsole *self);
void _hako_console_add_display(HakoConsole *self, guint nth);
void _hako_console_remove_display(HakoConsole *self, guint nth);

HakoConsole *hako_console_new_for_kind(HakoConsoleKind kind);

G_END_DECLS
