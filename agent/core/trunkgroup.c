/* SPDX-License-Identifier: ISC */
/*
 * Trunk groups as the Trunk Group Table page of a Mediant shows them
 * (Mediant 2000 SIP User's Manual v6.6, p.219: "Instead of registering
 * the entire device, you can register specific entities ... Trunk Groups
 * - Trunk Group Table page"): per trunk group its effective registration
 * mode, endpoints and bindings, how many are registered, failed or out
 * of service, and its Register / Un-Register action.  The numbers come
 * from the bindings (agent/core/bindings.c) and are computed when asked;
 * gwTrunkGroupStatusTable, gwagentctl show trunk-groups and the trunk
 * group alarms (agent/core/alarm.c) all read them here.
 *
 * Out of service follows OOSOnRegistrationFail (Mediant 2000 User's
 * Manual v6.6, p.550): when it is 1, an endpoint whose own registration
 * failed is out of service; when the registration that covers a whole
 * trunk group failed (its per-trunk-group binding, or the device's
 * registration for a trunk group registering per gateway), or every
 * binding of the trunk group failed (its accounts, registering per
 * account), every endpoint of the trunk group is.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agent/core/gwagent.h"
#include "agent/core/log.h"

/* What one pass over the configuration and the bindings counts. */
struct tg_acc {
	unsigned char present;
	unsigned char covered_failed; /* the binding covering it failed */
	struct agent_tg_status st;
};

static int
tg_state_active(enum sipreg_state s)
{
	return s != SIPREG_IDLE && s != SIPREG_UNREGISTERING &&
	       s != SIPREG_UNREGISTERED;
}

/* Count binding ab into its trunk group's accumulator. */
static void
tg_count_binding(struct tg_acc *acc, struct agent_binding *ab)
{
	struct agent_binding_where w;
	struct sipreg_status st;
	struct tg_acc *t;
	int failed = *agent_binding_alarm_flag(ab) != 0;

	agent_binding_where(ab, &w);
	if (w.tg < 0 || w.tg > AGENT_TG_MAX)
		return;
	t = &acc[w.tg];
	t->present = 1;
	t->st.bindings++;
	if (agent_binding_status(ab, &st) < 0)
		memset(&st, 0, sizeof(st));
	if (st.state == SIPREG_REGISTERED || st.state == SIPREG_REFRESHING)
		t->st.registered++;
	if (failed)
		t->st.failed++;
	if (failed || tg_state_active(st.state))
		t->st.active++;
	if (failed && agent_binding_type(ab) == AGENT_BINDING_TRUNKGROUP)
		t->covered_failed = 1;
}

/* Whether the device's own registration (the gateway binding) failed. */
static int
tg_gateway_failed(struct gwagent *g)
{
	struct agent_binding *ab =
		agent_bindings_find(g->bindings, AGENT_BINDING_GATEWAY, 0);

	return ab != NULL && *agent_binding_alarm_flag(ab) != 0;
}

/* The endpoints of one trunk group out of service (see the top). */
static unsigned
tg_oos(const struct tg_acc *t, unsigned ep_failed, int gw_failed)
{
	const struct agent_tg_status *s = &t->st;

	if (t->covered_failed || s->all_failed ||
	    (s->mode == 1 && s->bindings == 0 && gw_failed))
		return s->endpoints;
	return ep_failed < s->endpoints ? ep_failed : s->endpoints;
}

int
agent_tg_collect(struct gwagent *g, struct agent_tg_status **out, size_t *n)
{
	const struct ini_conf *conf = agent_config_conf(g->config);
	struct ini_endpoint *eps = NULL;
	struct tg_acc *acc;
	struct agent_tg_status *v;
	unsigned *ep_failed;
	size_t neps = 0, i, k = 0;
	long r = LONG_MIN, tg;
	int gw_failed, oos_on;

	*out = NULL;
	*n = 0;
	acc = calloc(AGENT_TG_MAX + 1, sizeof(*acc));
	ep_failed = calloc(AGENT_TG_MAX + 1, sizeof(*ep_failed));
	if (acc == NULL || ep_failed == NULL) {
		free(acc);
		free(ep_failed);
		return -ENOMEM;
	}
	while (ini_conf_row_next(conf, INI_TABLE_TRUNKGROUP, r, &r) == 0)
		if (ini_conf_row_get_int(conf, INI_P_TRUNKGROUP_TRUNK_GROUP_NUM,
					 r, &tg) == 0 &&
		    tg >= 0 && tg <= AGENT_TG_MAX)
			acc[tg].present = 1;
	/* a configuration that does not expand has no endpoints to count
	 * (ini_conf_check() refuses it: it is never the running one) */
	if (ini_conf_endpoints(conf, &eps, &neps) == -ENOMEM) {
		free(acc);
		free(ep_failed);
		return -ENOMEM;
	}
	for (i = 0; i < neps; i++)
		if (eps[i].tg >= 0 && eps[i].tg <= AGENT_TG_MAX)
			acc[eps[i].tg].st.endpoints++;
	free(eps);
	for (i = 0;
	     g->bindings != NULL && i < agent_bindings_count(g->bindings);
	     i++) {
		struct agent_binding *ab = agent_bindings_at(g->bindings, i);
		struct agent_binding_where w;

		tg_count_binding(acc, ab);
		agent_binding_where(ab, &w);
		if (agent_binding_type(ab) == AGENT_BINDING_ENDPOINT &&
		    w.tg >= 0 && w.tg <= AGENT_TG_MAX &&
		    *agent_binding_alarm_flag(ab))
			ep_failed[w.tg]++;
	}
	gw_failed = g->bindings != NULL && tg_gateway_failed(g);
	oos_on = ini_conf_get_int(conf, INI_P_OOS_ON_REGISTRATION_FAIL) == 1;
	for (tg = 0; tg <= AGENT_TG_MAX; tg++)
		if (acc[tg].present)
			k++;
	v = k > 0 ? calloc(k, sizeof(*v)) : NULL;
	if (k > 0 && v == NULL) {
		free(acc);
		free(ep_failed);
		return -ENOMEM;
	}
	for (tg = 0, i = 0; tg <= AGENT_TG_MAX; tg++) {
		struct tg_acc *t = &acc[tg];

		if (!t->present)
			continue;
		t->st.tg = tg;
		t->st.mode = agent_tg_mode(conf, tg);
		t->st.all_failed =
			t->st.active > 0 && t->st.failed == t->st.active;
		t->st.oos = oos_on ? tg_oos(t, ep_failed[tg], gw_failed) : 0;
		t->st.alarm = agent_alarms_tg_raised(g->alarms, tg);
		t->st.last = g->tg_last[tg];
		v[i++] = t->st;
	}
	free(acc);
	free(ep_failed);
	*out = v;
	*n = k;
	return 0;
}

int
agent_tg_get(struct gwagent *g, long tg, struct agent_tg_status *out)
{
	struct agent_tg_status *v;
	size_t n, i;
	int rc;

	if (tg < 0 || tg > AGENT_TG_MAX)
		return -ENOENT;
	if ((rc = agent_tg_collect(g, &v, &n)) < 0)
		return rc;
	rc = -ENOENT;
	for (i = 0; i < n; i++)
		if (v[i].tg == tg) {
			*out = v[i];
			rc = 0;
			break;
		}
	free(v);
	return rc;
}

int
agent_tg_next(struct gwagent *g, long after, long *tg)
{
	struct agent_tg_status *v;
	size_t n, i;
	int rc;

	if ((rc = agent_tg_collect(g, &v, &n)) < 0)
		return rc;
	rc = -ENOENT;
	for (i = 0; i < n; i++)
		if (v[i].tg > after) {
			*tg = v[i].tg;
			rc = 0;
			break;
		}
	free(v);
	return rc;
}

int
agent_tg_action(struct gwagent *g, long tg, int action, size_t *n)
{
	size_t k = 0;
	int rc;

	if (tg < 0 || tg > AGENT_TG_MAX || action < AGENT_ACTION_REGISTER ||
	    action > AGENT_ACTION_REFRESH)
		return -EINVAL;
	rc = agent_bindings_action_tg(g->bindings, tg, action, &k);
	if (n != NULL)
		*n = k;
	if (rc < 0)
		return rc;
	g->tg_last[tg].action = action;
	g->tg_last[tg].n = (unsigned)k;
	g->tg_last[tg].when = (int64_t)time(NULL);
	log_info("sip", "trunk group %ld: %s of %zu bindings started", tg,
		 action == AGENT_ACTION_REGISTER     ? "register"
		 : action == AGENT_ACTION_UNREGISTER ? "unregister"
						     : "refresh",
		 k);
	return 0;
}
