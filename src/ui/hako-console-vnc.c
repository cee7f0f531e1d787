/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "hako-console-vnc.h"

#include <glib/gi18n.h>
#include <vncdisplay.h>

/*
 * A VncDisplay as the console's child. gtk-vnc connects and draws on the main loop without
 * blocking it (its I/O runs in coroutines); a socket from virDomainOpenGraphicsFD is already
 * past the display's password, an address may still ask for one.
 */

struct _HakoConsoleVnc {
    HakoConsole parent_instance;

    VncDisplay *display;
    gboolean initialized; /* the first picture came: a later disconnect is a loss */
    gboolean closing;     /* we closed it: no error to show */
    char *auth_failure;   /* why the last password was refused */
};

G_DEFINE_FINAL_TYPE(HakoConsoleVnc, hako_console_vnc, HAKO_TYPE_CONSOLE)

/* ---------------------------------------------------------------------- */
/* VncDisplay signals */

static void
vnc_initialized_cb(HakoConsoleVnc *self, VncDisplay *display)
{
    self->initialized = TRUE;
    g_clear_pointer(&self->auth_failure, g_free);
    _hako_console_set_display_size(HAKO_CONSOLE(self), vnc_display_get_width(display),
                                   vnc_display_get_height(display));
    _hako_console_set_state(HAKO_CONSOLE(self), HAKO_CONSOLE_STATE_CONNECTED, NULL);
}

static void
vnc_desktop_resize_cb(HakoConsoleVnc *self, int width, int height, VncDisplay *display)
{
    _hako_console_set_display_size(HAKO_CONSOLE(self), width, height);
}

static void
vnc_disconnected_cb(HakoConsoleVnc *self, VncDisplay *display)
{
    const char *message = hako_console_get_error_message(HAKO_CONSOLE(self));

    if (self->closing) {
        _hako_console_set_state(HAKO_CONSOLE(self), HAKO_CONSOLE_STATE_CLOSED, NULL);
        return;
    }
    if (self->auth_failure != NULL)
        message = self->auth_failure;
    else if (message == NULL && !self->initialized)
        message = _("The display closed the connection before showing anything.");
    else if (message == NULL)
        message = _("The connection to the display was lost.");
    _hako_console_set_state(HAKO_CONSOLE(self), HAKO_CONSOLE_STATE_DISCONNECTED, message);
}

static void
vnc_error_cb(HakoConsoleVnc *self, const char *message, VncDisplay *display)
{
    g_autofree char *text = g_strdup_printf(_("The display reported an error: %s"), message);

    g_debug("VNC error: %s", message);
    /* Remembered for the disconnect that follows; the state does not change yet. */
    _hako_console_set_state(HAKO_CONSOLE(self), hako_console_get_state(HAKO_CONSOLE(self)), text);
}

static void
vnc_auth_failure_cb(HakoConsoleVnc *self, const char *message, VncDisplay *display)
{
    g_free(self->auth_failure);
    self->auth_failure = g_strdup_printf(_("The display refused the password: %s"),
                                         message != NULL && *message ? message : _("no reason"));
}

static void
vnc_auth_unsupported_cb(HakoConsoleVnc *self, guint auth_type, VncDisplay *display)
{
    g_free(self->auth_failure);
    self->auth_failure = g_strdup_printf(
        _("The display asks for a kind of authentication Hako cannot do (VNC type %u)."),
        auth_type);
}

/* gtk-vnc hands the credentials it wants in a GValueArray, deprecated in GLib but its API. */
G_GNUC_BEGIN_IGNORE_DEPRECATIONS
static void
vnc_auth_credential_cb(HakoConsoleVnc *self, GValueArray *credentials, VncDisplay *display)
{
    gboolean password = FALSE;

    for (guint i = 0; i < credentials->n_values; i++) {
        switch (g_value_get_enum(g_value_array_get_nth(credentials, i))) {
        case VNC_DISPLAY_CREDENTIAL_PASSWORD:
            password = TRUE;
            break;
        case VNC_DISPLAY_CREDENTIAL_CLIENTNAME:
            vnc_display_set_credential(display, VNC_DISPLAY_CREDENTIAL_CLIENTNAME, "hako");
            break;
        default:
            /* A user name too (VeNCrypt plain): not something libvirt's displays ask. */
            g_free(self->auth_failure);
            self->auth_failure =
                g_strdup(_("The display asks for a user name, which Hako cannot give it."));
            vnc_display_close(display);
            return;
        }
    }
    if (password)
        _hako_console_ask_password(HAKO_CONSOLE(self), self->auth_failure);
}
G_GNUC_END_IGNORE_DEPRECATIONS

static void
vnc_pointer_grab_cb(HakoConsoleVnc *self, VncDisplay *display)
{
    _hako_console_set_grabbed(HAKO_CONSOLE(self), TRUE);
}

static void
vnc_pointer_ungrab_cb(HakoConsoleVnc *self, VncDisplay *display)
{
    _hako_console_set_grabbed(HAKO_CONSOLE(self), FALSE);
}

/* ---------------------------------------------------------------------- */
/* HakoConsole */

static void
hako_console_vnc_open(HakoConsole *console, HakoGraphicsEndpoint *endpoint)
{
    HakoConsoleVnc *self = HAKO_CONSOLE_VNC(console);
    gboolean opened;
    int fd;

    if (vnc_display_is_open(self->display)) {
        self->closing = TRUE;
        vnc_display_close(self->display);
    }
    self->closing = FALSE;
    self->initialized = FALSE;
    g_clear_pointer(&self->auth_failure, g_free);
    _hako_console_set_state(console, HAKO_CONSOLE_STATE_CONNECTING, NULL);

    fd = hako_graphics_endpoint_steal_fd(endpoint);
    if (fd >= 0) {
        opened = vnc_display_open_fd(self->display, fd);
    } else if (endpoint->socket != NULL) {
        g_autoptr(GSocketAddress) address = g_unix_socket_address_new(endpoint->socket);

        opened = vnc_display_open_addr(self->display, address, NULL);
    } else {
        char port[16];

        g_snprintf(port, sizeof port, "%d", endpoint->port);
        opened = vnc_display_open_host(self->display, endpoint->host, port);
    }
    if (endpoint->password != NULL)
        vnc_display_set_credential(self->display, VNC_DISPLAY_CREDENTIAL_PASSWORD,
                                   endpoint->password);
    if (!opened)
        _hako_console_set_state(console, HAKO_CONSOLE_STATE_DISCONNECTED,
                                _("Could not open a connection to the display."));
}

static void
hako_console_vnc_close(HakoConsole *console)
{
    HakoConsoleVnc *self = HAKO_CONSOLE_VNC(console);

    if (!vnc_display_is_open(self->display)) {
        _hako_console_set_state(console, HAKO_CONSOLE_STATE_CLOSED, NULL);
        return;
    }
    self->closing = TRUE;
    vnc_display_close(self->display);
}

static void
hako_console_vnc_set_password(HakoConsole *console, const char *password)
{
    HakoConsoleVnc *self = HAKO_CONSOLE_VNC(console);

    vnc_display_set_credential(self->display, VNC_DISPLAY_CREDENTIAL_PASSWORD, password);
}

static void
hako_console_vnc_send_keys(HakoConsole *console, const guint *keyvals, guint n_keyvals)
{
    HakoConsoleVnc *self = HAKO_CONSOLE_VNC(console);

    vnc_display_send_keys(self->display, keyvals, (int)n_keyvals);
}

static GdkPixbuf *
hako_console_vnc_get_screenshot(HakoConsole *console)
{
    HakoConsoleVnc *self = HAKO_CONSOLE_VNC(console);

    if (hako_console_get_state(console) != HAKO_CONSOLE_STATE_CONNECTED)
        return NULL;
    return vnc_display_get_pixbuf(self->display);
}

static void
hako_console_vnc_set_scaling(HakoConsole *console, gboolean scaling)
{
    HakoConsoleVnc *self = HAKO_CONSOLE_VNC(console);

    vnc_display_set_scaling(self->display, scaling);
}

static void
hako_console_vnc_set_grab_keys(HakoConsole *console, const char *accelerator)
{
    HakoConsoleVnc *self = HAKO_CONSOLE_VNC(console);
    VncGrabSequence *sequence = NULL;
    GdkModifierType mods = 0;
    guint key = 0;

    if (accelerator != NULL && *accelerator == '\0') {
        /* An empty sequence: gtk-vnc never sees it pressed, so nothing releases the grab. */
        sequence = vnc_grab_sequence_new(0, NULL);
    } else if (accelerator != NULL) {
        guint keys[5];
        guint n_keys = 0;

        gtk_accelerator_parse(accelerator, &key, &mods);
        if ((mods & GDK_CONTROL_MASK) != 0)
            keys[n_keys++] = GDK_KEY_Control_L;
        if ((mods & GDK_MOD1_MASK) != 0)
            keys[n_keys++] = GDK_KEY_Alt_L;
        if ((mods & GDK_SHIFT_MASK) != 0)
            keys[n_keys++] = GDK_KEY_Shift_L;
        if ((mods & GDK_SUPER_MASK) != 0)
            keys[n_keys++] = GDK_KEY_Super_L;
        if (key != 0)
            keys[n_keys++] = key;
        if (n_keys > 0)
            sequence = vnc_grab_sequence_new(n_keys, keys);
    }
    if (sequence == NULL)
        sequence = vnc_grab_sequence_new_from_string("Control_L+Alt_L");
    vnc_display_set_grab_keys(self->display, sequence);
    vnc_grab_sequence_free(sequence);
}

static void
hako_console_vnc_release_grab(HakoConsole *console)
{
    HakoConsoleVnc *self = HAKO_CONSOLE_VNC(console);

    vnc_display_force_grab(self->display, FALSE);
}

/* ---------------------------------------------------------------------- */
/* GObject */

static void
hako_console_vnc_dispose(GObject *object)
{
    HakoConsoleVnc *self = HAKO_CONSOLE_VNC(object);

    if (self->display != NULL) {
        VncConnection *connection = vnc_display_get_connection(self->display);

        g_signal_handlers_disconnect_by_data(self->display, self);
        if (vnc_display_is_open(self->display))
            vnc_display_close(self->display);
        /*
         * A connection that is shutting down may still deliver a frame it had queued, and
         * gtk-vnc's handler then measures the window of a display that is gone (a
         * Gdk-CRITICAL in gdk_window_get_width). The display is destroyed with the console:
         * nothing of the connection is wanted any more.
         */
        if (connection != NULL)
            g_signal_handlers_disconnect_by_data(connection, self->display);
        self->display = NULL; /* a child: destroyed with the console */
    }
    G_OBJECT_CLASS(hako_console_vnc_parent_class)->dispose(object);
}

static void
hako_console_vnc_finalize(GObject *object)
{
    HakoConsoleVnc *self = HAKO_CONSOLE_VNC(object);

    g_free(self->auth_failure);
    G_OBJECT_CLASS(hako_console_vnc_parent_class)->finalize(object);
}

static void
hako_console_vnc_class_init(HakoConsoleVncClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    HakoConsoleClass *console_class = HAKO_CONSOLE_CLASS(klass);

    object_class->dispose = hako_console_vnc_dispose;
    object_class->finalize = hako_console_vnc_finalize;
    console_class->open = hako_console_vnc_open;
    console_class->close = hako_console_vnc_close;
    console_class->set_password = hako_console_vnc_set_password;
    console_class->send_keys = hako_console_vnc_send_keys;
    console_class->get_screenshot = hako_console_vnc_get_screenshot;
    console_class->set_scaling = hako_console_vnc_set_scaling;
    console_class->set_grab_keys = hako_console_vnc_set_grab_keys;
    console_class->release_grab = hako_console_vnc_release_grab;
}

static void
hako_console_vnc_init(HakoConsoleVnc *self)
{
    GtkWidget *display = vnc_display_new();

    self->display = VNC_DISPLAY(display);
    /* Keys go to the guest while the display has the focus; the pointer is grabbed on click
     * only when the guest has no absolute pointer (a tablet), as in virt-manager. */
    vnc_display_set_keyboard_grab(self->display, TRUE);
    vnc_display_set_pointer_grab(self->display, TRUE);
    vnc_display_set_keep_aspect_ratio(self->display, TRUE);
    vnc_display_set_shared_flag(self->display, TRUE);
    gtk_widget_set_can_focus(display, TRUE);
    atk_object_set_name(gtk_widget_get_accessible(display), _("Guest display"));

    g_signal_connect_object(display, "vnc-initialized", G_CALLBACK(vnc_initialized_cb), self,
                            G_CONNECT_SWAPPED);
    g_signal_connect_object(display, "vnc-desktop-resize", G_CALLBACK(vnc_desktop_resize_cb), self,
                            G_CONNECT_SWAPPED);
    g_signal_connect_object(display, "vnc-disconnected", G_CALLBACK(vnc_disconnected_cb), self,
                            G_CONNECT_SWAPPED);
    g_signal_connect_object(display, "vnc-error", G_CALLBACK(vnc_error_cb), self,
                            G_CONNECT_SWAPPED);
    g_signal_connect_object(display, "vnc-auth-failure", G_CALLBACK(vnc_auth_failure_cb), self,
                            G_CONNECT_SWAPPED);
    g_signal_connect_object(display, "vnc-auth-unsupported", G_CALLBACK(vnc_auth_unsupported_cb),
                            self, G_CONNECT_SWAPPED);
    g_signal_connect_object(display, "vnc-auth-credential", G_CALLBACK(vnc_auth_credential_cb),
                            self, G_CONNECT_SWAPPED);
    g_signal_connect_object(display, "vnc-pointer-grab", G_CALLBACK(vnc_pointer_grab_cb), self,
                            G_CONNECT_SWAPPED);
    g_signal_connect_object(display, "vnc-pointer-ungrab", G_CALLBACK(vnc_pointer_ungrab_cb), self,
                            G_CONNECT_SWAPPED);

    gtk_widget_show(display);
    gtk_container_add(GTK_CONTAINER(self), display);
    hako_console_vnc_set_grab_keys(HAKO_CONSOLE(self), NULL);
}

/**
 * hako_console_vnc_new:
 *
 * Returns: (transfer floating): a VNC console, not connected
 */
HakoConsole *
hako_console_vnc_new(void)
{
    return g_object_new(HAKO_TYPE_CONSOLE_VNC, NULL);
}
