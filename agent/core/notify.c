/* SPDX-License-Identifier: ISC */
/* sd_notify(3) without libsystemd (agent/core/notify.h). */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "agent/core/notify.h"

int
agent_sd_notify(const char *state)
{
	struct sockaddr_un sun;
	const char *name = getenv("NOTIFY_SOCKET");
	size_t len;
	socklen_t slen;
	ssize_t n;
	int fd, e;

	if (state == NULL || state[0] == '\0')
		return -EINVAL;
	if (name == NULL || name[0] == '\0')
		return 0;
	len = strlen(name);
	if ((name[0] != '/' && name[0] != '@') || len < 2 ||
	    len >= sizeof(sun.sun_path))
		return -EINVAL;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, name, len);
	if (name[0] == '@') /* abstract: a leading NUL, no trailing one */
		sun.sun_path[0] = '\0';
	slen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len +
			   (name[0] == '/' ? 1 : 0));
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	n = sendto(fd, state, strlen(state), MSG_NOSIGNAL,
		   (const struct sockaddr *)&sun, slen);
	e = errno;
	close(fd);
	if (n < 0)
		return -e;
	return (size_t)n == strlen(state) ? 0 : -EMSGSIZE;
}
