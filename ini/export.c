/* SPDX-License-Identifier: ISC */
/*
 * Export of a configuration as a device-style INI file.  The reader
 * reads it back to an equal configuration (see the round-trip tests).
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ini/ini_int.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "dev"
#endif

#define EOL "\r\n"

static void
sb_quoted(struct ini_buf *sb, const char *s, char pref)
{
	char q = pref, other = pref == '"' ? '\'' : '"';

	if (strchr(s, q) != NULL)
		q = other;
	ini_buf_add(sb, &q, 1);
	ini_buf_puts(sb, s);
	ini_buf_add(sb, &q, 1);
}

static bool
must_obfuscate(const char *s, unsigned flags)
{
	if (!(flags & INI_EXPORT_CLEAR_SECRETS))
		return *s != '\0';
	return strncmp(s, "$1$", 3) == 0 ||
	       (strchr(s, '"') != NULL && strchr(s, '\''));
}

static void
put_value(struct ini_buf *sb, const struct ini_param *p,
	  const struct ini_val *v, unsigned flags, char q)
{
	const char *s = v->s ? v->s : "";
	char *obf;

	if (!ini_param_is_text(p)) {
		ini_buf_printf(sb, "%ld", v->i);
		return;
	}
	if (p->type != INI_TYPE_PASSWORD || !must_obfuscate(s, flags)) {
		sb_quoted(sb, s, q);
		return;
	}
	if ((obf = ini_obfuscate(s)) == NULL) {
		sb->nomem = 1;
		return;
	}
	sb_quoted(sb, obf, q);
	free(obf);
}

static bool
omitted(const struct ini_param *p, unsigned flags)
{
	return p->type == INI_TYPE_PASSWORD &&
	       (flags & INI_EXPORT_OMIT_SECRETS);
}

static void
put_header(struct ini_buf *sb, unsigned flags)
{
	const char *pw = "obfuscated ($1$ + base64, not encrypted)";

	if (flags & INI_EXPORT_OMIT_SECRETS)
		pw = "omitted";
	else if (flags & INI_EXPORT_CLEAR_SECRETS)
		pw = "in clear";
	ini_buf_puts(sb, ";**************" EOL ";** Ini File **" EOL
			 ";**************" EOL EOL);
	ini_buf_puts(sb, ";Board: gwagent" EOL);
	ini_buf_puts(sb, ";Software Version: " PACKAGE_VERSION EOL);
	ini_buf_printf(sb, ";Passwords: %s" EOL EOL, pw);
}

static void
put_scalars(struct ini_buf *sb, const struct ini_conf *c, unsigned flags)
{
	unsigned i;

	ini_buf_puts(sb, "[SIP Params]" EOL EOL);
	for (i = 0; i < INI_P__SCALARS; i++) {
		if (omitted(&ini_catalog[i], flags))
			continue;
		ini_buf_printf(sb, "%s = ", ini_catalog[i].name);
		put_value(sb, &ini_catalog[i], &c->sc[i], flags, '\'');
		ini_buf_puts(sb, EOL);
	}
	ini_buf_puts(sb, EOL);
}

static void
put_format(struct ini_buf *sb, const struct ini_tabdesc *td, unsigned flags)
{
	const char *sep = "";
	unsigned c;

	ini_buf_printf(sb, "FORMAT %s = ", td->index_name);
	for (c = 0; c < td->ncols; c++) {
		if (omitted(&ini_catalog[td->first + c], flags))
			continue;
		ini_buf_printf(sb, "%s%s", sep,
			       ini_catalog[td->first + c].name);
		sep = ", ";
	}
	ini_buf_puts(sb, ";" EOL);
}

static void
put_row(struct ini_buf *sb, const struct ini_tabdesc *td,
	const struct ini_row *r, unsigned flags)
{
	const char *sep = "";
	unsigned c;

	ini_buf_printf(sb, "%s %ld = ", td->name, r->index);
	for (c = 0; c < td->ncols; c++) {
		const struct ini_param *p = &ini_catalog[td->first + c];

		if (omitted(p, flags))
			continue;
		ini_buf_puts(sb, sep);
		put_value(sb, p, &r->v[c], flags, '"');
		sep = ", ";
	}
	ini_buf_puts(sb, ";" EOL);
}

static void
put_table(struct ini_buf *sb, const struct ini_conf *c, enum ini_table t,
	  unsigned flags)
{
	const struct ini_tabdesc *td = &ini_tables[t];
	size_t i;

	ini_buf_printf(sb, "[ %s ]" EOL EOL, td->name);
	put_format(sb, td, flags);
	for (i = 0; i < c->t[t].n; i++)
		put_row(sb, td, c->t[t].rows[i], flags);
	ini_buf_printf(sb, EOL "[ \\%s ]" EOL EOL, td->name);
}

int
ini_conf_export(const struct ini_conf *conf, unsigned flags, char **out,
		size_t *len)
{
	struct ini_buf sb = { 0 };
	int t;

	if (conf == NULL || out == NULL)
		return -EINVAL;
	put_header(&sb, flags);
	put_scalars(&sb, conf, flags);
	for (t = 0; t < INI_TABLE__COUNT; t++)
		put_table(&sb, conf, (enum ini_table)t, flags);
	if (sb.nomem) {
		ini_buf_free(&sb);
		return -ENOMEM;
	}
	*out = sb.p;
	if (len != NULL)
		*len = sb.n;
	return 0;
}
