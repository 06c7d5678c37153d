/* SPDX-License-Identifier: ISC */
/*
 * agent/core/recorder.c: exchanges cut out of the status callbacks the
 * engine makes (a state change, a final response), the ring bound, and
 * the numbering a manager walks by.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "agent/core/gwagent.h"
#include "tests/unit/gwtest.h"

static struct agent_rec *r;
static struct sipreg_status st;
static uint64_t now;

static void
setup(void)
{
	memset(&st, 0, sizeof(st));
	st.addr_index = 0;
	now = 5000;
	ck_assert_int_eq(agent_rec_create(&r, 4), 0);
}

static void
teardown(void)
{
	agent_rec_destroy(r);
}

/* One callback: the engine moved to @p state, after @p ms. */
static void
cb(enum sipreg_state state, uint64_t ms)
{
	now += ms;
	st.state = state;
	agent_rec_feed(r, &st, now, 1700000000 + (int64_t)(now / 1000));
}

static void
answer(enum sipreg_state state, int code, uint64_t ms)
{
	st.last_code = code;
	if (code >= 200 && code < 300)
		st.counters.ok++;
	else if (code == 401 || code == 407)
		st.counters.challenged++;
	else
		st.counters.failed++;
	cb(state, ms);
}

START_TEST(test_register_with_challenge)
{
	struct agent_rec_entry e;

	cb(SIPREG_REGISTERING, 0);
	answer(SIPREG_AUTHENTICATING, 401, 20);
	ck_assert_uint_eq(agent_rec_count(r), 0); /* still in flight */
	answer(SIPREG_REGISTERED, 200, 30);
	ck_assert_uint_eq(agent_rec_count(r), 1);
	ck_assert_int_eq(agent_rec_next(r, 0, &e), 0);
	ck_assert_uint_eq(e.seq, 1);
	ck_assert_int_eq(e.kind, AGENT_REC_REGISTER);
	ck_assert_int_eq(e.outcome, AGENT_REC_OK);
	ck_assert_uint_eq(e.code, 200);
	ck_assert_uint_eq(e.challenges, 1);
	ck_assert_uint_eq(e.ms, 50);
	ck_assert_uint_eq(e.addr, 0);
	ck_assert_str_eq(agent_rec_kind_name(e.kind), "register");
	ck_assert_int_eq(agent_rec_next(r, 1, &e), -ENOENT);
}
END_TEST

START_TEST(test_refresh_timeout_unregister)
{
	struct agent_rec_entry e;

	cb(SIPREG_REGISTERING, 0);
	answer(SIPREG_REGISTERED, 200, 10);
	cb(SIPREG_REFRESHING, 60000);
	st.counters.timeouts++;
	st.addr_index = -1;
	cb(SIPREG_BACKOFF, 32000);
	st.addr_index = 1;
	cb(SIPREG_REGISTERING, 30000);
	answer(SIPREG_FAILED, 403, 15);
	cb(SIPREG_UNREGISTERING, 1000);
	answer(SIPREG_UNREGISTERED, 200, 5);
	ck_assert_uint_eq(agent_rec_count(r), 4);
	ck_assert_int_eq(agent_rec_next(r, 1, &e), 0);
	ck_assert_int_eq(e.kind, AGENT_REC_REFRESH);
	ck_assert_int_eq(e.outcome, AGENT_REC_TIMEOUT);
	ck_assert_uint_eq(e.code, 0);
	ck_assert_uint_eq(e.ms, 32000);
	ck_assert_uint_eq(e.addr, 255);
	ck_assert_int_eq(agent_rec_next(r, 2, &e), 0);
	ck_assert_int_eq(e.kind, AGENT_REC_REGISTER);
	ck_assert_int_eq(e.outcome, AGENT_REC_REJECTED);
	ck_assert_uint_eq(e.code, 403);
	ck_assert_uint_eq(e.addr, 1);
	ck_assert_int_eq(agent_rec_next(r, 3, &e), 0);
	ck_assert_int_eq(e.kind, AGENT_REC_UNREGISTER);
	ck_assert_str_eq(agent_rec_outcome_name(e.outcome), "ok");
}
END_TEST

/* Wrong credentials: the answer to the credentials is a 401 again and
 * the binding fails: a rejection that answered one challenge. */
START_TEST(test_rejected_credentials)
{
	struct agent_rec_entry e;

	cb(SIPREG_REGISTERING, 0);
	answer(SIPREG_AUTHENTICATING, 401, 10);
	answer(SIPREG_FAILED, 401, 10);
	ck_assert_int_eq(agent_rec_next(r, 0, &e), 0);
	ck_assert_int_eq(e.outcome, AGENT_REC_REJECTED);
	ck_assert_uint_eq(e.code, 401);
	ck_assert_uint_eq(e.challenges, 1);
}
END_TEST

/* The ring keeps the newest depth entries, numbered on. */
START_TEST(test_ring_bound)
{
	struct agent_rec_entry e;
	uint32_t after = 0, n = 0;
	int i;

	for (i = 0; i < 10; i++) {
		cb(i == 0 ? SIPREG_REGISTERING : SIPREG_REFRESHING, 1000);
		answer(SIPREG_REGISTERED, 200, 10);
	}
	ck_assert_uint_eq(agent_rec_count(r), 4);
	while (agent_rec_next(r, after, &e) == 0) {
		ck_assert_uint_eq(e.seq, 7 + n);
		after = e.seq;
		n++;
	}
	ck_assert_uint_eq(n, 4);
	/* asking from before the oldest kept gives the oldest kept */
	ck_assert_int_eq(agent_rec_next(r, 2, &e), 0);
	ck_assert_uint_eq(e.seq, 7);
}
END_TEST

/* A new engine binding (the configuration changed) restarts its
 * counters: no phantom entry. */
START_TEST(test_counters_restart)
{
	cb(SIPREG_REGISTERING, 0);
	answer(SIPREG_REGISTERED, 200, 10);
	memset(&st.counters, 0, sizeof(st.counters));
	cb(SIPREG_IDLE, 10);
	ck_assert_uint_eq(agent_rec_count(r), 1);
	cb(SIPREG_REGISTERING, 10);
	answer(SIPREG_REGISTERED, 200, 10);
	ck_assert_uint_eq(agent_rec_count(r), 2);
}
END_TEST

/* One keep-alive change told by the engine (sipreg_status ka_*). */
static void
ka(int event, int index, int code, uint64_t ms)
{
	st.ka_event = event;
	st.ka_index = index;
	st.ka_code = code;
	cb(st.state, ms);
	st.ka_event = st.ka_index = st.ka_code = 0;
}

/* Keep-alive: an address going offline and coming back is recorded in
 * the binding, between its exchanges and without cutting one short; an
 * address answering from the start is no news. */
START_TEST(test_keepalive_changes)
{
	struct agent_rec_entry e;

	cb(SIPREG_REGISTERING, 0);
	answer(SIPREG_REGISTERED, 200, 10);
	ka(SIPREG_KA_ONLINE, 0, 200, 100); /* first results: nothing */
	ka(SIPREG_KA_ONLINE, 1, 200, 100);
	ck_assert_uint_eq(agent_rec_count(r), 1);
	ka(SIPREG_KA_OFFLINE, 0, -1, 60000);
	ck_assert_uint_eq(agent_rec_count(r), 2);
	ck_assert_int_eq(agent_rec_next(r, 1, &e), 0);
	ck_assert_uint_eq(e.seq, 2);
	ck_assert_int_eq(e.kind, AGENT_REC_KEEPALIVE);
	ck_assert_str_eq(agent_rec_kind_name(e.kind), "keep-alive");
	ck_assert_int_eq(e.outcome, AGENT_REC_TIMEOUT);
	ck_assert_uint_eq(e.code, 0);
	ck_assert_uint_eq(e.addr, 0);
	ck_assert_uint_eq(e.ms, 0);
	ck_assert_uint_eq(e.challenges, 0);
	ck_assert_uint_eq(e.when, 1700000000 + now / 1000);
	/* the move to the second address is an exchange of its own; the
	 * primary's return comes in while it is in flight */
	st.addr_index = 1;
	cb(SIPREG_REGISTERING, 5);
	answer(SIPREG_AUTHENTICATING, 401, 10);
	ka(SIPREG_KA_ONLINE, 0, 404, 20);
	answer(SIPREG_REGISTERED, 200, 10);
	ck_assert_uint_eq(agent_rec_count(r), 4);
	ck_assert_int_eq(agent_rec_next(r, 2, &e), 0);
	ck_assert_int_eq(e.kind, AGENT_REC_KEEPALIVE);
	ck_assert_int_eq(e.outcome, AGENT_REC_OK);
	ck_assert_uint_eq(e.code, 404);
	ck_assert_uint_eq(e.addr, 0);
	ck_assert_int_eq(agent_rec_next(r, 3, &e), 0);
	ck_assert_int_eq(e.kind, AGENT_REC_REGISTER);
	ck_assert_uint_eq(e.challenges, 1);
	ck_assert_uint_eq(e.ms, 40);
	ck_assert_uint_eq(e.addr, 1);
	/* an address never seen answering is news when it does not */
	ka(SIPREG_KA_OFFLINE, 2, -1, 10);
	ck_assert_int_eq(agent_rec_next(r, 4, &e), 0);
	ck_assert_uint_eq(e.addr, 2);
	ck_assert_int_eq(e.outcome, AGENT_REC_TIMEOUT);
}
END_TEST

/* What one binding's recorder costs: 24 bytes and 12 per entry. */
START_TEST(test_size)
{
	ck_assert_uint_eq(agent_rec_size(16), 24 + 16 * 12);
	ck_assert_uint_eq(agent_rec_size(1), 36);
}
END_TEST

/* A duration past what an entry holds reads as the cap, not wrapped. */
START_TEST(test_long_exchange_capped)
{
	struct agent_rec_entry e;

	cb(SIPREG_REGISTERING, 0);
	st.counters.timeouts++;
	cb(SIPREG_BACKOFF, 20000000);
	ck_assert_int_eq(agent_rec_next(r, 0, &e), 0);
	ck_assert_uint_eq(e.ms, 16777215);
	ck_assert_int_eq(e.outcome, AGENT_REC_TIMEOUT);
}
END_TEST

START_TEST(test_bad_arguments)
{
	struct agent_rec *x = NULL;
	struct agent_rec_entry e;

	ck_assert_int_eq(agent_rec_create(&x, 0), -EINVAL);
	ck_assert_int_eq(agent_rec_create(&x, AGENT_REC_DEPTH_MAX + 1),
			 -EINVAL);
	ck_assert_int_eq(agent_rec_create(NULL, 4), -EINVAL);
	ck_assert_int_eq(agent_rec_next(NULL, 0, &e), -ENOENT);
	ck_assert_int_eq(agent_rec_next(r, 0, &e), -ENOENT);
	agent_rec_feed(NULL, &st, 0, 0);
	agent_rec_destroy(NULL);
}
END_TEST

static Suite *
recorder_suite(void)
{
	Suite *s = suite_create("agent_recorder");
	TCase *tc = tcase_create("recorder");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_register_with_challenge);
	tcase_add_test(tc, test_refresh_timeout_unregister);
	tcase_add_test(tc, test_rejected_credentials);
	tcase_add_test(tc, test_ring_bound);
	tcase_add_test(tc, test_counters_restart);
	tcase_add_test(tc, test_keepalive_changes);
	tcase_add_test(tc, test_size);
	tcase_add_test(tc, test_long_exchange_capped);
	tcase_add_test(tc, test_bad_arguments);
	suite_add_tcase(s, tc);
	return s;
}

GWTEST_MAIN(recorder_suite)
