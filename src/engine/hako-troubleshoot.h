/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What went wrong with a host, in plain words with what to do: pure functions over libvirt's
 * errors and capabilities. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
    HAKO_TROUBLE_DAEMON_NOT_RUNNING, /* no socket, or nobody listening on it */
    HAKO_TROUBLE_SOCKET_PERMISSION,  /* the socket's mode keeps the user out */
    HAKO_TROUBLE_POLKIT,             /* polkit said no, or had nobody to ask */
    HAKO_TROUBLE_HOST_UNKNOWN,       /* the host name does not resolve */
    HAKO_TROUBLE_HOST_UNREACHABLE,   /* no answer, or refused, on the network */
    HAKO_TROUBLE_NO_KVM,             /* connected, but guests can only be emulated */
    HAKO_TROUBLE_IMAGE_ACCESS,       /* QEMU may not open a disk image (folders, SELinux) */
    HAKO_TROUBLE_BRIDGE_MISSING,     /* a network card's host bridge does not exist */
    HAKO_TROUBLE_NETWORK_MISSING,    /* a network card's virtual network is not defined */
    HAKO_TROUBLE_NETWORK_INACTIVE,   /* a network card's virtual network is not started */
    HAKO_TROUBLE_HOST_MEMORY,        /* the host could not give the guest its memory */
} HakoTroubleKind;

/* One explained failure: @summary says what happened, @fix what to do; both one or two
 * translated sentences. */
typedef struct {
    HakoTroubleKind kind;
    char *summary;
    char *fix;
} HakoTrouble;

/* A failed connection as libvirt (or ssh) reported it. */
typedef struct {
    const char *uri;
    int code;         /* virErrorNumber; 0 (VIR_ERR_OK) when the error is not libvirt's */
    int domain;       /* virErrorDomain */
    int system_errno; /* virError.int1 of a VIR_ERR_SYSTEM_ERROR, else 0 */
    const char *message;
} HakoConnectFailure;

void hako_trouble_free(HakoTrouble *trouble);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HakoTrouble, hako_trouble_free)

HakoTrouble *hako_troubleshoot_connect_error(const HakoConnectFailure *failure);
HakoTrouble *hako_troubleshoot_no_kvm(void);
HakoTrouble *hako_troubleshoot_start_error(const char *message);
gboolean hako_troubleshoot_caps_lack_kvm(const char *caps_xml);
char *hako_trouble_explain(const HakoTrouble *trouble, const char *detail);

G_END_DECLS
