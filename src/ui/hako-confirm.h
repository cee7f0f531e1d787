/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Questions asked before an action, each switched off by its confirm-* key in Preferences. */
#pragma once

#include "hako-domain.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* The answers of hako_confirm_unapplied(). */
typedef enum {
    HAKO_UNAPPLIED_CANCEL,
    HAKO_UNAPPLIED_APPLY,
    HAKO_UNAPPLIED_DISCARD,
} HakoUnappliedAnswer;

typedef void (*HakoConfirmFunc)(gpointer user_data);
typedef void (*HakoUnappliedFunc)(HakoUnappliedAnswer answer, gpointer user_data);

gboolean hako_confirm_wanted(GSettings *settings, const char *key);
void hako_confirm(GtkWindow *parent,
                  GSettings *settings,
                  const char *key,
                  const char *question,
                  const char *detail,
                  const char *verb,
                  gboolean destructive,
                  HakoConfirmFunc confirmed,
                  gpointer user_data,
                  GDestroyNotify destroy);
gboolean hako_confirm_domain_action_wanted(GSettings *settings, HakoDomainAction action);
void hako_confirm_domain_action(GtkWindow *parent,
                                GSettings *settings,
                                HakoDomain *domain,
                                HakoDomainAction action,
                                HakoConfirmFunc confirmed,
                                gpointer user_data,
                                GDestroyNotify destroy);
void hako_confirm_unapplied(GtkWindow *parent,
                            GSettings *settings,
                            HakoDomain *domain,
                            gboolean closing,
                            HakoUnappliedFunc answered,
                            gpointer user_data,
                            GDestroyNotify destroy);

G_END_DECLS
