/* SPDX-License-Identifier: ISC */
/*
 * ini/export.c: device-style output, password handling, and
 * import(export(x)) == x over generated configurations.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ini/ini.h"
#include "ini/ini_int.h"
#include "tests/unit/gwtest.h"

#define ROUNDS 150

static unsigned long rng;

static unsigned
rnd(unsigned n)
{
	rng = rng * 6364136223846793005UL + 1442695040888963407UL;
	return n == 0 ? 0 : (unsigned)((rng >> 33) % n);
}

static long
rnd_range(long lo, long hi)
{
	return lo + (long)rnd((unsigned)(hi - lo + 1));
}

/* Text a catalog entry accepts: commas, semicolons, one kind of quote,
 * spaces at the ends, UTF-8; passwords may hold both quotes. */
static void
rnd_text(const struct ini_param *p, char *buf)
{
	static const char *const addr[] = { "",
					    "10.0.0.1",
					    "sbc.example.net",
					    "10.1.2.3:5080",
					    "[2001:db8::7]:5061",
					    "host-1.example" };
	static const char *const pieces[] = { "a",	  "Z",	"9", " ", ",",
					      ";",	  "$$", "=", "[", "\\",
					      "\xc3\xa9", "-",	"_", "@" };
	size_t max = ini_param_maxlen(p), n = 0, len = rnd((unsigned)max + 1);
	char q = rnd(2) ? '\'' : '"';

	static const char *const host[] = { "10.0.0.1", "sbc.example.net",
					    "[2001:db8::7]", "h-1.example",
					    "x" };
	static const char *const user[] = {
		"a", "Z", "9", "-", "_", ".", "!", "~", "*", "'",  "(",
		")", "&", "=", "+", "$", ",", ";", "?", "/", "%20"
	};

	if (ini_param_type(p) == INI_TYPE_ADDR) {
		strcpy(buf, addr[rnd(6)]);
		return;
	}
	if (ini_param_type(p) == INI_TYPE_HOST) {
		strcpy(buf, host[rnd(5)]);
		return;
	}
	if (ini_param_type(p) == INI_TYPE_USER) {
		while (n < len) {
			const char *s = user[rnd(21)];

			if (n + strlen(s) > len)
				break;
			memcpy(buf + n, s, strlen(s));
			n += strlen(s);
		}
		buf[n] = '\0';
		return;
	}
	while (n < len) {
		const char *s = pieces[rnd(14)];

		if (rnd(8) == 0)
			s = ini_param_type(p) == INI_TYPE_PASSWORD && rnd(2)
				    ? "'\""
				    : (q == '"' ? "\"" : "'");
		if (n + strlen(s) > len)
			break;
		memcpy(buf + n, s, strlen(s));
		n += strlen(s);
	}
	buf[n] = '\0';
}

static void
set_random(struct ini_conf *c, enum ini_param_id id, long row)
{
	const struct ini_param *p = ini_param_get(id);
	char buf[256];
	long lo, hi;
	int rc;

	if (ini_param_range(p, &lo, &hi) == 0) {
		if (ini_param_type(p) == INI_TYPE_ENUM)
			lo = ini_param_enum_value(
				p, rnd((unsigned)ini_param_enum_count(p)));
		else
			lo = rnd(3) == 0
				     ? hi
				     : rnd_range(lo, lo + 1000 < hi ? lo + 1000
								    : hi);
		snprintf(buf, sizeof(buf), "%ld", lo);
	} else
		rnd_text(p, buf);
	rc = ini_param_table(p) == INI_TABLE_NONE
		     ? ini_conf_set(c, id, buf, NULL, 0)
		     : ini_conf_row_set(c, id, row, buf, NULL, 0);
	ck_assert_msg(rc == 0, "%s = '%s': %d", ini_param_name(p), buf, rc);
}

static void
random_row(struct ini_conf *c, enum ini_table t, long index)
{
	size_t i;

	ck_assert_int_eq(ini_conf_row_create(c, t, index), 0);
	for (i = 0; i < ini_table_ncolumns(t); i++)
		if (rnd(3) != 0)
			set_random(c, ini_table_column(t, i), index);
}

/* A reference column: -1 (when allowed) or an existing row. */
static void
set_ref(struct ini_conf *c, enum ini_param_id col, long row, enum ini_table t,
	bool none_ok)
{
	size_t n = ini_conf_row_count(c, t);
	long idx = -1;

	if (n > 0 && (!none_ok || rnd(3) != 0))
		ck_assert_int_eq(ini_conf_row_at(c, t, rnd((unsigned)n), &idx),
				 0);
	else if (!none_ok)
		idx = 0;
	ck_assert_int_eq(ini_conf_row_set_int(c, col, row, idx), 0);
}

static void
gen_proxies(struct ini_conf *c)
{
	unsigned n = rnd(6), i, per[32] = { 0 };
	long idx, set;
	const char *addr;

	for (i = 0; i < n; i++)
		random_row(c, INI_TABLE_PROXYSET, (long)i * 3 + rnd(3));
	for (i = 0, idx = 0; i < rnd(12); i++, idx += 1 + rnd(5)) {
		random_row(c, INI_TABLE_PROXYIP, idx);
		/* a ProxyIp row needs its address (ini_conf_check) */
		ck_assert_int_eq(ini_conf_row_get_str(c,
						      INI_P_PROXYIP_IP_ADDRESS,
						      idx, &addr),
				 0);
		if (*addr == '\0')
			ck_assert_int_eq(ini_conf_row_set_str(
						 c, INI_P_PROXYIP_IP_ADDRESS,
						 idx, "10.0.0.2:5062"),
					 0);
		set_ref(c, INI_P_PROXYIP_PROXY_SET_ID, idx, INI_TABLE_PROXYSET,
			false);
		ck_assert_int_eq(
			ini_conf_row_get_int(c, INI_P_PROXYIP_PROXY_SET_ID, idx,
					     &set),
			0);
		if (++per[set] > 5)
			ck_assert_int_eq(
				ini_conf_row_delete(c, INI_TABLE_PROXYIP, idx),
				0);
	}
}

static void
gen_groups(struct ini_conf *c)
{
	unsigned n = rnd(5), i, tg;
	long idx;

	for (i = 0; i < n; i++) {
		idx = 1 + i * 2;
		random_row(c, INI_TABLE_IPGROUP, idx);
		set_ref(c, INI_P_IPGROUP_PROXY_SET_ID, idx, INI_TABLE_PROXYSET,
			true);
		set_ref(c, INI_P_IPGROUP_SERVING_IP_GROUP, idx,
			INI_TABLE_IPGROUP, true);
	}
	for (i = 0, tg = 1 + rnd(50); i < rnd(4); i++, tg += 1 + rnd(9)) {
		random_row(c, INI_TABLE_TRUNKGROUPSETTINGS, i);
		ck_assert_int_eq(ini_conf_row_set_int(
					 c, INI_P_TGS_TRUNK_GROUP_ID, i, tg),
				 0);
		set_ref(c, INI_P_TGS_SERVING_IP_GROUP, i, INI_TABLE_IPGROUP,
			true);
	}
}

static void
gen_accounts(struct ini_conf *c)
{
	unsigned n = rnd(20), i;
	long idx, tgs, tg = -1;

	for (i = 0; i < n; i++) {
		idx = rnd_range(0, 999999);
		if (ini_conf_row_exists(c, INI_TABLE_ACCOUNT, idx))
			continue;
		random_row(c, INI_TABLE_ACCOUNT, idx);
		set_ref(c, INI_P_ACCOUNT_SERVED_TRUNK_GROUP, idx,
			INI_TABLE_TRUNKGROUPSETTINGS, true);
		ck_assert_int_eq(
			ini_conf_row_get_int(
				c, INI_P_ACCOUNT_SERVED_TRUNK_GROUP, idx, &tgs),
			0);
		if (tgs >= 0)
			ck_assert_int_eq(
				ini_conf_row_get_int(
					c, INI_P_TGS_TRUNK_GROUP_ID, tgs, &tg),
				0);
		ck_assert_int_eq(ini_conf_row_set_int(
					 c, INI_P_ACCOUNT_SERVED_TRUNK_GROUP,
					 idx, tgs >= 0 ? tg : -1),
				 0);
		set_ref(c, INI_P_ACCOUNT_SERVED_IP_GROUP, idx,
			INI_TABLE_IPGROUP, true);
		set_ref(c, INI_P_ACCOUNT_SERVING_IP_GROUP, idx,
			INI_TABLE_IPGROUP, true);
	}
}

/* IP groups on a proxy set without address go to "no proxy set". */
static void
no_empty_sets(struct ini_conf *c)
{
	long g = LONG_MIN, set, a, s;
	bool found;

	while (ini_conf_row_next(c, INI_TABLE_IPGROUP, g, &g) == 0) {
		ck_assert_int_eq(
			ini_conf_row_get_int(c, INI_P_IPGROUP_PROXY_SET_ID, g,
					     &set),
			0);
		found = set <= 0;
		for (a = LONG_MIN;
		     !found &&
		     ini_conf_row_next(c, INI_TABLE_PROXYIP, a, &a) == 0;)
			found = ini_conf_row_get_int(c,
						     INI_P_PROXYIP_PROXY_SET_ID,
						     a, &s) == 0 &&
				s == set;
		if (!found)
			ck_assert_int_eq(
				ini_conf_row_set_int(
					c, INI_P_IPGROUP_PROXY_SET_ID, g, -1),
				0);
	}
}

/* Whoever registers gets a user (and an account an AOR host). */
static void
registering_names(struct ini_conf *c)
{
	long a = LONG_MIN;

	if (*ini_conf_get_str(c, INI_P_GW_REGISTRATION_NAME) == '\0')
		ck_assert_int_eq(
			ini_conf_set_str(c, INI_P_GW_REGISTRATION_NAME, "gw"),
			0);
	if (ini_conf_get_int(c, INI_P_IS_PROXY_USED) == 0)
		ck_assert_int_eq(
			ini_conf_set_str(c, INI_P_REGISTRAR_IP, "10.0.0.3"), 0);
	while (ini_conf_row_next(c, INI_TABLE_ACCOUNT, a, &a) == 0) {
		ck_assert_int_eq(ini_conf_row_set_str(
					 c, INI_P_ACCOUNT_CONTACT_USER, a, "u"),
				 0);
		ck_assert_int_eq(ini_conf_row_set_str(c,
						      INI_P_ACCOUNT_HOST_NAME,
						      a, "h.example"),
				 0);
	}
}

/* TrunkGroup rows of one endpoint each on modules of their own, unique
 * numbers (a digital row may have none); Authentication rows, one per
 * port. */
static void
gen_trunkgroups(struct ini_conf *c)
{
	unsigned n = rnd(8), i;
	long idx, trunk, ch;
	char num[16];

	for (i = 0; i < n; i++) {
		idx = rnd_range(0, 100);
		if (ini_conf_row_exists(c, INI_TABLE_TRUNKGROUP, idx))
			continue;
		random_row(c, INI_TABLE_TRUNKGROUP, idx);
		trunk = rnd(2) ? INI_TRUNK_NONE : rnd_range(0, 254);
		ck_assert_int_eq(
			ini_conf_row_set_int(c, INI_P_TRUNKGROUP_FIRST_TRUNK_ID,
					     idx, trunk),
			0);
		ck_assert_int_eq(
			ini_conf_row_set_int(c, INI_P_TRUNKGROUP_LAST_TRUNK_ID,
					     idx, trunk),
			0);
		ck_assert_int_eq(
			ini_conf_row_get_int(
				c, INI_P_TRUNKGROUP_FIRST_B_CHANNEL, idx, &ch),
			0);
		ck_assert_int_eq(
			ini_conf_row_set_int(c, INI_P_TRUNKGROUP_LAST_B_CHANNEL,
					     idx, ch),
			0);
		/* a module of its own: no channel in two rows */
		ck_assert_int_eq(ini_conf_row_set_int(
					 c, INI_P_TRUNKGROUP_MODULE, idx, idx),
				 0);
		snprintf(num, sizeof(num), "+0%ld", idx);
		ck_assert_int_eq(
			ini_conf_row_set_str(
				c, INI_P_TRUNKGROUP_FIRST_PHONE_NUMBER, idx,
				trunk != INI_TRUNK_NONE && rnd(3) == 0 ? ""
								       : num),
			0);
	}
	for (i = rnd(6); i > 0; i--) {
		idx = rnd_range(0, 255);
		if (ini_conf_row_exists(c, INI_TABLE_AUTHENTICATION, idx))
			continue;
		random_row(c, INI_TABLE_AUTHENTICATION, idx);
		/* one row per port: the two-column form, or port index + 1 */
		ck_assert_int_eq(
			ini_conf_row_set_int(c, INI_P_AUTHENTICATION_PORT, idx,
					     rnd(2) ? 0 : idx + 1),
			0);
	}
}

static struct ini_conf *
generate(void)
{
	struct ini_conf *c;
	int id;

	ck_assert_int_eq(ini_conf_create(&c), 0);
	for (id = 0; id < INI_P__SCALARS; id++)
		if (rnd(2))
			set_random(c, id, 0);
	gen_proxies(c);
	gen_groups(c);
	gen_accounts(c);
	gen_trunkgroups(c);
	/* a proxy set a binding registers through needs an address: the
	 * legacy ProxyIP gives set 0 one, other sets may be empty */
	if (ini_conf_check(c, NULL, NULL) != 0)
		ck_assert_int_eq(
			ini_conf_set_str(c, INI_P_PROXY_IP, "10.0.0.1"), 0);
	if (ini_conf_check(c, NULL, NULL) != 0)
		no_empty_sets(c);
	if (ini_conf_check(c, NULL, NULL) != 0)
		registering_names(c);
	ck_assert_int_eq(ini_conf_check(c, NULL, NULL), 0);
	return c;
}

static struct ini_conf *
reimport(const char *buf, size_t len)
{
	struct ini_diags *dg;
	struct ini_doc *doc;
	struct ini_conf *c = NULL;
	int rc;

	ck_assert_int_eq(ini_diags_create(&dg), 0);
	ck_assert_int_eq(ini_doc_parse(buf, len, "x.ini", &doc, dg), 0);
	rc = ini_conf_apply(NULL, doc, INI_APPLY_FULL, &c, NULL, dg);
	if (rc != 0)
		ck_abort_msg("reimport: %s (line %u)\n%s",
			     ini_diag_message(ini_diags_get(dg, 0)),
			     ini_diag_line(ini_diags_get(dg, 0)), buf);
	ck_assert_uint_eq(ini_diags_count(dg), 0);
	ini_doc_destroy(doc);
	ini_diags_destroy(dg);
	return c;
}

static void
roundtrip(const struct ini_conf *c, unsigned flags)
{
	struct ini_conf *back;
	char *buf;
	size_t len;

	ck_assert_int_eq(ini_conf_export(c, flags, &buf, &len), 0);
	ck_assert_uint_eq(strlen(buf), len);
	back = reimport(buf, len);
	ck_assert_msg(ini_conf_equal(c, back), "round trip differs:\n%s", buf);
	ini_conf_destroy(back);
	free(buf);
}

START_TEST(test_roundtrip_generated)
{
	unsigned i;

	for (i = 0; i < ROUNDS; i++) {
		struct ini_conf *c;

		rng = i + 1;
		c = generate();
		roundtrip(c, 0);
		roundtrip(c, INI_EXPORT_CLEAR_SECRETS);
		ini_conf_destroy(c);
	}
}
END_TEST

START_TEST(test_roundtrip_defaults)
{
	struct ini_conf *c;

	ck_assert_int_eq(ini_conf_create(&c), 0);
	roundtrip(c, 0);
	ini_conf_destroy(c);
}
END_TEST

static struct ini_conf *
with_secrets(void)
{
	struct ini_conf *c;

	ck_assert_int_eq(ini_conf_create(&c), 0);
	ck_assert_int_eq(ini_conf_set_str(c, INI_P_PASSWORD, "GlobalS3cret"),
			 0);
	ck_assert_int_eq(ini_conf_row_create(c, INI_TABLE_ACCOUNT, 4), 0);
	ck_assert_int_eq(ini_conf_row_set_str(c, INI_P_ACCOUNT_PASSWORD, 4,
					      "AccountS3cret"),
			 0);
	ck_assert_int_eq(ini_conf_row_create(c, INI_TABLE_AUTHENTICATION, 2),
			 0);
	ck_assert_int_eq(
		ini_conf_row_set_str(c, INI_P_AUTHENTICATION_USER_PASSWORD, 2,
				     "PortS3cret"),
		0);
	return c;
}

START_TEST(test_secrets_hidden)
{
	struct ini_conf *c = with_secrets();
	char *buf;

	ck_assert_int_eq(ini_conf_export(c, 0, &buf, NULL), 0);
	ck_assert_ptr_null(strstr(buf, "S3cret"));
	ck_assert_ptr_nonnull(strstr(buf, "\r\nPassword = '$1$"));
	free(buf);
	ck_assert_int_eq(
		ini_conf_export(c, INI_EXPORT_OMIT_SECRETS, &buf, NULL), 0);
	ck_assert_ptr_null(strstr(buf, "S3cret"));
	ck_assert_ptr_null(strstr(buf, "Password ="));
	ck_assert_ptr_null(strstr(buf, "Account_Password"));
	ck_assert_ptr_null(strstr(buf, "Authentication_UserPassword"));
	ck_assert_ptr_nonnull(strstr(buf, "Authentication_UserId"));
	ck_assert_ptr_null(strstr(buf, "$1$"));
	free(buf);
	/* the default password is a secret too */
	ck_assert_int_eq(ini_conf_reset(c, INI_P_PASSWORD, 0), 0);
	ck_assert_int_eq(ini_conf_export(c, 0, &buf, NULL), 0);
	ck_assert_ptr_null(strstr(buf, "Default_Passwd"));
	free(buf);
	ini_conf_destroy(c);
}
END_TEST

START_TEST(test_secrets_clear)
{
	struct ini_conf *c = with_secrets();
	char *buf, *obf;

	ck_assert_int_eq(
		ini_conf_export(c, INI_EXPORT_CLEAR_SECRETS, &buf, NULL), 0);
	ck_assert_ptr_nonnull(strstr(buf, "\r\nPassword = 'GlobalS3cret'\r\n"));
	ck_assert_ptr_nonnull(strstr(buf, "\"AccountS3cret\""));
	ck_assert_ptr_nonnull(strstr(buf, "\"PortS3cret\""));
	free(buf);
	/* a clear password that looks obfuscated is written obfuscated */
	ck_assert_int_eq(
		ini_conf_row_set_str(c, INI_P_ACCOUNT_PASSWORD, 4, "$1$FwA="),
		0); /* that is "pw" */
	ck_assert_int_eq(
		ini_conf_export(c, INI_EXPORT_CLEAR_SECRETS, &buf, NULL), 0);
	ck_assert_ptr_nonnull(strstr(buf, "\"pw\""));
	free(buf);
	/* a clear password that begins with $1$ goes out obfuscated */
	obf = ini_obfuscate("$1$notbase64");
	ck_assert_int_eq(ini_conf_set_str(c, INI_P_PASSWORD, obf), 0);
	ck_assert_str_eq(ini_conf_get_str(c, INI_P_PASSWORD), "$1$notbase64");
	ck_assert_int_eq(
		ini_conf_export(c, INI_EXPORT_CLEAR_SECRETS, &buf, NULL), 0);
	ck_assert_ptr_null(strstr(buf, "notbase64"));
	free(buf);
	free(obf);
	roundtrip(c, INI_EXPORT_CLEAR_SECRETS);
	ini_conf_destroy(c);
}
END_TEST

START_TEST(test_device_style)
{
	struct ini_conf *c = with_secrets();
	char *buf, *p;
	size_t len, i;

	ck_assert_int_eq(ini_conf_set_str(c, INI_P_CNONCE, "it's"), 0);
	ck_assert_int_eq(ini_conf_row_set_str(c, INI_P_ACCOUNT_USERNAME, 4,
					      "say \"hi\""),
			 0);
	ck_assert_int_eq(ini_conf_export(c, 0, &buf, &len), 0);
	for (i = 0; i < len; i++)
		if (buf[i] == '\n')
			ck_assert_int_eq(buf[i - 1], '\r');
	ck_assert_int_eq(strncmp(buf, ";**************\r\n;** Ini File **", 31),
			 0);
	ck_assert_ptr_nonnull(strstr(buf, "\r\n[SIP Params]\r\n"));
	ck_assert_ptr_nonnull(strstr(buf, "\r\nCnonce = \"it's\"\r\n"));
	ck_assert_ptr_nonnull(strstr(buf, "\r\nRegistrationTime = 180\r\n"));
	ck_assert_ptr_nonnull(strstr(buf, "\r\n[ ProxySet ]\r\n"));
	ck_assert_ptr_nonnull(strstr(buf, "\r\n[ \\Account ]\r\n"));
	p = strstr(buf,
		   "\r\nFORMAT Account_Index = Account_ServedTrunkGroup, ");
	ck_assert_ptr_nonnull(p);
	p = strstr(buf, "\r\nAccount 4 = -1, -1, -1, 'say \"hi\"', \"$1$");
	ck_assert_ptr_nonnull(p);
	free(buf);
	ck_assert_int_eq(ini_conf_export(NULL, 0, &buf, NULL), -EINVAL);
	ini_conf_destroy(c);
}
END_TEST

static Suite *
export_suite(void)
{
	Suite *s = suite_create("ini_export");
	TCase *fmt = tcase_create("format"), *rt = tcase_create("roundtrip");

	tcase_add_test(fmt, test_device_style);
	tcase_add_test(fmt, test_secrets_hidden);
	tcase_add_test(fmt, test_secrets_clear);
	tcase_add_test(rt, test_roundtrip_defaults);
	tcase_add_test(rt, test_roundtrip_generated);
	tcase_set_timeout(rt, 120);
	suite_add_tcase(s, fmt);
	suite_add_tcase(s, rt);
	return s;
}

GWTEST_MAIN(export_suite)
