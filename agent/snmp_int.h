/* SPDX-License-Identifier: ISC */
/* Internals shared by agent/snmp_*.c only (they include Net-SNMP). */
#ifndef GWAGENT_SNMP_INT_H
#define GWAGENT_SNMP_INT_H

#include "agent/agent_snmp.h"
#include "agent/event.h"

/* GWAGENT-MIB's root, gwagentMIB ::= { netSnmpPlaypen 7 }, until an IANA
 * enterprise number is assigned: the one place the code names it. */
#define GWAGENT_OID 1, 3, 6, 1, 4, 1, 8072, 9999, 9999, 7

#define SNMP_LOOP_MAXFD 64

struct agent_snmp {
	struct agent_event *ev;
	int master;
	char *app;		  /* Net-SNMP application name */
	int fds[SNMP_LOOP_MAXFD]; /* fds currently watched in ev */
	int nfds;
	struct agent_timer timer; /* Net-SNMP's next timeout */
	int registered_or;	  /* sysORTable entry added */
};

/* snmp_loop.c */
void agent_snmp_loop_init(struct agent_snmp *s);
void agent_snmp_loop_sync(struct agent_snmp *s);
void agent_snmp_loop_stop(struct agent_snmp *s);

#endif
