/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "hako-console.h"

#include "hako-console-serial.h"
#if HAVE_SPICE_GTK
#include "hako-console-spice.h"
#endif
#if HAVE_GTK_VNC
#include "hako-console-vnc.h"
#endif
#include "hako-ui-enums.h"

/*
 * The part every protocol shares: the state the page around it shows (connecting, connected,
 * gone and why), whether it holds the pointer, the guest's screen size, and asking for a
 * password. The subclass owns the protocol's widget, its only child.
 */

typedef struct {
    HakoConsoleState state;
    char *error_message;
    gboolean grabbed;
    int display_width;
    int display_height;
} HakoConsolePrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE(HakoConsole, hako_console, GTK_TYPE_BIN)

enum {
    PROP_0,
    PROP_STATE,
    PROP_ERROR_MESSAGE,
    PROP_GRABBED,
    PROP_DISPLAY_WIDTH,
    PROP_DISPLAY_HEIGHT,
    N_PROPS
};

enum {
    SIGNAL_PASSWORD_NEEDED,
    SIGNAL_CHANNEL_NEEDED,
    SIGNAL_DISPLAY_ADDED,
    SIGNAL_DISPLAY_REMOVED,
    N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
hako_console_finalize(GObject *object)
{
    HakoConsolePrivate *priv = hako_console_get_instance_private(HAKO_CONSOLE(object));

    g_free(priv->error_message);
    G_OBJECT_CLASS(hako_console_parent_class)->finalize(object);
}

static void
hako_console_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
    HakoConsolePrivate *priv = hako_console_get_instance_private(HAKO_CONSOLE(object));

    switch (prop_id) {
    case PROP_STATE:
        g_value_set_enum(value, priv->state);
        break;
    case PROP_ERROR_MESSAGE:
        g_value_set_string(value, priv->error_message);
        break;
    case PROP_GRABBED:
        g_value_set_boolean(value, priv->grabbed);
        break;
    case PROP_DISPLAY_WIDTH:
        g_value_set_int(value, priv->display_width);
        break;
    case PROP_DISPLAY_HEIGHT:
        g_value_set_int(value, priv->display_height);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    }
}

static void
hako_console_class_init(HakoConsoleClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

    object_class->finalize = hako_console_finalize;
    object_class->get_property = hako_console_get_property;

    properties[PROP_STATE] = g_param_spec_enum("state", NULL, NULL, HAKO_TYPE_CONSOLE_STATE,
                                               HAKO_CONSOLE_STATE_CLOSED, flags);
    properties[PROP_ERROR_MESSAGE] = g_param_spec_string("error-message", NULL, NULL, NULL, flags);
    properties[PROP_GRABBED] = g_param_spec_boolean("grabbed", NULL, NULL, FALSE, flags);
    properties[PROP_DISPLAY_WIDTH] =
        g_param_spec_int("display-width", NULL, NULL, 0, G_MAXINT, 0, flags);
    properties[PROP_DISPLAY_HEIGHT] =
        g_param_spec_int("display-height", NULL, NULL, 0, G_MAXINT, 0, flags);
    g_object_class_install_properties(object_class, N_PROPS, properties);

    /**
     * HakoConsole::password-needed:
     * @reason: (nullable): why, when a password was tried and refused
     *
     * The display asks for a password; answer with hako_console_set_password() or close.
     */
    signals[SIGNAL_PASSWORD_NEEDED] =
        g_signal_new("password-needed", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                     NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

    /**
     * HakoConsole::channel-needed:
     *
     * The display wants another connection to the same display (a SPICE channel) and was
     * opened with a socket, so it cannot make one itself: answer with
     * hako_console_add_channel(), with a new socket from libvirt.
     */
    signals[SIGNAL_CHANNEL_NEEDED] =
        g_signal_new("channel-needed", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                     NULL, G_TYPE_NONE, 0);

    /**
     * HakoConsole::display-added:
     * @nth: the display's number, counted from 0 (the console's own display); 1 or more here
     *
     * The guest has one more display (a SPICE display channel, or a monitor of one), which
     * this console does not show: hako_console_create_display() makes a console that does.
     * Announced only once the console is connected, never for display 0.
     */
    signals[SIGNAL_DISPLAY_ADDED] =
        g_signal_new("display-added", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                     NULL, G_TYPE_NONE, 1, G_TYPE_UINT);

    /**
     * HakoConsole::display-removed:
     * @nth: a display announced by #HakoConsole::display-added
     *
     * The display went away: the guest turned it off, or the connection ended (every display
     * still there is removed then, before the state changes).
     */
    signals[SIGNAL_DISPLAY_REMOVED] =
        g_signal_new("display-removed", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                     NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
hako_console_init(HakoConsole *self)
{
}

/* ---------------------------------------------------------------------- */
/* For subclasses */

void
_hako_console_set_state(HakoConsole *self, HakoConsoleState state, const char *error_message)
{
    HakoConsolePrivate *priv = hako_console_get_instance_private(self);

    g_return_if_fail(HAKO_IS_CONSOLE(self));

    g_object_freeze_notify(G_OBJECT(self));
    if (g_strcmp0(priv->error_message, error_message) != 0) {
        g_free(priv->error_message);
        priv->error_message = g_strdup(error_message);
        g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_ERROR_MESSAGE]);
    }
    if (priv->state != state) {
        priv->state = state;
        g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_STATE]);
    }
    if (state != HAKO_CONSOLE_STATE_CONNECTED)
        _hako_console_set_grabbed(self, FALSE);
    g_object_thaw_notify(G_OBJECT(self));
}

void
_hako_console_set_grabbed(HakoConsole *self, gboolean grabbed)
{
    HakoConsolePrivate *priv = hako_console_get_instance_private(self);

    g_return_if_fail(HAKO_IS_CONSOLE(self));
    if (priv->grabbed == !!grabbed)
        return;
    priv->grabbed = !!grabbed;
    g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_GRABBED]);
}

void
_hako_console_set_display_size(HakoConsole *self, int width, int height)
{
    HakoConsolePrivate *priv = hako_console_get_instance_private(self);

    g_return_if_fail(HAKO_IS_CONSOLE(self));
    g_object_freeze_notify(G_OBJECT(self));
    if (priv->display_width != width) {
        priv->display_width = width;
        g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_DISPLAY_WIDTH]);
    }
    if (priv->display_height != height) {
        priv->display_height = height;
        g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_DISPLAY_HEIGHT]);
    }
    g_object_thaw_notify(G_OBJECT(self));
}

void
_hako_console_ask_password(HakoConsole *self, const char *reason)
{
    g_return_if_fail(HAKO_IS_CONSOLE(self));
    g_signal_emit(self, signals[SIGNAL_PASSWORD_NEEDED], 0, reason);
}

void
_hako_console_ask_channel(HakoConsole *self)
{
    g_return_if_fail(HAKO_IS_CONSOLE(self));
    g_signal_emit(self, signals[SIGNAL_CHANNEL_NEEDED], 0);
}

void
_hako_console_add_display(HakoConsole *self, guint nth)
{
    g_return_if_fail(HAKO_IS_CONSOLE(self));
    g_return_if_fail(nth > 0);
    g_signal_emit(self, signals[SIGNAL_DISPLAY_ADDED], 0, nth);
}

void
_hako_console_remove_display(HakoConsole *self, guint nth)
{
    g_return_if_fail(HAKO_IS_CONSOLE(self));
    g_signal_emit(self, signals[SIGNAL_DISPLAY_REMOVED], 0, nth);
}

/* ---------------------------------------------------------------------- */
/* Public API */

/**
 * hako_console_open:
 * @endpoint: where the display is; its socket, if any, is taken
 */
void
hako_console_open(HakoConsole *self, HakoGraphicsEndpoint *endpoint)
{
    g_return_if_fail(HAKO_IS_CONSOLE(self));
    g_return_if_fail(endpoint != NULL);
    HAKO_CONSOLE_GET_CLASS(self)->open(self, endpoint);
}

void
hako_console_close(HakoConsole *self)
{
    g_return_if_fail(HAKO_IS_CONSOLE(self));
    HAKO_CONSOLE_GET_CLASS(self)->close(self);
}

void
hako_console_set_password(HakoConsole *self, const char *password)
{
    g_return_if_fail(HAKO_IS_CONSOLE(self));
    g_return_if_fail(password != NULL);
    HAKO_CONSOLE_GET_CLASS(self)->set_password(self, password);
}

/**
 * hako_console_send_keys:
 * @keyvals: (array length=n_keyvals): keys pressed in this order and released in reverse
 */
void
hako_console_send_keys(HakoConsole *self, const guint *keyvals, guint n_keyvals)
{
    g_return_if_fail(HAKO_IS_CONSOLE(self));
    g_return_if_fail(keyvals != NULL && n_keyvals > 0);
    HAKO_CONSOLE_GET_CLASS(self)->send_keys(self, keyvals, n_keyvals);
}

/**
 * hako_console_get_screenshot:
 *
 * Returns: (transfer full) (nullable): the guest's screen at its own size, or %NULL while
 *   there is none
 */
GdkPixbuf *
hako_console_get_screenshot(HakoConsole *self)
{
    g_return_val_if_fail(HAKO_IS_CONSOLE(self), NULL);
    return HAKO_CONSOLE_GET_CLASS(self)->get_screenshot(self);
}

void
hako_console_set_scaling(HakoConsole *self, gboolean scaling)
{
    g_return_if_fail(HAKO_IS_CONSOLE(self));
    HAKO_CONSOLE_GET_CLASS(self)->set_scaling(self, scaling);
}

/**
 * hako_console_set_grab_keys:
 * @accelerator: the keys that release the pointer and keyboard, as gtk_accelerator_parse()
 *   reads them ("<Control><Alt>" for Ctrl+Alt), %NULL for the default, or "" for none at
 *   all: nothing releases them then (kiosk mode)
 */
void
hako_console_set_grab_keys(HakoConsole *self, const char *accelerator)
{
    g_return_if_fail(HAKO_IS_CONSOLE(self));
    HAKO_CONSOLE_GET_CLASS(self)->set_grab_keys(self, accelerator);
}

void
hako_console_release_grab(HakoConsole *self)
{
    g_return_if_fail(HAKO_IS_CONSOLE(self));
    HAKO_CONSOLE_GET_CLASS(self)->release_grab(self);
}

/**
 * hako_console_add_channel:
 * @endpoint: a new socket to the same display; taken
 */
void
hako_console_add_channel(HakoConsole *self, HakoGraphicsEndpoint *endpoint)
{
    g_return_if_fail(HAKO_IS_CONSOLE(self));
    g_return_if_fail(endpoint != NULL);
    if (HAKO_CONSOLE_GET_CLASS(self)->add_channel != NULL)
        HAKO_CONSOLE_GET_CLASS(self)->add_channel(self, endpoint);
}

/* Whether the guest's screen can follow the window's size (SPICE, with the guest's agent). */
gboolean
hako_console_can_resize_guest(HakoConsole *self)
{
    g_return_val_if_fail(HAKO_IS_CONSOLE(self), FALSE);
    return HAKO_CONSOLE_GET_CLASS(self)->set_resize_guest != NULL;
}

void
hako_console_set_resize_guest(HakoConsole *self, gboolean resize)
{
    g_return_if_fail(HAKO_IS_CONSOLE(self));
    if (HAKO_CONSOLE_GET_CLASS(self)->set_resize_guest != NULL)
        HAKO_CONSOLE_GET_CLASS(self)->set_resize_guest(self, resize);
}

/* Whether host USB devices can be given to the guest over this display (SPICE). */
gboolean
hako_console_can_redirect_usb(HakoConsole *self)
{
    g_return_val_if_fail(HAKO_IS_CONSOLE(self), FALSE);
    return HAKO_CONSOLE_GET_CLASS(self)->create_usb_chooser != NULL;
}

/**
 * hako_console_create_usb_chooser:
 *
 * Returns: (transfer floating) (nullable): a widget listing the host's USB devices, each
 *   with a switch that gives it to the guest, or %NULL when this display cannot
 */
GtkWidget *
hako_console_create_usb_chooser(HakoConsole *self)
{
    g_return_val_if_fail(HAKO_IS_CONSOLE(self), NULL);
    if (HAKO_CONSOLE_GET_CLASS(self)->create_usb_chooser == NULL)
        return NULL;
    return HAKO_CONSOLE_GET_CLASS(self)->create_usb_chooser(self);
}

/**
 * hako_console_create_display:
 * @nth: a display announced by #HakoConsole::display-added and not removed since
 *
 * A console for another display of the same guest, over the same connection: it shows that
 * display, takes keys and the pointer for the guest as this one does, and starts with this
 * one's scaling and release keys. It is neither opened nor closed by itself: when this console
 * emits #HakoConsole::display-removed for @nth, drop it.
 *
 * Returns: (transfer floating) (nullable): the console, or %NULL when there is no such
 *   display (or this kind of console has only one)
 */
HakoConsole *
hako_console_create_display(HakoConsole *self, guint nth)
{
    g_return_val_if_fail(HAKO_IS_CONSOLE(self), NULL);
    if (HAKO_CONSOLE_GET_CLASS(self)->create_display == NULL)
        return NULL;
    return HAKO_CONSOLE_GET_CLASS(self)->create_display(self, nth);
}

HakoConsoleState
hako_console_get_state(HakoConsole *self)
{
    HakoConsolePrivate *priv = hako_console_get_instance_private(self);

    g_return_val_if_fail(HAKO_IS_CONSOLE(self), HAKO_CONSOLE_STATE_CLOSED);
    return priv->state;
}

const char *
hako_console_get_error_message(HakoConsole *self)
{
    HakoConsolePrivate *priv = hako_console_get_instance_private(self);

    g_return_val_if_fail(HAKO_IS_CONSOLE(self), NULL);
    return priv->error_message;
}

gboolean
hako_console_get_grabbed(HakoConsole *self)
{
    HakoConsolePrivate *priv = hako_console_get_instance_private(self);

    g_return_val_if_fail(HAKO_IS_CONSOLE(self), FALSE);
    return priv->grabbed;
}

int
hako_console_get_display_width(HakoConsole *self)
{
    HakoConsolePrivate *priv = hako_console_get_instance_private(self);

    g_return_val_if_fail(HAKO_IS_CONSOLE(self), 0);
    return priv->display_width;
}

int
hako_console_get_display_height(HakoConsole *self)
{
    HakoConsolePrivate *priv = hako_console_get_instance_private(self);

    g_return_val_if_fail(HAKO_IS_CONSOLE(self), 0);
    return priv->display_height;
}

/**
 * hako_console_new_for_kind:
 *
 * Returns: (transfer floating) (nullable): a console for displays of @kind, or %NULL when
 *   this build has no support for it
 */
HakoConsole *
hako_console_new_for_kind(HakoConsoleKind kind)
{
    switch (kind) {
#if HAVE_GTK_VNC
    case HAKO_CONSOLE_KIND_VNC:
        return hako_console_vnc_new();
#endif
#if HAVE_SPICE_GTK
    case HAKO_CONSOLE_KIND_SPICE:
        return hako_console_spice_new();
#endif
    case HAKO_CONSOLE_KIND_SERIAL:
    case HAKO_CONSOLE_KIND_TEXT:
        return hako_console_serial_new();
    default:
        return NULL;
    }
}
