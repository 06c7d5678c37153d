/* SPDX-License-Identifier: ISC */
/*
 * The control socket server: one listening unix socket and at most
 * AGENT_CTL_CLIENTS_MAX clients on the daemon's loop, all non-blocking.
 * A client sends request lines and reads framed answers, one at a time;
 * one that sends a line longer than AGENT_CTL_LINE_MAX gets an error and
 * is closed, one that does not read its answer or stays silent for
 * timeout_s is dropped.  An answer is at most AGENT_CTL_OUTPUT_MAX.  The on-demand SIP trace lives
 * here too: the engine hands every message of a traced binding to
 * agent_ctl_trace_msg(), which masks and logs it line by line.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

#include "agent/core/ctl_int.h"
#include "agent/core/gwagent.h"
#include "agent/core/log.h"

struct agent_ctl_client {
	struct agent_ctl *c;
	int fd;
	long uid;
	long pid;
	char in[AGENT_CTL_LINE_MAX];
	size_t inlen;
	struct agent_ctl_buf out;
	size_t outoff;
	uint64_t last_ms; /* last byte read or written */
	int closing;	  /* close once the output is written */
	int eof;	  /* it sent all it will: answer, then close */
};

static void agent_ctl_client_io(int fd, short revents, void *arg);

static uint64_t
agent_ctl_now(const struct agent_ctl *c)
{
	return agent_event_now(c->g->ev);
}

/* The tick runs while there is a client or a trace to watch. */
static void
agent_ctl_arm(struct agent_ctl *c)
{
	size_t i;
	int any = c->ntraces > 0;

	for (i = 0; i < AGENT_CTL_CLIENTS_MAX && !any; i++)
		any = c->clients[i] != NULL;
	if (any && !agent_timer_pending(&c->tick))
		agent_timer_start(c->g->ev, &c->tick, 1000);
}

static void
agent_ctl_client_close(struct agent_ctl_client *cl)
{
	struct agent_ctl *c = cl->c;
	size_t i;

	for (i = 0; i < AGENT_CTL_CLIENTS_MAX; i++)
		if (c->clients[i] == cl)
			c->clients[i] = NULL;
	agent_event_fd_del(c->g->ev, cl->fd);
	close(cl->fd);
	agent_ctl_buf_free(&cl->out);
	free(cl);
}

static void
agent_ctl_client_drop(struct agent_ctl_client *cl, const char *why)
{
	log_warnx("ctl", "client uid %ld pid %ld dropped: %s", cl->uid, cl->pid,
		  why);
	agent_ctl_client_close(cl);
}

/* Write what the socket takes.  @return 0, or -1 when the client was
 * closed (write error, or done with a refused request). */
static int
agent_ctl_client_flush(struct agent_ctl_client *cl)
{
	ssize_t n;

	while (cl->outoff < cl->out.len) {
		n = send(cl->fd, cl->out.p + cl->outoff,
			 cl->out.len - cl->outoff, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n <= 0) {
			log_debug("ctl", "client uid %ld: write: %s", cl->uid,
				  strerror(errno));
			agent_ctl_client_close(cl);
			return -1;
		}
		cl->outoff += (size_t)n;
		cl->last_ms = agent_ctl_now(cl->c);
	}
	cl->out.len = cl->outoff = 0;
	if (cl->out.cap > 65536) /* a big answer: give its memory back */
		agent_ctl_buf_free(&cl->out);
	if (cl->closing) {
		agent_ctl_client_close(cl);
		return -1;
	}
	return 0;
}

/* Answer the next complete request line, if any.  @return 1 when one
 * was answered, else 0. */
static int
agent_ctl_client_answer(struct agent_ctl_client *cl)
{
	char *nl = memchr(cl->in, '\n', cl->inlen);
	size_t used;

	if (nl == NULL) {
		if (cl->inlen < sizeof(cl->in))
			return 0;
		cl->c->st.bad++;
		log_warnx("ctl", "client uid %ld: request longer than %u bytes",
			  cl->uid, (unsigned)AGENT_CTL_LINE_MAX - 1);
		agent_ctl_frame(&cl->out, AGENT_CTL_EUSAGE, "request too long",
				NULL, 0);
		cl->closing = 1;
		cl->inlen = 0;
		return 1;
	}
	used = (size_t)(nl - cl->in) + 1;
	if (nl > cl->in && nl[-1] == '\r')
		nl--;
	agent_ctl_execute(cl->c, cl->in, (size_t)(nl - cl->in), cl->uid,
			  &cl->out);
	memmove(cl->in, cl->in + used, cl->inlen - used);
	cl->inlen -= used;
	return 1;
}

/*
 * One answer at a time: answer a request only once the previous answer
 * is written.  A client that sends and does not read therefore stops
 * being read (its requests wait in the socket) and is dropped after the
 * idle time; nothing piles up here.
 */
static void
agent_ctl_client_pump(struct agent_ctl_client *cl)
{
	for (;;) {
		if (agent_ctl_client_flush(cl) < 0)
			return;
		if (cl->out.len > 0 || !agent_ctl_client_answer(cl))
			break;
	}
	if (cl->out.len == 0 && cl->eof) {
		agent_ctl_client_close(cl);
		return;
	}
	agent_event_fd_mod(cl->c->g->ev, cl->fd,
			   cl->out.len > 0 ? POLLOUT : POLLIN);
}

static void
agent_ctl_client_read(struct agent_ctl_client *cl)
{
	ssize_t n;

	n = recv(cl->fd, cl->in + cl->inlen, sizeof(cl->in) - cl->inlen,
		 MSG_DONTWAIT);
	if (n < 0 &&
	    (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return;
	if (n < 0) {
		agent_ctl_client_close(cl);
		return;
	}
	if (n == 0) /* done sending (or gone): answer what is complete */
		cl->eof = 1;
	else
		cl->last_ms = agent_ctl_now(cl->c);
	cl->inlen += (size_t)n;
	agent_ctl_client_pump(cl);
}

static void
agent_ctl_client_io(int fd, short revents, void *arg)
{
	struct agent_ctl_client *cl = arg;

	(void)fd;
	if (cl->out.len > 0) { /* waiting for room: POLLOUT, or HUP/ERR */
		if (revents & (POLLHUP | POLLERR) && !(revents & POLLOUT))
			agent_ctl_client_close(cl);
		else
			agent_ctl_client_pump(cl);
		return;
	}
	if (revents & (POLLIN | POLLHUP | POLLERR))
		agent_ctl_client_read(cl);
}

static void
agent_ctl_peer(int fd, long *uid, long *pid)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);

	*uid = *pid = -1;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) == 0) {
		*uid = (long)cr.uid;
		*pid = (long)cr.pid;
	}
}

static void
agent_ctl_add_client(struct agent_ctl *c, int fd)
{
	struct agent_ctl_client *cl;
	size_t i;

	for (i = 0; i < AGENT_CTL_CLIENTS_MAX && c->clients[i] != NULL; i++)
		;
	if (i == AGENT_CTL_CLIENTS_MAX) {
		c->st.refused++;
		log_warnx("ctl", "%u clients connected: one more refused",
			  (unsigned)AGENT_CTL_CLIENTS_MAX);
		close(fd);
		return;
	}
	if ((cl = calloc(1, sizeof(*cl))) == NULL) {
		log_warnx("ctl", "out of memory: client refused");
		close(fd);
		return;
	}
	cl->c = c;
	cl->fd = fd;
	cl->last_ms = agent_ctl_now(c);
	agent_ctl_peer(fd, &cl->uid, &cl->pid);
	if (agent_event_fd_add(c->g->ev, fd, POLLIN, agent_ctl_client_io, cl) <
	    0) {
		log_warnx("ctl", "cannot watch a client: refused");
		close(fd);
		free(cl);
		return;
	}
	c->clients[i] = cl;
	c->st.accepted++;
	log_debug("ctl", "client uid %ld pid %ld connected", cl->uid, cl->pid);
	agent_ctl_arm(c);
}

static void
agent_ctl_accept(int fd, short revents, void *arg)
{
	struct agent_ctl *c = arg;
	int i, cfd;

	(void)revents;
	for (i = 0; i < 8; i++) { /* bounded: let the loop breathe */
		cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (cfd < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR && errno != ECONNABORTED)
				log_warn("ctl", "accept");
			return;
		}
		agent_ctl_add_client(c, cfd);
	}
}

/* ---- on-demand SIP trace ---------------------------------------------- */

static struct agent_ctl_trace *
agent_ctl_trace_find(const struct agent_ctl *c, int type, long id)
{
	size_t i;

	for (i = 0; i < c->ntraces; i++)
		if (c->traces[i].type == type && c->traces[i].id == id)
			return (struct agent_ctl_trace *)&c->traces[i];
	return NULL;
}

/* The engine binding of (type, id) traced or not; the engine binding
 * may be new since the last tick (a reload re-created it). */
static void
agent_ctl_trace_apply(struct agent_ctl *c, int type, long id, int on)
{
	struct agent_binding *ab =
		agent_bindings_find(c->g->bindings, type, id);

	if (ab != NULL)
		agent_binding_set_trace(ab, on);
}

static void
agent_ctl_trace_del(struct agent_ctl *c, size_t i, const char *why)
{
	struct agent_ctl_trace *t = &c->traces[i];
	char name[32];

	agent_ctl_binding_name(name, sizeof(name), t->type, t->id);
	agent_ctl_trace_apply(c, t->type, t->id, 0);
	log_info("trace", "%s: trace off (%s)", name, why);
	c->traces[i] = c->traces[--c->ntraces];
}

int
agent_ctl_trace_set(struct agent_ctl *c, int type, long id, unsigned seconds)
{
	struct agent_ctl_trace *t = agent_ctl_trace_find(c, type, id);

	if (seconds == 0) {
		if (t == NULL)
			return 0;
		agent_ctl_trace_del(c, (size_t)(t - c->traces), "by command");
		return 0;
	}
	if (agent_bindings_find(c->g->bindings, type, id) == NULL)
		return -ENOENT;
	if (t == NULL) {
		if (c->ntraces == AGENT_CTL_TRACES_MAX)
			return -ENOSPC;
		t = &c->traces[c->ntraces++];
		t->type = type;
		t->id = id;
	}
	t->until = agent_ctl_now(c) + (uint64_t)seconds * 1000;
	agent_ctl_trace_apply(c, type, id, 1);
	agent_ctl_arm(c);
	return 0;
}

unsigned
agent_ctl_trace_left(const struct agent_ctl *c, int type, long id)
{
	const struct agent_ctl_trace *t = agent_ctl_trace_find(c, type, id);
	uint64_t now = agent_ctl_now(c);

	if (t == NULL || t->until <= now)
		return 0;
	return (unsigned)((t->until - now + 999) / 1000);
}

/* The engine's trace handler: the message, masked, one log line per
 * SIP line, at notice (an operator asked for it). */
static void
agent_ctl_trace_msg(struct sipreg_binding *b, bool out, const char *msg,
		    size_t len, void *arg)
{
	struct agent_ctl *c = arg;
	const struct agent_binding *ab = sipreg_binding_user(b);
	const char *p = msg, *end = msg + len, *eol;
	char name[32], line[1024];
	size_t n;

	if (ab == NULL ||
	    agent_ctl_binding_name(name, sizeof(name), agent_binding_type(ab),
				   agent_binding_id(ab)) < 0)
		return;
	while (end > msg && (end[-1] == '\r' || end[-1] == '\n'))
		end--; /* the empty line that ends the headers, when last */
	c->st.traced++;
	log_prio(LOG_NOTICE, "trace", "%s %s %zu bytes", name,
		 out ? "sent" : "received", len);
	while (p < end) {
		eol = memchr(p, '\n', (size_t)(end - p));
		n = eol != NULL ? (size_t)(eol - p) : (size_t)(end - p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		agent_ctl_mask_line(p, n, line, sizeof(line));
		log_prio(LOG_NOTICE, "trace", "%s %s %s", name,
			 out ? ">>" : "<<", line);
		if (eol == NULL)
			break;
		p = eol + 1;
	}
}

/* Once a second: idle clients, ended traces. */
static void
agent_ctl_tick(void *arg)
{
	struct agent_ctl *c = arg;
	uint64_t now = agent_ctl_now(c);
	size_t i;

	for (i = 0; i < AGENT_CTL_CLIENTS_MAX; i++) {
		struct agent_ctl_client *cl = c->clients[i];

		if (cl == NULL || now - cl->last_ms < c->timeout_s * 1000ull)
			continue;
		if (cl->out.len > cl->outoff) {
			c->st.slow++;
			agent_ctl_client_drop(cl, "answers not read");
		} else {
			c->st.timeouts++;
			agent_ctl_client_drop(cl, "idle");
		}
	}
	for (i = c->ntraces; i-- > 0;) {
		if (c->traces[i].until <= now)
			agent_ctl_trace_del(c, i, "time is up");
		else
			agent_ctl_trace_apply(c, c->traces[i].type,
					      c->traces[i].id, 1);
	}
	agent_ctl_arm(c);
}

/* ---- the socket -------------------------------------------------------- */

/* A socket file at the path: in use by a live daemon, or stale. */
static int
agent_ctl_stale(const struct sockaddr_un *sa)
{
	struct stat st;
	int fd, rc;

	if (lstat(sa->sun_path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode))
		return -EEXIST;
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -errno;
	rc = connect(fd, (const struct sockaddr *)sa, sizeof(*sa));
	close(fd);
	if (rc == 0)
		return -EADDRINUSE;
	return unlink(sa->sun_path) < 0 ? -errno : 0;
}

/*
 * Give the socket the owner and group asked for, calling chown() only when
 * they differ from what bind() gave it: under the systemd unit the daemon
 * runs as gwagent:gwagent, the socket's owner and group already, and its
 * seccomp filter (SystemCallFilter=~@privileged) fails every chown() with
 * EPERM.
 */
static int
agent_ctl_chown(const struct agent_ctl_conf *conf)
{
	uid_t uid = conf->uid >= 0 ? (uid_t)conf->uid : (uid_t)-1;
	gid_t gid = conf->gid >= 0 ? (gid_t)conf->gid : (gid_t)-1;
	struct stat st;

	if (lstat(conf->path, &st) < 0)
		return -errno;
	if (uid == st.st_uid)
		uid = (uid_t)-1;
	if (gid == st.st_gid)
		gid = (gid_t)-1;
	if (uid == (uid_t)-1 && gid == (gid_t)-1)
		return 0;
	return chown(conf->path, uid, gid) < 0 ? -errno : 0;
}

static int
agent_ctl_listen(struct agent_ctl *c, const struct agent_ctl_conf *conf,
		 const char **step)
{
	struct sockaddr_un sa;
	mode_t old;
	int rc;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, conf->path, strlen(conf->path) + 1);
	*step = "an earlier socket";
	if ((rc = agent_ctl_stale(&sa)) < 0)
		return rc;
	*step = "socket";
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		return -errno;
	*step = "bind";
	old = umask(0117); /* 0660 from the start: no window at 0777 */
	rc = bind(c->fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (rc < 0)
		return -errno;
	*step = "chmod";
	if (chmod(conf->path, 0660) < 0)
		return -errno;
	*step = "chown";
	if ((rc = agent_ctl_chown(conf)) < 0)
		return rc;
	*step = "listen";
	return listen(c->fd, AGENT_CTL_CLIENTS_MAX) < 0 ? -errno : 0;
}

int
agent_ctl_create(struct agent_ctl **out, struct gwagent *g,
		 const struct agent_ctl_conf *conf, char *err, size_t errlen)
{
	struct agent_ctl *c;
	const char *step = "memory";
	int rc = -ENOMEM;

	if (out == NULL || g == NULL || conf == NULL || conf->path == NULL ||
	    *conf->path == '\0' || strlen(conf->path) >= 108) {
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "control socket: bad path");
		return -EINVAL;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL)
		goto out;
	c->g = g;
	c->fd = -1;
	c->timeout_s = conf->timeout_s ? conf->timeout_s : 30;
	c->reloadh = conf->reloadh;
	c->reload_arg = conf->reload_arg;
	agent_timer_init(&c->tick, agent_ctl_tick, c);
	if ((c->path = strdup(conf->path)) == NULL ||
	    (conf->ini_dir != NULL &&
	     (c->ini_dir = strdup(conf->ini_dir)) == NULL))
		goto out;
	if ((rc = agent_ctl_listen(c, conf, &step)) < 0)
		goto out;
	step = "event loop";
	rc = agent_event_fd_add(g->ev, c->fd, POLLIN, agent_ctl_accept, c);
	if (rc < 0)
		goto out;
	sipreg_engine_set_trace(
		agent_sip_engine(agent_bindings_sip(g->bindings)),
		agent_ctl_trace_msg, c);
	*out = c;
	return 0;
out:
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "control socket %s: %s: %s", conf->path,
			 step,
			 rc == -EADDRINUSE ? "another gwagentd answers there"
			 : rc == -EEXIST   ? "not a socket"
					   : strerror(-rc));
	if (c != NULL && c->fd >= 0) {
		close(c->fd);
		if (strcmp(step, "an earlier socket") != 0)
			unlink(conf->path);
	}
	if (c != NULL) {
		free(c->path);
		free(c->ini_dir);
		free(c);
	}
	return rc;
}

void
agent_ctl_destroy(struct agent_ctl *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < AGENT_CTL_CLIENTS_MAX; i++)
		if (c->clients[i] != NULL)
			agent_ctl_client_close(c->clients[i]);
	while (c->ntraces > 0)
		agent_ctl_trace_del(c, c->ntraces - 1, "shutdown");
	if (c->g->bindings != NULL)
		sipreg_engine_set_trace(
			agent_sip_engine(agent_bindings_sip(c->g->bindings)),
			NULL, NULL);
	agent_timer_stop(&c->tick);
	agent_event_fd_del(c->g->ev, c->fd);
	close(c->fd);
	/* After a drop of root the directory may not let us: the next
	 * start replaces the stale file. */
	if (unlink(c->path) < 0 && errno != ENOENT)
		log_debug("ctl", "unlink %s: %s", c->path, strerror(errno));
	free(c->path);
	free(c->ini_dir);
	free(c);
}

int
agent_ctl_stats(const struct agent_ctl *c, struct agent_ctl_stats *st)
{
	if (c == NULL || st == NULL)
		return -EINVAL;
	*st = c->st;
	return 0;
}
