/* SPDX-License-Identifier: ISC */
/*
 * The daemon context and the prototypes agent/ files share, grouped by
 * file as in lldpd's lldpd.h.  No Net-SNMP type appears here.
 */
#ifndef GWAGENT_GWAGENT_H
#define GWAGENT_GWAGENT_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "agent/core/event.h"
#include "agent/core/settings.h"
#include "ini/ini.h"
#include "sip/sip.h"

struct agent_event;
struct agent_config;
struct agent_sip;
struct agent_bindings;
struct agent_binding;
struct agent_fetch;
struct agent_alarms;
struct agent_sip_conf;

/** Command-line options. */
struct gwagent_opts {
	int foreground;
	int debug;
	int check_only;
	int master;
	const char *snmp_debug;
	const char *agentx_socket;
	const char *listen;
	const char *settings_file;
	const char *gateway_ini;
};

/** INI management state (GWAGENT-MIB gwIniMgmt). */
struct agent_inimgmt {
	char uri[256];
	int mode;   /* 1 full, 2 incremental, 3 validate (dry run) */
	int status; /* 0 idle, 1 inProgress, 2 success, 3 failed */
	char diags[256];
	int64_t when;	   /* time(2) the last action ended, 0 never */
	char running[256]; /* the load's URI without its password */
	int64_t started;   /* time(2) the running/last load started */
	int running_mode;  /* its mode, fixed at its start */
	/* the last gwIniLine SET (gwIniLineStatus...), apart from loads */
	int line_status;
	char line_diags[256];
	int64_t line_when;
	char line_pending[256]; /* its diagnostics between RESERVE and COMMIT */
};

/** The highest trunk group id (TrunkGroup_TrunkGroupNum). */
#define AGENT_TG_MAX 255
/** The last register/unregister/refresh of a trunk group. */
struct agent_tg_last {
	int action;   /* AGENT_ACTION_*, 0: none since the start */
	unsigned n;   /* bindings it was started on */
	int64_t when; /* time(2), 0: never */
};

/** A registration action queued by SNMP, run after the SET commits. */
struct agent_action {
	int type; /* AGENT_BINDING_*, 0 = every binding,
		     AGENT_ACTION_TG: every binding of trunk group id */
	long id;
	int action;
};

/**
 * The one daemon context (the only global points at it): made by
 * gwagent_init() and unmade by gwagent_fini(), nothing else.
 */
struct gwagent {
	struct gwagent_opts opts;
	struct agent_settings settings; /* gwagentd.conf, or zero */
	struct agent_event *ev;
	int own_ev; /* gwagent_init() created the loop */
	struct agent_config *config;
	struct agent_bindings *bindings;
	struct agent_fetch *fetch;
	struct agent_alarms *alarms;
	struct agent_inimgmt ini;
	unsigned trap_rate;
	unsigned trap_summary_s; /* seconds between suppression summaries */
	/* work deferred out of SNMP handlers to the loop */
	struct agent_timer work;
	int work_sync;
	struct agent_action *actions;
	size_t nactions, capactions;
	int sigpipe[2]; /* self-pipe: signal handlers write, the loop reads */
	int stopping;	/* shutting down: binding changes raise or clear no
			   alarm (nothing was restored) */
	/* the last action on each trunk group (agent_tg_action()) */
	struct agent_tg_last tg_last[AGENT_TG_MAX + 1];
};

/* daemon.c */
/** How a configuration change is made (gwagent_commit()). */
struct gwagent_change {
	const char *why;    /* for the log: "SNMP", "SIGHUP", a load's URI */
	int save;	    /* write the gateway INI first (not SIGHUP:
			       the file is where it came from) */
	const char *record; /* a full load's text: the new document of
			       record (NULL: the current one, patched) */
	size_t reclen;
	int sync_now; /* bring the bindings in line before returning
			 (loads); otherwise from the loop */
	int hold;     /* a SET transaction: hand the old configuration
			 back in *old and tell the bindings only at
			 gwagent_commit_done(), or undo */
};
/**
 * The one path by which a configuration becomes the running one, for
 * SNMP SETs and gwIniLine (with @p c->hold), INI loads and SIGHUP:
 * check @p next, save it (patched into the document of record) and only
 * once it is on disk swap it in (taken over), then tell the bindings.
 * On error nothing changed and @p next stays the caller's.
 * @return 0, -EINVAL (@p next does not pass ini_conf_check()), or the
 *         save's -errno.
 */
int gwagent_commit(struct gwagent *g, struct ini_conf *next,
		   const struct gwagent_change *c, struct ini_conf **old);
/** A held change is final: free @p old, tell the bindings (from the
 * loop). */
void gwagent_commit_done(struct gwagent *g, struct ini_conf *old,
			 const char *why);
/** A held change is undone: @p old runs again and is saved. */
void gwagent_commit_undo(struct gwagent *g, struct ini_conf *old);
/** Queue a registration action (type 0: every binding). */
int gwagent_queue_action(struct gwagent *g, int type, long id, int action);
/** Start loading g->ini.uri in mode g->ini.mode in the background. */
int gwagent_ini_load(struct gwagent *g);
/**
 * Load INI text the caller read (gwagentctl load) as gwIniAction load(1)
 * loads what it fetched, in @p mode (1 full, 2 incremental, 3 validate):
 * refused while another load runs; otherwise gwagent_load_text() and the
 * result in gwIniActionStatus and gwIniLoadDiagnostics, the log and
 * gwIniLoadResult.  @p name (a path, no secret in it) names the source;
 * @p d (NULL: none wanted) gets the INI diagnostics, @p msg the summary
 * or why not.  @return 0, -EBUSY (a load runs), -EINVAL (not a gateway
 * INI, errors in @p d) or what gwagent_load_text() returns.
 */
int gwagent_ini_load_now(struct gwagent *g, const char *buf, size_t len,
			 const char *name, int mode, struct ini_diags *d,
			 char *msg, size_t msglen);
/** Write the running configuration to the gateway INI now. */
int gwagent_ini_save(struct gwagent *g);
/**
 * Make the daemon context's parts: the loop (unless the caller set
 * g->ev), the configuration (g->opts.gateway_ini), the fetcher, the
 * bindings and their SIP engine (@p sc) and the alarms.  On error the
 * caller still calls gwagent_fini().  @return 0 or -errno.
 */
int gwagent_init(struct gwagent *g, const struct agent_sip_conf *sc);
/** Unmake all of it, in reverse order, and forget the settings. */
void gwagent_fini(struct gwagent *g);

/* gwagentd.c */
int gwagentd_main(int argc, char *argv[]);
int gwagentd_parse_args(struct gwagent_opts *o, int argc, char *argv[]);

/* persist.c */
/**
 * Replace @p path with @p buf atomically (temp file, fsync, rename, fsync
 * of the directory), mode 0600.  @return 0 or -errno.
 */
int agent_persist_write(const char *path, const char *buf, size_t len);
/**
 * Read a regular file of at most @p max bytes into a NUL-terminated
 * malloc'd buffer the caller frees.  @return 0, -EFBIG or -errno.
 */
int agent_persist_read(const char *path, size_t max, char **out, size_t *len);
/**
 * Remove the temporary files a crash during agent_persist_write() of
 * @p path may have left.  @return how many, or -errno.
 */
int agent_persist_cleanup(const char *path);

/* config.c */
int agent_config_create(struct agent_config **out, const char *path);
void agent_config_destroy(struct agent_config *c);
/** The running configuration, borrowed until the next replace or load. */
const struct ini_conf *agent_config_conf(const struct agent_config *c);
const char *agent_config_path(const struct agent_config *c);
/** Make @p next (taken over) running and hand back the old one. */
struct ini_conf *agent_config_swap(struct agent_config *c,
				   struct ini_conf *next);
/**
 * Parse and apply INI text; on success it becomes the running
 * configuration and *changes (may be NULL) lists what changed.  On any
 * error nothing changes.  @return 0, -EINVAL (errors in @p diags),
 * -EFBIG or -ENOMEM.
 */
int agent_config_load_buffer(struct agent_config *c, const char *buf,
			     size_t len, const char *name,
			     enum ini_apply_mode mode,
			     struct ini_changes **changes,
			     struct ini_diags *diags);
/**
 * Parse and validate INI text against the running configuration without
 * changing anything: *next (caller destroys) is what the running
 * configuration would become, *changes (may be NULL; caller destroys)
 * what differs.  @return as agent_config_load_buffer(); nothing is
 * written to *next on error.
 */
int agent_config_prepare(const struct agent_config *c, const char *buf,
			 size_t len, const char *name, enum ini_apply_mode mode,
			 struct ini_conf **next, struct ini_changes **changes,
			 struct ini_diags *diags);
/**
 * Save before apply: write @p next to the gateway INI, patched into
 * @p record (the text of a full load, which becomes the document of
 * record; NULL: the current document of record), and only when that
 * worked make it the running configuration (taken over).  On a write
 * error (-EROFS, -ENOSPC, -EACCES, ...) nothing changes, neither the
 * file, the document of record nor the running configuration, and
 * @p next stays the caller's.  @return 0 or -errno.
 */
int agent_config_install(struct agent_config *c, struct ini_conf *next,
			 const char *record, size_t reclen);
/**
 * Make @p next (taken over) running without writing anything (SIGHUP:
 * the file is the source); @p record (copied; NULL: kept) becomes the
 * document of record.  @return 0, -EINVAL or -ENOMEM (nothing changed).
 */
int agent_config_adopt(struct agent_config *c, struct ini_conf *next,
		       const char *record, size_t reclen);
int agent_config_load_file(struct agent_config *c, const char *file,
			   enum ini_apply_mode mode,
			   struct ini_changes **changes,
			   struct ini_diags *diags);
/**
 * Write the running configuration to its file by patching the document
 * of record (only the lines of changed values change); on success the
 * written text becomes the document of record.  @return 0 or -errno.
 */
int agent_config_save(struct agent_config *c);
/**
 * Write @p conf (borrowed, not yet running) as agent_config_save() does:
 * the caller swaps it in only once this succeeded.  @return 0 or -errno.
 */
int agent_config_save_conf(struct agent_config *c, const struct ini_conf *conf);
/** The document of record (borrowed until the next save or load; NULL:
 * none yet) and its length. */
const char *agent_config_doc(const struct agent_config *c, size_t *len);
/**
 * The text the gateway INI would hold for @p conf: the document of
 * record patched.  *out is malloc'd and may hold passwords: the caller
 * cleanses and frees it.  @return 0, -EINVAL or -ENOMEM.
 */
int agent_config_render(const struct agent_config *c,
			const struct ini_conf *conf, char **out, size_t *len);
/** Log every diagnostic under the "ini" token. */
void agent_config_log_diags(const struct ini_diags *d);
/** Diagnostics as "FILE:LINE: error: ..." lines; @return bytes used. */
size_t agent_config_diags_text(const struct ini_diags *d, char *buf,
			       size_t len);

/* sipglue.c */
/** How the daemon runs its SIP engine. */
struct agent_sip_conf {
	const char *local_addr;
	uint16_t local_port;
	const char *user_agent;
	unsigned pace_rate;
	int pace_off;
	unsigned register_window; /* initial REGISTERs / un-REGISTERs
				     outstanding at once, 0: no window */
	unsigned conn_idle_s;
	const char *tls_ca_file; /* NULL: OpenSSL's default CA paths */
	const char *tls_cert_file;
	const char *tls_key_file;
	const char *dns_servers; /* NULL: /etc/resolv.conf */
	unsigned unreg_rate;	 /* un-REGISTERs per second at shutdown */
	int unreg_pace_off;
	const char *contact_host; /* the Contact's host [NULL: the socket's] */
	uint16_t contact_port;	  /* [0: the socket's port] */
	int nat_contact_rewrite;  /* learn the Contact from received/rport */
	unsigned history_depth;	  /* flight recorder entries per binding,
				     0: none ([sip] history_depth) */
};
int agent_sip_create(struct agent_sip **out, struct agent_event *ev,
		     const struct agent_sip_conf *conf,
		     sipreg_status_h *statush, void *arg);
void agent_sip_destroy(struct agent_sip *s);
/** Re-read the engine's sockets and next timeout (after every call). */
void agent_sip_sync(struct agent_sip *s);
struct sipreg_engine *agent_sip_engine(const struct agent_sip *s);

/* bindings.c */
#define AGENT_BINDING_GATEWAY 1
#define AGENT_BINDING_ACCOUNT 2
/* one endpoint (channel) of a trunk group registering per endpoint; id:
 * agent_endpoint_id() of its module, trunk and channel */
#define AGENT_BINDING_ENDPOINT 3
/* a trunk group registering per gateway in a device registering per
 * endpoint (AuthenticationMode 0); id: the trunk group id */
#define AGENT_BINDING_TRUNKGROUP 4
#define AGENT_ACTION_REGISTER	 1
#define AGENT_ACTION_UNREGISTER	 2
#define AGENT_ACTION_REFRESH	 3
/** Called on every status change of a binding. */
typedef void(agent_binding_h)(struct agent_binding *ab,
			      const struct sipreg_status *st, void *arg);
int agent_bindings_create(struct agent_bindings **out, struct agent_event *ev,
			  const struct agent_sip_conf *conf, agent_binding_h *h,
			  void *arg);
void agent_bindings_destroy(struct agent_bindings *bs);
/**
 * Make the bindings match @p conf: add, update (re-register) or remove
 * exactly those whose derived configuration changed.  New bindings
 * register at once when @p start is set.  @return 0 or -ENOMEM.
 */
int agent_bindings_sync(struct agent_bindings *bs, const struct ini_conf *conf,
			int start);
/** What one agent_bindings_sync() did. */
struct agent_sync_stats {
	unsigned added, updated, removed;
};
const struct agent_sync_stats *
agent_bindings_last_sync(const struct agent_bindings *bs);
/**
 * The plan: what agent_bindings_sync(@p bs, @p conf) would do, counted
 * exactly as it counts into agent_bindings_last_sync(), computed from the
 * same derivation and digests without touching the engine or @p bs.
 * @return 0, -EINVAL or -ENOMEM; *out is written only on success.
 */
int agent_bindings_plan(const struct agent_bindings *bs,
			const struct ini_conf *conf,
			struct agent_sync_stats *out);
/**
 * The plan from @p from (NULL: no bindings) to @p to, as if the bindings
 * had been synced with @p from and the engine had accepted every binding
 * that derives (gwagent-ini diff).  @return as agent_bindings_plan().
 */
int agent_bindings_plan_confs(const struct ini_conf *from,
			      const struct ini_conf *to,
			      struct agent_sync_stats *out);
size_t agent_bindings_count(const struct agent_bindings *bs);
struct agent_binding *agent_bindings_at(const struct agent_bindings *bs,
					size_t i);
struct agent_binding *agent_bindings_find(const struct agent_bindings *bs,
					  int type, long id);
/** The first binding after (type, id) in (type, id) order, or NULL. */
struct agent_binding *agent_bindings_next(const struct agent_bindings *bs,
					  int type, long id);
int agent_bindings_action_all(struct agent_bindings *bs, int action);
/**
 * Start @p action on every binding of trunk group @p tg: its endpoints,
 * its per-trunk-group binding, the accounts serving it; the engine paces
 * them ([sip] pace_rate, register_window).  Unusable ones are counted
 * and left alone.  @p n (may be NULL) gets how many.
 * @return 0, -ENOENT when tg has no binding, -EINVAL.
 */
int agent_bindings_action_tg(struct agent_bindings *bs, long tg, int action,
			     size_t *n);
/** The id of the endpoint binding of (module, trunk, channel):
 *  module * 2^20 + trunk * 2^12 + channel; -1 out of 0..255, 0..255,
 *  0..4095. */
long agent_endpoint_id(long module, long trunk, long channel);
/** The effective registration mode of trunk group @p tg: its
 *  TrunkGroupSettings_RegistrationMode when 0, 1, 4 or 5, else
 *  AuthenticationMode (0, 1, 3). */
int agent_tg_mode(const struct ini_conf *conf, long tg);
/** "gateway", "account", "endpoint", "trunk-group". */
const char *agent_binding_kind(int type);
/** Where a binding is: its trunk group (-1: none, the gateway or an
 *  account serving no trunk group), and an endpoint's module, trunk (255:
 *  analog), channel and phone number (-1 and "" for the others). */
struct agent_binding_where {
	long tg, module, trunk, channel;
	const char *phone; /* borrowed, never NULL */
};
void agent_binding_where(const struct agent_binding *ab,
			 struct agent_binding_where *w);
struct agent_sip *agent_bindings_sip(const struct agent_bindings *bs);
int agent_binding_action(struct agent_binding *ab, int action);
int agent_binding_status(const struct agent_binding *ab,
			 struct sipreg_status *st);
int agent_binding_type(const struct agent_binding *ab);
/** "sip:user@host" of the binding (borrowed). */
const char *agent_binding_aor(const struct agent_binding *ab);
/** Number of bindings registered or refreshing. */
size_t agent_bindings_registered(const struct agent_bindings *bs);
long agent_binding_id(const struct agent_binding *ab);
int agent_binding_proxyset(const struct agent_binding *ab);
const struct sipreg_binding *
agent_binding_engine(const struct agent_binding *ab);
/**
 * Proxy address @p i of the binding as its engine last saw it.
 * @return 0, -ENOENT past the last address, -EINVAL when the binding has
 *         no engine binding (its configuration cannot work).
 */
int agent_binding_addr_status(const struct agent_binding *ab, size_t i,
			      struct sipreg_addr_status *out);
/**
 * Resolved address @p k (0-based) of proxy address @p i of the binding
 * (sipreg_binding_cand_status()).
 * @return 0, -ENOENT past the last one, -EINVAL when the binding has no
 *         engine binding.
 */
int agent_binding_cand_status(const struct agent_binding *ab, size_t i,
			      size_t k, struct sipreg_cand_status *out);
int *agent_binding_alarm_flag(struct agent_binding *ab);
/** Trace the binding's SIP messages (gwagentctl trace) or not; nothing
 * for an unusable binding.  @return 0 or -EINVAL. */
int agent_binding_set_trace(struct agent_binding *ab, int on);
/** The binding's flight recorder (NULL: none yet, or switched off). */
const struct agent_rec *agent_binding_history(const struct agent_binding *ab);
/**
 * Whether the binding can register: 0 when its configuration is unusable
 * (state failed, the reason in its last error; register and refresh
 * actions are refused).
 */
int agent_binding_usable(const struct agent_binding *ab);
/**
 * When the binding's counters started, in hundredths of a second since
 * the bindings were created (the agent's start): 0 for bindings there
 * since the first sync, never 0 for later ones.  Counters are kept when
 * the binding's configuration changes (GWAGENT-MIB
 * gwRegCounterDiscontinuityTime).
 */
uint32_t agent_binding_discontinuity(const struct agent_binding *ab);
/**
 * What binding (type, id) of @p conf would be, as one line of text
 * ("aor=... ruri=... addrs=..."), for logs and tests.  Never shows the
 * password.  @return 1 if it exists, 0 if not ("none"), -EINVAL if it
 * exists but cannot work ("error: ...").
 */
int agent_binding_describe(const struct ini_conf *conf, int type, long id,
			   char *buf, size_t len);
/** Split "host[:port]" or "[v6]:port"; port 0 when absent. */
int agent_addr_parse(const char *s, char *host, size_t hostlen, uint16_t *port);

/* daemon.c, continued */
/**
 * One load of INI text: validate, build the next configuration, then
 * for @p mode 3 (validate) only compute the plan; for 1 (full) and 2
 * (incremental) save it first when @p save is set (the file refuses:
 * nothing applied), swap it in and sync the bindings now.  @p msg gets
 * one line: the summary (gwagent_load_summary()), or why it failed
 * ("" when the reasons are all in @p d).  @return 0, -EINVAL (errors in
 * @p d), -ENOMEM, or the save's -errno.
 */
int gwagent_load_text(struct gwagent *g, const char *buf, size_t len,
		      const char *name, int mode, int save, struct ini_diags *d,
		      char *msg, size_t msglen);
/**
 * The summary line of a load: "added A, removed R, re-registered U
 * bindings; P parameters changed", or with @p dry "would add A, remove
 * R, re-register U bindings; P parameters change".  @return 0/-EINVAL.
 */
int gwagent_load_summary(char *buf, size_t len,
			 const struct agent_sync_stats *st, size_t params,
			 int dry);
/**
 * Parameters a change list touches: one per changed scalar, one per
 * changed cell of a row present before and after, and one per column of
 * a row added or removed.
 */
size_t gwagent_params_changed(const struct ini_changes *chg);

/* iniline.c */
/**
 * Check one gwIniLine value and turn it into a document an incremental
 * ini_conf_apply() takes: exactly one "Name = value" of a catalog scalar
 * or one "T N = v, ...;" row of a known table with every column in the
 * catalog's order.  Several lines, CR/LF, sections, table headers,
 * FORMAT lines, comments and empty text are refused.  Values are checked
 * later, by the apply.  @p err gets why (never a value).
 * @return 0 (*out written, caller destroys), -EINVAL or -ENOMEM.
 */
int agent_iniline_parse(const char *line, size_t len, struct ini_doc **out,
			char *err, size_t errlen);
/**
 * agent_iniline_parse() for a row in the FORMAT its table has in
 * @p record (the gateway INI's document of record, borrowed; NULL or no
 * block of that table: the catalog's order, every column).
 */
int agent_iniline_parse_in(const char *line, size_t len, const char *record,
			   size_t reclen, struct ini_doc **out, char *err,
			   size_t errlen);

/* recorder.c: the registration flight recorder of one binding */
/** The most entries a binding's recorder keeps. */
#define AGENT_REC_DEPTH_MAX  256
#define AGENT_REC_REGISTER   1 /* kinds: an initial REGISTER (or retry) */
#define AGENT_REC_REFRESH    2
#define AGENT_REC_UNREGISTER 3
#define AGENT_REC_KEEPALIVE  4 /* an address's keep-alive state changed */
#define AGENT_REC_OK	     1 /* outcomes: a 2xx (keep-alive: answered) */
#define AGENT_REC_REJECTED   2 /* another final response */
#define AGENT_REC_TIMEOUT    3 /* no final response (keep-alive: offline) */
#define AGENT_REC_TRANSPORT  4 /* the transport failed */
/** One exchange: requests to the final answer, challenges included; or
 * a keep-alive change of address @c addr (ms 0, challenges 0). */
struct agent_rec_entry {
	uint32_t seq;	    /* 1 for the binding's first exchange */
	uint32_t when;	    /* time(2) it ended */
	uint32_t ms;	    /* from its first request to its end, capped
			       at 16,777,215 (4.6 hours) */
	uint16_t code;	    /* final status code; 0: timeout, transport */
	uint8_t kind;	    /* AGENT_REC_REGISTER, ... _KEEPALIVE */
	uint8_t outcome;    /* AGENT_REC_OK, _REJECTED, _TIMEOUT, ... */
	uint8_t addr;	    /* proxy address index, 255: none */
	uint8_t challenges; /* 401/407 answered on the way */
};
struct agent_rec;
/** A ring of @p depth (1..AGENT_REC_DEPTH_MAX) entries. */
int agent_rec_create(struct agent_rec **out, unsigned depth);
void agent_rec_destroy(struct agent_rec *r);
/** Feed one status callback of the binding (engine clock, wall time). */
void agent_rec_feed(struct agent_rec *r, const struct sipreg_status *st,
		    uint64_t now_ms, int64_t wall);
/** The oldest entry kept after number @p after (0: the oldest kept).
 * @return 0, or -ENOENT when there is none. */
int agent_rec_next(const struct agent_rec *r, uint32_t after,
		   struct agent_rec_entry *out);
size_t agent_rec_count(const struct agent_rec *r);
/** Bytes one recorder of @p depth entries allocates (before malloc's own). */
size_t agent_rec_size(unsigned depth);
const char *agent_rec_kind_name(int kind);
const char *agent_rec_outcome_name(int outcome);

/* trunkgroup.c: trunk groups as the Trunk Group Table page shows them */
/** An agent_action type: every binding of trunk group id. */
#define AGENT_ACTION_TG 100
/** One trunk group: its effective mode and how its bindings are doing. */
struct agent_tg_status {
	long tg;
	int mode;	     /* agent_tg_mode() */
	unsigned endpoints;  /* endpoints of its TrunkGroup rows */
	unsigned bindings;   /* bindings serving it (agent_binding_where()) */
	unsigned registered; /* of them registered or refreshing */
	unsigned failed;     /* of them with a registration alarm raised */
	unsigned active;     /* of them meant to be registered: not idle,
				unregistering or unregistered, or failed */
	unsigned oos;	     /* endpoints out of service (only with
				OOSOnRegistrationFail = 1) */
	int all_failed;	     /* active > 0 and every active one failed */
	int alarm;	     /* gwTrunkGroupRegistrationFailed raised */
	struct agent_tg_last last;
};
/**
 * Every trunk group of the running configuration, by id: the ids of the
 * TrunkGroup rows and those any binding serves.  *out is malloc'd (the
 * caller frees it; NULL when *n is 0).  @return 0 or -ENOMEM.
 */
int agent_tg_collect(struct gwagent *g, struct agent_tg_status **out,
		     size_t *n);
/** Trunk group @p tg alone.  @return 0, -ENOENT (no such trunk group)
 *  or -ENOMEM. */
int agent_tg_get(struct gwagent *g, long tg, struct agent_tg_status *out);
/** The first trunk group after @p after (-1: the first).  @return 0 or
 *  -ENOENT. */
int agent_tg_next(struct gwagent *g, long after, long *tg);
/**
 * The Register / Un-Register button of a trunk group (gwagentctl
 * register trunk-group N, gwTrunkGroupStatusAction): start @p action on
 * every binding of trunk group @p tg (agent_bindings_action_tg(); the
 * engine paces them) and remember it in g->tg_last.  @p n (may be NULL)
 * gets how many.  @return 0, -ENOENT (no binding serves it), -EINVAL.
 */
int agent_tg_action(struct gwagent *g, long tg, int action, size_t *n);

/* alarm.c */
/** One raised alarm: a row of gwActiveAlarmTable. */
struct agent_alarm {
	uint32_t seq;
	int kind; /* notification number below gwNotifications */
	int type; /* binding type, or 0 for a proxy set */
	long id;  /* binding id or proxy set number */
	char name[32];
	char text[200];
	char source[100];
	int severity, event_type, cause;
	int64_t when;	 /* raised (time(2)) */
	int64_t cleared; /* in the history: when it cleared or went away */
};
/** Rows gwAlarmHistoryTable keeps; past it the oldest raise goes. */
#define AGENT_ALARM_HISTORY_MAX 100
/** Notifications, numbered as below GWAGENT-MIB gwNotifications. */
enum agent_notice_kind {
	AGENT_N_REG_FAILED = 1,
	AGENT_N_REG_RESTORED,
	AGENT_N_SET_LOST,
	AGENT_N_SET_RESTORED,
	AGENT_N_INI_RESULT,
	AGENT_N_STARTED,
	AGENT_N_SUPPRESSED,
	AGENT_N_TG_FAILED,
	AGENT_N_TG_RESTORED,
};
/** What one notification says; the MIB side turns it into varbinds. */
struct agent_notice {
	int kind;		      /* enum agent_notice_kind */
	const struct agent_alarm *al; /* X.733 fields; NULL: SUPPRESSED */
	int severity;		      /* 0 cleared, 4 major */
	/* REG_*: the binding's state (enum sipreg_state), code, error */
	int reg_state, reg_code;
	const char *reg_error;
	/* INI_RESULT: the load's status and diagnostics */
	int ini_status;
	const char *ini_diags;
	/* TG_*: the trunk group's bindings, registered and failed */
	unsigned tg_bindings, tg_registered, tg_failed;
	/* SUPPRESSED: how many were held back, as of when */
	unsigned suppressed;
	int64_t when;
};
/**
 * Sends one notification.  @return 0 when it went out, -ENOTCONN when
 * nothing can take it now (a subagent without its master): the caller
 * counts it as held back.
 */
typedef int(agent_notice_h)(const struct agent_notice *n, void *arg);
int agent_alarms_create(struct agent_alarms **out, struct gwagent *g);
void agent_alarms_destroy(struct agent_alarms *a);
/** Who sends the notifications (the SNMP side registers itself; none:
 * the alarm tables are kept, nothing is sent). */
void agent_alarms_set_notify(struct agent_alarms *a, agent_notice_h *h,
			     void *arg);
/** Raise or clear a binding's registration alarm (agent_binding_h). */
void agent_notify_binding(struct agent_binding *ab,
			  const struct sipreg_status *st, void *arg);
void agent_notify_ini_result(struct gwagent *g, int ok);
void agent_notify_started(struct gwagent *g);
/** Raise or clear proxy set alarms now (also runs once a second). */
void agent_alarms_check_sets(struct agent_alarms *a);
/**
 * Raise or clear the alarm of each trunk group now (also runs once a
 * second): raised when every binding of the trunk group that is meant to
 * be registered has failed (agent_tg_status all_failed), cleared with
 * gwTrunkGroupRegistrationRestored when one of them registers again,
 * gone without a notification when none is meant to register any more.
 */
void agent_alarms_check_tgs(struct agent_alarms *a);
/** Whether trunk group @p tg's alarm is raised (@p a may be NULL). */
int agent_alarms_tg_raised(const struct agent_alarms *a, long tg);
/** Clear the alarms of bindings that no longer exist. */
void agent_alarms_prune(struct agent_alarms *a);
const struct agent_alarm *agent_alarms_next(const struct agent_alarms *a,
					    long after);
const struct agent_alarm *agent_alarms_find(const struct agent_alarms *a,
					    long seq);
size_t agent_alarms_count(const struct agent_alarms *a);
/** Cleared alarms (gwAlarmHistoryTable), by sequence number. */
const struct agent_alarm *
agent_alarms_history_next(const struct agent_alarms *a, long after);
const struct agent_alarm *
agent_alarms_history_find(const struct agent_alarms *a, long seq);
size_t agent_alarms_history_count(const struct agent_alarms *a);
/** gwActiveAlarmTableLastChanged: TimeTicks since the alarms were created
 * of the last row added, changed or removed; 0 when none since. */
uint32_t agent_alarms_last_changed(const struct agent_alarms *a);

#endif
