/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the engine state machine (sip/engine.c, sip/binding.c,
 * sip/register.c, sip/tx.c, sip/request.c) with a fake clock and an
 * in-process fake transport.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "sip/sip_int.h"
#include "tests/mock/sip_fake.h"
#include "tests/unit/gwtest.h"

static uint64_t now_ms;
static struct sipreg_engine *e;
static struct sip_fake *f;
static int notified;
static bool remove_in_cb;

static uint64_t
fake_clock(void *arg)
{
	(void)arg;
	return now_ms;
}

static uint32_t
fake_rand(void *arg)
{
	(void)arg;
	return 0; /* no spread: the upper end of every range */
}

/* keep-alive changes told to the status handler: event, index, code */
static int ka_ev[16][3];
static size_t nka;

static void
on_status(struct sipreg_binding *b, const struct sipreg_status *st, void *arg)
{
	(void)arg;
	notified++;
	if (st->ka_event != 0 && nka < 16) {
		ka_ev[nka][0] = st->ka_event;
		ka_ev[nka][1] = st->ka_index;
		ka_ev[nka][2] = st->ka_code;
		nka++;
	}
	if (remove_in_cb)
		sipreg_binding_remove(b, false);
}

static int unparsable_logs;
static char last_unparsable[256];

static void
on_log(int level, const char *msg, void *arg)
{
	(void)level;
	(void)arg;
	if (strstr(msg, "unparsable") != NULL) {
		unparsable_logs++;
		snprintf(last_unparsable, sizeof(last_unparsable), "%s", msg);
	}
}

/* un-REGISTER pacing of the next setup_engine(): 0 default, -1 off */
static int unreg_rate;
/* Contact settings of the next setup_engine() */
static const char *contact_host;
static uint16_t contact_port;
static bool nat_rewrite;
/* register_window of the next setup_engine() (0: none) */
static unsigned reg_window;

static void
setup_engine(unsigned pace_rate)
{
	struct sipreg_engine_cfg cfg;

	memset(&cfg, 0, sizeof(cfg));
	cfg.unreg_rate = unreg_rate > 0 ? (unsigned)unreg_rate : 0;
	cfg.unreg_pace_off = unreg_rate < 0;
	unreg_rate = 0;
	cfg.contact_host = contact_host;
	cfg.contact_port = contact_port;
	cfg.nat_contact_rewrite = nat_rewrite;
	contact_host = NULL;
	contact_port = 0;
	nat_rewrite = false;
	cfg.register_window = reg_window;
	reg_window = 0;
	cfg.clockh = fake_clock;
	cfg.randh = fake_rand;
	cfg.statush = on_status;
	cfg.logh = on_log;
	cfg.user_agent = "gwtest/1";
	cfg.pace_rate = pace_rate;
	cfg.pace_off = pace_rate == 0;
	now_ms = 1000000;
	notified = 0;
	unparsable_logs = 0;
	remove_in_cb = false;
	f = sip_fake_new();
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(sip_engine_create_tp(&e, &cfg, &sip_fake_ops, f), 0);
}

static void
setup(void)
{
	setup_engine(0);
}

static void
teardown(void)
{
	sipreg_engine_destroy(e);
	e = NULL;
	f = NULL;
}

static void
base_cfg(struct sipreg_binding_cfg *c, size_t naddrs)
{
	static const char *const hosts[] = { "192.0.2.1", "192.0.2.2",
					     "192.0.2.3" };
	size_t i;

	memset(c, 0, sizeof(*c));
	c->aor_user = "alice";
	c->aor_host = "example.com";
	c->password = "secret";
	c->naddrs = naddrs;
	for (i = 0; i < naddrs; i++) {
		c->addrs[i].host = hosts[i];
		c->addrs[i].port = (uint16_t)(5060 + i);
	}
}

static struct sipreg_binding *
add(size_t naddrs)
{
	struct sipreg_binding_cfg c;
	struct sipreg_binding *b;

	base_cfg(&c, naddrs);
	ck_assert_int_eq(sipreg_binding_add(e, &c, NULL, &b), 0);
	return b;
}

static struct sipreg_status
status(const struct sipreg_binding *b)
{
	struct sipreg_status st;

	ck_assert_int_eq(sipreg_binding_status(b, &st), 0);
	return st;
}

static const char *
hdr(const char *name)
{
	static char buf[512];

	return sip_fake_header(sip_fake_last(f), name, buf, sizeof(buf));
}

static void
advance(uint64_t ms)
{
	now_ms += ms;
	sipreg_engine_timeout(e);
}

/* A Contact header with our line parameter and the given expires. */
static const char *
our_contact(const char *exp)
{
	static char buf[512];
	char line[64] = "";
	const char *p = strstr(hdr("Contact"), "line=");

	if (p != NULL)
		sscanf(p + 5, "%63[^>;]", line);
	snprintf(buf, sizeof(buf),
		 "Contact: <sip:alice@192.0.2.10:5062;transport=udp;line=x>;"
		 "expires=999, "
		 "<sip:alice@192.0.2.10:5062;transport=udp;line=%s>;"
		 "expires=%s\r\n",
		 line, exp);
	return buf;
}

/* A new engine with these Contact settings. */
static void
contact_engine(const char *host, uint16_t port, bool rewrite)
{
	teardown();
	contact_host = host;
	contact_port = port;
	nat_rewrite = rewrite;
	setup_engine(0);
}

/* Answer the last message with its Via's ";rport;" replaced by via. */
static void
reply_via(int code, const char *via_params, const char *extra)
{
	const struct sip_fake_msg *m = sip_fake_last(f);
	char via[256], from[256], to[256], cid[128], cseq[64], resp[2048];
	char *p;
	int n;

	sip_fake_header(m, "Via", via, sizeof(via));
	p = strstr(via, ";rport;");
	ck_assert_ptr_nonnull(p);
	n = snprintf(resp, sizeof(resp),
		     "SIP/2.0 %d OK\r\nVia: %.*s%s%s\r\nFrom: %s\r\n"
		     "To: %s;tag=srv\r\nCall-ID: %s\r\nCSeq: %s\r\n%s"
		     "Content-Length: 0\r\n\r\n",
		     code, (int)(p - via), via, via_params, p + 7,
		     sip_fake_header(m, "From", from, sizeof(from)),
		     sip_fake_header(m, "To", to, sizeof(to)),
		     sip_fake_header(m, "Call-ID", cid, sizeof(cid)),
		     sip_fake_header(m, "CSeq", cseq, sizeof(cseq)), extra);
	sip_engine_input(e, resp, (size_t)n);
}

/* Number of Contact header lines in the last message. */
static int
contact_lines(void)
{
	const char *p = sip_fake_last(f)->buf;
	int n = 0;

	while ((p = strstr(p, "\r\nContact: ")) != NULL) {
		n++;
		p += 2;
	}
	return n;
}

START_TEST(test_contact_configured)
{
	struct sipreg_engine *bad = NULL;
	struct sipreg_engine_cfg cfg;
	struct sipreg_binding *b;

	contact_engine("gw.example.net", 5080, true);
	b = add(1);
	ck_assert_int_eq(sipreg_binding_register(b), 0);
	ck_assert(strstr(hdr("Contact"), "<sip:alice@gw.example.net:5080;"
					 "transport=udp;line=") != NULL);
	/* the Via keeps the socket's address */
	ck_assert(strstr(hdr("Via"), "SIP/2.0/UDP 192.0.2.10:5062;rport;") !=
		  NULL);
	ck_assert_str_eq(status(b).contact, "gw.example.net:5080");
	/* a configured contact is never rewritten */
	reply_via(200, ";received=203.0.113.9;rport=40000;",
		  "Expires: 120\r\n");
	ck_assert_int_eq(status(b).state, SIPREG_REGISTERED);
	ck_assert_uint_eq(f->nsent, 1);
	ck_assert_str_eq(status(b).contact, "gw.example.net:5080");

	/* IPv6 in brackets, the socket's port when none is given */
	contact_engine("2001:db8::5", 0, false);
	b = add(1);
	sipreg_binding_register(b);
	ck_assert(strstr(hdr("Contact"), "<sip:alice@[2001:db8::5]:5062;") !=
		  NULL);
	ck_assert_str_eq(status(b).contact, "[2001:db8::5]:5062");

	/* bad hosts are refused */
	memset(&cfg, 0, sizeof(cfg));
	cfg.contact_host = "gw example";
	ck_assert_int_eq(sipreg_engine_create(&bad, &cfg), -EINVAL);
	ck_assert_ptr_null(bad);
	cfg.contact_host = "";
	ck_assert_int_eq(sipreg_engine_create(&bad, &cfg), -EINVAL);
	cfg.contact_host = "gw>;x=1";
	ck_assert_int_eq(sipreg_engine_create(&bad, &cfg), -EINVAL);
}
END_TEST

START_TEST(test_nat_contact_rewrite)
{
	struct sipreg_binding *b;
	const char *raw;

	contact_engine(NULL, 0, true);
	b = add(1);
	sipreg_binding_register(b);
	ck_assert_str_eq(status(b).contact, "192.0.2.10:5062");
	reply_via(200, ";received=203.0.113.9;rport=40000;",
		  "Expires: 120\r\n");
	/* at once a REGISTER with the learned Contact, the old removed */
	ck_assert_uint_eq(f->nsent, 2);
	raw = sip_fake_last(f)->buf;
	ck_assert(strstr(raw, "\r\nContact: <sip:alice@203.0.113.9:40000;"
			      "transport=udp;line=") != NULL);
	ck_assert(strstr(raw, "\r\nContact: <sip:alice@192.0.2.10:5062;"
			      "transport=udp;line=") != NULL);
	ck_assert(strstr(raw, ">;expires=0\r\n") != NULL);
	ck_assert_int_eq(contact_lines(), 2);
	ck_assert_str_eq(hdr("Expires"), "180");
	ck_assert(strstr(hdr("Via"), "UDP 192.0.2.10:5062;rport;") != NULL);
	ck_assert_str_eq(status(b).contact, "203.0.113.9:40000");
	/* the registrar sees the learned address: done */
	reply_via(200, ";received=203.0.113.9;rport=40000;",
		  "Expires: 120\r\n");
	ck_assert_uint_eq(f->nsent, 2);
	ck_assert_int_eq(status(b).state, SIPREG_REGISTERED);
	ck_assert_uint_eq(status(b).counters.ok, 2);
	/* refreshes keep it, without the removed one */
	advance(60000);
	ck_assert_uint_eq(f->nsent, 3);
	ck_assert(strstr(hdr("Contact"), "@203.0.113.9:40000;") != NULL);
	ck_assert_int_eq(contact_lines(), 1);
	/* only rport differs: the host stays */
	reply_via(200, ";rport=40001;", "Expires: 120\r\n");
	ck_assert_uint_eq(f->nsent, 4);
	ck_assert(strstr(sip_fake_last(f)->buf,
			 "\r\nContact: <sip:alice@203.0.113.9:40001;") != NULL);
	ck_assert(strstr(hdr("Contact"), "@203.0.113.9:40000;") != NULL);
	ck_assert(strstr(hdr("Contact"), ">;expires=0") != NULL);
	/* the rewrite's answer shows yet another address: no ping-pong */
	reply_via(200, ";received=198.51.100.7;rport=9;", "Expires: 120\r\n");
	ck_assert_uint_eq(f->nsent, 4);
	ck_assert_int_eq(status(b).state, SIPREG_REGISTERED);
	ck_assert_str_eq(status(b).contact, "203.0.113.9:40001");
	/* un-REGISTER removes the learned Contact */
	ck_assert_int_eq(sipreg_binding_unregister(b), 0);
	ck_assert(strstr(hdr("Contact"), "@203.0.113.9:40001;") != NULL);
	ck_assert_str_eq(hdr("Expires"), "0");
}
END_TEST

START_TEST(test_nat_no_rewrite)
{
	struct sipreg_binding *b;

	/* setting off */
	contact_engine(NULL, 0, false);
	b = add(1);
	sipreg_binding_register(b);
	reply_via(200, ";received=203.0.113.9;rport=40000;",
		  "Expires: 120\r\n");
	ck_assert_uint_eq(f->nsent, 1);
	ck_assert_int_eq(status(b).state, SIPREG_REGISTERED);
	ck_assert_str_eq(status(b).contact, "192.0.2.10:5062");
	/* on, received and rport equal to ours */
	contact_engine(NULL, 0, true);
	b = add(1);
	sipreg_binding_register(b);
	reply_via(200, ";received=192.0.2.10;rport=5062;", "Expires: 120\r\n");
	ck_assert_uint_eq(f->nsent, 1);
	ck_assert_int_eq(status(b).state, SIPREG_REGISTERED);
	/* on, plain rport and no received (no NAT seen) */
	advance(60000);
	ck_assert_uint_eq(f->nsent, 2);
	reply_via(200, ";rport;", "Expires: 120\r\n");
	ck_assert_uint_eq(f->nsent, 2);
	/* on, a 401 with received: only 2xx teach the Contact */
	advance(60000);
	reply_via(401, ";received=203.0.113.9;rport=40000;",
		  "WWW-Authenticate: Digest realm=\"r\", nonce=\"n1\"\r\n");
	ck_assert_uint_eq(f->nsent, 4);
	ck_assert(strstr(hdr("Contact"), "@192.0.2.10:5062;") != NULL);
	ck_assert_str_eq(status(b).contact, "192.0.2.10:5062");
}
END_TEST

START_TEST(test_register_request)
{
	struct sipreg_binding *b = add(1);
	const struct sip_fake_msg *m;

	ck_assert_int_eq(status(b).state, SIPREG_IDLE);
	ck_assert_int_eq(sipreg_binding_register(b), 0);
	ck_assert_int_eq(status(b).state, SIPREG_REGISTERING);
	ck_assert_uint_eq(f->nsent, 1);
	m = sip_fake_last(f);
	ck_assert_uint_eq(sip_fake_port(m), 5060);
	ck_assert(strncmp(m->buf, "REGISTER sip:example.com SIP/2.0\r\n", 34) ==
		  0);
	ck_assert(strstr(hdr("Via"), "SIP/2.0/UDP 192.0.2.10:5062;rport;"
				     "branch=z9hG4bK") != NULL);
	ck_assert(strstr(hdr("From"), "<sip:alice@example.com>;tag=") != NULL);
	ck_assert_str_eq(hdr("To"), "<sip:alice@example.com>");
	ck_assert_str_eq(hdr("CSeq"), "1 REGISTER");
	ck_assert(strstr(hdr("Contact"), "<sip:alice@192.0.2.10:5062;"
					 "transport=udp;line=") != NULL);
	ck_assert_str_eq(hdr("Expires"), "180");
	ck_assert_str_eq(hdr("User-Agent"), "gwtest/1");
	ck_assert_str_eq(hdr("Max-Forwards"), "70");
	ck_assert_str_eq(hdr("Authorization"), "");
	/* one REGISTER in flight per binding */
	ck_assert_int_eq(sipreg_binding_register(b), 0);
	ck_assert_uint_eq(f->nsent, 1);
}
END_TEST

START_TEST(test_register_ok_refresh)
{
	struct sipreg_binding *b = add(1);
	char cid[128], via[256];
	struct sipreg_status st;

	sipreg_binding_register(b);
	snprintf(cid, sizeof(cid), "%s", hdr("Call-ID"));
	snprintf(via, sizeof(via), "%s", hdr("Via"));
	sip_fake_reply(e, f, 200, "OK", our_contact("120"));
	st = status(b);
	ck_assert_int_eq(st.state, SIPREG_REGISTERED);
	ck_assert_uint_eq(st.granted, 120);
	ck_assert_int_eq(st.refresh_in, 60); /* divider 50 % */
	ck_assert_int_eq(st.last_code, 200);
	ck_assert_str_eq(st.last_reason, "OK");
	ck_assert_str_eq(st.addr, "192.0.2.1:5060");
	ck_assert_uint_eq(st.counters.ok, 1);
	ck_assert_uint_eq(st.last_success_ms, now_ms);
	ck_assert_int_eq(sip_engine_binding_timeout(e), 60000);
	advance(59999);
	ck_assert_uint_eq(f->nsent, 1);
	advance(1);
	ck_assert_uint_eq(f->nsent, 2);
	ck_assert_int_eq(status(b).state, SIPREG_REFRESHING);
	ck_assert_str_eq(hdr("CSeq"), "2 REGISTER");
	ck_assert_str_eq(hdr("Call-ID"), cid);
	ck_assert_str_ne(hdr("Via"), via);
	/* no contact expires: the Expires header */
	sip_fake_reply(e, f, 200, "OK", "Expires: 3600\r\n");
	ck_assert_uint_eq(status(b).granted, 3600);
	ck_assert_int_eq(status(b).refresh_in, 1800);
	ck_assert_int_ge(notified, 4);
}
END_TEST

START_TEST(test_zero_grant_is_request)
{
	struct sipreg_binding *b = add(1);

	sipreg_binding_register(b);
	sip_fake_reply(e, f, 200, "OK", our_contact("0"));
	ck_assert_uint_eq(status(b).granted, 180);
	sipreg_binding_register(b);
	sip_fake_reply(e, f, 200, "OK", "");
	ck_assert_uint_eq(status(b).granted, 180);
	ck_assert_int_eq(status(b).refresh_in, 90);
}
END_TEST

#define CHALLENGE                                                        \
	"WWW-Authenticate: Digest realm=\"example.com\", nonce=\"n1\", " \
	"qop=\"auth\", algorithm=MD5\r\n"

START_TEST(test_digest)
{
	struct sipreg_binding *b = add(1);
	struct sipreg_status st;

	sipreg_binding_register(b);
	sip_fake_reply(e, f, 401, "Unauthorized", CHALLENGE);
	ck_assert_int_eq(status(b).state, SIPREG_AUTHENTICATING);
	ck_assert_uint_eq(f->nsent, 2);
	ck_assert_str_eq(hdr("CSeq"), "2 REGISTER");
	ck_assert(strstr(hdr("Authorization"),
			 "Digest username=\"alice\", "
			 "realm=\"example.com\", "
			 "nonce=\"n1\", "
			 "uri=\"sip:example.com\"") != NULL);
	ck_assert(strstr(hdr("Authorization"), "nc=00000001") != NULL);
	sip_fake_reply(e, f, 200, "OK", "");
	st = status(b);
	ck_assert_int_eq(st.state, SIPREG_REGISTERED);
	ck_assert_uint_eq(st.counters.challenged, 1);
	ck_assert_uint_eq(st.counters.sent, 2);
	/* the refresh carries credentials pre-emptively, nc 2 */
	advance(90000);
	ck_assert(strstr(hdr("Authorization"), "nc=00000002") != NULL);
}
END_TEST

START_TEST(test_digest_rejected)
{
	struct sipreg_binding *b = add(1);
	struct sipreg_status st;

	sipreg_binding_register(b);
	sip_fake_reply(e, f, 401, "Unauthorized", CHALLENGE);
	sip_fake_reply(e, f, 401, "Unauthorized", CHALLENGE);
	st = status(b);
	ck_assert_int_eq(st.state, SIPREG_FAILED);
	ck_assert_str_eq(st.last_error, "credentials rejected");
	ck_assert_int_eq(st.refresh_in, 30);
	ck_assert_uint_eq(f->nsent, 2);
	advance(30000); /* RegistrationRetryTime, then a new cycle */
	ck_assert_uint_eq(f->nsent, 3);
	ck_assert_int_eq(status(b).state, SIPREG_REGISTERING);
	/* RFC 3261 §22.1: not the rejected credentials again */
	ck_assert_str_eq(hdr("Authorization"), "");
	sip_fake_reply(e, f, 401, "Unauthorized", CHALLENGE);
	ck_assert(strstr(hdr("Authorization"), "nc=00000001") != NULL);
}
END_TEST

START_TEST(test_stale_cached_credentials_403)
{
	struct sipreg_binding *b = add(1);

	sipreg_binding_register(b);
	sip_fake_reply(e, f, 401, "Unauthorized", CHALLENGE);
	sip_fake_reply(e, f, 200, "OK", "");
	advance(90000); /* refresh with the cached nonce */
	ck_assert(strstr(hdr("Authorization"), "nc=00000002") != NULL);
	/* a restarted registrar no longer knows the nonce */
	sip_fake_reply(e, f, 403, "Forbidden", "");
	ck_assert_uint_eq(f->nsent, 4);
	ck_assert_str_eq(hdr("Authorization"), "");
	ck_assert_int_eq(status(b).state, SIPREG_REFRESHING);
	sip_fake_reply(e, f, 401, "Unauthorized", CHALLENGE);
	ck_assert(strstr(hdr("Authorization"), "nc=00000001") != NULL);
	sip_fake_reply(e, f, 200, "OK", "");
	ck_assert_int_eq(status(b).state, SIPREG_REGISTERED);
}
END_TEST

START_TEST(test_digest_unusable)
{
	struct sipreg_binding *b = add(1);

	sipreg_binding_register(b);
	sip_fake_reply(e, f, 401, "Unauthorized",
		       "WWW-Authenticate: Digest realm=\"r\", nonce=\"n\", "
		       "algorithm=AKAv1-MD5\r\n");
	ck_assert_int_eq(status(b).state, SIPREG_FAILED);
	ck_assert_str_eq(status(b).last_error, "no usable challenge");
	ck_assert_uint_eq(f->nsent, 1);
}
END_TEST

START_TEST(test_proxy_and_www)
{
	struct sipreg_binding *b = add(1);

	sipreg_binding_register(b);
	sip_fake_reply(e, f, 407, "Proxy Authentication Required",
		       "Proxy-Authenticate: Digest realm=\"p\", nonce=\"a\"\r\n"
		       "WWW-Authenticate: Digest realm=\"r\", nonce=\"b\"\r\n");
	ck_assert(strstr(hdr("Proxy-Authorization"), "realm=\"p\"") != NULL);
	ck_assert(strstr(hdr("Authorization"), "realm=\"r\"") != NULL);
	sip_fake_reply(e, f, 200, "OK", "");
	ck_assert_int_eq(status(b).state, SIPREG_REGISTERED);
}
END_TEST

START_TEST(test_interval_too_brief)
{
	struct sipreg_binding *b = add(1);

	sipreg_binding_register(b);
	sip_fake_reply(e, f, 423, "Interval Too Brief", "Min-Expires: 600\r\n");
	ck_assert_str_eq(hdr("Expires"), "600");
	sip_fake_reply(e, f, 423, "Interval Too Brief",
		       "Min-Expires: 900\r\n"); /* only once per cycle */
	ck_assert_int_eq(status(b).state, SIPREG_BACKOFF);
	ck_assert_uint_eq(f->nsent, 2);
}
END_TEST

START_TEST(test_failover_503)
{
	struct sipreg_binding *b = add(2);
	struct sipreg_addr_status as;
	char cid[128];

	sipreg_binding_register(b);
	snprintf(cid, sizeof(cid), "%s", hdr("Call-ID"));
	sip_fake_reply(e, f, 503, "Service Unavailable", "");
	ck_assert_uint_eq(f->nsent, 2);
	ck_assert_uint_eq(sip_fake_port(sip_fake_last(f)), 5061);
	ck_assert_str_eq(hdr("CSeq"), "2 REGISTER");
	ck_assert_str_eq(hdr("Call-ID"), cid);
	sip_fake_reply(e, f, 200, "OK", "");
	ck_assert_int_eq(status(b).addr_index, 1);
	ck_assert_str_eq(status(b).addr, "192.0.2.2:5061");
	ck_assert_int_eq(sipreg_binding_addr_status(b, 0, &as), 0);
	ck_assert_int_eq(as.last_code, 503);
	ck_assert_str_eq(as.addr, "192.0.2.1:5060");
	/* refreshes stick to the address that accepted */
	advance(90000);
	ck_assert_uint_eq(sip_fake_port(sip_fake_last(f)), 5061);
	ck_assert_int_eq(sipreg_binding_addr_status(b, 2, &as), -EINVAL);
}
END_TEST

START_TEST(test_hotswap_timeout)
{
	struct sipreg_binding_cfg c;
	struct sipreg_binding *b;
	struct sipreg_status st;

	base_cfg(&c, 2);
	c.hotswap = true;
	c.hotswap_rtx = 3;
	ck_assert_int_eq(sipreg_binding_add(e, &c, NULL, &b), 0);
	sipreg_binding_register(b);
	ck_assert_int_eq(sipreg_engine_next_timeout(e) <= 500, 1);
	now_ms += 7499;
	sipreg_engine_timeout(e);
	ck_assert_uint_eq(sip_fake_port(sip_fake_last(f)), 5060);
	advance(1); /* 0.5+1+2+4 s: hot swap */
	ck_assert_uint_eq(sip_fake_port(sip_fake_last(f)), 5061);
	ck_assert_uint_eq(status(b).counters.timeouts, 1);
	advance(7500);
	st = status(b);
	ck_assert_int_eq(st.state, SIPREG_BACKOFF);
	ck_assert_str_eq(st.last_error, "timeout");
	ck_assert_uint_eq(st.counters.timeouts, 2);
	ck_assert_int_eq(st.refresh_in, 30);
	/* the next cycle starts again from the primary */
	advance(30000);
	ck_assert_uint_eq(sip_fake_port(sip_fake_last(f)), 5060);
}
END_TEST

START_TEST(test_backoff_retry_after)
{
	struct sipreg_binding_cfg c;
	struct sipreg_binding *b;

	base_cfg(&c, 1);
	c.max_backoff_s = 600;
	ck_assert_int_eq(sipreg_binding_add(e, &c, NULL, &b), 0);
	sipreg_binding_register(b);
	sip_fake_reply(e, f, 500, "Server Error", "Retry-After: 120\r\n");
	ck_assert_int_eq(status(b).state, SIPREG_BACKOFF);
	ck_assert_int_eq(status(b).refresh_in, 120);
	advance(120000);
	sip_fake_reply(e, f, 403, "Forbidden", "");
	ck_assert_int_eq(status(b).refresh_in, 60); /* 30 * 2 */
	advance(60000);
	sip_fake_reply(e, f, 403, "Forbidden", "");
	ck_assert_int_eq(status(b).refresh_in, 120);
	advance(120000);
	sip_fake_reply(e, f, 200, "OK", "");
	advance(90000);
	sip_fake_reply(e, f, 403, "Forbidden", "");
	ck_assert_int_eq(status(b).refresh_in, 30); /* reset on success */
	ck_assert_uint_eq(status(b).counters.failed, 4);
}
END_TEST

START_TEST(test_transport_error)
{
	struct sipreg_binding *b = add(2);

	f->send_rc = -ENETUNREACH;
	sipreg_binding_register(b);
	ck_assert_int_eq(status(b).state, SIPREG_BACKOFF);
	ck_assert_uint_eq(status(b).counters.transport, 2);
	f->send_rc = 0;
	advance(30000);
	ck_assert_uint_eq(f->nsent, 1);
}
END_TEST

START_TEST(test_unregister)
{
	struct sipreg_binding *b = add(1);

	sipreg_binding_register(b);
	sip_fake_reply(e, f, 200, "OK", "");
	ck_assert_int_eq(sipreg_binding_unregister(b), 0);
	ck_assert_int_eq(status(b).state, SIPREG_UNREGISTERING);
	ck_assert_str_eq(hdr("Expires"), "0");
	ck_assert_str_eq(hdr("CSeq"), "2 REGISTER");
	ck_assert_uint_eq(sipreg_engine_busy(e), 1);
	sip_fake_reply(e, f, 200, "OK", "");
	ck_assert_int_eq(status(b).state, SIPREG_UNREGISTERED);
	ck_assert_int_eq(status(b).refresh_in, -1);
	ck_assert_int_eq(sip_engine_binding_timeout(e), -1);
	/* no Timer K: the transaction is gone with its final response */
	ck_assert_int_eq(sipreg_engine_next_timeout(e), -1);
	ck_assert_uint_eq(sipreg_engine_busy(e), 0);
}
END_TEST

START_TEST(test_remove_unregisters)
{
	struct sipreg_binding *b = add(1), *b2 = add(1);

	sipreg_binding_register(b);
	sip_fake_reply(e, f, 200, "OK", "");
	sipreg_binding_remove(b, true);
	ck_assert_str_eq(hdr("Expires"), "0");
	sip_fake_reply(e, f, 401, "Unauthorized", CHALLENGE);
	ck_assert_str_eq(hdr("Expires"), "0");
	ck_assert(strstr(hdr("Authorization"), "nonce=\"n1\"") != NULL);
	sip_fake_reply(e, f, 200, "OK", "");
	ck_assert_uint_eq(sipreg_engine_busy(e), 0);
	sipreg_binding_remove(b2, true); /* idle: freed at once */
	sipreg_binding_remove(NULL, true);
}
END_TEST

START_TEST(test_remove_in_callback)
{
	struct sipreg_binding *b = add(1);

	sipreg_binding_register(b);
	remove_in_cb = true;
	sip_fake_reply(e, f, 200, "OK", "");
	ck_assert_uint_eq(sipreg_engine_busy(e), 0);
	ck_assert_int_eq(notified, 2);
	sip_fake_reply(e, f, 200, "OK", ""); /* late retransmission */
	ck_assert_int_eq(notified, 2);
}
END_TEST

START_TEST(test_bad_input)
{
	static const char *const junk[] = {
		"",
		"garbage",
		"SIP/2.0 200 OK\r\n\r\n",
		"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 1.2.3.4;branch=z9hG4bKx\r\n"
		"CSeq: 1 REGISTER\r\nCall-ID: a\r\nFrom: <sip:a@b>;tag=1\r\n"
		"To: <sip:a@b>\r\n\r\n",
		"OPTIONS sip:x SIP/2.0\r\nVia: SIP/2.0/UDP "
		"1.2.3.4;branch=z9hG4bKy"
		"\r\nCSeq: 1 OPTIONS\r\nCall-ID: a\r\nFrom: <sip:a@b>;tag=1\r\n"
		"To: <sip:a@b>\r\nContent-Length: 0\r\n\r\n",
		"SIP/2.0 99999999999999 X\r\n\r\n",
	};
	struct sipreg_engine_stats st;
	struct sipreg_binding *b = add(1);
	size_t i;

	sipreg_binding_register(b);
	for (i = 0; i < sizeof(junk) / sizeof(junk[0]); i++)
		sip_engine_input(e, junk[i], strlen(junk[i]));
	ck_assert_int_eq(sipreg_engine_stats(e, &st), 0);
	ck_assert_uint_eq(st.rx, 6);
	ck_assert_uint_eq(st.malformed + st.stray + st.requests, 6);
	ck_assert_uint_ge(st.stray, 1);
	ck_assert_uint_ge(st.requests, 1);
	ck_assert_int_eq(status(b).state, SIPREG_REGISTERING);
	/* a truncated copy of a real answer must not crash either */
	for (i = 0; i < 200; i++) {
		char resp[1024];
		int n = snprintf(
			resp, sizeof(resp),
			"SIP/2.0 401 Unauthorized\r\nVia: %s\r\nCSeq: %s\r\n"
			"Call-ID: %s\r\n" CHALLENGE "\r\n",
			hdr("Via"), hdr("CSeq"), hdr("Call-ID"));

		sip_engine_input(e, resp, (size_t)n * i / 200);
	}
}
END_TEST

/* Our Contact's line parameter, from the last REGISTER. */
static const char *
our_line(void)
{
	static char line[64];
	const char *p = strstr(hdr("Contact"), "line=");

	line[0] = '\0';
	if (p != NULL)
		sscanf(p + 5, "%63[^>;]", line);
	return line;
}

START_TEST(test_contact_uri_compare)
{
	struct sipreg_binding *b = add(1);
	char extra[1024];

	sipreg_binding_register(b);
	/* another device with our user first, then URIs that differ from
	 * ours by one RFC 3261 §19.1.4 rule each, then ours without the line
	 * parameter and with other letter case in host and transport */
	snprintf(
		extra, sizeof(extra),
		"Contact: <sip:alice@192.0.2.9>;expires=3600\r\n"
		"Contact: <sip:alice@192.0.2.10;transport=udp>;expires=3601, "
		"<sip:alice@192.0.2.10:5062;transport=tcp>;expires=3602, "
		"<sip:alice@192.0.2.10:5062;transport=udp;maddr=192.0.2.10>"
		";expires=3603, "
		"<sip:Alice@192.0.2.10:5062;transport=udp>;expires=3604, "
		"<sip:alice@192.0.2.10:5063;transport=udp>;expires=3605, "
		"<sip:alice@192.0.2.10:5062;transport=udp;line=zz>;expires=3606"
		"\r\n"
		"Contact: <sip:alice@192.0.2.10:5062;transport=UDP;foo=1>"
		";expires=30\r\n");
	sip_fake_reply(e, f, 200, "OK", extra);
	ck_assert_int_eq(status(b).state, SIPREG_REGISTERED);
	ck_assert_uint_eq(status(b).granted, 30);
	/* ours with its line parameter; a foreign one alone: Expires */
	advance(15000);
	snprintf(extra, sizeof(extra),
		 "Contact: <sip:alice@192.0.2.10:5062;transport=udp;line=%s>"
		 ";expires=40\r\n",
		 our_line());
	sip_fake_reply(e, f, 200, "OK", extra);
	ck_assert_uint_eq(status(b).granted, 40);
	advance(20000);
	sip_fake_reply(e, f, 200, "OK",
		       "Contact: <sip:alice@192.0.2.9:5062;transport=udp>"
		       ";expires=3600\r\nExpires: 50\r\n");
	ck_assert_uint_eq(status(b).granted, 50);
}
END_TEST

/* A 401 libosip2 rejects (a broken From) whose Via, CSeq and Call-ID
 * can be read. */
static void
reply_malformed(int code, int clen)
{
	char resp[2048], via[256], to[256], cid[128], cseq[64];
	int n;

	snprintf(via, sizeof(via), "%s", hdr("Via"));
	snprintf(to, sizeof(to), "%s", hdr("To"));
	snprintf(cid, sizeof(cid), "%s", hdr("Call-ID"));
	snprintf(cseq, sizeof(cseq), "%s", hdr("CSeq"));
	n = snprintf(resp, sizeof(resp),
		     "SIP/2.0 %d Unauthorized\r\nVia: %s\r\nFrom: <sip:@@>;;;"
		     "\r\nTo: %s;tag=x\r\nCall-ID: %s\r\nCSeq: %s\r\n" CHALLENGE
		     "Content-Length: %d\r\n\r\n",
		     code, via, to, cid, cseq, clen);
	ck_assert_ptr_null(osip_parse(resp, (size_t)n));
	sip_engine_input(e, resp, (size_t)n);
}

START_TEST(test_malformed_response)
{
	struct sipreg_binding *b = add(2);
	struct sipreg_engine_stats st;
	struct sipreg_addr_status as;
	struct sipreg_status s;

	sipreg_binding_register(b);
	/* cut short (its body missing): discarded (RFC 3261 §18.3) */
	reply_malformed(401, 400);
	ck_assert_int_eq(sipreg_engine_stats(e, &st), 0);
	ck_assert_uint_eq(st.bad_responses, 0);
	ck_assert_uint_eq(st.malformed, 1);
	ck_assert_int_eq(status(b).state, SIPREG_REGISTERING);
	reply_malformed(401, 0);
	ck_assert_int_eq(sipreg_engine_stats(e, &st), 0);
	ck_assert_uint_eq(st.bad_responses, 1);
	ck_assert_uint_eq(st.malformed, 1);
	s = status(b);
	ck_assert_int_eq(s.state, SIPREG_BACKOFF);
	ck_assert_str_eq(s.last_error, "malformed 401 response");
	ck_assert_int_eq(s.last_code, 401);
	ck_assert_uint_eq(s.counters.timeouts, 0);
	ck_assert_uint_eq(s.counters.failed, 1);
	ck_assert_int_eq(sipreg_binding_addr_status(b, 0, &as), 0);
	ck_assert(as.online); /* it answered: no "proxy set lost" */
	/* no retransmission, no failover: the normal retry */
	ck_assert_uint_eq(f->nsent, 1);
	advance(10000);
	ck_assert_uint_eq(f->nsent, 1);
	advance((uint64_t)s.refresh_in * 1000);
	ck_assert_uint_eq(f->nsent, 2);
	ck_assert_uint_eq(sip_fake_port(sip_fake_last(f)), 5060);
	/* a broken response to no transaction of ours: unparsable */
	sip_fake_reply(e, f, 200, "OK", "");
	reply_malformed(401, 0);
	ck_assert_int_eq(sipreg_engine_stats(e, &st), 0);
	ck_assert_uint_eq(st.bad_responses, 1);
	ck_assert_uint_eq(st.malformed, 2);
}
END_TEST

START_TEST(test_via_checked)
{
	struct sipreg_binding *b = add(1);
	const struct sip_fake_msg *m;
	struct sipreg_engine_stats st;
	char via[256], cid[128], cseq[64], resp[2048], other[300];
	const char *p;
	int n;

	sipreg_binding_register(b);
	m = sip_fake_last(f);
	snprintf(via, sizeof(via), "%s", hdr("Via"));
	snprintf(cid, sizeof(cid), "%s", hdr("Call-ID"));
	snprintf(cseq, sizeof(cseq), "%s", hdr("CSeq"));
	/* two Vias */
	n = snprintf(resp, sizeof(resp),
		     "SIP/2.0 200 OK\r\nVia: %s\r\nVia: SIP/2.0/UDP "
		     "192.0.2.77;branch=z9hG4bKzz\r\nFrom: <sip:a@b>;tag=1\r\n"
		     "To: <sip:a@b>;tag=2\r\nCall-ID: %s\r\nCSeq: %s\r\n"
		     "Content-Length: 0\r\n\r\n",
		     via, cid, cseq);
	sip_engine_input(e, resp, (size_t)n);
	/* our branch, another sent-by */
	p = strchr(via, ';');
	ck_assert_ptr_nonnull(p);
	snprintf(other, sizeof(other), "SIP/2.0/UDP 192.0.2.10:5999%s", p);
	n = snprintf(resp, sizeof(resp),
		     "SIP/2.0 200 OK\r\nVia: %s\r\nFrom: <sip:a@b>;tag=1\r\n"
		     "To: <sip:a@b>;tag=2\r\nCall-ID: %s\r\nCSeq: %s\r\n"
		     "Content-Length: 0\r\n\r\n",
		     other, cid, cseq);
	sip_engine_input(e, resp, (size_t)n);
	ck_assert_int_eq(sipreg_engine_stats(e, &st), 0);
	ck_assert_uint_eq(st.via_mismatch, 2);
	ck_assert_int_eq(status(b).state, SIPREG_REGISTERING);
	/* the right one (host letter case aside) still completes it */
	sip_fake_reply_msg(e, m, 200, "OK", "");
	ck_assert_int_eq(status(b).state, SIPREG_REGISTERED);
}
END_TEST

#define SESS_CHALLENGE                                                   \
	"WWW-Authenticate: Digest realm=\"example.com\", nonce=\"n1\", " \
	"qop=\"auth\", algorithm=MD5-sess\r\n"

static const char *
auth_param(const char *name, char *buf, size_t size)
{
	const char *p = strstr(hdr("Authorization"), name);

	buf[0] = '\0';
	if (p != NULL)
		snprintf(buf, size, "%.*s", (int)strcspn(p, ","), p);
	return buf;
}

START_TEST(test_sess_cnonce_per_nonce)
{
	struct sipreg_binding *b = add(1);
	char c1[96], c2[96], nc[32];

	sipreg_binding_register(b);
	sip_fake_reply(e, f, 401, "Unauthorized", SESS_CHALLENGE);
	ck_assert(strstr(hdr("Authorization"), "algorithm=MD5-sess") != NULL);
	auth_param("cnonce=", c1, sizeof(c1));
	ck_assert_str_ne(c1, "");
	sip_fake_reply(e, f, 200, "OK", our_contact("120"));
	advance(60000); /* refresh: same nonce, same H(A1) and cnonce */
	auth_param("cnonce=", c2, sizeof(c2));
	ck_assert_str_eq(c1, c2);
	ck_assert_str_eq(auth_param("nc=", nc, sizeof(nc)), "nc=00000002");
	/* a new nonce: a new cnonce */
	sip_fake_reply(e, f, 401, "Unauthorized",
		       "WWW-Authenticate: Digest realm=\"example.com\", "
		       "nonce=\"n2\", stale=true, qop=\"auth\", "
		       "algorithm=MD5-sess\r\n");
	auth_param("cnonce=", c2, sizeof(c2));
	ck_assert_str_ne(c1, c2);
	ck_assert_str_eq(auth_param("nc=", nc, sizeof(nc)), "nc=00000001");
}
END_TEST

static void
request_from(const char *method, const char *ruri, const char *to_tag)
{
	char msg[1024];

	snprintf(msg, sizeof(msg),
		 "%s %s SIP/2.0\r\n"
		 "Via: SIP/2.0/UDP 192.0.2.1:5070;rport;branch=z9hG4bKopt1\r\n"
		 "Via: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bKopt0\r\n"
		 "From: <sip:probe@example.com>;tag=p1\r\n"
		 "To: <%s>%s\r\n"
		 "Call-ID: probe-1@192.0.2.1\r\nCSeq: 7 %s\r\n"
		 "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n",
		 method, ruri, ruri, to_tag, method);
	sip_fake_input_from(e, msg, "192.0.2.1", 40000);
}

START_TEST(test_requests_answered)
{
	struct sipreg_binding *b = add(1);
	const struct sip_fake_msg *m;
	struct sipreg_engine_stats st;
	char ruri[160], buf[256];
	size_t sent;

	sipreg_binding_register(b);
	snprintf(ruri, sizeof(ruri),
		 "sip:alice@192.0.2.10:5062;transport=udp;line=%s", our_line());
	sip_fake_reply(e, f, 200, "OK", our_contact("120"));
	sent = f->nsent;
	request_from("OPTIONS", ruri, "");
	ck_assert_uint_eq(f->nsent, sent + 1);
	m = sip_fake_last(f);
	ck_assert(strncmp(m->buf, "SIP/2.0 200 OK\r\n", 16) == 0);
	/* rport: to the source address and port */
	ck_assert_uint_eq(sip_fake_port(m), 40000);
	ck_assert_str_eq(sip_fake_header(m, "Via", buf, sizeof(buf)),
			 "SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bKopt0");
	ck_assert(strstr(m->buf,
			 "Via: SIP/2.0/UDP 192.0.2.1:5070;rport=40000;"
			 "branch=z9hG4bKopt1\r\nVia: SIP/2.0/UDP "
			 "198.51.100.7:5060;branch=z9hG4bKopt0\r\n") != NULL);
	ck_assert_str_eq(sip_fake_header(m, "From", buf, sizeof(buf)),
			 "<sip:probe@example.com>;tag=p1");
	sip_fake_header(m, "To", buf, sizeof(buf));
	ck_assert(strncmp(buf, "<sip:alice@192.0.2.10:5062;", 27) == 0);
	ck_assert(strstr(buf, ">;tag=") != NULL);
	ck_assert_str_eq(sip_fake_header(m, "Call-ID", buf, sizeof(buf)),
			 "probe-1@192.0.2.1");
	ck_assert_str_eq(sip_fake_header(m, "CSeq", buf, sizeof(buf)),
			 "7 OPTIONS");
	ck_assert_str_eq(sip_fake_header(m, "Allow", buf, sizeof(buf)),
			 "OPTIONS");
	ck_assert(strstr(m->buf, "\r\nAccept: \r\n") != NULL);
	ck_assert_str_eq(sip_fake_header(m, "Server", buf, sizeof(buf)),
			 "gwtest/1");
	ck_assert_str_eq(sip_fake_header(m, "Content-Length", buf, sizeof(buf)),
			 "0");
	ck_assert(strstr(m->buf, "\r\n\r\n")[4] == '\0'); /* no body */
	/* a To tag already there is kept */
	request_from("OPTIONS", ruri, ";tag=keep");
	ck_assert(strstr(sip_fake_header(sip_fake_last(f), "To", buf,
					 sizeof(buf)),
			 ";tag=keep") != NULL);
	ck_assert(strstr(buf, "tag=keep;tag") == NULL);
	/* another user: 404; INFO: 405 with Allow; unknown: 501 */
	request_from("OPTIONS", "sip:bob@192.0.2.10:5062", "");
	ck_assert(strncmp(sip_fake_last(f)->buf, "SIP/2.0 404 ", 12) == 0);
	request_from("INFO", ruri, "");
	m = sip_fake_last(f);
	ck_assert(strncmp(m->buf, "SIP/2.0 405 Method Not Allowed\r\n", 32) ==
		  0);
	ck_assert_str_eq(sip_fake_header(m, "Allow", buf, sizeof(buf)),
			 "OPTIONS");
	ck_assert_str_eq(sip_fake_header(m, "CSeq", buf, sizeof(buf)),
			 "7 INFO");
	request_from("FROB", ruri, "");
	ck_assert(strncmp(sip_fake_last(f)->buf, "SIP/2.0 501 ", 12) == 0);
	/* ACK: never answered */
	sent = f->nsent;
	request_from("ACK", ruri, ";tag=t");
	ck_assert_uint_eq(f->nsent, sent);
	/* an unparsable request: a counted drop */
	sip_fake_input_from(e, "OPTIONS sip:alice@x SIP/2.0\r\nVia: ;;\r\n\r\n",
			    "192.0.2.1", 40000);
	ck_assert_uint_eq(f->nsent, sent);
	ck_assert_int_eq(sipreg_engine_stats(e, &st), 0);
	ck_assert_uint_eq(st.requests, 6);
	ck_assert_uint_eq(st.options_ok, 2);
	ck_assert_uint_eq(st.req_rejected, 3);
	ck_assert_uint_eq(st.acks, 1);
	ck_assert_uint_eq(st.malformed, 1);
	ck_assert_uint_eq(st.req_unsent, 0);
	/* no Via rport: the Via port */
	sip_fake_input_from(
		e,
		"OPTIONS sip:alice@192.0.2.10 SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 192.0.2.1:5070;branch=z9hG4bKa\r\n"
		"From: <sip:p@x>;tag=1\r\nTo: <sip:alice@x>\r\n"
		"Call-ID: c2\r\nCSeq: 1 OPTIONS\r\n"
		"Content-Length: 0\r\n\r\n",
		"192.0.2.1", 40000);
	ck_assert_uint_eq(sip_fake_port(sip_fake_last(f)), 5070);
	ck_assert(strncmp(sip_fake_last(f)->buf, "SIP/2.0 200 ", 12) == 0);
	/* a binding that unregistered no longer answers 200 */
	sipreg_binding_unregister(b);
	sip_fake_reply_msg(e, sip_fake_last_method(f, "REGISTER"), 200, "OK",
			   "");
	ck_assert_int_eq(status(b).state, SIPREG_UNREGISTERED);
	request_from("OPTIONS", ruri, "");
	ck_assert(strncmp(sip_fake_last(f)->buf, "SIP/2.0 404 ", 12) == 0);
}
END_TEST

START_TEST(test_unparsable_log_rate_limited)
{
	static const char junk[] = "OPTIONS\r\n\x01\r\n\r\n";
	int i;

	for (i = 0; i < 3; i++)
		sip_engine_input(e, junk, sizeof(junk) - 1);
	ck_assert_int_eq(unparsable_logs, 1);
	advance(9999);
	sip_engine_input(e, junk, sizeof(junk) - 1);
	ck_assert_int_eq(unparsable_logs, 1);
	advance(1);
	sip_engine_input(e, junk, sizeof(junk) - 1);
	ck_assert_int_eq(unparsable_logs, 2);
	ck_assert(strstr(last_unparsable, "and 3 more") != NULL);
}
END_TEST

START_TEST(test_add_invalid)
{
	struct sipreg_binding_cfg c;
	struct sipreg_binding *b = NULL;

	base_cfg(&c, 1);
	c.aor_user = "al ice";
	ck_assert_int_eq(sipreg_binding_add(e, &c, NULL, &b), -EINVAL);
	base_cfg(&c, 0);
	ck_assert_int_eq(sipreg_binding_add(e, &c, NULL, &b), -EINVAL);
	base_cfg(&c, 1);
	c.addrs[0].host = "bad host";
	ck_assert_int_eq(sipreg_binding_add(e, &c, NULL, &b), -EINVAL);
	base_cfg(&c, 1);
	c.addrs[0].transport = (enum sipreg_transport)7;
	ck_assert_int_eq(sipreg_binding_add(e, &c, NULL, &b), -EINVAL);
	base_cfg(&c, 1);
	c.addrs[0].host = "::1";
	c.registrar = "[2001:db8::1]";
	ck_assert_int_eq(sipreg_binding_add(e, &c, &c, &b), 0);
	ck_assert_ptr_eq(sipreg_binding_user(b), &c);
	ck_assert_int_eq(sipreg_binding_add(e, NULL, NULL, &b), -EINVAL);
	ck_assert_str_eq(sipreg_state_name(SIPREG_BACKOFF), "backoff");
}
END_TEST

/* What the engine refuses, in words, for the operator. */
START_TEST(test_cfg_check_why)
{
	struct sipreg_binding_cfg c;
	char why[96];

	base_cfg(&c, 1);
	c.password = "se cret\"'";
	ck_assert_int_eq(sipreg_binding_cfg_check(&c, why, sizeof(why)), 0);
	ck_assert_str_eq(why, "");
	c.aor_host = "x y";
	ck_assert_int_eq(sipreg_binding_cfg_check(&c, why, sizeof(why)),
			 -EINVAL);
	ck_assert_str_eq(why, "host name 'x y' is not valid: not an IPv4 or "
			      "IPv6 address or an RFC 1123 host name");
	base_cfg(&c, 1);
	c.addrs[0].host = "bad host";
	ck_assert_int_eq(sipreg_binding_cfg_check(&c, why, sizeof(why)),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "host name 'bad host' is not"));
	base_cfg(&c, 1);
	c.contact_user = "a<b";
	ck_assert_int_eq(sipreg_binding_cfg_check(&c, why, sizeof(why)),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "contact user 'a<b' is not valid"));
	base_cfg(&c, 0);
	ck_assert_int_eq(sipreg_binding_cfg_check(&c, why, sizeof(why)),
			 -EINVAL);
	ck_assert_str_eq(why, "0 proxy addresses (1 to 5 allowed)");
	base_cfg(&c, 1);
	c.aor_user = "";
	ck_assert_int_eq(sipreg_binding_cfg_check(&c, NULL, 0), -EINVAL);
	ck_assert_int_eq(sipreg_binding_cfg_check(NULL, why, sizeof(why)),
			 -EINVAL);
}
END_TEST

/* What goes into a URI: users with %HH escapes only, hosts without
 * port, bare IPv6 hosts bracketed in the URIs. */
START_TEST(test_add_uri_parts)
{
	static const char *const bad_users[] = { "a%zz",       "a%2", "%",
						 "al@ice",     "a:b", "a\"b",
						 "caf\xc3\xa9" };
	static const char *const bad_hosts[] = {
		"-gw.example", "gw-.example",	  "gw..example",  "1.2.3.4.5",
		"256.0.0.1",   "gw.example:5060", "gw_1.example", "[::1]x",
		"[gw]",	       "gw.123"
	};
	struct sipreg_binding_cfg c;
	struct sipreg_binding *b = NULL;
	const struct sip_fake_msg *m;
	size_t i;

	for (i = 0; i < sizeof(bad_users) / sizeof(bad_users[0]); i++) {
		base_cfg(&c, 1);
		c.aor_user = bad_users[i];
		ck_assert_msg(sipreg_binding_cfg_check(&c, NULL, 0) == -EINVAL,
			      "%s", bad_users[i]);
		base_cfg(&c, 1);
		c.contact_user = bad_users[i];
		ck_assert_int_eq(sipreg_binding_add(e, &c, NULL, &b), -EINVAL);
	}
	for (i = 0; i < sizeof(bad_hosts) / sizeof(bad_hosts[0]); i++) {
		base_cfg(&c, 1);
		c.aor_host = bad_hosts[i];
		ck_assert_msg(sipreg_binding_cfg_check(&c, NULL, 0) == -EINVAL,
			      "%s", bad_hosts[i]);
		base_cfg(&c, 1);
		c.registrar = bad_hosts[i];
		ck_assert_int_eq(sipreg_binding_cfg_check(&c, NULL, 0),
				 -EINVAL);
		base_cfg(&c, 1);
		c.addrs[0].host = bad_hosts[i];
		ck_assert_int_eq(sipreg_binding_add(e, &c, NULL, &b), -EINVAL);
	}
	base_cfg(&c, 1);
	c.addrs[0].host = "[::1]"; /* addresses come without brackets */
	ck_assert_int_eq(sipreg_binding_cfg_check(&c, NULL, 0), -EINVAL);
	base_cfg(&c, 1);
	c.aor_user = "a%20b;x=1";
	c.aor_host = "2001:db8::5";
	c.registrar = "2001:db8::9";
	ck_assert_int_eq(sipreg_binding_cfg_check(NULL, NULL, 0), -EINVAL);
	ck_assert_int_eq(sipreg_binding_cfg_check(&c, NULL, 0), 0);
	ck_assert_int_eq(sipreg_binding_add(e, &c, NULL, &b), 0);
	ck_assert_int_eq(sipreg_binding_register(b), 0);
	m = sip_fake_last(f);
	ck_assert_ptr_nonnull(m);
	ck_assert_msg(strncmp(m->buf, "REGISTER sip:[2001:db8::9] SIP/2.0\r\n",
			      36) == 0,
		      "%.60s", m->buf);
	ck_assert_str_eq(hdr("To"), "<sip:a%20b;x=1@[2001:db8::5]>");
}
END_TEST

START_TEST(test_update)
{
	struct sipreg_binding_cfg c;
	struct sipreg_binding *b = add(1);

	sipreg_binding_register(b);
	sip_fake_reply(e, f, 200, "OK", "");
	base_cfg(&c, 2);
	c.addrs[0].host = "localhost";
	c.expires = 600;
	ck_assert_int_eq(sipreg_binding_update(b, &c), 0);
	ck_assert_int_eq(status(b).state, SIPREG_REFRESHING);
	ck_assert_str_eq(hdr("Expires"), "600");
	ck_assert_str_eq(hdr("CSeq"), "2 REGISTER");
	ck_assert_str_eq(status(b).addr, "127.0.0.1:5060");
	/* the counters go on across the update */
	ck_assert_uint_eq(status(b).counters.sent, 2);
	ck_assert_uint_eq(status(b).counters.ok, 1);
	c.addrs[1].transport = (enum sipreg_transport)7;
	ck_assert_int_eq(sipreg_binding_update(b, &c), -EINVAL);
}
END_TEST

/* REGISTER transactions started by bindings b[0..n) (not resends). */
static uint64_t
started(struct sipreg_binding **b, size_t n)
{
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < n; i++)
		sum += status(b[i]).counters.sent;
	return sum;
}

START_TEST(test_pacing)
{
	struct sipreg_binding *b[5];
	struct sipreg_engine_stats st;
	size_t i;

	teardown();
	setup_engine(2); /* 2/s, burst 2 */
	for (i = 0; i < 5; i++)
		b[i] = add(1);
	sipreg_engine_register_all(e);
	ck_assert_uint_eq(f->nsent, 2);
	ck_assert_int_eq(status(b[4]).state, SIPREG_REGISTERING);
	ck_assert_int_eq(sip_engine_binding_timeout(e), 500);
	advance(500);
	ck_assert_uint_eq(started(b, 5), 3);
	advance(500);
	ck_assert_uint_eq(started(b, 5), 4);
	advance(500);
	ck_assert_uint_eq(started(b, 5), 5);
	ck_assert_int_eq(sipreg_engine_stats(e, &st), 0);
	ck_assert_uint_ge(st.paced, 3);
	ck_assert_uint_eq(sipreg_engine_busy(e), 5);
}
END_TEST

static struct sipreg_binding *
add_tp(size_t naddrs, enum sipreg_transport tp, bool rereg)
{
	struct sipreg_binding_cfg c;
	struct sipreg_binding *b;
	size_t i;

	base_cfg(&c, naddrs);
	for (i = 0; i < naddrs; i++)
		c.addrs[i].transport = tp;
	c.rereg_on_conn_failure = rereg;
	ck_assert_int_eq(sipreg_binding_add(e, &c, NULL, &b), 0);
	return b;
}

static union sip_sa
sa(const char *ip, uint16_t port)
{
	union sip_sa ss;

	ck_assert_int_eq(sip_addr_resolve(ip, port, &ss), 0);
	return ss;
}

START_TEST(test_tcp_request_no_retransmit)
{
	struct sipreg_binding *b = add_tp(1, SIPREG_TP_TCP, false);
	struct sipreg_status st;

	sipreg_binding_register(b);
	ck_assert_int_eq(sip_fake_last(f)->tp, SIPREG_TP_TCP);
	ck_assert(strstr(hdr("Via"), "SIP/2.0/TCP 192.0.2.10:5062;rport;") !=
		  NULL);
	ck_assert(strstr(hdr("Contact"), ";transport=tcp;") != NULL);
	/* reliable transport: no timer E, only Timer F */
	advance(31000);
	ck_assert_uint_eq(f->nsent, 1);
	advance(1500);
	st = status(b);
	ck_assert_int_eq(st.state, SIPREG_BACKOFF);
	ck_assert_str_eq(st.last_error, "timeout");
	ck_assert_uint_eq(f->nsent, 1);
}
END_TEST

START_TEST(test_tls_default_port)
{
	struct sipreg_binding_cfg c;
	struct sipreg_binding *b;

	base_cfg(&c, 1);
	c.addrs[0].port = 0;
	c.addrs[0].transport = SIPREG_TP_TLS;
	ck_assert_int_eq(sipreg_binding_add(e, &c, NULL, &b), 0);
	sipreg_binding_register(b);
	ck_assert_uint_eq(sip_fake_port(sip_fake_last(f)), 5061);
	ck_assert(strstr(hdr("Via"), "SIP/2.0/TLS ") != NULL);
	ck_assert(strstr(hdr("Contact"), ";transport=tls;") != NULL);
}
END_TEST

START_TEST(test_conn_lost_fails_over)
{
	struct sipreg_binding *b = add_tp(2, SIPREG_TP_TCP, false);
	union sip_sa a0 = sa("192.0.2.1", 5060), a1 = sa("192.0.2.2", 5061);
	struct sipreg_status st;

	sipreg_binding_register(b);
	/* another transport to the same address is another connection */
	sip_engine_conn_lost(e, &a0, SIPREG_TP_TLS, 0, "closed by peer", false);
	ck_assert_uint_eq(f->nsent, 1);
	sip_engine_conn_lost(e, &a0, SIPREG_TP_TCP, 0, "closed by peer", false);
	ck_assert_uint_eq(f->nsent, 2);
	ck_assert_uint_eq(sip_fake_port(sip_fake_last(f)), 5061);
	ck_assert_str_eq(status(b).last_error,
			 "transport error: closed by peer");
	ck_assert_uint_eq(status(b).counters.transport, 1);
	sip_fake_reply(e, f, 200, "OK", "");
	st = status(b);
	ck_assert_int_eq(st.state, SIPREG_REGISTERED);
	ck_assert_int_eq(st.addr_index, 1);
	/* without ReRegisterOnConnectionFailure: wait for the refresh */
	sip_engine_conn_lost(e, &a1, SIPREG_TP_TCP, 0, "closed by peer", false);
	ck_assert_uint_eq(f->nsent, 2);
	ck_assert_int_eq(status(b).state, SIPREG_REGISTERED);
}
END_TEST

static bool online(const struct sipreg_binding *b, size_t i);

START_TEST(test_conn_reset_in_use_resends_once)
{
	struct sipreg_binding *b = add_tp(2, SIPREG_TP_TCP, false);
	union sip_sa a0 = sa("192.0.2.1", 5060), a1 = sa("192.0.2.2", 5061);
	struct sipreg_status st;

	sipreg_binding_register(b);
	sip_fake_reply(e, f, 200, "OK", "");
	ck_assert_int_eq(status(b).state, SIPREG_REGISTERED);
	sipreg_binding_refresh(b);
	ck_assert_uint_eq(f->nsent, 2);
	/* a connection that carried messages is reset under the refresh:
	 * the same address again, on a new connection, no failure */
	sip_engine_conn_lost(e, &a0, SIPREG_TP_TCP, 0,
			     "Connection reset by peer", true);
	ck_assert_uint_eq(f->nsent, 3);
	ck_assert_uint_eq(sip_fake_port(sip_fake_last(f)), 5060);
	st = status(b);
	ck_assert_int_eq(st.state, SIPREG_REFRESHING);
	ck_assert_uint_eq(st.counters.transport, 1);
	ck_assert(online(b, 0)); /* a reset is no verdict on the address */
	/* once per cycle: a second reset moves to the next address */
	sip_engine_conn_lost(e, &a0, SIPREG_TP_TCP, 0,
			     "Connection reset by peer", true);
	ck_assert_uint_eq(f->nsent, 4);
	ck_assert_uint_eq(sip_fake_port(sip_fake_last(f)), 5061);
	sip_fake_reply(e, f, 200, "OK", "");
	st = status(b);
	ck_assert_int_eq(st.state, SIPREG_REGISTERED);
	ck_assert_int_eq(st.addr_index, 1);
	/* a new cycle may resend again, where it is registered now */
	sipreg_binding_refresh(b);
	ck_assert_uint_eq(f->nsent, 5);
	sip_engine_conn_lost(e, &a1, SIPREG_TP_TCP, 0,
			     "Connection reset by peer", true);
	ck_assert_uint_eq(f->nsent, 6);
	ck_assert_uint_eq(sip_fake_port(sip_fake_last(f)), 5061);
	ck_assert_int_eq(status(b).state, SIPREG_REFRESHING);
}
END_TEST

START_TEST(test_conn_reset_fresh_connection_fails)
{
	struct sipreg_binding *b = add_tp(1, SIPREG_TP_TCP, false);
	union sip_sa a0 = sa("192.0.2.1", 5060);

	sipreg_binding_register(b);
	/* the loss of another connection to the same peer (an older one
	 * whose failure is reported late) leaves this REGISTER alone */
	sip_engine_conn_lost(e, &a0, SIPREG_TP_TCP, 7, "Connection reset",
			     true);
	ck_assert_uint_eq(f->nsent, 1);
	ck_assert_int_eq(status(b).state, SIPREG_REGISTERING);
	/* a connection that never delivered anything: no second try */
	sip_engine_conn_lost(e, &a0, SIPREG_TP_TCP, 0, "Connection refused",
			     false);
	ck_assert_uint_eq(f->nsent, 1);
	ck_assert_int_eq(status(b).state, SIPREG_BACKOFF);
	ck_assert_str_eq(status(b).last_error,
			 "transport error: Connection refused");
}
END_TEST

START_TEST(test_conn_lost_reregisters)
{
	struct sipreg_binding *b[3];
	union sip_sa a0 = sa("192.0.2.1", 5060);
	size_t i;

	teardown();
	setup_engine(2); /* through the pacer: 2/s */
	for (i = 0; i < 3; i++)
		b[i] = add_tp(1, SIPREG_TP_TCP, i < 2);
	for (i = 0; i < 3; i++) {
		sipreg_binding_register(b[i]);
		if (i == 2)
			advance(500);
		sip_fake_reply(e, f, 200, "OK", "");
		ck_assert_int_eq(status(b[i]).state, SIPREG_REGISTERED);
	}
	advance(5000); /* the bucket refills */
	ck_assert_uint_eq(f->nsent, 3);
	sip_engine_conn_lost(e, &a0, SIPREG_TP_TCP, 0, "closed by peer", false);
	ck_assert_uint_eq(f->nsent, 5);
	ck_assert_int_eq(status(b[0]).state, SIPREG_REFRESHING);
	ck_assert_int_eq(status(b[1]).state, SIPREG_REFRESHING);
	ck_assert_int_eq(status(b[2]).state, SIPREG_REGISTERED);
	ck_assert_str_eq(hdr("CSeq"), "2 REGISTER");
}
END_TEST

/* Run the engine's real sockets (c-ares) until b leaves state, <= 10 s. */
static void
pump_while(struct sipreg_binding *b, enum sipreg_state state)
{
	struct pollfd p[8];
	int i, n, k;

	for (i = 0; i < 100 && status(b).state == state; i++) {
		n = sipreg_engine_pollfds(e, p, 8);
		ck_assert_int_le(n, 8);
		if (poll(p, (nfds_t)n, 100) > 0)
			for (k = 0; k < n; k++)
				if (p[k].revents != 0)
					sipreg_engine_readable(e, p[k].fd);
		sipreg_engine_timeout(e);
	}
}

/* A scripted random source: the values in turn. */
struct seq_rand {
	const uint32_t *v;
	size_t n, i;
};

static uint32_t
seq_rand(void *arg)
{
	struct seq_rand *r = arg;

	return r->n > 0 ? r->v[r->i++ % r->n] : 0;
}

START_TEST(test_srv_order_priority)
{
	struct sip_srv_rec v[] = {
		{ 20, 0, 5060, "c" },
		{ 10, 5, 5060, "b" },
		{ 5, 0, 5060, "a" },
		{ 30, 1, 5070, "d" },
	};

	sip_dns_srv_order(v, 4, NULL, NULL);
	ck_assert_str_eq(v[0].host, "a");
	ck_assert_str_eq(v[1].host, "b");
	ck_assert_str_eq(v[2].host, "c");
	ck_assert_str_eq(v[3].host, "d");
	ck_assert_uint_eq(v[3].port, 5070);
}
END_TEST

START_TEST(test_srv_order_weights)
{
	/* weights 0, 10, 30 (sum 40): r picks by running sums 0, 10, 40 */
	struct sip_srv_rec base[] = {
		{ 1, 10, 1, "w10" },
		{ 1, 30, 2, "w30" },
		{ 1, 0, 3, "w0" },
		{ 2, 100, 4, "later" },
	};
	struct sip_srv_rec v[4];
	uint32_t pick0[] = { 0, 0 }, pick30[] = { 11, 0 }, pick10[] = { 5, 0 };
	struct seq_rand r;

	/* r = 0: the weight 0 record (first in its priority) */
	memcpy(v, base, sizeof(v));
	r = (struct seq_rand){ pick0, 2, 0 };
	sip_dns_srv_order(v, 4, seq_rand, &r);
	ck_assert_str_eq(v[0].host, "w0");
	ck_assert_str_eq(v[1].host, "w10");
	ck_assert_str_eq(v[2].host, "w30");
	ck_assert_str_eq(v[3].host, "later");
	/* r = 11 > 0 + 10: the weight 30 record first, then r = 0 */
	memcpy(v, base, sizeof(v));
	r = (struct seq_rand){ pick30, 2, 0 };
	sip_dns_srv_order(v, 4, seq_rand, &r);
	ck_assert_str_eq(v[0].host, "w30");
	ck_assert_str_eq(v[1].host, "w0");
	ck_assert_str_eq(v[2].host, "w10");
	ck_assert_str_eq(v[3].host, "later");
	/* r = 5: running sum 10 reaches it: weight 10 first */
	memcpy(v, base, sizeof(v));
	r = (struct seq_rand){ pick10, 2, 0 };
	sip_dns_srv_order(v, 4, seq_rand, &r);
	ck_assert_str_eq(v[0].host, "w10");
	ck_assert_str_eq(v[1].host, "w0");
	ck_assert_str_eq(v[2].host, "w30");
}
END_TEST

START_TEST(test_srv_order_spread)
{
	/* weights 1 and 3: over r = 0..4 the heavy one leads 3 times */
	struct sip_srv_rec v[2];
	uint32_t x;
	unsigned heavy = 0;

	for (x = 0; x < 5; x++) {
		struct seq_rand r = { &x, 1, 0 };

		v[0] = (struct sip_srv_rec){ 0, 1, 1, "light" };
		v[1] = (struct sip_srv_rec){ 0, 3, 2, "heavy" };
		sip_dns_srv_order(v, 2, seq_rand, &r);
		heavy += strcmp(v[0].host, "heavy") == 0;
	}
	ck_assert_uint_eq(heavy, 3);
}
END_TEST

START_TEST(test_naptr_pick)
{
	struct sip_naptr_rec v[] = {
		{ 10, 10, "s", "SIPS+D2T", "_sips._tcp.example.com" },
		{ 5, 20, "u", "SIP+D2U", "x" }, /* not an SRV step */
		{ 5, 10, "s", "E2U+sip", "_e.example.com" }, /* not SIP */
		{ 5, 30, "S", "SIP+D2T", "_sip._tcp.example.com" },
		{ 5, 20, "s", "sip+d2u", "_sip._udp.example.com" },
	};
	enum sipreg_transport tp = SIPREG_TP_TLS;

	ck_assert_int_eq(sip_dns_naptr_pick(v, 5, &tp), 4);
	ck_assert_int_eq(tp, SIPREG_TP_UDP);
	ck_assert_int_eq(sip_dns_naptr_pick(v, 4, &tp), 3);
	ck_assert_int_eq(tp, SIPREG_TP_TCP);
	ck_assert_int_eq(sip_dns_naptr_pick(v, 1, &tp), 0);
	ck_assert_int_eq(tp, SIPREG_TP_TLS);
	ck_assert_int_eq(sip_dns_naptr_pick(v + 1, 2, &tp), -ENOENT);
	ck_assert_int_eq(sip_dns_naptr_pick(v, 0, &tp), -ENOENT);
}
END_TEST

START_TEST(test_dns_names)
{
	struct sipreg_binding_cfg c;
	struct sipreg_binding *b;
	struct sipreg_addr_status as;
	struct sipreg_status st;
	char buf[64];

	base_cfg(&c, 2);
	c.addrs[0].host = "localhost"; /* /etc/hosts, through c-ares */
	c.addrs[0].port = 5070;
	c.addrs[1].host = "nosuch.invalid";
	ck_assert_int_eq(sipreg_binding_add(e, &c, NULL, &b), 0);
	sipreg_binding_register(b);
	ck_assert_uint_eq(f->nsent, 1);
	sip_addr_format(&sip_fake_last(f)->to, buf, sizeof(buf), true);
	ck_assert_str_eq(buf, "127.0.0.1:5070");
	/* the Request-URI and To keep the configured names */
	ck_assert(strncmp(sip_fake_last(f)->buf,
			  "REGISTER sip:example.com SIP/2.0", 32) == 0);
	ck_assert_int_eq(sipreg_binding_addr_status(b, 0, &as), 0);
	ck_assert(as.resolved);
	ck_assert_str_eq(as.addr, "127.0.0.1:5070");
	/* failover to a name that does not resolve: a clear error */
	sip_fake_reply(e, f, 503, "Service Unavailable", "");
	pump_while(b, SIPREG_REGISTERING);
	st = status(b);
	ck_assert_int_eq(st.state, SIPREG_BACKOFF);
	ck_assert_uint_eq(f->nsent, 1);
	ck_assert(strncmp(st.last_error,
			  "cannot resolve nosuch.invalid: ", 31) == 0);
	ck_assert_int_eq(st.refresh_in, 30); /* and retries */
	ck_assert_int_eq(sipreg_binding_addr_status(b, 1, &as), 0);
	ck_assert(!as.resolved);
	ck_assert(!as.online);
	/* the retry starts at the primary again */
	advance(30000);
	ck_assert_uint_eq(f->nsent, 2);
	ck_assert_uint_eq(sip_fake_port(sip_fake_last(f)), 5070);
}
END_TEST

/* Every name unresolvable: one failover pass, then backoff (it used to
 * recurse between the names until the stack overflowed). */
START_TEST(test_dns_all_unresolvable)
{
	struct sipreg_binding_cfg c;
	struct sipreg_binding *b;
	struct sipreg_status st;

	base_cfg(&c, 3);
	c.addrs[0].host = "nosuch-a.invalid";
	c.addrs[1].host = "nosuch-b.invalid";
	c.addrs[2].host = "nosuch-c.invalid";
	ck_assert_int_eq(sipreg_binding_add(e, &c, NULL, &b), 0);
	sipreg_binding_register(b);
	pump_while(b, SIPREG_REGISTERING);
	st = status(b);
	ck_assert_int_eq(st.state, SIPREG_BACKOFF);
	ck_assert_uint_eq(f->nsent, 0);
	ck_assert(strncmp(st.last_error, "cannot resolve nosuch-", 22) == 0);
	ck_assert_int_eq(st.refresh_in, 30);
}
END_TEST

START_TEST(test_dns_refresh_period)
{
	struct sipreg_binding_cfg c;
	struct sipreg_binding *b;

	base_cfg(&c, 1);
	c.addrs[0].host = "localhost";
	ck_assert_int_eq(sipreg_binding_add(e, &c, NULL, &b), 0);
	sipreg_binding_register(b);
	sip_fake_reply(e, f, 200, "OK", "Expires: 3600\r\n");
	ck_assert_int_eq(status(b).state, SIPREG_REGISTERED);
	advance(0); /* what was due now */
	/* the next thing due is the name's refresh, 60 s by default */
	ck_assert_int_eq(sipreg_engine_next_timeout(e), 60000);
	/* ProxyIPListRefreshTime changed: the new period from now */
	ck_assert_int_eq(sipreg_engine_set_dns_refresh(e, 5), 0);
	ck_assert_int_eq(sipreg_engine_next_timeout(e), 5000);
	ck_assert_int_eq(sipreg_engine_set_dns_refresh(e, 0), 0);
	ck_assert_int_eq(sipreg_engine_next_timeout(e), 60000);
	ck_assert_int_eq(sipreg_engine_set_dns_refresh(NULL, 5), -EINVAL);
}
END_TEST

static struct sipreg_binding *
add_ka(enum sipreg_redundancy red)
{
	struct sipreg_binding_cfg c;
	struct sipreg_binding *b;

	base_cfg(&c, 2);
	c.keepalive = SIPREG_KA_OPTIONS;
	c.keepalive_s = 10;
	c.redundancy = red;
	c.hotswap = true;
	c.hotswap_rtx = 1; /* probes time out after 0.5 + 1 s */
	ck_assert_int_eq(sipreg_binding_add(e, &c, NULL, &b), 0);
	return b;
}

/* Answer the last REGISTER / OPTIONS. */
static void
reply(const char *method, int code)
{
	const struct sip_fake_msg *m = sip_fake_last_method(f, method);

	ck_assert_ptr_nonnull(m);
	sip_fake_reply_msg(e, m, code, code == 200 ? "OK" : "Error", "");
}

static unsigned
last_port(const char *method)
{
	return sip_fake_port(sip_fake_last_method(f, method));
}

static bool
online(const struct sipreg_binding *b, size_t i)
{
	struct sipreg_addr_status as;

	ck_assert_int_eq(sipreg_binding_addr_status(b, i, &as), 0);
	return as.online;
}

/* Register at the primary and let one keep-alive round pass. */
static void
ka_round_ok(struct sipreg_binding *b)
{
	sipreg_binding_register(b);
	reply("REGISTER", 200);
	ck_assert_int_eq(status(b).addr_index, 0);
	advance(0);
	ck_assert_uint_eq(last_port("OPTIONS"), 5060);
	ck_assert(strstr(hdr("CSeq"), " OPTIONS") != NULL);
	reply("OPTIONS", 200);
	advance(0);
	ck_assert_uint_eq(last_port("OPTIONS"), 5061);
	reply("OPTIONS", 200);
	ck_assert(online(b, 0) && online(b, 1));
	advance(0); /* the round is over: the next in keepalive_s */
}

/* The primary stops answering: offline after the probe's deadline,
 * and the registration moves to the second address. */
static void
primary_dies(struct sipreg_binding *b)
{
	size_t n;

	advance(10000);
	ck_assert_uint_eq(last_port("OPTIONS"), 5060);
	n = f->nsent;
	advance(1500);
	ck_assert(!online(b, 0));
	ck_assert_uint_gt(f->nsent, n);
	ck_assert_uint_eq(last_port("REGISTER"), 5061);
	reply("REGISTER", 200);
	ck_assert_int_eq(status(b).state, SIPREG_REGISTERED);
	ck_assert_int_eq(status(b).addr_index, 1);
	reply("OPTIONS", 200); /* the round goes on to the second */
	advance(0);
}

START_TEST(test_keepalive_homing)
{
	struct sipreg_binding *b = add_ka(SIPREG_HOMING);

	ka_round_ok(b);
	primary_dies(b);
	/* next round: the primary answers again: back home */
	advance(10000);
	ck_assert_uint_eq(last_port("OPTIONS"), 5060);
	reply("OPTIONS", 200);
	ck_assert(online(b, 0));
	ck_assert_uint_eq(last_port("REGISTER"), 5060);
	reply("REGISTER", 200);
	ck_assert_int_eq(status(b).addr_index, 0);
}
END_TEST

/* sipreg_binding_cand_status(): a literal is its own one candidate, with
 * keep-alive's view of it. */
START_TEST(test_cand_status_literal)
{
	struct sipreg_binding *b = add_ka(SIPREG_PARKING);
	struct sipreg_cand_status cs;

	ck_assert_int_eq(sipreg_binding_cand_status(b, 0, 0, &cs), 0);
	ck_assert_int_eq(cs.online, -1); /* not probed yet */
	ck_assert_int_eq(cs.rr, SIPREG_RR_LITERAL);
	ka_round_ok(b);
	ck_assert_int_eq(sipreg_binding_cand_status(b, 0, 0, &cs), 0);
	ck_assert_str_eq(cs.addr, "192.0.2.1:5060");
	ck_assert_str_eq(cs.name, "");
	ck_assert_uint_eq(cs.port, 5060);
	ck_assert_int_eq(cs.ttl_left, -1);
	ck_assert_int_eq(cs.online, 1);
	ck_assert_int_eq(cs.last_code, 200);
	ck_assert_uint_gt(cs.last_ms, 0);
	ck_assert(cs.in_use);
	ck_assert_int_eq(sipreg_binding_cand_status(b, 0, 1, &cs), -ENOENT);
	ck_assert_int_eq(sipreg_binding_cand_status(b, 2, 0, &cs), -EINVAL);
	ck_assert_int_eq(sipreg_binding_cand_status(NULL, 0, 0, &cs), -EINVAL);
	ck_assert_int_eq(sipreg_binding_cand_status(b, 0, 0, NULL), -EINVAL);
	primary_dies(b);
	ck_assert_int_eq(sipreg_binding_cand_status(b, 0, 0, &cs), 0);
	ck_assert_int_eq(cs.online, 0);
	ck_assert_int_eq(cs.last_code, -1);
	ck_assert_int_eq(sipreg_binding_cand_status(b, 1, 0, &cs), 0);
	ck_assert_str_eq(cs.addr, "192.0.2.2:5061");
	ck_assert_int_eq(cs.online, 1);
}
END_TEST

START_TEST(test_keepalive_parking)
{
	struct sipreg_binding *b = add_ka(SIPREG_PARKING);
	size_t n;

	ka_round_ok(b);
	primary_dies(b);
	advance(10000);
	reply("OPTIONS", 200);
	ck_assert(online(b, 0));
	n = f->nsent;
	advance(0); /* the probe of the second, but no REGISTER */
	ck_assert_uint_eq(f->nsent, n + 1);
	ck_assert_uint_eq(status(b).addr_index, 1);
	ck_assert_int_eq(status(b).state, SIPREG_REGISTERED);
}
END_TEST

static void
ka_ev_is(size_t i, int event, int index, int code)
{
	ck_assert_uint_gt(nka, i);
	ck_assert_int_eq(ka_ev[i][0], event);
	ck_assert_int_eq(ka_ev[i][1], index);
	ck_assert_int_eq(ka_ev[i][2], code);
}

/* The status handler hears each change of an address's keep-alive state
 * once (sipreg_status ka_*), the first results included, never a probe
 * that changed nothing, and no other notification carries it. */
START_TEST(test_keepalive_events_told)
{
	struct sipreg_binding *b = add_ka(SIPREG_HOMING);

	nka = 0;
	/* the primary answered the REGISTER already: its probe changes
	 * nothing; the second's first result does */
	ka_round_ok(b);
	ck_assert_uint_eq(nka, 1);
	ka_ev_is(0, SIPREG_KA_ONLINE, 1, 200);
	ck_assert_int_eq(status(b).ka_event, 0);
	primary_dies(b); /* offline; REGISTER at the second; its probe ok */
	ck_assert_uint_eq(nka, 2);
	ka_ev_is(1, SIPREG_KA_OFFLINE, 0, -1);
	advance(10000); /* the primary answers again (404 is an answer) */
	reply("OPTIONS", 404);
	ck_assert_uint_eq(nka, 3);
	ka_ev_is(2, SIPREG_KA_ONLINE, 0, 404);
	reply("REGISTER", 200); /* homing: registered there again */
	advance(0);
	reply("OPTIONS", 200); /* the second still answers: no change */
	advance(0);
	ck_assert_uint_eq(nka, 3);
}
END_TEST

/* Messages of method sent so far. */
static size_t
count_method(const char *method)
{
	size_t i, n = 0, len = strlen(method);

	for (i = 0; i < f->nsent && i < SIP_FAKE_MAX; i++)
		if (strncmp(f->sent[i].buf, method, len) == 0 &&
		    f->sent[i].buf[len] == ' ')
			n++;
	return n;
}

/* Answer every REGISTER sent from message index `from` on. */
static void
reply_registers_from(size_t from, int code)
{
	size_t i;

	for (i = from; i < f->nsent && i < SIP_FAKE_MAX; i++)
		if (strncmp(f->sent[i].buf, "REGISTER ", 9) == 0)
			sip_fake_reply_msg(e, &f->sent[i], code, "OK", "");
}

START_TEST(test_keepalive_shared_per_address_list)
{
	struct sipreg_binding *b[3];
	size_t i, n;

	for (i = 0; i < 3; i++)
		b[i] = add_ka(SIPREG_HOMING);
	for (i = 0; i < 3; i++) {
		sipreg_binding_register(b[i]);
		reply("REGISTER", 200);
	}
	ck_assert_uint_eq(e->nkagroups, 1);
	/* one probe per address for the three of them */
	advance(0);
	ck_assert_uint_eq(count_method("OPTIONS"), 1);
	reply("OPTIONS", 200);
	advance(0);
	ck_assert_uint_eq(count_method("OPTIONS"), 2);
	ck_assert_uint_eq(last_port("OPTIONS"), 5061);
	reply("OPTIONS", 200);
	advance(0);
	for (i = 0; i < 3; i++)
		ck_assert(online(b[i], 0) && online(b[i], 1));
	/* the primary stops answering: all three move, one probe said so */
	advance(10000);
	ck_assert_uint_eq(count_method("OPTIONS"), 3);
	n = f->nsent;
	advance(1500);
	ck_assert_uint_eq(count_method("REGISTER"), 3 + 3);
	reply_registers_from(n, 200);
	for (i = 0; i < 3; i++) {
		ck_assert(!online(b[i], 0));
		ck_assert_int_eq(status(b[i]).state, SIPREG_REGISTERED);
		ck_assert_int_eq(status(b[i]).addr_index, 1);
	}
	reply("OPTIONS", 200); /* the second answers */
	advance(0);
	/* the leader leaves while a probe is out: the next one sends it */
	advance(10000);
	n = count_method("OPTIONS");
	sipreg_binding_remove(b[0], false);
	advance(0);
	ck_assert_uint_eq(count_method("OPTIONS"), n + 1);
	ck_assert_uint_eq(last_port("OPTIONS"), 5060);
	/* the primary is back: both remaining members home */
	n = f->nsent;
	reply("OPTIONS", 200);
	ck_assert_uint_eq(count_method("REGISTER"), 6 + 2);
	reply_registers_from(n, 200);
	for (i = 1; i < 3; i++)
		ck_assert_int_eq(status(b[i]).addr_index, 0);
	sipreg_binding_remove(b[1], false);
	sipreg_binding_remove(b[2], false);
	ck_assert_uint_eq(e->nkagroups, 0);
}
END_TEST

START_TEST(test_keepalive_groups_differ)
{
	struct sipreg_binding_cfg c;
	struct sipreg_binding *a, *b, *d;

	a = add_ka(SIPREG_HOMING);
	base_cfg(&c, 2);
	c.keepalive = SIPREG_KA_OPTIONS;
	c.keepalive_s = 10;
	c.hotswap = true;
	c.hotswap_rtx = 1;
	c.redundancy = SIPREG_PARKING; /* not part of what probes depend on */
	ck_assert_int_eq(sipreg_binding_add(e, &c, NULL, &b), 0);
	c.addrs[1].port = 5070; /* another address list */
	ck_assert_int_eq(sipreg_binding_add(e, &c, NULL, &d), 0);
	sipreg_binding_register(a);
	sipreg_binding_register(b);
	sipreg_binding_register(d);
	ck_assert_uint_eq(e->nkagroups, 2);
	ck_assert_ptr_eq(a->ka, b->ka);
	ck_assert_ptr_ne(a->ka, d->ka);
	/* new settings leave the group, register joins the right one */
	ck_assert_int_eq(sipreg_binding_update(d, &c), 0);
	ck_assert_ptr_ne(a->ka, d->ka);
	c.addrs[1].port = 5061;
	ck_assert_int_eq(sipreg_binding_update(d, &c), 0);
	ck_assert_ptr_eq(a->ka, d->ka);
	ck_assert_uint_eq(e->nkagroups, 1);
	sipreg_binding_unregister(a);
	ck_assert_ptr_null(a->ka);
	ck_assert_uint_eq(e->nkagroups, 1);
}
END_TEST

START_TEST(test_503_broken_until_retry_after)
{
	struct sipreg_binding *b = add(2);

	sipreg_binding_register(b);
	sip_fake_reply(e, f, 503, "Service Unavailable",
		       "Retry-After: 120\r\n");
	ck_assert_uint_eq(sip_fake_port(sip_fake_last(f)), 5061);
	sip_fake_reply(e, f, 500, "Server Error", "");
	ck_assert_int_eq(status(b).state, SIPREG_BACKOFF);
	/* the retry skips the broken primary */
	advance(30000);
	ck_assert_uint_eq(sip_fake_port(sip_fake_last(f)), 5061);
	sip_fake_reply(e, f, 500, "Server Error", "");
	/* Retry-After over: the primary again */
	advance(90000);
	ck_assert_uint_eq(sip_fake_port(sip_fake_last(f)), 5060);
}
END_TEST

START_TEST(test_round_robin)
{
	struct sipreg_binding_cfg c;
	struct sipreg_binding *b;
	unsigned ports[4];
	size_t i;

	base_cfg(&c, 2);
	c.load_balancing = 1;
	for (i = 0; i < 4; i++) {
		ck_assert_int_eq(sipreg_binding_add(e, &c, NULL, &b), 0);
		sipreg_binding_register(b);
		ports[i] = sip_fake_port(sip_fake_last(f));
	}
	ck_assert_uint_ne(ports[0], ports[1]);
	ck_assert_uint_eq(ports[0], ports[2]);
	ck_assert_uint_eq(ports[1], ports[3]);
}
END_TEST

START_TEST(test_unreg_all_first)
{
	struct sipreg_binding_cfg c;
	struct sipreg_binding *b;

	base_cfg(&c, 1);
	c.unreg_all_first = true;
	ck_assert_int_eq(sipreg_binding_add(e, &c, NULL, &b), 0);
	sipreg_binding_register(b);
	ck_assert_str_eq(hdr("Contact"), "*");
	ck_assert_str_eq(hdr("Expires"), "0");
	sip_fake_reply(e, f, 401, "Unauthorized", CHALLENGE);
	ck_assert_str_eq(hdr("Contact"), "*");
	ck_assert(strstr(hdr("Authorization"), "nonce=\"n1\"") != NULL);
	sip_fake_reply(e, f, 200, "OK", "");
	ck_assert_int_eq(status(b).state, SIPREG_REGISTERING);
	ck_assert(strstr(hdr("Contact"), ";line=") != NULL);
	ck_assert_str_eq(hdr("Expires"), "180");
	ck_assert_str_eq(hdr("CSeq"), "3 REGISTER");
	sip_fake_reply(e, f, 200, "OK", "");
	ck_assert_int_eq(status(b).state, SIPREG_REGISTERED);
	advance(90000); /* refreshes do not clear again */
	ck_assert(strstr(hdr("Contact"), ";line=") != NULL);
}
END_TEST

START_TEST(test_unregister_deadline)
{
	struct sipreg_binding *b[2];
	struct sipreg_status st;
	size_t i;

	for (i = 0; i < 2; i++) {
		b[i] = add(1);
		sipreg_binding_register(b[i]);
		sip_fake_reply(e, f, 200, "OK", "");
	}
	ck_assert_int_eq(sipreg_engine_unregister_all_deadline(e, 4000), 0);
	ck_assert_uint_eq(sipreg_engine_busy(e), 2);
	sip_fake_reply(e, f, 200, "OK", ""); /* one answers, one is silent */
	ck_assert_uint_eq(sipreg_engine_busy(e), 1);
	advance(3999);
	ck_assert_uint_eq(sipreg_engine_busy(e), 1);
	advance(1);
	ck_assert_uint_eq(sipreg_engine_busy(e), 0);
	st = status(b[0]);
	ck_assert_int_eq(st.state, SIPREG_UNREGISTERED);
	ck_assert_str_eq(st.last_error, "unregister deadline passed");
	ck_assert_str_eq(status(b[1]).last_error, "");
	ck_assert_int_eq(sipreg_engine_next_timeout(e), -1);
	ck_assert_int_eq(sipreg_engine_unregister_all_deadline(NULL, 1),
			 -EINVAL);
}
END_TEST

START_TEST(test_shutdown_only_registered)
{
	struct sipreg_binding *b[4];
	size_t i, sent;
	char buf[64];

	for (i = 0; i < 4; i++)
		b[i] = add(1);
	sipreg_binding_register(b[0]); /* no answer: may be registered */
	advance(SIP_TR_TIMEOUT_MS);
	ck_assert_int_eq(status(b[0]).state, SIPREG_BACKOFF);
	sipreg_binding_register(b[1]); /* registered */
	sip_fake_reply(e, f, 200, "OK", "");
	sipreg_binding_register(b[2]); /* refused: never registered */
	sip_fake_reply(e, f, 403, "Forbidden", "");
	ck_assert_int_eq(status(b[2]).state, SIPREG_FAILED);
	/* b[3] never asked to register */
	sent = f->nsent;
	ck_assert_int_eq(sipreg_engine_unregister_all_deadline(e, 4000), 0);
	ck_assert_uint_eq(f->nsent, sent + 2);
	for (i = sent; i < f->nsent; i++)
		ck_assert_str_eq(sip_fake_header(&f->sent[i], "Expires", buf,
						 sizeof(buf)),
				 "0");
	ck_assert_int_eq(status(b[0]).state, SIPREG_UNREGISTERING);
	ck_assert_int_eq(status(b[1]).state, SIPREG_UNREGISTERING);
	ck_assert_int_eq(status(b[2]).state, SIPREG_UNREGISTERED);
	ck_assert_int_eq(status(b[3]).state, SIPREG_UNREGISTERED);
	ck_assert_uint_eq(sipreg_engine_busy(e), 2);
	/* the stopped ones send nothing later either */
	sip_fake_reply_msg(e, &f->sent[sent], 200, "OK", "");
	sip_fake_reply_msg(e, &f->sent[sent + 1], 200, "OK", "");
	ck_assert_uint_eq(sipreg_engine_busy(e), 0);
	sent = f->nsent;
	advance(600000);
	ck_assert_uint_eq(f->nsent, sent);
}
END_TEST

START_TEST(test_unregister_deadline_ms)
{
	const unsigned slack = SIPREG_UNREG_SLACK_MS;

	/* pacing time rounded up, plus the slack, at most max */
	ck_assert_uint_eq(sipreg_unregister_deadline_ms(0, 500, 0, 128, 30000),
			  slack);
	ck_assert_uint_eq(
		sipreg_unregister_deadline_ms(1000, 500, 0, 128, 30000),
		2000 + slack);
	ck_assert_uint_eq(
		sipreg_unregister_deadline_ms(1001, 500, 0, 128, 30000),
		2002 + slack);
	ck_assert_uint_eq(
		sipreg_unregister_deadline_ms(1000, 50, 0, 128, 30000),
		20000 + slack);
	ck_assert_uint_eq(sipreg_unregister_deadline_ms(1000, 3, 0, 128, 30000),
			  30000);
	ck_assert_uint_eq(sipreg_unregister_deadline_ms(1, 500, 0, 128, 100),
			  100);
	/* unpaced, round trip unknown: only the slack */
	ck_assert_uint_eq(
		sipreg_unregister_deadline_ms(100000, 0, 0, 128, 30000), slack);
	/* a short round trip: the pacing dominates, plus two round trips */
	ck_assert_uint_eq(
		sipreg_unregister_deadline_ms(1000, 500, 10, 128, 30000),
		2000 + 20 + slack);
	/* a long one: 8 waves of 128 cycles of two round trips each */
	ck_assert_uint_eq(
		sipreg_unregister_deadline_ms(1000, 500, 200, 128, 30000),
		8 * 400 + 400 + slack);
	ck_assert_uint_eq(
		sipreg_unregister_deadline_ms(1000, 0, 50, 128, 30000),
		8 * 100 + 100 + slack);
	/* no in-flight bound: the round trip counts once */
	ck_assert_uint_eq(sipreg_unregister_deadline_ms(1000, 0, 50, 0, 30000),
			  100 + slack);
	/* the round trip is capped at a transaction timeout */
	ck_assert_uint_eq(
		sipreg_unregister_deadline_ms(1, 0, UINT_MAX, 1, UINT_MAX),
		4 * SIP_TR_TIMEOUT_MS + slack);
	/* no overflow with huge counts */
	ck_assert_uint_eq(sipreg_unregister_deadline_ms(SIZE_MAX / 2, 1,
							UINT_MAX, 1, UINT_MAX),
			  UINT_MAX);
	ck_assert_uint_eq(
		sipreg_unregister_deadline_ms(UINT_MAX, 1, UINT_MAX, 1, 5000),
		5000);
}
END_TEST

START_TEST(test_rtt_smoothed)
{
	struct sipreg_engine_stats st;
	struct sipreg_binding *b = add(1);
	unsigned ms = 0;
	size_t n = 0;

	ck_assert_int_eq(sipreg_engine_stats(e, &st), 0);
	ck_assert_uint_eq(st.rtt_ms, 0);
	sipreg_binding_register(b);
	advance(80);
	sip_fake_reply(e, f, 200, "OK", "");
	ck_assert_int_eq(sipreg_engine_stats(e, &st), 0);
	ck_assert_uint_eq(st.rtt_ms, 80); /* the first sample sets it */
	sipreg_binding_refresh(b);
	advance(160);
	sip_fake_reply(e, f, 200, "OK", "");
	ck_assert_int_eq(status(b).state, SIPREG_REGISTERED);
	ck_assert_int_eq(sipreg_engine_stats(e, &st), 0);
	ck_assert_uint_eq(st.rtt_ms, (80 * 7 + 160) / 8);
	/* the shutdown deadline follows: one wave of two round trips,
	 * longer than the 2 ms of pacing, plus two round trips */
	ck_assert_int_eq(sipreg_engine_shutdown(e, 30000, &ms, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(ms, 2 * 90 + 2 * 90 + SIPREG_UNREG_SLACK_MS);
}
END_TEST

/* ---- the register window (NumberOfActiveDialogs) ---------------------- */

/* REGISTERs in flight (sent, no final answer yet) among b[0..n). */
static size_t
outstanding(struct sipreg_binding **b, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		k += sip_tx_busy(&b[i]->tx) ? 1 : 0;
	return k;
}

/* The index in b[0..n) of the binding whose REGISTER is sent[i]. */
static size_t
binding_of(struct sipreg_binding **b, size_t n, size_t i)
{
	char cid[128];
	struct sip_binding_ids ids;
	size_t k;

	sip_fake_header(&f->sent[i], "Call-ID", cid, sizeof(cid));
	for (k = 0; k < n; k++) {
		sip_binding_ids(b[k], &ids);
		if (strstr(cid, ids.call_id) != NULL)
			return k;
	}
	ck_abort_msg("no binding sent %s", cid);
	return n;
}

/* Answer code to the last message of b[k]. */
static void
answer(struct sipreg_binding **b, size_t n, size_t k, int code,
       const char *reason, const char *extra)
{
	size_t i = f->nsent;

	while (i-- > 0) {
		if (binding_of(b, n, i) == k) {
			sip_fake_reply_msg(e, &f->sent[i], code, reason, extra);
			return;
		}
	}
	ck_abort_msg("binding %zu sent nothing", k);
}

START_TEST(test_register_window)
{
	struct sipreg_binding *b[8];
	struct sipreg_engine_stats st;
	size_t i, first, challenged, sent;
	uint64_t t0;

	teardown();
	reg_window = 3;
	setup_engine(0); /* unpaced: the window alone */
	for (i = 0; i < 8; i++)
		b[i] = add(1);
	sipreg_engine_register_all(e);
	ck_assert_uint_eq(f->nsent, 3);
	ck_assert_uint_eq(outstanding(b, 8), 3);
	ck_assert_int_eq(sipreg_engine_stats(e, &st), 0);
	ck_assert_uint_eq(st.window_used, 3);
	ck_assert_uint_eq(st.window_waits, 5);
	ck_assert_uint_eq(sipreg_engine_busy(e), 8);
	/* a 200 lets the next one go, in order */
	first = binding_of(b, 8, 0);
	answer(b, 8, first, 200, "OK", "");
	ck_assert_int_eq(status(b[first]).state, SIPREG_REGISTERED);
	ck_assert_uint_eq(f->nsent, 4);
	ck_assert_uint_eq(outstanding(b, 8), 3);
	ck_assert_uint_eq(binding_of(b, 8, 3), 3);
	/* a challenge keeps the slot: its answer goes, no new binding */
	challenged = binding_of(b, 8, 1);
	answer(b, 8, challenged, 401, "Unauthorized", CHALLENGE);
	ck_assert_uint_eq(f->nsent, 5);
	ck_assert_uint_eq(binding_of(b, 8, 4), challenged);
	ck_assert_uint_eq(outstanding(b, 8), 3);
	/* a failure (final 404) frees the slot */
	answer(b, 8, challenged, 404, "Not Found", "");
	ck_assert_int_eq(status(b[challenged]).state, SIPREG_BACKOFF);
	ck_assert_uint_eq(f->nsent, 6);
	ck_assert_uint_eq(binding_of(b, 8, 5), 4);
	ck_assert_uint_eq(outstanding(b, 8), 3);
	/* no answer at all: retransmissions go, never a fourth binding,
	 * until the timeouts free the slots */
	sent = f->nsent;
	t0 = now_ms;
	for (i = 0; i < 80 && status(b[7]).counters.sent == 0; i++) {
		advance(500);
		ck_assert_uint_le(outstanding(b, 8), 3);
	}
	ck_assert_uint_gt(f->nsent, sent);
	ck_assert_uint_ge(now_ms - t0, 31500); /* timer F, 64 * T1 */
	ck_assert_uint_eq(outstanding(b, 8), 3);
	for (i = 5; i < 8; i++)
		ck_assert_int_eq(status(b[i]).counters.sent, 1);
	ck_assert_int_eq(status(b[2]).state, SIPREG_BACKOFF);
	ck_assert_str_eq(status(b[2]).last_error, "timeout");
	ck_assert_int_eq(sipreg_engine_stats(e, &st), 0);
	ck_assert_uint_eq(st.window_used, 3);
	for (i = 5; i < 8; i++) {
		answer(b, 8, i, 200, "OK", "");
		ck_assert_int_eq(status(b[i]).state, SIPREG_REGISTERED);
	}
	/* the retries of the failed ones (backoff) take the slots */
	ck_assert_uint_le(outstanding(b, 8), 3);
	ck_assert_int_eq(sipreg_engine_stats(e, &st), 0);
	ck_assert_uint_eq(st.window_used, outstanding(b, 8));
}
END_TEST

START_TEST(test_register_window_refresh_passes)
{
	struct sipreg_binding *b[2];
	struct sipreg_engine_stats st;

	teardown();
	reg_window = 1;
	setup_engine(0);
	b[0] = add(1);
	b[1] = add(1);
	sipreg_engine_register_all(e);
	ck_assert_uint_eq(f->nsent, 1);
	answer(b, 2, 0, 200, "OK", "Expires: 20\r\n");
	ck_assert_int_eq(status(b[0]).refresh_in, 10);
	ck_assert_uint_eq(f->nsent, 2); /* b[1] takes the slot, unanswered */
	ck_assert_uint_eq(binding_of(b, 2, 1), 1);
	/* b[0]'s refresh is not an initial registration: it goes although
	 * the window is full (b[1] still unanswered) */
	advance(10000);
	ck_assert_int_eq(status(b[0]).state, SIPREG_REFRESHING);
	ck_assert_int_eq(status(b[1]).state, SIPREG_REGISTERING);
	ck_assert_uint_eq(outstanding(b, 2), 2);
	ck_assert_int_eq(sipreg_engine_stats(e, &st), 0);
	ck_assert_uint_eq(st.window_used, 1);
	answer(b, 2, 0, 200, "OK", "Expires: 20\r\n");
	ck_assert_int_eq(status(b[0]).state, SIPREG_REGISTERED);
	ck_assert_uint_eq(outstanding(b, 2), 1);
}
END_TEST

START_TEST(test_register_window_and_pacing)
{
	struct sipreg_binding *b[8];
	size_t i;

	teardown();
	reg_window = 3;
	setup_engine(2); /* 2/s, burst 2, and a window of 3 */
	for (i = 0; i < 8; i++)
		b[i] = add(1);
	sipreg_engine_register_all(e);
	ck_assert_uint_eq(started(b, 8), 2); /* the pacer's burst */
	advance(500);
	ck_assert_uint_eq(started(b, 8), 3);
	advance(500); /* a token, but the window is full */
	ck_assert_uint_eq(started(b, 8), 3);
	ck_assert_uint_eq(outstanding(b, 8), 3);
	answer(b, 8, 0, 200, "OK", "");
	ck_assert_uint_eq(started(b, 8), 4); /* the saved token */
	answer(b, 8, 1, 200, "OK", "");
	answer(b, 8, 2, 200, "OK", "");
	ck_assert_uint_eq(started(b, 8), 4); /* room, but no token */
	ck_assert_uint_eq(outstanding(b, 8), 1);
	advance(500);
	ck_assert_uint_eq(started(b, 8), 5);
	advance(500);
	ck_assert_uint_eq(started(b, 8), 6);
	ck_assert_uint_le(outstanding(b, 8), 3);
}
END_TEST

START_TEST(test_unregister_window)
{
	struct sipreg_binding *b[5];
	struct sipreg_engine_stats st;
	size_t i, n = 0;
	unsigned ms = 0;

	teardown();
	reg_window = 2;
	unreg_rate = -1; /* un-REGISTERs unpaced: the window alone */
	setup_engine(0);
	for (i = 0; i < 5; i++) {
		b[i] = add(1);
		sipreg_binding_register(b[i]);
		answer(b, i + 1, i, 200, "OK", "");
		ck_assert_int_eq(status(b[i]).state, SIPREG_REGISTERED);
	}
	ck_assert_int_eq(sipreg_engine_stats(e, &st), 0);
	ck_assert_int_eq(sipreg_engine_shutdown(e, 30000, &ms, &n), 0);
	ck_assert_uint_eq(n, 5);
	/* the deadline counts waves of the window, not of max_inflight */
	ck_assert_uint_eq(ms, sipreg_unregister_deadline_ms(
				      5, 0, (unsigned)st.rtt_ms, 2, 30000));
	ck_assert_uint_eq(outstanding(b, 5), 2);
	ck_assert_uint_eq(f->nsent, 5 + 2);
	answer(b, 5, binding_of(b, 5, 5), 200, "OK", "");
	ck_assert_uint_eq(f->nsent, 5 + 3);
	ck_assert_uint_eq(outstanding(b, 5), 2);
	answer(b, 5, binding_of(b, 5, 6), 200, "OK", "");
	answer(b, 5, binding_of(b, 5, 7), 200, "OK", "");
	ck_assert_uint_eq(f->nsent, 5 + 5);
	answer(b, 5, binding_of(b, 5, 8), 200, "OK", "");
	answer(b, 5, binding_of(b, 5, 9), 200, "OK", "");
	for (i = 0; i < 5; i++)
		ck_assert_int_eq(status(b[i]).state, SIPREG_UNREGISTERED);
	ck_assert_uint_eq(sipreg_engine_busy(e), 0);
	ck_assert_int_eq(sipreg_engine_stats(e, &st), 0);
	ck_assert_uint_eq(st.window_used, 0);
}
END_TEST

/* Register b[0..n) one by one under the 2/s REGISTER pacing. */
static void
register_paced(struct sipreg_binding **b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		b[i] = add(1);
		sipreg_binding_register(b[i]);
		ck_assert_int_eq(status(b[i]).counters.sent, 1);
		sip_fake_reply(e, f, 200, "OK", "");
		ck_assert_int_eq(status(b[i]).state, SIPREG_REGISTERED);
		advance(500);
	}
}

/*
 * Answer 200 to every request sent from index *from on, except those of
 * the Call-ID skip (NULL: none); *from moves past them.
 */
static void
answer_new(size_t *from, const char *skip)
{
	char buf[128];

	for (; *from < f->nsent; (*from)++) {
		sip_fake_header(&f->sent[*from], "Call-ID", buf, sizeof(buf));
		if (skip == NULL || strcmp(buf, skip) != 0)
			sip_fake_reply_msg(e, &f->sent[*from], 200, "OK", "");
	}
}

START_TEST(test_shutdown_unreg_pacing)
{
	struct sipreg_binding *b[10];
	struct sipreg_engine_stats st;
	unsigned ms = 0;
	size_t i, n = 0, from;

	teardown();
	unreg_rate = 4;
	setup_engine(2); /* REGISTERs 2/s, un-REGISTERs 4/s */
	register_paced(b, 10);
	ck_assert_uint_eq(started(b, 10), 10);
	from = f->nsent;
	ck_assert_int_eq(sipreg_engine_shutdown(e, 30000, &ms, &n), 0);
	ck_assert_uint_eq(n, 10);
	ck_assert_uint_eq(ms, 2500 + 2 + SIPREG_UNREG_SLACK_MS); /* rtt 1 */
	ck_assert_uint_eq(started(b, 10), 10 + 4); /* a full bucket of 4 */
	ck_assert_uint_eq(sipreg_engine_busy(e), 10);
	answer_new(&from, NULL);
	ck_assert_uint_eq(sipreg_engine_busy(e), 6);
	advance(250);
	ck_assert_uint_eq(started(b, 10), 10 + 5);
	answer_new(&from, NULL);
	advance(250);
	ck_assert_uint_eq(started(b, 10), 10 + 6);
	answer_new(&from, NULL);
	/* at the 2/s of REGISTERs only 2 more would start in 1 s */
	for (i = 0; i < 4; i++) {
		advance(250);
		answer_new(&from, NULL);
	}
	ck_assert_uint_eq(started(b, 10), 10 + 10);
	/* every answer in: not busy long before the deadline */
	ck_assert_uint_eq(sipreg_engine_busy(e), 0);
	for (i = 0; i < 10; i++) {
		ck_assert_int_eq(status(b[i]).state, SIPREG_UNREGISTERED);
		ck_assert_str_eq(status(b[i]).last_error, "");
	}
	advance(ms);
	ck_assert_str_eq(status(b[0]).last_error, "");
	ck_assert_int_eq(sipreg_engine_stats(e, &st), 0);
	ck_assert_uint_eq(st.unreg_abandoned, 0);
	ck_assert_uint_eq(started(b, 10), 10 + 10);
	ck_assert_int_eq(sipreg_engine_shutdown(NULL, 1, NULL, NULL), -EINVAL);
}
END_TEST

START_TEST(test_shutdown_deadline_derived)
{
	struct sipreg_binding *b[10];
	struct sipreg_engine_stats st;
	unsigned ms = 0;
	size_t i, n = 0, from;
	char silent[128];

	teardown();
	unreg_rate = 4;
	setup_engine(2);
	register_paced(b, 10);
	from = f->nsent;
	ck_assert_int_eq(sipreg_engine_shutdown(e, 30000, &ms, &n), 0);
	ck_assert_uint_eq(ms, 6502);
	/* the first un-REGISTER is never answered, the others at once */
	sip_fake_header(&f->sent[from], "Call-ID", silent, sizeof(silent));
	answer_new(&from, silent);
	for (i = 0; i < 6; i++) {
		advance(250);
		answer_new(&from, silent);
	}
	ck_assert_uint_eq(started(b, 10), 10 + 10);
	ck_assert_uint_eq(sipreg_engine_busy(e), 1);
	advance(ms - 1500 - 1);
	ck_assert_uint_eq(sipreg_engine_busy(e), 1);
	advance(1);
	ck_assert_uint_eq(sipreg_engine_busy(e), 0);
	ck_assert_str_eq(status(b[0]).last_error, "unregister deadline passed");
	ck_assert_str_eq(status(b[1]).last_error, "");
	ck_assert_int_eq(sipreg_engine_stats(e, &st), 0);
	ck_assert_uint_eq(st.unreg_abandoned, 1);
}
END_TEST

START_TEST(test_shutdown_bounded_and_unpaced)
{
	struct sipreg_binding *b[10];
	unsigned ms = 0;
	size_t n = 0;

	teardown();
	unreg_rate = 4;
	setup_engine(2);
	register_paced(b, 10);
	/* the documented maximum wins over the derived 6.5 s */
	ck_assert_int_eq(sipreg_engine_shutdown(e, 3000, &ms, &n), 0);
	ck_assert_uint_eq(n, 10);
	ck_assert_uint_eq(ms, 3000);
	advance(2999);
	ck_assert_uint_gt(sipreg_engine_busy(e), 0);
	advance(1);
	ck_assert_uint_eq(sipreg_engine_busy(e), 0);

	teardown();
	unreg_rate = -1; /* unpaced */
	setup_engine(2);
	register_paced(b, 10);
	ck_assert_int_eq(sipreg_engine_shutdown(e, 30000, &ms, &n), 0);
	ck_assert_uint_eq(n, 10);
	/* one wave of two 1 ms round trips, two more, the slack */
	ck_assert_uint_eq(ms, 2 + 2 + SIPREG_UNREG_SLACK_MS);
	ck_assert_uint_eq(started(b, 10), 10 + 10); /* all at once */
	/* nothing registered: nothing to send, the slack only */
	teardown();
	setup_engine(0);
	add(1);
	ck_assert_int_eq(sipreg_engine_shutdown(e, 30000, &ms, &n), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_uint_eq(ms, SIPREG_UNREG_SLACK_MS);
	ck_assert_uint_eq(f->nsent, 0);
	ck_assert_uint_eq(sipreg_engine_busy(e), 0);
}
END_TEST

static Suite *
engine_suite(void)
{
	Suite *s = suite_create("sip_engine");
	TCase *tc;

	tc = tcase_create("register");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_register_request);
	tcase_add_test(tc, test_contact_configured);
	tcase_add_test(tc, test_nat_contact_rewrite);
	tcase_add_test(tc, test_nat_no_rewrite);
	tcase_add_test(tc, test_register_ok_refresh);
	tcase_add_test(tc, test_zero_grant_is_request);
	tcase_add_test(tc, test_unregister);
	tcase_add_test(tc, test_shutdown_only_registered);
	tcase_add_test(tc, test_unregister_deadline);
	tcase_add_test(tc, test_unregister_deadline_ms);
	tcase_add_test(tc, test_rtt_smoothed);
	tcase_add_test(tc, test_shutdown_unreg_pacing);
	tcase_add_test(tc, test_shutdown_deadline_derived);
	tcase_add_test(tc, test_shutdown_bounded_and_unpaced);
	tcase_add_test(tc, test_pacing);
	tcase_add_test(tc, test_register_window);
	tcase_add_test(tc, test_register_window_refresh_passes);
	tcase_add_test(tc, test_register_window_and_pacing);
	tcase_add_test(tc, test_unregister_window);
	suite_add_tcase(s, tc);
	tc = tcase_create("auth");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_digest);
	tcase_add_test(tc, test_digest_rejected);
	tcase_add_test(tc, test_digest_unusable);
	tcase_add_test(tc, test_stale_cached_credentials_403);
	tcase_add_test(tc, test_proxy_and_www);
	suite_add_tcase(s, tc);
	tc = tcase_create("failure");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_interval_too_brief);
	tcase_add_test(tc, test_failover_503);
	tcase_add_test(tc, test_hotswap_timeout);
	tcase_add_test(tc, test_backoff_retry_after);
	tcase_add_test(tc, test_transport_error);
	tcase_add_test(tc, test_bad_input);
	suite_add_tcase(s, tc);
	tc = tcase_create("protocol");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_contact_uri_compare);
	tcase_add_test(tc, test_malformed_response);
	tcase_add_test(tc, test_via_checked);
	tcase_add_test(tc, test_sess_cnonce_per_nonce);
	tcase_add_test(tc, test_requests_answered);
	tcase_add_test(tc, test_unparsable_log_rate_limited);
	suite_add_tcase(s, tc);
	tc = tcase_create("bindings");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_remove_unregisters);
	tcase_add_test(tc, test_remove_in_callback);
	tcase_add_test(tc, test_add_invalid);
	tcase_add_test(tc, test_cfg_check_why);
	tcase_add_test(tc, test_add_uri_parts);
	tcase_add_test(tc, test_update);
	suite_add_tcase(s, tc);
	tc = tcase_create("stream");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_tcp_request_no_retransmit);
	tcase_add_test(tc, test_tls_default_port);
	tcase_add_test(tc, test_conn_lost_fails_over);
	tcase_add_test(tc, test_conn_lost_reregisters);
	tcase_add_test(tc, test_conn_reset_in_use_resends_once);
	tcase_add_test(tc, test_conn_reset_fresh_connection_fails);
	suite_add_tcase(s, tc);
	tc = tcase_create("redundancy");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_keepalive_homing);
	tcase_add_test(tc, test_keepalive_events_told);
	tcase_add_test(tc, test_keepalive_parking);
	tcase_add_test(tc, test_cand_status_literal);
	tcase_add_test(tc, test_keepalive_shared_per_address_list);
	tcase_add_test(tc, test_keepalive_groups_differ);
	tcase_add_test(tc, test_503_broken_until_retry_after);
	tcase_add_test(tc, test_round_robin);
	tcase_add_test(tc, test_unreg_all_first);
	suite_add_tcase(s, tc);
	tc = tcase_create("dns");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_dns_names);
	tcase_add_test(tc, test_dns_all_unresolvable);
	tcase_add_test(tc, test_dns_refresh_period);
	tcase_add_test(tc, test_srv_order_priority);
	tcase_add_test(tc, test_srv_order_weights);
	tcase_add_test(tc, test_srv_order_spread);
	tcase_add_test(tc, test_naptr_pick);
	suite_add_tcase(s, tc);
	return s;
}

GWTEST_MAIN(engine_suite)
