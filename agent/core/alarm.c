/* SPDX-License-Identifier: ISC */
/*
 * Alarms in the AudioCodes shape: a raised alarm is a row of the active
 * alarm table until it clears, and both edges send a notification with
 * X.733 fields.  Registration failed/restored follow each binding's state;
 * proxy set lost/restored follow, once a second, whether any binding on
 * the set still reaches one of its addresses.  Notifications go through a
 * token bucket (gwAlarmTrapRateLimit per second); what it holds back is
 * counted and summarised by gwAlarmsSuppressed, while the table stays
 * exact.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agent/core/gwagent.h"
#include "agent/core/log.h"

#define ALARM_MAX_SETS	 32
#define ALARM_SUMMARY_MS 10000

struct agent_alarms {
	struct gwagent *g;
	struct agent_alarm *v; /* sorted by seq */
	size_t n, cap;
	uint32_t next_seq;
	/* token bucket */
	double tokens;
	uint64_t last_ms;
	unsigned suppressed;	 /* held back since the last summary */
	unsigned unsent;	 /* ... of them for want of an AgentX master */
	struct agent_timer tick; /* proxy set health and summaries */
	uint64_t last_summary_ms;
	uint32_t set_alarm[ALARM_MAX_SETS]; /* seq of the lost alarm, 0 */
	struct agent_alarm hist[AGENT_ALARM_HISTORY_MAX]; /* sorted by seq */
	size_t nhist;
	uint64_t start_ms;     /* TimeTicks 0 */
	uint32_t last_changed; /* TimeTicks of the last table change */
	agent_notice_h *notify;
	void *notify_arg;
};

#define N_REG_FAILED   AGENT_N_REG_FAILED
#define N_REG_RESTORED AGENT_N_REG_RESTORED
#define N_SET_LOST     AGENT_N_SET_LOST
#define N_SET_RESTORED AGENT_N_SET_RESTORED
#define N_INI_RESULT   AGENT_N_INI_RESULT
#define N_STARTED      AGENT_N_STARTED
#define N_SUPPRESSED   AGENT_N_SUPPRESSED

static const char *const alarm_names[] = {
	[N_REG_FAILED] = "gwRegistrationFailed",
	[N_REG_RESTORED] = "gwRegistrationRestored",
	[N_SET_LOST] = "gwProxySetLost",
	[N_SET_RESTORED] = "gwProxySetRestored",
	[N_INI_RESULT] = "gwIniLoadResult",
	[N_STARTED] = "gwAgentStarted",
	[N_SUPPRESSED] = "gwAlarmsSuppressed",
};

static uint64_t
alarm_now_ms(struct agent_alarms *a)
{
	return agent_event_now(a->g->ev);
}

/* ---- sending, rate limited -------------------------------------------- */

static int
alarm_take_token(struct agent_alarms *a)
{
	uint64_t now = alarm_now_ms(a);
	unsigned rate = a->g->trap_rate;

	if (rate == 0)
		return 1; /* no limit */
	a->tokens += (double)(now - a->last_ms) * rate / 1000.0;
	if (a->tokens > rate)
		a->tokens = rate;
	a->last_ms = now;
	if (a->tokens < 1.0)
		return 0;
	a->tokens -= 1.0;
	return 1;
}

/* Send, or count as held back; 0 when it went out. */
static int
alarm_send(struct agent_alarms *a, const struct agent_notice *n, int limited)
{
	if (a->notify == NULL)
		return 0;
	if (limited && !alarm_take_token(a)) {
		a->suppressed++;
		return -EAGAIN;
	}
	if (a->notify(n, a->notify_arg) == -ENOTCONN) {
		/* the alarm table keeps the state: the summary tells the
		 * NMS, once the master is back, that it missed some */
		a->suppressed++;
		a->unsent++;
		return -ENOTCONN;
	}
	return 0;
}

static void
alarm_summary(struct agent_alarms *a)
{
	struct agent_notice n = { .kind = N_SUPPRESSED };

	if (a->suppressed == 0)
		return;
	n.suppressed = a->suppressed;
	n.when = (int64_t)time(NULL);
	if (a->notify != NULL && a->notify(&n, a->notify_arg) == -ENOTCONN)
		return; /* still no master: keep counting */
	log_warnx("snmp",
		  "%u notifications held back (%u by the rate limit, %u "
		  "while no AgentX master could take them)",
		  a->suppressed, a->suppressed - a->unsent, a->unsent);
	a->suppressed = 0;
	a->unsent = 0;
}

/* ---- the active alarm table ------------------------------------------ */

/* The active table changed now: gwActiveAlarmTableLastChanged. */
static void
alarm_touch(struct agent_alarms *a)
{
	uint64_t ticks = (alarm_now_ms(a) - a->start_ms) / 10;

	/* never 0 after a change, so that a manager sees it */
	a->last_changed = ticks == 0 ? 1 : (uint32_t)ticks;
}

/* A row leaves the active table: keep it in the history, by sequence
 * number; when full, the oldest raise goes. */
static void
alarm_history_add(struct agent_alarms *a, const struct agent_alarm *al)
{
	size_t i;

	if (a->nhist == AGENT_ALARM_HISTORY_MAX) {
		if (al->seq < a->hist[0].seq)
			return; /* older than everything kept */
		memmove(&a->hist[0], &a->hist[1],
			(a->nhist - 1) * sizeof(a->hist[0]));
		a->nhist--;
	}
	for (i = a->nhist; i > 0 && a->hist[i - 1].seq > al->seq; i--)
		a->hist[i] = a->hist[i - 1];
	a->hist[i] = *al;
	a->hist[i].cleared = (int64_t)time(NULL);
	a->nhist++;
}

static struct agent_alarm *
alarm_find_key(struct agent_alarms *a, int kind, int type, long id)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		if (a->v[i].kind == kind && a->v[i].type == type &&
		    a->v[i].id == id)
			return &a->v[i];
	return NULL;
}

static struct agent_alarm *
alarm_add(struct agent_alarms *a, int kind, int type, long id)
{
	struct agent_alarm *al;

	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 16;
		struct agent_alarm *v = realloc(a->v, cap * sizeof(*v));

		if (v == NULL)
			return NULL;
		a->v = v;
		a->cap = cap;
	}
	al = &a->v[a->n++];
	memset(al, 0, sizeof(*al));
	al->seq = a->next_seq++;
	al->kind = kind;
	al->type = type;
	al->id = id;
	al->when = (int64_t)time(NULL);
	snprintf(al->name, sizeof(al->name), "%s", alarm_names[kind]);
	alarm_touch(a);
	return al;
}

static void
alarm_remove(struct agent_alarms *a, struct agent_alarm *al)
{
	size_t i = (size_t)(al - a->v);

	alarm_history_add(a, al);
	alarm_touch(a);
	memmove(&a->v[i], &a->v[i + 1], (a->n - i - 1) * sizeof(*al));
	a->n--;
}

const struct agent_alarm *
agent_alarms_next(const struct agent_alarms *a, long after)
{
	size_t lo = 0, hi = a->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((long)a->v[mid].seq <= after)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < a->n ? &a->v[lo] : NULL;
}

const struct agent_alarm *
agent_alarms_find(const struct agent_alarms *a, long seq)
{
	const struct agent_alarm *al = agent_alarms_next(a, seq - 1);

	return al != NULL && (long)al->seq == seq ? al : NULL;
}

size_t
agent_alarms_count(const struct agent_alarms *a)
{
	return a->n;
}

const struct agent_alarm *
agent_alarms_history_next(const struct agent_alarms *a, long after)
{
	size_t i;

	for (i = 0; i < a->nhist; i++)
		if ((long)a->hist[i].seq > after)
			return &a->hist[i];
	return NULL;
}

const struct agent_alarm *
agent_alarms_history_find(const struct agent_alarms *a, long seq)
{
	const struct agent_alarm *al = agent_alarms_history_next(a, seq - 1);

	return al != NULL && (long)al->seq == seq ? al : NULL;
}

size_t
agent_alarms_history_count(const struct agent_alarms *a)
{
	return a->nhist;
}

uint32_t
agent_alarms_last_changed(const struct agent_alarms *a)
{
	return a->last_changed;
}

/* ---- registration ------------------------------------------------------ */

static void
alarm_binding_source(char *buf, size_t len, int type, long id)
{
	if (type == AGENT_BINDING_GATEWAY)
		snprintf(buf, len, "Gateway");
	else if (type == AGENT_BINDING_ENDPOINT)
		snprintf(buf, len, "Endpoint#%ld/%ld/%ld", id >> 20,
			 (id >> 12) & 255, id & 4095);
	else if (type == AGENT_BINDING_TRUNKGROUP)
		snprintf(buf, len, "TrunkGroup#%ld", id);
	else
		snprintf(buf, len, "Account#%ld", id);
}

static void
alarm_reg_send(struct agent_alarms *a, int kind, const struct agent_alarm *al,
	       int severity, const struct sipreg_status *st)
{
	struct agent_notice n = { .kind = kind,
				  .al = al,
				  .severity = severity };

	n.reg_state = (int)st->state;
	n.reg_code = st->last_code;
	n.reg_error = st->last_error;
	alarm_send(a, &n, 1);
}

/* X.733 fields of a binding's failure: a configuration that cannot work,
 * rejected credentials, or the network. */
static void
alarm_reg_cause(const struct agent_binding *ab, const struct sipreg_status *st,
		int *event_type, int *cause)
{
	if (!agent_binding_usable(ab)) {
		*event_type = 3; /* processingErrorAlarm */
		*cause = 7;	 /* configurationOrCustomizationError */
		return;
	}
	*event_type = 1; /* communicationsAlarm */
	*cause = st->last_code == 401 || st->last_code == 403 ||
				 st->last_code == 407
			 ? 58 /* authenticationFailure */
			 : 6; /* communicationsSubsystemFailure */
}

void
agent_notify_binding(struct agent_binding *ab, const struct sipreg_status *st,
		     void *arg)
{
	struct gwagent *g = arg;
	struct agent_alarms *a = g->alarms;
	int *failed = agent_binding_alarm_flag(ab);
	int type = agent_binding_type(ab);
	long id = agent_binding_id(ab);
	struct agent_alarm *al;
	struct agent_alarm cleared;
	char text[sizeof(al->text)];
	int event_type, cause;

	if (a == NULL || g->stopping)
		return;
	if (st->state == SIPREG_BACKOFF || st->state == SIPREG_FAILED) {
		alarm_reg_cause(ab, st, &event_type, &cause);
		snprintf(text, sizeof(text), "registration of %s failed: %s",
			 agent_binding_aor(ab),
			 st->last_error[0] ? st->last_error : st->last_reason);
		al = *failed ? alarm_find_key(a, N_REG_FAILED, type, id) : NULL;
		if (*failed && al == NULL)
			return;
		/* A raised alarm changes only between a configuration fault
		 * and the others, or to another configuration fault: the row
		 * is updated and the notification sent again. */
		if (al != NULL && (al->cause == 7) == (cause == 7) &&
		    (cause != 7 || strcmp(text, al->text) == 0))
			return;
		if (al == NULL &&
		    (al = alarm_add(a, N_REG_FAILED, type, id)) == NULL)
			return;
		*failed = 1;
		alarm_touch(a);	  /* raised, or its row changes */
		al->severity = 4; /* major */
		al->event_type = event_type;
		al->cause = cause;
		al->when = (int64_t)time(NULL);
		alarm_binding_source(al->source, sizeof(al->source), type, id);
		snprintf(al->text, sizeof(al->text), "%s", text);
		log_warnx("sip", "%s", al->text);
		alarm_reg_send(a, N_REG_FAILED, al, al->severity, st);
	} else if (*failed && (st->state == SIPREG_REGISTERED ||
			       st->state == SIPREG_UNREGISTERED)) {
		*failed = 0;
		al = alarm_find_key(a, N_REG_FAILED, type, id);
		if (al == NULL)
			return;
		cleared = *al;
		alarm_remove(a, al);
		cleared.when = (int64_t)time(NULL);
		snprintf(cleared.text, sizeof(cleared.text),
			 "registration of %s restored", agent_binding_aor(ab));
		log_info("sip", "%s", cleared.text);
		alarm_reg_send(a, N_REG_RESTORED, &cleared, 0, st);
	}
}

/* A binding that no longer exists takes its alarm row with it, without a
 * notification: nothing was restored. */
void
agent_alarms_prune(struct agent_alarms *a)
{
	size_t i = 0;

	while (a != NULL && i < a->n) {
		struct agent_alarm *al = &a->v[i];

		if (al->kind != N_REG_FAILED ||
		    agent_bindings_find(a->g->bindings, al->type, al->id)) {
			i++;
			continue;
		}
		log_info("sip", "%s: binding removed, its alarm goes with it",
			 al->source);
		alarm_remove(a, al);
	}
}

/* ---- proxy sets -------------------------------------------------------- */

/* Whether a binding currently reaches an address, and has tried. */
static int
alarm_binding_reach(const struct agent_binding *ab, int *tried)
{
	struct sipreg_addr_status as;
	size_t i;

	*tried = 0;
	for (i = 0; i < SIPREG_MAX_ADDRS; i++) {
		if (agent_binding_addr_status(ab, i, &as) < 0)
			break;
		if (as.last_ms != 0)
			*tried = 1;
		if (as.online)
			return 1;
	}
	return 0;
}

static void
alarm_set_send(struct agent_alarms *a, int kind, const struct agent_alarm *al,
	       int severity)
{
	struct agent_notice n = { .kind = kind,
				  .al = al,
				  .severity = severity };

	alarm_send(a, &n, 1);
}

/* lost: raise; 0: restored; -1: no binding uses the set any more (it or
 * its bindings were removed or cannot register): the row goes away
 * without a notification, since nothing was restored. */
static void
alarm_set_change(struct agent_alarms *a, int set, int lost)
{
	struct agent_alarm *al, cleared;

	if (lost > 0) {
		al = alarm_add(a, N_SET_LOST, 0, set);
		if (al == NULL)
			return;
		a->set_alarm[set] = al->seq;
		al->severity = 4;
		al->event_type = 1;
		al->cause = 6;
		snprintf(al->source, sizeof(al->source), "ProxySet#%d", set);
		snprintf(al->text, sizeof(al->text),
			 "proxy set %d: connection lost (no address answers)",
			 set);
		log_warnx("sip", "%s", al->text);
		alarm_set_send(a, N_SET_LOST, al, al->severity);
		return;
	}
	a->set_alarm[set] = 0;
	al = alarm_find_key(a, N_SET_LOST, 0, set);
	if (al == NULL)
		return;
	if (lost < 0) {
		log_info("sip",
			 "proxy set %d: no binding uses it any more, its "
			 "alarm goes away",
			 set);
		alarm_remove(a, al);
		return;
	}
	cleared = *al;
	alarm_remove(a, al);
	cleared.when = (int64_t)time(NULL);
	snprintf(cleared.text, sizeof(cleared.text),
		 "proxy set %d: connection restored", set);
	log_info("sip", "%s", cleared.text);
	alarm_set_send(a, N_SET_RESTORED, &cleared, 0);
}

void
agent_alarms_check_sets(struct agent_alarms *a)
{
	unsigned nb[ALARM_MAX_SETS] = { 0 }, nreach[ALARM_MAX_SETS] = { 0 };
	unsigned ntried[ALARM_MAX_SETS] = { 0 };
	struct agent_bindings *bs = a->g->bindings;
	size_t i;
	int set, tried;

	if (a->g->stopping)
		return;
	for (i = 0; i < agent_bindings_count(bs); i++) {
		const struct agent_binding *ab = agent_bindings_at(bs, i);

		set = agent_binding_proxyset(ab);
		if (set < 0 || set >= ALARM_MAX_SETS ||
		    !agent_binding_usable(ab))
			continue;
		nb[set]++;
		nreach[set] += (unsigned)alarm_binding_reach(ab, &tried);
		ntried[set] += (unsigned)tried;
	}
	for (set = 0; set < ALARM_MAX_SETS; set++) {
		int lost = nb[set] > 0 && ntried[set] > 0 && nreach[set] == 0;

		if (lost && a->set_alarm[set] == 0)
			alarm_set_change(a, set, 1);
		else if (a->set_alarm[set] != 0 && nreach[set] > 0)
			alarm_set_change(a, set, 0);
		else if (a->set_alarm[set] != 0 && nb[set] == 0)
			alarm_set_change(a, set, -1);
	}
}

static void
alarm_tick(void *arg)
{
	struct agent_alarms *a = arg;
	uint64_t now = alarm_now_ms(a);

	agent_alarms_check_sets(a);
	if (now - a->last_summary_ms >=
	    (a->g->trap_summary_s ? a->g->trap_summary_s * 1000ULL
				  : ALARM_SUMMARY_MS)) {
		a->last_summary_ms = now;
		alarm_summary(a);
	}
	agent_timer_start(a->g->ev, &a->tick, 1000);
}

/* ---- events ------------------------------------------------------------ */

/* A failed load raises the alarm of the INI file (source IniFile): a row
 * of the active table until a later load succeeds, whose gwIniLoadResult
 * with severity cleared carries the same sequence number and clears it.
 * Another failure while it is raised updates the row and is sent again
 * with that number; a success with nothing to clear is an event with a
 * number of its own. */
void
agent_notify_ini_result(struct gwagent *g, int ok)
{
	struct agent_alarms *a = g->alarms;
	struct agent_notice n = { .kind = N_INI_RESULT };
	struct agent_alarm *al, ev;

	if (a == NULL)
		return;
	al = alarm_find_key(a, N_INI_RESULT, 0, 0);
	if (g->ini.running_mode == 3) {
		/* a dry run changes nothing: an event, whatever its result
		 * (in gwIniActionStatus), that raises and clears nothing */
		memset(&ev, 0, sizeof(ev));
		ev.seq = a->next_seq++;
		ev.when = (int64_t)time(NULL);
		ev.event_type = 3; /* processingErrorAlarm */
		snprintf(ev.source, sizeof(ev.source), "IniFile");
		snprintf(ev.text, sizeof(ev.text), "INI dry run %s",
			 ok ? "succeeded" : "failed");
		ok = 1; /* severity cleared: no alarm */
	} else if (!ok) {
		if (al == NULL &&
		    (al = alarm_add(a, N_INI_RESULT, 0, 0)) == NULL)
			return;
		alarm_touch(a);
		al->when = (int64_t)time(NULL);
		al->severity = 4;   /* major */
		al->event_type = 3; /* processingErrorAlarm */
		al->cause = 7;	    /* configurationOrCustomizationError */
		snprintf(al->source, sizeof(al->source), "IniFile");
		snprintf(al->text, sizeof(al->text), "INI load failed");
		ev = *al;
	} else {
		memset(&ev, 0, sizeof(ev));
		if (al != NULL) {
			ev = *al;
			alarm_remove(a, al);
		} else {
			ev.seq = a->next_seq++;
			ev.event_type = 3; /* processingErrorAlarm */
			snprintf(ev.source, sizeof(ev.source), "IniFile");
		}
		ev.when = (int64_t)time(NULL);
		snprintf(ev.text, sizeof(ev.text), "INI load succeeded");
	}
	n.al = &ev;
	n.severity = ok ? 0 : 4;
	n.ini_status = g->ini.status;
	n.ini_diags = g->ini.diags;
	alarm_send(a, &n, 0);
}

void
agent_notify_started(struct gwagent *g)
{
	struct agent_alarms *a = g->alarms;
	struct agent_notice n = { .kind = N_STARTED, .severity = 0 };
	struct agent_alarm al;

	if (a == NULL)
		return;
	memset(&al, 0, sizeof(al));
	al.seq = a->next_seq++;
	al.when = (int64_t)time(NULL);
	al.event_type = 4; /* equipmentAlarm */
	snprintf(al.source, sizeof(al.source), "Agent");
	snprintf(al.text, sizeof(al.text), "gwagentd %s started",
		 PACKAGE_VERSION);
	n.al = &al;
	alarm_send(a, &n, 0);
}

int
agent_alarms_create(struct agent_alarms **out, struct gwagent *g)
{
	struct agent_alarms *a = calloc(1, sizeof(*a));

	if (a == NULL)
		return -ENOMEM;
	a->g = g;
	a->next_seq = 1;
	a->last_ms = a->last_summary_ms = agent_event_now(g->ev);
	a->start_ms = a->last_ms;
	a->tokens = g->trap_rate;
	agent_timer_init(&a->tick, alarm_tick, a);
	agent_timer_start(g->ev, &a->tick, 1000);
	*out = a;
	return 0;
}

void
agent_alarms_destroy(struct agent_alarms *a)
{
	if (a == NULL)
		return;
	agent_timer_stop(&a->tick);
	free(a->v);
	free(a);
}

void
agent_alarms_set_notify(struct agent_alarms *a, agent_notice_h *h, void *arg)
{
	a->notify = h;
	a->notify_arg = arg;
}
