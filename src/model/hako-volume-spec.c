/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoVolumeSpec: a storage volume to create, its XML, and sizes as people write them. */
#include "config.h"

#include "hako-volume-spec.h"

#include "hako-model-types.h"

#include <glib/gi18n.h>
#include <string.h>

G_DEFINE_BOXED_TYPE(HakoVolumeSpec, hako_volume_spec, hako_volume_spec_copy, hako_volume_spec_free)

#define MAX_NAME 200

/**
 * hako_volume_format_to_string:
 *
 * Returns: libvirt's name of @format ("qcow2", "raw").
 */
const char *
hako_volume_format_to_string(HakoVolumeFormat format)
{
    return format == HAKO_VOLUME_FORMAT_RAW ? "raw" : "qcow2";
}

/**
 * hako_volume_spec_new:
 *
 * Returns: (transfer full): an empty qcow2 spec without a backing store.
 */
HakoVolumeSpec *
hako_volume_spec_new(void)
{
    return g_new0(HakoVolumeSpec, 1);
}

/**
 * hako_volume_spec_copy:
 *
 * Returns: (transfer full): a deep copy of @spec.
 */
HakoVolumeSpec *
hako_volume_spec_copy(const HakoVolumeSpec *spec)
{
    HakoVolumeSpec *copy;

    g_return_val_if_fail(spec != NULL, NULL);

    copy = g_memdup2(spec, sizeof *spec);
    copy->name = g_strdup(spec->name);
    copy->backing_path = g_strdup(spec->backing_path);
    return copy;
}

void
hako_volume_spec_free(HakoVolumeSpec *spec)
{
    if (spec == NULL)
        return;
    g_free(spec->name);
    g_free(spec->backing_path);
    g_free(spec);
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

/**
 * hako_volume_spec_validate:
 *
 * Checks the name (a file name in most pools), the capacity, the allocation against it, and
 * the backing store (qcow2 only, an absolute path).
 *
 * Returns: %TRUE when @spec can be created; otherwise %FALSE with a
 *   %HAKO_MODEL_ERROR_INVALID_SPEC error that says what is wrong and how to fix it.
 */
gboolean
hako_volume_spec_validate(const HakoVolumeSpec *spec, GError **error)
{
    g_return_val_if_fail(spec != NULL, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    if (spec->name == NULL || *spec->name == '\0')
        return invalid(error, "%s", _("Enter a name for the volume."));
    if (strlen(spec->name) > MAX_NAME)
        return invalid(error, _("The volume name is too long: use at most %u characters."),
                       MAX_NAME);
    if (spec->name[0] == '.' || spec->name[0] == '-' ||
        strspn(spec->name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+-") !=
            strlen(spec->name))
        return invalid(error,
                       _("The volume name “%s” is not valid: use only letters, digits, “.”, “_”, "
                         "“+” and “-”, and do not start it with “.” or “-”."),
                       spec->name);
    if (spec->capacity == 0)
        return invalid(error, "%s", _("Enter a capacity larger than zero, such as 10 GiB."));
    if (spec->allocation > spec->capacity) {
        g_autofree char *allocation = g_format_size_full(spec->allocation, G_FORMAT_SIZE_IEC_UNITS);
        g_autofree char *capacity = g_format_size_full(spec->capacity, G_FORMAT_SIZE_IEC_UNITS);

        return invalid(error,
                       _("The allocation (%s) is larger than the capacity (%s): allocate at most "
                         "the capacity, or 0 to allocate as the volume fills."),
                       allocation, capacity);
    }
    if (spec->backing_path != NULL && *spec->backing_path != '\0') {
        if (spec->format != HAKO_VOLUME_FORMAT_QCOW2)
            return invalid(error, "%s",
                           _("A raw volume cannot have a backing store: choose the qcow2 format, "
                             "or no backing store."));
        if (!g_path_is_absolute(spec->backing_path))
            return invalid(error,
                           _("The backing store “%s” is not an absolute path: give the image’s "
                             "full path, such as /var/lib/libvirt/images/base.qcow2."),
                           spec->backing_path);
    }
    return TRUE;
}

/**
 * hako_volume_spec_check_space:
 * @spec: a volume
 * @available: the bytes free in its pool; 0 when not known, and then nothing is checked
 * @warning: (out) (optional) (nullable): a sentence when the volume fits now but can outgrow
 *   the pool later, else %NULL
 *
 * A new volume takes its allocation at once and grows up to its capacity as the guest writes.
 *
 * Returns: %FALSE with a %HAKO_MODEL_ERROR_INVALID_SPEC error when the allocation does not fit.
 */
gboolean
hako_volume_spec_check_space(const HakoVolumeSpec *spec,
                             guint64 available,
                             char **warning,
                             GError **error)
{
    g_autofree char *free_text = NULL;
    g_autofree char *size_text = NULL;

    g_return_val_if_fail(spec != NULL, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    if (warning != NULL)
        *warning = NULL;
    if (available == 0)
        return TRUE;
    free_text = g_format_size_full(available, G_FORMAT_SIZE_IEC_UNITS);
    if (spec->allocation > available) {
        size_text = g_format_size_full(spec->allocation, G_FORMAT_SIZE_IEC_UNITS);
        return invalid(error,
                       _("Allocating %s now does not fit: the pool has %s free. Allocate less, "
                         "or nothing to let the volume grow as it fills."),
                       size_text, free_text);
    }
    if (spec->capacity > available && warning != NULL) {
        size_text = g_format_size_full(spec->capacity, G_FORMAT_SIZE_IEC_UNITS);
        *warning = g_strdup_printf(_("The volume can grow to %s, more than the %s free in the "
                                     "pool: a guest that fills it stops until space is freed."),
                                   size_text, free_text);
    }
    return TRUE;
}

/**
 * hako_volume_spec_to_xml:
 * @spec: a spec that hako_volume_spec_validate() accepts
 *
 * Builds libvirt's volume XML for @spec, sizes in bytes.
 *
 * Returns: (transfer full): the XML.
 */
char *
hako_volume_spec_to_xml(const HakoVolumeSpec *spec)
{
    GString *xml;
    g_autofree char *name = NULL;

    g_return_val_if_fail(spec != NULL, NULL);

    xml = g_string_new("<volume>\n");
    name = g_markup_printf_escaped("  <name>%s</name>\n", spec->name != NULL ? spec->name : "");
    g_string_append(xml, name);
    g_string_append_printf(xml, "  <capacity unit='bytes'>%" G_GUINT64_FORMAT "</capacity>\n",
                           spec->capacity);
    g_string_append_printf(xml, "  <allocation unit='bytes'>%" G_GUINT64_FORMAT "</allocation>\n",
                           spec->allocation);
    g_string_append_printf(xml, "  <target>\n    <format type='%s'/>\n  </target>\n",
                           hako_volume_format_to_string(spec->format));
    if (spec->backing_path != NULL && *spec->backing_path != '\0') {
        g_autofree char *path =
            g_markup_printf_escaped("    <path>%s</path>\n", spec->backing_path);

        g_string_append(xml, "  <backingStore>\n");
        g_string_append(xml, path);
        g_string_append_printf(xml, "    <format type='%s'/>\n  </backingStore>\n",
                               hako_volume_format_to_string(spec->backing_format));
    }
    g_string_append(xml, "</volume>\n");
    return g_string_free(xml, FALSE);
}

typedef struct {
    const char *name;
    guint64 factor;
} Unit;

/* libvirt's units (virScaleInteger): a bare letter and xiB are powers of 1024, xB of 1000. */
static const Unit units[] = {
    {"", 1},
    {"b", 1},
    {"byte", 1},
    {"bytes", 1},
    {"k", G_GUINT64_CONSTANT(1) << 10},
    {"kib", G_GUINT64_CONSTANT(1) << 10},
    {"kb", 1000},
    {"m", G_GUINT64_CONSTANT(1) << 20},
    {"mib", G_GUINT64_CONSTANT(1) << 20},
    {"mb", 1000000},
    {"g", G_GUINT64_CONSTANT(1) << 30},
    {"gib", G_GUINT64_CONSTANT(1) << 30},
    {"gb", 1000000000},
    {"t", G_GUINT64_CONSTANT(1) << 40},
    {"tib", G_GUINT64_CONSTANT(1) << 40},
    {"tb", G_GUINT64_CONSTANT(1000000000000)},
    {"p", G_GUINT64_CONSTANT(1) << 50},
    {"pib", G_GUINT64_CONSTANT(1) << 50},
    {"pb", G_GUINT64_CONSTANT(1000000000000000)},
};

/**
 * hako_storage_parse_size:
 * @text: a size as the user typed it: "10G", "10 GiB", "1.5T", "512 MiB", "4096"
 * @bytes: (out): the size in bytes (rounded down to a whole byte)
 *
 * Parses a size the way libvirt reads units: a number (decimals allowed), optional spaces,
 * then nothing or B for bytes, K, M, G, T, P or KiB…PiB for powers of 1024, KB…PB for powers
 * of 1000, in any case.
 *
 * Returns: %TRUE on success; otherwise %FALSE with a %HAKO_MODEL_ERROR_INVALID_SPEC error that
 *   says how to write a size.
 */
gboolean
hako_storage_parse_size(const char *text, guint64 *bytes, GError **error)
{
    g_autoptr(GMatchInfo) match = NULL;
    g_autoptr(GRegex) regex = NULL;
    g_autofree char *whole = NULL;
    g_autofree char *fraction = NULL;
    g_autofree char *unit = NULL;
    g_autofree char *stripped = NULL;
    guint64 factor = 0;
    guint64 value = 0;
    guint64 part = 0;
    guint64 scale = 1;

    g_return_val_if_fail(bytes != NULL, FALSE);

    stripped = g_strstrip(g_strdup(text != NULL ? text : ""));
    if (*stripped == '\0')
        return invalid(error, "%s", _("Enter a size, such as 10 GiB or 512M."));
    regex = g_regex_new("^([0-9]+)(?:\\.([0-9]*))?\\s*([A-Za-z]*)$", 0, 0, NULL);
    if (!g_regex_match(regex, stripped, 0, &match))
        return invalid(error,
                       _("“%s” is not a size: write a number and a unit, such as 10G, 10 GiB or "
                         "512 MiB."),
                       stripped);
    whole = g_match_info_fetch(match, 1);
    fraction = g_match_info_fetch(match, 2);
    unit = g_match_info_fetch(match, 3);
    {
        g_autofree char *lower = g_ascii_strdown(unit, -1);

        for (guint i = 0; i < G_N_ELEMENTS(units); i++) {
            if (g_str_equal(lower, units[i].name)) {
                factor = units[i].factor;
                break;
            }
        }
    }
    if (factor == 0)
        return invalid(error,
                       _("“%s” is not a unit of size: use B, K, M, G, T or P (powers of 1024), "
                         "KiB to PiB (the same) or KB to PB (powers of 1000)."),
                       unit);
    if (!g_ascii_string_to_unsigned(whole, 10, 0, G_MAXUINT64, &value, NULL) ||
        (value != 0 && factor > G_MAXUINT64 / value))
        return invalid(error, _("The size “%s” is too large."), stripped);
    value *= factor;
    /* The decimals, exactly: at most 18 digits count (more cannot change a byte count here). */
    if (fraction != NULL && *fraction != '\0') {
        if (strlen(fraction) > 18)
            fraction[18] = '\0';
        part = g_ascii_strtoull(fraction, NULL, 10);
        for (gsize i = 0; i < strlen(fraction); i++)
            scale *= 10;
        /* part / scale * factor without overflow: factor ≤ 2^50, part < scale ≤ 10^18 */
        part = (guint64)((double)part / (double)scale * (double)factor);
        if (value > G_MAXUINT64 - part)
            return invalid(error, _("The size “%s” is too large."), stripped);
        value += part;
    }
    *bytes = value;
    return TRUE;
}
