/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "hako-console-stream-private.h"
#include "hako-engine-private.h"

#include <glib/gi18n.h>
#include <libvirt/virterror.h>

/*
 * libvirt's console stream is driven by two threads of the stream's own, never by the main
 * loop: one blocks in virStreamRecv() and hands what arrives to the main thread ("received");
 * the other sends what the user types, in order, from a queue, and ends the stream when asked
 * (virStreamAbort(), which also wakes the reader). A host that hangs holds up those threads
 * only. The threads share a small refcounted state, freed by the last one out.
 */

#define READ_SIZE 4096

typedef struct {
    gatomicrefcount ref_count;
    virConnectPtr conn;
    virStreamPtr stream;
    GAsyncQueue *writes; /* GBytes to send; the close marker ends the writer */
    gint closing;        /* atomic: we ended it, so the reader's error is no news */
    GWeakRef owner;      /* the HakoConsoleStream, for delivering on the main thread */
} Shared;

static GBytes *
close_marker(void)
{
    static GBytes *marker;

    if (g_once_init_enter(&marker))
        g_once_init_leave(&marker, g_bytes_new_static("", 0));
    return marker;
}

struct _HakoConsoleStream {
    GObject parent_instance;

    Shared *shared;
    gboolean open;
};

G_DEFINE_FINAL_TYPE(HakoConsoleStream, hako_console_stream, G_TYPE_OBJECT)

enum { SIGNAL_RECEIVED, SIGNAL_CLOSED, N_SIGNALS };

static guint signals[N_SIGNALS];

static Shared *
shared_ref(Shared *shared)
{
    g_atomic_ref_count_inc(&shared->ref_count);
    return shared;
}

static void
shared_unref(Shared *shared)
{
    if (!g_atomic_ref_count_dec(&shared->ref_count))
        return;
    virStreamFree(shared->stream);
    virConnectClose(shared->conn);
    g_async_queue_unref(shared->writes);
    g_weak_ref_clear(&shared->owner);
    g_free(shared);
}

/* ---------------------------------------------------------------------- */
/* Delivery on the main thread */

typedef struct {
    Shared *shared;
    GBytes *bytes; /* received, or NULL for the end */
    char *message; /* the end: why, or NULL when it simply ended */
} Delivery;

static gboolean
deliver_cb(gpointer data)
{
    Delivery *d = data;
    g_autoptr(HakoConsoleStream) self = g_weak_ref_get(&d->shared->owner);

    if (self != NULL && self->open) {
        if (d->bytes != NULL) {
            g_signal_emit(self, signals[SIGNAL_RECEIVED], 0, d->bytes);
        } else {
            self->open = FALSE;
            g_signal_emit(self, signals[SIGNAL_CLOSED], 0, d->message);
        }
    }
    if (d->bytes != NULL)
        g_bytes_unref(d->bytes);
    g_free(d->message);
    shared_unref(d->shared);
    g_free(d);
    return G_SOURCE_REMOVE;
}

static void
deliver(Shared *shared, GBytes *bytes, const char *message)
{
    Delivery *d = g_new0(Delivery, 1);

    d->shared = shared_ref(shared);
    d->bytes = bytes;
    d->message = g_strdup(message);
    _hako_invoke_in_main(deliver_cb, d);
}

/* ---------------------------------------------------------------------- */
/* The threads */

static gpointer
reader_thread(gpointer data)
{
    Shared *shared = data;
    char buffer[READ_SIZE];

    for (;;) {
        int n = virStreamRecv(shared->stream, buffer, sizeof buffer);

        if (n > 0) {
            deliver(shared, g_bytes_new(buffer, (gsize)n), NULL);
            continue;
        }
        if (g_atomic_int_get(&shared->closing))
            deliver(shared, NULL, NULL);
        else if (n == 0)
            deliver(shared, NULL, _("The guest closed the console."));
        else
            deliver(shared, NULL, _hako_libvirt_last_message());
        virResetLastError();
        break;
    }
    /* Whatever ended it, the writer ends too. */
    g_async_queue_push(shared->writes, g_bytes_ref(close_marker()));
    shared_unref(shared);
    return NULL;
}

static gpointer
writer_thread(gpointer data)
{
    Shared *shared = data;

    for (;;) {
        g_autoptr(GBytes) bytes = g_async_queue_pop(shared->writes);
        gsize length = 0;
        const char *chunk;
        gsize done = 0;

        if (bytes == close_marker()) {
            g_atomic_int_set(&shared->closing, TRUE);
            /* Wakes the reader; an error here only means the stream was over already. */
            if (virStreamAbort(shared->stream) < 0)
                virResetLastError();
            break;
        }
        chunk = g_bytes_get_data(bytes, &length);
        while (done < length) {
            int n = virStreamSend(shared->stream, chunk + done, length - done);

            if (n <= 0) {
                virResetLastError();
                break;
            }
            done += (gsize)n;
        }
    }
    shared_unref(shared);
    return NULL;
}

/* ---------------------------------------------------------------------- */
/* GObject */

static void
hako_console_stream_dispose(GObject *object)
{
    HakoConsoleStream *self = HAKO_CONSOLE_STREAM(object);

    hako_console_stream_close(self);
    g_clear_pointer(&self->shared, shared_unref);
    G_OBJECT_CLASS(hako_console_stream_parent_class)->dispose(object);
}

static void
hako_console_stream_class_init(HakoConsoleStreamClass *klass)
{
    G_OBJECT_CLASS(klass)->dispose = hako_console_stream_dispose;

    /**
     * HakoConsoleStream::received:
     * @bytes: what the guest wrote
     */
    signals[SIGNAL_RECEIVED] = g_signal_new("received", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST,
                                            0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BYTES);
    /**
     * HakoConsoleStream::closed:
     * @message: (nullable): why, when it did not end because it was asked to
     */
    signals[SIGNAL_CLOSED] = g_signal_new("closed", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0,
                                          NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
hako_console_stream_init(HakoConsoleStream *self)
{
}

/* Takes @conn's and @stream's references; starts the threads. Main thread. */
HakoConsoleStream *
_hako_console_stream_new_take(virConnectPtr conn, virStreamPtr stream)
{
    HakoConsoleStream *self = g_object_new(HAKO_TYPE_CONSOLE_STREAM, NULL);
    Shared *shared = g_new0(Shared, 1);
    GThread *thread;

    g_atomic_ref_count_init(&shared->ref_count);
    shared->conn = conn;
    shared->stream = stream;
    shared->writes = g_async_queue_new_full((GDestroyNotify)g_bytes_unref);
    g_weak_ref_init(&shared->owner, self);
    self->shared = shared;
    self->open = TRUE;

    thread = g_thread_new("hako-console-read", reader_thread, shared_ref(shared));
    g_thread_unref(thread);
    thread = g_thread_new("hako-console-write", writer_thread, shared_ref(shared));
    g_thread_unref(thread);
    return self;
}

/* ---------------------------------------------------------------------- */
/* Public API */

/**
 * hako_console_stream_write:
 * @data: (array length=length): bytes for the guest (what the user typed)
 *
 * Queues @data; it is sent in order, off the main thread.
 */
void
hako_console_stream_write(HakoConsoleStream *self, const void *data, gsize length)
{
    g_return_if_fail(HAKO_IS_CONSOLE_STREAM(self));
    g_return_if_fail(data != NULL || length == 0);

    if (!self->open || length == 0)
        return;
    g_async_queue_push(self->shared->writes, g_bytes_new(data, length));
}

/**
 * hako_console_stream_close:
 *
 * Ends the stream (off the main thread). "closed" follows with no message.
 */
void
hako_console_stream_close(HakoConsoleStream *self)
{
    g_return_if_fail(HAKO_IS_CONSOLE_STREAM(self));

    if (self->shared == NULL || g_atomic_int_get(&self->shared->closing))
        return;
    g_atomic_int_set(&self->shared->closing, TRUE);
    g_async_queue_push(self->shared->writes, g_bytes_ref(close_marker()));
}

gboolean
hako_console_stream_is_open(HakoConsoleStream *self)
{
    g_return_val_if_fail(HAKO_IS_CONSOLE_STREAM(self), FALSE);
    return self->open;
}
