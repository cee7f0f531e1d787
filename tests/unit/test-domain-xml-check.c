/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The XML tab's checks before a define, without a connection: well-formed (with the line and
 * column of the fault), a <domain>, and the same guest (UUID and name kept). */
#include "config.h"

#include "hako-domain-xml.h"
#include "hako-engine-error.h"

#include <string.h>

#define UUID "6695eb01-f6a4-8304-79aa-97f2502e193f"

static const char *good = "<domain type='test'>\n"
                          "  <name>test</name>\n"
                          "  <uuid>" UUID "</uuid>\n"
                          "  <memory unit='KiB'>8388608</memory>\n"
                          "</domain>\n";

static void
assert_refused(const char *xml, const char *words)
{
    g_autoptr(GError) error = NULL;
    int line = -1, column = -1;

    g_assert_false(hako_domain_xml_check(xml, UUID, "test", &line, &column, &error));
    g_assert_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_INVALID_DATA);
    if (strstr(error->message, words) == NULL)
        g_error("“%s” does not say “%s”", error->message, words);
    /* a position only for XML that is not well-formed */
    g_assert_cmpint(line, ==, 0);
    g_assert_cmpint(column, ==, 0);
}

static void
test_good(void)
{
    g_autoptr(GError) error = NULL;
    int line = -1, column = -1;

    g_assert_true(hako_domain_xml_check(good, UUID, "test", &line, &column, &error));
    g_assert_no_error(error);
    g_assert_cmpint(line, ==, 0);
    g_assert_cmpint(column, ==, 0);
    /* nothing to compare with: only well-formed */
    g_assert_true(hako_domain_xml_check(good, NULL, NULL, NULL, NULL, &error));
    g_assert_no_error(error);
    /* libvirt reads UUIDs without dashes and in capitals too */
    {
        g_autoptr(GString) xml = g_string_new(good);

        g_string_replace(xml, UUID, "6695EB01F6A4830479AA97F2502E193F", 1);
        g_assert_true(hako_domain_xml_check(xml->str, UUID, "test", NULL, NULL, &error));
        g_assert_no_error(error);
    }
}

static void
test_not_well_formed(void)
{
    g_autoptr(GError) error = NULL;
    int line = 0, column = 0;
    /* the end tag on line 4 does not match */
    const char *xml = "<domain type='test'>\n"
                      "  <name>test</name>\n"
                      "  <uuid>" UUID "</uuid>\n"
                      "  <memory unit='KiB'>8388608</memroy>\n"
                      "</domain>\n";

    g_assert_false(hako_domain_xml_check(xml, UUID, "test", &line, &column, &error));
    g_assert_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_INVALID_DATA);
    g_assert_cmpint(line, ==, 4);
    g_assert_cmpint(column, >, 1);
    g_test_message("%s", error->message);
    g_assert_nonnull(strstr(error->message, "line 4, column"));
    g_assert_nonnull(strstr(error->message, "memory"));
    g_assert_null(strchr(error->message, '\n'));
    g_clear_error(&error);

    /* nothing at all, and an unclosed document */
    g_assert_false(hako_domain_xml_check("", UUID, "test", &line, &column, &error));
    g_assert_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_INVALID_DATA);
    g_assert_cmpint(line, ==, 1);
    g_clear_error(&error);
    g_assert_false(hako_domain_xml_check("<domain>\n<name>test</name>\n", UUID, "test", &line,
                                         &column, &error));
    g_assert_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_INVALID_DATA);
    g_assert_cmpint(line, >=, 2);
    g_clear_error(&error);

    /* an entity that is not defined */
    g_assert_false(
        hako_domain_xml_check("<domain>&x;</domain>", NULL, NULL, &line, &column, &error));
    g_assert_error(error, HAKO_ENGINE_ERROR, HAKO_ENGINE_ERROR_INVALID_DATA);
    g_assert_cmpint(line, ==, 1);
}

static void
test_other_guest(void)
{
    g_autoptr(GString) renamed = g_string_new(good);
    g_autoptr(GString) new_uuid = g_string_new(good);
    g_autoptr(GString) no_uuid = g_string_new(good);
    g_autoptr(GString) no_name = g_string_new(good);

    assert_refused("<network><name>test</name></network>", "not <domain>");

    g_string_replace(renamed, "<name>test</name>", "<name>other</name>", 1);
    assert_refused(renamed->str, "cannot rename");
    assert_refused(renamed->str, "“other”");

    g_string_replace(new_uuid, UUID, "11111111-2222-3333-4444-555555555555", 1);
    assert_refused(new_uuid->str, "put back “" UUID "”");

    g_string_replace(no_uuid, "  <uuid>" UUID "</uuid>\n", "", 1);
    assert_refused(no_uuid->str, "<uuid>" UUID "</uuid>");

    g_string_replace(no_name, "  <name>test</name>\n", "", 1);
    assert_refused(no_name->str, "<name>test</name>");
}

int
main(int argc, char *argv[])
{
    g_test_init(&argc, &argv, NULL);

    g_test_add_func("/engine/domain-xml/check/good", test_good);
    g_test_add_func("/engine/domain-xml/check/not-well-formed", test_not_well_formed);
    g_test_add_func("/engine/domain-xml/check/other-guest", test_other_guest);
    return g_test_run();
}
