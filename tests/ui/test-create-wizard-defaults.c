/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The New Virtual Machine wizard follows Preferences › New Guests: the disk format and the
 * display a new guest gets, over a test-driver host; and the Preferences page writes those keys
 * and follows them. Needs a display. */
#include "config.h"

#include "hako-connection-manager.h"
#include "hako-create-wizard.h"
#include "hako-engine.h"
#include "hako-preferences-window.h"
#include "hako-ui.h"

#include <gtk/gtk.h>

static gboolean
timed_out_cb(gpointer data)
{
    *(gboolean *)data = TRUE;
    return G_SOURCE_REMOVE;
}

static void
spin(guint ms)
{
    gboolean done = FALSE;

    g_timeout_add(ms, timed_out_cb, &done);
    while (!done)
        g_main_context_iteration(NULL, TRUE);
}

static HakoConnectionManager *manager;
static HakoHost *host;

/* The spec of a wizard made with @settings once its display is @graphics, or after 5 s (the
 * host's guest kinds, whose defaults the wizard applies, are read off the main thread). */
static HakoVmSpec *
spec_with(GSettings *settings, const char *graphics)
{
    GtkWidget *wizard = hako_create_wizard_new(NULL, manager, settings, host);
    HakoVmSpec *spec = NULL;

    for (guint i = 0; i < 100; i++) {
        spin(50);
        spec = hako_create_wizard_get_spec(HAKO_CREATE_WIZARD(wizard));
        if (g_strcmp0(spec->graphics, graphics) == 0)
            break;
    }
    spec = hako_vm_spec_copy(spec);
    gtk_widget_destroy(wizard);
    return spec;
}

static void
test_wizard_follows_preferences(void)
{
    g_autoptr(GSettings) settings = g_settings_new(APP_ID);
    g_autoptr(HakoVmSpec) plain = NULL;
    g_autoptr(HakoVmSpec) chosen = NULL;

    plain = spec_with(settings, "spice");
    g_assert_cmpint(plain->disk_format, ==, HAKO_VOLUME_FORMAT_QCOW2);
    g_assert_cmpstr(plain->graphics, ==, "spice");

    g_settings_set_string(settings, "new-vm-disk-format", "raw");
    g_settings_set_string(settings, "new-vm-graphics", "vnc");
    chosen = spec_with(settings, "vnc");
    g_assert_cmpint(chosen->disk_format, ==, HAKO_VOLUME_FORMAT_RAW);
    g_assert_cmpstr(chosen->graphics, ==, "vnc");
    g_settings_reset(settings, "new-vm-disk-format");
    g_settings_reset(settings, "new-vm-graphics");
}

static GtkComboBox *
combo_with(GtkWidget *page, const char *id)
{
    g_autoptr(GList) children = gtk_container_get_children(GTK_CONTAINER(page));

    for (GList *l = children; l != NULL; l = l->next)
        if (GTK_IS_COMBO_BOX(l->data) && g_strcmp0(gtk_combo_box_get_active_id(l->data), id) == 0)
            return l->data;
    return NULL;
}

static void
find_stack(GtkWidget *widget, gpointer data)
{
    GtkStack **stack = data;

    if (*stack == NULL && GTK_IS_STACK(widget))
        *stack = GTK_STACK(widget);
    else if (*stack == NULL && GTK_IS_CONTAINER(widget))
        gtk_container_forall(GTK_CONTAINER(widget), find_stack, stack);
}

/* Preferences › New Guests: three combos bound to their keys both ways. */
static void
test_preferences_page(void)
{
    g_autoptr(GSettings) settings = g_settings_new(APP_ID);
    HakoPreferencesWindow *window = hako_preferences_window_new(NULL, settings);
    GtkStack *stack = NULL;
    GtkWidget *page;
    GtkComboBox *format;
    GtkComboBox *firmware;

    g_settings_set_string(settings, "new-vm-firmware", "uefi");
    find_stack(GTK_WIDGET(window), &stack);
    g_assert_nonnull(stack);
    page = gtk_stack_get_child_by_name(stack, "new-vm");
    g_assert_nonnull(page);
    format = combo_with(page, "qcow2");
    firmware = combo_with(page, "uefi");
    g_assert_nonnull(format);
    g_assert_nonnull(firmware);
    g_assert_nonnull(combo_with(page, "auto")); /* the display */

    gtk_combo_box_set_active_id(format, "raw");
    g_assert_cmpstr(g_settings_get_string(settings, "new-vm-disk-format"), ==, "raw");
    g_settings_set_string(settings, "new-vm-firmware", "bios");
    g_assert_cmpstr(gtk_combo_box_get_active_id(firmware), ==, "bios");

    g_settings_reset(settings, "new-vm-disk-format");
    g_settings_reset(settings, "new-vm-firmware");
    gtk_widget_destroy(GTK_WIDGET(window));
}

static gboolean
connected(void)
{
    return hako_host_get_state(host) == HAKO_HOST_STATE_CONNECTED;
}

int
main(int argc, char *argv[])
{
    g_test_init(&argc, &argv, NULL);
    hako_engine_init();
    gtk_init(&argc, &argv);
    hako_ui_init();

    manager = hako_connection_manager_new(NULL);
    host = hako_connection_manager_add(manager, "test:///default", HAKO_CONNECT_NONE);
    hako_connection_manager_connect(manager, host);
    for (guint i = 0; i < 200 && !connected(); i++)
        spin(50);
    g_assert_true(connected());

    g_test_add_func("/ui/create-wizard/follows-preferences", test_wizard_follows_preferences);
    g_test_add_func("/ui/preferences/new-guests", test_preferences_page);
    return g_test_run();
}
