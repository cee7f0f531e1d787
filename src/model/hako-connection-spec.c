/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoConnectionSpec: a libvirt connection URI as the Add Connection dialog's fields. */
#include "config.h"

#include "hako-connection-spec.h"

#include "hako-model-types.h"

#include <glib/gi18n.h>
#include <string.h>

G_DEFINE_BOXED_TYPE(HakoConnectionSpec,
                    hako_connection_spec,
                    hako_connection_spec_copy,
                    hako_connection_spec_free)

/* RFC 1123 and RFC 1035: a name of at most 253 characters, in labels of at most 63. */
#define MAX_HOST_NAME 253
#define MAX_HOST_LABEL 63
#define MAX_PORT 65535

/**
 * hako_connection_spec_new:
 *
 * Returns: (transfer full): a spec for qemu:///system, the dialog's default.
 */
HakoConnectionSpec *
hako_connection_spec_new(void)
{
    return g_new0(HakoConnectionSpec, 1);
}

/**
 * hako_connection_spec_copy:
 *
 * Returns: (transfer full): a deep copy of @spec.
 */
HakoConnectionSpec *
hako_connection_spec_copy(const HakoConnectionSpec *spec)
{
    HakoConnectionSpec *copy;

    g_return_val_if_fail(spec != NULL, NULL);

    copy = g_memdup2(spec, sizeof *spec);
    copy->user = g_strdup(spec->user);
    copy->host = g_strdup(spec->host);
    copy->query = g_strdup(spec->query);
    return copy;
}

void
hako_connection_spec_free(HakoConnectionSpec *spec)
{
    if (spec == NULL)
        return;
    g_free(spec->user);
    g_free(spec->host);
    g_free(spec->query);
    g_free(spec);
}

static gboolean
has_text(const char *s)
{
    return s != NULL && *s != '\0';
}

static const char *
none_if_empty(const char *s)
{
    return has_text(s) ? s : NULL;
}

/**
 * hako_connection_spec_equal:
 *
 * Returns: whether @a and @b hold the same values, fields that do not apply included (an
 *   empty user or host name is the same as none).
 */
gboolean
hako_connection_spec_equal(const HakoConnectionSpec *a, const HakoConnectionSpec *b)
{
    g_return_val_if_fail(a != NULL && b != NULL, FALSE);

    return a->hypervisor == b->hypervisor && a->transport == b->transport &&
           g_strcmp0(none_if_empty(a->user), none_if_empty(b->user)) == 0 &&
           g_strcmp0(none_if_empty(a->host), none_if_empty(b->host)) == 0 && a->port == b->port &&
           a->session == b->session && g_strcmp0(a->query, b->query) == 0;
}

/**
 * hako_connection_spec_to_uri:
 *
 * Builds the URI of @spec, also when @spec is not valid (the dialog shows it as the user types):
 * qemu:///system, qemu+ssh://root@server:2222/system?keyfile=…, xen+tls://[fe80::1]/system.
 * The user name is left out unless the transport is SSH, the host and port when it is local.
 *
 * Returns: (transfer full): the URI.
 */
char *
hako_connection_spec_to_uri(const HakoConnectionSpec *spec)
{
    GString *uri;

    g_return_val_if_fail(spec != NULL, NULL);

    uri = g_string_new(spec->hypervisor == HAKO_HYPERVISOR_XEN ? "xen" : "qemu");
    if (spec->transport == HAKO_TRANSPORT_SSH)
        g_string_append(uri, "+ssh");
    else if (spec->transport == HAKO_TRANSPORT_TLS)
        g_string_append(uri, "+tls");
    g_string_append(uri, "://");
    if (spec->transport != HAKO_TRANSPORT_LOCAL) {
        if (spec->transport == HAKO_TRANSPORT_SSH && has_text(spec->user)) {
            g_string_append_uri_escaped(uri, spec->user,
                                        G_URI_RESERVED_CHARS_SUBCOMPONENT_DELIMITERS, FALSE);
            g_string_append_c(uri, '@');
        }
        if (spec->host != NULL && strchr(spec->host, ':') != NULL) {
            g_string_append_c(uri, '[');
            g_string_append_uri_escaped(uri, spec->host, ":", FALSE);
            g_string_append_c(uri, ']');
        } else if (spec->host != NULL) {
            g_string_append_uri_escaped(uri, spec->host,
                                        G_URI_RESERVED_CHARS_SUBCOMPONENT_DELIMITERS, FALSE);
        }
        if (spec->port != 0)
            g_string_append_printf(uri, ":%u", spec->port);
    }
    g_string_append(uri, spec->session ? "/session" : "/system");
    if (spec->query != NULL)
        g_string_append_printf(uri, "?%s", spec->query);
    return g_string_free(uri, FALSE);
}

/**
 * hako_connection_spec_from_uri:
 * @spec: the spec to fill
 * @uri: a libvirt connection URI
 *
 * Fills @spec from @uri when the fields can show @uri exactly, that is when
 * hako_connection_spec_to_uri() gives @uri back: qemu or xen, local, SSH or TLS, /system or
 * /session, with any query. Other URIs (qemu+tcp://, test:///default, a TLS URI with a user
 * name, a password, a fragment, an upper-case scheme) are custom URIs the fields cannot show.
 *
 * Returns: %TRUE if @spec was filled; %FALSE, leaving @spec as it was, otherwise.
 */
gboolean
hako_connection_spec_from_uri(HakoConnectionSpec *spec, const char *uri)
{
    g_autoptr(GUri) parsed = NULL;
    g_autoptr(HakoConnectionSpec) candidate = NULL;
    g_autofree char *again = NULL;
    const char *scheme;
    const char *plus;
    const char *path;
    g_autofree char *driver = NULL;

    g_return_val_if_fail(spec != NULL, FALSE);

    if (uri == NULL)
        return FALSE;
    parsed = g_uri_parse(uri, G_URI_FLAGS_NON_DNS | G_URI_FLAGS_ENCODED_QUERY, NULL);
    if (parsed == NULL)
        return FALSE;

    candidate = hako_connection_spec_new();
    scheme = g_uri_get_scheme(parsed);
    plus = strchr(scheme, '+');
    driver = plus != NULL ? g_strndup(scheme, plus - scheme) : g_strdup(scheme);
    if (g_strcmp0(driver, "qemu") == 0)
        candidate->hypervisor = HAKO_HYPERVISOR_QEMU;
    else if (g_strcmp0(driver, "xen") == 0)
        candidate->hypervisor = HAKO_HYPERVISOR_XEN;
    else
        return FALSE;
    if (plus == NULL)
        candidate->transport = HAKO_TRANSPORT_LOCAL;
    else if (g_strcmp0(plus, "+ssh") == 0)
        candidate->transport = HAKO_TRANSPORT_SSH;
    else if (g_strcmp0(plus, "+tls") == 0)
        candidate->transport = HAKO_TRANSPORT_TLS;
    else
        return FALSE;

    path = g_uri_get_path(parsed);
    if (g_strcmp0(path, "/session") == 0)
        candidate->session = TRUE;
    else if (g_strcmp0(path, "/system") != 0)
        return FALSE;

    candidate->user = g_strdup(g_uri_get_user(parsed));
    candidate->host = g_strdup(g_uri_get_host(parsed));
    candidate->port = MAX(g_uri_get_port(parsed), 0);
    candidate->query = g_strdup(g_uri_get_query(parsed));

    /* Whatever the fields would lose or spell differently makes the URI a custom one. */
    again = hako_connection_spec_to_uri(candidate);
    if (g_strcmp0(again, uri) != 0)
        return FALSE;

    /* Local URIs have an empty host ("qemu:///system"); keep the fields free of it. */
    if (candidate->transport == HAKO_TRANSPORT_LOCAL)
        g_clear_pointer(&candidate->host, g_free);

    g_free(spec->user);
    g_free(spec->host);
    g_free(spec->query);
    *spec = *candidate;
    memset(candidate, 0, sizeof *candidate);
    return TRUE;
}

/*
 * The first character of @s that @allowed refuses, or 0. Non-ASCII characters are all refused:
 * host names are ASCII (an internationalised name goes in its xn-- form) and so are the user
 * names ssh servers accept.
 */
static gunichar
first_refused(const char *s, gboolean (*allowed)(char c))
{
    for (const char *p = s; *p != '\0'; p = g_utf8_next_char(p)) {
        if ((guchar)*p >= 0x80) {
            gunichar c = g_utf8_get_char_validated(p, -1);

            return c == (gunichar)-1 || c == (gunichar)-2 ? 0xFFFD : c;
        }
        if (!allowed(*p))
            return (guchar)*p;
    }
    return 0;
}

static gboolean
host_char_allowed(char c)
{
    return g_ascii_isalnum(c) || c == '-' || c == '.';
}

static gboolean
user_char_allowed(char c)
{
    return g_ascii_isalnum(c) || c == '-' || c == '.' || c == '_' || c == '$';
}

/* What @c is, for a message: a space is hard to see between quotes. */
static char *
describe_char(gunichar c)
{
    char utf8[7] = {0};

    if (g_unichar_isspace(c))
        return g_strdup(_("a space"));
    if (!g_unichar_isprint(c))
        return g_strdup(_("a control character"));
    g_unichar_to_utf8(c, utf8);
    /* Translators: a character quoted in a message, as in “it contains “@”” */
    return g_strdup_printf(_("“%s”"), utf8);
}

static gboolean
validate_ipv6(const char *host, GError **error)
{
    /* The brackets are the URI's business, and a zone (fe80::1%eth0) does not survive
     * libvirt's URI parser. */
    if (strpbrk(host, "[]%") != NULL || !g_hostname_is_ip_address(host)) {
        g_set_error(error, HAKO_MODEL_ERROR, HAKO_MODEL_ERROR_INVALID_SPEC,
                    _("“%s” is not a valid IPv6 address: write it as in fe80::1, without brackets "
                      "and without a zone."),
                    host);
        return FALSE;
    }
    return TRUE;
}

static gboolean
validate_host(const char *host, GError **error)
{
    g_auto(GStrv) labels = NULL;
    gunichar refused;
    gsize length = strlen(host);
    guint n;

    if (host[0] == '[' || strchr(host, ':') != NULL)
        return validate_ipv6(host, error);

    refused = first_refused(host, host_char_allowed);
    if (refused != 0) {
        g_autofree char *what = describe_char(refused);
        g_autofree char *shown = g_utf8_make_valid(host, -1);

        g_set_error(error, HAKO_MODEL_ERROR, HAKO_MODEL_ERROR_INVALID_SPEC,
                    _("“%s” is not a valid host name: it contains %s. Use letters, digits, "
                      "hyphens and dots, or an IP address."),
                    shown, what);
        return FALSE;
    }

    /* Only digits and dots: meant as an IPv4 address (no top-level domain is all digits). */
    if (strspn(host, "0123456789.") == length) {
        if (!g_hostname_is_ip_address(host)) {
            g_set_error(error, HAKO_MODEL_ERROR, HAKO_MODEL_ERROR_INVALID_SPEC,
                        _("“%s” is not a valid IPv4 address: write four numbers from 0 to 255 "
                          "separated by dots, as in 192.0.2.1."),
                        host);
            return FALSE;
        }
        return TRUE;
    }

    /* One final dot makes a fully qualified name ("server.example.com."). */
    if (length > 1 && host[length - 1] == '.')
        length--;
    if (length > MAX_HOST_NAME) {
        g_set_error(error, HAKO_MODEL_ERROR, HAKO_MODEL_ERROR_INVALID_SPEC,
                    _("“%s” is not a valid host name: it is longer than 253 characters."), host);
        return FALSE;
    }
    labels = g_strsplit(host, ".", -1);
    n = g_strv_length(labels);
    for (guint i = 0; i < n; i++) {
        gsize label_length = strlen(labels[i]);

        if (label_length == 0 && i == n - 1 && n > 1 && length < strlen(host))
            break; /* the final dot */
        if (label_length == 0) {
            g_set_error(error, HAKO_MODEL_ERROR, HAKO_MODEL_ERROR_INVALID_SPEC,
                        _("“%s” is not a valid host name: it has an empty part between dots."),
                        host);
            return FALSE;
        }
        if (labels[i][0] == '-' || labels[i][label_length - 1] == '-') {
            g_set_error(error, HAKO_MODEL_ERROR, HAKO_MODEL_ERROR_INVALID_SPEC,
                        _("“%s” is not a valid host name: a part between dots cannot start or end "
                          "with a hyphen."),
                        host);
            return FALSE;
        }
        if (label_length > MAX_HOST_LABEL) {
            g_set_error(error, HAKO_MODEL_ERROR, HAKO_MODEL_ERROR_INVALID_SPEC,
                        _("“%s” is not a valid host name: a part between dots is longer than 63 "
                          "characters."),
                        host);
            return FALSE;
        }
    }
    return TRUE;
}

static gboolean
validate_user(const char *user, GError **error)
{
    gunichar refused = first_refused(user, user_char_allowed);
    const char *dollar = strchr(user, '$');

    if (refused != 0) {
        g_autofree char *what = describe_char(refused);
        g_autofree char *shown = g_utf8_make_valid(user, -1);

        g_set_error(error, HAKO_MODEL_ERROR, HAKO_MODEL_ERROR_INVALID_SPEC,
                    _("“%s” is not a valid user name: it contains %s. Use letters, digits, dots, "
                      "hyphens and underscores."),
                    shown, what);
        return FALSE;
    }
    /* ssh would read "-oProxyCommand=…" as an option. */
    if (user[0] == '-') {
        g_set_error(error, HAKO_MODEL_ERROR, HAKO_MODEL_ERROR_INVALID_SPEC,
                    _("“%s” is not a valid user name: it cannot start with a hyphen."), user);
        return FALSE;
    }
    /* "$" ends the names of Samba machine accounts, and may appear nowhere else. */
    if (dollar != NULL && dollar[1] != '\0') {
        g_set_error(error, HAKO_MODEL_ERROR, HAKO_MODEL_ERROR_INVALID_SPEC,
                    _("“%s” is not a valid user name: “$” may only end it."), user);
        return FALSE;
    }
    return TRUE;
}

static void
set_port_range_error(GError **error, const char *port)
{
    g_set_error(error, HAKO_MODEL_ERROR, HAKO_MODEL_ERROR_INVALID_SPEC,
                _("Port %s is out of range: enter a number from 1 to 65535, or leave the port "
                  "empty for the default."),
                port);
}

/**
 * hako_connection_spec_validate:
 *
 * Checks what the fields say before anything is contacted: a user session only where libvirt
 * has one, a host name for a remote transport, host and user names made of the characters they
 * may hold, a port in range. Fields that do not apply to the transport are not checked.
 *
 * Returns: %TRUE if @spec makes a connection URI worth trying; %FALSE with @error set to a
 *   sentence that says what is wrong and how to put it right.
 */
gboolean
hako_connection_spec_validate(const HakoConnectionSpec *spec, GError **error)
{
    g_return_val_if_fail(spec != NULL, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    if (spec->session && spec->hypervisor == HAKO_HYPERVISOR_XEN) {
        g_set_error_literal(error, HAKO_MODEL_ERROR, HAKO_MODEL_ERROR_INVALID_SPEC,
                            _("Xen has no user session: connect to the system instance "
                              "(/system) instead."));
        return FALSE;
    }
    /* libvirt's system daemon answers a /session URI over TLS with its own system instance,
     * not a user's session: only SSH logs in as the user whose session it is. */
    if (spec->session && spec->transport == HAKO_TRANSPORT_TLS) {
        g_set_error_literal(error, HAKO_MODEL_ERROR, HAKO_MODEL_ERROR_INVALID_SPEC,
                            _("A user session cannot be reached over TLS: choose SSH to reach a "
                              "user’s session on another machine, or connect to the system "
                              "instance."));
        return FALSE;
    }
    if (spec->transport == HAKO_TRANSPORT_LOCAL)
        return TRUE;

    if (!has_text(spec->host)) {
        g_set_error(error, HAKO_MODEL_ERROR, HAKO_MODEL_ERROR_INVALID_SPEC,
                    /* Translators: %s is SSH or TLS */
                    _("A connection over %s needs a host: enter the name or address of the "
                      "machine to connect to."),
                    spec->transport == HAKO_TRANSPORT_SSH ? "SSH" : "TLS");
        return FALSE;
    }
    if (!validate_host(spec->host, error))
        return FALSE;
    if (spec->transport == HAKO_TRANSPORT_SSH && has_text(spec->user) &&
        !validate_user(spec->user, error))
        return FALSE;
    if (spec->port > MAX_PORT) {
        g_autofree char *port = g_strdup_printf("%u", spec->port);

        set_port_range_error(error, port);
        return FALSE;
    }
    return TRUE;
}

/**
 * hako_connection_spec_parse_port:
 * @text: (nullable): what the user typed in the port field
 * @port: (out): the port, 0 when @text is empty (the transport's default)
 *
 * Returns: %TRUE if @text is empty or a port from 1 to 65535.
 */
gboolean
hako_connection_spec_parse_port(const char *text, guint *port, GError **error)
{
    guint64 value = 0;

    g_return_val_if_fail(port != NULL, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    if (!has_text(text)) {
        *port = 0;
        return TRUE;
    }
    if (strspn(text, "0123456789") != strlen(text)) {
        g_autofree char *shown = g_utf8_make_valid(text, -1);

        g_set_error(error, HAKO_MODEL_ERROR, HAKO_MODEL_ERROR_INVALID_SPEC,
                    _("“%s” is not a port number: enter digits only, from 1 to 65535, or leave "
                      "the port empty for the default."),
                    shown);
        return FALSE;
    }
    /* Leading zeros are fine, as in ssh -p; only the value counts. */
    text += strspn(text, "0");
    if (strlen(text) > 5 ||
        !g_ascii_string_to_unsigned(*text != '\0' ? text : "0", 10, 1, MAX_PORT, &value, NULL)) {
        set_port_range_error(error, *text != '\0' ? text : "0");
        return FALSE;
    }
    *port = (guint)value;
    return TRUE;
}
