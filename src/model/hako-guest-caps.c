/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoGuestCaps: the kinds of guest a host can run (architecture, hypervisor, guest type).
 *
 * Plain values the engine fills from libvirt's capabilities XML (hako-guest-caps-xml.c: the
 * model has no XML parser) and the create wizard chooses from. */
#include "config.h"

#include "hako-guest-caps.h"

#include <glib/gi18n.h>
#include <string.h>

G_DEFINE_BOXED_TYPE(HakoGuestOption,
                    hako_guest_option,
                    hako_guest_option_copy,
                    hako_guest_option_free)
G_DEFINE_BOXED_TYPE(HakoGuestCaps, hako_guest_caps, hako_guest_caps_copy, hako_guest_caps_free)

/**
 * hako_guest_option_new:
 *
 * Returns: (transfer full): an empty option: hvm, kvm, nothing known.
 */
HakoGuestOption *
hako_guest_option_new(void)
{
    HakoGuestOption *option = g_new0(HakoGuestOption, 1);

    option->guest_type = HAKO_GUEST_HVM;
    option->virt_type = HAKO_VIRT_KVM;
    return option;
}

/**
 * hako_guest_option_copy:
 *
 * Returns: (transfer full): a deep copy of @option.
 */
HakoGuestOption *
hako_guest_option_copy(const HakoGuestOption *option)
{
    HakoGuestOption *copy;

    g_return_val_if_fail(option != NULL, NULL);

    copy = g_memdup2(option, sizeof(*option));
    copy->arch = g_strdup(option->arch);
    copy->domain_type = g_strdup(option->domain_type);
    copy->emulator = g_strdup(option->emulator);
    copy->default_machine = g_strdup(option->default_machine);
    copy->machines = g_strdupv(option->machines);
    copy->uefi_loader = g_strdup(option->uefi_loader);
    copy->disk_buses = g_strdupv(option->disk_buses);
    copy->video_models = g_strdupv(option->video_models);
    copy->graphics_types = g_strdupv(option->graphics_types);
    return copy;
}

void
hako_guest_option_free(HakoGuestOption *option)
{
    if (option == NULL)
        return;
    g_free(option->arch);
    g_free(option->domain_type);
    g_free(option->emulator);
    g_free(option->default_machine);
    g_strfreev(option->machines);
    g_free(option->uefi_loader);
    g_strfreev(option->disk_buses);
    g_strfreev(option->video_models);
    g_strfreev(option->graphics_types);
    g_free(option);
}

/**
 * hako_guest_option_describe:
 *
 * Returns: (transfer full): the hypervisor and guest type of @option in words, for a choice
 *   the user makes ("KVM (hardware virtualization)").
 */
char *
hako_guest_option_describe(const HakoGuestOption *option)
{
    g_return_val_if_fail(option != NULL, NULL);

    if (option->guest_type == HAKO_GUEST_XEN_PV)
        return g_strdup(_("Xen paravirtualized"));
    switch (option->virt_type) {
    case HAKO_VIRT_KVM:
        return g_strdup(_("KVM (hardware virtualization)"));
    case HAKO_VIRT_QEMU:
        return g_strdup(_("QEMU (emulated, slower)"));
    case HAKO_VIRT_XEN:
        return g_strdup(_("Xen fully virtualized"));
    }
    g_return_val_if_reached(NULL);
}

/**
 * hako_guest_option_supports:
 * @values: (nullable): one of an option's lists (disk_buses, video_models, graphics_types)
 * @value: a bus, model or type
 *
 * Returns: whether @value may be used: it is in @values, or @values is not known.
 */
gboolean
hako_guest_option_supports(const char *const *values, const char *value)
{
    g_return_val_if_fail(value != NULL, FALSE);

    return values == NULL || g_strv_contains(values, value);
}

/**
 * hako_guest_caps_new:
 * @host_arch: (nullable): the host's architecture
 *
 * Returns: (transfer full): capabilities with no options yet.
 */
HakoGuestCaps *
hako_guest_caps_new(const char *host_arch)
{
    HakoGuestCaps *caps = g_new0(HakoGuestCaps, 1);

    caps->host_arch = g_strdup(host_arch);
    caps->options = g_ptr_array_new_with_free_func((GDestroyNotify)hako_guest_option_free);
    return caps;
}

/**
 * hako_guest_caps_copy:
 *
 * Returns: (transfer full): a deep copy of @caps.
 */
HakoGuestCaps *
hako_guest_caps_copy(const HakoGuestCaps *caps)
{
    HakoGuestCaps *copy;

    g_return_val_if_fail(caps != NULL, NULL);

    copy = hako_guest_caps_new(caps->host_arch);
    for (guint i = 0; i < caps->options->len; i++)
        g_ptr_array_add(copy->options, hako_guest_option_copy(caps->options->pdata[i]));
    return copy;
}

void
hako_guest_caps_free(HakoGuestCaps *caps)
{
    if (caps == NULL)
        return;
    g_free(caps->host_arch);
    g_ptr_array_unref(caps->options);
    g_free(caps);
}

static int
compare_options(gconstpointer a, gconstpointer b, gpointer user_data)
{
    const HakoGuestOption *x = *(HakoGuestOption *const *)a;
    const HakoGuestOption *y = *(HakoGuestOption *const *)b;
    const char *host_arch = user_data;
    gboolean x_host = g_strcmp0(x->arch, host_arch) == 0;
    gboolean y_host = g_strcmp0(y->arch, host_arch) == 0;
    int by_arch;

    if (x_host != y_host)
        return x_host ? -1 : 1;
    by_arch = g_strcmp0(x->arch, y->arch);
    if (by_arch != 0)
        return by_arch;
    if (x->virt_type != y->virt_type)
        return x->virt_type < y->virt_type ? -1 : 1;
    if (x->guest_type != y->guest_type)
        return x->guest_type < y->guest_type ? -1 : 1;
    return 0;
}

/**
 * hako_guest_caps_sort:
 *
 * Puts the options in the order the wizard offers them: the host's architecture first (the
 * others by name), then KVM, QEMU and Xen, and hvm before Xen PV.
 */
void
hako_guest_caps_sort(HakoGuestCaps *caps)
{
    g_return_if_fail(caps != NULL);

    g_ptr_array_sort_with_data(caps->options, compare_options, caps->host_arch);
}

/**
 * hako_guest_caps_find:
 * @arch: (nullable): an architecture, or %NULL for the host's
 *
 * Returns: (transfer none) (nullable): the option for @arch, @virt and @guest, if the host
 *   offers it.
 */
const HakoGuestOption *
hako_guest_caps_find(const HakoGuestCaps *caps,
                     const char *arch,
                     HakoVirtType virt,
                     HakoGuestType guest)
{
    g_return_val_if_fail(caps != NULL, NULL);

    if (arch == NULL)
        arch = caps->host_arch;
    for (guint i = 0; i < caps->options->len; i++) {
        const HakoGuestOption *option = caps->options->pdata[i];

        if (g_strcmp0(option->arch, arch) == 0 && option->virt_type == virt &&
            option->guest_type == guest)
            return option;
    }
    return NULL;
}

/**
 * hako_guest_caps_is_emulated_only:
 * @option: (nullable): the kind of guest chosen, one of @caps's
 *
 * Returns: %TRUE when @option is a QEMU guest (emulated) and @caps offers no KVM guest at all:
 *   the host has no /dev/kvm, no VT-x/AMD-V or no module, so every guest would be slow. %FALSE
 *   for a KVM choice, a host with KVM, Xen and the test driver.
 */
gboolean
hako_guest_caps_is_emulated_only(const HakoGuestCaps *caps, const HakoGuestOption *option)
{
    g_return_val_if_fail(caps != NULL, FALSE);

    if (option == NULL || g_strcmp0(option->domain_type, "qemu") != 0)
        return FALSE;
    for (guint i = 0; i < caps->options->len; i++)
        if (((const HakoGuestOption *)caps->options->pdata[i])->virt_type == HAKO_VIRT_KVM)
            return FALSE;
    return TRUE;
}

/**
 * hako_guest_caps_get_default:
 *
 * Returns: (transfer none) (nullable): what a new guest uses unless the user chooses: the
 *   host's architecture with KVM if the host has it, else QEMU, fully virtualized; failing
 *   those, the first option; %NULL when the host offers none.
 */
const HakoGuestOption *
hako_guest_caps_get_default(const HakoGuestCaps *caps)
{
    const HakoGuestOption *option;

    g_return_val_if_fail(caps != NULL, NULL);

    option = hako_guest_caps_find(caps, NULL, HAKO_VIRT_KVM, HAKO_GUEST_HVM);
    if (option == NULL)
        option = hako_guest_caps_find(caps, NULL, HAKO_VIRT_QEMU, HAKO_GUEST_HVM);
    if (option == NULL && caps->options->len > 0) {
        /* sorted: the first is of the host's architecture if any is */
        option = caps->options->pdata[0];
    }
    return option;
}
