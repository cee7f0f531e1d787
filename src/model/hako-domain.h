/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoDomain: one guest as the UI sees it, identified by its UUID. */
#pragma once

#include "hako-guest-trouble.h"
#include "hako-model-types.h"
#include "hako-stats.h"

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _HakoHost HakoHost;

#define HAKO_TYPE_DOMAIN (hako_domain_get_type())
G_DECLARE_FINAL_TYPE(HakoDomain, hako_domain, HAKO, DOMAIN, GObject)

const char *hako_domain_get_uuid(HakoDomain *self);
const char *hako_domain_get_name(HakoDomain *self);
const char *hako_domain_get_title(HakoDomain *self);
int hako_domain_get_id(HakoDomain *self);
HakoDomainState hako_domain_get_state(HakoDomain *self);
int hako_domain_get_state_reason(HakoDomain *self);
guint hako_domain_get_vcpus(HakoDomain *self);
guint64 hako_domain_get_memory(HakoDomain *self);
guint64 hako_domain_get_max_memory(HakoDomain *self);
gboolean hako_domain_get_persistent(HakoDomain *self);
gboolean hako_domain_get_autostart(HakoDomain *self);
gboolean hako_domain_get_managed_save(HakoDomain *self);
gboolean hako_domain_get_shutdown_ignored(HakoDomain *self);
HakoGuestTrouble hako_domain_get_trouble(HakoDomain *self);
HakoStatsHistory *hako_domain_get_stats_history(HakoDomain *self, HakoDomainStat stat);
double hako_domain_get_stat(HakoDomain *self, HakoDomainStat stat);
const char *const *hako_domain_get_addresses(HakoDomain *self);
HakoHost *hako_domain_get_host(HakoDomain *self);

gboolean hako_domain_is_active(HakoDomain *self);
gboolean hako_domain_has_moved_away(HakoDomain *self);
gboolean hako_domain_is_paused_by_migration(HakoDomain *self);
gboolean hako_domain_can(HakoDomain *self, HakoDomainAction action);

const char *hako_domain_state_to_string(HakoDomainState state);
const char *hako_domain_state_to_icon_name(HakoDomainState state);
char *hako_domain_describe_state(HakoDomain *self);
char *hako_format_memory(guint64 kib);

G_END_DECLS
