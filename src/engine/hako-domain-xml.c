/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A guest's XML definition: read for editing, checked, and defined again (the XML tab). */
#include "config.h"

#include "hako-domain-xml.h"

#include "hako-connection-manager-private.h"
#include "hako-engine-error.h"
#include "hako-engine-private.h"

#include <glib/gi18n.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <string.h>

G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlDoc, xmlFreeDoc)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlParserCtxt, xmlFreeParserCtxt)

/*
 * The XML tab edits the guest's persistent definition: the inactive XML, with its secrets
 * (display passwords) where the connection may see them, since a definition read without them
 * and defined again would lose them. Defining goes through three gates, each of which leaves
 * the guest as it was: the text must be well-formed XML (libxml2 says where it is not), it must
 * still name the same guest (same UUID and name: virDomainDefineXML with another UUID would
 * make a second guest, and with another name would be refused or make a copy, so the tab
 * refuses both and says what to put back), and libvirt must accept it. libvirt checks it
 * against its schema too where the driver can (VIR_DOMAIN_DEFINE_VALIDATE), so that an element
 * it does not know is refused with the reason instead of silently dropped. A define either
 * replaces the whole definition or changes nothing.
 */

/* ---------------------------------------------------------------------- */
/* Checks (pure) */

static xmlNodePtr
first_child_element(xmlNodePtr parent, const char *name)
{
    for (xmlNodePtr node = parent->children; node != NULL; node = node->next) {
        if (node->type == XML_ELEMENT_NODE && g_str_equal((const char *)node->name, name))
            return node;
    }
    return NULL;
}

static char *
element_text(xmlNodePtr node)
{
    xmlChar *content = xmlNodeGetContent(node);
    char *text = g_strdup(content != NULL ? (const char *)content : "");

    xmlFree(content);
    return text;
}

/* A UUID as libvirt reads it: its hex digits, lower case (dashes and spaces do not count). */
static char *
normalize_uuid(const char *uuid)
{
    GString *out = g_string_new(NULL);

    for (const char *p = uuid; *p != '\0'; p++) {
        if (g_ascii_isxdigit(*p))
            g_string_append_c(out, g_ascii_tolower(*p));
        else if (*p != '-' && !g_ascii_isspace(*p))
            g_string_append_c(out, *p); /* not a UUID: keep it so that it differs */
    }
    return g_string_free(out, FALSE);
}

/**
 * hako_domain_xml_check:
 * @xml: an edited definition
 * @uuid: (nullable): the UUID the guest has; the XML must keep it
 * @name: (nullable): the name the guest has; the XML must keep it
 * @line: (out) (optional): where the XML stops being well-formed (1-based), else 0
 * @column: (out) (optional): the column there (1-based), else 0
 *
 * Checks, without a connection, that @xml is well-formed, has a `<domain>` root and still
 * names the guest @uuid called @name. Renaming and changing the UUID are refused: the XML tab
 * changes one guest and never makes another.
 *
 * Returns: whether @xml passes; else @error (%HAKO_ENGINE_ERROR_INVALID_DATA) says why.
 */
gboolean
hako_domain_xml_check(
    const char *xml, const char *uuid, const char *name, int *line, int *column, GError **error)
{
    g_autoptr(xmlParserCtxt) ctxt = NULL;
    g_autoptr(xmlDoc) doc = NULL;
    xmlNodePtr root;
    xmlNodePtr node;

    g_return_val_if_fail(xml != NULL, FALSE);

    if (line != NULL)
        *line = 0;
    if (column != NULL)
        *column = 0;

    ctxt = xmlNewParserCtxt();
    if (ctxt == NULL) {
        g_set_error_literal(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_FAILED,
                            _("Could not read the XML: out of memory."));
        return FALSE;
    }
    doc = xmlCtxtReadMemory(ctxt, xml, (int)strlen(xml), "domain.xml", NULL,
                            XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (doc == NULL || !ctxt->wellFormed) {
        xmlErrorPtr err = xmlCtxtGetLastError(ctxt);
        g_autofree char *message =
            g_strdup(err != NULL && err->message != NULL ? err->message : _("unknown error"));
        int err_line = err != NULL ? MAX(err->line, 1) : 1;
        int err_column = err != NULL ? MAX(err->int2, 1) : 1;

        g_strstrip(message);
        if (line != NULL)
            *line = err_line;
        if (column != NULL)
            *column = err_column;
        g_set_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_INVALID_DATA,
                    _("The XML is not well-formed: line %d, column %d: %s"), err_line, err_column,
                    message);
        return FALSE;
    }

    root = xmlDocGetRootElement(doc);
    if (root == NULL || !g_str_equal((const char *)root->name, "domain")) {
        g_set_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_INVALID_DATA,
                    _("The XML does not describe a guest: its root element is <%s>, not "
                      "<domain>."),
                    root != NULL ? (const char *)root->name : "");
        return FALSE;
    }

    if (uuid != NULL) {
        g_autofree char *text = NULL;
        g_autofree char *have = NULL;
        g_autofree char *want = normalize_uuid(uuid);

        node = first_child_element(root, "uuid");
        if (node == NULL) {
            g_set_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_INVALID_DATA,
                        _("The <uuid> element was removed: put back <uuid>%s</uuid>. This tab "
                          "changes the guest; it cannot make another one."),
                        uuid);
            return FALSE;
        }
        text = g_strstrip(element_text(node));
        have = normalize_uuid(text);
        if (!g_str_equal(have, want)) {
            g_set_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_INVALID_DATA,
                        _("The UUID was changed to “%s”: put back “%s”. This tab cannot change "
                          "a guest's UUID or make another guest."),
                        text, uuid);
            return FALSE;
        }
    }

    if (name != NULL) {
        g_autofree char *text = NULL;

        node = first_child_element(root, "name");
        if (node == NULL) {
            g_set_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_INVALID_DATA,
                        _("The <name> element was removed: put back <name>%s</name>."), name);
            return FALSE;
        }
        text = element_text(node);
        if (!g_str_equal(text, name)) {
            g_set_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_INVALID_DATA,
                        _("The name was changed to “%s”: put back “%s”. This tab cannot "
                          "rename a guest."),
                        text, name);
            return FALSE;
        }
    }
    return TRUE;
}

/* ---------------------------------------------------------------------- */
/* Workers */

typedef struct {
    virConnectPtr conn;
    gboolean read_only;
    char *uuid;
    char *xml;
} XmlData;

static void
xml_data_free(gpointer data)
{
    XmlData *d = data;

    if (d->conn != NULL)
        virConnectClose(d->conn);
    g_free(d->uuid);
    g_free(d->xml);
    g_free(d);
}

static virDomainPtr
lookup(XmlData *d, GError **error)
{
    virDomainPtr dom = virDomainLookupByUUIDString(d->conn, d->uuid);

    if (dom == NULL)
        *error = _hako_engine_error_from_libvirt(HAKO_ENGINE_ERROR_NOT_FOUND,
                                                 _("Could not find the guest %s"), d->uuid);
    return dom;
}

static char *
get_xml(XmlData *d, GError **error)
{
    virDomainPtr dom = lookup(d, error);
    unsigned int flags = VIR_DOMAIN_XML_INACTIVE;
    char *xml;

    if (dom == NULL)
        return NULL;
    /* secrets only for a connection that may change the guest (libvirt refuses otherwise) */
    if (!d->read_only)
        flags |= VIR_DOMAIN_XML_SECURE;
    xml = virDomainGetXMLDesc(dom, flags);
    if (xml == NULL)
        *error = _hako_engine_error_from_libvirt(
            HAKO_ENGINE_ERROR_FAILED, _("Could not read the XML of “%s”"), virDomainGetName(dom));
    virDomainFree(dom);
    return xml;
}

static void
get_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    XmlData *d = data;
    GError *error = NULL;
    char *xml = get_xml(d, &error);

    /* the last reference may be the worker's: close it here, never on the main thread */
    virConnectClose(g_steal_pointer(&d->conn));
    if (xml == NULL) {
        g_task_return_error(task, error);
        return;
    }
    /* libvirt's memory, freed with free(); hand over a GLib string */
    g_task_return_pointer(task, g_strdup(xml), g_free);
    free(xml);
}

/* Whether a define failed only because the driver cannot check the schema. */
static gboolean
validate_unsupported(virErrorPtr err)
{
    return err != NULL && (err->code == VIR_ERR_NO_SUPPORT ||
                           (err->code == VIR_ERR_INVALID_ARG && err->message != NULL &&
                            strstr(err->message, "unsupported flags") != NULL));
}

static gboolean
define_xml(XmlData *d, GError **error)
{
    virDomainPtr dom = lookup(d, error);
    virDomainPtr defined;
    g_autofree char *name = NULL;
    int persistent;

    if (dom == NULL)
        return FALSE;
    name = g_strdup(virDomainGetName(dom));
    persistent = virDomainIsPersistent(dom);
    virDomainFree(dom);
    if (persistent == 0) {
        /* defining would make it persistent: something else than changing it */
        g_set_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_NOT_SUPPORTED,
                    _("“%s” is a transient guest: it has no definition to change."), name);
        return FALSE;
    }
    if (!hako_domain_xml_check(d->xml, d->uuid, name, NULL, NULL, error))
        return FALSE;

    defined = virDomainDefineXMLFlags(d->conn, d->xml, VIR_DOMAIN_DEFINE_VALIDATE);
    if (defined == NULL && validate_unsupported(virGetLastError())) {
        g_debug("%s: no schema check: %s", name, _hako_libvirt_last_message());
        virResetLastError();
        defined = virDomainDefineXML(d->conn, d->xml);
    }
    if (defined == NULL) {
        *error = _hako_engine_error_from_libvirt(
            HAKO_ENGINE_ERROR_FAILED, _("libvirt refused the new definition of “%s”"), name);
        return FALSE;
    }
    virDomainFree(defined);
    return TRUE;
}

static void
define_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    XmlData *d = data;
    GError *error = NULL;
    gboolean ok = define_xml(d, &error);

    virConnectClose(g_steal_pointer(&d->conn));
    if (!ok)
        g_task_return_error(task, error);
    else
        g_task_return_boolean(task, TRUE);
}

/* ---------------------------------------------------------------------- */
/* API */

/**
 * hako_domain_xml_get_async:
 * @manager: the connections
 * @host: a connected host of @manager
 * @uuid: the guest's UUID
 *
 * Reads the persistent (inactive) XML definition of the guest @uuid on a thread of its own,
 * with its secrets where the connection is not read-only.
 */
void
hako_domain_xml_get_async(HakoConnectionManager *manager,
                          HakoHost *host,
                          const char *uuid,
                          GCancellable *cancellable,
                          GAsyncReadyCallback callback,
                          gpointer user_data)
{
    g_autoptr(GTask) task = NULL;
    GError *error = NULL;
    XmlData *d;
    virConnectPtr conn;
    gboolean read_only = TRUE;

    g_return_if_fail(HAKO_IS_CONNECTION_MANAGER(manager));
    g_return_if_fail(HAKO_IS_HOST(host));
    g_return_if_fail(uuid != NULL);

    task = g_task_new(manager, cancellable, callback, user_data);
    g_task_set_source_tag(task, hako_domain_xml_get_async);
    conn = _hako_connection_manager_dup_host_conn_to_read(manager, host, &read_only, &error);
    if (conn == NULL) {
        g_task_return_error(task, error);
        return;
    }
    d = g_new0(XmlData, 1);
    d->conn = conn;
    d->read_only = read_only;
    d->uuid = g_strdup(uuid);
    g_task_set_task_data(task, d, xml_data_free);
    _hako_task_run_in_own_thread(task, get_thread);
}

/**
 * hako_domain_xml_get_finish:
 *
 * Returns: (transfer full): the guest's XML, or NULL with @error set.
 */
char *
hako_domain_xml_get_finish(HakoConnectionManager *manager, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, manager), NULL);
    g_return_val_if_fail(g_task_get_source_tag(G_TASK(result)) == hako_domain_xml_get_async, NULL);

    return g_task_propagate_pointer(G_TASK(result), error);
}

/**
 * hako_domain_xml_define_async:
 * @manager: the connections
 * @host: a connected host of @manager that may be changed
 * @uuid: the guest's UUID
 * @xml: its new definition
 *
 * Replaces the persistent definition of the guest @uuid with @xml, on a thread of its own,
 * once hako_domain_xml_check() passes against the guest's name there. A running guest keeps
 * running as it is; the new definition applies when it next starts. On any failure the guest
 * is left as it was, and the error says why: %HAKO_ENGINE_ERROR_INVALID_DATA for XML that is
 * not well-formed or names another guest, %HAKO_ENGINE_ERROR_FAILED with libvirt's reason when
 * libvirt refuses it.
 */
void
hako_domain_xml_define_async(HakoConnectionManager *manager,
                             HakoHost *host,
                             const char *uuid,
                             const char *xml,
                             GCancellable *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer user_data)
{
    g_autoptr(GTask) task = NULL;
    GError *error = NULL;
    XmlData *d;
    virConnectPtr conn;

    g_return_if_fail(HAKO_IS_CONNECTION_MANAGER(manager));
    g_return_if_fail(HAKO_IS_HOST(host));
    g_return_if_fail(uuid != NULL);
    g_return_if_fail(xml != NULL);

    task = g_task_new(manager, cancellable, callback, user_data);
    g_task_set_source_tag(task, hako_domain_xml_define_async);
    conn = _hako_connection_manager_dup_host_conn_to_change(manager, host, &error);
    if (conn == NULL) {
        g_task_return_error(task, error);
        return;
    }
    d = g_new0(XmlData, 1);
    d->conn = conn;
    d->uuid = g_strdup(uuid);
    d->xml = g_strdup(xml);
    g_task_set_task_data(task, d, xml_data_free);
    _hako_task_run_in_own_thread(task, define_thread);
}

/**
 * hako_domain_xml_define_finish:
 *
 * Returns: whether the guest now has the new definition; else @error says why.
 */
gboolean
hako_domain_xml_define_finish(HakoConnectionManager *manager, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, manager), FALSE);
    g_return_val_if_fail(g_task_get_source_tag(G_TASK(result)) == hako_domain_xml_define_async,
                         FALSE);

    return g_task_propagate_boolean(G_TASK(result), error);
}
