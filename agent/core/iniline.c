/* SPDX-License-Identifier: ISC */
/*
 * gwIniLine: exactly one INI line, a scalar assignment "Name = value" or
 * one row "T N = v, ...;" of a known table.  A row is written in its
 * table's current FORMAT: the FORMAT line of that table in the gateway
 * INI's document of record; when the document has no block of that table
 * (or there is no document), every column in the catalog's canonical
 * order (the order gwagent-ini dump uses and ini_doc_patch() writes for
 * a new block).  The row is wrapped in its block with that FORMAT before
 * it is applied.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "agent/core/gwagent.h"
#include "ini/ini.h"

static int
agent_iniline_fail(char *err, size_t errlen, const char *msg)
{
	snprintf(err, errlen, "%s", msg);
	return -EINVAL;
}

/* The FORMAT line of table t in @p record (borrowed from *keep, which
 * the caller destroys), or NULL: none there. */
static const struct ini_item *
agent_iniline_format_of(enum ini_table t, const char *record, size_t reclen,
			struct ini_doc **keep)
{
	const struct ini_item *it;
	size_t i;

	*keep = NULL;
	if (record == NULL ||
	    ini_doc_parse(record, reclen, NULL, keep, NULL) < 0)
		return NULL;
	for (i = 0; i < ini_doc_count(*keep); i++) {
		it = ini_doc_item(*keep, i);
		if (ini_item_kind(it) == INI_ITEM_FORMAT &&
		    ini_table_lookup(ini_item_name(it)) == t &&
		    ini_item_nfields(it) > 0)
			return it;
	}
	return NULL;
}

/* "[ T ]", "FORMAT T_Index = c1, c2, ...;" (@p fmt, or the catalog's
 * columns), the row, "[ \T ]". */
static int
agent_iniline_wrap(enum ini_table t, const struct ini_item *fmt,
		   const char *line, size_t len, struct ini_doc **out,
		   struct ini_diags *d)
{
	const char *name = ini_table_name(t), *raw = NULL;
	size_t i, cap = 256 + len, used, rawlen = 0;
	char *buf;
	int rc;

	if (fmt != NULL) {
		raw = ini_item_raw(fmt, &rawlen);
		cap += rawlen;
	}
	for (i = 0; fmt == NULL && i < ini_table_ncolumns(t); i++)
		cap += strlen(ini_param_name(
			       ini_param_get(ini_table_column(t, i)))) +
		       2;
	buf = malloc(cap);
	if (buf == NULL)
		return -ENOMEM;
	used = (size_t)snprintf(buf, cap, "[ %s ]\n", name);
	if (fmt != NULL) {
		memcpy(buf + used, raw, rawlen);
		used += rawlen;
	} else {
		used += (size_t)snprintf(buf + used, cap - used,
					 "FORMAT %s_Index = ", name);
		for (i = 0; i < ini_table_ncolumns(t); i++)
			used += (size_t)snprintf(
				buf + used, cap - used, "%s%s", i ? ", " : "",
				ini_param_name(
					ini_param_get(ini_table_column(t, i))));
		buf[used++] = ';';
	}
	used += (size_t)snprintf(buf + used, cap - used, "\n%.*s\n[ \\%s ]\n",
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
	return agent_iniline_parse_in(line, len, NULL, 0, out, err, errlen);
}

int
agent_iniline_parse_in(const char *line, size_t len, const char *record,
		       size_t reclen, struct ini_doc **out, char *err,
		       size_t errlen)
{
	const struct ini_param *p;
	const struct ini_item *it, *fmt = NULL;
	struct ini_doc *doc = NULL, *recdoc = NULL;
	size_t want;
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
		fmt = agent_iniline_format_of(t, record, reclen, &recdoc);
		want = fmt != NULL ? ini_item_nfields(fmt)
				   : ini_table_ncolumns(t);
		if (ini_item_nindices(it) != 1 ||
		    ini_item_nfields(it) != want) {
			snprintf(msg, sizeof(msg),
				 "a %s row gives its index and %zu values in "
				 "%s",
				 ini_table_name(t), want,
				 fmt != NULL ? "the FORMAT of the gateway INI"
					     : "the catalog's column order");
			rc = agent_iniline_fail(err, errlen, msg);
			goto out;
		}
		ini_diags_clear(d);
		rc = agent_iniline_wrap(t, fmt, line, len, out, d);
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
	ini_doc_destroy(recdoc);
	ini_doc_destroy(doc);
	ini_diags_destroy(d);
	return rc;
}
