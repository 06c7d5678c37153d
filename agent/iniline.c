/* SPDX-License-Identifier: ISC */
/*
 * gwIniLine: exactly one INI line, a scalar assignment "Name = value" or
 * one row "T N = v, ...;" of a known table.  The device writes a row in
 * the FORMAT of its table's block; the agent keeps no document of record
 * with a FORMAT of its own, so a row gives every column in the catalog's
 * canonical order (the order gwagent-ini dump and the saved gateway INI
 * use), and is wrapped in that block before it is applied.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "agent/gwagent.h"
#include "ini/ini.h"

static int
agent_iniline_fail(char *err, size_t errlen, const char *msg)
{
	snprintf(err, errlen, "%s", msg);
	return -EINVAL;
}

/* "[ T ]", "FORMAT T_Index = c1, c2, ...;", the row, "[ \T ]". */
static int
agent_iniline_wrap(enum ini_table t, const char *line, size_t len,
		   struct ini_doc **out, struct ini_diags *d)
{
	const char *name = ini_table_name(t);
	size_t i, cap = 256 + len, used;
	char *buf;
	int rc;

	for (i = 0; i < ini_table_ncolumns(t); i++)
		cap += strlen(ini_param_name(
			       ini_param_get(ini_table_column(t, i)))) +
		       2;
	buf = malloc(cap);
	if (buf == NULL)
		return -ENOMEM;
	used = (size_t)snprintf(buf, cap, "[ %s ]\nFORMAT %s_Index = ", name,
				name);
	for (i = 0; i < ini_table_ncolumns(t); i++)
		used += (size_t)snprintf(
			buf + used, cap - used, "%s%s", i ? ", " : "",
			ini_param_name(ini_param_get(ini_table_column(t, i))));
	used += (size_t)snprintf(buf + used, cap - used, ";\n%.*s\n[ \\%s ]\n",
				 (int)len, line, name);
	rc = ini_doc_parse(buf, used, "gwIniLine", out, d);
	OPENSSL_cleanse(buf, cap);
	free(buf);
	return rc;
}

int
agent_iniline_parse(const char *line, size_t len, struct ini_doc **out,
		    char *err, size_t errlen)
{
	const struct ini_param *p;
	const struct ini_item *it;
	struct ini_doc *doc = NULL;
	struct ini_diags *d = NULL;
	enum ini_table t;
	char msg[160];
	int rc;

	if (line == NULL || out == NULL || err == NULL || errlen == 0)
		return -EINVAL;
	err[0] = '\0';
	if (len == 0)
		return agent_iniline_fail(err, errlen, "empty line");
	if (memchr(line, '\r', len) || memchr(line, '\n', len))
		return agent_iniline_fail(err, errlen,
					  "exactly one line: CR or LF inside");
	if (memchr(line, '\0', len))
		return agent_iniline_fail(err, errlen, "NUL inside the line");
	if ((rc = ini_diags_create(&d)) < 0)
		return rc;
	rc = ini_doc_parse(line, len, "gwIniLine", &doc, d);
	if (rc < 0)
		goto out;
	it = ini_doc_item(doc, 0);
	switch (ini_doc_count(doc) == 1 ? ini_item_kind(it) : INI_ITEM_BLANK) {
	case INI_ITEM_SCALAR:
		p = ini_param_lookup(ini_item_name(it));
		if (p == NULL || ini_param_table(p) != INI_TABLE_NONE) {
			snprintf(msg, sizeof(msg), "unknown parameter '%s'",
				 ini_item_name(it));
			rc = agent_iniline_fail(err, errlen, msg);
			goto out;
		}
		if (ini_doc_errors(doc) > 0)
			break; /* reported below */
		*out = doc;
		doc = NULL;
		goto out;
	case INI_ITEM_ROW:
		t = ini_table_lookup(ini_item_name(it));
		if (t == INI_TABLE_NONE) {
			snprintf(msg, sizeof(msg), "unknown table '%s'",
				 ini_item_name(it));
			rc = agent_iniline_fail(err, errlen, msg);
			goto out;
		}
		if (ini_item_nindices(it) != 1 ||
		    ini_item_nfields(it) != ini_table_ncolumns(t)) {
			snprintf(msg, sizeof(msg),
				 "a %s row gives its index and %zu values in "
				 "the catalog's column order",
				 ini_table_name(t), ini_table_ncolumns(t));
			rc = agent_iniline_fail(err, errlen, msg);
			goto out;
		}
		ini_diags_clear(d);
		rc = agent_iniline_wrap(t, line, len, out, d);
		goto out;
	case INI_ITEM_SECTION:
	case INI_ITEM_TABLE_BEGIN:
	case INI_ITEM_TABLE_END:
		rc = agent_iniline_fail(
			err, errlen, "section and table headers are not lines");
		goto out;
	case INI_ITEM_FORMAT:
		rc = agent_iniline_fail(err, errlen,
					"FORMAT lines are not accepted: a row "
					"uses the catalog's column order");
		goto out;
	case INI_ITEM_COMMENT:
		rc = agent_iniline_fail(err, errlen,
					"a comment changes nothing");
		goto out;
	default:
		break;
	}
	/* a syntax error, or blank */
	if (ini_diags_count(d) > 0)
		snprintf(msg, sizeof(msg), "%s",
			 ini_diag_message(ini_diags_get(d, 0)));
	else
		snprintf(msg, sizeof(msg),
			 "not a 'Name = value' line or a row");
	rc = agent_iniline_fail(err, errlen, msg);
out:
	ini_doc_destroy(doc);
	ini_diags_destroy(d);
	return rc;
}
