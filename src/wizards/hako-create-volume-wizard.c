/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoCreateVolumeWizard: the Create Volume wizard, a new volume in a storage pool. */
#include "config.h"

#include "hako-create-volume-wizard.h"

#include "hako-storage-browser.h"
#include "hako-storage-page.h"
#include "hako-storage.h"
#include "hako-widgets.h"

#include <glib/gi18n.h>

/*
 * Three pages over one HakoVolumeSpec, from data/ui/hako-create-volume-wizard.ui: the name,
 * format, capacity and allocation, checked as they are typed and against the pool's free space;
 * then the backing store (typed, or chosen from the host's volumes with the storage browser)
 * with a summary of what Apply makes; then the creation itself. A failure takes the user back to
 * the summary with libvirt's words, so nothing typed is lost.
 */

enum { PAGE_VOLUME, PAGE_BACKING, PAGE_PROGRESS };

struct _HakoCreateVolumeWizard {
    GtkAssistant parent_instance;

    HakoConnectionManager *manager;
    HakoHost *host;
    char *pool;
    guint64 available;
    HakoStorage *storage;
    GCancellable *cancellable;
    HakoVolumeSpec *spec;

    GtkWidget *volume_page;
    GtkEntry *name_entry;
    GtkComboBoxText *format_combo;
    GtkEntry *capacity_entry;
    GtkEntry *allocation_entry;
    GtkLabel *space_label;
    GtkLabel *volume_message;

    GtkWidget *backing_page;
    GtkEntry *backing_entry;
    GtkWidget *browse_button;
    GtkLabel *summary_label;
    GtkLabel *backing_message;

    GtkWidget *progress_page;
    GtkSpinner *spinner;
    GtkLabel *progress_label;
};

G_DEFINE_FINAL_TYPE(HakoCreateVolumeWizard, hako_create_volume_wizard, GTK_TYPE_ASSISTANT)

enum { PROP_0, PROP_MANAGER, PROP_HOST, PROP_POOL, PROP_AVAILABLE, N_PROPS };

static GParamSpec *properties[N_PROPS];

enum { VOLUME_CREATED, N_SIGNALS };

static guint signals[N_SIGNALS];

static char *
format_size(guint64 bytes)
{
    return g_format_size_full(bytes, G_FORMAT_SIZE_IEC_UNITS);
}

/*
 * Reads the fields into self->spec. Returns the first page whose fields are wrong (its message
 * set to why), or -1 when the whole volume can be created; the other page's message is cleared.
 */
static int
read_fields(HakoCreateVolumeWizard *self)
{
    g_autoptr(HakoVolumeSpec) spec = hako_volume_spec_new();
    g_autoptr(GError) error = NULL;
    g_autofree char *warning = NULL;
    const char *allocation = gtk_entry_get_text(self->allocation_entry);
    g_autofree char *backing = g_strstrip(g_strdup(gtk_entry_get_text(self->backing_entry)));

    spec->name = g_strstrip(g_strdup(gtk_entry_get_text(self->name_entry)));
    spec->format =
        g_strcmp0(gtk_combo_box_get_active_id(GTK_COMBO_BOX(self->format_combo)), "raw") == 0
            ? HAKO_VOLUME_FORMAT_RAW
            : HAKO_VOLUME_FORMAT_QCOW2;
    gtk_label_set_text(self->volume_message, "");
    gtk_label_set_text(self->backing_message, "");

    /* The first page: everything but the backing store. */
    if (!hako_storage_parse_size(gtk_entry_get_text(self->capacity_entry), &spec->capacity,
                                 &error) ||
        (*allocation != '\0' && !hako_storage_parse_size(allocation, &spec->allocation, &error)) ||
        !hako_volume_spec_validate(spec, &error) ||
        !hako_volume_spec_check_space(spec, self->available, &warning, &error)) {
        gtk_label_set_text(self->volume_message, error->message);
        hako_volume_spec_free(self->spec);
        self->spec = g_steal_pointer(&spec);
        return PAGE_VOLUME;
    }
    if (warning != NULL)
        gtk_label_set_text(self->volume_message, warning);

    /* The second: the backing store (libvirt reads its format from the volume). */
    if (*backing != '\0') {
        spec->backing_path = g_steal_pointer(&backing);
        spec->backing_format = g_str_has_suffix(spec->backing_path, ".qcow2")
                                   ? HAKO_VOLUME_FORMAT_QCOW2
                                   : HAKO_VOLUME_FORMAT_RAW;
    }
    hako_volume_spec_free(self->spec);
    self->spec = g_steal_pointer(&spec);
    if (!hako_volume_spec_validate(self->spec, &error)) {
        gtk_label_set_text(self->backing_message, error->message);
        return PAGE_BACKING;
    }
    return -1;
}

static void
update_summary(HakoCreateVolumeWizard *self)
{
    HakoVolumeSpec *spec = self->spec;
    g_autofree char *capacity = format_size(spec->capacity);
    g_autofree char *allocation = format_size(spec->allocation);
    g_autoptr(GString) text = g_string_new(NULL);

    g_string_append_printf(text, _("A %s volume “%s” of %s in the pool “%s”."),
                           hako_volume_format_to_string(spec->format), spec->name, capacity,
                           self->pool);
    g_string_append_c(text, ' ');
    if (spec->allocation == 0)
        g_string_append(text, _("It takes space only as the guest writes to it."));
    else
        g_string_append_printf(text, _("It takes %s at once."), allocation);
    if (spec->backing_path != NULL) {
        g_string_append_c(text, ' ');
        g_string_append_printf(text,
                               _("It starts from “%s”, which must stay unchanged while the volume "
                                 "uses it."),
                               spec->backing_path);
    }
    gtk_label_set_text(self->summary_label, text->str);
}

static void
changed_cb(HakoCreateVolumeWizard *self)
{
    int wrong = read_fields(self);

    gtk_assistant_set_page_complete(GTK_ASSISTANT(self), self->volume_page, wrong != PAGE_VOLUME);
    gtk_assistant_set_page_complete(GTK_ASSISTANT(self), self->backing_page, wrong == -1);
    if (wrong != PAGE_VOLUME)
        update_summary(self);
}

static void
format_changed_cb(HakoCreateVolumeWizard *self)
{
    gboolean qcow2 =
        g_strcmp0(gtk_combo_box_get_active_id(GTK_COMBO_BOX(self->format_combo)), "qcow2") == 0;

    /* Only qcow2 has a backing store: a raw volume's second page is its summary. */
    gtk_widget_set_sensitive(GTK_WIDGET(self->backing_entry), qcow2);
    gtk_widget_set_sensitive(self->browse_button, qcow2);
    if (!qcow2)
        gtk_entry_set_text(self->backing_entry, "");
    changed_cb(self);
}

static void
prepare_cb(HakoCreateVolumeWizard *self, GtkWidget *page)
{
    if (page == self->backing_page)
        changed_cb(self);
}

static void
backing_chosen_cb(HakoCreateVolumeWizard *self, const char *path)
{
    gtk_entry_set_text(self->backing_entry, path);
}

static void
browse_clicked_cb(HakoCreateVolumeWizard *self)
{
    GtkWidget *browser = hako_storage_browser_new(GTK_WINDOW(self), self->manager, self->host);

    g_signal_connect_object(browser, "chosen", G_CALLBACK(backing_chosen_cb), self,
                            G_CONNECT_SWAPPED);
    gtk_window_present(GTK_WINDOW(browser));
}

/* ---------------------------------------------------------------------------------------- */

static void
create_volume_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HakoCreateVolumeWizard) self = user_data;
    g_autoptr(GError) error = NULL;
    g_autoptr(HakoStorageVolume) volume =
        hako_storage_create_volume_finish(HAKO_STORAGE(source), result, &error);

    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
    gtk_spinner_stop(self->spinner);
    if (volume == NULL) {
        /* Back to the summary, with libvirt's words: nothing the user typed is lost. */
        gtk_assistant_previous_page(GTK_ASSISTANT(self)); /* from the progress page */
        gtk_label_set_text(self->backing_message, error->message);
        return;
    }
    g_signal_emit(self, signals[VOLUME_CREATED], 0, volume->name);
    gtk_widget_destroy(GTK_WIDGET(self));
}

static void
apply_cb(HakoCreateVolumeWizard *self)
{
    g_autofree char *text = NULL;

    if (read_fields(self) != -1)
        return;
    text = g_strdup_printf(_("Creating “%s”…"), self->spec->name);
    gtk_label_set_text(self->progress_label, text);
    gtk_spinner_start(self->spinner);
    hako_storage_create_volume_async(self->storage, self->host, self->pool, self->spec,
                                     self->cancellable, create_volume_cb, g_object_ref(self));
}

static void
cancel_cb(HakoCreateVolumeWizard *self)
{
    g_cancellable_cancel(self->cancellable);
    gtk_widget_destroy(GTK_WIDGET(self));
}

static void
close_cb(HakoCreateVolumeWizard *self)
{
    gtk_widget_destroy(GTK_WIDGET(self));
}

/* ---------------------------------------------------------------------------------------- */

static void
hako_create_volume_wizard_constructed(GObject *object)
{
    HakoCreateVolumeWizard *self = HAKO_CREATE_VOLUME_WIZARD(object);
    g_autofree char *available = NULL;
    g_autofree char *space = NULL;

    G_OBJECT_CLASS(hako_create_volume_wizard_parent_class)->constructed(object);

    self->storage = hako_storage_new(self->manager);
    /* The window's title is the page's (GtkAssistant): the pool is named on the pages. */
    if (self->available > 0) {
        available = format_size(self->available);
        space = g_strdup_printf(_("The pool “%s” has %s free."), self->pool, available);
        gtk_label_set_text(self->space_label, space);
    }
    changed_cb(self);
    /* Empty at first: say what is missing without shouting. */
    gtk_label_set_text(self->volume_message, _("Name the volume."));
}

static void
hako_create_volume_wizard_dispose(GObject *object)
{
    HakoCreateVolumeWizard *self = HAKO_CREATE_VOLUME_WIZARD(object);

    if (self->cancellable != NULL)
        g_cancellable_cancel(self->cancellable);
    g_clear_object(&self->cancellable);
    g_clear_object(&self->storage);
    g_clear_object(&self->host);
    g_clear_object(&self->manager);

    G_OBJECT_CLASS(hako_create_volume_wizard_parent_class)->dispose(object);
}

static void
hako_create_volume_wizard_finalize(GObject *object)
{
    HakoCreateVolumeWizard *self = HAKO_CREATE_VOLUME_WIZARD(object);

    hako_volume_spec_free(self->spec);
    g_free(self->pool);

    G_OBJECT_CLASS(hako_create_volume_wizard_parent_class)->finalize(object);
}

static void
hako_create_volume_wizard_set_property(GObject *object,
                                       guint prop_id,
                                       const GValue *value,
                                       GParamSpec *pspec)
{
    HakoCreateVolumeWizard *self = HAKO_CREATE_VOLUME_WIZARD(object);

    switch (prop_id) {
    case PROP_MANAGER:
        self->manager = g_value_dup_object(value);
        break;
    case PROP_HOST:
        self->host = g_value_dup_object(value);
        break;
    case PROP_POOL:
        self->pool = g_value_dup_string(value);
        break;
    case PROP_AVAILABLE:
        self->available = g_value_get_uint64(value);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    }
}

static void
hako_create_volume_wizard_class_init(HakoCreateVolumeWizardClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);
    GParamFlags flags = G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

    object_class->constructed = hako_create_volume_wizard_constructed;
    object_class->dispose = hako_create_volume_wizard_dispose;
    object_class->finalize = hako_create_volume_wizard_finalize;
    object_class->set_property = hako_create_volume_wizard_set_property;

    properties[PROP_MANAGER] =
        g_param_spec_object("manager", NULL, NULL, HAKO_TYPE_CONNECTION_MANAGER, flags);
    properties[PROP_HOST] = g_param_spec_object("host", NULL, NULL, HAKO_TYPE_HOST, flags);
    properties[PROP_POOL] = g_param_spec_string("pool", NULL, NULL, NULL, flags);
    /* The bytes free in the pool; 0 when not known. */
    properties[PROP_AVAILABLE] =
        g_param_spec_uint64("available", NULL, NULL, 0, G_MAXUINT64, 0, flags);
    g_object_class_install_properties(object_class, N_PROPS, properties);

    /* The volume was created: its name. The wizard then closes. */
    signals[VOLUME_CREATED] =
        g_signal_new("volume-created", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                     NULL, G_TYPE_NONE, 1, G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);

    gtk_widget_class_set_template_from_resource(widget_class,
                                                RESOURCE_PREFIX "/ui/hako-create-volume-wizard.ui");
    gtk_widget_class_bind_template_child(widget_class, HakoCreateVolumeWizard, volume_page);
    gtk_widget_class_bind_template_child(widget_class, HakoCreateVolumeWizard, name_entry);
    gtk_widget_class_bind_template_child(widget_class, HakoCreateVolumeWizard, format_combo);
    gtk_widget_class_bind_template_child(widget_class, HakoCreateVolumeWizard, capacity_entry);
    gtk_widget_class_bind_template_child(widget_class, HakoCreateVolumeWizard, allocation_entry);
    gtk_widget_class_bind_template_child(widget_class, HakoCreateVolumeWizard, space_label);
    gtk_widget_class_bind_template_child(widget_class, HakoCreateVolumeWizard, volume_message);
    gtk_widget_class_bind_template_child(widget_class, HakoCreateVolumeWizard, backing_page);
    gtk_widget_class_bind_template_child(widget_class, HakoCreateVolumeWizard, backing_entry);
    gtk_widget_class_bind_template_child(widget_class, HakoCreateVolumeWizard, browse_button);
    gtk_widget_class_bind_template_child(widget_class, HakoCreateVolumeWizard, summary_label);
    gtk_widget_class_bind_template_child(widget_class, HakoCreateVolumeWizard, backing_message);
    gtk_widget_class_bind_template_child(widget_class, HakoCreateVolumeWizard, progress_page);
    gtk_widget_class_bind_template_child(widget_class, HakoCreateVolumeWizard, spinner);
    gtk_widget_class_bind_template_child(widget_class, HakoCreateVolumeWizard, progress_label);
    gtk_widget_class_bind_template_callback(widget_class, changed_cb);
    gtk_widget_class_bind_template_callback(widget_class, format_changed_cb);
    gtk_widget_class_bind_template_callback(widget_class, prepare_cb);
    gtk_widget_class_bind_template_callback(widget_class, browse_clicked_cb);
    gtk_widget_class_bind_template_callback(widget_class, apply_cb);
    gtk_widget_class_bind_template_callback(widget_class, cancel_cb);
    gtk_widget_class_bind_template_callback(widget_class, close_cb);
}

static void
hako_create_volume_wizard_init(HakoCreateVolumeWizard *self)
{
    self->cancellable = g_cancellable_new();
    self->spec = hako_volume_spec_new();
    gtk_widget_init_template(GTK_WIDGET(self));
    hako_widgets_name_from_labels(GTK_WIDGET(self));
}

/**
 * hako_create_volume_wizard_new:
 * @parent: (nullable): the window it belongs to
 * @manager: the connection manager
 * @host: the pool's host
 * @pool: the name of a running pool
 * @available: the bytes free in it, 0 when not known
 *
 * Returns: (transfer none): the wizard's window, not yet shown; it destroys itself when done,
 *   after "volume-created" when it made one.
 */
GtkWidget *
hako_create_volume_wizard_new(GtkWindow *parent,
                              HakoConnectionManager *manager,
                              HakoHost *host,
                              const char *pool,
                              guint64 available)
{
    g_return_val_if_fail(HAKO_IS_CONNECTION_MANAGER(manager), NULL);
    g_return_val_if_fail(HAKO_IS_HOST(host), NULL);
    g_return_val_if_fail(pool != NULL, NULL);

    return g_object_new(HAKO_TYPE_CREATE_VOLUME_WIZARD, "manager", manager, "host", host, "pool",
                        pool, "available", available, "transient-for", parent, "modal",
                        parent != NULL, "destroy-with-parent", TRUE, NULL);
}

/**
 * hako_create_volume_wizard_get_spec:
 *
 * Returns: (transfer none): the volume as the wizard's fields describe it now.
 */
HakoVolumeSpec *
hako_create_volume_wizard_get_spec(HakoCreateVolumeWizard *self)
{
    g_return_val_if_fail(HAKO_IS_CREATE_VOLUME_WIZARD(self), NULL);

    return self->spec;
}

static GtkWidget *
open_create_volume_wizard(GtkWindow *parent,
                          HakoConnectionManager *manager,
                          HakoHost *host,
                          const char *pool,
                          guint64 available)
{
    return hako_create_volume_wizard_new(parent, manager, host, pool, available);
}

/**
 * hako_create_volume_wizard_register:
 *
 * Called once by hako_wizards_register_types(): the Storage page (ui layer) opens the wizard
 * through the function set here, without including it.
 */
void
hako_create_volume_wizard_register(void)
{
    g_type_ensure(HAKO_TYPE_CREATE_VOLUME_WIZARD);
    hako_storage_page_set_create_volume_func(open_create_volume_wizard);
}
