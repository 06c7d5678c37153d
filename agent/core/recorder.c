/* SPDX-License-Identifier: ISC */
/*
 * The registration flight recorder: per binding, the last N exchanges
 * (a REGISTER, a refresh or an un-REGISTER, each with the challenges it
 * answered) in a ring of fixed size, allocated once per binding.  It is
 * fed by the engine's status handler, which runs after every state
 * change and every final response (sip/sip.h sipreg_status_h): an
 * exchange starts when the binding enters a state with a request in
 * flight and ends with the final response that is not a challenge, a
 * timeout or a transport error.  Its duration is the time from the first
 * request to that end, challenges and retransmissions included.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "agent/core/gwagent.h"

struct agent_rec {
	uint16_t depth; /* entries the ring holds */
	uint16_t n;	/* entries in it */
	uint32_t total; /* entries ever recorded: the newest's number */
	uint8_t state;	/* the state the last callback showed */
	uint8_t kind;	/* the exchange in flight (AGENT_REC_*), 0 none */
	uint8_t chall;	/* challenges answered in it so far */
	uint8_t pad;
	uint32_t start;	 /* engine clock (ms, low 32 bits) at its start */
	uint32_t c_fin;	 /* counters at the last callback: finals, */
	uint32_t c_chal; /* challenges, */
	uint32_t c_tmo;	 /* timeouts, */
	uint32_t c_tp;	 /* transport errors */
	struct agent_rec_entry ring[];
};

int
agent_rec_create(struct agent_rec **out, unsigned depth)
{
	struct agent_rec *r;

	if (out == NULL || depth == 0 || depth > AGENT_REC_DEPTH_MAX)
		return -EINVAL;
	r = calloc(1, sizeof(*r) + depth * sizeof(r->ring[0]));
	if (r == NULL)
		return -ENOMEM;
	r->depth = (uint16_t)depth;
	*out = r;
	return 0;
}

void
agent_rec_destroy(struct agent_rec *r)
{
	free(r);
}

static int
rec_in_flight(int state)
{
	return state == SIPREG_REGISTERING || state == SIPREG_AUTHENTICATING ||
	       state == SIPREG_REFRESHING || state == SIPREG_UNREGISTERING;
}

static uint32_t
rec_finals(const struct sipreg_counters *c)
{
	return (uint32_t)(c->ok + c->challenged + c->failed + c->timeouts +
			  c->transport);
}

static void
rec_push(struct agent_rec *r, const struct sipreg_status *st, int outcome,
	 uint32_t now, int64_t wall)
{
	struct agent_rec_entry *e = &r->ring[r->total % r->depth];

	memset(e, 0, sizeof(*e));
	r->total++;
	e->seq = r->total;
	e->when = (uint32_t)wall;
	e->ms = now - r->start;
	e->code = outcome == AGENT_REC_OK || outcome == AGENT_REC_REJECTED
			  ? (uint16_t)st->last_code
			  : 0;
	e->kind = r->kind ? r->kind : AGENT_REC_REGISTER;
	e->outcome = (uint8_t)outcome;
	e->addr = st->addr_index >= 0 && st->addr_index < 255
			  ? (uint8_t)st->addr_index
			  : 255;
	e->challenges = r->chall;
	if (r->n < r->depth)
		r->n++;
}

void
agent_rec_feed(struct agent_rec *r, const struct sipreg_status *st,
	       uint64_t now_ms, int64_t wall)
{
	const struct sipreg_counters *c = &st->counters;
	uint32_t now = (uint32_t)now_ms, fin = rec_finals(c);
	uint32_t chal = (uint32_t)c->challenged;
	uint32_t tmo = (uint32_t)c->timeouts, tp = (uint32_t)c->transport;
	int outcome = 0;

	if (r == NULL)
		return;
	if (fin < r->c_fin) /* a new engine binding: its counters restart */
		r->c_fin = r->c_chal = r->c_tmo = r->c_tp = 0;
	if (fin > r->c_fin && r->kind != 0) {
		if (tmo > r->c_tmo)
			outcome = AGENT_REC_TIMEOUT;
		else if (tp > r->c_tp)
			outcome = AGENT_REC_TRANSPORT;
		else if (chal > r->c_chal && rec_in_flight((int)st->state))
			r->chall++; /* answered: the exchange goes on */
		else
			outcome = st->last_code >= 200 && st->last_code < 300
					  ? AGENT_REC_OK
					  : AGENT_REC_REJECTED;
		if (outcome != 0) {
			rec_push(r, st, outcome, now, wall);
			r->kind = 0;
			r->chall = 0;
		}
	}
	/* a request goes out: an exchange starts (a refresh, a retry, or
	 * the next REGISTER after an un-REGISTER) */
	if (r->kind == 0 && rec_in_flight((int)st->state)) {
		r->kind = st->state == SIPREG_REFRESHING ? AGENT_REC_REFRESH
			  : st->state == SIPREG_UNREGISTERING
				  ? AGENT_REC_UNREGISTER
				  : AGENT_REC_REGISTER;
		r->chall = 0;
		r->start = now;
	} else if (r->kind != 0 && st->state == SIPREG_UNREGISTERING &&
		   r->kind != AGENT_REC_UNREGISTER) {
		/* an un-REGISTER replaced what was in flight */
		r->kind = AGENT_REC_UNREGISTER;
		r->chall = 0;
		r->start = now;
	}
	r->state = (uint8_t)st->state;
	r->c_fin = fin;
	r->c_chal = chal;
	r->c_tmo = tmo;
	r->c_tp = tp;
}

int
agent_rec_next(const struct agent_rec *r, uint32_t after,
	       struct agent_rec_entry *out)
{
	uint32_t oldest, seq;

	if (r == NULL || out == NULL || r->n == 0)
		return -ENOENT;
	oldest = r->total - r->n + 1;
	seq = after < oldest ? oldest : after + 1;
	if (seq > r->total)
		return -ENOENT;
	*out = r->ring[(seq - 1) % r->depth];
	return 0;
}

size_t
agent_rec_count(const struct agent_rec *r)
{
	return r != NULL ? r->n : 0;
}

const char *
agent_rec_kind_name(int kind)
{
	switch (kind) {
	case AGENT_REC_REGISTER:
		return "register";
	case AGENT_REC_REFRESH:
		return "refresh";
	case AGENT_REC_UNREGISTER:
		return "unregister";
	default:
		return "?";
	}
}

const char *
agent_rec_outcome_name(int outcome)
{
	switch (outcome) {
	case AGENT_REC_OK:
		return "ok";
	case AGENT_REC_REJECTED:
		return "rejected";
	case AGENT_REC_TIMEOUT:
		return "timeout";
	case AGENT_REC_TRANSPORT:
		return "transport-error";
	default:
		return "?";
	}
}
