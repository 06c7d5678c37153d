/* SPDX-License-Identifier: ISC */
/*
 * The running gateway configuration: an ini_conf replaced as a whole
 * (never edited in place), loaded from INI text through the same
 * validation whatever the source (start-up, SIGHUP, SNMP upload, one INI
 * line), and written back to the gateway INI file atomically.
 *
 * The file is the operator's document of record: next to the running
 * configuration we keep its text as it is on disk (as read at start-up or
 * SIGHUP, or as uploaded by a full load), and every save patches that
 * text (ini_doc_patch()) so that only the lines carrying changed values
 * change; comments, unknown parameters and tables, order, BOM and line
 * ends stay as the operator wrote them.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <openssl/crypto.h>

#include "agent/core/gwagent.h"
#include "agent/core/log.h"
#include "ini/ini.h"

struct agent_config {
	char *path;	       /* gateway INI file, NULL: none */
	struct ini_conf *conf; /* running configuration */
	char *doc;	       /* document of record (may hold passwords) */
	size_t doclen;	       /* NULL doc: none yet, saves start empty */
};

/* Take @p text over as the document of record. */
static void
agent_config_set_doc(struct agent_config *c, char *text, size_t len)
{
	if (c->doc != NULL) {
		OPENSSL_cleanse(c->doc, c->doclen);
		free(c->doc);
	}
	c->doc = text;
	c->doclen = len;
}

static int
agent_config_copy_doc(struct agent_config *c, const char *buf, size_t len)
{
	char *copy = malloc(len + 1);

	if (copy == NULL)
		return -ENOMEM;
	memcpy(copy, buf, len);
	copy[len] = '\0';
	agent_config_set_doc(c, copy, len);
	return 0;
}

int
agent_config_create(struct agent_config **out, const char *path)
{
	struct agent_config *c;

	if (out == NULL)
		return -EINVAL;
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return -ENOMEM;
	if ((path != NULL && (c->path = strdup(path)) == NULL) ||
	    ini_conf_create(&c->conf) < 0) {
		agent_config_destroy(c);
		return -ENOMEM;
	}
	*out = c;
	return 0;
}

void
agent_config_destroy(struct agent_config *c)
{
	if (c == NULL)
		return;
	ini_conf_destroy(c->conf);
	agent_config_set_doc(c, NULL, 0);
	free(c->path);
	free(c);
}

const struct ini_conf *
agent_config_conf(const struct agent_config *c)
{
	return c->conf;
}

const char *
agent_config_path(const struct agent_config *c)
{
	return c->path;
}

const char *
agent_config_doc(const struct agent_config *c, size_t *len)
{
	*len = c->doc != NULL ? c->doclen : 0;
	return c->doc;
}

struct ini_conf *
agent_config_swap(struct agent_config *c, struct ini_conf *next)
{
	struct ini_conf *old = c->conf;

	c->conf = next;
	return old;
}

int
agent_config_prepare(const struct agent_config *c, const char *buf, size_t len,
		     const char *name, enum ini_apply_mode mode,
		     struct ini_conf **next, struct ini_changes **changes,
		     struct ini_diags *diags)
{
	struct ini_doc *doc = NULL;
	int rc;

	if (c == NULL || buf == NULL || next == NULL)
		return -EINVAL;
	rc = ini_doc_parse(buf, len, name, &doc, diags);
	if (rc < 0)
		return rc;
	rc = ini_conf_apply(c->conf, doc, mode, next, changes, diags);
	ini_doc_destroy(doc);
	return rc;
}

int
agent_config_load_buffer(struct agent_config *c, const char *buf, size_t len,
			 const char *name, enum ini_apply_mode mode,
			 struct ini_changes **changes, struct ini_diags *diags)
{
	struct ini_conf *next = NULL;
	struct ini_changes *chg = NULL;
	int rc;

	rc = agent_config_prepare(c, buf, len, name, mode, &next, &chg, diags);
	/* a full load makes the file as given the document of record */
	if (rc == 0 && mode == INI_APPLY_FULL)
		rc = agent_config_copy_doc(c, buf, len);
	if (rc < 0) {
		ini_conf_destroy(next);
		ini_changes_destroy(chg);
		return rc;
	}
	ini_conf_destroy(c->conf);
	c->conf = next;
	if (changes != NULL)
		*changes = chg;
	else
		ini_changes_destroy(chg);
	return 0;
}

int
agent_config_load_file(struct agent_config *c, const char *file,
		       enum ini_apply_mode mode, struct ini_changes **changes,
		       struct ini_diags *diags)
{
	char *buf = NULL;
	size_t len = 0;
	int rc;

	rc = agent_persist_read(file, INI_MAX_FILE_SIZE, &buf, &len);
	if (rc < 0) {
		ini_diags_add(diags, file, 0, INI_SEV_ERROR, "cannot read: %s",
			      strerror(-rc));
		return rc;
	}
	rc = agent_config_load_buffer(c, buf, len, file, mode, changes, diags);
	OPENSSL_cleanse(buf, len);
	free(buf);
	return rc;
}

/* @p conf patched into @p record (NULL: the document of record). */
static int
agent_config_render_on(const struct agent_config *c, const char *record,
		       size_t reclen, const struct ini_conf *conf, char **out,
		       size_t *len)
{
	struct ini_doc *doc = NULL;
	int rc;

	if (record == NULL) {
		record = c->doc != NULL ? c->doc : "";
		reclen = c->doclen;
	}
	rc = ini_doc_parse(record, reclen, c->path, &doc, NULL);
	if (rc < 0)
		return rc;
	rc = ini_doc_patch(doc, conf, out, len, NULL);
	ini_doc_destroy(doc);
	return rc;
}

int
agent_config_render(const struct agent_config *c, const struct ini_conf *conf,
		    char **out, size_t *len)
{
	return agent_config_render_on(c, NULL, 0, conf, out, len);
}

/* Patch @p conf into @p record (NULL: the document of record) and write
 * it; on success the written text becomes the document of record. */
static int
agent_config_write(struct agent_config *c, const struct ini_conf *conf,
		   const char *record, size_t reclen)
{
	char *buf = NULL;
	size_t len = 0;
	int rc;

	if (c->path == NULL)
		return record != NULL ? agent_config_copy_doc(c, record, reclen)
				      : 0;
	rc = agent_config_render_on(c, record, reclen, conf, &buf, &len);
	if (rc < 0) {
		log_warnx("persist", "cannot patch %s: %s", c->path,
			  strerror(-rc));
		return rc;
	}
	rc = agent_persist_write(c->path, buf, len);
	if (rc < 0) {
		OPENSSL_cleanse(buf, len);
		free(buf);
		log_warnx("persist", "cannot write %s: %s", c->path,
			  strerror(-rc));
		return rc;
	}
	agent_config_set_doc(c, buf, len);
	log_debug("persist", "wrote %s", c->path);
	return 0;
}

int
agent_config_save(struct agent_config *c)
{
	if (c == NULL)
		return -EINVAL;
	return agent_config_write(c, c->conf, NULL, 0);
}

int
agent_config_save_conf(struct agent_config *c, const struct ini_conf *conf)
{
	if (c == NULL || conf == NULL)
		return -EINVAL;
	return agent_config_write(c, conf, NULL, 0);
}

int
agent_config_install(struct agent_config *c, struct ini_conf *next,
		     const char *record, size_t reclen)
{
	int rc;

	if (c == NULL || next == NULL)
		return -EINVAL;
	rc = agent_config_write(c, next, record, reclen);
	if (rc < 0)
		return rc;
	ini_conf_destroy(c->conf);
	c->conf = next;
	return 0;
}

int
agent_config_adopt(struct agent_config *c, struct ini_conf *next,
		   const char *record, size_t reclen)
{
	int rc;

	if (c == NULL || next == NULL)
		return -EINVAL;
	if (record != NULL &&
	    (rc = agent_config_copy_doc(c, record, reclen)) < 0)
		return rc;
	ini_conf_destroy(c->conf);
	c->conf = next;
	return 0;
}

void
agent_config_log_diags(const struct ini_diags *d)
{
	char line[1024];
	size_t i;

	for (i = 0; i < ini_diags_count(d); i++) {
		const struct ini_diag *dg = ini_diags_get(d, i);

		ini_diag_format(dg, line, sizeof(line));
		log_prio(ini_diag_severity(dg) == INI_SEV_ERROR ? LOG_WARNING
								: LOG_INFO,
			 "ini", "%s", line);
	}
}

size_t
agent_config_diags_text(const struct ini_diags *d, char *buf, size_t len)
{
	size_t i, used = 0;
	int n;

	if (len == 0)
		return 0;
	buf[0] = '\0';
	for (i = 0; i < ini_diags_count(d) && used + 1 < len; i++) {
		if (used > 0)
			buf[used++] = '\n';
		buf[used] = '\0';
		n = ini_diag_format(ini_diags_get(d, i), buf + used,
				    len - used);
		if (n < 0)
			break;
		used += (size_t)n < len - used ? (size_t)n : len - used - 1;
	}
	return used;
}
