/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Engine start-up, its error domain, and the worker-thread helper. */
#include "config.h"

#include "hako-engine.h"

#include "hako-engine-error.h"
#include "hako-engine-private.h"
#include "hako-troubleshoot.h"

#include <glib/gi18n.h>
#include <libvirt-glib/libvirt-glib.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <signal.h>

G_DEFINE_QUARK(hako_engine_error, hako_engine_error)

/**
 * hako_engine_init:
 *
 * Initialises libvirt for threads and runs its event loop on the GLib main
 * loop, so that domain events, keepalive and close callbacks arrive there.
 * Call once, before the first connection is opened.
 */
/* Does nothing: a write to a closed socket then fails with EPIPE instead of ending the process. */
static void
sigpipe_cb(int signum G_GNUC_UNUSED)
{
}

void
hako_engine_init(void)
{
    static gsize initialised = 0;

    if (g_once_init_enter(&initialised)) {
        struct sigaction action = {0};
        struct sigaction old;

        /* libvirt's RPC writes with write(): a daemon that dies while a call goes out to it (a
         * migration's destination killed mid-way) would raise SIGPIPE and kill us. A handler
         * rather than SIG_IGN, since an ignored signal stays ignored in the programs we run
         * (ssh, nc) and a handler does not. Only when nobody has set one. */
        if (sigaction(SIGPIPE, NULL, &old) == 0 && old.sa_handler == SIG_DFL) {
            action.sa_handler = sigpipe_cb;
            sigemptyset(&action.sa_mask);
            action.sa_flags = SA_RESTART;
            sigaction(SIGPIPE, &action, NULL);
        }
        /* gvir_init() also routes libvirt's default error printing to g_debug */
        gvir_init(NULL, NULL);
        gvir_event_register();
        g_once_init_leave(&initialised, 1);
    }
}

typedef struct {
    GTask *task;
    GTaskThreadFunc func;
} ThreadClosure;

static gpointer
own_thread_main(gpointer data)
{
    ThreadClosure *closure = data;
    GTask *task = closure->task;

    closure->func(task, g_task_get_source_object(task), g_task_get_task_data(task),
                  g_task_get_cancellable(task));
    g_object_unref(task);
    g_free(closure);
    return NULL;
}

/*
 * GTask's shared pool has a bounded number of threads; a host that never
 * answers would hold one forever and could starve every other host. Calls
 * that may hang on the network get a thread of their own instead.
 */
void
_hako_task_run_in_own_thread(GTask *task, GTaskThreadFunc func)
{
    ThreadClosure *closure = g_new0(ThreadClosure, 1);

    closure->task = g_object_ref(task);
    closure->func = func;
    g_thread_unref(g_thread_new("hako-worker", own_thread_main, closure));
}

/*
 * Runs @func(@data) on the main thread, from an idle source of the default main context,
 * always queued. (g_main_context_invoke() would run it at once on a thread that manages to
 * acquire the default context while the main thread is between two iterations: model objects
 * must only ever be touched from the main thread.) Sources of one priority run in the order
 * they were added, so events keep their order.
 */
void
_hako_invoke_in_main(GSourceFunc func, gpointer data)
{
    GSource *source = g_idle_source_new();

    g_source_set_priority(source, G_PRIORITY_DEFAULT);
    g_source_set_callback(source, func, data, NULL);
    g_source_set_static_name(source, "hako-invoke-in-main");
    g_source_attach(source, NULL);
    g_source_unref(source);
}

/* Must run on the thread that made the failing libvirt call: errors are thread-local. */
const char *
_hako_libvirt_last_message(void)
{
    const char *message = virGetLastErrorMessage();

    return message != NULL ? message : _("unknown error");
}

GError *
_hako_engine_error_from_libvirt(int code, const char *format, ...)
{
    g_autofree char *prefix = NULL;
    va_list args;
    GError *error;

    va_start(args, format);
    prefix = g_strdup_vprintf(format, args);
    va_end(args);

    /* Translators: an action that failed, then libvirt's explanation */
    error = g_error_new(HAKO_ENGINE_ERROR, code, _("%s: %s"), prefix, _hako_libvirt_last_message());
    virResetLastError();
    return error;
}

/**
 * _hako_engine_error_from_failed_start:
 *
 * Like _hako_engine_error_from_libvirt() for a guest that did not start: when the troubleshooter
 * recognises libvirt's reason (a disk image QEMU may not open, no KVM), the message says what
 * happened and what to do before libvirt's words.
 */
GError *
_hako_engine_error_from_failed_start(const char *format, ...)
{
    g_autofree char *prefix = NULL;
    g_autoptr(HakoTrouble) trouble = hako_troubleshoot_start_error(_hako_libvirt_last_message());
    g_autofree char *explained = NULL;
    va_list args;

    va_start(args, format);
    prefix = g_strdup_vprintf(format, args);
    va_end(args);
    if (trouble == NULL)
        return _hako_engine_error_from_libvirt(HAKO_ENGINE_ERROR_FAILED, "%s", prefix);
    explained = hako_trouble_explain(trouble, _hako_libvirt_last_message());
    virResetLastError();
    /* Translators: an action that failed, then what happened and what to do */
    return g_error_new(HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_FAILED, _("%s: %s"), prefix, explained);
}
