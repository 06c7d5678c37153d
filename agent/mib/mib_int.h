/* SPDX-License-Identifier: ISC */
/* Internals of agent/mib*.c: the node descriptors and the transaction. */
#ifndef GWAGENT_MIB_INT_H
#define GWAGENT_MIB_INT_H

#include "agent/mib/mib.h"
#include "ini/ini.h"

enum mib_access { MIB_NOACCESS, MIB_RO, MIB_RW, MIB_RC };

/* Selectors (struct mib_column.what, struct mib_scalar.what). */
#define MIB_W_PARAM	0 /* a catalog parameter */
#define MIB_W_ROWSTATUS 1

/* RowStatus values (RFC 2579). */
#define MIB_ROWSTATUS_ACTIVE	    1
#define MIB_ROWSTATUS_NOTINSERVICE  2
#define MIB_ROWSTATUS_NOTREADY	    3
#define MIB_ROWSTATUS_CREATEANDGO   4
#define MIB_ROWSTATUS_CREATEANDWAIT 5
#define MIB_ROWSTATUS_DESTROY	    6
enum mib_node_kind { MIB_NODE_SCALAR, MIB_NODE_TABLE };

struct agent_mib_txn;
struct mib_op;
struct mib_scalar;
struct mib_column;

typedef int(mib_scalar_get)(struct gwagent *g, const struct mib_scalar *s,
			    struct mib_value *v);
typedef enum mib_err(mib_scalar_check)(struct gwagent *g,
				       const struct mib_scalar *s,
				       const struct mib_value *v);
typedef int(mib_col_get)(struct gwagent *g, const struct mib_column *c,
			 const long *idx, struct mib_value *v);
typedef enum mib_err(mib_col_check)(struct gwagent *g,
				    const struct mib_column *c, const long *idx,
				    const struct mib_value *v);
/* RESERVE2 on the staged configuration, and COMMIT. */
typedef enum mib_err(mib_op_prepare)(struct agent_mib_txn *t,
				     const struct mib_op *op);
typedef void(mib_op_commit)(struct agent_mib_txn *t, const struct mib_op *op);
/* ACTION work that may fail (before the manager gets the answer). */
typedef enum mib_err(mib_op_action)(struct agent_mib_txn *t,
				    const struct mib_op *op);

struct mib_scalar {
	int asn;   /* MIB_ASN_* */
	int param; /* enum ini_param_id, or -1 */
	int what;  /* selector for custom objects */
	mib_scalar_get *get;
	mib_scalar_check *check; /* NULL: read-only */
	mib_op_prepare *prepare; /* NULL: a configuration parameter */
	mib_op_action *action;	 /* NULL: none */
	mib_op_commit *commit;
};

/** The most index components of a table row. */
#define MIB_MAX_IDX 3

struct mib_column {
	uint32_t col;
	int asn;
	enum mib_access access;
	int param; /* enum ini_param_id, or -1 */
	int what;
	mib_col_get *get;
	mib_col_check *check; /* NULL: read-only */
	mib_op_prepare *prepare;
	mib_op_commit *commit;
};

struct mib_table {
	size_t nidx; /* 1 to MIB_MAX_IDX index components */
	/* First row after a[0..nidx): see mib_row_after(). */
	int (*next)(struct gwagent *g, const struct mib_table *t, const long *a,
		    long *idx);
	int (*exists)(struct gwagent *g, const struct mib_table *t,
		      const long *idx);
	const struct mib_column *cols; /* sorted by col */
	size_t ncols;
	int itable; /* enum ini_table, or -1 */
};

struct mib_node {
	uint32_t sub[6]; /* below the root */
	size_t sublen;
	enum mib_node_kind kind;
	const struct mib_scalar *scalar;
	const struct mib_table *table;
};

/* One checked varbind of a SET. */
struct mib_op {
	const struct mib_node *n;
	const struct mib_column *c; /* NULL for a scalar */
	long idx[MIB_MAX_IDX];
	struct mib_value v;
};

struct agent_mib_txn {
	struct gwagent *g;
	struct mib_op *ops;
	size_t n, cap;
	struct ini_conf *staged; /* NULL until a varbind changes it */
	struct ini_conf *old;	 /* the running one, while ACTION is undoable */
	int prepared;
	int acted; /* ACTION ran and succeeded */
};

/* mib_tree.c: the nodes in OID order, *n of them.  The configuration
 * objects come from the catalog's MIB fields (ini_param_mib_arc()), the
 * others from mib_tree.c; the list is built at the first call. */
const struct mib_node *agent_mib_tree(size_t *n);

/* mib_tree.c: the InetAddressType of an "ip:port", "[ipv6]:port" or
 * "host:port" string, its InetAddress in @p buf (at least MIB_MAX_STR
 * octets; @p len of them) and port; unknown(0), empty and 0 when the
 * string is empty or does not parse. */
enum {
	MIB_INET_UNKNOWN = 0,
	MIB_INET_IPV4 = 1,
	MIB_INET_IPV6 = 2,
	MIB_INET_DNS = 16
};
int mib_inet_parse(const char *s, unsigned char *buf, size_t *len,
		   unsigned *port);

/* mib_tree.c, the INI line object */
enum mib_err mib_prepare_ini_line(struct agent_mib_txn *t,
				  const struct mib_op *op);
/* The request's gwIniLine (if any) failed after RESERVE: record @p why. */
void mib_ini_line_failed(struct agent_mib_txn *t, const char *why);

/* mib_txn.c */
enum mib_err mib_txn_push(struct agent_mib_txn *t, const struct mib_node *n,
			  const struct mib_column *c, const long *idx,
			  const struct mib_value *v, enum mib_err err);
/* The staged configuration, created from the running one on first use. */
struct ini_conf *mib_txn_staged(struct agent_mib_txn *t);
/* The value as the catalog's text ("42", "text"); -1 if it holds a NUL. */
int mib_value_text(const struct mib_value *v, char *buf, size_t len);
enum mib_err mib_err_from_errno(int rc);

static inline struct gwagent *
g_of(const struct agent_mib_txn *t)
{
	return t->g;
}

#endif
