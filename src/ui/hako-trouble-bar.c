/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoTroubleBar: an info bar that says what went wrong with a guest and offers the fix.
 *
 * It follows one guest (hako_trouble_bar_set_domain()) and shows itself while the guest is in
 * trouble (hako_domain_get_trouble(): paused by a disk I/O error, crashed, or still running
 * long after a shutdown request), with the text of hako_guest_trouble_describe(). For an I/O
 * error it asks the engine which disk failed and how (virDomainGetDiskErrors(), on a worker)
 * and names them once the answer comes. Its one button (Resume, Force Off or Run) exists only
 * while shown, so that no hidden button shares a name with the window's own, and only emits
 * "action": the window that holds the bar runs the action its own way (the manager asks
 * before forcing off). */
#include "config.h"

#include "hako-trouble-bar.h"

#include "hako-domain-ops.h"
#include "hako-host.h"

#include <glib/gi18n.h>

struct _HakoTroubleBar {
    GtkInfoBar parent_instance;

    HakoConnectionManager *manager;
    HakoDomainOps *ops;
    HakoDomain *domain;
    GCancellable *cancellable; /* the disk errors' request */
    GPtrArray *disk_errors;    /* of the guest's current pause, or NULL until known */
    gboolean fetching;
    HakoGuestTrouble shown;
    int fix; /* the response of the bar's button, or -1 when it has none */

    /* Template children */
    GtkLabel *label;
};

G_DEFINE_FINAL_TYPE(HakoTroubleBar, hako_trouble_bar, GTK_TYPE_INFO_BAR)

enum { SIGNAL_ACTION, N_SIGNALS };

static guint signals[N_SIGNALS];

static void update(HakoTroubleBar *self);

static void
disk_errors_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HakoTroubleBar) self = user_data;
    g_autoptr(GError) error = NULL;
    GPtrArray *errors;

    errors = hako_domain_ops_get_disk_errors_finish(HAKO_DOMAIN_OPS(source), result, &error);
    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
    self->fetching = FALSE;
    if (errors == NULL) {
        /* The explanation stands without the disk's name. */
        g_debug("%s", error->message);
        errors = g_ptr_array_new();
    }
    g_clear_pointer(&self->disk_errors, g_ptr_array_unref);
    self->disk_errors = errors;
    update(self);
}

static void
forget_disk_errors(HakoTroubleBar *self)
{
    g_cancellable_cancel(self->cancellable);
    g_clear_object(&self->cancellable);
    g_clear_pointer(&self->disk_errors, g_ptr_array_unref);
    self->fetching = FALSE;
}

/* The action that fixes @trouble, as a response id, or -1. */
static int
fix_for(HakoGuestTrouble trouble)
{
    switch (trouble) {
    case HAKO_GUEST_TROUBLE_IO_ERROR:
        return HAKO_DOMAIN_ACTION_RESUME;
    case HAKO_GUEST_TROUBLE_CRASHED:
    case HAKO_GUEST_TROUBLE_SHUTDOWN_IGNORED:
        return HAKO_DOMAIN_ACTION_FORCE_OFF;
    case HAKO_GUEST_TROUBLE_CRASHED_OFF:
        return HAKO_DOMAIN_ACTION_RUN;
    case HAKO_GUEST_TROUBLE_NONE:
    default:
        return -1;
    }
}

static void
set_button(HakoTroubleBar *self, HakoGuestTrouble trouble)
{
    GtkWidget *area = gtk_info_bar_get_action_area(GTK_INFO_BAR(self));
    g_autoptr(GList) buttons = gtk_container_get_children(GTK_CONTAINER(area));
    int fix = fix_for(trouble);
    const char *label;

    if (fix == self->fix)
        return;
    self->fix = fix;
    for (GList *l = buttons; l != NULL; l = l->next)
        gtk_widget_destroy(l->data);
    switch (fix) {
    case HAKO_DOMAIN_ACTION_RESUME:
        label = _("_Resume");
        break;
    case HAKO_DOMAIN_ACTION_FORCE_OFF:
        label = _("_Force Off");
        break;
    case HAKO_DOMAIN_ACTION_RUN:
        label = _("_Run");
        break;
    default:
        return;
    }
    gtk_info_bar_add_button(GTK_INFO_BAR(self), label, fix);
}

static void
update(HakoTroubleBar *self)
{
    HakoGuestTrouble trouble =
        self->domain != NULL ? hako_domain_get_trouble(self->domain) : HAKO_GUEST_TROUBLE_NONE;
    g_autofree char *log_path = NULL;
    g_autofree char *text = NULL;
    HakoHost *host;

    if (trouble != HAKO_GUEST_TROUBLE_IO_ERROR)
        forget_disk_errors(self);
    self->shown = trouble;
    if (trouble == HAKO_GUEST_TROUBLE_NONE) {
        gtk_widget_hide(GTK_WIDGET(self));
        set_button(self, trouble);
        return;
    }

    if (trouble == HAKO_GUEST_TROUBLE_IO_ERROR && self->disk_errors == NULL && !self->fetching) {
        self->fetching = TRUE;
        self->cancellable = g_cancellable_new();
        hako_domain_ops_get_disk_errors_async(self->ops, self->domain, self->cancellable,
                                              disk_errors_cb, g_object_ref(self));
    }

    host = hako_domain_get_host(self->domain);
    if (host != NULL)
        log_path = hako_guest_trouble_log_path(hako_host_get_uri(host),
                                               hako_domain_get_name(self->domain));
    text = hako_guest_trouble_describe(trouble, hako_domain_get_name(self->domain),
                                       self->disk_errors, log_path);
    gtk_label_set_text(self->label, text);
    gtk_info_bar_set_message_type(GTK_INFO_BAR(self), trouble == HAKO_GUEST_TROUBLE_SHUTDOWN_IGNORED
                                                          ? GTK_MESSAGE_WARNING
                                                          : GTK_MESSAGE_ERROR);
    set_button(self, trouble);
    gtk_widget_show(GTK_WIDGET(self));
}

static void
domain_notify_cb(HakoTroubleBar *self, GParamSpec *pspec, HakoDomain *domain)
{
    const char *name = g_param_spec_get_name(pspec);

    /* A new pause may be on another disk: ask again. */
    if (g_str_equal(name, "state") || g_str_equal(name, "state-reason"))
        forget_disk_errors(self);
    if (g_str_equal(name, "state") || g_str_equal(name, "state-reason") ||
        g_str_equal(name, "shutdown-ignored") || g_str_equal(name, "name"))
        update(self);
}

static void
response_cb(HakoTroubleBar *self, int response)
{
    if (self->domain != NULL && response >= 0)
        g_signal_emit(self, signals[SIGNAL_ACTION], 0, self->domain, response);
}

/**
 * hako_trouble_bar_set_domain:
 * @domain: (nullable): the guest to follow, or %NULL to hide the bar
 */
void
hako_trouble_bar_set_domain(HakoTroubleBar *self, HakoDomain *domain)
{
    g_return_if_fail(HAKO_IS_TROUBLE_BAR(self));
    g_return_if_fail(domain == NULL || HAKO_IS_DOMAIN(domain));

    if (self->domain == domain)
        return;
    if (self->domain != NULL)
        g_signal_handlers_disconnect_by_data(self->domain, self);
    forget_disk_errors(self);
    g_set_object(&self->domain, domain);
    if (domain != NULL)
        g_signal_connect_object(domain, "notify", G_CALLBACK(domain_notify_cb), self,
                                G_CONNECT_SWAPPED);
    update(self);
}

HakoDomain *
hako_trouble_bar_get_domain(HakoTroubleBar *self)
{
    g_return_val_if_fail(HAKO_IS_TROUBLE_BAR(self), NULL);
    return self->domain;
}

/**
 * hako_trouble_bar_show_error:
 * @message: why the action the bar offered failed
 *
 * Shows @message in the bar, below the explanation, until the guest changes.
 */
void
hako_trouble_bar_show_error(HakoTroubleBar *self, const char *message)
{
    g_autofree char *text = NULL;

    g_return_if_fail(HAKO_IS_TROUBLE_BAR(self));
    g_return_if_fail(message != NULL);

    if (self->domain == NULL || self->shown == HAKO_GUEST_TROUBLE_NONE)
        return;
    text = g_strdup_printf("%s\n%s", gtk_label_get_text(self->label), message);
    gtk_label_set_text(self->label, text);
}

static void
hako_trouble_bar_dispose(GObject *object)
{
    HakoTroubleBar *self = HAKO_TROUBLE_BAR(object);

    if (self->domain != NULL)
        g_signal_handlers_disconnect_by_data(self->domain, self);
    g_clear_object(&self->domain);
    forget_disk_errors(self);
    g_clear_object(&self->ops);
    g_clear_object(&self->manager);

    G_OBJECT_CLASS(hako_trouble_bar_parent_class)->dispose(object);
}

static void
hako_trouble_bar_class_init(HakoTroubleBarClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);

    object_class->dispose = hako_trouble_bar_dispose;

    /**
     * HakoTroubleBar::action:
     * @domain: the guest
     * @action: a #HakoDomainAction: what the user chose to fix it
     */
    signals[SIGNAL_ACTION] =
        g_signal_new("action", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                     G_TYPE_NONE, 2, HAKO_TYPE_DOMAIN, G_TYPE_INT);

    gtk_widget_class_set_template_from_resource(widget_class,
                                                RESOURCE_PREFIX "/ui/hako-trouble-bar.ui");
    gtk_widget_class_bind_template_child(widget_class, HakoTroubleBar, label);
    gtk_widget_class_bind_template_callback(widget_class, response_cb);
}

static void
hako_trouble_bar_init(HakoTroubleBar *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
    self->fix = -1;
    atk_object_set_name(gtk_widget_get_accessible(GTK_WIDGET(self)), _("Guest problem"));
}

/**
 * hako_trouble_bar_new:
 * @manager: the connections the guests come from
 *
 * Returns: (transfer floating): a hidden bar following no guest
 */
GtkWidget *
hako_trouble_bar_new(HakoConnectionManager *manager)
{
    HakoTroubleBar *self;

    g_return_val_if_fail(HAKO_IS_CONNECTION_MANAGER(manager), NULL);

    self = g_object_new(HAKO_TYPE_TROUBLE_BAR, NULL);
    self->manager = g_object_ref(manager);
    self->ops = hako_domain_ops_new(manager);
    return GTK_WIDGET(self);
}
