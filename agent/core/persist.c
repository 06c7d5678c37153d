/* SPDX-License-Identifier: ISC */
/*
 * Crash-safe file replacement: write a temporary file in the same
 * directory, fsync it, rename it over the target and fsync the directory,
 * so that after a power loss the file is either the old or the new one.
 * Files are created 0600: they hold passwords.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/core/gwagent.h"
#include "agent/core/log.h"

static int
agent_persist_write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
agent_persist_sync_dir(const char *path)
{
	char copy[PATH_MAX];
	int fd, rc = 0;

	if (snprintf(copy, sizeof(copy), "%s", path) >= (int)sizeof(copy))
		return -ENAMETOOLONG;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fsync(fd) < 0)
		rc = -errno;
	close(fd);
	return rc;
}

int
agent_persist_write(const char *path, const char *buf, size_t len)
{
	char tmp[PATH_MAX];
	int fd, rc;

	if (path == NULL || (buf == NULL && len > 0))
		return -EINVAL;
	if (snprintf(tmp, sizeof(tmp), "%s.tmpXXXXXX", path) >=
	    (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = mkstemp(tmp); /* mode 0600 */
	if (fd < 0)
		return -errno;
	rc = agent_persist_write_all(fd, buf, len);
	if (rc == 0 && fchmod(fd, S_IRUSR | S_IWUSR) < 0)
		rc = -errno;
	if (rc == 0 && fsync(fd) < 0)
		rc = -errno;
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	if (rc == 0 && rename(tmp, path) < 0)
		rc = -errno;
	if (rc < 0) {
		unlink(tmp);
		return rc;
	}
	return agent_persist_sync_dir(path);
}

int
agent_persist_read(const char *path, size_t max, char **out, size_t *len)
{
	struct stat st;
	char *buf;
	ssize_t n;
	size_t got = 0;
	int fd, rc = 0;

	if (path == NULL || out == NULL || len == NULL)
		return -EINVAL;
	/* O_NONBLOCK: opening a FIFO must not wait for a writer (and
	 * block the loop); only regular files are read. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
	}
	if ((size_t)st.st_size > max) {
		close(fd);
		return -EFBIG;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (buf == NULL) {
		close(fd);
		return -ENOMEM;
	}
	while (got < (size_t)st.st_size) {
		n = read(fd, buf + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = n < 0 ? -errno : 0;
			break;
		}
		got += (size_t)n;
	}
	close(fd);
	if (rc < 0) {
		free(buf);
		return rc;
	}
	buf[got] = '\0';
	*out = buf;
	*len = got;
	return 0;
}

/* Whether name is "<base>.tmpXXXXXX", a temporary file of ours. */
static int
agent_persist_is_tmp(const char *name, const char *base)
{
	size_t n = strlen(base);

	return strncmp(name, base, n) == 0 &&
	       strncmp(name + n, ".tmp", 4) == 0 && strlen(name + n + 4) == 6;
}

int
agent_persist_cleanup(const char *path)
{
	char dcopy[PATH_MAX], bcopy[PATH_MAX];
	const char *dir, *base;
	struct dirent *de;
	DIR *d;
	int n = 0;

	if (snprintf(dcopy, sizeof(dcopy), "%s", path) >= (int)sizeof(dcopy) ||
	    snprintf(bcopy, sizeof(bcopy), "%s", path) >= (int)sizeof(bcopy))
		return -ENAMETOOLONG;
	dir = dirname(dcopy);
	base = basename(bcopy);
	d = opendir(dir);
	if (d == NULL)
		return -errno;
	/* A crash between mkstemp() and rename() leaves a full copy of the
	 * file, passwords included: never let those pile up. */
	while ((de = readdir(d)) != NULL) {
		if (!agent_persist_is_tmp(de->d_name, base))
			continue;
		if (unlinkat(dirfd(d), de->d_name, 0) == 0)
			n++;
	}
	closedir(d);
	if (n > 0)
		log_info("persist", "removed %d stale temporary file%s of %s",
			 n, n > 1 ? "s" : "", path);
	return n;
}
