/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoDomainList: the guests of one host, as a GListModel of HakoDomain. */
#pragma once

#include "hako-domain.h"

G_BEGIN_DECLS

#define HAKO_TYPE_DOMAIN_LIST (hako_domain_list_get_type())
G_DECLARE_FINAL_TYPE(HakoDomainList, hako_domain_list, HAKO, DOMAIN_LIST, GObject)

HakoDomainList *hako_domain_list_new(void);
HakoDomain *hako_domain_list_lookup(HakoDomainList *self, const char *uuid);
HakoDomain *hako_domain_list_lookup_by_name(HakoDomainList *self, const char *name);
HakoDomain *hako_domain_list_find(HakoDomainList *self, const char *reference);
guint hako_domain_list_count_in_state(HakoDomainList *self, HakoDomainState state);
void hako_domain_list_add(HakoDomainList *self, HakoDomain *domain);
void hako_domain_list_add_many(HakoDomainList *self, GPtrArray *domains);
gboolean hako_domain_list_remove(HakoDomainList *self, HakoDomain *domain);
void hako_domain_list_remove_all(HakoDomainList *self);

G_END_DECLS
