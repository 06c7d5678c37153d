/* SPDX-License-Identifier: ISC */
/*
 * The gateway INI the agent unit tests start from: a registering gateway on
 * proxy set 0 and two accounts (3 and 10) through IP group 1.
 */
#ifndef TESTS_UNIT_AGENT_FIXTURE_H
#define TESTS_UNIT_AGENT_FIXTURE_H

#define FIXTURE                                                              \
	"IsRegisterNeeded = 1\n"                                             \
	"IsProxyUsed = 1\n"                                                  \
	"UserName = 'gw'\n"                                                  \
	"Password = 'top-secret'\n"                                          \
	"[ ProxyIp ]\n"                                                      \
	"FORMAT ProxyIp_Index = ProxyIp_IpAddress, ProxyIp_ProxySetId;\n"    \
	"ProxyIp 0 = \"127.0.0.1:5999\", 0;\n"                               \
	"[ \\ProxyIp ]\n"                                                    \
	"[ IPGroup ]\n"                                                      \
	"FORMAT IPGroup_Index = IPGroup_ProxySetId, IPGroup_SIPGroupName;\n" \
	"IPGroup 1 = 0, \"pbx.test\";\n"                                     \
	"[ \\IPGroup ]\n"                                                    \
	"[ Account ]\n"                                                      \
	"FORMAT Account_Index = Account_ServedIPGroup, "                     \
	"Account_ServingIPGroup, "                                           \
	"Account_Username, Account_Password, Account_Register, "             \
	"Account_ContactUser;\n"                                             \
	"Account 3 = 1, 1, \"alice\", \"alice-pw\", 1, \"alice\";\n"         \
	"Account 10 = 1, 1, \"bob\", \"bob-pw\", 1, \"bob\";\n"              \
	"[ \\Account ]\n"

#endif
