/* SPDX-License-Identifier: ISC */
/*
 * ini/value.c: ini_param_check(), the validator the SNMP SETs use too.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "ini/ini.h"
#include "tests/unit/gwtest.h"

static int
check(enum ini_param_id id, const char *text, char *err)
{
	err[0] = '\0';
	return ini_param_check(ini_param_get(id), text, err, 160);
}

START_TEST(test_int)
{
	char err[160];

	ck_assert_int_eq(check(INI_P_REGISTRATION_TIME, "3600", err), 0);
	ck_assert_int_eq(check(INI_P_REGISTRATION_TIME, "9", err), -ERANGE);
	ck_assert_str_eq(err, "9 is out of range 10..2000000");
	ck_assert_int_eq(check(INI_P_REGISTRATION_TIME, "abc", err), -EINVAL);
	ck_assert_str_eq(err, "'abc' is not an integer");
	ck_assert_int_eq(check(INI_P_REGISTRATION_TIME, "", err), -EINVAL);
	ck_assert_int_eq(check(INI_P_REGISTRATION_TIME, " 30", err), -EINVAL);
	ck_assert_int_eq(
		check(INI_P_REGISTRATION_TIME, "99999999999999999999", err),
		-EINVAL);
	ck_assert_int_eq(check(INI_P_HOT_SWAP_RTX, "30", err), 0);
	ck_assert_int_eq(check(INI_P_HOT_SWAP_RTX, "31", err), -ERANGE);
}
END_TEST

START_TEST(test_enum)
{
	char err[160];

	ck_assert_int_eq(check(INI_P_PROXYIP_TRANSPORT_TYPE, "-1", err), 0);
	ck_assert_int_eq(check(INI_P_TGS_REGISTRATION_MODE, "5", err), 0);
	ck_assert_int_eq(check(INI_P_TGS_REGISTRATION_MODE, "2", err), -ERANGE);
	ck_assert_str_eq(err, "2 is not one of 0, 1, 4 or 5");
	ck_assert_int_eq(check(INI_P_AUTHENTICATION_MODE, "2", err), -ERANGE);
}
END_TEST

START_TEST(test_string)
{
	char err[160];

	ck_assert_int_eq(check(INI_P_GW_REGISTRATION_NAME, "", err), 0);
	ck_assert_int_eq(
		check(INI_P_GW_REGISTRATION_NAME, "123456789012345", err), 0);
	ck_assert_int_eq(
		check(INI_P_GW_REGISTRATION_NAME, "1234567890123456", err),
		-E2BIG);
	ck_assert_str_eq(err, "value is 16 bytes long, limit 15");
	ck_assert_int_eq(check(INI_P_PROXY_NAME, "a\tb", err), -EINVAL);
	ck_assert_str_eq(err, "value holds a control character");
	ck_assert_int_eq(check(INI_P_PROXY_NAME, "it's \"x\"", err), -EINVAL);
	ck_assert_int_eq(check(INI_P_PROXY_NAME, "caf\xc3", err), -EINVAL);
	ck_assert_int_eq(check(INI_P_PROXY_NAME, "a, b; c 'd'", err), 0);
}
END_TEST

START_TEST(test_addr)
{
	static const char *const good[] = {
		"10.0.0.1",
		"10.0.0.1:5080",
		"sip.example.com",
		"obsbc-uswe.sdg.teams.microsoft.com:5061",
		"[2001:db8::1]",
		"[::1]:5060",
		"host",
		"a_b.example"
	};
	static const char *const bad[] = {
		"a..b",	 "10.0.0.256", "10.0.0.1:0", "10.0.0.1:70000",
		"host:", "-host",      "ho st",	     "[::1",
		"1.2.3", "host:50x",   "a.-b"
	};
	char err[160];
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ck_assert_msg(check(INI_P_PROXYIP_IP_ADDRESS, good[i], err) ==
				      0,
			      "%s: %s", good[i], err);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(check(INI_P_PROXYIP_IP_ADDRESS, bad[i], err) ==
				      -EINVAL,
			      "%s accepted", bad[i]);
	ck_assert_str_eq(err, "'a.-b' is not an IP address or host "
			      "name[:port]");
	ck_assert_int_eq(check(INI_P_REGISTRAR_IP, "", err), 0);
}
END_TEST

START_TEST(test_password)
{
	char err[160];

	ck_assert_int_eq(check(INI_P_PASSWORD, "s3cr\"et'", err), 0);
	ck_assert_int_eq(check(INI_P_PASSWORD, "$1$FBICFQAaRQ==", err), 0);
	ck_assert_int_eq(check(INI_P_PASSWORD, "$1$!!", err), -EINVAL);
	ck_assert_str_eq(err, "obfuscated password does not decode");
	/* a message never echoes a password */
	ck_assert_int_eq(check(INI_P_ACCOUNT_PASSWORD,
			       "012345678901234567890123456789012345678901234"
			       "567890",
			       err),
			 -E2BIG);
	ck_assert_ptr_null(strstr(err, "0123"));
}
END_TEST

START_TEST(test_bad_args)
{
	char err[160];

	ck_assert_int_eq(ini_param_check(NULL, "1", err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(ini_param_check(ini_param_get(INI_P_HOT_SWAP_RTX),
					 NULL, NULL, 0),
			 -EINVAL);
}
END_TEST

static Suite *
value_suite(void)
{
	Suite *s = suite_create("ini_value");
	TCase *tc = tcase_create("check");

	tcase_add_test(tc, test_int);
	tcase_add_test(tc, test_enum);
	tcase_add_test(tc, test_string);
	tcase_add_test(tc, test_addr);
	tcase_add_test(tc, test_password);
	tcase_add_test(tc, test_bad_args);
	suite_add_tcase(s, tc);
	return s;
}

GWTEST_MAIN(value_suite)
