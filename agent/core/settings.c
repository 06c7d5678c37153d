/* SPDX-License-Identifier: ISC */
/*
 * The daemon's settings file through iniparser.  iniparser lowercases
 * "section:key" and gives no line numbers, so errors name the section and
 * the key.  Every key is described once in agent_settings_keys; the file
 * is parsed into a scratch copy that replaces the caller's only when
 * everything is valid.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <syslog.h>

#include <iniparser.h>

#include "agent/core/fetch.h"
#include "agent/core/settings.h"

enum agent_settings_type {
	AS_STR,	   /* any text; empty means unset */
	AS_SECRET, /* the same, but never shown and needs mode 0600 */
	AS_PATH,   /* an absolute path */
	AS_BOOL,
	AS_LEVEL,    /* 0-3 or warning/info/debug */
	AS_UINT,     /* unsigned in [min, max] */
	AS_PORT,     /* uint16_t in [min, max] */
	AS_ADDR,     /* numeric IPv4 or IPv6 address */
	AS_FACILITY, /* a syslog facility name */
};

struct agent_settings_key {
	const char *name; /* "section:key", as iniparser spells it */
	enum agent_settings_type type;
	size_t off;
	unsigned min, max; /* AS_UINT, AS_PORT; minimum length of secrets */
};

#define OFF(f) offsetof(struct agent_settings, f)

static const struct agent_settings_key agent_settings_keys[] = {
	{ "agent:gateway_ini", AS_PATH, OFF(gateway_ini), 0, 0 },
	{ "agent:log_level", AS_LEVEL, OFF(log_level), 0, 3 },
	{ "snmp:agentx_socket", AS_STR, OFF(agentx_socket), 0, 0 },
	{ "snmp:master", AS_BOOL, OFF(master), 0, 0 },
	{ "snmp:listen", AS_STR, OFF(listen), 0, 0 },
	{ "snmp:rocommunity", AS_STR, OFF(rocommunity), 0, 0 },
	{ "snmp:rwcommunity", AS_SECRET, OFF(rwcommunity), 0, 0 },
	{ "snmp:v3_user", AS_STR, OFF(v3_user), 0, 0 },
	/* Net-SNMP refuses USM passphrases under 8 characters. */
	{ "snmp:v3_auth_pass", AS_SECRET, OFF(v3_auth_pass), 8, 0 },
	{ "snmp:v3_priv_pass", AS_SECRET, OFF(v3_priv_pass), 8, 0 },
	{ "snmp:persist_dir", AS_PATH, OFF(persist_dir), 0, 0 },
	{ "snmp:sys_contact", AS_STR, OFF(sys_contact), 0, 0 },
	{ "snmp:sys_name", AS_STR, OFF(sys_name), 0, 0 },
	{ "snmp:sys_location", AS_STR, OFF(sys_location), 0, 0 },
	{ "snmp:sys_writable", AS_BOOL, OFF(sys_writable), 0, 0 },
	{ "snmp:agentx_listen", AS_STR, OFF(agentx_listen), 0, 0 },
	{ "snmp:bad_community_log_interval", AS_UINT,
	  OFF(bad_community_log_interval), 1, 86400 },
	{ "sip:bind_address", AS_ADDR, OFF(bind_address), 0, 0 },
	{ "sip:udp_port", AS_PORT, OFF(udp_port), 0, 65535 },
	{ "sip:tcp_port", AS_PORT, OFF(tcp_port), 0, 65535 },
	{ "sip:tls_port", AS_PORT, OFF(tls_port), 0, 65535 },
	{ "sip:tls_cert", AS_PATH, OFF(tls_cert), 0, 0 },
	{ "sip:tls_key", AS_PATH, OFF(tls_key), 0, 0 },
	{ "sip:tls_ca", AS_PATH, OFF(tls_ca), 0, 0 },
	{ "sip:user_agent", AS_STR, OFF(user_agent), 0, 0 },
	{ "sip:pace_rate", AS_UINT, OFF(pace_rate), 0, 100000 },
	{ "sip:register_window", AS_UINT, OFF(register_window), 0,
	  AGENT_REGISTER_WINDOW_MAX },
	{ "sip:tcp_idle_timeout", AS_UINT, OFF(tcp_idle_timeout), 1, 86400 },
	{ "traps:rate_limit", AS_UINT, OFF(trap_rate_limit), 1,
	  AGENT_TRAP_RATE_MAX },
	{ "traps:summary_interval", AS_UINT, OFF(trap_summary_interval), 1,
	  86400 },
	{ "traps:sink", AS_STR, OFF(trap_sink), 0, 0 },
	{ "traps:community", AS_STR, OFF(trap_community), 0, 0 },
	/* INI loads by URI */
	{ "agent:ini_dir", AS_PATH, OFF(ini_dir), 0, 0 },
	{ "agent:fetch_netrc", AS_PATH, OFF(fetch_netrc), 0, 0 },
	{ "agent:fetch_allow", AS_STR, OFF(fetch_allow), 0, 0 },
	{ "traps:inform", AS_BOOL, OFF(trap_inform), 0, 0 },
	{ "traps:retries", AS_UINT, OFF(trap_retries), 0, 20 },
	{ "traps:timeout", AS_UINT, OFF(trap_timeout), 1, 300 },
	{ "traps:v3_user", AS_STR, OFF(trap_v3_user), 0, 0 },
	{ "traps:v3_auth_pass", AS_SECRET, OFF(trap_v3_auth_pass), 8, 0 },
	{ "traps:v3_priv_pass", AS_SECRET, OFF(trap_v3_priv_pass), 8, 0 },
	{ "traps:v3_engine_id", AS_STR, OFF(trap_v3_engine_id), 0, 0 },
	/* running unprivileged */
	{ "agent:user", AS_STR, OFF(user), 0, 0 },
	{ "agent:group", AS_STR, OFF(group), 0, 0 },
	{ "agent:run_as_root", AS_BOOL, OFF(run_as_root), 0, 0 },
	/* the resolver of proxy host names */
	{ "sip:dns_servers", AS_STR, OFF(dns_servers), 0, 0 },
	/* un-REGISTERs at shutdown */
	{ "sip:unregister_rate", AS_UINT, OFF(unregister_rate), 0, 100000 },
	{ "sip:history_depth", AS_UINT, OFF(history_depth), 0, 256 },
	{ "sip:unregister_deadline_max", AS_UINT, OFF(unregister_deadline_max),
	  1, 3600 },
	/* the gateway's Contact behind NAT */
	{ "sip:contact_address", AS_STR, OFF(contact_address), 0, 0 },
	{ "sip:nat_contact_rewrite", AS_BOOL, OFF(nat_contact_rewrite), 0, 0 },
	/* logging and the control socket */
	{ "agent:log_facility", AS_FACILITY, OFF(log_facility), 0, 0 },
	{ "agent:control_socket", AS_PATH, OFF(control_socket), 0, 0 },
	{ "agent:control_group", AS_STR, OFF(control_group), 0, 0 },
	{ "agent:control_timeout", AS_UINT, OFF(control_timeout), 1, 3600 },
};

#define NKEYS (sizeof(agent_settings_keys) / sizeof(agent_settings_keys[0]))

static const char *agent_settings_sections[] = { "agent", "snmp", "sip",
						 "traps" };

int
agent_settings_contact_split(const char *s, char *host, size_t size,
			     uint16_t *port)
{
	const char *h = s, *end, *colon, *allowed = "-._";
	size_t hl;
	char *e;
	unsigned long p = 0;

	if (s == NULL || host == NULL || port == NULL)
		return -EINVAL;
	if (*s == '[') {
		if ((end = strchr(s, ']')) == NULL)
			return -EINVAL;
		h = s + 1;
		hl = (size_t)(end - h);
		colon = end[1] == ':' ? end + 1 : NULL;
		if (end[1] != '\0' && colon == NULL)
			return -EINVAL;
		allowed = ":.";
	} else if ((colon = strchr(s, ':')) != NULL &&
		   strchr(colon + 1, ':') != NULL) {
		hl = strlen(s); /* a bare IPv6 address */
		colon = NULL;
		allowed = ":.";
	} else {
		hl = colon != NULL ? (size_t)(colon - s) : strlen(s);
	}
	if (hl == 0 || hl >= size)
		return -EINVAL;
	for (end = h; end < h + hl; end++)
		if (!(*allowed == ':' ? isxdigit((unsigned char)*end)
				      : isalnum((unsigned char)*end)) &&
		    strchr(allowed, *end) == NULL)
			return -EINVAL;
	if (colon != NULL) {
		if (!isdigit((unsigned char)colon[1]))
			return -EINVAL;
		errno = 0;
		p = strtoul(colon + 1, &e, 10);
		if (errno != 0 || *e != '\0' || p == 0 || p > 65535)
			return -EINVAL;
	}
	memcpy(host, h, hl);
	host[hl] = '\0';
	*port = (uint16_t)p;
	return 0;
}

/* One numeric server: a.b.c.d[:port], [v6][:port] or a bare v6. */
static bool
agent_settings_dns_server_ok(const char *s, size_t len)
{
	char host[INET6_ADDRSTRLEN + 1], buf[16];
	const char *port = NULL, *end = s + len, *c;
	unsigned char bin[16];
	size_t hl;
	long p;

	if (len == 0)
		return false;
	if (*s == '[') {
		if ((c = memchr(s, ']', len)) == NULL)
			return false;
		hl = (size_t)(c - s - 1);
		if (c + 1 < end && (c[1] != ':' || (port = c + 2) >= end))
			return false;
		s++;
	} else if ((c = memchr(s, ':', len)) != NULL &&
		   memchr(c + 1, ':', (size_t)(end - c - 1)) == NULL) {
		hl = (size_t)(c - s);
		port = c + 1;
	} else {
		hl = len;
	}
	if (hl == 0 || hl >= sizeof(host))
		return false;
	memcpy(host, s, hl);
	host[hl] = '\0';
	if (inet_pton(AF_INET, host, bin) != 1 &&
	    inet_pton(AF_INET6, host, bin) != 1)
		return false;
	if (port == NULL)
		return true;
	if ((size_t)(end - port) == 0 || (size_t)(end - port) > 5)
		return false;
	memcpy(buf, port, (size_t)(end - port));
	buf[end - port] = '\0';
	for (c = buf; *c != '\0'; c++)
		if (!isdigit((unsigned char)*c))
			return false;
	p = strtol(buf, NULL, 10);
	return p >= 1 && p <= 65535;
}

static bool
agent_settings_dns_servers_ok(const char *list)
{
	const char *s = list, *comma;

	do {
		comma = strchr(s, ',');
		if (!agent_settings_dns_server_ok(s, comma ? (size_t)(comma - s)
							   : strlen(s)))
			return false;
		s = comma + 1;
	} while (comma != NULL);
	return true;
}

static void __attribute__((format(printf, 3, 4)))
agent_settings_err(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || len == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
}

static char **
agent_settings_str(struct agent_settings *s, const struct agent_settings_key *k)
{
	return (char **)(void *)((char *)s + k->off);
}

static void
agent_settings_wipe(char *p)
{
	if (p != NULL)
		explicit_bzero(p, strlen(p));
	free(p);
}

void
agent_settings_free(struct agent_settings *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < NKEYS; i++) {
		switch (agent_settings_keys[i].type) {
		case AS_STR:
		case AS_SECRET:
		case AS_PATH:
		case AS_ADDR:
			agent_settings_wipe(*agent_settings_str(
				s, &agent_settings_keys[i]));
			break;
		default:
			break;
		}
	}
	memset(s, 0, sizeof(*s));
}

int
agent_settings_init(struct agent_settings *s)
{
	if (s == NULL)
		return -EINVAL;
	memset(s, 0, sizeof(*s));
	s->log_level = 1;
	s->udp_port = 5060;
	s->pace_rate = 50;
	s->register_window = AGENT_REGISTER_WINDOW_DEFAULT;
	s->tcp_idle_timeout = 120;
	s->trap_rate_limit = AGENT_TRAP_RATE_DEFAULT;
	s->trap_summary_interval = 60;
	s->bad_community_log_interval = 60;
	s->trap_retries = 3;
	s->trap_timeout = 5;
	s->unregister_rate = 500;
	s->history_depth = 16;
	s->unregister_deadline_max = 30;
	s->log_facility = LOG_DAEMON;
	s->control_timeout = 30;
	s->control_socket = strdup(AGENT_SETTINGS_CONTROL_SOCKET);
	s->gateway_ini = strdup(AGENT_SETTINGS_GATEWAY_INI);
	s->listen = strdup("udp:127.0.0.1:161");
	s->rocommunity = strdup("public");
	s->trap_community = strdup("public");
	s->persist_dir = strdup(AGENT_SETTINGS_PERSIST_DIR);
	s->bind_address = strdup("0.0.0.0");
	s->user_agent = strdup(PACKAGE_NAME "/" PACKAGE_VERSION);
	s->ini_dir = strdup(AGENT_SETTINGS_INI_DIR);
	if (s->gateway_ini == NULL || s->listen == NULL ||
	    s->rocommunity == NULL || s->persist_dir == NULL ||
	    s->bind_address == NULL || s->user_agent == NULL ||
	    s->ini_dir == NULL || s->control_socket == NULL) {
		agent_settings_free(s);
		return -ENOMEM;
	}
	return 0;
}

static int
agent_settings_uint(const char *v, unsigned min, unsigned max, unsigned *out)
{
	unsigned long n;
	char *end;

	if (*v < '0' || *v > '9')
		return -EINVAL;
	errno = 0;
	n = strtoul(v, &end, 10);
	if (errno != 0 || *end != '\0' || n < min || n > max)
		return -EINVAL;
	*out = (unsigned)n;
	return 0;
}

static int
agent_settings_bool(const char *v, int *out)
{
	static const char *yes[] = { "1", "yes", "true", "on" };
	static const char *no[] = { "0", "no", "false", "off" };
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcasecmp(v, yes[i]) == 0 || strcasecmp(v, no[i]) == 0) {
			*out = strcasecmp(v, yes[i]) == 0;
			return 0;
		}
	}
	return -EINVAL;
}

static int
agent_settings_level(const char *v, int *out)
{
	static const char *names[] = { "warning", "info", "debug" };
	unsigned n;
	int i;

	for (i = 0; i < 3; i++) {
		if (strcasecmp(v, names[i]) == 0) {
			*out = i;
			return 0;
		}
	}
	if (agent_settings_uint(v, 0, 3, &n) < 0)
		return -EINVAL;
	*out = (int)n;
	return 0;
}

int
agent_settings_facility(const char *name, int *out)
{
	static const struct {
		const char *name;
		int fac;
	} facs[] = {
		{ "daemon", LOG_DAEMON }, { "user", LOG_USER },
		{ "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 },
		{ "local2", LOG_LOCAL2 }, { "local3", LOG_LOCAL3 },
		{ "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 },
		{ "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 },
	};
	size_t i;

	if (name == NULL || out == NULL)
		return -EINVAL;
	for (i = 0; i < sizeof(facs) / sizeof(facs[0]); i++) {
		if (strcasecmp(name, facs[i].name) == 0) {
			*out = facs[i].fac;
			return 0;
		}
	}
	return -EINVAL;
}

static int
agent_settings_text_ok(const char *v)
{
	for (; *v != '\0'; v++)
		if ((unsigned char)*v < 0x20 || *v == 0x7f)
			return 0;
	return 1;
}

/* Check a string value; @return a complaint, or NULL when it is fine. */
static const char *
agent_settings_str_check(const struct agent_settings_key *k, const char *v)
{
	unsigned char addr[sizeof(struct in6_addr)];

	if (!agent_settings_text_ok(v))
		return "control characters are not allowed";
	if (*v == '\0')
		return NULL;
	if (k->type == AS_SECRET && strlen(v) < k->min)
		return "shorter than 8 characters";
	if (k->type == AS_PATH && *v != '/')
		return "not an absolute path";
	if (k->type == AS_ADDR && inet_pton(AF_INET, v, addr) != 1 &&
	    inet_pton(AF_INET6, v, addr) != 1)
		return "not a numeric IPv4 or IPv6 address";
	return NULL;
}

static int
agent_settings_set_str(struct agent_settings *s,
		       const struct agent_settings_key *k, const char *v,
		       const char **why)
{
	char **p = agent_settings_str(s, k);
	char *copy = NULL;

	*why = agent_settings_str_check(k, v);
	if (*why != NULL)
		return -EINVAL;
	if (*v != '\0' && (copy = strdup(v)) == NULL)
		return -ENOMEM;
	agent_settings_wipe(*p);
	*p = copy;
	return 0;
}

static int
agent_settings_set(struct agent_settings *s, const struct agent_settings_key *k,
		   const char *v, const char **why)
{
	unsigned n;
	void *field = (char *)s + k->off;

	switch (k->type) {
	case AS_BOOL:
		*why = "not a boolean (yes/no, true/false, on/off, 1/0)";
		return agent_settings_bool(v, field);
	case AS_LEVEL:
		*why = "not a log level (0-3, warning, info, debug)";
		return agent_settings_level(v, field);
	case AS_FACILITY:
		*why = "not a syslog facility (daemon, user, local0-local7)";
		return agent_settings_facility(v, field);
	case AS_UINT:
	case AS_PORT:
		*why = k->type == AS_PORT ? "not a port number in range"
					  : "not a number in range";
		if (agent_settings_uint(v, k->min, k->max, &n) < 0)
			return -EINVAL;
		if (k->type == AS_PORT)
			*(uint16_t *)field = (uint16_t)n;
		else
			*(unsigned *)field = n;
		return 0;
	default:
		return agent_settings_set_str(s, k, v, why);
	}
}

static const struct agent_settings_key *
agent_settings_find(const char *name)
{
	size_t i;

	for (i = 0; i < NKEYS; i++)
		if (strcmp(agent_settings_keys[i].name, name) == 0)
			return &agent_settings_keys[i];
	return NULL;
}

static int
agent_settings_section_known(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(agent_settings_sections) /
				sizeof(agent_settings_sections[0]);
	     i++)
		if (strcmp(agent_settings_sections[i], name) == 0)
			return 1;
	return 0;
}

/* One dictionary entry: a section on its own or "section:key". */
static int
agent_settings_entry(struct agent_settings *s, const char *path,
		     const char *name, const char *v, char *err, size_t len)
{
	const struct agent_settings_key *k;
	const char *colon = strchr(name, ':'), *why = NULL;
	int rc;

	if (colon == NULL) {
		if (agent_settings_section_known(name))
			return 0;
		agent_settings_err(err, len, "%s: unknown section [%s]", path,
				   name);
		return -EINVAL;
	}
	k = agent_settings_find(name);
	if (k == NULL) {
		agent_settings_err(err, len, "%s: [%.*s] %s: unknown key", path,
				   (int)(colon - name), name, colon + 1);
		return -EINVAL;
	}
	rc = agent_settings_set(s, k, v != NULL ? v : "", &why);
	if (rc == -EINVAL && k->type == AS_SECRET)
		agent_settings_err(err, len, "%s: [%.*s] %s: %s", path,
				   (int)(colon - name), name, colon + 1, why);
	else if (rc == -EINVAL)
		agent_settings_err(err, len, "%s: [%.*s] %s: '%s': %s", path,
				   (int)(colon - name), name, colon + 1, v,
				   why);
	else if (rc < 0)
		agent_settings_err(err, len, "%s: %s", path, strerror(-rc));
	return rc;
}

/* The INI load keys: an allow-list must parse. */
static int
agent_settings_check_fetch(const struct agent_settings *s, const char *path,
			   char *err, size_t len)
{
	struct agent_fetch_allow *a = NULL;
	int rc;

	if (s->ini_dir == NULL) {
		agent_settings_err(err, len, "%s: [agent] ini_dir: must be set",
				   path);
		return -EINVAL;
	}
	if (s->fetch_allow == NULL)
		return 0;
	rc = agent_fetch_allow_create(&a, s->fetch_allow);
	agent_fetch_allow_destroy(a);
	if (rc == -EINVAL)
		agent_settings_err(err, len,
				   "%s: [agent] fetch_allow: '%s': not a list "
				   "of numeric addresses or address/prefix "
				   "networks",
				   path, s->fetch_allow);
	else if (rc < 0)
		agent_settings_err(err, len, "%s: %s", path, strerror(-rc));
	return rc;
}

/* An snmpEngineID in hex, "0x" optional: 5 to 32 octets (RFC 3411). */
static int
agent_settings_engine_id_ok(const char *v)
{
	size_t n;

	if (strncasecmp(v, "0x", 2) == 0)
		v += 2;
	n = strlen(v);
	if (n % 2 != 0 || n < 10 || n > 64)
		return 0;
	for (; *v != '\0'; v++)
		if (!isxdigit((unsigned char)*v))
			return 0;
	return 1;
}

/* What the keys cannot say alone. */
static int
agent_settings_check(const struct agent_settings *s, const char *path,
		     char *err, size_t len)
{
	const char *why = NULL;
	char chost[AGENT_SETTINGS_CONTACT_HOST_LEN];
	uint16_t cport;

	if (s->gateway_ini == NULL)
		why = "[agent] gateway_ini: must be set";
	else if (s->control_socket == NULL)
		why = "[agent] control_socket: must be set";
	else if (strlen(s->control_socket) >= 108) /* sun_path */
		why = "[agent] control_socket: longer than 107 characters";
	else if (s->master && s->listen == NULL)
		why = "[snmp] listen: must be set in master mode";
	else if ((s->v3_auth_pass != NULL || s->v3_priv_pass != NULL) &&
		 s->v3_user == NULL)
		why = "[snmp] v3_user: must be set with v3_auth_pass and "
		      "v3_priv_pass";
	else if (s->v3_user != NULL &&
		 (s->v3_auth_pass == NULL || s->v3_priv_pass == NULL))
		why = "[snmp] v3_user: needs v3_auth_pass and v3_priv_pass "
		      "(authPriv)";
	else if ((s->trap_v3_auth_pass != NULL ||
		  s->trap_v3_priv_pass != NULL) &&
		 s->trap_v3_user == NULL)
		why = "[traps] v3_user: must be set with v3_auth_pass and "
		      "v3_priv_pass";
	else if (s->trap_v3_user != NULL &&
		 (s->trap_v3_auth_pass == NULL || s->trap_v3_priv_pass == NULL))
		why = "[traps] v3_user: needs v3_auth_pass and v3_priv_pass "
		      "(authPriv)";
	else if (s->trap_v3_engine_id != NULL &&
		 !agent_settings_engine_id_ok(s->trap_v3_engine_id))
		why = "[traps] v3_engine_id: not 5 to 32 octets in hex";
	else if (s->trap_v3_engine_id != NULL && s->trap_v3_user == NULL)
		why = "[traps] v3_engine_id: only with v3_user";
	else if (s->trap_sink != NULL && s->trap_v3_user == NULL &&
		 s->trap_community == NULL)
		why = "[traps] sink: needs a community or v3_user";
	else if ((s->tls_cert == NULL) != (s->tls_key == NULL))
		why = "[sip] tls_cert and tls_key: set both or neither";
	else if (s->tcp_port != 0 && s->tcp_port == s->tls_port)
		why = "[sip] tcp_port and tls_port: must differ";
	else if (s->dns_servers != NULL &&
		 !agent_settings_dns_servers_ok(s->dns_servers))
		why = "[sip] dns_servers: not a comma-separated list of "
		      "numeric addresses (ip, ip:port, [ipv6]:port)";
	else if (s->contact_address != NULL &&
		 agent_settings_contact_split(s->contact_address, chost,
					      sizeof(chost), &cport) != 0)
		why = "[sip] contact_address: not host, host:port or "
		      "[ipv6]:port";
	if (why == NULL)
		return agent_settings_check_fetch(s, path, err, len);
	agent_settings_err(err, len, "%s: %s", path, why);
	return -EINVAL;
}

static int
agent_settings_walk(struct agent_settings *s, const dictionary *d,
		    const char *path, char *err, size_t len)
{
	ssize_t i;
	int rc;

	for (i = 0; i < d->size; i++) {
		if (d->key[i] == NULL)
			continue;
		rc = agent_settings_entry(s, path, d->key[i], d->val[i], err,
					  len);
		if (rc < 0)
			return rc;
	}
	return agent_settings_check(s, path, err, len);
}

/* The first secret key that has a value, or NULL. */
static const char *
agent_settings_secret(const dictionary *d)
{
	const char *v;
	size_t i;

	for (i = 0; i < NKEYS; i++) {
		if (agent_settings_keys[i].type != AS_SECRET)
			continue;
		v = iniparser_getstring(d, agent_settings_keys[i].name, NULL);
		if (v != NULL && *v != '\0')
			return strchr(agent_settings_keys[i].name, ':') + 1;
	}
	return NULL;
}

static void
agent_settings_dict_free(dictionary *d)
{
	ssize_t i;

	for (i = 0; i < d->size; i++)
		if (d->val[i] != NULL)
			explicit_bzero(d->val[i], strlen(d->val[i]));
	iniparser_freedict(d);
}

/* iniparser reports through a global callback: keep its first line. */
static char agent_settings_parse_err[256];

static int __attribute__((format(printf, 1, 2)))
agent_settings_errback(const char *fmt, ...)
{
	va_list ap;
	char *nl;

	if (agent_settings_parse_err[0] != '\0')
		return 0;
	va_start(ap, fmt);
	vsnprintf(agent_settings_parse_err, sizeof(agent_settings_parse_err),
		  fmt, ap);
	va_end(ap);
	/* The next line echoes the offending text, maybe a password. */
	nl = strchr(agent_settings_parse_err, '\n');
	if (nl != NULL)
		*nl = '\0';
	return 0;
}

static int
agent_settings_open(const char *path, struct stat *st, dictionary **out,
		    char *err, size_t len)
{
	dictionary *d;

	if (stat(path, st) < 0) {
		agent_settings_err(err, len, "%s: %s", path, strerror(errno));
		return -errno;
	}
	if (!S_ISREG(st->st_mode)) {
		agent_settings_err(err, len, "%s: not a regular file", path);
		return -EINVAL;
	}
	agent_settings_parse_err[0] = '\0';
	iniparser_set_error_callback(agent_settings_errback);
	d = iniparser_load(path);
	iniparser_set_error_callback(NULL);
	if (d == NULL) {
		agent_settings_err(err, len, "%s",
				   agent_settings_parse_err[0] != '\0'
					   ? agent_settings_parse_err
					   : "iniparser: cannot load the file");
		return -EINVAL;
	}
	*out = d;
	return 0;
}

int
agent_settings_load(struct agent_settings *s, const char *path, char *err,
		    size_t errlen)
{
	struct agent_settings next;
	struct stat st;
	dictionary *d = NULL;
	const char *secret;
	int rc;

	if (s == NULL || path == NULL)
		return -EINVAL;
	rc = agent_settings_open(path, &st, &d, err, errlen);
	if (rc < 0)
		return rc;
	secret = agent_settings_secret(d);
	if (secret != NULL && (st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
		agent_settings_err(err, errlen,
				   "%s: holds a secret (%s) but has mode %04o: "
				   "make it 0600",
				   path, secret,
				   (unsigned)(st.st_mode & 07777));
		agent_settings_dict_free(d);
		return -EPERM;
	}
	rc = agent_settings_init(&next);
	if (rc == 0)
		rc = agent_settings_walk(&next, d, path, err, errlen);
	agent_settings_dict_free(d);
	if (rc < 0) {
		agent_settings_free(&next);
		return rc;
	}
	agent_settings_free(s);
	*s = next;
	return 0;
}
