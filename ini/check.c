/* SPDX-License-Identifier: ISC */
/*
 * Whole-configuration checks: cross-references between tables and the
 * limits a single value cannot express.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ini/ini_int.h"

#define MAX_ADDRS_PER_SET 5

struct cctx {
	const struct ini_conf *conf;
	const char *file;
	struct ini_diags *diags;
	unsigned nerr;
};

static void
cerr(struct cctx *cx, enum ini_table t, const struct ini_row *r,
     const char *what, long val, const char *target)
{
	cx->nerr++;
	if (cx->diags != NULL)
		ini_diags_add(cx->diags, cx->file, r->line, INI_SEV_ERROR,
			      "%s %ld: %s %ld refers to a missing %s row",
			      ini_tables[t].name, r->index, what, val, target);
}

static long
col(const struct ini_row *r, enum ini_param_id id)
{
	const struct ini_param *p = &ini_catalog[id];

	return r->v[id - ini_tables[p->table].first].i;
}

/* -1 means "none"; proxy set 0 is the default proxy and always exists. */
static bool
ref_ok(const struct cctx *cx, enum ini_table t, long v)
{
	if (v == -1 || (t == INI_TABLE_PROXYSET && v == 0))
		return true;
	return ini_conf_find_row(cx->conf, t, v) != NULL;
}

static void
check_ref(struct cctx *cx, enum ini_table t, const struct ini_row *r,
	  enum ini_param_id id, enum ini_table target)
{
	long v = col(r, id);

	if (!ref_ok(cx, target, v))
		cerr(cx, t, r, ini_catalog[id].name, v,
		     ini_tables[target].name);
}

static void
check_proxyip(struct cctx *cx)
{
	const struct ini_tab *tab = &cx->conf->t[INI_TABLE_PROXYIP];
	unsigned count[INI_PROXYSET_MAX + 1];
	size_t i;

	memset(count, 0, sizeof(count));
	for (i = 0; i < tab->n; i++) {
		const struct ini_row *r = tab->rows[i];
		long set = col(r, INI_P_PROXYIP_PROXY_SET_ID);

		check_ref(cx, INI_TABLE_PROXYIP, r, INI_P_PROXYIP_PROXY_SET_ID,
			  INI_TABLE_PROXYSET);
		if (++count[set] != MAX_ADDRS_PER_SET + 1)
			continue;
		cx->nerr++;
		if (cx->diags != NULL)
			ini_diags_add(
				cx->diags, cx->file, r->line, INI_SEV_ERROR,
				"ProxyIp %ld: proxy set %ld has more than %d "
				"addresses",
				r->index, set, MAX_ADDRS_PER_SET);
	}
}

static void
check_ipgroup(struct cctx *cx)
{
	const struct ini_tab *tab = &cx->conf->t[INI_TABLE_IPGROUP];
	size_t i;

	for (i = 0; i < tab->n; i++) {
		check_ref(cx, INI_TABLE_IPGROUP, tab->rows[i],
			  INI_P_IPGROUP_PROXY_SET_ID, INI_TABLE_PROXYSET);
		check_ref(cx, INI_TABLE_IPGROUP, tab->rows[i],
			  INI_P_IPGROUP_SERVING_IP_GROUP, INI_TABLE_IPGROUP);
	}
}

static void
check_tgs(struct cctx *cx, long *owner)
{
	const struct ini_tab *tab = &cx->conf->t[INI_TABLE_TRUNKGROUPSETTINGS];
	size_t i;

	for (i = 0; i < tab->n; i++) {
		const struct ini_row *r = tab->rows[i];
		long tg = col(r, INI_P_TGS_TRUNK_GROUP_ID);

		check_ref(cx, INI_TABLE_TRUNKGROUPSETTINGS, r,
			  INI_P_TGS_SERVING_IP_GROUP, INI_TABLE_IPGROUP);
		if (owner[tg] < 0) {
			owner[tg] = r->index;
			continue;
		}
		cx->nerr++;
		if (cx->diags != NULL)
			ini_diags_add(
				cx->diags, cx->file, r->line, INI_SEV_ERROR,
				"TrunkGroupSettings %ld: trunk group %ld is "
				"already set by row %ld",
				r->index, tg, owner[tg]);
	}
}

static void
check_account(struct cctx *cx, const long *owner)
{
	const struct ini_tab *tab = &cx->conf->t[INI_TABLE_ACCOUNT];
	size_t i;

	for (i = 0; i < tab->n; i++) {
		const struct ini_row *r = tab->rows[i];
		long tg = col(r, INI_P_ACCOUNT_SERVED_TRUNK_GROUP);

		if (tg != -1 && owner[tg] < 0)
			cerr(cx, INI_TABLE_ACCOUNT, r,
			     "Account_ServedTrunkGroup", tg,
			     "TrunkGroupSettings");
		check_ref(cx, INI_TABLE_ACCOUNT, r,
			  INI_P_ACCOUNT_SERVED_IP_GROUP, INI_TABLE_IPGROUP);
		check_ref(cx, INI_TABLE_ACCOUNT, r,
			  INI_P_ACCOUNT_SERVING_IP_GROUP, INI_TABLE_IPGROUP);
	}
}

int
ini_conf_check(const struct ini_conf *conf, const char *file,
	       struct ini_diags *diags)
{
	struct cctx cx = { conf, file, diags, 0 };
	long owner[INI_TG_MAX + 1];
	size_t i;

	if (conf == NULL)
		return -EINVAL;
	for (i = 0; i < sizeof(owner) / sizeof(owner[0]); i++)
		owner[i] = -1;
	check_proxyip(&cx);
	check_ipgroup(&cx);
	check_tgs(&cx, owner);
	check_account(&cx, owner);
	return cx.nerr == 0 ? 0 : -EINVAL;
}
