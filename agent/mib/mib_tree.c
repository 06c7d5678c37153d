/* SPDX-License-Identifier: ISC */
/*
 * The objects of GWAGENT-MIB (mibs/GWAGENT-MIB.txt) and how each one is
 * read and written.  The configuration objects are not listed here: the
 * parameter catalog (ini/catalog.c) gives each one's OID, syntax and
 * parameter, agent_mib_tree() makes their nodes from it, and their values
 * go through the catalog, so SNMP accepts exactly what an INI file may
 * say.  What is written here is the rest: status, actions, INI loads and
 * alarms.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agent/core/fetch.h"
#include "agent/core/gwagent.h"
#include "agent/core/log.h"
#include "agent/mib/mib_int.h"

#define INT MIB_ASN_INTEGER
#define UNS MIB_ASN_UNSIGNED
#define STR MIB_ASN_OCTET_STR
#define CNT MIB_ASN_COUNTER

/* ---- configuration scalars ------------------------------------------- */

static const struct ini_conf *
mib_conf(struct gwagent *g)
{
	return agent_config_conf(g->config);
}

static int
mib_is_secret(int param)
{
	const struct ini_param *p = ini_param_get((enum ini_param_id)param);

	return p != NULL && ini_param_type(p) == INI_TYPE_PASSWORD;
}

static int
mib_param_get(struct gwagent *g, const struct mib_scalar *s,
	      struct mib_value *v)
{
	const struct ini_conf *c = mib_conf(g);

	if (s->asn != STR)
		mib_set_int(v, s->asn,
			    ini_conf_get_int(c, (enum ini_param_id)s->param));
	else if (mib_is_secret(s->param))
		mib_set_str(v, ""); /* write-only */
	else
		mib_set_str(v,
			    ini_conf_get_str(c, (enum ini_param_id)s->param));
	return 0;
}

/* Type and catalog check of a value for parameter @p param. */
static enum mib_err
mib_param_check_value(int param, int asn, const struct mib_value *v)
{
	char text[MIB_MAX_STR + 1];
	int rc;

	if (v->type != asn)
		return MIB_ERR_WRONGTYPE;
	if (mib_value_text(v, text, sizeof(text)) < 0)
		return MIB_ERR_WRONGVALUE;
	rc = ini_param_check(ini_param_get((enum ini_param_id)param), text,
			     NULL, 0);
	memset(text, 0, sizeof(text));
	return mib_err_from_errno(rc);
}

static enum mib_err
mib_param_check(struct gwagent *g, const struct mib_scalar *s,
		const struct mib_value *v)
{
	(void)g;
	return mib_param_check_value(s->param, s->asn, v);
}

/* ---- configuration tables -------------------------------------------- */

static int
mib_conf_next(struct gwagent *g, const struct mib_table *t, const long *a,
	      long *idx)
{
	return ini_conf_row_next(mib_conf(g), (enum ini_table)t->itable, a[0],
				 idx);
}

static int
mib_conf_exists(struct gwagent *g, const struct mib_table *t, const long *idx)
{
	return ini_conf_row_exists(mib_conf(g), (enum ini_table)t->itable,
				   idx[0]);
}

static int
mib_col_get_param(struct gwagent *g, const struct mib_column *c,
		  const long *idx, struct mib_value *v)
{
	const char *s = "";
	long n = 0;

	if (c->asn != STR) {
		ini_conf_row_get_int(mib_conf(g), (enum ini_param_id)c->param,
				     idx[0], &n);
		mib_set_int(v, c->asn, n);
	} else {
		if (!mib_is_secret(c->param))
			ini_conf_row_get_str(mib_conf(g),
					     (enum ini_param_id)c->param,
					     idx[0], &s);
		mib_set_str(v, s);
	}
	return 0;
}

static enum mib_err
mib_col_check_param(struct gwagent *g, const struct mib_column *c,
		    const long *idx, const struct mib_value *v)
{
	long lo, hi;

	(void)g;
	ini_table_index_range(
		ini_param_table(ini_param_get((enum ini_param_id)c->param)),
		&lo, &hi);
	if (idx[0] < lo || idx[0] > hi)
		return MIB_ERR_NOCREATION;
	return mib_param_check_value(c->param, c->asn, v);
}

static int
mib_col_get_rowstatus(struct gwagent *g, const struct mib_column *c,
		      const long *idx, struct mib_value *v)
{
	(void)g;
	(void)c;
	(void)idx;
	mib_set_int(v, INT, MIB_ROWSTATUS_ACTIVE);
	return 0;
}

static enum mib_err
mib_col_check_rowstatus(struct gwagent *g, const struct mib_column *c,
			const long *idx, const struct mib_value *v)
{
	long lo, hi;
	int exists;

	if (v->type != INT)
		return MIB_ERR_WRONGTYPE;
	ini_table_index_range((enum ini_table)c->param, &lo, &hi);
	if (idx[0] < lo || idx[0] > hi)
		return MIB_ERR_NOCREATION;
	exists = ini_conf_row_exists(mib_conf(g), (enum ini_table)c->param,
				     idx[0]);
	switch (v->num) {
	case MIB_ROWSTATUS_ACTIVE:
		return exists ? MIB_OK : MIB_ERR_INCONSISTENTVALUE;
	case MIB_ROWSTATUS_CREATEANDGO:
		return exists ? MIB_ERR_INCONSISTENTVALUE : MIB_OK;
	case MIB_ROWSTATUS_DESTROY:
		return MIB_OK;
	case MIB_ROWSTATUS_NOTINSERVICE:
	case MIB_ROWSTATUS_CREATEANDWAIT:
		/* Rows are always complete (every column has a default):
		 * this agent does not keep rows out of service. */
		return MIB_ERR_WRONGVALUE;
	default:
		return MIB_ERR_WRONGVALUE;
	}
}

static enum mib_err
mib_prepare_rowstatus(struct agent_mib_txn *t, const struct mib_op *op)
{
	struct ini_conf *s = mib_txn_staged(t);
	enum ini_table tab = (enum ini_table)op->c->param;
	int rc = 0;

	if (s == NULL)
		return MIB_ERR_RESOURCEUNAVAILABLE;
	if (op->v.num == MIB_ROWSTATUS_CREATEANDGO)
		rc = ini_conf_row_create(s, tab, op->idx[0]);
	else if (op->v.num == MIB_ROWSTATUS_DESTROY &&
		 ini_conf_row_exists(s, tab, op->idx[0]))
		rc = ini_conf_row_delete(s, tab, op->idx[0]);
	if (rc == -ERANGE)
		return MIB_ERR_NOCREATION;
	return rc == -EEXIST ? MIB_ERR_INCONSISTENTVALUE
			     : mib_err_from_errno(rc);
}

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ---- registration status --------------------------------------------- */

enum {
	RS_AOR = 3,
	RS_STATE,
	RS_PROXY,
	RS_GRANTED,
	RS_TOREFRESH,
	RS_LASTCODE,
	RS_LASTREASON,
	RS_LASTERROR,
	RS_LASTSUCCESS,
	RS_SENT,
	RS_OK,
	RS_CHALLENGES,
	RS_FAILURES,
	RS_TIMEOUTS,
	RS_TRANSPORT,
	RS_ACTION,
	RS_DISCONTINUITY,
	RS_PXINDEX,
	RS_ADDRTYPE,
	RS_ADDR,
	RS_PORT,
	RS_SUCCESSVALID,
	RS_CONTACT,
	RS_TG, /* gwRegTrunkGroupId .. gwRegPhoneNumber: where it is */
	RS_MODULE,
	RS_TRUNK,
	RS_CHANNEL,
	RS_PHONE,
};

/* The typed form (INET-ADDRESS-MIB) of an address string. */
int
mib_inet_parse(const char *s, unsigned char *buf, size_t *len, unsigned *port)
{
	char host[MIB_MAX_STR];
	const char *colon, *end;
	size_t hl;
	unsigned long p = 0;
	char *pe;

	*len = 0;
	*port = 0;
	if (s[0] == '[') {
		end = strchr(s, ']');
		if (end == NULL)
			return MIB_INET_UNKNOWN;
		hl = (size_t)(end - s - 1);
		colon = end[1] == ':' ? end + 1 : NULL;
		s++;
	} else {
		colon = strrchr(s, ':');
		hl = colon != NULL ? (size_t)(colon - s) : strlen(s);
	}
	if (hl == 0 || hl >= sizeof(host))
		return MIB_INET_UNKNOWN;
	memcpy(host, s, hl);
	host[hl] = '\0';
	if (colon != NULL) {
		p = strtoul(colon + 1, &pe, 10);
		if (pe == colon + 1 || (*pe != '\0' && *pe != '/') || p > 65535)
			return MIB_INET_UNKNOWN;
	}
	*port = (unsigned)p;
	if (inet_pton(AF_INET, host, buf) == 1) {
		*len = 4;
		return MIB_INET_IPV4;
	}
	if (inet_pton(AF_INET6, host, buf) == 1) {
		*len = 16;
		return MIB_INET_IPV6;
	}
	memcpy(buf, host, hl);
	*len = hl;
	return MIB_INET_DNS;
}

/* One of the typed columns (type, address, port) of an address string. */
static void
mib_inet_get(struct mib_value *v, const char *addr, int which)
{
	unsigned char buf[MIB_MAX_STR];
	size_t len;
	unsigned port;
	int type = mib_inet_parse(addr, buf, &len, &port);

	if (which == 0) {
		mib_set_int(v, INT, type);
	} else if (which == 1) {
		mib_set_str(v, "");
		memcpy(v->str, buf, len);
		v->len = len;
	} else {
		mib_set_int(v, UNS, port);
	}
}

/* The gwProxyIpIndex of position @p pos of proxy set @p set, -1 none. */
static long
mib_px_row_at(struct gwagent *g, long set, int pos)
{
	const struct ini_conf *c = mib_conf(g);
	long r = LONG_MIN, s;

	if (set < 0 || pos < 0)
		return -1;
	while (ini_conf_row_next(c, INI_TABLE_PROXYIP, r, &r) == 0)
		if (ini_conf_row_get_int(c, INI_P_PROXYIP_PROXY_SET_ID, r,
					 &s) == 0 &&
		    s == set && pos-- == 0)
			return r;
	return -1;
}

static int
mib_rs_next(struct gwagent *g, const struct mib_table *t, const long *a,
	    long *idx)
{
	long a0 = a[0], a1 = a[1];

	(void)t;
	struct agent_binding *ab;

	if (a0 < 0) {
		a0 = 0;
		a1 = LONG_MIN;
	}
	if (a0 > INT_MAX)
		return -ENOENT; /* after every binding type, not (int) wrapped */
	ab = agent_bindings_next(g->bindings, (int)a0, a1);
	if (ab == NULL)
		return -ENOENT;
	idx[0] = agent_binding_type(ab);
	idx[1] = agent_binding_id(ab);
	return 0;
}

static int
mib_rs_exists(struct gwagent *g, const struct mib_table *t, const long *idx)
{
	(void)t;
	return agent_bindings_find(g->bindings, (int)idx[0], idx[1]) != NULL;
}

static void
mib_rs_counter(struct mib_value *v, uint64_t n)
{
	mib_set_int(v, CNT, (long long)(n & 0xffffffffu));
}

static void
mib_rs_proxy(struct mib_value *v, const struct sipreg_status *st)
{
	mib_set_str(v, st->addr);
}

static int
mib_rs_get(struct gwagent *g, const struct mib_column *c, const long *idx,
	   struct mib_value *v)
{
	struct agent_binding *ab =
		agent_bindings_find(g->bindings, (int)idx[0], idx[1]);
	struct sipreg_status st;

	if (ab == NULL || agent_binding_status(ab, &st) < 0)
		return -ENOENT;
	switch (c->what) {
	case RS_AOR:
		mib_set_str(v, agent_binding_aor(ab));
		break;
	case RS_STATE:
		mib_set_int(v, INT, (long long)st.state + 1);
		break;
	case RS_PROXY:
		mib_rs_proxy(v, &st);
		break;
	case RS_GRANTED:
		mib_set_int(v, UNS, st.granted);
		break;
	case RS_TOREFRESH:
		mib_set_int(v, UNS, st.refresh_in < 0 ? 0 : st.refresh_in);
		break;
	case RS_LASTCODE:
		mib_set_int(v, UNS, st.last_code < 0 ? 0 : st.last_code);
		break;
	case RS_LASTREASON: /* SnmpAdminString */
		agent_mib_set_utf8(v, st.last_reason);
		break;
	case RS_LASTERROR:
		agent_mib_set_utf8(v, st.last_error);
		break;
	case RS_LASTSUCCESS: /* 1970-01-01 when never: see ...Valid */
		mib_set_str(v, "");
		v->len = agent_mib_dateandtime(
			st.last_success_time > 0 ? st.last_success_time : 0,
			v->str);
		break;
	case RS_CONTACT:
		mib_set_str(v, st.contact);
		break;
	case RS_TG:
	case RS_MODULE:
	case RS_TRUNK:
	case RS_CHANNEL:
	case RS_PHONE: {
		struct agent_binding_where w;

		agent_binding_where(ab, &w);
		if (c->what == RS_PHONE)
			mib_set_str(v, w.phone);
		else
			mib_set_int(v, INT,
				    c->what == RS_TG	   ? w.tg
				    : c->what == RS_MODULE ? w.module
				    : c->what == RS_TRUNK  ? w.trunk
							   : w.channel);
		break;
	}
	case RS_SUCCESSVALID: /* TruthValue */
		mib_set_int(v, INT, st.last_success_time > 0 ? 1 : 2);
		break;
	case RS_PXINDEX:
		mib_set_int(v, INT,
			    st.addr[0] == '\0'
				    ? -1
				    : mib_px_row_at(g,
						    agent_binding_proxyset(ab),
						    st.addr_index));
		break;
	case RS_ADDRTYPE:
	case RS_ADDR:
	case RS_PORT:
		mib_inet_get(v, st.addr, c->what - RS_ADDRTYPE);
		break;
	case RS_SENT:
		mib_rs_counter(v, st.counters.sent);
		break;
	case RS_OK:
		mib_rs_counter(v, st.counters.ok);
		break;
	case RS_CHALLENGES:
		mib_rs_counter(v, st.counters.challenged);
		break;
	case RS_FAILURES:
		mib_rs_counter(v, st.counters.failed);
		break;
	case RS_TIMEOUTS:
		mib_rs_counter(v, st.counters.timeouts);
		break;
	case RS_TRANSPORT:
		mib_rs_counter(v, st.counters.transport);
		break;
	case RS_DISCONTINUITY:
		mib_set_int(v, MIB_ASN_TIMETICKS,
			    agent_binding_discontinuity(ab));
		break;
	default: /* RS_ACTION */
		mib_set_int(v, INT, 0);
		break;
	}
	return 0;
}

static enum mib_err
mib_check_action(const struct mib_value *v)
{
	if (v->type != INT)
		return MIB_ERR_WRONGTYPE;
	if (v->num < AGENT_ACTION_REGISTER || v->num > AGENT_ACTION_REFRESH)
		return MIB_ERR_WRONGVALUE;
	return MIB_OK;
}

/* Register and refresh need a binding its configuration lets run: one
 * that cannot is inconsistentValue, its reason in gwRegLastError.
 * Unregister is accepted (nothing is registered: a no-op). */
static enum mib_err
mib_rs_check_action(struct gwagent *g, const struct mib_column *c,
		    const long *idx, const struct mib_value *v)
{
	struct agent_binding *ab =
		agent_bindings_find(g->bindings, (int)idx[0], idx[1]);
	enum mib_err e;

	(void)c;
	if (ab == NULL)
		return MIB_ERR_NOCREATION;
	if ((e = mib_check_action(v)) != MIB_OK)
		return e;
	if (v->num != AGENT_ACTION_UNREGISTER && !agent_binding_usable(ab))
		return MIB_ERR_INCONSISTENTVALUE;
	return MIB_OK;
}

static enum mib_err
mib_rs_prepare_action(struct agent_mib_txn *t, const struct mib_op *op)
{
	(void)t;
	(void)op;
	return MIB_OK; /* nothing to stage: the action runs after commit */
}

static void
mib_rs_commit_action(struct agent_mib_txn *t, const struct mib_op *op)
{
	gwagent_queue_action(t->g, (int)op->idx[0], op->idx[1], (int)op->v.num);
}

#define RSC(col_, asn_)                                                  \
	{                                                                \
		.col = col_, .asn = asn_, .access = MIB_RO, .param = -1, \
		.what = col_, .get = mib_rs_get                          \
	}

static const struct mib_column mib_rs_cols[] = {
	RSC(RS_AOR, STR),
	RSC(RS_STATE, INT),
	RSC(RS_PROXY, STR),
	RSC(RS_GRANTED, UNS),
	RSC(RS_TOREFRESH, UNS),
	RSC(RS_LASTCODE, UNS),
	RSC(RS_LASTREASON, STR),
	RSC(RS_LASTERROR, STR),
	RSC(RS_LASTSUCCESS, STR),
	RSC(RS_SENT, CNT),
	RSC(RS_OK, CNT),
	RSC(RS_CHALLENGES, CNT),
	RSC(RS_FAILURES, CNT),
	RSC(RS_TIMEOUTS, CNT),
	RSC(RS_TRANSPORT, CNT),
	{ .col = RS_ACTION,
	  .asn = INT,
	  .access = MIB_RW,
	  .param = -1,
	  .what = RS_ACTION,
	  .get = mib_rs_get,
	  .check = mib_rs_check_action,
	  .prepare = mib_rs_prepare_action,
	  .commit = mib_rs_commit_action },
	RSC(RS_DISCONTINUITY, MIB_ASN_TIMETICKS),
	RSC(RS_PXINDEX, INT),
	RSC(RS_ADDRTYPE, INT),
	RSC(RS_ADDR, STR),
	RSC(RS_PORT, UNS),
	RSC(RS_SUCCESSVALID, INT),
	RSC(RS_CONTACT, STR),
	RSC(RS_TG, INT),
	RSC(RS_MODULE, INT),
	RSC(RS_TRUNK, INT),
	RSC(RS_CHANNEL, INT),
	RSC(RS_PHONE, STR),
};

static const struct mib_table mib_rs = {
	.nidx = 2,
	.next = mib_rs_next,
	.exists = mib_rs_exists,
	.cols = mib_rs_cols,
	.ncols = NELEM(mib_rs_cols),
	.itable = -1,
};

/* ---- proxy address status ----------------------------------------------- */

static int
mib_px_next(struct gwagent *g, const struct mib_table *t, const long *a,
	    long *idx)
{
	(void)t;
	return ini_conf_row_next(mib_conf(g), INI_TABLE_PROXYIP, a[0], idx);
}

static int
mib_px_exists(struct gwagent *g, const struct mib_table *t, const long *idx)
{
	(void)t;
	return ini_conf_row_exists(mib_conf(g), INI_TABLE_PROXYIP, idx[0]);
}

/* Where ProxyIp row idx sits in its set (0 = primary), and the set. */
static int
mib_px_position(struct gwagent *g, long idx, long *set)
{
	const struct ini_conf *c = mib_conf(g);
	long r = LONG_MIN, s;
	int pos = 0;

	if (ini_conf_row_get_int(c, INI_P_PROXYIP_PROXY_SET_ID, idx, set) < 0)
		return -1;
	while (ini_conf_row_next(c, INI_TABLE_PROXYIP, r, &r) == 0 && r < idx)
		if (ini_conf_row_get_int(c, INI_P_PROXYIP_PROXY_SET_ID, r,
					 &s) == 0 &&
		    s == *set)
			pos++;
	return pos;
}

/* What the bindings on the set know of the address: the freshest view. */
static int
mib_px_status(struct gwagent *g, long set, int pos,
	      struct sipreg_addr_status *out, int *inuse)
{
	struct sipreg_addr_status as;
	struct sipreg_status st;
	size_t i, n = agent_bindings_count(g->bindings);
	int found = 0;

	*inuse = 0;
	memset(out, 0, sizeof(*out));
	for (i = 0; i < n; i++) {
		struct agent_binding *ab = agent_bindings_at(g->bindings, i);

		if (agent_binding_proxyset(ab) != set ||
		    agent_binding_addr_status(ab, (size_t)pos, &as) < 0)
			continue;
		if (!found || as.last_ms > out->last_ms)
			*out = as;
		found = 1;
		if (agent_binding_status(ab, &st) == 0 &&
		    st.addr_index == pos &&
		    (st.state == SIPREG_REGISTERED ||
		     st.state == SIPREG_REFRESHING))
			*inuse = 1;
		if (*inuse && out->last_ms > 0 && n > 64)
			break; /* good enough for a big table */
	}
	return found;
}

static int
mib_px_get(struct gwagent *g, const struct mib_column *c, const long *idx,
	   struct mib_value *v)
{
	struct sipreg_addr_status as;
	long set = -1;
	int pos = mib_px_position(g, idx[0], &set), inuse = 0, known;
	int64_t ago;

	if (pos < 0)
		return -ENOENT;
	known = mib_px_status(g, set, pos, &as, &inuse);
	switch (c->col) {
	case 2:
		mib_set_int(v, UNS, set);
		break;
	case 3:
		mib_set_str(v, known ? as.addr : "");
		break;
	case 4:
		mib_set_int(v, INT,
			    !known || as.last_ms == 0 ? 0
			    : as.online		      ? 1
						      : 2);
		break;
	case 5:
		mib_set_int(v, INT, inuse);
		break;
	case 6: /* 1970-01-01 when none: gwProxyStatusOnline unknown */
		mib_set_str(v, "");
		ago = -1;
		if (known && as.last_ms > 0)
			ago = (int64_t)(agent_event_now(g->ev) - as.last_ms) /
			      1000;
		v->len = agent_mib_dateandtime(
			ago >= 0 ? (int64_t)time(NULL) - ago : 0, v->str);
		break;
	case 9:
	case 10:
	case 11:
		mib_inet_get(v, known ? as.addr : "", c->col - 9);
		break;
	case 8:
		mib_set_int(v, UNS, known ? as.candidates : 0);
		break;
	default:
		mib_set_int(v, UNS,
			    known && as.last_code > 0 ? as.last_code : 0);
		break;
	}
	return 0;
}

#define PXC(col_, asn_)                                                  \
	{                                                                \
		.col = col_, .asn = asn_, .access = MIB_RO, .param = -1, \
		.get = mib_px_get                                        \
	}

static const struct mib_column mib_px_cols[] = {
	PXC(2, UNS), PXC(3, STR), PXC(4, INT), PXC(5, INT),  PXC(6, STR),
	PXC(7, UNS), PXC(8, UNS), PXC(9, INT), PXC(10, STR), PXC(11, UNS),
};

static const struct mib_table mib_px = {
	.nidx = 1,
	.next = mib_px_next,
	.exists = mib_px_exists,
	.cols = mib_px_cols,
	.ncols = NELEM(mib_px_cols),
	.itable = -1,
};

/* ---- every resolved address of a proxy address ------------------------- */

#define PA_MAX 15 /* gwProxyAddrNumber (1..15) */

/* A binding on ProxyIp row's set that has the address (its candidates
 * are the set's: one name, one shared answer), and its position. */
static struct agent_binding *
mib_pa_binding(struct gwagent *g, long row, long *set, int *pos)
{
	size_t i, n = agent_bindings_count(g->bindings);
	struct sipreg_cand_status cs;

	if ((*pos = mib_px_position(g, row, set)) < 0)
		return NULL;
	for (i = 0; i < n; i++) {
		struct agent_binding *ab = agent_bindings_at(g->bindings, i);

		if (agent_binding_proxyset(ab) == *set &&
		    agent_binding_cand_status(ab, (size_t)*pos, 0, &cs) == 0)
			return ab;
	}
	return NULL;
}

/* How many rows ProxyIp row has. */
static long
mib_pa_count(struct gwagent *g, long row)
{
	struct agent_binding *ab;
	struct sipreg_cand_status cs;
	long set, n = 0;
	int pos;

	if ((ab = mib_pa_binding(g, row, &set, &pos)) == NULL)
		return 0;
	while (n < PA_MAX &&
	       agent_binding_cand_status(ab, (size_t)pos, (size_t)n, &cs) == 0)
		n++;
	return n;
}

static int
mib_pa_next(struct gwagent *g, const struct mib_table *t, const long *a,
	    long *idx)
{
	long r = a[0];

	(void)t;
	if (r != LONG_MIN &&
	    ini_conf_row_exists(mib_conf(g), INI_TABLE_PROXYIP, r) &&
	    a[1] < mib_pa_count(g, r)) {
		idx[0] = r;
		idx[1] = a[1] < 1 ? 1 : a[1] + 1;
		return 0;
	}
	while (ini_conf_row_next(mib_conf(g), INI_TABLE_PROXYIP, r, &r) == 0)
		if (mib_pa_count(g, r) > 0) {
			idx[0] = r;
			idx[1] = 1;
			return 0;
		}
	return -ENOENT;
}

static int
mib_pa_exists(struct gwagent *g, const struct mib_table *t, const long *idx)
{
	(void)t;
	return ini_conf_row_exists(mib_conf(g), INI_TABLE_PROXYIP, idx[0]) &&
	       idx[1] >= 1 && idx[1] <= mib_pa_count(g, idx[0]);
}

static int
mib_pa_get(struct gwagent *g, const struct mib_column *c, const long *idx,
	   struct mib_value *v)
{
	struct sipreg_cand_status cs;
	struct agent_binding *ab;
	long set = -1;
	int pos = -1;
	int64_t ago;

	if (idx[1] < 1 || idx[1] > PA_MAX ||
	    (ab = mib_pa_binding(g, idx[0], &set, &pos)) == NULL ||
	    agent_binding_cand_status(ab, (size_t)pos, (size_t)idx[1] - 1,
				      &cs) < 0)
		return -ENOENT;
	switch (c->col) {
	case 2:
		mib_set_int(v, UNS, set);
		break;
	case 3:
		mib_set_str(v, cs.addr);
		break;
	case 4:
		mib_set_str(v, cs.name);
		break;
	case 5:
		mib_set_int(v, INT, (long long)cs.rr + 1);
		break;
	case 6:
		mib_set_int(v, UNS, cs.priority);
		break;
	case 7:
		mib_set_int(v, UNS, cs.weight);
		break;
	case 8:
		mib_set_int(v, UNS, cs.port);
		break;
	case 9:
		mib_set_int(v, INT,
			    cs.ttl_left > INT32_MAX ? INT32_MAX : cs.ttl_left);
		break;
	case 10:
		mib_set_int(v, INT, cs.online < 0 ? 0 : cs.online ? 1 : 2);
		break;
	case 11: /* 1970-01-01 when none: gwProxyAddrOnline unknown */
		mib_set_str(v, "");
		ago = -1;
		if (cs.last_ms > 0)
			ago = (int64_t)(agent_event_now(g->ev) - cs.last_ms) /
			      1000;
		v->len = agent_mib_dateandtime(
			ago >= 0 ? (int64_t)time(NULL) - ago : 0, v->str);
		break;
	case 12:
		mib_set_int(v, UNS, cs.last_code > 0 ? cs.last_code : 0);
		break;
	default:
		mib_set_int(v, INT, cs.users > 0); /* the engine's count */
		break;
	}
	return 0;
}

#define PAC(col_, asn_)                                                  \
	{                                                                \
		.col = col_, .asn = asn_, .access = MIB_RO, .param = -1, \
		.get = mib_pa_get                                        \
	}

static const struct mib_column mib_pa_cols[] = {
	PAC(2, UNS),  PAC(3, STR),  PAC(4, STR),  PAC(5, INT),
	PAC(6, UNS),  PAC(7, UNS),  PAC(8, UNS),  PAC(9, INT),
	PAC(10, INT), PAC(11, STR), PAC(12, UNS), PAC(13, INT),
};

static const struct mib_table mib_pa = {
	.nidx = 2,
	.next = mib_pa_next,
	.exists = mib_pa_exists,
	.cols = mib_pa_cols,
	.ncols = NELEM(mib_pa_cols),
	.itable = -1,
};

/* ---- registration flight recorder --------------------------------------- */

static uint32_t
mib_rh_after(long seq)
{
	return seq < 0			 ? 0
	       : seq >= (long)UINT32_MAX ? UINT32_MAX
					 : (uint32_t)seq;
}

/* Rows (type, id, seq): the bindings in order, each its exchanges. */
static int
mib_rh_next(struct gwagent *g, const struct mib_table *t, const long *a,
	    long *idx)
{
	struct agent_binding *ab = NULL;
	struct agent_rec_entry e;
	long type = a[0], id = a[1];
	uint32_t after = mib_rh_after(a[2]);

	(void)t;
	if (type < 0) {
		type = 0;
		id = LONG_MIN;
	}
	if (type > INT_MAX)
		return -ENOENT;
	if (id != LONG_MIN)
		ab = agent_bindings_find(g->bindings, (int)type, id);
	while (ab == NULL ||
	       agent_rec_next(agent_binding_history(ab), after, &e) < 0) {
		ab = agent_bindings_next(g->bindings, (int)type, id);
		if (ab == NULL)
			return -ENOENT;
		type = agent_binding_type(ab);
		id = agent_binding_id(ab);
		after = 0;
	}
	idx[0] = type;
	idx[1] = id;
	idx[2] = (long)e.seq;
	return 0;
}

static int
mib_rh_entry(struct gwagent *g, const long *idx, struct agent_binding **abp,
	     struct agent_rec_entry *e)
{
	struct agent_binding *ab =
		agent_bindings_find(g->bindings, (int)idx[0], idx[1]);

	if (ab == NULL || idx[2] < 1 ||
	    agent_rec_next(agent_binding_history(ab), mib_rh_after(idx[2] - 1),
			   e) < 0 ||
	    (long)e->seq != idx[2])
		return -ENOENT;
	*abp = ab;
	return 0;
}

static int
mib_rh_exists(struct gwagent *g, const struct mib_table *t, const long *idx)
{
	struct agent_binding *ab;
	struct agent_rec_entry e;

	(void)t;
	return mib_rh_entry(g, idx, &ab, &e) == 0;
}

static int
mib_rh_get(struct gwagent *g, const struct mib_column *c, const long *idx,
	   struct mib_value *v)
{
	struct agent_binding *ab;
	struct agent_rec_entry e;
	struct sipreg_addr_status as;

	if (mib_rh_entry(g, idx, &ab, &e) < 0)
		return -ENOENT;
	switch (c->col) {
	case 2:
		mib_set_str(v, "");
		v->len = agent_mib_dateandtime((int64_t)e.when, v->str);
		break;
	case 3:
		mib_set_int(v, INT, e.kind);
		break;
	case 4:
		mib_set_int(v, INT, e.outcome);
		break;
	case 5:
		mib_set_int(v, UNS, e.code);
		break;
	case 6:
		mib_set_int(v, UNS, e.ms);
		break;
	case 7:
		mib_set_int(v, UNS, e.challenges);
		break;
	default:
		mib_set_str(v, e.addr != 255 && agent_binding_addr_status(
							ab, e.addr, &as) == 0
				       ? as.addr
				       : "");
		break;
	}
	return 0;
}

#define RHC(col_, asn_)                                                  \
	{                                                                \
		.col = col_, .asn = asn_, .access = MIB_RO, .param = -1, \
		.get = mib_rh_get                                        \
	}

static const struct mib_column mib_rh_cols[] = {
	RHC(2, STR), RHC(3, INT), RHC(4, INT), RHC(5, UNS),
	RHC(6, UNS), RHC(7, UNS), RHC(8, STR),
};

static const struct mib_table mib_rh = {
	.nidx = 3,
	.next = mib_rh_next,
	.exists = mib_rh_exists,
	.cols = mib_rh_cols,
	.ncols = NELEM(mib_rh_cols),
	.itable = -1,
};

/* ---- trunk group status ------------------------------------------------- */

static int
mib_tg_next(struct gwagent *g, const struct mib_table *t, const long *a,
	    long *idx)
{
	(void)t;
	return agent_tg_next(g, a[0], idx);
}

static int
mib_tg_exists(struct gwagent *g, const struct mib_table *t, const long *idx)
{
	struct agent_tg_status st;

	(void)t;
	return agent_tg_get(g, idx[0], &st) == 0;
}

static int
mib_tg_get(struct gwagent *g, const struct mib_column *c, const long *idx,
	   struct mib_value *v)
{
	struct agent_tg_status st;

	if (agent_tg_get(g, idx[0], &st) < 0)
		return -ENOENT;
	switch (c->col) {
	case 2:
		mib_set_int(v, INT, st.mode);
		break;
	case 3:
		mib_set_int(v, UNS, st.endpoints);
		break;
	case 4:
		mib_set_int(v, UNS, st.bindings);
		break;
	case 5:
		mib_set_int(v, UNS, st.registered);
		break;
	case 6:
		mib_set_int(v, UNS, st.failed);
		break;
	case 7:
		mib_set_int(v, UNS, st.oos);
		break;
	case 8: /* TruthValue */
		mib_set_int(v, INT, st.alarm ? 1 : 2);
		break;
	case 9: /* the action reads none */
		mib_set_int(v, INT, 0);
		break;
	case 10:
		mib_set_int(v, INT, st.last.action);
		break;
	case 11:
		mib_set_int(v, UNS, st.last.n);
		break;
	default: /* 1970-01-01 when none */
		mib_set_str(v, "");
		v->len = agent_mib_dateandtime(st.last.when, v->str);
		break;
	}
	return 0;
}

/* The Register / Un-Register button: a trunk group no binding serves
 * has nothing to act on (inconsistentValue). */
static enum mib_err
mib_tg_check_action(struct gwagent *g, const struct mib_column *c,
		    const long *idx, const struct mib_value *v)
{
	struct agent_tg_status st;
	enum mib_err e;

	(void)c;
	if (agent_tg_get(g, idx[0], &st) < 0)
		return MIB_ERR_NOCREATION;
	if ((e = mib_check_action(v)) != MIB_OK)
		return e;
	if (st.bindings == 0)
		return MIB_ERR_INCONSISTENTVALUE;
	return MIB_OK;
}

static void
mib_tg_commit_action(struct agent_mib_txn *t, const struct mib_op *op)
{
	gwagent_queue_action(t->g, AGENT_ACTION_TG, op->idx[0], (int)op->v.num);
}

#define TGC(col_, asn_)                                                  \
	{                                                                \
		.col = col_, .asn = asn_, .access = MIB_RO, .param = -1, \
		.get = mib_tg_get                                        \
	}

static const struct mib_column mib_tg_cols[] = {
	TGC(2, INT),
	TGC(3, UNS),
	TGC(4, UNS),
	TGC(5, UNS),
	TGC(6, UNS),
	TGC(7, UNS),
	TGC(8, INT),
	{ .col = 9,
	  .asn = INT,
	  .access = MIB_RW,
	  .param = -1,
	  .get = mib_tg_get,
	  .check = mib_tg_check_action,
	  .prepare = mib_rs_prepare_action,
	  .commit = mib_tg_commit_action },
	TGC(10, INT),
	TGC(11, UNS),
	TGC(12, STR),
};

static const struct mib_table mib_tg = {
	.nidx = 1,
	.next = mib_tg_next,
	.exists = mib_tg_exists,
	.cols = mib_tg_cols,
	.ncols = NELEM(mib_tg_cols),
	.itable = -1,
};

/* ---- active alarms ------------------------------------------------------ */

static int
mib_al_next(struct gwagent *g, const struct mib_table *t, const long *a,
	    long *idx)
{
	const struct agent_alarm *al = agent_alarms_next(g->alarms, a[0]);

	(void)t;
	if (al == NULL)
		return -ENOENT;
	idx[0] = (long)al->seq;
	return 0;
}

static int
mib_al_exists(struct gwagent *g, const struct mib_table *t, const long *idx)
{
	(void)t;
	return agent_alarms_find(g->alarms, idx[0]) != NULL;
}

static void
mib_alarm_col(const struct agent_alarm *al, int col, struct mib_value *v)
{
	switch (col) {
	case 2:
		mib_set_str(v, al->name);
		break;
	case 3: /* SnmpAdminString */
		agent_mib_set_utf8(v, al->text);
		break;
	case 4:
		agent_mib_set_utf8(v, al->source);
		break;
	case 5:
		mib_set_int(v, INT, al->severity);
		break;
	case 6:
		mib_set_int(v, INT, al->event_type);
		break;
	case 7:
		mib_set_int(v, INT, al->cause);
		break;
	case 9: /* history: cleared */
		mib_set_str(v, "");
		v->len = agent_mib_dateandtime(al->cleared, v->str);
		break;
	default:
		mib_set_str(v, "");
		v->len = agent_mib_dateandtime(al->when, v->str);
		break;
	}
}

static int
mib_al_get(struct gwagent *g, const struct mib_column *c, const long *idx,
	   struct mib_value *v)
{
	const struct agent_alarm *al = agent_alarms_find(g->alarms, idx[0]);

	if (al == NULL)
		return -ENOENT;
	mib_alarm_col(al, c->col, v);
	return 0;
}

#define ALC(col_, asn_)                                                  \
	{                                                                \
		.col = col_, .asn = asn_, .access = MIB_RO, .param = -1, \
		.get = mib_al_get                                        \
	}

static const struct mib_column mib_al_cols[] = {
	ALC(2, STR), ALC(3, STR), ALC(4, STR), ALC(5, INT),
	ALC(6, INT), ALC(7, INT), ALC(8, STR),
};

static const struct mib_table mib_al = {
	.nidx = 1,
	.next = mib_al_next,
	.exists = mib_al_exists,
	.cols = mib_al_cols,
	.ncols = NELEM(mib_al_cols),
	.itable = -1,
};

/* ---- alarm history ------------------------------------------------------ */

static int
mib_ah_next(struct gwagent *g, const struct mib_table *t, const long *a,
	    long *idx)
{
	const struct agent_alarm *al =
		agent_alarms_history_next(g->alarms, a[0]);

	(void)t;
	if (al == NULL)
		return -ENOENT;
	idx[0] = (long)al->seq;
	return 0;
}

static int
mib_ah_exists(struct gwagent *g, const struct mib_table *t, const long *idx)
{
	(void)t;
	return agent_alarms_history_find(g->alarms, idx[0]) != NULL;
}

static int
mib_ah_get(struct gwagent *g, const struct mib_column *c, const long *idx,
	   struct mib_value *v)
{
	const struct agent_alarm *al =
		agent_alarms_history_find(g->alarms, idx[0]);

	if (al == NULL)
		return -ENOENT;
	mib_alarm_col(al, c->col, v);
	return 0;
}

#define AHC(col_, asn_)                                                  \
	{                                                                \
		.col = col_, .asn = asn_, .access = MIB_RO, .param = -1, \
		.get = mib_ah_get                                        \
	}

static const struct mib_column mib_ah_cols[] = {
	AHC(2, STR), AHC(3, STR), AHC(4, STR), AHC(5, INT),
	AHC(6, INT), AHC(7, INT), AHC(8, STR), AHC(9, STR),
};

static const struct mib_table mib_ah = {
	.nidx = 1,
	.next = mib_ah_next,
	.exists = mib_ah_exists,
	.cols = mib_ah_cols,
	.ncols = NELEM(mib_ah_cols),
	.itable = -1,
};

/* ---- one INI line (gwIniLine) ----------------------------------------- */

/* The result of a gwIniLine SET, apart from the loads' objects. */
static void
mib_ini_line_record(struct gwagent *g, int status, const char *text)
{
	g->ini.line_status = status;
	g->ini.line_when = (int64_t)time(NULL);
	snprintf(g->ini.line_diags, sizeof(g->ini.line_diags), "%s", text);
}

/* "gwIniLine: error: ..." lines: the line numbers of the wrapped
 * document a row becomes would only confuse. */
static void
mib_ini_line_diags(const struct ini_diags *d, char *buf, size_t len)
{
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; i < ini_diags_count(d) && used + 1 < len; i++) {
		const struct ini_diag *dg = ini_diags_get(d, i);
		int n = snprintf(buf + used, len - used, "%sgwIniLine: %s: %s",
				 i ? "\n" : "",
				 ini_diag_severity(dg) == INI_SEV_ERROR
					 ? "error"
					 : "warning",
				 ini_diag_message(dg));

		if (n < 0)
			break;
		used += (size_t)n < len - used ? (size_t)n : len - used - 1;
	}
}

enum mib_err
mib_prepare_ini_line(struct agent_mib_txn *t, const struct mib_op *op)
{
	struct ini_conf *s = mib_txn_staged(t), *next = NULL;
	struct ini_diags *d = NULL;
	struct ini_doc *doc = NULL;
	char err[200], text[256];
	const char *record;
	size_t reclen;
	int rc;

	if (s == NULL || ini_diags_create(&d) < 0)
		return MIB_ERR_RESOURCEUNAVAILABLE;
	record = agent_config_doc(t->g->config, &reclen);
	rc = agent_iniline_parse_in((const char *)op->v.str, op->v.len, record,
				    reclen, &doc, err, sizeof(err));
	if (rc == -EINVAL) {
		snprintf(text, sizeof(text), "gwIniLine: error: %s", err);
		log_warnx("ini", "%s", text);
		mib_ini_line_record(t->g, 3, text);
		ini_diags_destroy(d);
		return MIB_ERR_WRONGVALUE;
	}
	if (rc == 0)
		rc = ini_conf_apply(s, doc, INI_APPLY_INCREMENTAL, &next, NULL,
				    d);
	ini_doc_destroy(doc);
	/* The diagnostics say why, whether or not the SET goes through. */
	mib_ini_line_diags(d, text, sizeof(text));
	agent_config_log_diags(d);
	ini_diags_destroy(d);
	if (rc < 0) {
		mib_ini_line_record(t->g, 3,
				    rc == -ENOMEM ? "out of memory" : text);
		return rc == -ENOMEM ? MIB_ERR_RESOURCEUNAVAILABLE
				     : MIB_ERR_WRONGVALUE;
	}
	snprintf(t->g->ini.line_pending, sizeof(t->g->ini.line_pending), "%s",
		 text[0] ? text : "applied");
	ini_conf_destroy(t->staged);
	t->staged = next;
	return MIB_OK;
}

/* ---- device-wide actions and counts ----------------------------------- */

enum {
	W_ALLACTION = 10,
	W_COUNT,
	W_REGISTERED,
	W_INI_URI,
	W_INI_MODE,
	W_INI_ACTION,
	W_INI_LINE,
	W_INI_STATUS,
	W_INI_DIAGS,
	W_INI_TIME,
	W_TRAP_RATE,
	W_ALARM_CHANGED,
	W_INI_LINE_STATUS,
	W_INI_LINE_DIAGS,
	W_INI_LINE_TIME
};

static int
mib_misc_get(struct gwagent *g, const struct mib_scalar *s, struct mib_value *v)
{
	char uri[sizeof(g->ini.uri)];

	switch (s->what) {
	case W_COUNT:
		mib_set_int(v, UNS,
			    (long long)agent_bindings_count(g->bindings));
		break;
	case W_REGISTERED:
		mib_set_int(v, UNS,
			    (long long)agent_bindings_registered(g->bindings));
		break;
	case W_INI_URI: /* the password of the userinfo is write-only */
		agent_uri_redact(g->ini.uri, uri, sizeof(uri));
		mib_set_str(v, uri);
		break;
	case W_INI_MODE:
		mib_set_int(v, INT, g->ini.mode);
		break;
	case W_INI_STATUS:
		mib_set_int(v, INT, g->ini.status);
		break;
	case W_INI_DIAGS:
		mib_set_str(v, g->ini.diags);
		break;
	case W_INI_TIME: /* 1970-01-01 until an action ends */
		mib_set_str(v, "");
		v->len = agent_mib_dateandtime(
			g->ini.when > 0 ? g->ini.when : 0, v->str);
		break;
	case W_TRAP_RATE:
		mib_set_int(v, UNS, g->trap_rate);
		break;
	case W_ALARM_CHANGED:
		mib_set_int(v, MIB_ASN_TIMETICKS,
			    agent_alarms_last_changed(g->alarms));
		break;
	case W_INI_LINE_STATUS:
		mib_set_int(v, INT, g->ini.line_status);
		break;
	case W_INI_LINE_DIAGS:
		mib_set_str(v, g->ini.line_diags);
		break;
	case W_INI_LINE_TIME: /* 1970-01-01 until a line is decided */
		mib_set_str(v, "");
		v->len = agent_mib_dateandtime(
			g->ini.line_when > 0 ? g->ini.line_when : 0, v->str);
		break;
	default: /* actions and the INI line read as none / "" */
		if (s->asn == STR)
			mib_set_str(v, "");
		else
			mib_set_int(v, s->asn, 0);
		break;
	}
	return 0;
}

static enum mib_err
mib_misc_check(struct gwagent *g, const struct mib_scalar *s,
	       const struct mib_value *v)
{
	(void)g;
	if (v->type != s->asn)
		return MIB_ERR_WRONGTYPE;
	switch (s->what) {
	case W_ALLACTION:
		return mib_check_action(v);
	case W_INI_URI:
	case W_INI_LINE:
		if (v->len > 255)
			return MIB_ERR_WRONGLENGTH;
		return memchr(v->str, '\0', v->len) ? MIB_ERR_WRONGVALUE
						    : MIB_OK;
	case W_INI_MODE:
		return v->num >= 1 && v->num <= 3 ? MIB_OK : MIB_ERR_WRONGVALUE;
	case W_INI_ACTION:
		return v->num == 1 || v->num == 2 ? MIB_OK : MIB_ERR_WRONGVALUE;
	case W_TRAP_RATE:
		return v->num >= 0 && v->num <= AGENT_TRAP_RATE_MAX
			       ? MIB_OK
			       : MIB_ERR_WRONGVALUE;
	default:
		return MIB_ERR_NOTWRITABLE;
	}
}

/* The URI a load in this request would use: set here, or earlier. */
static int
mib_txn_has_uri(struct agent_mib_txn *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->ops[i].c == NULL &&
		    t->ops[i].n->scalar->what == W_INI_URI)
			return t->ops[i].v.len > 0;
	return t->g->ini.uri[0] != '\0';
}

static void
mib_ini_load_refused(struct gwagent *g)
{
	char when[32];
	struct tm tm;
	time_t t = (time_t)g->ini.started;

	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	log_warnx("ini", "load refused: a load from %s is running since %s",
		  g->ini.running, when);
}

static enum mib_err
mib_misc_prepare(struct agent_mib_txn *t, const struct mib_op *op)
{
	switch (op->n->scalar->what) {
	case W_INI_ACTION:
		if (op->v.num == 1 && !mib_txn_has_uri(t))
			return MIB_ERR_INCONSISTENTVALUE;
		if (op->v.num == 1 &&
		    (t->g->ini.status == 1 || agent_fetch_busy(t->g->fetch))) {
			/* One at a time; the running load's status and
			 * diagnostics stay as they are. */
			mib_ini_load_refused(t->g);
			return MIB_ERR_INCONSISTENTVALUE;
		}
		return MIB_OK;
	case W_INI_LINE:
		return mib_prepare_ini_line(t, op);
	default:
		return MIB_OK;
	}
}

void
mib_ini_line_failed(struct agent_mib_txn *t, const char *why)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->ops[i].c == NULL &&
		    t->ops[i].n->scalar->prepare == mib_misc_prepare &&
		    t->ops[i].n->scalar->what == W_INI_LINE)
			mib_ini_line_record(t->g, 3, why);
}

static void
mib_misc_commit(struct agent_mib_txn *t, const struct mib_op *op)
{
	struct gwagent *g = t->g;

	switch (op->n->scalar->what) {
	case W_ALLACTION:
		gwagent_queue_action(g, 0, -1, (int)op->v.num);
		break;
	case W_INI_URI:
		explicit_bzero(g->ini.uri, sizeof(g->ini.uri));
		memcpy(g->ini.uri, op->v.str, op->v.len);
		g->ini.uri[op->v.len] = '\0';
		break;
	case W_INI_MODE:
		g->ini.mode = (int)op->v.num;
		break;
	case W_INI_LINE:
		mib_ini_line_record(g, 2, g->ini.line_pending);
		break;
	case W_INI_ACTION:
		if (op->v.num == 1) /* save(2) ran at ACTION */
			gwagent_ini_load(g);
		break;
	case W_TRAP_RATE:
		g->trap_rate = (unsigned)op->v.num;
		break;
	default:
		break;
	}
}

/* gwIniAction save(2) writes the file before the answer: a failure is
 * the manager's commitFailed, not a status to poll for. */
static enum mib_err
mib_misc_action(struct agent_mib_txn *t, const struct mib_op *op)
{
	if (op->n->scalar->what == W_INI_ACTION && op->v.num == 2 &&
	    gwagent_ini_save(t->g) < 0)
		return MIB_ERR_COMMITFAILED;
	return MIB_OK;
}

#define M(asn_, what_, rw_)                                                   \
	{                                                                     \
		.asn = asn_, .param = -1, .what = what_, .get = mib_misc_get, \
		.check = (rw_) ? mib_misc_check : NULL,                       \
		.prepare = (rw_) ? mib_misc_prepare : NULL,                   \
		.action = (rw_) ? mib_misc_action : NULL,                     \
		.commit = (rw_) ? mib_misc_commit : NULL                      \
	}

static const struct mib_scalar mib_regactions[] = {
	M(INT, W_ALLACTION, 1),
	M(UNS, W_COUNT, 0),
	M(UNS, W_REGISTERED, 0),
};

static const struct mib_scalar mib_inimgmt[] = {
	M(STR, W_INI_URI, 1),	     M(INT, W_INI_MODE, 1),
	M(INT, W_INI_ACTION, 1),     M(STR, W_INI_LINE, 1),
	M(INT, W_INI_STATUS, 0),     M(STR, W_INI_DIAGS, 0),
	M(STR, W_INI_TIME, 0),	     M(INT, W_INI_LINE_STATUS, 0),
	M(STR, W_INI_LINE_DIAGS, 0), M(STR, W_INI_LINE_TIME, 0),
};

static const struct mib_scalar mib_traprate = M(UNS, W_TRAP_RATE, 1);
static const struct mib_scalar mib_alarmchanged =
	M(MIB_ASN_TIMETICKS, W_ALARM_CHANGED, 0);

/* ---- the tree, in OID order ------------------------------------------- */

#define S3(a, b, c, arr, i)                                           \
	{                                                             \
		{ a, b, c, i + 1 }, 4, MIB_NODE_SCALAR, &arr[i], NULL \
	}
#define S2(a, b, arr, i)                                           \
	{                                                          \
		{ a, b, i + 1 }, 3, MIB_NODE_SCALAR, &arr[i], NULL \
	}
#define T(a, b, c, tab)                                       \
	{                                                     \
		{ a, b, c, 1 }, 4, MIB_NODE_TABLE, NULL, &tab \
	}

/* The objects that are not INI parameters. */
static const struct mib_node mib_fixed_nodes[] = {
	T(1, 2, 1, mib_rs),
	T(1, 2, 2, mib_px),
	S3(1, 2, 3, mib_regactions, 0),
	S3(1, 2, 3, mib_regactions, 1),
	S3(1, 2, 3, mib_regactions, 2),
	T(1, 2, 4, mib_rh),
	T(1, 2, 5, mib_pa),
	T(1, 2, 6, mib_tg),
	S2(1, 3, mib_inimgmt, 0),
	S2(1, 3, mib_inimgmt, 1),
	S2(1, 3, mib_inimgmt, 2),
	S2(1, 3, mib_inimgmt, 3),
	S2(1, 3, mib_inimgmt, 4),
	S2(1, 3, mib_inimgmt, 5),
	S2(1, 3, mib_inimgmt, 6),
	S2(1, 3, mib_inimgmt, 7),
	S2(1, 3, mib_inimgmt, 8),
	S2(1, 3, mib_inimgmt, 9),
	T(1, 4, 1, mib_al),
	{ { 1, 4, 3 }, 3, MIB_NODE_SCALAR, &mib_traprate, NULL },
	{ { 1, 4, 4 }, 3, MIB_NODE_SCALAR, &mib_alarmchanged, NULL },
	T(1, 4, 5, mib_ah),
};

/* The configuration objects, from the catalog's MIB fields. */
static struct mib_scalar mib_cfg_scalars[INI_P__SCALARS];
static struct mib_column mib_cfg_cols[INI_TABLE__COUNT]
				     [INI_P__COUNT - INI_P__SCALARS + 1];
static struct mib_table mib_cfg_tables[INI_TABLE__COUNT];
static struct mib_node
	mib_nodes[NELEM(mib_fixed_nodes) + INI_P__SCALARS + INI_TABLE__COUNT];
static size_t mib_nnodes;

static int
mib_asn_of(const struct ini_param *p)
{
	switch (ini_param_mib_syntax(p)) {
	case INI_MIB_SYNTAX_UNSIGNED32:
		return UNS;
	case INI_MIB_SYNTAX_STRING:
		return STR;
	default:
		return INT;
	}
}

static int
mib_node_cmp(const void *a, const void *b)
{
	const struct mib_node *x = a, *y = b;
	size_t i, n = x->sublen < y->sublen ? x->sublen : y->sublen;

	for (i = 0; i < n; i++)
		if (x->sub[i] != y->sub[i])
			return x->sub[i] < y->sub[i] ? -1 : 1;
	return x->sublen < y->sublen ? -1 : x->sublen > y->sublen;
}

static int
mib_col_cmp(const void *a, const void *b)
{
	const struct mib_column *x = a, *y = b;

	return x->col < y->col ? -1 : x->col > y->col;
}

static void
mib_add_node(const uint32_t *sub, size_t sublen, enum mib_node_kind kind,
	     const struct mib_scalar *s, const struct mib_table *t)
{
	struct mib_node *n = &mib_nodes[mib_nnodes++];

	memcpy(n->sub, sub, sublen * sizeof(uint32_t));
	n->sublen = sublen;
	n->kind = kind;
	n->scalar = s;
	n->table = t;
}

/* A configuration scalar's node, if the MIB has it. */
static void
mib_build_scalar(enum ini_param_id id)
{
	const struct ini_param *p = ini_param_get(id);
	struct mib_scalar *s = &mib_cfg_scalars[id];
	const uint32_t *arc;
	size_t len = ini_param_mib_arc(p, &arc);

	if (len == 0)
		return;
	s->asn = mib_asn_of(p);
	s->param = (int)id;
	s->get = mib_param_get;
	s->check = mib_param_check;
	mib_add_node(arc, len, MIB_NODE_SCALAR, s, NULL);
}

/* A configuration table's node: its MIB columns and RowStatus. */
static void
mib_build_table(enum ini_table t)
{
	struct mib_column *cols = mib_cfg_cols[t];
	struct mib_table *tab = &mib_cfg_tables[t];
	const uint32_t *arc, *tarc;
	uint32_t entry[4];
	size_t i, n = 0, len, tlen = ini_table_mib_arc(t, NULL, &tarc);

	for (i = 0; i < ini_table_ncolumns(t); i++) {
		enum ini_param_id id = ini_table_column(t, i);
		const struct ini_param *p = ini_param_get(id);

		if ((len = ini_param_mib_arc(p, &arc)) == 0)
			continue;
		cols[n++] = (struct mib_column){ .col = arc[len - 1],
						 .asn = mib_asn_of(p),
						 .access = MIB_RC,
						 .param = (int)id,
						 .get = mib_col_get_param,
						 .check = mib_col_check_param };
	}
	cols[n++] = (struct mib_column){ .col = ini_table_mib_rowstatus(t),
					 .asn = INT,
					 .access = MIB_RC,
					 .param = (int)t,
					 .what = MIB_W_ROWSTATUS,
					 .get = mib_col_get_rowstatus,
					 .check = mib_col_check_rowstatus,
					 .prepare = mib_prepare_rowstatus };
	qsort(cols, n, sizeof(*cols), mib_col_cmp);
	*tab = (struct mib_table){ .nidx = 1,
				   .next = mib_conf_next,
				   .exists = mib_conf_exists,
				   .cols = cols,
				   .ncols = n,
				   .itable = (int)t };
	memcpy(entry, tarc, tlen * sizeof(uint32_t));
	entry[tlen] = 1;
	mib_add_node(entry, tlen + 1, MIB_NODE_TABLE, NULL, tab);
}

const struct mib_node *
agent_mib_tree(size_t *n)
{
	size_t i;
	int t;

	if (mib_nnodes == 0) {
		for (i = 0; i < NELEM(mib_fixed_nodes); i++)
			mib_nodes[mib_nnodes++] = mib_fixed_nodes[i];
		for (i = 0; i < INI_P__SCALARS; i++)
			mib_build_scalar((enum ini_param_id)i);
		for (t = 0; t < INI_TABLE__COUNT; t++)
			mib_build_table((enum ini_table)t);
		qsort(mib_nodes, mib_nnodes, sizeof(mib_nodes[0]),
		      mib_node_cmp);
	}
	*n = mib_nnodes;
	return mib_nodes;
}
