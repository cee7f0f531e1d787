/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The XML tab's engine: a guest's XML read, changed and defined; XML that is not well-formed,
 * names another guest, or that libvirt refuses (a bad memory unit, an element its schema does
 * not know) refused with the reason, the guest's definition left exactly as it was.
 *
 * Without HAKO_TEST_URI: libvirt's test driver (test:///default, guest "test").
 * Run by tests/harness/with-private-libvirtd (HAKO_TEST_URI, HAKO_TEST_GUEST): a real libvirtd
 * with a QEMU guest. */
#include "config.h"

#include "hako-connection-manager.h"
#include "hako-domain-list.h"
#include "hako-domain-xml.h"
#include "hako-domain.h"
#include "hako-engine-error.h"
#include "hako-engine.h"
#include "hako-host.h"
#include "hako-test-util.h"

#include <libvirt/libvirt.h>
#include <string.h>

static const char *uri;
static const char *guest_name;
static HakoConnectionManager *manager;
static HakoHost *host;
static HakoDomain *domain;
static GThread *main_thread;

typedef struct {
    gboolean done;
    char *xml;
    gboolean ok;
    GError *error;
} Wait;

static gboolean
is_done(gpointer data)
{
    return ((Wait *)data)->done;
}

static void
get_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    Wait *w = user_data;

    g_assert_true(g_thread_self() == main_thread);
    w->xml = hako_domain_xml_get_finish(HAKO_CONNECTION_MANAGER(source), result, &w->error);
    w->done = TRUE;
}

static void
define_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    Wait *w = user_data;

    g_assert_true(g_thread_self() == main_thread);
    w->ok = hako_domain_xml_define_finish(HAKO_CONNECTION_MANAGER(source), result, &w->error);
    w->done = TRUE;
}

static char *
get_xml(void)
{
    Wait w = {0};

    hako_domain_xml_get_async(manager, host, hako_domain_get_uuid(domain), NULL, get_cb, &w);
    g_assert_false(w.done);
    g_assert_true(hako_test_wait_until(is_done, &w, 60000));
    g_assert_no_error(w.error);
    g_assert_nonnull(w.xml);
    return w.xml;
}

static gboolean
define_xml(const char *xml, GError **error)
{
    Wait w = {0};

    hako_domain_xml_define_async(manager, host, hako_domain_get_uuid(domain), xml, NULL, define_cb,
                                 &w);
    g_assert_false(w.done);
    g_assert_true(hako_test_wait_until(is_done, &w, 60000));
    if (w.error != NULL)
        g_propagate_error(error, w.error);
    return w.ok;
}

/* @xml with the first @from replaced by @to, which must be there. */
static char *
replace(const char *xml, const char *from, const char *to)
{
    GString *s = g_string_new(xml);

    g_assert_nonnull(strstr(xml, from));
    g_string_replace(s, from, to, 1);
    return g_string_free(s, FALSE);
}

/* The guest's "<memory unit='KiB'>N</memory>" line, and N. */
static char *
memory_element(const char *xml, guint64 *kib)
{
    const char *start = strstr(xml, "<memory unit='KiB'>");
    const char *end;

    g_assert_nonnull(start);
    end = strstr(start, "</memory>");
    g_assert_nonnull(end);
    *kib = g_ascii_strtoull(start + strlen("<memory unit='KiB'>"), NULL, 10);
    g_assert_cmpuint(*kib, >, 0);
    return g_strndup(start, end + strlen("</memory>") - start);
}

static gboolean
max_memory_is(gpointer data)
{
    return hako_domain_get_max_memory(domain) == *(guint64 *)data;
}

/* Refused with @code and words of the reason; the definition is exactly as before. */
static void
assert_refused(const char *xml, int code, const char *words)
{
    g_autofree char *before = get_xml();
    g_autofree char *after = NULL;
    g_autoptr(GError) error = NULL;
    guint n_guests = g_list_model_get_n_items(G_LIST_MODEL(hako_host_get_domains(host)));

    g_assert_false(define_xml(xml, &error));
    g_assert_error(error, HAKO_ENGINE_ERROR, code);
    g_test_message("refused: %s", error->message);
    if (strstr(error->message, words) == NULL)
        g_error("“%s” does not say “%s”", error->message, words);
    after = get_xml();
    g_assert_cmpstr(after, ==, before);
    /* no other guest was made on the way */
    hako_test_spin(100);
    g_assert_cmpuint(g_list_model_get_n_items(G_LIST_MODEL(hako_host_get_domains(host))), ==,
                     n_guests);
}

static void
test_get(void)
{
    g_autofree char *xml = get_xml();
    g_autofree char *name = g_strdup_printf("<name>%s</name>", guest_name);
    g_autofree char *uuid = g_strdup_printf("<uuid>%s</uuid>", hako_domain_get_uuid(domain));
    g_autoptr(GError) error = NULL;

    g_assert_true(g_str_has_prefix(xml, "<domain "));
    g_assert_nonnull(strstr(xml, name));
    g_assert_nonnull(strstr(xml, uuid));
    g_assert_true(
        hako_domain_xml_check(xml, hako_domain_get_uuid(domain), guest_name, NULL, NULL, &error));
    g_assert_no_error(error);
}

static void
test_define_change(void)
{
    g_autofree char *before = get_xml();
    g_autofree char *memory = NULL;
    g_autofree char *new_memory = NULL;
    g_autofree char *changed = NULL;
    g_autofree char *after = NULL;
    g_autofree char *restored = NULL;
    g_autoptr(GError) error = NULL;
    guint64 kib, new_kib;

    memory = memory_element(before, &kib);
    new_kib = kib + 65536;
    new_memory = g_strdup_printf("<memory unit='KiB'>%" G_GUINT64_FORMAT "</memory>", new_kib);
    changed = replace(before, memory, new_memory);

    g_assert_true(define_xml(changed, &error));
    g_assert_no_error(error);
    after = get_xml();
    g_assert_nonnull(strstr(after, new_memory));
    /* only that changed */
    g_assert_cmpstr(after, ==, changed);
    /* and the model follows libvirt's event; a running guest keeps its live figures until it
     * next starts (the test driver's "test" runs) */
    if (!hako_domain_is_active(domain))
        g_assert_true(hako_test_wait_until(max_memory_is, &new_kib, 10000));

    /* back as it was */
    g_assert_true(define_xml(before, &error));
    g_assert_no_error(error);
    restored = get_xml();
    g_assert_cmpstr(restored, ==, before);
    if (!hako_domain_is_active(domain))
        g_assert_true(hako_test_wait_until(max_memory_is, &kib, 10000));
}

static void
test_not_well_formed(void)
{
    g_autofree char *xml = get_xml();
    g_autofree char *broken = replace(xml, "</memory>", "</memroy>");

    assert_refused(broken, HAKO_ENGINE_ERROR_INVALID_DATA, "not well-formed: line ");
    assert_refused("", HAKO_ENGINE_ERROR_INVALID_DATA, "not well-formed");
}

static void
test_libvirt_refuses(void)
{
    g_autofree char *xml = get_xml();
    g_autofree char *bad_unit = replace(xml, "<memory unit='KiB'>", "<memory unit='bogus'>");
    g_autofree char *bad_device = replace(xml, "</devices>", "<frobnicator/></devices>");
    g_autofree char *too_big = NULL;
    g_autofree char *memory = NULL;
    g_autofree char *prefix =
        g_strdup_printf("libvirt refused the new definition of “%s”: ", guest_name);
    guint64 kib;

    /* refused by libvirt's schema */
    assert_refused(bad_unit, HAKO_ENGINE_ERROR_FAILED, prefix);
    assert_refused(bad_unit, HAKO_ENGINE_ERROR_FAILED, "Invalid attribute unit");
    /* accepted and silently dropped without the schema check: refused with it */
    assert_refused(bad_device, HAKO_ENGINE_ERROR_FAILED, prefix);
    assert_refused(bad_device, HAKO_ENGINE_ERROR_FAILED, "schema");
    /* past the schema, refused by libvirt's parser */
    memory = memory_element(xml, &kib);
    too_big = replace(xml, memory, "<memory unit='EiB'>100</memory>");
    assert_refused(too_big, HAKO_ENGINE_ERROR_FAILED, prefix);
    assert_refused(too_big, HAKO_ENGINE_ERROR_FAILED, "value too large: 100EiB");
}

static void
test_other_guest(void)
{
    g_autofree char *xml = get_xml();
    g_autofree char *name = g_strdup_printf("<name>%s</name>", guest_name);
    g_autofree char *renamed = replace(xml, name, "<name>hako-xml-renamed</name>");
    g_autofree char *uuid = g_strdup_printf("<uuid>%s</uuid>", hako_domain_get_uuid(domain));
    g_autofree char *new_uuid =
        replace(xml, uuid, "<uuid>0b1ac4e5-0000-4000-8000-000000000001</uuid>");
    g_autofree char *no_uuid = replace(xml, uuid, "");

    assert_refused(renamed, HAKO_ENGINE_ERROR_INVALID_DATA, "cannot rename");
    assert_refused(new_uuid, HAKO_ENGINE_ERROR_INVALID_DATA, "UUID");
    assert_refused(no_uuid, HAKO_ENGINE_ERROR_INVALID_DATA, "<uuid>");
}

static gboolean
host_settled(gpointer data)
{
    return hako_host_get_state(data) != HAKO_HOST_STATE_CONNECTING;
}

static void
test_not_connected(void)
{
    g_autoptr(HakoConnectionManager) other = hako_connection_manager_new(NULL);
    HakoHost *idle = hako_connection_manager_add(other, uri, HAKO_CONNECT_NONE);
    Wait w = {0};

    hako_domain_xml_get_async(other, idle, hako_domain_get_uuid(domain), NULL, get_cb, &w);
    g_assert_true(hako_test_wait_until(is_done, &w, 10000));
    g_assert_error(w.error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_NOT_CONNECTED);
    g_clear_error(&w.error);

    w.done = FALSE;
    hako_domain_xml_define_async(other, idle, hako_domain_get_uuid(domain), "<domain/>", NULL,
                                 define_cb, &w);
    g_assert_true(hako_test_wait_until(is_done, &w, 10000));
    g_assert_error(w.error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_NOT_CONNECTED);
    g_clear_error(&w.error);
}

/* A transient guest (the test driver makes one without a hypervisor): nothing to change. */
static void
test_transient(void)
{
    virConnectPtr conn = virConnectOpen("test:///default");
    virDomainPtr dom;
    g_autofree char *xml = NULL;
    g_autoptr(GError) error = NULL;
    HakoDomain *transient;
    Wait w = {0};
    const char *def = "<domain type='test'><name>hako-transient</name>"
                      "<uuid>0b1ac4e5-0000-4000-8000-000000000002</uuid>"
                      "<memory>65536</memory><os><type>hvm</type></os></domain>";

    g_assert_nonnull(conn);
    dom = virDomainCreateXML(conn, def, 0);
    g_assert_nonnull(dom);
    transient = NULL;
    for (int i = 0; i < 100 && transient == NULL; i++) {
        transient = hako_domain_list_lookup_by_name(hako_host_get_domains(host), "hako-transient");
        if (transient == NULL)
            hako_test_spin(50);
    }
    g_assert_nonnull(transient);

    hako_domain_xml_get_async(manager, host, hako_domain_get_uuid(transient), NULL, get_cb, &w);
    g_assert_true(hako_test_wait_until(is_done, &w, 10000));
    g_assert_no_error(w.error);
    xml = w.xml;

    w = (Wait){0};
    hako_domain_xml_define_async(manager, host, hako_domain_get_uuid(transient), xml, NULL,
                                 define_cb, &w);
    g_assert_true(hako_test_wait_until(is_done, &w, 10000));
    g_assert_error(w.error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_NOT_SUPPORTED);
    g_assert_nonnull(strstr(w.error->message, "transient"));
    g_clear_error(&w.error);
    g_assert_cmpint(virDomainIsPersistent(dom), ==, 0);

    virDomainDestroy(dom);
    virDomainFree(dom);
    virConnectClose(conn);
}

static gboolean
guest_listed(gpointer data)
{
    return hako_domain_list_lookup_by_name(hako_host_get_domains(host), guest_name) != NULL;
}

static gboolean
is_gone(gpointer data)
{
    return *(gpointer *)data == NULL;
}

int
main(int argc, char *argv[])
{
    HakoConnectionManager *weak;
    gboolean real;
    int status;

    g_test_init(&argc, &argv, NULL);
    hako_engine_init();
    main_thread = g_thread_self();

    uri = g_getenv("HAKO_TEST_URI");
    real = uri != NULL;
    if (!real)
        uri = "test:///default";
    guest_name = real ? g_getenv("HAKO_TEST_GUEST") : "test";
    g_assert_nonnull(guest_name);

    manager = hako_connection_manager_new(NULL);
    host = hako_connection_manager_add(manager, uri, HAKO_CONNECT_NONE);
    hako_connection_manager_connect(manager, host);
    g_assert_true(hako_test_wait_until(host_settled, host, 60000));
    g_assert_cmpint(hako_host_get_state(host), ==, HAKO_HOST_STATE_CONNECTED);
    g_assert_true(hako_test_wait_until(guest_listed, NULL, 30000));
    domain = hako_domain_list_lookup_by_name(hako_host_get_domains(host), guest_name);

    g_test_add_func("/engine/domain-xml/get", test_get);
    g_test_add_func("/engine/domain-xml/define-change", test_define_change);
    g_test_add_func("/engine/domain-xml/not-well-formed", test_not_well_formed);
    g_test_add_func("/engine/domain-xml/libvirt-refuses", test_libvirt_refuses);
    g_test_add_func("/engine/domain-xml/other-guest", test_other_guest);
    g_test_add_func("/engine/domain-xml/not-connected", test_not_connected);
    if (!real)
        g_test_add_func("/engine/domain-xml/transient", test_transient);
    status = g_test_run();

    weak = manager;
    g_object_add_weak_pointer(G_OBJECT(manager), (gpointer *)&weak);
    g_clear_object(&manager);
    /* the workers drop their tasks (and so the manager) just after returning */
    g_assert_true(hako_test_wait_until(is_gone, &weak, 10000));
    return status;
}
