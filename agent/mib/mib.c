/* SPDX-License-Identifier: ISC */
/*
 * GWAGENT-MIB's object tree over the daemon's model.  One sorted array of
 * nodes (scalars and tables) below the root; GETNEXT walks it in OID
 * order, tables column by column, rows through the model's ordered
 * "next row" lookups (O(log n) per request, no copy of the data).
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agent/core/gwagent.h"
#include "agent/mib/mib.h"
#include "agent/mib/mib_int.h"

static const uint32_t agent_mib_rootv[] = { GWAGENT_OID };

void
agent_mib_root(struct mib_oid *o)
{
	memcpy(o->v, agent_mib_rootv, sizeof(agent_mib_rootv));
	o->len = GWAGENT_OID_LEN;
}

size_t
agent_mib_dateandtime(int64_t t, unsigned char *buf)
{
	struct tm tm;
	time_t tt = (time_t)t;

	gmtime_r(&tt, &tm);
	buf[0] = (unsigned char)((tm.tm_year + 1900) >> 8);
	buf[1] = (unsigned char)((tm.tm_year + 1900) & 0xff);
	buf[2] = (unsigned char)(tm.tm_mon + 1);
	buf[3] = (unsigned char)tm.tm_mday;
	buf[4] = (unsigned char)tm.tm_hour;
	buf[5] = (unsigned char)tm.tm_min;
	buf[6] = (unsigned char)tm.tm_sec;
	buf[7] = 0;
	buf[8] = '+';
	buf[9] = 0;
	buf[10] = 0;
	return 11;
}

void
mib_set_int(struct mib_value *v, int type, long long n)
{
	v->type = type;
	v->num = n;
	v->len = 0;
}

void
mib_set_str(struct mib_value *v, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n > MIB_MAX_STR)
		n = MIB_MAX_STR;
	v->type = MIB_ASN_OCTET_STR;
	v->num = 0;
	v->len = n;
	if (n > 0)
		memcpy(v->str, s, n);
}

/* Length of the valid UTF-8 sequence at @p p (@p n octets left), 0 when
 * none starts there. */
static size_t
mib_utf8_seq(const unsigned char *p, size_t n)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		len = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		len = 4;
	else
		return 0;
	if (p[0] == 0xe0)
		lo = 0xa0; /* overlong */
	else if (p[0] == 0xed)
		hi = 0x9f; /* surrogates */
	else if (p[0] == 0xf0)
		lo = 0x90; /* overlong */
	else if (p[0] == 0xf4)
		hi = 0x8f; /* past U+10FFFF */
	if (n < len || p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return len;
}

void
agent_mib_set_utf8(struct mib_value *v, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t n = strlen((const char *)p), i = 0, len;

	mib_set_str(v, "");
	while (i < n) {
		len = mib_utf8_seq(p + i, n - i);
		if (v->len + (len ? len : 1) > 255)
			break;
		if (len == 0) {
			v->str[v->len++] = '?';
			i++;
			continue;
		}
		memcpy(v->str + v->len, p + i, len);
		v->len += len;
		i += len;
	}
}

/* ---- OID helpers ------------------------------------------------------ */

int
agent_mib_subid(uint64_t raw, uint32_t *sub)
{
	/* 2^31..2^32-1 sign-extended to 64 bits: the top 33 bits are set. */
	if (raw > UINT32_MAX && (raw >> 31) != (UINT64_MAX >> 31))
		return -ERANGE;
	*sub = (uint32_t)raw;
	return 0;
}

void
agent_mib_oid_clamp(struct mib_oid *o, int beyond32)
{
	if (!beyond32) {
		o->len = MIB_MAX_OID;
		return;
	}
	while (o->len < MIB_MAX_OID)
		o->v[o->len++] = UINT32_MAX;
}

/* A row index component from a sub-identifier, compared as unsigned: one
 * beyond the model's long index sorts after every row. */
static long
mib_sub_long(uint32_t s)
{
#if LONG_MAX >= UINT32_MAX
	return (long)s;
#else
	return s > (uint32_t)LONG_MAX ? LONG_MAX : (long)s;
#endif
}

/* Compare a[0..alen) with b[0..blen) lexicographically. */
static int
mib_cmp(const uint32_t *a, size_t alen, const uint32_t *b, size_t blen)
{
	size_t i, n = alen < blen ? alen : blen;

	for (i = 0; i < n; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return alen < blen ? -1 : alen > blen;
}

/* The part of name below the root, or NULL when name is elsewhere.
 * *before is set when name sorts before the whole MIB. */
static const uint32_t *
mib_below_root(const struct mib_oid *name, size_t *len, int *before)
{
	int c;

	*before = 0;
	c = mib_cmp(name->v,
		    name->len < GWAGENT_OID_LEN ? name->len : GWAGENT_OID_LEN,
		    agent_mib_rootv, GWAGENT_OID_LEN);
	if (c < 0 || (c == 0 && name->len < GWAGENT_OID_LEN)) {
		*before = 1;
		return NULL;
	}
	if (c > 0)
		return NULL;
	*len = name->len - GWAGENT_OID_LEN;
	return name->v + GWAGENT_OID_LEN;
}

static void
mib_make(struct mib_oid *o, const struct mib_node *n, uint32_t col,
	 const long *idx)
{
	size_t i;

	agent_mib_root(o);
	memcpy(o->v + o->len, n->sub, n->sublen * sizeof(uint32_t));
	o->len += n->sublen;
	if (n->kind == MIB_NODE_SCALAR) {
		o->v[o->len++] = 0;
		return;
	}
	o->v[o->len++] = col;
	for (i = 0; i < n->table->nidx; i++)
		o->v[o->len++] = (uint32_t)idx[i];
}

/* ---- rows ------------------------------------------------------------ */

/*
 * The first row whose index OID is greater than s[0..k): the table's
 * next() gets a[0..nidx), the given components and LONG_MIN for the
 * missing ones, and answers the first row strictly after it, LONG_MIN
 * sorting before every value (so (5, LONG_MIN) is before (5, 0)).
 */
static int
mib_row_after(struct gwagent *g, const struct mib_table *t, const uint32_t *s,
	      size_t k, long *idx)
{
	long a[MIB_MAX_IDX];
	size_t i;

	for (i = 0; i < MIB_MAX_IDX; i++)
		a[i] = i < k && i < t->nidx ? mib_sub_long(s[i]) : LONG_MIN;
	return t->next(g, t, a, idx);
}

/* ---- GET ------------------------------------------------------------- */

/* The node whose OID is a prefix of sub[0..len): a binary search, as the
 * nodes are sorted and none is a prefix of another. */
static const struct mib_node *
mib_find_node(const uint32_t *sub, size_t len)
{
	size_t nn, lo = 0, hi;
	const struct mib_node *nodes = agent_mib_tree(&nn);

	hi = nn;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct mib_node *n = &nodes[mid];
		int c = mib_cmp(sub, len < n->sublen ? len : n->sublen, n->sub,
				n->sublen);

		if (c == 0 && len >= n->sublen)
			return n;
		if (c < 0 || (c == 0 && len < n->sublen))
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

static const struct mib_column *
mib_find_col(const struct mib_table *t, uint32_t col)
{
	size_t i;

	for (i = 0; i < t->ncols; i++)
		if (t->cols[i].col == col)
			return &t->cols[i];
	return NULL;
}

/* Parse an exact row index from s[0..k).  @return 0 or -ENOENT. */
static int
mib_exact_index(const struct mib_table *t, const uint32_t *s, size_t k,
		long *idx)
{
	size_t i;

	if (k != t->nidx)
		return -ENOENT;
	for (i = 0; i < k; i++) {
		if (s[i] > (uint32_t)INT32_MAX)
			return -ENOENT;
		idx[i] = (long)s[i];
	}
	return 0;
}

int
agent_mib_get(struct gwagent *g, const struct mib_oid *name,
	      struct mib_value *v)
{
	const struct mib_node *n;
	const struct mib_column *c;
	const uint32_t *sub;
	size_t len;
	long idx[MIB_MAX_IDX];
	int before;

	sub = mib_below_root(name, &len, &before);
	if (sub == NULL || (n = mib_find_node(sub, len)) == NULL)
		return -ENOENT;
	sub += n->sublen;
	len -= n->sublen;
	if (n->kind == MIB_NODE_SCALAR) {
		if (len != 1 || sub[0] != 0 || n->scalar->get == NULL)
			return -ENOENT;
		return n->scalar->get(g, n->scalar, v);
	}
	if (len < 1 || (c = mib_find_col(n->table, sub[0])) == NULL ||
	    c->access == MIB_NOACCESS ||
	    mib_exact_index(n->table, sub + 1, len - 1, idx) < 0 ||
	    !n->table->exists(g, n->table, idx))
		return -ENOENT;
	return c->get(g, c, idx, v);
}

/* ---- GETNEXT ---------------------------------------------------------- */

/* Next instance inside table node n after sub[0..len) (relative to n). */
static int
mib_next_in_table(struct gwagent *g, const struct mib_node *n,
		  const uint32_t *sub, size_t len, struct mib_oid *next,
		  struct mib_value *v)
{
	const struct mib_table *t = n->table;
	size_t i;
	long idx[MIB_MAX_IDX];

	for (i = 0; i < t->ncols; i++) {
		const struct mib_column *c = &t->cols[i];
		int rc;

		if (c->access == MIB_NOACCESS)
			continue;
		if (len >= 1 && c->col < sub[0])
			continue;
		if (len >= 1 && c->col == sub[0])
			rc = mib_row_after(g, t, sub + 1, len - 1, idx);
		else
			rc = mib_row_after(g, t, NULL, 0, idx);
		if (rc < 0)
			continue; /* no row after: next column */
		mib_make(next, n, c->col, idx);
		return c->get(g, c, idx, v);
	}
	return -ENOENT;
}

int
agent_mib_getnext(struct gwagent *g, const struct mib_oid *name,
		  struct mib_oid *next, struct mib_value *v)
{
	const uint32_t *sub;
	size_t len = 0, i, nn;
	int before, c;

	const struct mib_node *nodes = agent_mib_tree(&nn);

	sub = mib_below_root(name, &len, &before);
	if (sub == NULL && !before)
		return -ENOENT;
	for (i = 0; i < nn; i++) {
		const struct mib_node *n = &nodes[i];
		const uint32_t *rest = NULL;
		size_t rlen = 0;

		if (!before) {
			c = mib_cmp(sub, len < n->sublen ? len : n->sublen,
				    n->sub, n->sublen);
			if (c > 0)
				continue; /* node entirely before name */
			if (c == 0 && len >= n->sublen) {
				rest = sub + n->sublen;
				rlen = len - n->sublen;
			}
		}
		if (n->kind == MIB_NODE_SCALAR) {
			if (rlen > 0 || n->scalar->get == NULL)
				continue; /* at or past .0 */
			mib_make(next, n, 0, NULL);
			return n->scalar->get(g, n->scalar, v);
		}
		if (mib_next_in_table(g, n, rest, rlen, next, v) == 0)
			return 0;
	}
	return -ENOENT;
}

/* ---- SET ------------------------------------------------------------- */

enum mib_err
agent_mib_txn_add(struct agent_mib_txn *t, const struct mib_oid *name,
		  const struct mib_value *v)
{
	const struct mib_node *n;
	const struct mib_column *c;
	const uint32_t *sub;
	size_t len;
	long idx[MIB_MAX_IDX];
	int before;

	sub = mib_below_root(name, &len, &before);
	if (sub == NULL || (n = mib_find_node(sub, len)) == NULL)
		return MIB_ERR_NOTWRITABLE;
	sub += n->sublen;
	len -= n->sublen;
	if (n->kind == MIB_NODE_SCALAR) {
		if (len != 1 || sub[0] != 0)
			return MIB_ERR_NOCREATION;
		if (n->scalar->check == NULL)
			return MIB_ERR_NOTWRITABLE;
		return mib_txn_push(t, n, NULL, NULL, v,
				    n->scalar->check(g_of(t), n->scalar, v));
	}
	if (len < 1 || (c = mib_find_col(n->table, sub[0])) == NULL ||
	    c->access == MIB_NOACCESS)
		return MIB_ERR_NOTWRITABLE;
	if (mib_exact_index(n->table, sub + 1, len - 1, idx) < 0)
		return MIB_ERR_NOCREATION;
	if (c->check == NULL)
		return n->table->exists(g_of(t), n->table, idx)
			       ? MIB_ERR_NOTWRITABLE
			       : MIB_ERR_NOCREATION;
	return mib_txn_push(t, n, c, idx, v, c->check(g_of(t), c, idx, v));
}
