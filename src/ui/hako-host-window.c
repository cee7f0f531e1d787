/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoHostWindow: one window per connection, with its details and usage graphs. */
#include "config.h"

#include "hako-host-window.h"

#include "hako-graph.h"
#include "hako-networks-page.h"
#include "hako-storage-page.h"
#include "hako-troubleshoot.h"
#include "hako-widgets.h"

#include <glib/gi18n.h>

/*
 * A connection's window lives as long as the connection is listed: it is keyed by the HakoHost
 * object and closes itself when the manager no longer holds it. Its Overview follows the
 * host's properties; its graphs redraw after each poll.
 */

struct _HakoHostWindow {
    GtkApplicationWindow parent_instance;

    HakoConnectionManager *manager;
    HakoHost *host;
    GListModel *hosts;
    GSettings *settings;

    HakoGraph *cpu_graph;
    HakoGraph *memory_graph;

    /* Rows made in code, below the template's */
    GtkEntry *name_entry;
    GtkLabel *libvirt_label;
    GtkLabel *cpu_model_label;
    GtkLabel *topology_label;
    GtkLabel *numa_label;
    GtkToggleButton *autoconnect_check;

    /* Template children */
    GtkLabel *no_kvm_label;
    GtkGrid *overview_grid;
    GtkStack *stack;
    GtkLabel *uri_label;
    GtkLabel *hostname_label;
    GtkLabel *hypervisor_label;
    GtkLabel *state_label;
    GtkLabel *cpus_label;
    GtkLabel *memory_label;
    GtkBox *cpu_slot;
    GtkBox *memory_slot;
};

G_DEFINE_FINAL_TYPE(HakoHostWindow, hako_host_window, GTK_TYPE_APPLICATION_WINDOW)

enum { PROP_0, PROP_MANAGER, PROP_HOST, PROP_SETTINGS, N_PROPS };

static GParamSpec *properties[N_PROPS];

/* ---------------------------------------------------------------------------------------- */
/* Following the host                                                                        */

static void
set_label_text(GtkLabel *label, const char *text)
{
    /* Shown while the figure is not known yet (before the first connection). */
    if (text == NULL || *text == '\0')
        text = C_("value", "Unknown");
    if (g_strcmp0(gtk_label_get_text(label), text) != 0)
        gtk_label_set_text(label, text);
}

static void
update_title(HakoHostWindow *self)
{
    /* Translators: the title of a connection's window; %s is its label, "QEMU/KVM" */
    g_autofree char *title =
        g_strdup_printf(_("Connection Details — %s"), hako_host_get_label(self->host));

    gtk_window_set_title(GTK_WINDOW(self), title);
    atk_object_set_name(gtk_widget_get_accessible(GTK_WIDGET(self)), title);
}

/* The hypervisor with its version: "QEMU 7.2.0". */
static char *
hypervisor_text(HakoHost *host)
{
    const HakoHostDetails *details = hako_host_get_details(host);
    const char *hypervisor = hako_host_get_hypervisor(host);

    if (hypervisor == NULL)
        return NULL;
    if (details->hypervisor_version == NULL)
        return g_strdup(hypervisor);
    return g_strdup_printf("%s %s", hypervisor, details->hypervisor_version);
}

static char *
cpu_model_text(const HakoHostDetails *details)
{
    if (details->cpu_model != NULL && details->cpu_arch != NULL)
        /* Translators: a host's CPU model and architecture: "Skylake-Client (x86_64)" */
        return g_strdup_printf(_("%s (%s)"), details->cpu_model, details->cpu_arch);
    return g_strdup(details->cpu_model != NULL ? details->cpu_model : details->cpu_arch);
}

static char *
topology_text(const HakoHostDetails *details)
{
    g_autofree char *sockets = NULL;
    g_autofree char *cores = NULL;
    g_autofree char *threads = NULL;

    if (details->sockets == 0 || details->cores == 0 || details->threads == 0)
        return NULL;
    sockets =
        g_strdup_printf(g_dngettext(GETTEXT_PACKAGE, "%u socket", "%u sockets", details->sockets),
                        details->sockets);
    cores = g_strdup_printf(
        g_dngettext(GETTEXT_PACKAGE, "%u core per socket", "%u cores per socket", details->cores),
        details->cores);
    threads = g_strdup_printf(
        g_dngettext(GETTEXT_PACKAGE, "%u thread per core", "%u threads per core", details->threads),
        details->threads);
    /* Translators: "2 sockets, 4 cores per socket, 2 threads per core" */
    return g_strdup_printf(_("%s, %s, %s"), sockets, cores, threads);
}

static void
update_details(HakoHostWindow *self)
{
    const HakoHostDetails *details = hako_host_get_details(self->host);
    g_autofree char *hypervisor = hypervisor_text(self->host);
    g_autofree char *cpu = cpu_model_text(details);
    g_autofree char *topology = topology_text(details);
    g_autofree char *numa =
        details->numa_cells > 0 ? g_strdup_printf("%u", details->numa_cells) : NULL;

    set_label_text(self->hypervisor_label, hypervisor);
    set_label_text(self->libvirt_label, details->libvirt_version);
    set_label_text(self->cpu_model_label, cpu);
    set_label_text(self->topology_label, topology);
    set_label_text(self->numa_label, numa);
    if (details->no_kvm) {
        g_autoptr(HakoTrouble) trouble = hako_troubleshoot_no_kvm();
        g_autofree char *text = hako_trouble_explain(trouble, NULL);

        gtk_label_set_text(self->no_kvm_label, text);
    }
    gtk_widget_set_visible(GTK_WIDGET(self->no_kvm_label), details->no_kvm);
    /* Not while the user types in it. */
    if (!gtk_widget_has_focus(GTK_WIDGET(self->name_entry)))
        gtk_entry_set_text(self->name_entry, hako_host_get_label(self->host));
    if (gtk_toggle_button_get_active(self->autoconnect_check) !=
        hako_host_get_autoconnect(self->host))
        gtk_toggle_button_set_active(self->autoconnect_check,
                                     hako_host_get_autoconnect(self->host));
}

static void
update_overview(HakoHostWindow *self)
{
    guint n_cpus = hako_host_get_n_cpus(self->host);
    guint64 memory_total = hako_host_get_memory_total(self->host);
    g_autofree char *cpus = n_cpus > 0 ? g_strdup_printf("%u", n_cpus) : NULL;
    g_autofree char *memory = memory_total > 0 ? hako_stats_format_bytes(memory_total) : NULL;

    set_label_text(self->uri_label, hako_host_get_uri(self->host));
    set_label_text(self->hostname_label, hako_host_get_hostname(self->host));
    set_label_text(self->state_label, hako_host_state_to_string(hako_host_get_state(self->host)));
    set_label_text(self->cpus_label, cpus);
    set_label_text(self->memory_label, memory);
    update_details(self);
}

static void
update_graphs(HakoHostWindow *self)
{
    HakoStatsPolled polled = hako_host_get_polled_stats(self->host);

    hako_graph_set_polled(self->cpu_graph, (polled & HAKO_STATS_POLL_CPU) != 0);
    hako_graph_set_polled(self->memory_graph, (polled & HAKO_STATS_POLL_MEMORY) != 0);
    hako_graph_set_maximum(self->memory_graph, (double)hako_host_get_memory_total(self->host));
}

static void
host_notify_cb(HakoHostWindow *self, GParamSpec *pspec, HakoHost *host)
{
    if (g_str_equal(g_param_spec_get_name(pspec), "label"))
        update_title(self);
    update_overview(self);
    update_graphs(self);
}

static void
stats_updated_cb(HakoHostWindow *self, HakoHost *host)
{
    /* The CPU count and memory size arrive with the host's figures. */
    update_overview(self);
    update_graphs(self);
    hako_graph_refresh(self->cpu_graph);
    hako_graph_refresh(self->memory_graph);
}

static void
hosts_changed_cb(
    HakoHostWindow *self, guint position, guint removed, guint added, GListModel *hosts)
{
    guint n = g_list_model_get_n_items(hosts);

    if (removed == 0)
        return;
    for (guint i = 0; i < n; i++) {
        g_autoptr(HakoHost) host = g_list_model_get_item(hosts, i);

        if (host == self->host)
            return;
    }
    g_debug("Connection %s is gone; closing its window", hako_host_get_uri(self->host));
    gtk_widget_destroy(GTK_WIDGET(self));
}

/* ---------------------------------------------------------------------------------------- */
/* The rows made in code                                                                     */

static void
name_apply(HakoHostWindow *self)
{
    const char *text = gtk_entry_get_text(self->name_entry);

    if (g_strcmp0(text, hako_host_get_label(self->host)) != 0)
        hako_connection_manager_set_label(self->manager, self->host, text);
    /* Emptied: back to the name made from the URI. */
    gtk_entry_set_text(self->name_entry, hako_host_get_label(self->host));
}

static gboolean
name_focus_out_cb(HakoHostWindow *self, GdkEvent *event, GtkEntry *entry)
{
    name_apply(self);
    return GDK_EVENT_PROPAGATE;
}

static void
autoconnect_toggled_cb(HakoHostWindow *self, GtkToggleButton *check)
{
    if (gtk_toggle_button_get_active(check) != hako_host_get_autoconnect(self->host))
        hako_connection_manager_set_autoconnect(self->manager, self->host,
                                                gtk_toggle_button_get_active(check));
}

static GtkWidget *
caption_new(const char *text, GtkWidget *mnemonic_widget)
{
    GtkWidget *caption = gtk_label_new_with_mnemonic(text);

    gtk_label_set_xalign(GTK_LABEL(caption), 1.0);
    gtk_style_context_add_class(gtk_widget_get_style_context(caption), "dim-label");
    if (mnemonic_widget != NULL) {
        gtk_label_set_mnemonic_widget(GTK_LABEL(caption), mnemonic_widget);
        /* The field's name for screen readers: the caption, without its underline. */
        atk_object_set_name(gtk_widget_get_accessible(mnemonic_widget),
                            gtk_label_get_text(GTK_LABEL(caption)));
    }
    gtk_widget_show(caption);
    return caption;
}

/* A caption and a value label, as the template's rows, at the end of the grid. */
static GtkLabel *
add_value_row(HakoHostWindow *self, int row, const char *caption_text)
{
    GtkWidget *caption = caption_new(caption_text, NULL);
    GtkWidget *value = gtk_label_new(NULL);

    gtk_label_set_xalign(GTK_LABEL(value), 0.0);
    gtk_label_set_selectable(GTK_LABEL(value), TRUE);
    gtk_label_set_ellipsize(GTK_LABEL(value), PANGO_ELLIPSIZE_END);
    gtk_widget_set_hexpand(value, TRUE);
    gtk_widget_set_can_focus(value, FALSE);
    atk_object_add_relationship(gtk_widget_get_accessible(value), ATK_RELATION_LABELLED_BY,
                                gtk_widget_get_accessible(caption));
    gtk_grid_attach(self->overview_grid, caption, 0, row, 1, 1);
    gtk_grid_attach(self->overview_grid, value, 1, row, 1, 1);
    gtk_widget_show(value);
    return GTK_LABEL(value);
}

static void
add_rows(HakoHostWindow *self)
{
    GtkWidget *entry = gtk_entry_new();
    GtkWidget *check;
    int row;

    /* First: the connection's name, which the user may change. */
    gtk_grid_insert_row(self->overview_grid, 0);
    gtk_entry_set_placeholder_text(GTK_ENTRY(entry), _("The name made from the URI"));
    gtk_widget_set_tooltip_text(entry, _("A name of your own for this connection; leave it empty "
                                         "for the name made from its URI"));
    gtk_widget_set_hexpand(entry, TRUE);
    g_signal_connect_object(entry, "activate", G_CALLBACK(name_apply), self, G_CONNECT_SWAPPED);
    g_signal_connect_object(entry, "focus-out-event", G_CALLBACK(name_focus_out_cb), self,
                            G_CONNECT_SWAPPED);
    gtk_grid_attach(self->overview_grid, caption_new(_("_Name:"), entry), 0, 0, 1, 1);
    gtk_grid_attach(self->overview_grid, entry, 1, 0, 1, 1);
    gtk_widget_show(entry);
    self->name_entry = GTK_ENTRY(entry);

    /* Then, after the template's rows (URI … memory). */
    for (row = 1; gtk_grid_get_child_at(self->overview_grid, 0, row) != NULL; row++)
        ;
    self->libvirt_label = add_value_row(self, row++, _("libvirt:"));
    self->cpu_model_label = add_value_row(self, row++, _("CPU model:"));
    self->topology_label = add_value_row(self, row++, _("Topology:"));
    self->numa_label = add_value_row(self, row++, _("NUMA cells:"));

    check = gtk_check_button_new_with_mnemonic(_("_Connect when Hako starts"));
    g_signal_connect_object(check, "toggled", G_CALLBACK(autoconnect_toggled_cb), self,
                            G_CONNECT_SWAPPED);
    gtk_grid_attach(self->overview_grid, check, 1, row, 1, 1);
    gtk_widget_show(check);
    self->autoconnect_check = GTK_TOGGLE_BUTTON(check);
}

/* ---------------------------------------------------------------------------------------- */
/* Graphs                                                                                    */

static HakoGraph *
add_graph(HakoHostWindow *self,
          GtkBox *box,
          HakoGraphKind kind,
          const char *title,
          HakoHostStat stat,
          const char *series_label)
{
    HakoGraph *graph = HAKO_GRAPH(hako_graph_new(kind, title));

    hako_graph_set_history(graph, hako_host_get_stats_history(self->host, stat));
    hako_graph_set_series_label(graph, series_label);
    gtk_widget_set_hexpand(GTK_WIDGET(graph), TRUE);
    gtk_widget_set_vexpand(GTK_WIDGET(graph), TRUE);
    gtk_box_pack_start(box, GTK_WIDGET(graph), TRUE, TRUE, 0);
    gtk_widget_show(GTK_WIDGET(graph));
    return graph;
}

/* ---------------------------------------------------------------------------------------- */
/* GtkWidget                                                                                 */

/* Escape and Ctrl+W close the window, before any child or accelerator sees them. */
static gboolean
hako_host_window_key_press_event(GtkWidget *widget, GdkEventKey *event)
{
    GdkModifierType mods = event->state & gtk_accelerator_get_default_mod_mask();

    if ((event->keyval == GDK_KEY_Escape && mods == 0) ||
        ((event->keyval == GDK_KEY_w || event->keyval == GDK_KEY_W) && mods == GDK_CONTROL_MASK)) {
        gtk_window_close(GTK_WINDOW(widget));
        return GDK_EVENT_STOP;
    }
    return GTK_WIDGET_CLASS(hako_host_window_parent_class)->key_press_event(widget, event);
}

/* ---------------------------------------------------------------------------------------- */
/* GObject                                                                                   */

static void
hako_host_window_constructed(GObject *object)
{
    HakoHostWindow *self = HAKO_HOST_WINDOW(object);

    G_OBJECT_CLASS(hako_host_window_parent_class)->constructed(object);

    g_assert(HAKO_IS_CONNECTION_MANAGER(self->manager));
    g_assert(HAKO_IS_HOST(self->host));

    self->hosts = g_object_ref(hako_connection_manager_get_hosts(self->manager));
    add_rows(self);
    {
        GtkWidget *storage = hako_storage_page_new(self->manager, self->host);

        gtk_widget_show(storage);
        /* Translators: the page of a connection's window with its storage pools and volumes */
        gtk_stack_add_titled(self->stack, storage, "storage", _("Storage"));
    }
    {
        GtkWidget *networks = hako_networks_page_new(self->manager, self->host);

        gtk_widget_show(networks);
        /* Translators: the page of a connection's window with its virtual networks */
        gtk_stack_add_titled(self->stack, networks, "networks", _("Virtual Networks"));
    }
    self->cpu_graph = add_graph(self, self->cpu_slot, HAKO_GRAPH_KIND_PERCENT, _("CPU usage"),
                                HAKO_HOST_STAT_CPU, C_("cpu", "Host"));
    self->memory_graph =
        add_graph(self, self->memory_slot, HAKO_GRAPH_KIND_BYTES, _("Memory usage"),
                  HAKO_HOST_STAT_MEMORY, C_("memory", "In use"));

    update_title(self);
    update_overview(self);
    update_graphs(self);

    g_signal_connect_object(self->host, "notify", G_CALLBACK(host_notify_cb), self,
                            G_CONNECT_SWAPPED);
    g_signal_connect_object(self->host, "stats-updated", G_CALLBACK(stats_updated_cb), self,
                            G_CONNECT_SWAPPED);
    g_signal_connect_object(self->hosts, "items-changed", G_CALLBACK(hosts_changed_cb), self,
                            G_CONNECT_SWAPPED);
}

static void
hako_host_window_dispose(GObject *object)
{
    HakoHostWindow *self = HAKO_HOST_WINDOW(object);

    /* The model outlives the window: stop listening now rather than at finalize. */
    if (self->host != NULL)
        g_signal_handlers_disconnect_by_data(self->host, self);
    if (self->hosts != NULL)
        g_signal_handlers_disconnect_by_data(self->hosts, self);
    self->cpu_graph = NULL;
    self->memory_graph = NULL;

    g_clear_object(&self->hosts);
    g_clear_object(&self->host);
    g_clear_object(&self->manager);
    g_clear_object(&self->settings);

    G_OBJECT_CLASS(hako_host_window_parent_class)->dispose(object);
}

static void
hako_host_window_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
    HakoHostWindow *self = HAKO_HOST_WINDOW(object);

    switch (prop_id) {
    case PROP_MANAGER:
        g_value_set_object(value, self->manager);
        break;
    case PROP_HOST:
        g_value_set_object(value, self->host);
        break;
    case PROP_SETTINGS:
        g_value_set_object(value, self->settings);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    }
}

static void
hako_host_window_set_property(GObject *object,
                              guint prop_id,
                              const GValue *value,
                              GParamSpec *pspec)
{
    HakoHostWindow *self = HAKO_HOST_WINDOW(object);

    switch (prop_id) {
    case PROP_MANAGER:
        self->manager = g_value_dup_object(value);
        break;
    case PROP_HOST:
        self->host = g_value_dup_object(value);
        break;
    case PROP_SETTINGS:
        self->settings = g_value_dup_object(value);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    }
}

static void
hako_host_window_class_init(HakoHostWindowClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);
    const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

    object_class->constructed = hako_host_window_constructed;
    object_class->dispose = hako_host_window_dispose;
    object_class->get_property = hako_host_window_get_property;
    object_class->set_property = hako_host_window_set_property;
    widget_class->key_press_event = hako_host_window_key_press_event;

    properties[PROP_MANAGER] =
        g_param_spec_object("manager", NULL, NULL, HAKO_TYPE_CONNECTION_MANAGER, flags);
    properties[PROP_HOST] = g_param_spec_object("host", NULL, NULL, HAKO_TYPE_HOST, flags);
    /* For the pages to come (networks, storage); may be NULL. */
    properties[PROP_SETTINGS] = g_param_spec_object("settings", NULL, NULL, G_TYPE_SETTINGS, flags);
    g_object_class_install_properties(object_class, N_PROPS, properties);

    gtk_widget_class_set_template_from_resource(widget_class,
                                                RESOURCE_PREFIX "/ui/hako-host-window.ui");
    gtk_widget_class_bind_template_child(widget_class, HakoHostWindow, stack);
    gtk_widget_class_bind_template_child(widget_class, HakoHostWindow, no_kvm_label);
    gtk_widget_class_bind_template_child(widget_class, HakoHostWindow, overview_grid);
    gtk_widget_class_bind_template_child(widget_class, HakoHostWindow, uri_label);
    gtk_widget_class_bind_template_child(widget_class, HakoHostWindow, hostname_label);
    gtk_widget_class_bind_template_child(widget_class, HakoHostWindow, hypervisor_label);
    gtk_widget_class_bind_template_child(widget_class, HakoHostWindow, state_label);
    gtk_widget_class_bind_template_child(widget_class, HakoHostWindow, cpus_label);
    gtk_widget_class_bind_template_child(widget_class, HakoHostWindow, memory_label);
    gtk_widget_class_bind_template_child(widget_class, HakoHostWindow, cpu_slot);
    gtk_widget_class_bind_template_child(widget_class, HakoHostWindow, memory_slot);
}

static void
hako_host_window_init(HakoHostWindow *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
}

/* ---------------------------------------------------------------------------------------- */
/* Public API                                                                                */

/**
 * hako_host_window_lookup:
 * @host: a connection
 *
 * Returns: (transfer none) (nullable): the open window of @host, if any.
 */
HakoHostWindow *
hako_host_window_lookup(HakoHost *host)
{
    g_autoptr(GList) toplevels = NULL;

    g_return_val_if_fail(HAKO_IS_HOST(host), NULL);

    toplevels = gtk_window_list_toplevels();
    for (GList *l = toplevels; l != NULL; l = l->next)
        if (HAKO_IS_HOST_WINDOW(l->data) && HAKO_HOST_WINDOW(l->data)->host == host)
            return l->data;
    return NULL;
}

/**
 * hako_host_window_present:
 * @parent: (nullable): the window it is opened from, whose application it joins
 * @manager: the connection manager that lists @host
 * @host: the connection
 * @settings: (nullable): the org.hako.Hako settings
 *
 * Presents the window of @host, creating it if it is not open yet.
 */
void
hako_host_window_present(GtkWindow *parent,
                         HakoConnectionManager *manager,
                         HakoHost *host,
                         GSettings *settings)
{
    HakoHostWindow *window;

    g_return_if_fail(parent == NULL || GTK_IS_WINDOW(parent));
    g_return_if_fail(HAKO_IS_CONNECTION_MANAGER(manager));
    g_return_if_fail(HAKO_IS_HOST(host));
    g_return_if_fail(settings == NULL || G_IS_SETTINGS(settings));

    window = hako_host_window_lookup(host);
    if (window == NULL) {
        /* Not transient: a peer of the manager window, not a dialog of it. */
        window = g_object_new(HAKO_TYPE_HOST_WINDOW, "application",
                              parent != NULL ? gtk_window_get_application(parent) : NULL, "manager",
                              manager, "host", host, "settings", settings, NULL);
        hako_widgets_remember_geometry(GTK_WINDOW(window), settings, "host-window");
        if (parent != NULL)
            gtk_window_set_screen(GTK_WINDOW(window), gtk_window_get_screen(parent));
    }
    gtk_window_present(GTK_WINDOW(window));
}

/**
 * hako_host_window_get_host:
 *
 * Returns: (transfer none): the connection the window shows.
 */
HakoHost *
hako_host_window_get_host(HakoHostWindow *self)
{
    g_return_val_if_fail(HAKO_IS_HOST_WINDOW(self), NULL);
    return self->host;
}
