/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Error domain of the model layer. */
#include "config.h"

#include "hako-model-types.h"

G_DEFINE_QUARK(hako_model_error, hako_model_error)
