/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoDomainConfig: a guest's XML, edited in place.
 *
 * The inactive XML is parsed once into a libxml2 document, blanks and comments kept, and every
 * edit changes only the nodes it is about: an element that is added takes the indentation of
 * its siblings, one that is removed takes its indentation with it, and everything Hako does not
 * know (unknown elements and attributes, foreign metadata, comments, order) is never touched.
 * Serialised without an XML declaration, an unedited document gives back what it was read from
 * (byte for byte when that was written in libxml2's own way, else the same canonical document).
 *
 * Each device element read from libvirt is marked (node->_private) with a serial number that
 * its twin in the baseline document shares, so that applying can tell added (unmarked, or
 * marked but not in the baseline), removed and changed devices apart and carry them to the
 * running guest. */
#include "config.h"

#include "hako-domain-config.h"

#include "hako-connection-manager-private.h"
#include "hako-engine-error.h"
#include "hako-engine-private.h"

#include <glib/gi18n.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlsave.h>
#include <string.h>

#define LIBOSINFO_NS "http://libosinfo.org/xmlns/libvirt/domain/1.0"

struct _HakoDomainConfig {
    GObject parent_instance;

    xmlDoc *doc;      /* the inactive XML, edited */
    xmlDoc *base_doc; /* the inactive XML as read (or last defined) */
    char *base_xml;   /* base_doc serialised, what is_modified() compares with */
    xmlDoc *live;     /* the live XML, or NULL */
    gboolean modified;
    guint next_serial; /* the next device mark */
};

G_DEFINE_FINAL_TYPE(HakoDomainConfig, hako_domain_config, G_TYPE_OBJECT)

enum {
    PROP_0,
    PROP_MODIFIED,
    N_PROPS,
};

static GParamSpec *properties[N_PROPS];

enum {
    DEVICES_CHANGED,
    N_SIGNALS,
};

static guint signals[N_SIGNALS];

/* ---------------------------------------------------------------------- */
/* Parsing and serialising */

static xmlDoc *
parse_domain(const char *xml, GError **error)
{
    xmlParserCtxt *ctxt;
    xmlDoc *doc;
    xmlNode *root;

    if (xml == NULL || *xml == '\0') {
        g_set_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_INVALID_DATA,
                    _("The guest’s description is empty."));
        return NULL;
    }
    ctxt = xmlNewParserCtxt();
    /* No network, no entity expansion, no DTD: blanks are kept so that nothing moves. */
    doc = xmlCtxtReadMemory(ctxt, xml, (int)strlen(xml), "domain.xml", "UTF-8",
                            XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (doc == NULL) {
        const xmlError *err = xmlCtxtGetLastError(ctxt);
        g_autofree char *message = g_strstrip(
            g_strdup(err != NULL && err->message != NULL ? err->message : "unknown error"));

        g_set_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_INVALID_DATA,
                    _("The guest’s description is not valid XML: %s"), message);
        xmlFreeParserCtxt(ctxt);
        return NULL;
    }
    xmlFreeParserCtxt(ctxt);
    root = xmlDocGetRootElement(doc);
    if (root == NULL || root->ns != NULL || g_strcmp0((const char *)root->name, "domain") != 0) {
        g_set_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_INVALID_DATA,
                    _("The guest’s description is not a <domain>."));
        xmlFreeDoc(doc);
        return NULL;
    }
    return doc;
}

static char *
doc_to_string(xmlDoc *doc)
{
    xmlBuffer *buf = xmlBufferCreate();
    xmlSaveCtxt *save = xmlSaveToBuffer(buf, "UTF-8", XML_SAVE_NO_DECL);
    char *result;

    xmlSaveDoc(save, doc);
    xmlSaveClose(save);
    result = g_strdup((const char *)xmlBufferContent(buf));
    xmlBufferFree(buf);
    return result;
}

/* One element on its own, with the namespaces it uses declared on it. */
static char *
node_to_string(xmlNode *node)
{
    xmlDoc *doc = xmlNewDoc(BAD_CAST "1.0");
    xmlNode *copy = xmlDocCopyNode(node, doc, 1);
    xmlBuffer *buf = xmlBufferCreate();
    char *result;

    xmlDocSetRootElement(doc, copy);
    xmlReconciliateNs(doc, copy);
    xmlNodeDump(buf, doc, copy, 0, 0);
    result = g_strdup((const char *)xmlBufferContent(buf));
    xmlBufferFree(buf);
    xmlFreeDoc(doc);
    return result;
}

/* ---------------------------------------------------------------------- */
/* Small tree helpers */

static gboolean
is_element(xmlNode *node, const char *name)
{
    return node != NULL && node->type == XML_ELEMENT_NODE && node->ns == NULL &&
           (name == NULL || strcmp((const char *)node->name, name) == 0);
}

static gboolean
is_blank(xmlNode *node)
{
    return node != NULL && node->type == XML_TEXT_NODE && xmlIsBlankNode(node);
}

static xmlNode *
child(xmlNode *parent, const char *name)
{
    if (parent == NULL)
        return NULL;
    for (xmlNode *c = parent->children; c != NULL; c = c->next)
        if (is_element(c, name))
            return c;
    return NULL;
}

static xmlNode *
descend(xmlNode *node, const char *path)
{
    g_auto(GStrv) steps = g_strsplit(path, "/", -1);

    for (guint i = 0; steps[i] != NULL && node != NULL; i++)
        node = child(node, steps[i]);
    return node;
}

static char *
text_of(xmlNode *node)
{
    xmlChar *content;
    char *result;

    if (node == NULL)
        return NULL;
    content = xmlNodeGetContent(node);
    result = g_strdup(content != NULL ? (const char *)content : "");
    xmlFree(content);
    return result;
}

static char *
attr_of(xmlNode *node, const char *name)
{
    xmlChar *value;
    char *result;

    if (node == NULL)
        return NULL;
    value = xmlGetNoNsProp(node, BAD_CAST name);
    if (value == NULL)
        return NULL;
    result = g_strdup((const char *)value);
    xmlFree(value);
    return result;
}

static char *
trimmed(char *text)
{
    return text != NULL ? g_strstrip(text) : NULL;
}

/* The whitespace after the last line break before @node, or NULL when it starts no line. */
static char *
indent_before(xmlNode *node)
{
    const char *text;
    const char *nl;

    if (node == NULL || node->prev == NULL || node->prev->type != XML_TEXT_NODE)
        return NULL;
    text = (const char *)node->prev->content;
    if (text == NULL || (nl = strrchr(text, '\n')) == NULL)
        return NULL;
    for (const char *p = nl + 1; *p != '\0'; p++)
        if (*p != ' ' && *p != '\t')
            return NULL;
    return g_strdup(nl + 1);
}

static xmlNode *
first_child_element(xmlNode *parent)
{
    for (xmlNode *c = parent->children; c != NULL; c = c->next)
        if (c->type == XML_ELEMENT_NODE)
            return c;
    return NULL;
}

static gboolean
has_only_blanks(xmlNode *parent)
{
    for (xmlNode *c = parent->children; c != NULL; c = c->next)
        if (!is_blank(c))
            return FALSE;
    return TRUE;
}

/* The indentation of @parent's children, guessed from its first child element or from its own;
 * NULL for a document written on one line. */
static char *
child_indent(xmlNode *parent)
{
    xmlNode *first = first_child_element(parent);
    g_autofree char *own = NULL;

    if (first != NULL)
        return indent_before(first);
    if (parent->parent != NULL && parent->parent->type == XML_DOCUMENT_NODE)
        return g_strdup("  ");
    own = indent_before(parent);
    return own != NULL ? g_strconcat(own, "  ", NULL) : NULL;
}

static xmlNode *
new_blank(xmlDoc *doc, const char *indent)
{
    g_autofree char *text = g_strconcat("\n", indent, NULL);

    return xmlNewDocText(doc, BAD_CAST text);
}

/*
 * Inserts @node into @parent after @after (or before @before, or as its only content when
 * both are NULL and it has no elements), with a line and the indentation of its siblings.
 */
static void
insert_formatted(xmlNode *parent, xmlNode *node, xmlNode *after, xmlNode *before)
{
    g_autofree char *indent = child_indent(parent);

    if (after == NULL && before == NULL) {
        xmlNode *last = NULL;

        for (xmlNode *c = parent->children; c != NULL; c = c->next)
            if (c->type == XML_ELEMENT_NODE || c->type == XML_COMMENT_NODE)
                last = c;
        if (last != NULL) {
            after = last;
        } else if (has_only_blanks(parent)) {
            g_autofree char *own =
                parent->parent != NULL && parent->parent->type == XML_DOCUMENT_NODE
                    ? g_strdup("")
                    : indent_before(parent);

            while (parent->children != NULL) {
                xmlNode *c = parent->children;

                xmlUnlinkNode(c);
                xmlFreeNode(c);
            }
            if (indent != NULL && own != NULL) {
                xmlAddChild(parent, new_blank(parent->doc, indent));
                xmlAddChild(parent, node);
                xmlAddChild(parent, new_blank(parent->doc, own));
            } else {
                xmlAddChild(parent, node);
            }
            return;
        } else {
            xmlAddChild(parent, node);
            return;
        }
    }
    if (after != NULL) {
        xmlAddNextSibling(after, node);
        if (indent != NULL)
            xmlAddPrevSibling(node, new_blank(parent->doc, indent));
    } else {
        xmlAddPrevSibling(before, node);
        if (indent != NULL)
            xmlAddNextSibling(node, new_blank(parent->doc, indent));
    }
}

/* Removes @node with the line it was on. */
static void
remove_formatted(xmlNode *node)
{
    xmlNode *parent = node->parent;
    xmlNode *prev = node->prev;
    xmlNode *next = node->next;

    if (is_blank(prev) && prev->prev != NULL) {
        xmlUnlinkNode(prev);
        xmlFreeNode(prev);
    } else if (is_blank(next) && next->next != NULL) {
        xmlUnlinkNode(next);
        xmlFreeNode(next);
    }
    xmlUnlinkNode(node);
    xmlFreeNode(node);
    /* Only blanks left: the element becomes empty, as it would have been written. */
    if (parent != NULL && parent->type == XML_ELEMENT_NODE && parent->children != NULL &&
        has_only_blanks(parent)) {
        while (parent->children != NULL) {
            xmlNode *c = parent->children;

            xmlUnlinkNode(c);
            xmlFreeNode(c);
        }
    }
}

/* Removes @node, then each ancestor below @stop left without attributes or content. */
static void
remove_and_prune(xmlNode *node, xmlNode *stop)
{
    xmlNode *parent = node->parent;

    remove_formatted(node);
    while (parent != NULL && parent != stop && parent->type == XML_ELEMENT_NODE &&
           parent->properties == NULL && parent->nsDef == NULL && parent->children == NULL) {
        xmlNode *up = parent->parent;

        remove_formatted(parent);
        parent = up;
    }
}

static void
prune_if_empty(xmlNode *node, xmlNode *stop)
{
    if (node != NULL && node != stop && node->properties == NULL && node->nsDef == NULL &&
        (node->children == NULL || has_only_blanks(node)))
        remove_and_prune(node, stop);
}

/* Where libvirt writes each child, so that a new one lands where a reader expects it. */
static const char *const domain_order[] = {
    "name",           "uuid",    "genid",         "title",           "description", "metadata",
    "maxMemory",      "memory",  "currentMemory", "blkiotune",       "memtune",     "memoryBacking",
    "vcpu",           "vcpus",   "iothreads",     "iothreadids",     "cputune",     "numatune",
    "resource",       "sysinfo", "bootloader",    "bootloader_args", "os",          "idmap",
    "features",       "cpu",     "clock",         "on_poweroff",     "on_reboot",   "on_crash",
    "on_lockfailure", "pm",      "perf",          "devices",         "seclabel",    "keywrap",
    "launchSecurity", NULL,
};
static const char *const os_order[] = {
    "type", "firmware", "loader",   "nvram",   "kernel",  "initrd",   "cmdline",
    "dtb",  "init",     "initarg",  "initenv", "initdir", "inituser", "initgroup",
    "acpi", "boot",     "bootmenu", "smbios",  "bios",    NULL,
};
static const char *const cpu_order[] = {
    "model", "vendor", "topology", "cache", "maxphysaddr", "feature", "numa", NULL,
};

static int
order_of(const char *const *order, const char *name)
{
    for (int i = 0; order != NULL && order[i] != NULL; i++)
        if (strcmp(order[i], name) == 0)
            return i;
    return -1;
}

/* Inserts a new element named @name under @parent where @order puts it (at the end when
 * @order does not name it). */
static xmlNode *
insert_new_child(xmlNode *parent, const char *name, const char *const *order)
{
    xmlNode *node = xmlNewDocNode(parent->doc, NULL, BAD_CAST name, NULL);
    int rank = order_of(order, name);
    xmlNode *after = NULL;
    xmlNode *before = NULL;

    if (rank >= 0) {
        for (xmlNode *c = parent->children; c != NULL; c = c->next) {
            int r;

            if (c->type != XML_ELEMENT_NODE || c->ns != NULL)
                continue;
            r = order_of(order, (const char *)c->name);
            if (r < 0)
                continue;
            if (r <= rank)
                after = c;
            else if (before == NULL)
                before = c;
        }
        if (after != NULL)
            before = NULL;
    }
    insert_formatted(parent, node, after, before);
    return node;
}

static xmlNode *
ensure_child(xmlNode *parent, const char *name, const char *const *order)
{
    xmlNode *node = child(parent, name);

    return node != NULL ? node : insert_new_child(parent, name, order);
}

static void
set_text(xmlNode *node, const char *value)
{
    while (node->children != NULL) {
        xmlNode *c = node->children;

        xmlUnlinkNode(c);
        xmlFreeNode(c);
    }
    if (*value != '\0')
        xmlAddChild(node, xmlNewDocText(node->doc, BAD_CAST value));
}

static gboolean
has_child_elements(xmlNode *node)
{
    return first_child_element(node) != NULL;
}

static gboolean
has_child_elements_or_null(xmlNode *node)
{
    return node != NULL && has_child_elements(node);
}

/* Sets or (with NULL) removes an attribute; only when it changes. */
static void
set_attr(xmlNode *node, const char *name, const char *value)
{
    xmlAttr *attr = xmlHasNsProp(node, BAD_CAST name, NULL);

    if (value == NULL) {
        if (attr != NULL)
            xmlRemoveProp(attr);
        return;
    }
    if (attr != NULL) {
        xmlChar *old = xmlNodeGetContent((xmlNode *)attr);
        gboolean same = old != NULL && strcmp((const char *)old, value) == 0;

        xmlFree(old);
        if (same)
            return;
    }
    xmlSetProp(node, BAD_CAST name, BAD_CAST value);
}

/* Sets the text of @parent's child @name, creating it, or removes it with NULL. */
static void
set_child_text(xmlNode *parent, const char *name, const char *const *order, const char *value)
{
    xmlNode *node = child(parent, name);

    if (value == NULL) {
        if (node != NULL)
            remove_formatted(node);
        return;
    }
    if (node != NULL) {
        g_autofree char *old = text_of(node);

        if (strcmp(old, value) == 0)
            return;
    } else {
        node = insert_new_child(parent, name, order);
    }
    set_text(node, value);
}

/* ---------------------------------------------------------------------- */
/* Memory units */

static gboolean
unit_factor(const char *unit, guint64 *factor)
{
    static const struct {
        const char *name;
        guint64 factor;
    } units[] = {
        {"b", 1},
        {"bytes", 1},
        {"KB", 1000},
        {"k", 1024},
        {"KiB", 1024},
        {"MB", 1000000},
        {"M", 1 << 20},
        {"MiB", 1 << 20},
        {"GB", G_GUINT64_CONSTANT(1000000000)},
        {"G", G_GUINT64_CONSTANT(1) << 30},
        {"GiB", G_GUINT64_CONSTANT(1) << 30},
        {"TB", G_GUINT64_CONSTANT(1000000000000)},
        {"T", G_GUINT64_CONSTANT(1) << 40},
        {"TiB", G_GUINT64_CONSTANT(1) << 40},
    };

    if (unit == NULL) {
        *factor = 1024;
        return TRUE;
    }
    for (guint i = 0; i < G_N_ELEMENTS(units); i++) {
        if (strcmp(units[i].name, unit) == 0) {
            *factor = units[i].factor;
            return TRUE;
        }
    }
    return FALSE;
}

/* An amount of memory in KiB (rounded up, as libvirt does), or NULL. */
static char *
memory_get(xmlNode *node)
{
    g_autofree char *text = trimmed(text_of(node));
    g_autofree char *unit = attr_of(node, "unit");
    guint64 value = 0;
    guint64 factor = 0;

    if (text == NULL)
        return NULL;
    if (!g_ascii_string_to_unsigned(text, 10, 0, G_MAXUINT64, &value, NULL) ||
        !unit_factor(unit, &factor) || (factor > 1 && value > G_MAXUINT64 / factor))
        return g_steal_pointer(&text); /* not ours to interpret: shown as written */
    return g_strdup_printf("%" G_GUINT64_FORMAT, (value * factor + 1023) / 1024);
}

static guint64
memory_kib(xmlNode *node)
{
    g_autofree char *text = memory_get(node);
    guint64 value = 0;

    if (text == NULL || !g_ascii_string_to_unsigned(text, 10, 0, G_MAXUINT64, &value, NULL))
        return 0;
    return value;
}

/* Writes @kib into a memory element, in its own unit when that is exact, else in KiB. */
static void
memory_set(xmlNode *node, guint64 kib)
{
    g_autofree char *unit = attr_of(node, "unit");
    g_autofree char *old = trimmed(text_of(node));
    g_autofree char *text = NULL;
    guint64 factor = 0;

    if (old != NULL && *old != '\0' && memory_kib(node) == kib)
        return;
    if (unit != NULL && unit_factor(unit, &factor) && (kib * 1024) % factor == 0) {
        text = g_strdup_printf("%" G_GUINT64_FORMAT, kib * 1024 / factor);
    } else {
        text = g_strdup_printf("%" G_GUINT64_FORMAT, kib);
        if (unit != NULL)
            set_attr(node, "unit", "KiB");
    }
    set_text(node, text);
}

/* ---------------------------------------------------------------------- */
/* Fields */

static xmlNode *
osinfo_os(xmlNode *root, gboolean create)
{
    xmlNode *metadata = child(root, "metadata");
    xmlNode *info = NULL;
    xmlNode *os = NULL;
    xmlNs *ns = NULL;

    for (xmlNode *c = metadata != NULL ? metadata->children : NULL; c != NULL; c = c->next) {
        if (c->type == XML_ELEMENT_NODE && c->ns != NULL &&
            g_strcmp0((const char *)c->ns->href, LIBOSINFO_NS) == 0 &&
            strcmp((const char *)c->name, "libosinfo") == 0) {
            info = c;
            break;
        }
    }
    for (xmlNode *c = info != NULL ? info->children : NULL; c != NULL; c = c->next) {
        if (c->type == XML_ELEMENT_NODE && c->ns != NULL &&
            g_strcmp0((const char *)c->ns->href, LIBOSINFO_NS) == 0 &&
            strcmp((const char *)c->name, "os") == 0) {
            os = c;
            break;
        }
    }
    if (os != NULL || !create)
        return os;
    if (metadata == NULL)
        metadata = insert_new_child(root, "metadata", domain_order);
    if (info == NULL) {
        info = xmlNewDocNode(root->doc, NULL, BAD_CAST "libosinfo", NULL);
        insert_formatted(metadata, info, NULL, NULL);
        ns = xmlNewNs(info, BAD_CAST LIBOSINFO_NS, BAD_CAST "libosinfo");
        xmlSetNs(info, ns);
    } else {
        ns = info->ns;
    }
    os = xmlNewDocNode(root->doc, ns, BAD_CAST "os", NULL);
    insert_formatted(info, os, NULL, NULL);
    return os;
}

static const char *
topology_attr(HakoConfigField field)
{
    switch (field) {
    case HAKO_CONFIG_CPU_SOCKETS:
        return "sockets";
    case HAKO_CONFIG_CPU_DIES:
        return "dies";
    case HAKO_CONFIG_CPU_CORES:
        return "cores";
    case HAKO_CONFIG_CPU_THREADS:
        return "threads";
    default:
        g_assert_not_reached();
    }
}

static const char *
os_text_child(HakoConfigField field)
{
    switch (field) {
    case HAKO_CONFIG_KERNEL:
        return "kernel";
    case HAKO_CONFIG_INITRD:
        return "initrd";
    case HAKO_CONFIG_CMDLINE:
        return "cmdline";
    default:
        g_assert_not_reached();
    }
}

static char *
field_get(xmlDoc *doc, HakoConfigField field)
{
    xmlNode *root;
    xmlNode *os;

    if (doc == NULL)
        return NULL;
    root = xmlDocGetRootElement(doc);
    os = child(root, "os");

    switch (field) {
    case HAKO_CONFIG_NAME:
        return text_of(child(root, "name"));
    case HAKO_CONFIG_TITLE:
        return text_of(child(root, "title"));
    case HAKO_CONFIG_DESCRIPTION:
        return text_of(child(root, "description"));
    case HAKO_CONFIG_UUID:
        return trimmed(text_of(child(root, "uuid")));
    case HAKO_CONFIG_MEMORY:
        return memory_get(child(root, "memory"));
    case HAKO_CONFIG_CURRENT_MEMORY:
        return memory_get(child(root, "currentMemory"));
    case HAKO_CONFIG_VCPUS:
        return trimmed(text_of(child(root, "vcpu")));
    case HAKO_CONFIG_VCPUS_CURRENT:
        return attr_of(child(root, "vcpu"), "current");
    case HAKO_CONFIG_CPU_MODE:
        return attr_of(child(root, "cpu"), "mode");
    case HAKO_CONFIG_CPU_MODEL:
        return trimmed(text_of(descend(root, "cpu/model")));
    case HAKO_CONFIG_CPU_SOCKETS:
    case HAKO_CONFIG_CPU_DIES:
    case HAKO_CONFIG_CPU_CORES:
    case HAKO_CONFIG_CPU_THREADS:
        return attr_of(descend(root, "cpu/topology"), topology_attr(field));
    case HAKO_CONFIG_BOOT_ORDER: {
        GString *order = NULL;

        for (xmlNode *c = os != NULL ? os->children : NULL; c != NULL; c = c->next) {
            g_autofree char *dev = is_element(c, "boot") ? attr_of(c, "dev") : NULL;

            if (dev == NULL)
                continue;
            if (order == NULL)
                order = g_string_new(dev);
            else
                g_string_append_printf(order, ",%s", dev);
        }
        return order != NULL ? g_string_free(order, FALSE) : NULL;
    }
    case HAKO_CONFIG_BOOT_MENU:
        return attr_of(child(os, "bootmenu"), "enable");
    case HAKO_CONFIG_KERNEL:
    case HAKO_CONFIG_INITRD:
    case HAKO_CONFIG_CMDLINE:
        return text_of(child(os, os_text_child(field)));
    case HAKO_CONFIG_ARCH:
        return attr_of(child(os, "type"), "arch");
    case HAKO_CONFIG_MACHINE:
        return attr_of(child(os, "type"), "machine");
    case HAKO_CONFIG_OS_TYPE:
        return trimmed(text_of(child(os, "type")));
    case HAKO_CONFIG_EMULATOR:
        return trimmed(text_of(descend(root, "devices/emulator")));
    case HAKO_CONFIG_FIRMWARE: {
        g_autofree char *firmware = attr_of(os, "firmware");
        g_autofree char *loader_type = attr_of(child(os, "loader"), "type");
        g_autofree char *type = trimmed(text_of(child(os, "type")));

        if (firmware != NULL)
            return g_steal_pointer(&firmware);
        if (g_strcmp0(loader_type, "pflash") == 0)
            return g_strdup("efi");
        return g_strcmp0(type, "hvm") == 0 ? g_strdup("bios") : NULL;
    }
    case HAKO_CONFIG_HYPERVISOR:
        return attr_of(root, "type");
    case HAKO_CONFIG_OS_ID:
        return attr_of(osinfo_os(root, FALSE), "id");
    default:
        g_return_val_if_reached(NULL);
    }
}

static gboolean
invalid(GError **error, const char *format, const char *value)
{
    g_set_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_INVALID_DATA, format, value);
    return FALSE;
}

static gboolean
required(GError **error)
{
    g_set_error_literal(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_INVALID_DATA,
                        _("This setting cannot be left empty."));
    return FALSE;
}

static gboolean
parse_count(const char *value, guint64 max, guint64 *out)
{
    return g_ascii_string_to_unsigned(value, 10, 1, max, out, NULL);
}

/* A name made of letters, digits and a few punctuation marks (CPU models, machines…). */
static gboolean
is_token(const char *value)
{
    if (*value == '\0')
        return FALSE;
    for (const char *p = value; *p != '\0'; p++)
        if (!g_ascii_isalnum(*p) && strchr("-_.+", *p) == NULL)
            return FALSE;
    return TRUE;
}

static gboolean
in_list(const char *value, const char *const *list)
{
    return g_strv_contains(list, value);
}

static char *field_get(xmlDoc *doc, HakoConfigField field);

static gboolean
set_boot_order(xmlNode *root, const char *value, GError **error)
{
    static const char *const devices[] = {"hd", "cdrom", "fd", "network", NULL};
    g_auto(GStrv) devs = NULL;
    g_autoptr(GPtrArray) boots = g_ptr_array_new();
    xmlNode *os;
    guint n = 0;

    if (value != NULL && *value != '\0') {
        devs = g_strsplit(value, ",", -1);
        for (guint i = 0; devs[i] != NULL; i++) {
            g_strstrip(devs[i]);
            if (!in_list(devs[i], devices))
                return invalid(error, _("“%s” is not a boot device: use hd, cdrom, fd or network."),
                               devs[i]);
            for (guint j = 0; j < i; j++)
                if (strcmp(devs[i], devs[j]) == 0)
                    return invalid(error, _("“%s” appears twice in the boot order."), devs[i]);
        }
        n = g_strv_length(devs);
    }
    os = child(root, "os");
    if (os == NULL && n == 0)
        return TRUE;
    if (os == NULL)
        os = insert_new_child(root, "os", domain_order);
    for (xmlNode *c = os->children; c != NULL; c = c->next)
        if (is_element(c, "boot"))
            g_ptr_array_add(boots, c);
    /* The existing <boot> elements are reused in place; only the surplus goes or the lack is
     * added after the last one. */
    for (guint i = 0; i < n; i++) {
        if (i < boots->len) {
            set_attr(boots->pdata[i], "dev", devs[i]);
        } else {
            xmlNode *node;

            if (boots->len > 0) {
                node = xmlNewDocNode(root->doc, NULL, BAD_CAST "boot", NULL);
                insert_formatted(os, node, boots->pdata[boots->len - 1], NULL);
            } else {
                node = insert_new_child(os, "boot", os_order);
            }
            xmlSetProp(node, BAD_CAST "dev", BAD_CAST devs[i]);
            g_ptr_array_add(boots, node);
        }
    }
    for (guint i = n; i < boots->len; i++)
        remove_formatted(boots->pdata[i]);
    return TRUE;
}

static gboolean
set_firmware(xmlNode *root, const char *value, GError **error)
{
    static const char *const kinds[] = {"efi", "bios", NULL};
    xmlNode *os = child(root, "os");
    xmlNode *loader;
    g_autofree char *loader_type = NULL;
    g_autofree char *old = NULL;

    if (value != NULL && !in_list(value, kinds))
        return invalid(error, _("“%s” is not a firmware: use efi or bios."), value);
    if (os == NULL && value == NULL)
        return TRUE;
    if (os == NULL)
        os = insert_new_child(root, "os", domain_order);
    loader = child(os, "loader");
    loader_type = attr_of(loader, "type");
    old = attr_of(os, "firmware");

    if (value == NULL) {
        set_attr(os, "firmware", NULL);
        return TRUE;
    }
    if (strcmp(value, "efi") == 0) {
        /* A pflash loader already is UEFI; otherwise libvirt picks a firmware. */
        if (g_strcmp0(loader_type, "pflash") == 0 && old == NULL)
            return TRUE;
        set_attr(os, "firmware", "efi");
        if (loader != NULL && g_strcmp0(loader_type, "pflash") != 0)
            remove_formatted(loader);
        return TRUE;
    }
    /* BIOS: the UEFI loader and its variables go. */
    if (g_strcmp0(loader_type, "pflash") == 0) {
        xmlNode *nvram = child(os, "nvram");

        remove_formatted(loader);
        if (nvram != NULL)
            remove_formatted(nvram);
    }
    if (old != NULL || g_strcmp0(loader_type, "pflash") == 0)
        set_attr(os, "firmware", "bios");
    else {
        /* Not an HVM guest: only the attribute says it. */
        g_autofree char *now = field_get(root->doc, HAKO_CONFIG_FIRMWARE);

        if (g_strcmp0(now, "bios") != 0)
            set_attr(os, "firmware", "bios");
    }
    return TRUE;
}

static gboolean
field_set(xmlDoc *doc, HakoConfigField field, const char *value, GError **error)
{
    xmlNode *root = xmlDocGetRootElement(doc);
    guint64 n = 0;

    switch (field) {
    case HAKO_CONFIG_NAME:
        if (value == NULL || *value == '\0')
            return required(error);
        if (strchr(value, '/') != NULL || strchr(value, '\n') != NULL)
            return invalid(
                error, _("“%s” cannot be a name: it may not contain “/” or a line break."), value);
        set_child_text(root, "name", domain_order, value);
        return TRUE;
    case HAKO_CONFIG_TITLE:
        if (value != NULL && strchr(value, '\n') != NULL)
            return invalid(error, _("“%s” cannot be a title: it must be a single line."), value);
        set_child_text(root, "title", domain_order, value);
        return TRUE;
    case HAKO_CONFIG_DESCRIPTION:
        set_child_text(root, "description", domain_order, value);
        return TRUE;
    case HAKO_CONFIG_UUID:
        if (value != NULL && !g_uuid_string_is_valid(value))
            return invalid(error, _("“%s” is not a valid UUID."), value);
        set_child_text(root, "uuid", domain_order, value);
        return TRUE;
    case HAKO_CONFIG_MEMORY:
    case HAKO_CONFIG_CURRENT_MEMORY: {
        const char *name = field == HAKO_CONFIG_MEMORY ? "memory" : "currentMemory";
        xmlNode *node;
        xmlNode *current;

        if (value == NULL && field == HAKO_CONFIG_MEMORY)
            return required(error);
        if (value == NULL) {
            set_child_text(root, name, domain_order, NULL);
            return TRUE;
        }
        if (!parse_count(value, G_MAXUINT64 / 1024, &n))
            return invalid(error, _("“%s” is not an amount of memory in KiB."), value);
        if (field == HAKO_CONFIG_CURRENT_MEMORY && child(root, "memory") != NULL &&
            n > memory_kib(child(root, "memory"))) {
            g_set_error_literal(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_INVALID_DATA,
                                _("The current memory cannot be more than the maximum memory."));
            return FALSE;
        }
        node = ensure_child(root, name, domain_order);
        memory_set(node, n);
        /* A smaller maximum takes the current amount down with it, as libvirt would. */
        current = child(root, "currentMemory");
        if (field == HAKO_CONFIG_MEMORY && current != NULL && memory_kib(current) > n)
            memory_set(current, n);
        return TRUE;
    }
    case HAKO_CONFIG_VCPUS: {
        xmlNode *vcpu;
        g_autofree char *current = NULL;
        guint64 cur = 0;

        if (value == NULL)
            return required(error);
        if (!parse_count(value, 16384, &n))
            return invalid(error, _("“%s” is not a number of vCPUs."), value);
        vcpu = ensure_child(root, "vcpu", domain_order);
        {
            g_autofree char *old = trimmed(text_of(vcpu));

            if (g_strcmp0(old, value) != 0)
                set_text(vcpu, value);
        }
        current = attr_of(vcpu, "current");
        if (current != NULL &&
            g_ascii_string_to_unsigned(current, 10, 0, G_MAXUINT64, &cur, NULL) && cur > n) {
            g_autofree char *text = g_strdup_printf("%" G_GUINT64_FORMAT, n);

            set_attr(vcpu, "current", text);
        }
        return TRUE;
    }
    case HAKO_CONFIG_VCPUS_CURRENT: {
        xmlNode *vcpu = child(root, "vcpu");
        g_autofree char *max_text = trimmed(text_of(vcpu));
        guint64 max = 0;

        if (value == NULL) {
            if (vcpu != NULL)
                set_attr(vcpu, "current", NULL);
            return TRUE;
        }
        if (!parse_count(value, 16384, &n))
            return invalid(error, _("“%s” is not a number of vCPUs."), value);
        if (vcpu == NULL || !g_ascii_string_to_unsigned(max_text, 10, 1, G_MAXUINT64, &max, NULL) ||
            n > max) {
            g_set_error_literal(
                error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_INVALID_DATA,
                _("The number of vCPUs plugged in cannot be more than the maximum."));
            return FALSE;
        }
        set_attr(vcpu, "current", value);
        return TRUE;
    }
    case HAKO_CONFIG_CPU_MODE: {
        static const char *const modes[] = {"custom", "host-model", "host-passthrough", "maximum",
                                            NULL};
        xmlNode *cpu = child(root, "cpu");

        if (value != NULL && !in_list(value, modes))
            return invalid(
                error,
                _("“%s” is not a CPU mode: use custom, host-model, host-passthrough or maximum."),
                value);
        if (value == NULL) {
            if (cpu != NULL) {
                set_attr(cpu, "mode", NULL);
                prune_if_empty(cpu, root);
            }
            return TRUE;
        }
        set_attr(ensure_child(root, "cpu", domain_order), "mode", value);
        return TRUE;
    }
    case HAKO_CONFIG_CPU_MODEL: {
        xmlNode *cpu = child(root, "cpu");

        if (value != NULL && !is_token(value))
            return invalid(error, _("“%s” is not a CPU model name."), value);
        if (value == NULL) {
            if (cpu != NULL) {
                set_child_text(cpu, "model", cpu_order, NULL);
                prune_if_empty(cpu, root);
            }
            return TRUE;
        }
        if (has_child_elements_or_null(child(cpu, "model")))
            return invalid(error, _("“%s” is not a CPU model name."), value);
        cpu = ensure_child(root, "cpu", domain_order);
        set_child_text(cpu, "model", cpu_order, value);
        return TRUE;
    }
    case HAKO_CONFIG_CPU_SOCKETS:
    case HAKO_CONFIG_CPU_DIES:
    case HAKO_CONFIG_CPU_CORES:
    case HAKO_CONFIG_CPU_THREADS: {
        xmlNode *topology = descend(root, "cpu/topology");

        if (value != NULL && !parse_count(value, 16384, &n))
            return invalid(error, _("“%s” is not a number of CPUs."), value);
        if (value == NULL) {
            if (topology != NULL) {
                set_attr(topology, topology_attr(field), NULL);
                prune_if_empty(topology, root);
            }
            return TRUE;
        }
        topology = ensure_child(ensure_child(root, "cpu", domain_order), "topology", cpu_order);
        set_attr(topology, topology_attr(field), value);
        return TRUE;
    }
    case HAKO_CONFIG_BOOT_ORDER:
        return set_boot_order(root, value, error);
    case HAKO_CONFIG_BOOT_MENU: {
        static const char *const answers[] = {"yes", "no", NULL};
        xmlNode *os = child(root, "os");
        xmlNode *menu = child(os, "bootmenu");

        if (value != NULL && !in_list(value, answers))
            return invalid(error, _("“%s” is not an answer for the boot menu: use yes or no."),
                           value);
        if (value == NULL) {
            if (menu != NULL)
                remove_formatted(menu);
            return TRUE;
        }
        if (os == NULL)
            os = insert_new_child(root, "os", domain_order);
        set_attr(ensure_child(os, "bootmenu", os_order), "enable", value);
        return TRUE;
    }
    case HAKO_CONFIG_KERNEL:
    case HAKO_CONFIG_INITRD:
    case HAKO_CONFIG_CMDLINE: {
        xmlNode *os = child(root, "os");

        if (value != NULL && field != HAKO_CONFIG_CMDLINE && !g_path_is_absolute(value))
            return invalid(error, _("“%s” is not an absolute path."), value);
        if (os == NULL && value == NULL)
            return TRUE;
        if (os == NULL)
            os = insert_new_child(root, "os", domain_order);
        set_child_text(os, os_text_child(field), os_order, value);
        return TRUE;
    }
    case HAKO_CONFIG_ARCH:
    case HAKO_CONFIG_MACHINE: {
        xmlNode *os = child(root, "os");
        xmlNode *type = child(os, "type");
        const char *attr = field == HAKO_CONFIG_ARCH ? "arch" : "machine";

        if (value != NULL && !is_token(value))
            return invalid(error,
                           field == HAKO_CONFIG_ARCH ? _("“%s” is not an architecture name.")
                                                     : _("“%s” is not a machine type."),
                           value);
        if (value == NULL) {
            if (type != NULL)
                set_attr(type, attr, NULL);
            return TRUE;
        }
        if (os == NULL)
            os = insert_new_child(root, "os", domain_order);
        if (type == NULL)
            type = insert_new_child(os, "type", os_order);
        set_attr(type, attr, value);
        return TRUE;
    }
    case HAKO_CONFIG_OS_TYPE: {
        static const char *const types[] = {"hvm", "xen", "xenpvh", "linux", "exe", NULL};
        xmlNode *os = child(root, "os");

        if (value == NULL)
            return required(error);
        if (!in_list(value, types))
            return invalid(error, _("“%s” is not an OS type: use hvm, xen, xenpvh, linux or exe."),
                           value);
        if (os == NULL)
            os = insert_new_child(root, "os", domain_order);
        set_child_text(os, "type", os_order, value);
        return TRUE;
    }
    case HAKO_CONFIG_EMULATOR: {
        xmlNode *devices = child(root, "devices");
        xmlNode *emulator = child(devices, "emulator");

        if (value != NULL && !g_path_is_absolute(value))
            return invalid(error, _("“%s” is not an absolute path."), value);
        if (value == NULL) {
            if (emulator != NULL)
                remove_formatted(emulator);
            return TRUE;
        }
        if (devices == NULL)
            devices = insert_new_child(root, "devices", domain_order);
        if (emulator == NULL) {
            /* First among the devices, where libvirt writes it. */
            emulator = xmlNewDocNode(doc, NULL, BAD_CAST "emulator", NULL);
            insert_formatted(devices, emulator, NULL, first_child_element(devices));
        }
        {
            g_autofree char *old = trimmed(text_of(emulator));

            if (g_strcmp0(old, value) != 0)
                set_text(emulator, value);
        }
        return TRUE;
    }
    case HAKO_CONFIG_FIRMWARE:
        return set_firmware(root, value, error);
    case HAKO_CONFIG_HYPERVISOR:
        if (value == NULL)
            return required(error);
        if (!is_token(value))
            return invalid(error, _("“%s” is not a hypervisor type."), value);
        set_attr(root, "type", value);
        return TRUE;
    case HAKO_CONFIG_OS_ID: {
        xmlNode *os;

        if (value != NULL && strstr(value, "://") == NULL)
            return invalid(error, _("“%s” is not an operating system ID (a URI)."), value);
        if (value == NULL) {
            os = osinfo_os(root, FALSE);
            if (os != NULL) {
                xmlNode *info = os->parent;
                xmlNode *metadata = info->parent;

                remove_formatted(os);
                if (!has_child_elements(info))
                    remove_formatted(info);
                if (metadata->children == NULL)
                    remove_formatted(metadata);
            }
            return TRUE;
        }
        os = osinfo_os(root, TRUE);
        xmlSetProp(os, BAD_CAST "id", BAD_CAST value);
        return TRUE;
    }
    default:
        g_return_val_if_reached(FALSE);
    }
}

/* ---------------------------------------------------------------------- */
/* Devices */

static const struct {
    const char *element;
    HakoDeviceKind kind;
} device_kinds[] = {
    {"disk", HAKO_DEVICE_DISK},
    {"interface", HAKO_DEVICE_INTERFACE},
    {"graphics", HAKO_DEVICE_GRAPHICS},
    {"video", HAKO_DEVICE_VIDEO},
    {"sound", HAKO_DEVICE_SOUND},
    {"input", HAKO_DEVICE_INPUT},
    {"serial", HAKO_DEVICE_SERIAL},
    {"console", HAKO_DEVICE_CONSOLE},
    {"channel", HAKO_DEVICE_CHANNEL},
    {"controller", HAKO_DEVICE_CONTROLLER},
    {"hostdev", HAKO_DEVICE_HOSTDEV},
    {"tpm", HAKO_DEVICE_TPM},
    {"rng", HAKO_DEVICE_RNG},
    {"watchdog", HAKO_DEVICE_WATCHDOG},
    {"filesystem", HAKO_DEVICE_FILESYSTEM},
    {"memballoon", HAKO_DEVICE_MEMBALLOON},
    {"redirdev", HAKO_DEVICE_REDIRDEV},
    {"parallel", HAKO_DEVICE_PARALLEL},
    {"smartcard", HAKO_DEVICE_SMARTCARD},
    {"hub", HAKO_DEVICE_HUB},
    {"panic", HAKO_DEVICE_PANIC},
    {"shmem", HAKO_DEVICE_SHMEM},
    {"memory", HAKO_DEVICE_MEMORY},
    {"iommu", HAKO_DEVICE_IOMMU},
    {"vsock", HAKO_DEVICE_VSOCK},
    {"audio", HAKO_DEVICE_AUDIO},
};

static HakoDeviceKind
kind_of(xmlNode *node)
{
    if (node->ns == NULL)
        for (guint i = 0; i < G_N_ELEMENTS(device_kinds); i++)
            if (strcmp((const char *)node->name, device_kinds[i].element) == 0)
                return device_kinds[i].kind;
    return HAKO_DEVICE_OTHER;
}

static gboolean
is_device(xmlNode *node)
{
    return node->type == XML_ELEMENT_NODE && !is_element(node, "emulator");
}

static GPtrArray *
list_devices(xmlDoc *doc)
{
    GPtrArray *devices = g_ptr_array_new();
    xmlNode *parent = doc != NULL ? child(xmlDocGetRootElement(doc), "devices") : NULL;

    for (xmlNode *c = parent != NULL ? parent->children : NULL; c != NULL; c = c->next)
        if (is_device(c))
            g_ptr_array_add(devices, c);
    return devices;
}

static xmlNode *
nth_device(HakoDomainConfig *self, guint index)
{
    g_autoptr(GPtrArray) devices = list_devices(self->doc);

    return index < devices->len ? devices->pdata[index] : NULL;
}

/* Marks the devices of @base with new serials, and those of @doc, which holds the same
 * devices in the same order, with the same ones. */
static void
mark_twins(guint *next_serial, xmlDoc *base, xmlDoc *doc)
{
    g_autoptr(GPtrArray) base_devices = list_devices(base);
    g_autoptr(GPtrArray) devices = list_devices(doc);

    g_assert(devices->len == base_devices->len);
    for (guint i = 0; i < base_devices->len; i++) {
        gpointer mark = GUINT_TO_POINTER((*next_serial)++);

        ((xmlNode *)base_devices->pdata[i])->_private = mark;
        ((xmlNode *)devices->pdata[i])->_private = mark;
    }
}

/* The device of the baseline that @node (of the edited document) is, or NULL for a new one. */
static xmlNode *
base_twin(GPtrArray *base_devices, xmlNode *node)
{
    if (node->_private == NULL)
        return NULL;
    for (guint i = 0; i < base_devices->len; i++)
        if (((xmlNode *)base_devices->pdata[i])->_private == node->_private)
            return base_devices->pdata[i];
    return NULL;
}

static gboolean
no_device(guint index, GError **error)
{
    g_set_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_NOT_FOUND, _("There is no device %u."),
                index);
    return FALSE;
}

/* A path relative to a device: element names and a last optional "@attribute". */
static gboolean
split_path(const char *path, GStrv *elements, char **attribute)
{
    g_auto(GStrv) steps = NULL;
    guint n;

    if (path == NULL || *path == '\0')
        return FALSE;
    steps = g_strsplit(path, "/", -1);
    n = g_strv_length(steps);
    *attribute = NULL;
    if (steps[n - 1][0] == '@') {
        if (!is_token(steps[n - 1] + 1))
            return FALSE;
        *attribute = g_strdup(steps[n - 1] + 1);
        g_free(steps[n - 1]);
        steps[n - 1] = NULL;
        n--;
    }
    for (guint i = 0; i < n; i++) {
        if (!is_token(steps[i]) || strcmp(steps[i], ".") == 0 || strcmp(steps[i], "..") == 0) {
            g_clear_pointer(attribute, g_free);
            return FALSE;
        }
    }
    *elements = g_steal_pointer(&steps);
    return TRUE;
}

static char *
node_path_get(xmlNode *node, const char *path)
{
    g_auto(GStrv) elements = NULL;
    g_autofree char *attribute = NULL;

    if (!split_path(path, &elements, &attribute))
        return NULL;
    for (guint i = 0; elements[i] != NULL && node != NULL; i++)
        node = child(node, elements[i]);
    if (node == NULL)
        return NULL;
    return attribute != NULL ? attr_of(node, attribute) : text_of(node);
}

static const char *
kind_label(xmlNode *node)
{
    switch (kind_of(node)) {
    case HAKO_DEVICE_DISK: {
        g_autofree char *device = attr_of(node, "device");

        if (g_strcmp0(device, "cdrom") == 0)
            return _("CD-ROM");
        if (g_strcmp0(device, "floppy") == 0)
            return _("Floppy");
        if (g_strcmp0(device, "lun") == 0)
            return _("LUN");
        return _("Disk");
    }
    case HAKO_DEVICE_INTERFACE:
        return _("NIC");
    case HAKO_DEVICE_GRAPHICS:
        return _("Display");
    case HAKO_DEVICE_VIDEO:
        return _("Video");
    case HAKO_DEVICE_SOUND:
        return _("Sound");
    case HAKO_DEVICE_INPUT:
        return _("Input");
    case HAKO_DEVICE_SERIAL:
        return _("Serial");
    case HAKO_DEVICE_CONSOLE:
        return _("Console");
    case HAKO_DEVICE_CHANNEL:
        return _("Channel");
    case HAKO_DEVICE_CONTROLLER:
        return _("Controller");
    case HAKO_DEVICE_HOSTDEV:
        return _("Host device");
    case HAKO_DEVICE_TPM:
        return _("TPM");
    case HAKO_DEVICE_RNG:
        return _("RNG");
    case HAKO_DEVICE_WATCHDOG:
        return _("Watchdog");
    case HAKO_DEVICE_FILESYSTEM:
        return _("Filesystem");
    case HAKO_DEVICE_MEMBALLOON:
        return _("Memory balloon");
    case HAKO_DEVICE_REDIRDEV:
        return _("USB redirector");
    case HAKO_DEVICE_PARALLEL:
        return _("Parallel");
    case HAKO_DEVICE_SMARTCARD:
        return _("Smartcard");
    case HAKO_DEVICE_HUB:
        return _("Hub");
    case HAKO_DEVICE_PANIC:
        return _("Panic notifier");
    case HAKO_DEVICE_SHMEM:
        return _("Shared memory");
    case HAKO_DEVICE_MEMORY:
        return _("Memory module");
    case HAKO_DEVICE_IOMMU:
        return _("IOMMU");
    case HAKO_DEVICE_VSOCK:
        return _("VSOCK");
    case HAKO_DEVICE_AUDIO:
        return _("Audio backend");
    case HAKO_DEVICE_OTHER:
    default:
        return NULL;
    }
}

/* What tells one device of a kind from the others, as written in the XML (not translated). */
static char *
device_detail(xmlNode *node)
{
    g_autofree char *a = NULL;
    g_autofree char *b = NULL;

    switch (kind_of(node)) {
    case HAKO_DEVICE_DISK:
        a = node_path_get(node, "target/@dev");
        b = node_path_get(node, "target/@bus");
        break;
    case HAKO_DEVICE_INTERFACE:
        a = node_path_get(node, "mac/@address");
        if (a == NULL)
            a = node_path_get(node, "@type");
        break;
    case HAKO_DEVICE_GRAPHICS:
        a = node_path_get(node, "@type");
        if (a != NULL)
            return g_ascii_strup(a, -1);
        break;
    case HAKO_DEVICE_VIDEO:
        a = node_path_get(node, "model/@type");
        break;
    case HAKO_DEVICE_SERIAL:
    case HAKO_DEVICE_PARALLEL:
    case HAKO_DEVICE_CONSOLE: {
        guint64 port = 0;

        a = node_path_get(node, "target/@port");
        if (a != NULL && g_ascii_string_to_unsigned(a, 10, 0, 1024, &port, NULL))
            return g_strdup_printf("%" G_GUINT64_FORMAT, port + 1);
        g_clear_pointer(&a, g_free);
        a = node_path_get(node, "target/@type");
        break;
    }
    case HAKO_DEVICE_CHANNEL:
        a = node_path_get(node, "target/@name");
        if (a == NULL)
            a = node_path_get(node, "target/@type");
        break;
    case HAKO_DEVICE_CONTROLLER:
        a = node_path_get(node, "@type");
        b = node_path_get(node, "@index");
        if (a != NULL && b != NULL)
            return g_strdup_printf("%s %s", a, b);
        break;
    case HAKO_DEVICE_FILESYSTEM:
        a = node_path_get(node, "target/@dir");
        break;
    case HAKO_DEVICE_SHMEM:
        a = node_path_get(node, "@name");
        break;
    case HAKO_DEVICE_SMARTCARD:
        a = node_path_get(node, "@mode");
        break;
    case HAKO_DEVICE_HOSTDEV:
    case HAKO_DEVICE_INPUT:
    case HAKO_DEVICE_HUB:
    case HAKO_DEVICE_REDIRDEV:
    case HAKO_DEVICE_AUDIO:
        a = node_path_get(node, "@type");
        if (kind_of(node) != HAKO_DEVICE_HOSTDEV)
            b = node_path_get(node, "@bus");
        break;
    case HAKO_DEVICE_OTHER:
        return g_strdup_printf("<%s>", (const char *)node->name);
    default:
        a = node_path_get(node, "@model");
        if (a == NULL)
            a = node_path_get(node, "model/@type");
        if (a == NULL)
            a = node_path_get(node, "backend/@model");
        break;
    }
    if (a != NULL && b != NULL)
        return g_strdup_printf("%s (%s)", a, b);
    return g_steal_pointer(&a);
}

static char *
describe(xmlNode *node)
{
    const char *label = kind_label(node);
    g_autofree char *detail = device_detail(node);

    if (label == NULL)
        /* Translators: an element Hako does not know, shown by its name */
        return g_strdup_printf(_("Device %s"), detail);
    if (detail == NULL)
        return g_strdup(label);
    /* Translators: a kind of device and what tells it apart: “Disk vda (virtio)” */
    return g_strdup_printf(C_("device", "%s %s"), label, detail);
}

/* ---------------------------------------------------------------------- */
/* The object */

static void
update_modified(HakoDomainConfig *self)
{
    g_autofree char *xml = doc_to_string(self->doc);
    gboolean modified = g_strcmp0(xml, self->base_xml) != 0;

    if (modified != self->modified) {
        self->modified = modified;
        g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_MODIFIED]);
    }
}

static void
hako_domain_config_finalize(GObject *object)
{
    HakoDomainConfig *self = HAKO_DOMAIN_CONFIG(object);

    g_clear_pointer(&self->doc, xmlFreeDoc);
    g_clear_pointer(&self->base_doc, xmlFreeDoc);
    g_clear_pointer(&self->live, xmlFreeDoc);
    g_free(self->base_xml);

    G_OBJECT_CLASS(hako_domain_config_parent_class)->finalize(object);
}

static void
hako_domain_config_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
    HakoDomainConfig *self = HAKO_DOMAIN_CONFIG(object);

    switch (prop_id) {
    case PROP_MODIFIED:
        g_value_set_boolean(value, self->modified);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    }
}

static void
hako_domain_config_class_init(HakoDomainConfigClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);

    object_class->finalize = hako_domain_config_finalize;
    object_class->get_property = hako_domain_config_get_property;

    properties[PROP_MODIFIED] =
        g_param_spec_boolean("modified", NULL, NULL, FALSE,
                             G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
    g_object_class_install_properties(object_class, N_PROPS, properties);

    /* Emitted after a device was added or removed (device indices may have moved), and after
     * an apply or a revert replaced the document. */
    signals[DEVICES_CHANGED] = g_signal_new("devices-changed", G_TYPE_FROM_CLASS(klass),
                                            G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
hako_domain_config_init(HakoDomainConfig *self)
{
    self->next_serial = 1;
}

/* Makes @xml the baseline and the edited document (both parsed already). */
static void
take_inactive(HakoDomainConfig *self, xmlDoc *doc, xmlDoc *base)
{
    g_clear_pointer(&self->doc, xmlFreeDoc);
    g_clear_pointer(&self->base_doc, xmlFreeDoc);
    g_clear_pointer(&self->base_xml, g_free);
    self->doc = doc;
    self->base_doc = base;
    self->base_xml = doc_to_string(base);
    mark_twins(&self->next_serial, self->base_doc, self->doc);
}

/**
 * hako_domain_config_new_from_xml:
 * @inactive_xml: the guest's persistent (inactive) XML
 * @live_xml: (nullable): its live XML when it runs
 *
 * Returns: (transfer full): the configuration, or %NULL when an XML is not a domain
 */
HakoDomainConfig *
hako_domain_config_new_from_xml(const char *inactive_xml, const char *live_xml, GError **error)
{
    g_autoptr(HakoDomainConfig) self = NULL;
    xmlDoc *doc;
    xmlDoc *base;
    xmlDoc *live = NULL;

    doc = parse_domain(inactive_xml, error);
    if (doc == NULL)
        return NULL;
    if (live_xml != NULL && (live = parse_domain(live_xml, error)) == NULL) {
        xmlFreeDoc(doc);
        return NULL;
    }
    base = parse_domain(inactive_xml, NULL);
    self = g_object_new(HAKO_TYPE_DOMAIN_CONFIG, NULL);
    take_inactive(self, doc, base);
    self->live = live;
    return g_steal_pointer(&self);
}

gboolean
hako_domain_config_is_running(HakoDomainConfig *self)
{
    g_return_val_if_fail(HAKO_IS_DOMAIN_CONFIG(self), FALSE);
    return self->live != NULL;
}

/**
 * hako_domain_config_to_xml:
 *
 * Returns: (transfer full): the edited inactive XML
 */
char *
hako_domain_config_to_xml(HakoDomainConfig *self)
{
    g_return_val_if_fail(HAKO_IS_DOMAIN_CONFIG(self), NULL);
    return doc_to_string(self->doc);
}

/**
 * hako_domain_config_to_live_xml:
 *
 * Returns: (transfer full) (nullable): the live XML as read, %NULL when not running
 */
char *
hako_domain_config_to_live_xml(HakoDomainConfig *self)
{
    g_return_val_if_fail(HAKO_IS_DOMAIN_CONFIG(self), NULL);
    return self->live != NULL ? doc_to_string(self->live) : NULL;
}

gboolean
hako_domain_config_is_modified(HakoDomainConfig *self)
{
    g_return_val_if_fail(HAKO_IS_DOMAIN_CONFIG(self), FALSE);
    return self->modified;
}

void
hako_domain_config_revert(HakoDomainConfig *self)
{
    g_return_if_fail(HAKO_IS_DOMAIN_CONFIG(self));

    if (!self->modified)
        return;
    g_clear_pointer(&self->doc, xmlFreeDoc);
    self->doc = xmlCopyDoc(self->base_doc, 1);
    mark_twins(&self->next_serial, self->base_doc, self->doc);
    update_modified(self);
    g_signal_emit(self, signals[DEVICES_CHANGED], 0);
}

/**
 * hako_domain_config_get:
 * @field: which
 *
 * Returns: (transfer full) (nullable): the field in the edited inactive XML, %NULL when absent
 */
char *
hako_domain_config_get(HakoDomainConfig *self, HakoConfigField field)
{
    g_return_val_if_fail(HAKO_IS_DOMAIN_CONFIG(self), NULL);
    return field_get(self->doc, field);
}

/**
 * hako_domain_config_get_live:
 * @field: which
 *
 * Returns: (transfer full) (nullable): the field in the live XML, %NULL when absent or when the
 *   guest was not running
 */
char *
hako_domain_config_get_live(HakoDomainConfig *self, HakoConfigField field)
{
    g_return_val_if_fail(HAKO_IS_DOMAIN_CONFIG(self), NULL);
    return field_get(self->live, field);
}

/**
 * hako_domain_config_set:
 * @field: which
 * @value: (nullable): the new value (see #HakoConfigField for the forms), or %NULL to remove an
 *   optional field
 *
 * Checks @value and changes the edited inactive XML; nothing else in it changes, with two
 * exceptions libvirt would make anyway: a maximum memory or vCPU count below the current one
 * lowers the current one.
 *
 * Returns: %FALSE with a sentence saying what is wrong when @value is refused
 */
gboolean
hako_domain_config_set(HakoDomainConfig *self,
                       HakoConfigField field,
                       const char *value,
                       GError **error)
{
    gboolean ok;

    g_return_val_if_fail(HAKO_IS_DOMAIN_CONFIG(self), FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    if (value != NULL && !g_utf8_validate(value, -1, NULL))
        return invalid(error, "%s", _("The text is not valid UTF-8."));
    ok = field_set(self->doc, field, value, error);
    update_modified(self);
    return ok;
}

guint
hako_domain_config_get_n_devices(HakoDomainConfig *self)
{
    g_autoptr(GPtrArray) devices = NULL;

    g_return_val_if_fail(HAKO_IS_DOMAIN_CONFIG(self), 0);
    devices = list_devices(self->doc);
    return devices->len;
}

HakoDeviceKind
hako_domain_config_device_kind(HakoDomainConfig *self, guint index)
{
    xmlNode *node;

    g_return_val_if_fail(HAKO_IS_DOMAIN_CONFIG(self), HAKO_DEVICE_OTHER);
    node = nth_device(self, index);
    g_return_val_if_fail(node != NULL, HAKO_DEVICE_OTHER);
    return kind_of(node);
}

/**
 * hako_domain_config_device_describe:
 *
 * Returns: (transfer full): a short translated name for the device
 */
char *
hako_domain_config_device_describe(HakoDomainConfig *self, guint index)
{
    xmlNode *node;

    g_return_val_if_fail(HAKO_IS_DOMAIN_CONFIG(self), NULL);
    node = nth_device(self, index);
    g_return_val_if_fail(node != NULL, NULL);
    return describe(node);
}

/**
 * hako_domain_config_device_get:
 * @path: relative to the device: "source/@file", "@device", "readonly"…
 *
 * Returns: (transfer full) (nullable): the attribute's value or the element's text ("" when it
 *   is empty), %NULL when absent or @path is not a path
 */
char *
hako_domain_config_device_get(HakoDomainConfig *self, guint index, const char *path)
{
    xmlNode *node;

    g_return_val_if_fail(HAKO_IS_DOMAIN_CONFIG(self), NULL);
    node = nth_device(self, index);
    if (node == NULL)
        return NULL;
    return node_path_get(node, path);
}

static gboolean
is_mac(const char *value)
{
    if (strlen(value) != 17)
        return FALSE;
    for (guint i = 0; i < 17; i++) {
        if (i % 3 == 2 ? value[i] != ':' : !g_ascii_isxdigit(value[i]))
            return FALSE;
    }
    return TRUE;
}

/**
 * hako_domain_config_device_set:
 * @path: relative to the device, as for hako_domain_config_device_get()
 * @value: (nullable): the attribute's value or the element's text; %NULL removes the attribute
 *   or element named last (and the elements on the way that it leaves empty)
 *
 * Creates the elements on the way that are missing, at the end of their parents.
 */
gboolean
hako_domain_config_device_set(
    HakoDomainConfig *self, guint index, const char *path, const char *value, GError **error)
{
    g_auto(GStrv) elements = NULL;
    g_autofree char *attribute = NULL;
    xmlNode *device;
    xmlNode *node;

    g_return_val_if_fail(HAKO_IS_DOMAIN_CONFIG(self), FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    device = nth_device(self, index);
    if (device == NULL)
        return no_device(index, error);
    if (!split_path(path, &elements, &attribute))
        return invalid(error, _("“%s” is not a path in a device."), path != NULL ? path : "");
    if (value != NULL && !g_utf8_validate(value, -1, NULL))
        return invalid(error, "%s", _("The text is not valid UTF-8."));
    if (value != NULL && attribute != NULL && strcmp(attribute, "address") == 0 &&
        g_str_has_suffix(path, "mac/@address") && !is_mac(value))
        return invalid(error, _("“%s” is not a MAC address."), value);
    if (attribute == NULL && elements[0] == NULL)
        return invalid(error, _("“%s” is not a path in a device."), path);

    node = device;
    for (guint i = 0; elements[i] != NULL; i++) {
        xmlNode *next = child(node, elements[i]);

        if (next == NULL) {
            if (value == NULL)
                return TRUE; /* nothing to remove */
            next = insert_new_child(node, elements[i], NULL);
        }
        node = next;
    }
    if (attribute != NULL) {
        set_attr(node, attribute, value);
        if (value == NULL)
            prune_if_empty(node, device);
    } else if (value == NULL) {
        remove_and_prune(node, device);
    } else {
        g_autofree char *old = text_of(node);

        if (has_child_elements(node)) {
            update_modified(self);
            return invalid(error, _("“%s” holds other elements: it has no text to set."), path);
        }
        if (strcmp(old, value) != 0)
            set_text(node, value);
    }
    update_modified(self);
    return TRUE;
}

/**
 * hako_domain_config_add_device:
 * @device_xml: one device element
 *
 * Adds the device after the last one of its kind, or after the last device. A NIC without a
 * MAC address is given one (52:54:00:…), so that the definition and the running guest agree.
 *
 * Returns: the new device's index, or -1 with @error set
 */
int
hako_domain_config_add_device(HakoDomainConfig *self, const char *device_xml, GError **error)
{
    g_autoptr(GPtrArray) devices = NULL;
    xmlDoc *fragment;
    xmlNode *root;
    xmlNode *node;
    xmlNode *parent;
    xmlNode *after = NULL;
    xmlParserCtxt *ctxt;

    g_return_val_if_fail(HAKO_IS_DOMAIN_CONFIG(self), -1);
    g_return_val_if_fail(device_xml != NULL, -1);
    g_return_val_if_fail(error == NULL || *error == NULL, -1);

    ctxt = xmlNewParserCtxt();
    fragment = xmlCtxtReadMemory(ctxt, device_xml, (int)strlen(device_xml), "device.xml", "UTF-8",
                                 XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (fragment == NULL) {
        const xmlError *err = xmlCtxtGetLastError(ctxt);
        g_autofree char *message = g_strstrip(
            g_strdup(err != NULL && err->message != NULL ? err->message : "unknown error"));

        g_set_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_INVALID_DATA,
                    _("The device is not valid XML: %s"), message);
        xmlFreeParserCtxt(ctxt);
        return -1;
    }
    xmlFreeParserCtxt(ctxt);
    root = xmlDocGetRootElement(fragment);
    if (root == NULL || !is_device(root) || root->ns != NULL) {
        g_set_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_INVALID_DATA,
                    _("<%s> is not a device."), root != NULL ? (const char *)root->name : "");
        xmlFreeDoc(fragment);
        return -1;
    }

    parent = ensure_child(xmlDocGetRootElement(self->doc), "devices", domain_order);
    node = xmlDocCopyNode(root, self->doc, 1);
    xmlFreeDoc(fragment);
    devices = list_devices(self->doc);
    for (guint i = 0; i < devices->len; i++) {
        xmlNode *d = devices->pdata[i];

        if (d->ns == NULL && strcmp((const char *)d->name, (const char *)node->name) == 0)
            after = d;
    }
    if (after == NULL && devices->len > 0)
        after = devices->pdata[devices->len - 1];
    if (after == NULL)
        after = child(parent, "emulator");
    insert_formatted(parent, node, after, NULL);
    xmlReconciliateNs(self->doc, node);
    node->_private = NULL;
    /* A new NIC gets its MAC address here, so that the definition and the running guest, to
     * which it is plugged separately, agree on it (libvirt would pick two). */
    if (kind_of(node) == HAKO_DEVICE_INTERFACE && child(node, "mac") == NULL) {
        g_autofree char *mac =
            g_strdup_printf("52:54:00:%02x:%02x:%02x", g_random_int_range(0, 256),
                            g_random_int_range(0, 256), g_random_int_range(0, 256));
        xmlNode *element = xmlNewDocNode(self->doc, NULL, BAD_CAST "mac", NULL);

        insert_formatted(node, element, NULL, first_child_element(node));
        xmlSetProp(element, BAD_CAST "address", BAD_CAST mac);
    }

    update_modified(self);
    g_signal_emit(self, signals[DEVICES_CHANGED], 0);

    g_ptr_array_unref(g_steal_pointer(&devices));
    devices = list_devices(self->doc);
    for (guint i = 0; i < devices->len; i++)
        if (devices->pdata[i] == node)
            return (int)i;
    g_return_val_if_reached(-1);
}

gboolean
hako_domain_config_remove_device(HakoDomainConfig *self, guint index, GError **error)
{
    xmlNode *node;

    g_return_val_if_fail(HAKO_IS_DOMAIN_CONFIG(self), FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    node = nth_device(self, index);
    if (node == NULL)
        return no_device(index, error);
    remove_formatted(node);
    update_modified(self);
    g_signal_emit(self, signals[DEVICES_CHANGED], 0);
    return TRUE;
}

/**
 * hako_domain_config_device_to_xml:
 *
 * Returns: (transfer full) (nullable): the device's element on its own
 */
char *
hako_domain_config_device_to_xml(HakoDomainConfig *self, guint index)
{
    xmlNode *node;

    g_return_val_if_fail(HAKO_IS_DOMAIN_CONFIG(self), NULL);
    node = nth_device(self, index);
    return node != NULL ? node_to_string(node) : NULL;
}

/* ---------------------------------------------------------------------- */
/* What can change live */

static const char *
next_boot_sentence(void)
{
    return _("This change takes effect when the guest next starts.");
}

const char *
hako_domain_config_field_needs_restart(HakoDomainConfig *self, HakoConfigField field)
{
    g_return_val_if_fail(HAKO_IS_DOMAIN_CONFIG(self), NULL);

    if (self->live == NULL)
        return NULL;
    switch (field) {
    case HAKO_CONFIG_TITLE:
    case HAKO_CONFIG_DESCRIPTION:
    case HAKO_CONFIG_CURRENT_MEMORY:
    case HAKO_CONFIG_VCPUS_CURRENT:
        return NULL;
    case HAKO_CONFIG_NAME:
        return _("A running guest cannot be renamed; shut it down first.");
    case HAKO_CONFIG_MEMORY:
        return _("The maximum memory changes when the guest next starts.");
    case HAKO_CONFIG_VCPUS:
        return _("The maximum number of vCPUs changes when the guest next starts.");
    default:
        return next_boot_sentence();
    }
}

/* Devices that QEMU and libvirt can plug into, or pull out of, a running guest. */
static gboolean
is_hotpluggable(xmlNode *node)
{
    switch (kind_of(node)) {
    case HAKO_DEVICE_DISK:
    case HAKO_DEVICE_INTERFACE:
    case HAKO_DEVICE_HOSTDEV:
    case HAKO_DEVICE_REDIRDEV:
    case HAKO_DEVICE_SERIAL:
    case HAKO_DEVICE_CONSOLE:
    case HAKO_DEVICE_CHANNEL:
    case HAKO_DEVICE_CONTROLLER:
    case HAKO_DEVICE_RNG:
    case HAKO_DEVICE_FILESYSTEM:
    case HAKO_DEVICE_SHMEM:
    case HAKO_DEVICE_MEMORY:
    case HAKO_DEVICE_WATCHDOG:
    case HAKO_DEVICE_VSOCK:
    case HAKO_DEVICE_INPUT:
        return TRUE;
    default:
        return FALSE;
    }
}

/* Whether editing @path of @node can be carried to the running guest (virDomainUpdateDevice). */
static gboolean
is_live_path(xmlNode *node, const char *path)
{
    g_autofree char *device = attr_of(node, "device");

    switch (kind_of(node)) {
    case HAKO_DEVICE_DISK:
        return (g_strcmp0(device, "cdrom") == 0 || g_strcmp0(device, "floppy") == 0) &&
               (g_str_has_prefix(path, "source") || strcmp(path, "@type") == 0);
    case HAKO_DEVICE_INTERFACE:
        return g_str_has_prefix(path, "link");
    case HAKO_DEVICE_GRAPHICS:
        return strcmp(path, "@passwd") == 0 || strcmp(path, "@passwdValidTo") == 0 ||
               strcmp(path, "@connected") == 0;
    default:
        return FALSE;
    }
}

const char *
hako_domain_config_device_needs_restart(HakoDomainConfig *self, guint index, const char *path)
{
    xmlNode *node;

    g_return_val_if_fail(HAKO_IS_DOMAIN_CONFIG(self), NULL);

    node = nth_device(self, index);
    if (self->live == NULL || node == NULL)
        return NULL;
    if (path == NULL)
        return is_hotpluggable(node)
                   ? NULL
                   : _("Adding or removing this device takes effect when the guest next starts.");
    /* A device not applied yet is plugged in whole, edits included. */
    {
        g_autoptr(GPtrArray) base_devices = list_devices(self->base_doc);

        if (base_twin(base_devices, node) == NULL || is_live_path(node, path))
            return NULL;
    }
    return next_boot_sentence();
}

/* ---------------------------------------------------------------------- */
/* Comparing devices */

static gboolean nodes_equal(xmlNode *a, xmlNode *b);

static xmlNode *
next_significant(xmlNode *node)
{
    while (node != NULL &&
           (is_blank(node) || node->type == XML_XINCLUDE_START || node->type == XML_XINCLUDE_END))
        node = node->next;
    return node;
}

static gboolean
attrs_contained(xmlNode *a, xmlNode *b)
{
    for (xmlAttr *attr = a->properties; attr != NULL; attr = attr->next) {
        const xmlChar *href = attr->ns != NULL ? attr->ns->href : NULL;
        xmlChar *va = xmlNodeGetContent((xmlNode *)attr);
        xmlChar *vb = xmlGetNsProp(b, attr->name, href);
        gboolean same = vb != NULL && xmlStrEqual(va, vb);

        xmlFree(va);
        xmlFree(vb);
        if (!same)
            return FALSE;
    }
    return TRUE;
}

static guint
n_attrs(xmlNode *node)
{
    guint n = 0;

    for (xmlAttr *attr = node->properties; attr != NULL; attr = attr->next)
        n++;
    return n;
}

/* The same element, ignoring blanks between elements and the order of attributes. */
static gboolean
nodes_equal(xmlNode *a, xmlNode *b)
{
    xmlNode *ca;
    xmlNode *cb;

    if (a->type != b->type)
        return FALSE;
    if (a->type != XML_ELEMENT_NODE)
        return xmlStrEqual(a->content, b->content);
    if (!xmlStrEqual(a->name, b->name) ||
        !xmlStrEqual(a->ns != NULL ? a->ns->href : NULL, b->ns != NULL ? b->ns->href : NULL) ||
        n_attrs(a) != n_attrs(b) || !attrs_contained(a, b))
        return FALSE;
    ca = next_significant(a->children);
    cb = next_significant(b->children);
    while (ca != NULL && cb != NULL) {
        if (!nodes_equal(ca, cb))
            return FALSE;
        ca = next_significant(ca->next);
        cb = next_significant(cb->next);
    }
    return ca == NULL && cb == NULL;
}

/* Whether @a and @b differ only where the running guest can follow (is_live_path()). */
static gboolean
differs_only_live(xmlNode *a, xmlNode *b)
{
    static const char *const live_children[] = {"source", "link", NULL};
    static const char *const live_attrs[] = {"type", "passwd", "passwdValidTo", "connected", NULL};
    xmlDoc *doc = xmlNewDoc(BAD_CAST "1.0");
    xmlNode *ca = xmlDocCopyNode(a, doc, 1);
    xmlNode *cb = xmlDocCopyNode(b, doc, 1);
    gboolean result;

    xmlAddChild((xmlNode *)doc, ca);
    xmlAddChild((xmlNode *)doc, cb);
    for (guint i = 0; live_children[i] != NULL; i++) {
        g_autofree char *path = g_strdup(live_children[i]);
        xmlNode *x;

        if (!is_live_path(a, path))
            continue;
        while ((x = child(ca, live_children[i])) != NULL)
            xmlUnlinkNode(x), xmlFreeNode(x);
        while ((x = child(cb, live_children[i])) != NULL)
            xmlUnlinkNode(x), xmlFreeNode(x);
    }
    for (guint i = 0; live_attrs[i] != NULL; i++) {
        g_autofree char *path = g_strconcat("@", live_attrs[i], NULL);

        if (!is_live_path(a, path))
            continue;
        set_attr(ca, live_attrs[i], NULL);
        set_attr(cb, live_attrs[i], NULL);
    }
    result = nodes_equal(ca, cb);
    xmlFreeDoc(doc);
    return result;
}

/* The device of the running guest that @node (from the inactive XML) is. */
static xmlNode *
find_live_device(xmlDoc *live, xmlNode *node)
{
    g_autoptr(GPtrArray) devices = list_devices(live);
    const char *key = NULL;
    g_autofree char *value = NULL;
    guint nth = 0;
    guint seen = 0;

    switch (kind_of(node)) {
    case HAKO_DEVICE_DISK:
        key = "target/@dev";
        break;
    case HAKO_DEVICE_INTERFACE:
        key = "mac/@address";
        break;
    default:
        key = "alias/@name";
        break;
    }
    value = node_path_get(node, key);
    for (xmlNode *c = node->prev; c != NULL; c = c->prev)
        if (c->type == XML_ELEMENT_NODE && xmlStrEqual(c->name, node->name))
            nth++;
    for (guint i = 0; i < devices->len; i++) {
        xmlNode *d = devices->pdata[i];

        if (!xmlStrEqual(d->name, node->name))
            continue;
        if (value != NULL) {
            g_autofree char *other = node_path_get(d, key);

            if (g_strcmp0(value, other) == 0)
                return d;
        } else if (seen++ == nth) {
            return d;
        }
    }
    return NULL;
}

/* ---------------------------------------------------------------------- */
/* Loading */

typedef struct {
    virConnectPtr conn;
    gboolean read_only;
    char *uuid;
    char *name;
    char *inactive;
    char *live;
} LoadData;

static void
load_data_free(gpointer data)
{
    LoadData *d = data;

    if (d->conn != NULL)
        virConnectClose(d->conn);
    g_free(d->uuid);
    g_free(d->name);
    g_free(d->inactive);
    g_free(d->live);
    g_free(d);
}

/* The description of @dom with passwords where the connection may read them: the XML is
 * defined again on apply, and one without them would lose them. */
static char *
get_xml(virDomainPtr dom, gboolean *read_only, unsigned int flags)
{
    char *raw = virDomainGetXMLDesc(dom, flags | (*read_only ? 0 : VIR_DOMAIN_XML_SECURE));
    char *result;

    if (raw == NULL && !*read_only && virGetLastErrorCode() == VIR_ERR_OPERATION_DENIED) {
        virResetLastError();
        *read_only = TRUE;
        raw = virDomainGetXMLDesc(dom, flags);
    }
    if (raw == NULL)
        return NULL;
    result = g_strdup(raw);
    free(raw);
    return result;
}

static gboolean
read_both(virDomainPtr dom,
          gboolean *read_only,
          char **inactive,
          char **live,
          const char *name,
          GError **error)
{
    int active;

    *inactive = get_xml(dom, read_only, VIR_DOMAIN_XML_INACTIVE);
    if (*inactive == NULL) {
        *error = _hako_engine_error_from_libvirt(HAKO_ENGINE_ERROR_FAILED,
                                                 _("Could not read the description of “%s”"), name);
        return FALSE;
    }
    active = virDomainIsActive(dom);
    if (active == 1) {
        *live = get_xml(dom, read_only, 0);
        /* It may have stopped in between: then it is not running. */
        if (*live == NULL)
            virResetLastError();
    }
    return TRUE;
}

static void
load_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    LoadData *d = data;
    GError *error = NULL;
    virDomainPtr dom = virDomainLookupByUUIDString(d->conn, d->uuid);

    if (dom == NULL) {
        error = _hako_engine_error_from_libvirt(HAKO_ENGINE_ERROR_NOT_FOUND,
                                                _("Could not find “%s”"), d->name);
        g_task_return_error(task, error);
        return;
    }
    if (!read_both(dom, &d->read_only, &d->inactive, &d->live, d->name, &error)) {
        virDomainFree(dom);
        g_task_return_error(task, error);
        return;
    }
    virDomainFree(dom);
    g_task_return_boolean(task, TRUE);
}

/**
 * hako_domain_config_load_async:
 * @manager: the connections
 * @domain: a guest of a connected host
 *
 * Reads the guest's inactive XML, and its live XML when it runs, on a worker thread (with
 * display passwords where the connection may read them, so that applying keeps them).
 */
void
hako_domain_config_load_async(HakoConnectionManager *manager,
                              HakoDomain *domain,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data)
{
    g_autoptr(GTask) task = NULL;
    GError *error = NULL;
    LoadData *d;
    gboolean read_only = FALSE;
    virConnectPtr conn;

    g_return_if_fail(HAKO_IS_CONNECTION_MANAGER(manager));
    g_return_if_fail(HAKO_IS_DOMAIN(domain));

    task = g_task_new(NULL, cancellable, callback, user_data);
    g_task_set_source_tag(task, hako_domain_config_load_async);
    conn = _hako_connection_manager_dup_conn_to_read(manager, domain, &read_only, &error);
    if (conn == NULL) {
        g_task_return_error(task, error);
        return;
    }
    d = g_new0(LoadData, 1);
    d->conn = conn;
    d->read_only = read_only;
    d->uuid = g_strdup(hako_domain_get_uuid(domain));
    d->name = g_strdup(hako_domain_get_name(domain));
    g_task_set_task_data(task, d, load_data_free);
    _hako_task_run_in_own_thread(task, load_thread);
}

/**
 * hako_domain_config_load_finish:
 *
 * Returns: (transfer full): the guest's configuration, or %NULL with @error set
 */
HakoDomainConfig *
hako_domain_config_load_finish(GAsyncResult *result, GError **error)
{
    LoadData *d;

    g_return_val_if_fail(g_task_is_valid(result, NULL), NULL);
    g_return_val_if_fail(g_task_get_source_tag(G_TASK(result)) == hako_domain_config_load_async,
                         NULL);

    if (!g_task_propagate_boolean(G_TASK(result), error))
        return NULL;
    d = g_task_get_task_data(G_TASK(result));
    return hako_domain_config_new_from_xml(d->inactive, d->live, error);
}

/* ---------------------------------------------------------------------- */
/* Applying */

typedef enum {
    OP_SET_MEMORY,
    OP_SET_VCPUS,
    OP_SET_TITLE,
    OP_SET_DESCRIPTION,
    OP_ATTACH,
    OP_DETACH,
    OP_UPDATE,
} OpKind;

typedef struct {
    OpKind kind;
    guint64 number;
    char *text; /* XML, title or description (NULL removes these two) */
    char *what; /* for a sentence when it fails */
} LiveOp;

static void
live_op_free(gpointer data)
{
    LiveOp *op = data;

    g_free(op->text);
    g_free(op->what);
    g_free(op);
}

typedef struct {
    virConnectPtr conn;
    gboolean read_only;
    char *uuid;
    char *name;     /* as it was, for messages */
    char *define;   /* the XML to define, or NULL */
    char *new_name; /* a rename after the definition, or NULL */
    char *restore;  /* the XML defined before, to go back to */
    GPtrArray *ops; /* LiveOp, with HAKO_APPLY_LIVE */
    GPtrArray *not_live;
    char *sent;         /* what the document was when applied */
    GArray *sent_marks; /* the marks of its devices, in order */
    /* results */
    char *inactive;
    char *live;
} ApplyData;

static void
apply_data_free(gpointer data)
{
    ApplyData *d = data;

    if (d->conn != NULL)
        virConnectClose(d->conn);
    g_free(d->uuid);
    g_free(d->name);
    g_free(d->define);
    g_free(d->new_name);
    g_free(d->restore);
    g_clear_pointer(&d->ops, g_ptr_array_unref);
    g_clear_pointer(&d->not_live, g_ptr_array_unref);
    g_free(d->sent);
    g_clear_pointer(&d->sent_marks, g_array_unref);
    g_free(d->inactive);
    g_free(d->live);
    g_free(d);
}

static void
add_op(ApplyData *d, OpKind kind, guint64 number, const char *text, const char *what)
{
    LiveOp *op = g_new0(LiveOp, 1);

    op->kind = kind;
    op->number = number;
    op->text = g_strdup(text);
    op->what = g_strdup(what);
    g_ptr_array_add(d->ops, op);
}

static void
add_next_boot(ApplyData *d, const char *what)
{
    /* Translators: %s names a setting or a device (“the boot order”, “Disk vda (virtio)”) */
    g_ptr_array_add(
        d->not_live,
        g_strdup_printf(_("The change to %s takes effect when the guest next starts."), what));
}

static const char *
field_label(HakoConfigField field)
{
    switch (field) {
    case HAKO_CONFIG_NAME:
        return _("the name");
    case HAKO_CONFIG_TITLE:
        return _("the title");
    case HAKO_CONFIG_DESCRIPTION:
        return _("the description");
    case HAKO_CONFIG_UUID:
        return _("the UUID");
    case HAKO_CONFIG_MEMORY:
        return _("the maximum memory");
    case HAKO_CONFIG_CURRENT_MEMORY:
        return _("the memory");
    case HAKO_CONFIG_VCPUS:
        return _("the maximum number of vCPUs");
    case HAKO_CONFIG_VCPUS_CURRENT:
        return _("the number of vCPUs");
    case HAKO_CONFIG_CPU_MODE:
        return _("the CPU mode");
    case HAKO_CONFIG_CPU_MODEL:
        return _("the CPU model");
    case HAKO_CONFIG_CPU_SOCKETS:
    case HAKO_CONFIG_CPU_DIES:
    case HAKO_CONFIG_CPU_CORES:
    case HAKO_CONFIG_CPU_THREADS:
        return _("the CPU topology");
    case HAKO_CONFIG_BOOT_ORDER:
        return _("the boot order");
    case HAKO_CONFIG_BOOT_MENU:
        return _("the boot menu");
    case HAKO_CONFIG_KERNEL:
    case HAKO_CONFIG_INITRD:
    case HAKO_CONFIG_CMDLINE:
        return _("the direct kernel boot");
    case HAKO_CONFIG_ARCH:
        return _("the architecture");
    case HAKO_CONFIG_MACHINE:
        return _("the machine type");
    case HAKO_CONFIG_EMULATOR:
        return _("the emulator");
    case HAKO_CONFIG_FIRMWARE:
        return _("the firmware");
    case HAKO_CONFIG_HYPERVISOR:
        return _("the hypervisor");
    case HAKO_CONFIG_OS_ID:
        return _("the operating system");
    case HAKO_CONFIG_OS_TYPE:
        return _("the OS type");
    default:
        g_return_val_if_reached("?");
    }
}

static guint64
field_number(xmlDoc *doc, HakoConfigField field, HakoConfigField fallback)
{
    g_autofree char *text = field_get(doc, field);
    guint64 n = 0;

    if (text == NULL && fallback != field)
        text = field_get(doc, fallback);
    if (text == NULL || !g_ascii_string_to_unsigned(text, 10, 0, G_MAXUINT64, &n, NULL))
        return 0;
    return n;
}

/* What the edits mean for the running guest: calls to make, or sentences for the next boot. */
static void
plan_live(HakoDomainConfig *self, ApplyData *d)
{
    g_autoptr(GPtrArray) base_devices = list_devices(self->base_doc);
    g_autoptr(GPtrArray) devices = list_devices(self->doc);
    g_autoptr(GHashTable) kept = g_hash_table_new(NULL, NULL);
    guint64 base_mem = field_number(self->base_doc, HAKO_CONFIG_CURRENT_MEMORY, HAKO_CONFIG_MEMORY);
    guint64 mem = field_number(self->doc, HAKO_CONFIG_CURRENT_MEMORY, HAKO_CONFIG_MEMORY);
    guint64 live_max_mem = field_number(self->live, HAKO_CONFIG_MEMORY, HAKO_CONFIG_MEMORY);
    guint64 base_cpus = field_number(self->base_doc, HAKO_CONFIG_VCPUS_CURRENT, HAKO_CONFIG_VCPUS);
    guint64 cpus = field_number(self->doc, HAKO_CONFIG_VCPUS_CURRENT, HAKO_CONFIG_VCPUS);
    guint64 live_max_cpus = field_number(self->live, HAKO_CONFIG_VCPUS, HAKO_CONFIG_VCPUS);

    for (HakoConfigField f = HAKO_CONFIG_NAME; f <= HAKO_CONFIG_OS_TYPE; f++) {
        g_autofree char *before = field_get(self->base_doc, f);
        g_autofree char *after = field_get(self->doc, f);
        g_autofree char *live = field_get(self->live, f);

        if (g_strcmp0(before, after) == 0)
            continue;
        switch (f) {
        case HAKO_CONFIG_NAME:
            /* A rename of a running guest is refused, and the whole apply with it. */
            break;
        case HAKO_CONFIG_TITLE:
            add_op(d, OP_SET_TITLE, 0, after, field_label(f));
            break;
        case HAKO_CONFIG_DESCRIPTION:
            add_op(d, OP_SET_DESCRIPTION, 0, after, field_label(f));
            break;
        case HAKO_CONFIG_CURRENT_MEMORY:
        case HAKO_CONFIG_VCPUS_CURRENT:
            break; /* below */
        case HAKO_CONFIG_MEMORY:
        case HAKO_CONFIG_VCPUS:
            if (g_strcmp0(after, live) != 0)
                add_next_boot(d, field_label(f));
            break;
        default:
            if (g_strcmp0(after, live) != 0)
                add_next_boot(d, field_label(f));
            break;
        }
    }
    if (mem != base_mem && mem > 0) {
        if (mem <= live_max_mem)
            add_op(d, OP_SET_MEMORY, mem, NULL, field_label(HAKO_CONFIG_CURRENT_MEMORY));
        else
            add_next_boot(d, field_label(HAKO_CONFIG_CURRENT_MEMORY));
    }
    if (cpus != base_cpus && cpus > 0) {
        if (cpus <= live_max_cpus)
            add_op(d, OP_SET_VCPUS, cpus, NULL, field_label(HAKO_CONFIG_VCPUS_CURRENT));
        else
            add_next_boot(d, field_label(HAKO_CONFIG_VCPUS_CURRENT));
    }

    /* Devices: removed ones first (a replaced disk frees its target before the new one). */
    for (guint i = 0; i < devices->len; i++) {
        xmlNode *twin = base_twin(base_devices, devices->pdata[i]);

        if (twin != NULL)
            g_hash_table_add(kept, twin);
    }
    for (guint i = 0; i < base_devices->len; i++) {
        xmlNode *node = base_devices->pdata[i];
        g_autofree char *what = NULL;
        xmlNode *live;

        if (g_hash_table_contains(kept, node))
            continue;
        what = describe(node);
        live = find_live_device(self->live, node);
        if (live == NULL)
            continue; /* not in the running guest */
        if (is_hotpluggable(node)) {
            g_autofree char *xml = node_to_string(live);

            add_op(d, OP_DETACH, 0, xml, what);
        } else {
            add_next_boot(d, what);
        }
    }
    for (guint i = 0; i < devices->len; i++) {
        xmlNode *node = devices->pdata[i];
        xmlNode *twin = base_twin(base_devices, node);
        g_autofree char *what = describe(node);
        g_autofree char *xml = NULL;

        if (twin == NULL) {
            if (is_hotpluggable(node)) {
                xml = node_to_string(node);
                add_op(d, OP_ATTACH, 0, xml, what);
            } else {
                add_next_boot(d, what);
            }
            continue;
        }
        if (nodes_equal(node, twin))
            continue;
        if (differs_only_live(node, twin)) {
            xml = node_to_string(node);
            add_op(d, OP_UPDATE, 0, xml, what);
        } else {
            add_next_boot(d, what);
        }
    }
}

static gboolean
do_op(virDomainPtr dom, LiveOp *op)
{
    unsigned int live = VIR_DOMAIN_AFFECT_LIVE;

    switch (op->kind) {
    case OP_SET_MEMORY:
        return virDomainSetMemoryFlags(dom, op->number, live) == 0;
    case OP_SET_VCPUS:
        return virDomainSetVcpusFlags(dom, (unsigned int)op->number, live) == 0;
    case OP_SET_TITLE:
        return virDomainSetMetadata(dom, VIR_DOMAIN_METADATA_TITLE, op->text, NULL, NULL, live) ==
               0;
    case OP_SET_DESCRIPTION:
        return virDomainSetMetadata(dom, VIR_DOMAIN_METADATA_DESCRIPTION, op->text, NULL, NULL,
                                    live) == 0;
    case OP_ATTACH:
        return virDomainAttachDeviceFlags(dom, op->text, live) == 0;
    case OP_DETACH:
        return virDomainDetachDeviceFlags(dom, op->text, live) == 0;
    case OP_UPDATE:
        return virDomainUpdateDeviceFlags(dom, op->text, live) == 0;
    default:
        g_assert_not_reached();
    }
}

/*
 * New media for a CD-ROM: libvirt opens the tray and inserts the medium, and QEMU refuses the
 * medium while the tray is still shut ("Tray of the device is not open"): the guest's firmware
 * or OS may hold it a moment. Tried again a few times, half a second apart (a worker thread).
 */
static gboolean
retry_tray(virDomainPtr dom, LiveOp *op)
{
    for (int attempt = 0; attempt < 4; attempt++) {
        const char *message = _hako_libvirt_last_message();

        if (op->kind != OP_UPDATE || message == NULL || strstr(message, "Tray") == NULL)
            return FALSE;
        virResetLastError();
        g_usleep(500 * G_TIME_SPAN_MILLISECOND);
        if (do_op(dom, op))
            return TRUE;
    }
    return FALSE;
}

static void
apply_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    ApplyData *d = data;
    GError *error = NULL;
    virDomainPtr dom = NULL;

    if (d->define != NULL) {
        dom = virDomainDefineXML(d->conn, d->define);
        if (dom == NULL) {
            error = _hako_engine_error_from_libvirt(
                HAKO_ENGINE_ERROR_FAILED, _("Could not save the changes to “%s”"), d->name);
            g_task_return_error(task, error);
            return;
        }
        if (d->new_name != NULL && virDomainRename(dom, d->new_name, 0) < 0) {
            virDomainPtr back;

            error = _hako_engine_error_from_libvirt(HAKO_ENGINE_ERROR_FAILED,
                                                    _("Could not rename “%s”"), d->name);
            /* Back to the definition from before, so that nothing changed. */
            back = d->restore != NULL ? virDomainDefineXML(d->conn, d->restore) : NULL;
            if (back != NULL)
                virDomainFree(back);
            else if (d->restore != NULL)
                g_warning("Could not restore the definition of “%s”: %s", d->name,
                          _hako_libvirt_last_message());
            virResetLastError();
            virDomainFree(dom);
            g_task_return_error(task, error);
            return;
        }
    } else {
        dom = virDomainLookupByUUIDString(d->conn, d->uuid);
        if (dom == NULL) {
            error = _hako_engine_error_from_libvirt(HAKO_ENGINE_ERROR_NOT_FOUND,
                                                    _("Could not find “%s”"), d->name);
            g_task_return_error(task, error);
            return;
        }
    }

    if (d->ops != NULL && d->ops->len > 0 && virDomainIsActive(dom) == 1) {
        for (guint i = 0; i < d->ops->len; i++) {
            LiveOp *op = d->ops->pdata[i];

            if (do_op(dom, op) || retry_tray(dom, op))
                continue;
            /* The definition stands; what the running guest refused is said, not dropped. */
            g_ptr_array_add(
                d->not_live,
                /* Translators: a setting or device, then libvirt's explanation */
                g_strdup_printf(_("The running guest did not take the change to %s: %s"), op->what,
                                _hako_libvirt_last_message()));
            virResetLastError();
        }
    }

    if (!read_both(dom, &d->read_only, &d->inactive, &d->live, d->name, &error)) {
        /* Applied, but not read back: the caller keeps its own document. */
        g_debug("%s", error->message);
        g_clear_error(&error);
        g_clear_pointer(&d->inactive, g_free);
        g_clear_pointer(&d->live, g_free);
    }
    virDomainFree(dom);
    g_task_return_boolean(task, TRUE);
}

static void
apply_done_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GTask) outer = user_data;
    HakoDomainConfig *self = HAKO_DOMAIN_CONFIG(source);
    ApplyData *d = g_task_get_task_data(G_TASK(result));
    GError *error = NULL;
    g_autofree char *now = NULL;
    gboolean persistent = d->define != NULL;
    xmlDoc *live = NULL;

    if (!g_task_propagate_boolean(G_TASK(result), &error)) {
        g_task_return_error(outer, error);
        return;
    }

    if (d->live != NULL)
        live = parse_domain(d->live, NULL);
    g_clear_pointer(&self->live, xmlFreeDoc);
    self->live = live;

    now = doc_to_string(self->doc);
    if (persistent) {
        xmlDoc *doc = d->inactive != NULL ? parse_domain(d->inactive, NULL) : NULL;

        if (doc != NULL && g_strcmp0(now, d->sent) == 0) {
            /* libvirt's own version (addresses, defaults) becomes the document. */
            take_inactive(self, doc, xmlCopyDoc(doc, 1));
        } else {
            /* Edited while applying: those edits stay pending over what was applied, whose
             * devices keep the marks they had then (still on the edited document's). */
            xmlDoc *base = parse_domain(d->sent, NULL);

            g_clear_pointer(&doc, xmlFreeDoc);
            if (base != NULL) {
                g_autoptr(GPtrArray) devices = list_devices(base);

                g_assert(devices->len == d->sent_marks->len);
                for (guint i = 0; i < devices->len; i++)
                    ((xmlNode *)devices->pdata[i])->_private =
                        g_array_index(d->sent_marks, gpointer, i);
                g_clear_pointer(&self->base_doc, xmlFreeDoc);
                g_free(self->base_xml);
                self->base_doc = base;
                self->base_xml = doc_to_string(base);
            }
        }
        update_modified(self);
        g_signal_emit(self, signals[DEVICES_CHANGED], 0);
    }

    if (d->not_live->len > 0) {
        g_ptr_array_add(d->not_live, NULL);
        g_task_return_pointer(outer, g_ptr_array_free(g_steal_pointer(&d->not_live), FALSE),
                              (GDestroyNotify)g_strfreev);
    } else {
        g_task_return_pointer(outer, NULL, NULL);
    }
}

/**
 * hako_domain_config_apply_async:
 * @manager: the connections
 * @host: the guest's host, connected and writable
 * @flags: %HAKO_APPLY_PERSISTENT, %HAKO_APPLY_LIVE or both
 *
 * Applies the edits on a worker thread (see the header). A definition libvirt refuses changes
 * nothing; a rename is made with virDomainRename() after the definition, and undone with it
 * when refused. A change the running guest refuses is reported in the sentences, not as an
 * error: the definition stands. Once begun, the apply is not cancelled.
 */
void
hako_domain_config_apply_async(HakoDomainConfig *self,
                               HakoConnectionManager *manager,
                               HakoHost *host,
                               HakoApplyFlags flags,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data)
{
    GTask *outer;
    g_autoptr(GTask) inner = NULL;
    GError *error = NULL;
    virConnectPtr conn;
    ApplyData *d;
    g_autofree char *base_name = NULL;
    g_autofree char *new_name = NULL;

    g_return_if_fail(HAKO_IS_DOMAIN_CONFIG(self));
    g_return_if_fail(HAKO_IS_CONNECTION_MANAGER(manager));
    g_return_if_fail(HAKO_IS_HOST(host));

    outer = g_task_new(self, cancellable, callback, user_data);
    g_task_set_source_tag(outer, hako_domain_config_apply_async);
    g_task_set_check_cancellable(outer, FALSE);

    conn = _hako_connection_manager_dup_host_conn_to_change(manager, host, &error);
    if (conn == NULL) {
        g_task_return_error(outer, error);
        g_object_unref(outer);
        return;
    }
    d = g_new0(ApplyData, 1);
    d->conn = conn;
    d->uuid = field_get(self->doc, HAKO_CONFIG_UUID);
    if (d->uuid == NULL)
        d->uuid = field_get(self->base_doc, HAKO_CONFIG_UUID);
    base_name = field_get(self->base_doc, HAKO_CONFIG_NAME);
    new_name = field_get(self->doc, HAKO_CONFIG_NAME);
    d->name = g_strdup(base_name != NULL ? base_name : new_name);
    d->not_live = g_ptr_array_new_with_free_func(g_free);
    d->sent = doc_to_string(self->doc);
    /* Every device gets a mark now (a new one, not in the baseline, is still new to the plan),
     * so that whatever is edited while the apply runs can be told apart afterwards. */
    {
        g_autoptr(GPtrArray) devices = list_devices(self->doc);

        d->sent_marks = g_array_sized_new(FALSE, FALSE, sizeof(gpointer), devices->len);
        for (guint i = 0; i < devices->len; i++) {
            xmlNode *node = devices->pdata[i];

            if (node->_private == NULL)
                node->_private = GUINT_TO_POINTER(self->next_serial++);
            g_array_append_val(d->sent_marks, node->_private);
        }
    }
    if (flags & HAKO_APPLY_PERSISTENT) {
        d->restore = g_strdup(self->base_xml);
        g_autofree char *base_uuid = field_get(self->base_doc, HAKO_CONFIG_UUID);

        if (base_name != NULL && new_name != NULL && strcmp(base_name, new_name) != 0 &&
            base_uuid != NULL) {
            /* libvirt renames only through virDomainRename: the new definition keeps the old
             * name until then. */
            xmlDoc *copy = xmlCopyDoc(self->doc, 1);

            field_set(copy, HAKO_CONFIG_NAME, base_name, NULL);
            d->define = doc_to_string(copy);
            xmlFreeDoc(copy);
            d->new_name = g_strdup(new_name);
        } else {
            d->define = g_strdup(d->sent);
        }
    }
    if ((flags & HAKO_APPLY_LIVE) && self->live != NULL) {
        d->ops = g_ptr_array_new_with_free_func(live_op_free);
        plan_live(self, d);
    }

    inner = g_task_new(self, NULL, apply_done_cb, outer);
    g_task_set_source_tag(inner, hako_domain_config_apply_async);
    g_task_set_task_data(inner, d, apply_data_free);
    _hako_task_run_in_own_thread(inner, apply_thread);
}

/**
 * hako_domain_config_apply_finish:
 * @not_live: (out) (optional) (transfer full) (nullable): sentences for the edits that take
 *   effect only at the next boot, or that the running guest refused; %NULL when none
 */
gboolean
hako_domain_config_apply_finish(HakoDomainConfig *self,
                                GAsyncResult *result,
                                char ***not_live,
                                GError **error)
{
    GError *local = NULL;
    char **sentences;

    g_return_val_if_fail(HAKO_IS_DOMAIN_CONFIG(self), FALSE);
    g_return_val_if_fail(g_task_is_valid(result, self), FALSE);

    sentences = g_task_propagate_pointer(G_TASK(result), &local);
    if (local != NULL) {
        g_propagate_error(error, local);
        if (not_live != NULL)
            *not_live = NULL;
        return FALSE;
    }
    if (not_live != NULL)
        *not_live = sentences;
    else
        g_strfreev(sentences);
    return TRUE;
}
