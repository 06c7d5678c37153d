/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target for the digest challenge parser and response builder.
 * Input: one flag byte, then up to four rounds separated by two NUL bytes
 * (one round is played twice), each a 401/407 the client receives:
 *   header values separated by one NUL byte, or with flag bit 2 a whole
 *   raw SIP response (sip_auth_handle_response);
 *   bit 0: the first value is a Proxy-Authenticate (then alternating);
 *   bit 1: answer the topmost supported challenge, not the strongest;
 *   bit 3: each round starts a new registration cycle.
 * Rounds exercise the RFC 3261 §22.1 retry rules (same nonce, stale, a
 * fresh nonce).  Every challenge that parses is answered with fixed
 * credentials; the credentials header must then be one line (values are
 * echoed into our requests, so CR/LF would be header injection) or the
 * target aborts.
 * Silent; frees everything it builds.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sip/sip_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_USER	    "alice"
#define FZ_PASSWORD "s3cr\"et\\"
#define FZ_METHOD   "REGISTER"
#define FZ_URI	    "sip:registrar.example.com;transport=udp"

static const char body[] = "v=0\r\n";

/* Straight digest arithmetic on one parsed challenge. */
static void
answer(const struct sip_challenge *ch, void *arg)
{
	struct sip_digest_input in;
	char out[SIP_DIGEST_HEX_MAX];
	size_t i;

	if (ch->realm == NULL || ch->nonce == NULL)
		abort(); /* a usable challenge has both */
	for (i = 0; i < 3; i++) {
		memset(&in, 0, sizeof(in));
		in.alg = ch->alg;
		in.sess = ch->sess;
		in.qop = (enum sip_digest_qop)i;
		in.username = FZ_USER;
		in.realm = ch->realm;
		in.password = FZ_PASSWORD;
		in.method = FZ_METHOD;
		in.uri = FZ_URI;
		in.nonce = ch->nonce;
		in.cnonce = "0a4f113b";
		in.nc = 1;
		in.body = body;
		in.bodylen = sizeof(body) - 1;
		if (sip_digest_response(&in, out) == 0 &&
		    strlen(out) >= SIP_DIGEST_HEX_MAX)
			abort();
	}
	(void)sip_digest_alg_name(ch->alg, ch->sess);
	(*(unsigned *)arg)++;
}

static int
check_header(const char *name, const char *value, void *arg)
{
	if (strpbrk(value, "\r\n") != NULL || strlen(name) == 0)
		abort();
	(*(unsigned *)arg)++;
	return 0;
}

static void
build(struct sip_auth *a)
{
	unsigned n = 0;

	(void)sip_auth_build(a, FZ_METHOD, FZ_URI, body, sizeof(body) - 1,
			     check_header, &n);
}

/* Feed the NUL-separated values of one round, then commit. */
static int
feed_values(struct sip_auth *a, const char *v, size_t len, bool proxy)
{
	size_t start = 0, i;
	unsigned n = 0;

	sip_auth_begin(a);
	for (i = 0; i <= len; i++) {
		if (i < len && v[i] != '\0')
			continue;
		(void)sip_challenge_parse(v + start, i - start, proxy, answer,
					  &n);
		(void)sip_auth_add_header(a, v + start, i - start, proxy);
		proxy = !proxy;
		start = i + 1;
	}
	return sip_auth_commit(a);
}

/* One 401/407 received: take its challenges and, if accepted, answer. */
static void
round_play(struct sip_auth *a, const char *v, size_t len, uint8_t flags)
{
	int rc;

	if (flags & 4)
		rc = sip_auth_handle_response(a, v, len);
	else
		rc = feed_values(a, v, len, flags & 1);
	if (rc == 0)
		build(a);
}

#define FZ_MAX_ROUNDS 4

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sip_auth *a = NULL;
	const char *v = (const char *)data + 1, *end, *sep;
	size_t len[FZ_MAX_ROUNDS];
	const char *round[FZ_MAX_ROUNDS];
	unsigned n = 0, i;
	uint8_t flags;

	if (size < 1 || sip_auth_create(&a, FZ_USER, FZ_PASSWORD) != 0)
		return 0;
	flags = data[0];
	sip_auth_set_policy(a, (flags & 2) ? SIP_AUTH_TOPMOST
					   : SIP_AUTH_STRONGEST);
	end = (const char *)data + size;
	while (n < FZ_MAX_ROUNDS - 1 &&
	       (sep = memmem(v, (size_t)(end - v), "\0\0", 2)) != NULL) {
		round[n] = v;
		len[n++] = (size_t)(sep - v);
		v = sep + 2;
	}
	round[n] = v;
	len[n++] = (size_t)(end - v);
	if (n == 1) {
		round[n] = round[0];
		len[n++] = len[0];
	}
	for (i = 0; i < n; i++) {
		if (i > 0 && (flags & 8))
			sip_auth_new_cycle(a);
		round_play(a, round[i], len[i], flags);
	}
	sip_auth_destroy(a);
	return 0;
}
