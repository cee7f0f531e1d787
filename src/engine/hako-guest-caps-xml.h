/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libvirt's capabilities and domain capabilities XML read into HakoGuestCaps (pure functions). */
#pragma once

#include "hako-guest-caps.h"

#include <glib.h>

G_BEGIN_DECLS

HakoGuestCaps *hako_guest_caps_parse(const char *capabilities_xml, GError **error);
gboolean hako_guest_option_apply_domain_caps(HakoGuestOption *option,
                                             const char *domain_caps_xml,
                                             GError **error);
const char *hako_guest_option_find_uefi_loader(const char *arch, const char *const *loaders);

G_END_DECLS
