/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoCredentials against a real keyring (gnome-keyring in a session of the test's own, see
 * tests/harness/with-keyring). */
#include "config.h"

#include "hako-credentials.h"
#include "hako-test-util.h"

#define URI "qemu:///system"
#define UUID "6f3b9a52-8e7c-4d1a-9b0e-3c2f1a4d5e6f"
#define OTHER_UUID "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"

typedef struct {
    gboolean done;
    GAsyncResult *result;
} Wait;

static void
done_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    Wait *w = user_data;

    w->result = g_object_ref(result);
    w->done = TRUE;
}

static gboolean
is_done(gpointer data)
{
    return ((Wait *)data)->done;
}

static char *
lookup(const char *uuid)
{
    Wait w = {FALSE, NULL};
    g_autoptr(GError) error = NULL;
    char *password;

    hako_credentials_lookup_display_password_async(URI, uuid, NULL, done_cb, &w);
    g_assert_true(hako_test_wait_until(is_done, &w, 10000));
    password = hako_credentials_lookup_display_password_finish(w.result, &error);
    g_assert_no_error(error);
    g_object_unref(w.result);
    return password;
}

static void
test_store_lookup_clear(void)
{
    Wait w = {FALSE, NULL};
    g_autoptr(GError) error = NULL;
    g_autofree char *nothing = NULL;
    g_autofree char *kept = NULL;
    g_autofree char *other = NULL;
    g_autofree char *gone = NULL;

    nothing = lookup(UUID);
    g_assert_null(nothing);

    hako_credentials_store_display_password_async(URI, UUID, "guest", "s3cret ünïcode", NULL,
                                                  done_cb, &w);
    g_assert_true(hako_test_wait_until(is_done, &w, 10000));
    g_assert_true(hako_credentials_store_display_password_finish(w.result, &error));
    g_assert_no_error(error);
    g_clear_object(&w.result);

    kept = lookup(UUID);
    g_assert_cmpstr(kept, ==, "s3cret ünïcode");
    /* Another guest, or the same guest on another host, has none. */
    other = lookup(OTHER_UUID);
    g_assert_null(other);

    w.done = FALSE;
    hako_credentials_clear_display_password_async(URI, UUID, NULL, done_cb, &w);
    g_assert_true(hako_test_wait_until(is_done, &w, 10000));
    g_assert_true(hako_credentials_clear_display_password_finish(w.result, &error));
    g_assert_no_error(error);
    g_clear_object(&w.result);
    gone = lookup(UUID);
    g_assert_null(gone);
}

int
main(int argc, char *argv[])
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/engine/credentials/store-lookup-clear", test_store_lookup_clear);
    return g_test_run();
}
