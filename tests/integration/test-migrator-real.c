/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoMigrator against two private, real libvirt daemons on this machine (A is the harness's, B
 * is started here) with a memtest86+ guest under TCG, over loopback, or with --netns between two
 * network namespaces joined by a veth pair:
 *  - the preflight flags a guest of the same name on B, a disk and a network missing on B, a bad
 *    spec and the same host; a KVM guest's CPU model B can run passes, one it cannot fails;
 *  - a live migration A→B (persistent, source undefined, auto-converge, a maximum downtime)
 *    reports progress, and one back (peer-to-peer; tunnelled over loopback);
 *  - over loopback only: a post-copy migration A→B (B's QEMU runs as root, so it may use
 *    userfaultfd) switches after the first pass, reports post-copy and ends on B, and a cancel
 *    in post-copy comes too late; two migrations run at once;
 *  - a cancelled migration leaves the guest on A only;
 *  - over loopback, a guest that keeps writing its memory (dirtier.S) moved slowly: the progress
 *    says the move does not converge, and a cancel leaves it on A only;
 *  - a qcow2 disk present only on A (B's mount namespace hides its directory) is flagged as
 *    missing, its backing image too for an incremental copy, and is copied to B's pool, the copy
 *    of a cancelled move removed from B; back without a copy libvirt refuses the disk as not
 *    shared (the error says what to do), and allowed as unsafe it moves;
 *  - between namespaces, the link cut during a migration: the progress says the data stopped
 *    moving, the guest keeps running on A, and a cancel ends the move with the guest on A only; a
 * migration without a migration address fails, the guest kept on A;
 *  - B's daemon killed during a migration: the guest stays on A, and the error says so.
 *
 * Run by tests/harness/with-private-libvirtd (HAKO_TEST_URI, HAKO_TEST_LIBVIRTD_CTL,
 * HAKO_TEST_IMAGES, HAKO_TEST_GUEST). */
#include "config.h"

#include "hako-connection-manager.h"
#include "hako-engine-error.h"
#include "hako-engine.h"
#include "hako-migrator.h"
#include "hako-test-util.h"

#include <glib/gstdio.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define GUEST "hako-mig"
#define GHOST "hako-mig-ghost"
#define POOL "hako-mig-images"
#define MEMTEST "/usr/lib/memtest86+/memtest86+x64.iso"

static const char *uri_a;
static char *uri_b;
static char *ctl_script; /* private-libvirtd */
static char *dir_b;
static char *netns_b;   /* with --netns: B's network namespace, joined to A's by a veth pair */
static char *addr_a;    /* with --netns: the hosts' addresses on it */
static char *link_down; /* with --netns: the command that takes A's end of the veth pair down */
static char *link_up;
static char *addr_b;
static HakoConnectionManager *manager;
static HakoHost *host_a;
static HakoHost *host_b;
static HakoMigrator *migrator;
static GThread *main_thread;
static virConnectPtr conn_a; /* the test's own */
static virConnectPtr conn_b;

typedef struct {
    gboolean done;
    GAsyncResult *result;
    guint progress_calls;
    guint progress_with_data;
    HakoMigrateProgress last;
    GCancellable *cancel_on_data; /* cancelled at the first reading with data */
    gboolean kill_b_on_data;      /* B's daemon killed at the first reading with data */
    gboolean killed;
    GCancellable *cut_link_on_data; /* the link cut at the first reading with data, and this
                                     * cancelled 3 s later */
    gboolean cut;
    guint64 max_stalled; /* ms */
    GCancellable *cancel_when_not_converging;
    gboolean saw_not_converging;
    GCancellable *cancel_on_post_copy; /* cancelled at the first reading in post-copy */
    guint post_copy_readings;          /* in HAKO_MIGRATE_PHASE_POST_COPY */
    guint post_copy_after_cancel;      /* of those, after the cancel */
    gboolean saw_cancelling;           /* a reading in HAKO_MIGRATE_PHASE_CANCELLING */
} Wait;

static void
done_cb(GObject *source G_GNUC_UNUSED, GAsyncResult *result, gpointer user_data)
{
    Wait *w = user_data;

    g_assert_true(g_thread_self() == main_thread);
    w->result = g_object_ref(result);
    w->done = TRUE;
}

static gboolean
is_done(gpointer data)
{
    return ((Wait *)data)->done;
}

/* Runs private-libvirtd on B's directory, in @envp (NULL: this process's environment). */
static void
ctl_b_env(const char *command, char **envp)
{
    const char *argv[] = {ctl_script, dir_b, command, NULL};
    g_autoptr(GError) error = NULL;
    int status = -1;

    g_assert_true(g_spawn_sync(NULL, (char **)argv, envp, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                               NULL, NULL, &status, &error));
    g_assert_no_error(error);
    g_assert_cmpint(status, ==, 0);
}

static void
ctl_b(const char *command)
{
    ctl_b_env(command, NULL);
}

static void run(const char *command);

static gboolean
cancel_later(gpointer cancellable)
{
    g_cancellable_cancel(cancellable);
    return G_SOURCE_REMOVE;
}

static void
progress_cb(const HakoMigrateProgress *progress, gpointer user_data)
{
    Wait *w = user_data;

    g_assert_true(g_thread_self() == main_thread);
    g_assert_false(w->done);
    w->progress_calls++;
    w->last = *progress;
    w->max_stalled = MAX(w->max_stalled, progress->stalled);
    if (progress->not_converging) {
        w->saw_not_converging = TRUE;
        g_assert_cmpuint(progress->iterations, >=, 5);
        if (w->cancel_when_not_converging != NULL)
            g_cancellable_cancel(w->cancel_when_not_converging);
    }
    if (progress->stalled >= 2000) {
        g_assert_cmpuint(progress->rate, ==, 0);
        g_assert_cmpint(progress->eta, ==, -1);
    }
    if (progress->phase == HAKO_MIGRATE_PHASE_CANCELLING)
        w->saw_cancelling = TRUE;
    if (progress->phase == HAKO_MIGRATE_PHASE_POST_COPY) {
        w->post_copy_readings++;
        if (w->cancel_on_post_copy != NULL && g_cancellable_is_cancelled(w->cancel_on_post_copy))
            w->post_copy_after_cancel++;
        else if (w->cancel_on_post_copy != NULL)
            g_cancellable_cancel(w->cancel_on_post_copy);
    }
    g_test_message("progress: %s, %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " bytes, "
                   "%" G_GUINT64_FORMAT " left, %" G_GUINT64_FORMAT " B/s, ETA %" G_GINT64_FORMAT
                   " s, pass %" G_GUINT64_FORMAT,
                   hako_migrate_phase_to_string(progress->phase), progress->data_processed,
                   progress->data_total, progress->data_remaining, progress->rate, progress->eta,
                   progress->iterations);
    if (progress->data_total == 0)
        return;
    w->progress_with_data++;
    g_assert_cmpfloat(hako_migrate_progress_get_fraction(progress), >=, 0.0);
    g_assert_cmpfloat(hako_migrate_progress_get_fraction(progress), <=, 1.0);
    if (w->cancel_on_data != NULL)
        g_cancellable_cancel(w->cancel_on_data);
    if (w->cut_link_on_data != NULL && !w->cut) {
        w->cut = TRUE;
        run(link_down);
        g_timeout_add_seconds(3, cancel_later, w->cut_link_on_data);
    }
    if (w->kill_b_on_data && !w->killed) {
        virDomainPtr dom = virDomainLookupByName(conn_a, GUEST);

        w->killed = TRUE;
        ctl_b("kill");
        /* let the data run out quickly: the hand-over then meets the dead daemon */
        g_assert_nonnull(dom);
        g_assert_cmpint(virDomainMigrateSetMaxSpeed(dom, 8192, 0), ==, 0);
        virDomainFree(dom);
    }
}

static void
run(const char *command)
{
    g_auto(GStrv) argv = g_strsplit(command, " ", -1);
    g_autoptr(GError) error = NULL;
    int status = -1;

    g_assert_true(g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                               &status, &error));
    g_assert_no_error(error);
    if (status != 0)
        g_error("%s failed", command);
}

/* A spec to @dest; between two network namespaces the data must go to the destination's
 * address on the veth pair, since the host name each daemon gives is this machine's loopback. */
static HakoMigrateSpec *
new_spec(HakoHost *dest)
{
    HakoMigrateSpec *spec = hako_migrate_spec_new();

    if (netns_b != NULL)
        spec->migrate_uri = g_strdup_printf("tcp://%s", dest == host_b ? addr_b : addr_a);
    return spec;
}

typedef struct {
    HakoHost *host;
    const char *name;
} Listed;

static gboolean
domain_listed(gpointer data)
{
    Listed *l = data;

    return hako_domain_list_lookup_by_name(hako_host_get_domains(l->host), l->name) != NULL;
}

static gboolean
domain_unlisted(gpointer data)
{
    return !domain_listed(data);
}

static HakoDomain *
domain_on(HakoHost *host, const char *name)
{
    Listed l = {host, name};

    g_assert_true(hako_test_wait_until(domain_listed, &l, 20000));
    return hako_domain_list_lookup_by_name(hako_host_get_domains(host), name);
}

/* The state of @name on @conn: -1 when it is not there. */
static int
state_on(virConnectPtr conn, const char *name)
{
    virDomainPtr dom = virDomainLookupByName(conn, name);
    int state = -1;

    virResetLastError();
    if (dom == NULL)
        return -1;
    g_assert_cmpint(virDomainGetState(dom, &state, NULL, 0), ==, 0);
    virDomainFree(dom);
    return state;
}

/* @name runs on @on and is not on @off. */
static void
assert_only_on(virConnectPtr on, virConnectPtr off, const char *name)
{
    g_assert_cmpint(state_on(on, name), ==, VIR_DOMAIN_RUNNING);
    g_assert_cmpint(state_on(off, name), ==, -1);
}

static char *
memtest_xml(const char *name, const char *uuid)
{
    return g_strdup_printf("<domain type='qemu'><name>%s</name>%s%s%s"
                           "<memory unit='MiB'>64</memory><vcpu>1</vcpu>"
                           "<os><type arch='x86_64' machine='pc'>hvm</type><boot dev='cdrom'/></os>"
                           "<on_poweroff>destroy</on_poweroff><devices>"
                           "<emulator>/usr/bin/qemu-system-x86_64</emulator>"
                           "<disk type='file' device='cdrom'><driver name='qemu' type='raw'/>"
                           "<source file='" MEMTEST "'/><target dev='hdc' bus='ide'/><readonly/>"
                           "</disk><graphics type='vnc' autoport='yes' listen='127.0.0.1'/>"
                           "<video><model type='vga'/></video></devices></domain>",
                           name, uuid != NULL ? "<uuid>" : "", uuid != NULL ? uuid : "",
                           uuid != NULL ? "</uuid>" : "");
}

static void
define_on(virConnectPtr conn, const char *xml)
{
    virDomainPtr dom = virDomainDefineXML(conn, xml);

    if (dom == NULL)
        g_error("define: %s", virGetLastErrorMessage());
    virDomainFree(dom);
}

static void
undefine_on(virConnectPtr conn, const char *name)
{
    virDomainPtr dom = virDomainLookupByName(conn, name);

    virResetLastError();
    if (dom == NULL)
        return;
    if (virDomainIsActive(dom) == 1)
        virDomainDestroy(dom);
    virDomainUndefine(dom);
    virDomainFree(dom);
}

static GPtrArray *
preflight(HakoDomain *domain, HakoHost *dest, const HakoMigrateSpec *spec)
{
    Wait w = {0};
    g_autoptr(GError) error = NULL;
    GPtrArray *checks;

    hako_migrator_preflight_async(migrator, domain, dest, spec, NULL, done_cb, &w);
    g_assert_true(hako_test_wait_until(is_done, &w, 60000));
    checks = hako_migrator_preflight_finish(migrator, w.result, &error);
    g_assert_no_error(error);
    g_assert_nonnull(checks);
    for (guint i = 0; i < checks->len; i++) {
        const HakoPreflightCheck *c = g_ptr_array_index(checks, i);

        g_test_message("%s %s [%s]: %s", hako_preflight_status_to_string(c->status),
                       hako_preflight_kind_to_string(c->kind), c->subject ? c->subject : "",
                       c->sentence);
    }
    g_object_unref(w.result);
    return checks;
}

static void
assert_check(GPtrArray *checks,
             HakoPreflightKind kind,
             const char *subject,
             HakoPreflightStatus status,
             const char *part)
{
    const HakoPreflightCheck *c = hako_preflight_find(checks, kind, subject);

    g_assert_nonnull(c);
    g_assert_cmpint(c->status, ==, status);
    if (part != NULL && strstr(c->sentence, part) == NULL)
        g_error("“%s” does not say “%s”", c->sentence, part);
}

static void
test_preflight(void)
{
    g_autofree char *ghost_xml = NULL;
    g_autofree char *pool_xml = NULL;
    g_autofree char *clash_xml = memtest_xml(GUEST, NULL);
    g_autoptr(HakoMigrateSpec) spec = new_spec(host_b);
    g_autoptr(HakoMigrateSpec) offline = hako_migrate_spec_new();
    g_autoptr(GPtrArray) checks = NULL;
    virStoragePoolPtr pool;
    HakoDomain *guest = domain_on(host_a, GUEST);

    /* B: a guest of the same name (another UUID), and a pool over A's image directory, where
     * the harness guest's disk is and the ghost's is not */
    define_on(conn_b, clash_xml);
    pool_xml = g_markup_printf_escaped("<pool type='dir'><name>" POOL "</name>"
                                       "<target><path>%s</path></target></pool>",
                                       g_getenv("HAKO_TEST_IMAGES"));
    pool = virStoragePoolCreateXML(conn_b, pool_xml, 0);
    g_assert_nonnull(pool);
    ghost_xml = g_markup_printf_escaped(
        "<domain type='qemu'><name>" GHOST "</name><memory unit='MiB'>64</memory>"
        "<os><type arch='x86_64' machine='pc'>hvm</type></os><devices>"
        "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
        "<source file='%s/ghost.qcow2'/><target dev='vda' bus='virtio'/></disk>"
        "<interface type='ethernet'><model type='virtio'/></interface>"
        "<interface type='network'><source network='hako-mig-nowhere'/></interface>"
        "</devices></domain>",
        g_getenv("HAKO_TEST_IMAGES"));
    define_on(conn_a, ghost_xml);

    checks = preflight(guest, host_b, spec);
    assert_check(checks, HAKO_PREFLIGHT_DESTINATION, NULL, HAKO_PREFLIGHT_PASSED, NULL);
    assert_check(checks, HAKO_PREFLIGHT_GUEST_STATE, NULL, HAKO_PREFLIGHT_PASSED, "running");
    assert_check(checks, HAKO_PREFLIGHT_EXISTING_GUEST, GUEST, HAKO_PREFLIGHT_FAILED,
                 "Another guest named “" GUEST "” is already on");
    assert_check(checks, HAKO_PREFLIGHT_CPU, NULL, HAKO_PREFLIGHT_PASSED, "Not needed");
    /* no pool of B holds the ISO's directory */
    assert_check(checks, HAKO_PREFLIGHT_DISK, "hdc", HAKO_PREFLIGHT_WARNING, "cannot be checked");
    assert_check(checks, HAKO_PREFLIGHT_VERSION, NULL, HAKO_PREFLIGHT_PASSED, NULL);
    /* both daemons give this machine's host name, which is loopback here: a warning; between
     * network namespaces the spec gives B's address */
    if (netns_b != NULL)
        assert_check(checks, HAKO_PREFLIGHT_ADDRESS, NULL, HAKO_PREFLIGHT_PASSED, addr_b);
    else
        assert_check(checks, HAKO_PREFLIGHT_ADDRESS, NULL, HAKO_PREFLIGHT_WARNING, "loopback");
    g_assert_null(hako_preflight_find(checks, HAKO_PREFLIGHT_SPEC, NULL));
    g_assert_cmpint(hako_preflight_worst(checks), ==, HAKO_PREFLIGHT_FAILED);
    g_clear_pointer(&checks, g_ptr_array_unref);

    /* a new name avoids the clash */
    spec->new_name = g_strdup("hako-mig-renamed");
    checks = preflight(guest, host_b, spec);
    assert_check(checks, HAKO_PREFLIGHT_EXISTING_GUEST, "hako-mig-renamed", HAKO_PREFLIGHT_PASSED,
                 NULL);
    g_clear_pointer(&checks, g_ptr_array_unref);
    g_clear_pointer(&spec->new_name, g_free);

    /* offline: the ghost's disk is missing on B, its network too; the harness guest's disk is
     * there (the same directory) */
    offline->live = FALSE;
    checks = preflight(domain_on(host_a, GHOST), host_b, offline);
    assert_check(checks, HAKO_PREFLIGHT_GUEST_STATE, NULL, HAKO_PREFLIGHT_PASSED, "shut off");
    assert_check(checks, HAKO_PREFLIGHT_DISK, "vda", HAKO_PREFLIGHT_FAILED, "is missing on");
    assert_check(checks, HAKO_PREFLIGHT_NETWORK, "hako-mig-nowhere", HAKO_PREFLIGHT_FAILED,
                 "no virtual network");
    assert_check(checks, HAKO_PREFLIGHT_EXISTING_GUEST, GHOST, HAKO_PREFLIGHT_PASSED, NULL);
    g_clear_pointer(&checks, g_ptr_array_unref);
    checks = preflight(domain_on(host_a, g_getenv("HAKO_TEST_GUEST")), host_b, offline);
    assert_check(checks, HAKO_PREFLIGHT_DISK, NULL, HAKO_PREFLIGHT_PASSED, "is on");
    g_clear_pointer(&checks, g_ptr_array_unref);

    /* a live migration of a shut-off guest; a bad spec; the same host */
    checks = preflight(domain_on(host_a, GHOST), host_b, spec);
    assert_check(checks, HAKO_PREFLIGHT_GUEST_STATE, NULL, HAKO_PREFLIGHT_FAILED, "not running");
    g_clear_pointer(&checks, g_ptr_array_unref);
    spec->tunnelled = TRUE;
    checks = preflight(guest, host_b, spec);
    assert_check(checks, HAKO_PREFLIGHT_SPEC, NULL, HAKO_PREFLIGHT_FAILED, "peer-to-peer");
    g_clear_pointer(&checks, g_ptr_array_unref);
    spec->tunnelled = FALSE;
    checks = preflight(guest, host_a, spec);
    assert_check(checks, HAKO_PREFLIGHT_DESTINATION, NULL, HAKO_PREFLIGHT_FAILED,
                 "is the host the guest is on already");
    g_clear_pointer(&checks, g_ptr_array_unref);

    /* a host that is not connected */
    checks = preflight(
        guest, hako_connection_manager_add(manager, "test:///default", HAKO_CONNECT_NONE), spec);
    assert_check(checks, HAKO_PREFLIGHT_DESTINATION, NULL, HAKO_PREFLIGHT_FAILED,
                 "is not connected");
    g_clear_pointer(&checks, g_ptr_array_unref);

    undefine_on(conn_b, GUEST);
    undefine_on(conn_a, GHOST);
    virStoragePoolDestroy(pool);
    virStoragePoolFree(pool);
}

/* The first CPU model the hypervisor of @conn calls usable (@usable) or not, by its domain
 * capabilities for KVM, or NULL. */
static char *
cpu_model(virConnectPtr conn, gboolean usable)
{
    g_autofree char *caps = virConnectGetDomainCapabilities(conn, NULL, "x86_64", "pc", "kvm", 0);
    g_autoptr(GRegex) regex =
        g_regex_new("<model usable='(yes|no)'[^>]*>([^<]+)</model>", 0, 0, NULL);
    g_autoptr(GMatchInfo) match = NULL;

    if (caps == NULL)
        return NULL;
    for (g_regex_match(regex, caps, 0, &match); g_match_info_matches(match);
         g_match_info_next(match, NULL)) {
        g_autofree char *yes = g_match_info_fetch(match, 1);

        if ((g_strcmp0(yes, "yes") == 0) == usable)
            return g_match_info_fetch(match, 2);
    }
    return NULL;
}

static void
define_kvm_guest(const char *model)
{
    g_autofree char *xml = g_markup_printf_escaped(
        "<domain type='kvm'><name>hako-mig-cpu</name><memory unit='MiB'>64</memory>"
        "<os><type arch='x86_64' machine='pc'>hvm</type></os>"
        "<cpu mode='custom' match='exact'><model fallback='forbid'>%s</model></cpu>"
        "<devices><emulator>/usr/bin/qemu-system-x86_64</emulator></devices></domain>",
        model);

    define_on(conn_a, xml);
}

/* A KVM guest's CPU compared with B's (a guest defined on A, not started): a model the
 * hypervisor calls usable passes; one it cannot run fails with the reason. */
static void
test_cpu(void)
{
    g_autoptr(HakoMigrateSpec) offline = hako_migrate_spec_new();
    g_autoptr(GPtrArray) checks = NULL;
    g_autofree char *usable = NULL;
    g_autofree char *unusable = NULL;

    if (!g_file_test("/dev/kvm", G_FILE_TEST_EXISTS)) {
        g_test_skip("no /dev/kvm on this machine");
        return;
    }
    usable = cpu_model(conn_b, TRUE);
    unusable = cpu_model(conn_b, FALSE);
    g_assert_nonnull(usable);
    g_assert_nonnull(unusable);
    g_test_message("usable on B: %s; not usable: %s", usable, unusable);
    offline->live = FALSE;

    define_kvm_guest(usable);
    checks = preflight(domain_on(host_a, "hako-mig-cpu"), host_b, offline);
    assert_check(checks, HAKO_PREFLIGHT_CPU, NULL, HAKO_PREFLIGHT_PASSED, "can provide");
    g_clear_pointer(&checks, g_ptr_array_unref);
    undefine_on(conn_a, "hako-mig-cpu");
    {
        Listed l = {host_a, "hako-mig-cpu"};

        /* the next definition has another UUID: let the first one leave Hako's list first */
        g_assert_true(hako_test_wait_until(domain_unlisted, &l, 20000));
    }

    define_kvm_guest(unusable);
    checks = preflight(domain_on(host_a, "hako-mig-cpu"), host_b, offline);
    assert_check(checks, HAKO_PREFLIGHT_CPU, NULL, HAKO_PREFLIGHT_FAILED, "does not provide");
    g_clear_pointer(&checks, g_ptr_array_unref);
    undefine_on(conn_a, "hako-mig-cpu");
}

static HakoMigrateResult *
migrate(HakoDomain *domain, HakoHost *dest, const HakoMigrateSpec *spec, Wait *w, GError **error)
{
    HakoMigrateResult *result;
    GCancellable *cancellable = w->cancel_on_data != NULL        ? w->cancel_on_data
                                : w->cancel_on_post_copy != NULL ? w->cancel_on_post_copy
                                : w->cut_link_on_data != NULL    ? w->cut_link_on_data
                                                                 : w->cancel_when_not_converging;

    hako_migrator_migrate_async(migrator, domain, dest, spec, progress_cb, w, NULL, cancellable,
                                done_cb, w);
    g_assert_true(hako_test_wait_until(is_done, w, 150000));
    result = hako_migrator_migrate_finish(migrator, w->result, error);
    g_clear_object(&w->result);
    return result;
}

static void
test_there_and_back(void)
{
    g_autoptr(HakoMigrateSpec) spec = new_spec(host_b);
    g_autoptr(HakoMigrateSpec) spec_back = new_spec(host_a);
    g_autoptr(HakoMigrateResult) result = NULL;
    g_autoptr(HakoMigrateResult) back = NULL;
    g_autoptr(GError) error = NULL;
    Wait w = {0};
    Wait w2 = {0};

    /* slow enough for a few readings of progress */
    spec->bandwidth = 4;
    spec->auto_converge = TRUE;
    spec->max_downtime = 300;
    result = migrate(domain_on(host_a, GUEST), host_b, spec, &w, &error);
    g_assert_no_error(error);
    g_assert_nonnull(result);
    g_assert_cmpstr(result->host_uri, ==, uri_b);
    g_assert_cmpstr(result->name, ==, GUEST);
    g_assert_true(result->running);
    g_assert_true(result->persistent);
    g_assert_false(result->source_defined);
    g_assert_cmpuint(w.progress_with_data, >=, 1);
    assert_only_on(conn_b, conn_a, GUEST);

    /* back, peer-to-peer: B's daemon connects to A's socket; over loopback tunnelled too (the
     * data inside that libvirt connection) */
    spec_back->peer_to_peer = TRUE;
    if (netns_b == NULL)
        spec_back->tunnelled = TRUE;
    back = migrate(domain_on(host_b, GUEST), host_a, spec_back, &w2, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(back->host_uri, ==, uri_a);
    g_assert_true(back->running);
    assert_only_on(conn_a, conn_b, GUEST);
}

static void
test_cancel(void)
{
    g_autoptr(HakoMigrateSpec) spec = new_spec(host_b);
    g_autoptr(HakoMigrateResult) result = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(GCancellable) cancellable = g_cancellable_new();
    Wait w = {0};
    gint64 started = g_get_monotonic_time();

    spec->bandwidth = 1;
    w.cancel_on_data = cancellable;
    result = migrate(domain_on(host_a, GUEST), host_b, spec, &w, &error);
    g_assert_null(result);
    g_assert_error(error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_test_message("%s", error->message);
    g_assert_nonnull(strstr(error->message, "still running on"));
    g_assert_cmpuint(w.progress_with_data, >=, 1);
    /* 64 MiB at 1 MiB/s would take a minute */
    g_assert_cmpint(g_get_monotonic_time() - started, <, 30 * G_TIME_SPAN_SECOND);
    assert_only_on(conn_a, conn_b, GUEST);
}

/* A guest that writes 4 MiB of its memory many times a second (dirtier.S), moved at 8 MiB/s with
 * a downtime of 1 ms: each pass over memory leaves as much to send as the one before, so after 5
 * passes the progress says the move does not converge; cancelled then, the guest keeps running
 * on A only. memtest is paused meanwhile: one CPU-busy guest at a time. */
static void
test_not_converging(void)
{
    g_autofree char *built =
        g_test_build_filename(G_TEST_BUILT, "integration", "dirtier.elf", NULL);
    g_autofree char *kernel =
        g_build_filename(g_getenv("HAKO_TEST_IMAGES"), "hako-dirtier.elf", NULL);
    g_autofree char *contents = NULL;
    g_autofree char *xml = NULL;
    g_autoptr(HakoMigrateSpec) spec = new_spec(host_b);
    g_autoptr(HakoMigrateResult) result = NULL;
    g_autoptr(GCancellable) cancellable = g_cancellable_new();
    g_autoptr(GError) error = NULL;
    gsize length = 0;
    Wait w = {0};
    virDomainPtr memtest = virDomainLookupByName(conn_a, GUEST);
    virDomainPtr dom;

    /* where A's QEMU may read it, as for the images; not relabelled, since B's QEMU runs as
     * another user and libvirt refuses to relabel a file in use */
    g_assert_true(g_file_get_contents(built, &contents, &length, &error));
    g_assert_no_error(error);
    g_assert_true(
        g_file_set_contents_full(kernel, contents, length, G_FILE_SET_CONTENTS_NONE, 0644, &error));
    g_assert_no_error(error);
    xml = g_strdup_printf("<domain type='qemu'><name>hako-mig-dirty</name>"
                          "<memory unit='MiB'>32</memory><vcpu>1</vcpu>"
                          "<os><type arch='x86_64' machine='pc'>hvm</type><kernel>%s</kernel></os>"
                          "<devices><emulator>/usr/bin/qemu-system-x86_64</emulator></devices>"
                          "<seclabel type='none' model='dac'/></domain>",
                          kernel);
    g_assert_nonnull(memtest);
    g_assert_cmpint(virDomainSuspend(memtest), ==, 0);
    define_on(conn_a, xml);
    dom = virDomainLookupByName(conn_a, "hako-mig-dirty");
    g_assert_nonnull(dom);
    g_assert_cmpint(virDomainCreate(dom), ==, 0);
    virDomainFree(dom);
    g_assert_true(hako_test_wait_until(domain_listed, &(Listed){host_a, "hako-mig-dirty"}, 20000));

    spec->bandwidth = 8;
    spec->max_downtime = 1;
    w.cancel_when_not_converging = cancellable;
    result = migrate(domain_on(host_a, "hako-mig-dirty"), host_b, spec, &w, &error);
    g_assert_null(result);
    g_assert_error(error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_true(w.saw_not_converging);
    g_assert_cmpint(state_on(conn_a, "hako-mig-dirty"), ==, VIR_DOMAIN_RUNNING);
    assert_only_on(conn_a, conn_b, "hako-mig-dirty");

    undefine_on(conn_a, "hako-mig-dirty");
    g_assert_cmpint(virDomainResume(memtest), ==, 0);
    virDomainFree(memtest);
    g_unlink(kernel);
}

/* Restarts memtest on @name (on A) and makes it start testing at once: after about 45 s of
 * tests that keep writing memory it reaches its bit fade test, which waits minutes without
 * writing, and a pre-copy migration then finishes by itself before any switch to post-copy. */
static void
restart_memtest(const char *name)
{
    virDomainPtr dom = virDomainLookupByName(conn_a, name);
    unsigned int enter[] = {28}; /* KEY_ENTER */

    g_assert_nonnull(dom);
    g_assert_cmpint(virDomainReset(dom, 0), ==, 0);
    /* "<Enter> to start testing" once memtest is up (SeaBIOS ignores the key before) */
    for (int i = 0; i < 10; i++) {
        g_usleep(G_TIME_SPAN_SECOND);
        g_assert_cmpint(virDomainSendKey(dom, VIR_KEYCODE_SET_LINUX, 50, enter, 1, 0), ==, 0);
    }
    virDomainFree(dom);
}

/* Post-copy A→B, then back B→A by a plain migration for the subtests after this one. The first
 * pass over memory at 8 MiB/s lasts some seconds, during which memtest (just restarted) dirties
 * memory again, and the small maximum downtime keeps pre-copy from finishing by itself;
 * post-copy at 8 MiB/s lasts some seconds too. With @cancel, a cancel at the first reading in
 * post-copy: libvirt refuses to abort then, so the migration goes on to its end and says the cancel
 * came too late. */
static void
post_copy_there_and_back(gboolean cancel)
{
    g_autoptr(HakoMigrateSpec) spec = new_spec(host_b);
    g_autoptr(HakoMigrateSpec) spec_back = new_spec(host_a);
    g_autoptr(HakoMigrateResult) result = NULL;
    g_autoptr(HakoMigrateResult) back = NULL;
    g_autoptr(GCancellable) cancellable = g_cancellable_new();
    g_autoptr(GError) error = NULL;
    Wait w = {0};
    Wait w2 = {0};

    restart_memtest(GUEST);
    spec->post_copy = TRUE;
    spec->bandwidth = 8;
    spec->max_downtime = 1;
    spec->post_copy_bandwidth = 8;
    if (cancel)
        w.cancel_on_post_copy = cancellable;
    result = migrate(domain_on(host_a, GUEST), host_b, spec, &w, &error);
    g_assert_no_error(error);
    g_assert_nonnull(result);
    g_test_message("%u readings in post-copy, %u after the cancel", w.post_copy_readings,
                   w.post_copy_after_cancel);
    g_assert_cmpuint(w.post_copy_readings, >=, 1);
    g_assert_cmpstr(result->host_uri, ==, uri_b);
    g_assert_cmpstr(result->name, ==, GUEST);
    g_assert_true(result->running);
    g_assert_false(result->source_defined);
    g_assert_false(w.saw_cancelling);
    g_assert_true(result->cancel_too_late == cancel);
    assert_only_on(conn_b, conn_a, GUEST);

    back = migrate(domain_on(host_b, GUEST), host_a, spec_back, &w2, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(back->host_uri, ==, uri_a);
    g_assert_true(back->running);
    assert_only_on(conn_a, conn_b, GUEST);
}

static void
test_post_copy(void)
{
    post_copy_there_and_back(FALSE);
}

static void
test_post_copy_cancel(void)
{
    post_copy_there_and_back(TRUE);
}

static void
test_destination_dies(void)
{
    g_autoptr(HakoMigrateSpec) spec = new_spec(host_b);
    g_autoptr(HakoMigrateResult) result = NULL;
    g_autoptr(GError) error = NULL;
    Wait w = {0};

    spec->bandwidth = 1;
    w.kill_b_on_data = TRUE;
    result = migrate(domain_on(host_a, GUEST), host_b, spec, &w, &error);
    g_assert_true(w.killed);
    g_assert_null(result);
    g_assert_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_FAILED);
    g_test_message("%s", error->message);
    g_assert_nonnull(strstr(error->message, "does not answer"));
    g_assert_nonnull(strstr(error->message, "still running on"));
    g_assert_cmpint(state_on(conn_a, GUEST), ==, VIR_DOMAIN_RUNNING);
}

/* Two migrations at once: an idle guest's move ends while the memtest guest's slow one still runs,
 * and both arrive; then the memtest guest comes back to A for the next subtests. */
static void
test_concurrent(void)
{
    g_autoptr(HakoMigrateSpec) slow = new_spec(host_b);
    g_autoptr(HakoMigrateSpec) fast = new_spec(host_b);
    g_autoptr(HakoMigrateSpec) back = new_spec(host_a);
    g_autoptr(HakoMigrateResult) slow_result = NULL;
    g_autoptr(HakoMigrateResult) fast_result = NULL;
    g_autoptr(HakoMigrateResult) back_result = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *idle_xml = g_strdup_printf(
        "<domain type='qemu'><name>hako-mig-idle</name><memory unit='MiB'>32</memory>"
        "<os><type arch='x86_64' machine='pc'>hvm</type></os><devices>"
        "<emulator>/usr/bin/qemu-system-x86_64</emulator></devices></domain>");
    Wait w_slow = {0};
    Wait w_fast = {0};
    Wait w_back = {0};
    virDomainPtr dom;

    define_on(conn_a, idle_xml);
    dom = virDomainLookupByName(conn_a, "hako-mig-idle");
    g_assert_nonnull(dom);
    g_assert_cmpint(virDomainCreate(dom), ==, 0);
    virDomainFree(dom);

    slow->bandwidth = 2; /* 64 MiB of memtest: about half a minute */
    hako_migrator_migrate_async(migrator, domain_on(host_a, GUEST), host_b, slow, progress_cb,
                                &w_slow, NULL, NULL, done_cb, &w_slow);
    hako_migrator_migrate_async(migrator, domain_on(host_a, "hako-mig-idle"), host_b, fast,
                                progress_cb, &w_fast, NULL, NULL, done_cb, &w_fast);
    g_assert_true(hako_test_wait_until(is_done, &w_fast, 60000));
    g_assert_false(w_slow.done);
    g_assert_true(hako_test_wait_until(is_done, &w_slow, 150000));
    fast_result = hako_migrator_migrate_finish(migrator, w_fast.result, &error);
    g_assert_no_error(error);
    slow_result = hako_migrator_migrate_finish(migrator, w_slow.result, &error);
    g_assert_no_error(error);
    g_clear_object(&w_fast.result);
    g_clear_object(&w_slow.result);
    g_assert_true(fast_result->running);
    g_assert_true(slow_result->running);
    g_assert_cmpint(state_on(conn_b, "hako-mig-idle"), ==, VIR_DOMAIN_RUNNING);
    assert_only_on(conn_b, conn_a, GUEST);

    back_result = migrate(domain_on(host_b, GUEST), host_a, back, &w_back, &error);
    g_assert_no_error(error);
    g_assert_cmpint(state_on(conn_a, GUEST), ==, VIR_DOMAIN_RUNNING);
    undefine_on(conn_b, "hako-mig-idle");
    undefine_on(conn_a, "hako-mig-idle");
}

/* Between network namespaces, the link cut during a migration: the data stalls, the guest keeps
 * running on A, and a cancel ends the move with the guest on A only. */
static void
test_link_cut(void)
{
    g_autoptr(HakoMigrateSpec) spec = new_spec(host_b);
    g_autoptr(HakoMigrateResult) result = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(GCancellable) cancellable = g_cancellable_new();
    Wait w = {0};

    spec->bandwidth = 1;
    w.cut_link_on_data = cancellable;
    result = migrate(domain_on(host_a, GUEST), host_b, spec, &w, &error);
    run(link_up);
    g_assert_true(w.cut);
    /* the progress said the data stopped moving before the cancel, 3 s after the cut */
    g_assert_cmpuint(w.max_stalled, >=, 2000);
    g_assert_null(result);
    g_assert_error(error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_test_message("%s", error->message);
    g_assert_nonnull(strstr(error->message, "still running on"));
    assert_only_on(conn_a, conn_b, GUEST);
}

/* Between network namespaces without a migration address: B gives this machine's host name,
 * which is loopback in A's namespace too, so the data goes nowhere; the guest stays on A. */
static void
test_no_address(void)
{
    g_autoptr(HakoMigrateSpec) spec = hako_migrate_spec_new();
    g_autoptr(HakoMigrateResult) result = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) checks = NULL;
    Wait w = {0};

    checks = preflight(domain_on(host_a, GUEST), host_b, spec);
    assert_check(checks, HAKO_PREFLIGHT_ADDRESS, NULL, HAKO_PREFLIGHT_WARNING, "loopback");
    result = migrate(domain_on(host_a, GUEST), host_b, spec, &w, &error);
    g_assert_null(result);
    g_assert_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_FAILED);
    g_test_message("%s", error->message);
    g_assert_nonnull(strstr(error->message, "still running on"));
    assert_only_on(conn_a, conn_b, GUEST);
}

/* Runs @argv; its standard output, or NULL when it fails. */
static char *
run_argv(const char *const *argv)
{
    g_autoptr(GError) error = NULL;
    char *out = NULL;
    int status = -1;

    g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out,
                               NULL, &status, &error));
    g_assert_no_error(error);
    if (!g_spawn_check_wait_status(status, NULL))
        g_clear_pointer(&out, g_free);
    return out;
}

/* Runs @argv in the mount namespace of B's daemons: what B sees. */
static char *
run_in_b(const char *const *argv)
{
    g_autofree char *pidfile = g_build_filename(dir_b, "libvirtd.pid", NULL);
    g_autofree char *pid = NULL;
    g_autoptr(GPtrArray) full = g_ptr_array_new();

    g_assert_true(g_file_get_contents(pidfile, &pid, NULL, NULL));
    g_strstrip(pid);
    g_ptr_array_add(full, "nsenter");
    g_ptr_array_add(full, "-t");
    g_ptr_array_add(full, pid);
    g_ptr_array_add(full, "-m");
    g_ptr_array_add(full, "--");
    for (guint i = 0; argv[i] != NULL; i++)
        g_ptr_array_add(full, (gpointer)argv[i]);
    g_ptr_array_add(full, NULL);
    return run_argv((const char *const *)full->pdata);
}

static gboolean
exists_on_b(const char *path)
{
    const char *argv[] = {"test", "-e", path, NULL};
    g_autofree char *out = run_in_b(argv);

    return out != NULL;
}

/* A qcow2 disk present only on A: a directory of A's over which B's mount namespace has an empty
 * tmpfs, with a storage pool on B over that path. The disk (an overlay on a backing image in the
 * same directory) holds a pattern, and the guest boots from nothing (SeaBIOS waits, idle). */
static void
test_copy_storage(void)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *only_a = g_dir_make_tmp("hako-mig-only-a.XXXXXX", &error);
    g_autofree char *base = NULL;
    g_autofree char *disk = NULL;
    g_autofree char *pool_xml = NULL;
    g_autofree char *guest_xml = NULL;
    g_autofree char *out = NULL;
    g_autoptr(GPtrArray) checks = NULL;
    g_autoptr(HakoMigrateSpec) spec = new_spec(host_b);
    g_autoptr(HakoMigrateResult) result = NULL;
    g_autoptr(GCancellable) cancellable = g_cancellable_new();
    Wait w = {0};
    Wait w2 = {0};
    virStoragePoolPtr pool;
    virDomainPtr dom;

    g_assert_no_error(error);
    g_assert_cmpint(g_chmod(only_a, 0755), ==, 0);
    base = g_build_filename(only_a, "base.qcow2", NULL);
    disk = g_build_filename(only_a, "disk.qcow2", NULL);
    {
        const char *make_base[] = {"qemu-img", "create", "-q", "-f", "qcow2", base, "64M", NULL};
        const char *make_disk[] = {"qemu-img", "create", "-q",    "-f", "qcow2", "-b",
                                   base,       "-F",     "qcow2", disk, NULL};
        const char *write[] = {"qemu-io", "-f", "qcow2", "-c", "write -P 0xa5 0 24M", disk, NULL};
        const char *hide[] = {"mount", "-t",   "tmpfs", "-o", "size=256m,mode=0755",
                              "tmpfs", only_a, NULL};

        g_free(run_argv(make_base));
        g_free(run_argv(make_disk));
        out = run_argv(write);
        g_assert_nonnull(out);
        g_clear_pointer(&out, g_free);
        out = run_in_b(hide);
        g_assert_nonnull(out);
        g_clear_pointer(&out, g_free);
    }
    g_assert_true(g_file_test(disk, G_FILE_TEST_EXISTS));
    g_assert_false(exists_on_b(disk));
    pool_xml = g_markup_printf_escaped("<pool type='dir'><name>hako-mig-only</name>"
                                       "<target><path>%s</path></target></pool>",
                                       only_a);
    pool = virStoragePoolCreateXML(conn_b, pool_xml, 0);
    g_assert_nonnull(pool);
    guest_xml = g_markup_printf_escaped(
        "<domain type='qemu'><name>hako-mig-disk</name><memory unit='MiB'>32</memory>"
        "<os><type arch='x86_64' machine='pc'>hvm</type></os><devices>"
        "<emulator>/usr/bin/qemu-system-x86_64</emulator>"
        "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
        "<source file='%s'/><target dev='vda' bus='virtio'/></disk>"
        "<disk type='file' device='cdrom'><driver name='qemu' type='raw'/>"
        "<source file='" MEMTEST "'/><target dev='hdc' bus='ide'/><readonly/></disk>"
        "</devices></domain>",
        disk);
    define_on(conn_a, guest_xml);
    dom = virDomainLookupByName(conn_a, "hako-mig-disk");
    g_assert_nonnull(dom);
    g_assert_cmpint(virDomainCreate(dom), ==, 0);
    virDomainFree(dom);

    /* without a copy the disk is missing on B; an incremental copy needs the backing image
     * there; a full copy fits into B's pool */
    checks = preflight(domain_on(host_a, "hako-mig-disk"), host_b, spec);
    assert_check(checks, HAKO_PREFLIGHT_DISK, "vda", HAKO_PREFLIGHT_FAILED, "is missing on");
    g_clear_pointer(&checks, g_ptr_array_unref);
    spec->copy_storage = HAKO_MIGRATE_COPY_STORAGE_INCREMENTAL;
    checks = preflight(domain_on(host_a, "hako-mig-disk"), host_b, spec);
    assert_check(checks, HAKO_PREFLIGHT_DISK, "vda", HAKO_PREFLIGHT_FAILED, "backing image");
    g_clear_pointer(&checks, g_ptr_array_unref);
    spec->copy_storage = HAKO_MIGRATE_COPY_STORAGE_ALL;
    checks = preflight(domain_on(host_a, "hako-mig-disk"), host_b, spec);
    assert_check(checks, HAKO_PREFLIGHT_DISK, "vda", HAKO_PREFLIGHT_PASSED,
                 "will be copied into the storage pool “hako-mig-only”");
    assert_check(checks, HAKO_PREFLIGHT_DISK, "hdc", HAKO_PREFLIGHT_WARNING, NULL);
    g_assert_cmpint(hako_preflight_worst(checks), ==, HAKO_PREFLIGHT_WARNING);
    g_clear_pointer(&checks, g_ptr_array_unref);

    /* a cancelled copy: the guest stays on A, and B keeps no half-made copy */
    spec->bandwidth = 1;
    w.cancel_on_data = cancellable;
    result = migrate(domain_on(host_a, "hako-mig-disk"), host_b, spec, &w, &error);
    g_assert_null(result);
    g_assert_error(error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_test_message("%s", error->message);
    g_clear_error(&error);
    assert_only_on(conn_a, conn_b, "hako-mig-disk");
    g_assert_false(exists_on_b(disk));

    /* the copy: the guest runs on B from a disk of B's own with the pattern in it */
    spec->bandwidth = 0;
    result = migrate(domain_on(host_a, "hako-mig-disk"), host_b, spec, &w2, &error);
    g_assert_no_error(error);
    g_assert_nonnull(result);
    g_assert_true(result->running);
    assert_only_on(conn_b, conn_a, "hako-mig-disk");
    g_assert_true(exists_on_b(disk));
    {
        const char *read[] = {"qemu-io", "-r", "-U", "-f", "qcow2", "-c", "read -P 0xa5 0 24M",
                              disk,      NULL};

        out = run_in_b(read);
        g_assert_nonnull(out);
        g_test_message("on B: %s", out);
        g_assert_null(strstr(out, "failed"));
        g_assert_nonnull(strstr(out, "read 25165824/25165824 bytes"));
        g_clear_pointer(&out, g_free);
    }

    /* back without a copy: libvirt refuses a disk it does not know to be shared, and the error
     * says what to do; allowed as unsafe, it moves (A still has its own file of that path) */
    {
        g_autoptr(HakoMigrateSpec) back = new_spec(host_a);
        g_autoptr(HakoMigrateResult) moved = NULL;
        Wait w3 = {0};
        Wait w4 = {0};

        g_assert_null(migrate(domain_on(host_b, "hako-mig-disk"), host_a, back, &w3, &error));
        g_assert_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_FAILED);
        g_test_message("%s", error->message);
        g_assert_nonnull(strstr(error->message, "allow an unsafe migration"));
        g_assert_nonnull(strstr(error->message, "still running on"));
        g_clear_error(&error);
        g_assert_cmpint(state_on(conn_b, "hako-mig-disk"), ==, VIR_DOMAIN_RUNNING);
        back->unsafe = TRUE;
        moved = migrate(domain_on(host_b, "hako-mig-disk"), host_a, back, &w4, &error);
        g_assert_no_error(error);
        g_assert_nonnull(moved);
        g_assert_cmpint(state_on(conn_a, "hako-mig-disk"), ==, VIR_DOMAIN_RUNNING);
        g_assert_cmpint(state_on(conn_b, "hako-mig-disk"), ==, -1);
    }

    undefine_on(conn_b, "hako-mig-disk");
    undefine_on(conn_a, "hako-mig-disk");
    virStoragePoolDestroy(pool);
    virStoragePoolFree(pool);
    {
        const char *unhide[] = {"umount", only_a, NULL};

        g_free(run_in_b(unhide));
    }
    g_remove(disk);
    g_remove(base);
    g_rmdir(only_a);
}

static gboolean
is_gone(gpointer data)
{
    return *(gpointer *)data == NULL;
}

/* B's daemons go when the test ends, even when it aborts: a watcher in a session of its own
 * stops them once the pipe from this process closes. */
static int watcher_fd = -1;
static GPid watcher_pid;

static void
child_setsid(gpointer data G_GNUC_UNUSED)
{
    setsid();
}

static void
watch_b(void)
{
    const char *argv[] = {"/bin/sh",
                          "-c",
                          "read x; \"$0\" \"$1\" stop; rm -rf \"$1\"; "
                          "[ -z \"$2\" ] || ip netns del \"$2\"",
                          ctl_script,
                          dir_b,
                          netns_b != NULL ? netns_b : "",
                          NULL};
    g_autoptr(GError) error = NULL;

    g_assert_true(g_spawn_async_with_pipes(
        NULL, (char **)argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
        child_setsid, NULL, &watcher_pid, &watcher_fd, NULL, NULL, &error));
    g_assert_no_error(error);
}

static void
stop_b(void)
{
    int status;

    close(watcher_fd);
    waitpid(watcher_pid, &status, 0);
    g_spawn_close_pid(watcher_pid);
}

/* B's network namespace, with a veth pair to A's on a /24 of its own (TESTBED.md §6). */
static void
join_netns(const char *netns_a)
{
    guint pid = (guint)getpid() % 100000;
    guint net = g_random_int_range(0, 250);
    g_autofree char *va = g_strdup_printf("hkm%ua", pid);
    g_autofree char *vb = g_strdup_printf("hkm%ub", pid);
    g_autofree char *file = g_build_filename(dir_b, "netns", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) commands = g_ptr_array_new_with_free_func(g_free);

    netns_b = g_strdup_printf("hako-mig-%u", pid);
    addr_a = g_strdup_printf("10.213.%u.1", net);
    addr_b = g_strdup_printf("10.213.%u.2", net);
    g_ptr_array_add(commands, g_strdup_printf("ip netns add %s", netns_b));
    g_ptr_array_add(commands, g_strdup_printf("ip -n %s link set lo up", netns_b));
    g_ptr_array_add(commands, g_strdup_printf("ip link add %s type veth peer name %s", va, vb));
    g_ptr_array_add(commands, g_strdup_printf("ip link set %s netns %s", va, netns_a));
    g_ptr_array_add(commands, g_strdup_printf("ip link set %s netns %s", vb, netns_b));
    g_ptr_array_add(commands,
                    g_strdup_printf("ip -n %s addr add %s/24 dev %s", netns_a, addr_a, va));
    g_ptr_array_add(commands,
                    g_strdup_printf("ip -n %s addr add %s/24 dev %s", netns_b, addr_b, vb));
    g_ptr_array_add(commands, g_strdup_printf("ip -n %s link set %s up", netns_a, va));
    link_down = g_strdup_printf("ip -n %s link set %s down", netns_a, va);
    link_up = g_strdup_printf("ip -n %s link set %s up", netns_a, va);
    g_ptr_array_add(commands, g_strdup_printf("ip -n %s link set %s up", netns_b, vb));
    for (guint i = 0; i < commands->len; i++)
        run(g_ptr_array_index(commands, i));
    g_assert_true(g_file_set_contents(file, netns_b, -1, &error));
    g_assert_no_error(error);
}

static void
start_b(void)
{
    const char *ctl = g_getenv("HAKO_TEST_LIBVIRTD_CTL");
    g_auto(GStrv) parts = NULL;
    const char *argv[4] = {NULL, NULL, "uri", NULL};
    g_auto(GStrv) env = NULL;
    g_autoptr(GError) error = NULL;
    int status = -1;

    g_assert_nonnull(ctl);
    parts = g_strsplit(ctl, " ", 2);
    ctl_script = g_strdup(parts[0]);
    dir_b = g_dir_make_tmp("hako-libvirtd.XXXXXX", &error);
    g_assert_no_error(error);
    g_assert_cmpint(g_chmod(dir_b, 0755), ==, 0);
    if (g_getenv("HAKO_TEST_NETNS") != NULL)
        join_netns(g_getenv("HAKO_TEST_NETNS"));
    watch_b();
    /* B's QEMU runs as root, so that it may use userfaultfd (vm.unprivileged_userfaultfd is 0):
     * B can then be a post-copy destination. A's stays as it is. */
    env = g_environ_setenv(g_get_environ(), "PRIVATE_LIBVIRTD_QEMU_USER", "root", TRUE);
    ctl_b_env("start", env);
    argv[0] = ctl_script;
    argv[1] = dir_b;
    g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &uri_b, NULL,
                               &status, &error));
    g_assert_no_error(error);
    g_assert_cmpint(status, ==, 0);
    g_strstrip(uri_b);
}

int
main(int argc, char *argv[])
{
    g_autofree char *xml = NULL;
    HakoMigrator *weak;
    virDomainPtr dom;
    int status;

    g_test_init(&argc, &argv, NULL);
    hako_engine_init();
    main_thread = g_thread_self();
    uri_a = g_getenv("HAKO_TEST_URI");
    g_assert_nonnull(uri_a);
    g_assert_nonnull(g_getenv("HAKO_TEST_IMAGES"));
    g_assert_true(g_file_test(MEMTEST, G_FILE_TEST_EXISTS));

    start_b();
    conn_a = virConnectOpen(uri_a);
    conn_b = virConnectOpen(uri_b);
    g_assert_nonnull(conn_a);
    g_assert_nonnull(conn_b);
    /* the one CPU-busy guest of this test (memtest under TCG) */
    xml = memtest_xml(GUEST, NULL);
    dom = virDomainDefineXML(conn_a, xml);
    g_assert_nonnull(dom);
    g_assert_cmpint(virDomainCreate(dom), ==, 0);
    virDomainFree(dom);

    manager = hako_connection_manager_new(NULL);
    host_a = hako_connection_manager_add(manager, uri_a, HAKO_CONNECT_NONE);
    host_b = hako_connection_manager_add(manager, uri_b, HAKO_CONNECT_NONE);
    hako_connection_manager_connect(manager, host_a);
    hako_connection_manager_connect(manager, host_b);
    g_assert_true(hako_test_wait_until(hako_test_host_connected, host_a, 60000));
    g_assert_true(hako_test_wait_until(hako_test_host_connected, host_b, 60000));
    migrator = hako_migrator_new(manager);

    g_test_add_func("/engine/migrator/real/preflight", test_preflight);
    g_test_add_func("/engine/migrator/real/cpu", test_cpu);
    g_test_add_func("/engine/migrator/real/there-and-back", test_there_and_back);
    /* before post-copy's subtests restart memtest: its memory is all written by then */
    if (netns_b == NULL)
        g_test_add_func("/engine/migrator/real/concurrent", test_concurrent);
    /* post-copy and two moves at once do not depend on the network: over loopback only */
    if (netns_b == NULL) {
        g_test_add_func("/engine/migrator/real/post-copy", test_post_copy);
        g_test_add_func("/engine/migrator/real/post-copy-cancel", test_post_copy_cancel);
    }
    g_test_add_func("/engine/migrator/real/cancel", test_cancel);
    /* nor does a move that does not converge */
    if (netns_b == NULL)
        g_test_add_func("/engine/migrator/real/not-converging", test_not_converging);
    g_test_add_func("/engine/migrator/real/copy-storage", test_copy_storage);
    if (netns_b != NULL) {
        g_test_add_func("/engine/migrator/real/link-cut", test_link_cut);
        g_test_add_func("/engine/migrator/real/no-address", test_no_address);
    }
    g_test_add_func("/engine/migrator/real/destination-dies", test_destination_dies);
    status = g_test_run();

    weak = migrator;
    g_object_add_weak_pointer(G_OBJECT(migrator), (gpointer *)&weak);
    g_clear_object(&migrator);
    g_assert_true(hako_test_wait_until(is_gone, &weak, 10000));
    g_clear_object(&manager);
    undefine_on(conn_a, GUEST);
    virConnectClose(conn_a);
    virConnectClose(conn_b);
    stop_b();
    g_free(uri_b);
    g_free(ctl_script);
    g_free(dir_b);
    g_free(netns_b);
    g_free(addr_a);
    g_free(addr_b);
    g_free(link_down);
    g_free(link_up);
    return status;
}
