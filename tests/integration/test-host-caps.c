/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hako_engine_get_guest_caps_async() against a live connection.
 *
 * Without HAKO_TEST_URI: libvirt's test driver (test:///default), which has capabilities
 * (i686 hvm and Xen PV guests) but no domain capabilities, so those facts stay unknown.
 * Run by tests/harness/with-private-libvirtd (HAKO_TEST_URI): a real QEMU/KVM libvirtd, whose
 * domain capabilities say which disk buses, video models and graphics there are, and that
 * UEFI works (the ovmf package's firmware descriptors). */
#include "config.h"

#include "hako-connection-manager.h"
#include "hako-engine-error.h"
#include "hako-engine.h"
#include "hako-host-caps.h"
#include "hako-test-util.h"

#include <glib/gstdio.h>
#include <string.h>

static GThread *main_thread;

typedef struct {
    gboolean done;
    HakoGuestCaps *caps;
    GError *error;
} Wait;

static void
caps_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    Wait *w = user_data;

    g_assert_true(g_thread_self() == main_thread);
    g_assert_true(HAKO_IS_CONNECTION_MANAGER(source));
    w->caps = hako_engine_get_guest_caps_finish(result, &w->error);
    g_assert_true((w->caps == NULL) != (w->error == NULL));
    w->done = TRUE;
}

static gboolean
is_done(gpointer data)
{
    return ((Wait *)data)->done;
}

static gboolean
host_settled(gpointer data)
{
    return hako_host_get_state(data) != HAKO_HOST_STATE_CONNECTING;
}

static gboolean
is_gone(gpointer data)
{
    return *(gpointer *)data == NULL;
}

static HakoGuestCaps *
get_caps(HakoConnectionManager *manager, HakoHost *host, GCancellable *cancellable, GError **error)
{
    Wait w = {FALSE, NULL, NULL};

    hako_engine_get_guest_caps_async(manager, host, cancellable, caps_cb, &w);
    g_assert_false(w.done);
    g_assert_true(hako_test_wait_until(is_done, &w, 120000));
    if (w.error != NULL)
        g_propagate_error(error, w.error);
    return w.caps;
}

/* A manager with @uri connected; checked to be freed (workers included) at the end. */
typedef struct {
    HakoConnectionManager *manager;
    HakoHost *host;
} Fixture;

static void
fixture_setup(Fixture *f, gconstpointer data)
{
    const char *uri = data;

    f->manager = hako_connection_manager_new(NULL);
    f->host = hako_connection_manager_add(f->manager, uri, HAKO_CONNECT_NONE);
    hako_connection_manager_connect(f->manager, f->host);
    g_assert_true(hako_test_wait_until(host_settled, f->host, 60000));
    g_assert_cmpint(hako_host_get_state(f->host), ==, HAKO_HOST_STATE_CONNECTED);
}

static void
fixture_teardown(Fixture *f, gconstpointer data)
{
    HakoConnectionManager *weak = f->manager;

    g_object_add_weak_pointer(G_OBJECT(f->manager), (gpointer *)&weak);
    g_clear_object(&f->manager);
    /* the worker drops its task (and so the manager) just after returning */
    g_assert_true(hako_test_wait_until(is_gone, &weak, 10000));
}

/* ---------------------------------------------------------------------- */
/* test:///default */

static void
test_testdriver(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(HakoGuestCaps) caps = get_caps(f->manager, f->host, NULL, &error);
    const HakoGuestOption *hvm;
    const HakoGuestOption *pv;

    g_assert_no_error(error);
    g_assert_cmpstr(caps->host_arch, ==, "i686");
    g_assert_cmpuint(caps->options->len, ==, 2);
    hvm = hako_guest_caps_get_default(caps);
    g_assert_true(hvm == caps->options->pdata[0]);
    g_assert_cmpstr(hvm->arch, ==, "i686");
    g_assert_cmpint(hvm->guest_type, ==, HAKO_GUEST_HVM);
    g_assert_cmpint(hvm->virt_type, ==, HAKO_VIRT_QEMU);
    g_assert_cmpstr(hvm->domain_type, ==, "test");
    g_assert_cmpstr(hvm->emulator, ==, "/usr/bin/test-hv");
    pv = hako_guest_caps_find(caps, "i686", HAKO_VIRT_QEMU, HAKO_GUEST_XEN_PV);
    g_assert_true(pv == caps->options->pdata[1]);

    /* the test driver has no domain capabilities: all that stays unknown, and no error */
    for (guint i = 0; i < caps->options->len; i++) {
        const HakoGuestOption *option = caps->options->pdata[i];

        g_assert_cmpuint(option->max_vcpus, ==, 0);
        g_assert_false(option->uefi_available);
        g_assert_null(option->disk_buses);
        g_assert_null(option->video_models);
        g_assert_null(option->graphics_types);
    }
}

static void
test_not_connected(void)
{
    g_autoptr(HakoConnectionManager) manager = hako_connection_manager_new(NULL);
    HakoHost *idle = hako_connection_manager_add(manager, "test:///default", HAKO_CONNECT_NONE);
    g_autoptr(GError) error = NULL;
    g_autoptr(HakoGuestCaps) caps = get_caps(manager, idle, NULL, &error);

    g_assert_null(caps);
    g_assert_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_NOT_CONNECTED);
}

static void
test_cancelled(Fixture *f, gconstpointer data)
{
    g_autoptr(GCancellable) cancellable = g_cancellable_new();
    g_autoptr(GError) error = NULL;
    g_autoptr(HakoGuestCaps) caps = NULL;

    g_cancellable_cancel(cancellable);
    caps = get_caps(f->manager, f->host, cancellable, &error);
    g_assert_null(caps);
    g_assert_error(error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* ---------------------------------------------------------------------- */
/* The private libvirtd */

/* The ovmf package installs firmware descriptors; libvirt's UEFI autoselection reads them. */
static void
assert_firmware_descriptors(void)
{
    g_autoptr(GDir) dir = g_dir_open("/usr/share/qemu/firmware", 0, NULL);
    const char *name;
    guint found = 0;

    g_assert_nonnull(dir);
    while ((name = g_dir_read_name(dir)) != NULL) {
        if (g_str_has_suffix(name, ".json") && strstr(name, "x86_64") != NULL)
            found++;
    }
    g_assert_cmpuint(found, >, 0);
}

static void
assert_real_option(const HakoGuestOption *option)
{
    g_test_message("%s %s: emulator %s, machine %s, max %u vCPUs, UEFI %d", option->domain_type,
                   option->arch, option->emulator, option->default_machine, option->max_vcpus,
                   option->uefi_available);
    g_assert_cmpint(option->guest_type, ==, HAKO_GUEST_HVM);
    g_assert_nonnull(option->emulator);
    g_assert_true(g_file_test(option->emulator, G_FILE_TEST_IS_EXECUTABLE));
    g_assert_nonnull(option->default_machine);
    g_assert_nonnull(option->machines);
    g_assert_cmpuint(option->max_vcpus, >, 0);
    /* filled from domain capabilities */
    g_assert_nonnull(option->disk_buses);
    g_assert_true(g_strv_contains((const char *const *)option->disk_buses, "virtio"));
    g_assert_true(g_strv_contains((const char *const *)option->disk_buses, "sata"));
    g_assert_nonnull(option->video_models);
    g_assert_true(g_strv_contains((const char *const *)option->video_models, "virtio"));
    g_assert_true(g_strv_contains((const char *const *)option->video_models, "vga"));
    g_assert_nonnull(option->graphics_types);
    g_assert_true(g_strv_contains((const char *const *)option->graphics_types, "vnc"));
    g_assert_true(g_strv_contains((const char *const *)option->graphics_types, "spice"));
}

static void
test_real(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(HakoGuestCaps) caps = get_caps(f->manager, f->host, NULL, &error);
    const HakoGuestOption *qemu;
    const HakoGuestOption *kvm;
    const HakoGuestOption *i686;

    g_assert_no_error(error);
    g_assert_cmpstr(caps->host_arch, ==, "x86_64");

    assert_firmware_descriptors();
    qemu = hako_guest_caps_find(caps, "x86_64", HAKO_VIRT_QEMU, HAKO_GUEST_HVM);
    g_assert_nonnull(qemu);
    assert_real_option(qemu);
    g_assert_cmpstr(qemu->emulator, ==, "/usr/bin/qemu-system-x86_64");
    g_assert_true(qemu->uefi_available);
    g_assert_true(qemu->uefi_autoselect);

    /* KVM where /dev/kvm is there (partly working here, see TESTBED.md), and then the default */
    kvm = hako_guest_caps_find(caps, "x86_64", HAKO_VIRT_KVM, HAKO_GUEST_HVM);
    if (g_file_test("/dev/kvm", G_FILE_TEST_EXISTS)) {
        g_assert_nonnull(kvm);
        assert_real_option(kvm);
        g_assert_true(kvm->uefi_available);
        g_assert_true(caps->options->pdata[0] == kvm);
        g_assert_true(caps->options->pdata[1] == qemu);
        g_assert_true(hako_guest_caps_get_default(caps) == kvm);
    } else {
        g_assert_true(caps->options->pdata[0] == qemu);
        g_assert_true(hako_guest_caps_get_default(caps) == qemu);
    }

    /* 32-bit x86 has no UEFI firmware here */
    i686 = hako_guest_caps_find(caps, "i686", HAKO_VIRT_QEMU, HAKO_GUEST_HVM);
    g_assert_nonnull(i686);
    assert_real_option(i686);
    g_assert_false(i686->uefi_available);
}

int
main(int argc, char *argv[])
{
    const char *uri = g_getenv("HAKO_TEST_URI");

    g_test_init(&argc, &argv, NULL);
    hako_engine_init();
    main_thread = g_thread_self();

    if (uri == NULL) {
        g_test_add("/engine/host-caps/testdriver", Fixture, "test:///default", fixture_setup,
                   test_testdriver, fixture_teardown);
        g_test_add_func("/engine/host-caps/not-connected", test_not_connected);
        g_test_add("/engine/host-caps/cancelled", Fixture, "test:///default", fixture_setup,
                   test_cancelled, fixture_teardown);
    } else {
        g_test_add("/engine/host-caps/real", Fixture, uri, fixture_setup, test_real,
                   fixture_teardown);
    }
    return g_test_run();
}
