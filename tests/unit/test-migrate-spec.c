/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests of HakoMigrateSpec (the combinations libvirt refuses, each with its reason) and of
 * the preflight helpers (worst status, counts, lookups, copies). */
#include "config.h"

#include "hako-migrate-spec.h"
#include "hako-model-types.h"

#include <locale.h>
#include <string.h>

typedef void (*SpecEdit)(HakoMigrateSpec *spec);

typedef struct {
    const char *name;
    SpecEdit edit;
    const char *reason; /* a part of the message, or NULL when the spec is valid */
} SpecCase;

static void
edit_none(HakoMigrateSpec *spec G_GNUC_UNUSED)
{
}

static void
edit_tunnelled(HakoMigrateSpec *spec)
{
    spec->tunnelled = TRUE;
}

static void
edit_tunnelled_p2p(HakoMigrateSpec *spec)
{
    spec->tunnelled = TRUE;
    spec->peer_to_peer = TRUE;
}

static void
edit_tunnelled_address(HakoMigrateSpec *spec)
{
    edit_tunnelled_p2p(spec);
    spec->migrate_uri = g_strdup("tcp://10.0.0.2");
}

static void
edit_tunnelled_post_copy(HakoMigrateSpec *spec)
{
    edit_tunnelled_p2p(spec);
    spec->post_copy = TRUE;
}

static void
edit_tunnelled_copy(HakoMigrateSpec *spec)
{
    edit_tunnelled_p2p(spec);
    spec->copy_storage = HAKO_MIGRATE_COPY_STORAGE_INCREMENTAL;
}

static void
edit_post_copy_bandwidth(HakoMigrateSpec *spec)
{
    spec->post_copy_bandwidth = 8;
}

static void
edit_post_copy_with_bandwidth(HakoMigrateSpec *spec)
{
    spec->post_copy = TRUE;
    spec->post_copy_bandwidth = 8;
}

static void
edit_offline(HakoMigrateSpec *spec)
{
    spec->live = FALSE;
}

static void
edit_offline_post_copy(HakoMigrateSpec *spec)
{
    spec->live = FALSE;
    spec->post_copy = TRUE;
}

static void
edit_offline_auto_converge(HakoMigrateSpec *spec)
{
    spec->live = FALSE;
    spec->auto_converge = TRUE;
}

static void
edit_offline_downtime(HakoMigrateSpec *spec)
{
    spec->live = FALSE;
    spec->max_downtime = 300;
}

static void
edit_offline_transient(HakoMigrateSpec *spec)
{
    spec->live = FALSE;
    spec->persistent = FALSE;
    spec->undefine_source = FALSE;
}

static void
edit_offline_copy(HakoMigrateSpec *spec)
{
    spec->live = FALSE;
    spec->copy_storage = HAKO_MIGRATE_COPY_STORAGE_ALL;
}

static void
edit_undefine_transient(HakoMigrateSpec *spec)
{
    spec->persistent = FALSE;
}

static void
edit_transient(HakoMigrateSpec *spec)
{
    spec->persistent = FALSE;
    spec->undefine_source = FALSE;
}

static void
edit_everything(HakoMigrateSpec *spec)
{
    spec->destination_uri = g_strdup("qemu+ssh://root@10.0.0.2/system");
    spec->peer_to_peer = TRUE;
    spec->copy_storage = HAKO_MIGRATE_COPY_STORAGE_INCREMENTAL;
    spec->bandwidth = 100;
    spec->max_downtime = 500;
    spec->auto_converge = TRUE;
    spec->post_copy = TRUE;
    spec->post_copy_bandwidth = 50;
    spec->new_name = g_strdup("moved");
    spec->migrate_uri = g_strdup("tcp://10.0.0.2:49152");
}

static void
edit_bad_uri(HakoMigrateSpec *spec)
{
    spec->destination_uri = g_strdup("qemu system");
}

static void
edit_bad_scheme(HakoMigrateSpec *spec)
{
    spec->destination_uri = g_strdup("not a/uri:");
}

static void
edit_bad_address(HakoMigrateSpec *spec)
{
    spec->migrate_uri = g_strdup("http://10.0.0.2");
}

static void
edit_address_forms(HakoMigrateSpec *spec)
{
    spec->migrate_uri = g_strdup("tcp:[fd00::2]:49152");
}

static void
edit_unix_address(HakoMigrateSpec *spec)
{
    spec->migrate_uri = g_strdup("unix:///run/mig.sock");
}

static void
edit_empty_name(HakoMigrateSpec *spec)
{
    spec->new_name = g_strdup("");
}

static void
edit_slash_name(HakoMigrateSpec *spec)
{
    spec->new_name = g_strdup("a/b");
}

static const SpecCase spec_cases[] = {
    {"default", edit_none, NULL},
    {"tunnelled-needs-p2p", edit_tunnelled, "needs a peer-to-peer"},
    {"tunnelled-p2p", edit_tunnelled_p2p, NULL},
    {"tunnelled-no-address", edit_tunnelled_address, "cannot have a migration address"},
    {"tunnelled-no-post-copy", edit_tunnelled_post_copy, "Post-copy is not possible"},
    {"tunnelled-no-copy-storage", edit_tunnelled_copy, "cannot copy storage (the disks'"},
    {"offline-persistent", edit_offline, NULL},
    {"post-copy-needs-live", edit_offline_post_copy, "Post-copy needs a live migration"},
    {"post-copy-bandwidth-needs-post-copy", edit_post_copy_bandwidth,
     "post-copy bandwidth needs post-copy"},
    {"post-copy-bandwidth", edit_post_copy_with_bandwidth, NULL},
    {"auto-converge-needs-live", edit_offline_auto_converge, "Auto-converge needs"},
    {"downtime-needs-live", edit_offline_downtime, "maximum downtime needs"},
    {"offline-needs-persistent", edit_offline_transient, "must define the guest"},
    {"offline-no-copy", edit_offline_copy, "cannot copy storage"},
    {"undefine-needs-persistent", edit_undefine_transient, "needs it defined"},
    {"transient", edit_transient, NULL},
    {"everything", edit_everything, NULL},
    {"bad-uri", edit_bad_uri, "contains a space"},
    {"bad-scheme", edit_bad_scheme, "not a valid connection URI"},
    {"bad-address", edit_bad_address, "is not a migration address"},
    {"address-ipv6", edit_address_forms, NULL},
    {"address-unix", edit_unix_address, NULL},
    {"empty-name", edit_empty_name, "must not be empty"},
    {"slash-name", edit_slash_name, "must not be empty"},
};

static void
test_validate(gconstpointer data)
{
    const SpecCase *c = data;
    g_autoptr(HakoMigrateSpec) spec = hako_migrate_spec_new();
    g_autoptr(HakoMigrateSpec) copy = NULL;
    g_autoptr(GError) error = NULL;

    c->edit(spec);
    copy = hako_migrate_spec_copy(spec);
    if (c->reason == NULL) {
        g_assert_true(hako_migrate_spec_validate(copy, &error));
        g_assert_no_error(error);
        return;
    }
    g_assert_false(hako_migrate_spec_validate(copy, &error));
    g_assert_error(error, HAKO_MODEL_ERROR, HAKO_MODEL_ERROR_INVALID_SPEC);
    if (strstr(error->message, c->reason) == NULL)
        g_error("“%s” does not say “%s”", error->message, c->reason);
}

static void
test_defaults_and_copy(void)
{
    g_autoptr(HakoMigrateSpec) spec = hako_migrate_spec_new();
    g_autoptr(HakoMigrateSpec) copy = NULL;

    g_assert_true(spec->live);
    g_assert_true(spec->persistent);
    g_assert_true(spec->undefine_source);
    g_assert_false(spec->peer_to_peer);
    g_assert_cmpint(spec->copy_storage, ==, HAKO_MIGRATE_COPY_STORAGE_NONE);
    g_assert_null(spec->destination_uri);
    edit_everything(spec);
    copy = hako_migrate_spec_copy(spec);
    g_assert_cmpstr(copy->destination_uri, ==, spec->destination_uri);
    g_assert_true(copy->destination_uri != spec->destination_uri);
    g_assert_cmpstr(copy->new_name, ==, "moved");
    g_assert_cmpstr(copy->migrate_uri, ==, "tcp://10.0.0.2:49152");
    g_assert_cmpuint(copy->bandwidth, ==, 100);
    g_assert_cmpuint(copy->max_downtime, ==, 500);
    g_assert_cmpstr(hako_migrate_copy_storage_to_string(copy->copy_storage), ==, "incremental");
    g_assert_cmpstr(hako_migrate_copy_storage_to_string(HAKO_MIGRATE_COPY_STORAGE_ALL), ==, "all");
    g_assert_true(G_TYPE_IS_BOXED(HAKO_TYPE_MIGRATE_SPEC));
}

static void
test_preflight(void)
{
    g_autoptr(GPtrArray) checks = hako_preflight_new_list();
    g_autoptr(HakoPreflightCheck) copy = NULL;
    const HakoPreflightCheck *check;

    g_assert_cmpint(hako_preflight_worst(checks), ==, HAKO_PREFLIGHT_PASSED);
    hako_preflight_add(checks, HAKO_PREFLIGHT_DESTINATION, HAKO_PREFLIGHT_PASSED, NULL,
                       "Host “%s” answers.", "B");
    hako_preflight_add(checks, HAKO_PREFLIGHT_DISK, HAKO_PREFLIGHT_PASSED, "vda", "%s is there.",
                       "/a/vda.qcow2");
    hako_preflight_add(checks, HAKO_PREFLIGHT_DISK, HAKO_PREFLIGHT_WARNING, "hdc",
                       "hdc cannot be checked.");
    g_assert_cmpint(hako_preflight_worst(checks), ==, HAKO_PREFLIGHT_WARNING);
    hako_preflight_add(checks, HAKO_PREFLIGHT_EXISTING_GUEST, HAKO_PREFLIGHT_FAILED, "g",
                       "A guest named “g” is already there.");
    g_assert_cmpint(hako_preflight_worst(checks), ==, HAKO_PREFLIGHT_FAILED);
    g_assert_cmpuint(hako_preflight_count(checks, HAKO_PREFLIGHT_PASSED), ==, 2);
    g_assert_cmpuint(hako_preflight_count(checks, HAKO_PREFLIGHT_WARNING), ==, 1);
    g_assert_cmpuint(hako_preflight_count(checks, HAKO_PREFLIGHT_FAILED), ==, 1);

    check = hako_preflight_find(checks, HAKO_PREFLIGHT_DISK, "hdc");
    g_assert_nonnull(check);
    g_assert_cmpint(check->status, ==, HAKO_PREFLIGHT_WARNING);
    check = hako_preflight_find(checks, HAKO_PREFLIGHT_DISK, NULL);
    g_assert_cmpstr(check->subject, ==, "vda");
    g_assert_cmpstr(check->sentence, ==, "/a/vda.qcow2 is there.");
    check = hako_preflight_find(checks, HAKO_PREFLIGHT_DESTINATION, NULL);
    g_assert_cmpstr(check->sentence, ==, "Host “B” answers.");
    g_assert_null(check->subject);
    g_assert_null(hako_preflight_find(checks, HAKO_PREFLIGHT_CPU, NULL));
    g_assert_null(hako_preflight_find(checks, HAKO_PREFLIGHT_DISK, "sda"));

    copy = hako_preflight_check_copy(check);
    g_assert_cmpint(copy->kind, ==, HAKO_PREFLIGHT_DESTINATION);
    g_assert_cmpstr(copy->sentence, ==, check->sentence);
    g_assert_true(copy->sentence != check->sentence);

    g_assert_cmpstr(hako_preflight_status_to_string(HAKO_PREFLIGHT_FAILED), ==, "Failed");
    g_assert_cmpstr(hako_preflight_kind_to_string(HAKO_PREFLIGHT_CPU), ==, "CPU");
    g_assert_cmpstr(hako_preflight_kind_to_string(HAKO_PREFLIGHT_ADDRESS), ==, "Migration address");
}

int
main(int argc, char *argv[])
{
    setlocale(LC_ALL, "");
    g_test_init(&argc, &argv, NULL);

    g_test_add_func("/model/migrate-spec/defaults-and-copy", test_defaults_and_copy);
    for (gsize i = 0; i < G_N_ELEMENTS(spec_cases); i++) {
        g_autofree char *path =
            g_strdup_printf("/model/migrate-spec/validate/%s", spec_cases[i].name);

        g_test_add_data_func(path, &spec_cases[i], test_validate);
    }
    g_test_add_func("/model/migrate-spec/preflight", test_preflight);
    return g_test_run();
}
