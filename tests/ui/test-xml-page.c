/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The XML tab over a test-driver host: the guest's XML in a GtkSourceView, an edit reviewed as
 * a diff with exactly that change and applied (read back from libvirt), Cancel and "No
 * changes", and edits refused (not well-formed, a rename, one libvirt refuses) with the reason
 * while the edited text stays and the guest's XML does not change. */
#include "config.h"

#include "hako-connection-manager.h"
#include "hako-domain-list.h"
#include "hako-domain-xml.h"
#include "hako-engine.h"
#include "hako-ui.h"
#include "hako-xml-page.h"

#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <gtksourceview/gtksource.h>
#include <string.h>

#define MEMORY "<memory unit='KiB'>8388608</memory>"
#define NEW_MEMORY "<memory unit='KiB'>4194304</memory>"

static gboolean
timed_out_cb(gpointer data)
{
    *(gboolean *)data = TRUE;
    return G_SOURCE_REMOVE;
}

static void
spin(guint ms)
{
    gboolean done = FALSE;

    g_timeout_add(ms, timed_out_cb, &done);
    while (!done)
        g_main_context_iteration(NULL, TRUE);
}

typedef gboolean (*Condition)(gpointer data);

static void
wait_until(Condition condition, gpointer data)
{
    gboolean timed_out = FALSE;
    guint id = g_timeout_add(20000, timed_out_cb, &timed_out);

    while (!condition(data) && !timed_out)
        g_main_context_iteration(NULL, TRUE);
    g_assert_false(timed_out);
    g_source_remove(id);
}

typedef struct {
    GType type;
    const char *text;
    GtkWidget *found;
} Search;

static void
search_cb(GtkWidget *widget, gpointer data)
{
    Search *search = data;

    if (search->found != NULL)
        return;
    if (G_TYPE_CHECK_INSTANCE_TYPE(widget, search->type)) {
        const char *text = search->text == NULL    ? NULL
                           : GTK_IS_BUTTON(widget) ? gtk_button_get_label(GTK_BUTTON(widget))
                                                   : NULL;

        if (g_strcmp0(text, search->text) == 0) {
            search->found = widget;
            return;
        }
    }
    if (GTK_IS_CONTAINER(widget))
        gtk_container_forall(GTK_CONTAINER(widget), search_cb, search);
}

static GtkWidget *
find(GtkWidget *root, GType type, const char *text)
{
    Search search = {type, text, NULL};

    gtk_container_forall(GTK_CONTAINER(root), search_cb, &search);
    g_assert_nonnull(search.found);
    return search.found;
}

static GtkWidget *
button(GtkWidget *page, const char *label)
{
    return find(page, GTK_TYPE_BUTTON, label);
}

static gboolean
can_click(GtkWidget *page, const char *label)
{
    GtkWidget *b = button(page, label);

    return gtk_widget_get_visible(b) && gtk_widget_is_sensitive(b);
}

static void
click(GtkWidget *page, const char *label)
{
    g_assert_true(can_click(page, label));
    gtk_button_clicked(GTK_BUTTON(button(page, label)));
}

static char *
buffer_text(GtkTextBuffer *buffer)
{
    GtkTextIter start, end;

    gtk_text_buffer_get_bounds(buffer, &start, &end);
    return gtk_text_buffer_get_text(buffer, &start, &end, TRUE);
}

static GtkTextBuffer *
editor(GtkWidget *page)
{
    return gtk_text_view_get_buffer(GTK_TEXT_VIEW(find(page, GTK_SOURCE_TYPE_VIEW, NULL)));
}

static char *
editor_text(GtkWidget *page)
{
    return buffer_text(editor(page));
}

/* The review's text view: the text view that is not the source view. */
static GtkTextView *
diff_view(GtkWidget *page)
{
    GtkWidget *stack = find(page, GTK_TYPE_STACK, NULL);
    GtkWidget *review = gtk_stack_get_child_by_name(GTK_STACK(stack), "review");

    return GTK_TEXT_VIEW(find(review, GTK_TYPE_TEXT_VIEW, NULL));
}

static const char *
visible_page(GtkWidget *page)
{
    return gtk_stack_get_visible_child_name(GTK_STACK(find(page, GTK_TYPE_STACK, NULL)));
}

static gboolean
error_shown(GtkWidget *page)
{
    return gtk_info_bar_get_revealed(GTK_INFO_BAR(find(page, GTK_TYPE_INFO_BAR, NULL)));
}

static const char *
error_text(GtkWidget *page)
{
    GtkWidget *bar = find(page, GTK_TYPE_INFO_BAR, NULL);

    return gtk_label_get_text(GTK_LABEL(find(bar, GTK_TYPE_LABEL, NULL)));
}

static void
collect_cb(GtkWidget *widget, gpointer data)
{
    if (GTK_IS_LABEL(widget) && gtk_widget_get_visible(widget)) {
        g_string_append(data, gtk_label_get_text(GTK_LABEL(widget)));
        g_string_append_c(data, '\n');
    }
    if (GTK_IS_CONTAINER(widget))
        gtk_container_forall(GTK_CONTAINER(widget), collect_cb, data);
}

/* Some visible label of the page says @words. */
static void
assert_says(GtkWidget *page, const char *words)
{
    g_autoptr(GString) text = g_string_new(NULL);

    collect_cb(page, text);
    if (strstr(text->str, words) == NULL)
        g_error("the page does not say “%s”; it says:\n%s", words, text->str);
}

/* Replaces the first @from in the editor by @to, as typing would (one user action). */
static void
edit(GtkWidget *page, const char *from, const char *to)
{
    GtkTextBuffer *buffer = editor(page);
    GtkTextIter start, match_start, match_end;

    gtk_text_buffer_get_start_iter(buffer, &start);
    g_assert_true(gtk_text_iter_forward_search(&start, from, 0, &match_start, &match_end, NULL));
    gtk_text_buffer_begin_user_action(buffer);
    gtk_text_buffer_delete(buffer, &match_start, &match_end);
    gtk_text_buffer_insert(buffer, &match_start, to, -1);
    gtk_text_buffer_end_user_action(buffer);
}

static void
busy_cb(GtkWidget *widget, gpointer data)
{
    if (GTK_IS_SPINNER(widget) && gtk_widget_get_visible(widget))
        *(gboolean *)data = TRUE;
    else if (GTK_IS_CONTAINER(widget) && !GTK_IS_STACK(widget))
        gtk_container_forall(GTK_CONTAINER(widget), busy_cb, data);
}

/* The spinner next to the buttons shows (reading or defining). */
static gboolean
busy(GtkWidget *page)
{
    gboolean shown = FALSE;

    gtk_container_forall(GTK_CONTAINER(page), busy_cb, &shown);
    return shown;
}

static gboolean
loaded(gpointer data)
{
    GtkWidget *page = data;

    return g_strcmp0(visible_page(page), "editor") == 0 && !busy(page) &&
           gtk_text_buffer_get_char_count(editor(page)) > 0;
}

/* Saves what @window shows as meson-logs/xml-page-NAME.png, for a look when a test fails. */
static void
save_png(GtkWidget *window, const char *name)
{
    g_autofree char *dir = g_test_build_filename(G_TEST_BUILT, "..", "meson-logs", NULL);
    g_autofree char *file = g_strdup_printf("xml-page-%s.png", name);
    g_autofree char *path = g_build_filename(dir, file, NULL);
    g_autoptr(GdkPixbuf) pixbuf = NULL;

    spin(100); /* drawn */
    pixbuf = gdk_pixbuf_get_from_window(gtk_widget_get_window(window), 0, 0,
                                        gtk_widget_get_allocated_width(window),
                                        gtk_widget_get_allocated_height(window));
    g_assert_nonnull(pixbuf);
    g_mkdir_with_parents(dir, 0755);
    g_assert_true(gdk_pixbuf_save(pixbuf, path, "png", NULL, NULL));
    g_test_message("saved %s", path);
}

/* ---------------------------------------------------------------------- */
/* The guest's XML as libvirt has it, read by the engine */

typedef struct {
    gboolean done;
    char *xml;
} Read;

static void
read_cb(GObject *source, GAsyncResult *result, gpointer data)
{
    Read *r = data;
    g_autoptr(GError) error = NULL;

    r->xml = hako_domain_xml_get_finish(HAKO_CONNECTION_MANAGER(source), result, &error);
    g_assert_no_error(error);
    r->done = TRUE;
}

static void
define_cb(GObject *source, GAsyncResult *result, gpointer data)
{
    Read *r = data;
    g_autoptr(GError) error = NULL;

    g_assert_true(hako_domain_xml_define_finish(HAKO_CONNECTION_MANAGER(source), result, &error));
    g_assert_no_error(error);
    r->done = TRUE;
}

static gboolean
read_done(gpointer data)
{
    return ((Read *)data)->done;
}

static char *
libvirt_xml(HakoConnectionManager *manager, HakoDomain *domain)
{
    Read r = {FALSE, NULL};

    hako_domain_xml_get_async(manager, hako_domain_get_host(domain), hako_domain_get_uuid(domain),
                              NULL, read_cb, &r);
    wait_until(read_done, &r);
    return r.xml;
}

static gboolean
host_has_test(gpointer data)
{
    return hako_domain_list_lookup_by_name(hako_host_get_domains(data), "test") != NULL;
}

/* The lines of @text that begin with + or -. */
static char *
changed_lines(const char *text)
{
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    GString *out = g_string_new(NULL);

    for (guint i = 0; lines[i] != NULL; i++) {
        if (lines[i][0] == '+' || lines[i][0] == '-')
            g_string_append_printf(out, "%s\n", lines[i]);
    }
    return g_string_free(out, FALSE);
}

static gboolean
line_has_tag(GtkTextView *view, const char *line_start, const char *tag_name)
{
    GtkTextBuffer *buffer = gtk_text_view_get_buffer(view);
    GtkTextTag *tag = gtk_text_tag_table_lookup(gtk_text_buffer_get_tag_table(buffer), tag_name);
    GtkTextIter start, match_start, match_end;

    g_assert_nonnull(tag);
    gtk_text_buffer_get_start_iter(buffer, &start);
    g_assert_true(
        gtk_text_iter_forward_search(&start, line_start, 0, &match_start, &match_end, NULL));
    return gtk_text_iter_has_tag(&match_start, tag);
}

static void
test_edit_review_apply(void)
{
    g_autoptr(HakoConnectionManager) manager = hako_connection_manager_new(NULL);
    HakoHost *host = hako_connection_manager_add(manager, "test:///default", HAKO_CONNECT_NONE);
    GtkWidget *window = gtk_window_new(GTK_WINDOW_TOPLEVEL);
    HakoDomain *domain;
    GtkWidget *page;
    GtkSourceView *view;
    GtkSourceBuffer *source_buffer;
    g_autofree char *before = NULL;
    g_autofree char *text = NULL;
    g_autofree char *diff = NULL;
    g_autofree char *changes = NULL;
    g_autofree char *after = NULL;
    g_autofree char *applied = NULL;

    hako_connection_manager_connect(manager, host);
    wait_until(host_has_test, host);
    domain = hako_domain_list_lookup_by_name(hako_host_get_domains(host), "test");
    before = libvirt_xml(manager, domain);
    g_assert_nonnull(strstr(before, MEMORY));

    page = hako_xml_page_new(manager, domain);
    g_object_add_weak_pointer(G_OBJECT(page), (gpointer *)&page);
    gtk_window_set_default_size(GTK_WINDOW(window), 800, 600);
    gtk_container_add(GTK_CONTAINER(window), page);
    gtk_widget_show(window);
    wait_until(loaded, page);

    /* the editor: XML highlighting, line numbers, monospace; the text is libvirt's */
    view = GTK_SOURCE_VIEW(find(page, GTK_SOURCE_TYPE_VIEW, NULL));
    source_buffer = GTK_SOURCE_BUFFER(gtk_text_view_get_buffer(GTK_TEXT_VIEW(view)));
    g_assert_nonnull(gtk_source_buffer_get_language(source_buffer));
    g_assert_cmpstr(gtk_source_language_get_id(gtk_source_buffer_get_language(source_buffer)), ==,
                    "xml");
    g_assert_true(gtk_source_view_get_show_line_numbers(view));
    g_assert_true(gtk_text_view_get_monospace(GTK_TEXT_VIEW(view)));
    g_assert_true(gtk_text_view_get_editable(GTK_TEXT_VIEW(view)));
    text = editor_text(page);
    g_assert_cmpstr(text, ==, before);
    save_png(window, "editor");
    /* nothing edited: nothing to apply or revert */
    g_assert_false(can_click(page, "_Apply…"));
    g_assert_false(can_click(page, "_Revert"));
    g_assert_false(error_shown(page));
    /* "test" runs: a new definition applies at its next start, and the page says so */
    assert_says(page, "applies when it next starts");

    /* change the memory: Apply shows exactly that change */
    edit(page, MEMORY, NEW_MEMORY);
    g_assert_true(can_click(page, "_Revert"));
    click(page, "_Apply…");
    g_assert_cmpstr(visible_page(page), ==, "review");
    g_assert_false(error_shown(page));
    g_assert_false(gtk_widget_get_visible(button(page, "_Apply…")));
    g_assert_true(can_click(page, "Apply _Changes"));
    g_assert_true(can_click(page, "_Cancel"));
    diff = buffer_text(gtk_text_view_get_buffer(diff_view(page)));
    g_test_message("review:\n%s", diff);
    changes = changed_lines(diff);
    g_assert_cmpstr(changes, ==, "-  " MEMORY "\n+  " NEW_MEMORY "\n");
    g_assert_true(g_str_has_prefix(diff, "@@ -1,7 +1,7 @@\n <domain type='test'>\n"));
    g_assert_true(line_has_tag(diff_view(page), "-  " MEMORY, "removed"));
    g_assert_true(line_has_tag(diff_view(page), "+  " NEW_MEMORY, "added"));
    g_assert_false(line_has_tag(diff_view(page), " <domain", "added"));
    save_png(window, "review");

    /* Cancel: back to the editor, the edit still there, libvirt's XML untouched */
    click(page, "_Cancel");
    g_assert_cmpstr(visible_page(page), ==, "editor");
    g_clear_pointer(&text, g_free);
    text = editor_text(page);
    g_assert_nonnull(strstr(text, NEW_MEMORY));
    g_clear_pointer(&after, g_free);
    after = libvirt_xml(manager, domain);
    g_assert_cmpstr(after, ==, before);

    /* Apply, Apply Changes: defined, then read back from libvirt */
    click(page, "_Apply…");
    click(page, "Apply _Changes");
    wait_until(loaded, page);
    g_assert_false(error_shown(page));
    applied = libvirt_xml(manager, domain);
    {
        g_autoptr(GString) s = g_string_new(before);

        g_string_replace(s, MEMORY, NEW_MEMORY, 1);
        g_assert_cmpstr(applied, ==, s->str);
    }
    g_clear_pointer(&text, g_free);
    text = editor_text(page);
    g_assert_cmpstr(text, ==, applied);
    g_assert_false(can_click(page, "_Apply…"));
    g_assert_false(can_click(page, "_Revert"));

    /* an edit undone by hand: Apply says there is nothing to change */
    edit(page, NEW_MEMORY, MEMORY);
    edit(page, MEMORY, NEW_MEMORY);
    click(page, "_Apply…");
    g_assert_cmpstr(visible_page(page), ==, "review");
    g_assert_false(can_click(page, "Apply _Changes"));
    g_clear_pointer(&diff, g_free);
    diff = buffer_text(gtk_text_view_get_buffer(diff_view(page)));
    g_assert_cmpstr(diff, ==, "");
    assert_says(page, "No changes");
    click(page, "_Cancel");

    /* Revert */
    edit(page, NEW_MEMORY, MEMORY);
    click(page, "_Revert");
    g_clear_pointer(&text, g_free);
    text = editor_text(page);
    g_assert_cmpstr(text, ==, applied);
    g_assert_false(can_click(page, "_Revert"));

    /* changed elsewhere: shown again, the page reads it anew */
    {
        g_autofree char *back = NULL;
        Read r = {FALSE, NULL};

        hako_domain_xml_define_async(manager, host, hako_domain_get_uuid(domain), before, NULL,
                                     define_cb, &r);
        wait_until(read_done, &r);
        gtk_widget_hide(page);
        gtk_widget_show(page);
        wait_until(loaded, page);
        back = editor_text(page);
        g_assert_cmpstr(back, ==, before);
    }

    gtk_widget_destroy(window);
    g_assert_null(page);
}

static void
test_refused(void)
{
    g_autoptr(HakoConnectionManager) manager = hako_connection_manager_new(NULL);
    HakoHost *host = hako_connection_manager_add(manager, "test:///default", HAKO_CONNECT_NONE);
    GtkWidget *window = gtk_window_new(GTK_WINDOW_TOPLEVEL);
    HakoDomain *domain;
    GtkWidget *page;
    g_autofree char *before = NULL;
    g_autofree char *text = NULL;
    g_autofree char *after = NULL;
    GtkTextIter cursor;

    hako_connection_manager_connect(manager, host);
    wait_until(host_has_test, host);
    domain = hako_domain_list_lookup_by_name(hako_host_get_domains(host), "test");
    before = libvirt_xml(manager, domain);

    page = hako_xml_page_new(manager, domain);
    g_object_add_weak_pointer(G_OBJECT(page), (gpointer *)&page);
    gtk_window_set_default_size(GTK_WINDOW(window), 800, 600);
    gtk_container_add(GTK_CONTAINER(window), page);
    gtk_widget_show(window);
    wait_until(loaded, page);

    /* not well-formed: refused at once, where it is, the text kept */
    edit(page, "</memory>", "</memroy>");
    click(page, "_Apply…");
    g_assert_cmpstr(visible_page(page), ==, "editor");
    g_assert_true(error_shown(page));
    g_test_message("%s", error_text(page));
    g_assert_true(
        g_str_has_prefix(error_text(page), "The XML is not well-formed: line 4, column "));
    gtk_text_buffer_get_iter_at_mark(editor(page), &cursor,
                                     gtk_text_buffer_get_insert(editor(page)));
    g_assert_cmpint(gtk_text_iter_get_line(&cursor), ==, 3);
    save_png(window, "not-well-formed");
    text = editor_text(page);
    g_assert_nonnull(strstr(text, "</memroy>"));
    after = libvirt_xml(manager, domain);
    g_assert_cmpstr(after, ==, before);

    /* a rename: refused, with what to put back */
    click(page, "_Revert");
    g_assert_false(error_shown(page));
    edit(page, "<name>test</name>", "<name>renamed</name>");
    click(page, "_Apply…");
    g_assert_cmpstr(visible_page(page), ==, "editor");
    g_assert_true(error_shown(page));
    g_assert_nonnull(strstr(error_text(page), "cannot rename"));

    /* one libvirt refuses: reviewed, applied, refused with libvirt's reason */
    click(page, "_Revert");
    edit(page, "<memory unit='KiB'>", "<memory unit='EiB'>");
    click(page, "_Apply…");
    g_assert_cmpstr(visible_page(page), ==, "review");
    click(page, "Apply _Changes");
    wait_until((Condition)error_shown, page);
    g_assert_cmpstr(visible_page(page), ==, "editor");
    g_test_message("%s", error_text(page));
    g_assert_true(
        g_str_has_prefix(error_text(page), "libvirt refused the new definition of “test”: "));
    g_assert_nonnull(strstr(error_text(page), "value too large"));
    g_clear_pointer(&text, g_free);
    text = editor_text(page);
    g_assert_nonnull(strstr(text, "<memory unit='EiB'>"));
    g_assert_true(can_click(page, "_Apply…"));
    g_clear_pointer(&after, g_free);
    after = libvirt_xml(manager, domain);
    g_assert_cmpstr(after, ==, before);

    /* the error bar closes */
    gtk_info_bar_response(GTK_INFO_BAR(find(page, GTK_TYPE_INFO_BAR, NULL)), GTK_RESPONSE_CLOSE);
    g_assert_false(error_shown(page));

    gtk_widget_destroy(window);
    g_assert_null(page);
}

static gboolean
host_connected(gpointer data)
{
    return hako_host_is_connected(data);
}

/* A guest whose host drops: the read fails and says so; shown again once the host is back, the
 * page reads the XML. */
static void
test_not_connected(void)
{
    g_autoptr(HakoConnectionManager) manager = hako_connection_manager_new(NULL);
    HakoHost *host = hako_connection_manager_add(manager, "test:///default", HAKO_CONNECT_NONE);
    GtkWidget *window = gtk_window_new(GTK_WINDOW_TOPLEVEL);
    g_autoptr(HakoDomain) domain = NULL;
    g_autofree char *text = NULL;
    GtkWidget *page;

    hako_connection_manager_connect(manager, host);
    wait_until(host_has_test, host);
    domain = g_object_ref(hako_domain_list_lookup_by_name(hako_host_get_domains(host), "test"));
    hako_connection_manager_disconnect(manager, host);

    page = hako_xml_page_new(manager, domain);
    g_object_add_weak_pointer(G_OBJECT(page), (gpointer *)&page);
    gtk_container_add(GTK_CONTAINER(window), page);
    gtk_widget_show(window);
    wait_until((Condition)error_shown, page);
    g_assert_nonnull(strstr(error_text(page), "is not connected"));
    g_assert_false(can_click(page, "_Apply…"));
    g_assert_false(can_click(page, "_Revert"));

    hako_connection_manager_connect(manager, host);
    wait_until(host_connected, host);
    gtk_widget_hide(page);
    gtk_widget_show(page);
    wait_until(loaded, page);
    text = editor_text(page);
    g_assert_nonnull(strstr(text, "<name>test</name>"));
    g_assert_false(error_shown(page));
    gtk_widget_destroy(window);
    g_assert_null(page);
}

int
main(int argc, char *argv[])
{
    gtk_test_init(&argc, &argv, NULL);
    hako_engine_init();
    hako_ui_init();

    g_test_add_func("/ui/xml-page/edit-review-apply", test_edit_review_apply);
    g_test_add_func("/ui/xml-page/refused", test_refused);
    g_test_add_func("/ui/xml-page/not-connected", test_not_connected);
    return g_test_run();
}
