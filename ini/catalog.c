/* SPDX-License-Identifier: ISC */
/*
 * The parameter catalog: the single description of every scalar and
 * table column the agent understands (name, type, range, default, its
 * GWAGENT-MIB object) and the value validator built on it.  The SNMP side
 * validates its SETs through ini_param_check() as well.
 *
 * Sources: the AudioCodes Mediant 2000 User's Manual v6.6 (LTRT-68822),
 * "Configuration Parameters Reference" (SIP proxy and registration
 * parameters, Proxy Set, IP Group, Trunk Group Settings and Account
 * tables), and the AcGateway MIB of 2010-03-16 (AC-GATEWAY-MIB, as in the
 * LibreNMS tree: mibs/audiocodes/AC-GATEWAY-MIB.mib).  Where that MIB is
 * narrower than a 6.x device (index ranges), the wider device range is
 * used so that real dumps load.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ini/ini_int.h"

#define NARGS(...) (sizeof((long[]){ __VA_ARGS__ }) / sizeof(long))

/*
 * One row per parameter: INI name, table, enumeration or range, default
 * and, last, where GWAGENT-MIB has it: MIB(descriptor, OID arc below the
 * module root...) or NOMIB.  The arcs are written out, never computed
 * from positions, so that a row added anywhere moves no OID.
 * tests/lint/check_mib_catalog.py holds mibs/GWAGENT-MIB.txt to these rows.
 */
#define P_ENUM(id_, name_, tab_, enums_, def_, ...) \
	[id_] = { .id = id_,                        \
		  .name = name_,                    \
		  .type = INI_TYPE_ENUM,            \
		  .table = tab_,                    \
		  .enums = &(enums_),               \
		  .def_int = def_,                  \
		  .def_str = "",                    \
		  __VA_ARGS__ }
#define P_INT(id_, name_, tab_, min_, max_, def_, ...) \
	[id_] = { .id = id_,                           \
		  .name = name_,                       \
		  .type = INI_TYPE_INT,                \
		  .table = tab_,                       \
		  .min = min_,                         \
		  .max = max_,                         \
		  .def_int = def_,                     \
		  .def_str = "",                       \
		  __VA_ARGS__ }
#define P_TEXT(id_, name_, tab_, type_, maxlen_, def_, ...) \
	[id_] = { .id = id_,                                \
		  .name = name_,                            \
		  .type = type_,                            \
		  .table = tab_,                            \
		  .maxlen = maxlen_,                        \
		  .def_str = def_,                          \
		  __VA_ARGS__ }
/* A scalar, read-write, or a column, read-create (by its table). */
#define MIB(desc_, ...)                                      \
	.mib_name = desc_, .mib_access = INI_MIB_READ_WRITE, \
	.mib_arc = { __VA_ARGS__ }, .mib_arclen = NARGS(__VA_ARGS__)
#define MIBCOL(desc_, ...)                                    \
	.mib_name = desc_, .mib_access = INI_MIB_READ_CREATE, \
	.mib_arc = { __VA_ARGS__ }, .mib_arclen = NARGS(__VA_ARGS__)
#define NOMIB .mib_access = INI_MIB_NONE

#define NT   INI_TABLE_NONE
#define PS   INI_TABLE_PROXYSET
#define PI   INI_TABLE_PROXYIP
#define IG   INI_TABLE_IPGROUP
#define TG   INI_TABLE_TRUNKGROUPSETTINGS
#define AC   INI_TABLE_ACCOUNT
#define TR   INI_TABLE_TRUNKGROUP
#define AU   INI_TABLE_AUTHENTICATION
#define STR  INI_TYPE_STRING
#define ADDR INI_TYPE_ADDR
#define PWD  INI_TYPE_PASSWORD
#define HOST INI_TYPE_HOST
#define USER INI_TYPE_USER

/* Enumerations, with the names and TEXTUAL-CONVENTIONs of the MIB. */
static const struct ini_enumdef E_NOYES = { "GwNoYes",
					    2,
					    { { 0, "no" }, { 1, "yes" } } };
static const struct ini_enumdef E_KEEPALIVE = {
	"GwKeepAliveMode",
	3,
	{ { 0, "disable" }, { 1, "usingOptions" }, { 2, "usingRegister" } }
};
static const struct ini_enumdef E_REDUNDANCY = {
	"GwGlobalRedundancyMode", 2, { { 0, "parking" }, { 1, "homing" } }
};
static const struct ini_enumdef E_SET_REDUNDANCY = {
	"GwRedundancyMode",
	3,
	{ { -1, "notConfigured" }, { 0, "parking" }, { 1, "homing" } }
};
static const struct ini_enumdef E_LOADBAL = {
	"GwLoadBalancing",
	3,
	{ { 0, "disable" }, { 1, "roundRobin" }, { 2, "randomWeights" } }
};
static const struct ini_enumdef E_TRANSPORT = {
	"GwTransportType",
	4,
	{ { -1, "notConfigured" }, { 0, "udp" }, { 1, "tcp" }, { 2, "tls" } }
};
static const struct ini_enumdef E_GLOBAL_TRANSPORT = {
	"GwGlobalTransportType", 3, { { 0, "udp" }, { 1, "tcp" }, { 2, "tls" } }
};
static const struct ini_enumdef E_AUTHMODE = {
	"GwAuthMode",
	3,
	{ { 0, "perEndpoint" }, { 1, "perGateway" }, { 3, "perFxs" } }
};
static const struct ini_enumdef E_DNS = {
	"GwDnsLookup", 3, { { 0, "aRecord" }, { 1, "sRV" }, { 2, "nAPTR" } }
};
/* -1 (5.4 manuals) and 255 (the MIB's valueNotSet): not set, the trunk
 * group follows AuthenticationMode. */
static const struct ini_enumdef E_REGMODE = { "GwRegistrationMode",
					      6,
					      { { -1, "notConfigured" },
						{ 0, "perEndpoint" },
						{ 1, "perGateway" },
						{ 4, "dontRegister" },
						{ 5, "perAccount" },
						{ 255, "valueNotSet" } } };
static const struct ini_enumdef E_IPGROUP_TYPE = {
	NULL, 2, { { 0, "server" }, { 1, "user" } }
};
static const struct ini_enumdef E_APPTYPE = { NULL,
					      2,
					      { { 0, "gw" }, { 2, "sbc" } } };
/* Not in the MIB: numbers only. */
static const struct ini_enumdef E_01 = { NULL,
					 2,
					 { { 0, NULL }, { 1, NULL } } };
static const struct ini_enumdef E_012 = {
	NULL, 3, { { 0, NULL }, { 1, NULL }, { 2, NULL } }
};
static const struct ini_enumdef E_M1012 = {
	NULL, 4, { { -1, NULL }, { 0, NULL }, { 1, NULL }, { 2, NULL } }
};

const struct ini_param ini_catalog[INI_P__COUNT] = {
	/* gwProxy: 1.1.1 */
	P_ENUM(INI_P_IS_PROXY_USED, "IsProxyUsed", NT, E_NOYES, 0,
	       MIB("gwIsProxyUsed", 1, 1, 1, 1)),
	P_TEXT(INI_P_PROXY_NAME, "ProxyName", NT, HOST, 49, "",
	       MIB("gwProxyName", 1, 1, 1, 2)),
	P_TEXT(INI_P_PROXY_IP, "ProxyIP", NT, ADDR, 49, "",
	       MIB("gwProxyIP", 1, 1, 1, 3)),
	P_ENUM(INI_P_ENABLE_PROXY_KEEP_ALIVE, "EnableProxyKeepAlive", NT,
	       E_KEEPALIVE, 0, MIB("gwEnableProxyKeepAlive", 1, 1, 1, 4)),
	P_INT(INI_P_PROXY_KEEP_ALIVE_TIME, "ProxyKeepAliveTime", NT, 5, 2000000,
	      60, MIB("gwProxyKeepAliveTime", 1, 1, 1, 5)),
	P_ENUM(INI_P_PROXY_REDUNDANCY_MODE, "ProxyRedundancyMode", NT,
	       E_REDUNDANCY, 0, MIB("gwProxyRedundancyMode", 1, 1, 1, 6)),
	P_ENUM(INI_P_IS_PROXY_HOT_SWAP, "IsProxyHotSwap", NT, E_NOYES, 0,
	       MIB("gwIsProxyHotSwap", 1, 1, 1, 7)),
	P_INT(INI_P_HOT_SWAP_RTX, "HotSwapRtx", NT, 1, 30, 3,
	      MIB("gwHotSwapRtx", 1, 1, 1, 8)),
	P_ENUM(INI_P_PROXY_LOAD_BALANCING_METHOD, "ProxyLoadBalancingMethod",
	       NT, E_LOADBAL, 0, MIB("gwProxyLoadBalancingMethod", 1, 1, 1, 9)),
	P_INT(INI_P_PROXY_IP_LIST_REFRESH_TIME, "ProxyIPListRefreshTime", NT, 5,
	      2000000, 60, MIB("gwProxyIPListRefreshTime", 1, 1, 1, 10)),
	P_ENUM(INI_P_IS_FALLBACK_USED, "IsFallbackUsed", NT, E_NOYES, 0,
	       MIB("gwIsFallbackUsed", 1, 1, 1, 11)),
	/* gwRegistration: 1.1.2 */
	P_ENUM(INI_P_IS_REGISTER_NEEDED, "IsRegisterNeeded", NT, E_NOYES, 0,
	       MIB("gwIsRegisterNeeded", 1, 1, 2, 1)),
	P_TEXT(INI_P_REGISTRAR_IP, "RegistrarIP", NT, ADDR, 49, "",
	       MIB("gwRegistrarIP", 1, 1, 2, 2)),
	P_TEXT(INI_P_REGISTRAR_NAME, "RegistrarName", NT, HOST, 100, "",
	       MIB("gwRegistrarName", 1, 1, 2, 3)),
	P_ENUM(INI_P_REGISTRAR_TRANSPORT_TYPE, "RegistrarTransportType", NT,
	       E_TRANSPORT, -1, MIB("gwRegistrarTransportType", 1, 1, 2, 4)),
	P_INT(INI_P_REGISTRATION_TIME, "RegistrationTime", NT, 10, 2000000, 180,
	      MIB("gwRegistrationTime", 1, 1, 2, 5)),
	P_INT(INI_P_REGISTRATION_TIME_DIVIDER, "RegistrationTimeDivider", NT,
	      50, 100, 50, MIB("gwRegistrationTimeDivider", 1, 1, 2, 6)),
	P_INT(INI_P_REGISTRATION_TIME_THRESHOLD, "RegistrationTimeThreshold",
	      NT, 0, 2000000, 0,
	      MIB("gwRegistrationTimeThreshold", 1, 1, 2, 7)),
	P_INT(INI_P_REGISTRATION_RETRY_TIME, "RegistrationRetryTime", NT, 10,
	      3600, 30, MIB("gwRegistrationRetryTime", 1, 1, 2, 8)),
	P_INT(INI_P_MAX_REGISTRATION_BACKOFF_TIME, "MaxRegistrationBackoffTime",
	      NT, 0, 3000000, 0,
	      MIB("gwMaxRegistrationBackoffTime", 1, 1, 2, 9)),
	P_ENUM(INI_P_REREGISTER_ON_CONNECTION_FAILURE,
	       "ReRegisterOnConnectionFailure", NT, E_NOYES, 0,
	       MIB("gwReRegisterOnConnectionFailure", 1, 1, 2, 10)),
	P_TEXT(INI_P_GW_REGISTRATION_NAME, "GWRegistrationName", NT, USER, 15,
	       "", MIB("gwGWRegistrationName", 1, 1, 2, 11)),
	P_ENUM(INI_P_AUTHENTICATION_MODE, "AuthenticationMode", NT, E_AUTHMODE,
	       1, MIB("gwAuthenticationMode", 1, 1, 2, 12)),
	P_TEXT(INI_P_USER_NAME, "UserName", NT, STR, 50, "",
	       MIB("gwUserName", 1, 1, 2, 13)),
	P_TEXT(INI_P_PASSWORD, "Password", NT, PWD, 50, "Default_Passwd",
	       MIB("gwPassword", 1, 1, 2, 14)),
	P_TEXT(INI_P_CNONCE, "Cnonce", NT, STR, 15, "Default_Cnonce",
	       MIB("gwCnonce", 1, 1, 2, 15)),
	P_ENUM(INI_P_UNREGISTRATION_MODE, "UnregistrationMode", NT, E_NOYES, 0,
	       MIB("gwUnregistrationMode", 1, 1, 2, 16)),
	/* gwSipGeneral: 1.1.3 */
	P_TEXT(INI_P_SIP_GATEWAY_NAME, "SIPGatewayName", NT, HOST, 49, "",
	       MIB("gwSIPGatewayName", 1, 1, 3, 1)),
	P_ENUM(INI_P_SIP_TRANSPORT_TYPE, "SIPTransportType", NT,
	       E_GLOBAL_TRANSPORT, 0, MIB("gwSIPTransportType", 1, 1, 3, 2)),
	P_INT(INI_P_SIP_DESTINATION_PORT, "SIPDestinationPort", NT, 1, 65534,
	      5060, MIB("gwSIPDestinationPort", 1, 1, 3, 3)),
	P_INT(INI_P_LOCAL_SIP_PORT, "LocalSIPPort", NT, 1, 65534, 5060,
	      MIB("gwLocalSIPPort", 1, 1, 3, 4)),
	P_INT(INI_P_TCP_LOCAL_SIP_PORT, "TCPLocalSIPPort", NT, 1, 65534, 5060,
	      MIB("gwTCPLocalSIPPort", 1, 1, 3, 5)),
	P_INT(INI_P_TLS_LOCAL_SIP_PORT, "TLSLocalSIPPort", NT, 1, 65534, 5061,
	      MIB("gwTLSLocalSIPPort", 1, 1, 3, 6)),
	/* back in gwProxy */
	P_ENUM(INI_P_DNS_QUERY_TYPE, "DNSQueryType", NT, E_DNS, 0,
	       MIB("gwDNSQueryType", 1, 1, 1, 12)),
	P_ENUM(INI_P_PROXY_DNS_QUERY_TYPE, "ProxyDNSQueryType", NT, E_DNS, 0,
	       MIB("gwProxyDNSQueryType", 1, 1, 1, 13)),
	/* back in gwRegistration: issue 14 (trunk groups, endpoints) */
	P_ENUM(INI_P_OOS_ON_REGISTRATION_FAIL, "OOSOnRegistrationFail", NT,
	       E_NOYES, 0, MIB("gwOOSOnRegistrationFail", 1, 1, 2, 17)),
	P_TEXT(INI_P_DEFAULT_NUMBER, "DefaultNumber", NT, USER, INI_PHONE_MAX,
	       "1000", MIB("gwDefaultNumber", 1, 1, 2, 18)),

	/* gwProxySetTable: 1.1.4 */
	P_ENUM(INI_P_PROXYSET_ENABLE_PROXY_KEEP_ALIVE,
	       "ProxySet_EnableProxyKeepAlive", PS, E_KEEPALIVE, 0,
	       MIBCOL("gwProxySetEnableProxyKeepAlive", 1, 1, 4, 1, 2)),
	P_INT(INI_P_PROXYSET_PROXY_KEEP_ALIVE_TIME,
	      "ProxySet_ProxyKeepAliveTime", PS, 5, 2000000, 60,
	      MIBCOL("gwProxySetProxyKeepAliveTime", 1, 1, 4, 1, 3)),
	P_ENUM(INI_P_PROXYSET_PROXY_LOAD_BALANCING_METHOD,
	       "ProxySet_ProxyLoadBalancingMethod", PS, E_LOADBAL, 0,
	       MIBCOL("gwProxySetProxyLoadBalancingMethod", 1, 1, 4, 1, 4)),
	P_ENUM(INI_P_PROXYSET_IS_PROXY_HOT_SWAP, "ProxySet_IsProxyHotSwap", PS,
	       E_NOYES, 0, MIBCOL("gwProxySetIsProxyHotSwap", 1, 1, 4, 1, 5)),
	P_INT(INI_P_PROXYSET_SRD, "ProxySet_SRD", PS, 0, 31, 0, NOMIB),
	P_ENUM(INI_P_PROXYSET_CLASSIFICATION_INPUT,
	       "ProxySet_ClassificationInput", PS, E_01, 0, NOMIB),
	P_ENUM(INI_P_PROXYSET_PROXY_REDUNDANCY_MODE,
	       "ProxySet_ProxyRedundancyMode", PS, E_SET_REDUNDANCY, -1,
	       MIBCOL("gwProxySetProxyRedundancyMode", 1, 1, 4, 1, 6)),

	/* gwProxyIpTable: 1.1.5 */
	P_TEXT(INI_P_PROXYIP_IP_ADDRESS, "ProxyIp_IpAddress", PI, ADDR, 49, "",
	       MIBCOL("gwProxyIpIpAddress", 1, 1, 5, 1, 2)),
	P_ENUM(INI_P_PROXYIP_TRANSPORT_TYPE, "ProxyIp_TransportType", PI,
	       E_TRANSPORT, -1,
	       MIBCOL("gwProxyIpTransportType", 1, 1, 5, 1, 3)),
	P_INT(INI_P_PROXYIP_PROXY_SET_ID, "ProxyIp_ProxySetId", PI, 0,
	      INI_PROXYSET_MAX, 0,
	      MIBCOL("gwProxyIpProxySetId", 1, 1, 5, 1, 4)),

	/* gwIpGroupTable: 1.1.6 */
	P_ENUM(INI_P_IPGROUP_TYPE, "IPGroup_Type", IG, E_IPGROUP_TYPE, 0,
	       MIBCOL("gwIpGroupType", 1, 1, 6, 1, 2)),
	P_TEXT(INI_P_IPGROUP_DESCRIPTION, "IPGroup_Description", IG, STR, 29,
	       "", MIBCOL("gwIpGroupDescription", 1, 1, 6, 1, 3)),
	P_INT(INI_P_IPGROUP_PROXY_SET_ID, "IPGroup_ProxySetId", IG, -1,
	      INI_PROXYSET_MAX, 0,
	      MIBCOL("gwIpGroupProxySetId", 1, 1, 6, 1, 4)),
	P_TEXT(INI_P_IPGROUP_SIP_GROUP_NAME, "IPGroup_SIPGroupName", IG, HOST,
	       49, "", MIBCOL("gwIpGroupSIPGroupName", 1, 1, 6, 1, 5)),
	P_TEXT(INI_P_IPGROUP_CONTACT_USER, "IPGroup_ContactUser", IG, USER, 50,
	       "", MIBCOL("gwIpGroupContactUser", 1, 1, 6, 1, 6)),
	P_ENUM(INI_P_IPGROUP_ENABLE_SURVIVABILITY,
	       "IPGroup_EnableSurvivability", IG, E_012, 0, NOMIB),
	P_INT(INI_P_IPGROUP_SERVING_IP_GROUP, "IPGroup_ServingIPGroup", IG, -1,
	      INI_IPGROUP_MAX, -1, NOMIB),
	P_ENUM(INI_P_IPGROUP_SIP_REROUTING_MODE, "IPGroup_SipReRoutingMode", IG,
	       E_M1012, -1, NOMIB),
	P_ENUM(INI_P_IPGROUP_ALWAYS_USE_ROUTE_TABLE,
	       "IPGroup_AlwaysUseRouteTable", IG, E_01, 0, NOMIB),
	P_ENUM(INI_P_IPGROUP_ROUTING_MODE, "IPGroup_RoutingMode", IG, E_M1012,
	       -1, NOMIB),
	P_INT(INI_P_IPGROUP_PROFILE_ID, "IPGroup_ProfileId", IG, 0, 19, 0,
	      NOMIB),
	P_TEXT(INI_P_IPGROUP_MEDIA_REALM, "IPGroup_MediaRealm", IG, STR, 39, "",
	       NOMIB),
	P_INT(INI_P_IPGROUP_MAX_NUM_OF_REG_USERS, "IPGroup_MaxNumOfRegUsers",
	      IG, -1, 3000, -1, NOMIB),

	/* gwTrunkGroupSettingsTable: 1.1.7 */
	P_INT(INI_P_TGS_TRUNK_GROUP_ID, "TrunkGroupSettings_TrunkGroupId", TG,
	      1, INI_TG_MAX, 1,
	      MIBCOL("gwTrunkGroupSettingsTrunkGroupId", 1, 1, 7, 1, 2)),
	P_INT(INI_P_TGS_CHANNEL_SELECT_MODE,
	      "TrunkGroupSettings_ChannelSelectMode", TG, 0, 11, 1, NOMIB),
	P_ENUM(INI_P_TGS_REGISTRATION_MODE,
	       "TrunkGroupSettings_RegistrationMode", TG, E_REGMODE, -1,
	       MIBCOL("gwTrunkGroupSettingsRegistrationMode", 1, 1, 7, 1, 3)),
	P_TEXT(INI_P_TGS_GATEWAY_NAME, "TrunkGroupSettings_GatewayName", TG,
	       HOST, 49, "",
	       MIBCOL("gwTrunkGroupSettingsGatewayName", 1, 1, 7, 1, 4)),
	P_TEXT(INI_P_TGS_CONTACT_USER, "TrunkGroupSettings_ContactUser", TG,
	       USER, 50, "",
	       MIBCOL("gwTrunkGroupSettingsContactUser", 1, 1, 7, 1, 5)),
	P_INT(INI_P_TGS_SERVING_IP_GROUP, "TrunkGroupSettings_ServingIPGroup",
	      TG, -1, INI_IPGROUP_MAX, -1,
	      MIBCOL("gwTrunkGroupSettingsServingIPGroup", 1, 1, 7, 1, 6)),
	/* 6.2 (Mediant 800 MSBG SIP User's Manual v6.2, p.837: 255 in the
	 * example); its members are not published */
	P_INT(INI_P_TGS_MWI_INTERROGATION_TYPE,
	      "TrunkGroupSettings_MWIInterrogationType", TG, 0, 255, 255,
	      NOMIB),

	/* gwAccountTable: 1.1.8 */
	P_INT(INI_P_ACCOUNT_SERVED_TRUNK_GROUP, "Account_ServedTrunkGroup", AC,
	      -1, INI_TG_MAX, -1,
	      MIBCOL("gwAccountServedTrunkGroup", 1, 1, 8, 1, 2)),
	P_INT(INI_P_ACCOUNT_SERVED_IP_GROUP, "Account_ServedIPGroup", AC, -1,
	      INI_IPGROUP_MAX, -1,
	      MIBCOL("gwAccountServedIPGroup", 1, 1, 8, 1, 3)),
	P_INT(INI_P_ACCOUNT_SERVING_IP_GROUP, "Account_ServingIPGroup", AC, -1,
	      INI_IPGROUP_MAX, -1,
	      MIBCOL("gwAccountServingIPGroup", 1, 1, 8, 1, 4)),
	P_TEXT(INI_P_ACCOUNT_USERNAME, "Account_Username", AC, STR, 50, "",
	       MIBCOL("gwAccountUsername", 1, 1, 8, 1, 5)),
	P_TEXT(INI_P_ACCOUNT_PASSWORD, "Account_Password", AC, PWD, 50, "",
	       MIBCOL("gwAccountPassword", 1, 1, 8, 1, 6)),
	P_TEXT(INI_P_ACCOUNT_HOST_NAME, "Account_HostName", AC, HOST, 49, "",
	       MIBCOL("gwAccountHostName", 1, 1, 8, 1, 7)),
	P_ENUM(INI_P_ACCOUNT_REGISTER, "Account_Register", AC, E_NOYES, 0,
	       MIBCOL("gwAccountRegister", 1, 1, 8, 1, 8)),
	P_TEXT(INI_P_ACCOUNT_CONTACT_USER, "Account_ContactUser", AC, USER, 50,
	       "", MIBCOL("gwAccountContactUser", 1, 1, 8, 1, 9)),
	P_ENUM(INI_P_ACCOUNT_APPLICATION_TYPE, "Account_ApplicationType", AC,
	       E_APPTYPE, 0,
	       MIBCOL("gwAccountApplicationType", 1, 1, 8, 1, 10)),

	/* gwTrunkGroupTable: 1.1.9.  Ranges of the AcGateway MIB's
	 * channelsTable; the column order is the 6.2 FORMAT's. */
	P_INT(INI_P_TRUNKGROUP_TRUNK_GROUP_NUM, "TrunkGroup_TrunkGroupNum", TR,
	      0, 255, 1, MIBCOL("gwTrunkGroupTrunkGroupNum", 1, 1, 9, 1, 2)),
	P_INT(INI_P_TRUNKGROUP_FIRST_TRUNK_ID, "TrunkGroup_FirstTrunkId", TR, 0,
	      255, INI_TRUNK_NONE,
	      MIBCOL("gwTrunkGroupFirstTrunkId", 1, 1, 9, 1, 3)),
	P_INT(INI_P_TRUNKGROUP_FIRST_B_CHANNEL, "TrunkGroup_FirstBChannel", TR,
	      1, 2016, 1, MIBCOL("gwTrunkGroupFirstBChannel", 1, 1, 9, 1, 5)),
	P_INT(INI_P_TRUNKGROUP_LAST_B_CHANNEL, "TrunkGroup_LastBChannel", TR, 1,
	      2016, 1, MIBCOL("gwTrunkGroupLastBChannel", 1, 1, 9, 1, 6)),
	P_TEXT(INI_P_TRUNKGROUP_FIRST_PHONE_NUMBER,
	       "TrunkGroup_FirstPhoneNumber", TR, USER, INI_PHONE_MAX, "",
	       MIBCOL("gwTrunkGroupFirstPhoneNumber", 1, 1, 9, 1, 7)),
	P_INT(INI_P_TRUNKGROUP_PROFILE_ID, "TrunkGroup_ProfileId", TR, 0, 9, 0,
	      MIBCOL("gwTrunkGroupProfileId", 1, 1, 9, 1, 8)),
	P_INT(INI_P_TRUNKGROUP_LAST_TRUNK_ID, "TrunkGroup_LastTrunkId", TR, 0,
	      255, INI_TRUNK_NONE,
	      MIBCOL("gwTrunkGroupLastTrunkId", 1, 1, 9, 1, 4)),
	P_INT(INI_P_TRUNKGROUP_MODULE, "TrunkGroup_Module", TR, 0, 255, 255,
	      MIBCOL("gwTrunkGroupModule", 1, 1, 9, 1, 9)),
	/* 7.x files name the Tel Profile instead (ProfileName) */
	P_TEXT(INI_P_TRUNKGROUP_PROFILE_NAME, "TrunkGroup_ProfileName", TR, STR,
	       39, "", MIBCOL("gwTrunkGroupProfileName", 1, 1, 9, 1, 10)),

	/* gwAuthenticationTable: 1.1.10 (AcGateway MIB authTable) */
	P_TEXT(INI_P_AUTHENTICATION_USER_ID, "Authentication_UserId", AU, STR,
	       50, "", MIBCOL("gwAuthenticationUserId", 1, 1, 10, 1, 2)),
	P_TEXT(INI_P_AUTHENTICATION_USER_PASSWORD,
	       "Authentication_UserPassword", AU, PWD, 50, "",
	       MIBCOL("gwAuthenticationUserPassword", 1, 1, 10, 1, 3)),
	P_INT(INI_P_AUTHENTICATION_MODULE, "Authentication_Module", AU, 0, 255,
	      255, MIBCOL("gwAuthenticationModule", 1, 1, 10, 1, 4)),
	P_INT(INI_P_AUTHENTICATION_PORT, "Authentication_Port", AU, 0, 65535, 0,
	      MIBCOL("gwAuthenticationPort", 1, 1, 10, 1, 5)),
};

/* A table: its columns are the ids from first_ up to next_ (the first id
 * of the next table, INI_P__COUNT for the last), so a row added to the
 * catalog needs no count; then its MIB table and RowStatus column. */
#define TABLE(name_, first_, next_, max_, mib_, arc_, rowstatus_)             \
	{                                                                     \
		.name = name_, .index_name = name_ "_Index", .first = first_, \
		.ncols = (unsigned)((next_) - (first_)), .idx_min = 0,        \
		.idx_max = max_, .mib_name = mib_, .mib_arc = { 1, 1, arc_ }, \
		.mib_rowstatus = rowstatus_                                   \
	}

const struct ini_tabdesc ini_tables[INI_TABLE__COUNT] = {
	[INI_TABLE_PROXYSET] =
		TABLE("ProxySet", INI_P_PROXYSET_ENABLE_PROXY_KEEP_ALIVE,
		      INI_P_PROXYIP_IP_ADDRESS, INI_PROXYSET_MAX,
		      "gwProxySetTable", 4, 7),
	[INI_TABLE_PROXYIP] =
		TABLE("ProxyIp", INI_P_PROXYIP_IP_ADDRESS, INI_P_IPGROUP_TYPE,
		      INI_PROXYIP_MAX, "gwProxyIpTable", 5, 5),
	[INI_TABLE_IPGROUP] =
		TABLE("IPGroup", INI_P_IPGROUP_TYPE, INI_P_TGS_TRUNK_GROUP_ID,
		      INI_IPGROUP_MAX, "gwIpGroupTable", 6, 7),
	[INI_TABLE_TRUNKGROUPSETTINGS] =
		TABLE("TrunkGroupSettings", INI_P_TGS_TRUNK_GROUP_ID,
		      INI_P_ACCOUNT_SERVED_TRUNK_GROUP, INI_TGS_MAX,
		      "gwTrunkGroupSettingsTable", 7, 7),
	[INI_TABLE_ACCOUNT] = TABLE("Account", INI_P_ACCOUNT_SERVED_TRUNK_GROUP,
				    INI_P_TRUNKGROUP_TRUNK_GROUP_NUM,
				    INI_ACCOUNT_MAX, "gwAccountTable", 8, 11),
	[INI_TABLE_TRUNKGROUP] =
		TABLE("TrunkGroup", INI_P_TRUNKGROUP_TRUNK_GROUP_NUM,
		      INI_P_AUTHENTICATION_USER_ID, INI_TRUNKGROUP_MAX,
		      "gwTrunkGroupTable", 9, 11),
	[INI_TABLE_AUTHENTICATION] = TABLE(
		"Authentication", INI_P_AUTHENTICATION_USER_ID, INI_P__COUNT,
		INI_AUTH_MAX, "gwAuthenticationTable", 10, 6),
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

	size_t pre = strlen(td->name);

	/* "TrunkGroup_FirstTrunkId", or "FirstTrunkId" as 7.2 and later
	 * write the columns of every table */
	for (i = 0; i < td->ncols; i++)
		if (ini_strcaseeq(ini_catalog[td->first + i].name, name) ||
		    ini_strcaseeq(ini_catalog[td->first + i].name + pre + 1,
				  name))
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
		lo = hi = p->enums->v[0].value;
		for (i = 1; i < p->enums->n; i++) {
			lo = p->enums->v[i].value < lo ? p->enums->v[i].value
						       : lo;
			hi = p->enums->v[i].value > hi ? p->enums->v[i].value
						       : hi;
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
	return p == NULL || p->type != INI_TYPE_ENUM ? 0 : p->enums->n;
}

long
ini_param_enum_value(const struct ini_param *p, size_t i)
{
	return i < ini_param_enum_count(p) ? p->enums->v[i].value : 0;
}

const char *
ini_param_enum_label(const struct ini_param *p, size_t i)
{
	return i < ini_param_enum_count(p) ? p->enums->v[i].label : NULL;
}

const char *
ini_param_mib_name(const struct ini_param *p)
{
	return p == NULL || p->mib_access == INI_MIB_NONE ? NULL : p->mib_name;
}

enum ini_mib_access
ini_param_mib_access(const struct ini_param *p)
{
	return p == NULL ? INI_MIB_NONE : p->mib_access;
}

enum ini_mib_syntax
ini_param_mib_syntax(const struct ini_param *p)
{
	if (ini_param_mib_access(p) == INI_MIB_NONE)
		return INI_MIB_SYNTAX_NONE;
	if (p->type == INI_TYPE_ENUM)
		return INI_MIB_SYNTAX_ENUM;
	if (p->type == INI_TYPE_INT)
		return p->min < 0 ? INI_MIB_SYNTAX_INTEGER32
				  : INI_MIB_SYNTAX_UNSIGNED32;
	return INI_MIB_SYNTAX_STRING;
}

const char *
ini_param_mib_type(const struct ini_param *p)
{
	switch (ini_param_mib_syntax(p)) {
	case INI_MIB_SYNTAX_ENUM:
		return p->enums->mib_type;
	case INI_MIB_SYNTAX_STRING: /* UTF-8 text, or ASCII syntax */
		return p->type == INI_TYPE_STRING ||
				       p->type == INI_TYPE_PASSWORD
			       ? "SnmpAdminString"
			       : "DisplayString";
	default:
		return NULL;
	}
}

size_t
ini_param_mib_arc(const struct ini_param *p, const uint32_t **arc)
{
	if (ini_param_mib_access(p) == INI_MIB_NONE)
		return 0;
	if (arc != NULL)
		*arc = p->mib_arc;
	return p->mib_arclen;
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

size_t
ini_table_mib_arc(enum ini_table t, const char **name, const uint32_t **arc)
{
	if ((int)t < 0 || t >= INI_TABLE__COUNT)
		return 0;
	if (name != NULL)
		*name = ini_tables[t].mib_name;
	if (arc != NULL)
		*arc = ini_tables[t].mib_arc;
	return sizeof(ini_tables[t].mib_arc) / sizeof(uint32_t);
}

uint32_t
ini_table_mib_rowstatus(enum ini_table t)
{
	if ((int)t < 0 || t >= INI_TABLE__COUNT)
		return 0;
	return ini_tables[t].mib_rowstatus;
}
