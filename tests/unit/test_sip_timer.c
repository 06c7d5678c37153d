/* SPDX-License-Identifier: ISC */
/* Unit tests for sip/timer.c: the timer heap. */
#include "config.h"

#include <check.h>
#include <stdlib.h>

#include "sip/sip_int.h"
#include "tests/unit/gwtest.h"

#define N 500

static void
noop(struct sip_tmr *t)
{
	(void)t;
}

START_TEST(test_heap_order)
{
	static struct sip_tmr t[N];
	struct sip_heap h = { 0 };
	struct sip_tmr *top;
	uint64_t last = 0;
	size_t i, n = 0;

	ck_assert_int_eq(sip_heap_reserve(&h, N), 0);
	ck_assert_ptr_null(sip_heap_top(&h));
	srand(7);
	for (i = 0; i < N; i++) {
		t[i].h = noop;
		sip_heap_arm(&h, &t[i], (uint64_t)(rand() % 1000));
	}
	/* re-arm and cancel some: order must still hold */
	for (i = 0; i < N; i += 3)
		sip_heap_arm(&h, &t[i], (uint64_t)(rand() % 1000));
	for (i = 1; i < N; i += 7)
		sip_heap_cancel(&h, &t[i]);
	sip_heap_cancel(&h, &t[1]); /* twice: harmless */
	while ((top = sip_heap_top(&h)) != NULL) {
		ck_assert_uint_ge(top->due, last);
		last = top->due;
		sip_heap_cancel(&h, top);
		ck_assert_uint_eq(top->slot, 0);
		n++;
	}
	ck_assert_uint_eq(n, N - (N + 5) / 7);
	sip_heap_free(&h);
}
END_TEST

START_TEST(test_heap_grows)
{
	struct sip_tmr t[3] = { { 0, 0, noop },
				{ 0, 0, noop },
				{ 0, 0, noop } };
	struct sip_heap h = { 0 };

	/* arming beyond the reserve still works (the heap grows) */
	sip_heap_arm(&h, &t[0], 30);
	sip_heap_arm(&h, &t[1], 10);
	sip_heap_arm(&h, &t[2], 20);
	ck_assert_ptr_eq(sip_heap_top(&h), &t[1]);
	sip_heap_arm(&h, &t[1], 40);
	ck_assert_ptr_eq(sip_heap_top(&h), &t[2]);
	sip_heap_release(&h, 5);
	sip_heap_free(&h);
}
END_TEST

static Suite *
timer_suite(void)
{
	Suite *s = suite_create("sip_timer");
	TCase *tc = tcase_create("heap");

	tcase_add_test(tc, test_heap_order);
	tcase_add_test(tc, test_heap_grows);
	suite_add_tcase(s, tc);
	return s;
}

GWTEST_MAIN(timer_suite)
