/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoPoolSpec: a storage pool to create, as the Create Pool wizard's fields, and its XML. */
#include "config.h"

#include "hako-pool-spec.h"

#include "hako-model-types.h"

#include <glib/gi18n.h>
#include <string.h>

G_DEFINE_BOXED_TYPE(HakoPoolSpec, hako_pool_spec, hako_pool_spec_copy, hako_pool_spec_free)

/* libvirt allows longer names, but a name is also a directory, a volume group, a file name */
#define MAX_NAME 200

static const char *const fs_formats[] = {"auto", "ext2", "ext3", "ext4", "ufs", "iso9660", "udf",
                                         "gfs",  "gfs2", "vfat", "hfs+", "xfs", "ocfs2",   NULL};
static const char *const netfs_formats[] = {"auto", "nfs", "glusterfs", "cifs", NULL};
static const char *const disk_formats[] = {"dos",  "gpt", "dvh",  "mac", "bsd",
                                           "pc98", "sun", "lvm2", NULL};
static const char *const no_formats[] = {NULL};

/**
 * hako_pool_type_get_fields:
 *
 * Returns: the fields of #HakoPoolSpec that a pool of @type uses, for the wizard to show.
 */
HakoPoolFields
hako_pool_type_get_fields(HakoPoolType type)
{
    switch (type) {
    case HAKO_POOL_TYPE_DIR:
        return HAKO_POOL_FIELD_TARGET_PATH;
    case HAKO_POOL_TYPE_FS:
        return HAKO_POOL_FIELD_TARGET_PATH | HAKO_POOL_FIELD_SOURCE_DEVICE | HAKO_POOL_FIELD_FORMAT;
    case HAKO_POOL_TYPE_NETFS:
        return HAKO_POOL_FIELD_TARGET_PATH | HAKO_POOL_FIELD_SOURCE_HOST |
               HAKO_POOL_FIELD_SOURCE_PATH | HAKO_POOL_FIELD_FORMAT;
    case HAKO_POOL_TYPE_LOGICAL:
        return HAKO_POOL_FIELD_TARGET_PATH | HAKO_POOL_FIELD_SOURCE_DEVICE;
    case HAKO_POOL_TYPE_DISK:
        return HAKO_POOL_FIELD_TARGET_PATH | HAKO_POOL_FIELD_SOURCE_DEVICE | HAKO_POOL_FIELD_FORMAT;
    case HAKO_POOL_TYPE_ISCSI:
        return HAKO_POOL_FIELD_TARGET_PATH | HAKO_POOL_FIELD_SOURCE_HOST |
               HAKO_POOL_FIELD_SOURCE_IQN | HAKO_POOL_FIELD_INITIATOR_IQN;
    case HAKO_POOL_TYPE_SCSI:
        return HAKO_POOL_FIELD_TARGET_PATH | HAKO_POOL_FIELD_ADAPTER;
    default:
        return 0;
    }
}

/**
 * hako_pool_type_get_required_fields:
 *
 * Returns: the fields of hako_pool_type_get_fields() that must not be empty; the others have
 *   a default (a logical pool's target is /dev/NAME, a disk pool's /dev, an iSCSI or SCSI
 *   pool's /dev/disk/by-path).
 */
HakoPoolFields
hako_pool_type_get_required_fields(HakoPoolType type)
{
    switch (type) {
    case HAKO_POOL_TYPE_DIR:
        return HAKO_POOL_FIELD_TARGET_PATH;
    case HAKO_POOL_TYPE_FS:
        return HAKO_POOL_FIELD_TARGET_PATH | HAKO_POOL_FIELD_SOURCE_DEVICE;
    case HAKO_POOL_TYPE_NETFS:
        return HAKO_POOL_FIELD_TARGET_PATH | HAKO_POOL_FIELD_SOURCE_HOST |
               HAKO_POOL_FIELD_SOURCE_PATH;
    case HAKO_POOL_TYPE_LOGICAL:
        return 0;
    case HAKO_POOL_TYPE_DISK:
        return HAKO_POOL_FIELD_SOURCE_DEVICE;
    case HAKO_POOL_TYPE_ISCSI:
        return HAKO_POOL_FIELD_SOURCE_HOST | HAKO_POOL_FIELD_SOURCE_IQN;
    case HAKO_POOL_TYPE_SCSI:
        return HAKO_POOL_FIELD_ADAPTER;
    default:
        return 0;
    }
}

/**
 * hako_pool_type_get_formats:
 *
 * Returns: (transfer none) (array zero-terminated=1): the formats a pool of @type may have
 *   (the first is the default); empty when the type has no format field.
 */
const char *const *
hako_pool_type_get_formats(HakoPoolType type)
{
    switch (type) {
    case HAKO_POOL_TYPE_FS:
        return fs_formats;
    case HAKO_POOL_TYPE_NETFS:
        return netfs_formats;
    case HAKO_POOL_TYPE_DISK:
        return disk_formats;
    default:
        return no_formats;
    }
}

/**
 * hako_pool_type_can_build:
 *
 * Returns: whether a pool of @type has a build step: making the target directory (dir, fs,
 *   netfs), or formatting the source device (logical: a volume group; disk: a partition table).
 */
gboolean
hako_pool_type_can_build(HakoPoolType type)
{
    return type == HAKO_POOL_TYPE_DIR || type == HAKO_POOL_TYPE_FS ||
           type == HAKO_POOL_TYPE_NETFS || type == HAKO_POOL_TYPE_LOGICAL ||
           type == HAKO_POOL_TYPE_DISK;
}

/**
 * hako_pool_spec_new:
 * @type: the kind of pool, not %HAKO_POOL_TYPE_OTHER
 *
 * Returns: (transfer full): an empty spec of @type, building when the type can.
 */
HakoPoolSpec *
hako_pool_spec_new(HakoPoolType type)
{
    HakoPoolSpec *spec;

    g_return_val_if_fail(type < HAKO_POOL_TYPE_OTHER, NULL);

    spec = g_new0(HakoPoolSpec, 1);
    spec->type = type;
    /* Formatting a device destroys what it holds: the user has to ask for it. */
    spec->build =
        type == HAKO_POOL_TYPE_DIR || type == HAKO_POOL_TYPE_FS || type == HAKO_POOL_TYPE_NETFS;
    return spec;
}

/**
 * hako_pool_spec_copy:
 *
 * Returns: (transfer full): a deep copy of @spec.
 */
HakoPoolSpec *
hako_pool_spec_copy(const HakoPoolSpec *spec)
{
    HakoPoolSpec *copy;

    g_return_val_if_fail(spec != NULL, NULL);

    copy = g_memdup2(spec, sizeof *spec);
    copy->name = g_strdup(spec->name);
    copy->target_path = g_strdup(spec->target_path);
    copy->source_device = g_strdup(spec->source_device);
    copy->source_host = g_strdup(spec->source_host);
    copy->source_path = g_strdup(spec->source_path);
    copy->source_iqn = g_strdup(spec->source_iqn);
    copy->initiator_iqn = g_strdup(spec->initiator_iqn);
    copy->adapter = g_strdup(spec->adapter);
    copy->format = g_strdup(spec->format);
    return copy;
}

void
hako_pool_spec_free(HakoPoolSpec *spec)
{
    if (spec == NULL)
        return;
    g_free(spec->name);
    g_free(spec->target_path);
    g_free(spec->source_device);
    g_free(spec->source_host);
    g_free(spec->source_path);
    g_free(spec->source_iqn);
    g_free(spec->initiator_iqn);
    g_free(spec->adapter);
    g_free(spec->format);
    g_free(spec);
}

static gboolean
has_text(const char *s)
{
    return s != NULL && *s != '\0';
}

static gboolean invalid(GError **error, const char *format, ...) G_GNUC_PRINTF(2, 3);

static gboolean
invalid(GError **error, const char *format, ...)
{
    g_autofree char *message = NULL;
    va_list args;

    va_start(args, format);
    message = g_strdup_vprintf(format, args);
    va_end(args);
    g_set_error_literal(error, HAKO_MODEL_ERROR, HAKO_MODEL_ERROR_INVALID_SPEC, message);
    return FALSE;
}

static gboolean
name_chars_ok(const char *name)
{
    if (name[0] == '.' || name[0] == '-')
        return FALSE;
    for (const char *p = name; *p != '\0'; p++) {
        if (!g_ascii_isalnum(*p) && strchr("._+-", *p) == NULL)
            return FALSE;
    }
    return TRUE;
}

static gboolean
validate_name(const char *name, GError **error)
{
    if (!has_text(name))
        return invalid(error, "%s", _("Enter a name for the pool."));
    if (strlen(name) > MAX_NAME)
        return invalid(error, _("The pool name is too long: use at most %u characters."), MAX_NAME);
    if (!name_chars_ok(name))
        return invalid(error,
                       _("The pool name “%s” is not valid: use only letters, digits, “.”, “_”, "
                         "“+” and “-”, and do not start it with “.” or “-”."),
                       name);
    return TRUE;
}

static gboolean
is_iqn(const char *text)
{
    /* RFC 3720 §3.2.6.3: iqn.YYYY-MM.reversed.domain[:anything], eui.<16 hex>, naa.<16|32 hex> */
    return g_regex_match_simple("^(iqn\\.[0-9]{4}-(0[1-9]|1[0-2])\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?"
                                "(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:[^\\s]+)?"
                                "|eui\\.[0-9a-f]{16}|naa\\.([0-9a-f]{16}|[0-9a-f]{32}))$",
                                text, G_REGEX_CASELESS, 0);
}

static gboolean
is_host(const char *text)
{
    return g_regex_match_simple(
        "^([A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?|\\[?[0-9A-Fa-f:.]+\\]?)$", text, 0, 0);
}

static const char *
example_target(HakoPoolType type)
{
    switch (type) {
    case HAKO_POOL_TYPE_DIR:
        return "/var/lib/libvirt/images/pool";
    case HAKO_POOL_TYPE_FS:
    case HAKO_POOL_TYPE_NETFS:
        return "/mnt/pool";
    default:
        return "/dev/disk/by-path";
    }
}

static gboolean
validate_target(const HakoPoolSpec *spec, HakoPoolFields required, GError **error)
{
    if (!has_text(spec->target_path)) {
        if (required & HAKO_POOL_FIELD_TARGET_PATH)
            return invalid(error, _("Enter a target path for the pool, such as %s."),
                           example_target(spec->type));
        return TRUE;
    }
    if (!g_path_is_absolute(spec->target_path))
        return invalid(error,
                       _("The target path “%s” is not absolute: start it with “/”, such as %s."),
                       spec->target_path, example_target(spec->type));
    return TRUE;
}

static gboolean
validate_format(const HakoPoolSpec *spec, GError **error)
{
    const char *const *formats = hako_pool_type_get_formats(spec->type);
    g_autofree char *list = NULL;

    if (!has_text(spec->format) || g_strv_contains(formats, spec->format))
        return TRUE;
    list = g_strjoinv(", ", (char **)formats);
    return invalid(error, _("“%s” is not a format of this kind of pool: choose one of %s."),
                   spec->format, list);
}

/**
 * hako_pool_spec_validate:
 *
 * Checks the fields @spec's type uses (hako_pool_type_get_fields()): the name, absolute
 * paths, a host name, IQNs, the adapter and the format.
 *
 * Returns: %TRUE when @spec can be created; otherwise %FALSE with a
 *   %HAKO_MODEL_ERROR_INVALID_SPEC error that says what is wrong and how to fix it.
 */
gboolean
hako_pool_spec_validate(const HakoPoolSpec *spec, GError **error)
{
    HakoPoolFields fields;
    HakoPoolFields required;

    g_return_val_if_fail(spec != NULL, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    if (spec->type >= HAKO_POOL_TYPE_OTHER)
        return invalid(error, "%s", _("Choose the kind of pool to create."));
    fields = hako_pool_type_get_fields(spec->type);
    required = hako_pool_type_get_required_fields(spec->type);
    if (!validate_name(spec->name, error))
        return FALSE;

    if (fields & HAKO_POOL_FIELD_SOURCE_DEVICE) {
        if (!has_text(spec->source_device)) {
            if (required & HAKO_POOL_FIELD_SOURCE_DEVICE)
                return invalid(error, "%s", _("Enter the source device, such as /dev/sdb."));
            if (spec->type == HAKO_POOL_TYPE_LOGICAL && spec->build)
                return invalid(
                    error, "%s",
                    _("Building a volume group needs a device: enter one, such as /dev/sdb, "
                      "or do not build."));
        } else if (!g_path_is_absolute(spec->source_device)) {
            return invalid(
                error,
                _("The source device “%s” is not a device path: give its full path, such as "
                  "/dev/sdb."),
                spec->source_device);
        }
    }
    if (fields & HAKO_POOL_FIELD_SOURCE_HOST) {
        if (!has_text(spec->source_host))
            return invalid(error, "%s",
                           _("Enter the host name or address of the server, such as "
                             "storage.example.com."));
        if (!is_host(spec->source_host))
            return invalid(error,
                           _("“%s” is not a host name or address: use a name such as "
                             "storage.example.com or an address such as 192.0.2.10, without "
                             "spaces or “/”."),
                           spec->source_host);
    }
    if (fields & HAKO_POOL_FIELD_SOURCE_PATH) {
        if (!has_text(spec->source_path))
            return invalid(error, "%s",
                           _("Enter the directory the server exports, such as /export/images."));
        if (!g_path_is_absolute(spec->source_path))
            return invalid(error,
                           _("The exported directory “%s” is not absolute: start it with “/”, "
                             "such as /export/images."),
                           spec->source_path);
    }
    if (fields & HAKO_POOL_FIELD_SOURCE_IQN) {
        if (!has_text(spec->source_iqn))
            return invalid(error, "%s",
                           _("Enter the target’s IQN, such as iqn.2004-04.com.example:storage."));
        if (!is_iqn(spec->source_iqn))
            return invalid(error,
                           _("“%s” is not an iSCSI qualified name: write it as "
                             "iqn.YYYY-MM.reversed.domain:name, such as "
                             "iqn.2004-04.com.example:storage."),
                           spec->source_iqn);
    }
    if ((fields & HAKO_POOL_FIELD_INITIATOR_IQN) && has_text(spec->initiator_iqn) &&
        !is_iqn(spec->initiator_iqn))
        return invalid(error,
                       _("“%s” is not an iSCSI qualified name: write it as "
                         "iqn.YYYY-MM.reversed.domain:name, such as "
                         "iqn.2004-04.com.example:storage."),
                       spec->initiator_iqn);
    if (fields & HAKO_POOL_FIELD_ADAPTER) {
        if (!has_text(spec->adapter))
            return invalid(error, "%s", _("Enter the SCSI host adapter, such as host0."));
        if (!g_regex_match_simple("^host[0-9]+$", spec->adapter, 0, 0))
            return invalid(error,
                           _("“%s” is not a SCSI host adapter: write “host” and its number, "
                             "such as host0."),
                           spec->adapter);
    }
    if (!validate_target(spec, required, error))
        return FALSE;
    if ((fields & HAKO_POOL_FIELD_FORMAT) && !validate_format(spec, error))
        return FALSE;
    if (spec->build && !hako_pool_type_can_build(spec->type))
        return invalid(error, _("Pools of type “%s” cannot be built: turn building off."),
                       hako_pool_type_to_string(spec->type));
    return TRUE;
}

static void append_element(GString *xml, const char *format, ...) G_GNUC_PRINTF(2, 3);

static void
append_element(GString *xml, const char *format, ...)
{
    va_list args;
    g_autofree char *text = NULL;

    va_start(args, format);
    text = g_markup_vprintf_escaped(format, args);
    va_end(args);
    g_string_append(xml, text);
}

static const char *
target_or_default(const HakoPoolSpec *spec, char **owned)
{
    if (has_text(spec->target_path))
        return spec->target_path;
    switch (spec->type) {
    case HAKO_POOL_TYPE_LOGICAL:
        return *owned = g_strdup_printf("/dev/%s", spec->name);
    case HAKO_POOL_TYPE_DISK:
        return "/dev";
    case HAKO_POOL_TYPE_ISCSI:
    case HAKO_POOL_TYPE_SCSI:
        return "/dev/disk/by-path";
    default:
        return NULL;
    }
}

/**
 * hako_pool_spec_to_xml:
 * @spec: a spec that hako_pool_spec_validate() accepts
 *
 * Builds libvirt's pool XML for @spec, with only the fields its type uses; empty optional
 * fields get libvirt's usual defaults (hako_pool_type_get_required_fields()).
 *
 * Returns: (transfer full): the XML.
 */
char *
hako_pool_spec_to_xml(const HakoPoolSpec *spec)
{
    HakoPoolFields fields;
    g_autofree char *owned_target = NULL;
    const char *target;
    GString *xml;
    GString *source;

    g_return_val_if_fail(spec != NULL && spec->type < HAKO_POOL_TYPE_OTHER, NULL);

    fields = hako_pool_type_get_fields(spec->type);
    xml = g_string_new(NULL);
    append_element(xml, "<pool type='%s'>\n", hako_pool_type_to_string(spec->type));
    append_element(xml, "  <name>%s</name>\n", spec->name != NULL ? spec->name : "");

    source = g_string_new(NULL);
    if (spec->type == HAKO_POOL_TYPE_ISCSI) {
        append_element(source, "    <host name='%s'/>\n", spec->source_host);
        append_element(source, "    <device path='%s'/>\n", spec->source_iqn);
        if (has_text(spec->initiator_iqn))
            append_element(source, "    <initiator>\n      <iqn name='%s'/>\n    </initiator>\n",
                           spec->initiator_iqn);
    } else {
        if ((fields & HAKO_POOL_FIELD_SOURCE_DEVICE) && has_text(spec->source_device))
            append_element(source, "    <device path='%s'/>\n", spec->source_device);
        if (fields & HAKO_POOL_FIELD_SOURCE_HOST)
            append_element(source, "    <host name='%s'/>\n", spec->source_host);
        if (fields & HAKO_POOL_FIELD_SOURCE_PATH)
            append_element(source, "    <dir path='%s'/>\n", spec->source_path);
        if (fields & HAKO_POOL_FIELD_ADAPTER)
            append_element(source, "    <adapter type='scsi_host' name='%s'/>\n", spec->adapter);
        if (spec->type == HAKO_POOL_TYPE_LOGICAL) {
            /* the volume group is named after the pool */
            append_element(source, "    <name>%s</name>\n", spec->name);
            g_string_append(source, "    <format type='lvm2'/>\n");
        } else if ((fields & HAKO_POOL_FIELD_FORMAT) && has_text(spec->format)) {
            append_element(source, "    <format type='%s'/>\n", spec->format);
        }
    }
    if (source->len > 0)
        g_string_append_printf(xml, "  <source>\n%s  </source>\n", source->str);
    g_string_free(source, TRUE);

    target = target_or_default(spec, &owned_target);
    if (target != NULL)
        append_element(xml, "  <target>\n    <path>%s</path>\n  </target>\n", target);
    g_string_append(xml, "</pool>\n");
    return g_string_free(xml, FALSE);
}
