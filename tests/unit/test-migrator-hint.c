/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The sentence HakoMigrator adds to a failed post-copy migration when the destination's QEMU
 * cannot do post-copy (it may not use userfaultfd), and none for other failures. */
#include "config.h"

#include "hako-migrator-private.h"

#include <string.h>

static void
test_refused(void)
{
    /* libvirt 9.0 with QEMU 7.2, vm.unprivileged_userfaultfd = 0, QEMU not privileged */
    g_autofree char *hint =
        _hako_migrator_post_copy_hint("internal error: unable to execute QEMU command "
                                      "'migrate-set-capabilities': Postcopy is not supported",
                                      "host-b");

    g_assert_nonnull(hint);
    g_assert_nonnull(strstr(hint, "“host-b”"));
    g_assert_nonnull(strstr(hint, "userfaultfd"));
    g_assert_nonnull(strstr(hint, "without post-copy"));
}

static void
test_other_forms(void)
{
    g_autofree char *detailed =
        _hako_migrator_post_copy_hint("Postcopy is not supported: Userfaultfd not available", "b");
    g_autofree char *spelled = _hako_migrator_post_copy_hint("post-copy is not supported", "b");

    g_assert_nonnull(detailed);
    g_assert_nonnull(spelled);
}

static void
test_unrelated(void)
{
    g_assert_null(_hako_migrator_post_copy_hint(NULL, "b"));
    g_assert_null(_hako_migrator_post_copy_hint("", "b"));
    g_assert_null(_hako_migrator_post_copy_hint("operation aborted: migration out job: canceled "
                                                "by client",
                                                "b"));
    g_assert_null(_hako_migrator_post_copy_hint("Unable to read from monitor: Connection reset "
                                                "by peer",
                                                "b"));
}

int
main(int argc, char *argv[])
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/engine/migrator/post-copy-hint/refused", test_refused);
    g_test_add_func("/engine/migrator/post-copy-hint/other-forms", test_other_forms);
    g_test_add_func("/engine/migrator/post-copy-hint/unrelated", test_unrelated);
    return g_test_run();
}
