/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "hako-console-spice.h"

#include <glib/gi18n.h>
#include <spice-client-gtk.h>
#include <string.h>
#include <unistd.h>

/*
 * A SPICE session with one SpiceDisplay, for the guest's first monitor, as the console's child.
 * SPICE opens one connection per channel (main, display, inputs, cursor, ...). With an address,
 * spice-gtk makes them itself; with a socket from virDomainOpenGraphicsFD, each channel after
 * the main one asks for a socket of its own ("open-fd"), which the console passes on as
 * "channel-needed" for its owner to answer with another socket from libvirt.
 *
 * A guest with several displays (more video devices, each on its own display channel, or a
 * device with several heads, monitors of one channel) has them announced as "display-added",
 * numbered as virt-viewer numbers them: the channel's id plus the monitor's. Each is shown by a
 * console of its own from hako_console_create_display(), a "secondary" one: it shares this
 * session, neither opens nor closes it, and shows its display until this console says
 * "display-removed". hako-viewer opens a window per display, as virt-viewer does; the manager's
 * guest window shows the first display only.
 */

typedef struct {
    guint nth;
    SpiceChannel *channel; /* a reference */
    int channel_id;
    int monitor_id;
} ExtraDisplay;

struct _HakoConsoleSpice {
    HakoConsole parent_instance;

    SpiceSession *session;
    SpiceDisplay *display; /* a child, once the first display channel exists */
    GQueue waiting;        /* SpiceChannel references waiting for a socket */
    GArray *extra;         /* ExtraDisplay: the displays after the first, announced */
    gboolean by_fd;
    gboolean closing;
    gboolean password_tried;
    gboolean scaling;
    gboolean resize_guest;
    guint grab_keys[5];
    guint n_grab_keys;
    gboolean grab_keys_set; /* n_grab_keys may be 0 then: no release keys at all */

    /* A secondary console: one more display of another console's session. */
    gboolean secondary;
    SpiceChannel *channel; /* its display channel, for the monitor's size */
    int monitor_id;
};

G_DEFINE_FINAL_TYPE(HakoConsoleSpice, hako_console_spice, HAKO_TYPE_CONSOLE)

static void
remove_extra_display(HakoConsoleSpice *self, guint index)
{
    ExtraDisplay extra = g_array_index(self->extra, ExtraDisplay, index);

    g_array_remove_index(self->extra, index);
    g_debug("SPICE display %u (channel %d, monitor %d) went away", extra.nth, extra.channel_id,
            extra.monitor_id);
    _hako_console_remove_display(HAKO_CONSOLE(self), extra.nth);
    g_object_unref(extra.channel);
}

/* The connection ends: so do the other displays, before the state says so. */
static void
remove_extra_displays(HakoConsoleSpice *self)
{
    while (self->extra->len > 0)
        remove_extra_display(self, self->extra->len - 1);
}

static void
drop_session(HakoConsoleSpice *self)
{
    SpiceChannel *channel;
    SpiceSession *session = g_steal_pointer(&self->session);

    /* The session first: no channel may reach a display widget that is on its way out (a
     * motion or grab handled by a widget no longer realized). */
    if (session != NULL) {
        g_signal_handlers_disconnect_by_data(session, self);
        /* A secondary console's session is its owner's, to end. */
        if (!self->secondary)
            spice_session_disconnect(session);
    }
    remove_extra_displays(self);
    while ((channel = g_queue_pop_head(&self->waiting)) != NULL)
        g_object_unref(channel);
    if (self->display != NULL) {
        spice_display_mouse_ungrab(self->display);
        gtk_widget_destroy(GTK_WIDGET(self->display));
        self->display = NULL;
    }
    if (self->channel != NULL) {
        g_signal_handlers_disconnect_by_data(self->channel, self);
        g_clear_object(&self->channel);
    }
    g_clear_object(&session);
}

/* ---------------------------------------------------------------------- */
/* Channels */

static void
apply_display_settings(HakoConsoleSpice *self)
{
    if (self->display == NULL)
        return;
    g_object_set(self->display, "scaling", self->scaling, "resize-guest", self->resize_guest, NULL);
    if (self->grab_keys_set) {
        /* An empty sequence is never pressed: spice-gtk never releases the grab by keys. */
        SpiceGrabSequence *sequence = spice_grab_sequence_new(self->n_grab_keys, self->grab_keys);

        spice_display_set_grab_keys(self->display, sequence);
        spice_grab_sequence_free(sequence);
    }
}

static void
mouse_grab_cb(HakoConsoleSpice *self, int grabbed, SpiceDisplay *display)
{
    _hako_console_set_grabbed(HAKO_CONSOLE(self), grabbed != 0);
}

static void
primary_create_cb(HakoConsoleSpice *self,
                  int format,
                  int width,
                  int height,
                  int stride,
                  int shmid,
                  gpointer data,
                  SpiceChannel *channel)
{
    _hako_console_set_display_size(HAKO_CONSOLE(self), width, height);
}

/*
 * spice-gtk keeps "has the keyboard focus" and "has the pointer" per session, not per display:
 * a display that is not its window's focus widget would try to grab the keyboard as well (and
 * fail an assertion) whenever it is made or its monitor changes while another display has both.
 * So only the focused display may grab the keyboard.
 */
static gboolean
display_focus_cb(GtkWidget *widget, GdkEventFocus *event, gpointer user_data)
{
    g_object_set(widget, "grab-keyboard", event->in != 0, NULL);
    return GDK_EVENT_PROPAGATE;
}

static SpiceDisplay *
new_display(HakoConsoleSpice *self, SpiceSession *session, int channel_id, int monitor_id)
{
    SpiceDisplay *display =
        g_object_new(SPICE_TYPE_DISPLAY, "session", session, "channel-id", channel_id, "monitor-id",
                     monitor_id, "grab-keyboard", FALSE, NULL);

    atk_object_set_name(gtk_widget_get_accessible(GTK_WIDGET(display)), _("Guest display"));
    gtk_widget_set_can_focus(GTK_WIDGET(display), TRUE);
    g_signal_connect(display, "focus-in-event", G_CALLBACK(display_focus_cb), NULL);
    g_signal_connect(display, "focus-out-event", G_CALLBACK(display_focus_cb), NULL);
    g_signal_connect_object(display, "mouse-grab", G_CALLBACK(mouse_grab_cb), self,
                            G_CONNECT_SWAPPED);
    return display;
}

static const char *
channel_error_message(SpiceChannel *channel, SpiceChannelEvent event)
{
    const GError *error = spice_channel_get_error(channel);

    if (error != NULL && error->message != NULL)
        return error->message;
    switch (event) {
    case SPICE_CHANNEL_ERROR_CONNECT:
        return _("Could not connect to the display.");
    case SPICE_CHANNEL_ERROR_TLS:
        return _("The display’s TLS connection failed.");
    case SPICE_CHANNEL_ERROR_LINK:
        return _("The display refused the connection.");
    case SPICE_CHANNEL_ERROR_IO:
    default:
        return _("The connection to the display was lost.");
    }
}

static void
main_event_cb(HakoConsoleSpice *self, SpiceChannelEvent event, SpiceChannel *channel)
{
    HakoConsole *console = HAKO_CONSOLE(self);

    switch (event) {
    case SPICE_CHANNEL_OPENED:
        self->password_tried = FALSE;
        _hako_console_set_state(console, HAKO_CONSOLE_STATE_CONNECTED, NULL);
        break;
    case SPICE_CHANNEL_SWITCHING:
        /* A migration: spice-gtk follows the guest to its new host by itself. */
        break;
    case SPICE_CHANNEL_CLOSED:
        remove_extra_displays(self);
        _hako_console_set_state(
            console, self->closing ? HAKO_CONSOLE_STATE_CLOSED : HAKO_CONSOLE_STATE_DISCONNECTED,
            self->closing ? NULL : _("The connection to the display was lost."));
        break;
    case SPICE_CHANNEL_ERROR_AUTH:
        _hako_console_ask_password(
            console, self->password_tried ? _("The display refused the password.") : NULL);
        break;
    case SPICE_CHANNEL_ERROR_CONNECT:
    case SPICE_CHANNEL_ERROR_TLS:
    case SPICE_CHANNEL_ERROR_LINK:
    case SPICE_CHANNEL_ERROR_IO:
    default:
        remove_extra_displays(self);
        if (!self->closing)
            _hako_console_set_state(console, HAKO_CONSOLE_STATE_DISCONNECTED,
                                    channel_error_message(channel, event));
        break;
    }
}

static const SpiceDisplayMonitorConfig *
find_monitor(GArray *monitors, int monitor_id)
{
    for (guint i = 0; monitors != NULL && i < monitors->len; i++) {
        const SpiceDisplayMonitorConfig *config =
            &g_array_index(monitors, SpiceDisplayMonitorConfig, i);

        /* A monitor of no size is one the guest turned off. */
        if ((int)config->id == monitor_id && config->width > 0 && config->height > 0)
            return config;
    }
    return NULL;
}

static gboolean
has_extra_display(HakoConsoleSpice *self, guint nth)
{
    for (guint i = 0; i < self->extra->len; i++)
        if (g_array_index(self->extra, ExtraDisplay, i).nth == nth)
            return TRUE;
    return FALSE;
}

/* A display channel's monitors changed: announce the new ones, and the ones that went away. */
static void
display_monitors_cb(HakoConsoleSpice *self, GParamSpec *pspec, SpiceChannel *channel)
{
    g_autoptr(GArray) monitors = NULL;
    int channel_id = 0;

    g_object_get(channel, "channel-id", &channel_id, "monitors", &monitors, NULL);
    for (guint i = self->extra->len; i > 0; i--) {
        ExtraDisplay *extra = &g_array_index(self->extra, ExtraDisplay, i - 1);

        if (extra->channel == channel && find_monitor(monitors, extra->monitor_id) == NULL)
            remove_extra_display(self, i - 1);
    }
    for (guint i = 0; monitors != NULL && i < monitors->len; i++) {
        const SpiceDisplayMonitorConfig *config =
            &g_array_index(monitors, SpiceDisplayMonitorConfig, i);
        ExtraDisplay extra = {(guint)channel_id + config->id, NULL, channel_id, (int)config->id};

        /* Display 0 is this console's own; two that number alike, the first only. */
        if (extra.nth == 0 || config->width == 0 || config->height == 0 ||
            has_extra_display(self, extra.nth))
            continue;
        extra.channel = g_object_ref(channel);
        g_array_append_val(self->extra, extra);
        g_debug("SPICE display %u (channel %d, monitor %d): %ux%u", extra.nth, channel_id,
                extra.monitor_id, config->width, config->height);
        _hako_console_add_display(HAKO_CONSOLE(self), extra.nth);
    }
}

static void
channel_destroy_cb(HakoConsoleSpice *self, SpiceChannel *channel, SpiceSession *session)
{
    for (guint i = self->extra->len; i > 0; i--)
        if (g_array_index(self->extra, ExtraDisplay, i - 1).channel == channel)
            remove_extra_display(self, i - 1);
}

static void
open_fd_cb(HakoConsoleSpice *self, int with_tls, SpiceChannel *channel)
{
    g_queue_push_tail(&self->waiting, g_object_ref(channel));
    _hako_console_ask_channel(HAKO_CONSOLE(self));
}

static void
channel_new_cb(HakoConsoleSpice *self, SpiceChannel *channel, SpiceSession *session)
{
    int id = 0;

    g_object_get(channel, "channel-id", &id, NULL);
    if (self->by_fd)
        g_signal_connect_object(channel, "open-fd", G_CALLBACK(open_fd_cb), self,
                                G_CONNECT_SWAPPED);
    if (SPICE_IS_MAIN_CHANNEL(channel)) {
        g_signal_connect_object(channel, "channel-event", G_CALLBACK(main_event_cb), self,
                                G_CONNECT_SWAPPED);
        return; /* the session connects it */
    }
    if (SPICE_IS_DISPLAY_CHANNEL(channel))
        g_signal_connect_object(channel, "notify::monitors", G_CALLBACK(display_monitors_cb), self,
                                G_CONNECT_SWAPPED);
    if (SPICE_IS_DISPLAY_CHANNEL(channel) && id == 0 && self->display == NULL) {
        self->display = new_display(self, session, 0, 0);
        g_signal_connect_object(channel, "display-primary-create", G_CALLBACK(primary_create_cb),
                                self, G_CONNECT_SWAPPED);
        apply_display_settings(self);
        gtk_widget_show(GTK_WIDGET(self->display));
        gtk_container_add(GTK_CONTAINER(self), GTK_WIDGET(self->display));
        if (gtk_widget_get_mapped(GTK_WIDGET(self)))
            gtk_widget_grab_focus(GTK_WIDGET(self->display));
    }
    spice_channel_connect(channel);
}

/* ---------------------------------------------------------------------- */
/* HakoConsole */

static void
hako_console_spice_open(HakoConsole *console, HakoGraphicsEndpoint *endpoint)
{
    HakoConsoleSpice *self = HAKO_CONSOLE_SPICE(console);
    gboolean opened;
    int fd;

    g_return_if_fail(!self->secondary);
    self->closing = TRUE;
    drop_session(self);
    self->closing = FALSE;
    self->password_tried = FALSE;
    _hako_console_set_state(console, HAKO_CONSOLE_STATE_CONNECTING, NULL);

    self->session = spice_session_new();
    /* Copy and paste between the guest and the desktop, when the guest has its agent. */
    g_object_set(spice_gtk_session_get(self->session), "auto-clipboard", TRUE, NULL);
    g_signal_connect_object(self->session, "channel-new", G_CALLBACK(channel_new_cb), self,
                            G_CONNECT_SWAPPED);
    g_signal_connect_object(self->session, "channel-destroy", G_CALLBACK(channel_destroy_cb), self,
                            G_CONNECT_SWAPPED);
    if (endpoint->password != NULL)
        g_object_set(self->session, "password", endpoint->password, NULL);

    fd = hako_graphics_endpoint_steal_fd(endpoint);
    self->by_fd = fd >= 0;
    if (self->by_fd) {
        opened = spice_session_open_fd(self->session, fd);
    } else {
        if (endpoint->socket != NULL) {
            g_object_set(self->session, "unix-path", endpoint->socket, NULL);
        } else {
            char port[16] = "", tls_port[16] = "";

            if (endpoint->port > 0)
                g_snprintf(port, sizeof port, "%d", endpoint->port);
            if (endpoint->tls_port > 0)
                g_snprintf(tls_port, sizeof tls_port, "%d", endpoint->tls_port);
            g_object_set(self->session, "host", endpoint->host, "port", *port ? port : NULL,
                         "tls-port", *tls_port ? tls_port : NULL, NULL);
        }
        opened = spice_session_connect(self->session);
    }
    if (!opened)
        _hako_console_set_state(console, HAKO_CONSOLE_STATE_DISCONNECTED,
                                _("Could not open a connection to the display."));
}

static void
hako_console_spice_add_channel(HakoConsole *console, HakoGraphicsEndpoint *endpoint)
{
    HakoConsoleSpice *self = HAKO_CONSOLE_SPICE(console);
    SpiceChannel *channel = g_queue_pop_head(&self->waiting);
    int fd = hako_graphics_endpoint_steal_fd(endpoint);

    if (channel == NULL) {
        if (fd >= 0)
            close(fd);
        return;
    }
    if (fd < 0 || !spice_channel_open_fd(channel, fd))
        g_debug("A SPICE channel got no socket");
    g_object_unref(channel);
}

static void
hako_console_spice_close(HakoConsole *console)
{
    HakoConsoleSpice *self = HAKO_CONSOLE_SPICE(console);

    self->closing = TRUE;
    drop_session(self);
    _hako_console_set_state(console, HAKO_CONSOLE_STATE_CLOSED, NULL);
}

static void
hako_console_spice_set_password(HakoConsole *console, const char *password)
{
    HakoConsoleSpice *self = HAKO_CONSOLE_SPICE(console);

    if (self->session == NULL || self->secondary)
        return;
    self->password_tried = TRUE;
    g_object_set(self->session, "password", password, NULL);
    spice_session_connect(self->session);
}

static void
hako_console_spice_send_keys(HakoConsole *console, const guint *keyvals, guint n_keyvals)
{
    HakoConsoleSpice *self = HAKO_CONSOLE_SPICE(console);

    if (self->display != NULL)
        spice_display_send_keys(self->display, keyvals, (int)n_keyvals,
                                SPICE_DISPLAY_KEY_EVENT_CLICK);
}

static GdkPixbuf *
hako_console_spice_get_screenshot(HakoConsole *console)
{
    HakoConsoleSpice *self = HAKO_CONSOLE_SPICE(console);

    if (self->display == NULL || hako_console_get_state(console) != HAKO_CONSOLE_STATE_CONNECTED)
        return NULL;
    return spice_display_get_pixbuf(self->display);
}

static void
hako_console_spice_set_scaling(HakoConsole *console, gboolean scaling)
{
    HakoConsoleSpice *self = HAKO_CONSOLE_SPICE(console);

    self->scaling = scaling;
    apply_display_settings(self);
}

static void
hako_console_spice_set_grab_keys(HakoConsole *console, const char *accelerator)
{
    HakoConsoleSpice *self = HAKO_CONSOLE_SPICE(console);
    GdkModifierType mods = 0;
    guint key = 0;

    self->n_grab_keys = 0;
    self->grab_keys_set = TRUE;
    if (accelerator != NULL && *accelerator == '\0') {
        apply_display_settings(self);
        return;
    }
    gtk_accelerator_parse(accelerator != NULL && *accelerator ? accelerator : "<Control><Alt>",
                          &key, &mods);
    if ((mods & GDK_CONTROL_MASK) != 0)
        self->grab_keys[self->n_grab_keys++] = GDK_KEY_Control_L;
    if ((mods & GDK_MOD1_MASK) != 0)
        self->grab_keys[self->n_grab_keys++] = GDK_KEY_Alt_L;
    if ((mods & GDK_SHIFT_MASK) != 0)
        self->grab_keys[self->n_grab_keys++] = GDK_KEY_Shift_L;
    if ((mods & GDK_SUPER_MASK) != 0)
        self->grab_keys[self->n_grab_keys++] = GDK_KEY_Super_L;
    if (key != 0)
        self->grab_keys[self->n_grab_keys++] = key;
    apply_display_settings(self);
}

static void
hako_console_spice_set_resize_guest(HakoConsole *console, gboolean resize)
{
    HakoConsoleSpice *self = HAKO_CONSOLE_SPICE(console);

    self->resize_guest = resize;
    apply_display_settings(self);
}

static GtkWidget *
hako_console_spice_create_usb_chooser(HakoConsole *console)
{
    HakoConsoleSpice *self = HAKO_CONSOLE_SPICE(console);

    if (self->session == NULL)
        return NULL;
    /* Each device as "manufacturer product [vendor:product] at bus-address". */
    return spice_usb_device_widget_new(self->session, NULL);
}

static void
hako_console_spice_release_grab(HakoConsole *console)
{
    HakoConsoleSpice *self = HAKO_CONSOLE_SPICE(console);

    if (self->display != NULL)
        spice_display_mouse_ungrab(self->display);
}

/* The size of a secondary console's monitor, as the guest gives it. */
static void
secondary_monitors_cb(HakoConsoleSpice *self, GParamSpec *pspec, SpiceChannel *channel)
{
    g_autoptr(GArray) monitors = NULL;
    const SpiceDisplayMonitorConfig *config;

    g_object_get(channel, "monitors", &monitors, NULL);
    config = find_monitor(monitors, self->monitor_id);
    if (config != NULL)
        _hako_console_set_display_size(HAKO_CONSOLE(self), (int)config->width, (int)config->height);
}

static HakoConsole *
hako_console_spice_create_display(HakoConsole *console, guint nth)
{
    HakoConsoleSpice *self = HAKO_CONSOLE_SPICE(console);
    HakoConsoleSpice *other;
    ExtraDisplay *extra = NULL;

    for (guint i = 0; i < self->extra->len; i++)
        if (g_array_index(self->extra, ExtraDisplay, i).nth == nth)
            extra = &g_array_index(self->extra, ExtraDisplay, i);
    if (extra == NULL || self->session == NULL)
        return NULL;

    other = g_object_new(HAKO_TYPE_CONSOLE_SPICE, NULL);
    other->secondary = TRUE;
    other->session = g_object_ref(self->session);
    other->channel = g_object_ref(extra->channel);
    other->monitor_id = extra->monitor_id;
    other->scaling = self->scaling;
    other->resize_guest = self->resize_guest;
    other->grab_keys_set = self->grab_keys_set;
    other->n_grab_keys = self->n_grab_keys;
    memcpy(other->grab_keys, self->grab_keys, sizeof other->grab_keys);

    other->display = new_display(other, self->session, extra->channel_id, extra->monitor_id);
    g_signal_connect_object(extra->channel, "notify::monitors", G_CALLBACK(secondary_monitors_cb),
                            other, G_CONNECT_SWAPPED);
    secondary_monitors_cb(other, NULL, extra->channel);
    apply_display_settings(other);
    gtk_widget_show(GTK_WIDGET(other->display));
    gtk_container_add(GTK_CONTAINER(other), GTK_WIDGET(other->display));
    _hako_console_set_state(HAKO_CONSOLE(other), HAKO_CONSOLE_STATE_CONNECTED, NULL);
    return HAKO_CONSOLE(other);
}

/* ---------------------------------------------------------------------- */
/* GObject */

static void
hako_console_spice_dispose(GObject *object)
{
    HakoConsoleSpice *self = HAKO_CONSOLE_SPICE(object);

    self->closing = TRUE;
    drop_session(self);
    G_OBJECT_CLASS(hako_console_spice_parent_class)->dispose(object);
}

static void
hako_console_spice_finalize(GObject *object)
{
    HakoConsoleSpice *self = HAKO_CONSOLE_SPICE(object);

    g_array_unref(self->extra);
    G_OBJECT_CLASS(hako_console_spice_parent_class)->finalize(object);
}

static void
hako_console_spice_class_init(HakoConsoleSpiceClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    HakoConsoleClass *console_class = HAKO_CONSOLE_CLASS(klass);

    object_class->dispose = hako_console_spice_dispose;
    object_class->finalize = hako_console_spice_finalize;
    console_class->open = hako_console_spice_open;
    console_class->close = hako_console_spice_close;
    console_class->set_password = hako_console_spice_set_password;
    console_class->send_keys = hako_console_spice_send_keys;
    console_class->get_screenshot = hako_console_spice_get_screenshot;
    console_class->set_scaling = hako_console_spice_set_scaling;
    console_class->set_grab_keys = hako_console_spice_set_grab_keys;
    console_class->release_grab = hako_console_spice_release_grab;
    console_class->add_channel = hako_console_spice_add_channel;
    console_class->set_resize_guest = hako_console_spice_set_resize_guest;
    console_class->create_usb_chooser = hako_console_spice_create_usb_chooser;
    console_class->create_display = hako_console_spice_create_display;
}

static void
hako_console_spice_init(HakoConsoleSpice *self)
{
    g_queue_init(&self->waiting);
    self->extra = g_array_new(FALSE, FALSE, sizeof(ExtraDisplay));
    self->scaling = TRUE;
    hako_console_spice_set_grab_keys(HAKO_CONSOLE(self), NULL);
}

/**
 * hako_console_spice_new:
 *
 * Returns: (transfer floating): a SPICE console, not connected
 */
HakoConsole *
hako_console_spice_new(void)
{
    return g_object_new(HAKO_TYPE_CONSOLE_SPICE, NULL);
}
