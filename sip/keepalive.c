/* SPDX-License-Identifier: ISC */
/*
 * Proxy keep-alive by OPTIONS (AudioCodes EnableProxyKeepAlive=1), one
 * probe stream per proxy set: bindings whose address lists, transports,
 * keep-alive period and probe deadline are the same share one group, and
 * every keepalive_s the group probes every resolved address of the set
 * in turn (each candidate of each name, not only the one in use, up to
 * KA_MAX_CANDS: AudioCodes 7.x keeps up to 15 resolved addresses per
 * proxy set), one OPTIONS at a time (1,000 accounts on a proxy set send
 * what one does).  Any response marks an address online, a timeout
 * (after the hot-swap deadline when hot swap is on, else Timer F) or a
 * transport error offline; each member using that address and whose
 * view of it changes reacts in sip_binding_addr_changed(): leaving an
 * address that went offline (for a candidate of the same name known
 * online, if there is one), and Homing back to the primary.  The list of
 * candidates is taken again from the first member's addresses (the
 * leader) at the start of each round; what was known of an address is
 * kept across rounds.  When the leader leaves, a probe in flight is
 * dropped and sent again.  Groups exist only for bindings that ask for
 * keep-alive.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip/sip_int.h"

/* AudioCodes Mediant 7.x: up to 15 resolved addresses per proxy set */
#define KA_MAX_CANDS 15

/* One address probed: candidate num of the set's address idx. */
struct sip_ka_cand {
	struct sip_addr pa; /* the destination (host: the leader's name) */
	size_t idx;
	uint16_t num;
	struct sip_ka_state st;
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
	struct sip_ka_cand cands[KA_MAX_CANDS];
	size_t ncands;
	struct sip_tx tx;
	struct sip_txn txn; /* tx's, fixed */
	struct sip_tmr tmr; /* next round, or the probe's deadline */
	size_t idx;	    /* candidate being probed */
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
 * Tell every member using candidate k's address that it is (still) ok
 * or not; members whose view changed react (once each).  When the
 * candidate came online (came_up), members using another candidate of
 * its name are told too (Homing within a name).  Their handlers may
 * remove any member, also the next one (ka->cursor follows); the group
 * outlives the loop and is freed after it when nobody is left.
 */
static void
ka_tell(struct sip_ka *ka, size_t k, bool came_up)
{
	const struct sip_ka_cand *c = &ka->cands[k];
	struct sip_ka_state st = c->st;
	struct sipreg_binding *m;
	size_t cidx = c->idx, cnum = c->num;

	ka->telling = true;
	ka->cursor = LEADER(ka);
	while ((m = ka->cursor) != NULL) {
		size_t i, changed = SIZE_MAX;
		bool uses = false;

		ka->cursor = TAILQ_NEXT(m, kaentry);
		for (i = 0; i < m->naddrs; i++) {
			struct sip_addr *a = &m->addrs[i];

			if (!sip_addr_is(a, &c->pa.ss, c->pa.tp))
				continue;
			uses = true;
			if (changed == SIZE_MAX &&
			    (a->online != st.online || a->last_ms == 0))
				changed = i;
			a->online = st.online;
			a->last_code = st.last_code;
			a->last_ms = st.last_ms;
		}
		if (changed != SIZE_MAX)
			sip_binding_addr_changed(m, changed, st.online);
		else if (came_up && !uses && m->homing && cidx < m->naddrs &&
			 m->addrs[cidx].dns != NULL)
			sip_binding_cand_online(m, cidx, cnum);
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
	struct sip_ka_state *st = &ka->cands[idx].st;
	bool ok = ka->tx.res->kind == SIP_RES_RESPONSE ||
		  ka->tx.res->kind == SIP_RES_MALFORMED; /* it answered */
	bool came_up = ok && (st->last_ms == 0 || !st->online);
	struct sipreg_engine *e = ka->e;

	ka->probing = false;
	sip_engine_cancel(e, &ka->tmr);
	st->online = ok;
	st->last_code = ok ? ka->tx.res->code : -1;
	st->last_ms = sip_engine_now(e);
	ka->idx++;
	sip_engine_arm(e, &ka->tmr, 0); /* the next probe */
	/* last: the members' handlers may stop keep-alive (free ka) */
	ka_tell(ka, idx, came_up);
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

/* The candidates of the leader's addresses (names: every resolved
 * address), what was known of each address kept. */
static void
ka_rebuild(struct sip_ka *ka)
{
	struct sipreg_binding *b = LEADER(ka);
	struct sip_ka_cand old[KA_MAX_CANDS];
	size_t nold = ka->ncands, i, j, n, k = 0;
	char why[8];

	memcpy(old, ka->cands, nold * sizeof(old[0]));
	for (i = 0; i < b->naddrs && k < KA_MAX_CANDS; i++) {
		struct sip_addr *a = &b->addrs[i];

		n = a->dns != NULL ? sip_dns_count(a->dns) : a->resolved;
		for (j = 0; j < n && k < KA_MAX_CANDS; j++) {
			struct sip_ka_cand *c = &ka->cands[k];
			size_t o;

			memset(c, 0, sizeof(*c));
			c->pa.host = a->host;
			c->pa.port = a->port;
			c->pa.tp = a->tp;
			c->pa.ss = a->ss;
			if (a->dns != NULL &&
			    sip_dns_addr(a->dns, j, a->port, &c->pa.ss,
					 &c->pa.tp, why, sizeof(why)) != 0)
				continue;
			c->pa.resolved = true;
			c->idx = i;
			c->num = (uint16_t)j;
			for (o = 0; o < nold; o++)
				if (sip_addr_is(&old[o].pa, &c->pa.ss,
						c->pa.tp))
					c->st = old[o].st;
			k++;
		}
	}
	ka->ncands = k;
}

/* Probe ka->idx: 0 when an OPTIONS is out, else a negative errno. */
static int
ka_probe(struct sip_ka *ka)
{
	struct sip_ka_cand *c = &ka->cands[ka->idx];
	char branch[SIP_BRANCH_LEN] = "z9hG4bK", *raw;
	int n, rc;

	/* the leader may have changed since the round began */
	c->pa.host = LEADER(ka)->addrs[c->idx].host;
	c->pa.have_local = false;
	if ((rc = sip_digest_cnonce(branch + 7, 8)) != 0)
		return rc;
	if ((raw = malloc(SIP_REQ_MAX)) == NULL)
		return -ENOMEM;
	if ((n = ka_build(ka, &c->pa, branch, raw, SIP_REQ_MAX)) < 0) {
		free(raw);
		return n;
	}
	ka->probing = true;
	/* names resolve after the group is made: the deadline now */
	ka->deadline_ms = sip_register_deadline_ms(LEADER(ka));
	sip_engine_arm(ka->e, &ka->tmr, ka->deadline_ms);
	return sip_tx_start(&ka->tx, raw, (size_t)n, &c->pa, branch);
}

/* Probe the next address, or wait for the next round. */
static void
ka_next(struct sip_ka *ka)
{
	if (ka->idx == 0)
		ka_rebuild(ka);
	if (ka->idx >= ka->ncands) {
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
		len += strlen(b->addrs[i].host) + 48;
	if ((k = malloc(len)) == NULL)
		return NULL;
	/* what the probe deadline depends on, not the deadline itself: it
	 * changes when names resolve */
	n = snprintf(k, len, "%u/%d/%u", b->ka_s, (int)b->hotswap,
		     b->hotswap ? b->hotswap_rtx : 0);
	for (i = 0; i < b->naddrs && n > 0 && (size_t)n < len; i++)
		n += snprintf(k + n, len - (size_t)n, " %d:%s:%u:%p",
			      (int)b->addrs[i].tp, b->addrs[i].host,
			      (unsigned)b->addrs[i].port,
			      (void *)b->addrs[i].dns); /* name and query */
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
	for (i = 0; i < b->naddrs; i++) {
		const struct sip_ka_state *st =
			sip_ka_known(e, &b->addrs[i].ss, b->addrs[i].tp);

		if (!b->addrs[i].resolved || st == NULL)
			continue;
		b->addrs[i].online = st->online;
		b->addrs[i].last_code = st->last_code;
		b->addrs[i].last_ms = st->last_ms;
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
	if (leader) { /* the names are the next member's from now */
		size_t k;

		for (k = 0; k < ka->ncands; k++)
			ka->cands[k].pa.host =
				LEADER(ka)->addrs[ka->cands[k].idx].host;
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
		for (i = 0; i < ka->ncands; i++)
			if (sip_addr_is(&ka->cands[i].pa, peer, tp))
				return true;
	}
	return false;
}

void
sip_ka_dns_done(struct sipreg_binding *b)
{
	struct sip_ka *ka = b->ka;
	size_t i, j, k, n;
	char why[8];

	if (ka == NULL || LEADER(ka) != b || ka->probing || ka->idx != 0)
		return;
	for (i = 0; i < b->naddrs; i++) {
		struct sip_addr *a = &b->addrs[i];

		n = a->dns != NULL ? sip_dns_count(a->dns) : 0;
		for (j = 0; j < n; j++) {
			enum sipreg_transport tp = a->tp;
			union sip_sa ss;

			if (sip_dns_addr(a->dns, j, a->port, &ss, &tp, why,
					 sizeof(why)) != 0)
				continue;
			for (k = 0; k < ka->ncands; k++)
				if (sip_addr_is(&ka->cands[k].pa, &ss, tp))
					break;
			if (k == ka->ncands && ka->ncands < KA_MAX_CANDS) {
				/* an address never probed: a round now */
				sip_engine_arm(ka->e, &ka->tmr, 0);
				return;
			}
		}
	}
}

const struct sip_ka_state *
sip_ka_known(struct sipreg_engine *e, const union sip_sa *peer,
	     enum sipreg_transport tp)
{
	const struct sip_ka_state *best = NULL;
	struct sip_ka *ka;
	size_t i;

	TAILQ_FOREACH(ka, &e->kagroups, entry)
	{
		for (i = 0; i < ka->ncands; i++) {
			const struct sip_ka_cand *c = &ka->cands[i];

			if (c->st.last_ms != 0 &&
			    sip_addr_is(&c->pa, peer, tp) &&
			    (best == NULL || c->st.last_ms > best->last_ms))
				best = &c->st;
		}
	}
	return best;
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
