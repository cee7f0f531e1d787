/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libvirt's capabilities and domain capabilities XML read into HakoGuestCaps.
 *
 * The structs live in the model (GIO only, no XML parser); the reading lives here, with the
 * engine's libxml2, as pure functions the unit tests feed with captured XML
 * (tests/data/caps/). */
#include "config.h"

#include "hako-guest-caps-xml.h"

#include "hako-engine-error.h"

#include <glib/gi18n.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <string.h>

G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlDoc, xmlFreeDoc)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlXPathContext, xmlXPathFreeContext)

static xmlDocPtr
parse_xml(const char *xml, const char *root, const char *name)
{
    xmlDocPtr doc;
    xmlNodePtr node;

    if (xml == NULL)
        return NULL;
    doc = xmlReadMemory(xml, (int)strlen(xml), name, NULL,
                        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    node = doc != NULL ? xmlDocGetRootElement(doc) : NULL;
    if (node == NULL || xmlStrcmp(node->name, BAD_CAST root) != 0) {
        if (doc != NULL)
            xmlFreeDoc(doc);
        return NULL;
    }
    return doc;
}

/* The string value of @expression evaluated at @node, or NULL when it is empty. */
static char *
node_string(xmlXPathContextPtr ctx, xmlNodePtr node, const char *expression)
{
    g_autofree char *wrapped = g_strdup_printf("string(%s)", expression);
    xmlXPathObjectPtr obj;
    char *value = NULL;

    ctx->node = node;
    obj = xmlXPathEvalExpression(BAD_CAST wrapped, ctx);
    if (obj != NULL && obj->type == XPATH_STRING && obj->stringval != NULL &&
        obj->stringval[0] != '\0')
        value = g_strstrip(g_strdup((const char *)obj->stringval));
    xmlXPathFreeObject(obj);
    return value;
}

/* The nodes @expression selects at @node; free with xmlXPathFreeObject(). */
static xmlXPathObjectPtr
node_set(xmlXPathContextPtr ctx, xmlNodePtr node, const char *expression)
{
    xmlXPathObjectPtr obj;

    ctx->node = node;
    obj = xmlXPathEvalExpression(BAD_CAST expression, ctx);
    if (obj != NULL && (obj->type != XPATH_NODESET || obj->nodesetval == NULL)) {
        xmlXPathFreeObject(obj);
        return NULL;
    }
    return obj;
}

static gboolean
has_node(xmlXPathContextPtr ctx, xmlNodePtr node, const char *expression)
{
    xmlXPathObjectPtr obj = node_set(ctx, node, expression);
    gboolean found = obj != NULL && obj->nodesetval->nodeNr > 0;

    xmlXPathFreeObject(obj);
    return found;
}

static gboolean
array_contains(GPtrArray *values, const char *value)
{
    for (guint i = 0; i < values->len; i++) {
        if (strcmp(values->pdata[i], value) == 0)
            return TRUE;
    }
    return FALSE;
}

/* The text of the nodes @expression selects at @node, in document order, without duplicates:
 * an empty array when it selects none. */
static char **
node_strings(xmlXPathContextPtr ctx, xmlNodePtr node, const char *expression)
{
    GPtrArray *values = g_ptr_array_new();
    xmlXPathObjectPtr obj = node_set(ctx, node, expression);

    for (int i = 0; obj != NULL && i < obj->nodesetval->nodeNr; i++) {
        xmlChar *content = xmlNodeGetContent(obj->nodesetval->nodeTab[i]);
        g_autofree char *value = g_strstrip(g_strdup((const char *)content));

        xmlFree(content);
        if (value[0] != '\0' && !array_contains(values, value))
            g_ptr_array_add(values, g_steal_pointer(&value));
    }
    xmlXPathFreeObject(obj);
    g_ptr_array_add(values, NULL);
    return (char **)g_ptr_array_free(values, FALSE);
}

static guint
parse_uint(const char *text)
{
    guint64 value = 0;

    if (text == NULL || !g_ascii_string_to_unsigned(text, 10, 0, G_MAXUINT, &value, NULL))
        return 0;
    return (guint)value;
}

static gboolean
parse_guest_type(const char *os_type, HakoGuestType *type)
{
    if (g_strcmp0(os_type, "hvm") == 0)
        *type = HAKO_GUEST_HVM;
    else if (g_strcmp0(os_type, "xen") == 0 || g_strcmp0(os_type, "linux") == 0)
        *type = HAKO_GUEST_XEN_PV; /* "linux" is what old Xen drivers called PV */
    else
        return FALSE; /* xenpvh, exe (containers), uml: nothing the wizard makes */
    return TRUE;
}

static gboolean
parse_virt_type(const char *domain_type, HakoVirtType *type)
{
    if (g_strcmp0(domain_type, "kvm") == 0)
        *type = HAKO_VIRT_KVM;
    else if (g_strcmp0(domain_type, "qemu") == 0)
        *type = HAKO_VIRT_QEMU;
    else if (g_strcmp0(domain_type, "xen") == 0)
        *type = HAKO_VIRT_XEN;
    else if (g_strcmp0(domain_type, "test") == 0) {
        /* the test driver runs nothing: offer it as plain emulation, keeping its own name in
         * domain_type (it accepts any <domain type> anyway) */
        *type = HAKO_VIRT_QEMU;
    } else
        return FALSE;
    return TRUE;
}

/* One <guest><arch><domain>: an option, with the domain's own emulator and machines where it
 * has them (older QEMU drivers gave kvm its own binary), else the arch's. */
static HakoGuestOption *
read_option(xmlXPathContextPtr ctx,
            xmlNodePtr arch_node,
            xmlNodePtr domain_node,
            const char *arch,
            HakoGuestType guest_type)
{
    g_autoptr(HakoGuestOption) option = hako_guest_option_new();
    g_autofree char *domain_type = node_string(ctx, domain_node, "@type");
    xmlNodePtr machines_node = domain_node;
    g_auto(GStrv) machines = NULL;

    if (!parse_virt_type(domain_type, &option->virt_type))
        return NULL;
    option->arch = g_strdup(arch);
    option->guest_type = guest_type;
    option->domain_type = g_steal_pointer(&domain_type);
    option->emulator = node_string(ctx, domain_node, "emulator");
    if (option->emulator == NULL)
        option->emulator = node_string(ctx, arch_node, "emulator");

    machines = node_strings(ctx, domain_node, "machine");
    if (machines[0] == NULL) {
        g_strfreev(g_steal_pointer(&machines));
        machines = node_strings(ctx, arch_node, "machine");
        machines_node = arch_node;
    }
    if (machines[0] != NULL) {
        /* libvirt lists the hypervisor's default machine first */
        g_autofree char *max = node_string(ctx, machines_node, "machine[1]/@maxCpus");

        option->default_machine = g_strdup(machines[0]);
        option->max_vcpus = parse_uint(max);
        option->machines = g_steal_pointer(&machines);
    }
    return g_steal_pointer(&option);
}

/**
 * hako_guest_caps_parse:
 * @capabilities_xml: what virConnectGetCapabilities() returned
 *
 * Reads the kinds of guest a host offers: one option per guest architecture and hypervisor
 * (<guest><arch><domain type>), with its emulator, its default machine (libvirt lists it
 * first) and that machine's vCPU limit. Guest types other than hvm and Xen PV (Xen PVH,
 * containers) and hypervisors other than KVM, QEMU and Xen are left out; the test driver's
 * "test" counts as QEMU. What only domain capabilities say stays unknown: see
 * hako_guest_option_apply_domain_caps().
 *
 * Returns: (transfer full): the options, sorted (hako_guest_caps_sort()), or %NULL with
 *   %HAKO_ENGINE_ERROR_INVALID_DATA when @capabilities_xml is not capabilities XML.
 */
HakoGuestCaps *
hako_guest_caps_parse(const char *capabilities_xml, GError **error)
{
    g_autoptr(xmlDoc) doc = parse_xml(capabilities_xml, "capabilities", "capabilities.xml");
    g_autoptr(xmlXPathContext) ctx = NULL;
    g_autoptr(HakoGuestCaps) caps = NULL;
    g_autofree char *host_arch = NULL;
    xmlXPathObjectPtr guests;

    if (doc == NULL) {
        g_set_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_INVALID_DATA,
                    _("The host’s capabilities could not be read: they are not libvirt "
                      "capabilities XML."));
        return NULL;
    }
    ctx = xmlXPathNewContext(doc);
    host_arch = node_string(ctx, xmlDocGetRootElement(doc), "host/cpu/arch");
    caps = hako_guest_caps_new(host_arch);

    guests = node_set(ctx, xmlDocGetRootElement(doc), "guest");
    for (int i = 0; guests != NULL && i < guests->nodesetval->nodeNr; i++) {
        xmlNodePtr guest = guests->nodesetval->nodeTab[i];
        g_autofree char *os_type = node_string(ctx, guest, "os_type");
        HakoGuestType guest_type;
        xmlXPathObjectPtr arches;

        if (!parse_guest_type(os_type, &guest_type))
            continue;
        arches = node_set(ctx, guest, "arch[@name]");
        for (int j = 0; arches != NULL && j < arches->nodesetval->nodeNr; j++) {
            xmlNodePtr arch_node = arches->nodesetval->nodeTab[j];
            g_autofree char *arch = node_string(ctx, arch_node, "@name");
            xmlXPathObjectPtr domains = node_set(ctx, arch_node, "domain");

            for (int k = 0; domains != NULL && k < domains->nodesetval->nodeNr; k++) {
                HakoGuestOption *option =
                    read_option(ctx, arch_node, domains->nodesetval->nodeTab[k], arch, guest_type);

                if (option == NULL)
                    continue;
                /* a second "test" or a repeated entry: the first one counts */
                if (hako_guest_caps_find(caps, option->arch, option->virt_type,
                                         option->guest_type) != NULL) {
                    hako_guest_option_free(option);
                    continue;
                }
                g_ptr_array_add(caps->options, option);
            }
            xmlXPathFreeObject(domains);
        }
        xmlXPathFreeObject(arches);
    }
    xmlXPathFreeObject(guests);

    hako_guest_caps_sort(caps);
    return g_steal_pointer(&caps);
}

/* Whether @path names UEFI firmware built for @arch, by the names distributions give it
 * (OVMF for x86, AAVMF or QEMU_EFI for ARM, QEMU's own edk2-*-code.fd). */
static gboolean
is_uefi_path_for_arch(const char *arch, const char *path)
{
    g_autofree char *lower = g_ascii_strdown(path, -1);
    gboolean ovmf32 = strstr(lower, "ovmf32") != NULL || strstr(lower, "ia32") != NULL;
    gboolean aavmf32 = strstr(lower, "aavmf32") != NULL;

    if (g_strcmp0(arch, "x86_64") == 0)
        return (strstr(lower, "ovmf") != NULL && !ovmf32) ||
               strstr(lower, "edk2-x86_64-code") != NULL;
    if (g_strcmp0(arch, "i686") == 0)
        return ovmf32 || strstr(lower, "edk2-i386-code") != NULL;
    if (g_strcmp0(arch, "aarch64") == 0)
        return (strstr(lower, "aavmf") != NULL && !aavmf32) || strstr(lower, "qemu_efi") != NULL ||
               strstr(lower, "edk2-aarch64-code") != NULL;
    if (g_strcmp0(arch, "armv7l") == 0)
        return aavmf32 || strstr(lower, "edk2-arm-code") != NULL;
    return FALSE;
}

/**
 * hako_guest_option_find_uefi_loader:
 * @arch: the guest's architecture
 * @loaders: (nullable): the loader paths domain capabilities list
 *
 * Returns: (transfer none) (nullable): the path among @loaders of UEFI firmware for @arch,
 *   one without Secure Boot preferred (it needs SMM and a q35 machine); %NULL when none is.
 */
const char *
hako_guest_option_find_uefi_loader(const char *arch, const char *const *loaders)
{
    const char *found = NULL;

    for (guint i = 0; loaders != NULL && loaders[i] != NULL; i++) {
        g_autofree char *lower = g_ascii_strdown(loaders[i], -1);

        if (!is_uefi_path_for_arch(arch, loaders[i]))
            continue;
        if (strstr(lower, "secboot") == NULL && strstr(lower, "secure") == NULL)
            return loaders[i];
        if (found == NULL)
            found = loaders[i];
    }
    return found;
}

/* The values of <enum name=@name> in @device, or NULL unknown: an empty list when the device
 * is there but not supported. */
static char **
device_enum(xmlXPathContextPtr ctx, xmlNodePtr root, const char *device, const char *name)
{
    g_autofree char *device_path = g_strdup_printf("devices/%s", device);
    g_autofree char *supported_path = g_strdup_printf("%s/@supported", device_path);
    g_autofree char *enum_path = g_strdup_printf("%s/enum[@name='%s']", device_path, name);
    g_autofree char *values_path = g_strdup_printf("%s/value", enum_path);
    g_autofree char *supported = NULL;

    if (!has_node(ctx, root, device_path))
        return NULL;
    supported = node_string(ctx, root, supported_path);
    if (g_strcmp0(supported, "no") == 0)
        return g_new0(char *, 1);
    if (!has_node(ctx, root, enum_path))
        return NULL;
    return node_strings(ctx, root, values_path);
}

/**
 * hako_guest_option_apply_domain_caps:
 * @option: an option from hako_guest_caps_parse()
 * @domain_caps_xml: what virConnectGetDomainCapabilities() returned for @option's emulator,
 *   architecture, machine and hypervisor
 *
 * Completes @option with what only domain capabilities say: the vCPU limit (<vcpu max>),
 * UEFI, and the disk buses, video models and graphics types the hypervisor has. UEFI is
 * available when libvirt picks the firmware itself (<os><enum name='firmware'> has efi: then
 * uefi_autoselect), or else when the loader may be pflash and one of the loader paths names
 * UEFI firmware for @option's architecture (then uefi_loader). Paths are judged by name only:
 * the files are on the host, which may be remote.
 *
 * Returns: %TRUE, or %FALSE with %HAKO_ENGINE_ERROR_INVALID_DATA when @domain_caps_xml is not
 *   domain capabilities XML (@option is then unchanged).
 */
gboolean
hako_guest_option_apply_domain_caps(HakoGuestOption *option,
                                    const char *domain_caps_xml,
                                    GError **error)
{
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(xmlXPathContext) ctx = NULL;
    g_autofree char *max = NULL;
    g_autofree char *loader_supported = NULL;
    g_auto(GStrv) firmware = NULL;
    g_auto(GStrv) loader_types = NULL;
    g_auto(GStrv) loaders = NULL;
    const char *loader;
    xmlNodePtr root;
    guint max_vcpus;

    g_return_val_if_fail(option != NULL, FALSE);

    doc = parse_xml(domain_caps_xml, "domainCapabilities", "domcapabilities.xml");
    if (doc == NULL) {
        g_set_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_INVALID_DATA,
                    _("The host’s domain capabilities could not be read: they are not libvirt "
                      "domain capabilities XML."));
        return FALSE;
    }
    ctx = xmlXPathNewContext(doc);
    root = xmlDocGetRootElement(doc);

    max = node_string(ctx, root, "vcpu/@max");
    max_vcpus = parse_uint(max);
    if (max_vcpus > 0)
        option->max_vcpus = max_vcpus;
    if (option->emulator == NULL)
        option->emulator = node_string(ctx, root, "path");
    if (option->default_machine == NULL)
        option->default_machine = node_string(ctx, root, "machine");

    firmware = node_strings(ctx, root, "os[not(@supported='no')]/enum[@name='firmware']/value");
    loader_supported = node_string(ctx, root, "os/loader/@supported");
    loader_types = node_strings(ctx, root, "os/loader/enum[@name='type']/value");
    loaders = node_strings(ctx, root, "os/loader/value");
    option->uefi_autoselect = g_strv_contains((const char *const *)firmware, "efi");
    loader = NULL;
    if (g_strcmp0(loader_supported, "yes") == 0 &&
        g_strv_contains((const char *const *)loader_types, "pflash"))
        loader = hako_guest_option_find_uefi_loader(option->arch, (const char *const *)loaders);
    g_free(option->uefi_loader);
    option->uefi_loader = option->uefi_autoselect ? NULL : g_strdup(loader);
    option->uefi_available = option->uefi_autoselect || option->uefi_loader != NULL;

    g_strfreev(option->disk_buses);
    option->disk_buses = device_enum(ctx, root, "disk", "bus");
    g_strfreev(option->video_models);
    option->video_models = device_enum(ctx, root, "video", "modelType");
    g_strfreev(option->graphics_types);
    option->graphics_types = device_enum(ctx, root, "graphics", "type");
    return TRUE;
}
