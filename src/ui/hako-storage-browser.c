/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoStorageBrowser: a dialog to choose a volume of a host's pools, or a local file. */
#include "config.h"

#include "hako-storage-browser.h"

#include <glib/gi18n.h>

/*
 * The Storage page in a dialog, for whoever needs a disk image: the create wizard and Add
 * Hardware. Everything the page offers is there (a volume can be created on the way); "Choose
 * Volume" (or a double click) emits "chosen" with the chosen volume's path, and "Browse Local…"
 * with a file chosen outside any pool. Then the dialog closes itself. Shown without
 * gtk_dialog_run(): the caller listens to "chosen".
 */

enum { RESPONSE_BROWSE_LOCAL = 1 };

struct _HakoStorageBrowser {
    GtkDialog parent_instance;

    HakoConnectionManager *manager;
    HakoHost *host;
    HakoStoragePage *page;
};

G_DEFINE_FINAL_TYPE(HakoStorageBrowser, hako_storage_browser, GTK_TYPE_DIALOG)

enum { PROP_0, PROP_MANAGER, PROP_HOST, N_PROPS };

static GParamSpec *properties[N_PROPS];

enum { CHOSEN, N_SIGNALS };

static guint signals[N_SIGNALS];

static void
choose(HakoStorageBrowser *self, const char *path)
{
    g_object_ref(self);
    g_signal_emit(self, signals[CHOSEN], 0, path);
    gtk_widget_destroy(GTK_WIDGET(self));
    g_object_unref(self);
}

static void
chosen_path_cb(HakoStorageBrowser *self)
{
    gtk_dialog_set_response_sensitive(GTK_DIALOG(self), GTK_RESPONSE_ACCEPT,
                                      hako_storage_page_get_chosen_path(self->page) != NULL);
}

static void
local_response_cb(GtkNativeDialog *chooser, int response, gpointer user_data)
{
    g_autoptr(HakoStorageBrowser) self = user_data;
    g_autoptr(GFile) file = NULL;
    g_autofree char *path = NULL;

    if (response == GTK_RESPONSE_ACCEPT)
        file = gtk_file_chooser_get_file(GTK_FILE_CHOOSER(chooser));
    g_object_unref(chooser);
    if (file != NULL)
        path = g_file_get_path(file);
    /* The browser may have been closed meanwhile (dispose drops the host). */
    if (path != NULL && self->host != NULL)
        choose(self, path);
}

static void
browse_local(HakoStorageBrowser *self)
{
    GtkFileChooserNative *chooser =
        gtk_file_chooser_native_new(_("Choose a Local File"), GTK_WINDOW(self),
                                    GTK_FILE_CHOOSER_ACTION_OPEN, _("_Choose"), _("_Cancel"));

    gtk_file_chooser_set_local_only(GTK_FILE_CHOOSER(chooser), TRUE);
    g_signal_connect(chooser, "response", G_CALLBACK(local_response_cb), g_object_ref(self));
    gtk_native_dialog_show(GTK_NATIVE_DIALOG(chooser));
}

static void
response_cb(HakoStorageBrowser *self, int response)
{
    const char *path = hako_storage_page_get_chosen_path(self->page);

    switch (response) {
    case RESPONSE_BROWSE_LOCAL:
        browse_local(self);
        break;
    case GTK_RESPONSE_ACCEPT:
        if (path != NULL)
            choose(self, path);
        break;
    default:
        gtk_widget_destroy(GTK_WIDGET(self));
    }
}

static void
volume_activated_cb(HakoStorageBrowser *self, const char *path)
{
    choose(self, path);
}

static void
hako_storage_browser_constructed(GObject *object)
{
    HakoStorageBrowser *self = HAKO_STORAGE_BROWSER(object);
    g_autofree char *title = NULL;

    G_OBJECT_CLASS(hako_storage_browser_parent_class)->constructed(object);

    title = g_strdup_printf(_("Choose Storage on %s"), hako_host_get_label(self->host));
    gtk_window_set_title(GTK_WINDOW(self), title);
    gtk_window_set_default_size(GTK_WINDOW(self), 900, 520);
    self->page = HAKO_STORAGE_PAGE(hako_storage_page_new(self->manager, self->host));
    gtk_widget_show(GTK_WIDGET(self->page));
    gtk_box_pack_start(GTK_BOX(gtk_dialog_get_content_area(GTK_DIALOG(self))),
                       GTK_WIDGET(self->page), TRUE, TRUE, 0);
    gtk_dialog_add_buttons(GTK_DIALOG(self), _("_Browse Local…"), RESPONSE_BROWSE_LOCAL,
                           _("_Cancel"), GTK_RESPONSE_CANCEL, _("C_hoose Volume"),
                           GTK_RESPONSE_ACCEPT, NULL);
    gtk_dialog_set_default_response(GTK_DIALOG(self), GTK_RESPONSE_ACCEPT);
    gtk_dialog_set_response_sensitive(GTK_DIALOG(self), GTK_RESPONSE_ACCEPT, FALSE);
    g_signal_connect_object(self->page, "notify::chosen-path", G_CALLBACK(chosen_path_cb), self,
                            G_CONNECT_SWAPPED);
    g_signal_connect_object(self->page, "volume-activated", G_CALLBACK(volume_activated_cb), self,
                            G_CONNECT_SWAPPED);
    g_signal_connect(self, "response", G_CALLBACK(response_cb), NULL);
}

static void
hako_storage_browser_dispose(GObject *object)
{
    HakoStorageBrowser *self = HAKO_STORAGE_BROWSER(object);

    g_clear_object(&self->host);
    g_clear_object(&self->manager);

    G_OBJECT_CLASS(hako_storage_browser_parent_class)->dispose(object);
}

static void
hako_storage_browser_set_property(GObject *object,
                                  guint prop_id,
                                  const GValue *value,
                                  GParamSpec *pspec)
{
    HakoStorageBrowser *self = HAKO_STORAGE_BROWSER(object);

    switch (prop_id) {
    case PROP_MANAGER:
        self->manager = g_value_dup_object(value);
        break;
    case PROP_HOST:
        self->host = g_value_dup_object(value);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    }
}

static void
hako_storage_browser_class_init(HakoStorageBrowserClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    GParamFlags flags = G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

    object_class->constructed = hako_storage_browser_constructed;
    object_class->dispose = hako_storage_browser_dispose;
    object_class->set_property = hako_storage_browser_set_property;

    properties[PROP_MANAGER] =
        g_param_spec_object("manager", NULL, NULL, HAKO_TYPE_CONNECTION_MANAGER, flags);
    properties[PROP_HOST] = g_param_spec_object("host", NULL, NULL, HAKO_TYPE_HOST, flags);
    g_object_class_install_properties(object_class, N_PROPS, properties);

    /* A volume or local file was chosen: its path. The dialog then destroys itself. */
    signals[CHOSEN] =
        g_signal_new("chosen", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                     G_TYPE_NONE, 1, G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
hako_storage_browser_init(HakoStorageBrowser *self)
{
}

/**
 * hako_storage_browser_new:
 * @parent: (nullable): the window it belongs to
 * @manager: the connection manager
 * @host: whose pools it shows
 *
 * Returns: (transfer none): the browser's window, not yet shown; listen to "chosen".
 */
GtkWidget *
hako_storage_browser_new(GtkWindow *parent, HakoConnectionManager *manager, HakoHost *host)
{
    g_return_val_if_fail(HAKO_IS_CONNECTION_MANAGER(manager), NULL);
    g_return_val_if_fail(HAKO_IS_HOST(host), NULL);

    return g_object_new(HAKO_TYPE_STORAGE_BROWSER, "manager", manager, "host", host,
                        "transient-for", parent, "modal", parent != NULL, "destroy-with-parent",
                        TRUE, "use-header-bar", FALSE, NULL);
}

/**
 * hako_storage_browser_get_page:
 *
 * Returns: (transfer none): the Storage page inside, to choose a pool or volume beforehand.
 */
HakoStoragePage *
hako_storage_browser_get_page(HakoStorageBrowser *self)
{
    g_return_val_if_fail(HAKO_IS_STORAGE_BROWSER(self), NULL);

    return self->page;
}
