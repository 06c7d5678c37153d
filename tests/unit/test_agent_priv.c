/* SPDX-License-Identifier: ISC */
/* agent/core/priv.c and the [agent] user/group/run_as_root settings: the
 * decision, the directories, and (as root) the drop in a child. */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agent/core/priv.h"
#include "agent/core/settings.h"
#include "tests/unit/gwtest.h"

static char g_dir[32];
static char g_path[64];
static char g_err[512];
static struct agent_settings g_s;
static struct agent_priv g_p;

/* An unprivileged account every test machine has. */
static uid_t g_nobody_uid;
static gid_t g_nobody_gid;

static void
setup(void)
{
	struct passwd *pw = getpwnam("nobody");

	ck_assert_ptr_nonnull(pw);
	g_nobody_uid = pw->pw_uid;
	g_nobody_gid = pw->pw_gid;
	snprintf(g_dir, sizeof(g_dir), "/tmp/gwprivXXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(g_dir));
	snprintf(g_path, sizeof(g_path), "%s/gwagentd.conf", g_dir);
	g_err[0] = '\0';
	memset(&g_p, 0x5a, sizeof(g_p));
	ck_assert_int_eq(agent_settings_init(&g_s), 0);
}

static void
teardown(void)
{
	char sub[64];

	agent_settings_free(&g_s);
	snprintf(sub, sizeof(sub), "%s/state", g_dir);
	rmdir(sub);
	unlink(g_path);
	rmdir(g_dir);
}

static int
load(const char *text)
{
	FILE *fp = fopen(g_path, "w");

	ck_assert_ptr_nonnull(fp);
	fputs(text, fp);
	ck_assert_int_eq(fclose(fp), 0);
	g_err[0] = '\0';
	return agent_settings_load(&g_s, g_path, g_err, sizeof(g_err));
}

static int
plan(uid_t euid, const char *user, const char *group, int run_as_root)
{
	g_err[0] = '\0';
	return agent_priv_plan(&g_p, euid, user, group, run_as_root, g_err,
			       sizeof(g_err));
}

/* The plan failed with @p rc, left g_p alone and said @p what. */
static void
refused(int rc, const char *what)
{
	struct agent_priv untouched;

	memset(&untouched, 0x5a, sizeof(untouched));
	ck_assert_msg(memcmp(&g_p, &untouched, sizeof(g_p)) == 0,
		      "a failed plan changed its output");
	ck_assert_msg(rc < 0, "plan succeeded");
	ck_assert_msg(strstr(g_err, what) != NULL, "'%s' not in '%s'", what,
		      g_err);
	(void)rc;
}

START_TEST(test_settings_keys)
{
	ck_assert_ptr_null(g_s.user);
	ck_assert_ptr_null(g_s.group);
	ck_assert_int_eq(g_s.run_as_root, 0);
	ck_assert_int_eq(load("[agent]\nuser = gwagent\ngroup = gwagent\n"), 0);
	ck_assert_str_eq(g_s.user, "gwagent");
	ck_assert_str_eq(g_s.group, "gwagent");
	ck_assert_int_eq(load("[Agent]\nRun_As_Root = yes\n"), 0);
	ck_assert_int_eq(g_s.run_as_root, 1);
	ck_assert_ptr_null(g_s.user);
	ck_assert_int_eq(load("[agent]\nrun_as_root = maybe\n"), -EINVAL);
	ck_assert_msg(strstr(g_err, "run_as_root: 'maybe'") != NULL, "%s",
		      g_err);
	/* the failed load kept the previous value */
	ck_assert_int_eq(g_s.run_as_root, 1);
	ck_assert_int_eq(load("[agent]\nuser = \"gw\tagent\"\n"), -EINVAL);
	ck_assert_msg(strstr(g_err, "[agent] user") != NULL, "%s", g_err);
	ck_assert_int_eq(load("[agent]\nuser =\n"), 0);
	ck_assert_ptr_null(g_s.user);
}
END_TEST

START_TEST(test_plan_root)
{
	/* root with a user drops to it, group: the user's primary one */
	ck_assert_int_eq(plan(0, "nobody", NULL, 0), 0);
	ck_assert_int_eq(g_p.drop, 1);
	ck_assert_uint_eq(g_p.uid, g_nobody_uid);
	ck_assert_uint_eq(g_p.gid, g_nobody_gid);
	ck_assert_str_eq(g_p.user, "nobody");
	ck_assert_str_eq(g_p.group, "");
	/* an explicit group wins */
	ck_assert_int_eq(plan(0, "nobody", "daemon", 0), 0);
	ck_assert_uint_eq(g_p.gid, getgrnam("daemon")->gr_gid);
	ck_assert_str_eq(g_p.group, "daemon");
	/* root allowed explicitly: no drop */
	ck_assert_int_eq(plan(0, NULL, NULL, 1), 0);
	ck_assert_int_eq(g_p.drop, 0);
	ck_assert_str_eq(g_p.user, "");
}
END_TEST

START_TEST(test_plan_refusals)
{
	refused(plan(0, NULL, NULL, 0), "refusing to run as root");
	ck_assert_int_eq(plan(0, NULL, NULL, 0), -EPERM);
	ck_assert_msg(strstr(g_err, "run_as_root = yes") != NULL, "%s", g_err);
	memset(&g_p, 0x5a, sizeof(g_p));
	refused(plan(0, "gwagent-no-such-user", NULL, 0),
		"[agent] user: 'gwagent-no-such-user': no such user");
	ck_assert_int_eq(plan(0, "gwagent-no-such-user", NULL, 0), -ENOENT);
	memset(&g_p, 0x5a, sizeof(g_p));
	refused(plan(0, "nobody", "gwagent-no-such-group", 0),
		"[agent] group: 'gwagent-no-such-group': no such group");
	ck_assert_int_eq(plan(0, "nobody", "gwagent-no-such-group", 0),
			 -ENOENT);
	memset(&g_p, 0x5a, sizeof(g_p));
	refused(plan(0, "root", NULL, 0), "has uid 0");
	ck_assert_int_eq(plan(0, "root", NULL, 0), -EINVAL);
	memset(&g_p, 0x5a, sizeof(g_p));
	refused(plan(0, "nobody", "root", 0), "has gid 0");
	memset(&g_p, 0x5a, sizeof(g_p));
	refused(plan(0, NULL, "nogroup", 1), "needs [agent] user");
	memset(&g_p, 0x5a, sizeof(g_p));
	refused(plan(0, "nobody", NULL, 1), "choose one");
	ck_assert_int_eq(plan(0, "nobody", NULL, 1), -EINVAL);
	memset(&g_p, 0x5a, sizeof(g_p));
	/* a typo fails in a non-root start too */
	refused(plan(1000, "gwagent-no-such-user", NULL, 0), "no such user");
	ck_assert_int_eq(agent_priv_plan(NULL, 0, NULL, NULL, 1, NULL, 0),
			 -EINVAL);
	/* no room for the message is fine */
	ck_assert_int_eq(agent_priv_plan(&g_p, 0, NULL, NULL, 0, NULL, 0),
			 -EPERM);
}
END_TEST

START_TEST(test_plan_not_root)
{
	/* a non-root start never drops, with or without a user */
	ck_assert_int_eq(plan(1000, NULL, NULL, 0), 0);
	ck_assert_int_eq(g_p.drop, 0);
	ck_assert_int_eq(plan(g_nobody_uid, "nobody", NULL, 0), 0);
	ck_assert_int_eq(g_p.drop, 0);
	ck_assert_uint_eq(g_p.uid, g_nobody_uid);
	/* and dropping nothing is a no-op */
	ck_assert_int_eq(agent_priv_drop(&g_p, g_err, sizeof(g_err)), 0);
	ck_assert_uint_eq(geteuid(), geteuid() == 0 ? 0 : getuid());
	ck_assert_int_eq(agent_priv_drop(NULL, NULL, 0), -EINVAL);
}
END_TEST

START_TEST(test_dir)
{
	char sub[64];
	struct stat st;

	snprintf(sub, sizeof(sub), "%s/state", g_dir);
	ck_assert_int_eq(plan(1000, NULL, NULL, 0), 0);
	ck_assert_int_eq(agent_priv_dir(&g_p, sub, g_err, sizeof(g_err)), 0);
	ck_assert_int_eq(stat(sub, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0700);
	ck_assert_uint_eq(st.st_uid, geteuid());
	/* an existing directory is left alone */
	ck_assert_int_eq(agent_priv_dir(&g_p, sub, g_err, sizeof(g_err)), 0);
	ck_assert_int_eq(rmdir(sub), 0);
	/* a missing parent is an error naming the directory */
	snprintf(sub, sizeof(sub), "%s/no/state", g_dir);
	ck_assert_int_eq(agent_priv_dir(&g_p, sub, g_err, sizeof(g_err)),
			 -ENOENT);
	ck_assert_msg(strstr(g_err, sub) != NULL, "%s", g_err);
	ck_assert_int_eq(agent_priv_dir(NULL, sub, NULL, 0), -EINVAL);
	ck_assert_int_eq(agent_priv_writable(g_dir), 0);
	ck_assert_int_eq(agent_priv_writable(sub), -ENOENT);
	ck_assert_int_eq(agent_priv_writable(NULL), -EINVAL);
}
END_TEST

/* As root: a child creates a directory for nobody, drops, and checks that
 * its ids are nobody's and root is gone.  Exit codes name the failure. */
static int
drop_child(const char *sub)
{
	struct agent_priv p;
	char err[256];
	uid_t r, e, s;
	gid_t groups[64];
	int n, i;

	if (agent_priv_plan(&p, 0, "nobody", "nogroup", 0, err, sizeof(err)) <
	    0)
		return 10;
	if (agent_priv_dir(&p, sub, err, sizeof(err)) < 0)
		return 11;
	if (agent_priv_drop(&p, err, sizeof(err)) < 0)
		return 12;
	if (getresuid(&r, &e, &s) < 0 || r != p.uid || e != p.uid || s != p.uid)
		return 13;
	if (getgid() != p.gid || getegid() != p.gid)
		return 14;
	n = getgroups(64, groups);
	for (i = 0; i < n; i++)
		if (groups[i] == 0)
			return 15;
	if (setuid(0) == 0 || seteuid(0) == 0 || setgid(0) == 0)
		return 16;
	if (agent_priv_writable(sub) < 0)
		return 17;
	if ((umask(0) & 077) != 077)
		return 18;
	return 0;
}

START_TEST(test_drop_as_root)
{
	char sub[64];
	struct stat st;
	pid_t pid;
	int status;

	if (geteuid() != 0)
		return; /* the drop needs root; the rest is tested above */
	snprintf(sub, sizeof(sub), "%s/state", g_dir);
	/* nobody must be able to reach the directory it is given */
	ck_assert_int_eq(chmod(g_dir, 0711), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(drop_child(sub));
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "drop child failed with status %d", status);
	ck_assert_int_eq(stat(sub, &st), 0);
	ck_assert_uint_eq(st.st_uid, g_nobody_uid);
	ck_assert_uint_eq(st.st_gid, getgrnam("nogroup")->gr_gid);
	ck_assert_uint_eq(st.st_mode & 07777, 0700);
}
END_TEST

/* As root: root's entries in the user's directory become the user's,
 * symbolic links are not followed, a directory not the user's is left. */
START_TEST(test_give_as_root)
{
	char d[64], f[96], sub[96], subf[128], outside[64], link[96];
	struct agent_priv p;
	struct stat st;
	FILE *fp;

	if (geteuid() != 0)
		return; /* chown needs root */
	ck_assert_int_eq(agent_priv_plan(&p, 0, "nobody", "nogroup", 0, g_err,
					 sizeof(g_err)),
			 0);
	snprintf(d, sizeof(d), "%s/state", g_dir);
	snprintf(f, sizeof(f), "%s/engine.conf", d);
	snprintf(sub, sizeof(sub), "%s/.store", d);
	snprintf(subf, sizeof(subf), "%s/x.conf", sub);
	snprintf(outside, sizeof(outside), "%s/root-file", g_dir);
	snprintf(link, sizeof(link), "%s/link", d);
	ck_assert_int_eq(mkdir(d, 0700), 0);
	ck_assert_int_eq(mkdir(sub, 0700), 0);
	ck_assert_ptr_nonnull(fp = fopen(f, "w"));
	fclose(fp);
	ck_assert_ptr_nonnull(fp = fopen(subf, "w"));
	fclose(fp);
	ck_assert_ptr_nonnull(fp = fopen(outside, "w"));
	fclose(fp);
	ck_assert_int_eq(symlink(outside, link), 0);
	/* the directory is root's: nothing is given */
	ck_assert_int_eq(agent_priv_give(&p, d, g_err, sizeof(g_err)), 0);
	ck_assert_int_eq(stat(f, &st), 0);
	ck_assert_uint_eq(st.st_uid, 0);
	/* the user's directory: root's entries are handed over */
	ck_assert_int_eq(chown(d, p.uid, p.gid), 0);
	ck_assert_int_eq(agent_priv_give(&p, d, g_err, sizeof(g_err)), 0);
	ck_assert_int_eq(stat(f, &st), 0);
	ck_assert_uint_eq(st.st_uid, p.uid);
	ck_assert_uint_eq(st.st_gid, p.gid);
	ck_assert_int_eq(stat(sub, &st), 0);
	ck_assert_uint_eq(st.st_uid, p.uid);
	ck_assert_int_eq(stat(subf, &st), 0);
	ck_assert_uint_eq(st.st_uid, p.uid);
	ck_assert_int_eq(lstat(link, &st), 0);
	ck_assert_uint_eq(st.st_uid, p.uid);
	ck_assert_int_eq(stat(outside, &st), 0);
	ck_assert_uint_eq(st.st_uid, 0); /* the link's target stays root's */
	/* no drop: nothing to give */
	ck_assert_int_eq(agent_priv_plan(&p, 0, NULL, NULL, 1, NULL, 0), 0);
	ck_assert_int_eq(agent_priv_give(&p, d, NULL, 0), 0);
	ck_assert_int_eq(agent_priv_give(NULL, d, NULL, 0), -EINVAL);
	unlink(link);
	unlink(outside);
	unlink(subf);
	rmdir(sub);
	unlink(f);
}
END_TEST

static Suite *
priv_suite(void)
{
	Suite *s = suite_create("agent_priv");
	TCase *tc = tcase_create("priv");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_settings_keys);
	tcase_add_test(tc, test_plan_root);
	tcase_add_test(tc, test_plan_refusals);
	tcase_add_test(tc, test_plan_not_root);
	tcase_add_test(tc, test_dir);
	tcase_add_test(tc, test_drop_as_root);
	tcase_add_test(tc, test_give_as_root);
	suite_add_tcase(s, tc);
	return s;
}

GWTEST_MAIN(priv_suite)
