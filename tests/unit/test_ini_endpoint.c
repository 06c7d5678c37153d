/* SPDX-License-Identifier: ISC */
/*
 * ini/endpoint.c: phone numbers of the channels of a TrunkGroup row.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "ini/ini.h"
#include "tests/unit/gwtest.h"

static void
add_is(const char *first, unsigned long k, const char *want)
{
	char out[INI_PHONE_MAX + 1];

	ck_assert_int_eq(ini_phone_add(first, k, out, sizeof(out)), 0);
	ck_assert_str_eq(out, want);
}

START_TEST(test_phone_add)
{
	add_is("400", 0, "400");
	add_is("400", 3, "403");
	add_is("0400", 1, "0401");
	add_is("0999", 1, "1000");
	add_is("99", 1, "100");
	add_is("9999", 1, "10000");
	add_is("user1", 1, "user2");
	add_is("user9", 1, "user10");
	add_is("user1", 1234, "user1235");
	add_is("+4930123", 29, "+4930152");
	add_is("1000", 479, "1479");
	add_is("", 0, "");
	add_is("abc", 0, "abc");
}
END_TEST

START_TEST(test_phone_add_errors)
{
	char out[INI_PHONE_MAX + 1], small[4];
	char longest[INI_PHONE_MAX + 1];

	ck_assert_int_eq(ini_phone_add("abc", 1, out, sizeof(out)), -EINVAL);
	ck_assert_int_eq(ini_phone_add("", 1, out, sizeof(out)), -EINVAL);
	ck_assert_int_eq(ini_phone_add(NULL, 0, out, sizeof(out)), -EINVAL);
	ck_assert_int_eq(ini_phone_add("1", 0, NULL, 1), -EINVAL);
	ck_assert_int_eq(ini_phone_add("1000", 1, small, sizeof(small)),
			 -E2BIG);
	memset(longest, '9', INI_PHONE_MAX);
	longest[INI_PHONE_MAX] = '\0';
	ck_assert_int_eq(ini_phone_add(longest, 1, out, sizeof(out)), -ERANGE);
	longest[0] = '1'; /* 1999...9 + 1 = 2000...0: no wider */
	ck_assert_int_eq(ini_phone_add(longest, 1, out, sizeof(out)), 0);
	ck_assert_int_eq(out[0], '2');
	ck_assert_int_eq(out[INI_PHONE_MAX - 1], '0');
	ck_assert_uint_eq(strlen(out), INI_PHONE_MAX);
}
END_TEST

static Suite *
endpoint_suite(void)
{
	Suite *s = suite_create("ini_endpoint");
	TCase *tc = tcase_create("phone");

	tcase_add_test(tc, test_phone_add);
	tcase_add_test(tc, test_phone_add_errors);
	suite_add_tcase(s, tc);
	return s;
}

GWTEST_MAIN(endpoint_suite)
