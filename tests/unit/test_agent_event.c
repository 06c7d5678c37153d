/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <unistd.h>

#include "agent/core/event.h"
#include "tests/unit/gwtest.h"

static uint64_t fake_now;

static uint64_t
fake_clock(void *arg)
{
	(void)arg;
	return fake_now;
}

/* What the timer handlers saw, in firing order. */
static struct {
	int order[8];
	int n;
	struct agent_event *ev;
} g_rec;

static void
rec_a(void *arg)
{
	(void)arg;
	g_rec.order[g_rec.n++] = 1;
}

static void
rec_b(void *arg)
{
	(void)arg;
	g_rec.order[g_rec.n++] = 2;
}

static void
rec_c(void *arg)
{
	(void)arg;
	g_rec.order[g_rec.n++] = 3;
}

static void
rec_rearm(void *arg)
{
	struct agent_timer *t = arg;

	g_rec.order[g_rec.n++] = 9;
	if (g_rec.n < 3)
		agent_timer_start(g_rec.ev, t, 0);
}

START_TEST(test_timer_order)
{
	struct agent_event *ev;
	struct agent_timer a, b, c;

	ck_assert_int_eq(agent_event_create(&ev), 0);
	agent_event_set_clock(ev, fake_clock, NULL);
	fake_now = 1000;
	g_rec.n = 0;
	agent_timer_init(&a, rec_a, NULL);
	agent_timer_init(&b, rec_b, NULL);
	agent_timer_init(&c, rec_c, NULL);
	agent_timer_start(ev, &a, 30);
	agent_timer_start(ev, &b, 10);
	agent_timer_start(ev, &c, 10); /* same time as b: after b */
	ck_assert_int_eq(agent_timer_remaining(&a), 30);
	fake_now = 1015;
	ck_assert_int_eq(agent_event_run_once(ev, 0), 2);
	ck_assert_int_eq(g_rec.n, 2);
	ck_assert_int_eq(g_rec.order[0], 2);
	ck_assert_int_eq(g_rec.order[1], 3);
	ck_assert(agent_timer_pending(&a));
	ck_assert(!agent_timer_pending(&b));
	fake_now = 1030;
	ck_assert_int_eq(agent_event_run_once(ev, 0), 1);
	ck_assert_int_eq(g_rec.order[2], 1);
	agent_event_destroy(ev);
}
END_TEST

START_TEST(test_timer_stop_restart)
{
	struct agent_event *ev;
	struct agent_timer a;

	ck_assert_int_eq(agent_event_create(&ev), 0);
	agent_event_set_clock(ev, fake_clock, NULL);
	fake_now = 0;
	g_rec.n = 0;
	agent_timer_init(&a, rec_a, NULL);
	ck_assert_int_eq(agent_timer_remaining(&a), -1);
	agent_timer_stop(&a); /* not armed: harmless */
	agent_timer_start(ev, &a, 5);
	agent_timer_start(ev, &a, 50); /* re-arm moves it */
	fake_now = 10;
	ck_assert_int_eq(agent_event_run_once(ev, 0), 0);
	agent_timer_stop(&a);
	fake_now = 100;
	ck_assert_int_eq(agent_event_run_once(ev, 0), 0);
	ck_assert_int_eq(g_rec.n, 0);
	/* destroy with an armed timer disarms it */
	agent_timer_start(ev, &a, 5);
	agent_event_destroy(ev);
	ck_assert(!agent_timer_pending(&a));
}
END_TEST

START_TEST(test_timer_rearm_from_handler)
{
	struct agent_event *ev;
	struct agent_timer t;

	ck_assert_int_eq(agent_event_create(&ev), 0);
	agent_event_set_clock(ev, fake_clock, NULL);
	fake_now = 0;
	g_rec.n = 0;
	g_rec.ev = ev;
	agent_timer_init(&t, rec_rearm, &t);
	agent_timer_start(ev, &t, 0);
	/* the handler re-arms for "now" twice; each pass still ends */
	while (agent_timer_pending(&t))
		ck_assert_int_ge(agent_event_run_once(ev, 0), 1);
	ck_assert_int_eq(g_rec.n, 3);
	agent_event_destroy(ev);
}
END_TEST

static int fd_calls;
static short fd_revents;

static void
on_readable(int fd, short revents, void *arg)
{
	char c;
	struct agent_event *ev = arg;

	fd_calls++;
	fd_revents = revents;
	ck_assert_int_eq(read(fd, &c, 1), 1);
	agent_event_fd_del(ev, fd); /* removing itself is allowed */
}

START_TEST(test_fd_dispatch)
{
	struct agent_event *ev;
	int p[2];

	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(agent_event_create(&ev), 0);
	fd_calls = 0;
	ck_assert_int_eq(agent_event_fd_add(ev, p[0], POLLIN, on_readable, ev),
			 0);
	ck_assert_int_eq(agent_event_fd_add(ev, p[0], POLLIN, on_readable, ev),
			 -EEXIST);
	ck_assert_int_eq(agent_event_fd_add(ev, -1, POLLIN, on_readable, ev),
			 -EINVAL);
	ck_assert_int_eq(agent_event_fd_mod(ev, p[1], POLLIN), -ENOENT);
	ck_assert_int_eq(agent_event_run_once(ev, 0), 0); /* nothing yet */
	ck_assert_int_eq(write(p[1], "x", 1), 1);
	ck_assert_int_eq(agent_event_run_once(ev, 1000), 1);
	ck_assert_int_eq(fd_calls, 1);
	ck_assert(fd_revents & POLLIN);
	ck_assert(!agent_event_fd_watched(ev, p[0]));
	agent_event_destroy(ev);
	close(p[0]);
	close(p[1]);
}
END_TEST

static Suite *
event_suite(void)
{
	Suite *s = suite_create("agent_event");
	TCase *tc = tcase_create("timers");

	tcase_add_test(tc, test_timer_order);
	tcase_add_test(tc, test_timer_stop_restart);
	tcase_add_test(tc, test_timer_rearm_from_handler);
	suite_add_tcase(s, tc);
	tc = tcase_create("fds");
	tcase_add_test(tc, test_fd_dispatch);
	suite_add_tcase(s, tc);
	return s;
}

GWTEST_MAIN(event_suite)
