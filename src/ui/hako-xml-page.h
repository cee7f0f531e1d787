/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoXmlPage: a guest's XML definition, edited, reviewed as a diff, and applied. */
#pragma once

#include "hako-connection-manager.h"
#include "hako-domain.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define HAKO_TYPE_XML_PAGE (hako_xml_page_get_type())
G_DECLARE_FINAL_TYPE(HakoXmlPage, hako_xml_page, HAKO, XML_PAGE, GtkBox)

GtkWidget *hako_xml_page_new(HakoConnectionManager *manager, HakoDomain *domain);
HakoDomain *hako_xml_page_get_domain(HakoXmlPage *self);
void hako_xml_page_reload(HakoXmlPage *self);

G_END_DECLS
