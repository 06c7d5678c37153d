/* SPDX-License-Identifier: ISC */
/*
 * The SIP engine inside the daemon's loop: its sockets are watched by
 * agent/core/event.c and its next timeout is one agent timer, re-synced after
 * every call into the engine (the same contract as snmp_loop.c).
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "agent/core/event.h"
#include "agent/core/gwagent.h"
#include "agent/core/log.h"
#include "sip/sip.h"

#define AGENT_SIP_MAXFD 16

struct agent_sip {
	struct agent_event *ev;
	struct sipreg_engine *engine;
	struct agent_timer timer;
	int fds[AGENT_SIP_MAXFD];
	int nfds;
	struct sipreg_engine_stats logged; /* counters in the last log line */
	uint64_t logged_ms;		   /* when (0: never) */
};

#define AGENT_SIP_STATS_LOG_MS 60000

/* The engine's request and drop counters at debug when they changed, at
 * most once a minute (always when @p force). */
static void
agent_sip_log_stats(struct agent_sip *s, int force)
{
	struct sipreg_engine_stats st;
	uint64_t now = agent_event_now(s->ev);

	if (sipreg_engine_stats(s->engine, &st) < 0)
		return;
	if (st.requests == s->logged.requests &&
	    st.malformed == s->logged.malformed &&
	    st.stray == s->logged.stray &&
	    st.via_mismatch == s->logged.via_mismatch &&
	    st.bad_responses == s->logged.bad_responses)
		return;
	if (!force && s->logged_ms != 0 &&
	    now - s->logged_ms < AGENT_SIP_STATS_LOG_MS)
		return;
	log_debug(
		"sip",
		"requests %llu (OPTIONS answered 200: %llu, answered with "
		"an error: %llu, ACK: %llu, unsent: %llu); dropped: "
		"unparsable %llu, stray %llu, Via %llu; malformed "
		"responses %llu",
		(unsigned long long)st.requests,
		(unsigned long long)st.options_ok,
		(unsigned long long)st.req_rejected,
		(unsigned long long)st.acks, (unsigned long long)st.req_unsent,
		(unsigned long long)st.malformed, (unsigned long long)st.stray,
		(unsigned long long)st.via_mismatch,
		(unsigned long long)st.bad_responses);
	s->logged = st;
	s->logged_ms = now != 0 ? now : 1;
}

static void agent_sip_readable(int fd, short revents, void *arg);

static void
agent_sip_log(int level, const char *msg, void *arg)
{
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };

	(void)arg;
	log_prio(level >= 0 && level <= SIP_LOG_DEBUG ? prio[level] : LOG_DEBUG,
		 "sip", "%s", msg);
}

static void
agent_sip_timeout(void *arg)
{
	struct agent_sip *s = arg;

	sipreg_engine_timeout(s->engine);
	agent_sip_sync(s);
}

static void
agent_sip_readable(int fd, short revents, void *arg)
{
	struct agent_sip *s = arg;

	(void)revents;
	sipreg_engine_readable(s->engine, fd);
	agent_sip_log_stats(s, 0);
	agent_sip_sync(s);
}

static void
agent_sip_watch(struct agent_sip *s, const struct pollfd *pfd, int n)
{
	int i, j, keep;

	for (i = 0; i < s->nfds; i++) {
		for (keep = 0, j = 0; j < n; j++)
			keep |= pfd[j].fd == s->fds[i];
		if (!keep)
			agent_event_fd_del(s->ev, s->fds[i]);
	}
	for (j = 0; j < n; j++) {
		if (agent_event_fd_watched(s->ev, pfd[j].fd))
			agent_event_fd_mod(s->ev, pfd[j].fd, pfd[j].events);
		else if (agent_event_fd_add(s->ev, pfd[j].fd, pfd[j].events,
					    agent_sip_readable, s) < 0)
			log_warnx("sip", "cannot watch fd %d", pfd[j].fd);
		s->fds[j] = pfd[j].fd;
	}
	s->nfds = n;
}

void
agent_sip_sync(struct agent_sip *s)
{
	struct pollfd pfd[AGENT_SIP_MAXFD];
	int n, ms;

	n = sipreg_engine_pollfds(s->engine, pfd, AGENT_SIP_MAXFD);
	if (n > AGENT_SIP_MAXFD) {
		log_warnx("sip", "engine has %d sockets, watching %d", n,
			  AGENT_SIP_MAXFD);
		n = AGENT_SIP_MAXFD;
	}
	agent_sip_watch(s, pfd, n < 0 ? 0 : n);
	ms = sipreg_engine_next_timeout(s->engine);
	if (ms < 0)
		agent_timer_stop(&s->timer);
	else
		agent_timer_start(s->ev, &s->timer, (uint64_t)ms);
}

int
agent_sip_create(struct agent_sip **out, struct agent_event *ev,
		 const struct agent_sip_conf *conf, sipreg_status_h *statush,
		 void *arg)
{
	struct sipreg_engine_cfg cfg;
	struct agent_sip *s;
	int rc;

	if (out == NULL || ev == NULL || conf == NULL)
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return -ENOMEM;
	memset(&cfg, 0, sizeof(cfg));
	cfg.local_addr = conf->local_addr;
	cfg.local_port = conf->local_port;
	cfg.user_agent = conf->user_agent;
	cfg.pace_rate = conf->pace_rate;
	cfg.pace_off = conf->pace_off;
	cfg.register_window = conf->register_window;
	cfg.conn_idle_s = conf->conn_idle_s;
	cfg.tls_ca_file = conf->tls_ca_file;
	cfg.tls_cert_file = conf->tls_cert_file;
	cfg.tls_key_file = conf->tls_key_file;
	cfg.dns_servers = conf->dns_servers;
	cfg.unreg_rate = conf->unreg_rate;
	cfg.unreg_pace_off = conf->unreg_pace_off != 0;
	cfg.contact_host = conf->contact_host;
	cfg.contact_port = conf->contact_port;
	cfg.nat_contact_rewrite = conf->nat_contact_rewrite != 0;
	cfg.tls_verify = 1;
	cfg.logh = agent_sip_log;
	cfg.statush = statush;
	cfg.status_arg = arg;
	rc = sipreg_engine_create(&s->engine, &cfg);
	if (rc < 0) {
		free(s);
		return rc;
	}
	s->ev = ev;
	agent_timer_init(&s->timer, agent_sip_timeout, s);
	agent_sip_sync(s);
	*out = s;
	return 0;
}

void
agent_sip_destroy(struct agent_sip *s)
{
	int i;

	if (s == NULL)
		return;
	agent_sip_log_stats(s, 1);
	agent_timer_stop(&s->timer);
	for (i = 0; i < s->nfds; i++)
		agent_event_fd_del(s->ev, s->fds[i]);
	sipreg_engine_destroy(s->engine);
	free(s);
}

struct sipreg_engine *
agent_sip_engine(const struct agent_sip *s)
{
	return s->engine;
}
