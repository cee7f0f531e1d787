/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests of HakoViewerTarget: vnc:// and spice:// addresses, .vv files, guests, the
 * command-line argument, and every way the input can be wrong. */
#include "config.h"

#include "hako-viewer-target.h"

#include <glib/gstdio.h>
#include <locale.h>
#include <string.h>

/* An oVirt-style SPICE file: TLS only (port=-1), a CA with \n escapes, hotkeys, version
 * checks, a key Hako does not know and an [ovirt] group it ignores. */
static const char spice_vv[] =
    "[virt-viewer]\n"
    "type=spice\n"
    "host=192.0.2.7\n"
    "port=-1\n"
    "tls-port=5901\n"
    "password=s3cret\n"
    "title=Guest: web1 - Press %r to Release Cursor\n"
    "delete-this-file=1\n"
    "fullscreen=0\n"
    "toggle-fullscreen=shift+f11\n"
    "release-cursor=shift+f12\n"
    "secure-attention=ctrl+alt+end\n"
    "smartcard-insert=shift+f8\n"
    "smartcard-remove=shift+f9\n"
    "enable-smartcard=0\n"
    "enable-usbredir=true\n"
    "enable-usb-autoshare=1\n"
    "usb-filter=-1,-1,-1,-1,0\n"
    "usb-redirect-on-connect=0x03,-1,-1,-1,1|-1,-1,-1,-1,0\n"
    "color-depth=16\n"
    "disable-effects=wallpaper;animation\n"
    "tls-ciphers=DEFAULT\n"
    "host-subject=O=example.org,CN=192.0.2.7\n"
    "ca=-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\\n\n"
    "secure-channels=main;inputs;cursor;playback;record;display\n"
    "disable-channels=record\n"
    "proxy=http://proxy.example.org:3128\n"
    "versions=rhev-win64:2.0-160;rhev-win32:2.0-160\n"
    "newer-version-url=https://example.org/viewer\n"
    "x-vendor-extension=anything\n"
    "\n"
    "[ovirt]\n"
    "host=engine.example.org\n"
    "vm-guid=9f1bd2b2-0000-4000-8000-000000000001\n";

static const char vnc_vv[] = "# A comment\n"
                             "[virt-viewer]\n"
                             "type=vnc\n"
                             "host=vnc.example.org\n"
                             "port=5905\n"
                             "password=pw\n"
                             "title=Desktop\n"
                             "fullscreen=true\n";

/* The message must name what is wrong, in one valid UTF-8 string. */
static void
assert_names(const GError *error, const char *needle)
{
    g_assert_nonnull(error);
    g_assert_true(g_utf8_validate(error->message, -1, NULL));
    if (strstr(error->message, needle) == NULL)
        g_test_fail_printf("the message “%s” does not name “%s”", error->message, needle);
}

/* Unreffing a target must free it. */
static void
assert_finalizes(HakoViewerTarget *target)
{
    gpointer weak = target;

    g_object_add_weak_pointer(G_OBJECT(target), &weak);
    g_object_unref(target);
    g_assert_null(weak);
}

static void
test_uri_vnc(void)
{
    g_autoptr(GError) error = NULL;
    HakoViewerTarget *t = hako_viewer_target_parse_uri("vnc://vnc.example.org:5901", &error);

    g_assert_no_error(error);
    g_assert_cmpint(hako_viewer_target_get_kind(t), ==, HAKO_VIEWER_TARGET_KIND_URI);
    g_assert_cmpint(hako_viewer_target_get_protocol(t), ==, HAKO_VIEWER_PROTOCOL_VNC);
    g_assert_cmpstr(hako_viewer_target_get_uri(t), ==, "vnc://vnc.example.org:5901");
    g_assert_cmpstr(hako_viewer_target_get_host(t), ==, "vnc.example.org");
    /* A port, not display 5901. */
    g_assert_cmpuint(hako_viewer_target_get_port(t), ==, 5901);
    g_assert_cmpuint(hako_viewer_target_get_tls_port(t), ==, 0);
    g_assert_true(hako_viewer_target_is_set(t, "type"));
    g_assert_true(hako_viewer_target_is_set(t, "host"));
    g_assert_true(hako_viewer_target_is_set(t, "port"));
    g_assert_false(hako_viewer_target_is_set(t, "password"));
    g_assert_null(hako_viewer_target_get_password(t));
    g_assert_null(hako_viewer_target_get_path(t));
    g_assert_null(hako_viewer_target_get_domain(t));
    assert_finalizes(t);

    /* No port: 5900, as remote-viewer; a small number is a port too, not a display. */
    t = hako_viewer_target_parse_uri("vnc://host", &error);
    g_assert_no_error(error);
    g_assert_cmpuint(hako_viewer_target_get_port(t), ==, 5900);
    g_assert_false(hako_viewer_target_is_set(t, "port"));
    assert_finalizes(t);
    t = hako_viewer_target_parse_uri("VNC://Host:1/", &error);
    g_assert_no_error(error);
    g_assert_cmpint(hako_viewer_target_get_protocol(t), ==, HAKO_VIEWER_PROTOCOL_VNC);
    g_assert_cmpstr(hako_viewer_target_get_host(t), ==, "Host");
    g_assert_cmpuint(hako_viewer_target_get_port(t), ==, 1);
    assert_finalizes(t);

    t = hako_viewer_target_parse_uri("vnc://jo%40home@10.0.0.1:5900?password=a%26b", &error);
    g_assert_no_error(error);
    g_assert_cmpstr(hako_viewer_target_get_username(t), ==, "jo@home");
    g_assert_cmpstr(hako_viewer_target_get_host(t), ==, "10.0.0.1");
    g_assert_cmpstr(hako_viewer_target_get_password(t), ==, "a&b");
    g_assert_true(hako_viewer_target_is_set(t, "username"));
    assert_finalizes(t);
}

static void
test_uri_spice(void)
{
    g_autoptr(GError) error = NULL;
    HakoViewerTarget *t = hako_viewer_target_parse_uri(
        "spice://spice.example.org:5900?tls-port=5901&password=s%20cret", &error);

    g_assert_no_error(error);
    g_assert_cmpint(hako_viewer_target_get_kind(t), ==, HAKO_VIEWER_TARGET_KIND_URI);
    g_assert_cmpint(hako_viewer_target_get_protocol(t), ==, HAKO_VIEWER_PROTOCOL_SPICE);
    g_assert_cmpstr(hako_viewer_target_get_host(t), ==, "spice.example.org");
    g_assert_cmpuint(hako_viewer_target_get_port(t), ==, 5900);
    g_assert_cmpuint(hako_viewer_target_get_tls_port(t), ==, 5901);
    g_assert_cmpstr(hako_viewer_target_get_password(t), ==, "s cret");
    g_assert_true(hako_viewer_target_is_set(t, "tls-port"));
    g_assert_true(hako_viewer_target_is_set(t, "password"));
    assert_finalizes(t);

    /* TLS only; ";" separates options as spice-gtk allows. */
    t = hako_viewer_target_parse_uri("spice://h?tls-port=5901;password=x", &error);
    g_assert_no_error(error);
    g_assert_cmpuint(hako_viewer_target_get_port(t), ==, 0);
    g_assert_false(hako_viewer_target_is_set(t, "port"));
    g_assert_cmpuint(hako_viewer_target_get_tls_port(t), ==, 5901);
    g_assert_cmpstr(hako_viewer_target_get_password(t), ==, "x");
    assert_finalizes(t);

    t = hako_viewer_target_parse_uri("spice://h?port=5930", &error);
    g_assert_no_error(error);
    g_assert_cmpuint(hako_viewer_target_get_port(t), ==, 5930);
    assert_finalizes(t);

    /* spice+tls: the port is the TLS port. */
    t = hako_viewer_target_parse_uri("spice+tls://h:5901", &error);
    g_assert_no_error(error);
    g_assert_cmpint(hako_viewer_target_get_protocol(t), ==, HAKO_VIEWER_PROTOCOL_SPICE);
    g_assert_cmpuint(hako_viewer_target_get_port(t), ==, 0);
    g_assert_cmpuint(hako_viewer_target_get_tls_port(t), ==, 5901);
    assert_finalizes(t);

    t = hako_viewer_target_parse_uri("spice+unix:///run/guest%201.sock", &error);
    g_assert_no_error(error);
    g_assert_cmpint(hako_viewer_target_get_protocol(t), ==, HAKO_VIEWER_PROTOCOL_SPICE);
    g_assert_cmpstr(hako_viewer_target_get_unix_path(t), ==, "/run/guest 1.sock");
    g_assert_null(hako_viewer_target_get_host(t));
    assert_finalizes(t);
}

static void
test_uri_ipv6(void)
{
    const struct {
        const char *uri;
        const char *host;
        guint port;
        guint tls_port;
    } cases[] = {
        {"vnc://[::1]:5900", "::1", 5900, 0},
        {"vnc://[::1]", "::1", 5900, 0},
        {"vnc://[2001:db8::7]:5901", "2001:db8::7", 5901, 0},
        {"spice://[2001:db8::7]:5900?tls-port=5901", "2001:db8::7", 5900, 5901},
        {"spice://[::ffff:192.0.2.1]?tls-port=5901", "::ffff:192.0.2.1", 0, 5901},
        {"vnc://[fe80::1%25eth0]:5902", "fe80::1%eth0", 5902, 0},
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) error = NULL;
        HakoViewerTarget *t = hako_viewer_target_parse_uri(cases[i].uri, &error);

        g_test_message("%s", cases[i].uri);
        g_assert_no_error(error);
        g_assert_cmpstr(hako_viewer_target_get_host(t), ==, cases[i].host);
        g_assert_cmpuint(hako_viewer_target_get_port(t), ==, cases[i].port);
        g_assert_cmpuint(hako_viewer_target_get_tls_port(t), ==, cases[i].tls_port);
        assert_finalizes(t);
    }
}

static void
test_uri_bad(void)
{
    const struct {
        const char *uri;
        const char *named; /* what the message must name */
    } cases[] = {
        {"", "vnc://"},
        {"example.org:5900", "“example.org:5900”"},
        {"://h:5900", "“://h:5900”"},
        {"rdp://h:3389", "“rdp”"},
        {"qemu:///system", "“qemu”"},
        {"vnc://", "“vnc://”"},
        {"vnc://:5900", "“vnc://:5900”"},
        {"vnc://user@:5900", "“vnc://user@:5900”"},
        {"spice://?tls-port=5901", "“spice://?tls-port=5901”"},
        {"vnc://h:70000", "The port “70000” in “vnc://h:70000” is not a number from 1 to 65535."},
        {"vnc://h:0", "“0”"},
        {"vnc://h:abc", "“abc”"},
        {"vnc://h:", "The port “” in “vnc://h:”"},
        {"vnc://h:-1", "“-1”"},
        {"vnc://h:+5900", "“+5900”"},
        {"vnc://h:5900x", "“5900x”"},
        {"vnc://h:059000", "“059000”"},
        {"spice://h?tls-port=99999", "The TLS port “99999”"},
        {"spice://h:5900?tls-port=x1", "“x1”"},
        {"spice://h?port=0", "“0”"},
        {"spice://h", "“spice://h”"},
        {"spice://h/", "“spice://h/”"},
        {"spice+tls://h", "“spice+tls://h”"},
        {"spice://h:5900?foo=1", "“foo”"},
        {"spice://h:5900?password", "“password”"},
        {"spice://h:5900?tls-port=", "“tls-port”"},
        {"spice://h:5900?port=5901", "“port”"},
        {"spice://h?tls-port=1&tls-port=2", "“tls-port”"},
        {"spice://h:1?password=a&password=b", "“password”"},
        {"vnc://[::1:5900", "]"},
        {"vnc://::1:5900", "“vnc://::1:5900”"},
        {"vnc://[::1]x", "“x”"},
        {"vnc://[::1]:x", "“x”"},
        {"vnc://[]:5900", "“vnc://[]:5900”"},
        {"vnc://h%zz:5900", "“vnc://h%zz:5900”"},
        {"vnc://h%00:5900", "“vnc://h%00:5900”"},
        {"vnc://my host:5900", "“my host”"},
        {"vnc://h:5900?tls-port=5901", "“vnc://h:5900?tls-port=5901”"},
        {"spice+unix://", "“spice+unix://”"},
        {"spice+unix:///", "“spice+unix:///”"},
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) error = NULL;
        HakoViewerTarget *t = hako_viewer_target_parse_uri(cases[i].uri, &error);

        g_test_message("%s", cases[i].uri);
        g_assert_null(t);
        g_assert_error(error, HAKO_VIEWER_TARGET_ERROR, HAKO_VIEWER_TARGET_ERROR_INVALID_URI);
        assert_names(error, cases[i].named);
    }

    {
        g_autoptr(GError) error = NULL;

        g_assert_null(hako_viewer_target_parse_uri(NULL, &error));
        g_assert_error(error, HAKO_VIEWER_TARGET_ERROR, HAKO_VIEWER_TARGET_ERROR_INVALID_URI);
    }
}

/* Errors are shown and logged: a password given in the address never appears in them. */
static void
test_uri_password_hidden(void)
{
    g_autoptr(GError) error = NULL;

    g_assert_null(hako_viewer_target_parse_uri("spice://h:5900?password=hunter2&frob=1", &error));
    g_assert_error(error, HAKO_VIEWER_TARGET_ERROR, HAKO_VIEWER_TARGET_ERROR_INVALID_URI);
    assert_names(error, "“frob”");
    g_assert_null(strstr(error->message, "hunter2"));
    g_clear_error(&error);

    g_assert_null(hako_viewer_target_parse_uri("spice://h?password=hunter2", &error));
    g_assert_error(error, HAKO_VIEWER_TARGET_ERROR, HAKO_VIEWER_TARGET_ERROR_INVALID_URI);
    assert_names(error, "password=…");
    g_assert_null(strstr(error->message, "hunter2"));
    g_clear_error(&error);

    g_assert_null(hako_viewer_target_load_vv_data(
        "[virt-viewer]\ntype=spice\nhost=h\nport=1\npassword=hunter2\xff\n", -1, &error));
    g_assert_error(error, HAKO_VIEWER_TARGET_ERROR, HAKO_VIEWER_TARGET_ERROR_INVALID_VALUE);
    assert_names(error, "“password”");
    g_assert_null(strstr(error->message, "hunter2"));
}

static void
test_vv_spice(void)
{
    g_autoptr(GError) error = NULL;
    HakoViewerTarget *t = hako_viewer_target_load_vv_data(spice_vv, -1, &error);
    const char *const *channels;
    const char *const *effects;

    g_assert_no_error(error);
    g_assert_cmpint(hako_viewer_target_get_kind(t), ==, HAKO_VIEWER_TARGET_KIND_FILE);
    g_assert_cmpint(hako_viewer_target_get_protocol(t), ==, HAKO_VIEWER_PROTOCOL_SPICE);
    g_assert_null(hako_viewer_target_get_path(t));
    g_assert_cmpstr(hako_viewer_target_get_host(t), ==, "192.0.2.7");
    g_assert_cmpuint(hako_viewer_target_get_port(t), ==, 0);
    g_assert_false(hako_viewer_target_is_set(t, "port"));
    g_assert_cmpuint(hako_viewer_target_get_tls_port(t), ==, 5901);
    g_assert_cmpstr(hako_viewer_target_get_password(t), ==, "s3cret");
    g_assert_cmpstr(hako_viewer_target_get_title(t), ==,
                    "Guest: web1 - Press %r to Release Cursor");
    g_assert_true(hako_viewer_target_get_delete_this_file(t));
    g_assert_false(hako_viewer_target_get_fullscreen(t));
    g_assert_true(hako_viewer_target_is_set(t, "fullscreen"));
    g_assert_cmpstr(hako_viewer_target_get_hotkey(t, HAKO_VIEWER_HOTKEY_TOGGLE_FULLSCREEN), ==,
                    "shift+f11");
    g_assert_cmpstr(hako_viewer_target_get_hotkey(t, HAKO_VIEWER_HOTKEY_RELEASE_CURSOR), ==,
                    "shift+f12");
    g_assert_cmpstr(hako_viewer_target_get_hotkey(t, HAKO_VIEWER_HOTKEY_SECURE_ATTENTION), ==,
                    "ctrl+alt+end");
    g_assert_cmpstr(hako_viewer_target_get_hotkey(t, HAKO_VIEWER_HOTKEY_SMARTCARD_INSERT), ==,
                    "shift+f8");
    g_assert_cmpstr(hako_viewer_target_get_hotkey(t, HAKO_VIEWER_HOTKEY_SMARTCARD_REMOVE), ==,
                    "shift+f9");
    g_assert_null(hako_viewer_target_get_hotkey(t, HAKO_VIEWER_HOTKEY_ZOOM_IN));
    g_assert_false(hako_viewer_target_get_enable_smartcard(t));
    g_assert_true(hako_viewer_target_is_set(t, "enable-smartcard"));
    g_assert_true(hako_viewer_target_get_enable_usbredir(t));
    g_assert_true(hako_viewer_target_get_enable_usb_autoshare(t));
    g_assert_cmpstr(hako_viewer_target_get_usb_filter(t), ==, "-1,-1,-1,-1,0");
    g_assert_cmpstr(hako_viewer_target_get_usb_redirect_on_connect(t), ==,
                    "0x03,-1,-1,-1,1|-1,-1,-1,-1,0");
    g_assert_cmpint(hako_viewer_target_get_color_depth(t), ==, 16);
    effects = hako_viewer_target_get_disable_effects(t);
    g_assert_cmpuint(g_strv_length((char **)effects), ==, 2);
    g_assert_cmpstr(effects[0], ==, "wallpaper");
    g_assert_cmpstr(effects[1], ==, "animation");
    g_assert_cmpstr(hako_viewer_target_get_tls_ciphers(t), ==, "DEFAULT");
    g_assert_cmpstr(hako_viewer_target_get_host_subject(t), ==, "O=example.org,CN=192.0.2.7");
    g_assert_cmpstr(hako_viewer_target_get_ca(t), ==,
                    "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
    channels = hako_viewer_target_get_secure_channels(t);
    g_assert_cmpuint(g_strv_length((char **)channels), ==, 6);
    g_assert_cmpstr(channels[0], ==, "main");
    g_assert_cmpstr(channels[5], ==, "display");
    channels = hako_viewer_target_get_disable_channels(t);
    g_assert_cmpuint(g_strv_length((char **)channels), ==, 1);
    g_assert_cmpstr(channels[0], ==, "record");
    g_assert_cmpstr(hako_viewer_target_get_proxy(t), ==, "http://proxy.example.org:3128");
    g_assert_cmpstr(hako_viewer_target_get_versions(t), ==,
                    "rhev-win64:2.0-160;rhev-win32:2.0-160");
    g_assert_cmpstr(hako_viewer_target_get_newer_version_url(t), ==, "https://example.org/viewer");
    g_assert_null(hako_viewer_target_get_version(t));
    g_assert_null(hako_viewer_target_get_username(t));
    g_assert_false(hako_viewer_target_is_set(t, "username"));
    g_assert_false(hako_viewer_target_is_set(t, "x-vendor-extension"));
    assert_finalizes(t);
}

static void
test_vv_vnc(void)
{
    g_autoptr(GError) error = NULL;
    HakoViewerTarget *t = hako_viewer_target_load_vv_data(vnc_vv, strlen(vnc_vv), &error);

    g_assert_no_error(error);
    g_assert_cmpint(hako_viewer_target_get_protocol(t), ==, HAKO_VIEWER_PROTOCOL_VNC);
    g_assert_cmpstr(hako_viewer_target_get_host(t), ==, "vnc.example.org");
    g_assert_cmpuint(hako_viewer_target_get_port(t), ==, 5905);
    g_assert_cmpuint(hako_viewer_target_get_tls_port(t), ==, 0);
    g_assert_cmpstr(hako_viewer_target_get_password(t), ==, "pw");
    g_assert_cmpstr(hako_viewer_target_get_title(t), ==, "Desktop");
    g_assert_true(hako_viewer_target_get_fullscreen(t));
    /* Unset settings read as FALSE, 0 or NULL and say they are unset. */
    g_assert_false(hako_viewer_target_get_delete_this_file(t));
    g_assert_false(hako_viewer_target_is_set(t, "delete-this-file"));
    g_assert_false(hako_viewer_target_is_set(t, "enable-usbredir"));
    g_assert_cmpint(hako_viewer_target_get_color_depth(t), ==, 0);
    g_assert_null(hako_viewer_target_get_secure_channels(t));
    g_assert_null(hako_viewer_target_get_ca(t));
    assert_finalizes(t);
}

/* Settings that are valid in less common shapes. */
static void
test_vv_variants(void)
{
    const struct {
        const char *data;
        HakoViewerProtocol protocol;
        guint port;
        guint tls_port;
    } cases[] = {
        /* No host, but a proxy (the brief's rule) or a SPICE socket. */
        {"[virt-viewer]\ntype=spice\nproxy=http://p:3128\ntls-port=5901\n",
         HAKO_VIEWER_PROTOCOL_SPICE, 0, 5901},
        {"[virt-viewer]\ntype=spice\nunix-path=/run/spice.sock\n", HAKO_VIEWER_PROTOCOL_SPICE, 0,
         0},
        /* Case and spaces around the type; empty values leave settings unset. */
        {"[virt-viewer]\ntype = SPICE \nhost=h\nport=5900\ntls-port=\nfullscreen=\n",
         HAKO_VIEWER_PROTOCOL_SPICE, 5900, 0},
        /* A Proxmox ticket host has colons. */
        {"[virt-viewer]\ntype=spice\nhost=pvespiceproxy:6543:100:node1::abc\ntls-port=61000\n"
         "proxy=http://node1:3128\n",
         HAKO_VIEWER_PROTOCOL_SPICE, 0, 61000},
        {"[virt-viewer]\ntype=vnc\nhost=h\nport=65535\n", HAKO_VIEWER_PROTOCOL_VNC, 65535, 0},
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) error = NULL;
        HakoViewerTarget *t = hako_viewer_target_load_vv_data(cases[i].data, -1, &error);

        g_test_message("%s", cases[i].data);
        g_assert_no_error(error);
        g_assert_cmpint(hako_viewer_target_get_protocol(t), ==, cases[i].protocol);
        g_assert_cmpuint(hako_viewer_target_get_port(t), ==, cases[i].port);
        g_assert_cmpuint(hako_viewer_target_get_tls_port(t), ==, cases[i].tls_port);
        assert_finalizes(t);
    }
}

static void
test_vv_bad(void)
{
    const struct {
        const char *data;
        HakoViewerTargetError code;
        const char *named;
    } cases[] = {
        {"this is not a key file", HAKO_VIEWER_TARGET_ERROR_INVALID_FILE, "this is not a key file"},
        {"host=h\n[virt-viewer]\n", HAKO_VIEWER_TARGET_ERROR_INVALID_FILE, ".vv"},
        {"", HAKO_VIEWER_TARGET_ERROR_INVALID_FILE, "[virt-viewer]"},
        {"[other]\ntype=spice\n", HAKO_VIEWER_TARGET_ERROR_INVALID_FILE, "[virt-viewer]"},
        {"[virt-viewer]\nhost=h\nport=5900\n", HAKO_VIEWER_TARGET_ERROR_MISSING_KEY, "type="},
        {"[virt-viewer]\ntype=\nhost=h\nport=5900\n", HAKO_VIEWER_TARGET_ERROR_INVALID_VALUE, "“”"},
        {"[virt-viewer]\ntype=rdp\nhost=h\nport=3389\n", HAKO_VIEWER_TARGET_ERROR_INVALID_VALUE,
         "“rdp”"},
        {"[virt-viewer]\ntype=ovirt\n", HAKO_VIEWER_TARGET_ERROR_NOT_SUPPORTED, "type=ovirt"},
        {"[virt-viewer]\ntype=spice\nport=5900\n", HAKO_VIEWER_TARGET_ERROR_MISSING_KEY, "host="},
        {"[virt-viewer]\ntype=vnc\nhost=\nport=5900\n", HAKO_VIEWER_TARGET_ERROR_MISSING_KEY,
         "host="},
        {"[virt-viewer]\ntype=vnc\nunix-path=/run/vnc.sock\nport=5900\n",
         HAKO_VIEWER_TARGET_ERROR_MISSING_KEY, "host="},
        {"[virt-viewer]\ntype=spice\nhost=h\nport=59x0\n", HAKO_VIEWER_TARGET_ERROR_INVALID_VALUE,
         "“port=59x0”"},
        {"[virt-viewer]\ntype=spice\nhost=h\nport=0\n", HAKO_VIEWER_TARGET_ERROR_INVALID_VALUE,
         "“port=0”"},
        {"[virt-viewer]\ntype=spice\nhost=h\nport=-2\n", HAKO_VIEWER_TARGET_ERROR_INVALID_VALUE,
         "“port=-2”"},
        {"[virt-viewer]\ntype=spice\nhost=h\ntls-port=70000\n",
         HAKO_VIEWER_TARGET_ERROR_INVALID_VALUE, "“tls-port=70000”"},
        {"[virt-viewer]\ntype=spice\nhost=h\n", HAKO_VIEWER_TARGET_ERROR_MISSING_KEY,
         "“tls-port=”"},
        {"[virt-viewer]\ntype=spice\nhost=h\nport=-1\n", HAKO_VIEWER_TARGET_ERROR_MISSING_KEY,
         "“port=”"},
        {"[virt-viewer]\ntype=vnc\nhost=h\n", HAKO_VIEWER_TARGET_ERROR_MISSING_KEY, "“port=”"},
        {"[virt-viewer]\ntype=vnc\nhost=h\ntls-port=5901\n", HAKO_VIEWER_TARGET_ERROR_MISSING_KEY,
         "“port=”"},
        {"[virt-viewer]\ntype=spice\nhost=h\nport=1\nfullscreen=maybe\n",
         HAKO_VIEWER_TARGET_ERROR_INVALID_VALUE, "“fullscreen=maybe”"},
        {"[virt-viewer]\ntype=spice\nhost=h\nport=1\nfullscreen=2\n",
         HAKO_VIEWER_TARGET_ERROR_INVALID_VALUE, "“fullscreen=2”"},
        {"[virt-viewer]\ntype=spice\nhost=h\nport=1\nenable-usbredir=yes\n",
         HAKO_VIEWER_TARGET_ERROR_INVALID_VALUE, "“enable-usbredir=yes”"},
        {"[virt-viewer]\ntype=spice\nhost=h\nport=1\ncolor-depth=deep\n",
         HAKO_VIEWER_TARGET_ERROR_INVALID_VALUE, "“color-depth=deep”"},
        {"[virt-viewer]\ntype=spice\nhost=h\nport=1\ncolor-depth=64\n",
         HAKO_VIEWER_TARGET_ERROR_INVALID_VALUE, "“color-depth=64”"},
        {"[virt-viewer]\ntype=spice\nhost=h\nport=1\ntitle=a\\qb\n",
         HAKO_VIEWER_TARGET_ERROR_INVALID_VALUE, "“title”"},
        {"[virt-viewer]\ntype=spice\nhost=h\nport=1\ntitle=\xff\xfe\n",
         HAKO_VIEWER_TARGET_ERROR_INVALID_VALUE, "“title”"},
        {"[virt-viewer]\ntype=spice\nhost=h\nport=1\nfullscreen=\xff\n",
         HAKO_VIEWER_TARGET_ERROR_INVALID_VALUE, "fullscreen="},
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) error = NULL;
        HakoViewerTarget *t = hako_viewer_target_load_vv_data(cases[i].data, -1, &error);

        g_test_message("%s", cases[i].data);
        g_assert_null(t);
        g_assert_error(error, HAKO_VIEWER_TARGET_ERROR, (int)cases[i].code);
        assert_names(error, cases[i].named);
    }
}

static void
test_vv_file(void)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = g_dir_make_tmp("hako-viewer-target-XXXXXX", &error);
    g_autofree char *path = NULL;
    g_autofree char *missing = NULL;
    HakoViewerTarget *t;

    g_assert_no_error(error);
    path = g_build_filename(dir, "console.vv", NULL);
    missing = g_build_filename(dir, "gone.vv", NULL);
    g_assert_true(g_file_set_contents(path, spice_vv, -1, &error));
    g_assert_no_error(error);

    t = hako_viewer_target_load_vv_file(path, &error);
    g_assert_no_error(error);
    g_assert_cmpint(hako_viewer_target_get_kind(t), ==, HAKO_VIEWER_TARGET_KIND_FILE);
    g_assert_cmpstr(hako_viewer_target_get_path(t), ==, path);
    g_assert_cmpuint(hako_viewer_target_get_tls_port(t), ==, 5901);
    /* Deleting it is the caller's business. */
    g_assert_true(hako_viewer_target_get_delete_this_file(t));
    g_assert_true(g_file_test(path, G_FILE_TEST_EXISTS));
    assert_finalizes(t);

    /* The command-line argument: a path, or a name ending in .vv, is a file. */
    t = hako_viewer_target_new_for_argument(path, NULL, &error);
    g_assert_no_error(error);
    g_assert_cmpint(hako_viewer_target_get_kind(t), ==, HAKO_VIEWER_TARGET_KIND_FILE);
    assert_finalizes(t);

    g_assert_null(hako_viewer_target_load_vv_file(missing, &error));
    g_assert_error(error, HAKO_VIEWER_TARGET_ERROR, HAKO_VIEWER_TARGET_ERROR_UNREADABLE_FILE);
    assert_names(error, "gone.vv");
    g_clear_error(&error);
    g_assert_null(hako_viewer_target_new_for_argument(missing, NULL, &error));
    g_assert_error(error, HAKO_VIEWER_TARGET_ERROR, HAKO_VIEWER_TARGET_ERROR_UNREADABLE_FILE);
    g_clear_error(&error);
    g_assert_null(hako_viewer_target_load_vv_file(dir, &error));
    g_assert_error(error, HAKO_VIEWER_TARGET_ERROR, HAKO_VIEWER_TARGET_ERROR_UNREADABLE_FILE);
    g_clear_error(&error);

    /* Not a .vv file, and too large to be one. */
    g_assert_true(g_file_set_contents(path,
                                      "\x7f"
                                      "ELF\x02\x01\x01",
                                      7, &error));
    g_assert_null(hako_viewer_target_load_vv_file(path, &error));
    g_assert_error(error, HAKO_VIEWER_TARGET_ERROR, HAKO_VIEWER_TARGET_ERROR_INVALID_FILE);
    g_clear_error(&error);
    {
        gsize size = 2 * 1024 * 1024;
        g_autofree char *big = g_malloc(size);

        memset(big, '#', size);
        g_assert_true(g_file_set_contents(path, big, size, &error));
        g_assert_null(hako_viewer_target_load_vv_file(path, &error));
        g_assert_error(error, HAKO_VIEWER_TARGET_ERROR, HAKO_VIEWER_TARGET_ERROR_INVALID_FILE);
        assert_names(error, "console.vv");
        g_clear_error(&error);
    }

    g_assert_cmpint(g_remove(path), ==, 0);
    g_assert_cmpint(g_rmdir(dir), ==, 0);
}

static void
test_domain(void)
{
    g_autoptr(GError) error = NULL;
    HakoViewerTarget *t = hako_viewer_target_new_domain(NULL, "fedora39", &error);

    g_assert_no_error(error);
    g_assert_cmpint(hako_viewer_target_get_kind(t), ==, HAKO_VIEWER_TARGET_KIND_DOMAIN);
    g_assert_cmpint(hako_viewer_target_get_protocol(t), ==, HAKO_VIEWER_PROTOCOL_NONE);
    g_assert_null(hako_viewer_target_get_connect_uri(t));
    g_assert_cmpstr(hako_viewer_target_get_domain(t), ==, "fedora39");
    g_assert_null(hako_viewer_target_get_host(t));
    g_assert_cmpuint(hako_viewer_target_get_port(t), ==, 0);
    g_assert_false(hako_viewer_target_is_set(t, "type"));
    assert_finalizes(t);

    t = hako_viewer_target_new_domain("qemu+ssh://root@host/system",
                                      "6f3b1b2c-9d3e-4b7a-8c2d-0a1b2c3d4e5f", &error);
    g_assert_no_error(error);
    g_assert_cmpstr(hako_viewer_target_get_connect_uri(t), ==, "qemu+ssh://root@host/system");
    assert_finalizes(t);

    t = hako_viewer_target_new_domain("", "7", &error);
    g_assert_no_error(error);
    g_assert_null(hako_viewer_target_get_connect_uri(t));
    g_assert_cmpstr(hako_viewer_target_get_domain(t), ==, "7");
    assert_finalizes(t);

    g_assert_null(hako_viewer_target_new_domain(NULL, "", &error));
    g_assert_error(error, HAKO_VIEWER_TARGET_ERROR, HAKO_VIEWER_TARGET_ERROR_INVALID_DOMAIN);
    g_clear_error(&error);
    g_assert_null(hako_viewer_target_new_domain("qemu:///system", NULL, &error));
    g_assert_error(error, HAKO_VIEWER_TARGET_ERROR, HAKO_VIEWER_TARGET_ERROR_INVALID_DOMAIN);
    g_clear_error(&error);
    g_assert_null(hako_viewer_target_new_domain("qemu", "vm", &error));
    g_assert_error(error, HAKO_VIEWER_TARGET_ERROR, HAKO_VIEWER_TARGET_ERROR_INVALID_URI);
    assert_names(error, "“qemu”");
}

static void
test_argument(void)
{
    g_autoptr(GError) error = NULL;
    HakoViewerTarget *t = hako_viewer_target_new_for_argument("vnc://h:5901", NULL, &error);

    g_assert_no_error(error);
    g_assert_cmpint(hako_viewer_target_get_kind(t), ==, HAKO_VIEWER_TARGET_KIND_URI);
    assert_finalizes(t);

    t = hako_viewer_target_new_for_argument("web1", "qemu:///system", &error);
    g_assert_no_error(error);
    g_assert_cmpint(hako_viewer_target_get_kind(t), ==, HAKO_VIEWER_TARGET_KIND_DOMAIN);
    g_assert_cmpstr(hako_viewer_target_get_domain(t), ==, "web1");
    g_assert_cmpstr(hako_viewer_target_get_connect_uri(t), ==, "qemu:///system");
    assert_finalizes(t);

    /* A name that merely contains ".vv" is a guest. */
    t = hako_viewer_target_new_for_argument("a.vvm", NULL, &error);
    g_assert_no_error(error);
    g_assert_cmpint(hako_viewer_target_get_kind(t), ==, HAKO_VIEWER_TARGET_KIND_DOMAIN);
    assert_finalizes(t);

    g_assert_null(hako_viewer_target_new_for_argument("no-such-console.VV", NULL, &error));
    g_assert_error(error, HAKO_VIEWER_TARGET_ERROR, HAKO_VIEWER_TARGET_ERROR_UNREADABLE_FILE);
    assert_names(error, "no-such-console.VV");
    g_clear_error(&error);

    /* A libvirt URI where a display address belongs. */
    g_assert_null(hako_viewer_target_new_for_argument("qemu:///system", NULL, &error));
    g_assert_error(error, HAKO_VIEWER_TARGET_ERROR, HAKO_VIEWER_TARGET_ERROR_INVALID_URI);
    assert_names(error, "“qemu”");
    g_clear_error(&error);

    g_assert_null(hako_viewer_target_new_for_argument("", NULL, &error));
    g_assert_error(error, HAKO_VIEWER_TARGET_ERROR, HAKO_VIEWER_TARGET_ERROR_INVALID_DOMAIN);
    g_clear_error(&error);
    g_assert_null(hako_viewer_target_new_for_argument(NULL, NULL, &error));
    g_assert_error(error, HAKO_VIEWER_TARGET_ERROR, HAKO_VIEWER_TARGET_ERROR_INVALID_DOMAIN);
}

static void
test_hotkey_keys(void)
{
    g_assert_cmpstr(hako_viewer_hotkey_to_key(HAKO_VIEWER_HOTKEY_TOGGLE_FULLSCREEN), ==,
                    "toggle-fullscreen");
    g_assert_cmpstr(hako_viewer_hotkey_to_key(HAKO_VIEWER_HOTKEY_RELEASE_CURSOR), ==,
                    "release-cursor");
    g_assert_cmpstr(hako_viewer_hotkey_to_key(HAKO_VIEWER_HOTKEY_USB_DEVICE_RESET), ==,
                    "usb-device-reset");
    for (int i = 0; i < HAKO_N_VIEWER_HOTKEYS; i++)
        g_assert_nonnull(hako_viewer_hotkey_to_key(i));
}

/* Exactly one of a target and an error in our domain, with a valid UTF-8 message. */
static void
check_outcome(HakoViewerTarget *t, GError *error)
{
    if (t != NULL) {
        g_assert_no_error(error);
        assert_finalizes(t);
        return;
    }
    g_assert_nonnull(error);
    g_assert_cmpuint(error->domain, ==, HAKO_VIEWER_TARGET_ERROR);
    g_assert_true(g_utf8_validate(error->message, -1, NULL));
    g_error_free(error);
}

/* Never a crash or a warning, whatever the bytes: every prefix of good input, and random
 * corruptions of it (a fixed seed keeps failures reproducible). */
static void
test_robust(void)
{
    const char *uris[] = {
        "spice://user@[2001:db8::7]:5900/?port=1&tls-port=5901;password=a%20b",
        "vnc://h%41st:5900?password=x",
        "spice+unix:///run/a.sock",
        "spice+tls://h:5901",
    };
    const char *files[] = {spice_vv, vnc_vv};
    const char noise[] = "[]:/?&;=%@#\\\n\r\t 0-19aZ\xff\xc3";
    GRand *rand = g_rand_new_with_seed(20261202);
    HakoViewerTarget *t;

    for (gsize u = 0; u < G_N_ELEMENTS(uris); u++) {
        gsize length = strlen(uris[u]);

        for (gsize cut = 0; cut <= length; cut++) {
            g_autofree char *prefix = g_strndup(uris[u], cut);
            GError *error = NULL;

            t = hako_viewer_target_parse_uri(prefix, &error);
            check_outcome(t, error);
        }
        for (guint round = 0; round < 2000; round++) {
            g_autofree char *copy = g_strdup(uris[u]);
            GError *error = NULL;

            for (guint n = g_rand_int_range(rand, 1, 4); n > 0; n--)
                copy[g_rand_int_range(rand, 0, length)] =
                    noise[g_rand_int_range(rand, 0, sizeof(noise) - 1)];
            t = hako_viewer_target_parse_uri(copy, &error);
            check_outcome(t, error);
        }
    }

    for (gsize f = 0; f < G_N_ELEMENTS(files); f++) {
        gsize length = strlen(files[f]);

        for (gsize cut = 0; cut <= length; cut++) {
            GError *error = NULL;

            t = hako_viewer_target_load_vv_data(files[f], cut, &error);
            check_outcome(t, error);
        }
        for (guint round = 0; round < 2000; round++) {
            g_autofree char *copy = g_strdup(files[f]);
            GError *error = NULL;

            /* Files may hold NUL bytes too: the noise here includes its terminator. */
            for (guint n = g_rand_int_range(rand, 1, 6); n > 0; n--)
                copy[g_rand_int_range(rand, 0, length)] =
                    noise[g_rand_int_range(rand, 0, sizeof(noise))];
            t = hako_viewer_target_load_vv_data(copy, length, &error);
            check_outcome(t, error);
        }
    }
    g_rand_free(rand);
}

int
main(int argc, char *argv[])
{
    setlocale(LC_ALL, "C.UTF-8");
    g_test_init(&argc, &argv, NULL);

    g_test_add_func("/model/viewer-target/uri/vnc", test_uri_vnc);
    g_test_add_func("/model/viewer-target/uri/spice", test_uri_spice);
    g_test_add_func("/model/viewer-target/uri/ipv6", test_uri_ipv6);
    g_test_add_func("/model/viewer-target/uri/bad", test_uri_bad);
    g_test_add_func("/model/viewer-target/uri/password-hidden", test_uri_password_hidden);
    g_test_add_func("/model/viewer-target/vv/spice", test_vv_spice);
    g_test_add_func("/model/viewer-target/vv/vnc", test_vv_vnc);
    g_test_add_func("/model/viewer-target/vv/variants", test_vv_variants);
    g_test_add_func("/model/viewer-target/vv/bad", test_vv_bad);
    g_test_add_func("/model/viewer-target/vv/file", test_vv_file);
    g_test_add_func("/model/viewer-target/domain", test_domain);
    g_test_add_func("/model/viewer-target/argument", test_argument);
    g_test_add_func("/model/viewer-target/hotkey-keys", test_hotkey_keys);
    g_test_add_func("/model/viewer-target/robust", test_robust);
    return g_test_run();
}
