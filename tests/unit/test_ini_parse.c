/* SPDX-License-Identifier: ISC */
/*
 * ini/parse.c: one test per grammar rule and per syntax error class,
 * each asserting the line number and the message.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ini/ini.h"
#include "tests/unit/gwtest.h"

static struct ini_doc *doc;
static struct ini_diags *dg;

static void
setup(void)
{
	doc = NULL;
	ck_assert_int_eq(ini_diags_create(&dg), 0);
}

static void
teardown(void)
{
	ini_doc_destroy(doc);
	ini_diags_destroy(dg);
}

static void
parse_len(const char *s, size_t len)
{
	ck_assert_int_eq(ini_doc_parse(s, len, "t.ini", &doc, dg), 0);
}

static void
parse(const char *s)
{
	parse_len(s, strlen(s));
}

static const struct ini_item *
item(size_t i)
{
	const struct ini_item *it = ini_doc_item(doc, i);

	ck_assert_ptr_nonnull(it);
	return it;
}

/* Exactly one diagnostic, an error at line with msg as a substring. */
static void
expect_error(unsigned line, const char *msg)
{
	const struct ini_diag *d;

	ck_assert_uint_eq(ini_diags_count(dg), 1);
	d = ini_diags_get(dg, 0);
	ck_assert_int_eq(ini_diag_severity(d), INI_SEV_ERROR);
	ck_assert_uint_eq(ini_diag_line(d), line);
	ck_assert_str_eq(ini_diag_file(d), "t.ini");
	if (strstr(ini_diag_message(d), msg) == NULL)
		ck_abort_msg("message '%s' lacks '%s'", ini_diag_message(d),
			     msg);
	ck_assert_uint_eq(ini_doc_errors(doc), 1);
}

static void
expect_clean(void)
{
	if (ini_diags_count(dg) > 0)
		ck_abort_msg("unexpected: %s",
			     ini_diag_message(ini_diags_get(dg, 0)));
	ck_assert_uint_eq(ini_doc_errors(doc), 0);
}

/* ---- grammar ----------------------------------------------------- */

START_TEST(test_comment)
{
	parse("; first\n;Board: MP-112 FXS\n");
	expect_clean();
	ck_assert_uint_eq(ini_doc_count(doc), 2);
	ck_assert_int_eq(ini_item_kind(item(0)), INI_ITEM_COMMENT);
	ck_assert_str_eq(ini_item_name(item(0)), " first");
	ck_assert_str_eq(ini_item_name(item(1)), "Board: MP-112 FXS");
	ck_assert_uint_eq(ini_item_line(item(1)), 2);
}
END_TEST

START_TEST(test_comment_in_table)
{
	parse("[ ProxyIp ]\r\n; This is the Format line.\r\n"
	      "FORMAT ProxyIp_Index = ProxyIp_IpAddress;\r\n"
	      ";row follows\r\nProxyIp 0 = \"a\";\r\n[ \\ProxyIp ]\r\n");
	expect_clean();
	ck_assert_int_eq(ini_item_kind(item(1)), INI_ITEM_COMMENT);
	ck_assert_int_eq(ini_item_kind(item(3)), INI_ITEM_COMMENT);
	ck_assert_int_eq(ini_item_kind(item(4)), INI_ITEM_ROW);
}
END_TEST

START_TEST(test_line_ends)
{
	size_t len;
	const char *raw;

	parse("A = 1\r\nB = 2\nC = 3\rD = 4");
	expect_clean();
	ck_assert_uint_eq(ini_doc_count(doc), 4);
	ck_assert_str_eq(ini_item_name(item(3)), "D");
	ck_assert_uint_eq(ini_item_line(item(3)), 4);
	raw = ini_item_raw(item(0), &len);
	ck_assert_uint_eq(len, 5);
	ck_assert_int_eq(memcmp(raw, "A = 1", 5), 0);
}
END_TEST

START_TEST(test_bom)
{
	parse("\xef\xbb\xbfIsProxyUsed = 1\r\n");
	expect_clean();
	ck_assert(ini_doc_has_bom(doc));
	ck_assert_str_eq(ini_item_name(item(0)), "IsProxyUsed");
	ck_assert_str_eq(ini_item_value(item(0)), "1");
}
END_TEST

START_TEST(test_blank_and_section)
{
	parse("\n   \t\n[SYSTEM Params]\nEnableSyslog = 1\n[ SIP Params ]\n");
	expect_clean();
	ck_assert_int_eq(ini_item_kind(item(0)), INI_ITEM_BLANK);
	ck_assert_int_eq(ini_item_kind(item(1)), INI_ITEM_BLANK);
	ck_assert_int_eq(ini_item_kind(item(2)), INI_ITEM_SECTION);
	ck_assert_str_eq(ini_item_name(item(2)), "SYSTEM Params");
	ck_assert_int_eq(ini_item_kind(item(4)), INI_ITEM_SECTION);
	ck_assert_str_eq(ini_item_name(item(4)), "SIP Params");
}
END_TEST

START_TEST(test_scalar_quotes)
{
	parse("A=bare value\nB = 'single'\nC = \"dou'ble\"\nD =\nE = ''\n"
	      "F = ' spaced '\n");
	expect_clean();
	ck_assert_str_eq(ini_item_value(item(0)), "bare value");
	ck_assert_int_eq(ini_item_quote(item(0)), 0);
	ck_assert_str_eq(ini_item_value(item(1)), "single");
	ck_assert_int_eq(ini_item_quote(item(1)), '\'');
	ck_assert_str_eq(ini_item_value(item(2)), "dou'ble");
	ck_assert_int_eq(ini_item_quote(item(2)), '"');
	ck_assert_str_eq(ini_item_value(item(3)), "");
	ck_assert_str_eq(ini_item_value(item(4)), "");
	ck_assert_str_eq(ini_item_value(item(5)), " spaced ");
}
END_TEST

START_TEST(test_scalar_list)
{
	parse("ActivityListToLog = 'pvc', 'afl', \"dr\"\n");
	expect_clean();
	ck_assert_str_eq(ini_item_value(item(0)), "'pvc', 'afl', \"dr\"");
	ck_assert_int_eq(ini_item_quote(item(0)), 0);
}
END_TEST

START_TEST(test_array_scalar)
{
	parse("CASFileName_2 = ''\nifAlias_0 = 'x'\nEP_Num_0 = 0\nPlain = 1\n");
	expect_clean();
	ck_assert_int_eq(ini_item_array_index(item(0)), 2);
	ck_assert_str_eq(ini_item_name(item(0)), "CASFileName_2");
	ck_assert_int_eq(ini_item_array_index(item(1)), 0);
	ck_assert_int_eq(ini_item_array_index(item(2)), 0);
	ck_assert_int_eq(ini_item_array_index(item(3)), -1);
}
END_TEST

START_TEST(test_table)
{
	parse("[ ProxyIp ]\n"
	      "FORMAT ProxyIp_Index = ProxyIp_IpAddress, "
	      "ProxyIp_TransportType, "
	      "ProxyIp_ProxySetId;\n"
	      "ProxyIp 0 = \"obsbc-uswe.sdg.teams.microsoft.com\", 2, 1;\n"
	      "[ \\ProxyIp ]\n");
	expect_clean();
	ck_assert_int_eq(ini_item_kind(item(0)), INI_ITEM_TABLE_BEGIN);
	ck_assert_int_eq(ini_item_kind(item(1)), INI_ITEM_FORMAT);
	ck_assert_str_eq(ini_item_name(item(1)), "ProxyIp");
	ck_assert_uint_eq(ini_item_nindices(item(1)), 1);
	ck_assert_str_eq(ini_item_index(item(1), 0), "ProxyIp_Index");
	ck_assert_uint_eq(ini_item_nfields(item(1)), 3);
	ck_assert_str_eq(ini_item_field(item(1), 2), "ProxyIp_ProxySetId");
	ck_assert_int_eq(ini_item_kind(item(2)), INI_ITEM_ROW);
	ck_assert_str_eq(ini_item_index(item(2), 0), "0");
	ck_assert_str_eq(ini_item_field(item(2), 0),
			 "obsbc-uswe.sdg.teams.microsoft.com");
	ck_assert_int_eq(ini_item_field_quote(item(2), 0), '"');
	ck_assert_str_eq(ini_item_field(item(2), 1), "2");
	ck_assert_int_eq(ini_item_kind(item(3)), INI_ITEM_TABLE_END);
	ck_assert_str_eq(ini_item_name(item(3)), "ProxyIp");
}
END_TEST

/* 7.2 and later: "FORMAT Index = ..." belongs to the enclosing table,
 * known or not; the raw line keeps the spelling. */
START_TEST(test_format_index_noprefix)
{
	size_t len;

	parse("[ TrunkGroup ]\n"
	      "FORMAT Index = TrunkGroupNum, FirstTrunkId;\n"
	      "TrunkGroup 0 = 1, 0;\n[ \\TrunkGroup ]\n"
	      "[ CodersGroup0 ]\nFORMAT Index = Name;\n"
	      "CodersGroup0 0 = g711Alaw64k;\n[ \\CodersGroup0 ]\n");
	expect_clean();
	ck_assert_int_eq(ini_item_kind(item(1)), INI_ITEM_FORMAT);
	ck_assert_str_eq(ini_item_name(item(1)), "TrunkGroup");
	ck_assert_str_eq(ini_item_index(item(1), 0), "Index");
	ck_assert_str_eq(ini_item_field(item(1), 0), "TrunkGroupNum");
	ck_assert(strncmp(ini_item_raw(item(1), &len), "FORMAT Index =", 14) ==
		  0);
	ck_assert_str_eq(ini_item_name(item(5)), "CodersGroup0");
	ck_assert_int_eq(ini_item_kind(item(6)), INI_ITEM_ROW);
}
END_TEST

START_TEST(test_bracket_spacing)
{
	parse("[ProxySet]\nFORMAT ProxySet_Index = ProxySet_SRD;\n"
	      "[\\ProxySet ]\n[  ProxySet  ]\nFORMAT ProxySet_Index = "
	      "ProxySet_SRD;\n[ \\ ProxySet]\n");
	expect_clean();
	ck_assert_int_eq(ini_item_kind(item(0)), INI_ITEM_TABLE_BEGIN);
	ck_assert_int_eq(ini_item_kind(item(2)), INI_ITEM_TABLE_END);
	ck_assert_int_eq(ini_item_kind(item(3)), INI_ITEM_TABLE_BEGIN);
	ck_assert_int_eq(ini_item_kind(item(5)), INI_ITEM_TABLE_END);
}
END_TEST

START_TEST(test_unknown_table)
{
	parse("[ CodersGroup0 ]\n"
	      "FORMAT CodersGroup0_Index = CodersGroup0_Name, "
	      "CodersGroup0_pTime;\n"
	      "CodersGroup0 0 = g711Alaw64k, 20;\n[ \\CodersGroup0 ]\n");
	expect_clean();
	ck_assert_int_eq(ini_item_kind(item(0)), INI_ITEM_TABLE_BEGIN);
	ck_assert_str_eq(ini_item_field(item(2), 0), "g711Alaw64k");
	ck_assert_int_eq(ini_item_field_quote(item(2), 0), 0);
}
END_TEST

START_TEST(test_case_insensitive_table)
{
	parse("[ proxyip ]\nformat PROXYIP_INDEX = proxyip_ipaddress;\n"
	      "PROXYIP 0 = \"h\";\n[ \\PROXYIP ]\n");
	expect_clean();
	ck_assert_int_eq(ini_item_kind(item(1)), INI_ITEM_FORMAT);
	ck_assert_int_eq(ini_item_kind(item(2)), INI_ITEM_ROW);
}
END_TEST

START_TEST(test_default_fields)
{
	parse("[ T ]\nFORMAT T_Index = T_a, T_b, T_c, T_d;\n"
	      "T 1 = $$, , \"\", '$$';\n[ \\T ]\n");
	expect_clean();
	ck_assert(ini_item_field_is_default(item(2), 0));
	ck_assert(ini_item_field_is_default(item(2), 1));
	ck_assert(!ini_item_field_is_default(item(2), 2));
	ck_assert_str_eq(ini_item_field(item(2), 2), "");
	ck_assert(!ini_item_field_is_default(item(2), 3));
	ck_assert_str_eq(ini_item_field(item(2), 3), "$$");
}
END_TEST

START_TEST(test_quoted_separators)
{
	parse("[ T ]\nFORMAT T_Index = T_a, T_b, T_c;\n"
	      "T 1 = \"407,404\", 'a;b', \" x ; y , z \" ;\n[ \\T ]\n");
	expect_clean();
	ck_assert_str_eq(ini_item_field(item(2), 0), "407,404");
	ck_assert_str_eq(ini_item_field(item(2), 1), "a;b");
	ck_assert_str_eq(ini_item_field(item(2), 2), " x ; y , z ");
}
END_TEST

START_TEST(test_multi_index)
{
	parse("[ T ]\nFORMAT T_Index1 T_Index2 = T_a;\nT 1 2 = 7;\n"
	      "T 3, 4 = 8;\n[ \\T ]\n");
	expect_clean();
	ck_assert_uint_eq(ini_item_nindices(item(1)), 2);
	ck_assert_uint_eq(ini_item_nindices(item(2)), 2);
	ck_assert_str_eq(ini_item_index(item(2), 1), "2");
	ck_assert_str_eq(ini_item_index(item(3), 0), "3");
	ck_assert_str_eq(ini_item_index(item(3), 1), "4");
}
END_TEST

START_TEST(test_empty_table)
{
	parse("[ ProxySet ]\nFORMAT ProxySet_Index = ProxySet_SRD;\n"
	      "[ \\ProxySet ]\n[ Foo ]\n[ \\Foo ]\n");
	expect_clean();
	ck_assert_int_eq(ini_item_kind(item(3)), INI_ITEM_TABLE_BEGIN);
	ck_assert_int_eq(ini_item_kind(item(4)), INI_ITEM_TABLE_END);
}
END_TEST

START_TEST(test_max_line)
{
	size_t n = INI_MAX_LINE_LEN;
	char *s = malloc(n + 1);

	memset(s, 'x', n);
	memcpy(s, "A = ", 4);
	s[n] = '\n';
	parse_len(s, n + 1);
	free(s);
	expect_clean();
	ck_assert_uint_eq(strlen(ini_item_value(item(0))), n - 4);
}
END_TEST

START_TEST(test_utf8_value)
{
	parse("ProxyName = 'caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80'\n");
	expect_clean();
	ck_assert_str_eq(ini_item_value(item(0)),
			 "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
}
END_TEST

START_TEST(test_empty_input)
{
	ck_assert_int_eq(ini_doc_parse(NULL, 0, NULL, &doc, NULL), 0);
	ck_assert_uint_eq(ini_doc_count(doc), 0);
	ck_assert_ptr_null(ini_doc_filename(doc));
	ck_assert_int_eq(ini_doc_parse(NULL, 1, NULL, &doc, NULL), -EINVAL);
}
END_TEST

/* ---- errors ------------------------------------------------------ */

START_TEST(test_err_unterminated_scalar)
{
	parse("A = 1\nProxyName = 'abc\n");
	expect_error(2, "unterminated quoted string");
	ck_assert_int_eq(ini_item_kind(item(1)), INI_ITEM_INVALID);
}
END_TEST

START_TEST(test_err_unterminated_field)
{
	size_t i;

	parse("[ T ]\nFORMAT T_Index = T_a, T_b;\nT 1 = 7, \"abc, 2;\n[ \\T "
	      "]\n");
	expect_error(3, "unterminated quoted string");
	/* the fields counted are the whole ones, each readable */
	for (i = 0; i < ini_doc_count(doc); i++) {
		const struct ini_item *it = ini_doc_item(doc, i);
		size_t k;

		for (k = 0; k < ini_item_nfields(it); k++)
			ck_assert_ptr_nonnull(ini_item_field(it, k));
		if (ini_item_line(it) == 3)
			ck_assert_uint_le(ini_item_nfields(it), 1);
	}
}
END_TEST

START_TEST(test_err_after_quote)
{
	parse("A = 'x' y\n");
	expect_error(1, "unexpected text after the closing quote");
}
END_TEST

START_TEST(test_err_missing_bracket)
{
	parse("A = 1\n[ ProxySet\n");
	expect_error(2, "expected ']'");
}
END_TEST

START_TEST(test_err_no_equals)
{
	parse("\n\njust words\n");
	expect_error(3, "expected 'name = value'");
}
END_TEST

START_TEST(test_err_missing_name)
{
	parse(" = 5\n");
	expect_error(1, "missing name before '='");
}
END_TEST

START_TEST(test_err_bad_name)
{
	parse("9abc = 5\n");
	expect_error(1, "invalid parameter name '9abc'");
}
END_TEST

START_TEST(test_err_missing_semicolon)
{
	parse("[ T ]\nFORMAT T_Index = T_a, T_b;\nT 1 = 1, 2\n[ \\T ]\n");
	expect_error(3, "missing ';'");
}
END_TEST

START_TEST(test_err_after_semicolon)
{
	parse("[ T ]\nFORMAT T_Index = T_a;\nT 1 = 1; 2\n[ \\T ]\n");
	expect_error(3, "unexpected text after ';'");
}
END_TEST

START_TEST(test_err_bad_index)
{
	parse("[ T ]\nFORMAT T_Index = T_a;\nT x = 1;\n[ \\T ]\n");
	expect_error(3, "invalid row index 'x'");
}
END_TEST

START_TEST(test_err_bad_column_name)
{
	parse("[ T ]\nFORMAT T_Index = T_a, \"T_b\";\n[ \\T ]\n");
	expect_error(2, "invalid column name 'T_b'");
}
END_TEST

START_TEST(test_err_data_before_format)
{
	parse("[ ProxySet ]\nProxySet 1 = 1;\nFORMAT ProxySet_Index = "
	      "ProxySet_SRD;\n[ \\ProxySet ]\n");
	expect_error(2, "data before the FORMAT line of table 'ProxySet'");
}
END_TEST

START_TEST(test_err_field_count)
{
	parse("[ T ]\nFORMAT T_Index = T_a, T_b;\nT 1 = 1;\nT 2 = 1, 2, 3;\n"
	      "[ \\T ]\n");
	ck_assert_uint_eq(ini_diags_count(dg), 2);
	ck_assert_uint_eq(ini_diag_line(ini_diags_get(dg, 0)), 3);
	ck_assert_str_eq(
		ini_diag_message(ini_diags_get(dg, 0)),
		"row has 1 field, the FORMAT line of 'T' (line 2) has 2");
	ck_assert_uint_eq(ini_diag_line(ini_diags_get(dg, 1)), 4);
	ck_assert_str_eq(
		ini_diag_message(ini_diags_get(dg, 1)),
		"row has 3 fields, the FORMAT line of 'T' (line 2) has 2");
}
END_TEST

START_TEST(test_err_index_count)
{
	parse("[ T ]\nFORMAT T_Index = T_a;\nT 1 2 = 1;\n[ \\T ]\n");
	expect_error(3, "row has 2 index fields, the FORMAT line of 'T' has 1");
}
END_TEST

START_TEST(test_err_unterminated_table)
{
	parse("A = 1\n[ ProxySet ]\nFORMAT ProxySet_Index = ProxySet_SRD;\n"
	      "ProxySet 1 = 0;\n");
	expect_error(2,
		     "table 'ProxySet' is not closed (missing [ \\ProxySet ])");
}
END_TEST

START_TEST(test_err_table_not_closed)
{
	parse("[ ProxySet ]\nFORMAT ProxySet_Index = ProxySet_SRD;\n"
	      "[ ProxyIp ]\nFORMAT ProxyIp_Index = ProxyIp_IpAddress;\n"
	      "[ \\ProxyIp ]\n");
	expect_error(3, "table 'ProxySet' (line 1) is not closed before "
			"'[ProxyIp]'");
}
END_TEST

START_TEST(test_err_end_mismatch)
{
	parse("[ ProxySet ]\nFORMAT ProxySet_Index = ProxySet_SRD;\n"
	      "[ \\ProxyIp ]\n");
	expect_error(3, "'[\\ProxyIp]' does not match the open table "
			"'ProxySet' (line 1)");
}
END_TEST

START_TEST(test_err_end_alone)
{
	parse("A = 1\n[ \\ProxyIp ]\n");
	expect_error(2, "'[\\ProxyIp]' closes no open table");
}
END_TEST

START_TEST(test_err_format_outside)
{
	parse("A = 1\nFORMAT ProxySet_Index = ProxySet_SRD;\n");
	expect_error(2, "FORMAT line outside a table");
}
END_TEST

START_TEST(test_err_second_format)
{
	parse("[ T ]\nFORMAT T_Index = T_a;\nFORMAT T_Index = T_a;\n[ \\T ]\n");
	expect_error(3, "second FORMAT line for table 'T' (first at line 2)");
}
END_TEST

START_TEST(test_err_format_other_table)
{
	parse("[ T ]\nFORMAT U_Index = U_a;\n[ \\T ]\n");
	expect_error(2, "FORMAT index 'U_Index' does not belong to table 'T'");
}
END_TEST

START_TEST(test_err_row_outside)
{
	parse("[SIP Params]\nProxyIp 0 = \"h\";\n");
	expect_error(2, "row of table 'ProxyIp' outside a [ ProxyIp ]");
}
END_TEST

START_TEST(test_err_row_other_table)
{
	parse("[ T ]\nFORMAT T_Index = T_a;\nU 1 = 2;\n[ \\T ]\n");
	expect_error(3, "row of table 'U' inside table 'T'");
}
END_TEST

START_TEST(test_err_scalar_in_table)
{
	parse("[ ProxySet ]\nFORMAT ProxySet_Index = ProxySet_SRD;\n"
	      "IsProxyUsed = 1\n[ \\ProxySet ]\n");
	expect_error(3, "parameter 'IsProxyUsed' inside table 'ProxySet'");
}
END_TEST

START_TEST(test_err_empty_header)
{
	parse("[  ]\n");
	expect_error(1, "empty table or section name");
}
END_TEST

START_TEST(test_err_line_too_long)
{
	size_t n = INI_MAX_LINE_LEN + 1;
	char *s = malloc(n + 10);

	memcpy(s, "A = 1\n", 6);
	memset(s + 6, 'x', n);
	memcpy(s + 6 + n, "\nB=1", 4);
	parse_len(s, n + 10);
	free(s);
	expect_error(2, "line is 65537 bytes long, the limit is 65536");
	ck_assert_uint_eq(ini_doc_count(doc), 3);
}
END_TEST

START_TEST(test_err_nul)
{
	parse_len("A = 1\nB = x\0y\nC = 2\n", 20);
	expect_error(2, "NUL byte at column 6");
	ck_assert_uint_eq(ini_doc_count(doc), 3);
}
END_TEST

START_TEST(test_err_utf8)
{
	parse("A = 1\n\nB = 'caf\xc3'\n");
	expect_error(3, "invalid UTF-8 at column 9");
}
END_TEST

START_TEST(test_err_utf8_overlong)
{
	parse("B = '\xc0\xaf'\n");
	expect_error(1, "invalid UTF-8 at column 6");
}
END_TEST

START_TEST(test_err_too_big)
{
	size_t n = INI_MAX_FILE_SIZE + 1;
	char *s = malloc(n);

	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(ini_doc_parse(s, n, "t.ini", &doc, dg), -EFBIG);
	free(s);
	ck_assert_ptr_null(doc);
	ck_assert_uint_eq(ini_diags_errors(dg), 1);
	ck_assert_uint_eq(ini_diag_line(ini_diags_get(dg, 0)), 0);
	ck_assert_ptr_nonnull(strstr(ini_diag_message(ini_diags_get(dg, 0)),
				     "the limit is 67108864"));
}
END_TEST

START_TEST(test_err_all_reported)
{
	parse("A = 'x\n[ T\nB = \"y\n");
	ck_assert_uint_eq(ini_diags_errors(dg), 3);
	ck_assert_uint_eq(ini_doc_errors(doc), 3);
	ck_assert_uint_eq(ini_diag_line(ini_diags_get(dg, 2)), 3);
}
END_TEST

static Suite *
parse_suite(void)
{
	Suite *s = suite_create("ini_parse");
	TCase *g = tcase_create("grammar"), *e = tcase_create("errors");

	tcase_add_checked_fixture(g, setup, teardown);
	tcase_add_checked_fixture(e, setup, teardown);
	tcase_add_test(g, test_comment);
	tcase_add_test(g, test_comment_in_table);
	tcase_add_test(g, test_line_ends);
	tcase_add_test(g, test_bom);
	tcase_add_test(g, test_blank_and_section);
	tcase_add_test(g, test_scalar_quotes);
	tcase_add_test(g, test_scalar_list);
	tcase_add_test(g, test_array_scalar);
	tcase_add_test(g, test_table);
	tcase_add_test(g, test_format_index_noprefix);
	tcase_add_test(g, test_bracket_spacing);
	tcase_add_test(g, test_unknown_table);
	tcase_add_test(g, test_case_insensitive_table);
	tcase_add_test(g, test_default_fields);
	tcase_add_test(g, test_quoted_separators);
	tcase_add_test(g, test_multi_index);
	tcase_add_test(g, test_empty_table);
	tcase_add_test(g, test_max_line);
	tcase_add_test(g, test_utf8_value);
	tcase_add_test(g, test_empty_input);
	tcase_add_test(e, test_err_unterminated_scalar);
	tcase_add_test(e, test_err_unterminated_field);
	tcase_add_test(e, test_err_after_quote);
	tcase_add_test(e, test_err_missing_bracket);
	tcase_add_test(e, test_err_no_equals);
	tcase_add_test(e, test_err_missing_name);
	tcase_add_test(e, test_err_bad_name);
	tcase_add_test(e, test_err_missing_semicolon);
	tcase_add_test(e, test_err_after_semicolon);
	tcase_add_test(e, test_err_bad_index);
	tcase_add_test(e, test_err_bad_column_name);
	tcase_add_test(e, test_err_data_before_format);
	tcase_add_test(e, test_err_field_count);
	tcase_add_test(e, test_err_index_count);
	tcase_add_test(e, test_err_unterminated_table);
	tcase_add_test(e, test_err_table_not_closed);
	tcase_add_test(e, test_err_end_mismatch);
	tcase_add_test(e, test_err_end_alone);
	tcase_add_test(e, test_err_format_outside);
	tcase_add_test(e, test_err_second_format);
	tcase_add_test(e, test_err_format_other_table);
	tcase_add_test(e, test_err_row_outside);
	tcase_add_test(e, test_err_row_other_table);
	tcase_add_test(e, test_err_scalar_in_table);
	tcase_add_test(e, test_err_empty_header);
	tcase_add_test(e, test_err_line_too_long);
	tcase_add_test(e, test_err_nul);
	tcase_add_test(e, test_err_utf8);
	tcase_add_test(e, test_err_utf8_overlong);
	tcase_add_test(e, test_err_too_big);
	tcase_add_test(e, test_err_all_reported);
	suite_add_tcase(s, g);
	suite_add_tcase(s, e);
	return s;
}

GWTEST_MAIN(parse_suite)
