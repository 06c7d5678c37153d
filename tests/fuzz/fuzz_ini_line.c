/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target for gwIniLine's one-line parser (agent/core/iniline.c).
 * Input: the octets a SET of gwIniLine carries.  What the parser accepts
 * must be one line (no CR, LF or NUL, not empty), must come with no
 * reason, and must apply incrementally over a default configuration
 * without crashing or leaking; what it refuses must say why.  Any
 * disagreement aborts.  Silent; frees everything it builds.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent/core/gwagent.h"
#include "ini/ini.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ini_doc *doc = NULL;
	struct ini_conf *next = NULL;
	struct ini_diags *d = NULL;
	const char *line = (const char *)data;
	char err[160];
	int rc;

	if (size > 4096)
		return 0; /* a SET carries at most 255 octets */
	rc = agent_iniline_parse(line, size, &doc, err, sizeof(err));
	if (rc == 0) {
		if (doc == NULL || size == 0 || memchr(line, '\n', size) ||
		    memchr(line, '\r', size) || memchr(line, '\0', size) ||
		    err[0] != '\0')
			abort();
		if (ini_diags_create(&d) != 0)
			abort();
		if (ini_conf_apply(NULL, doc, INI_APPLY_INCREMENTAL, &next,
				   NULL, d) == 0 &&
		    next == NULL)
			abort();
		ini_conf_destroy(next);
		ini_diags_destroy(d);
		ini_doc_destroy(doc);
	} else if (doc != NULL || (rc == -EINVAL && err[0] == '\0')) {
		abort();
	}
	return 0;
}
