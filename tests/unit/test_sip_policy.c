/* SPDX-License-Identifier: ISC */
/* Unit tests for sip/policy.c: refresh, backoff, 423, pacing. */
#include "config.h"

#include <check.h>
#include <errno.h>

#include "sip/sip_int.h"
#include "tests/unit/gwtest.h"

#define RND_MIN 0u
#define RND_MAX UINT32_MAX
#define RND_MID 0x80000000u

START_TEST(test_granted)
{
	ck_assert_uint_eq(sip_policy_granted(3600, 600, 1200), 600);
	ck_assert_uint_eq(sip_policy_granted(3600, -1, 1200), 1200);
	ck_assert_uint_eq(sip_policy_granted(3600, -1, -1), 3600);
	ck_assert_uint_eq(sip_policy_granted(3600, 0, -1), 3600);
	ck_assert_uint_eq(sip_policy_granted(3600, -1, 0), 3600);
	ck_assert_uint_eq(sip_policy_granted(0, -1, 0), 0);
	ck_assert_uint_eq(sip_policy_granted(60, 5000000000LL, -1), UINT32_MAX);
}
END_TEST

START_TEST(test_refresh_divider)
{
	struct sip_refresh_policy p = { 50, 0, 0, 0 };

	ck_assert_uint_eq(sip_policy_refresh_ms(&p, 180, RND_MAX), 90000);
	/* 70 % of 3600 s, the RegistrationTimeDivider example (AudioCodes
	 * MP-124 User's Manual, Version 5.8, p. 279) */
	p.divider_pct = 70;
	ck_assert_uint_eq(sip_policy_refresh_ms(&p, 3600, RND_MID), 2520000);
	p.divider_pct = 0; /* out of range: default 50 % */
	ck_assert_uint_eq(sip_policy_refresh_ms(&p, 100, 0), 50000);
}
END_TEST

START_TEST(test_refresh_threshold)
{
	struct sip_refresh_policy p = { 90, 60, 0, 0 };

	/* 90 % of 3600 = 3240 > 3600 - 60 = 3540: divider wins */
	ck_assert_uint_eq(sip_policy_refresh_ms(&p, 3600, 0), 3240000);
	/* 90 % of 300 = 270 > 300 - 60 = 240: threshold wins */
	ck_assert_uint_eq(sip_policy_refresh_ms(&p, 300, 0), 240000);
	/* grant below the threshold: ignore the threshold */
	ck_assert_uint_eq(sip_policy_refresh_ms(&p, 40, 0), 36000);
}
END_TEST

START_TEST(test_refresh_floor_jitter)
{
	struct sip_refresh_policy p = { 50, 0, 0, 5 };
	uint64_t t;

	ck_assert_uint_eq(sip_policy_refresh_ms(&p, 0, 0), 5000);
	ck_assert_uint_eq(sip_policy_refresh_ms(&p, 2, 0), 5000);
	p.floor_s = 0; /* 1 s minimum floor even when unset */
	ck_assert_uint_eq(sip_policy_refresh_ms(&p, 1, 0), 1000);
	p.jitter_pct = 20;
	ck_assert_uint_eq(sip_policy_refresh_ms(&p, 1000, RND_MIN), 500000);
	t = sip_policy_refresh_ms(&p, 1000, RND_MAX);
	ck_assert(t > 400000 && t <= 400001);
	t = sip_policy_refresh_ms(&p, 1000, RND_MID);
	ck_assert_uint_eq(t, 450000);
}
END_TEST

START_TEST(test_backoff_flat)
{
	ck_assert_uint_eq(sip_policy_backoff_ms(30, 0, 1, RND_MAX), 30000);
	ck_assert_uint_eq(sip_policy_backoff_ms(30, 0, 9, RND_MIN), 30000);
	ck_assert_uint_eq(sip_policy_backoff_ms(0, 0, 1, RND_MIN), 1000);
}
END_TEST

START_TEST(test_backoff_exponential)
{
	/* W = min(1800, 30 * 2^(n-1)); wait in [W/2, W] */
	ck_assert_uint_eq(sip_policy_backoff_ms(30, 1800, 1, RND_MIN), 30000);
	ck_assert_uint_eq(sip_policy_backoff_ms(30, 1800, 1, RND_MID), 22500);
	ck_assert_uint_ge(sip_policy_backoff_ms(30, 1800, 1, RND_MAX), 15000);
	ck_assert_uint_eq(sip_policy_backoff_ms(30, 1800, 2, RND_MIN), 60000);
	ck_assert_uint_eq(sip_policy_backoff_ms(30, 1800, 4, RND_MIN), 240000);
	ck_assert_uint_eq(sip_policy_backoff_ms(30, 1800, 7, RND_MIN), 1800000);
	ck_assert_uint_eq(sip_policy_backoff_ms(30, 1800, 1000, RND_MIN),
			  1800000);
	ck_assert_uint_ge(sip_policy_backoff_ms(30, 1800, 1000, RND_MAX),
			  900000);
	ck_assert_uint_eq(sip_policy_backoff_ms(30, 1800, 0, RND_MIN), 30000);
}
END_TEST

START_TEST(test_retry_after)
{
	ck_assert_uint_eq(sip_policy_retry_ms(30000, -1), 30000);
	ck_assert_uint_eq(sip_policy_retry_ms(30000, 0), 30000);
	ck_assert_uint_eq(sip_policy_retry_ms(30000, 10), 30000);
	ck_assert_uint_eq(sip_policy_retry_ms(30000, 300), 300000);
	ck_assert_uint_eq(sip_policy_retry_ms(0, 1LL << 40),
			  (uint64_t)SIP_RETRY_AFTER_MAX * 1000);
}
END_TEST

START_TEST(test_min_expires)
{
	uint32_t out = 7;

	ck_assert_int_eq(sip_policy_min_expires(60, 3600, false, &out), 0);
	ck_assert_uint_eq(out, 3600);
	ck_assert_int_eq(sip_policy_min_expires(60, 3600, true, &out), -EPROTO);
	ck_assert_int_eq(sip_policy_min_expires(60, -1, false, &out), -EPROTO);
	ck_assert_int_eq(sip_policy_min_expires(3600, 60, false, &out),
			 -EPROTO);
	ck_assert_int_eq(sip_policy_min_expires(60, 60, false, &out), -EPROTO);
	ck_assert_uint_eq(out, 3600);
}
END_TEST

START_TEST(test_classify)
{
	ck_assert_int_eq(sip_policy_classify(100), SIP_OUTCOME_PROVISIONAL);
	ck_assert_int_eq(sip_policy_classify(200), SIP_OUTCOME_OK);
	ck_assert_int_eq(sip_policy_classify(202), SIP_OUTCOME_OK);
	ck_assert_int_eq(sip_policy_classify(401), SIP_OUTCOME_AUTH);
	ck_assert_int_eq(sip_policy_classify(407), SIP_OUTCOME_AUTH);
	ck_assert_int_eq(sip_policy_classify(423), SIP_OUTCOME_INTERVAL);
	ck_assert_int_eq(sip_policy_classify(503), SIP_OUTCOME_FAILOVER);
	ck_assert_int_eq(sip_policy_classify(408), SIP_OUTCOME_FAILOVER);
	ck_assert_int_eq(sip_policy_classify(403), SIP_OUTCOME_RETRY);
	ck_assert_int_eq(sip_policy_classify(302), SIP_OUTCOME_RETRY);
	ck_assert_int_eq(sip_policy_classify(600), SIP_OUTCOME_RETRY);
}
END_TEST

START_TEST(test_pacer)
{
	struct sip_pacer p;
	int i;

	sip_pacer_init(&p, 10, 3, 1000);
	for (i = 0; i < 3; i++)
		ck_assert_uint_eq(sip_pacer_take(&p, 1000), 0);
	ck_assert_uint_eq(sip_pacer_take(&p, 1000), 100);
	ck_assert_uint_eq(sip_pacer_take(&p, 1050), 50);
	ck_assert_uint_eq(sip_pacer_take(&p, 1100), 0);
	ck_assert_uint_eq(sip_pacer_take(&p, 1100), 100);
	/* long idle: capped at the burst */
	for (i = 0; i < 3; i++)
		ck_assert_uint_eq(sip_pacer_take(&p, 100000), 0);
	ck_assert_uint_gt(sip_pacer_take(&p, 100000), 0);
	/* a clock going back does not mint tokens */
	ck_assert_uint_gt(sip_pacer_take(&p, 50), 0);
	sip_pacer_init(&p, 0, 0, 0);
	for (i = 0; i < 1000; i++)
		ck_assert_uint_eq(sip_pacer_take(&p, 0), 0);
}
END_TEST

START_TEST(test_pacer_rate)
{
	struct sip_pacer p;
	uint64_t now = 0, sent = 0;

	/* 100/s over 10 s from a 20 burst: 1020 grants */
	sip_pacer_init(&p, 100, 20, 0);
	for (now = 0; now <= 10000; now++)
		while (sip_pacer_take(&p, now) == 0)
			sent++;
	ck_assert_uint_eq(sent, 1020);
}
END_TEST

static Suite *
policy_suite(void)
{
	Suite *s = suite_create("sip_policy");
	TCase *tc;

	tc = tcase_create("refresh");
	tcase_add_test(tc, test_granted);
	tcase_add_test(tc, test_refresh_divider);
	tcase_add_test(tc, test_refresh_threshold);
	tcase_add_test(tc, test_refresh_floor_jitter);
	suite_add_tcase(s, tc);
	tc = tcase_create("failure");
	tcase_add_test(tc, test_backoff_flat);
	tcase_add_test(tc, test_backoff_exponential);
	tcase_add_test(tc, test_retry_after);
	tcase_add_test(tc, test_min_expires);
	tcase_add_test(tc, test_classify);
	suite_add_tcase(s, tc);
	tc = tcase_create("pacer");
	tcase_add_test(tc, test_pacer);
	tcase_add_test(tc, test_pacer_rate);
	suite_add_tcase(s, tc);
	return s;
}

GWTEST_MAIN(policy_suite)
