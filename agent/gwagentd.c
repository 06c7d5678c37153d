/* SPDX-License-Identifier: ISC */
/*
 * gwagentd's main, top to bottom as in OpenBSD's ntpd.c: options, log to
 * stderr, configuration, -n, daemonize, init, loop, teardown in reverse.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "agent/agent_snmp.h"
#include "agent/event.h"
#include "agent/gwagent.h"
#include "agent/log.h"

/* For the C callbacks that cannot carry an argument (signals, Net-SNMP). */
struct gwagent *gwagent_ctx;

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
		"  -c file       daemon settings file\n"
		"  -i file       gateway INI file\n"
		"  -n            check the configuration and exit\n"
		"  -V            print versions and exit\n");
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
		case SIGHUP:
			log_info("main", "SIGHUP: nothing to reload yet");
			break;
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

static int
gwagentd_start_snmp(struct gwagent *g)
{
#ifdef USE_SNMP
	struct agent_snmp_conf sc = { 0 };
	int rc;

	sc.master = g->opts.master;
	sc.agentx_socket = g->opts.agentx_socket;
	sc.listen = g->opts.listen;
	sc.debug_tokens = g->opts.snmp_debug;
	rc = agent_snmp_create(&g->snmp, g->ev, &sc);
	if (rc < 0)
		log_warnx("snmp", "cannot start SNMP: %s", strerror(-rc));
	return rc;
#else
	(void)g;
	log_warnx("snmp", "built without Net-SNMP: no SNMP agent");
	return 0;
#endif
}

static void
gwagentd_teardown(struct gwagent *g)
{
#ifdef USE_SNMP
	agent_snmp_destroy(g->snmp);
#endif
	if (g->ev != NULL && g->sigpipe[0] > 0)
		agent_event_fd_del(g->ev, g->sigpipe[0]);
	if (g->sigpipe[0] > 0) {
		close(g->sigpipe[0]);
		close(g->sigpipe[1]);
	}
	agent_event_destroy(g->ev);
	gwagent_ctx = NULL;
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
	if (g.opts.check_only) {
		printf("configuration OK\n");
		return 0;
	}
	if (!g.opts.foreground && daemon(0, 0) < 0)
		fatal("main", "daemon");
	if (!g.opts.foreground)
		log_init(g.opts.debug + 1, 1, "gwagentd");
	gwagent_ctx = &g;
	if (agent_event_create(&g.ev) < 0 || gwagentd_signals(&g) < 0)
		fatal("main", "cannot set up the event loop");
	if (gwagentd_start_snmp(&g) < 0 && g.opts.master)
		fatalx("main", "cannot start the embedded master agent");
	log_info("main", "gwagentd %s started", PACKAGE_VERSION);
	rc = agent_event_loop(g.ev);
	gwagentd_teardown(&g);
	log_info("main", "stopped");
	return rc < 0 ? 1 : 0;
}
