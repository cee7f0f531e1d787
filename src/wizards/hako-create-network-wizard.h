/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoCreateNetworkWizard: the Create Network wizard, a new virtual network in three pages. */
#pragma once

#include "hako-host.h"
#include "hako-networks.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define HAKO_TYPE_CREATE_NETWORK_WIZARD (hako_create_network_wizard_get_type())
G_DECLARE_FINAL_TYPE(
    HakoCreateNetworkWizard, hako_create_network_wizard, HAKO, CREATE_NETWORK_WIZARD, GtkDialog)

GtkWidget *hako_create_network_wizard_new(GtkWindow *parent,
                                          HakoNetworks *networks,
                                          HakoHost *host,
                                          GPtrArray *existing);
HakoNetworkSpec *hako_create_network_wizard_get_spec(HakoCreateNetworkWizard *self);

/* The defaults the wizard offers, for tests. */
char *hako_create_network_wizard_default_ipv4(GPtrArray *existing);
gboolean
hako_create_network_wizard_default_dhcp(const char *ipv4_network, char **start, char **end);

G_END_DECLS
