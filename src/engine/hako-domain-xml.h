/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A guest's XML definition: read for editing, checked, and defined again. */
#pragma once

#include "hako-connection-manager.h"
#include "hako-host.h"

#include <gio/gio.h>

G_BEGIN_DECLS

gboolean hako_domain_xml_check(
    const char *xml, const char *uuid, const char *name, int *line, int *column, GError **error);

void hako_domain_xml_get_async(HakoConnectionManager *manager,
                               HakoHost *host,
                               const char *uuid,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data);
char *
hako_domain_xml_get_finish(HakoConnectionManager *manager, GAsyncResult *result, GError **error);

void hako_domain_xml_define_async(HakoConnectionManager *manager,
                                  HakoHost *host,
                                  const char *uuid,
                                  const char *xml,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data);
gboolean
hako_domain_xml_define_finish(HakoConnectionManager *manager, GAsyncResult *result, GError **error);

G_END_DECLS
