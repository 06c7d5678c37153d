/* SPDX-License-Identifier: ISC */
/*
 * What differs between two configurations: the parameter count of a
 * load's summary (gwagent_params_changed()) and gwagent-ini diff.  Which
 * bindings re-register is not decided here but by agent/bindings.c,
 * which compares each binding's derived registration.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ini/ini_int.h"

struct ini_change {
	enum ini_change_kind kind;
	enum ini_table t;
	enum ini_param_id id;
	long row;
	uint64_t cols;
};

struct ini_changes {
	struct ini_change *v;
	size_t n, cap;
};

static int
chg_add(struct ini_changes *ch, const struct ini_change *c)
{
	if (ch->n == ch->cap) {
		size_t cap = ch->cap ? ch->cap * 2 : 32;
		struct ini_change *v = realloc(ch->v, cap * sizeof(*v));

		if (v == NULL)
			return -ENOMEM;
		ch->v = v;
		ch->cap = cap;
	}
	ch->v[ch->n++] = *c;
	return 0;
}

static int
diff_scalars(const struct ini_conf *a, const struct ini_conf *b,
	     struct ini_changes *ch)
{
	unsigned i;

	for (i = 0; i < INI_P__SCALARS; i++) {
		const struct ini_param *p = &ini_catalog[i];
		struct ini_change c = { INI_CHANGE_SCALAR, INI_TABLE_NONE,
					p->id, 0, 0 };

		if (!ini_val_equal(&a->sc[i], &b->sc[i], p) &&
		    chg_add(ch, &c) != 0)
			return -ENOMEM;
	}
	return 0;
}

static uint64_t
row_diff(enum ini_table t, const struct ini_row *a, const struct ini_row *b)
{
	const struct ini_tabdesc *td = &ini_tables[t];
	uint64_t cols = 0;
	unsigned c;

	for (c = 0; c < td->ncols; c++)
		if (!ini_val_equal(&a->v[c], &b->v[c],
				   &ini_catalog[td->first + c]))
			cols |= UINT64_C(1) << c;
	return cols;
}

static int
diff_table(const struct ini_tab *a, const struct ini_tab *b, enum ini_table t,
	   struct ini_changes *ch)
{
	uint64_t all = (UINT64_C(1) << ini_tables[t].ncols) - 1;
	size_t i = 0, j = 0;

	while (i < a->n || j < b->n) {
		struct ini_change c = { INI_CHANGE_ROW_CHANGED, t, INI_P__COUNT,
					0, all };

		if (j == b->n ||
		    (i < a->n && a->rows[i]->index < b->rows[j]->index)) {
			c.kind = INI_CHANGE_ROW_REMOVED;
			c.row = a->rows[i++]->index;
		} else if (i == a->n || b->rows[j]->index < a->rows[i]->index) {
			c.kind = INI_CHANGE_ROW_ADDED;
			c.row = b->rows[j++]->index;
		} else {
			c.row = a->rows[i]->index;
			c.cols = row_diff(t, a->rows[i++], b->rows[j++]);
			if (c.cols == 0)
				continue;
		}
		if (chg_add(ch, &c) != 0)
			return -ENOMEM;
	}
	return 0;
}

static int
diff_all(const struct ini_conf *a, const struct ini_conf *b,
	 struct ini_changes *ch)
{
	int t, rc = diff_scalars(a, b, ch);

	for (t = 0; t < INI_TABLE__COUNT && rc == 0; t++)
		rc = diff_table(&a->t[t], &b->t[t], (enum ini_table)t, ch);
	return rc;
}

int
ini_conf_diff(const struct ini_conf *old, const struct ini_conf *new_,
	      struct ini_changes **out)
{
	struct ini_conf *dflt = NULL;
	struct ini_changes *ch;
	int rc;

	if (out == NULL)
		return -EINVAL;
	if ((old == NULL || new_ == NULL) && (rc = ini_conf_create(&dflt)) != 0)
		return rc;
	if ((ch = calloc(1, sizeof(*ch))) == NULL) {
		ini_conf_destroy(dflt);
		return -ENOMEM;
	}
	rc = diff_all(old ? old : dflt, new_ ? new_ : dflt, ch);
	ini_conf_destroy(dflt);
	if (rc != 0) {
		ini_changes_destroy(ch);
		return rc;
	}
	*out = ch;
	return 0;
}

void
ini_changes_destroy(struct ini_changes *changes)
{
	if (changes == NULL)
		return;
	free(changes->v);
	free(changes);
}

size_t
ini_changes_count(const struct ini_changes *changes)
{
	return changes == NULL ? 0 : changes->n;
}

const struct ini_change *
ini_changes_get(const struct ini_changes *changes, size_t i)
{
	return i < ini_changes_count(changes) ? &changes->v[i] : NULL;
}

enum ini_change_kind
ini_change_kind(const struct ini_change *c)
{
	return c == NULL ? INI_CHANGE_SCALAR : c->kind;
}

enum ini_table
ini_change_table(const struct ini_change *c)
{
	return c == NULL ? INI_TABLE_NONE : c->t;
}

enum ini_param_id
ini_change_param(const struct ini_change *c)
{
	return c == NULL ? INI_P__COUNT : c->id;
}

long
ini_change_row(const struct ini_change *c)
{
	return c == NULL ? 0 : c->row;
}

bool
ini_change_has_column(const struct ini_change *c, enum ini_param_id col)
{
	const struct ini_param *p = ini_param_get(col);

	if (c == NULL || p == NULL)
		return false;
	if (c->kind == INI_CHANGE_SCALAR)
		return c->id == col;
	if (p->table != c->t)
		return false;
	return (c->cols >> (col - ini_tables[c->t].first)) & 1;
}
