/* SPDX-License-Identifier: ISC */
/*
 * gwagent-ini: the operator's checker and dumper for gateway INI files.
 *
 *	gwagent-ini check FILE			diagnostics; exit 0 or 1
 *	gwagent-ini dump [--show-secrets] FILE	canonical export
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ini/ini.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "dev"
#endif

#define EXIT_ERRORS 1
#define EXIT_USAGE  2

static const char usage_text[] =
	"usage: gwagent-ini check FILE\n"
	"       gwagent-ini dump [--show-secrets] FILE\n"
	"       gwagent-ini --help | --version\n"
	"\n"
	"Read a gateway INI file (AudioCodes Mediant dialect: scalars and\n"
	"the ProxySet, ProxyIp, IPGroup, TrunkGroupSettings and Account\n"
	"tables) and validate it as gwagentd would on a full load.\n"
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
	"\n"
	"Exit status: 0 success, 1 errors in the file, 2 usage or I/O "
	"error.\n";

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

/* Parses and applies (full load over defaults); *conf set on success. */
static int
load(const char *path, struct ini_diags *d, struct ini_conf **conf)
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
		rc = ini_conf_apply(NULL, doc, INI_APPLY_FULL, conf, NULL, d);
	ini_doc_destroy(doc);
	print_diags(d);
	if (rc == -ENOMEM) {
		fprintf(stderr, "gwagent-ini: out of memory\n");
		return EXIT_USAGE;
	}
	return rc == 0 ? EXIT_SUCCESS : EXIT_ERRORS;
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
