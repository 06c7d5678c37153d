/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target for the control socket's request line and the trace's
 * masking (agent/core/ctl_proto.c).  Input: the bytes of one request as a
 * client may send them, also read as one SIP line.  A request the parser
 * accepts must be printable ASCII of a bounded length with a known
 * command; one it refuses must say why.  The masked SIP line must fit,
 * hold no control byte and no longer carry the value of a response= in a
 * credentials header.  Any disagreement aborts.  Silent; frees what it
 * builds.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "agent/core/ctl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_parse(const char *line, size_t size)
{
	struct agent_ctl_req req;
	char err[160];
	size_t i;
	int rc;

	err[0] = '\0';
	rc = agent_ctl_parse(line, size, &req, err, sizeof(err));
	if (rc < 0) {
		if ((rc != -EINVAL && rc != -E2BIG) || err[0] == '\0')
			abort();
		return;
	}
	if (size >= AGENT_CTL_LINE_MAX || req.cmd < AGENT_CTL_HELP ||
	    req.cmd > AGENT_CTL_HISTORY || req.argc < 0 ||
	    req.argc > AGENT_CTL_ARGS_MAX)
		abort();
	for (i = 0; i < size; i++)
		if ((line[i] < 0x20 && line[i] != '\t') ||
		    (unsigned char)line[i] >= 0x7f)
			abort();
	for (i = 0; i < (size_t)req.argc; i++)
		if (req.argv[i] == NULL || *req.argv[i] == '\0' ||
		    strpbrk(req.argv[i], " \t") != NULL)
			abort();
}

static void
check_mask(const char *line, size_t size)
{
	char out[512];
	const char *r;
	size_t n, i;

	n = agent_ctl_mask_line(line, size, out, sizeof(out));
	if (n >= sizeof(out) || strlen(out) != n)
		abort();
	for (i = 0; i < n; i++)
		if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
			abort();
	/* in credentials, what follows response= is the mask (or the part
	 * of it that fit) */
	if (strncasecmp(out, "Authorization:", 14) == 0 &&
	    (r = strstr(out, " response=")) != NULL) {
		r += 10;
		n = strlen(r);
		if (strncmp(r, "***", n < 3 ? n : 3) != 0 &&
		    strncmp(r, "\"***\"", n < 5 ? n : 5) != 0)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct agent_ctl_buf b = { 0 };
	const char *line = (const char *)data;

	if (size > 4096)
		return 0;
	check_parse(line, size);
	check_mask(line, size);
	if (agent_ctl_frame(&b, AGENT_CTL_OK, NULL, line, size) == 0 &&
	    (b.len < 5 || memcmp(b.p + b.len - 2, ".\n", 2) != 0))
		abort();
	agent_ctl_buf_free(&b);
	return 0;
}
