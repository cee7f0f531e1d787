/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoHostWindow: one window per connection, with its details and usage graphs. */
#include "config.h"

#include "hako-host-window.h"

#include "hako-graph.h"

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

    /* Template children */
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

static void
update_overview(HakoHostWindow *self)
{
    guint n_cpus = hako_host_get_n_cpus(self->host);
    guint64 memory_total = hako_host_get_memory_total(self->host);
    g_autofree char *cpus = n_cpus > 0 ? g_strdup_printf("%u", n_cpus) : NULL;
    g_autofree char *memory = memory_total > 0 ? hako_stats_format_bytes(memory_total) : NULL;

    set_label_text(self->uri_label, hako_host_get_uri(self->host));
    set_label_text(self->hostname_label, hako_host_get_hostname(self->host));
    set_label_text(self->hypervisor_label, hako_host_get_hypervisor(self->host));
    set_label_text(self->state_label, hako_host_state_to_string(hako_host_get_state(self->host)));
    set_label_text(self->cpus_label, cpus);
    set_label_text(self->memory_label, memory);
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
