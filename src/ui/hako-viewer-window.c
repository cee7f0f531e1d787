/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoViewerWindow: hako-viewer's window, one guest's or one address's display. */
#include "config.h"

#include "hako-viewer-window.h"

#include "hako-console-page.h"
#include "hako-fullscreen.h"

#include <glib/gi18n.h>
#include <string.h>

/*
 * A display given by address (vnc://, spice://, a .vv file) goes straight to a Console page
 * for that endpoint. A guest named on the command line is found first: the window connects to
 * its host (the default one unless --connect says), looks the guest up by ID, UUID or name,
 * and shows the Console page of the guest once it runs, as the manager's guest window does.
 * With --wait it waits for the guest to be defined and to start; without, a missing or stopped
 * guest is an error. Without --reconnect the window closes when the guest stops, as
 * virt-viewer does; with it, the page waits and connects again when the guest runs.
 *
 * Whatever goes wrong is said in the window and on standard error, and makes the exit status 1;
 * a display that connects makes it 0 again.
 *
 * A SPICE guest with more than one display (HakoConsole::display-added) gets one more window
 * per display, as in virt-viewer, titled "TITLE (2)" and so on (or with the display's number
 * in place of a "%d" in --title). Each shows its display alone, takes keys and the pointer for
 * the guest, follows the main window's zoom and full screen (display N full screen on monitor
 * N, where there is one), and closes when its display goes away or the main window closes.
 *
 * In kiosk mode (--kiosk, as virt-viewer's) the guest's displays cover the monitors, display N
 * on monitor N (the primary monitor first), by hand where there is no window manager to ask,
 * and black windows that take no input cover the monitors left over; all of it is laid out
 * again when displays or monitors come and go. It has no buttons, no keys of its own and no
 * mnemonics, no keys release the pointer, and its windows refuse to close. When the display goes
 * away it says it is reconnecting and tries again (a guest by name: as --reconnect; an address:
 * every few seconds), or with --kiosk-quit on-disconnect the viewer exits with 0 (1 when the
 * display never came). An error before anything was shown (no such guest) ends it too, with 1.
 */

#define KIOSK_RETRY_SECONDS 3

/* One more display of the guest, in a window of its own. */
typedef struct {
    guint nth;
    GtkWidget *window;
    HakoConsole *console; /* the window's child */
    GdkRectangle saved;   /* its place before a full screen made by hand */
    gboolean fullscreen;
} DisplayWindow;

struct _HakoViewerWindow {
    GtkApplicationWindow parent_instance;

    HakoConnectionManager *manager; /* for a guest */
    HakoViewerTarget *target;
    HakoViewerOptions options;
    char *title;
    char *name; /* the guest's name or the address, for the title */

    GCancellable *cancellable;
    HakoHost *host;
    HakoDomain *domain;
    HakoConsolePage *page;
    HakoConsole *console; /* the page's display widget, watched for its pointer grab */
    gboolean fullscreen;
    guint hide_bar_id;           /* hides the full-screen bar a moment after the pointer leaves */
    GdkRectangle saved_geometry; /* before a full screen made by hand (no window manager) */
    gboolean sized;              /* fitted to the guest's screen once */
    gboolean seen_connected;
    int exit_status;
    GPtrArray *display_windows; /* DisplayWindow: the guest's other displays */
    GPtrArray *cover_windows;   /* kiosk: the black windows over the other monitors */
    guint retry_id;             /* kiosk: the next try of a display that went away */
    gboolean reconnecting;      /* kiosk: "Reconnecting…" is shown over the page */
    gboolean quitting;

    /* Template children */
    GtkWidget *toolbar;
    GtkWidget *hot_zone;
    GtkRevealer *fullscreen_revealer;
    GtkStack *stack;
    GtkLabel *status_label;
    GtkLabel *error_label;
    GtkBox *console_slot;
    GtkButton *zoom_reset_button;
    GMenu *function_keys_menu;
};

G_DEFINE_FINAL_TYPE(HakoViewerWindow, hako_viewer_window, GTK_TYPE_APPLICATION_WINDOW)

enum { PROP_0, PROP_MANAGER, PROP_TARGET, N_PROPS };

static GParamSpec *properties[N_PROPS];

static void resolve_domain(HakoViewerWindow *self);
static void
display_window_set_fullscreen(HakoViewerWindow *self, DisplayWindow *display, gboolean fullscreen);
static void close_display_windows(HakoViewerWindow *self);
static void update_display_window_title(HakoViewerWindow *self, DisplayWindow *display);
static void kiosk_layout(HakoViewerWindow *self);
static void display_added_cb(HakoViewerWindow *self, guint nth, HakoConsole *console);
static void display_removed_cb(HakoViewerWindow *self, guint nth, HakoConsole *console);
static void zoom_display_windows(HakoViewerWindow *self);

/* ---------------------------------------------------------------------------------------- */
/* Status, errors, title                                                                     */

/* The title of display @nth's window (0: the main window's), as virt-viewer makes them. */
static char *
make_title(HakoViewerWindow *self, guint nth, gboolean grabbed)
{
    g_autofree char *title = NULL;
    const char *name = self->name != NULL ? self->name : "";
    const char *custom = self->options.title != NULL ? self->options.title
                                                     : hako_viewer_target_get_title(self->target);
    const char *number = custom != NULL ? strstr(custom, "%d") : NULL;

    if (number != NULL)
        /* "%d" in the title stands for the display's number, counted from 1 */
        title = g_strdup_printf("%.*s%u%s", (int)(number - custom), custom, nth + 1, number + 2);
    else if (custom != NULL && nth > 0)
        title = g_strdup_printf("%s (%u)", custom, nth + 1);
    else if (custom != NULL)
        title = g_strdup(custom);
    else if (nth > 0)
        /* Translators: the title of the viewer's window for a guest's second, third… display;
         * %s is a guest's name or an address, %u the display's number */
        title = g_strdup_printf(_("%s (%u) - Hako Viewer"), name, nth + 1);
    else
        /* Translators: the viewer's window title; %s is a guest's name or an address */
        title = g_strdup_printf(_("%s - Hako Viewer"), name);

    /* While the guest has the pointer, say how to get it back, as virt-viewer does (a kiosk
     * has no way back). */
    if (grabbed && !self->options.kiosk) {
        g_autofree char *plain = g_steal_pointer(&title);

        /* Translators: a window title while the guest holds the pointer; %s is the title */
        title = g_strdup_printf(_("%s (press Ctrl+Alt to release the pointer)"), plain);
    }
    return g_steal_pointer(&title);
}

static void
update_title(HakoViewerWindow *self)
{
    g_autofree char *title =
        make_title(self, 0, self->console != NULL && hako_console_get_grabbed(self->console));

    gtk_window_set_title(GTK_WINDOW(self), title);
    for (guint i = 0; self->display_windows != NULL && i < self->display_windows->len; i++)
        update_display_window_title(self, g_ptr_array_index(self->display_windows, i));
}

static void
set_title_name(HakoViewerWindow *self, const char *name)
{
    g_free(self->name);
    self->name = g_strdup(name);
    update_title(self);
}

static void
show_status(HakoViewerWindow *self, const char *text)
{
    gtk_label_set_text(self->status_label, text);
    gtk_stack_set_visible_child_name(self->stack, "status");
}

static gboolean
destroy_idle_cb(gpointer user_data)
{
    gtk_widget_destroy(GTK_WIDGET(user_data));
    return G_SOURCE_REMOVE;
}

/* The end of the run, with @status, even in kiosk mode (which refuses the user's close). */
static void
quit_with_status(HakoViewerWindow *self, int status)
{
    if (self->quitting)
        return;
    self->quitting = TRUE;
    self->exit_status = status;
    g_idle_add_full(G_PRIORITY_DEFAULT, destroy_idle_cb, g_object_ref(self), g_object_unref);
}

/* Something the viewer cannot get past by itself: said on stderr and in the window. A kiosk,
 * which cannot be closed, ends then. */
static void
fail(HakoViewerWindow *self, const char *message)
{
    g_printerr("hako-viewer: %s\n", message);
    self->exit_status = 1;
    g_cancellable_cancel(self->cancellable);
    gtk_label_set_text(self->error_label, message);
    gtk_stack_set_visible_child_name(self->stack, "error");
    if (self->options.kiosk)
        quit_with_status(self, 1);
}

/* ---------------------------------------------------------------------------------------- */
/* The Console page                                                                          */

/* The first picture: the window takes the guest's screen size (times the zoom), within the
 * monitor, unless it is full screen. */
static void
fit_to_display(HakoViewerWindow *self)
{
    HakoConsole *console = hako_console_page_get_console(self->page);
    GdkDisplay *display = gtk_widget_get_display(GTK_WIDGET(self));
    GdkWindow *window = gtk_widget_get_window(GTK_WIDGET(self));
    GdkMonitor *monitor = NULL;
    GdkRectangle area = {0, 0, 4096, 4096};
    int zoom = self->options.zoom > 0 ? hako_console_page_get_zoom(self->page) : 100;
    int width, height, extra = 0;

    if (console == NULL || self->fullscreen)
        return;
    width = hako_console_get_display_width(console) * zoom / 100;
    height = hako_console_get_display_height(console) * zoom / 100;
    if (width <= 0 || height <= 0)
        return;
    if (window != NULL)
        monitor = gdk_display_get_monitor_at_window(display, window);
    if (monitor != NULL)
        gdk_monitor_get_workarea(monitor, &area);
    if (gtk_widget_get_visible(self->toolbar))
        gtk_widget_get_preferred_height(self->toolbar, NULL, &extra);
    gtk_window_resize(GTK_WINDOW(self), MIN(width, area.width), MIN(height + extra, area.height));
    self->sized = TRUE;
}

static void
console_grabbed_cb(HakoViewerWindow *self, GParamSpec *pspec, HakoConsole *console)
{
    update_title(self);
}

/* --kiosk-quit on-disconnect: a display that was shown and went away ends the run. */
static void
console_state_cb(HakoViewerWindow *self, GParamSpec *pspec, HakoConsole *console)
{
    if (self->options.kiosk_quit && self->seen_connected &&
        hako_console_get_state(console) == HAKO_CONSOLE_STATE_DISCONNECTED) {
        g_debug("The display went away: quitting the kiosk");
        quit_with_status(self, 0);
    }
}

/* The page makes a new display widget when the kind of display changes: follow the current one. */
static void
watch_console(HakoViewerWindow *self)
{
    HakoConsole *console = hako_console_page_get_console(self->page);

    if (console == self->console)
        return;
    if (self->console != NULL)
        g_signal_handlers_disconnect_by_data(self->console, self);
    g_clear_weak_pointer(&self->console);
    /* The old display's other displays go with it. */
    close_display_windows(self);
    if (console != NULL) {
        g_set_weak_pointer(&self->console, console);
        g_signal_connect_object(console, "notify::grabbed", G_CALLBACK(console_grabbed_cb), self,
                                G_CONNECT_SWAPPED);
        g_signal_connect_object(console, "notify::state", G_CALLBACK(console_state_cb), self,
                                G_CONNECT_SWAPPED);
        /* A console announces its other displays once connected, after the page shows it. */
        g_signal_connect_object(console, "display-added", G_CALLBACK(display_added_cb), self,
                                G_CONNECT_SWAPPED);
        g_signal_connect_object(console, "display-removed", G_CALLBACK(display_removed_cb), self,
                                G_CONNECT_SWAPPED);
    }
    update_title(self);
}

static gboolean
kiosk_retry_cb(gpointer user_data)
{
    HakoViewerWindow *self = user_data;

    self->retry_id = 0;
    if (self->page != NULL)
        g_action_group_activate_action(hako_console_page_get_actions(self->page), "reconnect",
                                       NULL);
    return G_SOURCE_REMOVE;
}

/* A kiosk whose display went away (the guest stopped, or an address stopped answering) says
 * so over the page and tries again, instead of showing the page's buttons. */
static void
kiosk_follow_page(HakoViewerWindow *self, const char *status)
{
    if (g_strcmp0(status, "console") == 0 || g_strcmp0(status, "password") == 0) {
        self->reconnecting = FALSE;
        g_clear_handle_id(&self->retry_id, g_source_remove);
        gtk_stack_set_visible_child_name(self->stack, "console");
        return;
    }
    if (g_strcmp0(status, "not-running") == 0 || g_strcmp0(status, "error") == 0) {
        /* Quitting on a disconnect: a display that never came is an error (said already). */
        if (self->options.kiosk_quit) {
            quit_with_status(self, self->seen_connected ? 0 : 1);
            return;
        }
        self->reconnecting = TRUE;
        if (self->domain != NULL) {
            g_autofree char *text = g_strdup_printf(_("Reconnecting to “%s”…"), self->name);

            show_status(self, text);
        } else {
            show_status(self, _("Reconnecting…"));
        }
        /* A guest that is not running is followed by the page; anything else is tried again. */
        if (g_strcmp0(status, "error") == 0 && self->retry_id == 0)
            self->retry_id = g_timeout_add_seconds(KIOSK_RETRY_SECONDS, kiosk_retry_cb, self);
        return;
    }
    /* Connecting: under "Reconnecting…" while it is shown. */
    if (!self->reconnecting)
        gtk_stack_set_visible_child_name(self->stack, "console");
}

static void
page_status_cb(HakoViewerWindow *self, GParamSpec *pspec, HakoConsolePage *page)
{
    const char *status = hako_console_page_get_status(page);

    if (self->quitting)
        return;
    watch_console(self);
    if (g_strcmp0(status, "console") == 0) {
        self->exit_status = 0;
        self->seen_connected = TRUE;
        if (!self->sized)
            fit_to_display(self);
    } else if (g_strcmp0(status, "error") == 0) {
        const char *message = hako_console_page_get_error_message(page);

        g_printerr("hako-viewer: %s\n", message != NULL ? message : "");
        self->exit_status = 1;
    }
    if (self->options.kiosk)
        kiosk_follow_page(self, status);
}

static void
page_zoom_cb(HakoViewerWindow *self, GParamSpec *pspec, HakoConsolePage *page)
{
    g_autofree char *label = g_strdup_printf("%d%%", hako_console_page_get_zoom(page));

    gtk_button_set_label(self->zoom_reset_button, label);
    /* Shrink to the display's new size; the display asks for at least that much. */
    if (!self->fullscreen)
        gtk_window_resize(GTK_WINDOW(self), 1, 1);
    zoom_display_windows(self);
}

static void
page_scale_cb(HakoViewerWindow *self, const char *name, GVariant *state, GActionGroup *actions)
{
    zoom_display_windows(self);
}

static void
show_page(HakoViewerWindow *self, GtkWidget *page)
{
    self->page = HAKO_CONSOLE_PAGE(page);
    hako_console_page_set_toolbar_visible(self->page, FALSE);
    hako_console_page_set_kiosk(self->page, self->options.kiosk);
    gtk_widget_insert_action_group(GTK_WIDGET(self), "console",
                                   hako_console_page_get_actions(self->page));
    if (self->options.zoom > 0) {
        g_action_group_change_action_state(hako_console_page_get_actions(self->page), "scale",
                                           g_variant_new_boolean(FALSE));
        hako_console_page_set_zoom(self->page, self->options.zoom);
    }
    g_signal_connect_object(page, "notify::status", G_CALLBACK(page_status_cb), self,
                            G_CONNECT_SWAPPED);
    g_signal_connect_object(page, "notify::zoom", G_CALLBACK(page_zoom_cb), self,
                            G_CONNECT_SWAPPED);
    g_signal_connect_object(hako_console_page_get_actions(self->page),
                            "action-state-changed::scale", G_CALLBACK(page_scale_cb), self,
                            G_CONNECT_SWAPPED);
    gtk_widget_set_hexpand(page, TRUE);
    gtk_widget_set_vexpand(page, TRUE);
    gtk_widget_show(page);
    gtk_container_add(GTK_CONTAINER(self->console_slot), page);
    gtk_stack_set_visible_child_name(self->stack, "console");
    /* Its buttons work on the page: none before there is one, and none in a kiosk. */
    gtk_widget_set_visible(self->toolbar, !self->fullscreen && !self->options.kiosk);
    hako_console_page_set_fullscreen(self->page, self->fullscreen);
    page_zoom_cb(self, NULL, self->page);
    page_status_cb(self, NULL, self->page);
}

/* ---------------------------------------------------------------------------------------- */
/* A display given by address                                                                */

static void
open_address(HakoViewerWindow *self)
{
    HakoViewerTarget *target = self->target;
    g_autoptr(HakoGraphicsEndpoint) endpoint = g_new0(HakoGraphicsEndpoint, 1);
    g_autofree char *name = NULL;

    endpoint->kind = hako_viewer_target_get_protocol(target) == HAKO_VIEWER_PROTOCOL_SPICE
                         ? HAKO_CONSOLE_KIND_SPICE
                         : HAKO_CONSOLE_KIND_VNC;
    endpoint->fd = -1;
    endpoint->host = g_strdup(hako_viewer_target_get_host(target));
    endpoint->port =
        hako_viewer_target_get_port(target) > 0 ? (int)hako_viewer_target_get_port(target) : -1;
    endpoint->tls_port = hako_viewer_target_get_tls_port(target) > 0
                             ? (int)hako_viewer_target_get_tls_port(target)
                             : -1;
    endpoint->socket = g_strdup(hako_viewer_target_get_unix_path(target));
    endpoint->password = g_strdup(hako_viewer_target_get_password(target));

    if (hako_viewer_target_get_uri(target) != NULL)
        name = g_strdup(hako_viewer_target_get_uri(target));
    else if (endpoint->socket != NULL)
        name = g_strdup(endpoint->socket);
    else if (strchr(endpoint->host != NULL ? endpoint->host : "", ':') != NULL)
        name = g_strdup_printf("[%s]:%d", endpoint->host, endpoint->port);
    else
        name = g_strdup_printf("%s:%d", endpoint->host, endpoint->port);
    set_title_name(self, name);
    show_page(self, hako_console_page_new_for_endpoint(endpoint, name));
}

/* ---------------------------------------------------------------------------------------- */
/* A guest                                                                                   */

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

static gboolean
close_idle_cb(gpointer user_data)
{
    gtk_window_close(GTK_WINDOW(user_data));
    return G_SOURCE_REMOVE;
}

static void
domain_state_cb(HakoViewerWindow *self, GParamSpec *pspec, HakoDomain *domain)
{
    g_autofree char *text = NULL;

    if (self->page != NULL) {
        /* Shown: the page follows the guest. Without --reconnect, its end is the viewer's. */
        if (!domain_is_running(domain) && self->options.kiosk_quit) {
            g_debug("“%s” stopped: quitting the kiosk", hako_domain_get_name(domain));
            quit_with_status(self, 0);
        } else if (!domain_is_running(domain) && !self->options.reconnect) {
            g_debug("“%s” stopped: closing", hako_domain_get_name(domain));
            g_idle_add_full(G_PRIORITY_DEFAULT, close_idle_cb, g_object_ref(self), g_object_unref);
        }
        return;
    }
    if (domain_is_running(domain)) {
        show_page(self, hako_console_page_new(self->manager, domain, NULL));
        return;
    }
    if (!self->options.wait) {
        text = g_strdup_printf(_("“%s” is not running. Start it, or run hako-viewer with --wait "
                                 "to wait until it starts."),
                               hako_domain_get_name(domain));
        fail(self, text);
        return;
    }
    text = g_strdup_printf(_("Waiting for “%s” to start…"), hako_domain_get_name(domain));
    show_status(self, text);
}

static void
domains_changed_cb(
    HakoViewerWindow *self, guint position, guint removed, guint added, HakoDomainList *list)
{
    if (self->domain == NULL && added > 0)
        resolve_domain(self);
}

static void
resolve_domain(HakoViewerWindow *self)
{
    HakoDomainList *list = hako_host_get_domains(self->host);
    const char *reference = hako_viewer_target_get_domain(self->target);
    HakoDomain *domain = hako_domain_list_find(list, reference);
    g_autofree char *text = NULL;

    if (domain == NULL) {
        if (!self->options.wait) {
            text = g_strdup_printf(_("There is no virtual machine “%s” on %s."), reference,
                                   hako_host_get_uri(self->host));
            fail(self, text);
            return;
        }
        text = g_strdup_printf(_("Waiting for a virtual machine “%s” on %s…"), reference,
                               hako_host_get_uri(self->host));
        show_status(self, text);
        g_signal_handlers_disconnect_by_func(list, domains_changed_cb, self);
        g_signal_connect_object(list, "items-changed", G_CALLBACK(domains_changed_cb), self,
                                G_CONNECT_SWAPPED);
        return;
    }
    g_signal_handlers_disconnect_by_func(list, domains_changed_cb, self);
    self->domain = g_object_ref(domain);
    set_title_name(self, hako_domain_get_name(domain));
    g_signal_connect_object(domain, "notify::state", G_CALLBACK(domain_state_cb), self,
                            G_CONNECT_SWAPPED);
    domain_state_cb(self, NULL, domain);
}

static void
host_state_cb(HakoViewerWindow *self, GParamSpec *pspec, HakoHost *host)
{
    switch (hako_host_get_state(host)) {
    case HAKO_HOST_STATE_CONNECTED:
        if (self->domain == NULL)
            resolve_domain(self);
        break;
    case HAKO_HOST_STATE_DISCONNECTED:
        /* Before the guest was found, a failed connection is the end; later the manager
         * reconnects by itself and the page shows the guest again. */
        if (self->domain == NULL && hako_host_get_last_error(host) != NULL)
            fail(self, hako_host_get_last_error(host));
        break;
    case HAKO_HOST_STATE_CONNECTING:
    default:
        break;
    }
}

static void
connect_host(HakoViewerWindow *self, const char *uri)
{
    g_autofree char *text = NULL;

    self->host = hako_connection_manager_add(
        self->manager, uri, self->options.direct ? HAKO_CONNECT_DIRECT : HAKO_CONNECT_NONE);
    if (self->host == NULL) {
        text = g_strdup_printf(_("Hako could not add “%s”."), uri);
        fail(self, text);
        return;
    }
    g_object_ref(self->host);
    /* Translators: %s is a libvirt connection URI */
    text = g_strdup_printf(_("Connecting to %s…"), uri);
    show_status(self, text);
    g_signal_connect_object(self->host, "notify::state", G_CALLBACK(host_state_cb), self,
                            G_CONNECT_SWAPPED);
    if (hako_host_get_state(self->host) == HAKO_HOST_STATE_DISCONNECTED)
        hako_connection_manager_connect(self->manager, self->host);
    else
        host_state_cb(self, NULL, self->host);
}

static void
probe_default_uri_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HakoViewerWindow) self = user_data;
    g_autoptr(GError) error = NULL;
    g_autofree char *uri = hako_connection_manager_probe_default_uri_finish(
        HAKO_CONNECTION_MANAGER(source), result, &error);

    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
    if (uri == NULL) {
        fail(self, error->message);
        return;
    }
    connect_host(self, uri);
}

static void
open_domain(HakoViewerWindow *self)
{
    const char *uri = hako_viewer_target_get_connect_uri(self->target);

    set_title_name(self, hako_viewer_target_get_domain(self->target));
    if (uri != NULL) {
        connect_host(self, uri);
        return;
    }
    show_status(self, _("Looking for the local hypervisor…"));
    hako_connection_manager_probe_default_uri_async(self->manager, self->cancellable,
                                                    probe_default_uri_cb, g_object_ref(self));
}

/* ---------------------------------------------------------------------------------------- */
/* Actions and keys                                                                          */

/*
 * Full screen shows the guest alone, as the manager's guest window does: a small bar with Leave
 * Full Screen and Ctrl+Alt+Del slides down when the pointer touches the top edge, and for a
 * moment on entering, so that the way out is seen once. F11 always leaves.
 */

static gboolean
hide_bar_cb(gpointer user_data)
{
    HakoViewerWindow *self = user_data;

    self->hide_bar_id = 0;
    gtk_revealer_set_reveal_child(self->fullscreen_revealer, FALSE);
    return G_SOURCE_REMOVE;
}

static void
show_bar_for_a_moment(HakoViewerWindow *self, guint ms)
{
    gtk_revealer_set_reveal_child(self->fullscreen_revealer, TRUE);
    g_clear_handle_id(&self->hide_bar_id, g_source_remove);
    self->hide_bar_id = g_timeout_add(ms, hide_bar_cb, self);
}

static gboolean
hot_zone_enter_cb(HakoViewerWindow *self, GdkEventCrossing *event, GtkWidget *zone)
{
    gtk_revealer_set_reveal_child(self->fullscreen_revealer, TRUE);
    g_clear_handle_id(&self->hide_bar_id, g_source_remove);
    return GDK_EVENT_PROPAGATE;
}

static gboolean
fullscreen_bar_leave_cb(HakoViewerWindow *self, GdkEventCrossing *event, GtkWidget *bar)
{
    /* Leaving into a child of the bar (a button) is not leaving it. */
    if (event->detail != GDK_NOTIFY_INFERIOR)
        show_bar_for_a_moment(self, 1000);
    return GDK_EVENT_PROPAGATE;
}

static void
set_fullscreen(HakoViewerWindow *self, gboolean fullscreen)
{
    GAction *action = g_action_map_lookup_action(G_ACTION_MAP(self), "fullscreen");

    self->fullscreen = fullscreen;
    g_simple_action_set_state(G_SIMPLE_ACTION(action), g_variant_new_boolean(fullscreen));
    gtk_widget_set_visible(self->toolbar,
                           self->page != NULL && !fullscreen && !self->options.kiosk);
    /* A kiosk has no bar to leave full screen. */
    gtk_widget_set_visible(self->hot_zone, fullscreen && !self->options.kiosk);
    if (self->page != NULL)
        hako_console_page_set_fullscreen(self->page, fullscreen);
    if (fullscreen && !self->options.kiosk) {
        show_bar_for_a_moment(self, 2000);
    } else {
        g_clear_handle_id(&self->hide_bar_id, g_source_remove);
        gtk_revealer_set_reveal_child(self->fullscreen_revealer, FALSE);
    }
    /* The other displays follow, each on its own monitor. */
    for (guint i = 0; self->display_windows != NULL && i < self->display_windows->len; i++)
        display_window_set_fullscreen(self, g_ptr_array_index(self->display_windows, i),
                                      fullscreen);
}

/* Without a window manager: cover the monitor by hand, and put the window back after. */
static void
fullscreen_by_hand(HakoViewerWindow *self, gboolean fullscreen)
{
    GtkWindow *window = GTK_WINDOW(self);

    hako_window_cover_monitor(window, fullscreen, &self->saved_geometry);
    set_fullscreen(self, fullscreen);
}

/* A request: the window follows when the window manager says it is full screen. */
static void
fullscreen_changed(GSimpleAction *action, GVariant *value, gpointer user_data)
{
    HakoViewerWindow *self = user_data;
    gboolean fullscreen = g_variant_get_boolean(value);

    if (self->options.kiosk && !fullscreen)
        return;
    if (!hako_window_manager_does_fullscreen(GTK_WIDGET(self)))
        fullscreen_by_hand(self, fullscreen);
    else if (fullscreen)
        gtk_window_fullscreen(GTK_WINDOW(self));
    else
        gtk_window_unfullscreen(GTK_WINDOW(self));
}

static void
close_activated(GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
    gtk_window_close(GTK_WINDOW(user_data));
}

static const GActionEntry window_entries[] = {
    {"fullscreen", NULL, NULL, "false", fullscreen_changed, {0}},
    {"close", close_activated, NULL, NULL, NULL, {0}},
};

/* The viewer's own keys, which win over the guest even while it has the keyboard: F11 (so
 * that full screen can always be left) and the zoom keys, as in virt-viewer. */
static gboolean
activate_custom_hotkey(HakoViewerWindow *self, GdkEventKey *event, HakoConsole *console)
{
    GdkModifierType mods = event->state & gtk_accelerator_get_default_mod_mask();
    guint keyval = gdk_keyval_to_lower(event->keyval);
    GActionGroup *page_actions =
        self->page != NULL ? hako_console_page_get_actions(self->page) : NULL;

    for (guint h = 0; h < HAKO_N_VIEWER_HOTKEYS; h++) {
        if (self->options.hotkey_keyvals[h] == 0 || self->options.hotkey_keyvals[h] != keyval ||
            self->options.hotkey_mods[h] != mods)
            continue;
        switch (h) {
        case HAKO_VIEWER_HOTKEY_TOGGLE_FULLSCREEN:
            g_action_group_change_action_state(G_ACTION_GROUP(self), "fullscreen",
                                               g_variant_new_boolean(!self->fullscreen));
            return TRUE;
        case HAKO_VIEWER_HOTKEY_RELEASE_CURSOR:
            if (console != NULL)
                hako_console_release_grab(console);
            return TRUE;
        case HAKO_VIEWER_HOTKEY_ZOOM_IN:
        case HAKO_VIEWER_HOTKEY_ZOOM_OUT:
        case HAKO_VIEWER_HOTKEY_ZOOM_RESET:
            if (page_actions != NULL &&
                g_action_group_get_action_enabled(page_actions, hako_viewer_hotkey_to_key(h)))
                g_action_group_activate_action(page_actions, hako_viewer_hotkey_to_key(h), NULL);
            return TRUE;
        case HAKO_VIEWER_HOTKEY_SECURE_ATTENTION:
            if (page_actions != NULL &&
                g_action_group_get_action_enabled(page_actions, "send-keys"))
                g_action_group_activate_action(page_actions, "send-keys",
                                               g_variant_new_string("ctrl-alt-del"));
            return TRUE;
        default:
            /* Smartcards and USB resets: nothing of the kind here; the key stays the guest's. */
            return FALSE;
        }
    }
    return FALSE;
}

/* @console: the display of the window the key was pressed in, for release-cursor */
static gboolean
activate_hotkey(HakoViewerWindow *self, GdkEventKey *event, HakoConsole *console)
{
    GdkModifierType mods = event->state & gtk_accelerator_get_default_mod_mask();
    GActionGroup *group = NULL;
    const char *name = NULL;

    /* --hotkeys replaces the default keys: only those it names are the viewer's. */
    if (self->options.custom_hotkeys)
        return activate_custom_hotkey(self, event, console);
    if (event->keyval == GDK_KEY_F11 && mods == 0) {
        group = G_ACTION_GROUP(self);
        name = "fullscreen";
    } else if (self->page != NULL && (mods & ~GDK_SHIFT_MASK) == GDK_CONTROL_MASK) {
        group = hako_console_page_get_actions(self->page);
        switch (event->keyval) {
        case GDK_KEY_plus:
        case GDK_KEY_equal:
        case GDK_KEY_KP_Add:
            name = "zoom-in";
            break;
        case GDK_KEY_minus:
        case GDK_KEY_KP_Subtract:
            name = "zoom-out";
            break;
        case GDK_KEY_0:
        case GDK_KEY_KP_0:
            name = "zoom-reset";
            break;
        default:
            break;
        }
    }
    if (name == NULL || !g_action_group_get_action_enabled(group, name))
        return FALSE;
    if (g_str_equal(name, "fullscreen"))
        g_action_group_change_action_state(group, name, g_variant_new_boolean(!self->fullscreen));
    else
        g_action_group_activate_action(group, name, NULL);
    return TRUE;
}

/* ---------------------------------------------------------------------------------------- */
/* GtkWidget                                                                                 */

static gboolean
hako_viewer_window_key_press_event(GtkWidget *widget, GdkEventKey *event)
{
    HakoViewerWindow *self = HAKO_VIEWER_WINDOW(widget);

    /* A kiosk has no keys of its own: no F11, zoom keys, accelerators (GtkApplication's
     * included) or mnemonics, which GtkWindow's own handler would activate. Every key goes to
     * the focused widget, the guest's display. */
    if (self->options.kiosk) {
        gtk_window_propagate_key_event(GTK_WINDOW(widget), event);
        return GDK_EVENT_STOP;
    }
    if (activate_hotkey(self, event,
                        self->page != NULL ? hako_console_page_get_console(self->page) : NULL))
        return GDK_EVENT_STOP;
    /* While the display has the keyboard every other key is the guest's first. */
    if (self->page != NULL && hako_console_page_has_console_focus(self->page) &&
        gtk_window_propagate_key_event(GTK_WINDOW(widget), event))
        return GDK_EVENT_STOP;
    return GTK_WIDGET_CLASS(hako_viewer_window_parent_class)->key_press_event(widget, event);
}

static gboolean
hako_viewer_window_window_state_event(GtkWidget *widget, GdkEventWindowState *event)
{
    HakoViewerWindow *self = HAKO_VIEWER_WINDOW(widget);

    if ((event->changed_mask & GDK_WINDOW_STATE_FULLSCREEN) != 0) {
        gboolean fullscreen = (event->new_window_state & GDK_WINDOW_STATE_FULLSCREEN) != 0;

        /* A window manager that takes a kiosk out of full screen is asked again. */
        if (self->options.kiosk && !fullscreen)
            gtk_window_fullscreen(GTK_WINDOW(widget));
        else
            set_fullscreen(self, fullscreen);
    }
    return GTK_WIDGET_CLASS(hako_viewer_window_parent_class)->window_state_event(widget, event);
}

/* A kiosk cannot be closed: not by the window manager (Alt+F4), nor by anything else. */
static gboolean
hako_viewer_window_delete_event(GtkWidget *widget, GdkEventAny *event)
{
    HakoViewerWindow *self = HAKO_VIEWER_WINDOW(widget);

    if (self->options.kiosk) {
        g_debug("Kiosk mode: not closing");
        return GDK_EVENT_STOP;
    }
    /* GtkWindow has no handler of its own: GTK destroys a window whose delete-event goes on. */
    if (GTK_WIDGET_CLASS(hako_viewer_window_parent_class)->delete_event != NULL)
        return GTK_WIDGET_CLASS(hako_viewer_window_parent_class)->delete_event(widget, event);
    return GDK_EVENT_PROPAGATE;
}

/* ---------------------------------------------------------------------------------------- */
/* Kiosk mode                                                                                */

static gboolean
cover_draw_cb(GtkWidget *widget, cairo_t *cr, gpointer user_data)
{
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_paint(cr);
    return GDK_EVENT_STOP;
}

static gboolean
cover_swallow_cb(GtkWidget *widget, GdkEvent *event, gpointer user_data)
{
    return GDK_EVENT_STOP;
}

/* A black window over one monitor: it takes no focus and does nothing with what it gets. */
static GtkWidget *
cover_monitor(HakoViewerWindow *self, GdkMonitor *monitor, gboolean by_hand, int number)
{
    GtkWidget *cover = gtk_window_new(GTK_WINDOW_TOPLEVEL);
    GtkWindow *window = GTK_WINDOW(cover);
    GdkRectangle area;

    gdk_monitor_get_geometry(monitor, &area);
    gtk_window_set_title(window, "");
    gtk_window_set_decorated(window, FALSE);
    gtk_window_set_accept_focus(window, FALSE);
    gtk_window_set_focus_on_map(window, FALSE);
    gtk_window_set_skip_taskbar_hint(window, TRUE);
    gtk_window_set_skip_pager_hint(window, TRUE);
    gtk_widget_set_app_paintable(cover, TRUE);
    g_signal_connect(cover, "draw", G_CALLBACK(cover_draw_cb), NULL);
    g_signal_connect(cover, "delete-event", G_CALLBACK(cover_swallow_cb), NULL);
    g_signal_connect(cover, "key-press-event", G_CALLBACK(cover_swallow_cb), NULL);
    g_signal_connect(cover, "key-release-event", G_CALLBACK(cover_swallow_cb), NULL);
    gtk_window_move(window, area.x, area.y);
    gtk_window_set_default_size(window, area.width, area.height);
    if (!by_hand)
        gtk_window_fullscreen_on_monitor(window, gtk_widget_get_screen(GTK_WIDGET(self)), number);
    gtk_widget_show(cover);
    return cover;
}

static DisplayWindow *
find_display_window(HakoViewerWindow *self, guint nth)
{
    for (guint i = 0; self->display_windows != NULL && i < self->display_windows->len; i++) {
        DisplayWindow *display = g_ptr_array_index(self->display_windows, i);

        if (display->nth == nth)
            return display;
    }
    return NULL;
}

/* Full screen on a monitor, or put back; by hand where no window manager does it. */
static void
place_on_monitor(HakoViewerWindow *self,
                 GtkWindow *window,
                 GdkMonitor *monitor,
                 gboolean fullscreen,
                 GdkRectangle *saved)
{
    GdkDisplay *display = gtk_widget_get_display(GTK_WIDGET(self));

    if (!hako_window_manager_does_fullscreen(GTK_WIDGET(self))) {
        if (fullscreen)
            hako_window_cover_given_monitor(window, monitor, saved);
        else if (saved != NULL)
            hako_window_cover_monitor(window, FALSE, saved);
    } else if (fullscreen) {
        gtk_window_fullscreen_on_monitor(window, gtk_widget_get_screen(GTK_WIDGET(self)),
                                         hako_display_get_monitor_number(display, monitor));
    } else {
        gtk_window_unfullscreen(window);
    }
}

/*
 * Display N on monitor N, the main window's display on the first, black covers on the
 * monitors left over. Displays beyond the monitors have no place in a kiosk: their windows
 * stay hidden until a monitor comes. Done again whenever displays or monitors change.
 */
static void
kiosk_layout(HakoViewerWindow *self)
{
    GdkDisplay *display = gtk_widget_get_display(GTK_WIDGET(self));
    gboolean by_hand = !hako_window_manager_does_fullscreen(GTK_WIDGET(self));
    guint n = (guint)gdk_display_get_n_monitors(display);

    if (self->cover_windows != NULL) {
        for (guint i = 0; i < self->cover_windows->len; i++)
            gtk_widget_destroy(g_ptr_array_index(self->cover_windows, i));
        g_ptr_array_set_size(self->cover_windows, 0);
    } else {
        self->cover_windows = g_ptr_array_new();
    }
    g_debug("Kiosk: %u monitors, %u more displays", n,
            self->display_windows != NULL ? self->display_windows->len : 0);
    for (guint i = 0; i < n; i++) {
        GdkMonitor *monitor = hako_display_get_nth_monitor(display, i);
        DisplayWindow *other = i > 0 ? find_display_window(self, i) : NULL;

        if (i == 0) {
            place_on_monitor(self, GTK_WINDOW(self), monitor, TRUE, NULL);
        } else if (other != NULL) {
            place_on_monitor(self, GTK_WINDOW(other->window), monitor, TRUE, NULL);
            gtk_widget_show(other->window);
        } else {
            g_ptr_array_add(self->cover_windows,
                            cover_monitor(self, monitor, by_hand,
                                          hako_display_get_monitor_number(display, monitor)));
        }
    }
    for (guint i = 0; self->display_windows != NULL && i < self->display_windows->len; i++) {
        DisplayWindow *other = g_ptr_array_index(self->display_windows, i);

        if (other->nth >= n)
            gtk_widget_hide(other->window);
    }
}

static void
monitors_changed_cb(HakoViewerWindow *self, GdkScreen *screen)
{
    if (!self->quitting)
        kiosk_layout(self);
}

/* ---------------------------------------------------------------------------------------- */
/* The guest's other displays                                                                */

static void
update_display_window_title(HakoViewerWindow *self, DisplayWindow *display)
{
    g_autofree char *title =
        make_title(self, display->nth, hako_console_get_grabbed(display->console));

    gtk_window_set_title(GTK_WINDOW(display->window), title);
}

/* As the page zooms its display: scaled to the window, or the guest's size times the zoom. */
static void
zoom_display_window(HakoViewerWindow *self, DisplayWindow *display)
{
    GtkWidget *widget = GTK_WIDGET(display->console);
    int width = hako_console_get_display_width(display->console);
    int height = hako_console_get_display_height(display->console);
    g_autoptr(GVariant) scale = NULL;
    gboolean scaling = TRUE;
    int zoom = 100;

    if (self->page != NULL) {
        scale = g_action_group_get_action_state(hako_console_page_get_actions(self->page), "scale");
        scaling = scale == NULL || g_variant_get_boolean(scale);
        zoom = hako_console_page_get_zoom(self->page);
    }
    if (!scaling && zoom != 100 && width > 0 && height > 0) {
        hako_console_set_scaling(display->console, TRUE);
        gtk_widget_set_size_request(widget, MAX(width * zoom / 100, 1),
                                    MAX(height * zoom / 100, 1));
    } else {
        hako_console_set_scaling(display->console, scaling);
        gtk_widget_set_size_request(widget, -1, -1);
    }
    if (!display->fullscreen && gtk_widget_get_visible(display->window))
        gtk_window_resize(GTK_WINDOW(display->window), 1, 1);
}

static void
zoom_display_windows(HakoViewerWindow *self)
{
    for (guint i = 0; self->display_windows != NULL && i < self->display_windows->len; i++)
        zoom_display_window(self, g_ptr_array_index(self->display_windows, i));
}

static void
display_window_set_fullscreen(HakoViewerWindow *self, DisplayWindow *display, gboolean fullscreen)
{
    GdkMonitor *monitor =
        hako_display_get_nth_monitor(gtk_widget_get_display(GTK_WIDGET(self)), display->nth);

    /* A kiosk lays its windows out itself; elsewhere a display without a monitor of its own
     * stays a window, as in virt-viewer. */
    if (self->options.kiosk || display->fullscreen == fullscreen || (fullscreen && monitor == NULL))
        return;
    display->fullscreen = fullscreen;
    place_on_monitor(self, GTK_WINDOW(display->window), monitor, fullscreen, &display->saved);
}

static void
display_console_grabbed_cb(HakoViewerWindow *self, GParamSpec *pspec, HakoConsole *console)
{
    for (guint i = 0; self->display_windows != NULL && i < self->display_windows->len; i++) {
        DisplayWindow *display = g_ptr_array_index(self->display_windows, i);

        if (display->console == console)
            update_display_window_title(self, display);
    }
}

static void
display_console_size_cb(HakoViewerWindow *self, GParamSpec *pspec, HakoConsole *console)
{
    for (guint i = 0; self->display_windows != NULL && i < self->display_windows->len; i++) {
        DisplayWindow *display = g_ptr_array_index(self->display_windows, i);

        if (display->console == console)
            zoom_display_window(self, display);
    }
}

/* The same keys as the main window's: none of the viewer's own in a kiosk, else F11 and the
 * zoom keys for all the windows; everything else is the guest's. */
static gboolean
display_window_key_press_cb(GtkWidget *widget, GdkEventKey *event, HakoViewerWindow *self)
{
    GtkWindow *window = GTK_WINDOW(widget);
    HakoConsole *console = HAKO_CONSOLE(gtk_bin_get_child(GTK_BIN(widget)));

    if (self->options.kiosk) {
        gtk_window_propagate_key_event(window, event);
        return GDK_EVENT_STOP;
    }
    if (activate_hotkey(self, event, console))
        return GDK_EVENT_STOP;
    if (gtk_window_propagate_key_event(window, event))
        return GDK_EVENT_STOP;
    return GDK_EVENT_PROPAGATE;
}

/* A kiosk's windows cannot be closed; elsewhere closing one closes that display's window only. */
static gboolean
display_window_delete_cb(GtkWidget *widget, GdkEvent *event, HakoViewerWindow *self)
{
    return self->options.kiosk ? GDK_EVENT_STOP : GDK_EVENT_PROPAGATE;
}

static void
display_window_destroy_cb(GtkWidget *widget, HakoViewerWindow *self)
{
    for (guint i = 0; self->display_windows != NULL && i < self->display_windows->len; i++) {
        DisplayWindow *display = g_ptr_array_index(self->display_windows, i);

        if (display->window == widget) {
            g_ptr_array_remove_index(self->display_windows, i);
            g_free(display);
            break;
        }
    }
}

static void
destroy_display_window(HakoViewerWindow *self, DisplayWindow *display)
{
    g_ptr_array_remove(self->display_windows, display);
    g_signal_handlers_disconnect_by_data(display->window, self);
    g_signal_handlers_disconnect_by_data(display->console, self);
    gtk_widget_destroy(display->window);
    g_free(display);
}

static void
close_display_windows(HakoViewerWindow *self)
{
    gboolean any = self->display_windows != NULL && self->display_windows->len > 0;

    while (self->display_windows != NULL && self->display_windows->len > 0)
        destroy_display_window(
            self, g_ptr_array_index(self->display_windows, self->display_windows->len - 1));
    if (any && self->options.kiosk && !self->quitting)
        kiosk_layout(self);
}

static void
display_added_cb(HakoViewerWindow *self, guint nth, HakoConsole *console)
{
    GdkDisplay *gdk_display = gtk_widget_get_display(GTK_WIDGET(self));
    GdkMonitor *monitor = hako_display_get_nth_monitor(gdk_display, nth);
    DisplayWindow *display;
    HakoConsole *other;
    GdkRectangle area = {0, 0, 4096, 4096};
    int width, height, zoom = 100;

    if (self->quitting || find_display_window(self, nth) != NULL)
        return;
    other = hako_console_create_display(console, nth);
    if (other == NULL)
        return;
    g_debug("Display %u: a window of its own", nth);
    display = g_new0(DisplayWindow, 1);
    display->nth = nth;
    display->console = other;
    display->window = gtk_window_new(GTK_WINDOW_TOPLEVEL);
    if (self->display_windows == NULL)
        self->display_windows = g_ptr_array_new();
    g_ptr_array_add(self->display_windows, display);

    gtk_window_set_application(GTK_WINDOW(display->window),
                               gtk_window_get_application(GTK_WINDOW(self)));
    gtk_widget_set_hexpand(GTK_WIDGET(other), TRUE);
    gtk_widget_set_vexpand(GTK_WIDGET(other), TRUE);
    gtk_widget_show(GTK_WIDGET(other));
    gtk_container_add(GTK_CONTAINER(display->window), GTK_WIDGET(other));
    if (gtk_bin_get_child(GTK_BIN(other)) != NULL)
        gtk_window_set_focus(GTK_WINDOW(display->window), gtk_bin_get_child(GTK_BIN(other)));
    update_display_window_title(self, display);
    g_signal_connect_object(display->window, "key-press-event",
                            G_CALLBACK(display_window_key_press_cb), self, 0);
    g_signal_connect_object(display->window, "delete-event", G_CALLBACK(display_window_delete_cb),
                            self, 0);
    g_signal_connect_object(display->window, "destroy", G_CALLBACK(display_window_destroy_cb), self,
                            0);
    g_signal_connect_object(other, "notify::grabbed", G_CALLBACK(display_console_grabbed_cb), self,
                            G_CONNECT_SWAPPED);
    g_signal_connect_object(other, "notify::display-width", G_CALLBACK(display_console_size_cb),
                            self, G_CONNECT_SWAPPED);
    g_signal_connect_object(other, "notify::display-height", G_CALLBACK(display_console_size_cb),
                            self, G_CONNECT_SWAPPED);
    zoom_display_window(self, display);

    /* The guest's size times the zoom, within its monitor; on its own monitor where there is
     * one (with no window manager to place it, it would sit on the first). */
    if (self->options.zoom > 0 && self->page != NULL)
        zoom = hako_console_page_get_zoom(self->page);
    if (monitor != NULL)
        gdk_monitor_get_workarea(monitor, &area);
    width = hako_console_get_display_width(other) * zoom / 100;
    height = hako_console_get_display_height(other) * zoom / 100;
    gtk_window_set_default_size(GTK_WINDOW(display->window),
                                width > 0 ? MIN(width, area.width) : 640,
                                height > 0 ? MIN(height, area.height) : 480);
    if (monitor != NULL && nth > 0 && gdk_display_get_n_monitors(gdk_display) > 1)
        gtk_window_move(GTK_WINDOW(display->window), area.x, area.y);

    if (self->options.kiosk) {
        kiosk_layout(self);
        return;
    }
    gtk_widget_show(display->window);
    if (self->fullscreen)
        display_window_set_fullscreen(self, display, TRUE);
}

static void
display_removed_cb(HakoViewerWindow *self, guint nth, HakoConsole *console)
{
    DisplayWindow *display = find_display_window(self, nth);

    if (display == NULL)
        return;
    g_debug("Display %u went away: closing its window", nth);
    destroy_display_window(self, display);
    if (self->options.kiosk && !self->quitting)
        kiosk_layout(self);
}

/* ---------------------------------------------------------------------------------------- */
/* GObject                                                                                   */

static void
hako_viewer_window_dispose(GObject *object)
{
    HakoViewerWindow *self = HAKO_VIEWER_WINDOW(object);

    g_cancellable_cancel(self->cancellable);
    g_clear_object(&self->cancellable);
    g_clear_handle_id(&self->hide_bar_id, g_source_remove);
    g_clear_handle_id(&self->retry_id, g_source_remove);
    self->quitting = TRUE;
    close_display_windows(self);
    g_clear_pointer(&self->display_windows, g_ptr_array_unref);
    if (self->cover_windows != NULL) {
        for (guint i = 0; i < self->cover_windows->len; i++)
            gtk_widget_destroy(g_ptr_array_index(self->cover_windows, i));
        g_clear_pointer(&self->cover_windows, g_ptr_array_unref);
    }
    if (self->host != NULL) {
        g_signal_handlers_disconnect_by_data(self->host, self);
        g_signal_handlers_disconnect_by_data(hako_host_get_domains(self->host), self);
    }
    if (self->domain != NULL)
        g_signal_handlers_disconnect_by_data(self->domain, self);
    if (self->console != NULL)
        g_signal_handlers_disconnect_by_data(self->console, self);
    g_clear_weak_pointer(&self->console);
    self->page = NULL; /* a child: destroyed with the window */
    g_clear_object(&self->domain);
    g_clear_object(&self->host);
    g_clear_object(&self->target);
    g_clear_object(&self->manager);

    G_OBJECT_CLASS(hako_viewer_window_parent_class)->dispose(object);
}

static void
hako_viewer_window_finalize(GObject *object)
{
    HakoViewerWindow *self = HAKO_VIEWER_WINDOW(object);

    g_free(self->title);
    g_free(self->name);
    G_OBJECT_CLASS(hako_viewer_window_parent_class)->finalize(object);
}

static void
hako_viewer_window_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
    HakoViewerWindow *self = HAKO_VIEWER_WINDOW(object);

    switch (prop_id) {
    case PROP_MANAGER:
        g_value_set_object(value, self->manager);
        break;
    case PROP_TARGET:
        g_value_set_object(value, self->target);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    }
}

static void
hako_viewer_window_set_property(GObject *object,
                                guint prop_id,
                                const GValue *value,
                                GParamSpec *pspec)
{
    HakoViewerWindow *self = HAKO_VIEWER_WINDOW(object);

    switch (prop_id) {
    case PROP_MANAGER:
        self->manager = g_value_dup_object(value);
        break;
    case PROP_TARGET:
        self->target = g_value_dup_object(value);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    }
}

static void
hako_viewer_window_class_init(HakoViewerWindowClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);
    const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

    object_class->dispose = hako_viewer_window_dispose;
    object_class->finalize = hako_viewer_window_finalize;
    object_class->get_property = hako_viewer_window_get_property;
    object_class->set_property = hako_viewer_window_set_property;
    widget_class->key_press_event = hako_viewer_window_key_press_event;
    widget_class->window_state_event = hako_viewer_window_window_state_event;
    widget_class->delete_event = hako_viewer_window_delete_event;

    properties[PROP_MANAGER] =
        g_param_spec_object("manager", NULL, NULL, HAKO_TYPE_CONNECTION_MANAGER, flags);
    properties[PROP_TARGET] =
        g_param_spec_object("target", NULL, NULL, HAKO_TYPE_VIEWER_TARGET, flags);
    g_object_class_install_properties(object_class, N_PROPS, properties);

    gtk_widget_class_set_template_from_resource(widget_class,
                                                RESOURCE_PREFIX "/ui/hako-viewer-window.ui");
    gtk_widget_class_bind_template_child(widget_class, HakoViewerWindow, toolbar);
    gtk_widget_class_bind_template_child(widget_class, HakoViewerWindow, hot_zone);
    gtk_widget_class_bind_template_child(widget_class, HakoViewerWindow, fullscreen_revealer);
    gtk_widget_class_bind_template_child(widget_class, HakoViewerWindow, stack);
    gtk_widget_class_bind_template_child(widget_class, HakoViewerWindow, status_label);
    gtk_widget_class_bind_template_child(widget_class, HakoViewerWindow, error_label);
    gtk_widget_class_bind_template_child(widget_class, HakoViewerWindow, console_slot);
    gtk_widget_class_bind_template_child(widget_class, HakoViewerWindow, zoom_reset_button);
    gtk_widget_class_bind_template_child(widget_class, HakoViewerWindow, function_keys_menu);
    gtk_widget_class_bind_template_callback(widget_class, hot_zone_enter_cb);
    gtk_widget_class_bind_template_callback(widget_class, fullscreen_bar_leave_cb);
}

static void
hako_viewer_window_init(HakoViewerWindow *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));

    self->cancellable = g_cancellable_new();
    g_action_map_add_action_entries(G_ACTION_MAP(self), window_entries,
                                    G_N_ELEMENTS(window_entries), self);
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
 * hako_viewer_window_new:
 * @manager: the connections, for a guest target
 * @target: what to show
 * @options: the command line's other choices
 *
 * Returns: (transfer none): a window that starts to connect at once; it is not shown yet
 */
HakoViewerWindow *
hako_viewer_window_new(GtkApplication *application,
                       HakoConnectionManager *manager,
                       HakoViewerTarget *target,
                       const HakoViewerOptions *options)
{
    HakoViewerWindow *self;

    g_return_val_if_fail(GTK_IS_APPLICATION(application), NULL);
    g_return_val_if_fail(HAKO_IS_CONNECTION_MANAGER(manager), NULL);
    g_return_val_if_fail(HAKO_IS_VIEWER_TARGET(target), NULL);
    g_return_val_if_fail(options != NULL, NULL);

    self = g_object_new(HAKO_TYPE_VIEWER_WINDOW, "application", application, "manager", manager,
                        "target", target, NULL);
    self->title = g_strdup(options->title);
    self->options = *options;
    self->options.title = self->title;

    if (options->fullscreen)
        g_action_group_change_action_state(G_ACTION_GROUP(self), "fullscreen",
                                           g_variant_new_boolean(TRUE));
    if (options->kiosk) {
        GAction *close = g_action_map_lookup_action(G_ACTION_MAP(self), "close");

        g_simple_action_set_enabled(G_SIMPLE_ACTION(close), FALSE);
        kiosk_layout(self);
        g_signal_connect_object(gtk_widget_get_screen(GTK_WIDGET(self)), "monitors-changed",
                                G_CALLBACK(monitors_changed_cb), self, G_CONNECT_SWAPPED);
    }
    if (hako_viewer_target_get_kind(target) == HAKO_VIEWER_TARGET_KIND_DOMAIN)
        open_domain(self);
    else
        open_address(self);
    return self;
}

/**
 * hako_viewer_window_get_exit_status:
 *
 * Returns: 0 while all is well or the display is shown, 1 after an error
 */
int
hako_viewer_window_get_exit_status(HakoViewerWindow *self)
{
    g_return_val_if_fail(HAKO_IS_VIEWER_WINDOW(self), 1);
    return self->exit_status;
}
