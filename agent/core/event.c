/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agent/core/event.h"
#include "agent/core/log.h"

struct agent_watch {
	int fd;
	short events;
	agent_fd_h *h;
	void *arg;
};

TAILQ_HEAD(agent_timer_list, agent_timer);

struct agent_event {
	struct agent_watch *watch;
	size_t nwatch, capwatch;
	struct pollfd *pfd;
	size_t cappfd;
	struct agent_timer_list timers; /* sorted by due time */
	uint64_t (*clock)(void *);
	void *clock_arg;
	int stop;
};

static uint64_t
agent_event_monotonic(void *arg)
{
	struct timespec ts;

	(void)arg;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int
agent_event_create(struct agent_event **out)
{
	struct agent_event *ev;

	if (out == NULL)
		return -EINVAL;
	ev = calloc(1, sizeof(*ev));
	if (ev == NULL)
		return -ENOMEM;
	TAILQ_INIT(&ev->timers);
	ev->clock = agent_event_monotonic;
	*out = ev;
	return 0;
}

void
agent_event_destroy(struct agent_event *ev)
{
	struct agent_timer *t;

	if (ev == NULL)
		return;
	while ((t = TAILQ_FIRST(&ev->timers)) != NULL)
		agent_timer_stop(t);
	free(ev->watch);
	free(ev->pfd);
	free(ev);
}

static struct agent_watch *
agent_event_find(const struct agent_event *ev, int fd)
{
	size_t i;

	for (i = 0; i < ev->nwatch; i++)
		if (ev->watch[i].fd == fd)
			return &ev->watch[i];
	return NULL;
}

int
agent_event_fd_add(struct agent_event *ev, int fd, short events, agent_fd_h *h,
		   void *arg)
{
	struct agent_watch *w;

	if (ev == NULL || fd < 0 || h == NULL)
		return -EINVAL;
	if (agent_event_find(ev, fd) != NULL)
		return -EEXIST;
	if (ev->nwatch == ev->capwatch) {
		size_t cap = ev->capwatch ? ev->capwatch * 2 : 8;
		w = realloc(ev->watch, cap * sizeof(*w));
		if (w == NULL)
			return -ENOMEM;
		ev->watch = w;
		ev->capwatch = cap;
	}
	w = &ev->watch[ev->nwatch++];
	w->fd = fd;
	w->events = events;
	w->h = h;
	w->arg = arg;
	return 0;
}

int
agent_event_fd_mod(struct agent_event *ev, int fd, short events)
{
	struct agent_watch *w = ev ? agent_event_find(ev, fd) : NULL;

	if (w == NULL)
		return -ENOENT;
	w->events = events;
	return 0;
}

void
agent_event_fd_del(struct agent_event *ev, int fd)
{
	struct agent_watch *w = ev ? agent_event_find(ev, fd) : NULL;

	if (w == NULL)
		return;
	*w = ev->watch[--ev->nwatch];
}

int
agent_event_fd_watched(const struct agent_event *ev, int fd)
{
	return ev != NULL && agent_event_find(ev, fd) != NULL;
}

void
agent_timer_init(struct agent_timer *t, agent_timer_h *h, void *arg)
{
	memset(t, 0, sizeof(*t));
	t->h = h;
	t->arg = arg;
}

void
agent_timer_start(struct agent_event *ev, struct agent_timer *t,
		  uint64_t delay_ms)
{
	struct agent_timer *it;

	agent_timer_stop(t);
	t->ev = ev;
	t->due = agent_event_now(ev) + delay_ms;
	t->armed = 1;
	/* Insert after every timer due no later: equal times keep FIFO. */
	TAILQ_FOREACH_REVERSE(it, &ev->timers, agent_timer_list, entry)
	{
		if (it->due <= t->due) {
			TAILQ_INSERT_AFTER(&ev->timers, it, t, entry);
			return;
		}
	}
	TAILQ_INSERT_HEAD(&ev->timers, t, entry);
}

void
agent_timer_stop(struct agent_timer *t)
{
	if (t == NULL || !t->armed)
		return;
	TAILQ_REMOVE(&t->ev->timers, t, entry);
	t->armed = 0;
}

int
agent_timer_pending(const struct agent_timer *t)
{
	return t != NULL && t->armed;
}

int64_t
agent_timer_remaining(const struct agent_timer *t)
{
	uint64_t now;

	if (!agent_timer_pending(t))
		return -1;
	now = agent_event_now(t->ev);
	return t->due > now ? (int64_t)(t->due - now) : 0;
}

uint64_t
agent_event_now(const struct agent_event *ev)
{
	return ev->clock(ev->clock_arg);
}

void
agent_event_set_clock(struct agent_event *ev, uint64_t (*clock)(void *),
		      void *arg)
{
	ev->clock = clock ? clock : agent_event_monotonic;
	ev->clock_arg = arg;
}

static int
agent_event_timeout(struct agent_event *ev, int max_wait_ms)
{
	struct agent_timer *t = TAILQ_FIRST(&ev->timers);
	uint64_t now, wait;

	if (t == NULL)
		return max_wait_ms;
	now = agent_event_now(ev);
	wait = t->due > now ? t->due - now : 0;
	if (wait > INT_MAX)
		wait = INT_MAX;
	if (max_wait_ms >= 0 && (uint64_t)max_wait_ms < wait)
		return max_wait_ms;
	return (int)wait;
}

static int
agent_event_run_timers(struct agent_event *ev)
{
	struct agent_timer *t;
	uint64_t now = agent_event_now(ev);
	int n = 0;

	/* Bounded by the timers due now: a handler re-arming for "now"
	 * lands after them, so this cannot spin forever. */
	while ((t = TAILQ_FIRST(&ev->timers)) != NULL && t->due <= now &&
	       n < 100000) {
		agent_timer_stop(t);
		t->h(t->arg);
		n++;
	}
	return n;
}

static int
agent_event_prepare(struct agent_event *ev)
{
	size_t i;

	if (ev->cappfd < ev->nwatch) {
		struct pollfd *p = realloc(ev->pfd, ev->nwatch * sizeof(*p));
		if (p == NULL)
			return -ENOMEM;
		ev->pfd = p;
		ev->cappfd = ev->nwatch;
	}
	for (i = 0; i < ev->nwatch; i++) {
		ev->pfd[i].fd = ev->watch[i].fd;
		ev->pfd[i].events = ev->watch[i].events;
		ev->pfd[i].revents = 0;
	}
	return 0;
}

static int
agent_event_dispatch(struct agent_event *ev, size_t npfd)
{
	struct agent_watch *w;
	size_t i;
	int n = 0;

	for (i = 0; i < npfd; i++) {
		if (ev->pfd[i].revents == 0)
			continue;
		/* A handler may have removed or replaced this fd. */
		w = agent_event_find(ev, ev->pfd[i].fd);
		if (w == NULL)
			continue;
		w->h(w->fd, ev->pfd[i].revents, w->arg);
		n++;
	}
	return n;
}

int
agent_event_run_once(struct agent_event *ev, int max_wait_ms)
{
	size_t npfd;
	int rc, n;

	if (ev == NULL)
		return -EINVAL;
	rc = agent_event_prepare(ev);
	if (rc < 0)
		return rc;
	npfd = ev->nwatch;
	rc = poll(ev->pfd, npfd, agent_event_timeout(ev, max_wait_ms));
	if (rc < 0)
		return -errno;
	n = rc > 0 ? agent_event_dispatch(ev, npfd) : 0;
	return n + agent_event_run_timers(ev);
}

int
agent_event_loop(struct agent_event *ev)
{
	int rc;

	ev->stop = 0;
	while (!ev->stop) {
		rc = agent_event_run_once(ev, -1);
		if (rc == -EINTR)
			continue; /* the signal's self-pipe is now readable */
		if (rc < 0) {
			log_warnx("event", "poll: %s", strerror(-rc));
			return rc;
		}
	}
	return 0;
}

void
agent_event_break(struct agent_event *ev)
{
	ev->stop = 1;
}
