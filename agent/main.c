/* SPDX-License-Identifier: ISC */
#include "config.h"

#include "agent/gwagent.h"

int
main(int argc, char *argv[])
{
	return gwagentd_main(argc, argv);
}
