/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A small HTTP/1.1 server on 127.0.0.1 for tests that download: one thread per request. */
#include "config.h"

#include "hako-test-http.h"

#include <gio/gio.h>
#include <string.h>

typedef struct {
    int status;
    char *location;
    GBytes *body;
    gboolean chunked;
} Route;

struct _HakoTestHttp {
    GSocketService *service;
    guint16 port;
    GMutex lock;
    GCond cond;
    GHashTable *routes; /* path -> Route */
    guint generation;   /* held requests end when it changes */
    guint hanging;
};

static void
route_free(gpointer data)
{
    Route *route = data;

    g_free(route->location);
    g_clear_pointer(&route->body, g_bytes_unref);
    g_free(route);
}

static void
append_answer(GString *answer, const Route *route)
{
    gsize length = 0;
    const char *body = route->body != NULL ? g_bytes_get_data(route->body, &length) : NULL;

    if (route->location != NULL) {
        g_string_append_printf(answer, "HTTP/1.1 %d Moved\r\nLocation: %s\r\n\r\n", route->status,
                               route->location);
    } else if (route->chunked) {
        g_string_append(answer, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
        for (gsize done = 0; done < length;) {
            gsize n = MIN(length - done, 1000);

            g_string_append_printf(answer, "%zx;x=y\r\n", n);
            g_string_append_len(answer, body + done, (gssize)n);
            g_string_append(answer, "\r\n");
            done += n;
        }
        g_string_append(answer, "0\r\nX-Trailer: 1\r\n\r\n");
    } else {
        g_string_append_printf(answer, "HTTP/1.1 %d OK\r\nContent-Length: %zu\r\n\r\n",
                               route->status, length);
        g_string_append_len(answer, body, (gssize)length);
    }
}

static gboolean
run_cb(GThreadedSocketService *service,
       GSocketConnection *connection,
       GObject *source,
       gpointer user_data)
{
    HakoTestHttp *http = user_data;
    g_autoptr(GDataInputStream) in =
        g_data_input_stream_new(g_io_stream_get_input_stream(G_IO_STREAM(connection)));
    GOutputStream *out = g_io_stream_get_output_stream(G_IO_STREAM(connection));
    g_autofree char *request = g_data_input_stream_read_line(in, NULL, NULL, NULL);
    g_auto(GStrv) parts = request != NULL ? g_strsplit(request, " ", 3) : NULL;
    g_autoptr(GString) answer = g_string_new(NULL);
    const Route *route = NULL;

    for (;;) {
        g_autofree char *line = g_data_input_stream_read_line(in, NULL, NULL, NULL);

        if (line == NULL || *line == '\0' || g_str_equal(line, "\r"))
            break;
    }
    g_mutex_lock(&http->lock);
    if (parts != NULL && parts[0] != NULL && parts[1] != NULL)
        route = g_hash_table_lookup(http->routes, parts[1]);
    if (route != NULL && route->status == 0) {
        guint generation = http->generation;

        http->hanging++;
        while (http->generation == generation)
            g_cond_wait(&http->cond, &http->lock);
        http->hanging--;
        g_mutex_unlock(&http->lock);
        return TRUE;
    }
    if (route == NULL)
        g_string_append(answer, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
    else
        append_answer(answer, route);
    g_mutex_unlock(&http->lock);
    g_output_stream_write_all(out, answer->str, answer->len, NULL, NULL, NULL);
    return TRUE;
}

HakoTestHttp *
hako_test_http_new(void)
{
    HakoTestHttp *http = g_new0(HakoTestHttp, 1);
    g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
    g_autoptr(GSocketAddress) address = g_inet_socket_address_new(loopback, 0);
    g_autoptr(GSocketAddress) bound = NULL;
    g_autoptr(GError) error = NULL;

    g_mutex_init(&http->lock);
    g_cond_init(&http->cond);
    http->routes = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, route_free);
    http->service = g_threaded_socket_service_new(8);
    g_assert_true(g_socket_listener_add_address(G_SOCKET_LISTENER(http->service), address,
                                                G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL,
                                                &bound, &error));
    g_assert_no_error(error);
    http->port = g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(bound));
    g_signal_connect(http->service, "run", G_CALLBACK(run_cb), http);
    g_socket_service_start(http->service);
    return http;
}

void
hako_test_http_free(HakoTestHttp *http)
{
    if (http == NULL)
        return;
    hako_test_http_reset(http);
    g_socket_service_stop(http->service);
    g_socket_listener_close(G_SOCKET_LISTENER(http->service));
    /* the request threads hold the service until they end */
    g_object_unref(http->service);
    g_mutex_lock(&http->lock);
    while (http->hanging > 0) {
        g_mutex_unlock(&http->lock);
        g_usleep(1000);
        g_mutex_lock(&http->lock);
    }
    g_mutex_unlock(&http->lock);
    g_hash_table_unref(http->routes);
    g_cond_clear(&http->cond);
    g_mutex_clear(&http->lock);
    g_free(http);
}

char *
hako_test_http_url(HakoTestHttp *http, const char *path)
{
    return g_strdup_printf("http://127.0.0.1:%u%s", http->port, path);
}

void
hako_test_http_route(HakoTestHttp *http,
                     const char *path,
                     int status,
                     const char *location,
                     GBytes *body,
                     gboolean chunked)
{
    Route *route = g_new0(Route, 1);

    route->status = status;
    route->location = g_strdup(location);
    route->body = body != NULL ? g_bytes_ref(body) : NULL;
    route->chunked = chunked;
    g_mutex_lock(&http->lock);
    g_hash_table_insert(http->routes, g_strdup(path), route);
    g_mutex_unlock(&http->lock);
}

void
hako_test_http_route_text(HakoTestHttp *http, const char *path, const char *text)
{
    g_autoptr(GBytes) body = g_bytes_new(text, strlen(text));

    hako_test_http_route(http, path, 200, NULL, body, FALSE);
}

guint
hako_test_http_get_hanging(HakoTestHttp *http)
{
    guint n;

    g_mutex_lock(&http->lock);
    n = http->hanging;
    g_mutex_unlock(&http->lock);
    return n;
}

void
hako_test_http_reset(HakoTestHttp *http)
{
    g_mutex_lock(&http->lock);
    http->generation++;
    g_cond_broadcast(&http->cond);
    g_hash_table_remove_all(http->routes);
    g_mutex_unlock(&http->lock);
}
