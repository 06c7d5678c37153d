/* SPDX-License-Identifier: ISC */
/*
 * agent/core/daemon.c: loads of INI text (dry run, summary, save before
 * apply) and the summary line.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
	struct ini_diags *d;
	char msg[256];

	log_register(quiet);
	snprintf(g_dir, sizeof(g_dir), "/tmp/gwdaemonXXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(g_dir));
	snprintf(g_ini, sizeof(g_ini), "%s/gateway.ini", g_dir);
	memset(&g, 0, sizeof(g));
	g.opts.gateway_ini = g_ini;
	ck_assert_int_eq(gwagent_init(&g, &sc), 0);
	ck_assert_int_eq(ini_diags_create(&d), 0);
	ck_assert_int_eq(gwagent_load_text(&g, FIXTURE, strlen(FIXTURE),
					   "f.ini", 1, 1, d, msg, sizeof(msg)),
			 0);
	ck_assert_str_eq(msg, "added 3, removed 0, re-registered 0 bindings; "
			      "38 parameters changed");
	ini_diags_destroy(d);
}

static void
teardown(void)
{
	char path[160];

	gwagent_fini(&g);
	unlink(g_ini);
	snprintf(path, sizeof(path), "%s/notadir", g_dir);
	unlink(path);
	rmdir(g_dir);
	log_register(NULL);
}

static char *
slurp(const char *path, size_t *len)
{
	char *buf = NULL;

	ck_assert_int_eq(agent_persist_read(path, 1 << 20, &buf, len), 0);
	return buf;
}

/* A dry run of a file that would remove every binding: the summary, and
 * nothing changed (configuration, bindings, file). */
START_TEST(test_dry_run_changes_nothing)
{
	const char *one = "RegistrationTime = 300\n";
	const struct ini_conf *before = agent_config_conf(g.config);
	struct ini_diags *d;
	char msg[256], *f1, *f2;
	size_t l1, l2;

	f1 = slurp(g_ini, &l1);
	ck_assert_int_eq(ini_diags_create(&d), 0);
	ck_assert_int_eq(gwagent_load_text(&g, one, strlen(one), "one.ini", 3,
					   1, d, msg, sizeof(msg)),
			 0);
	/* 5 scalars (4 back to defaults, RegistrationTime) and every cell
	 * of the ProxyIp, IPGroup and two Account rows that go */
	ck_assert_uint_eq(5 + ini_table_ncolumns(INI_TABLE_PROXYIP) +
				  ini_table_ncolumns(INI_TABLE_IPGROUP) +
				  2 * ini_table_ncolumns(INI_TABLE_ACCOUNT),
			  39);
	ck_assert_str_eq(msg, "would add 0, remove 3, re-register 0 bindings; "
			      "39 parameters change");
	ck_assert_ptr_eq(agent_config_conf(g.config), before);
	ck_assert_uint_eq(agent_bindings_count(g.bindings), 3);
	f2 = slurp(g_ini, &l2);
	ck_assert_uint_eq(l1, l2);
	ck_assert_int_eq(memcmp(f1, f2, l1), 0);
	free(f2);

	/* the real load does it, and says so */
	ck_assert_int_eq(gwagent_load_text(&g, one, strlen(one), "one.ini", 1,
					   1, d, msg, sizeof(msg)),
			 0);
	ck_assert_str_eq(msg, "added 0, removed 3, re-registered 0 bindings; "
			      "39 parameters changed");
	ck_assert_uint_eq(agent_bindings_count(g.bindings), 0);
	f2 = slurp(g_ini, &l2);
	ck_assert(l1 != l2 || memcmp(f1, f2, l1) != 0);
	free(f1);
	free(f2);
	ini_diags_destroy(d);
}
END_TEST

/* Save before apply: a load the file refuses is not run at all. */
START_TEST(test_unsaved_load_is_not_applied)
{
	const char *line = "RegistrationTime = 900\n";
	struct ini_diags *d;
	struct agent_config *c;
	char msg[256], path[160], expect[300];
	FILE *fp;

	/* the gateway INI below a regular file: ENOTDIR on every write */
	snprintf(path, sizeof(path), "%s/notadir", g_dir);
	fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	fclose(fp);
	strcat(path, "/gateway.ini");
	ck_assert_int_eq(agent_config_create(&c, path), 0);
	ck_assert_int_eq(ini_diags_create(&d), 0);
	ck_assert_int_eq(agent_config_load_buffer(c, FIXTURE, strlen(FIXTURE),
						  "f.ini", INI_APPLY_FULL, NULL,
						  d),
			 0);
	agent_config_destroy(g.config);
	g.config = c;
	ck_assert_int_eq(gwagent_load_text(&g, line, strlen(line), "l.ini", 2,
					   1, d, msg, sizeof(msg)),
			 -ENOTDIR);
	snprintf(expect, sizeof(expect),
		 "cannot save %s: Not a directory; nothing applied", path);
	ck_assert_str_eq(msg, expect);
	ck_assert_int_eq(ini_conf_get_int(agent_config_conf(g.config),
					  INI_P_REGISTRATION_TIME),
			 180);
	ck_assert_uint_eq(agent_bindings_count(g.bindings), 3);
	ck_assert_int_eq(agent_bindings_last_sync(g.bindings)->added, 3);
	/* a dry run (of a full load) needs no file */
	ck_assert_int_eq(gwagent_load_text(&g,
					   FIXTURE "RegistrationTime = 900\n",
					   strlen(FIXTURE) + 23, "l.ini", 3, 1,
					   d, msg, sizeof(msg)),
			 0);
	ck_assert_str_eq(msg, "would add 0, remove 0, re-register 3 bindings; "
			      "1 parameter change");
	/* errors: the reasons are in the diagnostics, msg stays empty */
	ini_diags_clear(d);
	ck_assert_int_eq(gwagent_load_text(&g, "RegistrationTime = 1\n", 21,
					   "bad.ini", 2, 1, d, msg,
					   sizeof(msg)),
			 -EINVAL);
	ck_assert_str_eq(msg, "");
	ck_assert_uint_eq(ini_diags_errors(d), 1);
	ini_diags_destroy(d);
}
END_TEST

START_TEST(test_summary)
{
	struct agent_sync_stats st = { 3, 17, 412 };
	char buf[256];

	ck_assert_int_eq(gwagent_load_summary(buf, sizeof(buf), &st, 9, 1), 0);
	ck_assert_str_eq(buf, "would add 3, remove 412, re-register 17 "
			      "bindings; 9 parameters change");
	ck_assert_int_eq(gwagent_load_summary(buf, sizeof(buf), &st, 9, 0), 0);
	ck_assert_str_eq(buf, "added 3, removed 412, re-registered 17 "
			      "bindings; 9 parameters changed");
	ck_assert_int_eq(gwagent_load_summary(buf, sizeof(buf), NULL, 9, 0),
			 -EINVAL);
}
END_TEST

static Suite *
daemon_suite(void)
{
	Suite *s = suite_create("agent_daemon");
	TCase *tc = tcase_create("load");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_dry_run_changes_nothing);
	tcase_add_test(tc, test_unsaved_load_is_not_applied);
	suite_add_tcase(s, tc);
	tc = tcase_create("text");
	tcase_add_test(tc, test_summary);
	suite_add_tcase(s, tc);
	return s;
}

GWTEST_MAIN(daemon_suite)
