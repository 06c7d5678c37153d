/* SPDX-License-Identifier: ISC */
/*
 * The parameter catalog: the single description of every scalar and
 * table column the agent understands (name, type, range, default,
 * change impact) and the value validator built on it.  The SNMP side
 * validates its SETs through ini_param_check() as well.
 *
 * Sources: shared/reference/audiocodes-ini-snmp.md section 2.  Where the
 * 2010 MIB is narrower than a 6.x device (index ranges), the wider
 * device range is used so that real dumps load.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ini/ini_int.h"

#define NARGS(...) (sizeof((long[]){ __VA_ARGS__ }) / sizeof(long))

#define P_ENUM(id_, name_, tab_, imp_, def_, ...) \
	[id_] = { .id = id_,                      \
		  .name = name_,                  \
		  .type = INI_TYPE_ENUM,          \
		  .table = tab_,                  \
		  .impact = imp_,                 \
		  .enums = { __VA_ARGS__ },       \
		  .nenums = NARGS(__VA_ARGS__),   \
		  .def_int = def_,                \
		  .def_str = "" }
#define P_INT(id_, name_, tab_, imp_, min_, max_, def_) \
	[id_] = { .id = id_,                            \
		  .name = name_,                        \
		  .type = INI_TYPE_INT,                 \
		  .table = tab_,                        \
		  .impact = imp_,                       \
		  .min = min_,                          \
		  .max = max_,                          \
		  .def_int = def_,                      \
		  .def_str = "" }
#define P_TEXT(id_, name_, tab_, imp_, type_, maxlen_, def_) \
	[id_] = { .id = id_,                                 \
		  .name = name_,                             \
		  .type = type_,                             \
		  .table = tab_,                             \
		  .impact = imp_,                            \
		  .maxlen = maxlen_,                         \
		  .def_str = def_ }

#define NT    INI_TABLE_NONE
#define PS    INI_TABLE_PROXYSET
#define PI    INI_TABLE_PROXYIP
#define IG    INI_TABLE_IPGROUP
#define TG    INI_TABLE_TRUNKGROUPSETTINGS
#define AC    INI_TABLE_ACCOUNT
#define NOW   INI_IMPACT_INSTANT
#define REREG INI_IMPACT_REREGISTER
#define STR   INI_TYPE_STRING
#define ADDR  INI_TYPE_ADDR
#define PWD   INI_TYPE_PASSWORD
#define HOST  INI_TYPE_HOST
#define USER  INI_TYPE_USER

const struct ini_param ini_catalog[INI_P__COUNT] = {
	P_ENUM(INI_P_IS_PROXY_USED, "IsProxyUsed", NT, REREG, 0, 0, 1),
	P_TEXT(INI_P_PROXY_NAME, "ProxyName", NT, REREG, HOST, 49, ""),
	P_TEXT(INI_P_PROXY_IP, "ProxyIP", NT, REREG, ADDR, 49, ""),
	P_ENUM(INI_P_ENABLE_PROXY_KEEP_ALIVE, "EnableProxyKeepAlive", NT, NOW,
	       0, 0, 1, 2),
	P_INT(INI_P_PROXY_KEEP_ALIVE_TIME, "ProxyKeepAliveTime", NT, NOW, 5,
	      2000000, 60),
	P_ENUM(INI_P_PROXY_REDUNDANCY_MODE, "ProxyRedundancyMode", NT, NOW, 0,
	       0, 1),
	P_ENUM(INI_P_IS_PROXY_HOT_SWAP, "IsProxyHotSwap", NT, NOW, 0, 0, 1),
	P_INT(INI_P_HOT_SWAP_RTX, "HotSwapRtx", NT, NOW, 1, 30, 3),
	P_ENUM(INI_P_PROXY_LOAD_BALANCING_METHOD, "ProxyLoadBalancingMethod",
	       NT, NOW, 0, 0, 1, 2),
	P_INT(INI_P_PROXY_IP_LIST_REFRESH_TIME, "ProxyIPListRefreshTime", NT,
	      NOW, 5, 2000000, 60),
	P_ENUM(INI_P_IS_FALLBACK_USED, "IsFallbackUsed", NT, NOW, 0, 0, 1),
	P_ENUM(INI_P_IS_REGISTER_NEEDED, "IsRegisterNeeded", NT, REREG, 0, 0,
	       1),
	P_TEXT(INI_P_REGISTRAR_IP, "RegistrarIP", NT, REREG, ADDR, 49, ""),
	P_TEXT(INI_P_REGISTRAR_NAME, "RegistrarName", NT, REREG, HOST, 100, ""),
	P_ENUM(INI_P_REGISTRAR_TRANSPORT_TYPE, "RegistrarTransportType", NT,
	       REREG, -1, -1, 0, 1, 2),
	P_INT(INI_P_REGISTRATION_TIME, "RegistrationTime", NT, REREG, 10,
	      2000000, 180),
	P_INT(INI_P_REGISTRATION_TIME_DIVIDER, "RegistrationTimeDivider", NT,
	      NOW, 50, 100, 50),
	P_INT(INI_P_REGISTRATION_TIME_THRESHOLD, "RegistrationTimeThreshold",
	      NT, NOW, 0, 2000000, 0),
	P_INT(INI_P_REGISTRATION_RETRY_TIME, "RegistrationRetryTime", NT, NOW,
	      10, 3600, 30),
	P_INT(INI_P_MAX_REGISTRATION_BACKOFF_TIME, "MaxRegistrationBackoffTime",
	      NT, NOW, 0, 3000000, 0),
	P_ENUM(INI_P_REREGISTER_ON_CONNECTION_FAILURE,
	       "ReRegisterOnConnectionFailure", NT, NOW, 0, 0, 1),
	P_TEXT(INI_P_GW_REGISTRATION_NAME, "GWRegistrationName", NT, REREG,
	       USER, 15, ""),
	P_ENUM(INI_P_AUTHENTICATION_MODE, "AuthenticationMode", NT, REREG, 1, 0,
	       1, 3),
	P_TEXT(INI_P_USER_NAME, "UserName", NT, REREG, STR, 50, ""),
	P_TEXT(INI_P_PASSWORD, "Password", NT, REREG, PWD, 50,
	       "Default_Passwd"),
	P_TEXT(INI_P_CNONCE, "Cnonce", NT, NOW, STR, 15, "Default_Cnonce"),
	P_ENUM(INI_P_UNREGISTRATION_MODE, "UnregistrationMode", NT, NOW, 0, 0,
	       1),
	P_TEXT(INI_P_SIP_GATEWAY_NAME, "SIPGatewayName", NT, REREG, HOST, 49,
	       ""),
	P_ENUM(INI_P_SIP_TRANSPORT_TYPE, "SIPTransportType", NT, REREG, 0, 0, 1,
	       2),
	P_INT(INI_P_SIP_DESTINATION_PORT, "SIPDestinationPort", NT, REREG, 1,
	      65534, 5060),
	P_INT(INI_P_LOCAL_SIP_PORT, "LocalSIPPort", NT, REREG, 1, 65534, 5060),
	P_INT(INI_P_TCP_LOCAL_SIP_PORT, "TCPLocalSIPPort", NT, REREG, 1, 65534,
	      5060),
	P_INT(INI_P_TLS_LOCAL_SIP_PORT, "TLSLocalSIPPort", NT, REREG, 1, 65534,
	      5061),
	P_ENUM(INI_P_DNS_QUERY_TYPE, "DNSQueryType", NT, REREG, 0, 0, 1, 2),
	P_ENUM(INI_P_PROXY_DNS_QUERY_TYPE, "ProxyDNSQueryType", NT, REREG, 0, 0,
	       1, 2),

	P_ENUM(INI_P_PROXYSET_ENABLE_PROXY_KEEP_ALIVE,
	       "ProxySet_EnableProxyKeepAlive", PS, NOW, 0, 0, 1, 2),
	P_INT(INI_P_PROXYSET_PROXY_KEEP_ALIVE_TIME,
	      "ProxySet_ProxyKeepAliveTime", PS, NOW, 5, 2000000, 60),
	P_ENUM(INI_P_PROXYSET_PROXY_LOAD_BALANCING_METHOD,
	       "ProxySet_ProxyLoadBalancingMethod", PS, NOW, 0, 0, 1, 2),
	P_ENUM(INI_P_PROXYSET_IS_PROXY_HOT_SWAP, "ProxySet_IsProxyHotSwap", PS,
	       NOW, 0, 0, 1),
	P_INT(INI_P_PROXYSET_SRD, "ProxySet_SRD", PS, REREG, 0, 31, 0),
	P_ENUM(INI_P_PROXYSET_CLASSIFICATION_INPUT,
	       "ProxySet_ClassificationInput", PS, NOW, 0, 0, 1),
	P_ENUM(INI_P_PROXYSET_PROXY_REDUNDANCY_MODE,
	       "ProxySet_ProxyRedundancyMode", PS, NOW, -1, -1, 0, 1),

	P_TEXT(INI_P_PROXYIP_IP_ADDRESS, "ProxyIp_IpAddress", PI, REREG, ADDR,
	       49, ""),
	P_ENUM(INI_P_PROXYIP_TRANSPORT_TYPE, "ProxyIp_TransportType", PI, REREG,
	       -1, -1, 0, 1, 2),
	P_INT(INI_P_PROXYIP_PROXY_SET_ID, "ProxyIp_ProxySetId", PI, REREG, 0,
	      INI_PROXYSET_MAX, 0),

	P_ENUM(INI_P_IPGROUP_TYPE, "IPGroup_Type", IG, REREG, 0, 0, 1),
	P_TEXT(INI_P_IPGROUP_DESCRIPTION, "IPGroup_Description", IG, NOW, STR,
	       29, ""),
	P_INT(INI_P_IPGROUP_PROXY_SET_ID, "IPGroup_ProxySetId", IG, REREG, -1,
	      INI_PROXYSET_MAX, 0),
	P_TEXT(INI_P_IPGROUP_SIP_GROUP_NAME, "IPGroup_SIPGroupName", IG, REREG,
	       HOST, 49, ""),
	P_TEXT(INI_P_IPGROUP_CONTACT_USER, "IPGroup_ContactUser", IG, REREG,
	       USER, 50, ""),
	P_ENUM(INI_P_IPGROUP_ENABLE_SURVIVABILITY,
	       "IPGroup_EnableSurvivability", IG, NOW, 0, 0, 1, 2),
	P_INT(INI_P_IPGROUP_SERVING_IP_GROUP, "IPGroup_ServingIPGroup", IG,
	      REREG, -1, INI_IPGROUP_MAX, -1),
	P_ENUM(INI_P_IPGROUP_SIP_REROUTING_MODE, "IPGroup_SipReRoutingMode", IG,
	       NOW, -1, -1, 0, 1, 2),
	P_ENUM(INI_P_IPGROUP_ALWAYS_USE_ROUTE_TABLE,
	       "IPGroup_AlwaysUseRouteTable", IG, NOW, 0, 0, 1),
	P_ENUM(INI_P_IPGROUP_ROUTING_MODE, "IPGroup_RoutingMode", IG, NOW, -1,
	       -1, 0, 1, 2),
	P_INT(INI_P_IPGROUP_PROFILE_ID, "IPGroup_ProfileId", IG, NOW, 0, 19, 0),
	P_TEXT(INI_P_IPGROUP_MEDIA_REALM, "IPGroup_MediaRealm", IG, NOW, STR,
	       39, ""),
	P_INT(INI_P_IPGROUP_MAX_NUM_OF_REG_USERS, "IPGroup_MaxNumOfRegUsers",
	      IG, NOW, -1, 3000, -1),

	P_INT(INI_P_TGS_TRUNK_GROUP_ID, "TrunkGroupSettings_TrunkGroupId", TG,
	      REREG, 1, INI_TG_MAX, 1),
	P_INT(INI_P_TGS_CHANNEL_SELECT_MODE,
	      "TrunkGroupSettings_ChannelSelectMode", TG, NOW, 0, 11, 1),
	P_ENUM(INI_P_TGS_REGISTRATION_MODE,
	       "TrunkGroupSettings_RegistrationMode", TG, REREG, 1, 0, 1, 4, 5),
	P_TEXT(INI_P_TGS_GATEWAY_NAME, "TrunkGroupSettings_GatewayName", TG,
	       REREG, HOST, 49, ""),
	P_TEXT(INI_P_TGS_CONTACT_USER, "TrunkGroupSettings_ContactUser", TG,
	       REREG, USER, 50, ""),
	P_INT(INI_P_TGS_SERVING_IP_GROUP, "TrunkGroupSettings_ServingIPGroup",
	      TG, REREG, -1, INI_IPGROUP_MAX, -1),

	P_INT(INI_P_ACCOUNT_SERVED_TRUNK_GROUP, "Account_ServedTrunkGroup", AC,
	      REREG, -1, INI_TG_MAX, -1),
	P_INT(INI_P_ACCOUNT_SERVED_IP_GROUP, "Account_ServedIPGroup", AC, REREG,
	      -1, INI_IPGROUP_MAX, -1),
	P_INT(INI_P_ACCOUNT_SERVING_IP_GROUP, "Account_ServingIPGroup", AC,
	      REREG, -1, INI_IPGROUP_MAX, -1),
	P_TEXT(INI_P_ACCOUNT_USERNAME, "Account_Username", AC, REREG, STR, 50,
	       ""),
	P_TEXT(INI_P_ACCOUNT_PASSWORD, "Account_Password", AC, REREG, PWD, 50,
	       ""),
	P_TEXT(INI_P_ACCOUNT_HOST_NAME, "Account_HostName", AC, REREG, HOST, 49,
	       ""),
	P_ENUM(INI_P_ACCOUNT_REGISTER, "Account_Register", AC, REREG, 0, 0, 1),
	P_TEXT(INI_P_ACCOUNT_CONTACT_USER, "Account_ContactUser", AC, REREG,
	       USER, 50, ""),
	P_ENUM(INI_P_ACCOUNT_APPLICATION_TYPE, "Account_ApplicationType", AC,
	       REREG, 0, 0, 2),
};

const struct ini_tabdesc ini_tables[INI_TABLE__COUNT] = {
	[INI_TABLE_PROXYSET] = { "ProxySet", "ProxySet_Index",
				 INI_P_PROXYSET_ENABLE_PROXY_KEEP_ALIVE, 7, 0,
				 INI_PROXYSET_MAX },
	[INI_TABLE_PROXYIP] = { "ProxyIp", "ProxyIp_Index",
				INI_P_PROXYIP_IP_ADDRESS, 3, 0,
				INI_PROXYIP_MAX },
	[INI_TABLE_IPGROUP] = { "IPGroup", "IPGroup_Index", INI_P_IPGROUP_TYPE,
				13, 0, INI_IPGROUP_MAX },
	[INI_TABLE_TRUNKGROUPSETTINGS] = { "TrunkGroupSettings",
					   "TrunkGroupSettings_Index",
					   INI_P_TGS_TRUNK_GROUP_ID, 6, 0,
					   INI_TGS_MAX },
	[INI_TABLE_ACCOUNT] = { "Account", "Account_Index",
				INI_P_ACCOUNT_SERVED_TRUNK_GROUP, 9, 0,
				INI_ACCOUNT_MAX },
};

const struct ini_param *
ini_param_get(enum ini_param_id id)
{
	if ((int)id < 0 || id >= INI_P__COUNT)
		return NULL;
	return &ini_catalog[id];
}

const struct ini_param *
ini_param_lookup(const char *name)
{
	size_t i;

	if (name == NULL)
		return NULL;
	for (i = 0; i < INI_P__COUNT; i++)
		if (ini_strcaseeq(ini_catalog[i].name, name))
			return &ini_catalog[i];
	return NULL;
}

const struct ini_param *
ini_column_lookup(enum ini_table t, const char *name)
{
	const struct ini_tabdesc *td = &ini_tables[t];
	unsigned i;

	for (i = 0; i < td->ncols; i++)
		if (ini_strcaseeq(ini_catalog[td->first + i].name, name))
			return &ini_catalog[td->first + i];
	return NULL;
}

enum ini_param_id
ini_param_id(const struct ini_param *p)
{
	return p == NULL ? INI_P__COUNT : p->id;
}

const char *
ini_param_name(const struct ini_param *p)
{
	return p == NULL ? NULL : p->name;
}

enum ini_type
ini_param_type(const struct ini_param *p)
{
	return p == NULL ? INI_TYPE_INT : p->type;
}

enum ini_table
ini_param_table(const struct ini_param *p)
{
	return p == NULL ? INI_TABLE_NONE : p->table;
}

enum ini_impact
ini_param_impact(const struct ini_param *p)
{
	return p == NULL ? INI_IMPACT_INSTANT : p->impact;
}

bool
ini_param_is_text(const struct ini_param *p)
{
	return p->type == INI_TYPE_STRING || p->type == INI_TYPE_ADDR ||
	       p->type == INI_TYPE_PASSWORD || p->type == INI_TYPE_HOST ||
	       p->type == INI_TYPE_USER;
}

int
ini_param_range(const struct ini_param *p, long *min, long *max)
{
	unsigned i;
	long lo, hi;

	if (p == NULL || ini_param_is_text(p))
		return -EINVAL;
	lo = p->min;
	hi = p->max;
	if (p->type == INI_TYPE_ENUM) {
		lo = hi = p->enums[0];
		for (i = 1; i < p->nenums; i++) {
			lo = p->enums[i] < lo ? p->enums[i] : lo;
			hi = p->enums[i] > hi ? p->enums[i] : hi;
		}
	}
	if (min != NULL)
		*min = lo;
	if (max != NULL)
		*max = hi;
	return 0;
}

size_t
ini_param_enum_count(const struct ini_param *p)
{
	return p == NULL || p->type != INI_TYPE_ENUM ? 0 : p->nenums;
}

long
ini_param_enum_value(const struct ini_param *p, size_t i)
{
	return i < ini_param_enum_count(p) ? p->enums[i] : 0;
}

size_t
ini_param_maxlen(const struct ini_param *p)
{
	return p == NULL ? 0 : p->maxlen;
}

long
ini_param_default_int(const struct ini_param *p)
{
	return p == NULL ? 0 : p->def_int;
}

const char *
ini_param_default_str(const struct ini_param *p)
{
	return p == NULL ? "" : p->def_str;
}

const char *
ini_table_name(enum ini_table t)
{
	if ((int)t < 0 || t >= INI_TABLE__COUNT)
		return NULL;
	return ini_tables[t].name;
}

enum ini_table
ini_table_lookup(const char *name)
{
	int t;

	if (name == NULL)
		return INI_TABLE_NONE;
	for (t = 0; t < INI_TABLE__COUNT; t++)
		if (ini_strcaseeq(ini_tables[t].name, name))
			return (enum ini_table)t;
	return INI_TABLE_NONE;
}

int
ini_table_index_range(enum ini_table t, long *min, long *max)
{
	if ((int)t < 0 || t >= INI_TABLE__COUNT)
		return -EINVAL;
	if (min != NULL)
		*min = ini_tables[t].idx_min;
	if (max != NULL)
		*max = ini_tables[t].idx_max;
	return 0;
}

size_t
ini_table_ncolumns(enum ini_table t)
{
	if ((int)t < 0 || t >= INI_TABLE__COUNT)
		return 0;
	return ini_tables[t].ncols;
}

enum ini_param_id
ini_table_column(enum ini_table t, size_t i)
{
	if (i >= ini_table_ncolumns(t))
		return INI_P__COUNT;
	return ini_tables[t].first + (enum ini_param_id)i;
}
