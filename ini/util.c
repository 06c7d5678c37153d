/* SPDX-License-Identifier: ISC */
/*
 * Small helpers shared by ini/: a bump arena for the document, UTF-8
 * and number scanning, base64 and the password obfuscation.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "ini/ini_int.h"

#define ARENA_CHUNK (64 * 1024)

struct ini_arena_chunk {
	struct ini_arena_chunk *next;
	size_t used, size;
	max_align_t data[];
};

void *
ini_arena_alloc(struct ini_arena *a, size_t size)
{
	struct ini_arena_chunk *c = a->head;
	size_t al = sizeof(max_align_t);
	void *p;

	size = (size + al - 1) / al * al;
	if (c == NULL || c->size - c->used < size) {
		size_t sz = size > ARENA_CHUNK ? size : ARENA_CHUNK;

		c = malloc(sizeof(*c) + sz);
		if (c == NULL)
			return NULL;
		c->used = 0;
		c->size = sz;
		c->next = a->head;
		a->head = c;
	}
	p = (char *)c->data + c->used;
	c->used += size;
	return p;
}

char *
ini_arena_strndup(struct ini_arena *a, const char *s, size_t n)
{
	char *p = ini_arena_alloc(a, n + 1);

	if (p == NULL)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* The arena holds passwords read from files: clear it all. */
void
ini_arena_free(struct ini_arena *a)
{
	struct ini_arena_chunk *c, *next;

	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		ini_secure_zero(c->data, c->used);
		free(c);
	}
	a->head = NULL;
}

void
ini_secure_zero(void *p, size_t n)
{
	volatile unsigned char *v = p;

	while (n-- > 0)
		*v++ = 0;
}

void
ini_free_secret(char *s)
{
	if (s == NULL)
		return;
	ini_secure_zero(s, strlen(s));
	free(s);
}

static size_t
utf8_seqlen(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t len, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	/* overlong, surrogates and beyond U+10FFFF */
	if ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] > 0x9f) ||
	    (c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] > 0x8f))
		return 0;
	return len;
}

/* Returns the offset of the first invalid byte, or n if all valid. */
size_t
ini_utf8_check(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, l;

	while (i < n) {
		if (u[i] < 0x80) {
			i++;
			continue;
		}
		l = utf8_seqlen(u + i, n - i);
		if (l == 0)
			return i;
		i += l;
	}
	return n;
}

int
ini_strcaseeq(const char *a, const char *b)
{
	for (; *a != '\0' && *b != '\0'; a++, b++)
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return 0;
	return *a == *b;
}

int
ini_strncaseeq(const char *a, const char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (tolower((unsigned char)a[i]) !=
		    tolower((unsigned char)b[i]))
			return 0;
		if (a[i] == '\0')
			return 1;
	}
	return 1;
}

/* Strict decimal: optional '-' or '+', digits only, no overflow. */
int
ini_parse_long(const char *s, size_t n, long *out)
{
	size_t i = 0;
	int neg = 0;
	long v = 0;

	if (n > 0 && (s[0] == '-' || s[0] == '+')) {
		neg = s[0] == '-';
		i++;
	}
	if (i == n)
		return -EINVAL;
	for (; i < n; i++) {
		int d = s[i] - '0';

		if (d < 0 || d > 9)
			return -EINVAL;
		if (v > (LONG_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	*out = neg ? -v : v;
	return 0;
}

static const char b64[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *
ini_b64_encode(const unsigned char *in, size_t n)
{
	char *out = malloc((n + 2) / 3 * 4 + 1), *o = out;
	size_t i;

	if (out == NULL)
		return NULL;
	for (i = 0; i + 2 < n; i += 3) {
		*o++ = b64[in[i] >> 2];
		*o++ = b64[((in[i] & 3) << 4) | (in[i + 1] >> 4)];
		*o++ = b64[((in[i + 1] & 15) << 2) | (in[i + 2] >> 6)];
		*o++ = b64[in[i + 2] & 63];
	}
	if (i < n) {
		*o++ = b64[in[i] >> 2];
		if (i + 1 < n) {
			*o++ = b64[((in[i] & 3) << 4) | (in[i + 1] >> 4)];
			*o++ = b64[(in[i + 1] & 15) << 2];
		} else {
			*o++ = b64[(in[i] & 3) << 4];
			*o++ = '=';
		}
		*o++ = '=';
	}
	*o = '\0';
	return out;
}

static int
b64_val(char c)
{
	const char *p = c != '\0' ? strchr(b64, c) : NULL;

	return p == NULL ? -1 : (int)(p - b64);
}

int
ini_b64_decode(const char *in, unsigned char **out, size_t *outlen)
{
	size_t n = strlen(in), i, o = 0;
	unsigned char *buf;

	if (n % 4 != 0)
		return -EINVAL;
	if ((buf = malloc(n / 4 * 3 + 1)) == NULL)
		return -ENOMEM;
	for (i = 0; i < n; i += 4) {
		int v[4], k, pad = 0;

		for (k = 0; k < 4; k++) {
			v[k] = b64_val(in[i + k]);
			if (in[i + k] == '=' && i + 4 == n && k >= 2)
				pad++, v[k] = 0;
			else if (v[k] < 0 || pad > 0)
				goto bad;
		}
		buf[o++] = (unsigned char)(v[0] << 2 | v[1] >> 4);
		if (pad < 2)
			buf[o++] =
				(unsigned char)((v[1] & 15) << 4 | v[2] >> 2);
		if (pad < 1)
			buf[o++] = (unsigned char)((v[2] & 3) << 6 | v[3]);
	}
	buf[o] = '\0';
	*out = buf;
	*outlen = o;
	return 0;
bad:
	free(buf);
	return -EINVAL;
}

/*
 * Obfuscation, not encryption: XOR with a fixed key, then base64, so
 * that a password does not show to a casual reader of a dump.
 */
static const char obf_key[] = "gwagent-ini";

static void
obf_xor(unsigned char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		s[i] ^= (unsigned char)obf_key[i % (sizeof(obf_key) - 1)];
}

char *
ini_obfuscate(const char *clear)
{
	size_t n = strlen(clear);
	unsigned char *tmp = malloc(n + 1);
	char *enc, *out = NULL;

	if (tmp == NULL)
		return NULL;
	memcpy(tmp, clear, n);
	obf_xor(tmp, n);
	enc = ini_b64_encode(tmp, n);
	ini_secure_zero(tmp, n);
	free(tmp);
	if (enc != NULL && (out = malloc(strlen(enc) + 4)) != NULL) {
		memcpy(out, "$1$", 3);
		strcpy(out + 3, enc);
	}
	free(enc);
	return out;
}

/* text starts with "$1$"; *clear is malloc'd. */
int
ini_deobfuscate(const char *text, char **clear)
{
	unsigned char *dec;
	size_t n;
	int rc;

	if ((rc = ini_b64_decode(text + 3, &dec, &n)) != 0)
		return rc;
	obf_xor(dec, n);
	if (memchr(dec, '\0', n) != NULL) {
		ini_secure_zero(dec, n);
		free(dec);
		return -EINVAL;
	}
	*clear = (char *)dec;
	return 0;
}

/* ---- text buffer that may hold passwords -------------------------- */

void
ini_buf_add(struct ini_buf *b, const char *s, size_t n)
{
	if (b->nomem)
		return;
	if (b->n + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		char *p;

		while (b->n + n + 1 > cap)
			cap *= 2;
		/* not realloc: the old buffer may hold passwords */
		if ((p = malloc(cap)) == NULL) {
			b->nomem = 1;
			return;
		}
		if (b->p != NULL) {
			memcpy(p, b->p, b->n);
			ini_secure_zero(b->p, b->n);
		}
		free(b->p);
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

void
ini_buf_puts(struct ini_buf *b, const char *s)
{
	ini_buf_add(b, s, strlen(s));
}

void
ini_buf_printf(struct ini_buf *b, const char *fmt, ...)
{
	char tmp[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < sizeof(tmp))
		ini_buf_add(b, tmp, (size_t)n);
	else
		b->nomem = 1;
}

void
ini_buf_free(struct ini_buf *b)
{
	if (b->p != NULL)
		ini_secure_zero(b->p, b->n);
	free(b->p);
	memset(b, 0, sizeof(*b));
}
