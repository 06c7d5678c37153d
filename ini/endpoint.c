/* SPDX-License-Identifier: ISC */
/*
 * Endpoints of a digital gateway: the phone number of each channel of a
 * TrunkGroup row.  The row gives the first channel's number; the next
 * channels take the next numbers, counted on the number's trailing
 * digits ("400 for channels 1 to 4: ch1=400, ch2=401 ...", Mediant 3000
 * User's Manual v7.0, LTRT-89730, p.462; a number with letters that
 * covers a range "must end with a digit", Mediant 2000 SIP User's Manual
 * v5.6, LTRT-68808, p.197).  The width of the digits is kept ("0400" ->
 * "0401"); a carry past the first digit widens them ("99" -> "100").
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "ini/ini_int.h"

int
ini_phone_add(const char *first, unsigned long k, char *out, size_t len)
{
	size_t n, digits, i;
	unsigned long carry = k;
	char buf[INI_PHONE_MAX + 2];

	if (first == NULL || out == NULL || len == 0)
		return -EINVAL;
	n = strlen(first);
	if (n > INI_PHONE_MAX)
		return -E2BIG;
	for (digits = 0; digits < n && first[n - 1 - digits] >= '0' &&
			 first[n - 1 - digits] <= '9';
	     digits++)
		;
	if (k > 0 && digits == 0)
		return -EINVAL; /* nothing to count on */
	memcpy(buf, first, n + 1);
	/* add k to the decimal string buf[n-digits .. n-1], right to left */
	for (i = n; i > n - digits && carry > 0; i--) {
		unsigned long d = (unsigned long)(buf[i - 1] - '0') + carry;

		buf[i - 1] = (char)('0' + d % 10);
		carry = d / 10;
	}
	if (carry > 0) {
		/* widen: the carry's digits go before the digits */
		char c[24];
		size_t nc = 0, pre = n - digits;

		while (carry > 0) {
			c[nc++] = (char)('0' + carry % 10);
			carry /= 10;
		}
		if (n + nc > INI_PHONE_MAX)
			return -ERANGE;
		memmove(buf + pre + nc, buf + pre, digits + 1);
		for (i = 0; i < nc; i++)
			buf[pre + i] = c[nc - 1 - i];
		n += nc;
	}
	if (n + 1 > len)
		return -E2BIG;
	memcpy(out, buf, n + 1);
	return 0;
}
