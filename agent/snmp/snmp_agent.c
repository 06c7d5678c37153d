/* SPDX-License-Identifier: ISC */
/*
 * Net-SNMP start-up and shutdown, in the order lldpd and keepalived
 * learned the hard way: lldpd's src/daemon/agent.c agent_init() and
 * keepalived's keepalived/core/snmp.c snmp_agent_init() (both on GitHub),
 * and Net-SNMP 5.9's agent/snmp_agent.c and agent/agent_read_config.c for
 * the embedded master (init_agent(), init_master_agent()).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <syslog.h>
#include <unistd.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>
#include <net-snmp/agent/agent_callbacks.h>
#include <net-snmp/agent/agent_sysORTable.h>

#include "agent/core/log.h"
#include "agent/snmp/snmp_int.h"

#define GWAGENT_APP "gwagentd"

/* Only one Net-SNMP agent may live in a process: the library is global. */
static struct agent_snmp *agent_snmp_current;

/* libnetsnmpmibs modules snmpd initialises for SNMPv2-MIB (system group,
 * sysORTable, snmp group) and SNMP-FRAMEWORK-MIB/SNMP-MPD-MIB/
 * SNMP-USER-BASED-SM-MIB counters; no header declares them either. */
void init_system_mib(void);
void init_sysORTable(void);
void init_snmp_mib(void);
void init_snmpEngine(void);
void init_snmpMPDStats(void);
void init_usmStats(void);

static oid agent_snmp_or_oid[] = { GWAGENT_OID };

/* gwagentdProduct in GWAGENT-MIB: sysObjectID.0 of the embedded master. */
#define AGENT_SNMP_PRODUCT_OID "1.3.6.1.4.1.8072.9999.9999.7.3.1"
/* sysServices: applications (layer 7) and end-to-end (layer 4). */
#define AGENT_SNMP_SERVICES 72
/* A configuration path that can never name a directory, so Net-SNMP reads
 * no host-wide snmp.conf/snmpd.conf but still its persistent file. */
#define AGENT_SNMP_NO_CONF_DIR "/dev/null/gwagentd"
#define AGENT_SNMP_BADCOMM_S   60

/*
 * Net-SNMP's priorities, as the daemon wants them: its errors stay errors,
 * its informational chatter (start-up banners and the like) is debug.
 */
static int
agent_snmp_log_prio(int prio)
{
	if (prio <= LOG_ERR)
		return LOG_ERR;
	if (prio == LOG_WARNING)
		return LOG_WARNING;
	if (prio == LOG_NOTICE)
		return LOG_INFO;
	return LOG_DEBUG;
}

static int
agent_snmp_log_cb(int major, int minor, void *serverarg, void *clientarg)
{
	struct snmp_log_message *slm = serverarg;
	char buf[1024];
	size_t len;

	(void)major;
	(void)minor;
	(void)clientarg;
	if (slm == NULL || slm->msg == NULL || slm->msg[0] == '\0')
		return 0;
	len = strnlen(slm->msg, sizeof(buf) - 1);
	memcpy(buf, slm->msg, len);
	buf[len] = '\0';
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		buf[--len] = '\0';
	log_prio(agent_snmp_log_prio(slm->priority), "libsnmp", "%s", buf);
	return 0;
}

/*
 * AgentX open, register and ping are synchronous inside Net-SNMP: cap
 * each at a third of a second so a hung master cannot stall the loop
 * (keepalived's snmp_setup_session_cb).
 */
static int
agent_snmp_session_cb(int major, int minor, void *serverarg, void *clientarg)
{
	netsnmp_session *sess = serverarg;

	(void)major;
	(void)minor;
	(void)clientarg;
	if (sess != NULL) {
		sess->timeout = ONE_SEC / 3;
		sess->retries = 0;
	}
	return 0;
}

/*
 * The subagent's AgentX session came up (INDEX_START, once the master
 * took the session and its trap session) or went down (INDEX_STOP): the
 * notifications sent in between would go nowhere.
 */
static int agent_snmp_attached;

static int
agent_snmp_index_cb(int major, int minor, void *serverarg, void *clientarg)
{
	(void)major;
	(void)serverarg;
	(void)clientarg;
	agent_snmp_attached = minor == SNMPD_CALLBACK_INDEX_START;
	log_debug("snmp", "AgentX session %s",
		  agent_snmp_attached ? "up" : "down");
	return 0;
}

static void
agent_snmp_setup_library(const struct agent_snmp_conf *conf)
{
	snmp_disable_log();
	snmp_enable_calllog();
	snmp_register_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_LOGGING,
			       agent_snmp_log_cb, NULL);
	/* Subagent only: in master mode the sessions are the listeners and
	 * the notification sinks, whose informs keep [traps] timeout and
	 * retries. */
	if (!conf->master)
		snmp_register_callback(SNMP_CALLBACK_LIBRARY,
				       SNMP_CALLBACK_SESSION_INIT,
				       agent_snmp_session_cb, NULL);
	agent_snmp_attached = 0;
	snmp_register_callback(SNMP_CALLBACK_APPLICATION,
			       SNMPD_CALLBACK_INDEX_START, agent_snmp_index_cb,
			       NULL);
	snmp_register_callback(SNMP_CALLBACK_APPLICATION,
			       SNMPD_CALLBACK_INDEX_STOP, agent_snmp_index_cb,
			       NULL);
	setenv("MIBS", "", 1);
	setenv("MIBDIRS", "/dev/null", 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
			       NETSNMP_DS_LIB_ALARM_DONT_USE_SIG, 1);
	if (conf->persist_dir != NULL) {
		/*
		 * DONT_READ_CONFIGS would also skip the persistent file
		 * (oldEngineID, engineBoots): read the persistent directory
		 * only, through a configuration path that holds nothing.
		 * Net-SNMP rewrites that file in place; agent_snmp_store()
		 * writes it atomically instead.
		 */
		netsnmp_ds_set_string(NETSNMP_DS_LIBRARY_ID,
				      NETSNMP_DS_LIB_PERSISTENT_DIR,
				      conf->persist_dir);
		netsnmp_ds_set_string(NETSNMP_DS_LIBRARY_ID,
				      NETSNMP_DS_LIB_CONFIGURATION_DIR,
				      AGENT_SNMP_NO_CONF_DIR);
		netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
				       NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE,
				       1);
		/* agent_snmp_destroy() sets it; the library outlives us. */
		netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
				       NETSNMP_DS_LIB_DONT_PERSIST_STATE, 0);
		netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
				       NETSNMP_DS_LIB_DONT_READ_CONFIGS, 0);
	} else {
		netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
				       NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
		/* Read no host-wide snmp.conf/snmpd.conf. */
		netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
				       NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
	}
	if (conf->debug_tokens != NULL && conf->debug_tokens[0] != '\0') {
		debug_register_tokens(conf->debug_tokens);
		snmp_set_do_debugging(1);
	}
}

/*
 * Write Net-SNMP's state (oldEngineID, engineBoots, USM keys, values set
 * over SNMP) to <persist_dir>/.store, then rename it over
 * <persist_dir>/gwagentd.conf: a crash leaves the old file or the new one.
 */
static int
agent_snmp_store(struct agent_snmp *s)
{
	char dir[PATH_MAX], tmp[PATH_MAX], dst[PATH_MAX];
	int fd, rc = 0;

	if (s->persist_dir == NULL)
		return 0;
	if ((size_t)snprintf(dir, sizeof(dir), "%s/.store", s->persist_dir) >=
		    sizeof(dir) ||
	    (size_t)snprintf(tmp, sizeof(tmp), "%s/%s.conf", dir, s->app) >=
		    sizeof(tmp) ||
	    (size_t)snprintf(dst, sizeof(dst), "%s/%s.conf", s->persist_dir,
			     s->app) >= sizeof(dst))
		return -ENAMETOOLONG;
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return -errno;
	if (unlink(tmp) < 0 && errno != ENOENT)
		return -errno;
	netsnmp_ds_set_string(NETSNMP_DS_LIBRARY_ID,
			      NETSNMP_DS_LIB_PERSISTENT_DIR, dir);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
			       NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 0);
	snmp_store(s->app);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
			       NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
	netsnmp_ds_set_string(NETSNMP_DS_LIBRARY_ID,
			      NETSNMP_DS_LIB_PERSISTENT_DIR, s->persist_dir);
	fd = open(tmp, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fchmod(fd, 0600) < 0 || fsync(fd) < 0)
		rc = -errno;
	close(fd);
	if (rc == 0 && rename(tmp, dst) < 0)
		rc = -errno;
	if (rc == 0 && (fd = open(s->persist_dir,
				  O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		if (fsync(fd) < 0)
			rc = -errno;
		close(fd);
	}
	return rc;
}

/* Wrong communities: one line per interval with the count, never one
 * per packet. */
static void
agent_snmp_badcomm(void *arg)
{
	struct agent_snmp *s = arg;
	unsigned n = snmp_get_statistic(STAT_SNMPINBADCOMMUNITYNAMES);

	if (n != s->badcomm_last)
		log_warnx("snmp",
			  "%u requests with a wrong community in the last %u s",
			  n - s->badcomm_last, s->badcomm_s);
	s->badcomm_last = n;
	agent_timer_start(s->ev, &s->badcomm_timer,
			  (uint64_t)s->badcomm_s * 1000);
}

static void agent_snmp_config(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* One snmpd.conf line, the way netsnmp_config() wants it (writable). */
static void
agent_snmp_config(const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	netsnmp_config(buf);
	explicit_bzero(buf, sizeof(buf));
}

/*
 * SNMPv2-MIB system group values.  A value given by a configuration token
 * (sysContact...) is read-only: notWritable to a SET; the persistent
 * token (psyscontact...) only sets the starting value of a writable one.
 */
static void
agent_snmp_system_group(const struct agent_snmp_conf *conf)
{
	struct utsname u;
	char host[256];
	const char *p = conf->sys_writable ? "p" : "";

	if (uname(&u) < 0) {
		snprintf(u.sysname, sizeof(u.sysname), "unknown");
		snprintf(u.machine, sizeof(u.machine), "unknown");
	}
	agent_snmp_config("sysDescr gwagentd %s SIP registration agent "
			  "(Net-SNMP %s, %s %s, %s)",
			  PACKAGE_VERSION, netsnmp_get_version(), u.sysname,
			  u.machine, "built with " __VERSION__);
	agent_snmp_config("sysObjectID %s", AGENT_SNMP_PRODUCT_OID);
	agent_snmp_config("sysServices %d", AGENT_SNMP_SERVICES);
	if (conf->sys_name != NULL)
		agent_snmp_config("%ssysName %s", p, conf->sys_name);
	else if (!conf->sys_writable && gethostname(host, sizeof(host)) == 0) {
		host[sizeof(host) - 1] = '\0';
		agent_snmp_config("sysName %s", host);
	}
	if (conf->sys_contact != NULL)
		agent_snmp_config("%ssysContact %s", p, conf->sys_contact);
	else if (!conf->sys_writable)
		agent_snmp_config("sysContact ");
	if (conf->sys_location != NULL)
		agent_snmp_config("%ssysLocation %s", p, conf->sys_location);
	else if (!conf->sys_writable)
		agent_snmp_config("sysLocation ");
}

static int
agent_snmp_start_master(struct agent_snmp *s,
			const struct agent_snmp_conf *conf)
{
	const char *const *line;
	char buf[512];

	if (conf->listen == NULL)
		return -EINVAL;
	netsnmp_ds_set_string(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_PORTS,
			      conf->listen);
	/* No listener but the configured ones: AgentX only when asked. */
	netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID,
			       NETSNMP_DS_AGENT_AGENTX_MASTER,
			       conf->agentx_listen != NULL);
	if (conf->agentx_listen != NULL)
		netsnmp_ds_set_string(NETSNMP_DS_APPLICATION_ID,
				      NETSNMP_DS_AGENT_X_SOCKET,
				      conf->agentx_listen);
	/* Without libwrap's say, every packet is "Connection from ..." at
	 * LOG_INFO. */
	netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID,
			       NETSNMP_DS_AGENT_DONT_LOG_TCPWRAPPERS_CONNECTS,
			       1);
	/* init_master_agent() opens SMUX on TCP *:199 unless told not to. */
	snprintf(buf, sizeof(buf), "-smux");
	add_to_init_list(buf);
	init_agent(s->app);
	init_system_mib();
	init_sysORTable();
	init_snmp_mib();
	init_snmpEngine();
	init_snmpMPDStats();
	init_usmStats();
	agent_snmp_mib_register();
	/* init_agent() already ran init_vacm_conf() (rocommunity, rwuser...):
	 * a second call registers the access-control callbacks twice and
	 * every wrong community is counted twice. */
	agent_snmp_system_group(conf);
	for (line = conf->config_lines; line != NULL && *line != NULL; line++) {
		snprintf(buf, sizeof(buf), "%s", *line);
		netsnmp_config(buf);
	}
	explicit_bzero(buf, sizeof(buf));
	init_snmp(s->app);
	if (init_master_agent() != 0)
		return -EIO;
	s->badcomm_s = conf->bad_community_log_s != 0
			       ? conf->bad_community_log_s
			       : AGENT_SNMP_BADCOMM_S;
	s->badcomm_last = snmp_get_statistic(STAT_SNMPINBADCOMMUNITYNAMES);
	agent_timer_start(s->ev, &s->badcomm_timer,
			  (uint64_t)s->badcomm_s * 1000);
	return 0;
}

static int
agent_snmp_start_subagent(struct agent_snmp *s,
			  const struct agent_snmp_conf *conf)
{
	netsnmp_enable_subagent();
	if (conf->agentx_socket != NULL)
		netsnmp_ds_set_string(NETSNMP_DS_APPLICATION_ID,
				      NETSNMP_DS_AGENT_X_SOCKET,
				      conf->agentx_socket);
	init_agent(s->app);
	/* Must follow init_agent(), which resets it to 15 s. */
	netsnmp_ds_set_int(NETSNMP_DS_APPLICATION_ID,
			   NETSNMP_DS_AGENT_AGENTX_PING_INTERVAL, 5);
	agent_snmp_mib_register();
	init_snmp(s->app);
	return 0;
}

int
agent_snmp_create(struct agent_snmp **out, struct agent_event *ev,
		  const struct agent_snmp_conf *conf)
{
	struct agent_snmp *s;
	int rc;

	if (out == NULL || ev == NULL || conf == NULL)
		return -EINVAL;
	if (agent_snmp_current != NULL)
		return -EBUSY;
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return -ENOMEM;
	s->ev = ev;
	s->master = conf->master;
	s->app = strdup(GWAGENT_APP);
	if (conf->persist_dir != NULL)
		s->persist_dir = strdup(conf->persist_dir);
	if (s->app == NULL ||
	    (conf->persist_dir != NULL && s->persist_dir == NULL)) {
		free(s->app);
		free(s->persist_dir);
		free(s);
		return -ENOMEM;
	}
	agent_snmp_loop_init(s);
	agent_timer_init(&s->badcomm_timer, agent_snmp_badcomm, s);
	agent_snmp_setup_library(conf);
	rc = s->master ? agent_snmp_start_master(s, conf)
		       : agent_snmp_start_subagent(s, conf);
	if (rc < 0) {
		agent_timer_stop(&s->badcomm_timer);
		snmp_shutdown(s->app);
		free(s->app);
		free(s->persist_dir);
		free(s);
		return rc;
	}
	/* engineBoots was just incremented: keep it even after a crash. */
	if (s->master && (rc = agent_snmp_store(s)) < 0)
		log_warnx("snmp", "cannot save the SNMP engine state in %s: %s",
			  s->persist_dir, strerror(-rc));
	if (register_sysORTable(agent_snmp_or_oid,
				OID_LENGTH(agent_snmp_or_oid),
				"GWAGENT-MIB implementation by gwagentd") != 0)
		log_warnx("snmp", "cannot add the sysORTable entry");
	else
		s->registered_or = 1;
	agent_snmp_current = s;
	agent_snmp_loop_sync(s);
	log_info("snmp", "%s started%s%s",
		 s->master ? "embedded master agent" : "AgentX subagent",
		 s->master ? " on " : "", s->master ? conf->listen : "");
	*out = s;
	return 0;
}

void
agent_snmp_destroy(struct agent_snmp *s)
{
	int rc;

	if (s == NULL)
		return;
	agent_snmp_loop_stop(s);
	agent_timer_stop(&s->badcomm_timer);
	if (s->master && (rc = agent_snmp_store(s)) < 0)
		log_warnx("snmp", "cannot save the SNMP engine state in %s: %s",
			  s->persist_dir, strerror(-rc));
	/* DISABLE_PERSISTENT_SAVE keeps Net-SNMP from renaming the file,
	 * not its store callbacks from appending to it: nothing more. */
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
			       NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
	agent_snmp_mib_unregister();
	if (s->registered_or)
		unregister_sysORTable(agent_snmp_or_oid,
				      OID_LENGTH(agent_snmp_or_oid));
	snmp_shutdown(s->app);
	if (s->master)
		shutdown_master_agent();
	shutdown_agent();
	snmp_unregister_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_LOGGING,
				 agent_snmp_log_cb, NULL, 1);
	snmp_unregister_callback(SNMP_CALLBACK_LIBRARY,
				 SNMP_CALLBACK_SESSION_INIT,
				 agent_snmp_session_cb, NULL, 1);
	snmp_unregister_callback(SNMP_CALLBACK_APPLICATION,
				 SNMPD_CALLBACK_INDEX_START,
				 agent_snmp_index_cb, NULL, 1);
	snmp_unregister_callback(SNMP_CALLBACK_APPLICATION,
				 SNMPD_CALLBACK_INDEX_STOP, agent_snmp_index_cb,
				 NULL, 1);
	agent_snmp_attached = 0;
	free(s->app);
	free(s->persist_dir);
	free(s);
	agent_snmp_current = NULL;
}

int
agent_snmp_connected(const struct agent_snmp *s)
{
	return s != NULL && (s->master || agent_snmp_attached);
}

int
agent_snmp_session_up(void)
{
	return agent_snmp_connected(agent_snmp_current);
}

int
agent_snmp_notify_send(uint32_t n, const struct agent_varbind *vb, size_t nvb,
		       void *arg)
{
	int rc = agent_snmp_notify(n, vb, nvb, arg);

	if (agent_snmp_current != NULL)
		agent_snmp_loop_sync(agent_snmp_current);
	return rc;
}

const char *
agent_snmp_version(void)
{
	return netsnmp_get_version();
}
