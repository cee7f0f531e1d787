/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoNetworksPage: a host's virtual networks, in its Connection Details. */
#pragma once

#include "hako-connection-manager.h"
#include "hako-host.h"
#include "hako-networks.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define HAKO_TYPE_NETWORKS_PAGE (hako_networks_page_get_type())
G_DECLARE_FINAL_TYPE(HakoNetworksPage, hako_networks_page, HAKO, NETWORKS_PAGE, GtkBox)

/*
 * Opens the Create Network wizard over @parent for @host, whose networks were last listed as
 * @existing (element-type HakoNetwork); returns the wizard's window (transfer none). The wizards
 * layer sets it at start-up (the UI layer cannot include wizards); without it, Add Network… is
 * off.
 */
typedef GtkWidget *(*HakoAddNetworkFunc)(GtkWindow *parent,
                                         HakoNetworks *networks,
                                         HakoHost *host,
                                         GPtrArray *existing);

void hako_networks_page_set_add_network_func(HakoAddNetworkFunc func);

GtkWidget *hako_networks_page_new(HakoConnectionManager *manager, HakoHost *host);
void hako_networks_page_refresh(HakoNetworksPage *self);

G_END_DECLS
