/* SPDX-License-Identifier: ISC */
/*
 * GET latency probe for tests/bench/bench_agent.py: N synchronous SNMPv2c
 * GETs of single OIDs (cycled from the command line) against one agent;
 * prints the median, p99 and max round trip in microseconds.  A client of
 * Net-SNMP, not part of the daemon.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

static int
cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

static long long
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int
main(int argc, char *argv[])
{
	netsnmp_session s, *ss;
	long long *lat;
	int n, i, nerr = 0, noids = argc - 3;

	if (argc < 4) {
		fprintf(stderr, "usage: bench_snmpget AGENT COUNT OID...\n");
		return 2;
	}
	n = atoi(argv[2]);
	if (n <= 0 || (lat = calloc((size_t)n, sizeof(*lat))) == NULL)
		return 2;
	setenv("MIBS", "", 1);
	init_snmp("bench_snmpget");
	snmp_sess_init(&s);
	s.peername = argv[1];
	s.version = SNMP_VERSION_2c;
	s.community = (u_char *)"public";
	s.community_len = strlen("public");
	s.timeout = 2000000;
	s.retries = 0;
	if ((ss = snmp_open(&s)) == NULL) {
		snmp_perror("snmp_open");
		return 1;
	}
	for (i = 0; i < n; i++) {
		oid name[MAX_OID_LEN];
		size_t len = MAX_OID_LEN;
		netsnmp_pdu *pdu = snmp_pdu_create(SNMP_MSG_GET), *resp = NULL;
		long long t0;

		if (!read_objid(argv[3 + i % noids], name, &len))
			return 2;
		snmp_add_null_var(pdu, name, len);
		t0 = now_us();
		if (snmp_synch_response(ss, pdu, &resp) != STAT_SUCCESS ||
		    resp == NULL || resp->errstat != SNMP_ERR_NOERROR ||
		    resp->variables->type == SNMP_NOSUCHINSTANCE ||
		    resp->variables->type == SNMP_NOSUCHOBJECT)
			nerr++;
		lat[i] = now_us() - t0;
		if (resp != NULL)
			snmp_free_pdu(resp);
	}
	qsort(lat, (size_t)n, sizeof(*lat), cmp_ll);
	printf("gets=%d errors=%d median_us=%lld p99_us=%lld max_us=%lld\n", n,
	       nerr, lat[n / 2], lat[(n * 99) / 100], lat[n - 1]);
	snmp_close(ss);
	free(lat);
	return nerr ? 1 : 0;
}
