/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The guest and connection windows over a test-driver host: titles, graphs, redraws on new
 * figures, one window per object, closing with their guest or host; and the Polling page of the
 * preferences. Needs a display (the ui suite runs under Xvfb); saves a picture of each window
 * into meson-logs. */
#include "config.h"

#include "hako-connection-manager.h"
#include "hako-details-window.h"
#include "hako-domain-private.h"
#include "hako-engine.h"
#include "hako-graph.h"
#include "hako-host-private.h"
#include "hako-host-window.h"
#include "hako-preferences-window.h"
#include "hako-stats-poller-private.h"
#include "hako-ui.h"

#include <math.h>
#include <string.h>

#define GUEST_UUID "6861686b-6f00-4000-8000-000000000001"
#define GUEST_NAME "tdguest-running-01"
#define OTHER_UUID "6861686b-6f00-4000-8000-000000000002"

typedef struct {
    char *uri;
    GtkApplication *app; /* test_app */
    GSettings *settings;
    HakoConnectionManager *manager;
    GtkWidget *parent;
    HakoHost *host;
    HakoDomain *domain;
} Fixture;

/* One for the whole run: a registered GtkApplication keeps a reference to itself, so a second
 * one could not take the same name on the bus. */
static GtkApplication *test_app;

typedef gboolean (*Predicate)(gpointer data);

static gboolean
wait_for(Predicate done, gpointer data, guint timeout_ms)
{
    gint64 deadline = g_get_monotonic_time() + timeout_ms * (gint64)1000;

    while (!done(data) && g_get_monotonic_time() < deadline)
        g_main_context_iteration(NULL, FALSE) || (g_usleep(1000), TRUE);
    while (g_main_context_iteration(NULL, FALSE))
        ;
    return done(data);
}

static gboolean
host_settled(gpointer data)
{
    Fixture *f = data;

    return hako_host_get_state(f->host) != HAKO_HOST_STATE_CONNECTING;
}

static gboolean
host_disconnected(gpointer data)
{
    Fixture *f = data;

    return hako_host_get_state(f->host) == HAKO_HOST_STATE_DISCONNECTED;
}

static gboolean
is_null(gpointer data)
{
    return *(gpointer *)data == NULL;
}

static gboolean
is_mapped(gpointer data)
{
    return gtk_widget_get_mapped(data);
}

static void
fixture_set_up(Fixture *f, gconstpointer data)
{
    f->uri = g_strdup_printf("test://%s",
                             g_test_get_filename(G_TEST_DIST, "data", "testdriver.xml", NULL));
    f->app = test_app;
    f->settings = g_settings_new(APP_ID);
    f->manager = hako_connection_manager_new(NULL);
    /* Stands in for the manager window: the windows join its application. */
    f->parent = gtk_application_window_new(f->app);

    f->host = hako_connection_manager_add(f->manager, f->uri, HAKO_CONNECT_NONE);
    hako_connection_manager_connect(f->manager, f->host);
    g_assert_true(wait_for(host_settled, f, 10000));
    g_assert_cmpint(hako_host_get_state(f->host), ==, HAKO_HOST_STATE_CONNECTED);
    f->domain = hako_domain_list_lookup(hako_host_get_domains(f->host), GUEST_UUID);
    g_assert_nonnull(f->domain);
}

static void
fixture_tear_down(Fixture *f, gconstpointer data)
{
    gtk_widget_destroy(f->parent);
    g_clear_object(&f->manager);
    g_clear_object(&f->settings);
    while (g_main_context_iteration(NULL, FALSE))
        ;
    g_free(f->uri);
}

/* ---------------------------------------------------------------------------------------- */

static void
collect_graphs(GtkWidget *widget, gpointer data)
{
    GPtrArray *graphs = data;

    if (HAKO_IS_GRAPH(widget))
        g_ptr_array_add(graphs, widget);
    else if (GTK_IS_CONTAINER(widget))
        gtk_container_forall(GTK_CONTAINER(widget), collect_graphs, graphs);
}

static HakoGraph *
graph_titled(GPtrArray *graphs, const char *title)
{
    for (guint i = 0; i < graphs->len; i++)
        if (g_strcmp0(hako_graph_get_title(graphs->pdata[i]), title) == 0)
            return graphs->pdata[i];
    g_assert_not_reached();
    return NULL;
}

static GtkLabel *
find_label_starting(GtkWidget *widget, const char *prefix)
{
    g_autoptr(GList) children = NULL;

    if (GTK_IS_LABEL(widget) && g_str_has_prefix(gtk_label_get_text(GTK_LABEL(widget)), prefix))
        return GTK_LABEL(widget);
    if (!GTK_IS_CONTAINER(widget))
        return NULL;
    children = gtk_container_get_children(GTK_CONTAINER(widget));
    for (GList *l = children; l != NULL; l = l->next) {
        GtkLabel *found = find_label_starting(l->data, prefix);

        if (found != NULL)
            return found;
    }
    return NULL;
}

/* A picture of the window as drawn now, into meson-logs for whoever reviews the run. */
static void
save_picture(GtkWidget *window, const char *name)
{
    int width = gtk_widget_get_allocated_width(window);
    int height = gtk_widget_get_allocated_height(window);
    g_autofree char *dir =
        g_build_filename(g_getenv("G_TEST_BUILDDIR") != NULL ? g_getenv("G_TEST_BUILDDIR") : ".",
                         "..", "meson-logs", NULL);
    g_autofree char *path = NULL;
    cairo_surface_t *surface;
    cairo_t *cr;

    g_assert_cmpint(width, >, 1);
    g_assert_cmpint(height, >, 1);
    surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, width, height);
    cr = cairo_create(surface);
    gtk_widget_draw(window, cr);
    cairo_destroy(cr);
    if (g_mkdir_with_parents(dir, 0755) == 0) {
        path = g_build_filename(dir, name, NULL);
        g_assert_cmpint(cairo_surface_write_to_png(surface, path), ==, CAIRO_STATUS_SUCCESS);
        g_test_message("Saved %s", path);
    }
    cairo_surface_destroy(surface);
}

static gboolean
count_draw_cb(GtkWidget *widget, cairo_t *cr, guint *count)
{
    (*count)++;
    return GDK_EVENT_PROPAGATE;
}

typedef struct {
    guint *count;
    guint above;
} CountAbove;

static gboolean
count_above(gpointer data)
{
    CountAbove *c = data;

    return *c->count > c->above;
}

/* A triangle wave between 0 and 1 with the given period, for figures that move. */
static double
wave(guint i, guint period)
{
    guint phase = i % period;

    return phase < period / 2 ? 2.0 * phase / period : 2.0 * (period - phase) / period;
}

/* Feeds the guest and its host a few ticks of figures, as the poller would. */
static void
push_ticks(Fixture *f, guint n)
{
    for (guint i = 0; i < n; i++) {
        double domain_values[HAKO_N_DOMAIN_STATS] = {
            [HAKO_DOMAIN_STAT_CPU] = 10.0 + 80.0 * wave(i, 12),
            [HAKO_DOMAIN_STAT_CPU_HOST] = 2.0 + 15.0 * wave(i, 12),
            [HAKO_DOMAIN_STAT_MEMORY] = (256.0 + i) * 1024 * 1024,
            /* A gap now and then, as when a counter resets. */
            [HAKO_DOMAIN_STAT_DISK_READ] = i % 7 == 3 ? NAN : 3.0e6 * wave(i, 8),
            [HAKO_DOMAIN_STAT_DISK_WRITE] = 8.0e5 * wave(i + 4, 8),
            [HAKO_DOMAIN_STAT_NET_RX] = 4.0e5 * wave(i, 16),
            [HAKO_DOMAIN_STAT_NET_TX] = 1.0e5 * wave(i + 8, 16),
        };
        double host_values[HAKO_N_HOST_STATS] = {
            [HAKO_HOST_STAT_CPU] = 10.0 + 40.0 * wave(i, 20),
            [HAKO_HOST_STAT_MEMORY] = 8.0 * 1024 * 1024 * 1024 + i * 1e7,
        };

        _hako_domain_push_stats(f->domain, domain_values);
        _hako_host_push_stats(f->host, host_values);
    }
    _hako_host_emit_stats_updated(f->host);
}

/* ---------------------------------------------------------------------------------------- */

static void
test_details_window(Fixture *f, gconstpointer data)
{
    const char *const addresses[] = {"192.168.1.5", "fe80::1", NULL};
    g_autofree char *title = g_strdup_printf("%s on %s", GUEST_NAME, hako_host_get_label(f->host));
    g_autoptr(GPtrArray) graphs = g_ptr_array_new();
    HakoDetailsWindow *window;
    HakoGraph *cpu, *memory, *disk, *network;
    GtkLabel *addresses_label;
    GtkLabel *state_label;
    guint draws = 0;
    CountAbove redrawn = {&draws, 0};
    gpointer weak;

    g_assert_null(hako_details_window_lookup(f->domain));
    hako_details_window_present(GTK_WINDOW(f->parent), f->manager, f->domain, f->settings);
    window = hako_details_window_lookup(f->domain);
    g_assert_nonnull(window);
    g_assert_true(hako_details_window_get_domain(window) == f->domain);
    g_assert_true(gtk_window_get_application(GTK_WINDOW(window)) == f->app);
    g_assert_true(wait_for(is_mapped, window, 5000));
    /* It opens on the console; the graphs are on the Performance page. */
    hako_details_window_show_page(window, "performance");

    /* Its title, which is also its accessible name. */
    g_assert_cmpstr(gtk_window_get_title(GTK_WINDOW(window)), ==, title);
    g_assert_cmpstr(atk_object_get_name(gtk_widget_get_accessible(GTK_WIDGET(window))), ==, title);

    /* Four graphs, each with its kind and series. */
    collect_graphs(GTK_WIDGET(window), graphs);
    g_assert_cmpuint(graphs->len, ==, 4);
    cpu = graph_titled(graphs, "CPU usage");
    memory = graph_titled(graphs, "Memory usage");
    disk = graph_titled(graphs, "Disk I/O");
    network = graph_titled(graphs, "Network I/O");
    g_assert_cmpint(hako_graph_get_kind(cpu), ==, HAKO_GRAPH_KIND_PERCENT);
    g_assert_true(hako_graph_get_history(cpu) ==
                  hako_domain_get_stats_history(f->domain, HAKO_DOMAIN_STAT_CPU));
    g_assert_true(hako_graph_get_second_history(cpu) ==
                  hako_domain_get_stats_history(f->domain, HAKO_DOMAIN_STAT_CPU_HOST));
    g_assert_cmpint(hako_graph_get_kind(memory), ==, HAKO_GRAPH_KIND_BYTES);
    /* 512 MiB in the test driver's XML, in bytes. */
    g_assert_cmpfloat(hako_graph_get_maximum(memory), ==, 512.0 * 1024 * 1024);
    g_assert_cmpint(hako_graph_get_kind(disk), ==, HAKO_GRAPH_KIND_RATE);
    g_assert_true(hako_graph_get_second_history(disk) ==
                  hako_domain_get_stats_history(f->domain, HAKO_DOMAIN_STAT_DISK_WRITE));
    g_assert_cmpint(hako_graph_get_kind(network), ==, HAKO_GRAPH_KIND_RATE);
    g_assert_true(hako_graph_get_history(network) ==
                  hako_domain_get_stats_history(f->domain, HAKO_DOMAIN_STAT_NET_RX));

    /* "polled" follows the host's flags. */
    _hako_host_set_polled_stats(f->host, HAKO_STATS_POLL_CPU | HAKO_STATS_POLL_MEMORY);
    g_assert_true(hako_graph_get_polled(cpu));
    g_assert_true(hako_graph_get_polled(memory));
    g_assert_false(hako_graph_get_polled(disk));
    g_assert_false(hako_graph_get_polled(network));
    _hako_host_set_polled_stats(f->host, HAKO_STATS_POLL_CPU | HAKO_STATS_POLL_MEMORY |
                                             HAKO_STATS_POLL_DISK | HAKO_STATS_POLL_NETWORK);
    g_assert_true(hako_graph_get_polled(disk));
    g_assert_true(hako_graph_get_polled(network));

    /* The addresses line follows the guest's addresses. */
    addresses_label = find_label_starting(GTK_WIDGET(window), "IP addresses:");
    g_assert_nonnull(addresses_label);
    _hako_domain_set_addresses(f->domain, NULL);
    g_assert_cmpstr(gtk_label_get_text(addresses_label), ==, "IP addresses: none reported");
    _hako_domain_set_addresses(f->domain, addresses);
    g_assert_cmpstr(gtk_label_get_text(addresses_label), ==, "IP addresses: 192.168.1.5, fe80::1");

    /* New figures redraw the graphs, with no warning (they are fatal here). */
    g_signal_connect(network, "draw", G_CALLBACK(count_draw_cb), &draws);
    while (g_main_context_iteration(NULL, FALSE))
        ;
    redrawn.above = draws;
    push_ticks(f, 40);
    g_assert_true(wait_for(count_above, &redrawn, 5000));
    save_picture(GTK_WIDGET(window), "details-window.png");

    /* The title follows a rename. */
    {
        g_autoptr(HakoDomainFacts) facts = _hako_domain_facts_new();

        facts->uuid = g_strdup(hako_domain_get_uuid(f->domain));
        facts->name = g_strdup("renamed-guest");
        facts->id = hako_domain_get_id(f->domain);
        facts->state = hako_domain_get_state(f->domain);
        facts->reason = hako_domain_get_state_reason(f->domain);
        facts->vcpus = hako_domain_get_vcpus(f->domain);
        facts->memory = hako_domain_get_memory(f->domain);
        facts->max_memory = hako_domain_get_max_memory(f->domain);
        facts->persistent = hako_domain_get_persistent(f->domain);
        _hako_domain_apply_facts(f->domain, facts);
        g_free(title);
        title = g_strdup_printf("renamed-guest on %s", hako_host_get_label(f->host));
        g_assert_cmpstr(gtk_window_get_title(GTK_WINDOW(window)), ==, title);
        g_assert_cmpstr(atk_object_get_name(gtk_widget_get_accessible(GTK_WIDGET(window))), ==,
                        title);
    }

    /* A line says when the host is not connected (its guests still listed meanwhile). */
    state_label = find_label_starting(GTK_WIDGET(window), "Host disconnected");
    g_assert_nonnull(state_label);
    g_assert_false(gtk_widget_is_visible(GTK_WIDGET(state_label)));
    _hako_host_set_state(f->host, HAKO_HOST_STATE_CONNECTING, NULL);
    g_assert_true(gtk_widget_is_visible(GTK_WIDGET(state_label)));
    _hako_host_set_state(f->host, HAKO_HOST_STATE_CONNECTED, NULL);
    g_assert_false(gtk_widget_is_visible(GTK_WIDGET(state_label)));

    weak = window;
    g_object_add_weak_pointer(G_OBJECT(window), &weak);
    gtk_widget_destroy(GTK_WIDGET(window));
    g_assert_null(hako_details_window_lookup(f->domain));
    g_assert_true(wait_for(is_null, &weak, 2000));
}

static void
send_key(GtkWidget *window, guint keyval, GdkModifierType state)
{
    GdkEvent *event = gdk_event_new(GDK_KEY_PRESS);

    event->key.window = g_object_ref(gtk_widget_get_window(window));
    event->key.keyval = keyval;
    event->key.state = state;
    event->key.time = GDK_CURRENT_TIME;
    gdk_event_set_device(
        event, gdk_seat_get_keyboard(gdk_display_get_default_seat(gtk_widget_get_display(window))));
    gtk_widget_event(window, event);
    gdk_event_free(event);
}

static void
test_details_window_once(Fixture *f, gconstpointer data)
{
    HakoDomain *other = hako_domain_list_lookup(hako_host_get_domains(f->host), OTHER_UUID);
    HakoDetailsWindow *window;
    HakoDetailsWindow *other_window;
    gpointer weak;

    g_assert_nonnull(other);

    /* Presenting again gives the same window; another guest gets its own. */
    hako_details_window_present(GTK_WINDOW(f->parent), f->manager, f->domain, f->settings);
    window = hako_details_window_lookup(f->domain);
    hako_details_window_present(GTK_WINDOW(f->parent), f->manager, f->domain, f->settings);
    g_assert_true(hako_details_window_lookup(f->domain) == window);
    hako_details_window_present(NULL, f->manager, other, NULL);
    other_window = hako_details_window_lookup(other);
    g_assert_nonnull(other_window);
    g_assert_true(other_window != window);
    g_assert_true(wait_for(is_mapped, window, 5000));
    g_assert_true(wait_for(is_mapped, other_window, 5000));

    /* Escape closes one, Ctrl+W the other. */
    weak = window;
    g_object_add_weak_pointer(G_OBJECT(window), &weak);
    send_key(GTK_WIDGET(window), GDK_KEY_Escape, 0);
    g_assert_true(wait_for(is_null, &weak, 2000));
    g_assert_null(hako_details_window_lookup(f->domain));

    weak = other_window;
    g_object_add_weak_pointer(G_OBJECT(other_window), &weak);
    send_key(GTK_WIDGET(other_window), GDK_KEY_w, GDK_CONTROL_MASK);
    g_assert_true(wait_for(is_null, &weak, 2000));
    g_assert_null(hako_details_window_lookup(other));
}

typedef struct {
    GtkWindow *window;
    int width;
    int height;
} Size;

static gboolean
has_size(gpointer data)
{
    Size *size = data;
    int width = 0;
    int height = 0;

    gtk_window_get_size(size->window, &width, &height);
    return width == size->width && height == size->height;
}

/* A guest's window closed at some size gives that size to the next one. */
static void
test_details_window_remembers_size(Fixture *f, gconstpointer data)
{
    HakoDetailsWindow *window;
    Size size = {NULL, 1113, 717}; /* more than its least width */
    gpointer weak;
    int width = 0;
    int height = 0;

    g_settings_reset(f->settings, "details-window-width");
    g_settings_reset(f->settings, "details-window-height");
    hako_details_window_present(GTK_WINDOW(f->parent), f->manager, f->domain, f->settings);
    window = hako_details_window_lookup(f->domain);
    g_assert_true(wait_for(is_mapped, window, 5000));
    size.window = GTK_WINDOW(window);
    gtk_window_resize(GTK_WINDOW(window), size.width, size.height);
    g_assert_true(wait_for(has_size, &size, 5000));
    weak = window;
    g_object_add_weak_pointer(G_OBJECT(window), &weak);
    gtk_widget_destroy(GTK_WIDGET(window));
    g_assert_true(wait_for(is_null, &weak, 2000));
    width = g_settings_get_int(f->settings, "details-window-width");
    height = g_settings_get_int(f->settings, "details-window-height");
    g_assert_cmpint(width, ==, size.width);
    g_assert_cmpint(height, ==, size.height);

    hako_details_window_present(GTK_WINDOW(f->parent), f->manager, f->domain, f->settings);
    window = hako_details_window_lookup(f->domain);
    size.window = GTK_WINDOW(window);
    g_assert_true(wait_for(is_mapped, window, 5000));
    g_assert_true(wait_for(has_size, &size, 5000));
    gtk_widget_destroy(GTK_WIDGET(window));
    g_settings_reset(f->settings, "details-window-width");
    g_settings_reset(f->settings, "details-window-height");
}

typedef struct {
    GtkWindow *window;
    int x;
    int y;
} Position;

static gboolean
has_position(gpointer data)
{
    Position *position = data;
    int x = -1;
    int y = -1;

    gtk_window_get_position(position->window, &x, &y);
    return x == position->x && y == position->y;
}

static HakoDetailsWindow *
present_mapped(Fixture *f, HakoDomain *domain)
{
    HakoDetailsWindow *window;

    hako_details_window_present(GTK_WINDOW(f->parent), f->manager, domain, f->settings);
    window = hako_details_window_lookup(domain);
    g_assert_true(wait_for(is_mapped, window, 5000));
    return window;
}

static void
destroy_and_wait(gpointer window)
{
    gpointer weak = window;

    g_object_add_weak_pointer(G_OBJECT(window), &weak);
    gtk_widget_destroy(GTK_WIDGET(window));
    g_assert_true(wait_for(is_null, &weak, 2000));
}

/* A guest's window closed somewhere opens the next one there (Xvfb has no window manager, so
 * the position asked for is the position got); a position off every monitor is not used, and
 * a second guest's window open at the same time is left where the window manager puts it. */
static void
test_details_window_remembers_position(Fixture *f, gconstpointer data)
{
    g_autoptr(HakoDomain) other =
        g_object_ref(hako_domain_list_lookup(hako_host_get_domains(f->host), OTHER_UUID));
    HakoDetailsWindow *window;
    HakoDetailsWindow *second;
    Position position = {NULL, 137, 89};
    int x = -1;
    int y = -1;

    g_settings_reset(f->settings, "details-window-position");
    window = present_mapped(f, f->domain);
    gtk_window_move(GTK_WINDOW(window), position.x, position.y);
    position.window = GTK_WINDOW(window);
    g_assert_true(wait_for(has_position, &position, 5000));
    destroy_and_wait(window);
    {
        g_autoptr(GVariant) value = g_settings_get_value(f->settings, "details-window-position");
        gsize n = 0;
        const gint32 *xy = g_variant_get_fixed_array(value, &n, sizeof(gint32));

        g_assert_cmpuint(n, ==, 2);
        g_assert_cmpint(xy[0], ==, position.x);
        g_assert_cmpint(xy[1], ==, position.y);
    }

    window = present_mapped(f, f->domain);
    position.window = GTK_WINDOW(window);
    g_assert_true(wait_for(has_position, &position, 5000));

    /* The first is still open at 137, 89: the second is not put on top of it. */
    second = present_mapped(f, other);
    gtk_window_get_position(GTK_WINDOW(second), &x, &y);
    g_assert_false(x == position.x && y == position.y);
    destroy_and_wait(second);
    destroy_and_wait(window);

    /* Saved on a monitor since unplugged: far off the screen, so not used. */
    g_settings_set_value(f->settings, "details-window-position",
                         g_variant_new_parsed("[@i 20000, 20000]"));
    window = present_mapped(f, f->domain);
    gtk_window_get_position(GTK_WINDOW(window), &x, &y);
    g_assert_cmpint(x, <, 20000);
    destroy_and_wait(window);
    g_settings_reset(f->settings, "details-window-position");
}

static void
test_details_window_closes_with_guest(Fixture *f, gconstpointer data)
{
    HakoDomainList *domains = hako_host_get_domains(f->host);
    g_autoptr(HakoDomain) other =
        g_object_ref(hako_domain_list_lookup(hako_host_get_domains(f->host), OTHER_UUID));
    HakoDetailsWindow *window;
    gpointer weak;

    /* Another guest leaving does not close it; its own guest leaving does. */
    hako_details_window_present(GTK_WINDOW(f->parent), f->manager, f->domain, f->settings);
    window = hako_details_window_lookup(f->domain);
    weak = window;
    g_object_add_weak_pointer(G_OBJECT(window), &weak);
    g_assert_true(hako_domain_list_remove(domains, other));
    g_assert_nonnull(weak);

    /* Disconnecting the host empties its list. */
    hako_connection_manager_disconnect(f->manager, f->host);
    g_assert_true(wait_for(host_disconnected, f, 5000));
    g_assert_true(wait_for(is_null, &weak, 2000));
}

static void
test_host_window(Fixture *f, gconstpointer data)
{
    g_autofree char *title =
        g_strdup_printf("Connection Details — %s", hako_host_get_label(f->host));
    g_autoptr(GPtrArray) graphs = g_ptr_array_new();
    HakoHostWindow *window;
    HakoGraph *cpu, *memory;
    guint draws = 0;
    CountAbove redrawn = {&draws, 0};
    gpointer weak;

    hako_host_window_present(GTK_WINDOW(f->parent), f->manager, f->host, f->settings);
    window = hako_host_window_lookup(f->host);
    g_assert_nonnull(window);
    g_assert_true(hako_host_window_get_host(window) == f->host);
    hako_host_window_present(GTK_WINDOW(f->parent), f->manager, f->host, f->settings);
    g_assert_true(hako_host_window_lookup(f->host) == window);
    g_assert_true(wait_for(is_mapped, window, 5000));

    g_assert_cmpstr(gtk_window_get_title(GTK_WINDOW(window)), ==, title);
    g_assert_cmpstr(atk_object_get_name(gtk_widget_get_accessible(GTK_WIDGET(window))), ==, title);
    g_assert_nonnull(find_label_starting(GTK_WIDGET(window), f->uri));

    collect_graphs(GTK_WIDGET(window), graphs);
    g_assert_cmpuint(graphs->len, ==, 2);
    cpu = graph_titled(graphs, "CPU usage");
    memory = graph_titled(graphs, "Memory usage");
    g_assert_cmpint(hako_graph_get_kind(cpu), ==, HAKO_GRAPH_KIND_PERCENT);
    g_assert_cmpint(hako_graph_get_kind(memory), ==, HAKO_GRAPH_KIND_BYTES);
    g_assert_true(hako_graph_get_history(memory) ==
                  hako_host_get_stats_history(f->host, HAKO_HOST_STAT_MEMORY));

    /* The memory graph's scale is the host's memory; the overview shows both figures. */
    _hako_host_set_node_info(f->host, 16, G_GUINT64_CONSTANT(64) * 1024 * 1024 * 1024);
    g_assert_cmpfloat(hako_graph_get_maximum(memory), ==, 64.0 * 1024 * 1024 * 1024);
    g_assert_nonnull(find_label_starting(GTK_WIDGET(window), "16"));

    /* A host whose capabilities offer no KVM says so above the overview, with the fix. */
    {
        HakoHostDetails no_kvm = {.cpu_arch = (char *)"x86_64", .no_kvm = TRUE};
        HakoHostDetails with_kvm = {.cpu_arch = (char *)"x86_64"};
        GtkLabel *warning;

        g_assert_null(find_label_starting(GTK_WIDGET(window), "KVM is not available"));
        _hako_host_set_details(f->host, &no_kvm);
        warning = find_label_starting(GTK_WIDGET(window), "KVM is not available on this host");
        g_assert_nonnull(warning);
        g_assert_true(gtk_widget_is_visible(GTK_WIDGET(warning)));
        g_assert_nonnull(strstr(gtk_label_get_text(warning), "emulated (slow)"));
        g_assert_nonnull(strstr(gtk_label_get_text(warning), "VT-x or AMD-V"));
        g_assert_nonnull(strstr(gtk_label_get_text(warning), "kvm_amd"));
        _hako_host_set_details(f->host, &with_kvm);
        g_assert_false(gtk_widget_get_visible(GTK_WIDGET(warning)));
    }

    _hako_host_set_polled_stats(f->host, HAKO_STATS_POLL_CPU);
    g_assert_true(hako_graph_get_polled(cpu));
    g_assert_false(hako_graph_get_polled(memory));
    _hako_host_set_polled_stats(f->host, HAKO_STATS_POLL_CPU | HAKO_STATS_POLL_MEMORY);
    g_assert_true(hako_graph_get_polled(memory));

    g_signal_connect(cpu, "draw", G_CALLBACK(count_draw_cb), &draws);
    while (g_main_context_iteration(NULL, FALSE))
        ;
    redrawn.above = draws;
    push_ticks(f, 40);
    g_assert_true(wait_for(count_above, &redrawn, 5000));
    save_picture(GTK_WIDGET(window), "host-window.png");

    /* Ctrl+W closes it. */
    weak = window;
    g_object_add_weak_pointer(G_OBJECT(window), &weak);
    send_key(GTK_WIDGET(window), GDK_KEY_w, GDK_CONTROL_MASK);
    g_assert_true(wait_for(is_null, &weak, 2000));
    g_assert_null(hako_host_window_lookup(f->host));

    /* Removing the connection closes its window. */
    hako_host_window_present(NULL, f->manager, f->host, NULL);
    window = hako_host_window_lookup(f->host);
    weak = window;
    g_object_add_weak_pointer(G_OBJECT(window), &weak);
    hako_connection_manager_remove(f->manager, f->host);
    g_assert_true(wait_for(is_null, &weak, 5000));
}

static GtkWidget *
find_check_button(GtkWidget *widget, const char *label)
{
    g_autoptr(GList) children = NULL;

    if (GTK_IS_CHECK_BUTTON(widget) &&
        g_strcmp0(gtk_button_get_label(GTK_BUTTON(widget)), label) == 0)
        return widget;
    if (!GTK_IS_CONTAINER(widget))
        return NULL;
    children = gtk_container_get_children(GTK_CONTAINER(widget));
    for (GList *l = children; l != NULL; l = l->next) {
        GtkWidget *found = find_check_button(l->data, label);

        if (found != NULL)
            return found;
    }
    return NULL;
}

static GtkWidget *
find_type(GtkWidget *widget, GType type)
{
    g_autoptr(GList) children = NULL;

    if (G_TYPE_CHECK_INSTANCE_TYPE(widget, type))
        return widget;
    if (!GTK_IS_CONTAINER(widget))
        return NULL;
    children = gtk_container_get_children(GTK_CONTAINER(widget));
    for (GList *l = children; l != NULL; l = l->next) {
        GtkWidget *found = find_type(l->data, type);

        if (found != NULL)
            return found;
    }
    return NULL;
}

/* The Polling page of the preferences writes its keys at once, and follows them. */
/* What the guest's window asks the poller for: its guest, every figure, while the Performance
 * page is on screen; nothing on the other pages. The page's tooltip tells the interval
 * achieved. */
typedef struct {
    guint n;             /* requests seen */
    char *last_kind;     /* of the last one */
    gboolean last_guest; /* whether it asked for the guest */
    HakoStatsPolled last_groups;
} Asked;

static void
asked_cb(HakoStatsPoller *poller,
         const char *kind,
         HakoStatsPolled groups,
         const char *const *uuids,
         guint n_uuids,
         gpointer data)
{
    Asked *asked = data;

    asked->n++;
    g_free(asked->last_kind);
    asked->last_kind = g_strdup(kind);
    asked->last_groups = groups;
    asked->last_guest = FALSE;
    for (guint i = 0; uuids != NULL && i < n_uuids; i++)
        asked->last_guest = asked->last_guest || g_str_equal(uuids[i], GUEST_UUID);
}

typedef struct {
    Asked *asked;
    guint after;
    gboolean guest;
} AskedWait;

/* A fast or extra request after @after, for the guest or not as @guest says. */
static gboolean
asked_for(gpointer data)
{
    AskedWait *w = data;

    return w->asked->n > w->after && g_strcmp0(w->asked->last_kind, "full") != 0 &&
           w->asked->last_guest == w->guest;
}

static gboolean
has_tooltip(gpointer data)
{
    return gtk_widget_get_tooltip_text(data) != NULL;
}

static void
test_details_window_watches_its_guest(Fixture *f, gconstpointer data)
{
    HakoStatsPoller *poller = hako_connection_manager_get_stats_poller(f->manager, f->host);
    g_autoptr(GPtrArray) none = g_ptr_array_new();
    Asked asked = {0};
    AskedWait w = {&asked, 0, TRUE};
    HakoDetailsWindow *window;
    GtkWidget *page;
    int other;

    g_assert_nonnull(poller);
    _hako_stats_poller_set_request_func(poller, asked_cb, &asked);
    hako_connection_manager_set_stats_options(f->manager, 300,
                                              HAKO_STATS_POLL_CPU | HAKO_STATS_POLL_MEMORY |
                                                  HAKO_STATS_POLL_DISK | HAKO_STATS_POLL_NETWORK,
                                              120);
    hako_connection_manager_set_stats_slow_interval(f->manager, 600000);
    /* Another window that shows no guest, so that ticks are not all full ones. */
    hako_connection_manager_set_watched(f->manager, &other, none, HAKO_STATS_POLL_CPU);

    hako_details_window_present(GTK_WINDOW(f->parent), f->manager, f->domain, f->settings);
    window = hako_details_window_lookup(f->domain);
    g_assert_true(wait_for(is_mapped, window, 5000));
    /* On the console: its guest is not asked for. */
    w.after = asked.n;
    w.guest = FALSE;
    g_assert_true(wait_for(asked_for, &w, 3000));

    /* On the Performance page: at once, with every figure. */
    w.after = asked.n;
    w.guest = TRUE;
    hako_details_window_show_page(window, "performance");
    g_assert_true(wait_for(asked_for, &w, 3000));
    g_assert_cmpint(asked.last_groups, ==,
                    HAKO_STATS_POLL_CPU | HAKO_STATS_POLL_MEMORY | HAKO_STATS_POLL_DISK |
                        HAKO_STATS_POLL_NETWORK);
    /* the page is the stack's child that holds the graphs */
    page = find_type(GTK_WIDGET(window), HAKO_TYPE_GRAPH);
    while (page != NULL && !GTK_IS_STACK(gtk_widget_get_parent(page)))
        page = gtk_widget_get_parent(page);
    g_assert_nonnull(page);
    g_assert_true(wait_for(has_tooltip, page, 3000));
    g_assert_nonnull(strstr(gtk_widget_get_tooltip_text(page), "(asked for every 0.3 s)"));

    /* Back on the console: no longer. */
    hako_details_window_show_page(window, "console");
    w.after = asked.n + 1;
    w.guest = FALSE;
    g_assert_true(wait_for(asked_for, &w, 3000));

    gtk_widget_destroy(GTK_WIDGET(window));
    hako_connection_manager_set_watched(f->manager, &other, NULL, HAKO_STATS_POLL_NONE);
    _hako_stats_poller_set_request_func(poller, NULL, NULL);
    g_free(asked.last_kind);
}

static void
test_preferences_polling(void)
{
    g_autoptr(GSettings) settings = g_settings_new(APP_ID);
    HakoPreferencesWindow *window = hako_preferences_window_new(NULL, settings);
    GtkStack *stack = GTK_STACK(find_type(GTK_WIDGET(window), GTK_TYPE_STACK));
    GtkSpinButton *spin;
    GtkWidget *disk;

    g_assert_nonnull(stack);
    g_assert_nonnull(gtk_stack_get_child_by_name(stack, "polling"));
    gtk_stack_set_visible_child_name(stack, "polling");
    spin = GTK_SPIN_BUTTON(find_type(gtk_stack_get_visible_child(stack), GTK_TYPE_SPIN_BUTTON));
    g_assert_nonnull(spin);

    g_settings_set_uint(settings, "stats-interval", 7);
    g_assert_cmpint(gtk_spin_button_get_value_as_int(spin), ==, 7);
    gtk_spin_button_set_value(spin, 12);
    g_assert_cmpuint(g_settings_get_uint(settings, "stats-interval"), ==, 12);

    disk = find_check_button(GTK_WIDGET(window), "Poll _disk I/O");
    g_assert_nonnull(disk);
    g_assert_nonnull(find_check_button(GTK_WIDGET(window), "Poll _memory usage"));
    g_assert_nonnull(find_check_button(GTK_WIDGET(window), "Poll _network I/O"));
    g_assert_true(gtk_toggle_button_get_active(GTK_TOGGLE_BUTTON(disk)));
    gtk_toggle_button_set_active(GTK_TOGGLE_BUTTON(disk), FALSE);
    g_assert_false(g_settings_get_boolean(settings, "poll-disk"));
    g_settings_set_boolean(settings, "poll-disk", TRUE);
    g_assert_true(gtk_toggle_button_get_active(GTK_TOGGLE_BUTTON(disk)));

    g_settings_reset(settings, "stats-interval");
    gtk_widget_destroy(GTK_WIDGET(window));
}

/* The Console page: scaling and release keys, bound to their keys both ways. */
static void
test_preferences_console(void)
{
    g_autoptr(GSettings) settings = g_settings_new(APP_ID);
    HakoPreferencesWindow *window = hako_preferences_window_new(NULL, settings);
    GtkStack *stack = GTK_STACK(find_type(GTK_WIDGET(window), GTK_TYPE_STACK));
    GtkWidget *page;
    GList *children;
    GtkComboBox *scaling = NULL, *keys = NULL;

    g_assert_nonnull(stack);
    page = gtk_stack_get_child_by_name(stack, "console");
    g_assert_nonnull(page);
    children = gtk_container_get_children(GTK_CONTAINER(page));
    for (GList *l = children; l != NULL; l = l->next) {
        if (!GTK_IS_COMBO_BOX(l->data))
            continue;
        /* Grid children come last-added first: the keys' combo is the lower one. */
        if (gtk_combo_box_get_active_id(l->data) != NULL &&
            g_str_equal(gtk_combo_box_get_active_id(l->data), "always"))
            scaling = l->data;
        else
            keys = l->data;
    }
    g_list_free(children);
    g_assert_nonnull(scaling);
    g_assert_nonnull(keys);

    /* Defaults: always scale; Ctrl+Alt releases. */
    g_assert_cmpstr(gtk_combo_box_get_active_id(keys), ==, "<Control><Alt>");
    gtk_combo_box_set_active_id(scaling, "fullscreen");
    g_assert_cmpstr(g_settings_get_string(settings, "console-scaling"), ==, "fullscreen");
    g_settings_set_string(settings, "console-scaling", "never");
    g_assert_cmpstr(gtk_combo_box_get_active_id(scaling), ==, "never");
    gtk_combo_box_set_active_id(keys, "<Control><Alt><Shift>");
    g_assert_cmpstr(g_settings_get_string(settings, "console-grab-keys"), ==,
                    "<Control><Alt><Shift>");

    g_settings_reset(settings, "console-scaling");
    g_settings_reset(settings, "console-grab-keys");
    gtk_widget_destroy(GTK_WIDGET(window));
}

int
main(int argc, char *argv[])
{
    g_autoptr(GError) error = NULL;

    g_test_init(&argc, &argv, NULL);
    hako_engine_init();
    gtk_init(&argc, &argv);
    hako_ui_init();
    test_app = gtk_application_new("org.hako.Hako.TestDetailsWindow", G_APPLICATION_NON_UNIQUE);
    g_assert_true(g_application_register(G_APPLICATION(test_app), NULL, &error));
    g_assert_no_error(error);

    g_test_add("/ui/details-window/title-graphs-and-redraws", Fixture, NULL, fixture_set_up,
               test_details_window, fixture_tear_down);
    g_test_add("/ui/details-window/one-per-guest-and-keys", Fixture, NULL, fixture_set_up,
               test_details_window_once, fixture_tear_down);
    g_test_add("/ui/details-window/remembers-its-size", Fixture, NULL, fixture_set_up,
               test_details_window_remembers_size, fixture_tear_down);
    g_test_add("/ui/details-window/remembers-its-position", Fixture, NULL, fixture_set_up,
               test_details_window_remembers_position, fixture_tear_down);
    g_test_add("/ui/details-window/closes-with-its-guest", Fixture, NULL, fixture_set_up,
               test_details_window_closes_with_guest, fixture_tear_down);
    g_test_add("/ui/host-window/title-graphs-and-redraws", Fixture, NULL, fixture_set_up,
               test_host_window, fixture_tear_down);
    g_test_add("/ui/details-window/watches-its-guest", Fixture, NULL, fixture_set_up,
               test_details_window_watches_its_guest, fixture_tear_down);
    g_test_add_func("/ui/preferences/polling", test_preferences_polling);
    g_test_add_func("/ui/preferences/console", test_preferences_console);
    return g_test_run();
}
