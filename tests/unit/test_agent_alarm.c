/* SPDX-License-Identifier: ISC */
/*
 * agent/core/alarm.c: the active alarm table and its history, the
 * notices the core hands to whoever registered for them (the MIB side in
 * gwagentd), the rate limit and the summary of what it held back.  No
 * SNMP: the notices are caught here as the core makes them.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "agent/core/event.h"
#include "agent/core/gwagent.h"
#include "agent/core/log.h"
#include "tests/unit/agent_fixture.h"
#include "tests/unit/gwtest.h"

static struct gwagent g;
static uint64_t fake_now = 1000000;

/* what the notice handler saw */
static struct {
	int kind, severity, reg_state, reg_code, ini_status;
	uint32_t seq;
	unsigned suppressed;
	char text[200], error[96];
} seen[64];
static size_t nseen;
static int refuse; /* answer -ENOTCONN: no AgentX master */

static int
catch_notice(const struct agent_notice *n, void *arg)
{
	(void)arg;
	if (refuse)
		return -ENOTCONN;
	if (nseen < 64) {
		seen[nseen].kind = n->kind;
		seen[nseen].severity = n->severity;
		seen[nseen].reg_state = n->reg_state;
		seen[nseen].reg_code = n->reg_code;
		seen[nseen].ini_status = n->ini_status;
		seen[nseen].suppressed = n->suppressed;
		seen[nseen].seq = n->al != NULL ? n->al->seq : 0;
		snprintf(seen[nseen].text, sizeof(seen[nseen].text), "%s",
			 n->al != NULL ? n->al->text : "");
		snprintf(seen[nseen].error, sizeof(seen[nseen].error), "%s",
			 n->reg_error != NULL ? n->reg_error : "");
	}
	nseen++;
	return 0;
}

static void
quiet(int prio, const char *msg)
{
	(void)prio;
	(void)msg;
}

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

	log_register(quiet);
	memset(&g, 0, sizeof(g));
	nseen = 0;
	refuse = 0;
	ck_assert_int_eq(agent_event_create(&g.ev), 0);
	agent_event_set_clock(g.ev, fake_clock, NULL);
	g.trap_rate = 10;
	ck_assert_int_eq(gwagent_init(&g, &sc), 0);
	ck_assert_int_eq(agent_config_load_buffer(g.config, FIXTURE,
						  strlen(FIXTURE), "f.ini",
						  INI_APPLY_FULL, NULL, NULL),
			 0);
	agent_bindings_sync(g.bindings, agent_config_conf(g.config), 0);
	agent_alarms_set_notify(g.alarms, catch_notice, NULL);
}

static void
teardown(void)
{
	gwagent_fini(&g);
	agent_event_destroy(g.ev);
	log_register(NULL);
}

static void
status(struct sipreg_status *st, enum sipreg_state state, int code,
       const char *err)
{
	memset(st, 0, sizeof(*st));
	st->state = state;
	st->last_code = code;
	snprintf(st->last_error, sizeof(st->last_error), "%s", err);
}

/* A binding fails, fails again (one row, one notification), recovers:
 * the row goes to the history and the restored notice carries its
 * sequence number with severity cleared. */
START_TEST(test_binding_alarm_edges)
{
	struct agent_binding *ab =
		agent_bindings_find(g.bindings, AGENT_BINDING_ACCOUNT, 3);
	struct sipreg_status st;
	const struct agent_alarm *al;
	uint32_t seq;

	ck_assert_ptr_nonnull(ab);
	status(&st, SIPREG_FAILED, 403, "403 Forbidden");
	agent_notify_binding(ab, &st, &g);
	ck_assert_uint_eq(agent_alarms_count(g.alarms), 1);
	al = agent_alarms_next(g.alarms, 0);
	ck_assert_str_eq(al->name, "gwRegistrationFailed");
	ck_assert_str_eq(al->source, "Account#3");
	ck_assert_int_eq(al->cause, 58); /* authenticationFailure */
	seq = al->seq;
	ck_assert_uint_eq(nseen, 1);
	ck_assert_int_eq(seen[0].kind, AGENT_N_REG_FAILED);
	ck_assert_int_eq(seen[0].severity, 4);
	ck_assert_int_eq(seen[0].reg_code, 403);
	ck_assert_str_eq(seen[0].error, "403 Forbidden");
	ck_assert_uint_eq(seen[0].seq, seq);

	/* the same failure again: nothing new */
	agent_notify_binding(ab, &st, &g);
	ck_assert_uint_eq(agent_alarms_count(g.alarms), 1);
	ck_assert_uint_eq(nseen, 1);

	status(&st, SIPREG_REGISTERED, 200, "");
	agent_notify_binding(ab, &st, &g);
	ck_assert_uint_eq(agent_alarms_count(g.alarms), 0);
	ck_assert_uint_eq(nseen, 2);
	ck_assert_int_eq(seen[1].kind, AGENT_N_REG_RESTORED);
	ck_assert_int_eq(seen[1].severity, 0);
	ck_assert_uint_eq(seen[1].seq, seq);
	ck_assert_ptr_nonnull(strstr(seen[1].text, "restored"));
	ck_assert_ptr_nonnull(agent_alarms_history_find(g.alarms, seq));
	ck_assert_uint_eq(agent_alarms_history_count(g.alarms), 1);
	ck_assert_uint_ne(agent_alarms_last_changed(g.alarms), 0);
}
END_TEST

/* A network failure is a communications alarm, not authentication. */
/* Endpoint and trunk-group bindings name their alarm source by module,
 * trunk and channel, and by trunk group. */
START_TEST(test_trunk_group_alarm_sources)
{
	static const char ini[] =
		"IsRegisterNeeded = 1\nAuthenticationMode = 0\n"
		"UserName = 'gw'\nRegistrarIP = '127.0.0.1:5070'\n"
		"[ TrunkGroupSettings ]\n"
		"FORMAT TrunkGroupSettings_Index = "
		"TrunkGroupSettings_TrunkGroupId, "
		"TrunkGroupSettings_RegistrationMode;\n"
		"TrunkGroupSettings 0 = 6, 1;\n"
		"[ \\TrunkGroupSettings ]\n"
		"[ TrunkGroup ]\n"
		"FORMAT TrunkGroup_Index = TrunkGroup_TrunkGroupNum, "
		"TrunkGroup_FirstTrunkId, TrunkGroup_FirstBChannel, "
		"TrunkGroup_LastBChannel, TrunkGroup_FirstPhoneNumber, "
		"TrunkGroup_ProfileId, TrunkGroup_LastTrunkId, "
		"TrunkGroup_Module;\n"
		"TrunkGroup 0 = 3, 2, 1, 2, \"400\", 0, 2, 1;\n"
		"TrunkGroup 1 = 6, 3, 1, 2, \"500\", 0, 3, 1;\n"
		"[ \\TrunkGroup ]\n";
	struct agent_binding *ep, *tg;
	struct sipreg_status st;
	const struct agent_alarm *al;

	ck_assert_int_eq(agent_config_load_buffer(g.config, ini, strlen(ini),
						  "tg.ini", INI_APPLY_FULL,
						  NULL, NULL),
			 0);
	agent_bindings_sync(g.bindings, agent_config_conf(g.config), 0);
	ep = agent_bindings_find(g.bindings, AGENT_BINDING_ENDPOINT,
				 agent_endpoint_id(1, 2, 2));
	tg = agent_bindings_find(g.bindings, AGENT_BINDING_TRUNKGROUP, 6);
	ck_assert_ptr_nonnull(ep);
	ck_assert_ptr_nonnull(tg);
	status(&st, SIPREG_BACKOFF, 0, "timeout");
	agent_notify_binding(ep, &st, &g);
	al = agent_alarms_next(g.alarms, 0);
	ck_assert_ptr_nonnull(al);
	ck_assert_str_eq(al->source, "Endpoint#1/2/2");
	ck_assert_ptr_nonnull(strstr(al->text, "sip:401@"));
	agent_notify_binding(tg, &st, &g);
	ck_assert_uint_eq(agent_alarms_count(g.alarms), 2);
	al = agent_alarms_next(g.alarms, al->seq);
	ck_assert_ptr_nonnull(al);
	ck_assert_str_eq(al->source, "TrunkGroup#6");
}
END_TEST

START_TEST(test_binding_alarm_cause)
{
	struct agent_binding *ab =
		agent_bindings_find(g.bindings, AGENT_BINDING_GATEWAY, 0);
	struct sipreg_status st;

	ck_assert_ptr_nonnull(ab);
	status(&st, SIPREG_BACKOFF, 0, "timeout");
	agent_notify_binding(ab, &st, &g);
	ck_assert_uint_eq(agent_alarms_count(g.alarms), 1);
	ck_assert_int_eq(agent_alarms_next(g.alarms, 0)->cause, 6);
	ck_assert_str_eq(agent_alarms_next(g.alarms, 0)->source, "Gateway");
}
END_TEST

/* While stopping, state changes raise and clear nothing. */
START_TEST(test_stopping_is_silent)
{
	struct agent_binding *ab =
		agent_bindings_find(g.bindings, AGENT_BINDING_ACCOUNT, 10);
	struct sipreg_status st;

	g.stopping = 1;
	status(&st, SIPREG_FAILED, 503, "503");
	agent_notify_binding(ab, &st, &g);
	ck_assert_uint_eq(agent_alarms_count(g.alarms), 0);
	ck_assert_uint_eq(nseen, 0);
}
END_TEST

/* A removed binding takes its row with it, without a notice. */
START_TEST(test_prune)
{
	static const char none[] = "IsRegisterNeeded = 0\n";
	struct agent_binding *ab =
		agent_bindings_find(g.bindings, AGENT_BINDING_ACCOUNT, 10);
	struct sipreg_status st;

	status(&st, SIPREG_FAILED, 503, "503");
	agent_notify_binding(ab, &st, &g);
	ck_assert_uint_eq(agent_alarms_count(g.alarms), 1);
	ck_assert_int_eq(agent_config_load_buffer(g.config, none, strlen(none),
						  "n.ini", INI_APPLY_FULL, NULL,
						  NULL),
			 0);
	agent_bindings_sync(g.bindings, agent_config_conf(g.config), 0);
	agent_alarms_prune(g.alarms);
	ck_assert_uint_eq(agent_alarms_count(g.alarms), 0);
	ck_assert_uint_eq(nseen, 1); /* only the failure */
	ck_assert_uint_eq(agent_alarms_history_count(g.alarms), 1);
}
END_TEST

/* The token bucket: at 1 per second the second alarm of the same second
 * is held back and counted; the table stays exact; the summary says how
 * many once the interval has passed. */
START_TEST(test_rate_limit_and_summary)
{
	struct agent_binding *a3 =
		agent_bindings_find(g.bindings, AGENT_BINDING_ACCOUNT, 3);
	struct agent_binding *a10 =
		agent_bindings_find(g.bindings, AGENT_BINDING_ACCOUNT, 10);
	struct sipreg_status st;

	g.trap_rate = 1;
	g.trap_summary_s = 5;
	status(&st, SIPREG_FAILED, 503, "503");
	agent_notify_binding(a3, &st, &g);
	agent_notify_binding(a10, &st, &g);
	ck_assert_uint_eq(agent_alarms_count(g.alarms), 2);
	ck_assert_uint_eq(nseen, 1);
	fake_now += 6000;
	agent_event_run_once(g.ev, 0);
	ck_assert_uint_eq(nseen, 2);
	ck_assert_int_eq(seen[1].kind, AGENT_N_SUPPRESSED);
	ck_assert_uint_eq(seen[1].suppressed, 1);
}
END_TEST

/* No master: the notice is refused, counted, and summarised later. */
START_TEST(test_no_master_counts)
{
	refuse = 1;
	agent_notify_started(&g);
	ck_assert_uint_eq(nseen, 0);
	refuse = 0;
	g.trap_summary_s = 1;
	fake_now += 2000;
	agent_event_run_once(g.ev, 0);
	ck_assert_uint_eq(nseen, 1);
	ck_assert_int_eq(seen[0].kind, AGENT_N_SUPPRESSED);
	ck_assert_uint_eq(seen[0].suppressed, 1);
}
END_TEST

/* A failed load raises the IniFile alarm; a good one clears it with the
 * same number; a dry run is an event that raises nothing. */
START_TEST(test_ini_result)
{
	uint32_t seq;

	g.ini.running_mode = 1;
	g.ini.status = 3;
	agent_notify_ini_result(&g, 0);
	ck_assert_uint_eq(agent_alarms_count(g.alarms), 1);
	seq = agent_alarms_next(g.alarms, 0)->seq;
	ck_assert_int_eq(seen[0].kind, AGENT_N_INI_RESULT);
	ck_assert_int_eq(seen[0].severity, 4);
	ck_assert_int_eq(seen[0].ini_status, 3);
	g.ini.status = 2;
	agent_notify_ini_result(&g, 1);
	ck_assert_uint_eq(agent_alarms_count(g.alarms), 0);
	ck_assert_int_eq(seen[1].severity, 0);
	ck_assert_uint_eq(seen[1].seq, seq);
	g.ini.running_mode = 3;
	agent_notify_ini_result(&g, 0);
	ck_assert_uint_eq(agent_alarms_count(g.alarms), 0);
	ck_assert_int_eq(seen[2].severity, 0);
	ck_assert_ptr_nonnull(strstr(seen[2].text, "dry run failed"));
}
END_TEST

/* The history keeps the last AGENT_ALARM_HISTORY_MAX rows, in order. */
START_TEST(test_history_bounded)
{
	struct agent_binding *ab =
		agent_bindings_find(g.bindings, AGENT_BINDING_ACCOUNT, 3);
	struct sipreg_status bad, good;
	const struct agent_alarm *al;
	long last = 0;
	size_t i, n = 0;

	g.trap_rate = 0; /* no limit */
	status(&bad, SIPREG_FAILED, 503, "503");
	status(&good, SIPREG_REGISTERED, 200, "");
	for (i = 0; i < AGENT_ALARM_HISTORY_MAX + 20; i++) {
		agent_notify_binding(ab, &bad, &g);
		agent_notify_binding(ab, &good, &g);
	}
	ck_assert_uint_eq(agent_alarms_history_count(g.alarms),
			  AGENT_ALARM_HISTORY_MAX);
	while ((al = agent_alarms_history_next(g.alarms, last)) != NULL) {
		ck_assert_int_gt((long)al->seq, last);
		last = (long)al->seq;
		n++;
	}
	ck_assert_uint_eq(n, AGENT_ALARM_HISTORY_MAX);
}
END_TEST

static Suite *
alarm_suite(void)
{
	Suite *s = suite_create("agent_alarm");
	TCase *tc = tcase_create("alarms");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_binding_alarm_edges);
	tcase_add_test(tc, test_binding_alarm_cause);
	tcase_add_test(tc, test_trunk_group_alarm_sources);
	tcase_add_test(tc, test_stopping_is_silent);
	tcase_add_test(tc, test_prune);
	tcase_add_test(tc, test_rate_limit_and_summary);
	tcase_add_test(tc, test_no_master_counts);
	tcase_add_test(tc, test_ini_result);
	tcase_add_test(tc, test_history_bounded);
	suite_add_tcase(s, tc);
	return s;
}

GWTEST_MAIN(alarm_suite)
