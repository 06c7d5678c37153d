/* SPDX-License-Identifier: ISC */
/*
 * agent/core/fetch.c and fetch_safe.c: file: URIs from a temporary directory
 * (confined beneath it), URI redaction, allow-lists, netrc checks, and
 * http: against a tiny HTTP/1.1 server forked on 127.0.0.1 (a
 * kernel-chosen free port), all driven through the agent_event loop with
 * bounded iterations and a deadline.
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
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "agent/core/event.h"
#include "agent/core/fetch.h"
#include "agent/core/log.h"
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
	ck_assert_int_eq(agent_fetch_set_ini_dir(g_f, g_dir), 0);
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

/* --- redaction, confinement, allow-list, netrc (fetch_safe.c) --------- */

START_TEST(test_redact)
{
	static const char *cases[][2] = {
		{ "http://host/x.ini", "http://host/x.ini" },
		{ "http://user@host/x.ini", "http://user@host/x.ini" },
		{ "http://user:S3cr3tPW@host/x.ini", "http://user@host/x.ini" },
		{ "https://u:p%40w%3A@host:8443/a", "https://u@host:8443/a" },
		{ "http://u:p@w@host/a", "http://u@host/a" },
		{ "http://u:@host/", "http://u@host/" },
		{ "http://:pw@host/", "http://@host/" },
		{ "http://host/a:b@c/x.ini", "http://host/a:b@c/x.ini" },
		{ "http://host/p?q=u:p@x", "http://host/p?q=u:p@x" },
		{ "http://u:pw@[::1]:80/x", "http://u@[::1]:80/x" },
		{ "http://[fe80::1]/a:b@c", "http://[fe80::1]/a:b@c" },
		{ "HTTP:/u:pw@host/x", "HTTP:/u@host/x" },
		{ "http:u:pw@host/x", "http:u@host/x" },
		{ "ftp://u:pw@host/x", "ftp://u@host/x" },
		{ "file:///a:b@c/x.ini", "file:///a:b@c/x.ini" },
		{ "file:/a:b@c", "file:/a:b@c" },
		{ "no scheme u:pw@x", "no scheme u:pw@x" },
		{ "", "" },
	};
	char out[256], small[12];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_int_eq(
			agent_uri_redact(cases[i][0], out, sizeof(out)), 0);
		ck_assert_str_eq(out, cases[i][1]);
	}
	ck_assert_int_eq(agent_uri_redact("http://u:pw@h/xxxxxxxx", small,
					  sizeof(small)),
			 -ENAMETOOLONG);
	ck_assert_str_eq(small, "http://u@h/");
	ck_assert_int_eq(agent_uri_redact(NULL, out, sizeof(out)), -EINVAL);
	ck_assert_int_eq(agent_uri_redact("x", out, 0), -EINVAL);
}
END_TEST

static char g_ini[64];

static void
confine_setup(void)
{
	char path[256];

	setup();
	snprintf(g_ini, sizeof(g_ini), "%s/ini", g_dir);
	ck_assert_int_eq(mkdir(g_ini, 0700), 0);
	ck_assert_int_eq(agent_fetch_set_ini_dir(g_f, g_ini), 0);
	write_file("outside.ini", BODY, path, sizeof(path));
	write_file("ini/gw.ini", BODY, path, sizeof(path));
	snprintf(path, sizeof(path), "%s/sub", g_ini);
	ck_assert_int_eq(mkdir(path, 0700), 0);
}

/* Load file://@p path; @return the handler's rc. */
static int
load_path(const char *path)
{
	char uri[400];

	g_res.calls = 0;
	snprintf(uri, sizeof(uri), "file://%s", path);
	ck_assert_int_eq(agent_fetch_start(g_f, uri, 0, on_done, &g_res), 0);
	ck_assert_int_eq(run_until_done(2000), 1);
	return g_res.rc;
}

static void
link_in(const char *target, const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", g_ini, name);
	ck_assert_int_eq(symlink(target, path), 0);
}

START_TEST(test_confine_inside)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/gw.ini", g_ini);
	ck_assert_int_eq(load_path(path), 0);
	ck_assert_str_eq(g_res.buf, BODY);
	/* "." and doubled slashes are no way out, nor a link inside. */
	snprintf(path, sizeof(path), "%s//./gw.ini", g_ini);
	ck_assert_int_eq(load_path(path), 0);
	link_in("gw.ini", "same.ini");
	snprintf(path, sizeof(path), "%s/same.ini", g_ini);
	ck_assert_int_eq(load_path(path), 0);
	/* Ordinary errors inside may be told. */
	snprintf(path, sizeof(path), "%s/none.ini", g_ini);
	ck_assert_int_eq(load_path(path), -ENOENT);
	ck_assert_str_eq(g_res.msg, strerror(ENOENT));
	snprintf(path, sizeof(path), "%s/sub", g_ini);
	ck_assert_int_eq(load_path(path), -EISDIR);
}
END_TEST

START_TEST(test_confine_outside)
{
	char paths[12][256];
	int i, n = 0;

	snprintf(paths[n++], 256, "%s/outside.ini", g_dir); /* exists */
	snprintf(paths[n++], 256, "%s/none.ini", g_dir);    /* does not */
	snprintf(paths[n++], 256, "%s", g_dir);		    /* a directory */
	snprintf(paths[n++], 256, "/etc/passwd");
	snprintf(paths[n++], 256, "%s/../outside.ini", g_ini);
	snprintf(paths[n++], 256, "%s/sub/../gw.ini", g_ini); /* ".." at all */
	snprintf(paths[n++], 256, "%s/%%2e%%2e/outside.ini",
		 g_ini); /* escaped */
	link_in("/etc/passwd", "abs.ini");
	snprintf(paths[n++], 256, "%s/abs.ini", g_ini);
	link_in("../outside.ini", "rel.ini");
	snprintf(paths[n++], 256, "%s/rel.ini", g_ini);
	link_in("loop.ini", "loop.ini");
	snprintf(paths[n++], 256, "%s/loop.ini", g_ini);
	link_in("/", "root");
	snprintf(paths[n++], 256, "%s/root/etc/passwd", g_ini);
	for (i = 0; i < n; i++) {
		ck_assert_msg(load_path(paths[i]) == AGENT_FETCH_OUTSIDE,
			      "%s: %d", paths[i], g_res.rc);
		/* byte-identical, whatever is there */
		ck_assert_str_eq(g_res.msg, AGENT_FETCH_OUTSIDE_MSG);
	}
	ck_assert_str_eq(g_res.msg, "path is outside the allowed directory");
	/* No directory set: nothing is beneath it. */
	ck_assert_int_eq(agent_fetch_set_ini_dir(g_f, NULL), 0);
	snprintf(paths[0], 256, "%s/gw.ini", g_ini);
	ck_assert_int_eq(load_path(paths[0]), AGENT_FETCH_OUTSIDE);
	ck_assert_int_eq(agent_fetch_set_ini_dir(g_f, "relative"), -EINVAL);
}
END_TEST

START_TEST(test_confine_special)
{
	char path[256];

	/* A FIFO nobody writes to: refused at once, never opened. */
	snprintf(path, sizeof(path), "%s/fifo.ini", g_ini);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	ck_assert_int_eq(load_path(path), -EINVAL);
	ck_assert_str_eq(g_res.msg, "not a regular file");
	/* A device node inside (only root may make one). */
	snprintf(path, sizeof(path), "%s/zero.ini", g_ini);
	if (mknod(path, S_IFCHR | 0600, makedev(1, 5)) == 0) {
		ck_assert_int_eq(load_path(path), -EINVAL);
		ck_assert_str_eq(g_res.msg, "not a regular file");
	}
	/* /dev/zero through a symlink is outside. */
	link_in("/dev/zero", "dev.ini");
	snprintf(path, sizeof(path), "%s/dev.ini", g_ini);
	ck_assert_int_eq(load_path(path), AGENT_FETCH_OUTSIDE);
	ck_assert_str_eq(g_res.msg, AGENT_FETCH_OUTSIDE_MSG);
	/* The directory itself gone: said so, not "outside". */
	ck_assert_int_eq(agent_fetch_set_ini_dir(g_f, "/nonexistent/ini"), 0);
	ck_assert_int_eq(load_path("/nonexistent/ini/gw.ini"), -ENXIO);
}
END_TEST

/*
 * The fallback without openat2(2): a child whose seccomp filter makes
 * openat2 fail with ENOSYS, as on kernels before 5.6, runs the cases and
 * exits with the number of the first one that went wrong.
 */
static int
deny_openat2(void)
{
	struct sock_filter insns[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_openat2, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof(insns) / sizeof(insns[0]),
				   .filter = insns };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0)
		return -1;
	return syscall(SYS_openat2, AT_FDCWD, "/", NULL, 0) < 0 &&
			       errno == ENOSYS
		       ? 0
		       : -1;
}

static int
walk_case(const char *rel, int want)
{
	char path[256], *buf = NULL;
	size_t len = 0;
	int rc;

	snprintf(path, sizeof(path), "%s/%s", g_ini, rel);
	rc = agent_fetch_read_beneath(g_ini, path, 1000, &buf, &len);
	if (rc == 0 && (len != strlen(BODY) || strcmp(buf, BODY) != 0))
		rc = -EBADMSG;
	free(buf);
	return rc == want;
}

static int
walk_cases(void)
{
	static const struct {
		const char *rel;
		int want;
	} cases[] = {
		{ "gw.ini", 0 },
		{ "./sub/../gw.ini", AGENT_FETCH_OUTSIDE },
		{ "abs.ini", AGENT_FETCH_OUTSIDE },
		{ "rel.ini", AGENT_FETCH_OUTSIDE },
		{ "loop.ini", AGENT_FETCH_OUTSIDE },
		{ "same.ini", AGENT_FETCH_OUTSIDE }, /* no symlink at all */
		{ "root/etc/passwd", AGENT_FETCH_OUTSIDE },
		{ "fifo.ini", -EINVAL },
		{ "sub", -EISDIR },
		{ "none.ini", -ENOENT },
		{ "sub/none.ini", -ENOENT },
		{ "gw.ini/x", -ENOTDIR },
	};
	size_t i;

	if (deny_openat2() < 0)
		return 100;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (!walk_case(cases[i].rel, cases[i].want))
			return (int)i + 1;
	return 0;
}

START_TEST(test_confine_without_openat2)
{
	char path[256];
	pid_t pid;
	int st;

	link_in("/etc/passwd", "abs.ini");
	link_in("../outside.ini", "rel.ini");
	link_in("loop.ini", "loop.ini");
	link_in("gw.ini", "same.ini");
	link_in("/", "root");
	snprintf(path, sizeof(path), "%s/fifo.ini", g_ini);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(walk_cases());
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st));
	ck_assert_msg(WEXITSTATUS(st) == 0, "case %d failed (100: no seccomp)",
		      WEXITSTATUS(st));
}
END_TEST

START_TEST(test_read_beneath_args)
{
	char *buf = NULL;
	size_t len = 0;

	ck_assert_int_eq(agent_fetch_read_beneath(g_ini, NULL, 10, &buf, &len),
			 -EINVAL);
	ck_assert_int_eq(agent_fetch_read_beneath(g_ini, "rel", 10, &buf, &len),
			 AGENT_FETCH_OUTSIDE);
	ck_assert_ptr_null(buf);
	ck_assert_str_eq(agent_fetch_strerror(AGENT_FETCH_OUTSIDE),
			 AGENT_FETCH_OUTSIDE_MSG);
}
END_TEST

static void
sin_of(const char *text, struct sockaddr_storage *ss)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, text, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		return;
	}
	ck_assert_int_eq(inet_pton(AF_INET6, text, &sin6->sin6_addr), 1);
	sin6->sin6_family = AF_INET6;
}

static int
allowed(const struct agent_fetch_allow *a, const char *addr)
{
	struct sockaddr_storage ss;

	sin_of(addr, &ss);
	return agent_fetch_allow_match(a, (struct sockaddr *)&ss);
}

START_TEST(test_allow_list)
{
	static const char *bad[] = {
		"",	   "  , ",	"host.example", "10.0.0.0/33",
		"::1/129", "10.0.0.0/", "10.0.0/8",	"1.2.3.4/-1",
		NULL
	};
	struct agent_fetch_allow *a = NULL;
	int i;

	for (i = 0; bad[i] != NULL; i++) {
		ck_assert_msg(agent_fetch_allow_create(&a, bad[i]) == -EINVAL,
			      "%s", bad[i]);
		ck_assert_ptr_null(a);
	}
	ck_assert_int_eq(agent_fetch_allow_create(
				 &a,
				 "127.0.0.1, ::1 10.0.0.0/8,"
				 "192.168.1.77/25\tfd00::/8, 172.16.0.0/12"),
			 0);
	ck_assert(allowed(a, "127.0.0.1"));
	ck_assert(!allowed(a, "127.0.0.2"));
	ck_assert(allowed(a, "::1"));
	ck_assert(!allowed(a, "::2"));
	ck_assert(allowed(a, "10.255.1.2"));
	ck_assert(!allowed(a, "11.0.0.1"));
	ck_assert(allowed(a, "192.168.1.0"));
	ck_assert(allowed(a, "192.168.1.127"));
	ck_assert(!allowed(a, "192.168.1.128"));
	ck_assert(allowed(a, "172.31.255.255"));
	ck_assert(!allowed(a, "172.32.0.0"));
	ck_assert(allowed(a, "fd12:3456::1"));
	ck_assert(!allowed(a, "fe80::1"));
	ck_assert(allowed(a, "::ffff:10.1.2.3")); /* v4-mapped counts as v4 */
	ck_assert(!allowed(a, "::ffff:8.8.8.8"));
	ck_assert(!agent_fetch_allow_match(NULL, NULL));
	agent_fetch_allow_destroy(a);
	ck_assert_int_eq(agent_fetch_allow_create(&a, "0.0.0.0/0"), 0);
	ck_assert(allowed(a, "8.8.8.8"));
	ck_assert(!allowed(a, "2001:db8::1"));
	agent_fetch_allow_destroy(a);
	agent_fetch_allow_destroy(NULL);
}
END_TEST

START_TEST(test_netrc_check)
{
	char path[256], link[300], err[512];

	write_file("netrc", "machine 127.0.0.1 login u password p\n", path,
		   sizeof(path));
	ck_assert_int_eq(chmod(path, 0600), 0);
	ck_assert_int_eq(agent_fetch_netrc_check(path, err, sizeof(err)), 0);
	ck_assert_int_eq(chmod(path, 0400), 0);
	ck_assert_int_eq(agent_fetch_netrc_check(path, err, sizeof(err)), 0);
	ck_assert_int_eq(chmod(path, 0640), 0);
	ck_assert_int_eq(agent_fetch_netrc_check(path, err, sizeof(err)),
			 -EPERM);
	ck_assert_ptr_nonnull(strstr(err, "0640"));
	ck_assert_ptr_null(strstr(err, "password"));
	ck_assert_int_eq(chmod(path, 0604), 0);
	ck_assert_int_eq(agent_fetch_netrc_check(path, err, sizeof(err)),
			 -EPERM);
	ck_assert_int_eq(chmod(path, 0600), 0);
	if (geteuid() == 0) { /* someone else's file */
		ck_assert_int_eq(chown(path, 12345, 12345), 0);
		ck_assert_int_eq(
			agent_fetch_netrc_check(path, err, sizeof(err)),
			-EPERM);
		ck_assert_ptr_nonnull(strstr(err, "owned by"));
	}
	snprintf(link, sizeof(link), "%s/netrc.link", g_dir);
	ck_assert_int_eq(symlink(path, link), 0);
	ck_assert_int_eq(agent_fetch_netrc_check(link, err, sizeof(err)),
			 -ELOOP);
	ck_assert_int_eq(agent_fetch_netrc_check(g_dir, err, sizeof(err)),
			 -EINVAL);
	snprintf(link, sizeof(link), "%s/none", g_dir);
	ck_assert_int_eq(agent_fetch_netrc_check(link, err, sizeof(err)),
			 -ENOENT);
	ck_assert_int_eq(agent_fetch_netrc_check(NULL, err, sizeof(err)),
			 -EINVAL);
}
END_TEST

START_TEST(test_is_gateway_ini)
{
	static const char shadow[] = "root:$6$abc$def:19000:0:99999:7:::\n"
				     "daemon:*:19000:0:99999:7:::\n";
	static const char keys[] = "secret_key = 12345\nother = 2\n";
	static const char late[] = "root:x:0:0\nIsProxyUsed = 1\n";
	static const char dev[] = "; a comment\r\n\r\n[ Account ]\r\n";

	ck_assert_int_eq(agent_fetch_is_gateway_ini(BODY, strlen(BODY)), 1);
	ck_assert_int_eq(agent_fetch_is_gateway_ini("IsProxyUsed = 1\n", 16),
			 1);
	ck_assert_int_eq(agent_fetch_is_gateway_ini(dev, strlen(dev)), 1);
	ck_assert_int_eq(agent_fetch_is_gateway_ini(shadow, strlen(shadow)), 0);
	ck_assert_int_eq(agent_fetch_is_gateway_ini(keys, strlen(keys)), 0);
	ck_assert_int_eq(agent_fetch_is_gateway_ini(late, strlen(late)), 0);
	ck_assert_int_eq(agent_fetch_is_gateway_ini("", 0), 0);
	ck_assert_int_eq(agent_fetch_is_gateway_ini("[ foo ]\n", 8), 0);
	ck_assert_int_eq(agent_fetch_is_gateway_ini(NULL, 0), -EINVAL);
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
	} else if (strcmp(path, "/away") == 0) {
		srv_head(c, "302 Found\r\nLocation: http://127.0.0.2:9/ok", 0);
	} else if (strcmp(path, "/loop") == 0) {
		srv_head(c, "302 Found\r\nLocation: /loop", 0);
	} else if (strcmp(path, "/tofile") == 0) {
		srv_head(c, "302 Found\r\nLocation: file:///etc/passwd", 0);
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
	ck_assert_str_eq(g_res.msg, "HTTP status 404");

	ck_assert_int_eq(http_get("/500", 0), 0);
	ck_assert_int_eq(run_until_done(10000), 1);
	ck_assert_int_eq(g_res.rc, -EIO);
	ck_assert_str_eq(g_res.msg, "HTTP status 500");
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
	ck_assert_str_eq(g_res.msg, "timeout"); /* connected, no answer */
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
	ck_assert_str_eq(g_res.msg, "cannot connect"); /* no "after 0 ms" */
}
END_TEST

START_TEST(test_https_to_plain)
{
	char uri[128];

	/* https: is accepted; a TLS failure is only "cannot connect". */
	snprintf(uri, sizeof(uri), "https://127.0.0.1:%d/ok", g_port);
	ck_assert_int_eq(agent_fetch_start(g_f, uri, 0, on_done, &g_res), 0);
	ck_assert_int_eq(run_until_done(10000), 1);
	ck_assert_int_eq(g_res.rc, -EIO);
	ck_assert_str_eq(g_res.msg, "cannot connect");
}
END_TEST

START_TEST(test_http_allow)
{
	struct agent_fetch_allow *a = NULL;

	/* 127.0.0.1 is not in the list: refused on connect, as a class. */
	ck_assert_int_eq(agent_fetch_allow_create(&a, "10.0.0.0/8, ::1"), 0);
	ck_assert_int_eq(agent_fetch_set_allow(g_f, a), 0);
	ck_assert_int_eq(http_get("/ok", 0), 0);
	ck_assert_int_eq(run_until_done(10000), 1);
	ck_assert_int_eq(g_res.rc, -EPERM);
	ck_assert_str_eq(g_res.msg, "not allowed");
	/* A name that resolves outside is refused the same way. */
	g_res.calls = 0;
	ck_assert_int_eq(agent_fetch_start(g_f, "http://localhost:1/ok", 0,
					   on_done, &g_res),
			 0);
	ck_assert_int_eq(run_until_done(10000), 1);
	ck_assert_str_eq(g_res.msg, "not allowed");
	ck_assert_int_eq(agent_fetch_allow_create(&a, "127.0.0.0/8"), 0);
	ck_assert_int_eq(agent_fetch_set_allow(g_f, a), 0);
	ck_assert_int_eq(http_get("/redirect", 0), 0);
	ck_assert_int_eq(run_until_done(10000), 1);
	ck_assert_msg(g_res.rc == 0, "rc %d: %s", g_res.rc, g_res.msg);
	/* A redirect is checked again where it leads. */
	ck_assert_int_eq(agent_fetch_allow_create(&a, "127.0.0.1"), 0);
	ck_assert_int_eq(agent_fetch_set_allow(g_f, a), 0);
	ck_assert_int_eq(http_get("/away", 0), 0);
	ck_assert_int_eq(run_until_done(10000), 1);
	ck_assert_int_eq(g_res.rc, -EPERM);
	ck_assert_str_eq(g_res.msg, "not allowed");
	ck_assert_int_eq(agent_fetch_set_allow(NULL, NULL), -EINVAL);
}
END_TEST

START_TEST(test_http_redirect_limits)
{
	/* More than 5 redirects, and a redirect to file:, fail. */
	ck_assert_int_eq(http_get("/loop", 0), 0);
	ck_assert_int_eq(run_until_done(10000), 1);
	ck_assert_int_eq(g_res.rc, -EIO);
	ck_assert_str_eq(g_res.msg, "too many redirects");
	ck_assert_int_eq(http_get("/tofile", 0), 0);
	ck_assert_int_eq(run_until_done(10000), 1);
	ck_assert_int_eq(g_res.rc, -EPROTONOSUPPORT);
	ck_assert_ptr_null(strstr(g_res.msg, "/etc"));
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
	tcase_add_test(tc, test_redact);
	tcase_add_test(tc, test_allow_list);
	tcase_add_test(tc, test_netrc_check);
	tcase_add_test(tc, test_is_gateway_ini);
	suite_add_tcase(s, tc);

	tc = tcase_create("confine");
	tcase_add_checked_fixture(tc, confine_setup, teardown);
	tcase_add_test(tc, test_confine_inside);
	tcase_add_test(tc, test_confine_outside);
	tcase_add_test(tc, test_confine_special);
	tcase_add_test(tc, test_confine_without_openat2);
	tcase_add_test(tc, test_read_beneath_args);
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
	tcase_add_test(tc, test_http_allow);
	tcase_add_test(tc, test_http_redirect_limits);
	suite_add_tcase(s, tc);
	return s;
}

GWTEST_MAIN(fetch_suite)
