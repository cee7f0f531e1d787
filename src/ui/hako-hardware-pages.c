/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoHardwarePages: a guest's settings and devices as pages of its window, edited in place. */
#include "config.h"

#include "hako-hardware-pages.h"

#include "hako-add-hardware-dialog.h"
#include "hako-confirm.h"
#include "hako-domain-config.h"
#include "hako-domain-ops.h"
#include "hako-os-db.h"

#include <glib/gi18n.h>

/*
 * The guest's window gets, after its Console and Performance pages, one page for its overview,
 * its CPUs, its memory and its boot options, and one per device, in the order of its XML. Every
 * field edits the guest's HakoDomainConfig in place, so that only what the user changes is
 * changed; a field the configuration refuses says why on its page and keeps Apply off. Apply
 * (on every page: it applies all edits) defines the edited XML and, when the guest runs,
 * carries to it what can change live; the page then says what waits for the next boot. Each
 * field that cannot change while the guest runs says so next to it.
 *
 * Leaving a page, or closing the window, with edits not applied asks whether to apply or discard
 * them (Preferences' confirm-unapplied-changes); without the question the edits stay, for Apply
 * on any page, until the window closes, which drops them.
 *
 * The rows of the pages are built in code from tables (a device's rows depend on its kind),
 * which is why this is not a template.
 */

typedef enum {
    ROW_TEXT,
    ROW_READ_ONLY,
    ROW_NUMBER,
    ROW_MIB,
    ROW_CHOICE,
    ROW_CHECK,
    ROW_SECRET
} RowType;

typedef struct {
    const char *caption; /* with a mnemonic */
    HakoConfigField field;
    const char *path; /* for a device; NULL for a field */
    RowType type;
    const char
        *choices; /* ROW_CHOICE: "a|b|c" (libvirt's values); the first entry "" is the default */
} RowSpec;

#define FIELD(caption, field, type, choices)                                                       \
    {                                                                                              \
        caption, field, NULL, type, choices                                                        \
    }
#define DEVICE(caption, path, type, choices)                                                       \
    {                                                                                              \
        caption, 0, path, type, choices                                                            \
    }
#define END                                                                                        \
    {                                                                                              \
        NULL, 0, NULL, 0, NULL                                                                     \
    }

static const RowSpec overview_rows[] = {
    FIELD(N_("_Name:"), HAKO_CONFIG_NAME, ROW_TEXT, NULL),
    FIELD(N_("_Title:"), HAKO_CONFIG_TITLE, ROW_TEXT, NULL),
    FIELD(N_("_Description:"), HAKO_CONFIG_DESCRIPTION, ROW_TEXT, NULL),
    FIELD(N_("UUID:"), HAKO_CONFIG_UUID, ROW_READ_ONLY, NULL),
    FIELD(N_("Hypervisor:"), HAKO_CONFIG_HYPERVISOR, ROW_READ_ONLY, NULL),
    FIELD(N_("Architecture:"), HAKO_CONFIG_ARCH, ROW_READ_ONLY, NULL),
    FIELD(N_("Machine type:"), HAKO_CONFIG_MACHINE, ROW_READ_ONLY, NULL),
    FIELD(N_("Emulator:"), HAKO_CONFIG_EMULATOR, ROW_READ_ONLY, NULL),
    FIELD(N_("Firmware:"), HAKO_CONFIG_FIRMWARE, ROW_READ_ONLY, NULL),
    END,
};

static const RowSpec cpu_rows[] = {
    FIELD(N_("_vCPUs:"), HAKO_CONFIG_VCPUS_CURRENT, ROW_NUMBER, NULL),
    FIELD(N_("_Maximum vCPUs:"), HAKO_CONFIG_VCPUS, ROW_NUMBER, NULL),
    FIELD(N_("CPU _mode:"),
          HAKO_CONFIG_CPU_MODE,
          ROW_CHOICE,
          "|host-passthrough|host-model|custom|maximum"),
    FIELD(N_("CPU m_odel:"), HAKO_CONFIG_CPU_MODEL, ROW_TEXT, NULL),
    FIELD(N_("_Sockets:"), HAKO_CONFIG_CPU_SOCKETS, ROW_NUMBER, NULL),
    FIELD(N_("_Cores:"), HAKO_CONFIG_CPU_CORES, ROW_NUMBER, NULL),
    FIELD(N_("T_hreads:"), HAKO_CONFIG_CPU_THREADS, ROW_NUMBER, NULL),
    END,
};

static const RowSpec memory_rows[] = {
    FIELD(N_("C_urrent memory (MiB):"), HAKO_CONFIG_CURRENT_MEMORY, ROW_MIB, NULL),
    FIELD(N_("Ma_ximum memory (MiB):"), HAKO_CONFIG_MEMORY, ROW_MIB, NULL),
    END,
};

static const RowSpec boot_rows[] = {
    FIELD(N_("_Boot order:"), HAKO_CONFIG_BOOT_ORDER, ROW_TEXT, NULL),
    FIELD(N_("Show the boot _menu"), HAKO_CONFIG_BOOT_MENU, ROW_CHECK, NULL),
    FIELD(N_("_Kernel:"), HAKO_CONFIG_KERNEL, ROW_TEXT, NULL),
    FIELD(N_("I_nitrd:"), HAKO_CONFIG_INITRD, ROW_TEXT, NULL),
    FIELD(N_("Kernel _arguments:"), HAKO_CONFIG_CMDLINE, ROW_TEXT, NULL),
    END,
};

static const RowSpec disk_rows[] = {
    DEVICE(N_("_Source file:"), "source/@file", ROW_TEXT, NULL),
    DEVICE(N_("Source _device:"), "source/@dev", ROW_TEXT, NULL),
    DEVICE(N_("_Bus:"), "target/@bus", ROW_CHOICE, "virtio|sata|scsi|ide|usb|xen|fdc"),
    DEVICE(N_("_Cache:"),
           "driver/@cache",
           ROW_CHOICE,
           "|none|writeback|writethrough|directsync|unsafe"),
    DEVICE(N_("D_iscard:"), "driver/@discard", ROW_CHOICE, "|unmap|ignore"),
    DEVICE(N_("_Read-only"), "readonly", ROW_CHECK, NULL),
    DEVICE(N_("S_hareable"), "shareable", ROW_CHECK, NULL),
    DEVICE(N_("Se_rial:"), "serial", ROW_TEXT, NULL),
    END,
};

static const RowSpec media_rows[] = {
    DEVICE(N_("_Media:"), "source/@file", ROW_TEXT, NULL),
    DEVICE(N_("_Bus:"), "target/@bus", ROW_CHOICE, "sata|scsi|ide|usb|fdc|xen"),
    END,
};

static const RowSpec interface_rows[] = {
    DEVICE(N_("_Virtual network:"), "source/@network", ROW_TEXT, NULL),
    DEVICE(N_("_Bridge:"), "source/@bridge", ROW_TEXT, NULL),
    DEVICE(N_("Host _device:"), "source/@dev", ROW_TEXT, NULL),
    DEVICE(N_("_Model:"), "model/@type", ROW_CHOICE, "|virtio|e1000e|e1000|rtl8139|netfront"),
    DEVICE(N_("M_AC address:"), "mac/@address", ROW_TEXT, NULL),
    DEVICE(N_("_Link state:"), "link/@state", ROW_CHOICE, "|up|down"),
    END,
};

static const RowSpec graphics_rows[] = {
    DEVICE(N_("_Type:"), "@type", ROW_CHOICE, "spice|vnc|sdl|rdp|egl-headless|dbus"),
    DEVICE(N_("_Listen address:"), "listen/@address", ROW_TEXT, NULL),
    DEVICE(N_("_Port:"), "@port", ROW_TEXT, NULL),
    DEVICE(N_("Pass_word:"), "@passwd", ROW_SECRET, NULL),
    END,
};

static const RowSpec video_rows[] = {
    DEVICE(N_("_Model:"),
           "model/@type",
           ROW_CHOICE,
           "virtio|qxl|vga|bochs|cirrus|ramfb|xen|vmvga|none"),
    DEVICE(N_("_Heads:"), "model/@heads", ROW_TEXT, NULL),
    END,
};

static const RowSpec sound_rows[] = {
    DEVICE(N_("_Model:"), "@model", ROW_CHOICE, "ich9|ich6|ac97|es1370|sb16|usb|ich7"),
    END,
};

static const RowSpec input_rows[] = {
    DEVICE(N_("_Type:"), "@type", ROW_CHOICE, "tablet|mouse|keyboard|passthrough|evdev"),
    DEVICE(N_("_Bus:"), "@bus", ROW_CHOICE, "|usb|ps2|virtio|xen"),
    END,
};

static const RowSpec char_rows[] = {
    DEVICE(N_("_Type:"),
           "@type",
           ROW_CHOICE,
           "pty|file|unix|tcp|udp|spicevmc|qemu-vdagent|null|vc|stdio|dev|pipe|spiceport"),
    DEVICE(N_("Target t_ype:"), "target/@type", ROW_TEXT, NULL),
    DEVICE(N_("Target _name:"), "target/@name", ROW_TEXT, NULL),
    DEVICE(N_("Target _port:"), "target/@port", ROW_TEXT, NULL),
    DEVICE(N_("_Source path:"), "source/@path", ROW_TEXT, NULL),
    END,
};

static const RowSpec controller_rows[] = {
    DEVICE(N_("Type:"), "@type", ROW_READ_ONLY, NULL),
    DEVICE(N_("Index:"), "@index", ROW_READ_ONLY, NULL),
    DEVICE(N_("_Model:"), "@model", ROW_TEXT, NULL),
    END,
};

static const RowSpec hostdev_rows[] = {
    DEVICE(N_("Type:"), "@type", ROW_READ_ONLY, NULL),
    DEVICE(N_("Mode:"), "@mode", ROW_READ_ONLY, NULL),
    DEVICE(N_("Vendor:"), "source/vendor/@id", ROW_READ_ONLY, NULL),
    DEVICE(N_("Product:"), "source/product/@id", ROW_READ_ONLY, NULL),
    END,
};

static const RowSpec tpm_rows[] = {
    DEVICE(N_("_Model:"), "@model", ROW_CHOICE, "|tpm-crb|tpm-tis|tpm-spapr"),
    DEVICE(N_("_Backend:"), "backend/@type", ROW_CHOICE, "emulator|passthrough|external"),
    DEVICE(N_("_Version:"), "backend/@version", ROW_CHOICE, "|2.0|1.2"),
    END,
};

static const RowSpec rng_rows[] = {
    DEVICE(N_("_Model:"), "@model", ROW_CHOICE, "virtio|virtio-transitional"),
    DEVICE(N_("_Backend:"), "backend/@model", ROW_CHOICE, "random|egd|builtin"),
    DEVICE(N_("_Source:"), "backend", ROW_TEXT, NULL),
    END,
};

static const RowSpec watchdog_rows[] = {
    DEVICE(N_("_Model:"), "@model", ROW_CHOICE, "i6300esb|ib700|diag288|itco"),
    DEVICE(N_("_Action:"),
           "@action",
           ROW_CHOICE,
           "|reset|shutdown|poweroff|pause|none|dump|inject-nmi"),
    END,
};

static const RowSpec filesystem_rows[] = {
    DEVICE(N_("_Driver:"), "driver/@type", ROW_CHOICE, "|virtiofs|path|handle|loop|nbd"),
    DEVICE(N_("_Source directory:"), "source/@dir", ROW_TEXT, NULL),
    DEVICE(N_("_Target:"), "target/@dir", ROW_TEXT, NULL),
    DEVICE(N_("_Read-only"), "readonly", ROW_CHECK, NULL),
    END,
};

static const RowSpec balloon_rows[] = {
    DEVICE(N_("_Model:"), "@model", ROW_CHOICE, "virtio|virtio-transitional|xen|none"),
    END,
};

static const RowSpec *
rows_for_device(HakoDomainConfig *config, guint index)
{
    g_autofree char *device = NULL;

    switch (hako_domain_config_device_kind(config, index)) {
    case HAKO_DEVICE_DISK:
        device = hako_domain_config_device_get(config, index, "@device");
        return g_strcmp0(device, "cdrom") == 0 || g_strcmp0(device, "floppy") == 0 ? media_rows
                                                                                   : disk_rows;
    case HAKO_DEVICE_INTERFACE:
        return interface_rows;
    case HAKO_DEVICE_GRAPHICS:
        return graphics_rows;
    case HAKO_DEVICE_VIDEO:
        return video_rows;
    case HAKO_DEVICE_SOUND:
        return sound_rows;
    case HAKO_DEVICE_INPUT:
        return input_rows;
    case HAKO_DEVICE_SERIAL:
    case HAKO_DEVICE_CONSOLE:
    case HAKO_DEVICE_CHANNEL:
    case HAKO_DEVICE_PARALLEL:
        return char_rows;
    case HAKO_DEVICE_CONTROLLER:
        return controller_rows;
    case HAKO_DEVICE_HOSTDEV:
        return hostdev_rows;
    case HAKO_DEVICE_TPM:
        return tpm_rows;
    case HAKO_DEVICE_RNG:
        return rng_rows;
    case HAKO_DEVICE_WATCHDOG:
        return watchdog_rows;
    case HAKO_DEVICE_FILESYSTEM:
        return filesystem_rows;
    case HAKO_DEVICE_MEMBALLOON:
        return balloon_rows;
    default:
        return NULL; /* its XML is shown, as it is */
    }
}

struct _HakoHardwarePages {
    GObject parent_instance;

    GtkStack *stack; /* not a reference: the window owns it, and this object */
    HakoConnectionManager *manager;
    GSettings *settings; /* the confirmations; may be NULL */
    HakoDomain *domain;
    HakoHost *host;
    GCancellable *cancellable;
    HakoDomainConfig *config;
    GPtrArray *pages;    /* the pages added to the stack (GtkWidget, not references) */
    GPtrArray *buttons;  /* Apply and Revert of every page, by pairs */
    GPtrArray *messages; /* GtkLabel, one per page */
    HakoOsDb *os_db;     /* for the OS Information page, once loaded */
    gboolean populating;
    gboolean applying;
    gboolean persistent_only; /* the user asked not to change the running guest */
    GPtrArray *live_checks;   /* "Also change the running guest", one per page */
    char *result;             /* what the last Apply said, shown on every page */
    GtkWidget *shown;         /* the stack's visible page as last seen (not a reference) */
    gboolean asking;          /* the unapplied-changes question is open */
    gboolean moving;          /* the stack is switched by this code, not by the user */
    char *then_page;          /* where to go once the Apply chosen on leaving a page is done */
    gboolean then_close;      /* close the window once that Apply is done */
};

G_DEFINE_FINAL_TYPE(HakoHardwarePages, hako_hardware_pages, G_TYPE_OBJECT)

static void rebuild(HakoHardwarePages *self);

/* ---------------------------------------------------------------------------------------- */
/* Rows and their bindings                                                                   */

typedef struct {
    HakoHardwarePages *self; /* not a reference: the page dies first */
    const RowSpec *spec;
    int device; /* -1 for a field */
    GtkLabel *message;
} Binding;

static char *
binding_get(Binding *b)
{
    HakoDomainConfig *config = b->self->config;

    if (b->device < 0) {
        char *value = hako_domain_config_get(config, b->spec->field);

        /* vCPUs plugged in: all of them when <vcpu> says nothing else */
        if (value == NULL && b->spec->field == HAKO_CONFIG_VCPUS_CURRENT)
            value = hako_domain_config_get(config, HAKO_CONFIG_VCPUS);
        if (value == NULL && b->spec->field == HAKO_CONFIG_CURRENT_MEMORY)
            value = hako_domain_config_get(config, HAKO_CONFIG_MEMORY);
        return value;
    }
    return hako_domain_config_device_get(config, (guint)b->device, b->spec->path);
}

/* Whether a page says a field was refused: Apply is off until it is fixed. */
static gboolean
has_problem(HakoHardwarePages *self)
{
    for (guint i = 0; i < self->messages->len; i++) {
        GtkLabel *message = g_ptr_array_index(self->messages, i);

        if (g_object_get_data(G_OBJECT(message), "problem") != NULL)
            return TRUE;
    }
    return FALSE;
}

static void
update_buttons(HakoHardwarePages *self)
{
    gboolean modified = self->config != NULL && hako_domain_config_is_modified(self->config);
    gboolean problem = has_problem(self);
    for (guint i = 0; i < self->buttons->len; i++) {
        GtkWidget *button = g_ptr_array_index(self->buttons, i);
        gboolean apply = i % 2 == 0;

        gtk_widget_set_sensitive(button, !self->applying && modified && (!apply || !problem));
    }
}

static void
say(GtkLabel *message, const char *text, gboolean problem)
{
    gtk_label_set_text(message, text != NULL ? text : "");
    g_object_set_data(G_OBJECT(message), "problem", GINT_TO_POINTER(problem));
}

static void
binding_set(Binding *b, const char *value)
{
    g_autoptr(GError) error = NULL;
    HakoDomainConfig *config = b->self->config;
    gboolean done;

    if (b->self->populating || config == NULL)
        return;
    done = b->device < 0 ? hako_domain_config_set(config, b->spec->field, value, &error)
                         : hako_domain_config_device_set(config, (guint)b->device, b->spec->path,
                                                         value, &error);
    say(b->message, done ? NULL : error->message, !done);
    update_buttons(b->self);
}

static void
entry_changed_cb(GtkEntry *entry, Binding *b)
{
    g_autofree char *text = g_strstrip(g_strdup(gtk_entry_get_text(entry)));

    binding_set(b, *text != '\0' ? text : NULL);
}

static void
spin_changed_cb(GtkSpinButton *spin, Binding *b)
{
    g_autofree char *text = NULL;
    gint64 value = (gint64)gtk_spin_button_get_value(spin);

    if (b->spec->type == ROW_MIB)
        value *= 1024; /* KiB */
    text = g_strdup_printf("%" G_GINT64_FORMAT, value);
    binding_set(b, text);
}

static void
combo_changed_cb(GtkComboBox *combo, Binding *b)
{
    const char *id = gtk_combo_box_get_active_id(combo);

    binding_set(b, id != NULL && *id != '\0' ? id : NULL);
}

static void
check_toggled_cb(GtkToggleButton *check, Binding *b)
{
    gboolean on = gtk_toggle_button_get_active(check);

    /* a field says yes or no; a device's flag is an element that is there, or not */
    if (b->device < 0)
        binding_set(b, on ? "yes" : "no");
    else
        binding_set(b, on ? "" : NULL);
}

static GtkWidget *
make_row_widget(Binding *b, const char *value)
{
    const RowSpec *spec = b->spec;
    GtkWidget *widget;

    switch (spec->type) {
    case ROW_READ_ONLY:
        widget = gtk_label_new(value != NULL ? value : "—");
        gtk_label_set_xalign(GTK_LABEL(widget), 0.0);
        gtk_label_set_selectable(GTK_LABEL(widget), TRUE);
        gtk_label_set_ellipsize(GTK_LABEL(widget), PANGO_ELLIPSIZE_MIDDLE);
        return widget;
    case ROW_NUMBER:
    case ROW_MIB: {
        double number = value != NULL ? g_ascii_strtod(value, NULL) : 0;

        widget = gtk_spin_button_new_with_range(0, spec->type == ROW_MIB ? 1 << 30 : 4096, 1);
        gtk_spin_button_set_value(GTK_SPIN_BUTTON(widget),
                                  spec->type == ROW_MIB ? number / 1024 : number);
        gtk_entry_set_activates_default(GTK_ENTRY(widget), TRUE);
        g_signal_connect(widget, "value-changed", G_CALLBACK(spin_changed_cb), b);
        return widget;
    }
    case ROW_CHOICE: {
        g_auto(GStrv) choices = g_strsplit(spec->choices, "|", -1);
        gboolean found = FALSE;

        widget = gtk_combo_box_text_new();
        for (guint i = 0; choices[i] != NULL; i++) {
            gtk_combo_box_text_append(GTK_COMBO_BOX_TEXT(widget), choices[i],
                                      *choices[i] != '\0' ? choices[i] : _("Default"));
            if (g_strcmp0(choices[i], value != NULL ? value : "") == 0)
                found = TRUE;
        }
        /* a value Hako does not offer is still shown, and kept */
        if (!found && value != NULL)
            gtk_combo_box_text_append(GTK_COMBO_BOX_TEXT(widget), value, value);
        gtk_combo_box_set_active_id(GTK_COMBO_BOX(widget), value != NULL ? value : "");
        g_signal_connect(widget, "changed", G_CALLBACK(combo_changed_cb), b);
        return widget;
    }
    case ROW_CHECK:
        widget = gtk_check_button_new_with_mnemonic(_(spec->caption));
        gtk_toggle_button_set_active(GTK_TOGGLE_BUTTON(widget),
                                     b->device < 0 ? g_strcmp0(value, "yes") == 0 : value != NULL);
        g_signal_connect(widget, "toggled", G_CALLBACK(check_toggled_cb), b);
        return widget;
    case ROW_SECRET:
    case ROW_TEXT:
    default:
        widget = gtk_entry_new();
        gtk_entry_set_text(GTK_ENTRY(widget), value != NULL ? value : "");
        gtk_entry_set_activates_default(GTK_ENTRY(widget), TRUE);
        gtk_widget_set_hexpand(widget, TRUE);
        if (spec->type == ROW_SECRET)
            gtk_entry_set_visibility(GTK_ENTRY(widget), FALSE);
        g_signal_connect(widget, "changed", G_CALLBACK(entry_changed_cb), b);
        return widget;
    }
}

/* Rows are shown for what the device has, and always for a device's first row (its kind). */
static gboolean
row_applies(HakoHardwarePages *self, const RowSpec *spec, int device, const char *value)
{
    const char *path = spec->path;

    if (device < 0 || value != NULL || spec->type == ROW_CHECK)
        return TRUE;
    /* the other ways a disk or NIC is sourced are not offered for this one */
    if (g_str_has_prefix(path, "source/@")) {
        g_autofree char *type = hako_domain_config_device_get(self->config, (guint)device, "@type");
        const char *attribute = path + strlen("source/@");

        return (g_strcmp0(type, "file") == 0 && g_str_equal(attribute, "file")) ||
               (g_strcmp0(type, "block") == 0 && g_str_equal(attribute, "dev")) ||
               (g_strcmp0(type, "network") == 0 && g_str_equal(attribute, "network")) ||
               (g_strcmp0(type, "bridge") == 0 && g_str_equal(attribute, "bridge")) ||
               (g_strcmp0(type, "direct") == 0 && g_str_equal(attribute, "dev")) ||
               (g_strcmp0(type, "mount") == 0 && g_str_equal(attribute, "dir"));
    }
    return TRUE;
}

static void
add_rows(HakoHardwarePages *self, GtkGrid *grid, const RowSpec *rows, int device, GtkLabel *message)
{
    int row = 0;

    for (const RowSpec *spec = rows; spec->caption != NULL; spec++) {
        Binding *b = g_new0(Binding, 1);
        g_autofree char *value = NULL;
        const char *restart;
        GtkWidget *widget;

        b->self = self;
        b->spec = spec;
        b->device = device;
        b->message = message;
        value = binding_get(b);
        if (!row_applies(self, spec, device, value)) {
            g_free(b);
            continue;
        }
        widget = make_row_widget(b, value);
        g_object_set_data_full(G_OBJECT(widget), "binding", b, g_free);
        if (spec->type == ROW_CHECK) {
            gtk_grid_attach(grid, widget, 1, row, 1, 1);
        } else {
            GtkWidget *label = gtk_label_new_with_mnemonic(_(spec->caption));

            gtk_label_set_xalign(GTK_LABEL(label), 1.0);
            gtk_grid_attach(grid, label, 0, row, 1, 1);
            gtk_grid_attach(grid, widget, 1, row, 1, 1);
            if (spec->type == ROW_READ_ONLY) {
                atk_object_add_relationship(gtk_widget_get_accessible(widget),
                                            ATK_RELATION_LABELLED_BY,
                                            gtk_widget_get_accessible(label));
            } else {
                gtk_label_set_mnemonic_widget(GTK_LABEL(label), widget);
                atk_object_set_name(gtk_widget_get_accessible(widget),
                                    gtk_label_get_text(GTK_LABEL(label)));
            }
        }
        restart = spec->type == ROW_READ_ONLY ? NULL
                  : device < 0 ? hako_domain_config_field_needs_restart(self->config, spec->field)
                               : hako_domain_config_device_needs_restart(self->config,
                                                                         (guint)device, spec->path);
        if (restart != NULL) {
            GtkWidget *note = gtk_label_new(restart);

            gtk_label_set_xalign(GTK_LABEL(note), 0.0);
            gtk_label_set_line_wrap(GTK_LABEL(note), TRUE);
            gtk_label_set_max_width_chars(GTK_LABEL(note), 40);
            gtk_style_context_add_class(gtk_widget_get_style_context(note), "dim-label");
            gtk_grid_attach(grid, note, 2, row, 1, 1);
        }
        row++;
    }
}

/* ---------------------------------------------------------------------------------------- */
/* Apply, Revert, Remove                                                                     */

static void
say_everywhere(HakoHardwarePages *self, const char *text)
{
    for (guint i = 0; i < self->messages->len; i++)
        say(g_ptr_array_index(self->messages, i), text, FALSE);
}

static void loaded_cb(GObject *source, GAsyncResult *result, gpointer user_data);

static void
load(HakoHardwarePages *self)
{
    if (self->stack == NULL)
        return;
    if (self->cancellable != NULL)
        g_cancellable_cancel(self->cancellable);
    g_clear_object(&self->cancellable);
    self->cancellable = g_cancellable_new();
    hako_domain_config_load_async(self->manager, self->domain, self->cancellable, loaded_cb,
                                  g_object_ref(self));
}

static void
applied_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HakoHardwarePages) self = user_data;
    g_autoptr(GError) error = NULL;
    g_auto(GStrv) not_live = NULL;
    gboolean done =
        hako_domain_config_apply_finish(HAKO_DOMAIN_CONFIG(source), result, &not_live, &error);

    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
    self->applying = FALSE;
    if (!done) {
        /* nothing changed: the edits stay, with libvirt's reason, on the page left open */
        g_clear_pointer(&self->then_page, g_free);
        self->then_close = FALSE;
        say_everywhere(self, error->message);
        update_buttons(self);
        return;
    }
    if (self->then_close && self->stack != NULL) {
        /* asked for when the window was closed with these edits */
        gtk_widget_destroy(gtk_widget_get_toplevel(GTK_WIDGET(self->stack)));
        return;
    }
    if (self->then_page != NULL && self->stack != NULL &&
        gtk_stack_get_child_by_name(self->stack, self->then_page) != NULL) {
        self->moving = TRUE;
        gtk_stack_set_visible_child_name(self->stack, self->then_page);
        self->moving = FALSE;
    }
    g_clear_pointer(&self->then_page, g_free);
    g_free(self->result);
    if (not_live != NULL && not_live[0] != NULL) {
        g_autofree char *list = g_strjoinv("\n", not_live);

        self->result = g_strdup_printf(_("Applied. At the next boot:\n%s"), list);
    } else {
        self->result = g_strdup(_("Applied."));
    }
    load(self);
}

static void
apply_clicked_cb(HakoHardwarePages *self)
{
    HakoApplyFlags flags = HAKO_APPLY_PERSISTENT;

    if (self->config == NULL || self->applying)
        return;
    if (hako_domain_config_is_running(self->config) && !self->persistent_only)
        flags |= HAKO_APPLY_LIVE;
    self->applying = TRUE;
    update_buttons(self);
    say_everywhere(self, _("Applying…"));
    hako_domain_config_apply_async(self->config, self->manager, self->host, flags,
                                   self->cancellable, applied_cb, g_object_ref(self));
}

static void
revert_clicked_cb(HakoHardwarePages *self)
{
    if (self->config == NULL)
        return;
    hako_domain_config_revert(self->config);
    rebuild(self);
}

typedef struct {
    HakoHardwarePages *self;
    HakoDomainConfig *config; /* the settings the device was shown from */
    guint index;
} Removal;

static void
removal_free(gpointer data)
{
    Removal *removal = data;

    g_clear_object(&removal->self);
    g_clear_object(&removal->config);
    g_free(removal);
}

static void
remove_confirmed(gpointer data)
{
    Removal *removal = data;
    HakoHardwarePages *self = removal->self;
    g_autoptr(GError) error = NULL;

    /* The settings may have been read again, or the window closed, while the question was open. */
    if (self->stack == NULL || self->config != removal->config)
        return;
    if (!hako_domain_config_remove_device(self->config, removal->index, &error)) {
        say_everywhere(self, error->message);
        return;
    }
    rebuild(self);
}

static void
remove_clicked_cb(GtkButton *button, HakoHardwarePages *self)
{
    Removal *removal;
    const char *name;
    g_autofree char *device = NULL;
    g_autofree char *question = NULL;

    if (self->config == NULL || self->stack == NULL)
        return;
    removal = g_new0(Removal, 1);
    removal->self = g_object_ref(self);
    removal->config = g_object_ref(self->config);
    removal->index = GPOINTER_TO_UINT(g_object_get_data(G_OBJECT(button), "device"));
    device = hako_domain_config_device_describe(self->config, removal->index);
    name = hako_domain_get_name(self->domain);
    /* Translators: "Remove “Disk vda” from “fedora”?" */
    question = g_strdup_printf(_("Remove “%s” from “%s”?"), device, name);
    hako_confirm(GTK_WINDOW(gtk_widget_get_toplevel(GTK_WIDGET(self->stack))), self->settings,
                 "confirm-remove-device", question,
                 _("The device leaves the guest’s settings once you apply the changes. Its "
                   "storage, if any, is kept."),
                 _("_Remove"), TRUE, remove_confirmed, removal, removal_free);
}

static void
device_chosen_cb(HakoHardwarePages *self, const char *xml)
{
    g_autoptr(GError) error = NULL;

    if (self->config == NULL || self->stack == NULL)
        return;
    if (hako_domain_config_add_device(self->config, xml, &error) < 0) {
        say_everywhere(self, error->message);
        return;
    }
    /* Added, as virt-manager does, at once (live too when the guest runs). */
    rebuild(self);
    apply_clicked_cb(self);
}

static void
add_hardware_clicked_cb(HakoHardwarePages *self)
{
    g_autoptr(GPtrArray) targets = g_ptr_array_new_with_free_func(g_free);
    GtkWidget *dialog;

    if (self->config == NULL || self->stack == NULL)
        return;
    for (guint i = 0; i < hako_domain_config_get_n_devices(self->config); i++) {
        char *target = hako_domain_config_device_kind(self->config, i) == HAKO_DEVICE_DISK
                           ? hako_domain_config_device_get(self->config, i, "target/@dev")
                           : NULL;

        if (target != NULL)
            g_ptr_array_add(targets, target);
    }
    g_ptr_array_add(targets, NULL);
    dialog = hako_add_hardware_dialog_new(
        GTK_WINDOW(gtk_widget_get_toplevel(GTK_WIDGET(self->stack))), self->manager, self->host,
        (const char *const *)targets->pdata);
    g_signal_connect_object(dialog, "device-chosen", G_CALLBACK(device_chosen_cb), self,
                            G_CONNECT_SWAPPED);
    gtk_window_present(GTK_WINDOW(dialog));
}

/* One choice for all pages: the same Apply applies every edit. */
static void
live_toggled_cb(GtkToggleButton *check, HakoHardwarePages *self)
{
    self->persistent_only = !gtk_toggle_button_get_active(check);
    for (guint i = 0; i < self->live_checks->len; i++) {
        GtkToggleButton *other = g_ptr_array_index(self->live_checks, i);

        if (other == check)
            continue;
        g_signal_handlers_block_by_func(other, live_toggled_cb, self);
        gtk_toggle_button_set_active(other, !self->persistent_only);
        g_signal_handlers_unblock_by_func(other, live_toggled_cb, self);
    }
}

/* A row of facts that are not settings (the guest's state, its addresses). */
static void
add_fact_row(GtkWidget *page, const char *caption, const char *value)
{
    g_autoptr(GList) children = gtk_container_get_children(GTK_CONTAINER(page));
    GtkWidget *child = gtk_bin_get_child(GTK_BIN(children->data));
    GtkWidget *grid = GTK_IS_VIEWPORT(child) ? gtk_bin_get_child(GTK_BIN(child)) : child;
    GtkWidget *label = gtk_label_new(caption);
    GtkWidget *fact = gtk_label_new(value);
    int row = 0;

    while (gtk_grid_get_child_at(GTK_GRID(grid), 0, row) != NULL ||
           gtk_grid_get_child_at(GTK_GRID(grid), 1, row) != NULL)
        row++;
    gtk_label_set_xalign(GTK_LABEL(label), 1.0);
    gtk_label_set_xalign(GTK_LABEL(fact), 0.0);
    gtk_label_set_selectable(GTK_LABEL(fact), TRUE);
    gtk_label_set_line_wrap(GTK_LABEL(fact), TRUE);
    atk_object_add_relationship(gtk_widget_get_accessible(fact), ATK_RELATION_LABELLED_BY,
                                gtk_widget_get_accessible(label));
    gtk_grid_attach(GTK_GRID(grid), label, 0, row, 1, 1);
    gtk_grid_attach(GTK_GRID(grid), fact, 1, row, 1, 1);
    gtk_widget_show(label);
    gtk_widget_show(fact);
}

/* ---------------------------------------------------------------------------------------- */
/* Pages                                                                                      */

static GtkWidget *
add_page(
    HakoHardwarePages *self, const char *name, const char *title, const RowSpec *rows, int device)
{
    GtkWidget *page = gtk_box_new(GTK_ORIENTATION_VERTICAL, 6);
    GtkWidget *scrolled = gtk_scrolled_window_new(NULL, NULL);
    GtkWidget *grid = gtk_grid_new();
    GtkWidget *message = gtk_label_new(self->result);
    GtkWidget *buttons = gtk_button_box_new(GTK_ORIENTATION_HORIZONTAL);
    GtkWidget *apply = gtk_button_new_with_mnemonic(_("_Apply"));
    GtkWidget *revert = gtk_button_new_with_mnemonic(_("Re_vert"));

    gtk_container_set_border_width(GTK_CONTAINER(page), 12);
    gtk_grid_set_row_spacing(GTK_GRID(grid), 6);
    gtk_grid_set_column_spacing(GTK_GRID(grid), 12);
    gtk_widget_set_vexpand(scrolled, TRUE);
    gtk_scrolled_window_set_policy(GTK_SCROLLED_WINDOW(scrolled), GTK_POLICY_NEVER,
                                   GTK_POLICY_AUTOMATIC);
    gtk_container_add(GTK_CONTAINER(scrolled), grid);
    gtk_box_pack_start(GTK_BOX(page), scrolled, TRUE, TRUE, 0);
    gtk_label_set_xalign(GTK_LABEL(message), 0.0);
    gtk_label_set_line_wrap(GTK_LABEL(message), TRUE);
    gtk_label_set_selectable(GTK_LABEL(message), TRUE);
    gtk_box_pack_start(GTK_BOX(page), message, FALSE, FALSE, 0);
    gtk_button_box_set_layout(GTK_BUTTON_BOX(buttons), GTK_BUTTONBOX_END);
    gtk_box_set_spacing(GTK_BOX(buttons), 6);
    {
        GtkWidget *add = gtk_button_new_with_mnemonic(_("A_dd Hardware…"));

        gtk_widget_set_tooltip_text(add, _("Give the guest another device"));
        g_signal_connect_swapped(add, "clicked", G_CALLBACK(add_hardware_clicked_cb), self);
        gtk_container_add(GTK_CONTAINER(buttons), add);
        gtk_button_box_set_child_secondary(GTK_BUTTON_BOX(buttons), add, TRUE);
    }
    if (device >= 0) {
        GtkWidget *remove = gtk_button_new_with_mnemonic(_("Re_move"));

        gtk_widget_set_tooltip_text(remove, _("Remove this device from the guest"));
        g_object_set_data(G_OBJECT(remove), "device", GUINT_TO_POINTER((guint)device));
        g_signal_connect(remove, "clicked", G_CALLBACK(remove_clicked_cb), self);
        gtk_container_add(GTK_CONTAINER(buttons), remove);
        gtk_button_box_set_child_secondary(GTK_BUTTON_BOX(buttons), remove, TRUE);
    }
    if (hako_domain_config_is_running(self->config)) {
        GtkWidget *live = gtk_check_button_new_with_mnemonic(_("Also change the _running guest"));

        gtk_widget_set_tooltip_text(live, _("Unticked, the changes wait for the next boot"));
        gtk_toggle_button_set_active(GTK_TOGGLE_BUTTON(live), !self->persistent_only);
        g_signal_connect(live, "toggled", G_CALLBACK(live_toggled_cb), self);
        gtk_container_add(GTK_CONTAINER(buttons), live);
        g_ptr_array_add(self->live_checks, live);
    }
    gtk_container_add(GTK_CONTAINER(buttons), revert);
    gtk_container_add(GTK_CONTAINER(buttons), apply);
    gtk_box_pack_start(GTK_BOX(page), buttons, FALSE, FALSE, 0);
    g_signal_connect_swapped(apply, "clicked", G_CALLBACK(apply_clicked_cb), self);
    g_signal_connect_swapped(revert, "clicked", G_CALLBACK(revert_clicked_cb), self);
    g_ptr_array_add(self->buttons, apply);
    g_ptr_array_add(self->buttons, revert);
    g_ptr_array_add(self->messages, message);

    if (rows != NULL) {
        add_rows(self, GTK_GRID(grid), rows, device, GTK_LABEL(message));
    } else if (device >= 0) {
        /* a device Hako has no fields for: its XML, as it is */
        g_autofree char *xml = hako_domain_config_device_to_xml(self->config, (guint)device);
        GtkWidget *label = gtk_label_new(xml);

        gtk_label_set_selectable(GTK_LABEL(label), TRUE);
        gtk_label_set_xalign(GTK_LABEL(label), 0.0);
        gtk_style_context_add_class(gtk_widget_get_style_context(label), "monospace");
        gtk_grid_attach(GTK_GRID(grid), label, 0, 0, 2, 1);
    }
    if (hako_host_get_read_only(self->host)) {
        /* shown as they are, and said why they cannot change */
        gtk_widget_set_sensitive(grid, FALSE);
        gtk_widget_set_sensitive(buttons, FALSE);
        gtk_label_set_text(GTK_LABEL(message),
                           _("The connection is read-only: the guest's settings can be read but "
                             "not changed. Connect without read-only to change them."));
    }
    gtk_widget_show_all(page);
    gtk_stack_add_titled(self->stack, page, name, title);
    g_ptr_array_add(self->pages, page);
    return page;
}

/* Autostart is no part of the XML: the check sets it at once, and goes back if libvirt refuses. */
static void
autostart_set_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GtkToggleButton) check = user_data;
    g_autoptr(GError) error = NULL;
    HakoHardwarePages *self = g_object_get_data(G_OBJECT(check), "pages");

    if (hako_domain_ops_set_autostart_finish(HAKO_DOMAIN_OPS(source), result, &error))
        return;
    if (gtk_widget_in_destruction(GTK_WIDGET(check)) || self == NULL || self->stack == NULL)
        return;
    g_object_set_data(G_OBJECT(check), "undoing", GINT_TO_POINTER(1));
    gtk_toggle_button_set_active(check, !gtk_toggle_button_get_active(check));
    g_object_set_data(G_OBJECT(check), "undoing", NULL);
    say_everywhere(self, error->message);
}

static void
autostart_toggled_cb(GtkToggleButton *check, HakoHardwarePages *self)
{
    g_autoptr(HakoDomainOps) ops = NULL;

    if (g_object_get_data(G_OBJECT(check), "undoing") != NULL)
        return;
    ops = hako_domain_ops_new(self->manager);
    hako_domain_ops_set_autostart_async(ops, self->domain, gtk_toggle_button_get_active(check),
                                        NULL, autostart_set_cb, g_object_ref(check));
}

static void
add_autostart_row(HakoHardwarePages *self, GtkWidget *page)
{
    GtkWidget *check = gtk_check_button_new_with_mnemonic(_("_Start when the host starts"));
    g_autoptr(GList) children = gtk_container_get_children(GTK_CONTAINER(page));
    GtkWidget *scrolled = gtk_bin_get_child(GTK_BIN(children->data));
    GtkWidget *grid = GTK_IS_VIEWPORT(scrolled) ? gtk_bin_get_child(GTK_BIN(scrolled)) : scrolled;

    gtk_widget_set_tooltip_text(check, _("libvirt starts the guest when its daemon starts "
                                         "(applied at once)"));
    gtk_toggle_button_set_active(GTK_TOGGLE_BUTTON(check), hako_domain_get_autostart(self->domain));
    g_object_set_data(G_OBJECT(check), "pages", self);
    g_signal_connect(check, "toggled", G_CALLBACK(autostart_toggled_cb), self);
    gtk_grid_insert_row(GTK_GRID(grid), 0);
    gtk_grid_attach(GTK_GRID(grid), check, 1, 0, 1, 1);
    gtk_widget_show(check);
}

/* What libosinfo knows of the guest's operating system (its ID is in the guest's metadata). */
static void
add_os_page(HakoHardwarePages *self)
{
    g_autofree char *id = hako_domain_config_get(self->config, HAKO_CONFIG_OS_ID);
    HakoOsEntry *os = self->os_db != NULL && id != NULL ? hako_os_db_lookup(self->os_db, id) : NULL;
    GtkWidget *page = gtk_grid_new();
    const struct {
        const char *caption;
        const char *value;
    } rows[] = {
        {N_("Name:"), os != NULL ? hako_os_entry_get_name(os) : NULL},
        {N_("Vendor:"), os != NULL ? hako_os_entry_get_vendor(os) : NULL},
        {N_("Family:"), os != NULL ? hako_os_entry_get_family(os) : NULL},
        {N_("Version:"), os != NULL ? hako_os_entry_get_version(os) : NULL},
        {N_("Released:"), os != NULL ? hako_os_entry_get_release_date(os) : NULL},
        {N_("Supported:"),
         os != NULL ? (hako_os_entry_get_eol(os) ? _("No longer (end of life)") : _("Yes")) : NULL},
        {N_("libosinfo ID:"), id},
    };
    int row = 0;

    gtk_container_set_border_width(GTK_CONTAINER(page), 12);
    gtk_grid_set_row_spacing(GTK_GRID(page), 6);
    gtk_grid_set_column_spacing(GTK_GRID(page), 12);
    if (id == NULL) {
        GtkWidget *none = gtk_label_new(
            _("The guest does not say which operating system it runs (no libosinfo ID in its "
              "metadata)."));

        gtk_label_set_line_wrap(GTK_LABEL(none), TRUE);
        gtk_label_set_xalign(GTK_LABEL(none), 0.0);
        gtk_grid_attach(GTK_GRID(page), none, 0, 0, 2, 1);
    }
    for (guint i = 0; id != NULL && i < G_N_ELEMENTS(rows); i++) {
        GtkWidget *label = gtk_label_new(_(rows[i].caption));
        GtkWidget *value = gtk_label_new(rows[i].value != NULL ? rows[i].value : "—");

        gtk_label_set_xalign(GTK_LABEL(label), 1.0);
        gtk_label_set_xalign(GTK_LABEL(value), 0.0);
        gtk_label_set_selectable(GTK_LABEL(value), TRUE);
        atk_object_add_relationship(gtk_widget_get_accessible(value), ATK_RELATION_LABELLED_BY,
                                    gtk_widget_get_accessible(label));
        gtk_grid_attach(GTK_GRID(page), label, 0, row, 1, 1);
        gtk_grid_attach(GTK_GRID(page), value, 1, row, 1, 1);
        row++;
    }
    gtk_widget_show_all(page);
    gtk_stack_add_titled(self->stack, page, "os", _("OS Information"));
    g_ptr_array_add(self->pages, page);
}

static void
clear_pages(HakoHardwarePages *self)
{
    for (guint i = 0; i < self->pages->len; i++)
        gtk_widget_destroy(g_ptr_array_index(self->pages, i));
    g_ptr_array_set_size(self->pages, 0);
    g_ptr_array_set_size(self->buttons, 0);
    g_ptr_array_set_size(self->messages, 0);
    g_ptr_array_set_size(self->live_checks, 0);
}

static void
rebuild(HakoHardwarePages *self)
{
    g_autofree char *visible = NULL;

    if (self->stack == NULL)
        return; /* the window is gone */
    visible = g_strdup(gtk_stack_get_visible_child_name(self->stack));
    self->populating = TRUE;
    clear_pages(self);
    if (self->config != NULL) {
        {
            GtkWidget *overview = add_page(self, "overview", _("Overview"), overview_rows, -1);
            g_autofree char *state = hako_domain_describe_state(self->domain);

            add_fact_row(overview, _("State:"), state);
        }
        add_os_page(self);
        add_page(self, "cpus", _("CPUs"), cpu_rows, -1);
        add_page(self, "memory", _("Memory"), memory_rows, -1);
        add_autostart_row(self, add_page(self, "boot", _("Boot Options"), boot_rows, -1));
        for (guint i = 0; i < hako_domain_config_get_n_devices(self->config); i++) {
            g_autofree char *name = g_strdup_printf("device-%u", i);
            g_autofree char *title = hako_domain_config_device_describe(self->config, i);

            GtkWidget *page = add_page(self, name, title, rows_for_device(self->config, i), (int)i);

            if (hako_domain_config_device_kind(self->config, i) == HAKO_DEVICE_INTERFACE) {
                const char *const *addresses = hako_domain_get_addresses(self->domain);
                g_autofree char *joined =
                    addresses != NULL && addresses[0] != NULL
                        ? g_strjoinv(", ", (char **)addresses)
                        : g_strdup(_("not known (the guest agent or the network's DHCP "
                                     "leases tell them)"));

                add_fact_row(page, _("Guest’s IP addresses:"), joined);
            }
        }
    }
    /* the XML page stays last, after the devices */
    if (gtk_stack_get_child_by_name(self->stack, "xml") != NULL)
        gtk_container_child_set(GTK_CONTAINER(self->stack),
                                gtk_stack_get_child_by_name(self->stack, "xml"), "position", -1,
                                NULL);
    if (visible != NULL && gtk_stack_get_child_by_name(self->stack, visible) != NULL)
        gtk_stack_set_visible_child_name(self->stack, visible);
    self->populating = FALSE;
    update_buttons(self);
}

static void
loaded_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HakoHardwarePages) self = user_data;
    g_autoptr(GError) error = NULL;
    HakoDomainConfig *config = hako_domain_config_load_finish(result, &error);

    if (config == NULL) {
        if (!g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            g_debug("Could not read the settings of “%s”: %s", hako_domain_get_name(self->domain),
                    error->message);
        return;
    }
    g_clear_object(&self->config);
    self->config = config;
    g_signal_connect_object(config, "notify::modified", G_CALLBACK(update_buttons), self,
                            G_CONNECT_SWAPPED);
    rebuild(self);
}

static void
os_db_loaded_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HakoHardwarePages) self = user_data;
    g_autoptr(GError) error = NULL;
    HakoOsDb *db = hako_os_db_load_finish(result, &error);

    if (db == NULL)
        return;
    self->os_db = db;
    /* only the OS page changes: the others keep what the user is typing */
    if (self->stack != NULL && self->config != NULL &&
        !hako_domain_config_is_modified(self->config))
        rebuild(self);
}

/* A guest that starts or stops changes what can change live: read it again, unless the user
 * is in the middle of edits. */
static void
state_changed_cb(HakoHardwarePages *self)
{
    if (self->stack == NULL)
        return;
    if (self->config != NULL && hako_domain_config_is_modified(self->config))
        return;
    if (hako_host_is_connected(self->host))
        load(self);
}

/* ---------------------------------------------------------------------------------------- */
/* Edits not applied                                                                         */

static gboolean
is_unapplied(HakoHardwarePages *self)
{
    return self->stack != NULL && self->config != NULL && !self->applying &&
           hako_domain_config_is_modified(self->config);
}

static void
show_page(HakoHardwarePages *self, GtkWidget *page)
{
    self->moving = TRUE;
    gtk_stack_set_visible_child(self->stack, page);
    self->moving = FALSE;
    self->shown = page;
}

static void
discard(HakoHardwarePages *self)
{
    hako_domain_config_revert(self->config);
    rebuild(self);
}

static void
leaving_answered(HakoUnappliedAnswer answer, gpointer user_data)
{
    HakoHardwarePages *self = user_data;
    g_autofree char *target = g_steal_pointer(&self->then_page);

    self->asking = FALSE;
    if (self->stack == NULL || answer == HAKO_UNAPPLIED_CANCEL)
        return;
    if (answer == HAKO_UNAPPLIED_APPLY) {
        /* A refused field keeps Apply off: the page says which, and stays. */
        if (!is_unapplied(self) || has_problem(self))
            return;
        self->then_page = g_steal_pointer(&target);
        apply_clicked_cb(self);
        return;
    }
    if (is_unapplied(self))
        discard(self);
    if (target != NULL && gtk_stack_get_child_by_name(self->stack, target) != NULL)
        show_page(self, gtk_stack_get_child_by_name(self->stack, target));
}

/* The user left a page with edits not applied: back to it, and ask. */
static void
visible_child_cb(HakoHardwarePages *self)
{
    GtkWidget *before = self->shown;
    GtkWidget *now;

    if (self->stack == NULL)
        return;
    now = gtk_stack_get_visible_child(self->stack);
    self->shown = now;
    if (self->populating || self->moving || self->asking || before == NULL || before == now ||
        !g_ptr_array_find(self->pages, before, NULL) || !is_unapplied(self) ||
        !hako_confirm_wanted(self->settings, "confirm-unapplied-changes"))
        return;
    g_free(self->then_page);
    self->then_page = g_strdup(gtk_stack_get_visible_child_name(self->stack));
    show_page(self, before);
    self->asking = TRUE;
    hako_confirm_unapplied(GTK_WINDOW(gtk_widget_get_toplevel(GTK_WIDGET(self->stack))),
                           self->settings, self->domain, FALSE, leaving_answered,
                           g_object_ref(self), g_object_unref);
}

static void
closing_answered(HakoUnappliedAnswer answer, gpointer user_data)
{
    HakoHardwarePages *self = user_data;

    self->asking = FALSE;
    if (self->stack == NULL || answer == HAKO_UNAPPLIED_CANCEL)
        return;
    if (answer == HAKO_UNAPPLIED_APPLY) {
        if (!is_unapplied(self) || has_problem(self))
            return;
        self->then_close = TRUE;
        apply_clicked_cb(self);
        return;
    }
    gtk_widget_destroy(gtk_widget_get_toplevel(GTK_WIDGET(self->stack)));
}

/**
 * hako_hardware_pages_ask_before_closing:
 *
 * Asks what to do with edits not applied, when there are some and Preferences wants the
 * question; the answer then closes the window (after applying them, or not) or keeps it open.
 *
 * Returns: %TRUE when the window must stay open for now (the question is asked, or an Apply is
 *   still running), %FALSE when it may close (the edits, if any, are lost).
 */
gboolean
hako_hardware_pages_ask_before_closing(HakoHardwarePages *self)
{
    g_return_val_if_fail(HAKO_IS_HARDWARE_PAGES(self), FALSE);

    if (self->asking)
        return TRUE;
    if (self->then_close)
        return TRUE; /* closes once applied */
    if (!is_unapplied(self) || !hako_confirm_wanted(self->settings, "confirm-unapplied-changes"))
        return FALSE;
    self->asking = TRUE;
    hako_confirm_unapplied(GTK_WINDOW(gtk_widget_get_toplevel(GTK_WIDGET(self->stack))),
                           self->settings, self->domain, TRUE, closing_answered, g_object_ref(self),
                           g_object_unref);
    return TRUE;
}

/* ---------------------------------------------------------------------------------------- */

static void
hako_hardware_pages_dispose(GObject *object)
{
    HakoHardwarePages *self = HAKO_HARDWARE_PAGES(object);

    /* The window is going: its stack and the pages in it with it. */
    if (self->stack != NULL)
        g_signal_handlers_disconnect_by_data(self->stack, self);
    self->stack = NULL;
    self->shown = NULL;
    g_ptr_array_set_size(self->pages, 0);
    g_ptr_array_set_size(self->buttons, 0);
    g_ptr_array_set_size(self->messages, 0);
    g_ptr_array_set_size(self->live_checks, 0);
    if (self->cancellable != NULL)
        g_cancellable_cancel(self->cancellable);
    g_clear_object(&self->cancellable);
    g_clear_object(&self->config);
    g_clear_object(&self->os_db);
    g_clear_object(&self->domain);
    g_clear_object(&self->host);
    g_clear_object(&self->manager);
    g_clear_object(&self->settings);

    G_OBJECT_CLASS(hako_hardware_pages_parent_class)->dispose(object);
}

static void
hako_hardware_pages_finalize(GObject *object)
{
    HakoHardwarePages *self = HAKO_HARDWARE_PAGES(object);

    g_ptr_array_unref(self->pages);
    g_ptr_array_unref(self->buttons);
    g_ptr_array_unref(self->messages);
    g_ptr_array_unref(self->live_checks);
    g_free(self->result);
    g_free(self->then_page);

    G_OBJECT_CLASS(hako_hardware_pages_parent_class)->finalize(object);
}

static void
hako_hardware_pages_class_init(HakoHardwarePagesClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);

    object_class->dispose = hako_hardware_pages_dispose;
    object_class->finalize = hako_hardware_pages_finalize;
}

static void
hako_hardware_pages_init(HakoHardwarePages *self)
{
    self->pages = g_ptr_array_new();
    self->buttons = g_ptr_array_new();
    self->messages = g_ptr_array_new();
    self->live_checks = g_ptr_array_new();
}

/**
 * hako_hardware_pages_new:
 * @stack: the guest window's stack, which gets the pages (and outlives this object)
 * @settings: (nullable): the org.hako.Hako settings (the confirmations; NULL asks always)
 *
 * Reads the guest's settings (on a worker) and adds its pages once read.
 */
HakoHardwarePages *
hako_hardware_pages_new(GtkStack *stack,
                        HakoConnectionManager *manager,
                        HakoDomain *domain,
                        GSettings *settings)
{
    HakoHardwarePages *self;

    g_return_val_if_fail(GTK_IS_STACK(stack), NULL);
    g_return_val_if_fail(HAKO_IS_DOMAIN(domain), NULL);
    g_return_val_if_fail(settings == NULL || G_IS_SETTINGS(settings), NULL);

    self = g_object_new(HAKO_TYPE_HARDWARE_PAGES, NULL);
    self->stack = stack;
    self->manager = g_object_ref(manager);
    self->domain = g_object_ref(domain);
    self->host = g_object_ref(hako_domain_get_host(domain));
    self->settings = settings != NULL ? g_object_ref(settings) : NULL;
    self->shown = gtk_stack_get_visible_child(stack);
    g_signal_connect_swapped(stack, "notify::visible-child", G_CALLBACK(visible_child_cb), self);
    g_signal_connect_object(domain, "notify::state", G_CALLBACK(state_changed_cb), self,
                            G_CONNECT_SWAPPED);
    load(self);
    hako_os_db_load_async(NULL, os_db_loaded_cb, g_object_ref(self));
    return self;
}

/**
 * hako_hardware_pages_reload:
 *
 * Reads the guest's settings again; edits not applied are lost.
 */
void
hako_hardware_pages_reload(HakoHardwarePages *self)
{
    g_return_if_fail(HAKO_IS_HARDWARE_PAGES(self));

    load(self);
}
