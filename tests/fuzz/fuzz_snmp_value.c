/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target for SNMP SET value validation through the catalog.
 * Input: the parameter's INI name ("RegistrationTime",
 * "Account_Password"), a NUL, a byte whose low 2 bits pick the size of
 * the message buffer, then the value as an SNMP SET would carry it.
 * Seeds name their parameter, so a catalog row inserted anywhere changes
 * none of them (tests/fuzz/dict/snmp_value.dict lists the names).  The value is checked, then set on
 * a fresh configuration (a scalar, or a column of a new row); the check
 * and the setter must agree, and a consistent configuration must survive
 * export and import unchanged.  Any disagreement aborts.  Silent; frees
 * everything it builds.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ini/ini.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const size_t errlens[] = { 256, 1, 0, 16 };

static void
round_trip(const struct ini_conf *conf)
{
	struct ini_doc *doc = NULL;
	struct ini_conf *again = NULL;
	char *out = NULL;
	size_t len = 0;

	if (ini_conf_check(conf, NULL, NULL) != 0)
		return; /* a lone row may point at rows that do not exist */
	if (ini_conf_export(conf, 0, &out, &len) != 0 ||
	    ini_doc_parse(out, len, "export.ini", &doc, NULL) != 0 ||
	    ini_conf_apply(NULL, doc, INI_APPLY_FULL, &again, NULL, NULL) !=
		    0 ||
	    !ini_conf_equal(conf, again))
		abort();
	ini_conf_destroy(again);
	ini_doc_destroy(doc);
	memset(out, 0, len);
	free(out);
}

static int
set_value(struct ini_conf *conf, const struct ini_param *p, const char *text,
	  char *err, size_t errlen)
{
	enum ini_table t = ini_param_table(p);
	long index;
	int rc;

	if (t == INI_TABLE_NONE)
		return ini_conf_set(conf, ini_param_id(p), text, err, errlen);
	if (ini_table_index_range(t, &index, NULL) != 0 ||
	    (rc = ini_conf_row_create(conf, t, index)) != 0)
		abort();
	return ini_conf_row_set(conf, ini_param_id(p), index, text, err,
				errlen);
}

/* A heap buffer of exactly errlen bytes, so ASan sees any overrun. */
static char *
err_buffer(size_t errlen)
{
	char *err;

	if (errlen == 0 || (err = malloc(errlen)) == NULL)
		return NULL;
	memset(err, 'x', errlen);
	err[0] = '\0';
	return err;
}

/* The named parameter and the buffer size; *rest, *restlen: the value. */
static int
take_param(const uint8_t *data, size_t size, const struct ini_param **p,
	   size_t *errlen, const uint8_t **rest, size_t *restlen)
{
	const uint8_t *nul = memchr(data, '\0', size);
	char name[64];
	size_t n;

	if (nul == NULL || (n = (size_t)(nul - data)) >= sizeof(name) ||
	    n + 2 > size)
		return -1;
	memcpy(name, data, n);
	name[n] = '\0';
	if ((*p = ini_param_lookup(name)) == NULL)
		return -1;
	*errlen = errlens[nul[1] % 4];
	*rest = nul + 2;
	*restlen = size - n - 2;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct ini_param *p;
	struct ini_conf *conf = NULL;
	char *err = NULL, *text;
	size_t errlen;
	int rc_check, rc_set;

	if (take_param(data, size, &p, &errlen, &data, &size) < 0 ||
	    (text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	err = err_buffer(errlen);
	rc_check = ini_param_check(p, text, err, err ? errlen : 0);
	if (err != NULL && memchr(err, '\0', errlen) == NULL)
		abort(); /* the message must be terminated within errlen */
	if (ini_conf_create(&conf) != 0)
		goto out;
	rc_set = set_value(conf, p, text, err, err ? errlen : 0);
	if (rc_set != rc_check && rc_set != -ENOMEM)
		abort();
	if (rc_set == 0)
		round_trip(conf);
	ini_conf_destroy(conf);
out:
	free(err);
	free(text);
	return 0;
}
