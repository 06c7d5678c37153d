/* SPDX-License-Identifier: ISC */
/*
 * The engine: the poll-loop interface, the timer heap and dispatch.
 * Transactions live in tx.c; results are processed here, outside
 * libosip2's callbacks, by sip_engine_run().
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sip/sip_int.h"

static uint64_t
default_clock(void *arg)
{
	struct timespec ts;

	(void)arg;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static uint32_t
default_rand(void *arg)
{
	uint32_t r = 0;

	(void)arg;
	if (sip_random(&r, sizeof(r)) != 0)
		r = (uint32_t)default_clock(NULL) * 2654435761u;
	return r;
}

uint64_t
sip_engine_now(struct sipreg_engine *e)
{
	return e->clockh(e->clock_arg);
}

uint32_t
sip_engine_rand(struct sipreg_engine *e)
{
	return e->randh(e->rand_arg);
}

const char *
sip_engine_intern(struct sipreg_engine *e, const char *s, size_t max)
{
	size_t n = strnlen(s, max - 1), i;
	char **v, *c;

	for (i = 0; i < e->ninterned; i++)
		if (strncmp(e->interned[i], s, n) == 0 &&
		    e->interned[i][n] == '\0')
			return e->interned[i];
	if (e->ninterned >= SIP_INTERN_MAX)
		return NULL;
	if ((c = malloc(n + 1)) == NULL)
		return NULL;
	if ((v = realloc(e->interned, (e->ninterned + 1) * sizeof(*v))) ==
	    NULL) {
		free(c);
		return NULL;
	}
	memcpy(c, s, n);
	c[n] = '\0';
	e->interned = v;
	e->interned[e->ninterned++] = c;
	return c;
}

void
sip_engine_log(struct sipreg_engine *e, int level, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (e->logh == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	e->logh(level, msg, e->log_arg);
}

void
sip_engine_arm(struct sipreg_engine *e, struct sip_tmr *t, uint64_t delay_ms)
{
	sip_heap_arm(&e->heap, t, sip_engine_now(e) + delay_ms);
}

void
sip_engine_cancel(struct sipreg_engine *e, struct sip_tmr *t)
{
	sip_heap_cancel(&e->heap, t);
}

static void
reap_zombies(struct sipreg_engine *e)
{
	struct sipreg_binding *b, *tmp;

	TAILQ_FOREACH_SAFE(b, &e->bindings, entry, tmp)
	{
		if (b->zombie && !sip_tx_busy(&b->tx) && !b->remove_after)
			sip_binding_free(b);
	}
}

void
sip_engine_run(struct sipreg_engine *e)
{
	struct sip_tx *tx;

	if (e->depth > 0)
		return; /* the outer run picks the work up */
	e->depth++;
	for (;;) {
		if ((tx = sip_tx_next_pending(e)) != NULL) {
			tx->ops->done(tx);
			continue;
		}
		sip_binding_drain(e);
		if (TAILQ_EMPTY(&e->pending))
			break;
	}
	e->depth--;
	if (e->reaping) {
		e->reaping = false;
		reap_zombies(e);
	}
}

/*
 * libosip2 as packaged prints its traces to stdout (it would corrupt the
 * TAP output of tests and the daemon's terminal): silence it; bad input
 * is counted by the engine instead.  The trace table is process-global.
 */
static void
osip_trace_drop(const char *fi, int li, osip_trace_level_t level,
		const char *fmt, va_list ap)
{
	(void)fi;
	(void)li;
	(void)level;
	(void)fmt;
	(void)ap;
}

static void
silence_osip(void)
{
	/* a function sink with no level enabled: nothing reaches stdout */
	osip_trace_initialize_func(TRACE_LEVEL0, osip_trace_drop);
}

static void
unreg_deadline(struct sip_tmr *t)
{
	struct sipreg_engine *e =
		SIP_CONTAINER(t, struct sipreg_engine, unreg_tmr);
	struct sipreg_binding *b, *tmp;

	TAILQ_FOREACH_SAFE(b, &e->bindings, entry, tmp)
	{
		/* the cases sip_binding_give_up() stops */
		if (b->state == SIPREG_UNREGISTERING &&
		    (!b->zombie || b->remove_after))
			e->stats.unreg_abandoned++;
		sip_binding_give_up(b);
	}
}

static int
opt_strdup(char **dst, const char *src)
{
	*dst = NULL;
	if (src != NULL && (*dst = strdup(src)) == NULL)
		return -ENOMEM;
	return 0;
}

/* The configured Contact host: letters, digits and "-._:" (IPv6 in
 * brackets or not), stored as written in a URI. */
static int
contact_init(struct sipreg_engine *e, const struct sipreg_engine_cfg *cfg)
{
	const char *h = cfg->contact_host, *p;
	size_t n;
	bool v6;

	e->contact_port = cfg->contact_port;
	e->nat_rewrite = cfg->nat_contact_rewrite;
	if (h == NULL)
		return 0;
	n = strlen(h);
	if (n > 1 && h[0] == '[' && h[n - 1] == ']') {
		h++;
		n -= 2;
	}
	if (n == 0 || n > SIPREG_ADDR_STRLEN - 3)
		return -EINVAL;
	for (p = h; p < h + n; p++)
		if (!isalnum((unsigned char)*p) && strchr("-._:", *p) == NULL)
			return -EINVAL;
	v6 = memchr(h, ':', n) != NULL;
	if ((e->contact_host = malloc(n + 3)) == NULL)
		return -ENOMEM;
	snprintf(e->contact_host, n + 3, "%s%.*s%s", v6 ? "[" : "", (int)n, h,
		 v6 ? "]" : "");
	return 0;
}

static int
engine_init(struct sipreg_engine *e, const struct sipreg_engine_cfg *cfg)
{
	unsigned rate = cfg->pace_rate > 0 ? cfg->pace_rate : 50;
	int rc;

	TAILQ_INIT(&e->bindings);
	TAILQ_INIT(&e->conns);
	TAILQ_INIT(&e->kagroups);
	LIST_INIT(&e->uses);
	TAILQ_INIT(&e->waitq);
	TAILQ_INIT(&e->pending);
	e->max_inflight =
		cfg->max_inflight > 0 ? cfg->max_inflight : SIP_DEF_INFLIGHT;
	e->window = cfg->register_window;
	e->unreg_rate = cfg->unreg_pace_off   ? 0
			: cfg->unreg_rate > 0 ? cfg->unreg_rate
					      : SIPREG_UNREG_RATE;
	e->conn_idle_ms =
		(uint64_t)(cfg->conn_idle_s > 0 ? cfg->conn_idle_s : 120) *
		1000;
	e->logh = cfg->logh;
	e->log_arg = cfg->log_arg;
	e->statush = cfg->statush;
	e->status_arg = cfg->status_arg;
	e->clockh = cfg->clockh != NULL ? cfg->clockh : default_clock;
	e->clock_arg = cfg->clock_arg;
	e->randh = cfg->randh != NULL ? cfg->randh : default_rand;
	e->rand_arg = cfg->rand_arg;
	sip_pacer_init(&e->pacer, cfg->pace_off ? 0 : rate,
		       cfg->pace_burst > 0 ? cfg->pace_burst : rate,
		       sip_engine_now(e));
	e->user_agent = strdup(cfg->user_agent ? cfg->user_agent : "gwagent");
	e->rxbuf = malloc(SIP_MAX_DATAGRAM + 1);
	e->txbuf = malloc(SIP_REQ_MAX);
	if (e->user_agent == NULL || e->rxbuf == NULL || e->txbuf == NULL)
		return -ENOMEM;
	if (opt_strdup(&e->tls_ca, cfg->tls_ca_file) != 0 ||
	    opt_strdup(&e->tls_cert, cfg->tls_cert_file) != 0 ||
	    opt_strdup(&e->tls_key, cfg->tls_key_file) != 0)
		return -ENOMEM;
	e->tls_verify = cfg->tls_verify >= 0;
	if ((rc = contact_init(e, cfg)) != 0)
		return rc;
	if ((rc = sip_dns_create(e, cfg->dns_refresh_s, cfg->dns_servers)) != 0)
		return rc;
	silence_osip();
	/* libosip2 parses messages (osip_parse() needs the parser_init()
	 * of osip_init()); transactions are tx.c's own */
	if (osip_init(&e->osip) != OSIP_SUCCESS)
		return -ENOMEM;
	e->pace_tmr.h = sip_engine_pace_timer;
	e->unreg_tmr.h = unreg_deadline;
	return sip_heap_reserve(&e->heap, 2);
}

int
sip_engine_create_tp(struct sipreg_engine **out,
		     const struct sipreg_engine_cfg *cfg,
		     const struct sip_transport_ops *tp, void *tpctx)
{
	static const struct sipreg_engine_cfg defaults;
	struct sipreg_engine *e;
	int rc;

	if (out == NULL || tp == NULL) {
		if (tp != NULL)
			tp->destroy(tpctx);
		return -EINVAL;
	}
	if ((e = calloc(1, sizeof(*e))) == NULL) {
		tp->destroy(tpctx);
		return -ENOMEM;
	}
	e->tp = tp;
	e->tpctx = tpctx;
	if ((rc = engine_init(e, cfg != NULL ? cfg : &defaults)) != 0) {
		sipreg_engine_destroy(e);
		return rc;
	}
	*out = e;
	return 0;
}

int
sipreg_engine_create(struct sipreg_engine **out,
		     const struct sipreg_engine_cfg *cfg)
{
	void *ctx;
	int rc;

	if (out == NULL)
		return -EINVAL;
	rc = sip_udp_create(&ctx, cfg != NULL ? cfg->local_addr : NULL,
			    cfg != NULL ? cfg->local_port : 0);
	if (rc != 0)
		return rc;
	return sip_engine_create_tp(out, cfg, &sip_udp_ops, ctx);
}

void
sipreg_engine_destroy(struct sipreg_engine *e)
{
	struct sipreg_binding *b;

	if (e == NULL)
		return;
	while ((b = TAILQ_FIRST(&e->bindings)) != NULL)
		sip_binding_free(b);
	sip_stream_free_all(e);
	sip_dns_destroy(e);
	sip_tx_engine_free(e);
	if (e->osip != NULL)
		osip_release(e->osip);
	if (e->tp != NULL)
		e->tp->destroy(e->tpctx);
	sip_heap_free(&e->heap);
	free(e->user_agent);
	free(e->contact_host);
	free(e->tls_ca);
	free(e->tls_cert);
	free(e->tls_key);
	free(e->rxbuf);
	free(e->txbuf);
	while (e->ninterned > 0)
		free(e->interned[--e->ninterned]);
	free(e->interned);
	free(e);
}

int
sipreg_engine_pollfds(const struct sipreg_engine *e, struct pollfd *fds,
		      size_t nfds)
{
	size_t n = 0;
	int fd;

	if (e == NULL || (fds == NULL && nfds > 0))
		return -EINVAL;
	if ((fd = e->tp->fd(e->tpctx)) >= 0) {
		if (nfds >= 1) {
			fds[0].fd = fd;
			fds[0].events = POLLIN;
			fds[0].revents = 0;
		}
		n++;
	}
	n += (size_t)sip_stream_pollfds(e, n < nfds ? fds + n : NULL,
					n < nfds ? nfds - n : 0);
	n += (size_t)sip_dns_pollfds(e, n < nfds ? fds + n : NULL,
				     n < nfds ? nfds - n : 0);
	return (int)n;
}

int64_t
sip_engine_binding_timeout(struct sipreg_engine *e)
{
	struct sip_tmr *t = sip_heap_top(&e->heap);
	uint64_t now;

	if (t == NULL)
		return -1;
	now = sip_engine_now(e);
	return t->due > now ? (int64_t)(t->due - now) : 0;
}

int
sipreg_engine_next_timeout(struct sipreg_engine *e)
{
	int64_t best, dns;

	if (e == NULL)
		return -1;
	best = sip_engine_binding_timeout(e);
	dns = sip_dns_timeout(e);
	if (dns >= 0 && (best < 0 || dns < best))
		best = dns;
	if (best > INT32_MAX)
		best = INT32_MAX;
	return (int)best;
}

static bool
is_response(const char *buf, size_t len)
{
	return len >= 8 && strncmp(buf, "SIP/2.0 ", 8) == 0;
}

/* First value of a header (long or compact name) into buf, "" if none. */
struct raw_first {
	char *buf;
	size_t size;
	bool found;
};

static void
raw_first_h(const char *v, size_t len, void *arg)
{
	struct raw_first *f = arg;
	size_t n;

	if (f->found)
		return;
	f->found = true;
	for (n = 0; n < len && v[n] != ','; n++)
		;
	while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	if (n >= f->size)
		n = f->size - 1;
	memcpy(f->buf, v, n);
	f->buf[n] = '\0';
}

static bool
raw_header(const char *buf, size_t len, const char *name, const char *compact,
	   char *out, size_t size)
{
	struct raw_first f = { out, size, false };

	out[0] = '\0';
	sip_msg_foreach_header(buf, len, name, raw_first_h, &f);
	if (!f.found && compact != NULL)
		sip_msg_foreach_header(buf, len, compact, raw_first_h, &f);
	return f.found && out[0] != '\0';
}

/* The branch parameter of a raw Via value, in place. */
static const char *
raw_branch(char *via)
{
	char *p = via, *end;

	while ((p = strchr(p, ';')) != NULL) {
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (strncasecmp(p, "branch", 6) != 0)
			continue;
		p += 6;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p != '=')
			continue;
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		for (end = p;
		     *end != '\0' && *end != ';' && *end != ' ' && *end != '\t';
		     end++)
			;
		*end = '\0';
		return *p != '\0' ? p : NULL;
	}
	return NULL;
}

/*
 * Whether a message is whole: its header ends, and its body has the
 * Content-Length it announces (RFC 3261 §18.3: a datagram cut short is
 * discarded, not read).
 */
static bool
raw_complete(const char *buf, size_t len)
{
	const char *end = NULL;
	char cl[32], *e;
	unsigned long want;
	size_t i, body;

	for (i = 0; i + 1 < len && end == NULL; i++) {
		if (buf[i] == '\n' && buf[i + 1] == '\n')
			end = buf + i + 2;
		else if (buf[i] == '\n' && i + 2 < len && buf[i + 1] == '\r' &&
			 buf[i + 2] == '\n')
			end = buf + i + 3;
	}
	if (end == NULL)
		return false;
	body = len - (size_t)(end - buf);
	if (!raw_header(buf, len, "Content-Length", "l", cl, sizeof(cl)))
		return true;
	want = strtoul(cl, &e, 10);
	return e != cl && want <= body;
}

/*
 * A response libosip2 rejected: when its status code, top Via branch,
 * CSeq method and Call-ID can still be read, it ends its transaction as a
 * failure (the registrar did answer) rather than being taken for silence.
 */
static bool
malformed_response(struct sipreg_engine *e, const char *buf, size_t len)
{
	char via[256], cseq[64], callid[256], *m, *end;
	const char *branch;
	long code;

	if (!is_response(buf, len) || !raw_complete(buf, len))
		return false;
	code = strtol(buf + 8, &end, 10);
	if (end != buf + 11 || code < 100 || code > 699 ||
	    !raw_header(buf, len, "Via", "v", via, sizeof(via)) ||
	    (branch = raw_branch(via)) == NULL ||
	    !raw_header(buf, len, "CSeq", NULL, cseq, sizeof(cseq)) ||
	    !raw_header(buf, len, "Call-ID", "i", callid, sizeof(callid)))
		return false;
	strtoul(cseq, &m, 10);
	while (*m == ' ' || *m == '\t')
		m++;
	if (m == cseq || *m == '\0' || code < 200 ||
	    sip_tx_malformed(e, branch, m, callid, (int)code) != 0)
		return false;
	e->stats.bad_responses++;
	sip_engine_log(e, SIP_LOG_INFO,
		       "malformed %ld response to %s (branch %s): "
		       "transaction failed",
		       code, m, branch);
	return true;
}

/* Unparsable input is logged at most once per 10 s. */
static void
log_unparsable(struct sipreg_engine *e, size_t len)
{
	uint64_t now = sip_engine_now(e);

	if (e->unparsable_logged && now - e->unparsable_log_ms < 10000) {
		e->unparsable_quiet++;
		return;
	}
	if (e->unparsable_quiet > 0)
		sip_engine_log(e, SIP_LOG_INFO,
			       "dropped %zu-byte message: unparsable (and %llu "
			       "more since the last report)",
			       len, (unsigned long long)e->unparsable_quiet);
	else
		sip_engine_log(e, SIP_LOG_INFO,
			       "dropped %zu-byte message: unparsable", len);
	e->unparsable_logged = true;
	e->unparsable_log_ms = now;
	e->unparsable_quiet = 0;
}

void
sip_engine_input(struct sipreg_engine *e, const char *buf, size_t len)
{
	osip_event_t *ev;

	e->stats.rx++;
	if (len < 8 || (ev = osip_parse(buf, len)) == NULL) {
		if (len >= 8 && malformed_response(e, buf, len)) {
			sip_engine_run(e);
			return;
		}
		e->stats.malformed++;
		log_unparsable(e, len);
		return;
	}
	if (!is_response(buf, len) || ev->sip == NULL ||
	    !MSG_IS_RESPONSE(ev->sip)) {
		if (ev->sip != NULL && MSG_IS_REQUEST(ev->sip)) {
			e->stats.requests++;
			sip_request_answer(e, ev->sip);
		} else {
			e->stats.malformed++;
			log_unparsable(e, len);
		}
		osip_event_free(ev);
		return;
	}
	/* the challenges are read from the raw text during the callbacks */
	e->rx_raw = buf;
	e->rx_len = len;
	if (!sip_tx_input(e, ev)) {
		e->stats.stray++;
		osip_event_free(ev);
	}
	e->rx_raw = NULL;
	e->rx_len = 0;
	sip_engine_run(e);
}

int
sipreg_engine_readable(struct sipreg_engine *e, int fd)
{
	union sip_sa from;
	int n, i;

	if (e == NULL || fd < 0)
		return -EINVAL;
	if (fd != e->tp->fd(e->tpctx)) {
		if (sip_stream_io(e, fd) != 0 && sip_dns_io(e, fd) != 0)
			return -EINVAL;
		sip_engine_run(e);
		return 0;
	}
	for (i = 0; i < 1024; i++) { /* bounded: let the loop breathe */
		n = e->tp->recv(e->tpctx, e->rxbuf, SIP_MAX_DATAGRAM, &from);
		if (n < 0)
			break;
		e->rxbuf[n] = '\0';
		e->rx_src.tp = SIPREG_TP_UDP;
		e->rx_src.from = from;
		e->rx_src.conn = NULL;
		e->rx_src.known = true;
		sip_engine_input(e, e->rxbuf, (size_t)n);
		e->rx_src.known = false;
	}
	return 0;
}

/* Fire every timer that is due, earliest first. */
int
sipreg_engine_timeout(struct sipreg_engine *e)
{
	struct sip_tmr *t;
	uint64_t now;

	if (e == NULL)
		return -EINVAL;
	sip_dns_expire(e);
	now = sip_engine_now(e);
	e->depth++;
	while ((t = sip_heap_top(&e->heap)) != NULL && t->due <= now) {
		sip_heap_cancel(&e->heap, t);
		t->h(t);
	}
	e->depth--;
	sip_engine_run(e);
	return 0;
}

int
sipreg_engine_set_dns_refresh(struct sipreg_engine *e, unsigned seconds)
{
	if (e == NULL)
		return -EINVAL;
	sip_dns_set_refresh(e, seconds);
	return 0;
}

int
sipreg_engine_stats(const struct sipreg_engine *e,
		    struct sipreg_engine_stats *st)
{
	if (e == NULL || st == NULL)
		return -EINVAL;
	*st = e->stats;
	st->window_used = e->nwindow;
	return 0;
}

int
sipreg_engine_register_all(struct sipreg_engine *e)
{
	struct sipreg_binding *b, *tmp;

	if (e == NULL)
		return -EINVAL;
	TAILQ_FOREACH_SAFE(b, &e->bindings, entry, tmp)
	{
		if (!b->zombie)
			sipreg_binding_register(b);
	}
	return 0;
}

int
sipreg_engine_unregister_all(struct sipreg_engine *e)
{
	struct sipreg_binding *b, *tmp;

	if (e == NULL)
		return -EINVAL;
	TAILQ_FOREACH_SAFE(b, &e->bindings, entry, tmp)
	{
		if (b->zombie || b->state == SIPREG_UNREGISTERING)
			continue;
		if (sip_binding_may_be_registered(b))
			sipreg_binding_unregister(b);
		else if (b->state != SIPREG_UNREGISTERED)
			sip_binding_stop(b);
	}
	return 0;
}

bool
sip_addr_is(const struct sip_addr *a, const union sip_sa *peer,
	    enum sipreg_transport tp)
{
	return a->tp == tp && a->resolved && sip_addr_equal(&a->ss, peer);
}

bool
sip_engine_addr_in_use(struct sipreg_engine *e, const union sip_sa *peer,
		       enum sipreg_transport tp)
{
	struct sipreg_binding *b;

	TAILQ_FOREACH(b, &e->bindings, entry)
	{
		if (sip_tx_busy(&b->tx) &&
		    sip_addr_is(sip_tx_dst(&b->tx), peer, tp))
			return true;
		if (!b->zombie && b->cur < b->naddrs &&
		    b->state != SIPREG_IDLE &&
		    b->state != SIPREG_UNREGISTERED &&
		    sip_addr_is(&b->addrs[b->cur], peer, tp))
			return true;
	}
	return sip_ka_uses(e, peer, tp);
}

void
sip_engine_conn_lost(struct sipreg_engine *e, const union sip_sa *peer,
		     enum sipreg_transport tp, uint64_t conn_id,
		     const char *why, bool reused)
{
	struct sipreg_binding *b, *tmp;

	e->depth++;
	sip_ka_conn_lost(e, peer, tp, conn_id, why, reused);
	TAILQ_FOREACH_SAFE(b, &e->bindings, entry, tmp)
	{
		bool busy = sip_tx_busy(&b->tx) &&
			    sip_addr_is(sip_tx_dst(&b->tx), peer, tp);

		if (busy && (conn_id == 0 || sip_tx_conn(&b->tx) == conn_id))
			sip_tx_fail(&b->tx, why, reused);
		else if (busy)
			continue; /* on a newer connection */
		else if (!b->zombie && b->cur < b->naddrs &&
			 sip_addr_is(&b->addrs[b->cur], peer, tp))
			sip_binding_conn_lost(b);
	}
	e->depth--;
	sip_engine_run(e);
}

void
sip_engine_dns_done(struct sipreg_engine *e, struct sip_dns_entry *d)
{
	struct sipreg_binding *b, *tmp;

	e->depth++;
	TAILQ_FOREACH_SAFE(b, &e->bindings, entry, tmp)
	{
		if (!b->zombie || b->remove_after)
			sip_binding_dns_done(b, d);
	}
	e->depth--;
	sip_engine_run(e);
}

int
sipreg_engine_unregister_all_deadline(struct sipreg_engine *e, unsigned ms)
{
	if (e == NULL)
		return -EINVAL;
	sipreg_engine_unregister_all(e);
	sip_engine_arm(e, &e->unreg_tmr, ms);
	return 0;
}

void
sip_engine_rtt_sample(struct sipreg_engine *e, uint64_t ms)
{
	uint64_t *rtt = &e->stats.rtt_ms;

	/* 1/8 gain, as TCP's SRTT; the first sample sets it; rounded up,
	 * so that once measured it stays at least 1 */
	*rtt = *rtt == 0 ? (ms > 0 ? ms : 1) : (*rtt * 7 + ms + 7) / 8;
}

unsigned
sipreg_unregister_deadline_ms(size_t n, unsigned rate, unsigned rtt_ms,
			      unsigned max_inflight, unsigned max_ms)
{
	uint64_t send = 0, waves, rtt = rtt_ms, ms;

	if (n > UINT_MAX) /* more than any engine holds: no bound but max */
		return max_ms;
	if (rtt > SIP_TR_TIMEOUT_MS)
		rtt = SIP_TR_TIMEOUT_MS;
	if (rate > 0)
		send = ((uint64_t)n * 1000 + rate - 1) / rate;
	if (max_inflight > 0) {
		waves = (n + max_inflight - 1) / max_inflight;
		if (waves * 2 * rtt > send)
			send = waves * 2 * rtt;
	}
	ms = send + 2 * rtt + SIPREG_UNREG_SLACK_MS;
	return ms < max_ms ? (unsigned)ms : max_ms;
}

int
sipreg_engine_shutdown(struct sipreg_engine *e, unsigned max_ms,
		       unsigned *deadline_ms, size_t *n_out)
{
	struct sipreg_binding *b;
	unsigned ms;
	size_t n = 0, bound;

	if (e == NULL)
		return -EINVAL;
	/* the un-REGISTERs outstanding at once: the in-flight bound, or the
	 * register window when it is narrower */
	bound = e->window > 0 && e->window < e->max_inflight ? e->window
							     : e->max_inflight;
	/* a full bucket: the un-REGISTERs start at once up to max_inflight */
	sip_pacer_init(&e->pacer, e->unreg_rate, e->unreg_rate,
		       sip_engine_now(e));
	sipreg_engine_unregister_all(e);
	TAILQ_FOREACH(b, &e->bindings, entry)
	{
		if (b->state == SIPREG_UNREGISTERING)
			n++;
	}
	ms = sipreg_unregister_deadline_ms(
		n, e->unreg_rate,
		(unsigned)(e->stats.rtt_ms < UINT_MAX ? e->stats.rtt_ms
						      : UINT_MAX),
		(unsigned)(bound < UINT_MAX ? bound : UINT_MAX), max_ms);
	sip_engine_arm(e, &e->unreg_tmr, ms);
	if (deadline_ms != NULL)
		*deadline_ms = ms;
	if (n_out != NULL)
		*n_out = n;
	return 0;
}

size_t
sipreg_engine_busy(const struct sipreg_engine *e)
{
	const struct sipreg_binding *b;
	size_t n = 0;

	if (e == NULL)
		return 0;
	TAILQ_FOREACH(b, &e->bindings, entry)
	{
		if (sip_tx_busy(&b->tx) || b->state == SIPREG_UNREGISTERING ||
		    b->state == SIPREG_REGISTERING)
			n++;
	}
	return n;
}
