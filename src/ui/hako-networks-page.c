/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "hako-networks-page.h"

#include "hako-widgets.h"

#include <glib/gi18n.h>

/*
 * The Virtual Networks page of a connection's window: the host's networks on the left (state,
 * autostart, mode, IPv4 network), the chosen one's details and XML on the right. Every libvirt
 * call goes through HakoNetworks, on threads of its own; the page only shows what comes back
 * and says what failed in an info bar. Deleting asks first, naming the guests that use the
 * network. Built in code, like the Storage page.
 */

enum {
    COL_NETWORK, /* HakoNetwork */
    COL_NAME,
    COL_STATE,
    COL_AUTOSTART,
    COL_MODE,
    COL_IPV4,
    N_COLS,
};

enum {
    DETAIL_BRIDGE,
    DETAIL_FORWARD_MODE,
    DETAIL_FORWARD_DEVICE,
    DETAIL_IPV4,
    DETAIL_IPV6,
    DETAIL_DHCP,
    DETAIL_DNS_DOMAIN,
    N_DETAILS,
};

struct _HakoNetworksPage {
    GtkBox parent_instance;

    HakoConnectionManager *manager;
    HakoHost *host;
    HakoNetworks *networks;
    GCancellable *cancellable;
    GPtrArray *listed; /* (element-type HakoNetwork): the last listing */
    char *selected;    /* to choose again after a refresh */

    GtkInfoBar *error_bar;
    GtkLabel *error_label;
    GtkListStore *store;
    GtkTreeView *view;
    GtkLabel *title_label;
    GtkLabel *details[N_DETAILS];
    GtkTextBuffer *xml_buffer;
    GtkWidget *add_button;
    GtkWidget *start_button;
    GtkWidget *stop_button;
    GtkWidget *delete_button;
    GtkToggleButton *autostart_check;
};

G_DEFINE_FINAL_TYPE(HakoNetworksPage, hako_networks_page, GTK_TYPE_BOX)

enum { PROP_0, PROP_MANAGER, PROP_HOST, N_PROPS };

static GParamSpec *properties[N_PROPS];

static HakoAddNetworkFunc add_network_func;

/**
 * hako_networks_page_set_add_network_func:
 * @func: what opens the Create Network wizard
 *
 * Called once at start-up by the wizards layer, before any page exists.
 */
void
hako_networks_page_set_add_network_func(HakoAddNetworkFunc func)
{
    add_network_func = func;
}

/* ---------------------------------------------------------------------------------------- */
/* Errors and the selection                                                                  */

/* Whether the page was disposed: an answer that comes afterwards has nowhere to go. */
static gboolean
disposed(HakoNetworksPage *self)
{
    return self->cancellable == NULL || g_cancellable_is_cancelled(self->cancellable);
}

static void
show_error(HakoNetworksPage *self, const GError *error)
{
    if (disposed(self) || g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
    gtk_label_set_text(self->error_label, error->message);
    gtk_widget_show(GTK_WIDGET(self->error_bar));
}

/* The chosen network (a reference) or NULL. */
static HakoNetwork *
dup_selected(HakoNetworksPage *self)
{
    GtkTreeModel *model;
    GtkTreeIter iter;
    HakoNetwork *network = NULL;

    if (!gtk_tree_selection_get_selected(gtk_tree_view_get_selection(self->view), &model, &iter))
        return NULL;
    gtk_tree_model_get(model, &iter, COL_NETWORK, &network, -1);
    return network;
}

static void
update_buttons(HakoNetworksPage *self)
{
    g_autoptr(HakoNetwork) network = dup_selected(self);
    gboolean writable = !hako_host_get_read_only(self->host) && hako_host_is_connected(self->host);
    gboolean active = network != NULL && hako_network_get_active(network);

    gtk_widget_set_sensitive(self->add_button,
                             writable && add_network_func != NULL && self->listed != NULL);
    gtk_widget_set_sensitive(self->start_button, writable && network != NULL && !active);
    gtk_widget_set_sensitive(self->stop_button, writable && active);
    gtk_widget_set_sensitive(self->delete_button, writable && network != NULL);
    gtk_widget_set_sensitive(GTK_WIDGET(self->autostart_check),
                             writable && network != NULL && hako_network_get_persistent(network));
}

static char *
ip_networks(HakoNetwork *network, GSocketFamily family)
{
    GPtrArray *ips = hako_network_get_ips(network);
    g_autoptr(GString) text = g_string_new(NULL);

    for (guint i = 0; i < ips->len; i++) {
        HakoNetworkIp *ip = g_ptr_array_index(ips, i);
        g_autofree char *cidr = NULL;

        if (ip->family != family)
            continue;
        cidr = hako_network_ip_to_network_string(ip);
        if (text->len > 0)
            g_string_append(text, ", ");
        g_string_append(text, cidr);
    }
    return g_string_free(g_steal_pointer(&text), FALSE);
}

static char *
dhcp_ranges(HakoNetwork *network)
{
    GPtrArray *ips = hako_network_get_ips(network);
    g_autoptr(GString) text = g_string_new(NULL);

    for (guint i = 0; i < ips->len; i++) {
        HakoNetworkIp *ip = g_ptr_array_index(ips, i);

        for (guint j = 0; ip->dhcp_ranges != NULL && j < ip->dhcp_ranges->len; j++) {
            HakoNetworkRange *range = g_ptr_array_index(ip->dhcp_ranges, j);

            if (text->len > 0)
                g_string_append(text, "\n");
            /* Translators: a DHCP range, "192.168.100.128 – 192.168.100.254" */
            g_string_append_printf(text, _("%s – %s"), range->start, range->end);
        }
    }
    return g_string_free(g_steal_pointer(&text), FALSE);
}

static const char *
mode_label(HakoNetwork *network)
{
    HakoNetworkMode mode = hako_network_get_forward_mode(network);

    if (mode == HAKO_NETWORK_MODE_OTHER && hako_network_get_forward_mode_name(network) != NULL)
        return hako_network_get_forward_mode_name(network);
    return hako_network_mode_to_string(mode);
}

static void
set_detail(HakoNetworksPage *self, guint which, const char *text)
{
    /* Translators: shown for a network's detail that it does not have */
    gtk_label_set_text(self->details[which], text != NULL && *text != '\0' ? text : _("None"));
}

static void
update_details(HakoNetworksPage *self)
{
    g_autoptr(HakoNetwork) network = dup_selected(self);
    g_autofree char *ipv4 = NULL;
    g_autofree char *ipv6 = NULL;
    g_autofree char *ranges = NULL;
    const char *device;

    if (network == NULL) {
        gtk_label_set_text(self->title_label, _("No network chosen."));
        for (guint i = 0; i < N_DETAILS; i++)
            gtk_label_set_text(self->details[i], "");
        gtk_text_buffer_set_text(self->xml_buffer, "", -1);
        return;
    }
    gtk_label_set_text(self->title_label, hako_network_get_name(network));
    ipv4 = ip_networks(network, G_SOCKET_FAMILY_IPV4);
    ipv6 = ip_networks(network, G_SOCKET_FAMILY_IPV6);
    ranges = dhcp_ranges(network);
    device = hako_network_get_forward_device(network);
    set_detail(self, DETAIL_BRIDGE, hako_network_get_bridge(network));
    set_detail(self, DETAIL_FORWARD_MODE, mode_label(network));
    if (device == NULL && (hako_network_get_forward_mode(network) == HAKO_NETWORK_MODE_NAT ||
                           hako_network_get_forward_mode(network) == HAKO_NETWORK_MODE_ROUTE))
        /* Translators: a NAT or routed network that leaves by whichever device has the route */
        gtk_label_set_text(self->details[DETAIL_FORWARD_DEVICE], _("Any device"));
    else
        set_detail(self, DETAIL_FORWARD_DEVICE, device);
    set_detail(self, DETAIL_IPV4, ipv4);
    set_detail(self, DETAIL_IPV6, ipv6);
    set_detail(self, DETAIL_DHCP, ranges);
    set_detail(self, DETAIL_DNS_DOMAIN, hako_network_get_dns_domain(network));
    gtk_text_buffer_set_text(
        self->xml_buffer,
        hako_network_get_xml(network) != NULL ? hako_network_get_xml(network) : "", -1);
    g_signal_handlers_block_matched(self->autostart_check, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL,
                                    self);
    gtk_toggle_button_set_active(self->autostart_check, hako_network_get_autostart(network));
    g_signal_handlers_unblock_matched(self->autostart_check, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL,
                                      self);
}

/* ---------------------------------------------------------------------------------------- */
/* The list                                                                                  */

static void
select_by_name(HakoNetworksPage *self, const char *name)
{
    GtkTreeModel *model = GTK_TREE_MODEL(self->store);
    GtkTreeIter iter;
    gboolean valid = gtk_tree_model_get_iter_first(model, &iter);
    gboolean first = TRUE;

    for (; valid; valid = gtk_tree_model_iter_next(model, &iter), first = FALSE) {
        g_autofree char *row_name = NULL;

        gtk_tree_model_get(model, &iter, COL_NAME, &row_name, -1);
        if (name == NULL ? first : g_strcmp0(row_name, name) == 0) {
            gtk_tree_selection_select_iter(gtk_tree_view_get_selection(self->view), &iter);
            return;
        }
    }
    /* The chosen network is gone: choose the first. */
    if (name != NULL)
        select_by_name(self, NULL);
}

static void
list_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HakoNetworksPage) self = user_data;
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) networks =
        hako_networks_list_finish(HAKO_NETWORKS(source), result, &error);
    g_autofree char *wanted = g_strdup(self->selected);

    if (disposed(self))
        return;
    if (networks == NULL) {
        show_error(self, error);
        return;
    }
    g_clear_pointer(&self->listed, g_ptr_array_unref);
    self->listed = g_ptr_array_ref(networks);
    gtk_list_store_clear(self->store);
    for (guint i = 0; i < networks->len; i++) {
        HakoNetwork *network = g_ptr_array_index(networks, i);
        g_autofree char *ipv4 = ip_networks(network, G_SOCKET_FAMILY_IPV4);

        gtk_list_store_insert_with_values(
            self->store, NULL, -1, COL_NETWORK, network, COL_NAME, hako_network_get_name(network),
            COL_STATE,
            /* Translators: a virtual network's state */
            hako_network_get_active(network) ? C_("network", "Running") : C_("network", "Stopped"),
            COL_AUTOSTART,
            hako_network_get_autostart(network) ? C_("autostart", "Yes") : C_("autostart", "No"),
            COL_MODE, mode_label(network), COL_IPV4, ipv4, -1);
    }
    select_by_name(self, wanted);
    update_details(self);
    update_buttons(self);
}

/**
 * hako_networks_page_refresh:
 *
 * Lists the host's virtual networks again.
 */
void
hako_networks_page_refresh(HakoNetworksPage *self)
{
    g_return_if_fail(HAKO_IS_NETWORKS_PAGE(self));

    if (disposed(self))
        return;
    if (!hako_host_is_connected(self->host)) {
        gtk_list_store_clear(self->store);
        g_clear_pointer(&self->listed, g_ptr_array_unref);
        update_buttons(self);
        return;
    }
    hako_networks_list_async(self->networks, self->host, self->cancellable, list_cb,
                             g_object_ref(self));
}

static void
selection_changed_cb(HakoNetworksPage *self, GtkTreeSelection *selection)
{
    g_autoptr(HakoNetwork) network = dup_selected(self);

    if (network != NULL) {
        g_free(self->selected);
        self->selected = g_strdup(hako_network_get_name(network));
    }
    update_details(self);
    update_buttons(self);
}

/* ---------------------------------------------------------------------------------------- */
/* Start, stop, autostart                                                                    */

static void
start_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HakoNetworksPage) self = user_data;
    g_autoptr(GError) error = NULL;

    if (!hako_networks_start_finish(HAKO_NETWORKS(source), result, &error))
        show_error(self, error);
    hako_networks_page_refresh(self);
}

static void
start_clicked_cb(HakoNetworksPage *self)
{
    g_autoptr(HakoNetwork) network = dup_selected(self);

    if (network == NULL)
        return;
    gtk_widget_hide(GTK_WIDGET(self->error_bar));
    hako_networks_start_async(self->networks, self->host, hako_network_get_name(network),
                              self->cancellable, start_cb, g_object_ref(self));
}

static void
stop_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HakoNetworksPage) self = user_data;
    g_autoptr(GError) error = NULL;

    if (!hako_networks_stop_finish(HAKO_NETWORKS(source), result, &error))
        show_error(self, error);
    hako_networks_page_refresh(self);
}

static void
stop_clicked_cb(HakoNetworksPage *self)
{
    g_autoptr(HakoNetwork) network = dup_selected(self);

    if (network == NULL)
        return;
    gtk_widget_hide(GTK_WIDGET(self->error_bar));
    hako_networks_stop_async(self->networks, self->host, hako_network_get_name(network),
                             self->cancellable, stop_cb, g_object_ref(self));
}

static void
autostart_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HakoNetworksPage) self = user_data;
    g_autoptr(GError) error = NULL;

    if (!hako_networks_set_autostart_finish(HAKO_NETWORKS(source), result, &error))
        show_error(self, error);
    hako_networks_page_refresh(self);
}

static void
autostart_toggled_cb(HakoNetworksPage *self, GtkToggleButton *check)
{
    g_autoptr(HakoNetwork) network = dup_selected(self);

    if (network == NULL ||
        hako_network_get_autostart(network) == gtk_toggle_button_get_active(check))
        return;
    gtk_widget_hide(GTK_WIDGET(self->error_bar));
    hako_networks_set_autostart_async(self->networks, self->host, hako_network_get_name(network),
                                      gtk_toggle_button_get_active(check), self->cancellable,
                                      autostart_cb, g_object_ref(self));
}

/* ---------------------------------------------------------------------------------------- */
/* Delete: the guests that use the network first, then the question, then the deletion       */

typedef struct {
    HakoNetworksPage *page; /* ref */
    char *name;
} Delete;

static void
delete_free(Delete *d)
{
    g_object_unref(d->page);
    g_free(d->name);
    g_free(d);
}

static void
delete_closure_notify(gpointer data, GClosure *closure)
{
    delete_free(data);
}

static void
delete_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HakoNetworksPage) self = user_data;
    g_autoptr(GError) error = NULL;

    if (!hako_networks_delete_finish(HAKO_NETWORKS(source), result, NULL, &error))
        show_error(self, error);
    hako_networks_page_refresh(self);
}

static void
question_response_cb(GtkDialog *dialog, int response, Delete *d)
{
    if (response == GTK_RESPONSE_ACCEPT && !disposed(d->page))
        hako_networks_delete_async(d->page->networks, d->page->host, d->name, d->page->cancellable,
                                   delete_cb, g_object_ref(d->page));
    gtk_widget_destroy(GTK_WIDGET(dialog));
}

/* The question is answered later, from its response handler: a nested main loop
 * (gtk_dialog_run) would stall the accessibility bus. Cancel is the default. */
static void
users_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    Delete *d = user_data;
    HakoNetworksPage *self = d->page;
    g_autoptr(GError) error = NULL;
    g_auto(GStrv) users = hako_networks_list_users_finish(HAKO_NETWORKS(source), result, &error);
    g_autofree char *detail = NULL;
    GtkWidget *dialog;

    if (users == NULL || disposed(self)) {
        if (users == NULL)
            show_error(self, error);
        delete_free(d);
        return;
    }
    if (users[0] == NULL) {
        detail = g_strdup(_("No guest uses it. A running network is stopped first."));
    } else {
        g_autofree char *names = g_strjoinv(", ", users);

        detail = g_strdup_printf(
            g_dngettext(GETTEXT_PACKAGE,
                        "The guest %s uses it: its interface stays, but the guest cannot start "
                        "until it is given another network.",
                        "The guests %s use it: their interfaces stay, but the guests cannot start "
                        "until they are given another network.",
                        g_strv_length(users)),
            names);
    }
    dialog = gtk_message_dialog_new(GTK_WINDOW(gtk_widget_get_toplevel(GTK_WIDGET(self))),
                                    GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                    GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE,
                                    _("Delete the network “%s”?"), d->name);
    gtk_message_dialog_format_secondary_text(GTK_MESSAGE_DIALOG(dialog), "%s", detail);
    gtk_dialog_add_buttons(GTK_DIALOG(dialog), _("_Cancel"), GTK_RESPONSE_CANCEL, _("_Delete"),
                           GTK_RESPONSE_ACCEPT, NULL);
    gtk_dialog_set_default_response(GTK_DIALOG(dialog), GTK_RESPONSE_CANCEL);
    /* d goes with the dialog, answered or destroyed with its window. */
    g_signal_connect_data(dialog, "response", G_CALLBACK(question_response_cb), d,
                          delete_closure_notify, 0);
    gtk_widget_show(dialog);
}

static void
delete_clicked_cb(HakoNetworksPage *self)
{
    g_autoptr(HakoNetwork) network = dup_selected(self);
    Delete *d;

    if (network == NULL)
        return;
    gtk_widget_hide(GTK_WIDGET(self->error_bar));
    d = g_new0(Delete, 1);
    d->page = g_object_ref(self);
    d->name = g_strdup(hako_network_get_name(network));
    hako_networks_list_users_async(self->networks, self->host, d->name, self->cancellable, users_cb,
                                   d);
}

/* ---------------------------------------------------------------------------------------- */
/* Add Network…                                                                              */

static void
wizard_destroyed_cb(HakoNetworksPage *self, GtkWidget *wizard)
{
    hako_networks_page_refresh(self);
}

static void
add_clicked_cb(HakoNetworksPage *self)
{
    GtkWidget *wizard;

    if (add_network_func == NULL || self->listed == NULL)
        return;
    gtk_widget_hide(GTK_WIDGET(self->error_bar));
    wizard = add_network_func(GTK_WINDOW(gtk_widget_get_toplevel(GTK_WIDGET(self))), self->networks,
                              self->host, self->listed);
    if (wizard != NULL)
        g_signal_connect_object(wizard, "destroy", G_CALLBACK(wizard_destroyed_cb), self,
                                G_CONNECT_SWAPPED);
}

/* ---------------------------------------------------------------------------------------- */
/* Building                                                                                  */

static void
add_detail(HakoNetworksPage *self, GtkGrid *grid, guint which, const char *title)
{
    GtkWidget *label = gtk_label_new(title);
    GtkWidget *value = gtk_label_new(NULL);

    gtk_label_set_xalign(GTK_LABEL(label), 1.0);
    gtk_label_set_yalign(GTK_LABEL(label), 0.0);
    gtk_style_context_add_class(gtk_widget_get_style_context(label), "dim-label");
    gtk_label_set_xalign(GTK_LABEL(value), 0.0);
    gtk_label_set_selectable(GTK_LABEL(value), TRUE);
    gtk_label_set_line_wrap(GTK_LABEL(value), TRUE);
    gtk_widget_set_hexpand(value, TRUE);
    atk_object_add_relationship(gtk_widget_get_accessible(value), ATK_RELATION_LABELLED_BY,
                                gtk_widget_get_accessible(label));
    gtk_grid_attach(grid, label, 0, (int)which + 1, 1, 1);
    gtk_grid_attach(grid, value, 1, (int)which + 1, 1, 1);
    self->details[which] = GTK_LABEL(value);
}

static void
build(HakoNetworksPage *self)
{
    GtkWidget *paned = gtk_paned_new(GTK_ORIENTATION_HORIZONTAL);
    GtkWidget *left = gtk_box_new(GTK_ORIENTATION_VERTICAL, 6);
    GtkWidget *right = gtk_box_new(GTK_ORIENTATION_VERTICAL, 6);
    GtkWidget *buttons = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);
    GtkWidget *grid = gtk_grid_new();
    GtkWidget *xml_view;
    GtkWidget *xml_label;
    GtkWidget *check;

    gtk_container_set_border_width(GTK_CONTAINER(self), 12);
    gtk_box_set_spacing(GTK_BOX(self), 6);

    self->error_bar = hako_widgets_error_bar_new(&self->error_label);
    gtk_box_pack_start(GTK_BOX(self), GTK_WIDGET(self->error_bar), FALSE, FALSE, 0);

    /* The list */
    self->store = gtk_list_store_new(N_COLS, HAKO_TYPE_NETWORK, G_TYPE_STRING, G_TYPE_STRING,
                                     G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);
    self->view = GTK_TREE_VIEW(gtk_tree_view_new_with_model(GTK_TREE_MODEL(self->store)));
    atk_object_set_name(gtk_widget_get_accessible(GTK_WIDGET(self->view)), _("Virtual networks"));
    hako_widgets_add_text_column(self->view, _("Network"), COL_NAME, TRUE);
    hako_widgets_add_text_column(self->view, _("State"), COL_STATE, FALSE);
    hako_widgets_add_text_column(self->view, _("Autostart"), COL_AUTOSTART, FALSE);
    hako_widgets_add_text_column(self->view, _("Mode"), COL_MODE, FALSE);
    hako_widgets_add_text_column(self->view, _("IPv4 network"), COL_IPV4, FALSE);
    g_signal_connect_object(gtk_tree_view_get_selection(self->view), "changed",
                            G_CALLBACK(selection_changed_cb), self, G_CONNECT_SWAPPED);
    gtk_box_pack_start(GTK_BOX(left), hako_widgets_scrolled(GTK_WIDGET(self->view)), TRUE, TRUE, 0);
    self->add_button =
        hako_widgets_add_button(GTK_BOX(buttons), _("_Add Network…"), _("Create a virtual network"),
                                G_CALLBACK(add_clicked_cb), self);
    self->start_button = hako_widgets_add_button(
        GTK_BOX(buttons), _("_Start"), _("Start the network"), G_CALLBACK(start_clicked_cb), self);
    self->stop_button = hako_widgets_add_button(GTK_BOX(buttons), _("S_top"), _("Stop the network"),
                                                G_CALLBACK(stop_clicked_cb), self);
    self->delete_button =
        hako_widgets_add_button(GTK_BOX(buttons), _("_Delete…"), _("Delete the network"),
                                G_CALLBACK(delete_clicked_cb), self);
    gtk_box_pack_start(GTK_BOX(left), buttons, FALSE, FALSE, 0);
    check = gtk_check_button_new_with_mnemonic(_("Start the network when the _host starts"));
    self->autostart_check = GTK_TOGGLE_BUTTON(check);
    g_signal_connect_object(check, "toggled", G_CALLBACK(autostart_toggled_cb), self,
                            G_CONNECT_SWAPPED);
    gtk_box_pack_start(GTK_BOX(left), check, FALSE, FALSE, 0);

    /* The details */
    gtk_grid_set_row_spacing(GTK_GRID(grid), 6);
    gtk_grid_set_column_spacing(GTK_GRID(grid), 12);
    self->title_label = GTK_LABEL(gtk_label_new(NULL));
    gtk_label_set_xalign(self->title_label, 0.0);
    gtk_style_context_add_class(gtk_widget_get_style_context(GTK_WIDGET(self->title_label)),
                                "title");
    gtk_grid_attach(GTK_GRID(grid), GTK_WIDGET(self->title_label), 0, 0, 2, 1);
    add_detail(self, GTK_GRID(grid), DETAIL_BRIDGE, _("Bridge:"));
    add_detail(self, GTK_GRID(grid), DETAIL_FORWARD_MODE, _("Forward mode:"));
    add_detail(self, GTK_GRID(grid), DETAIL_FORWARD_DEVICE, _("Forward device:"));
    add_detail(self, GTK_GRID(grid), DETAIL_IPV4, _("IPv4 network:"));
    add_detail(self, GTK_GRID(grid), DETAIL_IPV6, _("IPv6 network:"));
    add_detail(self, GTK_GRID(grid), DETAIL_DHCP, _("DHCP ranges:"));
    add_detail(self, GTK_GRID(grid), DETAIL_DNS_DOMAIN, _("DNS domain:"));
    gtk_box_pack_start(GTK_BOX(right), grid, FALSE, FALSE, 0);
    xml_label = gtk_label_new_with_mnemonic(_("_XML:"));
    gtk_label_set_xalign(GTK_LABEL(xml_label), 0.0);
    gtk_box_pack_start(GTK_BOX(right), xml_label, FALSE, FALSE, 0);
    xml_view = gtk_text_view_new();
    gtk_text_view_set_editable(GTK_TEXT_VIEW(xml_view), FALSE);
    gtk_text_view_set_monospace(GTK_TEXT_VIEW(xml_view), TRUE);
    gtk_label_set_mnemonic_widget(GTK_LABEL(xml_label), xml_view);
    atk_object_set_name(gtk_widget_get_accessible(xml_view), _("Network XML"));
    self->xml_buffer = gtk_text_view_get_buffer(GTK_TEXT_VIEW(xml_view));
    gtk_box_pack_start(GTK_BOX(right), hako_widgets_scrolled(xml_view), TRUE, TRUE, 0);

    gtk_paned_pack1(GTK_PANED(paned), left, TRUE, FALSE);
    gtk_paned_pack2(GTK_PANED(paned), right, TRUE, FALSE);
    gtk_paned_set_position(GTK_PANED(paned), 480);
    gtk_box_pack_start(GTK_BOX(self), paned, TRUE, TRUE, 0);
    gtk_widget_show_all(paned);
    update_details(self);
    update_buttons(self);
}

/* ---------------------------------------------------------------------------------------- */
/* GObject                                                                                   */

static void
host_state_cb(HakoNetworksPage *self, GParamSpec *pspec, HakoHost *host)
{
    hako_networks_page_refresh(self);
}

static void
hako_networks_page_constructed(GObject *object)
{
    HakoNetworksPage *self = HAKO_NETWORKS_PAGE(object);

    G_OBJECT_CLASS(hako_networks_page_parent_class)->constructed(object);

    self->networks = hako_networks_new(self->manager);
    self->cancellable = g_cancellable_new();
    build(self);
    g_signal_connect_object(self->host, "notify::state", G_CALLBACK(host_state_cb), self,
                            G_CONNECT_SWAPPED);
    hako_networks_page_refresh(self);
}

static void
hako_networks_page_dispose(GObject *object)
{
    HakoNetworksPage *self = HAKO_NETWORKS_PAGE(object);

    if (self->cancellable != NULL)
        g_cancellable_cancel(self->cancellable);
    g_clear_object(&self->cancellable);
    g_clear_object(&self->networks);
    g_clear_object(&self->store);
    g_clear_pointer(&self->listed, g_ptr_array_unref);
    g_clear_object(&self->host);
    g_clear_object(&self->manager);

    G_OBJECT_CLASS(hako_networks_page_parent_class)->dispose(object);
}

static void
hako_networks_page_finalize(GObject *object)
{
    HakoNetworksPage *self = HAKO_NETWORKS_PAGE(object);

    g_free(self->selected);

    G_OBJECT_CLASS(hako_networks_page_parent_class)->finalize(object);
}

static void
hako_networks_page_set_property(GObject *object,
                                guint prop_id,
                                const GValue *value,
                                GParamSpec *pspec)
{
    HakoNetworksPage *self = HAKO_NETWORKS_PAGE(object);

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
hako_networks_page_class_init(HakoNetworksPageClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    GParamFlags flags = G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

    object_class->constructed = hako_networks_page_constructed;
    object_class->dispose = hako_networks_page_dispose;
    object_class->finalize = hako_networks_page_finalize;
    object_class->set_property = hako_networks_page_set_property;

    properties[PROP_MANAGER] =
        g_param_spec_object("manager", NULL, NULL, HAKO_TYPE_CONNECTION_MANAGER, flags);
    properties[PROP_HOST] = g_param_spec_object("host", NULL, NULL, HAKO_TYPE_HOST, flags);
    g_object_class_install_properties(object_class, N_PROPS, properties);
}

static void
hako_networks_page_init(HakoNetworksPage *self)
{
    gtk_orientable_set_orientation(GTK_ORIENTABLE(self), GTK_ORIENTATION_VERTICAL);
}

/**
 * hako_networks_page_new:
 * @manager: the connection manager
 * @host: the connection whose virtual networks the page shows
 *
 * Returns: (transfer floating): a new Virtual Networks page, which lists the host's networks.
 */
GtkWidget *
hako_networks_page_new(HakoConnectionManager *manager, HakoHost *host)
{
    g_return_val_if_fail(HAKO_IS_CONNECTION_MANAGER(manager), NULL);
    g_return_val_if_fail(HAKO_IS_HOST(host), NULL);

    return g_object_new(HAKO_TYPE_NETWORKS_PAGE, "manager", manager, "host", host, NULL);
}
