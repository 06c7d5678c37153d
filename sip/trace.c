/* SPDX-License-Identifier: ISC */
/*
 * On-demand trace: the messages of the bindings an operator marked go to
 * one handler of the engine (the daemon masks and logs them).  Nothing is
 * traced by default and an untraced binding costs one test per message.
 */
#include "config.h"

#include <errno.h>

#include "sip/sip_int.h"

int
sipreg_engine_set_trace(struct sipreg_engine *e, sipreg_trace_h *h, void *arg)
{
	if (e == NULL)
		return -EINVAL;
	e->traceh = h;
	e->trace_arg = arg;
	return 0;
}

int
sipreg_binding_set_trace(struct sipreg_binding *b, bool on)
{
	if (b == NULL)
		return -EINVAL;
	b->tx.trace = on; /* only a binding's own tx is ever marked */
	return 0;
}

bool
sipreg_binding_traced(const struct sipreg_binding *b)
{
	return b != NULL && b->tx.trace;
}

void
sip_trace(const struct sip_tx *tx, bool out, const char *buf, size_t len)
{
	struct sipreg_engine *e = tx->e;

	if (!tx->trace || e->traceh == NULL || buf == NULL || len == 0)
		return;
	e->traceh(SIP_CONTAINER(tx, struct sipreg_binding, tx), out, buf, len,
		  e->trace_arg);
}
