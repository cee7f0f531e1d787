/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the listing benchmarks share. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *hako_bench_write_testdriver(const char *dir, guint n, gboolean shuffle_names);

G_END_DECLS
