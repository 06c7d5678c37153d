/* SPDX-License-Identifier: ISC */
/*
 * Client transactions on libosip2 NICT state machines, without osip's
 * global lists.
 *
 * osip keeps transactions in linked lists that osip_nict_execute(),
 * osip_timers_nict_execute(), osip_timers_gettimeout() and
 * osip_find_transaction_and_add_event() walk in full, and appending or
 * removing walks them too: at 10,000 bindings that was ~1 ms of CPU per
 * registration.  Here each transaction is removed from osip's list right
 * after osip_transaction_init() (the list never holds more than one, so
 * that is O(1)), found again by its Via branch in a hash, fed with
 * osip_transaction_execute() directly, and its timers E and F (whose
 * deadlines osip keeps in the public nict_context) are driven from the
 * engine's heap.  osip still builds the state machine, retransmits and
 * times out exactly as RFC 3261 §17.1.2 says.
 *
 * Timer K is not kept: once the final response is processed the
 * transaction is freed, so a retransmitted final response is dropped and
 * counted as stray instead of being absorbed (same effect for a client,
 * and completed transactions cost no memory).
 *
 * libosip2 rules followed (reference §3): callbacks only record; the
 * transactions killed inside them are freed after
 * osip_transaction_execute() returns; osip_transaction_execute() is
 * never called from inside a callback.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <osip2/osip_time.h>

#include "sip/sip_int.h"

#define DEAD_MARK ((void *)1)

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

/* Queue an osip transaction for freeing once osip has returned. */
static void
bury(struct sipreg_engine *e, osip_transaction_t *tr)
{
	osip_transaction_t **d;

	if (osip_transaction_get_reserved2(tr) == DEAD_MARK)
		return;
	if (e->ndead == e->dead_cap) {
		size_t cap = e->dead_cap ? 2 * e->dead_cap : 16;

		if ((d = realloc(e->dead, cap * sizeof(*d))) == NULL) {
			/* leak rather than free inside osip's call */
			sip_engine_log(e, SIP_LOG_ERR, "out of memory");
			return;
		}
		e->dead = d;
		e->dead_cap = cap;
	}
	osip_transaction_set_reserved2(tr, DEAD_MARK);
	e->dead[e->ndead++] = tr;
}

void
sip_tx_reap(struct sipreg_engine *e)
{
	size_t i;

	for (i = 0; i < e->ndead; i++)
		osip_transaction_free2(e->dead[i]);
	e->ndead = 0;
}

/* Detach tx from its osip transaction and clear its request. */
static void
unhook(struct sip_tx *tx)
{
	struct sipreg_engine *e = tx->e;

	if (tx->tr != NULL) {
		osip_transaction_set_reserved1(tx->tr, NULL);
		map_del(e, tx);
		tx->tr = NULL;
	}
	sip_engine_cancel(e, &tx->tmr);
	free(tx->raw);
	tx->raw = NULL;
	tx->rawlen = 0;
}

/* Inside a callback: the transaction is over, its result recorded. */
static void
finish(struct sip_tx *tx, osip_transaction_t *tr)
{
	struct sipreg_engine *e = tx->e;

	unhook(tx);
	bury(e, tr);
	if (!tx->pending) {
		tx->pending = true;
		TAILQ_INSERT_TAIL(&e->pending, tx, pentry);
	}
}

static struct sip_tx *
tr_tx(osip_transaction_t *tr)
{
	struct sip_tx *tx = osip_transaction_get_reserved1(tr);

	return tx != NULL && tx->tr == tr ? tx : NULL;
}

static void
cb_final(int type, osip_transaction_t *tr, osip_message_t *resp)
{
	struct sip_tx *tx = tr_tx(tr);

	(void)type;
	if (tx == NULL)
		return;
	sip_engine_rtt_sample(tx->e, sip_engine_now(tx->e) - tx->start_ms);
	tx->ops->record(tx, resp);
	finish(tx, tr);
}

static void
cb_timeout(int type, osip_transaction_t *tr, osip_message_t *msg)
{
	struct sip_tx *tx = tr_tx(tr);

	(void)type;
	(void)msg;
	if (tx == NULL)
		return;
	memset(&tx->res, 0, sizeof(tx->res));
	tx->res.kind = SIP_RES_TIMEOUT;
	finish(tx, tr);
}

static void
cb_transport(int type, osip_transaction_t *tr, int error)
{
	struct sip_tx *tx = tr_tx(tr);

	(void)type;
	(void)error;
	if (tx == NULL)
		return;
	memset(&tx->res, 0, sizeof(tx->res));
	tx->res.kind = SIP_RES_TRANSPORT;
	snprintf(tx->res.reason, sizeof(tx->res.reason), "%.95s",
		 tx->e->send_err);
	tx->res.conn_reused = tx->e->send_reused;
	finish(tx, tr);
}

static void
cb_kill(int type, osip_transaction_t *tr)
{
	struct sipreg_engine *e = osip_get_application_context(tr->config);
	struct sip_tx *tx = tr_tx(tr);

	(void)type;
	if (tx != NULL) { /* killed without a result */
		memset(&tx->res, 0, sizeof(tx->res));
		tx->res.kind = SIP_RES_TIMEOUT;
		finish(tx, tr);
	}
	bury(e, tr);
}

static int
cb_send(osip_transaction_t *tr, osip_message_t *m, char *host, int port,
	int out_socket)
{
	struct sip_tx *tx = tr_tx(tr);
	struct sipreg_engine *e;
	int rc;

	(void)m;
	(void)host;
	(void)port;
	(void)out_socket;
	if (tx == NULL)
		return 0; /* nothing to send for a detached transaction */
	e = tx->e;
	e->send_err[0] = '\0';
	e->send_reused = false;
	e->send_conn = 0;
	sip_trace(tx, true, tx->raw, tx->rawlen);
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
	return rc == 0 ? 0 : -1;
}

void
sip_tx_setup_osip(osip_t *o)
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

/* ms from osip's clock until tv (0 when past), or -1 for "not armed". */
static int64_t
osip_delay(const struct timeval *tv, const struct timeval *now)
{
	int64_t d;

	if (tv->tv_sec == -1)
		return -1;
	d = ((int64_t)tv->tv_sec - now->tv_sec) * 1000000 +
	    ((int64_t)tv->tv_usec - now->tv_usec);
	return d > 0 ? (d + 999) / 1000 : 0;
}

/* Re-arm tx's timer from osip's own deadlines after an event. */
static void
rearm(struct sip_tx *tx)
{
	osip_transaction_t *tr = tx->tr;
	osip_nict_t *n;
	struct timeval now;
	int64_t de = -1, df;

	if (tr == NULL || (n = tr->nict_context) == NULL ||
	    (tr->state != NICT_TRYING && tr->state != NICT_PROCEEDING)) {
		sip_engine_cancel(tx->e, &tx->tmr);
		return;
	}
	osip_gettimeofday(&now, NULL);
	if (n->timer_e_length > 0)
		de = osip_delay(&n->timer_e_start, &now);
	df = osip_delay(&n->timer_f_start, &now);
	if (df >= 0 && (de < 0 || df <= de)) {
		tx->tevent = TIMEOUT_F;
		sip_engine_arm(tx->e, &tx->tmr, (uint64_t)df);
	} else if (de >= 0) {
		tx->tevent = TIMEOUT_E;
		sip_engine_arm(tx->e, &tx->tmr, (uint64_t)de);
	} else {
		sip_engine_cancel(tx->e, &tx->tmr);
	}
}

/* Run one event on tx's transaction, then free what osip killed. */
static void
execute(struct sip_tx *tx, osip_event_t *ev)
{
	struct sipreg_engine *e = tx->e;

	osip_transaction_execute(tx->tr, ev);
	if (tx->tr != NULL)
		rearm(tx);
	sip_tx_reap(e);
}

static void
on_timer(struct sip_tmr *t)
{
	struct sip_tx *tx = SIP_CONTAINER(t, struct sip_tx, tmr);
	osip_event_t *ev;

	if (tx->tr == NULL)
		return;
	if ((ev = osip_malloc(sizeof(*ev))) == NULL) {
		sip_engine_arm(tx->e, &tx->tmr, 100);
		return;
	}
	memset(ev, 0, sizeof(*ev));
	ev->type = tx->tevent;
	ev->transactionid = tx->tr->transactionid;
	execute(tx, ev);
}

void
sip_tx_init(struct sip_tx *tx, struct sipreg_engine *e,
	    const struct sip_tx_ops *ops)
{
	memset(tx, 0, sizeof(*tx));
	tx->e = e;
	tx->ops = ops;
	tx->tmr.h = on_timer;
}

bool
sip_tx_busy(const struct sip_tx *tx)
{
	return tx->tr != NULL;
}

/*
 * The part of a request osip's NICT needs (start line, Via, From, To,
 * Call-ID, CSeq: the first lines we write): parsing only that halves the
 * cost of a transaction, and the full text is what goes on the wire.
 */
static size_t
head_len(const char *raw, size_t len)
{
	const char *p = raw, *end = raw + len, *nl;

	while (p < end && (nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		if (strncmp(p, "CSeq:", 5) == 0)
			return (size_t)(nl + 1 - raw);
		p = nl + 1;
	}
	return len;
}

static int
new_transaction(struct sip_tx *tx, const char *raw, size_t len,
		osip_transaction_t **out, osip_message_t **msg)
{
	struct sipreg_engine *e = tx->e;
	size_t n = head_len(raw, len);
	osip_message_t *m;
	osip_transaction_t *tr;
	char *head;
	int rc;

	if ((head = malloc(n + 3)) == NULL)
		return -ENOMEM;
	memcpy(head, raw, n);
	memcpy(head + n, "\r\n", 3);
	if (osip_message_init(&m) != OSIP_SUCCESS) {
		free(head);
		return -ENOMEM;
	}
	rc = osip_message_parse(m, head, n + 2);
	free(head);
	if (rc != OSIP_SUCCESS) {
		osip_message_free(m);
		return -EINVAL;
	}
	if (osip_transaction_init(&tr, NICT, e->osip, m) != OSIP_SUCCESS) {
		osip_message_free(m);
		return -ENOMEM;
	}
	/* off osip's list at once: it never holds more than this one */
	osip_remove_transaction(e->osip, tr);
	*out = tr;
	*msg = m;
	return 0;
}

int
sip_tx_start(struct sip_tx *tx, char *raw, size_t len,
	     const struct sip_addr *dst, const char *branch)
{
	osip_transaction_t *tr;
	osip_message_t *m;
	osip_event_t *ev;
	int rc;

	if (tx->tr != NULL)
		sip_tx_abort(tx);
	if ((rc = new_transaction(tx, raw, len, &tr, &m)) != 0) {
		free(raw);
		return rc;
	}
	if ((ev = osip_new_outgoing_sipmessage(m)) == NULL) {
		osip_transaction_free2(tr); /* m is not the transaction's yet */
		osip_message_free(m);
		free(raw);
		return -ENOMEM;
	}
	snprintf(tx->branch, sizeof(tx->branch), "%s", branch);
	tx->raw = raw;
	tx->rawlen = len;
	tx->dst = dst;
	tx->tr = tr;
	tx->start_ms = sip_engine_now(tx->e);
	if ((rc = map_add(tx->e, tx)) != 0) {
		tx->tr = NULL;
		osip_transaction_free2(tr);
		osip_message_free(ev->sip);
		osip_free(ev);
		unhook(tx);
		return rc;
	}
	osip_transaction_set_reserved1(tr, tx);
	ev->transactionid = tr->transactionid;
	execute(tx, ev);
	return 0;
}

void
sip_tx_abort(struct sip_tx *tx)
{
	osip_transaction_t *tr = tx->tr;
	struct sipreg_engine *e = tx->e;

	if (tx->pending) {
		TAILQ_REMOVE(&e->pending, tx, pentry);
		tx->pending = false;
	}
	if (tr == NULL)
		return;
	unhook(tx);
	osip_transaction_free2(tr);
}

void
sip_tx_fail(struct sip_tx *tx, const char *why, bool reused)
{
	struct sipreg_engine *e = tx->e;

	if (tx->tr == NULL)
		return;
	sip_tx_abort(tx);
	memset(&tx->res, 0, sizeof(tx->res));
	tx->res.kind = SIP_RES_TRANSPORT;
	snprintf(tx->res.reason, sizeof(tx->res.reason), "%.95s", why);
	tx->res.conn_reused = reused;
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

/*
 * RFC 3261 §8.1.3.3: a response must carry exactly one Via, and its
 * sent-by must be the one we put in the request.
 */
static bool
via_ours(osip_message_t *resp, osip_transaction_t *tr)
{
	osip_via_t *got = osip_list_get(&resp->vias, 0), *sent;

	if (osip_list_size(&resp->vias) != 1 || got == NULL ||
	    got->host == NULL || tr->orig_request == NULL ||
	    (sent = osip_list_get(&tr->orig_request->vias, 0)) == NULL ||
	    sent->host == NULL)
		return false;
	return strcasecmp(got->host, sent->host) == 0 &&
	       via_port(got) == via_port(sent);
}

bool
sip_tx_input(struct sipreg_engine *e, osip_event_t *ev)
{
	const char *branch = top_branch(ev->sip);
	struct sip_tx *tx;

	if (branch == NULL || (tx = map_find(e, branch)) == NULL ||
	    tx->tr == NULL || ev->sip->cseq == NULL ||
	    ev->sip->cseq->method == NULL || tx->tr->cseq == NULL ||
	    strcmp(ev->sip->cseq->method, tx->tr->cseq->method) != 0)
		return false;
	if (!via_ours(ev->sip, tx->tr)) {
		e->stats.via_mismatch++;
		sip_engine_log(e, SIP_LOG_DEBUG,
			       "dropped response: Via not ours or not one "
			       "(%d Via)",
			       osip_list_size(&ev->sip->vias));
		osip_event_free(ev);
		return true;
	}
	ev->transactionid = tx->tr->transactionid;
	sip_trace(tx, false, e->rx_raw, e->rx_len);
	execute(tx, ev);
	return true;
}

int
sip_tx_malformed(struct sipreg_engine *e, const char *branch,
		 const char *method, const char *callid, int code)
{
	struct sip_tx *tx;
	osip_call_id_t *cid;
	char *want = NULL;
	bool same;

	if (branch == NULL || method == NULL || callid == NULL ||
	    (tx = map_find(e, branch)) == NULL || tx->tr == NULL ||
	    tx->tr->cseq == NULL || tx->tr->cseq->method == NULL ||
	    strcmp(tx->tr->cseq->method, method) != 0 ||
	    (cid = tx->tr->callid) == NULL ||
	    osip_call_id_to_str(cid, &want) != OSIP_SUCCESS)
		return -ENOENT;
	same = strcmp(want, callid) == 0;
	osip_free(want);
	if (!same)
		return -ENOENT;
	sip_tx_abort(tx);
	memset(&tx->res, 0, sizeof(tx->res));
	tx->res.kind = SIP_RES_MALFORMED;
	tx->res.code = code;
	snprintf(tx->res.reason, sizeof(tx->res.reason), "%s",
		 "malformed response");
	tx->pending = true;
	TAILQ_INSERT_TAIL(&e->pending, tx, pentry);
	return 0;
}

void
sip_tx_engine_free(struct sipreg_engine *e)
{
	sip_tx_reap(e);
	free(e->dead);
	free(e->bucket);
	e->dead = NULL;
	e->bucket = NULL;
	e->nbucket = 0;
}
