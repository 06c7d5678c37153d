/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "agent/event.h"
#include "agent/gwagent.h"
#include "agent/log.h"
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

	c = conf_from("IsRegisterNeeded = 1\nUserName = 'u'\n");
	ck_assert_int_eq(agent_binding_describe(c, AGENT_BINDING_GATEWAY, 0,
						buf, sizeof(buf)),
			 -EINVAL);
	ck_assert_str_eq(buf, "error: no registrar: set RegistrarIP or proxy "
			      "set 0");
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
	/* the gateway cannot derive (no registrar): kept, in error */
	broken = conf_from("IsRegisterNeeded = 1\nUserName = 'u'\n");

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
	/* the gateway turns into an error: not counted, accounts removed */
	plan_then_sync(bs, broken, 0, 2, 0);
	/* from the error back to a working gateway: added again */
	plan_then_sync(bs, full, 3, 0, 0);
	/* what the engine's own check refuses is not counted either, and
	 * comes back as added */
	ck_assert_int_eq(ini_conf_dup(full, &bad_addr), 0);
	ck_assert_int_eq(ini_conf_row_set(bad_addr, INI_P_ACCOUNT_CONTACT_USER,
					  0, "not a token", err, sizeof(err)),
			 0);
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
	ck_assert_uint_eq(plan.added, 3);
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

static Suite *
bindings_suite(void)
{
	Suite *s = suite_create("agent_bindings");
	TCase *tc = tcase_create("derive");

	tcase_add_test(tc, test_describe_gateway);
	tcase_add_test(tc, test_describe_accounts);
	tcase_add_test(tc, test_addr_parse);
	tcase_add_test(tc, test_describe_reasons);
	suite_add_tcase(s, tc);
	tc = tcase_create("sync");
	tcase_add_test(tc, test_sync_only_affected);
	tcase_add_test(tc, test_plan_matches_sync);
	tcase_add_test(tc, test_sync_refused_keeps_counters);
	suite_add_tcase(s, tc);
	return s;
}

GWTEST_MAIN(bindings_suite)
