/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The console engine against a private, real libvirtd: a guest's consoles listed from its live
 * XML, a socket to its VNC display from libvirt, and its serial port as a stream (SeaBIOS
 * writes to it), written to and closed without a hang; a picture of its screen.
 *
 * Run by tests/harness/with-private-libvirtd (HAKO_TEST_URI). Run inside tests/harness/with-sshd
 * too (HAKO_TEST_SSH_PORT…), the same test goes to the daemon over SSH: the display through a
 * tunnel in the host's one SSH session, the serial port through libvirt's stream in it, and
 * sshd sees one login for all of it. */
#include "config.h"

#include "hako-connection-manager.h"
#include "hako-domain-ops.h"
#include "hako-engine.h"
#include "hako-test-util.h"

#include <libvirt/libvirt.h>
#include <string.h>
#include <unistd.h>

#define GUEST "hako-console-real"

static const char *uri;      /* the private daemon, directly */
static const char *hako_uri; /* the same, as Hako reaches it: directly or over SSH */

static int
ssh_logins(void)
{
    g_autofree char *out = NULL;
    g_autofree char *cmd = g_strdup_printf("%s logins", g_getenv("HAKO_TEST_SSH_CTL"));

    g_assert_true(g_spawn_command_line_sync(cmd, &out, NULL, NULL, NULL));
    return atoi(out);
}

static void
define_and_start_guest(void)
{
    virConnectPtr conn = virConnectOpen(uri);
    virDomainPtr dom;

    g_assert_nonnull(conn);
    /* No disk: SeaBIOS finds nothing to boot and tries again every second, on the serial
     * port too, so there is always fresh output. */
    dom = virDomainDefineXML(conn, "<domain type='qemu'><name>" GUEST "</name>"
                                   "<memory unit='MiB'>64</memory><vcpu>1</vcpu>"
                                   "<os><type arch='x86_64' machine='pc'>hvm</type><boot dev='hd'/>"
                                   "<bios useserial='yes' rebootTimeout='1000'/></os>"
                                   "<devices>"
                                   "<serial type='pty'><target port='0'/></serial>"
                                   "<console type='pty'><target type='serial' port='0'/></console>"
                                   "<graphics type='vnc' autoport='yes' listen='127.0.0.1'/>"
                                   "<video><model type='vga'/></video>"
                                   "</devices></domain>");
    g_assert_nonnull(dom);
    g_assert_cmpint(virDomainCreate(dom), ==, 0);
    virDomainFree(dom);
    virConnectClose(conn);
}

typedef struct {
    gboolean done;
    GAsyncResult *result;
} Wait;

static void
done_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    Wait *w = user_data;

    w->result = g_object_ref(result);
    w->done = TRUE;
}

static gboolean
is_done(gpointer data)
{
    return ((Wait *)data)->done;
}

typedef struct {
    GString *received;
    gboolean closed;
    char *message;
} StreamLog;

static void
received_cb(HakoConsoleStream *stream, GBytes *bytes, StreamLog *log)
{
    gsize length = 0;
    const char *data = g_bytes_get_data(bytes, &length);

    g_string_append_len(log->received, data, (gssize)length);
}

static void
closed_cb(HakoConsoleStream *stream, const char *message, StreamLog *log)
{
    log->closed = TRUE;
    log->message = g_strdup(message);
}

static gboolean
saw_seabios(gpointer data)
{
    return strstr(((StreamLog *)data)->received->str, "SeaBIOS") != NULL;
}

static gboolean
is_closed(gpointer data)
{
    return ((StreamLog *)data)->closed;
}

static void
test_consoles(void)
{
    g_autoptr(HakoConnectionManager) manager = hako_connection_manager_new(NULL);
    HakoHost *host = hako_connection_manager_add(manager, hako_uri, HAKO_CONNECT_NONE);
    int logins_before = g_getenv("HAKO_TEST_SSH_CTL") != NULL ? ssh_logins() : 0;
    g_autoptr(HakoDomainOps) ops = hako_domain_ops_new(manager);
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) devices = NULL;
    g_autoptr(HakoGraphicsEndpoint) endpoint = NULL;
    g_autoptr(HakoConsoleStream) stream = NULL;
    const HakoConsoleDevice *serial = NULL;
    StreamLog log = {g_string_new(NULL), FALSE, NULL};
    HakoDomain *domain;
    Wait w = {FALSE, NULL};

    hako_connection_manager_connect(manager, host);
    g_assert_true(hako_test_wait_until(hako_test_host_connected, host, 60000));
    domain = hako_domain_list_lookup_by_name(hako_host_get_domains(host), GUEST);
    g_assert_nonnull(domain);

    /* The live XML: the VNC display with its port, serial port 0 once. */
    hako_domain_ops_list_consoles_async(ops, domain, NULL, done_cb, &w);
    g_assert_true(hako_test_wait_until(is_done, &w, 30000));
    devices = hako_domain_ops_list_consoles_finish(ops, w.result, &error);
    g_clear_object(&w.result);
    g_assert_no_error(error);
    g_assert_cmpuint(devices->len, ==, 2);
    g_assert_cmpint(((HakoConsoleDevice *)devices->pdata[0])->kind, ==, HAKO_CONSOLE_KIND_VNC);
    g_assert_cmpint(((HakoConsoleDevice *)devices->pdata[0])->port, >=, 5900);
    serial = devices->pdata[1];
    g_assert_cmpint(serial->kind, ==, HAKO_CONSOLE_KIND_SERIAL);
    g_assert_cmpstr(serial->alias, ==, "serial0");
    g_assert_true(hako_console_device_can_open(serial));

    /* A local, writable connection: libvirt hands over a connected socket; over SSH, a channel
     * of the host's session leads to the display. */
    w.done = FALSE;
    hako_domain_ops_open_graphics_async(ops, domain, HAKO_CONSOLE_KIND_VNC, 0, NULL, done_cb, &w);
    g_assert_true(hako_test_wait_until(is_done, &w, 30000));
    endpoint = hako_domain_ops_open_graphics_finish(ops, w.result, &error);
    g_clear_object(&w.result);
    g_assert_no_error(error);
    g_assert_cmpint(endpoint->fd, >=, 0);
    {
        /* It is a VNC server: it greets with "RFB 003.008\n". */
        char greeting[12] = {0};

        g_assert_cmpint(read(endpoint->fd, greeting, sizeof greeting), ==, 12);
        g_assert_true(g_str_has_prefix(greeting, "RFB "));
    }

    /* The serial port: SeaBIOS's output arrives; writing does not block; closing ends it. */
    w.done = FALSE;
    hako_domain_ops_open_console_async(ops, domain, serial->alias, NULL, done_cb, &w);
    g_assert_true(hako_test_wait_until(is_done, &w, 30000));
    stream = hako_domain_ops_open_console_finish(ops, w.result, &error);
    g_clear_object(&w.result);
    g_assert_no_error(error);
    g_signal_connect(stream, "received", G_CALLBACK(received_cb), &log);
    g_signal_connect(stream, "closed", G_CALLBACK(closed_cb), &log);
    g_assert_true(hako_test_wait_until(saw_seabios, &log, 30000));
    hako_console_stream_write(stream, "hello\r", 6);
    hako_test_spin(200);
    g_assert_true(hako_console_stream_is_open(stream));
    hako_console_stream_close(stream);
    g_assert_true(hako_test_wait_until(is_closed, &log, 10000));
    g_assert_null(log.message); /* closed because asked, not lost */
    g_assert_false(hako_console_stream_is_open(stream));

    /* A picture of its screen (the manager's thumbnails): PNG (or QEMU's PPM), as big as VGA
     * text. */
    {
        g_autoptr(GBytes) picture = NULL;
        g_autofree char *mime = NULL;
        gsize size = 0;
        const char *data;

        w.done = FALSE;
        hako_domain_ops_screenshot_async(ops, domain, NULL, done_cb, &w);
        g_assert_true(hako_test_wait_until(is_done, &w, 30000));
        picture = hako_domain_ops_screenshot_finish(ops, w.result, &mime, &error);
        g_clear_object(&w.result);
        g_assert_no_error(error);
        data = g_bytes_get_data(picture, &size);
        g_test_message("screenshot: %s, %" G_GSIZE_FORMAT " bytes", mime, size);
        if (g_strcmp0(mime, "image/png") == 0) {
            const guint8 *png = (const guint8 *)data;

            /* the signature, then IHDR's width and height */
            g_assert_cmpuint(size, >, 24);
            g_assert_cmpmem(png, 8, "\x89PNG\r\n\x1a\n", 8);
            g_assert_cmpuint(GUINT32_FROM_BE(*(const guint32 *)(png + 16)), ==, 720);
            g_assert_cmpuint(GUINT32_FROM_BE(*(const guint32 *)(png + 20)), ==, 400);
        } else {
            g_assert_cmpstr(mime, ==, "image/x-portable-pixmap");
            g_assert_cmpuint(size, >, 720 * 400);
            g_assert_true(g_str_has_prefix(data, "P6"));
        }
    }

    /* Over SSH, one login for the connection, the display and the serial port. */
    if (g_getenv("HAKO_TEST_SSH_CTL") != NULL)
        g_assert_cmpint(ssh_logins() - logins_before, ==, 1);

    g_string_free(log.received, TRUE);
    g_free(log.message);
}

int
main(int argc, char *argv[])
{
    g_test_init(&argc, &argv, NULL);
    hako_engine_init();

    uri = g_getenv("HAKO_TEST_URI");
    g_assert_nonnull(uri);
    hako_uri = uri;
    if (g_getenv("HAKO_TEST_SSH_PORT") != NULL)
        hako_uri = g_strdup_printf(
            "qemu+ssh://root@127.0.0.1:%s/system?keyfile=%s&known_hosts=%s&socket=%s",
            g_getenv("HAKO_TEST_SSH_PORT"), g_getenv("HAKO_TEST_SSH_KEY"),
            g_getenv("HAKO_TEST_SSH_KNOWN_HOSTS"), strstr(uri, "socket=") + strlen("socket="));
    define_and_start_guest();

    g_test_add_func("/engine/console/real/devices-display-serial", test_consoles);
    return g_test_run();
}
