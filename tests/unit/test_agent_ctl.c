/* SPDX-License-Identifier: ISC */
/*
 * agent/core/ctl.c, ctl_cmd.c and ctl_proto.c: the request parser, binding names,
 * the masking of SIP lines, the answer framing, and requests answered
 * over a real socket by a server on a fixture daemon.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agent/core/ctl.h"
#include "agent/core/event.h"
#include "agent/core/gwagent.h"
#include "agent/core/log.h"
#include "tests/unit/agent_fixture.h"
#include "tests/unit/gwtest.h"

/* ---- parser ------------------------------------------------------------ */

START_TEST(test_parse_ok)
{
	struct agent_ctl_req r;
	const char *l = "json  status\taccount-3";

	ck_assert_int_eq(agent_ctl_parse(l, strlen(l), &r, NULL, 0), 0);
	ck_assert_int_eq(r.json, 1);
	ck_assert_int_eq(r.cmd, AGENT_CTL_STATUS);
	ck_assert_int_eq(r.argc, 1);
	ck_assert_str_eq(r.argv[0], "account-3");
	l = "trace gateway on 5";
	ck_assert_int_eq(agent_ctl_parse(l, strlen(l), &r, NULL, 0), 0);
	ck_assert_int_eq(r.json, 0);
	ck_assert_int_eq(r.cmd, AGENT_CTL_TRACE);
	ck_assert_int_eq(r.argc, 3);
	ck_assert_str_eq(r.argv[2], "5");
}
END_TEST

START_TEST(test_parse_bad)
{
	struct agent_ctl_req r;
	char err[128], big[2048];
	static const char *const bad[] = {
		"",
		"   ",
		"json",
		"frobnicate",
		"status a b",
		"show",
		"register",
		"trace gateway",
		"version x",
		"a\001b",
		"status \xc3\xa9",
		"1 2 3 4 5 6 7 8 9 10",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		ck_assert_int_lt(agent_ctl_parse(bad[i], strlen(bad[i]), &r,
						 err, sizeof(err)),
				 0);
		ck_assert_int_gt(strlen(err), 0);
	}
	memset(big, 'a', sizeof(big));
	ck_assert_int_eq(
		agent_ctl_parse(big, sizeof(big), &r, err, sizeof(err)),
		-E2BIG);
	/* the unknown word is cut, not echoed whole */
	memset(big, 'x', 200);
	ck_assert_int_eq(agent_ctl_parse(big, 200, &r, err, sizeof(err)),
			 -EINVAL);
	ck_assert_int_lt(strlen(err), 80);
}
END_TEST

START_TEST(test_binding_names)
{
	char buf[32];
	int type;
	long id;

	ck_assert_int_eq(agent_ctl_binding_name(buf, sizeof(buf),
						AGENT_BINDING_ACCOUNT, 10),
			 0);
	ck_assert_str_eq(buf, "account-10");
	ck_assert_int_eq(agent_ctl_binding_name(buf, sizeof(buf),
						AGENT_BINDING_GATEWAY, 0),
			 0);
	ck_assert_str_eq(buf, "gateway");
	ck_assert_int_eq(
		agent_ctl_binding_name(buf, 4, AGENT_BINDING_GATEWAY, 0),
		-EINVAL);
	ck_assert_int_eq(agent_ctl_binding_name(buf, sizeof(buf), 9, 0),
			 -EINVAL);
	ck_assert_int_eq(agent_ctl_binding_parse("account-7", &type, &id), 0);
	ck_assert_int_eq(type, AGENT_BINDING_ACCOUNT);
	ck_assert_int_eq(id, 7);
	ck_assert_int_eq(agent_ctl_binding_parse("gateway", &type, &id), 0);
	ck_assert_int_eq(type, AGENT_BINDING_GATEWAY);
	ck_assert_int_eq(agent_ctl_binding_parse("account-", &type, &id),
			 -EINVAL);
	ck_assert_int_eq(agent_ctl_binding_parse("account-1x", &type, &id),
			 -EINVAL);
	ck_assert_int_eq(agent_ctl_binding_parse("account--1", &type, &id),
			 -EINVAL);
	ck_assert_int_eq(
		agent_ctl_binding_parse("account-12345678901", &type, &id),
		-EINVAL);
	ck_assert_int_eq(agent_ctl_binding_parse("Gateway", &type, &id),
			 -EINVAL);
	/* endpoints by module/trunk/channel, trunk groups by id */
	ck_assert_int_eq(agent_ctl_binding_name(buf, sizeof(buf),
						AGENT_BINDING_ENDPOINT,
						agent_endpoint_id(1, 15, 31)),
			 0);
	ck_assert_str_eq(buf, "endpoint-1/15/31");
	ck_assert_int_eq(agent_ctl_binding_parse(buf, &type, &id), 0);
	ck_assert_int_eq(type, AGENT_BINDING_ENDPOINT);
	ck_assert_int_eq(id, agent_endpoint_id(1, 15, 31));
	ck_assert_int_eq(
		agent_ctl_binding_name(buf, sizeof(buf), AGENT_BINDING_ENDPOINT,
				       agent_endpoint_id(255, 255, 2016)),
		0);
	ck_assert_str_eq(buf, "endpoint-255/255/2016");
	ck_assert_int_eq(agent_ctl_binding_name(buf, sizeof(buf),
						AGENT_BINDING_TRUNKGROUP, 8),
			 0);
	ck_assert_str_eq(buf, "trunkgroup-8");
	ck_assert_int_eq(agent_ctl_binding_parse(buf, &type, &id), 0);
	ck_assert_int_eq(type, AGENT_BINDING_TRUNKGROUP);
	ck_assert_int_eq(id, 8);
	ck_assert_int_eq(agent_ctl_binding_parse("endpoint-1/2", &type, &id),
			 -EINVAL);
	ck_assert_int_eq(agent_ctl_binding_parse("endpoint-1/2/3/", &type, &id),
			 -EINVAL);
	ck_assert_int_eq(
		agent_ctl_binding_parse("endpoint-256/0/1", &type, &id),
		-EINVAL);
	ck_assert_int_eq(agent_ctl_binding_parse("endpoint-1//1", &type, &id),
			 -EINVAL);
	ck_assert_int_eq(
		agent_ctl_binding_parse("endpoint-1/0/12345", &type, &id),
		-EINVAL);
	ck_assert_int_eq(agent_ctl_binding_parse("endpoint-", &type, &id),
			 -EINVAL);
	ck_assert_int_eq(agent_ctl_binding_parse("trunkgroup-256", &type, &id),
			 -EINVAL);
	ck_assert_int_eq(agent_ctl_binding_parse("trunkgroup-x", &type, &id),
			 -EINVAL);
}
END_TEST

/* ---- masking ------------------------------------------------------------ */

static const char *
mask(const char *in)
{
	static char out[512];

	agent_ctl_mask_line(in, strlen(in), out, sizeof(out));
	return out;
}

START_TEST(test_mask)
{
	ck_assert_str_eq(
		mask("Authorization: Digest username=\"gw\", realm=\"r\", "
		     "nonce=\"abc\", uri=\"sip:r\", "
		     "response=\"0123456789abcdef\", cnonce=\"c0ffee\", "
		     "nc=00000001, qop=auth, algorithm=MD5"),
		"Authorization: Digest username=\"gw\", realm=\"r\", "
		"nonce=\"abc\", uri=\"sip:r\", response=\"***\", "
		"cnonce=\"***\", nc=00000001, qop=auth, algorithm=MD5");
	ck_assert_str_eq(mask("proxy-authorization: Digest response=deadbeef,"
			      "CNONCE=\"x\\\"y\""),
			 "proxy-authorization: Digest response=***,"
			 "CNONCE=\"***\"");
	/* elsewhere response= is no secret, a password always is */
	ck_assert_str_eq(mask("X-Foo: response=1;password=\"pw\""),
			 "X-Foo: response=1;password=\"***\"");
	ck_assert_str_eq(mask("To: <sip:alice:s3cret@pbx.test>;tag=1"),
			 "To: <sip:alice:***@pbx.test>;tag=1");
	ck_assert_str_eq(mask("REGISTER sips:pbx.test:5061 SIP/2.0"),
			 "REGISTER sips:pbx.test:5061 SIP/2.0");
	ck_assert_str_eq(mask("Contact: <sip:bob@10.0.0.1:5060>"),
			 "Contact: <sip:bob@10.0.0.1:5060>");
	ck_assert_str_eq(mask("a\tb\033c"), "a?b?c");
	/* blanks around '=' (RFC 3261 SWS) hide nothing */
	ck_assert_str_eq(mask("Authorization: Digest response = \"abc\", "
			      "cnonce= def, nc=1"),
			 "Authorization: Digest response =\"***\", cnonce=***, "
			 "nc=1");
	ck_assert_int_eq(agent_ctl_mask_line("abcdef", 6, (char[4]){ 0 }, 4),
			 3);
}
END_TEST

/* ---- framing ------------------------------------------------------------ */

START_TEST(test_frame)
{
	struct agent_ctl_buf b = { 0 };

	ck_assert_int_eq(agent_ctl_frame(&b, 0, NULL, "a\n.b\nc\n", 7), 0);
	ck_assert_str_eq(b.p, "ok\na\n..b\nc\n.\n");
	b.len = 0;
	ck_assert_int_eq(
		agent_ctl_frame(&b, AGENT_CTL_ENOENT, "no binding x", NULL, 0),
		0);
	ck_assert_str_eq(b.p, "error 3 no binding x\n.\n");
	b.len = 0;
	ck_assert_int_eq(agent_ctl_buf_json(&b, "a\"b\\c\n\001"), 0);
	ck_assert_str_eq(b.p, "\"a\\\"b\\\\c\\u000a\\u0001\"");
	agent_ctl_buf_free(&b);
	ck_assert_ptr_null(b.p);
}
END_TEST

START_TEST(test_buf_bound)
{
	struct agent_ctl_buf b = { 0 };
	char *big = malloc(AGENT_CTL_OUTPUT_MAX);
	size_t n = 0;

	ck_assert_ptr_nonnull(big);
	memset(big, 'x', AGENT_CTL_OUTPUT_MAX - 1);
	big[AGENT_CTL_OUTPUT_MAX - 1] = '\0';
	while (agent_ctl_buf_printf(&b, "%.*s", 100000, big) == 0)
		n++;
	ck_assert_int_eq(b.full, 1);
	ck_assert_uint_le(b.len, AGENT_CTL_OUTPUT_MAX);
	ck_assert_uint_eq(n, AGENT_CTL_OUTPUT_MAX / 100000);
	agent_ctl_buf_free(&b);
	free(big);
}
END_TEST

/* ---- a server on a fixture daemon ----------------------------------------- */

static struct gwagent g;
static struct agent_ctl *ctl;
static char dir[64], sock[128], ini[128];
static int reloads;

static void
quiet(int prio, const char *msg)
{
	(void)prio;
	(void)msg;
}

static int
reload_h(char *msg, size_t len, void *arg)
{
	(void)arg;
	reloads++;
	snprintf(msg, len, "reloaded");
	return 0;
}

static void
server_setup(void)
{
	struct agent_sip_conf sc = { .local_addr = "127.0.0.1" };
	struct agent_ctl_conf cc = { 0 };
	struct ini_diags *d;
	char msg[256], err[256];

	log_register(quiet);
	snprintf(dir, sizeof(dir), "/tmp/gwctlXXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(sock, sizeof(sock), "%s/ctl.sock", dir);
	snprintf(ini, sizeof(ini), "%s/gateway.ini", dir);
	memset(&g, 0, sizeof(g));
	g.opts.gateway_ini = ini;
	ck_assert_int_eq(gwagent_init(&g, &sc), 0);
	ck_assert_int_eq(ini_diags_create(&d), 0);
	ck_assert_int_eq(gwagent_load_text(&g, FIXTURE, strlen(FIXTURE),
					   "f.ini", 1, 1, d, msg, sizeof(msg)),
			 0);
	ini_diags_destroy(d);
	cc.path = sock;
	cc.uid = cc.gid = -1;
	cc.timeout_s = 1;
	cc.reloadh = reload_h;
	reloads = 0;
	ck_assert_int_eq(agent_ctl_create(&ctl, &g, &cc, err, sizeof(err)), 0);
}

static void
server_teardown(void)
{
	agent_ctl_destroy(ctl);
	ctl = NULL;
	gwagent_fini(&g);
	unlink(ini);
	rmdir(dir);
	log_register(NULL);
}

static int
client(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	ck_assert_int_ge(fd, 0);
	memcpy(sa.sun_path, sock, strlen(sock) + 1);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

/* Run the loop until @p fd has a whole answer (ends "\n.\n"). */
static char *
answer(int fd)
{
	static char buf[65536];
	size_t len = 0;
	ssize_t n;
	int i;

	for (i = 0; i < 200; i++) {
		agent_event_run_once(g.ev, 10);
		n = recv(fd, buf + len, sizeof(buf) - 1 - len, MSG_DONTWAIT);
		if (n > 0)
			len += (size_t)n;
		buf[len] = '\0';
		if (len >= 3 && strcmp(buf + len - 3, "\n.\n") == 0)
			return buf;
		if (n == 0)
			break;
	}
	return buf;
}

static char *
ask(int fd, const char *req)
{
	ck_assert_int_eq(send(fd, req, strlen(req), 0), (ssize_t)strlen(req));
	return answer(fd);
}

START_TEST(test_socket_mode)
{
	struct stat st;

	ck_assert_int_eq(stat(sock, &st), 0);
	ck_assert(S_ISSOCK(st.st_mode));
	ck_assert_int_eq(st.st_mode & 07777, 0660);
}
END_TEST

#if defined(__x86_64__)
#define CTL_TEST_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define CTL_TEST_ARCH AUDIT_ARCH_AARCH64
#endif

/*
 * As under the systemd unit (SystemCallFilter=~@privileged,
 * SystemCallErrorNumber=EPERM): every chown() fails with EPERM.  Returns
 * 0 when the filter is in place.
 */
static int
deny_chown(void)
{
#ifdef CTL_TEST_ARCH
#define DENY(nr)                                         \
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1), \
		BPF_STMT(BPF_RET | BPF_K,                \
			 SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA))
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, CTL_TEST_ARCH, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
#ifdef SYS_chown
		DENY(SYS_chown),
#endif
#ifdef SYS_lchown
		DENY(SYS_lchown),
#endif
		DENY(SYS_fchown),
		DENY(SYS_fchownat),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof(f) / sizeof(f[0]),
				   .filter = f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0)
		return -errno;
	return 0;
#else
	return -ENOSYS;
#endif
}

/* In a child with deny_chown(): a socket of our own owner and group needs
 * no chown() and is served; another group is a clear chown error. */
START_TEST(test_no_chown_under_seccomp)
{
	char path[sizeof(dir) + 16], err[256];
	struct agent_ctl *c2;
	pid_t pid;
	int status, rc;

#ifndef CTL_TEST_ARCH
	return; /* no filter for this architecture: nothing to show */
#endif
	snprintf(path, sizeof(path), "%s/own.sock", dir);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct agent_ctl_conf cc = { .path = path,
					     .uid = (long)geteuid(),
					     .gid = (long)getegid() };

		if (deny_chown() < 0)
			_exit(10);
		if (chown(dir, geteuid(), getegid()) == 0 || errno != EPERM)
			_exit(11); /* the filter is not in effect */
		c2 = NULL;
		if (agent_ctl_create(&c2, &g, &cc, err, sizeof(err)) != 0)
			_exit(12);
		agent_ctl_destroy(c2);
		cc.gid = (long)getegid() + 1;
		c2 = NULL;
		rc = agent_ctl_create(&c2, &g, &cc, err, sizeof(err));
		if (rc != -EPERM || c2 != NULL || strstr(err, "chown") == NULL)
			_exit(13);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
	unlink(path);
}
END_TEST

START_TEST(test_second_server_refused)
{
	struct agent_ctl_conf cc = { .path = sock, .uid = -1, .gid = -1 };
	struct agent_ctl *c2 = NULL;
	char err[256];

	ck_assert_int_eq(agent_ctl_create(&c2, &g, &cc, err, sizeof(err)),
			 -EADDRINUSE);
	ck_assert_ptr_nonnull(strstr(err, "another gwagentd"));
	ck_assert_ptr_null(c2);
}
END_TEST

START_TEST(test_status)
{
	int fd = client();
	char *a;

	a = ask(fd, "status\n");
	ck_assert_ptr_nonnull(strstr(a, "ok 3 bindings, "));
	ck_assert_ptr_nonnull(strstr(a, "\nBINDING "));
	ck_assert_ptr_nonnull(strstr(a, "\ngateway "));
	ck_assert_ptr_nonnull(strstr(a, "\naccount-3 "));
	ck_assert_ptr_nonnull(strstr(a, "sip:alice@pbx.test"));
	ck_assert_ptr_null(strstr(a, "alice-pw"));
	a = ask(fd, "json status account-10\n");
	ck_assert_ptr_nonnull(strstr(a,
				     "ok\n{\"binding\":{\"binding\":"
				     "\"account-10\",\"type\":\"account\","
				     "\"id\":10,\"aor\":\"sip:bob@pbx.test\""));
	ck_assert_ptr_nonnull(strstr(a, "\"proxies\":[{\"binding\":"));
	ck_assert_ptr_null(strstr(a, "bob-pw"));
	a = ask(fd, "status account-99\n");
	ck_assert_str_eq(a, "error 3 no binding account-99\n.\n");
	a = ask(fd, "status bob\n");
	ck_assert_ptr_nonnull(strstr(a, "error 2 not a binding name"));
	a = ask(fd, "json version\n");
	ck_assert_str_eq(a, "ok\n{\"version\":\"" PACKAGE_VERSION "\"}\n.\n");
	close(fd);
}
END_TEST

START_TEST(test_show_config)
{
	int fd = client();
	char *a;

	a = ask(fd, "show config Account\n");
	ck_assert_ptr_nonnull(strstr(a,
				     "ok\n[ Account ]\nFORMAT Account_Index = "
				     "Account_ServedTrunkGroup, "));
	ck_assert_ptr_nonnull(strstr(a, "\nAccount 3 = -1, 1, 1, \"alice\", "
					"\"***\", \"\", 1, \"alice\", 0;\n"));
	ck_assert_ptr_nonnull(strstr(a, "\n[ \\Account ]\n.\n"));
	ck_assert_ptr_null(strstr(a, "alice-pw"));
	a = ask(fd, "json show config Account\n");
	ck_assert_ptr_nonnull(
		strstr(a, "ok\n{\"table\":\"Account\",\"rows\":"
			  "[{\"index\":3,\"Account_ServedTrunkGroup\""
			  ":-1,"));
	ck_assert_ptr_nonnull(strstr(a, "\"Account_Password\":\"***\""));
	ck_assert_ptr_null(strstr(a, "bob-pw"));
	ck_assert_str_eq(ask(fd, "show config password\n"),
			 "ok\nPassword = \"***\"\n.\n");
	ck_assert_str_eq(ask(fd, "show config UserName\n"),
			 "ok\nUserName = \"gw\"\n.\n");
	ck_assert_str_eq(ask(fd, "json show config IsRegisterNeeded\n"),
			 "ok\n{\"parameter\":\"IsRegisterNeeded\",\"value\":1}"
			 "\n.\n");
	ck_assert_str_eq(ask(fd, "show config Account_Password\n"),
			 "error 2 Account_Password is a column: show config "
			 "Account\n.\n");
	ck_assert_str_eq(ask(fd, "show config Nope\n"),
			 "error 3 no parameter or table Nope\n.\n");
	ck_assert_str_eq(ask(fd, "show config\n"),
			 "error 2 show config PARAMETER|TABLE\n.\n");
	ck_assert_str_eq(
		ask(fd, "show alarms x\n"),
		"error 2 show alarms|proxies|trunk-groups|control|config "
		"NAME\n.\n");
	/* the fixture's accounts serve IP group 1, no trunk group */
	ck_assert_str_eq(ask(fd, "register trunk-group 1\n"),
			 "error 3 no binding serves trunk group 1\n.\n");
	ck_assert_str_eq(ask(fd, "register trunk-group x\n"),
			 "error 2 register trunk-group N\n.\n");
	ck_assert_str_eq(ask(fd, "register account-3 x\n"),
			 "error 2 register BINDING|all|trunk-group N\n.\n");
	close(fd);
}
END_TEST

/* show trunk-groups: aligned text and JSON from agent_tg_collect(); a
 * register of a trunk group shows as its last action. */
START_TEST(test_show_trunk_groups)
{
	static const char tgini[] =
		"IsRegisterNeeded = 1\nAuthenticationMode = 0\n"
		"UserName = 'gw'\nRegistrarIP = '127.0.0.1:5999'\n"
		"[ TrunkGroupSettings ]\n"
		"FORMAT TrunkGroupSettings_Index = "
		"TrunkGroupSettings_TrunkGroupId, "
		"TrunkGroupSettings_RegistrationMode;\n"
		"TrunkGroupSettings 0 = 2, 4;\n"
		"[ \\TrunkGroupSettings ]\n"
		"[ TrunkGroup ]\n"
		"FORMAT TrunkGroup_Index = TrunkGroup_TrunkGroupNum, "
		"TrunkGroup_FirstTrunkId, TrunkGroup_FirstBChannel, "
		"TrunkGroup_LastBChannel, TrunkGroup_FirstPhoneNumber, "
		"TrunkGroup_ProfileId, TrunkGroup_LastTrunkId, "
		"TrunkGroup_Module;\n"
		"TrunkGroup 0 = 1, 1, 1, 3, \"100\", 0, 1, 1;\n"
		"TrunkGroup 1 = 2, 2, 1, 2, \"200\", 0, 2, 1;\n"
		"[ \\TrunkGroup ]\n";
	int fd = client();
	char *a;

	ck_assert_int_eq(agent_config_load_buffer(g.config, tgini,
						  strlen(tgini), "tg.ini",
						  INI_APPLY_FULL, NULL, NULL),
			 0);
	ck_assert_int_eq(
		agent_bindings_sync(g.bindings, agent_config_conf(g.config), 0),
		0);
	a = ask(fd, "show trunk-groups\n");
	ck_assert_str_eq(a, "ok 2 trunk groups\n"
			    " TG  MODE           ENDPOINTS  BINDINGS  "
			    "REGISTERED  FAILED    OOS  ALARM  LAST ACTION\n"
			    "  1  per-endpoint           3         3           "
			    "0       0      0  no     -\n"
			    "  2  dont-register          2         0           "
			    "0       0      0  no     -\n.\n");
	ck_assert_str_eq(ask(fd, "register trunk-group 2\n"),
			 "error 3 no binding serves trunk group 2\n.\n");
	ck_assert_str_eq(ask(fd, "refresh trunk-group 1\n"),
			 "ok refresh: 3 bindings\n.\n");
	a = ask(fd, "json show trunk-groups\n");
	ck_assert_ptr_nonnull(
		strstr(a, "ok 2 trunk groups\n{\"trunk_groups\":[{\"tg\":1,"
			  "\"mode\":\"per-endpoint\",\"endpoints\":3,"
			  "\"bindings\":3,\"registered\":0,\"failed\":0,"
			  "\"out_of_service\":0,\"alarm\":false,"
			  "\"last_action\":\"refresh\",\"last_bindings\":3,"
			  "\"last_time\":"));
	ck_assert_ptr_nonnull(strstr(a, "{\"tg\":2,\"mode\":"
					"\"dont-register\",\"endpoints\":2,"
					"\"bindings\":0,"));
	ck_assert_ptr_nonnull(strstr(a, "\"last_action\":\"none\","
					"\"last_bindings\":0,"
					"\"last_time\":0}]}\n.\n"));
	a = ask(fd, "show trunk-groups\n");
	ck_assert_ptr_nonnull(strstr(a, "  no     refresh 3 at "));
	close(fd);
}
END_TEST

START_TEST(test_actions)
{
	int fd = client();
	struct sipreg_status st;
	struct agent_binding *ab =
		agent_bindings_find(g.bindings, AGENT_BINDING_ACCOUNT, 3);

	ck_assert_str_eq(ask(fd, "register account-3\n"), "ok\n.\n");
	ck_assert_int_eq(agent_binding_status(ab, &st), 0);
	ck_assert_int_ne(st.state, SIPREG_IDLE);
	ck_assert_str_eq(ask(fd, "unregister all\n"),
			 "ok unregister: 3 bindings\n.\n");
	ck_assert_str_eq(ask(fd, "reload\n"), "ok reloaded\n.\n");
	ck_assert_int_eq(reloads, 1);
	ck_assert_str_eq(ask(fd, "load /etc/passwd\n"),
			 "error 1 load: not here\n.\n");
	close(fd);
}
END_TEST

/* ---- load: the MIB's load path ------------------------------------------ */

static int ini_notices, ini_notice_status;

static int
catch_notice(const struct agent_notice *n, void *arg)
{
	(void)arg;
	if (n->kind == AGENT_N_INI_RESULT) {
		ini_notices++;
		ini_notice_status = n->ini_status;
	}
	return 0;
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fputs(text, f) >= 0, 1);
	ck_assert_int_eq(fclose(f), 0);
}

/* gwagentctl load goes through gwagent_ini_load_now(), as gwIniAction
 * load(1) does: gwIniActionStatus, the diagnostics and gwIniLoadResult
 * follow it, and it is refused while another load runs. */
START_TEST(test_load_like_the_mib)
{
	struct agent_ctl_conf cc = { .uid = -1, .gid = -1, .timeout_s = 1 };
	char err[256], good[160], bad[160], req[256];
	int fd;

	agent_ctl_destroy(ctl);
	cc.path = sock;
	cc.ini_dir = dir;
	ck_assert_int_eq(agent_ctl_create(&ctl, &g, &cc, err, sizeof(err)), 0);
	agent_alarms_set_notify(g.alarms, catch_notice, NULL);
	ini_notices = 0;
	snprintf(good, sizeof(good), "%s/good.ini", dir);
	snprintf(bad, sizeof(bad), "%s/bad.ini", dir);
	write_file(good, FIXTURE "RegistrationTime = 300\n");
	write_file(bad, "RegistrationTime = 300\nRegistrationTime = 1\n");
	fd = client();

	snprintf(req, sizeof(req), "load %s --dry-run\n", good);
	ck_assert_str_eq(ask(fd, req),
			 "ok would add 0, remove 0, re-register 3 bindings; "
			 "1 parameter change\n.\n");
	ck_assert_int_eq(g.ini.status, 2);
	ck_assert_int_eq(g.ini.running_mode, 3);
	ck_assert_str_eq(g.ini.running, good);
	ck_assert_str_eq(g.ini.diags, "would add 0, remove 0, re-register 3 "
				      "bindings; 1 parameter change");
	ck_assert_int_eq(ini_notices, 1);
	ck_assert_int_eq(ini_notice_status, 2);

	snprintf(req, sizeof(req), "load %s\n", bad);
	ck_assert_ptr_nonnull(strstr(ask(fd, req), "error 1 "));
	ck_assert_int_eq(g.ini.status, 3);
	ck_assert_int_eq(g.ini.running_mode, 1);
	ck_assert_ptr_nonnull(strstr(g.ini.diags, "bad.ini:2:"));
	ck_assert_int_eq(ini_notices, 2);
	ck_assert_int_eq(ini_notice_status, 3);

	/* a load runs (a gwIniAction fetch): refused, its status kept */
	g.ini.status = 1;
	snprintf(g.ini.running, sizeof(g.ini.running), "http://x/y.ini");
	snprintf(req, sizeof(req), "load %s\n", good);
	ck_assert_str_eq(ask(fd, req), "error 1 a load from http://x/y.ini is "
				       "running\n.\n");
	ck_assert_int_eq(g.ini.status, 1);
	ck_assert_int_eq(ini_notices, 2);
	g.ini.status = 3;

	ck_assert_str_eq(ask(fd, req), "ok added 0, removed 0, re-registered 3 "
				       "bindings; 1 parameter changed\n.\n");
	ck_assert_int_eq(g.ini.status, 2);
	ck_assert_str_eq(g.ini.running, good);
	ck_assert_int_eq(ini_notices, 3);
	ck_assert_int_eq(ini_notice_status, 2);
	close(fd);
	unlink(good);
	unlink(bad);
}
END_TEST

START_TEST(test_trace)
{
	int fd = client();
	struct agent_ctl_stats s;
	char *a;

	a = ask(fd, "trace account-3 on 5\n");
	ck_assert_str_eq(a, "ok tracing account-3 for 5 s\n.\n");
	a = ask(fd, "status account-3\n");
	ck_assert_ptr_nonnull(strstr(a, "trace:        on, 5 s left"));
	ck_assert_str_eq(ask(fd, "trace account-3 on 0\n"),
			 "error 2 trace: SECONDS from 1 to 3600\n.\n");
	ck_assert_str_eq(ask(fd, "trace account-3 on 3601\n"),
			 "error 2 trace: SECONDS from 1 to 3600\n.\n");
	ck_assert_str_eq(ask(fd, "trace account-3 maybe\n"),
			 "error 2 trace BINDING on [SECONDS] | off\n.\n");
	ck_assert_str_eq(ask(fd, "trace account-3 off\n"), "ok\n.\n");
	a = ask(fd, "status account-3\n");
	ck_assert_ptr_nonnull(strstr(a, "trace:        off"));
	ck_assert_int_eq(agent_ctl_stats(ctl, &s), 0);
	ck_assert_uint_eq(s.bad, 0);
	close(fd);
}
END_TEST

START_TEST(test_garbage_and_oversize)
{
	int fd = client(), i;
	struct agent_ctl_stats s;
	char big[AGENT_CTL_LINE_MAX + 10], *a;

	for (i = 0; i < 100; i++) {
		a = ask(fd, "\x01\xff garbage\n");
		ck_assert_ptr_nonnull(strstr(a, "error 2 "));
	}
	memset(big, 'x', sizeof(big));
	ck_assert_int_eq(send(fd, big, sizeof(big), 0), (ssize_t)sizeof(big));
	a = answer(fd);
	ck_assert_str_eq(a, "error 2 request too long\n.\n");
	ck_assert_int_eq(agent_ctl_stats(ctl, &s), 0);
	ck_assert_uint_eq(s.bad, 101);
	close(fd);
	/* still serving */
	fd = client();
	ck_assert_ptr_nonnull(strstr(ask(fd, "version\n"), "ok\ngwagentd "));
	close(fd);
}
END_TEST

START_TEST(test_half_close_answered)
{
	int fd = client(), i;
	char buf[4096];
	size_t len = 0;
	ssize_t n = 1;

	/* two requests and a partial one, then no more: two answers, EOF */
	ck_assert_int_eq(send(fd, "version\nhelp\nstat", 18, 0), 18);
	ck_assert_int_eq(shutdown(fd, SHUT_WR), 0);
	for (i = 0; i < 200 && n != 0; i++) {
		agent_event_run_once(g.ev, 10);
		n = recv(fd, buf + len, sizeof(buf) - 1 - len, MSG_DONTWAIT);
		if (n > 0)
			len += (size_t)n;
	}
	ck_assert_int_eq(n, 0);
	buf[len] = '\0';
	ck_assert_ptr_nonnull(strstr(buf, "ok\ngwagentd " PACKAGE_VERSION
					  "\n.\nok\n[json] status"));
	ck_assert_str_eq(buf + len - 3, "\n.\n");
	close(fd);
}
END_TEST

START_TEST(test_idle_dropped)
{
	int fd = client(), i;
	struct agent_ctl_stats s;
	char c;

	for (i = 0; i < 300; i++) /* timeout_s is 1 */
		agent_event_run_once(g.ev, 10);
	ck_assert_int_eq(recv(fd, &c, 1, MSG_DONTWAIT), 0); /* closed */
	ck_assert_int_eq(agent_ctl_stats(ctl, &s), 0);
	ck_assert_uint_eq(s.timeouts, 1);
	close(fd);
}
END_TEST

START_TEST(test_too_many_clients)
{
	int fd[AGENT_CTL_CLIENTS_MAX + 1], i;
	struct agent_ctl_stats s;
	char c;

	for (i = 0; i <= AGENT_CTL_CLIENTS_MAX; i++) {
		fd[i] = client();
		agent_event_run_once(g.ev, 10);
	}
	ck_assert_int_eq(recv(fd[AGENT_CTL_CLIENTS_MAX], &c, 1, MSG_DONTWAIT),
			 0);
	ck_assert_int_eq(agent_ctl_stats(ctl, &s), 0);
	ck_assert_uint_eq(s.refused, 1);
	ck_assert_uint_eq(s.accepted, AGENT_CTL_CLIENTS_MAX);
	for (i = 0; i <= AGENT_CTL_CLIENTS_MAX; i++)
		close(fd[i]);
}
END_TEST

START_TEST(test_slow_reader_dropped)
{
	int fd = client(), i;
	struct agent_ctl_stats s = { 0 };
	const char req[] = "status\nstatus\nstatus\nstatus\n";

	/* Asks and asks, never reads: once its answers fill the socket the
	 * server stops reading it, and drops it after timeout_s (1 s). */
	for (i = 0; i < 5000; i++) {
		if (send(fd, req, sizeof(req) - 1, MSG_DONTWAIT) < 0)
			break;
		agent_event_run_once(g.ev, 0);
	}
	ck_assert_int_eq(errno, EAGAIN);
	for (i = 0; i < 300 && s.slow == 0; i++) {
		agent_event_run_once(g.ev, 10);
		ck_assert_int_eq(agent_ctl_stats(ctl, &s), 0);
	}
	ck_assert_uint_eq(s.slow, 1);
	ck_assert_uint_eq(s.timeouts, 0);
	close(fd);
	fd = client();
	ck_assert_ptr_nonnull(strstr(ask(fd, "version\n"), "ok\ngwagentd "));
	close(fd);
}
END_TEST

static Suite *
ctl_suite(void)
{
	Suite *s = suite_create("agent_ctl");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_parse_ok);
	tcase_add_test(tc, test_parse_bad);
	tcase_add_test(tc, test_binding_names);
	suite_add_tcase(s, tc);
	tc = tcase_create("mask");
	tcase_add_test(tc, test_mask);
	suite_add_tcase(s, tc);
	tc = tcase_create("frame");
	tcase_add_test(tc, test_frame);
	tcase_add_test(tc, test_buf_bound);
	suite_add_tcase(s, tc);
	tc = tcase_create("server");
	tcase_add_checked_fixture(tc, server_setup, server_teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_socket_mode);
	tcase_add_test(tc, test_second_server_refused);
	tcase_add_test(tc, test_no_chown_under_seccomp);
	tcase_add_test(tc, test_status);
	tcase_add_test(tc, test_actions);
	tcase_add_test(tc, test_show_config);
	tcase_add_test(tc, test_show_trunk_groups);
	tcase_add_test(tc, test_trace);
	tcase_add_test(tc, test_load_like_the_mib);
	tcase_add_test(tc, test_garbage_and_oversize);
	tcase_add_test(tc, test_half_close_answered);
	tcase_add_test(tc, test_idle_dropped);
	tcase_add_test(tc, test_too_many_clients);
	tcase_add_test(tc, test_slow_reader_dropped);
	suite_add_tcase(s, tc);
	return s;
}

GWTEST_MAIN(ctl_suite)
