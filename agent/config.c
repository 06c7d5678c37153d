/* SPDX-License-Identifier: ISC */
/*
 * The running gateway configuration: an ini_conf replaced as a whole
 * (never edited in place), loaded from INI text through the same
 * validation whatever the source (start-up, SIGHUP, SNMP upload, one INI
 * line), and written back to the gateway INI file atomically.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <openssl/crypto.h>

#include "agent/gwagent.h"
#include "agent/log.h"
#include "ini/ini.h"

struct agent_config {
	char *path;	       /* gateway INI file, NULL: none */
	struct ini_conf *conf; /* running configuration */
};

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

int
agent_config_replace(struct agent_config *c, struct ini_conf *next,
		     struct ini_changes **changes)
{
	struct ini_changes *chg = NULL;
	int rc;

	if (c == NULL || next == NULL)
		return -EINVAL;
	if (changes != NULL) {
		rc = ini_conf_diff(c->conf, next, &chg);
		if (rc < 0)
			return rc;
	}
	ini_conf_destroy(c->conf);
	c->conf = next;
	if (changes != NULL)
		*changes = chg;
	return 0;
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
agent_config_install(struct agent_config *c, struct ini_conf *next)
{
	int rc;

	if (c == NULL || next == NULL)
		return -EINVAL;
	rc = agent_config_save_conf(c, next);
	if (rc < 0)
		return rc;
	ini_conf_destroy(c->conf);
	c->conf = next;
	return 0;
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
	if (rc < 0)
		return rc;
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

int
agent_config_save_conf(const struct agent_config *c,
		       const struct ini_conf *conf)
{
	char *buf = NULL;
	size_t len = 0;
	int rc;

	if (c == NULL || conf == NULL)
		return -EINVAL;
	if (c->path == NULL)
		return 0;
	rc = ini_conf_export(conf, INI_EXPORT_CLEAR_SECRETS, &buf, &len);
	if (rc < 0)
		return rc;
	rc = agent_persist_write(c->path, buf, len);
	OPENSSL_cleanse(buf, len);
	free(buf);
	if (rc < 0)
		log_warnx("persist", "cannot write %s: %s", c->path,
			  strerror(-rc));
	else
		log_debug("persist", "wrote %s", c->path);
	return rc;
}

int
agent_config_save(const struct agent_config *c)
{
	if (c == NULL)
		return -EINVAL;
	return agent_config_save_conf(c, c->conf);
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
