/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target: bytes -> libosip2 parse -> the engine's transaction
 * matching and registration state machine, over an in-memory transport
 * and a fake clock.  Silent; everything is freed per input.
 *
 * The input is one or more responses separated by a line "--".  In each,
 * $VIA, $FROM, $TO, $CALLID, $CSEQ and $CONTACT are replaced by the
 * values of the REGISTER the engine sent last, so responses match its
 * transaction and drive the state machine (digest retries, 423, failover,
 * backoff, refresh); the piece is also fed unchanged.  The first byte of
 * each piece moves the clock (retransmissions, hot swap, timers).
 * Requests are answered as if from a UDP peer (sip/request.c).
 * Seeds: tests/fuzz/corpus/sip_response/.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sip/sip_int.h"

#define FUZZ_MAX_MSG 16384

struct fuzz_tp {
	char last[SIP_REQ_MAX];
	size_t len;
	unsigned sent;
};

static uint64_t fuzz_now;

static uint64_t
fuzz_clock(void *arg)
{
	(void)arg;
	return fuzz_now;
}

static uint32_t
fuzz_rand(void *arg)
{
	(void)arg;
	return 0x9e3779b9u;
}

static int
tp_send(void *ctx, const char *buf, size_t len, const union sip_sa *to)
{
	struct fuzz_tp *t = ctx;

	(void)to;
	if (len >= 8 && memcmp(buf, "SIP/2.0 ", 8) == 0)
		return 0; /* an answer to a request: $VIA etc. stay the
			     REGISTER's */
	if (len >= sizeof(t->last))
		len = sizeof(t->last) - 1;
	memcpy(t->last, buf, len);
	t->last[len] = '\0';
	t->len = len;
	t->sent++;
	return t->sent % 97 == 0 ? -ENETUNREACH : 0; /* now and then */
}

static int
tp_local_addr(void *ctx, const union sip_sa *to, union sip_sa *local)
{
	(void)ctx;
	(void)to;
	memset(local, 0, sizeof(*local));
	local->in.sin_family = AF_INET;
	local->in.sin_port = htons(5062);
	local->in.sin_addr.s_addr = htonl(0xc000020a); /* 192.0.2.10 */
	return 0;
}

static int
tp_fd(void *ctx)
{
	(void)ctx;
	return -1;
}

static int
tp_recv(void *ctx, char *buf, size_t size, union sip_sa *from)
{
	(void)ctx;
	(void)buf;
	(void)size;
	(void)from;
	return -EAGAIN;
}

static void
tp_destroy(void *ctx)
{
	free(ctx);
}

static const struct sip_transport_ops fuzz_ops = {
	.send = tp_send,
	.local_addr = tp_local_addr,
	.fd = tp_fd,
	.recv = tp_recv,
	.destroy = tp_destroy,
};

struct hdr_copy {
	char *buf;
	size_t size;
};

static void
copy_hdr(const char *v, size_t len, void *arg)
{
	struct hdr_copy *c = arg;

	if (len >= c->size)
		len = c->size - 1;
	memcpy(c->buf, v, len);
	c->buf[len] = '\0';
}

/* Value of header name in the last request ("" if none). */
static const char *
last_hdr(const struct fuzz_tp *t, const char *name, char *buf, size_t size)
{
	struct hdr_copy c = { buf, size };

	buf[0] = '\0';
	sip_msg_foreach_header(t->last, t->len, name, copy_hdr, &c);
	return buf;
}

static const char *const placeholders[] = {
	"$VIA", "$FROM", "$TO", "$CALLID", "$CSEQ", "$CONTACT",
};
static const char *const header_names[] = {
	"Via", "From", "To", "Call-ID", "CSeq", "Contact",
};
#define NPH (sizeof(placeholders) / sizeof(placeholders[0]))

/* Copy in[0..n) to out with the placeholders expanded; returns length. */
static size_t
expand(const struct fuzz_tp *t, const uint8_t *in, size_t n, char *out,
       size_t cap)
{
	char vals[NPH][512];
	size_t i, k, o = 0, pl, vl;

	for (k = 0; k < NPH; k++)
		last_hdr(t, header_names[k], vals[k], sizeof(vals[k]));
	for (i = 0; i < n && o + 1 < cap;) {
		for (k = 0; k < NPH; k++) {
			pl = strlen(placeholders[k]);
			if (n - i >= pl &&
			    memcmp(in + i, placeholders[k], pl) == 0)
				break;
		}
		if (k == NPH) {
			out[o++] = (char)in[i++];
			continue;
		}
		vl = strlen(vals[k]);
		if (o + vl + 1 > cap)
			break;
		memcpy(out + o, vals[k], vl);
		o += vl;
		i += strlen(placeholders[k]);
	}
	out[o] = '\0';
	return o;
}

static void
feed(struct sipreg_engine *e, const struct fuzz_tp *t, const uint8_t *p,
     size_t n, char *buf)
{
	size_t len;

	if (n == 0)
		return;
	fuzz_now += (uint64_t)(p[0] % 16) * 2500;
	sipreg_engine_timeout(e);
	len = n < FUZZ_MAX_MSG ? n : FUZZ_MAX_MSG - 1;
	memcpy(buf, p, len);
	buf[len] = '\0';
	/* from a UDP peer, so requests are answered (sip/request.c) */
	memset(&e->rx_src, 0, sizeof(e->rx_src));
	e->rx_src.known = true;
	e->rx_src.tp = SIPREG_TP_UDP;
	e->rx_src.from.in.sin_family = AF_INET;
	e->rx_src.from.in.sin_port = htons(5060);
	e->rx_src.from.in.sin_addr.s_addr = htonl(0xc0000201); /* 192.0.2.1 */
	sip_engine_input(e, buf, len);
	len = expand(t, p, n, buf, FUZZ_MAX_MSG);
	sip_engine_input(e, buf, len);
	e->rx_src.known = false;
}

static void
add_binding(struct sipreg_engine *e)
{
	struct sipreg_binding_cfg c;
	struct sipreg_binding *b;

	memset(&c, 0, sizeof(c));
	c.aor_user = "alice";
	c.aor_host = "example.com";
	c.password = "secret";
	c.naddrs = 2;
	c.addrs[0].host = "192.0.2.1";
	c.addrs[1].host = "192.0.2.2";
	c.hotswap = true;
	c.hotswap_rtx = 2;
	c.expires = 60;
	if (sipreg_binding_add(e, &c, NULL, &b) == 0)
		sipreg_binding_register(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sipreg_engine_cfg cfg;
	struct sipreg_engine *e;
	struct fuzz_tp *t;
	char *buf;
	size_t i, start = 0;

	if ((t = calloc(1, sizeof(*t))) == NULL ||
	    (buf = malloc(FUZZ_MAX_MSG)) == NULL) {
		free(t);
		return 0;
	}
	memset(&cfg, 0, sizeof(cfg));
	cfg.clockh = fuzz_clock;
	cfg.randh = fuzz_rand;
	cfg.pace_off = true;
	fuzz_now = 1000000;
	if (sip_engine_create_tp(&e, &cfg, &fuzz_ops, t) != 0) {
		free(buf);
		return 0;
	}
	add_binding(e);
	for (i = 0; i + 4 <= size; i++) {
		if (memcmp(data + i, "\n--\n", 4) == 0) {
			feed(e, t, data + start, i + 1 - start, buf);
			start = i + 4;
			i += 3;
		}
	}
	feed(e, t, data + start, size - start, buf);
	fuzz_now += 40000; /* let every timer run once more */
	sipreg_engine_timeout(e);
	sipreg_engine_destroy(e);
	free(buf);
	return 0;
}
