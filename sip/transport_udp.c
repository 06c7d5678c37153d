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

struct sip_udp {
	int fd;
	int family;
	uint16_t port; /* bound port, host order */
};

int
sip_addr_resolve(const char *host, uint16_t port, struct sockaddr_storage *ss)
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
sip_addr_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)ss)->sin_port);
	if (ss->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	return 0;
}

void
sip_addr_format(const struct sockaddr_storage *ss, char *buf, size_t size,
		bool with_port)
{
	char ip[INET6_ADDRSTRLEN] = "";
	bool v6 = ss->ss_family == AF_INET6;

	if (ss->ss_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr,
			  ip, sizeof(ip));
	else if (v6)
		inet_ntop(AF_INET6,
			  &((const struct sockaddr_in6 *)ss)->sin6_addr, ip,
			  sizeof(ip));
	if (with_port)
		snprintf(buf, size, v6 ? "[%s]:%u" : "%s:%u", ip,
			 (unsigned)sip_addr_port(ss));
	else
		snprintf(buf, size, v6 ? "[%s]" : "%s", ip);
}

static socklen_t
ss_len(const struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
					 : sizeof(struct sockaddr_in);
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
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	struct sip_udp *u;
	int rc, fd;

	if ((rc = sip_addr_resolve(addr != NULL ? addr : "0.0.0.0", port,
				   &ss)) != 0)
		return rc == -ENOTSUP ? -EINVAL : rc;
	fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&ss, ss_len(&ss)) != 0 ||
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
	u->family = ss.ss_family;
	u->port = sip_addr_port(&ss);
	*ctx = u;
	return 0;
}

static int
udp_send(void *ctx, const char *buf, size_t len,
	 const struct sockaddr_storage *to)
{
	struct sip_udp *u = ctx;

	if (sendto(u->fd, buf, len, 0, (const struct sockaddr *)to,
		   ss_len(to)) < 0)
		return -errno;
	return 0;
}

/* The kernel's route choice, without sending: connect a scratch socket. */
static int
udp_local_addr(void *ctx, const struct sockaddr_storage *to,
	       struct sockaddr_storage *local)
{
	struct sip_udp *u = ctx;
	socklen_t sl = sizeof(*local);
	int fd, rc = 0;

	if ((fd = socket(to->ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return -errno;
	if (connect(fd, (const struct sockaddr *)to, ss_len(to)) != 0 ||
	    getsockname(fd, (struct sockaddr *)local, &sl) != 0)
		rc = -errno;
	close(fd);
	if (rc == 0 && local->ss_family == AF_INET)
		((struct sockaddr_in *)local)->sin_port = htons(u->port);
	else if (rc == 0)
		((struct sockaddr_in6 *)local)->sin6_port = htons(u->port);
	return rc;
}

static int
udp_fd(void *ctx)
{
	return ((struct sip_udp *)ctx)->fd;
}

static int
udp_recv(void *ctx, char *buf, size_t size, struct sockaddr_storage *from)
{
	struct sip_udp *u = ctx;
	socklen_t sl = sizeof(*from);
	ssize_t n;

	n = recvfrom(u->fd, buf, size, MSG_DONTWAIT, (struct sockaddr *)from,
		     &sl);
	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
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
