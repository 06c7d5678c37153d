/* SPDX-License-Identifier: ISC */
/*
 * agent/fetch.c: file: URIs from a temporary directory, http: against a
 * tiny HTTP/1.1 server forked on 127.0.0.1 (a kernel-chosen free port),
 * all driven through the agent_event loop with bounded iterations and a
 * deadline.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "agent/event.h"
#include "agent/fetch.h"
#include "agent/log.h"
#include "tests/unit/gwtest.h"

#define BODY "[ SIP Params ]\r\nIsProxyUsed = 1\r\n"

static struct agent_event *g_ev;
static struct agent_fetch *g_f;
static char g_dir[32];
static pid_t g_srv = -1;
static int g_port;

static struct {
	int calls;
	int rc;
	char *buf;
	size_t len;
	char msg[512];
	int destroy; /* the handler destroys the fetcher */
} g_res;

static void
quiet(int prio, const char *msg)
{
	(void)prio;
	(void)msg;
}

static void
on_done(int rc, const char *buf, size_t len, const char *errmsg, void *arg)
{
	ck_assert_ptr_eq(arg, &g_res);
	g_res.calls++;
	g_res.rc = rc;
	snprintf(g_res.msg, sizeof(g_res.msg), "%s", errmsg ? errmsg : "");
	if (rc == 0) {
		ck_assert_ptr_nonnull(buf);
		ck_assert_int_eq(buf[len], '\0');
		ck_assert_ptr_null(errmsg);
		free(g_res.buf);
		g_res.buf = malloc(len + 1);
		ck_assert_ptr_nonnull(g_res.buf);
		memcpy(g_res.buf, buf, len + 1);
		g_res.len = len;
	} else {
		ck_assert_ptr_null(buf);
		ck_assert_ptr_nonnull(errmsg);
	}
	if (g_res.destroy) {
		agent_fetch_destroy(g_f);
		g_f = NULL;
	}
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Run the loop until the handler ran, at most @p ms and 5000 passes. */
static int
run_until_done(int ms)
{
	uint64_t deadline = now_ms() + (uint64_t)ms;
	int i;

	for (i = 0; i < 5000 && g_res.calls == 0 && now_ms() < deadline; i++)
		ck_assert_int_ge(agent_event_run_once(g_ev, 50), 0);
	return g_res.calls;
}

static void
setup(void)
{
	log_register(quiet);
	memset(&g_res, 0, sizeof(g_res));
	unsetenv("http_proxy");
	unsetenv("HTTP_PROXY");
	unsetenv("https_proxy");
	unsetenv("HTTPS_PROXY");
	unsetenv("all_proxy");
	unsetenv("ALL_PROXY");
	snprintf(g_dir, sizeof(g_dir), "/tmp/gwfetchXXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(g_dir));
	ck_assert_int_eq(agent_event_create(&g_ev), 0);
	ck_assert_int_eq(agent_fetch_create(&g_f, g_ev), 0);
}

static void
teardown(void)
{
	char cmd[64];

	agent_fetch_destroy(g_f);
	agent_event_destroy(g_ev);
	free(g_res.buf);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", g_dir);
	ck_assert_int_eq(system(cmd), 0);
	log_register(NULL);
}

static void
write_file(const char *name, const char *text, char *path, size_t len)
{
	FILE *fp;

	snprintf(path, len, "%s/%s", g_dir, name);
	fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	fputs(text, fp);
	ck_assert_int_eq(fclose(fp), 0);
}

/* --- file: ------------------------------------------------------------ */

START_TEST(test_file_ok)
{
	char path[256], uri[300];

	write_file("gw.ini", BODY, path, sizeof(path));
	snprintf(uri, sizeof(uri), "file://%s", path);
	ck_assert_int_eq(agent_fetch_start(g_f, uri, 0, on_done, &g_res), 0);
	ck_assert_int_eq(g_res.calls, 0); /* never from inside start */
	ck_assert(agent_fetch_busy(g_f));
	ck_assert_int_eq(run_until_done(2000), 1);
	ck_assert_int_eq(g_res.rc, 0);
	ck_assert_uint_eq(g_res.len, strlen(BODY));
	ck_assert_str_eq(g_res.buf, BODY);
	ck_assert(!agent_fetch_busy(g_f));
}
END_TEST

START_TEST(test_file_forms)
{
	char path[256], uri[300];

	write_file("a b.ini", BODY, path, sizeof(path));
	snprintf(uri, sizeof(uri), "FILE://localhost%s/a%%20b.ini", g_dir);
	ck_assert_int_eq(agent_fetch_start(g_f, uri, 0, on_done, &g_res), 0);
	ck_assert_int_eq(run_until_done(2000), 1);
	ck_assert_int_eq(g_res.rc, 0);
	ck_assert_str_eq(g_res.buf, BODY);

	g_res.calls = 0;
	snprintf(uri, sizeof(uri), "file:%s/a%%20b.ini", g_dir);
	ck_assert_int_eq(agent_fetch_start(g_f, uri, 0, on_done, &g_res), 0);
	ck_assert_int_eq(run_until_done(2000), 1);
	ck_assert_int_eq(g_res.rc, 0);
	ck_assert_uint_eq(g_res.len, strlen(BODY));
}
END_TEST

START_TEST(test_file_missing)
{
	char uri[300];

	snprintf(uri, sizeof(uri), "file://%s/none.ini", g_dir);
	ck_assert_int_eq(agent_fetch_start(g_f, uri, 0, on_done, &g_res), 0);
	ck_assert_int_eq(g_res.calls, 0);
	ck_assert_int_eq(run_until_done(2000), 1);
	ck_assert_int_eq(g_res.rc, -ENOENT);
	ck_assert_str_ne(g_res.msg, "");
}
END_TEST

START_TEST(test_file_too_big)
{
	char path[256], uri[300];

	write_file("big.ini", BODY, path, sizeof(path));
	snprintf(uri, sizeof(uri), "file://%s", path);
	ck_assert_int_eq(agent_fetch_start(g_f, uri, 8, on_done, &g_res), 0);
	ck_assert_int_eq(run_until_done(2000), 1);
	ck_assert_int_eq(g_res.rc, -EFBIG);
	ck_assert_ptr_nonnull(strstr(g_res.msg, "8 bytes"));

	/* Exactly at the limit is fine. */
	g_res.calls = 0;
	ck_assert_int_eq(
		agent_fetch_start(g_f, uri, strlen(BODY), on_done, &g_res), 0);
	ck_assert_int_eq(run_until_done(2000), 1);
	ck_assert_int_eq(g_res.rc, 0);
}
END_TEST

START_TEST(test_file_directory)
{
	char uri[300];

	snprintf(uri, sizeof(uri), "file://%s", g_dir);
	ck_assert_int_eq(agent_fetch_start(g_f, uri, 0, on_done, &g_res), 0);
	ck_assert_int_eq(run_until_done(2000), 1);
	ck_assert_int_eq(g_res.rc, -EISDIR); /* said as such */
}
END_TEST

START_TEST(test_uri_errors)
{
	static const char *bad[] = {
		"noscheme",	 "/etc/passwd",	      ":x",
		"file:relative", "file://host/etc/x", "file://localhost",
		"file:///a%00b", "file:///a?b",	      NULL
	};
	int i;

	ck_assert_int_eq(
		agent_fetch_start(g_f, "ftp://127.0.0.1/x", 0, on_done, &g_res),
		-EPROTONOSUPPORT);
	ck_assert_int_eq(agent_fetch_start(g_f, "tftp:x", 0, on_done, &g_res),
			 -EPROTONOSUPPORT);
	for (i = 0; bad[i] != NULL; i++)
		ck_assert_msg(agent_fetch_start(g_f, bad[i], 0, on_done,
						&g_res) == -EINVAL,
			      "%s", bad[i]);
	ck_assert_int_eq(agent_fetch_start(NULL, "file:///x", 0, on_done, NULL),
			 -EINVAL);
	ck_assert_int_eq(agent_fetch_start(g_f, NULL, 0, on_done, NULL),
			 -EINVAL);
	ck_assert_int_eq(agent_fetch_start(g_f, "file:///x", 0, NULL, NULL),
			 -EINVAL);
	ck_assert_int_eq(agent_fetch_create(NULL, g_ev), -EINVAL);
	ck_assert_int_eq(agent_fetch_set_timeouts(g_f, -1, 0), -EINVAL);
	ck_assert(!agent_fetch_busy(g_f));
	ck_assert_int_eq(agent_event_run_once(g_ev, 0), 0);
	ck_assert_int_eq(g_res.calls, 0);
	agent_fetch_destroy(NULL);
}
END_TEST

START_TEST(test_busy_cancel)
{
	char path[256], uri[300];
	int i;

	write_file("gw.ini", BODY, path, sizeof(path));
	snprintf(uri, sizeof(uri), "file://%s", path);
	ck_assert_int_eq(agent_fetch_start(g_f, uri, 0, on_done, &g_res), 0);
	ck_assert_int_eq(agent_fetch_start(g_f, uri, 0, on_done, &g_res),
			 -EBUSY);
	agent_fetch_cancel(g_f);
	ck_assert(!agent_fetch_busy(g_f));
	for (i = 0; i < 5; i++)
		agent_event_run_once(g_ev, 10);
	ck_assert_int_eq(g_res.calls, 0);
	ck_assert_int_eq(agent_fetch_start(g_f, uri, 0, on_done, &g_res), 0);
	ck_assert_int_eq(run_until_done(2000), 1);
	ck_assert_int_eq(g_res.rc, 0);
}
END_TEST

START_TEST(test_destroy_in_handler)
{
	char path[256], uri[300];

	write_file("gw.ini", BODY, path, sizeof(path));
	snprintf(uri, sizeof(uri), "file://%s", path);
	g_res.destroy = 1;
	ck_assert_int_eq(agent_fetch_start(g_f, uri, 0, on_done, &g_res), 0);
	ck_assert_int_eq(run_until_done(2000), 1);
	ck_assert_ptr_null(g_f);
	ck_assert_str_eq(g_res.buf, BODY);
}
END_TEST

/* --- a tiny HTTP server ----------------------------------------------- */

static void
srv_send(int c, const char *s, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = send(c, s, n, MSG_NOSIGNAL);
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

static void
srv_head(int c, const char *status, long length)
{
	char h[256];

	if (length >= 0)
		snprintf(h, sizeof(h),
			 "HTTP/1.1 %s\r\nContent-Length: %ld\r\n"
			 "Connection: close\r\n\r\n",
			 status, length);
	else
		snprintf(h, sizeof(h),
			 "HTTP/1.1 %s\r\nConnection: close\r\n\r\n", status);
	srv_send(c, h, strlen(h));
}

/* An endless body, until the client goes away. */
static void
srv_stream(int c)
{
	static char chunk[65536];
	long i;

	memset(chunk, 'x', sizeof(chunk));
	srv_head(c, "200 OK", -1);
	for (i = 0; i < 16384; i++)
		if (send(c, chunk, sizeof(chunk), MSG_NOSIGNAL) < 0)
			return;
}

static void
srv_big(int c)
{
	static char chunk[65536];
	int i;

	memset(chunk, 'y', sizeof(chunk));
	srv_head(c, "200 OK", 16L * (long)sizeof(chunk));
	for (i = 0; i < 16; i++)
		srv_send(c, chunk, sizeof(chunk));
}

/* @return 1 when the connection must stay open. */
static int
srv_answer(int c, const char *path)
{
	if (strcmp(path, "/ok") == 0) {
		srv_head(c, "200 OK", (long)strlen(BODY));
		srv_send(c, BODY, strlen(BODY));
	} else if (strcmp(path, "/redirect") == 0) {
		srv_head(c, "302 Found\r\nLocation: /ok", 0);
	} else if (strcmp(path, "/trunc") == 0) {
		srv_head(c, "200 OK", 1000);
		srv_send(c, BODY, strlen(BODY));
	} else if (strcmp(path, "/big") == 0) {
		srv_big(c);
	} else if (strcmp(path, "/stream") == 0) {
		srv_stream(c);
	} else if (strcmp(path, "/500") == 0) {
		srv_head(c, "500 Internal Server Error", 4);
		srv_send(c, "oops", 4);
	} else if (strcmp(path, "/hang") == 0) {
		return 1;
	} else {
		srv_head(c, "404 Not Found", 9);
		srv_send(c, "not found", 9);
	}
	return 0;
}

static void
srv_one(int c)
{
	char req[4096], path[256];
	size_t got = 0;
	ssize_t n;

	while (got < sizeof(req) - 1) {
		n = recv(c, req + got, sizeof(req) - 1 - got, 0);
		if (n <= 0)
			break;
		got += (size_t)n;
		req[got] = '\0';
		/* Not HTTP (a TLS hello): hang up at once. */
		if (req[0] != 'G' || strstr(req, "\r\n\r\n") != NULL)
			break;
	}
	req[got] = '\0';
	if (sscanf(req, "GET %255s HTTP/1.1", path) != 1 ||
	    srv_answer(c, path) == 0)
		close(c);
}

static void
srv_run(int lfd)
{
	int c;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	signal(SIGPIPE, SIG_IGN);
	for (;;) {
		c = accept(lfd, NULL, NULL);
		if (c >= 0)
			srv_one(c);
	}
}

static int
listen_any(struct sockaddr_in *sin)
{
	socklen_t sl = sizeof(*sin);
	int fd;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(fd, 0);
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)sin, sizeof(*sin)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)sin, &sl), 0);
	return fd;
}

static void
http_setup(void)
{
	struct sockaddr_in sin;
	int fd;

	setup();
	fd = listen_any(&sin);
	ck_assert_int_eq(listen(fd, 16), 0);
	g_port = ntohs(sin.sin_port);
	g_srv = fork();
	ck_assert_int_ge(g_srv, 0);
	if (g_srv == 0) {
		srv_run(fd);
		_exit(0);
	}
	close(fd);
}

static void
http_teardown(void)
{
	if (g_srv > 0) {
		kill(g_srv, SIGKILL);
		waitpid(g_srv, NULL, 0);
		g_srv = -1;
	}
	teardown();
}

static int
http_get(const char *path, size_t max)
{
	char uri[128];

	g_res.calls = 0;
	snprintf(uri, sizeof(uri), "http://127.0.0.1:%d%s", g_port, path);
	return agent_fetch_start(g_f, uri, max, on_done, &g_res);
}

START_TEST(test_http_ok)
{
	ck_assert_int_eq(http_get("/ok", 0), 0);
	ck_assert_int_eq(g_res.calls, 0);
	ck_assert_int_eq(http_get("/ok", 0), -EBUSY);
	ck_assert_int_eq(run_until_done(10000), 1);
	ck_assert_msg(g_res.rc == 0, "rc %d: %s", g_res.rc, g_res.msg);
	ck_assert_str_eq(g_res.buf, BODY);
	ck_assert_uint_eq(g_res.len, strlen(BODY));

	/* Again on the same fetcher, through a redirect this time. */
	ck_assert_int_eq(http_get("/redirect", 0), 0);
	ck_assert_int_eq(run_until_done(10000), 1);
	ck_assert_msg(g_res.rc == 0, "rc %d: %s", g_res.rc, g_res.msg);
	ck_assert_str_eq(g_res.buf, BODY);
}
END_TEST

START_TEST(test_http_errors)
{
	ck_assert_int_eq(http_get("/missing", 0), 0);
	ck_assert_int_eq(run_until_done(10000), 1);
	ck_assert_int_eq(g_res.rc, -ENOENT);
	ck_assert_str_eq(g_res.msg, "HTTP 404");

	ck_assert_int_eq(http_get("/500", 0), 0);
	ck_assert_int_eq(run_until_done(10000), 1);
	ck_assert_int_eq(g_res.rc, -EIO);
	ck_assert_str_eq(g_res.msg, "HTTP 500");
}
END_TEST

START_TEST(test_http_truncated)
{
	ck_assert_int_eq(http_get("/trunc", 0), 0);
	ck_assert_int_eq(run_until_done(10000), 1);
	ck_assert_int_eq(g_res.rc, -EIO);
	ck_assert_msg(strstr(g_res.msg, "closed") != NULL, "%s", g_res.msg);
}
END_TEST

START_TEST(test_http_too_big)
{
	/* Announced by Content-Length: refused before the body. */
	ck_assert_int_eq(http_get("/big", 1000), 0);
	ck_assert_int_eq(run_until_done(10000), 1);
	ck_assert_int_eq(g_res.rc, -EFBIG);
	ck_assert_ptr_nonnull(strstr(g_res.msg, "1000 bytes"));

	/* An endless body: aborted as soon as it passes the limit. */
	ck_assert_int_eq(http_get("/stream", 100000), 0);
	ck_assert_int_eq(run_until_done(10000), 1);
	ck_assert_int_eq(g_res.rc, -EFBIG);
}
END_TEST

static void
tick(void *arg)
{
	struct agent_timer *t = arg;

	g_res.len++;
	agent_timer_start(g_ev, t, 20);
}

START_TEST(test_http_timeout)
{
	struct agent_timer t;

	/* The loop keeps running other work while curl waits. */
	agent_timer_init(&t, tick, &t);
	agent_timer_start(g_ev, &t, 20);
	ck_assert_int_eq(agent_fetch_set_timeouts(g_f, 0, 400), 0);
	ck_assert_int_eq(http_get("/hang", 0), 0);
	ck_assert_int_eq(run_until_done(10000), 1);
	agent_timer_stop(&t);
	ck_assert_int_eq(g_res.rc, -ETIMEDOUT);
	ck_assert_uint_ge(g_res.len, 5);
}
END_TEST

START_TEST(test_http_refused)
{
	struct sockaddr_in sin;
	int fd = listen_any(&sin);
	char uri[128];

	close(fd); /* nothing listens there now */
	snprintf(uri, sizeof(uri), "http://127.0.0.1:%d/ok",
		 ntohs(sin.sin_port));
	ck_assert_int_eq(agent_fetch_start(g_f, uri, 0, on_done, &g_res), 0);
	ck_assert_int_eq(run_until_done(10000), 1);
	ck_assert_int_eq(g_res.rc, -EIO);
	ck_assert_str_ne(g_res.msg, "");
}
END_TEST

START_TEST(test_https_to_plain)
{
	char uri[128];

	/* https: is accepted; a TLS failure comes back with curl's text. */
	snprintf(uri, sizeof(uri), "https://127.0.0.1:%d/ok", g_port);
	ck_assert_int_eq(agent_fetch_start(g_f, uri, 0, on_done, &g_res), 0);
	ck_assert_int_eq(run_until_done(10000), 1);
	ck_assert_int_eq(g_res.rc, -EIO);
	ck_assert_str_ne(g_res.msg, "");
}
END_TEST

static int
count_fds(void)
{
	int fd, n = 0;

	for (fd = 0; fd < 1024; fd++)
		if (fcntl(fd, F_GETFD) >= 0)
			n++;
	return n;
}

START_TEST(test_http_cancel)
{
	int i, before;

	/* Count without the fixture's fetcher (curl's multi has fds too). */
	agent_fetch_destroy(g_f);
	before = count_fds();
	ck_assert_int_eq(agent_fetch_create(&g_f, g_ev), 0);

	ck_assert_int_eq(http_get("/hang", 0), 0);
	for (i = 0; i < 5; i++)
		agent_event_run_once(g_ev, 10);
	agent_fetch_cancel(g_f);
	for (i = 0; i < 5; i++)
		agent_event_run_once(g_ev, 10);
	ck_assert_int_eq(g_res.calls, 0);
	ck_assert_int_eq(http_get("/ok", 0), 0);
	ck_assert_int_eq(run_until_done(10000), 1);
	ck_assert_int_eq(g_res.rc, 0);
	/* Destroying with a transfer in flight releases everything. */
	ck_assert_int_eq(http_get("/hang", 0), 0);
	for (i = 0; i < 5; i++)
		agent_event_run_once(g_ev, 10);
	ck_assert_int_gt(count_fds(), before);
	agent_fetch_destroy(g_f);
	g_f = NULL;
	ck_assert_int_eq(count_fds(), before);
}
END_TEST

static Suite *
fetch_suite(void)
{
	Suite *s = suite_create("agent_fetch");
	TCase *tc = tcase_create("file");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_file_ok);
	tcase_add_test(tc, test_file_forms);
	tcase_add_test(tc, test_file_missing);
	tcase_add_test(tc, test_file_too_big);
	tcase_add_test(tc, test_file_directory);
	tcase_add_test(tc, test_uri_errors);
	tcase_add_test(tc, test_busy_cancel);
	tcase_add_test(tc, test_destroy_in_handler);
	suite_add_tcase(s, tc);

	tc = tcase_create("http");
	tcase_add_checked_fixture(tc, http_setup, http_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_http_ok);
	tcase_add_test(tc, test_http_errors);
	tcase_add_test(tc, test_http_truncated);
	tcase_add_test(tc, test_http_too_big);
	tcase_add_test(tc, test_http_timeout);
	tcase_add_test(tc, test_http_refused);
	tcase_add_test(tc, test_https_to_plain);
	tcase_add_test(tc, test_http_cancel);
	suite_add_tcase(s, tc);
	return s;
}

GWTEST_MAIN(fetch_suite)
