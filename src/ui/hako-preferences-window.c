/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoPreferencesWindow: the preferences, each option bound to a GSettings key. */
#include "config.h"

#include "hako-preferences-window.h"

#include "hako-widgets.h"

struct _HakoPreferencesWindow {
    GtkDialog parent_instance;

    GSettings *settings;

    /* Template children */
    GtkWidget *reconnect_check;
    GtkWidget *confirm_force_off_check;
    GtkWidget *confirm_shutdown_check;
    GtkWidget *confirm_pause_check;
    GtkWidget *confirm_remove_device_check;
    GtkWidget *confirm_unapplied_check;
    GtkAdjustment *interval_adjustment;
    GtkAdjustment *slow_interval_adjustment;
    GtkWidget *poll_memory_check;
    GtkWidget *poll_disk_check;
    GtkWidget *poll_network_check;
    GtkWidget *scaling_combo;
    GtkComboBoxText *grab_keys_combo;
    GtkWidget *disk_format_combo;
    GtkWidget *graphics_combo;
    GtkWidget *firmware_combo;
};

G_DEFINE_FINAL_TYPE(HakoPreferencesWindow, hako_preferences_window, GTK_TYPE_DIALOG)

enum { PROP_0, PROP_SETTINGS, N_PROPS };

static GParamSpec *properties[N_PROPS];

static void
hako_preferences_window_response(GtkDialog *dialog, int response)
{
    /* Every change applies at once: there is nothing to confirm. */
    gtk_widget_destroy(GTK_WIDGET(dialog));
}

/* The release keys offered; a combination set some other way is added to them. */
static const char *const grab_key_choices[] = {
    "<Control><Alt>",
    "<Control><Shift>",
    "<Control><Alt><Shift>",
    "<Super>Escape",
};

static void
fill_grab_keys(HakoPreferencesWindow *self)
{
    g_autofree char *current = g_settings_get_string(self->settings, "console-grab-keys");
    gboolean listed = FALSE;

    for (guint i = 0; i < G_N_ELEMENTS(grab_key_choices); i++) {
        GdkModifierType mods = 0;
        guint key = 0;
        g_autofree char *label = NULL;

        gtk_accelerator_parse(grab_key_choices[i], &key, &mods);
        label = gtk_accelerator_get_label(key, mods);
        gtk_combo_box_text_append(self->grab_keys_combo, grab_key_choices[i], label);
        listed = listed || g_str_equal(current, grab_key_choices[i]);
    }
    if (!listed) {
        GdkModifierType mods = 0;
        guint key = 0;
        g_autofree char *label = NULL;

        gtk_accelerator_parse(current, &key, &mods);
        if (key != 0 || mods != 0) {
            label = gtk_accelerator_get_label(key, mods);
            gtk_combo_box_text_append(self->grab_keys_combo, current, label);
        }
    }
}

static void
hako_preferences_window_constructed(GObject *object)
{
    HakoPreferencesWindow *self = HAKO_PREFERENCES_WINDOW(object);

    G_OBJECT_CLASS(hako_preferences_window_parent_class)->constructed(object);

    g_settings_bind(self->settings, "reconnect", self->reconnect_check, "active",
                    G_SETTINGS_BIND_DEFAULT);
    g_settings_bind(self->settings, "confirm-force-off", self->confirm_force_off_check, "active",
                    G_SETTINGS_BIND_DEFAULT);
    g_settings_bind(self->settings, "confirm-shutdown", self->confirm_shutdown_check, "active",
                    G_SETTINGS_BIND_DEFAULT);
    g_settings_bind(self->settings, "confirm-pause", self->confirm_pause_check, "active",
                    G_SETTINGS_BIND_DEFAULT);
    g_settings_bind(self->settings, "confirm-remove-device", self->confirm_remove_device_check,
                    "active", G_SETTINGS_BIND_DEFAULT);
    g_settings_bind(self->settings, "confirm-unapplied-changes", self->confirm_unapplied_check,
                    "active", G_SETTINGS_BIND_DEFAULT);
    /* GSettings maps the "u" key to the adjustment's double and back. */
    g_settings_bind(self->settings, "stats-interval", self->interval_adjustment, "value",
                    G_SETTINGS_BIND_DEFAULT);
    g_settings_bind(self->settings, "stats-slow-interval", self->slow_interval_adjustment, "value",
                    G_SETTINGS_BIND_DEFAULT);
    g_settings_bind(self->settings, "poll-memory", self->poll_memory_check, "active",
                    G_SETTINGS_BIND_DEFAULT);
    g_settings_bind(self->settings, "poll-disk", self->poll_disk_check, "active",
                    G_SETTINGS_BIND_DEFAULT);
    g_settings_bind(self->settings, "poll-network", self->poll_network_check, "active",
                    G_SETTINGS_BIND_DEFAULT);
    g_settings_bind(self->settings, "console-scaling", self->scaling_combo, "active-id",
                    G_SETTINGS_BIND_DEFAULT);
    fill_grab_keys(self);
    g_settings_bind(self->settings, "console-grab-keys", self->grab_keys_combo, "active-id",
                    G_SETTINGS_BIND_DEFAULT);
    g_settings_bind(self->settings, "new-vm-disk-format", self->disk_format_combo, "active-id",
                    G_SETTINGS_BIND_DEFAULT);
    g_settings_bind(self->settings, "new-vm-graphics", self->graphics_combo, "active-id",
                    G_SETTINGS_BIND_DEFAULT);
    g_settings_bind(self->settings, "new-vm-firmware", self->firmware_combo, "active-id",
                    G_SETTINGS_BIND_DEFAULT);
}

static void
hako_preferences_window_dispose(GObject *object)
{
    HakoPreferencesWindow *self = HAKO_PREFERENCES_WINDOW(object);

    g_clear_object(&self->settings);

    G_OBJECT_CLASS(hako_preferences_window_parent_class)->dispose(object);
}

static void
hako_preferences_window_get_property(GObject *object,
                                     guint prop_id,
                                     GValue *value,
                                     GParamSpec *pspec)
{
    HakoPreferencesWindow *self = HAKO_PREFERENCES_WINDOW(object);

    switch (prop_id) {
    case PROP_SETTINGS:
        g_value_set_object(value, self->settings);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    }
}

static void
hako_preferences_window_set_property(GObject *object,
                                     guint prop_id,
                                     const GValue *value,
                                     GParamSpec *pspec)
{
    HakoPreferencesWindow *self = HAKO_PREFERENCES_WINDOW(object);

    switch (prop_id) {
    case PROP_SETTINGS:
        self->settings = g_value_dup_object(value);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    }
}

static void
hako_preferences_window_class_init(HakoPreferencesWindowClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);
    GtkDialogClass *dialog_class = GTK_DIALOG_CLASS(klass);

    object_class->constructed = hako_preferences_window_constructed;
    object_class->dispose = hako_preferences_window_dispose;
    object_class->get_property = hako_preferences_window_get_property;
    object_class->set_property = hako_preferences_window_set_property;
    dialog_class->response = hako_preferences_window_response;

    properties[PROP_SETTINGS] =
        g_param_spec_object("settings", NULL, NULL, G_TYPE_SETTINGS,
                            G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
    g_object_class_install_properties(object_class, N_PROPS, properties);

    gtk_widget_class_set_template_from_resource(widget_class,
                                                RESOURCE_PREFIX "/ui/hako-preferences-window.ui");
    gtk_widget_class_bind_template_child(widget_class, HakoPreferencesWindow, reconnect_check);
    gtk_widget_class_bind_template_child(widget_class, HakoPreferencesWindow,
                                         confirm_force_off_check);
    gtk_widget_class_bind_template_child(widget_class, HakoPreferencesWindow,
                                         confirm_shutdown_check);
    gtk_widget_class_bind_template_child(widget_class, HakoPreferencesWindow, confirm_pause_check);
    gtk_widget_class_bind_template_child(widget_class, HakoPreferencesWindow,
                                         confirm_remove_device_check);
    gtk_widget_class_bind_template_child(widget_class, HakoPreferencesWindow,
                                         confirm_unapplied_check);
    gtk_widget_class_bind_template_child(widget_class, HakoPreferencesWindow, interval_adjustment);
    gtk_widget_class_bind_template_child(widget_class, HakoPreferencesWindow,
                                         slow_interval_adjustment);
    gtk_widget_class_bind_template_child(widget_class, HakoPreferencesWindow, poll_memory_check);
    gtk_widget_class_bind_template_child(widget_class, HakoPreferencesWindow, poll_disk_check);
    gtk_widget_class_bind_template_child(widget_class, HakoPreferencesWindow, poll_network_check);
    gtk_widget_class_bind_template_child(widget_class, HakoPreferencesWindow, scaling_combo);
    gtk_widget_class_bind_template_child(widget_class, HakoPreferencesWindow, grab_keys_combo);
    gtk_widget_class_bind_template_child(widget_class, HakoPreferencesWindow, disk_format_combo);
    gtk_widget_class_bind_template_child(widget_class, HakoPreferencesWindow, graphics_combo);
    gtk_widget_class_bind_template_child(widget_class, HakoPreferencesWindow, firmware_combo);
}

static void
hako_preferences_window_init(HakoPreferencesWindow *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
    hako_widgets_name_from_labels(GTK_WIDGET(self));
}

/**
 * hako_preferences_window_new:
 * @parent: (nullable): the window to stay on top of
 * @settings: the org.hako.Hako settings
 *
 * Returns: (transfer none): a new preferences window, not shown yet.
 */
HakoPreferencesWindow *
hako_preferences_window_new(GtkWindow *parent, GSettings *settings)
{
    g_return_val_if_fail(parent == NULL || GTK_IS_WINDOW(parent), NULL);
    g_return_val_if_fail(G_IS_SETTINGS(settings), NULL);

    return g_object_new(HAKO_TYPE_PREFERENCES_WINDOW, "transient-for", parent,
                        "destroy-with-parent", TRUE, "settings", settings, NULL);
}
