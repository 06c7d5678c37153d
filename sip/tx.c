/* SPDX-License-Identifier: ISC */
/*
 * Client transactions: the non-INVITE client transaction of RFC 3261
 * §17.1.2 (Trying, Proceeding, then Completed at the final response),
 * written for the engine rather than taken from libosip2.
 *
 * libosip2's osip_transaction_t embeds an osip_srv_record_t (10 SRV
 * entries of 1 KB names, <osip2/osip.h>): about 15 KB allocated and
 * cleared per REGISTER, and its NICT needs the request parsed back into
 * an osip_message_t that is then freed with the transaction.  Here a
 * transaction is its owner's embedded slot: the request text as sent,
 * its branch (found again through a hash), and one heap timer that is
 * Timer E (UDP retransmission: T1, doubling up to T2; T2 once a
 * provisional response came) or Timer F (64*T1), whichever is due
 * first.  Responses are still parsed by libosip2 (osip_parse()), so what
 * counts as a response is unchanged.
 *
 * Timer K is not kept: once the final response is processed the
 * transaction is over, so a retransmitted final response is dropped and
 * counted as stray instead of being absorbed (same effect for a client,
 * and completed transactions cost no memory).
 *
 * record() runs as soon as a final response is matched; done() runs
 * from sip_engine_run(), so an owner never reacts while the engine is
 * in the middle of dispatching.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sip/sip_int.h"

#define T1_MS 500u	     /* RFC 3261 §17.1.1.1 */
#define T2_MS 4000u	     /* RFC 3261 §17.1.2.2 */
#define TF_MS SIP_TIMER_F_MS /* 64*T1 */

static size_t
branch_hash(const char *s)
{
	size_t h = 2166136261u;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static int
map_grow(struct sipreg_engine *e)
{
	size_t n = e->nbucket ? 2 * e->nbucket : 256, i;
	struct sip_tx **nb = calloc(n, sizeof(*nb)), *tx, *next;

	if (nb == NULL)
		return -ENOMEM;
	for (i = 0; i < e->nbucket; i++) {
		for (tx = e->bucket[i]; tx != NULL; tx = next) {
			next = tx->hnext;
			tx->hnext = nb[branch_hash(tx->branch) & (n - 1)];
			nb[branch_hash(tx->branch) & (n - 1)] = tx;
		}
	}
	free(e->bucket);
	e->bucket = nb;
	e->nbucket = n;
	return 0;
}

static int
map_add(struct sipreg_engine *e, struct sip_tx *tx)
{
	size_t i;
	int rc;

	if (e->ntx + 1 > e->nbucket && (rc = map_grow(e)) != 0)
		return rc;
	i = branch_hash(tx->branch) & (e->nbucket - 1);
	tx->hnext = e->bucket[i];
	e->bucket[i] = tx;
	e->ntx++;
	return 0;
}

static void
map_del(struct sipreg_engine *e, struct sip_tx *tx)
{
	struct sip_tx **pp;

	if (e->nbucket == 0)
		return;
	pp = &e->bucket[branch_hash(tx->branch) & (e->nbucket - 1)];
	for (; *pp != NULL; pp = &(*pp)->hnext) {
		if (*pp == tx) {
			*pp = tx->hnext;
			tx->hnext = NULL;
			e->ntx--;
			return;
		}
	}
}

static struct sip_tx *
map_find(struct sipreg_engine *e, const char *branch)
{
	struct sip_tx *tx;

	if (e->nbucket == 0)
		return NULL;
	tx = e->bucket[branch_hash(branch) & (e->nbucket - 1)];
	for (; tx != NULL; tx = tx->hnext)
		if (strcmp(tx->branch, branch) == 0)
			return tx;
	return NULL;
}

static void stop(struct sip_tx *tx);

/* Stop tx (out of the hash, timer off) and free its request. */
static void
unhook(struct sip_tx *tx)
{
	struct sipreg_engine *e = tx->e;

	if (tx->busy) {
		map_del(e, tx);
		tx->busy = false;
	}
	sip_engine_cancel(e, &tx->tmr);
	free(tx->raw);
	tx->raw = NULL;
	tx->rawlen = 0;
}

/* The transaction is over, its result recorded: done() follows. */
static void
finish(struct sip_tx *tx)
{
	struct sipreg_engine *e = tx->e;

	unhook(tx);
	if (!tx->pending) {
		tx->pending = true;
		TAILQ_INSERT_TAIL(&e->pending, tx, pentry);
	}
}

/* End tx with a transport error: why the last send failed. */
static void
transport_error(struct sip_tx *tx)
{
	memset(tx->res, 0, sizeof(*tx->res));
	tx->res->kind = SIP_RES_TRANSPORT;
	snprintf(tx->res->reason, sizeof(tx->res->reason), "%.95s",
		 tx->e->send_err);
	tx->res->conn_reused = tx->e->send_reused;
	finish(tx);
}

/* Send (or resend) the request: 0 or a negative errno, send_err set. */
static int
tx_send(struct sip_tx *tx)
{
	struct sipreg_engine *e = tx->e;
	int rc;

	e->send_err[0] = '\0';
	e->send_reused = false;
	e->send_conn = 0;
	if (tx->dst->tp == SIPREG_TP_UDP)
		rc = e->tp->send(e->tpctx, tx->raw, tx->rawlen, &tx->dst->ss);
	else if (e->tp->stream_send != NULL)
		rc = e->tp->stream_send(e->tpctx, tx->raw, tx->rawlen,
					&tx->dst->ss, tx->dst->tp);
	else
		rc = sip_stream_send(e, tx->dst, tx->raw, tx->rawlen);
	tx->conn_id = e->send_conn;
	if (rc != 0) {
		if (e->send_err[0] == '\0')
			snprintf(e->send_err, sizeof(e->send_err), "%s",
				 strerror(-rc));
		sip_engine_log(e, SIP_LOG_DEBUG, "send: %s", strerror(-rc));
	}
	return rc;
}

/* Arm the earlier of Timer E (when running) and Timer F (F on a tie). */
static void
rearm(struct sip_tx *tx, uint64_t now)
{
	uint64_t due = tx->f_due;

	if (tx->e_ms > 0 && tx->e_due < due)
		due = tx->e_due;
	sip_engine_arm(tx->e, &tx->tmr, due > now ? due - now : 0);
}

static void
on_timer(struct sip_tmr *t)
{
	struct sip_tx *tx = SIP_CONTAINER(t, struct sip_tx, tmr);
	uint64_t now = sip_engine_now(tx->e);

	if (!tx->busy)
		return;
	if (now >= tx->f_due && (tx->e_ms == 0 || tx->f_due <= tx->e_due)) {
		memset(tx->res, 0, sizeof(*tx->res)); /* Timer F */
		tx->res->kind = SIP_RES_TIMEOUT;
		finish(tx);
		return;
	}
	/* Timer E: RFC 3261 §17.1.2.2 */
	tx->e_ms = tx->proceeding
			   ? T2_MS
			   : (tx->e_ms * 2 > T2_MS ? T2_MS : tx->e_ms * 2);
	tx->e_due = now + tx->e_ms;
	if (tx_send(tx) != 0) {
		transport_error(tx);
		return;
	}
	rearm(tx, now);
}

void
sip_tx_init(struct sip_tx *tx, struct sipreg_engine *e,
	    const struct sip_tx_ops *ops, struct sip_result *res)
{
	memset(tx, 0, sizeof(*tx));
	tx->e = e;
	tx->ops = ops;
	tx->tmr.h = on_timer;
	tx->res = res;
	tx->res_fixed = res != NULL;
	tx->kept_retry_after = 0;
}

/* A pooled result for tx (its last retry_after kept), or -ENOMEM. */
static int
res_take(struct sip_tx *tx)
{
	struct sipreg_engine *e = tx->e;
	struct sip_result *r;

	if (tx->res != NULL)
		return 0;
	if ((r = e->res_free) != NULL)
		e->res_free = r->next;
	else if ((r = malloc(sizeof(*r))) == NULL)
		return -ENOMEM;
	memset(r, 0, sizeof(*r));
	r->retry_after = tx->kept_retry_after;
	tx->res = r;
	return 0;
}

void
sip_tx_release(struct sip_tx *tx)
{
	struct sip_result *r = tx->res;

	if (tx->res_fixed || r == NULL || tx->busy || tx->pending)
		return;
	tx->kept_retry_after = r->retry_after;
	r->next = tx->e->res_free;
	tx->e->res_free = r;
	tx->res = NULL;
}

int64_t
sip_tx_retry_after(const struct sip_tx *tx)
{
	return tx->res != NULL ? tx->res->retry_after : tx->kept_retry_after;
}

/* Free the engine's pool (every owner has given its result back). */
static void
sip_tx_pool_free(struct sipreg_engine *e)
{
	struct sip_result *r;

	while ((r = e->res_free) != NULL) {
		e->res_free = r->next;
		free(r);
	}
}

bool
sip_tx_busy(const struct sip_tx *tx)
{
	return tx->busy;
}

/* The value of the first header line "name: " of our request, or NULL;
 * *len gets its length. */
static const char *
raw_value(const struct sip_tx *tx, const char *name, size_t *len)
{
	const char *p = tx->raw, *end = tx->raw + tx->rawlen, *nl;
	size_t n = strlen(name);

	while (p < end && (nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		if (nl == p || (nl == p + 1 && *p == '\r'))
			break; /* end of the header */
		if ((size_t)(nl - p) > n && strncasecmp(p, name, n) == 0) {
			p += n;
			*len = (size_t)(nl - p) - (nl[-1] == '\r' ? 1 : 0);
			return p;
		}
		p = nl + 1;
	}
	return NULL;
}

/* Whether the request text has what a transaction needs: a method, the
 * top Via with its sent-by, a Call-ID and a CSeq. */
static bool
raw_ok(const struct sip_tx *tx)
{
	size_t n;

	return memchr(tx->raw, ' ', tx->rawlen) != NULL && tx->raw[0] != ' ' &&
	       raw_value(tx, "Via: SIP/2.0/", &n) &&
	       raw_value(tx, "Call-ID: ", &n) && raw_value(tx, "CSeq: ", &n);
}

int
sip_tx_start(struct sip_tx *tx, char *raw, size_t len,
	     const struct sip_addr *dst, const char *branch)
{
	uint64_t now;
	int rc;

	if (tx->busy)
		stop(tx);
	free(tx->raw);
	tx->raw = raw;
	tx->rawlen = len;
	if (len < 8 || len > SIP_REQ_MAX || !raw_ok(tx)) {
		unhook(tx);
		return -EINVAL;
	}
	if ((rc = res_take(tx)) != 0) {
		unhook(tx);
		return rc;
	}
	snprintf(tx->branch, sizeof(tx->branch), "%s", branch);
	tx->dst = dst;
	if ((rc = map_add(tx->e, tx)) != 0) {
		unhook(tx);
		return rc;
	}
	tx->busy = true;
	tx->proceeding = false;
	now = sip_engine_now(tx->e);
	tx->start_ms = now;
	tx->f_due = now + TF_MS;
	/* retransmissions on UDP only (RFC 3261 §17.1.2.2) */
	tx->e_ms = dst->tp == SIPREG_TP_UDP ? T1_MS : 0;
	tx->e_due = now + tx->e_ms;
	if (tx_send(tx) != 0)
		transport_error(tx);
	else
		rearm(tx, now);
	return 0;
}

/* Off the pending list, the transaction stopped; the result stays. */
static void
stop(struct sip_tx *tx)
{
	struct sipreg_engine *e = tx->e;

	if (tx->pending) {
		TAILQ_REMOVE(&e->pending, tx, pentry);
		tx->pending = false;
	}
	if (tx->busy)
		unhook(tx);
}

void
sip_tx_abort(struct sip_tx *tx)
{
	stop(tx);
	sip_tx_release(tx);
}

void
sip_tx_end(struct sip_tx *tx, enum sip_result_kind kind)
{
	stop(tx);
	if (tx->res == NULL && res_take(tx) != 0)
		return; /* not running: cannot happen for pooled results */
	memset(tx->res, 0, sizeof(*tx->res));
	tx->res->kind = kind;
}

void
sip_tx_fail(struct sip_tx *tx, const char *why, bool reused)
{
	struct sipreg_engine *e = tx->e;

	if (!tx->busy)
		return;
	stop(tx);
	memset(tx->res, 0, sizeof(*tx->res));
	tx->res->kind = SIP_RES_TRANSPORT;
	snprintf(tx->res->reason, sizeof(tx->res->reason), "%.95s", why);
	tx->res->conn_reused = reused;
	tx->pending = true;
	TAILQ_INSERT_TAIL(&e->pending, tx, pentry);
}

/* The top Via's branch of a parsed message, or NULL. */
static const char *
top_branch(osip_message_t *m)
{
	osip_via_t *via = osip_list_get(&m->vias, 0);
	osip_generic_param_t *p = NULL;

	if (via == NULL ||
	    osip_via_param_get_byname(via, "branch", &p) != OSIP_SUCCESS ||
	    p == NULL || p->gvalue == NULL)
		return NULL;
	return p->gvalue;
}

/* Port of a Via sent-by, 0 when absent (the transport's default). */
static unsigned long
via_port(const osip_via_t *v)
{
	return v->port != NULL ? strtoul(v->port, NULL, 10) : 0;
}

/* h (len n, maybe "[v6]") without its brackets. */
static void
unbracket(const char **h, size_t *n)
{
	if (*n > 1 && (*h)[0] == '[' && (*h)[*n - 1] == ']') {
		(*h)++;
		*n -= 2;
	}
}

/*
 * The sent-by of our request's Via ("SIP/2.0/UDP host:port;..."): host
 * (no brackets) and port, 0 when absent.
 */
static bool
sent_by(const struct sip_tx *tx, const char **host, size_t *hlen,
	unsigned long *port)
{
	const char *v, *end, *sp, *colon;
	size_t n;

	if ((v = raw_value(tx, "Via: SIP/2.0/", &n)) == NULL ||
	    (sp = memchr(v, ' ', n)) == NULL)
		return false;
	end = v + n;
	v = sp + 1;
	for (sp = v; sp < end && *sp != ';' && *sp != ' '; sp++)
		;
	end = sp;
	colon = NULL;
	for (sp = end; sp > v; sp--) {
		if (sp[-1] == ']')
			break;
		if (sp[-1] == ':') {
			colon = sp - 1;
			break;
		}
	}
	*port = colon != NULL ? strtoul(colon + 1, NULL, 10) : 0;
	*host = v;
	*hlen = (size_t)((colon != NULL ? colon : end) - v);
	unbracket(host, hlen);
	return *hlen > 0;
}

/*
 * RFC 3261 §8.1.3.3: a response must carry exactly one Via, and its
 * sent-by must be the one we put in the request.
 */
static bool
via_ours(osip_message_t *resp, const struct sip_tx *tx)
{
	osip_via_t *got = osip_list_get(&resp->vias, 0);
	const char *host, *gh;
	unsigned long port;
	size_t hlen, glen;

	if (osip_list_size(&resp->vias) != 1 || got == NULL ||
	    got->host == NULL || !sent_by(tx, &host, &hlen, &port))
		return false;
	gh = got->host;
	glen = strlen(gh);
	unbracket(&gh, &glen);
	return glen == hlen && strncasecmp(gh, host, hlen) == 0 &&
	       via_port(got) == port;
}

/* Whether method (NUL-terminated) is our request's. */
static bool
same_method(const struct sip_tx *tx, const char *method)
{
	size_t n = strlen(method);

	return n > 0 && n < tx->rawlen && tx->raw[n] == ' ' &&
	       memcmp(tx->raw, method, n) == 0;
}

bool
sip_tx_input(struct sipreg_engine *e, osip_event_t *ev)
{
	const char *branch = top_branch(ev->sip);
	struct sip_tx *tx;
	int code;

	if (branch == NULL || (tx = map_find(e, branch)) == NULL || !tx->busy ||
	    ev->sip->cseq == NULL || ev->sip->cseq->method == NULL ||
	    !same_method(tx, ev->sip->cseq->method))
		return false;
	if (!via_ours(ev->sip, tx)) {
		e->stats.via_mismatch++;
		sip_engine_log(e, SIP_LOG_DEBUG,
			       "dropped response: Via not ours or not one "
			       "(%d Via)",
			       osip_list_size(&ev->sip->vias));
		osip_event_free(ev);
		return true;
	}
	code = osip_message_get_status_code(ev->sip);
	if (code < 200) { /* Proceeding: Timer E at T2 from its next run */
		tx->proceeding = code >= 100;
	} else {
		sip_engine_rtt_sample(e, sip_engine_now(e) - tx->start_ms);
		tx->ops->record(tx, ev->sip);
		finish(tx);
	}
	osip_event_free(ev);
	return true;
}

int
sip_tx_malformed(struct sipreg_engine *e, const char *branch,
		 const char *method, const char *callid, int code)
{
	struct sip_tx *tx;
	const char *cid;
	size_t n;

	if (branch == NULL || method == NULL || callid == NULL ||
	    (tx = map_find(e, branch)) == NULL || !tx->busy ||
	    !same_method(tx, method) ||
	    (cid = raw_value(tx, "Call-ID: ", &n)) == NULL ||
	    strlen(callid) != n || memcmp(cid, callid, n) != 0)
		return -ENOENT;
	stop(tx);
	memset(tx->res, 0, sizeof(*tx->res));
	tx->res->kind = SIP_RES_MALFORMED;
	tx->res->code = code;
	snprintf(tx->res->reason, sizeof(tx->res->reason), "%s",
		 "malformed response");
	tx->pending = true;
	TAILQ_INSERT_TAIL(&e->pending, tx, pentry);
	return 0;
}

void
sip_tx_engine_free(struct sipreg_engine *e)
{
	sip_tx_pool_free(e);
	free(e->bucket);
	e->bucket = NULL;
	e->nbucket = 0;
}
