/* SPDX-License-Identifier: ISC */
/*
 * What the daemon does with its configuration: commits from SNMP, INI
 * loads (from a URI in the background, or one line), saves, and the
 * registration actions queued by SETs.  Handlers only record work here;
 * it runs from a zero-delay timer of the loop, after the SET committed.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "agent/event.h"
#include "agent/fetch.h"
#include "agent/gwagent.h"
#include "agent/log.h"

static void
gwagent_run_actions(struct gwagent *g)
{
	struct agent_binding *ab;
	size_t i;
	int rc;

	for (i = 0; i < g->nactions; i++) {
		const struct agent_action *a = &g->actions[i];

		if (a->type == 0) {
			agent_bindings_action_all(g->bindings, a->action);
			continue;
		}
		ab = agent_bindings_find(g->bindings, a->type, a->id);
		rc = ab != NULL ? agent_binding_action(ab, a->action) : -ENOENT;
		if (rc < 0)
			log_warnx("snmp", "action %d on binding %d.%ld: %s",
				  a->action, a->type, a->id,
				  ab == NULL ? "gone"
				  : !agent_binding_usable(ab)
					  ? "its configuration does not let "
					    "it run"
					  : strerror(-rc));
	}
	g->nactions = 0;
}

static void
gwagent_work(void *arg)
{
	struct gwagent *g = arg;

	if (g->work_sync) {
		g->work_sync = 0;
		agent_bindings_sync(g->bindings, agent_config_conf(g->config),
				    1);
		agent_alarms_prune(g->alarms);
	}
	gwagent_run_actions(g);
}

static void
gwagent_kick(struct gwagent *g)
{
	if (!agent_timer_pending(&g->work))
		agent_timer_start(g->ev, &g->work, 0);
}

void
gwagent_conf_changed(struct gwagent *g, const char *why)
{
	log_info("config", "configuration changed by %s", why);
	g->work_sync = 1;
	gwagent_kick(g);
}

int
gwagent_queue_action(struct gwagent *g, int type, long id, int action)
{
	if (g->nactions == g->capactions) {
		size_t cap = g->capactions ? g->capactions * 2 : 16;
		struct agent_action *a = realloc(g->actions, cap * sizeof(*a));

		if (a == NULL)
			return -ENOMEM;
		g->actions = a;
		g->capactions = cap;
	}
	g->actions[g->nactions].type = type;
	g->actions[g->nactions].id = id;
	g->actions[g->nactions].action = action;
	g->nactions++;
	gwagent_kick(g);
	return 0;
}

static void
gwagent_ini_result(struct gwagent *g, int ok, const struct ini_diags *d,
		   const char *msg)
{
	char uri[sizeof(g->ini.uri)];

	g->ini.status = ok ? 2 : 3;
	g->ini.when = (int64_t)time(NULL);
	if (d != NULL && ini_diags_count(d) > 0)
		agent_config_diags_text(d, g->ini.diags, sizeof(g->ini.diags));
	else
		snprintf(g->ini.diags, sizeof(g->ini.diags), "%s",
			 msg ? msg : "");
	agent_uri_redact(g->ini.uri, uri, sizeof(uri));
	log_info("ini", "load of %s: %s%s%s", uri, ok ? "success" : "failed",
		 g->ini.diags[0] ? ": " : "", g->ini.diags);
	agent_notify_ini_result(g, ok);
}

/* Apply INI text to the running configuration, as a load does. */
int
gwagent_apply_text(struct gwagent *g, const char *buf, size_t len,
		   const char *name, enum ini_apply_mode mode,
		   struct ini_diags *d)
{
	int rc;

	rc = agent_config_load_buffer(g->config, buf, len, name, mode, NULL, d);
	agent_config_log_diags(d);
	if (rc < 0)
		return rc;
	agent_config_save(g->config);
	g->work_sync = 1;
	gwagent_kick(g);
	return 0;
}

static void
gwagent_fetched(int rc, const char *buf, size_t len, const char *errmsg,
		void *arg)
{
	struct gwagent *g = arg;
	struct ini_diags *d = NULL;
	char uri[sizeof(g->ini.uri)];

	if (rc < 0) {
		gwagent_ini_result(g, 0, NULL, errmsg ? errmsg : strerror(-rc));
		return;
	}
	/* Anything else (/etc/shadow) is never quoted, not even by count. */
	rc = agent_fetch_is_gateway_ini(buf, len);
	if (rc <= 0) {
		gwagent_ini_result(g, 0, NULL,
				   rc == 0 ? "not a gateway INI file"
					   : "out of memory");
		return;
	}
	if (ini_diags_create(&d) < 0) {
		gwagent_ini_result(g, 0, NULL, "out of memory");
		return;
	}
	agent_uri_redact(g->ini.uri, uri, sizeof(uri));
	rc = gwagent_apply_text(
		g, buf, len, uri,
		g->ini.mode == 2 ? INI_APPLY_INCREMENTAL : INI_APPLY_FULL, d);
	gwagent_ini_result(g, rc == 0, d, rc == -ENOMEM ? "out of memory" : "");
	ini_diags_destroy(d);
}

int
gwagent_ini_load(struct gwagent *g)
{
	int rc;

	g->ini.status = 1;
	g->ini.diags[0] = '\0';
	rc = agent_fetch_start(g->fetch, g->ini.uri, 0, gwagent_fetched, g);
	if (rc < 0)
		gwagent_ini_result(g, 0, NULL,
				   rc == -EPROTONOSUPPORT
					   ? "unsupported URI scheme"
					   : strerror(-rc));
	return rc;
}

int
gwagent_ini_save(struct gwagent *g)
{
	int rc = agent_config_save(g->config);

	g->ini.status = rc == 0 ? 2 : 3;
	g->ini.when = (int64_t)time(NULL);
	snprintf(g->ini.diags, sizeof(g->ini.diags), "%s",
		 rc == 0 ? "saved" : strerror(-rc));
	return rc;
}

int
gwagent_init(struct gwagent *g, const struct agent_sip_conf *sc)
{
	int rc;

	if (g->ev == NULL && (rc = agent_event_create(&g->ev)) < 0)
		return rc;
	agent_timer_init(&g->work, gwagent_work, g);
	g->ini.mode = 1;
	if (g->trap_rate == 0)
		g->trap_rate = 10; /* the settings default, the MIB DEFVAL */
	if (g->config == NULL &&
	    (rc = agent_config_create(&g->config, g->opts.gateway_ini)) < 0)
		return rc;
	if ((rc = agent_fetch_create(&g->fetch, g->ev)) < 0)
		return rc;
	return agent_bindings_create(&g->bindings, g->ev, sc,
				     agent_notify_binding, g);
}

void
gwagent_fini(struct gwagent *g)
{
	agent_timer_stop(&g->work);
	agent_bindings_destroy(g->bindings);
	g->bindings = NULL;
	agent_fetch_destroy(g->fetch);
	g->fetch = NULL;
	agent_config_destroy(g->config);
	g->config = NULL;
	free(g->actions);
	g->actions = NULL;
	g->nactions = g->capactions = 0;
}
