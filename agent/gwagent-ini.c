/* SPDX-License-Identifier: ISC */
/*
 * gwagent-ini: the operator's checker and dumper for gateway INI files.
 *
 *	gwagent-ini check FILE			diagnostics; exit 0 or 1
 *	gwagent-ini dump [--show-secrets] FILE	canonical export
 *	gwagent-ini diff [--incremental] OLD NEW	what loading NEW does
 *
 * It lives in agent/ because diff counts bindings the way gwagentd
 * derives them (agent_bindings_plan_confs()).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/core/gwagent.h"
#include "ini/ini.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "dev"
#endif

#define EXIT_ERRORS 1
#define EXIT_USAGE  2

static const char usage_text[] =
	"usage: gwagent-ini check FILE\n"
	"       gwagent-ini dump [--show-secrets] FILE\n"
	"       gwagent-ini diff [--incremental] OLD NEW\n"
	"       gwagent-ini --help | --version\n"
	"\n"
	"Read a gateway INI file (AudioCodes Mediant dialect: scalars and\n"
	"the ProxySet, ProxyIp, IPGroup, TrunkGroupSettings, Account,\n"
	"TrunkGroup and Authentication tables) and validate it as gwagentd\n"
	"would on a full load.\n"
	"FILE may be '-' for standard input.\n"
	"\n"
	"  check   print every diagnostic as FILE:LINE: error|warning: ...\n"
	"          on standard error.  Exit 0 when the file is clean or has\n"
	"          only warnings (unknown parameters and tables are\n"
	"          warnings), 1 when it has errors.\n"
	"  dump    print the configuration the file yields as a canonical\n"
	"          device-style file (CRLF) on standard output.  Passwords\n"
	"          are obfuscated ($1$ + base64) unless --show-secrets is\n"
	"          given; diagnostics go to standard error.  Exit 1 and\n"
	"          print nothing on standard output when the file has\n"
	"          errors.\n"
	"  diff    OLD applied in full, then NEW in full (or incremental\n"
	"          with --incremental): print on standard output the\n"
	"          summary gwagentd's dry run gives (would add A, remove R,\n"
	"          re-register U bindings; P parameters change), then one\n"
	"          line per changed parameter and row.  Passwords are only\n"
	"          said to change, never shown.  Exit 0 when nothing\n"
	"          changes, 1 when something does, 2 when a file has errors\n"
	"          or cannot be read.\n"
	"\n"
	"Exit status (check, dump): 0 success, 1 errors in the file, 2 usage\n"
	"or I/O error.\n";

static int
read_file(const char *path, char **bufp, size_t *lenp)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	size_t len = 0, cap = 65536, n;
	char *buf = NULL, *p;

	if (f == NULL)
		return -errno;
	/* one byte past the limit is enough for the library to report the
	 * file as too large */
	for (;;) {
		if ((p = realloc(buf, cap)) == NULL)
			break;
		buf = p;
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (len < cap || len > INI_MAX_FILE_SIZE)
			break;
		cap = cap * 2 > INI_MAX_FILE_SIZE ? INI_MAX_FILE_SIZE + 1
						  : cap * 2;
	}
	if (f != stdin)
		fclose(f);
	if (p == NULL) {
		free(buf);
		return -ENOMEM;
	}
	*bufp = buf;
	*lenp = len;
	return 0;
}

static void
print_diags(struct ini_diags *d)
{
	char line[1024];
	size_t i;

	ini_diags_sort(d);
	for (i = 0; i < ini_diags_count(d); i++) {
		ini_diag_format(ini_diags_get(d, i), line, sizeof(line));
		fprintf(stderr, "%s\n", line);
	}
	if (ini_diags_errors(d) + ini_diags_warnings(d) > ini_diags_count(d))
		fprintf(stderr, "gwagent-ini: %zu more diagnostics not shown\n",
			ini_diags_errors(d) + ini_diags_warnings(d) -
				ini_diags_count(d));
}

/* Parses and applies @p path over @p cur (NULL: defaults) in @p mode;
 * *conf (and *chg when asked) set on success. */
static int
load_over(const char *path, const struct ini_conf *cur,
	  enum ini_apply_mode mode, struct ini_diags *d, struct ini_conf **conf,
	  struct ini_changes **chg)
{
	struct ini_doc *doc = NULL;
	char *buf;
	size_t len;
	int rc;

	if ((rc = read_file(path, &buf, &len)) != 0) {
		fprintf(stderr, "gwagent-ini: %s: %s\n", path, strerror(-rc));
		return EXIT_USAGE;
	}
	rc = ini_doc_parse(buf, len, path, &doc, d);
	memset(buf, 0, len);
	free(buf);
	if (rc == 0)
		rc = ini_conf_apply(cur, doc, mode, conf, chg, d);
	ini_doc_destroy(doc);
	print_diags(d);
	if (rc == -ENOMEM) {
		fprintf(stderr, "gwagent-ini: out of memory\n");
		return EXIT_USAGE;
	}
	return rc == 0 ? EXIT_SUCCESS : EXIT_ERRORS;
}

/* Parses and applies (full load over defaults); *conf set on success. */
static int
load(const char *path, struct ini_diags *d, struct ini_conf **conf)
{
	return load_over(path, NULL, INI_APPLY_FULL, d, conf, NULL);
}

/* A value as the file would say it; passwords are never printed. */
static void
diff_value(const struct ini_conf *c, enum ini_param_id id, long row, char *buf,
	   size_t len)
{
	const struct ini_param *p = ini_param_get(id);
	const char *s = "";
	long v = 0;

	if (ini_param_type(p) == INI_TYPE_INT ||
	    ini_param_type(p) == INI_TYPE_ENUM) {
		if (row < 0)
			v = ini_conf_get_int(c, id);
		else
			ini_conf_row_get_int(c, id, row, &v);
		snprintf(buf, len, "%ld", v);
		return;
	}
	if (row < 0)
		s = ini_conf_get_str(c, id);
	else
		ini_conf_row_get_str(c, id, row, &s);
	snprintf(buf, len, "'%s'", s ? s : "");
}

static void
diff_param(const struct ini_conf *a, const struct ini_conf *b,
	   enum ini_param_id id, const char *prefix, long row)
{
	const struct ini_param *p = ini_param_get(id);
	const char *name = ini_param_name(p), *us = strchr(name, '_');
	char va[300], vb[300];

	if (row >= 0 && us != NULL)
		name = us +
		       1; /* "Account 3 Password", not "Account_Password" */
	if (ini_param_type(p) == INI_TYPE_PASSWORD) {
		printf("%s%s changed\n", prefix, name);
		return;
	}
	diff_value(a, id, row, va, sizeof(va));
	diff_value(b, id, row, vb, sizeof(vb));
	printf("%s%s changed: %s -> %s\n", prefix, name, va, vb);
}

static int
cmd_diff(const char *oldpath, const char *newpath, enum ini_apply_mode mode,
	 struct ini_diags *d)
{
	struct ini_conf *a = NULL, *b = NULL;
	struct ini_changes *chg = NULL;
	struct agent_sync_stats st;
	char line[256], prefix[64];
	size_t i, k;
	int rc;

	rc = load(oldpath, d, &a);
	if (rc != EXIT_SUCCESS)
		return EXIT_USAGE;
	ini_diags_clear(d);
	rc = load_over(newpath, a, mode, d, &b, &chg);
	if (rc != EXIT_SUCCESS) {
		ini_conf_destroy(a);
		return EXIT_USAGE;
	}
	rc = agent_bindings_plan_confs(a, b, &st);
	if (rc < 0) {
		fprintf(stderr, "gwagent-ini: %s\n", strerror(-rc));
		rc = EXIT_USAGE;
		goto out;
	}
	gwagent_load_summary(line, sizeof(line), &st,
			     gwagent_params_changed(chg), 1);
	printf("%s\n", line);
	for (i = 0; i < ini_changes_count(chg); i++) {
		const struct ini_change *c = ini_changes_get(chg, i);
		enum ini_table t = ini_change_table(c);

		switch (ini_change_kind(c)) {
		case INI_CHANGE_SCALAR:
			diff_param(a, b, ini_change_param(c), "", -1);
			break;
		case INI_CHANGE_ROW_ADDED:
			printf("%s %ld added\n", ini_table_name(t),
			       ini_change_row(c));
			break;
		case INI_CHANGE_ROW_REMOVED:
			printf("%s %ld removed\n", ini_table_name(t),
			       ini_change_row(c));
			break;
		case INI_CHANGE_ROW_CHANGED:
			snprintf(prefix, sizeof(prefix), "%s %ld ",
				 ini_table_name(t), ini_change_row(c));
			for (k = 0; k < ini_table_ncolumns(t); k++) {
				enum ini_param_id col = ini_table_column(t, k);

				if (ini_change_has_column(c, col))
					diff_param(a, b, col, prefix,
						   ini_change_row(c));
			}
			break;
		}
	}
	if (fflush(stdout) != 0)
		rc = EXIT_USAGE;
	else if (ini_changes_count(chg) > 0 ||
		 st.added + st.removed + st.updated > 0)
		rc = EXIT_ERRORS; /* as diff(1): the files differ */
	else
		rc = EXIT_SUCCESS;
out:
	ini_changes_destroy(chg);
	ini_conf_destroy(a);
	ini_conf_destroy(b);
	return rc;
}

static int
cmd_dump(const char *path, unsigned flags, struct ini_diags *d)
{
	struct ini_conf *conf = NULL;
	char *out;
	size_t len;
	int rc = load(path, d, &conf);

	if (rc != EXIT_SUCCESS)
		return rc;
	rc = ini_conf_export(conf, flags, &out, &len);
	ini_conf_destroy(conf);
	if (rc != 0) {
		fprintf(stderr, "gwagent-ini: %s\n", strerror(-rc));
		return EXIT_USAGE;
	}
	rc = fwrite(out, 1, len, stdout) == len && fflush(stdout) == 0
		     ? EXIT_SUCCESS
		     : EXIT_USAGE;
	memset(out, 0, len);
	free(out);
	return rc;
}

static int
run(int argc, char **argv, struct ini_diags *d)
{
	struct ini_conf *conf = NULL;
	int rc;

	if (argc == 2 && strcmp(argv[1], "--help") == 0) {
		fputs(usage_text, stdout);
		return EXIT_SUCCESS;
	}
	if (argc == 2 && strcmp(argv[1], "--version") == 0) {
		printf("gwagent-ini %s\n", PACKAGE_VERSION);
		return EXIT_SUCCESS;
	}
	if (argc == 3 && strcmp(argv[1], "check") == 0) {
		rc = load(argv[2], d, &conf);
		ini_conf_destroy(conf);
		return rc;
	}
	if (argc == 3 && strcmp(argv[1], "dump") == 0)
		return cmd_dump(argv[2], 0, d);
	if (argc == 4 && strcmp(argv[1], "dump") == 0 &&
	    strcmp(argv[2], "--show-secrets") == 0)
		return cmd_dump(argv[3], INI_EXPORT_CLEAR_SECRETS, d);
	if (argc == 4 && strcmp(argv[1], "diff") == 0)
		return cmd_diff(argv[2], argv[3], INI_APPLY_FULL, d);
	if (argc == 5 && strcmp(argv[1], "diff") == 0 &&
	    strcmp(argv[2], "--incremental") == 0)
		return cmd_diff(argv[3], argv[4], INI_APPLY_INCREMENTAL, d);
	fputs(usage_text, stderr);
	return EXIT_USAGE;
}

int
main(int argc, char **argv)
{
	struct ini_diags *d;
	int rc;

	if (ini_diags_create(&d) != 0) {
		fprintf(stderr, "gwagent-ini: out of memory\n");
		return EXIT_USAGE;
	}
	rc = run(argc, argv, d);
	ini_diags_destroy(d);
	return rc;
}
