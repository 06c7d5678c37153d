/* SPDX-License-Identifier: ISC */
/*
 * ini/conf.c: defaults, getters/setters through the catalog, rows,
 * duplicate and compare.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <string.h>

#include "ini/ini.h"
#include "tests/unit/gwtest.h"

static struct ini_conf *c;

static void
setup(void)
{
	ck_assert_int_eq(ini_conf_create(&c), 0);
}

static void
teardown(void)
{
	ini_conf_destroy(c);
}

START_TEST(test_defaults)
{
	int id;

	for (id = 0; id < INI_P__SCALARS; id++) {
		const struct ini_param *p = ini_param_get(id);

		if (ini_param_maxlen(p) > 0)
			ck_assert_str_eq(ini_conf_get_str(c, id),
					 ini_param_default_str(p));
		else
			ck_assert_int_eq(ini_conf_get_int(c, id),
					 ini_param_default_int(p));
	}
	ck_assert_str_eq(ini_conf_get_str(c, INI_P_PASSWORD), "Default_Passwd");
	ck_assert_int_eq(ini_conf_get_int(c, INI_P_AUTHENTICATION_MODE), 1);
	ck_assert_uint_eq(ini_conf_row_count(c, INI_TABLE_ACCOUNT), 0);
}
END_TEST

START_TEST(test_scalar_set)
{
	char err[160];

	ck_assert_int_eq(ini_conf_set_int(c, INI_P_REGISTRATION_TIME, 600), 0);
	ck_assert_int_eq(ini_conf_get_int(c, INI_P_REGISTRATION_TIME), 600);
	ck_assert_int_eq(ini_conf_set_int(c, INI_P_REGISTRATION_TIME, 1),
			 -ERANGE);
	ck_assert_int_eq(ini_conf_get_int(c, INI_P_REGISTRATION_TIME), 600);
	ck_assert_int_eq(ini_conf_set(c, INI_P_SIP_TRANSPORT_TYPE, "3", err,
				      sizeof(err)),
			 -ERANGE);
	ck_assert_str_eq(err, "3 is not one of 0, 1 or 2");
	ck_assert_int_eq(ini_conf_set_str(c, INI_P_USER_NAME, "alice"), 0);
	ck_assert_str_eq(ini_conf_get_str(c, INI_P_USER_NAME), "alice");
	ck_assert_int_eq(ini_conf_set_str(c, INI_P_GW_REGISTRATION_NAME,
					  "much-too-long-for-this"),
			 -E2BIG);
	ck_assert_int_eq(ini_conf_set_str(c, INI_P_USER_NAME, ""), 0);
	ck_assert_str_eq(ini_conf_get_str(c, INI_P_USER_NAME), "");
	/* wrong type or id */
	ck_assert_int_eq(ini_conf_set_int(c, INI_P_USER_NAME, 1), -EINVAL);
	ck_assert_int_eq(ini_conf_set_str(c, INI_P_HOT_SWAP_RTX, "1"), -EINVAL);
	ck_assert_int_eq(ini_conf_set_int(c, INI_P_ACCOUNT_REGISTER, 1),
			 -EINVAL);
	ck_assert_ptr_null(ini_conf_get_str(c, INI_P_HOT_SWAP_RTX));
	ck_assert_int_eq(ini_conf_get_int(c, INI_P_USER_NAME), 0);
	ck_assert_int_eq(ini_conf_reset(c, INI_P_REGISTRATION_TIME, 0), 0);
	ck_assert_int_eq(ini_conf_get_int(c, INI_P_REGISTRATION_TIME), 180);
}
END_TEST

START_TEST(test_password_obfuscated_input)
{
	ck_assert_int_eq(ini_conf_set_str(c, INI_P_PASSWORD, "$1$FwA="), 0);
	ck_assert_str_eq(ini_conf_get_str(c, INI_P_PASSWORD), "pw");
	ck_assert_int_eq(ini_conf_set_str(c, INI_P_PASSWORD, "$1$*"), -EINVAL);
	ck_assert_str_eq(ini_conf_get_str(c, INI_P_PASSWORD), "pw");
}
END_TEST

START_TEST(test_rows)
{
	long idx, v;
	const char *s;

	ck_assert_int_eq(ini_conf_row_create(c, INI_TABLE_ACCOUNT, 7), 0);
	ck_assert_int_eq(ini_conf_row_create(c, INI_TABLE_ACCOUNT, 2), 0);
	ck_assert_int_eq(ini_conf_row_create(c, INI_TABLE_ACCOUNT, 5), 0);
	ck_assert_int_eq(ini_conf_row_create(c, INI_TABLE_ACCOUNT, 5), -EEXIST);
	ck_assert_int_eq(ini_conf_row_create(c, INI_TABLE_ACCOUNT, -1),
			 -ERANGE);
	ck_assert_int_eq(ini_conf_row_create(c, INI_TABLE__COUNT, 1), -EINVAL);
	ck_assert_uint_eq(ini_conf_row_count(c, INI_TABLE_ACCOUNT), 3);
	ck_assert_int_eq(ini_conf_row_at(c, INI_TABLE_ACCOUNT, 0, &idx), 0);
	ck_assert_int_eq(idx, 2);
	ck_assert_int_eq(ini_conf_row_at(c, INI_TABLE_ACCOUNT, 3, &idx),
			 -ENOENT);
	ck_assert_int_eq(
		ini_conf_row_next(c, INI_TABLE_ACCOUNT, LONG_MIN, &idx), 0);
	ck_assert_int_eq(idx, 2);
	ck_assert_int_eq(ini_conf_row_next(c, INI_TABLE_ACCOUNT, 2, &idx), 0);
	ck_assert_int_eq(idx, 5);
	ck_assert_int_eq(ini_conf_row_next(c, INI_TABLE_ACCOUNT, 6, &idx), 0);
	ck_assert_int_eq(idx, 7);
	ck_assert_int_eq(ini_conf_row_next(c, INI_TABLE_ACCOUNT, 7, &idx),
			 -ENOENT);
	ck_assert_int_eq(
		ini_conf_row_next(c, INI_TABLE_ACCOUNT, LONG_MAX, &idx),
		-ENOENT);
	ck_assert_int_eq(ini_conf_row_get_int(c, INI_P_ACCOUNT_REGISTER, 5, &v),
			 0);
	ck_assert_int_eq(v, 0);
	ck_assert_int_eq(ini_conf_row_set_int(c, INI_P_ACCOUNT_REGISTER, 5, 1),
			 0);
	ck_assert_int_eq(ini_conf_row_set_int(c, INI_P_ACCOUNT_REGISTER, 5, 2),
			 -ERANGE);
	ck_assert_int_eq(ini_conf_row_get_int(c, INI_P_ACCOUNT_REGISTER, 5, &v),
			 0);
	ck_assert_int_eq(v, 1);
	ck_assert_int_eq(
		ini_conf_row_set_str(c, INI_P_ACCOUNT_USERNAME, 5, "bob"), 0);
	ck_assert_int_eq(ini_conf_row_get_str(c, INI_P_ACCOUNT_USERNAME, 5, &s),
			 0);
	ck_assert_str_eq(s, "bob");
	ck_assert_int_eq(ini_conf_row_get_str(c, INI_P_ACCOUNT_USERNAME, 6, &s),
			 -ENOENT);
	ck_assert_int_eq(ini_conf_row_get_str(c, INI_P_ACCOUNT_REGISTER, 5, &s),
			 -EINVAL);
	ck_assert_int_eq(ini_conf_row_set_int(c, INI_P_HOT_SWAP_RTX, 5, 1),
			 -EINVAL);
	ck_assert_int_eq(ini_conf_reset(c, INI_P_ACCOUNT_USERNAME, 5), 0);
	ck_assert_int_eq(ini_conf_row_get_str(c, INI_P_ACCOUNT_USERNAME, 5, &s),
			 0);
	ck_assert_str_eq(s, "");
	ck_assert_int_eq(ini_conf_row_delete(c, INI_TABLE_ACCOUNT, 5), 0);
	ck_assert_int_eq(ini_conf_row_delete(c, INI_TABLE_ACCOUNT, 5), -ENOENT);
	ck_assert(!ini_conf_row_exists(c, INI_TABLE_ACCOUNT, 5));
	ck_assert(ini_conf_row_exists(c, INI_TABLE_ACCOUNT, 7));
	ck_assert_uint_eq(ini_conf_row_count(c, INI_TABLE_ACCOUNT), 2);
}
END_TEST

START_TEST(test_dup_equal)
{
	struct ini_conf *d;

	ck_assert_int_eq(ini_conf_row_create(c, INI_TABLE_PROXYSET, 1), 0);
	ck_assert_int_eq(ini_conf_set_str(c, INI_P_PROXY_NAME, "x.example"), 0);
	ck_assert_int_eq(ini_conf_dup(c, &d), 0);
	ck_assert(ini_conf_equal(c, d));
	ck_assert_int_eq(
		ini_conf_row_set_int(d, INI_P_PROXYSET_PROXY_KEEP_ALIVE_TIME, 1,
				     61),
		0);
	ck_assert(!ini_conf_equal(c, d));
	ck_assert_int_eq(
		ini_conf_row_set_int(d, INI_P_PROXYSET_PROXY_KEEP_ALIVE_TIME, 1,
				     60),
		0);
	ck_assert(ini_conf_equal(c, d));
	ck_assert_int_eq(ini_conf_row_create(d, INI_TABLE_PROXYSET, 2), 0);
	ck_assert(!ini_conf_equal(c, d));
	ck_assert(!ini_conf_equal(c, NULL));
	ck_assert(ini_conf_equal(NULL, NULL));
	ini_conf_destroy(d);
	ini_conf_destroy(NULL);
	ck_assert_int_eq(ini_conf_dup(NULL, &d), -EINVAL);
}
END_TEST

static Suite *
conf_suite(void)
{
	Suite *s = suite_create("ini_conf");
	TCase *sc = tcase_create("scalars"), *rw = tcase_create("rows");

	tcase_add_checked_fixture(sc, setup, teardown);
	tcase_add_checked_fixture(rw, setup, teardown);
	tcase_add_test(sc, test_defaults);
	tcase_add_test(sc, test_scalar_set);
	tcase_add_test(sc, test_password_obfuscated_input);
	tcase_add_test(rw, test_rows);
	tcase_add_test(rw, test_dup_equal);
	suite_add_tcase(s, sc);
	suite_add_tcase(s, rw);
	return s;
}

GWTEST_MAIN(conf_suite)
