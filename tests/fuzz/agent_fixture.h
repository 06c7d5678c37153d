/* SPDX-License-Identifier: ISC */
/*
 * The daemon context the agent fuzz targets (fuzz_snmp_set, fuzz_mib_getnext)
 * run GWAGENT-MIB on, built as tests/unit/test_agent_mib.c builds its
 * fixture: a gateway INI in a temporary directory, bindings synced but the
 * event loop never run (no SIP traffic: the engine's one socket, on
 * 127.0.0.1 port 0, is opened once per process), silent logs.
 */
#ifndef GWAGENT_FUZZ_AGENT_FIXTURE_H
#define GWAGENT_FUZZ_AGENT_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include "agent/mib/mib.h"

struct gwagent;

/** The context, created on first use; NULL if it could not be built. */
struct gwagent *fuzz_agent(void);
/** Put the context back as fuzz_agent() first built it (configuration,
 * INI management state, queued actions, a started fetch). */
void fuzz_agent_reset(struct gwagent *g);
/** The real objects: every scalar (its .0) and every table column,
 * below the root.  @return how many, with *out pointing at them. */
size_t fuzz_agent_objects(const struct mib_oid **out);

#endif
