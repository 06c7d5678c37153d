/* SPDX-License-Identifier: ISC */
/*
 * Internals shared by the ini/ files.  Not installed, not for other
 * modules.
 */
#ifndef INI_INI_INT_H
#define INI_INI_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ini/ini.h"

#define INI_MAX_ENUM 8
#define INI_ERRLEN   160

/* Index limits (device 6.x, wider than the 2010 MIB). */
#define INI_PROXYSET_MAX   31
#define INI_PROXYIP_MAX	   159
#define INI_IPGROUP_MAX	   99
#define INI_TG_MAX	   100
#define INI_TGS_MAX	   99
#define INI_ACCOUNT_MAX	   999999
#define INI_TRUNKGROUP_MAX 100
#define INI_AUTH_MAX	   255

/* catalog.c */
struct ini_enum {
	long value;
	const char *label; /* the MIB's name, NULL when it has none */
};

/* The members of an enumeration, shared by the parameters that use it. */
struct ini_enumdef {
	const char *mib_type; /* TEXTUAL-CONVENTION, NULL: written in line */
	unsigned n;
	struct ini_enum v[INI_MAX_ENUM];
};

struct ini_param {
	enum ini_param_id id;
	const char *name;
	enum ini_type type;
	enum ini_table table;
	long min, max;
	const struct ini_enumdef *enums; /* INI_TYPE_ENUM only */
	size_t maxlen;
	long def_int;
	const char *def_str;
	/* GWAGENT-MIB: the object's descriptor, access and OID arc */
	const char *mib_name;
	enum ini_mib_access mib_access;
	uint32_t mib_arc[INI_MIB_ARC_MAX];
	unsigned mib_arclen;
};

struct ini_tabdesc {
	const char *name;
	const char *index_name;
	enum ini_param_id first;
	unsigned ncols;
	long idx_min, idx_max;
	const char *mib_name;	/* the table object */
	uint32_t mib_arc[3];	/* below the root */
	uint32_t mib_rowstatus; /* its column */
};

extern const struct ini_param ini_catalog[INI_P__COUNT];
extern const struct ini_tabdesc ini_tables[INI_TABLE__COUNT];

bool ini_param_is_text(const struct ini_param *p);
const struct ini_param *ini_column_lookup(enum ini_table t, const char *name);
int ini_param_convert(const struct ini_param *p, const char *text, long *ival,
		      char **sval, char *err, size_t errlen);

/* util.c */
struct ini_arena_chunk;
struct ini_arena {
	struct ini_arena_chunk *head;
};

void *ini_arena_alloc(struct ini_arena *a, size_t size);
char *ini_arena_strndup(struct ini_arena *a, const char *s, size_t n);
void ini_arena_free(struct ini_arena *a);
void ini_secure_zero(void *p, size_t n);
void ini_free_secret(char *s);
size_t ini_utf8_check(const char *s, size_t n);
int ini_strcaseeq(const char *a, const char *b);
int ini_strncaseeq(const char *a, const char *b, size_t n);
int ini_parse_long(const char *s, size_t n, long *out);
char *ini_b64_encode(const unsigned char *in, size_t n);
int ini_b64_decode(const char *in, unsigned char **out, size_t *outlen);
char *ini_obfuscate(const char *clear);

/* A growing NUL-terminated text buffer; it may hold passwords, so it is
 * never realloc'd and ini_buf_free() clears it.  After an allocation
 * failure nomem is set and later additions are ignored. */
struct ini_buf {
	char *p;
	size_t n, cap;
	int nomem;
};
void ini_buf_add(struct ini_buf *b, const char *s, size_t n);
void ini_buf_puts(struct ini_buf *b, const char *s);
void ini_buf_printf(struct ini_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void ini_buf_free(struct ini_buf *b);
int ini_deobfuscate(const char *text, char **clear);

/* conf.c */
struct ini_val {
	long i;
	char *s; /* NULL means "" */
};

struct ini_row {
	long index;
	unsigned line; /* source line, 0 when not from a file */
	struct ini_val v[];
};

struct ini_tab {
	struct ini_row **rows; /* sorted by index */
	size_t n, cap;
};

struct ini_conf {
	struct ini_val sc[INI_P__SCALARS];
	struct ini_tab t[INI_TABLE__COUNT];
};

struct ini_row *ini_row_new(enum ini_table t, long index);
struct ini_row *ini_row_dup(enum ini_table t, const struct ini_row *r);
void ini_row_free(enum ini_table t, struct ini_row *r);
void ini_row_set_default(struct ini_row *r, const struct ini_param *p);
bool ini_row_equal_col(const struct ini_row *a, const struct ini_row *b,
		       const struct ini_param *p);
struct ini_row *ini_conf_find_row(const struct ini_conf *c, enum ini_table t,
				  long index);
void ini_val_set_default(struct ini_val *v, const struct ini_param *p);
bool ini_val_equal(const struct ini_val *a, const struct ini_val *b,
		   const struct ini_param *p);
void ini_val_clear(struct ini_val *v, const struct ini_param *p);
int ini_val_set_text(struct ini_val *v, const struct ini_param *p,
		     const char *text, char *err, size_t errlen);
void ini_tab_clear(struct ini_tab *tab, enum ini_table t);

/* parse.c */
struct ini_field {
	const char *text;
	unsigned char quote;
	unsigned char dflt;
};

struct ini_item {
	enum ini_item_kind kind;
	unsigned line;
	const char *raw; /* into ini_doc.buf */
	size_t raw_len;
	const char *name;
	const char *value;
	unsigned char quote;
	long array_idx;
	unsigned nidx, nfields;
	const char **idx;
	long *idxv;
	struct ini_field *fields;
	size_t block; /* SIZE_MAX when not attached to a table */
};

struct ini_block {
	const char *name;
	size_t begin, format, end; /* item numbers, SIZE_MAX if absent */
};

struct ini_doc {
	char *buf;
	size_t len;
	char *filename;
	bool bom;
	size_t nerrors;
	struct ini_item *items;
	size_t nitems, icap;
	struct ini_block *blocks;
	size_t nblocks, bcap;
	struct ini_arena arena;
};

#endif
