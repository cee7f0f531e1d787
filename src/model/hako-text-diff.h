/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoTextDiff: the lines that differ between two texts, in hunks with context (Myers). */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum {
    HAKO_DIFF_SAME,    /* in both texts: context */
    HAKO_DIFF_REMOVED, /* only in the old text */
    HAKO_DIFF_ADDED,   /* only in the new text */
} HakoDiffKind;

typedef struct {
    HakoDiffKind kind;
    guint old_line;      /* 1-based line in the old text; 0 for an added line */
    guint new_line;      /* 1-based line in the new text; 0 for a removed line */
    const char *text;    /* the line without its newline; owned by the diff */
    gboolean no_newline; /* the last line of its text, with no newline after it */
} HakoDiffLine;

typedef struct {
    /* as in a unified diff's "@@ -old_start,old_count +new_start,new_count @@" */
    guint old_start;
    guint old_count;
    guint new_start;
    guint new_count;
    guint first; /* index of its first line in hako_text_diff_get_lines() */
    guint n_lines;
} HakoDiffHunk;

#define HAKO_TYPE_TEXT_DIFF (hako_text_diff_get_type())
typedef struct _HakoTextDiff HakoTextDiff;

GType hako_text_diff_get_type(void) G_GNUC_CONST;

HakoTextDiff *hako_text_diff_new(const char *old_text, const char *new_text, guint context);
HakoTextDiff *hako_text_diff_ref(HakoTextDiff *self);
void hako_text_diff_unref(HakoTextDiff *self);

gboolean hako_text_diff_is_empty(const HakoTextDiff *self);
guint hako_text_diff_get_n_added(const HakoTextDiff *self);
guint hako_text_diff_get_n_removed(const HakoTextDiff *self);
const HakoDiffLine *hako_text_diff_get_lines(const HakoTextDiff *self, guint *n_lines);
const HakoDiffHunk *hako_text_diff_get_hunks(const HakoTextDiff *self, guint *n_hunks);
char *hako_diff_hunk_format_header(const HakoDiffHunk *hunk);
char *
hako_text_diff_to_unified(const HakoTextDiff *self, const char *old_label, const char *new_label);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(HakoTextDiff, hako_text_diff_unref)

G_END_DECLS
