/* SPDX-License-Identifier: ISC */
/*
 * Proxy keep-alive by OPTIONS (AudioCodes EnableProxyKeepAlive=1), one
 * probe stream per proxy set: bindings whose address lists, transports,
 * keep-alive period and probe deadline are the same share one group, and
 * every keepalive_s the group probes those addresses in turn, one OPTIONS
 * at a time (1,000 accounts on a proxy set send what one does).  Any
 * response marks an address online, a timeout (after the hot-swap
 * deadline when hot swap is on, else Timer F) or a transport error
 * offline; each member whose view of the address changes reacts in
 * sip_binding_addr_changed(): leaving an address that went offline, and
 * Homing back to the primary.  Probes go out through the first member's
 * addresses (the leader); when it leaves, a probe in flight is dropped
 * and sent again through the next one.  Groups exist only for bindings
 * that ask for keep-alive.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip/sip_int.h"

struct sip_ka_state {
	bool online;
	int last_code;
	uint64_t last_ms; /* 0: not probed yet */
};

struct sip_ka {
	TAILQ_ENTRY(sip_ka) entry; /* e->kagroups */
	struct sipreg_engine *e;
	struct sip_ka_members members;
	struct sipreg_binding *cursor; /* next member to tell, or NULL */
	size_t nmembers;
	bool telling; /* in ka_tell(): not freed by sip_ka_stop() */
	char *key;    /* what members share, see ka_key() */
	size_t naddrs;
	uint64_t period_ms;
	uint64_t deadline_ms;
	struct sip_ka_state st[SIPREG_MAX_ADDRS];
	struct sip_tx tx;
	struct sip_txn txn; /* tx's, fixed */
	struct sip_tmr tmr; /* next round, or the probe's deadline */
	size_t idx;	    /* address being probed */
	bool probing;
	uint32_t cseq;
	char call_id[36];
	char tag[20];
};

static void ka_next(struct sip_ka *ka);

static void
ka_record(struct sip_tx *tx, osip_message_t *resp)
{
	memset(tx->res, 0, sizeof(*tx->res));
	tx->res->kind = SIP_RES_RESPONSE;
	tx->res->code = osip_message_get_status_code(resp);
}

#define LEADER(ka) TAILQ_FIRST(&(ka)->members)

static void
ka_free(struct sip_ka *ka)
{
	struct sipreg_engine *e = ka->e;

	sip_tx_abort(&ka->tx);
	sip_engine_cancel(e, &ka->tmr);
	sip_heap_release(&e->heap, 2);
	TAILQ_REMOVE(&e->kagroups, ka, entry);
	e->nkagroups--;
	free(ka->key);
	free(ka);
}

/*
 * Tell every member that address idx is (still) ok or not; members whose
 * view changed react.  Their handlers may remove any member, also the
 * next one (ka->cursor follows); the group outlives the loop and is
 * freed after it when nobody is left.
 */
static void
ka_tell(struct sip_ka *ka, size_t idx)
{
	struct sip_ka_state st = ka->st[idx];
	struct sipreg_binding *m;

	ka->telling = true;
	ka->cursor = LEADER(ka);
	while ((m = ka->cursor) != NULL) {
		struct sip_addr *a = &m->addrs[idx];
		bool changed = a->online != st.online || a->last_ms == 0;

		ka->cursor = TAILQ_NEXT(m, kaentry);
		a->online = st.online;
		a->last_code = st.last_code;
		a->last_ms = st.last_ms;
		if (changed)
			sip_binding_addr_changed(m, idx, st.online);
	}
	ka->telling = false;
	if (ka->nmembers == 0)
		ka_free(ka);
}

/* The probe of ka->idx ended (tx->res says how). */
static void
ka_result(struct sip_ka *ka)
{
	size_t idx = ka->idx;
	struct sip_ka_state *st = &ka->st[idx];
	bool ok = ka->tx.res->kind == SIP_RES_RESPONSE ||
		  ka->tx.res->kind == SIP_RES_MALFORMED; /* it answered */
	struct sipreg_engine *e = ka->e;

	ka->probing = false;
	sip_engine_cancel(e, &ka->tmr);
	st->online = ok;
	st->last_code = ok ? ka->tx.res->code : -1;
	st->last_ms = sip_engine_now(e);
	ka->idx++;
	sip_engine_arm(e, &ka->tmr, 0); /* the next probe */
	/* last: the members' handlers may stop keep-alive (free ka) */
	ka_tell(ka, idx);
}

static void
ka_done(struct sip_tx *tx)
{
	ka_result(SIP_CONTAINER(tx, struct sip_ka, tx));
}

static const struct sip_tx_ops ka_ops = {
	.record = ka_record,
	.done = ka_done,
};

static int
ka_build(struct sip_ka *ka, struct sip_addr *a, const char *branch, char *buf,
	 size_t size)
{
	struct sipreg_binding *b = LEADER(ka);
	struct sipreg_engine *e = ka->e;
	char host[SIPREG_ADDR_STRLEN], dst[SIPREG_ADDR_STRLEN];
	union sip_sa local;
	int n, rc;

	if (a->tp != SIPREG_TP_UDP && e->tp->stream_send == NULL)
		rc = sip_stream_local(e, a, &local);
	else
		rc = e->tp->local_addr(e->tpctx, &a->ss, &local);
	if (rc != 0 && (rc = e->tp->local_addr(e->tpctx, &a->ss, &local)) != 0)
		return rc;
	sip_addr_format(&local, host, sizeof(host), true);
	sip_addr_format(&a->ss, dst, sizeof(dst), true);
	n = snprintf(buf, size,
		     "OPTIONS sip:%s SIP/2.0\r\n"
		     "Via: SIP/2.0/%s %s;rport;branch=%s\r\n"
		     "From: <sip:%s@%s>;tag=%s\r\n"
		     "To: <sip:%s>\r\n"
		     "Call-ID: %s\r\n"
		     "CSeq: %u OPTIONS\r\n"
		     "Max-Forwards: 70\r\n"
		     "User-Agent: %s\r\n"
		     "Content-Length: 0\r\n\r\n",
		     dst, sip_transport_name(a->tp, true), host, branch,
		     b->aor_user, b->aor_host, ka->tag, dst, ka->call_id,
		     ++ka->cseq, e->user_agent);
	return n > 0 && (size_t)n < size ? n : -ENOSPC;
}

/* Probe ka->idx: 0 when an OPTIONS is out, else a negative errno. */
static int
ka_probe(struct sip_ka *ka)
{
	struct sip_addr *a = &LEADER(ka)->addrs[ka->idx];
	char branch[SIP_BRANCH_LEN] = "z9hG4bK", why[8], *raw;
	int n, rc;

	if (a->dns != NULL && sip_dns_addr(a->dns, a->sel, a->port, &a->ss,
					   &a->tp, why, sizeof(why)) != 0)
		return -EHOSTUNREACH;
	if ((rc = sip_digest_cnonce(branch + 7, 8)) != 0)
		return rc;
	if ((raw = malloc(SIP_REQ_MAX)) == NULL)
		return -ENOMEM;
	if ((n = ka_build(ka, a, branch, raw, SIP_REQ_MAX)) < 0) {
		free(raw);
		return n;
	}
	ka->probing = true;
	sip_engine_arm(ka->e, &ka->tmr, ka->deadline_ms);
	return sip_tx_start(&ka->tx, raw, (size_t)n, a, branch);
}

/* Probe the next address, or wait for the next round. */
static void
ka_next(struct sip_ka *ka)
{
	if (ka->idx >= ka->naddrs) {
		ka->idx = 0;
		sip_engine_arm(ka->e, &ka->tmr, ka->period_ms);
		return;
	}
	if (ka_probe(ka) != 0) {
		sip_tx_end(&ka->tx, SIP_RES_TRANSPORT);
		ka_result(ka);
	}
}

static void
ka_timer(struct sip_tmr *t)
{
	struct sip_ka *ka = SIP_CONTAINER(t, struct sip_ka, tmr);

	if (!ka->probing) {
		ka_next(ka);
		return;
	}
	/* the deadline: no answer is offline */
	sip_tx_end(&ka->tx, SIP_RES_TIMEOUT);
	ka_result(ka);
}

/*
 * What bindings must share to share probes: period, deadline and every
 * address (transport, name as configured, port).  NULL on ENOMEM.
 */
static char *
ka_key(const struct sipreg_binding *b)
{
	size_t i, len = 64;
	char *k;
	int n;

	for (i = 0; i < b->naddrs; i++)
		len += strlen(b->addrs[i].host) + 16;
	if ((k = malloc(len)) == NULL)
		return NULL;
	n = snprintf(k, len, "%u/%llu", b->ka_s,
		     (unsigned long long)sip_register_deadline_ms(b));
	for (i = 0; i < b->naddrs && n > 0 && (size_t)n < len; i++)
		n += snprintf(k + n, len - (size_t)n, " %d:%s:%u",
			      (int)b->addrs[i].tp, b->addrs[i].host,
			      (unsigned)b->addrs[i].port);
	return k;
}

static struct sip_ka *
ka_group_new(struct sipreg_engine *e, struct sipreg_binding *b, char *key)
{
	struct sip_ka *ka;

	if ((ka = calloc(1, sizeof(*ka))) == NULL)
		return NULL;
	if (sip_heap_reserve(&e->heap, 2) != 0) {
		free(ka);
		return NULL;
	}
	if (sip_digest_cnonce(ka->call_id, 16) != 0 ||
	    sip_digest_cnonce(ka->tag, 8) != 0) {
		sip_heap_release(&e->heap, 2);
		free(ka);
		return NULL;
	}
	ka->e = e;
	ka->key = key;
	ka->naddrs = b->naddrs;
	ka->period_ms = (uint64_t)b->ka_s * 1000;
	ka->deadline_ms = sip_register_deadline_ms(b);
	TAILQ_INIT(&ka->members);
	ka->tmr.h = ka_timer;
	sip_tx_init(&ka->tx, e, &ka_ops, &ka->txn);
	TAILQ_INSERT_TAIL(&e->kagroups, ka, entry);
	e->nkagroups++;
	sip_engine_arm(e, &ka->tmr, 0); /* the first round now */
	return ka;
}

int
sip_ka_start(struct sipreg_binding *b)
{
	struct sipreg_engine *e = b->e;
	struct sip_ka *ka;
	char *key;
	size_t i;

	if (b->ka != NULL)
		return 0;
	if ((key = ka_key(b)) == NULL)
		return -ENOMEM;
	TAILQ_FOREACH(ka, &e->kagroups, entry)
	{
		if (strcmp(ka->key, key) == 0)
			break;
	}
	if (ka != NULL) {
		free(key);
	} else if ((ka = ka_group_new(e, b, key)) == NULL) {
		free(key);
		return -ENOMEM;
	}
	TAILQ_INSERT_TAIL(&ka->members, b, kaentry);
	ka->nmembers++;
	b->ka = ka;
	/* what the group knows already */
	for (i = 0; i < ka->naddrs; i++) {
		if (ka->st[i].last_ms == 0)
			continue;
		b->addrs[i].online = ka->st[i].online;
		b->addrs[i].last_code = ka->st[i].last_code;
		b->addrs[i].last_ms = ka->st[i].last_ms;
	}
	return 0;
}

void
sip_ka_stop(struct sipreg_binding *b)
{
	struct sip_ka *ka = b->ka;
	struct sipreg_engine *e = b->e;
	bool leader;

	if (ka == NULL)
		return;
	leader = LEADER(ka) == b;
	if (ka->cursor == b)
		ka->cursor = TAILQ_NEXT(b, kaentry);
	TAILQ_REMOVE(&ka->members, b, kaentry);
	ka->nmembers--;
	b->ka = NULL;
	if (ka->nmembers == 0) {
		if (ka->telling) { /* ka_tell() frees it */
			sip_tx_abort(&ka->tx);
			sip_engine_cancel(e, &ka->tmr);
		} else
			ka_free(ka);
		return;
	}
	if (leader && ka->probing) {
		/* the probe went out through b's addresses: again, through
		 * the next member's */
		sip_tx_abort(&ka->tx);
		ka->probing = false;
		sip_engine_arm(e, &ka->tmr, 0);
	}
}

bool
sip_ka_uses(struct sipreg_engine *e, const union sip_sa *peer,
	    enum sipreg_transport tp)
{
	struct sip_ka *ka;
	size_t i;

	TAILQ_FOREACH(ka, &e->kagroups, entry)
	{
		struct sipreg_binding *b = LEADER(ka);

		for (i = 0; i < ka->naddrs; i++)
			if (sip_addr_is(&b->addrs[i], peer, tp))
				return true;
	}
	return false;
}

void
sip_ka_conn_lost(struct sipreg_engine *e, const union sip_sa *peer,
		 enum sipreg_transport tp, uint64_t conn_id, const char *why,
		 bool reused)
{
	struct sip_ka *ka;

	TAILQ_FOREACH(ka, &e->kagroups, entry)
	{
		if (sip_tx_busy(&ka->tx) &&
		    sip_addr_is(sip_tx_dst(&ka->tx), peer, tp) &&
		    (conn_id == 0 || sip_tx_conn(&ka->tx) == conn_id))
			sip_tx_fail(&ka->tx, why, reused);
	}
}
