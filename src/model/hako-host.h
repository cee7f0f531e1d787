/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoHost: one libvirt connection and the guests it holds. */
#pragma once

#include "hako-domain-list.h"
#include "hako-model-types.h"

G_BEGIN_DECLS

#define HAKO_TYPE_HOST (hako_host_get_type())
G_DECLARE_FINAL_TYPE(HakoHost, hako_host, HAKO, HOST, GObject)

/* What a connection tells about its host. */
typedef struct {
    char *hypervisor_version; /* "7.2.0", or NULL */
    char *libvirt_version;    /* the daemon's, "9.0.0", or NULL */
    char *cpu_model;          /* "Skylake-Client-IBRS", or NULL */
    char *cpu_arch;           /* "x86_64", or NULL */
    guint sockets;            /* in all, over the NUMA cells */
    guint cores;              /* per socket */
    guint threads;            /* per core */
    guint numa_cells;
    gboolean no_kvm; /* QEMU guests can only be emulated: no KVM (no /dev/kvm, no VT-x/AMD-V) */
} HakoHostDetails;

const char *hako_host_get_uri(HakoHost *self);
const char *hako_host_get_label(HakoHost *self);
const char *hako_host_get_custom_label(HakoHost *self);
const HakoHostDetails *hako_host_get_details(HakoHost *self);
HakoHostState hako_host_get_state(HakoHost *self);
const char *hako_host_get_last_error(HakoHost *self);
gboolean hako_host_get_read_only(HakoHost *self);
gboolean hako_host_get_autoconnect(HakoHost *self);
const char *hako_host_get_hostname(HakoHost *self);
const char *hako_host_get_hypervisor(HakoHost *self);
HakoDomainList *hako_host_get_domains(HakoHost *self);
gboolean hako_host_is_connected(HakoHost *self);
HakoStatsHistory *hako_host_get_stats_history(HakoHost *self, HakoHostStat stat);
double hako_host_get_stat(HakoHost *self, HakoHostStat stat);
HakoStatsPolled hako_host_get_polled_stats(HakoHost *self);
guint hako_host_get_n_cpus(HakoHost *self);
guint64 hako_host_get_memory_total(HakoHost *self);

const char *hako_host_state_to_string(HakoHostState state);
char *hako_uri_pretty_label(const char *uri);
gboolean hako_uri_validate(const char *uri, GError **error);

G_END_DECLS
