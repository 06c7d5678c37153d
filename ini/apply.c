/* SPDX-License-Identifier: ISC */
/*
 * Applying a parsed document: catalog validation of every scalar, FORMAT
 * and row, then a new configuration built from (current, document,
 * mode), then the whole-configuration checks.  The running
 * configuration is never touched.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ini/ini_int.h"

struct pend {
	long index;
	unsigned line;
	struct ini_row *row;
};

struct pendv {
	struct pend *v;
	size_t n, cap;
};

struct bstate {
	enum ini_table t;
	bool ok;
	const struct ini_param **map; /* per FORMAT column, NULL = skip */
};

struct actx {
	const struct ini_doc *doc;
	struct ini_diags *diags;
	enum ini_apply_mode mode;
	struct ini_conf *next;
	size_t nerr;
	int nomem;
	unsigned sc_line[INI_P__SCALARS];
	struct bstate *bs;
	struct pendv pend[INI_TABLE__COUNT];
};

static void adiag(struct actx *ax, enum ini_severity sev, unsigned line,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
adiag(struct actx *ax, enum ini_severity sev, unsigned line, const char *fmt,
      ...)
{
	char msg[512];
	va_list ap;

	if (sev == INI_SEV_ERROR)
		ax->nerr++;
	if (ax->diags == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (ini_diags_add(ax->diags, ax->doc->filename, line, sev, "%s", msg) !=
	    0)
		ax->nomem = 1;
}

/* ---- scalars ----------------------------------------------------- */

static void
apply_scalar(struct actx *ax, const struct ini_item *it)
{
	const struct ini_param *p = ini_param_lookup(it->name);
	char err[INI_ERRLEN];
	int rc;

	if (p == NULL || p->table != INI_TABLE_NONE) {
		adiag(ax, INI_SEV_WARNING, it->line,
		      "unknown parameter '%.60s' ignored", it->name);
		return;
	}
	if (ax->sc_line[p->id] != 0)
		adiag(ax, INI_SEV_WARNING, it->line,
		      "'%s' is already set at line %u; the last value wins",
		      p->name, ax->sc_line[p->id]);
	ax->sc_line[p->id] = it->line;
	rc = ini_val_set_text(&ax->next->sc[p->id], p, it->value, err,
			      sizeof(err));
	if (rc == -ENOMEM)
		ax->nomem = 1;
	else if (rc != 0)
		adiag(ax, INI_SEV_ERROR, it->line, "%s: %s", p->name, err);
}

/* ---- FORMAT ------------------------------------------------------ */

static bool
format_index_ok(struct actx *ax, const struct ini_item *f, enum ini_table t)
{
	const struct ini_tabdesc *td = &ini_tables[t];

	if (f->nidx != 1) {
		adiag(ax, INI_SEV_ERROR, f->line,
		      "table '%s' has one index column, FORMAT lists %u",
		      td->name, f->nidx);
		return false;
	}
	if (!ini_strcaseeq(f->idx[0], td->index_name) &&
	    !ini_strcaseeq(f->idx[0], "Index")) {
		adiag(ax, INI_SEV_ERROR, f->line,
		      "the index column of table '%s' is '%s', not '%.60s'",
		      td->name, td->index_name, f->idx[0]);
		return false;
	}
	return true;
}

static void
apply_format(struct actx *ax, const struct ini_item *f)
{
	struct bstate *b = &ax->bs[f->block];
	uint64_t seen = 0;
	unsigned i;

	if (b->t == INI_TABLE_NONE || !format_index_ok(ax, f, b->t))
		return;
	b->map = calloc(f->nfields ? f->nfields : 1, sizeof(*b->map));
	if (b->map == NULL) {
		ax->nomem = 1;
		return;
	}
	for (i = 0; i < f->nfields; i++) {
		const struct ini_param *p =
			ini_column_lookup(b->t, f->fields[i].text);
		uint64_t bit;

		if (p == NULL) {
			adiag(ax, INI_SEV_ERROR, f->line,
			      "unknown column '%.60s' in table '%s'",
			      f->fields[i].text, ini_tables[b->t].name);
			continue;
		}
		bit = UINT64_C(1) << (p->id - ini_tables[b->t].first);
		if (seen & bit)
			adiag(ax, INI_SEV_ERROR, f->line,
			      "column '%s' is listed twice", p->name);
		else
			b->map[i] = p;
		seen |= bit;
	}
	b->ok = true;
}

/* ---- rows -------------------------------------------------------- */

static int
pend_push(struct pendv *pv, struct ini_row *r)
{
	if (pv->n == pv->cap) {
		size_t cap = pv->cap ? pv->cap * 2 : 64;
		struct pend *v = realloc(pv->v, cap * sizeof(*v));

		if (v == NULL)
			return -ENOMEM;
		pv->v = v;
		pv->cap = cap;
	}
	pv->v[pv->n].index = r->index;
	pv->v[pv->n].line = r->line;
	pv->v[pv->n++].row = r;
	return 0;
}

static void
row_field(struct actx *ax, const struct ini_item *it, struct ini_row *r,
	  const struct ini_param *p, const struct ini_field *f)
{
	unsigned c = p->id - ini_tables[p->table].first;
	char err[INI_ERRLEN];
	int rc;

	if (f->dflt ||
	    (f->quote && f->text[0] == '\0' && !ini_param_is_text(p))) {
		ini_row_set_default(r, p);
		return;
	}
	rc = ini_val_set_text(&r->v[c], p, f->text, err, sizeof(err));
	if (rc == -ENOMEM)
		ax->nomem = 1;
	else if (rc != 0)
		adiag(ax, INI_SEV_ERROR, it->line, "%s: %s", p->name, err);
}

static struct ini_row *
row_base(struct actx *ax, enum ini_table t, long index)
{
	const struct ini_row *old = NULL;

	if (ax->mode == INI_APPLY_INCREMENTAL)
		old = ini_conf_find_row(ax->next, t, index);
	return old ? ini_row_dup(t, old) : ini_row_new(t, index);
}

static void
apply_row(struct actx *ax, const struct ini_item *it)
{
	const struct bstate *b = &ax->bs[it->block];
	const struct ini_tabdesc *td;
	struct ini_row *r;
	long index;
	unsigned i;

	if (b->t == INI_TABLE_NONE || !b->ok)
		return;
	td = &ini_tables[b->t];
	index = it->idxv[0];
	if (index < td->idx_min || index > td->idx_max) {
		adiag(ax, INI_SEV_ERROR, it->line,
		      "%s index %ld is out of range %ld..%ld", td->name, index,
		      td->idx_min, td->idx_max);
		return;
	}
	if ((r = row_base(ax, b->t, index)) == NULL) {
		ax->nomem = 1;
		return;
	}
	r->line = it->line;
	for (i = 0; i < it->nfields; i++)
		if (b->map[i] != NULL)
			row_field(ax, it, r, b->map[i], &it->fields[i]);
	if (pend_push(&ax->pend[b->t], r) != 0) {
		ini_row_free(b->t, r);
		ax->nomem = 1;
	}
}

static void
apply_items(struct actx *ax)
{
	const struct ini_doc *doc = ax->doc;
	size_t i;

	for (i = 0; i < doc->nitems && !ax->nomem; i++) {
		const struct ini_item *it = &doc->items[i];

		if (it->kind == INI_ITEM_SCALAR && it->block == SIZE_MAX)
			apply_scalar(ax, it);
		if (it->block == SIZE_MAX)
			continue;
		if (it->kind == INI_ITEM_TABLE_BEGIN &&
		    ax->bs[it->block].t == INI_TABLE_NONE)
			adiag(ax, INI_SEV_WARNING, it->line,
			      "unknown table '%.60s' ignored", it->name);
		else if (it->kind == INI_ITEM_FORMAT)
			apply_format(ax, it);
		else if (it->kind == INI_ITEM_ROW)
			apply_row(ax, it);
	}
}

/* ---- installing rows --------------------------------------------- */

static int
pend_cmp(const void *a, const void *b)
{
	const struct pend *x = a, *y = b;

	if (x->index != y->index)
		return x->index < y->index ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* Sorts and drops duplicate rows (reported; the first one stays). */
static void
pend_sort(struct actx *ax, enum ini_table t)
{
	struct pendv *pv = &ax->pend[t];
	size_t i, o = 0;

	if (pv->n == 0)
		return;
	qsort(pv->v, pv->n, sizeof(*pv->v), pend_cmp);
	for (i = 0; i < pv->n; i++) {
		if (o > 0 && pv->v[o - 1].index == pv->v[i].index) {
			adiag(ax, INI_SEV_ERROR, pv->v[i].line,
			      "duplicate row %s %ld (first at line %u)",
			      ini_tables[t].name, pv->v[i].index,
			      pv->v[o - 1].line);
			ini_row_free(t, pv->v[i].row);
			continue;
		}
		pv->v[o++] = pv->v[i];
	}
	pv->n = o;
}

/* Merges the sorted pending rows into the table; pending rows win. */
static int
pend_merge(struct actx *ax, enum ini_table t)
{
	struct pendv *pv = &ax->pend[t];
	struct ini_tab *tab = &ax->next->t[t];
	size_t cap = tab->n + pv->n, i = 0, j = 0, o = 0;
	struct ini_row **rows;

	if (pv->n == 0)
		return 0;
	if ((rows = malloc(cap * sizeof(*rows))) == NULL)
		return -ENOMEM;
	while (i < tab->n || j < pv->n) {
		if (j == pv->n ||
		    (i < tab->n && tab->rows[i]->index < pv->v[j].index))
			rows[o++] = tab->rows[i++];
		else {
			if (i < tab->n && tab->rows[i]->index == pv->v[j].index)
				ini_row_free(t, tab->rows[i++]);
			rows[o++] = pv->v[j++].row;
		}
	}
	free(tab->rows);
	tab->rows = rows;
	tab->n = o;
	tab->cap = cap;
	pv->n = 0;
	return 0;
}

static void
install_rows(struct actx *ax)
{
	int t;

	for (t = 0; t < INI_TABLE__COUNT && !ax->nomem; t++) {
		pend_sort(ax, (enum ini_table)t);
		if (pend_merge(ax, (enum ini_table)t) != 0)
			ax->nomem = 1;
	}
}

/* ---- entry point ------------------------------------------------- */

static int
actx_init(struct actx *ax, const struct ini_conf *cur)
{
	size_t i;
	int rc, t;

	ax->bs = calloc(ax->doc->nblocks ? ax->doc->nblocks : 1,
			sizeof(*ax->bs));
	if (ax->bs == NULL)
		return -ENOMEM;
	for (i = 0; i < ax->doc->nblocks; i++)
		ax->bs[i].t = ini_table_lookup(ax->doc->blocks[i].name);
	if (ax->mode == INI_APPLY_FULL || cur == NULL)
		return ini_conf_create(&ax->next);
	if ((rc = ini_conf_dup(cur, &ax->next)) != 0)
		return rc;
	/* lines of rows kept from an older file mean nothing here */
	for (t = 0; t < INI_TABLE__COUNT; t++)
		for (i = 0; i < ax->next->t[t].n; i++)
			ax->next->t[t].rows[i]->line = 0;
	return 0;
}

static void
actx_free(struct actx *ax)
{
	size_t i;
	int t;

	for (t = 0; t < INI_TABLE__COUNT; t++) {
		for (i = 0; i < ax->pend[t].n; i++)
			ini_row_free((enum ini_table)t, ax->pend[t].v[i].row);
		free(ax->pend[t].v);
	}
	for (i = 0; ax->bs != NULL && i < ax->doc->nblocks; i++)
		free(ax->bs[i].map);
	free(ax->bs);
	ini_conf_destroy(ax->next);
}

int
ini_conf_apply(const struct ini_conf *cur, const struct ini_doc *doc,
	       enum ini_apply_mode mode, struct ini_conf **next,
	       struct ini_changes **changes, struct ini_diags *diags)
{
	struct actx ax = { .doc = doc, .diags = diags, .mode = mode };
	int rc;

	if (doc == NULL || next == NULL ||
	    (mode != INI_APPLY_FULL && mode != INI_APPLY_INCREMENTAL))
		return -EINVAL;
	if ((rc = actx_init(&ax, cur)) != 0)
		goto out;
	apply_items(&ax);
	install_rows(&ax);
	if (!ax.nomem && ini_conf_check(ax.next, doc->filename, diags) != 0)
		ax.nerr++;
	rc = ax.nomem ? -ENOMEM : 0;
	if (rc == 0 && (ax.nerr > 0 || doc->nerrors > 0))
		rc = -EINVAL;
	if (rc == 0 && changes != NULL)
		rc = ini_conf_diff(cur, ax.next, changes);
	if (rc == 0) {
		*next = ax.next;
		ax.next = NULL;
	}
out:
	actx_free(&ax);
	return rc;
}
