/* SPDX-License-Identifier: ISC */
/*
 * Proxy keep-alive by OPTIONS (AudioCodes EnableProxyKeepAlive=1): every
 * keepalive_s the binding's addresses are probed in turn, one OPTIONS at
 * a time; any response marks an address online, a timeout (after the
 * hot-swap deadline when hot swap is on, else Timer F) or a transport
 * error offline.  The binding reacts in sip_binding_addr_changed():
 * leaving an address that went offline, and Homing back to the primary.
 * The state is allocated only for bindings that ask for it.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip/sip_int.h"

struct sip_ka {
	struct sipreg_binding *b;
	struct sip_tx tx;
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
	memset(&tx->res, 0, sizeof(tx->res));
	tx->res.kind = SIP_RES_RESPONSE;
	tx->res.code = osip_message_get_status_code(resp);
}

/* The probe of ka->idx ended (tx->res says how). */
static void
ka_result(struct sip_ka *ka)
{
	struct sipreg_binding *b = ka->b;
	size_t idx = ka->idx;
	struct sip_addr *a = &b->addrs[idx];
	bool was = a->online, known = a->last_ms != 0;
	bool ok = ka->tx.res.kind == SIP_RES_RESPONSE;

	ka->probing = false;
	sip_engine_cancel(b->e, &ka->tmr);
	a->online = ok;
	a->last_code = ok ? ka->tx.res.code : -1;
	a->last_ms = sip_engine_now(b->e);
	ka->idx++;
	sip_engine_arm(b->e, &ka->tmr, 0); /* the next probe */
	/* last: the status handler may stop keep-alive (free ka) */
	if (was != ok || !known)
		sip_binding_addr_changed(b, idx, ok);
}

static void
ka_done(struct sip_tx *tx)
{
	struct sip_ka *ka = SIP_CONTAINER(tx, struct sip_ka, tx);

	if (ka->b->zombie)
		return;
	ka_result(ka);
}

static const struct sip_tx_ops ka_ops = {
	.record = ka_record,
	.done = ka_done,
};

static int
ka_build(struct sip_ka *ka, struct sip_addr *a, const char *branch, char *buf,
	 size_t size)
{
	struct sipreg_binding *b = ka->b;
	struct sipreg_engine *e = b->e;
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
	struct sipreg_binding *b = ka->b;
	struct sip_addr *a = &b->addrs[ka->idx];
	char branch[SIP_BRANCH_LEN] = "z9hG4bK", why[8], *raw;
	int n, rc;

	if (a->dns != NULL &&
	    sip_dns_addr(a->dns, a->port, &a->ss, why, sizeof(why)) != 0)
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
	sip_engine_arm(b->e, &ka->tmr, sip_register_deadline_ms(b));
	return sip_tx_start(&ka->tx, raw, (size_t)n, a, branch);
}

/* Probe the next address, or wait for the next round. */
static void
ka_next(struct sip_ka *ka)
{
	struct sipreg_binding *b = ka->b;

	if (ka->idx >= b->naddrs) {
		ka->idx = 0;
		sip_engine_arm(b->e, &ka->tmr, (uint64_t)b->ka_s * 1000);
		return;
	}
	if (ka_probe(ka) != 0) {
		sip_tx_abort(&ka->tx);
		memset(&ka->tx.res, 0, sizeof(ka->tx.res));
		ka->tx.res.kind = SIP_RES_TRANSPORT;
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
	sip_tx_abort(&ka->tx);
	memset(&ka->tx.res, 0, sizeof(ka->tx.res));
	ka->tx.res.kind = SIP_RES_TIMEOUT;
	ka_result(ka);
}

int
sip_ka_start(struct sipreg_binding *b)
{
	struct sip_ka *ka = b->ka;
	int rc;

	if (ka == NULL) {
		if ((ka = calloc(1, sizeof(*ka))) == NULL)
			return -ENOMEM;
		if (sip_heap_reserve(&b->e->heap, 2) != 0 ||
		    (rc = sip_digest_cnonce(ka->call_id, 16)) != 0 ||
		    (rc = sip_digest_cnonce(ka->tag, 8)) != 0) {
			free(ka);
			return -ENOMEM;
		}
		ka->b = b;
		ka->tmr.h = ka_timer;
		sip_tx_init(&ka->tx, b->e, &ka_ops);
		b->ka = ka;
	}
	if (!ka->probing && ka->tmr.slot == 0) {
		ka->idx = 0;
		sip_engine_arm(b->e, &ka->tmr, 0);
	}
	return 0;
}

void
sip_ka_stop(struct sipreg_binding *b)
{
	struct sip_ka *ka = b->ka;

	if (ka == NULL)
		return;
	sip_tx_abort(&ka->tx);
	sip_engine_cancel(b->e, &ka->tmr);
	sip_heap_release(&b->e->heap, 2);
	free(ka);
	b->ka = NULL;
}

struct sip_tx *
sip_ka_tx(struct sipreg_binding *b)
{
	return b->ka != NULL ? &b->ka->tx : NULL;
}
