/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "agent/core/event.h"
#include "agent/core/gwagent.h"
#include "agent/core/log.h"
#include "ini/ini_int.h"
#include "tests/unit/gwtest.h"

static struct ini_conf *
conf_from(const char *text)
{
	struct ini_diags *d;
	struct ini_doc *doc;
	struct ini_conf *c = NULL;
	char line[512];
	size_t i;

	ck_assert_int_eq(ini_diags_create(&d), 0);
	ck_assert_int_eq(ini_doc_parse(text, strlen(text), "t.ini", &doc, d),
			 0);
	if (ini_conf_apply(NULL, doc, INI_APPLY_FULL, &c, NULL, d) != 0) {
		for (i = 0; i < ini_diags_count(d); i++) {
			ini_diag_format(ini_diags_get(d, i), line,
					sizeof(line));
			fprintf(stderr, "%s\n", line);
		}
		ck_abort_msg("configuration rejected");
	}
	ini_doc_destroy(doc);
	ini_diags_destroy(d);
	return c;
}

#define BASE                                                                  \
	"IsRegisterNeeded = 1\n"                                              \
	"IsProxyUsed = 1\n"                                                   \
	"GWRegistrationName = 'gw100'\n"                                      \
	"UserName = 'gwuser'\n"                                               \
	"Password = 'gw-secret'\n"                                            \
	"SIPGatewayName = 'gw.example'\n"                                     \
	"RegistrationTime = 300\n"                                            \
	"[ ProxySet ]\n"                                                      \
	"FORMAT ProxySet_Index = ProxySet_IsProxyHotSwap;\n"                  \
	"ProxySet 0 = 0;\n"                                                   \
	"ProxySet 1 = 1;\n"                                                   \
	"[ \\ProxySet ]\n"                                                    \
	"[ ProxyIp ]\n"                                                       \
	"FORMAT ProxyIp_Index = ProxyIp_IpAddress, ProxyIp_TransportType, "   \
	"ProxyIp_ProxySetId;\n"                                               \
	"ProxyIp 0 = \"127.0.0.1:5070\", 0, 0;\n"                             \
	"ProxyIp 1 = \"127.0.0.2\", -1, 1;\n"                                 \
	"ProxyIp 2 = \"127.0.0.3:5099\", 0, 1;\n"                             \
	"[ \\ProxyIp ]\n"                                                     \
	"[ IPGroup ]\n"                                                       \
	"FORMAT IPGroup_Index = IPGroup_ProxySetId, IPGroup_SIPGroupName, "   \
	"IPGroup_ContactUser;\n"                                              \
	"IPGroup 1 = 1, \"pbx.example\", \"trunk\";\n"                        \
	"[ \\IPGroup ]\n"                                                     \
	"[ TrunkGroupSettings ]\n"                                            \
	"FORMAT TrunkGroupSettings_Index = TrunkGroupSettings_TrunkGroupId, " \
	"TrunkGroupSettings_RegistrationMode;\n"                              \
	"TrunkGroupSettings 0 = 1, 5;\n"                                      \
	"TrunkGroupSettings 1 = 2, 1;\n"                                      \
	"[ \\TrunkGroupSettings ]\n"

#define ACCOUNTS                                                             \
	"[ Account ]\n"                                                      \
	"FORMAT Account_Index = Account_ServedTrunkGroup, "                  \
	"Account_ServingIPGroup, Account_Username, Account_Password, "       \
	"Account_HostName, Account_Register, Account_ContactUser;\n"         \
	"Account 0 = 1, 1, \"alice\", \"pw-a\", \"\", 1, \"alice\";\n"       \
	"Account 1 = 1, 1, \"bob\", \"pw-b\", \"other.example\", 1, \"\";\n" \
	"Account 2 = 1, 1, \"carol\", \"pw-c\", \"\", 0, \"carol\";\n"       \
	"Account 3 = 2, 1, \"dave\", \"pw-d\", \"\", 1, \"dave\";\n"         \
	"[ \\Account ]\n"

START_TEST(test_describe_gateway)
{
	struct ini_conf *c = conf_from(BASE);
	char buf[512];

	ck_assert_int_eq(agent_binding_describe(c, AGENT_BINDING_GATEWAY, 0,
						buf, sizeof(buf)),
			 1);
	ck_assert_str_eq(buf, "aor=gw100@gw.example ruri=127.0.0.1 "
			      "auth=gwuser set=0 addrs=127.0.0.1:5070/udp "
			      "expires=300 hotswap=0 ka=0/60 homing=0 rr=0");
	ck_assert_ptr_null(strstr(buf, "gw-secret"));
	ini_conf_destroy(c);

	/* RegistrarIP wins over proxy set 0; RegistrarName is the R-URI. */
	/* Proxy set 0 has a row: its keep-alive columns win over the global
	 * ones; its redundancy mode is -1, "use the global one". */
	c = conf_from(BASE "EnableProxyKeepAlive = 1\n"
			   "ProxyKeepAliveTime = 30\n"
			   "ProxyRedundancyMode = 1\n");
	agent_binding_describe(c, AGENT_BINDING_GATEWAY, 0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "aor=gw100@gw.example ruri=127.0.0.1 "
			      "auth=gwuser set=0 addrs=127.0.0.1:5070/udp "
			      "expires=300 hotswap=0 ka=0/60 homing=1 rr=0");
	ini_conf_destroy(c);

	c = conf_from(BASE "RegistrarIP = '127.0.0.9:5080'\n"
			   "RegistrarName = 'reg.example'\n"
			   "RegistrarTransportType = 1\n");
	agent_binding_describe(c, AGENT_BINDING_GATEWAY, 0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "aor=gw100@gw.example ruri=reg.example "
			      "auth=gwuser set=-1 addrs=127.0.0.9:5080/tcp "
			      "expires=300 hotswap=0 ka=0/60 homing=0 rr=0");
	ini_conf_destroy(c);

	c = conf_from("IsRegisterNeeded = 0\n");
	ck_assert_int_eq(agent_binding_describe(c, AGENT_BINDING_GATEWAY, 0,
						buf, sizeof(buf)),
			 0);
	ck_assert_str_eq(buf, "none");
	ini_conf_destroy(c);

	/* ini_conf_check() refuses this configuration (no registrar); the
	 * setters alone do not, so build it with them */
	ck_assert_int_eq(ini_conf_create(&c), 0);
	ck_assert_int_eq(ini_conf_set_int(c, INI_P_IS_REGISTER_NEEDED, 1), 0);
	ck_assert_int_eq(ini_conf_set_str(c, INI_P_USER_NAME, "u"), 0);
	ck_assert_int_eq(ini_conf_check(c, NULL, NULL), -EINVAL);
	ck_assert_int_eq(agent_binding_describe(c, AGENT_BINDING_GATEWAY, 0,
						buf, sizeof(buf)),
			 -EINVAL);
	ck_assert_str_eq(buf, "error: no registrar: set RegistrarIP or proxy "
			      "set 0");
	ini_conf_destroy(c);
}
END_TEST

/* DNSQueryType / ProxyDNSQueryType per address: a port means A only, a
 * configured transport SRV instead of NAPTR, a registrar DNSQueryType. */
START_TEST(test_describe_dns_query)
{
	struct ini_conf *c;
	char buf[512];

	c = conf_from(BASE ACCOUNTS "ProxyDNSQueryType = 2\n");
	agent_binding_describe(c, AGENT_BINDING_ACCOUNT, 0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "aor=alice@pbx.example ruri=pbx.example "
			      "auth=alice set=1 addrs=127.0.0.2:5060/udp,"
			      "127.0.0.3:5099/udp expires=300 hotswap=1 "
			      "ka=0/60 homing=0 rr=0 dns=2,0");
	ini_conf_destroy(c);

	c = conf_from(BASE ACCOUNTS "DNSQueryType = 2\n");
	agent_binding_describe(c, AGENT_BINDING_ACCOUNT, 0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "aor=alice@pbx.example ruri=pbx.example "
			      "auth=alice set=1 addrs=127.0.0.2:5060/udp,"
			      "127.0.0.3:5099/udp expires=300 hotswap=1 "
			      "ka=0/60 homing=0 rr=0 dns=2,0");
	ini_conf_destroy(c);

	/* the registrar: DNSQueryType only; its transport is configured */
	c = conf_from(BASE "RegistrarIP = 'reg.example'\n"
			   "RegistrarTransportType = 0\n"
			   "ProxyDNSQueryType = 1\n"
			   "DNSQueryType = 2\n");
	agent_binding_describe(c, AGENT_BINDING_GATEWAY, 0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "aor=gw100@gw.example ruri=reg.example "
			      "auth=gwuser set=-1 addrs=reg.example:5060/udp "
			      "expires=300 hotswap=0 ka=0/60 homing=0 rr=0 "
			      "dns=1");
	ini_conf_destroy(c);
	c = conf_from(BASE "RegistrarIP = 'reg.example'\n"
			   "ProxyDNSQueryType = 1\n");
	agent_binding_describe(c, AGENT_BINDING_GATEWAY, 0, buf, sizeof(buf));
	ck_assert_ptr_null(strstr(buf, "dns="));
	ini_conf_destroy(c);
}
END_TEST

START_TEST(test_describe_accounts)
{
	struct ini_conf *c = conf_from(BASE ACCOUNTS);
	char buf[512];

	agent_binding_describe(c, AGENT_BINDING_ACCOUNT, 0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "aor=alice@pbx.example ruri=pbx.example "
			      "auth=alice set=1 addrs=127.0.0.2:5060/udp,"
			      "127.0.0.3:5099/udp expires=300 hotswap=1 "
			      "ka=0/60 homing=0 rr=0");
	/* HostName given, ContactUser empty: the IP group's contact user. */
	agent_binding_describe(c, AGENT_BINDING_ACCOUNT, 1, buf, sizeof(buf));
	ck_assert_str_eq(buf, "aor=trunk@other.example ruri=other.example "
			      "auth=bob set=1 addrs=127.0.0.2:5060/udp,"
			      "127.0.0.3:5099/udp expires=300 hotswap=1 "
			      "ka=0/60 homing=0 rr=0");
	/* Account_Register = 0 */
	ck_assert_int_eq(agent_binding_describe(c, AGENT_BINDING_ACCOUNT, 2,
						buf, sizeof(buf)),
			 0);
	/* trunk group 2 registers per gateway, not per account */
	ck_assert_int_eq(agent_binding_describe(c, AGENT_BINDING_ACCOUNT, 3,
						buf, sizeof(buf)),
			 0);
	ini_conf_destroy(c);
}
END_TEST

START_TEST(test_addr_parse)
{
	char host[64];
	uint16_t port;

	ck_assert_int_eq(
		agent_addr_parse("10.0.0.1:5080", host, sizeof(host), &port),
		0);
	ck_assert_str_eq(host, "10.0.0.1");
	ck_assert_uint_eq(port, 5080);
	ck_assert_int_eq(
		agent_addr_parse("sip.example", host, sizeof(host), &port), 0);
	ck_assert_uint_eq(port, 0);
	ck_assert_int_eq(
		agent_addr_parse("[::1]:5062", host, sizeof(host), &port), 0);
	ck_assert_str_eq(host, "::1");
	ck_assert_uint_eq(port, 5062);
	ck_assert_int_eq(agent_addr_parse("::1", host, sizeof(host), &port), 0);
	ck_assert_str_eq(host, "::1");
	ck_assert_int_eq(agent_addr_parse("h:0", host, sizeof(host), &port),
			 -EINVAL);
	ck_assert_int_eq(agent_addr_parse("h:70000", host, sizeof(host), &port),
			 -EINVAL);
	ck_assert_int_eq(agent_addr_parse("[::1", host, sizeof(host), &port),
			 -EINVAL);
	ck_assert_int_eq(agent_addr_parse("", host, sizeof(host), &port),
			 -EINVAL);
	ck_assert_int_eq(agent_addr_parse(":5060", host, sizeof(host), &port),
			 -EINVAL);
}
END_TEST

static void
quiet(int prio, const char *msg)
{
	(void)prio;
	(void)msg;
}

START_TEST(test_sync_only_affected)
{
	struct agent_event *ev;
	struct agent_bindings *bs;
	struct agent_sip_conf sc = { .local_addr = "127.0.0.1" };
	struct ini_conf *c1 = conf_from(BASE ACCOUNTS), *c2;
	const struct agent_sync_stats *st;
	const struct sipreg_binding *b0, *b1;
	char err[128];

	log_register(quiet);
	ck_assert_int_eq(agent_event_create(&ev), 0);
	ck_assert_int_eq(agent_bindings_create(&bs, ev, &sc, NULL, NULL), 0);
	ck_assert_int_eq(agent_bindings_sync(bs, c1, 0), 0);
	/* gateway + accounts 0 and 1 */
	ck_assert_uint_eq(agent_bindings_count(bs), 3);
	st = agent_bindings_last_sync(bs);
	ck_assert_uint_eq(st->added, 3);
	ck_assert_ptr_nonnull(
		agent_bindings_find(bs, AGENT_BINDING_GATEWAY, 0));
	ck_assert_ptr_null(agent_bindings_find(bs, AGENT_BINDING_ACCOUNT, 2));
	ck_assert_ptr_eq(agent_bindings_next(bs, AGENT_BINDING_GATEWAY, 0),
			 agent_bindings_find(bs, AGENT_BINDING_ACCOUNT, 0));
	b0 = agent_binding_engine(agent_bindings_find(bs, 2, 0));
	b1 = agent_binding_engine(agent_bindings_find(bs, 2, 1));

	/* same configuration again: nothing to do */
	ck_assert_int_eq(agent_bindings_sync(bs, c1, 0), 0);
	ck_assert_uint_eq(st->added + st->updated + st->removed, 0);

	/* one password changes: exactly that account is updated */
	ck_assert_int_eq(ini_conf_dup(c1, &c2), 0);
	ck_assert_int_eq(ini_conf_row_set(c2, INI_P_ACCOUNT_PASSWORD, 1,
					  "new-pw", err, sizeof(err)),
			 0);
	ck_assert_int_eq(agent_bindings_sync(bs, c2, 0), 0);
	ck_assert_uint_eq(st->updated, 1);
	ck_assert_uint_eq(st->added + st->removed, 0);
	ck_assert_ptr_eq(agent_binding_engine(agent_bindings_find(bs, 2, 0)),
			 b0);
	ck_assert_ptr_eq(agent_binding_engine(agent_bindings_find(bs, 2, 1)),
			 b1);

	/* account 0 stops registering, account 2 starts */
	ck_assert_int_eq(ini_conf_row_set(c2, INI_P_ACCOUNT_REGISTER, 0, "0",
					  err, sizeof(err)),
			 0);
	ck_assert_int_eq(ini_conf_row_set(c2, INI_P_ACCOUNT_REGISTER, 2, "1",
					  err, sizeof(err)),
			 0);
	ck_assert_int_eq(agent_bindings_sync(bs, c2, 0), 0);
	ck_assert_uint_eq(st->added, 1);
	ck_assert_uint_eq(st->removed, 1);
	ck_assert_uint_eq(st->updated, 0);
	ck_assert_ptr_null(agent_bindings_find(bs, AGENT_BINDING_ACCOUNT, 0));
	ck_assert_ptr_nonnull(
		agent_bindings_find(bs, AGENT_BINDING_ACCOUNT, 2));

	/* a global timer changes every binding */
	ck_assert_int_eq(ini_conf_set(c2, INI_P_REGISTRATION_TIME, "600", err,
				      sizeof(err)),
			 0);
	ck_assert_int_eq(agent_bindings_sync(bs, c2, 0), 0);
	ck_assert_uint_eq(st->updated, 3);

	agent_bindings_destroy(bs);
	agent_event_destroy(ev);
	ini_conf_destroy(c1);
	ini_conf_destroy(c2);
	log_register(NULL);
}
END_TEST

static unsigned refused_calls;

static void
on_status(struct agent_binding *ab, const struct sipreg_status *st, void *arg)
{
	(void)arg;
	if (st->state == SIPREG_FAILED && !agent_binding_usable(ab)) {
		refused_calls++;
		*agent_binding_alarm_flag(ab) = 1; /* as the alarm code does */
	}
}

static struct sipreg_status
bstatus(struct agent_bindings *bs, long id)
{
	struct sipreg_status st;
	struct agent_binding *ab =
		agent_bindings_find(bs, AGENT_BINDING_ACCOUNT, id);

	ck_assert_ptr_nonnull(ab);
	ck_assert_int_eq(agent_binding_status(ab, &st), 0);
	return st;
}

/* A binding the configuration breaks stays, failed with the reason, and
 * keeps its counters; fixed, it runs again and counts on from there. */
START_TEST(test_sync_refused_keeps_counters)
{
	struct agent_event *ev;
	struct agent_bindings *bs;
	struct agent_sip_conf sc = { .local_addr = "127.0.0.1" };
	struct ini_conf *c1 = conf_from(BASE ACCOUNTS), *c2;
	struct sipreg_status st;
	uint64_t sent;
	char err[128];

	log_register(quiet);
	refused_calls = 0;
	ck_assert_int_eq(agent_event_create(&ev), 0);
	ck_assert_int_eq(agent_bindings_create(&bs, ev, &sc, on_status, NULL),
			 0);
	ck_assert_int_eq(agent_bindings_sync(bs, c1, 1), 0);
	st = bstatus(bs, 0);
	sent = st.counters.sent;
	ck_assert_uint_ge(sent, 1); /* the first REGISTER went out */
	ck_assert_uint_eq(agent_binding_discontinuity(agent_bindings_find(
				  bs, AGENT_BINDING_ACCOUNT, 0)),
			  0);

	/* proxy set 1 loses both addresses */
	ck_assert_int_eq(ini_conf_dup(c1, &c2), 0);
	ck_assert_int_eq(ini_conf_row_delete(c2, INI_TABLE_PROXYIP, 1), 0);
	ck_assert_int_eq(ini_conf_row_delete(c2, INI_TABLE_PROXYIP, 2), 0);
	ck_assert_int_eq(agent_bindings_sync(bs, c2, 1), 0);
	ck_assert_uint_eq(agent_bindings_count(bs), 3);
	ck_assert_int_eq(agent_binding_usable(agent_bindings_find(
				 bs, AGENT_BINDING_ACCOUNT, 0)),
			 0);
	st = bstatus(bs, 0);
	ck_assert_int_eq(st.state, SIPREG_FAILED);
	ck_assert_str_eq(st.last_error, "proxy set 1 has no address");
	ck_assert_uint_eq(st.counters.sent, sent);
	ck_assert_uint_eq(refused_calls, 2); /* alice and bob */
	ck_assert_int_eq(
		agent_binding_action(
			agent_bindings_find(bs, AGENT_BINDING_ACCOUNT, 0),
			AGENT_ACTION_REGISTER),
		-ENOENT);
	/* the same configuration again: reported once only */
	ck_assert_int_eq(agent_bindings_sync(bs, c2, 1), 0);
	ck_assert_uint_eq(refused_calls, 2);

	/* another reason for alice is news */
	ck_assert_int_eq(ini_conf_row_set(c2, INI_P_ACCOUNT_SERVING_IP_GROUP, 0,
					  "-1", err, sizeof(err)),
			 0);
	ck_assert_int_eq(agent_bindings_sync(bs, c2, 1), 0);
	st = bstatus(bs, 0);
	ck_assert_str_eq(st.last_error, "no serving IP group");
	ck_assert_uint_eq(st.counters.sent, sent);
	ck_assert_uint_eq(refused_calls, 3);

	/* fixed: a new engine binding, the counters carry on */
	ck_assert_int_eq(agent_bindings_sync(bs, c1, 1), 0);
	ck_assert_int_eq(agent_binding_usable(agent_bindings_find(
				 bs, AGENT_BINDING_ACCOUNT, 0)),
			 1);
	st = bstatus(bs, 0);
	ck_assert_str_eq(st.last_error, "");
	ck_assert_uint_ge(st.counters.sent, sent + 1);
	ck_assert_uint_eq(agent_binding_discontinuity(agent_bindings_find(
				  bs, AGENT_BINDING_ACCOUNT, 0)),
			  0);

	agent_bindings_destroy(bs);
	agent_event_destroy(ev);
	ini_conf_destroy(c1);
	ini_conf_destroy(c2);
	log_register(NULL);
}
END_TEST

START_TEST(test_describe_reasons)
{
	struct ini_conf *c = conf_from(BASE ACCOUNTS);
	char buf[512], err[128];

	ck_assert_int_eq(ini_conf_row_set(c, INI_P_ACCOUNT_SERVING_IP_GROUP, 0,
					  "-1", err, sizeof(err)),
			 0);
	ck_assert_int_eq(agent_binding_describe(c, AGENT_BINDING_ACCOUNT, 0,
						buf, sizeof(buf)),
			 -EINVAL);
	ck_assert_str_eq(buf, "error: no serving IP group");
	ck_assert_int_eq(ini_conf_row_delete(c, INI_TABLE_PROXYIP, 0), 0);
	ck_assert_int_eq(agent_binding_describe(c, AGENT_BINDING_GATEWAY, 0,
						buf, sizeof(buf)),
			 -EINVAL);
	ck_assert_str_eq(buf, "error: proxy set 0 has no address");
	ini_conf_destroy(c);
}
END_TEST

/* ---- the catalog accepts a value  <=>  the binding it feeds works ---- */

/* Store a text value bypassing the catalog, as nothing else can. */
static void
force_str(struct ini_conf *c, enum ini_param_id id, long row, const char *v)
{
	const struct ini_param *p = ini_param_get(id);
	struct ini_val *val;
	struct ini_row *r;

	if (row >= 0) {
		r = ini_conf_find_row(c, ini_param_table(p), row);
		ck_assert_ptr_nonnull(r);
		val = &r->v[id - ini_tables[ini_param_table(p)].first];
	} else {
		val = &c->sc[id];
	}
	free(val->s);
	val->s = NULL;
	if (*v != '\0')
		ck_assert_ptr_nonnull(val->s = strdup(v));
}

struct target {
	enum ini_param_id id;
	long row; /* -1: a scalar */
	int type; /* the binding it feeds */
	long bid; /* its id */
	int prep; /* PREP_* */
};

enum { PREP_NONE, PREP_NO_GWNAME, PREP_NO_SET0_ROWS };

static const struct target targets[] = {
	{ INI_P_PROXY_NAME, -1, AGENT_BINDING_GATEWAY, 0, PREP_NONE },
	{ INI_P_REGISTRAR_NAME, -1, AGENT_BINDING_GATEWAY, 0, PREP_NONE },
	{ INI_P_SIP_GATEWAY_NAME, -1, AGENT_BINDING_GATEWAY, 0, PREP_NONE },
	{ INI_P_GW_REGISTRATION_NAME, -1, AGENT_BINDING_GATEWAY, 0, PREP_NONE },
	{ INI_P_USER_NAME, -1, AGENT_BINDING_GATEWAY, 0, PREP_NO_GWNAME },
	{ INI_P_PROXY_IP, -1, AGENT_BINDING_GATEWAY, 0, PREP_NO_SET0_ROWS },
	{ INI_P_REGISTRAR_IP, -1, AGENT_BINDING_GATEWAY, 0, PREP_NONE },
	{ INI_P_PROXYIP_IP_ADDRESS, 0, AGENT_BINDING_GATEWAY, 0, PREP_NONE },
	{ INI_P_PROXYIP_IP_ADDRESS, 1, AGENT_BINDING_ACCOUNT, 0, PREP_NONE },
	{ INI_P_ACCOUNT_HOST_NAME, 0, AGENT_BINDING_ACCOUNT, 0, PREP_NONE },
	{ INI_P_ACCOUNT_CONTACT_USER, 0, AGENT_BINDING_ACCOUNT, 0, PREP_NONE },
	{ INI_P_IPGROUP_SIP_GROUP_NAME, 1, AGENT_BINDING_ACCOUNT, 0,
	  PREP_NONE },
	{ INI_P_IPGROUP_CONTACT_USER, 1, AGENT_BINDING_ACCOUNT, 1, PREP_NONE },
};

/* Hostile and valid values for every target: hosts, addresses, users. */
static const char *const values[] = {
	"gw.example",
	"GW-1.Example.COM",
	"x.y.",
	"localhost",
	"10.0.0.7",
	"[2001:db8::1]",
	"2001:db8::1",
	"gw.example:5060",
	"10.0.0.7:5070",
	"[2001:db8::1]:5061",
	"",
	"bad name",
	" gw",
	"gw ",
	"gw@example",
	"gw:x",
	"gw:0",
	"gw:65536",
	"a:b:c",
	"gw;x",
	"'gw'",
	"\"gw\"",
	"gw'x",
	"caf\xc3\xa9",
	"-gw",
	"gw-",
	"gw_1",
	"gw..x",
	"1.2.3.4.5",
	"256.1.1.1",
	"010.0.0.1",
	"%41b",
	"%zz",
	"a%2",
	"alice",
	"a;b=c",
	"a&b",
	"[::1]x",
	"gw.123",
	"a\tb",
	"sip:gw",
	"<gw>",
	"gw,x",
	"gw/x",
	"gw?x",
	"gw#x",
	"[fe80::1%eth0]",
	"a%20b",
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.x",
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.x",
};

/* The catalog is stricter than agent_addr_parse() here: a bracketed
 * IPv4 address, which the agent would unbracket. */
static const char *const stricter[] = { "[10.0.0.1]", "[10.0.0.1]:5060" };

static struct ini_conf *
target_conf(const struct target *t, const char *v)
{
	struct ini_conf *c = conf_from(BASE ACCOUNTS);

	if (t->prep == PREP_NO_GWNAME)
		force_str(c, INI_P_GW_REGISTRATION_NAME, -1, "");
	if (t->prep == PREP_NO_SET0_ROWS)
		ck_assert_int_eq(ini_conf_row_delete(c, INI_TABLE_PROXYIP, 0),
				 0);
	force_str(c, t->id, t->row, v);
	return c;
}

START_TEST(test_catalog_matches_engine)
{
	const struct target *t = &targets[_i];
	const struct ini_param *p = ini_param_get(t->id);
	struct ini_conf *c;
	char buf[512], err[160];
	int rc, accepted, works;
	size_t i, checked = 0;

	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		rc = ini_param_check(p, values[i], err, sizeof(err));
		if (rc == -E2BIG)
			continue; /* a length limit of the column */
		c = target_conf(t, values[i]);
		accepted = rc == 0 && ini_conf_check(c, NULL, NULL) == 0;
		works = agent_binding_describe(c, t->type, t->bid, buf,
					       sizeof(buf)) == 1;
		ck_assert_msg(accepted == works,
			      "%s = '%s': catalog %s (%s), binding %s",
			      ini_param_name(p), values[i],
			      accepted ? "accepts" : "refuses",
			      rc ? err : "conf check", buf);
		ini_conf_destroy(c);
		checked++;
	}
	ck_assert_uint_ge(checked, 30);
	if (ini_param_type(p) != INI_TYPE_ADDR)
		return;
	for (i = 0; i < sizeof(stricter) / sizeof(stricter[0]); i++) {
		ck_assert_int_eq(ini_param_check(p, stricter[i], NULL, 0),
				 -EINVAL);
		c = target_conf(t, stricter[i]);
		ck_assert_int_eq(agent_binding_describe(c, t->type, t->bid, buf,
							sizeof(buf)),
				 1);
		ini_conf_destroy(c);
	}
}
END_TEST

/* UserName is the digest user: any text, until it is the AOR user. */
START_TEST(test_user_name_digest_text)
{
	struct ini_conf *c = conf_from(BASE "UserName = 'gw user@example'\n");
	char buf[512];

	ck_assert_int_eq(agent_binding_describe(c, AGENT_BINDING_GATEWAY, 0,
						buf, sizeof(buf)),
			 1);
	ck_assert_ptr_nonnull(strstr(buf, "auth=gw user@example "));
	force_str(c, INI_P_GW_REGISTRATION_NAME, -1, "");
	ck_assert_int_eq(ini_conf_check(c, NULL, NULL), -EINVAL);
	ck_assert_int_eq(agent_binding_describe(c, AGENT_BINDING_GATEWAY, 0,
						buf, sizeof(buf)),
			 -EINVAL);
	ini_conf_destroy(c);
}
END_TEST

/* A bare or bracketed IPv6 registrar: the URI host gets brackets. */
START_TEST(test_ipv6_registrar)
{
	struct ini_conf *c =
		conf_from(BASE "RegistrarIP = '[2001:db8::9]:5080'\n");
	char buf[512];

	ck_assert_int_eq(agent_binding_describe(c, AGENT_BINDING_GATEWAY, 0,
						buf, sizeof(buf)),
			 1);
	ck_assert_ptr_nonnull(strstr(buf, "addrs=2001:db8::9:5080/udp"));
	ini_conf_destroy(c);
}
END_TEST

/* Plan c, then sync c: the plan is exactly what the sync did. */
static void
plan_then_sync(struct agent_bindings *bs, const struct ini_conf *c,
	       unsigned added, unsigned removed, unsigned updated)
{
	struct agent_sync_stats plan;
	const struct agent_sync_stats *st = agent_bindings_last_sync(bs);
	size_t before = agent_bindings_count(bs);

	ck_assert_int_eq(agent_bindings_plan(bs, c, &plan), 0);
	ck_assert_uint_eq(agent_bindings_count(bs), before); /* untouched */
	ck_assert_int_eq(agent_bindings_sync(bs, c, 0), 0);
	ck_assert_uint_eq(plan.added, st->added);
	ck_assert_uint_eq(plan.removed, st->removed);
	ck_assert_uint_eq(plan.updated, st->updated);
	ck_assert_uint_eq(plan.added, added);
	ck_assert_uint_eq(plan.removed, removed);
	ck_assert_uint_eq(plan.updated, updated);
}

START_TEST(test_plan_matches_sync)
{
	struct agent_event *ev;
	struct agent_bindings *bs;
	struct agent_sip_conf sc = { .local_addr = "127.0.0.1" };
	struct ini_conf *full = conf_from(BASE ACCOUNTS), *c2, *empty, *broken,
			*bad_addr;
	struct agent_sync_stats plan;
	char err[128];

	log_register(quiet);
	ck_assert_int_eq(agent_event_create(&ev), 0);
	ck_assert_int_eq(agent_bindings_create(&bs, ev, &sc, NULL, NULL), 0);
	empty = conf_from("RegistrationTime = 300\n");
	/* the gateway cannot derive (a host name the catalog would refuse,
	 * stored past it): kept, in error */
	ck_assert_int_eq(ini_conf_dup(full, &broken), 0);
	force_str(broken, INI_P_SIP_GATEWAY_NAME, -1, "gw example");

	plan_then_sync(bs, full, 3, 0, 0);
	plan_then_sync(bs, full, 0, 0, 0);
	ck_assert_int_eq(ini_conf_dup(full, &c2), 0);
	ck_assert_int_eq(ini_conf_row_set(c2, INI_P_ACCOUNT_PASSWORD, 1,
					  "new-pw", err, sizeof(err)),
			 0);
	ck_assert_int_eq(ini_conf_row_set(c2, INI_P_ACCOUNT_REGISTER, 2, "1",
					  err, sizeof(err)),
			 0);
	ck_assert_int_eq(ini_conf_row_delete(c2, INI_TABLE_ACCOUNT, 0), 0);
	plan_then_sync(bs, c2, 1, 1, 1);
	/* a one-line full load: every binding goes */
	plan_then_sync(bs, empty, 0, 3, 0);
	plan_then_sync(bs, full, 3, 0, 0);
	/* the gateway turns into an error: not counted */
	plan_then_sync(bs, broken, 0, 0, 0);
	/* from the error back to a working gateway: added again */
	plan_then_sync(bs, full, 1, 0, 0);
	/* what the engine's own check refuses is not counted either, and
	 * comes back as added */
	ck_assert_int_eq(ini_conf_dup(full, &bad_addr), 0);
	force_str(bad_addr, INI_P_ACCOUNT_CONTACT_USER, 0, "not a token");
	plan_then_sync(bs, bad_addr, 0, 0, 0);
	plan_then_sync(bs, full, 1, 0, 0);

	/* between two configurations, no engine */
	ck_assert_int_eq(agent_bindings_plan_confs(full, empty, &plan), 0);
	ck_assert_uint_eq(plan.removed, 3);
	ck_assert_uint_eq(plan.added + plan.updated, 0);
	ck_assert_int_eq(agent_bindings_plan_confs(NULL, full, &plan), 0);
	ck_assert_uint_eq(plan.added, 3);
	ck_assert_int_eq(agent_bindings_plan_confs(full, c2, &plan), 0);
	ck_assert_uint_eq(plan.added, 1);
	ck_assert_uint_eq(plan.removed, 1);
	ck_assert_uint_eq(plan.updated, 1);
	ck_assert_int_eq(agent_bindings_plan_confs(full, full, &plan), 0);
	ck_assert_uint_eq(plan.added + plan.removed + plan.updated, 0);
	ck_assert_int_eq(agent_bindings_plan_confs(broken, full, &plan), 0);
	ck_assert_uint_eq(plan.added, 1);
	ck_assert_uint_eq(plan.removed + plan.updated, 0);
	ck_assert_int_eq(agent_bindings_plan(NULL, full, &plan), -EINVAL);
	ck_assert_int_eq(agent_bindings_plan_confs(full, NULL, &plan), -EINVAL);

	agent_bindings_destroy(bs);
	agent_event_destroy(ev);
	ini_conf_destroy(full);
	ini_conf_destroy(c2);
	ini_conf_destroy(empty);
	ini_conf_destroy(broken);
	ini_conf_destroy(bad_addr);
	log_register(NULL);
}
END_TEST

/* ---- trunk groups (issue 14 item 3) ----------------------------------- */

/* A device registering per endpoint (AuthenticationMode 0): TG 3 per
 * endpoint through IP group 1, TG 4 by AuthenticationMode (its mode 255,
 * not set), TG 6 per gateway, TG 7 not at all, TG 9 analog ports with
 * Authentication rows. */
#define TG_DEVICE(authmode)                                                   \
	"IsRegisterNeeded = 1\n"                                              \
	"IsProxyUsed = 1\n"                                                   \
	"AuthenticationMode = " authmode "\n"                                 \
	"GWRegistrationName = 'gw100'\n"                                      \
	"UserName = 'gwuser'\n"                                               \
	"Password = 'gw-secret'\n"                                            \
	"SIPGatewayName = 'gw.example'\n"                                     \
	"RegistrationTime = 300\n"                                            \
	"[ ProxySet ]\n"                                                      \
	"FORMAT ProxySet_Index = ProxySet_IsProxyHotSwap;\n"                  \
	"ProxySet 0 = 0;\n"                                                   \
	"ProxySet 1 = 0;\n"                                                   \
	"[ \\ProxySet ]\n"                                                    \
	"[ ProxyIp ]\n"                                                       \
	"FORMAT ProxyIp_Index = ProxyIp_IpAddress, ProxyIp_TransportType, "   \
	"ProxyIp_ProxySetId;\n"                                               \
	"ProxyIp 0 = \"127.0.0.1:5070\", 0, 0;\n"                             \
	"ProxyIp 1 = \"127.0.0.3:5099\", 0, 1;\n"                             \
	"[ \\ProxyIp ]\n"                                                     \
	"[ IPGroup ]\n"                                                       \
	"FORMAT IPGroup_Index = IPGroup_ProxySetId, IPGroup_SIPGroupName, "   \
	"IPGroup_ContactUser;\n"                                              \
	"IPGroup 1 = 1, \"pbx.example\", \"trunk\";\n"                        \
	"[ \\IPGroup ]\n"                                                     \
	"[ TrunkGroupSettings ]\n"                                            \
	"FORMAT TrunkGroupSettings_Index = TrunkGroupSettings_TrunkGroupId, " \
	"TrunkGroupSettings_RegistrationMode, "                               \
	"TrunkGroupSettings_GatewayName, "                                    \
	"TrunkGroupSettings_ServingIPGroup;\n"                                \
	"TrunkGroupSettings 0 = 3, 0, \"tg3.example\", 1;\n"                  \
	"TrunkGroupSettings 1 = 6, 1, \"tg6.example\", -1;\n"                 \
	"TrunkGroupSettings 2 = 7, 4, \"\", -1;\n"                            \
	"TrunkGroupSettings 3 = 4, 255, \"\", -1;\n"                          \
	"[ \\TrunkGroupSettings ]\n"                                          \
	"[ TrunkGroup ]\n"                                                    \
	"FORMAT TrunkGroup_Index = TrunkGroup_TrunkGroupNum, "                \
	"TrunkGroup_FirstTrunkId, TrunkGroup_FirstBChannel, "                 \
	"TrunkGroup_LastBChannel, TrunkGroup_FirstPhoneNumber, "              \
	"TrunkGroup_ProfileId, TrunkGroup_LastTrunkId, TrunkGroup_Module;\n"  \
	"TrunkGroup 0 = 3, 0, 1, 2, \"0400\", 0, 0, 1;\n"                     \
	"TrunkGroup 1 = 4, 1, 1, 1, \"user1\", 0, 1, 1;\n"                    \
	"TrunkGroup 2 = 6, 2, 1, 3, \"700\", 0, 2, 1;\n"                      \
	"TrunkGroup 3 = 7, 3, 1, 3, \"800\", 0, 3, 1;\n"                      \
	"TrunkGroup 4 = 4, 4, 1, 1, \"\", 0, 4, 1;\n"                         \
	"TrunkGroup 5 = 9, 255, 1, 2, \"500\", 0, 255, 2;\n"                  \
	"[ \\TrunkGroup ]\n"                                                  \
	"[ Authentication ]\n"                                                \
	"FORMAT Authentication_Index = Authentication_UserId, "               \
	"Authentication_UserPassword, Authentication_Module, "                \
	"Authentication_Port;\n"                                              \
	"Authentication 0 = john, 1325, 2, 1;\n"                              \
	"[ \\Authentication ]\n"

#define EP(m, t, ch) agent_endpoint_id(m, t, ch)

static int
describe(const struct ini_conf *c, int type, long id, char *buf, size_t len)
{
	return agent_binding_describe(c, type, id, buf, len);
}

START_TEST(test_describe_trunk_groups)
{
	struct ini_conf *c = conf_from(TG_DEVICE("0"));
	char buf[512];

	ck_assert_int_eq(agent_endpoint_id(1, 2, 3), 1048576 + 2 * 4096 + 3);
	ck_assert_int_eq(agent_endpoint_id(255, 255, 2016),
			 255L * 1048576 + 255 * 4096 + 2016);
	ck_assert_int_eq(agent_endpoint_id(256, 0, 1), -1);
	ck_assert_int_eq(agent_endpoint_id(1, -1, 1), -1);
	ck_assert_int_eq(agent_tg_mode(c, 3), 0);
	ck_assert_int_eq(agent_tg_mode(c, 4), 0); /* 255: AuthenticationMode */
	ck_assert_int_eq(agent_tg_mode(c, 6), 1);
	ck_assert_int_eq(agent_tg_mode(c, 7), 4);
	ck_assert_int_eq(agent_tg_mode(c, 9), 0); /* no settings row */
	/* per endpoint: no gateway-wide registration */
	ck_assert_int_eq(
		describe(c, AGENT_BINDING_GATEWAY, 0, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "none");
	/* TG 3: phone number user, its GatewayName, its serving IP group's
	 * SIPGroupName and proxy set */
	ck_assert_int_eq(describe(c, AGENT_BINDING_ENDPOINT, EP(1, 0, 1), buf,
				  sizeof(buf)),
			 1);
	ck_assert_str_eq(buf, "aor=0400@tg3.example ruri=pbx.example "
			      "auth=0400 set=1 addrs=127.0.0.3:5099/udp "
			      "expires=300 hotswap=0 ka=0/60 homing=0 rr=0");
	describe(c, AGENT_BINDING_ENDPOINT, EP(1, 0, 2), buf, sizeof(buf));
	ck_assert_str_eq(buf, "aor=0401@tg3.example ruri=pbx.example "
			      "auth=0401 set=1 addrs=127.0.0.3:5099/udp "
			      "expires=300 hotswap=0 ka=0/60 homing=0 rr=0");
	/* TG 4: no serving IP group: proxy set 0, SIPGatewayName */
	describe(c, AGENT_BINDING_ENDPOINT, EP(1, 1, 1), buf, sizeof(buf));
	ck_assert_str_eq(buf, "aor=user1@gw.example ruri=127.0.0.1 "
			      "auth=user1 set=0 addrs=127.0.0.1:5070/udp "
			      "expires=300 hotswap=0 ka=0/60 homing=0 rr=0");
	/* an endpoint without a number: there, failed, with the reason */
	ck_assert_int_eq(describe(c, AGENT_BINDING_ENDPOINT, EP(1, 4, 1), buf,
				  sizeof(buf)),
			 -EINVAL);
	ck_assert_str_eq(buf, "error: trunk group 4, trunk 4, channel 1 has "
			      "no phone number");
	/* TG 6 per gateway: one registration, the gateway's user, its own
	 * GatewayName; none of its channels on its own */
	ck_assert_int_eq(
		describe(c, AGENT_BINDING_TRUNKGROUP, 6, buf, sizeof(buf)), 1);
	ck_assert_str_eq(buf, "aor=gw100@tg6.example ruri=127.0.0.1 "
			      "auth=gwuser set=0 addrs=127.0.0.1:5070/udp "
			      "expires=300 hotswap=0 ka=0/60 homing=0 rr=0");
	ck_assert_int_eq(describe(c, AGENT_BINDING_ENDPOINT, EP(1, 2, 1), buf,
				  sizeof(buf)),
			 0);
	/* TG 7 does not register */
	ck_assert_int_eq(describe(c, AGENT_BINDING_ENDPOINT, EP(1, 3, 1), buf,
				  sizeof(buf)),
			 0);
	ck_assert_int_eq(
		describe(c, AGENT_BINDING_TRUNKGROUP, 7, buf, sizeof(buf)), 0);
	/* analog ports: the Authentication row, else the number */
	describe(c, AGENT_BINDING_ENDPOINT, EP(2, 255, 1), buf, sizeof(buf));
	ck_assert(strncmp(buf, "aor=500@gw.example ruri=127.0.0.1 auth=john ",
			  44) == 0);
	describe(c, AGENT_BINDING_ENDPOINT, EP(2, 255, 2), buf, sizeof(buf));
	ck_assert(strncmp(buf, "aor=501@gw.example ruri=127.0.0.1 auth=501 ",
			  43) == 0);
	ck_assert_ptr_null(strstr(buf, "secret"));
	ini_conf_destroy(c);

	/* per gateway: the device's binding covers TG 4 and TG 6 */
	c = conf_from(TG_DEVICE("1"));
	ck_assert_int_eq(
		describe(c, AGENT_BINDING_GATEWAY, 0, buf, sizeof(buf)), 1);
	ck_assert_int_eq(
		describe(c, AGENT_BINDING_TRUNKGROUP, 6, buf, sizeof(buf)), 0);
	ck_assert_int_eq(describe(c, AGENT_BINDING_ENDPOINT, EP(1, 1, 1), buf,
				  sizeof(buf)),
			 0);
	ck_assert_int_eq(describe(c, AGENT_BINDING_ENDPOINT, EP(1, 0, 1), buf,
				  sizeof(buf)),
			 1);
	ini_conf_destroy(c);

	/* per FXS: the analog ports per endpoint, the trunks by the gateway */
	c = conf_from(TG_DEVICE("3"));
	ck_assert_int_eq(
		describe(c, AGENT_BINDING_GATEWAY, 0, buf, sizeof(buf)), 1);
	ck_assert_int_eq(describe(c, AGENT_BINDING_ENDPOINT, EP(2, 255, 1), buf,
				  sizeof(buf)),
			 1);
	ck_assert_int_eq(describe(c, AGENT_BINDING_ENDPOINT, EP(1, 1, 1), buf,
				  sizeof(buf)),
			 0);
	ini_conf_destroy(c);

	/* IsRegisterNeeded = 0: no endpoint, no trunk group */
	c = conf_from(TG_DEVICE("0") "IsRegisterNeeded = 0\n");
	ck_assert_int_eq(describe(c, AGENT_BINDING_ENDPOINT, EP(1, 0, 1), buf,
				  sizeof(buf)),
			 0);
	ck_assert_int_eq(
		describe(c, AGENT_BINDING_TRUNKGROUP, 6, buf, sizeof(buf)), 0);
	ini_conf_destroy(c);
}
END_TEST

static const struct agent_binding *
find_ep(struct agent_bindings *bs, long m, long t, long ch)
{
	return agent_bindings_find(bs, AGENT_BINDING_ENDPOINT, EP(m, t, ch));
}

START_TEST(test_sync_trunk_groups)
{
	struct agent_event *ev;
	struct agent_bindings *bs;
	struct agent_sip_conf sc = { .local_addr = "127.0.0.1" };
	struct ini_conf *c1 = conf_from(TG_DEVICE("0")), *c2, *c3;
	struct agent_binding_where w;
	const struct agent_binding *ab;
	struct sipreg_status st;
	size_t n = 0;
	char err[128];

	log_register(quiet);
	ck_assert_int_eq(agent_event_create(&ev), 0);
	ck_assert_int_eq(agent_bindings_create(&bs, ev, &sc, NULL, NULL), 0);
	/* TG 3: 2, TG 4: 1 + 1 without a number, TG 6: 1, TG 9: 2 */
	plan_then_sync(bs, c1, 6, 0, 0);
	ck_assert_uint_eq(agent_bindings_count(bs), 7);
	ck_assert_ptr_null(agent_bindings_find(bs, AGENT_BINDING_GATEWAY, 0));
	ab = find_ep(bs, 1, 0, 2);
	ck_assert_ptr_nonnull(ab);
	agent_binding_where(ab, &w);
	ck_assert_int_eq(w.tg, 3);
	ck_assert_int_eq(w.module, 1);
	ck_assert_int_eq(w.trunk, 0);
	ck_assert_int_eq(w.channel, 2);
	ck_assert_str_eq(w.phone, "0401");
	ck_assert_str_eq(agent_binding_aor(ab), "sip:0401@tg3.example");
	ck_assert_str_eq(agent_binding_kind(agent_binding_type(ab)),
			 "endpoint");
	ab = agent_bindings_find(bs, AGENT_BINDING_TRUNKGROUP, 6);
	ck_assert_ptr_nonnull(ab);
	agent_binding_where(ab, &w);
	ck_assert_int_eq(w.tg, 6);
	ck_assert_int_eq(w.channel, -1);
	ck_assert_str_eq(w.phone, "");
	/* the one without a number: unusable, failed, the reason */
	ab = find_ep(bs, 1, 4, 1);
	ck_assert_ptr_nonnull(ab);
	ck_assert_int_eq(agent_binding_usable(ab), 0);
	ck_assert_int_eq(agent_binding_status(ab, &st), 0);
	ck_assert_int_eq(st.state, SIPREG_FAILED);
	ck_assert_str_eq(
		st.last_error,
		"trunk group 4, trunk 4, channel 1 has no phone number");

	/* the same endpoints from rows in another order: same ids, nothing
	 * to do */
	c2 = conf_from(
		"IsRegisterNeeded = 1\nIsProxyUsed = 1\n"
		"AuthenticationMode = 0\nGWRegistrationName = 'gw100'\n"
		"UserName = 'gwuser'\nPassword = 'gw-secret'\n"
		"SIPGatewayName = 'gw.example'\nRegistrationTime = 300\n"
		"[ ProxySet ]\n"
		"FORMAT ProxySet_Index = ProxySet_IsProxyHotSwap;\n"
		"ProxySet 1 = 0;\n"
		"ProxySet 0 = 0;\n"
		"[ \\ProxySet ]\n"
		"[ ProxyIp ]\n"
		"FORMAT ProxyIp_Index = ProxyIp_ProxySetId, ProxyIp_IpAddress, "
		"ProxyIp_TransportType;\n"
		"ProxyIp 0 = 0, \"127.0.0.1:5070\", 0;\n"
		"ProxyIp 1 = 1, \"127.0.0.3:5099\", 0;\n"
		"[ \\ProxyIp ]\n"
		"[ IPGroup ]\n"
		"FORMAT IPGroup_Index = IPGroup_ProxySetId, "
		"IPGroup_SIPGroupName, IPGroup_ContactUser;\n"
		"IPGroup 1 = 1, \"pbx.example\", \"trunk\";\n"
		"[ \\IPGroup ]\n"
		"[ TrunkGroupSettings ]\n"
		"FORMAT TrunkGroupSettings_Index = "
		"TrunkGroupSettings_TrunkGroupId, "
		"TrunkGroupSettings_RegistrationMode, "
		"TrunkGroupSettings_GatewayName, "
		"TrunkGroupSettings_ServingIPGroup;\n"
		"TrunkGroupSettings 4 = 3, 0, \"tg3.example\", 1;\n"
		"TrunkGroupSettings 5 = 6, 1, \"tg6.example\", -1;\n"
		"TrunkGroupSettings 6 = 7, 4, \"\", -1;\n"
		"TrunkGroupSettings 7 = 4, -1, \"\", -1;\n"
		"[ \\TrunkGroupSettings ]\n"
		"[ TrunkGroup ]\n"
		"FORMAT TrunkGroup_Index = TrunkGroup_TrunkGroupNum, "
		"TrunkGroup_FirstTrunkId, TrunkGroup_LastTrunkId, "
		"TrunkGroup_FirstBChannel, TrunkGroup_LastBChannel, "
		"TrunkGroup_FirstPhoneNumber, TrunkGroup_ProfileId, "
		"TrunkGroup_Module;\n"
		"TrunkGroup 10 = 9, 255, 255, 1, 2, \"500\", 0, 2;\n"
		"TrunkGroup 11 = 4, 4, 4, 1, 1, \"\", 0, 1;\n"
		"TrunkGroup 12 = 7, 3, 3, 1, 3, \"800\", 0, 1;\n"
		"TrunkGroup 13 = 6, 2, 2, 1, 3, \"700\", 0, 1;\n"
		"TrunkGroup 14 = 4, 1, 1, 1, 1, \"user1\", 0, 1;\n"
		"TrunkGroup 15 = 3, 0, 0, 1, 2, \"0400\", 0, 1;\n"
		"[ \\TrunkGroup ]\n"
		"[ Authentication ]\n"
		"FORMAT Authentication_Index = Authentication_UserId, "
		"Authentication_UserPassword, Authentication_Module, "
		"Authentication_Port;\n"
		"Authentication 3 = john, 1325, 2, 1;\n"
		"[ \\Authentication ]\n");
	plan_then_sync(bs, c2, 0, 0, 0);
	ck_assert_uint_eq(agent_bindings_count(bs), 7);

	/* TG 3's GatewayName changes: exactly its two endpoints */
	ck_assert_int_eq(ini_conf_dup(c2, &c3), 0);
	ck_assert_int_eq(ini_conf_row_set(c3, INI_P_TGS_GATEWAY_NAME, 4,
					  "new.example", err, sizeof(err)),
			 0);
	plan_then_sync(bs, c3, 0, 0, 2);
	ck_assert_str_eq(agent_binding_aor(find_ep(bs, 1, 0, 1)),
			 "sip:0400@new.example");
	/* an Authentication password: exactly that port */
	ck_assert_int_eq(ini_conf_row_set(c3,
					  INI_P_AUTHENTICATION_USER_PASSWORD, 3,
					  "9999", err, sizeof(err)),
			 0);
	plan_then_sync(bs, c3, 0, 0, 1);
	/* the global Password: the endpoints without their own, TG 6 */
	ck_assert_int_eq(
		ini_conf_set(c3, INI_P_PASSWORD, "other", err, sizeof(err)), 0);
	plan_then_sync(bs, c3, 0, 0, 5);
	/* TG 3 stops registering: its two go */
	ck_assert_int_eq(ini_conf_row_set(c3, INI_P_TGS_REGISTRATION_MODE, 4,
					  "4", err, sizeof(err)),
			 0);
	plan_then_sync(bs, c3, 0, 2, 0);
	ck_assert_ptr_null(find_ep(bs, 1, 0, 1));

	/* the trunk-group action: every binding of TG 9, none of TG 3 */
	ck_assert_int_eq(
		agent_bindings_action_tg(bs, 9, AGENT_ACTION_REGISTER, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(agent_binding_status(find_ep(bs, 2, 255, 1), &st), 0);
	ck_assert_int_eq(st.state, SIPREG_REGISTERING);
	ck_assert_int_eq(agent_binding_status(find_ep(bs, 2, 255, 2), &st), 0);
	ck_assert_int_eq(st.state, SIPREG_REGISTERING);
	ck_assert_int_eq(agent_binding_status(find_ep(bs, 1, 1, 1), &st), 0);
	ck_assert_int_eq(st.state, SIPREG_IDLE);
	ck_assert_int_eq(
		agent_bindings_action_tg(bs, 3, AGENT_ACTION_REGISTER, &n),
		-ENOENT);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(agent_bindings_action_tg(bs, 9, 7, &n), -EINVAL);
	/* an unusable one is counted and left alone */
	ck_assert_int_eq(
		agent_bindings_action_tg(bs, 4, AGENT_ACTION_REFRESH, &n), 0);
	ck_assert_uint_eq(n, 2);

	agent_bindings_destroy(bs);
	agent_event_destroy(ev);
	ini_conf_destroy(c1);
	ini_conf_destroy(c2);
	ini_conf_destroy(c3);
	log_register(NULL);
}
END_TEST

static char last_warning[512];

static void
keep_warning(int prio, const char *msg)
{
	if (prio <= LOG_WARNING && strstr(msg, "AuthenticationMode") != NULL)
		snprintf(last_warning, sizeof(last_warning), "%s", msg);
}

/* Per endpoint with nothing to register per endpoint is said, not silent;
 * the same device with a trunk group registering is quiet. */
START_TEST(test_sync_per_endpoint_nothing_warns)
{
	struct agent_event *ev;
	struct agent_bindings *bs;
	struct agent_sip_conf sc = { .local_addr = "127.0.0.1" };
	struct ini_conf *c1 = conf_from("IsRegisterNeeded = 1\n"
					"AuthenticationMode = 0\n"
					"UserName = 'gw'\n"
					"RegistrarIP = '127.0.0.1:5070'\n"),
			*c2 = conf_from(TG_DEVICE("0"));

	log_register(keep_warning);
	ck_assert_int_eq(agent_event_create(&ev), 0);
	ck_assert_int_eq(agent_bindings_create(&bs, ev, &sc, NULL, NULL), 0);
	last_warning[0] = '\0';
	ck_assert_int_eq(agent_bindings_sync(bs, c1, 0), 0);
	ck_assert_uint_eq(agent_bindings_count(bs), 0);
	ck_assert_ptr_nonnull(strstr(last_warning, "no trunk group registers"));
	last_warning[0] = '\0';
	ck_assert_int_eq(agent_bindings_sync(bs, c2, 0), 0);
	ck_assert_str_eq(last_warning, "");
	agent_bindings_destroy(bs);
	agent_event_destroy(ev);
	ini_conf_destroy(c1);
	ini_conf_destroy(c2);
	log_register(NULL);
}
END_TEST

static Suite *
bindings_suite(void)
{
	Suite *s = suite_create("agent_bindings");
	TCase *tc = tcase_create("derive");

	tcase_add_test(tc, test_describe_gateway);
	tcase_add_test(tc, test_describe_accounts);
	tcase_add_test(tc, test_describe_dns_query);
	tcase_add_test(tc, test_addr_parse);
	tcase_add_test(tc, test_describe_reasons);
	tcase_add_loop_test(tc, test_catalog_matches_engine, 0,
			    (int)(sizeof(targets) / sizeof(targets[0])));
	tcase_add_test(tc, test_ipv6_registrar);
	tcase_add_test(tc, test_user_name_digest_text);
	tcase_add_test(tc, test_describe_trunk_groups);
	suite_add_tcase(s, tc);
	tc = tcase_create("sync");
	tcase_add_test(tc, test_sync_only_affected);
	tcase_add_test(tc, test_plan_matches_sync);
	tcase_add_test(tc, test_sync_refused_keeps_counters);
	tcase_add_test(tc, test_sync_trunk_groups);
	tcase_add_test(tc, test_sync_per_endpoint_nothing_warns);
	suite_add_tcase(s, tc);
	return s;
}

GWTEST_MAIN(bindings_suite)
