/* SPDX-License-Identifier: ISC */
/*
 * Client transactions: the non-INVITE client transaction of RFC 3261
 * §17.1.2 (Trying, Proceeding, then Completed at the final response),
 * written for the engine rather than taken from libosip2.
 *
 * libosip2's osip_transaction_t embeds an osip_srv_record_t (10 SRV
 * entries of 1 KB names, <osip2/osip.h>): about 15 KB allocated and
 * cleared per REGISTER, and its NICT needs the request parsed back into
 * an osip_message_t that is then freed with the transaction.  Here an
 * owner embeds a slot (struct sip_tx) and a running transaction is a
 * struct sip_txn from the engine's pool: the request text as sent, its
 * branch (found again through a hash), its result, and one heap timer
 * that is Timer E (UDP retransmission: T1, doubling up to T2; T2 once a
 * provisional response came) or Timer F (64*T1), whichever is due
 * first.  Owners that are not registering hold no transaction.  Responses are still parsed by libosip2 (osip_parse()), so what
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
	struct sip_txn **nb = calloc(n, sizeof(*nb)), *t, *next;

	if (nb == NULL)
		return -ENOMEM;
	for (i = 0; i < e->nbucket; i++) {
		for (t = e->bucket[i]; t != NULL; t = next) {
			next = t->hnext;
			t->hnext = nb[branch_hash(t->branch) & (n - 1)];
			nb[branch_hash(t->branch) & (n - 1)] = t;
		}
	}
	free(e->bucket);
	e->bucket = nb;
	e->nbucket = n;
	return 0;
}

static int
map_add(struct sipreg_engine *e, struct sip_txn *t)
{
	size_t i;
	int rc;

	if (e->ntx + 1 > e->nbucket && (rc = map_grow(e)) != 0)
		return rc;
	i = branch_hash(t->branch) & (e->nbucket - 1);
	t->hnext = e->bucket[i];
	e->bucket[i] = t;
	e->ntx++;
	return 0;
}

static void
map_del(struct sipreg_engine *e, struct sip_txn *t)
{
	struct sip_txn **pp;

	if (e->nbucket == 0)
		return;
	pp = &e->bucket[branch_hash(t->branch) & (e->nbucket - 1)];
	for (; *pp != NULL; pp = &(*pp)->hnext) {
		if (*pp == t) {
			*pp = t->hnext;
			t->hnext = NULL;
			e->ntx--;
			return;
		}
	}
}

/* The running transaction of branch, or NULL. */
static struct sip_tx *
map_find(struct sipreg_engine *e, const char *branch)
{
	struct sip_txn *t;

	if (e->nbucket == 0)
		return NULL;
	t = e->bucket[branch_hash(branch) & (e->nbucket - 1)];
	for (; t != NULL; t = t->hnext)
		if (strcmp(t->branch, branch) == 0)
			return t->tx->busy && t->tx->t == t ? t->tx : NULL;
	return NULL;
}

/* Stop tx's transaction (out of the hash, timer off), free its request. */
static void
unhook(struct sip_tx *tx)
{
	struct sip_txn *t = tx->t;

	if (t == NULL)
		return;
	if (tx->busy) {
		map_del(tx->e, t);
		tx->busy = false;
	}
	sip_engine_cancel(tx->e, &t->tmr);
	free(t->raw);
	t->raw = NULL;
	t->rawlen = 0;
}

static void
pend(struct sip_tx *tx)
{
	if (!tx->pending) {
		tx->pending = true;
		TAILQ_INSERT_TAIL(&tx->e->pending, tx->t, pentry);
	}
}

/* Off the pending list, the transaction stopped; the result stays. */
static void
stop(struct sip_tx *tx)
{
	if (tx->pending) {
		TAILQ_REMOVE(&tx->e->pending, tx->t, pentry);
		tx->pending = false;
	}
	unhook(tx);
}

/* The transaction is over, its result recorded: done() follows. */
static void
finish(struct sip_tx *tx)
{
	unhook(tx);
	pend(tx);
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
	struct sip_txn *t = tx->t;
	int rc;

	e->send_err[0] = '\0';
	e->send_reused = false;
	e->send_conn = 0;
	sip_trace(tx, true, t->raw, t->rawlen);
	if (t->dst->tp == SIPREG_TP_UDP)
		rc = e->tp->send(e->tpctx, t->raw, t->rawlen, &t->dst->ss);
	else if (e->tp->stream_send != NULL)
		rc = e->tp->stream_send(e->tpctx, t->raw, t->rawlen,
					&t->dst->ss, t->dst->tp);
	else
		rc = sip_stream_send(e, t->dst, t->raw, t->rawlen);
	t->conn_id = e->send_conn;
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
	struct sip_txn *t = tx->t;
	uint64_t due = t->f_due;

	if (t->e_ms > 0 && t->e_due < due)
		due = t->e_due;
	sip_engine_arm(tx->e, &t->tmr, due > now ? due - now : 0);
}

static void
on_timer(struct sip_tmr *tm)
{
	struct sip_txn *t = SIP_CONTAINER(tm, struct sip_txn, tmr);
	struct sip_tx *tx = t->tx;
	uint64_t now = sip_engine_now(tx->e);

	if (!tx->busy || tx->t != t)
		return;
	if (now >= t->f_due && (t->e_ms == 0 || t->f_due <= t->e_due)) {
		memset(tx->res, 0, sizeof(*tx->res)); /* Timer F */
		tx->res->kind = SIP_RES_TIMEOUT;
		finish(tx);
		return;
	}
	/* Timer E: RFC 3261 §17.1.2.2 */
	t->e_ms = t->proceeding ? T2_MS
				: (t->e_ms * 2 > T2_MS ? T2_MS : t->e_ms * 2);
	t->e_due = now + t->e_ms;
	if (tx_send(tx) != 0) {
		transport_error(tx);
		return;
	}
	rearm(tx, now);
}

static void
txn_attach(struct sip_tx *tx, struct sip_txn *t)
{
	memset(t, 0, sizeof(*t));
	t->tx = tx;
	t->tmr.h = on_timer;
	t->res.retry_after = tx->kept_retry_after;
	tx->t = t;
	tx->res = &t->res;
}

void
sip_tx_init(struct sip_tx *tx, struct sipreg_engine *e,
	    const struct sip_tx_ops *ops, struct sip_txn *fixed)
{
	memset(tx, 0, sizeof(*tx));
	tx->e = e;
	tx->ops = ops;
	if (fixed != NULL) {
		txn_attach(tx, fixed);
		tx->fixed = true;
	}
}

/* A transaction from the pool for tx (its last retry_after kept). */
static int
txn_take(struct sip_tx *tx)
{
	struct sipreg_engine *e = tx->e;
	struct sip_txn *t;

	if (tx->t != NULL)
		return 0;
	if ((t = e->txn_free) != NULL)
		e->txn_free = t->next;
	else if ((t = malloc(sizeof(*t))) == NULL)
		return -ENOMEM;
	txn_attach(tx, t);
	return 0;
}

void
sip_tx_release(struct sip_tx *tx)
{
	struct sip_txn *t = tx->t;

	if (tx->fixed || t == NULL || tx->busy || tx->pending)
		return;
	unhook(tx);
	tx->kept_retry_after = t->res.retry_after;
	t->next = tx->e->txn_free;
	tx->e->txn_free = t;
	tx->t = NULL;
	tx->res = NULL;
}

int64_t
sip_tx_retry_after(const struct sip_tx *tx)
{
	return tx->res != NULL ? tx->res->retry_after : tx->kept_retry_after;
}

const struct sip_addr *
sip_tx_dst(const struct sip_tx *tx)
{
	return tx->busy ? tx->t->dst : NULL;
}

uint64_t
sip_tx_conn(const struct sip_tx *tx)
{
	return tx->busy ? tx->t->conn_id : 0;
}

struct sip_tx *
sip_tx_next_pending(struct sipreg_engine *e)
{
	struct sip_txn *t = TAILQ_FIRST(&e->pending);

	if (t == NULL)
		return NULL;
	TAILQ_REMOVE(&e->pending, t, pentry);
	t->tx->pending = false;
	return t->tx;
}

/* Free the engine's pool (every owner has given its transaction back). */
static void
txn_pool_free(struct sipreg_engine *e)
{
	struct sip_txn *t;

	while ((t = e->txn_free) != NULL) {
		e->txn_free = t->next;
		free(t);
	}
}

bool
sip_tx_busy(const struct sip_tx *tx)
{
	return tx->busy;
}

/* The value of the first header line "name: " of request t, or NULL;
 * *len gets its length. */
static const char *
raw_value(const struct sip_txn *t, const char *name, size_t *len)
{
	const char *p = t->raw, *end = t->raw + t->rawlen, *nl;
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
raw_ok(const struct sip_txn *t)
{
	size_t n;

	return memchr(t->raw, ' ', t->rawlen) != NULL && t->raw[0] != ' ' &&
	       raw_value(t, "Via: SIP/2.0/", &n) &&
	       raw_value(t, "Call-ID: ", &n) && raw_value(t, "CSeq: ", &n);
}

int
sip_tx_start(struct sip_tx *tx, char *raw, size_t len,
	     const struct sip_addr *dst, const char *branch)
{
	struct sip_txn *t;
	uint64_t now;
	size_t n;
	int rc;

	if (tx->busy)
		stop(tx);
	if ((rc = txn_take(tx)) != 0) {
		free(raw);
		return rc;
	}
	t = tx->t;
	free(t->raw);
	t->raw = raw;
	t->rawlen = len;
	if (len < 8 || len > SIP_REQ_MAX || !raw_ok(t)) {
		unhook(tx);
		return -EINVAL;
	}
	n = strnlen(branch, sizeof(t->branch) - 1);
	memcpy(t->branch, branch, n);
	t->branch[n] = '\0';
	t->dst = dst;
	if ((rc = map_add(tx->e, t)) != 0) {
		unhook(tx);
		return rc;
	}
	tx->busy = true;
	t->proceeding = false;
	now = sip_engine_now(tx->e);
	t->start_ms = now;
	t->f_due = now + TF_MS;
	/* retransmissions on UDP only (RFC 3261 §17.1.2.2) */
	t->e_ms = dst->tp == SIPREG_TP_UDP ? T1_MS : 0;
	t->e_due = now + t->e_ms;
	if (tx_send(tx) != 0)
		transport_error(tx);
	else
		rearm(tx, now);
	return 0;
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
	if (tx->t == NULL && txn_take(tx) != 0)
		return; /* not running: cannot happen for pooled ones */
	memset(tx->res, 0, sizeof(*tx->res));
	tx->res->kind = kind;
}

void
sip_tx_fail(struct sip_tx *tx, const char *why, bool reused)
{
	if (!tx->busy)
		return;
	stop(tx);
	memset(tx->res, 0, sizeof(*tx->res));
	tx->res->kind = SIP_RES_TRANSPORT;
	snprintf(tx->res->reason, sizeof(tx->res->reason), "%.95s", why);
	tx->res->conn_reused = reused;
	pend(tx);
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
sent_by(const struct sip_txn *t, const char **host, size_t *hlen,
	unsigned long *port)
{
	const char *v, *end, *sp, *colon;
	size_t n;

	if ((v = raw_value(t, "Via: SIP/2.0/", &n)) == NULL ||
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
	    got->host == NULL || !sent_by(tx->t, &host, &hlen, &port))
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

	const struct sip_txn *t = tx->t;

	return n > 0 && n < t->rawlen && t->raw[n] == ' ' &&
	       memcmp(t->raw, method, n) == 0;
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
	sip_trace(tx, false, e->rx_raw, e->rx_len);
	code = osip_message_get_status_code(ev->sip);
	if (code < 200) { /* Proceeding: Timer E at T2 from its next run */
		tx->t->proceeding = code >= 100;
	} else {
		sip_engine_rtt_sample(e, sip_engine_now(e) - tx->t->start_ms);
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
	    (cid = raw_value(tx->t, "Call-ID: ", &n)) == NULL ||
	    strlen(callid) != n || memcmp(cid, callid, n) != 0)
		return -ENOENT;
	stop(tx);
	memset(tx->res, 0, sizeof(*tx->res));
	tx->res->kind = SIP_RES_MALFORMED;
	tx->res->code = code;
	snprintf(tx->res->reason, sizeof(tx->res->reason), "%s",
		 "malformed response");
	pend(tx);
	return 0;
}

void
sip_tx_engine_free(struct sipreg_engine *e)
{
	txn_pool_free(e);
	free(e->bucket);
	e->bucket = NULL;
	e->nbucket = 0;
}
