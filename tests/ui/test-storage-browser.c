/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The storage browser over a test-driver host: a volume chosen in it comes back as its path
 * (by Choose Volume and by a double click), Cancel returns nothing, and Choose Volume waits for
 * a volume. Needs a display (the ui suite runs under Xvfb). */
#include "config.h"

#include "hako-connection-manager.h"
#include "hako-engine.h"
#include "hako-storage-browser.h"
#include "hako-storage.h"
#include "hako-ui.h"

#define POOL "default-pool"

typedef struct {
    HakoConnectionManager *manager;
    HakoHost *host;
    HakoStorage *storage;
    HakoStorageVolume *volume; /* made in the pool once: test:///default lives as long as the
                                * process, and its pool takes one volume of a name */
    GtkWidget *browser;
    char *chosen;
    guint n_chosen;
} Fixture;

static HakoStorageVolume *shared_volume;

typedef gboolean (*Predicate)(gpointer data);

static gboolean
wait_for(Predicate done, gpointer data, guint timeout_ms)
{
    gint64 deadline = g_get_monotonic_time() + timeout_ms * (gint64)1000;

    while (!done(data) && g_get_monotonic_time() < deadline)
        g_main_context_iteration(NULL, FALSE) || (g_usleep(1000), TRUE);
    while (g_main_context_iteration(NULL, FALSE))
        ;
    return done(data);
}

static gboolean
host_settled(gpointer data)
{
    Fixture *f = data;

    return hako_host_get_state(f->host) != HAKO_HOST_STATE_CONNECTING;
}

static gboolean
is_nonnull(gpointer data)
{
    return *(gpointer *)data != NULL;
}

static gboolean
is_null(gpointer data)
{
    return *(gpointer *)data == NULL;
}

static void
created_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    Fixture *f = user_data;
    g_autoptr(GError) error = NULL;

    f->volume = hako_storage_create_volume_finish(HAKO_STORAGE(source), result, &error);
    g_assert_no_error(error);
    g_assert_true(g_main_context_is_owner(g_main_context_default()));
}

static void
chosen_cb(HakoStorageBrowser *browser, const char *path, Fixture *f)
{
    g_free(f->chosen);
    f->chosen = g_strdup(path);
    f->n_chosen++;
}

static void
fixture_set_up(Fixture *f, gconstpointer data)
{
    g_autoptr(HakoVolumeSpec) spec = hako_volume_spec_new();

    f->manager = hako_connection_manager_new(NULL);
    f->host = hako_connection_manager_add(f->manager, "test:///default", HAKO_CONNECT_NONE);
    hako_connection_manager_connect(f->manager, f->host);
    g_assert_true(wait_for(host_settled, f, 10000));
    g_assert_cmpint(hako_host_get_state(f->host), ==, HAKO_HOST_STATE_CONNECTED);

    f->storage = hako_storage_new(f->manager);
    if (shared_volume == NULL) {
        spec->name = g_strdup("hako-browser.img");
        spec->format = HAKO_VOLUME_FORMAT_RAW;
        spec->capacity = 1024 * 1024;
        hako_storage_create_volume_async(f->storage, f->host, POOL, spec, NULL, created_cb, f);
        g_assert_true(wait_for(is_nonnull, &f->volume, 10000));
        g_assert_nonnull(f->volume->path);
        shared_volume = hako_storage_volume_copy(f->volume);
    } else {
        f->volume = hako_storage_volume_copy(shared_volume);
    }

    f->browser = hako_storage_browser_new(NULL, f->manager, f->host);
    g_signal_connect(f->browser, "chosen", G_CALLBACK(chosen_cb), f);
    g_object_add_weak_pointer(G_OBJECT(f->browser), (gpointer *)&f->browser);
    gtk_widget_show(f->browser);
}

static void
fixture_tear_down(Fixture *f, gconstpointer data)
{
    if (f->browser != NULL)
        gtk_widget_destroy(f->browser);
    g_assert_true(wait_for(is_null, &f->browser, 5000));
    g_clear_pointer(&f->volume, hako_storage_volume_free);
    g_clear_object(&f->storage);
    g_clear_object(&f->manager);
    while (g_main_context_iteration(NULL, FALSE))
        ;
    g_free(f->chosen);
}

static gboolean
volume_chosen(gpointer data)
{
    Fixture *f = data;
    HakoStoragePage *page = hako_storage_browser_get_page(HAKO_STORAGE_BROWSER(f->browser));

    return g_strcmp0(hako_storage_page_get_chosen_path(page), f->volume->path) == 0;
}

static GtkWidget *
choose_button(Fixture *f)
{
    return gtk_dialog_get_widget_for_response(GTK_DIALOG(f->browser), GTK_RESPONSE_ACCEPT);
}

static void
test_choose_volume(Fixture *f, gconstpointer data)
{
    HakoStoragePage *page = hako_storage_browser_get_page(HAKO_STORAGE_BROWSER(f->browser));

    /* Nothing chosen yet: nothing to return. */
    g_assert_false(gtk_widget_get_sensitive(choose_button(f)));
    hako_storage_page_select(page, POOL, f->volume->name);
    g_assert_true(wait_for(volume_chosen, f, 10000));
    g_assert_true(gtk_widget_get_sensitive(choose_button(f)));
    gtk_button_clicked(GTK_BUTTON(choose_button(f)));
    g_assert_cmpuint(f->n_chosen, ==, 1);
    g_assert_cmpstr(f->chosen, ==, f->volume->path);
    /* It closes itself once chosen. */
    g_assert_true(wait_for(is_null, &f->browser, 5000));
}

static void
test_cancel(Fixture *f, gconstpointer data)
{
    HakoStoragePage *page = hako_storage_browser_get_page(HAKO_STORAGE_BROWSER(f->browser));

    hako_storage_page_select(page, POOL, f->volume->name);
    g_assert_true(wait_for(volume_chosen, f, 10000));
    gtk_dialog_response(GTK_DIALOG(f->browser), GTK_RESPONSE_CANCEL);
    g_assert_true(wait_for(is_null, &f->browser, 5000));
    g_assert_cmpuint(f->n_chosen, ==, 0);
    g_assert_null(f->chosen);
}

static void
test_volume_activated(Fixture *f, gconstpointer data)
{
    HakoStoragePage *page = hako_storage_browser_get_page(HAKO_STORAGE_BROWSER(f->browser));

    hako_storage_page_select(page, POOL, f->volume->name);
    g_assert_true(wait_for(volume_chosen, f, 10000));
    /* What a double click on the row emits. */
    g_signal_emit_by_name(page, "volume-activated", f->volume->path);
    g_assert_cmpuint(f->n_chosen, ==, 1);
    g_assert_cmpstr(f->chosen, ==, f->volume->path);
    g_assert_true(wait_for(is_null, &f->browser, 5000));
}

int
main(int argc, char *argv[])
{
    g_test_init(&argc, &argv, NULL);
    hako_engine_init();
    gtk_init(&argc, &argv);
    hako_ui_init();

    g_test_add("/ui/storage-browser/choose-volume", Fixture, NULL, fixture_set_up,
               test_choose_volume, fixture_tear_down);
    g_test_add("/ui/storage-browser/cancel", Fixture, NULL, fixture_set_up, test_cancel,
               fixture_tear_down);
    g_test_add("/ui/storage-browser/double-click", Fixture, NULL, fixture_set_up,
               test_volume_activated, fixture_tear_down);
    return g_test_run();
}
