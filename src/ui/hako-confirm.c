/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Questions asked before an action, each switched off by its confirm-* key in Preferences. */
#include "config.h"

#include "hako-confirm.h"

#include <glib/gi18n.h>

/*
 * Every question names what it acts on and says what will happen, has the action's verb on its
 * button and Cancel as its default, and a "Do not ask again" check that, ticked when the user
 * goes ahead, clears the question's key (Preferences › General › Confirmations sets it again).
 * A window without settings (NULL) always asks.
 */

typedef struct {
    GSettings *settings;
    char *key;
    GtkToggleButton *check; /* in the dialog */
    HakoConfirmFunc confirmed;
    HakoUnappliedFunc answered;
    gpointer user_data;
    GDestroyNotify destroy;
} Ask;

static void
ask_free(Ask *ask)
{
    if (ask->destroy != NULL)
        ask->destroy(ask->user_data);
    g_clear_object(&ask->settings);
    g_free(ask->key);
    g_free(ask);
}

/**
 * hako_confirm_wanted:
 * @settings: (nullable): the org.hako.Hako settings
 * @key: a confirm-* key
 *
 * Returns: whether the question of @key is to be asked.
 */
gboolean
hako_confirm_wanted(GSettings *settings, const char *key)
{
    g_return_val_if_fail(settings == NULL || G_IS_SETTINGS(settings), TRUE);
    g_return_val_if_fail(key != NULL, TRUE);

    return settings == NULL || g_settings_get_boolean(settings, key);
}

static void
response_cb(GtkDialog *dialog, int response, gpointer user_data)
{
    /* Taken from the dialog, which frees it only when destroyed without an answer. */
    Ask *ask = g_object_steal_data(G_OBJECT(dialog), "hako-ask");
    gboolean ahead = response == GTK_RESPONSE_ACCEPT || response == GTK_RESPONSE_REJECT;

    if (ahead && ask->settings != NULL && gtk_toggle_button_get_active(ask->check))
        g_settings_set_boolean(ask->settings, ask->key, FALSE);
    /* Gone before the callback, which may open another window or close the parent. */
    gtk_widget_destroy(GTK_WIDGET(dialog));
    if (ask->confirmed != NULL && response == GTK_RESPONSE_ACCEPT)
        ask->confirmed(ask->user_data);
    if (ask->answered != NULL)
        ask->answered(response == GTK_RESPONSE_ACCEPT   ? HAKO_UNAPPLIED_APPLY
                      : response == GTK_RESPONSE_REJECT ? HAKO_UNAPPLIED_DISCARD
                                                        : HAKO_UNAPPLIED_CANCEL,
                      ask->user_data);
    ask_free(ask);
}

/* A question with Cancel (the default) and the caller's buttons, not shown yet. */
static GtkWidget *
question_new(GtkWindow *parent, const char *question, const char *detail, Ask *ask)
{
    GtkWidget *dialog;
    GtkWidget *check;

    dialog = gtk_message_dialog_new(parent, GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                    GTK_MESSAGE_WARNING, GTK_BUTTONS_NONE, "%s", question);
    gtk_message_dialog_format_secondary_text(GTK_MESSAGE_DIALOG(dialog), "%s", detail);
    gtk_dialog_add_button(GTK_DIALOG(dialog), _("_Cancel"), GTK_RESPONSE_CANCEL);

    check = gtk_check_button_new_with_mnemonic(_("_Do not ask again"));
    gtk_widget_show(check);
    gtk_container_add(
        GTK_CONTAINER(gtk_message_dialog_get_message_area(GTK_MESSAGE_DIALOG(dialog))), check);
    ask->check = GTK_TOGGLE_BUTTON(check);
    g_object_set_data_full(G_OBJECT(dialog), "hako-ask", ask, (GDestroyNotify)ask_free);
    g_signal_connect(dialog, "response", G_CALLBACK(response_cb), NULL);
    return dialog;
}

static void
add_button(GtkWidget *dialog, const char *label, int response, const char *style)
{
    GtkWidget *button = gtk_dialog_add_button(GTK_DIALOG(dialog), label, response);

    if (style != NULL)
        gtk_style_context_add_class(gtk_widget_get_style_context(button), style);
}

static Ask *
ask_new(GSettings *settings, const char *key, gpointer user_data, GDestroyNotify destroy)
{
    Ask *ask = g_new0(Ask, 1);

    ask->settings = settings != NULL ? g_object_ref(settings) : NULL;
    ask->key = g_strdup(key);
    ask->user_data = user_data;
    ask->destroy = destroy;
    return ask;
}

/**
 * hako_confirm:
 * @parent: (nullable): the window the question belongs to
 * @settings: (nullable): the org.hako.Hako settings
 * @key: the confirm-* key that switches the question off
 * @question: the question, naming what is acted on
 * @detail: what will happen
 * @verb: the label of the button that goes ahead, with a mnemonic
 * @destructive: whether what happens cannot be undone (the button is styled so)
 * @confirmed: called once the user goes ahead, or at once when @key is off
 * @user_data: for @confirmed
 * @destroy: (nullable): frees @user_data once the question is answered either way
 *
 * Asks before an action, unless the user said not to ask again.
 */
void
hako_confirm(GtkWindow *parent,
             GSettings *settings,
             const char *key,
             const char *question,
             const char *detail,
             const char *verb,
             gboolean destructive,
             HakoConfirmFunc confirmed,
             gpointer user_data,
             GDestroyNotify destroy)
{
    Ask *ask;
    GtkWidget *dialog;

    g_return_if_fail(parent == NULL || GTK_IS_WINDOW(parent));
    g_return_if_fail(key != NULL && question != NULL && detail != NULL && verb != NULL);
    g_return_if_fail(confirmed != NULL);

    if (!hako_confirm_wanted(settings, key)) {
        confirmed(user_data);
        if (destroy != NULL)
            destroy(user_data);
        return;
    }
    ask = ask_new(settings, key, user_data, destroy);
    ask->confirmed = confirmed;
    dialog = question_new(parent, question, detail, ask);
    add_button(dialog, verb, GTK_RESPONSE_ACCEPT, destructive ? "destructive-action" : NULL);
    gtk_dialog_set_default_response(GTK_DIALOG(dialog), GTK_RESPONSE_CANCEL);
    gtk_window_present(GTK_WINDOW(dialog));
}

/* The key that asks before @action, or NULL when it is done without asking. */
static const char *
key_for(HakoDomainAction action)
{
    switch (action) {
    case HAKO_DOMAIN_ACTION_FORCE_OFF:
        return "confirm-force-off";
    case HAKO_DOMAIN_ACTION_SHUTDOWN:
    case HAKO_DOMAIN_ACTION_REBOOT:
        return "confirm-shutdown";
    case HAKO_DOMAIN_ACTION_PAUSE:
        return "confirm-pause";
    default:
        return NULL;
    }
}

/**
 * hako_confirm_domain_action_wanted:
 * @settings: (nullable): the org.hako.Hako settings
 *
 * Returns: whether hako_confirm_domain_action() would ask before @action.
 */
gboolean
hako_confirm_domain_action_wanted(GSettings *settings, HakoDomainAction action)
{
    const char *key = key_for(action);

    return key != NULL && hako_confirm_wanted(settings, key);
}

/**
 * hako_confirm_domain_action:
 * @domain: the guest @action is for
 * @action: Force Off, Shut Down, Reboot or Pause ask; any other is confirmed at once
 *
 * Asks before a lifecycle action on @domain, as hako_confirm() does. @confirmed should check
 * that the guest still allows the action: it may have changed while the question was open.
 */
void
hako_confirm_domain_action(GtkWindow *parent,
                           GSettings *settings,
                           HakoDomain *domain,
                           HakoDomainAction action,
                           HakoConfirmFunc confirmed,
                           gpointer user_data,
                           GDestroyNotify destroy)
{
    const char *name;
    const char *key = key_for(action);
    g_autofree char *question = NULL;
    const char *detail;
    const char *verb;
    gboolean destructive = FALSE;

    g_return_if_fail(HAKO_IS_DOMAIN(domain));

    if (key == NULL || !hako_confirm_wanted(settings, key)) {
        confirmed(user_data);
        if (destroy != NULL)
            destroy(user_data);
        return;
    }
    name = hako_domain_get_name(domain);
    switch (action) {
    case HAKO_DOMAIN_ACTION_FORCE_OFF:
        question = g_strdup_printf(_("Force “%s” off?"), name);
        detail = _("The guest stops at once, as if its power cord were pulled. Anything it has not "
                   "written to disk is lost.");
        verb = _("_Force Off");
        destructive = TRUE;
        break;
    case HAKO_DOMAIN_ACTION_SHUTDOWN:
        question = g_strdup_printf(_("Shut “%s” down?"), name);
        detail = _("The guest is asked to shut down, as if its power button were pressed. Its "
                   "programs are closed and its users are logged out.");
        verb = _("_Shut Down");
        break;
    case HAKO_DOMAIN_ACTION_REBOOT:
        question = g_strdup_printf(_("Reboot “%s”?"), name);
        detail = _("The guest is asked to restart. Its programs are closed and its users are "
                   "logged out.");
        verb = _("Re_boot");
        break;
    case HAKO_DOMAIN_ACTION_PAUSE:
    default:
        question = g_strdup_printf(_("Pause “%s”?"), name);
        detail = _("The guest stops running until it is resumed. Its network connections may "
                   "time out meanwhile.");
        verb = _("_Pause");
        break;
    }
    hako_confirm(parent, settings, key, question, detail, verb, destructive, confirmed, user_data,
                 destroy);
}

/**
 * hako_confirm_unapplied:
 * @domain: the guest whose settings were edited
 * @closing: whether the guest's window is closing (rather than leaving a page)
 * @answered: called with the user's answer (Apply, Discard or Cancel)
 *
 * Asks what to do with edits not applied yet. The caller checks the confirm-unapplied-changes
 * key first (hako_confirm_wanted()): without the question, it does what it did before.
 */
void
hako_confirm_unapplied(GtkWindow *parent,
                       GSettings *settings,
                       HakoDomain *domain,
                       gboolean closing,
                       HakoUnappliedFunc answered,
                       gpointer user_data,
                       GDestroyNotify destroy)
{
    g_autofree char *question = NULL;
    Ask *ask;
    GtkWidget *dialog;

    g_return_if_fail(parent == NULL || GTK_IS_WINDOW(parent));
    g_return_if_fail(HAKO_IS_DOMAIN(domain));
    g_return_if_fail(answered != NULL);

    question = g_strdup_printf(_("Apply your changes to “%s”?"), hako_domain_get_name(domain));
    ask = ask_new(settings, "confirm-unapplied-changes", user_data, destroy);
    ask->answered = answered;
    dialog = question_new(parent, question,
                          closing ? _("The changes you made to the guest’s settings are not "
                                      "applied yet. If you close the window without applying "
                                      "them, they are lost.")
                                  : _("The changes you made to the guest’s settings are not "
                                      "applied yet. Apply them now, or discard them?"),
                          ask);
    add_button(dialog, _("_Discard"), GTK_RESPONSE_REJECT, "destructive-action");
    add_button(dialog, _("_Apply"), GTK_RESPONSE_ACCEPT, "suggested-action");
    gtk_dialog_set_default_response(GTK_DIALOG(dialog), GTK_RESPONSE_CANCEL);
    gtk_window_present(GTK_WINDOW(dialog));
}
