/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoViewerTarget: what hako-viewer is asked to open, parsed from its command-line argument. */
#include "config.h"

#include "hako-viewer-target.h"

#include "hako-host.h"

#include <gio/gio.h>
#include <glib/gi18n.h>
#include <string.h>

/* The group of a .vv file that holds the connection, as virt-viewer writes it. */
#define VV_GROUP "virt-viewer"

/* Real .vv files are a few kilobytes, a CA included; anything far larger is not one, and a
 * device such as /dev/zero must not be read until memory runs out. */
#define VV_MAX_SIZE (1024 * 1024)

/* Values quoted in error messages are cut to this many characters. */
#define QUOTE_MAX_CHARS 80

#define VNC_DEFAULT_PORT 5900

struct _HakoViewerTarget {
    GObject parent_instance;

    HakoViewerTargetKind kind;
    HakoViewerProtocol protocol;
    GHashTable *set_keys; /* the .vv key names the target gave (static strings) */

    char *connect_uri;
    char *domain;
    char *uri;
    char *path;

    char *host;
    guint port;
    guint tls_port;
    char *unix_path;
    char *username;
    char *password;
    char *proxy;
    char *ca;
    char *host_subject;
    char *tls_ciphers;
    char **secure_channels;
    char **disable_channels;

    char *title;
    gboolean fullscreen;
    gboolean delete_this_file;
    int color_depth;
    char **disable_effects;
    char *hotkeys[HAKO_N_VIEWER_HOTKEYS];

    gboolean enable_smartcard;
    gboolean enable_usbredir;
    gboolean enable_usb_autoshare;
    char *usb_filter;
    char *usb_redirect_on_connect;

    char *version;
    char *versions;
    char *newer_version_url;
};

/* An immutable value built by the constructors below: it has getters but no properties,
 * since nothing about it ever changes or needs notifying. */
G_DEFINE_FINAL_TYPE(HakoViewerTarget, hako_viewer_target, G_TYPE_OBJECT)

G_DEFINE_QUARK(hako - viewer - target - error - quark, hako_viewer_target_error)

/* The .vv keys of the hotkeys, in HakoViewerHotkey order. */
static const char *const hotkey_keys[HAKO_N_VIEWER_HOTKEYS] = {
    "toggle-fullscreen", "release-cursor",   "zoom-in",          "zoom-out",         "zoom-reset",
    "secure-attention",  "smartcard-insert", "smartcard-remove", "usb-device-reset",
};

typedef enum {
    VV_STRING,
    VV_LIST,
    VV_BOOLEAN,
    VV_PORT,
    VV_COLOR_DEPTH,
} VvKeyKind;

typedef struct {
    const char *key;
    VvKeyKind kind;
    gsize offset;
} VvKey;

#define VV_FIELD(member) G_STRUCT_OFFSET(HakoViewerTarget, member)

/* Every [virt-viewer] key Hako reads besides "type"; others are ignored, as virt-viewer does. */
static const VvKey vv_keys[] = {
    {"host", VV_STRING, VV_FIELD(host)},
    {"port", VV_PORT, VV_FIELD(port)},
    {"tls-port", VV_PORT, VV_FIELD(tls_port)},
    {"unix-path", VV_STRING, VV_FIELD(unix_path)},
    {"username", VV_STRING, VV_FIELD(username)},
    {"password", VV_STRING, VV_FIELD(password)},
    {"proxy", VV_STRING, VV_FIELD(proxy)},
    {"ca", VV_STRING, VV_FIELD(ca)},
    {"host-subject", VV_STRING, VV_FIELD(host_subject)},
    {"tls-ciphers", VV_STRING, VV_FIELD(tls_ciphers)},
    {"secure-channels", VV_LIST, VV_FIELD(secure_channels)},
    {"disable-channels", VV_LIST, VV_FIELD(disable_channels)},
    {"title", VV_STRING, VV_FIELD(title)},
    {"fullscreen", VV_BOOLEAN, VV_FIELD(fullscreen)},
    {"delete-this-file", VV_BOOLEAN, VV_FIELD(delete_this_file)},
    {"color-depth", VV_COLOR_DEPTH, VV_FIELD(color_depth)},
    {"disable-effects", VV_LIST, VV_FIELD(disable_effects)},
    {"toggle-fullscreen", VV_STRING, VV_FIELD(hotkeys[HAKO_VIEWER_HOTKEY_TOGGLE_FULLSCREEN])},
    {"release-cursor", VV_STRING, VV_FIELD(hotkeys[HAKO_VIEWER_HOTKEY_RELEASE_CURSOR])},
    {"zoom-in", VV_STRING, VV_FIELD(hotkeys[HAKO_VIEWER_HOTKEY_ZOOM_IN])},
    {"zoom-out", VV_STRING, VV_FIELD(hotkeys[HAKO_VIEWER_HOTKEY_ZOOM_OUT])},
    {"zoom-reset", VV_STRING, VV_FIELD(hotkeys[HAKO_VIEWER_HOTKEY_ZOOM_RESET])},
    {"secure-attention", VV_STRING, VV_FIELD(hotkeys[HAKO_VIEWER_HOTKEY_SECURE_ATTENTION])},
    {"smartcard-insert", VV_STRING, VV_FIELD(hotkeys[HAKO_VIEWER_HOTKEY_SMARTCARD_INSERT])},
    {"smartcard-remove", VV_STRING, VV_FIELD(hotkeys[HAKO_VIEWER_HOTKEY_SMARTCARD_REMOVE])},
    {"usb-device-reset", VV_STRING, VV_FIELD(hotkeys[HAKO_VIEWER_HOTKEY_USB_DEVICE_RESET])},
    {"enable-smartcard", VV_BOOLEAN, VV_FIELD(enable_smartcard)},
    {"enable-usbredir", VV_BOOLEAN, VV_FIELD(enable_usbredir)},
    {"enable-usb-autoshare", VV_BOOLEAN, VV_FIELD(enable_usb_autoshare)},
    {"usb-filter", VV_STRING, VV_FIELD(usb_filter)},
    {"usb-redirect-on-connect", VV_STRING, VV_FIELD(usb_redirect_on_connect)},
    {"version", VV_STRING, VV_FIELD(version)},
    {"versions", VV_STRING, VV_FIELD(versions)},
    {"newer-version-url", VV_STRING, VV_FIELD(newer_version_url)},
};

static void
hako_viewer_target_finalize(GObject *object)
{
    HakoViewerTarget *self = HAKO_VIEWER_TARGET(object);

    g_hash_table_unref(self->set_keys);
    g_free(self->connect_uri);
    g_free(self->domain);
    g_free(self->uri);
    g_free(self->path);
    g_free(self->host);
    g_free(self->unix_path);
    g_free(self->username);
    g_free(self->password);
    g_free(self->proxy);
    g_free(self->ca);
    g_free(self->host_subject);
    g_free(self->tls_ciphers);
    g_strfreev(self->secure_channels);
    g_strfreev(self->disable_channels);
    g_free(self->title);
    g_strfreev(self->disable_effects);
    for (guint i = 0; i < HAKO_N_VIEWER_HOTKEYS; i++)
        g_free(self->hotkeys[i]);
    g_free(self->usb_filter);
    g_free(self->usb_redirect_on_connect);
    g_free(self->version);
    g_free(self->versions);
    g_free(self->newer_version_url);

    G_OBJECT_CLASS(hako_viewer_target_parent_class)->finalize(object);
}

static void
hako_viewer_target_class_init(HakoViewerTargetClass *klass)
{
    G_OBJECT_CLASS(klass)->finalize = hako_viewer_target_finalize;
}

static void
hako_viewer_target_init(HakoViewerTarget *self)
{
    self->set_keys = g_hash_table_new(g_str_hash, g_str_equal);
}

static HakoViewerTarget *
target_new(HakoViewerTargetKind kind)
{
    HakoViewerTarget *self = g_object_new(HAKO_TYPE_VIEWER_TARGET, NULL);

    self->kind = kind;
    return self;
}

/* @key must be a static string. */
static void
mark_set(HakoViewerTarget *self, const char *key)
{
    g_hash_table_add(self->set_keys, (gpointer)key);
}

/* Text from the input as it may appear inside a message: valid UTF-8, at most @max_chars. */
static char *
printable(const char *text, gssize length, glong max_chars)
{
    g_autofree char *valid = g_utf8_make_valid(text != NULL ? text : "", length);

    if (g_utf8_strlen(valid, -1) <= max_chars)
        return g_steal_pointer(&valid);
    *g_utf8_offset_to_pointer(valid, max_chars - 1) = '\0';
    return g_strconcat(valid, "…", NULL);
}

/* A value quoted in a message. */
static char *
quote(const char *text, gssize length)
{
    return printable(text, length, QUOTE_MAX_CHARS);
}

/* GLib's own message about the input (it may quote a whole line of a file, in any encoding). */
static char *
printable_message(const GError *error)
{
    return printable(error->message, -1, 4 * QUOTE_MAX_CHARS);
}

/* A TCP port: 1 to 65535 in plain decimal digits (no sign, no spaces). Returns 0 otherwise. */
static guint
parse_port(const char *text, gsize length)
{
    guint value = 0;

    if (length == 0 || length > 5)
        return 0;
    for (gsize i = 0; i < length; i++) {
        if (!g_ascii_isdigit(text[i]))
            return 0;
        value = value * 10 + (text[i] - '0');
    }
    return value <= 65535 ? value : 0;
}

/* Characters that cannot be part of a host name or address once the URI is split. */
static gboolean
host_is_valid(const char *host)
{
    if (!g_utf8_validate(host, -1, NULL))
        return FALSE;
    for (const char *p = host; *p != '\0'; p++) {
        if (g_ascii_isspace(*p) || g_ascii_iscntrl(*p) || strchr("/?#@[]", *p) != NULL)
            return FALSE;
    }
    return TRUE;
}

/* ---- vnc://, spice:// ---------------------------------------------------------------------- */

/* The address as messages quote it: error messages are shown and logged, so a password in
 * the query becomes "…". */
static char *
quote_uri(const char *uri)
{
    const char *query = strchr(uri, '?');
    g_autoptr(GString) shown = NULL;
    const char *p;

    if (query == NULL)
        return quote(uri, -1);
    shown = g_string_new_len(uri, query - uri + 1);
    for (p = query + 1; *p != '\0';) {
        gsize length = strcspn(p, "&;");

        if (g_str_has_prefix(p, "password="))
            g_string_append(shown, "password=…");
        else
            g_string_append_len(shown, p, length);
        p += length;
        if (*p != '\0')
            g_string_append_c(shown, *p++);
    }
    return quote(shown->str, shown->len);
}

static gboolean
unescape_into(const char *quoted_uri, const char *text, gssize length, char **out, GError **error)
{
    char *value = g_uri_unescape_segment(text, length >= 0 ? text + length : NULL, NULL);

    if (value == NULL) {
        g_set_error(error, HAKO_VIEWER_TARGET_ERROR, HAKO_VIEWER_TARGET_ERROR_INVALID_URI,
                    _("“%s” is not correctly escaped: write a per cent sign as “%%25”."),
                    quoted_uri);
        return FALSE;
    }
    g_free(*out);
    *out = value;
    return TRUE;
}

static gboolean
set_uri_port(HakoViewerTarget *self,
             const char *quoted_uri,
             const char *name,
             const char *text,
             gsize length,
             GError **error)
{
    gboolean tls = strcmp(name, "tls-port") == 0;
    guint *field = tls ? &self->tls_port : &self->port;
    guint port;

    if (*field != 0) {
        g_set_error(error, HAKO_VIEWER_TARGET_ERROR, HAKO_VIEWER_TARGET_ERROR_INVALID_URI,
                    _("“%s” gives “%s” more than once."), quoted_uri, name);
        return FALSE;
    }
    port = parse_port(text, length);
    if (port == 0) {
        g_autofree char *quoted = quote(text, length);

        if (tls)
            g_set_error(error, HAKO_VIEWER_TARGET_ERROR, HAKO_VIEWER_TARGET_ERROR_INVALID_URI,
                        _("The TLS port “%s” in “%s” is not a number from 1 to 65535."), quoted,
                        quoted_uri);
        else
            g_set_error(error, HAKO_VIEWER_TARGET_ERROR, HAKO_VIEWER_TARGET_ERROR_INVALID_URI,
                        _("The port “%s” in “%s” is not a number from 1 to 65535."), quoted,
                        quoted_uri);
        return FALSE;
    }
    *field = port;
    mark_set(self, tls ? "tls-port" : "port");
    return TRUE;
}

/* The query after "?": port, tls-port and password, separated by "&" or ";", as spice-gtk
 * reads them. Unknown options are an error there too, so a typo is not silently ignored. */
static gboolean
parse_uri_query(HakoViewerTarget *self, const char *quoted_uri, const char *query, GError **error)
{
    const char *p = query;

    while (*p != '\0') {
        gsize item_length = strcspn(p, "&;");
        const char *equals = memchr(p, '=', item_length);
        g_autofree char *name = NULL;
        const char *value;
        gsize value_length;

        if (item_length == 0) {
            p++;
            continue;
        }
        name = g_strndup(p, equals != NULL ? (gsize)(equals - p) : item_length);
        if (equals == NULL || equals + 1 == p + item_length) {
            g_autofree char *quoted = quote(name, -1);

            g_set_error(error, HAKO_VIEWER_TARGET_ERROR, HAKO_VIEWER_TARGET_ERROR_INVALID_URI,
                        _("The option “%s” in “%s” has no value: write it as option=value."),
                        quoted, quoted_uri);
            return FALSE;
        }
        value = equals + 1;
        value_length = p + item_length - value;

        if (strcmp(name, "port") == 0 || strcmp(name, "tls-port") == 0) {
            if (!set_uri_port(self, quoted_uri, name, value, value_length, error))
                return FALSE;
        } else if (strcmp(name, "password") == 0) {
            if (self->password != NULL) {
                g_set_error(error, HAKO_VIEWER_TARGET_ERROR, HAKO_VIEWER_TARGET_ERROR_INVALID_URI,
                            _("“%s” gives “%s” more than once."), quoted_uri, "password");
                return FALSE;
            }
            if (!unescape_into(quoted_uri, value, value_length, &self->password, error))
                return FALSE;
            mark_set(self, "password");
        } else {
            g_autofree char *quoted = quote(name, -1);

            g_set_error(error, HAKO_VIEWER_TARGET_ERROR, HAKO_VIEWER_TARGET_ERROR_INVALID_URI,
                        _("“%s” has the option “%s”, which Hako does not know: only port, "
                          "tls-port and password may follow the “?”."),
                        quoted_uri, quoted);
            return FALSE;
        }
        p += item_length;
    }
    return TRUE;
}

/* [USER@]HOST[:PORT] or [USER@][IPV6]:PORT. The port goes to tls-port for spice+tls://. */
static gboolean
parse_uri_authority(HakoViewerTarget *self,
                    const char *quoted_uri,
                    const char *authority,
                    gsize length,
                    gboolean tls,
                    GError **error)
{
    const char *end = authority + length;
    const char *at = g_strrstr_len(authority, length, "@");
    const char *host_start = at != NULL ? at + 1 : authority;
    const char *host_end;
    const char *port_start = NULL;

    if (at != NULL && at > authority) {
        if (!unescape_into(quoted_uri, authority, at - authority, &self->username, error))
            return FALSE;
        mark_set(self, "username");
    }

    if (host_start < end && *host_start == '[') {
        const char *close = memchr(host_start, ']', end - host_start);

        if (close == NULL) {
            g_set_error(error, HAKO_VIEWER_TARGET_ERROR, HAKO_VIEWER_TARGET_ERROR_INVALID_URI,
                        _("The host in “%s” has no closing “]”: write an IPv6 address in "
                          "brackets, as in vnc://[::1]:5900."),
                        quoted_uri);
            return FALSE;
        }
        if (close + 1 < end && close[1] != ':') {
            g_autofree char *quoted = quote(close + 1, end - close - 1);

            g_set_error(error, HAKO_VIEWER_TARGET_ERROR, HAKO_VIEWER_TARGET_ERROR_INVALID_URI,
                        _("“%s” has “%s” after the host, where only a colon and a port may "
                          "follow."),
                        quoted_uri, quoted);
            return FALSE;
        }
        if (close + 1 < end)
            port_start = close + 2;
        host_start++;
        host_end = close;
    } else {
        const char *colon = memchr(host_start, ':', end - host_start);

        if (colon != NULL && memchr(colon + 1, ':', end - colon - 1) != NULL) {
            g_set_error(error, HAKO_VIEWER_TARGET_ERROR, HAKO_VIEWER_TARGET_ERROR_INVALID_URI,
                        _("The host in “%s” looks like an IPv6 address: put it in brackets, as "
                          "in vnc://[::1]:5900."),
                        quoted_uri);
            return FALSE;
        }
        host_end = colon != NULL ? colon : end;
        if (colon != NULL)
            port_start = colon + 1;
    }

    if (host_end == host_start) {
        g_set_error(error, HAKO_VIEWER_TARGET_ERROR, HAKO_VIEWER_TARGET_ERROR_INVALID_URI,
                    _("“%s” names no host: give one, as in vnc://HOST:5900."), quoted_uri);
        return FALSE;
    }
    if (!unescape_into(quoted_uri, host_start, host_end - host_start, &self->host, error))
        return FALSE;
    if (*self->host == '\0' || !host_is_valid(self->host)) {
        g_autofree char *quoted = quote(self->host, -1);

        g_set_error(error, HAKO_VIEWER_TARGET_ERROR, HAKO_VIEWER_TARGET_ERROR_INVALID_URI,
                    _("The host “%s” in “%s” is not a valid host name or address."), quoted,
                    quoted_uri);
        return FALSE;
    }
    mark_set(self, "host");

    if (port_start != NULL && !set_uri_port(self, quoted_uri, tls ? "tls-port" : "port", port_start,
                                            end - port_start, error))
        return FALSE;
    return TRUE;
}

/**
 * hako_viewer_target_parse_uri:
 * @uri: a display address, as remote-viewer takes it
 * @error: return location for a #HAKO_VIEWER_TARGET_ERROR
 *
 * Parses a display address:
 *
 * - `vnc://[USER@]HOST[:PORT]`: the port defaults to 5900. As in remote-viewer, the number is
 *   a TCP port, not a VNC display number: `vnc://host:5901` is port 5901 (display 1), and
 *   `vnc://host:1` is port 1.
 * - `spice://[USER@]HOST[:PORT][?port=N&tls-port=N&password=SECRET]`, as spice-gtk reads it:
 *   a plain or a TLS port (or both) is required, options may also be separated by ";", and
 *   values may be %-escaped.
 * - `spice+tls://HOST:PORT`, where the port is the TLS port, and `spice+unix:///PATH` for a
 *   local socket.
 *
 * An IPv6 address goes in brackets (`vnc://[::1]:5900`); the host is returned without them.
 * The scheme is case-insensitive; a path after the host is ignored, as spice-gtk does.
 *
 * Returns: (transfer full): a target of kind %HAKO_VIEWER_TARGET_KIND_URI, or %NULL with
 *   @error set to %HAKO_VIEWER_TARGET_ERROR_INVALID_URI
 */
HakoViewerTarget *
hako_viewer_target_parse_uri(const char *uri, GError **error)
{
    g_autoptr(HakoViewerTarget) self = NULL;
    g_autofree char *quoted_uri = NULL;
    const char *separator;
    const char *rest;
    const char *query;
    gsize authority_length;
    gboolean tls = FALSE;

    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    if (uri == NULL || *uri == '\0') {
        g_set_error_literal(error, HAKO_VIEWER_TARGET_ERROR, HAKO_VIEWER_TARGET_ERROR_INVALID_URI,
                            _("The address is empty: give one such as vnc://HOST:5900 or "
                              "spice://HOST:5900."));
        return NULL;
    }
    quoted_uri = quote_uri(uri);

    separator = strstr(uri, "://");
    if (separator == NULL || separator == uri) {
        g_set_error(error, HAKO_VIEWER_TARGET_ERROR, HAKO_VIEWER_TARGET_ERROR_INVALID_URI,
                    _("“%s” is not a display address: it should start with vnc:// or spice://."),
                    quoted_uri);
        return NULL;
    }

    self = target_new(HAKO_VIEWER_TARGET_KIND_URI);
    self->uri = g_strdup(uri);
    rest = separator + 3;
    {
        g_autofree char *scheme = g_ascii_strdown(uri, separator - uri);

        if (strcmp(scheme, "vnc") == 0) {
            self->protocol = HAKO_VIEWER_PROTOCOL_VNC;
        } else if (strcmp(scheme, "spice") == 0) {
            self->protocol = HAKO_VIEWER_PROTOCOL_SPICE;
        } else if (strcmp(scheme, "spice+tls") == 0) {
            self->protocol = HAKO_VIEWER_PROTOCOL_SPICE;
            tls = TRUE;
        } else if (strcmp(scheme, "spice+unix") == 0) {
            self->protocol = HAKO_VIEWER_PROTOCOL_SPICE;
            mark_set(self, "type");
            /* spice+unix:///run/guest.sock: the path, unescaped; there is no host. */
            if (*rest == '\0' || (*rest == '/' && rest[1] == '\0')) {
                g_set_error(error, HAKO_VIEWER_TARGET_ERROR, HAKO_VIEWER_TARGET_ERROR_INVALID_URI,
                            _("“%s” names no socket: give its path, as in "
                              "spice+unix:///run/spice.sock."),
                            quoted_uri);
                return NULL;
            }
            if (!unescape_into(quoted_uri, rest, -1, &self->unix_path, error))
                return NULL;
            mark_set(self, "unix-path");
            return g_steal_pointer(&self);
        } else {
            g_autofree char *quoted = quote(scheme, -1);

            g_set_error(error, HAKO_VIEWER_TARGET_ERROR, HAKO_VIEWER_TARGET_ERROR_INVALID_URI,
                        _("“%s” uses the scheme “%s”, which Hako cannot open: use vnc://, "
                          "spice://, spice+tls:// or spice+unix://."),
                        quoted_uri, quoted);
            return NULL;
        }
    }
    mark_set(self, "type");

    authority_length = strcspn(rest, "/?");
    query = strchr(rest + authority_length, '?');
    if (!parse_uri_authority(self, quoted_uri, rest, authority_length, tls, error))
        return NULL;
    if (query != NULL && !parse_uri_query(self, quoted_uri, query + 1, error))
        return NULL;

    if (self->protocol == HAKO_VIEWER_PROTOCOL_VNC) {
        /* gtk-vnc negotiates TLS on its one port. */
        if (self->tls_port != 0) {
            g_set_error(error, HAKO_VIEWER_TARGET_ERROR, HAKO_VIEWER_TARGET_ERROR_INVALID_URI,
                        _("“%s” gives a TLS port, but VNC has none: give the one port as "
                          "vnc://HOST:PORT."),
                        quoted_uri);
            return NULL;
        }
        if (self->port == 0)
            self->port = VNC_DEFAULT_PORT;
    } else if (self->port == 0 && self->tls_port == 0) {
        g_set_error(error, HAKO_VIEWER_TARGET_ERROR, HAKO_VIEWER_TARGET_ERROR_INVALID_URI,
                    _("“%s” gives no port: add one, as in spice://HOST:5900 or "
                      "spice://HOST?tls-port=5901."),
                    quoted_uri);
        return NULL;
    }
    return g_steal_pointer(&self);
}

/* ---- .vv files ------------------------------------------------------------------------------ */

/* 1/0 as virt-viewer writes them, and true/false as GKeyFile does. */
static gboolean
parse_boolean(const char *text, gboolean *value)
{
    if (strcmp(text, "1") == 0 || g_ascii_strcasecmp(text, "true") == 0) {
        *value = TRUE;
        return TRUE;
    }
    if (strcmp(text, "0") == 0 || g_ascii_strcasecmp(text, "false") == 0) {
        *value = FALSE;
        return TRUE;
    }
    return FALSE;
}

static void
set_unreadable_value_error(GError **error, const char *key, const GError *key_file_error)
{
    g_autofree char *message = NULL;

    /* GLib's message for this case quotes the value, which may be the password. */
    if (g_error_matches(key_file_error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_UNKNOWN_ENCODING)) {
        g_set_error(error, HAKO_VIEWER_TARGET_ERROR, HAKO_VIEWER_TARGET_ERROR_INVALID_VALUE,
                    _("The value of “%s” in the connection file is not UTF-8 text."), key);
        return;
    }
    message = printable_message(key_file_error);
    g_set_error(error, HAKO_VIEWER_TARGET_ERROR, HAKO_VIEWER_TARGET_ERROR_INVALID_VALUE,
                _("The value of “%s” in the connection file cannot be read: %s"), key, message);
}

static gboolean
read_vv_key(HakoViewerTarget *self, GKeyFile *file, const VvKey *spec, GError **error)
{
    gpointer field = G_STRUCT_MEMBER_P(self, spec->offset);
    g_autoptr(GError) local_error = NULL;
    g_autofree char *raw = NULL;
    g_autofree char *quoted = NULL;
    const char *text;

    if (!g_key_file_has_key(file, VV_GROUP, spec->key, NULL))
        return TRUE;
    raw = g_key_file_get_value(file, VV_GROUP, spec->key, &local_error);
    if (raw == NULL) {
        set_unreadable_value_error(error, spec->key, local_error);
        return FALSE;
    }
    text = g_strstrip(raw);
    /* "port=" or "fullscreen=" says nothing: leave the setting unset rather than refuse it. */
    if (*text == '\0' && spec->kind != VV_STRING && spec->kind != VV_LIST)
        return TRUE;

    switch (spec->kind) {
    case VV_STRING: {
        char *value = g_key_file_get_string(file, VV_GROUP, spec->key, &local_error);

        if (local_error != NULL) {
            set_unreadable_value_error(error, spec->key, local_error);
            return FALSE;
        }
        g_free(*(char **)field);
        *(char **)field = value;
        break;
    }
    case VV_LIST: {
        char **value = g_key_file_get_string_list(file, VV_GROUP, spec->key, NULL, &local_error);

        if (local_error != NULL) {
            set_unreadable_value_error(error, spec->key, local_error);
            return FALSE;
        }
        if (value == NULL)
            value = g_new0(char *, 1);
        g_strfreev(*(char ***)field);
        *(char ***)field = value;
        break;
    }
    case VV_BOOLEAN:
        if (!parse_boolean(text, (gboolean *)field)) {
            quoted = quote(text, -1);
            g_set_error(error, HAKO_VIEWER_TARGET_ERROR, HAKO_VIEWER_TARGET_ERROR_INVALID_VALUE,
                        _("“%s=%s” in the connection file is not a yes-or-no value: write 1 or "
                          "0."),
                        spec->key, quoted);
            return FALSE;
        }
        break;
    case VV_PORT:
        /* oVirt writes port=-1 for a guest that only listens with TLS: no port, not a bad one. */
        if (strcmp(text, "-1") == 0)
            return TRUE;
        *(guint *)field = parse_port(text, strlen(text));
        if (*(guint *)field == 0) {
            quoted = quote(text, -1);
            g_set_error(error, HAKO_VIEWER_TARGET_ERROR, HAKO_VIEWER_TARGET_ERROR_INVALID_VALUE,
                        _("“%s=%s” in the connection file is not a port number from 1 to "
                          "65535."),
                        spec->key, quoted);
            return FALSE;
        }
        break;
    case VV_COLOR_DEPTH: {
        /* spice-gtk's range; 0 leaves the depth to the guest. */
        guint64 depth = 0;

        if (!g_ascii_string_to_unsigned(text, 10, 0, 32, &depth, NULL)) {
            quoted = quote(text, -1);
            g_set_error(error, HAKO_VIEWER_TARGET_ERROR, HAKO_VIEWER_TARGET_ERROR_INVALID_VALUE,
                        _("“%s=%s” in the connection file is not a color depth from 0 to 32."),
                        spec->key, quoted);
            return FALSE;
        }
        *(int *)field = (int)depth;
        break;
    }
    default:
        g_assert_not_reached();
    }
    mark_set(self, spec->key);
    return TRUE;
}

static gboolean
read_vv_type(HakoViewerTarget *self, GKeyFile *file, GError **error)
{
    g_autoptr(GError) local_error = NULL;
    g_autofree char *type = NULL;
    g_autofree char *quoted = NULL;

    if (!g_key_file_has_key(file, VV_GROUP, "type", NULL)) {
        g_set_error_literal(error, HAKO_VIEWER_TARGET_ERROR, HAKO_VIEWER_TARGET_ERROR_MISSING_KEY,
                            _("The connection file does not say which kind of display to open: "
                              "add “type=spice” or “type=vnc” to its [virt-viewer] group."));
        return FALSE;
    }
    type = g_key_file_get_string(file, VV_GROUP, "type", &local_error);
    if (type == NULL) {
        set_unreadable_value_error(error, "type", local_error);
        return FALSE;
    }
    g_strstrip(type);
    if (g_ascii_strcasecmp(type, "spice") == 0) {
        self->protocol = HAKO_VIEWER_PROTOCOL_SPICE;
    } else if (g_ascii_strcasecmp(type, "vnc") == 0) {
        self->protocol = HAKO_VIEWER_PROTOCOL_VNC;
    } else if (g_ascii_strcasecmp(type, "ovirt") == 0) {
        g_set_error_literal(error, HAKO_VIEWER_TARGET_ERROR, HAKO_VIEWER_TARGET_ERROR_NOT_SUPPORTED,
                            _("The connection file asks for an oVirt connection (“type=ovirt”), "
                              "which Hako does not support: open the guest’s SPICE or VNC "
                              "console file instead."));
        return FALSE;
    } else {
        quoted = quote(type, -1);
        g_set_error(error, HAKO_VIEWER_TARGET_ERROR, HAKO_VIEWER_TARGET_ERROR_INVALID_VALUE,
                    _("The connection file asks for the display type “%s”, which Hako does not "
                      "know: use “type=spice” or “type=vnc”."),
                    quoted);
        return FALSE;
    }
    mark_set(self, "type");
    return TRUE;
}

static gboolean
has_text(const char *text)
{
    return text != NULL && *text != '\0';
}

/**
 * hako_viewer_target_load_vv_data:
 * @data: the text of a .vv file, for example read from standard input for the argument `-`
 * @length: the length of @data in bytes, or -1 if it is nul-terminated
 * @error: return location for a #HAKO_VIEWER_TARGET_ERROR
 *
 * Reads a virt-viewer connection file: a key file whose `[virt-viewer]` group has a `type`
 * (`spice` or `vnc`), a `host` (unless a `proxy` or, for SPICE, a `unix-path` is given) and a
 * `port` or `tls-port` (SPICE may have either or both; `port=-1` means none, as oVirt writes
 * it). Booleans are 1/0 or true/false. The other keys virt-viewer defines are read and kept;
 * unknown keys and groups (such as `[ovirt]`) are ignored.
 *
 * `delete-this-file` is only reported: deleting the file is up to the caller, as in
 * remote-viewer.
 *
 * Returns: (transfer full): a target of kind %HAKO_VIEWER_TARGET_KIND_FILE, or %NULL with
 *   @error set
 */
HakoViewerTarget *
hako_viewer_target_load_vv_data(const char *data, gssize length, GError **error)
{
    g_autoptr(HakoViewerTarget) self = NULL;
    g_autoptr(GKeyFile) file = g_key_file_new();
    g_autoptr(GError) local_error = NULL;

    g_return_val_if_fail(data != NULL || length == 0, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    if (!g_key_file_load_from_data(file, data != NULL ? data : "",
                                   length < 0 ? (gsize)-1 : (gsize)length, G_KEY_FILE_NONE,
                                   &local_error)) {
        g_autofree char *message = printable_message(local_error);

        g_set_error(error, HAKO_VIEWER_TARGET_ERROR, HAKO_VIEWER_TARGET_ERROR_INVALID_FILE,
                    _("This is not a connection (.vv) file: %s"), message);
        return NULL;
    }
    if (!g_key_file_has_group(file, VV_GROUP)) {
        g_set_error_literal(error, HAKO_VIEWER_TARGET_ERROR, HAKO_VIEWER_TARGET_ERROR_INVALID_FILE,
                            _("This is not a connection (.vv) file: it has no [virt-viewer] "
                              "group. Check that it is the file the server offered."));
        return NULL;
    }

    self = target_new(HAKO_VIEWER_TARGET_KIND_FILE);
    if (!read_vv_type(self, file, error))
        return NULL;
    for (gsize i = 0; i < G_N_ELEMENTS(vv_keys); i++) {
        if (!read_vv_key(self, file, &vv_keys[i], error))
            return NULL;
    }

    if (!has_text(self->host) && !has_text(self->proxy) &&
        !(self->protocol == HAKO_VIEWER_PROTOCOL_SPICE && has_text(self->unix_path))) {
        g_set_error_literal(error, HAKO_VIEWER_TARGET_ERROR, HAKO_VIEWER_TARGET_ERROR_MISSING_KEY,
                            _("The connection file gives no host to connect to: add a “host=” "
                              "line to its [virt-viewer] group."));
        return NULL;
    }
    if (self->protocol == HAKO_VIEWER_PROTOCOL_VNC && self->port == 0) {
        g_set_error_literal(error, HAKO_VIEWER_TARGET_ERROR, HAKO_VIEWER_TARGET_ERROR_MISSING_KEY,
                            _("The connection file gives no port to connect to: add a “port=” "
                              "line to its [virt-viewer] group."));
        return NULL;
    }
    if (self->protocol == HAKO_VIEWER_PROTOCOL_SPICE && self->port == 0 && self->tls_port == 0 &&
        !has_text(self->unix_path)) {
        g_set_error_literal(error, HAKO_VIEWER_TARGET_ERROR, HAKO_VIEWER_TARGET_ERROR_MISSING_KEY,
                            _("The connection file gives no port to connect to: add a “port=” or "
                              "“tls-port=” line to its [virt-viewer] group."));
        return NULL;
    }
    return g_steal_pointer(&self);
}

/**
 * hako_viewer_target_load_vv_file:
 * @path: the path of a .vv file
 * @error: return location for a #HAKO_VIEWER_TARGET_ERROR
 *
 * Reads @path as hako_viewer_target_load_vv_data() does. The argument `-` (standard input)
 * is for the caller to read and pass to hako_viewer_target_load_vv_data().
 *
 * Returns: (transfer full): a target of kind %HAKO_VIEWER_TARGET_KIND_FILE, or %NULL with
 *   @error set (%HAKO_VIEWER_TARGET_ERROR_UNREADABLE_FILE if it could not be read)
 */
HakoViewerTarget *
hako_viewer_target_load_vv_file(const char *path, GError **error)
{
    g_autoptr(GFile) file = NULL;
    g_autoptr(GFileInputStream) stream = NULL;
    g_autoptr(GError) local_error = NULL;
    g_autofree char *data = NULL;
    g_autofree char *display_name = NULL;
    HakoViewerTarget *self;
    gsize length = 0;

    g_return_val_if_fail(path != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    display_name = g_filename_display_name(path);
    file = g_file_new_for_path(path);
    stream = g_file_read(file, NULL, &local_error);
    data = g_malloc(VV_MAX_SIZE + 1);
    if (stream == NULL || !g_input_stream_read_all(G_INPUT_STREAM(stream), data, VV_MAX_SIZE + 1,
                                                   &length, NULL, &local_error)) {
        g_set_error(error, HAKO_VIEWER_TARGET_ERROR, HAKO_VIEWER_TARGET_ERROR_UNREADABLE_FILE,
                    _("Could not read “%s”: %s"), display_name, local_error->message);
        return NULL;
    }
    if (length > VV_MAX_SIZE) {
        g_set_error(error, HAKO_VIEWER_TARGET_ERROR, HAKO_VIEWER_TARGET_ERROR_INVALID_FILE,
                    _("“%s” is too large to be a connection (.vv) file."), display_name);
        return NULL;
    }

    self = hako_viewer_target_load_vv_data(data, length, error);
    if (self != NULL)
        self->path = g_strdup(path);
    return self;
}

/* ---- guests --------------------------------------------------------------------------------- */

/**
 * hako_viewer_target_new_domain:
 * @connect_uri: (nullable): the libvirt connection URI, or %NULL (or "") for the default one
 * @domain: the guest's name, ID or UUID, as virt-viewer takes it
 * @error: return location for a #HAKO_VIEWER_TARGET_ERROR
 *
 * A guest to look up on a libvirt connection; its display (type, host, ports) comes from
 * its XML once found, so the protocol is %HAKO_VIEWER_PROTOCOL_NONE here.
 *
 * Returns: (transfer full): a target of kind %HAKO_VIEWER_TARGET_KIND_DOMAIN, or %NULL with
 *   @error set if @domain is empty or @connect_uri is not a valid connection URI
 */
HakoViewerTarget *
hako_viewer_target_new_domain(const char *connect_uri, const char *domain, GError **error)
{
    HakoViewerTarget *self;
    g_autoptr(GError) local_error = NULL;

    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    if (domain == NULL || *domain == '\0') {
        g_set_error_literal(error, HAKO_VIEWER_TARGET_ERROR,
                            HAKO_VIEWER_TARGET_ERROR_INVALID_DOMAIN,
                            _("No virtual machine was named: give its name, ID or UUID."));
        return NULL;
    }
    if (has_text(connect_uri) && !hako_uri_validate(connect_uri, &local_error)) {
        g_set_error_literal(error, HAKO_VIEWER_TARGET_ERROR, HAKO_VIEWER_TARGET_ERROR_INVALID_URI,
                            local_error->message);
        return NULL;
    }

    self = target_new(HAKO_VIEWER_TARGET_KIND_DOMAIN);
    self->connect_uri = has_text(connect_uri) ? g_strdup(connect_uri) : NULL;
    self->domain = g_strdup(domain);
    return self;
}

static gboolean
names_vv_file(const char *argument)
{
    gsize length = strlen(argument);

    return strchr(argument, '/') != NULL ||
           (length > 3 && g_ascii_strcasecmp(argument + length - 3, ".vv") == 0);
}

/**
 * hako_viewer_target_new_for_argument:
 * @argument: hako-viewer's positional argument
 * @connect_uri: (nullable): the libvirt connection URI given with `--connect`, for a guest
 * @error: return location for a #HAKO_VIEWER_TARGET_ERROR
 *
 * Decides what @argument names, without looking at the file system:
 *
 * - with "://", a display address (hako_viewer_target_parse_uri());
 * - with a "/" or ending in ".vv", a connection file (hako_viewer_target_load_vv_file()):
 *   libvirt does not allow "/" in guest names, so `./name` always means a file;
 * - otherwise a guest on @connect_uri (hako_viewer_target_new_domain()).
 *
 * `-` (a .vv file on standard input) is not handled here: the caller reads it and calls
 * hako_viewer_target_load_vv_data().
 *
 * Returns: (transfer full): the target, or %NULL with @error set
 */
HakoViewerTarget *
hako_viewer_target_new_for_argument(const char *argument, const char *connect_uri, GError **error)
{
    g_return_val_if_fail(g_strcmp0(argument, "-") != 0, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    if (argument != NULL && strstr(argument, "://") != NULL)
        return hako_viewer_target_parse_uri(argument, error);
    if (argument != NULL && names_vv_file(argument))
        return hako_viewer_target_load_vv_file(argument, error);
    return hako_viewer_target_new_domain(connect_uri, argument, error);
}

/* ---- getters -------------------------------------------------------------------------------- */

HakoViewerTargetKind
hako_viewer_target_get_kind(HakoViewerTarget *self)
{
    g_return_val_if_fail(HAKO_IS_VIEWER_TARGET(self), HAKO_VIEWER_TARGET_KIND_DOMAIN);

    return self->kind;
}

/**
 * hako_viewer_target_get_protocol:
 *
 * Returns: the display protocol (the `type` of a .vv file), or %HAKO_VIEWER_PROTOCOL_NONE
 *   for a guest
 */
HakoViewerProtocol
hako_viewer_target_get_protocol(HakoViewerTarget *self)
{
    g_return_val_if_fail(HAKO_IS_VIEWER_TARGET(self), HAKO_VIEWER_PROTOCOL_NONE);

    return self->protocol;
}

/**
 * hako_viewer_target_is_set:
 * @key: a .vv key name, such as "fullscreen" or "tls-port"
 *
 * Whether the target gave @key, as virt_viewer_file_is_set() tells: a setting that is not
 * set (a boolean's getter then returns %FALSE) leaves the viewer's own choice alone. An
 * address sets "type", "host" and whichever of "port", "tls-port", "password", "username"
 * and "unix-path" it holds; the default VNC port is not set.
 *
 * Returns: %TRUE if the target gave a value for @key
 */
gboolean
hako_viewer_target_is_set(HakoViewerTarget *self, const char *key)
{
    g_return_val_if_fail(HAKO_IS_VIEWER_TARGET(self), FALSE);
    g_return_val_if_fail(key != NULL, FALSE);

    return g_hash_table_contains(self->set_keys, key);
}

/**
 * hako_viewer_target_get_connect_uri:
 *
 * Returns: (nullable): the libvirt connection URI of a guest, %NULL for the default one
 */
const char *
hako_viewer_target_get_connect_uri(HakoViewerTarget *self)
{
    g_return_val_if_fail(HAKO_IS_VIEWER_TARGET(self), NULL);

    return self->connect_uri;
}

/**
 * hako_viewer_target_get_domain:
 *
 * Returns: (nullable): the name, ID or UUID of a guest, as given
 */
const char *
hako_viewer_target_get_domain(HakoViewerTarget *self)
{
    g_return_val_if_fail(HAKO_IS_VIEWER_TARGET(self), NULL);

    return self->domain;
}

/**
 * hako_viewer_target_get_uri:
 *
 * Returns: (nullable): the address a %HAKO_VIEWER_TARGET_KIND_URI target was parsed from
 */
const char *
hako_viewer_target_get_uri(HakoViewerTarget *self)
{
    g_return_val_if_fail(HAKO_IS_VIEWER_TARGET(self), NULL);

    return self->uri;
}

/**
 * hako_viewer_target_get_path:
 *
 * Returns: (nullable): the file a target was loaded from, %NULL if it came from data
 */
const char *
hako_viewer_target_get_path(HakoViewerTarget *self)
{
    g_return_val_if_fail(HAKO_IS_VIEWER_TARGET(self), NULL);

    return self->path;
}

const char *
hako_viewer_target_get_host(HakoViewerTarget *self)
{
    g_return_val_if_fail(HAKO_IS_VIEWER_TARGET(self), NULL);

    return self->host;
}

/**
 * hako_viewer_target_get_port:
 *
 * Returns: the plain (non-TLS) TCP port, 0 for none; 5900 for a VNC address without one
 */
guint
hako_viewer_target_get_port(HakoViewerTarget *self)
{
    g_return_val_if_fail(HAKO_IS_VIEWER_TARGET(self), 0);

    return self->port;
}

/**
 * hako_viewer_target_get_tls_port:
 *
 * Returns: the SPICE TLS port, 0 for none
 */
guint
hako_viewer_target_get_tls_port(HakoViewerTarget *self)
{
    g_return_val_if_fail(HAKO_IS_VIEWER_TARGET(self), 0);

    return self->tls_port;
}

const char *
hako_viewer_target_get_unix_path(HakoViewerTarget *self)
{
    g_return_val_if_fail(HAKO_IS_VIEWER_TARGET(self), NULL);

    return self->unix_path;
}

const char *
hako_viewer_target_get_username(HakoViewerTarget *self)
{
    g_return_val_if_fail(HAKO_IS_VIEWER_TARGET(self), NULL);

    return self->username;
}

const char *
hako_viewer_target_get_password(HakoViewerTarget *self)
{
    g_return_val_if_fail(HAKO_IS_VIEWER_TARGET(self), NULL);

    return self->password;
}

/**
 * hako_viewer_target_get_proxy:
 *
 * Returns: (nullable): the HTTP CONNECT proxy, such as "http://proxy:3128"
 */
const char *
hako_viewer_target_get_proxy(HakoViewerTarget *self)
{
    g_return_val_if_fail(HAKO_IS_VIEWER_TARGET(self), NULL);

    return self->proxy;
}

/**
 * hako_viewer_target_get_ca:
 *
 * Returns: (nullable): the CA certificate in PEM, its "\n" escapes turned into new lines
 */
const char *
hako_viewer_target_get_ca(HakoViewerTarget *self)
{
    g_return_val_if_fail(HAKO_IS_VIEWER_TARGET(self), NULL);

    return self->ca;
}

const char *
hako_viewer_target_get_host_subject(HakoViewerTarget *self)
{
    g_return_val_if_fail(HAKO_IS_VIEWER_TARGET(self), NULL);

    return self->host_subject;
}

const char *
hako_viewer_target_get_tls_ciphers(HakoViewerTarget *self)
{
    g_return_val_if_fail(HAKO_IS_VIEWER_TARGET(self), NULL);

    return self->tls_ciphers;
}

/**
 * hako_viewer_target_get_secure_channels:
 *
 * Returns: (nullable) (transfer none): the SPICE channels that must use TLS ("main",
 *   "inputs", …, or "all")
 */
const char *const *
hako_viewer_target_get_secure_channels(HakoViewerTarget *self)
{
    g_return_val_if_fail(HAKO_IS_VIEWER_TARGET(self), NULL);

    return (const char *const *)self->secure_channels;
}

/**
 * hako_viewer_target_get_disable_channels:
 *
 * Returns: (nullable) (transfer none): the SPICE channels not to open
 */
const char *const *
hako_viewer_target_get_disable_channels(HakoViewerTarget *self)
{
    g_return_val_if_fail(HAKO_IS_VIEWER_TARGET(self), NULL);

    return (const char *const *)self->disable_channels;
}

const char *
hako_viewer_target_get_title(HakoViewerTarget *self)
{
    g_return_val_if_fail(HAKO_IS_VIEWER_TARGET(self), NULL);

    return self->title;
}

gboolean
hako_viewer_target_get_fullscreen(HakoViewerTarget *self)
{
    g_return_val_if_fail(HAKO_IS_VIEWER_TARGET(self), FALSE);

    return self->fullscreen;
}

/**
 * hako_viewer_target_get_delete_this_file:
 *
 * Returns: whether the .vv file asks to be deleted once read (the caller deletes it)
 */
gboolean
hako_viewer_target_get_delete_this_file(HakoViewerTarget *self)
{
    g_return_val_if_fail(HAKO_IS_VIEWER_TARGET(self), FALSE);

    return self->delete_this_file;
}

/**
 * hako_viewer_target_get_color_depth:
 *
 * Returns: the SPICE color depth in bits, 0 to leave it to the guest
 */
int
hako_viewer_target_get_color_depth(HakoViewerTarget *self)
{
    g_return_val_if_fail(HAKO_IS_VIEWER_TARGET(self), 0);

    return self->color_depth;
}

/**
 * hako_viewer_target_get_disable_effects:
 *
 * Returns: (nullable) (transfer none): the guest desktop effects to turn off ("wallpaper",
 *   "font-smooth", "animation" or "all")
 */
const char *const *
hako_viewer_target_get_disable_effects(HakoViewerTarget *self)
{
    g_return_val_if_fail(HAKO_IS_VIEWER_TARGET(self), NULL);

    return (const char *const *)self->disable_effects;
}

/**
 * hako_viewer_target_get_hotkey:
 * @hotkey: an action
 *
 * Returns: (nullable): the key the .vv file binds to @hotkey, in virt-viewer's syntax
 *   ("shift+f11"), or %NULL to keep the default
 */
const char *
hako_viewer_target_get_hotkey(HakoViewerTarget *self, HakoViewerHotkey hotkey)
{
    g_return_val_if_fail(HAKO_IS_VIEWER_TARGET(self), NULL);
    g_return_val_if_fail(hotkey < HAKO_N_VIEWER_HOTKEYS, NULL);

    return self->hotkeys[hotkey];
}

gboolean
hako_viewer_target_get_enable_smartcard(HakoViewerTarget *self)
{
    g_return_val_if_fail(HAKO_IS_VIEWER_TARGET(self), FALSE);

    return self->enable_smartcard;
}

gboolean
hako_viewer_target_get_enable_usbredir(HakoViewerTarget *self)
{
    g_return_val_if_fail(HAKO_IS_VIEWER_TARGET(self), FALSE);

    return self->enable_usbredir;
}

gboolean
hako_viewer_target_get_enable_usb_autoshare(HakoViewerTarget *self)
{
    g_return_val_if_fail(HAKO_IS_VIEWER_TARGET(self), FALSE);

    return self->enable_usb_autoshare;
}

/**
 * hako_viewer_target_get_usb_filter:
 *
 * Returns: (nullable): the USB auto-redirection filter, in spice-gtk's rule syntax
 *   ("class,vendor,product,version,allow|…")
 */
const char *
hako_viewer_target_get_usb_filter(HakoViewerTarget *self)
{
    g_return_val_if_fail(HAKO_IS_VIEWER_TARGET(self), NULL);

    return self->usb_filter;
}

/**
 * hako_viewer_target_get_usb_redirect_on_connect:
 *
 * Returns: (nullable): the filter of USB devices to redirect on connecting, in the syntax of
 *   hako_viewer_target_get_usb_filter()
 */
const char *
hako_viewer_target_get_usb_redirect_on_connect(HakoViewerTarget *self)
{
    g_return_val_if_fail(HAKO_IS_VIEWER_TARGET(self), NULL);

    return self->usb_redirect_on_connect;
}

/**
 * hako_viewer_target_get_version:
 *
 * Returns: (nullable): the oldest viewer version the .vv file accepts, as written
 */
const char *
hako_viewer_target_get_version(HakoViewerTarget *self)
{
    g_return_val_if_fail(HAKO_IS_VIEWER_TARGET(self), NULL);

    return self->version;
}

/**
 * hako_viewer_target_get_versions:
 *
 * Returns: (nullable): the oldest viewer version per client OS ("osid:version;…"), as written
 */
const char *
hako_viewer_target_get_versions(HakoViewerTarget *self)
{
    g_return_val_if_fail(HAKO_IS_VIEWER_TARGET(self), NULL);

    return self->versions;
}

const char *
hako_viewer_target_get_newer_version_url(HakoViewerTarget *self)
{
    g_return_val_if_fail(HAKO_IS_VIEWER_TARGET(self), NULL);

    return self->newer_version_url;
}

/**
 * hako_viewer_hotkey_to_key:
 * @hotkey: an action
 *
 * Returns: the .vv key of @hotkey, such as "release-cursor"
 */
const char *
hako_viewer_hotkey_to_key(HakoViewerHotkey hotkey)
{
    g_return_val_if_fail(hotkey < HAKO_N_VIEWER_HOTKEYS, NULL);

    return hotkey_keys[hotkey];
}
