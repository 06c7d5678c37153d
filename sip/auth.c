/* SPDX-License-Identifier: ISC */
/*
 * Per-binding digest state: which challenge to answer per realm, the
 * nonce counts, and the retry rules of RFC 3261 §22.1 (never resend
 * credentials that were just rejected unless the nonce was stale).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "sip/sip_int.h"

#define AUTH_MAX_REALMS	  4
#define AUTH_MAX_STALE	  2 /* stale=true retries per cycle */
#define AUTH_MAX_RECHALL  1 /* fresh nonce without stale, per cycle */
#define AUTH_CNONCE_BYTES 16
#define AUTH_HDR_MAX	  (4 * SIP_CHALLENGE_VALUE_MAX + 512)

/*
 * One cached challenge.  realm, nonce and opaque point into one block
 * (strs) allocated with the challenge.
 */
struct auth_realm {
	bool proxy;
	bool sess;
	bool alg_given;
	bool sent;   /* credentials for this nonce went out */
	uint8_t alg; /* enum sip_digest_alg */
	uint8_t qop; /* enum sip_digest_qop */
	uint32_t nc;
	/* -sess: the cnonce of H(A1), chosen once per nonce (RFC 7616
	 * §3.4.2), "" until the first credentials for the nonce */
	char sess_cnonce[2 * AUTH_CNONCE_BYTES + 1];
	char *strs;
	const char *realm;
	const char *nonce;
	const char *opaque; /* NULL when absent */
};

/* The challenges of one response, between begin and commit. */
struct auth_cands {
	struct auth_realm v[AUTH_MAX_REALMS];
	unsigned n;
};

/*
 * Nothing but the credentials until a challenge comes: the cached
 * challenges are an array of exactly nrealms (allocated when the first
 * one is adopted), the candidates exist only while a response is read.
 */
struct sip_auth {
	char *creds; /* "user\0password\0", cleansed before it is freed */
	const char *user;
	const char *password;
	uint8_t policy; /* enum sip_auth_policy */
	uint8_t stale_count;
	uint8_t rechallenge_count;
	uint8_t nrealms;
	int cand_err;
	struct auth_realm *realms;
	struct auth_cands *cand;
};

static void
realm_clear(struct auth_realm *r)
{
	free(r->strs);
	memset(r, 0, sizeof(*r));
}

int
sip_auth_create(struct sip_auth **out, const char *user, const char *password)
{
	struct sip_auth *a;
	int rc;

	if (out == NULL)
		return -EINVAL;
	if ((a = calloc(1, sizeof(*a))) == NULL)
		return -ENOMEM;
	if ((rc = sip_auth_set_credentials(a, user, password)) != 0) {
		sip_auth_destroy(a);
		return rc;
	}
	*out = a;
	return 0;
}

static void
creds_free(struct sip_auth *a)
{
	if (a->creds == NULL)
		return;
	OPENSSL_cleanse(a->creds, strlen(a->user) + strlen(a->password) + 2);
	free(a->creds);
	a->creds = NULL;
}

void
sip_auth_destroy(struct sip_auth *a)
{
	if (a == NULL)
		return;
	sip_auth_forget(a);
	sip_auth_begin(a);
	creds_free(a);
	free(a);
}

int
sip_auth_set_credentials(struct sip_auth *a, const char *user,
			 const char *password)
{
	size_t ul, pl;
	char *c;

	if (a == NULL)
		return -EINVAL;
	if (user == NULL)
		user = "";
	if (password == NULL)
		password = "";
	ul = strlen(user);
	pl = strlen(password);
	if ((c = malloc(ul + pl + 2)) == NULL)
		return -ENOMEM;
	memcpy(c, user, ul + 1);
	memcpy(c + ul + 1, password, pl + 1);
	creds_free(a);
	a->creds = c;
	a->user = c;
	a->password = c + ul + 1;
	sip_auth_forget(a);
	return 0;
}

void
sip_auth_set_policy(struct sip_auth *a, enum sip_auth_policy policy)
{
	if (a != NULL)
		a->policy = (uint8_t)policy;
}

void
sip_auth_new_cycle(struct sip_auth *a)
{
	if (a == NULL)
		return;
	a->stale_count = 0;
	a->rechallenge_count = 0;
}

void
sip_auth_forget(struct sip_auth *a)
{
	size_t i;

	if (a == NULL)
		return;
	for (i = 0; i < a->nrealms; i++)
		realm_clear(&a->realms[i]);
	free(a->realms);
	a->realms = NULL;
	a->nrealms = 0;
}

size_t
sip_auth_realm_count(const struct sip_auth *a)
{
	return a != NULL ? a->nrealms : 0;
}

void
sip_auth_begin(struct sip_auth *a)
{
	size_t i;

	if (a->cand != NULL) {
		for (i = 0; i < AUTH_MAX_REALMS; i++)
			realm_clear(&a->cand->v[i]);
		free(a->cand);
		a->cand = NULL;
	}
	a->cand_err = 0;
}

static struct auth_realm *
realm_find(struct auth_realm *set, size_t n, bool proxy, const char *realm)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (set[i].strs != NULL && set[i].proxy == proxy &&
		    strcmp(set[i].realm, realm) == 0)
			return &set[i];
	return NULL;
}

static int
realm_fill(struct auth_realm *r, const struct sip_challenge *ch)
{
	size_t rl = strlen(ch->realm), nl = strlen(ch->nonce);
	size_t ol = ch->opaque != NULL ? strlen(ch->opaque) + 1 : 0;
	char *s;

	realm_clear(r);
	if ((s = malloc(rl + nl + ol + 2)) == NULL)
		return -ENOMEM;
	memcpy(s, ch->realm, rl + 1);
	memcpy(s + rl + 1, ch->nonce, nl + 1);
	if (ch->opaque != NULL)
		memcpy(s + rl + nl + 2, ch->opaque, ol);
	r->strs = s;
	r->realm = s;
	r->nonce = s + rl + 1;
	r->opaque = ch->opaque != NULL ? s + rl + nl + 2 : NULL;
	r->proxy = ch->proxy;
	r->alg = (uint8_t)ch->alg;
	r->sess = ch->sess;
	r->alg_given = ch->alg_given;
	r->sent = ch->stale; /* carries the stale flag until commit */
	if (!ch->qop_given)
		r->qop = SIP_QOP_NONE;
	else if (ch->qop_mask & SIP_QOP_MASK_AUTH)
		r->qop = SIP_QOP_AUTH;
	else
		r->qop = SIP_QOP_AUTH_INT;
	return 0;
}

static void
collect(const struct sip_challenge *ch, void *arg)
{
	struct sip_auth *a = arg;
	struct auth_cands *c = a->cand;
	struct auth_realm *r;
	int rc;

	if (c == NULL && (c = a->cand = calloc(1, sizeof(*c))) == NULL) {
		a->cand_err = -ENOMEM;
		return;
	}
	r = realm_find(c->v, AUTH_MAX_REALMS, ch->proxy, ch->realm);
	if (r != NULL) {
		if (a->policy == SIP_AUTH_TOPMOST ||
		    sip_digest_alg_strength(ch->alg) <=
			    sip_digest_alg_strength(r->alg))
			return;
	} else if (c->n >= AUTH_MAX_REALMS) {
		return; /* more realms than we answer: ignore the rest */
	} else {
		/* slots fill in order and are only cleared all at once */
		r = &c->v[c->n++];
	}
	if ((rc = realm_fill(r, ch)) != 0) {
		a->cand_err = rc;
		if (r == &c->v[c->n - 1])
			c->n--;
	}
}

int
sip_auth_add_header(struct sip_auth *a, const char *v, size_t len, bool proxy)
{
	int rc;

	if (a == NULL || v == NULL)
		return -EINVAL;
	rc = sip_challenge_parse(v, len, proxy, collect, a);
	if (rc < 0)
		return rc;
	return a->cand_err;
}

/* Apply RFC 3261 §22.1 to one candidate against what we sent before. */
static int
judge(struct sip_auth *a, const struct auth_realm *cand)
{
	struct auth_realm *old =
		realm_find(a->realms, a->nrealms, cand->proxy, cand->realm);
	bool stale = cand->sent;

	if (old == NULL || !old->sent)
		return 0;
	if (stale)
		return ++a->stale_count > AUTH_MAX_STALE ? -EPROTO : 0;
	if (strcmp(old->nonce, cand->nonce) == 0)
		return -EACCES;
	return ++a->rechallenge_count > AUTH_MAX_RECHALL ? -EACCES : 0;
}

/* Room in a->realms for every candidate, so adopting cannot fail. */
static int
realms_reserve(struct sip_auth *a, const struct auth_cands *c)
{
	struct auth_realm *v;
	size_t i, n = a->nrealms;

	for (i = 0; i < c->n; i++)
		if (c->v[i].strs != NULL &&
		    realm_find(a->realms, a->nrealms, c->v[i].proxy,
			       c->v[i].realm) == NULL)
			n++;
	if (n > AUTH_MAX_REALMS)
		n = AUTH_MAX_REALMS;
	if (n == a->nrealms)
		return 0;
	if ((v = realloc(a->realms, n * sizeof(*v))) == NULL)
		return -ENOMEM;
	memset(v + a->nrealms, 0, (n - a->nrealms) * sizeof(*v));
	a->realms = v;
	return 0;
}

static void
adopt(struct sip_auth *a, struct auth_realm *cand)
{
	struct auth_realm *old =
		realm_find(a->realms, a->nrealms, cand->proxy, cand->realm);

	if (old == NULL && a->nrealms < AUTH_MAX_REALMS)
		old = &a->realms[a->nrealms++];
	else if (old == NULL)
		old = &a->realms[AUTH_MAX_REALMS - 1];
	realm_clear(old);
	*old = *cand;
	old->sent = false;
	old->nc = 0;
	memset(cand, 0, sizeof(*cand));
}

int
sip_auth_commit(struct sip_auth *a)
{
	struct auth_cands *c;
	size_t i;
	int rc = 0, r;

	if (a == NULL)
		return -EINVAL;
	c = a->cand;
	if (a->cand_err != 0)
		rc = a->cand_err;
	else if (c == NULL || c->n == 0)
		rc = -EPROTO;
	for (i = 0; rc == 0 && i < c->n; i++) {
		if (c->v[i].strs != NULL && (r = judge(a, &c->v[i])) != 0)
			rc = r;
	}
	if (rc == 0)
		rc = realms_reserve(a, c);
	for (i = 0; rc == 0 && i < c->n; i++)
		if (c->v[i].strs != NULL)
			adopt(a, &c->v[i]);
	sip_auth_begin(a);
	/* RFC 3261 §22.1: the credentials just rejected are not sent
	 * again; the next request goes without and gets a new challenge */
	if (rc == -EACCES)
		sip_auth_forget(a);
	return rc;
}

struct hdr_walk {
	struct sip_auth *a;
	bool proxy;
	int rc;
};

static void
walk_header(const char *v, size_t len, void *arg)
{
	struct hdr_walk *w = arg;
	int rc;

	if (w->rc == 0 && (rc = sip_auth_add_header(w->a, v, len, w->proxy)))
		w->rc = rc;
}

int
sip_auth_handle_response(struct sip_auth *a, const char *raw, size_t len)
{
	struct hdr_walk w = { a, false, 0 };

	if (a == NULL || raw == NULL)
		return -EINVAL;
	sip_auth_begin(a);
	sip_msg_foreach_header(raw, len, "WWW-Authenticate", walk_header, &w);
	w.proxy = true;
	sip_msg_foreach_header(raw, len, "Proxy-Authenticate", walk_header, &w);
	if (w.rc != 0) {
		sip_auth_begin(a);
		return w.rc;
	}
	return sip_auth_commit(a);
}

struct hdr_buf {
	char *s;
	size_t pos;
	int rc;
};

static void
put_raw(struct hdr_buf *b, const char *s)
{
	size_t n = strlen(s);

	if (b->rc != 0)
		return;
	if (b->pos + n + 1 > AUTH_HDR_MAX) {
		b->rc = -ENOSPC;
		return;
	}
	memcpy(b->s + b->pos, s, n + 1);
	b->pos += n;
}

static void
put_quoted(struct hdr_buf *b, const char *name, const char *v)
{
	put_raw(b, name);
	if (b->rc == 0)
		b->rc = sip_digest_quote(b->s, AUTH_HDR_MAX, &b->pos, v);
}

static void
format_credentials(struct hdr_buf *b, const struct auth_realm *r,
		   const struct sip_digest_input *in, const char *response)
{
	char nc[16];

	put_quoted(b, "Digest username=", in->username);
	put_quoted(b, ", realm=", r->realm);
	put_quoted(b, ", nonce=", r->nonce);
	put_quoted(b, ", uri=", in->uri);
	put_quoted(b, ", response=", response);
	if (r->alg_given) {
		put_raw(b, ", algorithm=");
		put_raw(b, sip_digest_alg_name(r->alg, r->sess));
	}
	if (r->qop != SIP_QOP_NONE)
		put_quoted(b, ", cnonce=", in->cnonce);
	if (r->opaque != NULL)
		put_quoted(b, ", opaque=", r->opaque);
	if (r->qop != SIP_QOP_NONE) {
		snprintf(nc, sizeof(nc), "%08x", (unsigned)in->nc);
		put_raw(b, r->qop == SIP_QOP_AUTH ? ", qop=auth, nc="
						  : ", qop=auth-int, nc=");
		put_raw(b, nc);
	}
}

static int
build_one(struct sip_auth *a, struct auth_realm *r, struct hdr_buf *b,
	  struct sip_digest_input *in)
{
	char cnonce[2 * AUTH_CNONCE_BYTES + 1];
	char response[SIP_DIGEST_HEX_MAX];
	int rc;

	if (r->sess && r->sess_cnonce[0] != '\0')
		memcpy(cnonce, r->sess_cnonce, sizeof(cnonce));
	else if ((rc = sip_digest_cnonce(cnonce, AUTH_CNONCE_BYTES)) != 0)
		return rc;
	in->alg = r->alg;
	in->sess = r->sess;
	in->qop = r->qop;
	in->realm = r->realm;
	in->nonce = r->nonce;
	in->cnonce = cnonce;
	in->nc = r->qop != SIP_QOP_NONE ? r->nc + 1 : 0;
	if ((rc = sip_digest_response(in, response)) != 0)
		return rc;
	b->pos = 0;
	b->rc = 0;
	format_credentials(b, r, in, response);
	OPENSSL_cleanse(response, sizeof(response));
	if (b->rc != 0)
		return b->rc;
	r->nc = in->nc;
	r->sent = true;
	if (r->sess)
		memcpy(r->sess_cnonce, cnonce, sizeof(r->sess_cnonce));
	return 0;
}

int
sip_auth_build(struct sip_auth *a, const char *method, const char *uri,
	       const void *body, size_t bodylen, sip_auth_hdr_h *h, void *arg)
{
	struct sip_digest_input in;
	char buf[AUTH_HDR_MAX];
	struct hdr_buf b = { buf, 0, 0 };
	size_t i;
	int rc = 0;

	if (a == NULL || method == NULL || uri == NULL || h == NULL)
		return -EINVAL;
	buf[0] = '\0';
	memset(&in, 0, sizeof(in));
	in.username = a->user;
	in.password = a->password;
	in.method = method;
	in.uri = uri;
	in.body = body;
	in.bodylen = bodylen;
	for (i = 0; rc == 0 && i < a->nrealms; i++) {
		struct auth_realm *r = &a->realms[i];

		if ((rc = build_one(a, r, &b, &in)) == 0)
			rc = h(r->proxy ? "Proxy-Authorization"
					: "Authorization",
			       b.s, arg);
	}
	OPENSSL_cleanse(buf,
			b.pos + 1 < AUTH_HDR_MAX ? b.pos + 1 : AUTH_HDR_MAX);
	return rc;
}
