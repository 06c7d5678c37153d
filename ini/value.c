/* SPDX-License-Identifier: ISC */
/*
 * Validation and conversion of one value against its catalog entry.
 */
#include "config.h"

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

	for (i = 0; i < p->enums->n; i++)
		n += snprintf(list + n, sizeof(list) - n, "%s%ld",
			      i == 0		     ? ""
			      : i + 1 == p->enums->n ? " or "
						     : ", ",
			      p->enums->v[i].value);
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
		for (i = 0; i < p->enums->n && p->enums->v[i].value != v; i++)
			;
		if (i == p->enums->n)
			return enum_fail(p, v, err, errlen);
	}
	*out = v;
	return 0;
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
	return ini_syntax_check(p->type, s, err, errlen);
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
