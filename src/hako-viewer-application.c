/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoViewerApplication: hako-viewer, one window per invocation, and its command line. */
#include "config.h"

#include "hako-viewer-application.h"

#include "hako-auth-dialog.h"
#include "hako-connection-manager.h"
#include "hako-console-page.h"
#include "hako-ui.h"
#include "hako-viewer-target.h"
#include "hako-viewer-window.h"

#include <errno.h>
#include <gio/gunixinputstream.h>
#include <glib-unix.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

/*
 * Like remote-viewer, every invocation is its own process with its own window (NON_UNIQUE):
 * nothing is handed over the session bus. The command line is read in handle_local_options(),
 * before GTK opens the display, so that a bad address or file is reported (and exits 1) even
 * where there is no display at all.
 */

/* The .vv files hako-viewer reads from standard input are small; see hako-viewer-target.c. */
#define STDIN_MAX_SIZE (1024 * 1024)

struct _HakoViewerApplication {
    GtkApplication parent_instance;

    HakoConnectionManager *manager;
    HakoViewerTarget *target;
    HakoViewerOptions options;
    char *title;
    int exit_status;
};

G_DEFINE_FINAL_TYPE(HakoViewerApplication, hako_viewer_application, GTK_TYPE_APPLICATION)

/* The log domains of our layers, for --debug. */
#define HAKO_LOG_DOMAINS "hako-viewer hako-ui hako-engine hako-model"

static const GOptionEntry option_entries[] = {
    {"connect", 'c', 0, G_OPTION_ARG_STRING, NULL,
     N_("Connect to the hypervisor at URI to find the virtual machine"), N_("URI")},
    {"wait", 'w', 0, G_OPTION_ARG_NONE, NULL,
     N_("Wait for the virtual machine to be defined and to start"), NULL},
    {"reconnect", 'r', 0, G_OPTION_ARG_NONE, NULL,
     N_("Reconnect when the virtual machine restarts, instead of closing"), NULL},
    {"attach", 'a', 0, G_OPTION_ARG_NONE, NULL,
     N_("Reach the display through libvirt where it can (always done when possible)"), NULL},
    {"direct", 'd', 0, G_OPTION_ARG_NONE, NULL,
     N_("Connect to the display’s own address and port: no socket from libvirt, no SSH tunnel"),
     NULL},
    {"full-screen", 'f', 0, G_OPTION_ARG_NONE, NULL, N_("Open full screen (F11 leaves it)"), NULL},
    {"title", 't', 0, G_OPTION_ARG_STRING, NULL, N_("Set the window’s title"), N_("TITLE")},
    {"kiosk", 'k', 0, G_OPTION_ARG_NONE, NULL,
     N_("Kiosk mode: full screen on every monitor, no way to leave it, no keys of the viewer’s "
        "own"),
     NULL},
    {"kiosk-quit", 0, 0, G_OPTION_ARG_STRING, NULL,
     N_("In kiosk mode, whether to quit when the display goes away: never (the default; it "
        "reconnects) or on-disconnect"),
     N_("never|on-disconnect")},
    {"hotkeys", 'H', 0, G_OPTION_ARG_STRING, NULL,
     N_("The viewer’s own keys, as ACTION=KEYS,… (toggle-fullscreen, release-cursor, zoom-in, "
        "zoom-out, zoom-reset, secure-attention; KEYS such as shift+f11)"),
     N_("HOTKEYS")},
    {"zoom", 'z', 0, G_OPTION_ARG_INT, NULL,
     N_("Show the display at this size, in percent (10 to 400), instead of fitting the window"),
     N_("PERCENT")},
    {"debug", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print debugging messages"), NULL},
    {"version", 'V', 0, G_OPTION_ARG_NONE, NULL, N_("Print the version and exit"), NULL},
    {G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, NULL, NULL, N_("DOMAIN|URI|FILE.vv|-")},
    {NULL, 0, 0, 0, NULL, NULL, NULL},
};

/* ---------------------------------------------------------------------------------------- */
/* The command line                                                                          */

static HakoViewerTarget *
target_from_stdin(GError **error)
{
    g_autoptr(GInputStream) stream = g_unix_input_stream_new(0, FALSE);
    g_autofree char *data = g_malloc(STDIN_MAX_SIZE + 1);
    g_autoptr(GError) local_error = NULL;
    gsize length = 0;

    if (!g_input_stream_read_all(stream, data, STDIN_MAX_SIZE + 1, &length, NULL, &local_error)) {
        g_set_error(error, HAKO_VIEWER_TARGET_ERROR, HAKO_VIEWER_TARGET_ERROR_UNREADABLE_FILE,
                    _("Could not read the connection file from standard input: %s"),
                    local_error->message);
        return NULL;
    }
    if (length > STDIN_MAX_SIZE) {
        g_set_error_literal(error, HAKO_VIEWER_TARGET_ERROR, HAKO_VIEWER_TARGET_ERROR_INVALID_FILE,
                            _("Standard input is too large to be a connection (.vv) file."));
        return NULL;
    }
    return hako_viewer_target_load_vv_data(data, length, error);
}

static HakoViewerTarget *
parse_target(GVariantDict *options, GError **error)
{
    g_autofree const char **arguments = NULL;
    g_autofree char *connect = NULL;
    g_autofree char *argument = NULL;
    HakoViewerTarget *target;
    guint n;

    if (!g_variant_dict_lookup(options, G_OPTION_REMAINING, "^a&ay", &arguments))
        arguments = NULL;
    n = arguments != NULL ? g_strv_length((char **)arguments) : 0;
    if (n == 0) {
        g_set_error_literal(error, HAKO_VIEWER_TARGET_ERROR,
                            HAKO_VIEWER_TARGET_ERROR_INVALID_DOMAIN,
                            _("Name a virtual machine (its name, ID or UUID), a vnc:// or "
                              "spice:// address, or a connection (.vv) file."));
        return NULL;
    }
    if (n > 1) {
        g_set_error(error, HAKO_VIEWER_TARGET_ERROR, HAKO_VIEWER_TARGET_ERROR_INVALID_DOMAIN,
                    _("Name one virtual machine, address or file, not %u."), n);
        return NULL;
    }
    if (g_str_equal(arguments[0], "-"))
        return target_from_stdin(error);

    if (!g_variant_dict_lookup(options, "connect", "s", &connect))
        connect = NULL;
    /* Guest names and addresses are UTF-8; a file name is whatever the file system says,
     * which the target keeps as it is. */
    argument = g_strdup(arguments[0]);
    /* A desktop that starts the .vv handler with %u may pass a file:// URI. */
    if (g_str_has_prefix(argument, "file://")) {
        char *path = g_filename_from_uri(argument, NULL, NULL);

        if (path != NULL) {
            g_free(argument);
            argument = path;
        }
    }
    target = hako_viewer_target_new_for_argument(argument, connect, error);
    if (target == NULL)
        return NULL;

    /* virt-viewer's delete-this-file: a one-time file from a web portal, gone once read. */
    if (hako_viewer_target_get_kind(target) == HAKO_VIEWER_TARGET_KIND_FILE &&
        hako_viewer_target_get_delete_this_file(target) &&
        hako_viewer_target_get_path(target) != NULL &&
        g_unlink(hako_viewer_target_get_path(target)) != 0)
        g_debug("Could not delete %s: %s", hako_viewer_target_get_path(target), g_strerror(errno));
    return target;
}

/* "ctrl+alt+f11", as virt-viewer writes keys, to a key and modifiers; FALSE if it is not one. */
static gboolean
parse_hotkey_keys(const char *text, guint *keyval, GdkModifierType *mods)
{
    g_auto(GStrv) parts = g_strsplit(text, "+", -1);
    guint n = g_strv_length(parts);

    *keyval = 0;
    *mods = 0;
    if (n == 0)
        return FALSE;
    for (guint i = 0; i + 1 < n; i++) {
        g_autofree char *part = g_ascii_strdown(g_strstrip(parts[i]), -1);

        if (g_str_equal(part, "ctrl") || g_str_equal(part, "control"))
            *mods |= GDK_CONTROL_MASK;
        else if (g_str_equal(part, "alt"))
            *mods |= GDK_MOD1_MASK;
        else if (g_str_equal(part, "shift"))
            *mods |= GDK_SHIFT_MASK;
        else if (g_str_equal(part, "super") || g_str_equal(part, "meta"))
            *mods |= GDK_SUPER_MASK;
        else
            return FALSE;
    }
    {
        const char *name = g_strstrip(parts[n - 1]);
        g_autofree char *upper = g_ascii_strup(name, -1);

        *keyval = gdk_keyval_from_name(name);
        /* "f11" is F11; "r" is r. */
        if (*keyval == GDK_KEY_VoidSymbol || *keyval == 0)
            *keyval = gdk_keyval_from_name(upper);
    }
    if (*keyval == GDK_KEY_VoidSymbol || *keyval == 0)
        return FALSE;
    *keyval = gdk_keyval_to_lower(*keyval);
    return TRUE;
}

/* --hotkeys=toggle-fullscreen=shift+f11,release-cursor=shift+f12, as virt-viewer takes them. */
static gboolean
parse_hotkeys(const char *spec, HakoViewerOptions *options, GError **error)
{
    g_auto(GStrv) items = g_strsplit(spec, ",", -1);

    options->custom_hotkeys = TRUE;
    for (guint i = 0; items[i] != NULL; i++) {
        g_auto(GStrv) pair = g_strsplit(items[i], "=", 2);
        guint hotkey = HAKO_N_VIEWER_HOTKEYS;

        if (*g_strstrip(items[i]) == '\0')
            continue;
        for (guint h = 0; pair[0] != NULL && h < HAKO_N_VIEWER_HOTKEYS; h++)
            if (g_str_equal(g_strstrip(pair[0]), hako_viewer_hotkey_to_key(h)))
                hotkey = h;
        if (hotkey == HAKO_N_VIEWER_HOTKEYS) {
            g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                        _("--hotkeys: “%s” is not an action; use toggle-fullscreen, "
                          "release-cursor, zoom-in, zoom-out, zoom-reset or secure-attention."),
                        pair[0]);
            return FALSE;
        }
        if (pair[1] == NULL || !parse_hotkey_keys(pair[1], &options->hotkey_keyvals[hotkey],
                                                  &options->hotkey_mods[hotkey])) {
            g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                        _("--hotkeys: “%s” is not a key combination such as ctrl+alt+f11."),
                        pair[1] != NULL ? pair[1] : "");
            return FALSE;
        }
    }
    return TRUE;
}

static int
hako_viewer_application_handle_local_options(GApplication *application, GVariantDict *options)
{
    HakoViewerApplication *self = HAKO_VIEWER_APPLICATION(application);
    g_autoptr(GError) error = NULL;
    const char *kiosk_quit = NULL;
    int zoom = 0;

    if (g_variant_dict_contains(options, "version")) {
        g_print("hako-viewer %s\n", PACKAGE_VERSION);
        return 0;
    }
    if (g_variant_dict_contains(options, "debug")) {
        const char *current = g_getenv("G_MESSAGES_DEBUG");
        g_autofree char *domains = NULL;

        domains = current != NULL && *current != '\0'
                      ? g_strconcat(current, " ", HAKO_LOG_DOMAINS, NULL)
                      : g_strdup(HAKO_LOG_DOMAINS);
        g_setenv("G_MESSAGES_DEBUG", domains, TRUE);
    }
    if (g_variant_dict_lookup(options, "zoom", "i", &zoom) &&
        (zoom < HAKO_CONSOLE_PAGE_ZOOM_MIN || zoom > HAKO_CONSOLE_PAGE_ZOOM_MAX)) {
        g_printerr(_("hako-viewer: the zoom must be between %d and %d percent, not %d.\n"),
                   HAKO_CONSOLE_PAGE_ZOOM_MIN, HAKO_CONSOLE_PAGE_ZOOM_MAX, zoom);
        return 1;
    }

    if (g_variant_dict_lookup(options, "kiosk-quit", "&s", &kiosk_quit) &&
        !g_str_equal(kiosk_quit, "never") && !g_str_equal(kiosk_quit, "on-disconnect")) {
        g_printerr(_("hako-viewer: --kiosk-quit is “never” or “on-disconnect”, not “%s”.\n"),
                   kiosk_quit);
        return 1;
    }

    self->target = parse_target(options, &error);
    if (self->target == NULL) {
        g_printerr("hako-viewer: %s\n", error->message);
        return 1;
    }
    self->options.zoom = zoom;
    self->options.wait = g_variant_dict_contains(options, "wait");
    self->options.reconnect = g_variant_dict_contains(options, "reconnect");
    self->options.direct = g_variant_dict_contains(options, "direct");
    self->options.fullscreen = g_variant_dict_contains(options, "full-screen") ||
                               hako_viewer_target_get_fullscreen(self->target);
    /* As in virt-viewer, --kiosk-quit is accepted alone but only matters with --kiosk. */
    self->options.kiosk = g_variant_dict_contains(options, "kiosk");
    self->options.kiosk_quit =
        self->options.kiosk && kiosk_quit != NULL && g_str_equal(kiosk_quit, "on-disconnect");
    if (self->options.kiosk) {
        self->options.fullscreen = TRUE;
        /* A guest that stops is waited for and shown again, unless the kiosk quits then. */
        if (!self->options.kiosk_quit)
            self->options.reconnect = TRUE;
    }
    if (g_variant_dict_lookup(options, "title", "s", &self->title))
        self->options.title = self->title;
    {
        const char *hotkeys = NULL;

        /* The command line's, else the .vv file's [virt-viewer] keys of the same names. */
        if (g_variant_dict_lookup(options, "hotkeys", "&s", &hotkeys)) {
            if (!parse_hotkeys(hotkeys, &self->options, &error)) {
                g_printerr("hako-viewer: %s\n", error->message);
                return 1;
            }
        } else {
            g_autoptr(GString) from_file = g_string_new(NULL);

            for (guint h = 0; h < HAKO_N_VIEWER_HOTKEYS; h++) {
                const char *keys = hako_viewer_target_get_hotkey(self->target, h);

                if (keys != NULL)
                    g_string_append_printf(from_file, "%s%s=%s", from_file->len ? "," : "",
                                           hako_viewer_hotkey_to_key(h), keys);
            }
            if (from_file->len > 0 && !parse_hotkeys(from_file->str, &self->options, &error)) {
                g_printerr("hako-viewer: %s\n", error->message);
                return 1;
            }
        }
    }
    /* Go on: register, start GTK, and activate. */
    return -1;
}

/* ---------------------------------------------------------------------------------------- */
/* GApplication                                                                              */

static gboolean
authenticate_cb(HakoConnectionManager *manager,
                HakoHost *host,
                HakoAuthRequest *request,
                gpointer user_data)
{
    HakoViewerApplication *self = user_data;
    GtkWindow *parent = gtk_application_get_active_window(GTK_APPLICATION(self));
    HakoAuthDialog *dialog = hako_auth_dialog_new(parent, host, request);

    gtk_window_present(GTK_WINDOW(dialog));
    return TRUE;
}

static void
window_destroy_cb(HakoViewerApplication *self, HakoViewerWindow *window)
{
    self->exit_status = MAX(self->exit_status, hako_viewer_window_get_exit_status(window));
}

static gboolean
quit_signal_cb(gpointer user_data)
{
    HakoViewerApplication *self = user_data;
    GList *windows;

    /* Closing each window first keeps its exit status. */
    while ((windows = gtk_application_get_windows(GTK_APPLICATION(self))) != NULL)
        gtk_widget_destroy(windows->data);
    g_application_quit(G_APPLICATION(self));
    return G_SOURCE_CONTINUE;
}

static void
hako_viewer_application_startup(GApplication *application)
{
    HakoViewerApplication *self = HAKO_VIEWER_APPLICATION(application);

    G_APPLICATION_CLASS(hako_viewer_application_parent_class)->startup(application);

    hako_ui_init();
    gtk_window_set_default_icon_name("org.hako.Hako");

    /* Nothing remembered, and the guests' figures barely polled: the viewer shows a display. */
    self->manager = hako_connection_manager_new(NULL);
    hako_connection_manager_set_stats_options(self->manager, 3600 * 1000, 0, 1);
    g_signal_connect_object(self->manager, "authenticate", G_CALLBACK(authenticate_cb), self, 0);

    g_unix_signal_add(SIGTERM, quit_signal_cb, self);
    g_unix_signal_add(SIGINT, quit_signal_cb, self);
}

static void
hako_viewer_application_activate(GApplication *application)
{
    HakoViewerApplication *self = HAKO_VIEWER_APPLICATION(application);
    HakoViewerWindow *window;

    g_return_if_fail(self->target != NULL);
    window =
        hako_viewer_window_new(GTK_APPLICATION(self), self->manager, self->target, &self->options);
    g_signal_connect_object(window, "destroy", G_CALLBACK(window_destroy_cb), self,
                            G_CONNECT_SWAPPED);
    gtk_window_present(GTK_WINDOW(window));
}

static void
hako_viewer_application_dispose(GObject *object)
{
    HakoViewerApplication *self = HAKO_VIEWER_APPLICATION(object);

    g_clear_object(&self->manager);
    g_clear_object(&self->target);

    G_OBJECT_CLASS(hako_viewer_application_parent_class)->dispose(object);
}

static void
hako_viewer_application_finalize(GObject *object)
{
    HakoViewerApplication *self = HAKO_VIEWER_APPLICATION(object);

    g_free(self->title);
    G_OBJECT_CLASS(hako_viewer_application_parent_class)->finalize(object);
}

static void
hako_viewer_application_class_init(HakoViewerApplicationClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    GApplicationClass *app_class = G_APPLICATION_CLASS(klass);

    object_class->dispose = hako_viewer_application_dispose;
    object_class->finalize = hako_viewer_application_finalize;
    app_class->handle_local_options = hako_viewer_application_handle_local_options;
    app_class->startup = hako_viewer_application_startup;
    app_class->activate = hako_viewer_application_activate;
}

static void
hako_viewer_application_init(HakoViewerApplication *self)
{
    g_application_add_main_option_entries(G_APPLICATION(self), option_entries);
    g_application_set_option_context_summary(
        G_APPLICATION(self),
        _("Show the display of a virtual machine: a guest on a libvirt host (by name, ID or "
          "UUID), a vnc:// or spice:// address, or a connection (.vv) file (- reads it from "
          "standard input)."));
}

/**
 * hako_viewer_application_new:
 *
 * Returns: (transfer full): the application; every run is its own instance
 */
HakoViewerApplication *
hako_viewer_application_new(void)
{
    return g_object_new(HAKO_TYPE_VIEWER_APPLICATION, "application-id", "org.hako.Hako.Viewer",
                        "flags", G_APPLICATION_NON_UNIQUE, "resource-base-path", RESOURCE_PREFIX,
                        NULL);
}

/**
 * hako_viewer_application_get_exit_status:
 *
 * Returns: 1 when a window ended on an error, else 0
 */
int
hako_viewer_application_get_exit_status(HakoViewerApplication *self)
{
    g_return_val_if_fail(HAKO_IS_VIEWER_APPLICATION(self), 1);
    return self->exit_status;
}
