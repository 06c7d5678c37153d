/* SPDX-License-Identifier: ISC */
/*
 * Registration timing rules, kept pure (time and randomness come in as
 * arguments) so they are tested without clocks.  AudioCodes semantics
 * (RegistrationTimeDivider / Threshold / RetryTime /
 * MaxRegistrationBackoffTime) with RFC 5626 §4.5 backoff.
 */
#include "config.h"

#include <errno.h>

#include "sip/sip_int.h"

/* rnd scaled to [0, span). */
static uint64_t
scale(uint64_t span, uint32_t rnd)
{
	return (span * (uint64_t)rnd) >> 32;
}

uint32_t
sip_policy_granted(uint32_t requested, int64_t contact_expires,
		   int64_t header_expires)
{
	int64_t g = requested;

	if (contact_expires >= 0)
		g = contact_expires;
	else if (header_expires >= 0)
		g = header_expires;
	if (g > UINT32_MAX)
		g = UINT32_MAX;
	if (g == 0 && requested > 0)
		g = requested;
	return (uint32_t)g;
}

uint64_t
sip_policy_refresh_ms(const struct sip_refresh_policy *p, uint32_t granted_s,
		      uint32_t rnd)
{
	uint64_t g = (uint64_t)granted_s * 1000, t, floor;
	unsigned div = p->divider_pct;

	if (div == 0 || div > 100)
		div = 50;
	t = g * div / 100;
	if (p->threshold_s > 0 && granted_s > p->threshold_s &&
	    g - (uint64_t)p->threshold_s * 1000 < t)
		t = g - (uint64_t)p->threshold_s * 1000;
	if (p->jitter_pct > 0 && p->jitter_pct < 100)
		t -= scale(t * p->jitter_pct / 100, rnd);
	floor = (uint64_t)p->floor_s * 1000;
	if (floor == 0)
		floor = 1000;
	return t < floor ? floor : t;
}

uint64_t
sip_policy_backoff_ms(uint32_t base_s, uint32_t max_s, unsigned failures,
		      uint32_t rnd)
{
	uint64_t w = base_s > 0 ? base_s : 1;
	unsigned n = failures > 0 ? failures - 1 : 0;

	if (max_s == 0)
		return w * 1000;
	if (n > 31)
		n = 31;
	w <<= n;
	if (w > max_s)
		w = max_s;
	w *= 1000;
	return w - scale(w / 2, rnd);
}

uint64_t
sip_policy_retry_ms(uint64_t wait_ms, int64_t retry_after_s)
{
	uint64_t ra;

	if (retry_after_s <= 0)
		return wait_ms;
	ra = retry_after_s > SIP_RETRY_AFTER_MAX ? SIP_RETRY_AFTER_MAX
						 : (uint64_t)retry_after_s;
	ra *= 1000;
	return ra > wait_ms ? ra : wait_ms;
}

int
sip_policy_min_expires(uint32_t requested, int64_t min_expires, bool adopted,
		       uint32_t *out)
{
	if (adopted || min_expires <= 0 || min_expires <= requested ||
	    min_expires > UINT32_MAX)
		return -EPROTO;
	*out = (uint32_t)min_expires;
	return 0;
}

enum sip_outcome
sip_policy_classify(int code)
{
	if (code < 200)
		return SIP_OUTCOME_PROVISIONAL;
	if (code < 300)
		return SIP_OUTCOME_OK;
	if (code == 401 || code == 407)
		return SIP_OUTCOME_AUTH;
	if (code == 423)
		return SIP_OUTCOME_INTERVAL;
	if (code == 503 || code == 408)
		return SIP_OUTCOME_FAILOVER;
	return SIP_OUTCOME_RETRY;
}

void
sip_pacer_init(struct sip_pacer *p, unsigned rate, unsigned burst,
	       uint64_t now_ms)
{
	p->rate = rate;
	p->burst = burst > 0 ? burst : 1;
	p->milli = (uint64_t)p->burst * 1000;
	p->last_ms = now_ms;
}

uint64_t
sip_pacer_take(struct sip_pacer *p, uint64_t now_ms)
{
	uint64_t cap = (uint64_t)p->burst * 1000;

	if (p->rate == 0)
		return 0;
	if (now_ms > p->last_ms) {
		p->milli += (now_ms - p->last_ms) * p->rate;
		if (p->milli > cap)
			p->milli = cap;
	}
	p->last_ms = now_ms;
	if (p->milli >= 1000) {
		p->milli -= 1000;
		return 0;
	}
	return (1000 - p->milli + p->rate - 1) / p->rate;
}
