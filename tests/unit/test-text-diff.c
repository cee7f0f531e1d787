/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests of HakoTextDiff: hunks and unified text for the usual edits, line numbers and
 * kinds for the UI, minimal edit scripts (checked against a plain LCS), and long files. */
#include "config.h"

#include "hako-text-diff.h"

#include <string.h>

static char *
unified(const char *old_text, const char *new_text, guint context)
{
    g_autoptr(HakoTextDiff) diff = hako_text_diff_new(old_text, new_text, context);

    return hako_text_diff_to_unified(diff, NULL, NULL);
}

static void
assert_unified(const char *old_text, const char *new_text, guint context, const char *expected)
{
    g_autofree char *text = unified(old_text, new_text, context);

    g_assert_cmpstr(text, ==, expected);
}

/* "1\n2\n…n\n" */
static char *
numbered(guint n)
{
    GString *s = g_string_new(NULL);

    for (guint i = 1; i <= n; i++)
        g_string_append_printf(s, "%u\n", i);
    return g_string_free(s, FALSE);
}

/* Rebuilds both texts from a diff with all context (each line is in one hunk), and checks
 * the line numbers and counts on the way. */
static void
assert_rebuilds(const char *old_text, const char *new_text)
{
    g_autoptr(HakoTextDiff) diff = hako_text_diff_new(old_text, new_text, G_MAXUINT);
    g_autoptr(GString) old_out = g_string_new(NULL);
    g_autoptr(GString) new_out = g_string_new(NULL);
    const HakoDiffLine *lines;
    const HakoDiffHunk *hunks;
    guint n_lines, n_hunks, old_n = 0, new_n = 0, added = 0, removed = 0;

    lines = hako_text_diff_get_lines(diff, &n_lines);
    hunks = hako_text_diff_get_hunks(diff, &n_hunks);
    if (g_strcmp0(old_text, new_text) == 0) {
        g_assert_true(hako_text_diff_is_empty(diff));
        g_assert_cmpuint(n_hunks, ==, 0);
        return;
    }
    g_assert_false(hako_text_diff_is_empty(diff));
    g_assert_cmpuint(n_hunks, ==, 1);
    g_assert_cmpuint(hunks[0].first, ==, 0);
    g_assert_cmpuint(hunks[0].n_lines, ==, n_lines);
    for (guint i = 0; i < n_lines; i++) {
        const HakoDiffLine *line = &lines[i];

        if (line->kind != HAKO_DIFF_ADDED) {
            g_assert_cmpuint(line->old_line, ==, ++old_n);
            g_string_append(old_out, line->text);
            if (!line->no_newline)
                g_string_append_c(old_out, '\n');
        } else {
            g_assert_cmpuint(line->old_line, ==, 0);
        }
        if (line->kind != HAKO_DIFF_REMOVED) {
            g_assert_cmpuint(line->new_line, ==, ++new_n);
            g_string_append(new_out, line->text);
            if (!line->no_newline)
                g_string_append_c(new_out, '\n');
        } else {
            g_assert_cmpuint(line->new_line, ==, 0);
        }
        added += line->kind == HAKO_DIFF_ADDED;
        removed += line->kind == HAKO_DIFF_REMOVED;
        /* removed lines come before added ones in each run of changes */
        if (i > 0 && lines[i - 1].kind == HAKO_DIFF_ADDED)
            g_assert_cmpint(line->kind, !=, HAKO_DIFF_REMOVED);
    }
    g_assert_cmpstr(old_out->str, ==, old_text != NULL ? old_text : "");
    g_assert_cmpstr(new_out->str, ==, new_text != NULL ? new_text : "");
    g_assert_cmpuint(hunks[0].old_count, ==, old_n);
    g_assert_cmpuint(hunks[0].new_count, ==, new_n);
    g_assert_cmpuint(hako_text_diff_get_n_added(diff), ==, added);
    g_assert_cmpuint(hako_text_diff_get_n_removed(diff), ==, removed);
}

static void
test_empty_and_identical(void)
{
    g_autoptr(HakoTextDiff) empty = hako_text_diff_new("", "", 3);
    g_autoptr(HakoTextDiff) null = hako_text_diff_new(NULL, NULL, 3);
    g_autoptr(HakoTextDiff) same = hako_text_diff_new("a\nb\nc\n", "a\nb\nc\n", 3);
    g_autofree char *text = hako_text_diff_to_unified(same, "a", "b");
    guint n;

    g_assert_true(hako_text_diff_is_empty(empty));
    g_assert_true(hako_text_diff_is_empty(null));
    g_assert_true(hako_text_diff_is_empty(same));
    g_assert_cmpstr(text, ==, "");
    hako_text_diff_get_lines(same, &n);
    g_assert_cmpuint(n, ==, 0);
    hako_text_diff_get_hunks(same, &n);
    g_assert_cmpuint(n, ==, 0);
    g_assert_cmpuint(hako_text_diff_get_n_added(same), ==, 0);
    g_assert_cmpuint(hako_text_diff_get_n_removed(same), ==, 0);

    /* from and to nothing: as diff -u writes it */
    assert_unified("", "a\nb\n", 3, "@@ -0,0 +1,2 @@\n+a\n+b\n");
    assert_unified("a\nb\n", NULL, 3, "@@ -1,2 +0,0 @@\n-a\n-b\n");
    assert_unified("", "a\n", 3, "@@ -0,0 +1 @@\n+a\n");
}

static void
test_insert_at_ends(void)
{
    assert_unified("b\nc\nd\n", "a\nb\nc\nd\n", 3, "@@ -1,3 +1,4 @@\n+a\n b\n c\n d\n");
    assert_unified("b\nc\nd\ne\nf\n", "a\nb\nc\nd\ne\nf\n", 3, "@@ -1,3 +1,4 @@\n+a\n b\n c\n d\n");
    assert_unified("a\nb\nc\n", "a\nb\nc\nd\n", 3, "@@ -1,3 +1,4 @@\n a\n b\n c\n+d\n");
    assert_unified("a\nb\nc\nd\ne\n", "a\nb\nc\nd\ne\nf\n", 2, "@@ -4,2 +4,3 @@\n d\n e\n+f\n");
    /* no context: an insertion's empty old range starts at the line before it */
    assert_unified("a\nb\n", "a\nx\nb\n", 0, "@@ -1,0 +2 @@\n+x\n");
    assert_unified("a\nb\n", "x\na\nb\n", 0, "@@ -0,0 +1 @@\n+x\n");
}

static void
test_change_in_middle(void)
{
    g_autofree char *old_text = numbered(10);
    g_autofree char *new_text = NULL;
    g_autoptr(HakoTextDiff) diff = NULL;
    const HakoDiffLine *lines;
    guint n;

    new_text = g_strdup(old_text);
    memcpy(strstr(new_text, "\n5\n") + 1, "X", 1);
    assert_unified(old_text, new_text, 3, "@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+X\n 6\n 7\n 8\n");

    /* the structured lines the UI colours */
    diff = hako_text_diff_new(old_text, new_text, 1);
    lines = hako_text_diff_get_lines(diff, &n);
    g_assert_cmpuint(n, ==, 4);
    g_assert_cmpint(lines[0].kind, ==, HAKO_DIFF_SAME);
    g_assert_cmpstr(lines[0].text, ==, "4");
    g_assert_cmpuint(lines[0].old_line, ==, 4);
    g_assert_cmpuint(lines[0].new_line, ==, 4);
    g_assert_cmpint(lines[1].kind, ==, HAKO_DIFF_REMOVED);
    g_assert_cmpstr(lines[1].text, ==, "5");
    g_assert_cmpuint(lines[1].old_line, ==, 5);
    g_assert_cmpuint(lines[1].new_line, ==, 0);
    g_assert_cmpint(lines[2].kind, ==, HAKO_DIFF_ADDED);
    g_assert_cmpstr(lines[2].text, ==, "X");
    g_assert_cmpuint(lines[2].old_line, ==, 0);
    g_assert_cmpuint(lines[2].new_line, ==, 5);
    g_assert_cmpint(lines[3].kind, ==, HAKO_DIFF_SAME);
    g_assert_cmpuint(hako_text_diff_get_n_added(diff), ==, 1);
    g_assert_cmpuint(hako_text_diff_get_n_removed(diff), ==, 1);

    /* a line removed, with labels */
    {
        g_autoptr(HakoTextDiff) d = hako_text_diff_new("a\nb\nc\n", "a\nc\n", 3);
        g_autofree char *text = hako_text_diff_to_unified(d, "before", "after");

        g_assert_cmpstr(text, ==, "--- before\n+++ after\n@@ -1,3 +1,2 @@\n a\n-b\n c\n");
    }
}

static void
test_hunks(void)
{
    g_autofree char *old_text = numbered(30);
    g_autoptr(GString) far = g_string_new(old_text);
    g_autoptr(GString) near = g_string_new(old_text);
    g_autoptr(HakoTextDiff) diff = NULL;
    const HakoDiffHunk *hunks;
    guint n;

    /* lines 3 and 25 changed: two hunks */
    g_string_replace(far, "\n3\n", "\nthree\n", 1);
    g_string_replace(far, "\n25\n", "\ntwenty-five\n", 1);
    diff = hako_text_diff_new(old_text, far->str, 3);
    hunks = hako_text_diff_get_hunks(diff, &n);
    g_assert_cmpuint(n, ==, 2);
    g_assert_cmpuint(hunks[0].old_start, ==, 1);
    g_assert_cmpuint(hunks[0].old_count, ==, 6);
    g_assert_cmpuint(hunks[1].old_start, ==, 22);
    g_assert_cmpuint(hunks[1].old_count, ==, 7);
    g_assert_cmpuint(hunks[1].first, ==, hunks[0].n_lines);
    {
        g_autofree char *h0 = hako_diff_hunk_format_header(&hunks[0]);
        g_autofree char *h1 = hako_diff_hunk_format_header(&hunks[1]);

        g_assert_cmpstr(h0, ==, "@@ -1,6 +1,6 @@");
        g_assert_cmpstr(h1, ==, "@@ -22,7 +22,7 @@");
    }
    g_clear_pointer(&diff, hako_text_diff_unref);

    /* lines 10 and 16 changed: 5 unchanged lines between, less than 2·3, so one hunk */
    g_string_replace(near, "\n10\n", "\nten\n", 1);
    g_string_replace(near, "\n16\n", "\nsixteen\n", 1);
    diff = hako_text_diff_new(old_text, near->str, 3);
    hunks = hako_text_diff_get_hunks(diff, &n);
    g_assert_cmpuint(n, ==, 1);
    g_assert_cmpuint(hunks[0].old_start, ==, 7);
    g_assert_cmpuint(hunks[0].old_count, ==, 13);
    g_assert_cmpuint(hunks[0].new_count, ==, 13);
}

static void
test_no_newline_at_end(void)
{
    assert_unified("a\nb", "a\nb\n", 3,
                   "@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n");
    assert_unified("a\nb\n", "a\nc", 3,
                   "@@ -1,2 +1,2 @@\n a\n-b\n+c\n\\ No newline at end of file\n");
    assert_unified("a", "a", 3, "");
    assert_rebuilds("a\nb", "a\nb\n");
    assert_rebuilds("x", "");
    assert_rebuilds("", "y");
}

/* The edit script is minimal: as many lines kept as the longest common subsequence. */
static guint
lcs_length(const char *const *a, guint n, const char *const *b, guint m)
{
    g_autofree guint *t = g_new0(guint, (n + 1) * (m + 1));

    for (guint i = 1; i <= n; i++)
        for (guint j = 1; j <= m; j++)
            t[i * (m + 1) + j] = g_str_equal(a[i - 1], b[j - 1])
                                     ? t[(i - 1) * (m + 1) + j - 1] + 1
                                     : MAX(t[(i - 1) * (m + 1) + j], t[i * (m + 1) + j - 1]);
    return t[n * (m + 1) + m];
}

static char *
random_text(GRand *rand, guint *n_out, char ***lines_out)
{
    guint n = g_rand_int_range(rand, 0, 14);
    GString *s = g_string_new(NULL);
    char **lines = g_new0(char *, n + 1);

    for (guint i = 0; i < n; i++) {
        lines[i] = g_strdup_printf("%c", 'a' + g_rand_int_range(rand, 0, 4));
        g_string_append_printf(s, "%s\n", lines[i]);
    }
    *n_out = n;
    *lines_out = lines;
    return g_string_free(s, FALSE);
}

static void
test_minimal(void)
{
    g_autoptr(GRand) rand = g_rand_new_with_seed(g_test_rand_int());

    for (int round = 0; round < 2000; round++) {
        g_auto(GStrv) a_lines = NULL;
        g_auto(GStrv) b_lines = NULL;
        guint n, m;
        g_autofree char *a = random_text(rand, &n, &a_lines);
        g_autofree char *b = random_text(rand, &m, &b_lines);
        g_autoptr(HakoTextDiff) diff = hako_text_diff_new(a, b, 3);
        guint lcs = lcs_length((const char *const *)a_lines, n, (const char *const *)b_lines, m);

        g_assert_cmpuint(hako_text_diff_get_n_removed(diff), ==, n - lcs);
        g_assert_cmpuint(hako_text_diff_get_n_added(diff), ==, m - lcs);
        assert_rebuilds(a, b);
    }
}

/* Two 2,000-line files: a few edits, many edits, and nothing in common. O(ND) keeps each of
 * these to milliseconds; a quadratic-memory LCS would need 4 million cells. */
static void
test_long(void)
{
    g_autofree char *old_text = numbered(2000);
    g_autoptr(GString) few = g_string_new(old_text);
    g_autoptr(GString) many = g_string_new(NULL);
    g_autoptr(GString) other = g_string_new(NULL);
    g_autoptr(HakoTextDiff) diff = NULL;
    gint64 start = g_get_monotonic_time();

    g_string_replace(few, "\n100\n", "\nhundred\n", 1);
    g_string_replace(few, "\n1500\n", "\n1500\ninserted\n", 1);
    g_string_prepend(few, "first\n");
    diff = hako_text_diff_new(old_text, few->str, 3);
    g_assert_cmpuint(hako_text_diff_get_n_added(diff), ==, 3);
    g_assert_cmpuint(hako_text_diff_get_n_removed(diff), ==, 1);
    g_clear_pointer(&diff, hako_text_diff_unref);
    assert_rebuilds(old_text, few->str);

    for (guint i = 1; i <= 2000; i++) {
        if (i % 7 == 0)
            g_string_append_printf(many, "changed %u\n", i);
        else if (i % 11 != 0)
            g_string_append_printf(many, "%u\n", i);
        g_string_append_printf(other, "other %u\n", i);
    }
    diff = hako_text_diff_new(old_text, many->str, 3);
    g_assert_cmpuint(hako_text_diff_get_n_added(diff), ==, 2000 / 7);
    g_assert_cmpuint(hako_text_diff_get_n_removed(diff), ==, 2000 / 7 + 2000 / 11 - 2000 / 77);
    g_clear_pointer(&diff, hako_text_diff_unref);
    assert_rebuilds(old_text, many->str);

    diff = hako_text_diff_new(old_text, other->str, 3);
    g_assert_cmpuint(hako_text_diff_get_n_added(diff), ==, 2000);
    g_assert_cmpuint(hako_text_diff_get_n_removed(diff), ==, 2000);
    assert_rebuilds(old_text, other->str);
    g_test_message("long files: %" G_GINT64_FORMAT " ms", (g_get_monotonic_time() - start) / 1000);
}

static void
test_boxed(void)
{
    g_autoptr(HakoTextDiff) diff = hako_text_diff_new("a\n", "b\n", 3);
    HakoTextDiff *copy = g_boxed_copy(HAKO_TYPE_TEXT_DIFF, diff);

    g_assert_true(copy == diff);
    g_boxed_free(HAKO_TYPE_TEXT_DIFF, copy);
    g_assert_false(hako_text_diff_is_empty(diff));
}

int
main(int argc, char *argv[])
{
    g_test_init(&argc, &argv, NULL);

    g_test_add_func("/model/text-diff/empty-and-identical", test_empty_and_identical);
    g_test_add_func("/model/text-diff/insert-at-ends", test_insert_at_ends);
    g_test_add_func("/model/text-diff/change-in-middle", test_change_in_middle);
    g_test_add_func("/model/text-diff/hunks", test_hunks);
    g_test_add_func("/model/text-diff/no-newline-at-end", test_no_newline_at_end);
    g_test_add_func("/model/text-diff/minimal", test_minimal);
    g_test_add_func("/model/text-diff/long", test_long);
    g_test_add_func("/model/text-diff/boxed", test_boxed);
    return g_test_run();
}
