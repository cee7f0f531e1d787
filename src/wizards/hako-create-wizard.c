/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoCreateWizard: the New Virtual Machine wizard, from install media to a running guest. */
#include "config.h"

#include "hako-create-wizard.h"

#include "hako-details-window.h"
#include "hako-host-caps.h"
#include "hako-installer.h"
#include "hako-networks.h"
#include "hako-os-db.h"
#include "hako-storage-browser.h"
#include "hako-storage.h"
#include "hako-troubleshoot.h"
#include "hako-widgets.h"

#include <glib/gi18n.h>

/*
 * Six pages over one HakoVmSpec, from data/ui/hako-create-wizard.ui:
 *   0 the host, the kind of guest it offers (from its capabilities) and the install method;
 *   1 the install source and the operating system (detected by libosinfo, or searched for);
 *   2 memory and vCPUs, bounded by the host, with a warning when overcommitting;
 *   3 storage: a new volume in a pool, existing storage (the storage browser), or none;
 *   4 name, network, firmware, "customize before install", and a summary (Finish);
 *   5 the creation, step by step (HakoInstaller), then the guest's window opens on its console.
 * Everything the host is asked (capabilities, pools, volumes, networks, media detection) is an
 * engine _async call: nothing waits on the main thread. Each page is checked with
 * hako_vm_spec_validate_step() as it is typed and says what is wrong; a failed creation takes
 * the user back to the last page with the step that failed and why, and the installer has
 * removed what it made.
 */

enum { PAGE_INSTALL, PAGE_SOURCE, PAGE_RESOURCES, PAGE_STORAGE, PAGE_FINISH, PAGE_PROGRESS };

#define MiB (G_GUINT64_CONSTANT(1) << 20)
#define GiB (G_GUINT64_CONSTANT(1) << 30)
#define OS_ROWS_MAX 400

/* What a Browse… button fills in. */
typedef enum { BROWSE_MEDIA, BROWSE_KERNEL, BROWSE_INITRD, BROWSE_IMPORT, BROWSE_DISK } Browse;

struct _HakoCreateWizard {
    GtkAssistant parent_instance;

    HakoConnectionManager *manager;
    GSettings *settings;
    HakoHost *host;  /* the chosen one */
    char *preferred; /* the URI of the host to choose when it is connected */
    HakoStorage *storage;
    HakoNetworks *networks;
    HakoInstaller *installer;
    GCancellable *cancellable;      /* the wizard's life */
    GCancellable *host_cancellable; /* what is being read of the chosen host */
    GCancellable *detect_cancellable;
    guint detect_timeout;

    HakoVmSpec *spec;
    HakoGuestCaps *caps;
    HakoOsDb *os_db;
    HakoOsEntry *os;
    GPtrArray *pools;   /* HakoStoragePool */
    GPtrArray *nets;    /* HakoNetwork */
    GPtrArray *volumes; /* the names of the chosen pool's volumes */
    guint loading;      /* host reads still running */
    char *load_error;   /* why the host could not be read */
    gboolean setting;   /* fields being set by the wizard, not the user */
    gboolean name_edited;
    gboolean installing;
    char *created_uuid;
    guint wait_id;

    /* page 0 */
    GtkWidget *install_page;
    GtkComboBoxText *host_combo;
    GtkComboBoxText *type_combo;
    GtkLabel *type_note;
    GtkToggleButton *media_radio;
    GtkToggleButton *url_radio;
    GtkToggleButton *pxe_radio;
    GtkToggleButton *import_radio;
    GtkToggleButton *kernel_radio;
    GtkToggleButton *manual_radio;
    GtkSpinner *install_spinner;
    GtkLabel *install_message;
    /* page 1 */
    GtkWidget *source_page;
    GtkWidget *media_label, *url_label, *kernel_label, *initrd_label, *args_label, *import_label;
    GtkEntry *media_entry, *url_entry, *kernel_entry, *initrd_entry, *args_entry, *import_entry;
    GtkWidget *media_browse, *kernel_browse, *initrd_browse, *import_browse;
    GtkToggleButton *detect_check;
    GtkSearchEntry *os_search;
    GtkTreeView *os_view;
    GtkLabel *os_label;
    GtkLabel *source_message;
    GtkListStore *os_store;
    /* page 2 */
    GtkWidget *resources_page;
    GtkSpinButton *memory_spin;
    GtkSpinButton *cpus_spin;
    GtkLabel *resources_hint;
    GtkLabel *resources_message;
    /* page 3 */
    GtkWidget *storage_page;
    GtkToggleButton *disk_new_radio, *disk_existing_radio, *disk_none_radio;
    GtkWidget *pool_label, *size_label, *format_label, *disk_label;
    GtkComboBoxText *pool_combo;
    GtkSpinButton *size_spin;
    GtkComboBoxText *format_combo;
    GtkEntry *disk_entry;
    GtkWidget *disk_browse;
    GtkLabel *space_label;
    GtkLabel *storage_message;
    /* page 4 */
    GtkWidget *finish_page;
    GtkEntry *name_entry;
    GtkComboBoxText *network_combo;
    GtkWidget *network_label;
    GtkEntry *network_entry;
    GtkComboBoxText *firmware_combo;
    GtkToggleButton *customize_check;
    GtkLabel *summary_label;
    GtkLabel *finish_message;
    /* page 5 */
    GtkWidget *progress_page;
    GtkProgressBar *progress_bar;
    GtkLabel *progress_label;
};

G_DEFINE_FINAL_TYPE(HakoCreateWizard, hako_create_wizard, GTK_TYPE_ASSISTANT)

enum { PROP_0, PROP_MANAGER, PROP_SETTINGS, PROP_HOST, N_PROPS };

static GParamSpec *properties[N_PROPS];

static void update(HakoCreateWizard *self);
static void fill_hosts(HakoCreateWizard *self);

/* ---------------------------------------------------------------------------------------- */
/* Reading the fields                                                                        */

static char *
entry_text(GtkEntry *entry)
{
    g_autofree char *text = g_strstrip(g_strdup(gtk_entry_get_text(entry)));

    return *text != '\0' ? g_steal_pointer(&text) : NULL;
}

static void
replace(char **field, char *value)
{
    g_free(*field);
    *field = value;
}

static const HakoGuestOption *
current_option(HakoCreateWizard *self)
{
    const char *id = gtk_combo_box_get_active_id(GTK_COMBO_BOX(self->type_combo));
    guint64 index;

    if (self->caps == NULL || id == NULL ||
        !g_ascii_string_to_unsigned(id, 10, 0, G_MAXUINT, &index, NULL) ||
        index >= self->caps->options->len)
        return NULL;
    return g_ptr_array_index(self->caps->options, index);
}

static HakoInstallMethod
current_method(HakoCreateWizard *self)
{
    if (gtk_toggle_button_get_active(self->url_radio))
        return HAKO_INSTALL_URL;
    if (gtk_toggle_button_get_active(self->pxe_radio))
        return HAKO_INSTALL_PXE;
    if (gtk_toggle_button_get_active(self->import_radio))
        return HAKO_INSTALL_IMPORT;
    if (gtk_toggle_button_get_active(self->kernel_radio))
        return HAKO_INSTALL_KERNEL;
    if (gtk_toggle_button_get_active(self->manual_radio))
        return HAKO_INSTALL_MANUAL;
    return HAKO_INSTALL_MEDIA;
}

static const HakoStoragePool *
current_pool(HakoCreateWizard *self)
{
    const char *id = gtk_combo_box_get_active_id(GTK_COMBO_BOX(self->pool_combo));

    for (guint i = 0; id != NULL && self->pools != NULL && i < self->pools->len; i++) {
        HakoStoragePool *pool = g_ptr_array_index(self->pools, i);

        if (g_strcmp0(pool->name, id) == 0)
            return pool;
    }
    return NULL;
}

/* The file name of the new disk: the guest's name with the format's extension. */
static char *
volume_name_for(const char *name, HakoVolumeFormat format)
{
    return g_strconcat(name != NULL && *name != '\0' ? name : "disk",
                       format == HAKO_VOLUME_FORMAT_RAW ? ".img" : ".qcow2", NULL);
}

static void
read_fields(HakoCreateWizard *self)
{
    HakoVmSpec *spec = self->spec;
    const HakoGuestOption *option = current_option(self);
    const HakoStoragePool *pool = current_pool(self);
    const char *network = gtk_combo_box_get_active_id(GTK_COMBO_BOX(self->network_combo));

    if (option != NULL) {
        replace(&spec->arch, g_strdup(option->arch));
        spec->virt_type = option->virt_type;
        spec->guest_type = option->guest_type;
    }
    spec->method = current_method(self);
    replace(&spec->media_path, entry_text(self->media_entry));
    replace(&spec->install_url, entry_text(self->url_entry));
    replace(&spec->kernel_path, entry_text(self->kernel_entry));
    replace(&spec->initrd_path, entry_text(self->initrd_entry));
    replace(&spec->kernel_args, entry_text(self->args_entry));
    replace(&spec->os_id, self->os != NULL ? g_strdup(hako_os_entry_get_id(self->os)) : NULL);
    replace(&spec->os_name, self->os != NULL ? g_strdup(hako_os_entry_get_name(self->os)) : NULL);

    spec->memory_mib = (guint64)gtk_spin_button_get_value_as_int(self->memory_spin);
    spec->vcpus = (guint)gtk_spin_button_get_value_as_int(self->cpus_spin);

    replace(&spec->name, entry_text(self->name_entry));
    if (spec->method == HAKO_INSTALL_IMPORT) {
        spec->storage = HAKO_VM_STORAGE_EXISTING;
        replace(&spec->disk_path, entry_text(self->import_entry));
    } else if (gtk_toggle_button_get_active(self->disk_existing_radio)) {
        spec->storage = HAKO_VM_STORAGE_EXISTING;
        replace(&spec->disk_path, entry_text(self->disk_entry));
    } else if (gtk_toggle_button_get_active(self->disk_none_radio)) {
        spec->storage = HAKO_VM_STORAGE_NONE;
    } else {
        spec->storage = HAKO_VM_STORAGE_NEW_VOLUME;
        replace(&spec->pool, pool != NULL ? g_strdup(pool->name) : NULL);
        spec->disk_format =
            g_strcmp0(gtk_combo_box_get_active_id(GTK_COMBO_BOX(self->format_combo)), "raw") == 0
                ? HAKO_VOLUME_FORMAT_RAW
                : HAKO_VOLUME_FORMAT_QCOW2;
        spec->disk_capacity = (guint64)gtk_spin_button_get_value_as_int(self->size_spin) * GiB;
        replace(&spec->volume_name, volume_name_for(spec->name, spec->disk_format));
        replace(&spec->disk_path, NULL);
    }

    replace(&spec->network_source, NULL);
    if (network == NULL || g_str_equal(network, "none")) {
        spec->network = HAKO_VM_NETWORK_NONE;
    } else if (g_str_has_prefix(network, "network:")) {
        spec->network = HAKO_VM_NETWORK_VIRTUAL;
        spec->network_source = g_strdup(network + strlen("network:"));
    } else if (g_str_equal(network, "bridge") || g_str_equal(network, "macvtap")) {
        spec->network =
            g_str_equal(network, "bridge") ? HAKO_VM_NETWORK_BRIDGE : HAKO_VM_NETWORK_MACVTAP;
        spec->network_source = entry_text(self->network_entry);
    } else {
        spec->network = HAKO_VM_NETWORK_USER;
    }
    spec->firmware =
        g_strcmp0(gtk_combo_box_get_active_id(GTK_COMBO_BOX(self->firmware_combo)), "uefi") == 0
            ? HAKO_FIRMWARE_UEFI
            : HAKO_FIRMWARE_BIOS;
    spec->customize = gtk_toggle_button_get_active(self->customize_check);
}

/* What the checks compare with. The arrays it points into live as long as @names. */
static void
make_limits(HakoCreateWizard *self, HakoVmSpecLimits *limits, GPtrArray *names)
{
    const HakoGuestOption *option = current_option(self);
    const HakoStoragePool *pool = current_pool(self);
    GListModel *domains =
        self->host != NULL ? G_LIST_MODEL(hako_host_get_domains(self->host)) : NULL;
    guint n = domains != NULL ? g_list_model_get_n_items(domains) : 0;

    memset(limits, 0, sizeof(*limits));
    for (guint i = 0; i < n; i++) {
        g_autoptr(HakoDomain) domain = g_list_model_get_item(domains, i);

        g_ptr_array_add(names, (gpointer)hako_domain_get_name(domain));
    }
    g_ptr_array_add(names, NULL);
    limits->existing_names = (const char *const *)names->pdata;
    if (self->host != NULL) {
        limits->host_memory_mib = hako_host_get_memory_total(self->host) / MiB;
        limits->host_cpus = hako_host_get_n_cpus(self->host);
    }
    if (option != NULL) {
        limits->max_vcpus = option->max_vcpus;
        limits->uefi_available = option->uefi_available;
    }
    if (self->volumes != NULL && self->volumes->len > 0 &&
        self->volumes->pdata[self->volumes->len - 1] == NULL)
        limits->existing_volumes = (const char *const *)self->volumes->pdata;
    if (pool != NULL)
        limits->pool_available = pool->available;
}

/* ---------------------------------------------------------------------------------------- */
/* Showing what is what                                                                      */

static void
show_source_rows(HakoCreateWizard *self)
{
    HakoInstallMethod method = current_method(self);
    gboolean media = method == HAKO_INSTALL_MEDIA;
    gboolean url = method == HAKO_INSTALL_URL;
    gboolean kernel = method == HAKO_INSTALL_KERNEL;
    gboolean import = method == HAKO_INSTALL_IMPORT;

    gtk_widget_set_visible(self->media_label, media);
    gtk_widget_set_visible(GTK_WIDGET(self->media_entry), media);
    gtk_widget_set_visible(self->media_browse, media);
    gtk_widget_set_visible(self->url_label, url);
    gtk_widget_set_visible(GTK_WIDGET(self->url_entry), url);
    gtk_widget_set_visible(self->kernel_label, kernel);
    gtk_widget_set_visible(GTK_WIDGET(self->kernel_entry), kernel);
    gtk_widget_set_visible(self->kernel_browse, kernel);
    gtk_widget_set_visible(self->initrd_label, kernel);
    gtk_widget_set_visible(GTK_WIDGET(self->initrd_entry), kernel);
    gtk_widget_set_visible(self->initrd_browse, kernel);
    gtk_widget_set_visible(self->args_label, kernel || url);
    gtk_widget_set_visible(GTK_WIDGET(self->args_entry), kernel || url);
    gtk_widget_set_visible(self->import_label, import);
    gtk_widget_set_visible(GTK_WIDGET(self->import_entry), import);
    gtk_widget_set_visible(self->import_browse, import);
    gtk_widget_set_visible(GTK_WIDGET(self->detect_check), media || url);
}

static void
show_storage_rows(HakoCreateWizard *self)
{
    gboolean fresh = gtk_toggle_button_get_active(self->disk_new_radio);
    gboolean existing = gtk_toggle_button_get_active(self->disk_existing_radio);

    gtk_widget_set_sensitive(self->pool_label, fresh);
    gtk_widget_set_sensitive(GTK_WIDGET(self->pool_combo), fresh);
    gtk_widget_set_sensitive(self->size_label, fresh);
    gtk_widget_set_sensitive(GTK_WIDGET(self->size_spin), fresh);
    gtk_widget_set_sensitive(self->format_label, fresh);
    gtk_widget_set_sensitive(GTK_WIDGET(self->format_combo), fresh);
    gtk_widget_set_sensitive(self->disk_label, existing);
    gtk_widget_set_sensitive(GTK_WIDGET(self->disk_entry), existing);
    gtk_widget_set_sensitive(self->disk_browse, existing);
}

static const char *
method_sentence(HakoVmSpec *spec)
{
    switch (spec->method) {
    case HAKO_INSTALL_MEDIA:
        return _("Installs from the media");
    case HAKO_INSTALL_URL:
        return _("Installs from the network install tree");
    case HAKO_INSTALL_PXE:
        return _("Boots from the network (PXE)");
    case HAKO_INSTALL_IMPORT:
        return _("Boots the imported disk image");
    case HAKO_INSTALL_KERNEL:
        return _("Boots the kernel directly");
    case HAKO_INSTALL_MANUAL:
    default:
        return _("Starts with no install media");
    }
}

static void
update_summary(HakoCreateWizard *self)
{
    HakoVmSpec *spec = self->spec;
    const HakoGuestOption *option = current_option(self);
    g_autoptr(GString) text = g_string_new(NULL);
    g_autofree char *kind = option != NULL ? hako_guest_option_describe(option) : NULL;
    g_autofree char *memory = g_format_size_full(spec->memory_mib * MiB, G_FORMAT_SIZE_IEC_UNITS);
    g_autofree char *disk = g_format_size_full(spec->disk_capacity, G_FORMAT_SIZE_IEC_UNITS);

    g_string_append_printf(text, _("Operating system: %s"),
                           spec->os_name != NULL ? spec->os_name : _("generic"));
    g_string_append_c(text, '\n');
    g_string_append_printf(
        text, "%s%s%s", method_sentence(spec),
        spec->method == HAKO_INSTALL_MEDIA && spec->media_path != NULL ? ": " : ".",
        spec->method == HAKO_INSTALL_MEDIA && spec->media_path != NULL ? spec->media_path : "");
    g_string_append_c(text, '\n');
    g_string_append_printf(text, _("Runs on: %s, %s (%s)"),
                           self->host != NULL ? hako_host_get_label(self->host) : "?",
                           kind != NULL ? kind : "?", spec->arch != NULL ? spec->arch : "?");
    g_string_append_c(text, '\n');
    g_string_append_printf(text, _("Memory: %s; vCPUs: %u"), memory, spec->vcpus);
    g_string_append_c(text, '\n');
    switch (spec->storage) {
    case HAKO_VM_STORAGE_NEW_VOLUME:
        g_string_append_printf(text, _("Disk: a new %s volume “%s” of %s in the pool “%s”"),
                               hako_volume_format_to_string(spec->disk_format),
                               spec->volume_name != NULL ? spec->volume_name : "", disk,
                               spec->pool != NULL ? spec->pool : "");
        break;
    case HAKO_VM_STORAGE_EXISTING:
        g_string_append_printf(text, _("Disk: %s"), spec->disk_path != NULL ? spec->disk_path : "");
        break;
    case HAKO_VM_STORAGE_NONE:
    default:
        g_string_append(text, _("Disk: none"));
        break;
    }
    gtk_label_set_text(self->summary_label, text->str);
}

static void
set_complete(HakoCreateWizard *self, GtkWidget *page, gboolean complete)
{
    gtk_assistant_set_page_complete(GTK_ASSISTANT(self), page, complete);
}

/*
 * Memory and vCPUs are bounded by the host: memory up to twice the host's (beyond the host's
 * own, with a warning: the guests' memory can be overcommitted), vCPUs up to the hypervisor's
 * limit for this guest.
 */
static void
bound_resources(HakoCreateWizard *self, const HakoVmSpecLimits *limits)
{
    GtkAdjustment *memory = gtk_spin_button_get_adjustment(self->memory_spin);
    GtkAdjustment *cpus = gtk_spin_button_get_adjustment(self->cpus_spin);
    double memory_max =
        limits->host_memory_mib > 0 ? 2.0 * (double)limits->host_memory_mib : 16.0 * 1024 * 1024;
    double cpus_max = limits->max_vcpus > 0   ? (double)limits->max_vcpus
                      : limits->host_cpus > 0 ? 4.0 * limits->host_cpus
                                              : 4096.0;

    self->setting = TRUE;
    if (gtk_adjustment_get_upper(memory) != memory_max)
        gtk_adjustment_set_upper(memory, memory_max);
    if (gtk_adjustment_get_upper(cpus) != cpus_max)
        gtk_adjustment_set_upper(cpus, cpus_max);
    self->setting = FALSE;
}

/* Checks each page and says on it what is wrong, or what to know. */
static void
update(HakoCreateWizard *self)
{
    static const struct {
        int page;
        HakoVmSpecStep step;
    } steps[] = {
        {PAGE_SOURCE, HAKO_VM_SPEC_STEP_INSTALL},
        {PAGE_RESOURCES, HAKO_VM_SPEC_STEP_RESOURCES},
        {PAGE_STORAGE, HAKO_VM_SPEC_STEP_STORAGE},
        {PAGE_FINISH, HAKO_VM_SPEC_STEP_FINISH},
    };
    GtkLabel *messages[] = {NULL, self->source_message, self->resources_message,
                            self->storage_message, self->finish_message};
    GtkWidget *pages[] = {self->install_page, self->source_page, self->resources_page,
                          self->storage_page, self->finish_page};
    g_autoptr(GPtrArray) names = g_ptr_array_new();
    HakoVmSpecLimits limits;
    gboolean ready = self->host != NULL && current_option(self) != NULL && self->loading == 0;
    g_autofree char *warning = NULL;
    g_autofree char *hint = NULL;
    g_autoptr(GError) all_error = NULL;

    if (self->setting || self->installing)
        return;
    make_limits(self, &limits, names);
    bound_resources(self, &limits);
    read_fields(self);

    /* page 0: a host that has been read, and a method its guests can use */
    set_complete(self, self->install_page, ready);
    if (self->loading > 0) {
        gtk_spinner_start(self->install_spinner);
        gtk_label_set_text(self->install_message, _("Reading what the host offers…"));
    } else {
        gtk_spinner_stop(self->install_spinner);
        if (self->load_error != NULL)
            gtk_label_set_text(self->install_message, self->load_error);
        else if (self->host == NULL)
            gtk_label_set_text(self->install_message,
                               _("Connect to a host first: File › Add Connection…, then "
                                 "double-click it in the list."));
        else
            gtk_label_set_text(self->install_message, "");
    }

    for (guint i = 0; i < G_N_ELEMENTS(steps); i++) {
        g_autoptr(GError) error = NULL;
        gboolean ok =
            ready && hako_vm_spec_validate_step(self->spec, &limits, steps[i].step, &error);

        set_complete(self, pages[steps[i].page], ok);
        gtk_label_set_text(messages[steps[i].page], error != NULL ? error->message : "");
    }

    /* warnings that do not stop the user */
    warning = hako_vm_spec_get_overcommit_warning(self->spec, &limits);
    if (warning != NULL && gtk_label_get_text(self->resources_message)[0] == '\0')
        gtk_label_set_text(self->resources_message, warning);
    if (limits.host_memory_mib > 0) {
        g_autofree char *mib = g_strdup_printf("%" G_GUINT64_FORMAT, limits.host_memory_mib);

        /* Translators: a number of MiB, then of CPUs */
        hint =
            g_strdup_printf(_("The host has %s MiB of memory and %u CPUs."), mib, limits.host_cpus);
    }
    gtk_label_set_text(self->resources_hint, hint != NULL ? hint : "");
    if (self->spec->storage == HAKO_VM_STORAGE_NEW_VOLUME && limits.pool_available > 0) {
        g_autofree char *available =
            g_format_size_full(limits.pool_available, G_FORMAT_SIZE_IEC_UNITS);
        g_autofree char *space =
            g_strdup_printf(_("The pool “%s” has %s free."), self->spec->pool, available);

        gtk_label_set_text(self->space_label, space);
    } else {
        gtk_label_set_text(self->space_label, "");
    }

    /* the last page: everything at once */
    if (ready && gtk_assistant_get_page_complete(GTK_ASSISTANT(self), self->finish_page) &&
        !hako_vm_spec_validate(self->spec, &limits, &all_error)) {
        set_complete(self, self->finish_page, FALSE);
        gtk_label_set_text(self->finish_message, all_error->message);
    }
    gtk_widget_set_visible(self->network_label, self->spec->network == HAKO_VM_NETWORK_BRIDGE ||
                                                    self->spec->network == HAKO_VM_NETWORK_MACVTAP);
    gtk_widget_set_visible(GTK_WIDGET(self->network_entry),
                           gtk_widget_get_visible(self->network_label));
    update_summary(self);
}

static void
changed_cb(HakoCreateWizard *self)
{
    update(self);
}

/* ---------------------------------------------------------------------------------------- */
/* The operating system                                                                      */

static gboolean
supported(char **values, const char *value)
{
    return value != NULL &&
           (values == NULL || hako_guest_option_supports((const char *const *)values, value));
}

/* A Preferences setting for new guests ("auto" without settings). */
static const char *
new_vm_setting(HakoCreateWizard *self, const char *key)
{
    g_autofree char *value = NULL;

    if (self->settings == NULL)
        return "auto";
    value = g_settings_get_string(self->settings, key);
    return g_intern_string(value);
}

/* The display: the Preferences' choice where @option offers it, else SPICE where it does, else
 * VNC; NULL when it offers neither. */
static const char *
new_vm_graphics(HakoCreateWizard *self, const HakoGuestOption *option)
{
    const char *const *types = option != NULL ? (const char *const *)option->graphics_types : NULL;
    const char *wanted = new_vm_setting(self, "new-vm-graphics");

    if (!g_str_equal(wanted, "auto") &&
        (types == NULL || hako_guest_option_supports(types, wanted)))
        return wanted;
    if (types == NULL || hako_guest_option_supports(types, "spice"))
        return "spice";
    if (hako_guest_option_supports(types, "vnc"))
        return "vnc";
    return NULL;
}

/* UEFI or not: the Preferences' choice, else what the OS prefers. */
static gboolean
new_vm_uefi(HakoCreateWizard *self, gboolean os_prefers_uefi)
{
    const char *wanted = new_vm_setting(self, "new-vm-firmware");

    return g_str_equal(wanted, "auto") ? os_prefers_uefi : g_str_equal(wanted, "uefi");
}

/* The OS's recommendations become the fields' values. */
static void
apply_defaults(HakoCreateWizard *self)
{
    const HakoGuestOption *option = current_option(self);
    g_autoptr(HakoOsDefaults) defaults = NULL;
    HakoVmSpec *spec = self->spec;
    g_autoptr(GPtrArray) names = g_ptr_array_new();
    HakoVmSpecLimits limits;
    g_autofree char *name = NULL;

    if (self->os_db == NULL)
        return;
    defaults = hako_os_db_get_defaults(self->os_db, self->os, option != NULL ? option->arch : NULL);
    self->setting = TRUE;
    make_limits(self, &limits, names);
    gtk_spin_button_set_value(self->memory_spin,
                              (double)(limits.host_memory_mib > 0
                                           ? MIN(defaults->memory_mib, limits.host_memory_mib)
                                           : defaults->memory_mib));
    gtk_spin_button_set_value(
        self->cpus_spin,
        (double)(limits.host_cpus > 0 ? MIN(defaults->vcpus, limits.host_cpus) : defaults->vcpus));
    gtk_spin_button_set_value(self->size_spin, (double)MAX(defaults->disk_bytes / GiB, 1));
    if (option != NULL && option->guest_type == HAKO_GUEST_XEN_PV) {
        replace(&spec->disk_bus, g_strdup("xen"));
        replace(&spec->nic_model, NULL);
        replace(&spec->video_model, NULL);
    } else {
        replace(&spec->disk_bus,
                supported(option != NULL ? option->disk_buses : NULL, defaults->disk_bus)
                    ? g_strdup(defaults->disk_bus)
                    : NULL);
        replace(&spec->nic_model, g_strdup(defaults->nic_model));
        replace(&spec->video_model,
                supported(option != NULL ? option->video_models : NULL, defaults->video_model)
                    ? g_strdup(defaults->video_model)
                    : NULL);
    }
    replace(&spec->graphics, g_strdup(new_vm_graphics(self, option)));
    gtk_combo_box_set_active_id(
        GTK_COMBO_BOX(self->firmware_combo),
        new_vm_uefi(self, defaults->prefers_uefi) && limits.uefi_available ? "uefi" : "bios");
    if (!self->name_edited) {
        name = hako_vm_spec_suggest_name(
            self->os != NULL ? hako_os_entry_get_short_id(self->os) : NULL, limits.existing_names);
        gtk_entry_set_text(self->name_entry, name);
    }
    self->setting = FALSE;
}

static void
set_os(HakoCreateWizard *self, HakoOsEntry *os)
{
    if (os != self->os) {
        g_clear_object(&self->os);
        self->os = os != NULL ? g_object_ref(os) : NULL;
    }
    apply_defaults(self);
    update(self);
}

static void
fill_os_list(HakoCreateWizard *self)
{
    const char *text = gtk_entry_get_text(GTK_ENTRY(self->os_search));
    g_autoptr(GPtrArray) found = NULL;

    gtk_list_store_clear(self->os_store);
    if (self->os_db == NULL)
        return;
    /* Old releases too: guests of them are still made, and an osinfo-db older than the clock
     * counts most of its entries past their end of life. */
    found = hako_os_db_search(self->os_db, text, TRUE);
    for (guint i = 0; i < found->len && i < OS_ROWS_MAX; i++) {
        HakoOsEntry *os = g_ptr_array_index(found, i);

        gtk_list_store_insert_with_values(self->os_store, NULL, -1, 0, hako_os_entry_get_name(os),
                                          1, hako_os_entry_get_id(os), -1);
    }
}

static void
os_search_changed_cb(HakoCreateWizard *self)
{
    fill_os_list(self);
}

static void
os_selected_cb(HakoCreateWizard *self, GtkTreeSelection *selection)
{
    GtkTreeModel *model;
    GtkTreeIter iter;
    g_autofree char *id = NULL;
    g_autofree char *text = NULL;

    if (self->os_db == NULL || !gtk_tree_selection_get_selected(selection, &model, &iter))
        return;
    gtk_tree_model_get(model, &iter, 1, &id, -1);
    set_os(self, hako_os_db_lookup(self->os_db, id));
    if (self->os != NULL) {
        text = g_strdup_printf(_("Chosen: %s"), hako_os_entry_get_name(self->os));
        gtk_label_set_text(self->os_label, text);
    }
}

static void
detected_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HakoCreateWizard) self = user_data;
    g_autoptr(GError) error = NULL;
    g_autoptr(HakoOsEntry) os = NULL;
    g_autofree char *text = NULL;

    os = current_method(self) == HAKO_INSTALL_URL
             ? hako_os_db_detect_tree_finish(HAKO_OS_DB(source), result, &error)
             : hako_os_db_detect_media_finish(HAKO_OS_DB(source), result, &error);
    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
    if (os != NULL) {
        text = g_strdup_printf(_("Detected: %s"), hako_os_entry_get_name(os));
        set_os(self, os);
    } else if (error != NULL) {
        text = g_strdup_printf(_("Not detected: %s Choose the operating system from the list."),
                               error->message);
    } else {
        text = g_strdup(_("Not detected: choose the operating system from the list."));
    }
    gtk_label_set_text(self->os_label, text);
}

/* Whether paths on the host are paths on this machine (libosinfo reads the media here). */
static gboolean
host_is_local(HakoCreateWizard *self)
{
    const char *uri = self->host != NULL ? hako_host_get_uri(self->host) : NULL;

    return uri != NULL && strstr(uri, "://") != NULL && strstr(uri, ":///") != NULL;
}

static gboolean
detect_timeout_cb(gpointer data)
{
    HakoCreateWizard *self = data;
    HakoInstallMethod method = current_method(self);
    g_autofree char *media = entry_text(self->media_entry);
    g_autofree char *url = entry_text(self->url_entry);

    self->detect_timeout = 0;
    if (self->os_db == NULL || !gtk_toggle_button_get_active(self->detect_check))
        return G_SOURCE_REMOVE;
    g_cancellable_cancel(self->detect_cancellable);
    g_clear_object(&self->detect_cancellable);
    self->detect_cancellable = g_cancellable_new();
    if (method == HAKO_INSTALL_MEDIA && media != NULL && g_path_is_absolute(media)) {
        if (!host_is_local(self)) {
            gtk_label_set_text(self->os_label,
                               _("The media is on another host, where it cannot be read from "
                                 "here: choose the operating system from the list."));
            return G_SOURCE_REMOVE;
        }
        gtk_label_set_text(self->os_label, _("Detecting the operating system…"));
        hako_os_db_detect_media_async(self->os_db, media, self->detect_cancellable, detected_cb,
                                      g_object_ref(self));
    } else if (method == HAKO_INSTALL_URL && url != NULL && strstr(url, "://") != NULL) {
        gtk_label_set_text(self->os_label, _("Detecting the operating system…"));
        hako_os_db_detect_tree_async(self->os_db, url, self->detect_cancellable, detected_cb,
                                     g_object_ref(self));
    }
    return G_SOURCE_REMOVE;
}

/* Detection waits for the typing to pause. */
static void
schedule_detect(HakoCreateWizard *self)
{
    if (self->detect_timeout != 0)
        g_source_remove(self->detect_timeout);
    self->detect_timeout = g_timeout_add(400, detect_timeout_cb, self);
}

static void
media_changed_cb(HakoCreateWizard *self)
{
    schedule_detect(self);
    update(self);
}

static void
url_changed_cb(HakoCreateWizard *self)
{
    schedule_detect(self);
    update(self);
}

static void
detect_toggled_cb(HakoCreateWizard *self)
{
    if (gtk_toggle_button_get_active(self->detect_check))
        schedule_detect(self);
}

static void
os_db_loaded_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HakoCreateWizard) self = user_data;
    g_autoptr(GError) error = NULL;
    HakoOsDb *db = hako_os_db_load_finish(result, &error);

    if (db == NULL) {
        if (!g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            gtk_label_set_text(self->os_label, error->message);
        return;
    }
    self->os_db = db;
    fill_os_list(self);
    apply_defaults(self);
    update(self);
}

/* ---------------------------------------------------------------------------------------- */
/* The host: its kinds of guest, pools, volumes and networks                                 */

static void
load_done(HakoCreateWizard *self, GError *error)
{
    self->loading--;
    if (error != NULL && self->load_error == NULL)
        self->load_error = g_strdup(error->message);
    update(self);
}

static void
type_changed_cb(HakoCreateWizard *self)
{
    const HakoGuestOption *option = current_option(self);
    gboolean pv = option != NULL && option->guest_type == HAKO_GUEST_XEN_PV;
    gboolean no_kvm = self->caps != NULL && hako_guest_caps_is_emulated_only(self->caps, option);

    /* Say why the guest will be slow, and what would make it fast. */
    if (no_kvm) {
        g_autoptr(HakoTrouble) trouble = hako_troubleshoot_no_kvm();
        g_autofree char *text = hako_trouble_explain(trouble, NULL);

        gtk_label_set_text(self->type_note, text);
    }
    gtk_widget_set_visible(GTK_WIDGET(self->type_note), no_kvm);

    /* A paravirtualized Xen guest can only boot a kernel: from a tree, or given directly. */
    gtk_widget_set_sensitive(GTK_WIDGET(self->media_radio), !pv);
    gtk_widget_set_sensitive(GTK_WIDGET(self->pxe_radio), !pv);
    gtk_widget_set_sensitive(GTK_WIDGET(self->import_radio), !pv);
    gtk_widget_set_sensitive(GTK_WIDGET(self->manual_radio), !pv);
    if (pv && current_method(self) != HAKO_INSTALL_URL &&
        current_method(self) != HAKO_INSTALL_KERNEL)
        gtk_toggle_button_set_active(self->url_radio, TRUE);
    gtk_widget_set_sensitive(GTK_WIDGET(self->firmware_combo),
                             option != NULL && option->uefi_available && !pv);
    if (option == NULL || !option->uefi_available || pv)
        gtk_combo_box_set_active_id(GTK_COMBO_BOX(self->firmware_combo), "bios");
    apply_defaults(self);
    update(self);
}

static void
caps_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HakoCreateWizard) self = user_data;
    g_autoptr(GError) error = NULL;
    HakoGuestCaps *caps = hako_engine_get_guest_caps_finish(result, &error);
    const HakoGuestOption *preferred;

    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
    hako_guest_caps_free(self->caps);
    self->caps = caps;
    gtk_combo_box_text_remove_all(self->type_combo);
    if (caps != NULL) {
        preferred = hako_guest_caps_get_default(caps);
        for (guint i = 0; i < caps->options->len; i++) {
            const HakoGuestOption *option = g_ptr_array_index(caps->options, i);
            g_autofree char *id = g_strdup_printf("%u", i);
            g_autofree char *kind = hako_guest_option_describe(option);
            /* Translators: an architecture, then a kind of guest: "x86_64: KVM (…)" */
            g_autofree char *text = g_strdup_printf(_("%s: %s"), option->arch, kind);

            gtk_combo_box_text_append(self->type_combo, id, text);
            if (option == preferred)
                gtk_combo_box_set_active_id(GTK_COMBO_BOX(self->type_combo), id);
        }
        if (caps->options->len == 0 && error == NULL)
            g_set_error_literal(&error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                                _("The host offers no kind of guest it can run."));
    }
    load_done(self, error);
}

static void
volumes_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HakoCreateWizard) self = user_data;
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) volumes =
        hako_storage_list_volumes_finish(HAKO_STORAGE(source), result, &error);

    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
    g_clear_pointer(&self->volumes, g_ptr_array_unref);
    self->volumes = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; volumes != NULL && i < volumes->len; i++)
        g_ptr_array_add(self->volumes,
                        g_strdup(((HakoStorageVolume *)g_ptr_array_index(volumes, i))->name));
    g_ptr_array_add(self->volumes, NULL);
    update(self);
}

static void
pool_changed_cb(HakoCreateWizard *self)
{
    const HakoStoragePool *pool = current_pool(self);

    g_clear_pointer(&self->volumes, g_ptr_array_unref);
    if (pool != NULL && self->host != NULL)
        hako_storage_list_volumes_async(self->storage, self->host, pool->name,
                                        self->host_cancellable, volumes_cb, g_object_ref(self));
    update(self);
}

static void
pools_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HakoCreateWizard) self = user_data;
    g_autoptr(GError) error = NULL;
    GPtrArray *pools = hako_storage_list_pools_finish(HAKO_STORAGE(source), result, &error);
    const char *chosen = NULL;

    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
    g_clear_pointer(&self->pools, g_ptr_array_unref);
    self->pools = pools;
    gtk_combo_box_text_remove_all(self->pool_combo);
    for (guint i = 0; pools != NULL && i < pools->len; i++) {
        HakoStoragePool *pool = g_ptr_array_index(pools, i);
        g_autofree char *available = NULL;
        g_autofree char *text = NULL;

        if (pool->state != HAKO_POOL_STATE_RUNNING)
            continue;
        available = g_format_size_full(pool->available, G_FORMAT_SIZE_IEC_UNITS);
        /* Translators: a pool's name, then its free space */
        text = g_strdup_printf(_("%s (%s free)"), pool->name, available);
        gtk_combo_box_text_append(self->pool_combo, pool->name, text);
        if (chosen == NULL || g_str_equal(pool->name, "default"))
            chosen = pool->name;
    }
    if (chosen != NULL) {
        gtk_combo_box_set_active_id(GTK_COMBO_BOX(self->pool_combo), chosen);
    } else if (gtk_toggle_button_get_active(self->disk_new_radio)) {
        /* No pool to make a disk in: existing storage, or none. */
        gtk_toggle_button_set_active(self->disk_none_radio, TRUE);
    }
    gtk_widget_set_sensitive(GTK_WIDGET(self->disk_new_radio), chosen != NULL);
    /* A host without pools is still a host: the user can use a path, or no disk. */
    load_done(self, NULL);
}

static void
networks_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HakoCreateWizard) self = user_data;
    g_autoptr(GError) error = NULL;
    GPtrArray *nets = hako_networks_list_finish(HAKO_NETWORKS(source), result, &error);
    const char *chosen = "user";
    g_autofree char *chosen_id = NULL;

    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
    g_clear_pointer(&self->nets, g_ptr_array_unref);
    self->nets = nets;
    gtk_combo_box_text_remove_all(self->network_combo);
    for (guint i = 0; nets != NULL && i < nets->len; i++) {
        HakoNetwork *net = g_ptr_array_index(nets, i);
        g_autofree char *id = g_strconcat("network:", hako_network_get_name(net), NULL);
        /* Translators: a virtual network's name, then how it reaches outside (nat, route…) */
        g_autofree char *text =
            g_strdup_printf(_("Virtual network “%s”: %s"), hako_network_get_name(net),
                            hako_network_get_forward_mode_name(net) != NULL
                                ? hako_network_get_forward_mode_name(net)
                                : _("isolated"));

        gtk_combo_box_text_append(self->network_combo, id, text);
        if (chosen_id == NULL || g_str_equal(hako_network_get_name(net), "default")) {
            g_free(chosen_id);
            chosen_id = g_strdup(id);
        }
    }
    gtk_combo_box_text_append(self->network_combo, "bridge", _("Host bridge"));
    gtk_combo_box_text_append(self->network_combo, "macvtap", _("Host device (macvtap)"));
    gtk_combo_box_text_append(self->network_combo, "user", _("User-mode networking (slirp)"));
    gtk_combo_box_text_append(self->network_combo, "none", _("No network"));
    gtk_combo_box_set_active_id(GTK_COMBO_BOX(self->network_combo),
                                chosen_id != NULL ? chosen_id : chosen);
    load_done(self, NULL);
}

static void
load_host(HakoCreateWizard *self)
{
    g_cancellable_cancel(self->host_cancellable);
    g_clear_object(&self->host_cancellable);
    g_clear_pointer(&self->load_error, g_free);
    hako_guest_caps_free(g_steal_pointer(&self->caps));
    gtk_combo_box_text_remove_all(self->type_combo);
    if (self->host == NULL || !hako_host_is_connected(self->host)) {
        self->loading = 0;
        update(self);
        return;
    }
    self->host_cancellable = g_cancellable_new();
    self->loading = 3;
    hako_engine_get_guest_caps_async(self->manager, self->host, self->host_cancellable, caps_cb,
                                     g_object_ref(self));
    hako_storage_list_pools_async(self->storage, self->host, self->host_cancellable, pools_cb,
                                  g_object_ref(self));
    hako_networks_list_async(self->networks, self->host, self->host_cancellable, networks_cb,
                             g_object_ref(self));
    update(self);
}

static void
host_changed_cb(HakoCreateWizard *self)
{
    const char *uri = gtk_combo_box_get_active_id(GTK_COMBO_BOX(self->host_combo));
    HakoHost *host = uri != NULL ? hako_connection_manager_lookup(self->manager, uri) : NULL;

    if (host == self->host)
        return;
    g_set_object(&self->host, host);
    load_host(self);
}

static void
host_state_cb(HakoCreateWizard *self)
{
    fill_hosts(self);
}

/* The connected hosts; the chosen one stays chosen while it is connected. */
static void
fill_hosts(HakoCreateWizard *self)
{
    GListModel *hosts = hako_connection_manager_get_hosts(self->manager);
    g_autofree char *chosen = self->host != NULL ? g_strdup(hako_host_get_uri(self->host)) : NULL;
    g_autofree char *target = NULL;
    gboolean kept = FALSE;

    g_signal_handlers_block_by_func(self->host_combo, host_changed_cb, self);
    gtk_combo_box_text_remove_all(self->host_combo);
    for (guint i = 0; i < g_list_model_get_n_items(hosts); i++) {
        g_autoptr(HakoHost) host = g_list_model_get_item(hosts, i);
        const char *uri = hako_host_get_uri(host);

        if (!hako_host_is_connected(host))
            continue;
        gtk_combo_box_text_append(self->host_combo, uri, hako_host_get_label(host));
        if (g_strcmp0(chosen, uri) == 0)
            kept = TRUE;
        if (target == NULL || g_strcmp0(self->preferred, uri) == 0) {
            g_free(target);
            target = g_strdup(uri);
        }
    }
    if (kept) {
        g_free(target);
        target = g_strdup(chosen);
    }
    if (target != NULL)
        gtk_combo_box_set_active_id(GTK_COMBO_BOX(self->host_combo), target);
    g_signal_handlers_unblock_by_func(self->host_combo, host_changed_cb, self);
    host_changed_cb(self);
}

static void
watch_hosts(HakoCreateWizard *self)
{
    GListModel *hosts = hako_connection_manager_get_hosts(self->manager);

    for (guint i = 0; i < g_list_model_get_n_items(hosts); i++) {
        g_autoptr(HakoHost) host = g_list_model_get_item(hosts, i);

        g_signal_handlers_disconnect_by_func(host, host_state_cb, self);
        g_signal_connect_object(host, "notify::state", G_CALLBACK(host_state_cb), self,
                                G_CONNECT_SWAPPED);
    }
}

static void
hosts_changed_cb(HakoCreateWizard *self)
{
    watch_hosts(self);
    fill_hosts(self);
}

/* ---------------------------------------------------------------------------------------- */
/* Pages                                                                                      */

static void
method_toggled_cb(HakoCreateWizard *self, GtkToggleButton *button)
{
    if (!gtk_toggle_button_get_active(button))
        return;
    show_source_rows(self);
    gtk_label_set_text(self->os_label, "");
    schedule_detect(self);
    update(self);
}

static void
storage_toggled_cb(HakoCreateWizard *self, GtkToggleButton *button)
{
    if (!gtk_toggle_button_get_active(button))
        return;
    show_storage_rows(self);
    update(self);
}

static void
name_changed_cb(HakoCreateWizard *self)
{
    if (!self->setting)
        self->name_edited = TRUE;
    update(self);
}

static void
network_changed_cb(HakoCreateWizard *self)
{
    update(self);
}

/* Imported guests boot their disk: the storage page has nothing to ask. */
static int
forward_page_func(int current, gpointer data)
{
    HakoCreateWizard *self = data;

    if (current == PAGE_RESOURCES && current_method(self) == HAKO_INSTALL_IMPORT)
        return PAGE_FINISH;
    return current + 1;
}

static void
prepare_cb(HakoCreateWizard *self, GtkWidget *page)
{
    update(self);
}

static void
browse_chosen_cb(GtkEntry *entry, const char *path)
{
    gtk_entry_set_text(entry, path);
}

static void
browse_clicked_cb(HakoCreateWizard *self, GtkWidget *button)
{
    GtkEntry *entry = button == self->media_browse    ? self->media_entry
                      : button == self->kernel_browse ? self->kernel_entry
                      : button == self->initrd_browse ? self->initrd_entry
                      : button == self->import_browse ? self->import_entry
                                                      : self->disk_entry;
    GtkWidget *browser;

    if (self->host == NULL)
        return;
    browser = hako_storage_browser_new(GTK_WINDOW(self), self->manager, self->host);
    g_signal_connect_object(browser, "chosen", G_CALLBACK(browse_chosen_cb), entry,
                            G_CONNECT_SWAPPED);
    gtk_window_present(GTK_WINDOW(browser));
}

/* ---------------------------------------------------------------------------------------- */
/* Finish                                                                                     */

static void
open_guest(HakoCreateWizard *self, HakoDomain *domain)
{
    GtkWindow *parent = gtk_window_get_transient_for(GTK_WINDOW(self));
    HakoDetailsWindow *window;

    hako_details_window_present(parent, self->manager, domain, self->settings);
    window = hako_details_window_lookup(domain);
    if (window != NULL)
        hako_details_window_show_page(window, "console");
    gtk_widget_destroy(GTK_WIDGET(self));
}

static HakoDomain *
find_created(HakoCreateWizard *self)
{
    return self->host != NULL
               ? hako_domain_list_find(hako_host_get_domains(self->host), self->created_uuid)
               : NULL;
}

static void
domains_changed_cb(HakoCreateWizard *self)
{
    HakoDomain *domain = find_created(self);

    if (domain != NULL) {
        g_signal_handlers_disconnect_by_func(hako_host_get_domains(self->host), domains_changed_cb,
                                             self);
        open_guest(self, domain);
    }
}

static void
installed_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HakoCreateWizard) self = user_data;
    g_autoptr(GError) error = NULL;
    g_autofree char *uuid = hako_installer_install_finish(HAKO_INSTALLER(source), result, &error);
    HakoDomain *domain;

    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
    self->installing = FALSE;
    if (uuid == NULL) {
        /* Back to the last page, with the step that failed: nothing typed is lost. Back from
         * the progress page, not to the last page again, so that Back there still leads on
         * to the pages before it. */
        gtk_assistant_previous_page(GTK_ASSISTANT(self));
        update(self);
        gtk_label_set_text(self->finish_message, error->message);
        set_complete(self, self->finish_page, TRUE);
        return;
    }
    self->created_uuid = g_steal_pointer(&uuid);
    gtk_progress_bar_set_fraction(self->progress_bar, 1.0);
    gtk_progress_bar_set_text(self->progress_bar, _("Done"));
    /* The guest appears in the host's list with libvirt's event; its window opens then. */
    domain = find_created(self);
    if (domain != NULL) {
        open_guest(self, domain);
        return;
    }
    g_signal_connect_object(hako_host_get_domains(self->host), "items-changed",
                            G_CALLBACK(domains_changed_cb), self, G_CONNECT_SWAPPED);
}

static void
step_changed_cb(HakoCreateWizard *self, HakoInstallStep step)
{
    gtk_progress_bar_set_fraction(self->progress_bar,
                                  (double)step / (double)HAKO_INSTALL_STEP_DONE);
    gtk_progress_bar_set_text(self->progress_bar, hako_install_step_describe(step));
}

static gboolean
back_to_finish_cb(gpointer data)
{
    HakoCreateWizard *self = data;

    if (gtk_assistant_get_current_page(GTK_ASSISTANT(self)) == PAGE_PROGRESS)
        gtk_assistant_previous_page(GTK_ASSISTANT(self));
    return G_SOURCE_REMOVE;
}

static void
apply_cb(HakoCreateWizard *self)
{
    g_autoptr(GPtrArray) names = g_ptr_array_new();
    HakoVmSpecLimits limits;
    g_autoptr(GError) error = NULL;
    g_autofree char *text = NULL;

    read_fields(self);
    make_limits(self, &limits, names);
    if (!hako_vm_spec_validate(self->spec, &limits, &error)) {
        /* (Finish is off while the spec is wrong: this is a last guard.) The assistant moves
         * to the progress page after this handler: come back from there. */
        g_idle_add_full(G_PRIORITY_DEFAULT, back_to_finish_cb, g_object_ref(self), g_object_unref);
        gtk_label_set_text(self->finish_message, error->message);
        return;
    }
    self->installing = TRUE;
    text = g_strdup_printf(_("Creating “%s” on %s…"), self->spec->name,
                           hako_host_get_label(self->host));
    gtk_label_set_text(self->progress_label, text);
    gtk_progress_bar_set_fraction(self->progress_bar, 0.0);
    hako_installer_install_async(self->installer, self->host, self->spec, self->cancellable,
                                 installed_cb, g_object_ref(self));
}

static void
cancel_cb(HakoCreateWizard *self)
{
    /* A creation still running is undone by the installer when it sees the cancellation. */
    g_cancellable_cancel(self->cancellable);
    gtk_widget_destroy(GTK_WIDGET(self));
}

static void
close_cb(HakoCreateWizard *self)
{
    gtk_widget_destroy(GTK_WIDGET(self));
}

/* GtkAssistant's last button says Apply; this one finishes the wizard. */
static void
rename_apply_cb(GtkWidget *widget, gpointer data)
{
    if (GTK_IS_BUTTON(widget) &&
        g_strcmp0(gtk_button_get_label(GTK_BUTTON(widget)), g_dgettext("gtk30", "_Apply")) == 0)
        gtk_button_set_label(GTK_BUTTON(widget), _("_Finish"));
    else if (GTK_IS_CONTAINER(widget))
        gtk_container_forall(GTK_CONTAINER(widget), rename_apply_cb, data);
}

/* ---------------------------------------------------------------------------------------- */

static void
hako_create_wizard_constructed(GObject *object)
{
    HakoCreateWizard *self = HAKO_CREATE_WIZARD(object);
    GListModel *hosts;

    G_OBJECT_CLASS(hako_create_wizard_parent_class)->constructed(object);

    if (self->settings != NULL)
        gtk_combo_box_set_active_id(GTK_COMBO_BOX(self->format_combo),
                                    new_vm_setting(self, "new-vm-disk-format"));
    self->storage = hako_storage_new(self->manager);
    self->networks = hako_networks_new(self->manager);
    self->installer = hako_installer_new(self->manager);
    g_signal_connect_object(self->installer, "step-changed", G_CALLBACK(step_changed_cb), self,
                            G_CONNECT_SWAPPED);
    hosts = hako_connection_manager_get_hosts(self->manager);
    g_signal_connect_object(hosts, "items-changed", G_CALLBACK(hosts_changed_cb), self,
                            G_CONNECT_SWAPPED);
    watch_hosts(self);
    fill_hosts(self);
    hako_os_db_load_async(self->cancellable, os_db_loaded_cb, g_object_ref(self));
    gtk_container_forall(GTK_CONTAINER(self), rename_apply_cb, NULL);
    show_source_rows(self);
    show_storage_rows(self);
    update(self);
}

static void
hako_create_wizard_dispose(GObject *object)
{
    HakoCreateWizard *self = HAKO_CREATE_WIZARD(object);

    if (self->cancellable != NULL)
        g_cancellable_cancel(self->cancellable);
    if (self->host_cancellable != NULL)
        g_cancellable_cancel(self->host_cancellable);
    if (self->detect_cancellable != NULL)
        g_cancellable_cancel(self->detect_cancellable);
    g_clear_handle_id(&self->detect_timeout, g_source_remove);
    g_clear_object(&self->cancellable);
    g_clear_object(&self->host_cancellable);
    g_clear_object(&self->detect_cancellable);
    g_clear_object(&self->installer);
    g_clear_object(&self->storage);
    g_clear_object(&self->networks);
    g_clear_object(&self->os);
    g_clear_object(&self->os_db);
    g_clear_object(&self->host);
    g_clear_object(&self->settings);
    g_clear_object(&self->manager);

    G_OBJECT_CLASS(hako_create_wizard_parent_class)->dispose(object);
}

static void
hako_create_wizard_finalize(GObject *object)
{
    HakoCreateWizard *self = HAKO_CREATE_WIZARD(object);

    hako_vm_spec_free(self->spec);
    hako_guest_caps_free(self->caps);
    g_clear_pointer(&self->pools, g_ptr_array_unref);
    g_clear_pointer(&self->nets, g_ptr_array_unref);
    g_clear_pointer(&self->volumes, g_ptr_array_unref);
    g_free(self->load_error);
    g_free(self->created_uuid);
    g_free(self->preferred);

    G_OBJECT_CLASS(hako_create_wizard_parent_class)->finalize(object);
}

static void
hako_create_wizard_set_property(GObject *object,
                                guint prop_id,
                                const GValue *value,
                                GParamSpec *pspec)
{
    HakoCreateWizard *self = HAKO_CREATE_WIZARD(object);

    switch (prop_id) {
    case PROP_MANAGER:
        self->manager = g_value_dup_object(value);
        break;
    case PROP_SETTINGS:
        self->settings = g_value_dup_object(value);
        break;
    case PROP_HOST:
        if (g_value_get_object(value) != NULL)
            self->preferred = g_strdup(hako_host_get_uri(g_value_get_object(value)));
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    }
}

#define BIND(name) gtk_widget_class_bind_template_child(widget_class, HakoCreateWizard, name)

static void
hako_create_wizard_class_init(HakoCreateWizardClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);
    GParamFlags flags = G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

    object_class->constructed = hako_create_wizard_constructed;
    object_class->dispose = hako_create_wizard_dispose;
    object_class->finalize = hako_create_wizard_finalize;
    object_class->set_property = hako_create_wizard_set_property;

    properties[PROP_MANAGER] =
        g_param_spec_object("manager", NULL, NULL, HAKO_TYPE_CONNECTION_MANAGER, flags);
    properties[PROP_SETTINGS] = g_param_spec_object("settings", NULL, NULL, G_TYPE_SETTINGS, flags);
    /* The host chosen at first; NULL for the first connected one. */
    properties[PROP_HOST] = g_param_spec_object("host", NULL, NULL, HAKO_TYPE_HOST, flags);
    g_object_class_install_properties(object_class, N_PROPS, properties);

    gtk_widget_class_set_template_from_resource(widget_class,
                                                RESOURCE_PREFIX "/ui/hako-create-wizard.ui");
    BIND(install_page);
    BIND(host_combo);
    BIND(type_note);
    BIND(type_combo);
    BIND(media_radio);
    BIND(url_radio);
    BIND(pxe_radio);
    BIND(import_radio);
    BIND(kernel_radio);
    BIND(manual_radio);
    BIND(install_spinner);
    BIND(install_message);
    BIND(source_page);
    BIND(media_label);
    BIND(url_label);
    BIND(kernel_label);
    BIND(initrd_label);
    BIND(args_label);
    BIND(import_label);
    BIND(media_entry);
    BIND(url_entry);
    BIND(kernel_entry);
    BIND(initrd_entry);
    BIND(args_entry);
    BIND(import_entry);
    BIND(media_browse);
    BIND(kernel_browse);
    BIND(initrd_browse);
    BIND(import_browse);
    BIND(detect_check);
    BIND(os_search);
    BIND(os_view);
    BIND(os_label);
    BIND(source_message);
    BIND(resources_page);
    BIND(memory_spin);
    BIND(cpus_spin);
    BIND(resources_hint);
    BIND(resources_message);
    BIND(storage_page);
    BIND(disk_new_radio);
    BIND(disk_existing_radio);
    BIND(disk_none_radio);
    BIND(pool_label);
    BIND(size_label);
    BIND(format_label);
    BIND(disk_label);
    BIND(pool_combo);
    BIND(size_spin);
    BIND(format_combo);
    BIND(disk_entry);
    BIND(disk_browse);
    BIND(space_label);
    BIND(storage_message);
    BIND(finish_page);
    BIND(name_entry);
    BIND(network_combo);
    BIND(network_label);
    BIND(network_entry);
    BIND(firmware_combo);
    BIND(customize_check);
    BIND(summary_label);
    BIND(finish_message);
    BIND(progress_page);
    BIND(progress_bar);
    BIND(progress_label);
    gtk_widget_class_bind_template_callback(widget_class, apply_cb);
    gtk_widget_class_bind_template_callback(widget_class, cancel_cb);
    gtk_widget_class_bind_template_callback(widget_class, close_cb);
    gtk_widget_class_bind_template_callback(widget_class, prepare_cb);
    gtk_widget_class_bind_template_callback(widget_class, changed_cb);
    gtk_widget_class_bind_template_callback(widget_class, host_changed_cb);
    gtk_widget_class_bind_template_callback(widget_class, type_changed_cb);
    gtk_widget_class_bind_template_callback(widget_class, method_toggled_cb);
    gtk_widget_class_bind_template_callback(widget_class, media_changed_cb);
    gtk_widget_class_bind_template_callback(widget_class, url_changed_cb);
    gtk_widget_class_bind_template_callback(widget_class, browse_clicked_cb);
    gtk_widget_class_bind_template_callback(widget_class, detect_toggled_cb);
    gtk_widget_class_bind_template_callback(widget_class, os_search_changed_cb);
    gtk_widget_class_bind_template_callback(widget_class, storage_toggled_cb);
    gtk_widget_class_bind_template_callback(widget_class, pool_changed_cb);
    gtk_widget_class_bind_template_callback(widget_class, name_changed_cb);
    gtk_widget_class_bind_template_callback(widget_class, network_changed_cb);
}

static void
hako_create_wizard_init(HakoCreateWizard *self)
{
    self->cancellable = g_cancellable_new();
    self->spec = hako_vm_spec_new();
    gtk_widget_init_template(GTK_WIDGET(self));
    hako_widgets_name_from_labels(GTK_WIDGET(self));
    self->os_store = gtk_list_store_new(2, G_TYPE_STRING, G_TYPE_STRING);
    gtk_tree_view_set_model(self->os_view, GTK_TREE_MODEL(self->os_store));
    /* (GtkTreeView takes no accessible child in a template) */
    atk_object_set_name(gtk_widget_get_accessible(GTK_WIDGET(self->os_view)),
                        _("Operating systems"));
    g_object_unref(self->os_store);
    g_signal_connect_object(gtk_tree_view_get_selection(self->os_view), "changed",
                            G_CALLBACK(os_selected_cb), self, G_CONNECT_SWAPPED);
    gtk_combo_box_set_active_id(GTK_COMBO_BOX(self->format_combo), "qcow2");
    gtk_combo_box_set_active_id(GTK_COMBO_BOX(self->firmware_combo), "bios");
    gtk_assistant_set_forward_page_func(GTK_ASSISTANT(self), forward_page_func, self, NULL);
}

/**
 * hako_create_wizard_new:
 * @parent: (nullable): the window it belongs to
 * @manager: the connection manager: any connected host can be chosen
 * @settings: (nullable): the application's settings, for the guest's window at the end
 * @host: (nullable): the host chosen at first
 *
 * Returns: (transfer none): the wizard's window, not yet shown; it destroys itself when done,
 *   once the new guest's window is open on its console.
 */
GtkWidget *
hako_create_wizard_new(GtkWindow *parent,
                       HakoConnectionManager *manager,
                       GSettings *settings,
                       HakoHost *host)
{
    g_return_val_if_fail(HAKO_IS_CONNECTION_MANAGER(manager), NULL);

    return g_object_new(HAKO_TYPE_CREATE_WIZARD, "manager", manager, "settings", settings, "host",
                        host, "transient-for", parent, "destroy-with-parent", TRUE, NULL);
}

/**
 * hako_create_wizard_get_spec:
 *
 * Returns: (transfer none): the guest as the wizard's fields describe it now.
 */
HakoVmSpec *
hako_create_wizard_get_spec(HakoCreateWizard *self)
{
    g_return_val_if_fail(HAKO_IS_CREATE_WIZARD(self), NULL);

    read_fields(self);
    return self->spec;
}
