/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoXmlPage: a guest's XML definition, edited, reviewed as a diff, and applied. */
#include "config.h"

#include "hako-xml-page.h"

#include "hako-domain-xml.h"
#include "hako-text-diff.h"

#include <glib/gi18n.h>
#include <gtksourceview/gtksource.h>

/*
 * The guest's persistent definition in a GtkSourceView (XML highlighting, line numbers). Apply
 * first checks the text where it is (well-formed, same UUID and name: a fault moves the cursor
 * to its line and column), then shows what will change as a diff of the XML libvirt gave
 * against the edited text, with Apply Changes and Cancel; only Apply Changes defines it, on a
 * worker thread (HakoDomainXml). Whatever fails goes to the info bar and leaves the edited text
 * in place to be fixed; a define that works reloads the XML from libvirt, which fills in its
 * defaults. The review is a page of the page's own stack, not a dialog, so nothing runs a
 * nested main loop. GtkSourceView's language files are read when the first page is built, so
 * a manager that never opens an XML tab never loads them. The stack switches pages without a
 * crossfade: its snapshots of the page would raise the heap by some 6 MB for good.
 */

#define DIFF_CONTEXT 3

struct _HakoXmlPage {
    GtkBox parent_instance;

    HakoConnectionManager *manager;
    HakoDomain *domain;
    GCancellable *cancellable;
    char *original; /* the XML as libvirt last gave it; NULL before the first load */
    char *reviewed; /* the text under review, applied by Apply Changes */
    gboolean busy;  /* reading or defining */

    GtkInfoBar *error_bar;
    GtkLabel *error_label;
    GtkStack *stack;
    GtkSourceView *view;
    GtkSourceBuffer *buffer;
    GtkLabel *review_summary;
    GtkTextView *diff_view;
    GtkLabel *notice_label;
    GtkWidget *busy_spinner;
    GtkWidget *revert_button;
    GtkWidget *apply_button;
    GtkWidget *cancel_button;
    GtkWidget *apply_changes_button;
};

G_DEFINE_FINAL_TYPE(HakoXmlPage, hako_xml_page, GTK_TYPE_BOX)

enum { PROP_0, PROP_MANAGER, PROP_DOMAIN, N_PROPS };

static GParamSpec *properties[N_PROPS];

enum { DEFINED, N_SIGNALS };

static guint signals[N_SIGNALS];

static void load(HakoXmlPage *self);

/* ---------------------------------------------------------------------- */
/* State */

static gboolean
is_editable(HakoXmlPage *self)
{
    HakoHost *host = hako_domain_get_host(self->domain);

    return host != NULL && !hako_host_get_read_only(host) &&
           hako_domain_get_persistent(self->domain);
}

static gboolean
is_reviewing(HakoXmlPage *self)
{
    return g_strcmp0(gtk_stack_get_visible_child_name(self->stack), "review") == 0;
}

static void
update(HakoXmlPage *self)
{
    gboolean reviewing = is_reviewing(self);
    gboolean modified = gtk_text_buffer_get_modified(GTK_TEXT_BUFFER(self->buffer));
    gboolean editable = is_editable(self);
    HakoHost *host = hako_domain_get_host(self->domain);
    const char *notice = "";

    gtk_text_view_set_editable(GTK_TEXT_VIEW(self->view), editable && !self->busy);
    gtk_widget_set_visible(self->revert_button, !reviewing);
    gtk_widget_set_visible(self->apply_button, !reviewing);
    gtk_widget_set_visible(self->cancel_button, reviewing);
    gtk_widget_set_visible(self->apply_changes_button, reviewing);
    gtk_widget_set_sensitive(self->revert_button,
                             self->original != NULL && modified && !self->busy);
    gtk_widget_set_sensitive(self->apply_button,
                             self->original != NULL && modified && editable && !self->busy);
    gtk_widget_set_sensitive(self->cancel_button, !self->busy);
    gtk_widget_set_sensitive(self->apply_changes_button,
                             !self->busy && self->reviewed != NULL && editable);
    gtk_widget_set_visible(self->busy_spinner, self->busy);

    if (host != NULL && hako_host_get_read_only(host))
        notice = _("The connection is read-only: the XML can be read but not changed.");
    else if (!hako_domain_get_persistent(self->domain))
        notice = _("This guest is transient: it has no definition to change.");
    else if (hako_domain_is_active(self->domain))
        notice = _("The guest is running: a changed definition applies when it next starts.");
    gtk_label_set_text(self->notice_label, notice);
}

static void
show_error(HakoXmlPage *self, const char *message)
{
    gtk_label_set_text(self->error_label, message);
    gtk_info_bar_set_revealed(self->error_bar, TRUE);
}

static void
hide_error(HakoXmlPage *self)
{
    gtk_info_bar_set_revealed(self->error_bar, FALSE);
}

static void
error_bar_response_cb(HakoXmlPage *self, int response, GtkInfoBar *bar)
{
    hide_error(self);
}

static char *
get_text(HakoXmlPage *self)
{
    GtkTextIter start, end;

    gtk_text_buffer_get_bounds(GTK_TEXT_BUFFER(self->buffer), &start, &end);
    return gtk_text_buffer_get_text(GTK_TEXT_BUFFER(self->buffer), &start, &end, TRUE);
}

/* Puts @text in the editor as the unmodified state, with nothing to undo back past it. */
static void
set_text(HakoXmlPage *self, const char *text)
{
    GtkTextBuffer *buffer = GTK_TEXT_BUFFER(self->buffer);
    GtkTextIter start;

    gtk_source_buffer_begin_not_undoable_action(self->buffer);
    gtk_text_buffer_set_text(buffer, text, -1);
    gtk_source_buffer_end_not_undoable_action(self->buffer);
    gtk_text_buffer_get_start_iter(buffer, &start);
    gtk_text_buffer_place_cursor(buffer, &start);
    gtk_text_buffer_set_modified(buffer, FALSE);
}

static void
show_editor(HakoXmlPage *self)
{
    g_clear_pointer(&self->reviewed, g_free);
    gtk_stack_set_visible_child_name(self->stack, "editor");
    update(self);
}

/* ---------------------------------------------------------------------- */
/* Loading */

static void
loaded_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HakoXmlPage) self = user_data;
    g_autoptr(GError) error = NULL;
    g_autofree char *xml =
        hako_domain_xml_get_finish(HAKO_CONNECTION_MANAGER(source), result, &error);

    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
    self->busy = FALSE;
    if (xml == NULL) {
        show_error(self, error->message);
        gtk_stack_set_visible_child_name(self->stack, "editor");
        update(self);
        return;
    }
    /* an earlier failure to read is over; a refused define left edits, never reloaded */
    hide_error(self);
    /* the same as shown and not edited: keep the cursor where it is */
    if (g_strcmp0(xml, self->original) != 0 ||
        gtk_text_buffer_get_modified(GTK_TEXT_BUFFER(self->buffer))) {
        g_free(self->original);
        self->original = g_strdup(xml);
        set_text(self, xml);
    }
    show_editor(self);
}

static void
load(HakoXmlPage *self)
{
    HakoHost *host = hako_domain_get_host(self->domain);

    if (host == NULL)
        return;
    self->busy = TRUE;
    if (self->original == NULL)
        gtk_stack_set_visible_child_name(self->stack, "loading");
    update(self);
    hako_domain_xml_get_async(self->manager, host, hako_domain_get_uuid(self->domain),
                              self->cancellable, loaded_cb, g_object_ref(self));
}

/**
 * hako_xml_page_reload:
 *
 * Reads the guest's XML from libvirt again, dropping any edits.
 */
void
hako_xml_page_reload(HakoXmlPage *self)
{
    g_return_if_fail(HAKO_IS_XML_PAGE(self));

    if (!self->busy)
        load(self);
}

/* Shown again (the tab chosen): the definition may have changed meanwhile, or a first read
 * that failed (host not connected yet) may work now. */
static void
hako_xml_page_map(GtkWidget *widget)
{
    HakoXmlPage *self = HAKO_XML_PAGE(widget);

    GTK_WIDGET_CLASS(hako_xml_page_parent_class)->map(widget);
    if (!self->busy && !is_reviewing(self) &&
        !gtk_text_buffer_get_modified(GTK_TEXT_BUFFER(self->buffer)))
        load(self);
}

/* ---------------------------------------------------------------------- */
/* Editing */

static void
modified_changed_cb(HakoXmlPage *self, GtkTextBuffer *buffer)
{
    update(self);
}

static void
revert_clicked_cb(HakoXmlPage *self, GtkButton *button)
{
    if (self->original == NULL)
        return;
    hide_error(self);
    set_text(self, self->original);
    update(self);
}

/* Moves the cursor to a fault the check found, 1-based; GtkTextIter counts from 0. */
static void
show_position(HakoXmlPage *self, int line, int column)
{
    GtkTextBuffer *buffer = GTK_TEXT_BUFFER(self->buffer);
    GtkTextIter iter;

    gtk_text_buffer_get_iter_at_line(buffer, &iter, MAX(line - 1, 0));
    if (column > 1) {
        int chars = gtk_text_iter_get_chars_in_line(&iter);

        /* libxml2's column counts bytes; close enough for the cursor */
        gtk_text_iter_set_line_offset(&iter, MIN(column - 1, MAX(chars - 1, 0)));
    }
    gtk_text_buffer_place_cursor(buffer, &iter);
    gtk_text_view_scroll_to_iter(GTK_TEXT_VIEW(self->view), &iter, 0.1, FALSE, 0, 0);
    gtk_widget_grab_focus(GTK_WIDGET(self->view));
}

static void
insert_line(GtkTextBuffer *buffer, const char *mark, const char *text, const char *tag)
{
    GtkTextIter end;
    g_autofree char *line = g_strdup_printf("%s%s\n", mark, text);

    gtk_text_buffer_get_end_iter(buffer, &end);
    gtk_text_buffer_insert_with_tags_by_name(buffer, &end, line, -1, tag, NULL);
}

/* The review: the diff in unified form, each line coloured by what happens to it. */
static void
fill_review(HakoXmlPage *self, HakoTextDiff *diff)
{
    GtkTextBuffer *buffer = gtk_text_view_get_buffer(self->diff_view);
    const HakoDiffHunk *hunks;
    const HakoDiffLine *lines;
    guint n_hunks, n_lines;
    g_autofree char *summary = NULL;

    gtk_text_buffer_set_text(buffer, "", -1);
    hunks = hako_text_diff_get_hunks(diff, &n_hunks);
    lines = hako_text_diff_get_lines(diff, &n_lines);
    for (guint h = 0; h < n_hunks; h++) {
        g_autofree char *header = hako_diff_hunk_format_header(&hunks[h]);

        insert_line(buffer, "", header, "hunk");
        for (guint i = hunks[h].first; i < hunks[h].first + hunks[h].n_lines; i++) {
            const HakoDiffLine *line = &lines[i];

            switch (line->kind) {
            case HAKO_DIFF_ADDED:
                insert_line(buffer, "+", line->text, "added");
                break;
            case HAKO_DIFF_REMOVED:
                insert_line(buffer, "-", line->text, "removed");
                break;
            case HAKO_DIFF_SAME:
            default:
                insert_line(buffer, " ", line->text, "same");
                break;
            }
            if (line->no_newline)
                insert_line(buffer, "", "\\ No newline at end of file", "hunk");
        }
    }

    if (hako_text_diff_is_empty(diff))
        summary = g_strdup(_("No changes: the edited XML is the same as the guest's."));
    else
        summary =
            g_strdup_printf(_("Removed lines: %u; added lines: %u."),
                            hako_text_diff_get_n_removed(diff), hako_text_diff_get_n_added(diff));
    gtk_label_set_text(self->review_summary, summary);
}

static void
apply_clicked_cb(HakoXmlPage *self, GtkButton *button)
{
    g_autofree char *text = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(HakoTextDiff) diff = NULL;
    int line = 0, column = 0;

    if (self->original == NULL || self->busy)
        return;
    text = get_text(self);
    if (!hako_domain_xml_check(text, hako_domain_get_uuid(self->domain),
                               hako_domain_get_name(self->domain), &line, &column, &error)) {
        show_error(self, error->message);
        if (line > 0)
            show_position(self, line, column);
        return;
    }
    hide_error(self);

    diff = hako_text_diff_new(self->original, text, DIFF_CONTEXT);
    fill_review(self, diff);
    g_free(self->reviewed);
    /* nothing to apply when nothing changed */
    self->reviewed = hako_text_diff_is_empty(diff) ? NULL : g_steal_pointer(&text);
    gtk_stack_set_visible_child_name(self->stack, "review");
    update(self);
    if (self->reviewed != NULL)
        gtk_widget_grab_focus(self->apply_changes_button);
    else
        gtk_widget_grab_focus(self->cancel_button);
}

static void
cancel_clicked_cb(HakoXmlPage *self, GtkButton *button)
{
    show_editor(self);
    gtk_widget_grab_focus(GTK_WIDGET(self->view));
}

static void
defined_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HakoXmlPage) self = user_data;
    g_autoptr(GError) error = NULL;

    if (!hako_domain_xml_define_finish(HAKO_CONNECTION_MANAGER(source), result, &error)) {
        if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            return;
        self->busy = FALSE;
        /* the guest is as it was; the edited text stays to be fixed */
        show_error(self, error->message);
        show_editor(self);
        return;
    }
    self->busy = FALSE;
    hide_error(self);
    /* libvirt fills in defaults: show what it now has */
    load(self);
    g_signal_emit(self, signals[DEFINED], 0);
}

static void
apply_changes_clicked_cb(HakoXmlPage *self, GtkButton *button)
{
    HakoHost *host = hako_domain_get_host(self->domain);

    if (self->reviewed == NULL || self->busy || host == NULL)
        return;
    self->busy = TRUE;
    update(self);
    hako_domain_xml_define_async(self->manager, host, hako_domain_get_uuid(self->domain),
                                 self->reviewed, self->cancellable, defined_cb, g_object_ref(self));
}

static void
domain_notify_cb(HakoXmlPage *self, GParamSpec *pspec, HakoDomain *domain)
{
    update(self);
}

/* ---------------------------------------------------------------------- */
/* GObject */

static void
hako_xml_page_constructed(GObject *object)
{
    HakoXmlPage *self = HAKO_XML_PAGE(object);
    HakoHost *host;

    G_OBJECT_CLASS(hako_xml_page_parent_class)->constructed(object);

    g_signal_connect_object(self->domain, "notify::state", G_CALLBACK(domain_notify_cb), self,
                            G_CONNECT_SWAPPED);
    g_signal_connect_object(self->domain, "notify::persistent", G_CALLBACK(domain_notify_cb), self,
                            G_CONNECT_SWAPPED);
    host = hako_domain_get_host(self->domain);
    if (host != NULL)
        g_signal_connect_object(host, "notify::read-only", G_CALLBACK(domain_notify_cb), self,
                                G_CONNECT_SWAPPED);
    load(self);
}

static void
hako_xml_page_dispose(GObject *object)
{
    HakoXmlPage *self = HAKO_XML_PAGE(object);

    g_cancellable_cancel(self->cancellable);
    g_clear_object(&self->cancellable);
    g_clear_object(&self->manager);
    g_clear_object(&self->domain);
    g_clear_object(&self->buffer);

    G_OBJECT_CLASS(hako_xml_page_parent_class)->dispose(object);
}

static void
hako_xml_page_finalize(GObject *object)
{
    HakoXmlPage *self = HAKO_XML_PAGE(object);

    g_free(self->original);
    g_free(self->reviewed);

    G_OBJECT_CLASS(hako_xml_page_parent_class)->finalize(object);
}

static void
hako_xml_page_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
    HakoXmlPage *self = HAKO_XML_PAGE(object);

    switch (prop_id) {
    case PROP_MANAGER:
        g_value_set_object(value, self->manager);
        break;
    case PROP_DOMAIN:
        g_value_set_object(value, self->domain);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    }
}

static void
hako_xml_page_set_property(GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
    HakoXmlPage *self = HAKO_XML_PAGE(object);

    switch (prop_id) {
    case PROP_MANAGER:
        self->manager = g_value_dup_object(value);
        break;
    case PROP_DOMAIN:
        self->domain = g_value_dup_object(value);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    }
}

static void
hako_xml_page_class_init(HakoXmlPageClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);

    object_class->constructed = hako_xml_page_constructed;
    object_class->dispose = hako_xml_page_dispose;
    object_class->finalize = hako_xml_page_finalize;
    object_class->get_property = hako_xml_page_get_property;
    object_class->set_property = hako_xml_page_set_property;
    widget_class->map = hako_xml_page_map;

    /* The edited XML was defined: the guest's other pages read it again. */
    signals[DEFINED] = g_signal_new("defined", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                    NULL, NULL, G_TYPE_NONE, 0);

    properties[PROP_MANAGER] =
        g_param_spec_object("manager", NULL, NULL, HAKO_TYPE_CONNECTION_MANAGER,
                            G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
    properties[PROP_DOMAIN] =
        g_param_spec_object("domain", NULL, NULL, HAKO_TYPE_DOMAIN,
                            G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
    g_object_class_install_properties(object_class, N_PROPS, properties);

    /* the template names GtkSourceView: its type must exist before the template is read */
    g_type_ensure(GTK_SOURCE_TYPE_VIEW);

    gtk_widget_class_set_template_from_resource(widget_class,
                                                RESOURCE_PREFIX "/ui/hako-xml-page.ui");
    gtk_widget_class_bind_template_child(widget_class, HakoXmlPage, error_bar);
    gtk_widget_class_bind_template_child(widget_class, HakoXmlPage, error_label);
    gtk_widget_class_bind_template_child(widget_class, HakoXmlPage, stack);
    gtk_widget_class_bind_template_child(widget_class, HakoXmlPage, view);
    gtk_widget_class_bind_template_child(widget_class, HakoXmlPage, review_summary);
    gtk_widget_class_bind_template_child(widget_class, HakoXmlPage, diff_view);
    gtk_widget_class_bind_template_child(widget_class, HakoXmlPage, notice_label);
    gtk_widget_class_bind_template_child(widget_class, HakoXmlPage, busy_spinner);
    gtk_widget_class_bind_template_child(widget_class, HakoXmlPage, revert_button);
    gtk_widget_class_bind_template_child(widget_class, HakoXmlPage, apply_button);
    gtk_widget_class_bind_template_child(widget_class, HakoXmlPage, cancel_button);
    gtk_widget_class_bind_template_child(widget_class, HakoXmlPage, apply_changes_button);
    gtk_widget_class_bind_template_callback(widget_class, error_bar_response_cb);
    gtk_widget_class_bind_template_callback(widget_class, revert_clicked_cb);
    gtk_widget_class_bind_template_callback(widget_class, apply_clicked_cb);
    gtk_widget_class_bind_template_callback(widget_class, cancel_clicked_cb);
    gtk_widget_class_bind_template_callback(widget_class, apply_changes_clicked_cb);
}

static void
add_line_tag(GtkTextBuffer *buffer, const char *name, const char *rgba)
{
    GdkRGBA color;

    gdk_rgba_parse(&color, rgba);
    gtk_text_buffer_create_tag(buffer, name, "paragraph-background-rgba", &color, NULL);
}

static void
hako_xml_page_init(HakoXmlPage *self)
{
    GtkSourceLanguageManager *languages = gtk_source_language_manager_get_default();
    GtkTextBuffer *diff_buffer;

    gtk_widget_init_template(GTK_WIDGET(self));
    self->cancellable = g_cancellable_new();

    self->buffer = gtk_source_buffer_new_with_language(
        gtk_source_language_manager_get_language(languages, "xml"));
    gtk_source_buffer_set_highlight_syntax(self->buffer, TRUE);
    gtk_text_view_set_buffer(GTK_TEXT_VIEW(self->view), GTK_TEXT_BUFFER(self->buffer));
    g_signal_connect_object(self->buffer, "modified-changed", G_CALLBACK(modified_changed_cb), self,
                            G_CONNECT_SWAPPED);

    /* translucent, so that they read on light and dark themes alike */
    diff_buffer = gtk_text_view_get_buffer(self->diff_view);
    add_line_tag(diff_buffer, "added", "rgba(46, 194, 126, 0.25)");
    add_line_tag(diff_buffer, "removed", "rgba(224, 27, 36, 0.22)");
    gtk_text_buffer_create_tag(diff_buffer, "hunk", "foreground", "#3584e4", "weight",
                               PANGO_WEIGHT_BOLD, NULL);
    gtk_text_buffer_create_tag(diff_buffer, "same", NULL);
}

/**
 * hako_xml_page_new:
 * @manager: the connections, for the guest's host
 * @domain: the guest
 *
 * Returns: (transfer floating): the XML tab of @domain, which starts reading its XML at once.
 */
GtkWidget *
hako_xml_page_new(HakoConnectionManager *manager, HakoDomain *domain)
{
    g_return_val_if_fail(HAKO_IS_CONNECTION_MANAGER(manager), NULL);
    g_return_val_if_fail(HAKO_IS_DOMAIN(domain), NULL);

    return g_object_new(HAKO_TYPE_XML_PAGE, "manager", manager, "domain", domain, NULL);
}

HakoDomain *
hako_xml_page_get_domain(HakoXmlPage *self)
{
    g_return_val_if_fail(HAKO_IS_XML_PAGE(self), NULL);

    return self->domain;
}
