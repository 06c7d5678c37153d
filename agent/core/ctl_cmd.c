/* SPDX-License-Identifier: ISC */
/*
 * gwagentctl's commands on the daemon side: formatting (text tables and
 * JSON) and each command through the functions the MIB uses:
 * agent_bindings_*, agent_binding_* (status, actions), agent_alarms_*
 * (alarms), agent_config_* and gwagent_load_text() (check, load), the
 * reload handler (SIGHUP's path).
 * Nothing here prints a password, a digest response or a nonce.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/crypto.h>

#include "agent/core/ctl_int.h"
#include "agent/core/fetch.h"
#include "agent/core/gwagent.h"
#include "agent/core/log.h"

/* ---- commands ---------------------------------------------------------- */

/* What one command answers. */
struct agent_ctl_ans {
	struct agent_ctl_buf data;
	char msg[512];
};

static int __attribute__((format(printf, 3, 4)))
agent_ctl_fail(struct agent_ctl_ans *a, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(a->msg, sizeof(a->msg), fmt, ap);
	va_end(ap);
	return code;
}

static void
agent_ctl_time(char *buf, size_t len, int64_t t)
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (t <= 0 || gmtime_r(&tt, &tm) == NULL)
		snprintf(buf, len, "-");
	else
		strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void
agent_ctl_last(char *buf, size_t len, const struct sipreg_status *st)
{
	if (st->last_code > 0)
		snprintf(buf, len, "%d %s", st->last_code, st->last_reason);
	else if (st->last_error[0] != '\0')
		snprintf(buf, len, "%s", st->last_error);
	else
		snprintf(buf, len, "-");
}

static int
agent_ctl_find(struct agent_ctl *c, const char *name, struct agent_ctl_ans *a,
	       struct agent_binding **out)
{
	int type;
	long id;

	if (agent_ctl_binding_parse(name, &type, &id) < 0)
		return agent_ctl_fail(a, AGENT_CTL_EUSAGE,
				      "not a binding name (gateway, "
				      "account-N)");
	*out = agent_bindings_find(c->g->bindings, type, id);
	if (*out == NULL)
		return agent_ctl_fail(a, AGENT_CTL_ENOENT, "no binding %s",
				      name);
	return AGENT_CTL_OK;
}

/* One binding as a JSON object (no proxies). */
static void
agent_ctl_json_binding(struct agent_ctl *c, struct agent_ctl_buf *b,
		       const struct agent_binding *ab,
		       const struct sipreg_status *st)
{
	char name[32];
	int type = agent_binding_type(ab);
	long id = agent_binding_id(ab);

	agent_ctl_binding_name(name, sizeof(name), type, id);
	agent_ctl_buf_printf(b, "{\"binding\":");
	agent_ctl_buf_json(b, name);
	agent_ctl_buf_printf(
		b, ",\"type\":\"%s\",\"id\":%ld,\"aor\":",
		type == AGENT_BINDING_GATEWAY ? "gateway" : "account", id);
	agent_ctl_buf_json(b, agent_binding_aor(ab));
	agent_ctl_buf_printf(b, ",\"state\":\"%s\",\"address\":",
			     sipreg_state_name(st->state));
	agent_ctl_buf_json(b, st->addr);
	agent_ctl_buf_printf(b, ",\"contact\":");
	agent_ctl_buf_json(b, st->contact);
	agent_ctl_buf_printf(b,
			     ",\"proxy_set\":%d,\"expires\":%u,"
			     "\"refresh_in\":%lld,\"last_code\":%d,"
			     "\"last_reason\":",
			     agent_binding_proxyset(ab), (unsigned)st->granted,
			     (long long)st->refresh_in, st->last_code);
	agent_ctl_buf_json(b, st->last_reason);
	agent_ctl_buf_printf(b, ",\"last_error\":");
	agent_ctl_buf_json(b, st->last_error);
	agent_ctl_buf_printf(
		b,
		",\"last_success\":%lld,\"trace_left\":%u,"
		"\"counters\":{\"sent\":%llu,\"ok\":%llu,\"challenged\":%llu,"
		"\"failed\":%llu,\"timeouts\":%llu,\"transport\":%llu}}",
		(long long)st->last_success_time,
		agent_ctl_trace_left(c, type, id),
		(unsigned long long)st->counters.sent,
		(unsigned long long)st->counters.ok,
		(unsigned long long)st->counters.challenged,
		(unsigned long long)st->counters.failed,
		(unsigned long long)st->counters.timeouts,
		(unsigned long long)st->counters.transport);
}

/* Column widths of the status table. */
struct agent_ctl_widths {
	int name, aor, state, addr;
};

static void
agent_ctl_status_row(struct agent_ctl_buf *b, const struct agent_binding *ab,
		     const struct sipreg_status *st, struct agent_ctl_widths *w)
{
	char name[32], last[200], since[32], exp[24], ref[24];
	int n;

	agent_ctl_binding_name(name, sizeof(name), agent_binding_type(ab),
			       agent_binding_id(ab));
	agent_ctl_last(last, sizeof(last), st);
	if (b == NULL) { /* measuring */
		n = (int)strlen(name);
		w->name = n > w->name ? n : w->name;
		n = (int)strlen(agent_binding_aor(ab));
		w->aor = n > w->aor ? n : w->aor;
		n = (int)strlen(sipreg_state_name(st->state));
		w->state = n > w->state ? n : w->state;
		n = (int)strlen(st->addr);
		w->addr = n > w->addr ? n : w->addr;
		return;
	}
	agent_ctl_time(since, sizeof(since), st->last_success_time);
	snprintf(exp, sizeof(exp), "%u", (unsigned)st->granted);
	if (st->refresh_in >= 0)
		snprintf(ref, sizeof(ref), "%lld", (long long)st->refresh_in);
	else
		snprintf(ref, sizeof(ref), "-");
	agent_ctl_buf_printf(b, "%-*s  %-*s  %-*s  %-*s  %7s  %7s  %-20s  %s\n",
			     w->name, name, w->aor, agent_binding_aor(ab),
			     w->state, sipreg_state_name(st->state), w->addr,
			     st->addr[0] ? st->addr : "-", exp, ref, since,
			     last);
}

static int
agent_ctl_status_all(struct agent_ctl *c, const struct agent_ctl_req *req,
		     struct agent_ctl_ans *a)
{
	struct agent_bindings *bs = c->g->bindings;
	struct agent_ctl_widths w = { 7, 3, 5, 7 };
	struct sipreg_status st;
	size_t i, shown = 0, n = agent_bindings_count(bs);

	if (req->json)
		agent_ctl_buf_printf(&a->data, "{\"bindings\":[");
	for (i = 0; i < n && !req->json; i++)
		if (agent_binding_status(agent_bindings_at(bs, i), &st) == 0)
			agent_ctl_status_row(NULL, agent_bindings_at(bs, i),
					     &st, &w);
	if (!req->json)
		agent_ctl_buf_printf(
			&a->data,
			"%-*s  %-*s  %-*s  %-*s  %7s  %7s  %-20s  %s\n", w.name,
			"BINDING", w.aor, "AOR", w.state, "STATE", w.addr,
			"ADDRESS", "EXPIRES", "REFRESH", "SINCE", "LAST");
	for (i = 0; i < n; i++) {
		struct agent_binding *ab = agent_bindings_at(bs, i);

		if (agent_binding_status(ab, &st) < 0)
			continue;
		if (req->json) {
			if (shown++ > 0)
				agent_ctl_buf_printf(&a->data, ",");
			agent_ctl_json_binding(c, &a->data, ab, &st);
		} else {
			agent_ctl_status_row(&a->data, ab, &st, &w);
		}
	}
	if (req->json)
		agent_ctl_buf_printf(&a->data, "]}\n");
	snprintf(a->msg, sizeof(a->msg), "%zu bindings, %zu registered", n,
		 agent_bindings_registered(bs));
	return AGENT_CTL_OK;
}

static void
agent_ctl_proxies(struct agent_ctl_buf *b, const struct agent_binding *ab,
		  int json, int first)
{
	struct sipreg_addr_status as;
	char name[32];
	size_t i;

	agent_ctl_binding_name(name, sizeof(name), agent_binding_type(ab),
			       agent_binding_id(ab));
	for (i = 0; agent_binding_addr_status(ab, i, &as) == 0; i++) {
		if (json) {
			agent_ctl_buf_printf(b, "%s{\"binding\":",
					     first && i == 0 ? "" : ",");
			agent_ctl_buf_json(b, name);
			agent_ctl_buf_printf(b,
					     ",\"proxy_set\":%d,\"index\":%zu,"
					     "\"address\":",
					     agent_binding_proxyset(ab), i);
			agent_ctl_buf_json(b, as.addr);
			agent_ctl_buf_printf(
				b,
				",\"resolved\":%s,\"online\":%s,"
				"\"candidates\":%u,\"last_code\":%d}",
				as.resolved ? "true" : "false",
				as.online ? "true" : "false", as.candidates,
				as.last_code);
		} else {
			agent_ctl_buf_printf(
				b, "%-12s  %3d  %5zu  %-40s  %-7s  %d\n", name,
				agent_binding_proxyset(ab), i,
				as.addr[0] ? as.addr : "(unresolved)",
				as.online ? "online" : "offline", as.last_code);
		}
	}
}

static int
agent_ctl_status_one(struct agent_ctl *c, const struct agent_ctl_req *req,
		     struct agent_ctl_ans *a)
{
	struct agent_binding *ab;
	struct sipreg_status st;
	char last[200], since[32];
	unsigned left;
	int rc = agent_ctl_find(c, req->argv[0], a, &ab);

	if (rc != AGENT_CTL_OK)
		return rc;
	if (agent_binding_status(ab, &st) < 0)
		return agent_ctl_fail(a, AGENT_CTL_EFAIL, "no status");
	if (req->json) {
		agent_ctl_buf_printf(&a->data, "{\"binding\":");
		agent_ctl_json_binding(c, &a->data, ab, &st);
		agent_ctl_buf_printf(&a->data, ",\"proxies\":[");
		agent_ctl_proxies(&a->data, ab, 1, 1);
		agent_ctl_buf_printf(&a->data, "]}\n");
		return AGENT_CTL_OK;
	}
	agent_ctl_last(last, sizeof(last), &st);
	agent_ctl_time(since, sizeof(since), st.last_success_time);
	left = agent_ctl_trace_left(c, agent_binding_type(ab),
				    agent_binding_id(ab));
	agent_ctl_buf_printf(
		&a->data,
		"binding:      %s\naor:          %s\nstate:        %s\n"
		"address:      %s\ncontact:      %s\nproxy set:    %d\n"
		"expires:      %u\nrefresh in:   %lld\nlast:         %s\n"
		"last error:   %s\nlast success: %s\n",
		req->argv[0], agent_binding_aor(ab),
		sipreg_state_name(st.state), st.addr[0] ? st.addr : "-",
		st.contact[0] ? st.contact : "-", agent_binding_proxyset(ab),
		(unsigned)st.granted, (long long)st.refresh_in, last,
		st.last_error[0] ? st.last_error : "-", since);
	agent_ctl_buf_printf(
		&a->data,
		"counters:     sent %llu, ok %llu, challenged %llu, "
		"failed %llu, timeouts %llu, transport %llu\n",
		(unsigned long long)st.counters.sent,
		(unsigned long long)st.counters.ok,
		(unsigned long long)st.counters.challenged,
		(unsigned long long)st.counters.failed,
		(unsigned long long)st.counters.timeouts,
		(unsigned long long)st.counters.transport);
	if (left > 0)
		agent_ctl_buf_printf(&a->data, "trace:        on, %u s left\n",
				     left);
	else
		agent_ctl_buf_printf(&a->data, "trace:        off\n");
	agent_ctl_buf_printf(&a->data, "proxies:\n");
	agent_ctl_proxies(&a->data, ab, 0, 1);
	return AGENT_CTL_OK;
}

static const char *
agent_ctl_severity(int s)
{
	static const char *const names[] = { "cleared", "indeterminate",
					     "warning", "minor",
					     "major",	"critical" };

	return s >= 0 && s <= 5 ? names[s] : "unknown";
}

static int
agent_ctl_show_alarms(struct agent_ctl *c, const struct agent_ctl_req *req,
		      struct agent_ctl_ans *a)
{
	const struct agent_alarm *al;
	char when[32];
	long after = -1;
	size_t n = 0;

	if (c->g->alarms == NULL)
		return agent_ctl_fail(a, AGENT_CTL_EFAIL, "no alarms yet");
	if (req->json)
		agent_ctl_buf_printf(&a->data, "{\"alarms\":[");
	else
		agent_ctl_buf_printf(&a->data, "%5s  %-8s  %-20s  %-20s  %s\n",
				     "SEQ", "SEVERITY", "RAISED", "SOURCE",
				     "TEXT");
	while ((al = agent_alarms_next(c->g->alarms, after)) != NULL) {
		after = (long)al->seq;
		agent_ctl_time(when, sizeof(when), al->when);
		if (req->json) {
			agent_ctl_buf_printf(&a->data,
					     "%s{\"seq\":%u,\"name\":",
					     n ? "," : "", (unsigned)al->seq);
			agent_ctl_buf_json(&a->data, al->name);
			agent_ctl_buf_printf(&a->data,
					     ",\"severity\":\"%s\","
					     "\"raised\":%lld,\"source\":",
					     agent_ctl_severity(al->severity),
					     (long long)al->when);
			agent_ctl_buf_json(&a->data, al->source);
			agent_ctl_buf_printf(&a->data, ",\"text\":");
			agent_ctl_buf_json(&a->data, al->text);
			agent_ctl_buf_printf(&a->data, "}");
		} else {
			agent_ctl_buf_printf(&a->data,
					     "%5u  %-8s  %-20s  %-20s  %s\n",
					     (unsigned)al->seq,
					     agent_ctl_severity(al->severity),
					     when, al->source, al->text);
		}
		n++;
	}
	if (req->json)
		agent_ctl_buf_printf(&a->data, "]}\n");
	snprintf(a->msg, sizeof(a->msg), "%zu active alarms", n);
	return AGENT_CTL_OK;
}

static int
agent_ctl_show_proxies(struct agent_ctl *c, const struct agent_ctl_req *req,
		       struct agent_ctl_ans *a)
{
	struct agent_bindings *bs = c->g->bindings;
	size_t i;

	if (req->json)
		agent_ctl_buf_printf(&a->data, "{\"proxies\":[");
	else
		agent_ctl_buf_printf(
			&a->data, "%-12s  %3s  %5s  %-40s  %-7s  %s\n",
			"BINDING", "SET", "INDEX", "ADDRESS", "ONLINE", "LAST");
	for (i = 0; i < agent_bindings_count(bs); i++) {
		agent_ctl_proxies(&a->data, agent_bindings_at(bs, i), req->json,
				  req->json &&
					  a->data.p[a->data.len - 1] == '[');
	}
	if (req->json)
		agent_ctl_buf_printf(&a->data, "]}\n");
	return AGENT_CTL_OK;
}

static int
agent_ctl_show_control(struct agent_ctl *c, const struct agent_ctl_req *req,
		       struct agent_ctl_ans *a)
{
	const struct agent_ctl_stats *s = &c->st;

	agent_ctl_buf_printf(
		&a->data,
		req->json ? "{\"accepted\":%llu,\"refused\":%llu,"
			    "\"requests\":%llu,\"bad\":%llu,\"slow\":%llu,"
			    "\"timeouts\":%llu,\"traced\":%llu,"
			    "\"traces\":%zu}\n"
			  : "accepted  %llu\nrefused   %llu\nrequests  %llu\n"
			    "bad       %llu\nslow      %llu\ntimeouts  %llu\n"
			    "traced    %llu\ntraces    %zu\n",
		(unsigned long long)s->accepted, (unsigned long long)s->refused,
		(unsigned long long)s->requests, (unsigned long long)s->bad,
		(unsigned long long)s->slow, (unsigned long long)s->timeouts,
		(unsigned long long)s->traced, c->ntraces);
	return AGENT_CTL_OK;
}

/* One value as the INI writes it (text quoted), or as JSON; a password
 * is "***" when set, "" when not. */
static void
agent_ctl_value(struct agent_ctl_buf *b, const struct ini_param *p, long num,
		const char *str, int json)
{
	enum ini_type t = ini_param_type(p);

	if (t == INI_TYPE_INT || t == INI_TYPE_ENUM) {
		agent_ctl_buf_printf(b, "%ld", num);
		return;
	}
	if (t == INI_TYPE_PASSWORD)
		str = str != NULL && *str != '\0' ? "***" : "";
	if (json)
		agent_ctl_buf_json(b, str != NULL ? str : "");
	else
		agent_ctl_buf_printf(b, "\"%s\"", str != NULL ? str : "");
}

static void
agent_ctl_scalar(const struct ini_conf *conf, const struct ini_param *p,
		 int json, struct agent_ctl_buf *b)
{
	enum ini_param_id id = ini_param_id(p);

	if (json) {
		agent_ctl_buf_printf(b, "{\"parameter\":");
		agent_ctl_buf_json(b, ini_param_name(p));
		agent_ctl_buf_printf(b, ",\"value\":");
	} else {
		agent_ctl_buf_printf(b, "%s = ", ini_param_name(p));
	}
	agent_ctl_value(b, p, ini_conf_get_int(conf, id),
			ini_conf_get_str(conf, id), json);
	agent_ctl_buf_printf(b, json ? "}\n" : "\n");
}

/* One cell of row @p idx. */
static void
agent_ctl_cell(const struct ini_conf *conf, enum ini_param_id col, long idx,
	       int json, struct agent_ctl_buf *b)
{
	const struct ini_param *p = ini_param_get(col);
	const char *str = NULL;
	long num = 0;

	if (ini_param_type(p) == INI_TYPE_INT ||
	    ini_param_type(p) == INI_TYPE_ENUM)
		ini_conf_row_get_int(conf, col, idx, &num);
	else
		ini_conf_row_get_str(conf, col, idx, &str);
	agent_ctl_value(b, p, num, str, json);
}

static const char *
agent_ctl_col_name(enum ini_table t, size_t k)
{
	return ini_param_name(ini_param_get(ini_table_column(t, k)));
}

/* One row as "T N = v, ...;" or as a JSON object. */
static void
agent_ctl_row(const struct ini_conf *conf, enum ini_table t, long idx, int json,
	      struct agent_ctl_buf *b)
{
	size_t k, ncol = ini_table_ncolumns(t);

	if (json)
		agent_ctl_buf_printf(b, "{\"index\":%ld", idx);
	else
		agent_ctl_buf_printf(b, "%s %ld = ", ini_table_name(t), idx);
	for (k = 0; k < ncol; k++) {
		if (json) {
			agent_ctl_buf_printf(b, ",");
			agent_ctl_buf_json(b, agent_ctl_col_name(t, k));
			agent_ctl_buf_printf(b, ":");
		}
		agent_ctl_cell(conf, ini_table_column(t, k), idx, json, b);
		if (!json)
			agent_ctl_buf_printf(b, k + 1 < ncol ? ", " : ";\n");
	}
	if (json)
		agent_ctl_buf_printf(b, "}");
}

/* A table as its INI block (FORMAT line and rows), or as JSON. */
static void
agent_ctl_table(const struct ini_conf *conf, enum ini_table t, int json,
		struct agent_ctl_buf *b)
{
	size_t i, k, ncol = ini_table_ncolumns(t);
	const char *name = ini_table_name(t);
	long idx;

	if (json) {
		agent_ctl_buf_printf(b, "{\"table\":");
		agent_ctl_buf_json(b, name);
		agent_ctl_buf_printf(b, ",\"rows\":[");
	} else {
		agent_ctl_buf_printf(b, "[ %s ]\nFORMAT %s_Index = ", name,
				     name);
		for (k = 0; k < ncol; k++)
			agent_ctl_buf_printf(b, "%s%s",
					     agent_ctl_col_name(t, k),
					     k + 1 < ncol ? ", " : ";\n");
	}
	for (i = 0; ini_conf_row_at(conf, t, i, &idx) == 0; i++) {
		if (json && i > 0)
			agent_ctl_buf_printf(b, ",");
		agent_ctl_row(conf, t, idx, json, b);
	}
	if (json)
		agent_ctl_buf_printf(b, "]}\n");
	else
		agent_ctl_buf_printf(b, "[ \\%s ]\n", name);
}

static int
agent_ctl_show_config(struct agent_ctl *c, const struct agent_ctl_req *req,
		      struct agent_ctl_ans *a)
{
	const struct ini_conf *conf = agent_config_conf(c->g->config);
	const struct ini_param *p;
	enum ini_table t;

	if (req->argc != 2)
		return agent_ctl_fail(a, AGENT_CTL_EUSAGE,
				      "show config PARAMETER|TABLE");
	if ((t = ini_table_lookup(req->argv[1])) != INI_TABLE_NONE) {
		agent_ctl_table(conf, t, req->json, &a->data);
		return AGENT_CTL_OK;
	}
	p = ini_param_lookup(req->argv[1]);
	if (p == NULL)
		return agent_ctl_fail(a, AGENT_CTL_ENOENT,
				      "no parameter or table %.64s",
				      req->argv[1]);
	if (ini_param_table(p) != INI_TABLE_NONE)
		return agent_ctl_fail(
			a, AGENT_CTL_EUSAGE, "%s is a column: show config %s",
			ini_param_name(p), ini_table_name(ini_param_table(p)));
	agent_ctl_scalar(conf, p, req->json, &a->data);
	return AGENT_CTL_OK;
}

static int
agent_ctl_show(struct agent_ctl *c, const struct agent_ctl_req *req,
	       struct agent_ctl_ans *a)
{
	if (strcmp(req->argv[0], "config") == 0)
		return agent_ctl_show_config(c, req, a);
	if (req->argc != 1)
		return agent_ctl_fail(
			a, AGENT_CTL_EUSAGE,
			"show alarms|proxies|control|config NAME");
	if (strcmp(req->argv[0], "alarms") == 0)
		return agent_ctl_show_alarms(c, req, a);
	if (strcmp(req->argv[0], "proxies") == 0)
		return agent_ctl_show_proxies(c, req, a);
	if (strcmp(req->argv[0], "control") == 0)
		return agent_ctl_show_control(c, req, a);
	return agent_ctl_fail(a, AGENT_CTL_EUSAGE,
			      "show alarms|proxies|control|config NAME");
}

static const char *const agent_ctl_verbs[] = { "", "register", "unregister",
					       "refresh" };

/* The accounts whose row serves trunk group N (Account_ServedTrunkGroup),
 * each through the MIB's per-binding action. */
static int
agent_ctl_action_tg(struct agent_ctl *c, const struct agent_ctl_req *req,
		    long uid, int action, struct agent_ctl_ans *a)
{
	const struct ini_conf *conf = agent_config_conf(c->g->config);
	struct agent_bindings *bs = c->g->bindings;
	size_t i, n = 0;
	long tg, want = -1;
	char *end = NULL;

	if (req->argc == 2 && isdigit((unsigned char)req->argv[1][0]) &&
	    strlen(req->argv[1]) <= 9)
		want = strtol(req->argv[1], &end, 10);
	if (want < 0 || *end != '\0')
		return agent_ctl_fail(a, AGENT_CTL_EUSAGE, "%s trunk-group N",
				      agent_ctl_verbs[action]);
	log_info("ctl", "uid %ld: %s trunk-group %ld", uid,
		 agent_ctl_verbs[action], want);
	for (i = 0; i < agent_bindings_count(bs); i++) {
		struct agent_binding *ab = agent_bindings_at(bs, i);

		if (agent_binding_type(ab) != AGENT_BINDING_ACCOUNT ||
		    ini_conf_row_get_int(conf, INI_P_ACCOUNT_SERVED_TRUNK_GROUP,
					 agent_binding_id(ab), &tg) < 0 ||
		    tg != want)
			continue;
		agent_binding_action(ab, action);
		n++;
	}
	if (n == 0)
		return agent_ctl_fail(a, AGENT_CTL_ENOENT,
				      "no binding serves trunk group %ld",
				      want);
	snprintf(a->msg, sizeof(a->msg), "%s: %zu bindings",
		 agent_ctl_verbs[action], n);
	return AGENT_CTL_OK;
}

static int
agent_ctl_action(struct agent_ctl *c, const struct agent_ctl_req *req, long uid,
		 struct agent_ctl_ans *a)
{
	const char *const *verbs = agent_ctl_verbs;
	int action = req->cmd == AGENT_CTL_REGISTER ? AGENT_ACTION_REGISTER
		     : req->cmd == AGENT_CTL_UNREGISTER
			     ? AGENT_ACTION_UNREGISTER
			     : AGENT_ACTION_REFRESH;
	struct agent_binding *ab;
	int rc;

	if (strcmp(req->argv[0], "trunk-group") == 0)
		return agent_ctl_action_tg(c, req, uid, action, a);
	if (req->argc != 1)
		return agent_ctl_fail(a, AGENT_CTL_EUSAGE,
				      "%s BINDING|all|trunk-group N",
				      verbs[action]);
	if (strcmp(req->argv[0], "all") == 0) {
		log_info("ctl", "uid %ld: %s all", uid, verbs[action]);
		agent_bindings_action_all(c->g->bindings, action);
		snprintf(a->msg, sizeof(a->msg), "%s: %zu bindings",
			 verbs[action], agent_bindings_count(c->g->bindings));
		return AGENT_CTL_OK;
	}
	if ((rc = agent_ctl_find(c, req->argv[0], a, &ab)) != AGENT_CTL_OK)
		return rc;
	log_info("ctl", "uid %ld: %s %s", uid, verbs[action], req->argv[0]);
	rc = agent_binding_action(ab, action);
	if (rc < 0 && !agent_binding_usable(ab))
		return agent_ctl_fail(a, AGENT_CTL_EFAIL,
				      "%s: its configuration does not let it "
				      "run",
				      req->argv[0]);
	if (rc < 0)
		return agent_ctl_fail(a, AGENT_CTL_EFAIL, "%s: %s",
				      req->argv[0], strerror(-rc));
	return AGENT_CTL_OK;
}

static int
agent_ctl_reload(struct agent_ctl *c, long uid, struct agent_ctl_ans *a)
{
	if (c->reloadh == NULL)
		return agent_ctl_fail(a, AGENT_CTL_EFAIL, "reload: not here");
	log_info("ctl", "uid %ld: reload", uid);
	if (c->reloadh(a->msg, sizeof(a->msg), c->reload_arg) < 0)
		return AGENT_CTL_EFAIL;
	return AGENT_CTL_OK;
}

/*
 * Run INI text through the load pipeline (mode 1 full, 3 dry run): a
 * load (@p load set) as gwIniAction's, with its status, diagnostics and
 * gwIniLoadResult (gwagent_ini_load_now()); else only a check.
 */
static int
agent_ctl_load_text(struct agent_ctl *c, const char *buf, size_t len,
		    const char *name, int mode, int load,
		    struct agent_ctl_ans *a)
{
	struct ini_diags *d = NULL;
	char *text;
	int rc;

	if (ini_diags_create(&d) < 0)
		return agent_ctl_fail(a, AGENT_CTL_EFAIL, "out of memory");
	if (load)
		rc = gwagent_ini_load_now(c->g, buf, len, name, mode, d, a->msg,
					  sizeof(a->msg));
	else
		rc = gwagent_load_text(c->g, buf, len, name, mode, 1, d, a->msg,
				       sizeof(a->msg));
	if (ini_diags_count(d) > 0 && (text = malloc(8192)) != NULL) {
		agent_config_diags_text(d, text, 8192);
		agent_ctl_buf_printf(&a->data, "%s\n", text);
		free(text);
	}
	ini_diags_destroy(d);
	if (rc < 0 && a->msg[0] == '\0')
		snprintf(a->msg, sizeof(a->msg), "%s has errors", name);
	return rc < 0 ? AGENT_CTL_EFAIL : AGENT_CTL_OK;
}

static int
agent_ctl_check(struct agent_ctl *c, struct agent_ctl_ans *a)
{
	const char *path = agent_config_path(c->g->config);
	char *buf = NULL;
	size_t len = 0;
	int rc;

	if (path == NULL)
		return agent_ctl_fail(a, AGENT_CTL_EFAIL, "no gateway INI");
	rc = agent_persist_read(path, INI_MAX_FILE_SIZE, &buf, &len);
	if (rc < 0)
		return agent_ctl_fail(a, AGENT_CTL_EFAIL, "cannot read %s: %s",
				      path, strerror(-rc));
	rc = agent_ctl_load_text(c, buf, len, path, 3, 0, a);
	OPENSSL_cleanse(buf, len);
	free(buf);
	return rc;
}

static int
agent_ctl_load(struct agent_ctl *c, const struct agent_ctl_req *req, long uid,
	       struct agent_ctl_ans *a)
{
	const char *path = req->argv[0];
	int dry = req->argc == 2, rc;
	char *buf = NULL;
	size_t len = 0;

	if (dry && strcmp(req->argv[1], "--dry-run") != 0)
		return agent_ctl_fail(a, AGENT_CTL_EUSAGE,
				      "load FILE [--dry-run]");
	if (c->ini_dir == NULL)
		return agent_ctl_fail(a, AGENT_CTL_EFAIL, "load: not here");
	if (*path != '/')
		return agent_ctl_fail(a, AGENT_CTL_EUSAGE,
				      "load: FILE must be an absolute path "
				      "beneath %s",
				      c->ini_dir);
	log_info("ctl", "uid %ld: load %s%s", uid, path,
		 dry ? " (dry run)" : "");
	rc = agent_fetch_read_beneath(c->ini_dir, path, INI_MAX_FILE_SIZE, &buf,
				      &len);
	if (rc < 0)
		return agent_ctl_fail(
			a, rc == -ENOENT ? AGENT_CTL_ENOENT : AGENT_CTL_EFAIL,
			"load %s: %s", path, agent_fetch_strerror(rc));
	rc = agent_ctl_load_text(c, buf, len, path, dry ? 3 : 1, 1, a);
	OPENSSL_cleanse(buf, len);
	free(buf);
	return rc;
}

static int
agent_ctl_trace(struct agent_ctl *c, const struct agent_ctl_req *req, long uid,
		struct agent_ctl_ans *a)
{
	struct agent_binding *ab;
	unsigned long secs = AGENT_CTL_TRACE_DEFAULT_S;
	char *end;
	int rc, on = strcmp(req->argv[1], "on") == 0;

	if (!on && (strcmp(req->argv[1], "off") != 0 || req->argc == 3))
		return agent_ctl_fail(a, AGENT_CTL_EUSAGE,
				      "trace BINDING on [SECONDS] | off");
	if ((rc = agent_ctl_find(c, req->argv[0], a, &ab)) != AGENT_CTL_OK)
		return rc;
	if (req->argc == 3) {
		errno = 0;
		secs = isdigit((unsigned char)req->argv[2][0])
			       ? strtoul(req->argv[2], &end, 10)
			       : 0;
		if (errno != 0 || secs == 0 || *end != '\0' ||
		    secs > AGENT_CTL_TRACE_MAX_S)
			return agent_ctl_fail(a, AGENT_CTL_EUSAGE,
					      "trace: SECONDS from 1 to %u",
					      (unsigned)AGENT_CTL_TRACE_MAX_S);
	}
	rc = agent_ctl_trace_set(c, agent_binding_type(ab),
				 agent_binding_id(ab), on ? (unsigned)secs : 0);
	if (rc == -ENOSPC)
		return agent_ctl_fail(a, AGENT_CTL_EFAIL,
				      "%u bindings traced already",
				      (unsigned)AGENT_CTL_TRACES_MAX);
	if (rc < 0)
		return agent_ctl_fail(a, AGENT_CTL_EFAIL, "trace: %s",
				      strerror(-rc));
	if (on)
		log_info("ctl", "uid %ld: trace %s on for %lu s", uid,
			 req->argv[0], secs);
	else
		log_info("ctl", "uid %ld: trace %s off", uid, req->argv[0]);
	if (on)
		snprintf(a->msg, sizeof(a->msg), "tracing %s for %lu s",
			 req->argv[0], secs);
	return AGENT_CTL_OK;
}

/* The binding's flight recorder, oldest first. */
static int
agent_ctl_history(struct agent_ctl *c, const struct agent_ctl_req *req,
		  struct agent_ctl_ans *a)
{
	struct agent_binding *ab;
	struct agent_rec_entry e;
	struct sipreg_addr_status as;
	char when[32], code[16];
	const char *addr;
	uint32_t after = 0;
	int rc = agent_ctl_find(c, req->argv[0], a, &ab), first = 1;

	if (rc != AGENT_CTL_OK)
		return rc;
	if (req->json)
		agent_ctl_buf_printf(&a->data, "[");
	else
		agent_ctl_buf_printf(&a->data,
				     "%-6s  %-20s  %-10s  %-15s  %-6s  %7s  "
				     "%4s  %s\n",
				     "seq", "ended", "kind", "outcome", "code",
				     "ms", "auth", "address");
	while (agent_rec_next(agent_binding_history(ab), after, &e) == 0) {
		after = e.seq;
		agent_ctl_time(when, sizeof(when), (int64_t)e.when);
		addr = e.addr != 255 &&
				       agent_binding_addr_status(ab, e.addr,
								 &as) == 0 &&
				       as.addr[0]
			       ? as.addr
			       : "-";
		if (e.code != 0)
			snprintf(code, sizeof(code), "%u", (unsigned)e.code);
		else
			snprintf(code, sizeof(code), "-");
		if (req->json) {
			agent_ctl_buf_printf(
				&a->data,
				"%s{\"seq\":%u,\"ended\":%u,\"kind\":\"%s\","
				"\"outcome\":\"%s\",\"code\":%u,\"ms\":%u,"
				"\"challenges\":%u,\"address\":",
				first ? "" : ",", (unsigned)e.seq,
				(unsigned)e.when, agent_rec_kind_name(e.kind),
				agent_rec_outcome_name(e.outcome),
				(unsigned)e.code, (unsigned)e.ms,
				(unsigned)e.challenges);
			agent_ctl_buf_json(&a->data, addr);
			agent_ctl_buf_printf(&a->data, "}");
		} else {
			agent_ctl_buf_printf(
				&a->data,
				"%-6u  %-20s  %-10s  %-15s  %-6s  %7u  %4u  "
				"%s\n",
				(unsigned)e.seq, when,
				agent_rec_kind_name(e.kind),
				agent_rec_outcome_name(e.outcome), code,
				(unsigned)e.ms, (unsigned)e.challenges, addr);
		}
		first = 0;
	}
	if (req->json)
		agent_ctl_buf_printf(&a->data, "]\n");
	return AGENT_CTL_OK;
}

static int
agent_ctl_help(struct agent_ctl_ans *a)
{
	agent_ctl_buf_printf(
		&a->data,
		"[json] status [BINDING]\n"
		"[json] show alarms|proxies|control|config PARAMETER|TABLE\n"
		"register|unregister|refresh BINDING|all|trunk-group N\n"
		"reload\ncheck\nload FILE [--dry-run]\n"
		"trace BINDING on [SECONDS]|off\n"
		"[json] history BINDING\n"
		"[json] version\nBINDING: gateway or account-N\n");
	return AGENT_CTL_OK;
}

static int
agent_ctl_dispatch(struct agent_ctl *c, const struct agent_ctl_req *req,
		   long uid, struct agent_ctl_ans *a)
{
	switch (req->cmd) {
	case AGENT_CTL_HELP:
		return agent_ctl_help(a);
	case AGENT_CTL_VERSION:
		agent_ctl_buf_printf(&a->data,
				     req->json ? "{\"version\":\"%s\"}\n"
					       : "gwagentd %s\n",
				     PACKAGE_VERSION);
		return AGENT_CTL_OK;
	case AGENT_CTL_STATUS:
		return req->argc == 0 ? agent_ctl_status_all(c, req, a)
				      : agent_ctl_status_one(c, req, a);
	case AGENT_CTL_SHOW:
		return agent_ctl_show(c, req, a);
	case AGENT_CTL_REGISTER:
	case AGENT_CTL_UNREGISTER:
	case AGENT_CTL_REFRESH:
		return agent_ctl_action(c, req, uid, a);
	case AGENT_CTL_RELOAD:
		return agent_ctl_reload(c, uid, a);
	case AGENT_CTL_CHECK:
		return agent_ctl_check(c, a);
	case AGENT_CTL_LOAD:
		return agent_ctl_load(c, req, uid, a);
	case AGENT_CTL_TRACE:
		return agent_ctl_trace(c, req, uid, a);
	case AGENT_CTL_HISTORY:
		return agent_ctl_history(c, req, a);
	}
	return agent_ctl_fail(a, AGENT_CTL_EUSAGE, "unknown command");
}

int
agent_ctl_execute(struct agent_ctl *c, const char *line, size_t len, long uid,
		  struct agent_ctl_buf *out)
{
	struct agent_ctl_req req;
	struct agent_ctl_ans a;
	size_t start;
	int code, rc;

	if (c == NULL || line == NULL || out == NULL)
		return -EINVAL;
	memset(&a, 0, sizeof(a));
	c->st.requests++;
	if (agent_ctl_parse(line, len, &req, a.msg, sizeof(a.msg)) < 0) {
		c->st.bad++;
		log_debug("ctl", "uid %ld: bad request: %s", uid, a.msg);
		code = AGENT_CTL_EUSAGE;
	} else {
		code = agent_ctl_dispatch(c, &req, uid, &a);
	}
	if (a.data.full) {
		code = AGENT_CTL_EFAIL;
		snprintf(a.msg, sizeof(a.msg), "answer too large");
		a.data.len = 0;
	}
	start = out->len;
	rc = agent_ctl_frame(out, code, a.msg[0] ? a.msg : NULL, a.data.p,
			     a.data.len);
	agent_ctl_buf_free(&a.data);
	if (rc < 0) { /* never half an answer */
		out->len = start;
		out->full = 0;
		code = AGENT_CTL_EFAIL;
		rc = agent_ctl_frame(out, code, "answer too large", NULL, 0);
	}
	return rc < 0 ? -ENOBUFS : code;
}
