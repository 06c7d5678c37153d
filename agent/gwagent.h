/* SPDX-License-Identifier: ISC */
/*
 * The daemon context and the prototypes agent/ files share, grouped by
 * file as in lldpd's lldpd.h.
 */
#ifndef GWAGENT_GWAGENT_H
#define GWAGENT_GWAGENT_H

#include <signal.h>

struct agent_event;
struct agent_snmp;

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

/** The one daemon context (the only global points at it). */
struct gwagent {
	struct gwagent_opts opts;
	struct agent_event *ev;
	struct agent_snmp *snmp;
	int sigpipe[2]; /* self-pipe: signal handlers write, the loop reads */
};

/* gwagentd.c */
int gwagentd_main(int argc, char *argv[]);
int gwagentd_parse_args(struct gwagent_opts *o, int argc, char *argv[]);

#endif
