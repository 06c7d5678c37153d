/* SPDX-License-Identifier: ISC */
/* The agent fuzz targets' daemon context: see agent_fixture.h. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/core/event.h"
#include "agent/core/fetch.h"
#include "agent/core/gwagent.h"
#include "agent/core/log.h"
#include "agent/mib/mib_int.h"
#include "tests/fuzz/agent_fixture.h"

/* Rows in every configuration table, two accounts that register. */
static const char fixture_ini[] =
	"IsRegisterNeeded = 1\n"
	"IsProxyUsed = 1\n"
	"UserName = 'gw'\n"
	"Password = 'fuzz-secret'\n"
	"[ ProxySet ]\n"
	"FORMAT ProxySet_Index = ProxySet_EnableProxyKeepAlive;\n"
	"ProxySet 0 = 0;\n"
	"ProxySet 1 = 1;\n"
	"[ \\ProxySet ]\n"
	"[ ProxyIp ]\n"
	"FORMAT ProxyIp_Index = ProxyIp_IpAddress, ProxyIp_ProxySetId;\n"
	"ProxyIp 0 = \"127.0.0.1:5999\", 0;\n"
	"ProxyIp 1 = \"127.0.0.1:5998\", 1;\n"
	"[ \\ProxyIp ]\n"
	"[ IPGroup ]\n"
	"FORMAT IPGroup_Index = IPGroup_ProxySetId, IPGroup_SIPGroupName;\n"
	"IPGroup 1 = 1, \"pbx.test\";\n"
	"[ \\IPGroup ]\n"
	"[ TrunkGroupSettings ]\n"
	"FORMAT TrunkGroupSettings_Index = TrunkGroupSettings_TrunkGroupId, "
	"TrunkGroupSettings_RegistrationMode;\n"
	"TrunkGroupSettings 0 = 1, 5;\n"
	"[ \\TrunkGroupSettings ]\n"
	"[ Account ]\n"
	"FORMAT Account_Index = Account_ServedTrunkGroup, "
	"Account_ServedIPGroup, Account_ServingIPGroup, Account_Username, "
	"Account_Password, Account_Register, Account_ContactUser;\n"
	"Account 3 = 1, -1, 1, \"alice\", \"alice-pw\", 1, \"alice\";\n"
	"Account 10 = 1, -1, 1, \"bob\", \"bob-pw\", 1, \"bob\";\n"
	"[ \\Account ]\n";

static struct gwagent fixture_g;
static struct ini_conf *fixture_base; /* the configuration to go back to */
static struct agent_inimgmt fixture_ini_state;
static char fixture_dir[256], fixture_path[300];
static int fixture_state; /* 0 not built, 1 built, -1 failed */

static struct mib_oid fixture_objs[256];
static size_t fixture_nobjs;

static void
fixture_quiet(int prio, const char *msg)
{
	(void)prio;
	(void)msg;
}

static void
fixture_cleanup(void)
{
	unlink(fixture_path);
	rmdir(fixture_dir);
}

static void
fixture_add_object(const struct mib_node *n, uint32_t last)
{
	struct mib_oid *o = &fixture_objs[fixture_nobjs];

	if (fixture_nobjs == sizeof(fixture_objs) / sizeof(fixture_objs[0]))
		abort(); /* the MIB grew: make the array bigger */
	memcpy(o->v, n->sub, n->sublen * sizeof(uint32_t));
	o->v[n->sublen] = last;
	o->len = n->sublen + 1;
	fixture_nobjs++;
}

static void
fixture_objects(void)
{
	size_t i, j;

	for (i = 0; i < agent_mib_nnodes; i++) {
		const struct mib_node *n = &agent_mib_nodes[i];

		if (n->kind == MIB_NODE_SCALAR) {
			fixture_add_object(n, 0);
			continue;
		}
		for (j = 0; j < n->table->ncols; j++)
			fixture_add_object(n, n->table->cols[j].col);
	}
}

static int
fixture_build(void)
{
	struct agent_sip_conf sc = { .local_addr = "127.0.0.1" };
	struct gwagent *g = &fixture_g;
	const char *tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : NULL;

	if (tmp == NULL && (tmp = getenv("TMPDIR")) == NULL)
		tmp = "/tmp";
	snprintf(fixture_dir, sizeof(fixture_dir), "%s/gwfuzz.XXXXXX", tmp);
	if (mkdtemp(fixture_dir) == NULL)
		return -errno;
	snprintf(fixture_path, sizeof(fixture_path), "%s/gateway.ini",
		 fixture_dir);
	atexit(fixture_cleanup);
	log_register(fixture_quiet);
	g->opts.gateway_ini = fixture_path;
	if (gwagent_init(g, &sc) < 0 ||
	    agent_config_load_buffer(g->config, fixture_ini,
				     sizeof(fixture_ini) - 1, "fuzz.ini",
				     INI_APPLY_FULL, NULL, NULL) < 0 ||
	    agent_config_save(g->config) < 0 ||
	    ini_conf_dup(agent_config_conf(g->config), &fixture_base) < 0)
		return -1;
	agent_bindings_sync(g->bindings, agent_config_conf(g->config), 0);
	fixture_ini_state = g->ini;
	fixture_objects();
	return 0;
}

struct gwagent *
fuzz_agent(void)
{
	if (fixture_state == 0)
		fixture_state = fixture_build() == 0 ? 1 : -1;
	return fixture_state == 1 ? &fixture_g : NULL;
}

void
fuzz_agent_reset(struct gwagent *g)
{
	struct ini_conf *c = NULL;

	agent_fetch_cancel(g->fetch);
	g->ini = fixture_ini_state;
	g->nactions = 0;
	g->work_sync = 0;
	g->trap_rate = 20;
	if (ini_conf_equal(agent_config_conf(g->config), fixture_base))
		return;
	if (ini_conf_dup(fixture_base, &c) < 0)
		abort(); /* out of memory: libFuzzer's -rss_limit says why */
	ini_conf_destroy(agent_config_swap(g->config, c));
}

size_t
fuzz_agent_objects(const struct mib_oid **out)
{
	*out = fixture_objs;
	return fixture_nobjs;
}
