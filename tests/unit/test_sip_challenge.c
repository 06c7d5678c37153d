/* SPDX-License-Identifier: ISC */
/* Unit tests for sip/challenge.c: the WWW-Authenticate parser. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip/sip_int.h"
#include "tests/unit/gwtest.h"

#define MAXC 8

struct seen {
	int n;
	struct {
		enum sip_digest_alg alg;
		bool sess, stale, qop_given, alg_given, has_opaque;
		unsigned qop_mask;
		char realm[64], nonce[64], opaque[64];
	} c[MAXC];
};

static void
record(const struct sip_challenge *ch, void *arg)
{
	struct seen *s = arg;

	if (s->n >= MAXC)
		return;
	s->c[s->n].alg = ch->alg;
	s->c[s->n].sess = ch->sess;
	s->c[s->n].stale = ch->stale;
	s->c[s->n].qop_given = ch->qop_given;
	s->c[s->n].alg_given = ch->alg_given;
	s->c[s->n].qop_mask = ch->qop_mask;
	snprintf(s->c[s->n].realm, 64, "%s", ch->realm);
	snprintf(s->c[s->n].nonce, 64, "%s", ch->nonce);
	s->c[s->n].has_opaque = ch->opaque != NULL;
	snprintf(s->c[s->n].opaque, 64, "%s", ch->opaque ? ch->opaque : "");
	s->n++;
}

static int
parse(const char *v, struct seen *s)
{
	memset(s, 0, sizeof(*s));
	return sip_challenge_parse(v, strlen(v), false, record, s);
}

START_TEST(test_basic)
{
	struct seen s;

	ck_assert_int_eq(parse("Digest realm=\"audiocodes.com\", "
			       "nonce=\"11432d6bce58ddf02e3b5e1c77c010d2\", "
			       "stale=FALSE, algorithm=MD5",
			       &s),
			 1);
	ck_assert_str_eq(s.c[0].realm, "audiocodes.com");
	ck_assert_str_eq(s.c[0].nonce, "11432d6bce58ddf02e3b5e1c77c010d2");
	ck_assert(s.c[0].alg == SIP_DIGEST_MD5 && !s.c[0].sess);
	ck_assert(!s.c[0].stale && !s.c[0].qop_given && s.c[0].alg_given);
	ck_assert(!s.c[0].has_opaque);
}
END_TEST

START_TEST(test_case_and_quoting)
{
	struct seen s;

	ck_assert_int_eq(
		parse("dIgEsT\tREALM = \"a\\\"b\\\\c\" ,NONCE=abc/def=,"
		      "Algorithm=\"sha-256-SESS\", QOP=\"auth-int , "
		      "AUTH\",stale=TrUe,opaque=\"\"",
		      &s),
		1);
	ck_assert_str_eq(s.c[0].realm, "a\"b\\c");
	ck_assert_str_eq(s.c[0].nonce, "abc/def=");
	ck_assert(s.c[0].alg == SIP_DIGEST_SHA256 && s.c[0].sess);
	ck_assert_uint_eq(s.c[0].qop_mask,
			  SIP_QOP_MASK_AUTH | SIP_QOP_MASK_AUTH_INT);
	ck_assert(s.c[0].stale);
	ck_assert(s.c[0].has_opaque);
	ck_assert_str_eq(s.c[0].opaque, "");
}
END_TEST

START_TEST(test_empty_realm_folded)
{
	struct seen s;

	ck_assert_int_eq(parse("Digest realm=\"\",\r\n  nonce=\"n\",\r\n\t"
			       "qop=\"auth\"",
			       &s),
			 1);
	ck_assert_str_eq(s.c[0].realm, "");
	ck_assert_uint_eq(s.c[0].qop_mask, SIP_QOP_MASK_AUTH);
	ck_assert(!s.c[0].alg_given && s.c[0].alg == SIP_DIGEST_MD5);
}
END_TEST

START_TEST(test_several_in_one)
{
	struct seen s;

	ck_assert_int_eq(parse("Basic realm=\"x\", Digest realm=\"r1\", "
			       "nonce=\"n1\", algorithm=SHA-512-256, qop=auth,"
			       " Negotiate abc==, Digest realm=\"r2\", "
			       "nonce=\"n2\", foo=\"bar, baz\", userhash=true",
			       &s),
			 2);
	ck_assert_str_eq(s.c[0].realm, "r1");
	ck_assert(s.c[0].alg == SIP_DIGEST_SHA512_256);
	ck_assert_str_eq(s.c[1].realm, "r2");
	ck_assert_str_eq(s.c[1].nonce, "n2");
}
END_TEST

START_TEST(test_unusable)
{
	static const char *const bad[] = {
		"Basic realm=\"x\"",
		"Digest nonce=\"n\"",		  /* no realm */
		"Digest realm=\"r\"",		  /* no nonce */
		"Digest realm=\"r\", nonce=\"\"", /* empty nonce */
		"Digest realm=\"r\", nonce=\"n\", algorithm=SHA-512",
		"Digest realm=\"r\", nonce=\"n\", algorithm=AKAv1-MD5",
		"Digest realm=\"r\", nonce=\"n\", qop=\"auth-conf\"",
		"Digest realm=\"r\", nonce=\"n\", algorithm=MD5-sess",
		"Digest realm=\"r\", nonce=\"n\", realm=\"s\"", /* duplicate */
		"Digest realm=\"r\", nonce=\"unterminated",
		"Digest realm=\"r\r\nVia: x\", nonce=\"n\"", /* injection */
		"Digest realm=\"r\", nonce=\"n\" junk",
		"Digest realm=, nonce=\"n\"",
		"",
		",,,  ,",
		"Digest",
		"\"\\",
		"=",
	};
	struct seen s;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(parse(bad[i], &s) == 0, "accepted: %s", bad[i]);
}
END_TEST

START_TEST(test_long_value)
{
	size_t n = SIP_CHALLENGE_VALUE_MAX + 64;
	char *v = malloc(n + 64);
	struct seen s;

	ck_assert_ptr_nonnull(v);
	strcpy(v, "Digest realm=\"r\", nonce=\"");
	memset(v + strlen(v), 'a', n);
	strcpy(v + 25 + n, "\"");
	ck_assert_int_eq(parse(v, &s), 0);
	free(v);
}
END_TEST

/* Not NUL-terminated and random bytes: must neither crash nor leak. */
START_TEST(test_garbage)
{
	static const char alphabet[] =
		"Digest realm=\"\\,\r\n\t nonce=qop auth";
	unsigned seed = 12345;
	char buf[256];
	struct seen s;
	int round;
	size_t i, len;

	for (round = 0; round < 20000; round++) {
		seed = seed * 1103515245u + 12345u;
		len = (seed >> 16) % sizeof(buf);
		for (i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			buf[i] = (round & 1) ? (char)(seed >> 16)
					     : alphabet[(seed >> 16) %
							(sizeof(alphabet) - 1)];
		}
		memset(&s, 0, sizeof(s));
		ck_assert_int_ge(
			sip_challenge_parse(buf, len, false, record, &s), 0);
	}
}
END_TEST

START_TEST(test_args)
{
	ck_assert_int_eq(sip_challenge_parse(NULL, 0, false, record, NULL),
			 -EINVAL);
	sip_challenge_clear(NULL);
}
END_TEST

static Suite *
challenge_suite(void)
{
	Suite *s = suite_create("sip_challenge");
	TCase *tc;

	tc = tcase_create("parse");
	tcase_add_test(tc, test_basic);
	tcase_add_test(tc, test_case_and_quoting);
	tcase_add_test(tc, test_empty_realm_folded);
	tcase_add_test(tc, test_several_in_one);
	tcase_add_test(tc, test_args);
	suite_add_tcase(s, tc);
	tc = tcase_create("robustness");
	tcase_add_test(tc, test_unusable);
	tcase_add_test(tc, test_long_value);
	tcase_add_test(tc, test_garbage);
	suite_add_tcase(s, tc);
	return s;
}

GWTEST_MAIN(challenge_suite)
