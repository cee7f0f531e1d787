/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoViewerTarget: what hako-viewer is asked to open (a guest, a vnc:// or spice:// address,
 * or a .vv connection file). */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define HAKO_VIEWER_TARGET_ERROR (hako_viewer_target_error_quark())

typedef enum {
    HAKO_VIEWER_TARGET_ERROR_INVALID_URI,     /* a bad display address or connection URI */
    HAKO_VIEWER_TARGET_ERROR_INVALID_DOMAIN,  /* no guest named */
    HAKO_VIEWER_TARGET_ERROR_UNREADABLE_FILE, /* the .vv file could not be read */
    HAKO_VIEWER_TARGET_ERROR_INVALID_FILE,    /* not a key file, or no [virt-viewer] group */
    HAKO_VIEWER_TARGET_ERROR_MISSING_KEY,     /* no type, host or port */
    HAKO_VIEWER_TARGET_ERROR_INVALID_VALUE,   /* a key with a value of the wrong kind */
    HAKO_VIEWER_TARGET_ERROR_NOT_SUPPORTED,   /* type=ovirt */
} HakoViewerTargetError;

GQuark hako_viewer_target_error_quark(void);

/* Where the target came from. */
typedef enum {
    HAKO_VIEWER_TARGET_KIND_DOMAIN, /* a libvirt guest: its display is read from its XML */
    HAKO_VIEWER_TARGET_KIND_URI,    /* vnc://, spice://, spice+tls:// or spice+unix:// */
    HAKO_VIEWER_TARGET_KIND_FILE,   /* a .vv connection file, or its text from stdin */
} HakoViewerTargetKind;

typedef enum {
    HAKO_VIEWER_PROTOCOL_NONE, /* not known yet: a guest, until its XML is read */
    HAKO_VIEWER_PROTOCOL_VNC,
    HAKO_VIEWER_PROTOCOL_SPICE,
} HakoViewerProtocol;

/* The actions a .vv file may bind to a key, in virt-viewer's hotkey syntax ("shift+f11"). */
typedef enum {
    HAKO_VIEWER_HOTKEY_TOGGLE_FULLSCREEN,
    HAKO_VIEWER_HOTKEY_RELEASE_CURSOR,
    HAKO_VIEWER_HOTKEY_ZOOM_IN,
    HAKO_VIEWER_HOTKEY_ZOOM_OUT,
    HAKO_VIEWER_HOTKEY_ZOOM_RESET,
    HAKO_VIEWER_HOTKEY_SECURE_ATTENTION,
    HAKO_VIEWER_HOTKEY_SMARTCARD_INSERT,
    HAKO_VIEWER_HOTKEY_SMARTCARD_REMOVE,
    HAKO_VIEWER_HOTKEY_USB_DEVICE_RESET,
    HAKO_N_VIEWER_HOTKEYS,
} HakoViewerHotkey;

#define HAKO_TYPE_VIEWER_TARGET (hako_viewer_target_get_type())
G_DECLARE_FINAL_TYPE(HakoViewerTarget, hako_viewer_target, HAKO, VIEWER_TARGET, GObject)

HakoViewerTarget *
hako_viewer_target_new_for_argument(const char *argument, const char *connect_uri, GError **error);
HakoViewerTarget *
hako_viewer_target_new_domain(const char *connect_uri, const char *domain, GError **error);
HakoViewerTarget *hako_viewer_target_parse_uri(const char *uri, GError **error);
HakoViewerTarget *hako_viewer_target_load_vv_file(const char *path, GError **error);
HakoViewerTarget *hako_viewer_target_load_vv_data(const char *data, gssize length, GError **error);

HakoViewerTargetKind hako_viewer_target_get_kind(HakoViewerTarget *self);
HakoViewerProtocol hako_viewer_target_get_protocol(HakoViewerTarget *self);
gboolean hako_viewer_target_is_set(HakoViewerTarget *self, const char *key);

const char *hako_viewer_target_get_connect_uri(HakoViewerTarget *self);
const char *hako_viewer_target_get_domain(HakoViewerTarget *self);
const char *hako_viewer_target_get_uri(HakoViewerTarget *self);
const char *hako_viewer_target_get_path(HakoViewerTarget *self);

const char *hako_viewer_target_get_host(HakoViewerTarget *self);
guint hako_viewer_target_get_port(HakoViewerTarget *self);
guint hako_viewer_target_get_tls_port(HakoViewerTarget *self);
const char *hako_viewer_target_get_unix_path(HakoViewerTarget *self);
const char *hako_viewer_target_get_username(HakoViewerTarget *self);
const char *hako_viewer_target_get_password(HakoViewerTarget *self);
const char *hako_viewer_target_get_proxy(HakoViewerTarget *self);
const char *hako_viewer_target_get_ca(HakoViewerTarget *self);
const char *hako_viewer_target_get_host_subject(HakoViewerTarget *self);
const char *hako_viewer_target_get_tls_ciphers(HakoViewerTarget *self);
const char *const *hako_viewer_target_get_secure_channels(HakoViewerTarget *self);
const char *const *hako_viewer_target_get_disable_channels(HakoViewerTarget *self);

const char *hako_viewer_target_get_title(HakoViewerTarget *self);
gboolean hako_viewer_target_get_fullscreen(HakoViewerTarget *self);
gboolean hako_viewer_target_get_delete_this_file(HakoViewerTarget *self);
int hako_viewer_target_get_color_depth(HakoViewerTarget *self);
const char *const *hako_viewer_target_get_disable_effects(HakoViewerTarget *self);
const char *hako_viewer_target_get_hotkey(HakoViewerTarget *self, HakoViewerHotkey hotkey);

gboolean hako_viewer_target_get_enable_smartcard(HakoViewerTarget *self);
gboolean hako_viewer_target_get_enable_usbredir(HakoViewerTarget *self);
gboolean hako_viewer_target_get_enable_usb_autoshare(HakoViewerTarget *self);
const char *hako_viewer_target_get_usb_filter(HakoViewerTarget *self);
const char *hako_viewer_target_get_usb_redirect_on_connect(HakoViewerTarget *self);

const char *hako_viewer_target_get_version(HakoViewerTarget *self);
const char *hako_viewer_target_get_versions(HakoViewerTarget *self);
const char *hako_viewer_target_get_newer_version_url(HakoViewerTarget *self);

const char *hako_viewer_hotkey_to_key(HakoViewerHotkey hotkey);

G_END_DECLS
