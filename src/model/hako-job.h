/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoJob: a long job (a migration…) that the manager window lists while it runs. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define HAKO_TYPE_JOB (hako_job_get_type())
G_DECLARE_FINAL_TYPE(HakoJob, hako_job, HAKO, JOB, GObject)

HakoJob *hako_job_new(const char *title, GCancellable *cancellable);
const char *hako_job_get_title(HakoJob *self);
double hako_job_get_fraction(HakoJob *self);
const char *hako_job_get_status(HakoJob *self);
void hako_job_update(HakoJob *self, double fraction, const char *status);
void hako_job_cancel(HakoJob *self);

GListStore *hako_job_list_get_default(void);
void hako_job_list_add(HakoJob *job);
void hako_job_list_remove(HakoJob *job);

G_END_DECLS
