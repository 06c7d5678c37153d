/* SPDX-License-Identifier: ISC */
/*
 * Dropping root the way OpenBSD daemons do (ntpd.c, bgpd.c): look the
 * user up while /etc is still readable, set the supplementary groups
 * first (setgroups needs root), then the gid, then the uid, and verify
 * that the way back is closed.  setresuid/setresgid set real, effective
 * and saved ids at once; on Linux the fs ids follow the effective ones.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/core/priv.h"

static void __attribute__((format(printf, 3, 4)))
agent_priv_err(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || len == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
}

/* Look @p user and @p group up into @p p (user non-NULL). */
static int
agent_priv_lookup(struct agent_priv *p, const char *user, const char *group,
		  char *err, size_t len)
{
	struct passwd *pw;
	struct group *gr;

	if (strlen(user) >= sizeof(p->user)) {
		agent_priv_err(err, len, "[agent] user: '%s': name too long",
			       user);
		return -EINVAL;
	}
	if (group != NULL && strlen(group) >= sizeof(p->group)) {
		agent_priv_err(err, len, "[agent] group: '%s': name too long",
			       group);
		return -EINVAL;
	}
	errno = 0;
	pw = getpwnam(user);
	if (pw == NULL) {
		agent_priv_err(err, len, "[agent] user: '%s': no such user%s%s",
			       user, errno != 0 ? ": " : "",
			       errno != 0 ? strerror(errno) : "");
		return -ENOENT;
	}
	if (pw->pw_uid == 0) {
		agent_priv_err(err, len,
			       "[agent] user: '%s' has uid 0: that is root, "
			       "not an unprivileged user",
			       user);
		return -EINVAL;
	}
	p->uid = pw->pw_uid;
	p->gid = pw->pw_gid;
	snprintf(p->user, sizeof(p->user), "%s", user);
	p->group[0] = '\0';
	if (group == NULL)
		return 0;
	errno = 0;
	gr = getgrnam(group);
	if (gr == NULL) {
		agent_priv_err(err, len,
			       "[agent] group: '%s': no such group%s%s", group,
			       errno != 0 ? ": " : "",
			       errno != 0 ? strerror(errno) : "");
		return -ENOENT;
	}
	if (gr->gr_gid == 0) {
		agent_priv_err(err, len,
			       "[agent] group: '%s' has gid 0: that is root's "
			       "group",
			       group);
		return -EINVAL;
	}
	p->gid = gr->gr_gid;
	snprintf(p->group, sizeof(p->group), "%s", group);
	return 0;
}

int
agent_priv_plan(struct agent_priv *p, uid_t euid, const char *user,
		const char *group, int run_as_root, char *err, size_t errlen)
{
	struct agent_priv next;
	int rc;

	if (p == NULL)
		return -EINVAL;
	memset(&next, 0, sizeof(next));
	if (user == NULL && group != NULL) {
		agent_priv_err(err, errlen,
			       "[agent] group: '%s': needs [agent] user",
			       group);
		return -EINVAL;
	}
	if (user != NULL && run_as_root) {
		agent_priv_err(err, errlen,
			       "[agent] user and run_as_root = yes: choose "
			       "one (drop to the user, or stay root)");
		return -EINVAL;
	}
	if (user != NULL &&
	    (rc = agent_priv_lookup(&next, user, group, err, errlen)) < 0)
		return rc;
	if (euid == 0 && user == NULL && !run_as_root) {
		agent_priv_err(err, errlen,
			       "refusing to run as root: set [agent] user "
			       "(and group) to the account gwagentd should "
			       "run as, start it as that user, or set "
			       "[agent] run_as_root = yes");
		return -EPERM;
	}
	next.drop = euid == 0 && user != NULL;
	*p = next;
	return 0;
}

int
agent_priv_dir(const struct agent_priv *p, const char *dir, char *err,
	       size_t errlen)
{
	if (p == NULL || dir == NULL)
		return -EINVAL;
	if (mkdir(dir, 0700) < 0) {
		int e = errno;

		if (e == EEXIST)
			return 0;
		agent_priv_err(err, errlen, "mkdir %s: %s", dir, strerror(e));
		return -e;
	}
	if (p->drop && chown(dir, p->uid, p->gid) < 0) {
		int e = errno;

		agent_priv_err(err, errlen, "chown %s to %s: %s", dir, p->user,
			       strerror(e));
		return -e;
	}
	return 0;
}

/* chown root's entries beneath the directory open as @p fd (consumed). */
static int
agent_priv_give_fd(const struct agent_priv *p, int fd, const char *dir,
		   int depth, char *err, size_t len)
{
	DIR *d = fdopendir(fd);
	struct dirent *de;
	struct stat st;
	int rc = 0, sub, e;

	if (d == NULL) {
		e = errno;
		close(fd);
		agent_priv_err(err, len, "%s: %s", dir, strerror(e));
		return -e;
	}
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue; /* gone meanwhile */
		if (st.st_uid == 0 &&
		    fchownat(dirfd(d), de->d_name, p->uid, p->gid,
			     AT_SYMLINK_NOFOLLOW) < 0) {
			e = errno;
			agent_priv_err(err, len, "chown %s/%s: %s", dir,
				       de->d_name, strerror(e));
			rc = -e;
		} else if (S_ISDIR(st.st_mode) && depth > 1) {
			sub = openat(dirfd(d), de->d_name,
				     O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
					     O_CLOEXEC);
			if (sub >= 0)
				rc = agent_priv_give_fd(p, sub, dir, depth - 1,
							err, len);
		}
	}
	closedir(d);
	return rc;
}

int
agent_priv_give(const struct agent_priv *p, const char *dir, char *err,
		size_t errlen)
{
	struct stat st;
	int fd, e;

	if (p == NULL || dir == NULL)
		return -EINVAL;
	if (!p->drop)
		return 0;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		e = errno;
		if (fd >= 0)
			close(fd);
		agent_priv_err(err, errlen, "%s: %s", dir, strerror(e));
		return -e;
	}
	if (st.st_uid != p->uid) {
		close(fd);
		return 0;
	}
	return agent_priv_give_fd(p, fd, dir, 2, err, errlen);
}

/* The ids are the user's everywhere and root stays out of reach. */
static int
agent_priv_verify(const struct agent_priv *p, char *err, size_t len)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg;

	if (getresuid(&ru, &eu, &su) < 0 || getresgid(&rg, &eg, &sg) < 0) {
		int e = errno;

		agent_priv_err(err, len, "getresuid: %s", strerror(e));
		return -e;
	}
	if (ru != p->uid || eu != p->uid || su != p->uid || rg != p->gid ||
	    eg != p->gid || sg != p->gid) {
		agent_priv_err(err, len, "ids are not %u:%u after the drop",
			       (unsigned)p->uid, (unsigned)p->gid);
		return -EPERM;
	}
	if (setuid(0) == 0 || seteuid(0) == 0) {
		agent_priv_err(err, len,
			       "root could be regained after the "
			       "drop");
		return -EPERM;
	}
	if (setgroups(0, NULL) == 0) {
		agent_priv_err(err, len,
			       "groups could be changed after the "
			       "drop");
		return -EPERM;
	}
	return 0;
}

int
agent_priv_drop(const struct agent_priv *p, char *err, size_t errlen)
{
	const char *step = NULL;
	unsigned id = 0;
	int e;

	if (p == NULL)
		return -EINVAL;
	if (!p->drop)
		return 0;
	if (initgroups(p->user, p->gid) < 0)
		step = "initgroups", id = (unsigned)p->gid;
	else if (setresgid(p->gid, p->gid, p->gid) < 0)
		step = "setresgid", id = (unsigned)p->gid;
	else if (setresuid(p->uid, p->uid, p->uid) < 0)
		step = "setresuid", id = (unsigned)p->uid;
	if (step != NULL) {
		e = errno;
		agent_priv_err(err, errlen, "%s %u (%s): %s", step, id, p->user,
			       strerror(e));
		return -e;
	}
	umask(077);
	return agent_priv_verify(p, err, errlen);
}

int
agent_priv_writable(const char *dir)
{
	if (dir == NULL)
		return -EINVAL;
	return access(dir, W_OK | X_OK) < 0 ? -errno : 0;
}
