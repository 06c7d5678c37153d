/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target for the INI reader and apply: bytes -> ini_doc_parse ->
 * ini_conf_apply (full onto defaults, incremental onto a populated base);
 * whatever applies is exported, read back and must be equal (issue 4:
 * import(export(x)) == x).  A broken round trip aborts so that libFuzzer
 * reports it.  Silent; frees everything it builds.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ini/ini.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Incremental loads land on this: rows in every table, non-defaults. */
static const char base_ini[] =
	"RegistrationTime = 300\r\n"
	"IsRegisterNeeded = 1\r\n"
	"RegistrarIP = '10.0.0.9'\r\n" /* somewhere to register */
	"UserName = 'gw'\r\n"
	"Password = 'secret'\r\n"
	"[ ProxySet ]\r\n"
	"FORMAT ProxySet_Index = ProxySet_EnableProxyKeepAlive, "
	"ProxySet_ProxyKeepAliveTime;\r\n"
	"ProxySet 1 = 1, 60;\r\n"
	"[ \\ProxySet ]\r\n"
	"[ ProxyIp ]\r\n"
	"FORMAT ProxyIp_Index = ProxyIp_IpAddress, ProxyIp_TransportType, "
	"ProxyIp_ProxySetId;\r\n"
	"ProxyIp 0 = \"10.0.0.1:5060\", 0, 1;\r\n"
	"[ \\ProxyIp ]\r\n"
	"[ IPGroup ]\r\n"
	"FORMAT IPGroup_Index = IPGroup_Type, IPGroup_ProxySetId;\r\n"
	"IPGroup 1 = 0, 1;\r\n"
	"[ \\IPGroup ]\r\n"
	"[ TrunkGroupSettings ]\r\n"
	"FORMAT TrunkGroupSettings_Index = TrunkGroupSettings_TrunkGroupId, "
	"TrunkGroupSettings_ServingIPGroup;\r\n"
	"TrunkGroupSettings 0 = 1, 1;\r\n"
	"[ \\TrunkGroupSettings ]\r\n"
	"[ Account ]\r\n"
	"FORMAT Account_Index = Account_ServedTrunkGroup, "
	"Account_ServingIPGroup, Account_Username, Account_Password;\r\n"
	"Account 0 = 1, 1, 'user0', 'pw0';\r\n"
	"[ \\Account ]\r\n";

static struct ini_conf *base;

static struct ini_conf *
load(const char *buf, size_t len, const struct ini_conf *cur,
     enum ini_apply_mode mode)
{
	struct ini_doc *doc = NULL;
	struct ini_conf *next = NULL;
	struct ini_changes *chg = NULL;

	if (ini_doc_parse(buf, len, "fuzz.ini", &doc, NULL) != 0)
		return NULL;
	if (ini_conf_apply(cur, doc, mode, &next, &chg, NULL) != 0)
		next = NULL;
	ini_changes_destroy(chg);
	ini_doc_destroy(doc);
	return next;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	base = load(base_ini, sizeof(base_ini) - 1, NULL, INI_APPLY_FULL);
	if (base == NULL)
		abort(); /* the harness's own base must stay valid */
	return 0;
}

static size_t
slen(const char *s)
{
	return s != NULL ? strlen(s) : 0;
}

/*
 * Walk every accessor of every item: they must stay in bounds.  Strings
 * may be NULL even below the counts: a field whose closing quote is
 * missing is counted but has no text (the item is INI_ITEM_INVALID).
 */
static void
walk_doc(const struct ini_doc *doc)
{
	size_t i, j, n, len;
	volatile size_t sink = 0;

	for (i = 0; i < ini_doc_count(doc); i++) {
		const struct ini_item *it = ini_doc_item(doc, i);

		sink += ini_item_kind(it) + ini_item_line(it);
		sink += ini_item_raw(it, &len) != NULL ? len : 0;
		sink += slen(ini_item_name(it)) + slen(ini_item_value(it));
		sink += (size_t)ini_item_quote(it) +
			(size_t)ini_item_array_index(it);
		n = ini_item_nindices(it);
		for (j = 0; j < n; j++)
			sink += slen(ini_item_index(it, j));
		n = ini_item_nfields(it);
		for (j = 0; j < n; j++) {
			sink += slen(ini_item_field(it, j));
			sink += (size_t)ini_item_field_quote(it, j) +
				ini_item_field_is_default(it, j);
		}
	}
	(void)sink;
}

/* What applied must read back identical after an export. */
static void
round_trip(const struct ini_conf *conf, unsigned flags)
{
	struct ini_conf *again;
	struct ini_changes *diff = NULL;
	char *out = NULL;
	size_t len = 0;

	if (ini_conf_export(conf, flags, &out, &len) != 0)
		abort();
	again = load(out, len, NULL, INI_APPLY_FULL);
	if (again == NULL || !ini_conf_equal(conf, again))
		abort();
	if (ini_conf_diff(conf, again, &diff) != 0 ||
	    ini_changes_count(diff) != 0)
		abort();
	ini_changes_destroy(diff);
	ini_conf_destroy(again);
	memset(out, 0, len);
	free(out);
}

static void
apply_one(const struct ini_doc *doc, const struct ini_conf *cur,
	  enum ini_apply_mode mode, struct ini_diags *diags)
{
	struct ini_conf *next = NULL;
	struct ini_changes *chg = NULL;
	size_t i;

	ini_diags_clear(diags);
	if (ini_conf_apply(cur, doc, mode, &next, &chg, diags) != 0)
		return;
	for (i = 0; i < ini_changes_count(chg); i++) {
		const struct ini_change *c = ini_changes_get(chg, i);

		(void)ini_change_has_column(c, ini_change_param(c));
	}
	round_trip(next, 0);
	round_trip(next, INI_EXPORT_CLEAR_SECRETS);
	ini_changes_destroy(chg);
	ini_conf_destroy(next);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ini_diags *diags = NULL;
	struct ini_doc *doc = NULL;
	char msg[256];
	size_t i;

	if (ini_diags_create(&diags) != 0)
		return 0;
	if (ini_doc_parse((const char *)data, size, "fuzz.ini", &doc, diags) ==
	    0) {
		walk_doc(doc);
		apply_one(doc, NULL, INI_APPLY_FULL, diags);
		apply_one(doc, base, INI_APPLY_INCREMENTAL, diags);
		ini_diags_sort(diags);
		for (i = 0; i < ini_diags_count(diags); i++)
			ini_diag_format(ini_diags_get(diags, i), msg,
					sizeof(msg));
	}
	ini_doc_destroy(doc);
	ini_diags_destroy(diags);
	return 0;
}
