/* SPDX-License-Identifier: ISC */
/*
 * TCP and TLS connections: one per destination (address, port and
 * transport), shared by every binding that registers there, opened on
 * the first send and opened again after a loss.  Everything is
 * non-blocking and driven by the engine's poll loop: connect() and the
 * TLS handshake progress in sip_stream_io(), output waits in a buffer
 * while they run, and input is cut into messages by sip_frame_parse().
 *
 * A connection that no binding registers through, no keep-alive probes
 * and nothing was sent or received on for conn_idle_s is closed (after a
 * failover away from an address, say); one that carries a registration
 * stays open for the registrar's requests.
 *
 * A lost connection fails the transactions that ran on it (the same
 * transport-error path as a failed UDP send: failover, backoff) and
 * lets the bindings registered through it re-register
 * (sip_engine_conn_lost).  Failures found while sending happen inside
 * libosip2's send callback, so they are reported from a zero-delay timer
 * instead.
 */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "sip/sip_int.h"

#define CONN_OUT_MAX	(4u * 1024 * 1024) /* queued output per connection */
#define CONN_TIMEOUT_MS SIP_TR_TIMEOUT_MS  /* connect + handshake */
#define CONN_READS	64		   /* reads per readiness report */
#define CONN_READ_CHUNK 16384

enum conn_state {
	CONN_CONNECTING,
	CONN_HANDSHAKE,
	CONN_OPEN,
	CONN_FAILED, /* waiting for its timer to report the loss */
};

struct sip_conn {
	TAILQ_ENTRY(sip_conn) entry;
	struct sipreg_engine *e;
	union sip_sa peer;
	union sip_sa local;
	enum sipreg_transport tp;
	enum conn_state state;
	int fd;
	SSL *ssl;
	bool ssl_wants_write;
	char *out;
	size_t outlen, outcap;
	char *in;
	size_t inlen, incap;
	struct sip_tmr tmr; /* connect deadline, or the deferred failure */
	uint64_t id;	    /* which transactions went out on it */
	uint64_t last_ms;   /* last message sent or received */
	unsigned long nin;  /* messages received on it */
	char why[96];
};

/* ---- TLS context -------------------------------------------------------- */

static void
tls_error(char *buf, size_t size, const char *what)
{
	unsigned long err = ERR_get_error();
	char msg[128] = "";

	if (err != 0)
		ERR_error_string_n(err, msg, sizeof(msg));
	snprintf(buf, size, "TLS: %s%s%s", what, msg[0] ? ": " : "", msg);
	ERR_clear_error();
}

static int
tls_load(struct sipreg_engine *e, SSL_CTX *ctx)
{
	const char *key = e->tls_key != NULL ? e->tls_key : e->tls_cert;

	if (e->tls_ca != NULL) {
		if (SSL_CTX_load_verify_locations(ctx, e->tls_ca, NULL) != 1) {
			tls_error(e->tls_err, sizeof(e->tls_err),
				  "cannot load the CA file");
			return -EINVAL;
		}
	} else if (SSL_CTX_set_default_verify_paths(ctx) != 1) {
		tls_error(e->tls_err, sizeof(e->tls_err),
			  "no default CA paths");
		return -EINVAL;
	}
	if (e->tls_cert == NULL)
		return 0;
	if (SSL_CTX_use_certificate_chain_file(ctx, e->tls_cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		tls_error(e->tls_err, sizeof(e->tls_err),
			  "cannot load the client certificate");
		return -EINVAL;
	}
	return 0;
}

/* The client context, made on first use; NULL with e->tls_err set. */
static SSL_CTX *
tls_ctx(struct sipreg_engine *e)
{
	SSL_CTX *ctx;

	if (e->tls_ctx != NULL)
		return e->tls_ctx;
	ERR_clear_error();
	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL) {
		tls_error(e->tls_err, sizeof(e->tls_err), "no context");
		return NULL;
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_verify(
		ctx, e->tls_verify ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, NULL);
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
				      SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	if (tls_load(e, ctx) != 0) {
		SSL_CTX_free(ctx);
		return NULL;
	}
	e->tls_ctx = ctx;
	return ctx;
}

static bool
is_ip_literal(const char *host)
{
	unsigned char buf[sizeof(struct in6_addr)];
	char tmp[INET6_ADDRSTRLEN + 2];
	size_t n = strlen(host);

	if (n >= 2 && host[0] == '[' && host[n - 1] == ']' &&
	    n - 2 < sizeof(tmp)) {
		memcpy(tmp, host + 1, n - 2);
		tmp[n - 2] = '\0';
		host = tmp;
	}
	return inet_pton(AF_INET, host, buf) == 1 ||
	       inet_pton(AF_INET6, host, buf) == 1;
}

/*
 * A TLS session for c checking the server against `host` (the configured
 * address): SNI and a DNS-name match for names, an IP match for
 * literals (RFC 6066 forbids literal SNI).
 */
static int
tls_attach(struct sip_conn *c, const char *host)
{
	struct sipreg_engine *e = c->e;
	SSL_CTX *ctx = tls_ctx(e);
	X509_VERIFY_PARAM *vp;
	char ip[INET6_ADDRSTRLEN];
	bool literal = is_ip_literal(host);
	int ok;

	if (ctx == NULL) {
		snprintf(c->why, sizeof(c->why), "%s", e->tls_err);
		return -EINVAL;
	}
	if ((c->ssl = SSL_new(ctx)) == NULL || SSL_set_fd(c->ssl, c->fd) != 1)
		return -ENOMEM;
	vp = SSL_get0_param(c->ssl);
	if (literal) {
		sip_addr_format(&c->peer, ip, sizeof(ip), false);
		if (ip[0] == '[') { /* X509 wants the bare IPv6 form */
			memmove(ip, ip + 1, strlen(ip));
			ip[strlen(ip) - 1] = '\0';
		}
		ok = X509_VERIFY_PARAM_set1_ip_asc(vp, ip);
	} else {
		ok = SSL_set_tlsext_host_name(c->ssl, host) == 1 &&
		     X509_VERIFY_PARAM_set1_host(vp, host, 0) == 1;
	}
	SSL_set_connect_state(c->ssl);
	return ok == 1 ? 0 : -ENOMEM;
}

/* ---- connections -------------------------------------------------------- */

static void conn_timer(struct sip_tmr *t);

static struct sip_conn *
conn_find(struct sipreg_engine *e, const union sip_sa *peer,
	  enum sipreg_transport tp)
{
	struct sip_conn *c;

	/* a failed one waits for its loss report: the next send opens a
	 * new connection beside it */
	TAILQ_FOREACH(c, &e->conns, entry)
	{
		if (c->tp == tp && c->state != CONN_FAILED &&
		    sip_addr_equal(&c->peer, peer))
			return c;
	}
	return NULL;
}

static void
conn_free(struct sip_conn *c)
{
	struct sipreg_engine *e = c->e;

	TAILQ_REMOVE(&e->conns, c, entry);
	e->nconns--;
	sip_engine_cancel(e, &c->tmr);
	sip_heap_release(&e->heap, 1);
	if (c->ssl != NULL)
		SSL_free(c->ssl);
	if (c->fd >= 0)
		close(c->fd);
	free(c->out);
	free(c->in);
	free(c);
}

/*
 * The connection is gone: report it (transactions fail, bindings may
 * re-register) and free it.  Outside libosip2 callbacks only.
 */
static void
conn_lost(struct sip_conn *c, const char *why)
{
	struct sipreg_engine *e = c->e;
	union sip_sa peer = c->peer;
	enum sipreg_transport tp = c->tp;
	uint64_t id = c->id;
	bool reused = c->nin > 0;
	char msg[96], addr[SIPREG_ADDR_STRLEN];

	snprintf(msg, sizeof(msg), "%s", why);
	sip_addr_format(&peer, addr, sizeof(addr), true);
	sip_engine_log(e, SIP_LOG_INFO, "%s connection to %s lost: %s",
		       tp == SIPREG_TP_TLS ? "TLS" : "TCP", addr, msg);
	conn_free(c);
	sip_engine_conn_lost(e, &peer, tp, id, msg, reused);
}

/* Mark c failed and report it from a timer (we may be inside osip). */
static void
conn_defer_fail(struct sip_conn *c, const char *why)
{
	if (c->state == CONN_FAILED)
		return;
	c->state = CONN_FAILED;
	if (why != NULL && c->why[0] == '\0')
		snprintf(c->why, sizeof(c->why), "%s", why);
	sip_engine_arm(c->e, &c->tmr, 0);
}

/* Open: close it when idle and unused, else look again later. */
static void
conn_idle(struct sip_conn *c)
{
	struct sipreg_engine *e = c->e;
	uint64_t idle = sip_engine_now(e) - c->last_ms;
	char addr[SIPREG_ADDR_STRLEN];

	if (idle < e->conn_idle_ms ||
	    sip_engine_addr_in_use(e, &c->peer, c->tp)) {
		sip_engine_arm(e, &c->tmr,
			       idle < e->conn_idle_ms ? e->conn_idle_ms - idle
						      : e->conn_idle_ms);
		return;
	}
	sip_addr_format(&c->peer, addr, sizeof(addr), true);
	sip_engine_log(e, SIP_LOG_INFO, "%s connection to %s idle, closed",
		       c->tp == SIPREG_TP_TLS ? "TLS" : "TCP", addr);
	e->stats.idle_closed++;
	conn_free(c);
}

static void
conn_timer(struct sip_tmr *t)
{
	struct sip_conn *c = SIP_CONTAINER(t, struct sip_conn, tmr);

	if (c->state == CONN_OPEN)
		conn_idle(c);
	else if (c->state == CONN_FAILED)
		conn_lost(c, c->why[0] ? c->why : "connection failed");
	else if (c->state != CONN_OPEN)
		conn_lost(c, c->state == CONN_CONNECTING
				     ? "connect timeout"
				     : "TLS handshake timeout");
}

static int
conn_socket(struct sip_conn *c)
{
	socklen_t sl = sizeof(c->local);
	int one = 1;

	c->fd = socket(c->peer.sa.sa_family,
		       SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		return -errno;
	(void)setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(c->fd, &c->peer.sa, sip_addr_len(&c->peer)) != 0 &&
	    errno != EINPROGRESS)
		return -errno;
	/* the kernel picked our port at connect(): Via and Contact use it */
	if (getsockname(c->fd, &c->local.sa, &sl) != 0)
		return -errno;
	return 0;
}

static int
conn_new(struct sipreg_engine *e, const struct sip_addr *a,
	 struct sip_conn **out)
{
	struct sip_conn *c;
	int rc;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return -ENOMEM;
	if (sip_heap_reserve(&e->heap, 1) != 0) {
		free(c);
		return -ENOMEM;
	}
	c->e = e;
	c->id = ++e->conn_seq;
	c->last_ms = sip_engine_now(e);
	c->peer = a->ss;
	c->tp = a->tp;
	c->fd = -1;
	c->tmr.h = conn_timer;
	c->state = CONN_CONNECTING;
	TAILQ_INSERT_TAIL(&e->conns, c, entry);
	e->nconns++;
	rc = conn_socket(c);
	if (rc == 0 && a->tp == SIPREG_TP_TLS)
		rc = tls_attach(c, a->host);
	if (rc == -ENOMEM) {
		conn_free(c);
		return rc;
	}
	if (rc != 0) { /* reported like any later loss */
		if (c->why[0] == '\0')
			snprintf(c->why, sizeof(c->why), "%s", strerror(-rc));
		conn_defer_fail(c, NULL);
	} else {
		sip_engine_arm(e, &c->tmr, CONN_TIMEOUT_MS);
	}
	*out = c;
	return 0;
}

static int
conn_get(struct sipreg_engine *e, const struct sip_addr *a,
	 struct sip_conn **out)
{
	if ((*out = conn_find(e, &a->ss, a->tp)) != NULL)
		return 0;
	return conn_new(e, a, out);
}

static int
buf_append(char **p, size_t *len, size_t *cap, const char *s, size_t n,
	   size_t max)
{
	size_t want = *len + n, ncap;
	char *np;

	if (want > max)
		return -ENOBUFS;
	if (want > *cap) {
		ncap = *cap ? *cap : 4096;
		while (ncap < want)
			ncap *= 2;
		if ((np = realloc(*p, ncap)) == NULL)
			return -ENOMEM;
		*p = np;
		*cap = ncap;
	}
	memcpy(*p + *len, s, n);
	*len = want;
	return 0;
}

static void
consume(char *p, size_t *len, size_t n)
{
	memmove(p, p + n, *len - n);
	*len -= n;
}

/* Bytes written (>= 0), -EAGAIN, or another negative errno. */
static ssize_t
conn_write(struct sip_conn *c, const char *p, size_t n)
{
	ssize_t w;
	int err;

	if (c->ssl == NULL) {
		w = send(c->fd, p, n, MSG_NOSIGNAL);
		if (w < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK ? -EAGAIN
								       : -errno;
		return w;
	}
	ERR_clear_error();
	c->ssl_wants_write = false;
	if ((w = SSL_write(c->ssl, p, (int)n)) > 0)
		return w;
	err = SSL_get_error(c->ssl, (int)w);
	if (err == SSL_ERROR_WANT_WRITE || err == SSL_ERROR_WANT_READ) {
		c->ssl_wants_write = err == SSL_ERROR_WANT_WRITE;
		return -EAGAIN;
	}
	tls_error(c->why, sizeof(c->why), "write failed");
	return -EIO;
}

/* Write what is queued: 0, or a negative errno when c is broken. */
static int
conn_flush(struct sip_conn *c)
{
	ssize_t w;

	while (c->state == CONN_OPEN && c->outlen > 0) {
		w = conn_write(c, c->out, c->outlen);
		if (w == -EAGAIN)
			return 0;
		if (w < 0) {
			if (c->why[0] == '\0')
				snprintf(c->why, sizeof(c->why), "%s",
					 strerror((int)-w));
			return (int)w;
		}
		consume(c->out, &c->outlen, (size_t)w);
	}
	return 0;
}

int
sip_stream_send(struct sipreg_engine *e, const struct sip_addr *a,
		const char *buf, size_t len)
{
	struct sip_conn *c;
	int rc;

	if ((rc = conn_get(e, a, &c)) != 0)
		return rc;
	e->send_conn = c->id;
	c->last_ms = sip_engine_now(e);
	if (c->state == CONN_FAILED) {
		snprintf(e->send_err, sizeof(e->send_err), "%s", c->why);
		e->send_reused = c->nin > 0;
		return -ECONNRESET;
	}
	if ((rc = buf_append(&c->out, &c->outlen, &c->outcap, buf, len,
			     CONN_OUT_MAX)) != 0)
		return rc;
	if ((rc = conn_flush(c)) != 0) {
		e->send_reused = c->nin > 0;
		conn_defer_fail(c, NULL);
		return rc;
	}
	return 0;
}

int
sip_stream_reply(struct sip_conn *c, const char *buf, size_t len)
{
	int rc;

	if (c->state != CONN_OPEN)
		return -ENOTCONN;
	if ((rc = buf_append(&c->out, &c->outlen, &c->outcap, buf, len,
			     CONN_OUT_MAX)) != 0)
		return rc;
	if ((rc = conn_flush(c)) != 0) {
		conn_defer_fail(c, NULL);
		return rc;
	}
	return 0;
}

int
sip_stream_local(struct sipreg_engine *e, const struct sip_addr *a,
		 union sip_sa *local)
{
	struct sip_conn *c;
	int rc;

	if ((rc = conn_get(e, a, &c)) != 0)
		return rc;
	if (c->local.sa.sa_family == AF_UNSPEC)
		return -ENOTCONN;
	*local = c->local;
	return 0;
}

/* ---- progress and input ------------------------------------------------- */

/* Whether connect() has finished: 1 yes, 0 not yet, <0 failed. */
static int
connect_done(struct sip_conn *c)
{
	struct pollfd p = { c->fd, POLLOUT, 0 };
	socklen_t sl = sizeof(int);
	int err = 0;

	if (poll(&p, 1, 0) <= 0 || p.revents == 0)
		return 0;
	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &sl) != 0)
		err = errno;
	if (err != 0) {
		snprintf(c->why, sizeof(c->why), "connect: %s", strerror(err));
		return -err;
	}
	return 1;
}

static void
handshake_error(struct sip_conn *c)
{
	long vr = SSL_get_verify_result(c->ssl);

	if (vr != X509_V_OK) {
		snprintf(c->why, sizeof(c->why),
			 "TLS: certificate verify failed: %s",
			 X509_verify_cert_error_string(vr));
		ERR_clear_error();
	} else {
		tls_error(c->why, sizeof(c->why), "handshake failed");
	}
}

/* Drive the TLS handshake: 1 done, 0 in progress, -1 failed. */
static int
handshake(struct sip_conn *c)
{
	int rc, err;

	ERR_clear_error();
	c->ssl_wants_write = false;
	if ((rc = SSL_do_handshake(c->ssl)) == 1)
		return 1;
	err = SSL_get_error(c->ssl, rc);
	if (err == SSL_ERROR_WANT_READ)
		return 0;
	if (err == SSL_ERROR_WANT_WRITE) {
		c->ssl_wants_write = true;
		return 0;
	}
	if (err == SSL_ERROR_SYSCALL && c->why[0] == '\0' && errno != 0)
		snprintf(c->why, sizeof(c->why), "TLS handshake: %s",
			 strerror(errno));
	if (c->why[0] == '\0')
		handshake_error(c);
	return -1;
}

/* Move c through connect and handshake: 0 or -1 when it failed. */
static int
progress(struct sip_conn *c)
{
	int rc;

	if (c->state == CONN_CONNECTING) {
		if ((rc = connect_done(c)) <= 0)
			return rc < 0 ? -1 : 0;
		c->state = c->ssl != NULL ? CONN_HANDSHAKE : CONN_OPEN;
	}
	if (c->state == CONN_HANDSHAKE) {
		if ((rc = handshake(c)) <= 0)
			return rc;
		c->state = CONN_OPEN;
	}
	return 0;
}

/* progress() from before OPEN, and the connect deadline gives way to the
 * idle check. */
static int
progress_open(struct sip_conn *c)
{
	bool was_open = c->state == CONN_OPEN;

	if (progress(c) != 0)
		return -1;
	if (!was_open && c->state == CONN_OPEN)
		sip_engine_arm(c->e, &c->tmr, c->e->conn_idle_ms);
	return 0;
}

/* Bytes read, 0 at EOF, -EAGAIN, or another negative errno. */
static ssize_t
conn_read(struct sip_conn *c, char *p, size_t n)
{
	ssize_t r;
	int err;

	if (c->ssl == NULL) {
		r = recv(c->fd, p, n, 0);
		if (r < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK ? -EAGAIN
								       : -errno;
		return r;
	}
	ERR_clear_error();
	if ((r = SSL_read(c->ssl, p, (int)n)) > 0)
		return r;
	err = SSL_get_error(c->ssl, (int)r);
	if (err == SSL_ERROR_WANT_READ)
		return -EAGAIN;
	if (err == SSL_ERROR_WANT_WRITE) {
		c->ssl_wants_write = true;
		return -EAGAIN;
	}
	if (err == SSL_ERROR_ZERO_RETURN)
		return 0;
	tls_error(c->why, sizeof(c->why), "read failed");
	return -EIO;
}

/* Deliver every complete message in c->in: 0, or -1 on bad framing. */
static int
deliver(struct sip_conn *c)
{
	struct sipreg_engine *e = c->e;
	size_t skip, n;
	int rc;

	for (;;) {
		rc = sip_frame_parse(c->in, c->inlen, SIP_MAX_DATAGRAM, &skip,
				     &n);
		consume(c->in, &c->inlen, skip);
		if (rc <= 0)
			break;
		memcpy(e->rxbuf, c->in, n);
		e->rxbuf[n] = '\0';
		consume(c->in, &c->inlen, n);
		c->nin++;
		c->last_ms = sip_engine_now(e);
		e->rx_src.known = true;
		e->rx_src.tp = c->tp;
		e->rx_src.conn = c;
		sip_engine_input(e, e->rxbuf, n);
		e->rx_src.known = false;
		e->rx_src.conn = NULL;
		if (c->state == CONN_FAILED)
			return 0;
	}
	if (rc < 0) {
		e->stats.malformed++;
		snprintf(c->why, sizeof(c->why), "bad stream framing (%s)",
			 rc == -EMSGSIZE ? "oversized" : "Content-Length");
		return -1;
	}
	return 0;
}

/* Read what is there: 0, or -1 when c is gone (EOF, error, framing). */
static int
conn_input(struct sip_conn *c)
{
	char chunk[CONN_READ_CHUNK];
	ssize_t r;
	int i;

	for (i = 0; i < CONN_READS && c->state == CONN_OPEN; i++) {
		r = conn_read(c, chunk, sizeof(chunk));
		if (r == -EAGAIN)
			return 0;
		if (r <= 0) {
			if (c->why[0] == '\0')
				snprintf(c->why, sizeof(c->why), "%s",
					 r == 0 ? "closed by peer"
						: strerror((int)-r));
			return -1;
		}
		if (buf_append(&c->in, &c->inlen, &c->incap, chunk, (size_t)r,
			       2 * SIP_MAX_DATAGRAM + CONN_READ_CHUNK) != 0 ||
		    deliver(c) != 0) {
			if (c->why[0] == '\0')
				snprintf(c->why, sizeof(c->why), "%s",
					 "input overflow");
			return -1;
		}
	}
	return 0;
}

static struct sip_conn *
conn_by_fd(struct sipreg_engine *e, int fd)
{
	struct sip_conn *c;

	TAILQ_FOREACH(c, &e->conns, entry)
	{
		if (c->fd == fd)
			return c;
	}
	return NULL;
}

int
sip_stream_io(struct sipreg_engine *e, int fd)
{
	struct sip_conn *c = conn_by_fd(e, fd);

	if (c == NULL)
		return -ENOENT;
	if (c->state == CONN_FAILED)
		return 0; /* its timer reports it */
	if (progress_open(c) != 0 || conn_flush(c) != 0 || conn_input(c) != 0) {
		conn_lost(c, c->why[0] ? c->why : "connection failed");
		return 0;
	}
	if (c->state == CONN_OPEN && conn_flush(c) != 0)
		conn_lost(c, c->why[0] ? c->why : "write failed");
	return 0;
}

int
sip_stream_pollfds(const struct sipreg_engine *e, struct pollfd *fds,
		   size_t nfds)
{
	const struct sip_conn *c;
	size_t n = 0;

	TAILQ_FOREACH(c, &e->conns, entry)
	{
		if (c->fd < 0 || c->state == CONN_FAILED)
			continue;
		if (n < nfds) {
			fds[n].fd = c->fd;
			fds[n].events = POLLIN;
			if (c->state == CONN_CONNECTING || c->outlen > 0 ||
			    c->ssl_wants_write)
				fds[n].events |= POLLOUT;
			fds[n].revents = 0;
		}
		n++;
	}
	return (int)n;
}

void
sip_stream_free_all(struct sipreg_engine *e)
{
	struct sip_conn *c;

	while ((c = TAILQ_FIRST(&e->conns)) != NULL)
		conn_free(c);
	if (e->tls_ctx != NULL)
		SSL_CTX_free(e->tls_ctx);
	e->tls_ctx = NULL;
}
