/* SPDX-License-Identifier: ISC */
#include "config.h"

#include "agent/core/gwagent.h"

int
main(int argc, char *argv[])
{
	return gwagentd_main(argc, argv);
}
