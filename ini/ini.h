/* SPDX-License-Identifier: ISC */
/**
 * @file ini.h
 * @brief AudioCodes-style INI dialect: reader, parameter catalog,
 * validation, configuration model and export.
 *
 * Typical use by the daemon:
 *
 *	struct ini_diags *d;  struct ini_doc *doc;
 *	struct ini_conf *next;  struct ini_changes *chg;
 *	ini_diags_create(&d);
 *	ini_doc_parse(buf, len, "gw.ini", &doc, d);
 *	if (ini_conf_apply(cur, doc, INI_APPLY_FULL, &next, &chg, d) == 0)
 *		swap cur and next, then walk chg;
 *	route every diagnostic (ini_diag_format()) to the log.
 *
 * The library never prints, logs or aborts.  Integers returned by
 * functions are 0 on success or a negative errno.
 */
#ifndef INI_INI_H
#define INI_INI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Largest accepted input, in bytes. */
#define INI_MAX_FILE_SIZE (64UL * 1024 * 1024)
/** Longest accepted line, in bytes, without its end of line. */
#define INI_MAX_LINE_LEN (64UL * 1024)

/* ---------------------------------------------------------------- */
/* Diagnostics (diag.c)                                             */
/* ---------------------------------------------------------------- */

struct ini_diags;
struct ini_diag;

/** Severity of one diagnostic. */
enum ini_severity {
	INI_SEV_WARNING = 1, /**< the input is still accepted */
	INI_SEV_ERROR = 2,   /**< the input is rejected as a whole */
};

/**
 * Create an empty diagnostics list.
 * @param out receives the list; the caller frees it with
 *            ini_diags_destroy().
 * @return 0, -EINVAL or -ENOMEM.
 */
int ini_diags_create(struct ini_diags **out);

/** Free a list and every diagnostic in it.  Accepts NULL. */
void ini_diags_destroy(struct ini_diags *diags);

/**
 * Append one diagnostic (the library uses it; so may callers).
 * @param file file name, copied; NULL when there is no file.
 * @param line 1-based line, 0 when not tied to a line.
 * @return 0, -EINVAL or -ENOMEM.  Past 1000 stored diagnostics the
 *         message is counted but not stored.
 */
int ini_diags_add(struct ini_diags *diags, const char *file, unsigned line,
		  enum ini_severity sev, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/** @return the number of stored diagnostics (0 for NULL). */
size_t ini_diags_count(const struct ini_diags *diags);

/** @return the number of errors reported, stored or not. */
size_t ini_diags_errors(const struct ini_diags *diags);

/** @return the number of warnings reported, stored or not. */
size_t ini_diags_warnings(const struct ini_diags *diags);

/**
 * @return the i-th diagnostic, borrowed from the list (valid until the
 *         list is destroyed or sorted), or NULL when out of range.
 */
const struct ini_diag *ini_diags_get(const struct ini_diags *diags, size_t i);

/** Sort by file name then line, keeping the order of equal lines. */
void ini_diags_sort(struct ini_diags *diags);

/** Forget every diagnostic and reset the counters. */
void ini_diags_clear(struct ini_diags *diags);

/** @return the file name (borrowed) or NULL. */
const char *ini_diag_file(const struct ini_diag *d);

/** @return the 1-based line, or 0 when not tied to a line. */
unsigned ini_diag_line(const struct ini_diag *d);

/** @return the severity. */
enum ini_severity ini_diag_severity(const struct ini_diag *d);

/** @return the message, without file, line or severity (borrowed). */
const char *ini_diag_message(const struct ini_diag *d);

/**
 * Format as GNU does: "FILE:LINE: error: MESSAGE" (the "FILE:" and
 * "LINE:" parts are left out when unknown).  Never adds a newline.
 * @return the length snprintf() would have written, or -EINVAL.
 */
int ini_diag_format(const struct ini_diag *d, char *buf, size_t len);

/* ---------------------------------------------------------------- */
/* Parameter catalog (catalog.c)                                    */
/* ---------------------------------------------------------------- */

/** Tables the agent understands. */
enum ini_table {
	INI_TABLE_NONE = -1, /**< a scalar parameter */
	INI_TABLE_PROXYSET = 0,
	INI_TABLE_PROXYIP,
	INI_TABLE_IPGROUP,
	INI_TABLE_TRUNKGROUPSETTINGS,
	INI_TABLE_ACCOUNT,
	INI_TABLE_TRUNKGROUP,	  /**< channels, trunks, phone numbers */
	INI_TABLE_AUTHENTICATION, /**< per-port digest credentials */
	INI_TABLE__COUNT
};

/**
 * Every scalar and table column, one id each.  Scalars come first
 * (ids below INI_P__SCALARS, the number of scalars); the columns of a
 * table are contiguous.  Ids are positions, for C only: files name
 * parameters, and the MIB numbers them by the catalog's own OID arcs,
 * so a parameter may be inserted anywhere.
 */
enum ini_param_id {
	INI_P_IS_PROXY_USED = 0,
	INI_P_PROXY_NAME,
	INI_P_PROXY_IP,
	INI_P_ENABLE_PROXY_KEEP_ALIVE,
	INI_P_PROXY_KEEP_ALIVE_TIME,
	INI_P_PROXY_REDUNDANCY_MODE,
	INI_P_IS_PROXY_HOT_SWAP,
	INI_P_HOT_SWAP_RTX,
	INI_P_PROXY_LOAD_BALANCING_METHOD,
	INI_P_PROXY_IP_LIST_REFRESH_TIME,
	INI_P_IS_FALLBACK_USED,
	INI_P_IS_REGISTER_NEEDED,
	INI_P_REGISTRAR_IP,
	INI_P_REGISTRAR_NAME,
	INI_P_REGISTRAR_TRANSPORT_TYPE,
	INI_P_REGISTRATION_TIME,
	INI_P_REGISTRATION_TIME_DIVIDER,
	INI_P_REGISTRATION_TIME_THRESHOLD,
	INI_P_REGISTRATION_RETRY_TIME,
	INI_P_MAX_REGISTRATION_BACKOFF_TIME,
	INI_P_REREGISTER_ON_CONNECTION_FAILURE,
	INI_P_GW_REGISTRATION_NAME,
	INI_P_AUTHENTICATION_MODE,
	INI_P_USER_NAME,
	INI_P_PASSWORD,
	INI_P_CNONCE,
	INI_P_UNREGISTRATION_MODE,
	INI_P_SIP_GATEWAY_NAME,
	INI_P_SIP_TRANSPORT_TYPE,
	INI_P_SIP_DESTINATION_PORT,
	INI_P_LOCAL_SIP_PORT,
	INI_P_TCP_LOCAL_SIP_PORT,
	INI_P_TLS_LOCAL_SIP_PORT,
	INI_P_DNS_QUERY_TYPE,
	INI_P_PROXY_DNS_QUERY_TYPE,
	INI_P_OOS_ON_REGISTRATION_FAIL,
	INI_P_DEFAULT_NUMBER,
	/* New scalars go above this line: it counts them. */
	INI_P__SCALARS,
	/* ProxySet */
	INI_P_PROXYSET_ENABLE_PROXY_KEEP_ALIVE = INI_P__SCALARS,
	INI_P_PROXYSET_PROXY_KEEP_ALIVE_TIME,
	INI_P_PROXYSET_PROXY_LOAD_BALANCING_METHOD,
	INI_P_PROXYSET_IS_PROXY_HOT_SWAP,
	INI_P_PROXYSET_SRD,
	INI_P_PROXYSET_CLASSIFICATION_INPUT,
	INI_P_PROXYSET_PROXY_REDUNDANCY_MODE,
	/* ProxyIp */
	INI_P_PROXYIP_IP_ADDRESS,
	INI_P_PROXYIP_TRANSPORT_TYPE,
	INI_P_PROXYIP_PROXY_SET_ID,
	/* IPGroup */
	INI_P_IPGROUP_TYPE,
	INI_P_IPGROUP_DESCRIPTION,
	INI_P_IPGROUP_PROXY_SET_ID,
	INI_P_IPGROUP_SIP_GROUP_NAME,
	INI_P_IPGROUP_CONTACT_USER,
	INI_P_IPGROUP_ENABLE_SURVIVABILITY,
	INI_P_IPGROUP_SERVING_IP_GROUP,
	INI_P_IPGROUP_SIP_REROUTING_MODE,
	INI_P_IPGROUP_ALWAYS_USE_ROUTE_TABLE,
	INI_P_IPGROUP_ROUTING_MODE,
	INI_P_IPGROUP_PROFILE_ID,
	INI_P_IPGROUP_MEDIA_REALM,
	INI_P_IPGROUP_MAX_NUM_OF_REG_USERS,
	/* TrunkGroupSettings */
	INI_P_TGS_TRUNK_GROUP_ID,
	INI_P_TGS_CHANNEL_SELECT_MODE,
	INI_P_TGS_REGISTRATION_MODE,
	INI_P_TGS_GATEWAY_NAME,
	INI_P_TGS_CONTACT_USER,
	INI_P_TGS_SERVING_IP_GROUP,
	INI_P_TGS_MWI_INTERROGATION_TYPE,
	/* Account */
	INI_P_ACCOUNT_SERVED_TRUNK_GROUP,
	INI_P_ACCOUNT_SERVED_IP_GROUP,
	INI_P_ACCOUNT_SERVING_IP_GROUP,
	INI_P_ACCOUNT_USERNAME,
	INI_P_ACCOUNT_PASSWORD,
	INI_P_ACCOUNT_HOST_NAME,
	INI_P_ACCOUNT_REGISTER,
	INI_P_ACCOUNT_CONTACT_USER,
	INI_P_ACCOUNT_APPLICATION_TYPE,
	/* TrunkGroup */
	INI_P_TRUNKGROUP_TRUNK_GROUP_NUM,
	INI_P_TRUNKGROUP_FIRST_TRUNK_ID,
	INI_P_TRUNKGROUP_FIRST_B_CHANNEL,
	INI_P_TRUNKGROUP_LAST_B_CHANNEL,
	INI_P_TRUNKGROUP_FIRST_PHONE_NUMBER,
	INI_P_TRUNKGROUP_PROFILE_ID,
	INI_P_TRUNKGROUP_LAST_TRUNK_ID,
	INI_P_TRUNKGROUP_MODULE,
	INI_P_TRUNKGROUP_PROFILE_NAME,
	/* Authentication */
	INI_P_AUTHENTICATION_USER_ID,
	INI_P_AUTHENTICATION_USER_PASSWORD,
	INI_P_AUTHENTICATION_MODULE,
	INI_P_AUTHENTICATION_PORT,
	INI_P__COUNT
};

/** Value type of a parameter. */
enum ini_type {
	INI_TYPE_INT,	   /**< decimal integer within [min, max] */
	INI_TYPE_ENUM,	   /**< decimal integer from a fixed list */
	INI_TYPE_STRING,   /**< UTF-8 text, no control characters */
	INI_TYPE_ADDR,	   /**< IPv4, [IPv6] or host name, optional :port
			    *   (1..65535), or a bare IPv6 literal */
	INI_TYPE_PASSWORD, /**< text; "$1$..." is read as obfuscated */
	/* New members go here, at the end (the fuzz corpus keeps them). */
	INI_TYPE_HOST, /**< IPv4, IPv6 or RFC 1123 host name, no port */
	INI_TYPE_USER, /**< RFC 3261 SIP URI user part (%HH escapes) */
};

/** How GWAGENT-MIB (mibs/GWAGENT-MIB.txt) offers a parameter. */
enum ini_mib_access {
	INI_MIB_NONE = 0,	 /**< not in the MIB */
	INI_MIB_READ_WRITE = 1,	 /**< a read-write scalar */
	INI_MIB_READ_CREATE = 2, /**< a read-create column of its table */
};

/**
 * The SNMP syntax of a parameter's MIB object, without SNMP types: an
 * ENUM is an enumerated INTEGER, an INT an Integer32 when its range goes
 * below 0 and an Unsigned32 otherwise, text an OCTET STRING
 * (SnmpAdminString for UTF-8 text and passwords, DisplayString for
 * addresses, host names and URI users).
 */
enum ini_mib_syntax {
	INI_MIB_SYNTAX_NONE = 0, /**< not in the MIB */
	INI_MIB_SYNTAX_ENUM,	 /**< INTEGER { label(n), ... } */
	INI_MIB_SYNTAX_INTEGER32,
	INI_MIB_SYNTAX_UNSIGNED32,
	INI_MIB_SYNTAX_STRING,
};

/** Longest OID arc of a parameter below the MIB's root. */
#define INI_MIB_ARC_MAX 6

struct ini_param;

/** @return the descriptor of an id (static), or NULL if out of range. */
const struct ini_param *ini_param_get(enum ini_param_id id);

/**
 * Look a scalar or a column up by its INI name, case-insensitively
 * ("RegistrationTime", "Account_Password").
 * @return the static descriptor, or NULL if unknown.
 */
const struct ini_param *ini_param_lookup(const char *name);

/** @return the id of a descriptor. */
enum ini_param_id ini_param_id(const struct ini_param *p);

/** @return the INI name as the device writes it (static). */
const char *ini_param_name(const struct ini_param *p);

/** @return the value type. */
enum ini_type ini_param_type(const struct ini_param *p);

/** @return the table of a column, INI_TABLE_NONE for a scalar. */
enum ini_table ini_param_table(const struct ini_param *p);

/**
 * Numeric range of an INT or ENUM parameter (for ENUM, the smallest
 * and largest member).
 * @return 0, or -EINVAL for a text parameter.
 */
int ini_param_range(const struct ini_param *p, long *min, long *max);

/** @return the number of members of an ENUM parameter, 0 otherwise. */
size_t ini_param_enum_count(const struct ini_param *p);

/** @return the i-th member of an ENUM parameter (0 if out of range). */
long ini_param_enum_value(const struct ini_param *p, size_t i);

/**
 * @return the MIB's name of the i-th member of an ENUM parameter
 *         ("usingOptions"; static), or NULL when the MIB names none.
 */
const char *ini_param_enum_label(const struct ini_param *p, size_t i);

/**
 * @return the GWAGENT-MIB OBJECT-TYPE descriptor of a parameter
 *         ("gwRegistrationTime"; static), or NULL when not in the MIB.
 */
const char *ini_param_mib_name(const struct ini_param *p);

/** @return how the MIB offers the parameter (INI_MIB_NONE for NULL). */
enum ini_mib_access ini_param_mib_access(const struct ini_param *p);

/** @return the syntax of the MIB object (INI_MIB_SYNTAX_NONE if none). */
enum ini_mib_syntax ini_param_mib_syntax(const struct ini_param *p);

/**
 * @return the MIB's TEXTUAL-CONVENTION or base type name of the object
 *         ("GwNoYes", "DisplayString", "SnmpAdminString"; static), or
 *         NULL for Integer32, Unsigned32, an enumeration written in
 *         line, and parameters not in the MIB.
 */
const char *ini_param_mib_type(const struct ini_param *p);

/**
 * The OID of a parameter's MIB object below the module root (gwagentMIB):
 * a scalar's {1, 1, 2, 5}, a column's {1, 1, 8, 1, 7} (table, entry,
 * column).  Written in the catalog, never computed from positions.
 * @param arc receives a static array; may be NULL.
 * @return the number of sub-identifiers, 0 when not in the MIB.
 */
size_t ini_param_mib_arc(const struct ini_param *p, const uint32_t **arc);

/** @return the maximum length in bytes of a text parameter, else 0. */
size_t ini_param_maxlen(const struct ini_param *p);

/** @return the default of an INT or ENUM parameter (0 for text). */
long ini_param_default_int(const struct ini_param *p);

/** @return the default of a text parameter ("" for numbers; static). */
const char *ini_param_default_str(const struct ini_param *p);

/**
 * Check one value given as text, as it would come from a file or an
 * SNMP SET.  Numbers are decimal; a PASSWORD of the form "$1$..." must
 * decode; HOST, ADDR and USER values must follow their syntax (the
 * empty string, "not set", always passes).  A value this accepts is a
 * value the SIP engine takes.
 * @param err  optional buffer for a message such as
 *             "70 is out of range 5..2000000".
 * @return 0 if valid; -EINVAL wrong syntax or type, -ERANGE out of
 *         range or not a member, -E2BIG too long.
 */
int ini_param_check(const struct ini_param *p, const char *text, char *err,
		    size_t errlen);

/**
 * Check text against one syntax (INI_TYPE_HOST, _ADDR or _USER; other
 * types always pass), without any length limit.
 * @param err optional buffer for a message such as
 *            "'bad name' is not a host name or IP address: space at
 *            offset 3".
 * @return 0 if valid or empty, -EINVAL otherwise.
 */
int ini_syntax_check(enum ini_type type, const char *text, char *err,
		     size_t errlen);

/** @return the INI name of a table (static), or NULL. */
const char *ini_table_name(enum ini_table t);

/** @return the table named name (case-insensitive) or INI_TABLE_NONE. */
enum ini_table ini_table_lookup(const char *name);

/** Range of the row index of a table. @return 0 or -EINVAL. */
int ini_table_index_range(enum ini_table t, long *min, long *max);

/** @return the number of columns of a table (0 if invalid). */
size_t ini_table_ncolumns(enum ini_table t);

/** @return the id of the i-th column of a table (INI_P__COUNT if bad). */
enum ini_param_id ini_table_column(enum ini_table t, size_t i);

/**
 * The table's MIB object ("gwProxySetTable"; static) and its OID below
 * the root ({1, 1, 4}); its entry is that OID and 1.
 * @param name receives the descriptor; may be NULL.
 * @param arc  receives a static array; may be NULL.
 * @return the number of sub-identifiers, 0 for a bad table.
 */
size_t ini_table_mib_arc(enum ini_table t, const char **name,
			 const uint32_t **arc);

/** @return the column number of the table's RowStatus, 0 if bad. */
uint32_t ini_table_mib_rowstatus(enum ini_table t);

/* ---------------------------------------------------------------- */
/* Parsed document (parse.c)                                        */
/* ---------------------------------------------------------------- */

struct ini_doc;
struct ini_item;

/** Kind of one line of a document. */
enum ini_item_kind {
	INI_ITEM_BLANK,	      /**< empty or white space only */
	INI_ITEM_COMMENT,     /**< ";..." */
	INI_ITEM_SECTION,     /**< "[ Name ]" that opens no table */
	INI_ITEM_SCALAR,      /**< "Name = value" */
	INI_ITEM_TABLE_BEGIN, /**< "[ Table ]" */
	INI_ITEM_FORMAT,      /**< "FORMAT T_Index = T_col, ...;" */
	INI_ITEM_ROW,	      /**< "T 1 = v, ...;" */
	INI_ITEM_TABLE_END,   /**< "[ \Table ]" */
	INI_ITEM_INVALID,     /**< a line with a syntax error */
};

/**
 * Parse a buffer into a document that keeps every line.  Syntax errors
 * become diagnostics and leave INI_ITEM_INVALID items (or items not
 * attached to a table); the document is returned all the same, so that
 * every error of a file can be reported.  Nothing is validated against
 * the catalog here: ini_conf_apply() does that.
 * @param buf      input, need not be NUL-terminated; copied.
 * @param filename name used in diagnostics, copied; may be NULL.
 * @param out      receives the document (caller destroys it).
 * @param diags    receives diagnostics; may be NULL.
 * @return 0 (document written, possibly with errors), -EINVAL,
 *         -EFBIG (input larger than INI_MAX_FILE_SIZE, an error is
 *         reported, no document) or -ENOMEM.
 */
int ini_doc_parse(const char *buf, size_t len, const char *filename,
		  struct ini_doc **out, struct ini_diags *diags);

/** Free a document, clearing its text (it may hold secrets).  NULL ok. */
void ini_doc_destroy(struct ini_doc *doc);

/** @return the number of syntax errors found while parsing. */
size_t ini_doc_errors(const struct ini_doc *doc);

/** @return the file name given at parse time (borrowed) or NULL. */
const char *ini_doc_filename(const struct ini_doc *doc);

/** @return true if the input started with a UTF-8 byte order mark. */
bool ini_doc_has_bom(const struct ini_doc *doc);

/** @return the number of items (one per line). */
size_t ini_doc_count(const struct ini_doc *doc);

/** @return the i-th item (borrowed from doc) or NULL. */
const struct ini_item *ini_doc_item(const struct ini_doc *doc, size_t i);

/** @return the kind of an item. */
enum ini_item_kind ini_item_kind(const struct ini_item *it);

/** @return the 1-based line number of an item. */
unsigned ini_item_line(const struct ini_item *it);

/**
 * @return the line exactly as read, without BOM and end of line
 *         (borrowed, not NUL-terminated); *len receives its length.
 */
const char *ini_item_raw(const struct ini_item *it, size_t *len);

/**
 * @return the name as written: scalar name, table name (rows, headers,
 *         FORMAT), section name, or the text of a comment after ';'.
 *         NULL for blank and invalid lines.  Borrowed.
 */
const char *ini_item_name(const struct ini_item *it);

/** @return the value of a scalar, unquoted (borrowed), else NULL. */
const char *ini_item_value(const struct ini_item *it);

/** @return the quote of a scalar value: 0, '\'' or '"'. */
int ini_item_quote(const struct ini_item *it);

/**
 * For a scalar "Name_N", N; -1 when the name has no numeric suffix.
 */
long ini_item_array_index(const struct ini_item *it);

/**
 * @return the number of index fields: index values of a row, index
 *         column names of a FORMAT line; 0 otherwise.
 */
size_t ini_item_nindices(const struct ini_item *it);

/** @return the i-th index field as written (borrowed) or NULL. */
const char *ini_item_index(const struct ini_item *it, size_t i);

/** @return the number of fields of a row or columns of a FORMAT. */
size_t ini_item_nfields(const struct ini_item *it);

/** @return the i-th field, unquoted (borrowed), or NULL. */
const char *ini_item_field(const struct ini_item *it, size_t i);

/** @return the quote of the i-th field: 0, '\'' or '"'. */
int ini_item_field_quote(const struct ini_item *it, size_t i);

/** @return true if the i-th field means "default" (empty or $$). */
bool ini_item_field_is_default(const struct ini_item *it, size_t i);

/* ---------------------------------------------------------------- */
/* Configuration model (conf.c)                                     */
/* ---------------------------------------------------------------- */

struct ini_conf;

/**
 * Create a configuration with every scalar at its default and empty
 * tables.
 * @return 0, -EINVAL or -ENOMEM; the caller destroys *out.
 */
int ini_conf_create(struct ini_conf **out);

/** Free a configuration, clearing its passwords first.  NULL ok. */
void ini_conf_destroy(struct ini_conf *conf);

/** Deep copy.  @return 0, -EINVAL or -ENOMEM; caller destroys *out. */
int ini_conf_dup(const struct ini_conf *conf, struct ini_conf **out);

/** @return true if both hold the same values and rows. */
bool ini_conf_equal(const struct ini_conf *a, const struct ini_conf *b);

/**
 * @return the value of an INT or ENUM scalar, 0 for a bad id or a text
 *         parameter.
 */
long ini_conf_get_int(const struct ini_conf *conf, enum ini_param_id id);

/**
 * @return the value of a text scalar (borrowed, valid until the value
 *         changes or conf is destroyed; never NULL for a text scalar),
 *         NULL for a bad id or a number.  Passwords come in clear.
 */
const char *ini_conf_get_str(const struct ini_conf *conf, enum ini_param_id id);

/**
 * Set a scalar from text, validated through the catalog.  The conf is
 * unchanged on error.  As in files, a PASSWORD given as "$1$..." is
 * taken as obfuscated and stored decoded (all text setters do this).
 * @param err optional message buffer.
 * @return 0, -EINVAL (bad id, bad syntax), -ERANGE, -E2BIG, -ENOMEM.
 */
int ini_conf_set(struct ini_conf *conf, enum ini_param_id id, const char *text,
		 char *err, size_t errlen);

/** Set an INT or ENUM scalar.  @return as ini_conf_set(). */
int ini_conf_set_int(struct ini_conf *conf, enum ini_param_id id, long value);

/**
 * Set a text scalar; value is copied.  @return as ini_conf_set().
 */
int ini_conf_set_str(struct ini_conf *conf, enum ini_param_id id,
		     const char *value);

/** Put a scalar or a row column back to its default. */
int ini_conf_reset(struct ini_conf *conf, enum ini_param_id id, long row);

/** @return the number of rows of a table (0 if invalid). */
size_t ini_conf_row_count(const struct ini_conf *conf, enum ini_table t);

/** @return true if the table has a row with this index. */
bool ini_conf_row_exists(const struct ini_conf *conf, enum ini_table t,
			 long index);

/**
 * Index of the pos-th row in index order.
 * @return 0 or -ENOENT.
 */
int ini_conf_row_at(const struct ini_conf *conf, enum ini_table t, size_t pos,
		    long *index);

/**
 * Smallest row index greater than after (SNMP GETNEXT); pass
 * LONG_MIN to get the first row.
 * @return 0 or -ENOENT.
 */
int ini_conf_row_next(const struct ini_conf *conf, enum ini_table t, long after,
		      long *index);

/**
 * Add a row with every column at its default.
 * @return 0, -EINVAL (bad table), -ERANGE (index out of range), -EEXIST
 *         or -ENOMEM.
 */
int ini_conf_row_create(struct ini_conf *conf, enum ini_table t, long index);

/** Remove a row.  @return 0, -EINVAL or -ENOENT. */
int ini_conf_row_delete(struct ini_conf *conf, enum ini_table t, long index);

/**
 * Read an INT or ENUM column of a row.
 * @return 0, -EINVAL (bad id or type) or -ENOENT (no such row).
 */
int ini_conf_row_get_int(const struct ini_conf *conf, enum ini_param_id col,
			 long index, long *value);

/**
 * Read a text column of a row; *value is borrowed as for
 * ini_conf_get_str().  @return 0, -EINVAL or -ENOENT.
 */
int ini_conf_row_get_str(const struct ini_conf *conf, enum ini_param_id col,
			 long index, const char **value);

/**
 * Set a column of an existing row from text, validated through the
 * catalog.  @return 0, -EINVAL, -ERANGE, -E2BIG, -ENOENT or -ENOMEM.
 */
int ini_conf_row_set(struct ini_conf *conf, enum ini_param_id col, long index,
		     const char *text, char *err, size_t errlen);

/** Set an INT or ENUM column.  @return as ini_conf_row_set(). */
int ini_conf_row_set_int(struct ini_conf *conf, enum ini_param_id col,
			 long index, long value);

/** Set a text column (copied).  @return as ini_conf_row_set(). */
int ini_conf_row_set_str(struct ini_conf *conf, enum ini_param_id col,
			 long index, const char *value);

/**
 * Check the cross-references and limits of a whole configuration:
 * ProxyIp -> ProxySet (set 0, the default proxy, always exists),
 * at most 5 addresses per proxy set, IPGroup -> ProxySet and serving
 * IPGroup, TrunkGroupSettings -> IPGroup, Account -> TrunkGroupSettings
 * (by TrunkGroupId) and IPGroup; TrunkGroup rows: trunk and channel
 * ranges not reversed (255 on both trunk columns for an analog row),
 * at most INI_ENDPOINTS_MAX endpoints, a number that covers several
 * endpoints (FirstPhoneNumber, DefaultNumber) ends with a digit and
 * never grows past INI_PHONE_MAX, every endpoint's number unique (the
 * error is at the later row and names the first).  Rows loaded from a
 * file report their line; others line 0.
 * @param file  name to put in diagnostics, may be NULL.
 * @param diags receives the errors; may be NULL.
 * @return 0 if consistent, -EINVAL if not.
 */
int ini_conf_check(const struct ini_conf *conf, const char *file,
		   struct ini_diags *diags);

/* ---------------------------------------------------------------- */
/* Apply and changes (apply.c)                                      */
/* ---------------------------------------------------------------- */

/** How a document is applied to a running configuration. */
enum ini_apply_mode {
	/** Device "configuration file": parameters the file does not
	 * name return to their defaults, the tables are replaced. */
	INI_APPLY_FULL,
	/** Device "incremental" file: only what the file names changes;
	 * a row named by the file is updated (columns its FORMAT does not
	 * list keep their value) or added; no row is removed. */
	INI_APPLY_INCREMENTAL,
};

/** Kind of one change. */
enum ini_change_kind {
	INI_CHANGE_SCALAR,	/**< a scalar changed */
	INI_CHANGE_ROW_ADDED,	/**< a row appeared */
	INI_CHANGE_ROW_REMOVED, /**< a row disappeared */
	INI_CHANGE_ROW_CHANGED, /**< some columns of a row changed */
};

struct ini_changes;
struct ini_change;

/**
 * Validate doc against the catalog and build a NEW configuration from
 * cur, doc and mode; cur is never modified, so the caller swaps
 * atomically.  Any error (including syntax errors left in doc) rejects
 * the whole file: nothing is written to *next.  Unknown scalars and
 * tables are warnings and are ignored.
 * @param cur     running configuration; NULL means all defaults.
 * @param next    receives the new configuration (caller destroys).
 * @param changes receives what differs between cur and *next, may be
 *                NULL (caller destroys with ini_changes_destroy()).
 * @param diags   receives warnings and errors; may be NULL.
 * @return 0, -EINVAL (the file has errors) or -ENOMEM.
 */
int ini_conf_apply(const struct ini_conf *cur, const struct ini_doc *doc,
		   enum ini_apply_mode mode, struct ini_conf **next,
		   struct ini_changes **changes, struct ini_diags *diags);

/**
 * Compute what changed from old to new (either may be NULL: defaults).
 * @return 0, -EINVAL or -ENOMEM; caller destroys *out.
 */
int ini_conf_diff(const struct ini_conf *old, const struct ini_conf *new_,
		  struct ini_changes **out);

/** Free a change list.  NULL ok. */
void ini_changes_destroy(struct ini_changes *changes);

/** @return the number of changes (scalars first, then tables). */
size_t ini_changes_count(const struct ini_changes *changes);

/** @return the i-th change (borrowed) or NULL. */
const struct ini_change *ini_changes_get(const struct ini_changes *changes,
					 size_t i);

/** @return the kind of a change. */
enum ini_change_kind ini_change_kind(const struct ini_change *c);

/** @return the table of a row change, INI_TABLE_NONE for a scalar. */
enum ini_table ini_change_table(const struct ini_change *c);

/** @return the scalar id of a scalar change (INI_P__COUNT otherwise). */
enum ini_param_id ini_change_param(const struct ini_change *c);

/** @return the row index of a row change (0 for a scalar). */
long ini_change_row(const struct ini_change *c);

/**
 * @return true if column col changed (always true for added and
 *         removed rows of col's table; for a scalar change, true when
 *         col is that scalar).
 */
bool ini_change_has_column(const struct ini_change *c, enum ini_param_id col);

/* ---------------------------------------------------------------- */
/* Export (export.c)                                                */
/* ---------------------------------------------------------------- */

/** Export flags. */
enum ini_export_flags {
	/** Passwords in clear (the daemon's persisted file).  A password
	 * that begins with "$1$" or holds both quote characters is still
	 * obfuscated, so that it reads back identical. */
	INI_EXPORT_CLEAR_SECRETS = 1 << 0,
	/** Leave passwords out (their columns vanish from FORMAT). */
	INI_EXPORT_OMIT_SECRETS = 1 << 1,
};

/**
 * Write conf as a device-style file: CRLF line ends, header comments,
 * a "[SIP Params]" section with every catalog scalar, then each table
 * with its FORMAT line, strings quoted.  By default passwords are
 * obfuscated as "$1$" + base64 (not encryption: anyone with this code
 * can read them back; the reader decodes them).
 * @param out receives a NUL-terminated malloc'd buffer the caller frees
 *            (clear it first when it holds secrets).
 * @param len receives the length without the NUL; may be NULL.
 * @return 0, -EINVAL or -ENOMEM.
 */
int ini_conf_export(const struct ini_conf *conf, unsigned flags, char **out,
		    size_t *len);

/* ---------------------------------------------------------------- */
/* Patching (patch.c)                                               */
/* ---------------------------------------------------------------- */

/** What ini_doc_patch() changed, in lines. */
struct ini_patch_stats {
	size_t rewritten; /**< lines replaced in place */
	size_t added;	  /**< lines inserted (headers and blanks included) */
	size_t removed;	  /**< lines removed (destroyed rows) */
};

/**
 * Rewrite the document of record @p doc so that applying the result in
 * full (INI_APPLY_FULL) gives exactly @p to, changing only the lines that
 * carry values that differ.  @p doc must apply in full without error.
 * Every other byte (comments, blank lines, unknown parameters and
 * tables, BOM, each line's own end of line) is kept; new lines use the
 * document's most common end of line, CRLF when it has none.  @p to
 * must be a valid configuration (ini_conf_check()), else the result
 * will not apply.  Layout rules: gwagent.ini(5), "PRESERVING WRITES".
 * @param out receives a malloc'd NUL-terminated buffer (it may hold
 *            passwords: the caller cleanses and frees it).
 * @param len receives its length without the NUL; may be NULL.
 * @param stats optional: lines rewritten, added, removed.
 * @return 0, -EINVAL (bad arguments, or @p doc does not apply) or -ENOMEM.
 */
int ini_doc_patch(const struct ini_doc *doc, const struct ini_conf *to,
		  char **out, size_t *len, struct ini_patch_stats *stats);

/* endpoint.c: endpoints of digital gateways */
/** The longest phone number of a channel (Mediant 800 MSBG SIP User's
 * Manual v6.2, LTRT-12804, p.147: "up to 50 characters"). */
#define INI_PHONE_MAX 50
/**
 * The phone number @p k channels after @p first: its trailing digits
 * counted on, their width kept, widened by a carry ("0400" + 1 =
 * "0401", "user1" + 1 = "user2", "99" + 1 = "100").
 * @return 0 (@p out written), -EINVAL (@p k > 0 and no trailing digit),
 *         -ERANGE (longer than INI_PHONE_MAX), -E2BIG (@p len too small).
 */
int ini_phone_add(const char *first, unsigned long k, char *out, size_t len);

/** TrunkGroup_FirstTrunkId / _LastTrunkId of an analog row: no trunk. */
#define INI_TRUNK_NONE 255
/** Most endpoints a configuration may expand to (the Mediant 3000's
 * 2016 channels, the upper bound of TrunkGroup_LastBChannel). */
#define INI_ENDPOINTS_MAX 2016

/** One endpoint (channel or analog port) of a TrunkGroup row. */
struct ini_endpoint {
	long row;     /**< TrunkGroup row index it comes from */
	long tg;      /**< TrunkGroup_TrunkGroupNum */
	long module;  /**< TrunkGroup_Module */
	long trunk;   /**< trunk id, INI_TRUNK_NONE for an analog port */
	long channel; /**< B-channel, or the analog port (1-based) */
	char phone[INI_PHONE_MAX + 1]; /**< "" when it has no number */
};

/**
 * Every endpoint of @p c in a stable order: rows by index; in a row,
 * trunk by trunk (FirstTrunkId..LastTrunkId, once for an analog row),
 * channel by channel (FirstBChannel..LastBChannel).  The k-th endpoint
 * of a row has FirstPhoneNumber + k (ini_phone_add()); an analog row
 * without a number is numbered from DefaultNumber, counted over all
 * such endpoints of the device; a digital row without a number leaves
 * its endpoints without one (gwagent.ini(5), "TRUNK GROUPS").
 * @param out receives a malloc'd array the caller frees with free()
 *            (NULL when *n is 0).
 * @return 0; -EINVAL (bad arguments, or a row ini_conf_check() rejects:
 *         reversed range, a range on a number without trailing digit),
 *         -ERANGE (a number grows past INI_PHONE_MAX), -E2BIG (more than
 *         INI_ENDPOINTS_MAX endpoints) or -ENOMEM.
 */
int ini_conf_endpoints(const struct ini_conf *c, struct ini_endpoint **out,
		       size_t *n);

/**
 * The credentials of endpoint @p e from the Authentication table: an
 * analog endpoint matches the row with its module and port
 * (Authentication_Module, Authentication_Port = e->channel) or, for
 * the two-column form (Authentication_Port 0), the row whose index is
 * its port - 1.  Digital endpoints match no row.  An empty UserId
 * falls back to the endpoint's phone number and an empty UserPassword
 * to the global Password (MP-500 SIP User's Manual v5.8, p.337).
 * @param user     receives the digest user (borrowed from @p c or @p e).
 * @param password receives the password, in clear (borrowed from @p c).
 * @return 0, -ENOENT (no row: the caller uses the phone number and the
 *         global Password) or -EINVAL.
 */
int ini_conf_endpoint_auth(const struct ini_conf *c,
			   const struct ini_endpoint *e, const char **user,
			   const char **password);

#endif
