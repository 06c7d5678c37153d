/* SPDX-License-Identifier: ISC */
/*
 * gwagentctl: the operator's client of gwagentd's control socket, as
 * lldpcli is to lldpd.  One request line out, one framed answer in
 * (agent/core/ctl.h); the answer's code is the exit status.  See gwagentctl(8).
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "agent/core/ctl.h"
#include "agent/core/settings.h"

#define GWAGENTCTL_TIMEOUT_S 30

struct gwagentctl_reader {
	int fd;
	char buf[8192];
	size_t len, off;
	int timeout_ms;
};

static void
gwagentctl_usage(FILE *f)
{
	fprintf(f,
		"usage: gwagentctl [-s socket] [-t seconds] [--json] command "
		"[args]\n"
		"       gwagentctl --version | --help\n"
		"commands:\n"
		"  status [BINDING]          registrations (BINDING: gateway, "
		"account-N,\n"
		"                            endpoint-M/T/C, trunkgroup-N)\n"
		"  show alarms|proxies|control\n"
		"  show config PARAMETER|TABLE\n"
		"  register|unregister|refresh BINDING|all|trunk-group N\n"
		"  reload                    re-read the gateway INI (SIGHUP)\n"
		"  check                     dry run of the gateway INI\n"
		"  load FILE [--dry-run]     load an INI file beneath ini_dir\n"
		"  trace BINDING on [SECONDS]|off\n"
		"  history BINDING           its last exchanges (flight "
		"recorder)\n"
		"  version                   the daemon's version\n"
		"  -s socket   control socket (default %s)\n"
		"  -t seconds  wait at most this long for the answer (%d)\n"
		"  --json      read commands answer in JSON\n",
		AGENT_SETTINGS_CONTROL_SOCKET, GWAGENTCTL_TIMEOUT_S);
}

static int
gwagentctl_connect(const char *path)
{
	struct sockaddr_un sa;
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "gwagentctl: %s: path too long\n", path);
		exit(AGENT_CTL_EUSAGE);
	}
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
		perror("gwagentctl: socket");
		exit(AGENT_CTL_EPROTO);
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
		return fd;
	if (errno == EACCES || errno == EPERM) {
		fprintf(stderr,
			"gwagentctl: %s: permission denied (members of group "
			"%s may use it)\n",
			path, AGENT_SETTINGS_CONTROL_GROUP);
		exit(AGENT_CTL_EPERM);
	}
	if (errno == ENOENT || errno == ECONNREFUSED || errno == ENOTDIR) {
		fprintf(stderr,
			"gwagentctl: gwagentd is not running (%s: %s)\n", path,
			strerror(errno));
		exit(AGENT_CTL_EUNAVAIL);
	}
	fprintf(stderr, "gwagentctl: %s: %s\n", path, strerror(errno));
	exit(AGENT_CTL_EUNAVAIL);
}

static void
gwagentctl_send(int fd, const char *line, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = send(fd, line, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr, "gwagentctl: sending: %s\n",
				strerror(errno));
			exit(AGENT_CTL_EPROTO);
		}
		line += n;
		len -= (size_t)n;
	}
}

/* One answer line without its newline, NUL-terminated in @p out. */
static int
gwagentctl_line(struct gwagentctl_reader *r, char *out, size_t size)
{
	struct pollfd p = { .fd = r->fd, .events = POLLIN };
	size_t o = 0;
	ssize_t n;

	for (;;) {
		while (r->off < r->len) {
			char ch = r->buf[r->off++];

			if (ch == '\n') {
				out[o] = '\0';
				return 0;
			}
			if (o + 1 < size)
				out[o++] = ch;
		}
		if (poll(&p, 1, r->timeout_ms) == 0) {
			fprintf(stderr, "gwagentctl: no answer in time\n");
			exit(AGENT_CTL_EPROTO);
		}
		n = recv(r->fd, r->buf, sizeof(r->buf), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr,
				"gwagentctl: connection lost before the end of "
				"the answer\n");
			exit(AGENT_CTL_EPROTO);
		}
		r->len = (size_t)n;
		r->off = 0;
	}
}

/* Read and print one answer.  @return its code. */
static int
gwagentctl_answer(struct gwagentctl_reader *r, int json)
{
	static char line[1 << 16];
	char *msg = NULL, *end;
	long code = 0;
	int ok;

	gwagentctl_line(r, line, sizeof(line));
	ok = strncmp(line, "ok", 2) == 0 && (line[2] == '\0' || line[2] == ' ');
	if (!ok && strncmp(line, "error ", 6) == 0) {
		code = strtol(line + 6, &end, 10);
		if (code > 0 && code < 256 && *end == ' ')
			msg = strdup(end + 1);
		else
			code = 0;
	} else if (ok && line[2] == ' ') {
		msg = strdup(line + 3);
	}
	if (!ok && code == 0) {
		fprintf(stderr, "gwagentctl: not a gwagentd answer\n");
		exit(AGENT_CTL_EPROTO);
	}
	for (;;) {
		gwagentctl_line(r, line, sizeof(line));
		if (strcmp(line, ".") == 0)
			break;
		puts(line[0] == '.' ? line + 1 : line);
	}
	if (msg != NULL && ok && !json)
		printf("%s\n", msg);
	else if (msg != NULL && !ok)
		fprintf(stderr, "gwagentctl: %s\n", msg);
	free(msg);
	return ok ? 0 : (int)code;
}

/* The request line from the words; refuses words with blanks. */
static size_t
gwagentctl_request(char *buf, size_t size, int json, int argc, char **argv)
{
	size_t len = 0;
	int i, n;

	if (json) {
		memcpy(buf, "json", 4);
		len = 4;
	}
	for (i = 0; i < argc; i++) {
		if (argv[i][0] == '\0' || strpbrk(argv[i], " \t\r\n") != NULL) {
			fprintf(stderr,
				"gwagentctl: '%s': words cannot be empty or "
				"hold blanks\n",
				argv[i]);
			exit(AGENT_CTL_EUSAGE);
		}
		n = snprintf(buf + len, size - len, "%s%s", len ? " " : "",
			     argv[i]);
		if (n < 0 || (size_t)n >= size - len - 1) {
			fprintf(stderr, "gwagentctl: request too long\n");
			exit(AGENT_CTL_EUSAGE);
		}
		len += (size_t)n;
	}
	buf[len++] = '\n';
	return len;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ "socket", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = AGENT_SETTINGS_CONTROL_SOCKET;
	struct gwagentctl_reader r = { 0 };
	char req[AGENT_CTL_LINE_MAX];
	int ch, json = 0;
	long t = GWAGENTCTL_TIMEOUT_S;
	size_t len;

	while ((ch = getopt_long(argc, argv, "+s:t:jVh", longopts, NULL)) !=
	       -1) {
		switch (ch) {
		case 's':
			path = optarg;
			break;
		case 't':
			t = strtol(optarg, NULL, 10);
			if (t < 1 || t > 3600) {
				fprintf(stderr, "gwagentctl: -t: 1 to 3600\n");
				return AGENT_CTL_EUSAGE;
			}
			break;
		case 'j':
			json = 1;
			break;
		case 'V':
			printf("gwagentctl %s\n", PACKAGE_VERSION);
			return 0;
		case 'h':
			gwagentctl_usage(stdout);
			return 0;
		default:
			gwagentctl_usage(stderr);
			return AGENT_CTL_EUSAGE;
		}
	}
	if (optind == argc) {
		gwagentctl_usage(stderr);
		return AGENT_CTL_EUSAGE;
	}
	len = gwagentctl_request(req, sizeof(req), json, argc - optind,
				 argv + optind);
	r.fd = gwagentctl_connect(path);
	r.timeout_ms = (int)t * 1000;
	gwagentctl_send(r.fd, req, len);
	ch = gwagentctl_answer(&r, json);
	close(r.fd);
	if (fflush(stdout) != 0)
		return AGENT_CTL_EPROTO;
	return ch;
}
