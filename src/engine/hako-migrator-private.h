/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoMigrator's helpers shared with its unit test. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *_hako_migrator_post_copy_hint(const char *reason, const char *dest_label);

G_END_DECLS
