/* SPDX-License-Identifier: ISC */
/* Unit tests for sip/msg.c: raw header access. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <string.h>

#include "sip/sip_int.h"
#include "tests/unit/gwtest.h"

struct hits {
	int n;
	char v[4][128];
};

static void
hit(const char *v, size_t len, void *arg)
{
	struct hits *h = arg;

	if (h->n < 4)
		snprintf(h->v[h->n], sizeof(h->v[0]), "%.*s", (int)len, v);
	h->n++;
}

START_TEST(test_headers)
{
	static const char m[] = "SIP/2.0 401 Unauthorized\r\n"
				"www-authenticate : Digest a=1,\r\n"
				"\t b=2\r\n"
				"X-WWW-Authenticate: no\r\n"
				"WWW-Authenticate:Digest c=3\n"
				"WWW-Authenticatex: no\r\n"
				"\r\n"
				"WWW-Authenticate: body\r\n";
	struct hits h;

	memset(&h, 0, sizeof(h));
	ck_assert_int_eq(sip_msg_foreach_header(m, strlen(m),
						"WWW-Authenticate", hit, &h),
			 2);
	ck_assert_str_eq(h.v[0], "Digest a=1,\r\n\t b=2");
	ck_assert_str_eq(h.v[1], "Digest c=3");
}
END_TEST

START_TEST(test_truncated)
{
	static const char m[] = "SIP/2.0 401 X\r\nWWW-Authenticate: Dig";
	struct hits h;
	size_t len;

	for (len = 0; len <= strlen(m); len++) {
		memset(&h, 0, sizeof(h));
		sip_msg_foreach_header(m, len, "WWW-Authenticate", hit, &h);
	}
	ck_assert_int_eq(h.n, 1);
	ck_assert_str_eq(h.v[0], "Dig");
	ck_assert_int_eq(sip_msg_foreach_header(NULL, 0, "x", hit, &h), 0);
}
END_TEST

static Suite *
msg_suite(void)
{
	Suite *s = suite_create("sip_msg");
	TCase *tc = tcase_create("headers");

	tcase_add_test(tc, test_headers);
	tcase_add_test(tc, test_truncated);
	suite_add_tcase(s, tc);
	return s;
}

GWTEST_MAIN(msg_suite)
