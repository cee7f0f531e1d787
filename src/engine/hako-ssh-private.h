/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One OpenSSH session per remote host: its control master, and the wrapper and tunnels that
 * share it. Engine-internal. */
#pragma once

#include "hako-auth-request.h"

#include <gio/gio.h>

G_BEGIN_DECLS

/* Where an SSH URI leads: qemu+ssh://[USER@]HOST[:PORT]/PATH?keyfile=…&known_hosts=… */
typedef struct {
    char *user; /* NULL: ssh's default */
    char *host;
    int port; /* -1: ssh's default */
    char *keyfile;
    char *known_hosts;
} HakoSshTarget;

void _hako_ssh_target_free(HakoSshTarget *target);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HakoSshTarget, _hako_ssh_target_free)

HakoSshTarget *_hako_ssh_target_from_uri(const char *uri, GError **error);

/* Asks the user one thing on behalf of ssh (its askpass), on a thread of its own; returns the
 * answer, or NULL when the user declined. */
typedef char *(*HakoSshAskFunc)(HakoCredentialType type, const char *prompt, gpointer user_data);

typedef struct _HakoSshContext HakoSshContext;
typedef struct _HakoSshMaster HakoSshMaster;

HakoSshContext *_hako_ssh_context_new(void);
void _hako_ssh_context_unref(HakoSshContext *context);

HakoSshMaster *_hako_ssh_master_new(HakoSshContext *context,
                                    const HakoSshTarget *target,
                                    HakoSshAskFunc ask,
                                    gpointer ask_data,
                                    GDestroyNotify ask_data_free);
HakoSshMaster *_hako_ssh_master_ref(HakoSshMaster *master);
void _hako_ssh_master_unref(HakoSshMaster *master);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HakoSshMaster, _hako_ssh_master_unref)

gboolean _hako_ssh_master_start(HakoSshMaster *master, GCancellable *cancellable, GError **error);
gboolean _hako_ssh_master_is_running(HakoSshMaster *master);
gboolean _hako_ssh_master_has_ended(HakoSshMaster *master);
const char *_hako_ssh_master_get_host(HakoSshMaster *master);
gpointer _hako_ssh_master_get_ask_data(HakoSshMaster *master);
void _hako_ssh_master_stop(HakoSshMaster *master);
GSubprocess *_hako_ssh_master_retire(HakoSshMaster *master);
char *_hako_ssh_master_dup_last_error(HakoSshMaster *master);
char *_hako_ssh_master_rewrite_uri(HakoSshMaster *master, const char *uri);
int _hako_ssh_master_open_tunnel(HakoSshMaster *master, const char *host, int port, GError **error);

G_END_DECLS
