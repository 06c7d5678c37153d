/* SPDX-License-Identifier: ISC */
/*
 * Diagnostics returned as data: the library never prints.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ini/ini_int.h"

/* Bounds memory on hostile input; the counters keep counting. */
#define DIAGS_MAX 1000

struct ini_diag {
	char *file;
	unsigned line;
	enum ini_severity sev;
	char *msg;
	size_t seq;
};

struct ini_diags {
	struct ini_diag *v;
	size_t n, cap;
	size_t nerr, nwarn;
};

int
ini_diags_create(struct ini_diags **out)
{
	struct ini_diags *d;

	if (out == NULL)
		return -EINVAL;
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return -ENOMEM;
	*out = d;
	return 0;
}

void
ini_diags_clear(struct ini_diags *diags)
{
	size_t i;

	if (diags == NULL)
		return;
	for (i = 0; i < diags->n; i++) {
		free(diags->v[i].file);
		free(diags->v[i].msg);
	}
	diags->n = diags->nerr = diags->nwarn = 0;
}

void
ini_diags_destroy(struct ini_diags *diags)
{
	if (diags == NULL)
		return;
	ini_diags_clear(diags);
	free(diags->v);
	free(diags);
}

static int
diags_grow(struct ini_diags *d)
{
	size_t cap = d->cap ? d->cap * 2 : 16;
	struct ini_diag *v;

	if (d->n < d->cap)
		return 0;
	if ((v = realloc(d->v, cap * sizeof(*v))) == NULL)
		return -ENOMEM;
	d->v = v;
	d->cap = cap;
	return 0;
}

int
ini_diags_add(struct ini_diags *diags, const char *file, unsigned line,
	      enum ini_severity sev, const char *fmt, ...)
{
	struct ini_diag *d;
	va_list ap;
	int rc;

	if (diags == NULL || fmt == NULL)
		return -EINVAL;
	if (sev == INI_SEV_ERROR)
		diags->nerr++;
	else
		diags->nwarn++;
	if (diags->n >= DIAGS_MAX)
		return 0;
	if (diags_grow(diags) != 0)
		return -ENOMEM;
	d = &diags->v[diags->n];
	memset(d, 0, sizeof(*d));
	va_start(ap, fmt);
	rc = vasprintf(&d->msg, fmt, ap);
	va_end(ap);
	if (rc < 0)
		return -ENOMEM;
	if (file != NULL && (d->file = strdup(file)) == NULL) {
		free(d->msg);
		return -ENOMEM;
	}
	d->line = line;
	d->sev = sev;
	d->seq = diags->n++;
	return 0;
}

size_t
ini_diags_count(const struct ini_diags *diags)
{
	return diags == NULL ? 0 : diags->n;
}

size_t
ini_diags_errors(const struct ini_diags *diags)
{
	return diags == NULL ? 0 : diags->nerr;
}

size_t
ini_diags_warnings(const struct ini_diags *diags)
{
	return diags == NULL ? 0 : diags->nwarn;
}

const struct ini_diag *
ini_diags_get(const struct ini_diags *diags, size_t i)
{
	if (diags == NULL || i >= diags->n)
		return NULL;
	return &diags->v[i];
}

static int
diag_cmp(const void *a, const void *b)
{
	const struct ini_diag *x = a, *y = b;
	int c = strcmp(x->file ? x->file : "", y->file ? y->file : "");

	if (c != 0)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void
ini_diags_sort(struct ini_diags *diags)
{
	if (diags != NULL && diags->n > 1)
		qsort(diags->v, diags->n, sizeof(*diags->v), diag_cmp);
}

const char *
ini_diag_file(const struct ini_diag *d)
{
	return d == NULL ? NULL : d->file;
}

unsigned
ini_diag_line(const struct ini_diag *d)
{
	return d == NULL ? 0 : d->line;
}

enum ini_severity
ini_diag_severity(const struct ini_diag *d)
{
	return d == NULL ? INI_SEV_ERROR : d->sev;
}

const char *
ini_diag_message(const struct ini_diag *d)
{
	return d == NULL ? NULL : d->msg;
}

int
ini_diag_format(const struct ini_diag *d, char *buf, size_t len)
{
	const char *sev;
	char where[32] = "";

	if (d == NULL || (buf == NULL && len > 0))
		return -EINVAL;
	sev = d->sev == INI_SEV_ERROR ? "error" : "warning";
	if (d->line > 0)
		snprintf(where, sizeof(where), "%u:", d->line);
	if (d->file != NULL)
		return snprintf(buf, len, "%s:%s %s: %s", d->file, where, sev,
				d->msg);
	if (d->line > 0)
		return snprintf(buf, len, "%s %s: %s", where, sev, d->msg);
	return snprintf(buf, len, "%s: %s", sev, d->msg);
}
