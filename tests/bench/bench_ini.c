/* SPDX-License-Identifier: ISC */
/*
 * Benchmark of the INI reader (not a test): generates a device-style
 * file with 10 proxy sets x 5 addresses, 10 IP groups and N accounts
 * (10,000 by default, argv[1] otherwise), then prints the median time
 * of parse + validate + apply, the peak RSS, and the median time of
 * iniparser_load() on the same file as a reference.
 *
 *	tests/bench/bench_ini [ACCOUNTS [RUNS]]
 *
 * Build without sanitizers for meaningful numbers.
 */
#include "config.h"

#include <iniparser.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "ini/ini.h"

struct gbuf {
	char *p;
	size_t n, cap;
};

static void gb_printf(struct gbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
gb_printf(struct gbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->cap - b->n < 1024) {
		b->cap = b->cap ? b->cap * 2 : 1 << 20;
		if ((b->p = realloc(b->p, b->cap)) == NULL) {
			perror("realloc");
			exit(2);
		}
	}
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->n, b->cap - b->n, fmt, ap);
	va_end(ap);
	b->n += (size_t)n;
}

static void
gen_tables(struct gbuf *b)
{
	int i;

	gb_printf(b, "[ ProxySet ]\r\nFORMAT ProxySet_Index = "
		     "ProxySet_EnableProxyKeepAlive, "
		     "ProxySet_ProxyKeepAliveTime, "
		     "ProxySet_ProxyLoadBalancingMethod, "
		     "ProxySet_IsProxyHotSwap;\r\n");
	for (i = 1; i <= 10; i++)
		gb_printf(b, "ProxySet %d = 1, 60, 1, 1;\r\n", i);
	gb_printf(b, "[ \\ProxySet ]\r\n\r\n[ ProxyIp ]\r\nFORMAT "
		     "ProxyIp_Index = ProxyIp_IpAddress, "
		     "ProxyIp_TransportType, ProxyIp_ProxySetId;\r\n");
	for (i = 0; i < 50; i++)
		gb_printf(b,
			  "ProxyIp %d = \"sbc%d.example.net:5060\", 0, %d;\r\n",
			  i, i, i / 5 + 1);
	gb_printf(b, "[ \\ProxyIp ]\r\n\r\n[ IPGroup ]\r\nFORMAT "
		     "IPGroup_Index = IPGroup_Type, IPGroup_Description, "
		     "IPGroup_ProxySetId, IPGroup_SIPGroupName;\r\n");
	for (i = 1; i <= 10; i++)
		gb_printf(b,
			  "IPGroup %d = 0, \"ITSP %d\", %d, "
			  "\"itsp%d.example.net\";\r\n",
			  i, i, i, i);
	gb_printf(b, "[ \\IPGroup ]\r\n\r\n");
}

static char *
generate(long accounts, size_t *len)
{
	struct gbuf b = { 0 };
	long i;

	gb_printf(&b, ";** Ini File **\r\n[SIP Params]\r\nIsProxyUsed = 1\r\n"
		      "RegistrationTime = 3600\r\nPassword = 'secret'\r\n\r\n");
	gen_tables(&b);
	gb_printf(&b, "[ Account ]\r\nFORMAT Account_Index = "
		      "Account_ServedTrunkGroup, Account_ServedIPGroup, "
		      "Account_ServingIPGroup, Account_Username, "
		      "Account_Password, Account_HostName, Account_Register, "
		      "Account_ContactUser, Account_ApplicationType;\r\n");
	for (i = 0; i < accounts; i++)
		gb_printf(&b,
			  "Account %ld = -1, -1, %ld, \"user%ld\", "
			  "\"pw%ld\", \"example.net\", 1, \"+3312%07ld\", "
			  "0;\r\n",
			  i, i % 10 + 1, i, i, i);
	gb_printf(&b, "[ \\Account ]\r\n");
	*len = b.n;
	return b.p;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return v[n / 2];
}

static double
run_ours(const char *buf, size_t len, size_t *rows)
{
	struct ini_doc *doc = NULL;
	struct ini_conf *conf = NULL;
	double t0 = now(), t;

	if (ini_doc_parse(buf, len, "bench.ini", &doc, NULL) != 0 ||
	    ini_conf_apply(NULL, doc, INI_APPLY_FULL, &conf, NULL, NULL) != 0) {
		fprintf(stderr, "bench: the generated file does not load\n");
		exit(1);
	}
	t = now() - t0;
	*rows = ini_conf_row_count(conf, INI_TABLE_ACCOUNT);
	ini_conf_destroy(conf);
	ini_doc_destroy(doc);
	return t;
}

static double
run_iniparser(const char *path, int *keys)
{
	double t0 = now(), t;
	dictionary *d = iniparser_load(path);

	t = now() - t0;
	*keys = d ? iniparser_getnsec(d) : -1;
	iniparser_freedict(d);
	return t;
}

int
main(int argc, char **argv)
{
	long accounts = argc > 1 ? strtol(argv[1], NULL, 10) : 10000;
	int runs = argc > 2 ? atoi(argv[2]) : 7, i, nsec = 0;
	char path[] = "/tmp/bench_ini.XXXXXX";
	double *ours = calloc((size_t)runs, sizeof(double));
	double *ref = calloc((size_t)runs, sizeof(double));
	size_t len, rows = 0;
	char *buf = generate(accounts, &len);
	struct rusage ru;
	FILE *f;
	int fd;

	if (runs < 1 || ours == NULL || ref == NULL ||
	    (fd = mkstemp(path)) < 0 || (f = fdopen(fd, "wb")) == NULL) {
		fprintf(stderr, "usage: bench_ini [ACCOUNTS [RUNS>0]]\n");
		return 2;
	}
	fwrite(buf, 1, len, f);
	fclose(f);
	for (i = 0; i < runs; i++)
		ours[i] = run_ours(buf, len, &rows);
	getrusage(RUSAGE_SELF, &ru);
	for (i = 0; i < runs; i++)
		ref[i] = run_iniparser(path, &nsec);
	unlink(path);
	printf("file: %zu bytes, %ld accounts (%zu loaded), %d runs\n", len,
	       accounts, rows, runs);
	printf("gwagent ini parse+validate+apply: median %.2f ms\n",
	       median(ours, runs) * 1e3);
	printf("peak RSS after our runs: %ld KiB\n", ru.ru_maxrss);
	printf("iniparser_load (reference, lossy): median %.2f ms (%d "
	       "sections)\n",
	       median(ref, runs) * 1e3, nsec);
	free(buf);
	free(ours);
	free(ref);
	return 0;
}
