/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HakoOsDb: the operating systems libosinfo knows, their recommended resources and devices,
 * and which one an install disc or tree holds.
 *
 * osinfo-db is loaded once per process, on a worker thread (it takes a few hundred
 * milliseconds), into plain HakoOsEntry objects the wizard lists and searches on the main
 * thread. libosinfo is not documented as thread-safe, so every call into its database, from
 * the main thread or a detecting worker, holds the db's lock; reading a disc or fetching a
 * tree's .treeinfo happens outside it. */
#include "config.h"

#include "hako-os-db.h"

#include "hako-engine-error.h"
#include "hako-engine-private.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <osinfo/osinfo.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MiB (G_GUINT64_CONSTANT(1) << 20)
#define GiB (G_GUINT64_CONSTANT(1) << 30)

/* without any figure from osinfo-db */
#define GENERIC_MEMORY_MIB 2048
#define GENERIC_VCPUS 2
#define GENERIC_DISK_BYTES (20 * GiB)

/* an OS with no end-of-life date is taken as unsupported this long after its release */
#define ASSUMED_SUPPORT_YEARS 5

/* libosinfo's placeholder for "no idea", not an operating system to offer */
#define UNKNOWN_OS_ID "http://libosinfo.org/unknown"

/* ---------------------------------------------------------------------- */
/* HakoOsEntry */

struct _HakoOsEntry {
    GObject parent_instance;

    OsinfoOs *os;
    char *id;
    char *short_id;
    char *name;
    char *vendor;
    char *family;
    char *distro;
    char *version;
    char *release_date; /* "YYYY-MM-DD" or NULL */
    gboolean eol;

    /* for searching: case-folded */
    char *key_name;
    char **key_name_words;
    char **key_short_ids;
    char *key_vendor;
};

enum {
    PROP_0,
    PROP_ID,
    PROP_SHORT_ID,
    PROP_NAME,
    PROP_VENDOR,
    PROP_FAMILY,
    PROP_DISTRO,
    PROP_VERSION,
    PROP_RELEASE_DATE,
    PROP_EOL,
    N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE(HakoOsEntry, hako_os_entry, G_TYPE_OBJECT)

static void
hako_os_entry_finalize(GObject *object)
{
    HakoOsEntry *self = HAKO_OS_ENTRY(object);

    g_clear_object(&self->os);
    g_free(self->id);
    g_free(self->short_id);
    g_free(self->name);
    g_free(self->vendor);
    g_free(self->family);
    g_free(self->distro);
    g_free(self->version);
    g_free(self->release_date);
    g_free(self->key_name);
    g_strfreev(self->key_name_words);
    g_strfreev(self->key_short_ids);
    g_free(self->key_vendor);

    G_OBJECT_CLASS(hako_os_entry_parent_class)->finalize(object);
}

static void
hako_os_entry_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
    HakoOsEntry *self = HAKO_OS_ENTRY(object);

    switch (prop_id) {
    case PROP_ID:
        g_value_set_string(value, self->id);
        break;
    case PROP_SHORT_ID:
        g_value_set_string(value, self->short_id);
        break;
    case PROP_NAME:
        g_value_set_string(value, self->name);
        break;
    case PROP_VENDOR:
        g_value_set_string(value, self->vendor);
        break;
    case PROP_FAMILY:
        g_value_set_string(value, self->family);
        break;
    case PROP_DISTRO:
        g_value_set_string(value, self->distro);
        break;
    case PROP_VERSION:
        g_value_set_string(value, self->version);
        break;
    case PROP_RELEASE_DATE:
        g_value_set_string(value, self->release_date);
        break;
    case PROP_EOL:
        g_value_set_boolean(value, self->eol);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    }
}

static void
hako_os_entry_class_init(HakoOsEntryClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

    object_class->finalize = hako_os_entry_finalize;
    object_class->get_property = hako_os_entry_get_property;

    properties[PROP_ID] = g_param_spec_string("id", NULL, NULL, NULL, flags);
    properties[PROP_SHORT_ID] = g_param_spec_string("short-id", NULL, NULL, NULL, flags);
    properties[PROP_NAME] = g_param_spec_string("name", NULL, NULL, NULL, flags);
    properties[PROP_VENDOR] = g_param_spec_string("vendor", NULL, NULL, NULL, flags);
    properties[PROP_FAMILY] = g_param_spec_string("family", NULL, NULL, NULL, flags);
    properties[PROP_DISTRO] = g_param_spec_string("distro", NULL, NULL, NULL, flags);
    properties[PROP_VERSION] = g_param_spec_string("version", NULL, NULL, NULL, flags);
    properties[PROP_RELEASE_DATE] = g_param_spec_string("release-date", NULL, NULL, NULL, flags);
    properties[PROP_EOL] = g_param_spec_boolean("eol", NULL, NULL, FALSE, flags);
    g_object_class_install_properties(object_class, N_PROPS, properties);
}

static void
hako_os_entry_init(HakoOsEntry *self)
{
}

static char *
casefold(const char *text)
{
    return text != NULL ? g_utf8_casefold(text, -1) : g_strdup("");
}

/* Whether @os was past its end of life on @today: its eol-date, or else, unless it is a
 * rolling release, ASSUMED_SUPPORT_YEARS after its release (as virt-manager judges it). */
static gboolean
os_is_eol(OsinfoOs *os, GDate *today)
{
    GDate *eol = osinfo_product_get_eol_date(OSINFO_PRODUCT(os));
    GDate *release;
    gboolean past;

    if (eol != NULL) {
        past = g_date_compare(today, eol) > 0;
        g_date_free(eol);
        return past;
    }
    if (osinfo_os_get_release_status(os) == OSINFO_RELEASE_STATUS_ROLLING)
        return FALSE;
    release = osinfo_product_get_release_date(OSINFO_PRODUCT(os));
    if (release == NULL)
        return FALSE;
    g_date_add_years(release, ASSUMED_SUPPORT_YEARS);
    past = g_date_compare(today, release) > 0;
    g_date_free(release);
    return past;
}

/* Worker thread (loading): an entry for @os. */
static HakoOsEntry *
entry_new(OsinfoOs *os, GDate *today)
{
    HakoOsEntry *self = g_object_new(HAKO_TYPE_OS_ENTRY, NULL);
    OsinfoProduct *product = OSINFO_PRODUCT(os);
    GList *short_ids = osinfo_product_get_short_id_list(product);
    GPtrArray *keys = g_ptr_array_new();

    self->os = g_object_ref(os);
    self->id = g_strdup(osinfo_entity_get_id(OSINFO_ENTITY(os)));
    self->short_id = g_strdup(osinfo_product_get_short_id(product));
    self->name = g_strdup(osinfo_product_get_name(product));
    if (self->name == NULL)
        self->name = g_strdup(self->short_id != NULL ? self->short_id : self->id);
    self->vendor = g_strdup(osinfo_product_get_vendor(product));
    self->family = g_strdup(osinfo_os_get_family(os));
    self->distro = g_strdup(osinfo_os_get_distro(os));
    self->version = g_strdup(osinfo_product_get_version(product));
    self->release_date = g_strdup(osinfo_product_get_release_date_string(product));
    self->eol = os_is_eol(os, today);

    self->key_name = casefold(self->name);
    self->key_name_words = g_strsplit_set(self->key_name, " ()/,", -1);
    for (GList *l = short_ids; l != NULL; l = l->next)
        g_ptr_array_add(keys, casefold(l->data));
    g_ptr_array_add(keys, NULL);
    self->key_short_ids = (char **)g_ptr_array_free(keys, FALSE);
    self->key_vendor = casefold(self->vendor);
    g_list_free(short_ids);
    return self;
}

const char *
hako_os_entry_get_id(HakoOsEntry *self)
{
    g_return_val_if_fail(HAKO_IS_OS_ENTRY(self), NULL);
    return self->id;
}

const char *
hako_os_entry_get_short_id(HakoOsEntry *self)
{
    g_return_val_if_fail(HAKO_IS_OS_ENTRY(self), NULL);
    return self->short_id;
}

const char *
hako_os_entry_get_name(HakoOsEntry *self)
{
    g_return_val_if_fail(HAKO_IS_OS_ENTRY(self), NULL);
    return self->name;
}

const char *
hako_os_entry_get_vendor(HakoOsEntry *self)
{
    g_return_val_if_fail(HAKO_IS_OS_ENTRY(self), NULL);
    return self->vendor;
}

const char *
hako_os_entry_get_family(HakoOsEntry *self)
{
    g_return_val_if_fail(HAKO_IS_OS_ENTRY(self), NULL);
    return self->family;
}

const char *
hako_os_entry_get_distro(HakoOsEntry *self)
{
    g_return_val_if_fail(HAKO_IS_OS_ENTRY(self), NULL);
    return self->distro;
}

const char *
hako_os_entry_get_version(HakoOsEntry *self)
{
    g_return_val_if_fail(HAKO_IS_OS_ENTRY(self), NULL);
    return self->version;
}

/**
 * hako_os_entry_get_release_date:
 *
 * Returns: (nullable): the release date as osinfo-db gives it ("2021-08-14"), or %NULL.
 */
const char *
hako_os_entry_get_release_date(HakoOsEntry *self)
{
    g_return_val_if_fail(HAKO_IS_OS_ENTRY(self), NULL);
    return self->release_date;
}

/**
 * hako_os_entry_get_eol:
 *
 * Returns: whether the operating system was past its end of life when the database was
 *   loaded: its end-of-life date passed, or, without one, it was released more than five
 *   years before (rolling releases never are).
 */
gboolean
hako_os_entry_get_eol(HakoOsEntry *self)
{
    g_return_val_if_fail(HAKO_IS_OS_ENTRY(self), FALSE);
    return self->eol;
}

/* ---------------------------------------------------------------------- */
/* HakoOsDefaults */

G_DEFINE_BOXED_TYPE(HakoOsDefaults, hako_os_defaults, hako_os_defaults_copy, hako_os_defaults_free)

HakoOsDefaults *
hako_os_defaults_copy(const HakoOsDefaults *defaults)
{
    HakoOsDefaults *copy;

    g_return_val_if_fail(defaults != NULL, NULL);

    copy = g_memdup2(defaults, sizeof(*defaults));
    copy->disk_bus = g_strdup(defaults->disk_bus);
    copy->nic_model = g_strdup(defaults->nic_model);
    copy->video_model = g_strdup(defaults->video_model);
    return copy;
}

void
hako_os_defaults_free(HakoOsDefaults *defaults)
{
    if (defaults == NULL)
        return;
    g_free(defaults->disk_bus);
    g_free(defaults->nic_model);
    g_free(defaults->video_model);
    g_free(defaults);
}

/* ---------------------------------------------------------------------- */
/* HakoOsDb */

struct _HakoOsDb {
    GObject parent_instance;

    OsinfoLoader *loader; /* owns the OsinfoDb */
    OsinfoDb *db;
    GMutex lock; /* around every use of db and of the OsinfoOs objects */

    GListStore *all;         /* HakoOsEntry, in hako_os_db_get_all()'s order */
    GHashTable *by_id;       /* id -> HakoOsEntry (not a reference: all holds one) */
    GHashTable *by_short_id; /* every short id -> HakoOsEntry */
};

G_DEFINE_FINAL_TYPE(HakoOsDb, hako_os_db, G_TYPE_OBJECT)

static void
hako_os_db_dispose(GObject *object)
{
    HakoOsDb *self = HAKO_OS_DB(object);

    g_clear_pointer(&self->by_id, g_hash_table_unref);
    g_clear_pointer(&self->by_short_id, g_hash_table_unref);
    g_clear_object(&self->all);
    self->db = NULL;
    g_clear_object(&self->loader);

    G_OBJECT_CLASS(hako_os_db_parent_class)->dispose(object);
}

static void
hako_os_db_finalize(GObject *object)
{
    g_mutex_clear(&HAKO_OS_DB(object)->lock);

    G_OBJECT_CLASS(hako_os_db_parent_class)->finalize(object);
}

static void
hako_os_db_class_init(HakoOsDbClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);

    object_class->dispose = hako_os_db_dispose;
    object_class->finalize = hako_os_db_finalize;
}

static void
hako_os_db_init(HakoOsDb *self)
{
    g_mutex_init(&self->lock);
    self->all = g_list_store_new(HAKO_TYPE_OS_ENTRY);
    self->by_id = g_hash_table_new(g_str_hash, g_str_equal);
    self->by_short_id = g_hash_table_new(g_str_hash, g_str_equal);
}

/* Families by name (none last); within one, newest first (undated last); then by name. */
static int
compare_entries(gconstpointer a, gconstpointer b)
{
    const HakoOsEntry *x = *(HakoOsEntry *const *)a;
    const HakoOsEntry *y = *(HakoOsEntry *const *)b;
    int order;

    if ((x->family == NULL) != (y->family == NULL))
        return x->family == NULL ? 1 : -1;
    order = g_strcmp0(x->family, y->family);
    if (order != 0)
        return order;
    if ((x->release_date == NULL) != (y->release_date == NULL))
        return x->release_date == NULL ? 1 : -1;
    order = g_strcmp0(y->release_date, x->release_date);
    if (order != 0)
        return order;
    order = g_utf8_collate(x->name, y->name);
    return order != 0 ? order : strcmp(x->id, y->id);
}

/* Worker thread: osinfo-db read into a new HakoOsDb. */
static HakoOsDb *
os_db_load(GError **error)
{
    g_autoptr(HakoOsDb) self = g_object_new(HAKO_TYPE_OS_DB, NULL);
    g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func(g_object_unref);
    g_autoptr(GDateTime) now = g_date_time_new_now_local();
    g_autoptr(GError) load_error = NULL;
    OsinfoOsList *list;
    GDate *today;
    int n;

    self->loader = osinfo_loader_new();
    osinfo_loader_process_default_path(self->loader, &load_error);
    if (load_error != NULL) {
        g_set_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_FAILED,
                    _("The operating system database could not be loaded: %s"),
                    load_error->message);
        return NULL;
    }
    self->db = osinfo_loader_get_db(self->loader);
    list = osinfo_db_get_os_list(self->db);
    n = osinfo_list_get_length(OSINFO_LIST(list));
    if (n == 0) {
        g_object_unref(list);
        g_set_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_NOT_FOUND,
                    _("The operating system database is empty: is osinfo-db installed?"));
        return NULL;
    }

    today = g_date_new_dmy(g_date_time_get_day_of_month(now), g_date_time_get_month(now),
                           g_date_time_get_year(now));
    for (int i = 0; i < n; i++) {
        OsinfoOs *os = OSINFO_OS(osinfo_list_get_nth(OSINFO_LIST(list), i));

        if (g_strcmp0(osinfo_entity_get_id(OSINFO_ENTITY(os)), UNKNOWN_OS_ID) == 0)
            continue;
        g_ptr_array_add(entries, entry_new(os, today));
    }
    g_date_free(today);
    g_object_unref(list);

    g_ptr_array_sort(entries, compare_entries);
    for (guint i = 0; i < entries->len; i++) {
        HakoOsEntry *entry = entries->pdata[i];

        g_hash_table_insert(self->by_id, entry->id, entry);
        for (guint j = 0; entry->key_short_ids[j] != NULL; j++) {
            if (!g_hash_table_contains(self->by_short_id, entry->key_short_ids[j]))
                g_hash_table_insert(self->by_short_id, entry->key_short_ids[j], entry);
        }
    }
    g_list_store_splice(self->all, 0, 0, entries->pdata, entries->len);
    return g_steal_pointer(&self);
}

/* The one database of this process, once loaded, and the loads waiting for it meanwhile. */
static GMutex shared_lock;
static HakoOsDb *shared_db;
static GPtrArray *shared_waiters;

static void
load_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    GError *error = NULL;
    HakoOsDb *db = os_db_load(&error);

    if (db == NULL)
        g_task_return_error(task, error);
    else
        g_task_return_pointer(task, db, g_object_unref);
}

static void
load_done_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(HakoOsDb) db = g_task_propagate_pointer(G_TASK(result), &error);
    g_autoptr(GPtrArray) waiters = NULL;

    g_mutex_lock(&shared_lock);
    waiters = g_steal_pointer(&shared_waiters);
    if (db != NULL)
        shared_db = g_object_ref(db); /* kept for the life of the process */
    g_mutex_unlock(&shared_lock);

    for (guint i = 0; i < waiters->len; i++) {
        GTask *task = waiters->pdata[i];

        if (db != NULL)
            g_task_return_pointer(task, g_object_ref(db), g_object_unref);
        else
            g_task_return_error(task, g_error_copy(error));
    }
}

/**
 * hako_os_db_load_async:
 *
 * Loads osinfo-db on a worker thread, the first time; later calls (and calls made while it
 * loads) get the same database. A load that failed is tried again by the next call. Cancelling
 * fails this call only: the load goes on for the others.
 */
void
hako_os_db_load_async(GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
    GTask *task = g_task_new(NULL, cancellable, callback, user_data);
    gboolean start = FALSE;
    HakoOsDb *db;

    g_task_set_source_tag(task, hako_os_db_load_async);

    g_mutex_lock(&shared_lock);
    db = shared_db != NULL ? g_object_ref(shared_db) : NULL;
    if (db == NULL) {
        start = shared_waiters == NULL;
        if (start)
            shared_waiters = g_ptr_array_new_with_free_func(g_object_unref);
        g_ptr_array_add(shared_waiters, g_object_ref(task));
    }
    g_mutex_unlock(&shared_lock);

    if (db != NULL) {
        g_task_return_pointer(task, db, g_object_unref);
    } else if (start) {
        GTask *load = g_task_new(NULL, NULL, load_done_cb, NULL);

        g_task_set_source_tag(load, load_thread);
        g_task_run_in_thread(load, load_thread);
        g_object_unref(load);
    }
    g_object_unref(task);
}

/**
 * hako_os_db_load_finish:
 *
 * Returns: (transfer full): the database, or %NULL with @error set.
 */
HakoOsDb *
hako_os_db_load_finish(GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, NULL), NULL);
    g_return_val_if_fail(g_task_get_source_tag(G_TASK(result)) == hako_os_db_load_async, NULL);

    return g_task_propagate_pointer(G_TASK(result), error);
}

/**
 * hako_os_db_get_all:
 *
 * Returns: (transfer none): every operating system (HakoOsEntry), generic ones included,
 *   end-of-life ones too: grouped by family, newest release first within each.
 */
GListModel *
hako_os_db_get_all(HakoOsDb *self)
{
    g_return_val_if_fail(HAKO_IS_OS_DB(self), NULL);
    return G_LIST_MODEL(self->all);
}

/**
 * hako_os_db_lookup:
 * @id_or_short_id: an osinfo id ("http://debian.org/debian/11") or any of its short ids
 *   ("debian11", "debianbullseye")
 *
 * Returns: (transfer none) (nullable): the entry, or %NULL.
 */
HakoOsEntry *
hako_os_db_lookup(HakoOsDb *self, const char *id_or_short_id)
{
    HakoOsEntry *entry;
    g_autofree char *key = NULL;

    g_return_val_if_fail(HAKO_IS_OS_DB(self), NULL);
    g_return_val_if_fail(id_or_short_id != NULL, NULL);

    entry = g_hash_table_lookup(self->by_id, id_or_short_id);
    if (entry != NULL)
        return entry;
    key = casefold(id_or_short_id);
    return g_hash_table_lookup(self->by_short_id, key);
}

/* ---------------------------------------------------------------------- */
/* Searching */

/* How well one search word matches @entry: 0 not at all. A whole word of the name beats the
 * start of one, which beats a part; then short ids, then the vendor. */
static guint
word_score(HakoOsEntry *entry, const char *word)
{
    guint best = 0;

    if (g_strv_contains((const char *const *)entry->key_name_words, word))
        return 40;
    for (guint i = 0; entry->key_name_words[i] != NULL; i++) {
        if (g_str_has_prefix(entry->key_name_words[i], word))
            return 30;
    }
    if (strstr(entry->key_name, word) != NULL)
        return 20;
    for (guint i = 0; entry->key_short_ids[i] != NULL; i++) {
        const char *short_id = entry->key_short_ids[i];

        if (strcmp(short_id, word) == 0)
            best = MAX(best, 25);
        else if (g_str_has_prefix(short_id, word))
            best = MAX(best, 15);
        else if (strstr(short_id, word) != NULL)
            best = MAX(best, 10);
    }
    if (best == 0 && strstr(entry->key_vendor, word) != NULL)
        best = 5;
    return best;
}

static guint
entry_score(HakoOsEntry *entry, char **words, const char *joined)
{
    guint score = 0;

    for (guint i = 0; words[i] != NULL; i++) {
        guint s = word_score(entry, words[i]);

        if (s == 0)
            return 0;
        score += s;
    }
    /* "debian 12" is debian12 itself */
    if (g_strv_contains((const char *const *)entry->key_short_ids, joined))
        score += 1000;
    return score;
}

typedef struct {
    HakoOsEntry *entry;
    guint score;
    guint position; /* in get_all()'s order */
} Match;

static int
compare_matches(gconstpointer a, gconstpointer b)
{
    const Match *x = a;
    const Match *y = b;

    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    if ((x->entry->release_date == NULL) != (y->entry->release_date == NULL))
        return x->entry->release_date == NULL ? 1 : -1;
    if (g_strcmp0(x->entry->release_date, y->entry->release_date) != 0)
        return g_strcmp0(y->entry->release_date, x->entry->release_date);
    return x->position < y->position ? -1 : x->position > y->position;
}

/**
 * hako_os_db_search:
 * @text: (nullable): what the user typed: words, each of which must be found, without regard
 *   to case, in the name, a short id or the vendor
 * @include_eol: whether operating systems past their end of life count
 *
 * Returns: (transfer container) (element-type HakoOsEntry): the matches, best first (an OS
 *   whose short id is @text without spaces, then whole words of the name, ...; newer releases
 *   before older). Empty or %NULL @text matches everything, in hako_os_db_get_all()'s order.
 */
GPtrArray *
hako_os_db_search(HakoOsDb *self, const char *text, gboolean include_eol)
{
    g_autofree char *folded = NULL;
    g_auto(GStrv) split = NULL;
    g_autoptr(GPtrArray) words = g_ptr_array_new();
    g_autoptr(GArray) matches = g_array_new(FALSE, FALSE, sizeof(Match));
    g_autofree char *joined = NULL;
    GPtrArray *result;
    guint n;

    g_return_val_if_fail(HAKO_IS_OS_DB(self), NULL);

    folded = casefold(text);
    split = g_strsplit_set(folded, " \t\n", -1);
    for (guint i = 0; split[i] != NULL; i++) {
        if (split[i][0] != '\0')
            g_ptr_array_add(words, split[i]);
    }
    g_ptr_array_add(words, NULL);
    joined = g_strjoinv("", (char **)words->pdata);

    n = g_list_model_get_n_items(G_LIST_MODEL(self->all));
    for (guint i = 0; i < n; i++) {
        g_autoptr(HakoOsEntry) entry = g_list_model_get_item(G_LIST_MODEL(self->all), i);
        Match match = {entry, 0, i};

        if (entry->eol && !include_eol)
            continue;
        match.score = entry_score(entry, (char **)words->pdata, joined);
        if (words->len > 1 && match.score == 0)
            continue;
        g_array_append_val(matches, match);
    }
    g_array_sort(matches, compare_matches);

    result = g_ptr_array_new_full(matches->len, g_object_unref);
    for (guint i = 0; i < matches->len; i++)
        g_ptr_array_add(result, g_object_ref(g_array_index(matches, Match, i).entry));
    return result;
}

/* ---------------------------------------------------------------------- */
/* Defaults */

typedef OsinfoResourcesList *(*ResourcesGetter)(OsinfoOs *os);

typedef enum {
    FIGURE_RAM,
    FIGURE_N_CPUS,
    FIGURE_STORAGE,
} Figure;

static gint64
resources_figure(OsinfoResources *resources, Figure figure)
{
    switch (figure) {
    case FIGURE_RAM:
        return osinfo_resources_get_ram(resources);
    case FIGURE_N_CPUS:
        return osinfo_resources_get_n_cpus(resources);
    case FIGURE_STORAGE:
        return osinfo_resources_get_storage(resources);
    }
    return -1;
}

/* @figure in @getter's resources of @os for @arch, else for all architectures; 0 when neither
 * gives it. (libosinfo itself copies what an OS inherits, <resources inherit="true">.) */
static gint64
os_figure(OsinfoOs *os, ResourcesGetter getter, const char *arch, Figure figure)
{
    g_autoptr(OsinfoResourcesList) list = getter(os);
    int n = osinfo_list_get_length(OSINFO_LIST(list));
    gint64 for_all = 0;

    for (int i = 0; i < n; i++) {
        OsinfoResources *resources = OSINFO_RESOURCES(osinfo_list_get_nth(OSINFO_LIST(list), i));
        const char *resources_arch = osinfo_resources_get_architecture(resources);
        gint64 value = resources_figure(resources, figure);

        if (value <= 0)
            continue;
        if (arch != NULL && g_strcmp0(resources_arch, arch) == 0)
            return value;
        if (g_strcmp0(resources_arch, "all") == 0 && for_all == 0)
            for_all = value;
    }
    return for_all;
}

/* Recommended, else twice the minimum, else @generic. */
static gint64
pick_figure(OsinfoOs *os, const char *arch, Figure figure, gint64 generic)
{
    gint64 value = os_figure(os, osinfo_os_get_recommended_resources, arch, figure);

    if (value <= 0)
        value = 2 * os_figure(os, osinfo_os_get_minimum_resources, arch, figure);
    return value > 0 ? value : generic;
}

static gboolean
has_device(GHashTable *names, const char *const *candidates)
{
    for (guint i = 0; candidates[i] != NULL; i++) {
        if (g_hash_table_contains(names, candidates[i]))
            return TRUE;
    }
    return FALSE;
}

static void
pick_devices(OsinfoOs *os, HakoOsDefaults *defaults)
{
    static const char *const virtio_block[] = {"virtio1.0-block", "virtio-block", NULL};
    static const char *const virtio_net[] = {"virtio1.0-net", "virtio-net", NULL};
    static const char *const virtio_gpu[] = {"virtio1.0-gpu", NULL};
    static const char *const q35[] = {"qemu-x86-q35", NULL}; /* its chipset has AHCI (SATA) */
    static const char *const nics[] = {"e1000e", "e1000", "rtl8139", NULL};
    g_autoptr(OsinfoDeviceList) devices = osinfo_os_get_all_devices(os, NULL);
    g_autoptr(GHashTable) names = g_hash_table_new(g_str_hash, g_str_equal);
    int n = osinfo_list_get_length(OSINFO_LIST(devices));

    for (int i = 0; i < n; i++) {
        const char *name =
            osinfo_device_get_name(OSINFO_DEVICE(osinfo_list_get_nth(OSINFO_LIST(devices), i)));

        if (name != NULL)
            g_hash_table_add(names, (gpointer)name);
    }

    if (has_device(names, virtio_block))
        defaults->disk_bus = g_strdup("virtio");
    else
        defaults->disk_bus = g_strdup(has_device(names, q35) ? "sata" : "ide");

    if (has_device(names, virtio_net))
        defaults->nic_model = g_strdup("virtio");
    for (guint i = 0; defaults->nic_model == NULL && nics[i] != NULL; i++) {
        if (g_hash_table_contains(names, nics[i]))
            defaults->nic_model = g_strdup(nics[i]);
    }
    if (defaults->nic_model == NULL)
        defaults->nic_model = g_strdup("rtl8139");

    if (has_device(names, virtio_gpu))
        defaults->video_model = g_strdup("virtio");
    else
        defaults->video_model = g_strdup(g_hash_table_contains(names, "qxl") ? "qxl" : "vga");
}

static void
pick_firmware(OsinfoOs *os, const char *arch, HakoOsDefaults *defaults)
{
    g_autoptr(OsinfoFirmwareList) list = osinfo_os_get_complete_firmware_list(os, NULL);
    int n = osinfo_list_get_length(OSINFO_LIST(list));
    gboolean bios_unsupported = FALSE;

    for (int i = 0; i < n; i++) {
        OsinfoFirmware *firmware = OSINFO_FIRMWARE(osinfo_list_get_nth(OSINFO_LIST(list), i));
        const char *type = osinfo_firmware_get_firmware_type(firmware);

        if (arch == NULL || g_strcmp0(osinfo_firmware_get_architecture(firmware), arch) != 0)
            continue;
        if (g_strcmp0(type, "efi") == 0 && osinfo_firmware_is_supported(firmware))
            defaults->supports_uefi = TRUE;
        else if (g_strcmp0(type, "bios") == 0 && !osinfo_firmware_is_supported(firmware))
            bios_unsupported = TRUE;
    }
    defaults->prefers_uefi = defaults->supports_uefi && bios_unsupported;
}

/**
 * hako_os_db_get_defaults:
 * @os: (nullable): an operating system, or %NULL for one Hako does not know
 * @arch: (nullable): the guest's architecture ("x86_64"); %NULL for figures that hold for all
 *
 * What a new guest of @os should get. Memory, vCPUs and disk size are osinfo-db's recommended
 * resources for @arch, else for all architectures, else twice its minimum, else 2048 MiB, 2 vCPUs
 * and 20 GiB; the memory is never below the minimum. The devices are the best @os has drivers for:
 * virtio for the disk if it can, else SATA (on a q35 machine) or IDE; a virtio NIC, else e1000e,
 * e1000 or rtl8139; virtio video, else QXL or VGA. For an unknown OS: SATA, e1000 and VGA, which
 * nearly everything drives. UEFI is preferred when @os lists BIOS as unsupported on @arch (always
 * on aarch64). The caller checks the choices against what the hypervisor offers (HakoGuestOption).
 *
 * Returns: (transfer full): the defaults.
 */
HakoOsDefaults *
hako_os_db_get_defaults(HakoOsDb *self, HakoOsEntry *os, const char *arch)
{
    HakoOsDefaults *defaults;
    gint64 minimum_ram;

    g_return_val_if_fail(HAKO_IS_OS_DB(self), NULL);
    g_return_val_if_fail(os == NULL || HAKO_IS_OS_ENTRY(os), NULL);

    defaults = g_new0(HakoOsDefaults, 1);
    if (os == NULL) {
        defaults->memory_mib = GENERIC_MEMORY_MIB;
        defaults->vcpus = GENERIC_VCPUS;
        defaults->disk_bytes = GENERIC_DISK_BYTES;
        defaults->disk_bus = g_strdup("sata");
        defaults->nic_model = g_strdup("e1000");
        defaults->video_model = g_strdup("vga");
    } else {
        g_mutex_lock(&self->lock);
        defaults->memory_mib =
            (guint64)pick_figure(os->os, arch, FIGURE_RAM, GENERIC_MEMORY_MIB * MiB) / MiB;
        minimum_ram = os_figure(os->os, osinfo_os_get_minimum_resources, arch, FIGURE_RAM);
        defaults->minimum_memory_mib = (guint64)minimum_ram / MiB;
        defaults->vcpus =
            (guint)MIN(pick_figure(os->os, arch, FIGURE_N_CPUS, GENERIC_VCPUS), G_MAXUINT);
        defaults->disk_bytes =
            (guint64)pick_figure(os->os, arch, FIGURE_STORAGE, (gint64)GENERIC_DISK_BYTES);
        pick_devices(os->os, defaults);
        pick_firmware(os->os, arch, defaults);
        g_mutex_unlock(&self->lock);
        defaults->memory_mib = MAX(defaults->memory_mib, defaults->minimum_memory_mib);
    }
    if (g_strcmp0(arch, "aarch64") == 0) {
        /* ARM's virt machine boots discs through UEFI only */
        defaults->supports_uefi = TRUE;
        defaults->prefers_uefi = TRUE;
    }
    return defaults;
}

/* ---------------------------------------------------------------------- */
/* Detecting */

/* Worker thread: the entry of the OS libosinfo found for media or a tree (@os: transfer full,
 * as osinfo_media_get_os() and osinfo_tree_get_os() give it). */
static HakoOsEntry *
entry_for(HakoOsDb *self, OsinfoOs *os)
{
    g_autoptr(OsinfoOs) owned = os;
    HakoOsEntry *entry = NULL;

    if (owned != NULL)
        entry = g_hash_table_lookup(self->by_id, osinfo_entity_get_id(OSINFO_ENTITY(owned)));
    return entry != NULL ? g_object_ref(entry) : NULL;
}

/* Worker thread: whether @path can be opened for reading and is not a folder. */
static gboolean
check_readable(const char *path, GError **error)
{
    g_autofree char *display = g_filename_display_name(path);
    struct stat st;
    int fd = g_open(path, O_RDONLY | O_CLOEXEC, 0);
    int saved;

    if (fd < 0 || fstat(fd, &st) < 0) {
        saved = errno;
        if (fd >= 0)
            close(fd);
        g_set_error(error, HAKO_ENGINE_ERROR,
                    saved == ENOENT ? HAKO_ENGINE_ERROR_NOT_FOUND : HAKO_ENGINE_ERROR_FAILED,
                    _("“%s” could not be read: %s"), display, g_strerror(saved));
        return FALSE;
    }
    close(fd);
    if (S_ISDIR(st.st_mode)) {
        g_set_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_INVALID_DATA,
                    _("“%s” is a folder, not a disc image."), display);
        return FALSE;
    }
    return TRUE;
}

/*
 * libosinfo's synchronous calls run its asynchronous ones in a main loop of the thread-default
 * context, which on a worker thread is the global default one, owned by the main thread: the
 * worker then waits for the main thread's next wake-up, or for ever if the reply was dispatched
 * there first. Each call gets a context of its own instead.
 */
static OsinfoMedia *
create_media(const char *path, GCancellable *cancellable, GError **error)
{
    g_autoptr(GMainContext) context = g_main_context_new();
    OsinfoMedia *media;

    g_main_context_push_thread_default(context);
    media = osinfo_media_create_from_location_with_flags(path, cancellable, 0, error);
    g_main_context_pop_thread_default(context);
    return media;
}

static OsinfoTree *
create_tree(const char *url, GCancellable *cancellable, GError **error)
{
    g_autoptr(GMainContext) context = g_main_context_new();
    OsinfoTree *tree;

    g_main_context_push_thread_default(context);
    tree = osinfo_tree_create_from_location(url, cancellable, error);
    g_main_context_pop_thread_default(context);
    return tree;
}

static void
detect_media_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    HakoOsDb *self = source;
    const char *path = data;
    g_autofree char *display = g_filename_display_name(path);
    g_autoptr(OsinfoMedia) media = NULL;
    GError *error = NULL;
    HakoOsEntry *entry = NULL;

    if (!check_readable(path, &error)) {
        g_task_return_error(task, error);
        return;
    }
    media = create_media(path, cancellable, &error);
    if (media == NULL) {
        if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
            g_task_return_error(task, error);
            return;
        }
        if (error->domain == OSINFO_MEDIA_ERROR)
            g_task_return_new_error(task, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_INVALID_DATA,
                                    _("“%s” is not an ISO image: %s"), display, error->message);
        else
            g_task_return_new_error(task, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_FAILED,
                                    _("“%s” could not be read: %s"), display, error->message);
        g_error_free(error);
        return;
    }

    g_mutex_lock(&self->lock);
    if (osinfo_db_identify_media(self->db, media))
        entry = entry_for(self, osinfo_media_get_os(media));
    g_mutex_unlock(&self->lock);
    g_debug("media %s (volume id “%s”): %s", path, osinfo_media_get_volume_id(media),
            entry != NULL ? entry->id : "not recognized");
    g_task_return_pointer(task, entry, g_object_unref);
}

/**
 * hako_os_db_detect_media_async:
 * @path: a local ISO image or CD/DVD device
 *
 * Reads the volume descriptors of @path on a worker thread and asks osinfo-db which operating
 * system's install media they are.
 */
void
hako_os_db_detect_media_async(HakoOsDb *self,
                              const char *path,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data)
{
    g_autoptr(GTask) task = NULL;

    g_return_if_fail(HAKO_IS_OS_DB(self));
    g_return_if_fail(path != NULL);

    task = g_task_new(self, cancellable, callback, user_data);
    g_task_set_source_tag(task, hako_os_db_detect_media_async);
    g_task_set_task_data(task, g_strdup(path), g_free);
    /* a device or network file system that never answers must not hold a shared thread */
    _hako_task_run_in_own_thread(task, detect_media_thread);
}

/**
 * hako_os_db_detect_media_finish:
 *
 * Returns: (transfer full) (nullable): the operating system on the media; %NULL without an
 *   error when osinfo-db does not recognize it. Errors: %HAKO_ENGINE_ERROR_NOT_FOUND (no such
 *   file), %HAKO_ENGINE_ERROR_INVALID_DATA (a folder, or not an ISO image),
 *   %HAKO_ENGINE_ERROR_FAILED (could not be read).
 */
HakoOsEntry *
hako_os_db_detect_media_finish(HakoOsDb *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), NULL);
    return g_task_propagate_pointer(G_TASK(result), error);
}

static void
detect_tree_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    HakoOsDb *self = source;
    const char *url = data;
    g_autoptr(OsinfoTree) tree = NULL;
    GError *error = NULL;
    HakoOsEntry *entry = NULL;

    tree = create_tree(url, cancellable, &error);
    if (tree == NULL) {
        if (g_error_matches(error, OSINFO_TREE_ERROR, OSINFO_TREE_ERROR_NO_TREEINFO)) {
            /* the server answers, but without a .treeinfo: a tree libosinfo cannot tell */
            g_debug("tree %s: %s", url, error->message);
            g_error_free(error);
            g_task_return_pointer(task, NULL, NULL);
        } else if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
            g_task_return_error(task, error);
        } else {
            gboolean scheme = g_error_matches(error, OSINFO_TREE_ERROR,
                                              OSINFO_TREE_ERROR_NOT_SUPPORTED_PROTOCOL) ||
                              g_error_matches(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);

            g_task_return_new_error(
                task, HAKO_ENGINE_ERROR,
                scheme ? HAKO_ENGINE_ERROR_NOT_SUPPORTED : HAKO_ENGINE_ERROR_FAILED,
                _("No install tree could be read at “%s”: %s"), url, error->message);
            g_error_free(error);
        }
        return;
    }

    g_mutex_lock(&self->lock);
    if (osinfo_db_identify_tree(self->db, tree))
        entry = entry_for(self, osinfo_tree_get_os(tree));
    g_mutex_unlock(&self->lock);
    g_debug("tree %s (%s %s %s): %s", url, osinfo_tree_get_treeinfo_family(tree),
            osinfo_tree_get_treeinfo_version(tree), osinfo_tree_get_treeinfo_arch(tree),
            entry != NULL ? entry->id : "not recognized");
    g_task_return_pointer(task, entry, g_object_unref);
}

/**
 * hako_os_db_detect_tree_async:
 * @url: an install tree's address (http, https or ftp)
 *
 * Fetches the tree's .treeinfo (or treeinfo) on a worker thread and asks osinfo-db which
 * operating system's tree it is. Trees without one (Debian's, Ubuntu's) are not recognized.
 */
void
hako_os_db_detect_tree_async(HakoOsDb *self,
                             const char *url,
                             GCancellable *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer user_data)
{
    g_autoptr(GTask) task = NULL;

    g_return_if_fail(HAKO_IS_OS_DB(self));
    g_return_if_fail(url != NULL);

    task = g_task_new(self, cancellable, callback, user_data);
    g_task_set_source_tag(task, hako_os_db_detect_tree_async);
    g_task_set_task_data(task, g_strdup(url), g_free);
    /* a server that never answers must not hold one of GTask's few shared threads */
    _hako_task_run_in_own_thread(task, detect_tree_thread);
}

/**
 * hako_os_db_detect_tree_finish:
 *
 * Returns: (transfer full) (nullable): the operating system of the tree; %NULL without an
 *   error when the tree has no .treeinfo or osinfo-db does not know it. Errors:
 *   %HAKO_ENGINE_ERROR_FAILED (no answer), %HAKO_ENGINE_ERROR_NOT_SUPPORTED (the address's
 *   scheme).
 */
HakoOsEntry *
hako_os_db_detect_tree_finish(HakoOsDb *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), NULL);
    return g_task_propagate_pointer(G_TASK(result), error);
}
