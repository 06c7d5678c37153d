/* SPDX-License-Identifier: ISC */
/*
 * ini/catalog.c: names, types, ranges, enumerations, defaults, MIB objects.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "ini/ini.h"
#include "tests/unit/gwtest.h"

static const char *const required[] = {
	"IsProxyUsed",
	"ProxyName",
	"ProxyIP",
	"EnableProxyKeepAlive",
	"ProxyKeepAliveTime",
	"ProxyRedundancyMode",
	"IsProxyHotSwap",
	"HotSwapRtx",
	"ProxyLoadBalancingMethod",
	"ProxyIPListRefreshTime",
	"IsFallbackUsed",
	"IsRegisterNeeded",
	"RegistrarIP",
	"RegistrarName",
	"RegistrarTransportType",
	"RegistrationTime",
	"RegistrationTimeDivider",
	"RegistrationTimeThreshold",
	"RegistrationRetryTime",
	"MaxRegistrationBackoffTime",
	"ReRegisterOnConnectionFailure",
	"GWRegistrationName",
	"AuthenticationMode",
	"UserName",
	"Password",
	"Cnonce",
	"UnregistrationMode",
	"SIPGatewayName",
	"SIPTransportType",
	"SIPDestinationPort",
	"LocalSIPPort",
	"TCPLocalSIPPort",
	"TLSLocalSIPPort",
	"DNSQueryType",
	"ProxyDNSQueryType",
	"OOSOnRegistrationFail",
	"DefaultNumber",
	"ProxySet_EnableProxyKeepAlive",
	"ProxySet_ProxyKeepAliveTime",
	"ProxySet_ProxyLoadBalancingMethod",
	"ProxySet_IsProxyHotSwap",
	"ProxySet_SRD",
	"ProxySet_ClassificationInput",
	"ProxySet_ProxyRedundancyMode",
	"ProxyIp_IpAddress",
	"ProxyIp_TransportType",
	"ProxyIp_ProxySetId",
	"IPGroup_Type",
	"IPGroup_Description",
	"IPGroup_ProxySetId",
	"IPGroup_SIPGroupName",
	"IPGroup_ContactUser",
	"IPGroup_EnableSurvivability",
	"IPGroup_ServingIPGroup",
	"IPGroup_SipReRoutingMode",
	"IPGroup_AlwaysUseRouteTable",
	"IPGroup_RoutingMode",
	"IPGroup_ProfileId",
	"IPGroup_MediaRealm",
	"IPGroup_MaxNumOfRegUsers",
	"TrunkGroupSettings_TrunkGroupId",
	"TrunkGroupSettings_ChannelSelectMode",
	"TrunkGroupSettings_GatewayName",
	"TrunkGroupSettings_ContactUser",
	"TrunkGroupSettings_ServingIPGroup",
	"TrunkGroupSettings_RegistrationMode",
	"TrunkGroupSettings_MWIInterrogationType",
	"Account_ServedTrunkGroup",
	"Account_ServedIPGroup",
	"Account_ServingIPGroup",
	"Account_Username",
	"Account_Password",
	"Account_HostName",
	"Account_Register",
	"Account_ContactUser",
	"Account_ApplicationType",
	"TrunkGroup_TrunkGroupNum",
	"TrunkGroup_FirstTrunkId",
	"TrunkGroup_FirstBChannel",
	"TrunkGroup_LastBChannel",
	"TrunkGroup_FirstPhoneNumber",
	"TrunkGroup_ProfileId",
	"TrunkGroup_LastTrunkId",
	"TrunkGroup_Module",
	"TrunkGroup_ProfileName",
	"Authentication_UserId",
	"Authentication_UserPassword",
	"Authentication_Module",
	"Authentication_Port"
};

START_TEST(test_required_names)
{
	size_t i;

	for (i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		const struct ini_param *p = ini_param_lookup(required[i]);

		ck_assert_msg(p != NULL, "%s missing", required[i]);
		ck_assert_str_eq(ini_param_name(p), required[i]);
		ck_assert_ptr_eq(ini_param_get(ini_param_id(p)), p);
	}
	ck_assert_uint_eq(i, INI_P__COUNT);
}
END_TEST

START_TEST(test_lookup_case)
{
	ck_assert_int_eq(ini_param_id(ini_param_lookup("REGISTRATIONTIME")),
			 INI_P_REGISTRATION_TIME);
	ck_assert_int_eq(ini_param_id(ini_param_lookup("account_password")),
			 INI_P_ACCOUNT_PASSWORD);
	ck_assert_ptr_null(ini_param_lookup("NoSuchParam"));
	ck_assert_ptr_null(ini_param_lookup(NULL));
	ck_assert_ptr_null(ini_param_get(INI_P__COUNT));
}
END_TEST

static void
expect_enum(enum ini_param_id id, const long *v, size_t n, long def)
{
	const struct ini_param *p = ini_param_get(id);
	size_t i;

	ck_assert_int_eq(ini_param_type(p), INI_TYPE_ENUM);
	ck_assert_uint_eq(ini_param_enum_count(p), n);
	for (i = 0; i < n; i++)
		ck_assert_int_eq(ini_param_enum_value(p, i), v[i]);
	ck_assert_int_eq(ini_param_default_int(p), def);
}

START_TEST(test_enums_verbatim)
{
	static const long tr[] = { -1, 0, 1, 2 }, ka[] = { 0, 1, 2 },
			  red[] = { -1, 0, 1 }, yn[] = { 0, 1 },
			  rm[] = { -1, 0, 1, 4, 5, 255 }, am[] = { 0, 1, 3 };

	expect_enum(INI_P_PROXYIP_TRANSPORT_TYPE, tr, 4, -1);
	expect_enum(INI_P_REGISTRAR_TRANSPORT_TYPE, tr, 4, -1);
	expect_enum(INI_P_ENABLE_PROXY_KEEP_ALIVE, ka, 3, 0);
	expect_enum(INI_P_PROXYSET_ENABLE_PROXY_KEEP_ALIVE, ka, 3, 0);
	expect_enum(INI_P_PROXYSET_PROXY_REDUNDANCY_MODE, red, 3, -1);
	expect_enum(INI_P_PROXY_LOAD_BALANCING_METHOD, ka, 3, 0);
	expect_enum(INI_P_ACCOUNT_REGISTER, yn, 2, 0);
	expect_enum(INI_P_TGS_REGISTRATION_MODE, rm, 6, -1);
	expect_enum(INI_P_AUTHENTICATION_MODE, am, 3, 1);
}
END_TEST

START_TEST(test_ranges_defaults)
{
	const struct ini_param *p = ini_param_get(INI_P_PROXY_KEEP_ALIVE_TIME);
	long lo, hi;

	ck_assert_int_eq(ini_param_range(p, &lo, &hi), 0);
	ck_assert_int_eq(lo, 5);
	ck_assert_int_eq(hi, 2000000);
	ck_assert_int_eq(ini_param_default_int(p), 60);
	p = ini_param_get(INI_P_REGISTRATION_TIME);
	ck_assert_int_eq(ini_param_default_int(p), 180);
	p = ini_param_get(INI_P_PROXYSET_PROXY_REDUNDANCY_MODE);
	ck_assert_int_eq(ini_param_range(p, &lo, &hi), 0);
	ck_assert_int_eq(lo, -1);
	ck_assert_int_eq(hi, 1);
	p = ini_param_get(INI_P_PASSWORD);
	ck_assert_int_eq(ini_param_range(p, &lo, &hi), -EINVAL);
	ck_assert_int_eq(ini_param_type(p), INI_TYPE_PASSWORD);
	ck_assert_str_eq(ini_param_default_str(p), "Default_Passwd");
	ck_assert_uint_eq(ini_param_maxlen(p), 50);
	ck_assert_uint_eq(ini_param_maxlen(ini_param_get(INI_P_CNONCE)), 15);
	ck_assert_int_eq(
		ini_param_type(ini_param_get(INI_P_PROXYIP_IP_ADDRESS)),
		INI_TYPE_ADDR);
}
END_TEST

START_TEST(test_table)
{
	const struct ini_param *p = ini_param_get(INI_P_REGISTRATION_TIME);

	ck_assert_int_eq(ini_param_table(p), INI_TABLE_NONE);
	p = ini_param_get(INI_P_PROXYSET_PROXY_KEEP_ALIVE_TIME);
	ck_assert_int_eq(ini_param_table(p), INI_TABLE_PROXYSET);
	ck_assert_int_eq(ini_param_table(ini_param_get(INI_P_ACCOUNT_REGISTER)),
			 INI_TABLE_ACCOUNT);
}
END_TEST

START_TEST(test_tables)
{
	long lo, hi;
	int t;
	size_t i, total = 0;

	ck_assert_int_eq(ini_table_lookup("proxyset"), INI_TABLE_PROXYSET);
	ck_assert_int_eq(ini_table_lookup("TrunkGroupSettings"),
			 INI_TABLE_TRUNKGROUPSETTINGS);
	ck_assert_int_eq(ini_table_lookup("CodersGroup0"), INI_TABLE_NONE);
	ck_assert_str_eq(ini_table_name(INI_TABLE_ACCOUNT), "Account");
	ck_assert_ptr_null(ini_table_name(INI_TABLE__COUNT));
	ck_assert_int_eq(ini_table_index_range(INI_TABLE_ACCOUNT, &lo, &hi), 0);
	ck_assert_int_ge(hi, 99999);
	for (t = 0; t < INI_TABLE__COUNT; t++)
		for (i = 0; i < ini_table_ncolumns(t); i++) {
			enum ini_param_id id = ini_table_column(t, i);

			ck_assert_int_eq(ini_param_table(ini_param_get(id)), t);
			total++;
		}
	ck_assert_uint_eq(total, INI_P__COUNT - INI_P__SCALARS);
	ck_assert_int_eq(ini_table_column(INI_TABLE_PROXYIP, 3), INI_P__COUNT);
	/* issue 14: TrunkGroup (not TrunkGroupSettings) and Authentication */
	ck_assert_int_eq(ini_table_lookup("trunkgroup"), INI_TABLE_TRUNKGROUP);
	ck_assert_int_eq(ini_table_lookup("Authentication"),
			 INI_TABLE_AUTHENTICATION);
	ck_assert_int_eq(ini_table_index_range(INI_TABLE_TRUNKGROUP, &lo, &hi),
			 0);
	ck_assert(lo == 0 && hi == 100);
	ck_assert_int_eq(
		ini_table_index_range(INI_TABLE_AUTHENTICATION, &lo, &hi), 0);
	ck_assert(lo == 0 && hi == 255);
	ck_assert_uint_eq(ini_table_ncolumns(INI_TABLE_TRUNKGROUP), 9);
	ck_assert_uint_eq(ini_table_ncolumns(INI_TABLE_AUTHENTICATION), 4);
	ck_assert_uint_eq(ini_table_mib_rowstatus(INI_TABLE_TRUNKGROUP), 11);
	ck_assert_uint_eq(ini_table_mib_rowstatus(INI_TABLE_AUTHENTICATION), 6);
	ck_assert_int_eq(ini_param_type(ini_param_get(
				 INI_P_AUTHENTICATION_USER_PASSWORD)),
			 INI_TYPE_PASSWORD);
	ck_assert_str_eq(
		ini_param_default_str(ini_param_get(INI_P_DEFAULT_NUMBER)),
		"1000");
}
END_TEST

/* Every MIB row: a gw descriptor, a scalar's arc {1, 1, group, n} or a
 * column's {table arc, 1, column}, no column on the RowStatus, labels for
 * every member of an enumeration, the default among them. */
static void
check_mib_row(const struct ini_param *p)
{
	enum ini_table t = ini_param_table(p);
	const uint32_t *arc, *tarc;
	size_t i, len = ini_param_mib_arc(p, &arc);
	size_t tlen = ini_table_mib_arc(t, NULL, &tarc);
	int deflabel = 0;

	ck_assert_msg(strncmp(ini_param_mib_name(p), "gw", 2) == 0, "%s",
		      ini_param_name(p));
	if (t == INI_TABLE_NONE) {
		ck_assert_int_eq(ini_param_mib_access(p), INI_MIB_READ_WRITE);
		ck_assert_uint_eq(len, 4);
		ck_assert(arc[0] == 1 && arc[1] == 1 && arc[2] <= 3);
	} else {
		ck_assert_int_eq(ini_param_mib_access(p), INI_MIB_READ_CREATE);
		ck_assert_uint_eq(len, tlen + 2);
		ck_assert(memcmp(arc, tarc, tlen * sizeof(*arc)) == 0);
		ck_assert_uint_eq(arc[tlen], 1);
		ck_assert_uint_ge(arc[tlen + 1], 2); /* 1 is the index */
		ck_assert_uint_ne(arc[tlen + 1], ini_table_mib_rowstatus(t));
	}
	for (i = 0; i < ini_param_enum_count(p); i++) {
		ck_assert_msg(ini_param_enum_label(p, i) != NULL, "%s",
			      ini_param_name(p));
		deflabel |=
			ini_param_enum_value(p, i) == ini_param_default_int(p);
	}
	ck_assert(ini_param_enum_count(p) == 0 || deflabel);
}

START_TEST(test_mib_rows)
{
	const uint32_t *a, *b;
	size_t i, j, la, n = 0;

	for (i = 0; i < INI_P__COUNT; i++) {
		const struct ini_param *p = ini_param_get(i);

		if (ini_param_mib_access(p) == INI_MIB_NONE) {
			ck_assert_ptr_null(ini_param_mib_name(p));
			ck_assert_uint_eq(ini_param_mib_arc(p, NULL), 0);
			ck_assert_int_eq(ini_param_mib_syntax(p),
					 INI_MIB_SYNTAX_NONE);
			continue;
		}
		n++;
		check_mib_row(p);
		la = ini_param_mib_arc(p, &a);
		for (j = 0; j < i; j++) /* no two objects share an OID */
			if (ini_param_mib_arc(ini_param_get(j), &b) == la)
				ck_assert_msg(memcmp(a, b, la * sizeof(*a)) !=
						      0,
					      "%s", ini_param_name(p));
	}
	ck_assert_uint_gt(n, 0);
	ck_assert_ptr_null(ini_param_mib_name(NULL));
	ck_assert_uint_eq(ini_table_mib_arc(INI_TABLE__COUNT, NULL, NULL), 0);
	ck_assert_uint_eq(ini_table_mib_rowstatus(INI_TABLE_NONE), 0);
}
END_TEST

START_TEST(test_mib_syntax)
{
	const struct ini_param *p = ini_param_get(INI_P_REGISTRATION_TIME);
	const uint32_t *arc;
	const char *name;

	ck_assert_str_eq(ini_param_mib_name(p), "gwRegistrationTime");
	ck_assert_int_eq(ini_param_mib_syntax(p), INI_MIB_SYNTAX_UNSIGNED32);
	ck_assert_ptr_null(ini_param_mib_type(p));
	ck_assert_uint_eq(ini_param_mib_arc(p, &arc), 4);
	ck_assert(arc[0] == 1 && arc[1] == 1 && arc[2] == 2 && arc[3] == 5);
	p = ini_param_get(INI_P_IPGROUP_PROXY_SET_ID);
	ck_assert_int_eq(ini_param_mib_syntax(p), INI_MIB_SYNTAX_INTEGER32);
	p = ini_param_get(INI_P_PASSWORD);
	ck_assert_int_eq(ini_param_mib_syntax(p), INI_MIB_SYNTAX_STRING);
	ck_assert_str_eq(ini_param_mib_type(p), "SnmpAdminString");
	ck_assert_str_eq(ini_param_mib_type(ini_param_get(INI_P_PROXY_NAME)),
			 "DisplayString");
	p = ini_param_get(INI_P_IS_PROXY_USED);
	ck_assert_int_eq(ini_param_mib_syntax(p), INI_MIB_SYNTAX_ENUM);
	ck_assert_str_eq(ini_param_mib_type(p), "GwNoYes");
	ck_assert_str_eq(ini_param_enum_label(p, 1), "yes");
	ck_assert_ptr_null(ini_param_enum_label(p, 2));
	p = ini_param_get(INI_P_ACCOUNT_APPLICATION_TYPE);
	ck_assert_ptr_null(ini_param_mib_type(p)); /* INTEGER { ... } */
	ck_assert_str_eq(ini_param_enum_label(p, 1), "sbc");
	ck_assert_int_eq(ini_param_mib_access(p), INI_MIB_READ_CREATE);
	p = ini_param_get(INI_P_PROXYSET_SRD);
	ck_assert_int_eq(ini_param_mib_access(p), INI_MIB_NONE);
	ck_assert_ptr_null(ini_param_enum_label(
		ini_param_get(INI_P_IPGROUP_ROUTING_MODE), 0));
	ck_assert_uint_eq(ini_table_mib_arc(INI_TABLE_ACCOUNT, &name, &arc), 3);
	ck_assert_str_eq(name, "gwAccountTable");
	ck_assert(arc[0] == 1 && arc[1] == 1 && arc[2] == 8);
	ck_assert_uint_eq(ini_table_mib_rowstatus(INI_TABLE_ACCOUNT), 11);
}
END_TEST

static Suite *
catalog_suite(void)
{
	Suite *s = suite_create("ini_catalog");
	TCase *tc = tcase_create("lookup");

	tcase_add_test(tc, test_required_names);
	tcase_add_test(tc, test_lookup_case);
	tcase_add_test(tc, test_enums_verbatim);
	tcase_add_test(tc, test_ranges_defaults);
	tcase_add_test(tc, test_table);
	tcase_add_test(tc, test_tables);
	tcase_add_test(tc, test_mib_rows);
	tcase_add_test(tc, test_mib_syntax);
	suite_add_tcase(s, tc);
	return s;
}

GWTEST_MAIN(catalog_suite)
