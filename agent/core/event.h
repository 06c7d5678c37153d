/* SPDX-License-Identifier: ISC */
/*
 * The daemon's single poll() loop.  File descriptors are watched through
 * handlers; timers are embedded in their owners (no allocation) and fire
 * from the loop.  Nothing here blocks except poll() itself.
 */
#ifndef GWAGENT_EVENT_H
#define GWAGENT_EVENT_H

#include <stdint.h>
#include <sys/queue.h>

struct agent_event;

/** Called when @p fd is ready; @p revents are poll() flags. */
typedef void(agent_fd_h)(int fd, short revents, void *arg);
/** Called when a timer expires; the timer is already disarmed. */
typedef void(agent_timer_h)(void *arg);

/** A timer embedded in its owner; initialise with agent_timer_init(). */
struct agent_timer {
	TAILQ_ENTRY(agent_timer) entry;
	struct agent_event *ev;
	uint64_t due; /* monotonic ms */
	agent_timer_h *h;
	void *arg;
	int armed;
};

/**
 * Create a loop.  @return 0, or -ENOMEM; *out is written only on success.
 * The caller owns the loop and frees it with agent_event_destroy().
 */
int agent_event_create(struct agent_event **out);
/** Free the loop; watched fds are not closed, armed timers are disarmed. */
void agent_event_destroy(struct agent_event *ev);

/**
 * Watch @p fd for @p events (POLLIN, POLLOUT).  The handler and @p arg are
 * borrowed.  @return 0, -EINVAL, -EEXIST (already watched) or -ENOMEM.
 */
int agent_event_fd_add(struct agent_event *ev, int fd, short events,
		       agent_fd_h *h, void *arg);
/** Change the events watched on @p fd.  @return 0 or -ENOENT. */
int agent_event_fd_mod(struct agent_event *ev, int fd, short events);
/** Stop watching @p fd (safe from inside its own handler). */
void agent_event_fd_del(struct agent_event *ev, int fd);
/** Whether @p fd is watched. */
int agent_event_fd_watched(const struct agent_event *ev, int fd);

void agent_timer_init(struct agent_timer *t, agent_timer_h *h, void *arg);
/** (Re)arm @p t to fire @p delay_ms from now. */
void agent_timer_start(struct agent_event *ev, struct agent_timer *t,
		       uint64_t delay_ms);
/** Disarm @p t; safe on a timer that is not armed. */
void agent_timer_stop(struct agent_timer *t);
int agent_timer_pending(const struct agent_timer *t);
/** Milliseconds until @p t fires, 0 if due, -1 if not armed. */
int64_t agent_timer_remaining(const struct agent_timer *t);

/** Monotonic clock in ms, as the loop sees it. */
uint64_t agent_event_now(const struct agent_event *ev);
/**
 * Replace the clock (tests).  @p clock returns monotonic ms.
 */
void agent_event_set_clock(struct agent_event *ev, uint64_t (*clock)(void *arg),
			   void *arg);

/**
 * One pass: poll at most @p max_wait_ms (-1 = until the next timer or fd),
 * dispatch ready fds, then run due timers.
 * @return the number of handlers run, or -errno when poll() failed
 * (-EINTR is returned so the caller can look at its signal flags).
 */
int agent_event_run_once(struct agent_event *ev, int max_wait_ms);
/** Loop until agent_event_break() is called. @return 0 or -errno. */
int agent_event_loop(struct agent_event *ev);
void agent_event_break(struct agent_event *ev);

#endif
