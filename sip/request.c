/* SPDX-License-Identifier: ISC */
/*
 * Requests sent to the engine, answered statelessly (RFC 3261 §8.2,
 * §18.2.2): OPTIONS to one of our Contacts gets 200 OK (registrars and
 * SBCs probe their contacts so), every other request a final error; ACK
 * is never answered.  Each answer goes back where the request came from:
 * over UDP to the source address (the Via port unless rport asks for the
 * source port), over TCP/TLS on the same connection.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sip/sip_int.h"

#define SIP_REQ_ALLOW "OPTIONS"

/* Methods RFC 3261 and its extensions define that we do not do. */
static bool
known_method(const char *m)
{
	static const char *const known[] = {
		"INVITE", "BYE",       "CANCEL",  "REGISTER",
		"PRACK",  "SUBSCRIBE", "NOTIFY",  "PUBLISH",
		"INFO",	  "REFER",     "MESSAGE", "UPDATE",
	};
	size_t i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(m, known[i]) == 0)
			return true;
	return false;
}

/* A binding that is or may be registered with this Contact user. */
static bool
contact_known(struct sipreg_engine *e, osip_uri_t *u)
{
	struct sipreg_binding *b;
	osip_uri_param_t *p = NULL;
	const char *line = NULL;
	struct sip_binding_ids ids;

	if (u == NULL || u->username == NULL)
		return false;
	if (osip_uri_uparam_get_byname(u, "line", &p) >= 0 && p != NULL)
		line = p->gvalue != NULL ? p->gvalue : "";
	TAILQ_FOREACH(b, &e->bindings, entry)
	{
		if (b->zombie || !sip_binding_may_be_registered(b))
			continue;
		if (strcmp(b->contact_user, u->username) != 0)
			continue;
		if (line == NULL)
			return true;
		sip_binding_ids(b, &ids);
		if (strcmp(line, ids.line) == 0)
			return true;
	}
	return false;
}

struct resp_buf {
	char *p;
	size_t len, size;
	bool overflow;
};

static void
put(struct resp_buf *r, const char *s)
{
	size_t n = strlen(s);

	if (r->overflow || n >= r->size - r->len) {
		r->overflow = true;
		return;
	}
	memcpy(r->p + r->len, s, n + 1);
	r->len += n;
}

/* "Name: value\r\n" from an osip to_str function's output (rc, value);
 * frees value. */
static int
put_header(struct resp_buf *r, const char *name, int rc, char *value)
{
	if (rc != OSIP_SUCCESS || value == NULL) {
		osip_free(value);
		return -EINVAL;
	}
	put(r, name);
	put(r, ": ");
	put(r, value);
	put(r, "\r\n");
	osip_free(value);
	return 0;
}

/*
 * RFC 3261 §18.2.1: the top Via records the source address (received)
 * and, when the client asked with rport (RFC 3581), the source port.
 */
static void
mark_via(struct sipreg_engine *e, osip_via_t *via)
{
	osip_generic_param_t *rp = NULL;
	char host[SIPREG_ADDR_STRLEN], port[8];

	if (!e->rx_src.known || e->rx_src.tp != SIPREG_TP_UDP)
		return;
	sip_addr_format(&e->rx_src.from, host, sizeof(host), false);
	if (host[0] == '[') { /* received takes the bare IPv6 address */
		memmove(host, host + 1, strlen(host));
		host[strcspn(host, "]")] = '\0';
	}
	if (osip_via_param_get_byname(via, "rport", &rp) >= 0 && rp != NULL &&
	    rp->gvalue == NULL) {
		snprintf(port, sizeof(port), "%u",
			 (unsigned)sip_addr_port(&e->rx_src.from));
		rp->gvalue = osip_strdup(port);
	}
	if (via->host == NULL || strcmp(via->host, host) != 0)
		osip_via_set_received(via, osip_strdup(host));
}

static int
build(struct sipreg_engine *e, osip_message_t *req, int code,
      const char *reason, struct resp_buf *r)
{
	osip_via_t *via;
	char *s = NULL, tag[SIP_BRANCH_LEN], num[12];
	osip_generic_param_t *tp = NULL;
	int i, rc;

	snprintf(num, sizeof(num), "%d ", code);
	put(r, "SIP/2.0 ");
	put(r, num);
	put(r, reason);
	put(r, "\r\n");
	for (i = 0; (via = osip_list_get(&req->vias, i)) != NULL; i++) {
		if (i == 0)
			mark_via(e, via);
		s = NULL;
		rc = osip_via_to_str(via, &s);
		if ((rc = put_header(r, "Via", rc, s)) != 0)
			return rc;
	}
	s = NULL;
	rc = osip_from_to_str(req->from, &s);
	if ((rc = put_header(r, "From", rc, s)) != 0)
		return rc;
	if (osip_to_get_tag(req->to, &tp) != OSIP_SUCCESS || tp == NULL) {
		if ((rc = sip_digest_cnonce(tag, 8)) != 0)
			return rc;
		osip_to_set_tag(req->to, osip_strdup(tag));
	}
	s = NULL;
	rc = osip_to_to_str(req->to, &s);
	if ((rc = put_header(r, "To", rc, s)) != 0)
		return rc;
	s = NULL;
	rc = osip_call_id_to_str(req->call_id, &s);
	if ((rc = put_header(r, "Call-ID", rc, s)) != 0)
		return rc;
	s = NULL;
	rc = osip_cseq_to_str(req->cseq, &s);
	if ((rc = put_header(r, "CSeq", rc, s)) != 0)
		return rc;
	if (code == 200 || code == 405)
		put(r, "Allow: " SIP_REQ_ALLOW "\r\n");
	if (code == 200) /* RFC 3261 §20.1: empty means no body accepted */
		put(r, "Accept: \r\n");
	put(r, "Server: "); /* RFC 3261 §20.35 */
	put(r, e->user_agent);
	put(r, "\r\nContent-Length: 0\r\n\r\n");
	return r->overflow ? -ENOSPC : 0;
}

/* RFC 3261 §18.2.2 for UDP: the source address, the Via or rport port. */
static void
udp_dest(struct sipreg_engine *e, osip_via_t *via, union sip_sa *to)
{
	osip_generic_param_t *rp = NULL;
	unsigned long port = 5060;
	uint16_t p;

	*to = e->rx_src.from;
	if (osip_via_param_get_byname(via, "rport", &rp) >= 0 && rp != NULL)
		return; /* the source port */
	if (via->port != NULL)
		port = strtoul(via->port, NULL, 10);
	if (port == 0 || port > 65535)
		port = 5060;
	p = htons((uint16_t)port);
	if (to->sa.sa_family == AF_INET6)
		to->in6.sin6_port = p;
	else
		to->in.sin_port = p;
}

static int
send_answer(struct sipreg_engine *e, osip_message_t *req, const char *buf,
	    size_t len)
{
	union sip_sa to;

	if (!e->rx_src.known)
		return -ENOTCONN;
	if (e->rx_src.tp != SIPREG_TP_UDP) {
		if (e->rx_src.conn == NULL)
			return -ENOTCONN;
		return sip_stream_reply(e->rx_src.conn, buf, len);
	}
	udp_dest(e, osip_list_get(&req->vias, 0), &to);
	return e->tp->send(e->tpctx, buf, len, &to);
}

void
sip_request_answer(struct sipreg_engine *e, osip_message_t *req)
{
	const char *m = req->sip_method, *reason;
	struct resp_buf r = { e->txbuf, 0, SIP_REQ_MAX, false };
	int code, rc;

	if (m == NULL || osip_list_size(&req->vias) < 1 || req->from == NULL ||
	    req->to == NULL || req->call_id == NULL || req->cseq == NULL ||
	    req->cseq->method == NULL || strcmp(req->cseq->method, m) != 0) {
		e->stats.malformed++;
		sip_engine_log(e, SIP_LOG_DEBUG,
			       "dropped request: no Via, From, To, Call-ID "
			       "or matching CSeq");
		return;
	}
	if (strcmp(m, "ACK") == 0) { /* never answered (RFC 3261 §17.2.1) */
		e->stats.acks++;
		return;
	}
	if (strcmp(m, "OPTIONS") == 0 && contact_known(e, req->req_uri)) {
		code = 200;
		reason = "OK";
	} else if (strcmp(m, "OPTIONS") == 0) {
		code = 404;
		reason = "Not Found";
	} else if (strcmp(m, "CANCEL") == 0) {
		code = 481; /* RFC 3261 §9.2: none to cancel */
		reason = "Call/Transaction Does Not Exist";
	} else if (known_method(m)) {
		code = 405;
		reason = "Method Not Allowed";
	} else {
		code = 501;
		reason = "Not Implemented";
	}
	if ((rc = build(e, req, code, reason, &r)) == 0)
		rc = send_answer(e, req, r.p, r.len);
	if (rc != 0) {
		e->stats.req_unsent++;
		sip_engine_log(e, SIP_LOG_DEBUG, "%s not answered: %s", m,
			       strerror(-rc));
		return;
	}
	if (code == 200)
		e->stats.options_ok++;
	else
		e->stats.req_rejected++;
	sip_engine_log(e, SIP_LOG_DEBUG, "%s answered %d", m, code);
}
