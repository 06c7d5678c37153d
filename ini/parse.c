/* SPDX-License-Identifier: ISC */
/*
 * Lossless reader for the AudioCodes INI dialect.  Every line becomes
 * one item, in order, with its line number and raw text; tables are
 * recognised structurally ([ T ] FORMAT rows [ \T ]).  Nothing here
 * knows the catalog except that a header naming a catalog table always
 * opens a table.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ini/ini_int.h"

#define NOBLOCK SIZE_MAX

enum pmode { P_OUT, P_TENTATIVE, P_TABLE };

struct pstate {
	struct ini_doc *doc;
	struct ini_diags *diags;
	enum pmode mode;
	size_t block;  /* open block in P_TABLE */
	size_t header; /* header item in P_TENTATIVE */
	int nomem;
};

static void perr(struct pstate *ps, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
perr(struct pstate *ps, unsigned line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	ps->doc->nerrors++;
	if (ps->diags == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (ini_diags_add(ps->diags, ps->doc->filename, line, INI_SEV_ERROR,
			  "%s", msg) != 0)
		ps->nomem = 1;
}

static char *
pdup(struct pstate *ps, const char *s, size_t n)
{
	char *p = ini_arena_strndup(&ps->doc->arena, s, n);

	if (p == NULL)
		ps->nomem = 1;
	return p;
}

static bool
is_ws(char c)
{
	return c == ' ' || c == '\t';
}

static void
trim(const char **b, const char **e)
{
	while (*b < *e && is_ws(**b))
		(*b)++;
	while (*e > *b && is_ws((*e)[-1]))
		(*e)--;
}

static bool
valid_name(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
		return false;
	for (i = 1; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' &&
		    s[i] != '.' && s[i] != '-')
			return false;
	return true;
}

/* ---- line classification ------------------------------------------ */

static void
parse_header(struct pstate *ps, struct ini_item *it, const char *b,
	     const char *e)
{
	bool end = false;

	if (e[-1] != ']' || e - b < 2) {
		perr(ps, it->line, "expected ']' at the end of the header");
		return;
	}
	b++, e--;
	trim(&b, &e);
	if (b < e && *b == '\\') {
		end = true;
		b++;
		trim(&b, &e);
	}
	if (b == e) {
		perr(ps, it->line, "empty table or section name");
		return;
	}
	it->name = pdup(ps, b, e - b);
	it->kind = end ? INI_ITEM_TABLE_END : INI_ITEM_SECTION;
}

/* Splits at blanks and commas; tokens go to the arena. */
static const char **
tokenize(struct pstate *ps, const char *b, const char *e, unsigned *ntok)
{
	const char **tok, *p;
	unsigned n = 0, cap = 1;

	for (p = b; p < e; p++)
		cap += is_ws(*p) || *p == ',';
	tok = ini_arena_alloc(&ps->doc->arena, cap * sizeof(*tok));
	if (tok == NULL) {
		ps->nomem = 1;
		return NULL;
	}
	for (p = b; p < e;) {
		const char *s;

		while (p < e && (is_ws(*p) || *p == ','))
			p++;
		for (s = p; p < e && !is_ws(*p) && *p != ','; p++)
			;
		if (p > s && (tok[n++] = pdup(ps, s, p - s)) == NULL)
			return NULL;
	}
	*ntok = n;
	return tok;
}

static const char *
quoted_end(struct pstate *ps, unsigned line, const char *p, const char *e)
{
	const char *close = memchr(p + 1, *p, e - p - 1);

	if (close == NULL)
		perr(ps, line, "unterminated quoted string (missing %c)", *p);
	return close;
}

static void
scalar_array_index(struct ini_item *it)
{
	const char *us = strrchr(it->name, '_');
	long v;

	if (us != NULL && us[1] != '\0' && isdigit((unsigned char)us[1]) &&
	    ini_parse_long(us + 1, strlen(us + 1), &v) == 0)
		it->array_idx = v;
}

/* Dumps hold list values: ActivityListToLog = 'pvc', 'afl', 'dr'.
 * They are kept verbatim, quotes included. */
static bool
list_value(const char *p, const char *e)
{
	while (p < e && is_ws(*p))
		p++;
	return p < e && *p == ',';
}

static void
parse_scalar(struct pstate *ps, struct ini_item *it, const char *name,
	     const char *v, const char *e)
{
	const char *close;

	if (!valid_name(name, strlen(name))) {
		perr(ps, it->line, "invalid parameter name '%.60s'", name);
		return;
	}
	trim(&v, &e);
	if (v < e && (*v == '\'' || *v == '"')) {
		if ((close = quoted_end(ps, it->line, v, e)) == NULL)
			return;
		if (close + 1 == e) {
			it->quote = (unsigned char)*v;
			it->value = pdup(ps, v + 1, close - v - 1);
		} else if (list_value(close + 1, e))
			it->value = pdup(ps, v, e - v);
		else {
			perr(ps, it->line,
			     "unexpected text after the closing "
			     "quote");
			return;
		}
	} else
		it->value = pdup(ps, v, e - v);
	it->name = name;
	scalar_array_index(it);
	it->kind = INI_ITEM_SCALAR;
}

static const char *
parse_field(struct pstate *ps, struct ini_item *it, const char *p,
	    const char *e)
{
	/* counted once it is whole: a field in error is not one */
	struct ini_field *f = &it->fields[it->nfields];
	const char *s, *fe;

	while (p < e && is_ws(*p))
		p++;
	if (p < e && (*p == '"' || *p == '\'')) {
		if ((fe = quoted_end(ps, it->line, p, e)) == NULL)
			return NULL;
		f->quote = (unsigned char)*p;
		f->text = pdup(ps, p + 1, fe - p - 1);
		for (p = fe + 1; p < e && is_ws(*p); p++)
			;
		if (p < e && *p != ',' && *p != ';') {
			perr(ps, it->line,
			     "unexpected text after the closing "
			     "quote of field %u",
			     it->nfields + 1);
			return NULL;
		}
		it->nfields++;
		return p;
	}
	for (s = p; p < e && *p != ',' && *p != ';'; p++)
		;
	fe = p;
	trim(&s, &fe);
	f->text = pdup(ps, s, fe - s);
	f->dflt = fe == s || (fe - s == 2 && s[0] == '$' && s[1] == '$');
	it->nfields++;
	return p;
}

/* "v, v, ...;" into it->fields.  Returns 0 or -1 (error reported). */
static int
parse_list(struct pstate *ps, struct ini_item *it, const char *p, const char *e)
{
	size_t cap = 1;
	const char *q;

	for (q = p; q < e; q++)
		cap += *q == ',';
	it->fields =
		ini_arena_alloc(&ps->doc->arena, cap * sizeof(*it->fields));
	if (it->fields == NULL) {
		ps->nomem = 1;
		return -1;
	}
	memset(it->fields, 0, cap * sizeof(*it->fields));
	for (;;) {
		if ((p = parse_field(ps, it, p, e)) == NULL)
			return -1;
		if (p == e) {
			perr(ps, it->line,
			     "missing ';' at the end of the line");
			return -1;
		}
		if (*p++ == ';')
			break;
	}
	while (p < e && is_ws(*p))
		p++;
	if (p != e) {
		perr(ps, it->line, "unexpected text after ';'");
		return -1;
	}
	return 0;
}

static void
parse_format(struct pstate *ps, struct ini_item *it, const char **tok,
	     unsigned ntok, const char *p, const char *e)
{
	const char *us;
	unsigned i;

	it->idx = tok + 1;
	it->nidx = ntok - 1;
	for (i = 0; i < it->nidx; i++)
		if (!valid_name(tok[i + 1], strlen(tok[i + 1]))) {
			perr(ps, it->line, "invalid index name '%.60s'",
			     tok[i + 1]);
			return;
		}
	if (parse_list(ps, it, p, e) != 0)
		return;
	if (it->nfields == 1 && it->fields[0].text[0] == '\0' &&
	    it->fields[0].quote == 0)
		it->nfields = 0;
	for (i = 0; i < it->nfields; i++)
		if (it->fields[i].quote != 0 ||
		    !valid_name(it->fields[i].text,
				strlen(it->fields[i].text))) {
			perr(ps, it->line, "invalid column name '%.60s'",
			     it->fields[i].text);
			return;
		}
	us = strrchr(tok[1], '_');
	it->name = us == NULL ? tok[1] : pdup(ps, tok[1], us - tok[1]);
	it->kind = INI_ITEM_FORMAT;
}

static void
parse_row(struct pstate *ps, struct ini_item *it, const char **tok,
	  unsigned ntok, const char *p, const char *e)
{
	unsigned i;

	if (!valid_name(tok[0], strlen(tok[0]))) {
		perr(ps, it->line, "invalid table name '%.60s'", tok[0]);
		return;
	}
	it->idx = tok + 1;
	it->nidx = ntok - 1;
	it->idxv =
		ini_arena_alloc(&ps->doc->arena, it->nidx * sizeof(*it->idxv));
	if (it->idxv == NULL) {
		ps->nomem = 1;
		return;
	}
	for (i = 0; i < it->nidx; i++)
		if (ini_parse_long(it->idx[i], strlen(it->idx[i]),
				   &it->idxv[i]) != 0) {
			perr(ps, it->line, "invalid row index '%.60s'",
			     it->idx[i]);
			return;
		}
	if (parse_list(ps, it, p, e) != 0)
		return;
	it->name = tok[0];
	it->kind = INI_ITEM_ROW;
}

static void
parse_assign(struct pstate *ps, struct ini_item *it, const char *b,
	     const char *e)
{
	const char *eq = memchr(b, '=', e - b), *le;
	const char **tok;
	unsigned ntok = 0;

	if (eq == NULL) {
		perr(ps, it->line,
		     "expected 'name = value', a [header] or "
		     "a ;comment");
		return;
	}
	le = eq;
	trim(&b, &le);
	if ((tok = tokenize(ps, b, le, &ntok)) == NULL)
		return;
	if (ntok == 0)
		perr(ps, it->line, "missing name before '='");
	else if (ntok >= 2 && ini_strcaseeq(tok[0], "FORMAT"))
		parse_format(ps, it, tok, ntok, eq + 1, e);
	else if (ntok == 1)
		parse_scalar(ps, it, tok[0], eq + 1, e);
	else
		parse_row(ps, it, tok, ntok, eq + 1, e);
}

/* ---- table structure ----------------------------------------------- */

static struct ini_item *
item(struct pstate *ps, size_t i)
{
	return &ps->doc->items[i];
}

static struct ini_block *
cur_block(struct pstate *ps)
{
	return &ps->doc->blocks[ps->block];
}

static void
open_block(struct pstate *ps, size_t i)
{
	struct ini_doc *doc = ps->doc;
	struct ini_block *b;

	if (doc->nblocks == doc->bcap) {
		size_t cap = doc->bcap ? doc->bcap * 2 : 16;

		b = realloc(doc->blocks, cap * sizeof(*b));
		if (b == NULL) {
			ps->nomem = 1;
			return;
		}
		doc->blocks = b;
		doc->bcap = cap;
	}
	b = &doc->blocks[doc->nblocks];
	b->name = item(ps, i)->name;
	b->begin = i;
	b->format = b->end = NOBLOCK;
	item(ps, i)->kind = INI_ITEM_TABLE_BEGIN;
	item(ps, i)->block = doc->nblocks;
	ps->block = doc->nblocks++;
	ps->mode = P_TABLE;
}

static void
place_header(struct pstate *ps, size_t i)
{
	struct ini_item *it = item(ps, i);

	if (ps->mode == P_TABLE)
		perr(ps, it->line,
		     "table '%s' (line %u) is not closed before "
		     "'[%s]'",
		     cur_block(ps)->name, item(ps, cur_block(ps)->begin)->line,
		     it->name);
	ps->mode = P_OUT;
	if (ini_table_lookup(it->name) != INI_TABLE_NONE)
		open_block(ps, i);
	else {
		ps->mode = P_TENTATIVE;
		ps->header = i;
	}
}

static void
place_end(struct pstate *ps, size_t i)
{
	struct ini_item *it = item(ps, i);

	if (ps->mode == P_TENTATIVE &&
	    ini_strcaseeq(it->name, item(ps, ps->header)->name))
		open_block(ps, ps->header);
	if (ps->mode != P_TABLE)
		perr(ps, it->line, "'[\\%s]' closes no open table", it->name);
	else if (!ini_strcaseeq(it->name, cur_block(ps)->name))
		perr(ps, it->line,
		     "'[\\%s]' does not match the open table "
		     "'%s' (line %u)",
		     it->name, cur_block(ps)->name,
		     item(ps, cur_block(ps)->begin)->line);
	else {
		cur_block(ps)->end = i;
		it->block = ps->block;
	}
	ps->mode = P_OUT;
}

static void
place_format(struct pstate *ps, size_t i)
{
	struct ini_item *it = item(ps, i);
	struct ini_block *b;

	if (ps->mode == P_TENTATIVE)
		open_block(ps, ps->header);
	if (ps->mode != P_TABLE) {
		perr(ps, it->line, "FORMAT line outside a table");
		return;
	}
	b = cur_block(ps);
	if (b->format != NOBLOCK)
		perr(ps, it->line,
		     "second FORMAT line for table '%s' (first "
		     "at line %u)",
		     b->name, item(ps, b->format)->line);
	else if (!ini_strcaseeq(it->name, b->name) &&
		 !(it->nidx == 1 && ini_strcaseeq(it->idx[0], "Index")))
		perr(ps, it->line,
		     "FORMAT index '%s' does not belong to table "
		     "'%s'",
		     it->idx[0], b->name);
	else {
		/* 7.2 and later write "FORMAT Index = Col, ...": no prefix */
		if (!ini_strcaseeq(it->name, b->name))
			it->name = b->name;
		b->format = i;
		it->block = ps->block;
	}
}

static void
check_row_shape(struct pstate *ps, size_t i)
{
	struct ini_item *it = item(ps, i);
	struct ini_block *b = cur_block(ps);
	const struct ini_item *f = item(ps, b->format);

	if (f->nfields == 0 && it->nfields == 1 && it->fields[0].dflt)
		it->nfields = 0;
	if (it->nidx != f->nidx)
		perr(ps, it->line,
		     "row has %u index fields, the FORMAT line "
		     "of '%s' has %u",
		     it->nidx, b->name, f->nidx);
	else if (it->nfields != f->nfields)
		perr(ps, it->line,
		     "row has %u field%s, the FORMAT line of "
		     "'%s' (line %u) has %u",
		     it->nfields, it->nfields == 1 ? "" : "s", b->name, f->line,
		     f->nfields);
	else
		it->block = ps->block;
}

static void
place_row(struct pstate *ps, size_t i)
{
	struct ini_item *it = item(ps, i);

	if (ps->mode == P_TENTATIVE) {
		if (ini_strcaseeq(it->name, item(ps, ps->header)->name))
			open_block(ps, ps->header);
		else
			ps->mode = P_OUT;
	}
	if (ps->mode != P_TABLE)
		perr(ps, it->line,
		     "row of table '%s' outside a [ %s ] ... "
		     "[ \\%s ] block",
		     it->name, it->name, it->name);
	else if (!ini_strcaseeq(it->name, cur_block(ps)->name))
		perr(ps, it->line, "row of table '%s' inside table '%s'",
		     it->name, cur_block(ps)->name);
	else if (cur_block(ps)->format == NOBLOCK)
		perr(ps, it->line, "data before the FORMAT line of table '%s'",
		     it->name);
	else
		check_row_shape(ps, i);
}

static void
place(struct pstate *ps, size_t i)
{
	struct ini_item *it = item(ps, i);

	switch (it->kind) {
	case INI_ITEM_SECTION:
		place_header(ps, i);
		break;
	case INI_ITEM_TABLE_END:
		place_end(ps, i);
		break;
	case INI_ITEM_FORMAT:
		place_format(ps, i);
		break;
	case INI_ITEM_ROW:
		place_row(ps, i);
		break;
	case INI_ITEM_SCALAR:
		if (ps->mode == P_TENTATIVE)
			ps->mode = P_OUT;
		if (ps->mode == P_TABLE)
			perr(ps, it->line,
			     "parameter '%s' inside table '%s' "
			     "(missing [ \\%s ]?)",
			     it->name, cur_block(ps)->name,
			     cur_block(ps)->name);
		break;
	default:
		break;
	}
}

/* ---- lines ------------------------------------------------------- */

static struct ini_item *
new_item(struct pstate *ps, unsigned line, size_t off, size_t n)
{
	struct ini_doc *doc = ps->doc;
	struct ini_item *it;

	if (doc->nitems == doc->icap) {
		size_t cap = doc->icap ? doc->icap * 2 : 256;

		it = realloc(doc->items, cap * sizeof(*it));
		if (it == NULL)
			return NULL;
		doc->items = it;
		doc->icap = cap;
	}
	it = &doc->items[doc->nitems++];
	memset(it, 0, sizeof(*it));
	it->kind = INI_ITEM_INVALID;
	it->line = line;
	it->raw = doc->buf + off;
	it->raw_len = n;
	it->array_idx = -1;
	it->block = NOBLOCK;
	return it;
}

static bool
line_ok(struct pstate *ps, unsigned line, const char *s, size_t n)
{
	const char *nul;
	size_t bad;

	if (n > INI_MAX_LINE_LEN) {
		perr(ps, line, "line is %zu bytes long, the limit is %lu", n,
		     INI_MAX_LINE_LEN);
		return false;
	}
	if ((nul = memchr(s, '\0', n)) != NULL) {
		perr(ps, line, "NUL byte at column %zu", (size_t)(nul - s) + 1);
		return false;
	}
	if ((bad = ini_utf8_check(s, n)) != n) {
		perr(ps, line, "invalid UTF-8 at column %zu", bad + 1);
		return false;
	}
	return true;
}

static int
do_line(struct pstate *ps, unsigned line, size_t off, size_t n)
{
	struct ini_item *it = new_item(ps, line, off, n);
	const char *b = ps->doc->buf + off, *e = b + n;

	if (it == NULL)
		return -ENOMEM;
	if (!line_ok(ps, line, b, n))
		return ps->nomem ? -ENOMEM : 0;
	trim(&b, &e);
	if (b == e)
		it->kind = INI_ITEM_BLANK;
	else if (*b == ';') {
		it->kind = INI_ITEM_COMMENT;
		it->name = pdup(ps, b + 1, e - b - 1);
	} else if (*b == '[')
		parse_header(ps, it, b, e);
	else
		parse_assign(ps, it, b, e);
	if (!ps->nomem)
		place(ps, ps->doc->nitems - 1);
	return ps->nomem ? -ENOMEM : 0;
}

static int
parse_lines(struct pstate *ps)
{
	const char *buf = ps->doc->buf;
	size_t len = ps->doc->len, off = 0, end;
	unsigned line = 0;
	int rc;

	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) {
		ps->doc->bom = true;
		off = 3;
	}
	while (off < len) {
		for (end = off;
		     end < len && buf[end] != '\n' && buf[end] != '\r'; end++)
			;
		if ((rc = do_line(ps, ++line, off, end - off)) != 0)
			return rc;
		if (end < len && buf[end] == '\r' && end + 1 < len &&
		    buf[end + 1] == '\n')
			end++;
		off = end + 1;
	}
	if (ps->mode == P_TABLE)
		perr(ps, item(ps, cur_block(ps)->begin)->line,
		     "table '%s' is not closed (missing [ \\%s ])",
		     cur_block(ps)->name, cur_block(ps)->name);
	return ps->nomem ? -ENOMEM : 0;
}

static int
doc_alloc(const char *buf, size_t len, const char *filename,
	  struct ini_doc **out)
{
	struct ini_doc *doc = calloc(1, sizeof(*doc));

	if (doc == NULL)
		return -ENOMEM;
	doc->buf = malloc(len + 1);
	doc->filename = filename ? strdup(filename) : NULL;
	if (doc->buf == NULL || (filename && doc->filename == NULL)) {
		ini_doc_destroy(doc);
		return -ENOMEM;
	}
	memcpy(doc->buf, buf, len);
	doc->buf[len] = '\0';
	doc->len = len;
	*out = doc;
	return 0;
}

int
ini_doc_parse(const char *buf, size_t len, const char *filename,
	      struct ini_doc **out, struct ini_diags *diags)
{
	struct pstate ps = { .diags = diags };
	int rc;

	if (out == NULL || (buf == NULL && len > 0))
		return -EINVAL;
	if (len > INI_MAX_FILE_SIZE) {
		if (diags != NULL)
			ini_diags_add(
				diags, filename, 0, INI_SEV_ERROR,
				"file is %zu bytes long, the limit is %lu", len,
				INI_MAX_FILE_SIZE);
		return -EFBIG;
	}
	if ((rc = doc_alloc(buf ? buf : "", len, filename, &ps.doc)) != 0)
		return rc;
	if ((rc = parse_lines(&ps)) != 0) {
		ini_doc_destroy(ps.doc);
		return rc;
	}
	*out = ps.doc;
	return 0;
}

void
ini_doc_destroy(struct ini_doc *doc)
{
	if (doc == NULL)
		return;
	if (doc->buf != NULL)
		ini_secure_zero(doc->buf, doc->len);
	free(doc->buf);
	free(doc->filename);
	free(doc->items);
	free(doc->blocks);
	ini_arena_free(&doc->arena);
	free(doc);
}

/* ---- accessors --------------------------------------------------- */

size_t
ini_doc_errors(const struct ini_doc *doc)
{
	return doc == NULL ? 0 : doc->nerrors;
}

const char *
ini_doc_filename(const struct ini_doc *doc)
{
	return doc == NULL ? NULL : doc->filename;
}

bool
ini_doc_has_bom(const struct ini_doc *doc)
{
	return doc != NULL && doc->bom;
}

size_t
ini_doc_count(const struct ini_doc *doc)
{
	return doc == NULL ? 0 : doc->nitems;
}

const struct ini_item *
ini_doc_item(const struct ini_doc *doc, size_t i)
{
	if (doc == NULL || i >= doc->nitems)
		return NULL;
	return &doc->items[i];
}

enum ini_item_kind
ini_item_kind(const struct ini_item *it)
{
	return it == NULL ? INI_ITEM_INVALID : it->kind;
}

unsigned
ini_item_line(const struct ini_item *it)
{
	return it == NULL ? 0 : it->line;
}

const char *
ini_item_raw(const struct ini_item *it, size_t *len)
{
	if (it == NULL)
		return NULL;
	if (len != NULL)
		*len = it->raw_len;
	return it->raw;
}

const char *
ini_item_name(const struct ini_item *it)
{
	return it == NULL ? NULL : it->name;
}

const char *
ini_item_value(const struct ini_item *it)
{
	return it == NULL ? NULL : it->value;
}

int
ini_item_quote(const struct ini_item *it)
{
	return it == NULL ? 0 : it->quote;
}

long
ini_item_array_index(const struct ini_item *it)
{
	return it == NULL ? -1 : it->array_idx;
}

size_t
ini_item_nindices(const struct ini_item *it)
{
	return it == NULL ? 0 : it->nidx;
}

const char *
ini_item_index(const struct ini_item *it, size_t i)
{
	return it == NULL || i >= it->nidx ? NULL : it->idx[i];
}

size_t
ini_item_nfields(const struct ini_item *it)
{
	return it == NULL ? 0 : it->nfields;
}

const char *
ini_item_field(const struct ini_item *it, size_t i)
{
	return it == NULL || i >= it->nfields ? NULL : it->fields[i].text;
}

int
ini_item_field_quote(const struct ini_item *it, size_t i)
{
	return it == NULL || i >= it->nfields ? 0 : it->fields[i].quote;
}

bool
ini_item_field_is_default(const struct ini_item *it, size_t i)
{
	return it != NULL && i < it->nfields && it->fields[i].dflt;
}
