/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Create Volume wizard over a test-driver host: what each page refuses and says, the
 * summary, the pool's free space, and a volume created by Apply. */
#include "config.h"

#include "hako-connection-manager.h"
#include "hako-create-volume-wizard.h"
#include "hako-engine.h"
#include "hako-ui.h"

#include <gtk/gtk.h>

#define GiB (G_GUINT64_CONSTANT(1) << 30)

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

typedef struct {
    const char *text;
    GtkWidget *found;
    GType type;
} Search;

static void
search_cb(GtkWidget *widget, gpointer data)
{
    Search *search = data;

    if (search->found != NULL)
        return;
    if (G_TYPE_CHECK_INSTANCE_TYPE(widget, search->type)) {
        const char *text = GTK_IS_LABEL(widget) ? gtk_label_get_label(GTK_LABEL(widget))
                                                : gtk_button_get_label(GTK_BUTTON(widget));

        if (g_strcmp0(text, search->text) == 0) {
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
    Search search = {text, NULL, type};

    gtk_container_forall(GTK_CONTAINER(root), search_cb, &search);
    g_assert_nonnull(search.found);
    return search.found;
}

/* The field a label (by its text with the mnemonic) names. */
static GtkEntry *
field(GtkWidget *wizard, const char *caption)
{
    return GTK_ENTRY(
        gtk_label_get_mnemonic_widget(GTK_LABEL(find(wizard, GTK_TYPE_LABEL, caption))));
}

/* The text of every label on the current page, one after another. */
static void
collect_cb(GtkWidget *widget, gpointer data)
{
    if (GTK_IS_LABEL(widget) && gtk_widget_get_visible(widget)) {
        g_string_append(data, gtk_label_get_text(GTK_LABEL(widget)));
        g_string_append_c(data, '\n');
    }
    if (GTK_IS_CONTAINER(widget))
        gtk_container_forall(GTK_CONTAINER(widget), collect_cb, data);
}

static char *
page_text(GtkWidget *wizard)
{
    GtkAssistant *assistant = GTK_ASSISTANT(wizard);
    GtkWidget *page =
        gtk_assistant_get_nth_page(assistant, gtk_assistant_get_current_page(assistant));
    GString *text = g_string_new(NULL);

    collect_cb(page, text);
    return g_string_free(text, FALSE);
}

static gboolean
page_complete(GtkWidget *wizard, int n)
{
    return gtk_assistant_get_page_complete(GTK_ASSISTANT(wizard),
                                           gtk_assistant_get_nth_page(GTK_ASSISTANT(wizard), n));
}

static void
assert_says(GtkWidget *wizard, const char *words)
{
    g_autofree char *text = page_text(wizard);

    if (strstr(text, words) == NULL)
        g_error("the page does not say “%s”; it says:\n%s", words, text);
}

static void
test_pages(void)
{
    g_autoptr(HakoConnectionManager) manager = hako_connection_manager_new(NULL);
    HakoHost *host = hako_connection_manager_add(manager, "test:///default", HAKO_CONNECT_NONE);
    GtkWidget *wizard = hako_create_volume_wizard_new(NULL, manager, host, "default-pool", 8 * GiB);
    HakoVolumeSpec *spec;
    GtkEntry *name;
    GtkEntry *capacity;
    GtkEntry *allocation;
    GtkEntry *backing;
    GtkComboBox *format;

    g_object_add_weak_pointer(G_OBJECT(wizard), (gpointer *)&wizard);
    gtk_widget_show(wizard);
    spin(50);
    g_assert_cmpstr(gtk_window_get_title(GTK_WINDOW(wizard)), ==, "Name and Size");
    name = field(wizard, "_Name:");
    capacity = field(wizard, "_Capacity:");
    allocation = field(wizard, "_Allocate now:");
    format = GTK_COMBO_BOX(
        gtk_label_get_mnemonic_widget(GTK_LABEL(find(wizard, GTK_TYPE_LABEL, "_Format:"))));
    backing = field(wizard, "_Backing store:");

    /* At first: no name, so no way on, and the free space is shown. */
    g_assert_false(page_complete(wizard, 0));
    assert_says(wizard, "Name the volume.");
    assert_says(wizard, "The pool “default-pool” has 8.0");
    gtk_entry_set_text(name, "a/b");
    g_assert_false(page_complete(wizard, 0));
    assert_says(wizard, "The volume name “a/b” is not valid");
    gtk_entry_set_text(name, "disk.qcow2");
    g_assert_true(page_complete(wizard, 0));
    spec = hako_create_volume_wizard_get_spec(HAKO_CREATE_VOLUME_WIZARD(wizard));
    g_assert_cmpstr(spec->name, ==, "disk.qcow2");
    g_assert_cmpuint(spec->capacity, ==, 20 * GiB);
    g_assert_cmpint(spec->format, ==, HAKO_VOLUME_FORMAT_QCOW2);
    /* 20 GiB in a pool with 8 free: allowed (nothing is taken yet), with a warning */
    assert_says(wizard, "more than the 8.0");

    /* sizes it cannot read, and an allocation that does not fit */
    gtk_entry_set_text(capacity, "lots");
    g_assert_false(page_complete(wizard, 0));
    assert_says(wizard, "lots");
    gtk_entry_set_text(capacity, "4 GiB");
    g_assert_true(page_complete(wizard, 0));
    gtk_entry_set_text(allocation, "9 GiB");
    g_assert_false(page_complete(wizard, 0));
    assert_says(wizard, "larger than the capacity");
    gtk_entry_set_text(capacity, "10 GiB");
    g_assert_false(page_complete(wizard, 0));
    assert_says(wizard, "does not fit");
    gtk_entry_set_text(allocation, "1 GiB");
    g_assert_true(page_complete(wizard, 0));

    /* The second page: a backing store must be an absolute path, and only qcow2 has one. */
    gtk_assistant_next_page(GTK_ASSISTANT(wizard));
    spin(50);
    g_assert_true(page_complete(wizard, 1));
    assert_says(wizard, "A qcow2 volume “disk.qcow2” of 10.0");
    assert_says(wizard, "It takes 1.0");
    gtk_entry_set_text(backing, "base.qcow2");
    g_assert_false(page_complete(wizard, 1));
    assert_says(wizard, "not an absolute path");
    gtk_entry_set_text(backing, "/var/lib/libvirt/images/base.qcow2");
    g_assert_true(page_complete(wizard, 1));
    assert_says(wizard, "It starts from “/var/lib/libvirt/images/base.qcow2”");
    spec = hako_create_volume_wizard_get_spec(HAKO_CREATE_VOLUME_WIZARD(wizard));
    g_assert_cmpstr(spec->backing_path, ==, "/var/lib/libvirt/images/base.qcow2");
    gtk_combo_box_set_active_id(format, "raw");
    g_assert_false(gtk_widget_get_sensitive(GTK_WIDGET(backing)));
    g_assert_cmpstr(gtk_entry_get_text(backing), ==, "");
    g_assert_true(page_complete(wizard, 1));
    assert_says(wizard, "A raw volume");

    gtk_widget_destroy(wizard);
    g_assert_null(wizard);
}

static void
created_cb(GtkWidget *wizard, const char *name, char **out)
{
    *out = g_strdup(name);
}

static void
test_apply(void)
{
    g_autoptr(HakoConnectionManager) manager = hako_connection_manager_new(NULL);
    HakoHost *host = hako_connection_manager_add(manager, "test:///default", HAKO_CONNECT_NONE);
    GtkWidget *wizard;
    g_autofree char *created = NULL;
    gint64 deadline;

    hako_connection_manager_connect(manager, host);
    deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
    while (!hako_host_is_connected(host) && g_get_monotonic_time() < deadline)
        g_main_context_iteration(NULL, TRUE);
    g_assert_true(hako_host_is_connected(host));

    wizard = hako_create_volume_wizard_new(NULL, manager, host, "default-pool", 0);
    g_object_add_weak_pointer(G_OBJECT(wizard), (gpointer *)&wizard);
    g_signal_connect(wizard, "volume-created", G_CALLBACK(created_cb), &created);
    gtk_widget_show(wizard);
    spin(50);
    gtk_entry_set_text(field(wizard, "_Name:"), "made.img");
    gtk_entry_set_text(field(wizard, "_Capacity:"), "1 MiB");
    gtk_assistant_next_page(GTK_ASSISTANT(wizard));
    spin(50);
    gtk_button_clicked(GTK_BUTTON(find(wizard, GTK_TYPE_BUTTON, "_Apply")));
    deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
    while (wizard != NULL && g_get_monotonic_time() < deadline)
        g_main_context_iteration(NULL, TRUE);
    g_assert_null(wizard);
    g_assert_cmpstr(created, ==, "made.img");
}

int
main(int argc, char *argv[])
{
    gtk_test_init(&argc, &argv, NULL);
    hako_engine_init();
    hako_ui_init();
    g_test_add_func("/wizards/create-volume/pages", test_pages);
    g_test_add_func("/wizards/create-volume/apply", test_apply);
    return g_test_run();
}
