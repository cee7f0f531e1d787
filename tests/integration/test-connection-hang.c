/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A host that accepts and never answers must not freeze the main loop. */
#include "config.h"

#include "hako-connection-manager.h"
#include "hako-engine.h"
#include "hako-test-util.h"

#include <gio/gio.h>

#define MAX_GAP_US (200 * G_TIME_SPAN_MILLISECOND)

/* A loopback listener that never accepts: the kernel completes the TCP
 * handshake, and nothing is ever said. */
static GSocket *
silent_listener(guint16 *port)
{
    g_autoptr(GSocket) socket = NULL;
    g_autoptr(GInetSocketAddress) address = NULL;
    g_autoptr(GSocketAddress) bound = NULL;
    g_autoptr(GError) error = NULL;

    socket =
        g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
    g_assert_no_error(error);
    address = G_INET_SOCKET_ADDRESS(g_inet_socket_address_new_from_string("127.0.0.1", 0));
    g_assert_true(g_socket_bind(socket, G_SOCKET_ADDRESS(address), FALSE, &error));
    g_socket_set_listen_backlog(socket, 16);
    g_assert_true(g_socket_listen(socket, &error));
    bound = g_socket_get_local_address(socket, &error);
    g_assert_no_error(error);
    *port = g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(bound));
    return g_steal_pointer(&socket);
}

static void
check_hang(const char *uri_format)
{
    g_autoptr(HakoConnectionManager) manager = hako_connection_manager_new(NULL);
    g_autoptr(GSocket) listener = NULL;
    g_autofree char *uri = NULL;
    HakoGapMonitor *monitor;
    HakoHost *host;
    HakoHost *other;
    guint16 port;
    gint64 gap;

    listener = silent_listener(&port);
    uri = g_strdup_printf(uri_format, port);

    monitor = hako_gap_monitor_start();
    host = hako_connection_manager_add(manager, uri, HAKO_CONNECT_NONE);
    hako_connection_manager_connect(manager, host);
    g_assert_cmpint(hako_host_get_state(host), ==, HAKO_HOST_STATE_CONNECTING);

    /* Another host keeps working while the first one hangs. */
    other = hako_connection_manager_add(manager, "test:///default", HAKO_CONNECT_NONE);
    hako_connection_manager_connect(manager, other);

    hako_test_spin(3000);
    g_assert_cmpint(hako_host_get_state(host), ==, HAKO_HOST_STATE_CONNECTING);
    g_assert_cmpint(hako_host_get_state(other), ==, HAKO_HOST_STATE_CONNECTED);

    /* Giving up on the hung host is immediate, too. */
    hako_connection_manager_disconnect(manager, host);
    g_assert_cmpint(hako_host_get_state(host), ==, HAKO_HOST_STATE_DISCONNECTED);
    hako_connection_manager_remove(manager, host);
    hako_test_spin(300);

    gap = hako_gap_monitor_stop(monitor);
    g_test_message("%s: largest main loop gap %" G_GINT64_FORMAT " ms", uri, gap / 1000);
    g_assert_cmpint(gap, <, MAX_GAP_US);
}

static void
test_hang_tcp(void)
{
    check_hang("qemu+tcp://127.0.0.1:%u/system");
}

static void
test_hang_ssh(void)
{
    g_autofree char *ssh = g_find_program_in_path("ssh");

    if (ssh == NULL) {
        g_test_fail_printf("ssh is not installed; the test command installs openssh-client");
        return;
    }
    /* ssh waits for the server's banner, which never comes. */
    check_hang("qemu+ssh://root@127.0.0.1:%u/system?no_tty=1&no_verify=1");
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    hako_engine_init();

    g_test_add_func("/engine/hang/tcp", test_hang_tcp);
    g_test_add_func("/engine/hang/ssh", test_hang_ssh);

    return g_test_run();
}
