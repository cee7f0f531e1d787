/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoAddConnectionDialog: a hypervisor, transport, user, host and port, or any URI, then adds
 * and connects it. */
#include "config.h"

#include "hako-add-connection-dialog.h"

#include "hako-connection-spec.h"
#include "hako-host.h"
#include "hako-widgets.h"

#include <glib/gi18n.h>

struct _HakoAddConnectionDialog {
    GtkDialog parent_instance;

    HakoConnectionManager *manager;

    /* What the fields show, and the query (?keyfile=…) of the last URI they could show. */
    HakoConnectionSpec *spec;
    /* The URI entry holds a URI the fields cannot show; the fields keep their last values. */
    gboolean custom;
    /* Set while the fields write the URI entry, or the URI entry the fields. */
    gboolean syncing;

    /* Template children */
    GtkWidget *fields_grid;
    GtkComboBox *hypervisor_combo;
    GtkComboBox *transport_combo;
    GtkToggleButton *session_check;
    GtkWidget *user_label;
    GtkEntry *user_entry;
    GtkWidget *host_label;
    GtkEntry *host_entry;
    GtkWidget *port_label;
    GtkEntry *port_entry;
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

/* The combo boxes' ids. */
static const char *const hypervisor_ids[] = {
    [HAKO_HYPERVISOR_QEMU] = "qemu",
    [HAKO_HYPERVISOR_XEN] = "xen",
};
static const char *const transport_ids[] = {
    [HAKO_TRANSPORT_LOCAL] = "local",
    [HAKO_TRANSPORT_SSH] = "ssh",
    [HAKO_TRANSPORT_TLS] = "tls",
};

static guint
active_index(GtkComboBox *combo, const char *const *ids, guint n_ids)
{
    const char *id = gtk_combo_box_get_active_id(combo);

    for (guint i = 0; i < n_ids; i++)
        if (g_strcmp0(ids[i], id) == 0)
            return i;
    return 0;
}

static HakoHypervisor
active_hypervisor(HakoAddConnectionDialog *self)
{
    return active_index(self->hypervisor_combo, hypervisor_ids, G_N_ELEMENTS(hypervisor_ids));
}

static HakoTransport
active_transport(HakoAddConnectionDialog *self)
{
    return active_index(self->transport_combo, transport_ids, G_N_ELEMENTS(transport_ids));
}

/* Only a local or SSH connection to QEMU can reach a user's session (see
 * hako_connection_spec_validate()). */
static gboolean
session_applies(HakoHypervisor hypervisor, HakoTransport transport)
{
    return hypervisor == HAKO_HYPERVISOR_QEMU && transport != HAKO_TRANSPORT_TLS;
}

/* Rows that do not apply are hidden; the fields grid keeps its height (see _init). */
static void
update_rows(HakoAddConnectionDialog *self)
{
    HakoHypervisor hypervisor = active_hypervisor(self);
    HakoTransport transport = active_transport(self);
    gboolean ssh = transport == HAKO_TRANSPORT_SSH;
    gboolean remote = transport != HAKO_TRANSPORT_LOCAL;

    gtk_widget_set_visible(GTK_WIDGET(self->session_check), session_applies(hypervisor, transport));
    gtk_widget_set_visible(self->user_label, ssh);
    gtk_widget_set_visible(GTK_WIDGET(self->user_entry), ssh);
    gtk_widget_set_visible(self->host_label, remote);
    gtk_widget_set_visible(GTK_WIDGET(self->host_entry), remote);
    gtk_widget_set_visible(self->port_label, remote);
    gtk_widget_set_visible(GTK_WIDGET(self->port_entry), remote);
}

/*
 * Whether the URI entry holds something to connect to; if not, @error says why. The fields'
 * own errors come first while they make the URI: they name the field to put right.
 */
static gboolean
check(HakoAddConnectionDialog *self, GError **error)
{
    if (!self->custom) {
        guint port;

        if (!hako_connection_spec_validate(self->spec, error))
            return FALSE;
        if (!hako_connection_spec_parse_port(gtk_entry_get_text(self->port_entry), &port, error))
            return FALSE;
    }
    return hako_uri_validate(gtk_entry_get_text(self->uri_entry), error);
}

static void
update_status(HakoAddConnectionDialog *self)
{
    g_autoptr(GError) error = NULL;
    gboolean valid = check(self, &error);

    gtk_widget_set_sensitive(self->connect_button, valid);
    if (!valid)
        gtk_label_set_text(self->error_label, error->message);
    else if (self->custom)
        gtk_label_set_text(self->error_label,
                           _("A custom URI: Hako connects to it as typed. Changing a field above "
                             "replaces it."));
    else
        gtk_label_set_text(self->error_label, "");
}

static void
replace_string(char **field, const char *value)
{
    if (g_strcmp0(*field, value) == 0)
        return;
    g_free(*field);
    *field = g_strdup(value);
}

/* The user changed a field: the fields make the URI again, keeping its query. */
static void
fields_changed_cb(HakoAddConnectionDialog *self)
{
    HakoConnectionSpec *spec = self->spec;
    g_autofree char *uri = NULL;
    guint port = 0;

    if (self->syncing)
        return;
    update_rows(self);

    spec->hypervisor = active_hypervisor(self);
    spec->transport = active_transport(self);
    spec->session = gtk_toggle_button_get_active(self->session_check) &&
                    session_applies(spec->hypervisor, spec->transport);
    replace_string(&spec->user, gtk_entry_get_text(self->user_entry));
    replace_string(&spec->host, gtk_entry_get_text(self->host_entry));
    /* A port that is not one stays out of the URI; check() says what is wrong with it. */
    if (!hako_connection_spec_parse_port(gtk_entry_get_text(self->port_entry), &port, NULL))
        port = 0;
    spec->port = port;

    self->custom = FALSE;
    uri = hako_connection_spec_to_uri(spec);
    self->syncing = TRUE;
    gtk_entry_set_text(self->uri_entry, uri);
    self->syncing = FALSE;
    update_status(self);
}

/* The fields show @self->spec; those that do not apply keep what they hold (the default user
 * name "root" survives a local URI), as do the hidden ones when the URI is custom. */
static void
show_spec(HakoAddConnectionDialog *self)
{
    const HakoConnectionSpec *spec = self->spec;

    gtk_combo_box_set_active_id(self->hypervisor_combo, hypervisor_ids[spec->hypervisor]);
    gtk_combo_box_set_active_id(self->transport_combo, transport_ids[spec->transport]);
    gtk_toggle_button_set_active(self->session_check, spec->session);
    if (spec->transport == HAKO_TRANSPORT_SSH)
        gtk_entry_set_text(self->user_entry, spec->user != NULL ? spec->user : "");
    if (spec->transport != HAKO_TRANSPORT_LOCAL) {
        g_autofree char *port = spec->port != 0 ? g_strdup_printf("%u", spec->port) : NULL;

        gtk_entry_set_text(self->host_entry, spec->host != NULL ? spec->host : "");
        gtk_entry_set_text(self->port_entry, port != NULL ? port : "");
    }
}

/* The user edited the URI: the fields follow when they can show it. */
static void
uri_changed_cb(HakoAddConnectionDialog *self)
{
    if (self->syncing)
        return;
    self->custom = !hako_connection_spec_from_uri(self->spec, gtk_entry_get_text(self->uri_entry));
    if (!self->custom) {
        self->syncing = TRUE;
        show_spec(self);
        self->syncing = FALSE;
        update_rows(self);
    }
    update_status(self);
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
    /* Enter in an entry can get here even while the button is insensitive. */
    if (!check(self, NULL))
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
hako_add_connection_dialog_finalize(GObject *object)
{
    HakoAddConnectionDialog *self = HAKO_ADD_CONNECTION_DIALOG(object);

    hako_connection_spec_free(self->spec);

    G_OBJECT_CLASS(hako_add_connection_dialog_parent_class)->finalize(object);
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
    object_class->finalize = hako_add_connection_dialog_finalize;
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
    gtk_widget_class_bind_template_child(widget_class, HakoAddConnectionDialog, fields_grid);
    gtk_widget_class_bind_template_child(widget_class, HakoAddConnectionDialog, hypervisor_combo);
    gtk_widget_class_bind_template_child(widget_class, HakoAddConnectionDialog, transport_combo);
    gtk_widget_class_bind_template_child(widget_class, HakoAddConnectionDialog, session_check);
    gtk_widget_class_bind_template_child(widget_class, HakoAddConnectionDialog, user_label);
    gtk_widget_class_bind_template_child(widget_class, HakoAddConnectionDialog, user_entry);
    gtk_widget_class_bind_template_child(widget_class, HakoAddConnectionDialog, host_label);
    gtk_widget_class_bind_template_child(widget_class, HakoAddConnectionDialog, host_entry);
    gtk_widget_class_bind_template_child(widget_class, HakoAddConnectionDialog, port_label);
    gtk_widget_class_bind_template_child(widget_class, HakoAddConnectionDialog, port_entry);
    gtk_widget_class_bind_template_child(widget_class, HakoAddConnectionDialog, uri_entry);
    gtk_widget_class_bind_template_child(widget_class, HakoAddConnectionDialog, error_label);
    gtk_widget_class_bind_template_child(widget_class, HakoAddConnectionDialog, autoconnect_check);
    gtk_widget_class_bind_template_child(widget_class, HakoAddConnectionDialog, read_only_check);
    gtk_widget_class_bind_template_child(widget_class, HakoAddConnectionDialog, connect_button);
    gtk_widget_class_bind_template_callback(widget_class, fields_changed_cb);
    gtk_widget_class_bind_template_callback(widget_class, uri_changed_cb);
}

static void
hako_add_connection_dialog_init(HakoAddConnectionDialog *self)
{
    g_autoptr(PangoLayout) layout = NULL;
    int natural_width;
    int natural_height;
    int lines;

    self->spec = hako_connection_spec_new();
    gtk_widget_init_template(GTK_WIDGET(self));
    hako_widgets_name_from_labels(GTK_WIDGET(self));

    /* Every row shown: the fields' grid keeps that size whatever the rows hidden later. */
    gtk_widget_get_preferred_width(self->fields_grid, NULL, &natural_width);
    gtk_widget_get_preferred_height(self->fields_grid, NULL, &natural_height);
    gtk_widget_set_size_request(self->fields_grid, natural_width, natural_height);
    /* Room for three lines of the message below the URI, the longest ones. */
    layout = gtk_widget_create_pango_layout(GTK_WIDGET(self->error_label), "X\nX\nX");
    pango_layout_get_pixel_size(layout, NULL, &lines);
    gtk_widget_set_size_request(GTK_WIDGET(self->error_label), -1, lines);

    fields_changed_cb(self);
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
