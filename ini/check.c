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

/* A text column; NULL when empty. */
static const char *
colstr(const struct ini_row *r, enum ini_param_id id)
{
	const struct ini_param *p = &ini_catalog[id];

	return r->v[id - ini_tables[p->table].first].s;
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
		if (colstr(r, INI_P_PROXYIP_IP_ADDRESS) == NULL) {
			cx->nerr++;
			if (cx->diags != NULL)
				ini_diags_add(cx->diags, cx->file, r->line,
					      INI_SEV_ERROR,
					      "ProxyIp %ld: no address "
					      "(ProxyIp_IpAddress is empty)",
					      r->index);
		}
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

/* Whether proxy set @p set has an address: a ProxyIp row, or for set
 * 0 the legacy ProxyIP scalar. */
static bool
set_has_addr(const struct cctx *cx, long set)
{
	const struct ini_tab *tab = &cx->conf->t[INI_TABLE_PROXYIP];
	size_t i;

	for (i = 0; i < tab->n; i++)
		if (col(tab->rows[i], INI_P_PROXYIP_PROXY_SET_ID) == set)
			return true;
	return set == 0 && cx->conf->sc[INI_P_PROXY_IP].s != NULL;
}

/* The gateway binding registers through proxy set 0 when it has no
 * RegistrarIP and IsProxyUsed=1 (agent/core/bindings.c agent_spec_gateway). */
static void
check_gateway_set(struct cctx *cx)
{
	const struct ini_val *sc = cx->conf->sc;
	char err[INI_ERRLEN];

	if (sc[INI_P_IS_REGISTER_NEEDED].i != 1)
		return;
	if (sc[INI_P_GW_REGISTRATION_NAME].s == NULL &&
	    sc[INI_P_USER_NAME].s == NULL) {
		cx->nerr++;
		if (cx->diags != NULL)
			ini_diags_add(cx->diags, cx->file, 0, INI_SEV_ERROR,
				      "the gateway registers "
				      "(IsRegisterNeeded=1) but has no user: "
				      "set GWRegistrationName or UserName");
	}
	/* UserName is digest text, and the AOR user when GWRegistrationName
	 * is empty */
	if (sc[INI_P_GW_REGISTRATION_NAME].s == NULL &&
	    sc[INI_P_USER_NAME].s != NULL &&
	    ini_syntax_check(INI_TYPE_USER, sc[INI_P_USER_NAME].s, err,
			     sizeof(err)) != 0) {
		cx->nerr++;
		if (cx->diags != NULL)
			ini_diags_add(cx->diags, cx->file, 0, INI_SEV_ERROR,
				      "UserName is the AOR user "
				      "(GWRegistrationName is empty): %s",
				      err);
	}
	if (sc[INI_P_REGISTRAR_IP].s == NULL &&
	    sc[INI_P_IS_PROXY_USED].i != 1) {
		cx->nerr++;
		if (cx->diags != NULL)
			ini_diags_add(cx->diags, cx->file, 0, INI_SEV_ERROR,
				      "the gateway registers "
				      "(IsRegisterNeeded=1) but has no "
				      "registrar: set RegistrarIP or "
				      "IsProxyUsed=1");
		return;
	}
	if (sc[INI_P_REGISTRAR_IP].s != NULL || set_has_addr(cx, 0))
		return;
	cx->nerr++;
	if (cx->diags != NULL)
		ini_diags_add(cx->diags, cx->file, 0, INI_SEV_ERROR,
			      "proxy set 0 has no address, but the gateway "
			      "registers through it (IsRegisterNeeded=1, "
			      "IsProxyUsed=1, no RegistrarIP)");
}

/* A registering account goes through its serving IP group's proxy set
 * (agent/core/bindings.c agent_account_registers, agent_spec_account). */
static void
check_account_sets(struct cctx *cx, const long *owner)
{
	const struct ini_tab *tab = &cx->conf->t[INI_TABLE_ACCOUNT];
	const struct ini_row *g, *tr;
	long tg, ipg, set;
	size_t i;

	for (i = 0; i < tab->n; i++) {
		const struct ini_row *r = tab->rows[i];

		if (col(r, INI_P_ACCOUNT_REGISTER) != 1)
			continue;
		tg = col(r, INI_P_ACCOUNT_SERVED_TRUNK_GROUP);
		if (col(r, INI_P_ACCOUNT_SERVED_IP_GROUP) < 0) {
			if (tg < 0 || owner[tg] < 0)
				continue;
			tr = ini_conf_find_row(cx->conf,
					       INI_TABLE_TRUNKGROUPSETTINGS,
					       owner[tg]);
			if (tr == NULL ||
			    col(tr, INI_P_TGS_REGISTRATION_MODE) != 5)
				continue;
		}
		ipg = col(r, INI_P_ACCOUNT_SERVING_IP_GROUP);
		g = ipg < 0 ? NULL
			    : ini_conf_find_row(cx->conf, INI_TABLE_IPGROUP,
						ipg);
		if ((colstr(r, INI_P_ACCOUNT_CONTACT_USER) == NULL &&
		     (g == NULL ||
		      colstr(g, INI_P_IPGROUP_CONTACT_USER) == NULL)) ||
		    (colstr(r, INI_P_ACCOUNT_HOST_NAME) == NULL &&
		     (g == NULL ||
		      colstr(g, INI_P_IPGROUP_SIP_GROUP_NAME) == NULL))) {
			cx->nerr++;
			if (cx->diags != NULL)
				ini_diags_add(
					cx->diags, cx->file, r->line,
					INI_SEV_ERROR,
					"Account %ld: registers without AOR "
					"user or host (Account_ContactUser, "
					"Account_HostName and the serving IP "
					"group's ContactUser, SIPGroupName are "
					"empty)",
					r->index);
		}
		if (g == NULL)
			continue;
		set = col(g, INI_P_IPGROUP_PROXY_SET_ID);
		if (set < 0 || set_has_addr(cx, set))
			continue;
		cx->nerr++;
		if (cx->diags != NULL)
			ini_diags_add(cx->diags, cx->file, r->line,
				      INI_SEV_ERROR,
				      "Account %ld: registers through IP group "
				      "%ld, whose proxy set %ld has no address",
				      r->index, ipg, set);
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
	check_gateway_set(&cx);
	check_account_sets(&cx, owner);
	return cx.nerr == 0 ? 0 : -EINVAL;
}
