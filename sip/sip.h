/* SPDX-License-Identifier: ISC */
/*
 * gwagent SIP registration engine: the only public header of sip/.
 *
 * Conventions: functions return 0 or a negative errno; out-parameters are
 * written only on success; destroy functions accept NULL; handlers end in
 * _h and come with a void *arg passed back as their last parameter.  The
 * library never logs by itself: it calls the log handler given at create
 * time and never passes it passwords, nonces or digest responses.
 */
#ifndef GWAGENT_SIP_H
#define GWAGENT_SIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pollfd;

/** Log levels given to a sip_log_h. */
enum sip_log_level {
	SIP_LOG_ERR = 0,
	SIP_LOG_WARN,
	SIP_LOG_INFO,
	SIP_LOG_DEBUG,
};

/**
 * Log handler.
 * @param level one of enum sip_log_level
 * @param msg   NUL-terminated message without newline, valid during the call
 * @param arg   the pointer given with the handler
 */
typedef void(sip_log_h)(int level, const char *msg, void *arg);

/* ---- engine ----------------------------------------------------------- */

struct sipreg_engine;
struct sipreg_binding;

/**
 * Transport of a proxy address (AudioCodes ProxyIp_TransportType).  TCP
 * and TLS use one connection per destination (address, port, transport)
 * shared by every binding registering there, opened on demand and again
 * after a loss; TLS verifies the server (see sipreg_engine_cfg.tls_*).
 */
enum sipreg_transport {
	SIPREG_TP_UDP = 0,
	SIPREG_TP_TCP = 1,
	SIPREG_TP_TLS = 2,
};

/** Proxy keep-alive (AudioCodes EnableProxyKeepAlive). */
enum sipreg_keepalive {
	SIPREG_KA_OFF = 0,	/**< none */
	SIPREG_KA_OPTIONS = 1,	/**< OPTIONS every keepalive_s */
	SIPREG_KA_REGISTER = 2, /**< the REGISTERs themselves */
};

/** Proxy redundancy (AudioCodes ProxyRedundancyMode). */
enum sipreg_redundancy {
	SIPREG_PARKING = 0, /**< stay on the address that answers */
	SIPREG_HOMING = 1,  /**< back to the primary once it is alive */
};

/** Registration state of a binding. */
enum sipreg_state {
	SIPREG_IDLE = 0,       /**< added, never asked to register */
	SIPREG_REGISTERING,    /**< first REGISTER of a cycle in flight */
	SIPREG_AUTHENTICATING, /**< REGISTER with credentials in flight */
	SIPREG_REGISTERED,     /**< 2xx received, refresh scheduled */
	SIPREG_REFRESHING,     /**< refresh in flight, still registered */
	SIPREG_UNREGISTERING,  /**< REGISTER Expires: 0 in flight */
	SIPREG_UNREGISTERED,   /**< binding removed at the registrar */
	SIPREG_BACKOFF,	       /**< failed, retry scheduled */
	SIPREG_FAILED,	       /**< credentials rejected; retry scheduled */
};

/** Maximum proxy addresses per binding (a Proxy Set holds 5). */
#define SIPREG_MAX_ADDRS 5
/** Size of the address strings in the status structures. */
#define SIPREG_ADDR_STRLEN 64

/** One proxy/registrar address; the first is the primary. */
/** How a host name is looked up (AudioCodes DNSQueryType). */
enum sipreg_dns_query {
	SIPREG_DNS_A = 0,     /**< A and AAAA */
	SIPREG_DNS_SRV = 1,   /**< SRV for the transport, then A/AAAA */
	SIPREG_DNS_NAPTR = 2, /**< NAPTR, then SRV, then A/AAAA */
};

struct sipreg_addr_cfg {
	const char *host; /**< numeric IPv4/IPv6, or a name resolved
			       without blocking through c-ares, /etc/hosts
			       included; every address it resolves to is
			       a candidate */
	uint16_t port;	  /**< 0 = 5060 (5061 for TLS) */
	enum sipreg_transport transport;
	/** lookup of a name [A]; the caller gives SIPREG_DNS_A for a name
	 *  written with a port.  NAPTR picks the transport (a configured
	 *  transport asks for SRV instead). */
	enum sipreg_dns_query dns_query;
};

/**
 * A binding's configuration; strings are copied.  Zero values select
 * the defaults given in brackets (AudioCodes defaults).
 */
struct sipreg_binding_cfg {
	const char *aor_user;	  /**< From/To user (required) */
	const char *aor_host;	  /**< From/To host (required) */
	const char *registrar;	  /**< Request-URI host [aor_host] */
	const char *contact_user; /**< Contact user [aor_user] */
	const char *auth_user;	  /**< digest username [aor_user] */
	const char *password;	  /**< digest password [""] */
	struct sipreg_addr_cfg addrs[SIPREG_MAX_ADDRS];
	size_t naddrs;		/**< 1..SIPREG_MAX_ADDRS */
	uint32_t expires;	/**< RegistrationTime [180] */
	unsigned divider_pct;	/**< RegistrationTimeDivider [50] */
	unsigned threshold_s;	/**< RegistrationTimeThreshold [0 = off] */
	unsigned jitter_pct;	/**< refresh up to this % earlier [0] */
	unsigned retry_s;	/**< RegistrationRetryTime [30] */
	unsigned max_backoff_s; /**< MaxRegistrationBackoffTime [0 = flat] */
	bool hotswap;		/**< IsProxyHotSwap: fail over on silence */
	unsigned hotswap_rtx;	/**< HotSwapRtx [3] */
	bool topmost_challenge; /**< answer the first supported challenge
				      instead of the strongest per realm */
	/**
	 * ReRegisterOnConnectionFailure: when the TCP/TLS connection that
	 * carried the registration is lost, register again at once
	 * (through the pacer) instead of at the next refresh [off].
	 */
	bool rereg_on_conn_failure;
	/**
	 * EnableProxyKeepAlive [SIPREG_KA_OFF].  OPTIONS: one OPTIONS to
	 * every address each keepalive_s; any response marks the address
	 * online, a timeout or transport error offline.  REGISTER: the
	 * REGISTER results do the same for the address they went to.
	 */
	enum sipreg_keepalive keepalive;
	unsigned keepalive_s; /**< ProxyKeepAliveTime [60] */
	/**
	 * ProxyRedundancyMode [SIPREG_PARKING].  Homing: with OPTIONS
	 * keep-alive, once an address before the one registered through
	 * answers again (an earlier address of the set, or an earlier
	 * resolved address of the same name: SRV priority and weight order,
	 * then A/AAAA order; not within a name under round robin,
	 * load_balancing 1), re-register there at once; with REGISTER-based
	 * keep-alive, every refresh starts at the first usable address.
	 * Parking stays where the registration is.  Either way, with OPTIONS
	 * keep-alive an address seen offline is skipped when a cycle picks
	 * its address, and losing the current one re-registers at once on
	 * the next usable address.  An address that answered 503 with
	 * Retry-After is skipped until then.
	 */
	enum sipreg_redundancy redundancy;
	/**
	 * ProxyLoadBalancingMethod: 1 = round robin: each new registration
	 * cycle (not refreshes, which stay where they registered) starts at
	 * the next usable resolved address of the set (every address of
	 * every name, in turn), rotating engine-wide so bindings spread
	 * over all of them [0 = off: the first usable address].  2 = random
	 * weights: round robin over the set's configured addresses, and
	 * within a name looked up by SRV each cycle starts at a target
	 * picked by SRV weight among the lowest priority (RFC 2782).
	 */
	unsigned load_balancing;
	/**
	 * UnregistrationMode=1: before the first registration, send a
	 * REGISTER with Contact: * and Expires: 0 (clears every binding of
	 * the AOR at the registrar) [off].
	 */
	bool unreg_all_first;
	/**
	 * Bindings given the same group (the daemon: its proxy set) share
	 * the in-use counts of sipreg_cand_status.users [0].
	 */
	unsigned group;
};

/** Counters of one binding. */
struct sipreg_counters {
	uint64_t sent;	     /**< REGISTER transactions started */
	uint64_t ok;	     /**< 2xx */
	uint64_t challenged; /**< 401/407 */
	uint64_t failed;     /**< other 3xx-6xx */
	uint64_t timeouts;   /**< no final response */
	uint64_t transport;  /**< transport errors */
};

/** Snapshot of a binding. */
struct sipreg_status {
	enum sipreg_state state;
	int addr_index;		       /**< address in use, -1 none */
	char addr[SIPREG_ADDR_STRLEN]; /**< "ip:port" in use, "" none */
	uint32_t granted;	       /**< seconds granted by the last 2xx */
	int64_t refresh_in;	       /**< seconds to the next attempt, -1 */
	int last_code;		       /**< last final status code, 0 none */
	char last_reason[64];	       /**< its reason phrase */
	char last_error[96];	       /**< last failure in words, "" none */
	uint64_t last_success_ms;      /**< engine clock of the last 2xx, 0 */
	int64_t last_success_time;     /**< wall time (time(2)), 0 never */
	struct sipreg_counters counters;
	/** "host:port" of the Contact of the last REGISTER ([v6]:port),
	 *  "" before the first: the configured contact address, the one
	 *  learned from received/rport, or the socket's.  Not in the MIB
	 *  yet: a read-only gwRegContactAddress column (DisplayString, or
	 *  InetAddressType/InetAddress/InetPortNumber like gwRegProxy*) in
	 *  gwRegStatusEntry would carry it. */
	char contact[SIPREG_ADDR_STRLEN + 8];
	/** Only in the status handler call that tells an OPTIONS keep-alive
	 *  result which changed the state of address ka_index (its first
	 *  result included): SIPREG_KA_ONLINE (ka_code: the answer's code)
	 *  or SIPREG_KA_OFFLINE (no answer, or the transport failed;
	 *  ka_code -1).  0 in every other call and snapshot. */
	int ka_event;
	int ka_index;
	int ka_code;
};
#define SIPREG_KA_ONLINE  1
#define SIPREG_KA_OFFLINE 2

/** Snapshot of one proxy address of a binding. */
struct sipreg_addr_status {
	char addr[SIPREG_ADDR_STRLEN]; /**< resolved "ip:port", "" if none */
	bool resolved;
	bool online;	  /**< last transaction there got a response */
	int last_code;	  /**< last final code from it, 0 none, -1 timeout */
	uint64_t last_ms; /**< engine clock of that result, 0 never */
	/** addresses the host resolved to, every one a failover candidate
	 *  (addr is the one in use): 1 for a literal, 0 unresolved */
	unsigned candidates;
};

/** The record a resolved address came from. */
enum sipreg_rr {
	SIPREG_RR_LITERAL = 0, /**< a numeric address, not looked up */
	SIPREG_RR_A,	       /**< an A record of the name */
	SIPREG_RR_AAAA,	       /**< an AAAA record of the name */
	SIPREG_RR_SRV,	       /**< an SRV target's A/AAAA record */
	SIPREG_RR_NAPTR,       /**< NAPTR, then SRV, then A/AAAA */
};

/** One resolved address (failover candidate) of a configured address. */
struct sipreg_cand_status {
	char addr[SIPREG_ADDR_STRLEN]; /**< "ip:port" */
	char name[256]; /**< the name whose A/AAAA record gave it (the SRV
			   target or the configured name); "" for literals */
	enum sipreg_rr rr;
	unsigned priority, weight; /**< of its SRV record, else 0 */
	uint16_t port;		   /**< the port used */
	int64_t ttl_left;	   /**< s until the records it came from expire
			     (0 when past), -1: no TTL (literal, hosts) */
	int online;	  /**< OPTIONS keep-alive: 1 answered, 0 did not,
			     -1 not probed (or no keep-alive) */
	int last_code;	  /**< of the last probe, -1 timeout, 0 none */
	uint64_t last_ms; /**< engine clock of the last probe, 0 never */
	bool in_use;	  /**< the binding's address uses it now */
	/** bindings of the binding's group (sipreg_binding_cfg.group)
	 *  registered (or refreshing) through this address of this position
	 *  now: a count the engine keeps as bindings move, no scan */
	unsigned users;
};

/** Engine-wide counters. */
struct sipreg_engine_stats {
	uint64_t rx;		/**< datagrams read */
	uint64_t malformed;	/**< dropped: unparsable */
	uint64_t stray;		/**< dropped: no matching transaction */
	uint64_t requests;	/**< requests received (parsed) */
	uint64_t paced;		/**< starts delayed by the pacing limit */
	uint64_t idle_closed;	/**< TCP/TLS connections closed unused */
	uint64_t options_ok;	/**< OPTIONS to our Contact answered 200 */
	uint64_t req_rejected;	/**< requests answered with an error */
	uint64_t acks;		/**< ACKs (never answered) */
	uint64_t req_unsent;	/**< answers that could not be sent */
	uint64_t bad_responses; /**< unparsable responses that ended their
				     transaction as a failure */
	uint64_t via_mismatch;	/**< dropped: Via not ours or not one */
	/** Smoothed time from the start of a transaction to its final
	 *  answer (retransmission waits included), ms; 0 before any. */
	uint64_t rtt_ms;
	/** un-REGISTERs given up at an unregister deadline, unanswered */
	uint64_t unreg_abandoned;
	/** initial REGISTER / un-REGISTER cycles in the window now */
	uint64_t window_used;
	/** starts delayed because the window was full */
	uint64_t window_waits;
	/** resolved addresses ignored: past the 15 kept per name */
	uint64_t dns_dropped;
};

/**
 * Status change handler: called after every state change and every
 * final response.  It may call any sipreg_ function, including
 * sipreg_binding_remove() on b.
 */
typedef void(sipreg_status_h)(struct sipreg_binding *b,
			      const struct sipreg_status *st, void *arg);
/** Monotonic clock in milliseconds (tests install a fake one). */
typedef uint64_t(sipreg_clock_h)(void *arg);
/** Uniform 32-bit random numbers for jitter (tests make it fixed). */
typedef uint32_t(sipreg_rand_h)(void *arg);

/** Engine configuration; zero values select the defaults. */
struct sipreg_engine_cfg {
	const char *local_addr; /**< UDP bind address ["0.0.0.0"] */
	uint16_t local_port;	/**< UDP bind port [0 = ephemeral] */
	const char *user_agent; /**< User-Agent ["gwagent"] */
	unsigned pace_rate;	/**< new REGISTERs per second [50] */
	unsigned pace_burst;	/**< burst [pace_rate] */
	bool pace_off;		/**< no pacing at all */
	/** A TCP/TLS connection nothing registers or probes through is
	 *  closed after this many idle seconds [120]. */
	unsigned conn_idle_s;
	unsigned max_inflight; /**< registration cycles started while
				     others are unanswered [128]; more wait */
	/**
	 * The registration window: initial registration cycles (a binding
	 * not registered: REGISTERING) and un-registration cycles
	 * (UNREGISTERING) outstanding at once, challenge and answer
	 * included; the next waiting one starts when one of them ends (its
	 * final response, a timeout, a failure) [0: no window].  Refreshes
	 * of registered bindings do not count and are not held.  It
	 * combines with pace_rate and max_inflight: a cycle starts when all
	 * three allow.  AudioCodes' NumberOfActiveDialogs start-up pacing
	 * (Mediant 2000 SIP User's Manual v5.2, p. 358).
	 */
	unsigned register_window;
	sip_log_h *logh; /**< log handler [none] */
	void *log_arg;
	sipreg_status_h *statush; /**< status handler [none] */
	void *status_arg;
	sipreg_clock_h *clockh; /**< clock [CLOCK_MONOTONIC] */
	void *clock_arg;
	sipreg_rand_h *randh; /**< random source [OpenSSL RAND_bytes] */
	void *rand_arg;
	/** CA certificates (PEM file) the TLS servers' certificates are
	 *  verified against [OpenSSL's default paths]. */
	const char *tls_ca_file;
	/** Client certificate chain (PEM) for TLS [none]. */
	const char *tls_cert_file;
	/** Its private key (PEM) [tls_cert_file]. */
	const char *tls_key_file;
	/**
	 * Server verification on TLS: 0 (default) or 1 = verify the chain
	 * against the CAs and the configured address against the
	 * certificate (DNS name with SNI, or IP address); -1 = accept any
	 * certificate (lab use only).
	 */
	int tls_verify;
	/** ProxyIPListRefreshTime: host names are resolved again this
	 *  often, seconds [60]. */
	unsigned dns_refresh_s;
	/** DNS servers asked, "ip[:port],[ipv6]:port,..." (c-ares CSV)
	 *  [the system's, /etc/resolv.conf]; a bad list fails the
	 *  engine's creation with -EINVAL. */
	const char *dns_servers;
	/** Un-REGISTERs per second during sipreg_engine_shutdown()
	 *  [SIPREG_UNREG_RATE]; they do not share pace_rate. */
	unsigned unreg_rate;
	bool unreg_pace_off; /**< shutdown un-REGISTERs not paced at all */
	/** Host of the Contact of every REGISTER: the gateway's signalling
	 *  address (numeric or a name; an IPv6 literal with or without
	 *  brackets) [NULL: the socket's address].  The Via keeps the
	 *  socket's address.  Bad characters fail creation with -EINVAL. */
	const char *contact_host;
	uint16_t contact_port; /**< its port [0: the socket's port] */
	/**
	 * When no contact_host is set: a 2xx whose top Via carries
	 * received= or rport= that differ from the Contact sent makes the
	 * binding register again at once with that address as Contact,
	 * the old Contact removed in the same REGISTER (expires=0) [off].
	 */
	bool nat_contact_rewrite;
};

/** Default un-REGISTERs per second at shutdown. */
#define SIPREG_UNREG_RATE 500
/** Time allowed past the paced sends for the last answers: two round
 *  trips with a digest challenge and retransmissions (8 * T1), ms. */
#define SIPREG_UNREG_SLACK_MS 4000

/**
 * Create an engine and bind its UDP socket (non-blocking).
 * @param out receives the engine; the caller owns it (sipreg_engine_destroy)
 * @param cfg configuration, copied; NULL for all defaults
 * @return 0, -EINVAL, -ENOMEM, or the errno of socket()/bind()
 */
int sipreg_engine_create(struct sipreg_engine **out,
			 const struct sipreg_engine_cfg *cfg);

/**
 * Destroy an engine, its bindings and transactions, without sending
 * anything (use sipreg_engine_unregister_all() and wait for
 * sipreg_engine_busy() to reach 0 first for an orderly shutdown).
 * Binding pointers become invalid.  Accepts NULL.
 */
void sipreg_engine_destroy(struct sipreg_engine *e);

/**
 * The file descriptors to poll: fills fds[0..n) with fd and events
 * (POLLIN, plus POLLOUT for a TCP/TLS connection that is connecting,
 * handshaking or has output queued) and returns how many the engine has
 * (may exceed nfds; call again with more room), or -EINVAL.  The set
 * changes as connections open and close: take it again after every call
 * into the engine.
 */
int sipreg_engine_pollfds(const struct sipreg_engine *e, struct pollfd *fds,
			  size_t nfds);

/**
 * Milliseconds until sipreg_engine_timeout() must be called: 0 when
 * something is due, -1 when nothing is scheduled.  Covers the engine's
 * timers, libosip2's retransmission timers and c-ares' timeouts.
 */
int sipreg_engine_next_timeout(struct sipreg_engine *e);

/**
 * Process fd after poll() reported any event on it (POLLIN, POLLOUT,
 * POLLERR, POLLHUP alike): reads what is pending, and on TCP/TLS also
 * progresses connect() and the handshake and writes queued output.
 * Never blocks.
 * @return 0, -EINVAL for an fd that is not the engine's
 */
int sipreg_engine_readable(struct sipreg_engine *e, int fd);

/** Run due timers (retransmissions, refreshes, retries).  Returns 0. */
int sipreg_engine_timeout(struct sipreg_engine *e);

/**
 * Change ProxyIPListRefreshTime: host names are resolved again every
 * @p seconds from now on (0: the default, 60).  @return 0 or -EINVAL
 */
int sipreg_engine_set_dns_refresh(struct sipreg_engine *e, unsigned seconds);

/** Copy the engine-wide counters. */
int sipreg_engine_stats(const struct sipreg_engine *e,
			struct sipreg_engine_stats *st);

/** Register every binding (paced).  Returns 0. */
int sipreg_engine_register_all(struct sipreg_engine *e);

/**
 * Unregister every binding that is or may be registered (a 2xx not yet
 * expired, or a REGISTER that got no answer), paced; the others stop
 * without sending anything (state unregistered).  Returns 0.
 */
int sipreg_engine_unregister_all(struct sipreg_engine *e);

/**
 * Orderly shutdown: unregister every registered binding (paced, as
 * sipreg_engine_unregister_all()) and give up after ms milliseconds:
 * bindings still unregistering then stop waiting (state unregistered,
 * last_error "unregister deadline passed"), so sipreg_engine_busy()
 * reaches 0 by the deadline at the latest.  Keep calling the engine
 * from the loop until sipreg_engine_busy() is 0, then destroy it.
 * @return 0 or -EINVAL
 */
int sipreg_engine_unregister_all_deadline(struct sipreg_engine *e, unsigned ms);

/**
 * The shutdown deadline for @p n un-REGISTERs sent at @p rate per second
 * (0: unpaced) with at most @p max_inflight unanswered (0: no bound) to
 * registrars answering in @p rtt_ms (0: unknown): the time the sending
 * takes, the longer of the pacing (n * 1000 / rate, rounded up) and the
 * in-flight bound (ceil(n / max_inflight) cycles of two round trips, a
 * challenge and the answer), plus two round trips and
 * SIPREG_UNREG_SLACK_MS for the last answers; at most @p max_ms.
 * @return milliseconds
 */
unsigned sipreg_unregister_deadline_ms(size_t n, unsigned rate, unsigned rtt_ms,
				       unsigned max_inflight, unsigned max_ms);

/**
 * Orderly shutdown with a derived deadline: switch the pacer to the
 * un-REGISTER rate (cfg unreg_rate), unregister every binding that is or
 * may be registered (as sipreg_engine_unregister_all()), and give up
 * after sipreg_unregister_deadline_ms() for the n bindings being
 * unregistered, the engine's smoothed round trip (stats rtt_ms) and its
 * max_inflight (as sipreg_engine_unregister_all_deadline()).
 * sipreg_engine_busy() reaches 0 as soon as every un-REGISTER got its
 * final answer or failed, and by the deadline at the latest.  New
 * REGISTERs started afterwards are paced at the un-REGISTER rate too.
 * @param deadline_ms receives the deadline chosen; may be NULL
 * @param n_out receives n; may be NULL
 * @return 0 or -EINVAL
 */
int sipreg_engine_shutdown(struct sipreg_engine *e, unsigned max_ms,
			   unsigned *deadline_ms, size_t *n_out);

/** Number of bindings with a REGISTER in flight or about to start. */
size_t sipreg_engine_busy(const struct sipreg_engine *e);

/* ---- bindings --------------------------------------------------------- */

/**
 * Add a binding (state IDLE; nothing is sent until sipreg_binding_register).
 * @param user opaque pointer returned by sipreg_binding_user(), borrowed
 * @param out  receives the binding, owned by the engine; valid until
 *             sipreg_binding_remove() or sipreg_engine_destroy()
 * @return 0, -EINVAL (missing AOR, bad address or transport), -ENOMEM.
 *         Host names are looked up in the background: a cycle waits for
 *         the answer, and a name that does not resolve fails that
 *         address ("cannot resolve NAME: ...": failover, then backoff
 *         and retry with a new lookup).
 */
int sipreg_binding_add(struct sipreg_engine *e,
		       const struct sipreg_binding_cfg *cfg, void *user,
		       struct sipreg_binding **out);

/**
 * Check a binding configuration as sipreg_binding_add() does, without an
 * engine: what the engine would refuse, in words ("host name 'x y' is not
 * valid: ...") for the operator.  The password is never checked nor
 * quoted.  Host names are not looked up here.  aor_user and
 * contact_user must be RFC 3261 URI users (%HH escapes); aor_host and
 * registrar an IPv4 address, an IPv6 address (bare or in brackets; the
 * engine adds the brackets in URIs) or an RFC 1123 host name, without
 * port; addresses the same without brackets.
 * @param why receives the reason ("" when valid); may be NULL
 * @return 0 or -EINVAL
 */
int sipreg_binding_cfg_check(const struct sipreg_binding_cfg *cfg, char *why,
			     size_t len);

/**
 * Replace a binding's configuration.  Call-ID and CSeq are kept; cached
 * challenges are dropped when the credentials change.  A registered
 * binding is re-registered with the new settings.
 * @return as sipreg_binding_add()
 */
int sipreg_binding_update(struct sipreg_binding *b,
			  const struct sipreg_binding_cfg *cfg);

/**
 * Remove a binding.  With unregister set and the binding registered, an
 * un-REGISTER is sent first and the engine frees the binding when it
 * completes; either way the pointer is invalid on return.  Accepts NULL.
 */
void sipreg_binding_remove(struct sipreg_binding *b, bool unregister);

/** Start a registration cycle now (also a forced refresh).  Returns 0. */
int sipreg_binding_register(struct sipreg_binding *b);

/** Send REGISTER Expires: 0 for the binding's contact.  Returns 0. */
int sipreg_binding_unregister(struct sipreg_binding *b);

/** Force a refresh of a registered binding (same as register). */
int sipreg_binding_refresh(struct sipreg_binding *b);

/** The user pointer given to sipreg_binding_add(). */
void *sipreg_binding_user(const struct sipreg_binding *b);

/** Snapshot of a binding's status.  Returns 0 or -EINVAL. */
int sipreg_binding_status(const struct sipreg_binding *b,
			  struct sipreg_status *st);

/**
 * Snapshot of candidate cand (0-based, in failover order) of address idx
 * of a binding: every resolved address of a name, keep-alive's view of
 * each.  Returns 0, -ENOENT past the last candidate (or while the name
 * is unresolved), -EINVAL.
 */
int sipreg_binding_cand_status(const struct sipreg_binding *b, size_t idx,
			       size_t cand, struct sipreg_cand_status *st);

/** Snapshot of address idx of a binding.  Returns 0 or -EINVAL. */
int sipreg_binding_addr_status(const struct sipreg_binding *b, size_t idx,
			       struct sipreg_addr_status *st);

/* ---- on-demand trace -------------------------------------------------- */

/**
 * Trace handler: one SIP message of a traced binding, as sent (@p out
 * true; retransmissions included) or as received (a response matched to
 * its REGISTER).  @p msg is the text on the wire, @p len bytes, not
 * NUL-terminated, valid during the call only.  Unlike the log handler it
 * gets the message unfiltered (digest responses, cnonces): the handler
 * masks them before the text goes anywhere.  It runs inside the engine
 * and must not call any sipreg_ function.
 */
typedef void(sipreg_trace_h)(struct sipreg_binding *b, bool out,
			     const char *msg, size_t len, void *arg);

/**
 * Install the engine's trace handler (NULL: none).  Nothing is traced
 * until a binding is marked with sipreg_binding_set_trace().
 * @return 0 or -EINVAL
 */
int sipreg_engine_set_trace(struct sipreg_engine *e, sipreg_trace_h *h,
			    void *arg);

/** Mark a binding traced (@p on) or not; off when added.  0/-EINVAL. */
int sipreg_binding_set_trace(struct sipreg_binding *b, bool on);

/** Whether the binding is traced (false for NULL). */
bool sipreg_binding_traced(const struct sipreg_binding *b);

/** Name of a state ("registered"); static storage. */
const char *sipreg_state_name(enum sipreg_state state);

#endif
