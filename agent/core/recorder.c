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
 *
 * Keep-alive (OPTIONS, one probe stream per proxy set, sip/keepalive.c)
 * is recorded in each binding that uses the probed address when a probe
 * changes that address's state (sipreg_status ka_event): offline, or
 * online again after it was seen offline, not every periodic probe nor
 * the first "online" of an address.
 *
 * Memory: a 24-byte header and 12 bytes per entry, in one allocation
 * (with the default depth of 16, 216 bytes); the entry's number is its
 * place in the ring, its kind, outcome and code share one word.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "agent/core/gwagent.h"

/* One entry as stored (struct agent_rec_entry is what readers get). */
struct rec_slot {
	uint32_t when;	  /* time(2) it ended */
	uint32_t ms : 24; /* its duration, capped at REC_MS_MAX */
	uint32_t challenges : 8;
	uint32_t code : 10; /* final status code, 0 none */
	uint32_t kind : 3;
	uint32_t outcome : 3;
	uint32_t addr : 8; /* proxy address index, 255 none */
	uint32_t spare : 8;
};
#define REC_MS_MAX 0xffffffu /* 4.6 hours */

struct agent_rec {
	uint32_t total;	 /* entries ever recorded: the newest's number */
	uint32_t start;	 /* engine clock (ms, low 32 bits) at its start */
	uint32_t c_fin;	 /* final responses at the last callback */
	uint16_t c_chal; /* challenges, timeouts and transport errors at */
	uint16_t c_tmo;	 /* the last callback (low 16 bits: only */
	uint16_t c_tp;	 /* compared, and they move one at a time) */
	uint16_t depth;	 /* entries the ring holds */
	uint8_t state;	 /* the state the last callback showed */
	uint8_t kind;	 /* the exchange in flight (AGENT_REC_*), 0 none */
	uint8_t chall;	 /* challenges answered in it so far */
	uint8_t kaseen;	 /* addresses keep-alive told about (bit per index) */
	struct rec_slot ring[];
};

int
agent_rec_create(struct agent_rec **out, unsigned depth)
{
	struct agent_rec *r;

	if (out == NULL || depth == 0 || depth > AGENT_REC_DEPTH_MAX)
		return -EINVAL;
	r = calloc(1, agent_rec_size(depth));
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

static size_t
rec_n(const struct agent_rec *r)
{
	return r->total < r->depth ? r->total : r->depth;
}

static void
rec_push(struct agent_rec *r, int kind, int outcome, int code, uint32_t ms,
	 unsigned challenges, int addr, int64_t wall)
{
	struct rec_slot *e = &r->ring[r->total % r->depth];

	memset(e, 0, sizeof(*e));
	r->total++;
	e->when = (uint32_t)wall;
	e->ms = ms < REC_MS_MAX ? ms : REC_MS_MAX;
	e->challenges = challenges < 255 ? challenges : 255;
	e->code = code > 0 && code < 1000 ? (unsigned)code : 0;
	e->kind = (unsigned)kind;
	e->outcome = (unsigned)outcome;
	e->addr = addr >= 0 && addr < 255 ? (unsigned)addr : 255;
}

/* A keep-alive result changed the state of an address the binding uses. */
static void
rec_keepalive(struct agent_rec *r, const struct sipreg_status *st, int64_t wall)
{
	unsigned bit =
		st->ka_index >= 0 && st->ka_index < 8 ? 1u << st->ka_index : 0;
	int first = (r->kaseen & bit) == 0;

	r->kaseen |= bit;
	if (st->ka_event == SIPREG_KA_ONLINE && first)
		return; /* an address answering from the start: no news */
	rec_push(r, AGENT_REC_KEEPALIVE,
		 st->ka_event == SIPREG_KA_ONLINE ? AGENT_REC_OK
						  : AGENT_REC_TIMEOUT,
		 st->ka_event == SIPREG_KA_ONLINE ? st->ka_code : 0, 0, 0,
		 st->ka_index, wall);
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
	if (st->ka_event != 0)
		rec_keepalive(r, st, wall);
	if (fin < r->c_fin) /* a new engine binding: its counters restart */
		r->c_fin = r->c_chal = r->c_tmo = r->c_tp = 0;
	if (fin > r->c_fin && r->kind != 0) {
		if ((uint16_t)tmo != r->c_tmo)
			outcome = AGENT_REC_TIMEOUT;
		else if ((uint16_t)tp != r->c_tp)
			outcome = AGENT_REC_TRANSPORT;
		else if ((uint16_t)chal != r->c_chal &&
			 rec_in_flight((int)st->state))
			r->chall++; /* answered: the exchange goes on */
		else
			outcome = st->last_code >= 200 && st->last_code < 300
					  ? AGENT_REC_OK
					  : AGENT_REC_REJECTED;
		if (outcome != 0) {
			rec_push(r, r->kind, outcome,
				 outcome == AGENT_REC_OK ||
						 outcome == AGENT_REC_REJECTED
					 ? st->last_code
					 : 0,
				 now - r->start, r->chall, st->addr_index,
				 wall);
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
	r->c_chal = (uint16_t)chal;
	r->c_tmo = (uint16_t)tmo;
	r->c_tp = (uint16_t)tp;
}

int
agent_rec_next(const struct agent_rec *r, uint32_t after,
	       struct agent_rec_entry *out)
{
	const struct rec_slot *e;
	uint32_t oldest, seq;

	if (r == NULL || out == NULL || r->total == 0)
		return -ENOENT;
	oldest = r->total - (uint32_t)rec_n(r) + 1;
	seq = after < oldest ? oldest : after + 1;
	if (seq > r->total || seq == 0)
		return -ENOENT;
	e = &r->ring[(seq - 1) % r->depth];
	memset(out, 0, sizeof(*out));
	out->seq = seq;
	out->when = e->when;
	out->ms = e->ms;
	out->code = (uint16_t)e->code;
	out->kind = (uint8_t)e->kind;
	out->outcome = (uint8_t)e->outcome;
	out->addr = (uint8_t)e->addr;
	out->challenges = (uint8_t)e->challenges;
	return 0;
}

size_t
agent_rec_count(const struct agent_rec *r)
{
	return r != NULL ? rec_n(r) : 0;
}

size_t
agent_rec_size(unsigned depth)
{
	return sizeof(struct agent_rec) + depth * sizeof(struct rec_slot);
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
	case AGENT_REC_KEEPALIVE:
		return "keep-alive";
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
