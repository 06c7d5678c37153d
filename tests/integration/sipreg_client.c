/* SPDX-License-Identifier: ISC */
/*
 * sipreg_client: a tiny poll loop around the sip/ engine for the lab.
 *
 *   sipreg_client -r 127.0.0.1:5060 [-r host:port ...] -u alice -p secret
 *                 [-d domain] [-e expires] [-n count] [-H hold_s]
 *                 [-U] [-t timeout_s] [-l local_addr] [-x] [-X rtx] [-q]
 *                 [-P password_prefix] [-R retry_s] [-D divider_pct] [-f]
 *                 [-I] [-M max_inflight] [-C ca_file] [-V] [-O]
 *                 [-K options|register[:seconds]] [-Y] [-B] [-Z]
 *                 [-W unreg_deadline_ms] [-A contact_host[:port]] [-N]
 *
 * -r takes host:port[/udp|/tcp|/tls] (the host may be a name: c-ares);
 * -C is the CA file verifying TLS servers, -V turns verification off;
 * -O re-registers when the TCP/TLS connection is lost; -K turns proxy
 * keep-alive on (OPTIONS every seconds, or REGISTER-based), -Y selects
 * Homing redundancy, -B round robin, -Z a Contact: * clearing first;
 * -W unregisters with sipreg_engine_unregister_all_deadline(); -A sets
 * the Contact's host (and port), -N turns the NAT contact rewrite on.
 * Unless -q, a "cand" line shows each resolved address of the first
 * binding whenever what is known of it changes
 * (sipreg_binding_cand_status(): record, keep-alive state, in use).
 *
 * Registers user (or user1..userN with -n, all with the same password, or
 * each with password_prefix + its name with -P), prints one "status" line
 * per status change (t= is ms since start), holds the registrations for
 * -H seconds (refreshes happen meanwhile), unregisters with -U, and ends
 * with "stats ..." (engine counters) and "result ok=N failed=M
 * registered_ms=T".  -I holds until a line (or EOF) arrives on stdin
 * instead, printing "holding" when it starts.  -x turns hot swap on (-X sets HotSwapRtx too); -f
 * stops waiting for a binding once it has failed (state failed).  Exit 0
 * when every binding reached the wanted final state.
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
#define MAX_FDS	     64

struct client_binding {
	char name[64];
	enum sipreg_state state;
};

struct opts {
	struct sipreg_addr_cfg addrs[SIPREG_MAX_ADDRS];
	char hosts[SIPREG_MAX_ADDRS][64];
	size_t naddrs;
	const char *user, *password, *domain, *local, *pw_prefix;
	unsigned expires, count, hold_s, timeout_s, rtx, retry_s, divider;
	unsigned inflight, keepalive, keepalive_s, unreg_deadline_ms;
	const char *ca_file;
	const char *dns_servers;
	struct sipreg_binding *first;
	char cands[SIPREG_MAX_ADDRS][8][512]; /* last printed, by candidate */
	char contact_host[64];
	uint16_t contact_port;
	bool nat_rewrite;
	int dns_query;
	bool unregister, hotswap, quiet, stop_failed, interactive;
	bool no_verify, rereg, homing, round_robin, unreg_all_first;
	bool random_weights;
	/* run state */
	uint64_t t0;
	unsigned nstate[SIPREG_FAILED + 1];
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
	struct opts *o = arg;
	struct client_binding *cb = sipreg_binding_user(b);

	o->nstate[cb->state]--;
	cb->state = st->state;
	o->nstate[cb->state]++;
	if (o->quiet)
		return;
	printf("status t=%llu user=%s state=%s code=%d granted=%u "
	       "refresh_in=%lld addr=%s sent=%llu error=\"%s\"\n",
	       (unsigned long long)(now_ms() - o->t0), cb->name,
	       sipreg_state_name(st->state), st->last_code,
	       (unsigned)st->granted, (long long)st->refresh_in, st->addr,
	       (unsigned long long)st->counters.sent, st->last_error);
	fflush(stdout);
}

static int
parse_transport(const char *s, enum sipreg_transport *tp)
{
	if (s == NULL || strcmp(s, "udp") == 0)
		*tp = SIPREG_TP_UDP;
	else if (strcmp(s, "tcp") == 0)
		*tp = SIPREG_TP_TCP;
	else if (strcmp(s, "tls") == 0)
		*tp = SIPREG_TP_TLS;
	else
		return -1;
	return 0;
}

/* host:port[/udp|/tcp|/tls], host a name, IPv4 or [IPv6] */
static int
add_addr(struct opts *o, const char *arg)
{
	const char *slash = strchr(arg, '/'), *colon;
	char spec[96];
	size_t i = o->naddrs, len;

	if (i >= SIPREG_MAX_ADDRS || strlen(arg) >= sizeof(spec))
		return -1;
	snprintf(spec, sizeof(spec), "%s", arg);
	if (slash != NULL)
		spec[slash - arg] = '\0';
	if (parse_transport(slash ? slash + 1 : NULL, &o->addrs[i].transport) !=
		    0 ||
	    (colon = strrchr(spec, ':')) == NULL)
		return -1;
	len = (size_t)(colon - spec);
	if (len == 0 || len >= sizeof(o->hosts[i]))
		return -1;
	if (spec[0] == '[' && len > 2 && spec[len - 1] == ']') {
		len -= 2; /* [IPv6]:port */
		memcpy(o->hosts[i], spec + 1, len);
	} else {
		memcpy(o->hosts[i], spec, len);
	}
	o->hosts[i][len] = '\0';
	o->addrs[i].host = o->hosts[i];
	o->addrs[i].port = (uint16_t)atoi(colon + 1);
	o->naddrs++;
	return 0;
}

/* -K options|register[:seconds] */
static int
parse_keepalive(struct opts *o, const char *arg)
{
	const char *colon = strchr(arg, ':');

	if (strncmp(arg, "options", 7) == 0)
		o->keepalive = SIPREG_KA_OPTIONS;
	else if (strncmp(arg, "register", 8) == 0)
		o->keepalive = SIPREG_KA_REGISTER;
	else
		return -1;
	o->keepalive_s = colon ? (unsigned)atoi(colon + 1) : 0;
	return 0;
}

static int
parse_opt(struct opts *o, int c, const char *arg)
{
	switch (c) {
	case 'r':
		return add_addr(o, arg);
	case 'u':
		o->user = arg;
		break;
	case 'p':
		o->password = arg;
		break;
	case 'P':
		o->pw_prefix = arg;
		break;
	case 'd':
		o->domain = arg;
		break;
	case 'e':
		o->expires = (unsigned)atoi(arg);
		break;
	case 'n':
		o->count = (unsigned)atoi(arg);
		break;
	case 'H':
		o->hold_s = (unsigned)atoi(arg);
		break;
	case 't':
		o->timeout_s = (unsigned)atoi(arg);
		break;
	case 'l':
		o->local = arg;
		break;
	case 'X':
		o->rtx = (unsigned)atoi(arg);
		o->hotswap = true;
		break;
	case 'R':
		o->retry_s = (unsigned)atoi(arg);
		break;
	case 'D':
		o->divider = (unsigned)atoi(arg);
		break;
	case 'M':
		o->inflight = (unsigned)atoi(arg);
		break;
	case 'C':
		o->ca_file = arg;
		break;
	case 'K':
		return parse_keepalive(o, arg);
	case 'W':
		o->unreg_deadline_ms = (unsigned)atoi(arg);
		break;
	case 'S':
		o->dns_servers = arg;
		break;
	case 'A': { /* host[:port], IPv4 or a name */
		const char *colon = strrchr(arg, ':');
		size_t n = colon != NULL ? (size_t)(colon - arg) : strlen(arg);

		if (n == 0 || n >= sizeof(o->contact_host))
			return -1;
		memcpy(o->contact_host, arg, n);
		o->contact_host[n] = '\0';
		o->contact_port = colon != NULL ? (uint16_t)atoi(colon + 1) : 0;
		break;
	}
	case 'Q':
		o->dns_query = atoi(arg);
		if (o->dns_query < 0 || o->dns_query > 2)
			return -1;
		break;
	default:
		return -1;
	}
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
	while ((c = getopt(argc, argv,
			   "r:u:p:P:d:e:n:H:Ut:l:xX:R:D:M:fqIC:VOK:YBZW:S:Q:wA:"
			   "N")) != -1) {
		if (c == 'U')
			o->unregister = true;
		else if (c == 'V')
			o->no_verify = true;
		else if (c == 'O')
			o->rereg = true;
		else if (c == 'Y')
			o->homing = true;
		else if (c == 'B')
			o->round_robin = true;
		else if (c == 'w')
			o->random_weights = true;
		else if (c == 'Z')
			o->unreg_all_first = true;
		else if (c == 'x')
			o->hotswap = true;
		else if (c == 'q')
			o->quiet = true;
		else if (c == 'N')
			o->nat_rewrite = true;
		else if (c == 'f')
			o->stop_failed = true;
		else if (c == 'I')
			o->interactive = true;
		else if (parse_opt(o, c, optarg) != 0)
			return -1;
	}
	if (o->user == NULL || o->naddrs == 0 || o->count > MAX_BINDINGS)
		return -1;
	for (c = 0; c < (int)o->naddrs; c++)
		o->addrs[c].dns_query = (enum sipreg_dns_query)o->dns_query;
	return 0;
}

/* Poll the engine (and stdin when watch_stdin) once, at most 100 ms;
 * returns true when a line or EOF arrived on stdin. */
static bool
poll_once(struct sipreg_engine *e, bool watch_stdin)
{
	struct pollfd pfd[MAX_FDS + 1];
	char line[256];
	int nfd, t, i;
	bool input = false;

	nfd = sipreg_engine_pollfds(e, pfd, MAX_FDS);
	if (nfd > MAX_FDS)
		nfd = MAX_FDS;
	if (nfd < 0)
		nfd = 0;
	/* an idle engine sleeps long: only the stdin watch needs a bound */
	t = sipreg_engine_next_timeout(e);
	if (t < 0 || t > (watch_stdin ? 1000 : 100))
		t = watch_stdin ? 1000 : 100;
	pfd[nfd].fd = watch_stdin ? 0 : -1;
	pfd[nfd].events = POLLIN;
	pfd[nfd].revents = 0;
	if (poll(pfd, (nfds_t)nfd + 1, t) > 0) {
		for (i = 0; i < nfd; i++)
			if (pfd[i].revents != 0)
				sipreg_engine_readable(e, pfd[i].fd);
		if (pfd[nfd].revents != 0) {
			input = true;
			if (fgets(line, sizeof(line), stdin) == NULL)
				clearerr(stdin);
		}
	}
	sipreg_engine_timeout(e);
	return input;
}

/* Run the loop until `done` bindings reached the wanted states. */
static const char *const rr_names[] = { "literal", "a", "aaaa", "srv",
					"naptr" };

/* "cand" lines for the first binding's candidates that changed (the
 * TTL left alone does not count as a change). */
static void
print_cands(struct opts *o)
{
	struct sipreg_cand_status cs;
	char line[512];
	size_t i, j;

	if (o->quiet || o->first == NULL)
		return;
	for (i = 0; i < o->naddrs; i++)
		for (j = 0; j < 8; j++) {
			if (sipreg_binding_cand_status(o->first, i, j, &cs) !=
			    0)
				break;
			snprintf(line, sizeof(line),
				 "cand idx=%zu n=%zu addr=%s name=%s rr=%s "
				 "priority=%u weight=%u port=%u online=%d "
				 "code=%d in_use=%d",
				 i, j, cs.addr, cs.name[0] ? cs.name : "-",
				 rr_names[cs.rr], cs.priority, cs.weight,
				 (unsigned)cs.port, cs.online, cs.last_code,
				 (int)cs.in_use);
			if (strcmp(line, o->cands[i][j]) == 0)
				continue;
			memcpy(o->cands[i][j], line, sizeof(line));
			printf("%s ttl=%lld t=%llu\n", line,
			       (long long)cs.ttl_left,
			       (unsigned long long)(now_ms() - o->t0));
			fflush(stdout);
		}
}

static bool
run_until(struct sipreg_engine *e, struct opts *o, enum sipreg_state want,
	  unsigned n, uint64_t deadline)
{
	unsigned done;

	for (;;) {
		done = o->nstate[want];
		if (o->stop_failed && want != SIPREG_FAILED)
			done += o->nstate[SIPREG_FAILED];
		if ((n > 0 && done == n) || now_ms() >= deadline)
			return done == n;
		poll_once(e, false);
		print_cands(o);
	}
}

static int
add_bindings(struct sipreg_engine *e, struct opts *o,
	     struct client_binding *cbs, unsigned n)
{
	struct sipreg_binding_cfg c;
	struct sipreg_binding *b;
	char pw[128];
	unsigned i;
	int rc;

	memset(&c, 0, sizeof(c));
	memcpy(c.addrs, o->addrs, sizeof(c.addrs));
	c.naddrs = o->naddrs;
	c.aor_host = o->domain;
	c.password = o->password;
	c.expires = o->expires;
	c.hotswap = o->hotswap;
	c.hotswap_rtx = o->rtx;
	c.retry_s = o->retry_s;
	c.divider_pct = o->divider;
	c.rereg_on_conn_failure = o->rereg;
	c.keepalive = (enum sipreg_keepalive)o->keepalive;
	c.keepalive_s = o->keepalive_s;
	c.redundancy = o->homing ? SIPREG_HOMING : SIPREG_PARKING;
	c.load_balancing = o->random_weights ? 2 : o->round_robin ? 1 : 0;
	c.unreg_all_first = o->unreg_all_first;
	for (i = 0; i < n; i++) {
		if (o->count > 0)
			snprintf(cbs[i].name, 64, "%s%u", o->user, i + 1);
		else
			snprintf(cbs[i].name, 64, "%s", o->user);
		cbs[i].state = SIPREG_IDLE;
		o->nstate[SIPREG_IDLE]++;
		c.aor_user = cbs[i].name;
		if (o->pw_prefix != NULL) {
			snprintf(pw, sizeof(pw), "%s%s", o->pw_prefix,
				 cbs[i].name);
			c.password = pw;
		}
		if ((rc = sipreg_binding_add(e, &c, &cbs[i], &b)) != 0) {
			fprintf(stderr, "binding %s: %s\n", cbs[i].name,
				strerror(-rc));
			return rc;
		}
		if (i == 0)
			o->first = b;
	}
	return 0;
}

static void
print_stats(const struct sipreg_engine *e)
{
	struct sipreg_engine_stats st;

	if (sipreg_engine_stats(e, &st) != 0)
		return;
	printf("stats rx=%llu malformed=%llu stray=%llu requests=%llu "
	       "paced=%llu options_ok=%llu req_rejected=%llu acks=%llu "
	       "req_unsent=%llu bad_responses=%llu via_mismatch=%llu\n",
	       (unsigned long long)st.rx, (unsigned long long)st.malformed,
	       (unsigned long long)st.stray, (unsigned long long)st.requests,
	       (unsigned long long)st.paced, (unsigned long long)st.options_ok,
	       (unsigned long long)st.req_rejected, (unsigned long long)st.acks,
	       (unsigned long long)st.req_unsent,
	       (unsigned long long)st.bad_responses,
	       (unsigned long long)st.via_mismatch);
}

int
main(int argc, char **argv)
{
	struct sipreg_engine_cfg ecfg;
	struct sipreg_engine *e;
	struct client_binding *cbs;
	struct opts o;
	unsigned n, ok;
	uint64_t treg;
	bool good;

	if (parse_opts(&o, argc, argv) != 0) {
		fprintf(stderr,
			"usage: sipreg_client -r host:port -u user "
			"[-p pw] [-P pw_prefix] [-d domain] "
			"[-e expires] [-n count] [-H hold_s] [-U] "
			"[-t timeout_s] [-l local] [-x] [-X rtx] "
			"[-R retry_s] [-D divider] [-M inflight] [-f] [-I] "
			"[-q] [-C ca_file] [-V] [-O] [-K options|register"
			"[:s]] [-Y] [-B] [-Z] [-W unreg_deadline_ms] "
			"[-S dns_servers] [-Q 0|1|2 (A, SRV, NAPTR)] "
			"[-w (random weights)]\n");
		return 2;
	}
	n = o.count > 0 ? o.count : 1;
	cbs = calloc(n, sizeof(*cbs));
	memset(&ecfg, 0, sizeof(ecfg));
	ecfg.local_addr = o.local;
	ecfg.user_agent = "gwagent-sipreg-client";
	ecfg.pace_off = true;
	ecfg.max_inflight = o.inflight;
	ecfg.logh = on_log;
	ecfg.log_arg = &o;
	ecfg.statush = on_status;
	ecfg.status_arg = &o;
	ecfg.tls_ca_file = o.ca_file;
	ecfg.dns_servers = o.dns_servers;
	ecfg.contact_host = o.contact_host[0] != '\0' ? o.contact_host : NULL;
	ecfg.contact_port = o.contact_port;
	ecfg.nat_contact_rewrite = o.nat_rewrite;
	ecfg.tls_verify = o.no_verify ? -1 : 0;
	if (cbs == NULL || sipreg_engine_create(&e, &ecfg) != 0) {
		fprintf(stderr, "engine: cannot create\n");
		return 1;
	}
	if (add_bindings(e, &o, cbs, n) != 0)
		return 1;
	o.t0 = now_ms();
	sipreg_engine_register_all(e);
	good = run_until(e, &o, SIPREG_REGISTERED, n,
			 o.t0 + o.timeout_s * 1000ull);
	treg = now_ms() - o.t0;
	ok = o.nstate[SIPREG_REGISTERED];
	if (o.interactive) {
		printf("holding\n");
		fflush(stdout);
		while (!poll_once(e, true))
			print_cands(&o);
	} else if (o.hold_s > 0) {
		run_until(e, &o, SIPREG_REGISTERED, 0,
			  now_ms() + o.hold_s * 1000ull);
	}
	if (good && o.unregister) {
		if (o.unreg_deadline_ms > 0)
			sipreg_engine_unregister_all_deadline(
				e, o.unreg_deadline_ms);
		else
			sipreg_engine_unregister_all(e);
		good = run_until(e, &o, SIPREG_UNREGISTERED, n,
				 now_ms() + o.timeout_s * 1000ull);
	}
	print_stats(e);
	printf("result ok=%u failed=%u registered_ms=%llu\n", ok, n - ok,
	       (unsigned long long)treg);
	sipreg_engine_destroy(e);
	free(cbs);
	return good && ok == n ? 0 : 1;
}
