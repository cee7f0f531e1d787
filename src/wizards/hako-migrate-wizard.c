/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoMigrateWizard: moving a guest to another host, checked before and watched during. */
#include "config.h"

#include "hako-migrate-wizard.h"

#include "hako-job.h"
#include "hako-manager-window.h"
#include "hako-migrator.h"

#include <glib/gi18n.h>

/*
 * Four pages over one HakoMigrateSpec:
 *   0 where to (any other connected host) and how (live or offline, and libvirt's options);
 *   1 the pre-flight checks (HakoMigrator), each passed, warning or failed with its sentence;
 *     Migrate is off while one failed;
 *   2 the migration, with the job's figures as it runs; Cancel aborts it, and the guest keeps
 *     running where it was;
 *   3 where the guest runs now, or why the move failed and where the guest still runs.
 * Built in code: the checks page is a list that grows with the guest's disks and NICs.
 */

enum { PAGE_OPTIONS, PAGE_CHECKS, PAGE_PROGRESS, PAGE_RESULT };

struct _HakoMigrateWizard {
    GtkAssistant parent_instance;

    HakoConnectionManager *manager;
    HakoDomain *domain;
    HakoHost *source;
    HakoMigrator *migrator;
    GCancellable *cancellable; /* the migration */
    GCancellable *checks_cancellable;
    HakoMigrateSpec *spec;
    gboolean migrating;
    gboolean in_post_copy; /* the guest runs on the destination already: no cancelling */
    gboolean cancelled;
    char *wanted_uri; /* typed in "Or connect to", chosen once connected */
    HakoJob *job;     /* the move, listed in the manager window while it runs */

    GtkWidget *options_page;
    GtkComboBoxText *host_combo;
    GtkEntry *connect_entry;
    GtkToggleButton *live_radio;
    GtkToggleButton *offline_radio;
    GtkToggleButton *persistent_check;
    GtkToggleButton *undefine_check;
    GtkToggleButton *p2p_check;
    GtkToggleButton *tunnelled_check;
    GtkComboBoxText *storage_combo;
    GtkSpinButton *bandwidth_spin;
    GtkSpinButton *downtime_spin;
    GtkToggleButton *converge_check;
    GtkToggleButton *postcopy_check;
    GtkToggleButton *unsafe_check;
    GtkEntry *name_entry;
    GtkEntry *uri_entry;
    GtkLabel *options_message;

    GtkWidget *checks_page;
    GtkListBox *checks_list;
    GtkLabel *checks_summary;
    GtkSpinner *checks_spinner;

    GtkWidget *progress_page;
    GtkWidget *cancel_button; /* on the progress page */
    GtkProgressBar *progress_bar;
    GtkLabel *progress_figures;

    GtkWidget *result_page;
    GtkLabel *result_label;
};

G_DEFINE_FINAL_TYPE(HakoMigrateWizard, hako_migrate_wizard, GTK_TYPE_ASSISTANT)

static HakoHost *
current_destination(HakoMigrateWizard *self)
{
    const char *uri = gtk_combo_box_get_active_id(GTK_COMBO_BOX(self->host_combo));

    return uri != NULL ? hako_connection_manager_lookup(self->manager, uri) : NULL;
}

static char *
entry_text(GtkEntry *entry)
{
    g_autofree char *text = g_strstrip(g_strdup(gtk_entry_get_text(entry)));

    return *text != '\0' ? g_steal_pointer(&text) : NULL;
}

static void
read_fields(HakoMigrateWizard *self)
{
    HakoMigrateSpec *spec = self->spec;
    const char *storage = gtk_combo_box_get_active_id(GTK_COMBO_BOX(self->storage_combo));

    spec->live = gtk_toggle_button_get_active(self->live_radio);
    spec->persistent = gtk_toggle_button_get_active(self->persistent_check);
    spec->undefine_source = gtk_toggle_button_get_active(self->undefine_check);
    spec->peer_to_peer = gtk_toggle_button_get_active(self->p2p_check);
    spec->tunnelled = gtk_toggle_button_get_active(self->tunnelled_check);
    spec->copy_storage = g_strcmp0(storage, "all") == 0 ? HAKO_MIGRATE_COPY_STORAGE_ALL
                         : g_strcmp0(storage, "incremental") == 0
                             ? HAKO_MIGRATE_COPY_STORAGE_INCREMENTAL
                             : HAKO_MIGRATE_COPY_STORAGE_NONE;
    spec->bandwidth = (guint64)gtk_spin_button_get_value_as_int(self->bandwidth_spin);
    spec->max_downtime = (guint64)gtk_spin_button_get_value_as_int(self->downtime_spin);
    spec->auto_converge = gtk_toggle_button_get_active(self->converge_check);
    spec->post_copy = gtk_toggle_button_get_active(self->postcopy_check);
    spec->unsafe = gtk_toggle_button_get_active(self->unsafe_check);
    g_free(spec->new_name);
    spec->new_name = entry_text(self->name_entry);
    g_free(spec->migrate_uri);
    spec->migrate_uri = entry_text(self->uri_entry);
}

static void
options_changed_cb(HakoMigrateWizard *self)
{
    g_autoptr(GError) error = NULL;
    gboolean ok;

    read_fields(self);
    ok = current_destination(self) != NULL && hako_migrate_spec_validate(self->spec, &error);
    if (current_destination(self) == NULL)
        gtk_label_set_text(self->options_message,
                           _("Connect to the host to move the guest to first: it is listed here "
                             "once connected."));
    else
        gtk_label_set_text(self->options_message, error != NULL ? error->message : "");
    gtk_assistant_set_page_complete(GTK_ASSISTANT(self), self->options_page, ok);
}

static void fill_hosts(HakoMigrateWizard *self);

/* A host that connects (or drops) joins (or leaves) the destinations. */
static void
watch_hosts(HakoMigrateWizard *self)
{
    GListModel *hosts = hako_connection_manager_get_hosts(self->manager);

    for (guint i = 0; i < g_list_model_get_n_items(hosts); i++) {
        g_autoptr(HakoHost) host = g_list_model_get_item(hosts, i);

        g_signal_handlers_disconnect_by_func(host, fill_hosts, self);
        g_signal_connect_object(host, "notify::state", G_CALLBACK(fill_hosts), self,
                                G_CONNECT_SWAPPED);
    }
}

static void
hosts_changed_cb(HakoMigrateWizard *self)
{
    watch_hosts(self);
    fill_hosts(self);
}

/* "Or connect to": a host that is not connected yet, by its URI; chosen once it connects. */
static void
connect_clicked_cb(HakoMigrateWizard *self)
{
    g_autofree char *uri = entry_text(self->connect_entry);
    g_autoptr(GError) error = NULL;
    HakoHost *host;

    if (uri == NULL || !hako_uri_validate(uri, &error)) {
        gtk_label_set_text(self->options_message,
                           error != NULL ? error->message
                                         : _("Type the destination's connection URI, such as "
                                             "qemu+ssh://root@host2/system."));
        return;
    }
    host = hako_connection_manager_lookup(self->manager, uri);
    if (host == NULL)
        host = hako_connection_manager_add(self->manager, uri, HAKO_CONNECT_NONE);
    g_free(self->wanted_uri);
    self->wanted_uri = g_strdup(hako_host_get_uri(host));
    watch_hosts(self);
    if (!hako_host_is_connected(host))
        hako_connection_manager_connect(self->manager, host);
    gtk_label_set_text(self->options_message, _("Connecting…"));
    fill_hosts(self);
}

static void
fill_hosts(HakoMigrateWizard *self)
{
    GListModel *hosts = hako_connection_manager_get_hosts(self->manager);
    g_autofree char *chosen =
        g_strdup(gtk_combo_box_get_active_id(GTK_COMBO_BOX(self->host_combo)));

    gtk_combo_box_text_remove_all(self->host_combo);
    for (guint i = 0; i < g_list_model_get_n_items(hosts); i++) {
        g_autoptr(HakoHost) host = g_list_model_get_item(hosts, i);

        if (host == self->source || !hako_host_is_connected(host))
            continue;
        gtk_combo_box_text_append(self->host_combo, hako_host_get_uri(host),
                                  hako_host_get_label(host));
    }
    /* a host typed in is chosen as soon as it is connected */
    if (self->wanted_uri != NULL &&
        gtk_combo_box_set_active_id(GTK_COMBO_BOX(self->host_combo), self->wanted_uri))
        g_clear_pointer(&self->wanted_uri, g_free);
    else if (chosen == NULL ||
             !gtk_combo_box_set_active_id(GTK_COMBO_BOX(self->host_combo), chosen))
        gtk_combo_box_set_active(GTK_COMBO_BOX(self->host_combo), 0);
    options_changed_cb(self);
}

/* ---------------------------------------------------------------------------------------- */
/* Checks                                                                                     */

static const char *
status_icon(HakoPreflightStatus status)
{
    switch (status) {
    case HAKO_PREFLIGHT_PASSED:
        return "emblem-ok-symbolic";
    case HAKO_PREFLIGHT_WARNING:
        return "dialog-warning-symbolic";
    case HAKO_PREFLIGHT_FAILED:
    default:
        return "dialog-error-symbolic";
    }
}

static void
checks_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HakoMigrateWizard) self = user_data;
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) checks =
        hako_migrator_preflight_finish(HAKO_MIGRATOR(source), result, &error);
    g_autofree char *summary = NULL;

    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
    gtk_spinner_stop(self->checks_spinner);
    if (checks == NULL) {
        gtk_label_set_text(self->checks_summary, error->message);
        return;
    }
    for (guint i = 0; i < checks->len; i++) {
        const HakoPreflightCheck *check = g_ptr_array_index(checks, i);
        GtkWidget *row = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 12);
        GtkWidget *icon =
            gtk_image_new_from_icon_name(status_icon(check->status), GTK_ICON_SIZE_BUTTON);
        /* Translators: a check's outcome (passed, warning, failed), then what it found */
        g_autofree char *text = g_strdup_printf(
            _("%s: %s"), hako_preflight_status_to_string(check->status), check->sentence);
        GtkWidget *label = gtk_label_new(text);

        gtk_label_set_xalign(GTK_LABEL(label), 0.0);
        gtk_label_set_line_wrap(GTK_LABEL(label), TRUE);
        gtk_label_set_max_width_chars(GTK_LABEL(label), 70);
        gtk_label_set_selectable(GTK_LABEL(label), TRUE);
        gtk_container_set_border_width(GTK_CONTAINER(row), 6);
        gtk_box_pack_start(GTK_BOX(row), icon, FALSE, FALSE, 0);
        gtk_box_pack_start(GTK_BOX(row), label, TRUE, TRUE, 0);
        gtk_widget_show_all(row);
        gtk_list_box_insert(self->checks_list, row, -1);
    }
    if (hako_preflight_worst(checks) == HAKO_PREFLIGHT_FAILED)
        summary = g_strdup_printf(_("%u checks failed: the move cannot work as it is. Go back "
                                    "and change the options, or fix the destination."),
                                  hako_preflight_count(checks, HAKO_PREFLIGHT_FAILED));
    else if (hako_preflight_worst(checks) == HAKO_PREFLIGHT_WARNING)
        summary = g_strdup(_("The move can work; read the warnings first."));
    else
        summary = g_strdup(_("Every check passed."));
    gtk_label_set_text(self->checks_summary, summary);
    gtk_assistant_set_page_complete(GTK_ASSISTANT(self), self->checks_page,
                                    hako_preflight_worst(checks) != HAKO_PREFLIGHT_FAILED);
}

static void
run_checks(HakoMigrateWizard *self)
{
    g_autoptr(GList) rows = gtk_container_get_children(GTK_CONTAINER(self->checks_list));

    for (GList *l = rows; l != NULL; l = l->next)
        gtk_widget_destroy(l->data);
    if (self->checks_cancellable != NULL)
        g_cancellable_cancel(self->checks_cancellable);
    g_clear_object(&self->checks_cancellable);
    self->checks_cancellable = g_cancellable_new();
    gtk_assistant_set_page_complete(GTK_ASSISTANT(self), self->checks_page, FALSE);
    gtk_label_set_text(self->checks_summary, _("Checking whether the move can work…"));
    gtk_spinner_start(self->checks_spinner);
    read_fields(self);
    hako_migrator_preflight_async(self->migrator, self->domain, current_destination(self),
                                  self->spec, self->checks_cancellable, checks_cb,
                                  g_object_ref(self));
}

static void
prepare_cb(HakoMigrateWizard *self, GtkWidget *page)
{
    if (page == self->checks_page)
        run_checks(self);
}

/* ---------------------------------------------------------------------------------------- */
/* The migration                                                                              */

static char *
format_bytes(guint64 bytes)
{
    return g_format_size_full(bytes, G_FORMAT_SIZE_IEC_UNITS);
}

static void
progress_cb(const HakoMigrateProgress *progress, gpointer user_data)
{
    HakoMigrateWizard *self = user_data;
    g_autofree char *processed = format_bytes(progress->data_processed);
    g_autofree char *remaining = format_bytes(progress->data_remaining);
    g_autofree char *rate = format_bytes(progress->rate);
    g_autofree char *eta =
        progress->eta >= 0 ? g_strdup_printf("%" G_GINT64_FORMAT, progress->eta) : NULL;
    g_autofree char *iterations = g_strdup_printf("%" G_GUINT64_FORMAT, progress->iterations);
    g_autofree char *downtime = g_strdup_printf("%" G_GUINT64_FORMAT, progress->downtime);
    /* No time left of a move that does not converge: at its pace it would never end. */
    g_autofree char *left = progress->not_converging ? g_strdup(_("time left not known"))
                            : eta != NULL            ? g_strdup_printf(_("about %s s left"), eta)
                                                     : g_strdup(_("time left not known yet"));
    g_autofree char *figures = NULL;

    self->in_post_copy = progress->phase == HAKO_MIGRATE_PHASE_POST_COPY;
    if (progress->data_total > 0)
        gtk_progress_bar_set_fraction(self->progress_bar,
                                      hako_migrate_progress_get_fraction(progress));
    else
        gtk_progress_bar_pulse(self->progress_bar);
    gtk_progress_bar_set_text(self->progress_bar, hako_migrate_phase_to_string(progress->phase));
    /* Translators: bytes moved, bytes left, bytes per second, a count of passes, a number of
     * milliseconds, then "about N s left" or "time left not known yet" */
    if (progress->stalled >= 5000) {
        g_autofree char *seconds = g_strdup_printf("%" G_GUINT64_FORMAT, progress->stalled / 1000);

        /* Translators: bytes moved, bytes left, then a number of seconds */
        figures = g_strdup_printf(_("Moved %s, %s to go, but no data has moved for %s s: check "
                                    "the network between the hosts, or cancel the move."),
                                  processed, remaining, seconds);
    } else {
        figures = g_strdup_printf(_("Moved %s, %s to go, at %s/s; pass %s over the memory; "
                                    "expected downtime %s ms; %s."),
                                  processed, remaining, rate, iterations, downtime, left);
    }
    if (progress->not_converging) {
        g_autofree char *more = g_strconcat(
            figures, " ",
            _("It does not converge: the guest changes its memory about as fast as it moves. "
              "Cancel, and move it again with auto-converge, post-copy or a longer maximum "
              "downtime."),
            NULL);

        g_free(figures);
        figures = g_steal_pointer(&more);
    }
    gtk_label_set_text(self->progress_figures, figures);
    if (self->job != NULL) {
        g_autofree char *seconds = g_strdup_printf("%" G_GUINT64_FORMAT, progress->stalled / 1000);
        g_autofree char *stalled = progress->stalled >= 5000
                                       ? g_strdup_printf(_("No data has moved for %s s"), seconds)
                                       : NULL;

        hako_job_update(self->job,
                        progress->data_total > 0 ? hako_migrate_progress_get_fraction(progress)
                                                 : -1.0,
                        stalled != NULL ? stalled : hako_migrate_phase_to_string(progress->phase));
    }
}

static void
migrated_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HakoMigrateWizard) self = user_data;
    g_autoptr(GError) error = NULL;
    g_autoptr(HakoMigrateResult) where =
        hako_migrator_migrate_finish(HAKO_MIGRATOR(source), result, &error);
    g_autofree char *text = NULL;

    self->migrating = FALSE;
    if (self->job != NULL) {
        hako_job_list_remove(self->job);
        g_clear_object(&self->job);
    }
    if (where != NULL && where->cancel_too_late)
        text = g_strdup_printf(_("It was too late to cancel the move: “%s” already ran on %s, "
                                 "and runs there now."),
                               where->name, where->host_label);
    else if (where != NULL)
        text = g_strdup_printf(where->running ? _("“%s” now runs on %s.")
                                              : _("“%s” is now on %s, paused."),
                               where->name, where->host_label);
    else if (self->cancelled || g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        text = g_strdup_printf(_("The move was cancelled. %s"), error->message);
    else
        text = g_strdup_printf(_("The move failed. %s"), error->message);
    gtk_label_set_text(self->result_label, text);
    if (!gtk_widget_in_destruction(GTK_WIDGET(self))) {
        gtk_assistant_set_page_complete(GTK_ASSISTANT(self), self->progress_page, TRUE);
        gtk_assistant_set_current_page(GTK_ASSISTANT(self), PAGE_RESULT);
    }
}

static void
apply_cb(HakoMigrateWizard *self)
{
    read_fields(self);
    self->migrating = TRUE;
    self->cancelled = FALSE;
    self->in_post_copy = FALSE;
    g_clear_object(&self->cancellable);
    self->cancellable = g_cancellable_new();
    gtk_progress_bar_set_fraction(self->progress_bar, 0.0);
    gtk_label_set_text(self->progress_figures, _("Starting…"));
    gtk_widget_set_sensitive(self->cancel_button, TRUE);
    {
        /* Translators: a guest's name, then the host it moves to */
        g_autofree char *title =
            g_strdup_printf(_("Moving “%s” to %s"), hako_domain_get_name(self->domain),
                            hako_host_get_label(current_destination(self)));

        g_clear_object(&self->job);
        self->job = hako_job_new(title, self->cancellable);
        hako_job_list_add(self->job);
    }
    hako_migrator_migrate_async(self->migrator, self->domain, current_destination(self), self->spec,
                                progress_cb, self, NULL, self->cancellable, migrated_cb,
                                g_object_ref(self));
}

static void
cancel_cb(HakoMigrateWizard *self)
{
    if (self->migrating && self->in_post_copy) {
        /* libvirt cannot abort a move in post-copy: the guest's memory is on both hosts */
        gtk_label_set_text(self->progress_figures,
                           _("The guest already runs on the destination, so the move cannot be "
                             "cancelled now; it ends in a moment."));
        return;
    }
    if (self->migrating) {
        /* Aborted; the result page says where the guest runs. */
        self->cancelled = TRUE;
        g_cancellable_cancel(self->cancellable);
        gtk_widget_set_sensitive(self->cancel_button, FALSE);
        gtk_label_set_text(self->progress_figures, _("Cancelling…"));
        return;
    }
    gtk_widget_destroy(GTK_WIDGET(self));
}

static void
close_cb(HakoMigrateWizard *self)
{
    gtk_widget_destroy(GTK_WIDGET(self));
}

static gboolean
delete_event_cb(HakoMigrateWizard *self)
{
    /* A running move is cancelled first; the window stays to say how it ended. */
    if (self->migrating) {
        cancel_cb(self);
        return TRUE;
    }
    return FALSE;
}

/* ---------------------------------------------------------------------------------------- */
/* Building the pages                                                                        */

static GtkWidget *
labelled(GtkGrid *grid, int row, const char *caption, GtkWidget *widget)
{
    GtkWidget *label = gtk_label_new_with_mnemonic(caption);

    gtk_label_set_xalign(GTK_LABEL(label), 1.0);
    gtk_label_set_mnemonic_widget(GTK_LABEL(label), widget);
    atk_object_set_name(gtk_widget_get_accessible(widget), gtk_label_get_text(GTK_LABEL(label)));
    gtk_widget_set_hexpand(widget, TRUE);
    gtk_grid_attach(grid, label, 0, row, 1, 1);
    gtk_grid_attach(grid, widget, 1, row, 1, 1);
    return widget;
}

static GtkToggleButton *
check(GtkGrid *grid, int row, const char *caption, gboolean active, const char *tooltip)
{
    GtkWidget *button = gtk_check_button_new_with_mnemonic(caption);

    gtk_toggle_button_set_active(GTK_TOGGLE_BUTTON(button), active);
    gtk_widget_set_tooltip_text(button, tooltip);
    gtk_grid_attach(grid, button, 1, row, 1, 1);
    return GTK_TOGGLE_BUTTON(button);
}

static void
build_options_page(HakoMigrateWizard *self)
{
    GtkGrid *grid = GTK_GRID(gtk_grid_new());
    GtkWidget *modes = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 12);
    int row = 0;

    gtk_container_set_border_width(GTK_CONTAINER(grid), 12);
    gtk_grid_set_row_spacing(grid, 6);
    gtk_grid_set_column_spacing(grid, 12);
    self->host_combo =
        GTK_COMBO_BOX_TEXT(labelled(grid, row++, _("_Destination:"), gtk_combo_box_text_new()));
    {
        GtkWidget *box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);
        GtkWidget *button = gtk_button_new_with_mnemonic(_("Co_nnect"));

        self->connect_entry = GTK_ENTRY(gtk_entry_new());
        gtk_entry_set_placeholder_text(self->connect_entry, _("qemu+ssh://root@host2/system"));
        gtk_widget_set_hexpand(GTK_WIDGET(self->connect_entry), TRUE);
        gtk_box_pack_start(GTK_BOX(box), GTK_WIDGET(self->connect_entry), TRUE, TRUE, 0);
        gtk_box_pack_start(GTK_BOX(box), button, FALSE, FALSE, 0);
        labelled(grid, row++, _("Or connect _to:"), box);
        gtk_label_set_mnemonic_widget(GTK_LABEL(gtk_grid_get_child_at(grid, 0, row - 1)),
                                      GTK_WIDGET(self->connect_entry));
        atk_object_set_name(gtk_widget_get_accessible(GTK_WIDGET(self->connect_entry)),
                            _("Or connect to:"));
        g_signal_connect_swapped(button, "clicked", G_CALLBACK(connect_clicked_cb), self);
        g_signal_connect_swapped(self->connect_entry, "activate", G_CALLBACK(connect_clicked_cb),
                                 self);
    }
    self->live_radio =
        GTK_TOGGLE_BUTTON(gtk_radio_button_new_with_mnemonic(NULL, _("_Live (keeps running)")));
    self->offline_radio = GTK_TOGGLE_BUTTON(gtk_radio_button_new_with_mnemonic_from_widget(
        GTK_RADIO_BUTTON(self->live_radio), _("_Offline (its definition only)")));
    gtk_box_pack_start(GTK_BOX(modes), GTK_WIDGET(self->live_radio), FALSE, FALSE, 0);
    gtk_box_pack_start(GTK_BOX(modes), GTK_WIDGET(self->offline_radio), FALSE, FALSE, 0);
    gtk_grid_attach(grid, modes, 1, row++, 1, 1);
    self->persistent_check =
        check(grid, row++, _("Keep it _defined on the destination"), TRUE,
              _("Without this, the guest is gone from the destination once it stops"));
    self->undefine_check = check(grid, row++, _("_Undefine it on the source"), FALSE,
                                 _("The source forgets the guest once it has moved"));
    self->p2p_check = check(grid, row++, _("_Peer-to-peer"), FALSE,
                            _("The source's libvirt daemon connects to the destination's"));
    self->tunnelled_check = check(grid, row++, _("_Tunnelled through libvirt"), FALSE,
                                  _("The data goes over libvirt's own connection (needs "
                                    "peer-to-peer)"));
    self->storage_combo =
        GTK_COMBO_BOX_TEXT(labelled(grid, row++, _("Copy _storage:"), gtk_combo_box_text_new()));
    gtk_combo_box_text_append(self->storage_combo, "none", _("No: both hosts see the disks"));
    gtk_combo_box_text_append(self->storage_combo, "all", _("All disks"));
    gtk_combo_box_text_append(self->storage_combo, "incremental",
                              _("Only the top image of each disk"));
    gtk_combo_box_set_active_id(GTK_COMBO_BOX(self->storage_combo), "none");
    self->bandwidth_spin = GTK_SPIN_BUTTON(labelled(grid, row++, _("_Bandwidth limit (MiB/s):"),
                                                    gtk_spin_button_new_with_range(0, 100000, 1)));
    gtk_widget_set_tooltip_text(GTK_WIDGET(self->bandwidth_spin), _("0 for no limit"));
    self->downtime_spin = GTK_SPIN_BUTTON(labelled(grid, row++, _("Maximum _downtime (ms):"),
                                                   gtk_spin_button_new_with_range(0, 60000, 10)));
    gtk_widget_set_tooltip_text(GTK_WIDGET(self->downtime_spin),
                                _("0 for the hypervisor's default"));
    self->converge_check = check(grid, row++, _("_Auto-converge"), FALSE,
                                 _("Slow the guest down if its memory changes faster than it "
                                   "can be moved"));
    self->postcopy_check = check(grid, row++, _("Post-_copy"), FALSE,
                                 _("Run the guest on the destination early and fetch its memory "
                                   "as it is needed"));
    self->unsafe_check = check(grid, row++, _("Allo_w unsafe migration"), FALSE,
                               _("Move it even when libvirt cannot tell that both hosts share "
                                 "its disks; if they do not, the guest's data may be damaged"));
    self->name_entry = GTK_ENTRY(labelled(grid, row++, _("New _name:"), gtk_entry_new()));
    gtk_entry_set_placeholder_text(self->name_entry, _("the same"));
    self->uri_entry = GTK_ENTRY(labelled(grid, row++, _("Migration _address:"), gtk_entry_new()));
    gtk_entry_set_placeholder_text(self->uri_entry, _("the address the destination reports"));
    self->options_message = GTK_LABEL(gtk_label_new(NULL));
    gtk_label_set_xalign(self->options_message, 0.0);
    gtk_label_set_line_wrap(self->options_message, TRUE);
    gtk_grid_attach(grid, GTK_WIDGET(self->options_message), 0, row++, 2, 1);

    g_signal_connect_swapped(self->host_combo, "changed", G_CALLBACK(options_changed_cb), self);
    g_signal_connect_swapped(self->storage_combo, "changed", G_CALLBACK(options_changed_cb), self);
    g_signal_connect_swapped(self->name_entry, "changed", G_CALLBACK(options_changed_cb), self);
    g_signal_connect_swapped(self->uri_entry, "changed", G_CALLBACK(options_changed_cb), self);
    g_signal_connect_swapped(self->bandwidth_spin, "value-changed", G_CALLBACK(options_changed_cb),
                             self);
    g_signal_connect_swapped(self->downtime_spin, "value-changed", G_CALLBACK(options_changed_cb),
                             self);
    {
        GtkToggleButton *toggles[] = {
            self->live_radio,     self->offline_radio,  self->persistent_check,
            self->undefine_check, self->p2p_check,      self->tunnelled_check,
            self->converge_check, self->postcopy_check, self->unsafe_check};

        for (guint i = 0; i < G_N_ELEMENTS(toggles); i++)
            g_signal_connect_swapped(toggles[i], "toggled", G_CALLBACK(options_changed_cb), self);
    }

    self->options_page = GTK_WIDGET(grid);
    gtk_widget_show_all(self->options_page);
    gtk_assistant_append_page(GTK_ASSISTANT(self), self->options_page);
    gtk_assistant_set_page_title(GTK_ASSISTANT(self), self->options_page, _("Destination"));
    gtk_assistant_set_page_type(GTK_ASSISTANT(self), self->options_page,
                                GTK_ASSISTANT_PAGE_CONTENT);
}

static void
build_other_pages(HakoMigrateWizard *self)
{
    GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 6);
    GtkWidget *top = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);
    GtkWidget *scrolled = gtk_scrolled_window_new(NULL, NULL);

    gtk_container_set_border_width(GTK_CONTAINER(box), 12);
    self->checks_spinner = GTK_SPINNER(gtk_spinner_new());
    self->checks_summary = GTK_LABEL(gtk_label_new(NULL));
    gtk_label_set_xalign(self->checks_summary, 0.0);
    gtk_label_set_line_wrap(self->checks_summary, TRUE);
    gtk_box_pack_start(GTK_BOX(top), GTK_WIDGET(self->checks_spinner), FALSE, FALSE, 0);
    gtk_box_pack_start(GTK_BOX(top), GTK_WIDGET(self->checks_summary), TRUE, TRUE, 0);
    gtk_box_pack_start(GTK_BOX(box), top, FALSE, FALSE, 0);
    self->checks_list = GTK_LIST_BOX(gtk_list_box_new());
    gtk_list_box_set_selection_mode(self->checks_list, GTK_SELECTION_NONE);
    atk_object_set_name(gtk_widget_get_accessible(GTK_WIDGET(self->checks_list)), _("Checks"));
    gtk_container_add(GTK_CONTAINER(scrolled), GTK_WIDGET(self->checks_list));
    gtk_widget_set_vexpand(scrolled, TRUE);
    gtk_box_pack_start(GTK_BOX(box), scrolled, TRUE, TRUE, 0);
    self->checks_page = box;
    gtk_widget_show_all(box);
    gtk_assistant_append_page(GTK_ASSISTANT(self), box);
    gtk_assistant_set_page_title(GTK_ASSISTANT(self), box, _("Checks"));
    gtk_assistant_set_page_type(GTK_ASSISTANT(self), box, GTK_ASSISTANT_PAGE_CONFIRM);

    box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 12);
    gtk_container_set_border_width(GTK_CONTAINER(box), 24);
    gtk_widget_set_valign(box, GTK_ALIGN_CENTER);
    self->progress_bar = GTK_PROGRESS_BAR(gtk_progress_bar_new());
    gtk_progress_bar_set_show_text(self->progress_bar, TRUE);
    self->progress_figures = GTK_LABEL(gtk_label_new(NULL));
    gtk_label_set_line_wrap(self->progress_figures, TRUE);
    gtk_box_pack_start(GTK_BOX(box), GTK_WIDGET(self->progress_bar), FALSE, FALSE, 0);
    gtk_box_pack_start(GTK_BOX(box), GTK_WIDGET(self->progress_figures), FALSE, FALSE, 0);
    /* GtkAssistant keeps its own Cancel off on a progress page until the page is complete, so
     * the page has one of its own. */
    self->cancel_button = gtk_button_new_with_mnemonic(_("Cancel the _Move"));
    gtk_widget_set_halign(self->cancel_button, GTK_ALIGN_END);
    gtk_widget_set_tooltip_text(self->cancel_button,
                                _("Stop moving the guest; it keeps running where it was"));
    g_signal_connect_swapped(self->cancel_button, "clicked", G_CALLBACK(cancel_cb), self);
    gtk_box_pack_start(GTK_BOX(box), self->cancel_button, FALSE, FALSE, 0);
    self->progress_page = box;
    gtk_widget_show_all(box);
    gtk_assistant_append_page(GTK_ASSISTANT(self), box);
    gtk_assistant_set_page_title(GTK_ASSISTANT(self), box, _("Migrating"));
    gtk_assistant_set_page_type(GTK_ASSISTANT(self), box, GTK_ASSISTANT_PAGE_PROGRESS);

    box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 12);
    gtk_container_set_border_width(GTK_CONTAINER(box), 24);
    gtk_widget_set_valign(box, GTK_ALIGN_CENTER);
    self->result_label = GTK_LABEL(gtk_label_new(NULL));
    gtk_label_set_line_wrap(self->result_label, TRUE);
    gtk_label_set_xalign(self->result_label, 0.0);
    gtk_box_pack_start(GTK_BOX(box), GTK_WIDGET(self->result_label), FALSE, FALSE, 0);
    self->result_page = box;
    gtk_widget_show_all(self->result_page);
    gtk_assistant_append_page(GTK_ASSISTANT(self), self->result_page);
    gtk_assistant_set_page_title(GTK_ASSISTANT(self), self->result_page, _("Done"));
    gtk_assistant_set_page_type(GTK_ASSISTANT(self), self->result_page, GTK_ASSISTANT_PAGE_SUMMARY);
}

/* GtkAssistant's last button says Apply; this one migrates. */
static void
rename_apply_cb(GtkWidget *widget, gpointer data)
{
    if (GTK_IS_BUTTON(widget) &&
        g_strcmp0(gtk_button_get_label(GTK_BUTTON(widget)), g_dgettext("gtk30", "_Apply")) == 0)
        gtk_button_set_label(GTK_BUTTON(widget), _("_Migrate"));
    else if (GTK_IS_CONTAINER(widget))
        gtk_container_forall(GTK_CONTAINER(widget), rename_apply_cb, data);
}

/* ---------------------------------------------------------------------------------------- */

static void
hako_migrate_wizard_dispose(GObject *object)
{
    HakoMigrateWizard *self = HAKO_MIGRATE_WIZARD(object);

    if (self->checks_cancellable != NULL)
        g_cancellable_cancel(self->checks_cancellable);
    g_clear_object(&self->checks_cancellable);
    /* a migration still running goes on to its end: the migrator holds what it needs */
    g_clear_object(&self->cancellable);
    if (self->job != NULL)
        hako_job_list_remove(self->job);
    g_clear_object(&self->job);
    g_clear_object(&self->migrator);
    g_clear_object(&self->source);
    g_clear_object(&self->domain);
    g_clear_object(&self->manager);

    G_OBJECT_CLASS(hako_migrate_wizard_parent_class)->dispose(object);
}

static void
hako_migrate_wizard_finalize(GObject *object)
{
    hako_migrate_spec_free(HAKO_MIGRATE_WIZARD(object)->spec);
    g_free(HAKO_MIGRATE_WIZARD(object)->wanted_uri);

    G_OBJECT_CLASS(hako_migrate_wizard_parent_class)->finalize(object);
}

static void
hako_migrate_wizard_class_init(HakoMigrateWizardClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);

    object_class->dispose = hako_migrate_wizard_dispose;
    object_class->finalize = hako_migrate_wizard_finalize;
}

static void
hako_migrate_wizard_init(HakoMigrateWizard *self)
{
    self->spec = hako_migrate_spec_new();
    gtk_window_set_default_size(GTK_WINDOW(self), 640, 520);
    g_signal_connect(self, "apply", G_CALLBACK(apply_cb), NULL);
    g_signal_connect(self, "cancel", G_CALLBACK(cancel_cb), NULL);
    g_signal_connect(self, "close", G_CALLBACK(close_cb), NULL);
    g_signal_connect(self, "prepare", G_CALLBACK(prepare_cb), NULL);
    g_signal_connect(self, "delete-event", G_CALLBACK(delete_event_cb), NULL);
}

/**
 * hako_migrate_wizard_new:
 * @domain: the guest to move
 *
 * Returns: (transfer none): the wizard's window, not yet shown; it destroys itself when closed.
 */
GtkWidget *
hako_migrate_wizard_new(GtkWindow *parent, HakoConnectionManager *manager, HakoDomain *domain)
{
    HakoMigrateWizard *self;
    GListModel *hosts;

    g_return_val_if_fail(HAKO_IS_CONNECTION_MANAGER(manager), NULL);
    g_return_val_if_fail(HAKO_IS_DOMAIN(domain), NULL);

    self = g_object_new(HAKO_TYPE_MIGRATE_WIZARD, "transient-for", parent, "destroy-with-parent",
                        TRUE, NULL);
    self->manager = g_object_ref(manager);
    self->domain = g_object_ref(domain);
    self->source = g_object_ref(hako_domain_get_host(domain));
    self->migrator = hako_migrator_new(manager);
    build_options_page(self);
    build_other_pages(self);
    gtk_container_forall(GTK_CONTAINER(self), rename_apply_cb, NULL);
    hosts = hako_connection_manager_get_hosts(manager);
    g_signal_connect_object(hosts, "items-changed", G_CALLBACK(hosts_changed_cb), self,
                            G_CONNECT_SWAPPED);
    watch_hosts(self);
    /* an offline move is for a guest that is off */
    gtk_toggle_button_set_active(self->offline_radio,
                                 hako_domain_get_state(domain) == HAKO_DOMAIN_STATE_SHUTOFF);
    fill_hosts(self);
    return GTK_WIDGET(self);
}

/**
 * hako_migrate_wizard_get_spec:
 *
 * Returns: (transfer none): the move as the wizard's fields describe it now.
 */
HakoMigrateSpec *
hako_migrate_wizard_get_spec(HakoMigrateWizard *self)
{
    g_return_val_if_fail(HAKO_IS_MIGRATE_WIZARD(self), NULL);

    read_fields(self);
    return self->spec;
}

static GtkWidget *
open_migrate_wizard(GtkWindow *parent, HakoConnectionManager *manager, HakoDomain *domain)
{
    return hako_migrate_wizard_new(parent, manager, domain);
}

/**
 * hako_migrate_wizard_register:
 *
 * Called once by hako_wizards_register_types(): the manager's Migrate… opens the wizard
 * through the function set here.
 */
void
hako_migrate_wizard_register(void)
{
    g_type_ensure(HAKO_TYPE_MIGRATE_WIZARD);
    hako_manager_window_set_migrate_func(open_migrate_wizard);
}
