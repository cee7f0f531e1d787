/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What went wrong with a host, in plain words with what to do: pure functions over libvirt's
 * errors and capabilities, unit-tested case by case. */
#include "config.h"

#include "hako-troubleshoot.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <libvirt/virterror.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <string.h>

/**
 * hako_trouble_free:
 * @trouble: (nullable): what hako_troubleshoot_*() returned
 */
void
hako_trouble_free(HakoTrouble *trouble)
{
    if (trouble == NULL)
        return;
    g_free(trouble->summary);
    g_free(trouble->fix);
    g_free(trouble);
}

static HakoTrouble *
trouble_new(HakoTroubleKind kind, char *summary, char *fix)
{
    HakoTrouble *trouble = g_new0(HakoTrouble, 1);

    trouble->kind = kind;
    trouble->summary = summary;
    trouble->fix = fix;
    return trouble;
}

/* Where a URI leads, as far as the advice needs it. */
typedef struct {
    char *host;      /* NULL for this computer */
    char *transport; /* "ssh", "libssh", "tcp", "tls", "unix" or NULL (local default) */
    char *socket;    /* ?socket=PATH, or NULL */
    int port;        /* -1 when not given */
} Place;

static void
place_clear(Place *place)
{
    g_free(place->host);
    g_free(place->transport);
    g_free(place->socket);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(Place, place_clear)

static void
place_from_uri(const char *uri, Place *place)
{
    g_autoptr(GUri) parsed = NULL;
    const char *scheme;
    const char *plus;
    const char *host;
    const char *query;

    memset(place, 0, sizeof(*place));
    place->port = -1;
    if (uri == NULL)
        return;
    parsed = g_uri_parse(uri, G_URI_FLAGS_ENCODED_QUERY | G_URI_FLAGS_NON_DNS, NULL);
    if (parsed == NULL)
        return;
    scheme = g_uri_get_scheme(parsed);
    plus = scheme != NULL ? strchr(scheme, '+') : NULL;
    if (plus != NULL)
        place->transport = g_ascii_strdown(plus + 1, -1);
    host = g_uri_get_host(parsed);
    if (host != NULL && *host != '\0' && g_strcmp0(place->transport, "unix") != 0)
        place->host = g_strdup(host);
    place->port = g_uri_get_port(parsed);
    query = g_uri_get_query(parsed);
    if (query != NULL) {
        g_autoptr(GHashTable) params = g_uri_parse_params(query, -1, "&", G_URI_PARAMS_NONE, NULL);
        const char *socket = params != NULL ? g_hash_table_lookup(params, "socket") : NULL;

        place->socket = g_strdup(socket);
    }
}

static gboolean
over_ssh(const Place *place)
{
    return place->transport != NULL &&
           (g_str_equal(place->transport, "ssh") || g_str_equal(place->transport, "libssh") ||
            g_str_equal(place->transport, "libssh2"));
}

static gboolean
contains_any(const char *text, const char *const *needles)
{
    for (guint i = 0; needles[i] != NULL; i++)
        if (strstr(text, needles[i]) != NULL)
            return TRUE;
    return FALSE;
}

static HakoTrouble *
host_unknown(const Place *place)
{
    return trouble_new(
        HAKO_TROUBLE_HOST_UNKNOWN,
        g_strdup_printf(_("The host name “%s” does not resolve: no DNS server and no entry in "
                          "/etc/hosts knows it."),
                        place->host != NULL ? place->host : "?"),
        g_strdup(_("Check the spelling of the host name, or connect to the host by its IP "
                   "address.")));
}

static HakoTrouble *
host_unreachable(const Place *place)
{
    const char *host = place->host != NULL ? place->host : "?";

    if (over_ssh(place))
        return trouble_new(
            HAKO_TROUBLE_HOST_UNREACHABLE,
            g_strdup_printf(_("Nothing answers SSH connections on %s (port %d)."), host,
                            place->port > 0 ? place->port : 22),
            g_strdup(_("Check that the host is switched on and on the network, that its SSH "
                       "server runs (“systemctl start sshd”) and that no firewall blocks the "
                       "port.")));
    return trouble_new(HAKO_TROUBLE_HOST_UNREACHABLE,
                       g_strdup_printf(_("%s cannot be reached over the network."), host),
                       g_strdup(_("Check that the host is switched on and on the network, and "
                                  "that no firewall blocks the way.")));
}

static HakoTrouble *
polkit_refused(const Place *place, gboolean no_bus)
{
    if (place->host != NULL)
        return trouble_new(
            HAKO_TROUBLE_POLKIT,
            g_strdup_printf(_("The authorization policy (polkit) of %s did not let the user you "
                              "log in as manage virtual machines."),
                            place->host),
            g_strdup_printf(_("On %s, add that user to the “libvirt” group "
                              "(“usermod -aG libvirt USER”), or log in as root."),
                            place->host));
    if (no_bus)
        /* The daemon asks polkit over the system bus, and there is none (a minimal system). */
        return trouble_new(
            HAKO_TROUBLE_POLKIT,
            g_strdup(_("The libvirt daemon could not ask polkit whether you may manage virtual "
                       "machines: the system bus (D-Bus) does not run.")),
            g_strdup(_("Start the system bus and polkit; or, in /etc/libvirt/libvirtd.conf, set "
                       "auth_unix_rw = \"none\", unix_sock_group = \"libvirt\" and "
                       "unix_sock_rw_perms = \"0770\", restart libvirtd, and add your user to the "
                       "“libvirt” group (then log out and back in).")));
    return trouble_new(
        HAKO_TROUBLE_POLKIT,
        g_strdup(_("The system’s authorization policy (polkit) did not let you manage virtual "
                   "machines, and there was no authentication agent to ask you for a "
                   "password.")),
        g_strdup(_("Add your user to the “libvirt” group, which polkit lets manage libvirt "
                   "without asking (“sudo usermod -aG libvirt $USER”), then log out and back in; "
                   "or run your desktop’s polkit authentication agent.")));
}

static HakoTrouble *
permission_denied(const Place *place)
{
    if (place->host != NULL)
        return trouble_new(
            HAKO_TROUBLE_SOCKET_PERMISSION,
            g_strdup_printf(_("The user you log in as on %s is not allowed to use the libvirt "
                              "daemon’s socket there."),
                            place->host),
            g_strdup_printf(_("On %s, add that user to the “libvirt” group "
                              "(“usermod -aG libvirt USER”), or log in as root."),
                            place->host));
    return trouble_new(
        HAKO_TROUBLE_SOCKET_PERMISSION,
        place->socket != NULL
            ? g_strdup_printf(_("You are not allowed to use the libvirt daemon’s socket %s: "
                                "permission denied."),
                              place->socket)
            : g_strdup(_("You are not allowed to use the libvirt daemon’s socket on this "
                         "computer: permission denied.")),
        g_strdup(_("Add your user to the “libvirt” group (“sudo usermod -aG libvirt $USER”), "
                   "then log out and back in so that the new group applies; or let polkit allow "
                   "you, or connect to your own session (qemu:///session).")));
}

static HakoTrouble *
daemon_not_running(const Place *place)
{
    const char *transport = place->transport;

    if (place->host != NULL && transport != NULL &&
        (g_str_equal(transport, "tcp") || g_str_equal(transport, "tls")))
        return trouble_new(
            HAKO_TROUBLE_DAEMON_NOT_RUNNING,
            g_strdup_printf(_("The libvirt daemon on %s does not answer on the network: it is not "
                              "running, or not listening for %s connections."),
                            place->host, g_str_equal(transport, "tcp") ? "TCP" : "TLS"),
            g_strdup_printf(_("On %s, start it with “systemctl start libvirtd libvirtd-%s.socket” "
                              "(without systemd: “libvirtd -d --listen”), then connect again."),
                            place->host, transport));
    if (place->host != NULL)
        return trouble_new(
            HAKO_TROUBLE_DAEMON_NOT_RUNNING,
            g_strdup_printf(_("The libvirt daemon is not running on %s."), place->host),
            g_strdup_printf(_("On %s, start it with “systemctl start libvirtd” (without "
                              "systemd: “libvirtd -d”), then connect again."),
                            place->host));
    return trouble_new(
        HAKO_TROUBLE_DAEMON_NOT_RUNNING,
        place->socket != NULL
            ? g_strdup_printf(_("The libvirt daemon is not running: nothing listens on its "
                                "socket %s."),
                              place->socket)
            : g_strdup(_("The libvirt daemon is not running on this computer.")),
        g_strdup(_("Start it with “systemctl start libvirtd” (without systemd: “libvirtd -d”), "
                   "then connect again.")));
}

/**
 * hako_troubleshoot_connect_error:
 * @failure: how connecting failed: the URI, libvirt's error code, domain, errno and message
 *   (or ssh's message, with code 0)
 *
 * Recognises the connection failures a user can put right: the libvirt daemon not running or
 * not reachable, permission denied on its socket, polkit refusing, a host name that does not
 * resolve and a host that does not answer.
 *
 * Returns: (transfer full) (nullable): what happened and what to do, or %NULL when the failure
 *   is none of those.
 */
HakoTrouble *
hako_troubleshoot_connect_error(const HakoConnectFailure *failure)
{
    static const char *const unresolved[] = {
        "Could not resolve hostname",           "Name or service not known",
        "Temporary failure in name resolution", "No address associated with hostname",
        "nodename nor servname provided",       NULL,
    };
    static const char *const unreachable[] = {
        "No route to host",
        "Network is unreachable",
        "Connection timed out",
        NULL,
    };
    static const char *const polkit[] = {
        "polkit",
        "authentication unavailable",
        "Authorization not available",
        NULL,
    };
    static const char *const socket_failed[] = {
        "Failed to connect socket",
        "unix connect failed",
        NULL,
    };
    static const char *const daemon_gone[] = {
        "No such file or directory",
        "Connection refused",
        NULL,
    };
    g_auto(Place) place = {0};
    const char *message;
    int err;

    g_return_val_if_fail(failure != NULL, NULL);

    place_from_uri(failure->uri, &place);
    message = failure->message != NULL ? failure->message : "";
    err = failure->code == VIR_ERR_SYSTEM_ERROR ? failure->system_errno : 0;

    /* The network first: ssh's and the resolver's words name the real cause even when libvirt
     * only saw the connection drop (ECONNRESET). */
    if (contains_any(message, unresolved))
        return host_unknown(&place);
    if (strstr(message, "ssh: connect to host") != NULL || contains_any(message, unreachable) ||
        (place.host != NULL && (err == EHOSTUNREACH || err == ENETUNREACH || err == ETIMEDOUT)))
        return host_unreachable(&place);

    if (failure->code == VIR_ERR_AUTH_UNAVAILABLE || contains_any(message, polkit))
        return polkit_refused(&place, FALSE);
    /* Only the daemon's polkit check needs the system bus while connecting. */
    if (failure->domain == VIR_FROM_DBUS && strstr(message, "system bus") != NULL)
        return polkit_refused(&place, TRUE);

    /* An SSH login refused says "Permission denied (publickey,password)": that is no socket. */
    if ((err == EACCES || err == EPERM ||
         (strstr(message, "Permission denied") != NULL && strstr(message, "publickey") == NULL &&
          strstr(message, "refused the SSH login") == NULL)) &&
        failure->code != VIR_ERR_AUTH_FAILED)
        return permission_denied(&place);

    if (err == ENOENT || err == ECONNREFUSED ||
        (contains_any(message, socket_failed) && contains_any(message, daemon_gone)))
        return daemon_not_running(&place);
    return NULL;
}

/**
 * hako_troubleshoot_no_kvm:
 *
 * Returns: (transfer full): what a host without KVM means and how to give it KVM.
 */
HakoTrouble *
hako_troubleshoot_no_kvm(void)
{
    return trouble_new(HAKO_TROUBLE_NO_KVM,
                       g_strdup(_("KVM is not available on this host: guests run emulated "
                                  "(slow).")),
                       g_strdup(_("Enable VT-x or AMD-V in the host’s firmware settings and load "
                                  "the kvm_intel or kvm_amd module (“modprobe kvm_intel”), then "
                                  "restart libvirtd.")));
}

/**
 * hako_troubleshoot_caps_lack_kvm:
 * @caps_xml: (nullable): what virConnectGetCapabilities() returned
 *
 * Returns: %TRUE when the host runs QEMU guests but offers no <domain type='kvm'/> for any of
 *   them: no /dev/kvm, no VT-x/AMD-V, or the module not loaded. %FALSE for a host with KVM, and
 *   for drivers other than QEMU (Xen, the test driver), where KVM is not the question.
 */
gboolean
hako_troubleshoot_caps_lack_kvm(const char *caps_xml)
{
    xmlDocPtr doc;
    xmlXPathContextPtr ctx;
    xmlXPathObjectPtr kvm = NULL;
    xmlXPathObjectPtr qemu = NULL;
    gboolean lacks = FALSE;

    if (caps_xml == NULL)
        return FALSE;
    doc = xmlReadMemory(caps_xml, (int)strlen(caps_xml), "capabilities.xml", NULL,
                        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (doc == NULL)
        return FALSE;
    ctx = xmlXPathNewContext(doc);
    if (ctx != NULL) {
        kvm = xmlXPathEvalExpression(
            (const xmlChar *)"boolean(/capabilities/guest/arch/domain[@type='kvm'])", ctx);
        qemu = xmlXPathEvalExpression(
            (const xmlChar *)"boolean(/capabilities/guest/arch/domain[@type='qemu'])", ctx);
        lacks = kvm != NULL && qemu != NULL && !kvm->boolval && qemu->boolval;
        xmlXPathFreeObject(kvm);
        xmlXPathFreeObject(qemu);
        xmlXPathFreeContext(ctx);
    }
    xmlFreeDoc(doc);
    return lacks;
}

/**
 * hako_trouble_explain:
 * @detail: (nullable): the error as libvirt or ssh gave it
 *
 * Returns: (transfer full): the summary and the fix, then @detail on a line of its own.
 */
char *
hako_trouble_explain(const HakoTrouble *trouble, const char *detail)
{
    g_return_val_if_fail(trouble != NULL, NULL);

    if (detail == NULL || *detail == '\0')
        /* Translators: what happened, then what to do */
        return g_strdup_printf(_("%s %s"), trouble->summary, trouble->fix);
    /* Translators: what happened, what to do, then the error as libvirt gave it */
    return g_strdup_printf(_("%s %s\n%s"), trouble->summary, trouble->fix, detail);
}

/* The text between @prefix, which ends with a quote, and the next quote in @message, if any. */
static char *
quoted_after(const char *message, const char *prefix)
{
    const char *start = strstr(message, prefix);
    const char *end;

    if (start == NULL)
        return NULL;
    start += strlen(prefix);
    end = strchr(start, '\'');
    return end != NULL && end > start ? g_strndup(start, end - start) : NULL;
}

/**
 * hako_troubleshoot_start_error:
 * @message: (nullable): why libvirt could not start a guest
 *
 * Recognises a guest that cannot start because QEMU may not open one of its disk images (a
 * folder above it that QEMU's user cannot enter, or, with SELinux, a folder without the
 * virt_image_t label), because a network card's bridge or virtual network is missing, or its
 * virtual network not started (as after moving a guest's definition between hosts), because
 * the host could not give it its memory, or because the host has no KVM.
 *
 * Returns: (transfer full) (nullable): the explanation, or %NULL for other failures.
 */
HakoTrouble *
hako_troubleshoot_start_error(const char *message)
{
    g_autoptr(GRegex) open_denied = NULL;
    g_autoptr(GMatchInfo) match = NULL;
    g_autofree char *name = NULL;

    if (message == NULL)
        return NULL;
    /* QEMU's words, or libvirt's when it checks the image as QEMU's user first */
    open_denied =
        g_regex_new("(?:Could not open|Cannot access storage file) '([^']+)'.*?: Permission denied",
                    0, 0, NULL);
    if (g_regex_match(open_denied, message, 0, &match)) {
        g_autofree char *path = g_match_info_fetch(match, 1);
        g_autofree char *folder = g_path_get_dirname(path);

        return trouble_new(
            HAKO_TROUBLE_IMAGE_ACCESS,
            g_strdup_printf(_("QEMU may not open the disk image %s."), path),
            g_strdup_printf(_("Let QEMU's user (libvirt-qemu) enter every folder above it "
                              "(chmod o+x on each), or keep images in a storage pool's folder "
                              "such as /var/lib/libvirt/images; with SELinux, label the folder: "
                              "semanage fcontext -a -t virt_image_t '%s(/.*)?' and restorecon "
                              "-R %s."),
                            folder, folder));
    }
    if ((name = quoted_after(message, "Cannot get interface MTU on '")) != NULL &&
        strstr(message, "No such device") != NULL)
        return trouble_new(
            HAKO_TROUBLE_BRIDGE_MISSING,
            g_strdup_printf(_("The guest’s network card is connected to the bridge %s, which "
                              "this host does not have."),
                            name),
            g_strdup_printf(_("Create the bridge on the host (for example with “nmcli "
                              "connection add type bridge ifname %s”), or connect the network "
                              "card to a virtual network such as “default” on its page in the "
                              "guest’s window."),
                            name));
    g_clear_pointer(&name, g_free);
    if ((name = quoted_after(message, "no network with matching name '")) != NULL)
        return trouble_new(
            HAKO_TROUBLE_NETWORK_MISSING,
            g_strdup_printf(_("The guest’s network card is connected to the virtual network "
                              "%s, which this host does not have."),
                            name),
            g_strdup(_("Create the network in Connection Details › Virtual Networks, or "
                       "connect the network card to another network on its page in the "
                       "guest’s window.")));
    g_clear_pointer(&name, g_free);
    if ((name = quoted_after(message, "network '")) != NULL &&
        strstr(message, "is not active") != NULL)
        return trouble_new(
            HAKO_TROUBLE_NETWORK_INACTIVE,
            g_strdup_printf(_("The virtual network %s, which the guest’s network card is "
                              "connected to, is not started."),
                            name),
            g_strdup(_("Start it in Connection Details › Virtual Networks, and tick its "
                       "Autostart so that it starts with the host; then run the guest again.")));
    g_clear_pointer(&name, g_free);
    if (strstr(message, "cannot set up guest memory") != NULL &&
        strstr(message, "Cannot allocate memory") != NULL)
        return trouble_new(
            HAKO_TROUBLE_HOST_MEMORY,
            g_strdup(_("The host could not give the guest the memory it asks for.")),
            g_strdup(_("Give the guest less memory on its Memory page, or shut down other "
                       "guests or programs on the host to free some; then run it again.")));
    if (strstr(message, "Could not access KVM kernel module") != NULL ||
        strstr(message, "failed to initialize kvm") != NULL ||
        strstr(message, "failed to initialize KVM") != NULL)
        return hako_troubleshoot_no_kvm();
    return NULL;
}
