/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests of the storage model: sizes as people write them, pool and volume specs checked
 * (each refusal says what is wrong) and turned into libvirt's XML, and the listed values. */
#include "config.h"

#include "hako-model-types.h"
#include "hako-pool-spec.h"
#include "hako-storage-pool.h"
#include "hako-volume-spec.h"

#include <locale.h>
#include <string.h>

#define KiB (G_GUINT64_CONSTANT(1) << 10)
#define MiB (G_GUINT64_CONSTANT(1) << 20)
#define GiB (G_GUINT64_CONSTANT(1) << 30)
#define TiB (G_GUINT64_CONSTANT(1) << 40)

typedef struct {
    const char *text;
    guint64 bytes;
} SizeCase;

static const SizeCase good_sizes[] = {
    {"10G", 10 * GiB},
    {"10 GiB", 10 * GiB},
    {"10gib", 10 * GiB},
    {"512 MiB", 512 * MiB},
    {"512M", 512 * MiB},
    {"  1.5T ", 3 * TiB / 2},
    {"4096", 4096},
    {"4096 B", 4096},
    {"7 bytes", 7},
    {"1KB", 1000},
    {"1K", KiB},
    {"2 GB", 2000000000},
    {"0.5 KiB", 512},
    {"1.", 1},
    {"16P", G_GUINT64_CONSTANT(16) << 50},
};

static void
test_parse_size_good(void)
{
    for (guint i = 0; i < G_N_ELEMENTS(good_sizes); i++) {
        g_autoptr(GError) error = NULL;
        guint64 bytes = 0;

        g_test_message("%s", good_sizes[i].text);
        g_assert_true(hako_storage_parse_size(good_sizes[i].text, &bytes, &error));
        g_assert_no_error(error);
        g_assert_cmpuint(bytes, ==, good_sizes[i].bytes);
    }
}

typedef struct {
    const char *text;
    const char *problem; /* a part of the message */
} BadCase;

static const BadCase bad_sizes[] = {
    {"", "Enter a size"},
    {"   ", "Enter a size"},
    {"G", "is not a size"},
    {"-1G", "is not a size"},
    {"ten GiB", "is not a size"},
    {"1,5G", "is not a size"},
    {"10 GiB extra", "is not a size"},
    {"10 gallons", "“gallons” is not a unit of size"},
    {"10 Q", "“Q” is not a unit of size"},
    {"99999999999999999999", "too large"},
    {"20000P", "too large"},
};

static void
test_parse_size_bad(void)
{
    for (guint i = 0; i < G_N_ELEMENTS(bad_sizes); i++) {
        g_autoptr(GError) error = NULL;
        guint64 bytes = 42;

        g_test_message("%s", bad_sizes[i].text);
        g_assert_false(hako_storage_parse_size(bad_sizes[i].text, &bytes, &error));
        g_assert_error(error, HAKO_MODEL_ERROR, HAKO_MODEL_ERROR_INVALID_SPEC);
        g_assert_nonnull(strstr(error->message, bad_sizes[i].problem));
        g_assert_cmpuint(bytes, ==, 42);
    }
}

/* ---------------------------------------------------------------------- */
/* Pools */

typedef struct {
    const char *slug;
    HakoPoolType type;
    const char *name;
    const char *target;
    const char *device;
    const char *host;
    const char *path;
    const char *iqn;
    const char *initiator;
    const char *adapter;
    const char *format;
    gboolean build;
    const char *xml;     /* valid ones: the XML */
    const char *problem; /* invalid ones: a part of the message */
} PoolCase;

#define DIR HAKO_POOL_TYPE_DIR

static const PoolCase pool_cases[] = {
    {"dir", DIR, "images", "/var/lib/libvirt/images", NULL, NULL, NULL, NULL, NULL, NULL, NULL,
     TRUE,
     "<pool type='dir'>\n  <name>images</name>\n  <target>\n    <path>/var/lib/libvirt/images"
     "</path>\n  </target>\n</pool>\n",
     NULL},
    /* fields a type does not use stay out of the XML */
    {"dir-ignores-source", DIR, "a", "/srv/a&b", "/dev/sdb", "host", NULL, NULL, NULL, NULL, "xfs",
     TRUE,
     "<pool type='dir'>\n  <name>a</name>\n  <target>\n    <path>/srv/a&amp;b</path>\n"
     "  </target>\n</pool>\n",
     NULL},
    {"fs", HAKO_POOL_TYPE_FS, "fs1", "/mnt/fs1", "/dev/sdb1", NULL, NULL, NULL, NULL, NULL, "ext4",
     TRUE,
     "<pool type='fs'>\n  <name>fs1</name>\n  <source>\n    <device path='/dev/sdb1'/>\n"
     "    <format type='ext4'/>\n  </source>\n  <target>\n    <path>/mnt/fs1</path>\n"
     "  </target>\n</pool>\n",
     NULL},
    {"netfs", HAKO_POOL_TYPE_NETFS, "nfs", "/mnt/nfs", NULL, "nas.example.com", "/export/vm", NULL,
     NULL, NULL, "nfs", TRUE,
     "<pool type='netfs'>\n  <name>nfs</name>\n  <source>\n    <host name='nas.example.com'/>\n"
     "    <dir path='/export/vm'/>\n    <format type='nfs'/>\n  </source>\n  <target>\n"
     "    <path>/mnt/nfs</path>\n  </target>\n</pool>\n",
     NULL},
    {"netfs-auto", HAKO_POOL_TYPE_NETFS, "n2", "/mnt/n2", NULL, "192.0.2.10", "/e", NULL, NULL,
     NULL, NULL, FALSE,
     "<pool type='netfs'>\n  <name>n2</name>\n  <source>\n    <host name='192.0.2.10'/>\n"
     "    <dir path='/e'/>\n  </source>\n  <target>\n    <path>/mnt/n2</path>\n  </target>\n"
     "</pool>\n",
     NULL},
    {"logical", HAKO_POOL_TYPE_LOGICAL, "vg0", NULL, "/dev/sdc", NULL, NULL, NULL, NULL, NULL, NULL,
     TRUE,
     "<pool type='logical'>\n  <name>vg0</name>\n  <source>\n    <device path='/dev/sdc'/>\n"
     "    <name>vg0</name>\n    <format type='lvm2'/>\n  </source>\n  <target>\n"
     "    <path>/dev/vg0</path>\n  </target>\n</pool>\n",
     NULL},
    {"logical-existing", HAKO_POOL_TYPE_LOGICAL, "vg1", NULL, NULL, NULL, NULL, NULL, NULL, NULL,
     NULL, FALSE,
     "<pool type='logical'>\n  <name>vg1</name>\n  <source>\n    <name>vg1</name>\n"
     "    <format type='lvm2'/>\n  </source>\n  <target>\n    <path>/dev/vg1</path>\n"
     "  </target>\n</pool>\n",
     NULL},
    {"disk", HAKO_POOL_TYPE_DISK, "sdd", NULL, "/dev/sdd", NULL, NULL, NULL, NULL, NULL, "gpt",
     TRUE,
     "<pool type='disk'>\n  <name>sdd</name>\n  <source>\n    <device path='/dev/sdd'/>\n"
     "    <format type='gpt'/>\n  </source>\n  <target>\n    <path>/dev</path>\n  </target>\n"
     "</pool>\n",
     NULL},
    {"iscsi", HAKO_POOL_TYPE_ISCSI, "san", NULL, NULL, "san.example.com", NULL,
     "iqn.2004-04.com.example:storage.disk1", "iqn.2024-01.org.hako:client", NULL, NULL, FALSE,
     "<pool type='iscsi'>\n  <name>san</name>\n  <source>\n    <host name='san.example.com'/>\n"
     "    <device path='iqn.2004-04.com.example:storage.disk1'/>\n    <initiator>\n"
     "      <iqn name='iqn.2024-01.org.hako:client'/>\n    </initiator>\n  </source>\n"
     "  <target>\n    <path>/dev/disk/by-path</path>\n  </target>\n</pool>\n",
     NULL},
    {"scsi", HAKO_POOL_TYPE_SCSI, "hba", "/dev/disk/by-id", NULL, NULL, NULL, NULL, NULL, "host3",
     NULL, FALSE,
     "<pool type='scsi'>\n  <name>hba</name>\n  <source>\n"
     "    <adapter type='scsi_host' name='host3'/>\n  </source>\n  <target>\n"
     "    <path>/dev/disk/by-id</path>\n  </target>\n</pool>\n",
     NULL},

    {"no-name", DIR, NULL, "/a", NULL, NULL, NULL, NULL, NULL, NULL, NULL, TRUE, NULL,
     "Enter a name for the pool"},
    {"bad-name", DIR, "my pool", "/a", NULL, NULL, NULL, NULL, NULL, NULL, NULL, TRUE, NULL,
     "“my pool” is not valid: use only letters"},
    {"slash-name", DIR, "a/b", "/a", NULL, NULL, NULL, NULL, NULL, NULL, NULL, TRUE, NULL,
     "“a/b” is not valid"},
    {"dot-name", DIR, ".hidden", "/a", NULL, NULL, NULL, NULL, NULL, NULL, NULL, TRUE, NULL,
     "do not start it with"},
    {"dir-no-target", DIR, "a", "", NULL, NULL, NULL, NULL, NULL, NULL, NULL, TRUE, NULL,
     "Enter a target path for the pool, such as /var/lib/libvirt/images/pool"},
    {"dir-relative", DIR, "a", "images/a", NULL, NULL, NULL, NULL, NULL, NULL, NULL, TRUE, NULL,
     "“images/a” is not absolute: start it with “/”"},
    {"fs-no-device", HAKO_POOL_TYPE_FS, "a", "/mnt/a", NULL, NULL, NULL, NULL, NULL, NULL, NULL,
     TRUE, NULL, "Enter the source device, such as /dev/sdb"},
    {"fs-relative-device", HAKO_POOL_TYPE_FS, "a", "/mnt/a", "sdb1", NULL, NULL, NULL, NULL, NULL,
     NULL, TRUE, NULL, "“sdb1” is not a device path: give its full path"},
    {"fs-bad-format", HAKO_POOL_TYPE_FS, "a", "/mnt/a", "/dev/sdb1", NULL, NULL, NULL, NULL, NULL,
     "ntfs", TRUE, NULL, "“ntfs” is not a format of this kind of pool: choose one of auto, ext2"},
    {"netfs-no-host", HAKO_POOL_TYPE_NETFS, "a", "/mnt/a", NULL, NULL, "/e", NULL, NULL, NULL, NULL,
     TRUE, NULL, "Enter the host name or address of the server"},
    {"netfs-bad-host", HAKO_POOL_TYPE_NETFS, "a", "/mnt/a", NULL, "nas/export", "/e", NULL, NULL,
     NULL, NULL, TRUE, NULL, "“nas/export” is not a host name or address"},
    {"netfs-no-path", HAKO_POOL_TYPE_NETFS, "a", "/mnt/a", NULL, "nas", NULL, NULL, NULL, NULL,
     NULL, TRUE, NULL, "Enter the directory the server exports"},
    {"netfs-relative-path", HAKO_POOL_TYPE_NETFS, "a", "/mnt/a", NULL, "nas", "export", NULL, NULL,
     NULL, NULL, TRUE, NULL, "exported directory “export” is not absolute"},
    {"logical-build-no-device", HAKO_POOL_TYPE_LOGICAL, "vg", NULL, NULL, NULL, NULL, NULL, NULL,
     NULL, NULL, TRUE, NULL, "Building a volume group needs a device"},
    {"disk-no-device", HAKO_POOL_TYPE_DISK, "d", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
     FALSE, NULL, "Enter the source device"},
    {"iscsi-no-iqn", HAKO_POOL_TYPE_ISCSI, "s", NULL, NULL, "san", NULL, NULL, NULL, NULL, NULL,
     FALSE, NULL, "Enter the target’s IQN"},
    {"iscsi-bad-iqn", HAKO_POOL_TYPE_ISCSI, "s", NULL, NULL, "san", NULL, "iqn.2004.com.example",
     NULL, NULL, NULL, FALSE, NULL, "“iqn.2004.com.example” is not an iSCSI qualified name"},
    {"iscsi-bad-month", HAKO_POOL_TYPE_ISCSI, "s", NULL, NULL, "san", NULL,
     "iqn.2004-13.com.example:x", NULL, NULL, NULL, FALSE, NULL, "not an iSCSI qualified name"},
    {"iscsi-bad-initiator", HAKO_POOL_TYPE_ISCSI, "s", NULL, NULL, "san", NULL,
     "eui.0123456789abcdef", "client", NULL, NULL, FALSE, NULL,
     "“client” is not an iSCSI qualified name"},
    {"iscsi-build", HAKO_POOL_TYPE_ISCSI, "s", NULL, NULL, "san", NULL, "naa.0123456789abcdef",
     NULL, NULL, NULL, TRUE, NULL, "Pools of type “iscsi” cannot be built"},
    {"scsi-no-adapter", HAKO_POOL_TYPE_SCSI, "h", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
     FALSE, NULL, "Enter the SCSI host adapter"},
    {"scsi-bad-adapter", HAKO_POOL_TYPE_SCSI, "h", NULL, NULL, NULL, NULL, NULL, NULL, "scsi0",
     NULL, FALSE, NULL, "“scsi0” is not a SCSI host adapter"},
};

static HakoPoolSpec *
pool_spec_from_case(const PoolCase *c)
{
    HakoPoolSpec *spec = hako_pool_spec_new(c->type);

    spec->name = g_strdup(c->name);
    spec->target_path = g_strdup(c->target);
    spec->source_device = g_strdup(c->device);
    spec->source_host = g_strdup(c->host);
    spec->source_path = g_strdup(c->path);
    spec->source_iqn = g_strdup(c->iqn);
    spec->initiator_iqn = g_strdup(c->initiator);
    spec->adapter = g_strdup(c->adapter);
    spec->format = g_strdup(c->format);
    spec->build = c->build;
    return spec;
}

static void
test_pool_spec(gconstpointer data)
{
    const PoolCase *c = data;
    g_autoptr(HakoPoolSpec) spec = pool_spec_from_case(c);
    g_autoptr(HakoPoolSpec) copy = hako_pool_spec_copy(spec);
    g_autoptr(GError) error = NULL;

    if (c->xml != NULL) {
        g_autofree char *xml = NULL;

        g_assert_true(hako_pool_spec_validate(spec, &error));
        g_assert_no_error(error);
        xml = hako_pool_spec_to_xml(copy);
        g_assert_cmpstr(xml, ==, c->xml);
    } else {
        g_assert_false(hako_pool_spec_validate(copy, &error));
        g_assert_error(error, HAKO_MODEL_ERROR, HAKO_MODEL_ERROR_INVALID_SPEC);
        g_test_message("%s", error->message);
        g_assert_nonnull(strstr(error->message, c->problem));
    }
}

static void
test_pool_types(void)
{
    g_autoptr(HakoPoolSpec) dir = hako_pool_spec_new(HAKO_POOL_TYPE_DIR);
    g_autoptr(HakoPoolSpec) disk = hako_pool_spec_new(HAKO_POOL_TYPE_DISK);

    for (int t = HAKO_POOL_TYPE_DIR; t < HAKO_POOL_TYPE_OTHER; t++) {
        const char *name = hako_pool_type_to_string(t);

        g_assert_nonnull(name);
        g_assert_cmpint(hako_pool_type_from_string(name), ==, t);
        /* the required fields are among the used ones */
        g_assert_cmpuint(hako_pool_type_get_required_fields(t) & ~hako_pool_type_get_fields(t), ==,
                         0);
        g_assert_cmpstr(hako_pool_type_get_label(t), !=,
                        hako_pool_type_get_label(HAKO_POOL_TYPE_OTHER));
    }
    g_assert_cmpint(hako_pool_type_from_string("rbd"), ==, HAKO_POOL_TYPE_OTHER);
    g_assert_cmpint(hako_pool_type_from_string(NULL), ==, HAKO_POOL_TYPE_OTHER);
    g_assert_null(hako_pool_type_to_string(HAKO_POOL_TYPE_OTHER));
    g_assert_cmpstr(hako_pool_type_get_formats(HAKO_POOL_TYPE_DISK)[0], ==, "dos");
    g_assert_null(hako_pool_type_get_formats(HAKO_POOL_TYPE_DIR)[0]);
    g_assert_false(hako_pool_type_can_build(HAKO_POOL_TYPE_ISCSI));
    g_assert_true(hako_pool_type_can_build(HAKO_POOL_TYPE_LOGICAL));
    /* a directory is made by default; a device is formatted only when asked */
    g_assert_true(dir->build);
    g_assert_false(disk->build);
}

/* ---------------------------------------------------------------------- */
/* Volumes */

typedef struct {
    const char *slug;
    const char *name;
    HakoVolumeFormat format;
    guint64 capacity;
    guint64 allocation;
    const char *backing;
    const char *xml;
    const char *problem;
} VolumeCase;

#define QCOW2 HAKO_VOLUME_FORMAT_QCOW2
#define RAW HAKO_VOLUME_FORMAT_RAW

static const VolumeCase volume_cases[] = {
    {"qcow2", "disk.qcow2", QCOW2, 10 * GiB, 0, NULL,
     "<volume>\n  <name>disk.qcow2</name>\n  <capacity unit='bytes'>10737418240</capacity>\n"
     "  <allocation unit='bytes'>0</allocation>\n  <target>\n    <format type='qcow2'/>\n"
     "  </target>\n</volume>\n",
     NULL},
    {"raw-allocated", "r.img", RAW, MiB, MiB, NULL,
     "<volume>\n  <name>r.img</name>\n  <capacity unit='bytes'>1048576</capacity>\n"
     "  <allocation unit='bytes'>1048576</allocation>\n  <target>\n    <format type='raw'/>\n"
     "  </target>\n</volume>\n",
     NULL},
    {"backing", "top.qcow2", QCOW2, GiB, 0, "/var/lib/libvirt/images/base&1.qcow2",
     "<volume>\n  <name>top.qcow2</name>\n  <capacity unit='bytes'>1073741824</capacity>\n"
     "  <allocation unit='bytes'>0</allocation>\n  <target>\n    <format type='qcow2'/>\n"
     "  </target>\n  <backingStore>\n    <path>/var/lib/libvirt/images/base&amp;1.qcow2</path>\n"
     "    <format type='raw'/>\n  </backingStore>\n</volume>\n",
     NULL},
    {"no-name", "", QCOW2, GiB, 0, NULL, NULL, "Enter a name for the volume"},
    {"slash-name", "../etc/passwd", RAW, GiB, 0, NULL, NULL,
     "“../etc/passwd” is not valid: use only letters"},
    {"space-name", "my disk", RAW, GiB, 0, NULL, NULL, "“my disk” is not valid"},
    {"zero", "a", QCOW2, 0, 0, NULL, NULL, "Enter a capacity larger than zero"},
    {"over-allocated", "a", RAW, MiB, 2 * MiB, NULL, NULL, "is larger than the capacity"},
    {"raw-backing", "a", RAW, MiB, 0, "/base.img", NULL,
     "A raw volume cannot have a backing store"},
    {"relative-backing", "a", QCOW2, MiB, 0, "base.qcow2", NULL,
     "backing store “base.qcow2” is not an absolute path"},
};

static void
test_volume_spec(gconstpointer data)
{
    const VolumeCase *c = data;
    g_autoptr(HakoVolumeSpec) spec = hako_volume_spec_new();
    g_autoptr(HakoVolumeSpec) copy = NULL;
    g_autoptr(GError) error = NULL;

    spec->name = g_strdup(c->name);
    spec->format = c->format;
    spec->capacity = c->capacity;
    spec->allocation = c->allocation;
    spec->backing_path = g_strdup(c->backing);
    spec->backing_format = HAKO_VOLUME_FORMAT_RAW;
    copy = hako_volume_spec_copy(spec);
    if (c->xml != NULL) {
        g_autofree char *xml = NULL;

        g_assert_true(hako_volume_spec_validate(spec, &error));
        g_assert_no_error(error);
        xml = hako_volume_spec_to_xml(copy);
        g_assert_cmpstr(xml, ==, c->xml);
    } else {
        g_assert_false(hako_volume_spec_validate(copy, &error));
        g_assert_error(error, HAKO_MODEL_ERROR, HAKO_MODEL_ERROR_INVALID_SPEC);
        g_test_message("%s", error->message);
        g_assert_nonnull(strstr(error->message, c->problem));
    }
}

/* ---------------------------------------------------------------------- */
/* Listed values */

static void
test_pool_value(void)
{
    g_autoptr(HakoStoragePool) pool = hako_storage_pool_new();
    g_autoptr(HakoStoragePool) copy = NULL;

    g_assert_cmpfloat(hako_storage_pool_get_usage(pool), ==, 0.0);
    g_assert_false(hako_storage_pool_is_active(pool));
    pool->name = g_strdup("images");
    pool->target_path = g_strdup("/images");
    pool->state = HAKO_POOL_STATE_RUNNING;
    pool->capacity = 4 * GiB;
    pool->allocation = GiB;
    copy = hako_storage_pool_copy(pool);
    g_free(pool->name);
    pool->name = NULL;
    g_assert_cmpstr(copy->name, ==, "images");
    g_assert_cmpstr(copy->target_path, ==, "/images");
    g_assert_true(hako_storage_pool_is_active(copy));
    g_assert_cmpfloat_with_epsilon(hako_storage_pool_get_usage(copy), 0.25, 1e-9);
    g_assert_cmpstr(hako_pool_state_get_label(HAKO_POOL_STATE_INACTIVE), ==, "Stopped");
}

static void
test_volume_value(void)
{
    g_autoptr(HakoStorageVolume) volume = hako_storage_volume_new();
    g_autoptr(HakoStorageVolume) copy = NULL;
    const char *const guests[] = {"alpha", "beta", NULL};

    g_assert_nonnull(volume->used_by);
    g_assert_false(hako_storage_volume_is_in_use(volume));
    g_strfreev(volume->used_by);
    volume->used_by = g_strdupv((char **)guests);
    volume->path = g_strdup("/images/a.qcow2");
    copy = hako_storage_volume_copy(volume);
    g_strfreev(volume->used_by);
    volume->used_by = g_new0(char *, 1);
    g_assert_true(hako_storage_volume_is_in_use(copy));
    g_assert_cmpstrv(copy->used_by, guests);
    g_assert_cmpstr(copy->path, ==, "/images/a.qcow2");
}

static void
test_volume_space(void)
{
    g_autoptr(HakoVolumeSpec) spec = hako_volume_spec_new();
    g_autoptr(GError) error = NULL;
    g_autofree char *warning = NULL;
    /* sizes as GLib writes them (a no-break space before the unit) */
    g_autofree char *twenty = g_format_size_full(20 * GiB, G_FORMAT_SIZE_IEC_UNITS);
    g_autofree char *six = g_format_size_full(6 * GiB, G_FORMAT_SIZE_IEC_UNITS);
    g_autofree char *five = g_format_size_full(5 * GiB, G_FORMAT_SIZE_IEC_UNITS);
    g_autofree char *allocating = g_strdup_printf("Allocating %s now does not fit", six);
    g_autofree char *five_free = g_strdup_printf("%s free", five);

    spec->name = g_strdup("disk.qcow2");
    spec->capacity = 20 * GiB;

    /* room for all of it: no word */
    g_assert_true(hako_volume_spec_check_space(spec, 40 * GiB, &warning, &error));
    g_assert_no_error(error);
    g_assert_null(warning);

    /* nothing allocated now, but it can outgrow the pool: a warning, not a refusal */
    g_assert_true(hako_volume_spec_check_space(spec, 5 * GiB, &warning, &error));
    g_assert_no_error(error);
    g_assert_nonnull(strstr(warning, twenty));
    g_assert_nonnull(strstr(warning, five_free));
    g_clear_pointer(&warning, g_free);

    /* allocating more than is free is refused, saying how much there is */
    spec->allocation = 6 * GiB;
    g_assert_false(hako_volume_spec_check_space(spec, 5 * GiB, &warning, &error));
    g_assert_error(error, HAKO_MODEL_ERROR, HAKO_MODEL_ERROR_INVALID_SPEC);
    g_assert_nonnull(strstr(error->message, allocating));
    g_assert_nonnull(strstr(error->message, five_free));
    g_assert_null(warning);
    g_clear_error(&error);

    /* an unknown free space checks nothing */
    g_assert_true(hako_volume_spec_check_space(spec, 0, NULL, &error));
    g_assert_no_error(error);
}

int
main(int argc, char *argv[])
{
    setlocale(LC_ALL, "");
    g_test_init(&argc, &argv, NULL);

    g_test_add_func("/model/storage/parse-size/good", test_parse_size_good);
    g_test_add_func("/model/storage/parse-size/bad", test_parse_size_bad);
    g_test_add_func("/model/storage/pool-types", test_pool_types);
    for (guint i = 0; i < G_N_ELEMENTS(pool_cases); i++) {
        g_autofree char *path = g_strdup_printf("/model/storage/pool-spec/%s", pool_cases[i].slug);

        g_test_add_data_func(path, &pool_cases[i], test_pool_spec);
    }
    for (guint i = 0; i < G_N_ELEMENTS(volume_cases); i++) {
        g_autofree char *path =
            g_strdup_printf("/model/storage/volume-spec/%s", volume_cases[i].slug);

        g_test_add_data_func(path, &volume_cases[i], test_volume_spec);
    }
    g_test_add_func("/model/storage/pool-value", test_pool_value);
    g_test_add_func("/model/storage/volume-value", test_volume_value);
    g_test_add_func("/model/storage/volume-space", test_volume_space);
    return g_test_run();
}
