/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A small HTTP/1.1 server on 127.0.0.1 for tests that download (install trees). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _HakoTestHttp HakoTestHttp;

HakoTestHttp *hako_test_http_new(void);
void hako_test_http_free(HakoTestHttp *http);
char *hako_test_http_url(HakoTestHttp *http, const char *path);

/* Answers GET @path with @body (status 200), a redirection to @location (status 3xx), or,
 * with status 0, not at all until hako_test_http_release(). Anything else is a 404. */
void hako_test_http_route(HakoTestHttp *http,
                          const char *path,
                          int status,
                          const char *location,
                          GBytes *body,
                          gboolean chunked);
void hako_test_http_route_text(HakoTestHttp *http, const char *path, const char *text);
/* How many requests are held (status 0) now. */
guint hako_test_http_get_hanging(HakoTestHttp *http);
/* Lets the held requests end (without an answer) and removes every route. */
void hako_test_http_reset(HakoTestHttp *http);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(HakoTestHttp, hako_test_http_free)

G_END_DECLS
