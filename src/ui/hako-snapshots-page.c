/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoSnapshotsPage: a guest's snapshots.
 *
 * The page asks the engine, on every refresh, whether the host can snapshot the guest as it
 * is now (that changes when it starts or stops) and lists the snapshots into a tree store. When
 * snapshots are impossible it shows why instead of its buttons. Its questions (the new
 * snapshot's name, "revert?", "delete?") are dialogs shown without a nested main loop that act
 * from their response handlers; errors go to the page's bar. */
#include "config.h"

#include "hako-snapshots-page.h"

#include "hako-engine-error.h"
#include "hako-snapshots.h"

#include <glib/gi18n.h>

enum {
    COL_NAME,
    COL_CREATED,
    COL_STATE,
    COL_DESCRIPTION,
    COL_WEIGHT, /* bold for the current snapshot */
    N_COLUMNS,
};

struct _HakoSnapshotsPage {
    GtkBox parent_instance;

    HakoConnectionManager *manager;
    HakoDomain *domain;
    HakoSnapshots *snapshots;
    GCancellable *cancellable;
    GtkTreeStore *store;
    guint busy; /* operations in flight */
    GtkWidget *dialog;
    GtkEntry *name_entry;
    GtkEntry *description_entry;
    GtkToggleButton *memory_check;
    GtkToggleButton *children_check;
    char *subject; /* the snapshot the open question is about */

    /* Template children */
    GtkInfoBar *error_bar;
    GtkLabel *error_label;
    GtkWidget *unsupported_box;
    GtkLabel *unsupported_label;
    GtkWidget *button_box;
    GtkWidget *create_button;
    GtkWidget *revert_button;
    GtkWidget *delete_button;
    GtkTreeView *view;
};

G_DEFINE_FINAL_TYPE(HakoSnapshotsPage, hako_snapshots_page, GTK_TYPE_BOX)

enum { PROP_0, PROP_MANAGER, PROP_DOMAIN, N_PROPS };

static GParamSpec *properties[N_PROPS];

static void
show_error(HakoSnapshotsPage *self, const GError *error)
{
    gtk_label_set_text(self->error_label, error->message);
    gtk_widget_show(GTK_WIDGET(self->error_bar));
}

static char *
selected_name(HakoSnapshotsPage *self, gboolean *has_children)
{
    GtkTreeSelection *selection = gtk_tree_view_get_selection(self->view);
    GtkTreeModel *model;
    GtkTreeIter iter;
    char *name = NULL;

    if (!gtk_tree_selection_get_selected(selection, &model, &iter))
        return NULL;
    gtk_tree_model_get(model, &iter, COL_NAME, &name, -1);
    if (has_children != NULL)
        *has_children = gtk_tree_model_iter_has_child(model, &iter);
    return name;
}

static void
update_buttons(HakoSnapshotsPage *self)
{
    g_autofree char *name = selected_name(self, NULL);

    gtk_widget_set_sensitive(self->create_button, self->busy == 0);
    gtk_widget_set_sensitive(self->revert_button, self->busy == 0 && name != NULL);
    gtk_widget_set_sensitive(self->delete_button, self->busy == 0 && name != NULL);
}

static void
busy_begin(HakoSnapshotsPage *self)
{
    self->busy++;
    update_buttons(self);
}

static void
busy_end(HakoSnapshotsPage *self)
{
    g_assert(self->busy > 0);
    self->busy--;
    update_buttons(self);
}

/* Finds the row of @name under @parent (or anywhere when @parent is NULL). */
static gboolean
find_row(GtkTreeModel *model, GtkTreeIter *parent, const char *name, GtkTreeIter *found)
{
    GtkTreeIter iter;

    if (!gtk_tree_model_iter_children(model, &iter, parent))
        return FALSE;
    do {
        g_autofree char *row = NULL;

        gtk_tree_model_get(model, &iter, COL_NAME, &row, -1);
        if (g_strcmp0(row, name) == 0) {
            *found = iter;
            return TRUE;
        }
        if (find_row(model, &iter, name, found))
            return TRUE;
    } while (gtk_tree_model_iter_next(model, &iter));
    return FALSE;
}

static void
fill(HakoSnapshotsPage *self, GPtrArray *list)
{
    g_autofree char *selected = selected_name(self, NULL);
    GtkTreeModel *model = GTK_TREE_MODEL(self->store);
    GtkTreeIter iter;

    gtk_tree_store_clear(self->store);
    /* parents come before their children */
    for (guint i = 0; i < list->len; i++) {
        const HakoSnapshot *snap = list->pdata[i];
        g_autoptr(GDateTime) time = g_date_time_new_from_unix_local(snap->creation_time);
        g_autofree char *created =
            time != NULL ? g_date_time_format(time, "%Y-%m-%d %H:%M:%S") : NULL;
        g_autofree char *state = NULL;
        GtkTreeIter parent;
        gboolean has_parent = snap->parent != NULL && find_row(model, NULL, snap->parent, &parent);

        if (snap->has_memory)
            /* Translators: a snapshot's state, which it was taken in with the guest's memory */
            state = g_strdup_printf(_("%s, with memory"), hako_domain_state_to_string(snap->state));
        else
            state = g_strdup(hako_domain_state_to_string(snap->state));
        gtk_tree_store_insert_with_values(
            self->store, &iter, has_parent ? &parent : NULL, -1, COL_NAME, snap->name, COL_CREATED,
            created, COL_STATE, state, COL_DESCRIPTION, snap->description, COL_WEIGHT,
            snap->current ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL, -1);
    }
    gtk_tree_view_expand_all(self->view);
    if (selected != NULL && find_row(model, NULL, selected, &iter))
        gtk_tree_selection_select_iter(gtk_tree_view_get_selection(self->view), &iter);
    update_buttons(self);
}

static void
list_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HakoSnapshotsPage) self = user_data;
    g_autoptr(GPtrArray) list = NULL;
    g_autoptr(GError) error = NULL;

    list = hako_snapshots_list_finish(HAKO_SNAPSHOTS(source), result, &error);
    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->cancellable == NULL)
        return;
    busy_end(self);
    if (list == NULL) {
        show_error(self, error);
        return;
    }
    fill(self, list);
}

static void
check_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HakoSnapshotsPage) self = user_data;
    g_autoptr(GError) error = NULL;
    gboolean ok = hako_snapshots_check_finish(HAKO_SNAPSHOTS(source), result, &error);

    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->cancellable == NULL)
        return;
    busy_end(self);
    if (!ok && !g_error_matches(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_NOT_SUPPORTED)) {
        show_error(self, error);
        return;
    }
    /* the explanation instead of the buttons */
    gtk_label_set_text(self->unsupported_label, ok ? "" : error->message);
    gtk_widget_set_visible(self->unsupported_box, !ok);
    gtk_widget_set_visible(self->button_box, ok);
}

/**
 * hako_snapshots_page_refresh:
 *
 * Asks again whether the guest can be snapshotted, and lists its snapshots again.
 */
void
hako_snapshots_page_refresh(HakoSnapshotsPage *self)
{
    g_return_if_fail(HAKO_IS_SNAPSHOTS_PAGE(self));

    if (self->snapshots == NULL)
        return;
    busy_begin(self);
    hako_snapshots_check_async(self->snapshots, self->domain, self->cancellable, check_cb,
                               g_object_ref(self));
    busy_begin(self);
    hako_snapshots_list_async(self->snapshots, self->domain, self->cancellable, list_cb,
                              g_object_ref(self));
}

/**
 * hako_snapshots_page_is_busy:
 *
 * Returns: whether an engine call the page made has not answered yet
 */
gboolean
hako_snapshots_page_is_busy(HakoSnapshotsPage *self)
{
    g_return_val_if_fail(HAKO_IS_SNAPSHOTS_PAGE(self), FALSE);
    return self->busy > 0;
}

/* The end of create, revert and delete: errors to the bar, then everything anew. */
static void
changed(HakoSnapshotsPage *self, gboolean ok, GError *error)
{
    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->cancellable == NULL)
        return;
    busy_end(self);
    if (!ok)
        show_error(self, error);
    else
        gtk_widget_hide(GTK_WIDGET(self->error_bar));
    hako_snapshots_page_refresh(self);
}

static void
create_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HakoSnapshotsPage) self = user_data;
    g_autoptr(GError) error = NULL;
    g_autoptr(HakoSnapshot) snap =
        hako_snapshots_create_finish(HAKO_SNAPSHOTS(source), result, &error);

    changed(self, snap != NULL, error);
}

static void
revert_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HakoSnapshotsPage) self = user_data;
    g_autoptr(GError) error = NULL;
    gboolean ok = hako_snapshots_revert_finish(HAKO_SNAPSHOTS(source), result, &error);

    changed(self, ok, error);
}

static void
delete_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HakoSnapshotsPage) self = user_data;
    g_autoptr(GError) error = NULL;
    gboolean ok = hako_snapshots_delete_finish(HAKO_SNAPSHOTS(source), result, &error);

    changed(self, ok, error);
}

static GtkWindow *
parent_window(HakoSnapshotsPage *self)
{
    GtkWidget *toplevel = gtk_widget_get_toplevel(GTK_WIDGET(self));

    return GTK_IS_WINDOW(toplevel) ? GTK_WINDOW(toplevel) : NULL;
}

static void
close_dialog(HakoSnapshotsPage *self)
{
    if (self->dialog != NULL)
        gtk_widget_destroy(self->dialog);
    self->dialog = NULL;
    self->name_entry = NULL;
    self->description_entry = NULL;
    self->memory_check = NULL;
    self->children_check = NULL;
    g_clear_pointer(&self->subject, g_free);
}

static void
create_response_cb(GtkDialog *dialog, int response, gpointer user_data)
{
    HakoSnapshotsPage *self = user_data;

    if (response == GTK_RESPONSE_OK) {
        const char *name = gtk_entry_get_text(self->name_entry);
        const char *description = gtk_entry_get_text(self->description_entry);

        busy_begin(self);
        hako_snapshots_create_async(self->snapshots, self->domain, name,
                                    *description != '\0' ? description : NULL,
                                    gtk_toggle_button_get_active(self->memory_check),
                                    self->cancellable, create_cb, g_object_ref(self));
    }
    close_dialog(self);
}

static GtkEntry *
add_field(GtkGrid *grid, int row, const char *caption, const char *text)
{
    GtkWidget *label = gtk_label_new_with_mnemonic(caption);
    GtkWidget *entry = gtk_entry_new();

    gtk_label_set_xalign(GTK_LABEL(label), 1.0);
    gtk_label_set_mnemonic_widget(GTK_LABEL(label), entry);
    gtk_entry_set_text(GTK_ENTRY(entry), text != NULL ? text : "");
    gtk_entry_set_activates_default(GTK_ENTRY(entry), TRUE);
    gtk_widget_set_hexpand(entry, TRUE);
    gtk_grid_attach(grid, label, 0, row, 1, 1);
    gtk_grid_attach(grid, entry, 1, row, 1, 1);
    return GTK_ENTRY(entry);
}

static void
name_changed_cb(GtkEntry *entry, gpointer user_data)
{
    HakoSnapshotsPage *self = user_data;
    const char *name = gtk_entry_get_text(entry);

    gtk_dialog_set_response_sensitive(GTK_DIALOG(self->dialog), GTK_RESPONSE_OK,
                                      *name != '\0' && strchr(name, '/') == NULL);
}

static void
create_clicked_cb(HakoSnapshotsPage *self)
{
    g_autofree char *suggestion = hako_snapshots_suggest_name();
    gboolean active = hako_domain_is_active(self->domain);
    GtkWidget *grid = gtk_grid_new();
    GtkWidget *memory;

    close_dialog(self);
    self->dialog =
        gtk_dialog_new_with_buttons(_("Create Snapshot"), parent_window(self),
                                    GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT, _("_Cancel"),
                                    GTK_RESPONSE_CANCEL, _("C_reate"), GTK_RESPONSE_OK, NULL);
    gtk_dialog_set_default_response(GTK_DIALOG(self->dialog), GTK_RESPONSE_OK);
    gtk_grid_set_row_spacing(GTK_GRID(grid), 6);
    gtk_grid_set_column_spacing(GTK_GRID(grid), 12);
    gtk_container_set_border_width(GTK_CONTAINER(grid), 12);
    self->name_entry = add_field(GTK_GRID(grid), 0, _("_Name:"), suggestion);
    self->description_entry = add_field(GTK_GRID(grid), 1, _("_Description:"), NULL);
    memory = gtk_check_button_new_with_mnemonic(_("Include the guest’s _memory"));
    gtk_widget_set_tooltip_text(memory, _("Reverting to the snapshot then resumes the running "
                                          "guest where it was"));
    gtk_toggle_button_set_active(GTK_TOGGLE_BUTTON(memory), active);
    gtk_widget_set_sensitive(memory, active);
    self->memory_check = GTK_TOGGLE_BUTTON(memory);
    gtk_grid_attach(GTK_GRID(grid), memory, 1, 2, 1, 1);
    gtk_container_add(GTK_CONTAINER(gtk_dialog_get_content_area(GTK_DIALOG(self->dialog))), grid);
    g_signal_connect(self->name_entry, "changed", G_CALLBACK(name_changed_cb), self);
    g_signal_connect(self->dialog, "response", G_CALLBACK(create_response_cb), self);
    gtk_widget_show_all(self->dialog);
}

static void
revert_response_cb(GtkDialog *dialog, int response, gpointer user_data)
{
    HakoSnapshotsPage *self = user_data;

    if (response == GTK_RESPONSE_ACCEPT) {
        busy_begin(self);
        hako_snapshots_revert_async(self->snapshots, self->domain, self->subject, self->cancellable,
                                    revert_cb, g_object_ref(self));
    }
    close_dialog(self);
}

static void
revert_clicked_cb(HakoSnapshotsPage *self)
{
    g_autofree char *name = selected_name(self, NULL);

    if (name == NULL)
        return;
    close_dialog(self);
    self->subject = g_steal_pointer(&name);
    self->dialog = gtk_message_dialog_new(
        parent_window(self), GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT, GTK_MESSAGE_WARNING,
        GTK_BUTTONS_NONE, _("Revert “%s” to the snapshot “%s”?"),
        hako_domain_get_name(self->domain), self->subject);
    gtk_message_dialog_format_secondary_text(
        GTK_MESSAGE_DIALOG(self->dialog),
        _("The guest’s current state is lost: the changes to its disks since the snapshot, and "
          "its memory if it is running."));
    gtk_dialog_add_buttons(GTK_DIALOG(self->dialog), _("_Cancel"), GTK_RESPONSE_CANCEL,
                           C_("snapshot", "_Revert"), GTK_RESPONSE_ACCEPT, NULL);
    g_signal_connect(self->dialog, "response", G_CALLBACK(revert_response_cb), self);
    gtk_widget_show_all(self->dialog);
}

static void
delete_response_cb(GtkDialog *dialog, int response, gpointer user_data)
{
    HakoSnapshotsPage *self = user_data;

    if (response == GTK_RESPONSE_ACCEPT) {
        gboolean children =
            self->children_check != NULL && gtk_toggle_button_get_active(self->children_check);

        busy_begin(self);
        hako_snapshots_delete_async(self->snapshots, self->domain, self->subject, children,
                                    self->cancellable, delete_cb, g_object_ref(self));
    }
    close_dialog(self);
}

static void
delete_clicked_cb(HakoSnapshotsPage *self)
{
    gboolean has_children = FALSE;
    g_autofree char *name = selected_name(self, &has_children);

    if (name == NULL)
        return;
    close_dialog(self);
    self->subject = g_steal_pointer(&name);
    self->dialog = gtk_message_dialog_new(
        parent_window(self), GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
        GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE, _("Delete the snapshot “%s”?"), self->subject);
    gtk_message_dialog_format_secondary_text(
        GTK_MESSAGE_DIALOG(self->dialog),
        _("The guest can no longer be put back as it was in it."));
    if (has_children) {
        GtkWidget *check =
            gtk_check_button_new_with_mnemonic(_("Delete the snapshots taken after it _too"));
        GtkWidget *area = gtk_message_dialog_get_message_area(GTK_MESSAGE_DIALOG(self->dialog));

        gtk_container_add(GTK_CONTAINER(area), check);
        self->children_check = GTK_TOGGLE_BUTTON(check);
    }
    gtk_dialog_add_buttons(GTK_DIALOG(self->dialog), _("_Cancel"), GTK_RESPONSE_CANCEL,
                           _("_Delete"), GTK_RESPONSE_ACCEPT, NULL);
    g_signal_connect(self->dialog, "response", G_CALLBACK(delete_response_cb), self);
    gtk_widget_show_all(self->dialog);
}

static void
state_changed_cb(HakoSnapshotsPage *self)
{
    hako_snapshots_page_refresh(self);
}

static void
hako_snapshots_page_constructed(GObject *object)
{
    HakoSnapshotsPage *self = HAKO_SNAPSHOTS_PAGE(object);

    G_OBJECT_CLASS(hako_snapshots_page_parent_class)->constructed(object);

    if (self->manager == NULL || self->domain == NULL)
        return;
    self->snapshots = hako_snapshots_new(self->manager);
    g_signal_connect_object(self->domain, "notify::state", G_CALLBACK(state_changed_cb), self,
                            G_CONNECT_SWAPPED);
    hako_snapshots_page_refresh(self);
}

static void
hako_snapshots_page_dispose(GObject *object)
{
    HakoSnapshotsPage *self = HAKO_SNAPSHOTS_PAGE(object);

    close_dialog(self);
    g_cancellable_cancel(self->cancellable);
    g_clear_object(&self->cancellable);
    g_clear_object(&self->snapshots);
    g_clear_object(&self->domain);
    g_clear_object(&self->manager);
    g_clear_object(&self->store);

    G_OBJECT_CLASS(hako_snapshots_page_parent_class)->dispose(object);
}

static void
hako_snapshots_page_set_property(GObject *object,
                                 guint prop_id,
                                 const GValue *value,
                                 GParamSpec *pspec)
{
    HakoSnapshotsPage *self = HAKO_SNAPSHOTS_PAGE(object);

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
hako_snapshots_page_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
    HakoSnapshotsPage *self = HAKO_SNAPSHOTS_PAGE(object);

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
hako_snapshots_page_class_init(HakoSnapshotsPageClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);

    object_class->constructed = hako_snapshots_page_constructed;
    object_class->dispose = hako_snapshots_page_dispose;
    object_class->set_property = hako_snapshots_page_set_property;
    object_class->get_property = hako_snapshots_page_get_property;

    properties[PROP_MANAGER] =
        g_param_spec_object("manager", NULL, NULL, HAKO_TYPE_CONNECTION_MANAGER,
                            G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
    properties[PROP_DOMAIN] =
        g_param_spec_object("domain", NULL, NULL, HAKO_TYPE_DOMAIN,
                            G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
    g_object_class_install_properties(object_class, N_PROPS, properties);

    gtk_widget_class_set_template_from_resource(widget_class,
                                                RESOURCE_PREFIX "/ui/hako-snapshots-page.ui");
    gtk_widget_class_bind_template_child(widget_class, HakoSnapshotsPage, error_bar);
    gtk_widget_class_bind_template_child(widget_class, HakoSnapshotsPage, error_label);
    gtk_widget_class_bind_template_child(widget_class, HakoSnapshotsPage, unsupported_box);
    gtk_widget_class_bind_template_child(widget_class, HakoSnapshotsPage, unsupported_label);
    gtk_widget_class_bind_template_child(widget_class, HakoSnapshotsPage, button_box);
    gtk_widget_class_bind_template_child(widget_class, HakoSnapshotsPage, create_button);
    gtk_widget_class_bind_template_child(widget_class, HakoSnapshotsPage, revert_button);
    gtk_widget_class_bind_template_child(widget_class, HakoSnapshotsPage, delete_button);
    gtk_widget_class_bind_template_child(widget_class, HakoSnapshotsPage, view);
    gtk_widget_class_bind_template_callback(widget_class, create_clicked_cb);
    gtk_widget_class_bind_template_callback(widget_class, revert_clicked_cb);
    gtk_widget_class_bind_template_callback(widget_class, delete_clicked_cb);
    gtk_widget_class_bind_template_callback(widget_class, gtk_widget_hide);
}

static void
add_column(HakoSnapshotsPage *self, const char *title, int column, gboolean expand)
{
    GtkCellRenderer *renderer = gtk_cell_renderer_text_new();
    GtkTreeViewColumn *col = gtk_tree_view_column_new_with_attributes(
        title, renderer, "text", column, "weight", COL_WEIGHT, NULL);

    if (expand)
        g_object_set(renderer, "ellipsize", PANGO_ELLIPSIZE_END, NULL);
    gtk_tree_view_column_set_expand(col, expand);
    gtk_tree_view_column_set_resizable(col, TRUE);
    gtk_tree_view_append_column(self->view, col);
}

static void
hako_snapshots_page_init(HakoSnapshotsPage *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));

    self->cancellable = g_cancellable_new();
    self->store = gtk_tree_store_new(N_COLUMNS, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING,
                                     G_TYPE_STRING, G_TYPE_INT);
    gtk_tree_view_set_model(self->view, GTK_TREE_MODEL(self->store));
    add_column(self, _("Name"), COL_NAME, FALSE);
    add_column(self, _("Taken"), COL_CREATED, FALSE);
    add_column(self, _("State"), COL_STATE, FALSE);
    add_column(self, _("Description"), COL_DESCRIPTION, TRUE);
    g_signal_connect_object(gtk_tree_view_get_selection(self->view), "changed",
                            G_CALLBACK(update_buttons), self, G_CONNECT_SWAPPED);
}

/**
 * hako_snapshots_page_new:
 * @manager: the connections @domain's host comes from
 * @domain: the guest whose snapshots the page shows
 *
 * Returns: (transfer floating): the page, which lists the snapshots at once
 */
GtkWidget *
hako_snapshots_page_new(HakoConnectionManager *manager, HakoDomain *domain)
{
    g_return_val_if_fail(HAKO_IS_CONNECTION_MANAGER(manager), NULL);
    g_return_val_if_fail(HAKO_IS_DOMAIN(domain), NULL);

    return g_object_new(HAKO_TYPE_SNAPSHOTS_PAGE, "manager", manager, "domain", domain, NULL);
}
