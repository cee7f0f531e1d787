/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Construction of HakoNetwork for the engine (and tests) only. */
#pragma once

#include "hako-network.h"

G_BEGIN_DECLS

/* A network is a snapshot: the engine fills it in before anyone else sees it (on the worker
 * that read it, or on the main thread) and never changes it afterwards. */
HakoNetwork *_hako_network_new(const char *name, const char *uuid);
void _hako_network_set_state(HakoNetwork *self,
                             gboolean active,
                             gboolean autostart,
                             gboolean persistent);
void _hako_network_set_bridge(HakoNetwork *self, const char *bridge);
void _hako_network_set_forward(HakoNetwork *self,
                               HakoNetworkMode mode,
                               const char *mode_name,
                               const char *device);
void _hako_network_set_dns_domain(HakoNetwork *self, const char *domain);
void _hako_network_set_xml(HakoNetwork *self, const char *xml);
void _hako_network_take_ip(HakoNetwork *self, HakoNetworkIp *ip);

/* Address arithmetic for the model's checks. */
guint _hako_network_address_parse(const char *text, GSocketFamily *family, guint8 bytes[16]);
void _hako_network_address_mask(guint8 bytes[16], guint size, guint prefix);
char *_hako_network_address_to_string(const guint8 bytes[16], guint size);

G_END_DECLS
