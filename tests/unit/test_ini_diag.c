/* SPDX-License-Identifier: ISC */
/*
 * ini/diag.c: diagnostics as data and their GNU formatting.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "ini/ini.h"
#include "tests/unit/gwtest.h"

START_TEST(test_format)
{
	struct ini_diags *d;
	char buf[128];

	ck_assert_int_eq(ini_diags_create(&d), 0);
	ini_diags_add(d, "gw.ini", 12, INI_SEV_ERROR, "bad %s", "thing");
	ini_diags_add(d, "gw.ini", 0, INI_SEV_WARNING, "whole file");
	ini_diags_add(d, NULL, 3, INI_SEV_WARNING, "no file");
	ini_diags_add(d, NULL, 0, INI_SEV_ERROR, "nothing");
	ini_diag_format(ini_diags_get(d, 0), buf, sizeof(buf));
	ck_assert_str_eq(buf, "gw.ini:12: error: bad thing");
	ini_diag_format(ini_diags_get(d, 1), buf, sizeof(buf));
	ck_assert_str_eq(buf, "gw.ini: warning: whole file");
	ini_diag_format(ini_diags_get(d, 2), buf, sizeof(buf));
	ck_assert_str_eq(buf, "3: warning: no file");
	ini_diag_format(ini_diags_get(d, 3), buf, sizeof(buf));
	ck_assert_str_eq(buf, "error: nothing");
	ck_assert_int_eq(ini_diag_format(ini_diags_get(d, 0), buf, 4), 27);
	ck_assert_str_eq(buf, "gw.");
	ck_assert_int_eq(ini_diag_format(NULL, buf, 4), -EINVAL);
	ini_diags_destroy(d);
}
END_TEST

START_TEST(test_counts_sort)
{
	struct ini_diags *d;

	ck_assert_int_eq(ini_diags_create(&d), 0);
	ini_diags_add(d, "b", 5, INI_SEV_ERROR, "b5");
	ini_diags_add(d, "a", 9, INI_SEV_WARNING, "a9");
	ini_diags_add(d, "a", 2, INI_SEV_ERROR, "a2-first");
	ini_diags_add(d, "a", 2, INI_SEV_ERROR, "a2-second");
	ck_assert_uint_eq(ini_diags_errors(d), 3);
	ck_assert_uint_eq(ini_diags_warnings(d), 1);
	ini_diags_sort(d);
	ck_assert_str_eq(ini_diag_message(ini_diags_get(d, 0)), "a2-first");
	ck_assert_str_eq(ini_diag_message(ini_diags_get(d, 1)), "a2-second");
	ck_assert_str_eq(ini_diag_message(ini_diags_get(d, 2)), "a9");
	ck_assert_str_eq(ini_diag_message(ini_diags_get(d, 3)), "b5");
	ck_assert_ptr_null(ini_diags_get(d, 4));
	ini_diags_clear(d);
	ck_assert_uint_eq(ini_diags_count(d), 0);
	ck_assert_uint_eq(ini_diags_errors(d), 0);
	ini_diags_destroy(d);
	ini_diags_destroy(NULL);
	ck_assert_uint_eq(ini_diags_count(NULL), 0);
}
END_TEST

START_TEST(test_cap)
{
	struct ini_diags *d;
	unsigned i;

	ck_assert_int_eq(ini_diags_create(&d), 0);
	for (i = 0; i < 5000; i++)
		ck_assert_int_eq(
			ini_diags_add(d, "f", i + 1, INI_SEV_ERROR, "e%u", i),
			0);
	ck_assert_uint_eq(ini_diags_count(d), 1000);
	ck_assert_uint_eq(ini_diags_errors(d), 5000);
	ini_diags_destroy(d);
}
END_TEST

static Suite *
diag_suite(void)
{
	Suite *s = suite_create("ini_diag");
	TCase *tc = tcase_create("diags");

	tcase_add_test(tc, test_format);
	tcase_add_test(tc, test_counts_sort);
	tcase_add_test(tc, test_cap);
	suite_add_tcase(s, tc);
	return s;
}

GWTEST_MAIN(diag_suite)
