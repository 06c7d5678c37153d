/* SPDX-License-Identifier: ISC */
/*
 * The engine: libosip2 glue, the poll-loop interface and dispatch.
 *
 * libosip2 rules followed here (reference §3): callbacks only record
 * results on the binding; transactions are removed in the kill callback
 * and freed after osip_nict_execute() returns; every send happens outside
 * callbacks, from sip_engine_run().
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

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
	if (RAND_bytes((unsigned char *)&r, sizeof(r)) != 1)
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

static struct sipreg_binding *
tr_binding(osip_transaction_t *tr)
{
	struct sipreg_binding *b = osip_transaction_get_reserved1(tr);

	return b != NULL && b->tr == tr ? b : NULL;
}

/* Detach the transaction and queue the binding for processing. */
static void
tr_finish(struct sipreg_binding *b, osip_transaction_t *tr)
{
	osip_transaction_set_reserved1(tr, NULL);
	b->tr = NULL;
	if (!b->pending) {
		b->pending = true;
		TAILQ_INSERT_TAIL(&b->e->pending, b, pentry);
	}
}

static void
cb_final(int type, osip_transaction_t *tr, osip_message_t *resp)
{
	struct sipreg_binding *b = tr_binding(tr);

	(void)type;
	if (b == NULL)
		return; /* retransmitted final response, or aborted */
	sip_register_result(b, resp);
	tr_finish(b, tr);
}

static void
cb_timeout(int type, osip_transaction_t *tr, osip_message_t *msg)
{
	struct sipreg_binding *b = tr_binding(tr);

	(void)type;
	(void)msg;
	if (b == NULL)
		return;
	memset(&b->res, 0, sizeof(b->res));
	b->res.kind = SIP_RES_TIMEOUT;
	tr_finish(b, tr);
}

static void
cb_transport(int type, osip_transaction_t *tr, int error)
{
	struct sipreg_binding *b = tr_binding(tr);

	(void)type;
	(void)error;
	if (b == NULL)
		return;
	memset(&b->res, 0, sizeof(b->res));
	b->res.kind = SIP_RES_TRANSPORT;
	tr_finish(b, tr);
}

static void
cb_kill(int type, osip_transaction_t *tr)
{
	struct sipreg_engine *e = osip_get_application_context(tr->config);
	struct sipreg_binding *b = tr_binding(tr);
	osip_transaction_t **d;

	(void)type;
	if (b != NULL) { /* killed without a final response */
		memset(&b->res, 0, sizeof(b->res));
		b->res.kind = SIP_RES_TIMEOUT;
		tr_finish(b, tr);
	}
	osip_remove_transaction(e->osip, tr);
	if (e->ndead == e->dead_cap) {
		size_t cap = e->dead_cap ? 2 * e->dead_cap : 16;

		d = realloc(e->dead, cap * sizeof(*d));
		if (d == NULL) {
			/* leak rather than free inside osip's loop */
			sip_engine_log(e, SIP_LOG_ERR, "out of memory");
			return;
		}
		e->dead = d;
		e->dead_cap = cap;
	}
	e->dead[e->ndead++] = tr;
}

static int
cb_send(osip_transaction_t *tr, osip_message_t *m, char *host, int port,
	int out_socket)
{
	struct sipreg_engine *e = osip_get_application_context(tr->config);
	struct sipreg_binding *b = tr_binding(tr);
	char *buf = NULL;
	size_t len = 0;
	int rc;

	(void)host;
	(void)port;
	(void)out_socket;
	if (b == NULL)
		return 0; /* nothing to send for a detached transaction */
	if (osip_message_to_str(m, &buf, &len) != OSIP_SUCCESS)
		return -1;
	rc = e->tp->send(e->tpctx, buf, len, &b->addrs[b->cur].ss);
	osip_free(buf);
	if (rc != 0)
		sip_engine_log(e, SIP_LOG_DEBUG, "%s@%s: send: %s", b->aor_user,
			       b->aor_host, strerror(-rc));
	return rc == 0 ? 0 : -1;
}

static void
setup_callbacks(osip_t *o)
{
	static const int finals[] = {
		OSIP_NICT_STATUS_2XX_RECEIVED, OSIP_NICT_STATUS_3XX_RECEIVED,
		OSIP_NICT_STATUS_4XX_RECEIVED, OSIP_NICT_STATUS_5XX_RECEIVED,
		OSIP_NICT_STATUS_6XX_RECEIVED,
	};
	size_t i;

	osip_set_cb_send_message(o, cb_send);
	for (i = 0; i < sizeof(finals) / sizeof(finals[0]); i++)
		osip_set_message_callback(o, finals[i], cb_final);
	osip_set_message_callback(o, OSIP_NICT_STATUS_TIMEOUT, cb_timeout);
	osip_set_kill_transaction_callback(o, OSIP_NICT_KILL_TRANSACTION,
					   cb_kill);
	osip_set_transport_error_callback(o, OSIP_NICT_TRANSPORT_ERROR,
					  cb_transport);
}

static void
reap_dead(struct sipreg_engine *e)
{
	size_t i;

	for (i = 0; i < e->ndead; i++)
		osip_transaction_free(e->dead[i]);
	e->ndead = 0;
}

/* Free an aborted transaction now (outside callbacks only). */
void
sip_engine_abort_tr(struct sipreg_engine *e, osip_transaction_t *tr)
{
	osip_transaction_set_reserved1(tr, NULL);
	osip_remove_transaction(e->osip, tr);
	osip_transaction_free(tr);
}

static void
run_pending(struct sipreg_engine *e)
{
	struct sipreg_binding *b;

	while ((b = TAILQ_FIRST(&e->pending)) != NULL) {
		TAILQ_REMOVE(&e->pending, b, pentry);
		b->pending = false;
		sip_binding_on_result(b);
	}
}

static void
reap_zombies(struct sipreg_engine *e)
{
	struct sipreg_binding *b, *tmp;

	TAILQ_FOREACH_SAFE(b, &e->bindings, entry, tmp)
	{
		if (b->zombie && b->tr == NULL && !b->remove_after)
			sip_binding_free(b);
	}
}

void
sip_engine_run(struct sipreg_engine *e)
{
	if (e->depth > 0)
		return; /* the outer run picks the work up */
	e->depth++;
	for (;;) {
		osip_nict_execute(e->osip);
		reap_dead(e);
		if (TAILQ_EMPTY(&e->pending))
			break;
		run_pending(e);
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

static int
engine_init(struct sipreg_engine *e, const struct sipreg_engine_cfg *cfg)
{
	unsigned rate = cfg->pace_rate > 0 ? cfg->pace_rate : 50;

	TAILQ_INIT(&e->bindings);
	TAILQ_INIT(&e->pending);
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
	if (e->user_agent == NULL || e->rxbuf == NULL)
		return -ENOMEM;
	silence_osip();
	if (osip_init(&e->osip) != OSIP_SUCCESS)
		return -ENOMEM;
	osip_set_application_context(e->osip, e);
	setup_callbacks(e->osip);
	return 0;
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
	osip_transaction_t *tr;

	if (e == NULL)
		return;
	while ((b = TAILQ_FIRST(&e->bindings)) != NULL)
		sip_binding_free(b);
	if (e->osip != NULL) {
		while ((tr = osip_list_get(&e->osip->osip_nict_transactions,
					   0)) != NULL)
			sip_engine_abort_tr(e, tr);
		reap_dead(e);
		osip_release(e->osip);
	}
	if (e->tp != NULL)
		e->tp->destroy(e->tpctx);
	free(e->dead);
	free(e->user_agent);
	free(e->rxbuf);
	free(e);
}

int
sipreg_engine_pollfds(const struct sipreg_engine *e, struct pollfd *fds,
		      size_t nfds)
{
	int fd;

	if (e == NULL || (fds == NULL && nfds > 0))
		return -EINVAL;
	if ((fd = e->tp->fd(e->tpctx)) < 0)
		return 0;
	if (nfds >= 1) {
		fds[0].fd = fd;
		fds[0].events = POLLIN;
		fds[0].revents = 0;
	}
	return 1;
}

static int64_t
osip_next_ms(struct sipreg_engine *e)
{
	struct timeval tv = { 0, 0 };

	if (osip_list_eol(&e->osip->osip_nict_transactions, 0))
		return -1;
	osip_timers_gettimeout(e->osip, &tv);
	if (tv.tv_sec < 0 || tv.tv_usec < 0)
		return 0;
	if (tv.tv_sec > 86400)
		return -1;
	return (int64_t)tv.tv_sec * 1000 + (tv.tv_usec + 999) / 1000;
}

int64_t
sip_engine_binding_timeout(struct sipreg_engine *e)
{
	struct sipreg_binding *b;
	uint64_t now = sip_engine_now(e);
	int64_t best = -1, t;

	TAILQ_FOREACH(b, &e->bindings, entry)
	{
		if (b->tkind == SIP_TMR_NONE)
			continue;
		t = b->tdue > now ? (int64_t)(b->tdue - now) : 0;
		if (best < 0 || t < best)
			best = t;
	}
	return best;
}

int
sipreg_engine_next_timeout(struct sipreg_engine *e)
{
	int64_t best, t;

	if (e == NULL)
		return -1;
	best = osip_next_ms(e);
	t = sip_engine_binding_timeout(e);
	if (t >= 0 && (best < 0 || t < best))
		best = t;
	if (best > INT32_MAX)
		best = INT32_MAX;
	return (int)best;
}

static bool
is_response(const char *buf, size_t len)
{
	return len >= 8 && strncmp(buf, "SIP/2.0 ", 8) == 0;
}

void
sip_engine_input(struct sipreg_engine *e, const char *buf, size_t len)
{
	osip_event_t *ev;

	e->stats.rx++;
	if (len < 8 || (ev = osip_parse(buf, len)) == NULL) {
		e->stats.malformed++;
		sip_engine_log(e, SIP_LOG_DEBUG,
			       "dropped %zu-byte datagram: "
			       "unparsable",
			       len);
		return;
	}
	if (!is_response(buf, len) || ev->sip == NULL ||
	    !MSG_IS_RESPONSE(ev->sip)) {
		e->stats.requests++;
		osip_event_free(ev);
		return;
	}
	if (osip_find_transaction_and_add_event(e->osip, ev) != OSIP_SUCCESS) {
		e->stats.stray++;
		osip_event_free(ev);
		return;
	}
	/* the challenges are read from the raw text during the callbacks */
	e->rx_raw = buf;
	e->rx_len = len;
	sip_engine_run(e);
	e->rx_raw = NULL;
	e->rx_len = 0;
}

int
sipreg_engine_readable(struct sipreg_engine *e, int fd)
{
	struct sockaddr_storage from;
	int n, i;

	if (e == NULL || fd < 0 || fd != e->tp->fd(e->tpctx))
		return -EINVAL;
	for (i = 0; i < 256; i++) { /* bounded: let the loop breathe */
		n = e->tp->recv(e->tpctx, e->rxbuf, SIP_MAX_DATAGRAM, &from);
		if (n < 0)
			break;
		e->rxbuf[n] = '\0';
		sip_engine_input(e, e->rxbuf, (size_t)n);
	}
	return 0;
}

int
sipreg_engine_timeout(struct sipreg_engine *e)
{
	struct sipreg_binding *b, *tmp;
	uint64_t now;

	if (e == NULL)
		return -EINVAL;
	osip_timers_nict_execute(e->osip);
	sip_engine_run(e);
	now = sip_engine_now(e);
	e->depth++;
	TAILQ_FOREACH_SAFE(b, &e->bindings, entry, tmp)
	{
		if (b->tkind != SIP_TMR_NONE && b->tdue <= now &&
		    (!b->zombie || b->remove_after))
			sip_binding_on_timer(b, now);
	}
	e->depth--;
	sip_engine_run(e);
	return 0;
}

int
sipreg_engine_stats(const struct sipreg_engine *e,
		    struct sipreg_engine_stats *st)
{
	if (e == NULL || st == NULL)
		return -EINVAL;
	*st = e->stats;
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
		if (!b->zombie)
			sipreg_binding_unregister(b);
	}
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
		if (b->tr != NULL || b->state == SIPREG_UNREGISTERING ||
		    b->state == SIPREG_REGISTERING)
			n++;
	}
	return n;
}
