/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoCloneDialog: clone a stopped guest.
 *
 * The dialog lists the guest's disks (from the engine, on a worker) with a choice for each:
 * copy it into a new volume of its pool, or share it with the clone. Disks that cannot be
 * copied (not a pool's volume, read-only, CD-ROMs) are shared and say why. Clone runs the
 * engine's clone with a progress bar over the bytes copied; an error stays in the dialog's bar
 * with the fields usable again, and success emits "cloned" with the new name and closes it. The
 * dialog is shown without a nested main loop and acts from its response handler. */
#include "config.h"

#include "hako-clone-dialog.h"

#include "hako-guest-ops.h"

#include <glib/gi18n.h>

struct _HakoCloneDialog {
    GtkDialog parent_instance;

    HakoConnectionManager *manager;
    HakoDomain *domain;
    HakoGuestOps *ops;
    GCancellable *cancellable;
    GPtrArray *disks;  /* HakoGuestDisk */
    GPtrArray *combos; /* GtkComboBox per disk, NULL for one that is always shared */
    gboolean loading;
    gboolean cloning;

    /* Template children */
    GtkInfoBar *error_bar;
    GtkLabel *error_label;
    GtkEntry *name_entry;
    GtkGrid *disks_grid;
    GtkProgressBar *progress_bar;
    GtkWidget *clone_button;
};

G_DEFINE_FINAL_TYPE(HakoCloneDialog, hako_clone_dialog, GTK_TYPE_DIALOG)

enum { PROP_0, PROP_MANAGER, PROP_DOMAIN, N_PROPS };
enum { SIGNAL_CLONED, N_SIGNALS };

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
show_error(HakoCloneDialog *self, const char *message)
{
    gtk_label_set_text(self->error_label, message);
    gtk_widget_show(GTK_WIDGET(self->error_bar));
}

static void
update_buttons(HakoCloneDialog *self)
{
    const char *name = gtk_entry_get_text(self->name_entry);
    gboolean ok = !self->loading && !self->cloning && self->disks != NULL && *name != '\0' &&
                  strchr(name, '/') == NULL;

    gtk_widget_set_sensitive(self->clone_button, ok);
    gtk_widget_set_sensitive(GTK_WIDGET(self->name_entry), !self->cloning);
    gtk_widget_set_sensitive(GTK_WIDGET(self->disks_grid), !self->cloning);
}

/**
 * hako_clone_dialog_is_busy:
 *
 * Returns: whether the dialog waits for the engine (listing the disks, or cloning)
 */
gboolean
hako_clone_dialog_is_busy(HakoCloneDialog *self)
{
    g_return_val_if_fail(HAKO_IS_CLONE_DIALOG(self), FALSE);
    return self->loading || self->cloning;
}

static const char *
why_shared(const HakoGuestDisk *disk)
{
    if (g_strcmp0(disk->device, "cdrom") == 0 || g_strcmp0(disk->device, "floppy") == 0 ||
        disk->read_only)
        return _("Read-only disks and removable media are always shared.");
    return _("Only a volume of a storage pool can be copied.");
}

static void
add_disk_row(HakoCloneDialog *self, const HakoGuestDisk *disk, int row)
{
    g_autofree char *size = disk->capacity > 0 ? g_format_size(disk->capacity) : NULL;
    g_autofree char *text = NULL;
    GtkWidget *label;
    GtkWidget *combo = NULL;

    if (disk->path == NULL)
        /* Translators: a drive with no medium, e.g. "hdc (empty)" */
        text = g_strdup_printf(_("%s (empty)"), disk->target);
    else if (size != NULL)
        /* Translators: a disk's target, path and size: "vda: /images/a.qcow2 (20.0 GB)" */
        text = g_strdup_printf(_("%s: %s (%s)"), disk->target, disk->path, size);
    else
        text = g_strdup_printf(_("%s: %s"), disk->target, disk->path);
    label = gtk_label_new(text);
    gtk_label_set_xalign(GTK_LABEL(label), 0.0);
    gtk_label_set_ellipsize(GTK_LABEL(label), PANGO_ELLIPSIZE_MIDDLE);
    gtk_widget_set_hexpand(label, TRUE);
    gtk_grid_attach(self->disks_grid, label, 0, row, 1, 1);

    if (disk->path != NULL) {
        combo = gtk_combo_box_text_new();
        if (hako_guest_disk_can_copy(disk))
            gtk_combo_box_text_append(GTK_COMBO_BOX_TEXT(combo), "copy", _("Copy into its pool"));
        gtk_combo_box_text_append(GTK_COMBO_BOX_TEXT(combo), "share", _("Share"));
        gtk_combo_box_set_active(GTK_COMBO_BOX(combo), 0);
        if (!hako_guest_disk_can_copy(disk)) {
            gtk_widget_set_sensitive(combo, FALSE);
            gtk_widget_set_tooltip_text(combo, why_shared(disk));
        }
        gtk_grid_attach(self->disks_grid, combo, 1, row, 1, 1);
    }
    g_ptr_array_add(self->combos, combo != NULL && hako_guest_disk_can_copy(disk) ? combo : NULL);
}

static void
list_disks_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HakoCloneDialog) self = user_data;
    g_autoptr(GError) error = NULL;
    GPtrArray *disks = hako_guest_ops_list_disks_finish(HAKO_GUEST_OPS(source), result, &error);

    if (self->cancellable == NULL || g_cancellable_is_cancelled(self->cancellable)) {
        g_clear_pointer(&disks, g_ptr_array_unref);
        return;
    }
    self->loading = FALSE;
    if (disks == NULL) {
        show_error(self, error->message);
        update_buttons(self);
        return;
    }
    self->disks = disks;
    for (guint i = 0; i < disks->len; i++)
        add_disk_row(self, disks->pdata[i], (int)i);
    if (disks->len == 0) {
        GtkWidget *none = gtk_label_new(_("None"));

        gtk_label_set_xalign(GTK_LABEL(none), 0.0);
        gtk_grid_attach(self->disks_grid, none, 0, 0, 1, 1);
    }
    gtk_widget_show_all(GTK_WIDGET(self->disks_grid));
    update_buttons(self);
}

static void
progress_cb(guint64 done, guint64 total, gpointer user_data)
{
    HakoCloneDialog *self = user_data;
    g_autofree char *done_text = NULL;
    g_autofree char *total_text = NULL;
    g_autofree char *text = NULL;

    if (self->cancellable == NULL)
        return;
    done_text = g_format_size(done);
    total_text = g_format_size(total);
    /* Translators: bytes copied so far, of how many */
    text = g_strdup_printf(_("%s of %s copied"), done_text, total_text);
    gtk_progress_bar_set_fraction(self->progress_bar, total > 0 ? (double)done / total : 0.0);
    gtk_progress_bar_set_text(self->progress_bar, text);
}

static void
clone_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HakoCloneDialog) self = user_data;
    g_autoptr(GError) error = NULL;
    g_autofree char *name = hako_guest_ops_clone_finish(HAKO_GUEST_OPS(source), result, &error);

    if (self->cancellable == NULL || g_cancellable_is_cancelled(self->cancellable))
        return;
    self->cloning = FALSE;
    gtk_widget_hide(GTK_WIDGET(self->progress_bar));
    update_buttons(self);
    if (name == NULL) {
        show_error(self, error->message);
        return;
    }
    g_signal_emit(self, signals[SIGNAL_CLONED], 0, name);
    gtk_widget_destroy(GTK_WIDGET(self));
}

static void
start_clone(HakoCloneDialog *self)
{
    g_autoptr(GPtrArray) shared = g_ptr_array_new();

    for (guint i = 0; i < self->disks->len; i++) {
        const HakoGuestDisk *disk = self->disks->pdata[i];
        GtkComboBox *combo = self->combos->pdata[i];

        /* a disk that cannot be copied is shared without a choice */
        if (combo == NULL || g_strcmp0(gtk_combo_box_get_active_id(combo), "share") == 0)
            g_ptr_array_add(shared, disk->target);
    }
    g_ptr_array_add(shared, NULL);
    gtk_widget_hide(GTK_WIDGET(self->error_bar));
    gtk_progress_bar_set_fraction(self->progress_bar, 0.0);
    gtk_progress_bar_set_text(self->progress_bar, _("Cloning…"));
    gtk_widget_show(GTK_WIDGET(self->progress_bar));
    self->cloning = TRUE;
    update_buttons(self);
    hako_guest_ops_clone_async(self->ops, self->domain, gtk_entry_get_text(self->name_entry),
                               (const char *const *)shared->pdata, progress_cb, g_object_ref(self),
                               g_object_unref, self->cancellable, clone_cb, g_object_ref(self));
}

static void
hako_clone_dialog_response(GtkDialog *dialog, int response)
{
    HakoCloneDialog *self = HAKO_CLONE_DIALOG(dialog);

    if (response == GTK_RESPONSE_OK) {
        if (!self->cloning && self->disks != NULL)
            start_clone(self);
        return;
    }
    /* Cancel, Escape or the window closed: a copy that has started runs to its end */
    gtk_widget_destroy(GTK_WIDGET(self));
}

static void
hako_clone_dialog_constructed(GObject *object)
{
    HakoCloneDialog *self = HAKO_CLONE_DIALOG(object);
    g_autofree char *suggestion = NULL;
    g_autofree char *title = NULL;
    HakoHost *host;

    G_OBJECT_CLASS(hako_clone_dialog_parent_class)->constructed(object);

    if (self->manager == NULL || self->domain == NULL)
        return;
    host = hako_domain_get_host(self->domain);
    suggestion = hako_guest_ops_suggest_clone_name(hako_host_get_domains(host),
                                                   hako_domain_get_name(self->domain));
    gtk_entry_set_text(self->name_entry, suggestion);
    /* Translators: the title of the Clone dialog, with the guest's name */
    title = g_strdup_printf(_("Clone “%s”"), hako_domain_get_name(self->domain));
    gtk_window_set_title(GTK_WINDOW(self), title);
    self->ops = hako_guest_ops_new(self->manager);
    self->loading = TRUE;
    update_buttons(self);
    hako_guest_ops_list_disks_async(self->ops, self->domain, self->cancellable, list_disks_cb,
                                    g_object_ref(self));
}

static void
hako_clone_dialog_dispose(GObject *object)
{
    HakoCloneDialog *self = HAKO_CLONE_DIALOG(object);

    g_cancellable_cancel(self->cancellable);
    g_clear_object(&self->cancellable);
    g_clear_object(&self->ops);
    g_clear_object(&self->domain);
    g_clear_object(&self->manager);
    g_clear_pointer(&self->disks, g_ptr_array_unref);
    g_clear_pointer(&self->combos, g_ptr_array_unref);

    G_OBJECT_CLASS(hako_clone_dialog_parent_class)->dispose(object);
}

static void
hako_clone_dialog_set_property(GObject *object,
                               guint prop_id,
                               const GValue *value,
                               GParamSpec *pspec)
{
    HakoCloneDialog *self = HAKO_CLONE_DIALOG(object);

    switch (prop_id) {
    case PROP_MANAGER:
        self->manager = g_value_dup_object(value);
        break;
    case PROP_DOMAIN:
        self->domain = g_value_dup_object(value);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    }
}

static void
hako_clone_dialog_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
    HakoCloneDialog *self = HAKO_CLONE_DIALOG(object);

    switch (prop_id) {
    case PROP_MANAGER:
        g_value_set_object(value, self->manager);
        break;
    case PROP_DOMAIN:
        g_value_set_object(value, self->domain);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    }
}

static void
hako_clone_dialog_class_init(HakoCloneDialogClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);
    GtkDialogClass *dialog_class = GTK_DIALOG_CLASS(klass);

    object_class->constructed = hako_clone_dialog_constructed;
    object_class->dispose = hako_clone_dialog_dispose;
    object_class->set_property = hako_clone_dialog_set_property;
    object_class->get_property = hako_clone_dialog_get_property;
    dialog_class->response = hako_clone_dialog_response;

    properties[PROP_MANAGER] =
        g_param_spec_object("manager", NULL, NULL, HAKO_TYPE_CONNECTION_MANAGER,
                            G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
    properties[PROP_DOMAIN] =
        g_param_spec_object("domain", NULL, NULL, HAKO_TYPE_DOMAIN,
                            G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
    g_object_class_install_properties(object_class, N_PROPS, properties);

    /**
     * HakoCloneDialog::cloned:
     * @name: the clone's name
     *
     * The clone is defined; the dialog closes next.
     */
    signals[SIGNAL_CLONED] = g_signal_new("cloned", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0,
                                          NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

    gtk_widget_class_set_template_from_resource(widget_class,
                                                RESOURCE_PREFIX "/ui/hako-clone-dialog.ui");
    gtk_widget_class_bind_template_child(widget_class, HakoCloneDialog, error_bar);
    gtk_widget_class_bind_template_child(widget_class, HakoCloneDialog, error_label);
    gtk_widget_class_bind_template_child(widget_class, HakoCloneDialog, name_entry);
    gtk_widget_class_bind_template_child(widget_class, HakoCloneDialog, disks_grid);
    gtk_widget_class_bind_template_child(widget_class, HakoCloneDialog, progress_bar);
    gtk_widget_class_bind_template_child(widget_class, HakoCloneDialog, clone_button);
    gtk_widget_class_bind_template_callback(widget_class, update_buttons);
}

static void
hako_clone_dialog_init(HakoCloneDialog *self)
{
    self->cancellable = g_cancellable_new();
    self->combos = g_ptr_array_new();
    gtk_widget_init_template(GTK_WIDGET(self));
}

/**
 * hako_clone_dialog_new:
 * @parent: (nullable): the window it belongs to
 * @manager: the connections @domain's host comes from
 * @domain: the guest to clone (stopped: the engine refuses a running one, which the dialog
 *   shows)
 *
 * Returns: (transfer none): the dialog, not yet shown; it destroys itself when done.
 */
GtkWidget *
hako_clone_dialog_new(GtkWindow *parent, HakoConnectionManager *manager, HakoDomain *domain)
{
    g_return_val_if_fail(HAKO_IS_CONNECTION_MANAGER(manager), NULL);
    g_return_val_if_fail(HAKO_IS_DOMAIN(domain), NULL);

    return g_object_new(HAKO_TYPE_CLONE_DIALOG, "transient-for", parent, "use-header-bar", FALSE,
                        "manager", manager, "domain", domain, NULL);
}
