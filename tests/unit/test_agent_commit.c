/* SPDX-License-Identifier: ISC */
/*
 * agent/core/daemon.c, gwagent_commit(): the one path by which a
 * configuration becomes the running one.  Saved before it runs; refused
 * whole when it fails its check or cannot be saved; held by a SET
 * transaction until done or undone; SIGHUP adopts without writing.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/core/event.h"
#include "agent/core/gwagent.h"
#include "agent/core/log.h"
#include "tests/unit/agent_fixture.h"
#include "tests/unit/gwtest.h"

static struct gwagent g;
static char g_dir[64], g_ini[128];

static void
quiet(int prio, const char *msg)
{
	(void)prio;
	(void)msg;
}

static void
setup(void)
{
	struct agent_sip_conf sc = { .local_addr = "127.0.0.1" };
	char msg[256];

	log_register(quiet);
	snprintf(g_dir, sizeof(g_dir), "/tmp/gwcommitXXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(g_dir));
	snprintf(g_ini, sizeof(g_ini), "%s/gateway.ini", g_dir);
	memset(&g, 0, sizeof(g));
	g.opts.gateway_ini = g_ini;
	ck_assert_int_eq(gwagent_init(&g, &sc), 0);
	ck_assert_int_eq(gwagent_load_text(&g, FIXTURE, strlen(FIXTURE),
					   "f.ini", 1, 1, NULL, msg,
					   sizeof(msg)),
			 0);
}

static void
teardown(void)
{
	gwagent_fini(&g);
	unlink(g_ini);
	rmdir(g_dir);
	log_register(NULL);
}

static char *
slurp(size_t *len)
{
	char *buf = NULL;

	ck_assert_int_eq(agent_persist_read(g_ini, 1 << 20, &buf, len), 0);
	return buf;
}

/* A copy of the running configuration with RegistrationTime @p rt. */
static struct ini_conf *
next_with(long rt)
{
	struct ini_conf *c = NULL;
	char v[32];

	ck_assert_int_eq(ini_conf_dup(agent_config_conf(g.config), &c), 0);
	snprintf(v, sizeof(v), "%ld", rt);
	ck_assert_int_eq(ini_conf_set(c, INI_P_REGISTRATION_TIME, v, NULL, 0),
			 0);
	return c;
}

static long
running_rt(void)
{
	return ini_conf_get_int(agent_config_conf(g.config),
				INI_P_REGISTRATION_TIME);
}

START_TEST(test_commit_saves_then_runs)
{
	struct gwagent_change ch = { .why = "test", .save = 1, .sync_now = 1 };
	struct ini_conf *next = next_with(600);
	size_t len;
	char *f;

	ck_assert_int_eq(gwagent_commit(&g, next, &ch, NULL), 0);
	ck_assert_ptr_eq(agent_config_conf(g.config), next);
	ck_assert_int_eq(running_rt(), 600);
	f = slurp(&len);
	ck_assert_ptr_nonnull(strstr(f, "RegistrationTime = 600"));
	free(f);
	/* the bindings followed at once (sync_now): all re-registered */
	ck_assert_uint_eq(agent_bindings_last_sync(g.bindings)->updated, 3);
}
END_TEST

/* A configuration that fails its check changes nothing, not the file. */
START_TEST(test_commit_refuses_inconsistent)
{
	struct gwagent_change ch = { .why = "test", .save = 1 };
	struct ini_conf *next = next_with(600);
	size_t l1, l2;
	char *f1 = slurp(&l1), *f2;

	/* an account served by an IP group that does not exist */
	ck_assert_int_eq(ini_conf_row_set(next, INI_P_ACCOUNT_SERVING_IP_GROUP,
					  3, "7", NULL, 0),
			 0);
	ck_assert_int_eq(gwagent_commit(&g, next, &ch, NULL), -EINVAL);
	ck_assert_int_eq(running_rt(), 180);
	f2 = slurp(&l2);
	ck_assert_uint_eq(l1, l2);
	ck_assert_int_eq(memcmp(f1, f2, l1), 0);
	ini_conf_destroy(next); /* still the caller's */
	free(f1);
	free(f2);
}
END_TEST

/* Cannot save: refused, nothing runs, the configuration is the caller's. */
START_TEST(test_commit_unsaved_not_applied)
{
	struct gwagent_change ch = { .why = "test", .save = 1 };
	struct ini_conf *next = next_with(600);

	ck_assert_int_eq(chmod(g_dir, 0500), 0);
	if (access(g_dir, W_OK) == 0) { /* root writes anyway: a file */
		ck_assert_int_eq(chmod(g_dir, 0700), 0);
		ck_assert_int_eq(unlink(g_ini), 0);
		ck_assert_int_eq(mkdir(g_ini, 0700), 0);
	}
	ck_assert_int_lt(gwagent_commit(&g, next, &ch, NULL), 0);
	ck_assert_int_eq(running_rt(), 180);
	ini_conf_destroy(next);
	chmod(g_dir, 0700);
	rmdir(g_ini);
}
END_TEST

/* A SET transaction: held (saved and running, the old one kept), then
 * undone (the old one runs and is saved again) or done. */
START_TEST(test_commit_hold_undo_done)
{
	struct gwagent_change ch = { .why = "SNMP", .save = 1, .hold = 1 };
	struct ini_conf *old = NULL, *next;
	size_t len;
	char *f;

	ck_assert_int_eq(gwagent_commit(&g, next_with(600), &ch, &old), 0);
	ck_assert_ptr_nonnull(old);
	ck_assert_int_eq(running_rt(), 600);
	f = slurp(&len);
	ck_assert_ptr_nonnull(strstr(f, "RegistrationTime = 600"));
	free(f);
	gwagent_commit_undo(&g, old);
	ck_assert_int_eq(running_rt(), 180);
	f = slurp(&len);
	ck_assert_ptr_null(strstr(f, "RegistrationTime = 600"));
	free(f);

	old = NULL;
	ck_assert_int_eq(gwagent_commit(&g, next_with(900), &ch, &old), 0);
	gwagent_commit_done(&g, old, "SNMP");
	ck_assert_int_eq(running_rt(), 900);
	/* the bindings follow from the loop */
	agent_event_run_once(g.ev, 0);
	ck_assert_uint_eq(agent_bindings_last_sync(g.bindings)->updated, 3);
	/* hold needs somewhere to put the old configuration */
	next = next_with(60);
	ck_assert_int_eq(gwagent_commit(&g, next, &ch, NULL), -EINVAL);
	ini_conf_destroy(next);
}
END_TEST

/* SIGHUP: the file is the source; it is adopted, not written. */
START_TEST(test_commit_adopt_writes_nothing)
{
	struct gwagent_change ch = { .why = "SIGHUP", .sync_now = 1 };
	size_t l1, l2;
	char *f1 = slurp(&l1), *f2;

	ck_assert_int_eq(gwagent_commit(&g, next_with(600), &ch, NULL), 0);
	ck_assert_int_eq(running_rt(), 600);
	f2 = slurp(&l2);
	ck_assert_uint_eq(l1, l2);
	ck_assert_int_eq(memcmp(f1, f2, l1), 0);
	free(f1);
	free(f2);
}
END_TEST

static Suite *
commit_suite(void)
{
	Suite *s = suite_create("agent_commit");
	TCase *tc = tcase_create("commit");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_commit_saves_then_runs);
	tcase_add_test(tc, test_commit_refuses_inconsistent);
	tcase_add_test(tc, test_commit_unsaved_not_applied);
	tcase_add_test(tc, test_commit_hold_undo_done);
	tcase_add_test(tc, test_commit_adopt_writes_nothing);
	suite_add_tcase(s, tc);
	return s;
}

GWTEST_MAIN(commit_suite)
