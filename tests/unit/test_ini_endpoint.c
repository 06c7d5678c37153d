/* SPDX-License-Identifier: ISC */
/*
 * ini/endpoint.c: phone numbers of the channels of a TrunkGroup row.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
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

/* ---- endpoints of a configuration -------------------------------- */

/* The 6.2 FORMAT (MediaPack SIP User's Manual v6.2, p.474). */
#define TG62                                                     \
	"[ TrunkGroup ]\n"                                       \
	"FORMAT TrunkGroup_Index = TrunkGroup_TrunkGroupNum, "   \
	"TrunkGroup_FirstTrunkId, TrunkGroup_FirstBChannel, "    \
	"TrunkGroup_LastBChannel, TrunkGroup_FirstPhoneNumber, " \
	"TrunkGroup_ProfileId, TrunkGroup_LastTrunkId, TrunkGroup_Module;\n"

/* Applies text in full; NULL when it does not apply. */
static struct ini_conf *
conf_of(const char *text)
{
	struct ini_doc *doc = NULL;
	struct ini_conf *c = NULL;

	ck_assert_int_eq(ini_doc_parse(text, strlen(text), "t.ini", &doc, NULL),
			 0);
	if (ini_conf_apply(NULL, doc, INI_APPLY_FULL, &c, NULL, NULL) != 0)
		c = NULL;
	ini_doc_destroy(doc);
	return c;
}

static void
ep_is(const struct ini_endpoint *e, long row, long tg, long module, long trunk,
      long channel, const char *phone)
{
	ck_assert_int_eq(e->row, row);
	ck_assert_int_eq(e->tg, tg);
	ck_assert_int_eq(e->module, module);
	ck_assert_int_eq(e->trunk, trunk);
	ck_assert_int_eq(e->channel, channel);
	ck_assert_str_eq(e->phone, phone);
}

/* A Mediant 2000 with 16 E1 spans: trunk-major, 30 B-channels each. */
START_TEST(test_endpoints_e1)
{
	struct ini_conf *c =
		conf_of(TG62 "TrunkGroup 0 = 1, 0, 1, 30, \"0400\", "
			     "0, 15, 1;\n[ \\TrunkGroup ]\n");
	struct ini_endpoint *e = NULL;
	char want[16];
	size_t n = 0, i;

	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(ini_conf_endpoints(c, &e, &n), 0);
	ck_assert_uint_eq(n, 480);
	ep_is(&e[0], 0, 1, 1, 0, 1, "0400");
	ep_is(&e[29], 0, 1, 1, 0, 30, "0429");
	ep_is(&e[30], 0, 1, 1, 1, 1, "0430");
	ep_is(&e[479], 0, 1, 1, 15, 30, "0879");
	for (i = 0; i < n; i++) {
		snprintf(want, sizeof(want), "0%lu", 400 + (unsigned long)i);
		ck_assert_str_eq(e[i].phone, want);
		ck_assert_int_eq(e[i].trunk, (long)i / 30);
		ck_assert_int_eq(e[i].channel, (long)i % 30 + 1);
	}
	free(e);
	ini_conf_destroy(c);
}
END_TEST

/* T1 spans, a number with letters, rows in index order, not file order. */
START_TEST(test_endpoints_t1_rows)
{
	struct ini_conf *c =
		conf_of(TG62 "TrunkGroup 3 = 7, 4, 1, 24, \"99\", 0, 4, 1;\n"
			     "TrunkGroup 1 = 2, 2, 1, 24, \"user1\", 0, 3, 1;\n"
			     "[ \\TrunkGroup ]\n");
	struct ini_endpoint *e = NULL;
	size_t n = 0;

	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(ini_conf_endpoints(c, &e, &n), 0);
	ck_assert_uint_eq(n, 72);
	ep_is(&e[0], 1, 2, 1, 2, 1, "user1");
	ep_is(&e[23], 1, 2, 1, 2, 24, "user24");
	ep_is(&e[24], 1, 2, 1, 3, 1, "user25");
	ep_is(&e[47], 1, 2, 1, 3, 24, "user48");
	ep_is(&e[48], 3, 7, 1, 4, 1, "99");
	ep_is(&e[49], 3, 7, 1, 4, 2, "100");
	ep_is(&e[71], 3, 7, 1, 4, 24, "122");
	free(e);
	ini_conf_destroy(c);
}
END_TEST

/* Analog rows (trunk 255): ports; without a number, DefaultNumber counts
 * over every such port of the device; digital rows without one stay
 * without (the PRI rows of a 7.00A dump). */
START_TEST(test_endpoints_analog)
{
	struct ini_conf *c =
		conf_of("DefaultNumber = 0100\n" TG62
			"TrunkGroup 0 = 11, 0, 1, 2, \"\", \"\", 0, 1;\n"
			"TrunkGroup 1 = 21, 255, 1, 2, \"\", 0, 255, 2;\n"
			"TrunkGroup 2 = 22, 255, 3, 4, \"99\", 0, 255, 2;\n"
			"TrunkGroup 3 = 23, 255, 5, 5, \"\", 0, 255, 2;\n"
			"[ \\TrunkGroup ]\n");
	struct ini_endpoint *e = NULL;
	size_t n = 0;

	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(ini_conf_endpoints(c, &e, &n), 0);
	ck_assert_uint_eq(n, 7);
	ep_is(&e[0], 0, 11, 1, 0, 1, "");
	ep_is(&e[1], 0, 11, 1, 0, 2, "");
	ep_is(&e[2], 1, 21, 2, INI_TRUNK_NONE, 1, "0100");
	ep_is(&e[3], 1, 21, 2, INI_TRUNK_NONE, 2, "0101");
	ep_is(&e[4], 2, 22, 2, INI_TRUNK_NONE, 3, "99");
	ep_is(&e[5], 2, 22, 2, INI_TRUNK_NONE, 4, "100");
	ep_is(&e[6], 3, 23, 2, INI_TRUNK_NONE, 5, "0102");
	free(e);
	ini_conf_destroy(c);
}
END_TEST

/* An empty table; a conf changed by setters that no check has seen. */
START_TEST(test_endpoints_errors)
{
	struct ini_conf *c = NULL;
	struct ini_endpoint *e = (void *)&c;
	size_t n = 7;

	ck_assert_int_eq(ini_conf_create(&c), 0);
	ck_assert_int_eq(ini_conf_endpoints(c, &e, &n), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_ptr_null(e);
	ck_assert_int_eq(ini_conf_endpoints(NULL, &e, &n), -EINVAL);
	ck_assert_int_eq(ini_conf_endpoints(c, NULL, &n), -EINVAL);
	ck_assert_int_eq(ini_conf_row_create(c, INI_TABLE_TRUNKGROUP, 0), 0);
	ck_assert_int_eq(ini_conf_endpoints(c, &e, &n), 0); /* defaults */
	ck_assert_uint_eq(n, 1);
	ep_is(&e[0], 0, 1, 255, INI_TRUNK_NONE, 1, "1000");
	free(e);
	e = NULL;
	/* reversed channels */
	ck_assert_int_eq(
		ini_conf_row_set_int(c, INI_P_TRUNKGROUP_FIRST_B_CHANNEL, 0, 5),
		0);
	ck_assert_int_eq(ini_conf_endpoints(c, &e, &n), -EINVAL);
	ck_assert_int_eq(ini_conf_row_set_int(
				 c, INI_P_TRUNKGROUP_LAST_B_CHANNEL, 0, 2016),
			 0);
	ck_assert_int_eq(ini_conf_endpoints(c, &e, &n), 0);
	ck_assert_uint_eq(n, 2012);
	free(e);
	e = NULL;
	/* more than INI_ENDPOINTS_MAX: two spans of 2016 */
	ck_assert_int_eq(
		ini_conf_row_set_int(c, INI_P_TRUNKGROUP_FIRST_B_CHANNEL, 0, 1),
		0);
	ck_assert_int_eq(ini_conf_endpoints(c, &e, &n), 0);
	ck_assert_uint_eq(n, 2016);
	free(e);
	e = NULL;
	ck_assert_int_eq(
		ini_conf_row_set_int(c, INI_P_TRUNKGROUP_FIRST_TRUNK_ID, 0, 0),
		0);
	ck_assert_int_eq(ini_conf_endpoints(c, &e, &n), -EINVAL); /* 0..255 */
	ck_assert_int_eq(
		ini_conf_row_set_int(c, INI_P_TRUNKGROUP_LAST_TRUNK_ID, 0, 1),
		0);
	ck_assert_int_eq(ini_conf_endpoints(c, &e, &n), -E2BIG);
	/* a number without a trailing digit over a range */
	ck_assert_int_eq(
		ini_conf_row_set_int(c, INI_P_TRUNKGROUP_LAST_B_CHANNEL, 0, 4),
		0);
	ck_assert_int_eq(
		ini_conf_row_set_str(c, INI_P_TRUNKGROUP_FIRST_PHONE_NUMBER, 0,
				     "abc"),
		0);
	ck_assert_int_eq(ini_conf_endpoints(c, &e, &n), -EINVAL);
	/* a carry past INI_PHONE_MAX */
	ck_assert_int_eq(
		ini_conf_row_set_str(c, INI_P_TRUNKGROUP_FIRST_PHONE_NUMBER, 0,
				     "99999999999999999999999999999999999999999"
				     "999999999"),
		0);
	ck_assert_int_eq(ini_conf_endpoints(c, &e, &n), -ERANGE);
	ck_assert_ptr_null(e);
	ini_conf_destroy(c);
}
END_TEST

/* Both forms of the Authentication table (MP-500 SIP User's Manual v5.8,
 * p.337: modular; MP-11x & MP-124 v5.8, p.271: Index = port). */
START_TEST(test_endpoint_auth)
{
	struct ini_conf *c =
		conf_of("Password = global\n" TG62
			"TrunkGroup 0 = 1, 255, 1, 4, \"101\", 0, 255, 2;\n"
			"TrunkGroup 1 = 2, 0, 1, 2, \"201\", 0, 0, 1;\n"
			"[ \\TrunkGroup ]\n"
			"[ Authentication ]\n"
			"FORMAT Authentication_Index = Authentication_UserId, "
			"Authentication_UserPassword, Authentication_Module, "
			"Authentication_Port;\n"
			"Authentication 0 = john, 1325, 2, 1;\n"
			"Authentication 5 = \"\", \"\", 2, 2;\n"
			"Authentication 2 = mary, secret, 255, 0;\n"
			"Authentication 3 = otherslot, x, 1, 4;\n"
			"[ \\Authentication ]\n");
	struct ini_endpoint *e = NULL;
	const char *u = NULL, *p = NULL;
	size_t n = 0;

	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(ini_conf_endpoints(c, &e, &n), 0);
	ck_assert_uint_eq(n, 6);
	ck_assert_int_eq(ini_conf_endpoint_auth(c, &e[0], &u, &p), 0);
	ck_assert_str_eq(u, "john");
	ck_assert_str_eq(p, "1325");
	/* empty UserId and UserPassword: the phone number, global Password */
	ck_assert_int_eq(ini_conf_endpoint_auth(c, &e[1], &u, &p), 0);
	ck_assert_str_eq(u, "102");
	ck_assert_str_eq(p, "global");
	/* two-column row 2 is port 3 */
	ck_assert_int_eq(ini_conf_endpoint_auth(c, &e[2], &u, &p), 0);
	ck_assert_str_eq(u, "mary");
	ck_assert_str_eq(p, "secret");
	/* port 4 of module 2: row 3 is module 1's */
	ck_assert_int_eq(ini_conf_endpoint_auth(c, &e[3], &u, &p), -ENOENT);
	/* digital channels match no row */
	ck_assert_int_eq(e[4].trunk, 0);
	ck_assert_int_eq(ini_conf_endpoint_auth(c, &e[4], &u, &p), -ENOENT);
	ck_assert_int_eq(ini_conf_endpoint_auth(c, NULL, &u, &p), -EINVAL);
	free(e);
	ini_conf_destroy(c);
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
	tc = tcase_create("endpoints");
	tcase_add_test(tc, test_endpoints_e1);
	tcase_add_test(tc, test_endpoints_t1_rows);
	tcase_add_test(tc, test_endpoints_analog);
	tcase_add_test(tc, test_endpoints_errors);
	tcase_add_test(tc, test_endpoint_auth);
	suite_add_tcase(s, tc);
	return s;
}

GWTEST_MAIN(endpoint_suite)
