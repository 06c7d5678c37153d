/* SPDX-License-Identifier: ISC */
/*
 * sip/trace.c: the per-binding trace flag and the engine's trace handler,
 * on the in-process fake transport (tests/mock/sip_fake.h).
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sip/sip_int.h"
#include "tests/mock/sip_fake.h"
#include "tests/unit/gwtest.h"

#define CHALLENGE                                                        \
	"WWW-Authenticate: Digest realm=\"example.com\", nonce=\"n1\", " \
	"qop=\"auth\", algorithm=MD5\r\n"

static uint64_t now_ms;
static struct sipreg_engine *e;
static struct sip_fake *f;

/* What the handler saw. */
static struct {
	struct sipreg_binding *b;
	bool out;
	char first[80]; /* the start line */
	bool auth;	/* it carried credentials */
} seen[16];
static size_t nseen;

static uint64_t
fake_clock(void *arg)
{
	(void)arg;
	return now_ms;
}

static void
on_trace(struct sipreg_binding *b, bool out, const char *msg, size_t len,
	 void *arg)
{
	size_t n = strcspn(msg, "\r\n");

	ck_assert_ptr_eq(arg, &seen);
	ck_assert_uint_lt(nseen, 16);
	ck_assert_uint_le(n, len);
	seen[nseen].b = b;
	seen[nseen].out = out;
	snprintf(seen[nseen].first, sizeof(seen[nseen].first), "%.*s", (int)n,
		 msg);
	seen[nseen].auth = memmem(msg, len, "\r\nAuthorization: ", 17) != NULL;
	nseen++;
}

static void
setup(void)
{
	struct sipreg_engine_cfg cfg;

	memset(&cfg, 0, sizeof(cfg));
	cfg.clockh = fake_clock;
	cfg.pace_off = true;
	now_ms = 1000000;
	nseen = 0;
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
add(const char *user)
{
	struct sipreg_binding_cfg c;
	struct sipreg_binding *b;

	memset(&c, 0, sizeof(c));
	c.aor_user = user;
	c.aor_host = "example.com";
	c.password = "secret";
	c.naddrs = 1;
	c.addrs[0].host = "192.0.2.1";
	ck_assert_int_eq(sipreg_binding_add(e, &c, NULL, &b), 0);
	return b;
}

START_TEST(test_off_by_default)
{
	struct sipreg_binding *b = add("alice");

	ck_assert(!sipreg_binding_traced(b));
	ck_assert_int_eq(sipreg_engine_set_trace(e, on_trace, &seen), 0);
	sipreg_binding_register(b);
	sip_fake_reply(e, f, 200, "OK", "");
	ck_assert_uint_eq(nseen, 0);
	ck_assert_uint_eq(f->nsent, 1);
}
END_TEST

START_TEST(test_traced_binding_only)
{
	struct sipreg_binding *a = add("alice"), *b = add("bob");

	ck_assert_int_eq(sipreg_engine_set_trace(e, on_trace, &seen), 0);
	ck_assert_int_eq(sipreg_binding_set_trace(a, true), 0);
	ck_assert(sipreg_binding_traced(a));
	sipreg_binding_register(b); /* untraced: nothing */
	sip_fake_reply(e, f, 200, "OK", "");
	ck_assert_uint_eq(nseen, 0);
	sipreg_binding_register(a);
	sip_fake_reply(e, f, 401, "Unauthorized", CHALLENGE);
	sip_fake_reply(e, f, 200, "OK", "");
	ck_assert_uint_eq(nseen, 4);
	ck_assert(seen[0].out && seen[0].b == a && !seen[0].auth);
	ck_assert_str_eq(seen[0].first, "REGISTER sip:example.com SIP/2.0");
	ck_assert(!seen[1].out);
	ck_assert_str_eq(seen[1].first, "SIP/2.0 401 Unauthorized");
	ck_assert(seen[2].out && seen[2].auth);
	ck_assert(!seen[3].out);
	ck_assert_str_eq(seen[3].first, "SIP/2.0 200 OK");
	/* off again: the refresh goes untraced */
	ck_assert_int_eq(sipreg_binding_set_trace(a, false), 0);
	sipreg_binding_refresh(a);
	sip_fake_reply(e, f, 200, "OK", "");
	ck_assert_uint_eq(nseen, 4);
}
END_TEST

START_TEST(test_no_handler)
{
	struct sipreg_binding *a = add("alice");

	ck_assert_int_eq(sipreg_binding_set_trace(a, true), 0);
	sipreg_binding_register(a);
	sip_fake_reply(e, f, 200, "OK", "");
	ck_assert_uint_eq(nseen, 0);
	ck_assert_int_eq(sipreg_engine_set_trace(e, on_trace, &seen), 0);
	ck_assert_int_eq(sipreg_engine_set_trace(e, NULL, NULL), 0);
	sipreg_binding_refresh(a);
	sip_fake_reply(e, f, 200, "OK", "");
	ck_assert_uint_eq(nseen, 0);
	ck_assert_int_eq(sipreg_engine_set_trace(NULL, on_trace, NULL),
			 -EINVAL);
	ck_assert_int_eq(sipreg_binding_set_trace(NULL, true), -EINVAL);
	ck_assert(!sipreg_binding_traced(NULL));
}
END_TEST

static Suite *
trace_suite(void)
{
	Suite *s = suite_create("sip_trace");
	TCase *tc = tcase_create("trace");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_off_by_default);
	tcase_add_test(tc, test_traced_binding_only);
	tcase_add_test(tc, test_no_handler);
	suite_add_tcase(s, tc);
	return s;
}

GWTEST_MAIN(trace_suite)
