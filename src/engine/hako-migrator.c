/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoMigrator: preflight checks and live or offline migration between two connected hosts. */
#include "config.h"

#include "hako-migrator.h"

#include "hako-connection-manager-private.h"
#include "hako-engine-error.h"
#include "hako-engine-private.h"
#include "hako-migrator-private.h"

#include <arpa/inet.h>
#include <glib/gi18n.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <netinet/in.h>
#include <string.h>

#define POLL_INTERVAL_US (500 * G_TIME_SPAN_MILLISECOND)
#define CANCEL_CHECK_US (100 * G_TIME_SPAN_MILLISECOND)
#define STALLED_MS 2000 /* no data moved for this long: the rate is not known */
#define NOT_CONVERGING_PASSES 5

struct _HakoMigrator {
    GObject parent_instance;

    HakoConnectionManager *manager;
};

G_DEFINE_FINAL_TYPE(HakoMigrator, hako_migrator, G_TYPE_OBJECT)

G_DEFINE_BOXED_TYPE(HakoMigrateResult,
                    hako_migrate_result,
                    hako_migrate_result_copy,
                    hako_migrate_result_free)

HakoMigrateResult *
hako_migrate_result_copy(const HakoMigrateResult *result)
{
    HakoMigrateResult *copy;

    g_return_val_if_fail(result != NULL, NULL);

    copy = g_memdup2(result, sizeof *result);
    copy->host_uri = g_strdup(result->host_uri);
    copy->host_label = g_strdup(result->host_label);
    copy->name = g_strdup(result->name);
    copy->uuid = g_strdup(result->uuid);
    return copy;
}

void
hako_migrate_result_free(HakoMigrateResult *result)
{
    if (result == NULL)
        return;
    g_free(result->host_uri);
    g_free(result->host_label);
    g_free(result->name);
    g_free(result->uuid);
    g_free(result);
}

/**
 * hako_migrate_phase_to_string:
 *
 * Returns: a translated description of @phase.
 */
const char *
hako_migrate_phase_to_string(HakoMigratePhase phase)
{
    switch (phase) {
    case HAKO_MIGRATE_PHASE_STARTING:
        return _("Starting");
    case HAKO_MIGRATE_PHASE_STORAGE:
        return _("Copying storage");
    case HAKO_MIGRATE_PHASE_MEMORY:
        return _("Copying memory");
    case HAKO_MIGRATE_PHASE_POST_COPY:
        return _("Running on the destination, copying the rest of its memory");
    case HAKO_MIGRATE_PHASE_FINISHING:
        return _("Finishing");
    case HAKO_MIGRATE_PHASE_CANCELLING:
    default:
        return _("Cancelling");
    }
}

/**
 * hako_migrate_progress_get_fraction:
 *
 * Returns: how far the migration is, from 0 to 1: the data moved of the data moved and left
 *   (memory the guest dirties again is sent again, so the total QEMU gives is not the whole).
 */
double
hako_migrate_progress_get_fraction(const HakoMigrateProgress *progress)
{
    guint64 whole;

    g_return_val_if_fail(progress != NULL, 0.0);

    whole = progress->data_processed + progress->data_remaining;
    return whole > 0 ? (double)progress->data_processed / (double)whole : 0.0;
}

static void
hako_migrator_dispose(GObject *object)
{
    HakoMigrator *self = HAKO_MIGRATOR(object);

    g_clear_object(&self->manager);
    G_OBJECT_CLASS(hako_migrator_parent_class)->dispose(object);
}

static void
hako_migrator_class_init(HakoMigratorClass *klass)
{
    G_OBJECT_CLASS(klass)->dispose = hako_migrator_dispose;
}

static void
hako_migrator_init(HakoMigrator *self G_GNUC_UNUSED)
{
}

/**
 * hako_migrator_new:
 * @manager: the connection manager holding both hosts
 *
 * Returns: (transfer full): a migrator. It keeps no state between calls, so several
 *   migrations (and checks) may run at once.
 */
HakoMigrator *
hako_migrator_new(HakoConnectionManager *manager)
{
    HakoMigrator *self;

    g_return_val_if_fail(HAKO_IS_CONNECTION_MANAGER(manager), NULL);

    self = g_object_new(HAKO_TYPE_MIGRATOR, NULL);
    self->manager = g_object_ref(manager);
    return self;
}

/* ---------------------------------------------------------------------- */
/* Shared by both operations: the task's data, made on the main thread */

typedef struct {
    virConnectPtr sconn;
    virConnectPtr dconn;
    char *uuid;
    char *name;
    char *source_uri;
    char *source_label;
    char *dest_uri;
    char *dest_label;
    gboolean same_host_object;
    gboolean dest_read_only; /* why the preflight has no destination connection */
    HakoMigrateSpec *spec;

    /* migration only */
    GTask *task; /* not a reference: valid while the worker runs */
    GMainContext *context;
    HakoMigrateProgressFunc progress;
    gpointer progress_data;
    GDestroyNotify progress_destroy;
    GMutex lock;
    GCond cond;
    gboolean done;            /* the migration call returned (under lock) */
    gboolean returned;        /* the worker is returning: no progress any more (under lock) */
    gboolean report_queued;   /* under lock */
    HakoMigrateProgress last; /* under lock */
    gboolean aborted;         /* the poll thread asked libvirt to abort */
    gboolean cancel_refused;  /* libvirt refused to abort: the guest runs on the destination */
    gboolean post_copy_asked; /* virDomainMigrateStartPostCopy succeeded */
    gboolean in_post_copy;    /* the source said it is paused in post-copy */
    guint64 last_processed;   /* the poll thread's: the data moved at the last change */
    gint64 last_moved;        /* when it changed (monotonic µs), 0 before data moves */
} MigData;

static void
mig_data_free(gpointer data)
{
    MigData *d = data;

    if (d->sconn != NULL)
        virConnectClose(d->sconn);
    if (d->dconn != NULL)
        virConnectClose(d->dconn);
    g_free(d->uuid);
    g_free(d->name);
    g_free(d->source_uri);
    g_free(d->source_label);
    g_free(d->dest_uri);
    g_free(d->dest_label);
    hako_migrate_spec_free(d->spec);
    if (d->context != NULL)
        g_main_context_unref(d->context);
    if (d->progress_destroy != NULL)
        d->progress_destroy(d->progress_data);
    g_mutex_clear(&d->lock);
    g_cond_clear(&d->cond);
    g_free(d);
}

/* The label of @host, or its URI when both hosts have the same label (two local daemons). */
static char *
host_name(HakoHost *host, HakoHost *other)
{
    const char *label = hako_host_get_label(host);

    if (label == NULL || (other != NULL && g_strcmp0(label, hako_host_get_label(other)) == 0))
        return g_strdup(hako_host_get_uri(host));
    return g_strdup(label);
}

static MigData *
mig_data_new(HakoMigrator *self,
             HakoDomain *domain,
             HakoHost *dest_host,
             const HakoMigrateSpec *spec,
             gboolean need_dest,
             GError **error)
{
    HakoHost *source_host = hako_domain_get_host(domain);
    MigData *d = g_new0(MigData, 1);

    g_mutex_init(&d->lock);
    g_cond_init(&d->cond);
    d->uuid = g_strdup(hako_domain_get_uuid(domain));
    d->name = g_strdup(hako_domain_get_name(domain));
    d->spec = hako_migrate_spec_copy(spec);
    d->source_uri = g_strdup(source_host != NULL ? hako_host_get_uri(source_host) : NULL);
    d->source_label = source_host != NULL ? host_name(source_host, dest_host) : g_strdup("");
    d->dest_uri = g_strdup(hako_host_get_uri(dest_host));
    d->dest_label = host_name(dest_host, source_host);
    d->same_host_object = source_host == dest_host;
    d->sconn = _hako_connection_manager_dup_conn_to_change(self->manager, domain, error);
    if (d->sconn == NULL) {
        mig_data_free(d);
        return NULL;
    }
    if (need_dest) {
        d->dconn =
            _hako_connection_manager_dup_host_conn_to_change(self->manager, dest_host, error);
        if (d->dconn == NULL) {
            mig_data_free(d);
            return NULL;
        }
    } else {
        /* the preflight reports an unusable destination as a check */
        g_autoptr(GError) dest_error = NULL;

        d->dconn =
            _hako_connection_manager_dup_host_conn_to_change(self->manager, dest_host, &dest_error);
        d->dest_read_only =
            g_error_matches(dest_error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_READ_ONLY);
    }
    return d;
}

/* ---------------------------------------------------------------------- */
/* XML */

static xmlDocPtr
parse_xml(const char *xml)
{
    if (xml == NULL)
        return NULL;
    return xmlReadMemory(xml, (int)strlen(xml), "noname.xml", NULL,
                         XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
}

static char *
xpath_string(xmlDocPtr doc, xmlNodePtr node, const char *expression)
{
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    g_autofree char *wrapped = g_strdup_printf("string(%s)", expression);
    xmlXPathObjectPtr obj;
    char *value = NULL;

    ctx->node = node != NULL ? node : xmlDocGetRootElement(doc);
    obj = xmlXPathEvalExpression((const xmlChar *)wrapped, ctx);
    if (obj != NULL && obj->type == XPATH_STRING && obj->stringval != NULL &&
        obj->stringval[0] != '\0')
        value = g_strdup((const char *)obj->stringval);
    xmlXPathFreeObject(obj);
    xmlXPathFreeContext(ctx);
    return value;
}

/* Returns: (transfer container): the nodes matching @expression (free with g_ptr_array_unref). */
static GPtrArray *
xpath_nodes(xmlDocPtr doc, const char *expression)
{
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    xmlXPathObjectPtr obj = xmlXPathEvalExpression((const xmlChar *)expression, ctx);
    GPtrArray *nodes = g_ptr_array_new();

    if (obj != NULL && obj->nodesetval != NULL)
        for (int i = 0; i < obj->nodesetval->nodeNr; i++)
            g_ptr_array_add(nodes, obj->nodesetval->nodeTab[i]);
    xmlXPathFreeObject(obj);
    xmlXPathFreeContext(ctx);
    return nodes;
}

static char *
node_to_string(xmlDocPtr doc, xmlNodePtr node)
{
    xmlBufferPtr buffer = xmlBufferCreate();
    char *text = NULL;

    if (xmlNodeDump(buffer, doc, node, 0, 0) >= 0)
        text = g_strdup((const char *)xmlBufferContent(buffer));
    xmlBufferFree(buffer);
    return text;
}

/* ---------------------------------------------------------------------- */
/* Preflight */

static char *
host_uuid(virConnectPtr conn)
{
    g_autofree char *caps = virConnectGetCapabilities(conn);
    xmlDocPtr doc = parse_xml(caps);
    char *uuid;

    if (doc == NULL)
        return NULL;
    uuid = xpath_string(doc, NULL, "/capabilities/host/uuid");
    xmlFreeDoc(doc);
    return uuid;
}

static gboolean
check_destination(MigData *d, GPtrArray *checks)
{
    g_autofree char *suuid = NULL;
    g_autofree char *duuid = NULL;

    if (d->dconn == NULL && d->dest_read_only) {
        hako_preflight_add(checks, HAKO_PREFLIGHT_DESTINATION, HAKO_PREFLIGHT_FAILED, NULL,
                           _("The connection to “%s” is read-only: connect to it without "
                             "read-only to migrate a guest there."),
                           d->dest_label);
        return FALSE;
    }
    if (d->dconn == NULL) {
        hako_preflight_add(checks, HAKO_PREFLIGHT_DESTINATION, HAKO_PREFLIGHT_FAILED, NULL,
                           _("“%s” is not connected: connect to it first."), d->dest_label);
        return FALSE;
    }
    duuid = host_uuid(d->dconn);
    if (duuid == NULL) {
        hako_preflight_add(checks, HAKO_PREFLIGHT_DESTINATION, HAKO_PREFLIGHT_FAILED, NULL,
                           _("“%s” does not answer: %s"), d->dest_label,
                           _hako_libvirt_last_message());
        return FALSE;
    }
    suuid = host_uuid(d->sconn);
    if (d->same_host_object || g_strcmp0(d->source_uri, d->dest_uri) == 0 ||
        (suuid != NULL && g_ascii_strcasecmp(suuid, duuid) == 0)) {
        hako_preflight_add(checks, HAKO_PREFLIGHT_DESTINATION, HAKO_PREFLIGHT_FAILED, NULL,
                           _("“%s” is the host the guest is on already (host UUID %s): choose "
                             "another destination."),
                           d->dest_label, duuid);
        return FALSE;
    }
    hako_preflight_add(checks, HAKO_PREFLIGHT_DESTINATION, HAKO_PREFLIGHT_PASSED, NULL,
                       _("“%s” answers, and is another host than “%s”."), d->dest_label,
                       d->source_label);
    return TRUE;
}

static void
check_state(MigData *d, virDomainPtr dom, GPtrArray *checks)
{
    int state = VIR_DOMAIN_NOSTATE;
    int persistent = virDomainIsPersistent(dom);

    virDomainGetState(dom, &state, NULL, 0);
    if (d->spec->live) {
        if (state == VIR_DOMAIN_RUNNING || state == VIR_DOMAIN_PAUSED)
            hako_preflight_add(checks, HAKO_PREFLIGHT_GUEST_STATE, HAKO_PREFLIGHT_PASSED, NULL,
                               _("“%s” is running."), d->name);
        else
            hako_preflight_add(checks, HAKO_PREFLIGHT_GUEST_STATE, HAKO_PREFLIGHT_FAILED, NULL,
                               _("“%s” is not running: a live migration needs a running guest "
                                 "(an offline migration moves a shut-off guest's definition)."),
                               d->name);
        return;
    }
    if (persistent != 1)
        hako_preflight_add(checks, HAKO_PREFLIGHT_GUEST_STATE, HAKO_PREFLIGHT_FAILED, NULL,
                           _("“%s” has no definition to move: an offline migration needs a "
                             "persistent guest."),
                           d->name);
    else if (state == VIR_DOMAIN_RUNNING || state == VIR_DOMAIN_PAUSED)
        hako_preflight_add(checks, HAKO_PREFLIGHT_GUEST_STATE, HAKO_PREFLIGHT_WARNING, NULL,
                           _("“%s” is running: an offline migration only copies its definition, "
                             "and it keeps running here."),
                           d->name);
    else
        hako_preflight_add(checks, HAKO_PREFLIGHT_GUEST_STATE, HAKO_PREFLIGHT_PASSED, NULL,
                           _("“%s” is shut off."), d->name);
}

static void
check_existing(MigData *d, GPtrArray *checks)
{
    const char *name = d->spec->new_name != NULL ? d->spec->new_name : d->name;
    virDomainPtr by_name = virDomainLookupByName(d->dconn, name);
    virDomainPtr by_uuid = virDomainLookupByUUIDString(d->dconn, d->uuid);
    char other_uuid[VIR_UUID_STRING_BUFLEN] = "";

    virResetLastError();
    if (by_name != NULL)
        virDomainGetUUIDString(by_name, other_uuid);
    if (by_name != NULL && g_ascii_strcasecmp(other_uuid, d->uuid) != 0) {
        hako_preflight_add(checks, HAKO_PREFLIGHT_EXISTING_GUEST, HAKO_PREFLIGHT_FAILED, name,
                           _("Another guest named “%s” is already on “%s”: delete or rename it, "
                             "or give this guest a new name."),
                           name, d->dest_label);
    } else if (by_uuid != NULL && virDomainIsActive(by_uuid) == 1) {
        hako_preflight_add(checks, HAKO_PREFLIGHT_EXISTING_GUEST, HAKO_PREFLIGHT_FAILED, name,
                           _("This guest (same UUID) is already running on “%s”."), d->dest_label);
    } else if (by_uuid != NULL && by_name == NULL) {
        hako_preflight_add(checks, HAKO_PREFLIGHT_EXISTING_GUEST, HAKO_PREFLIGHT_FAILED, name,
                           _("A guest with the same UUID but another name (“%s”) is on “%s”."),
                           virDomainGetName(by_uuid), d->dest_label);
    } else if (by_uuid != NULL) {
        hako_preflight_add(checks, HAKO_PREFLIGHT_EXISTING_GUEST, HAKO_PREFLIGHT_WARNING, name,
                           _("“%s” is defined (shut off) on “%s”: its definition there will be "
                             "replaced."),
                           name, d->dest_label);
    } else {
        hako_preflight_add(checks, HAKO_PREFLIGHT_EXISTING_GUEST, HAKO_PREFLIGHT_PASSED, name,
                           _("No guest on “%s” has the name “%s” or this guest's UUID."),
                           d->dest_label, name);
    }
    if (by_name != NULL)
        virDomainFree(by_name);
    if (by_uuid != NULL)
        virDomainFree(by_uuid);
}

static void
check_cpu(MigData *d, xmlDocPtr doc, GPtrArray *checks)
{
    g_autofree char *type = xpath_string(doc, NULL, "/domain/@type");
    g_autofree char *mode = xpath_string(doc, NULL, "/domain/cpu/@mode");
    g_autofree char *arch = xpath_string(doc, NULL, "/domain/os/type/@arch");
    g_autofree char *machine = xpath_string(doc, NULL, "/domain/os/type/@machine");
    g_autofree char *emulator = xpath_string(doc, NULL, "/domain/devices/emulator");
    g_autofree char *model = xpath_string(doc, NULL, "/domain/cpu/model");
    g_autoptr(GPtrArray) cpus = NULL;
    g_autofree char *cpu_xml = NULL;
    int result;

    if (g_strcmp0(type, "qemu") == 0) {
        hako_preflight_add(checks, HAKO_PREFLIGHT_CPU, HAKO_PREFLIGHT_PASSED, NULL,
                           _("Not needed: the guest's CPU is emulated (QEMU without KVM)."));
        return;
    }
    if (g_strcmp0(mode, "host-passthrough") == 0 || g_strcmp0(mode, "maximum") == 0) {
        hako_preflight_add(checks, HAKO_PREFLIGHT_CPU, HAKO_PREFLIGHT_WARNING, NULL,
                           _("The guest uses the host's own CPU (%s): it may only move to a host "
                             "with an identical CPU, which cannot be checked."),
                           mode);
        return;
    }
    cpus = xpath_nodes(doc, "/domain/cpu");
    if (cpus->len == 0 || model == NULL) {
        hako_preflight_add(checks, HAKO_PREFLIGHT_CPU, HAKO_PREFLIGHT_PASSED, NULL,
                           _("The guest uses the hypervisor's default CPU model."));
        return;
    }
    cpu_xml = node_to_string(doc, g_ptr_array_index(cpus, 0));
    result = virConnectCompareHypervisorCPU(d->dconn, emulator, arch, machine, type, cpu_xml, 0);
    if (result == VIR_CPU_COMPARE_ERROR)
        result = virConnectCompareCPU(d->dconn, cpu_xml, 0);
    switch (result) {
    case VIR_CPU_COMPARE_IDENTICAL:
    case VIR_CPU_COMPARE_SUPERSET:
        hako_preflight_add(checks, HAKO_PREFLIGHT_CPU, HAKO_PREFLIGHT_PASSED, NULL,
                           _("“%s” can provide the guest's CPU."), d->dest_label);
        break;
    case VIR_CPU_COMPARE_INCOMPATIBLE: {
        /* asked again, libvirt says which features are missing */
        g_autofree char *why = NULL;

        if (virConnectCompareHypervisorCPU(d->dconn, emulator, arch, machine, type, cpu_xml,
                                           VIR_CONNECT_COMPARE_CPU_FAIL_INCOMPATIBLE) < 0)
            why = g_strdup(_hako_libvirt_last_message());
        virResetLastError();
        if (why != NULL)
            hako_preflight_add(checks, HAKO_PREFLIGHT_CPU, HAKO_PREFLIGHT_FAILED, NULL,
                               _("“%s” cannot provide the guest's CPU (%s): choose a CPU model "
                                 "both hosts have."),
                               d->dest_label, why);
        else
            hako_preflight_add(checks, HAKO_PREFLIGHT_CPU, HAKO_PREFLIGHT_FAILED, NULL,
                               _("“%s” cannot provide the guest's CPU: choose a CPU model both "
                                 "hosts have."),
                               d->dest_label);
        break;
    }
    default:
        hako_preflight_add(checks, HAKO_PREFLIGHT_CPU, HAKO_PREFLIGHT_WARNING, NULL,
                           _("The guest's CPU could not be compared with “%s”'s: %s"),
                           d->dest_label, _hako_libvirt_last_message());
        break;
    }
}

/* The pool of @conn whose target directory is @dir (a new reference), or NULL. */
static virStoragePoolPtr
pool_for_dir(virConnectPtr conn, const char *dir)
{
    virStoragePoolPtr *pools = NULL;
    virStoragePoolPtr found = NULL;
    int n = virConnectListAllStoragePools(conn, &pools, 0);

    for (int i = 0; i < n; i++) {
        g_autofree char *xml = NULL;
        xmlDocPtr doc;

        if (found == NULL && (xml = virStoragePoolGetXMLDesc(pools[i], 0)) != NULL &&
            (doc = parse_xml(xml)) != NULL) {
            g_autofree char *path = xpath_string(doc, NULL, "/pool/target/path");

            if (path != NULL && g_strcmp0(path, dir) == 0)
                found = g_steal_pointer(&pools[i]);
            xmlFreeDoc(doc);
        }
        if (pools[i] != NULL)
            virStoragePoolFree(pools[i]);
    }
    free(pools);
    virResetLastError();
    return found;
}

static gboolean
volume_exists(virConnectPtr conn, const char *path)
{
    virStorageVolPtr vol = virStorageVolLookupByPath(conn, path);

    virResetLastError();
    if (vol == NULL)
        return FALSE;
    virStorageVolFree(vol);
    return TRUE;
}

/* The size of @path on the source: its volume's capacity, else the running guest's block info. */
static guint64
disk_capacity(MigData *d, virDomainPtr dom, const char *path, const char *target)
{
    virStorageVolPtr vol = virStorageVolLookupByPath(d->sconn, path);
    virStorageVolInfo info;
    virDomainBlockInfo block;
    guint64 capacity = 0;

    if (vol != NULL && virStorageVolGetInfo(vol, &info) == 0)
        capacity = info.capacity;
    else if (target != NULL && virDomainGetBlockInfo(dom, target, &block, 0) == 0)
        capacity = block.capacity;
    if (vol != NULL)
        virStorageVolFree(vol);
    virResetLastError();
    return capacity;
}

/* Whether the disk @node is copied by a storage-copying migration: libvirt copies every disk
 * that is writable and not shared, but never a CD-ROM or floppy. */
static gboolean
disk_is_copied(const HakoMigrateSpec *spec, xmlDocPtr doc, xmlNodePtr node)
{
    g_autofree char *device = xpath_string(doc, node, "@device");
    g_autofree char *readonly = xpath_string(doc, node, "name(readonly)");
    g_autofree char *shareable = xpath_string(doc, node, "name(shareable)");

    return spec->copy_storage != HAKO_MIGRATE_COPY_STORAGE_NONE && readonly == NULL &&
           shareable == NULL && g_strcmp0(device, "cdrom") != 0 && g_strcmp0(device, "floppy") != 0;
}

/* Whether a volume at @path is on @conn, the pool of its directory refreshed first (the file may
 * have appeared since the pool was last listed). */
static gboolean
volume_exists_fresh(virConnectPtr conn, const char *path)
{
    g_autofree char *dir = NULL;
    virStoragePoolPtr pool;

    if (volume_exists(conn, path))
        return TRUE;
    dir = g_path_get_dirname(path);
    pool = pool_for_dir(conn, dir);
    if (pool == NULL)
        return FALSE;
    if (virStoragePoolIsActive(pool) == 1)
        virStoragePoolRefresh(pool, 0);
    virStoragePoolFree(pool);
    virResetLastError();
    return volume_exists(conn, path);
}

/* An incremental copy moves only the top image: its backing image must be on the destination.
 * The migratable XML leaves the backing chain out, so it is read from the live XML. */
static gboolean
check_backing(MigData *d, virDomainPtr dom, const char *target, GPtrArray *checks)
{
    g_autofree char *xml = NULL;
    g_autofree char *expression = NULL;
    g_autofree char *backing = NULL;
    xmlDocPtr doc;

    if (d->spec->copy_storage != HAKO_MIGRATE_COPY_STORAGE_INCREMENTAL || target == NULL ||
        strchr(target, '\'') != NULL || (xml = virDomainGetXMLDesc(dom, 0)) == NULL ||
        (doc = parse_xml(xml)) == NULL) {
        virResetLastError();
        return TRUE;
    }
    expression =
        g_strdup_printf("/domain/devices/disk[target/@dev='%s']/backingStore/source/@file", target);
    backing = xpath_string(doc, NULL, expression);
    xmlFreeDoc(doc);
    if (backing == NULL || volume_exists_fresh(d->dconn, backing))
        return TRUE;
    hako_preflight_add(checks, HAKO_PREFLIGHT_DISK, HAKO_PREFLIGHT_FAILED, target,
                       _("The backing image of %s (%s) is missing on “%s”, and an incremental "
                         "copy moves only the top image: copy the backing image there first, "
                         "or copy all storage."),
                       target, backing, d->dest_label);
    return FALSE;
}

static void
check_disk(MigData *d, virDomainPtr dom, xmlDocPtr doc, xmlNodePtr node, GPtrArray *checks)
{
    g_autofree char *type = xpath_string(doc, node, "@type");
    g_autofree char *target = xpath_string(doc, node, "target/@dev");
    g_autofree char *path = xpath_string(doc, node, "source/@file");
    g_autofree char *dir = NULL;
    g_autofree char *pool_name = NULL;
    g_autofree char *avail = NULL;
    g_autofree char *need = NULL;
    virStoragePoolPtr pool;
    virStoragePoolInfo info;
    gboolean copied;

    if (path == NULL)
        path = xpath_string(doc, node, "source/@dev");
    if (g_strcmp0(type, "network") == 0) {
        hako_preflight_add(checks, HAKO_PREFLIGHT_DISK, HAKO_PREFLIGHT_PASSED, target,
                           _("%s is network storage, which both hosts reach."), target);
        return;
    }
    if (path == NULL) {
        if (g_strcmp0(type, "volume") == 0)
            hako_preflight_add(checks, HAKO_PREFLIGHT_DISK, HAKO_PREFLIGHT_WARNING, target,
                               _("%s is a pool volume without a path, which cannot be checked "
                                 "on “%s”."),
                               target, d->dest_label);
        return; /* an empty drive */
    }
    copied = disk_is_copied(d->spec, doc, node);
    if (copied && !check_backing(d, dom, target, checks))
        return;
    if (volume_exists(d->dconn, path)) {
        hako_preflight_add(checks, HAKO_PREFLIGHT_DISK, HAKO_PREFLIGHT_PASSED, target,
                           copied ? _("%s (%s) will be copied into the volume of that path on "
                                      "“%s”.")
                                  : _("%s (%s) is on “%s” too."),
                           target, path, d->dest_label);
        return;
    }
    dir = g_path_get_dirname(path);
    pool = pool_for_dir(d->dconn, dir);
    if (pool != NULL && virStoragePoolIsActive(pool) == 1) {
        /* the file may have appeared since the pool was last listed */
        virStoragePoolRefresh(pool, 0);
        virResetLastError();
        if (volume_exists(d->dconn, path)) {
            virStoragePoolFree(pool);
            hako_preflight_add(checks, HAKO_PREFLIGHT_DISK, HAKO_PREFLIGHT_PASSED, target,
                               _("%s (%s) is on “%s” too."), target, path, d->dest_label);
            return;
        }
    }
    if (pool != NULL)
        pool_name = g_strdup(virStoragePoolGetName(pool));
    if (!copied) {
        if (pool != NULL)
            hako_preflight_add(checks, HAKO_PREFLIGHT_DISK, HAKO_PREFLIGHT_FAILED, target,
                               _("%s (%s) is missing on “%s”: copy it there first, or choose "
                                 "to copy storage."),
                               target, path, d->dest_label);
        else
            hako_preflight_add(checks, HAKO_PREFLIGHT_DISK, HAKO_PREFLIGHT_WARNING, target,
                               _("%s (%s) is in no storage pool of “%s”, so whether it is there "
                                 "cannot be checked."),
                               target, path, d->dest_label);
    } else if (pool == NULL) {
        hako_preflight_add(checks, HAKO_PREFLIGHT_DISK, HAKO_PREFLIGHT_FAILED, target,
                           _("No storage pool of “%s” holds %s, so the copy of %s has nowhere to "
                             "go: create a pool there first."),
                           d->dest_label, dir, target);
    } else if (virStoragePoolGetInfo(pool, &info) != 0 || info.state != VIR_STORAGE_POOL_RUNNING) {
        hako_preflight_add(checks, HAKO_PREFLIGHT_DISK, HAKO_PREFLIGHT_FAILED, target,
                           _("The storage pool “%s” of “%s” is not running: start it first."),
                           pool_name, d->dest_label);
    } else {
        guint64 capacity = disk_capacity(d, dom, path, target);

        avail = g_format_size_full(info.available, G_FORMAT_SIZE_IEC_UNITS);
        need = g_format_size_full(capacity, G_FORMAT_SIZE_IEC_UNITS);
        if (capacity > info.available)
            hako_preflight_add(checks, HAKO_PREFLIGHT_DISK, HAKO_PREFLIGHT_FAILED, target,
                               _("The copy of %s needs %s, but the storage pool “%s” of “%s” "
                                 "has %s free."),
                               target, need, pool_name, d->dest_label, avail);
        else
            hako_preflight_add(checks, HAKO_PREFLIGHT_DISK, HAKO_PREFLIGHT_PASSED, target,
                               _("%s (%s) will be copied into the storage pool “%s” of “%s” "
                                 "(%s free)."),
                               target, need, pool_name, d->dest_label, avail);
    }
    if (pool != NULL)
        virStoragePoolFree(pool);
    virResetLastError();
}

static void
check_nic(MigData *d, xmlDocPtr doc, xmlNodePtr node, GPtrArray *checks)
{
    g_autofree char *type = xpath_string(doc, node, "@type");
    g_autofree char *network = xpath_string(doc, node, "source/@network");
    g_autofree char *bridge = xpath_string(doc, node, "source/@bridge");
    g_autofree char *dev = xpath_string(doc, node, "source/@dev");

    if (g_strcmp0(type, "network") == 0 && network != NULL) {
        virNetworkPtr net = virNetworkLookupByName(d->dconn, network);

        virResetLastError();
        if (net == NULL)
            hako_preflight_add(checks, HAKO_PREFLIGHT_NETWORK, HAKO_PREFLIGHT_FAILED, network,
                               _("“%s” has no virtual network “%s”: create it there first."),
                               d->dest_label, network);
        else if (virNetworkIsActive(net) != 1)
            hako_preflight_add(checks, HAKO_PREFLIGHT_NETWORK, HAKO_PREFLIGHT_FAILED, network,
                               _("The virtual network “%s” of “%s” is not running: start it "
                                 "first."),
                               network, d->dest_label);
        else
            hako_preflight_add(checks, HAKO_PREFLIGHT_NETWORK, HAKO_PREFLIGHT_PASSED, network,
                               _("“%s” has the virtual network “%s”."), d->dest_label, network);
        if (net != NULL)
            virNetworkFree(net);
    } else if ((g_strcmp0(type, "bridge") == 0 && bridge != NULL) ||
               (g_strcmp0(type, "direct") == 0 && dev != NULL)) {
        const char *name = bridge != NULL ? bridge : dev;
        virInterfacePtr iface = virInterfaceLookupByName(d->dconn, name);

        virResetLastError();
        if (iface != NULL) {
            hako_preflight_add(checks, HAKO_PREFLIGHT_NETWORK, HAKO_PREFLIGHT_PASSED, name,
                               _("“%s” has the interface “%s”."), d->dest_label, name);
            virInterfaceFree(iface);
        } else {
            hako_preflight_add(checks, HAKO_PREFLIGHT_NETWORK, HAKO_PREFLIGHT_WARNING, name,
                               _("“%s” does not list an interface “%s”: make sure it exists "
                                 "there."),
                               d->dest_label, name);
        }
    } else {
        g_autofree char *mac = xpath_string(doc, node, "mac/@address");

        hako_preflight_add(checks, HAKO_PREFLIGHT_NETWORK, HAKO_PREFLIGHT_PASSED, mac,
                           _("The interface %s (%s) needs nothing on “%s”."),
                           mac != NULL ? mac : "", type != NULL ? type : "", d->dest_label);
    }
}

static char *
version_string(unsigned long version)
{
    return g_strdup_printf("%lu.%lu.%lu", version / 1000000, (version / 1000) % 1000,
                           version % 1000);
}

static void
check_versions(MigData *d, GPtrArray *checks)
{
    unsigned long shv = 0, dhv = 0, slib = 0, dlib = 0;
    const char *hv = virConnectGetType(d->dconn);
    g_autofree char *s_hv = NULL;
    g_autofree char *d_hv = NULL;
    g_autofree char *s_lib = NULL;
    g_autofree char *d_lib = NULL;

    virConnectGetVersion(d->sconn, &shv);
    virConnectGetVersion(d->dconn, &dhv);
    virConnectGetLibVersion(d->sconn, &slib);
    virConnectGetLibVersion(d->dconn, &dlib);
    virResetLastError();
    s_hv = version_string(shv);
    d_hv = version_string(dhv);
    s_lib = version_string(slib);
    d_lib = version_string(dlib);
    if (hv == NULL)
        hv = "QEMU";
    if (dhv < shv)
        hako_preflight_add(checks, HAKO_PREFLIGHT_VERSION, HAKO_PREFLIGHT_WARNING, NULL,
                           _("“%s” has an older %s (%s) than “%s” (%s): a running guest may use "
                             "something it lacks."),
                           d->dest_label, hv, d_hv, d->source_label, s_hv);
    else if (dlib < slib)
        hako_preflight_add(checks, HAKO_PREFLIGHT_VERSION, HAKO_PREFLIGHT_WARNING, NULL,
                           _("“%s” has an older libvirt (%s) than “%s” (%s): it may not "
                             "understand the guest's definition."),
                           d->dest_label, d_lib, d->source_label, s_lib);
    else
        hako_preflight_add(checks, HAKO_PREFLIGHT_VERSION, HAKO_PREFLIGHT_PASSED, NULL,
                           _("“%s” has %s %s and libvirt %s, not older than “%s”."), d->dest_label,
                           hv, d_hv, d_lib, d->source_label);
}

/* The host part of a migration URI (tcp://HOST:PORT, tcp:HOST, rdma://[V6]:PORT). */
static char *
migrate_uri_host(const char *uri)
{
    const char *rest = strchr(uri, ':');
    g_autofree char *host = NULL;
    char *end;

    if (rest == NULL || g_str_has_prefix(uri, "unix:"))
        return NULL;
    rest++;
    if (g_str_has_prefix(rest, "//"))
        rest += 2;
    if (*rest == '[') {
        host = g_strdup(rest + 1);
        if ((end = strchr(host, ']')) != NULL)
            *end = '\0';
    } else {
        host = g_strdup(rest);
        if ((end = strpbrk(host, ":/")) != NULL)
            *end = '\0';
    }
    return *host != '\0' ? g_steal_pointer(&host) : NULL;
}

static gboolean
address_is_loopback(GInetAddress *address)
{
    return g_inet_address_get_is_loopback(address);
}

static void
check_address(MigData *d, GCancellable *cancellable, GPtrArray *checks)
{
    g_autoptr(GResolver) resolver = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *host = NULL;
    g_autofree char *source_hostname = NULL;
    g_autofree char *first = NULL;
    GList *addresses;
    gboolean all_loopback = TRUE;

    if (d->spec->tunnelled) {
        hako_preflight_add(checks, HAKO_PREFLIGHT_ADDRESS, HAKO_PREFLIGHT_PASSED, NULL,
                           _("Not needed: a tunnelled migration sends its data over the libvirt "
                             "connection."));
        return;
    }
    if (d->spec->migrate_uri != NULL) {
        host = migrate_uri_host(d->spec->migrate_uri);
        if (host == NULL) {
            hako_preflight_add(checks, HAKO_PREFLIGHT_ADDRESS, HAKO_PREFLIGHT_PASSED, NULL,
                               _("The migration data will go to %s."), d->spec->migrate_uri);
            return;
        }
    } else {
        host = virConnectGetHostname(d->dconn);
        if (host == NULL) {
            hako_preflight_add(checks, HAKO_PREFLIGHT_ADDRESS, HAKO_PREFLIGHT_WARNING, NULL,
                               _("“%s” does not say its host name: %s"), d->dest_label,
                               _hako_libvirt_last_message());
            return;
        }
    }
    resolver = g_resolver_get_default();
    addresses = g_resolver_lookup_by_name(resolver, host, cancellable, &error);
    if (addresses == NULL) {
        hako_preflight_add(checks, HAKO_PREFLIGHT_ADDRESS, HAKO_PREFLIGHT_WARNING, NULL,
                           d->spec->migrate_uri != NULL
                               ? _("The migration address “%s” cannot be resolved here (%s): "
                                   "the source host must be able to.")
                               : _("“%s”, the name the destination gives for the migration "
                                   "data, cannot be resolved here (%s): set a migration address "
                                   "or migration_host in the destination's qemu.conf."),
                           host, error->message);
        return;
    }
    for (GList *l = addresses; l != NULL; l = l->next)
        if (!address_is_loopback(l->data))
            all_loopback = FALSE;
    first = g_inet_address_to_string(addresses->data);
    g_resolver_free_addresses(addresses);
    if (!all_loopback) {
        hako_preflight_add(checks, HAKO_PREFLIGHT_ADDRESS, HAKO_PREFLIGHT_PASSED, NULL,
                           _("The migration data will go to “%s” (%s)."), host, first);
        return;
    }
    /* The pitfall of two daemons on one machine, or a destination whose host name is bound to
     * 127.0.0.1 in /etc/hosts: the source connects to its own loopback. That works only when
     * both daemons share the network stack, which the host names hint at but cannot prove. */
    source_hostname = virConnectGetHostname(d->sconn);
    virResetLastError();
    if (source_hostname != NULL && g_strcmp0(source_hostname, host) == 0)
        hako_preflight_add(checks, HAKO_PREFLIGHT_ADDRESS, HAKO_PREFLIGHT_WARNING, NULL,
                           _("The migration data will go to “%s”, a loopback address (%s): this "
                             "works only when both hosts share this machine's network; "
                             "otherwise give a migration address."),
                           host, first);
    else
        hako_preflight_add(checks, HAKO_PREFLIGHT_ADDRESS, HAKO_PREFLIGHT_FAILED, NULL,
                           _("The migration data would go to “%s”, a loopback address (%s), "
                             "which the source would connect to itself: give a migration "
                             "address, or set migration_host in the destination's qemu.conf."),
                           host, first);
}

static void
preflight_thread(GTask *task,
                 gpointer source G_GNUC_UNUSED,
                 gpointer data,
                 GCancellable *cancellable)
{
    MigData *d = data;
    g_autoptr(GPtrArray) checks = hako_preflight_new_list();
    g_autoptr(GError) spec_error = NULL;
    g_autofree char *xml = NULL;
    unsigned int flags = VIR_DOMAIN_XML_MIGRATABLE;
    virDomainPtr dom;
    xmlDocPtr doc;

    if (!hako_migrate_spec_validate(d->spec, &spec_error))
        hako_preflight_add(checks, HAKO_PREFLIGHT_SPEC, HAKO_PREFLIGHT_FAILED, NULL, "%s",
                           spec_error->message);
    if (!check_destination(d, checks))
        goto out;
    dom = virDomainLookupByUUIDString(d->sconn, d->uuid);
    if (dom == NULL) {
        hako_preflight_add(checks, HAKO_PREFLIGHT_GUEST_STATE, HAKO_PREFLIGHT_FAILED, NULL,
                           _("“%s” is gone from “%s”: %s"), d->name, d->source_label,
                           _hako_libvirt_last_message());
        goto out;
    }
    check_state(d, dom, checks);
    check_existing(d, checks);
    if (!d->spec->live)
        flags |= VIR_DOMAIN_XML_INACTIVE;
    xml = virDomainGetXMLDesc(dom, flags);
    doc = parse_xml(xml);
    if (doc != NULL) {
        g_autoptr(GPtrArray) disks = xpath_nodes(doc, "/domain/devices/disk");
        g_autoptr(GPtrArray) nics = xpath_nodes(doc, "/domain/devices/interface");

        check_cpu(d, doc, checks);
        for (guint i = 0; i < disks->len; i++)
            check_disk(d, dom, doc, g_ptr_array_index(disks, i), checks);
        for (guint i = 0; i < nics->len; i++)
            check_nic(d, doc, g_ptr_array_index(nics, i), checks);
        xmlFreeDoc(doc);
    } else {
        hako_preflight_add(checks, HAKO_PREFLIGHT_CPU, HAKO_PREFLIGHT_WARNING, NULL,
                           _("The definition of “%s” could not be read: %s"), d->name,
                           _hako_libvirt_last_message());
    }
    virDomainFree(dom);
    check_versions(d, checks);
    check_address(d, cancellable, checks);
out:
    virResetLastError();
    /* the last references may be the worker's: close them here, never on the main thread */
    virConnectClose(g_steal_pointer(&d->sconn));
    if (d->dconn != NULL)
        virConnectClose(g_steal_pointer(&d->dconn));
    g_task_return_pointer(task, g_steal_pointer(&checks), (GDestroyNotify)g_ptr_array_unref);
}

/**
 * hako_migrator_preflight_async:
 * @domain: the guest to migrate
 * @dest_host: the host to migrate it to (connected through the same manager)
 * @spec: how
 *
 * Checks, on a thread of its own, what would make the migration fail or the guest break: the
 * spec, the destination (connected, answering, another host by its host UUID), the guest's
 * state, a guest of the same name or UUID on the destination, the CPU, each disk (there on the
 * destination, or room for its copy), each NIC's network or bridge, the versions, and the
 * address the migration data would go to. A failed check is a %HAKO_PREFLIGHT_FAILED check, not
 * an error.
 */
void
hako_migrator_preflight_async(HakoMigrator *self,
                              HakoDomain *domain,
                              HakoHost *dest_host,
                              const HakoMigrateSpec *spec,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data)
{
    g_autoptr(GTask) task = NULL;
    GError *error = NULL;
    MigData *d;

    g_return_if_fail(HAKO_IS_MIGRATOR(self));
    g_return_if_fail(HAKO_IS_DOMAIN(domain));
    g_return_if_fail(HAKO_IS_HOST(dest_host));
    g_return_if_fail(spec != NULL);

    task = g_task_new(self, cancellable, callback, user_data);
    g_task_set_source_tag(task, hako_migrator_preflight_async);
    d = mig_data_new(self, domain, dest_host, spec, FALSE, &error);
    if (d == NULL) {
        g_task_return_error(task, error);
        return;
    }
    g_task_set_task_data(task, d, mig_data_free);
    _hako_task_run_in_own_thread(task, preflight_thread);
}

/**
 * hako_migrator_preflight_finish:
 *
 * Returns: (transfer full) (element-type HakoPreflightCheck): the checks, in the order made, or
 *   NULL with @error when the source host cannot be used.
 */
GPtrArray *
hako_migrator_preflight_finish(HakoMigrator *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), NULL);

    return g_task_propagate_pointer(G_TASK(result), error);
}

/* ---------------------------------------------------------------------- */
/* Migration */

static gboolean
report_progress_cb(gpointer data)
{
    GTask *task = data;
    MigData *d = g_task_get_task_data(task);
    HakoMigrateProgress progress;

    gboolean returned;

    g_mutex_lock(&d->lock);
    progress = d->last;
    d->report_queued = FALSE;
    returned = d->returned;
    g_mutex_unlock(&d->lock);
    if (!returned && d->progress != NULL)
        d->progress(&progress, d->progress_data);
    return G_SOURCE_REMOVE;
}

/* On the poll thread: hands @progress to the caller's main context, at most one call queued. */
static void
queue_progress(MigData *d, const HakoMigrateProgress *progress)
{
    gboolean queue;

    g_mutex_lock(&d->lock);
    d->last = *progress;
    queue = !d->report_queued && d->progress != NULL;
    d->report_queued = TRUE;
    g_mutex_unlock(&d->lock);
    if (queue) {
        GSource *source = g_idle_source_new();

        g_source_set_priority(source, G_PRIORITY_DEFAULT);
        g_source_set_callback(source, report_progress_cb, g_object_ref(d->task), g_object_unref);
        g_source_set_static_name(source, "hako-migrate-progress");
        g_source_attach(source, d->context);
        g_source_unref(source);
    }
}

static guint64
param_ullong(virTypedParameterPtr params, int n, const char *name)
{
    unsigned long long value = 0;

    if (virTypedParamsGetULLong(params, n, name, &value) != 1)
        return 0;
    return value;
}

/* Whether the source says the guest is paused in post-copy: it runs on the destination, which
 * fetches the rest of its memory from here. */
static gboolean
source_in_post_copy(virDomainPtr dom)
{
    int state = VIR_DOMAIN_NOSTATE;
    int reason = 0;

    if (virDomainGetState(dom, &state, &reason, 0) < 0) {
        virResetLastError();
        return FALSE;
    }
    return state == VIR_DOMAIN_PAUSED &&
           (reason == VIR_DOMAIN_PAUSED_POSTCOPY || reason == VIR_DOMAIN_PAUSED_POSTCOPY_FAILED);
}

/* One reading of the job; FALSE when there is none (not started yet, or over). */
static gboolean
read_job(MigData *d, virDomainPtr dom, gint64 started, HakoMigrateProgress *progress)
{
    virTypedParameterPtr params = NULL;
    int n = 0;
    int type = VIR_DOMAIN_JOB_NONE;
    guint64 disk_remaining;

    memset(progress, 0, sizeof *progress);
    progress->eta = -1;
    progress->elapsed = (g_get_monotonic_time() - started) / 1000;
    if (virDomainGetJobStats(dom, &type, &params, &n, 0) < 0) {
        g_debug("No job statistics for “%s”: %s", d->name, _hako_libvirt_last_message());
        virResetLastError();
        return FALSE;
    }
    if (type == VIR_DOMAIN_JOB_NONE) {
        virTypedParamsFree(params, n);
        return FALSE;
    }
    progress->data_total = param_ullong(params, n, VIR_DOMAIN_JOB_DATA_TOTAL);
    progress->data_processed = param_ullong(params, n, VIR_DOMAIN_JOB_DATA_PROCESSED);
    progress->data_remaining = param_ullong(params, n, VIR_DOMAIN_JOB_DATA_REMAINING);
    progress->rate = param_ullong(params, n, VIR_DOMAIN_JOB_MEMORY_BPS);
    progress->iterations = param_ullong(params, n, VIR_DOMAIN_JOB_MEMORY_ITERATION);
    progress->downtime = param_ullong(params, n, VIR_DOMAIN_JOB_DOWNTIME);
    if (param_ullong(params, n, VIR_DOMAIN_JOB_TIME_ELAPSED) != 0)
        progress->elapsed = param_ullong(params, n, VIR_DOMAIN_JOB_TIME_ELAPSED);
    disk_remaining = param_ullong(params, n, VIR_DOMAIN_JOB_DISK_REMAINING);
    virTypedParamsFree(params, n);

    if (progress->data_processed != d->last_processed || d->last_moved == 0) {
        d->last_processed = progress->data_processed;
        d->last_moved = g_get_monotonic_time();
    } else if (progress->data_total > 0 && progress->data_remaining > 0) {
        progress->stalled = (guint64)(g_get_monotonic_time() - d->last_moved) / 1000;
    }
    if (progress->stalled >= STALLED_MS) {
        /* QEMU's rate is the last one it measured */
        progress->rate = 0;
    } else {
        if (progress->rate == 0 && progress->elapsed > 0)
            progress->rate = progress->data_processed * 1000 / progress->elapsed;
        if (progress->rate > 0)
            progress->eta = (gint64)(progress->data_remaining / progress->rate);
    }
    if (d->spec->post_copy && !d->in_post_copy)
        d->in_post_copy = source_in_post_copy(dom);
    progress->not_converging = progress->iterations >= NOT_CONVERGING_PASSES && !d->in_post_copy;
    if (d->aborted)
        progress->phase = HAKO_MIGRATE_PHASE_CANCELLING;
    else if (d->in_post_copy)
        progress->phase = HAKO_MIGRATE_PHASE_POST_COPY;
    else if (disk_remaining > 0 && progress->iterations == 0)
        progress->phase = HAKO_MIGRATE_PHASE_STORAGE;
    else if (progress->data_total == 0)
        progress->phase = HAKO_MIGRATE_PHASE_STARTING; /* libvirt's part, before QEMU's */
    else if (progress->data_remaining == 0)
        progress->phase = HAKO_MIGRATE_PHASE_FINISHING;
    else
        progress->phase = HAKO_MIGRATE_PHASE_MEMORY;
    return TRUE;
}

/* On the poll thread, on a cancel: asks libvirt to abort the job. In post-copy the guest runs on
 * the destination already and libvirt refuses ("cannot abort migration in post-copy mode"): the
 * migration then goes on to its end, and is not aborted on the destination's side either
 * (VIR_DOMAIN_ABORT_JOB_POSTCOPY would pause the guest on both hosts). */
static void
abort_job(MigData *d, virDomainPtr dom)
{
    if (d->in_post_copy || source_in_post_copy(dom)) {
        d->in_post_copy = TRUE;
        d->cancel_refused = TRUE;
        g_debug("Not cancelling the migration of “%s”: it is in post-copy", d->name);
        return;
    }
    if (virDomainAbortJob(dom) == 0) {
        d->aborted = TRUE;
        return;
    }
    g_debug("Could not abort the migration of “%s” (yet): %s", d->name,
            _hako_libvirt_last_message());
    virResetLastError();
    /* it may have switched to post-copy meanwhile */
    if (source_in_post_copy(dom)) {
        d->in_post_copy = TRUE;
        d->cancel_refused = TRUE;
    }
}

/*
 * The poll thread: reads the source's job every POLL_INTERVAL_US and passes it on, switches to
 * post-copy once the first pass over memory is done (the job's second iteration: QEMU counts the
 * first pass as the first), and turns a cancel into virDomainAbortJob (tried again every
 * CANCEL_CHECK_US while no job has started yet, not at all in post-copy) until the migration call
 * returns. Its own virDomainPtr: libvirt's handles may be shared, but this keeps it simple.
 */
static gpointer
poll_thread(gpointer data)
{
    MigData *d = data;
    GCancellable *cancellable = g_task_get_cancellable(d->task);
    virDomainPtr dom = virDomainLookupByUUIDString(d->sconn, d->uuid);
    gint64 started = g_get_monotonic_time();
    gint64 next_poll = started;
    gint64 next_abort = started;
    gint64 last_report = 0;
    HakoMigratePhase last_phase = HAKO_MIGRATE_PHASE_STARTING;

    g_mutex_lock(&d->lock);
    while (!d->done && dom != NULL) {
        gint64 now = g_get_monotonic_time();
        gboolean cancel = cancellable != NULL && g_cancellable_is_cancelled(cancellable);

        if (cancel && !d->aborted && !d->cancel_refused && now >= next_abort) {
            g_mutex_unlock(&d->lock);
            abort_job(d, dom);
            g_mutex_lock(&d->lock);
            next_abort = now + CANCEL_CHECK_US;
            continue;
        }
        if (now >= next_poll) {
            HakoMigrateProgress progress;
            gboolean have_job;
            gboolean soon;

            g_mutex_unlock(&d->lock);
            have_job = read_job(d, dom, started, &progress);
            if (have_job && d->spec->post_copy && !d->post_copy_asked && !d->in_post_copy &&
                !cancel && progress.iterations >= 2) {
                if (virDomainMigrateStartPostCopy(dom, 0) == 0) {
                    d->post_copy_asked = TRUE;
                } else {
                    g_debug("Could not switch the migration of “%s” to post-copy: %s", d->name,
                            _hako_libvirt_last_message());
                    virResetLastError();
                }
            }
            if (!have_job && d->aborted)
                progress.phase = HAKO_MIGRATE_PHASE_CANCELLING;
            /* the caller hears about every half second, and at once of a new phase */
            if (now - last_report >= POLL_INTERVAL_US || progress.phase != last_phase) {
                queue_progress(d, &progress);
                last_report = now;
                last_phase = progress.phase;
            }
            g_mutex_lock(&d->lock);
            /* sooner while no data moves yet (a short migration would show nothing), while the
             * switch to post-copy is due (once the first pass is over the rest may be quick), and
             * until the switch shows (a short post-copy phase would show nothing) */
            soon = !have_job || progress.data_total == 0 ||
                   (d->spec->post_copy && !d->in_post_copy && !d->aborted && !cancel);
            next_poll = now + (soon ? CANCEL_CHECK_US : POLL_INTERVAL_US);
            continue;
        }
        g_cond_wait_until(&d->cond, &d->lock, MIN(next_poll, now + CANCEL_CHECK_US));
    }
    g_mutex_unlock(&d->lock);
    if (dom != NULL)
        virDomainFree(dom);
    virResetLastError();
    return NULL;
}

typedef enum {
    WHERE_NOT_THERE,
    WHERE_STOPPED, /* defined, shut off */
    WHERE_RUNNING,
    WHERE_PAUSED,
    WHERE_UNKNOWN, /* the host does not answer */
} Where;

static Where
where_on(virConnectPtr conn, const char *uuid, char **why)
{
    virDomainPtr dom;
    int state = VIR_DOMAIN_NOSTATE;
    virErrorPtr err;

    if (conn == NULL)
        return WHERE_UNKNOWN;
    dom = virDomainLookupByUUIDString(conn, uuid);
    if (dom == NULL) {
        err = virGetLastError();
        if (err != NULL && err->code == VIR_ERR_NO_DOMAIN) {
            virResetLastError();
            return WHERE_NOT_THERE;
        }
        if (why != NULL)
            *why = g_strdup(_hako_libvirt_last_message());
        virResetLastError();
        return WHERE_UNKNOWN;
    }
    if (virDomainGetState(dom, &state, NULL, 0) < 0) {
        if (why != NULL)
            *why = g_strdup(_hako_libvirt_last_message());
        virResetLastError();
        virDomainFree(dom);
        return WHERE_UNKNOWN;
    }
    virDomainFree(dom);
    if (state == VIR_DOMAIN_RUNNING || state == VIR_DOMAIN_BLOCKED)
        return WHERE_RUNNING;
    if (state == VIR_DOMAIN_PAUSED || state == VIR_DOMAIN_PMSUSPENDED)
        return WHERE_PAUSED;
    return WHERE_STOPPED;
}

static gboolean
is_active(Where where)
{
    return where == WHERE_RUNNING || where == WHERE_PAUSED;
}

/**
 * _hako_migrator_post_copy_hint:
 * @reason: libvirt's message on a failed migration that asked for post-copy
 * @dest_label: the destination's name
 *
 * Returns: (nullable): a sentence on why and what to do when @reason says the destination's
 *   QEMU cannot do post-copy (QEMU: "Postcopy is not supported", when it may not use
 *   userfaultfd, as with vm.unprivileged_userfaultfd = 0 and QEMU not privileged), else NULL.
 */
char *
_hako_migrator_post_copy_hint(const char *reason, const char *dest_label)
{
    g_autofree char *folded = NULL;

    if (reason == NULL)
        return NULL;
    folded = g_ascii_strdown(reason, -1);
    if (strstr(folded, "postcopy is not supported") == NULL &&
        strstr(folded, "post-copy is not supported") == NULL)
        return NULL;
    return g_strdup_printf(_("QEMU on “%s” may not use userfaultfd, which post-copy needs: run "
                             "QEMU there with the privileges for it, or migrate without "
                             "post-copy."),
                           dest_label);
}

/* The error after a failed or cancelled migration, saying where the guest runs now (looked up
 * afresh on both hosts). */
static GError *
failure_error(MigData *d, const char *reason, gboolean cancelled)
{
    g_autofree char *dest_why = NULL;
    Where src = where_on(d->sconn, d->uuid, NULL);
    Where dst = where_on(d->dconn, d->uuid, &dest_why);
    GQuark domain = cancelled ? G_IO_ERROR : HAKO_ENGINE_ERROR;
    int code = cancelled ? G_IO_ERROR_CANCELLED : HAKO_ENGINE_ERROR_FAILED;

    if (is_active(src) && is_active(dst))
        return g_error_new(domain, code,
                           _("The migration of “%s” to “%s” failed, and it is now running on "
                             "both “%s” and “%s”: stop one of them before it writes to its "
                             "disks: %s"),
                           d->name, d->dest_label, d->source_label, d->dest_label, reason);
    if (is_active(src) && dst == WHERE_UNKNOWN && g_strcmp0(dest_why, reason) == 0)
        return g_error_new(domain, code,
                           _("Could not migrate “%s” to “%s”, which does not answer; it is still "
                             "running on “%s”: %s"),
                           d->name, d->dest_label, d->source_label, reason);
    if (is_active(src) && dst == WHERE_UNKNOWN)
        return g_error_new(domain, code,
                           _("Could not migrate “%s” to “%s”, which does not answer (%s); it is "
                             "still running on “%s”: %s"),
                           d->name, d->dest_label, dest_why != NULL ? dest_why : "",
                           d->source_label, reason);
    if (is_active(src) && cancelled)
        return g_error_new(domain, code,
                           _("The migration of “%s” was cancelled; it is still running on "
                             "“%s”."),
                           d->name, d->source_label);
    if (is_active(src))
        return g_error_new(domain, code,
                           _("Could not migrate “%s” to “%s”; it is still running on “%s”: %s"),
                           d->name, d->dest_label, d->source_label, reason);
    if (is_active(dst))
        return g_error_new(domain, code,
                           _("The migration of “%s” reported an error, but it is running on "
                             "“%s”: %s"),
                           d->name, d->dest_label, reason);
    if (src == WHERE_UNKNOWN)
        return g_error_new(domain, code,
                           _("Could not migrate “%s” to “%s”, and “%s” does not answer, so "
                             "where it runs is not known: %s"),
                           d->name, d->dest_label, d->source_label, reason);
    return g_error_new(domain, code,
                       _("Could not migrate “%s” to “%s”, and it is running on neither host: "
                         "%s"),
                       d->name, d->dest_label, reason);
}

/* No progress is reported once the result is on its way: the caller's callback comes last. */
static void
set_returned(MigData *d)
{
    g_mutex_lock(&d->lock);
    d->returned = TRUE;
    g_mutex_unlock(&d->lock);
}

/*
 * The URI the source daemon connects to in a peer-to-peer migration. libvirt refuses a local
 * URI there ("the same host") unless it names a UNIX socket with the +unix transport, so a
 * destination reached as driver:///…?socket=PATH (a private daemon) gets +unix.
 */
static char *
peer_uri(const char *uri)
{
    const char *colon = strchr(uri, ':');

    if (colon != NULL && g_str_has_prefix(colon, ":///") && memchr(uri, '+', colon - uri) == NULL &&
        (strstr(colon, "?socket=") != NULL || strstr(colon, "&socket=") != NULL))
        return g_strdup_printf("%.*s+unix%s", (int)(colon - uri), uri, colon);
    return g_strdup(uri);
}

/* The paths of the disks a storage-copying migration of @dom will create on the destination
 * (copied, and no volume there yet). libvirt leaves them behind when the migration fails. */
static GPtrArray *
copies_to_make(MigData *d, virDomainPtr dom)
{
    GPtrArray *paths = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *xml = NULL;
    xmlDocPtr doc;

    if (d->spec->copy_storage == HAKO_MIGRATE_COPY_STORAGE_NONE ||
        (xml = virDomainGetXMLDesc(dom, 0)) == NULL || (doc = parse_xml(xml)) == NULL) {
        virResetLastError();
        return paths;
    }
    {
        g_autoptr(GPtrArray) disks = xpath_nodes(doc, "/domain/devices/disk");

        for (guint i = 0; i < disks->len; i++) {
            xmlNodePtr node = g_ptr_array_index(disks, i);
            g_autofree char *path = xpath_string(doc, node, "source/@file");

            if (path != NULL && disk_is_copied(d->spec, doc, node) &&
                !volume_exists_fresh(d->dconn, path))
                g_ptr_array_add(paths, g_steal_pointer(&path));
        }
    }
    xmlFreeDoc(doc);
    return paths;
}

/* Adds @sentence to @error's message, after a full stop. */
static void
append_sentence(GError *error, const char *sentence)
{
    gsize n = strlen(error->message);
    char *message = g_strconcat(error->message, n > 0 && error->message[n - 1] != '.' ? ". " : " ",
                                sentence, NULL);

    g_free(error->message);
    error->message = message;
}

/* After a failed migration that left the guest off the destination: deletes the copies of its
 * disks the migration made there. Returns a sentence on what could not be removed, or NULL. */
static char *
remove_copies(MigData *d, GPtrArray *paths)
{
    g_autoptr(GString) left = NULL;

    for (guint i = 0; i < paths->len; i++) {
        const char *path = g_ptr_array_index(paths, i);
        virStorageVolPtr vol;

        if (!volume_exists_fresh(d->dconn, path))
            continue;
        vol = virStorageVolLookupByPath(d->dconn, path);
        if (vol != NULL && virStorageVolDelete(vol, 0) == 0) {
            virStorageVolFree(vol);
            continue;
        }
        if (left == NULL)
            left = g_string_new(NULL);
        else
            g_string_append_c(left, ' ');
        g_string_append_printf(left, _("The copy of %s left on “%s” could not be removed: %s."),
                               path, d->dest_label, _hako_libvirt_last_message());
        if (vol != NULL)
            virStorageVolFree(vol);
        virResetLastError();
    }
    return left != NULL ? g_string_free(g_steal_pointer(&left), FALSE) : NULL;
}

static void
migrate_thread(GTask *task, gpointer source G_GNUC_UNUSED, gpointer data, GCancellable *cancellable)
{
    MigData *d = data;
    HakoMigrateSpec *spec = d->spec;
    virTypedParameterPtr params = NULL;
    int nparams = 0;
    int maxparams = 0;
    unsigned int flags = 0;
    virDomainPtr dom;
    virDomainPtr moved = NULL;
    GThread *poller;
    gboolean ok;
    g_autofree char *reason = NULL;
    g_autoptr(GPtrArray) copies = NULL;
    HakoMigrateResult *result;
    GError *error = NULL;
    Where there;

    dom = virDomainLookupByUUIDString(d->sconn, d->uuid);
    if (dom == NULL) {
        error = _hako_engine_error_from_libvirt(HAKO_ENGINE_ERROR_NOT_FOUND,
                                                _("Could not find “%s”"), d->name);
        goto out;
    }
    if (g_cancellable_set_error_if_cancelled(cancellable, &error)) {
        virDomainFree(dom);
        goto out;
    }

    flags |= spec->live ? VIR_MIGRATE_LIVE : VIR_MIGRATE_OFFLINE;
    if (spec->persistent)
        flags |= VIR_MIGRATE_PERSIST_DEST;
    if (spec->undefine_source)
        flags |= VIR_MIGRATE_UNDEFINE_SOURCE;
    if (spec->peer_to_peer)
        flags |= VIR_MIGRATE_PEER2PEER;
    if (spec->tunnelled)
        flags |= VIR_MIGRATE_TUNNELLED;
    if (spec->copy_storage == HAKO_MIGRATE_COPY_STORAGE_ALL)
        flags |= VIR_MIGRATE_NON_SHARED_DISK;
    else if (spec->copy_storage == HAKO_MIGRATE_COPY_STORAGE_INCREMENTAL)
        flags |= VIR_MIGRATE_NON_SHARED_INC;
    if (spec->auto_converge)
        flags |= VIR_MIGRATE_AUTO_CONVERGE;
    if (spec->post_copy)
        flags |= VIR_MIGRATE_POSTCOPY;
    if (spec->unsafe)
        flags |= VIR_MIGRATE_UNSAFE;
    if (spec->migrate_uri != NULL)
        virTypedParamsAddString(&params, &nparams, &maxparams, VIR_MIGRATE_PARAM_URI,
                                spec->migrate_uri);
    if (spec->new_name != NULL)
        virTypedParamsAddString(&params, &nparams, &maxparams, VIR_MIGRATE_PARAM_DEST_NAME,
                                spec->new_name);
    if (spec->bandwidth != 0)
        virTypedParamsAddULLong(&params, &nparams, &maxparams, VIR_MIGRATE_PARAM_BANDWIDTH,
                                spec->bandwidth);
    if (spec->post_copy && spec->post_copy_bandwidth != 0)
        virTypedParamsAddULLong(&params, &nparams, &maxparams, VIR_MIGRATE_PARAM_BANDWIDTH_POSTCOPY,
                                spec->post_copy_bandwidth);
    if (spec->live && spec->max_downtime != 0 &&
        virDomainMigrateSetMaxDowntime(dom, spec->max_downtime, 0) < 0) {
        error = _hako_engine_error_from_libvirt(
            HAKO_ENGINE_ERROR_FAILED, _("Could not set the maximum downtime of “%s”"), d->name);
        virTypedParamsFree(params, nparams);
        virDomainFree(dom);
        goto out;
    }

    copies = copies_to_make(d, dom);
    poller = g_thread_new("hako-migrate-poll", poll_thread, d);
    if (spec->peer_to_peer) {
        g_autofree char *uri =
            spec->destination_uri != NULL ? g_strdup(spec->destination_uri) : peer_uri(d->dest_uri);

        ok = virDomainMigrateToURI3(dom, uri, params, nparams, flags) == 0;
    } else {
        moved = virDomainMigrate3(dom, d->dconn, params, nparams, flags);
        ok = moved != NULL;
    }
    if (!ok && virGetLastErrorCode() == VIR_ERR_MIGRATE_UNSAFE)
        /* a disk on storage libvirt does not know to be shared (a local file system) */
        reason = g_strdup_printf(_("%s. The guest's disks are not on storage libvirt knows both "
                                   "hosts share: choose to copy storage, or, if they really are "
                                   "shared, allow an unsafe migration"),
                                 _hako_libvirt_last_message());
    else if (!ok)
        reason = g_strdup(_hako_libvirt_last_message());
    virResetLastError();
    g_mutex_lock(&d->lock);
    d->done = TRUE;
    g_cond_signal(&d->cond);
    g_mutex_unlock(&d->lock);
    g_thread_join(poller);
    virTypedParamsFree(params, nparams);
    virDomainFree(dom);
    if (moved != NULL)
        virDomainFree(moved);

    if (!ok) {
        Where dest_now = copies->len > 0 ? where_on(d->dconn, d->uuid, NULL) : WHERE_NOT_THERE;

        /* a cancel libvirt refused (post-copy) did not end the migration */
        error = failure_error(d, reason,
                              d->aborted ||
                                  (g_cancellable_is_cancelled(cancellable) && !d->cancel_refused));
        if (spec->post_copy) {
            g_autofree char *hint = _hako_migrator_post_copy_hint(reason, d->dest_label);

            if (hint != NULL)
                append_sentence(error, hint);
        }
        if (dest_now == WHERE_UNKNOWN) {
            g_autofree char *paths = NULL;
            g_autofree char *message = NULL;

            g_ptr_array_add(copies, NULL);
            paths = g_strjoinv(", ", (char **)copies->pdata);
            message = g_strdup_printf(_("Copies of its disks may be left on “%s”: %s."),
                                      d->dest_label, paths);
            append_sentence(error, message);
        } else if (copies->len > 0 && !is_active(dest_now)) {
            g_autofree char *left = remove_copies(d, copies);

            if (left != NULL)
                append_sentence(error, left);
        }
        goto out;
    }
    /* where it is now, looked up afresh */
    there = where_on(d->dconn, d->uuid, NULL);
    result = g_new0(HakoMigrateResult, 1);
    result->host_uri = g_strdup(d->dest_uri);
    result->host_label = g_strdup(d->dest_label);
    result->name = g_strdup(spec->new_name != NULL ? spec->new_name : d->name);
    result->uuid = g_strdup(d->uuid);
    result->running = there == WHERE_RUNNING || (there == WHERE_UNKNOWN && spec->live);
    result->persistent = spec->persistent;
    result->source_defined = where_on(d->sconn, d->uuid, NULL) == WHERE_STOPPED;
    /* cancelled, but the migration went on to its end (refused in post-copy, or too late) */
    result->cancel_too_late = g_cancellable_is_cancelled(cancellable);
    virConnectClose(g_steal_pointer(&d->sconn));
    virConnectClose(g_steal_pointer(&d->dconn));
    set_returned(d);
    g_task_return_pointer(task, result, (GDestroyNotify)hako_migrate_result_free);
    return;

out:
    virResetLastError();
    virConnectClose(g_steal_pointer(&d->sconn));
    virConnectClose(g_steal_pointer(&d->dconn));
    set_returned(d);
    g_task_return_error(task, error);
}

/**
 * hako_migrator_migrate_async:
 * @domain: the guest to migrate
 * @dest_host: the host to migrate it to (connected through the same manager)
 * @spec: how; checked with hako_migrate_spec_validate() first
 * @progress: (nullable): called on the caller's main context about every half second
 * @cancellable: cancelling it aborts the migration (virDomainAbortJob)
 *
 * Migrates @domain on a thread of its own (virDomainMigrate3, or virDomainMigrateToURI3 for a
 * peer-to-peer migration, to the spec's destination URI or else @dest_host's), while another
 * thread reads the job's figures for @progress, switches to post-copy when the spec asks for it
 * once the first pass over memory is done, and aborts the job on a cancel. On failure the
 * guest is looked up afresh on both hosts and the error says where it runs; a cancel gives
 * %G_IO_ERROR_CANCELLED with the same information. A cancel in post-copy, when the guest runs
 * on the destination already, cannot stop the migration: it goes on to its end, and the result
 * has cancel_too_late set.
 */
void
hako_migrator_migrate_async(HakoMigrator *self,
                            HakoDomain *domain,
                            HakoHost *dest_host,
                            const HakoMigrateSpec *spec,
                            HakoMigrateProgressFunc progress,
                            gpointer progress_data,
                            GDestroyNotify progress_destroy,
                            GCancellable *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer user_data)
{
    g_autoptr(GTask) task = NULL;
    GError *error = NULL;
    MigData *d;

    g_return_if_fail(HAKO_IS_MIGRATOR(self));
    g_return_if_fail(HAKO_IS_DOMAIN(domain));
    g_return_if_fail(HAKO_IS_HOST(dest_host));
    g_return_if_fail(spec != NULL);

    task = g_task_new(self, cancellable, callback, user_data);
    g_task_set_source_tag(task, hako_migrator_migrate_async);
    /* a cancel that comes too late must not hide a migration that happened, nor where the
     * guest runs: the worker decides */
    g_task_set_check_cancellable(task, FALSE);
    if (!hako_migrate_spec_validate(spec, &error)) {
        if (progress_destroy != NULL)
            progress_destroy(progress_data);
        g_task_return_error(task, error);
        return;
    }
    if (hako_domain_get_host(domain) == dest_host) {
        if (progress_destroy != NULL)
            progress_destroy(progress_data);
        g_task_return_new_error(task, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_FAILED,
                                _("“%s” is already on that host: choose another destination."),
                                hako_domain_get_name(domain));
        return;
    }
    d = mig_data_new(self, domain, dest_host, spec, TRUE, &error);
    if (d == NULL) {
        if (progress_destroy != NULL)
            progress_destroy(progress_data);
        g_task_return_error(task, error);
        return;
    }
    d->task = task;
    d->context = g_main_context_ref_thread_default();
    d->progress = progress;
    d->progress_data = progress_data;
    d->progress_destroy = progress_destroy;
    g_task_set_task_data(task, d, mig_data_free);
    _hako_task_run_in_own_thread(task, migrate_thread);
}

/**
 * hako_migrator_migrate_finish:
 *
 * Returns: (transfer full): where the guest runs now, or NULL with @error saying why not and
 *   where it still runs.
 */
HakoMigrateResult *
hako_migrator_migrate_finish(HakoMigrator *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), NULL);

    return g_task_propagate_pointer(G_TASK(result), error);
}
