/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "hako-console-page.h"

#include "hako-console-serial.h"
#include "hako-credentials.h"
#include "hako-domain-ops.h"

#include <glib/gi18n.h>

/*
 * The page follows the guest: while it is not running it says so and offers Run; once it
 * runs, the page asks the engine for its consoles and a way to reach the first display (a
 * socket from libvirt where it can, else an address), and shows it. When the display goes
 * away while the guest still runs (restored, migrated, or a QEMU that restarted its display)
 * the page connects again by itself, a few times, before it shows why it cannot.
 *
 * hako-viewer also shows a display it was given by address (vnc://, a .vv file): the page
 * then has an endpoint instead of a guest, no Run, and no reconnecting by itself. Either way a
 * password that the display refuses is asked again, with the display's reason.
 */

#define MAX_RECONNECTS 5
#define RECONNECT_DELAY_MS 1000

struct _HakoConsolePage {
    GtkBox parent_instance;

    HakoConnectionManager *manager; /* with a guest */
    HakoDomain *domain;             /* a guest to follow, or NULL with an endpoint */
    HakoGraphicsEndpoint *endpoint; /* a display given by address, or NULL with a guest */
    char *name;                     /* the endpoint's name, for the screenshot's file */
    GSettings *settings;
    HakoDomainOps *ops;
    GCancellable *cancellable; /* the connect in progress */
    GSimpleActionGroup *actions;

    HakoConsole *console; /* the current display's widget, or NULL */
    HakoConsoleKind console_kind;
    guint console_index; /* the display's index among the guest's <graphics>, or port */
    GPtrArray *devices;  /* HakoConsoleDevice: the guest's consoles, as last listed */
    char *wanted;        /* the console the user chose ("kind:index"), or NULL: the first */
    guint reconnects;
    guint reconnect_id;
    gboolean scaling;
    gboolean fullscreen;       /* for the "fullscreen" scaling setting */
    gboolean kiosk;            /* no keys release the pointer, and nothing says they would */
    int zoom;                  /* percent, when not scaling */
    gboolean password_tried;   /* a password went to the display, not yet accepted */
    gboolean drop_password;    /* the endpoint's own password was refused: ask instead */
    gboolean keyring_tried;    /* the keyring was asked for this connection's password */
    gboolean keyring_password; /* the password tried came from the keyring */
    char *password_to_keep;    /* typed with Remember checked: kept once the display takes it */
    char *password_reason;     /* why the last password was refused */
    const char *status;        /* the stack page shown */

    /* Template children */
    GtkStack *stack;
    GtkWidget *toolbar;
    GtkLabel *not_running_label;
    GtkSpinner *spinner;
    GtkLabel *connecting_label;
    GtkLabel *password_reason_label;
    GtkEntry *password_entry;
    GtkToggleButton *remember_check;
    GtkWidget *resize_guest_button;
    GtkWidget *usb_button;
    GtkLabel *error_label;
    GtkBox *console_slot;
    GtkLabel *grab_label;
    GMenu *function_keys_menu;
    GMenu *consoles_menu;
    GtkWidget *consoles_button;
};

G_DEFINE_FINAL_TYPE(HakoConsolePage, hako_console_page, GTK_TYPE_BOX)

enum {
    PROP_0,
    PROP_MANAGER,
    PROP_DOMAIN,
    PROP_SETTINGS,
    PROP_ENDPOINT,
    PROP_NAME,
    PROP_STATUS,
    PROP_ZOOM,
    N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void connect_display(HakoConsolePage *self);

/* ---------------------------------------------------------------------------------------- */
/* Pages                                                                                     */

static void
show_page(HakoConsolePage *self, const char *name)
{
    gboolean connecting = g_str_equal(name, "connecting");

    gtk_stack_set_visible_child_name(self->stack, name);
    if (connecting)
        gtk_spinner_start(self->spinner);
    else
        gtk_spinner_stop(self->spinner);
    if (g_strcmp0(self->status, name) != 0) {
        self->status = g_intern_string(name);
        g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_STATUS]);
    }
}

static void
show_error(HakoConsolePage *self, const char *message)
{
    gtk_label_set_text(self->error_label, message);
    show_page(self, "error");
}

static gboolean
domain_is_running(HakoDomain *domain)
{
    /* A display given by address is there for as long as it answers. */
    if (domain == NULL)
        return TRUE;
    switch (hako_domain_get_state(domain)) {
    case HAKO_DOMAIN_STATE_RUNNING:
    case HAKO_DOMAIN_STATE_BLOCKED:
    case HAKO_DOMAIN_STATE_PAUSED:
    case HAKO_DOMAIN_STATE_SHUTDOWN:
        return TRUE;
    default:
        return FALSE;
    }
}

static void
update_actions(HakoConsolePage *self)
{
    gboolean connected = self->console != NULL &&
                         hako_console_get_state(self->console) == HAKO_CONSOLE_STATE_CONNECTED;
    /* A text console has no keys to send as a display has, and no picture to save. */
    gboolean display = connected && self->console_kind != HAKO_CONSOLE_KIND_SERIAL;
    gboolean resize = display && hako_console_can_resize_guest(self->console);
    gboolean usb = display && hako_console_can_redirect_usb(self->console);
    GAction *action;

    action = g_action_map_lookup_action(G_ACTION_MAP(self->actions), "send-keys");
    g_simple_action_set_enabled(G_SIMPLE_ACTION(action), display);
    action = g_action_map_lookup_action(G_ACTION_MAP(self->actions), "screenshot");
    g_simple_action_set_enabled(G_SIMPLE_ACTION(action), display);
    action = g_action_map_lookup_action(G_ACTION_MAP(self->actions), "resize-guest");
    g_simple_action_set_enabled(G_SIMPLE_ACTION(action), resize);
    gtk_widget_set_visible(self->resize_guest_button, resize);
    action = g_action_map_lookup_action(G_ACTION_MAP(self->actions), "usb-devices");
    g_simple_action_set_enabled(G_SIMPLE_ACTION(action), usb);
    gtk_widget_set_visible(self->usb_button, usb);
    action = g_action_map_lookup_action(G_ACTION_MAP(self->actions), "run");
    g_simple_action_set_enabled(
        G_SIMPLE_ACTION(action),
        self->domain != NULL && (hako_domain_get_state(self->domain) == HAKO_DOMAIN_STATE_SHUTOFF ||
                                 hako_domain_get_state(self->domain) == HAKO_DOMAIN_STATE_CRASHED));
    for (guint i = 0; i < 3; i++) {
        static const char *const zooms[] = {"zoom-in", "zoom-out", "zoom-reset"};
        gboolean enabled = !self->scaling;

        if (i == 0)
            enabled = enabled && self->zoom < HAKO_CONSOLE_PAGE_ZOOM_MAX;
        else if (i == 1)
            enabled = enabled && self->zoom > HAKO_CONSOLE_PAGE_ZOOM_MIN;
        action = g_action_map_lookup_action(G_ACTION_MAP(self->actions), zooms[i]);
        g_simple_action_set_enabled(G_SIMPLE_ACTION(action), enabled);
    }
}

static void
update_grab_label(HakoConsolePage *self)
{
    g_autofree char *keys = NULL;
    g_autofree char *text = NULL;
    g_autofree char *accelerator = NULL;
    GdkModifierType mods = 0;
    guint key = 0;

    if (self->console == NULL || !hako_console_get_grabbed(self->console) || self->kiosk) {
        gtk_label_set_text(self->grab_label, "");
        return;
    }
    accelerator = self->settings != NULL
                      ? g_settings_get_string(self->settings, "console-grab-keys")
                      : g_strdup("<Control><Alt>");
    gtk_accelerator_parse(accelerator, &key, &mods);
    keys = gtk_accelerator_get_label(key, mods);
    /* Translators: %s is a key combination such as "Ctrl+Alt" */
    text = g_strdup_printf(_("The guest has the pointer: press %s to release it."), keys);
    gtk_label_set_text(self->grab_label, text);
}

/* ---------------------------------------------------------------------------------------- */
/* The console widget                                                                        */

static void schedule_reconnect(HakoConsolePage *self);

static void
keyring_stored_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GError) error = NULL;

    /* Not kept is not lost: the user is asked again next time. */
    if (!hako_credentials_store_display_password_finish(result, &error))
        g_warning("Could not keep the display password in the keyring: %s", error->message);
    else
        g_debug("The display password is kept in the keyring");
}

static void
keyring_cleared_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GError) error = NULL;

    if (!hako_credentials_clear_display_password_finish(result, &error))
        g_debug("Could not forget a refused display password: %s", error->message);
}

static void
console_state_cb(HakoConsolePage *self, GParamSpec *pspec, HakoConsole *console)
{
    if (console != self->console)
        return;
    switch (hako_console_get_state(console)) {
    case HAKO_CONSOLE_STATE_CONNECTING:
        show_page(self, "connecting");
        break;
    case HAKO_CONSOLE_STATE_CONNECTED:
        self->reconnects = 0;
        self->password_tried = FALSE;
        self->keyring_tried = FALSE;
        self->keyring_password = FALSE;
        if (self->password_to_keep != NULL && self->domain != NULL)
            hako_credentials_store_display_password_async(
                hako_host_get_uri(hako_domain_get_host(self->domain)),
                hako_domain_get_uuid(self->domain), hako_domain_get_name(self->domain),
                self->password_to_keep, NULL, keyring_stored_cb, NULL);
        g_clear_pointer(&self->password_to_keep, g_free);
        g_clear_pointer(&self->password_reason, g_free);
        show_page(self, "console");
        /* A SPICE display's widget comes with its display channel, a moment later. */
        if (gtk_bin_get_child(GTK_BIN(console)) != NULL)
            gtk_widget_grab_focus(gtk_bin_get_child(GTK_BIN(console)));
        break;
    case HAKO_CONSOLE_STATE_DISCONNECTED:
        if (self->password_tried && domain_is_running(self->domain)) {
            /* Refused: the display hangs up. Ask again, saying why; a kept password that is
             * wrong now is forgotten. */
            if (self->keyring_password && self->domain != NULL)
                hako_credentials_clear_display_password_async(
                    hako_host_get_uri(hako_domain_get_host(self->domain)),
                    hako_domain_get_uuid(self->domain), NULL, keyring_cleared_cb, NULL);
            self->keyring_password = FALSE;
            g_clear_pointer(&self->password_to_keep, g_free);
            self->password_tried = FALSE;
            self->drop_password = TRUE;
            g_free(self->password_reason);
            self->password_reason = g_strdup(hako_console_get_error_message(console));
            /* Not from within the display's own signal: gtk-vnc is still closing it. */
            schedule_reconnect(self);
        } else if (self->domain != NULL && domain_is_running(self->domain) &&
                   self->reconnects < MAX_RECONNECTS) {
            schedule_reconnect(self);
        } else if (domain_is_running(self->domain)) {
            show_error(self, hako_console_get_error_message(console));
        }
        break;
    case HAKO_CONSOLE_STATE_CLOSED:
    default:
        break;
    }
    update_actions(self);
}

static void
console_grabbed_cb(HakoConsolePage *self, GParamSpec *pspec, HakoConsole *console)
{
    update_grab_label(self);
}

static void ask_password(HakoConsolePage *self, const char *reason);

static void
keyring_lookup_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HakoConsolePage) self = user_data;
    g_autoptr(GError) error = NULL;
    g_autofree char *password = hako_credentials_lookup_display_password_finish(result, &error);

    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
    if (error != NULL)
        g_debug("No keyring to look a display password up in: %s", error->message);
    if (password == NULL || self->console == NULL) {
        ask_password(self, NULL);
        return;
    }
    self->password_tried = TRUE;
    self->keyring_password = TRUE;
    hako_console_set_password(self->console, password);
}

static void
console_password_needed_cb(HakoConsolePage *self, const char *reason, HakoConsole *console)
{
    /* A guest's first request: the password kept in the keyring, if there is one. */
    if (self->domain != NULL && reason == NULL && self->password_reason == NULL &&
        !self->keyring_tried) {
        self->keyring_tried = TRUE;
        hako_credentials_lookup_display_password_async(
            hako_host_get_uri(hako_domain_get_host(self->domain)),
            hako_domain_get_uuid(self->domain), self->cancellable, keyring_lookup_cb,
            g_object_ref(self));
        return;
    }
    ask_password(self, reason);
}

static void
ask_password(HakoConsolePage *self, const char *reason)
{
    if (reason == NULL)
        reason = self->password_reason;
    gtk_label_set_text(self->password_reason_label,
                       reason != NULL ? reason : _("The guest’s display asks for a password."));
    gtk_entry_set_text(self->password_entry, "");
    show_page(self, "password");
    gtk_widget_grab_focus(GTK_WIDGET(self->password_entry));
}

static void
add_channel_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HakoConsolePage) self = user_data;
    g_autoptr(GError) error = NULL;
    g_autoptr(HakoGraphicsEndpoint) endpoint =
        hako_domain_ops_open_graphics_finish(HAKO_DOMAIN_OPS(source), result, &error);

    if (endpoint == NULL) {
        if (!g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            g_debug("No socket for another display channel: %s", error->message);
        return;
    }
    if (self->console != NULL)
        hako_console_add_channel(self->console, endpoint);
}

/* A SPICE display opened with a socket wants one more for each of its channels. */
static void
console_channel_needed_cb(HakoConsolePage *self, HakoConsole *console)
{
    hako_domain_ops_open_graphics_async(self->ops, self->domain, self->console_kind,
                                        self->console_index, self->cancellable, add_channel_cb,
                                        g_object_ref(self));
}

static void
password_activate_cb(HakoConsolePage *self)
{
    const char *password = gtk_entry_get_text(self->password_entry);

    if (self->console == NULL)
        return;
    self->password_tried = TRUE;
    self->keyring_password = FALSE;
    g_debug("A display password typed in, %s",
            gtk_toggle_button_get_active(self->remember_check) ? "to be kept" : "not to be kept");
    g_free(self->password_to_keep);
    self->password_to_keep =
        self->domain != NULL && gtk_toggle_button_get_active(self->remember_check)
            ? g_strdup(password)
            : NULL;
    hako_console_set_password(self->console, password);
    gtk_entry_set_text(self->password_entry, "");
    show_page(self, "connecting");
}

static void
drop_console(HakoConsolePage *self)
{
    if (self->console == NULL)
        return;
    g_signal_handlers_disconnect_by_data(self->console, self);
    hako_console_close(self->console);
    gtk_widget_destroy(GTK_WIDGET(self->console));
    self->console = NULL;
    update_grab_label(self);
}

static void
apply_zoom(HakoConsolePage *self)
{
    GtkWidget *widget = GTK_WIDGET(self->console);
    int width = hako_console_get_display_width(self->console);
    int height = hako_console_get_display_height(self->console);

    /* Not scaling, the display is drawn at its size times the zoom: scaled by the widget, which
     * asks for that size (its window grows or shrinks to fit, as in virt-viewer). */
    if (!self->scaling && self->zoom != 100 && width > 0 && height > 0) {
        hako_console_set_scaling(self->console, TRUE);
        gtk_widget_set_size_request(widget, MAX(width * self->zoom / 100, 1),
                                    MAX(height * self->zoom / 100, 1));
    } else {
        hako_console_set_scaling(self->console, self->scaling);
        gtk_widget_set_size_request(widget, -1, -1);
    }
}

static void
console_size_cb(HakoConsolePage *self, GParamSpec *pspec, HakoConsole *console)
{
    if (console == self->console)
        apply_zoom(self);
}

static void
apply_console_settings(HakoConsolePage *self)
{
    g_autofree char *grab_keys = NULL;
    g_autoptr(GVariant) resize = NULL;

    if (self->console == NULL)
        return;
    apply_zoom(self);
    if (self->kiosk)
        grab_keys = g_strdup(""); /* none: the pointer stays the guest's */
    else if (self->settings != NULL)
        grab_keys = g_settings_get_string(self->settings, "console-grab-keys");
    /* An empty setting is the default, never "none". */
    if (!self->kiosk && grab_keys != NULL && *grab_keys == '\0')
        g_clear_pointer(&grab_keys, g_free);
    hako_console_set_grab_keys(self->console, grab_keys);
    resize = g_action_group_get_action_state(G_ACTION_GROUP(self->actions), "resize-guest");
    hako_console_set_resize_guest(self->console, g_variant_get_boolean(resize));
}

static HakoConsole *
ensure_console(HakoConsolePage *self, HakoConsoleKind kind)
{
    HakoConsole *console;

    if (kind == HAKO_CONSOLE_KIND_TEXT)
        kind = HAKO_CONSOLE_KIND_SERIAL; /* one terminal widget for both */
    if (self->console != NULL && self->console_kind == kind)
        return self->console;
    drop_console(self);
    console = hako_console_new_for_kind(kind);
    if (console == NULL)
        return NULL;
    self->console = console;
    self->console_kind = kind;
    gtk_widget_set_hexpand(GTK_WIDGET(console), TRUE);
    gtk_widget_set_vexpand(GTK_WIDGET(console), TRUE);
    gtk_widget_show(GTK_WIDGET(console));
    gtk_container_add(GTK_CONTAINER(self->console_slot), GTK_WIDGET(console));
    g_signal_connect_object(console, "notify::state", G_CALLBACK(console_state_cb), self,
                            G_CONNECT_SWAPPED);
    g_signal_connect_object(console, "notify::grabbed", G_CALLBACK(console_grabbed_cb), self,
                            G_CONNECT_SWAPPED);
    g_signal_connect_object(console, "password-needed", G_CALLBACK(console_password_needed_cb),
                            self, G_CONNECT_SWAPPED);
    g_signal_connect_object(console, "channel-needed", G_CALLBACK(console_channel_needed_cb), self,
                            G_CONNECT_SWAPPED);
    g_signal_connect_object(console, "notify::display-width", G_CALLBACK(console_size_cb), self,
                            G_CONNECT_SWAPPED);
    g_signal_connect_object(console, "notify::display-height", G_CALLBACK(console_size_cb), self,
                            G_CONNECT_SWAPPED);
    apply_console_settings(self);
    return console;
}

/* ---------------------------------------------------------------------------------------- */
/* Connecting                                                                                */

static void
open_graphics_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HakoConsolePage) self = user_data;
    g_autoptr(GError) error = NULL;
    g_autoptr(HakoGraphicsEndpoint) endpoint =
        hako_domain_ops_open_graphics_finish(HAKO_DOMAIN_OPS(source), result, &error);
    HakoConsole *console;

    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
    if (endpoint == NULL) {
        show_error(self, error->message);
        return;
    }
    console = ensure_console(self, endpoint->kind);
    if (console == NULL) {
        show_error(self, _("This build of Hako cannot show this kind of display."));
        return;
    }
    hako_console_open(console, endpoint);
}

static char *
device_id(const HakoConsoleDevice *device)
{
    return g_strdup_printf("%d:%u", (int)device->kind, device->index);
}

static char *
device_label(const HakoConsoleDevice *device)
{
    switch (device->kind) {
    case HAKO_CONSOLE_KIND_VNC:
        return g_strdup(_("Graphical Console (VNC)"));
    case HAKO_CONSOLE_KIND_SPICE:
        return g_strdup(_("Graphical Console (SPICE)"));
    case HAKO_CONSOLE_KIND_SERIAL:
        /* Translators: a guest's serial port, counted from 1 */
        return g_strdup_printf(_("Serial Port %u"), device->index + 1);
    case HAKO_CONSOLE_KIND_TEXT:
    default:
        /* Translators: a guest's text console, counted from 1; %s is its type ("virtio") */
        return g_strdup_printf(_("Text Console %u (%s)"), device->index + 1,
                               device->target_type != NULL ? device->target_type : "?");
    }
}

/*
 * The console to show: the one the user chose in the Consoles menu, else the guest's first
 * display, else its first serial port or text console that libvirt can stream.
 */
static const HakoConsoleDevice *
choose_console(HakoConsolePage *self, GPtrArray *devices)
{
    const HakoConsoleDevice *text = NULL;

    for (guint i = 0; i < devices->len; i++) {
        const HakoConsoleDevice *device = g_ptr_array_index(devices, i);
        g_autofree char *id = device_id(device);

        if (self->wanted != NULL && g_str_equal(id, self->wanted) &&
            hako_console_device_can_open(device))
            return device;
    }
    for (guint i = 0; i < devices->len; i++) {
        const HakoConsoleDevice *device = g_ptr_array_index(devices, i);

        if (hako_console_device_is_graphical(device))
            return device;
        if (text == NULL && hako_console_device_can_open(device))
            text = device;
    }
    return text;
}

/* The Consoles menu: every console Hako can show, the current one first among equals. */
static void
update_consoles_menu(HakoConsolePage *self)
{
    g_menu_remove_all(self->consoles_menu);
    for (guint i = 0; self->devices != NULL && i < self->devices->len; i++) {
        const HakoConsoleDevice *device = g_ptr_array_index(self->devices, i);
        g_autofree char *label = NULL;
        g_autofree char *id = NULL;
        g_autoptr(GMenuItem) item = NULL;

        if (!hako_console_device_can_open(device))
            continue;
        label = device_label(device);
        id = device_id(device);
        item = g_menu_item_new(label, NULL);
        g_menu_item_set_action_and_target_value(item, "console.show", g_variant_new_string(id));
        g_menu_append_item(self->consoles_menu, item);
    }
    gtk_widget_set_sensitive(GTK_WIDGET(self->consoles_button),
                             g_menu_model_get_n_items(G_MENU_MODEL(self->consoles_menu)) > 1);
}

static void
open_console_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HakoConsolePage) self = user_data;
    g_autoptr(GError) error = NULL;
    g_autoptr(HakoConsoleStream) stream =
        hako_domain_ops_open_console_finish(HAKO_DOMAIN_OPS(source), result, &error);
    HakoConsole *console;

    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
    if (stream == NULL) {
        show_error(self, error->message);
        return;
    }
    console = ensure_console(self, HAKO_CONSOLE_KIND_SERIAL);
    hako_console_serial_attach(HAKO_CONSOLE_SERIAL(console), stream);
}

static void
list_consoles_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HakoConsolePage) self = user_data;
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) devices =
        hako_domain_ops_list_consoles_finish(HAKO_DOMAIN_OPS(source), result, &error);
    const HakoConsoleDevice *device;

    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
    if (devices == NULL) {
        show_error(self, error->message);
        return;
    }
    g_clear_pointer(&self->devices, g_ptr_array_unref);
    self->devices = g_ptr_array_ref(devices);
    update_consoles_menu(self);

    device = choose_console(self, devices);
    if (device == NULL) {
        g_autofree char *message =
            g_strdup_printf(_("“%s” has no graphical display and no serial console. Add one in "
                              "its hardware settings (Graphics, VNC or SPICE; or a serial port)."),
                            hako_domain_get_name(self->domain));

        show_error(self, message);
        return;
    }
    self->console_index = device->index;
    if (hako_console_device_is_graphical(device)) {
        hako_domain_ops_open_graphics_async(self->ops, self->domain, device->kind, device->index,
                                            self->cancellable, open_graphics_cb,
                                            g_object_ref(self));
    } else {
        /* A serial port and a text console are the same widget: close the old stream first. */
        if (self->console != NULL && self->console_kind == HAKO_CONSOLE_KIND_SERIAL)
            hako_console_close(self->console);
        hako_domain_ops_open_console_async(self->ops, self->domain, device->alias,
                                           self->cancellable, open_console_cb, g_object_ref(self));
    }
}

/* A display given by address: a copy of the endpoint each time (the console takes its socket). */
static void
open_endpoint(HakoConsolePage *self)
{
    g_autoptr(HakoGraphicsEndpoint) endpoint = hako_graphics_endpoint_copy(self->endpoint);
    HakoConsole *console = ensure_console(self, endpoint->kind);

    if (console == NULL) {
        show_error(self, _("This build of Hako cannot show this kind of display."));
        return;
    }
    if (self->drop_password)
        g_clear_pointer(&endpoint->password, g_free);
    self->password_tried = endpoint->password != NULL;
    hako_console_open(console, endpoint);
}

static void
connect_display(HakoConsolePage *self)
{
    g_clear_handle_id(&self->reconnect_id, g_source_remove);
    g_cancellable_cancel(self->cancellable);
    g_clear_object(&self->cancellable);
    self->cancellable = g_cancellable_new();

    if (self->endpoint != NULL) {
        gtk_label_set_text(self->connecting_label, _("Connecting to the display…"));
        show_page(self, "connecting");
        open_endpoint(self);
        return;
    }

    gtk_label_set_text(self->connecting_label, self->reconnects > 0
                                                   ? _("Reconnecting to the guest’s display…")
                                                   : _("Connecting to the guest’s display…"));
    show_page(self, "connecting");
    hako_domain_ops_list_consoles_async(self->ops, self->domain, self->cancellable,
                                        list_consoles_cb, g_object_ref(self));
}

static gboolean
reconnect_cb(gpointer user_data)
{
    HakoConsolePage *self = user_data;

    self->reconnect_id = 0;
    if (domain_is_running(self->domain))
        connect_display(self);
    return G_SOURCE_REMOVE;
}

static void
schedule_reconnect(HakoConsolePage *self)
{
    self->reconnects++;
    gtk_label_set_text(self->connecting_label, _("Reconnecting to the guest’s display…"));
    show_page(self, "connecting");
    g_clear_handle_id(&self->reconnect_id, g_source_remove);
    self->reconnect_id = g_timeout_add(RECONNECT_DELAY_MS, reconnect_cb, self);
}

/* ---------------------------------------------------------------------------------------- */
/* Following the guest                                                                       */

static void
update_for_domain(HakoConsolePage *self)
{
    update_actions(self);
    if (self->domain == NULL)
        return;
    if (!domain_is_running(self->domain)) {
        g_autofree char *text = NULL;

        g_clear_handle_id(&self->reconnect_id, g_source_remove);
        g_cancellable_cancel(self->cancellable);
        drop_console(self);
        self->reconnects = 0;
        if (hako_domain_get_state(self->domain) == HAKO_DOMAIN_STATE_CRASHED)
            text = g_strdup_printf(_("“%s” has crashed."), hako_domain_get_name(self->domain));
        else if (hako_domain_has_moved_away(self->domain))
            text = g_strdup_printf(_("“%s” was migrated to another host. Connect to that host "
                                     "to see its console."),
                                   hako_domain_get_name(self->domain));
        else
            text = g_strdup_printf(_("“%s” is not running."), hako_domain_get_name(self->domain));
        gtk_label_set_text(self->not_running_label, text);
        show_page(self, "not-running");
        return;
    }
    /* Running: connect unless a display is shown or on its way. */
    if (self->reconnect_id != 0)
        return;
    if (self->console != NULL &&
        hako_console_get_state(self->console) != HAKO_CONSOLE_STATE_CLOSED &&
        hako_console_get_state(self->console) != HAKO_CONSOLE_STATE_DISCONNECTED)
        return;
    if (g_str_equal(gtk_stack_get_visible_child_name(self->stack), "connecting") ||
        g_str_equal(gtk_stack_get_visible_child_name(self->stack), "password"))
        return;
    connect_display(self);
}

static void
domain_state_cb(HakoConsolePage *self, GParamSpec *pspec, HakoDomain *domain)
{
    update_for_domain(self);
}

/* ---------------------------------------------------------------------------------------- */
/* Actions                                                                                   */

static void
run_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HakoConsolePage) self = user_data;
    g_autoptr(GError) error = NULL;

    /* Cancelled: the page is gone, or the guest started and the page is connecting. */
    if (!hako_domain_ops_lifecycle_finish(HAKO_DOMAIN_OPS(source), result, &error) &&
        !g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error(self, error->message);
}

static void
run_activated(GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
    HakoConsolePage *self = user_data;

    if (self->domain == NULL)
        return;
    if (self->cancellable == NULL || g_cancellable_is_cancelled(self->cancellable)) {
        g_clear_object(&self->cancellable);
        self->cancellable = g_cancellable_new();
    }
    hako_domain_ops_lifecycle_async(self->ops, self->domain, HAKO_DOMAIN_ACTION_RUN,
                                    self->cancellable, run_cb, g_object_ref(self));
}

static void
reconnect_activated(GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
    HakoConsolePage *self = user_data;

    self->reconnects = 0;
    self->password_tried = FALSE;
    if (domain_is_running(self->domain))
        connect_display(self);
    else
        update_for_domain(self);
}

/* The keys of each Send Key entry: pressed in order, released in reverse. */
static gboolean
keys_for(const char *name, guint *keys, guint *n_keys)
{
    guint64 f;

    *n_keys = 0;
    if (g_str_equal(name, "ctrl-alt-del") || g_str_equal(name, "ctrl-alt-backspace") ||
        g_str_has_prefix(name, "ctrl-alt-f")) {
        keys[(*n_keys)++] = GDK_KEY_Control_L;
        keys[(*n_keys)++] = GDK_KEY_Alt_L;
    }
    if (g_str_equal(name, "ctrl-alt-del"))
        keys[(*n_keys)++] = GDK_KEY_Delete;
    else if (g_str_equal(name, "ctrl-alt-backspace"))
        keys[(*n_keys)++] = GDK_KEY_BackSpace;
    else if (g_str_equal(name, "print"))
        keys[(*n_keys)++] = GDK_KEY_Print;
    else if (g_str_has_prefix(name, "ctrl-alt-f") &&
             g_ascii_string_to_unsigned(name + strlen("ctrl-alt-f"), 10, 1, 12, &f, NULL))
        keys[(*n_keys)++] = GDK_KEY_F1 + (guint)f - 1;
    else
        return FALSE;
    return TRUE;
}

static void
send_keys_activated(GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
    HakoConsolePage *self = user_data;
    guint keys[4];
    guint n_keys;

    if (self->console == NULL || !keys_for(g_variant_get_string(parameter, NULL), keys, &n_keys))
        return;
    hako_console_send_keys(self->console, keys, n_keys);
}

static void
save_screenshot_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HakoConsolePage) self = user_data;
    g_autoptr(GError) error = NULL;
    GtkWidget *dialog, *toplevel;

    if (g_file_replace_contents_finish(G_FILE(source), result, NULL, &error))
        return;
    toplevel = gtk_widget_get_toplevel(GTK_WIDGET(self));
    dialog =
        gtk_message_dialog_new(GTK_IS_WINDOW(toplevel) ? GTK_WINDOW(toplevel) : NULL,
                               GTK_DIALOG_DESTROY_WITH_PARENT | GTK_DIALOG_MODAL, GTK_MESSAGE_ERROR,
                               GTK_BUTTONS_CLOSE, "%s", _("Could not save the screenshot"));
    gtk_message_dialog_format_secondary_text(GTK_MESSAGE_DIALOG(dialog), "%s", error->message);
    g_signal_connect(dialog, "response", G_CALLBACK(gtk_widget_destroy), NULL);
    gtk_widget_show(dialog);
}

static void
screenshot_response_cb(GtkNativeDialog *chooser, int response, gpointer user_data)
{
    g_autoptr(HakoConsolePage) self = user_data;
    g_autoptr(GdkPixbuf) pixbuf = NULL;
    g_autoptr(GFile) file = NULL;
    g_autoptr(GError) error = NULL;
    gchar *buffer = NULL;
    gsize size = 0;
    g_autoptr(GBytes) bytes = NULL;

    file = response == GTK_RESPONSE_ACCEPT ? gtk_file_chooser_get_file(GTK_FILE_CHOOSER(chooser))
                                           : NULL;
    g_object_unref(chooser);
    if (file == NULL || self->console == NULL)
        return;
    pixbuf = hako_console_get_screenshot(self->console);
    if (pixbuf == NULL || !gdk_pixbuf_save_to_buffer(pixbuf, &buffer, &size, "png", &error, NULL)) {
        show_error(self, error != NULL ? error->message : _("The guest’s screen is not shown."));
        return;
    }
    bytes = g_bytes_new_take(buffer, size);
    /* Written by GIO's thread pool: the window does not wait for the disk. */
    g_file_replace_contents_bytes_async(file, bytes, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                        NULL, save_screenshot_cb, g_object_ref(self));
}

static void
screenshot_activated(GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
    HakoConsolePage *self = user_data;
    GtkFileChooserNative *chooser;
    g_autoptr(GDateTime) now = g_date_time_new_now_local();
    g_autofree char *stamp = g_date_time_format(now, "%Y%m%d-%H%M%S");
    g_autofree char *name = g_strdup_printf(
        "%s-%s.png", self->domain != NULL ? hako_domain_get_name(self->domain) : self->name, stamp);

    chooser = gtk_file_chooser_native_new(_("Save Screenshot"),
                                          GTK_WINDOW(gtk_widget_get_toplevel(GTK_WIDGET(self))),
                                          GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
    gtk_file_chooser_set_do_overwrite_confirmation(GTK_FILE_CHOOSER(chooser), TRUE);
    gtk_file_chooser_set_current_name(GTK_FILE_CHOOSER(chooser), name);
    g_signal_connect(chooser, "response", G_CALLBACK(screenshot_response_cb), g_object_ref(self));
    gtk_native_dialog_show(GTK_NATIVE_DIALOG(chooser));
}

static void
scale_changed(GSimpleAction *action, GVariant *value, gpointer user_data)
{
    HakoConsolePage *self = user_data;

    self->scaling = g_variant_get_boolean(value);
    g_simple_action_set_state(action, value);
    if (self->settings != NULL)
        g_settings_set_string(self->settings, "console-scaling",
                              self->scaling ? "always" : "never");
    apply_console_settings(self);
    update_actions(self);
}

/* virt-viewer's zoom steps. */
static const int zoom_steps[] = {10, 25, 50, 67, 80, 90, 100, 110, 125, 150, 175, 200, 300, 400};

static void
zoom_activated(GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
    HakoConsolePage *self = user_data;
    const char *name = g_action_get_name(G_ACTION(action));
    int zoom = 100;

    if (g_str_equal(name, "zoom-in")) {
        zoom = HAKO_CONSOLE_PAGE_ZOOM_MAX;
        for (guint i = 0; i < G_N_ELEMENTS(zoom_steps); i++)
            if (zoom_steps[i] > self->zoom) {
                zoom = zoom_steps[i];
                break;
            }
    } else if (g_str_equal(name, "zoom-out")) {
        zoom = HAKO_CONSOLE_PAGE_ZOOM_MIN;
        for (guint i = G_N_ELEMENTS(zoom_steps); i > 0; i--)
            if (zoom_steps[i - 1] < self->zoom) {
                zoom = zoom_steps[i - 1];
                break;
            }
    }
    hako_console_page_set_zoom(self, zoom);
}

static void
show_activated(GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
    HakoConsolePage *self = user_data;

    g_free(self->wanted);
    self->wanted = g_variant_dup_string(parameter, NULL);
    self->reconnects = 0;
    if (domain_is_running(self->domain))
        connect_display(self);
}

static void
resize_guest_changed(GSimpleAction *action, GVariant *value, gpointer user_data)
{
    HakoConsolePage *self = user_data;

    g_simple_action_set_state(action, value);
    if (self->console != NULL)
        hako_console_set_resize_guest(self->console, g_variant_get_boolean(value));
}

static void
usb_devices_activated(GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
    HakoConsolePage *self = user_data;
    GtkWidget *chooser, *dialog, *content;

    if (self->console == NULL || (chooser = hako_console_create_usb_chooser(self->console)) == NULL)
        return;
    dialog = gtk_dialog_new_with_buttons(
        _("USB Devices"), GTK_WINDOW(gtk_widget_get_toplevel(GTK_WIDGET(self))),
        GTK_DIALOG_DESTROY_WITH_PARENT | GTK_DIALOG_USE_HEADER_BAR, NULL, NULL);
    content = gtk_dialog_get_content_area(GTK_DIALOG(dialog));
    gtk_container_set_border_width(GTK_CONTAINER(content), 12);
    gtk_widget_show(chooser);
    gtk_container_add(GTK_CONTAINER(content), chooser);
    g_signal_connect(dialog, "response", G_CALLBACK(gtk_widget_destroy), NULL);
    gtk_window_present(GTK_WINDOW(dialog));
}

static const GActionEntry console_entries[] = {
    {"run", run_activated, NULL, NULL, NULL, {0}},
    {"reconnect", reconnect_activated, NULL, NULL, NULL, {0}},
    {"send-keys", send_keys_activated, "s", NULL, NULL, {0}},
    {"screenshot", screenshot_activated, NULL, NULL, NULL, {0}},
    {"scale", NULL, NULL, "true", scale_changed, {0}},
    {"show", show_activated, "s", NULL, NULL, {0}},
    {"resize-guest", NULL, NULL, "false", resize_guest_changed, {0}},
    {"usb-devices", usb_devices_activated, NULL, NULL, NULL, {0}},
    {"zoom-in", zoom_activated, NULL, NULL, NULL, {0}},
    {"zoom-out", zoom_activated, NULL, NULL, NULL, {0}},
    {"zoom-reset", zoom_activated, NULL, NULL, NULL, {0}},
};

/* console-scaling: "always", "never", or "fullscreen": only while the window is full screen. */
static void
follow_scaling_setting(HakoConsolePage *self)
{
    g_autofree char *mode = g_settings_get_string(self->settings, "console-scaling");
    GAction *action = g_action_map_lookup_action(G_ACTION_MAP(self->actions), "scale");

    if (g_str_equal(mode, "fullscreen"))
        self->scaling = self->fullscreen;
    else
        self->scaling = !g_str_equal(mode, "never");
    g_simple_action_set_state(G_SIMPLE_ACTION(action), g_variant_new_boolean(self->scaling));
}

static void
settings_changed_cb(HakoConsolePage *self, const char *key, GSettings *settings)
{
    if (g_str_equal(key, "console-scaling"))
        follow_scaling_setting(self);
    apply_console_settings(self);
    update_grab_label(self);
}

/* ---------------------------------------------------------------------------------------- */
/* GObject                                                                                   */

static void
hako_console_page_constructed(GObject *object)
{
    HakoConsolePage *self = HAKO_CONSOLE_PAGE(object);

    G_OBJECT_CLASS(hako_console_page_parent_class)->constructed(object);

    if (self->endpoint != NULL) {
        /* Passwords are kept per guest; an address has no guest to keep one for. */
        gtk_widget_hide(GTK_WIDGET(self->remember_check));
        update_actions(self);
        connect_display(self);
        return;
    }
    g_assert(HAKO_IS_CONNECTION_MANAGER(self->manager));
    g_assert(HAKO_IS_DOMAIN(self->domain));
    self->ops = hako_domain_ops_new(self->manager);

    if (self->settings != NULL) {
        follow_scaling_setting(self);
        g_signal_connect_object(self->settings, "changed", G_CALLBACK(settings_changed_cb), self,
                                G_CONNECT_SWAPPED);
    }
    g_signal_connect_object(self->domain, "notify::state", G_CALLBACK(domain_state_cb), self,
                            G_CONNECT_SWAPPED);
    update_for_domain(self);
}

static void
hako_console_page_dispose(GObject *object)
{
    HakoConsolePage *self = HAKO_CONSOLE_PAGE(object);

    g_clear_handle_id(&self->reconnect_id, g_source_remove);
    g_cancellable_cancel(self->cancellable);
    g_clear_object(&self->cancellable);
    if (self->console != NULL) {
        g_signal_handlers_disconnect_by_data(self->console, self);
        hako_console_close(self->console);
        self->console = NULL; /* a child: destroyed with the page */
    }
    if (self->domain != NULL)
        g_signal_handlers_disconnect_by_data(self->domain, self);
    if (self->settings != NULL)
        g_signal_handlers_disconnect_by_data(self->settings, self);
    g_clear_object(&self->ops);
    g_clear_object(&self->actions);
    g_clear_pointer(&self->devices, g_ptr_array_unref);
    g_clear_pointer(&self->wanted, g_free);
    g_clear_pointer(&self->password_to_keep, g_free);
    g_clear_object(&self->domain);
    g_clear_object(&self->manager);
    g_clear_object(&self->settings);

    G_OBJECT_CLASS(hako_console_page_parent_class)->dispose(object);
}

static void
hako_console_page_finalize(GObject *object)
{
    HakoConsolePage *self = HAKO_CONSOLE_PAGE(object);

    g_clear_pointer(&self->endpoint, hako_graphics_endpoint_free);
    g_free(self->name);
    g_free(self->password_reason);

    G_OBJECT_CLASS(hako_console_page_parent_class)->finalize(object);
}

static void
hako_console_page_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
    HakoConsolePage *self = HAKO_CONSOLE_PAGE(object);

    switch (prop_id) {
    case PROP_MANAGER:
        g_value_set_object(value, self->manager);
        break;
    case PROP_DOMAIN:
        g_value_set_object(value, self->domain);
        break;
    case PROP_SETTINGS:
        g_value_set_object(value, self->settings);
        break;
    case PROP_ENDPOINT:
        g_value_set_boxed(value, self->endpoint);
        break;
    case PROP_NAME:
        g_value_set_string(value, self->name);
        break;
    case PROP_STATUS:
        g_value_set_string(value, self->status);
        break;
    case PROP_ZOOM:
        g_value_set_int(value, self->zoom);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    }
}

static void
hako_console_page_set_property(GObject *object,
                               guint prop_id,
                               const GValue *value,
                               GParamSpec *pspec)
{
    HakoConsolePage *self = HAKO_CONSOLE_PAGE(object);

    switch (prop_id) {
    case PROP_MANAGER:
        self->manager = g_value_dup_object(value);
        break;
    case PROP_DOMAIN:
        self->domain = g_value_dup_object(value);
        break;
    case PROP_SETTINGS:
        self->settings = g_value_dup_object(value);
        break;
    case PROP_ENDPOINT:
        self->endpoint = g_value_dup_boxed(value);
        break;
    case PROP_NAME:
        self->name = g_value_dup_string(value);
        break;
    case PROP_ZOOM:
        hako_console_page_set_zoom(self, g_value_get_int(value));
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    }
}

static void
hako_console_page_class_init(HakoConsolePageClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);
    const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

    object_class->constructed = hako_console_page_constructed;
    object_class->dispose = hako_console_page_dispose;
    object_class->finalize = hako_console_page_finalize;
    object_class->get_property = hako_console_page_get_property;
    object_class->set_property = hako_console_page_set_property;

    properties[PROP_MANAGER] =
        g_param_spec_object("manager", NULL, NULL, HAKO_TYPE_CONNECTION_MANAGER, flags);
    properties[PROP_DOMAIN] = g_param_spec_object("domain", NULL, NULL, HAKO_TYPE_DOMAIN, flags);
    properties[PROP_SETTINGS] = g_param_spec_object("settings", NULL, NULL, G_TYPE_SETTINGS, flags);
    properties[PROP_ENDPOINT] =
        g_param_spec_boxed("endpoint", NULL, NULL, HAKO_TYPE_GRAPHICS_ENDPOINT, flags);
    properties[PROP_NAME] = g_param_spec_string("name", NULL, NULL, NULL, flags);
    /* The page shown: "not-running", "connecting", "password", "error" or "console". */
    properties[PROP_STATUS] =
        g_param_spec_string("status", NULL, NULL, NULL,
                            G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
    properties[PROP_ZOOM] =
        g_param_spec_int("zoom", NULL, NULL, HAKO_CONSOLE_PAGE_ZOOM_MIN, HAKO_CONSOLE_PAGE_ZOOM_MAX,
                         100, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
    g_object_class_install_properties(object_class, N_PROPS, properties);

    gtk_widget_class_set_template_from_resource(widget_class,
                                                RESOURCE_PREFIX "/ui/hako-console-page.ui");
    gtk_widget_class_bind_template_child(widget_class, HakoConsolePage, stack);
    gtk_widget_class_bind_template_child(widget_class, HakoConsolePage, toolbar);
    gtk_widget_class_bind_template_child(widget_class, HakoConsolePage, not_running_label);
    gtk_widget_class_bind_template_child(widget_class, HakoConsolePage, spinner);
    gtk_widget_class_bind_template_child(widget_class, HakoConsolePage, connecting_label);
    gtk_widget_class_bind_template_child(widget_class, HakoConsolePage, password_reason_label);
    gtk_widget_class_bind_template_child(widget_class, HakoConsolePage, password_entry);
    gtk_widget_class_bind_template_child(widget_class, HakoConsolePage, error_label);
    gtk_widget_class_bind_template_child(widget_class, HakoConsolePage, console_slot);
    gtk_widget_class_bind_template_child(widget_class, HakoConsolePage, grab_label);
    gtk_widget_class_bind_template_child(widget_class, HakoConsolePage, function_keys_menu);
    gtk_widget_class_bind_template_child(widget_class, HakoConsolePage, consoles_menu);
    gtk_widget_class_bind_template_child(widget_class, HakoConsolePage, consoles_button);
    gtk_widget_class_bind_template_child(widget_class, HakoConsolePage, remember_check);
    gtk_widget_class_bind_template_child(widget_class, HakoConsolePage, resize_guest_button);
    gtk_widget_class_bind_template_child(widget_class, HakoConsolePage, usb_button);
    gtk_widget_class_bind_template_callback(widget_class, password_activate_cb);
}

static void
hako_console_page_init(HakoConsolePage *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));

    self->scaling = TRUE;
    self->zoom = 100;
    self->actions = g_simple_action_group_new();
    g_action_map_add_action_entries(G_ACTION_MAP(self->actions), console_entries,
                                    G_N_ELEMENTS(console_entries), self);
    gtk_widget_insert_action_group(GTK_WIDGET(self), "console", G_ACTION_GROUP(self->actions));

    for (guint f = 1; f <= 12; f++) {
        g_autofree char *label = g_strdup_printf("Ctrl+Alt+F%u", f);
        g_autofree char *target = g_strdup_printf("ctrl-alt-f%u", f);
        g_autoptr(GMenuItem) item = g_menu_item_new(label, NULL);

        g_menu_item_set_action_and_target_value(item, "console.send-keys",
                                                g_variant_new_string(target));
        g_menu_append_item(self->function_keys_menu, item);
    }
}

/* ---------------------------------------------------------------------------------------- */
/* Public API                                                                                */

/**
 * hako_console_page_new:
 * @settings: (nullable): the org.hako.Hako settings (scaling, release keys)
 *
 * Returns: (transfer floating): the Console page of @domain
 */
GtkWidget *
hako_console_page_new(HakoConnectionManager *manager, HakoDomain *domain, GSettings *settings)
{
    g_return_val_if_fail(HAKO_IS_CONNECTION_MANAGER(manager), NULL);
    g_return_val_if_fail(HAKO_IS_DOMAIN(domain), NULL);
    g_return_val_if_fail(settings == NULL || G_IS_SETTINGS(settings), NULL);

    return g_object_new(HAKO_TYPE_CONSOLE_PAGE, "manager", manager, "domain", domain, "settings",
                        settings, NULL);
}

/**
 * hako_console_page_new_for_endpoint:
 * @endpoint: where the display is (copied; its socket, if any, is duplicated)
 * @name: what the display is called (a guest's name or an address), for screenshots
 *
 * A page for a display given by address, as hako-viewer opens vnc:// URIs and .vv files:
 * it connects at once, asks for a password the display wants (again, with the reason, when
 * one is refused), and shows why when it cannot connect, with Try Again.
 *
 * Returns: (transfer floating): the page
 */
GtkWidget *
hako_console_page_new_for_endpoint(const HakoGraphicsEndpoint *endpoint, const char *name)
{
    g_return_val_if_fail(endpoint != NULL, NULL);
    g_return_val_if_fail(name != NULL, NULL);

    return g_object_new(HAKO_TYPE_CONSOLE_PAGE, "endpoint", endpoint, "name", name, NULL);
}

/**
 * hako_console_page_get_actions:
 *
 * The page's "console" actions (run, reconnect, send-keys, screenshot, scale, zoom-in,
 * zoom-out, zoom-reset), for a window that shows them in its own header: insert them on the
 * window under the "console" prefix, so its accelerators reach them too.
 *
 * Returns: (transfer none): the actions
 */
GActionGroup *
hako_console_page_get_actions(HakoConsolePage *self)
{
    g_return_val_if_fail(HAKO_IS_CONSOLE_PAGE(self), NULL);
    return G_ACTION_GROUP(self->actions);
}

/**
 * hako_console_page_set_toolbar_visible:
 *
 * Shows or hides the page's own row of buttons (Send Key, Screenshot, Scale).
 */
void
hako_console_page_set_toolbar_visible(HakoConsolePage *self, gboolean visible)
{
    g_return_if_fail(HAKO_IS_CONSOLE_PAGE(self));
    gtk_widget_set_visible(self->toolbar, visible);
}

/**
 * hako_console_page_get_status:
 *
 * Returns: the page shown: "not-running", "connecting", "password", "error" or "console"
 */
const char *
hako_console_page_get_status(HakoConsolePage *self)
{
    g_return_val_if_fail(HAKO_IS_CONSOLE_PAGE(self), NULL);
    return self->status;
}

/**
 * hako_console_page_get_error_message:
 *
 * Returns: (nullable): what the error page says, while it is shown
 */
const char *
hako_console_page_get_error_message(HakoConsolePage *self)
{
    g_return_val_if_fail(HAKO_IS_CONSOLE_PAGE(self), NULL);
    if (g_strcmp0(self->status, "error") != 0)
        return NULL;
    return gtk_label_get_text(self->error_label);
}

/**
 * hako_console_page_set_zoom:
 * @zoom: percent, from %HAKO_CONSOLE_PAGE_ZOOM_MIN to %HAKO_CONSOLE_PAGE_ZOOM_MAX
 *
 * The size the display is drawn at while it is not scaled to the window.
 */
void
hako_console_page_set_zoom(HakoConsolePage *self, int zoom)
{
    g_return_if_fail(HAKO_IS_CONSOLE_PAGE(self));

    zoom = CLAMP(zoom, HAKO_CONSOLE_PAGE_ZOOM_MIN, HAKO_CONSOLE_PAGE_ZOOM_MAX);
    if (zoom == self->zoom)
        return;
    self->zoom = zoom;
    apply_console_settings(self);
    update_actions(self);
    g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_ZOOM]);
}

int
hako_console_page_get_zoom(HakoConsolePage *self)
{
    g_return_val_if_fail(HAKO_IS_CONSOLE_PAGE(self), 100);
    return self->zoom;
}

/**
 * hako_console_page_get_console:
 *
 * Returns: (transfer none) (nullable): the display's widget, when there is one
 */
HakoConsole *
hako_console_page_get_console(HakoConsolePage *self)
{
    g_return_val_if_fail(HAKO_IS_CONSOLE_PAGE(self), NULL);
    return self->console;
}

/**
 * hako_console_page_has_console_focus:
 *
 * Whether the keyboard goes to the guest now: its window should hand keys to the display
 * before its own shortcuts.
 */
gboolean
hako_console_page_has_console_focus(HakoConsolePage *self)
{
    GtkWidget *toplevel, *focus;

    g_return_val_if_fail(HAKO_IS_CONSOLE_PAGE(self), FALSE);
    if (self->console == NULL)
        return FALSE;
    toplevel = gtk_widget_get_toplevel(GTK_WIDGET(self));
    focus = GTK_IS_WINDOW(toplevel) ? gtk_window_get_focus(GTK_WINDOW(toplevel)) : NULL;
    return focus != NULL && gtk_widget_is_ancestor(focus, GTK_WIDGET(self->console));
}

/**
 * hako_console_page_set_fullscreen:
 *
 * Tells the page that its window is full screen or not: with the console-scaling setting at
 * "fullscreen", the guest's screen is scaled only then.
 */
void
hako_console_page_set_fullscreen(HakoConsolePage *self, gboolean fullscreen)
{
    g_return_if_fail(HAKO_IS_CONSOLE_PAGE(self));

    self->fullscreen = !!fullscreen;
    if (self->settings != NULL)
        follow_scaling_setting(self);
    apply_console_settings(self);
    update_actions(self);
}

/**
 * hako_console_page_set_kiosk:
 *
 * In kiosk mode (hako-viewer --kiosk) no key combination releases the pointer and keyboard
 * from the guest, as in virt-viewer's kiosk mode, and the page does not say how to.
 */
void
hako_console_page_set_kiosk(HakoConsolePage *self, gboolean kiosk)
{
    g_return_if_fail(HAKO_IS_CONSOLE_PAGE(self));

    self->kiosk = !!kiosk;
    apply_console_settings(self);
    update_grab_label(self);
}
