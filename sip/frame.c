/* SPDX-License-Identifier: ISC */
/*
 * Stream framing (RFC 3261 §18.3): on TCP and TLS a message ends after
 * its headers' empty line plus Content-Length bytes of body.  CRLFs
 * between messages (RFC 5626 keep-alive pongs) are skipped.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <strings.h>

#include "sip/sip_int.h"

/* End of the header block (index after the empty line), or 0. */
static size_t
header_end(const char *buf, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i++) {
		if (buf[i] != '\n')
			continue;
		if (buf[i + 1] == '\n')
			return i + 2;
		if (buf[i + 1] == '\r' && i + 2 < len && buf[i + 2] == '\n')
			return i + 3;
	}
	return 0;
}

/* Whether the line at p (of n bytes) is a Content-Length header: the
 * value's offset, else 0. */
static size_t
is_content_length(const char *p, size_t n)
{
	size_t k = 0;

	if (n >= 14 && strncasecmp(p, "Content-Length", 14) == 0)
		k = 14;
	else if (n >= 1 && (p[0] == 'l' || p[0] == 'L'))
		k = 1;
	else
		return 0;
	while (k < n && (p[k] == ' ' || p[k] == '\t'))
		k++;
	return k < n && p[k] == ':' ? k + 1 : 0;
}

/* Decimal value of a header line's value; -EPROTO if not a number. */
static int64_t
parse_length(const char *p, size_t n)
{
	int64_t v = 0;
	size_t i = 0, digits = 0;

	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	for (; i < n && p[i] >= '0' && p[i] <= '9'; i++, digits++) {
		v = v * 10 + (p[i] - '0');
		if (v > SIP_MAX_DATAGRAM)
			return -EMSGSIZE;
	}
	while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r'))
		i++;
	return digits > 0 && i == n ? v : -EPROTO;
}

/* Content-Length of the header block buf[0..hlen); 0 when absent. */
static int64_t
content_length(const char *buf, size_t hlen)
{
	const char *p = buf, *end = buf + hlen, *nl;
	size_t off;

	while (p < end && (nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		off = is_content_length(p, (size_t)(nl - p));
		if (off > 0)
			return parse_length(p + off, (size_t)(nl - p) - off);
		p = nl + 1;
	}
	return 0;
}

int
sip_frame_parse(const char *buf, size_t len, size_t max, size_t *skip,
		size_t *msglen)
{
	size_t s = 0, hlen;
	int64_t cl;

	while (s < len && (buf[s] == '\r' || buf[s] == '\n'))
		s++;
	*skip = s;
	*msglen = 0;
	buf += s;
	len -= s;
	if ((hlen = header_end(buf, len)) == 0)
		return len > max ? -EMSGSIZE : 0;
	if ((cl = content_length(buf, hlen)) < 0)
		return (int)cl;
	if (hlen + (size_t)cl > max)
		return -EMSGSIZE;
	if (len < hlen + (size_t)cl)
		return 0;
	*msglen = hlen + (size_t)cl;
	return 1;
}
