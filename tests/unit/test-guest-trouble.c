/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests of HakoGuestTrouble: (state, reason) to what went wrong, and its text. */
#include "config.h"

#include "hako-domain-private.h"
#include "hako-guest-trouble.h"

#include <locale.h>
#include <string.h>

/* libvirt's reasons, as numbers (the model does not include libvirt) */
enum {
    PAUSED_USER = 1,
    PAUSED_MIGRATION = 2,
    PAUSED_IOERROR = 5,
    PAUSED_WATCHDOG = 6,
    PAUSED_CRASHED = 10,
    SHUTOFF_SHUTDOWN = 1,
    SHUTOFF_DESTROYED = 2,
    SHUTOFF_CRASHED = 3,
    CRASHED_UNKNOWN = 0,
    CRASHED_PANICKED = 1,
    RUNNING_BOOTED = 1,
};

static void
test_from_state(void)
{
    static const struct {
        HakoDomainState state;
        int reason;
        gboolean shutdown_ignored;
        HakoGuestTrouble expected;
    } cases[] = {
        {HAKO_DOMAIN_STATE_PAUSED, PAUSED_IOERROR, FALSE, HAKO_GUEST_TROUBLE_IO_ERROR},
        {HAKO_DOMAIN_STATE_PAUSED, PAUSED_IOERROR, TRUE, HAKO_GUEST_TROUBLE_IO_ERROR},
        {HAKO_DOMAIN_STATE_PAUSED, PAUSED_USER, FALSE, HAKO_GUEST_TROUBLE_NONE},
        {HAKO_DOMAIN_STATE_PAUSED, PAUSED_MIGRATION, FALSE, HAKO_GUEST_TROUBLE_NONE},
        {HAKO_DOMAIN_STATE_PAUSED, PAUSED_WATCHDOG, FALSE, HAKO_GUEST_TROUBLE_NONE},
        {HAKO_DOMAIN_STATE_PAUSED, PAUSED_CRASHED, FALSE, HAKO_GUEST_TROUBLE_CRASHED},
        {HAKO_DOMAIN_STATE_CRASHED, CRASHED_PANICKED, FALSE, HAKO_GUEST_TROUBLE_CRASHED},
        {HAKO_DOMAIN_STATE_CRASHED, CRASHED_UNKNOWN, FALSE, HAKO_GUEST_TROUBLE_CRASHED},
        {HAKO_DOMAIN_STATE_SHUTOFF, SHUTOFF_CRASHED, FALSE, HAKO_GUEST_TROUBLE_CRASHED_OFF},
        {HAKO_DOMAIN_STATE_SHUTOFF, SHUTOFF_SHUTDOWN, FALSE, HAKO_GUEST_TROUBLE_NONE},
        {HAKO_DOMAIN_STATE_SHUTOFF, SHUTOFF_DESTROYED, TRUE, HAKO_GUEST_TROUBLE_NONE},
        {HAKO_DOMAIN_STATE_RUNNING, RUNNING_BOOTED, FALSE, HAKO_GUEST_TROUBLE_NONE},
        {HAKO_DOMAIN_STATE_RUNNING, RUNNING_BOOTED, TRUE, HAKO_GUEST_TROUBLE_SHUTDOWN_IGNORED},
        {HAKO_DOMAIN_STATE_SHUTDOWN, 0, TRUE, HAKO_GUEST_TROUBLE_SHUTDOWN_IGNORED},
        {HAKO_DOMAIN_STATE_PMSUSPENDED, 0, TRUE, HAKO_GUEST_TROUBLE_NONE},
        {HAKO_DOMAIN_STATE_NOSTATE, 0, FALSE, HAKO_GUEST_TROUBLE_NONE},
    };

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_test_message("case %u: state %d reason %d", i, cases[i].state, cases[i].reason);
        g_assert_cmpint(hako_guest_trouble_from_state(cases[i].state, cases[i].reason,
                                                      cases[i].shutdown_ignored),
                        ==, cases[i].expected);
    }
}

static void
test_summary(void)
{
    g_assert_null(hako_guest_trouble_summary(HAKO_GUEST_TROUBLE_NONE));
    g_assert_cmpstr(hako_guest_trouble_summary(HAKO_GUEST_TROUBLE_IO_ERROR), ==,
                    "Paused: disk error");
    g_assert_cmpstr(hako_guest_trouble_summary(HAKO_GUEST_TROUBLE_CRASHED), ==, "Crashed");
    g_assert_cmpstr(hako_guest_trouble_summary(HAKO_GUEST_TROUBLE_CRASHED_OFF), ==,
                    "Shut off: crashed");
    g_assert_cmpstr(hako_guest_trouble_summary(HAKO_GUEST_TROUBLE_SHUTDOWN_IGNORED), ==,
                    "Running: ignored shut down");
}

static void
test_describe_io_error(void)
{
    g_autoptr(GPtrArray) errors =
        g_ptr_array_new_with_free_func((GDestroyNotify)hako_disk_error_free);
    g_autofree char *unknown = NULL;
    g_autofree char *text = NULL;

    /* Before libvirt has answered: the disk is not named yet, the fix is. */
    unknown = hako_guest_trouble_describe(HAKO_GUEST_TROUBLE_IO_ERROR, "web", NULL, NULL);
    g_assert_true(g_str_has_prefix(unknown, "“web” was paused because one of its disks failed."));
    g_assert_nonnull(strstr(unknown, "then resume the guest"));

    g_ptr_array_add(errors, hako_disk_error_new("vda", HAKO_DISK_ERROR_NO_SPACE));
    g_ptr_array_add(errors, hako_disk_error_new("vdb", HAKO_DISK_ERROR_UNSPEC));
    text = hako_guest_trouble_describe(HAKO_GUEST_TROUBLE_IO_ERROR, "web", errors, NULL);
    g_assert_nonnull(strstr(text, "There is no space left on the storage of disk vda."));
    g_assert_nonnull(strstr(text, "The host could not read or write disk vdb."));
    g_assert_nonnull(strstr(text, "grow its pool"));
}

static void
test_describe_others(void)
{
    g_autofree char *crashed = NULL;
    g_autofree char *crashed_nolog = NULL;
    g_autofree char *off = NULL;
    g_autofree char *ignored = NULL;

    crashed = hako_guest_trouble_describe(HAKO_GUEST_TROUBLE_CRASHED, "web", NULL,
                                          "/var/log/libvirt/qemu/web.log");
    g_assert_nonnull(strstr(crashed, "“web” crashed"));
    g_assert_nonnull(strstr(crashed, "/var/log/libvirt/qemu/web.log"));
    g_assert_nonnull(strstr(crashed, "Force it off, then run it again."));
    crashed_nolog = hako_guest_trouble_describe(HAKO_GUEST_TROUBLE_CRASHED, "web", NULL, NULL);
    g_assert_null(strstr(crashed_nolog, "log"));

    off = hako_guest_trouble_describe(HAKO_GUEST_TROUBLE_CRASHED_OFF, "web", NULL, "/l/web.log");
    g_assert_nonnull(strstr(off, "crashed and was shut off"));
    g_assert_nonnull(strstr(off, "/l/web.log"));

    ignored = hako_guest_trouble_describe(HAKO_GUEST_TROUBLE_SHUTDOWN_IGNORED, "web", NULL, NULL);
    g_assert_nonnull(strstr(ignored, "did not respond to the shutdown request"));
    g_assert_nonnull(strstr(ignored, "QEMU guest agent"));
    g_assert_nonnull(strstr(ignored, "ACPI"));
    g_assert_nonnull(strstr(ignored, "Force Off"));
}

static void
test_log_path(void)
{
    g_autofree char *system = hako_guest_trouble_log_path("qemu:///system", "web");
    g_autofree char *remote = hako_guest_trouble_log_path("qemu+ssh://h/system", "web");
    g_autofree char *session = hako_guest_trouble_log_path("qemu:///session", "web");
    g_autofree char *test = hako_guest_trouble_log_path("test:///default", "web");

    g_assert_cmpstr(system, ==, "/var/log/libvirt/qemu/web.log");
    g_assert_cmpstr(remote, ==, "/var/log/libvirt/qemu/web.log");
    g_assert_cmpstr(session, ==, "~/.cache/libvirt/qemu/log/web.log");
    g_assert_null(test);
}

/* The shutdown flag follows the guest: refused once it stopped, cleared when it stops. */
static void
test_domain_shutdown_ignored(void)
{
    HakoDomain *domain = _hako_domain_new(NULL, "11111111-2222-3333-4444-555555555555");

    g_object_add_weak_pointer(G_OBJECT(domain), (gpointer *)&domain);

    _hako_domain_set_state(domain, HAKO_DOMAIN_STATE_SHUTOFF, SHUTOFF_SHUTDOWN);
    _hako_domain_set_shutdown_ignored(domain, TRUE);
    g_assert_false(hako_domain_get_shutdown_ignored(domain));

    _hako_domain_set_state(domain, HAKO_DOMAIN_STATE_RUNNING, RUNNING_BOOTED);
    _hako_domain_set_shutdown_ignored(domain, TRUE);
    g_assert_true(hako_domain_get_shutdown_ignored(domain));
    g_assert_cmpint(hako_domain_get_trouble(domain), ==, HAKO_GUEST_TROUBLE_SHUTDOWN_IGNORED);

    _hako_domain_set_state(domain, HAKO_DOMAIN_STATE_SHUTOFF, SHUTOFF_DESTROYED);
    g_assert_false(hako_domain_get_shutdown_ignored(domain));
    g_assert_cmpint(hako_domain_get_trouble(domain), ==, HAKO_GUEST_TROUBLE_NONE);

    _hako_domain_set_state(domain, HAKO_DOMAIN_STATE_PAUSED, PAUSED_IOERROR);
    g_assert_cmpint(hako_domain_get_trouble(domain), ==, HAKO_GUEST_TROUBLE_IO_ERROR);

    g_object_unref(domain);
    g_assert_null(domain);
}

int
main(int argc, char **argv)
{
    setlocale(LC_ALL, "");
    g_test_init(&argc, &argv, NULL);

    g_test_add_func("/model/guest-trouble/from-state", test_from_state);
    g_test_add_func("/model/guest-trouble/summary", test_summary);
    g_test_add_func("/model/guest-trouble/describe-io-error", test_describe_io_error);
    g_test_add_func("/model/guest-trouble/describe-others", test_describe_others);
    g_test_add_func("/model/guest-trouble/log-path", test_log_path);
    g_test_add_func("/model/guest-trouble/domain-shutdown-ignored", test_domain_shutdown_ignored);
    return g_test_run();
}
