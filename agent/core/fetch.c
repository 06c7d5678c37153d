/* SPDX-License-Identifier: ISC */
/*
 * libcurl's multi "socket" interface on the daemon loop: curl says which
 * sockets to watch (agent_fetch_sock_cb) and when it wants to be called
 * back (agent_fetch_timer_cb); the loop hands readiness back through
 * curl_multi_socket_action() and the result comes out of
 * curl_multi_info_read().  file: URIs skip curl: the file is read from a
 * zero-delay timer so that the handler never runs inside
 * agent_fetch_start().
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <curl/curl.h>

#include "agent/core/event.h"
#include "agent/core/fetch.h"
#include "agent/core/gwagent.h"
#include "agent/core/log.h"

/* One transfer at a time needs a socket or two (happy eyeballs). */
#define AGENT_FETCH_MAXFD 8

struct agent_fetch {
	struct agent_event *ev;
	CURLM *multi;
	CURL *easy; /* the running http(s) transfer */
	char *path; /* the running file: transfer */
	struct agent_timer curl_timer;
	struct agent_timer file_timer;
	int fds[AGENT_FETCH_MAXFD]; /* what curl asked the loop to watch */
	size_t nfds;
	char *buf;
	size_t len, cap, max;
	int busy;
	int werr; /* why the write callback refused data */
	long connect_ms, total_ms;
	char *ini_dir;			 /* file: loads only beneath it */
	char *netrc;			 /* http(s) credentials file */
	struct agent_fetch_allow *allow; /* NULL: any address */
	int denied; /* a socket was refused by the allow-list */
	agent_fetch_h *done;
	void *arg;
};

static void agent_fetch_check(struct agent_fetch *f);

static void
agent_fetch_on_fd(int fd, short revents, void *arg)
{
	struct agent_fetch *f = arg;
	int flags = 0, running;

	if (revents & (POLLIN | POLLHUP))
		flags |= CURL_CSELECT_IN;
	if (revents & POLLOUT)
		flags |= CURL_CSELECT_OUT;
	if (revents & (POLLERR | POLLNVAL))
		flags |= CURL_CSELECT_ERR;
	if (curl_multi_socket_action(f->multi, fd, flags, &running) != CURLM_OK)
		log_warnx("fetch", "curl_multi_socket_action failed");
	agent_fetch_check(f);
}

static void
agent_fetch_on_timer(void *arg)
{
	struct agent_fetch *f = arg;
	int running;

	if (curl_multi_socket_action(f->multi, CURL_SOCKET_TIMEOUT, 0,
				     &running) != CURLM_OK)
		log_warnx("fetch", "curl_multi_socket_action failed");
	agent_fetch_check(f);
}

static void
agent_fetch_unwatch(struct agent_fetch *f, int fd)
{
	size_t i;

	for (i = 0; i < f->nfds; i++) {
		if (f->fds[i] != fd)
			continue;
		agent_event_fd_del(f->ev, fd);
		f->fds[i] = f->fds[--f->nfds];
		return;
	}
}

static int
agent_fetch_watch(struct agent_fetch *f, int fd, short events)
{
	size_t i;
	int rc;

	for (i = 0; i < f->nfds; i++)
		if (f->fds[i] == fd)
			return agent_event_fd_mod(f->ev, fd, events);
	if (f->nfds == AGENT_FETCH_MAXFD)
		return -ENFILE;
	rc = agent_event_fd_add(f->ev, fd, events, agent_fetch_on_fd, f);
	if (rc == 0)
		f->fds[f->nfds++] = fd;
	return rc;
}

static int
agent_fetch_sock_cb(CURL *e, curl_socket_t s, int what, void *userp,
		    void *socketp)
{
	struct agent_fetch *f = userp;
	short events = 0;

	if (what == CURL_POLL_REMOVE) {
		agent_fetch_unwatch(f, s);
		return 0;
	}
	if (what & CURL_POLL_IN)
		events |= POLLIN;
	if (what & CURL_POLL_OUT)
		events |= POLLOUT;
	if (agent_fetch_watch(f, s, events) < 0) {
		log_warnx("fetch", "cannot watch socket %d", s);
		return -1;
	}
	return 0;
}

static int
agent_fetch_timer_cb(CURLM *m, long timeout_ms, void *userp)
{
	struct agent_fetch *f = userp;

	/* curl must not be re-entered from here: the loop calls it back. */
	if (timeout_ms < 0)
		agent_timer_stop(&f->curl_timer);
	else
		agent_timer_start(f->ev, &f->curl_timer, (uint64_t)timeout_ms);
	return 0;
}

static void agent_fetch_file_run(void *arg);

int
agent_fetch_create(struct agent_fetch **out, struct agent_event *ev)
{
	struct agent_fetch *f;

	if (out == NULL || ev == NULL)
		return -EINVAL;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return -ENOMEM;
	f = calloc(1, sizeof(*f));
	if (f == NULL || (f->multi = curl_multi_init()) == NULL) {
		free(f);
		curl_global_cleanup();
		return -ENOMEM;
	}
	f->ev = ev;
	f->connect_ms = AGENT_FETCH_CONNECT_MS;
	f->total_ms = AGENT_FETCH_TOTAL_MS;
	agent_timer_init(&f->curl_timer, agent_fetch_on_timer, f);
	agent_timer_init(&f->file_timer, agent_fetch_file_run, f);
	curl_multi_setopt(f->multi, CURLMOPT_SOCKETFUNCTION,
			  agent_fetch_sock_cb);
	curl_multi_setopt(f->multi, CURLMOPT_SOCKETDATA, f);
	curl_multi_setopt(f->multi, CURLMOPT_TIMERFUNCTION,
			  agent_fetch_timer_cb);
	curl_multi_setopt(f->multi, CURLMOPT_TIMERDATA, f);
	*out = f;
	return 0;
}

void
agent_fetch_destroy(struct agent_fetch *f)
{
	if (f == NULL)
		return;
	agent_fetch_cancel(f);
	curl_multi_cleanup(f->multi);
	/* Whatever curl did not say REMOVE for is still in the loop. */
	while (f->nfds > 0)
		agent_fetch_unwatch(f, f->fds[0]);
	agent_timer_stop(&f->curl_timer);
	free(f->ini_dir);
	free(f->netrc);
	agent_fetch_allow_destroy(f->allow);
	free(f);
	curl_global_cleanup();
}

static int
agent_fetch_set_str(char **field, const char *v)
{
	char *copy = NULL;

	if (v != NULL && (copy = strdup(v)) == NULL)
		return -ENOMEM;
	free(*field);
	*field = copy;
	return 0;
}

int
agent_fetch_set_ini_dir(struct agent_fetch *f, const char *dir)
{
	if (f == NULL || (dir != NULL && *dir != '/'))
		return -EINVAL;
	return agent_fetch_set_str(&f->ini_dir, dir);
}

int
agent_fetch_set_netrc(struct agent_fetch *f, const char *path)
{
	if (f == NULL || (path != NULL && *path != '/'))
		return -EINVAL;
	return agent_fetch_set_str(&f->netrc, path);
}

int
agent_fetch_set_allow(struct agent_fetch *f, struct agent_fetch_allow *allow)
{
	if (f == NULL)
		return -EINVAL;
	agent_fetch_allow_destroy(f->allow);
	f->allow = allow;
	return 0;
}

int
agent_fetch_set_timeouts(struct agent_fetch *f, long connect_ms, long total_ms)
{
	if (f == NULL || connect_ms < 0 || total_ms < 0)
		return -EINVAL;
	if (connect_ms > 0)
		f->connect_ms = connect_ms;
	if (total_ms > 0)
		f->total_ms = total_ms;
	return 0;
}

static void
agent_fetch_reset(struct agent_fetch *f)
{
	free(f->buf);
	free(f->path);
	f->buf = f->path = NULL;
	f->len = f->cap = 0;
	f->busy = f->werr = f->denied = 0;
	f->done = NULL;
	f->arg = NULL;
}

void
agent_fetch_cancel(struct agent_fetch *f)
{
	if (f == NULL || !f->busy)
		return;
	agent_timer_stop(&f->file_timer);
	if (f->easy != NULL) {
		curl_multi_remove_handle(f->multi, f->easy);
		curl_easy_cleanup(f->easy);
		f->easy = NULL;
	}
	agent_fetch_reset(f);
}

int
agent_fetch_busy(const struct agent_fetch *f)
{
	return f != NULL && f->busy;
}

/*
 * Hand the result over and forget the transfer before calling the
 * handler, which may start another one or destroy @p f.
 */
static void
agent_fetch_complete(struct agent_fetch *f, int rc, const char *why)
{
	agent_fetch_h *done = f->done;
	void *arg = f->arg;
	char *buf = f->buf;
	size_t len = f->len;
	char msg[CURL_ERROR_SIZE + 64];

	snprintf(msg, sizeof(msg), "%s", why != NULL ? why : "error");
	f->buf = NULL;
	agent_fetch_reset(f);
	if (rc < 0) {
		log_debug("fetch", "transfer failed: %s", msg);
		done(rc, NULL, 0, msg, arg);
	} else {
		log_debug("fetch", "transfer done: %zu bytes", len);
		done(0, buf != NULL ? buf : "", len, NULL, arg);
	}
	free(buf);
}

static void
agent_fetch_errmsg(int rc, size_t max, char *msg, size_t len)
{
	if (rc == -EFBIG)
		snprintf(msg, len, "too large (over %zu bytes)", max);
	else
		snprintf(msg, len, "%s", agent_fetch_strerror(rc));
}

static void
agent_fetch_file_run(void *arg)
{
	struct agent_fetch *f = arg;
	char msg[128];
	char *buf;
	size_t len;
	int rc;

	rc = agent_fetch_read_beneath(f->ini_dir, f->path, f->max, &buf, &len);
	if (rc < 0) {
		agent_fetch_errmsg(rc, f->max, msg, sizeof(msg));
		agent_fetch_complete(f, rc, msg);
		return;
	}
	f->buf = buf;
	f->len = len;
	agent_fetch_complete(f, 0, NULL);
}

static int
agent_fetch_append(struct agent_fetch *f, const char *data, size_t n)
{
	size_t cap;
	char *p;

	if (n > f->max - f->len)
		return -EFBIG;
	if (f->len + n + 1 > f->cap) {
		cap = f->cap != 0 ? f->cap : 16384;
		while (cap < f->len + n + 1)
			cap *= 2;
		if (cap > f->max + 1)
			cap = f->max + 1;
		p = realloc(f->buf, cap);
		if (p == NULL)
			return -ENOMEM;
		f->buf = p;
		f->cap = cap;
	}
	memcpy(f->buf + f->len, data, n);
	f->len += n;
	f->buf[f->len] = '\0';
	return 0;
}

static size_t
agent_fetch_write(char *data, size_t size, size_t nmemb, void *arg)
{
	struct agent_fetch *f = arg;
	int rc;

	/* Returning less than given makes curl abort with a write error. */
	rc = agent_fetch_append(f, data, size * nmemb);
	if (rc < 0) {
		f->werr = rc;
		return 0;
	}
	return size * nmemb;
}

static int
agent_fetch_http_rc(long code)
{
	switch (code) {
	case 404:
	case 410:
		return -ENOENT;
	case 401:
	case 403:
		return -EACCES;
	default:
		return -EIO;
	}
}

/* Whether the transfer got as far as a connected socket. */
static int
agent_fetch_connected(struct agent_fetch *f)
{
	curl_off_t t = 0;

	curl_easy_getinfo(f->easy, CURLINFO_CONNECT_TIME_T, &t);
	return t > 0;
}

/*
 * Map the outcome of a finished curl transfer to an errno and a class of
 * failure.  curl's own text names addresses and timings ("after 0 ms"),
 * which would make the agent a port scanner: only the class is told.
 */
static int
agent_fetch_curl_rc(struct agent_fetch *f, CURLcode res, char *msg, size_t len)
{
	long code = 0;

	curl_easy_getinfo(f->easy, CURLINFO_RESPONSE_CODE, &code);
	if (res == CURLE_OK && code >= 200 && code < 300)
		return 0;
	if (res != CURLE_OK)
		log_debug("fetch", "curl: %s", curl_easy_strerror(res));
	if (f->denied) {
		snprintf(msg, len, "not allowed");
		return -EPERM;
	}
	if (res == CURLE_OK || res == CURLE_HTTP_RETURNED_ERROR) {
		snprintf(msg, len, "HTTP status %ld", code);
		return agent_fetch_http_rc(code);
	}
	if (res == CURLE_FILESIZE_EXCEEDED ||
	    (res == CURLE_WRITE_ERROR && f->werr == -EFBIG)) {
		agent_fetch_errmsg(-EFBIG, f->max, msg, len);
		return -EFBIG;
	}
	if (res == CURLE_OUT_OF_MEMORY ||
	    (res == CURLE_WRITE_ERROR && f->werr == -ENOMEM)) {
		snprintf(msg, len, "out of memory");
		return -ENOMEM;
	}
	if (res == CURLE_OPERATION_TIMEDOUT && agent_fetch_connected(f)) {
		snprintf(msg, len, "timeout");
		return -ETIMEDOUT;
	}
	switch (res) {
	case CURLE_PARTIAL_FILE:
	case CURLE_GOT_NOTHING:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
		snprintf(msg, len, "connection closed early");
		break;
	case CURLE_TOO_MANY_REDIRECTS:
		snprintf(msg, len, "too many redirects");
		break;
	case CURLE_UNSUPPORTED_PROTOCOL:
		snprintf(msg, len, "redirect to an unsupported scheme");
		return -EPROTONOSUPPORT;
	default: /* DNS, refused, unreachable, TLS, connect timeout */
		snprintf(msg, len, "cannot connect");
		break;
	}
	return -EIO;
}

static void
agent_fetch_check(struct agent_fetch *f)
{
	char msg[CURL_ERROR_SIZE + 64];
	CURLMsg *m;
	int left, rc;

	while ((m = curl_multi_info_read(f->multi, &left)) != NULL) {
		if (m->msg != CURLMSG_DONE || m->easy_handle != f->easy)
			continue;
		rc = agent_fetch_curl_rc(f, m->data.result, msg, sizeof(msg));
		curl_multi_remove_handle(f->multi, f->easy);
		curl_easy_cleanup(f->easy);
		f->easy = NULL;
		agent_fetch_complete(f, rc, rc < 0 ? msg : NULL);
		return; /* the handler may have destroyed f */
	}
}

/* Every socket curl opens, after DNS and on each redirect. */
static curl_socket_t
agent_fetch_opensocket(void *arg, curlsocktype purpose,
		       struct curl_sockaddr *addr)
{
	struct agent_fetch *f = arg;

	(void)purpose;
	if (f->allow != NULL &&
	    !agent_fetch_allow_match(f->allow, &addr->addr)) {
		f->denied = 1;
		return CURL_SOCKET_BAD;
	}
	return socket(addr->family, addr->socktype | SOCK_CLOEXEC,
		      addr->protocol);
}

/* Where the credentials may come from besides the URI. */
static CURLcode
agent_fetch_easy_auth(struct agent_fetch *f, CURL *e)
{
	CURLcode c;

	if (f->netrc == NULL)
		return CURLE_OK;
	if ((c = curl_easy_setopt(e, CURLOPT_NETRC_FILE, f->netrc)) != CURLE_OK)
		return c;
	return curl_easy_setopt(e, CURLOPT_NETRC, (long)CURL_NETRC_OPTIONAL);
}

static CURLcode
agent_fetch_easy_opts(struct agent_fetch *f, CURL *e, const char *uri)
{
	CURLcode c;

	if ((c = curl_easy_setopt(e, CURLOPT_URL, uri)) != CURLE_OK ||
	    (c = curl_easy_setopt(e, CURLOPT_WRITEFUNCTION,
				  agent_fetch_write)) != CURLE_OK ||
	    (c = curl_easy_setopt(e, CURLOPT_WRITEDATA, f)) != CURLE_OK ||
	    (c = curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L)) != CURLE_OK ||
	    (c = curl_easy_setopt(e, CURLOPT_FAILONERROR, 1L)) != CURLE_OK ||
	    (c = curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L)) != CURLE_OK ||
	    (c = curl_easy_setopt(e, CURLOPT_MAXREDIRS, 5L)) != CURLE_OK ||
#if LIBCURL_VERSION_NUM >= 0x075500
	    (c = curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https")) !=
		    CURLE_OK ||
	    (c = curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR,
				  "http,https")) != CURLE_OK ||
#else
	    (c = curl_easy_setopt(e, CURLOPT_PROTOCOLS,
				  CURLPROTO_HTTP | CURLPROTO_HTTPS)) !=
		    CURLE_OK ||
	    (c = curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS,
				  CURLPROTO_HTTP | CURLPROTO_HTTPS)) !=
		    CURLE_OK ||
#endif
	    (c = curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
				  f->connect_ms)) != CURLE_OK ||
	    (c = curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, f->total_ms)) !=
		    CURLE_OK ||
	    (c = curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE,
				  (curl_off_t)f->max)) != CURLE_OK ||
	    (c = curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION,
				  agent_fetch_opensocket)) != CURLE_OK ||
	    (c = curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, f)) != CURLE_OK ||
	    (c = agent_fetch_easy_auth(f, e)) != CURLE_OK)
		return c;
	return curl_easy_setopt(e, CURLOPT_USERAGENT,
				PACKAGE_NAME "d/" PACKAGE_VERSION);
}

static int
agent_fetch_start_http(struct agent_fetch *f, const char *uri)
{
	CURL *e;
	CURLcode c;

	e = curl_easy_init();
	if (e == NULL)
		return -ENOMEM;
	c = agent_fetch_easy_opts(f, e, uri);
	if (c != CURLE_OK) {
		curl_easy_cleanup(e);
		return c == CURLE_OUT_OF_MEMORY ? -ENOMEM : -EINVAL;
	}
	if (curl_multi_add_handle(f->multi, e) != CURLM_OK) {
		curl_easy_cleanup(e);
		return -ENOMEM;
	}
	f->easy = e;
	return 0;
}

/* file:///p, file://localhost/p or file:/p, percent-decoded. */
static int
agent_fetch_file_path(const char *uri, char **out)
{
	const char *p = uri + strlen("file:"), *slash;
	char *dec, *path;
	int n, ok;

	if (strncmp(p, "//", 2) == 0) {
		p += 2;
		slash = strchr(p, '/');
		if (slash == NULL ||
		    (slash != p &&
		     (slash - p != 9 || strncasecmp(p, "localhost", 9) != 0)))
			return -EINVAL;
		p = slash;
	}
	if (*p != '/' || strpbrk(p, "?#") != NULL)
		return -EINVAL;
	dec = curl_easy_unescape(NULL, p, 0, &n);
	if (dec == NULL)
		return -ENOMEM;
	/* "%00" would silently cut the path short. */
	ok = n > 0 && (size_t)n == strlen(dec);
	path = ok ? strdup(dec) : NULL;
	curl_free(dec);
	if (path == NULL)
		return ok ? -ENOMEM : -EINVAL;
	*out = path;
	return 0;
}

/* @return 0 for file:, 1 for http(s):, or a negative errno. */
static int
agent_fetch_scheme(const char *uri)
{
	size_t n = strspn(uri, "abcdefghijklmnopqrstuvwxyz"
			       "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.");

	if (n == 0 || uri[n] != ':')
		return -EINVAL;
	if (n == 4 && strncasecmp(uri, "file", 4) == 0)
		return 0;
	if ((n == 4 && strncasecmp(uri, "http", 4) == 0) ||
	    (n == 5 && strncasecmp(uri, "https", 5) == 0))
		return 1;
	return -EPROTONOSUPPORT;
}

int
agent_fetch_start(struct agent_fetch *f, const char *uri, size_t max_bytes,
		  agent_fetch_h *done, void *arg)
{
	int scheme, rc;

	if (f == NULL || uri == NULL || done == NULL)
		return -EINVAL;
	if (f->busy)
		return -EBUSY;
	scheme = agent_fetch_scheme(uri);
	if (scheme < 0)
		return scheme;
	f->max = max_bytes == 0 || max_bytes > AGENT_FETCH_MAX_BYTES
			 ? AGENT_FETCH_MAX_BYTES
			 : max_bytes;
	if (scheme == 0)
		rc = agent_fetch_file_path(uri, &f->path);
	else
		rc = agent_fetch_start_http(f, uri);
	if (rc < 0)
		return rc;
	if (scheme == 0)
		agent_timer_start(f->ev, &f->file_timer, 0);
	f->busy = 1;
	f->done = done;
	f->arg = arg;
	return 0;
}
