/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoAddConnectionDialog: picks a hypervisor or URI, then adds and connects it. */
#include "config.h"

#include "hako-add-connection-dialog.h"

#include <glib/gi18n.h>

struct _HakoAddConnectionDialog {
    GtkDialog parent_instance;

    HakoConnectionManager *manager;

    /* Template children */
    GtkComboBoxText *hypervisor_combo;
    GtkEntry *uri_entry;
    GtkLabel *error_label;
    GtkToggleButton *autoconnect_check;
    GtkToggleButton *read_only_check;
    GtkWidget *connect_button;
};

G_DEFINE_FINAL_TYPE(HakoAddConnectionDialog, hako_add_connection_dialog, GTK_TYPE_DIALOG)

enum { PROP_0, PROP_MANAGER, N_PROPS };

enum { HOST_ADDED, N_SIGNALS };

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* The hypervisors of the combo box (by id) and the local URI each stands for. */
static const struct {
    const char *id;
    const char *uri;
} hypervisors[] = {
    {"qemu-system", "qemu:///system"},
    {"qemu-session", "qemu:///session"},
    {"xen", "xen:///system"},
};

/*
 * The URI for a hypervisor. Remote hosts will add a transport, user and host name here
 * ("qemu+ssh://user@host/system"); for now every generated URI is local.
 */
static char *
generate_uri(const char *hypervisor_id)
{
    for (guint i = 0; i < G_N_ELEMENTS(hypervisors); i++)
        if (g_strcmp0(hypervisors[i].id, hypervisor_id) == 0)
            return g_strdup(hypervisors[i].uri);
    return NULL;
}

static gboolean
is_custom(HakoAddConnectionDialog *self)
{
    return g_strcmp0(gtk_combo_box_get_active_id(GTK_COMBO_BOX(self->hypervisor_combo)),
                     "custom") == 0;
}

static void
uri_changed_cb(HakoAddConnectionDialog *self, GtkEntry *entry)
{
    g_autoptr(GError) error = NULL;
    gboolean valid = hako_uri_validate(gtk_entry_get_text(entry), &error);

    gtk_widget_set_sensitive(self->connect_button, valid);
    gtk_label_set_text(self->error_label, valid ? "" : error->message);
    gtk_widget_set_visible(GTK_WIDGET(self->error_label), !valid);
}

static void
hypervisor_changed_cb(HakoAddConnectionDialog *self, GtkComboBox *combo)
{
    gboolean custom = is_custom(self);

    gtk_editable_set_editable(GTK_EDITABLE(self->uri_entry), custom);
    if (custom) {
        /* Start from the URI shown so far: editing it is the common case. */
        gtk_widget_grab_focus(GTK_WIDGET(self->uri_entry));
    } else {
        g_autofree char *uri = generate_uri(gtk_combo_box_get_active_id(combo));

        gtk_entry_set_text(self->uri_entry, uri != NULL ? uri : "");
    }
    uri_changed_cb(self, self->uri_entry);
}

static void
hako_add_connection_dialog_response(GtkDialog *dialog, int response)
{
    HakoAddConnectionDialog *self = HAKO_ADD_CONNECTION_DIALOG(dialog);
    const char *uri = gtk_entry_get_text(self->uri_entry);
    HakoConnectFlags flags = HAKO_CONNECT_REMEMBER;
    HakoHost *host;

    if (response != GTK_RESPONSE_OK) {
        gtk_widget_destroy(GTK_WIDGET(self));
        return;
    }
    /* Enter in the entry can get here even while the button is insensitive. */
    if (!hako_uri_validate(uri, NULL))
        return;

    if (gtk_toggle_button_get_active(self->autoconnect_check))
        flags |= HAKO_CONNECT_AUTOCONNECT;
    if (gtk_toggle_button_get_active(self->read_only_check))
        flags |= HAKO_CONNECT_READ_ONLY;

    host = hako_connection_manager_add(self->manager, uri, flags);
    if (host == NULL) {
        /* Translators: %s is a connection URI */
        g_autofree char *message = g_strdup_printf(_("Hako could not add “%s”."), uri);

        gtk_label_set_text(self->error_label, message);
        gtk_widget_show(GTK_WIDGET(self->error_label));
        return;
    }
    if (hako_host_get_state(host) == HAKO_HOST_STATE_DISCONNECTED)
        hako_connection_manager_connect(self->manager, host);
    g_signal_emit(self, signals[HOST_ADDED], 0, host);
    gtk_widget_destroy(GTK_WIDGET(self));
}

static void
hako_add_connection_dialog_dispose(GObject *object)
{
    HakoAddConnectionDialog *self = HAKO_ADD_CONNECTION_DIALOG(object);

    g_clear_object(&self->manager);

    G_OBJECT_CLASS(hako_add_connection_dialog_parent_class)->dispose(object);
}

static void
hako_add_connection_dialog_get_property(GObject *object,
                                        guint prop_id,
                                        GValue *value,
                                        GParamSpec *pspec)
{
    HakoAddConnectionDialog *self = HAKO_ADD_CONNECTION_DIALOG(object);

    switch (prop_id) {
    case PROP_MANAGER:
        g_value_set_object(value, self->manager);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    }
}

static void
hako_add_connection_dialog_set_property(GObject *object,
                                        guint prop_id,
                                        const GValue *value,
                                        GParamSpec *pspec)
{
    HakoAddConnectionDialog *self = HAKO_ADD_CONNECTION_DIALOG(object);

    switch (prop_id) {
    case PROP_MANAGER:
        self->manager = g_value_dup_object(value);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    }
}

static void
hako_add_connection_dialog_class_init(HakoAddConnectionDialogClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);
    GtkDialogClass *dialog_class = GTK_DIALOG_CLASS(klass);

    object_class->dispose = hako_add_connection_dialog_dispose;
    object_class->get_property = hako_add_connection_dialog_get_property;
    object_class->set_property = hako_add_connection_dialog_set_property;
    dialog_class->response = hako_add_connection_dialog_response;

    properties[PROP_MANAGER] =
        g_param_spec_object("manager", NULL, NULL, HAKO_TYPE_CONNECTION_MANAGER,
                            G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
    g_object_class_install_properties(object_class, N_PROPS, properties);

    /**
     * HakoAddConnectionDialog::host-added:
     * @host: the host added (or found already listed) and being connected
     *
     * Emitted when the user confirmed the dialog, just before it destroys itself.
     */
    signals[HOST_ADDED] = g_signal_new("host-added", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0,
                                       NULL, NULL, NULL, G_TYPE_NONE, 1, HAKO_TYPE_HOST);

    gtk_widget_class_set_template_from_resource(widget_class, RESOURCE_PREFIX
                                                "/ui/hako-add-connection-dialog.ui");
    gtk_widget_class_bind_template_child(widget_class, HakoAddConnectionDialog, hypervisor_combo);
    gtk_widget_class_bind_template_child(widget_class, HakoAddConnectionDialog, uri_entry);
    gtk_widget_class_bind_template_child(widget_class, HakoAddConnectionDialog, error_label);
    gtk_widget_class_bind_template_child(widget_class, HakoAddConnectionDialog, autoconnect_check);
    gtk_widget_class_bind_template_child(widget_class, HakoAddConnectionDialog, read_only_check);
    gtk_widget_class_bind_template_child(widget_class, HakoAddConnectionDialog, connect_button);
    gtk_widget_class_bind_template_callback(widget_class, hypervisor_changed_cb);
    gtk_widget_class_bind_template_callback(widget_class, uri_changed_cb);
}

static void
hako_add_connection_dialog_init(HakoAddConnectionDialog *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
    hypervisor_changed_cb(self, GTK_COMBO_BOX(self->hypervisor_combo));
}

/**
 * hako_add_connection_dialog_new:
 * @parent: (nullable): the window to stay on top of
 * @manager: where to add the connection
 *
 * Returns: (transfer none): a new dialog, not shown yet; it destroys itself once answered.
 */
HakoAddConnectionDialog *
hako_add_connection_dialog_new(GtkWindow *parent, HakoConnectionManager *manager)
{
    g_return_val_if_fail(parent == NULL || GTK_IS_WINDOW(parent), NULL);
    g_return_val_if_fail(HAKO_IS_CONNECTION_MANAGER(manager), NULL);

    return g_object_new(HAKO_TYPE_ADD_CONNECTION_DIALOG, "transient-for", parent,
                        "destroy-with-parent", TRUE, "manager", manager, NULL);
}

/**
 * hako_add_connection_dialog_get_uri:
 *
 * Returns: the URI the dialog would add.
 */
const char *
hako_add_connection_dialog_get_uri(HakoAddConnectionDialog *self)
{
    g_return_val_if_fail(HAKO_IS_ADD_CONNECTION_DIALOG(self), NULL);
    return gtk_entry_get_text(self->uri_entry);
}
