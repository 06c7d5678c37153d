/* SPDX-License-Identifier: ISC */
/*
 * GWAGENT-MIB handlers without snmpd (lldpd's check_snmp.c idea): a
 * fixture daemon context, then GET, GETNEXT chains and SET transactions
 * straight through agent/mib.c.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "agent/event.h"
#include "agent/gwagent.h"
#include "agent/log.h"
#include "agent/mib.h"
#include "tests/unit/gwtest.h"

static struct gwagent g;

#define FIXTURE                                                              \
	"IsRegisterNeeded = 1\n"                                             \
	"IsProxyUsed = 1\n"                                                  \
	"UserName = 'gw'\n"                                                  \
	"Password = 'top-secret'\n"                                          \
	"[ ProxyIp ]\n"                                                      \
	"FORMAT ProxyIp_Index = ProxyIp_IpAddress, ProxyIp_ProxySetId;\n"    \
	"ProxyIp 0 = \"127.0.0.1:5999\", 0;\n"                               \
	"[ \\ProxyIp ]\n"                                                    \
	"[ IPGroup ]\n"                                                      \
	"FORMAT IPGroup_Index = IPGroup_ProxySetId, IPGroup_SIPGroupName;\n" \
	"IPGroup 1 = 0, \"pbx.test\";\n"                                     \
	"[ \\IPGroup ]\n"                                                    \
	"[ Account ]\n"                                                      \
	"FORMAT Account_Index = Account_ServedIPGroup, "                     \
	"Account_ServingIPGroup, "                                           \
	"Account_Username, Account_Password, Account_Register, "             \
	"Account_ContactUser;\n"                                             \
	"Account 3 = 1, 1, \"alice\", \"alice-pw\", 1, \"alice\";\n"         \
	"Account 10 = 1, 1, \"bob\", \"bob-pw\", 1, \"bob\";\n"              \
	"[ \\Account ]\n"

static void
quiet(int prio, const char *msg)
{
	(void)prio;
	(void)msg;
}

static uint64_t fake_now = 1000000;

static uint64_t
fake_clock(void *arg)
{
	(void)arg;
	return fake_now;
}

static void
setup(void)
{
	struct agent_sip_conf sc = { .local_addr = "127.0.0.1" };
	struct ini_diags *d;

	log_register(quiet);
	memset(&g, 0, sizeof(g));
	ck_assert_int_eq(agent_event_create(&g.ev), 0);
	agent_event_set_clock(g.ev, fake_clock, NULL);
	ck_assert_int_eq(gwagent_init(&g, &sc), 0);
	ck_assert_int_eq(ini_diags_create(&d), 0);
	ck_assert_int_eq(agent_config_load_buffer(g.config, FIXTURE,
						  strlen(FIXTURE), "f.ini",
						  INI_APPLY_FULL, NULL, d),
			 0);
	ini_diags_destroy(d);
	ck_assert_int_eq(agent_alarms_create(&g.alarms, &g, NULL, NULL), 0);
	agent_bindings_sync(g.bindings, agent_config_conf(g.config), 0);
}

static void
teardown(void)
{
	agent_alarms_destroy(g.alarms);
	gwagent_fini(&g);
	agent_event_destroy(g.ev);
	log_register(NULL);
}

static void
oid_of(struct mib_oid *o, const uint32_t *sub, size_t n)
{
	agent_mib_root(o);
	memcpy(o->v + o->len, sub, n * sizeof(*sub));
	o->len += n;
}

static int
oid_cmp(const struct mib_oid *a, const struct mib_oid *b)
{
	size_t i, n = a->len < b->len ? a->len : b->len;

	for (i = 0; i < n; i++)
		if (a->v[i] != b->v[i])
			return a->v[i] < b->v[i] ? -1 : 1;
	return a->len < b->len ? -1 : a->len > b->len;
}

START_TEST(test_get_scalars_and_columns)
{
	const uint32_t regtime[] = { 1, 1, 2, 5, 0 };
	const uint32_t password[] = { 1, 1, 2, 14, 0 };
	const uint32_t acc_user[] = { 1, 1, 8, 1, 5, 3 };
	const uint32_t acc_pw[] = { 1, 1, 8, 1, 6, 3 };
	const uint32_t acc_rs[] = { 1, 1, 8, 1, 11, 10 };
	const uint32_t missing[] = { 1, 1, 8, 1, 5, 4 };
	const uint32_t aor[] = { 1, 2, 1, 1, 3, 2, 3 };
	struct mib_oid o;
	struct mib_value v;

	oid_of(&o, regtime, 5);
	ck_assert_int_eq(agent_mib_get(&g, &o, &v), 0);
	ck_assert_int_eq(v.type, MIB_ASN_UNSIGNED);
	ck_assert_int_eq(v.num, 180);
	oid_of(&o, password, 5);
	ck_assert_int_eq(agent_mib_get(&g, &o, &v), 0);
	ck_assert_uint_eq(v.len, 0); /* write-only */
	oid_of(&o, acc_user, 6);
	ck_assert_int_eq(agent_mib_get(&g, &o, &v), 0);
	ck_assert_uint_eq(v.len, 5);
	ck_assert_int_eq(memcmp(v.str, "alice", 5), 0);
	oid_of(&o, acc_pw, 6);
	ck_assert_int_eq(agent_mib_get(&g, &o, &v), 0);
	ck_assert_uint_eq(v.len, 0);
	oid_of(&o, acc_rs, 6);
	ck_assert_int_eq(agent_mib_get(&g, &o, &v), 0);
	ck_assert_int_eq(v.num, 1); /* active */
	oid_of(&o, missing, 6);
	ck_assert_int_eq(agent_mib_get(&g, &o, &v), -ENOENT);
	oid_of(&o, aor, 7);
	ck_assert_int_eq(agent_mib_get(&g, &o, &v), 0);
	ck_assert_int_eq(memcmp(v.str, "sip:alice@pbx.test", v.len), 0);
	/* .0 missing, index too long, outside the MIB */
	oid_of(&o, regtime, 4);
	ck_assert_int_eq(agent_mib_get(&g, &o, &v), -ENOENT);
	oid_of(&o, acc_user, 6);
	o.v[o.len++] = 1;
	ck_assert_int_eq(agent_mib_get(&g, &o, &v), -ENOENT);
	o.len = 3;
	ck_assert_int_eq(agent_mib_get(&g, &o, &v), -ENOENT);
}
END_TEST

START_TEST(test_getnext_walks_everything_in_order)
{
	struct mib_oid o, next;
	struct mib_value v;
	size_t n = 0, accounts = 0, status = 0;
	const uint32_t acc[] = { 1, 1, 8, 1 }, rs[] = { 1, 2, 1, 1 };

	o.len = 1;
	o.v[0] = 1; /* before the MIB: the walk starts at its first object */
	while (agent_mib_getnext(&g, &o, &next, &v) == 0) {
		ck_assert_int_lt(oid_cmp(&o, &next), 0);
		if (next.len > 14 && memcmp(next.v + 10, acc, sizeof(acc)) == 0)
			accounts++;
		if (next.len > 14 && memcmp(next.v + 10, rs, sizeof(rs)) == 0)
			status++;
		if (v.type == MIB_ASN_OCTET_STR)
			ck_assert_ptr_null(memmem(v.str, v.len, "-pw", 3));
		o = next;
		ck_assert_int_lt(++n, 10000);
	}
	ck_assert_uint_eq(accounts, 2 * 10); /* two rows, ten columns */
	ck_assert_uint_eq(status, 3 * 17);   /* three bindings */
	ck_assert_uint_gt(n, 100);
	/* past the last object, and from an OID after the MIB */
	o.len = 1;
	o.v[0] = 2;
	ck_assert_int_eq(agent_mib_getnext(&g, &o, &next, &v), -ENOENT);
}
END_TEST

START_TEST(test_getnext_inside_tables)
{
	const uint32_t user3[] = { 1, 1, 8, 1, 5, 3 };
	const uint32_t user_after[] = { 1, 1, 8, 1, 5, 3, 99 };
	const uint32_t col_only[] = { 1, 1, 8, 1, 5 };
	struct mib_oid o, next;
	struct mib_value v;

	oid_of(&o, user3, 6);
	ck_assert_int_eq(agent_mib_getnext(&g, &o, &next, &v), 0);
	ck_assert_uint_eq(next.v[next.len - 1], 10); /* next account */
	ck_assert_uint_eq(next.v[next.len - 2], 5);
	oid_of(&o, user_after, 7); /* longer than an index: still row 10 */
	ck_assert_int_eq(agent_mib_getnext(&g, &o, &next, &v), 0);
	ck_assert_uint_eq(next.v[next.len - 1], 10);
	o = next; /* after the last row: next column, first row */
	ck_assert_int_eq(agent_mib_getnext(&g, &o, &next, &v), 0);
	ck_assert_uint_eq(next.v[next.len - 2], 6);
	ck_assert_uint_eq(next.v[next.len - 1], 3);
	oid_of(&o, col_only, 5);
	ck_assert_int_eq(agent_mib_getnext(&g, &o, &next, &v), 0);
	ck_assert_uint_eq(next.v[next.len - 1], 3);
}
END_TEST

static enum mib_err
set1(const uint32_t *sub, size_t n, int type, long long num, const char *s,
     size_t *bad)
{
	struct agent_mib_txn *t = agent_mib_txn_begin(&g);
	struct mib_oid o;
	struct mib_value v;
	enum mib_err e;

	oid_of(&o, sub, n);
	memset(&v, 0, sizeof(v));
	v.type = type;
	v.num = num;
	if (s != NULL) {
		v.len = strlen(s);
		memcpy(v.str, s, v.len);
	}
	e = agent_mib_txn_add(t, &o, &v);
	if (e == MIB_OK)
		e = agent_mib_txn_prepare(t, bad);
	if (e == MIB_OK)
		agent_mib_txn_commit(t);
	agent_mib_txn_free(t);
	return e;
}

START_TEST(test_set_error_codes)
{
	const uint32_t regtime[] = { 1, 1, 2, 5, 0 };
	const uint32_t gwname[] = { 1, 1, 2, 11, 0 };
	const uint32_t state[] = { 1, 2, 1, 1, 4, 1, 0 };
	const uint32_t count[] = { 1, 2, 3, 2, 0 };
	const uint32_t acc_user_new[] = { 1, 1, 8, 1, 5, 77 };
	const uint32_t acc_rs_far[] = { 1, 1, 8, 1, 11, 2000000 };
	const uint32_t pi_set[] = { 1, 1, 5, 1, 4, 0 };
	size_t bad = 99;

	ck_assert_int_eq(set1(regtime, 5, MIB_ASN_OCTET_STR, 0, "60", &bad),
			 MIB_ERR_WRONGTYPE);
	ck_assert_int_eq(set1(regtime, 5, MIB_ASN_UNSIGNED, 5, NULL, &bad),
			 MIB_ERR_WRONGVALUE);
	ck_assert_int_eq(set1(gwname, 5, MIB_ASN_OCTET_STR, 0,
			      "a-name-longer-than-fifteen", &bad),
			 MIB_ERR_WRONGLENGTH);
	ck_assert_int_eq(set1(state, 7, MIB_ASN_INTEGER, 1, NULL, &bad),
			 MIB_ERR_NOTWRITABLE);
	ck_assert_int_eq(set1(count, 5, MIB_ASN_UNSIGNED, 1, NULL, &bad),
			 MIB_ERR_NOTWRITABLE);
	ck_assert_int_eq(set1(acc_user_new, 6, MIB_ASN_OCTET_STR, 0, "x", &bad),
			 MIB_ERR_NOCREATION);
	ck_assert_int_eq(set1(acc_rs_far, 6, MIB_ASN_INTEGER, 4, NULL, &bad),
			 MIB_ERR_NOCREATION);
	/* proxy address 0 moved to a proxy set that does not exist */
	ck_assert_int_eq(set1(pi_set, 6, MIB_ASN_UNSIGNED, 9, NULL, &bad),
			 MIB_ERR_INCONSISTENTVALUE);
	ck_assert_int_eq(set1(regtime, 5, MIB_ASN_UNSIGNED, 600, NULL, &bad),
			 MIB_OK);
	ck_assert_int_eq(ini_conf_get_int(agent_config_conf(g.config),
					  INI_P_REGISTRATION_TIME),
			 600);
}
END_TEST

START_TEST(test_set_is_atomic_and_creates_rows)
{
	const uint32_t rs[] = { 1, 1, 8, 1, 11, 20 };
	const uint32_t user[] = { 1, 1, 8, 1, 5, 20 };
	const uint32_t reg[] = { 1, 1, 8, 1, 8, 20 };
	const uint32_t regtime[] = { 1, 1, 2, 5, 0 };
	struct agent_mib_txn *t = agent_mib_txn_begin(&g);
	struct mib_oid o;
	struct mib_value v;
	size_t bad = 99;

	/* columns before the RowStatus in the request still work */
	memset(&v, 0, sizeof(v));
	v.type = MIB_ASN_OCTET_STR;
	v.len = 5;
	memcpy(v.str, "carol", 5);
	oid_of(&o, user, 6);
	ck_assert_int_eq(agent_mib_txn_add(t, &o, &v), MIB_OK);
	memset(&v, 0, sizeof(v));
	v.type = MIB_ASN_INTEGER;
	v.num = 4; /* createAndGo */
	oid_of(&o, rs, 6);
	ck_assert_int_eq(agent_mib_txn_add(t, &o, &v), MIB_OK);
	v.num = 7; /* not a member of Account_Register's enumeration */
	oid_of(&o, reg, 6);
	ck_assert_int_eq(agent_mib_txn_add(t, &o, &v), MIB_ERR_WRONGVALUE);
	agent_mib_txn_free(t);
	ck_assert(!ini_conf_row_exists(agent_config_conf(g.config),
				       INI_TABLE_ACCOUNT, 20));

	/* a good value then a bad one: prepare fails, nothing changes */
	t = agent_mib_txn_begin(&g);
	memset(&v, 0, sizeof(v));
	v.type = MIB_ASN_UNSIGNED;
	v.num = 900;
	oid_of(&o, regtime, 5);
	ck_assert_int_eq(agent_mib_txn_add(t, &o, &v), MIB_OK);
	memset(&v, 0, sizeof(v));
	v.type = MIB_ASN_INTEGER;
	v.num = 4; /* createAndGo of an existing row */
	oid_of(&o, rs, 6);
	o.v[o.len - 1] = 3;
	ck_assert_int_eq(agent_mib_txn_add(t, &o, &v),
			 MIB_ERR_INCONSISTENTVALUE);
	agent_mib_txn_free(t);
	ck_assert_int_eq(ini_conf_get_int(agent_config_conf(g.config),
					  INI_P_REGISTRATION_TIME),
			 180);

	ck_assert_int_eq(set1(rs, 6, MIB_ASN_INTEGER, 4, NULL, &bad), MIB_OK);
	ck_assert(ini_conf_row_exists(agent_config_conf(g.config),
				      INI_TABLE_ACCOUNT, 20));
	ck_assert_int_eq(set1(rs, 6, MIB_ASN_INTEGER, 5, NULL, &bad),
			 MIB_ERR_WRONGVALUE); /* createAndWait */
	ck_assert_int_eq(set1(rs, 6, MIB_ASN_INTEGER, 6, NULL, &bad), MIB_OK);
	ck_assert(!ini_conf_row_exists(agent_config_conf(g.config),
				       INI_TABLE_ACCOUNT, 20));
}
END_TEST

START_TEST(test_set_ini_line)
{
	const uint32_t line[] = { 1, 3, 4, 0 };
	size_t bad = 0;

	ck_assert_int_eq(set1(line, 4, MIB_ASN_OCTET_STR, 0,
			      "RegistrationTime = 3600", &bad),
			 MIB_OK);
	ck_assert_int_eq(ini_conf_get_int(agent_config_conf(g.config),
					  INI_P_REGISTRATION_TIME),
			 3600);
	ck_assert_int_eq(set1(line, 4, MIB_ASN_OCTET_STR, 0,
			      "RegistrationTime = 1", &bad),
			 MIB_ERR_WRONGVALUE);
	ck_assert_ptr_nonnull(strstr(g.ini.line_diags, "gwIniLine: error: "));
	ck_assert_int_eq(g.ini.line_status, 3);
	ck_assert_int_eq(ini_conf_get_int(agent_config_conf(g.config),
					  INI_P_REGISTRATION_TIME),
			 3600);
}
END_TEST

/* gwIniLoadUri: the password of the userinfo is write-only. */
START_TEST(test_ini_uri_password_write_only)
{
	const uint32_t uri[] = { 1, 3, 1, 0 };
	struct mib_oid o;
	struct mib_value v;
	size_t bad = 0;

	ck_assert_int_eq(set1(uri, 4, MIB_ASN_OCTET_STR, 0,
			      "http://gw:S3cr3tPW@[::1]:8080/a.ini", &bad),
			 MIB_OK);
	ck_assert_str_eq(g.ini.uri, "http://gw:S3cr3tPW@[::1]:8080/a.ini");
	oid_of(&o, uri, 4);
	ck_assert_int_eq(agent_mib_get(&g, &o, &v), 0);
	ck_assert_uint_eq(v.len, strlen("http://gw@[::1]:8080/a.ini"));
	ck_assert_int_eq(memcmp(v.str, "http://gw@[::1]:8080/a.ini", v.len), 0);
	/* A shorter URI leaves nothing of the old one behind. */
	ck_assert_int_eq(set1(uri, 4, MIB_ASN_OCTET_STR, 0, "file:///x", &bad),
			 MIB_OK);
	ck_assert_ptr_null(memmem(g.ini.uri, sizeof(g.ini.uri), "S3cr3tPW", 8));
	ck_assert_int_eq(agent_mib_get(&g, &o, &v), 0);
	ck_assert_int_eq(memcmp(v.str, "file:///x", v.len), 0);
}
END_TEST

/* gwIniLine takes one line: blocks, headers, FORMAT, comments, CR/LF
 * are wrongValue and change nothing; its result has its own objects. */
START_TEST(test_set_ini_line_one_line_only)
{
	const uint32_t line[] = { 1, 3, 4, 0 };
	const uint32_t lstatus[] = { 1, 3, 8, 0 }, ldiags[] = { 1, 3, 9, 0 };
	const uint32_t ltime[] = { 1, 3, 10, 0 }, status[] = { 1, 3, 5, 0 };
	static const char *const bad_lines[] = {
		"RegistrationTime = 900\nUserName = 'x'",
		"RegistrationTime = 900\r",
		"[ SIP Params ]",
		"[ Account ]",
		"[ \\Account ]",
		"FORMAT Account_Index = Account_Username;",
		"; a comment",
		"",
		"NoSuchParameter = 1",
		"Account 7 = 1, 1, \"carol\";",
		"[ Account ]\nFORMAT Account_Index = Account_ServedIPGroup, "
		"Account_ServingIPGroup, Account_Username, Account_Register, "
		"Account_ContactUser;\nAccount 7 = 1, 1, \"carol\", 1, "
		"\"carol\";\n[ \\Account ]",
	};
	struct mib_oid o;
	struct mib_value v;
	size_t bad = 0, i;

	snprintf(g.ini.diags, sizeof(g.ini.diags), "last load's");
	g.ini.status = 2;
	for (i = 0; i < sizeof(bad_lines) / sizeof(bad_lines[0]); i++) {
		ck_assert_msg(set1(line, 4, MIB_ASN_OCTET_STR, 0, bad_lines[i],
				   &bad) == MIB_ERR_WRONGVALUE,
			      "accepted: %s", bad_lines[i]);
		ck_assert_int_eq(g.ini.line_status, 3);
		ck_assert_ptr_nonnull(strstr(g.ini.line_diags, "error"));
	}
	ck_assert(!ini_conf_row_exists(agent_config_conf(g.config),
				       INI_TABLE_ACCOUNT, 7));
	ck_assert_int_eq(ini_conf_get_int(agent_config_conf(g.config),
					  INI_P_REGISTRATION_TIME),
			 180);
	/* the catalog's nine columns do not fit the record's FORMAT */
	ck_assert_int_eq(
		set1(line, 4, MIB_ASN_OCTET_STR, 0,
		     "Account 7 = -1, 1, 1, \"carol\", \"carol-pw\", \"\", 1, "
		     "\"carol\", 0;",
		     &bad),
		MIB_ERR_WRONGVALUE);
	ck_assert_ptr_nonnull(strstr(g.ini.line_diags,
				     "6 values in the FORMAT of the gateway"));
	/* one row in the FORMAT of the record (f.ini) creates the account */
	ck_assert_int_eq(set1(line, 4, MIB_ASN_OCTET_STR, 0,
			      "Account 7 = 1, 1, \"carol\", \"carol-pw\", 1, "
			      "\"carol\";",
			      &bad),
			 MIB_OK);
	ck_assert(ini_conf_row_exists(agent_config_conf(g.config),
				      INI_TABLE_ACCOUNT, 7));
	oid_of(&o, lstatus, 4);
	ck_assert_int_eq(agent_mib_get(&g, &o, &v), 0);
	ck_assert_int_eq(v.num, 2);
	oid_of(&o, ldiags, 4);
	ck_assert_int_eq(agent_mib_get(&g, &o, &v), 0);
	ck_assert_uint_eq(v.len, strlen("applied"));
	oid_of(&o, ltime, 4);
	ck_assert_int_eq(agent_mib_get(&g, &o, &v), 0);
	ck_assert_uint_eq(v.len, 11);
	/* the loads' objects are untouched */
	ck_assert_str_eq(g.ini.diags, "last load's");
	oid_of(&o, status, 4);
	ck_assert_int_eq(agent_mib_get(&g, &o, &v), 0);
	ck_assert_int_eq(v.num, 2);
}
END_TEST

/* A second load while one runs: inconsistentValue, and the running
 * load's status and diagnostics stay. */
START_TEST(test_set_load_while_loading)
{
	const uint32_t uri[] = { 1, 3, 1, 0 }, action[] = { 1, 3, 3, 0 };
	const uint32_t mode[] = { 1, 3, 2, 0 };
	size_t bad = 0;

	ck_assert_int_eq(set1(mode, 4, MIB_ASN_INTEGER, 3, NULL, &bad), MIB_OK);
	ck_assert_int_eq(g.ini.mode, 3);
	ck_assert_int_eq(set1(mode, 4, MIB_ASN_INTEGER, 4, NULL, &bad),
			 MIB_ERR_WRONGVALUE);
	ck_assert_int_eq(set1(uri, 4, MIB_ASN_OCTET_STR, 0,
			      "http://u:pw@127.0.0.1:1/x.ini", &bad),
			 MIB_OK);
	g.ini.status = 1;
	snprintf(g.ini.diags, sizeof(g.ini.diags), "load running since x");
	ck_assert_int_eq(set1(action, 4, MIB_ASN_INTEGER, 1, NULL, &bad),
			 MIB_ERR_INCONSISTENTVALUE);
	ck_assert_int_eq(g.ini.status, 1);
	ck_assert_str_eq(g.ini.diags, "load running since x");
	/* a save meanwhile is answered but leaves the load's objects */
	ck_assert_int_eq(set1(action, 4, MIB_ASN_INTEGER, 2, NULL, &bad),
			 MIB_OK);
	ck_assert_int_eq(g.ini.status, 1);
	ck_assert_str_eq(g.ini.diags, "load running since x");
}
END_TEST

START_TEST(test_dateandtime)
{
	unsigned char b[11];

	ck_assert_uint_eq(agent_mib_dateandtime(0, b), 11);
	ck_assert_uint_eq(b[0] << 8 | b[1], 1970);
	ck_assert_uint_eq(b[2], 1);
	ck_assert_uint_eq(b[3], 1);
	agent_mib_dateandtime(1795599720, b); /* 2026-11-25 09:42:00 UTC */
	ck_assert_uint_eq(b[0] << 8 | b[1], 2026);
	ck_assert_uint_eq(b[2], 11);
	ck_assert_uint_eq(b[3], 25);
	ck_assert_uint_eq(b[4], 9);
	ck_assert_uint_eq(b[5], 42);
	ck_assert_uint_eq(b[8], '+');
}
END_TEST

static unsigned notified[8]; /* notifications sent, by number */

static int
count_notify(uint32_t n, const struct agent_varbind *vb, size_t nvb, void *arg)
{
	(void)vb;
	(void)nvb;
	(void)arg;
	if (n < 8)
		notified[n]++;
	return 0;
}

static void
get_ok(const uint32_t *sub, size_t n, struct mib_value *v)
{
	struct mib_oid o;

	oid_of(&o, sub, n);
	ck_assert_int_eq(agent_mib_get(&g, &o, v), 0);
}

static void
resync(void)
{
	agent_bindings_sync(g.bindings, agent_config_conf(g.config), 0);
	agent_alarms_prune(g.alarms);
}

/* A binding its configuration does not let run: failed with the reason,
 * an alarm with the configuration cause, actions refused; removing it
 * takes the alarm without a restored notification. */
START_TEST(test_unusable_binding)
{
	const uint32_t pi_rs[] = { 1, 1, 5, 1, 5, 0 };
	const uint32_t pi_addr[] = { 1, 1, 5, 1, 2, 0 };
	const uint32_t ac_rs[] = { 1, 1, 8, 1, 11, 10 };
	const uint32_t state[] = { 1, 2, 1, 1, 4, 2, 3 };
	const uint32_t lasterr[] = { 1, 2, 1, 1, 10, 2, 3 };
	const uint32_t action[] = { 1, 2, 1, 1, 18, 2, 3 };
	const uint32_t allaction[] = { 1, 2, 3, 1, 0 };
	const struct agent_alarm *al;
	struct mib_value v;
	size_t bad = 0;
	long seq;

	memset(notified, 0, sizeof(notified));
	agent_alarms_set_notify(g.alarms, count_notify, NULL);
	/* register works while the configuration is good */
	ck_assert_int_eq(set1(action, 7, MIB_ASN_INTEGER, 1, NULL, &bad),
			 MIB_OK);
	/* proxy set 0 loses its only address */
	ck_assert_int_eq(set1(pi_rs, 6, MIB_ASN_INTEGER, 6, NULL, &bad),
			 MIB_OK);
	resync();
	ck_assert_int_eq(agent_binding_usable(agent_bindings_find(
				 g.bindings, AGENT_BINDING_ACCOUNT, 3)),
			 0);
	get_ok(state, 7, &v);
	ck_assert_int_eq(v.num, 9); /* failed */
	get_ok(lasterr, 7, &v);
	ck_assert_uint_eq(v.len, strlen("proxy set 0 has no address"));
	ck_assert_int_eq(memcmp(v.str, "proxy set 0 has no address", v.len), 0);
	/* gateway and both accounts: three alarms, three notifications */
	ck_assert_uint_eq(agent_alarms_count(g.alarms), 3);
	ck_assert_uint_eq(notified[1], 3);
	for (seq = 0; (al = agent_alarms_next(g.alarms, seq)) != NULL;
	     seq = (long)al->seq) {
		ck_assert_str_eq(al->name, "gwRegistrationFailed");
		ck_assert_int_eq(al->cause, 7); /* configuration */
		ck_assert_int_eq(al->event_type, 3);
		ck_assert_ptr_nonnull(
			strstr(al->text, "proxy set 0 has no address"));
		ck_assert_ptr_null(strstr(al->text, "-pw"));
	}
	/* the same again: nothing new */
	resync();
	ck_assert_uint_eq(notified[1], 3);
	ck_assert_uint_eq(agent_alarms_count(g.alarms), 3);
	/* register and refresh refused, unregister a no-op, all accepted */
	ck_assert_int_eq(set1(action, 7, MIB_ASN_INTEGER, 1, NULL, &bad),
			 MIB_ERR_INCONSISTENTVALUE);
	ck_assert_int_eq(set1(action, 7, MIB_ASN_INTEGER, 3, NULL, &bad),
			 MIB_ERR_INCONSISTENTVALUE);
	ck_assert_int_eq(set1(action, 7, MIB_ASN_INTEGER, 2, NULL, &bad),
			 MIB_OK);
	ck_assert_int_eq(set1(allaction, 5, MIB_ASN_INTEGER, 1, NULL, &bad),
			 MIB_OK);
	get_ok(lasterr, 7, &v);
	ck_assert_int_eq(memcmp(v.str, "proxy set 0 has no address", v.len), 0);
	/* account 10 destroyed: its alarm goes, nothing says "restored" */
	ck_assert_int_eq(set1(ac_rs, 6, MIB_ASN_INTEGER, 6, NULL, &bad),
			 MIB_OK);
	resync();
	ck_assert_uint_eq(agent_alarms_count(g.alarms), 2);
	ck_assert_uint_eq(notified[2], 0);
	/* the address is back: the bindings can run again */
	ck_assert_int_eq(set1(pi_rs, 6, MIB_ASN_INTEGER, 4, NULL, &bad),
			 MIB_OK);
	ck_assert_int_eq(
		set1(pi_addr, 6, MIB_ASN_OCTET_STR, 0, "127.0.0.1:5999", &bad),
		MIB_OK);
	resync();
	ck_assert_int_eq(agent_binding_usable(agent_bindings_find(
				 g.bindings, AGENT_BINDING_ACCOUNT, 3)),
			 1);
	ck_assert_int_eq(set1(action, 7, MIB_ASN_INTEGER, 1, NULL, &bad),
			 MIB_OK);
	get_ok(lasterr, 7, &v);
	ck_assert_uint_eq(v.len, 0);
}
END_TEST

/* A communications alarm that turns into a configuration fault is the
 * same row, updated, and notified again. */
START_TEST(test_alarm_cause_changes_in_place)
{
	const uint32_t pi_rs[] = { 1, 1, 5, 1, 5, 0 };
	struct agent_binding *ab =
		agent_bindings_find(g.bindings, AGENT_BINDING_ACCOUNT, 3);
	const struct agent_alarm *al;
	struct sipreg_status st;
	size_t bad = 0;
	uint32_t seq;

	memset(notified, 0, sizeof(notified));
	agent_alarms_set_notify(g.alarms, count_notify, NULL);
	memset(&st, 0, sizeof(st));
	st.state = SIPREG_BACKOFF;
	snprintf(st.last_error, sizeof(st.last_error), "no answer");
	agent_notify_binding(ab, &st, &g);
	al = agent_alarms_next(g.alarms, 0);
	ck_assert_ptr_nonnull(al);
	ck_assert_int_eq(al->cause, 6);
	seq = al->seq;
	agent_notify_binding(ab, &st, &g); /* the same fault: no news */
	ck_assert_uint_eq(notified[1], 1);
	ck_assert_int_eq(set1(pi_rs, 6, MIB_ASN_INTEGER, 6, NULL, &bad),
			 MIB_OK);
	resync();
	al = agent_alarms_find(g.alarms, seq);
	ck_assert_ptr_nonnull(al);
	ck_assert_int_eq(al->cause, 7);
	ck_assert_ptr_nonnull(strstr(al->text, "proxy set 0 has no address"));
	/* account 3 updated, gateway and account 10 raised */
	ck_assert_uint_eq(notified[1], 4);
	ck_assert_uint_eq(agent_alarms_count(g.alarms), 3);
}
END_TEST

START_TEST(test_counter_discontinuity)
{
	const uint32_t disc3[] = { 1, 2, 1, 1, 19, 2, 3 };
	const uint32_t disc20[] = { 1, 2, 1, 1, 19, 2, 20 };
	const uint32_t ac_rs[] = { 1, 1, 8, 1, 11, 20 };
	const uint32_t ac_cols[][6] = {
		{ 1, 1, 8, 1, 3, 20 }, /* served IP group */
		{ 1, 1, 8, 1, 4, 20 }, /* serving IP group */
		{ 1, 1, 8, 1, 8, 20 }, /* register */
		{ 1, 1, 8, 1, 9, 20 }, /* contact user */
	};
	const uint32_t regtime[] = { 1, 1, 2, 5, 0 };
	struct mib_value v;
	size_t bad = 0;

	get_ok(disc3, 7, &v);
	ck_assert_int_eq(v.type, MIB_ASN_TIMETICKS);
	ck_assert_int_eq(v.num, 0); /* since the agent started */
	/* a new account, at once: still not 0 */
	ck_assert_int_eq(set1(ac_rs, 6, MIB_ASN_INTEGER, 4, NULL, &bad),
			 MIB_OK);
	ck_assert_int_eq(set1(ac_cols[0], 6, MIB_ASN_INTEGER, 1, NULL, &bad),
			 MIB_OK);
	ck_assert_int_eq(set1(ac_cols[1], 6, MIB_ASN_INTEGER, 1, NULL, &bad),
			 MIB_OK);
	ck_assert_int_eq(set1(ac_cols[2], 6, MIB_ASN_INTEGER, 1, NULL, &bad),
			 MIB_OK);
	ck_assert_int_eq(
		set1(ac_cols[3], 6, MIB_ASN_OCTET_STR, 0, "carol", &bad),
		MIB_OK);
	resync();
	get_ok(disc20, 7, &v);
	ck_assert_int_eq(v.num, 1);
	/* a change that re-derives every binding keeps the times */
	fake_now += 12340;
	ck_assert_int_eq(set1(regtime, 5, MIB_ASN_UNSIGNED, 600, NULL, &bad),
			 MIB_OK);
	resync();
	ck_assert_uint_eq(agent_bindings_last_sync(g.bindings)->updated, 4);
	get_ok(disc3, 7, &v);
	ck_assert_int_eq(v.num, 0);
	get_ok(disc20, 7, &v);
	ck_assert_int_eq(v.num, 1);
	{
		/* destroyed and created again: a new time, 12.34 s later */
		ck_assert_int_eq(set1(ac_rs, 6, MIB_ASN_INTEGER, 6, NULL, &bad),
				 MIB_OK);
		resync();
		ck_assert_int_eq(set1(ac_rs, 6, MIB_ASN_INTEGER, 4, NULL, &bad),
				 MIB_OK);
		set1(ac_cols[0], 6, MIB_ASN_INTEGER, 1, NULL, &bad);
		set1(ac_cols[1], 6, MIB_ASN_INTEGER, 1, NULL, &bad);
		set1(ac_cols[2], 6, MIB_ASN_INTEGER, 1, NULL, &bad);
		set1(ac_cols[3], 6, MIB_ASN_OCTET_STR, 0, "carol", &bad);
		resync();
		get_ok(disc20, 7, &v);
		ck_assert_int_eq(v.num, 1234);
	}
}
END_TEST

static Suite *
mib_suite(void)
{
	Suite *s = suite_create("agent_mib");
	TCase *tc = tcase_create("get");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_get_scalars_and_columns);
	tcase_add_test(tc, test_getnext_walks_everything_in_order);
	tcase_add_test(tc, test_getnext_inside_tables);
	suite_add_tcase(s, tc);
	tc = tcase_create("set");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_set_error_codes);
	tcase_add_test(tc, test_set_is_atomic_and_creates_rows);
	tcase_add_test(tc, test_set_ini_line);
	tcase_add_test(tc, test_set_ini_line_one_line_only);
	tcase_add_test(tc, test_set_load_while_loading);
	tcase_add_test(tc, test_ini_uri_password_write_only);
	suite_add_tcase(s, tc);
	tc = tcase_create("bindings");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_unusable_binding);
	tcase_add_test(tc, test_alarm_cause_changes_in_place);
	tcase_add_test(tc, test_counter_discontinuity);
	suite_add_tcase(s, tc);
	tc = tcase_create("types");
	tcase_add_test(tc, test_dateandtime);
	suite_add_tcase(s, tc);
	return s;
}

GWTEST_MAIN(mib_suite)
