/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoConnectionManager internals for the rest of the engine. */
#pragma once

#include "hako-connection-manager.h"
#include "hako-ssh-private.h"

#include <libvirt/libvirt.h>

G_BEGIN_DECLS

virConnectPtr _hako_connection_manager_dup_conn_to_change(HakoConnectionManager *self,
                                                          HakoDomain *domain,
                                                          GError **error);
virConnectPtr _hako_connection_manager_dup_conn_to_read(HakoConnectionManager *self,
                                                        HakoDomain *domain,
                                                        gboolean *read_only,
                                                        GError **error);
virConnectPtr _hako_connection_manager_dup_host_conn_to_change(HakoConnectionManager *self,
                                                               HakoHost *host,
                                                               GError **error);
virConnectPtr _hako_connection_manager_dup_host_conn_to_read(HakoConnectionManager *self,
                                                             HakoHost *host,
                                                             gboolean *read_only,
                                                             GError **error);

HakoSshMaster *_hako_connection_manager_dup_ssh_master(HakoConnectionManager *self,
                                                       HakoDomain *domain);
gboolean _hako_connection_manager_get_direct(HakoConnectionManager *self, HakoDomain *domain);

G_END_DECLS
