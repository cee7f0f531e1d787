/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoJob: a long job (a migration…) that the manager window lists while it runs. */
#include "config.h"

#include "hako-job.h"

/*
 * A job is what its owner (the migrate wizard) says of it: a title, how far it is (a fraction,
 * or a negative one when not known) and a status line; cancelling it cancels the cancellable
 * its owner gave. The default list holds the jobs that run, for the manager window to show;
 * the owner adds a job when it starts and removes it when it ends. Main thread only.
 */

struct _HakoJob {
    GObject parent_instance;

    char *title;
    double fraction;
    char *status;
    GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE(HakoJob, hako_job, G_TYPE_OBJECT)

enum { PROP_0, PROP_TITLE, PROP_FRACTION, PROP_STATUS, N_PROPS };

static GParamSpec *properties[N_PROPS];

static void
hako_job_finalize(GObject *object)
{
    HakoJob *self = HAKO_JOB(object);

    g_free(self->title);
    g_free(self->status);
    g_clear_object(&self->cancellable);

    G_OBJECT_CLASS(hako_job_parent_class)->finalize(object);
}

static void
hako_job_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
    HakoJob *self = HAKO_JOB(object);

    switch (prop_id) {
    case PROP_TITLE:
        g_value_set_string(value, self->title);
        break;
    case PROP_FRACTION:
        g_value_set_double(value, self->fraction);
        break;
    case PROP_STATUS:
        g_value_set_string(value, self->status);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    }
}

static void
hako_job_class_init(HakoJobClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

    object_class->finalize = hako_job_finalize;
    object_class->get_property = hako_job_get_property;

    properties[PROP_TITLE] = g_param_spec_string("title", NULL, NULL, NULL, flags);
    properties[PROP_FRACTION] = g_param_spec_double("fraction", NULL, NULL, -1.0, 1.0, -1.0, flags);
    properties[PROP_STATUS] = g_param_spec_string("status", NULL, NULL, NULL, flags);
    g_object_class_install_properties(object_class, N_PROPS, properties);
}

static void
hako_job_init(HakoJob *self)
{
    self->fraction = -1.0;
}

/**
 * hako_job_new:
 * @title: what the job does: "Moving “web” to host2"
 * @cancellable: (nullable): cancelled by hako_job_cancel()
 */
HakoJob *
hako_job_new(const char *title, GCancellable *cancellable)
{
    HakoJob *self = g_object_new(HAKO_TYPE_JOB, NULL);

    self->title = g_strdup(title);
    self->cancellable = cancellable != NULL ? g_object_ref(cancellable) : NULL;
    return self;
}

const char *
hako_job_get_title(HakoJob *self)
{
    g_return_val_if_fail(HAKO_IS_JOB(self), NULL);
    return self->title;
}

double
hako_job_get_fraction(HakoJob *self)
{
    g_return_val_if_fail(HAKO_IS_JOB(self), -1.0);
    return self->fraction;
}

const char *
hako_job_get_status(HakoJob *self)
{
    g_return_val_if_fail(HAKO_IS_JOB(self), NULL);
    return self->status;
}

/**
 * hako_job_update:
 * @fraction: how far, from 0 to 1; negative when not known
 * @status: (nullable): one line on what it does now
 */
void
hako_job_update(HakoJob *self, double fraction, const char *status)
{
    g_return_if_fail(HAKO_IS_JOB(self));

    fraction = fraction < 0 ? -1.0 : MIN(fraction, 1.0);
    if (fraction != self->fraction) {
        self->fraction = fraction;
        g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_FRACTION]);
    }
    if (g_strcmp0(status, self->status) != 0) {
        g_free(self->status);
        self->status = g_strdup(status);
        g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_STATUS]);
    }
}

void
hako_job_cancel(HakoJob *self)
{
    g_return_if_fail(HAKO_IS_JOB(self));

    if (self->cancellable != NULL)
        g_cancellable_cancel(self->cancellable);
}

/**
 * hako_job_list_get_default:
 *
 * Returns: (transfer none): the jobs that run now, a #GListStore of #HakoJob.
 */
GListStore *
hako_job_list_get_default(void)
{
    static GListStore *list;

    if (list == NULL)
        list = g_list_store_new(HAKO_TYPE_JOB);
    return list;
}

void
hako_job_list_add(HakoJob *job)
{
    g_return_if_fail(HAKO_IS_JOB(job));

    g_list_store_append(hako_job_list_get_default(), job);
}

void
hako_job_list_remove(HakoJob *job)
{
    GListStore *list = hako_job_list_get_default();
    guint position;

    g_return_if_fail(HAKO_IS_JOB(job));

    if (g_list_store_find(list, job, &position))
        g_list_store_remove(list, position);
}
