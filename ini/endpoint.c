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
#include <stdlib.h>
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

/* ---- endpoints of a configuration -------------------------------- */

static long
tg_col(const struct ini_row *r, enum ini_param_id id)
{
	return r->v[id - ini_tables[INI_TABLE_TRUNKGROUP].first].i;
}

static const char *
tg_str(const struct ini_row *r, enum ini_param_id id)
{
	const char *s = r->v[id - ini_tables[ini_catalog[id].table].first].s;

	return s != NULL ? s : "";
}

/* The number of trunks of a row (1 for an analog row), 0 when its
 * trunk range is reversed or mixes INI_TRUNK_NONE with a trunk. */
static unsigned long
row_trunks(const struct ini_row *r)
{
	long ft = tg_col(r, INI_P_TRUNKGROUP_FIRST_TRUNK_ID);
	long lt = tg_col(r, INI_P_TRUNKGROUP_LAST_TRUNK_ID);

	if (ft == INI_TRUNK_NONE || lt == INI_TRUNK_NONE)
		return ft == lt ? 1 : 0;
	return lt >= ft ? (unsigned long)(lt - ft + 1) : 0;
}

static unsigned long
row_channels(const struct ini_row *r)
{
	long fc = tg_col(r, INI_P_TRUNKGROUP_FIRST_B_CHANNEL);
	long lc = tg_col(r, INI_P_TRUNKGROUP_LAST_B_CHANNEL);

	return lc >= fc ? (unsigned long)(lc - fc + 1) : 0;
}

int
ini_conf_endpoints(const struct ini_conf *c, struct ini_endpoint **out,
		   size_t *n)
{
	const struct ini_tab *tab;
	const char *dflt;
	struct ini_endpoint *v = NULL;
	unsigned long total = 0, ndflt = 0;
	size_t i, o = 0;
	int rc = 0;

	if (c == NULL || out == NULL || n == NULL)
		return -EINVAL;
	tab = &c->t[INI_TABLE_TRUNKGROUP];
	dflt = c->sc[INI_P_DEFAULT_NUMBER].s ? c->sc[INI_P_DEFAULT_NUMBER].s
					     : "";
	for (i = 0; i < tab->n; i++) {
		unsigned long k =
			row_trunks(tab->rows[i]) * row_channels(tab->rows[i]);

		if (k == 0)
			return -EINVAL;
		if ((total += k) > INI_ENDPOINTS_MAX)
			return -E2BIG;
	}
	if (total > 0 && (v = calloc(total, sizeof(*v))) == NULL)
		return -ENOMEM;
	for (i = 0; i < tab->n && rc == 0; i++) {
		const struct ini_row *r = tab->rows[i];
		const char *first =
			tg_str(r, INI_P_TRUNKGROUP_FIRST_PHONE_NUMBER);
		long ft = tg_col(r, INI_P_TRUNKGROUP_FIRST_TRUNK_ID);
		long fc = tg_col(r, INI_P_TRUNKGROUP_FIRST_B_CHANNEL);
		unsigned long nt = row_trunks(r), nc = row_channels(r), t, ch;
		unsigned long k = 0;

		for (t = 0; t < nt && rc == 0; t++)
			for (ch = 0; ch < nc && rc == 0; ch++, k++, o++) {
				struct ini_endpoint *e = &v[o];

				e->row = r->index;
				e->tg = tg_col(
					r, INI_P_TRUNKGROUP_TRUNK_GROUP_NUM);
				e->module = tg_col(r, INI_P_TRUNKGROUP_MODULE);
				e->trunk = ft == INI_TRUNK_NONE ? INI_TRUNK_NONE
								: ft + (long)t;
				e->channel = fc + (long)ch;
				if (first[0] != '\0')
					rc = ini_phone_add(first, k, e->phone,
							   sizeof(e->phone));
				else if (ft == INI_TRUNK_NONE &&
					 dflt[0] != '\0')
					rc = ini_phone_add(dflt, ndflt++,
							   e->phone,
							   sizeof(e->phone));
			}
	}
	if (rc != 0) {
		free(v);
		return rc == -E2BIG ? -ERANGE : rc;
	}
	*out = v;
	*n = o;
	return 0;
}

/* The Authentication row of an analog endpoint, or NULL. */
static const struct ini_row *
auth_row(const struct ini_conf *c, const struct ini_endpoint *e)
{
	const struct ini_tab *tab = &c->t[INI_TABLE_AUTHENTICATION];
	const unsigned first = ini_tables[INI_TABLE_AUTHENTICATION].first;
	const struct ini_row *two = NULL;
	size_t i;

	if (e->trunk != INI_TRUNK_NONE)
		return NULL;
	for (i = 0; i < tab->n; i++) {
		const struct ini_row *r = tab->rows[i];
		long port = r->v[INI_P_AUTHENTICATION_PORT - first].i;
		long mod = r->v[INI_P_AUTHENTICATION_MODULE - first].i;

		if (port != 0 && port == e->channel && mod == e->module)
			return r; /* the modular form wins */
		if (port == 0 && r->index == e->channel - 1)
			two = r;
	}
	return two;
}

int
ini_conf_endpoint_auth(const struct ini_conf *c, const struct ini_endpoint *e,
		       const char **user, const char **password)
{
	const unsigned first = ini_tables[INI_TABLE_AUTHENTICATION].first;
	const struct ini_row *r;
	const char *u, *p;

	if (c == NULL || e == NULL || user == NULL || password == NULL)
		return -EINVAL;
	if ((r = auth_row(c, e)) == NULL)
		return -ENOENT;
	u = r->v[INI_P_AUTHENTICATION_USER_ID - first].s;
	p = r->v[INI_P_AUTHENTICATION_USER_PASSWORD - first].s;
	*user = u != NULL && u[0] != '\0' ? u : e->phone;
	if (p == NULL || p[0] == '\0')
		p = c->sc[INI_P_PASSWORD].s != NULL ? c->sc[INI_P_PASSWORD].s
						    : "";
	*password = p;
	return 0;
}
