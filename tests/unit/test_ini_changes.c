/* SPDX-License-Identifier: ISC */
/*
 * ini/changes.c: the change list between two configurations.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "ini/ini.h"
#include "tests/unit/gwtest.h"

static struct ini_conf *a, *b;
static struct ini_changes *ch;

static void
setup(void)
{
	ch = NULL;
	ck_assert_int_eq(ini_conf_create(&a), 0);
	ck_assert_int_eq(ini_conf_row_create(a, INI_TABLE_ACCOUNT, 1), 0);
	ck_assert_int_eq(ini_conf_row_create(a, INI_TABLE_ACCOUNT, 2), 0);
	ck_assert_int_eq(ini_conf_row_create(a, INI_TABLE_PROXYSET, 3), 0);
	ck_assert_int_eq(ini_conf_dup(a, &b), 0);
}

static void
teardown(void)
{
	ini_conf_destroy(a);
	ini_conf_destroy(b);
	ini_changes_destroy(ch);
}

START_TEST(test_none)
{
	ck_assert_int_eq(ini_conf_diff(a, b, &ch), 0);
	ck_assert_uint_eq(ini_changes_count(ch), 0);
	ck_assert_ptr_null(ini_changes_get(ch, 0));
}
END_TEST

START_TEST(test_scalar)
{
	const struct ini_change *c;

	ck_assert_int_eq(ini_conf_set_int(b, INI_P_REGISTRATION_TIME, 3600), 0);
	ck_assert_int_eq(ini_conf_set_int(b, INI_P_HOT_SWAP_RTX, 4), 0);
	ck_assert_int_eq(ini_conf_diff(a, b, &ch), 0);
	ck_assert_uint_eq(ini_changes_count(ch), 2);
	c = ini_changes_get(ch, 0);
	ck_assert_int_eq(ini_change_kind(c), INI_CHANGE_SCALAR);
	ck_assert_int_eq(ini_change_param(c), INI_P_HOT_SWAP_RTX);
	ck_assert_int_eq(ini_change_table(c), INI_TABLE_NONE);
	ck_assert(ini_change_has_column(c, INI_P_HOT_SWAP_RTX));
	c = ini_changes_get(ch, 1);
	ck_assert_int_eq(ini_change_param(c), INI_P_REGISTRATION_TIME);
}
END_TEST

START_TEST(test_rows)
{
	const struct ini_change *c;

	ck_assert_int_eq(ini_conf_row_delete(b, INI_TABLE_ACCOUNT, 1), 0);
	ck_assert_int_eq(ini_conf_row_create(b, INI_TABLE_ACCOUNT, 9), 0);
	ck_assert_int_eq(
		ini_conf_row_set_str(b, INI_P_ACCOUNT_PASSWORD, 2, "new"), 0);
	ck_assert_int_eq(
		ini_conf_row_set_int(b, INI_P_PROXYSET_PROXY_KEEP_ALIVE_TIME, 3,
				     90),
		0);
	ck_assert_int_eq(ini_conf_diff(a, b, &ch), 0);
	ck_assert_uint_eq(ini_changes_count(ch), 4);
	c = ini_changes_get(ch, 0);
	ck_assert_int_eq(ini_change_kind(c), INI_CHANGE_ROW_CHANGED);
	ck_assert_int_eq(ini_change_table(c), INI_TABLE_PROXYSET);
	c = ini_changes_get(ch, 1);
	ck_assert_int_eq(ini_change_kind(c), INI_CHANGE_ROW_REMOVED);
	ck_assert_int_eq(ini_change_row(c), 1);
	ck_assert(ini_change_has_column(c, INI_P_ACCOUNT_USERNAME));
	c = ini_changes_get(ch, 2);
	ck_assert_int_eq(ini_change_kind(c), INI_CHANGE_ROW_CHANGED);
	ck_assert_int_eq(ini_change_row(c), 2);
	ck_assert(ini_change_has_column(c, INI_P_ACCOUNT_PASSWORD));
	ck_assert(!ini_change_has_column(c, INI_P_ACCOUNT_USERNAME));
	ck_assert(!ini_change_has_column(c, INI_P_PROXYSET_SRD));
	c = ini_changes_get(ch, 3);
	ck_assert_int_eq(ini_change_kind(c), INI_CHANGE_ROW_ADDED);
	ck_assert_int_eq(ini_change_row(c), 9);
	ck_assert_int_eq(ini_change_param(c), INI_P__COUNT);
}
END_TEST

START_TEST(test_against_defaults)
{
	ck_assert_int_eq(ini_conf_diff(NULL, a, &ch), 0);
	ck_assert_uint_eq(ini_changes_count(ch), 3);
	ck_assert_int_eq(ini_change_kind(ini_changes_get(ch, 0)),
			 INI_CHANGE_ROW_ADDED);
	ck_assert_int_eq(ini_conf_diff(a, b, NULL), -EINVAL);
}
END_TEST

static Suite *
changes_suite(void)
{
	Suite *s = suite_create("ini_changes");
	TCase *tc = tcase_create("diff");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_none);
	tcase_add_test(tc, test_scalar);
	tcase_add_test(tc, test_rows);
	tcase_add_test(tc, test_against_defaults);
	suite_add_tcase(s, tc);
	return s;
}

GWTEST_MAIN(changes_suite)
