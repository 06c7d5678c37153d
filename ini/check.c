/* SPDX-License-Identifier: ISC */
/*
 * Whole-configuration checks: cross-references between tables and the
 * limits a single value cannot express.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
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

/* Whether a registration uses GWRegistrationName or UserName as its
 * user: the gateway-wide one, which AuthenticationMode 0 (per endpoint)
 * does not send, or, in such a device, that of a trunk group whose
 * TrunkGroupSettings_RegistrationMode is 1 (per gateway) and that has
 * channels (agent/core/bindings.c). */
static bool
gateway_user_needed(const struct cctx *cx)
{
	const struct ini_tab *tgs = &cx->conf->t[INI_TABLE_TRUNKGROUPSETTINGS];
	const struct ini_tab *tr = &cx->conf->t[INI_TABLE_TRUNKGROUP];
	size_t i, j;

	if (cx->conf->sc[INI_P_AUTHENTICATION_MODE].i != 0)
		return true;
	for (i = 0; i < tgs->n; i++) {
		if (col(tgs->rows[i], INI_P_TGS_REGISTRATION_MODE) != 1)
			continue;
		for (j = 0; j < tr->n; j++)
			if (col(tr->rows[j],
				INI_P_TRUNKGROUP_TRUNK_GROUP_NUM) ==
			    col(tgs->rows[i], INI_P_TGS_TRUNK_GROUP_ID))
				return true;
	}
	return false;
}

/* The gateway binding registers through proxy set 0 when it has no
 * RegistrarIP and IsProxyUsed=1 (agent/core/bindings.c agent_spec_gateway). */
static void
check_gateway_set(struct cctx *cx)
{
	const struct ini_val *sc = cx->conf->sc;
	char err[INI_ERRLEN];

	bool user = gateway_user_needed(cx);

	if (sc[INI_P_IS_REGISTER_NEEDED].i != 1)
		return;
	if (user && sc[INI_P_GW_REGISTRATION_NAME].s == NULL &&
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
	if (user && sc[INI_P_GW_REGISTRATION_NAME].s == NULL &&
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

/* ---- TrunkGroup: ranges, numbers ---------------------------------- */

static void rowerr(struct cctx *cx, const struct ini_row *r, const char *fmt,
		   ...) __attribute__((format(printf, 3, 4)));

static void
rowerr(struct cctx *cx, const struct ini_row *r, const char *fmt, ...)
{
	char msg[384];
	va_list ap;

	cx->nerr++;
	if (cx->diags == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ini_diags_add(cx->diags, cx->file, r->line, INI_SEV_ERROR,
		      "TrunkGroup %ld: %s", r->index, msg);
}

static bool
ends_in_digit(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && s[n - 1] >= '0' && s[n - 1] <= '9';
}

/* The ranges of one row; its endpoint count, 0 when they are wrong. */
static unsigned long
check_tg_row(struct cctx *cx, const struct ini_row *r)
{
	long ft = col(r, INI_P_TRUNKGROUP_FIRST_TRUNK_ID);
	long lt = col(r, INI_P_TRUNKGROUP_LAST_TRUNK_ID);
	long fc = col(r, INI_P_TRUNKGROUP_FIRST_B_CHANNEL);
	long lc = col(r, INI_P_TRUNKGROUP_LAST_B_CHANNEL);
	const char *num = colstr(r, INI_P_TRUNKGROUP_FIRST_PHONE_NUMBER);
	unsigned long n = 1;
	char out[INI_PHONE_MAX + 1];
	bool ok = true;

	if ((ft == INI_TRUNK_NONE) != (lt == INI_TRUNK_NONE)) {
		rowerr(cx, r,
		       "FirstTrunkId %ld and LastTrunkId %ld: %d means no "
		       "trunk (an analog row), so both or neither are %d",
		       ft, lt, INI_TRUNK_NONE, INI_TRUNK_NONE);
		ok = false;
	} else if (lt < ft) {
		rowerr(cx, r, "LastTrunkId %ld is below FirstTrunkId %ld", lt,
		       ft);
		ok = false;
	} else if (ft != INI_TRUNK_NONE)
		n = (unsigned long)(lt - ft + 1);
	if (lc < fc) {
		rowerr(cx, r, "LastBChannel %ld is below FirstBChannel %ld", lc,
		       fc);
		ok = false;
	}
	if (!ok)
		return 0;
	n *= (unsigned long)(lc - fc + 1);
	if (num == NULL || n > INI_ENDPOINTS_MAX)
		return n;
	if (n > 1 && !ends_in_digit(num))
		rowerr(cx, r,
		       "FirstPhoneNumber '%s' covers %lu endpoints but does "
		       "not end with a digit",
		       num, n);
	else if (ini_phone_add(num, n - 1, out, sizeof(out)) == -ERANGE)
		rowerr(cx, r,
		       "FirstPhoneNumber '%s' + %lu is longer than %d "
		       "characters",
		       num, n - 1, INI_PHONE_MAX);
	return n;
}

struct epnum {
	const char *phone; /* into the endpoint array */
	const struct ini_row *row;
	size_t pos;
};

/* Order of rows in the file (rows added over SNMP, line 0, after). */
static int
row_order(const struct ini_row *a, const struct ini_row *b)
{
	unsigned la = a->line ? a->line : UINT_MAX;
	unsigned lb = b->line ? b->line : UINT_MAX;

	if (la != lb)
		return la < lb ? -1 : 1;
	return a->index < b->index ? -1 : a->index > b->index;
}

static int
epnum_cmp(const void *a, const void *b)
{
	const struct epnum *x = a, *y = b;
	int c = strcmp(x->phone, y->phone);

	if (c == 0)
		c = row_order(x->row, y->row);
	if (c == 0)
		c = x->pos < y->pos ? -1 : x->pos > y->pos;
	return c;
}

/* Every endpoint's number is unique: "Each endpoint (i.e., channel)
 * must be assigned a unique phone number" (MediaPack SIP User's Manual
 * v6.2, LTRT-65415, p.474).  Reported once per later row. */
static void
check_tg_numbers(struct cctx *cx)
{
	struct ini_endpoint *ep = NULL;
	struct epnum *v = NULL;
	size_t n = 0, m = 0, i, j;
	const struct ini_row *last = NULL;

	if (ini_conf_endpoints(cx->conf, &ep, &n) != 0 || n == 0)
		goto out;
	if ((v = calloc(n, sizeof(*v))) == NULL) {
		rowerr(cx, cx->conf->t[INI_TABLE_TRUNKGROUP].rows[0],
		       "out of memory checking the phone numbers");
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (ep[i].phone[0] == '\0')
			continue;
		v[m].phone = ep[i].phone;
		v[m].row = ini_conf_find_row(cx->conf, INI_TABLE_TRUNKGROUP,
					     ep[i].row);
		v[m++].pos = i;
	}
	qsort(v, m, sizeof(*v), epnum_cmp);
	for (i = 1; i < m; i++) {
		if (strcmp(v[i].phone, v[i - 1].phone) != 0)
			continue;
		for (j = i - 1;
		     j > 0 && strcmp(v[j - 1].phone, v[i].phone) == 0; j--)
			;
		if (v[i].row == last || v[i].row == v[j].row)
			continue;
		last = v[i].row;
		if (v[j].row->line != 0)
			rowerr(cx, v[i].row,
			       "phone number '%s' is already the number of an "
			       "endpoint of TrunkGroup %ld (line %u)",
			       v[i].phone, v[j].row->index, v[j].row->line);
		else
			rowerr(cx, v[i].row,
			       "phone number '%s' is already the number of an "
			       "endpoint of TrunkGroup %ld",
			       v[i].phone, v[j].row->index);
	}
out:
	free(v);
	free(ep);
}

struct epchan {
	const struct ini_endpoint *e;
	const struct ini_row *row;
};

static int
epchan_cmp(const void *a, const void *b)
{
	const struct ini_endpoint *x = ((const struct epchan *)a)->e;
	const struct ini_endpoint *y = ((const struct epchan *)b)->e;
	int c;

	if (x->module != y->module)
		return x->module < y->module ? -1 : 1;
	if (x->trunk != y->trunk)
		return x->trunk < y->trunk ? -1 : 1;
	if (x->channel != y->channel)
		return x->channel < y->channel ? -1 : 1;
	c = row_order(((const struct epchan *)a)->row,
		      ((const struct epchan *)b)->row);
	return c != 0 ? c : (x < y ? -1 : x > y);
}

/* A channel (module, trunk, B-channel or port) belongs to one row: the
 * rows of a trunk group do not overlap.  Reported once per later row. */
static void
check_tg_channels(struct cctx *cx)
{
	struct ini_endpoint *ep = NULL;
	struct epchan *v = NULL;
	const struct ini_row *last = NULL;
	size_t n = 0, i, j;
	char at[24];

	if (ini_conf_endpoints(cx->conf, &ep, &n) != 0 || n == 0)
		goto out;
	if ((v = calloc(n, sizeof(*v))) == NULL) {
		rowerr(cx, cx->conf->t[INI_TABLE_TRUNKGROUP].rows[0],
		       "out of memory checking the channels");
		goto out;
	}
	for (i = 0; i < n; i++) {
		v[i].e = &ep[i];
		v[i].row = ini_conf_find_row(cx->conf, INI_TABLE_TRUNKGROUP,
					     ep[i].row);
	}
	qsort(v, n, sizeof(*v), epchan_cmp);
	for (i = 1, j = 0; i < n; i++) {
		const struct ini_endpoint *a = v[j].e, *b = v[i].e;

		if (a->module != b->module || a->trunk != b->trunk ||
		    a->channel != b->channel) {
			j = i;
			continue;
		}
		if (v[i].row == last)
			continue;
		last = v[i].row;
		at[0] = '\0';
		if (v[j].row->line != 0)
			snprintf(at, sizeof(at), " (line %u)", v[j].row->line);
		if (b->trunk == INI_TRUNK_NONE)
			rowerr(cx, v[i].row,
			       "port %ld of module %ld is already in "
			       "TrunkGroup %ld%s",
			       b->channel, b->module, v[j].row->index, at);
		else
			rowerr(cx, v[i].row,
			       "B-channel %ld of trunk %ld (module %ld) is "
			       "already in TrunkGroup %ld%s",
			       b->channel, b->trunk, b->module, v[j].row->index,
			       at);
	}
out:
	free(v);
	free(ep);
}

static void
check_trunkgroup(struct cctx *cx)
{
	const struct ini_tab *tab = &cx->conf->t[INI_TABLE_TRUNKGROUP];
	const char *dflt = cx->conf->sc[INI_P_DEFAULT_NUMBER].s;
	unsigned long total = 0, ndflt = 0, k;
	unsigned nerr = cx->nerr;
	char out[INI_PHONE_MAX + 1];
	size_t i;

	for (i = 0; i < tab->n; i++) {
		const struct ini_row *r = tab->rows[i];

		k = check_tg_row(cx, r);
		if (colstr(r, INI_P_TRUNKGROUP_FIRST_PHONE_NUMBER) == NULL &&
		    col(r, INI_P_TRUNKGROUP_FIRST_TRUNK_ID) == INI_TRUNK_NONE)
			ndflt += k;
		if (total <= INI_ENDPOINTS_MAX &&
		    (total += k) > INI_ENDPOINTS_MAX)
			rowerr(cx, r,
			       "the trunk groups have more than %d endpoints",
			       INI_ENDPOINTS_MAX);
	}
	if (ndflt > 1 && dflt != NULL && !ends_in_digit(dflt)) {
		cx->nerr++;
		if (cx->diags != NULL)
			ini_diags_add(cx->diags, cx->file, 0, INI_SEV_ERROR,
				      "DefaultNumber '%s' numbers %lu analog "
				      "ports but does not end with a digit",
				      dflt, ndflt);
	} else if (ndflt > 0 && dflt != NULL &&
		   ini_phone_add(dflt, ndflt - 1, out, sizeof(out)) ==
			   -ERANGE) {
		cx->nerr++;
		if (cx->diags != NULL)
			ini_diags_add(cx->diags, cx->file, 0, INI_SEV_ERROR,
				      "DefaultNumber '%s' + %lu is longer than "
				      "%d characters",
				      dflt, ndflt - 1, INI_PHONE_MAX);
	}
	if (cx->nerr == nerr) {
		check_tg_channels(cx);
		check_tg_numbers(cx);
	}
}

/* ---- Authentication: one row per port ----------------------------- */

static void
check_authentication(struct cctx *cx)
{
	const struct ini_tab *tab = &cx->conf->t[INI_TABLE_AUTHENTICATION];
	size_t i, j;

	for (i = 0; i < tab->n; i++) {
		const struct ini_row *r = tab->rows[i];
		long port = col(r, INI_P_AUTHENTICATION_PORT);
		long mod = col(r, INI_P_AUTHENTICATION_MODULE);

		if (port == 0) /* two-column form: the index is the port */
			continue;
		for (j = 0; j < i; j++)
			if (col(tab->rows[j], INI_P_AUTHENTICATION_PORT) ==
				    port &&
			    col(tab->rows[j], INI_P_AUTHENTICATION_MODULE) ==
				    mod)
				break;
		if (j == i)
			continue;
		cx->nerr++;
		if (cx->diags != NULL)
			ini_diags_add(cx->diags, cx->file, r->line,
				      INI_SEV_ERROR,
				      "Authentication %ld: port %ld of module "
				      "%ld already has row %ld",
				      r->index, port, mod, tab->rows[j]->index);
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
	check_trunkgroup(&cx);
	check_authentication(&cx);
	return cx.nerr == 0 ? 0 : -EINVAL;
}
