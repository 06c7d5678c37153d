/* SPDX-License-Identifier: ISC */
/*
 * Validation and conversion of one value against its catalog entry.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ini/ini_int.h"

static int fail(int rc, char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int
fail(int rc, char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return rc;
}

static int
enum_fail(const struct ini_param *p, long v, char *err, size_t errlen)
{
	char list[INI_MAX_ENUM * 24] = "";
	size_t n = 0;
	unsigned i;

	for (i = 0; i < p->nenums; i++)
		n += snprintf(list + n, sizeof(list) - n, "%s%ld",
			      i == 0		   ? ""
			      : i + 1 == p->nenums ? " or "
						   : ", ",
			      p->enums[i]);
	return fail(-ERANGE, err, errlen, "%ld is not one of %s", v, list);
}

static int
check_number(const struct ini_param *p, const char *text, long *out, char *err,
	     size_t errlen)
{
	long v;
	unsigned i;
	int rc = ini_parse_long(text, strlen(text), &v);

	if (rc != 0)
		return fail(-EINVAL, err, errlen, "'%.40s' is not an integer",
			    text);
	if (p->type == INI_TYPE_INT) {
		if (v < p->min || v > p->max)
			return fail(-ERANGE, err, errlen,
				    "%ld is out of range %ld..%ld", v, p->min,
				    p->max);
	} else {
		for (i = 0; i < p->nenums && p->enums[i] != v; i++)
			;
		if (i == p->nenums)
			return enum_fail(p, v, err, errlen);
	}
	*out = v;
	return 0;
}

static bool
valid_port(const char *s)
{
	long v;

	return ini_parse_long(s, strlen(s), &v) == 0 && isdigit(*s) && v >= 1 &&
	       v <= 65535;
}

static bool
valid_ipv4(const char *s, size_t n)
{
	unsigned parts = 0;
	size_t i = 0;

	while (i < n) {
		size_t start = i;
		long v = 0;

		while (i < n && isdigit((unsigned char)s[i]) && i - start < 3)
			v = v * 10 + (s[i++] - '0');
		if (i == start || v > 255)
			return false;
		parts++;
		if (i < n && s[i++] != '.')
			return false;
		if (i == n && s[n - 1] == '.')
			return false;
	}
	return parts == 4;
}

static bool
valid_hostname(const char *s, size_t n)
{
	size_t i, label = 0;
	bool alpha = false;

	if (n == 0 || n > 253)
		return false;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '.') {
			if (label == 0 || s[i - 1] == '-')
				return false;
			label = 0;
			continue;
		}
		if (!isalnum(c) && c != '-' && c != '_')
			return false;
		if ((c == '-' && label == 0) || ++label > 63)
			return false;
		alpha |= !isdigit(c);
	}
	return label > 0 && s[n - 1] != '-' && alpha;
}

static bool
valid_ipv6(const char *s, size_t n)
{
	size_t i, colons = 0;

	if (n < 2)
		return false;
	for (i = 0; i < n; i++) {
		if (s[i] == ':')
			colons++;
		else if (!isxdigit((unsigned char)s[i]) && s[i] != '.')
			return false;
	}
	return colons >= 2 && colons <= 7;
}

/* IPv4, [IPv6] or host name, each with an optional :port. */
static bool
valid_addr(const char *s)
{
	const char *colon, *end;

	if (*s == '\0')
		return true;
	if (*s == '[') {
		if ((end = strchr(s, ']')) == NULL ||
		    !valid_ipv6(s + 1, end - s - 1))
			return false;
		return end[1] == '\0' || (end[1] == ':' && valid_port(end + 2));
	}
	colon = strchr(s, ':');
	if (colon != NULL && !valid_port(colon + 1))
		return false;
	end = colon != NULL ? colon : s + strlen(s);
	return valid_ipv4(s, end - s) || valid_hostname(s, end - s);
}

static int
check_chars(const struct ini_param *p, const char *s, char *err, size_t errlen)
{
	size_t n = strlen(s), i;

	if (ini_utf8_check(s, n) != n)
		return fail(-EINVAL, err, errlen, "value is not valid UTF-8");
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return fail(-EINVAL, err, errlen,
				    "value holds a control character");
	if (p->type != INI_TYPE_PASSWORD && strchr(s, '\'') != NULL &&
	    strchr(s, '"') != NULL)
		return fail(-EINVAL, err, errlen,
			    "value holds both ' and \" and cannot be quoted");
	if (n > p->maxlen)
		return fail(-E2BIG, err, errlen,
			    "value is %zu bytes long, limit %zu", n, p->maxlen);
	if (p->type == INI_TYPE_ADDR && !valid_addr(s))
		return fail(-EINVAL, err, errlen,
			    "'%.60s' is not an IP address or host name[:port]",
			    s);
	return 0;
}

static int
check_text(const struct ini_param *p, const char *text, char **out, char *err,
	   size_t errlen)
{
	char *clear = NULL;
	const char *s = text;
	int rc;

	if (p->type == INI_TYPE_PASSWORD && strncmp(text, "$1$", 3) == 0) {
		if (ini_deobfuscate(text, &clear) != 0)
			return fail(-EINVAL, err, errlen,
				    "obfuscated password does not decode");
		s = clear;
	}
	if ((rc = check_chars(p, s, err, errlen)) != 0)
		goto out;
	if (out != NULL) {
		*out = NULL;
		if (*s != '\0' && (*out = strdup(s)) == NULL)
			rc = -ENOMEM;
	}
out:
	ini_free_secret(clear);
	return rc;
}

int
ini_param_convert(const struct ini_param *p, const char *text, long *ival,
		  char **sval, char *err, size_t errlen)
{
	long dummy;

	if (ini_param_is_text(p))
		return check_text(p, text, sval, err, errlen);
	return check_number(p, text, ival ? ival : &dummy, err, errlen);
}

int
ini_param_check(const struct ini_param *p, const char *text, char *err,
		size_t errlen)
{
	if (p == NULL || text == NULL)
		return fail(-EINVAL, err, errlen, "no parameter or no value");
	return ini_param_convert(p, text, NULL, NULL, err, errlen);
}
