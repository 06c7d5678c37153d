/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target for the document-preserving writer (ini/patch.c).
 * Input: an INI document, a NUL byte, then byte-coded edits, where NAME
 * is an INI name ending with a NUL (a scalar, a table, or a column of
 * that table), so that seeds mean the same whatever the catalog adds:
 *	0 NAME VAL		set scalar NAME
 *	1 TABLE ROW NAME VAL	set column NAME of the ROW-th row
 *	2 TABLE IDX		create row IDX (a byte)
 *	3 TABLE ROW		delete the ROW-th row
 * (the opcode is taken modulo 4; an unknown name ends the edits).  VAL below 0x80 picks an interesting
 * text, numbers come from the parameter's range; VAL 0x80+L takes the
 * next L & 15 input bytes as the text.  A document that does not apply,
 * edits the setters refuse and edited configurations that fail
 * ini_conf_check() are skipped.  Then ini_doc_patch() must succeed, its
 * result must apply in full to a configuration equal to the edited one,
 * and every line of the original that carries no changed value must
 * still be there, unchanged and in order (the whole text when nothing
 * changed).  A broken property aborts.  Silent; frees what it builds.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ini/ini.h"
#include "ini/ini_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct input {
	const uint8_t *p;
	size_t n;
};

static int
next(struct input *in)
{
	if (in->n == 0)
		return -1;
	in->n--;
	return *in->p++;
}

static const char *const texts[] = {
	"",
	"a",
	"x,y",
	"a;b",
	" lead",
	"trail ",
	"it's",
	"say \"hi\"",
	"$$",
	"'q",
	"\"q",
	"b'o\"th",
	"$1$Q0ZFHw==", /* obfuscated "$1$x" */
	"$1$F1AW",     /* obfuscated "p'w" */
	"\xc3\xa9t\xc3\xa9",
	"127.0.0.1",
	"[::1]:5060",
	"host.example.org",
	"127.0.0.1:5080",
	"=",
	"[x]",
	"; c",
	"-1",
	"0",
};

/* The text of a value for p, or NULL when the input ran out. */
static bool
value_text(struct input *in, const struct ini_param *p, char *buf, size_t len)
{
	int v = next(in), c;
	long lo, hi;
	size_t n, i;

	if (v < 0)
		return false;
	if (v >= 0x80) {
		n = (size_t)(v & 15);
		for (i = 0; i < n && i + 1 < len && (c = next(in)) >= 0; i++)
			buf[i] = (char)c;
		buf[i] = '\0';
		return true;
	}
	if (ini_param_range(p, &lo, &hi) == 0) {
		if (ini_param_type(p) == INI_TYPE_ENUM)
			lo = ini_param_enum_value(
				p, (size_t)v % ini_param_enum_count(p));
		else if (v % 4 == 1)
			lo = hi;
		else if (v % 4 == 2)
			lo = ini_param_default_int(p);
		else if (v % 4 == 3)
			lo = lo + v % (hi - lo + 1);
		snprintf(buf, len, "%ld", lo);
		return true;
	}
	snprintf(buf, len, "%s",
		 texts[(size_t)v % (sizeof(texts) / sizeof(texts[0]))]);
	return true;
}

/* The parameter or table named by the input (NUL-terminated). */
static bool
take_name(struct input *in, char *buf, size_t len)
{
	size_t i = 0;
	int c;

	while ((c = next(in)) > 0)
		if (i + 1 < len)
			buf[i++] = (char)c;
	buf[i] = '\0';
	return c == 0;
}

static bool
take_table(struct input *in, enum ini_table *t)
{
	char name[64];

	if (!take_name(in, name, sizeof(name)))
		return false;
	*t = ini_table_lookup(name);
	return *t != INI_TABLE_NONE;
}

/* The parameter named by the input, if it belongs to table t. */
static const struct ini_param *
take_param(struct input *in, enum ini_table t)
{
	const struct ini_param *p;
	char name[64];

	if (!take_name(in, name, sizeof(name)) ||
	    (p = ini_param_lookup(name)) == NULL || ini_param_table(p) != t)
		return NULL;
	return p;
}

static bool
pick_row(struct input *in, const struct ini_conf *c, enum ini_table *t,
	 long *index)
{
	int r;
	size_t n;

	if (!take_table(in, t) || (r = next(in)) < 0)
		return false;
	n = ini_conf_row_count(c, *t);
	if (n == 0)
		return false;
	return ini_conf_row_at(c, *t, (size_t)r % n, index) == 0;
}

static void
apply_edits(struct input *in, struct ini_conf *c)
{
	const struct ini_param *p;
	char buf[64];
	int op, b;

	while ((op = next(in)) >= 0) {
		enum ini_table t;
		long index;

		switch (op % 4) {
		case 0:
			if ((p = take_param(in, INI_TABLE_NONE)) == NULL ||
			    !value_text(in, p, buf, sizeof(buf)))
				return;
			(void)ini_conf_set(c, ini_param_id(p), buf, NULL, 0);
			break;
		case 1:
			if (!pick_row(in, c, &t, &index) ||
			    (p = take_param(in, t)) == NULL ||
			    !value_text(in, p, buf, sizeof(buf)))
				return;
			(void)ini_conf_row_set(c, ini_param_id(p), index, buf,
					       NULL, 0);
			break;
		case 2:
			if (!take_table(in, &t) || (b = next(in)) < 0)
				return;
			(void)ini_conf_row_create(c, t, b);
			break;
		default:
			if (pick_row(in, c, &t, &index))
				(void)ini_conf_row_delete(c, t, index);
			break;
		}
	}
}

/* ---- the line property --------------------------------------------- */

/* Marks the FORMAT and rows of every block of table t. */
static void
mark_table(const struct ini_doc *doc, enum ini_table t, bool *keep)
{
	size_t i;

	for (i = 0; i < doc->nitems; i++) {
		const struct ini_item *it = &doc->items[i];

		if (it->block != SIZE_MAX &&
		    ini_table_lookup(doc->blocks[it->block].name) == t &&
		    (it->kind == INI_ITEM_FORMAT || it->kind == INI_ITEM_ROW))
			keep[i] = false;
	}
}

/* keep[i]: line i carries no changed value and must survive. */
static void
mark_changed(const struct ini_doc *doc, const struct ini_conf *from,
	     const struct ini_conf *to, bool *keep)
{
	struct ini_changes *chg = NULL;
	size_t i, k;

	if (ini_conf_diff(from, to, &chg) != 0)
		abort();
	for (k = 0; k < ini_changes_count(chg); k++) {
		const struct ini_change *c = ini_changes_get(chg, k);
		enum ini_table t = ini_change_table(c);
		const struct ini_row *r;

		if (ini_change_kind(c) == INI_CHANGE_SCALAR) {
			size_t last = SIZE_MAX;

			for (i = 0; i < doc->nitems; i++) {
				const struct ini_item *it = &doc->items[i];
				const struct ini_param *p =
					it->kind == INI_ITEM_SCALAR
						? ini_param_lookup(it->name)
						: NULL;

				if (p != NULL && it->block == SIZE_MAX &&
				    ini_param_id(p) == ini_change_param(c))
					last = i;
			}
			if (last != SIZE_MAX)
				keep[last] = false;
		} else if (ini_change_kind(c) == INI_CHANGE_ROW_ADDED)
			mark_table(doc, t, keep);
		else if ((r = ini_conf_find_row(from, t, ini_change_row(c))) !=
			 NULL) {
			keep[r->line - 1] = false;
			if (ini_change_kind(c) == INI_CHANGE_ROW_CHANGED)
				mark_table(doc, t, keep); /* FORMAT may grow */
		}
	}
	ini_changes_destroy(chg);
}

static size_t
line_end(const char *b, size_t len, size_t off)
{
	while (off < len && b[off] != '\n' && b[off] != '\r')
		off++;
	if (off < len && b[off] == '\r' && off + 1 < len && b[off + 1] == '\n')
		off++;
	return off < len ? off + 1 : off;
}

static size_t
skip_bom(const char *b, size_t len)
{
	return len >= 3 && memcmp(b, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
}

/* Length of a line without its end of line. */
static size_t
content_len(const char *b, size_t off, size_t end)
{
	while (end > off && (b[end - 1] == '\n' || b[end - 1] == '\r'))
		end--;
	return end - off;
}

/* Lines to keep, in order; a last line without end of line may gain one
 * (lines are inserted after it), a blank line's end may change (a lone CR
 * before it gains its own, see patch.c). */
static void
check_lines(const char *a, size_t alen, const char *b, size_t blen,
	    const bool *keep)
{
	size_t ao = skip_bom(a, alen), bo = skip_bom(b, blen), i = 0;

	if ((ao == 3) != (bo == 3))
		abort();
	for (; ao < alen; i++) {
		size_t ae = line_end(a, alen, ao), be, n = ae - ao;
		size_t cn = content_len(a, ao, ae);
		bool open = cn == n;

		if (keep[i]) {
			for (;; bo = be) {
				if (bo >= blen)
					abort(); /* line lost */
				be = line_end(b, blen, bo);
				if ((open || cn == 0) &&
				    content_len(b, bo, be) == cn &&
				    memcmp(a + ao, b + bo, cn) == 0)
					break;
				if (be - bo == n &&
				    memcmp(a + ao, b + bo, n) == 0)
					break;
			}
			bo = be;
		}
		ao = ae;
	}
}

static struct ini_conf *
load(const char *buf, size_t len)
{
	struct ini_doc *doc = NULL;
	struct ini_conf *c = NULL;

	if (ini_doc_parse(buf, len, "patched.ini", &doc, NULL) != 0)
		abort();
	if (ini_conf_apply(NULL, doc, INI_APPLY_FULL, &c, NULL, NULL) != 0)
		c = NULL;
	ini_doc_destroy(doc);
	return c;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, '\0', size);
	size_t dlen = nul != NULL ? (size_t)(nul - data) : size;
	struct input in = { nul != NULL ? nul + 1 : data + size,
			    nul != NULL ? size - dlen - 1 : 0 };
	struct ini_doc *doc = NULL;
	struct ini_conf *from = NULL, *to = NULL, *back;
	struct ini_patch_stats st;
	char *out = NULL;
	size_t len = 0;
	bool *keep = NULL;

	if (ini_doc_parse((const char *)data, dlen, "fuzz.ini", &doc, NULL) !=
	    0)
		return 0;
	if (ini_conf_apply(NULL, doc, INI_APPLY_FULL, &from, NULL, NULL) != 0 ||
	    ini_conf_dup(from, &to) != 0)
		goto out;
	apply_edits(&in, to);
	if (ini_conf_check(to, NULL, NULL) != 0)
		goto out;
	if (ini_doc_patch(doc, to, &out, &len, &st) != 0)
		abort();
	back = load(out, len);
	if (back == NULL || !ini_conf_equal(back, to))
		abort();
	ini_conf_destroy(back);
	if (ini_conf_equal(from, to) &&
	    (len != dlen || memcmp(out, data, len) != 0 ||
	     st.rewritten + st.added + st.removed != 0))
		abort();
	if ((keep = malloc(doc->nitems + 1)) == NULL)
		goto out;
	memset(keep, 1, doc->nitems + 1);
	mark_changed(doc, from, to, keep);
	check_lines((const char *)data, dlen, out, len, keep);
out:
	free(keep);
	if (out != NULL)
		memset(out, 0, len);
	free(out);
	ini_conf_destroy(to);
	ini_conf_destroy(from);
	ini_doc_destroy(doc);
	return 0;
}
