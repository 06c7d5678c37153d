/* SPDX-License-Identifier: ISC */
/*
 * Net-SNMP's descriptors and timeouts, bridged into agent/core/event.c the way
 * lldpd's levent_snmp_update() does it: after every read, timeout and
 * (re)connection, ask snmp_select_info2() again, since the master
 * restarting gives the AgentX session a new fd.
 */
#include "config.h"

#include <poll.h>
#include <string.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>
#include <net-snmp/library/large_fd_set.h>

#include "agent/core/log.h"
#include "agent/snmp/snmp_int.h"

static void agent_snmp_loop_read(int fd, short revents, void *arg);

static void
agent_snmp_loop_timeout(void *arg)
{
	struct agent_snmp *s = arg;

	snmp_timeout();
	run_alarms();
	agent_snmp_loop_sync(s);
}

static void
agent_snmp_loop_read(int fd, short revents, void *arg)
{
	struct agent_snmp *s = arg;
	netsnmp_large_fd_set set;

	netsnmp_large_fd_set_init(&set, fd + 1);
	NETSNMP_LARGE_FD_ZERO(&set);
	NETSNMP_LARGE_FD_SET(fd, &set);
	if (revents & (POLLERR | POLLHUP | POLLNVAL))
		log_debug("snmp", "fd %d: poll flags 0x%x", fd, revents);
	snmp_read2(&set);
	netsnmp_large_fd_set_cleanup(&set);
	agent_snmp_loop_sync(s);
}

static int
agent_snmp_loop_has(const int *fds, int n, int fd)
{
	int i;

	for (i = 0; i < n; i++)
		if (fds[i] == fd)
			return 1;
	return 0;
}

static void
agent_snmp_loop_watch(struct agent_snmp *s, const int *fds, int n)
{
	int i;

	/* Drop what Net-SNMP closed: the number may come back as a new
	 * socket, so it is re-added fresh below (keepalived 616ad32a). */
	for (i = 0; i < s->nfds; i++)
		if (!agent_snmp_loop_has(fds, n, s->fds[i]))
			agent_event_fd_del(s->ev, s->fds[i]);
	for (i = 0; i < n; i++)
		if (!agent_event_fd_watched(s->ev, fds[i]) &&
		    agent_event_fd_add(s->ev, fds[i], POLLIN,
				       agent_snmp_loop_read, s) < 0)
			log_warnx("snmp", "cannot watch fd %d", fds[i]);
	memcpy(s->fds, fds, (size_t)n * sizeof(*fds));
	s->nfds = n;
}

void
agent_snmp_loop_sync(struct agent_snmp *s)
{
	netsnmp_large_fd_set set;
	struct timeval tv = { 0, 0 };
	int maxfd = 0, block = 1, fd, n = 0;
	int fds[SNMP_LOOP_MAXFD];

	netsnmp_large_fd_set_init(&set, FD_SETSIZE);
	NETSNMP_LARGE_FD_ZERO(&set);
	snmp_select_info2(&maxfd, &set, &tv, &block);
	for (fd = 0; fd < maxfd && n < SNMP_LOOP_MAXFD; fd++)
		if (NETSNMP_LARGE_FD_ISSET(fd, &set))
			fds[n++] = fd;
	netsnmp_large_fd_set_cleanup(&set);
	agent_snmp_loop_watch(s, fds, n);
	/* With NETSNMP_DS_LIB_ALARM_DONT_USE_SIG the alarms (AgentX ping,
	 * reconnect) are part of the timeout; block=1 means none is due. */
	if (block)
		agent_timer_stop(&s->timer);
	else
		agent_timer_start(s->ev, &s->timer,
				  (uint64_t)tv.tv_sec * 1000 +
					  (uint64_t)tv.tv_usec / 1000);
}

void
agent_snmp_loop_stop(struct agent_snmp *s)
{
	int i;

	agent_timer_stop(&s->timer);
	for (i = 0; i < s->nfds; i++)
		agent_event_fd_del(s->ev, s->fds[i]);
	s->nfds = 0;
}

void
agent_snmp_loop_init(struct agent_snmp *s)
{
	agent_timer_init(&s->timer, agent_snmp_loop_timeout, s);
}
