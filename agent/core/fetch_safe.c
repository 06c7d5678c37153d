/* SPDX-License-Identifier: ISC */
/*
 * What keeps "load the INI from a URI" from leaking: the password of a
 * URI's userinfo never leaves the daemon, file: loads stay beneath one
 * directory and answer the same for everything outside it, http(s) may
 * only connect to listed networks, the netrc file must be private, and
 * a file that is not a gateway INI is never quoted back.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "agent/core/fetch.h"
#include "ini/ini.h"

/* ---- redaction ----------------------------------------------------------- */

/* Length of "scheme:" without the colon, 0 when there is none. */
static size_t
agent_uri_scheme_len(const char *uri)
{
	size_t n;

	if (!isalpha((unsigned char)uri[0]))
		return 0;
	n = strspn(uri, "abcdefghijklmnopqrstuvwxyz"
			"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.");
	return uri[n] == ':' ? n : 0;
}

/*
 * Where the authority starts: after "scheme://", or for any scheme but
 * file: after "scheme:" and however many slashes, since curl accepts
 * "http:/host" and "http:host" too.  NULL when there is none.
 */
static const char *
agent_uri_authority(const char *uri)
{
	size_t n = agent_uri_scheme_len(uri);
	const char *p;

	if (n == 0)
		return NULL;
	p = uri + n + 1;
	if (n == 4 && strncasecmp(uri, "file", 4) == 0)
		return strncmp(p, "//", 2) == 0 ? p + 2 : NULL;
	while (*p == '/' || *p == '\\')
		p++;
	return p;
}

int
agent_uri_redact(const char *uri, char *out, size_t len)
{
	const char *auth, *end, *at = NULL, *colon;
	size_t i, o = 0;

	if (uri == NULL || out == NULL || len == 0)
		return -EINVAL;
	auth = agent_uri_authority(uri);
	if (auth != NULL) {
		end = auth + strcspn(auth, "/?#\\");
		/* The last '@' ends the userinfo: a password may hold '@'. */
		for (i = 0; auth + i < end; i++)
			if (auth[i] == '@')
				at = auth + i;
	}
	colon = at != NULL ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
	for (i = 0; uri[i] != '\0'; i++) {
		if (colon != NULL && uri + i >= colon && uri + i < at)
			continue;
		if (o + 1 >= len) {
			out[o] = '\0';
			return -ENAMETOOLONG;
		}
		out[o++] = uri[i];
	}
	out[o] = '\0';
	return 0;
}

/* ---- allow-list ---------------------------------------------------------- */

struct agent_fetch_net {
	int family;
	unsigned char addr[16];
	unsigned plen;
};

struct agent_fetch_allow {
	size_t n;
	struct agent_fetch_net nets[];
};

/* Zero the host bits so that a match is a plain prefix compare. */
static void
agent_fetch_net_mask(struct agent_fetch_net *net)
{
	size_t alen = net->family == AF_INET ? 4 : 16, i;

	for (i = 0; i < alen; i++) {
		if (i * 8 >= net->plen)
			net->addr[i] = 0;
		else if (i * 8 + 8 > net->plen)
			net->addr[i] &=
				(unsigned char)(0xff00u >> (net->plen - i * 8));
	}
}

static int
agent_fetch_net_parse(const char *s, size_t n, struct agent_fetch_net *net)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash, *end;
	unsigned long plen;

	if (n == 0 || n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	slash = strchr(buf, '/');
	if (slash != NULL)
		*slash++ = '\0';
	memset(net, 0, sizeof(*net));
	if (inet_pton(AF_INET, buf, net->addr) == 1)
		net->family = AF_INET;
	else if (inet_pton(AF_INET6, buf, net->addr) == 1)
		net->family = AF_INET6;
	else
		return -EINVAL;
	net->plen = net->family == AF_INET ? 32 : 128;
	if (slash != NULL) {
		if (!isdigit((unsigned char)*slash))
			return -EINVAL;
		errno = 0;
		plen = strtoul(slash, &end, 10);
		if (errno != 0 || *end != '\0' || plen > net->plen)
			return -EINVAL;
		net->plen = (unsigned)plen;
	}
	agent_fetch_net_mask(net);
	return 0;
}

#define AGENT_FETCH_SEP ", \t"

int
agent_fetch_allow_create(struct agent_fetch_allow **out, const char *list)
{
	struct agent_fetch_allow *a;
	const char *p;
	size_t n = 0, len;
	int rc;

	if (out == NULL || list == NULL)
		return -EINVAL;
	for (p = list + strspn(list, AGENT_FETCH_SEP); *p != '\0';
	     p += strspn(p, AGENT_FETCH_SEP)) {
		p += strcspn(p, AGENT_FETCH_SEP);
		n++;
	}
	if (n == 0)
		return -EINVAL;
	a = calloc(1, sizeof(*a) + n * sizeof(a->nets[0]));
	if (a == NULL)
		return -ENOMEM;
	for (p = list + strspn(list, AGENT_FETCH_SEP); *p != '\0';
	     p += strspn(p, AGENT_FETCH_SEP)) {
		len = strcspn(p, AGENT_FETCH_SEP);
		rc = agent_fetch_net_parse(p, len, &a->nets[a->n++]);
		if (rc < 0) {
			free(a);
			return rc;
		}
		p += len;
	}
	*out = a;
	return 0;
}

void
agent_fetch_allow_destroy(struct agent_fetch_allow *a)
{
	free(a);
}

static int
agent_fetch_net_match(const struct agent_fetch_net *net, int family,
		      const unsigned char *addr)
{
	unsigned full = net->plen / 8, rest = net->plen % 8;

	if (net->family != family)
		return 0;
	if (memcmp(net->addr, addr, full) != 0)
		return 0;
	return rest == 0 || (addr[full] & (unsigned char)(0xff00u >> rest)) ==
				    net->addr[full];
}

int
agent_fetch_allow_match(const struct agent_fetch_allow *a,
			const struct sockaddr *sa)
{
	static const unsigned char v4mapped[12] = { 0, 0, 0, 0, 0,    0,
						    0, 0, 0, 0, 0xff, 0xff };
	const unsigned char *addr;
	int family;
	size_t i;

	if (a == NULL || sa == NULL)
		return 0;
	if (sa->sa_family == AF_INET) {
		family = AF_INET;
		addr = (const unsigned char *)&(
			       (const struct sockaddr_in *)(const void *)sa)
			       ->sin_addr;
	} else if (sa->sa_family == AF_INET6) {
		family = AF_INET6;
		addr = (const unsigned char *)&(
			       (const struct sockaddr_in6 *)(const void *)sa)
			       ->sin6_addr;
		if (memcmp(addr, v4mapped, sizeof(v4mapped)) == 0) {
			family = AF_INET;
			addr += 12;
		}
	} else {
		return 0;
	}
	for (i = 0; i < a->n; i++)
		if (agent_fetch_net_match(&a->nets[i], family, addr))
			return 1;
	return 0;
}

/* ---- netrc --------------------------------------------------------------- */

int
agent_fetch_netrc_check(const char *path, char *err, size_t len)
{
	struct stat st;
	int fd, rc = 0;

	if (path == NULL || err == NULL || len == 0)
		return -EINVAL;
	fd = open(path,
		  O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
	if (fd < 0 || fstat(fd, &st) < 0) {
		rc = -errno;
		snprintf(err, len, "%s: %s", path,
			 rc == -ELOOP ? "is a symbolic link" : strerror(-rc));
		if (fd >= 0)
			close(fd);
		return rc;
	}
	close(fd);
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, len, "%s: not a regular file", path);
		return -EINVAL;
	}
	if (st.st_uid != geteuid()) {
		snprintf(err, len,
			 "%s: owned by uid %u, not by the daemon's "
			 "user (uid %u)",
			 path, (unsigned)st.st_uid, (unsigned)geteuid());
		return -EPERM;
	}
	if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
		snprintf(err, len, "%s: has mode %04o: make it 0600", path,
			 (unsigned)(st.st_mode & 07777));
		return -EPERM;
	}
	return 0;
}

/* ---- confined file loads ------------------------------------------------- */

/*
 * The part of @p path below @p dir ("." for @p dir itself), or NULL when
 * it is not lexically beneath it or has a ".." component.
 */
static const char *
agent_fetch_below(const char *dir, const char *path)
{
	size_t n = strlen(dir), i;
	const char *rel, *c;

	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (strncmp(path, dir, n) != 0 ||
	    (n > 1 && path[n] != '/' && path[n] != '\0'))
		return NULL;
	rel = path + n;
	for (c = rel; *c != '\0'; c += i) {
		c += strspn(c, "/");
		i = strcspn(c, "/");
		if (i == 2 && strncmp(c, "..", 2) == 0)
			return NULL;
	}
	rel += strspn(rel, "/");
	return *rel != '\0' ? rel : ".";
}

static int
agent_fetch_openat2(int dirfd, const char *rel, int flags)
{
	struct open_how how;
	long fd;

	memset(&how, 0, sizeof(how));
	how.flags = (unsigned long long)flags;
	how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
	fd = syscall(SYS_openat2, dirfd, rel, &how, sizeof(how));
	return fd < 0 ? -errno : (int)fd;
}

/* Without openat2: one component at a time, and no symlink at all. */
static int
agent_fetch_open_walk(int dirfd, const char *rel, int flags)
{
	char comp[256];
	struct stat st;
	int fd = dirfd, next;
	size_t n;

	for (;;) {
		rel += strspn(rel, "/");
		n = strcspn(rel, "/");
		if (n >= sizeof(comp)) {
			next = -ENAMETOOLONG;
			break;
		}
		memcpy(comp, rel, n);
		comp[n] = '\0';
		rel += n;
		rel += strspn(rel, "/");
		if (fstatat(fd, comp, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISLNK(st.st_mode)) {
			next = AGENT_FETCH_OUTSIDE;
			break;
		}
		/* O_NOFOLLOW as well: a symlink swapped in since fails. */
		if (*rel == '\0') {
			next = openat(fd, comp, flags | O_NOFOLLOW);
			next = next < 0 ? -errno : next;
			break;
		}
		next = openat(fd, comp,
			      O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0) {
			next = -errno;
			break;
		}
		if (fd != dirfd)
			close(fd);
		fd = next;
	}
	if (fd != dirfd)
		close(fd);
	return next;
}

static int
agent_fetch_open_rel(int dirfd, const char *rel, int flags)
{
	int fd = agent_fetch_openat2(dirfd, rel, flags);

	if (fd == -ENOSYS || fd == -EPERM) /* no openat2, or seccomp */
		fd = agent_fetch_open_walk(dirfd, rel, flags);
	/* EXDEV: it leads out; ELOOP: a loop, or a link we must not
	 * follow -- where to, is not told. */
	if (fd == -EXDEV || fd == -ELOOP)
		return AGENT_FETCH_OUTSIDE;
	return fd;
}

static int
agent_fetch_read_fd(int fd, size_t max, char **out, size_t *len)
{
	char *buf = NULL, *p;
	size_t got = 0, cap = 0;
	ssize_t n = 0;

	for (;;) {
		if (got + 1 >= cap) {
			cap = cap != 0 ? cap * 2 : 16384;
			if (cap > max + 2)
				cap = max + 2;
			p = realloc(buf, cap);
			if (p == NULL) {
				free(buf);
				return -ENOMEM;
			}
			buf = p;
		}
		n = read(fd, buf + got, cap - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
		if (got > max) {
			free(buf);
			return -EFBIG;
		}
	}
	if (n < 0) {
		n = -errno;
		free(buf);
		return (int)n;
	}
	buf[got] = '\0';
	*out = buf;
	*len = got;
	return 0;
}

/*
 * Look before reading: an O_PATH open never blocks on a FIFO nor wakes
 * a device, and only a regular file is opened for reading, the same one.
 */
static int
agent_fetch_open_regular(int dirfd, const char *rel, int *out)
{
	struct stat st, st2;
	int fd, rc;

	fd = agent_fetch_open_rel(dirfd, rel, O_PATH | O_CLOEXEC);
	if (fd < 0)
		return fd;
	rc = fstat(fd, &st) < 0 ? -errno : 0;
	close(fd);
	if (rc < 0)
		return rc;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	fd = agent_fetch_open_rel(dirfd, rel,
				  O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return fd;
	if (fstat(fd, &st2) < 0 || st2.st_dev != st.st_dev ||
	    st2.st_ino != st.st_ino || !S_ISREG(st2.st_mode)) {
		close(fd);
		return -EAGAIN; /* replaced under our feet */
	}
	*out = fd;
	return 0;
}

int
agent_fetch_read_beneath(const char *dir, const char *path, size_t max,
			 char **out, size_t *len)
{
	const char *rel;
	int dirfd, fd, rc;

	if (path == NULL || out == NULL || len == NULL || max == 0)
		return -EINVAL;
	if (dir == NULL || *dir != '/' || *path != '/' ||
	    (rel = agent_fetch_below(dir, path)) == NULL)
		return AGENT_FETCH_OUTSIDE;
	dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return -ENXIO;
	rc = agent_fetch_open_regular(dirfd, rel, &fd);
	close(dirfd);
	if (rc < 0)
		return rc;
	rc = agent_fetch_read_fd(fd, max, out, len);
	close(fd);
	return rc;
}

const char *
agent_fetch_strerror(int rc)
{
	switch (rc) {
	case AGENT_FETCH_OUTSIDE:
		return AGENT_FETCH_OUTSIDE_MSG;
	case -ENXIO:
		return "the allowed directory (ini_dir) cannot be opened";
	case -EINVAL:
		return "not a regular file";
	case -EAGAIN:
		return "the file changed while it was opened";
	default:
		return strerror(-rc);
	}
}

/* ---- is it a gateway INI at all? ----------------------------------------- */

static int
agent_fetch_item_known(const struct ini_item *it)
{
	const char *name = ini_item_name(it);
	size_t n;

	if (name == NULL)
		return 0;
	switch (ini_item_kind(it)) {
	case INI_ITEM_SCALAR:
		return ini_param_lookup(name) != NULL;
	case INI_ITEM_TABLE_BEGIN:
	case INI_ITEM_TABLE_END:
	case INI_ITEM_FORMAT:
	case INI_ITEM_ROW:
		return ini_table_lookup(name) != INI_TABLE_NONE;
	case INI_ITEM_SECTION:
		/* The device's sections: [SYSTEM Params], [SIP Params]... */
		n = strlen(name);
		return n > 6 && strcasecmp(name + n - 6, "Params") == 0;
	default:
		return 0;
	}
}

int
agent_fetch_is_gateway_ini(const char *buf, size_t len)
{
	struct ini_doc *doc = NULL;
	const struct ini_item *it;
	size_t i;
	int rc, known = 0;

	if (buf == NULL)
		return -EINVAL;
	rc = ini_doc_parse(buf, len, NULL, &doc, NULL);
	if (rc == -EFBIG)
		return 1; /* the load itself says "too large" */
	if (rc < 0)
		return rc;
	it = ini_doc_item(doc, 0);
	if (it != NULL && ini_item_kind(it) != INI_ITEM_INVALID) {
		for (i = 0; i < ini_doc_count(doc) && !known; i++)
			known = agent_fetch_item_known(ini_doc_item(doc, i));
	}
	ini_doc_destroy(doc);
	return known;
}
