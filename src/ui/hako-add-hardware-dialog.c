/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoAddHardwareDialog: a new device for a guest, of any kind, as its XML. */
#include "config.h"

#include "hako-add-hardware-dialog.h"

#include "hako-host-devices.h"
#include "hako-storage-browser.h"

#include <glib/gi18n.h>

/*
 * A sidebar of kinds of device and, for the chosen kind, the few fields that make one; "Add"
 * hands back the device's XML (hako_add_hardware_dialog_get_xml()) with the "device-chosen"
 * signal, and the guest's window adds it, live too when the guest runs. A disk's image is
 * typed or chosen with the storage browser (where a new volume can be made); the host's USB
 * and PCI devices are listed from libvirt's node devices, on a worker. Built in code from the
 * table below: each kind is a handful of rows.
 */

typedef enum { ROW_TEXT, ROW_CHOICE, ROW_PATH, ROW_USB, ROW_PCI } RowType;

typedef struct {
    const char *key;
    const char *caption;
    RowType type;
    const char *choices; /* ROW_CHOICE: "value|value…", the first is the default */
    const char *text;    /* ROW_TEXT: the default */
} Row;

typedef struct {
    const char *name; /* the page's name */
    const char *title;
    Row rows[6];
} Kind;

static const Kind kinds[] = {
    {"storage",
     N_("Storage"),
     {{"device", N_("_Device type:"), ROW_CHOICE, "disk|cdrom|floppy", NULL},
      {"path", N_("_Image:"), ROW_PATH, NULL, NULL},
      {"bus", N_("_Bus:"), ROW_CHOICE, "virtio|sata|scsi|usb|ide", NULL},
      {"format", N_("_Format:"), ROW_CHOICE, "qcow2|raw", NULL}}},
    {"network",
     N_("Network"),
     {{"type", N_("_Connect to:"), ROW_CHOICE, "network|bridge|direct|user", NULL},
      {"source", N_("_Source:"), ROW_TEXT, NULL, "default"},
      {"model", N_("_Model:"), ROW_CHOICE, "virtio|e1000e|e1000|rtl8139", NULL},
      {"mac", N_("M_AC address:"), ROW_TEXT, NULL, ""}}},
    {"graphics",
     N_("Graphics"),
     {{"type", N_("_Type:"), ROW_CHOICE, "spice|vnc", NULL},
      {"listen", N_("_Listen address:"), ROW_TEXT, NULL, "127.0.0.1"},
      {"password", N_("_Password:"), ROW_TEXT, NULL, ""}}},
    {"video",
     N_("Video"),
     {{"model", N_("_Model:"), ROW_CHOICE, "virtio|qxl|vga|bochs|ramfb|none", NULL}}},
    {"sound", N_("Sound"), {{"model", N_("_Model:"), ROW_CHOICE, "ich9|ich6|ac97|usb", NULL}}},
    {"input",
     N_("Input"),
     {{"type", N_("_Type:"), ROW_CHOICE, "tablet|mouse|keyboard", NULL},
      {"bus", N_("_Bus:"), ROW_CHOICE, "usb|virtio|ps2", NULL}}},
    {"serial", N_("Serial Port"), {{"type", N_("_Type:"), ROW_CHOICE, "pty|null", NULL}}},
    {"console", N_("Console"), {{"target", N_("_Target:"), ROW_CHOICE, "virtio|serial", NULL}}},
    {"channel",
     N_("Channel"),
     {{"kind", N_("_Channel:"), ROW_CHOICE, "qemu-ga|spice-agent", NULL}}},
    {"controller",
     N_("Controller"),
     {{"type", N_("_Type:"), ROW_CHOICE, "usb|scsi|virtio-serial|sata", NULL},
      {"model", N_("_Model:"), ROW_CHOICE, "|qemu-xhci|virtio-scsi|ich9-ehci1", NULL}}},
    {"usb-host", N_("USB Host Device"), {{"device", N_("_Device:"), ROW_USB, NULL, NULL}}},
    {"pci-host", N_("PCI Host Device"), {{"device", N_("_Device:"), ROW_PCI, NULL, NULL}}},
    {"tpm",
     N_("TPM"),
     {{"model", N_("_Model:"), ROW_CHOICE, "tpm-crb|tpm-tis", NULL},
      {"version", N_("_Version:"), ROW_CHOICE, "2.0|1.2", NULL}}},
    {"rng",
     N_("Random Number Generator"),
     {{"source", N_("_Source:"), ROW_TEXT, NULL, "/dev/urandom"}}},
    {"watchdog",
     N_("Watchdog"),
     {{"model", N_("_Model:"), ROW_CHOICE, "i6300esb|itco|ib700", NULL},
      {"action", N_("_Action:"), ROW_CHOICE, "reset|shutdown|poweroff|pause|none|dump", NULL}}},
    {"filesystem",
     N_("Filesystem"),
     {{"driver", N_("_Driver:"), ROW_CHOICE, "virtiofs|path", NULL},
      {"source", N_("_Source directory:"), ROW_TEXT, NULL, ""},
      {"target", N_("_Target (mount tag):"), ROW_TEXT, NULL, ""}}},
};

struct _HakoAddHardwareDialog {
    GtkDialog parent_instance;

    HakoConnectionManager *manager;
    HakoHost *host;
    char **used_targets;
    GCancellable *cancellable;
    GPtrArray *host_devices; /* HakoHostDevice */
    GtkStack *stack;
    GtkLabel *message;
    GHashTable *widgets; /* "kind/key" -> GtkWidget */
};

G_DEFINE_FINAL_TYPE(HakoAddHardwareDialog, hako_add_hardware_dialog, GTK_TYPE_DIALOG)

enum { DEVICE_CHOSEN, N_SIGNALS };

static guint signals[N_SIGNALS];

/* ---------------------------------------------------------------------------------------- */

/**
 * hako_add_hardware_next_target:
 * @bus: the disk's bus
 * @used_targets: (nullable): the target devices the guest has ("vda", "hdc"…)
 *
 * Returns: (transfer full): the first free target name for @bus: vdX for virtio, hdX for IDE,
 *   fdX for floppies, sdX for the others.
 */
char *
hako_add_hardware_next_target(const char *bus, const char *const *used_targets)
{
    const char *prefix = g_strcmp0(bus, "virtio") == 0 ? "vd"
                         : g_strcmp0(bus, "ide") == 0  ? "hd"
                         : g_strcmp0(bus, "fdc") == 0  ? "fd"
                                                       : "sd";

    for (char letter = 'a'; letter <= 'z'; letter++) {
        g_autofree char *name = g_strdup_printf("%s%c", prefix, letter);

        if (used_targets == NULL || !g_strv_contains(used_targets, name))
            return g_steal_pointer(&name);
    }
    return g_strdup_printf("%saa", prefix);
}

static const char *
value_of(HakoAddHardwareDialog *self, const char *kind, const char *key)
{
    g_autofree char *id = g_strconcat(kind, "/", key, NULL);
    GtkWidget *widget = g_hash_table_lookup(self->widgets, id);
    const char *value;

    if (widget == NULL)
        return NULL;
    if (GTK_IS_COMBO_BOX(widget)) {
        value = gtk_combo_box_get_active_id(GTK_COMBO_BOX(widget));
    } else {
        value = gtk_entry_get_text(GTK_ENTRY(widget));
    }
    return value != NULL && *value != '\0' ? value : NULL;
}

static gboolean
refuse(GError **error, const char *message)
{
    g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, message);
    return FALSE;
}

static char *
disk_xml(HakoAddHardwareDialog *self, GError **error)
{
    const char *device = value_of(self, "storage", "device");
    const char *path = value_of(self, "storage", "path");
    const char *bus = value_of(self, "storage", "bus");
    const char *format = value_of(self, "storage", "format");
    gboolean media = g_strcmp0(device, "disk") != 0;
    g_autofree char *target = NULL;
    g_autofree char *source = NULL;

    if (g_strcmp0(device, "floppy") == 0)
        bus = "fdc";
    else if (media && g_strcmp0(bus, "virtio") == 0)
        bus = "sata"; /* a CD-ROM is never on virtio */
    if (!media && path == NULL) {
        refuse(error, _("Choose the disk’s image: a volume, or a file on the host."));
        return NULL;
    }
    if (path != NULL && !g_path_is_absolute(path)) {
        refuse(error, _("The image must be an absolute path on the host, such as "
                        "/var/lib/libvirt/images/disk.qcow2."));
        return NULL;
    }
    target = hako_add_hardware_next_target(bus, (const char *const *)self->used_targets);
    source = path != NULL ? g_markup_printf_escaped("  <source file='%s'/>\n", path) : g_strdup("");
    return g_markup_printf_escaped("<disk type='file' device='%s'>\n"
                                   "  <driver name='qemu' type='%s'/>\n"
                                   "%s"
                                   "  <target dev='%s' bus='%s'/>\n"
                                   "%s"
                                   "</disk>\n",
                                   device, media ? "raw" : format, source, target, bus,
                                   media ? "  <readonly/>\n" : "");
}

static char *
interface_xml(HakoAddHardwareDialog *self, GError **error)
{
    const char *type = value_of(self, "network", "type");
    const char *source = value_of(self, "network", "source");
    const char *model = value_of(self, "network", "model");
    const char *mac = value_of(self, "network", "mac");
    g_autofree char *source_xml = NULL;
    g_autofree char *mac_xml = NULL;

    if (g_strcmp0(type, "user") != 0 && source == NULL) {
        refuse(error, _("Name what the NIC connects to: a virtual network, a bridge or a host "
                        "interface."));
        return NULL;
    }
    if (mac != NULL && !g_regex_match_simple("^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$", mac, 0, 0)) {
        refuse(error, _("The MAC address must be six pairs of hex digits, such as "
                        "52:54:00:12:34:56, or empty to let libvirt choose one."));
        return NULL;
    }
    if (g_strcmp0(type, "network") == 0)
        source_xml = g_markup_printf_escaped("  <source network='%s'/>\n", source);
    else if (g_strcmp0(type, "bridge") == 0)
        source_xml = g_markup_printf_escaped("  <source bridge='%s'/>\n", source);
    else if (g_strcmp0(type, "direct") == 0)
        source_xml = g_markup_printf_escaped("  <source dev='%s' mode='bridge'/>\n", source);
    else
        source_xml = g_strdup("");
    mac_xml = mac != NULL ? g_markup_printf_escaped("  <mac address='%s'/>\n", mac) : g_strdup("");
    return g_markup_printf_escaped("<interface type='%s'>\n%s%s  <model type='%s'/>\n"
                                   "</interface>\n",
                                   type, mac_xml, source_xml, model);
}

static char *
filesystem_xml(HakoAddHardwareDialog *self, GError **error)
{
    const char *driver = value_of(self, "filesystem", "driver");
    const char *source = value_of(self, "filesystem", "source");
    const char *target = value_of(self, "filesystem", "target");

    if (source == NULL || !g_path_is_absolute(source) || target == NULL) {
        refuse(error, _("Give the host’s directory (an absolute path) and the tag the guest "
                        "mounts it by."));
        return NULL;
    }
    return g_markup_printf_escaped("<filesystem type='mount' accessmode='passthrough'>\n"
                                   "  <driver type='%s'/>\n"
                                   "  <source dir='%s'/>\n"
                                   "  <target dir='%s'/>\n"
                                   "</filesystem>\n",
                                   driver, source, target);
}

static char *
host_device_xml(HakoAddHardwareDialog *self, const char *kind, GError **error)
{
    const char *name = value_of(self, kind, "device");

    for (guint i = 0; name != NULL && self->host_devices != NULL && i < self->host_devices->len;
         i++) {
        HakoHostDevice *device = g_ptr_array_index(self->host_devices, i);

        if (g_strcmp0(device->name, name) == 0)
            return hako_host_device_to_hostdev_xml(device);
    }
    refuse(error, _("Choose one of the host’s devices."));
    return NULL;
}

/**
 * hako_add_hardware_dialog_get_xml:
 *
 * Returns: (transfer full) (nullable): the device the shown page describes, or %NULL with an
 *   error saying what is missing.
 */
char *
hako_add_hardware_dialog_get_xml(HakoAddHardwareDialog *self, GError **error)
{
    const char *kind;

    g_return_val_if_fail(HAKO_IS_ADD_HARDWARE_DIALOG(self), NULL);

    kind = gtk_stack_get_visible_child_name(self->stack);
    if (g_strcmp0(kind, "storage") == 0)
        return disk_xml(self, error);
    if (g_strcmp0(kind, "network") == 0)
        return interface_xml(self, error);
    if (g_strcmp0(kind, "filesystem") == 0)
        return filesystem_xml(self, error);
    if (g_strcmp0(kind, "usb-host") == 0 || g_strcmp0(kind, "pci-host") == 0)
        return host_device_xml(self, kind, error);
    if (g_strcmp0(kind, "graphics") == 0) {
        const char *password = value_of(self, "graphics", "password");
        g_autofree char *passwd =
            password != NULL ? g_markup_printf_escaped(" passwd='%s'", password) : g_strdup("");

        return g_markup_printf_escaped("<graphics type='%s' autoport='yes'%s>\n"
                                       "  <listen type='address' address='%s'/>\n"
                                       "</graphics>\n",
                                       value_of(self, "graphics", "type"), passwd,
                                       value_of(self, "graphics", "listen") != NULL
                                           ? value_of(self, "graphics", "listen")
                                           : "127.0.0.1");
    }
    if (g_strcmp0(kind, "video") == 0)
        return g_markup_printf_escaped("<video>\n  <model type='%s'/>\n</video>\n",
                                       value_of(self, "video", "model"));
    if (g_strcmp0(kind, "sound") == 0)
        return g_markup_printf_escaped("<sound model='%s'/>\n", value_of(self, "sound", "model"));
    if (g_strcmp0(kind, "input") == 0)
        return g_markup_printf_escaped("<input type='%s' bus='%s'/>\n",
                                       value_of(self, "input", "type"),
                                       value_of(self, "input", "bus"));
    if (g_strcmp0(kind, "serial") == 0)
        return g_markup_printf_escaped("<serial type='%s'/>\n", value_of(self, "serial", "type"));
    if (g_strcmp0(kind, "console") == 0)
        return g_markup_printf_escaped("<console type='pty'>\n  <target type='%s'/>\n"
                                       "</console>\n",
                                       value_of(self, "console", "target"));
    if (g_strcmp0(kind, "channel") == 0)
        return g_strcmp0(value_of(self, "channel", "kind"), "spice-agent") == 0
                   ? g_strdup("<channel type='spicevmc'>\n"
                              "  <target type='virtio' name='com.redhat.spice.0'/>\n"
                              "</channel>\n")
                   : g_strdup("<channel type='unix'>\n"
                              "  <target type='virtio' name='org.qemu.guest_agent.0'/>\n"
                              "</channel>\n");
    if (g_strcmp0(kind, "controller") == 0) {
        const char *model = value_of(self, "controller", "model");
        g_autofree char *model_xml =
            model != NULL ? g_markup_printf_escaped(" model='%s'", model) : g_strdup("");

        return g_markup_printf_escaped("<controller type='%s'%s/>\n",
                                       value_of(self, "controller", "type"), model_xml);
    }
    if (g_strcmp0(kind, "tpm") == 0)
        return g_markup_printf_escaped("<tpm model='%s'>\n"
                                       "  <backend type='emulator' version='%s'/>\n"
                                       "</tpm>\n",
                                       value_of(self, "tpm", "model"),
                                       value_of(self, "tpm", "version"));
    if (g_strcmp0(kind, "rng") == 0) {
        const char *source = value_of(self, "rng", "source");

        if (source == NULL || !g_path_is_absolute(source)) {
            refuse(error, _("Give the host’s source of random numbers, such as /dev/urandom."));
            return NULL;
        }
        return g_markup_printf_escaped("<rng model='virtio'>\n"
                                       "  <backend model='random'>%s</backend>\n"
                                       "</rng>\n",
                                       source);
    }
    if (g_strcmp0(kind, "watchdog") == 0)
        return g_markup_printf_escaped("<watchdog model='%s' action='%s'/>\n",
                                       value_of(self, "watchdog", "model"),
                                       value_of(self, "watchdog", "action"));
    refuse(error, _("Choose a kind of device."));
    return NULL;
}

/* ---------------------------------------------------------------------------------------- */

static void
update(HakoAddHardwareDialog *self)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *xml = hako_add_hardware_dialog_get_xml(self, &error);

    gtk_label_set_text(self->message, error != NULL ? error->message : "");
    gtk_dialog_set_response_sensitive(GTK_DIALOG(self), GTK_RESPONSE_ACCEPT, xml != NULL);
}

static void
chosen_path_cb(GtkEntry *entry, const char *path)
{
    gtk_entry_set_text(entry, path);
}

static void
browse_clicked_cb(GtkButton *button, HakoAddHardwareDialog *self)
{
    GtkEntry *entry = g_object_get_data(G_OBJECT(button), "entry");
    GtkWidget *browser = hako_storage_browser_new(GTK_WINDOW(self), self->manager, self->host);

    g_signal_connect_object(browser, "chosen", G_CALLBACK(chosen_path_cb), entry,
                            G_CONNECT_SWAPPED);
    gtk_window_present(GTK_WINDOW(browser));
}

static void
fill_host_devices(HakoAddHardwareDialog *self)
{
    static const char *const names[] = {"usb-host/device", "pci-host/device"};

    for (guint k = 0; k < G_N_ELEMENTS(names); k++) {
        GtkComboBoxText *combo = g_hash_table_lookup(self->widgets, names[k]);
        HakoHostDeviceKind kind = k == 0 ? HAKO_HOST_DEVICE_USB : HAKO_HOST_DEVICE_PCI;

        if (combo == NULL)
            continue;
        gtk_combo_box_text_remove_all(combo);
        for (guint i = 0; self->host_devices != NULL && i < self->host_devices->len; i++) {
            HakoHostDevice *device = g_ptr_array_index(self->host_devices, i);
            g_autofree char *text = NULL;

            if (device->kind != kind)
                continue;
            text = kind == HAKO_HOST_DEVICE_USB
                       ? g_strdup_printf("%03u:%03u %s", device->bus, device->slot,
                                         device->description)
                       : g_strdup_printf("%04x:%02x:%02x.%x %s", device->domain, device->bus,
                                         device->slot, device->function, device->description);
            gtk_combo_box_text_append(combo, device->name, text);
        }
        gtk_combo_box_set_active(GTK_COMBO_BOX(combo), 0);
    }
    update(self);
}

static void
host_devices_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HakoAddHardwareDialog) self = user_data;
    g_autoptr(GError) error = NULL;
    GPtrArray *devices = hako_engine_list_host_devices_finish(result, &error);

    if (devices == NULL) {
        if (!g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            gtk_label_set_text(self->message, error->message);
        return;
    }
    g_clear_pointer(&self->host_devices, g_ptr_array_unref);
    self->host_devices = devices;
    fill_host_devices(self);
}

static GtkWidget *
build_page(HakoAddHardwareDialog *self, const Kind *kind)
{
    GtkWidget *grid = gtk_grid_new();
    int row = 0;

    gtk_container_set_border_width(GTK_CONTAINER(grid), 12);
    gtk_grid_set_row_spacing(GTK_GRID(grid), 6);
    gtk_grid_set_column_spacing(GTK_GRID(grid), 12);
    for (const Row *r = kind->rows; r < kind->rows + G_N_ELEMENTS(kind->rows) && r->key != NULL;
         r++) {
        GtkWidget *label = gtk_label_new_with_mnemonic(_(r->caption));
        GtkWidget *widget;

        gtk_label_set_xalign(GTK_LABEL(label), 1.0);
        if (r->type == ROW_CHOICE || r->type == ROW_USB || r->type == ROW_PCI) {
            widget = gtk_combo_box_text_new();
            if (r->choices != NULL) {
                g_auto(GStrv) choices = g_strsplit(r->choices, "|", -1);

                for (guint i = 0; choices[i] != NULL; i++)
                    gtk_combo_box_text_append(GTK_COMBO_BOX_TEXT(widget), choices[i],
                                              *choices[i] != '\0' ? choices[i] : _("Default"));
                gtk_combo_box_set_active(GTK_COMBO_BOX(widget), 0);
            }
            g_signal_connect_swapped(widget, "changed", G_CALLBACK(update), self);
        } else {
            widget = gtk_entry_new();
            gtk_entry_set_text(GTK_ENTRY(widget), r->text != NULL ? r->text : "");
            gtk_entry_set_activates_default(GTK_ENTRY(widget), TRUE);
            g_signal_connect_swapped(widget, "changed", G_CALLBACK(update), self);
        }
        gtk_widget_set_hexpand(widget, TRUE);
        gtk_label_set_mnemonic_widget(GTK_LABEL(label), widget);
        atk_object_set_name(gtk_widget_get_accessible(widget),
                            gtk_label_get_text(GTK_LABEL(label)));
        gtk_grid_attach(GTK_GRID(grid), label, 0, row, 1, 1);
        gtk_grid_attach(GTK_GRID(grid), widget, 1, row, 1, 1);
        if (r->type == ROW_PATH) {
            GtkWidget *browse = gtk_button_new_with_mnemonic(_("_Browse…"));

            gtk_widget_set_tooltip_text(browse, _("Choose a volume of the host, or make one"));
            g_object_set_data(G_OBJECT(browse), "entry", widget);
            g_signal_connect(browse, "clicked", G_CALLBACK(browse_clicked_cb), self);
            gtk_grid_attach(GTK_GRID(grid), browse, 2, row, 1, 1);
        }
        g_hash_table_insert(self->widgets, g_strconcat(kind->name, "/", r->key, NULL), widget);
        row++;
    }
    return grid;
}

static void
response_cb(HakoAddHardwareDialog *self, int response)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *xml = NULL;

    if (response != GTK_RESPONSE_ACCEPT) {
        gtk_widget_destroy(GTK_WIDGET(self));
        return;
    }
    xml = hako_add_hardware_dialog_get_xml(self, &error);
    if (xml == NULL) {
        gtk_label_set_text(self->message, error->message);
        return;
    }
    g_signal_emit(self, signals[DEVICE_CHOSEN], 0, xml);
    gtk_widget_destroy(GTK_WIDGET(self));
}

static void
hako_add_hardware_dialog_dispose(GObject *object)
{
    HakoAddHardwareDialog *self = HAKO_ADD_HARDWARE_DIALOG(object);

    if (self->cancellable != NULL)
        g_cancellable_cancel(self->cancellable);
    g_clear_object(&self->cancellable);
    g_clear_object(&self->host);
    g_clear_object(&self->manager);
    g_clear_pointer(&self->host_devices, g_ptr_array_unref);
    g_clear_pointer(&self->widgets, g_hash_table_unref);

    G_OBJECT_CLASS(hako_add_hardware_dialog_parent_class)->dispose(object);
}

static void
hako_add_hardware_dialog_finalize(GObject *object)
{
    HakoAddHardwareDialog *self = HAKO_ADD_HARDWARE_DIALOG(object);

    g_strfreev(self->used_targets);

    G_OBJECT_CLASS(hako_add_hardware_dialog_parent_class)->finalize(object);
}

static void
hako_add_hardware_dialog_class_init(HakoAddHardwareDialogClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);

    object_class->dispose = hako_add_hardware_dialog_dispose;
    object_class->finalize = hako_add_hardware_dialog_finalize;

    /* The device to add, as its XML. The dialog then closes. */
    signals[DEVICE_CHOSEN] =
        g_signal_new("device-chosen", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                     NULL, G_TYPE_NONE, 1, G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
hako_add_hardware_dialog_init(HakoAddHardwareDialog *self)
{
    self->cancellable = g_cancellable_new();
    self->widgets = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
}

/**
 * hako_add_hardware_dialog_new:
 * @parent: (nullable): the guest's window
 * @host: the guest's host
 * @used_targets: (nullable): the guest's disks' target names, so that a new disk gets a free one
 *
 * Returns: (transfer none): the dialog, not yet shown; it destroys itself when answered.
 */
GtkWidget *
hako_add_hardware_dialog_new(GtkWindow *parent,
                             HakoConnectionManager *manager,
                             HakoHost *host,
                             const char *const *used_targets)
{
    HakoAddHardwareDialog *self;
    GtkWidget *box;
    GtkWidget *sidebar;
    GtkWidget *right;

    g_return_val_if_fail(HAKO_IS_HOST(host), NULL);

    self = g_object_new(HAKO_TYPE_ADD_HARDWARE_DIALOG, "title", _("Add Hardware"), "transient-for",
                        parent, "modal", parent != NULL, "destroy-with-parent", TRUE,
                        "use-header-bar", FALSE, NULL);
    self->manager = g_object_ref(manager);
    self->host = g_object_ref(host);
    self->used_targets = g_strdupv((char **)used_targets);
    gtk_window_set_default_size(GTK_WINDOW(self), 640, 420);
    gtk_dialog_add_buttons(GTK_DIALOG(self), _("_Cancel"), GTK_RESPONSE_CANCEL, _("_Add"),
                           GTK_RESPONSE_ACCEPT, NULL);
    gtk_dialog_set_default_response(GTK_DIALOG(self), GTK_RESPONSE_ACCEPT);

    box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 0);
    self->stack = GTK_STACK(gtk_stack_new());
    sidebar = gtk_stack_sidebar_new();
    gtk_stack_sidebar_set_stack(GTK_STACK_SIDEBAR(sidebar), self->stack);
    for (guint i = 0; i < G_N_ELEMENTS(kinds); i++)
        gtk_stack_add_titled(self->stack, build_page(self, &kinds[i]), kinds[i].name,
                             _(kinds[i].title));
    right = gtk_box_new(GTK_ORIENTATION_VERTICAL, 6);
    gtk_box_pack_start(GTK_BOX(right), GTK_WIDGET(self->stack), TRUE, TRUE, 0);
    self->message = GTK_LABEL(gtk_label_new(NULL));
    gtk_label_set_xalign(self->message, 0.0);
    gtk_label_set_line_wrap(self->message, TRUE);
    gtk_widget_set_margin_start(GTK_WIDGET(self->message), 12);
    gtk_widget_set_margin_end(GTK_WIDGET(self->message), 12);
    gtk_box_pack_start(GTK_BOX(right), GTK_WIDGET(self->message), FALSE, FALSE, 0);
    gtk_box_pack_start(GTK_BOX(box), sidebar, FALSE, FALSE, 0);
    gtk_box_pack_start(GTK_BOX(box), gtk_separator_new(GTK_ORIENTATION_VERTICAL), FALSE, FALSE, 0);
    gtk_box_pack_start(GTK_BOX(box), right, TRUE, TRUE, 0);
    gtk_widget_show_all(box);
    gtk_box_pack_start(GTK_BOX(gtk_dialog_get_content_area(GTK_DIALOG(self))), box, TRUE, TRUE, 0);
    g_signal_connect_swapped(self->stack, "notify::visible-child", G_CALLBACK(update), self);
    g_signal_connect(self, "response", G_CALLBACK(response_cb), NULL);
    hako_engine_list_host_devices_async(manager, host, self->cancellable, host_devices_cb,
                                        g_object_ref(self));
    update(self);
    return GTK_WIDGET(self);
}
