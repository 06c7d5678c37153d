/* SPDX-License-Identifier: ISC */
/*
 * REGISTER requests (RFC 3261 §10.2) on libosip2 NICT transactions, and
 * the reading of their final responses.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sip/sip_int.h"

/* A request being written; overflow is sticky and checked once. */
struct req_buf {
	char *p;
	size_t len, size;
	bool overflow;
};

/* Append the NULL-terminated list of strings (no formatting: hot path). */
static void
put(struct req_buf *r, ...)
{
	const char *s;
	va_list ap;
	size_t n;

	va_start(ap, r);
	while ((s = va_arg(ap, const char *)) != NULL) {
		n = strlen(s);
		if (r->overflow || n >= r->size - r->len) {
			r->overflow = true;
			continue;
		}
		memcpy(r->p + r->len, s, n + 1);
		r->len += n;
	}
	va_end(ap);
}

static int
add_auth(const char *name, const char *value, void *arg)
{
	put(arg, name, ": ", value, "\r\n", NULL);
	return 0;
}

static const char *
u32(char *buf, uint32_t v)
{
	char *p = buf + 10;

	*p = '\0';
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	return p;
}

const char *
sip_transport_name(enum sipreg_transport tp, bool upper)
{
	switch (tp) {
	case SIPREG_TP_TCP:
		return upper ? "TCP" : "tcp";
	case SIPREG_TP_TLS:
		return upper ? "TLS" : "tls";
	default:
		return upper ? "UDP" : "udp";
	}
}

/*
 * The REGISTER as text (RFC 3261 §10.2): written once, parsed once by
 * libosip2 for the transaction, and sent as is, so the digest uri is
 * byte-identical to the Request-URI.
 */
/* One Contact of ours: <sip:user@host:port;transport=..;line=..> */
static void
put_contact(struct req_buf *r, const struct sipreg_binding *b,
	    const struct sip_binding_ids *ids, const char *host, uint16_t port,
	    const char *params)
{
	char num[12];

	put(r, "Contact: <sip:", b->contact_user, "@", host, ":",
	    u32(num, port),
	    ";transport=", sip_transport_name(b->addrs[b->cur].tp, false),
	    ";line=", ids->line, ">", params, "\r\n", NULL);
}

/*
 * The REGISTER as text (RFC 3261 §10.2): written once, parsed once by
 * libosip2 for the transaction, and sent as is, so the digest uri is
 * byte-identical to the Request-URI.  The Via has the socket's address;
 * the Contact the configured contact address, else the one learned from
 * received/rport, else the socket's.
 */
static int
build_register(struct sipreg_binding *b, const union sip_sa *local,
	       const char *branch, struct req_buf *r)
{
	const struct sip_addr *a = &b->addrs[b->cur];
	struct sipreg_engine *e = b->e;
	char host[SIPREG_ADDR_STRLEN], uri[160], port[12], num[12];
	const char *pp, *ch;
	struct sip_binding_ids ids;
	size_t n;
	int rc;

	sip_addr_format(local, host, sizeof(host), false);
	n = strnlen(b->ruri, sizeof(uri) - 5);
	memcpy(uri, "sip:", 4);
	memcpy(uri + 4, b->ruri, n);
	uri[4 + n] = '\0';
	pp = u32(port, sip_addr_port(local));
	if (e->contact_host != NULL) {
		ch = e->contact_host;
		b->contact_port = e->contact_port > 0 ? e->contact_port
						      : sip_addr_port(local);
	} else if (b->nat != NULL && b->nat->host[0] != '\0') {
		ch = b->nat->host;
		b->contact_port = b->nat->port;
	} else {
		ch = host;
		b->contact_port = sip_addr_port(local);
	}
	sip_binding_set_text(b, &b->contact_host, &b->contact_own, ch,
			     SIPREG_ADDR_STRLEN);
	if (b->contact_host[0] == '\0')
		return -ENOMEM;
	b->sent_expires = b->want_unreg || b->clearing ? 0 : b->req_expires;
	sip_binding_ids(b, &ids);
	put(r, "REGISTER ", uri, " SIP/2.0\r\n", NULL);
	put(r, "Via: SIP/2.0/", sip_transport_name(a->tp, true), " ", host, ":",
	    pp, ";rport;branch=", branch, "\r\n", NULL);
	put(r, "From: <sip:", b->aor_user, "@", b->aor_host,
	    ">;tag=", ids.from_tag, "\r\n", NULL);
	put(r, "To: <sip:", b->aor_user, "@", b->aor_host, ">\r\n", NULL);
	put(r, "Call-ID: ", ids.call_id, "\r\n", NULL);
	put(r, "CSeq: ", u32(num, ++b->cseq), " REGISTER\r\n", NULL);
	if (b->clearing) { /* UnregistrationMode=1: every binding of the AOR */
		put(r, "Contact: *\r\n", NULL);
	} else {
		put_contact(r, b, &ids, b->contact_host, b->contact_port, "");
		/* the Contact a NAT rewrite replaced: removed (RFC 3261
		 * §10.2.2), until a 2xx confirms it */
		if (b->nat != NULL && b->nat->old_host[0] != '\0')
			put_contact(r, b, &ids, b->nat->old_host,
				    b->nat->old_port, ";expires=0");
	}
	put(r, "Max-Forwards: 70\r\n", NULL);
	put(r, "Expires: ", u32(num, b->sent_expires), "\r\n", NULL);
	put(r, "User-Agent: ", e->user_agent, "\r\n", NULL);
	b->creds_sent = sip_auth_realm_count(b->auth) > 0;
	if (b->creds_sent && (rc = sip_auth_build(b->auth, "REGISTER", uri,
						  NULL, 0, add_auth, r)) != 0)
		return rc;
	put(r, "Content-Length: 0\r\n\r\n", NULL);
	return r->overflow ? -ENOSPC : 0;
}

/* Hot swap after hotswap_rtx unanswered retransmissions (T1 doubling,
 * capped at T2), else a full Timer F. */
uint64_t
sip_register_deadline_ms(const struct sipreg_binding *b)
{
	const struct sip_addr *a = &b->addrs[b->cur];
	uint64_t t = 0, step = 500;
	size_t n = b->naddrs;
	unsigned i;

	/* several addresses, or one name with several candidates */
	if (n < 2 && a->dns != NULL)
		n = sip_dns_count(a->dns);
	if (!b->hotswap || n < 2 || b->hotswap_rtx == 0)
		return SIP_TR_TIMEOUT_MS;
	for (i = 0; i <= b->hotswap_rtx; i++) {
		t += step;
		step = step * 2 > 4000 ? 4000 : step * 2;
	}
	return t < SIP_TR_TIMEOUT_MS ? t : SIP_TR_TIMEOUT_MS;
}

static int
local_for(struct sipreg_binding *b, struct sip_addr *a)
{
	struct sipreg_engine *e = b->e;
	int rc;

	if (a->tp != SIPREG_TP_UDP && e->tp->stream_send == NULL) {
		/* our end of the (possibly new) connection; a connection
		 * that failed at once still gets the request, whose send
		 * then fails like any transport error */
		if (sip_stream_local(e, a, &a->local) == 0)
			return 0;
		return e->tp->local_addr(e->tpctx, &a->ss, &a->local);
	}
	if (a->have_local)
		return 0;
	if ((rc = e->tp->local_addr(e->tpctx, &a->ss, &a->local)) == 0)
		a->have_local = true;
	return rc;
}

/* The current address of a name (the lookup may have changed it). */
static int
addr_current(struct sip_addr *a, char *why, size_t size)
{
	union sip_sa ss;
	int rc;

	if (a->dns == NULL)
		return 0;
	sip_dns_follow(a);
	if ((rc = sip_dns_addr(a->dns, a->sel, a->port, &ss, &a->tp, why,
			       size)) != 0)
		return rc;
	if (!a->resolved || !sip_addr_equal(&a->ss, &ss))
		a->have_local = false;
	a->ss = ss;
	a->resolved = true;
	return 0;
}

int
sip_register_send(struct sipreg_binding *b, char *why, size_t size)
{
	struct sipreg_engine *e = b->e;
	struct sip_addr *a = &b->addrs[b->cur];
	struct req_buf r = { NULL, 0, SIP_REQ_MAX, false };
	char branch[SIP_BRANCH_LEN] = "z9hG4bK", *raw;
	uint64_t deadline;
	int rc;

	if ((rc = addr_current(a, why, size)) != 0 ||
	    (rc = local_for(b, a)) != 0 ||
	    (rc = sip_digest_cnonce(branch + 7, 8)) != 0)
		return rc;
	r.p = e->txbuf;
	if ((rc = build_register(b, &a->local, branch, &r)) != 0)
		return rc;
	if ((raw = malloc(r.len + 1)) == NULL)
		return -ENOMEM;
	memcpy(raw, r.p, r.len + 1);
	b->c.sent++;
	b->sent_ms = sip_engine_now(e);
	b->attempts++;
	b->tried |= 1u << b->cur;
	b->tkind = SIP_TMR_DEADLINE;
	/* a deadline at or after Timer F never fires: the transaction
	 * times out first (one heap timer less per REGISTER) */
	deadline = sip_register_deadline_ms(b);
	if (deadline < SIP_TIMER_F_MS)
		sip_engine_arm(e, &b->tmr, deadline);
	else
		sip_engine_cancel(e, &b->tmr);
	if ((rc = sip_tx_start(&b->tx, raw, r.len, a, branch)) != 0) {
		b->tkind = SIP_TMR_NONE;
		sip_engine_cancel(e, &b->tmr);
	}
	return rc;
}

/* Leading decimal seconds of a header value; -1 if none. */
static int64_t
parse_secs(const char *s)
{
	int64_t v = 0;
	int n = 0;

	if (s == NULL)
		return -1;
	while (*s == ' ' || *s == '\t')
		s++;
	for (; *s >= '0' && *s <= '9' && n < 10; s++, n++)
		v = v * 10 + (*s - '0');
	return n > 0 ? v : -1;
}

static int64_t
header_secs(osip_message_t *resp, const char *lname)
{
	osip_header_t *h = NULL;

	if (osip_message_header_get_byname(resp, lname, 0, &h) < 0 || h == NULL)
		return -1;
	return parse_secs(h->hvalue);
}

/* Host parts compared case-insensitively, IPv6 brackets ignored. */
static bool
host_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la > 1 && a[0] == '[' && a[la - 1] == ']') {
		a++;
		la -= 2;
	}
	if (lb > 1 && b[0] == '[' && b[lb - 1] == ']') {
		b++;
		lb -= 2;
	}
	return la == lb && strncasecmp(a, b, la) == 0;
}

static const char *
uparam(osip_uri_t *u, const char *name)
{
	osip_uri_param_t *p = NULL;

	if (osip_uri_uparam_get_byname(u, (char *)name, &p) < 0 || p == NULL)
		return NULL;
	return p->gvalue != NULL ? p->gvalue : "";
}

/*
 * Whether a Contact of a 2xx is the one we sent, by RFC 3261 §19.1.4:
 * scheme, user (case-sensitive), no password, host (case-insensitive),
 * the same explicit port, the same transport, none of the user, ttl,
 * method and maddr parameters (we send none), no headers; and our own
 * line parameter when the Contact carries one.
 */
bool
sip_register_contact_matches(const struct sipreg_binding *b, osip_uri_t *u)
{
	const char *v;
	char *end;
	unsigned long port;
	size_t i;
	static const char *const absent[] = { "user", "ttl", "method",
					      "maddr" };
	struct sip_binding_ids ids;

	if (u == NULL || u->scheme == NULL ||
	    strcasecmp(u->scheme, "sip") != 0 || u->username == NULL ||
	    strcmp(u->username, b->contact_user) != 0 ||
	    (u->password != NULL && u->password[0] != '\0') ||
	    u->host == NULL || !host_equal(u->host, b->contact_host) ||
	    u->port == NULL || !osip_list_eol(&u->url_headers, 0))
		return false;
	port = strtoul(u->port, &end, 10);
	if (*end != '\0' || end == u->port || port != b->contact_port)
		return false;
	v = uparam(u, "transport");
	if (v == NULL ||
	    strcasecmp(v, sip_transport_name(b->addrs[b->cur].tp, false)) != 0)
		return false;
	for (i = 0; i < sizeof(absent) / sizeof(absent[0]); i++)
		if (uparam(u, absent[i]) != NULL)
			return false;
	v = uparam(u, "line");
	if (v == NULL)
		return true;
	sip_binding_ids(b, &ids);
	return strcmp(v, ids.line) == 0;
}

static bool
contact_is_ours(const struct sipreg_binding *b, osip_contact_t *c)
{
	return c != NULL && sip_register_contact_matches(b, c->url);
}

static int64_t
contact_secs(const struct sipreg_binding *b, osip_message_t *resp)
{
	osip_contact_t *c = NULL;
	osip_generic_param_t *p;
	int i;

	for (i = 0; osip_message_get_contact(resp, i, &c) >= 0; i++) {
		if (!contact_is_ours(b, c))
			continue;
		p = NULL;
		if (osip_contact_param_get_byname(c, "expires", &p) >= 0 &&
		    p != NULL)
			return parse_secs(p->gvalue);
	}
	return -1;
}

/* received= and rport= of the top Via (RFC 3581). */
static void
via_learned(struct sip_result *r, osip_message_t *resp)
{
	osip_via_t *via = NULL;
	osip_generic_param_t *p;
	char *end;
	unsigned long port;
	const char *v;
	size_t n;

	if (osip_message_get_via(resp, 0, &via) < 0 || via == NULL)
		return;
	p = NULL;
	if (osip_via_param_get_byname(via, "received", &p) >= 0 && p != NULL &&
	    (v = p->gvalue) != NULL && (n = strlen(v)) > 0 &&
	    n < sizeof(r->via_received) - 2 &&
	    strspn(v, "0123456789abcdefABCDEF.:[]") == n) {
		if (strchr(v, ':') != NULL && v[0] != '[')
			snprintf(r->via_received, sizeof(r->via_received),
				 "[%s]", v);
		else
			snprintf(r->via_received, sizeof(r->via_received), "%s",
				 v);
	}
	p = NULL;
	if (osip_via_param_get_byname(via, "rport", &p) >= 0 && p != NULL &&
	    p->gvalue != NULL && p->gvalue[0] >= '0' && p->gvalue[0] <= '9') {
		port = strtoul(p->gvalue, &end, 10);
		if (*end == '\0' && port > 0 && port <= 65535)
			r->via_rport = (uint16_t)port;
	}
}

/* Inside an osip callback: record only. */
void
sip_register_result(struct sipreg_binding *b, osip_message_t *resp)
{
	struct sip_result *r = b->tx.res;
	struct sipreg_engine *e = b->e;

	memset(r, 0, sizeof(*r));
	r->kind = SIP_RES_RESPONSE;
	r->code = osip_message_get_status_code(resp);
	if (resp->reason_phrase != NULL) {
		size_t n = strnlen(resp->reason_phrase, sizeof(r->reason) - 1);

		memcpy(r->reason, resp->reason_phrase, n);
		r->reason[n] = '\0'; /* the rest is zero from the memset */
	}
	r->contact_expires = contact_secs(b, resp);
	r->header_expires = header_secs(resp, "expires");
	r->min_expires = header_secs(resp, "min-expires");
	r->retry_after = header_secs(resp, "retry-after");
	r->auth_rc = -EPROTO;
	via_learned(r, resp);
	if ((r->code == 401 || r->code == 407) && e->rx_raw != NULL)
		r->auth_rc =
			sip_auth_handle_response(b->auth, e->rx_raw, e->rx_len);
}
