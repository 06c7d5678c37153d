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

#include "sip/sip_int.h"

#define HDR_MAX 512

static int
set_hdr(osip_message_t *m, const char *name, const char *fmt, ...)
{
	char buf[HDR_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return -ENOSPC;
	if (strcmp(name, "Via") == 0)
		n = osip_message_set_via(m, buf);
	else if (strcmp(name, "From") == 0)
		n = osip_message_set_from(m, buf);
	else if (strcmp(name, "To") == 0)
		n = osip_message_set_to(m, buf);
	else if (strcmp(name, "Call-ID") == 0)
		n = osip_message_set_call_id(m, buf);
	else if (strcmp(name, "CSeq") == 0)
		n = osip_message_set_cseq(m, buf);
	else if (strcmp(name, "Contact") == 0)
		n = osip_message_set_contact(m, buf);
	else
		n = osip_message_set_header(m, name, buf);
	return n == OSIP_SUCCESS ? 0 : -EINVAL;
}

static int
add_auth(const char *name, const char *value, void *arg)
{
	return osip_message_set_header(arg, name, value) == OSIP_SUCCESS
		       ? 0
		       : -ENOMEM;
}

static int
set_start_line(struct sipreg_binding *b, osip_message_t *m)
{
	osip_uri_t *u;
	char ruri[HDR_MAX];

	osip_message_set_method(m, osip_strdup("REGISTER"));
	osip_message_set_version(m, osip_strdup("SIP/2.0"));
	snprintf(ruri, sizeof(ruri), "sip:%s", b->ruri);
	if (osip_uri_init(&u) != OSIP_SUCCESS)
		return -ENOMEM;
	if (osip_uri_parse(u, ruri) != OSIP_SUCCESS) {
		osip_uri_free(u);
		return -EINVAL;
	}
	osip_message_set_uri(m, u);
	return 0;
}

static int
set_headers(struct sipreg_binding *b, osip_message_t *m,
	    const struct sockaddr_storage *local)
{
	char host[SIPREG_ADDR_STRLEN], branch[24];
	unsigned port = sip_addr_port(local);
	int rc = 0;

	sip_addr_format(local, host, sizeof(host), false);
	if ((rc = sip_digest_cnonce(branch, 8)) != 0)
		return rc;
	rc = set_hdr(m, "Via", "SIP/2.0/UDP %s:%u;rport;branch=z9hG4bK%s", host,
		     port, branch);
	if (rc == 0)
		rc = set_hdr(m, "From", "<sip:%s@%s>;tag=%s", b->aor_user,
			     b->aor_host, b->from_tag);
	if (rc == 0)
		rc = set_hdr(m, "To", "<sip:%s@%s>", b->aor_user, b->aor_host);
	if (rc == 0)
		rc = set_hdr(m, "Call-ID", "%s", b->call_id);
	if (rc == 0)
		rc = set_hdr(m, "CSeq", "%u REGISTER", (unsigned)++b->cseq);
	if (rc == 0)
		rc = set_hdr(m, "Contact",
			     "<sip:%s@%s:%u;transport=udp;line=%s>",
			     b->contact_user, host, port, b->line);
	if (rc == 0)
		rc = set_hdr(m, "Max-Forwards", "70");
	if (rc == 0)
		rc = set_hdr(m, "Expires", "%u", (unsigned)b->sent_expires);
	if (rc == 0)
		rc = set_hdr(m, "User-Agent", "%s", b->e->user_agent);
	return rc;
}

static int
add_credentials(struct sipreg_binding *b, osip_message_t *m)
{
	char *uri = NULL;
	int rc;

	if (sip_auth_realm_count(b->auth) == 0)
		return 0;
	if (osip_uri_to_str(m->req_uri, &uri) != OSIP_SUCCESS)
		return -ENOMEM;
	rc = sip_auth_build(b->auth, "REGISTER", uri, NULL, 0, add_auth, m);
	osip_free(uri);
	return rc;
}

static int
build_register(struct sipreg_binding *b, const struct sockaddr_storage *local,
	       osip_message_t **out)
{
	osip_message_t *m;
	int rc;

	if (osip_message_init(&m) != OSIP_SUCCESS)
		return -ENOMEM;
	b->sent_expires = b->want_unreg ? 0 : b->req_expires;
	if ((rc = set_start_line(b, m)) == 0 &&
	    (rc = set_headers(b, m, local)) == 0)
		rc = add_credentials(b, m);
	if (rc != 0) {
		osip_message_free(m);
		return rc;
	}
	*out = m;
	return 0;
}

/* Hot swap after hotswap_rtx unanswered retransmissions (T1 doubling,
 * capped at T2), else a full Timer F. */
static uint64_t
deadline_ms(const struct sipreg_binding *b)
{
	uint64_t t = 0, step = 500;
	unsigned i;

	if (!b->hotswap || b->naddrs < 2 || b->hotswap_rtx == 0)
		return SIP_TR_TIMEOUT_MS;
	for (i = 0; i <= b->hotswap_rtx; i++) {
		t += step;
		step = step * 2 > 4000 ? 4000 : step * 2;
	}
	return t < SIP_TR_TIMEOUT_MS ? t : SIP_TR_TIMEOUT_MS;
}

static int
start_transaction(struct sipreg_binding *b, osip_message_t *m)
{
	struct sipreg_engine *e = b->e;
	osip_transaction_t *tr;
	osip_event_t *ev;

	if (osip_transaction_init(&tr, NICT, e->osip, m) != OSIP_SUCCESS) {
		osip_message_free(m);
		return -ENOMEM;
	}
	if ((ev = osip_new_outgoing_sipmessage(m)) == NULL) {
		sip_engine_abort_tr(e, tr); /* m is not the transaction's yet */
		osip_message_free(m);
		return -ENOMEM;
	}
	osip_transaction_set_reserved1(tr, b);
	b->tr = tr;
	ev->transactionid = tr->transactionid;
	osip_transaction_add_event(tr, ev);
	return 0;
}

int
sip_register_send(struct sipreg_binding *b)
{
	struct sipreg_engine *e = b->e;
	struct sockaddr_storage local;
	osip_message_t *m;
	int rc;

	rc = e->tp->local_addr(e->tpctx, &b->addrs[b->cur].ss, &local);
	if (rc == 0)
		rc = build_register(b, &local, &m);
	if (rc == 0)
		rc = start_transaction(b, m);
	if (rc != 0)
		return rc;
	b->c.sent++;
	b->attempts++;
	b->tried |= 1u << b->cur;
	b->tkind = SIP_TMR_DEADLINE;
	b->tdue = sip_engine_now(e) + deadline_ms(b);
	return 0;
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

static bool
contact_is_ours(const struct sipreg_binding *b, osip_contact_t *c)
{
	osip_uri_param_t *p = NULL;

	if (c == NULL || c->url == NULL)
		return false;
	if (osip_uri_uparam_get_byname(c->url, "line", &p) >= 0 && p != NULL &&
	    p->gvalue != NULL)
		return strcmp(p->gvalue, b->line) == 0;
	return c->url->username != NULL &&
	       strcmp(c->url->username, b->contact_user) == 0;
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

/* Inside an osip callback: record only. */
void
sip_register_result(struct sipreg_binding *b, osip_message_t *resp)
{
	struct sip_result *r = &b->res;
	struct sipreg_engine *e = b->e;

	memset(r, 0, sizeof(*r));
	r->kind = SIP_RES_RESPONSE;
	r->code = osip_message_get_status_code(resp);
	snprintf(r->reason, sizeof(r->reason), "%s",
		 resp->reason_phrase != NULL ? resp->reason_phrase : "");
	r->contact_expires = contact_secs(b, resp);
	r->header_expires = header_secs(resp, "expires");
	r->min_expires = header_secs(resp, "min-expires");
	r->retry_after = header_secs(resp, "retry-after");
	r->auth_rc = -EPROTO;
	if ((r->code == 401 || r->code == 407) && e->rx_raw != NULL)
		r->auth_rc =
			sip_auth_handle_response(b->auth, e->rx_raw, e->rx_len);
}
