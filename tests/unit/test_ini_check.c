/* SPDX-License-Identifier: ISC */
/*
 * ini/check.c: cross-references and limits of a whole configuration
 * built through the API (as SNMP SETs build it: no line numbers).
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "ini/ini.h"
#include "tests/unit/gwtest.h"

static struct ini_conf *c;
static struct ini_diags *dg;

static void
setup(void)
{
	ck_assert_int_eq(ini_conf_create(&c), 0);
	ck_assert_int_eq(ini_diags_create(&dg), 0);
	ck_assert_int_eq(ini_conf_row_create(c, INI_TABLE_PROXYSET, 1), 0);
	ck_assert_int_eq(ini_conf_row_create(c, INI_TABLE_IPGROUP, 1), 0);
	ck_assert_int_eq(
		ini_conf_row_set_int(c, INI_P_IPGROUP_PROXY_SET_ID, 1, 1), 0);
	ck_assert_int_eq(
		ini_conf_row_create(c, INI_TABLE_TRUNKGROUPSETTINGS, 0), 0);
	ck_assert_int_eq(
		ini_conf_row_set_int(c, INI_P_TGS_TRUNK_GROUP_ID, 0, 4), 0);
	ck_assert_int_eq(ini_conf_row_create(c, INI_TABLE_ACCOUNT, 0), 0);
	ck_assert_int_eq(
		ini_conf_row_set_int(c, INI_P_ACCOUNT_SERVED_TRUNK_GROUP, 0, 4),
		0);
	ck_assert_int_eq(
		ini_conf_row_set_int(c, INI_P_ACCOUNT_SERVING_IP_GROUP, 0, 1),
		0);
}

static void
teardown(void)
{
	ini_conf_destroy(c);
	ini_diags_destroy(dg);
}

static void
expect_one(const char *msg)
{
	ck_assert_int_eq(ini_conf_check(c, "api", dg), -EINVAL);
	ck_assert_uint_eq(ini_diags_count(dg), 1);
	ck_assert_uint_eq(ini_diag_line(ini_diags_get(dg, 0)), 0);
	ck_assert_str_eq(ini_diag_message(ini_diags_get(dg, 0)), msg);
}

START_TEST(test_consistent)
{
	ck_assert_int_eq(ini_conf_check(c, NULL, dg), 0);
	ck_assert_uint_eq(ini_diags_count(dg), 0);
	ck_assert_int_eq(ini_conf_check(NULL, NULL, dg), -EINVAL);
}
END_TEST

START_TEST(test_proxyip_set)
{
	ck_assert_int_eq(ini_conf_row_create(c, INI_TABLE_PROXYIP, 0), 0);
	expect_one("ProxyIp 0: no address (ProxyIp_IpAddress is empty)");
	ini_diags_clear(dg);
	ck_assert_int_eq(ini_conf_row_set_str(c, INI_P_PROXYIP_IP_ADDRESS, 0,
					      "10.0.0.1"),
			 0);
	ck_assert_int_eq(ini_conf_check(c, NULL, dg), 0); /* set 0 exists */
	ck_assert_int_eq(
		ini_conf_row_set_int(c, INI_P_PROXYIP_PROXY_SET_ID, 0, 3), 0);
	expect_one("ProxyIp 0: ProxyIp_ProxySetId 3 refers to a missing "
		   "ProxySet row");
}
END_TEST

START_TEST(test_five_addresses)
{
	long i;

	for (i = 0; i < 6; i++) {
		ck_assert_int_eq(ini_conf_row_create(c, INI_TABLE_PROXYIP, i),
				 0);
		ck_assert_int_eq(ini_conf_row_set_int(
					 c, INI_P_PROXYIP_PROXY_SET_ID, i, 1),
				 0);
		ck_assert_int_eq(ini_conf_row_set_str(
					 c, INI_P_PROXYIP_IP_ADDRESS, i, "x"),
				 0);
		if (i == 4)
			ck_assert_int_eq(ini_conf_check(c, NULL, NULL), 0);
	}
	expect_one("ProxyIp 5: proxy set 1 has more than 5 addresses");
}
END_TEST

START_TEST(test_ipgroup_refs)
{
	ck_assert_int_eq(
		ini_conf_row_set_int(c, INI_P_IPGROUP_SERVING_IP_GROUP, 1, 2),
		0);
	expect_one("IPGroup 1: IPGroup_ServingIPGroup 2 refers to a missing "
		   "IPGroup row");
}
END_TEST

START_TEST(test_tgs_refs)
{
	ck_assert_int_eq(
		ini_conf_row_set_int(c, INI_P_TGS_SERVING_IP_GROUP, 0, 8), 0);
	expect_one("TrunkGroupSettings 0: TrunkGroupSettings_ServingIPGroup 8 "
		   "refers to a missing IPGroup row");
}
END_TEST

START_TEST(test_tgs_unique)
{
	ck_assert_int_eq(
		ini_conf_row_create(c, INI_TABLE_TRUNKGROUPSETTINGS, 1), 0);
	ck_assert_int_eq(
		ini_conf_row_set_int(c, INI_P_TGS_TRUNK_GROUP_ID, 1, 4), 0);
	expect_one("TrunkGroupSettings 1: trunk group 4 is already set by row "
		   "0");
}
END_TEST

START_TEST(test_account_refs)
{
	ck_assert_int_eq(
		ini_conf_row_set_int(c, INI_P_ACCOUNT_SERVED_TRUNK_GROUP, 0, 5),
		0);
	expect_one("Account 0: Account_ServedTrunkGroup 5 refers to a missing "
		   "TrunkGroupSettings row");
	ini_diags_clear(dg);
	ck_assert_int_eq(ini_conf_row_set_int(
				 c, INI_P_ACCOUNT_SERVED_TRUNK_GROUP, 0, -1),
			 0);
	ck_assert_int_eq(
		ini_conf_row_set_int(c, INI_P_ACCOUNT_SERVED_IP_GROUP, 0, 3),
		0);
	expect_one("Account 0: Account_ServedIPGroup 3 refers to a missing "
		   "IPGroup row");
	/* deleting a referenced row breaks the reference */
	ini_diags_clear(dg);
	ck_assert_int_eq(
		ini_conf_row_set_int(c, INI_P_ACCOUNT_SERVED_IP_GROUP, 0, -1),
		0);
	ck_assert_int_eq(ini_conf_row_delete(c, INI_TABLE_IPGROUP, 1), 0);
	expect_one("Account 0: Account_ServingIPGroup 1 refers to a missing "
		   "IPGroup row");
}
END_TEST

/* Destroying a row that others reference. */
START_TEST(test_destroy_referenced)
{
	ck_assert_int_eq(ini_conf_row_delete(c, INI_TABLE_PROXYSET, 1), 0);
	expect_one("IPGroup 1: IPGroup_ProxySetId 1 refers to a missing "
		   "ProxySet row");
	ini_diags_clear(dg);
	ck_assert_int_eq(ini_conf_row_create(c, INI_TABLE_PROXYSET, 1), 0);
	ck_assert_int_eq(
		ini_conf_row_delete(c, INI_TABLE_TRUNKGROUPSETTINGS, 0), 0);
	expect_one("Account 0: Account_ServedTrunkGroup 4 refers to a missing "
		   "TrunkGroupSettings row");
}
END_TEST

static void
add_addr(long row, long set)
{
	ck_assert_int_eq(ini_conf_row_create(c, INI_TABLE_PROXYIP, row), 0);
	ck_assert_int_eq(
		ini_conf_row_set_int(c, INI_P_PROXYIP_PROXY_SET_ID, row, set),
		0);
	ck_assert_int_eq(ini_conf_row_set_str(c, INI_P_PROXYIP_IP_ADDRESS, row,
					      "10.0.0.1:5060"),
			 0);
}

/* The gateway registers through proxy set 0 (no RegistrarIP and
 * IsProxyUsed=1): the set needs an address. */
START_TEST(test_gateway_set_needs_address)
{
	static const char msg[] = "proxy set 0 has no address, but the gateway "
				  "registers through it (IsRegisterNeeded=1, "
				  "IsProxyUsed=1, no RegistrarIP)";

	ck_assert_int_eq(ini_conf_set_str(c, INI_P_REGISTRAR_IP, "10.0.0.5"),
			 0);
	ck_assert_int_eq(ini_conf_set_int(c, INI_P_IS_REGISTER_NEEDED, 1), 0);
	expect_one("the gateway registers (IsRegisterNeeded=1) but has no "
		   "user: set GWRegistrationName or UserName");
	ini_diags_clear(dg);
	ck_assert_int_eq(ini_conf_set_str(c, INI_P_USER_NAME, "gw"), 0);
	ck_assert_int_eq(ini_conf_check(c, NULL, dg), 0);
	ck_assert_int_eq(ini_conf_set_str(c, INI_P_REGISTRAR_IP, ""), 0);
	/* IsProxyUsed=0 and no RegistrarIP: nowhere to register */
	expect_one("the gateway registers (IsRegisterNeeded=1) but has no "
		   "registrar: set RegistrarIP or IsProxyUsed=1");
	ini_diags_clear(dg);
	ck_assert_int_eq(ini_conf_set_int(c, INI_P_IS_PROXY_USED, 1), 0);
	expect_one(msg);
	ini_diags_clear(dg);
	/* the legacy ProxyIP stands for set 0 */
	ck_assert_int_eq(ini_conf_set_str(c, INI_P_PROXY_IP, "10.0.0.9"), 0);
	ck_assert_int_eq(ini_conf_check(c, NULL, dg), 0);
	ck_assert_int_eq(ini_conf_set_str(c, INI_P_PROXY_IP, ""), 0);
	add_addr(0, 0);
	add_addr(1, 0);
	ck_assert_int_eq(ini_conf_check(c, NULL, dg), 0);
	ck_assert_int_eq(ini_conf_row_delete(c, INI_TABLE_PROXYIP, 0), 0);
	ck_assert_int_eq(ini_conf_check(c, NULL, dg), 0);
	/* removing the last address */
	ck_assert_int_eq(ini_conf_row_delete(c, INI_TABLE_PROXYIP, 1), 0);
	expect_one(msg);
	ini_diags_clear(dg);
	/* moving it to another set is the same */
	add_addr(1, 1);
	expect_one(msg);
	ini_diags_clear(dg);
	ck_assert_int_eq(ini_conf_set_str(c, INI_P_REGISTRAR_IP, "10.0.0.5"),
			 0);
	ck_assert_int_eq(ini_conf_check(c, NULL, dg), 0);
	ck_assert_int_eq(ini_conf_set_int(c, INI_P_IS_PROXY_USED, 0), 0);
	ck_assert_int_eq(ini_conf_check(c, NULL, dg), 0);
	ck_assert_int_eq(ini_conf_set_str(c, INI_P_REGISTRAR_IP, ""), 0);
	ck_assert_int_eq(ini_conf_set_int(c, INI_P_IS_REGISTER_NEEDED, 0), 0);
	ck_assert_int_eq(ini_conf_check(c, NULL, dg), 0);
}
END_TEST

/* A registering account goes through its serving IP group's set. */
START_TEST(test_account_set_needs_address)
{
	static const char msg[] = "Account 0: registers through IP group 1, "
				  "whose proxy set 1 has no address";

	ck_assert_int_eq(ini_conf_row_set_int(c, INI_P_ACCOUNT_REGISTER, 0, 1),
			 0);
	ck_assert_int_eq(
		ini_conf_row_set_str(c, INI_P_ACCOUNT_CONTACT_USER, 0, "alice"),
		0);
	ck_assert_int_eq(ini_conf_row_set_str(c, INI_P_IPGROUP_SIP_GROUP_NAME,
					      1, "pbx.example"),
			 0);
	/* trunk group 4 registers per gateway (mode 1): no binding */
	ck_assert_int_eq(ini_conf_check(c, NULL, dg), 0);
	ck_assert_int_eq(
		ini_conf_row_set_int(c, INI_P_TGS_REGISTRATION_MODE, 0, 5), 0);
	expect_one(msg);
	ini_diags_clear(dg);
	add_addr(7, 1);
	ck_assert_int_eq(ini_conf_check(c, NULL, dg), 0);
	ck_assert_int_eq(ini_conf_row_delete(c, INI_TABLE_PROXYIP, 7), 0);
	expect_one(msg);
	ini_diags_clear(dg);
	/* a served IP group registers whatever the trunk group says */
	ck_assert_int_eq(
		ini_conf_row_set_int(c, INI_P_TGS_REGISTRATION_MODE, 0, 1), 0);
	ck_assert_int_eq(
		ini_conf_row_set_int(c, INI_P_ACCOUNT_SERVED_IP_GROUP, 0, 1),
		0);
	expect_one(msg);
	ini_diags_clear(dg);
	/* no proxy set, or not registering: nothing to check */
	ck_assert_int_eq(
		ini_conf_row_set_int(c, INI_P_IPGROUP_PROXY_SET_ID, 1, -1), 0);
	ck_assert_int_eq(ini_conf_check(c, NULL, dg), 0);
	ck_assert_int_eq(
		ini_conf_row_set_int(c, INI_P_IPGROUP_PROXY_SET_ID, 1, 1), 0);
	ck_assert_int_eq(ini_conf_row_set_int(c, INI_P_ACCOUNT_REGISTER, 0, 0),
			 0);
	ck_assert_int_eq(ini_conf_check(c, NULL, dg), 0);
	/* set 0 through the legacy ProxyIP */
	ck_assert_int_eq(ini_conf_row_set_int(c, INI_P_ACCOUNT_REGISTER, 0, 1),
			 0);
	ck_assert_int_eq(
		ini_conf_row_set_int(c, INI_P_IPGROUP_PROXY_SET_ID, 1, 0), 0);
	expect_one("Account 0: registers through IP group 1, whose proxy set 0 "
		   "has no address");
	ck_assert_int_eq(ini_conf_set_str(c, INI_P_PROXY_IP, "gw.example"), 0);
	ck_assert_int_eq(ini_conf_check(c, NULL, NULL), 0);
}
END_TEST

/* A registering account needs an AOR user and host, its own or its
 * serving IP group's. */
START_TEST(test_account_needs_aor)
{
	static const char msg[] = "Account 0: registers without AOR user or "
				  "host (Account_ContactUser, "
				  "Account_HostName and the serving IP group's "
				  "ContactUser, SIPGroupName are empty)";

	add_addr(0, 1);
	ck_assert_int_eq(
		ini_conf_row_set_int(c, INI_P_ACCOUNT_SERVED_IP_GROUP, 0, 1),
		0);
	ck_assert_int_eq(ini_conf_check(c, NULL, dg), 0); /* Register=0 */
	ck_assert_int_eq(ini_conf_row_set_int(c, INI_P_ACCOUNT_REGISTER, 0, 1),
			 0);
	expect_one(msg);
	ini_diags_clear(dg);
	ck_assert_int_eq(
		ini_conf_row_set_str(c, INI_P_IPGROUP_CONTACT_USER, 1, "trunk"),
		0);
	expect_one(msg); /* still no host */
	ini_diags_clear(dg);
	ck_assert_int_eq(ini_conf_row_set_str(c, INI_P_ACCOUNT_HOST_NAME, 0,
					      "h.example"),
			 0);
	ck_assert_int_eq(ini_conf_check(c, NULL, dg), 0);
	ck_assert_int_eq(
		ini_conf_row_set_str(c, INI_P_IPGROUP_CONTACT_USER, 1, ""), 0);
	expect_one(msg);
}
END_TEST

/* UserName is digest text; it must be a SIP user only when it is the
 * AOR user too (GWRegistrationName empty). */
START_TEST(test_user_name_as_aor_user)
{
	ck_assert_int_eq(ini_conf_set_int(c, INI_P_IS_REGISTER_NEEDED, 1), 0);
	ck_assert_int_eq(ini_conf_set_str(c, INI_P_REGISTRAR_IP, "10.0.0.5"),
			 0);
	ck_assert_int_eq(ini_conf_set_str(c, INI_P_GW_REGISTRATION_NAME, "gw"),
			 0);
	ck_assert_int_eq(ini_conf_set_str(c, INI_P_USER_NAME, "gw@example.com"),
			 0);
	ck_assert_int_eq(ini_conf_check(c, NULL, dg), 0);
	ck_assert_int_eq(ini_conf_set_str(c, INI_P_GW_REGISTRATION_NAME, ""),
			 0);
	expect_one("UserName is the AOR user (GWRegistrationName is empty): "
		   "'gw@example.com' is not a SIP user part: '@' at offset 2");
	ini_diags_clear(dg);
	ck_assert_int_eq(ini_conf_set_int(c, INI_P_IS_REGISTER_NEEDED, 0), 0);
	ck_assert_int_eq(ini_conf_check(c, NULL, dg), 0);
}
END_TEST

/* Rows built as SNMP SETs build them (no lines): the same rules. */
START_TEST(test_trunkgroup_api)
{
	ck_assert_int_eq(ini_conf_row_create(c, INI_TABLE_TRUNKGROUP, 0), 0);
	ck_assert_int_eq(
		ini_conf_row_set_str(c, INI_P_TRUNKGROUP_FIRST_PHONE_NUMBER, 0,
				     "400"),
		0);
	ck_assert_int_eq(
		ini_conf_row_set_int(c, INI_P_TRUNKGROUP_LAST_B_CHANNEL, 0, 4),
		0);
	ck_assert_int_eq(ini_conf_row_create(c, INI_TABLE_TRUNKGROUP, 1), 0);
	expect_one("TrunkGroup 1: port 1 of module 255 is already in "
		   "TrunkGroup 0");
	ini_diags_clear(dg);
	ck_assert_int_eq(
		ini_conf_row_set_int(c, INI_P_TRUNKGROUP_FIRST_B_CHANNEL, 1, 5),
		0);
	ck_assert_int_eq(
		ini_conf_row_set_int(c, INI_P_TRUNKGROUP_LAST_B_CHANNEL, 1, 5),
		0);
	ck_assert_int_eq(ini_conf_check(c, NULL, dg), 0); /* 1000 */
	ck_assert_int_eq(
		ini_conf_row_set_str(c, INI_P_TRUNKGROUP_FIRST_PHONE_NUMBER, 1,
				     "403"),
		0);
	expect_one("TrunkGroup 1: phone number '403' is already the number of "
		   "an endpoint of TrunkGroup 0");
	ini_diags_clear(dg);
	ck_assert_int_eq(ini_conf_set_str(c, INI_P_DEFAULT_NUMBER, "x"), 0);
	ck_assert_int_eq(ini_conf_row_set_str(
				 c, INI_P_TRUNKGROUP_FIRST_PHONE_NUMBER, 1, ""),
			 0);
	ck_assert_int_eq(ini_conf_check(c, NULL, dg), 0); /* one port */
	ck_assert_int_eq(
		ini_conf_row_set_int(c, INI_P_TRUNKGROUP_LAST_B_CHANNEL, 1, 6),
		0);
	expect_one("DefaultNumber 'x' numbers 2 analog ports but does not end "
		   "with a digit");
	ini_diags_clear(dg);
	ck_assert_int_eq(ini_conf_set_str(c, INI_P_DEFAULT_NUMBER, "402"), 0);
	expect_one("TrunkGroup 1: phone number '402' is already the number of "
		   "an endpoint of TrunkGroup 0");
	ini_diags_clear(dg);
	/* 2016 endpoints at most */
	ck_assert_int_eq(ini_conf_row_create(c, INI_TABLE_TRUNKGROUP, 2), 0);
	ck_assert_int_eq(
		ini_conf_row_set_int(c, INI_P_TRUNKGROUP_FIRST_TRUNK_ID, 2, 0),
		0);
	ck_assert_int_eq(
		ini_conf_row_set_int(c, INI_P_TRUNKGROUP_LAST_TRUNK_ID, 2, 64),
		0);
	ck_assert_int_eq(
		ini_conf_row_set_int(c, INI_P_TRUNKGROUP_LAST_B_CHANNEL, 2, 31),
		0);
	ck_assert_int_eq(ini_conf_set_str(c, INI_P_DEFAULT_NUMBER, "1000"), 0);
	expect_one("TrunkGroup 2: the trunk groups have more than 2016 "
		   "endpoints");
}
END_TEST

/* One Authentication row per module and port (the two-column form's
 * port is its index). */
START_TEST(test_authentication_ports)
{
	long i;

	for (i = 0; i < 3; i++)
		ck_assert_int_eq(
			ini_conf_row_create(c, INI_TABLE_AUTHENTICATION, i), 0);
	ck_assert_int_eq(ini_conf_check(c, NULL, dg), 0); /* Port 0 each */
	ck_assert_int_eq(
		ini_conf_row_set_int(c, INI_P_AUTHENTICATION_PORT, 0, 1), 0);
	ck_assert_int_eq(
		ini_conf_row_set_int(c, INI_P_AUTHENTICATION_PORT, 2, 1), 0);
	ck_assert_int_eq(
		ini_conf_row_set_int(c, INI_P_AUTHENTICATION_MODULE, 2, 1), 0);
	ck_assert_int_eq(ini_conf_check(c, NULL, dg), 0);
	ck_assert_int_eq(
		ini_conf_row_set_int(c, INI_P_AUTHENTICATION_MODULE, 2, 255),
		0);
	expect_one("Authentication 2: port 1 of module 255 already has row 0");
}
END_TEST

static Suite *
check_suite(void)
{
	Suite *s = suite_create("ini_check");
	TCase *tc = tcase_create("references");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_consistent);
	tcase_add_test(tc, test_proxyip_set);
	tcase_add_test(tc, test_five_addresses);
	tcase_add_test(tc, test_ipgroup_refs);
	tcase_add_test(tc, test_tgs_refs);
	tcase_add_test(tc, test_tgs_unique);
	tcase_add_test(tc, test_account_refs);
	tcase_add_test(tc, test_destroy_referenced);
	tcase_add_test(tc, test_gateway_set_needs_address);
	tcase_add_test(tc, test_account_set_needs_address);
	tcase_add_test(tc, test_account_needs_aor);
	tcase_add_test(tc, test_user_name_as_aor_user);
	tcase_add_test(tc, test_trunkgroup_api);
	tcase_add_test(tc, test_authentication_ports);
	suite_add_tcase(s, tc);
	return s;
}

GWTEST_MAIN(check_suite)
