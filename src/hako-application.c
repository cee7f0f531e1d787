/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoApplication: the single-instance manager application, its actions and command line. */
#include "config.h"

#include "hako-application.h"

#include "hako-add-connection-dialog.h"
#include "hako-auth-dialog.h"
#include "hako-create-wizard.h"
#include "hako-details-window.h"
#include "hako-host-window.h"
#include "hako-manager-window.h"
#include "hako-migrate-wizard.h"
#include "hako-preferences-window.h"
#include "hako-shortcuts-window.h"
#include "hako-ui.h"
#include "hako-wizards.h"

#include <glib/gi18n.h>

/*
 * One process owns the connections. A second `hako --connect URI` is a remote instance: GIO
 * sends its command line to the first one over D-Bus, where command_line() handles it, so
 * the URI joins the existing window. Only --version and --debug are handled locally.
 *
 * The window is shown before any connection answers: loading the remembered connections and
 * probing for a default one are asynchronous in the engine, and their outcome lands in the
 * list as host state.
 */

struct _HakoApplication {
    GtkApplication parent_instance;

    GSettings *settings;
    HakoConnectionManager *manager;
    GCancellable *cancellable;
    gboolean loaded;

    /* One of each at a time; gtk_widget_destroyed() clears them. */
    GtkWidget *add_connection_dialog;
    GtkWidget *create_wizard;
    GtkWidget *preferences_window;
    GtkWidget *shortcuts_window;
};

G_DEFINE_FINAL_TYPE(HakoApplication, hako_application, GTK_TYPE_APPLICATION)

/* The log domains of our layers, for --debug. */
#define HAKO_LOG_DOMAINS "hako hako-ui hako-wizards hako-engine hako-model"

static const GOptionEntry option_entries[] = {
    {"connect", 'c', 0, G_OPTION_ARG_STRING_ARRAY, NULL,
     N_("Connect to the hypervisor at URI (may be given more than once)"), N_("URI")},
    {"show-domain-console", 0, 0, G_OPTION_ARG_STRING, NULL,
     N_("Open the console of the guest NAME, UUID or ID on the first --connect host"), N_("GUEST")},
    {"show-domain-performance", 0, 0, G_OPTION_ARG_STRING, NULL,
     N_("Open the performance graphs of the guest NAME, UUID or ID on the first --connect host"),
     N_("GUEST")},
    {"show-host-summary", 0, 0, G_OPTION_ARG_NONE, NULL,
     N_("Open the details of the first --connect host"), NULL},
    {"show-domain-migrate", 0, 0, G_OPTION_ARG_STRING, NULL,
     N_("Open the migrate wizard for the guest NAME, UUID or ID on the first --connect host"),
     N_("GUEST")},
    {"show-domain-creator", 0, 0, G_OPTION_ARG_NONE, NULL,
     N_("Open the New Virtual Machine wizard, on the first --connect host if given"), NULL},
    {"debug", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print debugging messages"), NULL},
    {"version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the version and exit"), NULL},
    {NULL, 0, 0, 0, NULL, NULL, NULL},
};

/* Accelerators of the app. and win. actions; the shortcuts window lists the same ones. */
static const struct {
    const char *action;
    const char *accels[3];
} accels[] = {
    {"app.add-connection", {"<Primary><Shift>n", NULL}},
    {"app.new-guest", {"<Primary>n", NULL}},
    {"app.preferences", {"<Primary>comma", NULL}},
    {"app.about", {"F1", NULL}},
    {"app.quit", {"<Primary>q", NULL}},
    {"app.shortcuts", {"<Primary>question", NULL}},
    {"win.run", {"<Primary>r", NULL}},
    {"win.pause", {"<Primary>p", NULL}},
    {"win.resume", {"<Primary><Shift>p", NULL}},
    {"win.shutdown", {"<Primary>d", NULL}},
    {"win.reboot", {"<Primary>b", NULL}},
    {"win.reset", {"<Primary><Shift>b", NULL}},
    {"win.force-off", {"<Primary><Shift>d", NULL}},
    {"win.save", {"<Primary>s", NULL}},
    {"win.open", {"<Primary>o", NULL}},
    {"win.find", {"<Primary>f", NULL}},
    {"win.close", {"<Primary>w", NULL}},
};

static HakoManagerWindow *
get_manager_window(HakoApplication *self)
{
    for (GList *l = gtk_application_get_windows(GTK_APPLICATION(self)); l != NULL; l = l->next)
        if (HAKO_IS_MANAGER_WINDOW(l->data))
            return l->data;
    return NULL;
}

static HakoManagerWindow *
ensure_manager_window(HakoApplication *self)
{
    HakoManagerWindow *window = get_manager_window(self);

    if (window == NULL)
        window = hako_manager_window_new(GTK_APPLICATION(self), self->manager, self->settings);
    return window;
}

/* ---------------------------------------------------------------------------------------- */
/* Connections                                                                               */

static void
connect_uri(HakoApplication *self, const char *uri, HakoConnectFlags flags, gboolean select)
{
    HakoManagerWindow *window = get_manager_window(self);
    HakoHost *host = hako_connection_manager_add(self->manager, uri, flags);

    if (host == NULL) {
        /* Translators: %s is a connection URI */
        g_autofree char *message = g_strdup_printf(_("Hako could not add “%s”."), uri);

        if (window != NULL)
            hako_manager_window_show_error(window, message);
        return;
    }
    if (hako_host_get_state(host) == HAKO_HOST_STATE_DISCONNECTED)
        hako_connection_manager_connect(self->manager, host);
    if (select && window != NULL)
        hako_manager_window_select_host(window, host);
}

static void
probe_default_uri_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HakoApplication) self = user_data;
    g_autoptr(GError) error = NULL;
    g_autofree char *uri = NULL;

    uri = hako_connection_manager_probe_default_uri_finish(HAKO_CONNECTION_MANAGER(source), result,
                                                           &error);
    if (uri == NULL) {
        HakoManagerWindow *window = get_manager_window(self);

        if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            return;
        g_debug("No default connection: %s", error->message);
        if (window != NULL)
            hako_manager_window_show_error(window, error->message);
        return;
    }
    g_debug("Default connection: %s", uri);
    connect_uri(self, uri, HAKO_CONNECT_REMEMBER | HAKO_CONNECT_AUTOCONNECT, FALSE);
}

/* Loads the remembered connections once, after the first window is on screen. */
static void
load_connections(HakoApplication *self, gboolean have_uris)
{
    guint n;

    if (self->loaded)
        return;
    self->loaded = TRUE;

    n = hako_connection_manager_load(self->manager);
    g_debug("%u remembered connection(s)", n);
    if (n == 0 && !have_uris)
        hako_connection_manager_probe_default_uri_async(self->manager, self->cancellable,
                                                        probe_default_uri_cb, g_object_ref(self));
}

static gboolean
authenticate_cb(HakoConnectionManager *manager,
                HakoHost *host,
                HakoAuthRequest *request,
                gpointer user_data)
{
    HakoApplication *self = user_data;
    GtkWindow *parent = gtk_application_get_active_window(GTK_APPLICATION(self));
    HakoAuthDialog *dialog = hako_auth_dialog_new(parent, host, request);

    /* Answered from the dialog's "response"; never gtk_dialog_run(). */
    gtk_window_present(GTK_WINDOW(dialog));
    return TRUE;
}

/* ---------------------------------------------------------------------------------------- */
/* Actions                                                                                   */

static void
host_added_cb(HakoApplication *self, HakoHost *host, HakoAddConnectionDialog *dialog)
{
    HakoManagerWindow *window = get_manager_window(self);

    if (window != NULL)
        hako_manager_window_select_host(window, host);
}

/* One New Virtual Machine wizard at a time; @host (nullable) is chosen in it at first. */
static void
show_create_wizard(HakoApplication *self, HakoHost *host)
{
    if (self->create_wizard == NULL) {
        GtkWindow *parent = GTK_WINDOW(get_manager_window(self));

        self->create_wizard = hako_create_wizard_new(parent, self->manager, self->settings, host);
        g_signal_connect(self->create_wizard, "destroy", G_CALLBACK(gtk_widget_destroyed),
                         &self->create_wizard);
    }
    gtk_window_present(GTK_WINDOW(self->create_wizard));
}

static void
new_guest_activate(GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
    show_create_wizard(user_data, NULL);
}

static void
add_connection_activate(GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
    HakoApplication *self = user_data;

    if (self->add_connection_dialog == NULL) {
        GtkWindow *parent = gtk_application_get_active_window(GTK_APPLICATION(self));
        HakoAddConnectionDialog *dialog = hako_add_connection_dialog_new(parent, self->manager);

        self->add_connection_dialog = GTK_WIDGET(dialog);
        g_signal_connect(dialog, "destroy", G_CALLBACK(gtk_widget_destroyed),
                         &self->add_connection_dialog);
        g_signal_connect_object(dialog, "host-added", G_CALLBACK(host_added_cb), self,
                                G_CONNECT_SWAPPED);
    }
    gtk_window_present(GTK_WINDOW(self->add_connection_dialog));
}

static void
preferences_activate(GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
    HakoApplication *self = user_data;

    if (self->preferences_window == NULL) {
        GtkWindow *parent = gtk_application_get_active_window(GTK_APPLICATION(self));

        self->preferences_window = GTK_WIDGET(hako_preferences_window_new(parent, self->settings));
        g_signal_connect(self->preferences_window, "destroy", G_CALLBACK(gtk_widget_destroyed),
                         &self->preferences_window);
    }
    gtk_window_present(GTK_WINDOW(self->preferences_window));
}

static void
shortcuts_activate(GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
    HakoApplication *self = user_data;

    if (self->shortcuts_window == NULL) {
        GtkWindow *parent = gtk_application_get_active_window(GTK_APPLICATION(self));

        self->shortcuts_window = GTK_WIDGET(hako_shortcuts_window_new(parent));
        g_signal_connect(self->shortcuts_window, "destroy", G_CALLBACK(gtk_widget_destroyed),
                         &self->shortcuts_window);
        /* Closing hides it for next time, as a GtkApplicationWindow's help overlay does.
         * (Destroying a GtkShortcutsWindow while the accessibility bridge is on makes GTK 3
         * warn about the destroyed widgets of its search page.) */
        g_signal_connect(self->shortcuts_window, "delete-event",
                         G_CALLBACK(gtk_widget_hide_on_delete), NULL);
    }
    gtk_window_present(GTK_WINDOW(self->shortcuts_window));
}

static void
about_activate(GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
    HakoApplication *self = user_data;
    GtkWindow *parent = gtk_application_get_active_window(GTK_APPLICATION(self));

    gtk_show_about_dialog(parent, "program-name", _("Hako"), "version", PACKAGE_VERSION, "comments",
                          _("Manage virtual machines on KVM/QEMU and Xen hosts"), "logo-icon-name",
                          APP_ID, "license-type", GTK_LICENSE_GPL_3_0,
                          /* Translators: your names, one per line */
                          "translator-credits", _("translator-credits"), NULL);
}

static void
quit_activate(GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
    HakoApplication *self = user_data;
    GList *windows = gtk_application_get_windows(GTK_APPLICATION(self));

    /* Destroying the windows lets each save its state (such as its geometry) first. */
    while (windows != NULL) {
        gtk_widget_destroy(windows->data);
        windows = gtk_application_get_windows(GTK_APPLICATION(self));
    }
    g_application_quit(G_APPLICATION(self));
}

static const GActionEntry app_entries[] = {
    {"add-connection", add_connection_activate, NULL, NULL, NULL, {0}},
    {"new-guest", new_guest_activate, NULL, NULL, NULL, {0}},
    {"preferences", preferences_activate, NULL, NULL, NULL, {0}},
    {"shortcuts", shortcuts_activate, NULL, NULL, NULL, {0}},
    {"about", about_activate, NULL, NULL, NULL, {0}},
    {"quit", quit_activate, NULL, NULL, NULL, {0}},
};

/* ---------------------------------------------------------------------------------------- */
/* GApplication                                                                              */

static int
hako_application_handle_local_options(GApplication *application, GVariantDict *options)
{
    if (g_variant_dict_contains(options, "version")) {
        g_print("hako %s\n", PACKAGE_VERSION);
        return 0;
    }
    if (g_variant_dict_contains(options, "debug")) {
        const char *current = g_getenv("G_MESSAGES_DEBUG");
        g_autofree char *domains = NULL;

        domains = current != NULL && *current != '\0'
                      ? g_strconcat(current, " ", HAKO_LOG_DOMAINS, NULL)
                      : g_strdup(HAKO_LOG_DOMAINS);
        g_setenv("G_MESSAGES_DEBUG", domains, TRUE);
        g_debug("Debug messages on for %s", domains);
    }
    /* Without its schema GSettings would abort at start-up: say what is missing instead. */
    {
        GSettingsSchemaSource *source = g_settings_schema_source_get_default();
        g_autoptr(GSettingsSchema) schema =
            source != NULL ? g_settings_schema_source_lookup(source, APP_ID, TRUE) : NULL;

        if (schema == NULL) {
            /* Translators: %s is the schema's name, org.hako.Hako */
            g_printerr(_("hako: the settings schema %s is not installed. Install Hako (ninja -C "
                         "build install), or run it from its build directory with "
                         "GSETTINGS_SCHEMA_DIR=build/data.\n"),
                       APP_ID);
            return 1;
        }
    }
    /* Go on: register, and run command_line() here or in the primary instance. */
    return -1;
}

static void
hako_application_startup(GApplication *application)
{
    HakoApplication *self = HAKO_APPLICATION(application);

    G_APPLICATION_CLASS(hako_application_parent_class)->startup(application);

    hako_ui_init();
    hako_wizards_register_types();
    gtk_window_set_default_icon_name(APP_ID);

    self->settings = g_settings_new(APP_ID);
    self->manager = hako_connection_manager_new(self->settings);
    g_signal_connect_object(self->manager, "authenticate", G_CALLBACK(authenticate_cb), self, 0);

    g_action_map_add_action_entries(G_ACTION_MAP(self), app_entries, G_N_ELEMENTS(app_entries),
                                    self);
    for (guint i = 0; i < G_N_ELEMENTS(accels); i++)
        gtk_application_set_accels_for_action(GTK_APPLICATION(self), accels[i].action,
                                              accels[i].accels);
}

static void
hako_application_activate(GApplication *application)
{
    HakoApplication *self = HAKO_APPLICATION(application);

    gtk_window_present(GTK_WINDOW(ensure_manager_window(self)));
    load_connections(self, FALSE);
}

/*
 * --show-domain-console and --show-domain-performance: the guest's window once its host is
 * connected and has listed its guests, or a message in the manager saying why not.
 */
typedef struct {
    HakoApplication *app; /* weak: the application outlives its hosts' signals */
    HakoHost *host;
    char *guest;
    char *page;
} PendingShow;

static void
pending_show_free(gpointer data)
{
    PendingShow *p = data;

    g_object_unref(p->host);
    g_free(p->guest);
    g_free(p->page);
    g_free(p);
}

static gboolean
try_pending_show(PendingShow *p)
{
    HakoManagerWindow *window = get_manager_window(p->app);
    HakoDomain *domain;
    g_autofree char *message = NULL;

    switch (hako_host_get_state(p->host)) {
    case HAKO_HOST_STATE_CONNECTED:
        domain = hako_domain_list_find(hako_host_get_domains(p->host), p->guest);
        if (domain != NULL && g_strcmp0(p->page, "migrate") == 0) {
            gtk_window_present(GTK_WINDOW(hako_migrate_wizard_new(
                window != NULL ? GTK_WINDOW(window) : NULL, p->app->manager, domain)));
            return TRUE;
        }
        if (domain != NULL) {
            hako_details_window_present(window != NULL ? GTK_WINDOW(window) : NULL, p->app->manager,
                                        domain, p->app->settings);
            hako_details_window_show_page(hako_details_window_lookup(domain), p->page);
            return TRUE;
        }
        /* Translators: %s is a guest's name, UUID or ID, then a host's name */
        message = g_strdup_printf(_("There is no guest “%s” on %s."), p->guest,
                                  hako_host_get_label(p->host));
        break;
    case HAKO_HOST_STATE_DISCONNECTED:
        /* The manager says why the host did not connect. */
        return TRUE;
    case HAKO_HOST_STATE_CONNECTING:
    default:
        return FALSE;
    }
    if (window != NULL)
        hako_manager_window_show_error(window, message);
    return TRUE;
}

static void
pending_show_state_cb(HakoHost *host, GParamSpec *pspec, gpointer data)
{
    PendingShow *p = data;

    if (try_pending_show(p))
        g_signal_handlers_disconnect_by_data(host, p); /* frees p */
}

static void
show_domain_when_listed(HakoApplication *self, const char *uri, const char *guest, const char *page)
{
    HakoHost *host = hako_connection_manager_lookup(self->manager, uri);
    PendingShow *p;

    if (host == NULL)
        return;
    p = g_new0(PendingShow, 1);
    p->app = self;
    p->host = g_object_ref(host);
    p->guest = g_strdup(guest);
    p->page = g_strdup(page);
    if (try_pending_show(p)) {
        pending_show_free(p);
        return;
    }
    g_signal_connect_data(host, "notify::state", G_CALLBACK(pending_show_state_cb), p,
                          (GClosureNotify)(void (*)(void))pending_show_free, 0);
}

static int
hako_application_command_line(GApplication *application, GApplicationCommandLine *command_line)
{
    HakoApplication *self = HAKO_APPLICATION(application);
    GVariantDict *options = g_application_command_line_get_options_dict(command_line);
    g_autofree const char **uris = NULL;
    gboolean have_uris;
    int status = 0;

    if (!g_variant_dict_lookup(options, "connect", "^a&s", &uris))
        uris = NULL;
    have_uris = uris != NULL && uris[0] != NULL;

    /* On screen first, so that the user sees hosts connecting rather than nothing. */
    gtk_window_present(GTK_WINDOW(ensure_manager_window(self)));
    load_connections(self, have_uris);

    for (guint i = 0; have_uris && uris[i] != NULL; i++) {
        g_autoptr(GError) error = NULL;

        if (!hako_uri_validate(uris[i], &error)) {
            g_application_command_line_printerr(command_line, "hako: %s\n", error->message);
            hako_manager_window_show_error(get_manager_window(self), error->message);
            status = 1;
            continue;
        }
        connect_uri(self, uris[i], HAKO_CONNECT_NONE, i == 0);
    }

    {
        const char *guest = NULL;
        const char *page = NULL;

        if (g_variant_dict_lookup(options, "show-domain-console", "&s", &guest))
            page = "console";
        else if (g_variant_dict_lookup(options, "show-domain-performance", "&s", &guest))
            page = "performance";
        else if (g_variant_dict_lookup(options, "show-domain-migrate", "&s", &guest))
            page = "migrate";
        if (guest != NULL && !have_uris) {
            g_application_command_line_printerr(
                command_line, "hako: %s\n",
                _("--show-domain-console, --show-domain-performance and --show-domain-migrate "
                  "need --connect URI: the host of the guest."));
            status = 1;
        } else if (guest != NULL && status == 0) {
            show_domain_when_listed(self, uris[0], guest, page);
        }
    }
    if (g_variant_dict_contains(options, "show-host-summary")) {
        HakoHost *host = have_uris ? hako_connection_manager_lookup(self->manager, uris[0]) : NULL;

        if (!have_uris) {
            g_application_command_line_printerr(
                command_line, "hako: %s\n",
                _("--show-host-summary needs --connect URI: the host to show."));
            status = 1;
        } else if (host != NULL) {
            /* It opens at once, and fills in as the host connects. */
            hako_host_window_present(GTK_WINDOW(get_manager_window(self)), self->manager, host,
                                     self->settings);
        }
    }
    if (g_variant_dict_contains(options, "show-domain-creator") && status == 0)
        show_create_wizard(self, have_uris ? hako_connection_manager_lookup(self->manager, uris[0])
                                           : NULL);
    /* The exit status of this invocation, which may be a second `hako` handing over. */
    return status;
}

static void
hako_application_shutdown(GApplication *application)
{
    HakoApplication *self = HAKO_APPLICATION(application);

    g_cancellable_cancel(self->cancellable);
    if (self->settings != NULL)
        g_settings_sync();

    G_APPLICATION_CLASS(hako_application_parent_class)->shutdown(application);
}

static void
hako_application_dispose(GObject *object)
{
    HakoApplication *self = HAKO_APPLICATION(object);

    g_clear_object(&self->manager);
    g_clear_object(&self->settings);
    g_cancellable_cancel(self->cancellable);
    g_clear_object(&self->cancellable);

    G_OBJECT_CLASS(hako_application_parent_class)->dispose(object);
}

static void
hako_application_class_init(HakoApplicationClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    GApplicationClass *app_class = G_APPLICATION_CLASS(klass);

    object_class->dispose = hako_application_dispose;
    app_class->handle_local_options = hako_application_handle_local_options;
    app_class->startup = hako_application_startup;
    app_class->activate = hako_application_activate;
    app_class->command_line = hako_application_command_line;
    app_class->shutdown = hako_application_shutdown;
}

static void
hako_application_init(HakoApplication *self)
{
    self->cancellable = g_cancellable_new();

    g_application_add_main_option_entries(G_APPLICATION(self), option_entries);
    g_application_set_option_context_parameter_string(G_APPLICATION(self), NULL);
    g_application_set_option_context_summary(
        G_APPLICATION(self), _("Manage virtual machines on KVM/QEMU and Xen hosts."));
}

/**
 * hako_application_new:
 *
 * Returns: (transfer full): the application, single instance under APP_ID.
 */
HakoApplication *
hako_application_new(void)
{
    return g_object_new(HAKO_TYPE_APPLICATION, "application-id", APP_ID, "flags",
                        G_APPLICATION_HANDLES_COMMAND_LINE, "resource-base-path", RESOURCE_PREFIX,
                        NULL);
}

/**
 * hako_application_get_manager:
 *
 * Returns: (transfer none) (nullable): the connection manager, once the application started.
 */
HakoConnectionManager *
hako_application_get_manager(HakoApplication *self)
{
    g_return_val_if_fail(HAKO_IS_APPLICATION(self), NULL);
    return self->manager;
}

/**
 * hako_application_get_settings:
 *
 * Returns: (transfer none) (nullable): the org.hako.Hako settings, once the application started.
 */
GSettings *
hako_application_get_settings(HakoApplication *self)
{
    g_return_val_if_fail(HAKO_IS_APPLICATION(self), NULL);
    return self->settings;
}
