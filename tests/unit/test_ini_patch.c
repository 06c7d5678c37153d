/* SPDX-License-Identifier: ISC */
/*
 * ini/patch.c: the document-preserving writer.  Hand-written cases check
 * the exact output of each rule; a sweep over the device-style corpus
 * (tests/data/ini/devices/) edits every scalar, every cell, creates and
 * destroys rows, and checks after each edit that the result reads back
 * to the edited configuration and that only the expected lines differ.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ini/ini.h"
#include "ini/ini_int.h"
#include "tests/unit/gwtest.h"

/* ---- helpers ------------------------------------------------------ */

static struct ini_doc *
doc_of(const char *buf, size_t len)
{
	struct ini_doc *doc = NULL;

	ck_assert_int_eq(ini_doc_parse(buf, len, "t.ini", &doc, NULL), 0);
	return doc;
}

static struct ini_conf *
conf_of_doc(const struct ini_doc *doc)
{
	struct ini_conf *c = NULL;

	ck_assert_int_eq(
		ini_conf_apply(NULL, doc, INI_APPLY_FULL, &c, NULL, NULL), 0);
	return c;
}

/* The configuration a text applies to (the "from" of a patch). */
static struct ini_conf *
conf_of(const char *s)
{
	struct ini_doc *doc = doc_of(s, strlen(s));
	struct ini_conf *c = conf_of_doc(doc);

	ini_doc_destroy(doc);
	return c;
}

static void
free_secret(char *s, size_t n)
{
	if (s != NULL)
		memset(s, 0, n);
	free(s);
}

/* Patch buf to "to"; the result must read back equal to "to". */
static char *
patch_buf(const char *buf, size_t len, const struct ini_conf *to,
	  size_t *outlen, struct ini_patch_stats *st)
{
	struct ini_doc *doc = doc_of(buf, len), *again;
	struct ini_conf *back;
	char *out = NULL;
	size_t n = 0;

	ck_assert_int_eq(ini_doc_patch(doc, to, &out, &n, st), 0);
	ck_assert_ptr_nonnull(out);
	ck_assert_uint_eq(strlen(out), n);
	again = doc_of(out, n);
	back = NULL;
	ck_assert_msg(ini_conf_apply(NULL, again, INI_APPLY_FULL, &back, NULL,
				     NULL) == 0,
		      "patched document does not apply:\n%s", out);
	ck_assert_msg(ini_conf_equal(back, to),
		      "patched document reads back different:\n%s", out);
	ini_conf_destroy(back);
	ini_doc_destroy(again);
	ini_doc_destroy(doc);
	*outlen = n;
	return out;
}

static void
expect(const char *in, const struct ini_conf *to, const char *want,
       size_t rewritten, size_t added, size_t removed)
{
	struct ini_patch_stats st = { 99, 99, 99 };
	size_t n;
	char *out = patch_buf(in, strlen(in), to, &n, &st);

	ck_assert_msg(strcmp(out, want) == 0, "got:\n%s\nwanted:\n%s", out,
		      want);
	ck_assert_uint_eq(st.rewritten, rewritten);
	ck_assert_uint_eq(st.added, added);
	ck_assert_uint_eq(st.removed, removed);
	free_secret(out, n);
}

/* ---- arguments ---------------------------------------------------- */

START_TEST(test_bad_arguments)
{
	const char *ok = "IsProxyUsed = 1\n";
	const char *bad = "IsProxyUsed = 7\n";
	struct ini_doc *doc = doc_of(ok, strlen(ok));
	struct ini_doc *bdoc = doc_of(bad, strlen(bad));
	struct ini_conf *to = conf_of(ok);
	char *out = (char *)"untouched";
	size_t len = 5;

	ck_assert_int_eq(ini_doc_patch(NULL, to, &out, &len, NULL), -EINVAL);
	ck_assert_int_eq(ini_doc_patch(doc, NULL, &out, &len, NULL), -EINVAL);
	ck_assert_int_eq(ini_doc_patch(doc, to, NULL, &len, NULL), -EINVAL);
	ck_assert_int_eq(ini_doc_patch(bdoc, to, &out, &len, NULL), -EINVAL);
	ck_assert_str_eq(out, "untouched");
	ck_assert_uint_eq(len, 5);
	ck_assert_int_eq(ini_doc_patch(doc, to, &out, NULL, NULL), 0);
	ck_assert_str_eq(out, ok);
	free(out);
	ini_conf_destroy(to);
	ini_doc_destroy(bdoc);
	ini_doc_destroy(doc);
}
END_TEST

START_TEST(test_noop_identical)
{
	static const char *const docs[] = {
		"",
		"\xef\xbb\xbf",
		"; only a comment, no end of line",
		"[SIP Params]\r\nIsProxyUsed = 0\r\n\r\n[ Foo ]\r\n"
		"FORMAT Foo_Index = Foo_A;\r\nFoo 1 = x;\r\n[ \\Foo ]",
		"\xef\xbb\xbf; mixed\r\nProxyName='p'\n\rRegistrationTime=60\r",
		"IsProxyUsed = 0\nIsProxyUsed = 1\nisproxyused = 0\n",
	};
	size_t i;

	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		struct ini_conf *to = conf_of(docs[i]);

		expect(docs[i], to, docs[i], 0, 0, 0);
		ini_conf_destroy(to);
	}
}
END_TEST

/* ---- scalars ------------------------------------------------------ */

START_TEST(test_scalar_in_place)
{
	const char *in = "; head\n[SIP Params]\n   isproxyused=1  \n"
			 "ProxyName  =   'a'\nRegistrationTime = 60\n";
	struct ini_conf *to = conf_of(in);

	ck_assert_int_eq(ini_conf_set_int(to, INI_P_IS_PROXY_USED, 0), 0);
	ck_assert_int_eq(ini_conf_set_str(to, INI_P_PROXY_NAME, "b.example"),
			 0);
	expect(in, to,
	       "; head\n[SIP Params]\n   isproxyused=0  \n"
	       "ProxyName  =   'b.example'\nRegistrationTime = 60\n",
	       2, 0, 0);
	ini_conf_destroy(to);
}
END_TEST

START_TEST(test_scalar_quoting)
{
	/* host and user names (gwagent.ini(5)) never need quotes; the digest
	 * user and Cnonce are free text */
	const char *in = "GWRegistrationName = 'a'\nUserName = \"u\"\n"
			 "Cnonce = gw\nRegistrarName = x\n"
			 "RegistrationTime = '60'\nSIPGatewayName =\n";
	struct ini_conf *to = conf_of(in);

	ck_assert_int_eq(
		ini_conf_set_str(to, INI_P_GW_REGISTRATION_NAME, "it's"), 0);
	ck_assert_int_eq(ini_conf_set_str(to, INI_P_USER_NAME, "say \"hi\""),
			 0);
	ck_assert_int_eq(ini_conf_set_str(to, INI_P_CNONCE, " gw2"), 0);
	ck_assert_int_eq(
		ini_conf_set_str(to, INI_P_REGISTRAR_NAME, "b.example"), 0);
	ck_assert_int_eq(ini_conf_set_int(to, INI_P_REGISTRATION_TIME, 90), 0);
	ck_assert_int_eq(
		ini_conf_set_str(to, INI_P_SIP_GATEWAY_NAME, "g.example"), 0);
	expect(in, to,
	       "GWRegistrationName = \"it's\"\nUserName = 'say \"hi\"'\n"
	       "Cnonce = ' gw2'\nRegistrarName = b.example\n"
	       "RegistrationTime = 90\nSIPGatewayName = g.example\n",
	       6, 0, 0);
	ini_conf_destroy(to);
}
END_TEST

START_TEST(test_scalar_duplicate_last_wins)
{
	const char *in = "[SIP Params]\r\nRegistrationTime = 60\r\n"
			 "; again\r\nREGISTRATIONTIME=120\r\n";
	struct ini_conf *to = conf_of(in);

	ck_assert_int_eq(ini_conf_set_int(to, INI_P_REGISTRATION_TIME, 300), 0);
	expect(in, to,
	       "[SIP Params]\r\nRegistrationTime = 60\r\n"
	       "; again\r\nREGISTRATIONTIME=300\r\n",
	       1, 0, 0);
	ini_conf_destroy(to);
}
END_TEST

START_TEST(test_scalar_back_to_default)
{
	const char *in = "[SIP Params]\nRegistrationTime = 60\n"
			 "IsProxyUsed = 0\n";
	struct ini_conf *to = conf_of(in);

	/* back to the default: rewritten, not removed; a value equal to
	 * its default that does not change is never touched */
	ck_assert_int_eq(ini_conf_reset(to, INI_P_REGISTRATION_TIME, 0), 0);
	expect(in, to,
	       "[SIP Params]\nRegistrationTime = 180\nIsProxyUsed = 0\n", 1, 0,
	       0);
	ini_conf_destroy(to);
}
END_TEST

START_TEST(test_scalar_added_after_catalog)
{
	const char *in = "[System]\nFoo = 1\nIsProxyUsed = 0\n\n"
			 "[SIP Params]\nRegistrationTime = 60\n"
			 "ProxyName = 'p'\nENABLEHOLD = 1\n\n[Other]\nBar=2\n";
	struct ini_conf *to = conf_of(in);

	/* IsRegisterNeeded=1 needs a registrar: RegistrarIP */
	ck_assert_int_eq(ini_conf_set_int(to, INI_P_IS_REGISTER_NEEDED, 1), 0);
	ck_assert_int_eq(ini_conf_set_str(to, INI_P_REGISTRAR_IP, "r"), 0);
	ck_assert_int_eq(ini_conf_set_str(to, INI_P_USER_NAME, "u"), 0);
	expect(in, to,
	       "[System]\nFoo = 1\nIsProxyUsed = 0\n\n"
	       "[SIP Params]\nRegistrationTime = 60\nProxyName = 'p'\n"
	       "IsRegisterNeeded = 1\nRegistrarIP = 'r'\nUserName = 'u'\n"
	       "ENABLEHOLD = 1\n\n[Other]\nBar=2\n",
	       0, 3, 0);
	ini_conf_destroy(to);
}
END_TEST

START_TEST(test_scalar_added_first_section)
{
	const char *in = "; dump\r\n[System]\r\nFoo = 1\r\n\r\n"
			 "[Voice]\r\nBar = 2\r\n";
	struct ini_conf *to = conf_of(in);

	ck_assert_int_eq(ini_conf_set_int(to, INI_P_LOCAL_SIP_PORT, 5070), 0);
	expect(in, to,
	       "; dump\r\n[System]\r\nFoo = 1\r\nLocalSIPPort = 5070\r\n"
	       "\r\n[Voice]\r\nBar = 2\r\n",
	       0, 1, 0);
	ini_conf_destroy(to);
}
END_TEST

START_TEST(test_scalar_added_new_section)
{
	struct ini_conf *to = conf_of("");

	ck_assert_int_eq(ini_conf_set_int(to, INI_P_LOCAL_SIP_PORT, 5070), 0);
	ck_assert_int_eq(ini_conf_set_str(to, INI_P_PROXY_NAME, "p"), 0);
	/* empty file: CRLF, like the device */
	expect("", to,
	       "[SIP Params]\r\nProxyName = 'p'\r\nLocalSIPPort = 5070\r\n", 0,
	       3, 0);
	/* LF file without final newline, nothing but comments */
	expect("; a\n; b", to,
	       "; a\n; b\n\n[SIP Params]\nProxyName = 'p'\n"
	       "LocalSIPPort = 5070\n",
	       0, 4, 0);
	/* BOM kept */
	expect("\xef\xbb\xbf", to,
	       "\xef\xbb\xbf[SIP Params]\r\nProxyName = 'p'\r\n"
	       "LocalSIPPort = 5070\r\n",
	       0, 3, 0);
	ini_conf_destroy(to);
}
END_TEST

START_TEST(test_line_ends_kept)
{
	const char *in = "\xef\xbb\xbf; x\r\nRegistrationTime = 60\n"
			 "ProxyName = 'a'\r\n; y\rIsProxyUsed = 1";
	struct ini_conf *to = conf_of(in);

	ck_assert_int_eq(ini_conf_set_int(to, INI_P_REGISTRATION_TIME, 61), 0);
	ck_assert_int_eq(ini_conf_set_int(to, INI_P_IS_PROXY_USED, 0), 0);
	ck_assert_int_eq(ini_conf_set_int(to, INI_P_HOT_SWAP_RTX, 4), 0);
	/* two CRLF, one LF, one CR: new lines get CRLF, and the last line
	 * gains one before them */
	expect(in, to,
	       "\xef\xbb\xbf; x\r\nRegistrationTime = 61\n"
	       "ProxyName = 'a'\r\n; y\rIsProxyUsed = 0\r\n"
	       "HotSwapRtx = 4\r\n",
	       2, 1, 0);
	ini_conf_destroy(to);
}
END_TEST

/* ---- tables ------------------------------------------------------- */

static const char tab_doc[] =
	"[SIP Params]\n"
	"IsProxyUsed = 1\n"
	"\n"
	"[ Codecs ]\n"
	"FORMAT Codecs_Index = Codecs_Name;\n"
	"Codecs 0 = g711;\n"
	"[ \\Codecs ]\n"
	"\n"
	"[ ProxyIp ]\n"
	"FORMAT ProxyIp_Index = ProxyIp_IpAddress,  ProxyIp_TransportType;\n"
	"ProxyIp  0 = \"127.0.0.1\",  0;\n"
	"ProxyIp  1 = 'localhost',  -1;\n"
	"; keep me\n"
	"[ \\ProxyIp ]\n";

START_TEST(test_row_cell_in_place)
{
	struct ini_conf *to = conf_of(tab_doc);

	ck_assert_int_eq(ini_conf_row_set_str(to, INI_P_PROXYIP_IP_ADDRESS, 1,
					      "host.example"),
			 0);
	ck_assert_int_eq(
		ini_conf_row_set_int(to, INI_P_PROXYIP_TRANSPORT_TYPE, 0, 2),
		0);
	expect(tab_doc, to,
	       "[SIP Params]\nIsProxyUsed = 1\n\n[ Codecs ]\n"
	       "FORMAT Codecs_Index = Codecs_Name;\nCodecs 0 = g711;\n"
	       "[ \\Codecs ]\n\n[ ProxyIp ]\n"
	       "FORMAT ProxyIp_Index = ProxyIp_IpAddress,  "
	       "ProxyIp_TransportType;\n"
	       "ProxyIp  0 = \"127.0.0.1\",  2;\n"
	       "ProxyIp  1 = 'host.example',  -1;\n"
	       "; keep me\n[ \\ProxyIp ]\n",
	       2, 0, 0);
	ini_conf_destroy(to);
}
END_TEST

START_TEST(test_format_extended)
{
	struct ini_conf *to = conf_of(tab_doc);

	ck_assert_int_eq(
		ini_conf_row_set_int(to, INI_P_PROXYIP_PROXY_SET_ID, 1, 0), 0);
	ck_assert_int_eq(ini_conf_row_create(to, INI_TABLE_PROXYSET, 2), 0);
	ck_assert_int_eq(
		ini_conf_row_set_int(to, INI_P_PROXYIP_PROXY_SET_ID, 1, 2), 0);
	expect(tab_doc, to,
	       "[SIP Params]\nIsProxyUsed = 1\n\n[ Codecs ]\n"
	       "FORMAT Codecs_Index = Codecs_Name;\nCodecs 0 = g711;\n"
	       "[ \\Codecs ]\n\n[ ProxyIp ]\n"
	       "FORMAT ProxyIp_Index = ProxyIp_IpAddress,  "
	       "ProxyIp_TransportType,  ProxyIp_ProxySetId;\n"
	       "ProxyIp  0 = \"127.0.0.1\",  0,  $$;\n"
	       "ProxyIp  1 = 'localhost',  -1,  2;\n"
	       "; keep me\n[ \\ProxyIp ]\n"
	       "\n[ ProxySet ]\n"
	       "FORMAT ProxySet_Index = ProxySet_EnableProxyKeepAlive, "
	       "ProxySet_ProxyKeepAliveTime, "
	       "ProxySet_ProxyLoadBalancingMethod, ProxySet_IsProxyHotSwap, "
	       "ProxySet_SRD, ProxySet_ClassificationInput, "
	       "ProxySet_ProxyRedundancyMode;\n"
	       "ProxySet 2 = 0, 60, 0, 0, 0, 0, -1;\n"
	       "[ \\ProxySet ]\n",
	       3, 5, 0);
	ini_conf_destroy(to);
}
END_TEST

/* A 7.2+ block without prefixes keeps its spelling: a changed cell in
 * place, a new column appended without prefix, the ProfileName text. */
START_TEST(test_trunkgroup_noprefix)
{
	static const char in[] =
		"[ TrunkGroup ]\r\n"
		"FORMAT Index = TrunkGroupNum, FirstTrunkId, FirstBChannel, "
		"LastBChannel, FirstPhoneNumber, ProfileName, LastTrunkId, "
		"Module;\r\n"
		"TrunkGroup 0 = 1, 0, 1, 31, \"0400\", \"TelProfile_1\", 0, "
		"2;\r\n"
		"[ \\TrunkGroup ]\r\n";
	struct ini_conf *to = conf_of(in);

	ck_assert_int_eq(
		ini_conf_row_set_int(to, INI_P_TRUNKGROUP_LAST_TRUNK_ID, 0, 3),
		0);
	ck_assert_int_eq(
		ini_conf_row_set_int(to, INI_P_TRUNKGROUP_PROFILE_ID, 0, 2), 0);
	expect(in, to,
	       "[ TrunkGroup ]\r\n"
	       "FORMAT Index = TrunkGroupNum, FirstTrunkId, FirstBChannel, "
	       "LastBChannel, FirstPhoneNumber, ProfileName, LastTrunkId, "
	       "Module, ProfileId;\r\n"
	       "TrunkGroup 0 = 1, 0, 1, 31, \"0400\", \"TelProfile_1\", 3, "
	       "2, 2;\r\n"
	       "[ \\TrunkGroup ]\r\n",
	       2, 0, 0);
	ini_conf_destroy(to);
}
END_TEST

START_TEST(test_row_create_destroy)
{
	struct ini_conf *to = conf_of(tab_doc);

	ck_assert_int_eq(ini_conf_row_delete(to, INI_TABLE_PROXYIP, 0), 0);
	ck_assert_int_eq(ini_conf_row_create(to, INI_TABLE_PROXYIP, 7), 0);
	ck_assert_int_eq(ini_conf_row_set_str(to, INI_P_PROXYIP_IP_ADDRESS, 7,
					      "127.0.0.7"),
			 0);
	ck_assert_int_eq(ini_conf_row_create(to, INI_TABLE_PROXYIP, 5), 0);
	/* a ProxyIp row needs its address (ini_conf_check) */
	ck_assert_int_eq(ini_conf_row_set_str(to, INI_P_PROXYIP_IP_ADDRESS, 5,
					      "127.0.0.5"),
			 0);
	/* new rows follow the spacing of the block's last row, before the
	 * closing line */
	expect(tab_doc, to,
	       "[SIP Params]\nIsProxyUsed = 1\n\n[ Codecs ]\n"
	       "FORMAT Codecs_Index = Codecs_Name;\nCodecs 0 = g711;\n"
	       "[ \\Codecs ]\n\n[ ProxyIp ]\n"
	       "FORMAT ProxyIp_Index = ProxyIp_IpAddress,  "
	       "ProxyIp_TransportType;\n"
	       "ProxyIp  1 = 'localhost',  -1;\n"
	       "; keep me\n"
	       "ProxyIp  5 = \"127.0.0.5\",  -1;\n"
	       "ProxyIp  7 = \"127.0.0.7\",  -1;\n"
	       "[ \\ProxyIp ]\n",
	       0, 2, 1);
	ini_conf_destroy(to);
}
END_TEST

START_TEST(test_row_unquoted_block)
{
	const char *in =
		"[ IPGroup ]\r\n"
		"FORMAT IPGroup_Index = IPGroup_Type,IPGroup_Description;"
		"\r\nIPGroup 1 = 0,branch;\r\n[ \\IPGroup ]\r\n";
	struct ini_conf *to = conf_of(in);

	ck_assert_int_eq(ini_conf_row_create(to, INI_TABLE_IPGROUP, 2), 0);
	ck_assert_int_eq(
		ini_conf_row_set_str(to, INI_P_IPGROUP_DESCRIPTION, 2, "hq"),
		0);
	ck_assert_int_eq(
		ini_conf_row_set_str(to, INI_P_IPGROUP_DESCRIPTION, 1, "a,b"),
		0);
	ck_assert_int_eq(
		ini_conf_row_set_str(to, INI_P_IPGROUP_MEDIA_REALM, 2, "$$"),
		0);
	expect(in, to,
	       "[ IPGroup ]\r\n"
	       "FORMAT IPGroup_Index = IPGroup_Type,IPGroup_Description,"
	       "IPGroup_MediaRealm;\r\n"
	       "IPGroup 1 = 0,\"a,b\",$$;\r\n"
	       "IPGroup 2 = 0,hq,\"$$\";\r\n[ \\IPGroup ]\r\n",
	       2, 1, 0);
	ini_conf_destroy(to);
}
END_TEST

START_TEST(test_table_split_blocks)
{
	const char *in =
		"[ Account ]\n"
		"FORMAT Account_Index = Account_Username;\n"
		"Account 1 = \"a\";\n"
		"[ \\Account ]\n"
		"[ Foo ]\n[ \\Foo ]\n"
		"[ Account ]\n"
		"FORMAT Account_Index = Account_Username, Account_Register;\n"
		"Account 2 = \"b\", 1;\n"
		"[ \\Account ]\n";
	struct ini_conf *to = conf_of(in);

	ck_assert_int_eq(
		ini_conf_row_set_str(to, INI_P_ACCOUNT_USERNAME, 1, "a2"), 0);
	ck_assert_int_eq(ini_conf_row_create(to, INI_TABLE_ACCOUNT, 0), 0);
	expect(in, to,
	       "[ Account ]\n"
	       "FORMAT Account_Index = Account_Username;\n"
	       "Account 1 = \"a2\";\n"
	       "[ \\Account ]\n"
	       "[ Foo ]\n[ \\Foo ]\n"
	       "[ Account ]\n"
	       "FORMAT Account_Index = Account_Username, Account_Register;\n"
	       "Account 2 = \"b\", 1;\n"
	       "Account 0 = \"\", 0;\n"
	       "[ \\Account ]\n",
	       1, 1, 0);
	ini_conf_destroy(to);
}
END_TEST

START_TEST(test_table_bare_block)
{
	const char *in = "[ ProxySet ]\n; nothing yet\n[ \\ProxySet ]\n";
	struct ini_conf *to = conf_of(in);

	ck_assert_int_eq(ini_conf_row_create(to, INI_TABLE_PROXYSET, 3), 0);
	expect(in, to,
	       "[ ProxySet ]\n; nothing yet\n"
	       "FORMAT ProxySet_Index = ProxySet_EnableProxyKeepAlive, "
	       "ProxySet_ProxyKeepAliveTime, "
	       "ProxySet_ProxyLoadBalancingMethod, ProxySet_IsProxyHotSwap, "
	       "ProxySet_SRD, ProxySet_ClassificationInput, "
	       "ProxySet_ProxyRedundancyMode;\n"
	       "ProxySet 3 = 0, 60, 0, 0, 0, 0, -1;\n"
	       "[ \\ProxySet ]\n",
	       0, 2, 0);
	ini_conf_destroy(to);
}
END_TEST

START_TEST(test_lone_cr_no_merge)
{
	const char *in = "[ ProxySet ]\nFORMAT ProxySet_Index = ProxySet_SRD;\r"
			 "ProxySet 1 = 0;\n\n[ \\ProxySet ]\n";
	struct ini_conf *to = conf_of(in);

	ck_assert_int_eq(ini_conf_row_delete(to, INI_TABLE_PROXYSET, 1), 0);
	ck_assert_int_eq(ini_conf_set_int(to, INI_P_HOT_SWAP_RTX, 4), 0);
	/* the blank line stays a line of its own */
	expect(in, to,
	       "[ ProxySet ]\nFORMAT ProxySet_Index = ProxySet_SRD;\r"
	       "\r\n[ \\ProxySet ]\n\n[SIP Params]\nHotSwapRtx = 4\n",
	       0, 3, 1);
	ini_conf_destroy(to);
}
END_TEST

/* ---- passwords ---------------------------------------------------- */

static char *
obf(const char *clear)
{
	char *s = ini_obfuscate(clear);

	ck_assert_ptr_nonnull(s);
	return s;
}

START_TEST(test_password_clear_kept_clear)
{
	const char *in =
		"Password = 'old'\n"
		"[ Account ]\nFORMAT Account_Index = Account_Password;\n"
		"Account 1 = \"p1\";\n[ \\Account ]\n";
	struct ini_conf *to = conf_of(in);
	char want[512], *o1 = obf("$1$x"), *o2 = obf("b'o\"th");

	ck_assert_int_eq(ini_conf_set_str(to, INI_P_PASSWORD, "new'pw"), 0);
	ck_assert_int_eq(ini_conf_row_create(to, INI_TABLE_ACCOUNT, 2), 0);
	ck_assert_int_eq(
		ini_conf_row_set_str(to, INI_P_ACCOUNT_PASSWORD, 2, "n2"), 0);
	expect(in, to,
	       "Password = \"new'pw\"\n"
	       "[ Account ]\nFORMAT Account_Index = Account_Password;\n"
	       "Account 1 = \"p1\";\nAccount 2 = \"n2\";\n[ \\Account ]\n",
	       1, 1, 0);
	/* must be obfuscated to read back identical */
	ck_assert_int_eq(ini_conf_set_str(to, INI_P_PASSWORD, o1), 0);
	ck_assert_int_eq(
		ini_conf_row_set_str(to, INI_P_ACCOUNT_PASSWORD, 1, "b'o\"th"),
		0);
	snprintf(want, sizeof(want),
		 "Password = '%s'\n"
		 "[ Account ]\nFORMAT Account_Index = Account_Password;\n"
		 "Account 1 = \"%s\";\nAccount 2 = \"n2\";\n[ \\Account ]\n",
		 o1, o2);
	expect(in, to, want, 2, 1, 0);
	free(o1);
	free(o2);
	ini_conf_destroy(to);
}
END_TEST

START_TEST(test_password_obfuscated_kept)
{
	char in[512], want[512];
	char *old = obf("old"), *p1 = obf("p1"), *nw = obf("new'pw");
	char *n2 = obf("n2"), *up = obf("u-pw");
	struct ini_conf *to;

	snprintf(in, sizeof(in),
		 "Password = '%s'\n"
		 "[ Account ]\nFORMAT Account_Index = Account_Username,"
		 " Account_Password;\n"
		 "Account 1 = \"u\", \"%s\";\nAccount 3 = \"v\", $$;\n"
		 "[ \\Account ]\n",
		 old, p1);
	to = conf_of(in);
	ck_assert_int_eq(ini_conf_set_str(to, INI_P_PASSWORD, "new'pw"), 0);
	ck_assert_int_eq(ini_conf_row_create(to, INI_TABLE_ACCOUNT, 2), 0);
	ck_assert_int_eq(
		ini_conf_row_set_str(to, INI_P_ACCOUNT_PASSWORD, 2, "n2"), 0);
	ck_assert_int_eq(
		ini_conf_row_set_str(to, INI_P_ACCOUNT_PASSWORD, 3, "u-pw"), 0);
	/* a default field being replaced follows the document */
	snprintf(want, sizeof(want),
		 "Password = '%s'\n"
		 "[ Account ]\nFORMAT Account_Index = Account_Username,"
		 " Account_Password;\n"
		 "Account 1 = \"u\", \"%s\";\nAccount 3 = \"v\", \"%s\";\n"
		 "Account 2 = \"\", \"%s\";\n[ \\Account ]\n",
		 nw, p1, up, n2);
	expect(in, to, want, 2, 1, 0);
	free(old);
	free(p1);
	free(nw);
	free(n2);
	free(up);
	ini_conf_destroy(to);
}
END_TEST

START_TEST(test_password_new_follows_document)
{
	char in[256], want[512];
	char *p1 = obf("p1"), *np = obf("top");
	struct ini_conf *to;

	snprintf(in, sizeof(in),
		 "[SIP Params]\nUserName = 'u'\n"
		 "[ Account ]\nFORMAT Account_Index = Account_Password;\n"
		 "Account 1 = '%s';\n[ \\Account ]\n",
		 p1);
	to = conf_of(in);
	ck_assert_int_eq(ini_conf_set_str(to, INI_P_PASSWORD, "top"), 0);
	snprintf(want, sizeof(want),
		 "[SIP Params]\nUserName = 'u'\nPassword = '%s'\n"
		 "[ Account ]\nFORMAT Account_Index = Account_Password;\n"
		 "Account 1 = '%s';\n[ \\Account ]\n",
		 np, p1);
	expect(in, to, want, 0, 1, 0);
	free(p1);
	free(np);
	ini_conf_destroy(to);
}
END_TEST

/* ---- line-by-line diff over the device corpus --------------------- */

struct lines {
	char **l; /* each with its end of line */
	size_t n;
};

static void
split_lines(const char *buf, size_t len, struct lines *out)
{
	size_t off = 0, end, cap = 16;

	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		off = 3;
	out->n = 0;
	out->l = malloc(cap * sizeof(*out->l));
	while (off < len) {
		for (end = off;
		     end < len && buf[end] != '\n' && buf[end] != '\r'; end++)
			;
		if (end < len && buf[end] == '\r' && end + 1 < len &&
		    buf[end + 1] == '\n')
			end++;
		if (end < len)
			end++;
		if (out->n == cap)
			out->l = realloc(out->l, (cap *= 2) * sizeof(*out->l));
		out->l[out->n++] = strndup(buf + off, end - off);
		off = end;
	}
}

static void
free_lines(struct lines *ls)
{
	size_t i;

	for (i = 0; i < ls->n; i++)
		free(ls->l[i]);
	free(ls->l);
}

/*
 * Every line of orig except those flagged in edited must appear
 * unchanged and in order in out; out has exactly changed more lines.
 */
static void
check_diff(const char *orig, size_t olen, const char *out, size_t outlen,
	   const bool *edited, size_t changed, const char *what)
{
	struct lines a, b;
	size_t i, j = 0, kept = 0;

	split_lines(orig, olen, &a);
	split_lines(out, outlen, &b);
	for (i = 0; i < a.n; i++) {
		if (edited[i])
			continue;
		while (j < b.n && strcmp(a.l[i], b.l[j]) != 0)
			j++;
		ck_assert_msg(j < b.n, "%s: line %zu '%s' lost", what, i + 1,
			      a.l[i]);
		j++;
		kept++;
	}
	ck_assert_msg(b.n - kept == changed,
		      "%s: %zu lines differ, expected %zu", what, b.n - kept,
		      changed);
	free_lines(&a);
	free_lines(&b);
}

struct sweep {
	const char *name;
	const char *buf;
	size_t len;
	struct ini_doc *doc;
	struct ini_conf *from;
	bool *edited;
	unsigned runs, skipped;
};

/* Patch to "to" and check the diff: edited lines may change, plus
 * added lines; stats must say the same. */
static void
sweep_check(struct sweep *sw, const struct ini_conf *to, size_t rewritten,
	    size_t added, size_t removed, const char *what)
{
	struct ini_patch_stats st;
	size_t n;
	char *out;

	if (ini_conf_check(to, NULL, NULL) != 0) {
		sw->skipped++;
		return;
	}
	out = patch_buf(sw->buf, sw->len, to, &n, &st);
	ck_assert_msg(st.rewritten == rewritten && st.added == added &&
			      st.removed == removed,
		      "%s %s: stats %zu/%zu/%zu, expected %zu/%zu/%zu",
		      sw->name, what, st.rewritten, st.added, st.removed,
		      rewritten, added, removed);
	check_diff(sw->buf, sw->len, out, n, sw->edited, rewritten + added,
		   what);
	free_secret(out, n);
	sw->runs++;
}

/* A valid value other than the current one, as text. */
static void
other_value(const struct ini_param *p, const char *cur_s, long cur_i, char *buf,
	    size_t len, unsigned variant)
{
	static const char *const str[] = { "e d,i;t", "x'y", "$$", "plain" };
	static const char *const addr[] = { "127.0.0.2", "[::1]:5062",
					    "host.example.org" };
	static const char *const pwd[] = { "n'ew", "b'o\"th", "$1$lit",
					   "clear" };
	static const char *const host[] = { "host.example.org", "10.0.0.2",
					    "[::1]" };
	static const char *const user[] = { "u;x=1", "it's", "a%20b" };
	char *enc;
	long lo, hi;
	size_t i;

	if (ini_param_range(p, &lo, &hi) == 0) {
		if (ini_param_type(p) == INI_TYPE_ENUM) {
			for (i = 0; i < ini_param_enum_count(p); i++)
				if (ini_param_enum_value(p, i) == cur_i)
					break;
			i = (i + 1) % ini_param_enum_count(p);
			snprintf(buf, len, "%ld", ini_param_enum_value(p, i));
		} else
			snprintf(buf, len, "%ld", cur_i == lo ? lo + 1 : lo);
		return;
	}
	switch (ini_param_type(p)) {
	case INI_TYPE_ADDR:
		snprintf(buf, len, "%s", addr[variant % 3]);
		if (strcmp(buf, cur_s) == 0)
			snprintf(buf, len, "%s", addr[(variant + 1) % 3]);
		break;
	case INI_TYPE_HOST:
		snprintf(buf, len, "%s", host[variant % 3]);
		if (strcmp(buf, cur_s) == 0)
			snprintf(buf, len, "%s", host[(variant + 1) % 3]);
		break;
	case INI_TYPE_USER:
		snprintf(buf, len, "%s", user[variant % 3]);
		if (strcmp(buf, cur_s) == 0)
			snprintf(buf, len, "%s", user[(variant + 1) % 3]);
		break;
	case INI_TYPE_PASSWORD:
		if (strcmp(pwd[variant % 4], cur_s) == 0)
			variant++;
		/* setters read "$1$..." as obfuscated: give it so */
		enc = ini_obfuscate(pwd[variant % 4]);
		snprintf(buf, len, "%s", enc);
		free(enc);
		break;
	default:
		snprintf(buf, len, "%s", str[variant % 4]);
		if (strcmp(buf, cur_s) == 0)
			snprintf(buf, len, "%s", str[(variant + 1) % 4]);
	}
}

static size_t
last_scalar_line(const struct ini_doc *doc, enum ini_param_id id)
{
	size_t i, last = SIZE_MAX;

	for (i = 0; i < ini_doc_count(doc); i++) {
		const struct ini_item *it = ini_doc_item(doc, i);
		const struct ini_param *p =
			ini_item_kind(it) == INI_ITEM_SCALAR
				? ini_param_lookup(ini_item_name(it))
				: NULL;

		if (p != NULL && ini_param_id(p) == id && it->block == SIZE_MAX)
			last = i;
	}
	return last;
}

static void
sweep_scalars(struct sweep *sw)
{
	char val[64];
	unsigned id;

	for (id = 0; id < INI_P__SCALARS; id++) {
		const struct ini_param *p = ini_param_get(id);
		size_t line = last_scalar_line(sw->doc, id);
		const char *s = ini_conf_get_str(sw->from, id);
		struct ini_conf *to;
		unsigned v;

		for (v = 0; v < 2; v++) {
			ck_assert_int_eq(ini_conf_dup(sw->from, &to), 0);
			other_value(p, s ? s : "",
				    ini_conf_get_int(sw->from, id), val,
				    sizeof(val), id + v);
			ck_assert_int_eq(ini_conf_set(to, id, val, NULL, 0), 0);
			if (line != SIZE_MAX) {
				sw->edited[line] = true;
				sweep_check(sw, to, 1, 0, 0, ini_param_name(p));
				sw->edited[line] = false;
			} else
				sweep_check(sw, to, 0, 1, 0, ini_param_name(p));
			ini_conf_destroy(to);
		}
	}
}

/* Lines of the block of item i that change when its FORMAT grows. */
static size_t
mark_block(struct sweep *sw, size_t blk, bool on)
{
	size_t i, n = 0;

	for (i = 0; i < sw->doc->nitems; i++) {
		const struct ini_item *it = &sw->doc->items[i];

		if (it->block == blk &&
		    (it->kind == INI_ITEM_FORMAT || it->kind == INI_ITEM_ROW)) {
			sw->edited[i] = on;
			n++;
		}
	}
	return n;
}

static bool
in_format(const struct ini_doc *doc, size_t blk, const struct ini_param *p)
{
	const struct ini_item *f = &doc->items[doc->blocks[blk].format];
	size_t k;

	for (k = 0; k < f->nfields; k++)
		if (ini_column_lookup(ini_param_table(p), f->fields[k].text) ==
		    p)
			return true;
	return false;
}

static void
sweep_cell(struct sweep *sw, enum ini_table t, const struct ini_row *r,
	   size_t c, unsigned variant)
{
	const struct ini_param *p = ini_param_get(ini_table_column(t, c));
	size_t item = r->line - 1, blk = sw->doc->items[item].block, n;
	struct ini_conf *to;
	const char *s = "";
	long iv = 0;
	char val[64];

	ck_assert_int_eq(ini_conf_dup(sw->from, &to), 0);
	if (ini_param_type(p) == INI_TYPE_INT ||
	    ini_param_type(p) == INI_TYPE_ENUM)
		ck_assert_int_eq(ini_conf_row_get_int(to, ini_param_id(p),
						      r->index, &iv),
				 0);
	else
		ck_assert_int_eq(
			ini_conf_row_get_str(to, ini_param_id(p), r->index, &s),
			0);
	other_value(p, s, iv, val, sizeof(val), variant);
	ck_assert_int_eq(
		ini_conf_row_set(to, ini_param_id(p), r->index, val, NULL, 0),
		0);
	if (in_format(sw->doc, blk, p)) {
		sw->edited[item] = true;
		sweep_check(sw, to, 1, 0, 0, ini_param_name(p));
		sw->edited[item] = false;
	} else {
		n = mark_block(sw, blk, true);
		sweep_check(sw, to, n, 0, 0, ini_param_name(p));
		mark_block(sw, blk, false);
	}
	ini_conf_destroy(to);
}

static void
sweep_rows(struct sweep *sw)
{
	int t;
	size_t i, c;

	for (t = 0; t < INI_TABLE__COUNT; t++) {
		const struct ini_tab *tab = &sw->from->t[t];
		struct ini_conf *to;
		long lo, hi, idx = 0;

		for (i = 0; i < tab->n; i++) {
			const struct ini_row *r = tab->rows[i];

			for (c = 0; c < ini_table_ncolumns(t); c++)
				sweep_cell(sw, t, r, c, (unsigned)(i + c));
			/* destroy */
			ck_assert_int_eq(ini_conf_dup(sw->from, &to), 0);
			ck_assert_int_eq(ini_conf_row_delete(to, t, r->index),
					 0);
			sw->edited[r->line - 1] = true;
			sweep_check(sw, to, 0, 0, 1, "row destroyed");
			sw->edited[r->line - 1] = false;
			ini_conf_destroy(to);
			idx = r->index + 1;
		}
		/* create one with defaults, and one with every column set */
		ck_assert_int_eq(ini_table_index_range(t, &lo, &hi), 0);
		ck_assert_int_eq(ini_conf_dup(sw->from, &to), 0);
		ck_assert_int_eq(ini_conf_row_create(to, t, idx), 0);
		if (ini_conf_check(to, NULL, NULL) == 0) {
			struct ini_patch_stats st;
			size_t n;
			char *out = patch_buf(sw->buf, sw->len, to, &n, &st);

			ck_assert_uint_eq(st.rewritten, 0);
			ck_assert_uint_eq(st.removed, 0);
			ck_assert_uint_ge(st.added, 1);
			check_diff(sw->buf, sw->len, out, n, sw->edited,
				   st.added, "row created");
			free_secret(out, n);
			sw->runs++;
		} else
			sw->skipped++;
		ini_conf_destroy(to);
	}
}

static char *
read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = malloc(1 << 20);

	ck_assert_msg(f != NULL, "cannot open %s", path);
	*len = fread(buf, 1, (1 << 20) - 1, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

START_TEST(test_device_corpus)
{
	const char *top = getenv("top_srcdir");
	char dir[4096], path[8192];
	struct dirent *de;
	unsigned files = 0, runs = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/tests/data/ini/devices",
		 top ? top : ".");
	d = opendir(dir);
	ck_assert_msg(d != NULL, "cannot open %s", dir);
	while ((de = readdir(d)) != NULL) {
		struct sweep sw = { .name = de->d_name };
		struct ini_patch_stats st;
		size_t len, n;
		char *buf, *out;

		if (strlen(de->d_name) < 5 ||
		    strcmp(de->d_name + strlen(de->d_name) - 4, ".ini") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		buf = read_file(path, &len);
		sw.buf = buf;
		sw.len = len;
		sw.doc = doc_of(buf, len);
		sw.from = conf_of_doc(sw.doc);
		sw.edited = calloc(ini_doc_count(sw.doc) + 1, 1);
		/* no-op: byte-identical */
		out = patch_buf(buf, len, sw.from, &n, &st);
		ck_assert_uint_eq(n, len);
		ck_assert_msg(memcmp(out, buf, len) == 0, "%s: no-op differs",
			      de->d_name);
		ck_assert_uint_eq(st.rewritten + st.added + st.removed, 0);
		free_secret(out, n);
		sweep_scalars(&sw);
		sweep_rows(&sw);
		ck_assert_msg(sw.runs > INI_P__SCALARS,
			      "%s: only %u edits checked (%u skipped)",
			      de->d_name, sw.runs, sw.skipped);
		runs += sw.runs;
		free(sw.edited);
		ini_conf_destroy(sw.from);
		ini_doc_destroy(sw.doc);
		free(buf);
		files++;
	}
	closedir(d);
	ck_assert_uint_ge(files, 9);
	ck_assert_uint_ge(runs, 500);
}
END_TEST

static Suite *
patch_suite(void)
{
	Suite *s = suite_create("ini_patch");
	TCase *args = tcase_create("arguments"), *sc = tcase_create("scalars");
	TCase *tab = tcase_create("tables"), *pw = tcase_create("passwords");
	TCase *corpus = tcase_create("corpus");

	tcase_add_test(args, test_bad_arguments);
	tcase_add_test(args, test_noop_identical);
	tcase_add_test(sc, test_scalar_in_place);
	tcase_add_test(sc, test_scalar_quoting);
	tcase_add_test(sc, test_scalar_duplicate_last_wins);
	tcase_add_test(sc, test_scalar_back_to_default);
	tcase_add_test(sc, test_scalar_added_after_catalog);
	tcase_add_test(sc, test_scalar_added_first_section);
	tcase_add_test(sc, test_scalar_added_new_section);
	tcase_add_test(sc, test_line_ends_kept);
	tcase_add_test(tab, test_row_cell_in_place);
	tcase_add_test(tab, test_trunkgroup_noprefix);
	tcase_add_test(tab, test_format_extended);
	tcase_add_test(tab, test_row_create_destroy);
	tcase_add_test(tab, test_row_unquoted_block);
	tcase_add_test(tab, test_table_split_blocks);
	tcase_add_test(tab, test_table_bare_block);
	tcase_add_test(tab, test_lone_cr_no_merge);
	tcase_add_test(pw, test_password_clear_kept_clear);
	tcase_add_test(pw, test_password_obfuscated_kept);
	tcase_add_test(pw, test_password_new_follows_document);
	tcase_add_test(corpus, test_device_corpus);
	tcase_set_timeout(corpus, 120);
	suite_add_tcase(s, args);
	suite_add_tcase(s, sc);
	suite_add_tcase(s, tab);
	suite_add_tcase(s, pw);
	suite_add_tcase(s, corpus);
	return s;
}

GWTEST_MAIN(patch_suite)
