/* SPDX-License-Identifier: ISC */
/*
 * In-process fake transport and registrar helpers for the engine tests:
 * captures what the engine sends and builds responses to it.
 */
#ifndef GWAGENT_TESTS_SIP_FAKE_H
#define GWAGENT_TESTS_SIP_FAKE_H

#include "sip/sip_int.h"

#define SIP_FAKE_MAX 64

struct sip_fake_msg {
	char *buf;
	size_t len;
	union sip_sa to;
	enum sipreg_transport tp;
};

struct sip_fake {
	struct sip_fake_msg sent[SIP_FAKE_MAX];
	size_t nsent;
	int send_rc; /* what send returns (0 = success) */
};

/* Datagrams and stream messages alike land in sent[] (tp tells). */
extern const struct sip_transport_ops sip_fake_ops;

/* A fake transport; the engine given it owns and destroys it. */
struct sip_fake *sip_fake_new(void);
/* Last message sent, or NULL. */
const struct sip_fake_msg *sip_fake_last(const struct sip_fake *f);
/* Copy of header `name` of message m into buf ("" if absent). */
const char *sip_fake_header(const struct sip_fake_msg *m, const char *name,
			    char *buf, size_t size);
/* Destination port of message m. */
unsigned sip_fake_port(const struct sip_fake_msg *m);
/* Answer the last message with "code reason" plus extra header lines
 * (each ending in CRLF); feeds the engine. */
void sip_fake_reply(struct sipreg_engine *e, struct sip_fake *f, int code,
		    const char *reason, const char *extra);

/* The last message whose request line starts with method, or NULL. */
const struct sip_fake_msg *sip_fake_last_method(const struct sip_fake *f,
						const char *method);
/* Answer message m as sip_fake_reply() does. */
void sip_fake_reply_msg(struct sipreg_engine *e, const struct sip_fake_msg *m,
			int code, const char *reason, const char *extra);
/* Feed msg to the engine as a UDP datagram from ip:port (answers to
 * requests land in sent[]). */
void sip_fake_input_from(struct sipreg_engine *e, const char *msg,
			 const char *ip, unsigned port);

#endif
