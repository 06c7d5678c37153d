/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for sip/digest.c: the digest examples of RFC 2617 §3.5 and
 * RFC 7616 §3.9.1, the Digest Authentication example of the AudioCodes
 * Mediant 2000 User's Manual, Version 6.6, p. 219 ('17. SIP Definitions'),
 * and SIP REGISTER values computed once with OpenSSL (regression only).
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "sip/sip_int.h"
#include "tests/unit/gwtest.h"

struct vector {
	const char *name;
	const char *user, *realm, *password, *method, *uri, *nonce, *cnonce;
	enum sip_digest_alg alg;
	bool sess;
	enum sip_digest_qop qop;
	const char *ha1, *ha2, *response;
};

#define RFC2617                                                          \
	"Mufasa", "testrealm@host.com", "Circle Of Life", "GET",         \
		"/dir/index.html", "dcd98b7102dd2f0e8b11d0f600bfb0c093", \
		"0a4f113b"
#define RFC7616                                                     \
	"Mufasa", "http-auth@example.org", "Circle of Life", "GET", \
		"/dir/index.html",                                  \
		"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",     \
		"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"
#define SIPV                                                             \
	"alice", "example.com", "secret", "REGISTER", "sip:example.com", \
		"4e6f6e63652d31323334", "0a4f113b"

static const struct vector vectors[] = {
	{ "rfc2617", RFC2617, SIP_DIGEST_MD5, false, SIP_QOP_AUTH,
	  "939e7578ed9e3c518a452acee763bce9",
	  "39aff3a2bab6126f332b942af96d3366",
	  "6629fae49393a05397450978507c4ef1" },
	{ "rfc2617 md5-sess", RFC2617, SIP_DIGEST_MD5, true, SIP_QOP_AUTH, NULL,
	  NULL, "8e3825c57e897f5a0dec6c2d4e5059d0" },
	{ "rfc7616 md5", RFC7616, SIP_DIGEST_MD5, false, SIP_QOP_AUTH,
	  "3d78807defe7de2157e2b0b6573a855f",
	  "39aff3a2bab6126f332b942af96d3366",
	  "8ca523f5e9506fed4657c9700eebdbec" },
	{ "rfc7616 sha-256", RFC7616, SIP_DIGEST_SHA256, false, SIP_QOP_AUTH,
	  "7987c64c30e25f1b74be53f966b49b90f2808aa92faf9a00262392d7b4794232",
	  "9a3fdae9a622fe8de177c24fa9c070f2b181ec85e15dcbdc32e10c82ad450b04",
	  "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1" },
	{ "rfc7616 inputs sha-512-256", RFC7616, SIP_DIGEST_SHA512_256, false,
	  SIP_QOP_AUTH,
	  "fb174f5c3c7802721517cae13b98e2b8dae2e0118cb705d94ee29946319204ce",
	  NULL,
	  "430d05014cecc49cab6fbe03176d41a1da86cbfe24a16580e22aaad928d960d0" },
	{ "sip md5 no qop", SIPV, SIP_DIGEST_MD5, false, SIP_QOP_NONE, NULL,
	  NULL, "3bd78198085fa5e60b94ac82c59179eb" },
	{ "sip md5 auth", SIPV, SIP_DIGEST_MD5, false, SIP_QOP_AUTH, NULL, NULL,
	  "af59ebb135f383c183f9123921d81241" },
	{ "sip md5 auth-int", SIPV, SIP_DIGEST_MD5, false, SIP_QOP_AUTH_INT,
	  NULL, NULL, "ea6cf695ac020e05f3f9c38384dd469a" },
	{ "sip md5-sess auth", SIPV, SIP_DIGEST_MD5, true, SIP_QOP_AUTH, NULL,
	  NULL, "cf069c93ceec8f3bf282c589446e4af9" },
	{ "sip sha-256 auth", SIPV, SIP_DIGEST_SHA256, false, SIP_QOP_AUTH,
	  NULL, NULL,
	  "8135fbe3d41ba342f4f662ff0b764d1b972f4e81796ad8d7f687b5280763f8c8" },
	{ "sip sha-512-256 auth", SIPV, SIP_DIGEST_SHA512_256, false,
	  SIP_QOP_AUTH, NULL, NULL,
	  "de89dc166ed43de15a2b5a04defc0e3dd422238adb73304fd74adce0438895d8" },
	{ "mediant 2000 manual", "122", "audiocodes.com", "AudioCodes",
	  "REGISTER", "sip:10.2.2.222", "11432d6bce58ddf02e3b5e1c77c010d2",
	  NULL, SIP_DIGEST_MD5, false, SIP_QOP_NONE,
	  "c2196e6626e438c1e1ccce9d6e59b2e7",
	  "a9a031cfddcb10d91c8e7b4926086f7e",
	  "ced1be6f6bee4719894543e3b714aeee" },
};

#define NVECTORS (sizeof(vectors) / sizeof(vectors[0]))

static void
vector_input(const struct vector *v, struct sip_digest_input *in)
{
	memset(in, 0, sizeof(*in));
	in->alg = v->alg;
	in->sess = v->sess;
	in->qop = v->qop;
	in->username = v->user;
	in->realm = v->realm;
	in->password = v->password;
	in->method = v->method;
	in->uri = v->uri;
	in->nonce = v->nonce;
	in->cnonce = v->cnonce;
	in->nc = 1;
}

START_TEST(test_vector)
{
	const struct vector *v = &vectors[_i];
	struct sip_digest_input in;
	char out[SIP_DIGEST_HEX_MAX];

	vector_input(v, &in);
	if (v->ha1 != NULL) {
		ck_assert_int_eq(sip_digest_ha1(&in, out), 0);
		ck_assert_msg(strcmp(out, v->ha1) == 0, "%s HA1 %s", v->name,
			      out);
	}
	if (v->ha2 != NULL) {
		ck_assert_int_eq(sip_digest_ha2(&in, out), 0);
		ck_assert_msg(strcmp(out, v->ha2) == 0, "%s HA2 %s", v->name,
			      out);
	}
	ck_assert_int_eq(sip_digest_response(&in, out), 0);
	ck_assert_msg(strcmp(out, v->response) == 0, "%s response %s", v->name,
		      out);
}
END_TEST

/*
 * SHA-512-256 is SHA-512/256 of FIPS 180-4 §6.7, with its own initial
 * hash value (FIPS 180-4 §5.3.6), not a truncated SHA-512.
 */
START_TEST(test_sha512_256_not_truncated)
{
	static const char a1[] = "Mufasa:http-auth@example.org:Circle of Life";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen;
	char trunc[9], out[SIP_DIGEST_HEX_MAX];
	struct sip_digest_input in;

	ck_assert_int_eq(
		EVP_Digest(a1, strlen(a1), md, &mdlen, EVP_sha512(), NULL), 1);
	snprintf(trunc, sizeof(trunc), "%02x%02x%02x%02x", md[0], md[1], md[2],
		 md[3]);
	ck_assert_str_eq(trunc, "59c51e64");
	vector_input(&vectors[4], &in);
	ck_assert_int_eq(sip_digest_ha1(&in, out), 0);
	ck_assert_int_ne(strncmp(out, trunc, 8), 0);
	ck_assert_uint_eq(strlen(out), 64);
}
END_TEST

START_TEST(test_nc_is_hex)
{
	struct sip_digest_input in;
	char r10[SIP_DIGEST_HEX_MAX], r16[SIP_DIGEST_HEX_MAX];

	/* nc=10 must hash "0000000a": differs from the decimal "00000010",
	 * which is what nc=16 prints in hex. */
	vector_input(&vectors[6], &in);
	in.nc = 10;
	ck_assert_int_eq(sip_digest_response(&in, r10), 0);
	in.nc = 16;
	ck_assert_int_eq(sip_digest_response(&in, r16), 0);
	ck_assert_str_ne(r10, r16);
}
END_TEST

START_TEST(test_invalid_input)
{
	struct sip_digest_input in;
	char out[SIP_DIGEST_HEX_MAX];

	vector_input(&vectors[6], &in);
	in.cnonce = NULL; /* qop needs a cnonce */
	ck_assert_int_eq(sip_digest_response(&in, out), -EINVAL);
	vector_input(&vectors[6], &in);
	in.alg = SIP_DIGEST_NONE;
	ck_assert_int_eq(sip_digest_response(&in, out), -ENOTSUP);
	ck_assert_int_eq(sip_digest_response(NULL, out), -EINVAL);
}
END_TEST

START_TEST(test_alg_parse)
{
	enum sip_digest_alg alg;
	bool sess;

	ck_assert_int_eq(sip_digest_alg_parse("md5", 3, &alg, &sess), 0);
	ck_assert(alg == SIP_DIGEST_MD5 && !sess);
	ck_assert_int_eq(sip_digest_alg_parse("SHA-256-sess", 12, &alg, &sess),
			 0);
	ck_assert(alg == SIP_DIGEST_SHA256 && sess);
	ck_assert_int_eq(sip_digest_alg_parse("SHA-512-256", 11, &alg, &sess),
			 0);
	ck_assert(alg == SIP_DIGEST_SHA512_256 && !sess);
	ck_assert_int_eq(sip_digest_alg_parse("SHA-512", 7, &alg, &sess),
			 -ENOTSUP);
	ck_assert_int_eq(sip_digest_alg_parse("-sess", 5, &alg, &sess),
			 -ENOTSUP);
	ck_assert_int_eq(sip_digest_alg_parse("", 0, &alg, &sess), -ENOTSUP);
	ck_assert_str_eq(sip_digest_alg_name(SIP_DIGEST_SHA512_256, true),
			 "SHA-512-256-sess");
	ck_assert_int_gt(sip_digest_alg_strength(SIP_DIGEST_SHA512_256),
			 sip_digest_alg_strength(SIP_DIGEST_SHA256));
	ck_assert_int_gt(sip_digest_alg_strength(SIP_DIGEST_SHA256),
			 sip_digest_alg_strength(SIP_DIGEST_MD5));
	ck_assert(sip_digest_alg_available(SIP_DIGEST_SHA512_256));
}
END_TEST

START_TEST(test_cnonce)
{
	char a[33], b[33];
	size_t i;

	ck_assert_int_eq(sip_digest_cnonce(a, 16), 0);
	ck_assert_int_eq(sip_digest_cnonce(b, 16), 0);
	ck_assert_uint_eq(strlen(a), 32);
	ck_assert_str_ne(a, b);
	for (i = 0; i < 32; i++)
		ck_assert(strchr("0123456789abcdef", a[i]) != NULL);
	ck_assert_int_eq(sip_digest_cnonce(a, 0), -EINVAL);
}
END_TEST

START_TEST(test_quote)
{
	char buf[16];
	size_t pos = 0;

	ck_assert_int_eq(sip_digest_quote(buf, sizeof(buf), &pos, "a\"b\\c"),
			 0);
	ck_assert_str_eq(buf, "\"a\\\"b\\\\c\"");
	ck_assert_uint_eq(pos, strlen(buf));
	pos = 0;
	ck_assert_int_eq(sip_digest_quote(buf, 4, &pos, "abcdef"), -ENOSPC);
}
END_TEST

static Suite *
digest_suite(void)
{
	Suite *s = suite_create("sip_digest");
	TCase *tc;

	tc = tcase_create("vectors");
	tcase_add_loop_test(tc, test_vector, 0, NVECTORS);
	tcase_add_test(tc, test_sha512_256_not_truncated);
	tcase_add_test(tc, test_nc_is_hex);
	tcase_add_test(tc, test_invalid_input);
	suite_add_tcase(s, tc);
	tc = tcase_create("algorithms");
	tcase_add_test(tc, test_alg_parse);
	suite_add_tcase(s, tc);
	tc = tcase_create("helpers");
	tcase_add_test(tc, test_cnonce);
	tcase_add_test(tc, test_quote);
	suite_add_tcase(s, tc);
	return s;
}

GWTEST_MAIN(digest_suite)
