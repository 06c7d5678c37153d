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

#include "agent/core/event.h"
#include "agent/core/fetch.h"
#include "agent/core/gwagent.h"
#include "agent/core/log.h"

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

/* The bindings follow the running configuration, now or from the loop. */
static void
gwagent_tell_bindings(struct gwagent *g, int now)
{
	if (now && agent_bindings_sync(g->bindings,
				       agent_config_conf(g->config), 1) == 0) {
		agent_alarms_prune(g->alarms);
		return;
	}
	/* later, or again: the loop retries a sync that failed */
	g->work_sync = 1;
	gwagent_kick(g);
}

int
gwagent_commit(struct gwagent *g, struct ini_conf *next,
	       const struct gwagent_change *c, struct ini_conf **old)
{
	int rc;

	if (g == NULL || next == NULL || c == NULL || (c->hold && !old))
		return -EINVAL;
	if (ini_conf_check(next, NULL, NULL) < 0)
		return -EINVAL;
	/* Save before apply: a configuration that cannot be written is not
	 * run, or it would be lost at the next restart. */
	if (c->hold) {
		if ((rc = agent_config_save_conf(g->config, next)) < 0)
			return rc;
		*old = agent_config_swap(g->config, next);
		return 0;
	}
	if (c->save)
		rc = agent_config_install(g->config, next, c->record,
					  c->reclen);
	else
		rc = agent_config_adopt(g->config, next, c->record, c->reclen);
	if (rc < 0)
		return rc;
	log_info("config", "configuration changed by %s", c->why);
	gwagent_tell_bindings(g, c->sync_now);
	return 0;
}

void
gwagent_commit_done(struct gwagent *g, struct ini_conf *old, const char *why)
{
	if (old == NULL)
		return;
	ini_conf_destroy(old);
	log_info("config", "configuration changed by %s", why);
	gwagent_tell_bindings(g, 0);
}

void
gwagent_commit_undo(struct gwagent *g, struct ini_conf *old)
{
	if (old == NULL)
		return;
	ini_conf_destroy(agent_config_swap(g->config, old));
	agent_config_save(g->config);
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

size_t
gwagent_params_changed(const struct ini_changes *chg)
{
	size_t i, k, n = 0;

	for (i = 0; i < ini_changes_count(chg); i++) {
		const struct ini_change *c = ini_changes_get(chg, i);
		enum ini_table t = ini_change_table(c);

		if (ini_change_kind(c) == INI_CHANGE_SCALAR) {
			n++;
			continue;
		}
		for (k = 0; k < ini_table_ncolumns(t); k++)
			if (ini_change_has_column(c, ini_table_column(t, k)))
				n++;
	}
	return n;
}

int
gwagent_load_summary(char *buf, size_t len, const struct agent_sync_stats *st,
		     size_t params, int dry)
{
	if (buf == NULL || st == NULL)
		return -EINVAL;
	if (dry)
		snprintf(buf, len,
			 "would add %u, remove %u, re-register %u bindings; "
			 "%zu parameter%s change",
			 st->added, st->removed, st->updated, params,
			 params == 1 ? "" : "s");
	else
		snprintf(buf, len,
			 "added %u, removed %u, re-registered %u bindings; "
			 "%zu parameter%s changed",
			 st->added, st->removed, st->updated, params,
			 params == 1 ? "" : "s");
	return 0;
}

/* Record the end of a load: status, time, diagnostics (first line msg,
 * then the INI diagnostics), the log line and the notification. */
static void
gwagent_ini_result(struct gwagent *g, int ok, const struct ini_diags *d,
		   const char *msg)
{
	size_t used = 0;

	g->ini.status = ok ? 2 : 3;
	g->ini.when = (int64_t)time(NULL);
	g->ini.diags[0] = '\0';
	if (msg != NULL && *msg != '\0') {
		snprintf(g->ini.diags, sizeof(g->ini.diags), "%s", msg);
		used = strlen(g->ini.diags);
	}
	if (d != NULL && ini_diags_count(d) > 0 &&
	    used + 2 < sizeof(g->ini.diags)) {
		if (used > 0)
			g->ini.diags[used++] = '\n';
		agent_config_diags_text(d, g->ini.diags + used,
					sizeof(g->ini.diags) - used);
	}
	/* One log line: the INI diagnostics were logged one by one. */
	log_info("ini", "%s of %s: %s%s%.*s",
		 g->ini.running_mode == 3 ? "dry run" : "load", g->ini.running,
		 ok ? "success" : "failed", g->ini.diags[0] ? ": " : "",
		 (int)strcspn(g->ini.diags, "\n"), g->ini.diags);
	agent_notify_ini_result(g, ok);
}

int
gwagent_load_text(struct gwagent *g, const char *buf, size_t len,
		  const char *name, int mode, int save, struct ini_diags *d,
		  char *msg, size_t msglen)
{
	struct gwagent_change ch = { 0 };
	struct agent_sync_stats st;
	struct ini_conf *next = NULL;
	struct ini_changes *chg = NULL;
	size_t params;
	int rc;

	if (g == NULL || buf == NULL || msg == NULL || mode < 1 || mode > 3)
		return -EINVAL;
	msg[0] = '\0';
	rc = agent_config_prepare(g->config, buf, len, name,
				  mode == 2 ? INI_APPLY_INCREMENTAL
					    : INI_APPLY_FULL,
				  &next, &chg, d);
	agent_config_log_diags(d);
	if (rc < 0) {
		snprintf(msg, msglen, "%s", rc == -EINVAL ? "" : strerror(-rc));
		return rc;
	}
	params = gwagent_params_changed(chg);
	ini_changes_destroy(chg);
	rc = agent_bindings_plan(g->bindings, next, &st);
	if (rc < 0) {
		ini_conf_destroy(next);
		snprintf(msg, msglen, "%s", strerror(-rc));
		return rc;
	}
	if (mode == 3) { /* dry run: nothing applied, nothing saved */
		ini_conf_destroy(next);
		return gwagent_load_summary(msg, msglen, &st, params, 1);
	}
	/* a full load's text becomes the document of record; SIGHUP: the
	 * file is the source, already on disk */
	ch.why = name;
	ch.save = save;
	ch.record = mode == 1 ? buf : NULL;
	ch.reclen = len;
	ch.sync_now = 1;
	rc = gwagent_commit(g, next, &ch, NULL);
	if (rc < 0 && !save) {
		ini_conf_destroy(next);
		snprintf(msg, msglen, "%s", strerror(-rc));
		return rc;
	}
	if (rc < 0) {
		ini_conf_destroy(next);
		snprintf(msg, msglen, "cannot save %s: %s; nothing applied",
			 agent_config_path(g->config), strerror(-rc));
		return rc;
	}
	return gwagent_load_summary(
		msg, msglen, agent_bindings_last_sync(g->bindings), params, 0);
}

/*
 * The end of every INI load (gwIniAction load(1) once its fetch is done,
 * gwagentctl load): the text of g->ini.running in g->ini.running_mode
 * through gwagent_load_text(), then its result in gwIniActionStatus and
 * gwIniLoadDiagnostics, the log and gwIniLoadResult.  @p d (NULL: one of
 * its own) gets the INI diagnostics, @p msg the summary or why not.
 */
static int
gwagent_ini_apply(struct gwagent *g, const char *buf, size_t len,
		  struct ini_diags *d, char *msg, size_t msglen)
{
	struct ini_diags *own = NULL;
	int rc;

	/* Anything else (/etc/shadow) is never quoted, not even by count. */
	rc = agent_fetch_is_gateway_ini(buf, len);
	if (rc <= 0) {
		snprintf(msg, msglen, "%s",
			 rc == -ENOMEM ? "out of memory"
				       : "not a gateway INI file");
		gwagent_ini_result(g, 0, NULL, msg);
		return rc == -ENOMEM ? rc : -EINVAL;
	}
	if (d == NULL && ini_diags_create(&own) < 0) {
		snprintf(msg, msglen, "out of memory");
		gwagent_ini_result(g, 0, NULL, msg);
		return -ENOMEM;
	}
	rc = gwagent_load_text(g, buf, len, g->ini.running, g->ini.running_mode,
			       1, d != NULL ? d : own, msg, msglen);
	gwagent_ini_result(g, rc == 0, d != NULL ? d : own, msg);
	ini_diags_destroy(own);
	return rc;
}

static void
gwagent_fetched(int rc, const char *buf, size_t len, const char *errmsg,
		void *arg)
{
	struct gwagent *g = arg;
	char msg[256];

	if (rc < 0) {
		gwagent_ini_result(g, 0, NULL, errmsg ? errmsg : strerror(-rc));
		return;
	}
	gwagent_ini_apply(g, buf, len, NULL, msg, sizeof(msg));
}

/* A load starts: gwIniActionStatus inProgress from now. */
static void
gwagent_ini_begin(struct gwagent *g, int mode)
{
	char hms[16];
	struct tm tm;
	time_t now = time(NULL);

	g->ini.started = (int64_t)now;
	g->ini.running_mode = mode;
	gmtime_r(&now, &tm);
	strftime(hms, sizeof(hms), "%H:%M:%S", &tm);
	g->ini.status = 1;
	snprintf(g->ini.diags, sizeof(g->ini.diags), "load running since %s",
		 hms);
}

int
gwagent_ini_load_now(struct gwagent *g, const char *buf, size_t len,
		     const char *name, int mode, struct ini_diags *d, char *msg,
		     size_t msglen)
{
	if (g == NULL || buf == NULL || name == NULL || msg == NULL ||
	    msglen == 0 || mode < 1 || mode > 3)
		return -EINVAL;
	if (g->ini.status == 1 || agent_fetch_busy(g->fetch)) {
		/* one load at a time, as gwIniAction refuses a second: the
		 * running one's status and diagnostics stay */
		snprintf(msg, msglen, "a load from %s is running",
			 g->ini.running);
		return -EBUSY;
	}
	snprintf(g->ini.running, sizeof(g->ini.running), "%s", name);
	gwagent_ini_begin(g, mode);
	return gwagent_ini_apply(g, buf, len, d, msg, msglen);
}

int
gwagent_ini_load(struct gwagent *g)
{
	int rc;

	agent_uri_redact(g->ini.uri, g->ini.running, sizeof(g->ini.running));
	gwagent_ini_begin(g, g->ini.mode);
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

	if (g->ini.status == 1) /* a load runs: its status stays */
		return rc;
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

	if (g->ev == NULL) {
		if ((rc = agent_event_create(&g->ev)) < 0)
			return rc;
		g->own_ev = 1;
	}
	agent_timer_init(&g->work, gwagent_work, g);
	g->ini.mode = 1;
	if (g->trap_rate == 0)
		g->trap_rate = AGENT_TRAP_RATE_DEFAULT;
	if (g->config == NULL &&
	    (rc = agent_config_create(&g->config, g->opts.gateway_ini)) < 0)
		return rc;
	if ((rc = agent_fetch_create(&g->fetch, g->ev)) < 0)
		return rc;
	if ((rc = agent_bindings_create(&g->bindings, g->ev, sc,
					agent_notify_binding, g)) < 0)
		return rc;
	return agent_alarms_create(&g->alarms, g);
}

void
gwagent_fini(struct gwagent *g)
{
	agent_timer_stop(&g->work);
	agent_alarms_destroy(g->alarms);
	g->alarms = NULL;
	agent_bindings_destroy(g->bindings);
	g->bindings = NULL;
	agent_fetch_destroy(g->fetch);
	g->fetch = NULL;
	agent_config_destroy(g->config);
	g->config = NULL;
	free(g->actions);
	g->actions = NULL;
	g->nactions = g->capactions = 0;
	if (g->own_ev) {
		agent_event_destroy(g->ev);
		g->ev = NULL;
		g->own_ev = 0;
	}
	agent_settings_free(&g->settings);
}
