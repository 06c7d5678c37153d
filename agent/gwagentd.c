/* SPDX-License-Identifier: ISC */
/*
 * gwagentd's main, top to bottom as in OpenBSD's ntpd.c: options, log to
 * stderr, settings and gateway configuration, -n, daemonize, init, loop,
 * teardown in reverse order.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <libgen.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "agent/snmp/agent_snmp.h"
#include "agent/core/ctl.h"
#include "agent/core/event.h"
#include "agent/core/fetch.h"
#include "agent/core/gwagent.h"
#include "agent/core/log.h"
#include "agent/core/notify.h"
#include "agent/core/priv.h"
#include "agent/core/settings.h"
#include "agent/mib/mib.h"

/* For the C callbacks that cannot carry an argument (signals, Net-SNMP). */
struct gwagent *gwagent_ctx;

static struct agent_priv gwagentd_priv;
static struct agent_ctl *gwagentd_ctl;
#ifdef USE_SNMP
static struct agent_snmp *gwagentd_snmp; /* the glue: not the core's */
static struct agent_mib_notifier gwagentd_notifier = {
	.send = agent_snmp_notify_send,
};
#endif

static void
gwagentd_usage(FILE *f)
{
	fprintf(f,
		"usage: gwagentd [-fdnVh] [-D tokens] [-x agentx-socket]\n"
		"                [-M listen-address] [-c settings] [-i "
		"gateway.ini]\n"
		"  -f            stay in the foreground, log to stderr\n"
		"  -d            more verbose (repeat for debug)\n"
		"  -D tokens     Net-SNMP debug tokens (comma separated)\n"
		"  -x socket     AgentX master socket (default: Net-SNMP's)\n"
		"  -M address    run as embedded master agent on address\n"
		"                (e.g. udp:127.0.0.1:1161) instead of "
		"subagent\n"
		"  -c file       daemon settings file (default %s)\n"
		"  -i file       gateway INI file\n"
		"  -n            check the configuration and exit\n"
		"  -V            print versions and exit\n",
		AGENT_SETTINGS_FILE);
}

static void
gwagentd_version(void)
{
	printf("gwagentd %s\n", PACKAGE_VERSION);
#ifdef USE_SNMP
	printf("  Net-SNMP %s\n", agent_snmp_version());
#else
	printf("  Net-SNMP: not built in\n");
#endif
	printf("  %s\n", OpenSSL_version(OPENSSL_VERSION));
}

int
gwagentd_parse_args(struct gwagent_opts *o, int argc, char *argv[])
{
	int ch;

	memset(o, 0, sizeof(*o));
	optind = 1;
	while ((ch = getopt(argc, argv, "fdnVhD:x:M:c:i:")) != -1) {
		switch (ch) {
		case 'f':
			o->foreground = 1;
			break;
		case 'd':
			o->debug++;
			break;
		case 'n':
			o->check_only = 1;
			break;
		case 'D':
			o->snmp_debug = optarg;
			break;
		case 'x':
			o->agentx_socket = optarg;
			break;
		case 'M':
			o->master = 1;
			o->listen = optarg;
			break;
		case 'c':
			o->settings_file = optarg;
			break;
		case 'i':
			o->gateway_ini = optarg;
			break;
		case 'V':
			return 1;
		case 'h':
			return 2;
		default:
			return -EINVAL;
		}
	}
	if (optind != argc)
		return -EINVAL;
	return 0;
}

/* ---- signals ----------------------------------------------------------- */

static void
gwagentd_sighandler(int sig)
{
	int saved = errno;
	unsigned char c = (unsigned char)sig;

	if (gwagent_ctx != NULL && write(gwagent_ctx->sigpipe[1], &c, 1) < 0) {
		/* pipe full: a signal is already pending */
	}
	errno = saved;
}

/* SIGHUP (and gwagentctl reload): the same pipeline as a load (validate,
 * build the next configuration, swap, sync now), without the save: the
 * file is where the configuration came from.  @p out gets the summary or
 * why it was refused. */
static int
gwagentd_reload(struct gwagent *g, const char *who, char *out, size_t outlen)
{
	struct ini_diags *d = NULL;
	const char *path = agent_config_path(g->config);
	char *buf = NULL, msg[256];
	size_t len = 0;
	int rc;

	if (path == NULL || ini_diags_create(&d) < 0) {
		log_warnx("config", "%s: no gateway INI to reload", who);
		snprintf(out, outlen, "no gateway INI to reload");
		return -ENOENT;
	}
	rc = agent_persist_read(path, INI_MAX_FILE_SIZE, &buf, &len);
	if (rc < 0) {
		log_warnx("config",
			  "%s: cannot read %s: %s, "
			  "configuration kept",
			  who, path, strerror(-rc));
		snprintf(out, outlen, "cannot read %s: %s, configuration kept",
			 path, strerror(-rc));
		ini_diags_destroy(d);
		return rc;
	}
	rc = gwagent_load_text(g, buf, len, path, 1, 0, d, msg, sizeof(msg));
	OPENSSL_cleanse(buf, len);
	free(buf);
	if (rc == 0) {
		log_info("config", "%s: reloaded %s: %s", who, path, msg);
		snprintf(out, outlen, "reloaded %s: %s", path, msg);
	} else {
		log_warnx("config", "%s: %s rejected, configuration kept%s%s",
			  who, path, msg[0] ? ": " : "", msg);
		snprintf(out, outlen, "%s rejected, configuration kept%s%s",
			 path, msg[0] ? ": " : "",
			 msg[0] ? msg : " (see the log)");
	}
	ini_diags_destroy(d);
	return rc;
}

static int
gwagentd_ctl_reload(char *msg, size_t len, void *arg)
{
	return gwagentd_reload(arg, "gwagentctl reload", msg, len);
}

static void
gwagentd_signal_read(int fd, short revents, void *arg)
{
	struct gwagent *g = arg;
	unsigned char c;

	(void)revents;
	while (read(fd, &c, 1) == 1) {
		switch (c) {
		case SIGTERM:
		case SIGINT:
			log_info("main", "signal %d: shutting down", c);
			agent_event_break(g->ev);
			break;
		case SIGHUP: {
			char msg[512];

			gwagentd_reload(g, "SIGHUP", msg, sizeof(msg));
			break;
		}
		}
	}
}

static int
gwagentd_signals(struct gwagent *g)
{
	struct sigaction sa;
	int i;

	if (pipe(g->sigpipe) < 0)
		return -errno;
	for (i = 0; i < 2; i++) {
		fcntl(g->sigpipe[i], F_SETFL, O_NONBLOCK);
		fcntl(g->sigpipe[i], F_SETFD, FD_CLOEXEC);
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = gwagentd_sighandler;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	return agent_event_fd_add(g->ev, g->sigpipe[0], POLLIN,
				  gwagentd_signal_read, g);
}

/* ---- start-up steps ---------------------------------------------------- */

static void
gwagentd_settings_load(struct gwagent *g)
{
	struct agent_settings *s = &g->settings;
	const char *path = g->opts.settings_file;
	char err[512];
	int rc;

	if (agent_settings_init(s) < 0)
		fatalx("main", "out of memory");
	if (path == NULL && access(AGENT_SETTINGS_FILE, F_OK) == 0)
		path = AGENT_SETTINGS_FILE;
	if (path != NULL &&
	    (rc = agent_settings_load(s, path, err, sizeof(err))) < 0)
		fatalx("config", "%s", err);
	/* The command line wins over the settings file. */
	if (g->opts.gateway_ini == NULL && path != NULL)
		g->opts.gateway_ini = s->gateway_ini;
	if (g->opts.agentx_socket == NULL)
		g->opts.agentx_socket = s->agentx_socket;
	if (!g->opts.master && s->master) {
		g->opts.master = 1;
		g->opts.listen = s->listen;
	}
	g->trap_rate = s->trap_rate_limit;
	g->trap_summary_s = s->trap_summary_interval;
	if (g->opts.debug == 0)
		log_level(s->log_level);
	log_facility(s->log_facility);
}

/* The netrc must be the running user's: checked after any drop. */
static void
gwagentd_netrc_check(const struct gwagent *g)
{
	const struct agent_settings *s = &g->settings;
	char err[512];

	if (s->fetch_netrc != NULL &&
	    agent_fetch_netrc_check(s->fetch_netrc, err, sizeof(err)) < 0)
		fatalx("config", "[agent] fetch_netrc: %s", err);
}

/* Where INI loads by URI may read from and connect to. */
static void
gwagentd_start_fetch(struct gwagent *g)
{
	const struct agent_settings *s = &g->settings;
	struct agent_fetch_allow *a = NULL;

	if (s->fetch_allow != NULL &&
	    agent_fetch_allow_create(&a, s->fetch_allow) < 0)
		fatalx("config", "[agent] fetch_allow: bad list");
	if (agent_fetch_set_ini_dir(g->fetch, s->ini_dir) < 0 ||
	    agent_fetch_set_netrc(g->fetch, s->fetch_netrc) < 0 ||
	    agent_fetch_set_allow(g->fetch, a) < 0)
		fatalx("main", "out of memory");
	log_debug("config", "file: loads beneath %s", s->ini_dir);
}

/* Load the gateway INI; a file that does not exist yet means defaults. */
static int
gwagentd_load_gateway(struct gwagent *g)
{
	struct ini_diags *d = NULL;
	const char *path = agent_config_path(g->config);
	int rc;

	if (path == NULL)
		return 0;
	agent_persist_cleanup(path);
	if (access(path, F_OK) < 0 && errno == ENOENT) {
		log_info("config", "%s does not exist: defaults", path);
		return 0;
	}
	if (ini_diags_create(&d) < 0)
		return -ENOMEM;
	rc = agent_config_load_file(g->config, path, INI_APPLY_FULL, NULL, d);
	agent_config_log_diags(d);
	ini_diags_destroy(d);
	if (rc < 0)
		log_warnx("config", "%s rejected", path);
	return rc;
}

#ifdef USE_SNMP
#define GWAGENTD_SNMP_LINES 8

/* Append one snmpd.conf-style line to @p lines (secrets are wiped by the
 * caller). */
static void __attribute__((format(printf, 4, 5)))
gwagentd_snmp_line(char lines[][512], const char **cl, int *n, const char *fmt,
		   ...)
{
	va_list ap;

	if (*n >= GWAGENTD_SNMP_LINES)
		fatalx("snmp", "too many SNMP configuration lines");
	va_start(ap, fmt);
	vsnprintf(lines[*n], 512, fmt, ap);
	va_end(ap);
	cl[*n] = lines[*n];
	(*n)++;
}

/* The notification sink: v2c or SNMPv3 authPriv, traps or informs. */
static void
gwagentd_snmp_sink(const struct agent_settings *s, char lines[][512],
		   const char **cl, int *n)
{
	const char *eid = s->trap_v3_engine_id;

	if (eid != NULL && strncasecmp(eid, "0x", 2) == 0)
		eid += 2;
	if (s->trap_v3_user != NULL && s->trap_inform && eid == NULL)
		log_warnx("snmp",
			  "[traps] v3 informs without v3_engine_id: while %s "
			  "does not answer, discovering its engine ID stalls "
			  "gwagentd up to %u s per notification",
			  s->trap_sink,
			  (s->trap_retries + 1) * s->trap_timeout);
	if (s->trap_v3_user != NULL)
		gwagentd_snmp_line(
			lines, cl, n,
			"trapsess %s -r %u -t %u -v 3 %s%s -u \"%s\" "
			"-l authPriv -a SHA -A \"%s\" -x AES "
			"-X \"%s\" %s",
			s->trap_inform ? "-Ci" : "", s->trap_retries,
			s->trap_timeout, eid != NULL ? "-e " : "",
			eid != NULL ? eid : "", s->trap_v3_user,
			s->trap_v3_auth_pass, s->trap_v3_priv_pass,
			s->trap_sink);
	else
		gwagentd_snmp_line(lines, cl, n,
				   "trapsess %s -r %u -t %u -v 2c -c \"%s\" %s",
				   s->trap_inform ? "-Ci" : "", s->trap_retries,
				   s->trap_timeout, s->trap_community,
				   s->trap_sink);
}

static int
gwagentd_start_snmp(struct gwagent *g)
{
	const struct agent_settings *s = &g->settings;
	struct agent_snmp_conf sc = { 0 };
	char lines[GWAGENTD_SNMP_LINES][512];
	const char *cl[GWAGENTD_SNMP_LINES + 1] = { NULL };
	int n = 0, rc;

	sc.master = g->opts.master;
	sc.agentx_socket = g->opts.agentx_socket;
	sc.listen = g->opts.listen;
	sc.debug_tokens = g->opts.snmp_debug;
	if (sc.master) {
		/* Reads with v2c, only when a community is configured;
		 * writes need rwcommunity or the v3 authPriv user. */
		if (s->rocommunity != NULL)
			gwagentd_snmp_line(lines, cl, &n, "rocommunity %s",
					   s->rocommunity);
		if (s->rwcommunity != NULL)
			gwagentd_snmp_line(lines, cl, &n, "rwcommunity %s",
					   s->rwcommunity);
		if (s->v3_user && s->v3_auth_pass && s->v3_priv_pass) {
			gwagentd_snmp_line(
				lines, cl, &n,
				"createUser %s SHA \"%s\" AES \"%s\"",
				s->v3_user, s->v3_auth_pass, s->v3_priv_pass);
			gwagentd_snmp_line(lines, cl, &n, "rwuser %s priv",
					   s->v3_user);
		}
		if (s->trap_sink != NULL)
			gwagentd_snmp_sink(s, lines, cl, &n);
		sc.config_lines = cl;
		sc.persist_dir = s->persist_dir;
		if (s->persist_dir != NULL)
			mkdir(s->persist_dir, 0700);
		sc.sys_contact = s->sys_contact;
		sc.sys_name = s->sys_name;
		sc.sys_location = s->sys_location;
		sc.sys_writable = s->sys_writable;
		sc.agentx_listen = s->agentx_listen;
		sc.bad_community_log_s = s->bad_community_log_interval;
	}
	rc = agent_snmp_create(&gwagentd_snmp, g->ev, &sc);
	OPENSSL_cleanse(lines, sizeof(lines));
	if (rc < 0)
		log_warnx("snmp", "cannot start SNMP: %s", strerror(-rc));
	return rc;
}
#else
static int
gwagentd_start_snmp(struct gwagent *g)
{
	(void)g;
	log_warnx("snmp", "built without Net-SNMP: no SNMP agent");
	return 0;
}
#endif

/* ---- running unprivileged (agent/core/priv.h) ------------------------------ */

/* Whether and to whom root is dropped: refuses a root start without one. */
static void
gwagentd_priv_plan(const struct gwagent *g)
{
	const struct agent_settings *s = &g->settings;
	uid_t euid = geteuid() == 0 || getuid() == 0 ? 0 : geteuid();
	char err[512];

	if (agent_priv_plan(&gwagentd_priv, euid, s->user, s->group,
			    s->run_as_root, err, sizeof(err)) < 0)
		fatalx("main", "%s", err);
	if (euid != 0 && s->user != NULL && gwagentd_priv.uid != euid)
		log_warnx("main",
			  "not started as root: running as uid %u, not as "
			  "[agent] user %s",
			  (unsigned)euid, s->user);
}

/* Before the drop: the persistent directory the user will write. */
static void
gwagentd_priv_dirs(struct gwagent *g)
{
	const struct agent_settings *s = &g->settings;
	char err[512];

	if (g->opts.master && s->persist_dir != NULL &&
	    agent_priv_dir(&gwagentd_priv, s->persist_dir, err, sizeof(err)) <
		    0)
		fatalx("main", "[snmp] persist_dir: %s", err);
}

/* The privileged sockets are open: become the user, warn about what the
 * user cannot write. */
static void
gwagentd_priv_drop(struct gwagent *g)
{
	const struct agent_settings *s = &g->settings;
	const char *path = agent_config_path(g->config);
	char err[512], dir[4096];

	if (!gwagentd_priv.drop)
		return;
	/* Net-SNMP saved its engine state as root: the user rewrites it. */
	if (g->opts.master && s->persist_dir != NULL &&
	    agent_priv_give(&gwagentd_priv, s->persist_dir, err, sizeof(err)) <
		    0)
		fatalx("main", "[snmp] persist_dir: %s", err);
	if (agent_priv_drop(&gwagentd_priv, err, sizeof(err)) < 0)
		fatalx("main", "cannot drop root to %s: %s", gwagentd_priv.user,
		       err);
	log_info("main", "running as %s (uid %u, gid %u)", gwagentd_priv.user,
		 (unsigned)gwagentd_priv.uid, (unsigned)gwagentd_priv.gid);
	if (path != NULL && strlen(path) < sizeof(dir)) {
		memcpy(dir, path, strlen(path) + 1);
		if (agent_priv_writable(dirname(dir)) < 0)
			log_warnx("config",
				  "%s is not writable by %s: committed SETs "
				  "cannot be saved",
				  dir, gwagentd_priv.user);
	}
	if (g->opts.master && s->persist_dir != NULL &&
	    agent_priv_writable(s->persist_dir) < 0)
		log_warnx("snmp",
			  "%s is not writable by %s: Net-SNMP cannot save "
			  "its state",
			  s->persist_dir, gwagentd_priv.user);
}

/* The group of the control socket: [agent] control_group, else
 * "gwagent" when it exists, else the daemon's (-1: keep). */
static long
gwagentd_ctl_gid(const struct gwagent *g)
{
	const struct agent_settings *s = &g->settings;
	const char *name = s->control_group != NULL
				   ? s->control_group
				   : AGENT_SETTINGS_CONTROL_GROUP;
	struct group *gr = getgrnam(name);

	if (gr != NULL)
		return (long)gr->gr_gid;
	if (s->control_group != NULL)
		fatalx("config", "[agent] control_group: no group %s", name);
	return gwagentd_priv.drop ? (long)gwagentd_priv.gid : -1;
}

/* Before the drop: the control socket (gwagentctl), in a directory made
 * for it when missing (0750, the user's). */
static void
gwagentd_start_ctl(struct gwagent *g)
{
	const struct agent_settings *s = &g->settings;
	struct agent_ctl_conf cc = { 0 };
	char err[512], dir[4096];
	struct stat st;
	int rc;

	cc.path = s->control_socket;
	cc.uid = gwagentd_priv.drop ? (long)gwagentd_priv.uid : -1;
	cc.gid = gwagentd_ctl_gid(g);
	cc.timeout_s = s->control_timeout;
	cc.ini_dir = s->ini_dir;
	cc.reloadh = gwagentd_ctl_reload;
	cc.reload_arg = g;
	snprintf(dir, sizeof(dir), "%s", s->control_socket);
	/* chown() only for another owner or group than mkdir() gave it (the
	 * unit's seccomp filter fails every chown()). */
	if (mkdir(dirname(dir), 0750) == 0 && (cc.uid >= 0 || cc.gid >= 0) &&
	    (stat(dir, &st) < 0 ||
	     (cc.uid >= 0 && (uid_t)cc.uid != st.st_uid) ||
	     (cc.gid >= 0 && (gid_t)cc.gid != st.st_gid)) &&
	    chown(dir, (uid_t)cc.uid, (gid_t)cc.gid) < 0)
		fatal("config", "[agent] control_socket: chown %s", dir);
	rc = agent_ctl_create(&gwagentd_ctl, g, &cc, err, sizeof(err));
	if (rc < 0)
		fatalx("config", "[agent] %s", err);
	log_info("ctl", "control socket %s", s->control_socket);
}

static void
gwagentd_start(struct gwagent *g)
{
	const struct agent_settings *s = &g->settings;
	struct agent_sip_conf sc = { 0 };
	char chost[AGENT_SETTINGS_CONTACT_HOST_LEN];
	int rc;

	sc.local_addr = s->bind_address;
	sc.local_port = s->udp_port;
	sc.user_agent = s->user_agent;
	sc.pace_rate = s->pace_rate;
	sc.pace_off = s->pace_rate == 0;
	sc.register_window = s->register_window;
	sc.conn_idle_s = s->tcp_idle_timeout;
	sc.tls_ca_file = s->tls_ca;
	sc.tls_cert_file = s->tls_cert;
	sc.tls_key_file = s->tls_key;
	sc.dns_servers = s->dns_servers;
	sc.unreg_rate = s->unregister_rate;
	sc.unreg_pace_off = s->unregister_rate == 0;
	sc.nat_contact_rewrite = s->nat_contact_rewrite;
	sc.history_depth = s->history_depth;
	/* validated when the settings were read */
	if (s->contact_address != NULL &&
	    agent_settings_contact_split(s->contact_address, chost,
					 sizeof(chost), &sc.contact_port) == 0)
		sc.contact_host = chost;
	if (sc.contact_host != NULL)
		log_info("sip", "Contact address %s (port %u, 0: the socket's)",
			 chost, (unsigned)sc.contact_port);
	else if (sc.nat_contact_rewrite)
		log_info("sip", "Contact learned from received/rport of 2xx");
	if ((rc = gwagent_init(g, &sc)) < 0)
		fatalx("main", "cannot start the SIP engine on %s:%u: %s",
		       s->bind_address, s->udp_port, strerror(-rc));
	if (gwagentd_signals(g) < 0)
		fatal("main", "cannot set up signals");
	gwagentd_start_fetch(g);
	if (gwagentd_load_gateway(g) < 0)
		fatalx("config", "the gateway configuration has errors");
	gwagentd_priv_dirs(g);
	gwagentd_start_ctl(g);
	if (gwagentd_start_snmp(g) < 0 && g->opts.master)
		fatalx("main", "cannot start the embedded master agent");
	/* Root opened the sockets and read the operator's files; SNMP
	 * requests, SIP traffic and uploads all come later, unprivileged. */
	gwagentd_priv_drop(g);
	gwagentd_netrc_check(g);
#ifdef USE_SNMP
	/* The core raises alarms; the MIB gives them varbinds, Net-SNMP
	 * sends them. */
	agent_alarms_set_notify(g->alarms, agent_mib_notice,
				&gwagentd_notifier);
#endif
	agent_bindings_sync(g->bindings, agent_config_conf(g->config), 1);
	agent_notify_started(g);
}

/*
 * Unregister every binding that is or may be registered, paced at
 * [sip] unregister_rate, and return as soon as each got its final answer
 * or failed; the engine gives up at a deadline derived from their number,
 * at most [sip] unregister_deadline_max seconds.
 */
static void
gwagentd_unregister_all(struct gwagent *g)
{
	struct sipreg_engine *e =
		agent_sip_engine(agent_bindings_sip(g->bindings));
	struct sipreg_engine_stats st = { 0 };
	uint64_t start = agent_event_now(g->ev), deadline;
	unsigned ms = 0;
	size_t n = 0;

	/* No alarm follows the shutdown's state changes. */
	g->stopping = 1;
	sipreg_engine_shutdown(e, g->settings.unregister_deadline_max * 1000,
			       &ms, &n);
	if (n > 0)
		log_info("sip", "unregistering %zu bindings, at most %u ms", n,
			 ms);
	deadline = start + ms;
	agent_sip_sync(agent_bindings_sip(g->bindings));
	while (sipreg_engine_busy(e) > 0 &&
	       agent_event_now(g->ev) < deadline + 500)
		agent_event_run_once(g->ev, 100);
	if (sipreg_engine_stats(e, &st) == 0 && st.unreg_abandoned > 0)
		log_warnx("sip",
			  "%llu of %zu un-REGISTERs unsent or unanswered after "
			  "%u ms: "
			  "those contacts stay at the registrar until they "
			  "expire",
			  (unsigned long long)st.unreg_abandoned, n, ms);
	if (sipreg_engine_busy(e) > 0)
		log_warnx("sip", "%zu bindings still unregistering at exit",
			  sipreg_engine_busy(e));
	else if (n > 0 && st.unreg_abandoned == 0)
		log_info("sip", "%zu un-REGISTERs done in %llu ms", n,
			 (unsigned long long)(agent_event_now(g->ev) - start));
}

static void
gwagentd_teardown(struct gwagent *g)
{
	agent_ctl_destroy(gwagentd_ctl);
	gwagentd_ctl = NULL;
	agent_alarms_set_notify(g->alarms, NULL, NULL);
#ifdef USE_SNMP
	agent_snmp_destroy(gwagentd_snmp);
	gwagentd_snmp = NULL;
#endif
	if (g->sigpipe[0] > 0) {
		agent_event_fd_del(g->ev, g->sigpipe[0]);
		close(g->sigpipe[0]);
		close(g->sigpipe[1]);
	}
	gwagent_fini(g);
	gwagent_ctx = NULL;
}

static int
gwagentd_check(struct gwagent *g)
{
	int rc = gwagentd_load_gateway(g);

	printf("%s\n",
	       rc == 0 ? "configuration OK" : "configuration has errors");
	return rc == 0 ? 0 : 1;
}

int
gwagentd_main(int argc, char *argv[])
{
	struct gwagent g;
	int rc;

	memset(&g, 0, sizeof(g));
	rc = gwagentd_parse_args(&g.opts, argc, argv);
	if (rc == 1) {
		gwagentd_version();
		return 0;
	}
	if (rc != 0) {
		gwagentd_usage(rc == 2 ? stdout : stderr);
		return rc == 2 ? 0 : 1;
	}
	log_init(g.opts.debug + 1, 0, "gwagentd");
	gwagentd_settings_load(&g);
	gwagentd_priv_plan(&g);
	if (g.opts.check_only) {
		/* no context: only the files are read */
		if (agent_config_create(&g.config, g.opts.gateway_ini) < 0)
			fatalx("main", "out of memory");
		if (!gwagentd_priv.drop)
			gwagentd_netrc_check(&g);
		rc = gwagentd_check(&g);
		agent_config_destroy(g.config);
		agent_settings_free(&g.settings);
		return rc;
	}
	if (!g.opts.foreground && daemon(0, 0) < 0)
		fatal("main", "daemon");
	if (!g.opts.foreground)
		log_init(g.opts.debug + 1, 1, "gwagentd");
	gwagent_ctx = &g;
	gwagentd_start(&g);
	log_info("main", "gwagentd %s started", PACKAGE_VERSION);
	rc = agent_sd_notify("READY=1"); /* systemd's Type=notify */
	if (rc < 0)
		log_warnx("main", "telling systemd it is ready: %s",
			  strerror(-rc));
	rc = agent_event_loop(g.ev);
	gwagentd_unregister_all(&g);
	gwagentd_teardown(&g);
	log_info("main", "stopped");
	return rc < 0 ? 1 : 0;
}
