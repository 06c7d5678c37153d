/* SPDX-License-Identifier: ISC */
/*
 * Typed syntaxes of text values, as the SIP engine uses them:
 *  - host: IPv4 dotted quad, IPv6 literal (bare or in brackets; the
 *    engine brackets a bare one in URIs), or RFC 1123 host name
 *    (labels 1..63 of [A-Za-z0-9-], not starting or ending with '-',
 *    253 bytes at most, one trailing dot allowed, last label not all
 *    digits);
 *  - address: a host with an optional ":port" (1..65535), or a bare
 *    IPv6 literal without port;
 *  - SIP user part (RFC 3261 "user"): unreserved, escaped (%HH) and
 *    user-unreserved characters only.
 * Every failure names the first offending byte and its offset.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ini/ini_int.h"

#define HOST_MAX  253
#define LABEL_MAX 63

struct synerr {
	const char *why; /* static */
	size_t off;
	char c;
};

static bool
bad(struct synerr *e, const char *why, size_t off, char c)
{
	e->why = why;
	e->off = off;
	e->c = c;
	return false;
}

/* A word for the byte at fault: "space", "'@'", "byte 0xc3". */
static void
byte_name(char c, char *buf, size_t len)
{
	unsigned char u = (unsigned char)c;

	if (c == ' ')
		snprintf(buf, len, "space");
	else if (u >= 0x80)
		snprintf(buf, len, "non-ASCII byte 0x%02x", u);
	else if (u < 0x20 || u == 0x7f)
		snprintf(buf, len, "control byte 0x%02x", u);
	else
		snprintf(buf, len, "'%c'", c);
}

static bool
is_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return n > 0;
}

static bool
port_ok(const char *s, size_t n, size_t base, struct synerr *e)
{
	long v = 0;
	size_t i;

	if (n == 0)
		return bad(e, "empty port", base, 0);
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return bad(e, "bad port character", base + i, s[i]);
		if (i < 6)
			v = v * 10 + (s[i] - '0');
	}
	if (n > 5 || v < 1 || v > 65535)
		return bad(e, "port out of range 1..65535", base, 0);
	return true;
}

/* Only digits and dots: must be a dotted quad. */
static bool
ipv4_ok(const char *s, size_t n, size_t base, struct synerr *e)
{
	unsigned parts = 0;
	size_t i = 0;

	while (parts < 4) {
		size_t start = i;
		long v = 0;

		while (i < n && isdigit((unsigned char)s[i]) && i - start < 3)
			v = v * 10 + (s[i++] - '0');
		if (i == start)
			return bad(e, "empty IPv4 part", base + i, 0);
		if (v > 255 || (i - start > 1 && s[start] == '0'))
			return bad(e, "bad IPv4 part", base + start, 0);
		parts++;
		if (parts < 4) {
			if (i >= n || s[i] != '.')
				return bad(e, "IPv4 address needs 4 parts",
					   base + i, 0);
			i++;
		}
	}
	if (i != n)
		return bad(e, "IPv4 address has more than 4 parts", base + i,
			   0);
	return true;
}

static bool
ipv6_ok(const char *s, size_t n, size_t base, struct synerr *e)
{
	char buf[INET6_ADDRSTRLEN + 1];
	unsigned char bin[16];
	size_t i;

	for (i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]) && s[i] != ':' &&
		    s[i] != '.')
			return bad(e, "bad IPv6 character", base + i, s[i]);
	if (n == 0 || n >= sizeof(buf))
		return bad(e, "bad IPv6 length", base, 0);
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET6, buf, bin) != 1)
		return bad(e, "not an IPv6 address", base, 0);
	return true;
}

static bool
hostname_ok(const char *s, size_t n, size_t base, struct synerr *e)
{
	size_t i, label = 0, last = 0;

	if (n > 0 && s[n - 1] == '.')
		n--; /* an absolute name */
	if (n == 0)
		return bad(e, "empty host name", base, 0);
	if (n > HOST_MAX)
		return bad(e, "host name longer than 253", base + HOST_MAX, 0);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '.') {
			if (label == 0)
				return bad(e, "empty label", base + i, 0);
			if (s[i - 1] == '-')
				return bad(e, "label ends with '-'",
					   base + i - 1, 0);
			label = 0;
			last = i + 1;
			continue;
		}
		if (!isalnum(c) && c != '-')
			return bad(e, "bad host name character", base + i,
				   s[i]);
		if (c == '-' && label == 0)
			return bad(e, "label starts with '-'", base + i, 0);
		if (++label > LABEL_MAX)
			return bad(e, "label longer than 63", base + i, 0);
	}
	if (label == 0)
		return bad(e, "empty label", base + n, 0);
	if (s[n - 1] == '-')
		return bad(e, "label ends with '-'", base + n - 1, 0);
	if (is_digits(s + last, n - last))
		return bad(e, "last label is all digits", base + last, 0);
	return true;
}

/* s[0..n) as a host: [IPv6], IPv4 or host name. */
static bool
host_ok(const char *s, size_t n, size_t base, struct synerr *e)
{
	size_t i;
	bool numeric = n > 0;

	if (n > 0 && s[0] == '[') {
		if (n < 2 || s[n - 1] != ']')
			return bad(e, "'[' without ']'", base, 0);
		return ipv6_ok(s + 1, n - 2, base + 1, e);
	}
	if (memchr(s, ':', n) != NULL) /* bare IPv6: URIs bracket it */
		return ipv6_ok(s, n, base, e);
	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]) && s[i] != '.')
			numeric = false;
	if (numeric)
		return ipv4_ok(s, n, base, e);
	return hostname_ok(s, n, base, e);
}

static bool
addr_ok(const char *s, size_t n, struct synerr *e)
{
	const char *c1, *end;

	if (s[0] == '[') {
		if ((end = memchr(s, ']', n)) == NULL)
			return bad(e, "'[' without ']'", 0, 0);
		if (!host_ok(s, (size_t)(end - s) + 1, 0, e))
			return false;
		if ((size_t)(end - s) + 1 == n)
			return true;
		if (end[1] != ':')
			return bad(e, "expected ':' after ']'",
				   (size_t)(end - s) + 1, end[1]);
		return port_ok(end + 2, n - (size_t)(end - s) - 2,
			       (size_t)(end - s) + 2, e);
	}
	c1 = memchr(s, ':', n);
	if (c1 == NULL)
		return host_ok(s, n, 0, e);
	if (memchr(c1 + 1, ':', n - (size_t)(c1 - s) - 1) != NULL)
		return ipv6_ok(s, n, 0, e); /* bare IPv6, no port */
	if (!host_ok(s, (size_t)(c1 - s), 0, e))
		return false;
	return port_ok(c1 + 1, n - (size_t)(c1 - s) - 1, (size_t)(c1 - s) + 1,
		       e);
}

static bool
user_ok(const char *s, size_t n, struct synerr *e)
{
	static const char extra[] = "-_.!~*'()&=+$,;?/";
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (isalnum(c) || (c != '\0' && strchr(extra, c) != NULL))
			continue;
		if (c == '%') {
			if (i + 2 >= n || !isxdigit((unsigned char)s[i + 1]) ||
			    !isxdigit((unsigned char)s[i + 2]))
				return bad(e, "'%' without two hex digits", i,
					   0);
			i += 2;
			continue;
		}
		return bad(e, "bad character", i, s[i]);
	}
	return true;
}

static const char *
type_word(enum ini_type t)
{
	switch (t) {
	case INI_TYPE_HOST:
		return "a host name or IP address";
	case INI_TYPE_ADDR:
		return "an IP address or host name[:port]";
	case INI_TYPE_USER:
		return "a SIP user part";
	default:
		return "valid";
	}
}

int
ini_syntax_check(enum ini_type t, const char *s, char *err, size_t errlen)
{
	struct synerr e = { NULL, 0, 0 };
	size_t n = strlen(s);
	char what[40];
	bool ok;

	if (n == 0)
		return 0; /* "not set" */
	switch (t) {
	case INI_TYPE_HOST:
		ok = host_ok(s, n, 0, &e);
		break;
	case INI_TYPE_ADDR:
		ok = addr_ok(s, n, &e);
		break;
	case INI_TYPE_USER:
		ok = user_ok(s, n, &e);
		break;
	default:
		return 0;
	}
	if (ok)
		return 0;
	if (err != NULL && errlen > 0) {
		if (e.c != 0) {
			byte_name(e.c, what, sizeof(what));
			snprintf(err, errlen,
				 "'%.60s' is not %s: %s at offset %zu", s,
				 type_word(t), what, e.off);
		} else {
			snprintf(err, errlen,
				 "'%.60s' is not %s: %s at offset %zu", s,
				 type_word(t), e.why, e.off);
		}
	}
	return -EINVAL;
}
