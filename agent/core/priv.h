/* SPDX-License-Identifier: ISC */
/*
 * Running unprivileged: whether gwagentd drops root and to whom, decided
 * once from [agent] user, group and run_as_root, then the drop itself
 * (supplementary groups, gid, uid, and a check that root cannot be
 * regained).  gwagentd.c calls agent_priv_plan() right after reading its
 * settings, agent_priv_dir() for the directories the user must own,
 * agent_priv_drop() once the privileged sockets are open and before any
 * network traffic or upload; see gwagentd(8).
 */
#ifndef GWAGENT_PRIV_H
#define GWAGENT_PRIV_H

#include <stddef.h>
#include <sys/types.h>

/** The decision: a small value type the caller embeds. */
struct agent_priv {
	int drop;	/**< 1: switch to uid/gid in agent_priv_drop() */
	uid_t uid;	/**< the user's uid (when a user is set) */
	gid_t gid;	/**< the group's gid (when a user is set) */
	char user[64];	/**< the user's name ("" when none is set) */
	char group[64]; /**< the group's name ("" when none is set) */
};

/**
 * Decide whether to drop root.  @p euid is the caller's effective uid (0
 * when running as root); @p user and @p group are the settings (NULL:
 * not set; the group defaults to the user's primary group),
 * @p run_as_root the explicit permission to stay root.  A set user or
 * group is always looked up, so a typo fails even in a non-root start.
 * On success @p p is filled: drop is 1 only when @p euid is 0 and a user
 * is set; a non-root start never drops.  On failure @p p is unchanged
 * and @p err (may be NULL) holds one line naming the setting.
 * @return 0; -EPERM: root without a user and without run_as_root;
 * -ENOENT: no such user or group; -EINVAL: the user is uid 0, a group
 * without a user, or a user together with run_as_root.
 */
int agent_priv_plan(struct agent_priv *p, uid_t euid, const char *user,
		    const char *group, int run_as_root, char *err,
		    size_t errlen);

/**
 * Before the drop: create directory @p dir (mode 0700) if it does not
 * exist and, when @p p drops, give it to the user and group so the
 * daemon can write there afterwards.  An existing directory is left as
 * the operator made it.  @return 0 or -errno (@p err says which call).
 */
int agent_priv_dir(const struct agent_priv *p, const char *dir, char *err,
		   size_t errlen);

/**
 * Before the drop, after the libraries wrote their state as root: give
 * the user what root created in directory @p dir (entries owned by uid 0,
 * and those of its subdirectories, two levels deep, symbolic links not
 * followed).  Does nothing unless @p p drops and @p dir itself belongs to
 * the user, so a misconfigured path never hands out root's files.
 * @return 0 or -errno (@p err names the entry).
 */
int agent_priv_give(const struct agent_priv *p, const char *dir, char *err,
		    size_t errlen);

/**
 * Drop root as @p p says (nothing when p->drop is 0): initgroups() with
 * the user's groups, setresgid(), setresuid(), umask 077; then check
 * that real, effective and saved ids are the user's and that neither
 * setuid(0) nor setgroups() succeeds any more.  @return 0 or -errno
 * (@p err says which step); the caller must exit on failure.
 */
int agent_priv_drop(const struct agent_priv *p, char *err, size_t errlen);

/**
 * After the drop: whether the (now unprivileged) process may create
 * files in directory @p dir.  @return 0 or -errno from access(2).
 */
int agent_priv_writable(const char *dir);

#endif
