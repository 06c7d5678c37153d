/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the client transactions of sip/tx.c (RFC 3261 §17.1.2
 * timers, the pool of running transactions) and the strings the engine
 * shares (sip_engine_intern()), with a fake clock and the in-process
 * fake transport.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "sip/sip_int.h"
#include "tests/mock/sip_fake.h"
#include "tests/unit/gwtest.h"

static uint64_t now_ms;
static struct sipreg_engine *e;
static struct sip_fake *f;

static uint64_t
fake_clock(void *arg)
{
	(void)arg;
	return now_ms;
}

static uint32_t
fake_rand(void *arg)
{
	(void)arg;
	return 0;
}

static void
setup(void)
{
	struct sipreg_engine_cfg cfg;

	memset(&cfg, 0, sizeof(cfg));
	cfg.clockh = fake_clock;
	cfg.randh = fake_rand;
	cfg.user_agent = "gwtest/1";
	cfg.pace_off = true;
	now_ms = 1000000;
	f = sip_fake_new();
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(sip_engine_create_tp(&e, &cfg, &sip_fake_ops, f), 0);
}

static void
teardown(void)
{
	sipreg_engine_destroy(e);
	e = NULL;
	f = NULL;
}

static struct sipreg_binding *
add(const char *user, enum sipreg_transport tp)
{
	struct sipreg_binding_cfg c;
	struct sipreg_binding *b;

	memset(&c, 0, sizeof(c));
	c.aor_user = user;
	c.aor_host = "example.com";
	c.password = "secret";
	c.naddrs = 1;
	c.addrs[0].host = "192.0.2.1";
	c.addrs[0].port = 5060;
	c.addrs[0].transport = tp;
	ck_assert_int_eq(sipreg_binding_add(e, &c, NULL, &b), 0);
	return b;
}

static struct sipreg_status
status(const struct sipreg_binding *b)
{
	struct sipreg_status st;

	ck_assert_int_eq(sipreg_binding_status(b, &st), 0);
	return st;
}

/* Move the clock to `at` ms after the start, running due timers. */
static void
at(uint64_t start, uint64_t ms)
{
	now_ms = start + ms;
	sipreg_engine_timeout(e);
}

static size_t
pool_size(void)
{
	const struct sip_txn *t;
	size_t n = 0;

	for (t = e->txn_free; t != NULL; t = t->next)
		n++;
	return n;
}

/* UDP: Timer E at T1 doubling up to T2, Timer F at 64*T1. */
START_TEST(test_udp_timer_e_and_f)
{
	static const uint64_t resend[] = { 500,	  1500,	 3500,	7500,  11500,
					   15500, 19500, 23500, 27500, 31500 };
	struct sipreg_binding *b = add("alice", SIPREG_TP_UDP);
	uint64_t t0 = now_ms;
	size_t i;

	sipreg_binding_register(b);
	ck_assert_uint_eq(f->nsent, 1);
	for (i = 0; i < sizeof(resend) / sizeof(resend[0]); i++) {
		at(t0, resend[i] - 1);
		ck_assert_uint_eq(f->nsent, i + 1);
		at(t0, resend[i]);
		ck_assert_uint_eq(f->nsent, i + 2);
		/* the retransmission is the request as first sent */
		ck_assert_str_eq(f->sent[i + 1].buf, f->sent[0].buf);
	}
	at(t0, 31999);
	ck_assert(sip_tx_busy(&b->tx));
	at(t0, 32000); /* Timer F */
	ck_assert(!sip_tx_busy(&b->tx));
	ck_assert_uint_eq(f->nsent, 11);
	ck_assert_int_eq(status(b).state, SIPREG_BACKOFF);
	ck_assert_str_eq(status(b).last_error, "timeout");
	ck_assert_uint_eq(status(b).counters.timeouts, 1);
}
END_TEST

/* A provisional response: Proceeding, Timer E at T2 from its next run. */
START_TEST(test_provisional_t2)
{
	struct sipreg_binding *b = add("alice", SIPREG_TP_UDP);
	uint64_t t0 = now_ms;

	sipreg_binding_register(b);
	at(t0, 100);
	sip_fake_reply(e, f, 100, "Trying", "");
	ck_assert(sip_tx_busy(&b->tx));
	at(t0, 500); /* already scheduled at T1 */
	ck_assert_uint_eq(f->nsent, 2);
	at(t0, 4499);
	ck_assert_uint_eq(f->nsent, 2);
	at(t0, 4500);
	ck_assert_uint_eq(f->nsent, 3);
	at(t0, 8500);
	ck_assert_uint_eq(f->nsent, 4);
	sip_fake_reply(e, f, 200, "OK", "Expires: 60\r\n");
	ck_assert_int_eq(status(b).state, SIPREG_REGISTERED);
	at(t0, 20000);
	ck_assert_uint_eq(f->nsent, 4);
}
END_TEST

/* TCP: no Timer E; Timer F ends it. */
START_TEST(test_tcp_timer_f_only)
{
	struct sipreg_binding *b = add("alice", SIPREG_TP_TCP);
	uint64_t t0 = now_ms;

	sipreg_binding_register(b);
	ck_assert_uint_eq(f->nsent, 1);
	at(t0, 31999);
	ck_assert_uint_eq(f->nsent, 1);
	ck_assert(sip_tx_busy(&b->tx));
	at(t0, 32000);
	ck_assert(!sip_tx_busy(&b->tx));
	ck_assert_str_eq(status(b).last_error, "timeout");
}
END_TEST

/* A send that fails ends the transaction with a transport error. */
START_TEST(test_send_error)
{
	struct sipreg_binding *b = add("alice", SIPREG_TP_UDP);

	f->send_rc = -ENETUNREACH;
	sipreg_binding_register(b);
	ck_assert(!sip_tx_busy(&b->tx));
	ck_assert_uint_eq(status(b).counters.transport, 1);
	ck_assert(strstr(status(b).last_error, "transport error") != NULL);
	ck_assert_ptr_null(b->tx.t); /* acted on: given back */
}
END_TEST

/* A binding holds a transaction only while one runs or waits. */
START_TEST(test_pool_idle_holds_none)
{
	struct sipreg_binding *a = add("alice", SIPREG_TP_UDP);
	struct sipreg_binding *b = add("bob", SIPREG_TP_UDP);
	const struct sip_txn *t;

	ck_assert_ptr_null(a->tx.t);
	ck_assert_ptr_null(a->tx.res);
	sipreg_binding_register(a);
	ck_assert_ptr_nonnull(t = a->tx.t);
	ck_assert_ptr_eq(a->tx.res, &a->tx.t->res);
	sip_fake_reply(e, f, 200, "OK", "Expires: 60\r\n");
	ck_assert_int_eq(status(a).state, SIPREG_REGISTERED);
	ck_assert_ptr_null(a->tx.t);
	ck_assert_uint_eq(pool_size(), 1);
	/* the next transaction reuses it */
	sipreg_binding_register(b);
	ck_assert_ptr_eq(b->tx.t, t);
	ck_assert_uint_eq(pool_size(), 0);
	/* a challenge: the same transaction slot answers it */
	sip_fake_reply(e, f, 401, "Unauthorized",
		       "WWW-Authenticate: Digest realm=\"example.com\", "
		       "nonce=\"n1\"\r\n");
	ck_assert(sip_tx_busy(&b->tx));
	ck_assert_ptr_eq(b->tx.t, t);
	sip_fake_reply(e, f, 200, "OK", "Expires: 60\r\n");
	ck_assert_int_eq(status(b).state, SIPREG_REGISTERED);
	ck_assert_ptr_null(b->tx.t);
	ck_assert_uint_eq(pool_size(), 1);
}
END_TEST

/* Retry-After of a result given back still bounds a later retry. */
START_TEST(test_retry_after_kept)
{
	struct sipreg_binding *b = add("alice", SIPREG_TP_UDP);

	sipreg_binding_register(b);
	sip_fake_reply(e, f, 500, "Server Error", "Retry-After: 120\r\n");
	ck_assert_int_eq(status(b).state, SIPREG_BACKOFF);
	ck_assert_ptr_null(b->tx.t);
	ck_assert_int_eq(sip_tx_retry_after(&b->tx), 120);
	ck_assert_int_eq(status(b).refresh_in, 120);
}
END_TEST

START_TEST(test_intern)
{
	char longer[200];
	const char *a, *b;
	size_t i;

	a = sip_engine_intern(e, "OK", 64);
	ck_assert_ptr_nonnull(a);
	ck_assert_str_eq(a, "OK");
	ck_assert_ptr_eq(sip_engine_intern(e, "OK", 64), a);
	b = sip_engine_intern(e, "Unauthorized", 64);
	ck_assert_ptr_ne(a, b);
	/* cut to max - 1 bytes, and found again by its cut form */
	memset(longer, 'x', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	a = sip_engine_intern(e, longer, 10);
	ck_assert_uint_eq(strlen(a), 9);
	ck_assert_ptr_eq(sip_engine_intern(e, "xxxxxxxxx", 64), a);
	/* bounded: a full table shares no more */
	for (i = 0; e->ninterned < SIP_INTERN_MAX; i++) {
		snprintf(longer, sizeof(longer), "reason %zu", i);
		ck_assert_ptr_nonnull(sip_engine_intern(e, longer, 64));
	}
	ck_assert_ptr_null(sip_engine_intern(e, "one more", 64));
	ck_assert_ptr_nonnull(sip_engine_intern(e, "OK", 64));
}
END_TEST

/* Reasons keep working once the table is full (own copies). */
START_TEST(test_reason_table_full)
{
	struct sipreg_binding *b = add("alice", SIPREG_TP_UDP);
	char r[32];
	size_t i;

	for (i = 0; e->ninterned < SIP_INTERN_MAX; i++) {
		snprintf(r, sizeof(r), "filler %zu", i);
		sip_engine_intern(e, r, 64);
	}
	sipreg_binding_register(b);
	sip_fake_reply(e, f, 404, "Not Here Today", "");
	ck_assert_str_eq(status(b).last_reason, "Not Here Today");
	ck_assert(b->reason_own);
	ck_assert_str_eq(status(b).last_error, "404 Not Here Today");
	ck_assert(b->error_own);
}
END_TEST

static Suite *
tx_suite(void)
{
	Suite *s = suite_create("sip_tx");
	TCase *tc;

	tc = tcase_create("timers");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_udp_timer_e_and_f);
	tcase_add_test(tc, test_provisional_t2);
	tcase_add_test(tc, test_tcp_timer_f_only);
	tcase_add_test(tc, test_send_error);
	suite_add_tcase(s, tc);

	tc = tcase_create("pool");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_pool_idle_holds_none);
	tcase_add_test(tc, test_retry_after_kept);
	suite_add_tcase(s, tc);

	tc = tcase_create("intern");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_intern);
	tcase_add_test(tc, test_reason_table_full);
	suite_add_tcase(s, tc);
	return s;
}

GWTEST_MAIN(tx_suite)
