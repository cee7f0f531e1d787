/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoTextDiff: a line diff of two texts (Myers' O(ND) algorithm, linear space), in hunks. */
#include "config.h"

#include "hako-text-diff.h"

#include <string.h>

/*
 * Lines are compared as numbers: each distinct line (with its newline, so a last line without
 * one differs from the same text with one, as in GNU diff) gets an id from a hash table. The
 * edit script comes from Myers' "An O(ND) Difference Algorithm and Its Variations" (1986) in
 * its linear-space form: find the middle snake of the shortest edit path by searching from
 * both ends at once, then solve the two halves; a common prefix and suffix are taken off first,
 * which is all an edit of a few lines in a long file needs. Time is O((N+M)·D) for D changed
 * lines, memory O(N+M). Within each run of changes the removed lines come before the added
 * ones, as diff(1) prints them.
 */

struct _HakoTextDiff {
    gatomicrefcount ref_count;
    GPtrArray *old_lines; /* char *, without newline */
    GPtrArray *new_lines;
    GArray *lines; /* HakoDiffLine */
    GArray *hunks; /* HakoDiffHunk */
    guint n_added;
    guint n_removed;
};

G_DEFINE_BOXED_TYPE(HakoTextDiff, hako_text_diff, hako_text_diff_ref, hako_text_diff_unref)

/* ---------------------------------------------------------------------- */
/* Lines */

typedef struct {
    GPtrArray *lines;     /* char *, without newline */
    gboolean last_has_nl; /* whether the text ends with a newline */
    guint *ids;
} Text;

static void
split_text(const char *text, GHashTable *ids, Text *out)
{
    const char *p = text != NULL ? text : "";
    guint n = 0;

    out->lines = g_ptr_array_new_with_free_func(g_free);
    out->last_has_nl = TRUE;
    while (*p != '\0') {
        const char *nl = strchr(p, '\n');
        gsize len = nl != NULL ? (gsize)(nl - p) + 1 : strlen(p);

        g_ptr_array_add(out->lines, g_strndup(p, len));
        out->last_has_nl = nl != NULL;
        p += len;
    }
    out->ids = g_new(guint, out->lines->len + 1);
    for (guint i = 0; i < out->lines->len; i++) {
        char *line = out->lines->pdata[i];
        gpointer id;

        /* the key is the line with its newline, if it has one */
        if (!g_hash_table_lookup_extended(ids, line, NULL, &id)) {
            id = GUINT_TO_POINTER(g_hash_table_size(ids));
            g_hash_table_insert(ids, g_strdup(line), id);
        }
        out->ids[i] = GPOINTER_TO_UINT(id);
        n = strlen(line);
        if (n > 0 && line[n - 1] == '\n')
            line[n - 1] = '\0';
    }
}

/* ---------------------------------------------------------------------- */
/* The edit script */

typedef struct {
    const guint *a;
    const guint *b;
    int *v1;         /* forward furthest-reaching x on each diagonal */
    int *v2;         /* the same from the ends */
    GByteArray *ops; /* HakoDiffKind, one per line of the script */
} Ctx;

static void
push(Ctx *c, HakoDiffKind kind, int count)
{
    guint8 k = kind;

    for (int i = 0; i < count; i++)
        g_byte_array_append(c->ops, &k, 1);
}

/*
 * The middle snake of a[0..n) against b[0..m), n and m > 0 and the first and last lines
 * differing: returns the point (x, y) where the shortest path splits into two halves of about
 * D/2 edits each. The search from the front and the one from the end advance one edit at a
 * time on alternate diagonals until they overlap (Myers §4b; as laid out in diff-match-patch's
 * diff_bisect).
 */
static gboolean
bisect(Ctx *c, const guint *a, int n, const guint *b, int m, int *out_x, int *out_y)
{
    int max_d = (n + m + 1) / 2;
    int v_offset = max_d;
    int v_length = 2 * max_d + 2;
    int delta = n - m;
    gboolean front = (delta % 2) != 0;
    int k1start = 0, k1end = 0, k2start = 0, k2end = 0;

    for (int i = 0; i < v_length; i++) {
        c->v1[i] = -1;
        c->v2[i] = -1;
    }
    c->v1[v_offset + 1] = 0;
    c->v2[v_offset + 1] = 0;

    for (int d = 0; d < max_d; d++) {
        for (int k1 = -d + k1start; k1 <= d - k1end; k1 += 2) {
            int k1_offset = v_offset + k1;
            int x1, y1;

            if (k1 == -d || (k1 != d && c->v1[k1_offset - 1] < c->v1[k1_offset + 1]))
                x1 = c->v1[k1_offset + 1];
            else
                x1 = c->v1[k1_offset - 1] + 1;
            y1 = x1 - k1;
            while (x1 < n && y1 < m && a[x1] == b[y1]) {
                x1++;
                y1++;
            }
            c->v1[k1_offset] = x1;
            if (x1 > n) {
                k1end += 2; /* ran off the right */
            } else if (y1 > m) {
                k1start += 2; /* ran off the bottom */
            } else if (front) {
                int k2_offset = v_offset + delta - k1;

                if (k2_offset >= 0 && k2_offset < v_length && c->v2[k2_offset] != -1 &&
                    x1 >= n - c->v2[k2_offset]) {
                    *out_x = x1;
                    *out_y = y1;
                    return TRUE;
                }
            }
        }
        for (int k2 = -d + k2start; k2 <= d - k2end; k2 += 2) {
            int k2_offset = v_offset + k2;
            int x2, y2;

            if (k2 == -d || (k2 != d && c->v2[k2_offset - 1] < c->v2[k2_offset + 1]))
                x2 = c->v2[k2_offset + 1];
            else
                x2 = c->v2[k2_offset - 1] + 1;
            y2 = x2 - k2;
            while (x2 < n && y2 < m && a[n - x2 - 1] == b[m - y2 - 1]) {
                x2++;
                y2++;
            }
            c->v2[k2_offset] = x2;
            if (x2 > n) {
                k2end += 2;
            } else if (y2 > m) {
                k2start += 2;
            } else if (!front) {
                int k1_offset = v_offset + delta - k2;

                if (k1_offset >= 0 && k1_offset < v_length && c->v1[k1_offset] != -1) {
                    int x1 = c->v1[k1_offset];
                    int y1 = v_offset + x1 - k1_offset;

                    if (x1 >= n - x2) {
                        *out_x = x1;
                        *out_y = y1;
                        return TRUE;
                    }
                }
            }
        }
    }
    return FALSE;
}

static void
diff_range(Ctx *c, int a0, int a1, int b0, int b1)
{
    int suffix = 0;
    int x, y;

    while (a0 < a1 && b0 < b1 && c->a[a0] == c->b[b0]) {
        push(c, HAKO_DIFF_SAME, 1);
        a0++;
        b0++;
    }
    while (a0 < a1 && b0 < b1 && c->a[a1 - 1] == c->b[b1 - 1]) {
        suffix++;
        a1--;
        b1--;
    }

    if (a0 == a1) {
        push(c, HAKO_DIFF_ADDED, b1 - b0);
    } else if (b0 == b1) {
        push(c, HAKO_DIFF_REMOVED, a1 - a0);
    } else if (bisect(c, c->a + a0, a1 - a0, c->b + b0, b1 - b0, &x, &y) && (x > 0 || y > 0) &&
               (x < a1 - a0 || y < b1 - b0)) {
        diff_range(c, a0, a0 + x, b0, b0 + y);
        diff_range(c, a0 + x, a1, b0 + y, b1);
    } else {
        /* no split point (which Myers' search always finds): all different */
        push(c, HAKO_DIFF_REMOVED, a1 - a0);
        push(c, HAKO_DIFF_ADDED, b1 - b0);
    }
    push(c, HAKO_DIFF_SAME, suffix);
}

/* Within each run of changes: the removed lines first, then the added ones. */
static void
order_runs(GByteArray *ops)
{
    guint i = 0;

    while (i < ops->len) {
        guint end = i;
        guint removed = 0;

        if (ops->data[i] == HAKO_DIFF_SAME) {
            i++;
            continue;
        }
        while (end < ops->len && ops->data[end] != HAKO_DIFF_SAME) {
            if (ops->data[end] == HAKO_DIFF_REMOVED)
                removed++;
            end++;
        }
        for (guint j = i; j < end; j++)
            ops->data[j] = j - i < removed ? HAKO_DIFF_REMOVED : HAKO_DIFF_ADDED;
        i = end;
    }
}

/* ---------------------------------------------------------------------- */
/* Hunks */

static void
build_hunks(
    HakoTextDiff *self, GByteArray *ops, const Text *old_text, const Text *new_text, guint context)
{
    g_autofree guint *old_before = g_new(guint, ops->len + 1); /* old lines before each op */
    g_autofree guint *new_before = g_new(guint, ops->len + 1);
    guint oi = 0, ni = 0;
    guint i = 0;

    context = MIN(context, G_MAXUINT / 4); /* 2·context must not wrap */
    for (guint j = 0; j < ops->len; j++) {
        old_before[j] = oi;
        new_before[j] = ni;
        if (ops->data[j] != HAKO_DIFF_ADDED)
            oi++;
        if (ops->data[j] != HAKO_DIFF_REMOVED)
            ni++;
    }
    old_before[ops->len] = oi;
    new_before[ops->len] = ni;

    while (i < ops->len) {
        HakoDiffHunk hunk = {0};
        guint start, end;

        if (ops->data[i] == HAKO_DIFF_SAME) {
            i++;
            continue;
        }
        /* i is the first change of a hunk: up to @context lines before it, which never reach
         * back into the previous hunk (that one ended more than 2·context lines before) */
        start = i > context ? i - context : 0;
        /* the end: past every change closer than 2·context lines to the one before */
        end = i;
        for (;;) {
            guint run = 0;

            while (end < ops->len && ops->data[end] != HAKO_DIFF_SAME)
                end++;
            while (end + run < ops->len && ops->data[end + run] == HAKO_DIFF_SAME)
                run++;
            if (end + run < ops->len && run <= 2 * context) {
                end += run;
                continue;
            }
            end += MIN(run, context);
            break;
        }

        hunk.first = self->lines->len;
        hunk.n_lines = end - start;
        for (guint j = start; j < end; j++) {
            HakoDiffLine line = {0};

            line.kind = ops->data[j];
            if (line.kind != HAKO_DIFF_ADDED) {
                line.old_line = old_before[j] + 1;
                line.text = old_text->lines->pdata[old_before[j]];
                line.no_newline = !old_text->last_has_nl && line.old_line == old_text->lines->len;
                hunk.old_count++;
            }
            if (line.kind != HAKO_DIFF_REMOVED) {
                line.new_line = new_before[j] + 1;
                if (line.kind == HAKO_DIFF_ADDED) {
                    line.text = new_text->lines->pdata[new_before[j]];
                    line.no_newline =
                        !new_text->last_has_nl && line.new_line == new_text->lines->len;
                }
                hunk.new_count++;
            }
            if (line.kind == HAKO_DIFF_ADDED)
                self->n_added++;
            else if (line.kind == HAKO_DIFF_REMOVED)
                self->n_removed++;
            g_array_append_val(self->lines, line);
        }
        /* as diff(1): an empty range starts at the line before it */
        hunk.old_start = old_before[start] + (hunk.old_count > 0 ? 1 : 0);
        hunk.new_start = new_before[start] + (hunk.new_count > 0 ? 1 : 0);
        g_array_append_val(self->hunks, hunk);
        i = end;
    }
}

/**
 * hako_text_diff_new:
 * @old_text: (nullable): the text before, lines separated by '\n'; NULL is empty
 * @new_text: (nullable): the text after
 * @context: how many unchanged lines to show around each change (3 as in diff -u)
 *
 * Compares @old_text and @new_text line by line.
 *
 * Returns: (transfer full): the changes, in hunks.
 */
HakoTextDiff *
hako_text_diff_new(const char *old_text, const char *new_text, guint context)
{
    g_autoptr(GHashTable) ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_autoptr(GByteArray) ops = g_byte_array_new();
    HakoTextDiff *self = g_new0(HakoTextDiff, 1);
    Text a, b;
    Ctx c;
    int size;

    g_atomic_ref_count_init(&self->ref_count);
    split_text(old_text, ids, &a);
    split_text(new_text, ids, &b);

    size = (int)(a.lines->len + b.lines->len) + 4;
    c.a = a.ids;
    c.b = b.ids;
    c.v1 = g_new(int, size);
    c.v2 = g_new(int, size);
    c.ops = ops;
    diff_range(&c, 0, (int)a.lines->len, 0, (int)b.lines->len);
    g_free(c.v1);
    g_free(c.v2);
    order_runs(ops);

    self->lines = g_array_new(FALSE, TRUE, sizeof(HakoDiffLine));
    self->hunks = g_array_new(FALSE, TRUE, sizeof(HakoDiffHunk));
    build_hunks(self, ops, &a, &b, context);

    self->old_lines = a.lines;
    self->new_lines = b.lines;
    g_free(a.ids);
    g_free(b.ids);
    return self;
}

HakoTextDiff *
hako_text_diff_ref(HakoTextDiff *self)
{
    g_return_val_if_fail(self != NULL, NULL);

    g_atomic_ref_count_inc(&self->ref_count);
    return self;
}

void
hako_text_diff_unref(HakoTextDiff *self)
{
    g_return_if_fail(self != NULL);

    if (!g_atomic_ref_count_dec(&self->ref_count))
        return;
    g_ptr_array_unref(self->old_lines);
    g_ptr_array_unref(self->new_lines);
    g_array_unref(self->lines);
    g_array_unref(self->hunks);
    g_free(self);
}

/**
 * hako_text_diff_is_empty:
 *
 * Returns: whether the two texts are the same.
 */
gboolean
hako_text_diff_is_empty(const HakoTextDiff *self)
{
    g_return_val_if_fail(self != NULL, TRUE);

    return self->hunks->len == 0;
}

guint
hako_text_diff_get_n_added(const HakoTextDiff *self)
{
    g_return_val_if_fail(self != NULL, 0);

    return self->n_added;
}

guint
hako_text_diff_get_n_removed(const HakoTextDiff *self)
{
    g_return_val_if_fail(self != NULL, 0);

    return self->n_removed;
}

/**
 * hako_text_diff_get_lines:
 * @n_lines: (out): the number of lines
 *
 * Every line of every hunk, one hunk after another: the changes and their context.
 *
 * Returns: (transfer none) (array length=n_lines): the lines, valid as long as @self.
 */
const HakoDiffLine *
hako_text_diff_get_lines(const HakoTextDiff *self, guint *n_lines)
{
    g_return_val_if_fail(self != NULL, NULL);
    g_return_val_if_fail(n_lines != NULL, NULL);

    *n_lines = self->lines->len;
    return (const HakoDiffLine *)self->lines->data;
}

/**
 * hako_text_diff_get_hunks:
 * @n_hunks: (out): the number of hunks
 *
 * Returns: (transfer none) (array length=n_hunks): the hunks, in order, valid as long as @self.
 */
const HakoDiffHunk *
hako_text_diff_get_hunks(const HakoTextDiff *self, guint *n_hunks)
{
    g_return_val_if_fail(self != NULL, NULL);
    g_return_val_if_fail(n_hunks != NULL, NULL);

    *n_hunks = self->hunks->len;
    return (const HakoDiffHunk *)self->hunks->data;
}

static void
append_range(GString *out, guint start, guint count)
{
    if (count == 1)
        g_string_append_printf(out, "%u", start);
    else
        g_string_append_printf(out, "%u,%u", start, count);
}

/**
 * hako_diff_hunk_format_header:
 *
 * Returns: (transfer full): the hunk's "@@ -1,4 +1,5 @@" line, as diff -u writes it.
 */
char *
hako_diff_hunk_format_header(const HakoDiffHunk *hunk)
{
    GString *out = g_string_new("@@ -");

    g_return_val_if_fail(hunk != NULL, NULL);

    append_range(out, hunk->old_start, hunk->old_count);
    g_string_append(out, " +");
    append_range(out, hunk->new_start, hunk->new_count);
    g_string_append(out, " @@");
    return g_string_free(out, FALSE);
}

/**
 * hako_text_diff_to_unified:
 * @old_label: (nullable): the name of the old text for the "---" line; none without it
 * @new_label: (nullable): the name of the new text for the "+++" line
 *
 * Returns: (transfer full): the diff as diff -u writes it; "" when the texts are the same.
 */
char *
hako_text_diff_to_unified(const HakoTextDiff *self, const char *old_label, const char *new_label)
{
    GString *out = g_string_new(NULL);

    g_return_val_if_fail(self != NULL, NULL);

    if (self->hunks->len == 0)
        return g_string_free(out, FALSE);
    if (old_label != NULL && new_label != NULL)
        g_string_append_printf(out, "--- %s\n+++ %s\n", old_label, new_label);
    for (guint h = 0; h < self->hunks->len; h++) {
        const HakoDiffHunk *hunk = &g_array_index(self->hunks, HakoDiffHunk, h);
        g_autofree char *header = hako_diff_hunk_format_header(hunk);

        g_string_append_printf(out, "%s\n", header);
        for (guint i = hunk->first; i < hunk->first + hunk->n_lines; i++) {
            const HakoDiffLine *line = &g_array_index(self->lines, HakoDiffLine, i);
            char mark = line->kind == HAKO_DIFF_ADDED     ? '+'
                        : line->kind == HAKO_DIFF_REMOVED ? '-'
                                                          : ' ';

            g_string_append_printf(out, "%c%s\n", mark, line->text);
            if (line->no_newline)
                g_string_append(out, "\\ No newline at end of file\n");
        }
    }
    return g_string_free(out, FALSE);
}
