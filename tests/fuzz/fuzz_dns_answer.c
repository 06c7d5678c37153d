/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target for the TTL walk of DNS answers (sip_dns_answer_ttl()
 * in sip/dns.c, RFC 1035 §4.1).  Input: one DNS message as c-ares hands
 * it to a query's callback.  The walk must end with 0, -ENOENT or
 * -EBADMSG; a TTL it reports is at most 2^31 - 1 (RFC 2181 §8); the same
 * message with bytes after it gives the same answer (only the header,
 * questions and answers are read).  Any disagreement aborts.  Silent;
 * frees what it builds.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/nameser.h>

#include "sip/sip_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(const uint8_t *data, size_t size, unsigned type)
{
	uint32_t t = 0, t2 = 0;
	unsigned char *more;
	int rc, rc2;

	rc = sip_dns_answer_ttl(data, size, type, &t);
	if (rc != 0 && rc != -ENOENT && rc != -EBADMSG)
		abort();
	if (rc == 0 && t > INT32_MAX)
		abort();
	if ((more = malloc(size + 16)) == NULL)
		return;
	if (size > 0)
		memcpy(more, data, size);
	memset(more + size, 0xc0, 16);
	rc2 = sip_dns_answer_ttl(more, size + 16, type, &t2);
	free(more);
	/* a message cut short may read whole with bytes after it */
	if (rc != -EBADMSG && (rc2 != rc || (rc == 0 && t2 != t)))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check(data, size, ns_t_srv);
	check(data, size, ns_t_naptr);
	return 0;
}
