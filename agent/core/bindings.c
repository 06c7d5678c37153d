/* SPDX-License-Identifier: ISC */
/*
 * From the gateway configuration to the engine's registration bindings,
 * as the gateway does it (issue: gwagentd item 1):
 *  - the gateway-wide binding exists when IsRegisterNeeded=1: user
 *    GWRegistrationName, else UserName; credentials UserName/Password;
 *    target RegistrarIP when set, else proxy set 0 when IsProxyUsed=1;
 *  - an account binding exists when Account_Register=1 and its served
 *    trunk group registers per account (5) or it serves an IP group;
 *    target Account_ServingIPGroup -> IPGroup_ProxySetId -> that set's
 *    ProxyIp rows; AOR user Account_ContactUser (else the IP group's
 *    ContactUser), host Account_HostName (else its SIPGroupName);
 *  - trunk groups (issue 14 item 3) by their effective mode, the
 *    TrunkGroupSettings_RegistrationMode of the trunk group's row when it
 *    is 0, 1, 4 or 5, else AuthenticationMode (AudioCodes Mediant 600
 *    SIP User's Manual v5.4, p. 365):
 *    0 per endpoint: one binding per endpoint of the TrunkGroup table
 *      (ini_conf_endpoints()) when IsRegisterNeeded=1: AOR user the phone
 *      number, host the trunk group's GatewayName, else SIPGatewayName;
 *      Request-URI host the serving IP group's SIPGroupName, else the
 *      registrar or proxy name; target the serving IP group's proxy set,
 *      else proxy set 0 when IsProxyUsed=1, else RegistrarIP (Mediant
 *      2000 User's Manual v6.6, p. 283); credentials the endpoint's
 *      Authentication row, else the phone number and Password.  An
 *      endpoint without a phone number is an unusable binding (state
 *      failed, its reason in its last error), never silently nothing;
 *    1 per gateway: covered by the gateway-wide binding; in a device with
 *      AuthenticationMode=0 (no gateway-wide binding) one binding for the
 *      trunk group: user GWRegistrationName, else UserName, host as an
 *      endpoint's, target as an endpoint's (the reference leaves it
 *      [UNVERIFIED]; gwagent.ini(5) says so);
 *    3 per FXS (AuthenticationMode only): the analog endpoints (trunk 255)
 *      register per endpoint, the digital ones are covered by the
 *      gateway-wide binding;
 *    4 don't register: nothing; 5 per account: the accounts above.
 *  - the gateway-wide binding exists only when AuthenticationMode is not
 *    0 (per endpoint: the device sends no registration of its own).
 * Endpoint bindings are keyed by module, trunk and channel
 * (agent_endpoint_id()), trunk-group bindings by the trunk group id, so
 * that their ids stay across reloads whatever the row order.
 * Every binding keeps a digest of the engine configuration derived for
 * it, so a new configuration re-registers exactly the bindings whose
 * derived configuration changed.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "agent/core/gwagent.h"
#include "agent/core/log.h"
#include "ini/ini.h"
#include "sip/sip.h"

#define SPEC_STR 128

/* Everything the engine is told about one binding, in fixed storage so
 * that it can be hashed and compared. */
struct agent_spec {
	char aor_user[SPEC_STR];
	char aor_host[SPEC_STR];
	char registrar[SPEC_STR];
	char contact_user[SPEC_STR];
	char auth_user[SPEC_STR];
	char password[SPEC_STR];
	char hosts[SIPREG_MAX_ADDRS][SPEC_STR];
	struct sipreg_binding_cfg cfg;
	int proxyset;
};

/* One binding the configuration asks for: its key and where it is. */
struct agent_key {
	int type;
	long id;
	size_t seq; /* order of appearance: the first of two equal keys wins */
	long tg;    /* trunk group, -1 none */
	struct ini_endpoint ep; /* ENDPOINT: the endpoint; TRUNKGROUP: its
				   first endpoint (tg only is used) */
};

struct agent_binding {
	int type; /* AGENT_BINDING_* */
	long id;  /* 0, the account index, agent_endpoint_id() or the TG id */
	int proxyset;
	long tg;		       /* trunk group, -1 none */
	long module, trunk, channel;   /* an endpoint's, else -1 */
	char phone[INI_PHONE_MAX + 1]; /* an endpoint's number, else "" */
	struct sipreg_binding *b;      /* NULL: unusable configuration */
	unsigned char digest[16];
	char *aor;	       /* sip:user@host, exact size */
	char *error;	       /* why it cannot run; NULL: it can */
	struct agent_rec *rec; /* flight recorder, made at first use */
	int failed;	       /* registration-failed alarm raised */
	/* what earlier engine bindings of this row counted */
	struct sipreg_counters base;
	uint32_t disc; /* TimeTicks since start when counting began */
	struct agent_bindings *owner;
};

struct agent_bindings {
	struct agent_sip *sip;
	struct agent_binding **v; /* sorted by (type, id) */
	size_t n, cap;
	agent_binding_h *h;
	void *arg;
	struct agent_sync_stats last; /* what the last sync did */
	struct agent_event *ev;
	uint64_t start_ms; /* clock at create: TimeTicks 0 */
	unsigned nsync;	   /* syncs done */
	unsigned history;  /* recorder depth, 0: none */
};

static int agent_fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
agent_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* ---- addresses ------------------------------------------------------ */

int
agent_addr_parse(const char *s, char *host, size_t hostlen, uint16_t *port)
{
	const char *colon, *end;
	size_t len;
	long p = 0;
	char *ep;

	if (s == NULL || *s == '\0')
		return -EINVAL;
	if (*s == '[') {
		end = strchr(s, ']');
		if (end == NULL)
			return -EINVAL;
		len = (size_t)(end - s - 1);
		colon = end[1] == ':' ? end + 1 : NULL;
		if (end[1] != '\0' && colon == NULL)
			return -EINVAL;
		s++;
	} else {
		colon = strrchr(s, ':');
		if (colon != NULL && strchr(s, ':') != colon)
			colon = NULL; /* bare IPv6 without brackets */
		len = colon ? (size_t)(colon - s) : strlen(s);
	}
	if (len == 0 || len >= hostlen)
		return -EINVAL;
	if (colon != NULL) {
		errno = 0;
		p = strtol(colon + 1, &ep, 10);
		if (errno || *ep != '\0' || p < 1 || p > 65535)
			return -EINVAL;
	}
	memcpy(host, s, len);
	host[len] = '\0';
	*port = (uint16_t)p;
	return 0;
}

static enum sipreg_transport
agent_transport(const struct ini_conf *conf, long t)
{
	if (t < 0)
		t = ini_conf_get_int(conf, INI_P_SIP_TRANSPORT_TYPE);
	return t == 1 ? SIPREG_TP_TCP : t == 2 ? SIPREG_TP_TLS : SIPREG_TP_UDP;
}

static int
agent_spec_addr(struct agent_spec *sp, const struct ini_conf *conf,
		const char *text, long transport, bool proxy)
{
	size_t i = sp->cfg.naddrs;
	uint16_t port;
	long q;

	if (i >= SIPREG_MAX_ADDRS)
		return 0;
	if (agent_addr_parse(text, sp->hosts[i], SPEC_STR, &port) < 0)
		return -EINVAL;
	sp->cfg.addrs[i].transport = agent_transport(conf, transport);
	/* a name written with a port: A/AAAA only; a configured transport
	 * skips NAPTR (AudioCodes DNSQueryType semantics) */
	q = proxy ? ini_conf_get_int(conf, INI_P_PROXY_DNS_QUERY_TYPE) : 0;
	if (q == 0) /* ProxyDNSQueryType: proxies only, DNSQueryType: all */
		q = ini_conf_get_int(conf, INI_P_DNS_QUERY_TYPE);
	if (port != 0)
		q = 0;
	else if (q == 2 && transport >= 0)
		q = 1;
	sp->cfg.addrs[i].dns_query = (enum sipreg_dns_query)q;
	if (port == 0)
		port = (uint16_t)ini_conf_get_int(conf,
						  INI_P_SIP_DESTINATION_PORT);
	if (port == 5060 && sp->cfg.addrs[i].transport == SIPREG_TP_TLS)
		port = 5061;
	sp->cfg.addrs[i].port = port;
	sp->cfg.naddrs++;
	return 0;
}

/* The ProxyIp rows of a set, in index order. */
static int
agent_spec_proxyset(struct agent_spec *sp, const struct ini_conf *conf,
		    long set, char *err, size_t errlen)
{
	long idx = LONG_MIN, ps, tp;
	const char *addr;

	while (ini_conf_row_next(conf, INI_TABLE_PROXYIP, idx, &idx) == 0) {
		if (ini_conf_row_get_int(conf, INI_P_PROXYIP_PROXY_SET_ID, idx,
					 &ps) < 0 ||
		    ps != set)
			continue;
		ini_conf_row_get_str(conf, INI_P_PROXYIP_IP_ADDRESS, idx,
				     &addr);
		ini_conf_row_get_int(conf, INI_P_PROXYIP_TRANSPORT_TYPE, idx,
				     &tp);
		if (agent_spec_addr(sp, conf, addr, tp, true) < 0)
			return agent_fail(err, errlen,
					  "proxy set %ld: address '%.48s' is "
					  "not valid",
					  set, addr);
	}
	/* The legacy ProxyIP scalar stands for set 0 when it has no rows. */
	addr = ini_conf_get_str(conf, INI_P_PROXY_IP);
	if (sp->cfg.naddrs == 0 && set == 0 && *addr != '\0' &&
	    agent_spec_addr(sp, conf, addr, -1, true) < 0)
		return agent_fail(err, errlen, "ProxyIP '%.48s' is not valid",
				  addr);
	return 0;
}

static void
agent_spec_timers(struct agent_spec *sp, const struct ini_conf *conf)
{
	struct sipreg_binding_cfg *c = &sp->cfg;

	c->expires = (uint32_t)ini_conf_get_int(conf, INI_P_REGISTRATION_TIME);
	c->divider_pct = (unsigned)ini_conf_get_int(
		conf, INI_P_REGISTRATION_TIME_DIVIDER);
	c->threshold_s = (unsigned)ini_conf_get_int(
		conf, INI_P_REGISTRATION_TIME_THRESHOLD);
	c->retry_s =
		(unsigned)ini_conf_get_int(conf, INI_P_REGISTRATION_RETRY_TIME);
	c->max_backoff_s = (unsigned)ini_conf_get_int(
		conf, INI_P_MAX_REGISTRATION_BACKOFF_TIME);
	c->hotswap_rtx = (unsigned)ini_conf_get_int(conf, INI_P_HOT_SWAP_RTX);
	c->hotswap = ini_conf_get_int(conf, INI_P_IS_PROXY_HOT_SWAP) != 0;
	c->unreg_all_first =
		ini_conf_get_int(conf, INI_P_UNREGISTRATION_MODE) != 0;
	c->rereg_on_conn_failure =
		ini_conf_get_int(conf,
				 INI_P_REREGISTER_ON_CONNECTION_FAILURE) != 0;
	c->jitter_pct = 10;
}

/* A ProxySet column of set, or the global parameter when the set has no
 * row (or says "not configured", -1). */
static long
agent_set_param(const struct ini_conf *conf, long set, enum ini_param_id col,
		enum ini_param_id global)
{
	long v;

	if (set >= 0 && ini_conf_row_get_int(conf, col, set, &v) == 0 && v >= 0)
		return v;
	return ini_conf_get_int(conf, global);
}

/* Hot swap, keep-alive, redundancy and load balancing of a proxy set. */
static void
agent_spec_proxyset_policy(struct agent_spec *sp, const struct ini_conf *conf,
			   long set)
{
	struct sipreg_binding_cfg *c = &sp->cfg;
	long lb;

	c->hotswap =
		agent_set_param(conf, set, INI_P_PROXYSET_IS_PROXY_HOT_SWAP,
				INI_P_IS_PROXY_HOT_SWAP) != 0 ||
		c->hotswap;
	c->keepalive = (enum sipreg_keepalive)agent_set_param(
		conf, set, INI_P_PROXYSET_ENABLE_PROXY_KEEP_ALIVE,
		INI_P_ENABLE_PROXY_KEEP_ALIVE);
	c->keepalive_s = (unsigned)agent_set_param(
		conf, set, INI_P_PROXYSET_PROXY_KEEP_ALIVE_TIME,
		INI_P_PROXY_KEEP_ALIVE_TIME);
	c->redundancy =
		agent_set_param(conf, set, INI_P_PROXYSET_PROXY_REDUNDANCY_MODE,
				INI_P_PROXY_REDUNDANCY_MODE) == 1
			? SIPREG_HOMING
			: SIPREG_PARKING;
	/* Random weights (2) need DNS SRV weights: spread as round robin. */
	lb = agent_set_param(conf, set,
			     INI_P_PROXYSET_PROXY_LOAD_BALANCING_METHOD,
			     INI_P_PROXY_LOAD_BALANCING_METHOD);
	c->load_balancing = lb >= 0 && lb <= 2 ? (unsigned)lb : 0;
	/* the engine counts each set's bindings in use per address */
	c->group = set >= 0 ? (unsigned)set + 1 : 0;
}

static void
agent_spec_copy(char *dst, const char *src)
{
	snprintf(dst, SPEC_STR, "%s", src ? src : "");
}

/* Point the cfg's strings at the spec's own storage. */
static void
agent_spec_link(struct agent_spec *sp)
{
	size_t i;

	sp->cfg.aor_user = sp->aor_user;
	sp->cfg.aor_host = sp->aor_host;
	sp->cfg.registrar = sp->registrar[0] ? sp->registrar : NULL;
	sp->cfg.contact_user = sp->contact_user[0] ? sp->contact_user : NULL;
	sp->cfg.auth_user = sp->auth_user[0] ? sp->auth_user : NULL;
	sp->cfg.password = sp->password;
	for (i = 0; i < sp->cfg.naddrs; i++)
		sp->cfg.addrs[i].host = sp->hosts[i];
}

/* The gateway binding; -ENOENT when IsRegisterNeeded=0. */
static int
agent_spec_gateway(struct agent_spec *sp, const struct ini_conf *conf,
		   char *err, size_t errlen)
{
	const char *user, *rip = ini_conf_get_str(conf, INI_P_REGISTRAR_IP);
	const char *rname = ini_conf_get_str(conf, INI_P_REGISTRAR_NAME);
	const char *pname = ini_conf_get_str(conf, INI_P_PROXY_NAME);
	const char *gwname = ini_conf_get_str(conf, INI_P_SIP_GATEWAY_NAME);

	if (ini_conf_get_int(conf, INI_P_IS_REGISTER_NEEDED) == 0 ||
	    ini_conf_get_int(conf, INI_P_AUTHENTICATION_MODE) == 0)
		return -ENOENT;
	user = ini_conf_get_str(conf, INI_P_GW_REGISTRATION_NAME);
	if (*user == '\0')
		user = ini_conf_get_str(conf, INI_P_USER_NAME);
	agent_spec_copy(sp->aor_user, user);
	agent_spec_copy(sp->auth_user, ini_conf_get_str(conf, INI_P_USER_NAME));
	agent_spec_copy(sp->password, ini_conf_get_str(conf, INI_P_PASSWORD));
	agent_spec_timers(sp, conf);
	sp->proxyset = -1;
	if (*rip != '\0') {
		if (agent_spec_addr(
			    sp, conf, rip,
			    ini_conf_get_int(conf,
					     INI_P_REGISTRAR_TRANSPORT_TYPE),
			    false) < 0)
			return agent_fail(err, errlen,
					  "RegistrarIP '%.48s' is not valid",
					  rip);
		agent_spec_proxyset_policy(sp, conf, -1); /* the globals */
	} else if (ini_conf_get_int(conf, INI_P_IS_PROXY_USED)) {
		sp->proxyset = 0;
		if (agent_spec_proxyset(sp, conf, 0, err, errlen) < 0)
			return -EINVAL;
		agent_spec_proxyset_policy(sp, conf, 0);
	}
	/* Request-URI host: RegistrarName, RegistrarIP, ProxyName, proxy. */
	agent_spec_copy(sp->registrar, *rname	? rname
				       : *rip	? sp->hosts[0]
				       : *pname ? pname
						: sp->hosts[0]);
	agent_spec_copy(sp->aor_host, *gwname ? gwname : sp->registrar);
	if (sp->aor_user[0] == '\0')
		return agent_fail(err, errlen,
				  "no GWRegistrationName/UserName");
	if (sp->cfg.naddrs == 0 && sp->proxyset == 0)
		return agent_fail(err, errlen, "proxy set 0 has no address");
	if (sp->cfg.naddrs == 0)
		return agent_fail(
			err, errlen,
			"no registrar: set RegistrarIP or proxy set 0");
	return 0;
}

/* Whether account idx registers (Account_Register and its trunk group). */
static int
agent_account_registers(const struct ini_conf *conf, long idx)
{
	long reg = 0, tg = -1, ipg = -1, t = LONG_MIN, id, mode;

	ini_conf_row_get_int(conf, INI_P_ACCOUNT_REGISTER, idx, &reg);
	ini_conf_row_get_int(conf, INI_P_ACCOUNT_SERVED_TRUNK_GROUP, idx, &tg);
	ini_conf_row_get_int(conf, INI_P_ACCOUNT_SERVED_IP_GROUP, idx, &ipg);
	if (reg != 1)
		return 0;
	if (ipg >= 0)
		return 1;
	while (tg >= 0 && ini_conf_row_next(conf, INI_TABLE_TRUNKGROUPSETTINGS,
					    t, &t) == 0) {
		if (ini_conf_row_get_int(conf, INI_P_TGS_TRUNK_GROUP_ID, t,
					 &id) == 0 &&
		    id == tg &&
		    ini_conf_row_get_int(conf, INI_P_TGS_REGISTRATION_MODE, t,
					 &mode) == 0)
			return mode == 5;
	}
	return 0;
}

static int
agent_spec_account(struct agent_spec *sp, const struct ini_conf *conf, long idx,
		   char *err, size_t errlen)
{
	const char *cu, *host, *user, *pw, *gcu = "", *gname = "";
	long ipg = -1, set = -1;
	int group = 0;

	if (!agent_account_registers(conf, idx))
		return -ENOENT;
	ini_conf_row_get_int(conf, INI_P_ACCOUNT_SERVING_IP_GROUP, idx, &ipg);
	ini_conf_row_get_str(conf, INI_P_ACCOUNT_CONTACT_USER, idx, &cu);
	ini_conf_row_get_str(conf, INI_P_ACCOUNT_HOST_NAME, idx, &host);
	ini_conf_row_get_str(conf, INI_P_ACCOUNT_USERNAME, idx, &user);
	ini_conf_row_get_str(conf, INI_P_ACCOUNT_PASSWORD, idx, &pw);
	if (ipg >= 0 && ini_conf_row_exists(conf, INI_TABLE_IPGROUP, ipg)) {
		group = 1;
		ini_conf_row_get_int(conf, INI_P_IPGROUP_PROXY_SET_ID, ipg,
				     &set);
		ini_conf_row_get_str(conf, INI_P_IPGROUP_CONTACT_USER, ipg,
				     &gcu);
		ini_conf_row_get_str(conf, INI_P_IPGROUP_SIP_GROUP_NAME, ipg,
				     &gname);
	}
	agent_spec_copy(sp->aor_user, *cu ? cu : gcu);
	agent_spec_copy(sp->aor_host, *host ? host : gname);
	agent_spec_copy(sp->auth_user, user);
	agent_spec_copy(sp->password, pw);
	agent_spec_copy(sp->registrar, sp->aor_host);
	agent_spec_timers(sp, conf);
	sp->proxyset = (int)set;
	if (set >= 0 && agent_spec_proxyset(sp, conf, set, err, errlen) < 0)
		return -EINVAL;
	agent_spec_proxyset_policy(sp, conf, set);
	if (ipg < 0)
		return agent_fail(err, errlen, "no serving IP group");
	if (!group)
		return agent_fail(err, errlen,
				  "serving IP group %ld does not exist", ipg);
	if (set < 0)
		return agent_fail(err, errlen, "IP group %ld has no proxy set",
				  ipg);
	if (sp->cfg.naddrs == 0)
		return agent_fail(err, errlen, "proxy set %ld has no address",
				  set);
	if (sp->aor_user[0] == '\0')
		return agent_fail(err, errlen,
				  "no contact user (Account_ContactUser or "
				  "the IP group's ContactUser)");
	if (sp->aor_host[0] == '\0')
		return agent_fail(err, errlen,
				  "no host name (Account_HostName or the IP "
				  "group's SIPGroupName)");
	return 0;
}

/* ---- trunk groups and endpoints (issue 14 item 3) --------------------- */

long
agent_endpoint_id(long module, long trunk, long channel)
{
	if (module < 0 || module > 255 || trunk < 0 || trunk > 255 ||
	    channel < 0 || channel > 4095)
		return -1;
	return module * 1048576L + trunk * 4096L + channel;
}

/* The TrunkGroupSettings row of trunk group tg, or LONG_MIN. */
static long
agent_tgs_row(const struct ini_conf *conf, long tg)
{
	long t = LONG_MIN, id;

	while (ini_conf_row_next(conf, INI_TABLE_TRUNKGROUPSETTINGS, t, &t) ==
	       0)
		if (ini_conf_row_get_int(conf, INI_P_TGS_TRUNK_GROUP_ID, t,
					 &id) == 0 &&
		    id == tg)
			return t;
	return LONG_MIN;
}

int
agent_tg_mode(const struct ini_conf *conf, long tg)
{
	long row = agent_tgs_row(conf, tg), mode = -1;

	if (row != LONG_MIN)
		ini_conf_row_get_int(conf, INI_P_TGS_REGISTRATION_MODE, row,
				     &mode);
	if (mode == 0 || mode == 1 || mode == 4 || mode == 5)
		return (int)mode;
	return (int)ini_conf_get_int(conf, INI_P_AUTHENTICATION_MODE);
}

/* Whether endpoint e registers on its own (per endpoint). */
static bool
agent_ep_registers(const struct ini_conf *conf, const struct ini_endpoint *e,
		   int mode)
{
	(void)conf;
	return mode == 0 || (mode == 3 && e->trunk == 255);
}

static int
agent_key_cmp(const void *a, const void *b)
{
	const struct agent_key *x = a, *y = b;

	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/*
 * Every binding conf asks for, sorted by (type, id), each key once (of
 * two endpoints on the same module, trunk and channel the first row's
 * wins; *dups counts the others).  Endpoints that cannot be expanded
 * (a configuration ini_conf_check() would refuse) are left out, the
 * error in *eperr.  *out owned by the caller.  dups and eperr may be
 * NULL.
 */
static int
agent_keys_collect(const struct ini_conf *conf, struct agent_key **out,
		   size_t *n, size_t *dups, int *eperr)
{
	struct ini_endpoint *eps = NULL;
	struct agent_key *v;
	size_t neps = 0, i, k = 0, w;
	long idx = LONG_MIN;
	bool reg = ini_conf_get_int(conf, INI_P_IS_REGISTER_NEEDED) == 1;
	bool dev_ep = ini_conf_get_int(conf, INI_P_AUTHENTICATION_MODE) == 0;
	int rc, mode = -1;

	*out = NULL;
	*n = 0;
	if (dups != NULL)
		*dups = 0;
	if ((rc = ini_conf_endpoints(conf, &eps, &neps)) < 0) {
		if (rc == -ENOMEM)
			return rc;
		eps = NULL;
		neps = 0;
	}
	if (eperr != NULL)
		*eperr = rc;
	v = calloc(1 + ini_conf_row_count(conf, INI_TABLE_ACCOUNT) + 2 * neps,
		   sizeof(*v));
	if (v == NULL) {
		free(eps);
		return -ENOMEM;
	}
	v[k].type = AGENT_BINDING_GATEWAY;
	v[k].tg = -1;
	v[k].seq = k;
	k++;
	while (ini_conf_row_next(conf, INI_TABLE_ACCOUNT, idx, &idx) == 0) {
		long tg = -1;

		ini_conf_row_get_int(conf, INI_P_ACCOUNT_SERVED_TRUNK_GROUP,
				     idx, &tg);
		v[k].type = AGENT_BINDING_ACCOUNT;
		v[k].id = idx;
		v[k].tg = tg;
		v[k].seq = k;
		k++;
	}
	for (i = 0; reg && i < neps; i++) {
		const struct ini_endpoint *e = &eps[i];

		if (i == 0 || e->tg != eps[i - 1].tg)
			mode = agent_tg_mode(conf, e->tg);
		if (agent_ep_registers(conf, e, mode)) {
			v[k].type = AGENT_BINDING_ENDPOINT;
			v[k].id = agent_endpoint_id(e->module, e->trunk,
						    e->channel);
			if (v[k].id < 0)
				continue; /* out of the catalog's ranges */
		} else if (mode == 1 && dev_ep) {
			v[k].type = AGENT_BINDING_TRUNKGROUP;
			v[k].id = e->tg;
		} else {
			continue;
		}
		v[k].tg = e->tg;
		v[k].ep = *e;
		v[k].seq = k;
		k++;
	}
	free(eps);
	qsort(v, k, sizeof(*v), agent_key_cmp);
	for (i = 0, w = 0; i < k; i++) {
		if (w > 0 && v[w - 1].type == v[i].type &&
		    v[w - 1].id == v[i].id) {
			/* a trunk group's other endpoints are not duplicates */
			if (dups != NULL && v[i].type == AGENT_BINDING_ENDPOINT)
				(*dups)++;
			continue;
		}
		v[w++] = v[i];
	}
	*out = v;
	*n = w;
	return 0;
}

/* The key (type, id) of conf, or -ENOENT (kv: storage for it). */
static int
agent_key_find(const struct ini_conf *conf, int type, long id,
	       struct agent_key *kv)
{
	struct agent_key *v, want = { .type = type, .id = id }, *hit = NULL;
	size_t n, lo = 0, hi, mid;
	int rc;

	if ((rc = agent_keys_collect(conf, &v, &n, NULL, NULL)) < 0)
		return rc;
	hi = n;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (v[mid].type == type && v[mid].id == id) {
			hit = &v[mid];
			break;
		}
		want.seq = v[mid].seq;
		if (agent_key_cmp(&v[mid], &want) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (hit != NULL)
		*kv = *hit;
	free(v);
	return hit != NULL ? 0 : -ENOENT;
}

/* The Request-URI host when nothing more specific names one:
 * RegistrarName, RegistrarIP, ProxyName, the first proxy. */
static void
agent_spec_ruri_default(struct agent_spec *sp, const struct ini_conf *conf)
{
	const char *rip = ini_conf_get_str(conf, INI_P_REGISTRAR_IP);
	const char *rname = ini_conf_get_str(conf, INI_P_REGISTRAR_NAME);
	const char *pname = ini_conf_get_str(conf, INI_P_PROXY_NAME);
	char host[SPEC_STR];
	uint16_t port;

	if (*rname != '\0')
		agent_spec_copy(sp->registrar, rname);
	else if (*rip != '\0' &&
		 agent_addr_parse(rip, host, sizeof(host), &port) == 0)
		agent_spec_copy(sp->registrar, host);
	else if (*pname != '\0')
		agent_spec_copy(sp->registrar, pname);
	else
		agent_spec_copy(sp->registrar, sp->hosts[0]);
}

/*
 * Target, Request-URI host and AOR host of trunk group tg's own
 * registrations (per endpoint, and per gateway in a per-endpoint
 * device): the serving IP group's proxy set and SIPGroupName, else proxy
 * set 0 when IsProxyUsed=1, else RegistrarIP (Mediant 2000 User's Manual
 * v6.6, p. 283); AOR host the trunk group's GatewayName, else
 * SIPGatewayName, else the Request-URI host.
 */
static int
agent_spec_tg_target(struct agent_spec *sp, const struct ini_conf *conf,
		     long tg, char *err, size_t errlen)
{
	long row = agent_tgs_row(conf, tg), ipg = -1, set = -1;
	const char *gname = "", *tgname = "";
	const char *rip = ini_conf_get_str(conf, INI_P_REGISTRAR_IP);
	const char *gwname = ini_conf_get_str(conf, INI_P_SIP_GATEWAY_NAME);

	if (row != LONG_MIN) {
		ini_conf_row_get_int(conf, INI_P_TGS_SERVING_IP_GROUP, row,
				     &ipg);
		ini_conf_row_get_str(conf, INI_P_TGS_GATEWAY_NAME, row,
				     &tgname);
	}
	agent_spec_timers(sp, conf);
	sp->proxyset = -1;
	if (ipg >= 0) {
		if (!ini_conf_row_exists(conf, INI_TABLE_IPGROUP, ipg))
			return agent_fail(err, errlen,
					  "serving IP group %ld does not "
					  "exist",
					  ipg);
		ini_conf_row_get_int(conf, INI_P_IPGROUP_PROXY_SET_ID, ipg,
				     &set);
		ini_conf_row_get_str(conf, INI_P_IPGROUP_SIP_GROUP_NAME, ipg,
				     &gname);
		if (set < 0)
			return agent_fail(err, errlen,
					  "IP group %ld has no proxy set", ipg);
		sp->proxyset = (int)set;
		if (agent_spec_proxyset(sp, conf, set, err, errlen) < 0)
			return -EINVAL;
		agent_spec_proxyset_policy(sp, conf, set);
		if (sp->cfg.naddrs == 0)
			return agent_fail(err, errlen,
					  "proxy set %ld has no address", set);
	} else if (ini_conf_get_int(conf, INI_P_IS_PROXY_USED)) {
		sp->proxyset = 0;
		if (agent_spec_proxyset(sp, conf, 0, err, errlen) < 0)
			return -EINVAL;
		agent_spec_proxyset_policy(sp, conf, 0);
		if (sp->cfg.naddrs == 0)
			return agent_fail(err, errlen,
					  "proxy set 0 has no address");
	} else if (*rip != '\0') {
		if (agent_spec_addr(
			    sp, conf, rip,
			    ini_conf_get_int(conf,
					     INI_P_REGISTRAR_TRANSPORT_TYPE),
			    false) < 0)
			return agent_fail(err, errlen,
					  "RegistrarIP '%.48s' is not valid",
					  rip);
		agent_spec_proxyset_policy(sp, conf, -1);
	} else {
		return agent_fail(err, errlen,
				  "no registrar: set the trunk group's "
				  "serving IP group, proxy set 0 or "
				  "RegistrarIP");
	}
	if (*gname != '\0')
		agent_spec_copy(sp->registrar, gname);
	else
		agent_spec_ruri_default(sp, conf);
	agent_spec_copy(sp->aor_host, *tgname	? tgname
				      : *gwname ? gwname
						: sp->registrar);
	return 0;
}

/* An endpoint's binding (the key's endpoint). */
static int
agent_spec_endpoint(struct agent_spec *sp, const struct ini_conf *conf,
		    const struct agent_key *k, char *err, size_t errlen)
{
	const struct ini_endpoint *e = &k->ep;
	const char *user = NULL, *pw = NULL;
	int rc;

	if ((rc = agent_spec_tg_target(sp, conf, e->tg, err, errlen)) < 0)
		return rc;
	agent_spec_copy(sp->aor_user, e->phone);
	/* Authentication row, its empty fields from the phone number and
	 * Password (MediaPack MP-500 SIP User's Manual v5.8, p. 337) */
	if (ini_conf_endpoint_auth(conf, e, &user, &pw) < 0)
		user = pw = NULL;
	agent_spec_copy(sp->auth_user,
			user != NULL && *user != '\0' ? user : e->phone);
	agent_spec_copy(sp->password,
			pw != NULL && *pw != '\0'
				? pw
				: ini_conf_get_str(conf, INI_P_PASSWORD));
	if (e->phone[0] == '\0')
		return agent_fail(err, errlen,
				  "trunk group %ld, trunk %ld, channel %ld "
				  "has no phone number",
				  e->tg, e->trunk, e->channel);
	return 0;
}

/* The one binding of a per-gateway trunk group in a per-endpoint
 * device. */
static int
agent_spec_trunkgroup(struct agent_spec *sp, const struct ini_conf *conf,
		      const struct agent_key *k, char *err, size_t errlen)
{
	const char *user;
	int rc;

	if ((rc = agent_spec_tg_target(sp, conf, k->tg, err, errlen)) < 0)
		return rc;
	user = ini_conf_get_str(conf, INI_P_GW_REGISTRATION_NAME);
	if (*user == '\0')
		user = ini_conf_get_str(conf, INI_P_USER_NAME);
	agent_spec_copy(sp->aor_user, user);
	agent_spec_copy(sp->auth_user, ini_conf_get_str(conf, INI_P_USER_NAME));
	agent_spec_copy(sp->password, ini_conf_get_str(conf, INI_P_PASSWORD));
	if (sp->aor_user[0] == '\0')
		return agent_fail(err, errlen,
				  "no GWRegistrationName/UserName");
	return 0;
}

static void
agent_spec_digest(const struct agent_spec *sp, unsigned char out[16])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	struct sipreg_binding_cfg c = sp->cfg;
	size_t i;

	/* Hash values, not the pointers the cfg holds. */
	c.aor_user = c.aor_host = c.registrar = NULL;
	c.contact_user = c.auth_user = c.password = NULL;
	for (i = 0; i < SIPREG_MAX_ADDRS; i++)
		c.addrs[i].host = NULL;
	{
		EVP_MD_CTX *ctx = EVP_MD_CTX_new();

		if (ctx != NULL && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) &&
		    EVP_DigestUpdate(ctx, sp,
				     offsetof(struct agent_spec, cfg)) &&
		    EVP_DigestUpdate(ctx, &c, sizeof(c)) &&
		    EVP_DigestUpdate(ctx, &sp->proxyset, sizeof(sp->proxyset)))
			EVP_DigestFinal_ex(ctx, md, &mdlen);
		EVP_MD_CTX_free(ctx);
	}
	memset(out, 0, 16);
	memcpy(out, md, mdlen < 16 ? mdlen : 16);
	OPENSSL_cleanse(md, sizeof(md));
}

/* ---- the binding list ----------------------------------------------- */

static int
agent_binding_cmp(int ta, long ia, int tb, long ib)
{
	if (ta != tb)
		return ta < tb ? -1 : 1;
	return ia < ib ? -1 : ia > ib;
}

static size_t
agent_bindings_lower(const struct agent_bindings *bs, int type, long id)
{
	size_t lo = 0, hi = bs->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (agent_binding_cmp(bs->v[mid]->type, bs->v[mid]->id, type,
				      id) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct agent_binding *
agent_bindings_find(const struct agent_bindings *bs, int type, long id)
{
	size_t i = agent_bindings_lower(bs, type, id);

	if (i < bs->n && bs->v[i]->type == type && bs->v[i]->id == id)
		return bs->v[i];
	return NULL;
}

struct agent_binding *
agent_bindings_next(const struct agent_bindings *bs, int type, long id)
{
	size_t i = agent_bindings_lower(bs, type, id);

	if (i < bs->n && bs->v[i]->type == type && bs->v[i]->id == id)
		i++;
	return i < bs->n ? bs->v[i] : NULL;
}

size_t
agent_bindings_count(const struct agent_bindings *bs)
{
	return bs->n;
}

struct agent_binding *
agent_bindings_at(const struct agent_bindings *bs, size_t i)
{
	return i < bs->n ? bs->v[i] : NULL;
}

static void
agent_bindings_status_cb(struct sipreg_binding *b,
			 const struct sipreg_status *st, void *arg)
{
	struct agent_bindings *bs = arg;
	struct agent_binding *ab = sipreg_binding_user(b);

	if (ab == NULL || ab->b != b)
		return; /* a binding being removed */
	if (bs->history > 0 &&
	    (ab->rec != NULL || agent_rec_create(&ab->rec, bs->history) == 0))
		agent_rec_feed(ab->rec, st, agent_event_now(bs->ev),
			       (int64_t)time(NULL));
	if (bs->h != NULL)
		bs->h(ab, st, bs->arg);
}

int
agent_bindings_create(struct agent_bindings **out, struct agent_event *ev,
		      const struct agent_sip_conf *conf, agent_binding_h *h,
		      void *arg)
{
	struct agent_bindings *bs;
	int rc;

	if (out == NULL)
		return -EINVAL;
	bs = calloc(1, sizeof(*bs));
	if (bs == NULL)
		return -ENOMEM;
	bs->h = h;
	bs->arg = arg;
	bs->ev = ev;
	bs->start_ms = agent_event_now(ev);
	bs->history = conf->history_depth <= AGENT_REC_DEPTH_MAX
			      ? conf->history_depth
			      : AGENT_REC_DEPTH_MAX;
	rc = agent_sip_create(&bs->sip, ev, conf, agent_bindings_status_cb, bs);
	if (rc < 0) {
		free(bs);
		return rc;
	}
	*out = bs;
	return 0;
}

static void
agent_binding_free(struct agent_binding *ab, int unregister)
{
	if (unregister)
		ab->owner->last.removed++;
	if (ab->b != NULL) {
		sipreg_binding_remove(ab->b, unregister != 0);
		ab->b = NULL;
	}
	free(ab->aor);
	free(ab->error);
	agent_rec_destroy(ab->rec);
	free(ab);
}

void
agent_bindings_destroy(struct agent_bindings *bs)
{
	size_t i;

	if (bs == NULL)
		return;
	for (i = 0; i < bs->n; i++)
		agent_binding_free(bs->v[i], 0);
	free(bs->v);
	agent_sip_destroy(bs->sip);
	free(bs);
}

static void
agent_counters_add(struct sipreg_counters *to, const struct sipreg_counters *c)
{
	to->sent += c->sent;
	to->ok += c->ok;
	to->challenged += c->challenged;
	to->failed += c->failed;
	to->timeouts += c->timeouts;
	to->transport += c->transport;
}

/* Remove the engine binding, keeping what it counted for the row. */
static void
agent_binding_drop(struct agent_binding *ab, int unregister)
{
	struct sipreg_status st;

	if (ab->b == NULL)
		return;
	if (sipreg_binding_status(ab->b, &st) == 0)
		agent_counters_add(&ab->base, &st.counters);
	sipreg_binding_set_trace(ab->b, false); /* the row goes: no name */
	sipreg_binding_remove(ab->b, unregister != 0);
	ab->b = NULL;
}

const char *
agent_binding_kind(int type)
{
	switch (type) {
	case AGENT_BINDING_GATEWAY:
		return "gateway";
	case AGENT_BINDING_ACCOUNT:
		return "account";
	case AGENT_BINDING_ENDPOINT:
		return "endpoint";
	case AGENT_BINDING_TRUNKGROUP:
		return "trunk-group";
	default:
		return "binding";
	}
}

/* The binding cannot run with this configuration: state failed, the
 * reason in its last error, and the handler raises the alarm. */
static void
agent_binding_refuse(struct agent_bindings *bs, struct agent_binding *ab,
		     const char *why)
{
	struct sipreg_status st;
	int was_usable = ab->b != NULL;
	int same = ab->error != NULL && strcmp(ab->error, why) == 0;

	agent_binding_drop(ab, 1);
	memset(ab->digest, 0, sizeof(ab->digest));
	if (!same) {
		free(ab->error);
		ab->error = strdup(why);
	}
	if (!was_usable && same && ab->failed)
		return; /* already reported */
	if (ab->type == AGENT_BINDING_ENDPOINT)
		log_warnx("config", "endpoint %ld/%ld/%ld cannot register: %s",
			  ab->module, ab->trunk, ab->channel,
			  ab->error != NULL ? ab->error : why);
	else
		log_warnx("config", "%s %ld cannot register: %s",
			  agent_binding_kind(ab->type), ab->id,
			  ab->error != NULL ? ab->error : why);
	if (bs->h != NULL && agent_binding_status(ab, &st) == 0)
		bs->h(ab, &st, bs->arg);
}

/* Bring one binding in line with its spec (rc: the derivation result). */
static void
agent_binding_apply(struct agent_bindings *bs, struct agent_binding *ab,
		    struct agent_spec *sp, int rc, const char *err, int start)
{
	unsigned char dg[16];
	char why[96], aor[264];
	int r;

	ab->proxyset = sp->proxyset;
	snprintf(aor, sizeof(aor), "sip:%s@%s", sp->aor_user, sp->aor_host);
	if (ab->aor == NULL || strcmp(ab->aor, aor) != 0) {
		char *copy = strdup(aor);

		if (copy != NULL) { /* else the old one stays */
			free(ab->aor);
			ab->aor = copy;
		}
	}
	if (rc < 0) {
		agent_binding_refuse(bs, ab, err);
		return;
	}
	agent_spec_link(sp);
	agent_spec_digest(sp, dg);
	if (ab->b != NULL && memcmp(dg, ab->digest, sizeof(dg)) == 0)
		return; /* unaffected by this change */
	/* What the engine would refuse, in words, before asking it. */
	if (sipreg_binding_cfg_check(&sp->cfg, why, sizeof(why)) < 0) {
		agent_binding_refuse(bs, ab, why);
		return;
	}
	memcpy(ab->digest, dg, sizeof(dg));
	free(ab->error);
	ab->error = NULL;
	if (ab->b != NULL) {
		bs->last.updated++;
		r = sipreg_binding_update(ab->b, &sp->cfg);
		if (r == 0)
			return;
		agent_binding_drop(ab, 1);
	} else {
		bs->last.added++;
		r = sipreg_binding_add(agent_sip_engine(bs->sip), &sp->cfg, ab,
				       &ab->b);
		if (r == 0 && start)
			sipreg_binding_register(ab->b);
	}
	if (r < 0) {
		ab->b = NULL;
		snprintf(why, sizeof(why), "%s",
			 r == -ENOTSUP	? "address needs DNS or an unsupported "
					  "transport"
			 : r == -ENOMEM ? "out of memory"
					: "the SIP engine refused the binding");
		agent_binding_refuse(bs, ab, why);
	}
}

/* Where binding ab is, from its key (they may change with the rows). */
static void
agent_binding_place(struct agent_binding *ab, const struct agent_key *k)
{
	bool ep = k->type == AGENT_BINDING_ENDPOINT;

	ab->tg = k->tg;
	ab->module = ep ? k->ep.module : -1;
	ab->trunk = ep ? k->ep.trunk : -1;
	ab->channel = ep ? k->ep.channel : -1;
	snprintf(ab->phone, sizeof(ab->phone), "%s", ep ? k->ep.phone : "");
}

static struct agent_binding *
agent_binding_new(struct agent_bindings *bs, int type, long id)
{
	struct agent_binding *ab = calloc(1, sizeof(*ab));

	if (ab == NULL)
		return NULL;
	ab->type = type;
	ab->id = id;
	ab->proxyset = -1;
	ab->tg = ab->module = ab->trunk = ab->channel = -1;
	ab->owner = bs;
	/* Counters start now: at the agent's start, or later (TimeTicks,
	 * never 0 then, so that a manager sees the discontinuity). */
	if (bs->nsync > 0) {
		uint64_t ticks = (agent_event_now(bs->ev) - bs->start_ms) / 10;

		ab->disc = ticks == 0 ? 1 : (uint32_t)ticks;
	}
	return ab;
}

/* Derive the spec of key k from conf. */
static int
agent_spec_derive(struct agent_spec *sp, const struct ini_conf *conf,
		  const struct agent_key *k, char *err, size_t errlen)
{
	memset(sp, 0, sizeof(*sp));
	sp->proxyset = -1;
	err[0] = '\0';
	switch (k->type) {
	case AGENT_BINDING_GATEWAY:
		return agent_spec_gateway(sp, conf, err, errlen);
	case AGENT_BINDING_ACCOUNT:
		return agent_spec_account(sp, conf, k->id, err, errlen);
	case AGENT_BINDING_ENDPOINT:
		return agent_spec_endpoint(sp, conf, k, err, errlen);
	case AGENT_BINDING_TRUNKGROUP:
		return agent_spec_trunkgroup(sp, conf, k, err, errlen);
	default:
		return -ENOENT;
	}
}

/* Append (type, id) to the new list, reusing the old binding if any. */
static int
agent_bindings_merge_one(struct agent_bindings *bs, struct agent_binding ***nv,
			 size_t *nn, size_t *oi, const struct ini_conf *conf,
			 const struct agent_key *k, int start)
{
	struct agent_spec *sp;
	struct agent_binding *ab = NULL;
	int type = k->type;
	long id = k->id;
	char err[96];
	int rc;

	sp = malloc(sizeof(*sp));
	if (sp == NULL)
		return -ENOMEM;
	rc = agent_spec_derive(sp, conf, k, err, sizeof(err));
	/* Old bindings before this key are gone from the configuration. */
	while (*oi < bs->n && agent_binding_cmp(bs->v[*oi]->type,
						bs->v[*oi]->id, type, id) < 0)
		agent_binding_free(bs->v[(*oi)++], 1);
	if (*oi < bs->n && bs->v[*oi]->type == type && bs->v[*oi]->id == id)
		ab = bs->v[(*oi)++];
	if (rc == -ENOENT) {
		if (ab != NULL)
			agent_binding_free(ab, 1);
		OPENSSL_cleanse(sp, sizeof(*sp));
		free(sp);
		return 0;
	}
	if (ab == NULL && (ab = agent_binding_new(bs, type, id)) == NULL) {
		free(sp);
		return -ENOMEM;
	}
	agent_binding_place(ab, k);
	agent_binding_apply(bs, ab, sp, rc, err, start);
	OPENSSL_cleanse(sp, sizeof(*sp));
	free(sp);
	(*nv)[(*nn)++] = ab;
	return 0;
}

int
agent_bindings_sync(struct agent_bindings *bs, const struct ini_conf *conf,
		    int start)
{
	struct agent_binding **nv;
	struct agent_key *keys;
	size_t nn = 0, oi = 0, total, i, dups;
	int rc = 0, eperr;

	if ((rc = agent_keys_collect(conf, &keys, &total, &dups, &eperr)) < 0)
		return rc;
	if (eperr < 0)
		log_warnx("config",
			  "the TrunkGroup table cannot be expanded (%s): no "
			  "endpoint registers",
			  strerror(-eperr));
	nv = calloc(total ? total : 1, sizeof(*nv));
	if (nv == NULL) {
		free(keys);
		return -ENOMEM;
	}
	if (dups > 0)
		log_warnx("config",
			  "%zu endpoints share their module, trunk and "
			  "channel with an earlier TrunkGroup row: only the "
			  "first registers",
			  dups);
	memset(&bs->last, 0, sizeof(bs->last));
	for (i = 0; rc == 0 && i < total; i++)
		rc = agent_bindings_merge_one(bs, &nv, &nn, &oi, conf, &keys[i],
					      start);
	free(keys);
	/* per endpoint with nothing to register per endpoint: say so */
	for (i = 0; i < nn && nv[i]->type != AGENT_BINDING_ENDPOINT &&
		    nv[i]->type != AGENT_BINDING_TRUNKGROUP;
	     i++)
		;
	if (rc == 0 && i == nn &&
	    ini_conf_get_int(conf, INI_P_IS_REGISTER_NEEDED) == 1 &&
	    ini_conf_get_int(conf, INI_P_AUTHENTICATION_MODE) == 0)
		log_warnx(
			"config",
			"AuthenticationMode 0 (per endpoint) sends no gateway "
			"registration, and no trunk group registers per "
			"endpoint or per gateway (TrunkGroup table)");
	while (oi < bs->n) /* after the last key, or on error */
		agent_binding_free(bs->v[oi++], 1);
	free(bs->v);
	bs->v = nv;
	bs->n = nn;
	bs->cap = total;
	bs->nsync++;
	(void)sipreg_engine_set_dns_refresh(
		agent_sip_engine(bs->sip),
		(unsigned)ini_conf_get_int(conf,
					   INI_P_PROXY_IP_LIST_REFRESH_TIME));
	agent_sip_sync(bs->sip);
	log_info("config", "bindings: %zu (%u added, %u updated, %u removed)",
		 bs->n, bs->last.added, bs->last.updated, bs->last.removed);
	return rc;
}

const struct agent_sync_stats *
agent_bindings_last_sync(const struct agent_bindings *bs)
{
	return &bs->last;
}

/* ---- actions and status ---------------------------------------------- */

int
agent_binding_action(struct agent_binding *ab, int action)
{
	int rc = -ENOENT;

	if (ab->b == NULL) /* unusable: nothing registered to undo */
		return action == AGENT_ACTION_UNREGISTER ? 0 : -ENOENT;
	switch (action) {
	case AGENT_ACTION_REGISTER:
		rc = sipreg_binding_register(ab->b);
		break;
	case AGENT_ACTION_UNREGISTER:
		rc = sipreg_binding_unregister(ab->b);
		break;
	case AGENT_ACTION_REFRESH:
		rc = sipreg_binding_refresh(ab->b);
		break;
	default:
		return -EINVAL;
	}
	agent_sip_sync(ab->owner->sip);
	return rc;
}

int
agent_bindings_action_all(struct agent_bindings *bs, int action)
{
	size_t i;

	for (i = 0; i < bs->n; i++)
		if (bs->v[i]->b != NULL)
			agent_binding_action(bs->v[i], action);
	return 0;
}

int
agent_bindings_action_tg(struct agent_bindings *bs, long tg, int action,
			 size_t *n)
{
	size_t i, k = 0;

	if (bs == NULL || tg < 0 || action < AGENT_ACTION_REGISTER ||
	    action > AGENT_ACTION_REFRESH)
		return -EINVAL;
	for (i = 0; i < bs->n; i++) {
		if (bs->v[i]->tg != tg)
			continue;
		k++;
		/* an unusable one: nothing to do, as agent_binding_action() */
		if (bs->v[i]->b != NULL)
			agent_binding_action(bs->v[i], action);
	}
	if (n != NULL)
		*n = k;
	return k > 0 ? 0 : -ENOENT;
}

void
agent_binding_where(const struct agent_binding *ab,
		    struct agent_binding_where *w)
{
	w->tg = ab->tg;
	w->module = ab->module;
	w->trunk = ab->trunk;
	w->channel = ab->channel;
	w->phone = ab->phone;
}

int
agent_binding_status(const struct agent_binding *ab, struct sipreg_status *st)
{
	if (ab->b != NULL) {
		if (sipreg_binding_status(ab->b, st) < 0)
			return -EINVAL;
		agent_counters_add(&st->counters, &ab->base);
		return 0;
	}
	memset(st, 0, sizeof(*st));
	st->counters = ab->base;
	st->state = SIPREG_FAILED;
	st->addr_index = -1;
	st->refresh_in = -1;
	snprintf(st->last_error, sizeof(st->last_error), "%s",
		 ab->error != NULL ? ab->error : "");
	return 0;
}

const char *
agent_binding_aor(const struct agent_binding *ab)
{
	return ab->aor != NULL ? ab->aor : "";
}

size_t
agent_bindings_registered(const struct agent_bindings *bs)
{
	struct sipreg_status st;
	size_t i, n = 0;

	for (i = 0; i < bs->n; i++)
		if (bs->v[i]->b != NULL &&
		    sipreg_binding_status(bs->v[i]->b, &st) == 0 &&
		    (st.state == SIPREG_REGISTERED ||
		     st.state == SIPREG_REFRESHING))
			n++;
	return n;
}

int
agent_binding_type(const struct agent_binding *ab)
{
	return ab->type;
}

long
agent_binding_id(const struct agent_binding *ab)
{
	return ab->id;
}

int
agent_binding_proxyset(const struct agent_binding *ab)
{
	return ab->proxyset;
}

const struct sipreg_binding *
agent_binding_engine(const struct agent_binding *ab)
{
	return ab->b;
}

int
agent_binding_cand_status(const struct agent_binding *ab, size_t i, size_t k,
			  struct sipreg_cand_status *out)
{
	if (ab->b == NULL)
		return -EINVAL;
	return sipreg_binding_cand_status(ab->b, i, k, out) < 0 ? -ENOENT : 0;
}

int
agent_binding_addr_status(const struct agent_binding *ab, size_t i,
			  struct sipreg_addr_status *out)
{
	if (ab->b == NULL)
		return -EINVAL;
	return sipreg_binding_addr_status(ab->b, i, out) < 0 ? -ENOENT : 0;
}

int
agent_binding_set_trace(struct agent_binding *ab, int on)
{
	if (ab == NULL)
		return -EINVAL;
	return ab->b != NULL ? sipreg_binding_set_trace(ab->b, on != 0) : 0;
}

const struct agent_rec *
agent_binding_history(const struct agent_binding *ab)
{
	return ab->rec;
}

int *
agent_binding_alarm_flag(struct agent_binding *ab)
{
	return &ab->failed;
}

int
agent_binding_usable(const struct agent_binding *ab)
{
	return ab->b != NULL;
}

uint32_t
agent_binding_discontinuity(const struct agent_binding *ab)
{
	return ab->disc;
}

struct agent_sip *
agent_bindings_sip(const struct agent_bindings *bs)
{
	return bs->sip;
}

static const char *
agent_tp_name(enum sipreg_transport t)
{
	return t == SIPREG_TP_TCP ? "tcp" : t == SIPREG_TP_TLS ? "tls" : "udp";
}

int
agent_binding_describe(const struct ini_conf *conf, int type, long id,
		       char *buf, size_t len)
{
	struct agent_spec *sp;
	struct agent_key k;
	char err[96];
	size_t i, used;
	bool dns;
	int rc;

	if ((rc = agent_key_find(conf, type, id, &k)) == -ENOENT) {
		snprintf(buf, len, "none");
		return 0;
	}
	if (rc < 0)
		return rc;
	if ((sp = malloc(sizeof(*sp))) == NULL)
		return -ENOMEM;
	rc = agent_spec_derive(sp, conf, &k, err, sizeof(err));
	if (rc == 0) { /* what sipreg_binding_add() would refuse */
		agent_spec_link(sp);
		if (sipreg_binding_cfg_check(&sp->cfg, err, sizeof(err)) < 0)
			rc = -EINVAL;
	}
	if (rc == -ENOENT) {
		snprintf(buf, len, "none");
	} else if (rc < 0) {
		snprintf(buf, len, "error: %s", err);
	} else {
		used = (size_t)snprintf(
			buf, len,
			"aor=%s@%s ruri=%s auth=%s set=%d addrs=", sp->aor_user,
			sp->aor_host, sp->registrar, sp->auth_user,
			sp->proxyset);
		for (i = 0; i < sp->cfg.naddrs && used < len; i++)
			used += (size_t)snprintf(
				buf + used, len - used, "%s%s:%u/%s",
				i ? "," : "", sp->hosts[i],
				sp->cfg.addrs[i].port,
				agent_tp_name(sp->cfg.addrs[i].transport));
		if (used < len)
			snprintf(buf + used, len - used,
				 " expires=%u hotswap=%d ka=%d/%u homing=%d "
				 "rr=%u",
				 (unsigned)sp->cfg.expires, sp->cfg.hotswap,
				 (int)sp->cfg.keepalive, sp->cfg.keepalive_s,
				 sp->cfg.redundancy == SIPREG_HOMING,
				 sp->cfg.load_balancing);
		/* DNS lookups, when any is not A/AAAA */
		for (i = 0; i < sp->cfg.naddrs &&
			    sp->cfg.addrs[i].dns_query == SIPREG_DNS_A;
		     i++)
			;
		for (dns = i < sp->cfg.naddrs, i = 0; dns && i < sp->cfg.naddrs;
		     i++) {
			used = strlen(buf);
			if (used < len)
				snprintf(buf + used, len - used, "%s%d",
					 i ? "," : " dns=",
					 (int)sp->cfg.addrs[i].dns_query);
		}
	}
	OPENSSL_cleanse(sp, sizeof(*sp));
	free(sp);
	return rc == -ENOENT ? 0 : rc < 0 ? rc : 1;
}

/* ---- plans: what a sync would do, without the engine ------------------ */

/* One binding as a plan sees it: its key, whether the engine holds it,
 * and the digest of its derived configuration. */
struct agent_plan_old {
	int type;
	long id;
	int live;
	unsigned char digest[16];
};

/* Walk conf in agent_bindings_sync()'s order against the sorted old
 * list and count what agent_bindings_merge_one() and
 * agent_binding_apply() would do. */
static int
agent_plan_run(const struct agent_plan_old *old, size_t nold,
	       const struct ini_conf *conf, struct agent_sync_stats *out)
{
	struct agent_sync_stats st = { 0, 0, 0 };
	struct agent_spec *sp;
	struct agent_key *keys;
	const struct agent_plan_old *o;
	unsigned char dg[16];
	char err[96];
	size_t oi = 0, nk, i;
	int rc;

	if ((rc = agent_keys_collect(conf, &keys, &nk, NULL, NULL)) < 0)
		return rc;
	sp = malloc(sizeof(*sp));
	if (sp == NULL) {
		free(keys);
		return -ENOMEM;
	}
	for (i = 0; i < nk; i++) {
		int type = keys[i].type;
		long id = keys[i].id;

		rc = agent_spec_derive(sp, conf, &keys[i], err, sizeof(err));
		while (oi < nold && agent_binding_cmp(old[oi].type, old[oi].id,
						      type, id) < 0) {
			st.removed++;
			oi++;
		}
		o = NULL;
		if (oi < nold && old[oi].type == type && old[oi].id == id)
			o = &old[oi++];
		if (rc == -ENOENT) {
			if (o != NULL)
				st.removed++;
		} else if (rc == 0) {
			agent_spec_link(sp);
			agent_spec_digest(sp, dg);
			/* unaffected ones, and those refused before the
			 * engine (its check), are not counted */
			if ((o == NULL || !o->live ||
			     memcmp(dg, o->digest, sizeof(dg)) != 0) &&
			    sipreg_binding_cfg_check(&sp->cfg, err,
						     sizeof(err)) == 0) {
				if (o == NULL || !o->live)
					st.added++;
				else
					st.updated++;
			}
		}
		/* rc < 0 otherwise: the binding stays, in error, uncounted */
	}
	st.removed += (unsigned)(nold - oi);
	OPENSSL_cleanse(sp, sizeof(*sp));
	free(sp);
	free(keys);
	*out = st;
	return 0;
}

int
agent_bindings_plan(const struct agent_bindings *bs,
		    const struct ini_conf *conf, struct agent_sync_stats *out)
{
	struct agent_plan_old *old;
	size_t i;
	int rc;

	if (bs == NULL || conf == NULL || out == NULL)
		return -EINVAL;
	old = calloc(bs->n ? bs->n : 1, sizeof(*old));
	if (old == NULL)
		return -ENOMEM;
	for (i = 0; i < bs->n; i++) {
		old[i].type = bs->v[i]->type;
		old[i].id = bs->v[i]->id;
		old[i].live = bs->v[i]->b != NULL;
		memcpy(old[i].digest, bs->v[i]->digest, sizeof(old[i].digest));
	}
	rc = agent_plan_run(old, bs->n, conf, out);
	free(old);
	return rc;
}

/* Append key k of conf to old as a sync of conf would leave it. */
static void
agent_plan_old_add(struct agent_plan_old *old, size_t *n, struct agent_spec *sp,
		   const struct ini_conf *conf, const struct agent_key *k)
{
	char err[96];
	int rc = agent_spec_derive(sp, conf, k, err, sizeof(err));

	if (rc == -ENOENT)
		return;
	old[*n].type = k->type;
	old[*n].id = k->id;
	if (rc == 0) {
		agent_spec_link(sp);
		agent_spec_digest(sp, old[*n].digest);
		/* the engine assumed to accept what passes its check */
		old[*n].live = sipreg_binding_cfg_check(&sp->cfg, err,
							sizeof(err)) == 0;
	}
	(*n)++;
}

int
agent_bindings_plan_confs(const struct ini_conf *from,
			  const struct ini_conf *to,
			  struct agent_sync_stats *out)
{
	struct agent_plan_old *old = NULL;
	struct agent_spec *sp;
	struct agent_key *keys = NULL;
	size_t n = 0, nk = 0, i;
	int rc;

	if (to == NULL || out == NULL)
		return -EINVAL;
	if (from != NULL &&
	    (rc = agent_keys_collect(from, &keys, &nk, NULL, NULL)) < 0)
		return rc;
	old = calloc(nk ? nk : 1, sizeof(*old));
	sp = malloc(sizeof(*sp));
	if (old == NULL || sp == NULL) {
		free(old);
		free(sp);
		free(keys);
		return -ENOMEM;
	}
	for (i = 0; i < nk; i++)
		agent_plan_old_add(old, &n, sp, from, &keys[i]);
	OPENSSL_cleanse(sp, sizeof(*sp));
	free(sp);
	free(keys);
	rc = agent_plan_run(old, n, to, out);
	free(old);
	return rc;
}
