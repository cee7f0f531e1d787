/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Setters of HakoDomain for the engine (and tests) only. */
#pragma once

#include "hako-domain.h"

G_BEGIN_DECLS

/* Plain facts about a guest, gathered by an engine worker thread. */
typedef struct {
    char *uuid;
    char *name;
    char *title;
    int id;
    HakoDomainState state;
    int reason;
    guint vcpus;
    guint64 memory;     /* KiB */
    guint64 max_memory; /* KiB */
    gboolean persistent;
    gboolean autostart;
    gboolean managed_save;
} HakoDomainFacts;

HakoDomainFacts *_hako_domain_facts_new(void);
void _hako_domain_facts_free(HakoDomainFacts *facts);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HakoDomainFacts, _hako_domain_facts_free)

HakoDomain *_hako_domain_new(HakoHost *host, const char *uuid);
void _hako_domain_apply_facts(HakoDomain *self, const HakoDomainFacts *facts);
void _hako_domain_set_state(HakoDomain *self, HakoDomainState state, int reason);
void _hako_domain_set_shutdown_ignored(HakoDomain *self, gboolean ignored);
void _hako_domain_push_stats(HakoDomain *self, const double values[HAKO_N_DOMAIN_STATS]);
void _hako_domain_push_stats_at(HakoDomain *self,
                                const double values[HAKO_N_DOMAIN_STATS],
                                gint64 time_us,
                                gint64 slot_us);
void _hako_domain_set_stats_history_length(HakoDomain *self, guint length);
void _hako_domain_set_addresses(HakoDomain *self, const char *const *addresses);

G_END_DECLS
