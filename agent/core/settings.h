/* SPDX-License-Identifier: ISC */
/*
 * The daemon's own settings file (not the gateway INI): where the gateway
 * INI lives, how to reach or be the SNMP master, the SIP socket, trap
 * limits.  Read with iniparser; see gwagentd(8) and examples/gwagentd.conf.
 *
 *   [agent]  gateway_ini, log_level, ini_dir, fetch_netrc, fetch_allow,
 *            user, group, run_as_root, log_facility, control_socket,
 *            control_group, control_timeout
 *   [snmp]   agentx_socket, master, listen, rocommunity, rwcommunity,
 *            v3_user, v3_auth_pass, v3_priv_pass, persist_dir,
 *            sys_contact, sys_name, sys_location, sys_writable,
 *            agentx_listen, bad_community_log_interval
 *   [sip]    bind_address, udp_port, tcp_port, tls_port, tls_cert, tls_key,
 *            tls_ca, user_agent, pace_rate, register_window,
 *            tcp_idle_timeout,
 *            dns_servers, unregister_rate, unregister_deadline_max,
 *            contact_address, nat_contact_rewrite, history_depth
 *   [traps]  rate_limit, summary_interval, sink, community, inform,
 *            retries, timeout, v3_user, v3_auth_pass, v3_priv_pass,
 *            v3_engine_id
 */
#ifndef GWAGENT_SETTINGS_H
#define GWAGENT_SETTINGS_H

#include <stddef.h>
#include <stdint.h>

/* [sip] register_window: its default (AudioCodes' NumberOfActiveDialogs
 * has no published default) and its largest value. */
#define AGENT_REGISTER_WINDOW_DEFAULT 32
#define AGENT_REGISTER_WINDOW_MAX     10000

/* The alarm notification rate limit ([traps] rate_limit, then
 * gwAlarmTrapRateLimit): its default, the MIB's DEFVAL, and its largest
 * value; the MIB object also takes 0, no limit. */
#define AGENT_TRAP_RATE_DEFAULT 10
#define AGENT_TRAP_RATE_MAX	10000

#define AGENT_SETTINGS_FILE	   "/etc/gwagent/gwagentd.conf"
#define AGENT_SETTINGS_GATEWAY_INI "/etc/gwagent/gateway.ini"
#define AGENT_SETTINGS_PERSIST_DIR "/var/lib/gwagent"
#define AGENT_SETTINGS_INI_DIR	   "/var/lib/gwagent/ini"
/** gwagentctl's socket: in the unit's RuntimeDirectory (/run/gwagent). */
#define AGENT_SETTINGS_CONTROL_SOCKET "/run/gwagent/gwagentd.sock"
/** The group the control socket is given when it exists. */
#define AGENT_SETTINGS_CONTROL_GROUP "gwagent"

/**
 * Every setting, defaults filled in.  Strings are owned by the structure
 * (NULL means "not set"); only agent_settings_free() releases them.
 */
struct agent_settings {
	/* [agent] */
	char *gateway_ini; /**< gateway INI [AGENT_SETTINGS_GATEWAY_INI] */
	int log_level;	   /**< 0 warning, 1 info, 2 debug, 3 more [1] */
	/* [snmp] */
	char *agentx_socket; /**< AgentX master socket [NULL: Net-SNMP's] */
	int master;	     /**< embedded master agent [0] */
	char *listen;	     /**< master mode address ["udp:127.0.0.1:161"] */
	char *rocommunity;   /**< v2c read-only community ["public"] */
	char *rwcommunity;   /**< v2c read-write community [NULL: none] */
	char *v3_user;	     /**< USM user, SHA/AES authPriv, read-write */
	char *v3_auth_pass;  /**< secret, at least 8 characters */
	char *v3_priv_pass;  /**< secret, at least 8 characters */
	char *persist_dir;   /**< Net-SNMP state [AGENT_SETTINGS_PERSIST_DIR] */
	char *sys_contact;   /**< master: sysContact.0 [NULL: empty] */
	char *sys_name;	     /**< master: sysName.0 [NULL: host name] */
	char *sys_location;  /**< master: sysLocation.0 [NULL: empty] */
	int sys_writable;    /**< master: the three above SNMP-writable [0] */
	char *agentx_listen; /**< master: also serve AgentX here [NULL: no] */
	unsigned bad_community_log_interval; /**< seconds between the
						counts of wrong communities [60] */
	/* [sip] */
	char *bind_address; /**< numeric local address ["0.0.0.0"] */
	uint16_t udp_port;  /**< [5060]; 0: any free port */
	uint16_t tcp_port;  /**< [0: off] */
	uint16_t tls_port;  /**< [0: off] */
	char *tls_cert;	    /**< PEM files [NULL] */
	char *tls_key;
	char *tls_ca;
	char *user_agent;   /**< User-Agent header ["gwagent/VERSION"] */
	unsigned pace_rate; /**< new REGISTERs per second, 0 = no pacing [50] */
	/** initial REGISTERs and un-REGISTERs outstanding at once, 0 = no
	 *  window [AGENT_REGISTER_WINDOW_DEFAULT] */
	unsigned register_window;
	unsigned tcp_idle_timeout; /**< seconds before an unused TCP/TLS
				      connection is closed [120] */
	/* [traps] */
	unsigned trap_rate_limit;	/**< notifications per second
				     [AGENT_TRAP_RATE_DEFAULT] */
	unsigned trap_summary_interval; /**< seconds between summaries [60] */
	/* [agent] INI loads by URI (gwIniLoadUri) */
	char *ini_dir;	   /**< file: loads only beneath it
			      [AGENT_SETTINGS_INI_DIR] */
	char *fetch_netrc; /**< http(s) credentials, a 0600 netrc [NULL] */
	char *fetch_allow; /**< addresses/networks http(s) may reach
			      [NULL: any] */
	/* [traps], continued */
	char *trap_sink;       /**< master mode: host:port of a v2c trap sink */
	char *trap_community;  /**< its community ["public"] */
	int trap_inform;       /**< send informs, not traps [0] */
	unsigned trap_retries; /**< inform retries [3] */
	unsigned trap_timeout; /**< seconds before an inform is retried [5] */
	/* [sip], continued */
	char *dns_servers;  /**< "ip[:port],..." c-ares asks
			      [NULL: /etc/resolv.conf] */
	char *trap_v3_user; /**< sink as SNMPv3 USM user, SHA/AES authPriv */
	char *trap_v3_auth_pass; /**< secret, at least 8 characters */
	char *trap_v3_priv_pass; /**< secret, at least 8 characters */
	char *trap_v3_engine_id; /**< the sink's snmpEngineID in hex: no
				    discovery before an inform [NULL] */
	/* [agent] running unprivileged (agent/core/priv.h) */
	char *user;	 /**< account to drop root to [NULL: none] */
	char *group;	 /**< its group [NULL: the user's primary group] */
	int run_as_root; /**< started as root without user: allowed [0] */
	/* [sip] un-REGISTERs at shutdown */
	unsigned unregister_rate; /**< per second, 0 = unpaced [500] */
	unsigned history_depth; /**< flight recorder per binding, 0 off [16] */
	unsigned unregister_deadline_max; /**< seconds the shutdown waits
					     for their answers at most [30] */
	/* [sip] the gateway's Contact behind NAT */
	char *contact_address;	 /**< "host[:port]" every REGISTER's Contact
				    has [NULL: the socket's address] */
	int nat_contact_rewrite; /**< without contact_address: register the
				    address a 2xx's Via received/rport
				    shows [0] */
	/* [agent] logging and the control socket (gwagentctl) */
	int log_facility;     /**< syslog facility (LOG_DAEMON, LOG_LOCAL0..7,
				  LOG_USER) [LOG_DAEMON] */
	char *control_socket; /**< unix socket path
				  [AGENT_SETTINGS_CONTROL_SOCKET] */
	char *control_group;  /**< its group [NULL: "gwagent" if it
				  exists, else the daemon's] */
	unsigned control_timeout; /**< seconds a client may stay idle [30] */
};

/**
 * Fill @p s with the defaults (strings allocated).  @return 0 or -ENOMEM
 * (then @p s holds nothing to free).  Release with agent_settings_free().
 */
int agent_settings_init(struct agent_settings *s);

/**
 * Read @p path over the defaults and validate every key.  On success the
 * previous contents of @p s (from agent_settings_init() or an earlier
 * load) are freed and replaced; on failure @p s is unchanged and @p err
 * (may be NULL) holds one line naming the file, the key and the problem.
 * Unknown sections and keys are errors.  A file holding a secret
 * (rwcommunity, v3_auth_pass, v3_priv_pass) must not be accessible by
 * group or others (mode 0600).  Secrets never appear in @p err.
 * @return 0, -EINVAL (bad value, unknown key, syntax), -EPERM (secrets in
 * a file others may read), -ENOMEM, or -errno from opening @p path
 * (-ENOENT lets a caller fall back to the defaults).
 */
int agent_settings_load(struct agent_settings *s, const char *path, char *err,
			size_t errlen);

/** Size of the host buffer of agent_settings_contact_split() (the SIP
 *  engine takes hosts up to 61 characters). */
#define AGENT_SETTINGS_CONTACT_HOST_LEN 62

/**
 * Split a contact_address "host", "host:port", "[ipv6]", "[ipv6]:port" or
 * a bare IPv6 address into @p host (IPv6 without brackets) and @p port
 * (0 when none).  Host: letters, digits, "-._" (IPv6: hex digits, ":.").
 * @return 0 or -EINVAL (also when @p host is too small).
 */
int agent_settings_contact_split(const char *s, char *host, size_t size,
				 uint16_t *port);

/**
 * The syslog facility named @p name ("daemon", "user", "local0" to
 * "local7", any case).  @return 0 (*out set) or -EINVAL.
 */
int agent_settings_facility(const char *name, int *out);

/**
 * Free every string (secrets are wiped first) and zero @p s; safe on a
 * zeroed structure and when called twice.
 */
void agent_settings_free(struct agent_settings *s);

#endif
