/* SPDX-License-Identifier: ISC */
/*
 * UDP transport: one non-blocking socket per engine, plus address
 * helpers.  Names are not resolved (that would block): numeric
 * addresses and "localhost" only, until a non-blocking resolver exists.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "sip/sip_int.h"

#define LOCAL_CACHE 8

struct sip_udp {
	int fd;
	int family;
	uint16_t port; /* bound port, host order */
	/* route lookups (a scratch socket each) cached per destination */
	struct {
		union sip_sa to, local;
	} cache[LOCAL_CACHE];
	unsigned ncache, next;
};

int
sip_addr_resolve(const char *host, uint16_t port, union sip_sa *ss)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	char buf[INET6_ADDRSTRLEN + 2];
	size_t len;

	if (host == NULL || (len = strlen(host)) == 0 || len >= sizeof(buf))
		return -EINVAL;
	memset(ss, 0, sizeof(*ss));
	if (strcasecmp(host, "localhost") == 0)
		host = "127.0.0.1";
	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		return 0;
	}
	if (host[0] == '[' && host[len - 1] == ']') {
		memcpy(buf, host + 1, len - 2);
		buf[len - 2] = '\0';
		host = buf;
	}
	if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		return 0;
	}
	return -ENOTSUP; /* a name: needs DNS */
}

uint16_t
sip_addr_port(const union sip_sa *ss)
{
	if (ss->sa.sa_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)ss)->sin_port);
	if (ss->sa.sa_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	return 0;
}

/* Decimal v into p, returns the end (inet_ntop and snprintf are slow). */
static char *
put_dec(char *p, unsigned v)
{
	char tmp[10];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	while (n > 0)
		*p++ = tmp[--n];
	return p;
}

static void
format_v4(const struct sockaddr_in *in, char *buf, size_t size, bool with_port)
{
	const unsigned char *a = (const unsigned char *)&in->sin_addr;
	char tmp[24], *p = tmp;
	size_t n;
	int i;

	for (i = 0; i < 4; i++) {
		p = put_dec(p, a[i]);
		*p++ = i < 3 ? '.' : '\0';
	}
	if (with_port) {
		p[-1] = ':';
		p = put_dec(p, ntohs(in->sin_port));
		*p++ = '\0';
	}
	n = (size_t)(p - tmp);
	if (n > size)
		n = size;
	memcpy(buf, tmp, n);
	buf[n - 1] = '\0';
}

void
sip_addr_format(const union sip_sa *ss, char *buf, size_t size, bool with_port)
{
	char ip[INET6_ADDRSTRLEN] = "";

	if (size == 0)
		return;
	if (ss->sa.sa_family == AF_INET) {
		format_v4(&ss->in, buf, size, with_port);
		return;
	}
	if (ss->sa.sa_family != AF_INET6) {
		buf[0] = '\0';
		return;
	}
	inet_ntop(AF_INET6, &ss->in6.sin6_addr, ip, sizeof(ip));
	if (with_port)
		snprintf(buf, size, "[%s]:%u", ip, (unsigned)sip_addr_port(ss));
	else
		snprintf(buf, size, "[%s]", ip);
}

socklen_t
sip_addr_len(const union sip_sa *ss)
{
	return ss->sa.sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
					    : sizeof(struct sockaddr_in);
}

bool
sip_addr_equal(const union sip_sa *a, const union sip_sa *b)
{
	if (a->sa.sa_family != b->sa.sa_family)
		return false;
	if (a->sa.sa_family == AF_INET)
		return a->in.sin_port == b->in.sin_port &&
		       a->in.sin_addr.s_addr == b->in.sin_addr.s_addr;
	if (a->sa.sa_family == AF_INET6)
		return a->in6.sin6_port == b->in6.sin6_port &&
		       memcmp(&a->in6.sin6_addr, &b->in6.sin6_addr,
			      sizeof(a->in6.sin6_addr)) == 0;
	return false;
}

/*
 * Thousands of bindings answered at once overflow the default ~200 KB
 * receive buffer (baresip loses replies that way): ask for more, best
 * effort (the kernel caps it at net.core.rmem_max).
 */
static void
size_buffers(int fd)
{
	int sz = 4 * 1024 * 1024;

	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
}

int
sip_udp_create(void **ctx, const char *addr, uint16_t port)
{
	union sip_sa ss;
	socklen_t sl = sizeof(ss);
	struct sip_udp *u;
	int rc, fd;

	if ((rc = sip_addr_resolve(addr != NULL ? addr : "0.0.0.0", port,
				   &ss)) != 0)
		return rc == -ENOTSUP ? -EINVAL : rc;
	fd = socket(ss.sa.sa_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (fd < 0)
		return -errno;
	/* "::" serves both families: IPv4 peers as v4-mapped addresses */
	if (ss.sa.sa_family == AF_INET6 &&
	    IN6_IS_ADDR_UNSPECIFIED(&ss.in6.sin6_addr)) {
		int off = 0;

		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off,
				 sizeof(off));
	}
	if (bind(fd, (struct sockaddr *)&ss, sip_addr_len(&ss)) != 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &sl) != 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	size_buffers(fd);
	if ((u = calloc(1, sizeof(*u))) == NULL) {
		close(fd);
		return -ENOMEM;
	}
	u->fd = fd;
	u->family = ss.sa.sa_family;
	u->port = sip_addr_port(&ss);
	*ctx = u;
	return 0;
}

/* An IPv4 peer as the v4-mapped address a dual-stack socket takes. */
static void
map4(const union sip_sa *to, union sip_sa *m)
{
	memset(m, 0, sizeof(*m));
	m->in6.sin6_family = AF_INET6;
	m->in6.sin6_port = to->in.sin_port;
	m->in6.sin6_addr.s6_addr[10] = 0xff;
	m->in6.sin6_addr.s6_addr[11] = 0xff;
	memcpy(&m->in6.sin6_addr.s6_addr[12], &to->in.sin_addr, 4);
}

/* A v4-mapped source back to plain IPv4 (what bindings compare with). */
static void
unmap4(union sip_sa *from)
{
	struct sockaddr_in in;

	if (from->sa.sa_family != AF_INET6 ||
	    !IN6_IS_ADDR_V4MAPPED(&from->in6.sin6_addr))
		return;
	memset(&in, 0, sizeof(in));
	in.sin_family = AF_INET;
	in.sin_port = from->in6.sin6_port;
	memcpy(&in.sin_addr, &from->in6.sin6_addr.s6_addr[12], 4);
	memset(from, 0, sizeof(*from));
	from->in = in;
}

static int
udp_send(void *ctx, const char *buf, size_t len, const union sip_sa *to)
{
	struct sip_udp *u = ctx;
	union sip_sa m;

	if (u->family == AF_INET6 && to->sa.sa_family == AF_INET) {
		map4(to, &m);
		to = &m;
	}
	if (sendto(u->fd, buf, len, 0, (const struct sockaddr *)to,
		   sip_addr_len(to)) < 0)
		return -errno;
	return 0;
}

static bool
cache_get(struct sip_udp *u, const union sip_sa *to, union sip_sa *local)
{
	unsigned i;

	for (i = 0; i < u->ncache; i++) {
		if (sip_addr_equal(&u->cache[i].to, to)) {
			*local = u->cache[i].local;
			return true;
		}
	}
	return false;
}

static void
cache_put(struct sip_udp *u, const union sip_sa *to, const union sip_sa *local)
{
	unsigned i = u->next++ % LOCAL_CACHE;

	u->cache[i].to = *to;
	u->cache[i].local = *local;
	if (u->ncache < LOCAL_CACHE)
		u->ncache++;
}

/* The kernel's route choice, without sending: connect a scratch socket. */
static int
udp_local_addr(void *ctx, const union sip_sa *to, union sip_sa *local)
{
	struct sip_udp *u = ctx;
	socklen_t sl = sizeof(*local);
	int fd, rc = 0;

	if (cache_get(u, to, local))
		return 0;
	if ((fd = socket(to->sa.sa_family, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return -errno;
	if (connect(fd, (const struct sockaddr *)to, sip_addr_len(to)) != 0 ||
	    getsockname(fd, (struct sockaddr *)local, &sl) != 0)
		rc = -errno;
	close(fd);
	if (rc == 0 && local->sa.sa_family == AF_INET)
		((struct sockaddr_in *)local)->sin_port = htons(u->port);
	else if (rc == 0)
		((struct sockaddr_in6 *)local)->sin6_port = htons(u->port);
	if (rc == 0)
		cache_put(u, to, local);
	return rc;
}

static int
udp_fd(void *ctx)
{
	return ((struct sip_udp *)ctx)->fd;
}

static int
udp_recv(void *ctx, char *buf, size_t size, union sip_sa *from)
{
	struct sip_udp *u = ctx;
	socklen_t sl = sizeof(*from);
	ssize_t n;

	n = recvfrom(u->fd, buf, size, MSG_DONTWAIT, (struct sockaddr *)from,
		     &sl);
	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	unmap4(from);
	return (int)n;
}

static void
udp_destroy(void *ctx)
{
	struct sip_udp *u = ctx;

	if (u == NULL)
		return;
	close(u->fd);
	free(u);
}

const struct sip_transport_ops sip_udp_ops = {
	.send = udp_send,
	.local_addr = udp_local_addr,
	.fd = udp_fd,
	.recv = udp_recv,
	.destroy = udp_destroy,
};
