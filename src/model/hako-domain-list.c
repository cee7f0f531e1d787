/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoDomainList: the guests of one host, as a GListModel indexed by UUID. */
#include "config.h"

#include "hako-domain-list.h"

struct _HakoDomainList {
    GObject parent_instance;

    GPtrArray *items;    /* HakoDomain, owned */
    GHashTable *by_uuid; /* uuid -> HakoDomain, borrowed from items */
};

static void list_model_iface_init(GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE(HakoDomainList,
                              hako_domain_list,
                              G_TYPE_OBJECT,
                              G_IMPLEMENT_INTERFACE(G_TYPE_LIST_MODEL, list_model_iface_init))

static GType
get_item_type(GListModel *model)
{
    return HAKO_TYPE_DOMAIN;
}

static guint
get_n_items(GListModel *model)
{
    return HAKO_DOMAIN_LIST(model)->items->len;
}

static gpointer
get_item(GListModel *model, guint position)
{
    HakoDomainList *self = HAKO_DOMAIN_LIST(model);

    if (position >= self->items->len)
        return NULL;
    return g_object_ref(g_ptr_array_index(self->items, position));
}

static void
list_model_iface_init(GListModelInterface *iface)
{
    iface->get_item_type = get_item_type;
    iface->get_n_items = get_n_items;
    iface->get_item = get_item;
}

static void
hako_domain_list_dispose(GObject *object)
{
    HakoDomainList *self = HAKO_DOMAIN_LIST(object);

    g_hash_table_remove_all(self->by_uuid);
    g_ptr_array_set_size(self->items, 0);

    G_OBJECT_CLASS(hako_domain_list_parent_class)->dispose(object);
}

static void
hako_domain_list_finalize(GObject *object)
{
    HakoDomainList *self = HAKO_DOMAIN_LIST(object);

    g_hash_table_unref(self->by_uuid);
    g_ptr_array_unref(self->items);

    G_OBJECT_CLASS(hako_domain_list_parent_class)->finalize(object);
}

static void
hako_domain_list_class_init(HakoDomainListClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);

    object_class->dispose = hako_domain_list_dispose;
    object_class->finalize = hako_domain_list_finalize;
}

static void
hako_domain_list_init(HakoDomainList *self)
{
    self->items = g_ptr_array_new_with_free_func(g_object_unref);
    self->by_uuid = g_hash_table_new(g_str_hash, g_str_equal);
}

HakoDomainList *
hako_domain_list_new(void)
{
    return g_object_new(HAKO_TYPE_DOMAIN_LIST, NULL);
}

/**
 * hako_domain_list_lookup:
 *
 * Returns: (transfer none) (nullable): the guest with @uuid.
 */
HakoDomain *
hako_domain_list_lookup(HakoDomainList *self, const char *uuid)
{
    g_return_val_if_fail(HAKO_IS_DOMAIN_LIST(self), NULL);
    g_return_val_if_fail(uuid != NULL, NULL);

    return g_hash_table_lookup(self->by_uuid, uuid);
}

/**
 * hako_domain_list_lookup_by_name:
 *
 * Returns: (transfer none) (nullable): the guest called @name.
 */
HakoDomain *
hako_domain_list_lookup_by_name(HakoDomainList *self, const char *name)
{
    g_return_val_if_fail(HAKO_IS_DOMAIN_LIST(self), NULL);
    g_return_val_if_fail(name != NULL, NULL);

    for (guint i = 0; i < self->items->len; i++) {
        HakoDomain *domain = g_ptr_array_index(self->items, i);

        if (g_strcmp0(hako_domain_get_name(domain), name) == 0)
            return domain;
    }
    return NULL;
}

/**
 * hako_domain_list_find:
 * @reference: a guest's ID (while it runs), UUID or name, as virt-viewer takes it
 *
 * Tries @reference as an ID when it is all digits, then as a UUID (in any letter case), then
 * as a name, the order virt-viewer uses: a guest called "7" is found by name only when no
 * running guest has the ID 7.
 *
 * Returns: (transfer none) (nullable): the guest, or %NULL
 */
HakoDomain *
hako_domain_list_find(HakoDomainList *self, const char *reference)
{
    g_autofree char *uuid = NULL;
    HakoDomain *domain;
    guint64 id;

    g_return_val_if_fail(HAKO_IS_DOMAIN_LIST(self), NULL);
    g_return_val_if_fail(reference != NULL, NULL);

    if (g_ascii_string_to_unsigned(reference, 10, 0, G_MAXINT, &id, NULL)) {
        for (guint i = 0; i < self->items->len; i++) {
            domain = g_ptr_array_index(self->items, i);
            if (hako_domain_is_active(domain) && hako_domain_get_id(domain) == (int)id)
                return domain;
        }
    }
    uuid = g_ascii_strdown(reference, -1);
    domain = g_hash_table_lookup(self->by_uuid, uuid);
    if (domain != NULL)
        return domain;
    return hako_domain_list_lookup_by_name(self, reference);
}

guint
hako_domain_list_count_in_state(HakoDomainList *self, HakoDomainState state)
{
    guint n = 0;

    g_return_val_if_fail(HAKO_IS_DOMAIN_LIST(self), 0);

    for (guint i = 0; i < self->items->len; i++)
        if (hako_domain_get_state(g_ptr_array_index(self->items, i)) == state)
            n++;
    return n;
}

/**
 * hako_domain_list_add:
 * @domain: (transfer none): a guest whose UUID is not in the list yet
 */
void
hako_domain_list_add(HakoDomainList *self, HakoDomain *domain)
{
    g_return_if_fail(HAKO_IS_DOMAIN_LIST(self));
    g_return_if_fail(HAKO_IS_DOMAIN(domain));
    g_return_if_fail(!g_hash_table_contains(self->by_uuid, hako_domain_get_uuid(domain)));

    g_ptr_array_add(self->items, g_object_ref(domain));
    g_hash_table_insert(self->by_uuid, (gpointer)hako_domain_get_uuid(domain), domain);
    g_list_model_items_changed(G_LIST_MODEL(self), self->items->len - 1, 0, 1);
}

/**
 * hako_domain_list_add_many:
 * @domains: (element-type HakoDomain) (transfer none): guests whose UUIDs are
 *   not in the list yet, nor twice in @domains
 *
 * Appends @domains with one "items-changed", so that a view of a host with
 * thousands of guests can take them in one go.
 */
void
hako_domain_list_add_many(HakoDomainList *self, GPtrArray *domains)
{
    guint position;
    guint added = 0;

    g_return_if_fail(HAKO_IS_DOMAIN_LIST(self));
    g_return_if_fail(domains != NULL);

    position = self->items->len;
    for (guint i = 0; i < domains->len; i++) {
        HakoDomain *domain = g_ptr_array_index(domains, i);

        g_return_if_fail(HAKO_IS_DOMAIN(domain));
        if (g_hash_table_contains(self->by_uuid, hako_domain_get_uuid(domain))) {
            g_critical("%s: guest %s is already listed", G_STRFUNC, hako_domain_get_uuid(domain));
            continue;
        }
        g_ptr_array_add(self->items, g_object_ref(domain));
        g_hash_table_insert(self->by_uuid, (gpointer)hako_domain_get_uuid(domain), domain);
        added++;
    }
    if (added > 0)
        g_list_model_items_changed(G_LIST_MODEL(self), position, 0, added);
}

gboolean
hako_domain_list_remove(HakoDomainList *self, HakoDomain *domain)
{
    guint position;

    g_return_val_if_fail(HAKO_IS_DOMAIN_LIST(self), FALSE);
    g_return_val_if_fail(HAKO_IS_DOMAIN(domain), FALSE);

    if (!g_ptr_array_find(self->items, domain, &position))
        return FALSE;

    g_hash_table_remove(self->by_uuid, hako_domain_get_uuid(domain));
    g_ptr_array_remove_index(self->items, position);
    g_list_model_items_changed(G_LIST_MODEL(self), position, 1, 0);
    return TRUE;
}

void
hako_domain_list_remove_all(HakoDomainList *self)
{
    guint n;

    g_return_if_fail(HAKO_IS_DOMAIN_LIST(self));

    n = self->items->len;
    if (n == 0)
        return;
    g_hash_table_remove_all(self->by_uuid);
    g_ptr_array_set_size(self->items, 0);
    g_list_model_items_changed(G_LIST_MODEL(self), 0, n, 0);
}
