/* SPDX-License-Identifier: ISC */
/*
 * The control protocol's pure parts: the request parser, binding names,
 * the masking of SIP lines for the trace, and the answer buffer and its
 * framing (agent/core/ctl.h).  Nothing here touches the daemon.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "agent/core/ctl.h"
#include "agent/core/gwagent.h"

/* ---- parsing ----------------------------------------------------------- */

static const struct {
	const char *name;
	enum agent_ctl_cmd cmd;
	int min, max; /* words after the command */
} agent_ctl_cmds[] = {
	{ "help", AGENT_CTL_HELP, 0, 0 },
	{ "version", AGENT_CTL_VERSION, 0, 0 },
	{ "status", AGENT_CTL_STATUS, 0, 1 },
	{ "show", AGENT_CTL_SHOW, 1, 2 },
	{ "register", AGENT_CTL_REGISTER, 1, 2 },
	{ "unregister", AGENT_CTL_UNREGISTER, 1, 2 },
	{ "refresh", AGENT_CTL_REFRESH, 1, 2 },
	{ "reload", AGENT_CTL_RELOAD, 0, 0 },
	{ "check", AGENT_CTL_CHECK, 0, 0 },
	{ "load", AGENT_CTL_LOAD, 1, 2 },
	{ "trace", AGENT_CTL_TRACE, 2, 3 },
	{ "history", AGENT_CTL_HISTORY, 1, 1 },
};

#define NCMDS (sizeof(agent_ctl_cmds) / sizeof(agent_ctl_cmds[0]))

static int __attribute__((format(printf, 3, 4)))
agent_ctl_err(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && len > 0) {
		va_start(ap, fmt);
		vsnprintf(err, len, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* Split buf in place into words; @return how many, -E2BIG past max. */
static int
agent_ctl_split(char *buf, const char **w, int max)
{
	int n = 0;
	char *p = buf;

	for (;;) {
		while (*p == ' ' || *p == '\t')
			*p++ = '\0';
		if (*p == '\0')
			return n;
		if (n == max)
			return -E2BIG;
		w[n++] = p;
		while (*p != '\0' && *p != ' ' && *p != '\t')
			p++;
	}
}

int
agent_ctl_parse(const char *line, size_t len, struct agent_ctl_req *req,
		char *err, size_t errlen)
{
	const char *w[AGENT_CTL_ARGS_MAX + 1];
	size_t i;
	int n, first;

	if (line == NULL || req == NULL)
		return agent_ctl_err(err, errlen, "no request");
	if (len >= sizeof(req->buf)) {
		agent_ctl_err(err, errlen, "request too long");
		return -E2BIG;
	}
	for (i = 0; i < len; i++)
		if ((line[i] < 0x20 && line[i] != '\t') ||
		    (unsigned char)line[i] >= 0x7f)
			return agent_ctl_err(err, errlen,
					     "request holds control or "
					     "non-ASCII bytes");
	memset(req, 0, sizeof(*req));
	memcpy(req->buf, line, len);
	req->buf[len] = '\0';
	n = agent_ctl_split(req->buf, w, AGENT_CTL_ARGS_MAX + 1);
	if (n < 0)
		return agent_ctl_err(err, errlen, "too many words");
	first = n > 0 && strcmp(w[0], "json") == 0;
	req->json = first;
	if (n == first)
		return agent_ctl_err(err, errlen, "empty request (try help)");
	for (i = 0; i < NCMDS; i++)
		if (strcmp(w[first], agent_ctl_cmds[i].name) == 0)
			break;
	if (i == NCMDS)
		return agent_ctl_err(err, errlen,
				     "unknown command '%.32s' (try help)",
				     w[first]);
	req->cmd = agent_ctl_cmds[i].cmd;
	req->argc = n - first - 1;
	if (req->argc < agent_ctl_cmds[i].min ||
	    req->argc > agent_ctl_cmds[i].max)
		return agent_ctl_err(err, errlen, "%s: wrong number of words",
				     agent_ctl_cmds[i].name);
	for (n = 0; n < req->argc; n++)
		req->argv[n] = w[first + 1 + n];
	return 0;
}

int
agent_ctl_binding_name(char *buf, size_t len, int type, long id)
{
	int n;

	if (buf == NULL)
		return -EINVAL;
	if (type == AGENT_BINDING_GATEWAY)
		n = snprintf(buf, len, "gateway");
	else if (type == AGENT_BINDING_ACCOUNT)
		n = snprintf(buf, len, "account-%ld", id);
	else if (type == AGENT_BINDING_ENDPOINT && id >= 0)
		n = snprintf(buf, len, "endpoint-%ld/%ld/%ld", id >> 20,
			     (id >> 12) & 255, id & 4095);
	else if (type == AGENT_BINDING_TRUNKGROUP)
		n = snprintf(buf, len, "trunkgroup-%ld", id);
	else
		return -EINVAL;
	return n < 0 || (size_t)n >= len ? -EINVAL : 0;
}

/* A decimal number of 1 to @p max digits at *s, up to a byte of @p stop
 * (or the end): *v and *s past it, or -EINVAL. */
static int
agent_ctl_number(const char **s, const char *stop, int max, long *v)
{
	const char *d = *s;
	long n = 0;

	while (isdigit((unsigned char)*d) && d - *s < max)
		n = n * 10 + (*d++ - '0');
	if (d == *s || (*d != '\0' && strchr(stop, *d) == NULL) ||
	    (*d == '\0' && stop[0] != '\0'))
		return -EINVAL;
	*v = n;
	*s = d;
	return 0;
}

/* "endpoint-M/T/C" */
static int
agent_ctl_endpoint_parse(const char *s, long *id)
{
	long m, t, ch;

	if (agent_ctl_number(&s, "/", 3, &m) < 0 || *s++ != '/' ||
	    agent_ctl_number(&s, "/", 3, &t) < 0 || *s++ != '/' ||
	    agent_ctl_number(&s, "", 4, &ch) < 0)
		return -EINVAL;
	*id = agent_endpoint_id(m, t, ch);
	return *id < 0 ? -EINVAL : 0;
}

int
agent_ctl_binding_parse(const char *s, int *type, long *id)
{
	const char *d;
	char *end;
	long v;

	if (s == NULL || type == NULL || id == NULL)
		return -EINVAL;
	if (strcmp(s, "gateway") == 0) {
		*type = AGENT_BINDING_GATEWAY;
		*id = 0;
		return 0;
	}
	if (strncmp(s, "endpoint-", 9) == 0) {
		if (agent_ctl_endpoint_parse(s + 9, &v) < 0)
			return -EINVAL;
		*type = AGENT_BINDING_ENDPOINT;
		*id = v;
		return 0;
	}
	if (strncmp(s, "trunkgroup-", 11) == 0) {
		d = s + 11;
		if (agent_ctl_number(&d, "", 3, &v) < 0 || v > 255)
			return -EINVAL;
		*type = AGENT_BINDING_TRUNKGROUP;
		*id = v;
		return 0;
	}
	if (strncmp(s, "account-", 8) != 0)
		return -EINVAL;
	for (d = s + 8; *d != '\0'; d++)
		if (!isdigit((unsigned char)*d))
			return -EINVAL;
	if (d == s + 8 || d - (s + 8) > 9)
		return -EINVAL;
	v = strtol(s + 8, &end, 10);
	*type = AGENT_BINDING_ACCOUNT;
	*id = v;
	return 0;
}

/* ---- masking ----------------------------------------------------------- */

static int
agent_ctl_is_auth(const char *line, size_t len)
{
	static const char *const names[] = { "authorization",
					     "proxy-authorization" };
	size_t i, n;

	for (i = 0; i < 2; i++) {
		n = strlen(names[i]);
		if (len > n && strncasecmp(line, names[i], n) == 0 &&
		    (line[n] == ':' || line[n] == ' ' || line[n] == '\t'))
			return 1;
	}
	return 0;
}

/* Whether the parameter name ending at line[at] (exclusive) is secret:
 * password anywhere, response and cnonce in credentials (@p auth). */
static int
agent_ctl_secret_param(const char *line, size_t at, int auth)
{
	static const char *const names[] = { "password", "response", "cnonce" };
	size_t i, n;

	while (at > 0 && (line[at - 1] == ' ' || line[at - 1] == '\t'))
		at--; /* "name = value" (RFC 3261 SWS around EQUAL) */
	for (i = 0; i < (auth ? 3u : 1u); i++) {
		n = strlen(names[i]);
		if (at >= n && strncasecmp(line + at - n, names[i], n) == 0 &&
		    (at == n || line[at - n - 1] == ' ' ||
		     line[at - n - 1] == ',' || line[at - n - 1] == '\t' ||
		     line[at - n - 1] == ':' || line[at - n - 1] == ';'))
			return 1;
	}
	return 0;
}

/* Where the value after the '=' at line[i - 1] starts (blanks skipped). */
static size_t
agent_ctl_value_start(const char *line, size_t len, size_t i)
{
	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	return i;
}

/* The end of a parameter value starting at line[i]. */
static size_t
agent_ctl_value_end(const char *line, size_t len, size_t i)
{
	if (i < len && line[i] == '"') {
		for (i++; i < len && line[i] != '"'; i++)
			if (line[i] == '\\' && i + 1 < len)
				i++;
		return i < len ? i + 1 : len;
	}
	while (i < len && line[i] != ',' && line[i] != ';' && line[i] != ' ' &&
	       line[i] != '>' && line[i] != '\t')
		i++;
	return i;
}

/* After "sip:" or "sips:" at line[i]: the end of a user:password part's
 * password (position of '@'), or 0 when there is none. */
static size_t
agent_ctl_uri_password(const char *line, size_t len, size_t i, size_t *colon)
{
	size_t j;

	*colon = 0;
	for (j = i; j < len; j++) {
		if (line[j] == '@')
			return *colon != 0 ? j : 0;
		if (strchr(";>? \t,\"", line[j]) != NULL)
			return 0;
		if (line[j] == ':' && *colon == 0)
			*colon = j;
	}
	return 0;
}

static void
agent_ctl_put(char *out, size_t outlen, size_t *o, const char *s, size_t n)
{
	size_t k;

	for (k = 0; k < n && *o + 1 < outlen; k++) {
		unsigned char ch = (unsigned char)s[k];

		out[(*o)++] = ch < 0x20 || ch == 0x7f ? '?' : (char)ch;
	}
}

size_t
agent_ctl_mask_line(const char *line, size_t len, char *out, size_t outlen)
{
	int auth;
	size_t i = 0, o = 0, end, colon;

	if (out == NULL || outlen == 0)
		return 0;
	if (line == NULL)
		len = 0;
	auth = agent_ctl_is_auth(line, len);
	while (i < len) {
		if (line[i] == '=' && agent_ctl_secret_param(line, i, auth)) {
			size_t v = agent_ctl_value_start(line, len, i + 1);

			end = agent_ctl_value_end(line, len, v);
			agent_ctl_put(out, outlen, &o, "=", 1);
			if (v < len && line[v] == '"')
				agent_ctl_put(out, outlen, &o, "\"***\"", 5);
			else
				agent_ctl_put(out, outlen, &o, "***", 3);
			i = end;
			continue;
		}
		if ((len - i >= 4 && strncasecmp(line + i, "sip:", 4) == 0) ||
		    (len - i >= 5 && strncasecmp(line + i, "sips:", 5) == 0)) {
			size_t s = i + (line[i + 3] == ':' ? 4 : 5);

			agent_ctl_put(out, outlen, &o, line + i, s - i);
			i = s;
			end = agent_ctl_uri_password(line, len, i, &colon);
			if (end != 0) {
				agent_ctl_put(out, outlen, &o, line + i,
					      colon + 1 - i);
				agent_ctl_put(out, outlen, &o, "***", 3);
				i = end;
			}
			continue;
		}
		agent_ctl_put(out, outlen, &o, line + i, 1);
		i++;
	}
	out[o] = '\0';
	return o;
}

/* ---- output ------------------------------------------------------------ */

static int
agent_ctl_buf_reserve(struct agent_ctl_buf *b, size_t more)
{
	size_t cap;
	char *p;

	if (b->len + more + 1 <= b->cap)
		return 0;
	if (b->len + more + 1 > AGENT_CTL_OUTPUT_MAX) {
		b->full = 1;
		return -ENOBUFS;
	}
	cap = b->cap ? b->cap : 1024;
	while (cap < b->len + more + 1)
		cap *= 2;
	if (cap > AGENT_CTL_OUTPUT_MAX)
		cap = AGENT_CTL_OUTPUT_MAX;
	if ((p = realloc(b->p, cap)) == NULL) {
		b->full = 1;
		return -ENOBUFS;
	}
	b->p = p;
	b->cap = cap;
	return 0;
}

static int
agent_ctl_buf_add(struct agent_ctl_buf *b, const char *s, size_t n)
{
	if (agent_ctl_buf_reserve(b, n) < 0)
		return -ENOBUFS;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

int
agent_ctl_buf_printf(struct agent_ctl_buf *b, const char *fmt, ...)
{
	va_list ap;
	char small[512], *big = NULL;
	int n, rc;

	if (b == NULL || fmt == NULL)
		return -EINVAL;
	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return -EINVAL;
	if ((size_t)n < sizeof(small))
		return agent_ctl_buf_add(b, small, (size_t)n);
	if ((big = malloc((size_t)n + 1)) == NULL) {
		b->full = 1;
		return -ENOBUFS;
	}
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	rc = agent_ctl_buf_add(b, big, (size_t)n);
	free(big);
	return rc;
}

int
agent_ctl_buf_json(struct agent_ctl_buf *b, const char *s)
{
	char esc[8];
	int rc = 0;

	if (b == NULL)
		return -EINVAL;
	if (s == NULL)
		return agent_ctl_buf_add(b, "null", 4);
	rc = agent_ctl_buf_add(b, "\"", 1);
	for (; *s != '\0' && rc == 0; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\') {
			esc[0] = '\\';
			esc[1] = (char)ch;
			rc = agent_ctl_buf_add(b, esc, 2);
		} else if (ch < 0x20 || ch == 0x7f) {
			snprintf(esc, sizeof(esc), "\\u%04x", ch);
			rc = agent_ctl_buf_add(b, esc, 6);
		} else {
			rc = agent_ctl_buf_add(b, s, 1);
		}
	}
	return rc == 0 ? agent_ctl_buf_add(b, "\"", 1) : rc;
}

void
agent_ctl_buf_free(struct agent_ctl_buf *b)
{
	if (b == NULL)
		return;
	free(b->p);
	memset(b, 0, sizeof(*b));
}

int
agent_ctl_frame(struct agent_ctl_buf *out, int code, const char *msg,
		const char *data, size_t len)
{
	const char *p = data, *end = data + len, *eol;
	size_t n;
	int rc;

	if (out == NULL)
		return -EINVAL;
	if (code == AGENT_CTL_OK)
		rc = agent_ctl_buf_printf(out, "ok%s%s\n", msg ? " " : "",
					  msg ? msg : "");
	else
		rc = agent_ctl_buf_printf(out, "error %d %s\n", code,
					  msg ? msg : "failed");
	while (rc == 0 && data != NULL && p < end) {
		eol = memchr(p, '\n', (size_t)(end - p));
		n = eol != NULL ? (size_t)(eol - p) : (size_t)(end - p);
		if (*p == '.')
			rc = agent_ctl_buf_add(out, ".", 1);
		if (rc == 0)
			rc = agent_ctl_buf_add(out, p, n);
		if (rc == 0)
			rc = agent_ctl_buf_add(out, "\n", 1);
		p += n + 1;
	}
	return rc == 0 ? agent_ctl_buf_add(out, ".\n", 2) : rc;
}
