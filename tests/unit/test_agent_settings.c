/* SPDX-License-Identifier: ISC */
/* agent/core/settings.c: defaults, a full file, bad values, secrets. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "agent/core/settings.h"
#include "tests/unit/gwtest.h"

static char g_dir[32];
static char g_path[64];
static char g_err[512];
static struct agent_settings g_s;

static void
setup(void)
{
	snprintf(g_dir, sizeof(g_dir), "/tmp/gwsetXXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(g_dir));
	snprintf(g_path, sizeof(g_path), "%s/gwagentd.conf", g_dir);
	g_err[0] = '\0';
	ck_assert_int_eq(agent_settings_init(&g_s), 0);
}

static void
teardown(void)
{
	agent_settings_free(&g_s);
	unlink(g_path);
	rmdir(g_dir);
}

static void
write_conf(const char *text, mode_t mode)
{
	FILE *fp = fopen(g_path, "w");

	ck_assert_ptr_nonnull(fp);
	fputs(text, fp);
	ck_assert_int_eq(fclose(fp), 0);
	ck_assert_int_eq(chmod(g_path, mode), 0);
}

static int
load(const char *text, mode_t mode)
{
	write_conf(text, mode);
	g_err[0] = '\0';
	return agent_settings_load(&g_s, g_path, g_err, sizeof(g_err));
}

/* The load failed with @p rc and its message contains @p what. */
static void
fails(const char *text, int rc, const char *what)
{
	ck_assert_int_eq(load(text, 0600), rc);
	ck_assert_msg(strstr(g_err, what) != NULL, "'%s' not in '%s'", what,
		      g_err);
	ck_assert_msg(strstr(g_err, g_path) != NULL, "no file in '%s'", g_err);
}

START_TEST(test_defaults)
{
	ck_assert_str_eq(g_s.gateway_ini, "/etc/gwagent/gateway.ini");
	ck_assert_int_eq(g_s.log_level, 1);
	ck_assert_ptr_null(g_s.agentx_socket);
	ck_assert_int_eq(g_s.master, 0);
	ck_assert_str_eq(g_s.listen, "udp:127.0.0.1:161");
	/* v2c may read; writes need a v3 authPriv user. */
	ck_assert_str_eq(g_s.rocommunity, "public");
	ck_assert_ptr_null(g_s.rwcommunity);
	ck_assert_ptr_null(g_s.v3_user);
	ck_assert_ptr_null(g_s.v3_auth_pass);
	ck_assert_str_eq(g_s.persist_dir, "/var/lib/gwagent");
	ck_assert_str_eq(g_s.bind_address, "0.0.0.0");
	ck_assert_uint_eq(g_s.udp_port, 5060);
	ck_assert_uint_eq(g_s.tcp_port, 0);
	ck_assert_uint_eq(g_s.tls_port, 0);
	ck_assert_ptr_null(g_s.tls_cert);
	ck_assert_str_eq(g_s.user_agent, PACKAGE_NAME "/" PACKAGE_VERSION);
	ck_assert_uint_eq(g_s.pace_rate, 50);
	ck_assert_uint_eq(g_s.tcp_idle_timeout, 120);
	ck_assert_uint_eq(g_s.trap_rate_limit, 10);
	ck_assert_uint_eq(g_s.trap_summary_interval, 60);
	/* The embedded master's system group, listeners and notifications. */
	ck_assert_ptr_null(g_s.sys_contact);
	ck_assert_ptr_null(g_s.sys_name);
	ck_assert_ptr_null(g_s.sys_location);
	ck_assert_int_eq(g_s.sys_writable, 0);
	ck_assert_ptr_null(g_s.agentx_listen);
	ck_assert_uint_eq(g_s.bad_community_log_interval, 60);
	ck_assert_ptr_null(g_s.trap_sink);
	ck_assert_str_eq(g_s.trap_community, "public");
	ck_assert_int_eq(g_s.trap_inform, 0);
	ck_assert_uint_eq(g_s.trap_retries, 3);
	ck_assert_uint_eq(g_s.trap_timeout, 5);
	ck_assert_ptr_null(g_s.trap_v3_user);

	/* An empty file keeps every default. */
	ck_assert_int_eq(load("", 0644), 0);
	ck_assert_str_eq(g_s.listen, "udp:127.0.0.1:161");
	ck_assert_uint_eq(g_s.udp_port, 5060);

	agent_settings_free(&g_s);
	agent_settings_free(&g_s); /* twice is fine */
	agent_settings_free(NULL);
	ck_assert_int_eq(agent_settings_init(NULL), -EINVAL);
}
END_TEST

static const char full[] = "; gwagentd settings\n"
			   "[agent]\n"
			   "gateway_ini = /tmp/lab/gateway.ini\n"
			   "log_level = debug\n"
			   "\n"
			   "[snmp]\n"
			   "agentx_socket = tcp:127.0.0.1:7050\n"
			   "master = yes\n"
			   "listen = udp:127.0.0.1:1161\n"
			   "rocommunity = labro\n"
			   "rwcommunity = labrw\n"
			   "v3_user = gwadmin\n"
			   "v3_auth_pass = \"auth pass 1\"\n"
			   "v3_priv_pass = privpass2 # a comment\n"
			   "persist_dir = /tmp/lab/snmp\n"
			   "sys_contact = noc@example.net\n"
			   "sys_name = gw-1\n"
			   "sys_location = \"rack 4, row B\"\n"
			   "sys_writable = yes\n"
			   "agentx_listen = unix:/tmp/lab/agentx\n"
			   "bad_community_log_interval = 300\n"
			   "\n"
			   "[SIP]\n"
			   "Bind_Address = ::1\n"
			   "udp_port = 15060\n"
			   "tcp_port = 15060\n"
			   "tls_port = 15061\n"
			   "tls_cert = /tmp/lab/cert.pem\n"
			   "tls_key = /tmp/lab/key.pem\n"
			   "tls_ca = /tmp/lab/ca.pem\n"
			   "user_agent = Lab GW 1.0\n"
			   "pace_rate = 0\n"
			   "tcp_idle_timeout = 30\n"
			   "\n"
			   "[traps]\n"
			   "rate_limit = 5\n"
			   "summary_interval = 30\n"
			   "sink = 192.0.2.10:162\n"
			   "community = labtrap\n"
			   "inform = yes\n"
			   "retries = 7\n"
			   "timeout = 2\n"
			   "v3_user = gwtrap\n"
			   "v3_auth_pass = trap-auth-1\n"
			   "v3_priv_pass = trap-priv-2\n"
			   "v3_engine_id = 0x80001F8804676C6162\n";

START_TEST(test_full)
{
	ck_assert_int_eq(load(full, 0600), 0);
	ck_assert_str_eq(g_err, "");
	ck_assert_str_eq(g_s.gateway_ini, "/tmp/lab/gateway.ini");
	ck_assert_int_eq(g_s.log_level, 2);
	ck_assert_str_eq(g_s.agentx_socket, "tcp:127.0.0.1:7050");
	ck_assert_int_eq(g_s.master, 1);
	ck_assert_str_eq(g_s.listen, "udp:127.0.0.1:1161");
	ck_assert_str_eq(g_s.rocommunity, "labro");
	ck_assert_str_eq(g_s.rwcommunity, "labrw");
	ck_assert_str_eq(g_s.v3_user, "gwadmin");
	ck_assert_str_eq(g_s.v3_auth_pass, "auth pass 1");
	ck_assert_str_eq(g_s.v3_priv_pass, "privpass2");
	ck_assert_str_eq(g_s.persist_dir, "/tmp/lab/snmp");
	ck_assert_str_eq(g_s.bind_address, "::1");
	ck_assert_uint_eq(g_s.udp_port, 15060);
	ck_assert_uint_eq(g_s.tcp_port, 15060);
	ck_assert_uint_eq(g_s.tls_port, 15061);
	ck_assert_str_eq(g_s.tls_cert, "/tmp/lab/cert.pem");
	ck_assert_str_eq(g_s.tls_key, "/tmp/lab/key.pem");
	ck_assert_str_eq(g_s.tls_ca, "/tmp/lab/ca.pem");
	ck_assert_str_eq(g_s.user_agent, "Lab GW 1.0");
	ck_assert_uint_eq(g_s.pace_rate, 0);
	ck_assert_uint_eq(g_s.tcp_idle_timeout, 30);
	ck_assert_uint_eq(g_s.trap_rate_limit, 5);
	ck_assert_uint_eq(g_s.trap_summary_interval, 30);
	ck_assert_str_eq(g_s.sys_contact, "noc@example.net");
	ck_assert_str_eq(g_s.sys_name, "gw-1");
	ck_assert_str_eq(g_s.sys_location, "rack 4, row B");
	ck_assert_int_eq(g_s.sys_writable, 1);
	ck_assert_str_eq(g_s.agentx_listen, "unix:/tmp/lab/agentx");
	ck_assert_uint_eq(g_s.bad_community_log_interval, 300);
	ck_assert_str_eq(g_s.trap_sink, "192.0.2.10:162");
	ck_assert_str_eq(g_s.trap_community, "labtrap");
	ck_assert_int_eq(g_s.trap_inform, 1);
	ck_assert_uint_eq(g_s.trap_retries, 7);
	ck_assert_uint_eq(g_s.trap_timeout, 2);
	ck_assert_str_eq(g_s.trap_v3_user, "gwtrap");
	ck_assert_str_eq(g_s.trap_v3_auth_pass, "trap-auth-1");
	ck_assert_str_eq(g_s.trap_v3_priv_pass, "trap-priv-2");
	ck_assert_str_eq(g_s.trap_v3_engine_id, "0x80001F8804676C6162");

	/* A reload replaces everything: back to defaults where unset. */
	ck_assert_int_eq(load("[snmp]\nmaster = off\nrocommunity =\n", 0600),
			 0);
	ck_assert_int_eq(g_s.master, 0);
	ck_assert_ptr_null(g_s.rocommunity);
	ck_assert_ptr_null(g_s.v3_user);
	ck_assert_str_eq(g_s.gateway_ini, "/etc/gwagent/gateway.ini");
	ck_assert_uint_eq(g_s.udp_port, 5060);
}
END_TEST

START_TEST(test_bad_values)
{
	fails("[sip]\nudp_port = 70000\n", -EINVAL,
	      "[sip] udp_port: '70000': not a port");
	fails("[sip]\nudp_port = 65536\n", -EINVAL, "udp_port");
	fails("[sip]\ntcp_port = -1\n", -EINVAL, "tcp_port");
	fails("[sip]\nudp_port = 50x\n", -EINVAL, "udp_port");
	fails("[sip]\nbind_address = gw.example\n", -EINVAL,
	      "[sip] bind_address: 'gw.example': not a numeric");
	fails("[sip]\npace_rate = lots\n", -EINVAL, "pace_rate");
	fails("[sip]\ntcp_idle_timeout = 0\n", -EINVAL, "tcp_idle_timeout");
	fails("[snmp]\nmaster = perhaps\n", -EINVAL,
	      "[snmp] master: 'perhaps': not a boolean");
	fails("[agent]\nlog_level = 7\n", -EINVAL, "log_level");
	fails("[agent]\ngateway_ini = relative.ini\n", -EINVAL,
	      "not an absolute path");
	fails("[agent]\ngateway_ini =\n", -EINVAL, "gateway_ini: must be set");
	fails("[traps]\nrate_limit = 0\n", -EINVAL, "rate_limit");
	/* past gwAlarmTrapRateLimit's range (0..10000) */
	fails("[traps]\nrate_limit = 10001\n", -EINVAL, "rate_limit");
	fails("[traps]\nsummary_interval = 99999999999999999999\n", -EINVAL,
	      "summary_interval");
	fails("[sip]\ntls_cert = /x.pem\n", -EINVAL, "tls_key");
	fails("[sip]\ntcp_port = 5070\ntls_port = 5070\n", -EINVAL,
	      "must differ");
	fails("[snmp]\nmaster = yes\nlisten =\n", -EINVAL, "listen");
	fails("[snmp]\nv3_user = admin\nv3_auth_pass = 12345678\n", -EINVAL,
	      "v3_priv_pass");
	fails("[snmp]\nv3_auth_pass = 12345678\nv3_priv_pass = 12345678\n",
	      -EINVAL, "v3_user");
	fails("[agent]\nlog_level\n", -EINVAL, "syntax error");
	fails("[snmp]\nsys_writable = maybe\n", -EINVAL, "sys_writable");
	fails("[snmp]\nbad_community_log_interval = 0\n", -EINVAL,
	      "bad_community_log_interval");
	fails("[traps]\ninform = sometimes\n", -EINVAL, "inform");
	fails("[traps]\nretries = 21\n", -EINVAL, "retries");
	fails("[traps]\ntimeout = 0\n", -EINVAL, "timeout");
	fails("[traps]\nv3_user = gwtrap\nv3_auth_pass = 12345678\n", -EINVAL,
	      "[traps] v3_user: needs v3_auth_pass and v3_priv_pass");
	fails("[traps]\nv3_auth_pass = 12345678\nv3_priv_pass = 12345678\n",
	      -EINVAL, "[traps] v3_user: must be set");
	fails("[traps]\nsink = 192.0.2.1:162\ncommunity =\n", -EINVAL,
	      "needs a community or v3_user");
	fails("[traps]\nv3_engine_id = 80001f8804\n", -EINVAL,
	      "[traps] v3_engine_id: only with v3_user");
	fails("[traps]\nv3_user = t\nv3_auth_pass = 12345678\n"
	      "v3_priv_pass = 12345678\nv3_engine_id = 0x80001f88\n",
	      -EINVAL, "not 5 to 32 octets in hex");
	fails("[traps]\nv3_user = t\nv3_auth_pass = 12345678\n"
	      "v3_priv_pass = 12345678\nv3_engine_id = 80001f880g\n",
	      -EINVAL, "not 5 to 32 octets in hex");

	/* A failed load leaves the settings untouched. */
	ck_assert_uint_eq(g_s.udp_port, 5060);
	ck_assert_str_eq(g_s.bind_address, "0.0.0.0");
	ck_assert_int_eq(agent_settings_load(&g_s, NULL, g_err, sizeof(g_err)),
			 -EINVAL);
}
END_TEST

START_TEST(test_secret_never_shown)
{
	fails("[snmp]\nv3_user = admin\nv3_auth_pass = short\n"
	      "v3_priv_pass = privpass2\n",
	      -EINVAL, "[snmp] v3_auth_pass: shorter than 8");
	ck_assert_ptr_null(strstr(g_err, "short\'"));
	/* iniparser echoes a bad line; the message must not. */
	fails("[snmp]\nv3_priv_pass topsecret99\n", -EINVAL, "syntax error");
	ck_assert_ptr_null(strstr(g_err, "topsecret99"));
	fails("[traps]\nv3_user = t\nv3_auth_pass = trapshort\n"
	      "v3_priv_pass = tiny\n",
	      -EINVAL, "[traps] v3_priv_pass: shorter than 8");
	ck_assert_ptr_null(strstr(g_err, "tiny"));
}
END_TEST

START_TEST(test_unknown)
{
	fails("[sip]\nudp_prot = 5060\n", -EINVAL,
	      "[sip] udp_prot: unknown key");
	fails("[snmp]\nmaster = no\n[sipp]\n", -EINVAL,
	      "unknown section [sipp]");
	fails("stray = 1\n[agent]\n", -EINVAL, "stray: unknown key");
	/* Keys belong to their own section only. */
	fails("[agent]\nudp_port = 5060\n", -EINVAL,
	      "[agent] udp_port: unknown key");
}
END_TEST

START_TEST(test_file_mode)
{
	static const char secret[] = "[snmp]\nv3_user = admin\n"
				     "v3_auth_pass = authpass1\n"
				     "v3_priv_pass = privpass1\n";

	ck_assert_int_eq(load(secret, 0644), -EPERM);
	ck_assert_ptr_nonnull(strstr(g_err, "v3_auth_pass"));
	ck_assert_ptr_nonnull(strstr(g_err, "0644"));
	ck_assert_ptr_nonnull(strstr(g_err, "0600"));
	ck_assert_ptr_null(strstr(g_err, "authpass1"));
	ck_assert_ptr_null(g_s.v3_user);
	ck_assert_int_eq(load(secret, 0640), -EPERM);
	ck_assert_int_eq(load("[snmp]\nrwcommunity = private\n", 0604), -EPERM);
	ck_assert_ptr_nonnull(strstr(g_err, "rwcommunity"));
	ck_assert_int_eq(load(secret, 0600), 0);
	ck_assert_str_eq(g_s.v3_priv_pass, "privpass1");
	ck_assert_int_eq(load(secret, 0400), 0);
	/* Without secrets the mode does not matter. */
	ck_assert_int_eq(load("[snmp]\nrocommunity = public\n", 0644), 0);
}
END_TEST

START_TEST(test_missing)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/none.conf", g_dir);
	ck_assert_int_eq(agent_settings_load(&g_s, path, g_err, sizeof(g_err)),
			 -ENOENT);
	ck_assert_ptr_nonnull(strstr(g_err, "none.conf"));
	ck_assert_int_eq(agent_settings_load(&g_s, g_dir, NULL, 0), -EINVAL);
	ck_assert_str_eq(g_s.gateway_ini, "/etc/gwagent/gateway.ini");
}
END_TEST

START_TEST(test_example)
{
	char path[1024];
	const char *src = getenv("top_srcdir");

	snprintf(path, sizeof(path), "%s/examples/gwagentd.conf",
		 src != NULL ? src : ".");
	if (access(path, R_OK) != 0)
		return; /* run outside the harness */
	/* It holds no secret, so its mode in a tarball does not matter. */
	ck_assert_msg(agent_settings_load(&g_s, path, g_err, sizeof(g_err)) ==
			      0,
		      "%s", g_err);
}
END_TEST

/* [sip] dns_servers: numeric servers with optional ports, or an error. */
START_TEST(test_dns_servers)
{
	ck_assert_ptr_null(g_s.dns_servers);
	ck_assert_int_eq(load("[sip]\ndns_servers = 127.0.0.1:5353\n", 0600),
			 0);
	ck_assert_str_eq(g_s.dns_servers, "127.0.0.1:5353");
	agent_settings_free(&g_s);
	ck_assert_int_eq(load("[sip]\ndns_servers = 192.0.2.53,[2001:db8::53]:"
			      "53,2001:db8::54,[::1]\n",
			      0600),
			 0);
	ck_assert_str_eq(g_s.dns_servers,
			 "192.0.2.53,[2001:db8::53]:53,2001:db8::54,[::1]");
	agent_settings_free(&g_s);
	fails("[sip]\ndns_servers = ns.example\n", -EINVAL,
	      "[sip] dns_servers: not a comma-separated list");
	fails("[sip]\ndns_servers = 127.0.0.1:0\n", -EINVAL, "dns_servers");
	fails("[sip]\ndns_servers = 127.0.0.1:65536\n", -EINVAL, "dns_servers");
	fails("[sip]\ndns_servers = 127.0.0.1,\n", -EINVAL, "dns_servers");
	fails("[sip]\ndns_servers = [::1]53\n", -EINVAL, "dns_servers");
	fails("[sip]\ndns_servers = [::1:53\n", -EINVAL, "dns_servers");
	fails("[sip]\ndns_servers = 127.0.0.1:5x\n", -EINVAL, "dns_servers");
}
END_TEST

/* The INI-load keys (ini_dir, fetch_netrc, fetch_allow). */
START_TEST(test_fetch_keys)
{
	ck_assert_str_eq(g_s.ini_dir, "/var/lib/gwagent/ini");
	ck_assert_ptr_null(g_s.fetch_netrc);
	ck_assert_ptr_null(g_s.fetch_allow);
	ck_assert_int_eq(load("[agent]\nini_dir = /srv/ini\n"
			      "fetch_netrc = /etc/gwagent/netrc\n"
			      "fetch_allow = 127.0.0.1, ::1, 10.0.0.0/8\n",
			      0644),
			 0);
	ck_assert_str_eq(g_s.ini_dir, "/srv/ini");
	ck_assert_str_eq(g_s.fetch_netrc, "/etc/gwagent/netrc");
	ck_assert_str_eq(g_s.fetch_allow, "127.0.0.1, ::1, 10.0.0.0/8");
	fails("[agent]\nini_dir = relative/ini\n", -EINVAL, "ini_dir");
	fails("[agent]\nini_dir =\n", -EINVAL, "ini_dir: must be set");
	fails("[agent]\nfetch_netrc = netrc\n", -EINVAL, "fetch_netrc");
	fails("[agent]\nfetch_allow = gw.example.com\n", -EINVAL,
	      "fetch_allow: 'gw.example.com'");
	fails("[agent]\nfetch_allow = 10.0.0.0/40\n", -EINVAL, "fetch_allow");
	/* the failed loads left the good values */
	ck_assert_str_eq(g_s.ini_dir, "/srv/ini");
}
END_TEST

/* The registration window ([sip] register_window). */
START_TEST(test_register_window_key)
{
	ck_assert_uint_eq(g_s.register_window, AGENT_REGISTER_WINDOW_DEFAULT);
	ck_assert_uint_eq(g_s.register_window, 32);
	ck_assert_int_eq(load("[sip]\nregister_window = 0\n", 0644), 0);
	ck_assert_uint_eq(g_s.register_window, 0);
	ck_assert_int_eq(load("[sip]\nregister_window = 480\n", 0644), 0);
	ck_assert_uint_eq(g_s.register_window, 480);
	fails("[sip]\nregister_window = wide\n", -EINVAL, "register_window");
	fails("[sip]\nregister_window = 10001\n", -EINVAL,
	      "[sip] register_window");
	fails("[sip]\nregister_window = -1\n", -EINVAL, "register_window");
	/* the failed loads left the good value */
	ck_assert_uint_eq(g_s.register_window, 480);
}
END_TEST

/* The shutdown keys (unregister_rate, unregister_deadline_max). */
START_TEST(test_unregister_keys)
{
	ck_assert_uint_eq(g_s.unregister_rate, 500);
	ck_assert_uint_eq(g_s.unregister_deadline_max, 30);
	ck_assert_int_eq(load("[sip]\nunregister_rate = 0\n"
			      "unregister_deadline_max = 120\n",
			      0644),
			 0);
	ck_assert_uint_eq(g_s.unregister_rate, 0);
	ck_assert_uint_eq(g_s.unregister_deadline_max, 120);
	fails("[sip]\nunregister_rate = fast\n", -EINVAL, "unregister_rate");
	fails("[sip]\nunregister_rate = 100001\n", -EINVAL,
	      "[sip] unregister_rate");
	fails("[sip]\nunregister_deadline_max = 0\n", -EINVAL,
	      "unregister_deadline_max");
	fails("[sip]\nunregister_deadline_max = 3601\n", -EINVAL,
	      "unregister_deadline_max");
	/* the failed loads left the good values */
	ck_assert_uint_eq(g_s.unregister_rate, 0);
	ck_assert_uint_eq(g_s.unregister_deadline_max, 120);
}
END_TEST

/* The Contact keys (contact_address, nat_contact_rewrite). */
START_TEST(test_contact_keys)
{
	char host[AGENT_SETTINGS_CONTACT_HOST_LEN];
	uint16_t port = 1;

	ck_assert_ptr_null(g_s.contact_address);
	ck_assert_int_eq(g_s.nat_contact_rewrite, 0);
	ck_assert_int_eq(load("[sip]\ncontact_address = gw.example.net:5080\n"
			      "nat_contact_rewrite = yes\n",
			      0644),
			 0);
	ck_assert_str_eq(g_s.contact_address, "gw.example.net:5080");
	ck_assert_int_eq(g_s.nat_contact_rewrite, 1);
	fails("[sip]\ncontact_address = gw.example.net:0\n", -EINVAL,
	      "[sip] contact_address: not host");
	fails("[sip]\ncontact_address = gw example\n", -EINVAL,
	      "contact_address");
	fails("[sip]\ncontact_address = [2001:db8::1\n", -EINVAL,
	      "contact_address");
	fails("[sip]\ncontact_address = 192.0.2.1:65536\n", -EINVAL,
	      "contact_address");
	fails("[sip]\ncontact_address = 192.0.2.1:\n", -EINVAL,
	      "contact_address");
	fails("[sip]\nnat_contact_rewrite = maybe\n", -EINVAL,
	      "nat_contact_rewrite");
	ck_assert_str_eq(g_s.contact_address, "gw.example.net:5080");

	ck_assert_int_eq(agent_settings_contact_split("192.0.2.1", host,
						      sizeof(host), &port),
			 0);
	ck_assert_str_eq(host, "192.0.2.1");
	ck_assert_uint_eq(port, 0);
	ck_assert_int_eq(agent_settings_contact_split("[2001:db8::1]:5062",
						      host, sizeof(host),
						      &port),
			 0);
	ck_assert_str_eq(host, "2001:db8::1");
	ck_assert_uint_eq(port, 5062);
	ck_assert_int_eq(agent_settings_contact_split("2001:db8::2", host,
						      sizeof(host), &port),
			 0);
	ck_assert_str_eq(host, "2001:db8::2");
	ck_assert_uint_eq(port, 0);
	ck_assert_int_eq(agent_settings_contact_split("[gw.example]:1", host,
						      sizeof(host), &port),
			 -EINVAL);
	ck_assert_int_eq(
		agent_settings_contact_split("a;b", host, sizeof(host), &port),
		-EINVAL);
	ck_assert_int_eq(agent_settings_contact_split("[::1]x", host,
						      sizeof(host), &port),
			 -EINVAL);
	ck_assert_int_eq(
		agent_settings_contact_split("gw.example.net", host, 4, &port),
		-EINVAL);
}
END_TEST

/* Logging and the control socket (gwagentctl). */
START_TEST(test_log_and_control_keys)
{
	int fac = -1;

	ck_assert_int_eq(g_s.log_facility, LOG_DAEMON);
	ck_assert_str_eq(g_s.control_socket, AGENT_SETTINGS_CONTROL_SOCKET);
	ck_assert_ptr_null(g_s.control_group);
	ck_assert_uint_eq(g_s.control_timeout, 30);
	ck_assert_int_eq(load("[agent]\nlog_facility = LOCAL3\n"
			      "control_socket = /tmp/x/ctl.sock\n"
			      "control_group = ops\ncontrol_timeout = 5\n",
			      0644),
			 0);
	ck_assert_int_eq(g_s.log_facility, LOG_LOCAL3);
	ck_assert_str_eq(g_s.control_socket, "/tmp/x/ctl.sock");
	ck_assert_str_eq(g_s.control_group, "ops");
	ck_assert_uint_eq(g_s.control_timeout, 5);
	fails("[agent]\nlog_facility = kern\n", -EINVAL,
	      "[agent] log_facility: 'kern': not a syslog facility");
	fails("[agent]\nlog_facility = local8\n", -EINVAL, "log_facility");
	fails("[agent]\ncontrol_socket = run/ctl.sock\n", -EINVAL,
	      "control_socket");
	fails("[agent]\ncontrol_socket = "
	      "/tmp/"
	      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	      "aaaa"
	      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
	      -EINVAL, "[agent] control_socket: longer than 107");
	fails("[agent]\ncontrol_timeout = 0\n", -EINVAL, "control_timeout");
	fails("[agent]\ncontrol_timeout = 3601\n", -EINVAL, "control_timeout");
	ck_assert_int_eq(g_s.log_facility, LOG_LOCAL3);
	ck_assert_int_eq(agent_settings_facility("user", &fac), 0);
	ck_assert_int_eq(fac, LOG_USER);
	ck_assert_int_eq(agent_settings_facility("Daemon", &fac), 0);
	ck_assert_int_eq(fac, LOG_DAEMON);
	ck_assert_int_eq(agent_settings_facility("", &fac), -EINVAL);
	ck_assert_int_eq(agent_settings_facility(NULL, &fac), -EINVAL);
}
END_TEST

static Suite *
settings_suite(void)
{
	Suite *s = suite_create("agent_settings");
	TCase *tc = tcase_create("load");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_full);
	tcase_add_test(tc, test_bad_values);
	tcase_add_test(tc, test_dns_servers);
	tcase_add_test(tc, test_secret_never_shown);
	tcase_add_test(tc, test_unknown);
	tcase_add_test(tc, test_file_mode);
	tcase_add_test(tc, test_missing);
	tcase_add_test(tc, test_example);
	tcase_add_test(tc, test_fetch_keys);
	tcase_add_test(tc, test_unregister_keys);
	tcase_add_test(tc, test_register_window_key);
	tcase_add_test(tc, test_contact_keys);
	tcase_add_test(tc, test_log_and_control_keys);
	suite_add_tcase(s, tc);
	return s;
}

GWTEST_MAIN(settings_suite)
