/* SPDX-License-Identifier: ISC */
/*
 * Digest arithmetic of RFC 2617 / RFC 7616 on OpenSSL 3 EVP.  SHA-512-256
 * is FIPS 180-4 SHA-512/256 (its own IV), not a truncated SHA-512.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "sip/sip_int.h"

static const struct {
	const char *name;
	enum sip_digest_alg alg;
	int strength;
} digest_algs[] = {
	{ "MD5", SIP_DIGEST_MD5, 1 },
	{ "SHA-256", SIP_DIGEST_SHA256, 2 },
	{ "SHA-512-256", SIP_DIGEST_SHA512_256, 3 },
};

#define DIGEST_NALGS (sizeof(digest_algs) / sizeof(digest_algs[0]))

static const EVP_MD *
digest_md_legacy(enum sip_digest_alg alg)
{
	switch (alg) {
	case SIP_DIGEST_MD5:
		return EVP_md5();
	case SIP_DIGEST_SHA256:
		return EVP_sha256();
	case SIP_DIGEST_SHA512_256:
		return EVP_sha512_256();
	default:
		return NULL;
	}
}

#if OPENSSL_VERSION_NUMBER >= 0x30000000L
/*
 * OpenSSL 3 looks the implementation of EVP_md5() and its kind up again
 * in every EVP_DigestInit_ex() (EVP_MD_fetch(3), "Performance"): fetch
 * each once and keep it.  Not found (MD5 under FIPS) stays NULL, as the
 * legacy object would fail to initialise.  sip/ runs in one thread.
 */
static const EVP_MD *
digest_md(enum sip_digest_alg alg)
{
	static EVP_MD *fetched[SIP_DIGEST_SHA512_256 + 1];
	static bool tried[SIP_DIGEST_SHA512_256 + 1];
	const EVP_MD *legacy = digest_md_legacy(alg);

	if (legacy == NULL)
		return NULL;
	if (!tried[alg]) {
		tried[alg] = true;
		fetched[alg] =
			EVP_MD_fetch(NULL, EVP_MD_get0_name(legacy), NULL);
	}
	return fetched[alg];
}
#else
#define digest_md digest_md_legacy
#endif

int
sip_digest_alg_parse(const char *s, size_t len, enum sip_digest_alg *alg,
		     bool *sess)
{
	static const char suffix[] = "-sess";
	size_t slen = sizeof(suffix) - 1, i;
	bool is_sess = false;

	if (len > slen && strncasecmp(s + len - slen, suffix, slen) == 0) {
		is_sess = true;
		len -= slen;
	}
	for (i = 0; i < DIGEST_NALGS; i++) {
		if (strlen(digest_algs[i].name) == len &&
		    strncasecmp(s, digest_algs[i].name, len) == 0) {
			*alg = digest_algs[i].alg;
			*sess = is_sess;
			return 0;
		}
	}
	return -ENOTSUP;
}

const char *
sip_digest_alg_name(enum sip_digest_alg alg, bool sess)
{
	static const char *const names[][2] = {
		{ "MD5", "MD5-sess" },
		{ "SHA-256", "SHA-256-sess" },
		{ "SHA-512-256", "SHA-512-256-sess" },
	};

	if (alg < SIP_DIGEST_MD5 || alg > SIP_DIGEST_SHA512_256)
		return "unknown";
	return names[alg - SIP_DIGEST_MD5][sess ? 1 : 0];
}

int
sip_digest_alg_strength(enum sip_digest_alg alg)
{
	size_t i;

	for (i = 0; i < DIGEST_NALGS; i++)
		if (digest_algs[i].alg == alg)
			return digest_algs[i].strength;
	return 0;
}

bool
sip_digest_alg_available(enum sip_digest_alg alg)
{
	const EVP_MD *md = digest_md(alg);
	EVP_MD_CTX *ctx;
	bool ok;

	if (md == NULL || (ctx = EVP_MD_CTX_new()) == NULL)
		return false;
	ok = EVP_DigestInit_ex(ctx, md, NULL) == 1;
	EVP_MD_CTX_free(ctx);
	return ok;
}

static void
hex_encode(const unsigned char *in, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hex[in[i] >> 4];
		out[2 * i + 1] = hex[in[i] & 0xf];
	}
	out[2 * n] = '\0';
}

/*
 * H(p[0] ":" p[1] ":" ... p[n-1]) as lowercase hex; raw data (the body)
 * goes through a NULL-terminated part with an explicit length.
 */
struct digest_part {
	const void *data;
	size_t len;
};

static int
digest_hash(enum sip_digest_alg alg, const struct digest_part *p, size_t n,
	    char *out)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	const EVP_MD *type = digest_md(alg);
	EVP_MD_CTX *ctx;
	int ok;
	size_t i;

	if (type == NULL)
		return -ENOTSUP;
	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return -ENOMEM;
	ok = EVP_DigestInit_ex(ctx, type, NULL);
	for (i = 0; ok && i < n; i++) {
		if (i > 0)
			ok = EVP_DigestUpdate(ctx, ":", 1);
		if (ok && p[i].len > 0)
			ok = EVP_DigestUpdate(ctx, p[i].data, p[i].len);
	}
	if (ok)
		ok = EVP_DigestFinal_ex(ctx, md, &mdlen);
	EVP_MD_CTX_free(ctx);
	if (!ok || mdlen * 2 + 1 > SIP_DIGEST_HEX_MAX) {
		OPENSSL_cleanse(md, sizeof(md));
		return -ENOTSUP;
	}
	hex_encode(md, mdlen, out);
	OPENSSL_cleanse(md, sizeof(md));
	return 0;
}

static struct digest_part
part(const char *s)
{
	struct digest_part p = { s, s != NULL ? strlen(s) : 0 };

	return p;
}

static bool
input_valid(const struct sip_digest_input *in)
{
	if (in->username == NULL || in->realm == NULL || in->password == NULL ||
	    in->nonce == NULL || in->method == NULL || in->uri == NULL)
		return false;
	if ((in->sess || in->qop != SIP_QOP_NONE) && in->cnonce == NULL)
		return false;
	return true;
}

int
sip_digest_ha1(const struct sip_digest_input *in, char *out)
{
	struct digest_part p[3];
	char inner[SIP_DIGEST_HEX_MAX];
	int rc;

	if (in == NULL || out == NULL || !input_valid(in))
		return -EINVAL;
	p[0] = part(in->username);
	p[1] = part(in->realm);
	p[2] = part(in->password);
	if (!in->sess)
		return digest_hash(in->alg, p, 3, out);
	if ((rc = digest_hash(in->alg, p, 3, inner)) != 0)
		return rc;
	p[0] = part(inner);
	p[1] = part(in->nonce);
	p[2] = part(in->cnonce);
	rc = digest_hash(in->alg, p, 3, out);
	OPENSSL_cleanse(inner, sizeof(inner));
	return rc;
}

int
sip_digest_ha2(const struct sip_digest_input *in, char *out)
{
	struct digest_part p[3];
	char hbody[SIP_DIGEST_HEX_MAX];
	int rc;

	if (in == NULL || out == NULL || !input_valid(in))
		return -EINVAL;
	p[0] = part(in->method);
	p[1] = part(in->uri);
	if (in->qop != SIP_QOP_AUTH_INT)
		return digest_hash(in->alg, p, 2, out);
	p[2].data = in->body;
	p[2].len = in->body != NULL ? in->bodylen : 0;
	if ((rc = digest_hash(in->alg, &p[2], 1, hbody)) != 0)
		return rc;
	p[2] = part(hbody);
	return digest_hash(in->alg, p, 3, out);
}

int
sip_digest_response(const struct sip_digest_input *in, char *out)
{
	char ha1[SIP_DIGEST_HEX_MAX], ha2[SIP_DIGEST_HEX_MAX], nc[9];
	struct digest_part p[6];
	int rc;

	if ((rc = sip_digest_ha1(in, ha1)) != 0)
		return rc;
	if ((rc = sip_digest_ha2(in, ha2)) != 0)
		goto out;
	p[0] = part(ha1);
	p[1] = part(in->nonce);
	if (in->qop == SIP_QOP_NONE) {
		p[2] = part(ha2);
		rc = digest_hash(in->alg, p, 3, out);
		goto out;
	}
	snprintf(nc, sizeof(nc), "%08x", (unsigned)in->nc);
	p[2] = part(nc);
	p[3] = part(in->cnonce);
	p[4] = part(in->qop == SIP_QOP_AUTH ? "auth" : "auth-int");
	p[5] = part(ha2);
	rc = digest_hash(in->alg, p, 6, out);
out:
	OPENSSL_cleanse(ha1, sizeof(ha1));
	return rc;
}

/*
 * Random bytes from OpenSSL's CSPRNG, drawn 4 KB at a time: one
 * RAND_bytes() call costs as much as a REGISTER, and every request needs
 * a branch and most a cnonce.  Per thread, so engines on several threads
 * never share it; spent bytes are wiped, and a forked child refills.
 */
#define RAND_POOL 4096

static _Thread_local unsigned char rand_pool[RAND_POOL];
static _Thread_local size_t rand_left;
static _Thread_local pid_t rand_pid;

int
sip_random(void *buf, size_t n)
{
	unsigned char *out = buf, *p;

	if (n > RAND_POOL)
		return RAND_bytes(out, (int)n) == 1 ? 0 : -EIO;
	if (rand_pid != getpid()) {
		rand_left = 0;
		rand_pid = getpid();
	}
	if (rand_left < n) {
		if (RAND_bytes(rand_pool, RAND_POOL) != 1)
			return -EIO;
		rand_left = RAND_POOL;
	}
	p = rand_pool + RAND_POOL - rand_left;
	memcpy(out, p, n);
	OPENSSL_cleanse(p, n);
	rand_left -= n;
	return 0;
}

int
sip_digest_cnonce(char *out, size_t nbytes)
{
	unsigned char raw[32];

	if (out == NULL || nbytes == 0 || nbytes > sizeof(raw))
		return -EINVAL;
	if (sip_random(raw, nbytes) != 0)
		return -EIO;
	hex_encode(raw, nbytes, out);
	OPENSSL_cleanse(raw, nbytes);
	return 0;
}

int
sip_digest_quote(char *buf, size_t size, size_t *pos, const char *s)
{
	size_t p = *pos;

	if (p + 1 >= size)
		return -ENOSPC;
	buf[p++] = '"';
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\') {
			if (p + 1 >= size)
				return -ENOSPC;
			buf[p++] = '\\';
		}
		if (p + 1 >= size)
			return -ENOSPC;
		buf[p++] = *s;
	}
	if (p + 1 >= size)
		return -ENOSPC;
	buf[p++] = '"';
	buf[p] = '\0';
	*pos = p;
	return 0;
}
