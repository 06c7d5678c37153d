/* SPDX-License-Identifier: ISC */
/* Unit tests for sip/transport_udp.c: addresses and a loopback exchange. */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sip/sip_int.h"
#include "tests/mock/sip_fake.h"
#include "tests/unit/gwtest.h"

START_TEST(test_resolve_format)
{
	union sip_sa ss;
	char buf[SIPREG_ADDR_STRLEN];

	ck_assert_int_eq(sip_addr_resolve("192.0.2.7", 5070, &ss), 0);
	sip_addr_format(&ss, buf, sizeof(buf), true);
	ck_assert_str_eq(buf, "192.0.2.7:5070");
	ck_assert_int_eq(sip_addr_resolve("LocalHost", 1, &ss), 0);
	sip_addr_format(&ss, buf, sizeof(buf), false);
	ck_assert_str_eq(buf, "127.0.0.1");
	ck_assert_int_eq(sip_addr_resolve("[2001:db8::1]", 5060, &ss), 0);
	sip_addr_format(&ss, buf, sizeof(buf), true);
	ck_assert_str_eq(buf, "[2001:db8::1]:5060");
	ck_assert_uint_eq(sip_addr_port(&ss), 5060);
	ck_assert_int_eq(sip_addr_resolve("::1", 5060, &ss), 0);
	ck_assert_int_eq(sip_addr_resolve("sip.example.com", 5060, &ss),
			 -ENOTSUP);
	ck_assert_int_eq(sip_addr_resolve("", 5060, &ss), -EINVAL);
	ck_assert_int_eq(sip_addr_resolve(NULL, 5060, &ss), -EINVAL);
}
END_TEST

/* A registrar socket on 127.0.0.1 and an ephemeral port. */
static int
registrar(uint16_t *port)
{
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	ck_assert_int_ge(fd, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sin, &sl), 0);
	*port = ntohs(sin.sin_port);
	return fd;
}

static void
answer(int fd, int code, const char *reason)
{
	struct sip_fake_msg m;
	struct sockaddr_storage from;
	socklen_t sl = sizeof(from);
	char req[4096], resp[4096], via[256], fr[256], to[256], cid[128];
	char cseq[64];
	struct pollfd p = { fd, POLLIN, 0 };
	ssize_t n;
	int len;

	ck_assert_int_eq(poll(&p, 1, 2000), 1);
	n = recvfrom(fd, req, sizeof(req) - 1, 0, (struct sockaddr *)&from,
		     &sl);
	ck_assert_int_gt(n, 0);
	req[n] = '\0';
	ck_assert(strncmp(req, "REGISTER sip:example.com SIP/2.0", 32) == 0);
	m.buf = req;
	m.len = (size_t)n;
	sip_fake_header(&m, "Via", via, sizeof(via));
	ck_assert(strstr(via, "127.0.0.1:") != NULL);
	sip_fake_header(&m, "From", fr, sizeof(fr));
	sip_fake_header(&m, "To", to, sizeof(to));
	sip_fake_header(&m, "Call-ID", cid, sizeof(cid));
	sip_fake_header(&m, "CSeq", cseq, sizeof(cseq));
	len = snprintf(
		resp, sizeof(resp),
		"SIP/2.0 %d %s\r\nVia: %s\r\nFrom: %s\r\nTo: %s;tag=x\r\n"
		"Call-ID: %s\r\nCSeq: %s\r\nExpires: 300\r\n"
		"Content-Length: 0\r\n\r\n",
		code, reason, via, fr, to, cid, cseq);
	ck_assert_int_eq(
		sendto(fd, resp, (size_t)len, 0, (struct sockaddr *)&from, sl),
		len);
	ck_assert_int_eq(sendto(fd, "junk", 4, 0, (struct sockaddr *)&from, sl),
			 4);
}

static void
pump(struct sipreg_engine *e)
{
	struct pollfd p;
	int i;

	for (i = 0; i < 20; i++) {
		ck_assert_int_eq(sipreg_engine_pollfds(e, &p, 1), 1);
		if (poll(&p, 1, 100) == 1)
			sipreg_engine_readable(e, p.fd);
		sipreg_engine_timeout(e);
	}
}

START_TEST(test_loopback_register)
{
	struct sipreg_engine_cfg ecfg;
	struct sipreg_binding_cfg c;
	struct sipreg_engine *e;
	struct sipreg_binding *b;
	struct sipreg_status st;
	struct sipreg_engine_stats es;
	uint16_t port;
	int rfd = registrar(&port);

	memset(&ecfg, 0, sizeof(ecfg));
	ecfg.local_addr = "127.0.0.1";
	ck_assert_int_eq(sipreg_engine_create(&e, &ecfg), 0);
	ck_assert_int_eq(sipreg_engine_pollfds(e, NULL, 0), 1);
	ck_assert_int_eq(sipreg_engine_readable(e, 12345), -EINVAL);
	memset(&c, 0, sizeof(c));
	c.aor_user = "alice";
	c.aor_host = "example.com";
	c.naddrs = 1;
	c.addrs[0].host = "127.0.0.1";
	c.addrs[0].port = port;
	ck_assert_int_eq(sipreg_binding_add(e, &c, NULL, &b), 0);
	ck_assert_int_eq(sipreg_binding_register(b), 0);
	ck_assert_int_gt(sipreg_engine_next_timeout(e), 0);
	answer(rfd, 200, "OK");
	pump(e);
	ck_assert_int_eq(sipreg_binding_status(b, &st), 0);
	ck_assert_int_eq(st.state, SIPREG_REGISTERED);
	ck_assert_uint_eq(st.granted, 300);
	ck_assert_int_eq(sipreg_engine_stats(e, &es), 0);
	ck_assert_uint_eq(es.rx, 2);
	ck_assert_uint_eq(es.malformed, 1);
	sipreg_engine_destroy(e);
	close(rfd);
}
END_TEST

START_TEST(test_bind_errors)
{
	struct sipreg_engine_cfg ecfg;
	struct sipreg_engine *e = NULL;

	memset(&ecfg, 0, sizeof(ecfg));
	ecfg.local_addr = "not-an-address";
	ck_assert_int_eq(sipreg_engine_create(&e, &ecfg), -EINVAL);
	ecfg.local_addr = "192.0.2.99"; /* not ours */
	ck_assert_int_eq(sipreg_engine_create(&e, &ecfg), -EADDRNOTAVAIL);
	ck_assert_int_eq(sipreg_engine_create(NULL, NULL), -EINVAL);
	sipreg_engine_destroy(NULL);
}
END_TEST

static Suite *
udp_suite(void)
{
	Suite *s = suite_create("sip_transport_udp");
	TCase *tc;

	tc = tcase_create("addr");
	tcase_add_test(tc, test_resolve_format);
	suite_add_tcase(s, tc);
	tc = tcase_create("socket");
	tcase_add_test(tc, test_loopback_register);
	tcase_add_test(tc, test_bind_errors);
	suite_add_tcase(s, tc);
	return s;
}

GWTEST_MAIN(udp_suite)
