/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target for GET and GETNEXT on GWAGENT-MIB's model
 * (agent/mib/mib.c, mib_tree.c) over the daemon context of agent_fixture.c.
 *
 * Input: a byte picking a start, then sub-identifiers until the input ends
 * (at most 64, so longer than MIB_MAX_OID): start 0 is an empty OID, 1 the
 * root, 2.. a real scalar or column below the root.  Each sub-identifier
 * is a byte: below 0xf0 its value, 0xf0-0xf7 four more bytes (32 bits,
 * big-endian), 0xf8-0xff eight more bytes (64 bits, as Net-SNMP's `oid`
 * may carry it, sign-extended by AgentX).  The 64-bit sub-identifiers and
 * the length go through agent_mib_subid() and agent_mib_oid_clamp() as
 * agent/snmp/snmp_mib.c does for GETNEXT.
 *
 * Properties: no crash, leak or UB; GET of an OID outside gwObjects fails;
 * GETNEXT answers an OID strictly greater than the request (and than what
 * the clamped request stands for), inside gwObjects, that GET finds with
 * a value of the same type, or -ENOENT; GETNEXT repeated from the answer
 * climbs strictly to the end of the MIB (no loop).  Any violation aborts.
 * Silent; frees everything it builds.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent/core/gwagent.h"
#include "agent/mib/mib.h"
#include "tests/fuzz/agent_fixture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_SUBIDS 64
#define MAX_STEPS  4096 /* far more instances than the fixture has */

static int
cmp(const struct mib_oid *a, const struct mib_oid *b)
{
	size_t i, n = a->len < b->len ? a->len : b->len;

	for (i = 0; i < n; i++)
		if (a->v[i] != b->v[i])
			return a->v[i] < b->v[i] ? -1 : 1;
	return a->len < b->len ? -1 : a->len > b->len;
}

/* Inside gwObjects (root.1), where every instance of the model lives. */
static int
in_objects(const struct mib_oid *o)
{
	struct mib_oid r;

	agent_mib_root(&r);
	return o->len > r.len + 1 && o->len <= MIB_MAX_OID &&
	       memcmp(o->v, r.v, r.len * sizeof(uint32_t)) == 0 &&
	       o->v[r.len] == 1;
}

static uint64_t
take_raw(const uint8_t **p, const uint8_t *end)
{
	uint8_t b = *(*p)++;
	uint64_t v = 0;
	int i, n = b < 0xf0 ? 0 : b < 0xf8 ? 4 : 8;

	if (n == 0)
		return b;
	for (i = 0; i < n; i++)
		v = v << 8 | (*p < end ? *(*p)++ : 0);
	return v;
}

/*
 * The request as the glue builds it.  *exact is 0 when it had to be
 * clamped; then *floor is what the request certainly sorts after (the
 * sub-identifiers before the one that did not fit).
 */
static void
build(const uint8_t *p, const uint8_t *end, struct mib_oid *o,
      struct mib_oid *floor, int *exact)
{
	const struct mib_oid *objs;
	size_t nobjs = fuzz_agent_objects(&objs), n = 0;
	uint8_t start = *p++;
	uint64_t raw;

	o->len = 0;
	if (start == 1 || start >= 2) {
		agent_mib_root(o);
		if (start >= 2) {
			const struct mib_oid *x = &objs[(start - 2) % nobjs];

			memcpy(o->v + o->len, x->v, x->len * sizeof(uint32_t));
			o->len += x->len;
		}
	}
	*exact = 1;
	while (p < end && n++ < MAX_SUBIDS) {
		raw = take_raw(&p, end);
		if (o->len == MIB_MAX_OID) {
			*floor = *o;
			agent_mib_oid_clamp(o, 0);
			*exact = 0;
			return;
		}
		if (agent_mib_subid(raw, &o->v[o->len]) < 0) {
			*floor = *o;
			agent_mib_oid_clamp(o, 1);
			*exact = 0;
			return;
		}
		o->len++;
	}
}

/* GETNEXT from o and what it answers, checked; @return 0 or -ENOENT. */
static int
step(struct gwagent *g, const struct mib_oid *o, struct mib_oid *next)
{
	struct mib_value v, w;
	int rc = agent_mib_getnext(g, o, next, &v);

	if (rc == -ENOENT)
		return rc;
	if (rc != 0 || cmp(o, next) >= 0 || !in_objects(next) ||
	    v.len > MIB_MAX_STR)
		abort();
	if (agent_mib_get(g, next, &w) != 0 || w.type != v.type)
		abort(); /* GETNEXT answered what GET does not know */
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gwagent *g = fuzz_agent();
	struct mib_oid o, floor, next;
	struct mib_value v;
	size_t steps = 0;
	int exact;

	if (g == NULL)
		abort(); /* the fixture must build */
	if (size < 1)
		return 0;
	build(data, data + size, &o, &floor, &exact);
	if (agent_mib_get(g, &o, &v) == 0 && (!in_objects(&o) || !exact))
		abort();
	if (step(g, &o, &next) < 0)
		return 0;
	if (!exact && cmp(&floor, &next) >= 0)
		abort();
	/* the rest of the walk climbs strictly and ends */
	while (++steps < MAX_STEPS) {
		o = next;
		if (step(g, &o, &next) < 0)
			return 0;
	}
	abort(); /* a loop, or a MIB far bigger than the fixture */
}
