/* SPDX-License-Identifier: ISC */
/*
 * The typed configuration model: every catalog scalar, and the five
 * tables as arrays of rows sorted by INI index.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ini/ini_int.h"

/* ---- values ------------------------------------------------------ */

void
ini_val_clear(struct ini_val *v, const struct ini_param *p)
{
	if (p->type == INI_TYPE_PASSWORD)
		ini_free_secret(v->s);
	else
		free(v->s);
	v->s = NULL;
	v->i = 0;
}

/* v must be clear; a failed strdup of a default leaves "" (never NULL
 * for a non-empty default is only cosmetic: getters map NULL to ""). */
void
ini_val_set_default(struct ini_val *v, const struct ini_param *p)
{
	v->i = p->def_int;
	v->s = NULL;
	if (ini_param_is_text(p) && p->def_str[0] != '\0')
		v->s = strdup(p->def_str);
}

bool
ini_val_equal(const struct ini_val *a, const struct ini_val *b,
	      const struct ini_param *p)
{
	if (!ini_param_is_text(p))
		return a->i == b->i;
	return strcmp(a->s ? a->s : "", b->s ? b->s : "") == 0;
}

static int
val_copy(struct ini_val *dst, const struct ini_val *src)
{
	dst->i = src->i;
	dst->s = NULL;
	if (src->s != NULL && (dst->s = strdup(src->s)) == NULL)
		return -ENOMEM;
	return 0;
}

/* ---- rows -------------------------------------------------------- */

static const struct ini_param *
col_param(enum ini_table t, unsigned c)
{
	return &ini_catalog[ini_tables[t].first + c];
}

struct ini_row *
ini_row_new(enum ini_table t, long index)
{
	unsigned n = ini_tables[t].ncols, c;
	struct ini_row *r = calloc(1, sizeof(*r) + n * sizeof(r->v[0]));

	if (r == NULL)
		return NULL;
	r->index = index;
	for (c = 0; c < n; c++) {
		ini_val_set_default(&r->v[c], col_param(t, c));
		if (ini_param_is_text(col_param(t, c)) &&
		    col_param(t, c)->def_str[0] != '\0' && r->v[c].s == NULL) {
			ini_row_free(t, r);
			return NULL;
		}
	}
	return r;
}

struct ini_row *
ini_row_dup(enum ini_table t, const struct ini_row *src)
{
	unsigned n = ini_tables[t].ncols, c;
	struct ini_row *r = calloc(1, sizeof(*r) + n * sizeof(r->v[0]));

	if (r == NULL)
		return NULL;
	r->index = src->index;
	r->line = src->line;
	for (c = 0; c < n; c++)
		if (val_copy(&r->v[c], &src->v[c]) != 0) {
			ini_row_free(t, r);
			return NULL;
		}
	return r;
}

void
ini_row_free(enum ini_table t, struct ini_row *r)
{
	unsigned c;

	if (r == NULL)
		return;
	for (c = 0; c < ini_tables[t].ncols; c++)
		ini_val_clear(&r->v[c], col_param(t, c));
	free(r);
}

void
ini_row_set_default(struct ini_row *r, const struct ini_param *p)
{
	unsigned c = p->id - ini_tables[p->table].first;

	ini_val_clear(&r->v[c], p);
	ini_val_set_default(&r->v[c], p);
}

bool
ini_row_equal_col(const struct ini_row *a, const struct ini_row *b,
		  const struct ini_param *p)
{
	unsigned c = p->id - ini_tables[p->table].first;

	return ini_val_equal(&a->v[c], &b->v[c], p);
}

void
ini_tab_clear(struct ini_tab *tab, enum ini_table t)
{
	size_t i;

	for (i = 0; i < tab->n; i++)
		ini_row_free(t, tab->rows[i]);
	free(tab->rows);
	memset(tab, 0, sizeof(*tab));
}

/* Position of index, or of where it would be inserted. */
static size_t
tab_search(const struct ini_tab *tab, long index, bool *found)
{
	size_t lo = 0, hi = tab->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (tab->rows[mid]->index < index)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < tab->n && tab->rows[lo]->index == index;
	return lo;
}

struct ini_row *
ini_conf_find_row(const struct ini_conf *c, enum ini_table t, long index)
{
	bool found;
	size_t pos = tab_search(&c->t[t], index, &found);

	return found ? c->t[t].rows[pos] : NULL;
}

static int
tab_insert(struct ini_tab *tab, size_t pos, struct ini_row *r)
{
	if (tab->n == tab->cap) {
		size_t cap = tab->cap ? tab->cap * 2 : 16;
		struct ini_row **rows = realloc(tab->rows, cap * sizeof(*rows));

		if (rows == NULL)
			return -ENOMEM;
		tab->rows = rows;
		tab->cap = cap;
	}
	memmove(&tab->rows[pos + 1], &tab->rows[pos],
		(tab->n - pos) * sizeof(*tab->rows));
	tab->rows[pos] = r;
	tab->n++;
	return 0;
}

/* ---- lifecycle --------------------------------------------------- */

int
ini_conf_create(struct ini_conf **out)
{
	struct ini_conf *c;
	unsigned i;

	if (out == NULL)
		return -EINVAL;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return -ENOMEM;
	for (i = 0; i < INI_P__SCALARS; i++) {
		ini_val_set_default(&c->sc[i], &ini_catalog[i]);
		if (ini_param_is_text(&ini_catalog[i]) &&
		    ini_catalog[i].def_str[0] != '\0' && c->sc[i].s == NULL) {
			ini_conf_destroy(c);
			return -ENOMEM;
		}
	}
	*out = c;
	return 0;
}

void
ini_conf_destroy(struct ini_conf *conf)
{
	int t;
	unsigned i;

	if (conf == NULL)
		return;
	for (i = 0; i < INI_P__SCALARS; i++)
		ini_val_clear(&conf->sc[i], &ini_catalog[i]);
	for (t = 0; t < INI_TABLE__COUNT; t++)
		ini_tab_clear(&conf->t[t], (enum ini_table)t);
	free(conf);
}

static int
tab_dup(struct ini_tab *dst, const struct ini_tab *src, enum ini_table t)
{
	size_t i;

	if (src->n == 0)
		return 0;
	if ((dst->rows = calloc(src->n, sizeof(*dst->rows))) == NULL)
		return -ENOMEM;
	dst->cap = src->n;
	for (i = 0; i < src->n; i++) {
		if ((dst->rows[i] = ini_row_dup(t, src->rows[i])) == NULL)
			return -ENOMEM;
		dst->n++;
	}
	return 0;
}

int
ini_conf_dup(const struct ini_conf *conf, struct ini_conf **out)
{
	struct ini_conf *c;
	unsigned i;
	int t;

	if (conf == NULL || out == NULL)
		return -EINVAL;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return -ENOMEM;
	for (i = 0; i < INI_P__SCALARS; i++)
		if (val_copy(&c->sc[i], &conf->sc[i]) != 0)
			goto nomem;
	for (t = 0; t < INI_TABLE__COUNT; t++)
		if (tab_dup(&c->t[t], &conf->t[t], (enum ini_table)t) != 0)
			goto nomem;
	*out = c;
	return 0;
nomem:
	ini_conf_destroy(c);
	return -ENOMEM;
}

static bool
rows_equal(enum ini_table t, const struct ini_row *a, const struct ini_row *b)
{
	unsigned c;

	if (a->index != b->index)
		return false;
	for (c = 0; c < ini_tables[t].ncols; c++)
		if (!ini_val_equal(&a->v[c], &b->v[c], col_param(t, c)))
			return false;
	return true;
}

bool
ini_conf_equal(const struct ini_conf *a, const struct ini_conf *b)
{
	unsigned i;
	size_t r;
	int t;

	if (a == NULL || b == NULL)
		return a == b;
	for (i = 0; i < INI_P__SCALARS; i++)
		if (!ini_val_equal(&a->sc[i], &b->sc[i], &ini_catalog[i]))
			return false;
	for (t = 0; t < INI_TABLE__COUNT; t++) {
		if (a->t[t].n != b->t[t].n)
			return false;
		for (r = 0; r < a->t[t].n; r++)
			if (!rows_equal((enum ini_table)t, a->t[t].rows[r],
					b->t[t].rows[r]))
				return false;
	}
	return true;
}

/* ---- scalars ----------------------------------------------------- */

static const struct ini_param *
scalar(enum ini_param_id id)
{
	return (int)id >= 0 && id < INI_P__SCALARS ? &ini_catalog[id] : NULL;
}

long
ini_conf_get_int(const struct ini_conf *conf, enum ini_param_id id)
{
	const struct ini_param *p = scalar(id);

	if (conf == NULL || p == NULL || ini_param_is_text(p))
		return 0;
	return conf->sc[id].i;
}

const char *
ini_conf_get_str(const struct ini_conf *conf, enum ini_param_id id)
{
	const struct ini_param *p = scalar(id);

	if (conf == NULL || p == NULL || !ini_param_is_text(p))
		return NULL;
	return conf->sc[id].s ? conf->sc[id].s : "";
}

/* Validated store into v; v unchanged on error. */
int
ini_val_set_text(struct ini_val *v, const struct ini_param *p, const char *text,
		 char *err, size_t errlen)
{
	long i = 0;
	char *s = NULL;
	int rc = ini_param_convert(p, text, &i, &s, err, errlen);

	if (rc != 0)
		return rc;
	ini_val_clear(v, p);
	v->i = i;
	v->s = s;
	return 0;
}

int
ini_conf_set(struct ini_conf *conf, enum ini_param_id id, const char *text,
	     char *err, size_t errlen)
{
	const struct ini_param *p = scalar(id);

	if (conf == NULL || p == NULL || text == NULL)
		return -EINVAL;
	return ini_val_set_text(&conf->sc[id], p, text, err, errlen);
}

int
ini_conf_set_int(struct ini_conf *conf, enum ini_param_id id, long value)
{
	char buf[32];

	if (scalar(id) == NULL || ini_param_is_text(scalar(id)))
		return -EINVAL;
	snprintf(buf, sizeof(buf), "%ld", value);
	return ini_conf_set(conf, id, buf, NULL, 0);
}

int
ini_conf_set_str(struct ini_conf *conf, enum ini_param_id id, const char *value)
{
	if (scalar(id) == NULL || !ini_param_is_text(scalar(id)))
		return -EINVAL;
	return ini_conf_set(conf, id, value, NULL, 0);
}

int
ini_conf_reset(struct ini_conf *conf, enum ini_param_id id, long row)
{
	const struct ini_param *p = ini_param_get(id);
	struct ini_row *r;

	if (conf == NULL || p == NULL)
		return -EINVAL;
	if (p->table == INI_TABLE_NONE) {
		ini_val_clear(&conf->sc[id], p);
		ini_val_set_default(&conf->sc[id], p);
		return 0;
	}
	if ((r = ini_conf_find_row(conf, p->table, row)) == NULL)
		return -ENOENT;
	ini_row_set_default(r, p);
	return 0;
}

/* ---- rows -------------------------------------------------------- */

static bool
valid_table(enum ini_table t)
{
	return (int)t >= 0 && t < INI_TABLE__COUNT;
}

size_t
ini_conf_row_count(const struct ini_conf *conf, enum ini_table t)
{
	return conf == NULL || !valid_table(t) ? 0 : conf->t[t].n;
}

bool
ini_conf_row_exists(const struct ini_conf *conf, enum ini_table t, long index)
{
	return conf != NULL && valid_table(t) &&
	       ini_conf_find_row(conf, t, index) != NULL;
}

int
ini_conf_row_at(const struct ini_conf *conf, enum ini_table t, size_t pos,
		long *index)
{
	if (conf == NULL || !valid_table(t) || index == NULL)
		return -EINVAL;
	if (pos >= conf->t[t].n)
		return -ENOENT;
	*index = conf->t[t].rows[pos]->index;
	return 0;
}

int
ini_conf_row_next(const struct ini_conf *conf, enum ini_table t, long after,
		  long *index)
{
	bool found;
	size_t pos;

	if (conf == NULL || !valid_table(t) || index == NULL)
		return -EINVAL;
	if (after == LONG_MAX)
		return -ENOENT;
	pos = tab_search(&conf->t[t], after + 1, &found);
	if (pos >= conf->t[t].n)
		return -ENOENT;
	*index = conf->t[t].rows[pos]->index;
	return 0;
}

int
ini_conf_row_create(struct ini_conf *conf, enum ini_table t, long index)
{
	struct ini_row *r;
	bool found;
	size_t pos;

	if (conf == NULL || !valid_table(t))
		return -EINVAL;
	if (index < ini_tables[t].idx_min || index > ini_tables[t].idx_max)
		return -ERANGE;
	pos = tab_search(&conf->t[t], index, &found);
	if (found)
		return -EEXIST;
	if ((r = ini_row_new(t, index)) == NULL)
		return -ENOMEM;
	if (tab_insert(&conf->t[t], pos, r) != 0) {
		ini_row_free(t, r);
		return -ENOMEM;
	}
	return 0;
}

int
ini_conf_row_delete(struct ini_conf *conf, enum ini_table t, long index)
{
	struct ini_tab *tab;
	bool found;
	size_t pos;

	if (conf == NULL || !valid_table(t))
		return -EINVAL;
	tab = &conf->t[t];
	pos = tab_search(tab, index, &found);
	if (!found)
		return -ENOENT;
	ini_row_free(t, tab->rows[pos]);
	memmove(&tab->rows[pos], &tab->rows[pos + 1],
		(tab->n - pos - 1) * sizeof(*tab->rows));
	tab->n--;
	return 0;
}

static int
row_col(const struct ini_conf *conf, enum ini_param_id col, long index,
	struct ini_val **v, const struct ini_param **pp)
{
	const struct ini_param *p = ini_param_get(col);
	struct ini_row *r;

	if (conf == NULL || p == NULL || p->table == INI_TABLE_NONE)
		return -EINVAL;
	if ((r = ini_conf_find_row(conf, p->table, index)) == NULL)
		return -ENOENT;
	*v = &r->v[col - ini_tables[p->table].first];
	*pp = p;
	return 0;
}

int
ini_conf_row_get_int(const struct ini_conf *conf, enum ini_param_id col,
		     long index, long *value)
{
	const struct ini_param *p;
	struct ini_val *v;
	int rc = row_col(conf, col, index, &v, &p);

	if (rc != 0)
		return rc;
	if (ini_param_is_text(p) || value == NULL)
		return -EINVAL;
	*value = v->i;
	return 0;
}

int
ini_conf_row_get_str(const struct ini_conf *conf, enum ini_param_id col,
		     long index, const char **value)
{
	const struct ini_param *p;
	struct ini_val *v;
	int rc = row_col(conf, col, index, &v, &p);

	if (rc != 0)
		return rc;
	if (!ini_param_is_text(p) || value == NULL)
		return -EINVAL;
	*value = v->s ? v->s : "";
	return 0;
}

int
ini_conf_row_set(struct ini_conf *conf, enum ini_param_id col, long index,
		 const char *text, char *err, size_t errlen)
{
	const struct ini_param *p;
	struct ini_val *v;
	int rc = row_col(conf, col, index, &v, &p);

	if (rc != 0)
		return rc;
	if (text == NULL)
		return -EINVAL;
	return ini_val_set_text(v, p, text, err, errlen);
}

int
ini_conf_row_set_int(struct ini_conf *conf, enum ini_param_id col, long index,
		     long value)
{
	const struct ini_param *p = ini_param_get(col);
	char buf[32];

	if (p == NULL || ini_param_is_text(p))
		return -EINVAL;
	snprintf(buf, sizeof(buf), "%ld", value);
	return ini_conf_row_set(conf, col, index, buf, NULL, 0);
}

int
ini_conf_row_set_str(struct ini_conf *conf, enum ini_param_id col, long index,
		     const char *value)
{
	const struct ini_param *p = ini_param_get(col);

	if (p == NULL || !ini_param_is_text(p))
		return -EINVAL;
	return ini_conf_row_set(conf, col, index, value, NULL, 0);
}
