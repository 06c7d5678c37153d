/* SPDX-License-Identifier: ISC */
/*
 * Raw header access on an unparsed SIP message.  Used for the auth
 * challenges, which libosip2 drops when it cannot parse them.  Input is
 * untrusted and need not be NUL-terminated.
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "sip/sip_int.h"

/* Length of the line at p (without its CRLF or LF); *next skips the EOL. */
static size_t
line_end(const char *buf, size_t len, size_t p, size_t *next)
{
	size_t e = p;

	while (e < len && buf[e] != '\n')
		e++;
	*next = e < len ? e + 1 : len;
	if (e > p && buf[e - 1] == '\r')
		e--;
	return e - p;
}

/* Extend a header over its folded continuation lines. */
static size_t
header_span(const char *buf, size_t len, size_t p, size_t *next)
{
	size_t start = p, n, nx;

	n = line_end(buf, len, p, &nx);
	while (nx < len && (buf[nx] == ' ' || buf[nx] == '\t')) {
		p = nx;
		n = line_end(buf, len, p, &nx);
	}
	*next = nx;
	return p + n - start;
}

static bool
header_match(const char *h, size_t hlen, const char *name, size_t *voff)
{
	size_t nlen = strlen(name), i = nlen;

	if (hlen < nlen || strncasecmp(h, name, nlen) != 0)
		return false;
	while (i < hlen && (h[i] == ' ' || h[i] == '\t'))
		i++;
	if (i >= hlen || h[i] != ':')
		return false;
	i++;
	while (i < hlen && (h[i] == ' ' || h[i] == '\t'))
		i++;
	*voff = i;
	return true;
}

int
sip_msg_foreach_header(const char *buf, size_t len, const char *name,
		       sip_msg_header_h *h, void *arg)
{
	size_t p = 0, n, next, voff;
	int count = 0;

	if (buf == NULL || name == NULL || h == NULL)
		return 0;
	(void)line_end(buf, len, 0, &p); /* start line */
	while (p < len) {
		n = header_span(buf, len, p, &next);
		if (n == 0)
			break; /* empty line: end of headers */
		if (header_match(buf + p, n, name, &voff)) {
			h(buf + p + voff, n - voff, arg);
			count++;
		}
		p = next;
	}
	return count;
}
