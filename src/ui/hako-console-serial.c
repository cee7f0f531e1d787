/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "hako-console-serial.h"

#include <glib/gi18n.h>
#include <vte/vte.h>

/*
 * A VteTerminal fed by a HakoConsoleStream: what the guest writes to its serial port appears in
 * the terminal, what the user types goes to the guest. The stream does its I/O off the main
 * thread; the terminal only draws. There is no picture to save and no pointer to grab.
 */

struct _HakoConsoleSerial {
    HakoConsole parent_instance;

    VteTerminal *terminal; /* the child */
    HakoConsoleStream *stream;
    gboolean closing;
};

G_DEFINE_FINAL_TYPE(HakoConsoleSerial, hako_console_serial, HAKO_TYPE_CONSOLE)

static void
received_cb(HakoConsoleSerial *self, GBytes *bytes, HakoConsoleStream *stream)
{
    gsize length = 0;
    const char *data = g_bytes_get_data(bytes, &length);

    vte_terminal_feed(self->terminal, data, (gssize)length);
}

static void
closed_cb(HakoConsoleSerial *self, const char *message, HakoConsoleStream *stream)
{
    if (self->closing || message == NULL)
        _hako_console_set_state(HAKO_CONSOLE(self),
                                self->closing ? HAKO_CONSOLE_STATE_CLOSED
                                              : HAKO_CONSOLE_STATE_DISCONNECTED,
                                self->closing ? NULL : _("The console was closed."));
    else
        _hako_console_set_state(HAKO_CONSOLE(self), HAKO_CONSOLE_STATE_DISCONNECTED, message);
}

static void
commit_cb(HakoConsoleSerial *self, const char *text, guint size, VteTerminal *terminal)
{
    if (self->stream != NULL)
        hako_console_stream_write(self->stream, text, size);
}

static void
drop_stream(HakoConsoleSerial *self)
{
    if (self->stream == NULL)
        return;
    g_signal_handlers_disconnect_by_data(self->stream, self);
    hako_console_stream_close(self->stream);
    g_clear_object(&self->stream);
}

/**
 * hako_console_serial_attach:
 * @stream: an open console stream (hako_domain_ops_open_console_async())
 *
 * Shows @stream in the terminal, in place of any earlier one.
 */
void
hako_console_serial_attach(HakoConsoleSerial *self, HakoConsoleStream *stream)
{
    g_return_if_fail(HAKO_IS_CONSOLE_SERIAL(self));
    g_return_if_fail(HAKO_IS_CONSOLE_STREAM(stream));

    drop_stream(self);
    self->closing = FALSE;
    self->stream = g_object_ref(stream);
    g_signal_connect_object(stream, "received", G_CALLBACK(received_cb), self, G_CONNECT_SWAPPED);
    g_signal_connect_object(stream, "closed", G_CALLBACK(closed_cb), self, G_CONNECT_SWAPPED);
    _hako_console_set_state(HAKO_CONSOLE(self),
                            hako_console_stream_is_open(stream) ? HAKO_CONSOLE_STATE_CONNECTED
                                                                : HAKO_CONSOLE_STATE_DISCONNECTED,
                            NULL);
}

/* ---------------------------------------------------------------------- */
/* HakoConsole */

static void
hako_console_serial_open(HakoConsole *console, HakoGraphicsEndpoint *endpoint)
{
    /* A serial console has no display endpoint: its owner attaches a stream instead. */
    _hako_console_set_state(console, HAKO_CONSOLE_STATE_DISCONNECTED,
                            _("A text console cannot be opened as a display."));
}

static void
hako_console_serial_close(HakoConsole *console)
{
    HakoConsoleSerial *self = HAKO_CONSOLE_SERIAL(console);

    self->closing = TRUE;
    drop_stream(self);
    _hako_console_set_state(console, HAKO_CONSOLE_STATE_CLOSED, NULL);
}

static void
hako_console_serial_set_password(HakoConsole *console, const char *password)
{
}

/* Keys as the terminal would send them: the combinations Send Key offers mean nothing on a
 * serial line, except as text; only plain keys are written. */
static void
hako_console_serial_send_keys(HakoConsole *console, const guint *keyvals, guint n_keyvals)
{
}

static GdkPixbuf *
hako_console_serial_get_screenshot(HakoConsole *console)
{
    return NULL;
}

static void
hako_console_serial_set_scaling(HakoConsole *console, gboolean scaling)
{
}

static void
hako_console_serial_set_grab_keys(HakoConsole *console, const char *accelerator)
{
}

static void
hako_console_serial_release_grab(HakoConsole *console)
{
}

/* ---------------------------------------------------------------------- */
/* GObject */

static void
hako_console_serial_dispose(GObject *object)
{
    HakoConsoleSerial *self = HAKO_CONSOLE_SERIAL(object);

    self->closing = TRUE;
    drop_stream(self);
    self->terminal = NULL;
    G_OBJECT_CLASS(hako_console_serial_parent_class)->dispose(object);
}

static void
hako_console_serial_class_init(HakoConsoleSerialClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    HakoConsoleClass *console_class = HAKO_CONSOLE_CLASS(klass);

    object_class->dispose = hako_console_serial_dispose;
    console_class->open = hako_console_serial_open;
    console_class->close = hako_console_serial_close;
    console_class->set_password = hako_console_serial_set_password;
    console_class->send_keys = hako_console_serial_send_keys;
    console_class->get_screenshot = hako_console_serial_get_screenshot;
    console_class->set_scaling = hako_console_serial_set_scaling;
    console_class->set_grab_keys = hako_console_serial_set_grab_keys;
    console_class->release_grab = hako_console_serial_release_grab;
}

static void
hako_console_serial_init(HakoConsoleSerial *self)
{
    GtkWidget *terminal = vte_terminal_new();

    self->terminal = VTE_TERMINAL(terminal);
    vte_terminal_set_scrollback_lines(self->terminal, 10000);
    vte_terminal_set_size(self->terminal, 80, 25);
    atk_object_set_name(gtk_widget_get_accessible(terminal), _("Guest text console"));
    g_signal_connect_object(terminal, "commit", G_CALLBACK(commit_cb), self, G_CONNECT_SWAPPED);
    gtk_widget_show(terminal);
    gtk_container_add(GTK_CONTAINER(self), terminal);
}

/**
 * hako_console_serial_new:
 *
 * Returns: (transfer floating): a text console, with nothing attached
 */
HakoConsole *
hako_console_serial_new(void)
{
    return g_object_new(HAKO_TYPE_CONSOLE_SERIAL, NULL);
}
