/* SPDX-License-Identifier: ISC */
/*
 * WWW-Authenticate / Proxy-Authenticate parser (RFC 7235 §4.1 grammar,
 * RFC 7616 parameters).  It works on the raw header value because
 * libosip2 silently drops challenges it cannot parse and parameters whose
 * quoted value is empty.  Every access is bounds-checked: the input is
 * untrusted network data and need not be NUL-terminated.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sip/sip_int.h"

struct cursor {
	const char *s;
	size_t len;
	size_t pos;
};

/* A parameter value, unescaped into a bounded buffer. */
struct pvalue {
	char buf[SIP_CHALLENGE_VALUE_MAX + 1];
	size_t len;
	bool bad; /* too long, unterminated or with control characters */
};

/* The challenge being parsed. */
struct pending {
	struct sip_challenge ch;
	bool digest;
	bool bad;
	bool has_realm;
	bool has_nonce;
	bool has_alg;
};

static bool
is_lws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool
is_tchar(char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return true;
	return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static void
skip_lws(struct cursor *c)
{
	while (c->pos < c->len && is_lws(c->s[c->pos]))
		c->pos++;
}

static size_t
read_token(struct cursor *c)
{
	size_t start = c->pos;

	while (c->pos < c->len && is_tchar(c->s[c->pos]))
		c->pos++;
	return c->pos - start;
}

static void
pvalue_put(struct pvalue *v, char ch)
{
	unsigned char u = (unsigned char)ch;

	/* Values are echoed into our headers: refuse CR/LF injection. */
	if ((u < 0x20 && u != '\t') || u == 0x7f)
		v->bad = true;
	if (v->len >= SIP_CHALLENGE_VALUE_MAX) {
		v->bad = true;
		return;
	}
	v->buf[v->len++] = ch;
}

static void
read_quoted(struct cursor *c, struct pvalue *v)
{
	c->pos++; /* opening quote */
	while (c->pos < c->len) {
		char ch = c->s[c->pos++];

		if (ch == '"')
			return;
		if (ch == '\\') {
			if (c->pos >= c->len)
				break;
			ch = c->s[c->pos++];
		}
		pvalue_put(v, ch);
	}
	v->bad = true; /* unterminated */
}

/* Token values: be lenient (nonces are often sent unquoted with '/'). */
static void
read_value(struct cursor *c, struct pvalue *v)
{
	v->len = 0;
	v->bad = false;
	if (c->pos < c->len && c->s[c->pos] == '"') {
		read_quoted(c, v);
	} else {
		while (c->pos < c->len && !is_lws(c->s[c->pos]) &&
		       c->s[c->pos] != ',' && c->s[c->pos] != '"')
			pvalue_put(v, c->s[c->pos++]);
		if (v->len == 0)
			v->bad = true;
	}
	v->buf[v->len] = '\0';
}

/* Skip to just past the next comma (or to the end) after garbage. */
static void
skip_garbage(struct cursor *c)
{
	bool quoted = false;

	while (c->pos < c->len) {
		char ch = c->s[c->pos++];

		if (ch == '\\' && quoted && c->pos < c->len)
			c->pos++;
		else if (ch == '"')
			quoted = !quoted;
		else if (ch == ',' && !quoted)
			return;
	}
}

static bool
name_is(const char *name, size_t nlen, const char *want)
{
	return strlen(want) == nlen && strncasecmp(name, want, nlen) == 0;
}

static int
set_string(char **dst, const struct pvalue *v, bool *bad)
{
	if (*dst != NULL) { /* duplicate parameter: ambiguous, refuse */
		*bad = true;
		return 0;
	}
	if ((*dst = strdup(v->buf)) == NULL)
		return -ENOMEM;
	return 0;
}

static void
parse_qop(struct pending *p, const struct pvalue *v)
{
	size_t i = 0, start, end;

	p->ch.qop_given = true;
	while (i < v->len) {
		while (i < v->len && (v->buf[i] == ',' || is_lws(v->buf[i])))
			i++;
		start = i;
		while (i < v->len && v->buf[i] != ',')
			i++;
		end = i;
		while (end > start && is_lws(v->buf[end - 1]))
			end--;
		if (name_is(v->buf + start, end - start, "auth"))
			p->ch.qop_mask |= SIP_QOP_MASK_AUTH;
		else if (name_is(v->buf + start, end - start, "auth-int"))
			p->ch.qop_mask |= SIP_QOP_MASK_AUTH_INT;
	}
}

static void
parse_alg(struct pending *p, const struct pvalue *v)
{
	if (p->has_alg) {
		p->bad = true;
		return;
	}
	p->has_alg = true;
	p->ch.alg_given = true;
	if (sip_digest_alg_parse(v->buf, v->len, &p->ch.alg, &p->ch.sess) != 0)
		p->bad = true; /* unknown algorithm: ignore this challenge */
}

static int
apply_param(struct pending *p, const char *name, size_t nlen,
	    const struct pvalue *v)
{
	if (!p->digest)
		return 0;
	if (v->bad) {
		p->bad = true;
		return 0;
	}
	if (name_is(name, nlen, "realm")) {
		p->has_realm = true;
		return set_string(&p->ch.realm, v, &p->bad);
	}
	if (name_is(name, nlen, "nonce")) {
		p->has_nonce = v->len > 0;
		return set_string(&p->ch.nonce, v, &p->bad);
	}
	if (name_is(name, nlen, "opaque"))
		return set_string(&p->ch.opaque, v, &p->bad);
	if (name_is(name, nlen, "algorithm"))
		parse_alg(p, v);
	else if (name_is(name, nlen, "qop"))
		parse_qop(p, v);
	else if (name_is(name, nlen, "stale"))
		p->ch.stale = name_is(v->buf, v->len, "true");
	return 0;
}

static bool
pending_usable(struct pending *p)
{
	if (!p->digest || p->bad || !p->has_realm || !p->has_nonce)
		return false;
	if (!p->has_alg)
		p->ch.alg = SIP_DIGEST_MD5; /* RFC 2617: absent means MD5 */
	if (p->ch.qop_given && p->ch.qop_mask == 0)
		return false; /* only qop values we do not know */
	if (p->ch.sess && !p->ch.qop_given)
		return false; /* -sess needs a cnonce, hence a qop */
	return sip_digest_alg_available(p->ch.alg);
}

/*
 * Parse the parameters of one challenge.  Returns 1 when a new scheme
 * starts at the cursor, 0 at the end, -ENOMEM.
 */
static int
parse_params(struct cursor *c, struct pending *p)
{
	struct pvalue *v;
	size_t start, nlen;
	int rc = 0;

	if ((v = malloc(sizeof(*v))) == NULL)
		return -ENOMEM;
	for (;;) {
		while (c->pos < c->len &&
		       (is_lws(c->s[c->pos]) || c->s[c->pos] == ','))
			c->pos++;
		if (c->pos >= c->len)
			break;
		start = c->pos;
		nlen = read_token(c);
		skip_lws(c);
		if (nlen > 0 && (c->pos >= c->len || c->s[c->pos] != '=')) {
			c->pos = start; /* "Scheme" followed by no '=' */
			rc = 1;
			break;
		}
		if (nlen == 0) {
			p->bad = true;
			skip_garbage(c);
			continue;
		}
		c->pos++; /* '=' */
		skip_lws(c);
		read_value(c, v);
		if ((rc = apply_param(p, c->s + start, nlen, v)) != 0)
			break;
		skip_lws(c);
		if (c->pos < c->len && c->s[c->pos] != ',') {
			p->bad = true;
			skip_garbage(c);
		}
	}
	free(v);
	return rc;
}

void
sip_challenge_clear(struct sip_challenge *ch)
{
	if (ch == NULL)
		return;
	free(ch->realm);
	free(ch->nonce);
	free(ch->opaque);
	memset(ch, 0, sizeof(*ch));
}

/* Parse one challenge at the cursor; *usable says whether h was called. */
static int
parse_one(struct cursor *c, bool proxy, unsigned order, sip_challenge_h *h,
	  void *arg, bool *usable)
{
	struct pending p;
	size_t start = c->pos, slen;
	int rc;

	memset(&p, 0, sizeof(p));
	p.ch.proxy = proxy;
	p.ch.order = order;
	slen = read_token(c);
	if (slen == 0) {
		skip_garbage(c);
		return 0;
	}
	p.digest = name_is(c->s + start, slen, "Digest");
	rc = parse_params(c, &p);
	*usable = rc >= 0 && pending_usable(&p);
	if (*usable)
		h(&p.ch, arg);
	sip_challenge_clear(&p.ch);
	return rc < 0 ? rc : 0;
}

int
sip_challenge_parse(const char *v, size_t len, bool proxy, sip_challenge_h *h,
		    void *arg)
{
	struct cursor c = { v, len, 0 };
	unsigned order = 0;
	int n = 0, rc;
	bool usable;

	if (v == NULL || h == NULL)
		return -EINVAL;
	for (;;) {
		while (c.pos < c.len &&
		       (is_lws(c.s[c.pos]) || c.s[c.pos] == ','))
			c.pos++;
		if (c.pos >= c.len)
			break;
		usable = false;
		if ((rc = parse_one(&c, proxy, order++, h, arg, &usable)) < 0)
			return rc;
		n += usable ? 1 : 0;
	}
	return n;
}
