/* SPDX-License-Identifier: ISC */
/*
 * agent/core/persist.c: atomic replacement (mode 0600, no temporary file
 * left), bounded reads of regular files only, and the clean-up of what a
 * crash in the middle of a write leaves.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/core/gwagent.h"
#include "tests/unit/gwtest.h"

static char dir[64], path[128];

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/gwpersistXXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/gateway.ini", dir);
}

static void
teardown(void)
{
	char cmd[160];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static size_t
entries(void)
{
	char cmd[160];
	FILE *p;
	unsigned n = 0;

	snprintf(cmd, sizeof(cmd), "ls -A '%s' | wc -l", dir);
	p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(fscanf(p, "%u", &n), 1);
	pclose(p);
	return n;
}

START_TEST(test_write_read)
{
	struct stat st;
	char *buf = NULL;
	size_t len = 0;

	ck_assert_int_eq(agent_persist_write(path, "a = 1\n", 6), 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	ck_assert_int_eq(agent_persist_read(path, 100, &buf, &len), 0);
	ck_assert_uint_eq(len, 6);
	ck_assert_str_eq(buf, "a = 1\n");
	free(buf);
	/* replaced whole, and nothing else left in the directory */
	ck_assert_int_eq(agent_persist_write(path, "b = 22\n", 7), 0);
	ck_assert_int_eq(agent_persist_read(path, 100, &buf, &len), 0);
	ck_assert_str_eq(buf, "b = 22\n");
	free(buf);
	ck_assert_uint_eq(entries(), 1);
	/* an empty file is a file */
	ck_assert_int_eq(agent_persist_write(path, NULL, 0), 0);
	ck_assert_int_eq(agent_persist_read(path, 100, &buf, &len), 0);
	ck_assert_uint_eq(len, 0);
	free(buf);
}
END_TEST

START_TEST(test_read_refuses)
{
	char fifo[160], *buf = NULL;
	size_t len = 0;

	ck_assert_int_eq(agent_persist_write(path, "0123456789", 10), 0);
	ck_assert_int_eq(agent_persist_read(path, 9, &buf, &len), -EFBIG);
	ck_assert_int_eq(agent_persist_read(dir, 100, &buf, &len), -EISDIR);
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	/* not waiting for a writer: refused at once */
	ck_assert_int_eq(agent_persist_read(fifo, 100, &buf, &len), -EINVAL);
	ck_assert_int_eq(agent_persist_read("/nonexistent/x", 100, &buf, &len),
			 -ENOENT);
	ck_assert_int_eq(agent_persist_read(NULL, 100, &buf, &len), -EINVAL);
	ck_assert_ptr_null(buf);
}
END_TEST

START_TEST(test_write_errors)
{
	char file[160], below[200];

	ck_assert_int_eq(agent_persist_write(NULL, "x", 1), -EINVAL);
	ck_assert_int_eq(agent_persist_write(path, NULL, 1), -EINVAL);
	snprintf(file, sizeof(file), "%s/plain", dir);
	ck_assert_int_eq(agent_persist_write(file, "x", 1), 0);
	snprintf(below, sizeof(below), "%s/gateway.ini", file);
	ck_assert_int_eq(agent_persist_write(below, "x", 1), -ENOTDIR);
}
END_TEST

/* What a crash between mkstemp() and rename() leaves goes at start-up;
 * the file itself and other files stay. */
START_TEST(test_cleanup)
{
	char tmp[200], other[200];
	FILE *f;
	int i;

	ck_assert_int_eq(agent_persist_write(path, "x", 1), 0);
	for (i = 0; i < 3; i++) {
		snprintf(tmp, sizeof(tmp), "%s.tmpAB%04d", path, i);
		f = fopen(tmp, "w");
		ck_assert_ptr_nonnull(f);
		fclose(f);
	}
	snprintf(other, sizeof(other), "%s/other.ini", dir);
	f = fopen(other, "w");
	ck_assert_ptr_nonnull(f);
	fclose(f);
	ck_assert_uint_eq(entries(), 5);
	ck_assert_int_eq(agent_persist_cleanup(path), 3);
	ck_assert_uint_eq(entries(), 2);
	ck_assert_int_eq(access(path, F_OK), 0);
	ck_assert_int_eq(access(other, F_OK), 0);
	ck_assert_int_eq(agent_persist_cleanup(path), 0);
}
END_TEST

static Suite *
persist_suite(void)
{
	Suite *s = suite_create("agent_persist");
	TCase *tc = tcase_create("persist");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_write_read);
	tcase_add_test(tc, test_read_refuses);
	tcase_add_test(tc, test_write_errors);
	tcase_add_test(tc, test_cleanup);
	suite_add_tcase(s, tc);
	return s;
}

GWTEST_MAIN(persist_suite)
