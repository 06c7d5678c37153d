/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/mock/sip_fake.h"

static int
fake_stream_send(void *ctx, const char *buf, size_t len, const union sip_sa *to,
		 enum sipreg_transport tp)
{
	struct sip_fake *f = ctx;
	struct sip_fake_msg *m;

	if (f->send_rc != 0)
		return f->send_rc;
	if (f->nsent == SIP_FAKE_MAX) { /* keep the latest */
		free(f->sent[0].buf);
		memmove(&f->sent[0], &f->sent[1],
			(SIP_FAKE_MAX - 1) * sizeof(f->sent[0]));
		f->nsent--;
	}
	m = &f->sent[f->nsent];
	if ((m->buf = malloc(len + 1)) == NULL)
		return -ENOMEM;
	memcpy(m->buf, buf, len);
	m->buf[len] = '\0';
	m->len = len;
	m->to = *to;
	m->tp = tp;
	f->nsent++;
	return 0;
}

static int
fake_send(void *ctx, const char *buf, size_t len, const union sip_sa *to)
{
	return fake_stream_send(ctx, buf, len, to, SIPREG_TP_UDP);
}

static int
fake_local_addr(void *ctx, const union sip_sa *to, union sip_sa *local)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)local;

	(void)ctx;
	(void)to;
	memset(local, 0, sizeof(*local));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(5062);
	inet_pton(AF_INET, "192.0.2.10", &sin->sin_addr);
	return 0;
}

static int
fake_fd(void *ctx)
{
	(void)ctx;
	return -1;
}

static int
fake_recv(void *ctx, char *buf, size_t size, union sip_sa *from)
{
	(void)ctx;
	(void)buf;
	(void)size;
	(void)from;
	return -EAGAIN;
}

static void
fake_destroy(void *ctx)
{
	struct sip_fake *f = ctx;
	size_t i;

	for (i = 0; i < f->nsent; i++)
		free(f->sent[i].buf);
	free(f);
}

const struct sip_transport_ops sip_fake_ops = {
	.send = fake_send,
	.local_addr = fake_local_addr,
	.fd = fake_fd,
	.recv = fake_recv,
	.destroy = fake_destroy,
	.stream_send = fake_stream_send,
};

struct sip_fake *
sip_fake_new(void)
{
	return calloc(1, sizeof(struct sip_fake));
}

const struct sip_fake_msg *
sip_fake_last(const struct sip_fake *f)
{
	return f->nsent > 0 ? &f->sent[f->nsent - 1] : NULL;
}

struct copy {
	char *buf;
	size_t size;
};

static void
copy_value(const char *v, size_t len, void *arg)
{
	struct copy *c = arg;

	snprintf(c->buf, c->size, "%.*s", (int)len, v);
}

const char *
sip_fake_header(const struct sip_fake_msg *m, const char *name, char *buf,
		size_t size)
{
	struct copy c = { buf, size };

	buf[0] = '\0';
	if (m != NULL)
		sip_msg_foreach_header(m->buf, m->len, name, copy_value, &c);
	return buf;
}

unsigned
sip_fake_port(const struct sip_fake_msg *m)
{
	return sip_addr_port(&m->to);
}

const struct sip_fake_msg *
sip_fake_last_method(const struct sip_fake *f, const char *method)
{
	size_t i, n = strlen(method);

	for (i = f->nsent; i > 0; i--) {
		if (strncmp(f->sent[i - 1].buf, method, n) == 0 &&
		    f->sent[i - 1].buf[n] == ' ')
			return &f->sent[i - 1];
	}
	return NULL;
}

void
sip_fake_reply(struct sipreg_engine *e, struct sip_fake *f, int code,
	       const char *reason, const char *extra)
{
	sip_fake_reply_msg(e, sip_fake_last(f), code, reason, extra);
}

void
sip_fake_reply_msg(struct sipreg_engine *e, const struct sip_fake_msg *m,
		   int code, const char *reason, const char *extra)
{
	char via[256], from[256], to[256], cid[128], cseq[64], resp[4096];
	int n;

	if (m == NULL)
		return;
	sip_fake_header(m, "Via", via, sizeof(via));
	sip_fake_header(m, "From", from, sizeof(from));
	sip_fake_header(m, "To", to, sizeof(to));
	sip_fake_header(m, "Call-ID", cid, sizeof(cid));
	sip_fake_header(m, "CSeq", cseq, sizeof(cseq));
	n = snprintf(
		resp, sizeof(resp),
		"SIP/2.0 %d %s\r\nVia: %s\r\nFrom: %s\r\nTo: %s;tag=srv\r\n"
		"Call-ID: %s\r\nCSeq: %s\r\n%sContent-Length: 0\r\n\r\n",
		code, reason, via, from, to, cid, cseq, extra ? extra : "");
	sip_engine_input(e, resp, (size_t)n);
}

void
sip_fake_input_from(struct sipreg_engine *e, const char *msg, const char *ip,
		    unsigned port)
{
	struct sockaddr_in *sin = &e->rx_src.from.in;

	memset(&e->rx_src, 0, sizeof(e->rx_src));
	sin->sin_family = AF_INET;
	sin->sin_port = htons((uint16_t)port);
	inet_pton(AF_INET, ip, &sin->sin_addr);
	e->rx_src.known = true;
	e->rx_src.tp = SIPREG_TP_UDP;
	sip_engine_input(e, msg, strlen(msg));
	e->rx_src.known = false;
}
