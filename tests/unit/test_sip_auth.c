/* SPDX-License-Identifier: ISC */
/* Unit tests for sip/auth.c: challenge choice, retry rules, credentials. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip/sip_int.h"
#include "tests/unit/gwtest.h"

#define HDRS 4

struct built {
	int n;
	char name[HDRS][32];
	char value[HDRS][1024];
};

static int
collect_hdr(const char *name, const char *value, void *arg)
{
	struct built *b = arg;

	ck_assert_int_lt(b->n, HDRS);
	snprintf(b->name[b->n], sizeof(b->name[0]), "%s", name);
	snprintf(b->value[b->n], sizeof(b->value[0]), "%s", value);
	b->n++;
	return 0;
}

/* Value of param `name` in a credentials string (no escapes in tests). */
static const char *
param(const char *v, const char *name, char *out, size_t size)
{
	char key[40];
	const char *p;
	size_t n = 0;

	snprintf(key, sizeof(key), "%s=", name);
	for (p = strstr(v, key); p != NULL; p = strstr(p + 1, key))
		if (p == v || p[-1] == ' ')
			break;
	if (p == NULL)
		return NULL;
	p += strlen(key);
	if (*p == '"') {
		for (p++; *p != '"' && n + 1 < size; p++)
			out[n++] = *p;
	} else {
		for (; *p != ',' && *p != '\0' && n + 1 < size; p++)
			out[n++] = *p;
	}
	out[n] = '\0';
	return out;
}

static const char mediant_401[] =
	"SIP/2.0 401 Unauthorized\r\n"
	"Via: SIP/2.0/UDP 10.2.1.200\r\n"
	"From: <sip:122@10.2.2.222 >;tag=1c17940\r\n"
	"To: <sip:122@10.2.2.222 >\r\n"
	"Call-ID: 634293194@10.1.1.200\r\n"
	"Cseq: 1 REGISTER\r\n"
	"Content-Length: 0\r\n"
	"WWW-Authenticate: Digest realm=\"audiocodes.com\",\r\n"
	" nonce=\"11432d6bce58ddf02e3b5e1c77c010d2\",\r\n"
	" stale=FALSE,\r\n"
	" algorithm=MD5\r\n"
	"\r\n";

static int
feed(struct sip_auth *a, const char *hdrs)
{
	char raw[2048];

	snprintf(raw, sizeof(raw),
		 "SIP/2.0 401 Unauthorized\r\nCSeq: 1 REGISTER\r\n%s\r\n",
		 hdrs);
	return sip_auth_handle_response(a, raw, strlen(raw));
}

static void
build(struct sip_auth *a, struct built *b)
{
	memset(b, 0, sizeof(*b));
	ck_assert_int_eq(sip_auth_build(a, "REGISTER", "sip:example.com", NULL,
					0, collect_hdr, b),
			 0);
}

START_TEST(test_mediant_example)
{
	struct sip_auth *a;
	struct built b;
	char v[128];

	ck_assert_int_eq(sip_auth_create(&a, "122", "AudioCodes"), 0);
	ck_assert_int_eq(
		sip_auth_handle_response(a, mediant_401, strlen(mediant_401)),
		0);
	memset(&b, 0, sizeof(b));
	ck_assert_int_eq(sip_auth_build(a, "REGISTER", "sip:10.2.2.222", NULL,
					0, collect_hdr, &b),
			 0);
	ck_assert_int_eq(b.n, 1);
	ck_assert_str_eq(b.name[0], "Authorization");
	ck_assert_str_eq(
		b.value[0],
		"Digest username=\"122\", realm=\"audiocodes.com\", "
		"nonce=\"11432d6bce58ddf02e3b5e1c77c010d2\", "
		"uri=\"sip:10.2.2.222\", "
		"response=\"ced1be6f6bee4719894543e3b714aeee\", algorithm=MD5");
	ck_assert_ptr_null(param(b.value[0], "nc", v, sizeof(v)));
	sip_auth_destroy(a);
}
END_TEST

/* Recompute the response from what the header says. */
static void
verify(const char *value, enum sip_digest_alg alg, bool sess,
       enum sip_digest_qop qop, const char *password)
{
	char user[64], realm[64], nonce[128], uri[64], resp[80], cnonce[80];
	char nc[16], expect[SIP_DIGEST_HEX_MAX];
	struct sip_digest_input in;

	memset(&in, 0, sizeof(in));
	in.alg = alg;
	in.sess = sess;
	in.qop = qop;
	in.username = param(value, "username", user, sizeof(user));
	in.realm = param(value, "realm", realm, sizeof(realm));
	in.nonce = param(value, "nonce", nonce, sizeof(nonce));
	in.uri = param(value, "uri", uri, sizeof(uri));
	in.cnonce = param(value, "cnonce", cnonce, sizeof(cnonce));
	in.password = password;
	in.method = "REGISTER";
	ck_assert_ptr_nonnull(param(value, "response", resp, sizeof(resp)));
	if (qop != SIP_QOP_NONE) {
		ck_assert_ptr_nonnull(param(value, "nc", nc, sizeof(nc)));
		ck_assert_uint_eq(strlen(nc), 8);
		in.nc = (uint32_t)strtoul(nc, NULL, 16);
		ck_assert_uint_ge(strlen(cnonce), 16);
	}
	ck_assert_int_eq(sip_digest_response(&in, expect), 0);
	ck_assert_str_eq(resp, expect);
}

static struct sip_auth *
alice(void)
{
	struct sip_auth *a;

	ck_assert_int_eq(sip_auth_create(&a, "alice", "secret"), 0);
	return a;
}

START_TEST(test_qop_auth_nc)
{
	struct sip_auth *a = alice();
	struct built b;
	char v[64], c1[64];

	ck_assert_int_eq(feed(a, "WWW-Authenticate: Digest realm=\"example.com"
				 "\", nonce=\"abc\", qop=\"auth,auth-int\", "
				 "opaque=\"op\\\"q\"\r\n"),
			 0);
	build(a, &b);
	ck_assert_str_eq(param(b.value[0], "nc", v, sizeof(v)), "00000001");
	ck_assert_str_eq(param(b.value[0], "qop", v, sizeof(v)), "auth");
	ck_assert(strstr(b.value[0], "opaque=\"op\\\"q\"") != NULL);
	ck_assert(strstr(b.value[0], "algorithm") == NULL);
	verify(b.value[0], SIP_DIGEST_MD5, false, SIP_QOP_AUTH, "secret");
	snprintf(c1, sizeof(c1), "%s", param(b.value[0], "cnonce", v, 64));
	build(a, &b);
	ck_assert_str_eq(param(b.value[0], "nc", v, sizeof(v)), "00000002");
	ck_assert_str_ne(param(b.value[0], "cnonce", v, sizeof(v)), c1);
	verify(b.value[0], SIP_DIGEST_MD5, false, SIP_QOP_AUTH, "secret");
	sip_auth_destroy(a);
}
END_TEST

START_TEST(test_auth_int_sess)
{
	struct sip_auth *a = alice();
	struct built b;
	char v[64];

	ck_assert_int_eq(feed(a, "WWW-Authenticate: Digest realm=\"example.com"
				 "\", nonce=\"abc\", qop=\"auth-int\", "
				 "algorithm=SHA-256-sess\r\n"),
			 0);
	build(a, &b);
	ck_assert_str_eq(param(b.value[0], "qop", v, sizeof(v)), "auth-int");
	ck_assert_str_eq(param(b.value[0], "algorithm", v, sizeof(v)),
			 "SHA-256-sess");
	verify(b.value[0], SIP_DIGEST_SHA256, true, SIP_QOP_AUTH_INT, "secret");
	sip_auth_destroy(a);
}
END_TEST

#define TWO_ALGS                                                         \
	"WWW-Authenticate: Digest realm=\"r\", nonce=\"n1\", qop=auth, " \
	"algorithm=MD5\r\n"                                              \
	"WWW-Authenticate: Digest realm=\"r\", nonce=\"n2\", qop=auth, " \
	"algorithm=SHA-256\r\n"                                          \
	"WWW-Authenticate: Digest realm=\"r\", nonce=\"n3\", qop=auth, " \
	"algorithm=SHA-512\r\n"

START_TEST(test_strongest)
{
	struct sip_auth *a = alice();
	struct built b;
	char v[64];

	ck_assert_int_eq(feed(a, TWO_ALGS), 0);
	build(a, &b);
	ck_assert_int_eq(b.n, 1);
	ck_assert_str_eq(param(b.value[0], "algorithm", v, sizeof(v)),
			 "SHA-256");
	verify(b.value[0], SIP_DIGEST_SHA256, false, SIP_QOP_AUTH, "secret");
	sip_auth_set_policy(a, SIP_AUTH_TOPMOST);
	sip_auth_forget(a);
	ck_assert_int_eq(feed(a, TWO_ALGS), 0);
	build(a, &b);
	ck_assert_str_eq(param(b.value[0], "algorithm", v, sizeof(v)), "MD5");
	sip_auth_destroy(a);
}
END_TEST

START_TEST(test_www_and_proxy)
{
	struct sip_auth *a = alice();
	struct built b;
	char v[64];

	ck_assert_int_eq(feed(a, "Proxy-Authenticate: Digest realm=\"proxy\", "
				 "nonce=\"p1\"\r\n"
				 "WWW-Authenticate: Digest realm=\"reg\", "
				 "nonce=\"w1\", qop=\"auth\"\r\n"),
			 0);
	ck_assert_uint_eq(sip_auth_realm_count(a), 2);
	build(a, &b);
	ck_assert_int_eq(b.n, 2);
	ck_assert(strcmp(b.name[0], "Proxy-Authorization") == 0 ||
		  strcmp(b.name[1], "Proxy-Authorization") == 0);
	ck_assert(strcmp(b.name[0], "Authorization") == 0 ||
		  strcmp(b.name[1], "Authorization") == 0);
	ck_assert_str_eq(param(b.value[0], "realm", v, sizeof(v)),
			 strcmp(b.name[0], "Authorization") == 0 ? "reg"
								 : "proxy");
	sip_auth_destroy(a);
}
END_TEST

#define CH(nonce, extra)                                       \
	"WWW-Authenticate: Digest realm=\"r\", nonce=\"" nonce \
	"\", qop=auth" extra "\r\n"

START_TEST(test_same_nonce_rejected)
{
	struct sip_auth *a = alice();
	struct built b;

	ck_assert_int_eq(feed(a, CH("n1", "")), 0);
	/* not sent yet: the same challenge again is no rejection */
	ck_assert_int_eq(feed(a, CH("n1", "")), 0);
	build(a, &b);
	ck_assert_int_eq(feed(a, CH("n1", ", stale=FALSE")), -EACCES);
	/* RFC 3261 §22.1: the rejected credentials are not kept for the
	 * next request, which then goes without and is challenged again */
	ck_assert_uint_eq(sip_auth_realm_count(a), 0);
	ck_assert_int_eq(feed(a, CH("n1", "")), 0);
	ck_assert_uint_eq(sip_auth_realm_count(a), 1);
	sip_auth_destroy(a);
}
END_TEST

START_TEST(test_stale)
{
	struct sip_auth *a = alice();
	struct built b;
	char v[64];

	ck_assert_int_eq(feed(a, CH("n1", "")), 0);
	build(a, &b);
	build(a, &b);
	ck_assert_int_eq(feed(a, CH("n2", ", stale=true")), 0);
	build(a, &b);
	ck_assert_str_eq(param(b.value[0], "nc", v, sizeof(v)), "00000001");
	ck_assert_str_eq(param(b.value[0], "nonce", v, sizeof(v)), "n2");
	ck_assert_int_eq(feed(a, CH("n3", ", stale=true")), 0);
	build(a, &b);
	ck_assert_int_eq(feed(a, CH("n4", ", stale=true")), -EPROTO);
	sip_auth_new_cycle(a);
	ck_assert_int_eq(feed(a, CH("n4", ", stale=true")), 0);
	sip_auth_destroy(a);
}
END_TEST

START_TEST(test_fresh_nonce_once)
{
	struct sip_auth *a = alice();
	struct built b;

	ck_assert_int_eq(feed(a, CH("n1", "")), 0);
	build(a, &b);
	ck_assert_int_eq(feed(a, CH("n2", "")), 0);
	build(a, &b);
	ck_assert_int_eq(feed(a, CH("n3", "")), -EACCES);
	sip_auth_new_cycle(a);
	ck_assert_int_eq(feed(a, CH("n3", "")), 0);
	sip_auth_destroy(a);
}
END_TEST

START_TEST(test_no_usable)
{
	struct sip_auth *a = alice();

	ck_assert_int_eq(feed(a, ""), -EPROTO);
	ck_assert_int_eq(feed(a, "WWW-Authenticate: Basic realm=\"x\"\r\n"
				 "WWW-Authenticate: Digest realm=\"r\", "
				 "nonce=\"n\", algorithm=SHA-1\r\n"),
			 -EPROTO);
	ck_assert_uint_eq(sip_auth_realm_count(a), 0);
	ck_assert_int_eq(feed(a, CH("n1", "")), 0);
	ck_assert_int_eq(feed(a, "WWW-Authenticate: Digest nonce=\"x\"\r\n"),
			 -EPROTO);
	ck_assert_uint_eq(sip_auth_realm_count(a), 1);
	sip_auth_destroy(a);
}
END_TEST

START_TEST(test_credentials)
{
	struct sip_auth *a = alice();
	struct built b;

	ck_assert_int_eq(feed(a, CH("n1", "")), 0);
	ck_assert_int_eq(sip_auth_set_credentials(a, "bob", "pw\"x"), 0);
	ck_assert_uint_eq(sip_auth_realm_count(a), 0);
	memset(&b, 0, sizeof(b));
	ck_assert_int_eq(sip_auth_build(a, "REGISTER", "sip:x", NULL, 0,
					collect_hdr, &b),
			 0);
	ck_assert_int_eq(b.n, 0);
	ck_assert_int_eq(sip_auth_create(NULL, "a", "b"), -EINVAL);
	ck_assert_int_eq(sip_auth_handle_response(NULL, "", 0), -EINVAL);
	sip_auth_destroy(NULL);
	sip_auth_destroy(a);
}
END_TEST

static Suite *
auth_suite(void)
{
	Suite *s = suite_create("sip_auth");
	TCase *tc;

	tc = tcase_create("build");
	tcase_add_test(tc, test_mediant_example);
	tcase_add_test(tc, test_qop_auth_nc);
	tcase_add_test(tc, test_auth_int_sess);
	tcase_add_test(tc, test_credentials);
	suite_add_tcase(s, tc);
	tc = tcase_create("select");
	tcase_add_test(tc, test_strongest);
	tcase_add_test(tc, test_www_and_proxy);
	tcase_add_test(tc, test_no_usable);
	suite_add_tcase(s, tc);
	tc = tcase_create("retry_rules");
	tcase_add_test(tc, test_same_nonce_rejected);
	tcase_add_test(tc, test_stale);
	tcase_add_test(tc, test_fresh_nonce_once);
	suite_add_tcase(s, tc);
	return s;
}

GWTEST_MAIN(auth_suite)
