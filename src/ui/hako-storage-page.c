/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "hako-storage-page.h"

#include "hako-stats.h"
#include "hako-storage.h"
#include "hako-widgets.h"

#include <glib/gi18n.h>
#include <string.h>

/*
 * The Storage page of a connection's window: its pools on the left (type, state, and a bar of
 * how full each is), the chosen pool's volumes on the right (size, allocation, format, and the
 * guests that use each). Every libvirt call goes through HakoStorage, on threads of its own;
 * the page only shows what comes back and says what failed in an info bar. Deleting asks
 * first, and a volume a guest uses is deleted only if the user insists. Built in code: its
 * two lists and toolbars are the same few widgets repeated.
 */

enum {
    POOL_COL_POOL, /* HakoStoragePool */
    POOL_COL_NAME,
    POOL_COL_TYPE,
    POOL_COL_STATE,
    POOL_COL_USAGE, /* percent */
    POOL_COL_USAGE_TEXT,
    POOL_N_COLS,
};

enum {
    VOL_COL_VOLUME, /* HakoStorageVolume */
    VOL_COL_NAME,
    VOL_COL_SIZE,
    VOL_COL_ALLOCATION,
    VOL_COL_FORMAT,
    VOL_COL_USED_BY,
    VOL_N_COLS,
};

struct _HakoStoragePage {
    GtkBox parent_instance;

    HakoConnectionManager *manager;
    HakoHost *host;
    HakoStorage *storage;
    GCancellable *cancellable;
    char *selected_pool; /* to choose again after a refresh */
    char *selected_volume;

    GtkInfoBar *error_bar;
    GtkLabel *error_label;
    GtkListStore *pools;
    GtkTreeView *pool_view;
    GtkListStore *volumes;
    GtkTreeView *volume_view;
    GtkLabel *pool_summary;
    GtkWidget *start_button;
    GtkWidget *stop_button;
    GtkWidget *refresh_button;
    GtkWidget *delete_pool_button;
    GtkToggleButton *autostart_check;
    GtkWidget *new_volume_button;
    GtkWidget *delete_volume_button;
    GtkWidget *resize_button;
    GtkWidget *clone_button;
    GtkWidget *wipe_button;
    GtkWidget *upload_button;
    GtkWidget *download_button;
    GtkWidget *add_pool_button;
    char *chosen_path; /* the chosen volume's */
};

G_DEFINE_FINAL_TYPE(HakoStoragePage, hako_storage_page, GTK_TYPE_BOX)

enum { PROP_0, PROP_MANAGER, PROP_HOST, PROP_CHOSEN_PATH, N_PROPS };

static GParamSpec *properties[N_PROPS];

enum { VOLUME_ACTIVATED, N_SIGNALS };

static guint signals[N_SIGNALS];

/* Set once at start-up by the wizards layer, which the ui layer cannot include. */
static HakoCreatePoolFunc create_pool_func;
static HakoCreateVolumeFunc create_volume_func;

static void list_volumes(HakoStoragePage *self);

/* ---------------------------------------------------------------------------------------- */
/* Errors and the selection                                                                  */

static void
show_error(HakoStoragePage *self, const GError *error)
{
    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
    gtk_label_set_text(self->error_label, error->message);
    gtk_widget_show(GTK_WIDGET(self->error_bar));
}

/* The chosen pool (a copy) or NULL. */
static HakoStoragePool *
dup_selected_pool(HakoStoragePage *self)
{
    GtkTreeModel *model;
    GtkTreeIter iter;
    HakoStoragePool *pool = NULL;

    if (!gtk_tree_selection_get_selected(gtk_tree_view_get_selection(self->pool_view), &model,
                                         &iter))
        return NULL;
    gtk_tree_model_get(model, &iter, POOL_COL_POOL, &pool, -1);
    return pool;
}

static HakoStorageVolume *
dup_selected_volume(HakoStoragePage *self)
{
    GtkTreeModel *model;
    GtkTreeIter iter;
    HakoStorageVolume *volume = NULL;

    if (!gtk_tree_selection_get_selected(gtk_tree_view_get_selection(self->volume_view), &model,
                                         &iter))
        return NULL;
    gtk_tree_model_get(model, &iter, VOL_COL_VOLUME, &volume, -1);
    return volume;
}

static void
update_buttons(HakoStoragePage *self)
{
    g_autoptr(HakoStoragePool) pool = dup_selected_pool(self);
    g_autoptr(HakoStorageVolume) volume = dup_selected_volume(self);
    gboolean writable = !hako_host_get_read_only(self->host) && hako_host_is_connected(self->host);
    gboolean active = pool != NULL && hako_storage_pool_is_active(pool);

    gtk_widget_set_sensitive(self->start_button, writable && pool != NULL && !active);
    gtk_widget_set_sensitive(self->stop_button, writable && active);
    gtk_widget_set_sensitive(self->refresh_button, pool != NULL && active);
    gtk_widget_set_sensitive(self->delete_pool_button, writable && pool != NULL && !active);
    gtk_widget_set_sensitive(GTK_WIDGET(self->autostart_check),
                             writable && pool != NULL && pool->persistent);
    gtk_widget_set_sensitive(self->new_volume_button,
                             writable && active && create_volume_func != NULL);
    gtk_widget_set_sensitive(self->delete_volume_button, writable && active && volume != NULL);
    gtk_widget_set_sensitive(self->resize_button, writable && active && volume != NULL);
    gtk_widget_set_sensitive(self->clone_button, writable && active && volume != NULL);
    gtk_widget_set_sensitive(self->wipe_button, writable && active && volume != NULL);
    gtk_widget_set_sensitive(self->upload_button, writable && active && volume != NULL);
    gtk_widget_set_sensitive(self->download_button, writable && active && volume != NULL);
    gtk_widget_set_sensitive(self->add_pool_button, writable && create_pool_func != NULL);
}

static void
set_chosen_path(HakoStoragePage *self, const char *path)
{
    if (g_strcmp0(self->chosen_path, path) == 0)
        return;
    g_free(self->chosen_path);
    self->chosen_path = g_strdup(path);
    g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_CHOSEN_PATH]);
}

static void
update_pool_summary(HakoStoragePage *self)
{
    g_autoptr(HakoStoragePool) pool = dup_selected_pool(self);
    g_autoptr(GString) text = g_string_new(NULL);

    if (pool == NULL) {
        gtk_label_set_text(self->pool_summary, _("No pool chosen."));
        return;
    }
    if (pool->target_path != NULL)
        /* Translators: where a storage pool keeps its volumes */
        g_string_append_printf(text, _("Location: %s"), pool->target_path);
    if (pool->source != NULL) {
        if (text->len > 0)
            g_string_append(text, "\n");
        /* Translators: where a storage pool's storage comes from (a device, host:path…) */
        g_string_append_printf(text, _("Source: %s"), pool->source);
    }
    if (hako_storage_pool_is_active(pool)) {
        g_autofree char *capacity = hako_stats_format_bytes((double)pool->capacity);
        g_autofree char *available = hako_stats_format_bytes((double)pool->available);

        if (text->len > 0)
            g_string_append(text, "\n");
        /* Translators: "12.0 GiB free of 50.0 GiB" */
        g_string_append_printf(text, _("%s free of %s"), available, capacity);
    }
    gtk_label_set_text(self->pool_summary, text->str);
    g_signal_handlers_block_matched(self->autostart_check, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL,
                                    self);
    gtk_toggle_button_set_active(self->autostart_check, pool->autostart);
    g_signal_handlers_unblock_matched(self->autostart_check, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL,
                                      self);
}

/* ---------------------------------------------------------------------------------------- */
/* Pools                                                                                     */

static void
select_by_name(GtkTreeView *view, int column, const char *name)
{
    GtkTreeModel *model = gtk_tree_view_get_model(view);
    GtkTreeIter iter;
    gboolean valid = gtk_tree_model_get_iter_first(model, &iter);
    gboolean first = TRUE;

    for (; valid; valid = gtk_tree_model_iter_next(model, &iter), first = FALSE) {
        g_autofree char *row_name = NULL;

        gtk_tree_model_get(model, &iter, column, &row_name, -1);
        if (name == NULL ? first : g_strcmp0(row_name, name) == 0) {
            gtk_tree_selection_select_iter(gtk_tree_view_get_selection(view), &iter);
            return;
        }
    }
}

static void
list_pools_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HakoStoragePage) self = user_data;
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) pools =
        hako_storage_list_pools_finish(HAKO_STORAGE(source), result, &error);
    g_autofree char *wanted = g_strdup(self->selected_pool);

    if (pools == NULL) {
        show_error(self, error);
        return;
    }
    gtk_list_store_clear(self->pools);
    for (guint i = 0; i < pools->len; i++) {
        HakoStoragePool *pool = g_ptr_array_index(pools, i);
        gboolean active = hako_storage_pool_is_active(pool);
        g_autofree char *usage = NULL;

        if (active) {
            g_autofree char *allocation = hako_stats_format_bytes((double)pool->allocation);
            g_autofree char *capacity = hako_stats_format_bytes((double)pool->capacity);

            /* Translators: a pool's usage bar: "3.2 GiB of 50.0 GiB" */
            usage = g_strdup_printf(_("%s of %s"), allocation, capacity);
        }
        gtk_list_store_insert_with_values(
            self->pools, NULL, -1, POOL_COL_POOL, pool, POOL_COL_NAME, pool->name, POOL_COL_TYPE,
            pool->type == HAKO_POOL_TYPE_OTHER ? pool->type_name
                                               : hako_pool_type_get_label(pool->type),
            POOL_COL_STATE, hako_pool_state_get_label(pool->state), POOL_COL_USAGE,
            (int)(hako_storage_pool_get_usage(pool) * 100.0 + 0.5), POOL_COL_USAGE_TEXT,
            usage != NULL ? usage : "", -1);
    }
    select_by_name(self->pool_view, POOL_COL_NAME, wanted);
}

/**
 * hako_storage_page_refresh:
 *
 * Lists the host's pools again (and the chosen pool's volumes).
 */
void
hako_storage_page_refresh(HakoStoragePage *self)
{
    g_return_if_fail(HAKO_IS_STORAGE_PAGE(self));

    if (!hako_host_is_connected(self->host)) {
        gtk_list_store_clear(self->pools);
        gtk_list_store_clear(self->volumes);
        update_buttons(self);
        return;
    }
    hako_storage_list_pools_async(self->storage, self->host, self->cancellable, list_pools_cb,
                                  g_object_ref(self));
}

static void
pool_selection_changed_cb(HakoStoragePage *self, GtkTreeSelection *selection)
{
    g_autoptr(HakoStoragePool) pool = dup_selected_pool(self);

    if (pool != NULL) {
        g_free(self->selected_pool);
        self->selected_pool = g_strdup(pool->name);
    }
    update_pool_summary(self);
    update_buttons(self);
    list_volumes(self);
}

static void
pool_action_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HakoStoragePage) self = user_data;
    g_autoptr(GError) error = NULL;

    if (!hako_storage_pool_action_finish(HAKO_STORAGE(source), result, &error))
        show_error(self, error);
    hako_storage_page_refresh(self);
}

static void
run_pool_action(HakoStoragePage *self, HakoPoolAction action)
{
    g_autoptr(HakoStoragePool) pool = dup_selected_pool(self);

    if (pool == NULL)
        return;
    gtk_widget_hide(GTK_WIDGET(self->error_bar));
    hako_storage_pool_action_async(self->storage, self->host, pool->name, action, self->cancellable,
                                   pool_action_cb, g_object_ref(self));
}

static void
start_clicked_cb(HakoStoragePage *self)
{
    run_pool_action(self, HAKO_POOL_ACTION_START);
}

static void
stop_clicked_cb(HakoStoragePage *self)
{
    run_pool_action(self, HAKO_POOL_ACTION_STOP);
}

static void
refresh_clicked_cb(HakoStoragePage *self)
{
    run_pool_action(self, HAKO_POOL_ACTION_REFRESH);
}

/* A question before something is deleted, answered later (the main loop goes on meanwhile);
 * Cancel is the default. */
typedef void (*ConfirmedFunc)(HakoStoragePage *self, gpointer data);

typedef struct {
    HakoStoragePage *page; /* ref */
    ConfirmedFunc func;
    gpointer data;
    GDestroyNotify data_free;
} Confirm;

static void
confirm_response_cb(GtkDialog *dialog, int response, Confirm *c)
{
    if (response == GTK_RESPONSE_ACCEPT)
        c->func(c->page, c->data);
    gtk_widget_destroy(GTK_WIDGET(dialog));
    if (c->data_free != NULL)
        c->data_free(c->data);
    g_object_unref(c->page);
    g_free(c);
}

static void
confirm_then(HakoStoragePage *self,
             const char *question,
             const char *detail,
             const char *action,
             ConfirmedFunc func,
             gpointer data,
             GDestroyNotify data_free)
{
    GtkWidget *dialog =
        gtk_message_dialog_new(GTK_WINDOW(gtk_widget_get_toplevel(GTK_WIDGET(self))),
                               GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                               GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE, "%s", question);
    Confirm *c = g_new0(Confirm, 1);

    c->page = g_object_ref(self);
    c->func = func;
    c->data = data;
    c->data_free = data_free;
    gtk_message_dialog_format_secondary_text(GTK_MESSAGE_DIALOG(dialog), "%s", detail);
    gtk_dialog_add_buttons(GTK_DIALOG(dialog), _("_Cancel"), GTK_RESPONSE_CANCEL, action,
                           GTK_RESPONSE_ACCEPT, NULL);
    gtk_dialog_set_default_response(GTK_DIALOG(dialog), GTK_RESPONSE_CANCEL);
    g_signal_connect(dialog, "response", G_CALLBACK(confirm_response_cb), c);
    gtk_widget_show(dialog);
}

static void
delete_pool_confirmed(HakoStoragePage *self, gpointer data)
{
    run_pool_action(self, HAKO_POOL_ACTION_DELETE);
}

static void
delete_pool_clicked_cb(HakoStoragePage *self)
{
    g_autoptr(HakoStoragePool) pool = dup_selected_pool(self);
    g_autofree char *question = NULL;

    if (pool == NULL)
        return;
    question = g_strdup_printf(_("Delete the pool “%s”?"), pool->name);
    confirm_then(self, question,
                 _("Hako forgets the pool. The directory or device it used, and the files in it, "
                   "stay where they are."),
                 _("_Delete"), delete_pool_confirmed, NULL, NULL);
}

static void
autostart_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HakoStoragePage) self = user_data;
    g_autoptr(GError) error = NULL;

    if (!hako_storage_set_pool_autostart_finish(HAKO_STORAGE(source), result, &error))
        show_error(self, error);
    hako_storage_page_refresh(self);
}

static void
autostart_toggled_cb(HakoStoragePage *self, GtkToggleButton *check)
{
    g_autoptr(HakoStoragePool) pool = dup_selected_pool(self);

    if (pool == NULL || pool->autostart == gtk_toggle_button_get_active(check))
        return;
    hako_storage_set_pool_autostart_async(self->storage, self->host, pool->name,
                                          gtk_toggle_button_get_active(check), self->cancellable,
                                          autostart_cb, g_object_ref(self));
}

/* ---------------------------------------------------------------------------------------- */
/* Volumes                                                                                   */

static void
list_volumes_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HakoStoragePage) self = user_data;
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) volumes =
        hako_storage_list_volumes_finish(HAKO_STORAGE(source), result, &error);
    g_autofree char *wanted = g_strdup(self->selected_volume);

    if (volumes == NULL) {
        show_error(self, error);
        return;
    }
    gtk_list_store_clear(self->volumes);
    for (guint i = 0; i < volumes->len; i++) {
        HakoStorageVolume *volume = g_ptr_array_index(volumes, i);
        g_autofree char *size = hako_stats_format_bytes((double)volume->capacity);
        g_autofree char *allocation = hako_stats_format_bytes((double)volume->allocation);
        g_autofree char *used_by = g_strjoinv(", ", volume->used_by);

        gtk_list_store_insert_with_values(
            self->volumes, NULL, -1, VOL_COL_VOLUME, volume, VOL_COL_NAME, volume->name,
            VOL_COL_SIZE, size, VOL_COL_ALLOCATION, allocation, VOL_COL_FORMAT,
            volume->format != NULL ? volume->format : "", VOL_COL_USED_BY, used_by, -1);
    }
    if (wanted != NULL)
        select_by_name(self->volume_view, VOL_COL_NAME, wanted);
    update_buttons(self);
}

static void
list_volumes(HakoStoragePage *self)
{
    g_autoptr(HakoStoragePool) pool = dup_selected_pool(self);

    gtk_list_store_clear(self->volumes);
    if (pool == NULL || !hako_storage_pool_is_active(pool))
        return;
    hako_storage_list_volumes_async(self->storage, self->host, pool->name, self->cancellable,
                                    list_volumes_cb, g_object_ref(self));
}

static void
volume_selection_changed_cb(HakoStoragePage *self, GtkTreeSelection *selection)
{
    g_autoptr(HakoStorageVolume) volume = dup_selected_volume(self);

    if (volume != NULL) {
        g_free(self->selected_volume);
        self->selected_volume = g_strdup(volume->name);
    }
    set_chosen_path(self, volume != NULL ? volume->path : NULL);
    update_buttons(self);
}

static void
volume_activated_cb(HakoStoragePage *self, GtkTreePath *path, GtkTreeViewColumn *column)
{
    g_autoptr(HakoStorageVolume) volume = dup_selected_volume(self);

    if (volume != NULL && volume->path != NULL)
        g_signal_emit(self, signals[VOLUME_ACTIVATED], 0, volume->path);
}

static void
add_pool_clicked_cb(HakoStoragePage *self)
{
    GtkWidget *wizard;

    if (create_pool_func == NULL)
        return;
    wizard = create_pool_func(GTK_WINDOW(gtk_widget_get_toplevel(GTK_WIDGET(self))), self->manager,
                              self->host);
    /* The new pool, if any, is listed once the wizard closes. */
    g_signal_connect_object(wizard, "destroy", G_CALLBACK(hako_storage_page_refresh), self,
                            G_CONNECT_SWAPPED);
    gtk_widget_show(wizard);
}

static void
delete_volume_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HakoStoragePage) self = user_data;
    g_autoptr(GError) error = NULL;

    if (!hako_storage_delete_volume_finish(HAKO_STORAGE(source), result, &error))
        show_error(self, error);
    g_clear_pointer(&self->selected_volume, g_free);
    hako_storage_page_refresh(self);
}

typedef struct {
    char *pool;
    char *volume;
    HakoStorageFlags flags;
} DeleteVolume;

static void
delete_volume_free(gpointer data)
{
    DeleteVolume *d = data;

    g_free(d->pool);
    g_free(d->volume);
    g_free(d);
}

static void
delete_volume_confirmed(HakoStoragePage *self, gpointer data)
{
    DeleteVolume *d = data;

    hako_storage_delete_volume_async(self->storage, self->host, d->pool, d->volume, d->flags,
                                     self->cancellable, delete_volume_cb, g_object_ref(self));
}

static void
delete_volume_clicked_cb(HakoStoragePage *self)
{
    g_autoptr(HakoStoragePool) pool = dup_selected_pool(self);
    g_autoptr(HakoStorageVolume) volume = dup_selected_volume(self);
    g_autofree char *question = NULL;
    g_autofree char *detail = NULL;
    DeleteVolume *d;

    if (pool == NULL || volume == NULL)
        return;
    d = g_new0(DeleteVolume, 1);
    d->pool = g_strdup(pool->name);
    d->volume = g_strdup(volume->name);
    question = g_strdup_printf(_("Delete the volume “%s”?"), volume->name);
    if (hako_storage_volume_is_in_use(volume)) {
        g_autofree char *guests = g_strjoinv(", ", volume->used_by);

        detail = g_strdup_printf(_("%s use it: they lose that disk, and its data is gone for "
                                   "good. Delete it only if you are sure."),
                                 guests);
        d->flags = HAKO_STORAGE_FLAGS_FORCE;
        confirm_then(self, question, detail, _("_Delete Anyway"), delete_volume_confirmed, d,
                     delete_volume_free);
    } else {
        detail = g_strdup_printf(_("Its data (%s) is gone for good."), volume->path);
        confirm_then(self, question, detail, _("_Delete"), delete_volume_confirmed, d,
                     delete_volume_free);
    }
}

static GtkEntry *
add_field(GtkGrid *grid, int row, const char *caption, const char *text, const char *hint)
{
    GtkWidget *label = gtk_label_new_with_mnemonic(caption);
    GtkWidget *entry = gtk_entry_new();

    gtk_label_set_xalign(GTK_LABEL(label), 1.0);
    gtk_label_set_mnemonic_widget(GTK_LABEL(label), entry);
    atk_object_set_name(gtk_widget_get_accessible(entry), gtk_label_get_text(GTK_LABEL(label)));
    gtk_entry_set_text(GTK_ENTRY(entry), text);
    gtk_entry_set_activates_default(GTK_ENTRY(entry), TRUE);
    gtk_widget_set_hexpand(entry, TRUE);
    if (hint != NULL)
        gtk_entry_set_placeholder_text(GTK_ENTRY(entry), hint);
    gtk_grid_attach(grid, label, 0, row, 1, 1);
    gtk_grid_attach(grid, entry, 1, row, 1, 1);
    return GTK_ENTRY(entry);
}

static void
volume_created_cb(HakoStoragePage *self, const char *name)
{
    g_free(self->selected_volume);
    self->selected_volume = g_strdup(name);
    hako_storage_page_refresh(self);
}

static void
new_volume_clicked_cb(HakoStoragePage *self)
{
    g_autoptr(HakoStoragePool) pool = dup_selected_pool(self);
    GtkWidget *wizard;

    if (pool == NULL || create_volume_func == NULL)
        return;
    wizard = create_volume_func(GTK_WINDOW(gtk_widget_get_toplevel(GTK_WIDGET(self))),
                                self->manager, self->host, pool->name, pool->available);
    g_signal_connect_object(wizard, "volume-created", G_CALLBACK(volume_created_cb), self,
                            G_CONNECT_SWAPPED);
    gtk_widget_show(wizard);
}

/* ---------------------------------------------------------------------------------------- */
/* Resize and Clone: one field, checked as it is typed, then one engine call                 */

typedef struct _Ask Ask;
typedef gboolean (*AskCheckFunc)(Ask *ask, const char *text, GError **error);
typedef void (*AskStartFunc)(Ask *ask, const char *text);

struct _Ask {
    HakoStoragePage *page; /* ref */
    GtkDialog *dialog;     /* NULL once destroyed */
    GtkEntry *entry;
    GtkToggleButton *shrink; /* Resize only */
    GtkLabel *message;
    GtkSpinner *spinner;
    char *pool;
    char *volume;
    guint64 capacity; /* the volume's, for Resize */
    gboolean busy;
    AskCheckFunc check;
    AskStartFunc start;
};

static void
ask_clear(Ask *ask)
{
    g_object_unref(ask->page);
    g_free(ask->pool);
    g_free(ask->volume);
}

static Ask *
ask_ref(Ask *ask)
{
    return g_rc_box_acquire(ask);
}

static void
ask_unref(Ask *ask)
{
    g_rc_box_release_full(ask, (GDestroyNotify)ask_clear);
}

static gboolean
ask_check(Ask *ask)
{
    g_autoptr(GError) error = NULL;
    gboolean valid = ask->check(ask, gtk_entry_get_text(ask->entry), &error);

    gtk_label_set_text(ask->message, valid ? "" : error->message);
    gtk_dialog_set_response_sensitive(ask->dialog, GTK_RESPONSE_OK, valid);
    return valid;
}

/* The engine's answer: close the dialog, or say what failed in it and let the user retry. */
static void
ask_finished(Ask *ask, const GError *error)
{
    if (ask->dialog == NULL) {
        if (error != NULL)
            show_error(ask->page, error);
        hako_storage_page_refresh(ask->page);
        return;
    }
    ask->busy = FALSE;
    gtk_spinner_stop(ask->spinner);
    gtk_widget_set_sensitive(GTK_WIDGET(ask->entry), TRUE);
    if (error != NULL) {
        gtk_label_set_text(ask->message, error->message);
        return;
    }
    hako_storage_page_refresh(ask->page);
    gtk_widget_destroy(GTK_WIDGET(ask->dialog));
}

static void
ask_response_cb(GtkDialog *dialog, int response, Ask *ask)
{
    g_autofree char *text = NULL;

    if (ask->busy)
        return;
    if (response != GTK_RESPONSE_OK) {
        gtk_widget_destroy(GTK_WIDGET(dialog));
        return;
    }
    if (!ask_check(ask))
        return;
    text = g_strdup(gtk_entry_get_text(ask->entry));
    ask->busy = TRUE;
    gtk_spinner_start(ask->spinner);
    gtk_widget_set_sensitive(GTK_WIDGET(ask->entry), FALSE);
    gtk_dialog_set_response_sensitive(ask->dialog, GTK_RESPONSE_OK, FALSE);
    ask->start(ask, text);
}

static void
ask_destroy_cb(GtkWidget *dialog, Ask *ask)
{
    ask->dialog = NULL;
    ask_unref(ask);
}

static Ask *
ask_new(HakoStoragePage *self,
        const char *title,
        const char *caption,
        const char *text,
        const char *action,
        AskCheckFunc check,
        AskStartFunc start)
{
    g_autoptr(HakoStoragePool) pool = dup_selected_pool(self);
    g_autoptr(HakoStorageVolume) volume = dup_selected_volume(self);
    Ask *ask;
    GtkWidget *grid;
    GtkWidget *box;
    GtkWidget *dialog;

    if (pool == NULL || volume == NULL)
        return NULL;
    ask = g_rc_box_new0(Ask);
    ask->page = g_object_ref(self);
    ask->pool = g_strdup(pool->name);
    ask->volume = g_strdup(volume->name);
    ask->capacity = volume->capacity;
    ask->check = check;
    ask->start = start;
    dialog =
        gtk_dialog_new_with_buttons(title, GTK_WINDOW(gtk_widget_get_toplevel(GTK_WIDGET(self))),
                                    GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT, _("_Cancel"),
                                    GTK_RESPONSE_CANCEL, action, GTK_RESPONSE_OK, NULL);
    ask->dialog = GTK_DIALOG(dialog);
    gtk_dialog_set_default_response(ask->dialog, GTK_RESPONSE_OK);
    grid = gtk_grid_new();
    gtk_grid_set_row_spacing(GTK_GRID(grid), 6);
    gtk_grid_set_column_spacing(GTK_GRID(grid), 12);
    gtk_container_set_border_width(GTK_CONTAINER(grid), 12);
    ask->entry = add_field(GTK_GRID(grid), 0, caption, text, NULL);
    box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);
    ask->spinner = GTK_SPINNER(gtk_spinner_new());
    ask->message = GTK_LABEL(gtk_label_new(NULL));
    gtk_label_set_line_wrap(ask->message, TRUE);
    gtk_label_set_max_width_chars(ask->message, 50);
    gtk_label_set_xalign(ask->message, 0.0);
    gtk_box_pack_start(GTK_BOX(box), GTK_WIDGET(ask->spinner), FALSE, FALSE, 0);
    gtk_box_pack_start(GTK_BOX(box), GTK_WIDGET(ask->message), TRUE, TRUE, 0);
    gtk_grid_attach(GTK_GRID(grid), box, 1, 2, 1, 1);
    gtk_container_add(GTK_CONTAINER(gtk_dialog_get_content_area(ask->dialog)), grid);
    g_signal_connect_swapped(ask->entry, "changed", G_CALLBACK(ask_check), ask);
    g_signal_connect(dialog, "response", G_CALLBACK(ask_response_cb), ask);
    g_signal_connect(dialog, "destroy", G_CALLBACK(ask_destroy_cb), ask);
    return ask;
}

static void
ask_show(Ask *ask)
{
    gtk_widget_show_all(GTK_WIDGET(ask->dialog));
    ask_check(ask);
}

static gboolean
resize_check(Ask *ask, const char *text, GError **error)
{
    guint64 capacity;

    if (!hako_storage_parse_size(text, &capacity, error))
        return FALSE;
    if (capacity == 0) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "%s",
                    _("A volume cannot be resized to nothing."));
        return FALSE;
    }
    gtk_widget_set_visible(GTK_WIDGET(ask->shrink), capacity < ask->capacity);
    if (capacity < ask->capacity && !gtk_toggle_button_get_active(ask->shrink)) {
        g_autofree char *now = hako_stats_format_bytes((double)ask->capacity);

        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                    _("That is less than its size now (%s): shrinking cuts off the end of the "
                      "volume and the data there. Tick the box if that is what you want."),
                    now);
        return FALSE;
    }
    return TRUE;
}

static void
resize_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    Ask *ask = user_data;
    g_autoptr(GError) error = NULL;

    hako_storage_resize_volume_finish(HAKO_STORAGE(source), result, &error);
    ask_finished(ask, error);
    ask_unref(ask);
}

static void
resize_start(Ask *ask, const char *text)
{
    guint64 capacity = 0;
    HakoStorageFlags flags = HAKO_STORAGE_FLAGS_NONE;

    hako_storage_parse_size(text, &capacity, NULL);
    if (capacity < ask->capacity)
        flags |= HAKO_STORAGE_FLAGS_ALLOW_SHRINK;
    hako_storage_resize_volume_async(ask->page->storage, ask->page->host, ask->pool, ask->volume,
                                     capacity, flags, ask->page->cancellable, resize_cb,
                                     ask_ref(ask));
}

static void
resize_volume_clicked_cb(HakoStoragePage *self)
{
    g_autoptr(HakoStorageVolume) volume = dup_selected_volume(self);
    g_autofree char *title = NULL;
    g_autofree char *size = NULL;
    GtkWidget *grid;
    Ask *ask;

    if (volume == NULL)
        return;
    title = g_strdup_printf(_("Resize “%s”"), volume->name);
    size = hako_stats_format_bytes((double)volume->capacity);
    ask = ask_new(self, title, _("New _capacity:"), size, _("_Resize"), resize_check, resize_start);
    if (ask == NULL)
        return;
    ask->shrink = GTK_TOGGLE_BUTTON(
        gtk_check_button_new_with_mnemonic(_("_Shrink it, losing the data past the new end")));
    grid = gtk_widget_get_parent(gtk_widget_get_parent(GTK_WIDGET(ask->spinner)));
    gtk_grid_attach(GTK_GRID(grid), GTK_WIDGET(ask->shrink), 1, 1, 1, 1);
    g_signal_connect_swapped(ask->shrink, "toggled", G_CALLBACK(ask_check), ask);
    ask_show(ask);
}

static gboolean
clone_check(Ask *ask, const char *text, GError **error)
{
    g_autoptr(HakoVolumeSpec) spec = hako_volume_spec_new();

    /* The name rules are a new volume's. */
    spec->name = g_strdup(text);
    spec->capacity = 1;
    if (!hako_volume_spec_validate(spec, error))
        return FALSE;
    if (g_strcmp0(text, ask->volume) == 0) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "%s",
                    _("The clone needs a name of its own."));
        return FALSE;
    }
    return TRUE;
}

static void
clone_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    Ask *ask = user_data;
    g_autoptr(GError) error = NULL;
    g_autoptr(HakoStorageVolume) volume =
        hako_storage_clone_volume_finish(HAKO_STORAGE(source), result, &error);

    if (volume != NULL) {
        g_free(ask->page->selected_volume);
        ask->page->selected_volume = g_strdup(volume->name);
    }
    ask_finished(ask, error);
    ask_unref(ask);
}

static void
clone_start(Ask *ask, const char *text)
{
    gtk_label_set_text(ask->message, _("Copying the volume…"));
    hako_storage_clone_volume_async(ask->page->storage, ask->page->host, ask->pool, ask->volume,
                                    text, ask->page->cancellable, clone_cb, ask_ref(ask));
}

static void
clone_volume_clicked_cb(HakoStoragePage *self)
{
    g_autoptr(HakoStorageVolume) volume = dup_selected_volume(self);
    g_autofree char *title = NULL;
    g_autofree char *name = NULL;
    const char *dot;
    Ask *ask;

    if (volume == NULL)
        return;
    title = g_strdup_printf(_("Clone “%s”"), volume->name);
    dot = strrchr(volume->name, '.');
    if (dot != NULL && dot != volume->name)
        name = g_strdup_printf("%.*s-clone%s", (int)(dot - volume->name), volume->name, dot);
    else
        name = g_strdup_printf("%s-clone", volume->name);
    ask =
        ask_new(self, title, _("_Name of the copy:"), name, _("C_lone"), clone_check, clone_start);
    if (ask != NULL)
        ask_show(ask);
}

/* ---------------------------------------------------------------------------------------- */
/* Wipe                                                                                      */

static void
wipe_volume_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HakoStoragePage) self = user_data;
    g_autoptr(GError) error = NULL;

    if (!hako_storage_wipe_volume_finish(HAKO_STORAGE(source), result, &error))
        show_error(self, error);
    hako_storage_page_refresh(self);
}

static void
wipe_volume_confirmed(HakoStoragePage *self, gpointer data)
{
    DeleteVolume *d = data;

    hako_storage_wipe_volume_async(self->storage, self->host, d->pool, d->volume, d->flags,
                                   self->cancellable, wipe_volume_cb, g_object_ref(self));
}

static void
wipe_volume_clicked_cb(HakoStoragePage *self)
{
    g_autoptr(HakoStoragePool) pool = dup_selected_pool(self);
    g_autoptr(HakoStorageVolume) volume = dup_selected_volume(self);
    g_autofree char *question = NULL;
    g_autofree char *detail = NULL;
    DeleteVolume *d;

    if (pool == NULL || volume == NULL)
        return;
    d = g_new0(DeleteVolume, 1);
    d->pool = g_strdup(pool->name);
    d->volume = g_strdup(volume->name);
    question = g_strdup_printf(_("Wipe the volume “%s”?"), volume->name);
    if (hako_storage_volume_is_in_use(volume)) {
        g_autofree char *guests = g_strjoinv(", ", volume->used_by);

        detail = g_strdup_printf(_("%s use it: what they keep on that disk is overwritten with "
                                   "zeros, for good. Wipe it only if you are sure."),
                                 guests);
        d->flags = HAKO_STORAGE_FLAGS_FORCE;
        confirm_then(self, question, detail, _("_Wipe Anyway"), wipe_volume_confirmed, d,
                     delete_volume_free);
    } else {
        detail =
            g_strdup_printf(_("Its data (%s) is overwritten with zeros, for good."), volume->path);
        confirm_then(self, question, detail, _("_Wipe"), wipe_volume_confirmed, d,
                     delete_volume_free);
    }
}

/* ---------------------------------------------------------------------------------------- */
/* Upload and Download: a local file chosen, then a window with the bytes done and Cancel    */

typedef struct {
    HakoStoragePage *page; /* ref */
    GtkDialog *dialog;     /* NULL once destroyed */
    GtkProgressBar *bar;
    GtkLabel *message;
    GCancellable *cancellable;
    gboolean upload;
    gboolean running;
    char *pool;
    char *volume;
    char *path;
} Transfer;

static void
transfer_clear(Transfer *t)
{
    g_object_unref(t->page);
    g_object_unref(t->cancellable);
    g_free(t->pool);
    g_free(t->volume);
    g_free(t->path);
}

static Transfer *
transfer_ref(Transfer *t)
{
    return g_rc_box_acquire(t);
}

static void
transfer_unref(gpointer t)
{
    g_rc_box_release_full(t, (GDestroyNotify)transfer_clear);
}

static void
transfer_progress_cb(guint64 done, guint64 total, gpointer user_data)
{
    Transfer *t = user_data;
    g_autofree char *done_text = hako_stats_format_bytes((double)done);
    g_autofree char *total_text = hako_stats_format_bytes((double)total);
    g_autofree char *text = NULL;

    if (t->dialog == NULL)
        return;
    /* Translators: progress of an upload or download: "3.0 MiB of 16.0 MiB" */
    text = g_strdup_printf(_("%s of %s"), done_text, total_text);
    gtk_progress_bar_set_text(t->bar, text);
    gtk_progress_bar_set_fraction(t->bar, total > 0 ? (double)done / (double)total : 0.0);
}

static void
transfer_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    Transfer *t = user_data;
    g_autoptr(GError) error = NULL;
    gboolean done = t->upload ? hako_storage_upload_finish(HAKO_STORAGE(source), result, &error)
                              : hako_storage_download_finish(HAKO_STORAGE(source), result, &error);

    t->running = FALSE;
    if (t->upload)
        hako_storage_page_refresh(t->page);
    if (t->dialog == NULL) {
        if (!done)
            show_error(t->page, error);
    } else if (!done && g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
        gtk_widget_destroy(GTK_WIDGET(t->dialog));
    } else {
        g_autofree char *text = NULL;

        if (!done)
            text = g_strdup(error->message);
        else if (t->upload)
            text = g_strdup_printf(_("“%s” is now in the volume “%s”."), t->path, t->volume);
        else
            text = g_strdup_printf(_("The volume “%s” is saved in “%s”."), t->volume, t->path);
        gtk_label_set_text(t->message, text);
        if (done)
            gtk_progress_bar_set_fraction(t->bar, 1.0);
        gtk_widget_hide(gtk_dialog_get_widget_for_response(t->dialog, GTK_RESPONSE_CANCEL));
        gtk_widget_show(gtk_dialog_get_widget_for_response(t->dialog, GTK_RESPONSE_CLOSE));
    }
    transfer_unref(t);
}

static void
transfer_response_cb(GtkDialog *dialog, int response, Transfer *t)
{
    if (t->running) {
        /* Cancel stops the transfer between two chunks; transfer_cb then closes the window. */
        gtk_label_set_text(t->message, _("Stopping…"));
        g_cancellable_cancel(t->cancellable);
        return;
    }
    gtk_widget_destroy(GTK_WIDGET(dialog));
}

static void
transfer_destroy_cb(GtkWidget *dialog, Transfer *t)
{
    t->dialog = NULL;
    g_cancellable_cancel(t->cancellable);
    transfer_unref(t);
}

static void
transfer_start(Transfer *t)
{
    g_autofree char *title = NULL;
    g_autofree char *text = NULL;
    GtkWidget *dialog;
    GtkWidget *box;

    if (t->upload) {
        title = g_strdup_printf(_("Uploading to “%s”"), t->volume);
        text = g_strdup_printf(_("Copying “%s” into the volume “%s”…"), t->path, t->volume);
    } else {
        title = g_strdup_printf(_("Downloading “%s”"), t->volume);
        text = g_strdup_printf(_("Copying the volume “%s” to “%s”…"), t->volume, t->path);
    }
    dialog =
        gtk_dialog_new_with_buttons(title, GTK_WINDOW(gtk_widget_get_toplevel(GTK_WIDGET(t->page))),
                                    GTK_DIALOG_DESTROY_WITH_PARENT, _("_Cancel"),
                                    GTK_RESPONSE_CANCEL, _("_Close"), GTK_RESPONSE_CLOSE, NULL);
    t->dialog = GTK_DIALOG(dialog);
    gtk_window_set_default_size(GTK_WINDOW(dialog), 420, -1);
    box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 12);
    gtk_container_set_border_width(GTK_CONTAINER(box), 12);
    t->message = GTK_LABEL(gtk_label_new(text));
    gtk_label_set_line_wrap(t->message, TRUE);
    gtk_label_set_max_width_chars(t->message, 50);
    gtk_label_set_selectable(t->message, TRUE);
    gtk_label_set_xalign(t->message, 0.0);
    t->bar = GTK_PROGRESS_BAR(gtk_progress_bar_new());
    gtk_progress_bar_set_show_text(t->bar, TRUE);
    atk_object_set_name(gtk_widget_get_accessible(GTK_WIDGET(t->bar)), _("Progress"));
    gtk_box_pack_start(GTK_BOX(box), GTK_WIDGET(t->message), FALSE, FALSE, 0);
    gtk_box_pack_start(GTK_BOX(box), GTK_WIDGET(t->bar), FALSE, FALSE, 0);
    gtk_container_add(GTK_CONTAINER(gtk_dialog_get_content_area(t->dialog)), box);
    g_signal_connect(dialog, "response", G_CALLBACK(transfer_response_cb), t);
    g_signal_connect(dialog, "destroy", G_CALLBACK(transfer_destroy_cb), t);
    gtk_widget_show_all(dialog);
    gtk_widget_hide(gtk_dialog_get_widget_for_response(t->dialog, GTK_RESPONSE_CLOSE));

    t->running = TRUE;
    if (t->upload)
        hako_storage_upload_async(t->page->storage, t->page->host, t->pool, t->volume, t->path,
                                  transfer_progress_cb, transfer_ref(t), transfer_unref,
                                  t->cancellable, transfer_cb, transfer_ref(t));
    else
        hako_storage_download_async(t->page->storage, t->page->host, t->pool, t->volume, t->path,
                                    transfer_progress_cb, transfer_ref(t), transfer_unref,
                                    t->cancellable, transfer_cb, transfer_ref(t));
}

/* Where the last upload or download went, for the next one's chooser (this run only). */
static char *last_transfer_folder;

static void
transfer_chooser_cb(GtkNativeDialog *chooser, int response, gpointer user_data)
{
    Transfer *t = user_data;
    g_autoptr(GFile) file = NULL;

    if (response == GTK_RESPONSE_ACCEPT)
        file = gtk_file_chooser_get_file(GTK_FILE_CHOOSER(chooser));
    /* The next upload or download starts where this one went. */
    if (file != NULL) {
        g_autoptr(GFile) parent = g_file_get_parent(file);

        if (parent != NULL && g_file_peek_path(parent) != NULL) {
            g_free(last_transfer_folder);
            last_transfer_folder = g_file_get_path(parent);
        }
    }
    g_object_unref(chooser);
    if (file != NULL && g_file_peek_path(file) != NULL) {
        t->path = g_file_get_path(file);
        transfer_start(t);
        return;
    }
    transfer_unref(t);
}

static void
transfer_clicked(HakoStoragePage *self, gboolean upload)
{
    g_autoptr(HakoStoragePool) pool = dup_selected_pool(self);
    g_autoptr(HakoStorageVolume) volume = dup_selected_volume(self);
    g_autofree char *title = NULL;
    GtkFileChooserNative *chooser;
    Transfer *t;

    if (pool == NULL || volume == NULL)
        return;
    t = g_rc_box_new0(Transfer);
    t->page = g_object_ref(self);
    t->cancellable = g_cancellable_new();
    t->upload = upload;
    t->pool = g_strdup(pool->name);
    t->volume = g_strdup(volume->name);
    if (upload) {
        title = g_strdup_printf(_("Upload into “%s”"), volume->name);
        chooser = gtk_file_chooser_native_new(
            title, GTK_WINDOW(gtk_widget_get_toplevel(GTK_WIDGET(self))),
            GTK_FILE_CHOOSER_ACTION_OPEN, _("_Upload"), _("_Cancel"));
    } else {
        title = g_strdup_printf(_("Download “%s”"), volume->name);
        chooser = gtk_file_chooser_native_new(
            title, GTK_WINDOW(gtk_widget_get_toplevel(GTK_WIDGET(self))),
            GTK_FILE_CHOOSER_ACTION_SAVE, _("_Download"), _("_Cancel"));
        gtk_file_chooser_set_do_overwrite_confirmation(GTK_FILE_CHOOSER(chooser), TRUE);
        gtk_file_chooser_set_current_name(GTK_FILE_CHOOSER(chooser), volume->name);
    }
    gtk_file_chooser_set_local_only(GTK_FILE_CHOOSER(chooser), TRUE);
    if (last_transfer_folder != NULL)
        gtk_file_chooser_set_current_folder(GTK_FILE_CHOOSER(chooser), last_transfer_folder);
    g_signal_connect(chooser, "response", G_CALLBACK(transfer_chooser_cb), t);
    gtk_native_dialog_show(GTK_NATIVE_DIALOG(chooser));
}

static void
upload_clicked_cb(HakoStoragePage *self)
{
    transfer_clicked(self, TRUE);
}

static void
download_clicked_cb(HakoStoragePage *self)
{
    transfer_clicked(self, FALSE);
}

/* ---------------------------------------------------------------------------------------- */
/* Building                                                                                  */

static void
build(HakoStoragePage *self)
{
    GtkWidget *paned = gtk_paned_new(GTK_ORIENTATION_HORIZONTAL);
    GtkWidget *left = gtk_box_new(GTK_ORIENTATION_VERTICAL, 6);
    GtkWidget *right = gtk_box_new(GTK_ORIENTATION_VERTICAL, 6);
    GtkWidget *pool_buttons = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);
    GtkWidget *volume_buttons = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);
    GtkCellRenderer *progress = gtk_cell_renderer_progress_new();
    GtkWidget *check;

    gtk_container_set_border_width(GTK_CONTAINER(self), 12);
    gtk_box_set_spacing(GTK_BOX(self), 6);

    self->error_bar = hako_widgets_error_bar_new(&self->error_label);
    gtk_box_pack_start(GTK_BOX(self), GTK_WIDGET(self->error_bar), FALSE, FALSE, 0);

    /* Pools */
    self->pools = gtk_list_store_new(POOL_N_COLS, HAKO_TYPE_STORAGE_POOL, G_TYPE_STRING,
                                     G_TYPE_STRING, G_TYPE_STRING, G_TYPE_INT, G_TYPE_STRING);
    self->pool_view = GTK_TREE_VIEW(gtk_tree_view_new_with_model(GTK_TREE_MODEL(self->pools)));
    atk_object_set_name(gtk_widget_get_accessible(GTK_WIDGET(self->pool_view)), _("Storage pools"));
    hako_widgets_add_text_column(self->pool_view, _("Pool"), POOL_COL_NAME, TRUE);
    hako_widgets_add_text_column(self->pool_view, _("Type"), POOL_COL_TYPE, FALSE);
    hako_widgets_add_text_column(self->pool_view, _("State"), POOL_COL_STATE, FALSE);
    gtk_tree_view_append_column(self->pool_view, gtk_tree_view_column_new_with_attributes(
                                                     _("Usage"), progress, "value", POOL_COL_USAGE,
                                                     "text", POOL_COL_USAGE_TEXT, NULL));
    g_signal_connect_object(gtk_tree_view_get_selection(self->pool_view), "changed",
                            G_CALLBACK(pool_selection_changed_cb), self, G_CONNECT_SWAPPED);
    gtk_box_pack_start(GTK_BOX(left), hako_widgets_scrolled(GTK_WIDGET(self->pool_view)), TRUE,
                       TRUE, 0);
    self->start_button =
        hako_widgets_add_button(GTK_BOX(pool_buttons), _("_Start"), _("Start the pool"),
                                G_CALLBACK(start_clicked_cb), self);
    self->stop_button = hako_widgets_add_button(
        GTK_BOX(pool_buttons), _("S_top"), _("Stop the pool"), G_CALLBACK(stop_clicked_cb), self);
    self->refresh_button = hako_widgets_add_button(
        GTK_BOX(pool_buttons), _("_Refresh"),
        _("Look at the pool’s storage again, for volumes made outside Hako"),
        G_CALLBACK(refresh_clicked_cb), self);
    self->delete_pool_button = hako_widgets_add_button(GTK_BOX(pool_buttons), _("_Delete Pool…"),
                                                       _("Forget the stopped pool"),
                                                       G_CALLBACK(delete_pool_clicked_cb), self);
    gtk_box_pack_start(GTK_BOX(left), pool_buttons, FALSE, FALSE, 0);
    pool_buttons = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);
    self->add_pool_button =
        hako_widgets_add_button(GTK_BOX(pool_buttons), _("_Add Pool…"), _("Create a storage pool"),
                                G_CALLBACK(add_pool_clicked_cb), self);
    gtk_box_pack_start(GTK_BOX(left), pool_buttons, FALSE, FALSE, 0);
    check = gtk_check_button_new_with_mnemonic(_("Start the pool when the _host starts"));
    self->autostart_check = GTK_TOGGLE_BUTTON(check);
    g_signal_connect_object(check, "toggled", G_CALLBACK(autostart_toggled_cb), self,
                            G_CONNECT_SWAPPED);
    gtk_box_pack_start(GTK_BOX(left), check, FALSE, FALSE, 0);
    self->pool_summary = GTK_LABEL(gtk_label_new(NULL));
    gtk_label_set_xalign(self->pool_summary, 0.0);
    gtk_label_set_selectable(self->pool_summary, TRUE);
    gtk_label_set_ellipsize(self->pool_summary, PANGO_ELLIPSIZE_MIDDLE);
    gtk_box_pack_start(GTK_BOX(left), GTK_WIDGET(self->pool_summary), FALSE, FALSE, 0);

    /* Volumes */
    self->volumes = gtk_list_store_new(VOL_N_COLS, HAKO_TYPE_STORAGE_VOLUME, G_TYPE_STRING,
                                       G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);
    self->volume_view = GTK_TREE_VIEW(gtk_tree_view_new_with_model(GTK_TREE_MODEL(self->volumes)));
    atk_object_set_name(gtk_widget_get_accessible(GTK_WIDGET(self->volume_view)), _("Volumes"));
    hako_widgets_add_text_column(self->volume_view, _("Volume"), VOL_COL_NAME, TRUE);
    hako_widgets_add_text_column(self->volume_view, _("Size"), VOL_COL_SIZE, FALSE);
    hako_widgets_add_text_column(self->volume_view, _("Allocated"), VOL_COL_ALLOCATION, FALSE);
    hako_widgets_add_text_column(self->volume_view, _("Format"), VOL_COL_FORMAT, FALSE);
    hako_widgets_add_text_column(self->volume_view, _("Used by"), VOL_COL_USED_BY, TRUE);
    g_signal_connect_object(gtk_tree_view_get_selection(self->volume_view), "changed",
                            G_CALLBACK(volume_selection_changed_cb), self, G_CONNECT_SWAPPED);
    g_signal_connect_object(self->volume_view, "row-activated", G_CALLBACK(volume_activated_cb),
                            self, G_CONNECT_SWAPPED);
    gtk_box_pack_start(GTK_BOX(right), hako_widgets_scrolled(GTK_WIDGET(self->volume_view)), TRUE,
                       TRUE, 0);
    self->new_volume_button = hako_widgets_add_button(GTK_BOX(volume_buttons), _("_New Volume…"),
                                                      _("Create a volume in the pool"),
                                                      G_CALLBACK(new_volume_clicked_cb), self);
    self->delete_volume_button = hako_widgets_add_button(
        GTK_BOX(volume_buttons), _("De_lete Volume…"), _("Delete the chosen volume"),
        G_CALLBACK(delete_volume_clicked_cb), self);
    self->wipe_button = hako_widgets_add_button(GTK_BOX(volume_buttons), _("_Wipe…"),
                                                _("Overwrite the volume with zeros"),
                                                G_CALLBACK(wipe_volume_clicked_cb), self);
    gtk_box_pack_start(GTK_BOX(right), volume_buttons, FALSE, FALSE, 0);
    volume_buttons = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);
    self->resize_button = hako_widgets_add_button(GTK_BOX(volume_buttons), _("Resi_ze…"),
                                                  _("Change the volume’s capacity"),
                                                  G_CALLBACK(resize_volume_clicked_cb), self);
    self->clone_button = hako_widgets_add_button(GTK_BOX(volume_buttons), _("_Clone…"),
                                                 _("Copy the volume under a new name"),
                                                 G_CALLBACK(clone_volume_clicked_cb), self);
    self->upload_button = hako_widgets_add_button(GTK_BOX(volume_buttons), _("_Upload…"),
                                                  _("Copy a local file into the volume"),
                                                  G_CALLBACK(upload_clicked_cb), self);
    self->download_button = hako_widgets_add_button(GTK_BOX(volume_buttons), _("Do_wnload…"),
                                                    _("Copy the volume into a local file"),
                                                    G_CALLBACK(download_clicked_cb), self);
    gtk_box_pack_start(GTK_BOX(right), volume_buttons, FALSE, FALSE, 0);

    gtk_paned_pack1(GTK_PANED(paned), left, FALSE, FALSE);
    gtk_paned_pack2(GTK_PANED(paned), right, TRUE, FALSE);
    gtk_paned_set_position(GTK_PANED(paned), 340);
    gtk_box_pack_start(GTK_BOX(self), paned, TRUE, TRUE, 0);
    gtk_widget_show_all(paned);
    update_pool_summary(self);
    update_buttons(self);
}

/* ---------------------------------------------------------------------------------------- */
/* GObject                                                                                   */

static void
host_state_cb(HakoStoragePage *self, GParamSpec *pspec, HakoHost *host)
{
    hako_storage_page_refresh(self);
}

static void
hako_storage_page_constructed(GObject *object)
{
    HakoStoragePage *self = HAKO_STORAGE_PAGE(object);

    G_OBJECT_CLASS(hako_storage_page_parent_class)->constructed(object);

    self->storage = hako_storage_new(self->manager);
    self->cancellable = g_cancellable_new();
    build(self);
    g_signal_connect_object(self->host, "notify::state", G_CALLBACK(host_state_cb), self,
                            G_CONNECT_SWAPPED);
    hako_storage_page_refresh(self);
}

static void
hako_storage_page_dispose(GObject *object)
{
    HakoStoragePage *self = HAKO_STORAGE_PAGE(object);

    if (self->cancellable != NULL)
        g_cancellable_cancel(self->cancellable);
    g_clear_object(&self->cancellable);
    g_clear_object(&self->storage);
    g_clear_object(&self->pools);
    g_clear_object(&self->volumes);
    g_clear_object(&self->host);
    g_clear_object(&self->manager);

    G_OBJECT_CLASS(hako_storage_page_parent_class)->dispose(object);
}

static void
hako_storage_page_finalize(GObject *object)
{
    HakoStoragePage *self = HAKO_STORAGE_PAGE(object);

    g_free(self->selected_pool);
    g_free(self->selected_volume);
    g_free(self->chosen_path);

    G_OBJECT_CLASS(hako_storage_page_parent_class)->finalize(object);
}

static void
hako_storage_page_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
    HakoStoragePage *self = HAKO_STORAGE_PAGE(object);

    switch (prop_id) {
    case PROP_CHOSEN_PATH:
        g_value_set_string(value, self->chosen_path);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    }
}

static void
hako_storage_page_set_property(GObject *object,
                               guint prop_id,
                               const GValue *value,
                               GParamSpec *pspec)
{
    HakoStoragePage *self = HAKO_STORAGE_PAGE(object);

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
hako_storage_page_class_init(HakoStoragePageClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    GParamFlags flags = G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

    object_class->constructed = hako_storage_page_constructed;
    object_class->dispose = hako_storage_page_dispose;
    object_class->finalize = hako_storage_page_finalize;
    object_class->get_property = hako_storage_page_get_property;
    object_class->set_property = hako_storage_page_set_property;

    properties[PROP_MANAGER] =
        g_param_spec_object("manager", NULL, NULL, HAKO_TYPE_CONNECTION_MANAGER, flags);
    properties[PROP_HOST] = g_param_spec_object("host", NULL, NULL, HAKO_TYPE_HOST, flags);
    /* The path of the chosen volume, NULL when none is. */
    properties[PROP_CHOSEN_PATH] =
        g_param_spec_string("chosen-path", NULL, NULL, NULL,
                            G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
    g_object_class_install_properties(object_class, N_PROPS, properties);

    /* A volume was double-clicked (or Enter pressed on it): its path. */
    signals[VOLUME_ACTIVATED] =
        g_signal_new("volume-activated", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                     NULL, G_TYPE_NONE, 1, G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
hako_storage_page_init(HakoStoragePage *self)
{
    gtk_orientable_set_orientation(GTK_ORIENTABLE(self), GTK_ORIENTATION_VERTICAL);
}

/**
 * hako_storage_page_new:
 * @manager: the connection manager
 * @host: the connection whose storage the page shows
 *
 * Returns: (transfer floating): a new Storage page, which lists the host's pools once shown.
 */
GtkWidget *
hako_storage_page_new(HakoConnectionManager *manager, HakoHost *host)
{
    g_return_val_if_fail(HAKO_IS_CONNECTION_MANAGER(manager), NULL);
    g_return_val_if_fail(HAKO_IS_HOST(host), NULL);

    return g_object_new(HAKO_TYPE_STORAGE_PAGE, "manager", manager, "host", host, NULL);
}

/**
 * hako_storage_page_get_chosen_path:
 *
 * Returns: (transfer none) (nullable): the path of the chosen volume.
 */
const char *
hako_storage_page_get_chosen_path(HakoStoragePage *self)
{
    g_return_val_if_fail(HAKO_IS_STORAGE_PAGE(self), NULL);

    return self->chosen_path;
}

/**
 * hako_storage_page_select:
 * @pool: the pool to choose
 * @volume: (nullable): its volume to choose once listed
 *
 * Chooses a pool, and a volume of it once its volumes are listed; the pools are listed again.
 */
void
hako_storage_page_select(HakoStoragePage *self, const char *pool, const char *volume)
{
    g_return_if_fail(HAKO_IS_STORAGE_PAGE(self));
    g_return_if_fail(pool != NULL);

    g_free(self->selected_pool);
    self->selected_pool = g_strdup(pool);
    g_free(self->selected_volume);
    self->selected_volume = g_strdup(volume);
    hako_storage_page_refresh(self);
}

/**
 * hako_storage_page_set_create_pool_func:
 * @func: (nullable): opens the Create Pool wizard
 *
 * The wizards layer, above this one, calls this once at start-up so that the page's Add Pool…
 * button can open its wizard without including it.
 */
void
hako_storage_page_set_create_pool_func(HakoCreatePoolFunc func)
{
    create_pool_func = func;
}

/**
 * hako_storage_page_set_create_volume_func:
 * @func: (nullable): opens the Create Volume wizard
 *
 * Likewise for New Volume…: the wizard it opens emits "volume-created" with the new volume's
 * name, which the page then lists and selects.
 */
void
hako_storage_page_set_create_volume_func(HakoCreateVolumeFunc func)
{
    create_volume_func = func;
}
