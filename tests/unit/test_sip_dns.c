/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for sip/dns.c: the TTLs of NAPTR and SRV records read from
 * hand-made DNS answers (RFC 1035 §4.1), whole, truncated and malformed;
 * then the engine against a DNS server in this process (a zone of a few
 * records, answered by hand): when a name is looked up again (the rule of
 * ProxyIPListRefreshTime in gwagent.ini(5)), and keep-alive of every
 * resolved address (sip/keepalive.c) with failover skipping the ones
 * seen offline.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <ares.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "sip/sip_int.h"
#include "tests/mock/sip_fake.h"
#include "tests/unit/gwtest.h"

#define MSG_MAX 1024

struct msg {
	unsigned char b[MSG_MAX];
	size_t n;
};

static void
put8(struct msg *m, unsigned v)
{
	ck_assert_uint_lt(m->n, MSG_MAX);
	m->b[m->n++] = (unsigned char)v;
}

static void
put16(struct msg *m, unsigned v)
{
	put8(m, v >> 8 & 0xff);
	put8(m, v & 0xff);
}

static void
put32(struct msg *m, uint32_t v)
{
	put16(m, v >> 16);
	put16(m, v & 0xffff);
}

/* A name in labels ("a.b" -> 1a1b0). */
static void
put_name(struct msg *m, const char *name)
{
	while (*name != '\0') {
		size_t l = strcspn(name, ".");

		put8(m, (unsigned)l);
		ck_assert_uint_lt(m->n + l, MSG_MAX);
		memcpy(m->b + m->n, name, l);
		m->n += l;
		name += l;
		if (*name == '.')
			name++;
	}
	put8(m, 0);
}

/* Header and the question (name at offset 12) with an answers. */
static void
begin(struct msg *m, const char *qname, unsigned qtype, unsigned an)
{
	memset(m, 0, sizeof(*m));
	put16(m, 0x1234);
	put16(m, 0x8180); /* response, RD, RA, NOERROR */
	put16(m, 1);
	put16(m, an);
	put16(m, 0);
	put16(m, 0);
	put_name(m, qname);
	put16(m, qtype);
	put16(m, ns_c_in);
}

/* An SRV RR whose owner is the question's name (pointer to 12). */
static void
add_srv(struct msg *m, uint32_t ttl, unsigned prio, unsigned weight,
	unsigned port, const char *target)
{
	size_t rdlen_at;

	put16(m, 0xc00c);
	put16(m, ns_t_srv);
	put16(m, ns_c_in);
	put32(m, ttl);
	rdlen_at = m->n;
	put16(m, 0);
	put16(m, prio);
	put16(m, weight);
	put16(m, port);
	put_name(m, target);
	m->b[rdlen_at] = (unsigned char)((m->n - rdlen_at - 2) >> 8);
	m->b[rdlen_at + 1] = (unsigned char)((m->n - rdlen_at - 2) & 0xff);
}

static void
add_naptr(struct msg *m, uint32_t ttl, unsigned order, const char *service,
	  const char *replacement)
{
	size_t rdlen_at;

	put16(m, 0xc00c);
	put16(m, ns_t_naptr);
	put16(m, ns_c_in);
	put32(m, ttl);
	rdlen_at = m->n;
	put16(m, 0);
	put16(m, order);
	put16(m, 10); /* preference */
	put8(m, 1);
	put8(m, 's');
	put8(m, (unsigned)strlen(service));
	memcpy(m->b + m->n, service, strlen(service));
	m->n += strlen(service);
	put8(m, 0); /* regexp */
	put_name(m, replacement);
	m->b[rdlen_at] = (unsigned char)((m->n - rdlen_at - 2) >> 8);
	m->b[rdlen_at + 1] = (unsigned char)((m->n - rdlen_at - 2) & 0xff);
}

static int
ttl_of(const struct msg *m, unsigned type, uint32_t *ttl)
{
	return sip_dns_answer_ttl(m->b, m->n, type, ttl);
}

START_TEST(test_srv_shortest)
{
	struct ares_srv_reply *r = NULL;
	struct msg m;
	uint32_t t = 7;

	begin(&m, "_sip._udp.example.com", ns_t_srv, 3);
	add_srv(&m, 300, 10, 60, 5060, "a.example.com");
	add_srv(&m, 120, 10, 40, 5060, "b.example.com");
	add_srv(&m, 3600, 20, 0, 5062, "c.example.com");
	/* what c-ares reads from it too: the message is a real answer */
	ck_assert_int_eq(ares_parse_srv_reply(m.b, (int)m.n, &r), ARES_SUCCESS);
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(r->host, "a.example.com");
	ares_free_data(r);
	ck_assert_int_eq(ttl_of(&m, ns_t_srv, &t), 0);
	ck_assert_uint_eq(t, 120);
	/* no NAPTR in it: nothing, and t untouched */
	t = 7;
	ck_assert_int_eq(ttl_of(&m, ns_t_naptr, &t), -ENOENT);
	ck_assert_uint_eq(t, 7);
}
END_TEST

START_TEST(test_naptr)
{
	struct ares_naptr_reply *r = NULL;
	struct msg m;
	uint32_t t;

	begin(&m, "example.com", ns_t_naptr, 2);
	add_naptr(&m, 86400, 10, "SIP+D2U", "_sip._udp.example.com");
	add_naptr(&m, 900, 20, "SIP+D2T", "_sip._tcp.example.com");
	ck_assert_int_eq(ares_parse_naptr_reply(m.b, (int)m.n, &r),
			 ARES_SUCCESS);
	ares_free_data(r);
	ck_assert_int_eq(ttl_of(&m, ns_t_naptr, &t), 0);
	ck_assert_uint_eq(t, 900);
	ck_assert_int_eq(ttl_of(&m, ns_t_srv, &t), -ENOENT);
}
END_TEST

/* Other types and classes in the answer (a CNAME first) do not count. */
START_TEST(test_other_records)
{
	struct msg m;
	uint32_t t;

	begin(&m, "_sip._udp.example.com", ns_t_srv, 3);
	put16(&m, 0xc00c);
	put16(&m, ns_t_cname);
	put16(&m, ns_c_in);
	put32(&m, 5);
	put16(&m, 2);
	put16(&m, 0xc00c);
	put16(&m, 0xc00c); /* SRV of class CHAOS */
	put16(&m, ns_t_srv);
	put16(&m, ns_c_chaos);
	put32(&m, 1);
	put16(&m, 0);
	add_srv(&m, 40, 0, 0, 5060, "a.example.com");
	ck_assert_int_eq(ttl_of(&m, ns_t_srv, &t), 0);
	ck_assert_uint_eq(t, 40);
	ck_assert_int_eq(ttl_of(&m, ns_t_cname, &t), 0);
	ck_assert_uint_eq(t, 5);
}
END_TEST

START_TEST(test_zero_and_huge)
{
	struct msg m;
	uint32_t t;

	begin(&m, "_sip._udp.example.com", ns_t_srv, 1);
	add_srv(&m, 0, 0, 0, 5060, "a.example.com");
	ck_assert_int_eq(ttl_of(&m, ns_t_srv, &t), 0);
	ck_assert_uint_eq(t, 0);
	/* the largest TTL RFC 2181 §8 allows, as it is */
	begin(&m, "_sip._udp.example.com", ns_t_srv, 1);
	add_srv(&m, 0x7fffffffu, 0, 0, 5060, "a.example.com");
	ck_assert_int_eq(ttl_of(&m, ns_t_srv, &t), 0);
	ck_assert_uint_eq(t, 0x7fffffffu);
	/* the top bit set: 0, however large */
	begin(&m, "_sip._udp.example.com", ns_t_srv, 2);
	add_srv(&m, 0xffffffffu, 0, 0, 5060, "a.example.com");
	add_srv(&m, 600, 0, 0, 5060, "b.example.com");
	ck_assert_int_eq(ttl_of(&m, ns_t_srv, &t), 0);
	ck_assert_uint_eq(t, 0);
}
END_TEST

/* Every cut of a good answer is refused, never read past. */
START_TEST(test_truncated)
{
	struct msg m;
	uint32_t t;
	size_t n;

	begin(&m, "_sip._udp.example.com", ns_t_srv, 2);
	add_srv(&m, 300, 10, 60, 5060, "a.example.com");
	add_srv(&m, 120, 10, 40, 5060, "b.example.com");
	for (n = 0; n < m.n; n++)
		ck_assert_int_eq(sip_dns_answer_ttl(m.b, n, ns_t_srv, &t),
				 -EBADMSG);
	ck_assert_int_eq(sip_dns_answer_ttl(NULL, 0, ns_t_srv, &t), -EBADMSG);
	ck_assert_int_eq(sip_dns_answer_ttl(m.b, m.n, ns_t_srv, &t), 0);
	/* RDLENGTH past the end (6 + 15 octets of RDATA before it) */
	ck_assert_uint_eq(m.b[m.n - 21 - 1], 21);
	m.b[m.n - 21 - 2] = 0x01;
	ck_assert_int_eq(sip_dns_answer_ttl(m.b, m.n, ns_t_srv, &t), -EBADMSG);
}
END_TEST

START_TEST(test_compression)
{
	struct msg m;
	uint32_t t;
	size_t first;

	/* an owner pointing at itself (a loop) */
	begin(&m, "_sip._udp.example.com", ns_t_srv, 1);
	put16(&m, 0xc000 | (unsigned)m.n);
	put16(&m, ns_t_srv);
	put16(&m, ns_c_in);
	put32(&m, 30);
	put16(&m, 0);
	ck_assert_int_eq(ttl_of(&m, ns_t_srv, &t), -EBADMSG);
	/* a question name that is a pointer to itself */
	memset(&m, 0, sizeof(m));
	put16(&m, 1);
	put16(&m, 0x8180);
	put16(&m, 1);
	put16(&m, 0);
	put16(&m, 0);
	put16(&m, 0);
	put16(&m, 0xc00c);
	put16(&m, ns_t_srv);
	put16(&m, ns_c_in);
	ck_assert_int_eq(ttl_of(&m, ns_t_srv, &t), -EBADMSG);
	/* a forward pointer, into the header, and a pointer cut in two */
	begin(&m, "x", ns_t_srv, 1);
	put16(&m, 0xc000 | (unsigned)(m.n + 4));
	put16(&m, ns_t_srv);
	put16(&m, ns_c_in);
	put32(&m, 30);
	put16(&m, 0);
	ck_assert_int_eq(ttl_of(&m, ns_t_srv, &t), -EBADMSG);
	m.b[20] = 2; /* the owner's pointer: 19 and 20 */
	ck_assert_int_eq(ttl_of(&m, ns_t_srv, &t), -EBADMSG);
	m.b[20] = 12;
	ck_assert_int_eq(ttl_of(&m, ns_t_srv, &t), 0);
	ck_assert_uint_eq(t, 30);
	ck_assert_int_eq(sip_dns_answer_ttl(m.b, 20, ns_t_srv, &t), -EBADMSG);
	/* a pointer to a pointer: stepped over, not followed */
	begin(&m, "_sip._udp.example.com", ns_t_srv, 2);
	first = m.n; /* the first answer's owner, itself a pointer */
	add_srv(&m, 50, 0, 0, 5060, "a.example.com");
	put16(&m, 0xc000 | (unsigned)first);
	put16(&m, ns_t_srv);
	put16(&m, ns_c_in);
	put32(&m, 20);
	put16(&m, 0);
	ck_assert_int_eq(ttl_of(&m, ns_t_srv, &t), 0);
	ck_assert_uint_eq(t, 20);
}
END_TEST

START_TEST(test_bad_labels)
{
	struct msg m;
	uint32_t t;
	char longname[300];
	size_t i;

	/* label types 01 and 10 (RFC 6891 retired the extended ones) */
	begin(&m, "example.com", ns_t_srv, 0);
	m.b[12] = 0x40;
	ck_assert_int_eq(ttl_of(&m, ns_t_srv, &t), -EBADMSG);
	m.b[12] = 0x80;
	ck_assert_int_eq(ttl_of(&m, ns_t_srv, &t), -EBADMSG);
	/* a name of more than 255 octets */
	for (i = 0; i + 1 < sizeof(longname); i++)
		longname[i] = i % 10 == 9 ? '.' : 'a';
	longname[sizeof(longname) - 1] = '\0';
	begin(&m, longname, ns_t_srv, 0);
	ck_assert_int_eq(ttl_of(&m, ns_t_srv, &t), -EBADMSG);
	/* no answers at all */
	begin(&m, "example.com", ns_t_srv, 0);
	ck_assert_int_eq(ttl_of(&m, ns_t_srv, &t), -ENOENT);
	/* more answers announced than present */
	begin(&m, "example.com", ns_t_srv, 2);
	add_srv(&m, 50, 0, 0, 5060, "a.example.com");
	ck_assert_int_eq(ttl_of(&m, ns_t_srv, &t), -EBADMSG);
}
END_TEST

/* ---- the engine against a DNS server in this process ------------------- */

struct zrr {
	const char *name;
	unsigned type;
	uint32_t ttl;
	const char *data; /* A: the address; SRV/NAPTR: target/replacement */
	unsigned prio, weight, port; /* SRV; NAPTR: order in prio */
};

static struct zrr zone[20];
static size_t nzone;
static int dns_fd = -1;
static unsigned dns_queries;
static char dns_server[32];
static uint64_t now_ms;
static struct sipreg_engine *e;
static struct sip_fake *f;

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
	return 0;
}

/* keep-alive events the status handler was told, in order */
static int ka_events[16];
static size_t nka_events;

static void
on_status(struct sipreg_binding *b, const struct sipreg_status *st, void *arg)
{
	(void)b;
	(void)arg;
	if (st->ka_event != 0 && nka_events < 16)
		ka_events[nka_events++] = st->ka_event;
}

/* the group of the bindings add_binding_ex() adds */
static unsigned cfg_group;

/* warnings logged that addresses were ignored */
static int drop_logs;

static void
on_log(int level, const char *msg, void *arg)
{
	(void)arg;
	if (level == SIP_LOG_WARN && strstr(msg, "ignored") != NULL)
		drop_logs++;
}

static void
zone_add(const char *name, unsigned type, uint32_t ttl, const char *data,
	 unsigned prio, unsigned weight, unsigned port)
{
	ck_assert_uint_lt(nzone, sizeof(zone) / sizeof(zone[0]));
	zone[nzone++] =
		(struct zrr){ name, type, ttl, data, prio, weight, port };
}

/* One query in, its answer out: the zone's records of that name and type
 * (owner: a pointer to the question). */
static void
dns_serve(void)
{
	unsigned char q[512];
	struct sockaddr_storage from;
	socklen_t flen = sizeof(from);
	char qname[256] = "";
	struct msg m;
	size_t off = 12, qend, i, an = 0, rdlen_at;
	unsigned qtype;
	ssize_t n;

	n = recvfrom(dns_fd, q, sizeof(q), 0, (struct sockaddr *)&from, &flen);
	if (n < 12)
		return;
	dns_queries++;
	while (off < (size_t)n && q[off] != 0) { /* queries: no compression */
		size_t l = q[off], k = strlen(qname);

		if (off + 1 + l > (size_t)n || k + l + 2 > sizeof(qname))
			return;
		snprintf(qname + k, sizeof(qname) - k, "%s%.*s", k ? "." : "",
			 (int)l, (const char *)q + off + 1);
		off += l + 1;
	}
	if (off + 5 > (size_t)n)
		return;
	qtype = (unsigned)q[off + 1] << 8 | q[off + 2];
	qend = off + 5;
	memset(&m, 0, sizeof(m));
	memcpy(m.b, q, qend);
	m.n = qend;
	m.b[2] = 0x81 | (q[2] & 0x01);
	m.b[3] = 0x80;
	m.b[7] = m.b[8] = m.b[9] = m.b[10] = m.b[11] = 0;
	m.b[5] = 1;
	for (i = 0; i < nzone; i++) {
		const struct zrr *z = &zone[i];
		struct in_addr a4;

		if (strcasecmp(z->name, qname) != 0 || z->type != qtype)
			continue;
		put16(&m, 0xc00c);
		put16(&m, z->type);
		put16(&m, ns_c_in);
		put32(&m, z->ttl);
		rdlen_at = m.n;
		put16(&m, 0);
		if (z->type == ns_t_a) {
			ck_assert_int_eq(inet_pton(AF_INET, z->data, &a4), 1);
			memcpy(m.b + m.n, &a4, 4);
			m.n += 4;
		} else if (z->type == ns_t_srv) {
			put16(&m, z->prio);
			put16(&m, z->weight);
			put16(&m, z->port);
			put_name(&m, z->data);
		} else { /* NAPTR, SIP over UDP */
			put16(&m, z->prio);
			put16(&m, 10);
			put8(&m, 1);
			put8(&m, 's');
			put8(&m, 7);
			memcpy(m.b + m.n, "SIP+D2U", 7);
			m.n += 7;
			put8(&m, 0);
			put_name(&m, z->data);
		}
		m.b[rdlen_at] = (unsigned char)((m.n - rdlen_at - 2) >> 8);
		m.b[rdlen_at + 1] =
			(unsigned char)((m.n - rdlen_at - 2) & 0xff);
		an++;
	}
	m.b[6] = (unsigned char)(an >> 8);
	m.b[7] = (unsigned char)(an & 0xff);
	(void)sendto(dns_fd, m.b, m.n, 0, (struct sockaddr *)&from, flen);
}

static void
setup(void)
{
	struct sipreg_engine_cfg cfg;
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	nzone = 0;
	dns_queries = 0;
	dns_fd = socket(AF_INET, SOCK_DGRAM, 0);
	ck_assert_int_ge(dns_fd, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(dns_fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ck_assert_int_eq(getsockname(dns_fd, (struct sockaddr *)&sin, &len), 0);
	snprintf(dns_server, sizeof(dns_server), "127.0.0.1:%u",
		 (unsigned)ntohs(sin.sin_port));
	memset(&cfg, 0, sizeof(cfg));
	cfg.clockh = fake_clock;
	cfg.randh = fake_rand;
	cfg.statush = on_status;
	cfg.logh = on_log;
	cfg_group = 0;
	drop_logs = 0;
	nka_events = 0;
	cfg.user_agent = "gwtest/1";
	cfg.pace_off = true;
	cfg.dns_servers = dns_server;
	cfg.dns_refresh_s = 60;
	now_ms = 1000000;
	f = sip_fake_new();
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(sip_engine_create_tp(&e, &cfg, &sip_fake_ops, f), 0);
}

static void
teardown(void)
{
	sipreg_engine_destroy(e);
	e = NULL;
	f = NULL;
	close(dns_fd);
	dns_fd = -1;
}

/* One turn of the engine and the DNS server (real time, the engine's
 * clock standing): up to 20 ms of poll. */
static void
pump_once(void)
{
	struct pollfd p[9];
	int n, k;

	n = sipreg_engine_pollfds(e, p, 8);
	ck_assert_int_le(n, 8);
	p[n].fd = dns_fd;
	p[n].events = POLLIN;
	p[n].revents = 0;
	if (poll(p, (nfds_t)n + 1, 20) > 0) {
		if (p[n].revents != 0)
			dns_serve();
		for (k = 0; k < n; k++)
			if (p[k].revents != 0)
				sipreg_engine_readable(e, p[k].fd);
	}
	sipreg_engine_timeout(e);
}

/* Run the engine and the DNS server until the binding has sent `sent`
 * messages. */
static void
pump_until_sent(size_t sent)
{
	int i;

	for (i = 0; i < 200 && f->nsent < sent; i++)
		pump_once();
	ck_assert_uint_ge(f->nsent, sent);
}

/* A binding of one address (host, looked up by q) with redundancy mode
 * red and load balancing lb; ka: OPTIONS keep-alive every 30 s, probes
 * timing out after 1.5 s. */
static struct sipreg_binding *
add_binding_ex(const char *host, enum sipreg_dns_query q, bool ka,
	       enum sipreg_redundancy red, unsigned lb)
{
	struct sipreg_binding_cfg c;
	struct sipreg_binding *b;

	memset(&c, 0, sizeof(c));
	c.aor_user = "alice";
	c.aor_host = "prov.test";
	c.password = "secret";
	c.naddrs = 1;
	c.addrs[0].host = host;
	c.addrs[0].port = 5060;
	c.addrs[0].dns_query = q;
	c.expires = 3600;
	c.redundancy = red;
	c.load_balancing = lb;
	c.group = cfg_group;
	if (ka) {
		c.keepalive = SIPREG_KA_OPTIONS;
		c.keepalive_s = 30;
		c.hotswap = true;
		c.hotswap_rtx = 1; /* probes time out after 1.5 s */
	}
	ck_assert_int_eq(sipreg_binding_add(e, &c, NULL, &b), 0);
	return b;
}

static struct sipreg_binding *
add_binding(const char *host, enum sipreg_dns_query q, bool ka)
{
	return add_binding_ex(host, q, ka, SIPREG_PARKING, 0);
}

static void
registered(struct sipreg_binding *b)
{
	struct sipreg_status st;

	sipreg_binding_register(b);
	pump_until_sent(1);
	sip_fake_reply_msg(e, sip_fake_last_method(f, "REGISTER"), 200, "OK",
			   "Expires: 3600\r\n");
	ck_assert_int_eq(sipreg_binding_status(b, &st), 0);
	ck_assert_int_eq(st.state, SIPREG_REGISTERED);
	sipreg_engine_timeout(e);
}

/* The SRV TTL (20 s) is shorter than the period (60 s) and than its
 * target's A TTL: the name is looked up again after 20 s, and asked. */
START_TEST(test_refresh_at_srv_ttl)
{
	struct sipreg_binding *b;
	struct sipreg_cand_status cs;
	unsigned asked;

	zone_add("_sip._udp.prov.test", ns_t_srv, 20, "sip1.prov.test", 10, 5,
		 5070);
	zone_add("sip1.prov.test", ns_t_a, 3600, "192.0.2.10", 0, 0, 0);
	b = add_binding("prov.test", SIPREG_DNS_SRV, false);
	registered(b);
	ck_assert_uint_eq(sip_fake_port(sip_fake_last(f)), 5070);
	ck_assert_int_eq(sipreg_engine_next_timeout(e), 20000);
	ck_assert_int_eq(sipreg_binding_cand_status(b, 0, 0, &cs), 0);
	ck_assert_str_eq(cs.addr, "192.0.2.10:5070");
	ck_assert_str_eq(cs.name, "sip1.prov.test");
	ck_assert_int_eq(cs.rr, SIPREG_RR_SRV);
	ck_assert_uint_eq(cs.priority, 10);
	ck_assert_uint_eq(cs.weight, 5);
	ck_assert_int_eq(cs.ttl_left, 20);
	ck_assert_int_eq(cs.online, -1);
	ck_assert(cs.in_use);
	ck_assert_int_eq(sipreg_binding_cand_status(b, 0, 1, &cs), -ENOENT);
	now_ms += 15000;
	sipreg_engine_timeout(e);
	ck_assert_int_eq(sipreg_binding_cand_status(b, 0, 0, &cs), 0);
	ck_assert_int_eq(cs.ttl_left, 5);
	asked = dns_queries;
	now_ms += 5000;
	sipreg_engine_timeout(e);
	/* the lookup runs: SRV, then the target's A and AAAA */
	for (int i = 0; i < 100 && dns_queries < asked + 3; i++) {
		struct pollfd p = { .fd = dns_fd, .events = POLLIN };

		if (poll(&p, 1, 20) > 0)
			dns_serve();
		sip_dns_expire(e);
	}
	ck_assert_uint_ge(dns_queries, asked + 1);
}
END_TEST

/* The rule's edges: a TTL above the period counts as the period, 0 as
 * 1 s, one with its top bit set as 0; NAPTR's TTL counts too. */
START_TEST(test_refresh_ttl_edges)
{
	static const struct {
		uint32_t srv_ttl, naptr_ttl;
		int64_t due;
	} c[] = {
		{ 0x7fffffffu, 0, 60000 },
		{ 0, 0, 1000 },
		{ 0x80000000u, 0, 1000 },
		{ 300, 7, 7000 },
	};
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct sipreg_binding *b;

		teardown();
		setup();
		zone_add("_sip._udp.prov.test", ns_t_srv, c[i].srv_ttl,
			 "sip1.prov.test", 0, 0, 5070);
		zone_add("sip1.prov.test", ns_t_a, 3600, "192.0.2.10", 0, 0, 0);
		if (c[i].naptr_ttl > 0)
			zone_add("prov.test", ns_t_naptr, c[i].naptr_ttl,
				 "_sip._udp.prov.test", 10, 0, 0);
		b = add_binding("prov.test",
				c[i].naptr_ttl > 0 ? SIPREG_DNS_NAPTR
						   : SIPREG_DNS_SRV,
				false);
		registered(b);
		ck_assert_msg(sipreg_engine_next_timeout(e) == c[i].due,
			      "case %zu: next %d, want %lld", i,
			      sipreg_engine_next_timeout(e),
			      (long long)c[i].due);
	}
}
END_TEST

/* The OPTIONS of the last round to addr, or NULL. */
static const struct sip_fake_msg *
options_to(const char *addr)
{
	char buf[64];
	size_t i;

	for (i = f->nsent; i-- > 0;) {
		const struct sip_fake_msg *m = &f->sent[i];

		sip_addr_format(&m->to, buf, sizeof(buf), true);
		if (strncmp(m->buf, "OPTIONS ", 8) == 0 &&
		    strcmp(buf, addr) == 0)
			return m;
	}
	return NULL;
}

static int
online_of(struct sipreg_binding *b, size_t k)
{
	struct sipreg_cand_status cs;

	ck_assert_int_eq(sipreg_binding_cand_status(b, 0, k, &cs), 0);
	return cs.online;
}

/* A name with three A records: keep-alive probes all three (one OPTIONS
 * each per round), the second never answers and is shown offline; the
 * first then stops answering: the binding moves to the third, skipping
 * the second. */
START_TEST(test_keepalive_every_candidate)
{
	struct sipreg_binding *b;
	struct sipreg_status st;
	const struct sip_fake_msg *m;
	char buf[64];

	zone_add("sip.prov.test", ns_t_a, 3600, "192.0.2.1", 0, 0, 0);
	zone_add("sip.prov.test", ns_t_a, 3600, "192.0.2.2", 0, 0, 0);
	zone_add("sip.prov.test", ns_t_a, 3600, "192.0.2.3", 0, 0, 0);
	b = add_binding("sip.prov.test", SIPREG_DNS_A, true);
	registered(b);
	sip_addr_format(&sip_fake_last_method(f, "REGISTER")->to, buf,
			sizeof(buf), true);
	ck_assert_str_eq(buf, "192.0.2.1:5060");
	/* the round: one OPTIONS at a time, to each address */
	sipreg_engine_timeout(e);
	ck_assert_ptr_nonnull(m = options_to("192.0.2.1:5060"));
	sip_fake_reply_msg(e, m, 200, "OK", "");
	sipreg_engine_timeout(e);
	ck_assert_ptr_nonnull(options_to("192.0.2.2:5060"));
	now_ms += 1500; /* no answer: offline */
	sipreg_engine_timeout(e);
	ck_assert_ptr_nonnull(m = options_to("192.0.2.3:5060"));
	sip_fake_reply_msg(e, m, 200, "OK", "");
	sipreg_engine_timeout(e);
	ck_assert_int_eq(online_of(b, 0), 1);
	ck_assert_int_eq(online_of(b, 1), 0);
	ck_assert_int_eq(online_of(b, 2), 1);
	ck_assert_int_eq(sipreg_binding_status(b, &st), 0);
	ck_assert_int_eq(st.state, SIPREG_REGISTERED); /* nothing moved */
	ck_assert_str_eq(st.addr, "192.0.2.1:5060");
	/* next round: the first does not answer: to the third, known online */
	now_ms += 30000;
	sipreg_engine_timeout(e);
	ck_assert_ptr_nonnull(options_to("192.0.2.1:5060"));
	nka_events = 0;
	now_ms += 1500;
	sipreg_engine_timeout(e);
	ck_assert_int_eq(online_of(b, 0), 0);
	/* the flight recorder is told what the probe found: offline (the
	 * address now points at the third, online) */
	ck_assert_uint_eq(nka_events, 1);
	ck_assert_int_eq(ka_events[0], SIPREG_KA_OFFLINE);
	m = sip_fake_last_method(f, "REGISTER");
	sip_addr_format(&m->to, buf, sizeof(buf), true);
	ck_assert_str_eq(buf, "192.0.2.3:5060");
	sip_fake_reply_msg(e, m, 200, "OK", "Expires: 3600\r\n");
	ck_assert_int_eq(sipreg_binding_status(b, &st), 0);
	ck_assert_int_eq(st.state, SIPREG_REGISTERED);
	ck_assert_str_eq(st.addr, "192.0.2.3:5060");
}
END_TEST

/* n A records 192.0.2.1 .. 192.0.2.n for sip.prov.test */
static void
zone_many(unsigned n)
{
	static char data[16][16];
	unsigned i;

	for (i = 0; i < n && i < 16; i++) {
		snprintf(data[i], sizeof(data[i]), "192.0.2.%u", i + 1);
		zone_add("sip.prov.test", ns_t_a, 3600, data[i], 0, 0, 0);
	}
}

/* A name keeps up to 15 addresses, in answer order; a 16th is dropped,
 * counted once per lookup and logged once per name. */
START_TEST(test_fifteen_addresses)
{
	struct sipreg_engine_stats es;
	struct sipreg_cand_status cs;
	struct sipreg_binding *b;
	unsigned asked;
	size_t k;

	zone_many(15);
	b = add_binding("sip.prov.test", SIPREG_DNS_A, false);
	registered(b);
	for (k = 0; k < 15; k++) {
		char want[32];

		snprintf(want, sizeof(want), "192.0.2.%zu:5060", k + 1);
		ck_assert_int_eq(sipreg_binding_cand_status(b, 0, k, &cs), 0);
		ck_assert_str_eq(cs.addr, want);
	}
	ck_assert_int_eq(sipreg_binding_cand_status(b, 0, 15, &cs), -ENOENT);
	ck_assert_int_eq(sipreg_engine_stats(e, &es), 0);
	ck_assert_uint_eq(es.dns_dropped, 0);
	ck_assert_int_eq(drop_logs, 0);

	teardown();
	setup();
	zone_many(16);
	b = add_binding("sip.prov.test", SIPREG_DNS_A, false);
	registered(b);
	ck_assert_int_eq(sipreg_binding_cand_status(b, 0, 14, &cs), 0);
	ck_assert_str_eq(cs.addr, "192.0.2.15:5060");
	ck_assert_int_eq(sipreg_binding_cand_status(b, 0, 15, &cs), -ENOENT);
	ck_assert_int_eq(sipreg_engine_stats(e, &es), 0);
	ck_assert_uint_eq(es.dns_dropped, 1);
	ck_assert_int_eq(drop_logs, 1);
	/* the refresh drops it again: counted, not logged again */
	asked = dns_queries;
	now_ms += 60000;
	sipreg_engine_timeout(e);
	for (int i = 0; i < 200 && es.dns_dropped < 2; i++) {
		pump_once();
		ck_assert_int_eq(sipreg_engine_stats(e, &es), 0);
	}
	ck_assert_uint_gt(dns_queries, asked);
	ck_assert_uint_eq(es.dns_dropped, 2);
	ck_assert_int_eq(drop_logs, 1);
	ck_assert_int_eq(sipreg_binding_cand_status(b, 0, 15, &cs), -ENOENT);
}
END_TEST

/* Where the last REGISTER went ("" if none), and how many were sent. */
static size_t
last_register(char *buf, size_t size)
{
	const struct sip_fake_msg *m = sip_fake_last_method(f, "REGISTER");
	size_t i, n = 0;

	buf[0] = '\0';
	if (m != NULL)
		sip_addr_format(&m->to, buf, size, true);
	for (i = 0; i < f->nsent; i++)
		if (strncmp(f->sent[i].buf, "REGISTER ", 9) == 0)
			n++;
	return n;
}

/* Keep-alive's probe to addr: answered (200) or left to time out. */
static void
probe(const char *addr, bool answer)
{
	const struct sip_fake_msg *m;

	sipreg_engine_timeout(e);
	ck_assert_ptr_nonnull(m = options_to(addr));
	if (answer) {
		sip_fake_reply_msg(e, m, 200, "OK", "");
	} else {
		now_ms += 1500;
	}
	sipreg_engine_timeout(e); /* the result, and what it leads to */
}

/*
 * A name with two A records, OPTIONS keep-alive: the first stops
 * answering, the binding moves to the second; when the first answers
 * again, Homing re-registers there at once, Parking stays.
 */
static void
home_within_name(enum sipreg_redundancy red)
{
	struct sipreg_binding *b;
	struct sipreg_status st;
	char buf[64];
	size_t n;

	zone_add("sip.prov.test", ns_t_a, 3600, "192.0.2.1", 0, 0, 0);
	zone_add("sip.prov.test", ns_t_a, 3600, "192.0.2.2", 0, 0, 0);
	b = add_binding_ex("sip.prov.test", SIPREG_DNS_A, true, red, 0);
	registered(b);
	last_register(buf, sizeof(buf));
	ck_assert_str_eq(buf, "192.0.2.1:5060");
	probe("192.0.2.1:5060", true);
	probe("192.0.2.2:5060", true);
	/* the first goes silent: to the second */
	now_ms += 30000;
	probe("192.0.2.1:5060", false);
	last_register(buf, sizeof(buf));
	ck_assert_str_eq(buf, "192.0.2.2:5060");
	sip_fake_reply_msg(e, sip_fake_last_method(f, "REGISTER"), 200, "OK",
			   "Expires: 3600\r\n");
	ck_assert_int_eq(sipreg_binding_status(b, &st), 0);
	ck_assert_int_eq(st.state, SIPREG_REGISTERED);
	ck_assert_str_eq(st.addr, "192.0.2.2:5060");
	probe("192.0.2.2:5060", true);
	/* still silent next round: nothing moves */
	now_ms += 30000;
	n = last_register(buf, sizeof(buf));
	probe("192.0.2.1:5060", false);
	ck_assert_uint_eq(last_register(buf, sizeof(buf)), n);
	probe("192.0.2.2:5060", true);
	/* the first answers again */
	now_ms += 30000;
	probe("192.0.2.1:5060", true);
	ck_assert_int_eq(sipreg_binding_status(b, &st), 0);
	if (red == SIPREG_PARKING) {
		ck_assert_uint_eq(last_register(buf, sizeof(buf)), n);
		ck_assert_int_eq(st.state, SIPREG_REGISTERED);
		ck_assert_str_eq(st.addr, "192.0.2.2:5060");
		return;
	}
	ck_assert_uint_eq(last_register(buf, sizeof(buf)), n + 1);
	ck_assert_str_eq(buf, "192.0.2.1:5060");
	sip_fake_reply_msg(e, sip_fake_last_method(f, "REGISTER"), 200, "OK",
			   "Expires: 3600\r\n");
	ck_assert_int_eq(sipreg_binding_status(b, &st), 0);
	ck_assert_int_eq(st.state, SIPREG_REGISTERED);
	ck_assert_str_eq(st.addr, "192.0.2.1:5060");
	/* the second answering again changes nothing */
	probe("192.0.2.2:5060", true);
	ck_assert_uint_eq(last_register(buf, sizeof(buf)), n + 1);
}

START_TEST(test_homing_within_name)
{
	home_within_name(SIPREG_HOMING);
}
END_TEST

START_TEST(test_parking_within_name)
{
	home_within_name(SIPREG_PARKING);
}
END_TEST

/* Register b (a new cycle) and answer 200: where it registered. */
static void
register_at(struct sipreg_binding *b, char *buf, size_t size)
{
	struct sipreg_status st;
	size_t n = last_register(buf, size);
	int i;

	sipreg_binding_register(b);
	for (i = 0; i < 200 && last_register(buf, size) == n; i++)
		pump_once();
	ck_assert_uint_eq(last_register(buf, size), n + 1);
	sip_fake_reply_msg(e, sip_fake_last_method(f, "REGISTER"), 200, "OK",
			   "Expires: 3600\r\n");
	sipreg_engine_timeout(e);
	ck_assert_int_eq(sipreg_binding_status(b, &st), 0);
	ck_assert_int_eq(st.state, SIPREG_REGISTERED);
	ck_assert_str_eq(st.addr, buf);
}

/* Round robin (ProxyLoadBalancingMethod 1) spreads new registrations
 * over every address of a name, not only over the set's rows; the
 * first binding's cycle, waiting for the first answer, takes its turn
 * too. */
START_TEST(test_round_robin_addresses)
{
	static const char *addr[3] = { "192.0.2.1:5060", "192.0.2.2:5060",
				       "192.0.2.3:5060" };
	unsigned count[3] = { 0, 0, 0 };
	char buf[64], prev[64] = "";
	size_t i, k;

	zone_add("sip.prov.test", ns_t_a, 3600, "192.0.2.1", 0, 0, 0);
	zone_add("sip.prov.test", ns_t_a, 3600, "192.0.2.2", 0, 0, 0);
	zone_add("sip.prov.test", ns_t_a, 3600, "192.0.2.3", 0, 0, 0);
	for (i = 0; i < 6; i++) {
		struct sipreg_binding *b =
			add_binding_ex("sip.prov.test", SIPREG_DNS_A, false,
				       SIPREG_PARKING, 1);

		register_at(b, buf, sizeof(buf));
		ck_assert_str_ne(buf, prev); /* each in turn */
		snprintf(prev, sizeof(prev), "%s", buf);
		for (k = 0; k < 3; k++)
			count[k] += strcmp(buf, addr[k]) == 0;
	}
	for (k = 0; k < 3; k++)
		ck_assert_uint_eq(count[k], 2);
}
END_TEST

/* users of each candidate of b's address 0 */
static void
users_are(struct sipreg_binding *b, unsigned u0, unsigned u1, unsigned u2)
{
	struct sipreg_cand_status cs;
	unsigned want[3] = { u0, u1, u2 };
	size_t k;

	for (k = 0; k < 3; k++) {
		ck_assert_int_eq(sipreg_binding_cand_status(b, 0, k, &cs), 0);
		ck_assert_msg(cs.users == want[k], "%s: %u users, want %u",
			      cs.addr, cs.users, want[k]);
	}
}

/* The engine counts the bindings of a group registered through each
 * address as they register, move and go (no scan): round robin puts
 * two on each; one removed, one failing over, one of another group. */
START_TEST(test_users_count)
{
	struct sipreg_binding *b[6], *other;
	char buf[64];
	size_t i;

	zone_add("sip.prov.test", ns_t_a, 3600, "192.0.2.1", 0, 0, 0);
	zone_add("sip.prov.test", ns_t_a, 3600, "192.0.2.2", 0, 0, 0);
	zone_add("sip.prov.test", ns_t_a, 3600, "192.0.2.3", 0, 0, 0);
	cfg_group = 7;
	for (i = 0; i < 6; i++) {
		b[i] = add_binding_ex("sip.prov.test", SIPREG_DNS_A, false,
				      SIPREG_PARKING, 1);
		register_at(b[i], buf, sizeof(buf));
	}
	users_are(b[0], 2, 2, 2);
	/* another group at the same addresses: counted apart */
	cfg_group = 8;
	other = add_binding_ex("sip.prov.test", SIPREG_DNS_A, false,
			       SIPREG_PARKING, 0);
	register_at(other, buf, sizeof(buf));
	ck_assert_str_eq(buf, "192.0.2.1:5060");
	users_are(b[0], 2, 2, 2);
	users_are(other, 1, 0, 0);
	/* removed: no longer counted */
	last_register(buf, sizeof(buf));
	sipreg_binding_remove(b[5], false); /* the second at .1 */
	sipreg_engine_timeout(e);
	users_are(b[0], 1, 2, 2);
	/* b[0] (at .2): a refresh refused with 503 fails over to .3 */
	sipreg_binding_register(b[0]);
	sipreg_engine_timeout(e);
	last_register(buf, sizeof(buf));
	ck_assert_str_eq(buf, "192.0.2.2:5060");
	users_are(b[0], 1, 2, 2); /* refreshing there: still counted */
	sip_fake_reply_msg(e, sip_fake_last_method(f, "REGISTER"), 503,
			   "Service Unavailable", "");
	sipreg_engine_timeout(e);
	last_register(buf, sizeof(buf));
	ck_assert_str_eq(buf, "192.0.2.3:5060");
	users_are(b[0], 1, 1, 3);
	sip_fake_reply_msg(e, sip_fake_last_method(f, "REGISTER"), 200, "OK",
			   "Expires: 3600\r\n");
	sipreg_engine_timeout(e);
	users_are(b[0], 1, 1, 3);
	/* unregistered: gone from the count */
	sipreg_binding_unregister(b[0]);
	sipreg_engine_timeout(e);
	users_are(b[0], 1, 1, 2);
	users_are(other, 1, 0, 0);
}
END_TEST

/* Round robin skips the addresses keep-alive saw offline. */
START_TEST(test_round_robin_skips_offline)
{
	struct sipreg_binding *b;
	unsigned n1 = 0, n3 = 0;
	char buf[64];
	size_t i;

	zone_add("sip.prov.test", ns_t_a, 3600, "192.0.2.1", 0, 0, 0);
	zone_add("sip.prov.test", ns_t_a, 3600, "192.0.2.2", 0, 0, 0);
	zone_add("sip.prov.test", ns_t_a, 3600, "192.0.2.3", 0, 0, 0);
	b = add_binding_ex("sip.prov.test", SIPREG_DNS_A, true, SIPREG_PARKING,
			   1);
	register_at(b, buf, sizeof(buf));
	probe("192.0.2.1:5060", true);
	probe("192.0.2.2:5060", false);
	probe("192.0.2.3:5060", true);
	for (i = 0; i < 6; i++) {
		b = add_binding_ex("sip.prov.test", SIPREG_DNS_A, true,
				   SIPREG_PARKING, 1);
		register_at(b, buf, sizeof(buf));
		ck_assert_str_ne(buf, "192.0.2.2:5060");
		n1 += strcmp(buf, "192.0.2.1:5060") == 0;
		n3 += strcmp(buf, "192.0.2.3:5060") == 0;
	}
	ck_assert_uint_eq(n1 + n3, 6);
	ck_assert_uint_ge(n1, 2); /* spread, not all on one */
	ck_assert_uint_ge(n3, 2);
}
END_TEST

/* Homing with round robin: the first probes of the name's addresses
 * (never probed before: "online again") move nobody; round robin keeps
 * its spread. */
START_TEST(test_round_robin_no_homing_within_name)
{
	struct sipreg_binding *b[3];
	char buf[64];
	size_t i, n;

	zone_add("sip.prov.test", ns_t_a, 3600, "192.0.2.1", 0, 0, 0);
	zone_add("sip.prov.test", ns_t_a, 3600, "192.0.2.2", 0, 0, 0);
	zone_add("sip.prov.test", ns_t_a, 3600, "192.0.2.3", 0, 0, 0);
	for (i = 0; i < 3; i++) {
		b[i] = add_binding_ex("sip.prov.test", SIPREG_DNS_A, true,
				      SIPREG_HOMING, 1);
		register_at(b[i], buf, sizeof(buf));
	}
	n = last_register(buf, sizeof(buf));
	probe("192.0.2.1:5060", true);
	probe("192.0.2.2:5060", true);
	probe("192.0.2.3:5060", true);
	ck_assert_uint_eq(last_register(buf, sizeof(buf)), n);
	users_are(b[0], 1, 1, 1);
}
END_TEST

/* At failover (503 here), the next candidate of the name is the next
 * one keep-alive has not seen offline: .2 is skipped, .3 is tried. */
START_TEST(test_failover_skips_offline)
{
	struct sipreg_binding *b;
	struct sipreg_status st;
	char buf[64];
	size_t n, i;

	zone_add("sip.prov.test", ns_t_a, 3600, "192.0.2.1", 0, 0, 0);
	zone_add("sip.prov.test", ns_t_a, 3600, "192.0.2.2", 0, 0, 0);
	zone_add("sip.prov.test", ns_t_a, 3600, "192.0.2.3", 0, 0, 0);
	b = add_binding("sip.prov.test", SIPREG_DNS_A, true);
	register_at(b, buf, sizeof(buf));
	ck_assert_str_eq(buf, "192.0.2.1:5060");
	probe("192.0.2.1:5060", true);
	probe("192.0.2.2:5060", false);
	probe("192.0.2.3:5060", true);
	ck_assert_int_eq(online_of(b, 1), 0);
	/* a refresh the first refuses with 503 */
	n = last_register(buf, sizeof(buf));
	sipreg_binding_register(b);
	ck_assert_uint_eq(last_register(buf, sizeof(buf)), n + 1);
	ck_assert_str_eq(buf, "192.0.2.1:5060");
	sip_fake_reply_msg(e, sip_fake_last_method(f, "REGISTER"), 503,
			   "Service Unavailable", "");
	sipreg_engine_timeout(e);
	ck_assert_uint_eq(last_register(buf, sizeof(buf)), n + 2);
	ck_assert_str_eq(buf, "192.0.2.3:5060");
	for (i = 0; i < f->nsent; i++) {
		char to[64];

		sip_addr_format(&f->sent[i].to, to, sizeof(to), true);
		if (strncmp(f->sent[i].buf, "REGISTER ", 9) == 0)
			ck_assert_str_ne(to, "192.0.2.2:5060");
	}
	sip_fake_reply_msg(e, sip_fake_last_method(f, "REGISTER"), 200, "OK",
			   "Expires: 3600\r\n");
	ck_assert_int_eq(sipreg_binding_status(b, &st), 0);
	ck_assert_int_eq(st.state, SIPREG_REGISTERED);
	ck_assert_str_eq(st.addr, "192.0.2.3:5060");
}
END_TEST

static Suite *
dns_suite(void)
{
	Suite *s = suite_create("sip_dns");
	TCase *tc = tcase_create("ttl");

	tcase_add_test(tc, test_srv_shortest);
	tcase_add_test(tc, test_naptr);
	tcase_add_test(tc, test_other_records);
	tcase_add_test(tc, test_zero_and_huge);
	tcase_add_test(tc, test_truncated);
	tcase_add_test(tc, test_compression);
	tcase_add_test(tc, test_bad_labels);
	suite_add_tcase(s, tc);
	tc = tcase_create("engine");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_refresh_at_srv_ttl);
	tcase_add_test(tc, test_refresh_ttl_edges);
	tcase_add_test(tc, test_keepalive_every_candidate);
	tcase_add_test(tc, test_fifteen_addresses);
	tcase_add_test(tc, test_homing_within_name);
	tcase_add_test(tc, test_parking_within_name);
	tcase_add_test(tc, test_round_robin_addresses);
	tcase_add_test(tc, test_round_robin_skips_offline);
	tcase_add_test(tc, test_users_count);
	tcase_add_test(tc, test_round_robin_no_homing_within_name);
	tcase_add_test(tc, test_failover_skips_offline);
	suite_add_tcase(s, tc);
	return s;
}

GWTEST_MAIN(dns_suite)
