/* SPDX-License-Identifier: ISC */
/*
 * sipreg_client: a tiny poll loop around the sip/ engine for the lab.
 *
 *   sipreg_client -r 127.0.0.1:5060 [-r host:port ...] -u alice -p secret
 *                 [-d domain] [-e expires] [-n count] [-H hold_s]
 *                 [-U] [-t timeout_s] [-l local_addr] [-x] [-q]
 *
 * Registers user (or user1..userN with -n, all with the same password),
 * prints one "status" line per status change, holds the registrations
 * for -H seconds (refreshes happen meanwhile), unregisters with -U, and
 * ends with "result ok=N failed=M registered_ms=T".  Exit 0 when every
 * binding reached the wanted final state.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sip/sip.h"

#define MAX_BINDINGS 100000

struct opts {
	struct sipreg_addr_cfg addrs[SIPREG_MAX_ADDRS];
	char hosts[SIPREG_MAX_ADDRS][64];
	size_t naddrs;
	const char *user, *password, *domain, *local;
	unsigned expires, count, hold_s, timeout_s;
	bool unregister, hotswap, quiet;
};

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void
on_log(int level, const char *msg, void *arg)
{
	const struct opts *o = arg;

	if (!o->quiet || level <= SIP_LOG_WARN)
		fprintf(stderr, "log %d %s\n", level, msg);
}

static void
on_status(struct sipreg_binding *b, const struct sipreg_status *st, void *arg)
{
	const struct opts *o = arg;

	if (o->quiet)
		return;
	printf("status user=%s state=%s code=%d granted=%u refresh_in=%lld "
	       "addr=%s sent=%llu error=\"%s\"\n",
	       (const char *)sipreg_binding_user(b),
	       sipreg_state_name(st->state), st->last_code,
	       (unsigned)st->granted, (long long)st->refresh_in, st->addr,
	       (unsigned long long)st->counters.sent, st->last_error);
	fflush(stdout);
}

static int
add_addr(struct opts *o, const char *arg)
{
	const char *colon = strrchr(arg, ':');
	size_t i = o->naddrs, len;

	if (i >= SIPREG_MAX_ADDRS || colon == NULL)
		return -1;
	len = (size_t)(colon - arg);
	if (len == 0 || len >= sizeof(o->hosts[i]))
		return -1;
	memcpy(o->hosts[i], arg, len);
	o->hosts[i][len] = '\0';
	o->addrs[i].host = o->hosts[i];
	o->addrs[i].port = (uint16_t)atoi(colon + 1);
	o->addrs[i].transport = SIPREG_TP_UDP;
	o->naddrs++;
	return 0;
}

static int
parse_opts(struct opts *o, int argc, char **argv)
{
	int c;

	memset(o, 0, sizeof(*o));
	o->password = "";
	o->domain = "gw.test";
	o->local = "127.0.0.1";
	o->timeout_s = 30;
	while ((c = getopt(argc, argv, "r:u:p:d:e:n:H:Ut:l:xq")) != -1) {
		switch (c) {
		case 'r':
			if (add_addr(o, optarg) != 0)
				return -1;
			break;
		case 'u':
			o->user = optarg;
			break;
		case 'p':
			o->password = optarg;
			break;
		case 'd':
			o->domain = optarg;
			break;
		case 'e':
			o->expires = (unsigned)atoi(optarg);
			break;
		case 'n':
			o->count = (unsigned)atoi(optarg);
			break;
		case 'H':
			o->hold_s = (unsigned)atoi(optarg);
			break;
		case 'U':
			o->unregister = true;
			break;
		case 't':
			o->timeout_s = (unsigned)atoi(optarg);
			break;
		case 'l':
			o->local = optarg;
			break;
		case 'x':
			o->hotswap = true;
			break;
		case 'q':
			o->quiet = true;
			break;
		default:
			return -1;
		}
	}
	if (o->user == NULL || o->naddrs == 0 || o->count > MAX_BINDINGS)
		return -1;
	return 0;
}

/* Run the loop until pred is true for every binding or the deadline. */
static bool
run_until(struct sipreg_engine *e, struct sipreg_binding **b, unsigned n,
	  bool (*pred)(enum sipreg_state), uint64_t deadline)
{
	struct sipreg_status st;
	struct pollfd pfd[4];
	unsigned i, done;
	int nfd, t;

	for (;;) {
		for (i = 0, done = 0; i < n; i++)
			if (sipreg_binding_status(b[i], &st) == 0 &&
			    pred(st.state))
				done++;
		if (done == n || now_ms() >= deadline)
			return done == n;
		nfd = sipreg_engine_pollfds(e, pfd, 4);
		t = sipreg_engine_next_timeout(e);
		if (t < 0 || t > 100)
			t = 100;
		if (poll(pfd, (nfds_t)(nfd > 4 ? 4 : nfd), t) > 0)
			sipreg_engine_readable(e, pfd[0].fd);
		sipreg_engine_timeout(e);
	}
}

static bool
is_registered(enum sipreg_state s)
{
	return s == SIPREG_REGISTERED;
}

static bool
is_unregistered(enum sipreg_state s)
{
	return s == SIPREG_UNREGISTERED;
}

static bool
never(enum sipreg_state s)
{
	(void)s;
	return false;
}

static int
add_bindings(struct sipreg_engine *e, const struct opts *o,
	     struct sipreg_binding **b, char (*names)[64], unsigned n)
{
	struct sipreg_binding_cfg c;
	unsigned i;
	int rc;

	memset(&c, 0, sizeof(c));
	memcpy(c.addrs, o->addrs, sizeof(c.addrs));
	c.naddrs = o->naddrs;
	c.aor_host = o->domain;
	c.password = o->password;
	c.expires = o->expires;
	c.hotswap = o->hotswap;
	for (i = 0; i < n; i++) {
		if (o->count > 0)
			snprintf(names[i], 64, "%s%u", o->user, i + 1);
		else
			snprintf(names[i], 64, "%s", o->user);
		c.aor_user = names[i];
		if ((rc = sipreg_binding_add(e, &c, names[i], &b[i])) != 0) {
			fprintf(stderr, "binding %s: %s\n", names[i],
				strerror(-rc));
			return rc;
		}
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct sipreg_engine_cfg ecfg;
	struct sipreg_engine *e;
	struct sipreg_binding **b;
	char(*names)[64];
	struct opts o;
	unsigned n, ok;
	uint64_t t0, treg;
	bool good;
	int rc;

	if (parse_opts(&o, argc, argv) != 0) {
		fprintf(stderr, "usage: sipreg_client -r host:port -u user "
				"[-p pw] [-d domain] [-e expires] [-n count] "
				"[-H hold_s] [-U] [-t timeout_s] [-l local] "
				"[-x] [-q]\n");
		return 2;
	}
	n = o.count > 0 ? o.count : 1;
	b = calloc(n, sizeof(*b));
	names = calloc(n, sizeof(*names));
	memset(&ecfg, 0, sizeof(ecfg));
	ecfg.local_addr = o.local;
	ecfg.user_agent = "gwagent-sipreg-client";
	ecfg.pace_off = true;
	ecfg.logh = on_log;
	ecfg.log_arg = &o;
	ecfg.statush = on_status;
	ecfg.status_arg = &o;
	if (b == NULL || names == NULL ||
	    (rc = sipreg_engine_create(&e, &ecfg)) != 0) {
		fprintf(stderr, "engine: cannot create\n");
		return 1;
	}
	if (add_bindings(e, &o, b, names, n) != 0)
		return 1;
	t0 = now_ms();
	sipreg_engine_register_all(e);
	good = run_until(e, b, n, is_registered, t0 + o.timeout_s * 1000ull);
	treg = now_ms() - t0;
	for (ok = 0, rc = 0; rc < (int)n; rc++) {
		struct sipreg_status st;

		sipreg_binding_status(b[rc], &st);
		ok += st.state == SIPREG_REGISTERED;
	}
	if (good && o.hold_s > 0)
		run_until(e, b, n, never, now_ms() + o.hold_s * 1000ull);
	if (good && o.unregister) {
		sipreg_engine_unregister_all(e);
		good = run_until(e, b, n, is_unregistered,
				 now_ms() + o.timeout_s * 1000ull);
	}
	printf("result ok=%u failed=%u registered_ms=%llu\n", ok, n - ok,
	       (unsigned long long)treg);
	sipreg_engine_destroy(e);
	free(b);
	free(names);
	return good ? 0 : 1;
}
