/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests of HakoVmSpec: every refusal of every wizard page with its message, what passes,
 * the overcommit warnings, name suggestions and copies. */
#include "config.h"

#include "hako-model-types.h"
#include "hako-vm-spec.h"

#include <locale.h>
#include <string.h>

#define GiB (G_GUINT64_CONSTANT(1) << 30)
/* g_format_size() puts a no-break space before the unit */
#define NBSP "\xc2\xa0"
#define TEN "0123456789"

#define INSTALL HAKO_VM_SPEC_STEP_INSTALL
#define RESOURCES HAKO_VM_SPEC_STEP_RESOURCES
#define STORAGE HAKO_VM_SPEC_STEP_STORAGE
#define FINISH HAKO_VM_SPEC_STEP_FINISH

static const char *const existing_names[] = {"debian12", "Web", NULL};
static const char *const existing_volumes[] = {"taken.qcow2", NULL};

/* A host with 4 GiB, 4 CPUs, 10 GiB free in the pool, and UEFI firmware. */
static HakoVmSpecLimits
host_limits(void)
{
    HakoVmSpecLimits limits = {
        .host_memory_mib = 4096,
        .host_cpus = 4,
        .max_vcpus = 16,
        .existing_names = existing_names,
        .existing_volumes = existing_volumes,
        .pool_available = 10 * GiB,
        .uefi_available = TRUE,
    };

    return limits;
}

/* A valid guest: installed from an ISO onto a new 8 GiB qcow2 volume, on the network “default”. */
static HakoVmSpec *
base_spec(void)
{
    HakoVmSpec *spec = hako_vm_spec_new();

    spec->name = g_strdup("guest");
    spec->media_path = g_strdup("/isos/debian.iso");
    spec->memory_mib = 1024;
    spec->vcpus = 2;
    spec->pool = g_strdup("default");
    spec->volume_name = g_strdup("guest.qcow2");
    spec->disk_capacity = 8 * GiB;
    return spec;
}

static void
set_string(char **field, const char *value)
{
    g_free(*field);
    *field = g_str_equal(value, "NULL") ? NULL : g_strdup(value);
}

/* Applies "key=value" edits, separated by “|” (values may hold spaces). */
static void
apply_edits(HakoVmSpec *spec, HakoVmSpecLimits *limits, const char *edits)
{
    g_auto(GStrv) pairs = g_strsplit(edits != NULL ? edits : "", "|", -1);

    for (guint i = 0; pairs[i] != NULL; i++) {
        const char *eq = strchr(pairs[i], '=');
        g_autofree char *key = NULL;
        const char *value;

        if (*pairs[i] == '\0')
            continue;
        g_assert_nonnull(eq);
        key = g_strndup(pairs[i], (gsize)(eq - pairs[i]));
        value = eq + 1;
        if (g_str_equal(key, "name"))
            set_string(&spec->name, value);
        else if (g_str_equal(key, "method"))
            spec->method = g_str_equal(value, "media")    ? HAKO_INSTALL_MEDIA
                           : g_str_equal(value, "url")    ? HAKO_INSTALL_URL
                           : g_str_equal(value, "pxe")    ? HAKO_INSTALL_PXE
                           : g_str_equal(value, "import") ? HAKO_INSTALL_IMPORT
                           : g_str_equal(value, "manual") ? HAKO_INSTALL_MANUAL
                                                          : HAKO_INSTALL_KERNEL;
        else if (g_str_equal(key, "media"))
            set_string(&spec->media_path, value);
        else if (g_str_equal(key, "url"))
            set_string(&spec->install_url, value);
        else if (g_str_equal(key, "kernel"))
            set_string(&spec->kernel_path, value);
        else if (g_str_equal(key, "initrd"))
            set_string(&spec->initrd_path, value);
        else if (g_str_equal(key, "virt"))
            spec->virt_type = g_str_equal(value, "xen")    ? HAKO_VIRT_XEN
                              : g_str_equal(value, "qemu") ? HAKO_VIRT_QEMU
                                                           : HAKO_VIRT_KVM;
        else if (g_str_equal(key, "guest"))
            spec->guest_type = g_str_equal(value, "pv") ? HAKO_GUEST_XEN_PV : HAKO_GUEST_HVM;
        else if (g_str_equal(key, "memory"))
            spec->memory_mib = g_ascii_strtoull(value, NULL, 10);
        else if (g_str_equal(key, "vcpus"))
            spec->vcpus = (guint)g_ascii_strtoull(value, NULL, 10);
        else if (g_str_equal(key, "storage"))
            spec->storage = g_str_equal(value, "none")       ? HAKO_VM_STORAGE_NONE
                            : g_str_equal(value, "existing") ? HAKO_VM_STORAGE_EXISTING
                                                             : HAKO_VM_STORAGE_NEW_VOLUME;
        else if (g_str_equal(key, "pool"))
            set_string(&spec->pool, value);
        else if (g_str_equal(key, "volume"))
            set_string(&spec->volume_name, value);
        else if (g_str_equal(key, "capacity"))
            spec->disk_capacity = g_ascii_strtoull(value, NULL, 10) * GiB;
        else if (g_str_equal(key, "format"))
            spec->disk_format =
                g_str_equal(value, "raw") ? HAKO_VOLUME_FORMAT_RAW : HAKO_VOLUME_FORMAT_QCOW2;
        else if (g_str_equal(key, "disk"))
            set_string(&spec->disk_path, value);
        else if (g_str_equal(key, "network"))
            spec->network = g_str_equal(value, "none")      ? HAKO_VM_NETWORK_NONE
                            : g_str_equal(value, "bridge")  ? HAKO_VM_NETWORK_BRIDGE
                            : g_str_equal(value, "macvtap") ? HAKO_VM_NETWORK_MACVTAP
                            : g_str_equal(value, "user")    ? HAKO_VM_NETWORK_USER
                                                            : HAKO_VM_NETWORK_VIRTUAL;
        else if (g_str_equal(key, "source"))
            set_string(&spec->network_source, value);
        else if (g_str_equal(key, "mac"))
            set_string(&spec->mac, value);
        else if (g_str_equal(key, "firmware"))
            spec->firmware = g_str_equal(value, "uefi") ? HAKO_FIRMWARE_UEFI : HAKO_FIRMWARE_BIOS;
        else if (g_str_equal(key, "customize"))
            spec->customize = g_str_equal(value, "yes");
        else if (g_str_equal(key, "uefi-available"))
            limits->uefi_available = g_str_equal(value, "yes");
        else if (g_str_equal(key, "max-vcpus"))
            limits->max_vcpus = (guint)g_ascii_strtoull(value, NULL, 10);
        else if (g_str_equal(key, "pool-available"))
            limits->pool_available = g_ascii_strtoull(value, NULL, 10) * GiB;
        else
            g_error("unknown edit “%s”", key);
    }
}

typedef struct {
    const char *slug;
    HakoVmSpecStep step;
    const char *edits;
    const char *problem; /* NULL when valid; else a part of the message */
} SpecCase;

static const SpecCase cases[] = {
    /* the install page: valid */
    {"install/media", INSTALL, NULL, NULL},
    {"install/media-device", INSTALL, "media=/dev/sr0", NULL},
    {"install/url-http", INSTALL, "method=url|url=http://deb.debian.org/debian/", NULL},
    {"install/url-https", INSTALL, "method=url|url=https://example.com/tree/", NULL},
    {"install/url-ftp", INSTALL, "method=url|url=ftp://mirror.example/tree", NULL},
    {"install/url-nfs", INSTALL, "method=url|url=nfs://nas/export/tree", NULL},
    {"install/url-upper-scheme", INSTALL, "method=url|url=HTTPS://example.com/", NULL},
    {"install/pxe", INSTALL, "method=pxe", NULL},
    {"install/manual", INSTALL, "method=manual", NULL},
    {"install/kernel", INSTALL, "method=kernel|kernel=/boot/vmlinuz", NULL},
    {"install/kernel-initrd", INSTALL, "method=kernel|kernel=/boot/vmlinuz|initrd=/boot/initrd",
     NULL},
    {"install/import", INSTALL, "method=import|storage=existing|disk=/images/old.qcow2", NULL},
    {"install/xen-pv-url", INSTALL, "virt=xen|guest=pv|method=url|url=http://example.com/", NULL},
    {"install/xen-pv-kernel", INSTALL, "virt=xen|guest=pv|method=kernel|kernel=/boot/vmlinuz",
     NULL},
    {"install/xen-hvm-media", INSTALL, "virt=xen", NULL},
    /* the install page: refused */
    {"install/media-missing", INSTALL, "media=NULL",
     "Choose the ISO image or CD-ROM device to install from."},
    {"install/media-empty", INSTALL, "media=", "Choose the ISO image"},
    {"install/media-relative", INSTALL, "media=isos/debian.iso",
     "The install media “isos/debian.iso” is not an absolute path: give its full path"},
    {"install/url-missing", INSTALL, "method=url|url=NULL", "Enter the URL of the install tree"},
    {"install/url-no-scheme", INSTALL, "method=url|url=example.com/debian",
     "“example.com/debian” is not a URL: write it in full"},
    {"install/url-no-host", INSTALL, "method=url|url=http:///debian", "is not a URL"},
    {"install/url-garbage", INSTALL, "method=url|url=http://exa mple.com/", "is not a URL"},
    {"install/url-file", INSTALL, "method=url|url=file://host/tree",
     "uses the protocol “file”: use an http, https, ftp or nfs URL."},
    {"install/kernel-missing", INSTALL, "method=kernel", "Choose the kernel to boot."},
    {"install/kernel-relative", INSTALL, "method=kernel|kernel=vmlinuz",
     "The kernel “vmlinuz” is not an absolute path"},
    {"install/initrd-relative", INSTALL, "method=kernel|kernel=/boot/vmlinuz|initrd=initrd.img",
     "The initrd “initrd.img” is not an absolute path"},
    {"install/import-new-volume", INSTALL, "method=import",
     "Importing boots an existing disk image: choose the image"},
    {"install/import-no-path", INSTALL, "method=import|storage=existing",
     "Choose the disk image the virtual machine uses."},
    {"install/import-relative", INSTALL, "method=import|storage=existing|disk=old.qcow2",
     "The disk image “old.qcow2” is not an absolute path"},
    {"install/pv-not-xen", INSTALL, "guest=pv|method=kernel|kernel=/boot/vmlinuz",
     "Paravirtualized guests run only on Xen"},
    {"install/xen-pv-media", INSTALL, "virt=xen|guest=pv",
     "A Xen paravirtualized guest can only start a kernel directly"},
    {"install/xen-pv-pxe", INSTALL, "virt=xen|guest=pv|method=pxe", "only start a kernel directly"},
    {"install/xen-pv-import", INSTALL,
     "virt=xen|guest=pv|method=import|storage=existing|disk=/images/old.img",
     "only start a kernel directly"},
    /* memory and vCPUs */
    {"resources/minimum", RESOURCES, "memory=16|vcpus=1", NULL},
    {"resources/over-host", RESOURCES, "memory=65536|vcpus=16", NULL},
    {"resources/no-max-vcpus", RESOURCES, "vcpus=512|max-vcpus=0", NULL},
    {"resources/memory-zero", RESOURCES, "memory=0",
     "Give the virtual machine some memory: at least 16 MiB."},
    {"resources/memory-small", RESOURCES, "memory=8",
     "8.0" NBSP "MiB of memory is too little for any operating system: give the virtual machine at "
     "least 16 MiB."},
    {"resources/memory-absurd", RESOURCES, "memory=16777217",
     "of memory is more than any host has: give the virtual machine at most 16 TiB"},
    {"resources/vcpus-zero", RESOURCES, "vcpus=0",
     "Give the virtual machine at least one virtual CPU."},
    {"resources/vcpus-over-max", RESOURCES, "vcpus=17",
     "The hypervisor allows at most 16 virtual CPUs for this virtual machine: lower the number"},
    /* storage */
    {"storage/new", STORAGE, NULL, NULL},
    {"storage/none", STORAGE, "storage=none", NULL},
    {"storage/existing", STORAGE, "storage=existing|disk=/images/a.img", NULL},
    {"storage/raw-fits", STORAGE, "format=raw|capacity=10", NULL},
    {"storage/qcow2-over-free", STORAGE, "capacity=100", NULL},
    {"storage/raw-free-unknown", STORAGE, "format=raw|capacity=100|pool-available=0", NULL},
    {"storage/no-pool", STORAGE, "pool=NULL", "Choose the storage pool that holds the new disk."},
    {"storage/no-volume-name", STORAGE, "volume=NULL", "Enter a name for the volume."},
    {"storage/bad-volume-name", STORAGE, "volume=a/b.qcow2",
     "The volume name “a/b.qcow2” is not valid"},
    {"storage/volume-dot", STORAGE, "volume=.hidden", "do not start it with “.” or “-”"},
    {"storage/zero-capacity", STORAGE, "capacity=0", "Enter a capacity larger than zero"},
    {"storage/volume-exists", STORAGE, "volume=taken.qcow2",
     "The pool “default” already has a volume named “taken.qcow2”: choose another name"},
    {"storage/raw-too-big", STORAGE, "format=raw|capacity=11",
     "A raw disk of 11.0" NBSP "GiB does not fit in the pool “default”, which has 10.0" NBSP
     "GiB free"},
    {"storage/existing-no-path", STORAGE, "storage=existing",
     "Choose the disk image the virtual machine uses."},
    {"storage/existing-relative", STORAGE, "storage=existing|disk=a.img",
     "The disk image “a.img” is not an absolute path"},
    {"storage/import-none", STORAGE, "method=import|storage=none",
     "Importing boots an existing disk image"},
    {"storage/import-new", STORAGE, "method=import", "Importing boots an existing disk image"},
    /* the last page: name */
    {"finish/valid", FINISH, NULL, NULL},
    {"finish/name-utf8", FINISH, "name=ゲスト_1.2+x", NULL},
    {"finish/name-case", FINISH, "name=web", NULL},
    {"finish/name-missing", FINISH, "name=NULL", "Enter a name for the virtual machine."},
    {"finish/name-empty", FINISH, "name=", "Enter a name for the virtual machine."},
    {"finish/name-slash", FINISH, "name=a/b",
     "The name “a/b” is not valid: do not use “/”, spaces or control characters"},
    {"finish/name-space", FINISH, "name=my vm", "do not use “/”, spaces or control characters"},
    {"finish/name-tab", FINISH, "name=a\tb", "do not use “/”, spaces or control characters"},
    {"finish/name-newline", FINISH, "name=a\nb", "do not use “/”, spaces or control characters"},
    {"finish/name-nbsp", FINISH, "name=a\xc2\xa0z", "do not use “/”, spaces or control"},
    {"finish/name-dash", FINISH, "name=-vm", "The name “-vm” is not valid: do not start it with"},
    {"finish/name-dot", FINISH, "name=.vm", "do not start it with “.” or “-”"},
    {"finish/name-long", FINISH, "name=" TEN TEN TEN TEN TEN TEN TEN TEN TEN TEN "x",
     "is too long: use at most 100 characters"},
    {"finish/name-bad-utf8", FINISH, "name=a\xff", "is not valid text"},
    {"finish/name-exists", FINISH, "name=debian12",
     "This host already has a virtual machine named “debian12”. Choose another name."},
    {"finish/name-exists-case", FINISH, "name=Web", "already has a virtual machine named “Web”"},
    /* network */
    {"finish/network-none", FINISH, "network=none", NULL},
    {"finish/network-user", FINISH, "network=user|source=NULL", NULL},
    {"finish/network-bridge", FINISH, "network=bridge|source=br0", NULL},
    {"finish/network-macvtap", FINISH, "network=macvtap|source=enp1s0", NULL},
    {"finish/mac", FINISH, "mac=52:54:00:AB:cd:01", NULL},
    {"finish/mac-dashes", FINISH, "mac=52-54-00-ab-cd-01", NULL},
    {"finish/virtual-no-source", FINISH, "source=NULL",
     "Choose the virtual network to connect the virtual machine to."},
    {"finish/virtual-bad-source", FINISH, "source=my net", "“my net” is not a virtual network’s"},
    {"finish/bridge-no-source", FINISH,
     "network=bridge|source=", "Enter the name of the host’s bridge"},
    {"finish/bridge-bad", FINISH, "network=bridge|source=br 0",
     "“br 0” is not a valid bridge name"},
    {"finish/bridge-long", FINISH, "network=bridge|source=br0123456789abcd",
     "is not a valid bridge name: use the name of one of the host’s bridges, such as br0, at most "
     "15 characters"},
    {"finish/macvtap-no-source", FINISH, "network=macvtap|source=NULL",
     "Enter the name of the host’s network interface to share"},
    {"finish/macvtap-bad", FINISH, "network=macvtap|source=eth/0",
     "“eth/0” is not a valid interface name"},
    {"finish/pxe-no-network", FINISH, "method=pxe|network=none",
     "A network boot (PXE) install needs a network connection"},
    {"finish/mac-short", FINISH, "mac=52:54:00:ab:cd",
     "“52:54:00:ab:cd” is not a MAC address: write six pairs"},
    {"finish/mac-garbage", FINISH, "mac=52:54:00:ab:cd:zz", "is not a MAC address"},
    {"finish/mac-separator", FINISH, "mac=52.54.00.ab.cd.01", "is not a MAC address"},
    {"finish/mac-multicast", FINISH, "mac=01:00:5e:00:00:01",
     "“01:00:5e:00:00:01” is a multicast address, which a network card cannot have"},
    {"finish/mac-broadcast", FINISH, "mac=ff:ff:ff:ff:ff:ff", "is a multicast address"},
    {"finish/mac-zero", FINISH, "mac=00:00:00:00:00:00", "is not a usable MAC address"},
    /* firmware */
    {"finish/uefi", FINISH, "firmware=uefi", NULL},
    {"finish/uefi-xen-hvm", FINISH, "virt=xen|firmware=uefi", NULL},
    {"finish/uefi-unavailable", FINISH, "firmware=uefi|uefi-available=no",
     "This host has no UEFI firmware for this virtual machine: choose BIOS, or install UEFI "
     "firmware (OVMF)"},
    {"finish/bios-no-uefi", FINISH, "uefi-available=no", NULL},
    {"finish/uefi-xen-pv", FINISH,
     "virt=xen|guest=pv|method=kernel|kernel=/boot/vmlinuz|firmware=uefi",
     "A Xen paravirtualized guest has no firmware: choose BIOS"},
    /* customizing first */
    {"finish/customize-media", FINISH, "customize=yes", NULL},
    {"finish/customize-pxe", FINISH, "customize=yes|method=pxe", NULL},
    {"finish/customize-pv-kernel", FINISH,
     "customize=yes|virt=xen|guest=pv|method=kernel|kernel=/boot/vmlinuz", NULL},
    {"finish/customize-url", FINISH, "customize=yes|method=url|url=http://example.com/",
     "installed from a network install tree cannot be customized before the install"},
    {"finish/customize-kernel", FINISH, "customize=yes|method=kernel|kernel=/boot/vmlinuz",
     "installed from a kernel cannot be customized before the install"},
};

static void
check_result(const char *slug, const char *problem, gboolean ok, GError *error)
{
    if (problem == NULL) {
        g_assert_no_error(error);
        g_assert_true(ok);
        return;
    }
    g_assert_false(ok);
    g_assert_error(error, HAKO_MODEL_ERROR, HAKO_MODEL_ERROR_INVALID_SPEC);
    if (g_strstr_len(error->message, -1, problem) == NULL)
        g_error("“%s”: expected “%s” in “%s”", slug, problem, error->message);
}

static void
test_step(gconstpointer data)
{
    const SpecCase *c = data;
    g_autoptr(HakoVmSpec) spec = base_spec();
    HakoVmSpecLimits limits = host_limits();
    g_autoptr(GError) error = NULL;
    gboolean ok;

    apply_edits(spec, &limits, c->edits);
    ok = hako_vm_spec_validate_step(spec, &limits, c->step, &error);
    check_result(c->slug, c->problem, ok, error);
}

/* The whole check finds each page's problem too (the other pages of the base spec are fine). */
static void
test_whole(gconstpointer data)
{
    const SpecCase *c = data;
    g_autoptr(HakoVmSpec) spec = base_spec();
    HakoVmSpecLimits limits = host_limits();
    g_autoptr(GError) error = NULL;
    gboolean ok;

    apply_edits(spec, &limits, c->edits);
    ok = hako_vm_spec_validate(spec, &limits, &error);
    if (c->problem == NULL) {
        /* a valid page may still break another page (import needs an existing disk…) */
        if (!ok)
            g_assert_error(error, HAKO_MODEL_ERROR, HAKO_MODEL_ERROR_INVALID_SPEC);
        return;
    }
    g_assert_false(ok);
    g_assert_error(error, HAKO_MODEL_ERROR, HAKO_MODEL_ERROR_INVALID_SPEC);
}

/* Without limits, only the checks that need none are made. */
static void
test_no_limits(void)
{
    g_autoptr(HakoVmSpec) spec = base_spec();
    g_autoptr(GError) error = NULL;

    g_free(spec->name);
    spec->name = g_strdup("debian12");
    g_free(spec->volume_name);
    spec->volume_name = g_strdup("taken.qcow2");
    spec->disk_format = HAKO_VOLUME_FORMAT_RAW;
    spec->disk_capacity = 1000 * GiB;
    spec->vcpus = 4096;
    spec->firmware = HAKO_FIRMWARE_UEFI;
    g_assert_true(hako_vm_spec_validate(spec, NULL, &error));
    g_assert_no_error(error);
    g_assert_true(hako_vm_spec_validate_name("debian12", NULL, &error));
    g_assert_null(hako_vm_spec_get_overcommit_warning(spec, NULL));
}

static void
test_overcommit(void)
{
    g_autoptr(HakoVmSpec) spec = base_spec();
    HakoVmSpecLimits limits = host_limits();
    g_autofree char *none = NULL;
    g_autofree char *memory = NULL;
    g_autofree char *all = NULL;
    g_autofree char *raw = NULL;
    g_auto(GStrv) lines = NULL;

    /* as much as the host has is fine */
    spec->memory_mib = 4096;
    spec->vcpus = 4;
    spec->disk_capacity = 10 * GiB;
    none = hako_vm_spec_get_overcommit_warning(spec, &limits);
    g_assert_null(none);

    spec->memory_mib = 6144;
    memory = hako_vm_spec_get_overcommit_warning(spec, &limits);
    g_assert_cmpstr(memory, ==,
                    "The virtual machine gets 6.0" NBSP
                    "GiB of memory, more than the host’s 4.0" NBSP "GiB: "
                    "when it uses it all, the host swaps and everything slows down.");

    spec->vcpus = 8;
    spec->disk_capacity = 20 * GiB;
    all = hako_vm_spec_get_overcommit_warning(spec, &limits);
    lines = g_strsplit(all, "\n", -1);
    g_assert_cmpuint(g_strv_length(lines), ==, 3);
    g_assert_cmpstr(lines[0], ==, memory);
    g_assert_cmpstr(lines[1], ==,
                    "The virtual machine has 8 virtual CPUs, more than the host’s 4 CPUs: it "
                    "will run slower than with fewer.");
    g_assert_cmpstr(lines[2], ==,
                    "The disk can grow to 20.0" NBSP
                    "GiB, but the pool “default” has only 10.0" NBSP "GiB "
                    "free: the virtual machine pauses with an error when the pool is full.");

    /* a raw disk is refused instead (validate), and unknown limits are not compared */
    spec->memory_mib = 1024;
    spec->vcpus = 1;
    spec->disk_format = HAKO_VOLUME_FORMAT_RAW;
    limits.host_memory_mib = 0;
    limits.host_cpus = 0;
    raw = hako_vm_spec_get_overcommit_warning(spec, &limits);
    g_assert_null(raw);
    /* an existing disk does not grow into the pool */
    spec->disk_format = HAKO_VOLUME_FORMAT_QCOW2;
    spec->storage = HAKO_VM_STORAGE_EXISTING;
    g_assert_null(hako_vm_spec_get_overcommit_warning(spec, &limits));
}

typedef struct {
    const char *short_id;
    const char *const *existing;
    const char *expected;
} SuggestCase;

static void
test_suggest(void)
{
    static const char *const one[] = {"debian12", NULL};
    static const char *const three[] = {"debian12", "debian12-2", "debian12-3", "vm", NULL};
    static const char *const gap[] = {"debian12", "debian12-3", NULL};
    static const SuggestCase suggestions[] = {
        {"debian12", NULL, "debian12"},
        {"debian12", one, "debian12-2"},
        {"debian12", three, "debian12-4"},
        {"debian12", gap, "debian12-2"},
        {"Debian12", one, "Debian12"},
        {NULL, NULL, "vm"},
        {"", three, "vm-2"},
        {"ubuntu22.04", three, "ubuntu22.04"},
        {"a b/c", NULL, "a-b-c"},
        {".hidden", NULL, "vm.hidden"},
    };

    for (guint i = 0; i < G_N_ELEMENTS(suggestions); i++) {
        const SuggestCase *c = &suggestions[i];
        g_autofree char *name = hako_vm_spec_suggest_name(c->short_id, c->existing);

        g_assert_cmpstr(name, ==, c->expected);
        g_assert_true(hako_vm_spec_validate_name(name, NULL, NULL));
    }
}

static void
test_suggest_long(void)
{
    g_autofree char *id = g_strnfill(150, 'x');
    g_autofree char *kana = NULL;
    g_autofree char *name = hako_vm_spec_suggest_name(id, NULL);
    g_autofree char *name_kana = NULL;
    GString *s = g_string_new(NULL);

    g_assert_cmpuint(strlen(name), ==, 92);
    /* 3-byte characters are cut whole */
    for (guint i = 0; i < 40; i++)
        g_string_append(s, "あ");
    kana = g_string_free(s, FALSE);
    name_kana = hako_vm_spec_suggest_name(kana, NULL);
    g_assert_true(g_utf8_validate(name_kana, -1, NULL));
    g_assert_cmpuint(strlen(name_kana), ==, 90);
}

static void
test_new_and_copy(void)
{
    g_autoptr(HakoVmSpec) spec = hako_vm_spec_new();
    g_autoptr(HakoVmSpec) copy = NULL;
    g_autoptr(HakoVmSpec) boxed = NULL;

    g_assert_cmpstr(spec->arch, ==, "x86_64");
    g_assert_cmpint(spec->method, ==, HAKO_INSTALL_MEDIA);
    g_assert_cmpint(spec->storage, ==, HAKO_VM_STORAGE_NEW_VOLUME);
    g_assert_cmpuint(spec->memory_mib, ==, 2048);
    g_assert_cmpuint(spec->vcpus, ==, 2);

    spec->name = g_strdup("guest");
    spec->os_id = g_strdup("http://debian.org/debian/12");
    spec->kernel_args = g_strdup("console=ttyS0");
    spec->mac = g_strdup("52:54:00:00:00:01");
    spec->customize = TRUE;
    copy = hako_vm_spec_copy(spec);
    g_assert_cmpstr(copy->name, ==, "guest");
    g_assert_true(copy->name != spec->name);
    g_assert_cmpstr(copy->os_id, ==, spec->os_id);
    g_assert_true(copy->os_id != spec->os_id);
    g_assert_cmpstr(copy->kernel_args, ==, "console=ttyS0");
    g_assert_cmpstr(copy->mac, ==, spec->mac);
    g_assert_cmpstr(copy->network_source, ==, "default");
    g_assert_cmpstr(copy->graphics, ==, spec->graphics);
    g_assert_true(copy->graphics != spec->graphics);
    g_assert_true(copy->customize);
    g_assert_cmpuint(copy->disk_capacity, ==, spec->disk_capacity);

    boxed = g_boxed_copy(HAKO_TYPE_VM_SPEC, spec);
    g_assert_cmpstr(boxed->name, ==, "guest");
}

static void
test_to_string(void)
{
    g_assert_cmpstr(hako_install_method_to_string(HAKO_INSTALL_MEDIA), ==, "media");
    g_assert_cmpstr(hako_install_method_to_string(HAKO_INSTALL_URL), ==, "url");
    g_assert_cmpstr(hako_install_method_to_string(HAKO_INSTALL_PXE), ==, "pxe");
    g_assert_cmpstr(hako_install_method_to_string(HAKO_INSTALL_IMPORT), ==, "import");
    g_assert_cmpstr(hako_install_method_to_string(HAKO_INSTALL_MANUAL), ==, "manual");
    g_assert_cmpstr(hako_install_method_to_string(HAKO_INSTALL_KERNEL), ==, "kernel");
    g_assert_cmpstr(hako_virt_type_to_string(HAKO_VIRT_KVM), ==, "kvm");
    g_assert_cmpstr(hako_virt_type_to_string(HAKO_VIRT_QEMU), ==, "qemu");
    g_assert_cmpstr(hako_virt_type_to_string(HAKO_VIRT_XEN), ==, "xen");
}

int
main(int argc, char *argv[])
{
    setlocale(LC_ALL, "");
    g_test_init(&argc, &argv, NULL);

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *path = g_strdup_printf("/model/vm-spec/step/%s", cases[i].slug);
        g_autofree char *whole = g_strdup_printf("/model/vm-spec/whole/%s", cases[i].slug);

        g_test_add_data_func(path, &cases[i], test_step);
        g_test_add_data_func(whole, &cases[i], test_whole);
    }
    g_test_add_func("/model/vm-spec/no-limits", test_no_limits);
    g_test_add_func("/model/vm-spec/overcommit", test_overcommit);
    g_test_add_func("/model/vm-spec/suggest", test_suggest);
    g_test_add_func("/model/vm-spec/suggest-long", test_suggest_long);
    g_test_add_func("/model/vm-spec/new-and-copy", test_new_and_copy);
    g_test_add_func("/model/vm-spec/to-string", test_to_string);

    return g_test_run();
}
