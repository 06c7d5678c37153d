/* SPDX-License-Identifier: ISC */
/* Unit tests for sip/frame.c: SIP message boundaries on TCP and TLS. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sip/sip_int.h"
#include "tests/unit/gwtest.h"

#define MSG_A                                               \
	"SIP/2.0 200 OK\r\nVia: SIP/2.0/TCP a;branch=x\r\n" \
	"Content-Length: 0\r\n\r\n"
#define MSG_B                                              \
	"SIP/2.0 401 Unauthorized\r\nCSeq: 1 REGISTER\r\n" \
	"l: 5\r\n\r\nhello"

static int
parse(const char *buf, size_t len, size_t *skip, size_t *n)
{
	return sip_frame_parse(buf, len, SIP_MAX_DATAGRAM, skip, n);
}

START_TEST(test_whole_and_merged)
{
	char buf[512];
	size_t skip, n, la = strlen(MSG_A), lb = strlen(MSG_B);

	ck_assert_int_eq(parse(MSG_A, la, &skip, &n), 1);
	ck_assert_uint_eq(skip, 0);
	ck_assert_uint_eq(n, la);
	/* two messages in one read: the first, then the second */
	snprintf(buf, sizeof(buf), "%s%s", MSG_A, MSG_B);
	ck_assert_int_eq(parse(buf, la + lb, &skip, &n), 1);
	ck_assert_uint_eq(n, la);
	ck_assert_int_eq(parse(buf + n, lb, &skip, &n), 1);
	ck_assert_uint_eq(n, lb); /* compact l: with a 5-byte body */
	ck_assert(memcmp(buf + la + n - 5, "hello", 5) == 0);
}
END_TEST

START_TEST(test_split)
{
	size_t lb = strlen(MSG_B), i, skip, n;

	/* every prefix is incomplete, the whole is one message */
	for (i = 0; i < lb; i++) {
		ck_assert_int_eq(parse(MSG_B, i, &skip, &n), 0);
		ck_assert_uint_eq(n, 0);
	}
	ck_assert_int_eq(parse(MSG_B, lb, &skip, &n), 1);
	ck_assert_uint_eq(n, lb);
}
END_TEST

START_TEST(test_keepalive_crlf)
{
	char buf[512];
	size_t skip, n;
	int len = snprintf(buf, sizeof(buf), "\r\n\r\n%s", MSG_A);

	ck_assert_int_eq(parse("\r\n\r\n", 4, &skip, &n), 0);
	ck_assert_uint_eq(skip, 4);
	ck_assert_int_eq(parse(buf, (size_t)len, &skip, &n), 1);
	ck_assert_uint_eq(skip, 4);
	ck_assert_uint_eq(n, strlen(MSG_A));
	/* bare LF line ends are accepted too */
	ck_assert_int_eq(parse("SIP/2.0 200 OK\nl: 0\n\n", 21, &skip, &n), 1);
	ck_assert_uint_eq(n, 21);
}
END_TEST

#define LOOKALIKE "SIP/2.0 200 OK\r\nLocation: 3\r\nContent-Lengthy: 9\r\n\r\n"

START_TEST(test_garbage)
{
	static const char *const bad[] = {
		"SIP/2.0 200 OK\r\nContent-Length: abc\r\n\r\n",
		"SIP/2.0 200 OK\r\nContent-Length: 12x\r\n\r\n",
		"SIP/2.0 200 OK\r\nContent-Length:\r\n\r\n",
		"SIP/2.0 200 OK\r\nl: -1\r\n\r\n",
	};
	size_t i, skip, n;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_int_eq(parse(bad[i], strlen(bad[i]), &skip, &n),
				 -EPROTO);
	/* text that is not SIP still frames (the parser drops it) */
	ck_assert_int_eq(parse("garbage\r\n\r\n", 11, &skip, &n), 1);
	/* headers that merely look alike are not Content-Length */
	ck_assert_int_eq(parse(LOOKALIKE, strlen(LOOKALIKE), &skip, &n), 1);
	ck_assert_uint_eq(n, strlen(LOOKALIKE));
}
END_TEST

START_TEST(test_oversized)
{
	static char big[SIP_MAX_DATAGRAM + 100];
	size_t skip, n;

	/* a body larger than a message may be */
	ck_assert_int_eq(parse("SIP/2.0 200 OK\r\nContent-Length: 70000\r\n"
			       "\r\n",
			       41, &skip, &n),
			 -EMSGSIZE);
	ck_assert_int_eq(parse("SIP/2.0 200 OK\r\nContent-Length: "
			       "99999999999999999999\r\n\r\n",
			       56, &skip, &n),
			 -EMSGSIZE);
	/* headers without an end past the limit */
	memset(big, 'a', sizeof(big));
	ck_assert_int_eq(parse(big, sizeof(big), &skip, &n), -EMSGSIZE);
	ck_assert_int_eq(parse(big, 1000, &skip, &n), 0);
	/* the limit is the caller's */
	ck_assert_int_eq(sip_frame_parse(MSG_A, strlen(MSG_A), 10, &skip, &n),
			 -EMSGSIZE);
}
END_TEST

static Suite *
frame_suite(void)
{
	Suite *s = suite_create("sip_frame");
	TCase *tc = tcase_create("frame");

	tcase_add_test(tc, test_whole_and_merged);
	tcase_add_test(tc, test_split);
	tcase_add_test(tc, test_keepalive_crlf);
	tcase_add_test(tc, test_garbage);
	tcase_add_test(tc, test_oversized);
	suite_add_tcase(s, tc);
	return s;
}

GWTEST_MAIN(frame_suite)
