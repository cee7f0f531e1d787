/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoAuthDialog: asks for the credentials libvirt needs to open a connection. */
#include "config.h"

#include "hako-auth-dialog.h"

#include <glib/gi18n.h>

/*
 * The dialog answers one HakoAuthRequest: OK sets every answer and completes it, anything
 * else (Cancel, Escape, closing the window, destroying the dialog) cancels it. It is shown
 * with gtk_widget_show() and answers from its "response" handler, so the main loop keeps
 * running while the user types.
 */

struct _HakoAuthDialog {
    GtkDialog parent_instance;

    HakoHost *host;
    HakoAuthRequest *request;
    GPtrArray *entries;        /* GtkEntry, one per credential (NULL for a question) */
    GtkToggleButton *remember; /* "Remember in the keyring", when the request allows it */

    /* Template children */
    GtkLabel *message_label;
    GtkGrid *grid;
    GtkWidget *ok_button;
    GtkWidget *cancel_button;
};

G_DEFINE_FINAL_TYPE(HakoAuthDialog, hako_auth_dialog, GTK_TYPE_DIALOG)

enum { PROP_0, PROP_HOST, PROP_REQUEST, N_PROPS };

static GParamSpec *properties[N_PROPS];

static const char *
fallback_prompt(HakoCredentialType type)
{
    switch (type) {
    case HAKO_CREDENTIAL_USERNAME:
        return _("User name:");
    case HAKO_CREDENTIAL_PASSWORD:
        return _("Password:");
    case HAKO_CREDENTIAL_ECHOPROMPT:
    case HAKO_CREDENTIAL_NOECHOPROMPT:
    default:
        return _("Answer:");
    }
}

/* A question with no text to type: ssh meeting a host it has no key for. What ssh says (the
 * key's type and fingerprint) is shown as it is, without its own "(yes/no)" question, which
 * the buttons answer. */
static void
add_question_row(HakoAuthDialog *self, guint nth)
{
    const char *prompt = hako_auth_request_get_prompt(self->request, nth);
    g_auto(GStrv) lines = g_strsplit(prompt != NULL ? prompt : "", "\n", -1);
    g_autoptr(GString) text = g_string_new(NULL);
    g_autofree char *message = NULL;
    GtkWidget *label;

    for (guint i = 0; lines[i] != NULL; i++) {
        if (strstr(lines[i], "(yes/no") != NULL || *g_strstrip(lines[i]) == '\0')
            continue;
        if (text->len > 0)
            g_string_append_c(text, '\n');
        g_string_append(text, lines[i]);
    }
    label = gtk_label_new(text->str);
    gtk_label_set_xalign(GTK_LABEL(label), 0.0);
    gtk_label_set_line_wrap(GTK_LABEL(label), TRUE);
    gtk_label_set_line_wrap_mode(GTK_LABEL(label), PANGO_WRAP_WORD_CHAR);
    gtk_label_set_max_width_chars(GTK_LABEL(label), 60);
    gtk_label_set_selectable(GTK_LABEL(label), TRUE);
    gtk_grid_attach(self->grid, label, 0, nth, 2, 1);
    gtk_widget_show(label);
    g_ptr_array_add(self->entries, NULL);

    gtk_window_set_title(GTK_WINDOW(self), _("Unknown Host Key"));
    message = g_strdup_printf(
        _("Hako has no key on record for the host of “%s”. Make sure that the fingerprint below "
          "is the host’s (ask its administrator, or run “ssh-keygen -lf” on the host’s key) "
          "before you trust it: a wrong key means someone may be listening in."),
        hako_host_get_label(self->host));
    gtk_label_set_text(self->message_label, message);
    gtk_button_set_label(GTK_BUTTON(self->ok_button), _("_Trust and Connect"));
}

static void
add_credential_row(HakoAuthDialog *self, guint nth)
{
    HakoCredentialType type = hako_auth_request_get_credential_type(self->request, nth);
    const char *prompt = hako_auth_request_get_prompt(self->request, nth);
    const char *value = hako_auth_request_get_default(self->request, nth);
    gboolean secret = type == HAKO_CREDENTIAL_PASSWORD || type == HAKO_CREDENTIAL_NOECHOPROMPT;
    GtkWidget *label;
    GtkWidget *entry;

    if (type == HAKO_CREDENTIAL_CONFIRM) {
        add_question_row(self, nth);
        return;
    }
    if (prompt == NULL || *prompt == '\0')
        prompt = fallback_prompt(type);

    label = gtk_label_new(prompt);
    gtk_label_set_xalign(GTK_LABEL(label), 1.0);
    gtk_label_set_line_wrap(GTK_LABEL(label), TRUE);
    gtk_label_set_max_width_chars(GTK_LABEL(label), 30);

    entry = gtk_entry_new();
    gtk_widget_set_hexpand(entry, TRUE);
    gtk_entry_set_width_chars(GTK_ENTRY(entry), 28);
    gtk_entry_set_activates_default(GTK_ENTRY(entry), TRUE);
    gtk_entry_set_visibility(GTK_ENTRY(entry), !secret);
    if (secret)
        gtk_entry_set_input_purpose(GTK_ENTRY(entry), GTK_INPUT_PURPOSE_PASSWORD);
    if (value != NULL)
        gtk_entry_set_text(GTK_ENTRY(entry), value);
    /* Gives the entry its accessible name as well. */
    gtk_label_set_mnemonic_widget(GTK_LABEL(label), entry);

    gtk_grid_attach(self->grid, label, 0, nth, 1, 1);
    gtk_grid_attach(self->grid, entry, 1, nth, 1, 1);
    gtk_widget_show(label);
    gtk_widget_show(entry);
    g_ptr_array_add(self->entries, entry);
}

/* The engine gave up on the request (the host went away, Hako is quitting): nothing to ask. */
static void
request_done_cb(HakoAuthDialog *self, GParamSpec *pspec, HakoAuthRequest *request)
{
    if (hako_auth_request_is_done(request))
        gtk_widget_destroy(GTK_WIDGET(self));
}

static void
hako_auth_dialog_response(GtkDialog *dialog, int response)
{
    HakoAuthDialog *self = HAKO_AUTH_DIALOG(dialog);

    if (self->request != NULL && !hako_auth_request_is_done(self->request)) {
        /* We end it ourselves, and destroy the dialog just below. */
        g_signal_handlers_disconnect_by_func(self->request, request_done_cb, self);
        if (response == GTK_RESPONSE_OK) {
            for (guint i = 0; i < self->entries->len; i++) {
                GtkEntry *entry = g_ptr_array_index(self->entries, i);

                if (entry != NULL)
                    hako_auth_request_set_answer(self->request, i, gtk_entry_get_text(entry));
            }
            if (self->remember != NULL)
                hako_auth_request_set_remember(self->request,
                                               gtk_toggle_button_get_active(self->remember));
            hako_auth_request_complete(self->request);
        } else {
            hako_auth_request_cancel(self->request);
        }
    }
    gtk_widget_destroy(GTK_WIDGET(self));
}

static void
hako_auth_dialog_constructed(GObject *object)
{
    HakoAuthDialog *self = HAKO_AUTH_DIALOG(object);
    const char *label = hako_host_get_label(self->host);
    const char *uri = hako_host_get_uri(self->host);
    g_autofree char *message = NULL;
    guint n;

    G_OBJECT_CLASS(hako_auth_dialog_parent_class)->constructed(object);

    /* Translators: the first %s is a host's name such as "QEMU/KVM: server1", the second its URI */
    message = g_strdup_printf(_("The connection to “%s” (%s) needs you to log in."), label, uri);
    gtk_label_set_text(self->message_label, message);

    /* The request can end without us (the user disconnects the host, Hako quits). */
    g_signal_connect_object(self->request, "notify::done", G_CALLBACK(request_done_cb), self,
                            G_CONNECT_SWAPPED);

    n = hako_auth_request_get_n_credentials(self->request);
    for (guint i = 0; i < n; i++)
        add_credential_row(self, i);
    if (hako_auth_request_get_can_remember(self->request)) {
        GtkWidget *check =
            gtk_check_button_new_with_mnemonic(_("_Remember this password in the keyring"));

        gtk_grid_attach(self->grid, check, 1, n, 1, 1);
        gtk_widget_show(check);
        self->remember = GTK_TOGGLE_BUTTON(check);
    }

    /* Start where something is missing: usually the password under a known user name. A
     * question starts on Cancel: Enter alone must not trust a key. */
    for (guint i = 0; i < self->entries->len; i++) {
        GtkEntry *entry = g_ptr_array_index(self->entries, i);

        if (entry == NULL) {
            gtk_widget_grab_focus(self->cancel_button);
            break;
        }
        if (*gtk_entry_get_text(entry) == '\0' || i + 1 == self->entries->len) {
            gtk_widget_grab_focus(GTK_WIDGET(entry));
            break;
        }
    }
}

static void
hako_auth_dialog_dispose(GObject *object)
{
    HakoAuthDialog *self = HAKO_AUTH_DIALOG(object);

    /* Never leave libvirt waiting for an answer nobody can give any more. */
    if (self->request != NULL) {
        g_signal_handlers_disconnect_by_func(self->request, request_done_cb, self);
        if (!hako_auth_request_is_done(self->request))
            hako_auth_request_cancel(self->request);
    }
    g_clear_object(&self->request);
    g_clear_object(&self->host);

    G_OBJECT_CLASS(hako_auth_dialog_parent_class)->dispose(object);
}

static void
hako_auth_dialog_finalize(GObject *object)
{
    HakoAuthDialog *self = HAKO_AUTH_DIALOG(object);

    g_ptr_array_unref(self->entries);

    G_OBJECT_CLASS(hako_auth_dialog_parent_class)->finalize(object);
}

static void
hako_auth_dialog_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
    HakoAuthDialog *self = HAKO_AUTH_DIALOG(object);

    switch (prop_id) {
    case PROP_HOST:
        g_value_set_object(value, self->host);
        break;
    case PROP_REQUEST:
        g_value_set_object(value, self->request);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    }
}

static void
hako_auth_dialog_set_property(GObject *object,
                              guint prop_id,
                              const GValue *value,
                              GParamSpec *pspec)
{
    HakoAuthDialog *self = HAKO_AUTH_DIALOG(object);

    switch (prop_id) {
    case PROP_HOST:
        self->host = g_value_dup_object(value);
        break;
    case PROP_REQUEST:
        self->request = g_value_dup_object(value);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    }
}

static void
hako_auth_dialog_class_init(HakoAuthDialogClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);
    GtkDialogClass *dialog_class = GTK_DIALOG_CLASS(klass);
    GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

    object_class->constructed = hako_auth_dialog_constructed;
    object_class->dispose = hako_auth_dialog_dispose;
    object_class->finalize = hako_auth_dialog_finalize;
    object_class->get_property = hako_auth_dialog_get_property;
    object_class->set_property = hako_auth_dialog_set_property;
    dialog_class->response = hako_auth_dialog_response;

    properties[PROP_HOST] = g_param_spec_object("host", NULL, NULL, HAKO_TYPE_HOST, flags);
    properties[PROP_REQUEST] =
        g_param_spec_object("request", NULL, NULL, HAKO_TYPE_AUTH_REQUEST, flags);
    g_object_class_install_properties(object_class, N_PROPS, properties);

    gtk_widget_class_set_template_from_resource(widget_class,
                                                RESOURCE_PREFIX "/ui/hako-auth-dialog.ui");
    gtk_widget_class_bind_template_child(widget_class, HakoAuthDialog, message_label);
    gtk_widget_class_bind_template_child(widget_class, HakoAuthDialog, grid);
    gtk_widget_class_bind_template_child(widget_class, HakoAuthDialog, ok_button);
    gtk_widget_class_bind_template_child(widget_class, HakoAuthDialog, cancel_button);
}

static void
hako_auth_dialog_init(HakoAuthDialog *self)
{
    self->entries = g_ptr_array_new();
    gtk_widget_init_template(GTK_WIDGET(self));
}

/**
 * hako_auth_dialog_new:
 * @parent: (nullable): the window to stay on top of
 * @host: the host being connected
 * @request: what libvirt asks for
 *
 * Returns: (transfer none): a new dialog, not shown yet; it destroys itself once answered.
 */
HakoAuthDialog *
hako_auth_dialog_new(GtkWindow *parent, HakoHost *host, HakoAuthRequest *request)
{
    g_return_val_if_fail(parent == NULL || GTK_IS_WINDOW(parent), NULL);
    g_return_val_if_fail(HAKO_IS_HOST(host), NULL);
    g_return_val_if_fail(HAKO_IS_AUTH_REQUEST(request), NULL);

    return g_object_new(HAKO_TYPE_AUTH_DIALOG, "transient-for", parent, "destroy-with-parent", TRUE,
                        "host", host, "request", request, NULL);
}

/**
 * hako_auth_dialog_get_request:
 *
 * Returns: (transfer none) (nullable): the request the dialog answers, until it is destroyed.
 */
HakoAuthRequest *
hako_auth_dialog_get_request(HakoAuthDialog *self)
{
    g_return_val_if_fail(HAKO_IS_AUTH_DIALOG(self), NULL);
    return self->request;
}
