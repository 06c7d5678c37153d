/* SPDX-License-Identifier: ISC */
/*
 * What agent/core/ctl.c (the socket, its clients, the traces) and
 * agent/core/ctl_cmd.c (the commands) share.
 */
#ifndef GWAGENT_CTL_INT_H
#define GWAGENT_CTL_INT_H

#include <sys/types.h>

#include "agent/core/ctl.h"
#include "agent/core/event.h"

struct agent_ctl_client;

/** A binding being traced, by name (its engine binding may be replaced
 * by a reload). */
struct agent_ctl_trace {
	int type;
	long id;
	uint64_t until; /* loop clock, ms */
};

struct agent_ctl {
	struct gwagent *g;
	int fd;
	char *path;
	char *ini_dir;
	unsigned timeout_s;
	agent_ctl_reload_h *reloadh;
	void *reload_arg;
	struct agent_ctl_client *clients[AGENT_CTL_CLIENTS_MAX];
	struct agent_ctl_trace traces[AGENT_CTL_TRACES_MAX];
	size_t ntraces;
	struct agent_timer tick; /* idle clients and trace ends */
	struct agent_ctl_stats st;
};

/* ctl.c */
/** Trace binding (type, id) for @p seconds (0: stop).  @return 0,
 * -ENOENT (no such binding), -ENOSPC (too many traces). */
int agent_ctl_trace_set(struct agent_ctl *c, int type, long id,
			unsigned seconds);
/** Seconds of trace left for (type, id), 0 when not traced. */
unsigned agent_ctl_trace_left(const struct agent_ctl *c, int type, long id);

#endif
