/* SPDX-License-Identifier: ISC */
/*
 * The daemon's SNMP side, seen from the rest of agent/: no Net-SNMP type
 * crosses this header.  Implemented in agent/snmp_*.c, the only files that
 * include Net-SNMP headers.
 */
#ifndef GWAGENT_AGENT_SNMP_H
#define GWAGENT_AGENT_SNMP_H

#include <stddef.h>
#include <stdint.h>

struct agent_event;
struct agent_snmp;

/** How the agent attaches to SNMP. */
struct agent_snmp_conf {
	int master; /* 1: embedded master agent, 0: AgentX subagent */
	const char
		*agentx_socket; /* subagent: master's socket, NULL = default */
	const char
		*listen; /* master: transport spec, e.g. udp:127.0.0.1:1161 */
	const char
		*persist_dir; /* Net-SNMP state dir (absolute), NULL = none */
	const char *const *
		config_lines; /* master: snmpd.conf-style lines, NULL-terminated */
	const char *debug_tokens; /* Net-SNMP -D tokens, NULL = none */
	/* master mode only: */
	const char *sys_contact;      /* sysContact.0, NULL = empty */
	const char *sys_name;	      /* sysName.0, NULL = the host name */
	const char *sys_location;     /* sysLocation.0, NULL = empty */
	int sys_writable;	      /* 1: the three are writable over SNMP */
	const char *agentx_listen;    /* AgentX master socket, NULL = none */
	unsigned bad_community_log_s; /* seconds between wrong-community
					 counts in the log, 0 = 60 */
};

/**
 * Start the SNMP side on loop @p ev.  The subagent keeps trying to reach
 * its master in the background; the fds and timers live in @p ev.
 * @return 0, -EINVAL, -ENOMEM or -EIO (Net-SNMP refused to start).
 */
int agent_snmp_create(struct agent_snmp **out, struct agent_event *ev,
		      const struct agent_snmp_conf *conf);
/** Stop SNMP and free; accepts NULL. */
void agent_snmp_destroy(struct agent_snmp *s);
/** Whether the subagent currently holds an AgentX session with its
 *  master, so notifications can go out (embedded master: always 1). */
int agent_snmp_connected(const struct agent_snmp *s);
/**
 * Send GWAGENT-MIB notification @p n (an agent_mib_notify_h): through the
 * master in subagent mode, to the trap sinks in master mode.
 */
struct agent_varbind;
int agent_snmp_notify(uint32_t n, const struct agent_varbind *vb, size_t nvb,
		      void *arg);
/**
 * agent_snmp_notify(), then hand Net-SNMP's new timeouts to the event
 * loop: an inform waiting for its response is retried on time even when
 * no SNMP packet arrives.  The agent_mib_notify_h the daemon installs.
 */
int agent_snmp_notify_send(uint32_t n, const struct agent_varbind *vb,
			   size_t nvb, void *arg);
/** Net-SNMP's version string. */
const char *agent_snmp_version(void);

#endif
