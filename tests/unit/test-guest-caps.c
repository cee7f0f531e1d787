/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests of HakoGuestCaps (model) and of reading libvirt's capabilities and domain
 * capabilities XML into it (engine, pure): XML captured from this machine's private libvirtd
 * (QEMU/KVM), from the test driver, and a Xen host's written after libvirt's libxl driver
 * (tests/data/caps/). No connection. */
#include "config.h"

#include "hako-engine-error.h"
#include "hako-guest-caps-xml.h"
#include "hako-guest-caps.h"

#include <locale.h>

static char *
read_caps_file(const char *name)
{
    g_autofree char *path = g_test_build_filename(G_TEST_DIST, "data", "caps", name, NULL);
    g_autoptr(GError) error = NULL;
    char *contents = NULL;

    g_file_get_contents(path, &contents, NULL, &error);
    g_assert_no_error(error);
    return contents;
}

static HakoGuestCaps *
parse_caps_file(const char *name)
{
    g_autofree char *xml = read_caps_file(name);
    g_autoptr(GError) error = NULL;
    HakoGuestCaps *caps = hako_guest_caps_parse(xml, &error);

    g_assert_no_error(error);
    g_assert_nonnull(caps);
    return caps;
}

static void
apply_domcaps_file(HakoGuestOption *option, const char *name)
{
    g_autofree char *xml = read_caps_file(name);
    g_autoptr(GError) error = NULL;

    g_assert_true(hako_guest_option_apply_domain_caps(option, xml, &error));
    g_assert_no_error(error);
}

static HakoGuestOption *
nth_option(HakoGuestCaps *caps, guint nth)
{
    g_assert_cmpuint(nth, <, caps->options->len);
    return caps->options->pdata[nth];
}

static void
assert_option(HakoGuestOption *option,
              const char *arch,
              HakoVirtType virt,
              HakoGuestType guest,
              const char *domain_type)
{
    g_assert_cmpstr(option->arch, ==, arch);
    g_assert_cmpint(option->virt_type, ==, virt);
    g_assert_cmpint(option->guest_type, ==, guest);
    g_assert_cmpstr(option->domain_type, ==, domain_type);
}

/* Only capabilities read: what domain capabilities tell is still unknown. */
static void
assert_domcaps_unknown(HakoGuestOption *option)
{
    g_assert_false(option->uefi_available);
    g_assert_false(option->uefi_autoselect);
    g_assert_null(option->uefi_loader);
    g_assert_null(option->disk_buses);
    g_assert_null(option->video_models);
    g_assert_null(option->graphics_types);
}

static void
assert_strv_has(char **values, const char *value)
{
    g_assert_nonnull(values);
    g_assert_true(g_strv_contains((const char *const *)values, value));
}

/* ---------------------------------------------------------------------- */

static void
test_qemu_capabilities(void)
{
    g_autoptr(HakoGuestCaps) caps = parse_caps_file("qemu-capabilities.xml");
    HakoGuestOption *option;

    g_assert_cmpstr(caps->host_arch, ==, "x86_64");
    g_assert_cmpuint(caps->options->len, ==, 4);
    /* the host's architecture first, then kvm before qemu */
    assert_option(nth_option(caps, 0), "x86_64", HAKO_VIRT_KVM, HAKO_GUEST_HVM, "kvm");
    assert_option(nth_option(caps, 1), "x86_64", HAKO_VIRT_QEMU, HAKO_GUEST_HVM, "qemu");
    assert_option(nth_option(caps, 2), "i686", HAKO_VIRT_KVM, HAKO_GUEST_HVM, "kvm");
    assert_option(nth_option(caps, 3), "i686", HAKO_VIRT_QEMU, HAKO_GUEST_HVM, "qemu");

    option = nth_option(caps, 0);
    g_assert_cmpstr(option->emulator, ==, "/usr/bin/qemu-system-x86_64");
    /* libvirt lists QEMU's default machine first; its maxCpus is the vCPU limit for now */
    g_assert_cmpstr(option->default_machine, ==, "pc-i440fx-7.2");
    g_assert_cmpstr(option->machines[0], ==, "pc-i440fx-7.2");
    assert_strv_has(option->machines, "q35");
    assert_strv_has(option->machines, "pc-q35-7.2");
    g_assert_cmpuint(option->max_vcpus, ==, 255);
    assert_domcaps_unknown(option);

    option = nth_option(caps, 3);
    g_assert_cmpstr(option->emulator, ==, "/usr/bin/qemu-system-i386");
    g_assert_cmpstr(option->default_machine, ==, "pc-i440fx-7.2");

    g_assert_true(hako_guest_caps_get_default(caps) == nth_option(caps, 0));
    g_assert_true(hako_guest_caps_find(caps, NULL, HAKO_VIRT_QEMU, HAKO_GUEST_HVM) ==
                  nth_option(caps, 1));
    g_assert_true(hako_guest_caps_find(caps, "i686", HAKO_VIRT_KVM, HAKO_GUEST_HVM) ==
                  nth_option(caps, 2));
    g_assert_null(hako_guest_caps_find(caps, "x86_64", HAKO_VIRT_XEN, HAKO_GUEST_HVM));
    g_assert_null(hako_guest_caps_find(caps, "x86_64", HAKO_VIRT_KVM, HAKO_GUEST_XEN_PV));
    g_assert_null(hako_guest_caps_find(caps, "aarch64", HAKO_VIRT_QEMU, HAKO_GUEST_HVM));
}

static void
test_qemu_domain_capabilities(void)
{
    g_autoptr(HakoGuestCaps) caps = parse_caps_file("qemu-capabilities.xml");
    HakoGuestOption *kvm = nth_option(caps, 0);
    HakoGuestOption *tcg = nth_option(caps, 1);
    HakoGuestOption *i686 = nth_option(caps, 3);

    apply_domcaps_file(kvm, "qemu-domcaps-kvm-x86_64.xml");
    g_assert_cmpuint(kvm->max_vcpus, ==, 255);
    /* firmware descriptors (ovmf): libvirt picks the UEFI firmware itself */
    g_assert_true(kvm->uefi_available);
    g_assert_true(kvm->uefi_autoselect);
    g_assert_null(kvm->uefi_loader);
    assert_strv_has(kvm->disk_buses, "virtio");
    assert_strv_has(kvm->disk_buses, "sata");
    assert_strv_has(kvm->disk_buses, "ide");
    g_assert_false(g_strv_contains((const char *const *)kvm->disk_buses, "xen"));
    assert_strv_has(kvm->video_models, "virtio");
    assert_strv_has(kvm->video_models, "qxl");
    assert_strv_has(kvm->video_models, "vga");
    assert_strv_has(kvm->graphics_types, "vnc");
    assert_strv_has(kvm->graphics_types, "spice");
    /* what capabilities said stays */
    g_assert_cmpstr(kvm->emulator, ==, "/usr/bin/qemu-system-x86_64");
    g_assert_cmpstr(kvm->default_machine, ==, "pc-i440fx-7.2");

    apply_domcaps_file(tcg, "qemu-domcaps-qemu-x86_64.xml");
    g_assert_true(tcg->uefi_available);
    g_assert_true(tcg->uefi_autoselect);
    assert_strv_has(tcg->disk_buses, "virtio");

    /* i686: no firmware descriptor, and the loaders listed are 64-bit OVMF: no UEFI */
    apply_domcaps_file(i686, "qemu-domcaps-qemu-i686.xml");
    g_assert_false(i686->uefi_available);
    g_assert_false(i686->uefi_autoselect);
    g_assert_null(i686->uefi_loader);
    g_assert_cmpuint(i686->max_vcpus, ==, 255);
    assert_strv_has(i686->disk_buses, "virtio");
}

static void
test_testdriver_capabilities(void)
{
    g_autoptr(HakoGuestCaps) caps = parse_caps_file("test-capabilities.xml");
    g_autofree char *hvm_text = NULL;
    g_autofree char *pv_text = NULL;
    HakoGuestOption *hvm;
    HakoGuestOption *pv;

    g_assert_cmpstr(caps->host_arch, ==, "i686");
    g_assert_cmpuint(caps->options->len, ==, 2);
    hvm = nth_option(caps, 0);
    pv = nth_option(caps, 1);
    /* the test driver's "test" domains are offered as QEMU, keeping their own name */
    assert_option(hvm, "i686", HAKO_VIRT_QEMU, HAKO_GUEST_HVM, "test");
    assert_option(pv, "i686", HAKO_VIRT_QEMU, HAKO_GUEST_XEN_PV, "test");
    g_assert_cmpstr(hvm->emulator, ==, "/usr/bin/test-hv");
    g_assert_null(hvm->default_machine);
    g_assert_null(hvm->machines);
    g_assert_cmpuint(hvm->max_vcpus, ==, 0);
    assert_domcaps_unknown(hvm);
    assert_domcaps_unknown(pv);

    g_assert_true(hako_guest_caps_get_default(caps) == hvm);
    hvm_text = hako_guest_option_describe(hvm);
    pv_text = hako_guest_option_describe(pv);
    g_assert_cmpstr(hvm_text, ==, "QEMU (emulated, slower)");
    g_assert_cmpstr(pv_text, ==, "Xen paravirtualized");
}

static void
test_xen_capabilities(void)
{
    g_autoptr(HakoGuestCaps) caps = parse_caps_file("xen-capabilities.xml");
    HakoGuestOption *hvm;
    HakoGuestOption *pv;
    g_autofree char *hvm_text = NULL;
    g_autofree char *pv_text = NULL;

    g_assert_cmpstr(caps->host_arch, ==, "x86_64");
    /* listed PV first and i686 first in the file; PVH is not offered */
    g_assert_cmpuint(caps->options->len, ==, 4);
    assert_option(nth_option(caps, 0), "x86_64", HAKO_VIRT_XEN, HAKO_GUEST_HVM, "xen");
    assert_option(nth_option(caps, 1), "x86_64", HAKO_VIRT_XEN, HAKO_GUEST_XEN_PV, "xen");
    assert_option(nth_option(caps, 2), "i686", HAKO_VIRT_XEN, HAKO_GUEST_HVM, "xen");
    assert_option(nth_option(caps, 3), "i686", HAKO_VIRT_XEN, HAKO_GUEST_XEN_PV, "xen");

    hvm = nth_option(caps, 0);
    pv = nth_option(caps, 1);
    g_assert_cmpstr(hvm->emulator, ==, "/usr/lib/xen/bin/qemu-system-i386");
    g_assert_cmpstr(hvm->default_machine, ==, "xenfv");
    g_assert_cmpstr(pv->default_machine, ==, "xenpv");
    g_assert_cmpuint(hvm->max_vcpus, ==, 0);

    /* neither KVM nor QEMU: fully virtualized Xen on the host's architecture */
    g_assert_true(hako_guest_caps_get_default(caps) == hvm);
    g_assert_true(hako_guest_caps_find(caps, NULL, HAKO_VIRT_XEN, HAKO_GUEST_XEN_PV) == pv);
    hvm_text = hako_guest_option_describe(hvm);
    pv_text = hako_guest_option_describe(pv);
    g_assert_cmpstr(hvm_text, ==, "Xen fully virtualized");
    g_assert_cmpstr(pv_text, ==, "Xen paravirtualized");

    /* HVM: OVMF as a loader to name (no firmware autoselection), Xen's own disk bus */
    apply_domcaps_file(hvm, "xen-domcaps-xenfv.xml");
    g_assert_cmpuint(hvm->max_vcpus, ==, 128);
    g_assert_true(hvm->uefi_available);
    g_assert_false(hvm->uefi_autoselect);
    g_assert_cmpstr(hvm->uefi_loader, ==, "/usr/lib/xen/boot/ovmf.bin");
    assert_strv_has(hvm->disk_buses, "xen");
    g_assert_false(g_strv_contains((const char *const *)hvm->disk_buses, "virtio"));
    g_assert_false(hako_guest_option_supports((const char *const *)hvm->disk_buses, "virtio"));
    assert_strv_has(hvm->video_models, "cirrus");
    assert_strv_has(hvm->graphics_types, "vnc");

    /* PV: the kernel boots directly, no loader */
    apply_domcaps_file(pv, "xen-domcaps-xenpv.xml");
    g_assert_cmpuint(pv->max_vcpus, ==, 512);
    g_assert_false(pv->uefi_available);
    g_assert_null(pv->uefi_loader);
    assert_strv_has(pv->disk_buses, "xen");
}

static void
test_invalid_xml(void)
{
    g_autoptr(HakoGuestCaps) caps = parse_caps_file("qemu-capabilities.xml");
    HakoGuestOption *option = nth_option(caps, 0);
    g_autofree char *domcaps = read_caps_file("qemu-domcaps-kvm-x86_64.xml");
    g_autoptr(GError) error = NULL;
    const char *bad[] = {"", "<capabilities", "<domain type='kvm'/>", "not xml at all"};

    for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autoptr(HakoGuestCaps) none = hako_guest_caps_parse(bad[i], &error);

        g_assert_null(none);
        g_assert_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_INVALID_DATA);
        g_clear_error(&error);

        g_assert_false(hako_guest_option_apply_domain_caps(option, bad[i], &error));
        g_assert_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_INVALID_DATA);
        g_clear_error(&error);
    }
    /* a capabilities document is not a domain capabilities one, and the reverse */
    g_assert_false(hako_guest_option_apply_domain_caps(
        option, "<capabilities><host/></capabilities>", &error));
    g_assert_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_INVALID_DATA);
    g_clear_error(&error);
    g_assert_null(hako_guest_caps_parse(domcaps, &error));
    g_assert_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_INVALID_DATA);
    g_clear_error(&error);
    /* the option was left as it was */
    assert_domcaps_unknown(option);
    g_assert_cmpuint(option->max_vcpus, ==, 255);
}

static void
test_no_guests(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(HakoGuestCaps) caps = hako_guest_caps_parse(
        "<capabilities><host><cpu><arch>aarch64</arch></cpu></host>"
        "<guest><os_type>exe</os_type><arch name='aarch64'><domain type='lxc'/></arch></guest>"
        "</capabilities>",
        &error);

    g_assert_no_error(error);
    g_assert_cmpstr(caps->host_arch, ==, "aarch64");
    g_assert_cmpuint(caps->options->len, ==, 0);
    g_assert_null(hako_guest_caps_get_default(caps));
}

static void
test_unsupported_devices(void)
{
    g_autoptr(HakoGuestOption) option = hako_guest_option_new();
    g_autoptr(GError) error = NULL;

    option->arch = g_strdup("x86_64");
    /* a device libvirt says it lacks: known to be empty; one it does not mention: unknown */
    g_assert_true(hako_guest_option_apply_domain_caps(
        option,
        "<domainCapabilities><path>/usr/bin/qemu-system-x86_64</path><machine>pc</machine>"
        "<os supported='yes'><loader supported='yes'>"
        "<value>/usr/share/OVMF/OVMF_CODE.secboot.fd</value>"
        "<value>/usr/share/OVMF/OVMF_CODE.fd</value>"
        "<enum name='type'><value>rom</value><value>pflash</value></enum></loader></os>"
        "<devices><disk supported='yes'><enum name='bus'><value>ide</value></enum></disk>"
        "<video supported='no'/></devices></domainCapabilities>",
        &error));
    g_assert_no_error(error);
    g_assert_cmpstr(option->emulator, ==, "/usr/bin/qemu-system-x86_64");
    g_assert_cmpstr(option->default_machine, ==, "pc");
    g_assert_cmpuint(option->max_vcpus, ==, 0);
    /* no firmware enum (older libvirt): a pflash loader named like OVMF, Secure Boot last */
    g_assert_true(option->uefi_available);
    g_assert_false(option->uefi_autoselect);
    g_assert_cmpstr(option->uefi_loader, ==, "/usr/share/OVMF/OVMF_CODE.fd");
    g_assert_cmpuint(g_strv_length(option->disk_buses), ==, 1);
    g_assert_nonnull(option->video_models);
    g_assert_cmpuint(g_strv_length(option->video_models), ==, 0);
    g_assert_false(hako_guest_option_supports((const char *const *)option->video_models, "vga"));
    g_assert_null(option->graphics_types);
    g_assert_true(hako_guest_option_supports((const char *const *)option->graphics_types, "vnc"));

    /* a loader that may only be a ROM is not UEFI */
    g_assert_true(hako_guest_option_apply_domain_caps(
        option,
        "<domainCapabilities><os supported='yes'><loader supported='yes'>"
        "<value>/usr/share/OVMF/OVMF_CODE.fd</value>"
        "<enum name='type'><value>rom</value></enum></loader></os></domainCapabilities>",
        &error));
    g_assert_no_error(error);
    g_assert_false(option->uefi_available);
    g_assert_null(option->uefi_loader);
}

static void
test_uefi_loader_names(void)
{
    static const struct {
        const char *arch;
        const char *path;
        gboolean uefi;
    } cases[] = {
        {"x86_64", "/usr/share/OVMF/OVMF_CODE_4M.fd", TRUE},
        {"x86_64", "/usr/share/edk2/ovmf/OVMF_CODE.fd", TRUE},
        {"x86_64", "/usr/share/qemu/edk2-x86_64-code.fd", TRUE},
        {"x86_64", "/usr/lib/xen/boot/ovmf.bin", TRUE},
        {"x86_64", "/usr/share/OVMF/OVMF32_CODE_4M.fd", FALSE},
        {"x86_64", "/usr/lib/xen/boot/hvmloader", FALSE},
        {"x86_64", "/usr/share/AAVMF/AAVMF_CODE.fd", FALSE},
        {"i686", "/usr/share/OVMF/OVMF32_CODE_4M.fd", TRUE},
        {"i686", "/usr/share/edk2/ovmf-ia32/OVMF_CODE.fd", TRUE},
        {"i686", "/usr/share/OVMF/OVMF_CODE.fd", FALSE},
        {"aarch64", "/usr/share/AAVMF/AAVMF_CODE.fd", TRUE},
        {"aarch64", "/usr/share/qemu-efi-aarch64/QEMU_EFI.fd", TRUE},
        {"aarch64", "/usr/share/AAVMF/AAVMF32_CODE.fd", FALSE},
        {"armv7l", "/usr/share/AAVMF/AAVMF32_CODE.fd", TRUE},
        {"ppc64le", "/usr/share/OVMF/OVMF_CODE.fd", FALSE},
    };

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        const char *loaders[] = {"/usr/lib/xen/boot/hvmloader", cases[i].path, NULL};
        const char *found = hako_guest_option_find_uefi_loader(cases[i].arch, loaders);

        g_test_message("%s %s", cases[i].arch, cases[i].path);
        g_assert_cmpstr(found, ==, cases[i].uefi ? cases[i].path : NULL);
    }
    g_assert_null(hako_guest_option_find_uefi_loader("x86_64", NULL));
}

static void
test_copy_and_sort(void)
{
    g_autoptr(HakoGuestCaps) caps = parse_caps_file("qemu-capabilities.xml");
    g_autoptr(HakoGuestCaps) copy = NULL;
    g_autoptr(HakoGuestCaps) built = hako_guest_caps_new("x86_64");
    HakoGuestOption *option;

    apply_domcaps_file(nth_option(caps, 0), "qemu-domcaps-kvm-x86_64.xml");
    copy = g_boxed_copy(HAKO_TYPE_GUEST_CAPS, caps);
    g_assert_cmpstr(copy->host_arch, ==, "x86_64");
    g_assert_cmpuint(copy->options->len, ==, caps->options->len);
    option = nth_option(copy, 0);
    g_assert_true(option != nth_option(caps, 0));
    g_assert_true(option->machines != nth_option(caps, 0)->machines);
    assert_option(option, "x86_64", HAKO_VIRT_KVM, HAKO_GUEST_HVM, "kvm");
    g_assert_true(option->uefi_autoselect);
    g_assert_cmpuint(g_strv_length(option->disk_buses), ==,
                     g_strv_length(nth_option(caps, 0)->disk_buses));

    /* options added in any order come out in the wizard's */
    for (int i = 0; i < 3; i++) {
        static const char *arches[] = {"aarch64", "x86_64", "i686"};

        for (int v = HAKO_VIRT_XEN; v >= HAKO_VIRT_KVM; v--) {
            option = hako_guest_option_new();
            option->arch = g_strdup(arches[i]);
            option->virt_type = v;
            option->guest_type = v == HAKO_VIRT_XEN ? HAKO_GUEST_XEN_PV : HAKO_GUEST_HVM;
            g_ptr_array_add(built->options, option);
        }
    }
    hako_guest_caps_sort(built);
    assert_option(nth_option(built, 0), "x86_64", HAKO_VIRT_KVM, HAKO_GUEST_HVM, NULL);
    assert_option(nth_option(built, 1), "x86_64", HAKO_VIRT_QEMU, HAKO_GUEST_HVM, NULL);
    assert_option(nth_option(built, 2), "x86_64", HAKO_VIRT_XEN, HAKO_GUEST_XEN_PV, NULL);
    assert_option(nth_option(built, 3), "aarch64", HAKO_VIRT_KVM, HAKO_GUEST_HVM, NULL);
    assert_option(nth_option(built, 6), "i686", HAKO_VIRT_KVM, HAKO_GUEST_HVM, NULL);
}

/* The New VM wizard's note on a host without KVM follows this. */
static void
test_emulated_only(void)
{
    g_autoptr(HakoGuestCaps) with_kvm = parse_caps_file("qemu-capabilities.xml");
    g_autoptr(HakoGuestCaps) without_kvm = parse_caps_file("qemu-capabilities-nokvm.xml");
    g_autoptr(HakoGuestCaps) test_driver = parse_caps_file("test-capabilities.xml");
    g_autoptr(HakoGuestCaps) xen = parse_caps_file("xen-capabilities.xml");
    const HakoGuestOption *qemu =
        hako_guest_caps_find(with_kvm, "x86_64", HAKO_VIRT_QEMU, HAKO_GUEST_HVM);
    const HakoGuestOption *only_qemu =
        hako_guest_caps_find(without_kvm, "x86_64", HAKO_VIRT_QEMU, HAKO_GUEST_HVM);

    g_assert_nonnull(qemu);
    g_assert_nonnull(only_qemu);
    g_assert_null(hako_guest_caps_find(without_kvm, NULL, HAKO_VIRT_KVM, HAKO_GUEST_HVM));
    g_assert_true(hako_guest_caps_get_default(without_kvm) == only_qemu);
    g_assert_true(hako_guest_caps_is_emulated_only(without_kvm, only_qemu));
    g_assert_false(hako_guest_caps_is_emulated_only(without_kvm, NULL));
    /* QEMU chosen on a host with KVM: the user's choice, no note */
    g_assert_false(hako_guest_caps_is_emulated_only(with_kvm, qemu));
    g_assert_false(
        hako_guest_caps_is_emulated_only(with_kvm, hako_guest_caps_get_default(with_kvm)));
    g_assert_false(
        hako_guest_caps_is_emulated_only(test_driver, hako_guest_caps_get_default(test_driver)));
    g_assert_false(hako_guest_caps_is_emulated_only(xen, hako_guest_caps_get_default(xen)));
}

int
main(int argc, char *argv[])
{
    setlocale(LC_ALL, "");
    g_test_init(&argc, &argv, NULL);

    g_test_add_func("/engine/guest-caps/qemu", test_qemu_capabilities);
    g_test_add_func("/engine/guest-caps/qemu-domain-caps", test_qemu_domain_capabilities);
    g_test_add_func("/engine/guest-caps/testdriver", test_testdriver_capabilities);
    g_test_add_func("/engine/guest-caps/xen", test_xen_capabilities);
    g_test_add_func("/engine/guest-caps/invalid-xml", test_invalid_xml);
    g_test_add_func("/engine/guest-caps/no-guests", test_no_guests);
    g_test_add_func("/engine/guest-caps/unsupported-devices", test_unsupported_devices);
    g_test_add_func("/engine/guest-caps/uefi-loader-names", test_uefi_loader_names);
    g_test_add_func("/model/guest-caps/copy-and-sort", test_copy_and_sort);
    g_test_add_func("/engine/guest-caps/emulated-only", test_emulated_only);
    return g_test_run();
}
