/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoConsoleDevice: one way to reach a guest's screen or text console, read from its XML. */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum {
    HAKO_CONSOLE_KIND_VNC,
    HAKO_CONSOLE_KIND_SPICE,
    HAKO_CONSOLE_KIND_SERIAL, /* a <serial> port */
    HAKO_CONSOLE_KIND_TEXT,   /* a <console> that is not serial port 0 again (virtio, ...) */
} HakoConsoleKind;

typedef struct {
    HakoConsoleKind kind;
    /* Graphics: the index among the guest's <graphics> (virDomainOpenGraphicsFD's idx).
     * Serial and text: the target port number. */
    guint index;
    /* Graphics: the address it listens on (NULL when it listens on no address: a UNIX
     * socket, or none at all), the socket path, the ports (-1 while none is assigned). */
    char *listen;
    char *socket;
    int port;
    int tls_port;
    /* Graphics: the password when the XML carried it (read with VIR_DOMAIN_XML_SECURE);
     * has_password also when the XML said only that there is one. */
    char *password;
    gboolean has_password;
    /* Serial and text: the device's alias (virDomainOpenConsole's dev_name), its target type
     * ("isa-serial", "virtio", "serial"...) and source type ("pty"; only those can be opened). */
    char *alias;
    char *target_type;
    char *source_type;
} HakoConsoleDevice;

#define HAKO_TYPE_CONSOLE_DEVICE (hako_console_device_get_type())
GType hako_console_device_get_type(void) G_GNUC_CONST;

HakoConsoleDevice *hako_console_device_copy(const HakoConsoleDevice *self);
void hako_console_device_free(HakoConsoleDevice *self);
gboolean hako_console_device_is_graphical(const HakoConsoleDevice *self);
gboolean hako_console_device_can_open(const HakoConsoleDevice *self);

GPtrArray *hako_console_devices_from_xml(const char *xml, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(HakoConsoleDevice, hako_console_device_free)

/* Where a display widget connects: an open socket, else an address or a local UNIX socket. */
typedef struct {
    HakoConsoleKind kind;
    int fd;     /* connected to the display, authenticated already; or -1 */
    char *host; /* else this host and port (or TLS port) */
    int port;
    int tls_port;
    char *socket;            /* or this UNIX socket, on this machine */
    char *password;          /* what the guest's XML gives, if it has one and Hako could read it */
    gboolean needs_password; /* a password is set that the XML did not show (read-only) */
} HakoGraphicsEndpoint;

#define HAKO_TYPE_GRAPHICS_ENDPOINT (hako_graphics_endpoint_get_type())
GType hako_graphics_endpoint_get_type(void) G_GNUC_CONST;

HakoGraphicsEndpoint *hako_graphics_endpoint_copy(const HakoGraphicsEndpoint *self);
void hako_graphics_endpoint_free(HakoGraphicsEndpoint *self);
int hako_graphics_endpoint_steal_fd(HakoGraphicsEndpoint *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(HakoGraphicsEndpoint, hako_graphics_endpoint_free)

G_END_DECLS
