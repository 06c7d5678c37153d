/* SPDX-License-Identifier: ISC */
/* Internals shared by agent/snmp_*.c only (they include Net-SNMP). */
#ifndef GWAGENT_SNMP_INT_H
#define GWAGENT_SNMP_INT_H

#include "agent/snmp/agent_snmp.h"
#include "agent/core/event.h"

#include "agent/mib/mib.h" /* GWAGENT_OID */

#define SNMP_LOOP_MAXFD 64

struct agent_snmp {
	struct agent_event *ev;
	int master;
	char *app;		  /* Net-SNMP application name */
	int fds[SNMP_LOOP_MAXFD]; /* fds currently watched in ev */
	int nfds;
	struct agent_timer timer; /* Net-SNMP's next timeout */
	int registered_or;	  /* sysORTable entry added */
	char *persist_dir;	  /* Net-SNMP state dir, NULL = none */
	/* wrong communities, counted and logged once per interval */
	struct agent_timer badcomm_timer;
	unsigned badcomm_s;
	unsigned badcomm_last; /* snmpInBadCommunityNames at the last log */
};

/* snmp_mib.c */
int agent_snmp_mib_register(void);
void agent_snmp_mib_unregister(void);

/* snmp_loop.c */
void agent_snmp_loop_init(struct agent_snmp *s);
void agent_snmp_loop_sync(struct agent_snmp *s);
void agent_snmp_loop_stop(struct agent_snmp *s);
/* Whether notifications can go out now (snmp_agent.c). */
int agent_snmp_session_up(void);

#endif
