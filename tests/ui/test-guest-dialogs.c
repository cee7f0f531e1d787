/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoCloneDialog and HakoDeleteDialog over the test driver's guest: a clone refused while it
 * runs (the reason in the bar), then made once it is off (its disk, not a pool's volume,
 * shared), "cloned" with the new name; the clone deleted after a second question, its shared
 * disk marked with the guest that also uses it and left alone, "deleted". */
#include "config.h"

#include "hako-clone-dialog.h"
#include "hako-connection-manager.h"
#include "hako-delete-dialog.h"
#include "hako-domain-ops.h"
#include "hako-domain-xml.h"
#include "hako-engine.h"
#include "hako-storage.h"
#include "hako-ui.h"

#include <gtk/gtk.h>

static gboolean
timed_out_cb(gpointer data)
{
    *(gboolean *)data = TRUE;
    return G_SOURCE_REMOVE;
}

static void
spin(guint ms)
{
    gboolean done = FALSE;

    g_timeout_add(ms, timed_out_cb, &done);
    while (!done)
        g_main_context_iteration(NULL, TRUE);
}

typedef gboolean (*Condition)(gpointer data);

static void
wait_for(Condition condition, gpointer data)
{
    gint64 end = g_get_monotonic_time() + 20 * G_TIME_SPAN_SECOND;

    while (!condition(data)) {
        g_assert_cmpint(g_get_monotonic_time(), <, end);
        g_main_context_iteration(NULL, FALSE);
        g_usleep(1000);
    }
}

static gboolean
host_connected(gpointer data)
{
    return hako_host_get_state(data) == HAKO_HOST_STATE_CONNECTED;
}

static gboolean
clone_idle(gpointer data)
{
    return !hako_clone_dialog_is_busy(data);
}

static gboolean
delete_idle(gpointer data)
{
    return !hako_delete_dialog_is_busy(data);
}

static gboolean
is_null(gpointer data)
{
    return *(gpointer *)data == NULL;
}

typedef struct {
    GType type;
    const char *text;
    GtkWidget *found;
} Search;

static void
search_cb(GtkWidget *widget, gpointer data)
{
    Search *search = data;

    if (search->found != NULL)
        return;
    if (G_TYPE_CHECK_INSTANCE_TYPE(widget, search->type)) {
        const char *text = NULL;

        if (GTK_IS_LABEL(widget))
            text = gtk_label_get_label(GTK_LABEL(widget));
        else if (GTK_IS_BUTTON(widget))
            text = gtk_button_get_label(GTK_BUTTON(widget));
        if (search->text == NULL || g_strcmp0(text, search->text) == 0) {
            search->found = widget;
            return;
        }
    }
    if (GTK_IS_CONTAINER(widget))
        gtk_container_forall(GTK_CONTAINER(widget), search_cb, search);
}

static GtkWidget *
find(GtkWidget *root, GType type, const char *text)
{
    Search search = {type, text, NULL};

    gtk_container_forall(GTK_CONTAINER(root), search_cb, &search);
    g_assert_nonnull(search.found);
    return search.found;
}

/* The message dialog open. */
static GtkDialog *
open_dialog(void)
{
    GList *windows = gtk_window_list_toplevels();
    GtkDialog *dialog = NULL;

    for (GList *l = windows; l != NULL; l = l->next) {
        if (GTK_IS_MESSAGE_DIALOG(l->data) && gtk_widget_get_visible(l->data))
            dialog = l->data;
    }
    g_list_free(windows);
    g_assert_nonnull(dialog);
    return dialog;
}

static gboolean
sensitive(GtkWidget *root, const char *label)
{
    return gtk_widget_get_sensitive(find(root, GTK_TYPE_BUTTON, label));
}

static HakoHost *the_host;

static gboolean
domain_listed(gpointer data)
{
    return hako_domain_list_lookup_by_name(hako_host_get_domains(the_host), data) != NULL;
}

static gboolean
domain_gone(gpointer data)
{
    return !domain_listed(data);
}

static char *cloned_name;
static gboolean deleted;

static void
cloned_cb(GtkWidget *dialog, const char *name, gpointer data)
{
    cloned_name = g_strdup(name);
}

static void
deleted_cb(GtkWidget *dialog, gpointer data)
{
    deleted = TRUE;
}

/* Until the clone is made, or the dialog stops trying. */
static gboolean
clone_over(gpointer data)
{
    return cloned_name != NULL || !hako_clone_dialog_is_busy(data);
}

static void
force_off_cb(GObject *source, GAsyncResult *result, gpointer data)
{
    g_autoptr(GError) error = NULL;

    g_assert_true(hako_domain_ops_lifecycle_finish(HAKO_DOMAIN_OPS(source), result, &error));
    g_assert_no_error(error);
    *(gboolean *)data = TRUE;
}

static gboolean
flag_set(gpointer data)
{
    return *(gboolean *)data;
}

static void
test_clone_delete(void)
{
    g_autoptr(HakoConnectionManager) manager = hako_connection_manager_new(NULL);
    HakoHost *host = hako_connection_manager_add(manager, "test:///default", HAKO_CONNECT_NONE);
    g_autoptr(HakoDomainOps) ops = NULL;
    HakoDomain *domain;
    HakoDomain *clone;
    GtkWidget *dialog;
    GtkWidget *held;
    GtkWidget *disk;
    gboolean off = FALSE;

    hako_connection_manager_connect(manager, host);
    wait_for(host_connected, host);
    domain = hako_domain_list_lookup_by_name(hako_host_get_domains(host), "test");
    g_assert_nonnull(domain);

    /* running: the engine refuses, the dialog stays with the reason */
    dialog = hako_clone_dialog_new(NULL, manager, domain);
    g_object_add_weak_pointer(G_OBJECT(dialog), (gpointer *)&dialog);
    g_signal_connect(dialog, "cloned", G_CALLBACK(cloned_cb), NULL);
    gtk_widget_show(dialog);
    wait_for(clone_idle, dialog);
    g_assert_cmpstr(gtk_window_get_title(GTK_WINDOW(dialog)), ==, "Clone “test”");
    g_assert_cmpstr(gtk_entry_get_text(GTK_ENTRY(gtk_label_get_mnemonic_widget(
                        GTK_LABEL(find(dialog, GTK_TYPE_LABEL, "_Name:"))))),
                    ==, "test-clone");
    /* its disk is no pool's volume: shared, and the choice cannot be changed */
    disk = find(dialog, GTK_TYPE_COMBO_BOX, NULL);
    g_assert_cmpstr(gtk_combo_box_get_active_id(GTK_COMBO_BOX(disk)), ==, "share");
    g_assert_false(gtk_widget_get_sensitive(disk));
    g_assert_true(sensitive(dialog, "C_lone"));
    gtk_dialog_response(GTK_DIALOG(dialog), GTK_RESPONSE_OK);
    g_assert_true(hako_clone_dialog_is_busy(HAKO_CLONE_DIALOG(dialog)));
    wait_for(clone_idle, dialog);
    g_assert_true(gtk_widget_get_visible(find(dialog, GTK_TYPE_INFO_BAR, NULL)));
    g_assert_null(cloned_name);

    /* off: cloned, and the dialog closes */
    ops = hako_domain_ops_new(manager);
    hako_domain_ops_lifecycle_async(ops, domain, HAKO_DOMAIN_ACTION_FORCE_OFF, NULL, force_off_cb,
                                    &off);
    wait_for(flag_set, &off);
    gtk_dialog_response(GTK_DIALOG(dialog), GTK_RESPONSE_OK);
    held = g_object_ref(dialog);
    wait_for(clone_over, held);
    if (cloned_name == NULL)
        g_error("not cloned: %s", gtk_label_get_text(GTK_LABEL(find(
                                      find(held, GTK_TYPE_INFO_BAR, NULL), GTK_TYPE_LABEL, NULL))));
    g_object_unref(held);
    g_assert_cmpstr(cloned_name, ==, "test-clone");
    wait_for(is_null, &dialog);
    the_host = host;
    wait_for(domain_listed, cloned_name);
    clone = hako_domain_list_lookup_by_name(hako_host_get_domains(host), "test-clone");

    /* delete the clone: its disk is also the original's, not a volume, so it stays */
    dialog = hako_delete_dialog_new(NULL, manager, clone);
    g_object_add_weak_pointer(G_OBJECT(dialog), (gpointer *)&dialog);
    g_signal_connect(dialog, "deleted", G_CALLBACK(deleted_cb), NULL);
    gtk_widget_show(dialog);
    wait_for(delete_idle, dialog);
    g_assert_cmpstr(gtk_window_get_title(GTK_WINDOW(dialog)), ==, "Delete “test-clone”");
    disk = find(dialog, GTK_TYPE_CHECK_BUTTON, "vda: /guest/diskimage1");
    g_assert_false(gtk_widget_get_sensitive(disk));
    g_assert_false(gtk_toggle_button_get_active(GTK_TOGGLE_BUTTON(disk)));
    find(dialog, GTK_TYPE_LABEL, "Also used by test");
    g_assert_false(gtk_widget_get_visible(
        find(dialog, GTK_TYPE_CHECK_BUTTON, "Delete _anyway the volumes other guests use")));

    /* asked again: No keeps it */
    gtk_dialog_response(GTK_DIALOG(dialog), GTK_RESPONSE_OK);
    gtk_dialog_response(open_dialog(), GTK_RESPONSE_CANCEL);
    spin(50);
    g_assert_false(deleted);
    g_assert_nonnull(dialog);
    gtk_dialog_response(GTK_DIALOG(dialog), GTK_RESPONSE_OK);
    gtk_dialog_response(open_dialog(), GTK_RESPONSE_ACCEPT);
    wait_for(is_null, &dialog);
    g_assert_true(deleted);
    wait_for(domain_gone, "test-clone");
    g_assert_nonnull(hako_domain_list_lookup_by_name(hako_host_get_domains(host), "test"));
    g_clear_pointer(&cloned_name, g_free);
}

typedef struct {
    gboolean done;
    GAsyncResult *result;
} Wait;

static void
wait_cb(GObject *source, GAsyncResult *result, gpointer data)
{
    Wait *w = data;

    w->result = g_object_ref(result);
    w->done = TRUE;
}

static GAsyncResult *
wait_result(Wait *w)
{
    wait_for(flag_set, &w->done);
    w->done = FALSE;
    return w->result;
}

static gboolean
volume_exists(HakoStorage *storage, HakoHost *host, const char *name)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) volumes = NULL;
    Wait w = {FALSE, NULL};
    gboolean found = FALSE;

    hako_storage_list_volumes_async(storage, host, "default-pool", NULL, wait_cb, &w);
    volumes = hako_storage_list_volumes_finish(storage, wait_result(&w), &error);
    g_clear_object(&w.result);
    g_assert_no_error(error);
    for (guint i = 0; i < volumes->len; i++)
        found |= g_str_equal(((HakoStorageVolume *)volumes->pdata[i])->name, name);
    return found;
}

static void
clone_with(HakoConnectionManager *manager, HakoDomain *domain, const char *name, gboolean share)
{
    GtkWidget *dialog = hako_clone_dialog_new(NULL, manager, domain);
    GtkComboBox *disk;

    g_object_add_weak_pointer(G_OBJECT(dialog), (gpointer *)&dialog);
    g_signal_connect(dialog, "cloned", G_CALLBACK(cloned_cb), NULL);
    gtk_widget_show(dialog);
    wait_for(clone_idle, dialog);
    gtk_entry_set_text(
        GTK_ENTRY(gtk_label_get_mnemonic_widget(GTK_LABEL(find(dialog, GTK_TYPE_LABEL, "_Name:")))),
        name);
    /* a pool's volume: copied unless shared on request */
    disk = GTK_COMBO_BOX(find(dialog, GTK_TYPE_COMBO_BOX, NULL));
    g_assert_true(gtk_widget_get_sensitive(GTK_WIDGET(disk)));
    g_assert_cmpstr(gtk_combo_box_get_active_id(disk), ==, "copy");
    if (share)
        gtk_combo_box_set_active_id(disk, "share");
    gtk_dialog_response(GTK_DIALOG(dialog), GTK_RESPONSE_OK);
    wait_for(is_null, &dialog);
    g_assert_cmpstr(cloned_name, ==, name);
    wait_for(domain_listed, cloned_name);
    g_clear_pointer(&cloned_name, g_free);
}

static void
test_volumes(void)
{
    g_autoptr(HakoConnectionManager) manager = hako_connection_manager_new(NULL);
    HakoHost *host = hako_connection_manager_add(manager, "test:///default", HAKO_CONNECT_NONE);
    g_autoptr(HakoStorage) storage = hako_storage_new(manager);
    g_autoptr(HakoDomainOps) ops = hako_domain_ops_new(manager);
    g_autoptr(HakoVolumeSpec) spec = hako_volume_spec_new();
    g_autoptr(HakoStorageVolume) volume = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *xml = NULL;
    g_auto(GStrv) parts = NULL;
    g_autofree char *edited = NULL;
    Wait w = {FALSE, NULL};
    HakoDomain *domain;
    GtkWidget *dialog;
    GtkWidget *disk;
    GtkWidget *anyway;
    gboolean off = FALSE;

    hako_connection_manager_connect(manager, host);
    wait_for(host_connected, host);
    the_host = host;
    domain = hako_domain_list_lookup_by_name(hako_host_get_domains(host), "test");
    g_assert_nonnull(domain);

    /* the guest's disk becomes a volume of default-pool */
    spec->name = g_strdup("gd.img");
    spec->format = HAKO_VOLUME_FORMAT_RAW;
    spec->capacity = 16 << 20;
    hako_storage_create_volume_async(storage, host, "default-pool", spec, NULL, wait_cb, &w);
    volume = hako_storage_create_volume_finish(storage, wait_result(&w), &error);
    g_clear_object(&w.result);
    g_assert_no_error(error);
    hako_domain_xml_get_async(manager, host, hako_domain_get_uuid(domain), NULL, wait_cb, &w);
    xml = hako_domain_xml_get_finish(manager, wait_result(&w), &error);
    g_clear_object(&w.result);
    g_assert_no_error(error);
    parts = g_strsplit(xml, "/guest/diskimage1", -1);
    edited = g_strjoinv(volume->path, parts);
    hako_domain_xml_define_async(manager, host, hako_domain_get_uuid(domain), edited, NULL, wait_cb,
                                 &w);
    g_assert_true(hako_domain_xml_define_finish(manager, wait_result(&w), &error));
    g_clear_object(&w.result);
    g_assert_no_error(error);
    if (hako_domain_is_active(domain)) {
        hako_domain_ops_lifecycle_async(ops, domain, HAKO_DOMAIN_ACTION_FORCE_OFF, NULL,
                                        force_off_cb, &off);
        wait_for(flag_set, &off);
    }

    /* one clone with a copy, one sharing the volume */
    clone_with(manager, domain, "test-copy", FALSE);
    g_assert_true(volume_exists(storage, host, "test-copy-gd.img"));
    clone_with(manager, domain, "test-share", TRUE);

    /* the shared volume: not ticked, marked, and only deleted after "Delete anyway" */
    dialog = hako_delete_dialog_new(
        NULL, manager, hako_domain_list_lookup_by_name(hako_host_get_domains(host), "test-share"));
    g_object_add_weak_pointer(G_OBJECT(dialog), (gpointer *)&dialog);
    g_signal_connect(dialog, "deleted", G_CALLBACK(deleted_cb), NULL);
    gtk_widget_show(dialog);
    wait_for(delete_idle, dialog);
    disk = find(dialog, GTK_TYPE_CHECK_BUTTON, NULL);
    g_assert_true(gtk_widget_get_sensitive(disk));
    g_assert_false(gtk_toggle_button_get_active(GTK_TOGGLE_BUTTON(disk)));
    find(dialog, GTK_TYPE_LABEL, "Also used by test");
    anyway = find(dialog, GTK_TYPE_CHECK_BUTTON, "Delete _anyway the volumes other guests use");
    g_assert_false(gtk_widget_get_visible(anyway));
    g_assert_true(sensitive(dialog, "_Delete"));
    gtk_toggle_button_set_active(GTK_TOGGLE_BUTTON(disk), TRUE);
    g_assert_true(gtk_widget_get_visible(anyway));
    g_assert_false(sensitive(dialog, "_Delete"));
    gtk_toggle_button_set_active(GTK_TOGGLE_BUTTON(anyway), TRUE);
    g_assert_true(sensitive(dialog, "_Delete"));
    /* changed our mind: the volume stays */
    gtk_toggle_button_set_active(GTK_TOGGLE_BUTTON(disk), FALSE);
    deleted = FALSE;
    gtk_dialog_response(GTK_DIALOG(dialog), GTK_RESPONSE_OK);
    gtk_dialog_response(open_dialog(), GTK_RESPONSE_ACCEPT);
    wait_for(is_null, &dialog);
    g_assert_true(deleted);
    wait_for(domain_gone, "test-share");
    g_assert_true(volume_exists(storage, host, "gd.img"));

    /* the copy's own volume: ticked, and deleted with it */
    dialog = hako_delete_dialog_new(
        NULL, manager, hako_domain_list_lookup_by_name(hako_host_get_domains(host), "test-copy"));
    g_object_add_weak_pointer(G_OBJECT(dialog), (gpointer *)&dialog);
    g_signal_connect(dialog, "deleted", G_CALLBACK(deleted_cb), NULL);
    gtk_widget_show(dialog);
    wait_for(delete_idle, dialog);
    disk = find(dialog, GTK_TYPE_CHECK_BUTTON, NULL);
    g_assert_true(gtk_toggle_button_get_active(GTK_TOGGLE_BUTTON(disk)));
    deleted = FALSE;
    gtk_dialog_response(GTK_DIALOG(dialog), GTK_RESPONSE_OK);
    gtk_dialog_response(open_dialog(), GTK_RESPONSE_ACCEPT);
    wait_for(is_null, &dialog);
    g_assert_true(deleted);
    wait_for(domain_gone, "test-copy");
    g_assert_false(volume_exists(storage, host, "test-copy-gd.img"));
    g_assert_true(volume_exists(storage, host, "gd.img"));
}

int
main(int argc, char *argv[])
{
    gtk_test_init(&argc, &argv, NULL);
    hako_engine_init();
    hako_ui_init();
    g_test_add_func("/ui/guest-dialogs/clone-delete", test_clone_delete);
    g_test_add_func("/ui/guest-dialogs/volumes", test_volumes);
    return g_test_run();
}
