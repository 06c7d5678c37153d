/* SPDX-License-Identifier: ISC */
/*
 * The document-preserving writer: rewrites the document of record so
 * that it applies (INI_APPLY_FULL) to a target configuration, touching
 * only the lines whose values differ.  Every other byte (comments,
 * unknown parameters and tables, BOM, each line's own end of line) is
 * copied from the original buffer.
 *
 * How it works: the document is applied to get "from"; scalars and rows
 * of "from" and "to" are compared; each difference becomes an edit of
 * one item (a replacement text or a removal) or lines inserted before an
 * item.  One builder then walks the items and copies the original byte
 * ranges around the edits.
 *
 * Layout choices (documented in gwagent.ini(5)):
 *  - a changed scalar keeps its line, name spelling, spacing and quote;
 *    numbers are never quoted;
 *  - a new scalar goes after the last catalog scalar of the section that
 *    holds most of them, else at the end of the first section, else
 *    under a new "[SIP Params]" header at the end;
 *  - a changed cell keeps the other bytes of its row; a column missing
 *    from a block's FORMAT is appended to it, with "$$" in the rows that
 *    keep the default; new rows go before the block's "[ \T ]", a new
 *    table at the end;
 *  - new lines use the document's most common end of line, CRLF when it
 *    has none (as the device and ini_conf_export() write);
 *  - one byte may be added outside the edited lines: a line ending in a
 *    lone CR that would come right before a line starting with LF (a
 *    blank line after a removed row) gets a second CR, so that the two do
 *    not merge into one CRLF line; the blank line then ends in CRLF.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ini/ini_int.h"

#define NOITEM	 SIZE_MAX
#define MAXCOLS	 64 /* apply.c keeps columns in a uint64_t */
#define OBF_MARK "$1$"

/* ---- context ------------------------------------------------------ */

struct pedit {
	char *text; /* replacement line without end of line, or NULL */
	size_t len;
	bool removed;
};

struct pblock {
	enum ini_table t;		      /* INI_TABLE_NONE: unknown */
	const struct ini_param *map[MAXCOLS]; /* per FORMAT field */
	int pos[MAXCOLS];		      /* per column: field, -1 */
	uint64_t append;		      /* columns added to FORMAT */
	size_t last_row;		      /* item, NOITEM if none */
	int quote;			      /* for new text fields */
};

struct pctx {
	const struct ini_doc *doc;
	const struct ini_conf *from, *to;
	struct pedit *ed;    /* per item */
	struct ini_buf *ins; /* per item + 1: lines put before item i */
	struct pblock *blk;  /* per block */
	const char *eol;     /* for new lines */
	bool obf;	     /* some password of doc is obfuscated */
	int scalar_quote;    /* for new text scalars */
	struct ini_patch_stats st;
	int nomem;
};

static bool
is_ws(char c)
{
	return c == ' ' || c == '\t';
}

static const struct ini_param *
catalog_scalar(const struct ini_item *it)
{
	const struct ini_param *p;

	if (it->kind != INI_ITEM_SCALAR || it->block != NOITEM)
		return NULL;
	p = ini_param_lookup(it->name);
	return p != NULL && p->table == INI_TABLE_NONE ? p : NULL;
}

static bool
is_obfuscated(const char *s)
{
	return s != NULL && strncmp(s, OBF_MARK, 3) == 0;
}

static bool
is_default(const struct ini_param *p, const struct ini_val *v)
{
	if (!ini_param_is_text(p))
		return v->i == p->def_int;
	return strcmp(v->s ? v->s : "", p->def_str) == 0;
}

/* Bytes between the end of item i and the start of the next line. */
static size_t
eol_len(const struct ini_doc *doc, size_t i)
{
	const char *end = doc->items[i].raw + doc->items[i].raw_len;
	const char *next = i + 1 < doc->nitems ? doc->items[i + 1].raw
					       : doc->buf + doc->len;

	return (size_t)(next - end);
}

/* ---- reading the document ---------------------------------------- */

static void
scan_eol(struct pctx *px)
{
	const struct ini_doc *doc = px->doc;
	size_t crlf = 0, lf = 0, cr = 0, i;

	for (i = 0; i < doc->nitems; i++) {
		const char *e = doc->items[i].raw + doc->items[i].raw_len;
		size_t n = eol_len(doc, i);

		if (n == 2)
			crlf++;
		else if (n == 1 && *e == '\n')
			lf++;
		else if (n == 1)
			cr++;
	}
	px->eol = "\r\n";
	if (lf > crlf && lf >= cr)
		px->eol = "\n";
	else if (cr > crlf && cr > lf)
		px->eol = "\r";
}

static void
scan_scalars(struct pctx *px)
{
	const struct ini_doc *doc = px->doc;
	size_t q1 = 0, q2 = 0, q0 = 0, i;

	for (i = 0; i < doc->nitems; i++) {
		const struct ini_item *it = &doc->items[i];
		const struct ini_param *p = catalog_scalar(it);

		if (p == NULL || !ini_param_is_text(p))
			continue;
		if (p->type == INI_TYPE_PASSWORD && is_obfuscated(it->value))
			px->obf = true;
		q1 += it->quote == '\'';
		q2 += it->quote == '"';
		q0 += it->quote == 0;
	}
	px->scalar_quote = '\'';
	if (q2 > q1)
		px->scalar_quote = '"';
	else if (q0 > 0 && q1 == 0 && q2 == 0)
		px->scalar_quote = 0;
}

static void
scan_format(struct pblock *b, const struct ini_item *f)
{
	unsigned k;

	for (k = 0; k < f->nfields && k < MAXCOLS; k++) {
		const struct ini_param *p =
			ini_column_lookup(b->t, f->fields[k].text);

		b->map[k] = p;
		if (p != NULL)
			b->pos[p->id - ini_tables[b->t].first] = (int)k;
	}
}

/* Quote for new text fields: '"' as the device writes, none when the
 * rows of the block quote no text. */
static void
scan_rows(struct pctx *px, size_t bi)
{
	const struct ini_doc *doc = px->doc;
	struct pblock *b = &px->blk[bi];
	size_t quoted = 0, bare = 0, i;
	unsigned k;

	for (i = doc->blocks[bi].begin; i < doc->nitems; i++) {
		const struct ini_item *it = &doc->items[i];

		if (i == doc->blocks[bi].end)
			break;
		if (it->kind != INI_ITEM_ROW || it->block != bi)
			continue;
		b->last_row = i;
		for (k = 0; k < it->nfields && k < MAXCOLS; k++) {
			const struct ini_param *p = b->map[k];

			if (p == NULL || !ini_param_is_text(p) ||
			    it->fields[k].dflt)
				continue;
			if (p->type == INI_TYPE_PASSWORD &&
			    is_obfuscated(it->fields[k].text))
				px->obf = true;
			quoted += it->fields[k].quote != 0;
			bare += it->fields[k].quote == 0;
		}
	}
	b->quote = bare > 0 && quoted == 0 ? 0 : '"';
}

static void
scan_blocks(struct pctx *px)
{
	const struct ini_doc *doc = px->doc;
	size_t bi;
	unsigned c;

	for (bi = 0; bi < doc->nblocks; bi++) {
		struct pblock *b = &px->blk[bi];

		b->t = ini_table_lookup(doc->blocks[bi].name);
		b->last_row = NOITEM;
		for (c = 0; c < MAXCOLS; c++)
			b->pos[c] = -1;
		if (b->t == INI_TABLE_NONE)
			continue;
		if (doc->blocks[bi].format != NOITEM)
			scan_format(b, &doc->items[doc->blocks[bi].format]);
		scan_rows(px, bi);
	}
}

/* ---- values ------------------------------------------------------- */

static bool
needs_quote_scalar(const char *s)
{
	size_t n = strlen(s);

	return n > 0 &&
	       (s[0] == '\'' || s[0] == '"' || is_ws(s[0]) || is_ws(s[n - 1]));
}

static bool
needs_quote_field(const char *s)
{
	return needs_quote_scalar(s) || *s == '\0' || strcmp(s, "$$") == 0 ||
	       strpbrk(s, ",;") != NULL;
}

static bool
must_obfuscate(const char *s)
{
	return is_obfuscated(s) || (strchr(s, '"') != NULL && strchr(s, '\''));
}

/*
 * Append the value v of p.  quote: the quote to keep (0: none unless
 * needed); dflt_quote: the one to use when quotes are needed; obf: the
 * password form the document uses at this place.
 */
static void
put_value(struct pctx *px, struct ini_buf *b, const struct ini_param *p,
	  const struct ini_val *v, int quote, int dflt_quote, bool obf,
	  bool field)
{
	const char *s = v->s ? v->s : "";
	char *enc = NULL;
	char q;

	if (!ini_param_is_text(p)) {
		ini_buf_printf(b, "%ld", v->i);
		return;
	}
	if (p->type == INI_TYPE_PASSWORD && *s != '\0' &&
	    (obf || must_obfuscate(s))) {
		if ((enc = ini_obfuscate(s)) == NULL) {
			px->nomem = 1;
			return;
		}
		s = enc;
	}
	q = (char)quote;
	if (q == 0 && (field ? needs_quote_field(s) : needs_quote_scalar(s)))
		q = dflt_quote ? (char)dflt_quote : '"';
	if (q != 0 && strchr(s, q) != NULL)
		q = q == '"' ? '\'' : '"';
	if (q != 0)
		ini_buf_add(b, &q, 1);
	ini_buf_puts(b, s);
	if (q != 0)
		ini_buf_add(b, &q, 1);
	free(enc); /* obfuscated: no secret in clear */
}

/* ---- edits -------------------------------------------------------- */

static void
set_line(struct pctx *px, size_t i, struct ini_buf *b)
{
	if (b->nomem) {
		px->nomem = 1;
		ini_buf_free(b);
		return;
	}
	if (b->p == NULL)
		ini_buf_add(b, "", 0);
	if (b->nomem) {
		px->nomem = 1;
		return;
	}
	if (px->ed[i].text == NULL)
		px->st.rewritten++;
	else {
		ini_secure_zero(px->ed[i].text, px->ed[i].len);
		free(px->ed[i].text);
	}
	px->ed[i].text = b->p;
	px->ed[i].len = b->n;
	memset(b, 0, sizeof(*b));
}

/* Ends a line inserted before item at. */
static void
end_line(struct pctx *px, size_t at, struct ini_buf *line)
{
	ini_buf_puts(line, px->eol);
	ini_buf_add(&px->ins[at], line->p ? line->p : "", line->n);
	px->st.added++;
	if (line->nomem || px->ins[at].nomem)
		px->nomem = 1;
	ini_buf_free(line);
}

static void
insert_text(struct pctx *px, size_t at, const char *s)
{
	struct ini_buf line = { 0 };

	ini_buf_puts(&line, s);
	end_line(px, at, &line);
}

/* ---- scalars ------------------------------------------------------ */

static void
rewrite_scalar(struct pctx *px, size_t i, const struct ini_param *p)
{
	const struct ini_item *it = &px->doc->items[i];
	const char *raw = it->raw;
	size_t n = it->raw_len, eq, vs, ve;
	struct ini_buf b = { 0 };

	eq = (size_t)((const char *)memchr(raw, '=', n) - raw);
	for (vs = eq + 1; vs < n && is_ws(raw[vs]); vs++)
		;
	for (ve = n; ve > vs && is_ws(raw[ve - 1]); ve--)
		;
	ini_buf_add(&b, raw, vs);
	if (vs == ve && vs == eq + 1 && eq > 0 && is_ws(raw[eq - 1]))
		ini_buf_puts(&b, " ");
	put_value(px, &b, p, &px->to->sc[p->id], it->quote, px->scalar_quote,
		  p->type == INI_TYPE_PASSWORD && is_obfuscated(it->value),
		  false);
	ini_buf_add(&b, raw + ve, n - ve);
	set_line(px, i, &b);
}

/*
 * Where new scalars go: the item they follow, or nitems with *header
 * set when a "[SIP Params]" section must be started at the end.
 */
static size_t
scalar_anchor(struct pctx *px, bool *header)
{
	const struct ini_doc *doc = px->doc;
	size_t *count, *last, i, sec = doc->nitems, best = NOITEM,
				 first = NOITEM;

	*header = false;
	count = calloc(doc->nitems + 1, sizeof(*count));
	last = calloc(doc->nitems + 1, sizeof(*last));
	if (count == NULL || last == NULL) {
		px->nomem = 1;
		goto out;
	}
	for (i = 0; i < doc->nitems; i++) {
		if (doc->items[i].kind == INI_ITEM_SECTION)
			sec = i;
		if (catalog_scalar(&doc->items[i]) != NULL) {
			count[sec]++;
			last[sec] = i;
		}
	}
	for (i = 0; i <= doc->nitems; i++)
		if (count[i] > 0 && (best == NOITEM || count[i] > count[best]))
			best = i;
	if (best != NOITEM) {
		best = last[best];
		goto out;
	}
	for (i = 0; i < doc->nitems; i++) {
		enum ini_item_kind k = doc->items[i].kind;

		if (first == NOITEM && k == INI_ITEM_SECTION)
			first = best = i;
		else if (first != NOITEM &&
			 (k == INI_ITEM_SECTION || k == INI_ITEM_TABLE_BEGIN))
			break;
		else if (first != NOITEM && k != INI_ITEM_BLANK)
			best = i;
	}
	if (best == NOITEM)
		*header = true;
out:
	free(count);
	free(last);
	return best == NOITEM ? doc->nitems : best;
}

static void
add_scalar(struct pctx *px, size_t at, const struct ini_param *p)
{
	struct ini_buf line = { 0 };

	ini_buf_printf(&line, "%s = ", p->name);
	put_value(px, &line, p, &px->to->sc[p->id], px->scalar_quote,
		  px->scalar_quote ? px->scalar_quote : '\'', px->obf, false);
	end_line(px, at, &line);
}

static void
patch_scalars(struct pctx *px)
{
	const struct ini_doc *doc = px->doc;
	size_t lastline[INI_P__SCALARS], i, at = 0;
	bool header = false, placed = false;
	unsigned id;

	for (id = 0; id < INI_P__SCALARS; id++)
		lastline[id] = NOITEM;
	for (i = 0; i < doc->nitems; i++) {
		const struct ini_param *p = catalog_scalar(&doc->items[i]);

		if (p != NULL)
			lastline[p->id] = i;
	}
	for (id = 0; id < INI_P__SCALARS && !px->nomem; id++) {
		const struct ini_param *p = &ini_catalog[id];

		if (ini_val_equal(&px->from->sc[id], &px->to->sc[id], p))
			continue;
		if (lastline[id] != NOITEM) {
			rewrite_scalar(px, lastline[id], p);
			continue;
		}
		if (!placed) {
			at = scalar_anchor(px, &header);
			if (!header)
				at++;
			placed = true;
			if (header && doc->nitems > 0)
				insert_text(px, at, "");
			if (header)
				insert_text(px, at, "[SIP Params]");
		}
		add_scalar(px, at, p);
	}
}

/* ---- table lines ---------------------------------------------------- */

struct span {
	size_t b, e;
};

/*
 * Field spans of a FORMAT or row line (the parser accepted it, so its
 * shape is known): *list is just after '=', *semi at the final ';'.
 */
static int
split_fields(const struct ini_item *it, struct span **out, size_t *list,
	     size_t *semi)
{
	const char *raw = it->raw;
	size_t n = it->raw_len, p, k;
	struct span *sp;

	p = (size_t)((const char *)memchr(raw, '=', n) - raw) + 1;
	*list = p;
	sp = calloc(it->nfields ? it->nfields : 1, sizeof(*sp));
	if (sp == NULL)
		return -ENOMEM;
	for (k = 0; k < it->nfields; k++) {
		while (p < n && is_ws(raw[p]))
			p++;
		sp[k].b = p;
		if (raw[p] == '\'' || raw[p] == '"') {
			const char *c = memchr(raw + p + 1, raw[p], n - p - 1);

			p = (size_t)(c - raw) + 1;
			sp[k].e = p;
		} else {
			while (p < n && raw[p] != ',' && raw[p] != ';')
				p++;
			sp[k].e = p;
			while (sp[k].e > sp[k].b && is_ws(raw[sp[k].e - 1]))
				sp[k].e--;
		}
		while (p < n && raw[p] != ',' && raw[p] != ';')
			p++;
		if (k + 1 < it->nfields)
			p++; /* the ',' */
	}
	while (p < n && raw[p] != ';')
		p++;
	*semi = p;
	*out = sp;
	return 0;
}

/* What goes into one appended field of a row. */
static void
put_appended(struct pctx *px, struct ini_buf *b, const struct pblock *blk,
	     const struct ini_param *p, const struct ini_val *v)
{
	if (is_default(p, v))
		ini_buf_puts(b, "$$");
	else
		put_value(px, b, p, v, blk->quote, '"', px->obf, true);
}

/*
 * Rebuild a row (fr, tr: its row in from and to; both NULL for the
 * FORMAT line) keeping every byte of the fields that do not change.
 */
static void
rewrite_list(struct pctx *px, size_t i, const struct pblock *blk,
	     const struct ini_row *fr, const struct ini_row *tr)
{
	const struct ini_item *it = &px->doc->items[i];
	const struct ini_tabdesc *td = &ini_tables[blk->t];
	const char *raw = it->raw, *sep = ", ";
	size_t nf = it->nfields, list, semi, seplen = 2, k;
	struct ini_buf b = { 0 };
	struct span *sp;
	unsigned c;
	bool first = nf == 0;

	if (split_fields(it, &sp, &list, &semi) != 0) {
		px->nomem = 1;
		return;
	}
	if (nf >= 2) {
		sep = raw + sp[0].e;
		seplen = sp[1].b - sp[0].e;
	}
	ini_buf_add(&b, raw, nf > 0 ? sp[0].b : list);
	for (k = 0; k < nf; k++) {
		const struct ini_param *p = blk->map[k];

		c = p->id - td->first;
		if (tr != NULL && !ini_row_equal_col(fr, tr, p))
			put_value(px, &b, p, &tr->v[c],
				  it->fields[k].dflt ? blk->quote
						     : it->fields[k].quote,
				  '"',
				  it->fields[k].dflt
					  ? px->obf
					  : is_obfuscated(it->fields[k].text),
				  true);
		else
			ini_buf_add(&b, raw + sp[k].b, sp[k].e - sp[k].b);
		if (k + 1 < nf)
			ini_buf_add(&b, raw + sp[k].e, sp[k + 1].b - sp[k].e);
	}
	for (c = 0; c < td->ncols; c++) {
		const struct ini_param *p = &ini_catalog[td->first + c];

		if (!(blk->append & (UINT64_C(1) << c)))
			continue;
		if (first)
			ini_buf_puts(&b, " ");
		else
			ini_buf_add(&b, sep, seplen);
		first = false;
		if (tr == NULL && it->nidx == 1 &&
		    ini_strcaseeq(it->idx[0], "Index"))
			ini_buf_puts(&b, p->name + strlen(td->name) + 1);
		else if (tr == NULL)
			ini_buf_puts(&b, p->name);
		else
			put_appended(px, &b, blk, p, &tr->v[c]);
	}
	ini_buf_add(&b, raw + (nf > 0 ? sp[nf - 1].e : semi),
		    it->raw_len - (nf > 0 ? sp[nf - 1].e : semi));
	free(sp);
	set_line(px, i, &b);
}

/* "T idx = " (after a model row of the block when there is one). */
static void
put_row_head(struct pctx *px, struct ini_buf *b, size_t bi, long index,
	     const char **sep, size_t *seplen, size_t *tail_at,
	     struct span **tsp)
{
	const struct ini_item *m;
	size_t list, semi, p, ib, ie;

	*tsp = NULL;
	*sep = ", ";
	*seplen = 2;
	*tail_at = NOITEM;
	if (px->blk[bi].last_row == NOITEM ||
	    px->doc->items[px->blk[bi].last_row].nfields == 0) {
		ini_buf_printf(b, "%s %ld = ", px->doc->blocks[bi].name, index);
		return;
	}
	m = &px->doc->items[px->blk[bi].last_row];
	if (split_fields(m, tsp, &list, &semi) != 0) {
		px->nomem = 1;
		return;
	}
	for (p = 0; p < m->raw_len && (is_ws(m->raw[p]) || m->raw[p] == ',');
	     p++)
		;
	while (p < m->raw_len && !is_ws(m->raw[p]) && m->raw[p] != ',')
		p++;
	while (p < m->raw_len && (is_ws(m->raw[p]) || m->raw[p] == ','))
		p++;
	ib = p;
	while (p < m->raw_len && !is_ws(m->raw[p]) && m->raw[p] != ',' &&
	       m->raw[p] != '=')
		p++;
	ie = p;
	ini_buf_add(b, m->raw, ib);
	ini_buf_printf(b, "%ld", index);
	ini_buf_add(b, m->raw + ie, (*tsp)[0].b - ie);
	if (m->nfields >= 2) {
		*sep = m->raw + (*tsp)[0].e;
		*seplen = (*tsp)[1].b - (*tsp)[0].e;
	}
	*tail_at = (*tsp)[m->nfields - 1].e;
}

/* A created row, before the end of block bi (which has a FORMAT). */
static void
add_row(struct pctx *px, size_t bi, const struct ini_row *tr)
{
	const struct pblock *blk = &px->blk[bi];
	const struct ini_tabdesc *td = &ini_tables[blk->t];
	const struct ini_item *f = &px->doc->items[px->doc->blocks[bi].format];
	const char *sep;
	size_t seplen, tail_at, k;
	struct ini_buf line = { 0 };
	struct span *tsp;
	bool any = false;
	unsigned c;

	put_row_head(px, &line, bi, tr->index, &sep, &seplen, &tail_at, &tsp);
	for (k = 0; k < f->nfields; k++) {
		const struct ini_param *p = blk->map[k];

		if (any)
			ini_buf_add(&line, sep, seplen);
		any = true;
		put_value(px, &line, p, &tr->v[p->id - td->first], blk->quote,
			  '"', px->obf, true);
	}
	for (c = 0; c < td->ncols; c++) {
		if (!(blk->append & (UINT64_C(1) << c)))
			continue;
		if (any)
			ini_buf_add(&line, sep, seplen);
		any = true;
		put_appended(px, &line, blk, &ini_catalog[td->first + c],
			     &tr->v[c]);
	}
	if (tail_at != NOITEM) {
		const struct ini_item *m = &px->doc->items[blk->last_row];

		ini_buf_add(&line, m->raw + tail_at, m->raw_len - tail_at);
	} else
		ini_buf_puts(&line, ";");
	free(tsp);
	end_line(px, px->doc->blocks[bi].end, &line);
}

/* FORMAT with every column, then the rows (new block or bare block). */
static void
add_body(struct pctx *px, size_t at, enum ini_table t, const char *name,
	 const struct ini_tab *rows, int quote)
{
	const struct ini_tabdesc *td = &ini_tables[t];
	struct ini_buf line = { 0 };
	size_t r;
	unsigned c;

	ini_buf_printf(&line, "FORMAT %s = ", td->index_name);
	for (c = 0; c < td->ncols; c++)
		ini_buf_printf(&line, "%s%s", c ? ", " : "",
			       ini_catalog[td->first + c].name);
	ini_buf_puts(&line, ";");
	end_line(px, at, &line);
	for (r = 0; r < rows->n; r++) {
		ini_buf_printf(&line, "%s %ld = ", name, rows->rows[r]->index);
		for (c = 0; c < td->ncols; c++) {
			if (c > 0)
				ini_buf_puts(&line, ", ");
			put_value(px, &line, &ini_catalog[td->first + c],
				  &rows->rows[r]->v[c], quote, '"', px->obf,
				  true);
		}
		ini_buf_puts(&line, ";");
		end_line(px, at, &line);
	}
}

/* ---- tables ------------------------------------------------------- */

/* The block that receives created rows: the last one with a FORMAT,
 * else the last one, else NOITEM. */
static size_t
target_block(const struct pctx *px, enum ini_table t)
{
	size_t bi, any = NOITEM;

	for (bi = px->doc->nblocks; bi-- > 0;) {
		if (px->blk[bi].t != t)
			continue;
		if (px->doc->blocks[bi].format != NOITEM)
			return bi;
		if (any == NOITEM)
			any = bi;
	}
	return any;
}

static bool
rows_differ(enum ini_table t, const struct ini_row *a, const struct ini_row *b)
{
	unsigned c;

	for (c = 0; c < ini_tables[t].ncols; c++)
		if (!ini_row_equal_col(a, b,
				       &ini_catalog[ini_tables[t].first + c]))
			return true;
	return false;
}

/* Columns that rows need but the FORMAT of their block lacks. */
static void
need_columns(struct pctx *px, size_t bi, const struct ini_row *fr,
	     const struct ini_row *tr)
{
	struct pblock *blk = &px->blk[bi];
	const struct ini_tabdesc *td = &ini_tables[blk->t];
	unsigned c;

	for (c = 0; c < td->ncols; c++) {
		const struct ini_param *p = &ini_catalog[td->first + c];

		if (blk->pos[c] >= 0)
			continue;
		if (fr != NULL ? !ini_row_equal_col(fr, tr, p)
			       : !is_default(p, &tr->v[c]))
			blk->append |= UINT64_C(1) << c;
	}
}

/* Removed rows, and the columns every block must gain. */
static void
plan_table(struct pctx *px, enum ini_table t, size_t target)
{
	const struct ini_tab *ft = &px->from->t[t], *tt = &px->to->t[t];
	size_t i = 0, j = 0;

	while (i < ft->n || j < tt->n) {
		const struct ini_row *fr = i < ft->n ? ft->rows[i] : NULL;
		const struct ini_row *tr = j < tt->n ? tt->rows[j] : NULL;

		if (tr == NULL || (fr != NULL && fr->index < tr->index)) {
			px->ed[fr->line - 1].removed = true;
			px->st.removed++;
			i++;
		} else if (fr == NULL || tr->index < fr->index) {
			if (target != NOITEM &&
			    px->doc->blocks[target].format != NOITEM)
				need_columns(px, target, NULL, tr);
			j++;
		} else {
			need_columns(px, px->doc->items[fr->line - 1].block, fr,
				     tr);
			i++, j++;
		}
	}
}

static void
rewrite_rows(struct pctx *px, enum ini_table t)
{
	const struct ini_doc *doc = px->doc;
	size_t i;

	for (i = 0; i < doc->nitems && !px->nomem; i++) {
		const struct ini_item *it = &doc->items[i];
		const struct ini_row *fr, *tr;
		const struct pblock *blk;

		if (it->block == NOITEM || px->blk[it->block].t != t)
			continue;
		blk = &px->blk[it->block];
		if (it->kind == INI_ITEM_FORMAT && blk->append != 0)
			rewrite_list(px, i, blk, NULL, NULL);
		if (it->kind != INI_ITEM_ROW || px->ed[i].removed)
			continue;
		fr = ini_conf_find_row(px->from, t, it->idxv[0]);
		tr = ini_conf_find_row(px->to, t, it->idxv[0]);
		if (blk->append != 0 || rows_differ(t, fr, tr))
			rewrite_list(px, i, blk, fr, tr);
	}
}

static int
created_rows(struct pctx *px, enum ini_table t, struct ini_tab *out)
{
	const struct ini_tab *tt = &px->to->t[t];
	size_t j;

	memset(out, 0, sizeof(*out));
	if ((out->rows = calloc(tt->n ? tt->n : 1, sizeof(*out->rows))) == NULL)
		return -ENOMEM;
	for (j = 0; j < tt->n; j++)
		if (ini_conf_find_row(px->from, t, tt->rows[j]->index) == NULL)
			out->rows[out->n++] = tt->rows[j];
	return 0;
}

static void
add_rows(struct pctx *px, enum ini_table t, size_t target)
{
	const struct ini_tabdesc *td = &ini_tables[t];
	size_t end = px->doc->nitems, r;
	struct ini_tab nt;
	char hdr[128];

	if (created_rows(px, t, &nt) != 0) {
		px->nomem = 1;
		return;
	}
	if (nt.n == 0)
		goto out;
	if (target != NOITEM && px->doc->blocks[target].format != NOITEM) {
		for (r = 0; r < nt.n; r++)
			add_row(px, target, nt.rows[r]);
	} else if (target != NOITEM) {
		add_body(px, px->doc->blocks[target].end, t,
			 px->doc->blocks[target].name, &nt,
			 px->blk[target].quote);
	} else {
		if (end > 0)
			insert_text(px, end, "");
		snprintf(hdr, sizeof(hdr), "[ %s ]", td->name);
		insert_text(px, end, hdr);
		add_body(px, end, t, td->name, &nt, '"');
		snprintf(hdr, sizeof(hdr), "[ \\%s ]", td->name);
		insert_text(px, end, hdr);
	}
out:
	free(nt.rows); /* rows borrowed from to */
}

static void
patch_tables(struct pctx *px)
{
	int t;

	for (t = 0; t < INI_TABLE__COUNT && !px->nomem; t++) {
		size_t target = target_block(px, (enum ini_table)t);

		plan_table(px, (enum ini_table)t, target);
		rewrite_rows(px, (enum ini_table)t);
		add_rows(px, (enum ini_table)t, target);
	}
}

/* ---- output ------------------------------------------------------- */

/*
 * Before a line that starts with '\n': a previous line that ends with a
 * lone '\r' would merge with it into one CRLF line (after a removed line,
 * or before inserted lines), so that line end gets its own '\r'.
 */
static void
line_start(struct ini_buf *out, char first)
{
	if (first == '\n' && out->n > 0 && out->p[out->n - 1] == '\r')
		ini_buf_puts(out, "\r");
}

static void
put_inserted(struct pctx *px, struct ini_buf *out, size_t at, bool *open)
{
	if (px->ins[at].n == 0)
		return;
	if (*open) /* the line before has no end of line: give it one */
		ini_buf_puts(out, px->eol);
	*open = false;
	line_start(out, px->ins[at].p[0]);
	ini_buf_add(out, px->ins[at].p, px->ins[at].n);
}

static void
build(struct pctx *px, struct ini_buf *out)
{
	const struct ini_doc *doc = px->doc;
	bool open = false;
	size_t i, n;

	if (doc->bom)
		ini_buf_add(out, doc->buf, 3);
	for (i = 0; i < doc->nitems; i++) {
		const struct ini_item *it = &doc->items[i];

		put_inserted(px, out, i, &open);
		if (px->ed[i].removed)
			continue;
		n = eol_len(doc, i);
		if (px->ed[i].text != NULL)
			ini_buf_add(out, px->ed[i].text, px->ed[i].len);
		else {
			line_start(out, it->raw_len + n > 0 ? it->raw[0] : 0);
			ini_buf_add(out, it->raw, it->raw_len);
		}
		ini_buf_add(out, it->raw + it->raw_len, n);
		open = n == 0;
	}
	put_inserted(px, out, doc->nitems, &open);
	if (out->p == NULL)
		ini_buf_add(out, "", 0);
}

static int
pctx_init(struct pctx *px)
{
	const struct ini_doc *doc = px->doc;

	px->ed = calloc(doc->nitems ? doc->nitems : 1, sizeof(*px->ed));
	px->ins = calloc(doc->nitems + 1, sizeof(*px->ins));
	px->blk = calloc(doc->nblocks ? doc->nblocks : 1, sizeof(*px->blk));
	if (px->ed == NULL || px->ins == NULL || px->blk == NULL)
		return -ENOMEM;
	scan_eol(px);
	scan_scalars(px);
	scan_blocks(px);
	return 0;
}

static void
pctx_free(struct pctx *px)
{
	size_t i;

	for (i = 0; px->ed != NULL && i < px->doc->nitems; i++)
		if (px->ed[i].text != NULL) {
			ini_secure_zero(px->ed[i].text, px->ed[i].len);
			free(px->ed[i].text);
		}
	for (i = 0; px->ins != NULL && i <= px->doc->nitems; i++)
		ini_buf_free(&px->ins[i]);
	free(px->ed);
	free(px->ins);
	free(px->blk);
}

int
ini_doc_patch(const struct ini_doc *doc, const struct ini_conf *to, char **out,
	      size_t *len, struct ini_patch_stats *stats)
{
	struct pctx px = { .doc = doc, .to = to };
	struct ini_conf *from = NULL;
	struct ini_buf b = { 0 };
	int rc;

	if (doc == NULL || to == NULL || out == NULL)
		return -EINVAL;
	rc = ini_conf_apply(NULL, doc, INI_APPLY_FULL, &from, NULL, NULL);
	if (rc != 0)
		return rc == -ENOMEM ? -ENOMEM : -EINVAL;
	px.from = from;
	if ((rc = pctx_init(&px)) != 0)
		goto out;
	patch_scalars(&px);
	patch_tables(&px);
	if (!px.nomem)
		build(&px, &b);
	if (px.nomem || b.nomem) {
		rc = -ENOMEM;
		goto out;
	}
	*out = b.p;
	if (len != NULL)
		*len = b.n;
	if (stats != NULL)
		*stats = px.st;
	memset(&b, 0, sizeof(b));
out:
	ini_buf_free(&b);
	pctx_free(&px);
	ini_conf_destroy(from);
	return rc;
}
