/* SPDX-License-Identifier: ISC */
/*
 * GWAGENT-MIB handlers without snmpd (lldpd's check_snmp.c idea): a
 * fixture daemon context, then GET, GETNEXT chains and SET transactions
 * straight through agent/mib/mib.c.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/core/event.h"
#include "agent/core/gwagent.h"
#include "agent/core/log.h"
#include "agent/mib/mib.h"
#include "agent/mib/mib_int.h"
#include "tests/unit/agent_fixture.h"
#include "tests/unit/gwtest.h"

static struct gwagent g;

#define NELEMS(a) (sizeof(a) / sizeof((a)[0]))

static void
quiet(int prio, const char *msg)
{
	(void)prio;
	(void)msg;
}

static uint64_t fake_now = 1000000;

static uint64_t
fake_clock(void *arg)
{
	(void)arg;
	return fake_now;
}

static void
setup(void)
{
	struct agent_sip_conf sc = { .local_addr = "127.0.0.1" };
	struct ini_diags *d;

	log_register(quiet);
	memset(&g, 0, sizeof(g));
	ck_assert_int_eq(agent_event_create(&g.ev), 0);
	agent_event_set_clock(g.ev, fake_clock, NULL);
	ck_assert_int_eq(gwagent_init(&g, &sc), 0);
	ck_assert_int_eq(ini_diags_create(&d), 0);
	ck_assert_int_eq(agent_config_load_buffer(g.config, FIXTURE,
						  strlen(FIXTURE), "f.ini",
						  INI_APPLY_FULL, NULL, d),
			 0);
	ini_diags_destroy(d);
	agent_bindings_sync(g.bindings, agent_config_conf(g.config), 0);
}

static void
teardown(void)
{
	gwagent_fini(&g);
	agent_event_destroy(g.ev);
	log_register(NULL);
}

static void
oid_of(struct mib_oid *o, const uint32_t *sub, size_t n)
{
	agent_mib_root(o);
	memcpy(o->v + o->len, sub, n * sizeof(*sub));
	o->len += n;
}

static int
oid_cmp(const struct mib_oid *a, const struct mib_oid *b)
{
	size_t i, n = a->len < b->len ? a->len : b->len;

	for (i = 0; i < n; i++)
		if (a->v[i] != b->v[i])
			return a->v[i] < b->v[i] ? -1 : 1;
	return a->len < b->len ? -1 : a->len > b->len;
}

START_TEST(test_get_scalars_and_columns)
{
	const uint32_t regtime[] = { 1, 1, 2, 5, 0 };
	const uint32_t password[] = { 1, 1, 2, 14, 0 };
	const uint32_t acc_user[] = { 1, 1, 8, 1, 5, 3 };
	const uint32_t acc_pw[] = { 1, 1, 8, 1, 6, 3 };
	const uint32_t acc_rs[] = { 1, 1, 8, 1, 11, 10 };
	const uint32_t missing[] = { 1, 1, 8, 1, 5, 4 };
	const uint32_t aor[] = { 1, 2, 1, 1, 3, 2, 3 };
	struct mib_oid o;
	struct mib_value v;

	oid_of(&o, regtime, 5);
	ck_assert_int_eq(agent_mib_get(&g, &o, &v), 0);
	ck_assert_int_eq(v.type, MIB_ASN_UNSIGNED);
	ck_assert_int_eq(v.num, 180);
	oid_of(&o, password, 5);
	ck_assert_int_eq(agent_mib_get(&g, &o, &v), 0);
	ck_assert_uint_eq(v.len, 0); /* write-only */
	oid_of(&o, acc_user, 6);
	ck_assert_int_eq(agent_mib_get(&g, &o, &v), 0);
	ck_assert_uint_eq(v.len, 5);
	ck_assert_int_eq(memcmp(v.str, "alice", 5), 0);
	oid_of(&o, acc_pw, 6);
	ck_assert_int_eq(agent_mib_get(&g, &o, &v), 0);
	ck_assert_uint_eq(v.len, 0);
	oid_of(&o, acc_rs, 6);
	ck_assert_int_eq(agent_mib_get(&g, &o, &v), 0);
	ck_assert_int_eq(v.num, 1); /* active */
	oid_of(&o, missing, 6);
	ck_assert_int_eq(agent_mib_get(&g, &o, &v), -ENOENT);
	oid_of(&o, aor, 7);
	ck_assert_int_eq(agent_mib_get(&g, &o, &v), 0);
	ck_assert_int_eq(memcmp(v.str, "sip:alice@pbx.test", v.len), 0);
	/* .0 missing, index too long, outside the MIB */
	oid_of(&o, regtime, 4);
	ck_assert_int_eq(agent_mib_get(&g, &o, &v), -ENOENT);
	oid_of(&o, acc_user, 6);
	o.v[o.len++] = 1;
	ck_assert_int_eq(agent_mib_get(&g, &o, &v), -ENOENT);
	o.len = 3;
	ck_assert_int_eq(agent_mib_get(&g, &o, &v), -ENOENT);
}
END_TEST

/* The Account columns the catalog puts in the MIB. */
static size_t
account_mib_columns(void)
{
	size_t i, n = 0;

	for (i = 0; i < ini_table_ncolumns(INI_TABLE_ACCOUNT); i++)
		n += ini_param_mib_access(ini_param_get(ini_table_column(
			     INI_TABLE_ACCOUNT, i))) != INI_MIB_NONE;
	return n;
}

START_TEST(test_getnext_walks_everything_in_order)
{
	struct mib_oid o, next;
	struct mib_value v;
	size_t n = 0, accounts = 0, status = 0;
	const uint32_t acc[] = { 1, 1, 8, 1 }, rs[] = { 1, 2, 1, 1 };

	o.len = 1;
	o.v[0] = 1; /* before the MIB: the walk starts at its first object */
	while (agent_mib_getnext(&g, &o, &next, &v) == 0) {
		ck_assert_int_lt(oid_cmp(&o, &next), 0);
		if (next.len > 14 && memcmp(next.v + 10, acc, sizeof(acc)) == 0)
			accounts++;
		if (next.len > 14 && memcmp(next.v + 10, rs, sizeof(rs)) == 0)
			status++;
		if (v.type == MIB_ASN_OCTET_STR)
			ck_assert_ptr_null(memmem(v.str, v.len, "-pw", 3));
		o = next;
		ck_assert_int_lt(++n, 10000);
	}
	/* two rows, every MIB column of the catalog and the RowStatus */
	ck_assert_uint_eq(accounts, 2 * (account_mib_columns() + 1));
	ck_assert_uint_eq(status, 3 * 28); /* three bindings */
	ck_assert_uint_gt(n, 100);
	/* past the last object, and from an OID after the MIB */
	o.len = 1;
	o.v[0] = 2;
	ck_assert_int_eq(agent_mib_getnext(&g, &o, &next, &v), -ENOENT);
}
END_TEST

START_TEST(test_getnext_inside_tables)
{
	const uint32_t user3[] = { 1, 1, 8, 1, 5, 3 };
	const uint32_t user_after[] = { 1, 1, 8, 1, 5, 3, 99 };
	const uint32_t col_only[] = { 1, 1, 8, 1, 5 };
	struct mib_oid o, next;
	struct mib_value v;

	oid_of(&o, user3, 6);
	ck_assert_int_eq(agent_mib_getnext(&g, &o, &next, &v), 0);
	ck_assert_uint_eq(next.v[next.len - 1], 10); /* next account */
	ck_assert_uint_eq(next.v[next.len - 2], 5);
	oid_of(&o, user_after, 7); /* longer than an index: still row 10 */
	ck_assert_int_eq(agent_mib_getnext(&g, &o, &next, &v), 0);
	ck_assert_uint_eq(next.v[next.len - 1], 10);
	o = next; /* after the last row: next column, first row */
	ck_assert_int_eq(agent_mib_getnext(&g, &o, &next, &v), 0);
	ck_assert_uint_eq(next.v[next.len - 2], 6);
	ck_assert_uint_eq(next.v[next.len - 1], 3);
	oid_of(&o, col_only, 5);
	ck_assert_int_eq(agent_mib_getnext(&g, &o, &next, &v), 0);
	ck_assert_uint_eq(next.v[next.len - 1], 3);
}
END_TEST

/* ---- GETNEXT at the edges (issue 12) ---------------------------------- */

#define EDGE_MAX 4096

/* Every instance of the fixture's MIB, in walk order. */
static struct mib_oid *edge_walk;
static size_t edge_n;

static void
edge_collect(void)
{
	struct mib_oid o;
	struct mib_value v;

	edge_walk = calloc(EDGE_MAX, sizeof(*edge_walk));
	ck_assert_ptr_nonnull(edge_walk);
	edge_n = 0;
	agent_mib_root(&o);
	while (agent_mib_getnext(&g, &o, &edge_walk[edge_n], &v) == 0) {
		ck_assert_int_lt(oid_cmp(&o, &edge_walk[edge_n]), 0);
		o = edge_walk[edge_n++];
		ck_assert_uint_lt(edge_n, EDGE_MAX);
	}
}

/* GETNEXT from o answers the first instance of the walk after o. */
static void
edge_check(const struct mib_oid *o)
{
	struct mib_oid next;
	struct mib_value v;
	size_t i;
	int rc = agent_mib_getnext(&g, o, &next, &v);

	for (i = 0; i < edge_n && oid_cmp(&edge_walk[i], o) <= 0; i++)
		;
	if (i == edge_n) {
		ck_assert_int_eq(rc, -ENOENT);
		return;
	}
	ck_assert_int_eq(rc, 0);
	ck_assert_int_eq(oid_cmp(&next, &edge_walk[i]), 0);
}

static void
edge_from(const uint32_t *sub, size_t n, const uint32_t *tail, size_t tn)
{
	struct mib_oid o;

	oid_of(&o, sub, n);
	if (tn > 0)
		memcpy(o.v + o.len, tail, tn * sizeof(*tail));
	o.len += tn;
	edge_check(&o);
}

static const uint32_t edge_tails[][5] = {
	{ 1, 2147483648u },
	{ 1, 2147483647u },
	{ 1, 4294967295u },
	{ 4, 4294967295u, 1, 2, 3 },
	{ 4, 2147483648u, 4294967295u, 1, 2 },
	{ 2, 1, 4294967295u },
	{ 2, 2147483648u, 0 },
};

/* For a column of node n: the edges after every row and after the column. */
static void
edge_column(const struct mib_node *n, uint32_t col)
{
	uint32_t sub[8];
	size_t i, k;

	memcpy(sub, n->sub, n->sublen * sizeof(*sub));
	sub[n->sublen] = col;
	for (i = 0; i < sizeof(edge_tails) / sizeof(edge_tails[0]); i++)
		edge_from(sub, n->sublen + 1, edge_tails[i] + 1,
			  edge_tails[i][0]);
	edge_from(sub, n->sublen + 1, NULL, 0);
	/* every row of the column as found by the walk, and past it */
	for (i = 0; i < edge_n; i++) {
		struct mib_oid o = edge_walk[i];

		if (o.len != GWAGENT_OID_LEN + n->sublen + 1 + n->table->nidx ||
		    memcmp(o.v + GWAGENT_OID_LEN, sub,
			   (n->sublen + 1) * sizeof(*sub)) != 0)
			continue;
		edge_check(&o);
		o.v[o.len++] = 4294967295u;
		edge_check(&o);
		o.len--;
		for (k = GWAGENT_OID_LEN + n->sublen + 1; k < o.len; k++) {
			o.v[k] = 2147483648u;
			edge_check(&o);
		}
	}
}

/* The node whose OID is sub[0..len), or NULL. */
static const struct mib_node *
tree_node(const uint32_t *sub, size_t len)
{
	const struct mib_node *nodes;
	size_t i, nn;

	nodes = agent_mib_tree(&nn);
	for (i = 0; i < nn; i++)
		if (nodes[i].sublen == len &&
		    memcmp(nodes[i].sub, sub, len * sizeof(*sub)) == 0)
			return &nodes[i];
	return NULL;
}

/* The tree is sorted, no node is a prefix of another (GET's binary
 * search relies on both), and every MIB row of the catalog is there with
 * its own OID, its syntax and its parameter. */
START_TEST(test_tree_from_catalog)
{
	const struct mib_node *nodes, *n;
	const uint32_t *arc;
	size_t i, j, nn, len, k;

	nodes = agent_mib_tree(&nn);
	ck_assert_ptr_eq(agent_mib_tree(&k), nodes); /* built once */
	ck_assert_uint_eq(k, nn);
	for (i = 1; i < nn; i++) {
		const struct mib_node *a = &nodes[i - 1], *b = &nodes[i];

		k = a->sublen < b->sublen ? a->sublen : b->sublen;
		for (j = 0; j < k && a->sub[j] == b->sub[j]; j++)
			;
		ck_assert_msg(j < k && a->sub[j] < b->sub[j],
			      "node %zu not after node %zu", i, i - 1);
	}
	for (i = 0; i < INI_P__COUNT; i++) {
		const struct ini_param *p = ini_param_get(i);
		int asn = ini_param_mib_syntax(p) == INI_MIB_SYNTAX_UNSIGNED32
				  ? MIB_ASN_UNSIGNED
			  : ini_param_mib_syntax(p) == INI_MIB_SYNTAX_STRING
				  ? MIB_ASN_OCTET_STR
				  : MIB_ASN_INTEGER;

		if ((len = ini_param_mib_arc(p, &arc)) == 0)
			continue;
		if (ini_param_table(p) == INI_TABLE_NONE) {
			n = tree_node(arc, len);
			ck_assert_msg(n != NULL && n->kind == MIB_NODE_SCALAR,
				      "%s", ini_param_name(p));
			ck_assert_int_eq(n->scalar->param, (int)i);
			ck_assert_int_eq(n->scalar->asn, asn);
			continue;
		}
		n = tree_node(arc, len - 1);
		ck_assert_msg(n != NULL && n->kind == MIB_NODE_TABLE, "%s",
			      ini_param_name(p));
		for (j = 0; j < n->table->ncols; j++)
			if (n->table->cols[j].col == arc[len - 1])
				break;
		ck_assert_uint_lt(j, n->table->ncols);
		ck_assert_int_eq(n->table->cols[j].param, (int)i);
		ck_assert_int_eq(n->table->cols[j].asn, asn);
		ck_assert_int_eq(n->table->itable, ini_param_table(p));
	}
}
END_TEST

START_TEST(test_getnext_edges_every_table_and_group)
{
	static const uint32_t huge[] = { 2147483648u, 4294967295u };
	const struct mib_node *nodes;
	size_t i, j, k, nn;

	edge_collect();
	ck_assert_uint_gt(edge_n, 100);
	nodes = agent_mib_tree(&nn);
	for (i = 0; i < nn; i++) {
		const struct mib_node *n = &nodes[i];

		/* a huge arc at every level of the node's own OID */
		for (k = 1; k <= n->sublen; k++)
			for (j = 0; j < 2; j++) {
				edge_from(n->sub, k - 1, &huge[j], 1);
				edge_from(n->sub, k, &huge[j], 1);
			}
		if (n->kind == MIB_NODE_SCALAR) {
			static const uint32_t t0[] = { 0, 2147483648u };

			edge_from(n->sub, n->sublen, t0, 2);
			edge_from(n->sub, n->sublen, t0, 1);
			continue;
		}
		for (j = 0; j < n->table->ncols; j++)
			edge_column(n, n->table->cols[j].col);
		/* between and after the columns */
		edge_from(n->sub, n->sublen, &huge[0], 1);
		for (j = 0; j <= n->table->ncols; j++) {
			uint32_t c = j < n->table->ncols
					     ? n->table->cols[j].col + 1
					     : 0;

			edge_from(n->sub, n->sublen, &c, 1);
		}
	}
	free(edge_walk);
}
END_TEST

/* The same edges with the answers written out. */
START_TEST(test_getnext_edges_exact)
{
	const uint32_t user_big[] = { 1, 1, 8, 1, 5, 2147483648u };
	const uint32_t user_max[] = { 1, 1, 8, 1, 5, 4294967295u, 1, 2, 3 };
	const uint32_t aor_big[] = { 1, 2, 1, 1, 3, 2147483648u };
	const uint32_t aor_row_big[] = { 1, 2, 1, 1, 3, 1, 4294967295u };
	const uint32_t alarm_big[] = { 1, 4, 1, 1, 2, 2147483648u };
	const uint32_t proxy_big[] = { 1, 1, 1, 1, 2147483648u };
	const uint32_t objects_big[] = { 1, 2147483648u };
	const uint32_t user_next[] = { 1, 1, 8, 1, 6, 3 };
	const uint32_t aor_next[] = { 1, 2, 1, 1, 4, 1, 0 };
	const uint32_t aor_row_next[] = { 1, 2, 1, 1, 3, 2, 3 };
	const uint32_t rate[] = { 1, 4, 3, 0 };
	const uint32_t proxy_next[] = { 1, 1, 1, 2, 0 };
	struct mib_oid o, next, want;
	struct mib_value v;

	oid_of(&o, user_big, 6);
	ck_assert_int_eq(agent_mib_getnext(&g, &o, &next, &v), 0);
	oid_of(&want, user_next, 6);
	ck_assert_int_eq(oid_cmp(&next, &want), 0);
	oid_of(&o, user_max, 9);
	ck_assert_int_eq(agent_mib_getnext(&g, &o, &next, &v), 0);
	ck_assert_int_eq(oid_cmp(&next, &want), 0);
	/* two indexes: (int)2147483648 once wrapped to the first binding */
	oid_of(&o, aor_big, 6);
	ck_assert_int_eq(agent_mib_getnext(&g, &o, &next, &v), 0);
	oid_of(&want, aor_next, 7);
	ck_assert_int_eq(oid_cmp(&next, &want), 0);
	oid_of(&o, aor_row_big, 7);
	ck_assert_int_eq(agent_mib_getnext(&g, &o, &next, &v), 0);
	oid_of(&want, aor_row_next, 7);
	ck_assert_int_eq(oid_cmp(&next, &want), 0);
	/* no alarms: on to gwTrapRateLimit, the last object */
	oid_of(&o, alarm_big, 6);
	ck_assert_int_eq(agent_mib_getnext(&g, &o, &next, &v), 0);
	oid_of(&want, rate, 4);
	ck_assert_int_eq(oid_cmp(&next, &want), 0);
	oid_of(&o, proxy_big, 5);
	ck_assert_int_eq(agent_mib_getnext(&g, &o, &next, &v), 0);
	oid_of(&want, proxy_next, 5);
	ck_assert_int_eq(oid_cmp(&next, &want), 0);
	oid_of(&o, objects_big, 2);
	ck_assert_int_eq(agent_mib_getnext(&g, &o, &next, &v), -ENOENT);
}
END_TEST

START_TEST(test_subid_and_clamp)
{
	const uint32_t user3[] = { 1, 1, 8, 1, 5, 3 };
	const uint32_t user10[] = { 1, 1, 8, 1, 5, 10 };
	struct mib_oid o, next, want;
	struct mib_value v;
	uint32_t s = 7;
	size_t i;

	ck_assert_int_eq(agent_mib_subid(0, &s), 0);
	ck_assert_uint_eq(s, 0);
	ck_assert_int_eq(agent_mib_subid(4294967295u, &s), 0);
	ck_assert_uint_eq(s, 4294967295u);
	/* Net-SNMP's AgentX decoding of 2^31 and 2^32-1 */
	ck_assert_int_eq(agent_mib_subid(0xffffffff80000000ull, &s), 0);
	ck_assert_uint_eq(s, 2147483648u);
	ck_assert_int_eq(agent_mib_subid(0xffffffffffffffffull, &s), 0);
	ck_assert_uint_eq(s, 4294967295u);
	s = 7;
	ck_assert_int_eq(agent_mib_subid(0x100000000ull, &s), -ERANGE);
	ck_assert_int_eq(agent_mib_subid(0xffffffff7fffffffull, &s), -ERANGE);
	ck_assert_int_eq(agent_mib_subid(0x7fffffff80000000ull, &s), -ERANGE);
	ck_assert_uint_eq(s, 7);

	/* col.3.<beyond 32 bits>: the next row */
	oid_of(&o, user3, 6);
	agent_mib_oid_clamp(&o, 1);
	ck_assert_uint_eq(o.len, MIB_MAX_OID);
	ck_assert_uint_eq(o.v[16], 4294967295u);
	ck_assert_uint_eq(o.v[MIB_MAX_OID - 1], 4294967295u);
	ck_assert_int_eq(agent_mib_getnext(&g, &o, &next, &v), 0);
	oid_of(&want, user10, 6);
	ck_assert_int_eq(oid_cmp(&next, &want), 0);
	/* col.3.1.1.1...(longer than MIB_MAX_OID): the next row too */
	oid_of(&o, user3, 6);
	for (i = o.len; i < MIB_MAX_OID; i++)
		o.v[i] = 1;
	o.len = MIB_MAX_OID;
	agent_mib_oid_clamp(&o, 0);
	ck_assert_uint_eq(o.len, MIB_MAX_OID);
	ck_assert_uint_eq(o.v[MIB_MAX_OID - 1], 1);
	ck_assert_int_eq(agent_mib_getnext(&g, &o, &next, &v), 0);
	ck_assert_int_eq(oid_cmp(&next, &want), 0);
}
END_TEST

static enum mib_err
set1(const uint32_t *sub, size_t n, int type, long long num, const char *s,
     size_t *bad)
{
	struct agent_mib_txn *t = agent_mib_txn_begin(&g);
	struct mib_oid o;
	struct mib_value v;
	enum mib_err e;

	oid_of(&o, sub, n);
	memset(&v, 0, sizeof(v));
	v.type = type;
	v.num = num;
	if (s != NULL) {
		v.len = strlen(s);
		memcpy(v.str, s, v.len);
	}
	e = agent_mib_txn_add(t, &o, &v);
	if (e == MIB_OK)
		e = agent_mib_txn_prepare(t, bad);
	if (e == MIB_OK)
		agent_mib_txn_commit(t);
	agent_mib_txn_free(t);
	return e;
}

struct vb {
	uint32_t sub[8];
	size_t n;
	int type;
	long long num;
	const char *s;
};

/* One SET request of several varbinds. */
static enum mib_err
setv(const struct vb *vbs, size_t count, size_t *bad)
{
	struct agent_mib_txn *t = agent_mib_txn_begin(&g);
	struct mib_oid o;
	struct mib_value v;
	enum mib_err e = MIB_OK;
	size_t i;

	for (i = 0; i < count && e == MIB_OK; i++) {
		oid_of(&o, vbs[i].sub, vbs[i].n);
		memset(&v, 0, sizeof(v));
		v.type = vbs[i].type;
		v.num = vbs[i].num;
		if (vbs[i].s != NULL) {
			v.len = strlen(vbs[i].s);
			memcpy(v.str, vbs[i].s, v.len);
		}
		e = agent_mib_txn_add(t, &o, &v);
	}
	if (e == MIB_OK)
		e = agent_mib_txn_prepare(t, bad);
	if (e == MIB_OK)
		agent_mib_txn_commit(t);
	agent_mib_txn_free(t);
	return e;
}

/* Every writable string of GWAGENT-MIB that feeds a SIP URI. */
static const struct {
	uint32_t sub[6];
	size_t n;
	enum ini_type type;
} strcols[] = {
	{ { 1, 1, 1, 2, 0 }, 5, INI_TYPE_HOST },    /* ProxyName */
	{ { 1, 1, 1, 3, 0 }, 5, INI_TYPE_ADDR },    /* ProxyIP */
	{ { 1, 1, 2, 2, 0 }, 5, INI_TYPE_ADDR },    /* RegistrarIP */
	{ { 1, 1, 2, 3, 0 }, 5, INI_TYPE_HOST },    /* RegistrarName */
	{ { 1, 1, 2, 11, 0 }, 5, INI_TYPE_USER },   /* GWRegistrationName */
	{ { 1, 1, 3, 1, 0 }, 5, INI_TYPE_HOST },    /* SIPGatewayName */
	{ { 1, 1, 5, 1, 2, 0 }, 6, INI_TYPE_ADDR }, /* ProxyIp_IpAddress */
	{ { 1, 1, 6, 1, 5, 1 }, 6, INI_TYPE_HOST }, /* IPGroup_SIPGroupName */
	{ { 1, 1, 6, 1, 6, 1 }, 6, INI_TYPE_USER }, /* IPGroup_ContactUser */
	{ { 1, 1, 8, 1, 7, 3 }, 6, INI_TYPE_HOST }, /* Account_HostName */
	{ { 1, 1, 8, 1, 9, 3 }, 6, INI_TYPE_USER }, /* Account_ContactUser */
};

/* Hostile SET values answer wrongValue (wrongLength when too long) and
 * leave the configuration as it was. */
START_TEST(test_set_hostile_strings)
{
	static const char *const common[] = {
		"bad name", "x@y",  "a\"b", "caf\xc3\xa9", "a<b>",
		"a b@c:d",  "a\\b", "a%zz", "sip:x@y",	   "a#b",
	};
	static const char *const hosts[] = { "gw;x",	 "gw:x:y:z", "'gw'",
					     "-gw",	 "gw..x",    "gw_1",
					     "1.2.3.4.5" };
	static const char *const addrs[] = { "gw:0", "gw:65536", "[::1",
					     "[::1]:x", "gw;transport=tcp" };
	static const char *const users[] = { "a:b", "a[b]", "a%2" };
	struct ini_conf *before;
	size_t i, j, bad;
	char label64[80];

	memset(label64, 'a', 64);
	label64[64] = '\0';
	ck_assert_int_eq(ini_conf_dup(agent_config_conf(g.config), &before), 0);
	for (i = 0; i < sizeof(strcols) / sizeof(strcols[0]); i++) {
		const char *const *extra =
			strcols[i].type == INI_TYPE_HOST   ? hosts
			: strcols[i].type == INI_TYPE_ADDR ? addrs
							   : users;
		size_t nextra = strcols[i].type == INI_TYPE_HOST   ? 7
				: strcols[i].type == INI_TYPE_ADDR ? 5
								   : 3;

		for (j = 0; j < sizeof(common) / sizeof(common[0]); j++)
			ck_assert_msg(set1(strcols[i].sub, strcols[i].n,
					   MIB_ASN_OCTET_STR, 0, common[j],
					   &bad) == MIB_ERR_WRONGVALUE,
				      "column %zu '%s'", i, common[j]);
		for (j = 0; j < nextra; j++)
			ck_assert_msg(set1(strcols[i].sub, strcols[i].n,
					   MIB_ASN_OCTET_STR, 0, extra[j],
					   &bad) == MIB_ERR_WRONGVALUE,
				      "column %zu '%s'", i, extra[j]);
		ck_assert_int_eq(set1(strcols[i].sub, strcols[i].n,
				      MIB_ASN_OCTET_STR, 0, label64, &bad),
				 strcols[i].sub[2] == 2 &&
						 strcols[i].sub[3] == 3
					 ? MIB_ERR_WRONGVALUE /* 100 long */
					 : MIB_ERR_WRONGLENGTH);
		ck_assert(ini_conf_equal(before, agent_config_conf(g.config)));
	}
	/* and good values go through */
	ck_assert_int_eq(set1(strcols[0].sub, 5, MIB_ASN_OCTET_STR, 0,
			      "proxy.example", &bad),
			 MIB_OK);
	ck_assert_int_eq(set1(strcols[8].sub, 6, MIB_ASN_OCTET_STR, 0,
			      "a;b=c%20d", &bad),
			 MIB_OK);
	ck_assert_int_eq(set1(strcols[6].sub, 6, MIB_ASN_OCTET_STR, 0,
			      "[2001:db8::1]:5070", &bad),
			 MIB_OK);
	ck_assert(!ini_conf_equal(before, agent_config_conf(g.config)));
	ini_conf_destroy(before);
}
END_TEST

/* Cross-row rules answer inconsistentValue and change nothing; the same
 * change done in one request that keeps the rules goes through. */
START_TEST(test_set_cross_row)
{
	const struct vb destroy_pi0[] = {
		{ { 1, 1, 5, 1, 5, 0 }, 6, MIB_ASN_INTEGER, 6, NULL },
	};
	const struct vb destroy_ig1[] = {
		{ { 1, 1, 6, 1, 7, 1 }, 6, MIB_ASN_INTEGER, 6, NULL },
	};
	const struct vb empty_addr[] = {
		{ { 1, 1, 5, 1, 2, 0 }, 6, MIB_ASN_OCTET_STR, 0, "" },
	};
	const struct vb no_user[] = {
		{ { 1, 1, 8, 1, 9, 3 }, 6, MIB_ASN_OCTET_STR, 0, "" },
	};
	const struct vb aor_user[] = {
		{ { 1, 1, 2, 13, 0 }, 5, MIB_ASN_OCTET_STR, 0, "gw@x" },
	};
	const struct vb move_pi0[] = {
		{ { 1, 1, 5, 1, 4, 0 }, 6, MIB_ASN_UNSIGNED, 0, NULL },
		{ { 1, 1, 4, 1, 7, 2 }, 6, MIB_ASN_INTEGER, 4, NULL },
		{ { 1, 1, 5, 1, 4, 0 }, 6, MIB_ASN_UNSIGNED, 2, NULL },
	};
	const struct vb replace_pi0[] = {
		{ { 1, 1, 5, 1, 5, 7 }, 6, MIB_ASN_INTEGER, 4, NULL },
		{ { 1, 1, 5, 1, 2, 7 },
		  6,
		  MIB_ASN_OCTET_STR,
		  0,
		  "proxy2.example:5070" },
		{ { 1, 1, 5, 1, 5, 0 }, 6, MIB_ASN_INTEGER, 6, NULL },
	};
	struct ini_conf *before;
	size_t bad = 99;

	ck_assert_int_eq(ini_conf_dup(agent_config_conf(g.config), &before), 0);
	/* the last address of proxy set 0, which the gateway and both
	 * accounts (through IP group 1) register through */
	ck_assert_int_eq(setv(destroy_pi0, 1, &bad), MIB_ERR_INCONSISTENTVALUE);
	ck_assert_uint_eq(bad, 0);
	/* an IP group accounts use */
	ck_assert_int_eq(setv(destroy_ig1, 1, &bad), MIB_ERR_INCONSISTENTVALUE);
	/* a ProxyIp row without address */
	ck_assert_int_eq(setv(empty_addr, 1, &bad), MIB_ERR_INCONSISTENTVALUE);
	/* an account left without AOR user */
	ck_assert_int_eq(setv(no_user, 1, &bad), MIB_ERR_INCONSISTENTVALUE);
	/* UserName is the AOR user here (no GWRegistrationName) */
	ck_assert_int_eq(setv(aor_user, 1, &bad), MIB_ERR_INCONSISTENTVALUE);
	/* moving the address to a new set leaves set 0 empty */
	ck_assert_int_eq(setv(move_pi0, 3, &bad), MIB_ERR_INCONSISTENTVALUE);
	ck_assert(ini_conf_equal(before, agent_config_conf(g.config)));
	/* a new address and the old one destroyed in one request */
	ck_assert_int_eq(setv(replace_pi0, 3, &bad), MIB_OK);
	ck_assert(!ini_conf_row_exists(agent_config_conf(g.config),
				       INI_TABLE_PROXYIP, 0));
	ck_assert(ini_conf_row_exists(agent_config_conf(g.config),
				      INI_TABLE_PROXYIP, 7));
	ini_conf_destroy(before);
}
END_TEST

START_TEST(test_set_error_codes)
{
	const uint32_t regtime[] = { 1, 1, 2, 5, 0 };
	const uint32_t gwname[] = { 1, 1, 2, 11, 0 };
	const uint32_t state[] = { 1, 2, 1, 1, 4, 1, 0 };
	const uint32_t count[] = { 1, 2, 3, 2, 0 };
	const uint32_t acc_user_new[] = { 1, 1, 8, 1, 5, 77 };
	const uint32_t acc_rs_far[] = { 1, 1, 8, 1, 11, 2000000 };
	const uint32_t pi_set[] = { 1, 1, 5, 1, 4, 0 };
	size_t bad = 99;

	ck_assert_int_eq(set1(regtime, 5, MIB_ASN_OCTET_STR, 0, "60", &bad),
			 MIB_ERR_WRONGTYPE);
	ck_assert_int_eq(set1(regtime, 5, MIB_ASN_UNSIGNED, 5, NULL, &bad),
			 MIB_ERR_WRONGVALUE);
	ck_assert_int_eq(set1(gwname, 5, MIB_ASN_OCTET_STR, 0,
			      "a-name-longer-than-fifteen", &bad),
			 MIB_ERR_WRONGLENGTH);
	ck_assert_int_eq(set1(state, 7, MIB_ASN_INTEGER, 1, NULL, &bad),
			 MIB_ERR_NOTWRITABLE);
	ck_assert_int_eq(set1(count, 5, MIB_ASN_UNSIGNED, 1, NULL, &bad),
			 MIB_ERR_NOTWRITABLE);
	ck_assert_int_eq(set1(acc_user_new, 6, MIB_ASN_OCTET_STR, 0, "x", &bad),
			 MIB_ERR_NOCREATION);
	ck_assert_int_eq(set1(acc_rs_far, 6, MIB_ASN_INTEGER, 4, NULL, &bad),
			 MIB_ERR_NOCREATION);
	/* proxy address 0 moved to a proxy set that does not exist */
	ck_assert_int_eq(set1(pi_set, 6, MIB_ASN_UNSIGNED, 9, NULL, &bad),
			 MIB_ERR_INCONSISTENTVALUE);
	ck_assert_int_eq(set1(regtime, 5, MIB_ASN_UNSIGNED, 600, NULL, &bad),
			 MIB_OK);
	ck_assert_int_eq(ini_conf_get_int(agent_config_conf(g.config),
					  INI_P_REGISTRATION_TIME),
			 600);
}
END_TEST

START_TEST(test_set_is_atomic_and_creates_rows)
{
	const uint32_t rs[] = { 1, 1, 8, 1, 11, 20 };
	const uint32_t user[] = { 1, 1, 8, 1, 5, 20 };
	const uint32_t reg[] = { 1, 1, 8, 1, 8, 20 };
	const uint32_t regtime[] = { 1, 1, 2, 5, 0 };
	struct agent_mib_txn *t = agent_mib_txn_begin(&g);
	struct mib_oid o;
	struct mib_value v;
	size_t bad = 99;

	/* columns before the RowStatus in the request still work */
	memset(&v, 0, sizeof(v));
	v.type = MIB_ASN_OCTET_STR;
	v.len = 5;
	memcpy(v.str, "carol", 5);
	oid_of(&o, user, 6);
	ck_assert_int_eq(agent_mib_txn_add(t, &o, &v), MIB_OK);
	memset(&v, 0, sizeof(v));
	v.type = MIB_ASN_INTEGER;
	v.num = 4; /* createAndGo */
	oid_of(&o, rs, 6);
	ck_assert_int_eq(agent_mib_txn_add(t, &o, &v), MIB_OK);
	v.num = 7; /* not a member of Account_Register's enumeration */
	oid_of(&o, reg, 6);
	ck_assert_int_eq(agent_mib_txn_add(t, &o, &v), MIB_ERR_WRONGVALUE);
	agent_mib_txn_free(t);
	ck_assert(!ini_conf_row_exists(agent_config_conf(g.config),
				       INI_TABLE_ACCOUNT, 20));

	/* a good value then a bad one: prepare fails, nothing changes */
	t = agent_mib_txn_begin(&g);
	memset(&v, 0, sizeof(v));
	v.type = MIB_ASN_UNSIGNED;
	v.num = 900;
	oid_of(&o, regtime, 5);
	ck_assert_int_eq(agent_mib_txn_add(t, &o, &v), MIB_OK);
	memset(&v, 0, sizeof(v));
	v.type = MIB_ASN_INTEGER;
	v.num = 4; /* createAndGo of an existing row */
	oid_of(&o, rs, 6);
	o.v[o.len - 1] = 3;
	ck_assert_int_eq(agent_mib_txn_add(t, &o, &v),
			 MIB_ERR_INCONSISTENTVALUE);
	agent_mib_txn_free(t);
	ck_assert_int_eq(ini_conf_get_int(agent_config_conf(g.config),
					  INI_P_REGISTRATION_TIME),
			 180);

	ck_assert_int_eq(set1(rs, 6, MIB_ASN_INTEGER, 4, NULL, &bad), MIB_OK);
	ck_assert(ini_conf_row_exists(agent_config_conf(g.config),
				      INI_TABLE_ACCOUNT, 20));
	ck_assert_int_eq(set1(rs, 6, MIB_ASN_INTEGER, 5, NULL, &bad),
			 MIB_ERR_WRONGVALUE); /* createAndWait */
	ck_assert_int_eq(set1(rs, 6, MIB_ASN_INTEGER, 6, NULL, &bad), MIB_OK);
	ck_assert(!ini_conf_row_exists(agent_config_conf(g.config),
				       INI_TABLE_ACCOUNT, 20));
}
END_TEST

START_TEST(test_set_ini_line)
{
	const uint32_t line[] = { 1, 3, 4, 0 };
	size_t bad = 0;

	ck_assert_int_eq(set1(line, 4, MIB_ASN_OCTET_STR, 0,
			      "RegistrationTime = 3600", &bad),
			 MIB_OK);
	ck_assert_int_eq(ini_conf_get_int(agent_config_conf(g.config),
					  INI_P_REGISTRATION_TIME),
			 3600);
	ck_assert_int_eq(set1(line, 4, MIB_ASN_OCTET_STR, 0,
			      "RegistrationTime = 1", &bad),
			 MIB_ERR_WRONGVALUE);
	ck_assert_ptr_nonnull(strstr(g.ini.line_diags, "gwIniLine: error: "));
	ck_assert_int_eq(g.ini.line_status, 3);
	ck_assert_int_eq(ini_conf_get_int(agent_config_conf(g.config),
					  INI_P_REGISTRATION_TIME),
			 3600);
}
END_TEST

/* gwIniLoadUri: the password of the userinfo is write-only. */
START_TEST(test_ini_uri_password_write_only)
{
	const uint32_t uri[] = { 1, 3, 1, 0 };
	struct mib_oid o;
	struct mib_value v;
	size_t bad = 0;

	ck_assert_int_eq(set1(uri, 4, MIB_ASN_OCTET_STR, 0,
			      "http://gw:S3cr3tPW@[::1]:8080/a.ini", &bad),
			 MIB_OK);
	ck_assert_str_eq(g.ini.uri, "http://gw:S3cr3tPW@[::1]:8080/a.ini");
	oid_of(&o, uri, 4);
	ck_assert_int_eq(agent_mib_get(&g, &o, &v), 0);
	ck_assert_uint_eq(v.len, strlen("http://gw@[::1]:8080/a.ini"));
	ck_assert_int_eq(memcmp(v.str, "http://gw@[::1]:8080/a.ini", v.len), 0);
	/* A shorter URI leaves nothing of the old one behind. */
	ck_assert_int_eq(set1(uri, 4, MIB_ASN_OCTET_STR, 0, "file:///x", &bad),
			 MIB_OK);
	ck_assert_ptr_null(memmem(g.ini.uri, sizeof(g.ini.uri), "S3cr3tPW", 8));
	ck_assert_int_eq(agent_mib_get(&g, &o, &v), 0);
	ck_assert_int_eq(memcmp(v.str, "file:///x", v.len), 0);
}
END_TEST

/* gwIniLine takes one line: blocks, headers, FORMAT, comments, CR/LF
 * are wrongValue and change nothing; its result has its own objects. */
START_TEST(test_set_ini_line_one_line_only)
{
	const uint32_t line[] = { 1, 3, 4, 0 };
	const uint32_t lstatus[] = { 1, 3, 8, 0 }, ldiags[] = { 1, 3, 9, 0 };
	const uint32_t ltime[] = { 1, 3, 10, 0 }, status[] = { 1, 3, 5, 0 };
	static const char *const bad_lines[] = {
		"RegistrationTime = 900\nUserName = 'x'",
		"RegistrationTime = 900\r",
		"[ SIP Params ]",
		"[ Account ]",
		"[ \\Account ]",
		"FORMAT Account_Index = Account_Username;",
		"; a comment",
		"",
		"NoSuchParameter = 1",
		"Account 7 = 1, 1, \"carol\";",
		"[ Account ]\nFORMAT Account_Index = Account_ServedIPGroup, "
		"Account_ServingIPGroup, Account_Username, Account_Register, "
		"Account_ContactUser;\nAccount 7 = 1, 1, \"carol\", 1, "
		"\"carol\";\n[ \\Account ]",
	};
	struct mib_oid o;
	struct mib_value v;
	size_t bad = 0, i;

	snprintf(g.ini.diags, sizeof(g.ini.diags), "last load's");
	g.ini.status = 2;
	for (i = 0; i < sizeof(bad_lines) / sizeof(bad_lines[0]); i++) {
		ck_assert_msg(set1(line, 4, MIB_ASN_OCTET_STR, 0, bad_lines[i],
				   &bad) == MIB_ERR_WRONGVALUE,
			      "accepted: %s", bad_lines[i]);
		ck_assert_int_eq(g.ini.line_status, 3);
		ck_assert_ptr_nonnull(strstr(g.ini.line_diags, "error"));
	}
	ck_assert(!ini_conf_row_exists(agent_config_conf(g.config),
				       INI_TABLE_ACCOUNT, 7));
	ck_assert_int_eq(ini_conf_get_int(agent_config_conf(g.config),
					  INI_P_REGISTRATION_TIME),
			 180);
	/* the catalog's nine columns do not fit the record's FORMAT */
	ck_assert_int_eq(
		set1(line, 4, MIB_ASN_OCTET_STR, 0,
		     "Account 7 = -1, 1, 1, \"carol\", \"carol-pw\", \"\", 1, "
		     "\"carol\", 0;",
		     &bad),
		MIB_ERR_WRONGVALUE);
	ck_assert_ptr_nonnull(strstr(g.ini.line_diags,
				     "6 values in the FORMAT of the gateway"));
	/* one row in the FORMAT of the record (f.ini) creates the account */
	ck_assert_int_eq(set1(line, 4, MIB_ASN_OCTET_STR, 0,
			      "Account 7 = 1, 1, \"carol\", \"carol-pw\", 1, "
			      "\"carol\";",
			      &bad),
			 MIB_OK);
	ck_assert(ini_conf_row_exists(agent_config_conf(g.config),
				      INI_TABLE_ACCOUNT, 7));
	oid_of(&o, lstatus, 4);
	ck_assert_int_eq(agent_mib_get(&g, &o, &v), 0);
	ck_assert_int_eq(v.num, 2);
	oid_of(&o, ldiags, 4);
	ck_assert_int_eq(agent_mib_get(&g, &o, &v), 0);
	ck_assert_uint_eq(v.len, strlen("applied"));
	oid_of(&o, ltime, 4);
	ck_assert_int_eq(agent_mib_get(&g, &o, &v), 0);
	ck_assert_uint_eq(v.len, 11);
	/* the loads' objects are untouched */
	ck_assert_str_eq(g.ini.diags, "last load's");
	oid_of(&o, status, 4);
	ck_assert_int_eq(agent_mib_get(&g, &o, &v), 0);
	ck_assert_int_eq(v.num, 2);
}
END_TEST

/* A second load while one runs: inconsistentValue, and the running
 * load's status and diagnostics stay. */
START_TEST(test_set_load_while_loading)
{
	const uint32_t uri[] = { 1, 3, 1, 0 }, action[] = { 1, 3, 3, 0 };
	const uint32_t mode[] = { 1, 3, 2, 0 };
	size_t bad = 0;

	ck_assert_int_eq(set1(mode, 4, MIB_ASN_INTEGER, 3, NULL, &bad), MIB_OK);
	ck_assert_int_eq(g.ini.mode, 3);
	ck_assert_int_eq(set1(mode, 4, MIB_ASN_INTEGER, 4, NULL, &bad),
			 MIB_ERR_WRONGVALUE);
	ck_assert_int_eq(set1(uri, 4, MIB_ASN_OCTET_STR, 0,
			      "http://u:pw@127.0.0.1:1/x.ini", &bad),
			 MIB_OK);
	g.ini.status = 1;
	snprintf(g.ini.diags, sizeof(g.ini.diags), "load running since x");
	ck_assert_int_eq(set1(action, 4, MIB_ASN_INTEGER, 1, NULL, &bad),
			 MIB_ERR_INCONSISTENTVALUE);
	ck_assert_int_eq(g.ini.status, 1);
	ck_assert_str_eq(g.ini.diags, "load running since x");
	/* a save meanwhile is answered but leaves the load's objects */
	ck_assert_int_eq(set1(action, 4, MIB_ASN_INTEGER, 2, NULL, &bad),
			 MIB_OK);
	ck_assert_int_eq(g.ini.status, 1);
	ck_assert_str_eq(g.ini.diags, "load running since x");
}
END_TEST

START_TEST(test_dateandtime)
{
	unsigned char b[11];

	ck_assert_uint_eq(agent_mib_dateandtime(0, b), 11);
	ck_assert_uint_eq(b[0] << 8 | b[1], 1970);
	ck_assert_uint_eq(b[2], 1);
	ck_assert_uint_eq(b[3], 1);
	agent_mib_dateandtime(1795599720, b); /* 2026-11-25 09:42:00 UTC */
	ck_assert_uint_eq(b[0] << 8 | b[1], 2026);
	ck_assert_uint_eq(b[2], 11);
	ck_assert_uint_eq(b[3], 25);
	ck_assert_uint_eq(b[4], 9);
	ck_assert_uint_eq(b[5], 42);
	ck_assert_uint_eq(b[8], '+');
}
END_TEST

static unsigned notified[8]; /* notifications sent, by number */

static int
count_notify(uint32_t n, const struct agent_varbind *vb, size_t nvb, void *arg)
{
	(void)vb;
	(void)nvb;
	(void)arg;
	if (n < 8)
		notified[n]++;
	return 0;
}
static struct agent_mib_notifier count_notifier = { .send = count_notify };

static void
get_ok(const uint32_t *sub, size_t n, struct mib_value *v)
{
	struct mib_oid o;

	oid_of(&o, sub, n);
	ck_assert_int_eq(agent_mib_get(&g, &o, v), 0);
}

static void
resync(void)
{
	agent_bindings_sync(g.bindings, agent_config_conf(g.config), 0);
	agent_alarms_prune(g.alarms);
}

/* A binding its configuration does not let run: failed with the reason,
 * an alarm with the configuration cause, actions refused; removing it
 * takes the alarm without a restored notification. */
START_TEST(test_unusable_binding)
{
	const uint32_t ig_set[] = { 1, 1, 6, 1, 4, 1 };
	const uint32_t ac_rs[] = { 1, 1, 8, 1, 11, 10 };
	const uint32_t state[] = { 1, 2, 1, 1, 4, 2, 3 };
	const uint32_t lasterr[] = { 1, 2, 1, 1, 10, 2, 3 };
	const uint32_t action[] = { 1, 2, 1, 1, 18, 2, 3 };
	const uint32_t allaction[] = { 1, 2, 3, 1, 0 };
	const struct agent_alarm *al;
	struct mib_value v;
	size_t bad = 0;
	long seq;

	memset(notified, 0, sizeof(notified));
	agent_alarms_set_notify(g.alarms, agent_mib_notice, &count_notifier);
	/* register works while the configuration is good */
	ck_assert_int_eq(set1(action, 7, MIB_ASN_INTEGER, 1, NULL, &bad),
			 MIB_OK);
	/* IP group 1 loses its proxy set (destroying the only address of
	 * a proxy set in use is refused: ini_conf_check) */
	ck_assert_int_eq(set1(ig_set, 6, MIB_ASN_INTEGER, -1, NULL, &bad),
			 MIB_OK);
	resync();
	ck_assert_int_eq(agent_binding_usable(agent_bindings_find(
				 g.bindings, AGENT_BINDING_ACCOUNT, 3)),
			 0);
	get_ok(state, 7, &v);
	ck_assert_int_eq(v.num, 9); /* failed */
	get_ok(lasterr, 7, &v);
	ck_assert_uint_eq(v.len, strlen("IP group 1 has no proxy set"));
	ck_assert_int_eq(memcmp(v.str, "IP group 1 has no proxy set", v.len),
			 0);
	/* both accounts: two alarms, two notifications */
	ck_assert_uint_eq(agent_alarms_count(g.alarms), 2);
	ck_assert_uint_eq(notified[1], 2);
	for (seq = 0; (al = agent_alarms_next(g.alarms, seq)) != NULL;
	     seq = (long)al->seq) {
		ck_assert_str_eq(al->name, "gwRegistrationFailed");
		ck_assert_int_eq(al->cause, 7); /* configuration */
		ck_assert_int_eq(al->event_type, 3);
		ck_assert_ptr_nonnull(
			strstr(al->text, "IP group 1 has no proxy set"));
		ck_assert_ptr_null(strstr(al->text, "-pw"));
	}
	/* the same again: nothing new */
	resync();
	ck_assert_uint_eq(notified[1], 2);
	ck_assert_uint_eq(agent_alarms_count(g.alarms), 2);
	/* register and refresh refused, unregister a no-op, all accepted */
	ck_assert_int_eq(set1(action, 7, MIB_ASN_INTEGER, 1, NULL, &bad),
			 MIB_ERR_INCONSISTENTVALUE);
	ck_assert_int_eq(set1(action, 7, MIB_ASN_INTEGER, 3, NULL, &bad),
			 MIB_ERR_INCONSISTENTVALUE);
	ck_assert_int_eq(set1(action, 7, MIB_ASN_INTEGER, 2, NULL, &bad),
			 MIB_OK);
	ck_assert_int_eq(set1(allaction, 5, MIB_ASN_INTEGER, 1, NULL, &bad),
			 MIB_OK);
	get_ok(lasterr, 7, &v);
	ck_assert_int_eq(memcmp(v.str, "IP group 1 has no proxy set", v.len),
			 0);
	/* account 10 destroyed: its alarm goes, nothing says "restored" */
	ck_assert_int_eq(set1(ac_rs, 6, MIB_ASN_INTEGER, 6, NULL, &bad),
			 MIB_OK);
	resync();
	ck_assert_uint_eq(agent_alarms_count(g.alarms), 1);
	ck_assert_uint_eq(notified[2], 0);
	/* ... but it is in the history, as gone */
	ck_assert_uint_eq(agent_alarms_history_count(g.alarms), 1);
	ck_assert_str_eq(agent_alarms_history_next(g.alarms, 0)->source,
			 "Account#10");
	/* the proxy set is back: the bindings can run again */
	ck_assert_int_eq(set1(ig_set, 6, MIB_ASN_INTEGER, 0, NULL, &bad),
			 MIB_OK);
	resync();
	ck_assert_int_eq(agent_binding_usable(agent_bindings_find(
				 g.bindings, AGENT_BINDING_ACCOUNT, 3)),
			 1);
	ck_assert_int_eq(set1(action, 7, MIB_ASN_INTEGER, 1, NULL, &bad),
			 MIB_OK);
	get_ok(lasterr, 7, &v);
	ck_assert_uint_eq(v.len, 0);
}
END_TEST

/* A communications alarm that turns into a configuration fault is the
 * same row, updated, and notified again. */
START_TEST(test_alarm_cause_changes_in_place)
{
	const uint32_t ig_set[] = { 1, 1, 6, 1, 4, 1 };
	struct agent_binding *ab =
		agent_bindings_find(g.bindings, AGENT_BINDING_ACCOUNT, 3);
	const struct agent_alarm *al;
	struct sipreg_status st;
	size_t bad = 0;
	uint32_t seq;

	memset(notified, 0, sizeof(notified));
	agent_alarms_set_notify(g.alarms, agent_mib_notice, &count_notifier);
	memset(&st, 0, sizeof(st));
	st.state = SIPREG_BACKOFF;
	snprintf(st.last_error, sizeof(st.last_error), "no answer");
	agent_notify_binding(ab, &st, &g);
	al = agent_alarms_next(g.alarms, 0);
	ck_assert_ptr_nonnull(al);
	ck_assert_int_eq(al->cause, 6);
	seq = al->seq;
	agent_notify_binding(ab, &st, &g); /* the same fault: no news */
	ck_assert_uint_eq(notified[1], 1);
	ck_assert_int_eq(set1(ig_set, 6, MIB_ASN_INTEGER, -1, NULL, &bad),
			 MIB_OK);
	resync();
	al = agent_alarms_find(g.alarms, seq);
	ck_assert_ptr_nonnull(al);
	ck_assert_int_eq(al->cause, 7);
	ck_assert_ptr_nonnull(strstr(al->text, "IP group 1 has no proxy set"));
	/* account 3 updated, account 10 raised */
	ck_assert_uint_eq(notified[1], 3);
	ck_assert_uint_eq(agent_alarms_count(g.alarms), 2);
}
END_TEST

START_TEST(test_counter_discontinuity)
{
	const uint32_t disc3[] = { 1, 2, 1, 1, 19, 2, 3 };
	const uint32_t disc20[] = { 1, 2, 1, 1, 19, 2, 20 };
	const uint32_t ac_rs[] = { 1, 1, 8, 1, 11, 20 };
	const uint32_t ac_cols[][6] = {
		{ 1, 1, 8, 1, 3, 20 }, /* served IP group */
		{ 1, 1, 8, 1, 4, 20 }, /* serving IP group */
		{ 1, 1, 8, 1, 8, 20 }, /* register */
		{ 1, 1, 8, 1, 9, 20 }, /* contact user */
	};
	const uint32_t regtime[] = { 1, 1, 2, 5, 0 };
	struct mib_value v;
	size_t bad = 0;

	get_ok(disc3, 7, &v);
	ck_assert_int_eq(v.type, MIB_ASN_TIMETICKS);
	ck_assert_int_eq(v.num, 0); /* since the agent started */
	/* a new account, at once: still not 0 */
	ck_assert_int_eq(set1(ac_rs, 6, MIB_ASN_INTEGER, 4, NULL, &bad),
			 MIB_OK);
	ck_assert_int_eq(set1(ac_cols[0], 6, MIB_ASN_INTEGER, 1, NULL, &bad),
			 MIB_OK);
	ck_assert_int_eq(set1(ac_cols[1], 6, MIB_ASN_INTEGER, 1, NULL, &bad),
			 MIB_OK);
	/* the AOR user first: a registering account needs one */
	ck_assert_int_eq(
		set1(ac_cols[3], 6, MIB_ASN_OCTET_STR, 0, "carol", &bad),
		MIB_OK);
	ck_assert_int_eq(set1(ac_cols[2], 6, MIB_ASN_INTEGER, 1, NULL, &bad),
			 MIB_OK);
	resync();
	get_ok(disc20, 7, &v);
	ck_assert_int_eq(v.num, 1);
	/* a change that re-derives every binding keeps the times */
	fake_now += 12340;
	ck_assert_int_eq(set1(regtime, 5, MIB_ASN_UNSIGNED, 600, NULL, &bad),
			 MIB_OK);
	resync();
	ck_assert_uint_eq(agent_bindings_last_sync(g.bindings)->updated, 4);
	get_ok(disc3, 7, &v);
	ck_assert_int_eq(v.num, 0);
	get_ok(disc20, 7, &v);
	ck_assert_int_eq(v.num, 1);
	{
		/* destroyed and created again: a new time, 12.34 s later */
		ck_assert_int_eq(set1(ac_rs, 6, MIB_ASN_INTEGER, 6, NULL, &bad),
				 MIB_OK);
		resync();
		ck_assert_int_eq(set1(ac_rs, 6, MIB_ASN_INTEGER, 4, NULL, &bad),
				 MIB_OK);
		set1(ac_cols[0], 6, MIB_ASN_INTEGER, 1, NULL, &bad);
		set1(ac_cols[1], 6, MIB_ASN_INTEGER, 1, NULL, &bad);
		set1(ac_cols[3], 6, MIB_ASN_OCTET_STR, 0, "carol", &bad);
		set1(ac_cols[2], 6, MIB_ASN_INTEGER, 1, NULL, &bad);
		resync();
		get_ok(disc20, 7, &v);
		ck_assert_int_eq(v.num, 1234);
	}
}
END_TEST

/* Raise and clear: gwActiveAlarmTableLastChanged moves, the cleared alarm
 * is a gwAlarmHistoryTable row with both times; the history is bounded. */
START_TEST(test_alarm_history_and_last_changed)
{
	const uint32_t changed[] = { 1, 4, 4, 0 };
	struct agent_binding *ab =
		agent_bindings_find(g.bindings, AGENT_BINDING_ACCOUNT, 3);
	const struct agent_alarm *al, *h;
	struct sipreg_status st;
	struct mib_oid o, next;
	struct mib_value v;
	uint32_t seq, first, cols = 0;
	size_t base;
	int i;

	get_ok(changed, 4, &v);
	ck_assert_int_eq(v.type, MIB_ASN_TIMETICKS);
	ck_assert_int_eq(v.num, 0); /* nothing since the start */
	/* gwAlarmTrapRateLimit without settings: the MIB's DEFVAL */
	{
		const uint32_t rate[] = { 1, 4, 3, 0 };

		get_ok(rate, 4, &v);
		ck_assert_int_eq(v.num, 10);
	}
	memset(&st, 0, sizeof(st));
	st.state = SIPREG_BACKOFF;
	snprintf(st.last_error, sizeof(st.last_error), "no answer");
	fake_now += 5000;
	agent_notify_binding(ab, &st, &g);
	al = agent_alarms_next(g.alarms, 0);
	ck_assert_ptr_nonnull(al);
	seq = first = al->seq;
	get_ok(changed, 4, &v);
	ck_assert_int_eq(v.num, 500);
	ck_assert_uint_eq(agent_alarms_history_count(g.alarms), 0);
	fake_now += 2500;
	st.state = SIPREG_REGISTERED;
	agent_notify_binding(ab, &st, &g);
	ck_assert_uint_eq(agent_alarms_count(g.alarms), 0);
	get_ok(changed, 4, &v);
	ck_assert_int_eq(v.num, 750);
	h = agent_alarms_history_find(g.alarms, seq);
	ck_assert_ptr_nonnull(h);
	ck_assert_str_eq(h->name, "gwRegistrationFailed");
	ck_assert_str_eq(h->source, "Account#3");
	ck_assert_int_eq(h->severity, 4);
	ck_assert_int_ge(h->cleared, h->when);
	ck_assert_int_gt(h->when, 0);
	/* served: every column of the row, by GETNEXT from the table */
	{
		const uint32_t tab[] = { 1, 4, 5 };

		oid_of(&o, tab, 3);
		base = o.len;
		while (agent_mib_getnext(&g, &o, &next, &v) == 0 &&
		       next.len == base + 3 && next.v[next.len - 4] == 5) {
			ck_assert_uint_eq(next.v[next.len - 1], seq);
			if (next.v[next.len - 2] == 5)
				ck_assert_int_eq(v.num, 4);
			if (next.v[next.len - 2] >= 8) /* raised, cleared */
				ck_assert_uint_eq(v.len, 11);
			cols++;
			o = next;
		}
		ck_assert_uint_eq(cols, 8);
	}
	/* the bound: the oldest raises go */
	for (i = 0; i < AGENT_ALARM_HISTORY_MAX + 5; i++) {
		st.state = SIPREG_BACKOFF;
		agent_notify_binding(ab, &st, &g);
		st.state = SIPREG_REGISTERED;
		agent_notify_binding(ab, &st, &g);
	}
	ck_assert_uint_eq(agent_alarms_history_count(g.alarms),
			  AGENT_ALARM_HISTORY_MAX);
	ck_assert_ptr_null(agent_alarms_history_find(g.alarms, first));
	h = agent_alarms_history_next(g.alarms, 0);
	ck_assert_uint_eq(h->seq, first + 6);
	ck_assert_ptr_nonnull(agent_alarms_history_find(
		g.alarms, first + AGENT_ALARM_HISTORY_MAX + 5));
}
END_TEST

/* A failed INI load is an alarm row until a later load succeeds; the
 * clear carries the row's sequence number. */
static uint32_t ini_seq[4];
static long ini_sev[4];
static size_t ini_n;

static int
ini_notify(uint32_t n, const struct agent_varbind *vb, size_t nvb, void *arg)
{
	(void)arg;
	if (n != 5 || ini_n >= 4 || nvb < 2)
		return 0;
	ini_seq[ini_n] = (uint32_t)vb[0].val.num;
	ini_sev[ini_n++] = (long)vb[1].val.num;
	return 0;
}
static struct agent_mib_notifier ini_notifier = { .send = ini_notify };

START_TEST(test_ini_load_alarm)
{
	const struct agent_alarm *al;

	ini_n = 0;
	agent_alarms_set_notify(g.alarms, agent_mib_notice, &ini_notifier);
	agent_notify_ini_result(&g, 0);
	ck_assert_uint_eq(agent_alarms_count(g.alarms), 1);
	al = agent_alarms_next(g.alarms, 0);
	ck_assert_str_eq(al->name, "gwIniLoadResult");
	ck_assert_str_eq(al->source, "IniFile");
	ck_assert_int_eq(al->severity, 4);
	ck_assert_int_eq(al->cause, 7);
	/* failing again: the same row, sent again with its number */
	agent_notify_ini_result(&g, 0);
	ck_assert_uint_eq(agent_alarms_count(g.alarms), 1);
	/* a good load clears it */
	agent_notify_ini_result(&g, 1);
	ck_assert_uint_eq(agent_alarms_count(g.alarms), 0);
	ck_assert_ptr_nonnull(agent_alarms_history_find(g.alarms, ini_seq[0]));
	/* another good load: an event with a number of its own */
	agent_notify_ini_result(&g, 1);
	ck_assert_uint_eq(agent_alarms_count(g.alarms), 0);
	ck_assert_uint_eq(ini_n, 4);
	ck_assert_uint_eq(ini_seq[1], ini_seq[0]);
	ck_assert_uint_eq(ini_seq[2], ini_seq[0]);
	ck_assert_uint_gt(ini_seq[3], ini_seq[0]);
	ck_assert_int_eq(ini_sev[0], 4);
	ck_assert_int_eq(ini_sev[1], 4);
	ck_assert_int_eq(ini_sev[2], 0);
	ck_assert_int_eq(ini_sev[3], 0);
}
END_TEST

/* A dry run changes nothing: its result is an event that raises and
 * clears nothing, whatever the outcome. */
START_TEST(test_ini_dry_run_raises_nothing)
{
	ini_n = 0;
	agent_alarms_set_notify(g.alarms, agent_mib_notice, &ini_notifier);
	agent_notify_ini_result(&g, 0); /* a failed load: raised */
	ck_assert_uint_eq(agent_alarms_count(g.alarms), 1);
	g.ini.running_mode = 3;
	agent_notify_ini_result(&g, 0); /* a failed dry run */
	agent_notify_ini_result(&g, 1); /* a good dry run: clears nothing */
	ck_assert_uint_eq(agent_alarms_count(g.alarms), 1);
	ck_assert_uint_eq(agent_alarms_history_count(g.alarms), 0);
	ck_assert_uint_eq(ini_n, 3);
	ck_assert_int_eq(ini_sev[1], 0);
	ck_assert_int_eq(ini_sev[2], 0);
	ck_assert_uint_ne(ini_seq[1], ini_seq[0]);
	g.ini.running_mode = 1;
	agent_notify_ini_result(&g, 1); /* a good load clears it */
	ck_assert_uint_eq(agent_alarms_count(g.alarms), 0);
	ck_assert_uint_eq(ini_seq[3], ini_seq[0]);
}
END_TEST

/* Every DateAndTime value is 8 or 11 octets, "never" included; the
 * binding points at no proxy status row while nothing is in use. */
START_TEST(test_dateandtime_columns_and_pointer)
{
	/* below the root: DateAndTime columns and scalars */
	static const uint32_t dt[][5] = {
		{ 1, 2, 1, 1, 11 }, /* gwRegLastSuccess */
		{ 1, 2, 2, 1, 6 },  /* gwProxyStatusLastKeepAlive */
		{ 1, 2, 5, 1, 11 }, /* gwProxyAddrLastProbe */
		{ 1, 3, 7, 0, 0 },  /* gwIniActionTime */
		{ 1, 3, 10, 0, 0 }, /* gwIniLineTime */
		{ 1, 4, 1, 1, 8 },  /* gwActiveAlarmDateAndTime */
		{ 1, 4, 5, 1, 8 },  /* gwAlarmHistoryRaiseDateAndTime */
		{ 1, 4, 5, 1, 9 },  /* gwAlarmHistoryClearDateAndTime */
	};
	const uint32_t valid[] = { 1, 2, 1, 1, 24, 2, 3 };
	const uint32_t ptr[] = { 1, 2, 1, 1, 20, 2, 3 };
	const uint32_t atype[] = { 1, 2, 1, 1, 21, 2, 3 };
	const uint32_t port[] = { 1, 2, 1, 1, 23, 2, 3 };
	struct agent_binding *ab =
		agent_bindings_find(g.bindings, AGENT_BINDING_ACCOUNT, 3);
	struct sipreg_status st;
	struct mib_oid o, next;
	struct mib_value v;
	size_t i, seen[NELEMS(dt)] = { 0 };

	/* an alarm raised and cleared, one raised: rows in both tables */
	memset(&st, 0, sizeof(st));
	st.state = SIPREG_BACKOFF;
	agent_notify_binding(ab, &st, &g);
	st.state = SIPREG_REGISTERED;
	agent_notify_binding(ab, &st, &g);
	agent_notify_ini_result(&g, 0);
	o.len = 1;
	o.v[0] = 1;
	while (agent_mib_getnext(&g, &o, &next, &v) == 0) {
		for (i = 0; i < NELEMS(dt); i++) {
			size_t n = dt[i][3] == 0 ? 3 : 5;

			if (next.len < 10 + n ||
			    memcmp(next.v + 10, dt[i], n * sizeof(uint32_t)) !=
				    0)
				continue;
			ck_assert_int_eq(v.type, MIB_ASN_OCTET_STR);
			ck_assert_msg(v.len == 8 || v.len == 11,
				      "DateAndTime %zu: %zu octets", i,
				      (size_t)v.len);
			seen[i]++;
		}
		o = next;
	}
	for (i = 0; i < NELEMS(dt); i++)
		ck_assert_msg(seen[i] > 0, "DateAndTime %zu not walked", i);
	get_ok(valid, 7, &v);
	ck_assert_int_eq(v.num, 2); /* false: never registered */
	get_ok(ptr, 7, &v);
	ck_assert_int_eq(v.num, -1); /* no address in use */
	get_ok(atype, 7, &v);
	ck_assert_int_eq(v.num, 0);
	get_ok(port, 7, &v);
	ck_assert_int_eq(v.num, 0);
}
END_TEST

/* gwProxyAddrTable: the fixture's one numeric ProxyIp is one row,
 * (0, 1), of record literal(1), its address the status table's. */
START_TEST(test_proxy_addr_table)
{
	const uint32_t addr[] = { 1, 2, 5, 1, 3, 0, 1 };
	const uint32_t name[] = { 1, 2, 5, 1, 4, 0, 1 };
	const uint32_t rec[] = { 1, 2, 5, 1, 5, 0, 1 };
	const uint32_t port[] = { 1, 2, 5, 1, 8, 0, 1 };
	const uint32_t ttl[] = { 1, 2, 5, 1, 9, 0, 1 };
	const uint32_t online[] = { 1, 2, 5, 1, 10, 0, 1 };
	const uint32_t inuse[] = { 1, 2, 5, 1, 13, 0, 1 };
	const uint32_t second[] = { 1, 2, 5, 1, 3, 0, 2 };
	const uint32_t zero[] = { 1, 2, 5, 1, 3, 0, 0 };
	const uint32_t col3[] = { 1, 2, 5, 1, 3 };
	struct mib_oid o, next;
	struct mib_value v;

	get_ok(addr, 7, &v);
	ck_assert_int_eq(v.type, MIB_ASN_OCTET_STR);
	ck_assert_uint_eq(v.len, strlen("127.0.0.1:5999"));
	ck_assert(memcmp(v.str, "127.0.0.1:5999", v.len) == 0);
	get_ok(name, 7, &v);
	ck_assert_uint_eq(v.len, 0);
	get_ok(rec, 7, &v);
	ck_assert_int_eq(v.num, 1);
	get_ok(port, 7, &v);
	ck_assert_int_eq(v.num, 5999);
	get_ok(ttl, 7, &v);
	ck_assert_int_eq(v.num, -1);
	get_ok(online, 7, &v);
	ck_assert_int_eq(v.num, 0); /* no keep-alive */
	get_ok(inuse, 7, &v);
	ck_assert_int_eq(v.num, 0); /* nothing registered */
	oid_of(&o, second, 7);
	ck_assert_int_ne(agent_mib_get(&g, &o, &v), 0);
	oid_of(&o, zero, 7);
	ck_assert_int_ne(agent_mib_get(&g, &o, &v), 0);
	/* the column walks to (0, 1), then on to column 4 */
	oid_of(&o, col3, 5);
	ck_assert_int_eq(agent_mib_getnext(&g, &o, &next, &v), 0);
	ck_assert_uint_eq(next.len, o.len + 2);
	ck_assert_uint_eq(next.v[next.len - 2], 0);
	ck_assert_uint_eq(next.v[next.len - 1], 1);
	o = next;
	ck_assert_int_eq(agent_mib_getnext(&g, &o, &next, &v), 0);
	ck_assert_uint_eq(next.v[next.len - 3], 4);
	ck_assert_uint_eq(next.v[next.len - 1], 1);
}
END_TEST

START_TEST(test_utf8_admin_string)
{
	struct mib_value v;
	char big[400];

	agent_mib_set_utf8(&v, "caf\xc3\xa9 \xe2\x82\xac");
	ck_assert_uint_eq(v.len, 9);
	ck_assert_int_eq(memcmp(v.str, "caf\xc3\xa9 \xe2\x82\xac", 9), 0);
	/* a lone continuation, an overlong form, a surrogate, a cut tail */
	agent_mib_set_utf8(&v, "a\x80"
			       "b\xc0\xaf"
			       "c\xed\xa0\x80"
			       "d\xe2\x82");
	ck_assert_uint_eq(v.len, 12);
	ck_assert_int_eq(memcmp(v.str, "a?b??c???d??", 12), 0);
	/* at most 255 octets, never half a character */
	memset(big, 'x', 254);
	memcpy(big + 254, "\xc3\xa9", 3);
	agent_mib_set_utf8(&v, big);
	ck_assert_uint_eq(v.len, 254);
}
END_TEST

START_TEST(test_inet_parse)
{
	unsigned char b[MIB_MAX_STR];
	size_t len;
	unsigned port;

	ck_assert_int_eq(mib_inet_parse("192.0.2.7:5060", b, &len, &port),
			 MIB_INET_IPV4);
	ck_assert_uint_eq(len, 4);
	ck_assert_int_eq(memcmp(b, "\xc0\x00\x02\x07", 4), 0);
	ck_assert_uint_eq(port, 5060);
	ck_assert_int_eq(mib_inet_parse("[2001:db8::1]:5061", b, &len, &port),
			 MIB_INET_IPV6);
	ck_assert_uint_eq(len, 16);
	ck_assert_uint_eq(b[0], 0x20);
	ck_assert_uint_eq(b[15], 1);
	ck_assert_uint_eq(port, 5061);
	ck_assert_int_eq(mib_inet_parse("pbx.test:5070", b, &len, &port),
			 MIB_INET_DNS);
	ck_assert_uint_eq(len, 8);
	ck_assert_int_eq(memcmp(b, "pbx.test", 8), 0);
	ck_assert_uint_eq(port, 5070);
	ck_assert_int_eq(mib_inet_parse("127.0.0.1", b, &len, &port),
			 MIB_INET_IPV4);
	ck_assert_uint_eq(port, 0);
	ck_assert_int_eq(mib_inet_parse("", b, &len, &port), MIB_INET_UNKNOWN);
	ck_assert_uint_eq(len, 0);
	ck_assert_int_eq(mib_inet_parse("h:99999", b, &len, &port),
			 MIB_INET_UNKNOWN);
	ck_assert_int_eq(mib_inet_parse("[::1:5060", b, &len, &port),
			 MIB_INET_UNKNOWN);
	ck_assert_int_eq(mib_inet_parse(":5060", b, &len, &port),
			 MIB_INET_UNKNOWN);
}
END_TEST

/* gwTrunkGroupStatusTable: a row per trunk group, its counts; the action
 * refuses a trunk group no binding serves (inconsistentValue) and one
 * that does not exist (noCreation), is answered at once and runs from
 * the loop through agent_tg_action(); the trunk group notifications
 * carry the table's columns with the trunk group as index. */
START_TEST(test_trunk_group_status_table)
{
	static const char tgini[] =
		"IsRegisterNeeded = 1\nAuthenticationMode = 0\n"
		"UserName = 'gw'\nRegistrarIP = '127.0.0.1:5999'\n"
		"[ TrunkGroupSettings ]\n"
		"FORMAT TrunkGroupSettings_Index = "
		"TrunkGroupSettings_TrunkGroupId, "
		"TrunkGroupSettings_RegistrationMode;\n"
		"TrunkGroupSettings 0 = 2, 4;\n"
		"[ \\TrunkGroupSettings ]\n"
		"[ TrunkGroup ]\n"
		"FORMAT TrunkGroup_Index = TrunkGroup_TrunkGroupNum, "
		"TrunkGroup_FirstTrunkId, TrunkGroup_FirstBChannel, "
		"TrunkGroup_LastBChannel, TrunkGroup_FirstPhoneNumber, "
		"TrunkGroup_ProfileId, TrunkGroup_LastTrunkId, "
		"TrunkGroup_Module;\n"
		"TrunkGroup 0 = 1, 1, 1, 3, \"100\", 0, 1, 1;\n"
		"TrunkGroup 1 = 2, 2, 1, 2, \"200\", 0, 2, 1;\n"
		"[ \\TrunkGroup ]\n";
	const uint32_t mode1[] = { 1, 2, 6, 1, 2, 1 };
	const uint32_t mode2[] = { 1, 2, 6, 1, 2, 2 };
	const uint32_t ep1[] = { 1, 2, 6, 1, 3, 1 };
	const uint32_t bind2[] = { 1, 2, 6, 1, 4, 2 };
	const uint32_t col2[] = { 1, 2, 6, 1, 2 };
	const uint32_t act1[] = { 1, 2, 6, 1, 9, 1 };
	const uint32_t act2[] = { 1, 2, 6, 1, 9, 2 };
	const uint32_t act5[] = { 1, 2, 6, 1, 9, 5 };
	const uint32_t last1[] = { 1, 2, 6, 1, 10, 1 };
	const uint32_t lastn1[] = { 1, 2, 6, 1, 11, 1 };
	const uint32_t allf1[] = { 1, 2, 6, 1, 8, 1 };
	struct agent_alarm al = { .seq = 7, .id = 1 };
	struct agent_notice n = { .kind = AGENT_N_TG_FAILED, .al = &al };
	struct agent_varbind vb[AGENT_MIB_NOTICE_VBS];
	struct mib_oid o, next, want;
	struct mib_value v;
	size_t bad = 0, k;

	ck_assert_int_eq(agent_config_load_buffer(g.config, tgini,
						  strlen(tgini), "tg.ini",
						  INI_APPLY_FULL, NULL, NULL),
			 0);
	resync();
	get_ok(mode1, 6, &v);
	ck_assert_int_eq(v.num, 0); /* perEndpoint */
	get_ok(mode2, 6, &v);
	ck_assert_int_eq(v.num, 4); /* dontRegister */
	get_ok(ep1, 6, &v);
	ck_assert_int_eq(v.num, 3);
	get_ok(bind2, 6, &v);
	ck_assert_int_eq(v.num, 0);
	get_ok(allf1, 6, &v);
	ck_assert_int_eq(v.num, 2); /* false */
	/* GETNEXT walks the column by trunk group id */
	oid_of(&o, col2, 5);
	ck_assert_int_eq(agent_mib_getnext(&g, &o, &next, &v), 0);
	oid_of(&want, mode1, 6);
	ck_assert_int_eq(oid_cmp(&next, &want), 0);
	ck_assert_int_eq(agent_mib_getnext(&g, &next, &o, &v), 0);
	oid_of(&want, mode2, 6);
	ck_assert_int_eq(oid_cmp(&o, &want), 0);
	ck_assert_int_eq(agent_mib_getnext(&g, &o, &next, &v), 0);
	oid_of(&want, ep1, 6);
	ck_assert_int_eq(oid_cmp(&next, &want), 0);
	/* the action */
	ck_assert_int_eq(set1(act2, 6, MIB_ASN_INTEGER, 1, NULL, &bad),
			 MIB_ERR_INCONSISTENTVALUE);
	ck_assert_int_eq(set1(act5, 6, MIB_ASN_INTEGER, 1, NULL, &bad),
			 MIB_ERR_NOCREATION);
	ck_assert_int_eq(set1(act1, 6, MIB_ASN_INTEGER, 4, NULL, &bad),
			 MIB_ERR_WRONGVALUE);
	ck_assert_int_eq(set1(act1, 6, MIB_ASN_OCTET_STR, 0, "1", &bad),
			 MIB_ERR_WRONGTYPE);
	get_ok(last1, 6, &v);
	ck_assert_int_eq(v.num, 0);
	ck_assert_int_eq(set1(act1, 6, MIB_ASN_INTEGER, 2, NULL, &bad), MIB_OK);
	ck_assert_int_eq(g.tg_last[1].action, 0); /* not yet: the loop */
	agent_event_run_once(g.ev, 0);
	ck_assert_int_eq(g.tg_last[1].action, AGENT_ACTION_UNREGISTER);
	get_ok(last1, 6, &v);
	ck_assert_int_eq(v.num, 2);
	get_ok(lastn1, 6, &v);
	ck_assert_int_eq(v.num, 3);
	get_ok(act1, 6, &v);
	ck_assert_int_eq(v.num, 0);

	/* the notification's varbinds */
	n.severity = 4;
	n.tg_bindings = 60;
	n.tg_failed = 60;
	k = agent_mib_notice_varbinds(&n, vb, AGENT_MIB_NOTICE_VBS);
	ck_assert_uint_eq(k, 9);
	oid_of(&want, bind2, 6);
	want.v[want.len - 1] = 1;
	ck_assert_int_eq(oid_cmp(&vb[7].oid, &want), 0);
	ck_assert_int_eq(vb[7].val.num, 60);
	want.v[want.len - 2] = 6; /* gwTrunkGroupStatusFailed */
	ck_assert_int_eq(oid_cmp(&vb[8].oid, &want), 0);
	n.kind = AGENT_N_TG_RESTORED;
	n.tg_registered = 1;
	k = agent_mib_notice_varbinds(&n, vb, AGENT_MIB_NOTICE_VBS);
	ck_assert_uint_eq(k, 9);
	want.v[want.len - 2] = 5; /* gwTrunkGroupStatusRegistered */
	ck_assert_int_eq(oid_cmp(&vb[8].oid, &want), 0);
	ck_assert_int_eq(vb[8].val.num, 1);
}
END_TEST

static Suite *
mib_suite(void)
{
	Suite *s = suite_create("agent_mib");
	TCase *tc = tcase_create("get");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_get_scalars_and_columns);
	tcase_add_test(tc, test_getnext_walks_everything_in_order);
	tcase_add_test(tc, test_getnext_inside_tables);
	tcase_add_test(tc, test_getnext_edges_every_table_and_group);
	tcase_add_test(tc, test_getnext_edges_exact);
	tcase_add_test(tc, test_subid_and_clamp);
	tcase_add_test(tc, test_tree_from_catalog);
	suite_add_tcase(s, tc);
	tc = tcase_create("set");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_set_error_codes);
	tcase_add_test(tc, test_set_hostile_strings);
	tcase_add_test(tc, test_set_cross_row);
	tcase_add_test(tc, test_set_is_atomic_and_creates_rows);
	tcase_add_test(tc, test_set_ini_line);
	tcase_add_test(tc, test_set_ini_line_one_line_only);
	tcase_add_test(tc, test_set_load_while_loading);
	tcase_add_test(tc, test_ini_uri_password_write_only);
	suite_add_tcase(s, tc);
	tc = tcase_create("bindings");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_unusable_binding);
	tcase_add_test(tc, test_alarm_cause_changes_in_place);
	tcase_add_test(tc, test_counter_discontinuity);
	tcase_add_test(tc, test_alarm_history_and_last_changed);
	tcase_add_test(tc, test_ini_load_alarm);
	tcase_add_test(tc, test_ini_dry_run_raises_nothing);
	tcase_add_test(tc, test_proxy_addr_table);
	tcase_add_test(tc, test_dateandtime_columns_and_pointer);
	tcase_add_test(tc, test_trunk_group_status_table);
	suite_add_tcase(s, tc);
	tc = tcase_create("types");
	tcase_add_test(tc, test_dateandtime);
	tcase_add_test(tc, test_inet_parse);
	tcase_add_test(tc, test_utf8_admin_string);
	suite_add_tcase(s, tc);
	return s;
}

GWTEST_MAIN(mib_suite)
