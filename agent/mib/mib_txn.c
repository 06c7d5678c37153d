/* SPDX-License-Identifier: ISC */
/*
 * SET transactions, atomic across every varbind of a request: RESERVE1
 * checks each varbind alone through the catalog, RESERVE2 stages them all
 * on a copy of the running configuration (rows created first, then
 * columns and scalars, then other objects and row deletions) and checks
 * the copy as a whole; COMMIT swaps the copy in, which cannot fail; FREE
 * and UNDO drop the copy.  Engine work is queued, never done here.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "agent/core/gwagent.h"
#include "agent/core/log.h"
#include "agent/mib/mib_int.h"

struct agent_mib_txn *
agent_mib_txn_begin(struct gwagent *g)
{
	struct agent_mib_txn *t = calloc(1, sizeof(*t));

	if (t != NULL)
		t->g = g;
	return t;
}

void
agent_mib_txn_free(struct agent_mib_txn *t)
{
	if (t == NULL)
		return;
	agent_mib_txn_undo(t); /* applied but neither committed nor undone */
	ini_conf_destroy(t->staged);
	if (t->ops != NULL)
		OPENSSL_cleanse(t->ops, t->cap * sizeof(*t->ops));
	free(t->ops);
	free(t);
}

enum mib_err
mib_txn_push(struct agent_mib_txn *t, const struct mib_node *n,
	     const struct mib_column *c, const long *idx,
	     const struct mib_value *v, enum mib_err err)
{
	struct mib_op *op;

	if (err != MIB_OK)
		return err;
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 8;
		struct mib_op *p = calloc(cap, sizeof(*p));

		if (p == NULL)
			return MIB_ERR_RESOURCEUNAVAILABLE;
		if (t->ops != NULL) {
			memcpy(p, t->ops, t->n * sizeof(*p));
			OPENSSL_cleanse(t->ops, t->cap * sizeof(*t->ops));
			free(t->ops);
		}
		t->ops = p;
		t->cap = cap;
	}
	op = &t->ops[t->n++];
	op->n = n;
	op->c = c;
	if (idx != NULL)
		memcpy(op->idx, idx, sizeof(op->idx));
	op->v = *v;
	return MIB_OK;
}

struct ini_conf *
mib_txn_staged(struct agent_mib_txn *t)
{
	if (t->staged == NULL &&
	    ini_conf_dup(agent_config_conf(t->g->config), &t->staged) < 0)
		t->staged = NULL;
	return t->staged;
}

int
mib_value_text(const struct mib_value *v, char *buf, size_t len)
{
	if (v->type != MIB_ASN_OCTET_STR) {
		snprintf(buf, len, "%lld", v->num);
		return 0;
	}
	if (memchr(v->str, '\0', v->len) != NULL || v->len >= len)
		return -1;
	memcpy(buf, v->str, v->len);
	buf[v->len] = '\0';
	return 0;
}

enum mib_err
mib_err_from_errno(int rc)
{
	switch (rc) {
	case 0:
		return MIB_OK;
	case -E2BIG:
		return MIB_ERR_WRONGLENGTH;
	case -ERANGE:
	case -EINVAL:
		return MIB_ERR_WRONGVALUE;
	case -ENOENT:
		return MIB_ERR_NOCREATION;
	case -EEXIST:
		return MIB_ERR_INCONSISTENTVALUE;
	case -ENOMEM:
		return MIB_ERR_RESOURCEUNAVAILABLE;
	default:
		return MIB_ERR_GENERR;
	}
}

static int
mib_op_is_create(const struct mib_op *op)
{
	return op->c != NULL && op->c->what == MIB_W_ROWSTATUS &&
	       op->v.num == MIB_ROWSTATUS_CREATEANDGO;
}

/* A configuration column or scalar: set it on the staged copy. */
static enum mib_err
mib_op_set_param(struct agent_mib_txn *t, const struct mib_op *op)
{
	struct ini_conf *s = mib_txn_staged(t);
	char text[MIB_MAX_STR + 1], err[128];
	int rc;

	if (s == NULL)
		return MIB_ERR_RESOURCEUNAVAILABLE;
	if (mib_value_text(&op->v, text, sizeof(text)) < 0)
		return MIB_ERR_WRONGVALUE;
	if (op->c == NULL)
		rc = ini_conf_set(s, (enum ini_param_id)op->n->scalar->param,
				  text, err, sizeof(err));
	else if (!ini_conf_row_exists(s, (enum ini_table)op->n->table->itable,
				      op->idx[0]))
		rc = -ENOENT; /* no such row, and no createAndGo for it */
	else
		rc = ini_conf_row_set(s, (enum ini_param_id)op->c->param,
				      op->idx[0], text, err, sizeof(err));
	OPENSSL_cleanse(text, sizeof(text));
	return mib_err_from_errno(rc);
}

static enum mib_err
mib_op_prepare_one(struct agent_mib_txn *t, const struct mib_op *op)
{
	mib_op_prepare *prep = op->c ? op->c->prepare : op->n->scalar->prepare;

	if (prep != NULL)
		return prep(t, op);
	return mib_op_set_param(t, op);
}

static int
mib_op_touches_conf(const struct mib_op *op)
{
	return op->c ? op->c->param >= 0 || op->c->what == MIB_W_ROWSTATUS
		     : op->n->scalar->param >= 0;
}

enum mib_err
agent_mib_txn_prepare(struct agent_mib_txn *t, size_t *bad)
{
	enum mib_err e;
	size_t i, first_conf = t->n;
	int pass;

	/* Pass 0 creates rows so that pass 1 can fill them in any order. */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < t->n; i++) {
			const struct mib_op *op = &t->ops[i];

			if ((pass == 0) != mib_op_is_create(op))
				continue;
			if (mib_op_touches_conf(op) && first_conf == t->n)
				first_conf = i;
			e = mib_op_prepare_one(t, op);
			if (e != MIB_OK) {
				*bad = i;
				return e;
			}
		}
	}
	if (t->staged != NULL && ini_conf_check(t->staged, NULL, NULL) < 0) {
		*bad = first_conf < t->n ? first_conf : 0;
		return MIB_ERR_INCONSISTENTVALUE;
	}
	t->prepared = 1;
	return MIB_OK;
}

enum mib_err
agent_mib_txn_action(struct agent_mib_txn *t)
{
	enum mib_err e;
	char why[300];
	size_t i;
	int rc;

	if (!t->prepared || t->acted)
		return MIB_OK;
	/* Saved now: the manager's answer may leave before COMMIT runs
	 * (AgentX sends CleanupSet after the response), and an answered
	 * SET must survive a crash; one that cannot be saved is refused. */
	if (t->staged != NULL) {
		/* written first, swapped in only once it is on disk */
		struct gwagent_change ch = { .why = "SNMP",
					     .save = 1,
					     .hold = 1 };

		if ((rc = gwagent_commit(t->g, t->staged, &ch, &t->old)) < 0) {
			snprintf(why, sizeof(why), "cannot save %s: %s",
				 agent_config_path(t->g->config),
				 strerror(-rc));
			mib_ini_line_failed(t, why);
			t->prepared = 0;
			return MIB_ERR_COMMITFAILED;
		}
		t->staged = NULL;
	}
	for (i = 0; i < t->n; i++) {
		const struct mib_op *op = &t->ops[i];
		mib_op_action *act = op->c ? NULL : op->n->scalar->action;

		if (act != NULL && (e = act(t, op)) != MIB_OK) {
			agent_mib_txn_undo(t);
			t->prepared = 0;
			return e;
		}
	}
	t->acted = 1;
	return MIB_OK;
}

void
agent_mib_txn_undo(struct agent_mib_txn *t)
{
	if (t->old == NULL)
		return;
	gwagent_commit_undo(t->g, t->old);
	t->old = NULL;
	t->prepared = 0;
}

void
agent_mib_txn_commit(struct agent_mib_txn *t)
{
	size_t i;

	if (!t->prepared || agent_mib_txn_action(t) != MIB_OK)
		return;
	gwagent_commit_done(t->g, t->old, "SNMP");
	t->old = NULL;
	for (i = 0; i < t->n; i++) {
		const struct mib_op *op = &t->ops[i];
		mib_op_commit *commit =
			op->c ? op->c->commit : op->n->scalar->commit;

		if (commit != NULL)
			commit(t, op);
	}
	t->prepared = 0;
}
