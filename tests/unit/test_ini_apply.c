/* SPDX-License-Identifier: ISC */
/*
 * ini/apply.c: catalog validation of documents, full and incremental
 * loads, atomicity, and the sample files under tests/data/ini/.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ini/ini.h"
#include "tests/unit/gwtest.h"

static struct ini_diags *dg;
static struct ini_conf *conf;
static struct ini_changes *chg;

static void
setup(void)
{
	conf = NULL;
	chg = NULL;
	ck_assert_int_eq(ini_diags_create(&dg), 0);
}

static void
teardown(void)
{
	ini_conf_destroy(conf);
	ini_changes_destroy(chg);
	ini_diags_destroy(dg);
}

/* Parse and apply text over cur; returns apply's code. */
static int
load_buf(const struct ini_conf *cur, const char *s, size_t len,
	 const char *name, enum ini_apply_mode mode, struct ini_conf **out)
{
	struct ini_doc *doc;
	int rc = ini_doc_parse(s, len, name, &doc, dg);

	if (rc != 0)
		return rc;
	ini_changes_destroy(chg);
	chg = NULL;
	rc = ini_conf_apply(cur, doc, mode, out, &chg, dg);
	ini_doc_destroy(doc);
	return rc;
}

static int
load(const struct ini_conf *cur, const char *s, enum ini_apply_mode mode,
     struct ini_conf **out)
{
	return load_buf(cur, s, strlen(s), "t.ini", mode, out);
}

static void
expect_diag(size_t i, enum ini_severity sev, unsigned line, const char *msg)
{
	const struct ini_diag *d = ini_diags_get(dg, i);

	ck_assert_msg(d != NULL, "no diagnostic %zu", i);
	ck_assert_int_eq(ini_diag_severity(d), sev);
	ck_assert_uint_eq(ini_diag_line(d), line);
	ck_assert_str_eq(ini_diag_message(d), msg);
}

static long
row_int(const struct ini_conf *c, enum ini_param_id col, long row)
{
	long v = -12345;

	ck_assert_int_eq(ini_conf_row_get_int(c, col, row, &v), 0);
	return v;
}

static const char *
row_str(const struct ini_conf *c, enum ini_param_id col, long row)
{
	const char *v = NULL;

	ck_assert_int_eq(ini_conf_row_get_str(c, col, row, &v), 0);
	return v;
}

/* ---- scalars ----------------------------------------------------- */

START_TEST(test_scalars)
{
	ck_assert_int_eq(load(NULL,
			      "REGISTRATIONTIME = 300\nproxyname = "
			      "'sbc.example.net'\nRegistrarIP = "
			      "\"10.0.0.1:5070\"\nCnonce = bare cnonce\n",
			      INI_APPLY_FULL, &conf),
			 0);
	ck_assert_uint_eq(ini_diags_count(dg), 0);
	ck_assert_int_eq(ini_conf_get_int(conf, INI_P_REGISTRATION_TIME), 300);
	ck_assert_str_eq(ini_conf_get_str(conf, INI_P_PROXY_NAME),
			 "sbc.example.net");
	ck_assert_str_eq(ini_conf_get_str(conf, INI_P_REGISTRAR_IP),
			 "10.0.0.1:5070");
	ck_assert_str_eq(ini_conf_get_str(conf, INI_P_CNONCE), "bare cnonce");
	ck_assert_int_eq(ini_conf_get_int(conf, INI_P_HOT_SWAP_RTX), 3);
}
END_TEST

START_TEST(test_unknown_scalar_warning)
{
	ck_assert_int_eq(load(NULL,
			      "EnableSyslog = 1\nHotSwapRtx = 5\n"
			      "Account_Register = 1\n",
			      INI_APPLY_FULL, &conf),
			 0);
	ck_assert_uint_eq(ini_diags_errors(dg), 0);
	expect_diag(0, INI_SEV_WARNING, 1,
		    "unknown parameter 'EnableSyslog' ignored");
	expect_diag(1, INI_SEV_WARNING, 3,
		    "unknown parameter 'Account_Register' ignored");
	ck_assert_int_eq(ini_conf_get_int(conf, INI_P_HOT_SWAP_RTX), 5);
}
END_TEST

START_TEST(test_duplicate_scalar)
{
	ck_assert_int_eq(load(NULL, "HotSwapRtx = 5\nhotswaprtx = 6\n",
			      INI_APPLY_FULL, &conf),
			 0);
	expect_diag(
		0, INI_SEV_WARNING, 2,
		"'HotSwapRtx' is already set at line 1; the last value wins");
	ck_assert_int_eq(ini_conf_get_int(conf, INI_P_HOT_SWAP_RTX), 6);
}
END_TEST

START_TEST(test_scalar_errors)
{
	ck_assert_int_eq(load(NULL,
			      "HotSwapRtx = 0\nIsProxyUsed = yes\n"
			      "Cnonce = '0123456789abcdef'\nProxyIP = "
			      "'a b'\n",
			      INI_APPLY_FULL, &conf),
			 -EINVAL);
	ck_assert_ptr_null(conf);
	expect_diag(0, INI_SEV_ERROR, 1, "HotSwapRtx: 0 is out of range 1..30");
	expect_diag(1, INI_SEV_ERROR, 2,
		    "IsProxyUsed: 'yes' is not an integer");
	expect_diag(2, INI_SEV_ERROR, 3,
		    "Cnonce: value is 16 bytes long, limit 15");
	expect_diag(3, INI_SEV_ERROR, 4,
		    "ProxyIP: 'a b' is not an IP address or host name[:port]: "
		    "space at offset 1");
}
END_TEST

/* ---- tables ------------------------------------------------------ */

START_TEST(test_subset_format_any_order)
{
	ck_assert_int_eq(load(NULL,
			      "[ ProxySet ]\nFORMAT ProxySet_Index = "
			      "ProxySet_ProxyRedundancyMode, "
			      "proxyset_enableproxykeepalive;\n"
			      "ProxySet 1 = 1, 2;\nProxySet 2 = $$, ;\n"
			      "[ \\ProxySet ]\n",
			      INI_APPLY_FULL, &conf),
			 0);
	ck_assert_int_eq(row_int(conf, INI_P_PROXYSET_PROXY_REDUNDANCY_MODE, 1),
			 1);
	ck_assert_int_eq(
		row_int(conf, INI_P_PROXYSET_ENABLE_PROXY_KEEP_ALIVE, 1), 2);
	ck_assert_int_eq(row_int(conf, INI_P_PROXYSET_PROXY_KEEP_ALIVE_TIME, 1),
			 60);
	ck_assert_int_eq(row_int(conf, INI_P_PROXYSET_PROXY_REDUNDANCY_MODE, 2),
			 -1);
	ck_assert_int_eq(
		row_int(conf, INI_P_PROXYSET_ENABLE_PROXY_KEEP_ALIVE, 2), 0);
}
END_TEST

START_TEST(test_quoted_fields)
{
	ck_assert_int_eq(load(NULL,
			      "[ IPGroup ]\nFORMAT IPGroup_Index = "
			      "IPGroup_Description, IPGroup_ProxySetId, "
			      "IPGroup_MediaRealm;\n"
			      "IPGroup 1 = \"a, b; c\", \"\", 'x\"y';\n"
			      "[ \\IPGroup ]\n",
			      INI_APPLY_FULL, &conf),
			 0);
	ck_assert_str_eq(row_str(conf, INI_P_IPGROUP_DESCRIPTION, 1),
			 "a, b; c");
	ck_assert_int_eq(row_int(conf, INI_P_IPGROUP_PROXY_SET_ID, 1), 0);
	ck_assert_str_eq(row_str(conf, INI_P_IPGROUP_MEDIA_REALM, 1), "x\"y");
}
END_TEST

/* Typed values in a file: every bad one at its FILE:LINE, with what is
 * wrong and where. */
START_TEST(test_syntax_errors_at_line)
{
	char line[256];

	ck_assert_int_eq(
		load(NULL,
		     "ProxyName = 'bad name'\n"		/* 1 */
		     "SIPGatewayName = gw@example\n"	/* 2 */
		     "GWRegistrationName = 'a:b'\n"	/* 3 */
		     "RegistrarIP = '10.0.0.1:65536'\n" /* 4 */
		     "[ IPGroup ]\n"			/* 5 */
		     "FORMAT IPGroup_Index = IPGroup_SIPGroupName, "
		     "IPGroup_ContactUser;\n"		      /* 6 */
		     "IPGroup 1 = \"pbx.example\", 'x\"y';\n" /* 7 */
		     "IPGroup 2 = \"-pbx\", \"ok\";\n"	      /* 8 */
		     "[ \\IPGroup ]\n"			      /* 9 */
		     "[ Account ]\n"			      /* 10 */
		     "FORMAT Account_Index = Account_HostName, "
		     "Account_ContactUser;\n"			       /* 11 */
		     "Account 0 = \"h.example;x\", \"caf\xc3\xa9\";\n" /* 12 */
		     "[ \\Account ]\n",
		     INI_APPLY_FULL, &conf),
		-EINVAL);
	ck_assert_ptr_null(conf);
	ini_diags_sort(dg);
	expect_diag(0, INI_SEV_ERROR, 1,
		    "ProxyName: 'bad name' is not a host name or IP address: "
		    "space at offset 3");
	expect_diag(1, INI_SEV_ERROR, 2,
		    "SIPGatewayName: 'gw@example' is not a host name or IP "
		    "address: '@' at offset 2");
	expect_diag(2, INI_SEV_ERROR, 3,
		    "GWRegistrationName: 'a:b' is not a SIP user part: ':' at "
		    "offset 1");
	expect_diag(3, INI_SEV_ERROR, 4,
		    "RegistrarIP: '10.0.0.1:65536' is not an IP address or "
		    "host name[:port]: port out of range 1..65535 at offset 9");
	expect_diag(4, INI_SEV_ERROR, 7,
		    "IPGroup_ContactUser: 'x\"y' is not a SIP user part: '\"' "
		    "at offset 1");
	expect_diag(5, INI_SEV_ERROR, 8,
		    "IPGroup_SIPGroupName: '-pbx' is not a host name or IP "
		    "address: label starts with '-' at offset 0");
	expect_diag(6, INI_SEV_ERROR, 12,
		    "Account_HostName: 'h.example;x' is not a host name or IP "
		    "address: ';' at offset 9");
	expect_diag(
		7, INI_SEV_ERROR, 12,
		"Account_ContactUser: 'caf\xc3\xa9' is not a SIP user part: "
		"non-ASCII byte 0xc3 at offset 3");
	ck_assert_uint_eq(ini_diags_count(dg), 8);
	ini_diag_format(ini_diags_get(dg, 0), line, sizeof(line));
	ck_assert_str_eq(line, "t.ini:1: error: ProxyName: 'bad name' is not a "
			       "host name or IP address: space at offset 3");
}
END_TEST

/* Cross-row rules of a file: at the line of the row that breaks them. */
START_TEST(test_used_set_at_line)
{
	static const char ini[] =
		"IsRegisterNeeded = 1\n" /* 1 */
		"IsProxyUsed = 1\n"	 /* 2 */
		"UserName = gw\n"	 /* 3 */
		"[ ProxyIp ]\n"		 /* 4 */
		"FORMAT ProxyIp_Index = ProxyIp_IpAddress, "
		"ProxyIp_ProxySetId;\n"			  /* 5 */
		"ProxyIp 0 = \"10.0.0.1\", 1;\n"	  /* 6 */
		"ProxyIp 1 = \"\", 1;\n"		  /* 7 */
		"[ \\ProxyIp ]\n"			  /* 8 */
		"[ ProxySet ]\n"			  /* 9 */
		"FORMAT ProxySet_Index = ProxySet_SRD;\n" /* 10 */
		"ProxySet 1 = 0;\nProxySet 2 = 0;\n"	  /* 11-12 */
		"[ \\ProxySet ]\n"			  /* 13 */
		"[ IPGroup ]\n"				  /* 14 */
		"FORMAT IPGroup_Index = IPGroup_ProxySetId, "
		"IPGroup_SIPGroupName, IPGroup_ContactUser;\n" /* 15 */
		"IPGroup 1 = 1, pbx.example, u;\n"	       /* 16 */
		"IPGroup 2 = 2, pbx, u;\n"		       /* 17 */
		"[ \\IPGroup ]\n"			       /* 18 */
		"[ Account ]\n"				       /* 19 */
		"FORMAT Account_Index = Account_ServedIPGroup, "
		"Account_ServingIPGroup, Account_Register;\n"  /* 20 */
		"Account 0 = 1, 1, 1;\nAccount 1 = 2, 2, 1;\n" /* 21-22 */
		"Account 2 = 2, 2, 0;\n"		       /* 23 */
		"[ \\Account ]\n";

	ck_assert_int_eq(load(NULL, ini, INI_APPLY_FULL, &conf), -EINVAL);
	ck_assert_ptr_null(conf);
	ini_diags_sort(dg);
	expect_diag(0, INI_SEV_ERROR, 0,
		    "proxy set 0 has no address, but the gateway registers "
		    "through it (IsRegisterNeeded=1, IsProxyUsed=1, no "
		    "RegistrarIP)");
	ck_assert_str_eq(ini_diag_file(ini_diags_get(dg, 0)), "t.ini");
	expect_diag(1, INI_SEV_ERROR, 7,
		    "ProxyIp 1: no address (ProxyIp_IpAddress is empty)");
	expect_diag(
		2, INI_SEV_ERROR, 22,
		"Account 1: registers through IP group 2, whose proxy set 2 "
		"has no address");
	ck_assert_uint_eq(ini_diags_count(dg), 3);
}
END_TEST

START_TEST(test_unknown_table_warning)
{
	ck_assert_int_eq(load(NULL,
			      "[ CodersGroup0 ]\nFORMAT CodersGroup0_Index "
			      "= CodersGroup0_Name;\nCodersGroup0 0 = "
			      "g711Alaw64k;\n[ \\CodersGroup0 ]\n",
			      INI_APPLY_FULL, &conf),
			 0);
	expect_diag(0, INI_SEV_WARNING, 1,
		    "unknown table 'CodersGroup0' ignored");
	ck_assert_uint_eq(ini_diags_count(dg), 1);
}
END_TEST

START_TEST(test_table_errors)
{
	ck_assert_int_eq(load(NULL,
			      "[ ProxySet ]\nFORMAT ProxySet_Index = "
			      "ProxySet_Colour, ProxySet_SRD, ProxySet_SRD;\n"
			      "ProxySet 1 = red, 1, 2;\n"
			      "ProxySet 40 = red, 1, 2;\n"
			      "ProxySet 2 = red, x, 2;\n"
			      "ProxySet 1 = red, 1, 2;\n[ \\ProxySet ]\n"
			      "[ ProxyIp ]\nFORMAT ProxyIp_Key = "
			      "ProxyIp_IpAddress;\n[ \\ProxyIp ]\n"
			      "[ Account ]\nFORMAT Account_Index Account_X "
			      "= Account_Username;\n[ \\Account ]\n",
			      INI_APPLY_FULL, &conf),
			 -EINVAL);
	expect_diag(0, INI_SEV_ERROR, 2,
		    "unknown column 'ProxySet_Colour' in table 'ProxySet'");
	expect_diag(1, INI_SEV_ERROR, 2,
		    "column 'ProxySet_SRD' is listed twice");
	expect_diag(2, INI_SEV_ERROR, 4,
		    "ProxySet index 40 is out of range 0..31");
	expect_diag(3, INI_SEV_ERROR, 5, "ProxySet_SRD: 'x' is not an integer");
	expect_diag(
		4, INI_SEV_ERROR, 9,
		"the index column of table 'ProxyIp' is 'ProxyIp_Index', not "
		"'ProxyIp_Key'");
	expect_diag(5, INI_SEV_ERROR, 12,
		    "table 'Account' has one index column, FORMAT lists 2");
	expect_diag(6, INI_SEV_ERROR, 6,
		    "duplicate row ProxySet 1 (first at line 3)");
	ck_assert_uint_eq(ini_diags_count(dg), 7);
}
END_TEST

START_TEST(test_syntax_error_rejects)
{
	ck_assert_int_eq(load(NULL, "HotSwapRtx = 5\nX = 'open\n",
			      INI_APPLY_FULL, &conf),
			 -EINVAL);
	ck_assert_ptr_null(conf);
	ck_assert_uint_eq(ini_diags_errors(dg), 1);
}
END_TEST

/* ---- modes ------------------------------------------------------- */

static const char base[] =
	"HotSwapRtx = 5\nProxyName = 'p.example'\n"
	"[ ProxySet ]\nFORMAT ProxySet_Index = ProxySet_EnableProxyKeepAlive, "
	"ProxySet_ProxyKeepAliveTime;\nProxySet 1 = 1, 30;\n"
	"ProxySet 2 = 2, 40;\n[ \\ProxySet ]\n"
	"[ Account ]\nFORMAT Account_Index = Account_Username, "
	"Account_Password;\nAccount 3 = \"u3\", \"p3\";\n[ \\Account ]\n";

START_TEST(test_full_resets)
{
	struct ini_conf *next = NULL;

	ck_assert_int_eq(load(NULL, base, INI_APPLY_FULL, &conf), 0);
	ck_assert_int_eq(load(conf,
			      "ProxyName = 'q.example'\n[ ProxySet ]\n"
			      "FORMAT ProxySet_Index = ProxySet_SRD;\n"
			      "ProxySet 2 = 1;\n[ \\ProxySet ]\n",
			      INI_APPLY_FULL, &next),
			 0);
	ck_assert_int_eq(ini_conf_get_int(next, INI_P_HOT_SWAP_RTX), 3);
	ck_assert_str_eq(ini_conf_get_str(next, INI_P_PROXY_NAME), "q.example");
	ck_assert_uint_eq(ini_conf_row_count(next, INI_TABLE_PROXYSET), 1);
	ck_assert_int_eq(
		row_int(next, INI_P_PROXYSET_ENABLE_PROXY_KEEP_ALIVE, 2), 0);
	ck_assert_uint_eq(ini_conf_row_count(next, INI_TABLE_ACCOUNT), 0);
	/* the running configuration is untouched */
	ck_assert_int_eq(ini_conf_get_int(conf, INI_P_HOT_SWAP_RTX), 5);
	ck_assert_uint_eq(ini_conf_row_count(conf, INI_TABLE_PROXYSET), 2);
	ini_conf_destroy(next);
}
END_TEST

START_TEST(test_incremental_keeps)
{
	struct ini_conf *next = NULL;

	ck_assert_int_eq(load(NULL, base, INI_APPLY_FULL, &conf), 0);
	ck_assert_int_eq(load(conf,
			      "ProxyName = 'q.example'\n[ ProxySet ]\n"
			      "FORMAT ProxySet_Index = ProxySet_SRD;\n"
			      "ProxySet 2 = 1;\nProxySet 3 = 2;\n"
			      "[ \\ProxySet ]\n",
			      INI_APPLY_INCREMENTAL, &next),
			 0);
	ck_assert_int_eq(ini_conf_get_int(next, INI_P_HOT_SWAP_RTX), 5);
	ck_assert_str_eq(ini_conf_get_str(next, INI_P_PROXY_NAME), "q.example");
	ck_assert_uint_eq(ini_conf_row_count(next, INI_TABLE_PROXYSET), 3);
	/* columns the FORMAT does not list keep their value */
	ck_assert_int_eq(
		row_int(next, INI_P_PROXYSET_ENABLE_PROXY_KEEP_ALIVE, 2), 2);
	ck_assert_int_eq(row_int(next, INI_P_PROXYSET_SRD, 2), 1);
	ck_assert_int_eq(row_int(next, INI_P_PROXYSET_SRD, 3), 2);
	ck_assert_int_eq(row_int(next, INI_P_PROXYSET_PROXY_KEEP_ALIVE_TIME, 3),
			 60);
	ck_assert_str_eq(row_str(next, INI_P_ACCOUNT_PASSWORD, 3), "p3");
	ck_assert_uint_eq(ini_conf_row_count(conf, INI_TABLE_PROXYSET), 2);
	ini_conf_destroy(next);
}
END_TEST

START_TEST(test_incremental_rejects_atomically)
{
	struct ini_conf *next = NULL;

	ck_assert_int_eq(load(NULL, base, INI_APPLY_FULL, &conf), 0);
	ck_assert_int_eq(load(conf,
			      "HotSwapRtx = 7\n[ Account ]\nFORMAT "
			      "Account_Index = Account_ServingIPGroup;\n"
			      "Account 3 = 4;\n[ \\Account ]\n",
			      INI_APPLY_INCREMENTAL, &next),
			 -EINVAL);
	ck_assert_ptr_null(next);
	expect_diag(0, INI_SEV_ERROR, 4,
		    "Account 3: Account_ServingIPGroup 4 refers to a missing "
		    "IPGroup row");
	ck_assert_int_eq(ini_conf_get_int(conf, INI_P_HOT_SWAP_RTX), 5);
}
END_TEST

START_TEST(test_changes_from_apply)
{
	struct ini_conf *next = NULL;
	const struct ini_change *c;

	ck_assert_int_eq(load(NULL, base, INI_APPLY_FULL, &conf), 0);
	ck_assert_int_eq(load(conf,
			      "[ ProxySet ]\nFORMAT ProxySet_Index = "
			      "ProxySet_ProxyKeepAliveTime;\nProxySet 1 = "
			      "31;\n[ \\ProxySet ]\n",
			      INI_APPLY_INCREMENTAL, &next),
			 0);
	ck_assert_uint_eq(ini_changes_count(chg), 1);
	c = ini_changes_get(chg, 0);
	ck_assert_int_eq(ini_change_kind(c), INI_CHANGE_ROW_CHANGED);
	ck_assert_int_eq(ini_change_table(c), INI_TABLE_PROXYSET);
	ck_assert_int_eq(ini_change_row(c), 1);
	ck_assert(
		ini_change_has_column(c, INI_P_PROXYSET_PROXY_KEEP_ALIVE_TIME));
	ck_assert(!ini_change_has_column(
		c, INI_P_PROXYSET_ENABLE_PROXY_KEEP_ALIVE));
	ini_conf_destroy(next);
}
END_TEST

START_TEST(test_bad_args)
{
	struct ini_doc *doc;

	ck_assert_int_eq(ini_doc_parse("", 0, NULL, &doc, NULL), 0);
	ck_assert_int_eq(
		ini_conf_apply(NULL, NULL, INI_APPLY_FULL, &conf, NULL, NULL),
		-EINVAL);
	ck_assert_int_eq(ini_conf_apply(NULL, doc, 7, &conf, NULL, NULL),
			 -EINVAL);
	ck_assert_int_eq(
		ini_conf_apply(NULL, doc, INI_APPLY_FULL, NULL, NULL, NULL),
		-EINVAL);
	ck_assert_int_eq(
		ini_conf_apply(NULL, doc, INI_APPLY_FULL, &conf, NULL, NULL),
		0);
	ini_doc_destroy(doc);
}
END_TEST

/* ---- sample files ------------------------------------------------ */

static char *
read_sample(const char *name, size_t *len)
{
	const char *top = getenv("top_srcdir");
	char path[4096];
	FILE *f;
	char *buf = malloc(1 << 20);

	snprintf(path, sizeof(path), "%s/tests/data/ini/%s", top ? top : ".",
		 name);
	f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	*len = fread(buf, 1, 1 << 20, f);
	fclose(f);
	return buf;
}

static int
load_sample(const char *name)
{
	size_t len;
	char *buf = read_sample(name, &len);
	int rc = load_buf(NULL, buf, len, name, INI_APPLY_FULL, &conf);

	free(buf);
	return rc;
}

START_TEST(test_sample_device_dump)
{
	ck_assert_int_eq(load_sample("device-dump.ini"), 0);
	ck_assert_uint_eq(ini_diags_errors(dg), 0);
	ck_assert_uint_ge(ini_diags_warnings(dg), 300);
	ck_assert_int_eq(ini_conf_get_int(conf, INI_P_IS_PROXY_USED), 1);
	ck_assert_int_eq(ini_conf_get_int(conf, INI_P_HOT_SWAP_RTX), 2);
	ck_assert_str_eq(ini_conf_get_str(conf, INI_P_PASSWORD), "S3cr3tGw!");
	ck_assert_uint_eq(ini_conf_row_count(conf, INI_TABLE_PROXYSET), 3);
	ck_assert_uint_eq(ini_conf_row_count(conf, INI_TABLE_PROXYIP), 5);
	ck_assert_uint_eq(ini_conf_row_count(conf, INI_TABLE_IPGROUP), 3);
	ck_assert_uint_eq(
		ini_conf_row_count(conf, INI_TABLE_TRUNKGROUPSETTINGS), 2);
	ck_assert_uint_eq(ini_conf_row_count(conf, INI_TABLE_ACCOUNT), 13);
	ck_assert_str_eq(row_str(conf, INI_P_PROXYIP_IP_ADDRESS, 2),
			 "obsbc-uswe.sdg.teams.microsoft.com");
	ck_assert_str_eq(row_str(conf, INI_P_IPGROUP_DESCRIPTION, 2),
			 "Teams, direct routing");
	ck_assert_str_eq(row_str(conf, INI_P_ACCOUNT_PASSWORD, 5), "pw-05-xyz");
	/* "$1$FwA=" is an obfuscated "pw" */
	ck_assert_str_eq(row_str(conf, INI_P_ACCOUNT_PASSWORD, 12), "pw");
	ck_assert_int_eq(row_int(conf, INI_P_TGS_REGISTRATION_MODE, 0), 5);
}
END_TEST

START_TEST(test_sample_device_dump_lossless)
{
	struct ini_doc *doc;
	size_t len, i, comments = 0, unknown = 0;
	char *buf = read_sample("device-dump.ini", &len);

	ck_assert_int_eq(ini_doc_parse(buf, len, "d.ini", &doc, dg), 0);
	free(buf);
	ck_assert(ini_doc_has_bom(doc));
	ck_assert_uint_eq(ini_doc_count(doc), 543);
	for (i = 0; i < ini_doc_count(doc); i++) {
		const struct ini_item *it = ini_doc_item(doc, i);

		ck_assert_uint_eq(ini_item_line(it), i + 1);
		comments += ini_item_kind(it) == INI_ITEM_COMMENT;
		unknown += ini_item_kind(it) == INI_ITEM_SCALAR &&
			   ini_param_lookup(ini_item_name(it)) == NULL;
	}
	ck_assert_uint_ge(comments, 10);
	ck_assert_uint_ge(unknown, 300);
	ini_doc_destroy(doc);
}
END_TEST

START_TEST(test_sample_broken_syntax)
{
	ck_assert_int_eq(load_sample("broken-syntax.ini"), -EINVAL);
	ini_diags_sort(dg);
	expect_diag(0, INI_SEV_ERROR, 3,
		    "unterminated quoted string (missing ')");
	expect_diag(1, INI_SEV_ERROR, 6,
		    "data before the FORMAT line of table 'ProxySet'");
	expect_diag(2, INI_SEV_ERROR, 8, "missing ';' at the end of the line");
	expect_diag(
		3, INI_SEV_ERROR, 9,
		"row has 1 field, the FORMAT line of 'ProxySet' (line 7) has "
		"2");
	expect_diag(4, INI_SEV_ERROR, 11,
		    "table 'ProxyIp' is not closed (missing [ \\ProxyIp ])");
	ck_assert_uint_eq(ini_diags_count(dg), 5);
}
END_TEST

START_TEST(test_sample_broken_values)
{
	ck_assert_int_eq(load_sample("broken-values.ini"), -EINVAL);
	ini_diags_sort(dg);
	expect_diag(0, INI_SEV_ERROR, 1, "IsProxyUsed: 2 is not one of 0 or 1");
	expect_diag(1, INI_SEV_ERROR, 2,
		    "RegistrationTime: 'often' is not an integer");
	expect_diag(2, INI_SEV_ERROR, 3,
		    "GWRegistrationName: value is 29 bytes long, limit 15");
	expect_diag(3, INI_SEV_ERROR, 4,
		    "ProxyKeepAliveTime: 1 is out of range 5..2000000");
	expect_diag(4, INI_SEV_WARNING, 5,
		    "unknown parameter 'NotAParameter' ignored");
	expect_diag(5, INI_SEV_ERROR, 7,
		    "unknown column 'ProxySet_Colour' in table 'ProxySet'");
	expect_diag(6, INI_SEV_ERROR, 8,
		    "ProxySet_EnableProxyKeepAlive: 3 is not one of 0, 1 or 2");
	expect_diag(
		7, INI_SEV_ERROR, 12,
		"ProxyIp_IpAddress: 'bad host name' is not an IP address or "
		"host name[:port]: space at offset 3");
	/* the row stays without address: the cross-row check says so */
	expect_diag(8, INI_SEV_ERROR, 12,
		    "ProxyIp 0: no address (ProxyIp_IpAddress is empty)");
	expect_diag(9, INI_SEV_ERROR, 13,
		    "ProxyIp_TransportType: 7 is not one of -1, 0, 1 or 2");
	ck_assert_uint_eq(ini_diags_count(dg), 10);
}
END_TEST

START_TEST(test_sample_broken_refs)
{
	ck_assert_int_eq(load_sample("broken-refs.ini"), -EINVAL);
	ini_diags_sort(dg);
	expect_diag(0, INI_SEV_ERROR, 4,
		    "duplicate row ProxySet 1 (first at line 3)");
	expect_diag(1, INI_SEV_ERROR, 13,
		    "ProxyIp 5: proxy set 1 has more than 5 addresses");
	expect_diag(
		2, INI_SEV_ERROR, 14,
		"ProxyIp 6: ProxyIp_ProxySetId 4 refers to a missing ProxySet "
		"row");
	expect_diag(
		3, INI_SEV_ERROR, 19,
		"IPGroup 2: IPGroup_ProxySetId 9 refers to a missing ProxySet "
		"row");
	expect_diag(4, INI_SEV_ERROR, 23,
		    "TrunkGroupSettings 0: TrunkGroupSettings_ServingIPGroup 5 "
		    "refers to a missing IPGroup row");
	expect_diag(5, INI_SEV_ERROR, 28,
		    "Account 1: Account_ServedTrunkGroup 2 refers to a missing "
		    "TrunkGroupSettings row");
	expect_diag(6, INI_SEV_ERROR, 29,
		    "Account 2: Account_ServingIPGroup 6 refers to a missing "
		    "IPGroup row");
	ck_assert_uint_eq(ini_diags_count(dg), 7);
}
END_TEST

START_TEST(test_sample_broken_encoding)
{
	ck_assert_int_eq(load_sample("broken-encoding.ini"), -EINVAL);
	expect_diag(0, INI_SEV_ERROR, 2, "invalid UTF-8 at column 17");
	expect_diag(1, INI_SEV_ERROR, 3, "NUL byte at column 14");
	ck_assert_uint_eq(ini_diags_count(dg), 2);
}
END_TEST

/* ---- hostile input ------------------------------------------------ */

static unsigned long mrng;

static unsigned
mrnd(unsigned n)
{
	mrng = mrng * 6364136223846793005UL + 1442695040888963407UL;
	return (unsigned)((mrng >> 33) % n);
}

/* Random edits made of the dialect's own punctuation. */
static size_t
mutate(char *buf, size_t len, size_t cap)
{
	static const char *const toks[] = { "[",
					    "]",
					    "\\",
					    ";",
					    ",",
					    "=",
					    "\"",
					    "'",
					    "$$",
					    "\r\n",
					    "\n",
					    "\r",
					    " ",
					    "FORMAT ",
					    "\xc3",
					    "-1",
					    "99999999999999999999",
					    "ProxySet",
					    "Account",
					    "_Index",
					    "[ \\Account ]",
					    "[ Account ]",
					    "\0" };
	unsigned m, muts = 1 + mrnd(12);

	for (m = 0; m < muts; m++) {
		size_t pos = mrnd((unsigned)len), k;
		const char *t = toks[mrnd(23)];
		size_t tl = t[0] ? strlen(t) : 1;

		if (mrnd(3) == 0) {
			buf[pos] = (char)mrnd(256);
		} else if (mrnd(2) == 0 && len > 20) {
			k = 1 + mrnd(8);
			memmove(buf + pos, buf + pos + k, len - pos - k);
			len -= k;
		} else if (len + tl < cap) {
			memmove(buf + pos + tl, buf + pos, len - pos);
			memcpy(buf + pos, t, tl);
			len += tl;
		}
	}
	return len;
}

START_TEST(test_mutations)
{
	size_t len, cap, n, i;
	char *src = read_sample("device-dump.ini", &len), *buf;

	cap = len * 2;
	buf = malloc(cap);
	for (i = 0; i < 300; i++) {
		struct ini_conf *c = NULL;
		char *out;

		mrng = i;
		memcpy(buf, src, len);
		n = mutate(buf, len, cap);
		ini_diags_clear(dg);
		if (load_buf(NULL, buf, n, "m.ini", INI_APPLY_FULL, &c) != 0)
			continue;
		ck_assert_int_eq(ini_conf_export(c, 0, &out, NULL), 0);
		free(out);
		ini_conf_destroy(c);
	}
	free(buf);
	free(src);
}
END_TEST

/* ---- TrunkGroup and Authentication ------------------------------- */

/* The FORMAT lines of every version seen (reference: MP114-5.6 p.289,
 * MP-6.2 p.474, a 7.00A dump, a 7.2+ template), same rows. */
static const char *const tg_formats[] = {
	"FORMAT TrunkGroup_Index = TrunkGroup_TrunkGroupNum, "
	"TrunkGroup_FirstTrunkId, TrunkGroup_LastTrunkId, "
	"TrunkGroup_FirstBChannel, TrunkGroup_LastBChannel, "
	"TrunkGroup_FirstPhoneNumber, TrunkGroup_ProfileId, "
	"TrunkGroup_Module;\n"
	"TrunkGroup 0 = 11, 0, 1, 1, 30, \"0400\", 0, 1;\n"
	"TrunkGroup 1 = 21, 255, 255, 1, 4, \"user1\", 0, 2;\n",
	"FORMAT TrunkGroup_Index = TrunkGroup_TrunkGroupNum, "
	"TrunkGroup_FirstTrunkId, TrunkGroup_FirstBChannel, "
	"TrunkGroup_LastBChannel, TrunkGroup_FirstPhoneNumber, "
	"TrunkGroup_ProfileId, TrunkGroup_LastTrunkId, TrunkGroup_Module;\n"
	"TrunkGroup 0 = 11, 0, 1, 30, \"0400\", 0, 1, 1;\n"
	"TrunkGroup 1 = 21, 255, 1, 4, \"user1\", 0, 255, 2;\n",
	"FORMAT TrunkGroup_Index = TrunkGroup_TrunkGroupNum, "
	"TrunkGroup_FirstTrunkId, TrunkGroup_FirstBChannel, "
	"TrunkGroup_LastBChannel, TrunkGroup_FirstPhoneNumber, "
	"TrunkGroup_ProfileName, TrunkGroup_LastTrunkId, TrunkGroup_Module;\n"
	"TrunkGroup 0 = 11, 0, 1, 30, \"0400\", \"\", 1, 1;\n"
	"TrunkGroup 1 = 21, 255, 1, 4, \"user1\", \"TelProfile_1\", 255, 2;\n",
	"FORMAT Index = TrunkGroupNum, FirstTrunkId, FirstBChannel, "
	"LastBChannel, FirstPhoneNumber, ProfileName, LastTrunkId, Module;\n"
	"TrunkGroup 0 = 11, 0, 1, 30, \"0400\", \"\", 1, 1;\n"
	"TrunkGroup 1 = 21, 255, 1, 4, \"user1\", \"TelProfile_1\", 255, 2;\n",
};

START_TEST(test_trunkgroup_formats)
{
	char text[1024];
	size_t v;

	for (v = 0; v < sizeof(tg_formats) / sizeof(tg_formats[0]); v++) {
		ini_conf_destroy(conf);
		conf = NULL;
		snprintf(text, sizeof(text),
			 "[ TrunkGroup ]\n%s[ \\TrunkGroup ]\n", tg_formats[v]);
		ck_assert_msg(load(NULL, text, INI_APPLY_FULL, &conf) == 0,
			      "version %zu", v);
		ck_assert_uint_eq(
			ini_conf_row_count(conf, INI_TABLE_TRUNKGROUP), 2);
		ck_assert_int_eq(
			row_int(conf, INI_P_TRUNKGROUP_TRUNK_GROUP_NUM, 0), 11);
		ck_assert_int_eq(
			row_int(conf, INI_P_TRUNKGROUP_FIRST_TRUNK_ID, 0), 0);
		ck_assert_int_eq(
			row_int(conf, INI_P_TRUNKGROUP_LAST_TRUNK_ID, 0), 1);
		ck_assert_int_eq(
			row_int(conf, INI_P_TRUNKGROUP_LAST_B_CHANNEL, 0), 30);
		ck_assert_str_eq(
			row_str(conf, INI_P_TRUNKGROUP_FIRST_PHONE_NUMBER, 0),
			"0400");
		ck_assert_int_eq(row_int(conf, INI_P_TRUNKGROUP_MODULE, 1), 2);
		ck_assert_int_eq(
			row_int(conf, INI_P_TRUNKGROUP_LAST_TRUNK_ID, 1), 255);
		ck_assert_str_eq(
			row_str(conf, INI_P_TRUNKGROUP_PROFILE_NAME, 1),
			v >= 2 ? "TelProfile_1" : "");
		ck_assert_uint_eq(ini_diags_errors(dg), 0);
	}
}
END_TEST

/* An unknown column of the TrunkGroup table is an error at its FORMAT
 * line; so is the FORMAT of another table under "[ TrunkGroup ]". */
START_TEST(test_trunkgroup_unknown_column)
{
	ck_assert_int_eq(load(NULL,
			      "; x\n[ TrunkGroup ]\n"
			      "FORMAT Index = TrunkGroupNum, Colour;\n"
			      "TrunkGroup 0 = 1, red;\n[ \\TrunkGroup ]\n",
			      INI_APPLY_FULL, &conf),
			 -EINVAL);
	expect_diag(0, INI_SEV_ERROR, 3,
		    "unknown column 'Colour' in table 'TrunkGroup'");
	ck_assert_uint_eq(ini_diags_count(dg), 1);
	ck_assert_ptr_null(conf);
}
END_TEST

#define TGHEAD                                                   \
	"[ TrunkGroup ]\n"                                       \
	"FORMAT TrunkGroup_Index = TrunkGroup_TrunkGroupNum, "   \
	"TrunkGroup_FirstTrunkId, TrunkGroup_FirstBChannel, "    \
	"TrunkGroup_LastBChannel, TrunkGroup_FirstPhoneNumber, " \
	"TrunkGroup_ProfileId, TrunkGroup_LastTrunkId, TrunkGroup_Module;\n"

/* Ranges (catalog), reversed ranges, numbers without trailing digits,
 * carries past 50 characters: each at its row's line. */
START_TEST(test_trunkgroup_errors)
{
	ck_assert_int_eq(
		load(NULL,
		     TGHEAD "TrunkGroup 0 = 256, 0, 0, 2017, \"\", 10, 0, 1;\n"

			    "TrunkGroup 101 = 1, 255, 1, 2, \"7\", 0, 255, 1;\n"
			    "[ \\TrunkGroup ]\n",
		     INI_APPLY_FULL, &conf),
		-EINVAL);
	expect_diag(0, INI_SEV_ERROR, 3,
		    "TrunkGroup_TrunkGroupNum: 256 is out of range 0..255");
	expect_diag(1, INI_SEV_ERROR, 3,
		    "TrunkGroup_FirstBChannel: 0 is out of range 1..2016");
	expect_diag(2, INI_SEV_ERROR, 3,
		    "TrunkGroup_LastBChannel: 2017 is out of range 1..2016");
	expect_diag(3, INI_SEV_ERROR, 3,
		    "TrunkGroup_ProfileId: 10 is out of range 0..9");
	expect_diag(4, INI_SEV_ERROR, 4,
		    "TrunkGroup index 101 is out of range 0..100");
	ck_assert_uint_eq(ini_diags_count(dg), 5);
	/* the same rows within range: the checks of the whole table */
	ini_diags_clear(dg);
	ck_assert_int_eq(load(NULL,
			      TGHEAD
			      "TrunkGroup 1 = 1, 3, 1, 30, \"1\", 0, 2, 1;\n"
			      "TrunkGroup 2 = 1, 4, 20, 10, \"1\", 0, 4, 1;\n"
			      "TrunkGroup 3 = 1, 5, 1, 2, \"abc\", 0, 5, 1;\n"
			      "TrunkGroup 4 = 1, 6, 1, 2, "
			      "\"9999999999999999999999999999999999999999999999"
			      "9999\", 0, "
			      "6, 1;\n"
			      "TrunkGroup 5 = 1, 255, 1, 2, \"7\", 0, 7, 1;\n"
			      "[ \\TrunkGroup ]\n",
			      INI_APPLY_FULL, &conf),
			 -EINVAL);
	expect_diag(0, INI_SEV_ERROR, 3,
		    "TrunkGroup 1: LastTrunkId 2 is below FirstTrunkId 3");
	expect_diag(1, INI_SEV_ERROR, 4,
		    "TrunkGroup 2: LastBChannel 10 is below FirstBChannel 20");
	expect_diag(2, INI_SEV_ERROR, 5,
		    "TrunkGroup 3: FirstPhoneNumber 'abc' covers 2 endpoints "
		    "but does not end with a digit");
	expect_diag(3, INI_SEV_ERROR, 6,
		    "TrunkGroup 4: FirstPhoneNumber "
		    "'99999999999999999999999999999999999999999999999999' + 1 "
		    "is longer than 50 characters");
	expect_diag(4, INI_SEV_ERROR, 7,
		    "TrunkGroup 5: FirstTrunkId 255 and LastTrunkId 7: 255 "
		    "means no trunk (an analog row), so both or neither are "
		    "255");
	ck_assert_uint_eq(ini_diags_count(dg), 5);
	ck_assert_ptr_null(conf);
}
END_TEST

/* Every endpoint's number is unique: the error is at the later row's
 * line and names the number and the first row; DefaultNumber's numbers
 * count too. */
START_TEST(test_trunkgroup_duplicates)
{
	ck_assert_int_eq(
		load(NULL,
		     "DefaultNumber = 205\n" TGHEAD
		     "TrunkGroup 7 = 1, 0, 1, 30, \"100\", 0, 1, 1;\n"
		     "TrunkGroup 2 = 2, 2, 1, 4, \"0100\", 0, 2, 1;\n"
		     "TrunkGroup 3 = 3, 3, 1, 4, \"158\", 0, 3, 1;\n"
		     "TrunkGroup 4 = 4, 255, 1, 4, \"\", 0, 255, 2;\n"
		     "TrunkGroup 5 = 5, 255, 5, 5, \"207\", 0, 255, 2;\n"
		     "TrunkGroup 9 = 6, 4, 1, 2, \"\", 0, 4, 1;\n"
		     "TrunkGroup 10 = 6, 5, 1, 2, \"\", 0, 5, 1;\n"
		     "[ \\TrunkGroup ]\n",
		     INI_APPLY_FULL, &conf),
		-EINVAL);
	expect_diag(0, INI_SEV_ERROR, 6,
		    "TrunkGroup 3: phone number '158' is already the number of "
		    "an endpoint of TrunkGroup 7 (line 4)");
	expect_diag(1, INI_SEV_ERROR, 8,
		    "TrunkGroup 5: phone number '207' is already the number of "
		    "an endpoint of TrunkGroup 4 (line 7)");
	ck_assert_uint_eq(ini_diags_count(dg), 2);
	ck_assert_ptr_null(conf);
}
END_TEST

/* A channel belongs to one row; a per-endpoint device needs no gateway
 * user (it sends no registration of its own), unless a trunk group of it
 * registers per gateway. */
START_TEST(test_trunkgroup_overlap_and_user)
{
	ck_assert_int_eq(
		load(NULL,
		     "IsRegisterNeeded = 1\nAuthenticationMode = 0\n"
		     "RegistrarIP = 127.0.0.1\n" TGHEAD
		     "TrunkGroup 0 = 1, 0, 1, 30, \"100\", 0, 1, 1;\n"
		     "TrunkGroup 1 = 2, 1, 30, 31, \"500\", 0, 2, 1;\n"
		     "TrunkGroup 2 = 3, 255, 1, 4, \"600\", 0, 255, 2;\n"
		     "TrunkGroup 3 = 3, 255, 4, 4, \"700\", 0, 255, 2;\n"
		     "TrunkGroup 4 = 3, 255, 4, 4, \"800\", 0, 255, 3;\n"
		     "[ \\TrunkGroup ]\n",
		     INI_APPLY_FULL, &conf),
		-EINVAL);
	expect_diag(0, INI_SEV_ERROR, 7,
		    "TrunkGroup 1: B-channel 30 of trunk 1 (module 1) is "
		    "already in TrunkGroup 0 (line 6)");
	expect_diag(1, INI_SEV_ERROR, 9,
		    "TrunkGroup 3: port 4 of module 2 is already in "
		    "TrunkGroup 2 (line 8)");
	ck_assert_uint_eq(ini_diags_count(dg), 2);
	ini_diags_clear(dg);
	ck_assert_int_eq(load(NULL,
			      "IsRegisterNeeded = 1\nAuthenticationMode = 0\n"
			      "RegistrarIP = 127.0.0.1\n" TGHEAD
			      "TrunkGroup 0 = 1, 0, 1, 30, \"100\", 0, 1, 1;\n"
			      "[ \\TrunkGroup ]\n"
			      "[ TrunkGroupSettings ]\n"
			      "FORMAT TrunkGroupSettings_Index = "
			      "TrunkGroupSettings_TrunkGroupId, "
			      "TrunkGroupSettings_RegistrationMode;\n"
			      "TrunkGroupSettings 0 = 2, 1;\n"
			      "[ \\TrunkGroupSettings ]\n",
			      INI_APPLY_FULL, &conf),
			 0);
	ini_conf_destroy(conf);
	conf = NULL;
	/* trunk group 1 registers per gateway: GWRegistrationName or
	 * UserName again */
	ck_assert_int_eq(load(NULL,
			      "IsRegisterNeeded = 1\nAuthenticationMode = 0\n"
			      "RegistrarIP = 127.0.0.1\n" TGHEAD
			      "TrunkGroup 0 = 1, 0, 1, 30, \"100\", 0, 1, 1;\n"
			      "[ \\TrunkGroup ]\n"
			      "[ TrunkGroupSettings ]\n"
			      "FORMAT TrunkGroupSettings_Index = "
			      "TrunkGroupSettings_TrunkGroupId, "
			      "TrunkGroupSettings_RegistrationMode;\n"
			      "TrunkGroupSettings 0 = 1, 1;\n"
			      "[ \\TrunkGroupSettings ]\n",
			      INI_APPLY_FULL, &conf),
			 -EINVAL);
	expect_diag(0, INI_SEV_ERROR, 0,
		    "the gateway registers (IsRegisterNeeded=1) but has no "
		    "user: set GWRegistrationName or UserName");
	ck_assert_uint_eq(ini_diags_count(dg), 1);
}
END_TEST

/* Both forms of the Authentication table; the password is a secret. */
START_TEST(test_authentication_forms)
{
	ck_assert_int_eq(load(NULL,
			      "[ Authentication ]\n"
			      "FORMAT Authentication_Index = "
			      "Authentication_UserId, "
			      "Authentication_UserPassword;\n"
			      "Authentication 0 = david, 14325;\n"
			      "Authentication 3 = $$, \"$1$FBICFQAa\";\n"
			      "[ \\Authentication ]\n",
			      INI_APPLY_FULL, &conf),
			 0);
	ck_assert_str_eq(row_str(conf, INI_P_AUTHENTICATION_USER_ID, 0),
			 "david");
	ck_assert_str_eq(row_str(conf, INI_P_AUTHENTICATION_USER_PASSWORD, 3),
			 "secret");
	ck_assert_int_eq(row_int(conf, INI_P_AUTHENTICATION_PORT, 3), 0);
	ck_assert_int_eq(ini_param_type(ini_param_get(
				 INI_P_AUTHENTICATION_USER_PASSWORD)),
			 INI_TYPE_PASSWORD);
	ini_conf_destroy(conf);
	conf = NULL;
	ck_assert_int_eq(load(NULL,
			      "[ Authentication ]\n"
			      "FORMAT Authentication_Index = "
			      "Authentication_UserId, "
			      "Authentication_UserPassword, "
			      "Authentication_Module, Authentication_Port;\n"
			      "Authentication 0 = john,1325,1,1;\n"
			      "[ \\Authentication ]\n",
			      INI_APPLY_FULL, &conf),
			 0);
	ck_assert_int_eq(row_int(conf, INI_P_AUTHENTICATION_MODULE, 0), 1);
	ck_assert_int_eq(row_int(conf, INI_P_AUTHENTICATION_PORT, 0), 1);
}
END_TEST

static Suite *
apply_suite(void)
{
	Suite *s = suite_create("ini_apply");
	TCase *sc = tcase_create("scalars"), *tb = tcase_create("tables"),
	      *md = tcase_create("modes"), *sm = tcase_create("samples");

	tcase_add_checked_fixture(sc, setup, teardown);
	tcase_add_checked_fixture(tb, setup, teardown);
	tcase_add_checked_fixture(md, setup, teardown);
	tcase_add_checked_fixture(sm, setup, teardown);
	tcase_add_test(sc, test_scalars);
	tcase_add_test(sc, test_unknown_scalar_warning);
	tcase_add_test(sc, test_duplicate_scalar);
	tcase_add_test(sc, test_scalar_errors);
	tcase_add_test(tb, test_subset_format_any_order);
	tcase_add_test(tb, test_quoted_fields);
	tcase_add_test(tb, test_syntax_errors_at_line);
	tcase_add_test(tb, test_used_set_at_line);
	tcase_add_test(tb, test_unknown_table_warning);
	tcase_add_test(tb, test_table_errors);
	tcase_add_test(tb, test_syntax_error_rejects);
	tcase_add_test(tb, test_trunkgroup_formats);
	tcase_add_test(tb, test_trunkgroup_unknown_column);
	tcase_add_test(tb, test_trunkgroup_errors);
	tcase_add_test(tb, test_trunkgroup_duplicates);
	tcase_add_test(tb, test_trunkgroup_overlap_and_user);
	tcase_add_test(tb, test_authentication_forms);
	tcase_add_test(md, test_full_resets);
	tcase_add_test(md, test_incremental_keeps);
	tcase_add_test(md, test_incremental_rejects_atomically);
	tcase_add_test(md, test_changes_from_apply);
	tcase_add_test(md, test_bad_args);
	tcase_add_test(sm, test_sample_device_dump);
	tcase_add_test(sm, test_sample_device_dump_lossless);
	tcase_add_test(sm, test_sample_broken_syntax);
	tcase_add_test(sm, test_sample_broken_values);
	tcase_add_test(sm, test_sample_broken_refs);
	tcase_add_test(sm, test_sample_broken_encoding);
	tcase_add_test(sm, test_mutations);
	suite_add_tcase(s, sc);
	suite_add_tcase(s, tb);
	suite_add_tcase(s, md);
	suite_add_tcase(s, sm);
	return s;
}

GWTEST_MAIN(apply_suite)
