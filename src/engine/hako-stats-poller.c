/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoStatsPoller: polls one connection's guests and host for their figures.
 *
 * One per connected host, created by the connection manager. Each tick, on a
 * thread of its own, it asks libvirt for the raw counters of every running
 * guest in one virConnectGetAllDomainStats call, with only the groups whose
 * figures are switched on, plus the host's CPU and memory counters. A tick
 * that comes while the previous one still runs is skipped, so a slow host
 * never piles up calls. Back on the main thread the counters become figures
 * (rates over the time between two ticks; a counter that went back, because
 * the guest rebooted, migrated or was restored, gives no figure rather than a
 * spike) pushed into the histories, and the host emits one "stats-updated".
 *
 * A driver without bulk stats (the test driver returns only the state; Xen
 * has none) is polled with per-guest calls instead, decided once per
 * connection on the first tick that sees a running guest.
 *
 * Polling is driven by what is on screen. Windows say which guests they show
 * and which kinds of figures (hako_stats_poller_set_watched(), one set per
 * consumer); each tick then fetches only those guests, if running, with only
 * those groups (virDomainListGetStats). Every slow interval (30 s by default)
 * a tick fetches every running guest with every enabled group instead, so
 * that all histories and host totals stay meaningful. A guest newly watched
 * is fetched at once, not at the next tick. Until some consumer says what it
 * watches, every running guest is fetched every tick. Histories keep one
 * sample per slot of the interval (_hako_domain_push_stats_at()): slowly
 * polled guests get gaps, never invented samples, and rates are taken over
 * the real time between the two counters of each group.
 *
 * A tick that comes while the previous one runs waits for it (one, never a
 * pile); the interval achieved between ticks is measured. Bulk calls ask
 * libvirt not to wait for a guest whose monitor is busy
 * (VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT), unless the driver refuses it. */
#include "config.h"

#include "hako-domain-private.h"
#include "hako-engine-private.h"
#include "hako-host-private.h"
#include "hako-stats-poller-private.h"

#include <libvirt/virterror.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <math.h>
#include <string.h>

/* IP addresses change rarely and cost a call per guest: every this many ticks. */
#define ADDRESSES_EVERY 10

/* A bulk call that has not come back after this many intervals (and at least STUCK_MIN_MS) waits
 * for a guest whose QEMU does not answer its monitor: it is left to finish on its thread, and
 * ticks go on on a new one, where NOWAIT skips that guest's monitor figures (its job is held).
 * At most STUCK_MAX such calls at once. */
#define STUCK_INTERVALS 5
#define STUCK_MIN_MS 3000
#define STUCK_MAX 3

/* What a tick asks for. */
typedef enum {
    TICK_FULL,  /* every running guest, every enabled group */
    TICK_FAST,  /* the watched running guests, the groups they need */
    TICK_EXTRA, /* guests just watched, at once */
} TickKind;

static const char *const tick_kind_names[] = {"full", "fast", "extra"};

/* One consumer's watched guests (UUIDs) and the groups it shows of them. */
typedef struct {
    GHashTable *uuids;
    HakoStatsPolled groups;
} Consumer;

static void
consumer_free(gpointer data)
{
    Consumer *consumer = data;

    g_hash_table_unref(consumer->uuids);
    g_free(consumer);
}

/* How a thread of the poller opens its own connection; shared by the threads, which may outlive
 * the poller (a call left behind). */
typedef struct {
    gatomicrefcount ref;
    HakoStatsOpenFunc func;
    gpointer data;
    GDestroyNotify data_free;
} Opener;

static Opener *
opener_ref(Opener *opener)
{
    if (opener != NULL)
        g_atomic_ref_count_inc(&opener->ref);
    return opener;
}

static void
opener_unref(Opener *opener)
{
    if (opener != NULL && g_atomic_ref_count_dec(&opener->ref)) {
        if (opener->data_free != NULL)
            opener->data_free(opener->data);
        g_free(opener);
    }
}

struct _HakoStatsPoller {
    GObject parent_instance;

    HakoHost *host;     /* weak */
    virConnectPtr conn; /* a reference of our own */
    Opener *opener;     /* NULL: the threads use @conn */
    guint interval_ms;
    guint slow_interval_ms;
    HakoStatsPolled polled;
    guint history_length;
    guint timeout_id;
    GAsyncQueue *queue; /* to the poller's thread, made with the first tick */
    gboolean in_flight;
    gboolean late;          /* the timer fired during a tick: the next one starts when it ends */
    gpointer current;       /* Tick: the one in flight */
    gint64 in_flight_since; /* when it started (monotonic µs) */
    guint n_stuck;          /* ticks left behind on a thread of their own */
    gboolean stopped;
    GHashTable *consumers; /* consumer -> Consumer */
    GHashTable *pending;   /* UUIDs newly watched, to fetch at once */
    gint64 last_full;      /* when the last full tick started (monotonic µs), 0 before */
    gint64 last_periodic;  /* when the last tick of the timer started */
    gint64 achieved_us;    /* the time between the last two ticks of the timer */
    gboolean nowait_refused;
    GHashTable *handles; /* uuid -> virDomainPtr (worker only; freed by the last request) */
    HakoStatsRequestFunc request_func;
    gpointer request_data;
    FILE *trace;
    HakoStatsMethod method;
    guint n_ticks;
    guint n_skipped;
    guint n_started;
    GHashTable *previous; /* uuid -> RawDomain*: the counters of the last tick */
    GHashTable *devices;  /* uuid -> Devices*: disk and NIC names (fallback; worker only) */
    gboolean have_node_previous;
    guint64 node_busy_previous;
    guint64 node_total_previous;
};

G_DEFINE_FINAL_TYPE(HakoStatsPoller, hako_stats_poller, G_TYPE_OBJECT)

/* ---------------------------------------------------------------------- */
/* Raw counters, gathered on the worker */

typedef struct {
    char uuid[VIR_UUID_STRING_BUFLEN];
    int id;
    gint64 time; /* monotonic, microseconds */
    /* when each group's counters below were read: a tick that did not ask for a group keeps
     * the older counters, so that the next rate is over the real time between the two */
    gint64 cpu_time_at;
    gint64 block_at;
    gint64 net_at;
    gboolean has_cpu;
    guint64 cpu_time; /* ns */
    guint vcpus;
    gboolean has_memory;
    guint64 memory_kib; /* in use */
    gboolean has_block;
    guint64 rd_bytes;
    guint64 wr_bytes;
    gboolean has_net;
    guint64 rx_bytes;
    guint64 tx_bytes;
    gboolean has_addresses;
    char **addresses;
} RawDomain;

static void
raw_domain_clear(gpointer data)
{
    RawDomain *raw = data;

    g_clear_pointer(&raw->addresses, g_strfreev);
}

typedef struct {
    int id;
    char **disks;
    char **nics;
} Devices;

static void
devices_free(gpointer data)
{
    Devices *devices = data;

    g_strfreev(devices->disks);
    g_strfreev(devices->nics);
    g_free(devices);
}

typedef struct {
    HakoStatsPoller *poller; /* a reference, dropped on the main thread */
    gboolean stop;           /* the last request: drop the connection and end the thread */
    GDestroyNotify then;     /* with stop: called once the connection is dropped */
    gpointer then_data;
    /* in */
    virConnectPtr conn;
    TickKind kind;
    GPtrArray *uuids; /* the guests asked for, NULL for every running one */
    HakoStatsPolled polled;
    HakoStatsMethod method;
    gboolean want_addresses;
    gboolean want_node_info;
    gboolean nowait;
    GHashTable *devices; /* borrowed from the poller: one tick at a time */
    GHashTable *handles; /* the same */
    gboolean stuck;      /* left behind (main thread only): its figures are dropped */
    /* out */
    HakoStatsMethod decided;
    gboolean nowait_refused;
    GArray *domains; /* RawDomain */
    gint64 time;
    gboolean has_node_cpu;
    guint64 node_busy;
    guint64 node_total;
    gboolean has_node_memory;
    guint64 node_used_kib;
    gboolean has_node_info;
    guint node_cpus;
    guint64 node_memory_kib;
} Tick;

/* The connection reference goes on the worker (closing may talk to the host), the
 * poller's on the main thread. */
static void
tick_drop_conn(Tick *tick)
{
    if (tick->conn != NULL)
        virConnectClose(g_steal_pointer(&tick->conn));
}

static void
tick_free(Tick *tick)
{
    g_clear_object(&tick->poller);
    g_clear_pointer(&tick->domains, g_array_unref); /* none when given up before it started */
    g_clear_pointer(&tick->uuids, g_ptr_array_unref);
    g_free(tick);
}

static void
handle_free(gpointer data)
{
    virDomainFree(data);
}

static guint64
param_as_u64(const virTypedParameter *p)
{
    switch (p->type) {
    case VIR_TYPED_PARAM_INT:
        return p->value.i > 0 ? (guint64)p->value.i : 0;
    case VIR_TYPED_PARAM_UINT:
        return p->value.ui;
    case VIR_TYPED_PARAM_LLONG:
        return p->value.l > 0 ? (guint64)p->value.l : 0;
    case VIR_TYPED_PARAM_ULLONG:
        return p->value.ul;
    default:
        return 0;
    }
}

static char **
addresses_of(virDomainPtr dom)
{
    static const unsigned int sources[] = {VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_LEASE,
                                           VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_AGENT};
    g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func(g_free);

    for (guint s = 0; s < G_N_ELEMENTS(sources) && out->len == 0; s++) {
        virDomainInterfacePtr *ifaces = NULL;
        int n = virDomainInterfaceAddresses(dom, &ifaces, sources[s], 0);

        for (int i = 0; i < n; i++) {
            for (unsigned int a = 0; a < ifaces[i]->naddrs; a++) {
                const char *addr = ifaces[i]->addrs[a].addr;

                /* The guest agent also reports loopback. */
                if (addr != NULL && strcmp(addr, "127.0.0.1") != 0 && strcmp(addr, "::1") != 0)
                    g_ptr_array_add(out, g_strdup(addr));
            }
            virDomainInterfaceFree(ifaces[i]);
        }
        free(ifaces);
        virResetLastError();
    }
    g_ptr_array_add(out, NULL);
    return (char **)g_ptr_array_free(g_steal_pointer(&out), FALSE);
}

/* One record of virConnectGetAllDomainStats, walked once; FALSE for a guest not running. */
static gboolean
raw_from_record(virDomainStatsRecordPtr record, RawDomain *raw)
{
    guint64 balloon_current = 0, available = 0, unused = 0;
    gboolean has_current = FALSE, has_available = FALSE, has_unused = FALSE;

    virDomainGetUUIDString(record->dom, raw->uuid);
    raw->id = (int)virDomainGetID(record->dom);
    for (int i = 0; i < record->nparams; i++) {
        const virTypedParameter *p = &record->params[i];
        const char *f = p->field;

        if (strcmp(f, "state.state") == 0) {
            guint64 state = param_as_u64(p);

            /* a guest asked for by name that is not running (any more) */
            if (state == VIR_DOMAIN_SHUTOFF || state == VIR_DOMAIN_CRASHED)
                return FALSE;
        } else if (strcmp(f, "cpu.time") == 0) {
            raw->cpu_time = param_as_u64(p);
            raw->has_cpu = TRUE;
        } else if (strcmp(f, "vcpu.current") == 0) {
            raw->vcpus = (guint)param_as_u64(p);
        } else if (strncmp(f, "balloon.", 8) == 0) {
            if (strcmp(f + 8, "current") == 0) {
                balloon_current = param_as_u64(p);
                has_current = TRUE;
            } else if (strcmp(f + 8, "available") == 0) {
                available = param_as_u64(p);
                has_available = TRUE;
            } else if (strcmp(f + 8, "unused") == 0) {
                unused = param_as_u64(p);
                has_unused = TRUE;
            }
        } else if (strncmp(f, "block.", 6) == 0) {
            if (g_str_has_suffix(f, ".rd.bytes")) {
                raw->rd_bytes += param_as_u64(p);
                raw->has_block = TRUE;
            } else if (g_str_has_suffix(f, ".wr.bytes")) {
                raw->wr_bytes += param_as_u64(p);
                raw->has_block = TRUE;
            }
        } else if (strncmp(f, "net.", 4) == 0) {
            if (g_str_has_suffix(f, ".rx.bytes")) {
                raw->rx_bytes += param_as_u64(p);
                raw->has_net = TRUE;
            } else if (g_str_has_suffix(f, ".tx.bytes")) {
                raw->tx_bytes += param_as_u64(p);
                raw->has_net = TRUE;
            }
        }
    }
    /* In use: what the guest reports through its balloon driver, else its allocation. */
    if (has_available && has_unused && available >= unused) {
        raw->memory_kib = available - unused;
        raw->has_memory = TRUE;
    } else if (has_current) {
        raw->memory_kib = balloon_current;
        raw->has_memory = TRUE;
    }
    return TRUE;
}

/* A handle on the guest of @uuid, kept for the next ticks (a lookup is a call to the host). */
static virDomainPtr
handle_of(Tick *tick, const char *uuid)
{
    virDomainPtr dom = g_hash_table_lookup(tick->handles, uuid);

    if (dom == NULL) {
        dom = virDomainLookupByUUIDString(tick->conn, uuid);
        virResetLastError();
        if (dom != NULL)
            g_hash_table_insert(tick->handles, g_strdup(uuid), dom);
    }
    return dom;
}

/* The bulk call of a tick: every running guest, or the guests it asks for; without waiting for
 * a guest whose monitor is busy, unless the driver refuses that (then never again). */
static int
bulk_call(Tick *tick, unsigned int stats, virDomainStatsRecordPtr **records)
{
    g_autofree virDomainPtr *doms = NULL;
    guint n_doms = 0;
    int n;

    if (tick->uuids != NULL) {
        doms = g_new0(virDomainPtr, tick->uuids->len + 1);
        for (guint i = 0; i < tick->uuids->len; i++) {
            virDomainPtr dom = handle_of(tick, g_ptr_array_index(tick->uuids, i));

            if (dom != NULL)
                doms[n_doms++] = dom;
        }
        if (n_doms == 0)
            return 0;
    }
    for (;;) {
        unsigned int flags = tick->nowait ? VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT : 0;
        int code;

        if (doms != NULL)
            n = virDomainListGetStats(doms, stats, records, flags);
        else
            n = virConnectGetAllDomainStats(tick->conn, stats, records,
                                            flags | VIR_CONNECT_GET_ALL_DOMAINS_STATS_ACTIVE);
        if (n >= 0 || !tick->nowait)
            return n;
        code = virGetLastErrorCode();
        if (code != VIR_ERR_INVALID_ARG && code != VIR_ERR_ARGUMENT_UNSUPPORTED &&
            code != VIR_ERR_NO_SUPPORT)
            return n;
        g_debug("stats without NOWAIT: %s", _hako_libvirt_last_message());
        virResetLastError();
        tick->nowait = FALSE;
        tick->nowait_refused = TRUE;
    }
}

static gboolean
gather_bulk(Tick *tick, gboolean *no_bulk)
{
    unsigned int stats = VIR_DOMAIN_STATS_STATE;
    virDomainStatsRecordPtr *records = NULL;
    gboolean any_cpu = FALSE;
    int n;

    /* The vCPU group costs each QEMU a monitor query (about a quarter of what the groups cost
     * the host, bench/poll), and only gives the number of vCPUs, which the guest's definition
     * already has: asked for on full ticks only, to follow a change of it. */
    if (tick->polled & HAKO_STATS_POLL_CPU)
        stats |= VIR_DOMAIN_STATS_CPU_TOTAL;
    if ((tick->polled & HAKO_STATS_POLL_CPU) && tick->kind == TICK_FULL)
        stats |= VIR_DOMAIN_STATS_VCPU;
    if (tick->polled & HAKO_STATS_POLL_MEMORY)
        stats |= VIR_DOMAIN_STATS_BALLOON;
    if (tick->polled & HAKO_STATS_POLL_DISK)
        stats |= VIR_DOMAIN_STATS_BLOCK;
    if (tick->polled & HAKO_STATS_POLL_NETWORK)
        stats |= VIR_DOMAIN_STATS_INTERFACE;

    *no_bulk = FALSE;
    tick->time = g_get_monotonic_time();
    n = bulk_call(tick, stats, &records);
    if (g_get_monotonic_time() - tick->time > 1000000)
        g_debug("bulk call (%s, %u guests, nowait %d) took %" G_GINT64_FORMAT " ms",
                tick_kind_names[tick->kind], tick->uuids != NULL ? tick->uuids->len : 0,
                tick->nowait, (g_get_monotonic_time() - tick->time) / 1000);
    tick->time = g_get_monotonic_time();
    if (n < 0) {
        int code = virGetLastErrorCode();

        *no_bulk = code == VIR_ERR_NO_SUPPORT;
        g_debug("virConnectGetAllDomainStats: %s", _hako_libvirt_last_message());
        virResetLastError();
        return FALSE;
    }
    for (int i = 0; i < n; i++) {
        RawDomain raw = {0};

        raw.time = tick->time;
        if (!raw_from_record(records[i], &raw))
            continue;
        any_cpu = any_cpu || raw.has_cpu;
        if (tick->want_addresses) {
            raw.addresses = addresses_of(records[i]->dom);
            raw.has_addresses = TRUE;
        }
        g_array_append_val(tick->domains, raw);
    }
    virDomainStatsRecordListFree(records);
    /* A driver that answers with the state alone has no bulk CPU figures. */
    if (tick->method == HAKO_STATS_METHOD_UNKNOWN && n > 0 &&
        (tick->polled & HAKO_STATS_POLL_CPU) && !any_cpu) {
        *no_bulk = TRUE;
        return FALSE;
    }
    return TRUE;
}

static char **
xpath_strings(xmlXPathContextPtr ctx, const char *expression)
{
    g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func(g_free);
    xmlXPathObjectPtr result = xmlXPathEvalExpression((const xmlChar *)expression, ctx);

    if (result != NULL && result->nodesetval != NULL) {
        for (int i = 0; i < result->nodesetval->nodeNr; i++) {
            xmlChar *text = xmlNodeGetContent(result->nodesetval->nodeTab[i]);

            if (text != NULL && *text != '\0')
                g_ptr_array_add(out, g_strdup((const char *)text));
            xmlFree(text);
        }
    }
    xmlXPathFreeObject(result);
    g_ptr_array_add(out, NULL);
    return (char **)g_ptr_array_free(g_steal_pointer(&out), FALSE);
}

/* The disk and NIC target names of a running guest, from its XML once per run. */
static Devices *
devices_of(Tick *tick, virDomainPtr dom, const char *uuid, int id)
{
    Devices *devices = g_hash_table_lookup(tick->devices, uuid);
    char *xml;
    xmlDocPtr doc;

    if (devices != NULL && devices->id == id)
        return devices;
    devices = g_new0(Devices, 1);
    devices->id = id;
    xml = virDomainGetXMLDesc(dom, 0);
    doc = xml != NULL ? xmlReadMemory(xml, (int)strlen(xml), "domain.xml", NULL,
                                      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)
                      : NULL;
    if (doc != NULL) {
        xmlXPathContextPtr ctx = xmlXPathNewContext(doc);

        devices->disks = xpath_strings(ctx, "/domain/devices/disk/target/@dev");
        devices->nics = xpath_strings(ctx, "/domain/devices/interface/target/@dev");
        xmlXPathFreeContext(ctx);
        xmlFreeDoc(doc);
    }
    free(xml);
    virResetLastError();
    g_hash_table_replace(tick->devices, g_strdup(uuid), devices);
    return devices;
}

static void
gather_fallback(Tick *tick)
{
    virDomainPtr *doms = NULL;
    int n = 0;

    if (tick->uuids == NULL) {
        n = virConnectListAllDomains(tick->conn, &doms, VIR_CONNECT_LIST_DOMAINS_ACTIVE);
    } else {
        /* Only the guests asked for, if running; the list owns references of its own. */
        doms = malloc(sizeof(virDomainPtr) * (tick->uuids->len + 1));
        for (guint i = 0; i < tick->uuids->len; i++) {
            virDomainPtr dom = handle_of(tick, g_ptr_array_index(tick->uuids, i));

            if (dom != NULL && virDomainIsActive(dom) == 1 && virDomainRef(dom) == 0)
                doms[n++] = dom;
            virResetLastError();
        }
    }

    tick->time = g_get_monotonic_time();
    for (int i = 0; i < n; i++) {
        RawDomain raw = {0};
        virDomainInfo info;

        raw.time = tick->time;
        virDomainGetUUIDString(doms[i], raw.uuid);
        raw.id = (int)virDomainGetID(doms[i]);
        if (virDomainGetInfo(doms[i], &info) == 0) {
            raw.has_cpu = TRUE;
            raw.cpu_time = info.cpuTime;
            raw.vcpus = info.nrVirtCpu;
            raw.has_memory = TRUE;
            raw.memory_kib = info.memory;
        }
        if (tick->polled & (HAKO_STATS_POLL_DISK | HAKO_STATS_POLL_NETWORK)) {
            Devices *devices = devices_of(tick, doms[i], raw.uuid, raw.id);

            for (guint d = 0; (tick->polled & HAKO_STATS_POLL_DISK) && devices->disks != NULL &&
                              devices->disks[d] != NULL;
                 d++) {
                virDomainBlockStatsStruct st;

                if (virDomainBlockStats(doms[i], devices->disks[d], &st, sizeof(st)) == 0) {
                    raw.has_block = TRUE;
                    raw.rd_bytes += st.rd_bytes > 0 ? (guint64)st.rd_bytes : 0;
                    raw.wr_bytes += st.wr_bytes > 0 ? (guint64)st.wr_bytes : 0;
                }
            }
            for (guint d = 0; (tick->polled & HAKO_STATS_POLL_NETWORK) && devices->nics != NULL &&
                              devices->nics[d] != NULL;
                 d++) {
                virDomainInterfaceStatsStruct st;

                if (virDomainInterfaceStats(doms[i], devices->nics[d], &st, sizeof(st)) == 0) {
                    raw.has_net = TRUE;
                    raw.rx_bytes += st.rx_bytes > 0 ? (guint64)st.rx_bytes : 0;
                    raw.tx_bytes += st.tx_bytes > 0 ? (guint64)st.tx_bytes : 0;
                }
            }
        }
        if (tick->want_addresses) {
            raw.addresses = addresses_of(doms[i]);
            raw.has_addresses = TRUE;
        }
        virResetLastError();
        g_array_append_val(tick->domains, raw);
        virDomainFree(doms[i]);
    }
    free(doms);
    virResetLastError();
}

static void
gather_node(Tick *tick)
{
    int n = 0;

    if (tick->want_node_info) {
        virNodeInfo info;

        if (virNodeGetInfo(tick->conn, &info) == 0) {
            tick->has_node_info = TRUE;
            tick->node_cpus = info.cpus;
            tick->node_memory_kib = info.memory;
        }
    }
    if (virNodeGetCPUStats(tick->conn, VIR_NODE_CPU_STATS_ALL_CPUS, NULL, &n, 0) == 0 && n > 0) {
        g_autofree virNodeCPUStatsPtr params = g_new0(virNodeCPUStats, n);

        if (virNodeGetCPUStats(tick->conn, VIR_NODE_CPU_STATS_ALL_CPUS, params, &n, 0) == 0) {
            guint64 idle = 0, total = 0;

            for (int i = 0; i < n; i++) {
                total += params[i].value;
                if (strcmp(params[i].field, VIR_NODE_CPU_STATS_IDLE) == 0 ||
                    strcmp(params[i].field, VIR_NODE_CPU_STATS_IOWAIT) == 0)
                    idle += params[i].value;
            }
            /* Some drivers report "utilization" (a percentage) instead of times. */
            tick->has_node_cpu = total > 0;
            tick->node_total = total;
            tick->node_busy = total - MIN(idle, total);
        }
    }
    n = 0;
    if (virNodeGetMemoryStats(tick->conn, VIR_NODE_MEMORY_STATS_ALL_CELLS, NULL, &n, 0) == 0 &&
        n > 0) {
        g_autofree virNodeMemoryStatsPtr params = g_new0(virNodeMemoryStats, n);

        if (virNodeGetMemoryStats(tick->conn, VIR_NODE_MEMORY_STATS_ALL_CELLS, params, &n, 0) ==
            0) {
            guint64 total = 0, free_kib = 0;

            for (int i = 0; i < n; i++) {
                if (strcmp(params[i].field, VIR_NODE_MEMORY_STATS_TOTAL) == 0)
                    total = params[i].value;
                else if (strcmp(params[i].field, VIR_NODE_MEMORY_STATS_FREE) == 0 ||
                         strcmp(params[i].field, VIR_NODE_MEMORY_STATS_BUFFERS) == 0 ||
                         strcmp(params[i].field, VIR_NODE_MEMORY_STATS_CACHED) == 0)
                    free_kib += params[i].value;
            }
            tick->has_node_memory = total > 0;
            tick->node_used_kib = total - MIN(free_kib, total);
        }
    }
    virResetLastError();
}

static void
gather_tick(Tick *tick)
{
    gboolean no_bulk = FALSE;

    tick->decided = tick->method;
    if (tick->uuids != NULL && tick->uuids->len == 0) {
        /* nothing watched runs: the host's figures alone */
        tick->time = g_get_monotonic_time();
        if (tick->kind != TICK_EXTRA)
            gather_node(tick);
        tick_drop_conn(tick);
        return;
    }
    if (tick->method != HAKO_STATS_METHOD_FALLBACK) {
        if (gather_bulk(tick, &no_bulk)) {
            if (tick->domains->len > 0)
                tick->decided = HAKO_STATS_METHOD_BULK;
        } else if (no_bulk && tick->method == HAKO_STATS_METHOD_UNKNOWN) {
            g_array_set_size(tick->domains, 0);
            tick->decided = HAKO_STATS_METHOD_FALLBACK;
        }
    }
    if (tick->decided == HAKO_STATS_METHOD_FALLBACK)
        gather_fallback(tick);
    if (tick->kind != TICK_EXTRA)
        gather_node(tick);
    tick_drop_conn(tick);
}

/* ---------------------------------------------------------------------- */
/* Figures, on the main thread */

/* Keeps @raw's counters as the guest's previous ones, group by group: a group this tick did
 * not ask for keeps its older counters and their time. */
static void
keep_counters(HakoStatsPoller *self, const RawDomain *raw)
{
    RawDomain *prev = g_hash_table_lookup(self->previous, raw->uuid);
    RawDomain *keep = g_new(RawDomain, 1);

    *keep = *raw;
    keep->addresses = NULL; /* stays with the tick */
    keep->cpu_time_at = raw->time;
    keep->block_at = raw->time;
    keep->net_at = raw->time;
    if (prev != NULL && prev->id == raw->id) {
        if (raw->vcpus == 0)
            keep->vcpus = prev->vcpus;
        if (!raw->has_cpu) {
            keep->has_cpu = prev->has_cpu;
            keep->cpu_time = prev->cpu_time;
            keep->cpu_time_at = prev->cpu_time_at;
        }
        if (!raw->has_block) {
            keep->has_block = prev->has_block;
            keep->rd_bytes = prev->rd_bytes;
            keep->wr_bytes = prev->wr_bytes;
            keep->block_at = prev->block_at;
        }
        if (!raw->has_net) {
            keep->has_net = prev->has_net;
            keep->rx_bytes = prev->rx_bytes;
            keep->tx_bytes = prev->tx_bytes;
            keep->net_at = prev->net_at;
        }
    }
    g_hash_table_replace(self->previous, keep->uuid, keep);
}

static void
apply_domain(HakoStatsPoller *self,
             HakoDomain *domain,
             RawDomain *raw,
             HakoStatsPolled polled,
             guint host_cpus)
{
    RawDomain *prev = g_hash_table_lookup(self->previous, raw->uuid);
    double values[HAKO_N_DOMAIN_STATS];

    for (guint i = 0; i < HAKO_N_DOMAIN_STATS; i++)
        values[i] = NAN;

    /* Rates need earlier counters of the same run of the guest: a new domain ID means it was
     * restored or migrated, and its counters started again. Each rate is over the real time
     * between its two counters, however long (a slow poll's). */
    if (prev != NULL && prev->id == raw->id) {
        if ((polled & HAKO_STATS_POLL_CPU) && raw->has_cpu && prev->has_cpu) {
            gint64 interval = raw->time - prev->cpu_time_at;
            guint vcpus = raw->vcpus > 0    ? raw->vcpus
                          : prev->vcpus > 0 ? prev->vcpus
                                            : hako_domain_get_vcpus(domain);

            values[HAKO_DOMAIN_STAT_CPU] =
                hako_stats_cpu_percent(prev->cpu_time, raw->cpu_time, interval, vcpus);
            if (host_cpus > 0)
                values[HAKO_DOMAIN_STAT_CPU_HOST] =
                    hako_stats_cpu_percent(prev->cpu_time, raw->cpu_time, interval, host_cpus);
        }
        if ((polled & HAKO_STATS_POLL_DISK) && raw->has_block && prev->has_block) {
            gint64 interval = raw->time - prev->block_at;

            values[HAKO_DOMAIN_STAT_DISK_READ] =
                hako_stats_rate(prev->rd_bytes, raw->rd_bytes, interval);
            values[HAKO_DOMAIN_STAT_DISK_WRITE] =
                hako_stats_rate(prev->wr_bytes, raw->wr_bytes, interval);
        }
        if ((polled & HAKO_STATS_POLL_NETWORK) && raw->has_net && prev->has_net) {
            gint64 interval = raw->time - prev->net_at;

            values[HAKO_DOMAIN_STAT_NET_RX] =
                hako_stats_rate(prev->rx_bytes, raw->rx_bytes, interval);
            values[HAKO_DOMAIN_STAT_NET_TX] =
                hako_stats_rate(prev->tx_bytes, raw->tx_bytes, interval);
        }
    }
    if ((polled & HAKO_STATS_POLL_MEMORY) && raw->has_memory)
        values[HAKO_DOMAIN_STAT_MEMORY] = (double)raw->memory_kib * 1024.0;

    if (hako_stats_history_get_capacity(hako_domain_get_stats_history(domain, 0)) !=
        self->history_length)
        _hako_domain_set_stats_history_length(domain, self->history_length);
    _hako_domain_push_stats_at(domain, values, raw->time, (gint64)self->interval_ms * 1000);
    if (raw->has_addresses)
        _hako_domain_set_addresses(domain, (const char *const *)raw->addresses);
}

static gboolean start_tick_of(HakoStatsPoller *self, TickKind kind);

/* A tick of the timer started @now: the interval achieved is the time since the last one. */
static void
periodic_started(HakoStatsPoller *self, gint64 now)
{
    if (self->last_periodic != 0)
        self->achieved_us = now - self->last_periodic;
    self->last_periodic = now;
}

static gboolean
tick_done(gpointer data)
{
    Tick *tick = data;
    HakoStatsPoller *self = tick->poller;
    g_autoptr(GHashTable) seen = NULL;
    g_autoptr(GHashTable) asked = NULL;
    HakoDomainList *list;
    GHashTableIter iter;
    gpointer key, value;
    double host_values[HAKO_N_HOST_STATS] = {NAN, NAN};
    guint host_cpus;

    if (tick->stuck) {
        /* Back at last, long after ticks went on without it: too old to draw. */
        g_debug("a stuck statistics call came back");
        self->n_stuck--;
        tick_free(tick);
        return G_SOURCE_REMOVE;
    }
    self->in_flight = FALSE;
    self->current = NULL;
    if (self->stopped || self->host == NULL) {
        tick_free(tick);
        return G_SOURCE_REMOVE;
    }

    if (self->method == HAKO_STATS_METHOD_UNKNOWN && tick->decided != HAKO_STATS_METHOD_UNKNOWN) {
        self->method = tick->decided;
        g_debug("%s: statistics by %s", hako_host_get_uri(self->host),
                self->method == HAKO_STATS_METHOD_BULK ? "bulk calls" : "per-guest calls");
    }
    if (tick->nowait_refused)
        self->nowait_refused = TRUE;
    if (tick->has_node_info)
        _hako_host_set_node_info(self->host, tick->node_cpus, tick->node_memory_kib * 1024);
    host_cpus = hako_host_get_n_cpus(self->host);

    list = hako_host_get_domains(self->host);
    seen = g_hash_table_new(g_str_hash, g_str_equal);
    for (guint i = 0; i < tick->domains->len; i++) {
        RawDomain *raw = &g_array_index(tick->domains, RawDomain, i);
        HakoDomain *domain = hako_domain_list_lookup(list, raw->uuid);

        if (domain == NULL)
            continue;
        apply_domain(self, domain, raw, tick->polled, host_cpus);
        keep_counters(self, raw);
        g_hash_table_add(seen, g_hash_table_lookup(self->previous, raw->uuid));
    }
    /* Guests asked for that stopped since their last poll: one gap in their graphs, then
     * nothing. A tick for some guests says nothing of the others. */
    if (tick->uuids != NULL) {
        asked = g_hash_table_new(g_str_hash, g_str_equal);
        for (guint i = 0; i < tick->uuids->len; i++)
            g_hash_table_add(asked, g_ptr_array_index(tick->uuids, i));
    }
    g_hash_table_iter_init(&iter, self->previous);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        if (g_hash_table_contains(seen, key) ||
            (asked != NULL && !g_hash_table_contains(asked, key)))
            continue;
        {
            HakoDomain *domain = hako_domain_list_lookup(list, key);

            if (domain != NULL) {
                double gap[HAKO_N_DOMAIN_STATS];

                for (guint i = 0; i < HAKO_N_DOMAIN_STATS; i++)
                    gap[i] = NAN;
                _hako_domain_push_stats_at(domain, gap, tick->time,
                                           (gint64)self->interval_ms * 1000);
            }
            g_hash_table_iter_remove(&iter);
        }
    }

    if (tick->kind != TICK_EXTRA) {
        if ((self->polled & HAKO_STATS_POLL_CPU) && tick->has_node_cpu) {
            if (self->have_node_previous && tick->node_total > self->node_total_previous &&
                tick->node_busy >= self->node_busy_previous)
                host_values[HAKO_HOST_STAT_CPU] =
                    CLAMP((double)(tick->node_busy - self->node_busy_previous) * 100.0 /
                              (double)(tick->node_total - self->node_total_previous),
                          0.0, 100.0);
            self->have_node_previous = TRUE;
            self->node_busy_previous = tick->node_busy;
            self->node_total_previous = tick->node_total;
        }
        if ((self->polled & HAKO_STATS_POLL_MEMORY) && tick->has_node_memory)
            host_values[HAKO_HOST_STAT_MEMORY] = (double)tick->node_used_kib * 1024.0;
        _hako_host_push_stats(self->host, host_values);
        self->n_ticks++;
    }

    _hako_host_emit_stats_updated(self->host);
    tick_free(tick);

    /* The guests watched meanwhile first (a small fetch, so that they have figures at once),
     * then a tick of the timer that waited for this one. */
    if (g_hash_table_size(self->pending) > 0 && start_tick_of(self, TICK_EXTRA))
        return G_SOURCE_REMOVE;
    if (self->late) {
        self->late = FALSE;
        if (start_tick_of(self, TICK_FAST))
            periodic_started(self, g_get_monotonic_time());
    }
    return G_SOURCE_REMOVE;
}

/* What a thread of the poller starts with. */
typedef struct {
    GAsyncQueue *queue;
    Opener *opener;
} WorkerStart;

/* The poller's own thread: ticks one after the other, for as long as the poller lives (or until
 * a call of its waits so long for a guest that does not answer that the poller goes on on a new
 * thread). One thread per connection, so a hung host holds up only its own polls, and reused,
 * so polling costs no thread (and no malloc arena) per tick.
 *
 * It calls on a connection of its own when it can open one: a call that waits for a guest whose
 * QEMU does not answer keeps libvirt's client busy on its connection (its thread holds the
 * socket, and other threads' calls then go out and come back only when something wakes it: the
 * keepalive, every 5 s; libvirt 9.0, reproduced with a Python client). On its own connection,
 * that holds up neither the host's other calls nor the poller's next thread. Its last request
 * drops the host's connection there, since dropping the last reference talks to the host. */
static gpointer
worker_main(gpointer data)
{
    WorkerStart *start = data;
    GAsyncQueue *queue = start->queue;
    virConnectPtr own = NULL;
    gboolean opened = FALSE;
    Tick *tick;

    while (!(tick = g_async_queue_pop(queue))->stop) {
        if (!opened && start->opener != NULL) {
            opened = TRUE;
            own = start->opener->func(start->opener->data);
            if (own == NULL)
                g_debug("statistics on the host's connection: %s", _hako_libvirt_last_message());
            else
                g_debug("statistics on a connection of their own");
            virResetLastError();
        }
        if (own != NULL) {
            tick_drop_conn(tick);
            virConnectRef(own);
            tick->conn = own;
        }
        gather_tick(tick);
        _hako_invoke_in_main(tick_done, tick);
    }
    /* the handles hold their connection: let go of them first */
    g_clear_pointer(&tick->handles, g_hash_table_unref);
    if (own != NULL)
        virConnectClose(own);
    tick_drop_conn(tick);
    if (tick->then != NULL)
        tick->then(tick->then_data);
    g_free(tick);
    g_async_queue_unref(queue);
    opener_unref(start->opener);
    g_free(start);
    return NULL;
}

static void
push_to_worker(HakoStatsPoller *self, Tick *tick)
{
    if (self->queue == NULL) {
        WorkerStart *start = g_new0(WorkerStart, 1);

        self->queue = g_async_queue_new();
        start->queue = g_async_queue_ref(self->queue);
        start->opener = opener_ref(self->opener);
        g_thread_unref(g_thread_new("hako-stats", worker_main, start));
    }
    g_async_queue_push(self->queue, tick);
}

static gboolean
domain_is_active(HakoDomain *domain)
{
    switch (hako_domain_get_state(domain)) {
    case HAKO_DOMAIN_STATE_RUNNING:
    case HAKO_DOMAIN_STATE_BLOCKED:
    case HAKO_DOMAIN_STATE_PAUSED:
    case HAKO_DOMAIN_STATE_SHUTDOWN:
    case HAKO_DOMAIN_STATE_PMSUSPENDED:
        return TRUE;
    default:
        return FALSE;
    }
}

/* The groups the consumers need, of those enabled. */
static HakoStatsPolled
watched_groups(HakoStatsPoller *self)
{
    HakoStatsPolled groups = HAKO_STATS_POLL_NONE;
    GHashTableIter iter;
    gpointer value;

    g_hash_table_iter_init(&iter, self->consumers);
    while (g_hash_table_iter_next(&iter, NULL, &value))
        groups |= ((Consumer *)value)->groups;
    return groups & self->polled;
}

static int
compare_strings(gconstpointer a, gconstpointer b)
{
    return g_strcmp0(*(const char *const *)a, *(const char *const *)b);
}

/* The running guests of @uuids (a set, or every watched one when NULL), as a new array. */
static GPtrArray *
running_of(HakoStatsPoller *self, GHashTable *uuids)
{
    g_autoptr(GHashTable) all = NULL;
    HakoDomainList *list = hako_host_get_domains(self->host);
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
    GHashTableIter iter;
    gpointer key, value;

    if (uuids == NULL) {
        all = g_hash_table_new(g_str_hash, g_str_equal);
        g_hash_table_iter_init(&iter, self->consumers);
        while (g_hash_table_iter_next(&iter, NULL, &value)) {
            GHashTableIter c;

            g_hash_table_iter_init(&c, ((Consumer *)value)->uuids);
            while (g_hash_table_iter_next(&c, &key, NULL))
                g_hash_table_add(all, key);
        }
        uuids = all;
    }
    g_hash_table_iter_init(&iter, uuids);
    while (g_hash_table_iter_next(&iter, &key, NULL)) {
        HakoDomain *domain = hako_domain_list_lookup(list, key);

        if (domain != NULL && domain_is_active(domain))
            g_ptr_array_add(out, g_strdup(key));
    }
    /* In a stable order, for the trace and the tests. */
    g_ptr_array_sort(out, compare_strings);
    return out;
}

/* HAKO_STATS_TRACE=FILE: one line per request, "KIND GROUPS NAMES" ("*" for every running
 * guest), for the tests that check what a tick asks for. */
static void
trace_request(HakoStatsPoller *self, Tick *tick)
{
    static const char *const group_names[] = {"cpu", "memory", "disk", "network"};
    g_autoptr(GString) line = g_string_new(tick_kind_names[tick->kind]);
    HakoDomainList *list = hako_host_get_domains(self->host);
    guint n_groups = 0;

    g_string_append_c(line, ' ');
    for (guint i = 0; i < G_N_ELEMENTS(group_names); i++) {
        if (tick->polled & (1u << i))
            g_string_append_printf(line, "%s%s", n_groups++ > 0 ? "," : "", group_names[i]);
    }
    if (n_groups == 0)
        g_string_append(line, "state");
    if (tick->uuids == NULL) {
        g_string_append(line, " *");
    } else {
        for (guint i = 0; i < tick->uuids->len; i++) {
            HakoDomain *domain = hako_domain_list_lookup(list, g_ptr_array_index(tick->uuids, i));

            g_string_append_printf(line, " %s",
                                   domain != NULL
                                       ? hako_domain_get_name(domain)
                                       : (const char *)g_ptr_array_index(tick->uuids, i));
        }
    }
    g_string_append_c(line, '\n');
    fputs(line->str, self->trace);
    fflush(self->trace);
}

/* Starts a tick of @kind unless one is running; returns whether it did. A fast tick becomes a
 * full one when the slow interval has passed, or while nobody said what they watch. */
static gboolean
start_tick_of(HakoStatsPoller *self, TickKind kind)
{
    gint64 now = g_get_monotonic_time();
    Tick *tick;

    if (self->stopped || self->host == NULL)
        return FALSE;
    if (self->in_flight) {
        self->n_skipped++;
        return FALSE;
    }
    if (kind == TICK_FAST && (g_hash_table_size(self->consumers) == 0 ||
                              self->method == HAKO_STATS_METHOD_UNKNOWN || self->last_full == 0 ||
                              now - self->last_full >= (gint64)self->slow_interval_ms * 1000 -
                                                           (gint64)self->interval_ms * 500))
        kind = TICK_FULL;

    tick = g_new0(Tick, 1);
    tick->kind = kind;
    switch (kind) {
    case TICK_FULL:
        tick->polled = self->polled;
        self->last_full = now;
        g_hash_table_remove_all(self->pending);
        break;
    case TICK_FAST:
        tick->polled = watched_groups(self);
        tick->uuids = running_of(self, NULL);
        g_hash_table_remove_all(self->pending);
        break;
    case TICK_EXTRA:
        tick->polled = watched_groups(self);
        tick->uuids = running_of(self, self->pending);
        g_hash_table_remove_all(self->pending);
        break;
    }
    /* Nothing shown of them: no call for the guests at all. */
    if (kind != TICK_FULL && tick->polled == HAKO_STATS_POLL_NONE)
        g_ptr_array_set_size(tick->uuids, 0);
    if (kind == TICK_EXTRA && tick->uuids->len == 0) {
        tick_free(tick);
        return FALSE;
    }
    virConnectRef(self->conn);
    tick->conn = self->conn;
    tick->method = self->method;
    tick->nowait = !self->nowait_refused;
    /* Addresses: every few ticks for the guests polled; a guest just watched at once. */
    tick->want_addresses = kind == TICK_EXTRA || self->n_started % ADDRESSES_EVERY == 0 ||
                           (kind == TICK_FULL && g_hash_table_size(self->consumers) > 0);
    tick->want_node_info = self->n_started == 0 || hako_host_get_n_cpus(self->host) == 0;
    tick->devices = self->devices;
    tick->handles = self->handles;
    tick->domains = g_array_new(FALSE, TRUE, sizeof(RawDomain));
    g_array_set_clear_func(tick->domains, raw_domain_clear);
    if (kind != TICK_EXTRA)
        self->n_started++;
    self->in_flight = TRUE;
    self->current = tick;
    self->in_flight_since = now;

    if (self->request_func != NULL) {
        static const char *const none[] = {NULL};
        const char *const *uuids = NULL;

        if (tick->uuids != NULL)
            uuids = tick->uuids->len > 0 ? (const char *const *)tick->uuids->pdata : none;
        self->request_func(self, tick_kind_names[kind], tick->polled, uuids,
                           tick->uuids != NULL ? tick->uuids->len : 0, self->request_data);
    }
    if (self->trace != NULL)
        trace_request(self, tick);

    /* The tick holds the poller, so the device cache outlives it. */
    tick->poller = g_object_ref(self);
    push_to_worker(self, tick);
    return TRUE;
}

static gboolean
start_tick(HakoStatsPoller *self)
{
    return start_tick_of(self, TICK_FAST);
}

/* Whether the tick in flight waits, by now, for a guest that does not answer, and may be left
 * behind: a bulk call with NOWAIT (the next one then skips what that guest's job holds). */
static gboolean
tick_is_stuck(HakoStatsPoller *self, gint64 now)
{
    gint64 limit = MAX((gint64)self->interval_ms * STUCK_INTERVALS, STUCK_MIN_MS) * 1000;

    return self->in_flight && self->current != NULL && now - self->in_flight_since >= limit &&
           self->method == HAKO_STATS_METHOD_BULK && !self->nowait_refused &&
           self->n_stuck < STUCK_MAX;
}

/* Leaves the tick in flight to finish on its thread, which then ends; the next ticks go to a
 * new thread, with handles of their own (the stuck call still uses the old ones). */
static void
leave_stuck_tick(HakoStatsPoller *self)
{
    Tick *tick = self->current;
    Tick *retire = g_new0(Tick, 1);

    g_debug("%s: a statistics call (%s, groups %#x) has not come back for %" G_GINT64_FORMAT
            " ms; going on without it",
            hako_host_get_uri(self->host), tick_kind_names[tick->kind], (guint)tick->polled,
            (g_get_monotonic_time() - self->in_flight_since) / 1000);
    tick->stuck = TRUE;
    self->n_stuck++;
    self->in_flight = FALSE;
    self->current = NULL;
    /* Its thread ends once the stuck call is back, and lets go there of the handles the call
     * still uses (letting go of a handle may let go of the connection: not on this thread). */
    retire->stop = TRUE;
    retire->handles = g_steal_pointer(&self->handles);
    self->handles = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, handle_free);
    g_async_queue_push(self->queue, retire);
    g_clear_pointer(&self->queue, g_async_queue_unref);
}

static gboolean
timeout_cb(gpointer data)
{
    HakoStatsPoller *self = data;
    gint64 now = g_get_monotonic_time();

    if (tick_is_stuck(self, now))
        leave_stuck_tick(self);
    if (self->in_flight) {
        /* No pile: this tick waits for the running one, and starts when it ends. */
        self->n_skipped++;
        self->late = TRUE;
        return G_SOURCE_CONTINUE;
    }
    if (start_tick(self))
        periodic_started(self, now);
    return G_SOURCE_CONTINUE;
}

static void
restart_timer(HakoStatsPoller *self)
{
    g_clear_handle_id(&self->timeout_id, g_source_remove);
    self->last_periodic = 0;
    self->achieved_us = 0;
    if (self->stopped)
        return;
    /* Whole seconds are polled on the second, which lets GLib group the wake-ups. */
    if (self->interval_ms % 1000 == 0)
        self->timeout_id = g_timeout_add_seconds(self->interval_ms / 1000, timeout_cb, self);
    else
        self->timeout_id = g_timeout_add(self->interval_ms, timeout_cb, self);
}

/* ---------------------------------------------------------------------- */
/* GObject */

static void
hako_stats_poller_dispose(GObject *object)
{
    HakoStatsPoller *self = HAKO_STATS_POLLER(object);

    _hako_stats_poller_stop(self);
    g_clear_weak_pointer(&self->host);

    G_OBJECT_CLASS(hako_stats_poller_parent_class)->dispose(object);
}

static void
hako_stats_poller_finalize(GObject *object)
{
    HakoStatsPoller *self = HAKO_STATS_POLLER(object);

    g_hash_table_unref(self->previous);
    g_hash_table_unref(self->devices);
    g_hash_table_unref(self->consumers);
    g_hash_table_unref(self->pending);
    /* Without a worker (it takes them with its last request), no call ever filled them. */
    g_clear_pointer(&self->handles, g_hash_table_unref);
    opener_unref(self->opener);
    if (self->trace != NULL)
        fclose(self->trace);

    G_OBJECT_CLASS(hako_stats_poller_parent_class)->finalize(object);
}

static void
hako_stats_poller_class_init(HakoStatsPollerClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);

    object_class->dispose = hako_stats_poller_dispose;
    object_class->finalize = hako_stats_poller_finalize;
}

static void
hako_stats_poller_init(HakoStatsPoller *self)
{
    self->previous = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
    self->devices = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, devices_free);
    self->handles = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, handle_free);
    self->consumers = g_hash_table_new_full(NULL, NULL, NULL, consumer_free);
    self->pending = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    self->slow_interval_ms = HAKO_STATS_DEFAULT_SLOW_INTERVAL_MS;
    if (g_getenv("HAKO_STATS_TRACE") != NULL && *g_getenv("HAKO_STATS_TRACE") != '\0')
        self->trace = fopen(g_getenv("HAKO_STATS_TRACE"), "a");
}

/*
 * _hako_stats_poller_new:
 * @conn: the host's connection; the poller takes a reference of its own
 * @open_func: (nullable): opens a connection of the poller's own to @host, on the poller's
 *   thread; each thread of the poller (a new one when a call is left behind) calls on the
 *   connection it opens, or on @conn when it gives %NULL
 * @open_data_free: frees @open_data once no thread of the poller needs it
 *
 * Starts polling @host: the first tick comes at once.
 */
HakoStatsPoller *
_hako_stats_poller_new(HakoHost *host,
                       virConnectPtr conn,
                       HakoStatsOpenFunc open_func,
                       gpointer open_data,
                       GDestroyNotify open_data_free,
                       guint interval_ms,
                       HakoStatsPolled polled,
                       guint history_length)
{
    HakoStatsPoller *self = g_object_new(HAKO_TYPE_STATS_POLLER, NULL);

    g_set_weak_pointer(&self->host, host);
    virConnectRef(conn);
    self->conn = conn;
    if (open_func != NULL) {
        self->opener = g_new0(Opener, 1);
        g_atomic_ref_count_init(&self->opener->ref);
        self->opener->func = open_func;
        self->opener->data = open_data;
        self->opener->data_free = open_data_free;
    }
    self->interval_ms = MAX(interval_ms, 1);
    self->polled = polled;
    self->history_length = MAX(history_length, 1);
    _hako_host_set_stats_history_length(host, self->history_length);
    _hako_host_set_polled_stats(host, polled);
    restart_timer(self);
    start_tick(self);
    return self;
}

/* Stops the timer and drops the connection; a tick in flight finishes and is dropped. */
void
_hako_stats_poller_stop(HakoStatsPoller *self)
{
    _hako_stats_poller_stop_then(self, NULL, NULL);
}

/* The same; @then(@data) is called once no tick uses the connection any more (on the poller's
 * thread, or at once if it has none). */
void
_hako_stats_poller_stop_then(HakoStatsPoller *self, GDestroyNotify then, gpointer data)
{
    g_return_if_fail(HAKO_IS_STATS_POLLER(self));

    self->stopped = TRUE;
    g_clear_handle_id(&self->timeout_id, g_source_remove);
    if (self->conn != NULL) {
        /* The thread ends after the tick it may be in, however long that takes. */
        Tick *last = g_new0(Tick, 1);

        last->stop = TRUE;
        last->conn = g_steal_pointer(&self->conn);
        /* the handles hold the connection too: let go of them there, before it */
        last->handles = g_steal_pointer(&self->handles);
        last->then = then;
        last->then_data = data;
        push_to_worker(self, last);
    } else if (then != NULL) {
        then(data);
    }
    g_clear_pointer(&self->queue, g_async_queue_unref);
    if (self->host != NULL)
        _hako_host_set_polled_stats(self->host, HAKO_STATS_POLL_NONE);
}

HakoHost *
hako_stats_poller_get_host(HakoStatsPoller *self)
{
    g_return_val_if_fail(HAKO_IS_STATS_POLLER(self), NULL);
    return self->host;
}

/* Changes the interval at once; the next tick comes one new interval from now. */
void
hako_stats_poller_set_interval(HakoStatsPoller *self, guint interval_ms)
{
    g_return_if_fail(HAKO_IS_STATS_POLLER(self));

    interval_ms = MAX(interval_ms, 1);
    if (interval_ms == self->interval_ms)
        return;
    self->interval_ms = interval_ms;
    restart_timer(self);
}

guint
hako_stats_poller_get_interval(HakoStatsPoller *self)
{
    g_return_val_if_fail(HAKO_IS_STATS_POLLER(self), 0);
    return self->interval_ms;
}

/* Changes which figures are asked for, from the next tick. */
void
hako_stats_poller_set_polled(HakoStatsPoller *self, HakoStatsPolled polled)
{
    g_return_if_fail(HAKO_IS_STATS_POLLER(self));

    self->polled = polled;
    if (!self->stopped && self->host != NULL)
        _hako_host_set_polled_stats(self->host, polled);
}

void
hako_stats_poller_set_history_length(HakoStatsPoller *self, guint length)
{
    g_return_if_fail(HAKO_IS_STATS_POLLER(self));

    self->history_length = MAX(length, 1);
    if (self->host != NULL)
        _hako_host_set_stats_history_length(self->host, self->history_length);
}

HakoStatsMethod
hako_stats_poller_get_method(HakoStatsPoller *self)
{
    g_return_val_if_fail(HAKO_IS_STATS_POLLER(self), HAKO_STATS_METHOD_UNKNOWN);
    return self->method;
}

/**
 * hako_stats_poller_poll_now:
 *
 * Polls at once, as the timer does: nothing happens while a poll is still
 * running (that counts as a skipped tick).
 *
 * Returns: whether a poll started.
 */
gboolean
hako_stats_poller_poll_now(HakoStatsPoller *self)
{
    g_return_val_if_fail(HAKO_IS_STATS_POLLER(self), FALSE);
    return start_tick(self);
}

/* How many ticks have brought figures. */
guint
hako_stats_poller_get_n_ticks(HakoStatsPoller *self)
{
    g_return_val_if_fail(HAKO_IS_STATS_POLLER(self), 0);
    return self->n_ticks;
}

/* How many ticks were skipped because the previous one was still running. */
guint
hako_stats_poller_get_n_skipped(HakoStatsPoller *self)
{
    g_return_val_if_fail(HAKO_IS_STATS_POLLER(self), 0);
    return self->n_skipped;
}

/**
 * hako_stats_poller_set_slow_interval:
 * @interval_ms: how often every running guest is polled, watched or not
 *
 * Guests nobody watches are polled this often, with every enabled group, so that their
 * histories and the host's totals stay meaningful.
 */
void
hako_stats_poller_set_slow_interval(HakoStatsPoller *self, guint interval_ms)
{
    g_return_if_fail(HAKO_IS_STATS_POLLER(self));
    self->slow_interval_ms = MAX(interval_ms, 1);
}

guint
hako_stats_poller_get_slow_interval(HakoStatsPoller *self)
{
    g_return_val_if_fail(HAKO_IS_STATS_POLLER(self), 0);
    return self->slow_interval_ms;
}

/**
 * hako_stats_poller_set_watched:
 * @consumer: who watches: a window, say; its set replaces the one it set before
 * @uuids: (nullable) (array zero-terminated=1): the UUIDs of the guests it shows, or %NULL
 *   when it watches nothing any more (an empty array keeps it as a consumer that shows none)
 * @groups: the kinds of figures it shows of them
 *
 * Says which guests' figures @consumer shows. Each tick then fetches only the guests some
 * consumer watches, with the groups they need; the others are polled every slow interval. A
 * guest watched now that nobody watched before is fetched at once, not at the next tick.
 */
void
hako_stats_poller_set_watched(HakoStatsPoller *self,
                              gconstpointer consumer,
                              const char *const *uuids,
                              HakoStatsPolled groups)
{
    g_autoptr(GHashTable) before = NULL;
    Consumer *old = NULL;
    Consumer *entry;
    GHashTableIter iter;
    gpointer value;

    g_return_if_fail(HAKO_IS_STATS_POLLER(self));
    g_return_if_fail(consumer != NULL);

    if (uuids == NULL) {
        g_hash_table_remove(self->consumers, consumer);
        return;
    }
    g_hash_table_steal_extended(self->consumers, consumer, NULL, (gpointer *)&old);
    /* Every guest watched before, by anyone: borrowed strings, freed with old at the end. */
    before = g_hash_table_new(g_str_hash, g_str_equal);
    g_hash_table_iter_init(&iter, self->consumers);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        GHashTableIter c;
        gpointer key;

        g_hash_table_iter_init(&c, ((Consumer *)value)->uuids);
        while (g_hash_table_iter_next(&c, &key, NULL))
            g_hash_table_add(before, key);
    }
    if (old != NULL) {
        GHashTableIter c;
        gpointer key;

        g_hash_table_iter_init(&c, old->uuids);
        while (g_hash_table_iter_next(&c, &key, NULL))
            g_hash_table_add(before, key);
    }
    entry = g_new0(Consumer, 1);
    entry->uuids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    entry->groups = groups;
    for (guint i = 0; uuids[i] != NULL; i++) {
        g_hash_table_add(entry->uuids, g_strdup(uuids[i]));
        if (!g_hash_table_contains(before, uuids[i]))
            g_hash_table_add(self->pending, g_strdup(uuids[i]));
    }
    g_hash_table_insert(self->consumers, (gpointer)consumer, entry);
    g_clear_pointer(&before, g_hash_table_unref);
    g_clear_pointer(&old, consumer_free);
    if (g_hash_table_size(self->pending) > 0 && !self->in_flight)
        start_tick_of(self, TICK_EXTRA);
}

/**
 * hako_stats_poller_get_achieved_interval:
 *
 * Returns: the time between the last two ticks of the timer, in milliseconds: the interval
 *   asked for, or longer when a tick had to wait for a slow one; 0 before two ticks.
 */
guint
hako_stats_poller_get_achieved_interval(HakoStatsPoller *self)
{
    g_return_val_if_fail(HAKO_IS_STATS_POLLER(self), 0);
    return (guint)((self->achieved_us + 500) / 1000);
}

/*
 * _hako_stats_poller_set_request_func:
 *
 * For the tests: @func is called on the main thread each time a tick starts, with what it asks
 * for (kind "full", "fast" or "extra"; the groups; the guests' UUIDs, %NULL for every running
 * guest).
 */
void
_hako_stats_poller_set_request_func(HakoStatsPoller *self, HakoStatsRequestFunc func, gpointer data)
{
    g_return_if_fail(HAKO_IS_STATS_POLLER(self));
    self->request_func = func;
    self->request_data = data;
}
