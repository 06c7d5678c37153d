/* SPDX-License-Identifier: ISC */
/* agent/core/notify.c: the sd_notify datagram, received on sockets of our own
 * (a path and an abstract name), and the refusals. */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "agent/core/notify.h"
#include "tests/unit/gwtest.h"

static char g_dir[32];
static char g_path[64];
static int g_fd = -1;

static void
setup(void)
{
	snprintf(g_dir, sizeof(g_dir), "/tmp/gwnotifyXXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(g_dir));
	snprintf(g_path, sizeof(g_path), "%s/notify", g_dir);
	g_fd = -1;
	unsetenv("NOTIFY_SOCKET");
}

static void
teardown(void)
{
	if (g_fd >= 0)
		close(g_fd);
	unlink(g_path);
	rmdir(g_dir);
	unsetenv("NOTIFY_SOCKET");
}

/* A datagram socket bound to @name ('@' first: abstract). */
static int
listener(const char *name)
{
	struct sockaddr_un sun;
	size_t len = strlen(name);
	socklen_t slen;
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, name, len);
	if (name[0] == '@')
		sun.sun_path[0] = '\0';
	slen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sun, slen), 0);
	return fd;
}

/* The next datagram on g_fd, without blocking. */
static void
expect_datagram(const char *want)
{
	char buf[128];
	ssize_t n = recv(g_fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);

	ck_assert_int_ge(n, 0);
	buf[n] = '\0';
	ck_assert_str_eq(buf, want);
	/* exactly one */
	ck_assert_int_lt(recv(g_fd, buf, sizeof(buf), MSG_DONTWAIT), 0);
}

START_TEST(test_path_socket)
{
	g_fd = listener(g_path);
	ck_assert_int_eq(setenv("NOTIFY_SOCKET", g_path, 1), 0);
	ck_assert_int_eq(agent_sd_notify("READY=1"), 0);
	expect_datagram("READY=1");
	ck_assert_int_eq(agent_sd_notify("STATUS=registering"), 0);
	expect_datagram("STATUS=registering");
}
END_TEST

START_TEST(test_abstract_socket)
{
	char name[64];

	snprintf(name, sizeof(name), "@gwagent-notify-test-%ld",
		 (long)getpid());
	g_fd = listener(name);
	ck_assert_int_eq(setenv("NOTIFY_SOCKET", name, 1), 0);
	ck_assert_int_eq(agent_sd_notify("READY=1"), 0);
	expect_datagram("READY=1");
}
END_TEST

START_TEST(test_not_under_systemd)
{
	/* Unset or empty: nothing to tell, not an error. */
	ck_assert_int_eq(agent_sd_notify("READY=1"), 0);
	ck_assert_int_eq(setenv("NOTIFY_SOCKET", "", 1), 0);
	ck_assert_int_eq(agent_sd_notify("READY=1"), 0);
}
END_TEST

START_TEST(test_refusals)
{
	char longname[200];

	g_fd = listener(g_path);
	ck_assert_int_eq(setenv("NOTIFY_SOCKET", g_path, 1), 0);
	ck_assert_int_eq(agent_sd_notify(NULL), -EINVAL);
	ck_assert_int_eq(agent_sd_notify(""), -EINVAL);
	ck_assert_int_eq(setenv("NOTIFY_SOCKET", "relative/notify", 1), 0);
	ck_assert_int_eq(agent_sd_notify("READY=1"), -EINVAL);
	ck_assert_int_eq(setenv("NOTIFY_SOCKET", "@", 1), 0);
	ck_assert_int_eq(agent_sd_notify("READY=1"), -EINVAL);
	memset(longname, 'x', sizeof(longname) - 1);
	longname[0] = '/';
	longname[sizeof(longname) - 1] = '\0';
	ck_assert_int_eq(setenv("NOTIFY_SOCKET", longname, 1), 0);
	ck_assert_int_eq(agent_sd_notify("READY=1"), -EINVAL);
	/* nothing reached the listener */
	{
		char buf[16];

		ck_assert_int_lt(recv(g_fd, buf, sizeof(buf), MSG_DONTWAIT), 0);
	}
}
END_TEST

START_TEST(test_no_listener)
{
	/* A socket that is not there: the send's errno, no crash. */
	ck_assert_int_eq(setenv("NOTIFY_SOCKET", g_path, 1), 0);
	ck_assert_int_eq(agent_sd_notify("READY=1"), -ENOENT);
}
END_TEST

static Suite *
notify_suite(void)
{
	Suite *s = suite_create("agent_notify");
	TCase *tc = tcase_create("notify");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_path_socket);
	tcase_add_test(tc, test_abstract_socket);
	tcase_add_test(tc, test_not_under_systemd);
	tcase_add_test(tc, test_refusals);
	tcase_add_test(tc, test_no_listener);
	suite_add_tcase(s, tc);
	return s;
}

GWTEST_MAIN(notify_suite)
