/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the listing benchmarks share. */
#include "config.h"

#include "bench-util.h"

/*
 * Writes a libvirt test-driver file with @n running guests into @dir and returns its path.
 * With @shuffle_names the names come in shuffled order, so that a sorted view has work to do.
 */
char *
hako_bench_write_testdriver(const char *dir, guint n, gboolean shuffle_names)
{
    g_autoptr(GString) xml = g_string_new("<node>\n");
    g_autofree char *path = g_strdup_printf("%s/bench-%u.xml", dir, n);
    g_autoptr(GError) error = NULL;

    for (guint i = 0; i < n; i++)
        g_string_append_printf(xml,
                               "<domain type='test'><name>bench-%05u</name>"
                               "<uuid>%08x-0000-4000-8000-%012x</uuid>"
                               "<memory unit='MiB'>%u</memory><vcpu>%u</vcpu>"
                               "<os><type>hvm</type></os></domain>\n",
                               shuffle_names ? (i * 7919) % n : i, 0xbe0000 + i, i,
                               256 * (1 + i % 8), 1 + i % 4);
    g_string_append(xml, "</node>\n");
    if (!g_file_set_contents(path, xml->str, xml->len, &error))
        g_error("%s", error->message);
    return g_steal_pointer(&path);
}
