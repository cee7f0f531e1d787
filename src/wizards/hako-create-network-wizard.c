/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "hako-create-network-wizard.h"

#include <glib/gi18n.h>

/*
 * The Create Network wizard: a dialog with three pages (name and mode; IPv4 and its DHCP range;
 * IPv6 and DNS) over one HakoNetworkSpec made from its fields. Each change checks the spec
 * (hako_network_spec_validate) and its clashes with the host's networks as last listed
 * (hako_network_spec_check_conflicts), says what is wrong under the pages, and keeps Forward or
 * Finish off until it is fixed. Finish creates the network on the engine's thread with a
 * spinner; a failure is shown and the wizard stays open. Built in code, like the pages of
 * Connection Details; its own buttons rather than GtkAssistant's, so that a failed Finish can
 * stay on its page.
 */

enum {
    RESPONSE_BACK = 1,
    RESPONSE_FORWARD = 2,
};

enum {
    PAGE_NAME,
    PAGE_IPV4,
    PAGE_IPV6,
    N_PAGES,
};

struct _HakoCreateNetworkWizard {
    GtkDialog parent_instance;

    HakoNetworks *networks;
    HakoHost *host;
    GPtrArray *existing; /* (element-type HakoNetwork) */
    GCancellable *cancellable;
    guint page;
    gboolean busy;
    gboolean dhcp_follows; /* the range follows the network until the user edits it */
    gboolean filling;      /* the wizard itself is writing the range */

    GtkStack *stack;
    GtkWidget *pages[N_PAGES];
    GtkEntry *name;
    GtkComboBoxText *mode;
    GtkEntry *forward_device;
    GtkEntry *bridge;
    GtkEntry *ipv4;
    GtkEntry *dhcp_start;
    GtkEntry *dhcp_end;
    GtkEntry *ipv6;
    GtkEntry *dns_domain;
    GtkToggleButton *autostart;
    GtkSpinner *spinner;
    GtkLabel *message;
    GtkWidget *back_button;
    GtkWidget *forward_button;
    GtkWidget *finish_button;
};

G_DEFINE_FINAL_TYPE(HakoCreateNetworkWizard, hako_create_network_wizard, GTK_TYPE_DIALOG)

/* ---------------------------------------------------------------------------------------- */
/* Defaults                                                                                  */

static gboolean
parse_ipv4_cidr(const char *text, guint32 *address, guint *prefix)
{
    g_auto(GStrv) parts = NULL;
    g_autoptr(GInetAddress) inet = NULL;
    guint64 length;
    const guint8 *bytes;

    if (text == NULL)
        return FALSE;
    parts = g_strsplit(text, "/", 2);
    if (g_strv_length(parts) != 2 ||
        !g_ascii_string_to_unsigned(parts[1], 10, 0, 32, &length, NULL))
        return FALSE;
    inet = g_inet_address_new_from_string(parts[0]);
    if (inet == NULL || g_inet_address_get_family(inet) != G_SOCKET_FAMILY_IPV4)
        return FALSE;
    bytes = g_inet_address_to_bytes(inet);
    *address = (guint32)bytes[0] << 24 | (guint32)bytes[1] << 16 | (guint32)bytes[2] << 8 |
               (guint32)bytes[3];
    *prefix = (guint)length;
    return TRUE;
}

static char *
ipv4_to_string(guint32 address)
{
    return g_strdup_printf("%u.%u.%u.%u", address >> 24, (address >> 16) & 0xff,
                           (address >> 8) & 0xff, address & 0xff);
}

/**
 * hako_create_network_wizard_default_dhcp:
 * @ipv4_network: a network in CIDR form, such as 192.168.100.0/24
 * @start: (out) (transfer full): the first address of the range
 * @end: (out) (transfer full): the last
 *
 * The range the wizard offers: the upper half of the network, without its broadcast address
 * (192.168.100.128 to 192.168.100.254 for a /24), which leaves the host's first address and the
 * lower half for fixed addresses.
 *
 * Returns: %FALSE when @ipv4_network is not an IPv4 network with room for a range (/8 to /30)
 */
gboolean
hako_create_network_wizard_default_dhcp(const char *ipv4_network, char **start, char **end)
{
    guint32 address, mask, size;
    guint prefix;

    g_return_val_if_fail(start != NULL && end != NULL, FALSE);

    if (!parse_ipv4_cidr(ipv4_network, &address, &prefix) || prefix < 8 || prefix > 30)
        return FALSE;
    size = 1u << (32 - prefix);
    mask = ~(size - 1);
    address &= mask;
    *start = ipv4_to_string(address + size / 2);
    *end = ipv4_to_string(address + size - 2);
    return TRUE;
}

/**
 * hako_create_network_wizard_default_ipv4:
 * @existing: (element-type HakoNetwork): the host's networks
 *
 * Returns: (transfer full) (nullable): the first of 192.168.100.0/24 to 192.168.254.0/24 that
 *   no network of @existing overlaps, or %NULL when all are taken
 */
char *
hako_create_network_wizard_default_ipv4(GPtrArray *existing)
{
    g_autoptr(HakoNetworkSpec) spec = hako_network_spec_new();

    g_return_val_if_fail(existing != NULL, NULL);

    for (guint third = 100; third <= 254; third++) {
        g_autoptr(GError) error = NULL;

        g_free(spec->ipv4_network);
        spec->ipv4_network = g_strdup_printf("192.168.%u.0/24", third);
        if (hako_network_spec_check_conflicts(spec, existing, &error))
            return g_steal_pointer(&spec->ipv4_network);
    }
    return NULL;
}

/* ---------------------------------------------------------------------------------------- */
/* The spec and its checks                                                                   */

static char *
field(GtkEntry *entry)
{
    g_autofree char *text = g_strstrip(g_strdup(gtk_entry_get_text(entry)));

    return *text != '\0' ? g_steal_pointer(&text) : NULL;
}

static HakoNetworkMode
chosen_mode(HakoCreateNetworkWizard *self)
{
    const char *id = gtk_combo_box_get_active_id(GTK_COMBO_BOX(self->mode));

    if (g_strcmp0(id, "nat") == 0)
        return HAKO_NETWORK_MODE_NAT;
    if (g_strcmp0(id, "route") == 0)
        return HAKO_NETWORK_MODE_ROUTE;
    if (g_strcmp0(id, "open") == 0)
        return HAKO_NETWORK_MODE_OPEN;
    return HAKO_NETWORK_MODE_ISOLATED;
}

static gboolean
mode_forwards(HakoNetworkMode mode)
{
    return mode == HAKO_NETWORK_MODE_NAT || mode == HAKO_NETWORK_MODE_ROUTE;
}

/**
 * hako_create_network_wizard_get_spec:
 *
 * Returns: (transfer full): the network the wizard's fields describe now
 */
HakoNetworkSpec *
hako_create_network_wizard_get_spec(HakoCreateNetworkWizard *self)
{
    HakoNetworkSpec *spec;

    g_return_val_if_fail(HAKO_IS_CREATE_NETWORK_WIZARD(self), NULL);

    spec = hako_network_spec_new();
    spec->name = field(self->name);
    spec->mode = chosen_mode(self);
    spec->forward_device = mode_forwards(spec->mode) ? field(self->forward_device) : NULL;
    spec->bridge = field(self->bridge);
    spec->ipv4_network = field(self->ipv4);
    spec->dhcp_start = field(self->dhcp_start);
    spec->dhcp_end = field(self->dhcp_end);
    spec->ipv6_network = field(self->ipv6);
    spec->dns_domain = field(self->dns_domain);
    spec->autostart = gtk_toggle_button_get_active(self->autostart);
    return spec;
}

static void
say(HakoCreateNetworkWizard *self, const char *text, gboolean is_error)
{
    GtkStyleContext *style = gtk_widget_get_style_context(GTK_WIDGET(self->message));

    gtk_label_set_text(self->message, text);
    if (is_error)
        gtk_style_context_add_class(style, "error");
    else
        gtk_style_context_remove_class(style, "error");
}

/* Checks the fields and says what is wrong; returns whether the spec can be created. */
static gboolean
check(HakoCreateNetworkWizard *self)
{
    g_autoptr(HakoNetworkSpec) spec = hako_create_network_wizard_get_spec(self);
    g_autoptr(GError) error = NULL;

    if (spec->name == NULL) {
        /* Empty at first: say what is missing without shouting. */
        say(self, _("Name the network."), FALSE);
        return FALSE;
    }
    if (!hako_network_spec_validate(spec, &error) ||
        !hako_network_spec_check_conflicts(spec, self->existing, &error)) {
        say(self, error->message, TRUE);
        return FALSE;
    }
    say(self, "", FALSE);
    return TRUE;
}

static void
update(HakoCreateNetworkWizard *self)
{
    gboolean valid = check(self);
    gboolean last = self->page == N_PAGES - 1;

    gtk_widget_set_sensitive(GTK_WIDGET(self->forward_device),
                             mode_forwards(chosen_mode(self)) && !self->busy);
    gtk_widget_set_visible(self->back_button, self->page > 0);
    gtk_widget_set_sensitive(self->back_button, !self->busy);
    gtk_widget_set_visible(self->forward_button, !last);
    gtk_widget_set_sensitive(self->forward_button, valid && !self->busy);
    gtk_widget_set_visible(self->finish_button, last);
    gtk_widget_set_sensitive(self->finish_button, valid && !self->busy);
    gtk_widget_set_sensitive(GTK_WIDGET(self->stack), !self->busy);
    gtk_dialog_set_default_response(GTK_DIALOG(self), last ? GTK_RESPONSE_APPLY : RESPONSE_FORWARD);
}

static void
changed_cb(HakoCreateNetworkWizard *self)
{
    if (!self->filling)
        update(self);
}

static void
ipv4_changed_cb(HakoCreateNetworkWizard *self)
{
    g_autofree char *network = field(self->ipv4);
    g_autofree char *start = NULL;
    g_autofree char *end = NULL;

    if (self->dhcp_follows) {
        if (network == NULL || !hako_create_network_wizard_default_dhcp(network, &start, &end)) {
            g_clear_pointer(&start, g_free);
            g_clear_pointer(&end, g_free);
        }
        self->filling = TRUE;
        gtk_entry_set_text(self->dhcp_start, start != NULL ? start : "");
        gtk_entry_set_text(self->dhcp_end, end != NULL ? end : "");
        self->filling = FALSE;
    }
    update(self);
}

static void
dhcp_changed_cb(HakoCreateNetworkWizard *self)
{
    if (self->filling)
        return;
    self->dhcp_follows = FALSE;
    update(self);
}

/* ---------------------------------------------------------------------------------------- */
/* Pages and Finish                                                                          */

static void
show_page(HakoCreateNetworkWizard *self, guint page)
{
    GtkEntry *focus[N_PAGES];

    focus[PAGE_NAME] = self->name;
    focus[PAGE_IPV4] = self->ipv4;
    focus[PAGE_IPV6] = self->ipv6;
    self->page = page;
    gtk_stack_set_visible_child(self->stack, self->pages[page]);
    update(self);
    gtk_widget_grab_focus(GTK_WIDGET(focus[page]));
}

static void
create_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HakoCreateNetworkWizard) self = user_data;
    g_autoptr(GError) error = NULL;
    g_autoptr(HakoNetwork) network =
        hako_networks_create_finish(HAKO_NETWORKS(source), result, &error);

    /* Closed meanwhile: its widgets are gone. */
    if (self->cancellable == NULL || g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
    gtk_spinner_stop(self->spinner);
    self->busy = FALSE;
    if (network == NULL) {
        update(self);
        say(self, error->message, TRUE);
        return;
    }
    gtk_widget_destroy(GTK_WIDGET(self));
}

static void
finish(HakoCreateNetworkWizard *self)
{
    g_autoptr(HakoNetworkSpec) spec = NULL;

    if (self->busy || !check(self))
        return;
    spec = hako_create_network_wizard_get_spec(self);
    self->busy = TRUE;
    update(self);
    gtk_spinner_start(self->spinner);
    say(self, _("Creating the network…"), FALSE);
    hako_networks_create_async(self->networks, self->host, spec, self->cancellable, create_cb,
                               g_object_ref(self));
}

static void
response_cb(HakoCreateNetworkWizard *self, int response)
{
    switch (response) {
    case RESPONSE_BACK:
        if (self->page > 0 && !self->busy)
            show_page(self, self->page - 1);
        break;
    case RESPONSE_FORWARD:
        if (self->page + 1 < N_PAGES && !self->busy && check(self))
            show_page(self, self->page + 1);
        break;
    case GTK_RESPONSE_APPLY:
        finish(self);
        break;
    default: /* Cancel, Escape, the window's close button */
        g_cancellable_cancel(self->cancellable);
        gtk_widget_destroy(GTK_WIDGET(self));
        break;
    }
}

/* ---------------------------------------------------------------------------------------- */
/* Building                                                                                  */

static GtkGrid *
new_page(HakoCreateNetworkWizard *self, guint page, const char *heading, const char *intro)
{
    GtkWidget *grid = gtk_grid_new();
    GtkWidget *label = gtk_label_new(heading);
    GtkWidget *text = gtk_label_new(intro);

    gtk_grid_set_row_spacing(GTK_GRID(grid), 6);
    gtk_grid_set_column_spacing(GTK_GRID(grid), 12);
    gtk_label_set_xalign(GTK_LABEL(label), 0.0);
    gtk_style_context_add_class(gtk_widget_get_style_context(label), "title");
    gtk_label_set_xalign(GTK_LABEL(text), 0.0);
    gtk_label_set_line_wrap(GTK_LABEL(text), TRUE);
    gtk_label_set_max_width_chars(GTK_LABEL(text), 60);
    gtk_grid_attach(GTK_GRID(grid), label, 0, 0, 2, 1);
    gtk_grid_attach(GTK_GRID(grid), text, 0, 1, 2, 1);
    gtk_stack_add_named(self->stack, grid, heading);
    self->pages[page] = grid;
    return GTK_GRID(grid);
}

static void
attach_field(GtkGrid *grid, int row, const char *title, GtkWidget *widget)
{
    GtkWidget *label = gtk_label_new_with_mnemonic(title);

    gtk_label_set_xalign(GTK_LABEL(label), 1.0);
    gtk_label_set_mnemonic_widget(GTK_LABEL(label), widget);
    atk_object_set_name(gtk_widget_get_accessible(widget), gtk_label_get_text(GTK_LABEL(label)));
    gtk_widget_set_hexpand(widget, TRUE);
    gtk_grid_attach(grid, label, 0, row, 1, 1);
    gtk_grid_attach(grid, widget, 1, row, 1, 1);
}

static GtkEntry *
add_entry(HakoCreateNetworkWizard *self,
          GtkGrid *grid,
          int row,
          const char *title,
          const char *hint,
          GCallback changed)
{
    GtkWidget *entry = gtk_entry_new();

    gtk_entry_set_activates_default(GTK_ENTRY(entry), TRUE);
    if (hint != NULL)
        gtk_entry_set_placeholder_text(GTK_ENTRY(entry), hint);
    attach_field(grid, row, title, entry);
    g_signal_connect_object(entry, "changed", changed, self, G_CONNECT_SWAPPED);
    return GTK_ENTRY(entry);
}

static void
build(HakoCreateNetworkWizard *self)
{
    GtkWidget *content = gtk_dialog_get_content_area(GTK_DIALOG(self));
    GtkWidget *status = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);
    GCallback changed = G_CALLBACK(changed_cb);
    g_autofree char *ipv4 = hako_create_network_wizard_default_ipv4(self->existing);
    GtkGrid *grid;

    gtk_window_set_title(GTK_WINDOW(self), _("Create a Virtual Network"));
    gtk_window_set_default_size(GTK_WINDOW(self), 560, -1);
    gtk_container_set_border_width(GTK_CONTAINER(content), 12);
    gtk_box_set_spacing(GTK_BOX(content), 12);
    self->stack = GTK_STACK(gtk_stack_new());
    gtk_stack_set_transition_type(self->stack, GTK_STACK_TRANSITION_TYPE_NONE);
    gtk_box_pack_start(GTK_BOX(content), GTK_WIDGET(self->stack), TRUE, TRUE, 0);

    /* 1. Name and mode */
    grid = new_page(self, PAGE_NAME, _("Name and Mode"),
                    _("How guests on the network reach the outside: through the host’s address "
                      "(NAT), routed to the host’s network (routed), not at all (isolated), or as "
                      "your own firewall decides (open)."));
    self->name = add_entry(self, grid, 2, _("_Name:"), _("such as lab"), changed);
    self->mode = GTK_COMBO_BOX_TEXT(gtk_combo_box_text_new());
    gtk_combo_box_text_append(self->mode, "nat", _("NAT"));
    gtk_combo_box_text_append(self->mode, "route", _("Routed"));
    gtk_combo_box_text_append(self->mode, "isolated", _("Isolated"));
    gtk_combo_box_text_append(self->mode, "open", _("Open"));
    gtk_combo_box_set_active_id(GTK_COMBO_BOX(self->mode), "nat");
    attach_field(grid, 3, _("_Mode:"), GTK_WIDGET(self->mode));
    g_signal_connect_object(self->mode, "changed", changed, self, G_CONNECT_SWAPPED);
    self->forward_device =
        add_entry(self, grid, 4, _("Forward _device:"), _("any device (such as eth0)"), changed);
    self->bridge =
        add_entry(self, grid, 5, _("B_ridge:"), _("one libvirt picks (virbrN)"), changed);

    /* 2. IPv4 */
    grid =
        new_page(self, PAGE_IPV4, _("IPv4"),
                 _("The network’s addresses, with the host on the first one, and the range "
                   "its DHCP server hands out. Leave the network empty for none (not for NAT)."));
    self->ipv4 = add_entry(self, grid, 2, _("IPv4 _network:"), _("such as 192.168.100.0/24"),
                           G_CALLBACK(ipv4_changed_cb));
    self->dhcp_start =
        add_entry(self, grid, 3, _("DHCP _start:"), _("no DHCP"), G_CALLBACK(dhcp_changed_cb));
    self->dhcp_end =
        add_entry(self, grid, 4, _("DHCP _end:"), _("no DHCP"), G_CALLBACK(dhcp_changed_cb));

    /* 3. IPv6 and DNS */
    grid = new_page(self, PAGE_IPV6, _("IPv6 and DNS"),
                    _("Both are optional. Guests get IPv6 addresses from the host’s router "
                      "advertisements; the DNS domain names them as NAME.DOMAIN."));
    self->ipv6 =
        add_entry(self, grid, 2, _("IPv6 _network:"), _("none, or such as fd00:1::/64"), changed);
    self->dns_domain =
        add_entry(self, grid, 3, _("DNS _domain:"), _("none, or such as lab.test"), changed);
    self->autostart = GTK_TOGGLE_BUTTON(
        gtk_check_button_new_with_mnemonic(_("Start the network when the host _starts")));
    gtk_toggle_button_set_active(self->autostart, TRUE);
    gtk_grid_attach(grid, GTK_WIDGET(self->autostart), 1, 4, 1, 1);

    /* What is wrong, or the spinner while it is created */
    self->spinner = GTK_SPINNER(gtk_spinner_new());
    self->message = GTK_LABEL(gtk_label_new(NULL));
    gtk_label_set_line_wrap(self->message, TRUE);
    gtk_label_set_max_width_chars(self->message, 60);
    gtk_label_set_xalign(self->message, 0.0);
    gtk_label_set_selectable(self->message, TRUE);
    gtk_box_pack_start(GTK_BOX(status), GTK_WIDGET(self->spinner), FALSE, FALSE, 0);
    gtk_box_pack_start(GTK_BOX(status), GTK_WIDGET(self->message), TRUE, TRUE, 0);
    gtk_box_pack_start(GTK_BOX(content), status, FALSE, FALSE, 0);

    gtk_dialog_add_button(GTK_DIALOG(self), _("_Cancel"), GTK_RESPONSE_CANCEL);
    self->back_button = gtk_dialog_add_button(GTK_DIALOG(self), _("_Back"), RESPONSE_BACK);
    self->forward_button = gtk_dialog_add_button(GTK_DIALOG(self), _("_Forward"), RESPONSE_FORWARD);
    self->finish_button = gtk_dialog_add_button(GTK_DIALOG(self), _("_Finish"), GTK_RESPONSE_APPLY);
    g_signal_connect(self, "response", G_CALLBACK(response_cb), NULL);

    gtk_widget_show_all(content);
    self->dhcp_follows = TRUE;
    if (ipv4 != NULL)
        gtk_entry_set_text(self->ipv4, ipv4);
    show_page(self, PAGE_NAME);
}

/* ---------------------------------------------------------------------------------------- */
/* GObject                                                                                   */

static void
hako_create_network_wizard_dispose(GObject *object)
{
    HakoCreateNetworkWizard *self = HAKO_CREATE_NETWORK_WIZARD(object);

    if (self->cancellable != NULL)
        g_cancellable_cancel(self->cancellable);
    g_clear_object(&self->cancellable);
    g_clear_object(&self->networks);
    g_clear_object(&self->host);
    g_clear_pointer(&self->existing, g_ptr_array_unref);

    G_OBJECT_CLASS(hako_create_network_wizard_parent_class)->dispose(object);
}

static void
hako_create_network_wizard_class_init(HakoCreateNetworkWizardClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);

    object_class->dispose = hako_create_network_wizard_dispose;
}

static void
hako_create_network_wizard_init(HakoCreateNetworkWizard *self)
{
    self->cancellable = g_cancellable_new();
}

/**
 * hako_create_network_wizard_new:
 * @parent: (nullable): the window it belongs to
 * @networks: the engine's networks, which create it
 * @host: the connection to create it on
 * @existing: (element-type HakoNetwork): the host's networks, for the defaults and clashes
 *
 * Returns: (transfer none): a new wizard, not yet shown; it destroys itself when done
 */
GtkWidget *
hako_create_network_wizard_new(GtkWindow *parent,
                               HakoNetworks *networks,
                               HakoHost *host,
                               GPtrArray *existing)
{
    HakoCreateNetworkWizard *self;

    g_return_val_if_fail(parent == NULL || GTK_IS_WINDOW(parent), NULL);
    g_return_val_if_fail(HAKO_IS_NETWORKS(networks), NULL);
    g_return_val_if_fail(HAKO_IS_HOST(host), NULL);
    g_return_val_if_fail(existing != NULL, NULL);

    self = g_object_new(HAKO_TYPE_CREATE_NETWORK_WIZARD, "transient-for", parent, "modal", TRUE,
                        "destroy-with-parent", TRUE, "use-header-bar", FALSE, NULL);
    self->networks = g_object_ref(networks);
    self->host = g_object_ref(host);
    self->existing = g_ptr_array_ref(existing);
    build(self);
    return GTK_WIDGET(self);
}
