/* SPDX-License-Identifier: ISC */
/*
 * Host names of proxy addresses, resolved without blocking through
 * c-ares (A and AAAA, /etc/hosts first), its sockets and timeouts driven
 * by the engine's poll loop.  One entry per name, shared by every
 * address that uses it and looked up again every dns_refresh_s
 * (ProxyIPListRefreshTime); a refresh that fails keeps the last good
 * answer.  Results are applied from a timer, never from inside c-ares'
 * callbacks (some run inside ares_getaddrinfo() itself).
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ares.h>

#include "sip/sip_int.h"

#define DNS_TIMEOUT_MS	1500 /* per try; two tries per server */
#define DNS_TRIES	2
#define DNS_MAX_ADDRS	8
#define DNS_DEF_REFRESH 60
#define DNS_RETRY_MS	1000 /* a failed name is asked again after this */

/* ARES_GETSOCK_READABLE/WRITABLE shift a signed int by up to 31 bits */
#define SOCK_READABLE(bits, i) (((unsigned)(bits) >> (i)) & 1u)
#define SOCK_WRITABLE(bits, i) \
	(((unsigned)(bits) >> ((i) + ARES_GETSOCK_MAXNUM)) & 1u)

struct sip_dns_entry {
	TAILQ_ENTRY(sip_dns_entry) entry;
	struct sip_dns *dns;
	char *name;
	unsigned refs;
	bool querying;
	bool done; /* a result waits for the done timer */
	bool ok;   /* the last lookup gave addresses */
	bool ever; /* a lookup finished at least once */
	union sip_sa addrs[DNS_MAX_ADDRS];
	size_t naddrs;
	char err[64];
	uint64_t when; /* engine clock of the last result */
};

TAILQ_HEAD(sip_dns_list, sip_dns_entry);

struct sip_dns {
	struct sipreg_engine *e;
	ares_channel ch;
	struct sip_dns_list entries;
	unsigned queries; /* lookups running */
	unsigned refresh_s;
	struct sip_tmr done_tmr;
	struct sip_tmr refresh_tmr;
};

/* ---- lookups ------------------------------------------------------------ */

/* The answer's addresses into d, if it has any. */
static void
take_nodes(struct sip_dns_entry *d, const struct ares_addrinfo *ai)
{
	const struct ares_addrinfo_node *n;
	union sip_sa got[DNS_MAX_ADDRS];
	size_t len, k = 0;
	int pass;

	/* IPv4 first (A, then AAAA): the UDP socket is usually IPv4 */
	for (pass = 0; pass < 2; pass++) {
		for (n = ai != NULL ? ai->nodes : NULL; n != NULL;
		     n = n->ai_next) {
			if (n->ai_family != (pass == 0 ? AF_INET : AF_INET6) ||
			    k == DNS_MAX_ADDRS)
				continue;
			len = n->ai_addrlen < sizeof(union sip_sa)
				      ? n->ai_addrlen
				      : sizeof(union sip_sa);
			memset(&got[k], 0, sizeof(got[k]));
			memcpy(&got[k], n->ai_addr, len);
			k++;
		}
	}
	if (k > 0) {
		memcpy(d->addrs, got, k * sizeof(got[0]));
		d->naddrs = k;
	}
}

static void
lookup_cb(void *arg, int status, int timeouts, struct ares_addrinfo *ai)
{
	struct sip_dns_entry *d = arg;
	struct sip_dns *dns = d->dns;

	(void)timeouts;
	if (status == ARES_EDESTRUCTION || status == ARES_ECANCELLED) {
		ares_freeaddrinfo(ai);
		return; /* the engine is going away */
	}
	dns->queries--;
	d->querying = false;
	if (status == ARES_SUCCESS)
		take_nodes(d, ai);
	if (status == ARES_SUCCESS && d->naddrs > 0) {
		d->ok = true;
		d->err[0] = '\0';
	} else if (!d->ok) {
		/* a failed refresh keeps the last good answer */
		d->ok = false;
		snprintf(d->err, sizeof(d->err), "%s",
			 status == ARES_SUCCESS ? "no address"
						: ares_strerror(status));
	}
	ares_freeaddrinfo(ai);
	d->ever = true;
	d->done = true;
	d->when = sip_engine_now(dns->e);
	sip_engine_arm(dns->e, &dns->done_tmr, 0);
}

static void
lookup(struct sip_dns_entry *d)
{
	struct ares_addrinfo_hints hints;

	if (d->querying)
		return;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	d->querying = true;
	d->dns->queries++;
	ares_getaddrinfo(d->dns->ch, d->name, NULL, &hints, lookup_cb, d);
}

static void
done_timer(struct sip_tmr *t)
{
	struct sip_dns *dns = SIP_CONTAINER(t, struct sip_dns, done_tmr);
	struct sip_dns_entry *d;

	TAILQ_FOREACH(d, &dns->entries, entry)
	{
		if (!d->done)
			continue;
		d->done = false;
		if (!d->ok)
			sip_engine_log(dns->e, SIP_LOG_INFO,
				       "cannot resolve %s: %s", d->name,
				       d->err);
		sip_engine_dns_done(dns->e, d);
	}
}

static void
refresh_timer(struct sip_tmr *t)
{
	struct sip_dns *dns = SIP_CONTAINER(t, struct sip_dns, refresh_tmr);
	struct sip_dns_entry *d;

	TAILQ_FOREACH(d, &dns->entries, entry)
	{
		if (d->refs > 0)
			lookup(d);
	}
	sip_engine_arm(dns->e, &dns->refresh_tmr,
		       (uint64_t)dns->refresh_s * 1000);
}

void
sip_dns_set_refresh(struct sipreg_engine *e, unsigned refresh_s)
{
	struct sip_dns *dns = e->dns;

	if (refresh_s == 0)
		refresh_s = DNS_DEF_REFRESH;
	if (dns == NULL || dns->refresh_s == refresh_s)
		return;
	dns->refresh_s = refresh_s;
	if (dns->refresh_tmr.slot != 0) /* names in use: the new period now */
		sip_engine_arm(e, &dns->refresh_tmr,
			       (uint64_t)refresh_s * 1000);
}

/* ---- engine interface --------------------------------------------------- */

int
sip_dns_create(struct sipreg_engine *e, unsigned refresh_s)
{
	static bool inited;
	struct ares_options opt;
	struct sip_dns *dns;
	int rc;

	if (!inited) {
		if (ares_library_init(ARES_LIB_INIT_ALL) != ARES_SUCCESS)
			return -ENOMEM;
		inited = true;
	}
	if ((dns = calloc(1, sizeof(*dns))) == NULL)
		return -ENOMEM;
	memset(&opt, 0, sizeof(opt));
	opt.timeout = DNS_TIMEOUT_MS;
	opt.tries = DNS_TRIES;
	rc = ares_init_options(&dns->ch, &opt,
			       ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES);
	if (rc != ARES_SUCCESS || sip_heap_reserve(&e->heap, 2) != 0) {
		if (rc == ARES_SUCCESS)
			ares_destroy(dns->ch);
		free(dns);
		return -ENOMEM;
	}
	dns->e = e;
	dns->refresh_s = refresh_s > 0 ? refresh_s : DNS_DEF_REFRESH;
	dns->done_tmr.h = done_timer;
	dns->refresh_tmr.h = refresh_timer;
	TAILQ_INIT(&dns->entries);
	e->dns = dns;
	return 0;
}

void
sip_dns_destroy(struct sipreg_engine *e)
{
	struct sip_dns *dns = e->dns;
	struct sip_dns_entry *d;

	if (dns == NULL)
		return;
	ares_destroy(dns->ch); /* callbacks get ARES_EDESTRUCTION */
	while ((d = TAILQ_FIRST(&dns->entries)) != NULL) {
		TAILQ_REMOVE(&dns->entries, d, entry);
		free(d->name);
		free(d);
	}
	sip_engine_cancel(e, &dns->done_tmr);
	sip_engine_cancel(e, &dns->refresh_tmr);
	sip_heap_release(&e->heap, 2);
	free(dns);
	e->dns = NULL;
}

struct sip_dns_entry *
sip_dns_get(struct sipreg_engine *e, const char *name)
{
	struct sip_dns *dns = e->dns;
	struct sip_dns_entry *d;

	TAILQ_FOREACH(d, &dns->entries, entry)
	{
		if (strcmp(d->name, name) == 0) {
			d->refs++;
			return d;
		}
	}
	if ((d = calloc(1, sizeof(*d))) == NULL ||
	    (d->name = strdup(name)) == NULL) {
		free(d);
		return NULL;
	}
	d->dns = dns;
	d->refs = 1;
	TAILQ_INSERT_TAIL(&dns->entries, d, entry);
	if (dns->refresh_tmr.slot == 0)
		sip_engine_arm(e, &dns->refresh_tmr,
			       (uint64_t)dns->refresh_s * 1000);
	lookup(d);
	return d;
}

void
sip_dns_put(struct sip_dns_entry *d)
{
	if (d != NULL && d->refs > 0)
		d->refs--; /* kept (cached) until the engine goes */
}

int
sip_dns_addr(struct sip_dns_entry *d, uint16_t port, union sip_sa *ss,
	     char *why, size_t size)
{
	if (d->ok && d->naddrs > 0) {
		*ss = d->addrs[0];
		if (ss->sa.sa_family == AF_INET)
			ss->in.sin_port = htons(port);
		else
			ss->in6.sin6_port = htons(port);
		return 0;
	}
	if (!d->ever || d->querying || d->done)
		return -EINPROGRESS;
	if (sip_engine_now(d->dns->e) - d->when >= DNS_RETRY_MS) {
		lookup(d); /* ask again before giving up */
		return -EINPROGRESS;
	}
	snprintf(why, size, "cannot resolve %s: %s", d->name, d->err);
	return -EHOSTUNREACH;
}

const char *
sip_dns_name(const struct sip_dns_entry *d)
{
	return d->name;
}

int
sip_dns_pollfds(const struct sipreg_engine *e, struct pollfd *fds, size_t nfds)
{
	ares_socket_t socks[ARES_GETSOCK_MAXNUM];
	size_t n = 0;
	int bits, i;

	if (e->dns == NULL || e->dns->queries == 0)
		return 0;
	bits = ares_getsock(e->dns->ch, socks, ARES_GETSOCK_MAXNUM);
	for (i = 0; i < ARES_GETSOCK_MAXNUM; i++) {
		short ev = 0;

		if (SOCK_READABLE(bits, i))
			ev |= POLLIN;
		if (SOCK_WRITABLE(bits, i))
			ev |= POLLOUT;
		if (ev == 0)
			continue;
		if (n < nfds) {
			fds[n].fd = socks[i];
			fds[n].events = ev;
			fds[n].revents = 0;
		}
		n++;
	}
	return (int)n;
}

int
sip_dns_io(struct sipreg_engine *e, int fd)
{
	ares_socket_t socks[ARES_GETSOCK_MAXNUM];
	int bits, i;

	if (e->dns == NULL || e->dns->queries == 0)
		return -ENOENT;
	bits = ares_getsock(e->dns->ch, socks, ARES_GETSOCK_MAXNUM);
	for (i = 0; i < ARES_GETSOCK_MAXNUM; i++) {
		if (socks[i] != fd ||
		    !(SOCK_READABLE(bits, i) || SOCK_WRITABLE(bits, i)))
			continue;
		ares_process_fd(e->dns->ch,
				SOCK_READABLE(bits, i) ? fd : ARES_SOCKET_BAD,
				SOCK_WRITABLE(bits, i) ? fd : ARES_SOCKET_BAD);
		return 0;
	}
	return -ENOENT;
}

int64_t
sip_dns_timeout(const struct sipreg_engine *e)
{
	struct timeval tv;

	if (e->dns == NULL || e->dns->queries == 0 ||
	    ares_timeout(e->dns->ch, NULL, &tv) == NULL)
		return -1;
	return (int64_t)tv.tv_sec * 1000 + (tv.tv_usec + 999) / 1000;
}

void
sip_dns_expire(struct sipreg_engine *e)
{
	if (e->dns != NULL && e->dns->queries > 0)
		ares_process_fd(e->dns->ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
}
