/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoViewerWindow over a test-driver host and a refused address: its title, finding a guest by
 * name, ID or UUID, a missing or stopped guest (with and without --wait), and the exit status an
 * error leaves. Needs a display (the ui suite runs under Xvfb). */
#include "config.h"

#include "hako-connection-manager.h"
#include "hako-engine.h"
#include "hako-ui.h"
#include "hako-viewer-target.h"
#include "hako-viewer-window.h"

#define RUNNING_UUID "6861686b-6f00-4000-8000-000000000001"
#define RUNNING_NAME "tdguest-running-01"
#define SHUTOFF_NAME "tdguest-shutoff-01"

typedef struct {
    char *uri;
    HakoConnectionManager *manager;
    HakoViewerWindow *window;
} Fixture;

/* One for the whole run: a registered GtkApplication keeps a reference to itself. */
static GtkApplication *test_app;

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
failed(gpointer data)
{
    Fixture *f = data;

    return hako_viewer_window_get_exit_status(f->window) != 0;
}

static gboolean
host_connected(gpointer data)
{
    Fixture *f = data;
    HakoHost *host = hako_connection_manager_lookup(f->manager, f->uri);

    return host != NULL && hako_host_get_state(host) == HAKO_HOST_STATE_CONNECTED;
}

static void
fixture_set_up(Fixture *f, gconstpointer data)
{
    f->uri = g_strdup_printf("test://%s",
                             g_test_get_filename(G_TEST_DIST, "data", "testdriver.xml", NULL));
    f->manager = hako_connection_manager_new(NULL);
}

static void
fixture_tear_down(Fixture *f, gconstpointer data)
{
    if (f->window != NULL) {
        g_object_add_weak_pointer(G_OBJECT(f->window), (gpointer *)&f->window);
        gtk_widget_destroy(GTK_WIDGET(f->window));
        while (g_main_context_iteration(NULL, FALSE))
            ;
        g_assert_null(f->window);
    }
    g_clear_object(&f->manager);
    while (g_main_context_iteration(NULL, FALSE))
        ;
    g_free(f->uri);
}

static void
open_window(Fixture *f, const char *argument, const HakoViewerOptions *options)
{
    static const HakoViewerOptions none = {0};
    g_autoptr(GError) error = NULL;
    g_autoptr(HakoViewerTarget) target =
        hako_viewer_target_new_for_argument(argument, f->uri, &error);

    g_assert_no_error(error);
    f->window = hako_viewer_window_new(test_app, f->manager, target, options ? options : &none);
    gtk_widget_show(GTK_WIDGET(f->window));
}

/* ---------------------------------------------------------------------------------------- */

static void
test_missing_guest(Fixture *f, gconstpointer data)
{
    open_window(f, "hako-no-such-guest", NULL);
    g_assert_cmpstr(gtk_window_get_title(GTK_WINDOW(f->window)), ==,
                    "hako-no-such-guest - Hako Viewer");
    g_assert_true(wait_for(failed, f, 10000));
    g_assert_cmpint(hako_viewer_window_get_exit_status(f->window), ==, 1);
}

static void
test_missing_guest_waits(Fixture *f, gconstpointer data)
{
    HakoViewerOptions options = {.wait = TRUE};

    open_window(f, "hako-no-such-guest", &options);
    g_assert_true(wait_for(host_connected, f, 10000));
    /* Waiting is not an error. */
    g_assert_false(wait_for(failed, f, 300));
}

static void
test_stopped_guest(Fixture *f, gconstpointer data)
{
    HakoViewerOptions options = {.wait = GPOINTER_TO_INT(data)};

    open_window(f, SHUTOFF_NAME, &options);
    g_assert_true(wait_for(host_connected, f, 10000));
    if (options.wait) {
        g_assert_false(wait_for(failed, f, 300));
    } else {
        g_assert_true(wait_for(failed, f, 10000));
    }
    g_assert_cmpstr(gtk_window_get_title(GTK_WINDOW(f->window)), ==, SHUTOFF_NAME " - Hako Viewer");
}

/* By UUID, the window takes the guest's name once found. The test driver's guests have no
 * display, which the Console page says, and that is an error too. */
static void
test_guest_by_uuid(Fixture *f, gconstpointer data)
{
    open_window(f, RUNNING_UUID, NULL);
    g_assert_cmpstr(gtk_window_get_title(GTK_WINDOW(f->window)), ==, RUNNING_UUID " - Hako Viewer");
    g_assert_true(wait_for(failed, f, 10000));
    g_assert_cmpstr(gtk_window_get_title(GTK_WINDOW(f->window)), ==, RUNNING_NAME " - Hako Viewer");
}

static void
test_refused_address(Fixture *f, gconstpointer data)
{
    HakoViewerOptions options = {.title = data};

    open_window(f, "vnc://127.0.0.1:1", &options);
    g_assert_cmpstr(gtk_window_get_title(GTK_WINDOW(f->window)), ==,
                    data != NULL ? data : "vnc://127.0.0.1:1 - Hako Viewer");
    g_assert_true(wait_for(failed, f, 10000));
}

int
main(int argc, char *argv[])
{
    g_autoptr(GError) error = NULL;

    g_test_init(&argc, &argv, NULL);
    hako_engine_init();
    gtk_init(&argc, &argv);
    hako_ui_init();
    test_app = gtk_application_new("org.hako.Hako.TestViewerWindow", G_APPLICATION_NON_UNIQUE);
    g_assert_true(g_application_register(G_APPLICATION(test_app), NULL, &error));
    g_assert_no_error(error);

#define ADD(path, data, func)                                                                      \
    g_test_add(path, Fixture, data, fixture_set_up, func, fixture_tear_down)
    ADD("/ui/viewer-window/guest/missing", NULL, test_missing_guest);
    ADD("/ui/viewer-window/guest/missing-waits", NULL, test_missing_guest_waits);
    ADD("/ui/viewer-window/guest/stopped", GINT_TO_POINTER(FALSE), test_stopped_guest);
    ADD("/ui/viewer-window/guest/stopped-waits", GINT_TO_POINTER(TRUE), test_stopped_guest);
    ADD("/ui/viewer-window/guest/by-uuid", NULL, test_guest_by_uuid);
    ADD("/ui/viewer-window/address/refused", NULL, test_refused_address);
    ADD("/ui/viewer-window/address/title", "A title of its own", test_refused_address);
#undef ADD
    return g_test_run();
}
