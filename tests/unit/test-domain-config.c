/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests of HakoDomainConfig without a connection: for every guest of the corpus in
 * tests/data/domains (every kind of guest and device family, with comments, foreign metadata
 * and unknown elements), an unedited document comes back as it was read, and changing one field
 * or one device changes exactly that: the documents are compared semantically, element by
 * element, by a walk of this file's own. Plus the fields' values and checks, and what needs a
 * restart. */
#include "config.h"

#include "hako-domain-config.h"
#include "hako-engine-error.h"

#include <libxml/c14n.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <locale.h>
#include <string.h>

/* ---------------------------------------------------------------------- */
/* Documents as facts */

typedef struct {
    GHashTable *values;   /* indexed path -> value */
    GHashTable *stripped; /* indexed path -> the same path without [n] */
} Facts;

static void
facts_free(Facts *facts)
{
    g_hash_table_unref(facts->values);
    g_hash_table_unref(facts->stripped);
    g_free(facts);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(Facts, facts_free)

static char *
strip_indices(const char *path)
{
    GString *out = g_string_new(NULL);
    gboolean in_index = FALSE;
    gboolean in_ns = FALSE;

    for (const char *p = path; *p != '\0'; p++) {
        if (*p == '{')
            in_ns = TRUE;
        else if (*p == '}')
            in_ns = FALSE;
        if (!in_ns && *p == '[')
            in_index = TRUE;
        if (!in_index)
            g_string_append_c(out, *p);
        if (!in_ns && *p == ']')
            in_index = FALSE;
    }
    return g_string_free(out, FALSE);
}

static void
add_fact(Facts *facts, const char *path, const char *value)
{
    g_assert_false(g_hash_table_contains(facts->values, path));
    g_hash_table_insert(facts->values, g_strdup(path), g_strdup(value));
    g_hash_table_insert(facts->stripped, g_strdup(path), strip_indices(path));
}

static char *
segment(xmlNode *node)
{
    if (node->ns != NULL)
        return g_strdup_printf("{%s}%s", (const char *)node->ns->href, (const char *)node->name);
    return g_strdup((const char *)node->name);
}

static gboolean
blank(xmlNode *node)
{
    return node->type == XML_TEXT_NODE && xmlIsBlankNode(node);
}

static void collect(Facts *facts, xmlNode *element, const char *path);

/* The facts of @parent's children: their order, comments and text, then each element. */
static void
collect_children(Facts *facts, xmlNode *first, const char *path)
{
    g_autoptr(GString) children = g_string_new(NULL);
    g_autoptr(GString) text = g_string_new(NULL);
    g_autoptr(GHashTable) counts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    guint comments = 0;

    for (xmlNode *c = first; c != NULL; c = c->next) {
        if (blank(c))
            continue;
        if (c->type == XML_ELEMENT_NODE) {
            g_autofree char *seg = segment(c);
            guint n = GPOINTER_TO_UINT(g_hash_table_lookup(counts, seg)) + 1;
            g_autofree char *child_path = g_strdup_printf("%s/%s[%u]", path, seg, n);

            g_hash_table_insert(counts, g_strdup(seg), GUINT_TO_POINTER(n));
            g_string_append_printf(children, "%s%s", children->len ? "," : "", seg);
            collect(facts, c, child_path);
        } else if (c->type == XML_COMMENT_NODE) {
            g_autofree char *key = g_strdup_printf("%s/#comment[%u]", path, ++comments);

            g_string_append_printf(children, "%s!comment", children->len ? "," : "");
            add_fact(facts, key, (const char *)c->content);
        } else if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
            g_string_append_printf(text, "%s%s", text->len ? "|" : "", (const char *)c->content);
        } else {
            g_autofree char *key = g_strdup_printf("%s/#other", path);

            add_fact(facts, key, "?");
        }
    }
    if (children->len > 0) {
        g_autofree char *key = g_strdup_printf("%s/#children", path);

        add_fact(facts, key, children->str);
    }
    if (text->len > 0) {
        g_autofree char *key = g_strdup_printf("%s/#text", path);

        add_fact(facts, key, text->str);
    }
}

static void
collect(Facts *facts, xmlNode *element, const char *path)
{
    for (xmlAttr *a = element->properties; a != NULL; a = a->next) {
        g_autofree char *key = a->ns != NULL
                                   ? g_strdup_printf("%s/@{%s}%s", path, (const char *)a->ns->href,
                                                     (const char *)a->name)
                                   : g_strdup_printf("%s/@%s", path, (const char *)a->name);
        xmlChar *value = xmlNodeGetContent((xmlNode *)a);

        add_fact(facts, key, (const char *)value);
        xmlFree(value);
    }
    for (xmlNs *ns = element->nsDef; ns != NULL; ns = ns->next) {
        g_autofree char *key =
            g_strdup_printf("%s/#xmlns:%s", path, ns->prefix ? (const char *)ns->prefix : "");

        add_fact(facts, key, (const char *)ns->href);
    }
    collect_children(facts, element->children, path);
}

static xmlDoc *
parse(const char *xml)
{
    xmlDoc *doc = xmlReadMemory(xml, (int)strlen(xml), "test.xml", "UTF-8",
                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);

    g_assert_nonnull(doc);
    return doc;
}

static Facts *
facts_of_doc(xmlDoc *doc)
{
    Facts *facts = g_new0(Facts, 1);

    facts->values = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    facts->stripped = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    collect_children(facts, doc->children, "");
    return facts;
}

static Facts *
facts_of(const char *xml)
{
    xmlDoc *doc = parse(xml);
    Facts *facts = facts_of_doc(doc);

    xmlFreeDoc(doc);
    return facts;
}

/* Whether @key lies under the pattern @allowed: indexed when the pattern has an index, else
 * on the path without indices. */
static gboolean
under(Facts *facts, const char *key, const char *allowed)
{
    const char *path = strchr(allowed, '[') != NULL
                           ? key
                           : (const char *)g_hash_table_lookup(facts->stripped, key);
    gsize n = strlen(allowed);

    return path != NULL && strncmp(path, allowed, n) == 0 &&
           (path[n] == '\0' || path[n] == '/' || path[n] == '[');
}

/* A list of children without the names that an @allowed pattern puts under @parent. */
static char *
children_without(const char *list, const char *parent, const char *const *allowed)
{
    g_auto(GStrv) names = g_strsplit(list != NULL ? list : "", ",", -1);
    g_autoptr(GString) out = g_string_new(NULL);
    g_autofree char *stripped_parent = strip_indices(parent);

    for (guint i = 0; names[i] != NULL; i++) {
        g_autofree char *want = g_strdup_printf("%s/%s", stripped_parent, names[i]);
        gboolean drop = FALSE;

        for (guint j = 0; allowed[j] != NULL && !drop; j++) {
            g_autofree char *pattern = strip_indices(allowed[j]);

            /* The name itself, or an element on the way to it (created or emptied). */
            drop = strcmp(pattern, want) == 0 ||
                   (g_str_has_prefix(pattern, want) && pattern[strlen(want)] == '/');
        }
        if (!drop && *names[i] != '\0')
            g_string_append_printf(out, "%s,", names[i]);
    }
    return g_strdup(out->str);
}

/* The facts that differ between @a and @b and lie outside @allowed, one per line. */
static char *
unexpected_changes(Facts *a, Facts *b, const char *const *allowed)
{
    g_autoptr(GString) out = g_string_new(NULL);
    g_autoptr(GHashTable) keys = g_hash_table_new(g_str_hash, g_str_equal);
    GHashTableIter iter;
    gpointer key;

    g_hash_table_iter_init(&iter, a->values);
    while (g_hash_table_iter_next(&iter, &key, NULL))
        g_hash_table_add(keys, key);
    g_hash_table_iter_init(&iter, b->values);
    while (g_hash_table_iter_next(&iter, &key, NULL))
        g_hash_table_add(keys, key);

    g_hash_table_iter_init(&iter, keys);
    while (g_hash_table_iter_next(&iter, &key, NULL)) {
        const char *va = g_hash_table_lookup(a->values, key);
        const char *vb = g_hash_table_lookup(b->values, key);
        Facts *owner = va != NULL ? a : b;
        gboolean ok = FALSE;

        if (g_strcmp0(va, vb) == 0)
            continue;
        for (guint j = 0; allowed[j] != NULL && !ok; j++)
            ok = under(owner, key, allowed[j]);
        if (!ok && g_str_has_suffix(key, "/#children")) {
            g_autofree char *parent = g_strndup(key, strlen(key) - strlen("/#children"));
            g_autofree char *ca = children_without(va, parent, allowed);
            g_autofree char *cb = children_without(vb, parent, allowed);

            ok = strcmp(ca, cb) == 0;
        }
        if (!ok)
            g_string_append_printf(out, "%s: %s -> %s\n", (const char *)key, va ? va : "(none)",
                                   vb ? vb : "(none)");
    }
    return g_strdup(out->str);
}

static char *
c14n(const char *xml)
{
    xmlDoc *doc = parse(xml);
    xmlChar *out = NULL;
    char *result;

    g_assert_cmpint(xmlC14NDocDumpMemory(doc, NULL, XML_C14N_1_0, NULL, 1, &out), >=, 0);
    result = g_strdup((const char *)out);
    xmlFree(out);
    xmlFreeDoc(doc);
    return result;
}

/* ---------------------------------------------------------------------- */
/* The corpus */

static char *
corpus_path(const char *name)
{
    return g_test_build_filename(G_TEST_DIST, "data", "domains", name, NULL);
}

static char *
read_corpus(const char *name)
{
    g_autofree char *path = corpus_path(name);
    g_autoptr(GError) error = NULL;
    char *contents = NULL;

    g_assert_true(g_file_get_contents(path, &contents, NULL, &error));
    g_assert_no_error(error);
    return contents;
}

static HakoDomainConfig *
load(const char *xml)
{
    g_autoptr(GError) error = NULL;
    HakoDomainConfig *config = hako_domain_config_new_from_xml(xml, NULL, &error);

    g_assert_no_error(error);
    g_assert_nonnull(config);
    return config;
}

typedef struct {
    HakoConfigField field;
    const char *value;
    const char *allowed[4];
} FieldEdit;

/* One edit of each field (and the removal of each optional one), with where it may change the
 * document. */
static const FieldEdit field_edits[] = {
    {HAKO_CONFIG_NAME, "renamed-guest", {"/domain/name"}},
    {HAKO_CONFIG_TITLE, "A new title: “Über” <x> & y", {"/domain/title"}},
    {HAKO_CONFIG_TITLE, NULL, {"/domain/title"}},
    {HAKO_CONFIG_DESCRIPTION, "Two\nlines & <markup>", {"/domain/description"}},
    {HAKO_CONFIG_DESCRIPTION, NULL, {"/domain/description"}},
    {HAKO_CONFIG_UUID, "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0", {"/domain/uuid"}},
    {HAKO_CONFIG_MEMORY, "3145728", {"/domain/memory"}},
    {HAKO_CONFIG_MEMORY, "4194304", {"/domain/memory"}},
    {HAKO_CONFIG_CURRENT_MEMORY, "524288", {"/domain/currentMemory"}},
    {HAKO_CONFIG_CURRENT_MEMORY, "262145", {"/domain/currentMemory"}},
    {HAKO_CONFIG_CURRENT_MEMORY, NULL, {"/domain/currentMemory"}},
    {HAKO_CONFIG_VCPUS, "7", {"/domain/vcpu"}},
    {HAKO_CONFIG_VCPUS_CURRENT, "1", {"/domain/vcpu/@current"}},
    {HAKO_CONFIG_VCPUS_CURRENT, NULL, {"/domain/vcpu/@current"}},
    {HAKO_CONFIG_CPU_MODE, "host-passthrough", {"/domain/cpu/@mode"}},
    {HAKO_CONFIG_CPU_MODE, "custom", {"/domain/cpu/@mode"}},
    {HAKO_CONFIG_CPU_MODE, NULL, {"/domain/cpu"}},
    {HAKO_CONFIG_CPU_MODEL, "Skylake-Client-IBRS", {"/domain/cpu/model"}},
    {HAKO_CONFIG_CPU_MODEL, NULL, {"/domain/cpu"}},
    {HAKO_CONFIG_CPU_SOCKETS, "2", {"/domain/cpu/topology/@sockets"}},
    {HAKO_CONFIG_CPU_DIES, "1", {"/domain/cpu/topology/@dies"}},
    {HAKO_CONFIG_CPU_CORES, "3", {"/domain/cpu/topology/@cores"}},
    {HAKO_CONFIG_CPU_THREADS, "2", {"/domain/cpu/topology/@threads"}},
    {HAKO_CONFIG_CPU_THREADS, NULL, {"/domain/cpu/topology"}},
    {HAKO_CONFIG_BOOT_ORDER, "network,hd", {"/domain/os/boot"}},
    {HAKO_CONFIG_BOOT_ORDER, "cdrom,hd,fd", {"/domain/os/boot"}},
    {HAKO_CONFIG_BOOT_ORDER, "fd", {"/domain/os/boot"}},
    {HAKO_CONFIG_BOOT_ORDER, NULL, {"/domain/os/boot"}},
    {HAKO_CONFIG_BOOT_MENU, "yes", {"/domain/os/bootmenu/@enable"}},
    {HAKO_CONFIG_BOOT_MENU, NULL, {"/domain/os/bootmenu"}},
    {HAKO_CONFIG_KERNEL, "/boot/vmlinuz-test", {"/domain/os/kernel"}},
    {HAKO_CONFIG_KERNEL, NULL, {"/domain/os/kernel"}},
    {HAKO_CONFIG_INITRD, "/boot/initrd-test", {"/domain/os/initrd"}},
    {HAKO_CONFIG_CMDLINE, "console=ttyS0 quiet", {"/domain/os/cmdline"}},
    {HAKO_CONFIG_CMDLINE, NULL, {"/domain/os/cmdline"}},
    {HAKO_CONFIG_ARCH, "aarch64", {"/domain/os/type/@arch"}},
    {HAKO_CONFIG_MACHINE, "pc-q35-8.0", {"/domain/os/type/@machine"}},
    {HAKO_CONFIG_MACHINE, NULL, {"/domain/os/type/@machine"}},
    {HAKO_CONFIG_OS_TYPE, "xenpvh", {"/domain/os/type/#text"}},
    {HAKO_CONFIG_EMULATOR, "/usr/local/bin/qemu-test", {"/domain/devices/emulator"}},
    {HAKO_CONFIG_EMULATOR, NULL, {"/domain/devices/emulator"}},
    {HAKO_CONFIG_FIRMWARE, "efi", {"/domain/os/@firmware", "/domain/os/loader"}},
    {HAKO_CONFIG_FIRMWARE,
     "bios",
     {"/domain/os/@firmware", "/domain/os/loader", "/domain/os/nvram"}},
    {HAKO_CONFIG_FIRMWARE, NULL, {"/domain/os/@firmware"}},
    {HAKO_CONFIG_HYPERVISOR, "kvm", {"/domain/@type"}},
    {HAKO_CONFIG_HYPERVISOR, "qemu", {"/domain/@type"}},
    {HAKO_CONFIG_OS_ID, "http://debian.org/debian/12", {"/domain/metadata"}},
    {HAKO_CONFIG_OS_ID, NULL, {"/domain/metadata"}},
};

/* The allowed paths of @edit as a NULL-terminated array. */
static void
allow_parents(const FieldEdit *edit, const char **allowed)
{
    guint n = 0;

    while (edit->allowed[n] != NULL)
        n++;
    memcpy(allowed, edit->allowed, n * sizeof(char *));
    allowed[n] = NULL;
}

static void
check_field_edit(const char *file, const char *input, const FieldEdit *edit)
{
    g_autoptr(HakoDomainConfig) config = load(input);
    g_autoptr(GError) error = NULL;
    g_autofree char *before = hako_domain_config_get(config, edit->field);
    g_autofree char *after = NULL;
    g_autofree char *xml = NULL;
    g_autofree char *diff = NULL;
    g_autoptr(Facts) fa = facts_of(input);
    g_autoptr(Facts) fb = NULL;
    g_autoptr(HakoDomainConfig) again = NULL;
    g_autofree char *reread = NULL;
    const char *allowed[8];

    if (!hako_domain_config_set(config, edit->field, edit->value, &error)) {
        /* Only a field that cannot be set from what the guest has (VCPUS_CURRENT without
         * <vcpu>…) may refuse; the document must then be untouched. */
        g_assert_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_INVALID_DATA);
        g_assert_false(hako_domain_config_is_modified(config));
        return;
    }
    after = hako_domain_config_get(config, edit->field);
    if (edit->value != NULL && g_strcmp0(after, edit->value) != 0)
        g_test_message("%s: field %d set to %s reads %s", file, edit->field,
                       edit->value ? edit->value : "(null)", after ? after : "(null)");
    if (edit->value == NULL) {
        /* Removed; the firmware of an HVM guest reads "bios" again. */
        if (edit->field != HAKO_CONFIG_FIRMWARE)
            g_assert_null(after);
    } else if (edit->field == HAKO_CONFIG_FIRMWARE || edit->field == HAKO_CONFIG_DESCRIPTION ||
               edit->field == HAKO_CONFIG_TITLE) {
        g_assert_cmpstr(after, ==, edit->value);
    } else {
        g_assert_cmpstr(after, ==, edit->value);
    }
    g_assert_true(hako_domain_config_is_modified(config) == (g_strcmp0(before, after) != 0) ||
                  edit->field == HAKO_CONFIG_FIRMWARE || edit->value == NULL);

    xml = hako_domain_config_to_xml(config);
    fb = facts_of(xml);
    allow_parents(edit, allowed);
    diff = unexpected_changes(fa, fb, allowed);
    if (*diff != '\0')
        g_test_message("%s: setting field %d to %s changed more:\n%s", file, edit->field,
                       edit->value ? edit->value : "(null)", diff);
    g_assert_cmpstr(diff, ==, "");

    /* What was written reads back the same. */
    again = load(xml);
    reread = hako_domain_config_get(again, edit->field);
    g_assert_cmpstr(reread, ==, after);
}

/* The path of the @index-th device of the document, as this file's facts name it. */
static char *
device_path(const char *input, guint index, char **name)
{
    xmlDoc *doc = parse(input);
    xmlNode *root = xmlDocGetRootElement(doc);
    xmlNode *devices = NULL;
    guint i = 0;
    char *result = NULL;

    for (xmlNode *c = root->children; c != NULL; c = c->next)
        if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, "devices") == 0)
            devices = c;
    g_assert_nonnull(devices);
    for (xmlNode *c = devices->children; c != NULL && result == NULL; c = c->next) {
        guint same = 0;

        if (c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, "emulator") == 0)
            continue;
        if (i++ != index)
            continue;
        for (xmlNode *p = devices->children; p != c; p = p->next)
            if (p->type == XML_ELEMENT_NODE && xmlStrEqual(p->name, c->name))
                same++;
        result = g_strdup_printf("/domain[1]/devices[1]/%s[%u]", (const char *)c->name, same + 1);
        *name = g_strdup((const char *)c->name);
    }
    xmlFreeDoc(doc);
    g_assert_nonnull(result);
    return result;
}

static guint
count_devices(const char *input)
{
    xmlDoc *doc = parse(input);
    xmlNode *root = xmlDocGetRootElement(doc);
    guint n = 0;

    for (xmlNode *c = root->children; c != NULL; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, "devices") != 0)
            continue;
        for (xmlNode *d = c->children; d != NULL; d = d->next)
            if (d->type == XML_ELEMENT_NODE && strcmp((const char *)d->name, "emulator") != 0)
                n++;
    }
    xmlFreeDoc(doc);
    return n;
}

static const struct {
    const char *element;
    HakoDeviceKind kind;
} kinds[] = {
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
expected_kind(const char *element)
{
    for (guint i = 0; i < G_N_ELEMENTS(kinds); i++)
        if (strcmp(kinds[i].element, element) == 0)
            return kinds[i].kind;
    return HAKO_DEVICE_OTHER;
}

/* Device paths to edit, each set then removed. */
static const struct {
    const char *path;
    const char *value;
} device_edits[] = {
    {"alias/@name", "ua-hako-test"},
    {"@x-hako-test", "1"},
    {"driver/@cache", "writeback"},
    {"source/@file", "/var/lib/libvirt/images/other.img"},
    {"target/@bus", "scsi"},
    {"mac/@address", "52:54:00:fe:dc:ba"},
    {"link/@state", "down"},
    {"model/@type", "virtio"},
    {"readonly", ""},
    {"serial", "SERIAL-42"},
};

static void
check_device_edit(
    const char *file, const char *input, guint index, const char *path, const char *value)
{
    g_autoptr(HakoDomainConfig) config = load(input);
    g_autoptr(GError) error = NULL;
    g_autofree char *name = NULL;
    g_autofree char *device = device_path(input, index, &name);
    g_autofree char *target = g_strdup_printf("%s/%s", device, path);
    const char *allowed[] = {target, NULL, NULL};
    g_autoptr(Facts) fa = facts_of(input);
    g_autoptr(Facts) fb = NULL;
    g_autofree char *xml = NULL;
    g_autofree char *diff = NULL;
    g_autofree char *got = NULL;
    char *slash;

    /* "a/b/@c" may create a and b; "a/@c" removed may remove a when it empties. */
    slash = strchr(target + strlen(device) + 1, '/');
    if (slash != NULL)
        allowed[1] = g_strndup(target, slash - target);

    g_assert_true(hako_domain_config_device_set(config, index, path, value, &error));
    g_assert_no_error(error);
    got = hako_domain_config_device_get(config, index, path);
    g_assert_cmpstr(got, ==, value);
    xml = hako_domain_config_to_xml(config);
    fb = facts_of(xml);
    diff = unexpected_changes(fa, fb, allowed);
    if (*diff != '\0')
        g_test_message("%s: device %u (%s), %s = %s changed more:\n%s", file, index, name, path,
                       value ? value : "(null)", diff);
    g_assert_cmpstr(diff, ==, "");

    /* And removed again: only that device changed from the original. */
    g_assert_true(hako_domain_config_device_set(config, index, path, NULL, &error));
    g_assert_no_error(error);
    g_clear_pointer(&got, g_free);
    got = hako_domain_config_device_get(config, index, path);
    g_assert_null(got);
    g_free(xml);
    xml = hako_domain_config_to_xml(config);
    g_clear_pointer(&fb, facts_free);
    fb = facts_of(xml);
    g_free(diff);
    allowed[0] = device;
    diff = unexpected_changes(fa, fb, allowed);
    g_assert_cmpstr(diff, ==, "");
    g_free((char *)allowed[1]);
}

static void
check_remove_device(const char *input, guint index)
{
    g_autoptr(HakoDomainConfig) config = load(input);
    g_autoptr(GError) error = NULL;
    g_autofree char *name = NULL;
    g_autofree char *device = device_path(input, index, &name);
    g_autofree char *xml = NULL;
    g_autofree char *removed = NULL;
    g_autoptr(Facts) fa = NULL;
    g_autoptr(Facts) fb = NULL;
    const char *none[] = {NULL};
    g_autofree char *diff = NULL;
    xmlDoc *expected = parse(input);
    xmlNode *devices = NULL;
    guint i = 0;

    removed = hako_domain_config_device_to_xml(config, index);
    g_assert_true(hako_domain_config_remove_device(config, index, &error));
    g_assert_no_error(error);
    g_assert_true(hako_domain_config_is_modified(config));
    xml = hako_domain_config_to_xml(config);

    /* Expected: the original without that element. */
    for (xmlNode *c = xmlDocGetRootElement(expected)->children; c != NULL; c = c->next)
        if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, "devices") == 0)
            devices = c;
    for (xmlNode *c = devices->children; c != NULL; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, "emulator") == 0)
            continue;
        if (i++ == index) {
            xmlUnlinkNode(c);
            xmlFreeNode(c);
            break;
        }
    }
    fa = facts_of_doc(expected);
    xmlFreeDoc(expected);
    fb = facts_of(xml);
    diff = unexpected_changes(fa, fb, none);
    g_assert_cmpstr(diff, ==, "");

    /* Put back, it is the same device again (at the end of its kind). */
    g_assert_cmpint(hako_domain_config_add_device(config, removed, &error), >=, 0);
    g_assert_no_error(error);
}

static void
check_add_device(const char *file, const char *input)
{
    static const char *const added[] = {
        "<disk type='file' device='disk'><source file='/tmp/added.qcow2'/>"
        "<target dev='vdz' bus='virtio'/></disk>",
        "<interface type='network'><source network='default'/><model type='virtio'/></interface>",
        "<x-new-thing a='1'><b/></x-new-thing>",
    };

    for (guint k = 0; k < G_N_ELEMENTS(added); k++) {
        g_autoptr(HakoDomainConfig) config = load(input);
        g_autoptr(GError) error = NULL;
        g_autoptr(Facts) fa = facts_of(input);
        g_autoptr(Facts) fb = NULL;
        g_autofree char *xml = NULL;
        g_autofree char *diff = NULL;
        g_autofree char *name = NULL;
        g_autofree char *path = NULL;
        g_autofree char *back = NULL;
        guint n = count_devices(input);
        int index = hako_domain_config_add_device(config, added[k], &error);
        const char *allowed[] = {NULL, NULL};
        guint same = 0;
        xmlDoc *doc;

        g_assert_no_error(error);
        g_assert_cmpint(index, >=, 0);
        g_assert_cmpuint(hako_domain_config_get_n_devices(config), ==, n + 1);
        xml = hako_domain_config_to_xml(config);
        path = device_path(xml, (guint)index, &name);
        /* After every device of its kind: the last of them. */
        doc = parse(input);
        {
            xmlDoc *added_doc = parse(added[k]);
            const char *element = (const char *)xmlDocGetRootElement(added_doc)->name;
            g_autofree char *expect = NULL;

            for (xmlNode *c = xmlDocGetRootElement(doc)->children; c != NULL; c = c->next)
                if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, "devices") == 0)
                    for (xmlNode *d = c->children; d != NULL; d = d->next)
                        if (d->type == XML_ELEMENT_NODE &&
                            strcmp((const char *)d->name, element) == 0)
                            same++;
            expect = g_strdup_printf("/domain[1]/devices[1]/%s[%u]", element, same + 1);
            g_assert_cmpstr(path, ==, expect);
            xmlFreeDoc(added_doc);
        }
        xmlFreeDoc(doc);
        allowed[0] = path;
        fb = facts_of(xml);
        diff = unexpected_changes(fa, fb, allowed);
        if (*diff != '\0')
            g_test_message("%s: adding %s changed more:\n%s", file, added[k], diff);
        g_assert_cmpstr(diff, ==, "");
        back = hako_domain_config_device_to_xml(config, (guint)index);
        xmlFreeDoc(parse(back));
    }
}

static void
test_corpus_file(gconstpointer data)
{
    const char *file = data;
    g_autofree char *input = read_corpus(file);
    g_autoptr(HakoDomainConfig) config = load(input);
    g_autofree char *xml = hako_domain_config_to_xml(config);
    g_autofree char *ca = c14n(input);
    g_autofree char *cb = c14n(xml);
    guint n;

    /* Unedited: the same document; byte for byte when written the way libxml2 writes. */
    g_assert_false(hako_domain_config_is_modified(config));
    g_assert_false(hako_domain_config_is_running(config));
    g_assert_cmpstr(ca, ==, cb);
    if (g_str_has_suffix(file, "-dq.xml"))
        g_assert_cmpstr(xml, ==, input);

    for (guint i = 0; i < G_N_ELEMENTS(field_edits); i++)
        check_field_edit(file, input, &field_edits[i]);

    n = hako_domain_config_get_n_devices(config);
    g_assert_cmpuint(n, ==, count_devices(input));
    for (guint i = 0; i < n; i++) {
        g_autofree char *name = NULL;
        g_autofree char *path = device_path(input, i, &name);
        g_autofree char *describe = hako_domain_config_device_describe(config, i);
        g_autofree char *device_xml = hako_domain_config_device_to_xml(config, i);
        xmlDoc *doc = parse(device_xml);

        g_assert_cmpint(hako_domain_config_device_kind(config, i), ==, expected_kind(name));
        g_assert_cmpstr(describe, !=, NULL);
        g_assert_cmpstr(describe, !=, "");
        g_assert_cmpstr((const char *)xmlDocGetRootElement(doc)->name, ==, name);
        xmlFreeDoc(doc);

        for (guint k = 0; k < G_N_ELEMENTS(device_edits); k++)
            check_device_edit(file, input, i, device_edits[k].path, device_edits[k].value);
        check_remove_device(input, i);
    }
    check_add_device(file, input);
}

/* ---------------------------------------------------------------------- */
/* Values, checks, signals */

static void
test_values(void)
{
    g_autofree char *q35 = read_corpus("01-q35-kvm-disks.xml");
    g_autofree char *pc = read_corpus("25-pc-qemu-misc.xml");
    g_autofree char *uefi = read_corpus("81-uefi-pflash-misc.xml");
    g_autoptr(HakoDomainConfig) a = load(q35);
    g_autoptr(HakoDomainConfig) b = load(pc);
    g_autoptr(HakoDomainConfig) c = load(uefi);
    struct {
        HakoDomainConfig *config;
        HakoConfigField field;
        const char *value;
    } cases[] = {
        {a, HAKO_CONFIG_NAME, "hako-q35-kvm-disks"},
        {a, HAKO_CONFIG_TITLE, "Workstation 1"},
        {a, HAKO_CONFIG_DESCRIPTION, "A q35 guest with KVM.\nSecond line of the description."},
        {a, HAKO_CONFIG_UUID, "6861686b-6466-4000-8000-000000000001"},
        {a, HAKO_CONFIG_MEMORY, "2097152"},
        {a, HAKO_CONFIG_CURRENT_MEMORY, "1048576"},
        {a, HAKO_CONFIG_VCPUS, "4"},
        {a, HAKO_CONFIG_VCPUS_CURRENT, "2"},
        {a, HAKO_CONFIG_CPU_MODE, "host-passthrough"},
        {a, HAKO_CONFIG_CPU_MODEL, NULL},
        {a, HAKO_CONFIG_BOOT_ORDER, "hd"},
        {a, HAKO_CONFIG_BOOT_MENU, NULL},
        {a, HAKO_CONFIG_ARCH, "x86_64"},
        {a, HAKO_CONFIG_MACHINE, "pc-q35-7.2"},
        {a, HAKO_CONFIG_OS_TYPE, "hvm"},
        {a, HAKO_CONFIG_EMULATOR, "/usr/bin/qemu-system-x86_64"},
        {a, HAKO_CONFIG_FIRMWARE, "bios"},
        {a, HAKO_CONFIG_HYPERVISOR, "kvm"},
        {a, HAKO_CONFIG_OS_ID, "http://fedoraproject.org/fedora/38"},
        {b, HAKO_CONFIG_MEMORY, "1048576"},
        {b, HAKO_CONFIG_CURRENT_MEMORY, "524288"},
        {b, HAKO_CONFIG_VCPUS_CURRENT, NULL},
        {b, HAKO_CONFIG_CPU_MODE, "custom"},
        {b, HAKO_CONFIG_CPU_MODEL, "qemu64"},
        {b, HAKO_CONFIG_CPU_SOCKETS, "1"},
        {b, HAKO_CONFIG_CPU_DIES, "1"},
        {b, HAKO_CONFIG_CPU_CORES, "2"},
        {b, HAKO_CONFIG_CPU_THREADS, "1"},
        {b, HAKO_CONFIG_BOOT_ORDER, "cdrom,hd"},
        {b, HAKO_CONFIG_BOOT_MENU, "no"},
        {b, HAKO_CONFIG_OS_ID, NULL},
        {c, HAKO_CONFIG_FIRMWARE, "efi"},
        {c, HAKO_CONFIG_BOOT_MENU, "yes"},
        {c, HAKO_CONFIG_CURRENT_MEMORY, NULL},
        {c, HAKO_CONFIG_EMULATOR, NULL},
    };

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *value = hako_domain_config_get(cases[i].config, cases[i].field);

        g_assert_cmpstr(value, ==, cases[i].value);
    }
}

static void
test_memory_units(void)
{
    g_autofree char *pc = read_corpus("25-pc-qemu-misc.xml");
    g_autoptr(HakoDomainConfig) config = load(pc);
    g_autoptr(GError) error = NULL;
    g_autofree char *xml = NULL;

    /* A whole number of MiB stays in MiB; otherwise KiB. */
    g_assert_true(hako_domain_config_set(config, HAKO_CONFIG_MEMORY, "2097152", &error));
    g_assert_true(hako_domain_config_set(config, HAKO_CONFIG_CURRENT_MEMORY, "1000", &error));
    g_assert_no_error(error);
    xml = hako_domain_config_to_xml(config);
    g_assert_nonnull(strstr(xml, "<memory unit=\"MiB\">2048</memory>"));
    g_assert_nonnull(strstr(xml, "<currentMemory unit=\"KiB\">1000</currentMemory>"));

    /* A maximum below the current amount takes it down too. */
    g_assert_true(hako_domain_config_set(config, HAKO_CONFIG_MEMORY, "512", &error));
    g_free(xml);
    xml = hako_domain_config_get(config, HAKO_CONFIG_CURRENT_MEMORY);
    g_assert_cmpstr(xml, ==, "512");
}

static void
test_refused(void)
{
    g_autofree char *input = read_corpus("25-pc-qemu-misc.xml");
    g_autoptr(HakoDomainConfig) config = load(input);
    struct {
        HakoConfigField field;
        const char *value;
    } bad[] = {
        {HAKO_CONFIG_NAME, NULL},
        {HAKO_CONFIG_NAME, ""},
        {HAKO_CONFIG_NAME, "a/b"},
        {HAKO_CONFIG_TITLE, "two\nlines"},
        {HAKO_CONFIG_UUID, "not-a-uuid"},
        {HAKO_CONFIG_MEMORY, NULL},
        {HAKO_CONFIG_MEMORY, "0"},
        {HAKO_CONFIG_MEMORY, "12abc"},
        {HAKO_CONFIG_MEMORY, "-5"},
        {HAKO_CONFIG_CURRENT_MEMORY, "2097152"}, /* more than the maximum */
        {HAKO_CONFIG_VCPUS, "0"},
        {HAKO_CONFIG_VCPUS, "two"},
        {HAKO_CONFIG_VCPUS_CURRENT, "3"}, /* more than the maximum */
        {HAKO_CONFIG_CPU_MODE, "fast"},
        {HAKO_CONFIG_CPU_MODEL, "bad model"},
        {HAKO_CONFIG_CPU_SOCKETS, "0"},
        {HAKO_CONFIG_BOOT_ORDER, "hd,floppy"},
        {HAKO_CONFIG_BOOT_ORDER, "hd,cdrom,hd"},
        {HAKO_CONFIG_BOOT_MENU, "maybe"},
        {HAKO_CONFIG_KERNEL, "vmlinuz"},
        {HAKO_CONFIG_ARCH, "x86 64"},
        {HAKO_CONFIG_OS_TYPE, "windows"},
        {HAKO_CONFIG_EMULATOR, "qemu"},
        {HAKO_CONFIG_FIRMWARE, "coreboot"},
        {HAKO_CONFIG_HYPERVISOR, NULL},
        {HAKO_CONFIG_OS_ID, "fedora38"},
    };

    for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autoptr(GError) error = NULL;

        g_assert_false(hako_domain_config_set(config, bad[i].field, bad[i].value, &error));
        g_assert_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_INVALID_DATA);
        g_assert_cmpstr(error->message, !=, "");
        g_assert_false(hako_domain_config_is_modified(config));
    }
    {
        g_autoptr(GError) error = NULL;
        g_autofree char *xml = hako_domain_config_to_xml(config);
        g_autofree char *ca = c14n(input);
        g_autofree char *cb = c14n(xml);

        g_assert_cmpstr(ca, ==, cb);
        g_assert_false(hako_domain_config_device_set(config, 999, "@a", "b", &error));
        g_assert_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_NOT_FOUND);
        g_clear_error(&error);
        g_assert_false(hako_domain_config_device_set(config, 0, "a//b", "b", &error));
        g_assert_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_INVALID_DATA);
        g_clear_error(&error);
        g_assert_false(hako_domain_config_device_set(config, 0, "mac/@address", "zz", &error));
        g_assert_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_INVALID_DATA);
        g_clear_error(&error);
        g_assert_cmpint(hako_domain_config_add_device(config, "<disk", &error), ==, -1);
        g_assert_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_INVALID_DATA);
        g_clear_error(&error);
        g_assert_cmpint(hako_domain_config_add_device(config, "<emulator>/x</emulator>", &error),
                        ==, -1);
        g_assert_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_INVALID_DATA);
        g_clear_error(&error);
        g_assert_false(hako_domain_config_remove_device(config, 999, &error));
        g_assert_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_NOT_FOUND);
        g_clear_error(&error);
        g_assert_false(hako_domain_config_is_modified(config));
        g_assert_null(hako_domain_config_new_from_xml("<domain>", NULL, &error));
        g_assert_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_INVALID_DATA);
        g_clear_error(&error);
        g_assert_null(hako_domain_config_new_from_xml("<network/>", NULL, &error));
        g_assert_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_INVALID_DATA);
        g_clear_error(&error);
    }
}

static void
notify_cb(GObject *object, GParamSpec *pspec, gpointer data)
{
    (*(guint *)data)++;
}

static void
devices_changed_cb(HakoDomainConfig *config, gpointer data)
{
    (*(guint *)data)++;
}

static void
test_modified_and_revert(void)
{
    g_autofree char *input = read_corpus("03-q35-kvm-nics.xml");
    HakoDomainConfig *config = load(input);
    g_autoptr(GError) error = NULL;
    g_autofree char *xml = NULL;
    g_autofree char *describe = NULL;
    guint notified = 0;
    guint changed = 0;

    g_object_add_weak_pointer(G_OBJECT(config), (gpointer *)&config);
    g_signal_connect(config, "notify::modified", G_CALLBACK(notify_cb), &notified);
    g_signal_connect(config, "devices-changed", G_CALLBACK(devices_changed_cb), &changed);

    /* Setting what is already there is no change. */
    g_assert_true(hako_domain_config_set(config, HAKO_CONFIG_VCPUS, "4", &error));
    g_assert_false(hako_domain_config_is_modified(config));
    g_assert_cmpuint(notified, ==, 0);

    g_assert_true(hako_domain_config_set(config, HAKO_CONFIG_VCPUS, "3", &error));
    g_assert_true(hako_domain_config_is_modified(config));
    g_assert_cmpuint(notified, ==, 1);
    /* And back: not modified any more. */
    g_assert_true(hako_domain_config_set(config, HAKO_CONFIG_VCPUS, "4", &error));
    g_assert_false(hako_domain_config_is_modified(config));
    g_assert_cmpuint(notified, ==, 2);

    describe = hako_domain_config_device_describe(config, 0);
    g_assert_cmpstr(describe, ==, "NIC 52:54:00:6b:3c:03");
    g_assert_true(hako_domain_config_remove_device(config, 0, &error));
    g_assert_cmpuint(changed, ==, 1);
    g_assert_true(hako_domain_config_set(config, HAKO_CONFIG_TITLE, NULL, &error));
    g_assert_true(hako_domain_config_is_modified(config));
    hako_domain_config_revert(config);
    g_assert_cmpuint(changed, ==, 2);
    g_assert_false(hako_domain_config_is_modified(config));
    xml = hako_domain_config_to_xml(config);
    {
        g_autofree char *ca = c14n(xml);
        g_autofree char *cb = c14n(input);

        g_assert_cmpstr(ca, ==, cb);
    }
    g_assert_no_error(error);

    g_object_unref(config);
    g_assert_null(config);
}

static void
test_describe(void)
{
    g_autofree char *input = read_corpus("01-q35-kvm-disks.xml");
    g_autoptr(HakoDomainConfig) config = load(input);
    const char *expected[] = {
        "Disk vda (virtio)", "Disk sda (sata)",   "Disk vdb (virtio)", "CD-ROM sdb (sata)",
        "Floppy fda (fdc)",  "Disk vdc (virtio)", "Controller sata 0",
    };
    g_autofree char *readonly = hako_domain_config_device_get(config, 3, "readonly");
    g_autofree char *missing = hako_domain_config_device_get(config, 0, "readonly");
    g_autofree char *cache = hako_domain_config_device_get(config, 0, "driver/@cache");
    g_autofree char *host = hako_domain_config_device_get(config, 2, "source/host/@name");

    g_assert_cmpuint(hako_domain_config_get_n_devices(config), ==, G_N_ELEMENTS(expected));
    for (guint i = 0; i < G_N_ELEMENTS(expected); i++) {
        g_autofree char *describe = hako_domain_config_device_describe(config, i);

        g_assert_cmpstr(describe, ==, expected[i]);
    }
    g_assert_cmpstr(readonly, ==, "");
    g_assert_null(missing);
    g_assert_cmpstr(cache, ==, "none");
    g_assert_cmpstr(host, ==, "mon1.example.com");
}

/* Creating elements follows the document's indentation. */
static void
test_formatting(void)
{
    g_autoptr(HakoDomainConfig) config = load("<domain type=\"qemu\">\n"
                                              "  <name>f</name>\n"
                                              "  <memory>1024</memory>\n"
                                              "  <os>\n"
                                              "    <type>hvm</type>\n"
                                              "  </os>\n"
                                              "  <devices/>\n"
                                              "</domain>");
    g_autoptr(GError) error = NULL;
    g_autofree char *xml = NULL;

    g_assert_true(hako_domain_config_set(config, HAKO_CONFIG_TITLE, "T", &error));
    g_assert_true(hako_domain_config_set(config, HAKO_CONFIG_BOOT_ORDER, "hd,cdrom", &error));
    g_assert_true(hako_domain_config_set(config, HAKO_CONFIG_CPU_CORES, "2", &error));
    g_assert_cmpint(
        hako_domain_config_add_device(config, "<input type=\"tablet\" bus=\"usb\"/>", &error), ==,
        0);
    g_assert_no_error(error);
    xml = hako_domain_config_to_xml(config);
    g_assert_cmpstr(xml, ==,
                    "<domain type=\"qemu\">\n"
                    "  <name>f</name>\n"
                    "  <title>T</title>\n"
                    "  <memory>1024</memory>\n"
                    "  <os>\n"
                    "    <type>hvm</type>\n"
                    "    <boot dev=\"hd\"/>\n"
                    "    <boot dev=\"cdrom\"/>\n"
                    "  </os>\n"
                    "  <cpu>\n"
                    "    <topology cores=\"2\"/>\n"
                    "  </cpu>\n"
                    "  <devices>\n"
                    "    <input type=\"tablet\" bus=\"usb\"/>\n"
                    "  </devices>\n"
                    "</domain>\n");

    /* And removing them takes their lines with them. */
    g_assert_true(hako_domain_config_set(config, HAKO_CONFIG_TITLE, NULL, &error));
    g_assert_true(hako_domain_config_set(config, HAKO_CONFIG_BOOT_ORDER, NULL, &error));
    g_assert_true(hako_domain_config_set(config, HAKO_CONFIG_CPU_CORES, NULL, &error));
    g_assert_true(hako_domain_config_remove_device(config, 0, &error));
    g_free(xml);
    xml = hako_domain_config_to_xml(config);
    g_assert_cmpstr(xml, ==,
                    "<domain type=\"qemu\">\n"
                    "  <name>f</name>\n"
                    "  <memory>1024</memory>\n"
                    "  <os>\n"
                    "    <type>hvm</type>\n"
                    "  </os>\n"
                    "  <devices/>\n"
                    "</domain>\n");
}

static void
test_needs_restart(void)
{
    g_autofree char *input = read_corpus("27-pc-qemu-unknown.xml");
    g_autoptr(HakoDomainConfig) off = load(input);
    g_autoptr(GError) error = NULL;
    g_autoptr(HakoDomainConfig) on = hako_domain_config_new_from_xml(input, input, &error);
    g_autofree char *live = NULL;
    guint n;

    g_assert_no_error(error);
    g_assert_true(hako_domain_config_is_running(on));
    live = hako_domain_config_get_live(on, HAKO_CONFIG_MEMORY);
    g_assert_cmpstr(live, ==, "1048576");
    g_assert_null(hako_domain_config_field_needs_restart(off, HAKO_CONFIG_MEMORY));
    g_assert_nonnull(hako_domain_config_field_needs_restart(on, HAKO_CONFIG_MEMORY));
    g_assert_nonnull(hako_domain_config_field_needs_restart(on, HAKO_CONFIG_BOOT_ORDER));
    g_assert_null(hako_domain_config_field_needs_restart(on, HAKO_CONFIG_CURRENT_MEMORY));
    g_assert_null(hako_domain_config_field_needs_restart(on, HAKO_CONFIG_VCPUS_CURRENT));
    g_assert_null(hako_domain_config_field_needs_restart(on, HAKO_CONFIG_TITLE));

    /* A disk can be plugged; its cache mode changes at the next boot; the unknown device can
     * only come or go at the next boot. */
    g_assert_null(hako_domain_config_device_needs_restart(on, 0, NULL));
    g_assert_nonnull(hako_domain_config_device_needs_restart(on, 0, "driver/@cache"));
    g_assert_null(hako_domain_config_device_needs_restart(off, 0, "driver/@cache"));
    g_assert_cmpint(hako_domain_config_device_kind(on, 1), ==, HAKO_DEVICE_OTHER);
    g_assert_nonnull(hako_domain_config_device_needs_restart(on, 1, NULL));
    n = hako_domain_config_get_n_devices(on);
    g_assert_cmpint(hako_domain_config_device_kind(on, n - 1), ==, HAKO_DEVICE_INTERFACE);
    g_assert_null(hako_domain_config_device_needs_restart(on, n - 1, "link/@state"));
}

int
main(int argc, char **argv)
{
    g_autofree char *dir_path = NULL;
    g_autoptr(GDir) dir = NULL;
    g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func(g_free);
    const char *name;

    setlocale(LC_ALL, "");
    g_test_init(&argc, &argv, NULL);

    dir_path = g_test_build_filename(G_TEST_DIST, "data", "domains", NULL);
    dir = g_dir_open(dir_path, 0, NULL);
    g_assert_nonnull(dir);
    while ((name = g_dir_read_name(dir)) != NULL)
        if (g_str_has_suffix(name, ".xml"))
            g_ptr_array_add(files, g_strdup(name));
    g_ptr_array_sort(files, (GCompareFunc)g_strcmp0);
    /* The issue asks for at least a hundred. */
    g_assert_cmpuint(files->len, >=, 100);

    g_test_add_func("/engine/domain-config/values", test_values);
    g_test_add_func("/engine/domain-config/memory-units", test_memory_units);
    g_test_add_func("/engine/domain-config/refused", test_refused);
    g_test_add_func("/engine/domain-config/modified-and-revert", test_modified_and_revert);
    g_test_add_func("/engine/domain-config/describe", test_describe);
    g_test_add_func("/engine/domain-config/formatting", test_formatting);
    g_test_add_func("/engine/domain-config/needs-restart", test_needs_restart);
    for (guint i = 0; i < files->len; i++) {
        g_autofree char *path =
            g_strdup_printf("/engine/domain-config/corpus/%s", (const char *)files->pdata[i]);

        g_test_add_data_func(path, files->pdata[i], test_corpus_file);
    }
    return g_test_run();
}
