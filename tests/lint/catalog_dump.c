/* SPDX-License-Identifier: ISC */
/*
 * Print the parameter catalog's MIB side, one line per object, for
 * tests/lint/check_mib_catalog.py to hold mibs/GWAGENT-MIB.txt to it.
 * Fields are separated by tabs; "-" stands for "none".
 *
 *	param NAME DESCRIPTOR ACCESS OID SYNTAX TYPE RANGE ENUMS DEFVAL
 *	table NAME DESCRIPTOR OID INDEX-NAME INDEX-RANGE ROWSTATUS-COLUMN
 *	setting NAME DESCRIPTOR DEFVAL RANGE
 * The settings are those of gwagentd.conf that a MIB object carries.
 *
 * With the argument "all", every parameter as gwagent.ini(5) documents
 * it, for tests/lint/check_man_catalog.py, and each table's row index:
 *	ini NAME TYPE RANGE VALUES DEFAULT
 *	index TABLE RANGE
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "agent/core/settings.h"
#include "ini/ini.h"

static void
print_oid(const uint32_t *arc, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		printf("%s%u", i ? "." : "", (unsigned)arc[i]);
}

static const char *
syntax_name(enum ini_mib_syntax s)
{
	switch (s) {
	case INI_MIB_SYNTAX_ENUM:
		return "enum";
	case INI_MIB_SYNTAX_INTEGER32:
		return "Integer32";
	case INI_MIB_SYNTAX_UNSIGNED32:
		return "Unsigned32";
	case INI_MIB_SYNTAX_STRING:
		return "string";
	default:
		return "-";
	}
}

static void
print_enums(const struct ini_param *p)
{
	size_t i, n = ini_param_enum_count(p);
	const char *l;

	if (n == 0)
		printf("-");
	for (i = 0; i < n; i++) {
		l = ini_param_enum_label(p, i);
		printf("%s%s(%ld)", i ? "," : "", l ? l : "?",
		       ini_param_enum_value(p, i));
	}
}

/* The DEFVAL the MIB must carry, as written there: an enumeration's
 * label, a number, a quoted string; none for a password (write-only, its
 * default is not published). */
static void
print_defval(const struct ini_param *p)
{
	long d = ini_param_default_int(p);
	const char *l = NULL;
	size_t i;

	switch (ini_param_mib_syntax(p)) {
	case INI_MIB_SYNTAX_ENUM:
		for (i = 0; i < ini_param_enum_count(p); i++)
			if (ini_param_enum_value(p, i) == d)
				l = ini_param_enum_label(p, i);
		printf("%s", l ? l : "?");
		break;
	case INI_MIB_SYNTAX_STRING:
		if (ini_param_type(p) == INI_TYPE_PASSWORD)
			printf("-");
		else
			printf("\"%s\"", ini_param_default_str(p));
		break;
	default:
		printf("%ld", d);
		break;
	}
}

static void
print_param(const struct ini_param *p)
{
	const uint32_t *arc;
	size_t len = ini_param_mib_arc(p, &arc);
	const char *type = ini_param_mib_type(p);
	long lo = 0, hi = 0;

	printf("param\t%s\t%s\t%s\t", ini_param_name(p), ini_param_mib_name(p),
	       ini_param_mib_access(p) == INI_MIB_READ_WRITE ? "read-write"
							     : "read-create");
	print_oid(arc, len);
	printf("\t%s\t%s\t", syntax_name(ini_param_mib_syntax(p)),
	       type ? type : "-");
	if (ini_param_range(p, &lo, &hi) == 0 &&
	    ini_param_type(p) == INI_TYPE_INT)
		printf("%ld..%ld", lo, hi);
	else if (ini_param_type(p) != INI_TYPE_ENUM)
		printf("0..%zu", ini_param_maxlen(p));
	else
		printf("-");
	printf("\t");
	print_enums(p);
	printf("\t");
	print_defval(p);
	printf("\n");
}

static void
print_table(enum ini_table t)
{
	const uint32_t *arc;
	const char *name;
	size_t len = ini_table_mib_arc(t, &name, &arc);
	long lo = 0, hi = 0;

	ini_table_index_range(t, &lo, &hi);
	printf("table\t%s\t%s\t", ini_table_name(t), name);
	print_oid(arc, len);
	printf("\t%s_Index\t%ld..%ld\t%u\n", ini_table_name(t), lo, hi,
	       (unsigned)ini_table_mib_rowstatus(t));
}

static const char *
type_name(enum ini_type t)
{
	switch (t) {
	case INI_TYPE_INT:
		return "int";
	case INI_TYPE_ENUM:
		return "enum";
	case INI_TYPE_ADDR:
		return "addr";
	case INI_TYPE_PASSWORD:
		return "password";
	case INI_TYPE_HOST:
		return "host";
	case INI_TYPE_USER:
		return "user";
	default:
		return "text";
	}
}

static void
print_ini(const struct ini_param *p)
{
	long lo = 0, hi = 0;
	size_t i;

	printf("ini\t%s\t%s\t", ini_param_name(p),
	       type_name(ini_param_type(p)));
	if (ini_param_range(p, &lo, &hi) == 0)
		printf("%ld..%ld\t", lo, hi);
	else
		printf("0..%zu\t", ini_param_maxlen(p));
	for (i = 0; i < ini_param_enum_count(p); i++)
		printf("%s%ld", i ? "," : "", ini_param_enum_value(p, i));
	if (ini_param_enum_count(p) == 0)
		printf("-");
	if (ini_param_type(p) == INI_TYPE_INT ||
	    ini_param_type(p) == INI_TYPE_ENUM)
		printf("\t%ld\n", ini_param_default_int(p));
	else
		printf("\t%s\n", ini_param_default_str(p));
}

static int
dump_all(void)
{
	long lo = 0, hi = 0;
	int i;

	for (i = 0; i < INI_P__COUNT; i++)
		print_ini(ini_param_get((enum ini_param_id)i));
	for (i = 0; i < INI_TABLE__COUNT; i++) {
		ini_table_index_range((enum ini_table)i, &lo, &hi);
		printf("index\t%s\t%ld..%ld\n",
		       ini_table_name((enum ini_table)i), lo, hi);
	}
	return fflush(stdout) == 0 ? 0 : 1;
}

int
main(int argc, char *argv[])
{
	int i;

	if (argc > 1 && strcmp(argv[1], "all") == 0)
		return dump_all();
	for (i = 0; i < INI_P__COUNT; i++) {
		const struct ini_param *p = ini_param_get((enum ini_param_id)i);

		if (ini_param_mib_access(p) != INI_MIB_NONE)
			print_param(p);
	}
	for (i = 0; i < INI_TABLE__COUNT; i++)
		print_table((enum ini_table)i);
	printf("setting\ttraps:rate_limit\tgwAlarmTrapRateLimit\t%d\t0..%d\n",
	       AGENT_TRAP_RATE_DEFAULT, AGENT_TRAP_RATE_MAX);
	return fflush(stdout) == 0 ? 0 : 1;
}
