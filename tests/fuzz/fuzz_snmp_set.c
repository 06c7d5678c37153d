/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target for SNMP SETs through the agent's real SET path
 * (agent/mib/mib.c, mib_tree.c, mib_txn.c), without snmpd: the phases run as
 * agent/snmp/snmp_mib.c runs them (txn_add for each varbind, prepare, action,
 * then commit or undo), over the daemon context of agent_fixture.c.
 *
 * Input: one flag byte, then varbinds until the input ends (at most 16):
 *   name:  a byte picking one of the real scalars/columns (below the root),
 *          or, past them, a raw OID of 0-15 sub-identifiers; then a byte
 *          whose low 2 bits give 0-3 more sub-identifiers (an index), one
 *          byte each, or four (big-endian) when bit 2 is set;
 *   type:  a byte, one of INTEGER, Unsigned32, Gauge32, TimeTicks,
 *          Counter32, OCTET STRING, OBJECT IDENTIFIER, IpAddress, NULL;
 *   value: a length byte, then that many bytes (a number is big-endian,
 *          INTEGER sign-extended; anything else keeps the bytes).
 * Flags: bit 0 undoes after ACTION, bit 1 commits without a separate
 * ACTION, bit 2 frees after RESERVE2 (an abandoned SET).
 *
 * Properties: no crash, leak or UB; a SET that fails (or is undone or
 * abandoned) leaves the configuration equal (ini_conf_equal) to before;
 * one that commits leaves a configuration that passes ini_conf_check.
 * Any violation aborts.  Silent; frees everything it builds per input.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent/core/gwagent.h"
#include "agent/mib/mib.h"
#include "ini/ini.h"
#include "tests/fuzz/agent_fixture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define F_UNDO	     0x01
#define F_NO_ACTION  0x02
#define F_ABANDON    0x04
#define MAX_VARBINDS 16

static const int types[] = { 0x02, 0x42, 0x42, 0x43, 0x41,
			     0x04, 0x06, 0x40, 0x05 };

struct input {
	const uint8_t *p, *end;
};

static int
take(struct input *in, uint8_t *b)
{
	if (in->p >= in->end)
		return -1;
	*b = *in->p++;
	return 0;
}

static uint32_t
take_subid(struct input *in, int wide)
{
	uint32_t v = 0;
	uint8_t b = 0;
	int i;

	for (i = 0; i < (wide ? 4 : 1); i++) {
		(void)take(in, &b);
		v = v << 8 | b;
	}
	return v;
}

/* The varbind's name below the root, as the manager wrote it. */
static int
take_name(struct input *in, struct mib_oid *o)
{
	const struct mib_oid *objs;
	size_t nobjs = fuzz_agent_objects(&objs), i, n;
	uint8_t sel, shape;

	if (take(in, &sel) < 0 || take(in, &shape) < 0)
		return -1;
	agent_mib_root(o);
	if (sel < nobjs) {
		memcpy(o->v + o->len, objs[sel].v, objs[sel].len * 4);
		o->len += objs[sel].len;
	} else {
		n = (size_t)(sel - nobjs) % 16;
		for (i = 0; i < n; i++)
			o->v[o->len++] = take_subid(in, shape & 0x08);
	}
	for (i = 0; i < (size_t)(shape & 3); i++)
		o->v[o->len++] = take_subid(in, shape & 0x04);
	return 0;
}

static int
take_value(struct input *in, struct mib_value *v)
{
	uint8_t t, len, b;
	uint64_t u = 0;
	size_t i;

	if (take(in, &t) < 0 || take(in, &len) < 0)
		return -1;
	memset(v, 0, sizeof(*v) - sizeof(v->str));
	v->type = types[t % (sizeof(types) / sizeof(types[0]))];
	for (i = 0; i < len && take(in, &b) == 0; i++) {
		v->str[i] = b;
		u = u << 8 | b;
	}
	if (v->type == 0x04 || v->type == 0x06 || v->type == 0x40) {
		v->len = i;
		return 0;
	}
	if (v->type == 0x02) /* Net-SNMP hands INTEGER over as a long */
		v->num = i <= 4 ? (int32_t)(uint32_t)u : (long long)u;
	else if (v->type != 0x05)
		v->num = i <= 4 ? (long long)(uint32_t)u : (long long)u;
	return 0;
}

/* @return 1 when the SET went through, 0 when it failed or was undone. */
static int
run_set(struct gwagent *g, uint8_t flags, struct input *in)
{
	struct agent_mib_txn *t = agent_mib_txn_begin(g);
	struct mib_oid name;
	struct mib_value v;
	size_t n = 0, bad = 0;
	int ok = 0;

	if (t == NULL)
		return 0;
	while (n < MAX_VARBINDS && take_name(in, &name) == 0 &&
	       take_value(in, &v) == 0) {
		n++;
		if (agent_mib_txn_add(t, &name, &v) != MIB_OK)
			goto out;
	}
	if (agent_mib_txn_prepare(t, &bad) != MIB_OK) {
		if (bad >= n && n > 0)
			abort(); /* the blamed varbind must exist */
		goto out;
	}
	if (flags & F_ABANDON)
		goto out;
	if (!(flags & F_NO_ACTION) && agent_mib_txn_action(t) != MIB_OK)
		goto out;
	if (flags & F_UNDO) {
		agent_mib_txn_undo(t);
		goto out;
	}
	agent_mib_txn_commit(t);
	ok = 1;
out:
	agent_mib_txn_free(t);
	return ok;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gwagent *g = fuzz_agent();
	struct ini_conf *before = NULL;
	struct input in = { data + 1, data + size };
	const struct ini_conf *after;

	if (g == NULL)
		abort(); /* the fixture must build */
	if (size < 1)
		return 0;
	fuzz_agent_reset(g);
	if (ini_conf_dup(agent_config_conf(g->config), &before) < 0)
		return 0;
	if (run_set(g, data[0], &in)) {
		after = agent_config_conf(g->config);
		if (ini_conf_check(after, NULL, NULL) < 0)
			abort(); /* a committed SET broke the configuration */
	} else if (!ini_conf_equal(before, agent_config_conf(g->config))) {
		abort(); /* a failed SET changed the configuration */
	}
	ini_conf_destroy(before);
	return 0;
}
