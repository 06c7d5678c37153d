/* SPDX-License-Identifier: ISC */
/*
 * agent/core/trunkgroup.c and the trunk group alarms of agent/core/alarm.c:
 * what each trunk group counts (endpoints, bindings, registered, failed,
 * out of service), the Register / Un-Register action, and the raise and
 * clear of gwTrunkGroupRegistrationFailed.  A registrar on a loopback UDP
 * socket answers the engine's REGISTERs: 200 or 403 by the user's number,
 * so that the bindings' states are the engine's own.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "agent/core/event.h"
#include "agent/core/gwagent.h"
#include "agent/core/log.h"
#include "tests/unit/gwtest.h"

static struct gwagent g;
static int reg_fd = -1;
static unsigned reg_port;
static int refuse_below, refuse_above; /* users in [below, above]: 403 */
static unsigned answered;

static unsigned nkind[16];
static unsigned long last_tg;
static unsigned last_tg_failed, last_tg_registered, last_tg_bindings;
static uint32_t last_tg_seq;

static int
catch_notice(const struct agent_notice *n, void *arg)
{
	(void)arg;
	if (n->kind >= 0 && n->kind < 16)
		nkind[n->kind]++;
	if (n->kind == AGENT_N_TG_FAILED || n->kind == AGENT_N_TG_RESTORED) {
		last_tg = (unsigned long)n->al->id;
		last_tg_seq = n->al->seq;
		last_tg_failed = n->tg_failed;
		last_tg_registered = n->tg_registered;
		last_tg_bindings = n->tg_bindings;
	}
	return 0;
}

static void
quiet(int prio, const char *msg)
{
	(void)prio;
	(void)msg;
}

/* Header line @p name of @p req (without CRLF) into @p out, "" none. */
static void
hdr(const char *req, const char *name, char *out, size_t len)
{
	const char *p = req;
	size_t n = strlen(name);

	out[0] = '\0';
	while ((p = strstr(p, "\r\n")) != NULL) {
		p += 2;
		if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
			const char *e = strstr(p, "\r\n");
			size_t l = e ? (size_t)(e - p) : strlen(p);

			if (l >= len)
				l = len - 1;
			memcpy(out, p, l);
			out[l] = '\0';
			return;
		}
	}
}

/* Answer every REGISTER waiting on the registrar's socket. */
static void
registrar_answer(void)
{
	char req[4096], resp[4096], via[512], from[256], to[256], cid[256],
		cseq[128], contact[256];
	struct sockaddr_in from_sa;
	socklen_t sl = sizeof(from_sa);
	ssize_t r;

	while ((r = recvfrom(reg_fd, req, sizeof(req) - 1, MSG_DONTWAIT,
			     (struct sockaddr *)&from_sa, &sl)) > 0) {
		const char *u;
		int user, refuse;

		req[r] = '\0';
		if (strncmp(req, "REGISTER ", 9) != 0)
			continue;
		hdr(req, "Via", via, sizeof(via));
		hdr(req, "From", from, sizeof(from));
		hdr(req, "To", to, sizeof(to));
		hdr(req, "Call-ID", cid, sizeof(cid));
		hdr(req, "CSeq", cseq, sizeof(cseq));
		hdr(req, "Contact", contact, sizeof(contact));
		u = strstr(from, "sip:");
		user = u != NULL ? atoi(u + 4) : -1;
		refuse = user >= refuse_below && user <= refuse_above;
		snprintf(resp, sizeof(resp),
			 "SIP/2.0 %s\r\n%s\r\n%s\r\n%s;tag=reg1\r\n%s\r\n%s\r\n"
			 "%s%s%s"
			 "Content-Length: 0\r\n\r\n",
			 refuse ? "403 Forbidden" : "200 OK", via, from, to,
			 cid, cseq, refuse ? "" : contact,
			 refuse ? "" : ";expires=3600",
			 refuse ? "" : "\r\nExpires: 3600\r\n");
		sendto(reg_fd, resp, strlen(resp), 0,
		       (struct sockaddr *)&from_sa, sl);
		answered++;
		sl = sizeof(from_sa);
	}
}

/* Run the loop and the registrar until @p done or 10 seconds. */
static void
pump(int (*done)(void))
{
	time_t end = time(NULL) + 10;

	while (!done() && time(NULL) < end) {
		agent_event_run_once(g.ev, 5);
		registrar_answer();
	}
	for (int i = 0; i < 20; i++) { /* the last answers land */
		agent_event_run_once(g.ev, 2);
		registrar_answer();
	}
}

static size_t want_settled;

/* Every binding answered: registered or failed. */
static int
all_settled(void)
{
	size_t i, k = 0;

	for (i = 0; i < agent_bindings_count(g.bindings); i++) {
		struct sipreg_status st;

		if (agent_binding_status(agent_bindings_at(g.bindings, i),
					 &st) == 0 &&
		    (st.state == SIPREG_REGISTERED ||
		     st.state == SIPREG_FAILED || st.state == SIPREG_BACKOFF ||
		     st.state == SIPREG_UNREGISTERED))
			k++;
	}
	return k >= want_settled;
}

static void
setup(void)
{
	struct agent_sip_conf sc = { .local_addr = "127.0.0.1",
				     .pace_off = 1,
				     .unreg_pace_off = 1 };
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sa);

	log_register(quiet);
	memset(&g, 0, sizeof(g));
	memset(nkind, 0, sizeof(nkind));
	answered = 0;
	refuse_below = refuse_above = -1;
	reg_fd = socket(AF_INET, SOCK_DGRAM, 0);
	ck_assert_int_ge(reg_fd, 0);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(reg_fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(getsockname(reg_fd, (struct sockaddr *)&sa, &sl), 0);
	reg_port = ntohs(sa.sin_port);
	ck_assert_int_eq(agent_event_create(&g.ev), 0);
	g.trap_rate = 10;
	ck_assert_int_eq(gwagent_init(&g, &sc), 0);
	agent_alarms_set_notify(g.alarms, catch_notice, NULL);
}

static void
teardown(void)
{
	gwagent_fini(&g);
	agent_event_destroy(g.ev);
	close(reg_fd);
	reg_fd = -1;
	log_register(NULL);
}

static void
load(const char *tables, int oos, int start)
{
	char ini[8192];

	snprintf(ini, sizeof(ini),
		 "IsRegisterNeeded = 1\nAuthenticationMode = 0\n"
		 "IsProxyUsed = 0\nUserName = 'gw'\nPassword = 'pw'\n"
		 "RegistrarIP = '127.0.0.1:%u'\nOOSOnRegistrationFail = %d\n"
		 "[ ProxyIp ]\n"
		 "FORMAT ProxyIp_Index = ProxyIp_IpAddress, "
		 "ProxyIp_ProxySetId;\n"
		 "ProxyIp 0 = \"127.0.0.1:%u\", 0;\n"
		 "[ \\ProxyIp ]\n"
		 "[ IPGroup ]\n"
		 "FORMAT IPGroup_Index = IPGroup_ProxySetId, "
		 "IPGroup_SIPGroupName;\n"
		 "IPGroup 1 = 0, \"pbx.test\";\n"
		 "[ \\IPGroup ]\n"
		 "%s",
		 reg_port, oos, reg_port, tables);
	ck_assert_int_eq(agent_config_load_buffer(g.config, ini, strlen(ini),
						  "tg.ini", INI_APPLY_FULL,
						  NULL, NULL),
			 0);
	ck_assert_int_eq(agent_bindings_sync(g.bindings,
					     agent_config_conf(g.config),
					     start),
			 0);
}

#define TG_FORMAT                                                \
	"[ TrunkGroup ]\n"                                       \
	"FORMAT TrunkGroup_Index = TrunkGroup_TrunkGroupNum, "   \
	"TrunkGroup_FirstTrunkId, TrunkGroup_FirstBChannel, "    \
	"TrunkGroup_LastBChannel, TrunkGroup_FirstPhoneNumber, " \
	"TrunkGroup_ProfileId, TrunkGroup_LastTrunkId, "         \
	"TrunkGroup_Module;\n"

/* TG 1: 3 endpoints per endpoint (100-102); TG 2: 2 (200-201); TG 3
 * per gateway: one binding for its 2 channels; TG 4 does not register;
 * Account 5 serves TG 7, which has no TrunkGroup row. */
static const char mixed[] =
	"[ TrunkGroupSettings ]\n"
	"FORMAT TrunkGroupSettings_Index = TrunkGroupSettings_TrunkGroupId, "
	"TrunkGroupSettings_RegistrationMode;\n"
	"TrunkGroupSettings 0 = 3, 1;\n"
	"TrunkGroupSettings 1 = 4, 4;\n"
	"TrunkGroupSettings 2 = 7, 5;\n"
	"[ \\TrunkGroupSettings ]\n" TG_FORMAT
	"TrunkGroup 0 = 1, 1, 1, 3, \"100\", 0, 1, 1;\n"
	"TrunkGroup 1 = 2, 2, 1, 2, \"200\", 0, 2, 1;\n"
	"TrunkGroup 2 = 3, 3, 1, 2, \"300\", 0, 3, 1;\n"
	"TrunkGroup 3 = 4, 4, 1, 1, \"400\", 0, 4, 1;\n"
	"[ \\TrunkGroup ]\n"
	"[ Account ]\n"
	"FORMAT Account_Index = Account_ServedTrunkGroup, "
	"Account_ServingIPGroup, Account_Username, Account_Password, "
	"Account_HostName, Account_Register, Account_ContactUser;\n"
	"Account 5 = 7, 1, \"700\", \"pw\", \"127.0.0.1\", 1, \"700\";\n"
	"[ \\Account ]\n";

static struct agent_tg_status
tg(long id)
{
	struct agent_tg_status st;

	ck_assert_int_eq(agent_tg_get(&g, id, &st), 0);
	return st;
}

/* Modes, endpoints and bindings per trunk group, in id order; the
 * action refuses a trunk group no binding serves. */
START_TEST(test_collect)
{
	struct agent_tg_status *v, st;
	size_t n, k;
	long next;

	load(mixed, 1, 0);
	ck_assert_int_eq(agent_tg_collect(&g, &v, &n), 0);
	ck_assert_uint_eq(n, 5);
	ck_assert_int_eq(v[0].tg, 1);
	ck_assert_int_eq(v[0].mode, 0);
	ck_assert_uint_eq(v[0].endpoints, 3);
	ck_assert_uint_eq(v[0].bindings, 3);
	ck_assert_int_eq(v[1].tg, 2);
	ck_assert_uint_eq(v[1].bindings, 2);
	ck_assert_int_eq(v[2].tg, 3);
	ck_assert_int_eq(v[2].mode, 1);
	ck_assert_uint_eq(v[2].endpoints, 2);
	ck_assert_uint_eq(v[2].bindings, 1); /* one registration */
	ck_assert_int_eq(v[3].tg, 4);
	ck_assert_int_eq(v[3].mode, 4);
	ck_assert_uint_eq(v[3].endpoints, 1);
	ck_assert_uint_eq(v[3].bindings, 0);
	ck_assert_int_eq(v[4].tg, 7); /* only an account serves it */
	ck_assert_uint_eq(v[4].endpoints, 0);
	ck_assert_uint_eq(v[4].bindings, 1);
	for (k = 0; k < n; k++) {
		/* nothing started: nothing registered, failed or active */
		ck_assert_uint_eq(v[k].registered, 0);
		ck_assert_uint_eq(v[k].failed, 0);
		ck_assert_uint_eq(v[k].active, 0);
		ck_assert_uint_eq(v[k].oos, 0);
		ck_assert_int_eq(v[k].all_failed, 0);
		ck_assert_int_eq(v[k].last.action, 0);
	}
	free(v);
	ck_assert_int_eq(agent_tg_next(&g, -1, &next), 0);
	ck_assert_int_eq(next, 1);
	ck_assert_int_eq(agent_tg_next(&g, 4, &next), 0);
	ck_assert_int_eq(next, 7);
	ck_assert_int_eq(agent_tg_next(&g, 7, &next), -ENOENT);
	ck_assert_int_eq(agent_tg_get(&g, 5, &st), -ENOENT);
	ck_assert_int_eq(agent_tg_get(&g, 256, &st), -ENOENT);

	/* TG 4 registers nothing: no binding to act on */
	ck_assert_int_eq(agent_tg_action(&g, 4, AGENT_ACTION_REGISTER, &k),
			 -ENOENT);
	ck_assert_uint_eq(k, 0);
	ck_assert_int_eq(g.tg_last[4].action, 0);
	ck_assert_int_eq(agent_tg_action(&g, 1, 7, NULL), -EINVAL);
	ck_assert_int_eq(agent_tg_action(&g, -1, 1, NULL), -EINVAL);
	ck_assert_int_eq(agent_tg_action(&g, 1, AGENT_ACTION_REGISTER, &k), 0);
	ck_assert_uint_eq(k, 3);
	st = tg(1);
	ck_assert_int_eq(st.last.action, AGENT_ACTION_REGISTER);
	ck_assert_uint_eq(st.last.n, 3);
	ck_assert_int_ne(st.last.when, 0);
	ck_assert_int_eq(tg(2).last.action, 0);
}
END_TEST

/* Register acts on exactly the trunk group's bindings; every one of
 * TG 1 refused: one trunk group alarm, all its endpoints out of service;
 * TG 2 untouched (idle); the alarm is raised once and cleared once, with
 * its sequence number, when one binding registers again. */
START_TEST(test_all_failed_raise_and_restore)
{
	struct agent_tg_status st;
	const struct agent_alarm *al;
	uint32_t seq;

	load(mixed, 1, 0);
	refuse_below = 100;
	refuse_above = 102;
	ck_assert_int_eq(agent_tg_action(&g, 1, AGENT_ACTION_REGISTER, NULL),
			 0);
	want_settled = 3;
	pump(all_settled);
	ck_assert_uint_eq(answered, 3); /* TG 1's only */
	st = tg(1);
	ck_assert_uint_eq(st.failed, 3);
	ck_assert_uint_eq(st.active, 3);
	ck_assert_int_eq(st.all_failed, 1);
	ck_assert_uint_eq(st.oos, 3);
	ck_assert_int_eq(st.alarm, 0); /* not yet checked */
	ck_assert_uint_eq(tg(2).active, 0);
	ck_assert_uint_eq(nkind[AGENT_N_REG_FAILED], 3);

	agent_alarms_check_tgs(g.alarms);
	ck_assert_uint_eq(nkind[AGENT_N_TG_FAILED], 1);
	ck_assert_uint_eq(last_tg, 1);
	ck_assert_uint_eq(last_tg_failed, 3);
	ck_assert_uint_eq(last_tg_bindings, 3);
	seq = last_tg_seq;
	al = agent_alarms_find(g.alarms, seq);
	ck_assert_ptr_nonnull(al);
	ck_assert_str_eq(al->name, "gwTrunkGroupRegistrationFailed");
	ck_assert_str_eq(al->source, "TrunkGroup#1");
	ck_assert_int_eq(tg(1).alarm, 1);
	/* checked again, still down: nothing more */
	agent_alarms_check_tgs(g.alarms);
	ck_assert_uint_eq(nkind[AGENT_N_TG_FAILED], 1);

	/* the registrar takes them again: the first that registers
	 * restores the trunk group */
	refuse_below = refuse_above = -1;
	ck_assert_int_eq(agent_tg_action(&g, 1, AGENT_ACTION_REGISTER, NULL),
			 0);
	pump(all_settled);
	st = tg(1);
	ck_assert_uint_eq(st.registered, 3);
	ck_assert_uint_eq(st.failed, 0);
	ck_assert_uint_eq(st.oos, 0);
	agent_alarms_check_tgs(g.alarms);
	ck_assert_uint_eq(nkind[AGENT_N_TG_RESTORED], 1);
	ck_assert_uint_eq(last_tg_seq, seq);
	ck_assert_uint_eq(last_tg_registered, 3);
	ck_assert_ptr_null(agent_alarms_find(g.alarms, seq));
	ck_assert_ptr_nonnull(agent_alarms_history_find(g.alarms, seq));
	ck_assert_int_eq(tg(1).alarm, 0);
	agent_alarms_check_tgs(g.alarms);
	ck_assert_uint_eq(nkind[AGENT_N_TG_RESTORED], 1);
	ck_assert_uint_eq(nkind[AGENT_N_TG_FAILED], 1);
}
END_TEST

/* One endpoint of TG 2 refused: it alone is out of service (with
 * OOSOnRegistrationFail = 1; none with 0), the trunk group raises
 * nothing; the per-gateway TG 3 refused: all its endpoints are. */
START_TEST(test_partial_and_oos_rule)
{
	struct agent_tg_status st;

	load(mixed, 1, 1);
	refuse_below = 201;
	refuse_above = 201;
	want_settled = agent_bindings_count(g.bindings);
	pump(all_settled);
	st = tg(2);
	ck_assert_uint_eq(st.registered, 1);
	ck_assert_uint_eq(st.failed, 1);
	ck_assert_int_eq(st.all_failed, 0);
	ck_assert_uint_eq(st.oos, 1);
	ck_assert_uint_eq(tg(1).oos, 0);
	ck_assert_uint_eq(tg(1).registered, 3);
	ck_assert_uint_eq(tg(3).registered, 1);
	agent_alarms_check_tgs(g.alarms);
	ck_assert_uint_eq(nkind[AGENT_N_TG_FAILED], 0);

	/* the same with OOSOnRegistrationFail = 0: failed, not OOS */
	load(mixed, 0, 1);
	ck_assert_uint_eq(tg(2).failed, 1);
	ck_assert_uint_eq(tg(2).oos, 0);
}
END_TEST

/* A failed trunk group that the operator un-registers: nothing is meant
 * to register, the alarm goes away without a restored notification. */
START_TEST(test_unregister_drops_alarm)
{
	load(mixed, 1, 0);
	refuse_below = 200;
	refuse_above = 201;
	ck_assert_int_eq(agent_tg_action(&g, 2, AGENT_ACTION_REGISTER, NULL),
			 0);
	want_settled = 2;
	pump(all_settled);
	agent_alarms_check_tgs(g.alarms);
	ck_assert_uint_eq(nkind[AGENT_N_TG_FAILED], 1);
	ck_assert_int_eq(agent_tg_action(&g, 2, AGENT_ACTION_UNREGISTER, NULL),
			 0);
	pump(all_settled);
	ck_assert_uint_eq(tg(2).active, 0);
	ck_assert_int_eq(g.tg_last[2].action, AGENT_ACTION_UNREGISTER);
	agent_alarms_check_tgs(g.alarms);
	ck_assert_uint_eq(nkind[AGENT_N_TG_RESTORED], 0);
	ck_assert_int_eq(tg(2).alarm, 0);
	/* unregistered endpoints clear their own alarms too */
	ck_assert_uint_eq(agent_alarms_count(g.alarms), 0);
}
END_TEST

/* A failed trunk group that leaves the configuration: its alarm goes
 * away with it, without a restored notification. */
START_TEST(test_removed_tg_drops_alarm)
{
	load(mixed, 1, 0);
	refuse_below = 100;
	refuse_above = 102;
	ck_assert_int_eq(agent_tg_action(&g, 1, AGENT_ACTION_REGISTER, NULL),
			 0);
	want_settled = 3;
	pump(all_settled);
	agent_alarms_check_tgs(g.alarms);
	ck_assert_uint_eq(nkind[AGENT_N_TG_FAILED], 1);
	ck_assert_int_eq(agent_alarms_tg_raised(g.alarms, 1), 1);
	load(TG_FORMAT "TrunkGroup 1 = 2, 2, 1, 2, \"200\", 0, 2, 1;\n"
		       "[ \\TrunkGroup ]\n",
	     1, 0);
	agent_alarms_prune(g.alarms);
	agent_alarms_check_tgs(g.alarms);
	ck_assert_int_eq(agent_alarms_tg_raised(g.alarms, 1), 0);
	ck_assert_uint_eq(nkind[AGENT_N_TG_RESTORED], 0);
	ck_assert_uint_eq(agent_alarms_count(g.alarms), 0);
	ck_assert_uint_eq(agent_alarms_history_count(g.alarms), 4);
}
END_TEST

/* A Mediant 2000 with 16 E1 spans in 8 trunk groups (2 spans of 30
 * channels each): the registrar refuses all 480.  The alarm table holds
 * 480 endpoint alarms and 8 trunk group alarms; the rate limit (10/s)
 * lets few of the 480 gwRegistrationFailed out and counts the rest for
 * gwAlarmsSuppressed; exactly 8 trunk group notifications go out. */
START_TEST(test_e1_down_one_notification_per_tg)
{
	char tables[4096];
	size_t off, i;
	struct agent_tg_status *v;
	size_t n;
	time_t t0 = time(NULL), t1;

	off = (size_t)snprintf(tables, sizeof(tables), "%s", TG_FORMAT);
	for (i = 0; i < 8; i++)
		off += (size_t)snprintf(tables + off, sizeof(tables) - off,
					"TrunkGroup %zu = %zu, %zu, 1, 30, "
					"\"%zu000\", 0, %zu, 1;\n",
					i, i + 1, 2 * i + 1, i + 1, 2 * i + 2);
	snprintf(tables + off, sizeof(tables) - off, "[ \\TrunkGroup ]\n");
	refuse_below = 0;
	refuse_above = 1000000;
	load(tables, 1, 1);
	ck_assert_uint_eq(agent_bindings_count(g.bindings), 480);
	want_settled = 480;
	pump(all_settled);
	ck_assert(all_settled());
	agent_alarms_check_tgs(g.alarms);
	t1 = time(NULL);
	ck_assert_int_eq(agent_tg_collect(&g, &v, &n), 0);
	ck_assert_uint_eq(n, 8);
	for (i = 0; i < n; i++) {
		ck_assert_uint_eq(v[i].endpoints, 60);
		ck_assert_uint_eq(v[i].failed, 60);
		ck_assert_uint_eq(v[i].oos, 60);
		ck_assert_int_eq(v[i].alarm, 1);
	}
	free(v);
	ck_assert_uint_eq(agent_alarms_count(g.alarms), 480 + 8);
	ck_assert_uint_eq(nkind[AGENT_N_TG_FAILED], 8);
	/* the bucket: 10 at the start, 10 a second since */
	ck_assert_uint_le(nkind[AGENT_N_REG_FAILED],
			  10 + 10 * (unsigned)(t1 - t0 + 1));
	ck_assert_uint_lt(nkind[AGENT_N_REG_FAILED], 480);
	agent_alarms_check_tgs(g.alarms);
	ck_assert_uint_eq(nkind[AGENT_N_TG_FAILED], 8);
}
END_TEST

static Suite *
trunkgroup_suite(void)
{
	Suite *s = suite_create("agent_trunkgroup");
	TCase *tc = tcase_create("trunkgroup");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_collect);
	tcase_add_test(tc, test_all_failed_raise_and_restore);
	tcase_add_test(tc, test_partial_and_oos_rule);
	tcase_add_test(tc, test_unregister_drops_alarm);
	tcase_add_test(tc, test_removed_tg_drops_alarm);
	tcase_add_test(tc, test_e1_down_one_notification_per_tg);
	suite_add_tcase(s, tc);
	return s;
}

GWTEST_MAIN(trunkgroup_suite)
