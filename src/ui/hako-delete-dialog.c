/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoDeleteDialog: delete a guest with the volumes the user chooses.
 *
 * The dialog lists the guest's disks (from the engine, on a worker), each volume with a check
 * box: ticked for its own writable volumes, not for read-only ones, and not for those another
 * guest uses, which say which guests and can only be deleted after "Delete anyway" is ticked
 * as well. Delete asks once more, then runs the engine's delete (the guest forced off first if
 * it runs) with a progress bar; an error stays in the dialog's bar, success emits "deleted"
 * and closes it. No nested main loop: everything happens in response handlers. */
#include "config.h"

#include "hako-delete-dialog.h"

#include "hako-guest-ops.h"

#include <glib/gi18n.h>

struct _HakoDeleteDialog {
    GtkDialog parent_instance;

    HakoConnectionManager *manager;
    HakoDomain *domain;
    HakoGuestOps *ops;
    GCancellable *cancellable;
    GPtrArray *disks;  /* HakoGuestDisk */
    GPtrArray *checks; /* GtkToggleButton per disk, NULL for one that cannot be deleted */
    GtkWidget *confirm;
    guint pulse_id;
    gboolean loading;
    gboolean deleting;

    /* Template children */
    GtkInfoBar *error_bar;
    GtkLabel *error_label;
    GtkLabel *intro_label;
    GtkGrid *disks_grid;
    GtkWidget *anyway_check;
    GtkProgressBar *progress_bar;
    GtkWidget *delete_button;
};

G_DEFINE_FINAL_TYPE(HakoDeleteDialog, hako_delete_dialog, GTK_TYPE_DIALOG)

enum { PROP_0, PROP_MANAGER, PROP_DOMAIN, N_PROPS };
enum { SIGNAL_DELETED, N_SIGNALS };

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
show_error(HakoDeleteDialog *self, const char *message)
{
    gtk_label_set_text(self->error_label, message);
    gtk_widget_show(GTK_WIDGET(self->error_bar));
}

/* Whether a ticked volume is one another guest uses. */
static gboolean
shared_chosen(HakoDeleteDialog *self)
{
    for (guint i = 0; self->disks != NULL && i < self->disks->len; i++) {
        const HakoGuestDisk *disk = self->disks->pdata[i];
        GtkToggleButton *check = self->checks->pdata[i];

        if (check != NULL && gtk_toggle_button_get_active(check) && disk->used_by[0] != NULL)
            return TRUE;
    }
    return FALSE;
}

static void
update_buttons(HakoDeleteDialog *self)
{
    gboolean shared = shared_chosen(self);
    gboolean anyway = gtk_toggle_button_get_active(GTK_TOGGLE_BUTTON(self->anyway_check));

    gtk_widget_set_visible(self->anyway_check, shared);
    gtk_widget_set_sensitive(self->delete_button, !self->loading && !self->deleting &&
                                                      self->disks != NULL && (!shared || anyway));
    gtk_widget_set_sensitive(GTK_WIDGET(self->disks_grid), !self->deleting);
    gtk_widget_set_sensitive(self->anyway_check, !self->deleting);
}

/**
 * hako_delete_dialog_is_busy:
 *
 * Returns: whether the dialog waits for the engine (listing the disks, or deleting)
 */
gboolean
hako_delete_dialog_is_busy(HakoDeleteDialog *self)
{
    g_return_val_if_fail(HAKO_IS_DELETE_DIALOG(self), FALSE);
    return self->loading || self->deleting;
}

static void
add_disk_row(HakoDeleteDialog *self, const HakoGuestDisk *disk, int row)
{
    g_autofree char *size = disk->capacity > 0 ? g_format_size(disk->capacity) : NULL;
    g_autofree char *text = NULL;
    GtkWidget *check;

    if (size != NULL)
        text = g_strdup_printf(_("%s: %s (%s)"), disk->target, disk->path, size);
    else
        text = g_strdup_printf(_("%s: %s"), disk->target, disk->path);
    check = gtk_check_button_new_with_label(text);
    gtk_widget_set_hexpand(check, TRUE);
    gtk_grid_attach(self->disks_grid, check, 0, row, 1, 1);
    if (disk->pool == NULL) {
        /* only libvirt's volumes can be deleted through libvirt */
        gtk_widget_set_sensitive(check, FALSE);
        gtk_widget_set_tooltip_text(check,
                                    _("Not a volume of a storage pool: it stays where it is."));
        g_ptr_array_add(self->checks, NULL);
    } else {
        gtk_toggle_button_set_active(GTK_TOGGLE_BUTTON(check),
                                     !disk->read_only && disk->used_by[0] == NULL &&
                                         g_strcmp0(disk->device, "cdrom") != 0);
        g_signal_connect_object(check, "toggled", G_CALLBACK(update_buttons), self,
                                G_CONNECT_SWAPPED);
        g_ptr_array_add(self->checks, check);
    }
    if (disk->used_by[0] != NULL) {
        g_autofree char *names = g_strjoinv(", ", disk->used_by);
        g_autofree char *users = NULL;
        GtkWidget *box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);
        GtkWidget *label;

        /* Translators: the other guests whose disks use a volume */
        users = g_strdup_printf(_("Also used by %s"), names);
        label = gtk_label_new(users);
        gtk_box_pack_start(GTK_BOX(box),
                           gtk_image_new_from_icon_name("dialog-warning", GTK_ICON_SIZE_MENU),
                           FALSE, FALSE, 0);
        gtk_box_pack_start(GTK_BOX(box), label, FALSE, FALSE, 0);
        gtk_grid_attach(self->disks_grid, box, 1, row, 1, 1);
    }
}

static void
list_disks_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HakoDeleteDialog) self = user_data;
    g_autoptr(GError) error = NULL;
    GPtrArray *disks = hako_guest_ops_list_disks_finish(HAKO_GUEST_OPS(source), result, &error);
    int row = 0;

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
    /* empty drives have nothing to delete */
    self->disks = g_ptr_array_new_with_free_func((GDestroyNotify)hako_guest_disk_free);
    for (guint i = 0; i < disks->len; i++) {
        HakoGuestDisk *disk = disks->pdata[i];

        if (disk->path == NULL)
            continue;
        g_ptr_array_add(self->disks, hako_guest_disk_copy(disk));
        add_disk_row(self, disk, row++);
    }
    g_ptr_array_unref(disks);
    if (row == 0) {
        GtkWidget *none = gtk_label_new(_("None"));

        gtk_label_set_xalign(GTK_LABEL(none), 0.0);
        gtk_grid_attach(self->disks_grid, none, 0, 0, 1, 1);
    }
    gtk_widget_show_all(GTK_WIDGET(self->disks_grid));
    update_buttons(self);
}

static gboolean
pulse_cb(gpointer data)
{
    gtk_progress_bar_pulse(GTK_PROGRESS_BAR(data));
    return G_SOURCE_CONTINUE;
}

static void
stop_pulse(HakoDeleteDialog *self)
{
    g_clear_handle_id(&self->pulse_id, g_source_remove);
    gtk_widget_hide(GTK_WIDGET(self->progress_bar));
}

static void
delete_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HakoDeleteDialog) self = user_data;
    g_autoptr(GError) error = NULL;
    gboolean ok = hako_guest_ops_delete_finish(HAKO_GUEST_OPS(source), result, &error);

    if (self->cancellable == NULL || g_cancellable_is_cancelled(self->cancellable))
        return;
    self->deleting = FALSE;
    stop_pulse(self);
    update_buttons(self);
    if (!ok) {
        show_error(self, error->message);
        return;
    }
    g_signal_emit(self, signals[SIGNAL_DELETED], 0);
    gtk_widget_destroy(GTK_WIDGET(self));
}

static GPtrArray *
chosen_paths(HakoDeleteDialog *self)
{
    GPtrArray *paths = g_ptr_array_new();

    for (guint i = 0; i < self->disks->len; i++) {
        const HakoGuestDisk *disk = self->disks->pdata[i];
        GtkToggleButton *check = self->checks->pdata[i];

        if (check != NULL && gtk_toggle_button_get_active(check))
            g_ptr_array_add(paths, disk->path);
    }
    g_ptr_array_add(paths, NULL);
    return paths;
}

static void
start_delete(HakoDeleteDialog *self)
{
    g_autoptr(GPtrArray) paths = chosen_paths(self);
    gboolean anyway = gtk_toggle_button_get_active(GTK_TOGGLE_BUTTON(self->anyway_check));

    gtk_widget_hide(GTK_WIDGET(self->error_bar));
    gtk_progress_bar_set_text(self->progress_bar, _("Deleting…"));
    gtk_widget_show(GTK_WIDGET(self->progress_bar));
    self->pulse_id = g_timeout_add(100, pulse_cb, self->progress_bar);
    self->deleting = TRUE;
    update_buttons(self);
    hako_guest_ops_delete_async(self->ops, self->domain, (const char *const *)paths->pdata,
                                anyway ? HAKO_GUEST_DELETE_FORCE : HAKO_GUEST_DELETE_NONE,
                                self->cancellable, delete_cb, g_object_ref(self));
}

static void
confirm_response_cb(GtkDialog *confirm, int response, gpointer user_data)
{
    HakoDeleteDialog *self = user_data;

    gtk_widget_destroy(GTK_WIDGET(confirm));
    self->confirm = NULL;
    if (response == GTK_RESPONSE_ACCEPT)
        start_delete(self);
}

static void
ask(HakoDeleteDialog *self)
{
    g_autoptr(GPtrArray) paths = chosen_paths(self);
    guint n = paths->len - 1;

    self->confirm = gtk_message_dialog_new(
        GTK_WINDOW(self), GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT, GTK_MESSAGE_WARNING,
        GTK_BUTTONS_NONE, _("Delete “%s”?"), hako_domain_get_name(self->domain));
    if (n == 0)
        gtk_message_dialog_format_secondary_text(
            GTK_MESSAGE_DIALOG(self->confirm), "%s",
            _("Its definition is deleted; its disks stay. This cannot be undone."));
    else
        gtk_message_dialog_format_secondary_text(
            GTK_MESSAGE_DIALOG(self->confirm),
            g_dngettext(GETTEXT_PACKAGE,
                        "Its definition and %u volume are deleted. This cannot be undone.",
                        "Its definition and %u volumes are deleted. This cannot be undone.", n),
            n);
    gtk_dialog_add_buttons(GTK_DIALOG(self->confirm), _("_Cancel"), GTK_RESPONSE_CANCEL,
                           _("_Delete"), GTK_RESPONSE_ACCEPT, NULL);
    g_signal_connect(self->confirm, "response", G_CALLBACK(confirm_response_cb), self);
    gtk_widget_show_all(self->confirm);
}

static void
hako_delete_dialog_response(GtkDialog *dialog, int response)
{
    HakoDeleteDialog *self = HAKO_DELETE_DIALOG(dialog);

    if (response == GTK_RESPONSE_OK) {
        if (!self->deleting && self->disks != NULL && self->confirm == NULL)
            ask(self);
        return;
    }
    gtk_widget_destroy(GTK_WIDGET(self));
}

static void
state_changed_cb(HakoDeleteDialog *self)
{
    g_autofree char *intro = NULL;

    if (hako_domain_is_active(self->domain))
        intro = g_strdup_printf(_("“%s” is running: it is forced off first, then its definition "
                                  "is deleted, with its UEFI variables and snapshots."),
                                hako_domain_get_name(self->domain));
    else
        intro = g_strdup_printf(
            _("The definition of “%s” is deleted, with its UEFI variables and snapshots."),
            hako_domain_get_name(self->domain));
    gtk_label_set_text(self->intro_label, intro);
}

static void
hako_delete_dialog_constructed(GObject *object)
{
    HakoDeleteDialog *self = HAKO_DELETE_DIALOG(object);
    g_autofree char *title = NULL;

    G_OBJECT_CLASS(hako_delete_dialog_parent_class)->constructed(object);

    if (self->manager == NULL || self->domain == NULL)
        return;
    /* Translators: the title of the Delete dialog, with the guest's name */
    title = g_strdup_printf(_("Delete “%s”"), hako_domain_get_name(self->domain));
    gtk_window_set_title(GTK_WINDOW(self), title);
    state_changed_cb(self);
    g_signal_connect_object(self->domain, "notify::state", G_CALLBACK(state_changed_cb), self,
                            G_CONNECT_SWAPPED);
    self->ops = hako_guest_ops_new(self->manager);
    self->loading = TRUE;
    update_buttons(self);
    hako_guest_ops_list_disks_async(self->ops, self->domain, self->cancellable, list_disks_cb,
                                    g_object_ref(self));
}

static void
hako_delete_dialog_dispose(GObject *object)
{
    HakoDeleteDialog *self = HAKO_DELETE_DIALOG(object);

    g_clear_handle_id(&self->pulse_id, g_source_remove);
    g_clear_pointer(&self->confirm, gtk_widget_destroy);
    g_cancellable_cancel(self->cancellable);
    g_clear_object(&self->cancellable);
    g_clear_object(&self->ops);
    g_clear_object(&self->domain);
    g_clear_object(&self->manager);
    g_clear_pointer(&self->disks, g_ptr_array_unref);
    g_clear_pointer(&self->checks, g_ptr_array_unref);

    G_OBJECT_CLASS(hako_delete_dialog_parent_class)->dispose(object);
}

static void
hako_delete_dialog_set_property(GObject *object,
                                guint prop_id,
                                const GValue *value,
                                GParamSpec *pspec)
{
    HakoDeleteDialog *self = HAKO_DELETE_DIALOG(object);

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
hako_delete_dialog_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
    HakoDeleteDialog *self = HAKO_DELETE_DIALOG(object);

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
hako_delete_dialog_class_init(HakoDeleteDialogClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);
    GtkDialogClass *dialog_class = GTK_DIALOG_CLASS(klass);

    object_class->constructed = hako_delete_dialog_constructed;
    object_class->dispose = hako_delete_dialog_dispose;
    object_class->set_property = hako_delete_dialog_set_property;
    object_class->get_property = hako_delete_dialog_get_property;
    dialog_class->response = hako_delete_dialog_response;

    properties[PROP_MANAGER] =
        g_param_spec_object("manager", NULL, NULL, HAKO_TYPE_CONNECTION_MANAGER,
                            G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
    properties[PROP_DOMAIN] =
        g_param_spec_object("domain", NULL, NULL, HAKO_TYPE_DOMAIN,
                            G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
    g_object_class_install_properties(object_class, N_PROPS, properties);

    /**
     * HakoDeleteDialog::deleted:
     *
     * The guest and the chosen volumes are deleted; the dialog closes next.
     */
    signals[SIGNAL_DELETED] = g_signal_new("deleted", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 0);

    gtk_widget_class_set_template_from_resource(widget_class,
                                                RESOURCE_PREFIX "/ui/hako-delete-dialog.ui");
    gtk_widget_class_bind_template_child(widget_class, HakoDeleteDialog, error_bar);
    gtk_widget_class_bind_template_child(widget_class, HakoDeleteDialog, error_label);
    gtk_widget_class_bind_template_child(widget_class, HakoDeleteDialog, intro_label);
    gtk_widget_class_bind_template_child(widget_class, HakoDeleteDialog, disks_grid);
    gtk_widget_class_bind_template_child(widget_class, HakoDeleteDialog, anyway_check);
    gtk_widget_class_bind_template_child(widget_class, HakoDeleteDialog, progress_bar);
    gtk_widget_class_bind_template_child(widget_class, HakoDeleteDialog, delete_button);
    gtk_widget_class_bind_template_callback(widget_class, update_buttons);
}

static void
hako_delete_dialog_init(HakoDeleteDialog *self)
{
    self->cancellable = g_cancellable_new();
    self->checks = g_ptr_array_new();
    gtk_widget_init_template(GTK_WIDGET(self));
}

/**
 * hako_delete_dialog_new:
 * @parent: (nullable): the window it belongs to
 * @manager: the connections @domain's host comes from
 * @domain: the guest to delete
 *
 * Returns: (transfer none): the dialog, not yet shown; it destroys itself when done.
 */
GtkWidget *
hako_delete_dialog_new(GtkWindow *parent, HakoConnectionManager *manager, HakoDomain *domain)
{
    g_return_val_if_fail(HAKO_IS_CONNECTION_MANAGER(manager), NULL);
    g_return_val_if_fail(HAKO_IS_DOMAIN(domain), NULL);

    return g_object_new(HAKO_TYPE_DELETE_DIALOG, "transient-for", parent, "use-header-bar", FALSE,
                        "manager", manager, "domain", domain, NULL);
}
