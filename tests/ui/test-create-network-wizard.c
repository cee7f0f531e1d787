/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Create Network wizard: its defaults (a free IPv4 network, the upper half as DHCP range)
 * and its keys. */
#include "config.h"

#include "hako-connection-manager.h"
#include "hako-create-network-wizard.h"
#include "hako-network-private.h"

#include <gtk/gtk.h>

static HakoNetwork *
network_on(const char *name, const char *address, guint prefix)
{
    HakoNetwork *network = _hako_network_new(name, NULL);

    _hako_network_take_ip(network, hako_network_ip_new(G_SOCKET_FAMILY_IPV4, address, prefix));
    return network;
}

static void
test_default_dhcp(void)
{
    static const struct {
        const char *network;
        const char *start;
        const char *end;
    } cases[] = {
        {"192.168.100.0/24", "192.168.100.128", "192.168.100.254"},
        {"10.0.0.0/16", "10.0.128.0", "10.0.255.254"},
        {"10.1.2.3/24", "10.1.2.128", "10.1.2.254"}, /* host bits ignored */
        {"172.16.0.0/30", "172.16.0.2", "172.16.0.2"},
    };
    static const char *refused[] = {"",          "10.0.0.0",     "10.0.0.0/31", "10.0.0.0/7",
                                    "fd00::/64", "300.1.1.0/24", "10.0.0.0/x"};

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *start = NULL;
        g_autofree char *end = NULL;

        g_assert_true(hako_create_network_wizard_default_dhcp(cases[i].network, &start, &end));
        g_assert_cmpstr(start, ==, cases[i].start);
        g_assert_cmpstr(end, ==, cases[i].end);
    }
    for (guint i = 0; i < G_N_ELEMENTS(refused); i++) {
        char *start = NULL;
        char *end = NULL;

        g_assert_false(hako_create_network_wizard_default_dhcp(refused[i], &start, &end));
        g_assert_null(start);
        g_assert_null(end);
    }
}

static void
test_default_ipv4(void)
{
    g_autoptr(GPtrArray) existing = g_ptr_array_new_with_free_func(g_object_unref);
    g_autofree char *first = hako_create_network_wizard_default_ipv4(existing);
    g_autofree char *second = NULL;
    g_autofree char *none = NULL;

    g_assert_cmpstr(first, ==, "192.168.100.0/24");
    g_ptr_array_add(existing, network_on("default", "192.168.100.1", 24));
    g_ptr_array_add(existing, network_on("wide", "192.168.96.1", 22)); /* .96 to .99 */
    g_ptr_array_add(existing, network_on("next", "192.168.101.1", 24));
    second = hako_create_network_wizard_default_ipv4(existing);
    g_assert_cmpstr(second, ==, "192.168.102.0/24");
    g_ptr_array_add(existing, network_on("all", "192.168.0.1", 16));
    none = hako_create_network_wizard_default_ipv4(existing);
    g_assert_null(none);
}

static void
test_fields(void)
{
    g_autoptr(HakoConnectionManager) manager = hako_connection_manager_new(NULL);
    HakoHost *host = hako_connection_manager_add(manager, "test:///default", HAKO_CONNECT_NONE);
    g_autoptr(HakoNetworks) networks = hako_networks_new(manager);
    g_autoptr(GPtrArray) existing = g_ptr_array_new_with_free_func(g_object_unref);
    g_autoptr(HakoNetworkSpec) spec = NULL;
    g_autoptr(GError) error = NULL;
    GtkWidget *wizard;

    g_ptr_array_add(existing, network_on("default", "192.168.100.1", 24));
    wizard = hako_create_network_wizard_new(NULL, networks, host, existing);
    g_object_add_weak_pointer(G_OBJECT(wizard), (gpointer *)&wizard);
    spec = hako_create_network_wizard_get_spec(HAKO_CREATE_NETWORK_WIZARD(wizard));
    g_assert_null(spec->name);
    g_assert_cmpint(spec->mode, ==, HAKO_NETWORK_MODE_NAT);
    g_assert_null(spec->forward_device);
    g_assert_null(spec->bridge);
    g_assert_cmpstr(spec->ipv4_network, ==, "192.168.101.0/24");
    g_assert_cmpstr(spec->dhcp_start, ==, "192.168.101.128");
    g_assert_cmpstr(spec->dhcp_end, ==, "192.168.101.254");
    g_assert_null(spec->ipv6_network);
    g_assert_null(spec->dns_domain);
    g_assert_true(spec->autostart);
    /* With a name, the defaults make a network that passes the checks. */
    spec->name = g_strdup("lab");
    g_assert_true(hako_network_spec_validate(spec, &error));
    g_assert_no_error(error);
    g_assert_true(hako_network_spec_check_conflicts(spec, existing, &error));
    g_assert_no_error(error);

    gtk_widget_destroy(wizard);
    g_assert_null(wizard);
}

static gboolean
timed_out_cb(gpointer data)
{
    *(gboolean *)data = TRUE;
    return G_SOURCE_REMOVE;
}

/* Runs the main loop for @ms: an activated button shows itself pressed for a moment (250 ms in
 * GTK 3) before it is clicked. */
static void
spin(guint ms)
{
    gboolean done = FALSE;

    g_timeout_add(ms, timed_out_cb, &done);
    while (!done)
        g_main_context_iteration(NULL, TRUE);
}

/* A key pressed on @window, delivered as GTK would deliver it (no window manager needed). */
static void
send_key(GtkWidget *window, guint keyval, GdkModifierType state)
{
    GdkDisplay *display = gtk_widget_get_display(window);
    GdkEvent *event = gdk_event_new(GDK_KEY_PRESS);
    g_autofree GdkKeymapKey *keys = NULL;
    int n_keys = 0;

    event->key.window = g_object_ref(gtk_widget_get_window(window));
    event->key.send_event = TRUE;
    event->key.time = GDK_CURRENT_TIME;
    event->key.keyval = keyval;
    event->key.state = state;
    if (gdk_keymap_get_entries_for_keyval(gdk_keymap_get_for_display(display), keyval, &keys,
                                          &n_keys) &&
        n_keys > 0)
        event->key.hardware_keycode = (guint16)keys[0].keycode;
    gdk_event_set_device(event, gdk_seat_get_keyboard(gdk_display_get_default_seat(display)));
    gtk_main_do_event(event);
    gdk_event_free(event);
    spin(400);
}

static const char *
focus_name(GtkWidget *window)
{
    GtkWidget *focus = gtk_window_get_focus(GTK_WINDOW(window));

    return focus != NULL ? atk_object_get_name(gtk_widget_get_accessible(focus)) : NULL;
}

static void
test_keyboard(void)
{
    g_autoptr(HakoConnectionManager) manager = hako_connection_manager_new(NULL);
    HakoHost *host = hako_connection_manager_add(manager, "test:///default", HAKO_CONNECT_NONE);
    g_autoptr(HakoNetworks) networks = hako_networks_new(manager);
    g_autoptr(GPtrArray) existing = g_ptr_array_new_with_free_func(g_object_unref);
    GtkWidget *wizard = hako_create_network_wizard_new(NULL, networks, host, existing);

    g_object_add_weak_pointer(G_OBJECT(wizard), (gpointer *)&wizard);
    gtk_widget_show(wizard);
    spin(100);
    /* The first page starts on its name; Enter does nothing without one. */
    g_assert_cmpstr(focus_name(wizard), ==, "Name:");
    send_key(wizard, GDK_KEY_Return, 0);
    g_assert_cmpstr(focus_name(wizard), ==, "Name:");
    gtk_entry_set_text(GTK_ENTRY(gtk_window_get_focus(GTK_WINDOW(wizard))), "lab");
    /* Enter goes forward, to the IPv4 network with its default. */
    send_key(wizard, GDK_KEY_Return, 0);
    g_assert_cmpstr(focus_name(wizard), ==, "IPv4 network:");
    g_assert_cmpstr(gtk_entry_get_text(GTK_ENTRY(gtk_window_get_focus(GTK_WINDOW(wizard)))), ==,
                    "192.168.100.0/24");
    /* Alt+B goes back, Alt+F forward again, Enter to the last page. */
    send_key(wizard, GDK_KEY_b, GDK_MOD1_MASK);
    g_assert_cmpstr(focus_name(wizard), ==, "Name:");
    send_key(wizard, GDK_KEY_f, GDK_MOD1_MASK);
    g_assert_cmpstr(focus_name(wizard), ==, "IPv4 network:");
    send_key(wizard, GDK_KEY_Return, 0);
    g_assert_cmpstr(focus_name(wizard), ==, "IPv6 network:");
    /* Alt+D reaches the DNS domain by its mnemonic. */
    send_key(wizard, GDK_KEY_d, GDK_MOD1_MASK);
    g_assert_cmpstr(focus_name(wizard), ==, "DNS domain:");
    /* Escape closes it. */
    send_key(wizard, GDK_KEY_Escape, 0);
    g_assert_null(wizard);
}

int
main(int argc, char *argv[])
{
    gtk_test_init(&argc, &argv, NULL);

    g_test_add_func("/wizards/create-network/default-dhcp", test_default_dhcp);
    g_test_add_func("/wizards/create-network/default-ipv4", test_default_ipv4);
    g_test_add_func("/wizards/create-network/fields", test_fields);
    g_test_add_func("/wizards/create-network/keyboard", test_keyboard);
    return g_test_run();
}
