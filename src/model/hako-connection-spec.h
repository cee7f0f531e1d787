/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoConnectionSpec: a libvirt connection URI as the Add Connection dialog's fields. */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum {
    HAKO_HYPERVISOR_QEMU,
    HAKO_HYPERVISOR_XEN,
} HakoHypervisor;

typedef enum {
    HAKO_TRANSPORT_LOCAL,
    HAKO_TRANSPORT_SSH,
    HAKO_TRANSPORT_TLS,
} HakoTransport;

/*
 * A plain value: the strings are owned by the struct (g_free them before replacing them).
 * Fields that do not apply to the transport are kept but left out of the URI.
 */
typedef struct {
    HakoHypervisor hypervisor;
    HakoTransport transport;
    char *user;       /* SSH only; NULL or "" for ssh's default user */
    char *host;       /* SSH and TLS */
    guint port;       /* SSH and TLS; 0 for the transport's default */
    gboolean session; /* /session rather than /system */
    char *query;      /* extra parameters, %-encoded, without the '?'; NULL for none */
} HakoConnectionSpec;

#define HAKO_TYPE_CONNECTION_SPEC (hako_connection_spec_get_type())
GType hako_connection_spec_get_type(void) G_GNUC_CONST;

HakoConnectionSpec *hako_connection_spec_new(void);
HakoConnectionSpec *hako_connection_spec_copy(const HakoConnectionSpec *spec);
void hako_connection_spec_free(HakoConnectionSpec *spec);
gboolean hako_connection_spec_equal(const HakoConnectionSpec *a, const HakoConnectionSpec *b);

char *hako_connection_spec_to_uri(const HakoConnectionSpec *spec);
gboolean hako_connection_spec_from_uri(HakoConnectionSpec *spec, const char *uri);
gboolean hako_connection_spec_validate(const HakoConnectionSpec *spec, GError **error);
gboolean hako_connection_spec_parse_port(const char *text, guint *port, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(HakoConnectionSpec, hako_connection_spec_free)

G_END_DECLS
