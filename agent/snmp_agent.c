/* SPDX-License-Identifier: ISC */
/*
 * Net-SNMP start-up and shutdown, in the order lldpd and keepalived
 * learned the hard way (agentx-netsnmp reference §1.2, §2.1, §4.6).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>
#include <net-snmp/agent/agent_callbacks.h>
#include <net-snmp/agent/agent_sysORTable.h>

#include "agent/log.h"
#include "agent/snmp_int.h"

#define GWAGENT_APP "gwagentd"

/* Only one Net-SNMP agent may live in a process: the library is global. */
static struct agent_snmp *agent_snmp_current;

/* snmpd.conf-style tokens an embedded master needs; libsnmp-dev declares
 * no prototype for it (agentx-netsnmp reference §8). */
void init_vacm_conf(void);

static oid agent_snmp_or_oid[] = { GWAGENT_OID };

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
	log_prio(slm->priority < LOG_WARNING ? LOG_WARNING : slm->priority,
		 "libsnmp", "%s", buf);
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
	if (conf->persist_dir != NULL)
		netsnmp_ds_set_string(NETSNMP_DS_LIBRARY_ID,
				      NETSNMP_DS_LIB_PERSISTENT_DIR,
				      conf->persist_dir);
	else
		netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
				       NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
	/* Read no host-wide snmp.conf/snmpd.conf: settings come from us. */
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
			       NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
	if (conf->debug_tokens != NULL && conf->debug_tokens[0] != '\0') {
		debug_register_tokens(conf->debug_tokens);
		snmp_set_do_debugging(1);
	}
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
	init_agent(s->app);
	agent_snmp_mib_register();
	init_vacm_conf();
	for (line = conf->config_lines; line != NULL && *line != NULL; line++) {
		snprintf(buf, sizeof(buf), "%s", *line);
		netsnmp_config(buf);
	}
	init_snmp(s->app);
	if (init_master_agent() != 0)
		return -EIO;
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
	if (s->app == NULL) {
		free(s);
		return -ENOMEM;
	}
	agent_snmp_loop_init(s);
	agent_snmp_setup_library(conf);
	rc = s->master ? agent_snmp_start_master(s, conf)
		       : agent_snmp_start_subagent(s, conf);
	if (rc < 0) {
		snmp_shutdown(s->app);
		free(s->app);
		free(s);
		return rc;
	}
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
	if (s == NULL)
		return;
	agent_snmp_loop_stop(s);
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

const char *
agent_snmp_version(void)
{
	return netsnmp_get_version();
}
