/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Guests in trouble, provoked for real against a private libvirtd: a guest that fills its disk
 * on a small tmpfs is paused with an I/O error and the engine names the disk and the error
 * (no space); a guest that writes to its pvpanic port is reported crashed (panicked) and kept,
 * or, with <on_crash>destroy</on_crash>, shut off (crashed);
 * a guest that ignores the ACPI shutdown request gets HakoDomain:shutdown-ignored after the
 * (shortened) timeout, which Force Off clears.
 *
 * Run by tests/harness/with-private-libvirtd (HAKO_TEST_URI, HAKO_TEST_IMAGES,
 * HAKO_TEST_ACPI_GUEST); HAKO_SHUTDOWN_TIMEOUT is set here. */
#include "config.h"

#include "hako-connection-manager.h"
#include "hako-domain-ops.h"
#include "hako-engine.h"
#include "hako-test-util.h"

#include <string.h>

static const char *uri;
static HakoConnectionManager *manager;
static HakoHost *host;
static HakoDomainOps *ops;

static gboolean
domain_listed(gpointer data)
{
    return hako_domain_list_lookup_by_name(hako_host_get_domains(host), data) != NULL;
}

static HakoDomain *
domain(const char *name)
{
    g_assert_true(hako_test_wait_until(domain_listed, (gpointer)name, 10000));
    return hako_domain_list_lookup_by_name(hako_host_get_domains(host), name);
}

static void
run_tool(const char *const *argv)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *err = NULL;
    int status = -1;

    g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                               NULL, &err, &status, &error));
    g_assert_no_error(error);
    if (status != 0)
        g_test_message("%s: %s", argv[0], err);
    g_assert_cmpint(status, ==, 0);
}

static void
lifecycle(HakoDomain *dom, HakoDomainAction action)
{
    HakoTestWait w = {FALSE, NULL};
    g_autoptr(GError) error = NULL;

    hako_domain_ops_lifecycle_async(ops, dom, action, NULL, hako_test_wait_done_cb, &w);
    g_assert_true(hako_test_wait_until(hako_test_wait_is_done, &w, 60000));
    g_assert_true(hako_domain_ops_lifecycle_finish(ops, w.result, &error));
    g_assert_no_error(error);
    g_object_unref(w.result);
}

static gboolean
has_trouble(gpointer data)
{
    HakoDomain *dom = data;
    HakoGuestTrouble wanted = GPOINTER_TO_INT(g_object_get_data(G_OBJECT(dom), "wanted"));

    return hako_domain_get_trouble(dom) == wanted;
}

static void
wait_trouble(HakoDomain *dom, HakoGuestTrouble wanted, guint timeout_ms)
{
    g_object_set_data(G_OBJECT(dom), "wanted", GINT_TO_POINTER(wanted));
    g_assert_true(hako_test_wait_until(has_trouble, dom, timeout_ms));
}

static GPtrArray *
disk_errors(HakoDomain *dom)
{
    HakoTestWait w = {FALSE, NULL};
    g_autoptr(GError) error = NULL;
    GPtrArray *errors;

    hako_domain_ops_get_disk_errors_async(ops, dom, NULL, hako_test_wait_done_cb, &w);
    g_assert_true(hako_test_wait_until(hako_test_wait_is_done, &w, 60000));
    errors = hako_domain_ops_get_disk_errors_finish(ops, w.result, &error);
    g_assert_no_error(error);
    g_assert_nonnull(errors);
    g_object_unref(w.result);
    return errors;
}

static void
test_disk_full(void)
{
    g_autofree char *harness = g_path_get_dirname(g_getenv("HAKO_TEST_ACPI_GUEST"));
    g_autofree char *tool = g_build_filename(harness, "full-disk-guest", NULL);
    g_autofree char *dir = g_build_filename(g_getenv("HAKO_TEST_IMAGES"), "full", NULL);
    const char *define[] = {tool, "hako-fill", dir, NULL};
    const char *free_space[] = {tool, "--free", "hako-fill", dir, NULL};
    g_autoptr(GPtrArray) errors = NULL;
    g_autofree char *text = NULL;
    const HakoDiskError *error;
    HakoDomain *dom;

    run_tool(define);
    dom = domain("hako-fill");
    lifecycle(dom, HAKO_DOMAIN_ACTION_RUN);

    /* The guest writes until the 8 MiB tmpfs is full: QEMU stops it, libvirt says why. */
    wait_trouble(dom, HAKO_GUEST_TROUBLE_IO_ERROR, 60000);
    g_assert_cmpint(hako_domain_get_state(dom), ==, HAKO_DOMAIN_STATE_PAUSED);
    g_assert_cmpint(hako_domain_get_state_reason(dom), ==, 5 /* VIR_DOMAIN_PAUSED_IOERROR */);

    errors = disk_errors(dom);
    g_assert_cmpuint(errors->len, ==, 1);
    error = g_ptr_array_index(errors, 0);
    g_assert_cmpstr(error->disk, ==, "vda");
    g_assert_cmpint(error->code, ==, HAKO_DISK_ERROR_NO_SPACE);
    text = hako_guest_trouble_describe(hako_domain_get_trouble(dom), "hako-fill", errors, NULL);
    g_assert_nonnull(strstr(text, "no space left on the storage of disk vda"));

    /* The fix the message gives: free space, then Resume. */
    run_tool(free_space);
    lifecycle(dom, HAKO_DOMAIN_ACTION_RESUME);
    lifecycle(dom, HAKO_DOMAIN_ACTION_FORCE_OFF);
    wait_trouble(dom, HAKO_GUEST_TROUBLE_NONE, 30000);
}

static void
test_panic(void)
{
    g_autofree char *dir = g_build_filename(g_getenv("HAKO_TEST_IMAGES"), "panic", NULL);
    const char *define[] = {
        g_getenv("HAKO_TEST_ACPI_GUEST"), "--panic", uri, "hako-panic", dir, NULL};
    HakoDomain *dom;

    run_tool(define);
    dom = domain("hako-panic");
    lifecycle(dom, HAKO_DOMAIN_ACTION_RUN);

    wait_trouble(dom, HAKO_GUEST_TROUBLE_CRASHED, 60000);
    g_assert_cmpint(hako_domain_get_state(dom), ==, HAKO_DOMAIN_STATE_CRASHED);
    g_assert_cmpint(hako_domain_get_state_reason(dom), ==, 1 /* VIR_DOMAIN_CRASHED_PANICKED */);
    g_assert_true(hako_domain_can(dom, HAKO_DOMAIN_ACTION_FORCE_OFF));

    lifecycle(dom, HAKO_DOMAIN_ACTION_FORCE_OFF);
    wait_trouble(dom, HAKO_GUEST_TROUBLE_NONE, 30000);
}

/* With <on_crash>destroy</on_crash> the panicked guest is shut off, reason crashed. */
static void
test_panic_destroyed(void)
{
    g_autofree char *dir = g_build_filename(g_getenv("HAKO_TEST_IMAGES"), "panic-off", NULL);
    const char *define[] = {
        g_getenv("HAKO_TEST_ACPI_GUEST"), "--panic", uri, "hako-panic-off", dir, NULL};
    g_autofree char *text = NULL;
    HakoDomain *dom;

    g_setenv("ACPI_GUEST_ON_CRASH", "destroy", TRUE);
    run_tool(define);
    g_unsetenv("ACPI_GUEST_ON_CRASH");
    dom = domain("hako-panic-off");
    lifecycle(dom, HAKO_DOMAIN_ACTION_RUN);

    wait_trouble(dom, HAKO_GUEST_TROUBLE_CRASHED_OFF, 60000);
    g_assert_cmpint(hako_domain_get_state(dom), ==, HAKO_DOMAIN_STATE_SHUTOFF);
    g_assert_cmpint(hako_domain_get_state_reason(dom), ==, 3 /* VIR_DOMAIN_SHUTOFF_CRASHED */);
    g_assert_true(hako_domain_can(dom, HAKO_DOMAIN_ACTION_RUN));
    text = hako_guest_trouble_describe(hako_domain_get_trouble(dom), "hako-panic-off", NULL,
                                       "/l/hako-panic-off.log");
    g_assert_nonnull(strstr(text, "crashed and was shut off"));
}

static gboolean
shutdown_ignored(gpointer data)
{
    return hako_domain_get_shutdown_ignored(data);
}

static void
test_shutdown_ignored(void)
{
    g_autofree char *dir = g_build_filename(g_getenv("HAKO_TEST_IMAGES"), "ignore", NULL);
    const char *define[] = {
        g_getenv("HAKO_TEST_ACPI_GUEST"), "--ignore-acpi", uri, "hako-ignore", dir, NULL};
    gint64 asked;
    HakoDomain *dom;

    run_tool(define);
    dom = domain("hako-ignore");
    lifecycle(dom, HAKO_DOMAIN_ACTION_RUN);
    wait_trouble(dom, HAKO_GUEST_TROUBLE_NONE, 30000);
    g_assert_cmpint(hako_domain_get_state(dom), ==, HAKO_DOMAIN_STATE_RUNNING);

    asked = g_get_monotonic_time();
    lifecycle(dom, HAKO_DOMAIN_ACTION_SHUTDOWN);
    g_assert_false(hako_domain_get_shutdown_ignored(dom));
    g_assert_true(hako_test_wait_until(shutdown_ignored, dom, 20000));
    /* Not before the timeout (2 s here). */
    g_assert_cmpint(g_get_monotonic_time() - asked, >=, 2 * G_USEC_PER_SEC - 100000);
    g_assert_cmpint(hako_domain_get_trouble(dom), ==, HAKO_GUEST_TROUBLE_SHUTDOWN_IGNORED);

    lifecycle(dom, HAKO_DOMAIN_ACTION_FORCE_OFF);
    wait_trouble(dom, HAKO_GUEST_TROUBLE_NONE, 30000);
    g_assert_false(hako_domain_get_shutdown_ignored(dom));
}

static gboolean
is_state(gpointer data)
{
    HakoDomain *dom = data;

    return (int)hako_domain_get_state(dom) ==
           GPOINTER_TO_INT(g_object_get_data(G_OBJECT(dom), "wanted-state"));
}

static void
wait_state(HakoDomain *dom, HakoDomainState state)
{
    g_object_set_data(G_OBJECT(dom), "wanted-state", GINT_TO_POINTER(state));
    g_assert_true(hako_test_wait_until(is_state, dom, 30000));
}

/* A guest stopped after the request and run again within the timeout did not ignore it. */
static void
test_shutdown_restarted(void)
{
    HakoDomain *dom = domain("hako-ignore");

    lifecycle(dom, HAKO_DOMAIN_ACTION_RUN);
    wait_state(dom, HAKO_DOMAIN_STATE_RUNNING);
    lifecycle(dom, HAKO_DOMAIN_ACTION_SHUTDOWN);
    lifecycle(dom, HAKO_DOMAIN_ACTION_FORCE_OFF);
    wait_state(dom, HAKO_DOMAIN_STATE_SHUTOFF);
    lifecycle(dom, HAKO_DOMAIN_ACTION_RUN);
    wait_state(dom, HAKO_DOMAIN_STATE_RUNNING);
    hako_test_spin(3000); /* past the 2 s of the first request */
    g_assert_false(hako_domain_get_shutdown_ignored(dom));
    lifecycle(dom, HAKO_DOMAIN_ACTION_FORCE_OFF);
    wait_state(dom, HAKO_DOMAIN_STATE_SHUTOFF);
}

/* A guest that does power off on ACPI never gets the flag. */
static void
test_shutdown_obeyed(void)
{
    HakoDomain *dom = domain(g_getenv("HAKO_TEST_GUEST"));

    lifecycle(dom, HAKO_DOMAIN_ACTION_RUN);
    hako_test_spin(1000);
    lifecycle(dom, HAKO_DOMAIN_ACTION_SHUTDOWN);
    hako_test_spin(4000);
    g_assert_cmpint(hako_domain_get_state(dom), ==, HAKO_DOMAIN_STATE_SHUTOFF);
    g_assert_false(hako_domain_get_shutdown_ignored(dom));
}

int
main(int argc, char *argv[])
{
    HakoDomainOps *weak;
    int status;

    g_setenv("HAKO_SHUTDOWN_TIMEOUT", "2", TRUE);
    g_test_init(&argc, &argv, NULL);
    hako_engine_init();

    uri = g_getenv("HAKO_TEST_URI");
    g_assert_nonnull(uri);
    g_assert_nonnull(g_getenv("HAKO_TEST_IMAGES"));
    g_assert_nonnull(g_getenv("HAKO_TEST_ACPI_GUEST"));

    manager = hako_connection_manager_new(NULL);
    host = hako_connection_manager_add(manager, uri, HAKO_CONNECT_NONE);
    hako_connection_manager_connect(manager, host);
    g_assert_true(hako_test_wait_until(hako_test_host_connected, host, 60000));
    ops = hako_domain_ops_new(manager);

    g_test_add_func("/engine/guest-trouble/real/disk-full", test_disk_full);
    g_test_add_func("/engine/guest-trouble/real/panic", test_panic);
    g_test_add_func("/engine/guest-trouble/real/panic-destroyed", test_panic_destroyed);
    g_test_add_func("/engine/guest-trouble/real/shutdown-ignored", test_shutdown_ignored);
    g_test_add_func("/engine/guest-trouble/real/shutdown-restarted", test_shutdown_restarted);
    g_test_add_func("/engine/guest-trouble/real/shutdown-obeyed", test_shutdown_obeyed);
    status = g_test_run();

    weak = ops;
    g_object_add_weak_pointer(G_OBJECT(ops), (gpointer *)&weak);
    g_clear_object(&ops);
    g_assert_null(weak);
    g_clear_object(&manager);
    return status;
}
