/* SPDX-License-Identifier: ISC */
/*
 * Bindings: configuration, the registration state machine and status.
 * One REGISTER in flight per binding; a cycle is the sequence of
 * REGISTERs (auth retries, 423, failover) that ends in a 2xx or a
 * failure with backoff.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip/sip_int.h"

#define DEF_EXPIRES	180
#define DEF_DIVIDER	50
#define DEF_RETRY	30
#define DEF_HOTSWAP_RTX 3
#define REFRESH_FLOOR_S 5

static const char *const state_names[] = {
	"idle",		"registering", "authenticating",
	"registered",	"refreshing",  "unregistering",
	"unregistered", "backoff",     "failed",
};

const char *
sipreg_state_name(enum sipreg_state state)
{
	if ((unsigned)state >= sizeof(state_names) / sizeof(state_names[0]))
		return "unknown";
	return state_names[state];
}

/* ---- configuration ---------------------------------------------------- */

/* Characters allowed in users and hosts we print into headers. */
static bool
safe_token(const char *s, bool host)
{
	static const char user_extra[] = "-_.!~*'()&=+$,;?/%";
	static const char host_extra[] = "-.:[]";

	if (s == NULL || *s == '\0' || strlen(s) > 128)
		return false;
	for (; *s != '\0'; s++) {
		if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9'))
			continue;
		if (strchr(host ? host_extra : user_extra, *s) == NULL)
			return false;
	}
	return true;
}

static int
check_cfg(const struct sipreg_binding_cfg *cfg)
{
	size_t i;

	if (cfg == NULL || !safe_token(cfg->aor_user, false) ||
	    !safe_token(cfg->aor_host, true) || cfg->naddrs == 0 ||
	    cfg->naddrs > SIPREG_MAX_ADDRS)
		return -EINVAL;
	if ((cfg->registrar && !safe_token(cfg->registrar, true)) ||
	    (cfg->contact_user && !safe_token(cfg->contact_user, false)))
		return -EINVAL;
	for (i = 0; i < cfg->naddrs; i++) {
		if (cfg->addrs[i].host == NULL)
			return -EINVAL;
		if (cfg->addrs[i].transport != SIPREG_TP_UDP)
			return -ENOTSUP;
	}
	return 0;
}

static int
replace_str(char **dst, const char *src)
{
	char *s = strdup(src);

	if (s == NULL)
		return -ENOMEM;
	free(*dst);
	*dst = s;
	return 0;
}

static int
apply_strings(struct sipreg_binding *b, const struct sipreg_binding_cfg *cfg)
{
	int rc;

	if ((rc = replace_str(&b->aor_user, cfg->aor_user)) != 0 ||
	    (rc = replace_str(&b->aor_host, cfg->aor_host)) != 0)
		return rc;
	if ((rc = replace_str(&b->ruri, cfg->registrar ? cfg->registrar
						       : cfg->aor_host)) != 0)
		return rc;
	return replace_str(&b->contact_user, cfg->contact_user
						     ? cfg->contact_user
						     : cfg->aor_user);
}

/* Resolve every address first, so a failure changes nothing. */
static int
apply_addrs(struct sipreg_binding *b, const struct sipreg_binding_cfg *cfg)
{
	struct sockaddr_storage ss[SIPREG_MAX_ADDRS];
	char *hosts[SIPREG_MAX_ADDRS] = { NULL };
	size_t i;
	int rc = 0;

	for (i = 0; rc == 0 && i < cfg->naddrs; i++) {
		uint16_t port = cfg->addrs[i].port ? cfg->addrs[i].port : 5060;

		rc = sip_addr_resolve(cfg->addrs[i].host, port, &ss[i]);
		if (rc == 0 && (hosts[i] = strdup(cfg->addrs[i].host)) == NULL)
			rc = -ENOMEM;
	}
	for (i = 0; i < SIPREG_MAX_ADDRS; i++) {
		if (rc != 0) {
			free(hosts[i]);
			continue;
		}
		free(b->addrs[i].host);
		memset(&b->addrs[i], 0, sizeof(b->addrs[i]));
		if (i >= cfg->naddrs)
			continue;
		b->addrs[i].host = hosts[i];
		b->addrs[i].port = sip_addr_port(&ss[i]);
		b->addrs[i].ss = ss[i];
		b->addrs[i].resolved = true;
	}
	if (rc == 0)
		b->naddrs = cfg->naddrs;
	return rc;
}

static void
apply_timers(struct sipreg_binding *b, const struct sipreg_binding_cfg *cfg)
{
	b->expires_cfg = cfg->expires ? cfg->expires : DEF_EXPIRES;
	b->req_expires = b->expires_cfg;
	b->refresh.divider_pct =
		cfg->divider_pct ? cfg->divider_pct : DEF_DIVIDER;
	b->refresh.threshold_s = cfg->threshold_s;
	b->refresh.jitter_pct = cfg->jitter_pct;
	b->refresh.floor_s = REFRESH_FLOOR_S;
	b->retry_s = cfg->retry_s ? cfg->retry_s : DEF_RETRY;
	b->max_backoff_s = cfg->max_backoff_s;
	b->hotswap = cfg->hotswap;
	b->hotswap_rtx = cfg->hotswap_rtx ? cfg->hotswap_rtx : DEF_HOTSWAP_RTX;
	sip_auth_set_policy(b->auth, cfg->topmost_challenge
					     ? SIP_AUTH_TOPMOST
					     : SIP_AUTH_STRONGEST);
}

static int
apply_cfg(struct sipreg_binding *b, const struct sipreg_binding_cfg *cfg)
{
	const char *user;
	int rc;

	if ((rc = check_cfg(cfg)) != 0 || (rc = apply_addrs(b, cfg)) != 0 ||
	    (rc = apply_strings(b, cfg)) != 0)
		return rc;
	user = cfg->auth_user ? cfg->auth_user : cfg->aor_user;
	if (b->auth == NULL)
		rc = sip_auth_create(&b->auth, user, cfg->password);
	else
		rc = sip_auth_set_credentials(b->auth, user, cfg->password);
	if (rc != 0)
		return rc;
	apply_timers(b, cfg);
	return 0;
}

static int
init_dialog(struct sipreg_binding *b)
{
	int rc;

	if ((rc = sip_digest_cnonce(b->call_id, 16)) != 0 ||
	    (rc = sip_digest_cnonce(b->from_tag, 8)) != 0)
		return rc;
	return sip_digest_cnonce(b->line, 6);
}

void
sip_binding_free(struct sipreg_binding *b)
{
	struct sipreg_engine *e = b->e;
	size_t i;

	if (b->pending)
		TAILQ_REMOVE(&e->pending, b, pentry);
	if (b->tr != NULL)
		sip_engine_abort_tr(e, b->tr);
	TAILQ_REMOVE(&e->bindings, b, entry);
	for (i = 0; i < SIPREG_MAX_ADDRS; i++)
		free(b->addrs[i].host);
	free(b->aor_user);
	free(b->aor_host);
	free(b->ruri);
	free(b->contact_user);
	sip_auth_destroy(b->auth);
	free(b);
}

int
sipreg_binding_add(struct sipreg_engine *e,
		   const struct sipreg_binding_cfg *cfg, void *user,
		   struct sipreg_binding **out)
{
	struct sipreg_binding *b;
	int rc;

	if (e == NULL || out == NULL)
		return -EINVAL;
	if ((b = calloc(1, sizeof(*b))) == NULL)
		return -ENOMEM;
	b->e = e;
	b->user = user;
	TAILQ_INSERT_TAIL(&e->bindings, b, entry);
	if ((rc = apply_cfg(b, cfg)) != 0 || (rc = init_dialog(b)) != 0) {
		sip_binding_free(b);
		return rc;
	}
	*out = b;
	return 0;
}

/* ---- state machine ---------------------------------------------------- */

static void
arm(struct sipreg_binding *b, enum sip_timer_kind kind, uint64_t delay_ms)
{
	b->tkind = kind;
	b->tdue = sip_engine_now(b->e) + delay_ms;
}

static void
set_error(struct sipreg_binding *b, const char *msg)
{
	snprintf(b->last_error, sizeof(b->last_error), "%s", msg);
}

/* Free now, or after the dispatch loop when inside it. */
static void
release(struct sipreg_binding *b)
{
	b->zombie = true;
	b->remove_after = false;
	b->tkind = SIP_TMR_NONE;
	if (b->e->depth > 0)
		b->e->reaping = true;
	else
		sip_binding_free(b);
}

static void
fail(struct sipreg_binding *b, bool perm, const char *why)
{
	uint64_t wait;

	set_error(b, why);
	sip_engine_log(b->e, SIP_LOG_INFO, "%s@%s: %s", b->aor_user,
		       b->aor_host, why);
	b->pinned = false;
	b->granted = 0;
	if (b->want_unreg) {
		b->state = SIPREG_UNREGISTERED;
		b->tkind = SIP_TMR_NONE;
		return;
	}
	b->failures++;
	wait = sip_policy_backoff_ms(b->retry_s, b->max_backoff_s, b->failures,
				     sip_engine_rand(b->e));
	wait = sip_policy_retry_ms(wait, b->res.retry_after);
	b->state = perm ? SIPREG_FAILED : SIPREG_BACKOFF;
	arm(b, SIP_TMR_START, wait);
}

static void
send_now(struct sipreg_binding *b)
{
	int rc = sip_register_send(b);

	if (rc != 0) {
		char why[64];

		snprintf(why, sizeof(why), "cannot send: %s", strerror(-rc));
		fail(b, false, why);
	}
}

/* Start (or resume after pacing) the first REGISTER of a cycle. */
static void
kick(struct sipreg_binding *b)
{
	uint64_t wait = sip_pacer_take(&b->e->pacer, sip_engine_now(b->e));

	if (wait > 0) {
		b->e->stats.paced++;
		arm(b, SIP_TMR_START, wait);
		return;
	}
	send_now(b);
}

static void
start_cycle(struct sipreg_binding *b, bool unreg)
{
	if (b->tr != NULL) {
		sip_engine_abort_tr(b->e, b->tr);
		b->tr = NULL;
	}
	b->want_unreg = unreg;
	b->attempts = 0;
	b->tried = 0;
	b->min_adopted = false;
	sip_auth_new_cycle(b->auth);
	if (!b->pinned)
		b->cur = 0;
	if (unreg)
		b->state = SIPREG_UNREGISTERING;
	else if (b->state == SIPREG_REGISTERED)
		b->state = SIPREG_REFRESHING;
	else
		b->state = SIPREG_REGISTERING;
	kick(b);
}

static void
succeed(struct sipreg_binding *b)
{
	struct sip_result *r = &b->res;
	uint64_t wait;

	b->failures = 0;
	b->last_error[0] = '\0';
	b->tkind = SIP_TMR_NONE;
	if (b->want_unreg) {
		b->state = SIPREG_UNREGISTERED;
		b->granted = 0;
		b->pinned = false;
		return;
	}
	b->granted = sip_policy_granted(b->sent_expires, r->contact_expires,
					r->header_expires);
	b->pinned = true;
	b->last_success_ms = sip_engine_now(b->e);
	b->last_success_time = (int64_t)time(NULL);
	b->state = SIPREG_REGISTERED;
	wait = sip_policy_refresh_ms(&b->refresh, b->granted,
				     sip_engine_rand(b->e));
	arm(b, SIP_TMR_START, wait);
}

static void
on_auth(struct sipreg_binding *b)
{
	int rc = b->res.auth_rc;

	if (rc == 0 && b->attempts < SIP_MAX_ATTEMPTS) {
		if (!b->want_unreg)
			b->state = SIPREG_AUTHENTICATING;
		send_now(b);
	} else if (rc == -EACCES) {
		fail(b, true, "credentials rejected");
	} else if (rc == -EPROTO) {
		fail(b, true, "no usable challenge");
	} else {
		fail(b, false, "too many attempts");
	}
}

static void
on_interval(struct sipreg_binding *b)
{
	uint32_t want;

	if (!b->want_unreg && b->attempts < SIP_MAX_ATTEMPTS &&
	    sip_policy_min_expires(b->req_expires, b->res.min_expires,
				   b->min_adopted, &want) == 0) {
		b->req_expires = want;
		b->min_adopted = true;
		send_now(b);
		return;
	}
	fail(b, false, "423 without a usable Min-Expires");
}

/* Next address not tried in this cycle, or -1. */
static int
next_addr(const struct sipreg_binding *b)
{
	size_t i, j;

	for (i = 1; i < b->naddrs; i++) {
		j = (b->cur + i) % b->naddrs;
		if (!(b->tried & (1u << j)))
			return (int)j;
	}
	return -1;
}

static void
failover(struct sipreg_binding *b, const char *why)
{
	int next = next_addr(b);

	if (next >= 0 && b->attempts < SIP_MAX_ATTEMPTS) {
		sip_engine_log(b->e, SIP_LOG_INFO, "%s@%s: %s, trying %s",
			       b->aor_user, b->aor_host, why,
			       b->addrs[next].host);
		set_error(b, why);
		b->cur = (size_t)next;
		b->pinned = false;
		send_now(b);
		return;
	}
	fail(b, false, why);
}

static void
on_response(struct sipreg_binding *b)
{
	struct sip_result *r = &b->res;
	char why[96];

	b->last_code = r->code;
	snprintf(b->last_reason, sizeof(b->last_reason), "%s", r->reason);
	snprintf(why, sizeof(why), "%d %s", r->code, r->reason);
	switch (sip_policy_classify(r->code)) {
	case SIP_OUTCOME_OK:
		b->c.ok++;
		succeed(b);
		break;
	case SIP_OUTCOME_AUTH:
		b->c.challenged++;
		on_auth(b);
		break;
	case SIP_OUTCOME_INTERVAL:
		b->c.failed++;
		on_interval(b);
		break;
	case SIP_OUTCOME_FAILOVER:
		b->c.failed++;
		failover(b, why);
		break;
	default:
		b->c.failed++;
		fail(b, false, why);
		break;
	}
}

void
sip_binding_on_result(struct sipreg_binding *b)
{
	struct sip_addr *a = &b->addrs[b->cur];
	bool answered = b->res.kind == SIP_RES_RESPONSE;

	if (b->zombie && !b->remove_after)
		return;
	b->tkind = SIP_TMR_NONE;
	a->online = answered;
	a->last_code = answered ? b->res.code : -1;
	a->last_ms = sip_engine_now(b->e);
	if (answered) {
		on_response(b);
	} else if (b->res.kind == SIP_RES_TIMEOUT) {
		b->c.timeouts++;
		failover(b, "timeout");
	} else {
		b->c.transport++;
		failover(b, "transport error");
	}
	sip_binding_notify(b);
	if (b->remove_after && b->tr == NULL && b->state == SIPREG_UNREGISTERED)
		release(b);
}

void
sip_binding_on_timer(struct sipreg_binding *b, uint64_t now)
{
	enum sip_timer_kind kind = b->tkind;

	(void)now;
	b->tkind = SIP_TMR_NONE;
	if (kind == SIP_TMR_DEADLINE) {
		if (b->tr == NULL)
			return;
		sip_engine_abort_tr(b->e, b->tr);
		b->tr = NULL;
		memset(&b->res, 0, sizeof(b->res));
		b->res.kind = SIP_RES_TIMEOUT;
		sip_binding_on_result(b);
		return;
	}
	if (b->state == SIPREG_REGISTERED || b->state == SIPREG_BACKOFF ||
	    b->state == SIPREG_FAILED) {
		start_cycle(b, false);
		sip_binding_notify(b);
	} else {
		kick(b); /* waited for the pacer */
	}
}

void
sip_binding_notify(struct sipreg_binding *b)
{
	struct sipreg_status st;

	if (b->e->statush == NULL || (b->zombie && !b->remove_after))
		return;
	if (b->remove_after)
		return; /* the user already let go of it */
	sipreg_binding_status(b, &st);
	b->e->statush(b, &st, b->e->status_arg);
}

/* ---- public binding API ----------------------------------------------- */

int
sipreg_binding_update(struct sipreg_binding *b,
		      const struct sipreg_binding_cfg *cfg)
{
	bool registered;
	int rc;

	if (b == NULL || b->zombie)
		return -EINVAL;
	if ((rc = apply_cfg(b, cfg)) != 0)
		return rc;
	b->pinned = false;
	b->cur = 0;
	registered = b->state == SIPREG_REGISTERED ||
		     b->state == SIPREG_REFRESHING ||
		     b->state == SIPREG_AUTHENTICATING ||
		     b->state == SIPREG_REGISTERING ||
		     b->state == SIPREG_BACKOFF || b->state == SIPREG_FAILED;
	if (registered)
		return sipreg_binding_register(b);
	return 0;
}

void
sipreg_binding_remove(struct sipreg_binding *b, bool unregister)
{
	if (b == NULL || b->zombie)
		return;
	b->zombie = true;
	if (unregister &&
	    (b->state == SIPREG_REGISTERED || b->state == SIPREG_REFRESHING ||
	     b->state == SIPREG_UNREGISTERING)) {
		b->remove_after = true;
		if (b->state != SIPREG_UNREGISTERING || b->tr == NULL)
			start_cycle(b, true);
		sip_engine_run(b->e);
		return;
	}
	if (b->tr != NULL) {
		sip_engine_abort_tr(b->e, b->tr);
		b->tr = NULL;
	}
	release(b);
}

int
sipreg_binding_register(struct sipreg_binding *b)
{
	if (b == NULL || b->zombie)
		return -EINVAL;
	b->started = true;
	if (b->tr != NULL && !b->want_unreg)
		return 0; /* one REGISTER in flight per binding */
	start_cycle(b, false);
	sip_binding_notify(b);
	sip_engine_run(b->e);
	return 0;
}

int
sipreg_binding_refresh(struct sipreg_binding *b)
{
	return sipreg_binding_register(b);
}

int
sipreg_binding_unregister(struct sipreg_binding *b)
{
	if (b == NULL || b->zombie)
		return -EINVAL;
	if (b->tr != NULL && b->want_unreg)
		return 0;
	start_cycle(b, true);
	sip_binding_notify(b);
	sip_engine_run(b->e);
	return 0;
}

void *
sipreg_binding_user(const struct sipreg_binding *b)
{
	return b != NULL ? b->user : NULL;
}

int
sipreg_binding_status(const struct sipreg_binding *b, struct sipreg_status *st)
{
	uint64_t now;

	if (b == NULL || st == NULL)
		return -EINVAL;
	memset(st, 0, sizeof(*st));
	now = sip_engine_now(b->e);
	st->state = b->state;
	st->addr_index = b->state == SIPREG_IDLE ? -1 : (int)b->cur;
	if (st->addr_index >= 0)
		sip_addr_format(&b->addrs[b->cur].ss, st->addr,
				sizeof(st->addr), true);
	st->granted = b->granted;
	st->refresh_in = -1;
	if (b->tkind == SIP_TMR_START)
		st->refresh_in =
			b->tdue > now ? (int64_t)((b->tdue - now + 999) / 1000)
				      : 0;
	st->last_code = b->last_code;
	snprintf(st->last_reason, sizeof(st->last_reason), "%s",
		 b->last_reason);
	snprintf(st->last_error, sizeof(st->last_error), "%s", b->last_error);
	st->last_success_ms = b->last_success_ms;
	st->last_success_time = b->last_success_time;
	st->counters = b->c;
	return 0;
}

int
sipreg_binding_addr_status(const struct sipreg_binding *b, size_t idx,
			   struct sipreg_addr_status *st)
{
	const struct sip_addr *a;

	if (b == NULL || st == NULL || idx >= b->naddrs)
		return -EINVAL;
	a = &b->addrs[idx];
	memset(st, 0, sizeof(*st));
	if (a->resolved)
		sip_addr_format(&a->ss, st->addr, sizeof(st->addr), true);
	st->resolved = a->resolved;
	st->online = a->online;
	st->last_code = a->last_code;
	st->last_ms = a->last_ms;
	return 0;
}
