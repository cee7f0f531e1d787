/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoHostStore: a GtkTreeStore mirroring the hosts and their guests, one object per row. */
#include "config.h"

#include "hako-host-store.h"

/*
 * The store keeps its rows in the same order as the lists it mirrors: the top level follows
 * the hosts GListModel and the children of a host follow its HakoDomainList. That lets
 * "items-changed" (position, removed, added) be applied row by row. Rows hold the objects
 * themselves, never copies of their strings: the view renders them through cell data
 * functions, and a "notify" on an object only emits "row-changed" for its row.
 *
 * GtkTreeStore iters stay valid until their row is removed (GTK_TREE_MODEL_ITERS_PERSIST), so
 * each object maps to its GtkTreeIter in a hash table: a notification finds its row at once,
 * and a removal starts from the row of the unchanged item before it, which matters for hosts
 * with thousands of guests.
 *
 * One engine update notifies several properties of a guest in a row (state, then its reason,
 * then memory...). Each "row-changed" makes the filter and sort models above re-check the row,
 * so notifications only mark the row, and the marked rows change once, from an idle callback
 * that runs before GTK's next redraw.
 */

struct _HakoHostStore {
    GtkTreeStore parent_instance;

    GListModel *hosts;
    GHashTable *iters;   /* HakoHost or HakoDomain (borrowed: the row holds a ref) -> GtkTreeIter */
    GHashTable *changed; /* set of the objects whose row must emit "row-changed" */
    guint changed_idle_id;
};

G_DEFINE_FINAL_TYPE(HakoHostStore, hako_host_store, GTK_TYPE_TREE_STORE)

enum { PROP_0, PROP_HOSTS, N_PROPS };

static GParamSpec *properties[N_PROPS];

enum { SIGNAL_BATCH_BEGIN, SIGNAL_BATCH_END, N_SIGNALS };

static guint signals[N_SIGNALS];

static void hosts_items_changed_cb(
    HakoHostStore *self, guint position, guint removed, guint added, GListModel *hosts);

static void
emit_row_changed(HakoHostStore *self, GtkTreeIter *iter)
{
    g_autoptr(GtkTreePath) path = gtk_tree_model_get_path(GTK_TREE_MODEL(self), iter);

    gtk_tree_model_row_changed(GTK_TREE_MODEL(self), path, iter);
}

/* More changed rows than this are found by walking every row (see emit_changed_in_order()). */
#define CHANGED_WALK_ROWS 32

/*
 * Emits "row-changed" for the rows of the objects in @changed, walking every row in order and
 * counting positions on the way. A GtkTreeStore finds a row's path by walking its siblings, so
 * asking for each path in turn would cost a quadratic walk when thousands of guests change at
 * once (their host connects, say); this costs one walk.
 */
static void
emit_changed_in_order(HakoHostStore *self, GHashTable *changed)
{
    GtkTreeModel *model = GTK_TREE_MODEL(self);
    GtkTreeIter host;
    int h = 0;

    if (!gtk_tree_model_get_iter_first(model, &host))
        return;
    do {
        GtkTreeIter child;
        int c = 0;

        if (g_hash_table_contains(changed, hako_host_store_get_object(model, &host))) {
            g_autoptr(GtkTreePath) path = gtk_tree_path_new_from_indices(h, -1);

            gtk_tree_model_row_changed(model, path, &host);
        }
        if (gtk_tree_model_iter_children(model, &child, &host)) {
            do {
                if (g_hash_table_contains(changed, hako_host_store_get_object(model, &child))) {
                    g_autoptr(GtkTreePath) path = gtk_tree_path_new_from_indices(h, c, -1);

                    gtk_tree_model_row_changed(model, path, &child);
                }
                c++;
            } while (gtk_tree_model_iter_next(model, &child));
        }
        h++;
    } while (gtk_tree_model_iter_next(model, &host));
}

static gboolean
changed_idle_cb(gpointer user_data)
{
    HakoHostStore *self = user_data;
    g_autoptr(GHashTable) changed = g_steal_pointer(&self->changed);
    GHashTableIter it;
    gpointer object;

    self->changed_idle_id = 0;
    self->changed = g_hash_table_new(NULL, NULL);

    if (g_hash_table_size(changed) >= HAKO_HOST_STORE_BATCH_ROWS) {
        /* The models above would take each row-changed in time proportional to their rows
         * (a GtkTreeModelSort looks a changed row up by scanning its level): a batch. */
        g_signal_emit(self, signals[SIGNAL_BATCH_BEGIN], 0);
        emit_changed_in_order(self, changed);
        g_signal_emit(self, signals[SIGNAL_BATCH_END], 0);
        return G_SOURCE_REMOVE;
    }
    if (g_hash_table_size(changed) > CHANGED_WALK_ROWS) {
        emit_changed_in_order(self, changed);
        return G_SOURCE_REMOVE;
    }
    g_hash_table_iter_init(&it, changed);
    while (g_hash_table_iter_next(&it, &object, NULL)) {
        GtkTreeIter *iter = g_hash_table_lookup(self->iters, object);

        /* remove_rows() drops removed objects from the set: each one still has a row. */
        g_assert(iter != NULL);
        emit_row_changed(self, iter);
    }
    return G_SOURCE_REMOVE;
}

static void
mark_changed(HakoHostStore *self, gpointer object)
{
    g_hash_table_add(self->changed, object);
    /* Above GTK's layout and redraw (G_PRIORITY_HIGH_IDLE + 10 and + 20). */
    if (self->changed_idle_id == 0)
        self->changed_idle_id = g_idle_add_full(G_PRIORITY_HIGH_IDLE, changed_idle_cb, self, NULL);
}

static void
domain_notify_cb(HakoHostStore *self, GParamSpec *pspec, HakoDomain *domain)
{
    mark_changed(self, domain);
}

static void
host_notify_cb(HakoHostStore *self, GParamSpec *pspec, HakoHost *host)
{
    GListModel *domains;
    guint n;

    mark_changed(self, host);

    /* Guests are drawn greyed while their host is not connected. */
    if (g_strcmp0(pspec->name, "state") != 0 && g_strcmp0(pspec->name, "read-only") != 0)
        return;
    domains = G_LIST_MODEL(hako_host_get_domains(host));
    n = g_list_model_get_n_items(domains);
    for (guint i = 0; i < n; i++) {
        g_autoptr(GObject) domain = g_list_model_get_item(domains, i);

        if (g_hash_table_contains(self->iters, domain))
            mark_changed(self, domain);
    }
}

/* Removes @n rows starting at @iter, dropping each row's table entry and signal handlers. */
static void
remove_rows(HakoHostStore *self, GtkTreeIter *iter, guint n)
{
    for (guint i = 0; i < n; i++) {
        g_autoptr(GObject) object = NULL;
        GtkTreeIter child;
        gboolean more;

        gtk_tree_model_get(GTK_TREE_MODEL(self), iter, HAKO_HOST_STORE_COLUMN_OBJECT, &object, -1);
        g_assert(object != NULL);

        if (HAKO_IS_HOST(object)) {
            HakoDomainList *domains = hako_host_get_domains(HAKO_HOST(object));
            guint n_children = gtk_tree_model_iter_n_children(GTK_TREE_MODEL(self), iter);

            g_signal_handlers_disconnect_by_data(domains, self);
            if (n_children > 0 && gtk_tree_model_iter_children(GTK_TREE_MODEL(self), &child, iter))
                remove_rows(self, &child, n_children);
        }

        g_signal_handlers_disconnect_by_data(object, self);
        g_hash_table_remove(self->changed, object);
        g_hash_table_remove(self->iters, object);
        more = gtk_tree_store_remove(GTK_TREE_STORE(self), iter);
        g_assert(more || i + 1 == n);
    }
}

/*
 * Inserts a row for @object at @position under @parent, with its object already set: an empty
 * row followed by a "row-changed" would make a sort model above move the row, which costs a
 * "rows-reordered" of the whole level per row.
 */
static void
insert_row(HakoHostStore *self,
           GtkTreeIter *parent,
           guint position,
           GObject *object,
           GtkTreeIter *out_iter)
{
    gtk_tree_store_insert_with_values(GTK_TREE_STORE(self), out_iter, parent, position,
                                      HAKO_HOST_STORE_COLUMN_OBJECT, object, -1);
    g_hash_table_insert(self->iters, object, gtk_tree_iter_copy(out_iter));
}

/*
 * Applies an "items-changed" of @list, whose rows are the children of @parent (NULL for the
 * top level), calling @setup on each new object.
 */
static void
apply_items_changed(HakoHostStore *self,
                    GListModel *list,
                    GtkTreeIter *parent,
                    guint position,
                    guint removed,
                    guint added,
                    void (*setup)(HakoHostStore *self, GObject *object, GtkTreeIter *iter))
{
    GtkTreeModel *model = GTK_TREE_MODEL(self);
    GtkTreeIter before_storage;
    GtkTreeIter *before = NULL;
    GtkTreeIter first;

    /* The item just before the change is unchanged: its row is our anchor. */
    if (position > 0) {
        g_autoptr(GObject) prev = g_list_model_get_item(list, position - 1);
        GtkTreeIter *iter = g_hash_table_lookup(self->iters, prev);

        g_return_if_fail(iter != NULL);
        before_storage = *iter;
        before = &before_storage;
    }

    if (removed > 0) {
        gboolean found;

        if (before != NULL) {
            first = *before;
            found = gtk_tree_model_iter_next(model, &first);
        } else {
            found = gtk_tree_model_iter_children(model, &first, parent);
        }
        g_return_if_fail(found);
        remove_rows(self, &first, removed);
    }

    /* Last first, each at @position: a GtkTreeStore walks its rows to reach a position, so
     * appending thousands of guests one after the other would cost a quadratic walk, while
     * inserting them all before the same row costs the walk to @position once per row (none
     * for a host's first listing). */
    for (guint i = added; i-- > 0;) {
        g_autoptr(GObject) object = g_list_model_get_item(list, position + i);
        GtkTreeIter iter;

        if (g_hash_table_contains(self->iters, object)) {
            g_warning("%s is listed twice; ignoring the second row", G_OBJECT_TYPE_NAME(object));
            continue;
        }
        insert_row(self, parent, position, object, &iter);
        setup(self, object, &iter);
    }
}

/* apply_items_changed(), announced by "batch-begin" and "batch-end" when it is a big one. */
static void
apply_items_changed_batched(HakoHostStore *self,
                            GListModel *list,
                            GtkTreeIter *parent,
                            guint position,
                            guint removed,
                            guint added,
                            void (*setup)(HakoHostStore *self, GObject *object, GtkTreeIter *iter))
{
    gboolean batch = removed + added >= HAKO_HOST_STORE_BATCH_ROWS;

    if (batch)
        g_signal_emit(self, signals[SIGNAL_BATCH_BEGIN], 0);
    apply_items_changed(self, list, parent, position, removed, added, setup);
    if (batch)
        g_signal_emit(self, signals[SIGNAL_BATCH_END], 0);
}

static void
setup_domain(HakoHostStore *self, GObject *object, GtkTreeIter *iter)
{
    g_signal_connect_object(object, "notify", G_CALLBACK(domain_notify_cb), self,
                            G_CONNECT_SWAPPED);
}

static void
domains_items_changed_cb(
    HakoHostStore *self, guint position, guint removed, guint added, GListModel *domains)
{
    HakoHost *host = g_object_get_data(G_OBJECT(domains), "hako-host-store-host");
    GtkTreeIter *host_iter;
    GtkTreeIter parent;

    g_assert(HAKO_IS_HOST(host));
    host_iter = g_hash_table_lookup(self->iters, host);
    g_return_if_fail(host_iter != NULL);
    parent = *host_iter;
    apply_items_changed_batched(self, domains, &parent, position, removed, added, setup_domain);
}

static void
setup_host(HakoHostStore *self, GObject *object, GtkTreeIter *iter)
{
    HakoHost *host = HAKO_HOST(object);
    GListModel *domains = G_LIST_MODEL(hako_host_get_domains(host));
    guint n = g_list_model_get_n_items(domains);
    GtkTreeIter parent = *iter;

    g_signal_connect_object(host, "notify", G_CALLBACK(host_notify_cb), self, G_CONNECT_SWAPPED);

    /* A HakoDomainList does not point back to its host; remember it for the handler. */
    g_object_set_data(G_OBJECT(domains), "hako-host-store-host", host);
    g_signal_connect_object(domains, "items-changed", G_CALLBACK(domains_items_changed_cb), self,
                            G_CONNECT_SWAPPED);
    if (n > 0)
        apply_items_changed_batched(self, domains, &parent, 0, 0, n, setup_domain);
}

static void
hosts_items_changed_cb(
    HakoHostStore *self, guint position, guint removed, guint added, GListModel *hosts)
{
    apply_items_changed_batched(self, hosts, NULL, position, removed, added, setup_host);
}

static void
hako_host_store_constructed(GObject *object)
{
    HakoHostStore *self = HAKO_HOST_STORE(object);
    GType types[] = {G_TYPE_OBJECT};
    guint n;

    G_OBJECT_CLASS(hako_host_store_parent_class)->constructed(object);

    gtk_tree_store_set_column_types(GTK_TREE_STORE(self), G_N_ELEMENTS(types), types);

    g_return_if_fail(G_IS_LIST_MODEL(self->hosts));
    g_signal_connect_object(self->hosts, "items-changed", G_CALLBACK(hosts_items_changed_cb), self,
                            G_CONNECT_SWAPPED);
    n = g_list_model_get_n_items(self->hosts);
    if (n > 0)
        hosts_items_changed_cb(self, 0, 0, n, self->hosts);
}

static void
hako_host_store_dispose(GObject *object)
{
    HakoHostStore *self = HAKO_HOST_STORE(object);
    GtkTreeIter iter;
    guint n = gtk_tree_model_iter_n_children(GTK_TREE_MODEL(self), NULL);

    /* Drop every row so no handler outlives the store on an object that does. */
    if (n > 0 && gtk_tree_model_get_iter_first(GTK_TREE_MODEL(self), &iter))
        remove_rows(self, &iter, n);
    if (self->hosts != NULL)
        g_signal_handlers_disconnect_by_data(self->hosts, self);
    g_clear_object(&self->hosts);
    g_clear_handle_id(&self->changed_idle_id, g_source_remove);

    G_OBJECT_CLASS(hako_host_store_parent_class)->dispose(object);
}

static void
hako_host_store_finalize(GObject *object)
{
    HakoHostStore *self = HAKO_HOST_STORE(object);

    g_hash_table_unref(self->iters);
    g_hash_table_unref(self->changed);

    G_OBJECT_CLASS(hako_host_store_parent_class)->finalize(object);
}

static void
hako_host_store_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
    HakoHostStore *self = HAKO_HOST_STORE(object);

    switch (prop_id) {
    case PROP_HOSTS:
        g_value_set_object(value, self->hosts);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    }
}

static void
hako_host_store_set_property(GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
    HakoHostStore *self = HAKO_HOST_STORE(object);

    switch (prop_id) {
    case PROP_HOSTS:
        self->hosts = g_value_dup_object(value);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    }
}

static void
hako_host_store_class_init(HakoHostStoreClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);

    object_class->constructed = hako_host_store_constructed;
    object_class->dispose = hako_host_store_dispose;
    object_class->finalize = hako_host_store_finalize;
    object_class->get_property = hako_host_store_get_property;
    object_class->set_property = hako_host_store_set_property;

    properties[PROP_HOSTS] =
        g_param_spec_object("hosts", NULL, NULL, G_TYPE_LIST_MODEL,
                            G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

    g_object_class_install_properties(object_class, N_PROPS, properties);

    /**
     * HakoHostStore::batch-begin:
     *
     * At least %HAKO_HOST_STORE_BATCH_ROWS rows are about to be inserted or
     * removed, one by one. Models stacked on the store (a filter, a sort)
     * handle each row in time proportional to the rows they hold, so a view
     * can take them off the store until ::batch-end and build them again then.
     */
    signals[SIGNAL_BATCH_BEGIN] =
        g_signal_new("batch-begin", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                     NULL, G_TYPE_NONE, 0);
    /**
     * HakoHostStore::batch-end:
     *
     * The rows announced by ::batch-begin are in place.
     */
    signals[SIGNAL_BATCH_END] =
        g_signal_new("batch-end", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                     G_TYPE_NONE, 0);
}

static void
hako_host_store_init(HakoHostStore *self)
{
    self->iters = g_hash_table_new_full(NULL, NULL, NULL, (GDestroyNotify)gtk_tree_iter_free);
    self->changed = g_hash_table_new(NULL, NULL);
}

/**
 * hako_host_store_new:
 * @hosts: a #GListModel of #HakoHost
 *
 * Returns: (transfer full): a tree store that follows @hosts and the guests of each.
 */
HakoHostStore *
hako_host_store_new(GListModel *hosts)
{
    g_return_val_if_fail(G_IS_LIST_MODEL(hosts), NULL);

    return g_object_new(HAKO_TYPE_HOST_STORE, "hosts", hosts, NULL);
}

/**
 * hako_host_store_get_hosts:
 *
 * Returns: (transfer none): the hosts the store follows.
 */
GListModel *
hako_host_store_get_hosts(HakoHostStore *self)
{
    g_return_val_if_fail(HAKO_IS_HOST_STORE(self), NULL);
    return self->hosts;
}

/**
 * hako_host_store_get_iter_for:
 * @object: a #HakoHost or #HakoDomain
 * @iter: (out): where to put the row of @object
 *
 * Returns: whether @object has a row in the store.
 */
gboolean
hako_host_store_get_iter_for(HakoHostStore *self, gpointer object, GtkTreeIter *iter)
{
    GtkTreeIter *found;

    g_return_val_if_fail(HAKO_IS_HOST_STORE(self), FALSE);
    g_return_val_if_fail(iter != NULL, FALSE);

    found = g_hash_table_lookup(self->iters, object);
    if (found == NULL)
        return FALSE;
    *iter = *found;
    return TRUE;
}

/**
 * hako_host_store_get_object:
 * @model: a #HakoHostStore, or a filter or sort model over one
 * @iter: a row of @model
 *
 * Returns: (transfer none): the #HakoHost or #HakoDomain of the row; the store keeps it alive
 *   as long as the row exists.
 */
GObject *
hako_host_store_get_object(GtkTreeModel *model, GtkTreeIter *iter)
{
    GObject *object = NULL;

    g_return_val_if_fail(GTK_IS_TREE_MODEL(model), NULL);
    g_return_val_if_fail(iter != NULL, NULL);

    gtk_tree_model_get(model, iter, HAKO_HOST_STORE_COLUMN_OBJECT, &object, -1);
    /* The row holds a reference of its own, so the caller can borrow it. */
    if (object != NULL)
        g_object_unref(object);
    return object;
}
