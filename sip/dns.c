/* SPDX-License-Identifier: ISC */
/*
 * Host names of proxy addresses, resolved without blocking through
 * c-ares, its sockets and timeouts driven by the engine's poll loop, as
 * RFC 3263 and AudioCodes' DNSQueryType say: A/AAAA (/etc/hosts first),
 * SRV (targets ordered by priority and weight, RFC 2782, each target's
 * A/AAAA in turn; no SRV record: A/AAAA of the name) or NAPTR (the best
 * supported SIP service, then its SRV; no NAPTR: SRV for the address's
 * transport).  Every resolved address is a candidate: the binding fails
 * over from one to the next.  One entry per name, query type and
 * transport, shared by every address that uses it and looked up again
 * every dns_refresh_s
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
#include <strings.h>

#include <ares.h>
#include <arpa/nameser.h>

#include "sip/sip_int.h"

#define DNS_TIMEOUT_MS 1500 /* per try; two tries per server */
#define DNS_TRIES      2
/* addresses kept per name: AudioCodes keeps up to 15 per proxy set */
#define DNS_MAX_ADDRS	15
#define DNS_MAX_HOSTS	4 /* SRV targets looked up (AudioCodes: four) */
#define DNS_DEF_REFRESH 60
#define DNS_RETRY_MS	1000 /* a failed name is asked again after this */
#define DNS_MIN_TTL_MS	1000 /* shorter TTLs count as this */

/* ARES_GETSOCK_READABLE/WRITABLE shift a signed int by up to 31 bits */
#define SOCK_READABLE(bits, i) (((unsigned)(bits) >> (i)) & 1u)
#define SOCK_WRITABLE(bits, i) \
	(((unsigned)(bits) >> ((i) + ARES_GETSOCK_MAXNUM)) & 1u)

/* One SRV target (or the name itself) being looked up. */
struct sip_dns_host {
	struct sip_dns_entry *d;
	char *name;
	uint16_t port; /* 0: the address's own port */
	enum sipreg_transport tp;
	unsigned priority, weight;
	union sip_sa addrs[DNS_MAX_ADDRS];
	size_t naddrs;
	size_t dropped; /* addresses past DNS_MAX_ADDRS */
	int ttl;	/* the shortest A/AAAA TTL, seconds */
	int status;
	bool via_srv; /* an SRV target */
};

struct sip_dns_entry {
	TAILQ_ENTRY(sip_dns_entry) entry;
	struct sip_dns *dns;
	char *name;
	enum sipreg_dns_query query;
	enum sipreg_transport tp; /* SRV service; NAPTR fallback */
	unsigned refs;
	bool querying;
	bool done;	/* a result waits for the done timer */
	bool ok;	/* the last lookup gave addresses */
	bool ever;	/* a lookup finished at least once */
	bool drop_told; /* addresses past DNS_MAX_ADDRS were logged */
	struct sip_dns_target tg[DNS_MAX_ADDRS];
	size_t ntg;
	/* the lookup in progress */
	struct sip_dns_host hosts[DNS_MAX_HOSTS];
	size_t nhosts;
	unsigned pending; /* host lookups running */
	char err[64];
	bool via_naptr;	  /* the lookup followed a NAPTR record */
	uint32_t rr_ttl;  /* the lookup's shortest NAPTR/SRV TTL, seconds */
	bool rr_ttl_set;  /* ... if it used such records */
	bool has_ttl;	  /* the last answer has a TTL: ttl_ms */
	uint64_t when;	  /* engine clock of the last result */
	uint64_t ok_when; /* ... of the last good answer (tg) */
	uint64_t due;	  /* looked up again then: TTL or refresh period */
	uint64_t ttl_ms;  /* the answer's shortest TTL of the records used */
};

/* When d is looked up again: its TTL (at least DNS_MIN_TTL_MS) or the
 * refresh period, the sooner. */
static uint64_t
entry_due(const struct sip_dns_entry *d, unsigned refresh_s)
{
	uint64_t life = (uint64_t)refresh_s * 1000;

	if (d->has_ttl && d->ttl_ms < life)
		life = d->ttl_ms < DNS_MIN_TTL_MS ? DNS_MIN_TTL_MS : d->ttl_ms;
	return d->when + life;
}

/* The lookup used NAPTR or SRV records of type in the answer m: their
 * shortest TTL counts too. */
static void
note_rr_ttl(struct sip_dns_entry *d, const unsigned char *m, int len,
	    unsigned type)
{
	uint32_t t;

	if (len <= 0 || sip_dns_answer_ttl(m, (size_t)len, type, &t) != 0)
		return; /* c-ares read it: no TTL, the refresh period */
	if (!d->rr_ttl_set || t < d->rr_ttl)
		d->rr_ttl = t;
	d->rr_ttl_set = true;
}

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

/* ---- ordering (RFC 2782, RFC 3403) -------------------------------------- */

void
sip_dns_srv_order(struct sip_srv_rec *v, size_t n, uint32_t (*rnd)(void *),
		  void *arg)
{
	struct sip_srv_rec t;
	size_t i, j, lo, hi;

	/* by priority, stable; weight 0 first within a priority */
	for (i = 1; i < n; i++) {
		t = v[i];
		for (j = i; j > 0 && (v[j - 1].priority > t.priority ||
				      (v[j - 1].priority == t.priority &&
				       v[j - 1].weight > 0 && t.weight == 0));
		     j--)
			v[j] = v[j - 1];
		v[j] = t;
	}
	for (lo = 0; lo < n; lo = hi) {
		for (hi = lo + 1; hi < n && v[hi].priority == v[lo].priority;
		     hi++)
			;
		/* pick each place of [lo, hi) by running weight sums */
		for (i = lo; i + 1 < hi; i++) {
			uint64_t sum = 0, r, run = 0;

			for (j = i; j < hi; j++)
				sum += v[j].weight;
			r = rnd != NULL ? rnd(arg) % (sum + 1) : 0;
			for (j = i; j < hi; j++) {
				run += v[j].weight;
				if (run >= r)
					break;
			}
			if (j >= hi)
				j = hi - 1;
			t = v[j];
			memmove(&v[i + 1], &v[i], (j - i) * sizeof(*v));
			v[i] = t;
		}
	}
}

static int
naptr_service(const char *svc, enum sipreg_transport *tp)
{
	if (strcasecmp(svc, "SIP+D2U") == 0)
		*tp = SIPREG_TP_UDP;
	else if (strcasecmp(svc, "SIP+D2T") == 0)
		*tp = SIPREG_TP_TCP;
	else if (strcasecmp(svc, "SIPS+D2T") == 0)
		*tp = SIPREG_TP_TLS;
	else
		return -ENOTSUP;
	return 0;
}

int
sip_dns_naptr_pick(const struct sip_naptr_rec *v, size_t n,
		   enum sipreg_transport *tp)
{
	enum sipreg_transport t;
	size_t i;
	int best = -1;

	for (i = 0; i < n; i++) {
		if (v[i].flags == NULL || strcasecmp(v[i].flags, "s") != 0 ||
		    v[i].service == NULL || v[i].replacement == NULL ||
		    v[i].replacement[0] == '\0' ||
		    naptr_service(v[i].service, &t) != 0)
			continue;
		if (best < 0 || v[i].order < v[best].order ||
		    (v[i].order == v[best].order &&
		     v[i].preference < v[best].preference)) {
			best = (int)i;
			*tp = t;
		}
	}
	return best >= 0 ? best : -ENOENT;
}

/* ---- TTLs of the answer (RFC 1035 §4.1) --------------------------------- */

#define DNS_HDR_LEN  12
#define DNS_NAME_MAX 255 /* RFC 1035 §3.1, the length on the wire */

/*
 * Step *off over the domain name at m[*off] (RFC 1035 §4.1.4): labels up
 * to a zero length or a compression pointer, which ends the name.  The
 * pointer is not followed (nothing here needs the name), so a loop of
 * pointers cannot hold the walker; a pointer must point back into the
 * message before itself, else the message is bad.
 */
static int
skip_name(const unsigned char *m, size_t len, size_t *off)
{
	size_t o = *off, wire = 0;

	for (;;) {
		unsigned l;

		if (o >= len)
			return -EBADMSG;
		l = m[o];
		if ((l & 0xc0) == 0xc0) {
			size_t to;

			if (len - o < 2)
				return -EBADMSG;
			to = ((size_t)(l & 0x3f) << 8) | m[o + 1];
			if (to < DNS_HDR_LEN || to >= o)
				return -EBADMSG;
			*off = o + 2;
			return 0;
		}
		if (l & 0xc0) /* 01 and 10: no such label type */
			return -EBADMSG;
		wire += l + 1;
		if (wire > DNS_NAME_MAX || len - o - 1 < l)
			return -EBADMSG;
		o += l + 1;
		if (l == 0) {
			*off = o;
			return 0;
		}
	}
}

static unsigned
get16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

int
sip_dns_answer_ttl(const unsigned char *m, size_t len, unsigned type,
		   uint32_t *ttl)
{
	size_t off = DNS_HDR_LEN;
	unsigned qd, an, i;
	bool found = false;

	if (m == NULL || len < DNS_HDR_LEN)
		return -EBADMSG;
	qd = get16(m + 4);
	an = get16(m + 6);
	for (i = 0; i < qd; i++) { /* QNAME, QTYPE, QCLASS */
		if (skip_name(m, len, &off) != 0 || len - off < 4)
			return -EBADMSG;
		off += 4;
	}
	for (i = 0; i < an; i++) { /* NAME, TYPE, CLASS, TTL, RDLENGTH */
		unsigned rtype, rclass, rdlen;
		uint32_t t;

		if (skip_name(m, len, &off) != 0 || len - off < 10)
			return -EBADMSG;
		rtype = get16(m + off);
		rclass = get16(m + off + 2);
		t = (uint32_t)m[off + 4] << 24 | (uint32_t)m[off + 5] << 16 |
		    (uint32_t)m[off + 6] << 8 | m[off + 7];
		rdlen = get16(m + off + 8);
		off += 10;
		if (len - off < rdlen)
			return -EBADMSG;
		off += rdlen;
		if (rtype != type || rclass != ns_c_in)
			continue;
		if (t > INT32_MAX) /* RFC 2181 §8: the top bit set is 0 */
			t = 0;
		if (!found || t < *ttl)
			*ttl = t;
		found = true;
	}
	return found ? 0 : -ENOENT;
}

/* ---- lookups ------------------------------------------------------------ */

static void rearm(struct sip_dns *dns);

static uint32_t
engine_rand(void *arg)
{
	return sip_engine_rand(arg);
}

/* The lookup ended: the targets, in order, if there are any. */
static void
finish(struct sip_dns_entry *d, int status)
{
	struct sip_dns *dns = d->dns;
	struct sip_dns_target got[DNS_MAX_ADDRS];
	bool has_ttl = d->rr_ttl_set;
	uint64_t ttl = (uint64_t)d->rr_ttl * 1000;
	size_t h, i, k = 0, dropped = 0;

	for (h = 0; h < d->nhosts; h++) {
		struct sip_dns_host *x = &d->hosts[h];

		dropped += x->dropped;
		if (x->naddrs > DNS_MAX_ADDRS - k)
			dropped += x->naddrs - (DNS_MAX_ADDRS - k);

		if (x->status != ARES_SUCCESS && status == ARES_SUCCESS)
			status = x->status; /* the reason, if none resolves */
		/* hosts-file answers have no TTL (0) */
		if (x->naddrs > 0 && x->ttl > 0 &&
		    (!has_ttl || (uint64_t)x->ttl * 1000 < ttl)) {
			ttl = (uint64_t)x->ttl * 1000;
			has_ttl = true;
		}
		for (i = 0; i < x->naddrs && k < DNS_MAX_ADDRS; i++, k++) {
			struct sip_dns_target *g = &got[k];

			g->ss = x->addrs[i];
			g->port = x->port;
			g->tp = x->tp;
			g->priority = x->priority;
			g->weight = x->weight;
			g->first = i == 0;
			g->has_ttl = d->rr_ttl_set || x->ttl > 0;
			g->ttl = d->rr_ttl_set ? d->rr_ttl : UINT32_MAX;
			if (x->ttl > 0 && (uint32_t)x->ttl < g->ttl)
				g->ttl = (uint32_t)x->ttl;
			g->rr = x->via_srv ? (d->via_naptr ? SIPREG_RR_NAPTR
							   : SIPREG_RR_SRV)
				: g->ss.sa.sa_family == AF_INET
					? SIPREG_RR_A
					: SIPREG_RR_AAAA;
			snprintf(g->name, sizeof(g->name), "%s", x->name);
		}
		free(x->name);
		x->name = NULL;
	}
	d->nhosts = 0;
	d->querying = false;
	dns->queries--;
	if (dropped > 0) {
		dns->e->stats.dns_dropped += dropped;
		if (!d->drop_told)
			sip_engine_log(dns->e, SIP_LOG_WARN,
				       "%s: %zu address(es) past the first %d "
				       "ignored",
				       d->name, dropped, DNS_MAX_ADDRS);
		d->drop_told = true;
	}
	if (k > 0) {
		memcpy(d->tg, got, k * sizeof(got[0]));
		d->ntg = k;
		d->ok = true;
		d->err[0] = '\0';
	} else if (!d->ok) {
		/* a failed refresh keeps the last good answer */
		snprintf(d->err, sizeof(d->err), "%s",
			 status == ARES_SUCCESS ? "no address"
						: ares_strerror(status));
	}
	d->ever = true;
	d->done = true;
	d->when = sip_engine_now(dns->e);
	if (k > 0) {
		d->ok_when = d->when;
		d->ttl_ms = ttl;
		d->has_ttl = has_ttl;
	}
	d->due = entry_due(d, dns->refresh_s);
	sip_engine_arm(dns->e, &dns->done_tmr, 0);
	rearm(dns);
}

/* The answer's addresses into x: IPv4 first (A, then AAAA). */
static void
take_nodes(struct sip_dns_host *x, const struct ares_addrinfo *ai)
{
	const struct ares_addrinfo_node *n;
	size_t len;
	int pass;

	x->naddrs = 0;
	x->dropped = 0;
	x->ttl = -1;
	for (pass = 0; pass < 2; pass++) {
		for (n = ai != NULL ? ai->nodes : NULL; n != NULL;
		     n = n->ai_next) {
			if (n->ai_family != (pass == 0 ? AF_INET : AF_INET6))
				continue;
			if (x->naddrs == DNS_MAX_ADDRS) {
				x->dropped++;
				continue;
			}
			len = n->ai_addrlen < sizeof(union sip_sa)
				      ? n->ai_addrlen
				      : sizeof(union sip_sa);
			memset(&x->addrs[x->naddrs], 0, sizeof(union sip_sa));
			memcpy(&x->addrs[x->naddrs], n->ai_addr, len);
			x->naddrs++;
			if (x->ttl < 0 || n->ai_ttl < x->ttl)
				x->ttl = n->ai_ttl;
		}
	}
}

static void
host_cb(void *arg, int status, int timeouts, struct ares_addrinfo *ai)
{
	struct sip_dns_host *x = arg;

	(void)timeouts;
	if (status == ARES_EDESTRUCTION || status == ARES_ECANCELLED) {
		ares_freeaddrinfo(ai);
		return; /* the engine is going away */
	}
	x->status = status;
	if (status == ARES_SUCCESS)
		take_nodes(x, ai);
	ares_freeaddrinfo(ai);
	if (--x->d->pending == 0)
		finish(x->d, ARES_SUCCESS);
}

/* Look up the A/AAAA records of the hosts set up in d. */
static void
lookup_hosts(struct sip_dns_entry *d)
{
	struct ares_addrinfo_hints hints;
	size_t h, n = d->nhosts;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	d->pending = (unsigned)n;
	/* a callback may run inside ares_getaddrinfo(): count first */
	for (h = 0; h < n; h++)
		ares_getaddrinfo(d->dns->ch, d->hosts[h].name, NULL, &hints,
				 host_cb, &d->hosts[h]);
}

/* One host to look up: the name itself (port 0) or an SRV target. */
static int
add_host(struct sip_dns_entry *d, const char *name, uint16_t port,
	 enum sipreg_transport tp)
{
	struct sip_dns_host *x;

	if (d->nhosts >= DNS_MAX_HOSTS)
		return -ENOSPC;
	x = &d->hosts[d->nhosts];
	memset(x, 0, sizeof(*x));
	if ((x->name = strdup(name)) == NULL)
		return -ENOMEM;
	x->d = d;
	x->port = port;
	x->tp = tp;
	d->nhosts++;
	return 0;
}

/* No SRV (or a broken answer): A/AAAA of the name, the address's port. */
static void
lookup_plain(struct sip_dns_entry *d, int status)
{
	if (add_host(d, d->name, 0, d->tp) != 0) {
		finish(d, status != ARES_SUCCESS ? status : ARES_ENOMEM);
		return;
	}
	lookup_hosts(d);
}

static void
srv_cb(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
	struct sip_dns_host *q = arg; /* hosts[0] names the SRV query */
	struct sip_dns_entry *d = q->d;
	struct ares_srv_reply *reply = NULL, *r;
	struct sip_srv_rec v[DNS_MAX_ADDRS];
	enum sipreg_transport tp = q->tp;
	size_t n = 0, i;

	(void)timeouts;
	if (status == ARES_EDESTRUCTION || status == ARES_ECANCELLED)
		return;
	free(q->name);
	q->name = NULL;
	d->nhosts = 0;
	if (status == ARES_SUCCESS)
		status = ares_parse_srv_reply(abuf, alen, &reply);
	for (r = reply;
	     status == ARES_SUCCESS && r != NULL && n < DNS_MAX_ADDRS;
	     r = r->next) {
		if (r->host == NULL || strcmp(r->host, ".") == 0 ||
		    r->host[0] == '\0')
			continue; /* "." says: no such service */
		v[n].priority = r->priority;
		v[n].weight = r->weight;
		v[n].port = r->port;
		v[n].host = r->host;
		n++;
	}
	if (n == 0) {
		ares_free_data(reply);
		lookup_plain(d, status);
		return;
	}
	note_rr_ttl(d, abuf, alen, ns_t_srv);
	sip_dns_srv_order(v, n, engine_rand, d->dns->e);
	for (i = 0; i < n && d->nhosts < DNS_MAX_HOSTS; i++) {
		if (add_host(d, v[i].host, v[i].port, tp) != 0)
			break;
		d->hosts[d->nhosts - 1].priority = v[i].priority;
		d->hosts[d->nhosts - 1].weight = v[i].weight;
		d->hosts[d->nhosts - 1].via_srv = true;
	}
	ares_free_data(reply);
	if (d->nhosts == 0) {
		finish(d, ARES_ENOMEM);
		return;
	}
	lookup_hosts(d);
}

static const char *
srv_prefix(enum sipreg_transport tp)
{
	return tp == SIPREG_TP_TLS   ? "_sips._tcp."
	       : tp == SIPREG_TP_TCP ? "_sip._tcp."
				     : "_sip._udp.";
}

/* The SRV query for name (a full SRV name when full). */
static void
lookup_srv(struct sip_dns_entry *d, const char *name, bool full,
	   enum sipreg_transport tp)
{
	struct sip_dns_host *q = &d->hosts[0];
	char buf[300];

	if (full)
		snprintf(buf, sizeof(buf), "%s", name);
	else
		snprintf(buf, sizeof(buf), "%s%s", srv_prefix(tp), name);
	memset(q, 0, sizeof(*q));
	q->d = d;
	q->tp = tp;
	d->nhosts = 0; /* hosts[0] is the query until the answer */
	ares_query(d->dns->ch, buf, ns_c_in, ns_t_srv, srv_cb, q);
}

static void
naptr_cb(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
	struct sip_dns_entry *d = arg;
	struct ares_naptr_reply *reply = NULL, *r;
	struct sip_naptr_rec v[16];
	enum sipreg_transport tp = d->tp;
	char name[256] = "";
	size_t n = 0;
	int best;

	(void)timeouts;
	if (status == ARES_EDESTRUCTION || status == ARES_ECANCELLED)
		return;
	if (status == ARES_SUCCESS)
		status = ares_parse_naptr_reply(abuf, alen, &reply);
	for (r = reply; status == ARES_SUCCESS && r != NULL && n < 16;
	     r = r->next, n++) {
		v[n].order = r->order;
		v[n].preference = r->preference;
		v[n].flags = (const char *)r->flags;
		v[n].service = (const char *)r->service;
		v[n].replacement = r->replacement;
	}
	best = sip_dns_naptr_pick(v, n, &tp);
	if (best >= 0) {
		snprintf(name, sizeof(name), "%s", v[best].replacement);
		note_rr_ttl(d, abuf, alen, ns_t_naptr);
		d->via_naptr = true;
	}
	ares_free_data(reply);
	if (best >= 0)
		lookup_srv(d, name, true, tp);
	else /* no usable NAPTR: SRV for the address's transport */
		lookup_srv(d, d->name, false, d->tp);
}

static void
lookup(struct sip_dns_entry *d)
{
	if (d->querying)
		return;
	d->querying = true;
	d->dns->queries++;
	d->nhosts = 0;
	d->rr_ttl_set = false;
	d->via_naptr = false;
	switch (d->query) {
	case SIPREG_DNS_NAPTR:
		ares_query(d->dns->ch, d->name, ns_c_in, ns_t_naptr, naptr_cb,
			   d);
		break;
	case SIPREG_DNS_SRV:
		lookup_srv(d, d->name, false, d->tp);
		break;
	default:
		lookup_plain(d, ARES_SUCCESS);
		break;
	}
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
	uint64_t now = sip_engine_now(dns->e);
	struct sip_dns_entry *d;

	TAILQ_FOREACH(d, &dns->entries, entry)
	{
		if (d->refs > 0 && d->due <= now)
			lookup(d);
	}
	rearm(dns);
}

/* The refresh timer at the first entry in use that is due (TTL or
 * refresh period), or a refresh period away. */
static void
rearm(struct sip_dns *dns)
{
	uint64_t now = sip_engine_now(dns->e);
	uint64_t next = now + (uint64_t)dns->refresh_s * 1000;
	struct sip_dns_entry *d;

	TAILQ_FOREACH(d, &dns->entries, entry)
	{
		if (d->refs > 0 && !d->querying && d->due < next)
			next = d->due;
	}
	sip_engine_arm(dns->e, &dns->refresh_tmr, next > now ? next - now : 0);
}

void
sip_dns_set_refresh(struct sipreg_engine *e, unsigned refresh_s)
{
	struct sip_dns *dns = e->dns;
	struct sip_dns_entry *d;

	if (refresh_s == 0)
		refresh_s = DNS_DEF_REFRESH;
	if (dns == NULL || dns->refresh_s == refresh_s)
		return;
	dns->refresh_s = refresh_s;
	TAILQ_FOREACH(d, &dns->entries, entry)
	{
		if (d->ever)
			d->due = entry_due(d, refresh_s);
	}
	if (dns->refresh_tmr.slot != 0) /* names in use: the new period now */
		rearm(dns);
}

/* ---- engine interface --------------------------------------------------- */

int
sip_dns_create(struct sipreg_engine *e, unsigned refresh_s, const char *servers)
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
	if (servers != NULL && *servers != '\0' &&
	    ares_set_servers_ports_csv(dns->ch, servers) != ARES_SUCCESS) {
		ares_destroy(dns->ch);
		sip_heap_release(&e->heap, 2);
		free(dns);
		return -EINVAL;
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
		size_t h;

		TAILQ_REMOVE(&dns->entries, d, entry);
		for (h = 0; h < DNS_MAX_HOSTS; h++)
			free(d->hosts[h].name);
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
sip_dns_get(struct sipreg_engine *e, const char *name,
	    enum sipreg_dns_query query, enum sipreg_transport tp)
{
	struct sip_dns *dns = e->dns;
	struct sip_dns_entry *d;

	if ((unsigned)query > SIPREG_DNS_NAPTR)
		query = SIPREG_DNS_A;
	TAILQ_FOREACH(d, &dns->entries, entry)
	{
		if (strcmp(d->name, name) == 0 && d->query == query &&
		    (query == SIPREG_DNS_A || d->tp == tp)) {
			d->refs++;
			if (d->ever && d->due <= sip_engine_now(e))
				lookup(d); /* cached, gone stale */
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
	d->query = query;
	d->tp = tp;
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

size_t
sip_dns_pick(const struct sip_dns_entry *d)
{
	uint64_t sum = 0, run = 0, r;
	size_t i;

	if (!d->ok || d->ntg < 2 || d->query == SIPREG_DNS_A)
		return 0;
	for (i = 0; i < d->ntg; i++)
		if (d->tg[i].first && d->tg[i].priority == d->tg[0].priority)
			sum += d->tg[i].weight;
	r = sip_engine_rand(d->dns->e) % (sum + 1);
	for (i = 0; i < d->ntg; i++) {
		if (!d->tg[i].first || d->tg[i].priority != d->tg[0].priority)
			continue;
		run += d->tg[i].weight;
		if (run >= r)
			return i;
	}
	return 0;
}

void
sip_dns_follow(struct sip_addr *a)
{
	union sip_sa x;
	size_t i, n;
	char why[8];

	if (a->dns == NULL || (n = sip_dns_count(a->dns)) == 0)
		return;
	if (a->resolved)
		for (i = 0; i < n; i++)
			if (sip_dns_addr(a->dns, i, a->port, &x, NULL, why,
					 sizeof(why)) == 0 &&
			    sip_addr_equal(&x, &a->ss)) {
				a->sel = i;
				return;
			}
	if (a->sel >= n)
		a->sel = 0;
}

size_t
sip_dns_count(const struct sip_dns_entry *d)
{
	return d->ok ? d->ntg : 0;
}

int
sip_dns_addr(struct sip_dns_entry *d, size_t idx, uint16_t port,
	     union sip_sa *ss, enum sipreg_transport *tp, char *why,
	     size_t size)
{
	if (d->ok && d->ntg > 0) {
		const struct sip_dns_target *t = &d->tg[idx % d->ntg];

		*ss = t->ss;
		if (t->port != 0)
			port = t->port; /* SRV */
		if (ss->sa.sa_family == AF_INET)
			ss->in.sin_port = htons(port);
		else
			ss->in6.sin6_port = htons(port);
		if (tp != NULL && d->query == SIPREG_DNS_NAPTR)
			*tp = t->tp;
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

const struct sip_dns_target *
sip_dns_target(const struct sip_dns_entry *d, size_t idx, uint64_t *age_ms)
{
	if (!d->ok || idx >= d->ntg)
		return NULL;
	*age_ms = sip_engine_now(d->dns->e) - d->ok_when;
	return &d->tg[idx];
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
