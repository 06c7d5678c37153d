/* SPDX-License-Identifier: ISC */
/*
 * ini/value.c: ini_param_check(), the validator the SNMP SETs use too.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
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
	ck_assert_str_eq(err, "2 is not one of -1, 0, 1, 4, 5 or 255");
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
	/* display text: anything printable, UTF-8, quotable */
	ck_assert_int_eq(check(INI_P_IPGROUP_DESCRIPTION, "a\tb", err),
			 -EINVAL);
	ck_assert_str_eq(err, "value holds a control character");
	ck_assert_int_eq(check(INI_P_IPGROUP_DESCRIPTION, "it's \"x\"", err),
			 -EINVAL);
	ck_assert_int_eq(check(INI_P_IPGROUP_DESCRIPTION, "caf\xc3", err),
			 -EINVAL);
	ck_assert_str_eq(err, "value is not valid UTF-8");
	ck_assert_int_eq(check(INI_P_IPGROUP_DESCRIPTION, "a, b; c 'd'", err),
			 0);
	ck_assert_int_eq(
		check(INI_P_IPGROUP_DESCRIPTION, "caf\xc3\xa9 @:", err), 0);
	ck_assert_int_eq(check(INI_P_ACCOUNT_USERNAME, "bare user@x", err), 0);
	ck_assert_int_eq(check(INI_P_USER_NAME, "gw@example.com", err), 0);
}
END_TEST

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void
expect_all(enum ini_param_id id, const char *const *v, size_t n, int rc)
{
	char err[160];
	size_t i;

	for (i = 0; i < n; i++)
		ck_assert_msg(check(id, v[i], err) == rc, "%s '%s': %d (%s)",
			      ini_param_name(ini_param_get(id)), v[i], rc, err);
}

/* Host names with a label of 63 and 64 bytes, and 253 / 254 in all. */
static char label63[80], label64[80], total253[300], total254[300];

static void
long_names(void)
{
	size_t i;

	memset(label63, 'a', 63);
	label63[63] = '\0';
	strcat(label63, ".example");
	memset(label64, 'a', 64);
	label64[64] = '\0';
	strcat(label64, ".example");
	/* 4 x 62 + 4 dots = 252, + "x" = 253 */
	total253[0] = '\0';
	for (i = 0; i < 4; i++) {
		memset(total253 + strlen(total253), 'b', 62);
		total253[62 * (i + 1) + i] = '\0';
		strcat(total253, ".");
	}
	strcat(total253, "x");
	snprintf(total254, sizeof(total254), "%sy", total253);
}

START_TEST(test_addr)
{
	static const char *const good[] = {
		"10.0.0.1",
		"10.0.0.1:5080",
		"sip.example.com",
		"obsbc-uswe.sdg.teams.microsoft.com:5061",
		"[2001:db8::1]",
		"[::1]:5060",
		"::1",
		"2001:db8::7",
		"[::ffff:10.0.0.1]:5061",
		"host",
		"host:1",
		"host:65535",
		"sip.example.com.",
		"0.0.0.0",
	};
	static const char *const bad[] = {
		"a..b",
		"10.0.0.256",
		"10.0.0.1:0",
		"10.0.0.1:65536",
		"10.0.0.1:70000",
		"host:",
		"-host",
		"host-",
		"ho st",
		"[::1",
		"[::1]5060",
		"[::1]:0",
		"[::1]:65536",
		"[fe80::1%eth0]",
		"[::g]",
		"[]",
		"[10.0.0.1]",
		"::1:5060:x",
		"1.2.3",
		"1.2.3.4.5",
		"010.0.0.1",
		"host:50x",
		"host:+50",
		"a.-b",
		"a_b.example",
		"user@host",
		"host;transport=tcp",
		"sip:host",
		"'host'",
		"\"host\"",
		"caf\xc3\xa9.example",
		"a..",
		".",
		"host:5060:5060x",
	};

	long_names();
	expect_all(INI_P_PROXYIP_IP_ADDRESS, good, N(good), 0);
	expect_all(INI_P_PROXYIP_IP_ADDRESS, bad, N(bad), -EINVAL);
	expect_all(INI_P_PROXY_IP, bad, N(bad), -EINVAL);
	expect_all(INI_P_REGISTRAR_IP, bad, N(bad), -EINVAL);
	ck_assert_int_eq(ini_syntax_check(INI_TYPE_ADDR, label63, NULL, 0), 0);
	ck_assert_int_eq(ini_syntax_check(INI_TYPE_ADDR, label64, NULL, 0),
			 -EINVAL);
	ck_assert_int_eq(ini_syntax_check(INI_TYPE_ADDR, "", NULL, 0), 0);
}
END_TEST

START_TEST(test_host)
{
	static const char *const good[] = {
		"gw.example",
		"GW-1.Example.COM",
		"10.0.0.1",
		"[2001:db8::1]",
		"localhost",
		"a",
		"1a",
		"x.y.z.",
		"xn--caf-dma.example",
		"::1",
		"2001:db8::7",
	};
	static const char *const bad[] = {
		"bad name",	"gw.example:5060",
		"[::1]:5060",	"::1:5060:x",
		"gw@example",	"gw;x",
		"gw'example",	"\"gw\"",
		"gw_1.example", "-gw",
		"gw-",		"gw..example",
		"caf\xc3\xa9",	"1.2.3.4.5",
		"256.1.1.1",	"gw/x",
		"gw.example..", "sip:gw.example",
		"gw%20example", "[gw]",
		"gw.123",
	};
	char err[160];

	long_names();
	expect_all(INI_P_PROXY_NAME, good, N(good), 0);
	expect_all(INI_P_REGISTRAR_NAME, good, N(good), 0);
	expect_all(INI_P_SIP_GATEWAY_NAME, good, N(good), 0);
	expect_all(INI_P_IPGROUP_SIP_GROUP_NAME, good, N(good), 0);
	expect_all(INI_P_TGS_GATEWAY_NAME, good, N(good), 0);
	expect_all(INI_P_ACCOUNT_HOST_NAME, good, N(good), 0);
	expect_all(INI_P_PROXY_NAME, bad, N(bad), -EINVAL);
	expect_all(INI_P_REGISTRAR_NAME, bad, N(bad), -EINVAL);
	expect_all(INI_P_SIP_GATEWAY_NAME, bad, N(bad), -EINVAL);
	expect_all(INI_P_IPGROUP_SIP_GROUP_NAME, bad, N(bad), -EINVAL);
	expect_all(INI_P_TGS_GATEWAY_NAME, bad, N(bad), -EINVAL);
	expect_all(INI_P_ACCOUNT_HOST_NAME, bad, N(bad), -EINVAL);
	/* lengths: labels of 63, names of 253, through the syntax alone */
	ck_assert_int_eq(ini_syntax_check(INI_TYPE_HOST, label63, NULL, 0), 0);
	ck_assert_int_eq(ini_syntax_check(INI_TYPE_HOST, label64, err, 160),
			 -EINVAL);
	ck_assert_str_eq(err,
			 "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
			 "aaaaaaaaaaa' is not a host name or IP address: "
			 "label longer than 63 at offset 63");
	ck_assert_uint_eq(strlen(total253), 253);
	ck_assert_int_eq(ini_syntax_check(INI_TYPE_HOST, total253, NULL, 0), 0);
	ck_assert_int_eq(ini_syntax_check(INI_TYPE_HOST, total254, err, 160),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "host name longer than 253"));
	/* and through the catalog, where the column is shorter */
	ck_assert_int_eq(check(INI_P_REGISTRAR_NAME, label64, err), -EINVAL);
	ck_assert_int_eq(check(INI_P_PROXY_NAME, label64, err), -E2BIG);
	ck_assert_int_eq(check(INI_P_PROXY_NAME, "", err), 0);
}
END_TEST

START_TEST(test_user)
{
	static const char *const good[] = {
		"alice", "+15551234", "a.b-c_d!~*'()", "&=+$,;?/",
		"a%20b", "%41",	      "1000",
	};
	static const char *const bad[] = {
		"bad user", "alice@example", "a:b",  "a\"b", "a<b",
		"a>b",	    "a%2",	     "a%zz", "%",    "caf\xc3\xa9",
		"a#b",	    "a[b]",	     "a\\b", "a|b",  "a`b",
		"a{b}",	    "a^b",
	};

	expect_all(INI_P_GW_REGISTRATION_NAME, good, N(good), 0);
	expect_all(INI_P_IPGROUP_CONTACT_USER, good, N(good), 0);
	expect_all(INI_P_TGS_CONTACT_USER, good, N(good), 0);
	expect_all(INI_P_ACCOUNT_CONTACT_USER, good, N(good), 0);
	expect_all(INI_P_GW_REGISTRATION_NAME, bad, N(bad), -EINVAL);
	expect_all(INI_P_IPGROUP_CONTACT_USER, bad, N(bad), -EINVAL);
	expect_all(INI_P_TGS_CONTACT_USER, bad, N(bad), -EINVAL);
	expect_all(INI_P_ACCOUNT_CONTACT_USER, bad, N(bad), -EINVAL);
}
END_TEST

START_TEST(test_messages)
{
	char err[160];

	ck_assert_int_eq(check(INI_P_PROXY_NAME, "bad name", err), -EINVAL);
	ck_assert_str_eq(err, "'bad name' is not a host name or IP address: "
			      "space at offset 3");
	ck_assert_int_eq(check(INI_P_PROXYIP_IP_ADDRESS, "a.-b", err), -EINVAL);
	ck_assert_str_eq(err, "'a.-b' is not an IP address or host "
			      "name[:port]: label starts with '-' at offset 2");
	ck_assert_int_eq(check(INI_P_PROXY_IP, "10.0.0.1:65536", err), -EINVAL);
	ck_assert_str_eq(err, "'10.0.0.1:65536' is not an IP address or host "
			      "name[:port]: port out of range 1..65535 at "
			      "offset 9");
	ck_assert_int_eq(check(INI_P_ACCOUNT_CONTACT_USER, "al@ice", err),
			 -EINVAL);
	ck_assert_str_eq(err, "'al@ice' is not a SIP user part: '@' at "
			      "offset 2");
	ck_assert_int_eq(check(INI_P_SIP_GATEWAY_NAME, "caf\xc3\xa9", err),
			 -EINVAL);
	ck_assert_str_eq(err, "'caf\xc3\xa9' is not a host name or IP address: "
			      "non-ASCII byte 0xc3 at offset 3");
	ck_assert_int_eq(check(INI_P_GW_REGISTRATION_NAME, "a%4", err),
			 -EINVAL);
	ck_assert_str_eq(err, "'a%4' is not a SIP user part: '%' without two "
			      "hex digits at offset 1");
}
END_TEST

/* Which syntax each text parameter has. */
START_TEST(test_syntax_per_param)
{
	static const struct {
		enum ini_param_id id;
		enum ini_type type;
	} want[] = {
		{ INI_P_PROXY_NAME, INI_TYPE_HOST },
		{ INI_P_PROXY_IP, INI_TYPE_ADDR },
		{ INI_P_REGISTRAR_IP, INI_TYPE_ADDR },
		{ INI_P_REGISTRAR_NAME, INI_TYPE_HOST },
		{ INI_P_GW_REGISTRATION_NAME, INI_TYPE_USER },
		{ INI_P_USER_NAME, INI_TYPE_STRING }, /* digest text */
		{ INI_P_PASSWORD, INI_TYPE_PASSWORD },
		{ INI_P_CNONCE, INI_TYPE_STRING },
		{ INI_P_SIP_GATEWAY_NAME, INI_TYPE_HOST },
		{ INI_P_PROXYIP_IP_ADDRESS, INI_TYPE_ADDR },
		{ INI_P_IPGROUP_DESCRIPTION, INI_TYPE_STRING },
		{ INI_P_IPGROUP_SIP_GROUP_NAME, INI_TYPE_HOST },
		{ INI_P_IPGROUP_CONTACT_USER, INI_TYPE_USER },
		{ INI_P_IPGROUP_MEDIA_REALM, INI_TYPE_STRING },
		{ INI_P_TGS_GATEWAY_NAME, INI_TYPE_HOST },
		{ INI_P_TGS_CONTACT_USER, INI_TYPE_USER },
		{ INI_P_ACCOUNT_USERNAME, INI_TYPE_STRING },
		{ INI_P_ACCOUNT_PASSWORD, INI_TYPE_PASSWORD },
		{ INI_P_ACCOUNT_HOST_NAME, INI_TYPE_HOST },
		{ INI_P_ACCOUNT_CONTACT_USER, INI_TYPE_USER },
	};
	size_t i;

	for (i = 0; i < N(want); i++)
		ck_assert_msg(ini_param_type(ini_param_get(want[i].id)) ==
				      want[i].type,
			      "%s", ini_param_name(ini_param_get(want[i].id)));
	ck_assert_int_eq(ini_syntax_check(INI_TYPE_STRING, "a b", NULL, 0), 0);
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
	tcase_add_test(tc, test_host);
	tcase_add_test(tc, test_user);
	tcase_add_test(tc, test_messages);
	tcase_add_test(tc, test_syntax_per_param);
	tcase_add_test(tc, test_password);
	tcase_add_test(tc, test_bad_args);
	suite_add_tcase(s, tc);
	return s;
}

GWTEST_MAIN(value_suite)
