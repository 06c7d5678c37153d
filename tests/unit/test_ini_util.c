/* SPDX-License-Identifier: ISC */
/*
 * ini/util.c: base64, obfuscation, UTF-8, numbers.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "ini/ini_int.h"
#include "tests/unit/gwtest.h"

START_TEST(test_b64)
{
	static const char *const v[][2] = { { "", "" },
					    { "f", "Zg==" },
					    { "fo", "Zm8=" },
					    { "foo", "Zm9v" },
					    { "foob", "Zm9vYg==" },
					    { "fooba", "Zm9vYmE=" },
					    { "foobar", "Zm9vYmFy" } };
	size_t i, n;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		char *e = ini_b64_encode((const unsigned char *)v[i][0],
					 strlen(v[i][0]));
		unsigned char *d;

		ck_assert_str_eq(e, v[i][1]);
		ck_assert_int_eq(ini_b64_decode(e, &d, &n), 0);
		ck_assert_uint_eq(n, strlen(v[i][0]));
		ck_assert_int_eq(memcmp(d, v[i][0], n), 0);
		free(e);
		free(d);
	}
}
END_TEST

START_TEST(test_b64_bad)
{
	unsigned char *d;
	size_t n;

	ck_assert_int_eq(ini_b64_decode("Zm9", &d, &n), -EINVAL);
	ck_assert_int_eq(ini_b64_decode("Zm!v", &d, &n), -EINVAL);
	ck_assert_int_eq(ini_b64_decode("Z===", &d, &n), -EINVAL);
	ck_assert_int_eq(ini_b64_decode("Zg==Zg==", &d, &n), -EINVAL);
}
END_TEST

START_TEST(test_obfuscate)
{
	char *o = ini_obfuscate("Pa55w0rd!"), *c;

	ck_assert_ptr_nonnull(o);
	ck_assert_int_eq(strncmp(o, "$1$", 3), 0);
	ck_assert_ptr_null(strstr(o, "Pa55"));
	ck_assert_int_eq(ini_deobfuscate(o, &c), 0);
	ck_assert_str_eq(c, "Pa55w0rd!");
	free(o);
	free(c);
}
END_TEST

START_TEST(test_utf8)
{
	ck_assert_uint_eq(ini_utf8_check("abc", 3), 3);
	ck_assert_uint_eq(ini_utf8_check("a\xc3\xa9", 3), 3);
	ck_assert_uint_eq(ini_utf8_check("a\xc3", 2), 1);
	ck_assert_uint_eq(ini_utf8_check("ab\xed\xa0\x80", 5), 2);
	ck_assert_uint_eq(ini_utf8_check("\xf4\x90\x80\x80", 4), 0);
	ck_assert_uint_eq(ini_utf8_check("\xff", 1), 0);
}
END_TEST

START_TEST(test_long)
{
	long v;

	ck_assert_int_eq(ini_parse_long("-12", 3, &v), 0);
	ck_assert_int_eq(v, -12);
	ck_assert_int_eq(ini_parse_long("+7", 2, &v), 0);
	ck_assert_int_eq(v, 7);
	ck_assert_int_eq(ini_parse_long("-", 1, &v), -EINVAL);
	ck_assert_int_eq(ini_parse_long("1x", 2, &v), -EINVAL);
	ck_assert_int_eq(ini_parse_long("99999999999999999999", 20, &v),
			 -ERANGE);
}
END_TEST

static Suite *
util_suite(void)
{
	Suite *s = suite_create("ini_util");
	TCase *tc = tcase_create("helpers");

	tcase_add_test(tc, test_b64);
	tcase_add_test(tc, test_b64_bad);
	tcase_add_test(tc, test_obfuscate);
	tcase_add_test(tc, test_utf8);
	tcase_add_test(tc, test_long);
	suite_add_tcase(s, tc);
	return s;
}

GWTEST_MAIN(util_suite)
