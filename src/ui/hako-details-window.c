/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoDetailsWindow: one window per guest, with its pages: its console and its performance
 * graphs (the hardware pages come with [details]). */
#include "config.h"

#include "hako-details-window.h"

#include "hako-confirm.h"
#include "hako-console-page.h"
#include "hako-domain-ops.h"
#include "hako-fullscreen.h"
#include "hako-graph.h"
#include "hako-hardware-pages.h"
#include "hako-snapshots-page.h"
#include "hako-trouble-bar.h"
#include "hako-widgets.h"
#include "hako-xml-page.h"

#include <glib/gi18n.h>

/*
 * A guest's window lives as long as the guest: it is keyed by the HakoDomain object, and
 * closes itself once its host's list no longer holds that object (the guest was undefined,
 * or the host was disconnected or removed). While the host is not connected, the graphs stay
 * as they were and a line says why nothing moves.
 *
 * A guest that migrates to another host Hako is connected to takes its window along: once the
 * guest runs there, the window of the guest on the new host opens in the same place, on the
 * same page and as full screen as this one was, and this one closes. The console therefore
 * connects again, to the new host. If the guest does not turn up within FOLLOW_TIMEOUT_S (the
 * new host is not one of Hako's), the window stays on the guest here, which says that it
 * moved, or closes if the move also took the guest's definition away.
 */

#define FOLLOW_TIMEOUT_S 30
#define FOLLOW_CHECK_MS 200

typedef enum {
    GRAPH_CPU,
    GRAPH_MEMORY,
    GRAPH_DISK,
    GRAPH_NETWORK,
    N_GRAPHS,
} GraphSlot;

struct _HakoDetailsWindow {
    GtkApplicationWindow parent_instance;

    HakoConnectionManager *manager;
    HakoDomain *domain;
    HakoHost *host;
    HakoDomainList *domains;
    GSettings *settings;

    HakoGraph *graphs[N_GRAPHS];
    HakoConsolePage *console_page;
    HakoHardwarePages *hardware; /* the settings and device pages */
    HakoTroubleBar *trouble_bar; /* what is wrong with the guest, above every page */
    HakoDomainOps *ops;          /* for the trouble bar's actions */

    guint hide_bar_id; /* hides the full-screen bar a moment after the pointer leaves it */
    guint follow_id;   /* looks for the guest on the other hosts after it migrated away */
    gint64 follow_deadline;
    GdkRectangle saved_geometry; /* before a full screen made by hand (no window manager) */

    /* Template children */
    GtkWidget *sidebar;
    GtkWidget *sidebar_separator;
    GtkWidget *hot_zone;
    GtkRevealer *fullscreen_revealer;
    GtkStack *stack;
    GtkInfoBar *host_info_bar;
    GtkLabel *host_state_label;
    GtkBox *cpu_slot;
    GtkBox *memory_slot;
    GtkBox *disk_slot;
    GtkBox *network_slot;
    GtkLabel *addresses_label;
};

G_DEFINE_FINAL_TYPE(HakoDetailsWindow, hako_details_window, GTK_TYPE_APPLICATION_WINDOW)

enum { PROP_0, PROP_MANAGER, PROP_DOMAIN, PROP_SETTINGS, N_PROPS };

static GParamSpec *properties[N_PROPS];

/* The figures each graph draws: the main series, and the second one or -1. */
static const struct {
    HakoDomainStat stat;
    int second_stat;
} graph_stats[N_GRAPHS] = {
    [GRAPH_CPU] = {HAKO_DOMAIN_STAT_CPU, HAKO_DOMAIN_STAT_CPU_HOST},
    [GRAPH_MEMORY] = {HAKO_DOMAIN_STAT_MEMORY, -1},
    [GRAPH_DISK] = {HAKO_DOMAIN_STAT_DISK_READ, HAKO_DOMAIN_STAT_DISK_WRITE},
    [GRAPH_NETWORK] = {HAKO_DOMAIN_STAT_NET_RX, HAKO_DOMAIN_STAT_NET_TX},
};

/* ---------------------------------------------------------------------------------------- */
/* Following the guest and its host                                                         */

static void
update_title(HakoDetailsWindow *self)
{
    /* Translators: the title of a guest's window: "fedora on QEMU/KVM" */
    g_autofree char *title = g_strdup_printf(_("%s on %s"), hako_domain_get_name(self->domain),
                                             hako_host_get_label(self->host));

    gtk_window_set_title(GTK_WINDOW(self), title);
    atk_object_set_name(gtk_widget_get_accessible(GTK_WIDGET(self)), title);
    /* Two local hosts have the same label: a screen reader tells them apart by the URI. */
    atk_object_set_description(gtk_widget_get_accessible(GTK_WIDGET(self)),
                               hako_host_get_uri(self->host));
}

static void
update_host_state(HakoDetailsWindow *self)
{
    switch (hako_host_get_state(self->host)) {
    case HAKO_HOST_STATE_CONNECTED:
        gtk_widget_hide(GTK_WIDGET(self->host_info_bar));
        return;
    case HAKO_HOST_STATE_CONNECTING:
        gtk_label_set_text(self->host_state_label, _("Host disconnected, reconnecting…"));
        break;
    case HAKO_HOST_STATE_DISCONNECTED:
    default:
        gtk_label_set_text(self->host_state_label, _("Host disconnected"));
        break;
    }
    gtk_widget_show(GTK_WIDGET(self->host_info_bar));
}

static void
update_addresses(HakoDetailsWindow *self)
{
    const char *const *addresses = hako_domain_get_addresses(self->domain);
    g_autofree char *text = NULL;

    if (addresses == NULL || addresses[0] == NULL) {
        text = g_strdup(_("IP addresses: none reported"));
    } else {
        g_autofree char *list = g_strjoinv(", ", (char **)addresses);

        /* Translators: %s is a list of addresses: "192.168.1.5, fe80::1" */
        text = g_strdup_printf(_("IP addresses: %s"), list);
    }
    gtk_label_set_text(self->addresses_label, text);
}

static void
update_polled(HakoDetailsWindow *self)
{
    HakoStatsPolled polled = hako_host_get_polled_stats(self->host);

    for (guint i = 0; i < N_GRAPHS; i++)
        hako_graph_set_polled(self->graphs[i],
                              (polled & hako_domain_stat_polled_by(graph_stats[i].stat)) != 0);
}

static void
update_memory_maximum(HakoDetailsWindow *self)
{
    /* The model counts memory in KiB, the graph in bytes; 0 lets it scale to the data. */
    guint64 kib = hako_domain_get_max_memory(self->domain);

    hako_graph_set_maximum(self->graphs[GRAPH_MEMORY], (double)kib * 1024.0);
}

/* The guest, running (or paused by its user) on another connected host after a migration. */
static HakoDomain *
find_moved_guest(HakoDetailsWindow *self)
{
    GListModel *hosts = hako_connection_manager_get_hosts(self->manager);
    const char *uuid = hako_domain_get_uuid(self->domain);
    guint n = g_list_model_get_n_items(hosts);

    for (guint i = 0; i < n; i++) {
        g_autoptr(HakoHost) host = g_list_model_get_item(hosts, i);
        HakoDomain *domain;

        if (host == self->host || !hako_host_is_connected(host))
            continue;
        domain = hako_domain_list_lookup(hako_host_get_domains(host), uuid);
        if (domain != NULL && hako_domain_is_active(domain) &&
            !hako_domain_is_paused_by_migration(domain))
            return domain;
    }
    return NULL;
}

/* Hands over to the window of @domain, the same guest on its new host. */
static void
move_to(HakoDetailsWindow *self, HakoDomain *domain)
{
    HakoDetailsWindow *next = hako_details_window_lookup(domain);
    g_autoptr(GVariant) fullscreen =
        g_action_group_get_action_state(G_ACTION_GROUP(self), "fullscreen");

    g_debug("Guest %s moved to %s; its window follows", hako_domain_get_uuid(domain),
            hako_host_get_uri(hako_domain_get_host(domain)));
    if (next == NULL) {
        int x, y, width, height;

        next = g_object_new(HAKO_TYPE_DETAILS_WINDOW, "application",
                            gtk_window_get_application(GTK_WINDOW(self)), "manager", self->manager,
                            "domain", domain, "settings", self->settings, NULL);
        gtk_window_set_screen(GTK_WINDOW(next), gtk_window_get_screen(GTK_WINDOW(self)));
        if (!g_variant_get_boolean(fullscreen)) {
            gtk_window_get_position(GTK_WINDOW(self), &x, &y);
            gtk_window_get_size(GTK_WINDOW(self), &width, &height);
            gtk_window_move(GTK_WINDOW(next), x, y);
            gtk_window_resize(GTK_WINDOW(next), width, height);
        }
        hako_details_window_show_page(next, gtk_stack_get_visible_child_name(self->stack));
    }
    gtk_window_present(GTK_WINDOW(next));
    if (g_variant_get_boolean(fullscreen))
        g_action_group_change_action_state(G_ACTION_GROUP(next), "fullscreen",
                                           g_variant_new_boolean(TRUE));
    gtk_widget_destroy(GTK_WIDGET(self));
}

static gboolean
follow_cb(gpointer user_data)
{
    HakoDetailsWindow *self = user_data;
    HakoDomain *moved = find_moved_guest(self);

    if (moved != NULL) {
        self->follow_id = 0;
        move_to(self, moved);
        return G_SOURCE_REMOVE;
    }
    if (g_get_monotonic_time() < self->follow_deadline)
        return G_SOURCE_CONTINUE;
    self->follow_id = 0;
    g_debug("Guest %s did not turn up on another host", hako_domain_get_uuid(self->domain));
    /* Its definition went along (or it was transient): nothing is left here to show. */
    if (hako_domain_list_lookup(self->domains, hako_domain_get_uuid(self->domain)) != self->domain)
        gtk_widget_destroy(GTK_WIDGET(self));
    return G_SOURCE_REMOVE;
}

static void
follow_guest(HakoDetailsWindow *self)
{
    HakoDomain *moved;

    if (self->follow_id != 0)
        return;
    /* The new host's events may come before or after the old one's: look now, then often. */
    moved = find_moved_guest(self);
    if (moved != NULL) {
        move_to(self, moved);
        return;
    }
    self->follow_deadline = g_get_monotonic_time() + FOLLOW_TIMEOUT_S * G_USEC_PER_SEC;
    self->follow_id = g_timeout_add(FOLLOW_CHECK_MS, follow_cb, self);
}

static void
domain_notify_cb(HakoDetailsWindow *self, GParamSpec *pspec, HakoDomain *domain)
{
    const char *name = g_param_spec_get_name(pspec);

    if (g_str_equal(name, "name"))
        update_title(self);
    else if (g_str_equal(name, "state") || g_str_equal(name, "state-reason")) {
        if (hako_domain_has_moved_away(self->domain))
            follow_guest(self);
    } else if (g_str_equal(name, "addresses"))
        update_addresses(self);
    else if (g_str_equal(name, "max-memory"))
        update_memory_maximum(self);
}

static void
host_notify_cb(HakoDetailsWindow *self, GParamSpec *pspec, HakoHost *host)
{
    const char *name = g_param_spec_get_name(pspec);

    if (g_str_equal(name, "label"))
        update_title(self);
    else if (g_str_equal(name, "state"))
        update_host_state(self);
    else if (g_str_equal(name, "polled-stats"))
        update_polled(self);
}

/* The Performance page's tooltip: how often figures really come, and how often they were
 * asked for (a slow host makes the ticks wait for each other). */
static void
update_interval_tooltip(HakoDetailsWindow *self)
{
    GtkWidget *page = gtk_stack_get_child_by_name(self->stack, "performance");
    HakoStatsPoller *poller = hako_connection_manager_get_stats_poller(self->manager, self->host);
    g_autofree char *text = NULL;
    guint achieved;

    if (page == NULL)
        return;
    achieved = poller != NULL ? hako_stats_poller_get_achieved_interval(poller) : 0;
    if (achieved > 0)
        /* Translators: the tooltip of a guest's Performance page; times in seconds, such as
         * "New figures every 1.2 s (asked for every 1.0 s)" */
        text = g_strdup_printf(_("New figures every %.1f s (asked for every %.1f s)"),
                               achieved / 1000.0, hako_stats_poller_get_interval(poller) / 1000.0);
    if (g_strcmp0(text, gtk_widget_get_tooltip_text(page)) != 0)
        gtk_widget_set_tooltip_text(page, text);
}

static void
stats_updated_cb(HakoDetailsWindow *self, HakoHost *host)
{
    for (guint i = 0; i < N_GRAPHS; i++)
        hako_graph_refresh(self->graphs[i]);
    update_interval_tooltip(self);
}

/* While its Performance page is on screen, the window watches its guest's figures: all of
 * them, polled at the fast rate. */
static void
update_watch(HakoDetailsWindow *self)
{
    const char *page = gtk_stack_get_visible_child_name(self->stack);

    if (self->manager == NULL || self->domain == NULL)
        return;
    if (gtk_widget_get_mapped(GTK_WIDGET(self)) && g_strcmp0(page, "performance") == 0) {
        g_autoptr(GPtrArray) domains = g_ptr_array_new();

        g_ptr_array_add(domains, self->domain);
        hako_connection_manager_set_watched(self->manager, self, domains,
                                            HAKO_STATS_POLL_CPU | HAKO_STATS_POLL_MEMORY |
                                                HAKO_STATS_POLL_DISK | HAKO_STATS_POLL_NETWORK);
    } else {
        hako_connection_manager_set_watched(self->manager, self, NULL, HAKO_STATS_POLL_NONE);
    }
}

/* The guest is gone when its host's list no longer holds this very object. */
static void
domains_changed_cb(
    HakoDetailsWindow *self, guint position, guint removed, guint added, HakoDomainList *domains)
{
    if (removed == 0)
        return;
    if (hako_domain_list_lookup(domains, hako_domain_get_uuid(self->domain)) == self->domain)
        return;
    /* Gone after a migration: it may turn up on another host (follow_cb closes us if not). */
    if (hako_domain_has_moved_away(self->domain)) {
        follow_guest(self);
        return;
    }
    g_debug("Guest %s is gone; closing its window", hako_domain_get_uuid(self->domain));
    gtk_widget_destroy(GTK_WIDGET(self));
}

/* ---------------------------------------------------------------------------------------- */
/* Graphs                                                                                    */

static HakoGraph *
add_graph(HakoDetailsWindow *self,
          GraphSlot slot,
          GtkBox *box,
          HakoGraphKind kind,
          const char *title,
          const char *series_label,
          const char *second_series_label)
{
    HakoGraph *graph = HAKO_GRAPH(hako_graph_new(kind, title));
    int second_stat = graph_stats[slot].second_stat;

    hako_graph_set_history(graph,
                           hako_domain_get_stats_history(self->domain, graph_stats[slot].stat));
    hako_graph_set_series_label(graph, series_label);
    if (second_stat >= 0) {
        hako_graph_set_second_history(graph,
                                      hako_domain_get_stats_history(self->domain, second_stat));
        hako_graph_set_second_series_label(graph, second_series_label);
    }
    gtk_widget_set_hexpand(GTK_WIDGET(graph), TRUE);
    gtk_widget_set_vexpand(GTK_WIDGET(graph), TRUE);
    gtk_box_pack_start(box, GTK_WIDGET(graph), TRUE, TRUE, 0);
    /* Above anything the template already put in the slot (the addresses line). */
    gtk_box_reorder_child(box, GTK_WIDGET(graph), 0);
    gtk_widget_show(GTK_WIDGET(graph));
    return graph;
}

static void
add_graphs(HakoDetailsWindow *self)
{
    self->graphs[GRAPH_CPU] = add_graph(self, GRAPH_CPU, self->cpu_slot, HAKO_GRAPH_KIND_PERCENT,
                                        _("CPU usage"), C_("cpu", "Guest"), C_("cpu", "Host"));
    self->graphs[GRAPH_MEMORY] =
        add_graph(self, GRAPH_MEMORY, self->memory_slot, HAKO_GRAPH_KIND_BYTES, _("Memory usage"),
                  C_("memory", "In use"), NULL);
    self->graphs[GRAPH_DISK] = add_graph(self, GRAPH_DISK, self->disk_slot, HAKO_GRAPH_KIND_RATE,
                                         _("Disk I/O"), C_("disk", "Read"), C_("disk", "Write"));
    self->graphs[GRAPH_NETWORK] =
        add_graph(self, GRAPH_NETWORK, self->network_slot, HAKO_GRAPH_KIND_RATE, _("Network I/O"),
                  C_("network", "Receive"), C_("network", "Send"));
}

/* ---------------------------------------------------------------------------------------- */
/* Full screen                                                                               */

/*
 * F11 shows the guest alone: no sidebar, no toolbar; a small bar with Leave Full Screen and
 * Ctrl+Alt+Del slides down when the pointer touches the top edge of the screen, and a moment
 * after entering full screen so that the way out is seen once.
 */

static gboolean
hide_bar_cb(gpointer user_data)
{
    HakoDetailsWindow *self = user_data;

    self->hide_bar_id = 0;
    gtk_revealer_set_reveal_child(self->fullscreen_revealer, FALSE);
    return G_SOURCE_REMOVE;
}

static void
show_bar_for_a_moment(HakoDetailsWindow *self, guint ms)
{
    gtk_revealer_set_reveal_child(self->fullscreen_revealer, TRUE);
    g_clear_handle_id(&self->hide_bar_id, g_source_remove);
    self->hide_bar_id = g_timeout_add(ms, hide_bar_cb, self);
}

static gboolean
hot_zone_enter_cb(HakoDetailsWindow *self, GdkEventCrossing *event, GtkWidget *zone)
{
    gtk_revealer_set_reveal_child(self->fullscreen_revealer, TRUE);
    g_clear_handle_id(&self->hide_bar_id, g_source_remove);
    return GDK_EVENT_PROPAGATE;
}

static gboolean
fullscreen_bar_leave_cb(HakoDetailsWindow *self, GdkEventCrossing *event, GtkWidget *bar)
{
    /* Leaving into a child of the bar (a button) is not leaving it. */
    if (event->detail != GDK_NOTIFY_INFERIOR)
        show_bar_for_a_moment(self, 1000);
    return GDK_EVENT_PROPAGATE;
}

static void
set_fullscreen(HakoDetailsWindow *self, gboolean fullscreen)
{
    gtk_widget_set_visible(self->sidebar, !fullscreen);
    gtk_widget_set_visible(self->sidebar_separator, !fullscreen);
    gtk_widget_set_visible(self->hot_zone, fullscreen);
    if (self->console_page != NULL) {
        hako_console_page_set_toolbar_visible(self->console_page, !fullscreen);
        hako_console_page_set_fullscreen(self->console_page, fullscreen);
    }
    if (fullscreen) {
        gtk_stack_set_visible_child(self->stack, GTK_WIDGET(self->console_page));
        show_bar_for_a_moment(self, 2000);
    } else {
        g_clear_handle_id(&self->hide_bar_id, g_source_remove);
        gtk_revealer_set_reveal_child(self->fullscreen_revealer, FALSE);
    }
}

/* Without a window manager: cover the monitor by hand, and put the window back after. */
static void
fullscreen_by_hand(HakoDetailsWindow *self, gboolean fullscreen)
{
    GtkWindow *window = GTK_WINDOW(self);
    GAction *action = g_action_map_lookup_action(G_ACTION_MAP(self), "fullscreen");

    hako_window_cover_monitor(window, fullscreen, &self->saved_geometry);
    g_simple_action_set_state(G_SIMPLE_ACTION(action), g_variant_new_boolean(fullscreen));
    set_fullscreen(self, fullscreen);
}

/* A request: the window follows when the window manager says it is full screen. */
static void
fullscreen_changed(GSimpleAction *action, GVariant *value, gpointer user_data)
{
    HakoDetailsWindow *self = user_data;
    gboolean fullscreen = g_variant_get_boolean(value);

    if (!hako_window_manager_does_fullscreen(GTK_WIDGET(self)))
        fullscreen_by_hand(self, fullscreen);
    else if (fullscreen)
        gtk_window_fullscreen(GTK_WINDOW(self));
    else
        gtk_window_unfullscreen(GTK_WINDOW(self));
}

static gboolean
hako_details_window_window_state_event(GtkWidget *widget, GdkEventWindowState *event)
{
    HakoDetailsWindow *self = HAKO_DETAILS_WINDOW(widget);

    if ((event->changed_mask & GDK_WINDOW_STATE_FULLSCREEN) != 0) {
        gboolean fullscreen = (event->new_window_state & GDK_WINDOW_STATE_FULLSCREEN) != 0;
        GAction *action = g_action_map_lookup_action(G_ACTION_MAP(self), "fullscreen");

        g_simple_action_set_state(G_SIMPLE_ACTION(action), g_variant_new_boolean(fullscreen));
        set_fullscreen(self, fullscreen);
    }
    return GTK_WIDGET_CLASS(hako_details_window_parent_class)->window_state_event(widget, event);
}

static const GActionEntry win_entries[] = {
    {"fullscreen", NULL, NULL, "false", fullscreen_changed, {0}},
};

/* ---------------------------------------------------------------------------------------- */
/* GtkWidget                                                                                 */

/*
 * Escape and Ctrl+W close the window, before any child or accelerator sees them; but while the
 * guest's display has the keyboard, every key is the guest's first (Escape, Ctrl+W and the
 * application's shortcuts included), and only what it leaves reaches the window.
 */
static gboolean
hako_details_window_key_press_event(GtkWidget *widget, GdkEventKey *event)
{
    HakoDetailsWindow *self = HAKO_DETAILS_WINDOW(widget);
    GdkModifierType mods = event->state & gtk_accelerator_get_default_mod_mask();

    /* F11 is the window's even while the guest has the keyboard: it is the way back out. */
    if (event->keyval == GDK_KEY_F11 && mods == 0) {
        g_action_group_activate_action(G_ACTION_GROUP(self), "fullscreen", NULL);
        return GDK_EVENT_STOP;
    }
    if (self->console_page != NULL && hako_console_page_has_console_focus(self->console_page) &&
        gtk_window_propagate_key_event(GTK_WINDOW(widget), event))
        return GDK_EVENT_STOP;

    if ((event->keyval == GDK_KEY_Escape && mods == 0) ||
        ((event->keyval == GDK_KEY_w || event->keyval == GDK_KEY_W) && mods == GDK_CONTROL_MASK)) {
        gtk_window_close(GTK_WINDOW(widget));
        return GDK_EVENT_STOP;
    }
    return GTK_WIDGET_CLASS(hako_details_window_parent_class)->key_press_event(widget, event);
}

/* Closing with settings edited but not applied asks first (Preferences decides). */
static gboolean
hako_details_window_delete_event(GtkWidget *widget, GdkEventAny *event)
{
    HakoDetailsWindow *self = HAKO_DETAILS_WINDOW(widget);

    if (self->hardware != NULL && hako_hardware_pages_ask_before_closing(self->hardware))
        return GDK_EVENT_STOP;
    if (GTK_WIDGET_CLASS(hako_details_window_parent_class)->delete_event != NULL)
        return GTK_WIDGET_CLASS(hako_details_window_parent_class)->delete_event(widget, event);
    return GDK_EVENT_PROPAGATE;
}

/* ---------------------------------------------------------------------------------------- */
/* Trouble                                                                                   */

static void
trouble_action_done_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HakoTroubleBar) bar = user_data;
    g_autoptr(GError) error = NULL;

    if (hako_domain_ops_lifecycle_finish(HAKO_DOMAIN_OPS(source), result, &error) ||
        g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
    hako_trouble_bar_show_error(bar, error->message);
}

typedef struct {
    HakoDetailsWindow *self;
    HakoDomain *domain;
    HakoDomainAction action;
} TroubleAction;

static void
trouble_action_free(gpointer data)
{
    TroubleAction *t = data;

    g_clear_object(&t->self);
    g_clear_object(&t->domain);
    g_free(t);
}

static void
trouble_action_confirmed(gpointer data)
{
    TroubleAction *t = data;

    /* The guest may have changed, or the window closed, while the question was open. */
    if (t->self->trouble_bar == NULL || !hako_domain_can(t->domain, t->action))
        return;
    hako_domain_ops_lifecycle_async(t->self->ops, t->domain, t->action, NULL,
                                    trouble_action_done_cb, g_object_ref(t->self->trouble_bar));
}

/* The bar's Resume, Force Off (asked first, as the manager's) and Run, for this guest. */
static void
trouble_action_cb(HakoDetailsWindow *self, HakoDomain *domain, int action, HakoTroubleBar *bar)
{
    TroubleAction *t;

    if (!hako_domain_can(domain, action))
        return;
    t = g_new0(TroubleAction, 1);
    t->self = g_object_ref(self);
    t->domain = g_object_ref(domain);
    t->action = action;
    hako_confirm_domain_action(GTK_WINDOW(self), self->settings, domain, action,
                               trouble_action_confirmed, t, trouble_action_free);
}

static void
add_trouble_bar(HakoDetailsWindow *self)
{
    GtkWidget *parent = gtk_widget_get_parent(GTK_WIDGET(self->host_info_bar));
    int position = 0;

    self->ops = hako_domain_ops_new(self->manager);
    self->trouble_bar = HAKO_TROUBLE_BAR(hako_trouble_bar_new(self->manager));
    gtk_container_add(GTK_CONTAINER(parent), GTK_WIDGET(self->trouble_bar));
    gtk_container_child_get(GTK_CONTAINER(parent), GTK_WIDGET(self->host_info_bar), "position",
                            &position, NULL);
    gtk_box_reorder_child(GTK_BOX(parent), GTK_WIDGET(self->trouble_bar), position + 1);
    g_signal_connect_object(self->trouble_bar, "action", G_CALLBACK(trouble_action_cb), self,
                            G_CONNECT_SWAPPED);
    hako_trouble_bar_set_domain(self->trouble_bar, self->domain);
}

/* ---------------------------------------------------------------------------------------- */
/* GObject                                                                                   */

static void
hako_details_window_constructed(GObject *object)
{
    HakoDetailsWindow *self = HAKO_DETAILS_WINDOW(object);
    GtkWidget *xml_page;
    GtkWidget *snapshots_page;

    G_OBJECT_CLASS(hako_details_window_parent_class)->constructed(object);

    g_assert(HAKO_IS_CONNECTION_MANAGER(self->manager));
    g_assert(HAKO_IS_DOMAIN(self->domain));

    self->host = g_object_ref(hako_domain_get_host(self->domain));
    self->domains = g_object_ref(hako_host_get_domains(self->host));

    add_graphs(self);
    add_trouble_bar(self);
    self->console_page =
        HAKO_CONSOLE_PAGE(hako_console_page_new(self->manager, self->domain, self->settings));
    gtk_widget_show(GTK_WIDGET(self->console_page));
    /* Translators: the page of a guest's window that shows its screen */
    gtk_stack_add_titled(self->stack, GTK_WIDGET(self->console_page), "console", _("Console"));
    gtk_container_child_set(GTK_CONTAINER(self->stack), GTK_WIDGET(self->console_page), "position",
                            0, NULL);
    gtk_stack_set_visible_child(self->stack, GTK_WIDGET(self->console_page));
    /* The full-screen bar's Ctrl+Alt+Del is the page's. */
    gtk_widget_insert_action_group(GTK_WIDGET(self), "console",
                                   hako_console_page_get_actions(self->console_page));
    snapshots_page = hako_snapshots_page_new(self->manager, self->domain);
    gtk_widget_show(snapshots_page);
    gtk_stack_add_titled(self->stack, snapshots_page, "snapshots", _("Snapshots"));
    self->hardware =
        hako_hardware_pages_new(self->stack, self->manager, self->domain, self->settings);
    xml_page = hako_xml_page_new(self->manager, self->domain);
    gtk_widget_show(xml_page);
    /* Translators: the page of a guest's window with its libvirt XML */
    gtk_stack_add_titled(self->stack, xml_page, "xml", _("XML"));
    g_signal_connect_object(xml_page, "defined", G_CALLBACK(hako_hardware_pages_reload),
                            self->hardware, G_CONNECT_SWAPPED);
    update_title(self);
    update_host_state(self);
    update_addresses(self);
    update_polled(self);
    update_memory_maximum(self);

    g_signal_connect_object(self->domain, "notify", G_CALLBACK(domain_notify_cb), self,
                            G_CONNECT_SWAPPED);
    g_signal_connect_object(self->host, "notify", G_CALLBACK(host_notify_cb), self,
                            G_CONNECT_SWAPPED);
    g_signal_connect_object(self->host, "stats-updated", G_CALLBACK(stats_updated_cb), self,
                            G_CONNECT_SWAPPED);
    g_signal_connect_object(self->domains, "items-changed", G_CALLBACK(domains_changed_cb), self,
                            G_CONNECT_SWAPPED);
    g_signal_connect_object(self->stack, "notify::visible-child", G_CALLBACK(update_watch), self,
                            G_CONNECT_SWAPPED);
    g_signal_connect(self, "map", G_CALLBACK(update_watch), NULL);
    g_signal_connect(self, "unmap", G_CALLBACK(update_watch), NULL);
    update_interval_tooltip(self);
}

static void
hako_details_window_dispose(GObject *object)
{
    HakoDetailsWindow *self = HAKO_DETAILS_WINDOW(object);

    /* The model outlives the window: stop listening now rather than at finalize. */
    g_clear_handle_id(&self->hide_bar_id, g_source_remove);
    g_clear_handle_id(&self->follow_id, g_source_remove);
    if (self->trouble_bar != NULL)
        hako_trouble_bar_set_domain(self->trouble_bar, NULL);
    self->trouble_bar = NULL; /* a child: destroyed with the window */
    g_clear_object(&self->ops);
    if (self->domain != NULL)
        g_signal_handlers_disconnect_by_data(self->domain, self);
    if (self->host != NULL)
        g_signal_handlers_disconnect_by_data(self->host, self);
    if (self->domains != NULL)
        g_signal_handlers_disconnect_by_data(self->domains, self);
    for (guint i = 0; i < N_GRAPHS; i++)
        self->graphs[i] = NULL;
    self->console_page = NULL;
    if (self->hardware != NULL) {
        /* a read or an apply still running ends without touching the pages */
        g_object_run_dispose(G_OBJECT(self->hardware));
        g_clear_object(&self->hardware);
    }

    if (self->manager != NULL)
        hako_connection_manager_set_watched(self->manager, self, NULL, HAKO_STATS_POLL_NONE);
    g_clear_object(&self->domains);
    g_clear_object(&self->host);
    g_clear_object(&self->domain);
    g_clear_object(&self->manager);
    g_clear_object(&self->settings);

    G_OBJECT_CLASS(hako_details_window_parent_class)->dispose(object);
}

static void
hako_details_window_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
    HakoDetailsWindow *self = HAKO_DETAILS_WINDOW(object);

    switch (prop_id) {
    case PROP_MANAGER:
        g_value_set_object(value, self->manager);
        break;
    case PROP_DOMAIN:
        g_value_set_object(value, self->domain);
        break;
    case PROP_SETTINGS:
        g_value_set_object(value, self->settings);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    }
}

static void
hako_details_window_set_property(GObject *object,
                                 guint prop_id,
                                 const GValue *value,
                                 GParamSpec *pspec)
{
    HakoDetailsWindow *self = HAKO_DETAILS_WINDOW(object);

    switch (prop_id) {
    case PROP_MANAGER:
        self->manager = g_value_dup_object(value);
        break;
    case PROP_DOMAIN:
        self->domain = g_value_dup_object(value);
        break;
    case PROP_SETTINGS:
        self->settings = g_value_dup_object(value);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    }
}

static void
hako_details_window_class_init(HakoDetailsWindowClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);
    const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

    object_class->constructed = hako_details_window_constructed;
    object_class->dispose = hako_details_window_dispose;
    object_class->get_property = hako_details_window_get_property;
    object_class->set_property = hako_details_window_set_property;
    widget_class->key_press_event = hako_details_window_key_press_event;
    widget_class->delete_event = hako_details_window_delete_event;
    widget_class->window_state_event = hako_details_window_window_state_event;

    properties[PROP_MANAGER] =
        g_param_spec_object("manager", NULL, NULL, HAKO_TYPE_CONNECTION_MANAGER, flags);
    properties[PROP_DOMAIN] = g_param_spec_object("domain", NULL, NULL, HAKO_TYPE_DOMAIN, flags);
    /* For the pages to come (console scaling, and so on); may be NULL. */
    properties[PROP_SETTINGS] = g_param_spec_object("settings", NULL, NULL, G_TYPE_SETTINGS, flags);
    g_object_class_install_properties(object_class, N_PROPS, properties);

    gtk_widget_class_set_template_from_resource(widget_class,
                                                RESOURCE_PREFIX "/ui/hako-details-window.ui");
    gtk_widget_class_bind_template_child(widget_class, HakoDetailsWindow, sidebar);
    gtk_widget_class_bind_template_child(widget_class, HakoDetailsWindow, sidebar_separator);
    gtk_widget_class_bind_template_child(widget_class, HakoDetailsWindow, hot_zone);
    gtk_widget_class_bind_template_child(widget_class, HakoDetailsWindow, fullscreen_revealer);
    gtk_widget_class_bind_template_child(widget_class, HakoDetailsWindow, stack);
    gtk_widget_class_bind_template_callback(widget_class, hot_zone_enter_cb);
    gtk_widget_class_bind_template_callback(widget_class, fullscreen_bar_leave_cb);
    gtk_widget_class_bind_template_child(widget_class, HakoDetailsWindow, host_info_bar);
    gtk_widget_class_bind_template_child(widget_class, HakoDetailsWindow, host_state_label);
    gtk_widget_class_bind_template_child(widget_class, HakoDetailsWindow, cpu_slot);
    gtk_widget_class_bind_template_child(widget_class, HakoDetailsWindow, memory_slot);
    gtk_widget_class_bind_template_child(widget_class, HakoDetailsWindow, disk_slot);
    gtk_widget_class_bind_template_child(widget_class, HakoDetailsWindow, network_slot);
    gtk_widget_class_bind_template_child(widget_class, HakoDetailsWindow, addresses_label);
}

static void
hako_details_window_init(HakoDetailsWindow *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
    g_action_map_add_action_entries(G_ACTION_MAP(self), win_entries, G_N_ELEMENTS(win_entries),
                                    self);
}

/* ---------------------------------------------------------------------------------------- */
/* Public API                                                                                */

/**
 * hako_details_window_lookup:
 * @domain: a guest
 *
 * Returns: (transfer none) (nullable): the open window of @domain, if any.
 */
HakoDetailsWindow *
hako_details_window_lookup(HakoDomain *domain)
{
    g_autoptr(GList) toplevels = NULL;

    g_return_val_if_fail(HAKO_IS_DOMAIN(domain), NULL);

    toplevels = gtk_window_list_toplevels();
    for (GList *l = toplevels; l != NULL; l = l->next)
        if (HAKO_IS_DETAILS_WINDOW(l->data) && HAKO_DETAILS_WINDOW(l->data)->domain == domain)
            return l->data;
    return NULL;
}

/**
 * hako_details_window_present:
 * @parent: (nullable): the window it is opened from, whose application it joins
 * @manager: the connection manager
 * @domain: the guest
 * @settings: (nullable): the org.hako.Hako settings
 *
 * Presents the window of @domain, creating it if it is not open yet.
 */
void
hako_details_window_present(GtkWindow *parent,
                            HakoConnectionManager *manager,
                            HakoDomain *domain,
                            GSettings *settings)
{
    HakoDetailsWindow *window;

    g_return_if_fail(parent == NULL || GTK_IS_WINDOW(parent));
    g_return_if_fail(HAKO_IS_CONNECTION_MANAGER(manager));
    g_return_if_fail(HAKO_IS_DOMAIN(domain));
    g_return_if_fail(settings == NULL || G_IS_SETTINGS(settings));

    window = hako_details_window_lookup(domain);
    if (window == NULL) {
        /* Not transient: a guest's window is a peer of the manager, not a dialog of it. */
        window = g_object_new(HAKO_TYPE_DETAILS_WINDOW, "application",
                              parent != NULL ? gtk_window_get_application(parent) : NULL, "manager",
                              manager, "domain", domain, "settings", settings, NULL);
        hako_widgets_remember_geometry(GTK_WINDOW(window), settings, "details-window");
        if (parent != NULL)
            gtk_window_set_screen(GTK_WINDOW(window), gtk_window_get_screen(parent));
    }
    gtk_window_present(GTK_WINDOW(window));
}

/**
 * hako_details_window_get_domain:
 *
 * Returns: (transfer none): the guest the window shows.
 */
HakoDomain *
hako_details_window_get_domain(HakoDetailsWindow *self)
{
    g_return_val_if_fail(HAKO_IS_DETAILS_WINDOW(self), NULL);
    return self->domain;
}

/**
 * hako_details_window_show_page:
 * @page: "console" or "performance"
 *
 * Shows one of the window's pages (the window opens on its console).
 */
void
hako_details_window_show_page(HakoDetailsWindow *self, const char *page)
{
    g_return_if_fail(HAKO_IS_DETAILS_WINDOW(self));
    g_return_if_fail(page != NULL);
    g_return_if_fail(gtk_stack_get_child_by_name(self->stack, page) != NULL);

    gtk_stack_set_visible_child_name(self->stack, page);
}
