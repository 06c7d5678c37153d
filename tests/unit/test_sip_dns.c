/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for sip/dns.c: the TTLs of NAPTR and SRV records read from
 * hand-made DNS answers (RFC 1035 §4.1), whole, truncated and malformed.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <ares.h>
#include <arpa/nameser.h>

#include "sip/sip_int.h"
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
	return s;
}

GWTEST_MAIN(dns_suite)
