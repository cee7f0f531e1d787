/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoCreatePoolWizard: the Create Pool wizard, a new storage pool of one of seven types. */
#include "config.h"

#include "hako-create-pool-wizard.h"

#include "hako-storage-page.h"
#include "hako-storage.h"

#include <glib/gi18n.h>

/*
 * Three pages over one HakoPoolSpec: the pool's name, type and the fields that type needs
 * (the others hidden, from hako_pool_type_get_fields()); then the build step, where the type has
 * one, and autostart; then the creation itself, with a spinner. Each page says what is wrong
 * with it (hako_pool_spec_validate()) and is complete only when nothing is. A failure takes the
 * user back to the second page with libvirt's words, so nothing typed is lost. Built in code:
 * the first page is one grid whose rows come and go with the type.
 */

/* The rows of the first page, in the order of HakoPoolFields' bits. */
typedef enum {
    ROW_TARGET_PATH,
    ROW_SOURCE_DEVICE,
    ROW_SOURCE_HOST,
    ROW_SOURCE_PATH,
    ROW_SOURCE_IQN,
    ROW_INITIATOR_IQN,
    ROW_ADAPTER,
    ROW_FORMAT,
    N_ROWS,
} Row;

struct _HakoCreatePoolWizard {
    GtkAssistant parent_instance;

    HakoConnectionManager *manager;
    HakoHost *host;
    HakoStorage *storage;
    GCancellable *cancellable;
    HakoPoolSpec *spec;
    gboolean creating;

    GtkWidget *pool_page;
    GtkEntry *name;
    GtkComboBoxText *type;
    GtkWidget *row_labels[N_ROWS];
    GtkWidget *row_widgets[N_ROWS]; /* GtkEntry, or the format's GtkComboBoxText */
    GtkLabel *pool_message;

    GtkWidget *build_page;
    GtkToggleButton *build;
    GtkLabel *build_warning;
    GtkToggleButton *autostart;
    GtkLabel *build_message;

    GtkWidget *progress_page;
    GtkSpinner *spinner;
};

G_DEFINE_FINAL_TYPE(HakoCreatePoolWizard, hako_create_pool_wizard, GTK_TYPE_ASSISTANT)

enum { PROP_0, PROP_MANAGER, PROP_HOST, N_PROPS };

static GParamSpec *properties[N_PROPS];

enum { POOL_CREATED, N_SIGNALS };

static guint signals[N_SIGNALS];

static HakoPoolType
current_type(HakoCreatePoolWizard *self)
{
    const char *id = gtk_combo_box_get_active_id(GTK_COMBO_BOX(self->type));

    return id != NULL ? hako_pool_type_from_string(id) : HAKO_POOL_TYPE_DIR;
}

static char *
row_text(HakoCreatePoolWizard *self, Row row)
{
    GtkWidget *widget = self->row_widgets[row];
    const char *text;

    if (!gtk_widget_get_visible(widget))
        return NULL;
    if (GTK_IS_COMBO_BOX(widget)) {
        text = gtk_combo_box_get_active_id(GTK_COMBO_BOX(widget));
        return text != NULL && *text != '\0' ? g_strdup(text) : NULL;
    }
    text = gtk_entry_get_text(GTK_ENTRY(widget));
    return *text != '\0' ? g_strstrip(g_strdup(text)) : NULL;
}

/* The spec the fields make now. */
static void
read_fields(HakoCreatePoolWizard *self)
{
    HakoPoolType type = current_type(self);
    g_autoptr(HakoPoolSpec) spec = hako_pool_spec_new(type);

    spec->name = g_strstrip(g_strdup(gtk_entry_get_text(self->name)));
    spec->target_path = row_text(self, ROW_TARGET_PATH);
    spec->source_device = row_text(self, ROW_SOURCE_DEVICE);
    spec->source_host = row_text(self, ROW_SOURCE_HOST);
    spec->source_path = row_text(self, ROW_SOURCE_PATH);
    spec->source_iqn = row_text(self, ROW_SOURCE_IQN);
    spec->initiator_iqn = row_text(self, ROW_INITIATOR_IQN);
    spec->adapter = row_text(self, ROW_ADAPTER);
    spec->format = row_text(self, ROW_FORMAT);
    spec->build = hako_pool_type_can_build(type) && gtk_toggle_button_get_active(self->build);
    hako_pool_spec_free(self->spec);
    self->spec = g_steal_pointer(&spec);
}

static void
update_pages(HakoCreatePoolWizard *self)
{
    g_autoptr(GError) error = NULL;
    gboolean build = self->spec->build;
    gboolean pool_valid;
    gboolean valid;

    /* The first page is checked without building: that is the second page's question. */
    self->spec->build = FALSE;
    pool_valid = hako_pool_spec_validate(self->spec, &error);
    self->spec->build = build;
    /* Empty at first: say what is missing without shouting. */
    gtk_label_set_text(self->pool_message, pool_valid ? ""
                                           : *gtk_entry_get_text(self->name) == '\0'
                                               ? _("Name the pool.")
                                               : error->message);
    gtk_assistant_set_page_complete(GTK_ASSISTANT(self), self->pool_page, pool_valid);

    g_clear_error(&error);
    valid = hako_pool_spec_validate(self->spec, &error);
    gtk_label_set_text(self->build_message, valid ? "" : error->message);
    gtk_assistant_set_page_complete(GTK_ASSISTANT(self), self->build_page,
                                    valid && !self->creating);
}

static void
update_build(HakoCreatePoolWizard *self)
{
    HakoPoolType type = current_type(self);
    gboolean formats = type == HAKO_POOL_TYPE_LOGICAL || type == HAKO_POOL_TYPE_DISK;
    g_autofree char *warning = NULL;

    gtk_widget_set_visible(GTK_WIDGET(self->build), hako_pool_type_can_build(type));
    gtk_button_set_label(GTK_BUTTON(self->build),
                         formats ? _("_Build: format the device for the pool")
                                 : _("_Build: make the pool’s directory if it is missing"));
    if (formats && gtk_toggle_button_get_active(self->build)) {
        const char *device = self->spec->source_device;

        warning = g_strdup_printf(
            type == HAKO_POOL_TYPE_LOGICAL
                ? _("Building writes a new LVM volume group over “%s”: everything on that device "
                    "is lost for good.")
                : _("Building writes a new partition table over “%s”: everything on that disk "
                    "is lost for good."),
            device != NULL ? device : _("the device"));
    }
    gtk_label_set_text(self->build_warning, warning != NULL ? warning : "");
    gtk_widget_set_visible(GTK_WIDGET(self->build_warning), warning != NULL);
}

static void
changed_cb(HakoCreatePoolWizard *self)
{
    read_fields(self);
    update_build(self);
    update_pages(self);
}

static void
type_changed_cb(HakoCreatePoolWizard *self)
{
    HakoPoolType type = current_type(self);
    HakoPoolFields fields = hako_pool_type_get_fields(type);
    HakoPoolFields required = hako_pool_type_get_required_fields(type);
    const char *const *formats = hako_pool_type_get_formats(type);
    GtkComboBoxText *format = GTK_COMBO_BOX_TEXT(self->row_widgets[ROW_FORMAT]);

    for (int row = 0; row < N_ROWS; row++) {
        gboolean shown = (fields & (1u << row)) != 0;

        gtk_widget_set_visible(self->row_labels[row], shown);
        gtk_widget_set_visible(self->row_widgets[row], shown);
        if (row != ROW_FORMAT)
            gtk_entry_set_placeholder_text(GTK_ENTRY(self->row_widgets[row]),
                                           (required & (1u << row)) ? NULL : _("optional"));
    }
    g_signal_handlers_block_by_func(format, changed_cb, self);
    gtk_combo_box_text_remove_all(format);
    for (guint i = 0; formats[i] != NULL; i++)
        gtk_combo_box_text_append(format, formats[i], formats[i]);
    gtk_combo_box_set_active(GTK_COMBO_BOX(format), 0);
    g_signal_handlers_unblock_by_func(format, changed_cb, self);
    /* Formatting a device destroys what it holds: the user has to ask for it. */
    gtk_toggle_button_set_active(self->build, type == HAKO_POOL_TYPE_DIR ||
                                                  type == HAKO_POOL_TYPE_FS ||
                                                  type == HAKO_POOL_TYPE_NETFS);
    changed_cb(self);
}

/* ---------------------------------------------------------------------------------------- */

static void
create_pool_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HakoCreatePoolWizard) self = user_data;
    g_autoptr(GError) error = NULL;
    g_autoptr(HakoStoragePool) pool =
        hako_storage_create_pool_finish(HAKO_STORAGE(source), result, &error);

    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
    self->creating = FALSE;
    gtk_spinner_stop(self->spinner);
    if (pool == NULL) {
        /* Back to the last question, with the answer: nothing the user typed is lost. */
        gtk_assistant_previous_page(GTK_ASSISTANT(self)); /* from the progress page */
        update_pages(self);
        gtk_label_set_text(self->build_message, error->message);
        return;
    }
    g_signal_emit(self, signals[POOL_CREATED], 0, pool->name);
    gtk_widget_destroy(GTK_WIDGET(self));
}

static void
apply_cb(HakoCreatePoolWizard *self)
{
    read_fields(self);
    if (!hako_pool_spec_validate(self->spec, NULL))
        return;
    self->creating = TRUE;
    gtk_spinner_start(self->spinner);
    hako_storage_create_pool_async(self->storage, self->host, self->spec,
                                   gtk_toggle_button_get_active(self->autostart), self->cancellable,
                                   create_pool_cb, g_object_ref(self));
}

static void
cancel_cb(HakoCreatePoolWizard *self)
{
    /* A pool half made is removed by the engine when it sees the cancellation. */
    g_cancellable_cancel(self->cancellable);
    gtk_widget_destroy(GTK_WIDGET(self));
}

/* ---------------------------------------------------------------------------------------- */

static GtkWidget *
add_row(HakoCreatePoolWizard *self, GtkGrid *grid, int row, const char *caption, GtkWidget *field)
{
    GtkWidget *label = gtk_label_new_with_mnemonic(caption);

    gtk_label_set_xalign(GTK_LABEL(label), 1.0);
    gtk_label_set_mnemonic_widget(GTK_LABEL(label), field);
    atk_object_set_name(gtk_widget_get_accessible(field), gtk_label_get_text(GTK_LABEL(label)));
    gtk_widget_set_hexpand(field, TRUE);
    if (GTK_IS_ENTRY(field)) {
        gtk_entry_set_activates_default(GTK_ENTRY(field), TRUE);
        g_signal_connect_object(field, "changed", G_CALLBACK(changed_cb), self, G_CONNECT_SWAPPED);
    }
    gtk_grid_attach(grid, label, 0, row, 1, 1);
    gtk_grid_attach(grid, field, 1, row, 1, 1);
    return label;
}

static GtkLabel *
message_label(void)
{
    GtkWidget *label = gtk_label_new(NULL);

    gtk_label_set_line_wrap(GTK_LABEL(label), TRUE);
    gtk_label_set_max_width_chars(GTK_LABEL(label), 60);
    gtk_label_set_xalign(GTK_LABEL(label), 0.0);
    return GTK_LABEL(label);
}

static void
add_field_row(HakoCreatePoolWizard *self, GtkGrid *grid, Row row, const char *caption)
{
    GtkWidget *field = row == ROW_FORMAT ? gtk_combo_box_text_new() : gtk_entry_new();

    self->row_widgets[row] = field;
    self->row_labels[row] = add_row(self, grid, row + 2, caption, field);
    gtk_widget_set_no_show_all(field, TRUE);
    gtk_widget_set_no_show_all(self->row_labels[row], TRUE);
    if (row == ROW_FORMAT)
        g_signal_connect_object(field, "changed", G_CALLBACK(changed_cb), self, G_CONNECT_SWAPPED);
}

static void
build_pool_page(HakoCreatePoolWizard *self)
{
    GtkWidget *grid = gtk_grid_new();
    static const HakoPoolType types[] = {
        HAKO_POOL_TYPE_DIR,  HAKO_POOL_TYPE_FS,    HAKO_POOL_TYPE_NETFS, HAKO_POOL_TYPE_LOGICAL,
        HAKO_POOL_TYPE_DISK, HAKO_POOL_TYPE_ISCSI, HAKO_POOL_TYPE_SCSI,
    };

    gtk_grid_set_row_spacing(GTK_GRID(grid), 6);
    gtk_grid_set_column_spacing(GTK_GRID(grid), 12);
    gtk_container_set_border_width(GTK_CONTAINER(grid), 12);
    self->name = GTK_ENTRY(gtk_entry_new());
    add_row(self, GTK_GRID(grid), 0, _("_Name:"), GTK_WIDGET(self->name));
    self->type = GTK_COMBO_BOX_TEXT(gtk_combo_box_text_new());
    for (guint i = 0; i < G_N_ELEMENTS(types); i++)
        gtk_combo_box_text_append(self->type, hako_pool_type_to_string(types[i]),
                                  hako_pool_type_get_label(types[i]));
    add_row(self, GTK_GRID(grid), 1, _("_Type:"), GTK_WIDGET(self->type));
    add_field_row(self, GTK_GRID(grid), ROW_TARGET_PATH, _("Target _path:"));
    add_field_row(self, GTK_GRID(grid), ROW_SOURCE_DEVICE, _("Source _device:"));
    add_field_row(self, GTK_GRID(grid), ROW_SOURCE_HOST, _("_Host:"));
    add_field_row(self, GTK_GRID(grid), ROW_SOURCE_PATH, _("_Source path:"));
    add_field_row(self, GTK_GRID(grid), ROW_SOURCE_IQN, _("Target _IQN:"));
    add_field_row(self, GTK_GRID(grid), ROW_INITIATOR_IQN, _("_Initiator IQN:"));
    add_field_row(self, GTK_GRID(grid), ROW_ADAPTER, _("_Adapter:"));
    add_field_row(self, GTK_GRID(grid), ROW_FORMAT, _("_Format:"));
    self->pool_message = message_label();
    gtk_grid_attach(GTK_GRID(grid), GTK_WIDGET(self->pool_message), 1, N_ROWS + 2, 1, 1);
    self->pool_page = grid;
    gtk_widget_show_all(grid);
    gtk_assistant_append_page(GTK_ASSISTANT(self), grid);
    gtk_assistant_set_page_title(GTK_ASSISTANT(self), grid, _("Name and Type"));
    gtk_assistant_set_page_type(GTK_ASSISTANT(self), grid, GTK_ASSISTANT_PAGE_CONTENT);
}

static void
build_build_page(HakoCreatePoolWizard *self)
{
    GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 12);
    GtkWidget *check;

    gtk_container_set_border_width(GTK_CONTAINER(box), 12);
    check = gtk_check_button_new_with_mnemonic("");
    self->build = GTK_TOGGLE_BUTTON(check);
    gtk_widget_set_no_show_all(check, TRUE);
    g_signal_connect_object(check, "toggled", G_CALLBACK(changed_cb), self, G_CONNECT_SWAPPED);
    gtk_box_pack_start(GTK_BOX(box), check, FALSE, FALSE, 0);
    self->build_warning = message_label();
    gtk_widget_set_no_show_all(GTK_WIDGET(self->build_warning), TRUE);
    gtk_style_context_add_class(gtk_widget_get_style_context(GTK_WIDGET(self->build_warning)),
                                "error");
    gtk_box_pack_start(GTK_BOX(box), GTK_WIDGET(self->build_warning), FALSE, FALSE, 0);
    check = gtk_check_button_new_with_mnemonic(_("Start the pool when the _host starts"));
    self->autostart = GTK_TOGGLE_BUTTON(check);
    gtk_toggle_button_set_active(self->autostart, TRUE);
    gtk_box_pack_start(GTK_BOX(box), check, FALSE, FALSE, 0);
    self->build_message = message_label();
    gtk_label_set_selectable(self->build_message, TRUE);
    gtk_box_pack_start(GTK_BOX(box), GTK_WIDGET(self->build_message), FALSE, FALSE, 0);
    self->build_page = box;
    gtk_widget_show_all(box);
    gtk_assistant_append_page(GTK_ASSISTANT(self), box);
    gtk_assistant_set_page_title(GTK_ASSISTANT(self), box, _("Build and Start"));
    gtk_assistant_set_page_type(GTK_ASSISTANT(self), box, GTK_ASSISTANT_PAGE_CONFIRM);
}

static void
build_progress_page(HakoCreatePoolWizard *self)
{
    GtkWidget *box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 12);

    gtk_container_set_border_width(GTK_CONTAINER(box), 12);
    self->spinner = GTK_SPINNER(gtk_spinner_new());
    gtk_box_pack_start(GTK_BOX(box), GTK_WIDGET(self->spinner), FALSE, FALSE, 0);
    gtk_box_pack_start(GTK_BOX(box), gtk_label_new(_("Creating the pool…")), FALSE, FALSE, 0);
    self->progress_page = box;
    gtk_widget_show_all(box);
    gtk_assistant_append_page(GTK_ASSISTANT(self), box);
    gtk_assistant_set_page_title(GTK_ASSISTANT(self), box, _("Creating"));
    gtk_assistant_set_page_type(GTK_ASSISTANT(self), box, GTK_ASSISTANT_PAGE_PROGRESS);
}

/* ---------------------------------------------------------------------------------------- */

static void
hako_create_pool_wizard_constructed(GObject *object)
{
    HakoCreatePoolWizard *self = HAKO_CREATE_POOL_WIZARD(object);
    g_autofree char *title = NULL;

    G_OBJECT_CLASS(hako_create_pool_wizard_parent_class)->constructed(object);

    self->storage = hako_storage_new(self->manager);
    title = g_strdup_printf(_("Create a Storage Pool on %s"), hako_host_get_label(self->host));
    gtk_window_set_title(GTK_WINDOW(self), title);
    build_pool_page(self);
    build_build_page(self);
    build_progress_page(self);
    g_signal_connect_object(self->type, "changed", G_CALLBACK(type_changed_cb), self,
                            G_CONNECT_SWAPPED);
    gtk_combo_box_set_active_id(GTK_COMBO_BOX(self->type),
                                hako_pool_type_to_string(HAKO_POOL_TYPE_DIR));
}

static void
hako_create_pool_wizard_dispose(GObject *object)
{
    HakoCreatePoolWizard *self = HAKO_CREATE_POOL_WIZARD(object);

    if (self->cancellable != NULL)
        g_cancellable_cancel(self->cancellable);
    g_clear_object(&self->cancellable);
    g_clear_object(&self->storage);
    g_clear_object(&self->host);
    g_clear_object(&self->manager);

    G_OBJECT_CLASS(hako_create_pool_wizard_parent_class)->dispose(object);
}

static void
hako_create_pool_wizard_finalize(GObject *object)
{
    HakoCreatePoolWizard *self = HAKO_CREATE_POOL_WIZARD(object);

    hako_pool_spec_free(self->spec);

    G_OBJECT_CLASS(hako_create_pool_wizard_parent_class)->finalize(object);
}

static void
hako_create_pool_wizard_set_property(GObject *object,
                                     guint prop_id,
                                     const GValue *value,
                                     GParamSpec *pspec)
{
    HakoCreatePoolWizard *self = HAKO_CREATE_POOL_WIZARD(object);

    switch (prop_id) {
    case PROP_MANAGER:
        self->manager = g_value_dup_object(value);
        break;
    case PROP_HOST:
        self->host = g_value_dup_object(value);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    }
}

static void
hako_create_pool_wizard_class_init(HakoCreatePoolWizardClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    GParamFlags flags = G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

    object_class->constructed = hako_create_pool_wizard_constructed;
    object_class->dispose = hako_create_pool_wizard_dispose;
    object_class->finalize = hako_create_pool_wizard_finalize;
    object_class->set_property = hako_create_pool_wizard_set_property;

    properties[PROP_MANAGER] =
        g_param_spec_object("manager", NULL, NULL, HAKO_TYPE_CONNECTION_MANAGER, flags);
    properties[PROP_HOST] = g_param_spec_object("host", NULL, NULL, HAKO_TYPE_HOST, flags);
    g_object_class_install_properties(object_class, N_PROPS, properties);

    /* The pool was created (and started): its name. The wizard then closes. */
    signals[POOL_CREATED] =
        g_signal_new("pool-created", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                     NULL, G_TYPE_NONE, 1, G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
hako_create_pool_wizard_init(HakoCreatePoolWizard *self)
{
    self->cancellable = g_cancellable_new();
    self->spec = hako_pool_spec_new(HAKO_POOL_TYPE_DIR);
    gtk_window_set_default_size(GTK_WINDOW(self), 560, 420);
    g_signal_connect(self, "apply", G_CALLBACK(apply_cb), NULL);
    g_signal_connect(self, "cancel", G_CALLBACK(cancel_cb), NULL);
    g_signal_connect(self, "close", G_CALLBACK(gtk_widget_destroy), NULL);
}

/**
 * hako_create_pool_wizard_new:
 * @parent: (nullable): the window it belongs to
 * @manager: the connection manager
 * @host: where the pool is created
 *
 * Returns: (transfer none): the wizard's window, not yet shown; it destroys itself when done.
 */
GtkWidget *
hako_create_pool_wizard_new(GtkWindow *parent, HakoConnectionManager *manager, HakoHost *host)
{
    g_return_val_if_fail(HAKO_IS_CONNECTION_MANAGER(manager), NULL);
    g_return_val_if_fail(HAKO_IS_HOST(host), NULL);

    return g_object_new(HAKO_TYPE_CREATE_POOL_WIZARD, "manager", manager, "host", host,
                        "transient-for", parent, "modal", parent != NULL, "destroy-with-parent",
                        TRUE, NULL);
}

/**
 * hako_create_pool_wizard_get_spec:
 *
 * Returns: (transfer none): the pool as the wizard's fields describe it now.
 */
HakoPoolSpec *
hako_create_pool_wizard_get_spec(HakoCreatePoolWizard *self)
{
    g_return_val_if_fail(HAKO_IS_CREATE_POOL_WIZARD(self), NULL);

    return self->spec;
}

static GtkWidget *
open_create_pool_wizard(GtkWindow *parent, HakoConnectionManager *manager, HakoHost *host)
{
    return hako_create_pool_wizard_new(parent, manager, host);
}

/**
 * hako_create_pool_wizard_register:
 *
 * Called once by hako_wizards_register_types(): the Storage page (ui layer) opens the wizard
 * through the function set here, without including it.
 */
void
hako_create_pool_wizard_register(void)
{
    g_type_ensure(HAKO_TYPE_CREATE_POOL_WIZARD);
    hako_storage_page_set_create_pool_func(open_create_pool_wizard);
}
