/* SPDX-License-Identifier: ISC */
/*
 * Bindings: configuration, the registration state machine and status.
 * One REGISTER in flight per binding; a cycle is the sequence of
 * REGISTERs (auth retries, 423, failover) that ends in a 2xx or a
 * failure with backoff.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sip/sip_int.h"

#define DEF_EXPIRES	180
#define DEF_DIVIDER	50
#define DEF_RETRY	30
#define DEF_HOTSWAP_RTX 3
#define DEF_KEEPALIVE	60
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

static void on_timer(struct sip_tmr *t);
static const struct sip_tx_ops register_ops;

/* ---- configuration ---------------------------------------------------- */

/* ---- what goes into a URI ---------------------------------------------- */

#define TOKEN_MAX 128

/* RFC 3261 user: unreserved, user-unreserved and %HH escapes. */
static bool
user_ok(const char *s)
{
	static const char extra[] = "-_.!~*'()&=+$,;?/";
	size_t i, n;

	if (s == NULL || (n = strlen(s)) == 0 || n > TOKEN_MAX)
		return false;
	for (i = 0; i < n; i++) {
		if (isalnum((unsigned char)s[i]) || strchr(extra, s[i]) != NULL)
			continue;
		if (s[i] != '%' || i + 2 >= n ||
		    !isxdigit((unsigned char)s[i + 1]) ||
		    !isxdigit((unsigned char)s[i + 2]))
			return false;
		i += 2;
	}
	return true;
}

static bool
ipv6_ok(const char *s, size_t n)
{
	char buf[INET6_ADDRSTRLEN + 1];
	struct in6_addr a;

	if (n == 0 || n >= sizeof(buf) ||
	    strspn(s, "0123456789abcdefABCDEF:.") < n)
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return inet_pton(AF_INET6, buf, &a) == 1;
}

/* A dotted quad without leading zeros. */
static bool
ipv4_ok(const char *s, size_t n)
{
	unsigned parts = 0, v, d;
	size_t i = 0;

	while (i < n && parts < 4) {
		for (v = 0, d = 0;
		     i < n && isdigit((unsigned char)s[i]) && d < 4; i++, d++)
			v = v * 10 + (unsigned)(s[i] - '0');
		if (d == 0 || d > 3 || v > 255 || (d > 1 && s[i - d] == '0'))
			return false;
		if (++parts < 4 && (i >= n || s[i++] != '.'))
			return false;
	}
	return parts == 4 && i == n;
}

/* RFC 1123: labels of 1..63 [A-Za-z0-9-], no '-' at either end, a
 * last label that is not all digits, one trailing dot allowed. */
static bool
hostname_ok(const char *s, size_t n)
{
	size_t i, label = 0, last = 0;
	bool digits = true;

	if (n > 0 && s[n - 1] == '.')
		n--;
	if (n == 0 || n > 253)
		return false;
	for (i = 0; i < n; i++) {
		if (s[i] == '.') {
			if (label == 0 || s[i - 1] == '-')
				return false;
			label = 0;
			last = i + 1;
			continue;
		}
		if ((!isalnum((unsigned char)s[i]) && s[i] != '-') ||
		    (s[i] == '-' && label == 0) || ++label > 63)
			return false;
	}
	for (i = last; i < n; i++)
		digits = digits && isdigit((unsigned char)s[i]);
	return label > 0 && s[n - 1] != '-' && !digits;
}

/* A host: IPv4, IPv6 (bare, or in brackets when uri), or a name. */
static bool
host_ok(const char *s, bool uri)
{
	size_t n;

	if (s == NULL || (n = strlen(s)) == 0 || n > TOKEN_MAX)
		return false;
	if (s[0] == '[')
		return uri && n > 2 && s[n - 1] == ']' && ipv6_ok(s + 1, n - 2);
	if (strchr(s, ':') != NULL)
		return ipv6_ok(s, n);
	if (strspn(s, "0123456789.") == n)
		return ipv4_ok(s, n);
	return hostname_ok(s, n);
}

/* Why a string of the configuration cannot go into a header. */
enum tok_kind { TOK_USER, TOK_URI_HOST, TOK_ADDR_HOST };

static bool
bad_token(const char *what, const char *s, enum tok_kind kind, char *why,
	  size_t len)
{
	if (kind == TOK_USER ? user_ok(s) : host_ok(s, kind == TOK_URI_HOST))
		return false;
	if (s == NULL || *s == '\0')
		snprintf(why, len, "%s is empty", what);
	else if (strlen(s) > TOKEN_MAX)
		snprintf(why, len,
			 "%s '%.32s...' is not valid: longer than "
			 "128 characters",
			 what, s);
	else
		snprintf(why, len, "%s '%.48s' is not valid: %s", what, s,
			 kind != TOK_USER
				 ? "not an IPv4 or IPv6 address or an RFC "
				   "1123 host name"
				 : "not a SIP user (letters, digits, "
				   "-_.!~*'()&=+$,;?/ and %HH escapes)");
	return true;
}

static int
check_cfg_why(const struct sipreg_binding_cfg *cfg, char *why, size_t len)
{
	size_t i;

	if (cfg == NULL) {
		snprintf(why, len, "no configuration");
		return -EINVAL;
	}
	if (bad_token("user", cfg->aor_user, TOK_USER, why, len) ||
	    bad_token("host name", cfg->aor_host, TOK_URI_HOST, why, len))
		return -EINVAL;
	if (cfg->naddrs == 0 || cfg->naddrs > SIPREG_MAX_ADDRS) {
		snprintf(why, len, "%zu proxy addresses (1 to %d allowed)",
			 cfg->naddrs, SIPREG_MAX_ADDRS);
		return -EINVAL;
	}
	if ((unsigned)cfg->keepalive > SIPREG_KA_REGISTER ||
	    (unsigned)cfg->redundancy > SIPREG_HOMING) {
		snprintf(why, len, "unknown keep-alive or redundancy mode");
		return -EINVAL;
	}
	if ((cfg->registrar && bad_token("registrar name", cfg->registrar,
					 TOK_URI_HOST, why, len)) ||
	    (cfg->contact_user &&
	     bad_token("contact user", cfg->contact_user, TOK_USER, why, len)))
		return -EINVAL;
	for (i = 0; i < cfg->naddrs; i++) {
		if (bad_token("host name", cfg->addrs[i].host, TOK_ADDR_HOST,
			      why, len))
			return -EINVAL;
		if ((unsigned)cfg->addrs[i].transport > SIPREG_TP_TLS) {
			snprintf(why, len, "unknown transport %u",
				 (unsigned)cfg->addrs[i].transport);
			return -EINVAL;
		}
	}
	return 0;
}

static int
check_cfg(const struct sipreg_binding_cfg *cfg)
{
	char why[8];

	return check_cfg_why(cfg, why, sizeof(why));
}

int
sipreg_binding_cfg_check(const struct sipreg_binding_cfg *cfg, char *why,
			 size_t len)
{
	char tmp[8];

	if (why == NULL || len == 0) {
		why = tmp;
		len = sizeof(tmp);
	}
	why[0] = '\0';
	return check_cfg_why(cfg, why, len);
}

/* A URI host into buf: a bare IPv6 address gets its brackets. */
static void
uri_host(char *buf, size_t size, const char *src)
{
	if (src[0] == '[' || strchr(src, ':') == NULL)
		snprintf(buf, size, "%s", src);
	else
		snprintf(buf, size, "[%s]", src);
}

/* Append s to the block at *pos unless it equals same (then shared). */
static const char *
block_put(char *blk, size_t *pos, const char *s, const char *same)
{
	size_t n = strlen(s) + 1;
	char *p = blk + *pos;

	if (same != NULL && strcmp(s, same) == 0)
		return same;
	memcpy(p, s, n);
	*pos += n;
	return p;
}

/* The four strings in one exact-size block, the old one freed after. */
static int
apply_strings(struct sipreg_binding *b, const struct sipreg_binding_cfg *cfg)
{
	char host[TOKEN_MAX + 3], ruri[TOKEN_MAX + 3], *blk;
	const char *cuser =
		cfg->contact_user ? cfg->contact_user : cfg->aor_user;
	size_t pos = 0;

	uri_host(host, sizeof(host), cfg->aor_host);
	uri_host(ruri, sizeof(ruri),
		 cfg->registrar ? cfg->registrar : cfg->aor_host);
	blk = malloc(strlen(cfg->aor_user) + strlen(host) + strlen(ruri) +
		     strlen(cuser) + 4);
	if (blk == NULL)
		return -ENOMEM;
	b->aor_user = block_put(blk, &pos, cfg->aor_user, NULL);
	b->aor_host = block_put(blk, &pos, host, NULL);
	b->ruri = block_put(blk, &pos, ruri, b->aor_host);
	b->contact_user = block_put(blk, &pos, cuser, b->aor_user);
	free(b->strs);
	b->strs = blk;
	return 0;
}

static void
free_addrs(struct sip_addr *addrs, size_t n)
{
	size_t i;

	for (i = 0; addrs != NULL && i < n; i++)
		sip_dns_put(addrs[i].dns);
	free(addrs); /* the host names are in the same block */
}

static int
addr_lookup(struct sipreg_engine *e, struct sip_addr *a, const char *name,
	    enum sipreg_dns_query q)
{
	char why[8];

	if ((a->dns = sip_dns_get(e, name, q, a->tp)) == NULL)
		return -ENOMEM;
	a->resolved = sip_dns_addr(a->dns, a->sel, a->port, &a->ss, &a->tp, why,
				   sizeof(why)) == 0;
	return 0;
}

/* Resolve every address first, so a failure changes nothing. */
static int
apply_addrs(struct sipreg_binding *b, const struct sipreg_binding_cfg *cfg)
{
	struct sip_addr *na;
	size_t i, size = cfg->naddrs * sizeof(*na);
	char *names;
	int rc = 0;

	for (i = 0; i < cfg->naddrs; i++)
		size += strlen(cfg->addrs[i].host) + 1;
	/* the array, then the host names */
	if ((na = calloc(1, size)) == NULL)
		return -ENOMEM;
	names = (char *)(na + cfg->naddrs);
	for (i = 0; rc == 0 && i < cfg->naddrs; i++) {
		const struct sipreg_addr_cfg *ac = &cfg->addrs[i];
		uint16_t port = ac->port			 ? ac->port
				: ac->transport == SIPREG_TP_TLS ? 5061
								 : 5060;

		na[i].port = port;
		na[i].tp = ac->transport;
		/* names, localhost included, go through c-ares (hosts) */
		rc = strcasecmp(ac->host, "localhost") == 0
			     ? -ENOTSUP
			     : sip_addr_resolve(ac->host, port, &na[i].ss);
		na[i].resolved = rc == 0;
		if (rc == -ENOTSUP) /* a name: c-ares */
			rc = addr_lookup(b->e, &na[i], ac->host, ac->dns_query);
		if (rc == 0) {
			na[i].host = names;
			names += strlen(ac->host) + 1;
			memcpy(na[i].host, ac->host, strlen(ac->host) + 1);
		}
	}
	if (rc != 0) {
		free_addrs(na, cfg->naddrs);
		return rc;
	}
	free_addrs(b->addrs, b->naddrs);
	b->addrs = na;
	b->naddrs = cfg->naddrs;
	return 0;
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
	b->rereg_conn = cfg->rereg_on_conn_failure;
	b->ka_mode = cfg->keepalive;
	b->ka_s = cfg->keepalive_s ? cfg->keepalive_s : DEF_KEEPALIVE;
	b->homing = cfg->redundancy == SIPREG_HOMING;
	b->group = cfg->group;
	/* random weights: round robin over the set, SRV weights within a
	 * name */
	b->round_robin = cfg->load_balancing == 1 || cfg->load_balancing == 2;
	b->random_weights = cfg->load_balancing == 2;
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
	return sip_random(b->dialog, sizeof(b->dialog)) != 0 ? -EIO : 0;
}

static void
hex(const uint8_t *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 0xf];
	}
	out[2 * n] = '\0';
}

void
sip_binding_ids(const struct sipreg_binding *b, struct sip_binding_ids *ids)
{
	hex(b->dialog, 16, ids->call_id);
	hex(b->dialog + 16, 8, ids->from_tag);
	hex(b->dialog + 24, 6, ids->line);
}

static void window_leave(struct sipreg_binding *b);

void
sip_binding_free(struct sipreg_binding *b)
{
	struct sipreg_engine *e = b->e;

	sip_ka_stop(b);
	sip_tx_abort(&b->tx);
	sip_engine_cancel(e, &b->tmr);
	b->zombie = true; /* no longer counted in use */
	sip_binding_use_sync(b);
	if (b->waiting)
		TAILQ_REMOVE(&e->waitq, b, wentry);
	window_leave(b);
	TAILQ_REMOVE(&e->bindings, b, entry);
	sip_heap_release(&e->heap, 2);
	free_addrs(b->addrs, b->naddrs);
	free(b->strs);
	free(b->nat);
	if (b->reason_own)
		free((char *)b->last_reason);
	if (b->error_own)
		free((char *)b->last_error);
	if (b->contact_own)
		free((char *)b->contact_host);
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
	if (sip_heap_reserve(&e->heap, 2) != 0) {
		free(b);
		return -ENOMEM;
	}
	b->e = e;
	b->user = user;
	b->last_reason = "";
	b->last_error = "";
	b->contact_host = "";
	b->tmr.h = on_timer;
	sip_tx_init(&b->tx, e, &register_ops, NULL);
	TAILQ_INSERT_TAIL(&e->bindings, b, entry);
	if ((rc = apply_cfg(b, cfg)) != 0 || (rc = init_dialog(b)) != 0) {
		sip_binding_free(b);
		return rc;
	}
	b->clear_pending = cfg->unreg_all_first;
	*out = b;
	return 0;
}

/* ---- state machine ---------------------------------------------------- */

static void
arm(struct sipreg_binding *b, enum sip_timer_kind kind, uint64_t delay_ms)
{
	b->tkind = kind;
	sip_engine_arm(b->e, &b->tmr, delay_ms);
}

static void
disarm(struct sipreg_binding *b)
{
	b->tkind = SIP_TMR_NONE;
	sip_engine_cancel(b->e, &b->tmr);
}

/* snprintf("%s") without the formatting cost (status is hot). */
static void
copy_str(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

void
sip_binding_set_text(struct sipreg_binding *b, const char **dst, bool *own,
		     const char *msg, size_t max)
{
	struct sipreg_engine *e = b->e;
	const char *c;
	char *p;
	size_t n;

	if (strncmp(*dst, msg, max - 1) == 0 && strlen(*dst) < max)
		return; /* unchanged (the common case: "OK" again) */
	if (*own)
		free((char *)*dst);
	*own = false;
	*dst = "";
	if (*msg == '\0')
		return;
	if ((c = sip_engine_intern(e, msg, max)) != NULL) {
		*dst = c;
		return;
	}
	n = strnlen(msg, max - 1);
	if ((p = malloc(n + 1)) == NULL)
		return;
	memcpy(p, msg, n);
	p[n] = '\0';
	*dst = p;
	*own = true;
}

static void
set_error(struct sipreg_binding *b, const char *msg)
{
	sip_binding_set_text(
		b, &b->last_error, &b->error_own, msg,
		sizeof(((struct sipreg_status *)NULL)->last_error));
}

static void
set_reason(struct sipreg_binding *b, const char *msg)
{
	sip_binding_set_text(
		b, &b->last_reason, &b->reason_own, msg,
		sizeof(((struct sipreg_status *)NULL)->last_reason));
}

static void
unqueue(struct sipreg_binding *b)
{
	if (b->waiting) {
		TAILQ_REMOVE(&b->e->waitq, b, wentry);
		b->waiting = false;
	}
}

/* Free now, or after the dispatch loop when inside it. */
static void
release(struct sipreg_binding *b)
{
	b->zombie = true;
	b->remove_after = false;
	sip_binding_use_sync(b);
	disarm(b);
	unqueue(b);
	window_leave(b);
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
	b->clearing = false;
	b->clear_pending = false; /* once: register regardless */
	if (b->want_unreg) {
		b->state = SIPREG_UNREGISTERED;
		disarm(b);
		return;
	}
	b->failures++;
	wait = sip_policy_backoff_ms(b->retry_s, b->max_backoff_s, b->failures,
				     sip_engine_rand(b->e));
	wait = sip_policy_retry_ms(wait, sip_tx_retry_after(&b->tx));
	b->state = perm ? SIPREG_FAILED : SIPREG_BACKOFF;
	arm(b, SIP_TMR_START, wait);
}

static void failover(struct sipreg_binding *b, const char *why);

static void
send_now(struct sipreg_binding *b)
{
	char why[96];
	int rc;

	b->dns_wait = false;
	if ((rc = sip_register_send(b, why, sizeof(why))) == 0)
		return;
	if (rc == -EINPROGRESS) { /* sip_binding_dns_done() resumes it */
		b->dns_wait = true;
		return;
	}
	if (rc == -EHOSTUNREACH) { /* the name does not resolve */
		/* tried in this cycle: the failover goes on to the others
		 * and ends, never back and forth between two dead names */
		b->tried |= 1u << b->cur;
		b->addrs[b->cur].online = false;
		b->addrs[b->cur].last_code = -1;
		b->addrs[b->cur].last_ms = sip_engine_now(b->e);
		b->c.transport++;
		failover(b, why);
		return;
	}
	snprintf(why, sizeof(why), "cannot send: %s", strerror(-rc));
	fail(b, false, why);
}

/* Whether b's cycle needs a register_window slot: an initial
 * registration (not registered) or an un-registration. */
static bool
needs_slot(const struct sipreg_binding *b)
{
	return b->e->window > 0 && (b->state == SIPREG_REGISTERING ||
				    b->state == SIPREG_UNREGISTERING);
}

static bool
window_full(const struct sipreg_engine *e)
{
	return e->window > 0 && e->nwindow >= e->window;
}

/* Give back b's window slot, if it holds one. */
static void
window_leave(struct sipreg_binding *b)
{
	if (!b->windowed)
		return;
	b->windowed = false;
	b->e->nwindow--;
}

/* The cycle of b ended (nothing in flight, queued or resolving): its
 * slot goes to the next waiting cycle (sip_engine_run() drains). */
static void
window_settle(struct sipreg_binding *b)
{
	if (b->windowed && !sip_tx_busy(&b->tx) && !b->waiting && !b->dns_wait)
		window_leave(b);
}

/* Start b's cycle now: it takes its window slot. */
static void
start_now(struct sipreg_binding *b)
{
	if (needs_slot(b) && !b->windowed) {
		b->windowed = true;
		b->e->nwindow++;
	}
	send_now(b);
	window_settle(b); /* failed at once: the slot is free again */
}

/* Whether a new cycle may start now (the in-flight bound, then the
 * pacer); takes a pacing token if so. */
static bool
may_start(struct sipreg_engine *e, uint64_t *wait)
{
	*wait = 0;
	if (e->ntx >= e->max_inflight)
		return false;
	*wait = sip_pacer_take(&e->pacer, sip_engine_now(e));
	return *wait == 0;
}

/* The first waiting cycle the window lets start, in queue order. */
static struct sipreg_binding *
first_startable(struct sipreg_engine *e)
{
	struct sipreg_binding *b;
	bool full = window_full(e);

	TAILQ_FOREACH(b, &e->waitq, wentry)
	{
		if (!full || !needs_slot(b))
			return b;
	}
	return NULL;
}

/*
 * Start waiting cycles in order while the pacer, the in-flight bound
 * and the register window allow (initial registrations and
 * un-registrations held by a full window let refreshes behind them
 * pass); the pace timer or a finishing transaction calls again.
 */
void
sip_binding_drain(struct sipreg_engine *e)
{
	struct sipreg_binding *b;
	uint64_t wait;

	while ((b = first_startable(e)) != NULL) {
		if (!may_start(e, &wait)) {
			if (wait > 0 && e->pace_tmr.slot == 0)
				sip_engine_arm(e, &e->pace_tmr, wait);
			return;
		}
		unqueue(b);
		start_now(b);
		sip_binding_notify(b);
	}
}

void
sip_engine_pace_timer(struct sip_tmr *t)
{
	struct sipreg_engine *e =
		SIP_CONTAINER(t, struct sipreg_engine, pace_tmr);

	sip_binding_drain(e);
}

/* Start the first REGISTER of a cycle now, or queue it (pacing). */
static void
kick(struct sipreg_binding *b)
{
	struct sipreg_engine *e = b->e;
	uint64_t wait;

	bool held = needs_slot(b) && window_full(e);

	if (TAILQ_EMPTY(&e->waitq) && !held && may_start(e, &wait)) {
		start_now(b);
		return;
	}
	if (held)
		e->stats.window_waits++;
	else
		e->stats.paced++;
	b->waiting = true;
	TAILQ_INSERT_TAIL(&e->waitq, b, wentry);
	sip_binding_drain(e);
}

/* Whether address i may be chosen: not broken (503 + Retry-After) and
 * not seen offline by OPTIONS keep-alive. */
static bool
usable(const struct sipreg_binding *b, size_t i, uint64_t now)
{
	const struct sip_addr *a = &b->addrs[i];

	if (a->broken_until > now)
		return false;
	return b->ka_mode != SIPREG_KA_OPTIONS || a->last_ms == 0 || a->online;
}

/* What keep-alive knows of candidate sel of a's name (NULL: nothing,
 * or no OPTIONS keep-alive). */
static const struct sip_ka_state *
cand_known(struct sipreg_binding *b, struct sip_addr *a, size_t sel)
{
	enum sipreg_transport tp = a->tp;
	union sip_sa ss;
	char why[8];

	if (b->ka_mode != SIPREG_KA_OPTIONS || a->dns == NULL ||
	    sip_dns_addr(a->dns, sel, a->port, &ss, &tp, why, sizeof(why)) != 0)
		return NULL;
	return sip_ka_known(b->e, &ss, tp);
}

static bool
cand_offline(struct sipreg_binding *b, struct sip_addr *a, size_t sel)
{
	const struct sip_ka_state *st = cand_known(b, a, sel);

	return st != NULL && !st->online;
}

/* a now uses candidate a->sel: what keep-alive knows of it, else
 * unknown. */
static void
cand_adopt(struct sipreg_binding *b, struct sip_addr *a)
{
	const struct sip_ka_state *st = cand_known(b, a, a->sel);

	a->online = st != NULL && st->online;
	a->last_code = st != NULL ? st->last_code : 0;
	a->last_ms = st != NULL ? st->last_ms : 0;
}

/* Candidates of address a for round robin: a name's resolved addresses
 * (one while it has none), a literal itself. */
static size_t
rr_count(const struct sip_addr *a)
{
	size_t n = a->dns != NULL ? sip_dns_count(a->dns) : 0;

	return n > 0 ? n : 1;
}

/* Address i to candidate j of its name (nothing for a literal, or a
 * name without an answer yet). */
static void
rr_select(struct sipreg_binding *b, size_t i, size_t j)
{
	struct sip_addr *a = &b->addrs[i];
	char why[8];

	if (a->dns == NULL || sip_dns_count(a->dns) == 0 || j == a->sel ||
	    sip_dns_addr(a->dns, j, a->port, &a->ss, &a->tp, why,
			 sizeof(why)) != 0)
		return;
	a->sel = (uint16_t)j;
	a->have_local = false;
	if (b->ka_mode == SIPREG_KA_OPTIONS)
		cand_adopt(b, a);
}

/*
 * Round robin (ProxyLoadBalancingMethod 1) over every resolved address
 * of the set, each candidate of each name in turn: the next one,
 * engine-wide, that is not broken (503 + Retry-After) nor seen offline
 * by keep-alive; when none is, the round's own pick.  Points the
 * address at the candidate and returns the address.
 */
static size_t
rr_start(struct sipreg_binding *b)
{
	uint64_t now = sip_engine_now(b->e);
	size_t total = 0, base, k, i, j, pick_i = 0, pick_j = 0;

	for (i = 0; i < b->naddrs; i++)
		total += rr_count(&b->addrs[i]);
	base = b->e->rr++ % total;
	for (k = 0; k < total; k++) {
		struct sip_addr *a;

		j = (base + k) % total;
		for (i = 0; j >= rr_count(&b->addrs[i]); i++)
			j -= rr_count(&b->addrs[i]);
		if (k == 0) {
			pick_i = i;
			pick_j = j;
		}
		a = &b->addrs[i];
		if (a->broken_until > now)
			continue;
		if (a->dns != NULL && sip_dns_count(a->dns) > 0
			    ? cand_offline(b, a, j)
			    : !usable(b, i, now))
			continue;
		rr_select(b, i, j);
		return i;
	}
	rr_select(b, pick_i, pick_j);
	return pick_i;
}

/* Where a cycle starts: the first usable address (round robin: the next
 * usable resolved address engine-wide; random weights: the next usable
 * address), else the primary (or the round's pick). */
static size_t
choose_start(struct sipreg_binding *b)
{
	uint64_t now = sip_engine_now(b->e);
	size_t base, i, k;

	if (b->round_robin && !b->random_weights)
		return rr_start(b);
	base = b->round_robin ? b->e->rr++ % b->naddrs : 0;
	for (k = 0; k < b->naddrs; k++) {
		i = (base + k) % b->naddrs;
		if (usable(b, i, now))
			return i;
	}
	return base;
}

/* A new cycle may try every candidate of each name again.  Where it
 * starts, unless pinned: Homing, the first candidate (the best SRV
 * target); random weights, a pick by SRV weight; else where it was. */
static void
reset_candidates(struct sipreg_binding *b, bool pick)
{
	size_t i, k, n, sel;

	for (i = 0; i < b->naddrs; i++) {
		struct sip_addr *a = &b->addrs[i];
		char why[8];

		a->seltried = 1;
		if (!pick || a->dns == NULL || (n = sip_dns_count(a->dns)) < 2)
			continue;
		if (b->random_weights)
			sel = sip_dns_pick(a->dns);
		else if (b->homing)
			sel = 0;
		else
			continue;
		/* not a candidate keep-alive saw offline, if another is left */
		for (k = 0; k < n && cand_offline(b, a, (sel + k) % n); k++)
			;
		if (k < n)
			sel = (sel + k) % n;
		if (sel == a->sel)
			continue;
		a->sel = sel;
		if (sip_dns_addr(a->dns, sel, a->port, &a->ss, &a->tp, why,
				 sizeof(why)) == 0)
			a->have_local = false;
		if (b->ka_mode == SIPREG_KA_OPTIONS)
			cand_adopt(b, a);
	}
}

static void
start_cycle(struct sipreg_binding *b, bool unreg)
{
	sip_tx_abort(&b->tx);
	unqueue(b);
	disarm(b);
	window_leave(b); /* a new cycle waits for its own slot */
	b->want_unreg = unreg;
	b->attempts = 0;
	b->tried = 0;
	b->min_adopted = false;
	b->cycle_challenged = false;
	b->conn_retried = false;
	b->dns_wait = false;
	b->clearing = !unreg && b->clear_pending;
	sip_auth_new_cycle(b->auth);
	/* REGISTER-based keep-alive with Homing: refreshes try the
	 * primary first */
	if (b->homing && b->ka_mode == SIPREG_KA_REGISTER)
		b->pinned = false;
	reset_candidates(b, !b->pinned);
	if (!b->pinned)
		b->cur = choose_start(b);
	if (unreg)
		b->state = SIPREG_UNREGISTERING;
	else if (b->state == SIPREG_REGISTERED)
		b->state = SIPREG_REFRESHING;
	else
		b->state = SIPREG_REGISTERING;
	sip_binding_use_sync(b);
	kick(b);
}

/*
 * NAT contact rewrite: true when the top Via of the 2xx shows an address
 * (received, rport) other than the Contact just registered, which then
 * becomes the Contact; the caller registers it at once.  The rewrite's
 * own 2xx never starts another (no ping-pong between two answers).
 */
static bool
nat_learn(struct sipreg_binding *b)
{
	const struct sip_result *r = b->tx.res;
	const char *host;
	uint16_t port;
	bool again = b->nat_again;

	b->nat_again = false;
	if (!b->e->nat_rewrite || b->e->contact_host != NULL ||
	    (r->via_received[0] == '\0' && r->via_rport == 0))
		return false;
	host = r->via_received[0] != '\0' ? r->via_received : b->contact_host;
	port = r->via_rport != 0 ? r->via_rport : b->contact_port;
	if (strcasecmp(host, b->contact_host) == 0 && port == b->contact_port)
		return false;
	if (again) {
		sip_engine_log(b->e, SIP_LOG_WARN,
			       "%s@%s: registrar sees %s:%u, not the Contact "
			       "%s:%u just learned; not rewritten again",
			       b->aor_user, b->aor_host, host, (unsigned)port,
			       b->contact_host, (unsigned)b->contact_port);
		return false;
	}
	if (b->nat == NULL && (b->nat = calloc(1, sizeof(*b->nat))) == NULL)
		return false; /* no memory: the Contact stays */
	sip_engine_log(b->e, SIP_LOG_INFO,
		       "%s@%s: Contact %s:%u rewritten to %s:%u "
		       "(received/rport)",
		       b->aor_user, b->aor_host, b->contact_host,
		       (unsigned)b->contact_port, host, (unsigned)port);
	copy_str(b->nat->old_host, sizeof(b->nat->old_host), b->contact_host);
	b->nat->old_port = b->contact_port;
	copy_str(b->nat->host, sizeof(b->nat->host), host);
	b->nat->port = port;
	b->nat_again = true;
	return true;
}

static void
succeed(struct sipreg_binding *b)
{
	struct sip_result *r = b->tx.res;
	uint64_t wait;

	b->failures = 0;
	set_error(b, "");
	disarm(b);
	if (b->clearing) { /* Contact: * done: now the registration */
		b->clearing = false;
		b->clear_pending = false;
		b->state = SIPREG_REGISTERING;
		b->attempts = 0;
		b->tried = 0;
		b->cycle_challenged = false;
		sip_auth_new_cycle(b->auth);
		send_now(b);
		return;
	}
	if (b->nat != NULL) /* a replaced Contact is gone now */
		b->nat->old_host[0] = '\0';
	if (b->want_unreg) {
		b->state = SIPREG_UNREGISTERED;
		b->granted = 0;
		b->pinned = false;
		b->reg_until = 0;
		return;
	}
	b->granted = sip_policy_granted(b->sent_expires, r->contact_expires,
					r->header_expires);
	b->reg_until = sip_engine_now(b->e) + (uint64_t)b->granted * 1000;
	b->pinned = true;
	b->last_success_ms = sip_engine_now(b->e);
	b->last_success_time = (int64_t)time(NULL);
	b->state = SIPREG_REGISTERED;
	if (nat_learn(b)) { /* the learned Contact, the old one removed */
		b->state = SIPREG_REFRESHING;
		b->attempts = 0;
		b->tried = 0;
		b->cycle_challenged = false;
		send_now(b);
		return;
	}
	wait = sip_policy_refresh_ms(&b->refresh, b->granted,
				     sip_engine_rand(b->e));
	arm(b, SIP_TMR_START, wait);
}

static void
on_auth(struct sipreg_binding *b)
{
	int rc = b->tx.res->auth_rc;

	b->cycle_challenged = true;
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
	    sip_policy_min_expires(b->req_expires, b->tx.res->min_expires,
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
	uint64_t now = sip_engine_now(b->e);
	size_t i, j;
	int any = -1;

	for (i = 1; i < b->naddrs; i++) {
		j = (b->cur + i) % b->naddrs;
		if (b->tried & (1u << j))
			continue;
		if (b->addrs[j].broken_until <= now)
			return (int)j;
		if (any < 0)
			any = (int)j;
	}
	return any;
}

/* The next candidate of the current address's name, if one is left in
 * this cycle: true when the address now points at it. */
static bool
next_candidate(struct sipreg_binding *b)
{
	struct sip_addr *a = &b->addrs[b->cur];
	size_t n = a->dns != NULL ? sip_dns_count(a->dns) : 0;
	char why[8];

	if (n < 2 || a->seltried >= n)
		return false;
	/* skip candidates keep-alive saw offline, but for the last */
	do {
		a->sel = (a->sel + 1) % n;
		a->seltried++;
	} while (a->seltried < n && cand_offline(b, a, a->sel));
	if (sip_dns_addr(a->dns, a->sel, a->port, &a->ss, &a->tp, why,
			 sizeof(why)) != 0)
		return false;
	a->have_local = false;
	cand_adopt(b, a);
	return true;
}

static void
failover(struct sipreg_binding *b, const char *why)
{
	int next;
	char addr[SIPREG_ADDR_STRLEN];

	if (b->attempts < SIP_MAX_ATTEMPTS && next_candidate(b)) {
		sip_addr_format(&b->addrs[b->cur].ss, addr, sizeof(addr), true);
		sip_engine_log(b->e, SIP_LOG_INFO, "%s@%s: %s, trying %s (%s)",
			       b->aor_user, b->aor_host, why,
			       b->addrs[b->cur].host, addr);
		set_error(b, why);
		b->pinned = false;
		sip_binding_use_sync(b);
		send_now(b);
		return;
	}
	next = next_addr(b);

	if (next >= 0 && b->attempts < SIP_MAX_ATTEMPTS) {
		sip_engine_log(b->e, SIP_LOG_INFO, "%s@%s: %s, trying %s",
			       b->aor_user, b->aor_host, why,
			       b->addrs[next].host);
		set_error(b, why);
		b->cur = (size_t)next;
		b->pinned = false;
		sip_binding_use_sync(b);
		send_now(b);
		return;
	}
	fail(b, false, why);
}

static void
on_response(struct sipreg_binding *b)
{
	struct sip_result *r = b->tx.res;
	char why[96];

	b->last_code = r->code;
	set_reason(b, r->reason);
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
		if (r->code == 503 && r->retry_after > 0)
			b->addrs[b->cur].broken_until =
				sip_engine_now(b->e) +
				sip_policy_retry_ms(0, r->retry_after);
		snprintf(why, sizeof(why), "%d %.80s", r->code, r->reason);
		failover(b, why);
		break;
	default:
		snprintf(why, sizeof(why), "%d %.80s", r->code, r->reason);
		b->c.failed++;
		/*
		 * 403 to cached credentials sent without a challenge in this
		 * cycle (a registrar restarted with new nonce secrets
		 * answers so): forget them and ask for a fresh challenge.
		 * 403 to an answered challenge: the password is wrong
		 * (Kamailio's way).
		 */
		if (r->code == 403 && b->creds_sent && !b->cycle_challenged &&
		    b->attempts < SIP_MAX_ATTEMPTS) {
			sip_auth_forget(b->auth);
			send_now(b);
		} else if (r->code == 403) {
			if (b->creds_sent)
				sip_auth_forget(b->auth);
			fail(b, true,
			     b->creds_sent ? "credentials rejected" : why);
		} else
			fail(b, false, why);
		break;
	}
}

static void
on_result(struct sip_tx *tx)
{
	struct sipreg_binding *b = SIP_CONTAINER(tx, struct sipreg_binding, tx);
	struct sip_addr *a = &b->addrs[b->cur];
	bool answered = tx->res->kind == SIP_RES_RESPONSE;
	bool malformed = tx->res->kind == SIP_RES_MALFORMED;
	/* a connection in use was reset (idle timeout of a NAT or of the
	 * registrar): once per cycle, send again on a new one before
	 * blaming the address, which stays as it was */
	bool resend = tx->res->kind == SIP_RES_TRANSPORT &&
		      tx->res->conn_reused && !b->conn_retried &&
		      a->tp != SIPREG_TP_UDP && b->attempts < SIP_MAX_ATTEMPTS;

	if (b->zombie && !b->remove_after)
		return;
	disarm(b);
	/* no answer (or an unreadable 2xx): the registrar may have taken
	 * the REGISTER */
	if ((!answered && !malformed) ||
	    (malformed && tx->res->code >= 200 && tx->res->code < 300)) {
		uint64_t until = b->sent_ms + (uint64_t)b->sent_expires * 1000;

		if (b->sent_expires > 0 && until > b->reg_until)
			b->reg_until = until;
	}
	if (!resend) {
		a->online = answered || malformed;
		a->last_code = answered || malformed ? tx->res->code : -1;
		a->last_ms = sip_engine_now(b->e);
	}
	if (answered) {
		on_response(b);
	} else if (malformed) {
		/* the registrar answered: no failover, the normal retry */
		char why[96];

		b->c.failed++;
		b->last_code = tx->res->code;
		set_reason(b, tx->res->reason);
		snprintf(why, sizeof(why), "malformed %d response",
			 tx->res->code);
		fail(b, false, why);
	} else if (tx->res->kind == SIP_RES_TIMEOUT) {
		b->c.timeouts++;
		failover(b, "timeout");
	} else {
		char why[96];

		b->c.transport++;
		a->have_local = false;
		snprintf(why, sizeof(why), "transport error%s%.78s",
			 tx->res->reason[0] ? ": " : "", tx->res->reason);
		if (resend) {
			b->conn_retried = true;
			sip_engine_log(b->e, SIP_LOG_INFO,
				       "%s@%s: %s, sending again on a new "
				       "connection",
				       b->aor_user, b->aor_host, why);
			send_now(b);
		} else
			failover(b, why);
	}
	sip_binding_notify(b);
	sip_tx_release(tx); /* acted on (kept if a new one runs) */
	if (b->remove_after && !sip_tx_busy(tx) &&
	    b->state == SIPREG_UNREGISTERED)
		release(b);
}

static void
on_record(struct sip_tx *tx, osip_message_t *resp)
{
	sip_register_result(SIP_CONTAINER(tx, struct sipreg_binding, tx), resp);
}

static const struct sip_tx_ops register_ops = {
	.record = on_record,
	.done = on_result,
};

static void
on_timer(struct sip_tmr *t)
{
	struct sipreg_binding *b = SIP_CONTAINER(t, struct sipreg_binding, tmr);
	enum sip_timer_kind kind = b->tkind;

	b->tkind = SIP_TMR_NONE;
	if (b->zombie && !b->remove_after)
		return;
	if (kind == SIP_TMR_DEADLINE) {
		if (!sip_tx_busy(&b->tx))
			return;
		sip_tx_end(&b->tx, SIP_RES_TIMEOUT);
		on_result(&b->tx);
		return;
	}
	if (kind == SIP_TMR_START) {
		start_cycle(b, false);
		sip_binding_notify(b);
	}
}

void
sip_binding_conn_lost(struct sipreg_binding *b)
{
	if (!b->rereg_conn || b->state != SIPREG_REGISTERED ||
	    sip_tx_busy(&b->tx) || b->waiting)
		return;
	sip_engine_log(b->e, SIP_LOG_INFO,
		       "%s@%s: connection lost, registering again", b->aor_user,
		       b->aor_host);
	start_cycle(b, false);
	sip_binding_notify(b);
}

void
sip_binding_give_up(struct sipreg_binding *b)
{
	sip_ka_stop(b);
	if (b->state != SIPREG_UNREGISTERING || (b->zombie && !b->remove_after))
		return;
	sip_tx_abort(&b->tx);
	unqueue(b);
	disarm(b);
	b->state = SIPREG_UNREGISTERED;
	b->dns_wait = false;
	set_error(b, "unregister deadline passed");
	sip_binding_notify(b);
	if (b->remove_after)
		release(b);
}

bool
sip_binding_may_be_registered(const struct sipreg_binding *b)
{
	if (sip_tx_busy(&b->tx) && b->sent_expires > 0)
		return true;
	return b->reg_until > sip_engine_now(b->e);
}

void
sip_binding_stop(struct sipreg_binding *b)
{
	if (b->zombie)
		return;
	sip_ka_stop(b);
	sip_tx_abort(&b->tx);
	unqueue(b);
	disarm(b);
	b->want_unreg = true;
	b->state = SIPREG_UNREGISTERED;
	b->granted = 0;
	b->dns_wait = false;
	sip_binding_notify(b);
}

/* Address idx to a candidate of its name that keep-alive saw online:
 * true when it moved there. */
static bool
live_candidate(struct sipreg_binding *b, size_t idx)
{
	struct sip_addr *a = &b->addrs[idx];
	size_t n = a->dns != NULL ? sip_dns_count(a->dns) : 0, j;
	const struct sip_ka_state *st;
	char why[8];

	for (j = 0; j < n; j++) {
		if (j == a->sel || (st = cand_known(b, a, j)) == NULL ||
		    !st->online)
			continue;
		if (sip_dns_addr(a->dns, j, a->port, &a->ss, &a->tp, why,
				 sizeof(why)) != 0)
			continue;
		a->sel = (uint16_t)j;
		a->have_local = false;
		cand_adopt(b, a);
		return true;
	}
	return false;
}

void
sip_binding_addr_changed(struct sipreg_binding *b, size_t idx, bool online)
{
	bool idle = b->state == SIPREG_REGISTERED && !sip_tx_busy(&b->tx) &&
		    !b->waiting;

	if (b->zombie)
		return;
	if (idle && !online && idx == b->cur && live_candidate(b, idx)) {
		/* another address of the same name answers keep-alive */
		sip_engine_log(b->e, SIP_LOG_INFO,
			       "%s@%s: %s offline, moving to another of its "
			       "addresses",
			       b->aor_user, b->aor_host, b->addrs[idx].host);
		b->pinned = false;
		start_cycle(b, false);
	} else if (idle && !online && idx == b->cur && b->naddrs > 1) {
		/* keep-alive lost the registrar: move on now */
		sip_engine_log(b->e, SIP_LOG_INFO, "%s@%s: %s offline, moving",
			       b->aor_user, b->aor_host, b->addrs[idx].host);
		b->pinned = false;
		start_cycle(b, false);
	} else if (idle && online && b->homing && idx < b->cur) {
		sip_engine_log(b->e, SIP_LOG_INFO, "%s@%s: homing to %s",
			       b->aor_user, b->aor_host, b->addrs[idx].host);
		b->pinned = false;
		start_cycle(b, false);
	}
	b->e->ka_note = b; /* this notification tells the change */
	b->e->ka_note_idx = idx;
	b->e->ka_note_online = online; /* idx may use another address now */
	sip_binding_notify(b);
	b->e->ka_note = NULL;
}

void
sip_binding_cand_online(struct sipreg_binding *b, size_t idx, size_t cand)
{
	bool idle = b->state == SIPREG_REGISTERED && !sip_tx_busy(&b->tx) &&
		    !b->waiting;
	char addr[SIPREG_ADDR_STRLEN];
	enum sipreg_transport tp;
	union sip_sa ss;

	/* round robin spreads bindings over the addresses on purpose: not
	 * pulled back to the first one */
	if (b->zombie || !idle || !b->homing ||
	    (b->round_robin && !b->random_weights) || idx >= b->naddrs ||
	    idx > b->cur || (idx == b->cur && cand >= b->addrs[idx].sel))
		return;
	tp = b->addrs[idx].tp;
	if (b->addrs[idx].dns == NULL ||
	    sip_dns_addr(b->addrs[idx].dns, cand, b->addrs[idx].port, &ss, &tp,
			 addr, sizeof(addr)) != 0)
		return;
	sip_addr_format(&ss, addr, sizeof(addr), true);
	/* the same rule as Homing across addresses: at once, from the
	 * first usable candidate of the first usable address */
	sip_engine_log(b->e, SIP_LOG_INFO, "%s@%s: homing to %s (%s)",
		       b->aor_user, b->aor_host, b->addrs[idx].host, addr);
	b->pinned = false;
	start_cycle(b, false);
}

void
sip_binding_dns_done(struct sipreg_binding *b, struct sip_dns_entry *d)
{
	char why[8];
	size_t i;

	for (i = 0; i < b->naddrs; i++) {
		struct sip_addr *a = &b->addrs[i];
		union sip_sa ss;

		if (a->dns != d)
			continue;
		sip_dns_follow(a);
		/* a cycle that waited for the first answer picks now */
		if (b->random_weights && b->dns_wait && i == b->cur &&
		    a->seltried <= 1)
			a->sel = sip_dns_pick(d);
		else if (b->round_robin && b->dns_wait && i == b->cur &&
			 a->seltried <= 1 && sip_dns_count(d) > 0)
			/* round robin: the name's addresses in turn */
			a->sel = (uint16_t)(b->e->rr++ % sip_dns_count(d));
		if (sip_dns_addr(d, a->sel, a->port, &ss, &a->tp, why,
				 sizeof(why)) != 0)
			continue;
		if (!a->resolved || !sip_addr_equal(&a->ss, &ss))
			a->have_local = false;
		a->ss = ss;
		a->resolved = true;
	}
	sip_binding_use_sync(b);
	sip_ka_dns_done(b);
	if (b->dns_wait && b->addrs[b->cur].dns == d) {
		send_now(b);
		sip_binding_notify(b);
	}
}

/* Whether b counts as in use at its current address: registered or
 * refreshing there, not let go of. */
static bool
use_counted(const struct sipreg_binding *b)
{
	return !b->zombie && !b->remove_after && b->naddrs > 0 &&
	       b->addrs[b->cur].resolved &&
	       (b->state == SIPREG_REGISTERED || b->state == SIPREG_REFRESHING);
}

static bool
use_is(const struct sip_use *u, unsigned group, size_t idx,
       const union sip_sa *ss, enum sipreg_transport tp)
{
	return u->group == group && u->idx == idx && u->tp == tp &&
	       sip_addr_equal(&u->ss, ss);
}

static struct sip_use *
use_find(const struct sipreg_engine *e, unsigned group, size_t idx,
	 const union sip_sa *ss, enum sipreg_transport tp)
{
	struct sip_use *u;

	LIST_FOREACH(u, &e->uses, entry)
	{
		if (use_is(u, group, idx, ss, tp))
			return u;
	}
	return NULL;
}

void
sip_binding_use_sync(struct sipreg_binding *b)
{
	struct sipreg_engine *e = b->e;
	bool counted = use_counted(b);
	const struct sip_addr *a = counted ? &b->addrs[b->cur] : NULL;
	struct sip_use *u;

	if (b->use != NULL && counted &&
	    use_is(b->use, b->group, b->cur, &a->ss, a->tp))
		return; /* where it was */
	if ((u = b->use) != NULL) {
		b->use = NULL;
		if (--u->n == 0) {
			LIST_REMOVE(u, entry);
			free(u);
		}
	}
	if (!counted)
		return;
	if ((u = use_find(e, b->group, b->cur, &a->ss, a->tp)) == NULL) {
		if ((u = calloc(1, sizeof(*u))) == NULL)
			return; /* no memory: not counted, tried again later */
		u->ss = a->ss;
		u->tp = a->tp;
		u->group = b->group;
		u->idx = b->cur;
		LIST_INSERT_HEAD(&e->uses, u, entry);
	}
	u->n++;
	b->use = u;
}

void
sip_binding_notify(struct sipreg_binding *b)
{
	struct sipreg_status st;

	sip_binding_use_sync(b);
	window_settle(b);
	if (b->e->statush == NULL || b->zombie || b->remove_after)
		return; /* the user already let go of it */
	sipreg_binding_status(b, &st);
	if (b->e->ka_note == b) { /* once: not in what the handler causes */
		const struct sip_addr *a = &b->addrs[b->e->ka_note_idx];

		st.ka_event = b->e->ka_note_online ? SIPREG_KA_ONLINE
						   : SIPREG_KA_OFFLINE;
		st.ka_index = (int)b->e->ka_note_idx;
		st.ka_code = b->e->ka_note_online ? a->last_code : -1;
		b->e->ka_note = NULL;
	}
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
	sip_ka_stop(b); /* the addresses may have changed */
	b->pinned = false;
	b->cur = 0;
	sip_binding_use_sync(b);
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
	sip_ka_stop(b);
	b->zombie = true;
	if (unregister &&
	    (b->state == SIPREG_REGISTERED || b->state == SIPREG_REFRESHING ||
	     b->state == SIPREG_UNREGISTERING)) {
		b->remove_after = true;
		if (b->state != SIPREG_UNREGISTERING ||
		    (!sip_tx_busy(&b->tx) && !b->waiting))
			start_cycle(b, true);
		sip_engine_run(b->e);
		return;
	}
	sip_tx_abort(&b->tx);
	release(b);
}

int
sipreg_binding_register(struct sipreg_binding *b)
{
	if (b == NULL || b->zombie)
		return -EINVAL;
	b->started = true;
	if (b->ka_mode == SIPREG_KA_OPTIONS && sip_ka_start(b) != 0)
		return -ENOMEM;
	if ((sip_tx_busy(&b->tx) || b->waiting) && !b->want_unreg)
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
	if ((sip_tx_busy(&b->tx) || b->waiting) && b->want_unreg)
		return 0;
	sip_ka_stop(b);
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

/* "host:port" into buf (cut to size), without printf (status is hot). */
static void
host_port(char *buf, size_t size, const char *host, uint16_t port)
{
	char num[8], *p = num + sizeof(num);
	size_t n;

	*--p = '\0';
	do {
		*--p = (char)('0' + port % 10);
		port /= 10;
	} while (port > 0);
	*--p = ':';
	copy_str(buf, size, host);
	n = strlen(buf);
	copy_str(buf + n, size - n, p);
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
	if (b->tkind == SIP_TMR_START && b->tmr.slot != 0)
		st->refresh_in =
			b->tmr.due > now
				? (int64_t)((b->tmr.due - now + 999) / 1000)
				: 0;
	st->last_code = b->last_code;
	copy_str(st->last_reason, sizeof(st->last_reason), b->last_reason);
	copy_str(st->last_error, sizeof(st->last_error), b->last_error);
	st->last_success_ms = b->last_success_ms;
	st->last_success_time = b->last_success_time;
	st->counters = b->c;
	if (b->contact_host[0] != '\0')
		host_port(st->contact, sizeof(st->contact), b->contact_host,
			  b->contact_port);
	return 0;
}

int
sipreg_binding_cand_status(const struct sipreg_binding *b, size_t idx,
			   size_t cand, struct sipreg_cand_status *st)
{
	const struct sip_ka_state *ka = NULL;
	const struct sip_dns_target *t;
	const struct sip_use *u;
	const struct sip_addr *a;
	union sip_sa ss;
	enum sipreg_transport tp;
	uint64_t age = 0;

	if (b == NULL || st == NULL || idx >= b->naddrs)
		return -EINVAL;
	a = &b->addrs[idx];
	memset(st, 0, sizeof(*st));
	st->ttl_left = -1;
	st->online = -1;
	if (a->dns == NULL) { /* a literal: itself */
		if (cand > 0 || !a->resolved)
			return -ENOENT;
		ss = a->ss;
		tp = a->tp;
		st->rr = SIPREG_RR_LITERAL;
	} else {
		if ((t = sip_dns_target(a->dns, cand, &age)) == NULL)
			return -ENOENT;
		ss = t->ss;
		/* SRV and NAPTR targets carry the transport looked up */
		tp = t->rr == SIPREG_RR_SRV || t->rr == SIPREG_RR_NAPTR ? t->tp
									: a->tp;
		if (ss.sa.sa_family == AF_INET)
			ss.in.sin_port =
				htons(t->port != 0 ? t->port : a->port);
		else
			ss.in6.sin6_port =
				htons(t->port != 0 ? t->port : a->port);
		snprintf(st->name, sizeof(st->name), "%s", t->name);
		st->rr = t->rr;
		st->priority = t->priority;
		st->weight = t->weight;
		if (t->has_ttl)
			st->ttl_left =
				(uint64_t)t->ttl * 1000 > age
					? (int64_t)(((uint64_t)t->ttl * 1000 -
						     age + 999) /
						    1000)
					: 0;
	}
	sip_addr_format(&ss, st->addr, sizeof(st->addr), true);
	st->port = ntohs(ss.sa.sa_family == AF_INET ? ss.in.sin_port
						    : ss.in6.sin6_port);
	st->in_use = sip_addr_is(a, &ss, tp);
	u = use_find(b->e, b->group, idx, &ss, tp);
	st->users = u != NULL ? u->n : 0;
	if (b->ka_mode == SIPREG_KA_OPTIONS &&
	    (ka = sip_ka_known(b->e, &ss, tp)) != NULL) {
		st->online = ka->online;
		st->last_code = ka->last_code;
		st->last_ms = ka->last_ms;
	}
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
	st->candidates = a->dns != NULL ? (unsigned)sip_dns_count(a->dns)
			 : a->resolved	? 1
					: 0;
	st->online = a->online;
	st->last_code = a->last_code;
	st->last_ms = a->last_ms;
	return 0;
}
