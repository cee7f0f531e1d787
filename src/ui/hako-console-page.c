/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "hako-console-page.h"

#include "hako-domain-ops.h"

#include <glib/gi18n.h>

/*
 * The page follows the guest: while it is not running it says so and offers Run; once it
 * runs, the page asks the engine for its consoles and a way to reach the first display (a
 * socket from libvirt where it can, else an address), and shows it. When the display goes
 * away while the guest still runs (restored, migrated, or a QEMU that restarted its display)
 * the page connects again by itself, a few times, before it shows why it cannot.
 */

#define MAX_RECONNECTS 5
#define RECONNECT_DELAY_MS 1000

struct _HakoConsolePage {
    GtkBox parent_instance;

    HakoConnectionManager *manager;
    HakoDomain *domain;
    GSettings *settings;
    HakoDomainOps *ops;
    GCancellable *cancellable; /* the connect in progress */
    GSimpleActionGroup *actions;

    HakoConsole *console; /* the current display's widget, or NULL */
    HakoConsoleKind console_kind;
    guint console_index; /* the display's index among the guest's <graphics> */
    guint reconnects;
    guint reconnect_id;
    gboolean scaling;

    /* Template children */
    GtkStack *stack;
    GtkLabel *not_running_label;
    GtkSpinner *spinner;
    GtkLabel *connecting_label;
    GtkLabel *password_reason_label;
    GtkEntry *password_entry;
    GtkLabel *error_label;
    GtkBox *console_slot;
    GtkLabel *grab_label;
    GMenu *function_keys_menu;
};

G_DEFINE_FINAL_TYPE(HakoConsolePage, hako_console_page, GTK_TYPE_BOX)

enum { PROP_0, PROP_MANAGER, PROP_DOMAIN, PROP_SETTINGS, N_PROPS };

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
    GAction *action;

    action = g_action_map_lookup_action(G_ACTION_MAP(self->actions), "send-keys");
    g_simple_action_set_enabled(G_SIMPLE_ACTION(action), connected);
    action = g_action_map_lookup_action(G_ACTION_MAP(self->actions), "screenshot");
    g_simple_action_set_enabled(G_SIMPLE_ACTION(action), connected);
    action = g_action_map_lookup_action(G_ACTION_MAP(self->actions), "run");
    g_simple_action_set_enabled(G_SIMPLE_ACTION(action),
                                hako_domain_get_state(self->domain) == HAKO_DOMAIN_STATE_SHUTOFF ||
                                    hako_domain_get_state(self->domain) ==
                                        HAKO_DOMAIN_STATE_CRASHED);
}

static void
update_grab_label(HakoConsolePage *self)
{
    g_autofree char *keys = NULL;
    g_autofree char *text = NULL;
    GdkModifierType mods = 0;
    guint key = 0;

    if (self->console == NULL || !hako_console_get_grabbed(self->console)) {
        gtk_label_set_text(self->grab_label, "");
        return;
    }
    gtk_accelerator_parse(self->settings != NULL
                              ? g_settings_get_string(self->settings, "console-grab-keys")
                              : "<Control><Alt>",
                          &key, &mods);
    keys = gtk_accelerator_get_label(key, mods);
    /* Translators: %s is a key combination such as "Ctrl+Alt" */
    text = g_strdup_printf(_("The guest has the pointer: press %s to release it."), keys);
    gtk_label_set_text(self->grab_label, text);
}

/* ---------------------------------------------------------------------------------------- */
/* The console widget                                                                        */

static void schedule_reconnect(HakoConsolePage *self);

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
        show_page(self, "console");
        /* A SPICE display's widget comes with its display channel, a moment later. */
        if (gtk_bin_get_child(GTK_BIN(console)) != NULL)
            gtk_widget_grab_focus(gtk_bin_get_child(GTK_BIN(console)));
        break;
    case HAKO_CONSOLE_STATE_DISCONNECTED:
        if (domain_is_running(self->domain) && self->reconnects < MAX_RECONNECTS)
            schedule_reconnect(self);
        else if (domain_is_running(self->domain))
            show_error(self, hako_console_get_error_message(console));
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

static void
console_password_needed_cb(HakoConsolePage *self, const char *reason, HakoConsole *console)
{
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
apply_console_settings(HakoConsolePage *self)
{
    if (self->console == NULL)
        return;
    hako_console_set_scaling(self->console, self->scaling);
    hako_console_set_grab_keys(
        self->console,
        self->settings != NULL ? g_settings_get_string(self->settings, "console-grab-keys") : NULL);
}

static HakoConsole *
ensure_console(HakoConsolePage *self, HakoConsoleKind kind)
{
    HakoConsole *console;

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

/* The display to show: the guest's first VNC or SPICE display. */
static const HakoConsoleDevice *
choose_display(GPtrArray *devices)
{
    for (guint i = 0; i < devices->len; i++) {
        const HakoConsoleDevice *device = g_ptr_array_index(devices, i);

        if (hako_console_device_is_graphical(device))
            return device;
    }
    return NULL;
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
    device = choose_display(devices);
    if (device == NULL) {
        g_autofree char *message =
            g_strdup_printf(_("“%s” has no graphical display. Add one in its hardware settings "
                              "(Graphics, VNC or SPICE)."),
                            hako_domain_get_name(self->domain));

        show_error(self, message);
        return;
    }
    self->console_index = device->index;
    hako_domain_ops_open_graphics_async(self->ops, self->domain, device->kind, device->index,
                                        self->cancellable, open_graphics_cb, g_object_ref(self));
}

static void
connect_display(HakoConsolePage *self)
{
    g_clear_handle_id(&self->reconnect_id, g_source_remove);
    g_cancellable_cancel(self->cancellable);
    g_clear_object(&self->cancellable);
    self->cancellable = g_cancellable_new();

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
    if (!domain_is_running(self->domain)) {
        g_autofree char *text = NULL;

        g_clear_handle_id(&self->reconnect_id, g_source_remove);
        g_cancellable_cancel(self->cancellable);
        drop_console(self);
        self->reconnects = 0;
        if (hako_domain_get_state(self->domain) == HAKO_DOMAIN_STATE_CRASHED)
            text = g_strdup_printf(_("“%s” has crashed."), hako_domain_get_name(self->domain));
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

    if (!hako_domain_ops_lifecycle_finish(HAKO_DOMAIN_OPS(source), result, &error))
        show_error(self, error->message);
}

static void
run_activated(GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
    HakoConsolePage *self = user_data;

    hako_domain_ops_lifecycle_async(self->ops, self->domain, HAKO_DOMAIN_ACTION_RUN, NULL, run_cb,
                                    g_object_ref(self));
}

static void
reconnect_activated(GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
    HakoConsolePage *self = user_data;

    self->reconnects = 0;
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
    GtkWidget *dialog;

    if (g_file_replace_contents_finish(G_FILE(source), result, NULL, &error))
        return;
    dialog =
        gtk_message_dialog_new(GTK_WINDOW(gtk_widget_get_toplevel(GTK_WIDGET(self))),
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
    g_autofree char *name = g_strdup_printf("%s-%s.png", hako_domain_get_name(self->domain), stamp);

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
}

static const GActionEntry console_entries[] = {
    {"run", run_activated, NULL, NULL, NULL, {0}},
    {"reconnect", reconnect_activated, NULL, NULL, NULL, {0}},
    {"send-keys", send_keys_activated, "s", NULL, NULL, {0}},
    {"screenshot", screenshot_activated, NULL, NULL, NULL, {0}},
    {"scale", NULL, NULL, "true", scale_changed, {0}},
};

static void
settings_changed_cb(HakoConsolePage *self, const char *key, GSettings *settings)
{
    if (g_str_equal(key, "console-scaling")) {
        GAction *action = g_action_map_lookup_action(G_ACTION_MAP(self->actions), "scale");

        self->scaling = !g_str_equal(g_settings_get_string(settings, key), "never");
        g_simple_action_set_state(G_SIMPLE_ACTION(action), g_variant_new_boolean(self->scaling));
    }
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

    g_assert(HAKO_IS_CONNECTION_MANAGER(self->manager));
    g_assert(HAKO_IS_DOMAIN(self->domain));
    self->ops = hako_domain_ops_new(self->manager);

    if (self->settings != NULL) {
        self->scaling =
            !g_str_equal(g_settings_get_string(self->settings, "console-scaling"), "never");
        g_simple_action_set_state(
            G_SIMPLE_ACTION(g_action_map_lookup_action(G_ACTION_MAP(self->actions), "scale")),
            g_variant_new_boolean(self->scaling));
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
    g_clear_object(&self->domain);
    g_clear_object(&self->manager);
    g_clear_object(&self->settings);

    G_OBJECT_CLASS(hako_console_page_parent_class)->dispose(object);
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
    object_class->get_property = hako_console_page_get_property;
    object_class->set_property = hako_console_page_set_property;

    properties[PROP_MANAGER] =
        g_param_spec_object("manager", NULL, NULL, HAKO_TYPE_CONNECTION_MANAGER, flags);
    properties[PROP_DOMAIN] = g_param_spec_object("domain", NULL, NULL, HAKO_TYPE_DOMAIN, flags);
    properties[PROP_SETTINGS] = g_param_spec_object("settings", NULL, NULL, G_TYPE_SETTINGS, flags);
    g_object_class_install_properties(object_class, N_PROPS, properties);

    gtk_widget_class_set_template_from_resource(widget_class,
                                                RESOURCE_PREFIX "/ui/hako-console-page.ui");
    gtk_widget_class_bind_template_child(widget_class, HakoConsolePage, stack);
    gtk_widget_class_bind_template_child(widget_class, HakoConsolePage, not_running_label);
    gtk_widget_class_bind_template_child(widget_class, HakoConsolePage, spinner);
    gtk_widget_class_bind_template_child(widget_class, HakoConsolePage, connecting_label);
    gtk_widget_class_bind_template_child(widget_class, HakoConsolePage, password_reason_label);
    gtk_widget_class_bind_template_child(widget_class, HakoConsolePage, password_entry);
    gtk_widget_class_bind_template_child(widget_class, HakoConsolePage, error_label);
    gtk_widget_class_bind_template_child(widget_class, HakoConsolePage, console_slot);
    gtk_widget_class_bind_template_child(widget_class, HakoConsolePage, grab_label);
    gtk_widget_class_bind_template_child(widget_class, HakoConsolePage, function_keys_menu);
    gtk_widget_class_bind_template_callback(widget_class, password_activate_cb);
}

static void
hako_console_page_init(HakoConsolePage *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));

    self->scaling = TRUE;
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
