/* SPDX-License-Identifier: ISC */
/*
 * Internals shared by the sip/ files and their unit tests.  Nothing here is
 * part of the library's contract with the daemon: use sip/sip.h for that.
 * Every function returns 0 or a negative errno unless said otherwise.
 */
#ifndef GWAGENT_SIP_INT_H
#define GWAGENT_SIP_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sys/queue.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>

#include <osip2/osip.h>

struct pollfd;

#include "sip/sip.h"

#ifndef TAILQ_FOREACH_SAFE /* glibc's sys/queue.h lacks it */
#define TAILQ_FOREACH_SAFE(var, head, field, tvar) \
	for ((var) = TAILQ_FIRST((head));          \
	     (var) && ((tvar) = TAILQ_NEXT((var), field), 1); (var) = (tvar))
#endif

/* ---- digest.c: RFC 2617 / 7616 digest arithmetic ---------------------- */

enum sip_digest_alg {
	SIP_DIGEST_NONE = 0,
	SIP_DIGEST_MD5,
	SIP_DIGEST_SHA256,
	SIP_DIGEST_SHA512_256,
};

enum sip_digest_qop {
	SIP_QOP_NONE = 0, /* RFC 2069 compatibility: no cnonce, no nc */
	SIP_QOP_AUTH,
	SIP_QOP_AUTH_INT,
};

/* Longest hex digest (SHA-256, SHA-512/256) plus NUL. */
#define SIP_DIGEST_HEX_MAX 65

/* Everything one digest response depends on; strings are unquoted. */
struct sip_digest_input {
	enum sip_digest_alg alg;
	bool sess;
	enum sip_digest_qop qop;
	const char *username;
	const char *realm;
	const char *password;
	const char *method;
	const char *uri;
	const char *nonce;
	const char *cnonce; /* needed with a qop or -sess */
	uint32_t nc;	    /* printed as 8 lowercase hex digits */
	const void *body;   /* auth-int only; NULL = empty body */
	size_t bodylen;
};

/* Parse an algorithm token ("MD5", "sha-256-sess", ...): -ENOTSUP if unknown. */
int sip_digest_alg_parse(const char *s, size_t len, enum sip_digest_alg *alg,
			 bool *sess);
/* Canonical token for an algorithm ("SHA-512-256-sess"); static storage. */
const char *sip_digest_alg_name(enum sip_digest_alg alg, bool sess);
/* Whether OpenSSL can compute it here (MD5 is absent under FIPS). */
bool sip_digest_alg_available(enum sip_digest_alg alg);
/* Preference rank: higher is stronger; 0 for unknown. */
int sip_digest_alg_strength(enum sip_digest_alg alg);
/* HA1, HA2 and the response as lowercase hex into out[SIP_DIGEST_HEX_MAX]. */
int sip_digest_ha1(const struct sip_digest_input *in, char *out);
int sip_digest_ha2(const struct sip_digest_input *in, char *out);
int sip_digest_response(const struct sip_digest_input *in, char *out);
/* n bytes from the CSPRNG (pooled per thread): 0 or -EIO. */
int sip_random(void *buf, size_t n);
/* Random cnonce of 2*nbytes hex chars (CSPRNG); out must hold 2*nbytes+1. */
int sip_digest_cnonce(char *out, size_t nbytes);
/* Append s to buf as a quoted-string, escaping '"' and '\\'. */
int sip_digest_quote(char *buf, size_t size, size_t *pos, const char *s);

/* ---- challenge.c: WWW-Authenticate / Proxy-Authenticate parser -------- */

#define SIP_QOP_MASK_AUTH	0x1u
#define SIP_QOP_MASK_AUTH_INT	0x2u
#define SIP_CHALLENGE_VALUE_MAX 1024

/* One usable Digest challenge; strings are malloc'ed and unescaped. */
struct sip_challenge {
	bool proxy; /* from Proxy-Authenticate */
	enum sip_digest_alg alg;
	bool sess;
	bool alg_given; /* the challenge named its algorithm */
	bool stale;
	bool qop_given;
	unsigned qop_mask;
	char *realm;
	char *nonce;
	char *opaque;	/* NULL when absent */
	unsigned order; /* position among the response's challenges */
};

typedef void(sip_challenge_h)(const struct sip_challenge *ch, void *arg);

/*
 * Parse one header value (which may hold several comma-separated
 * challenges) and call h for each usable Digest challenge; the challenge
 * and its strings are only valid during the call.  Unknown schemes,
 * algorithms and parameters are skipped; any byte sequence is safe.
 * Returns the number of usable challenges or -ENOMEM.
 */
int sip_challenge_parse(const char *v, size_t len, bool proxy,
			sip_challenge_h *h, void *arg);
void sip_challenge_clear(struct sip_challenge *ch);

/* ---- msg.c: raw header access ------------------------------------------ */

typedef void(sip_msg_header_h)(const char *v, size_t len, void *arg);

/*
 * Call h with each value of header `name` (case-insensitive, folded lines
 * joined as-is) of the raw SIP message buf; stops at the empty line.
 * Returns the number of matching headers.
 */
int sip_msg_foreach_header(const char *buf, size_t len, const char *name,
			   sip_msg_header_h *h, void *arg);

/* ---- auth.c: per-binding digest state --------------------------------- */

struct sip_auth;

enum sip_auth_policy {
	SIP_AUTH_STRONGEST = 0, /* RFC 8760 local policy: strongest per realm */
	SIP_AUTH_TOPMOST,	/* RFC 8760 §2.4 default: first supported */
};

/* Called once per header to add: name is "Authorization" or
 * "Proxy-Authorization", value the full header value. */
typedef int(sip_auth_hdr_h)(const char *name, const char *value, void *arg);

int sip_auth_create(struct sip_auth **out, const char *user,
		    const char *password);
void sip_auth_destroy(struct sip_auth *a);
int sip_auth_set_credentials(struct sip_auth *a, const char *user,
			     const char *password);
void sip_auth_set_policy(struct sip_auth *a, enum sip_auth_policy policy);
/* Start a registration cycle: retry counters back to zero. */
void sip_auth_new_cycle(struct sip_auth *a);
/* Forget every cached challenge. */
void sip_auth_forget(struct sip_auth *a);
/* Number of realms with a cached challenge. */
size_t sip_auth_realm_count(const struct sip_auth *a);

/*
 * Take the challenges of a 401/407 (raw message).  Returns 0 when the
 * request should be resent with credentials, -EACCES when the credentials
 * were rejected (same nonce challenged again without stale, or a second
 * fresh nonce in one cycle), -EPROTO when no challenge is usable or stale
 * loops, -ENOMEM.
 */
int sip_auth_handle_response(struct sip_auth *a, const char *raw, size_t len);

/* The same from header values, for callers that already split them. */
void sip_auth_begin(struct sip_auth *a);
int sip_auth_add_header(struct sip_auth *a, const char *v, size_t len,
			bool proxy);
int sip_auth_commit(struct sip_auth *a);

/*
 * Build one credentials header per cached realm for a request and pass it
 * to h; bumps nc per nonce and draws a new cnonce.  uri must be the
 * serialized Request-URI as sent.  Returns 0, the first error of h, or a
 * negative errno.
 */
int sip_auth_build(struct sip_auth *a, const char *method, const char *uri,
		   const void *body, size_t bodylen, sip_auth_hdr_h *h,
		   void *arg);

/* ---- policy.c: timing rules as pure functions ------------------------- */

/* Random draws are uint32_t values, uniform over [0, 2^32). */
#define SIP_RETRY_AFTER_MAX 86400u /* sanity cap on Retry-After, seconds */

struct sip_refresh_policy {
	unsigned divider_pct; /* RegistrationTimeDivider, 1..100 */
	unsigned threshold_s; /* RegistrationTimeThreshold, 0 = off */
	unsigned jitter_pct;  /* refresh up to this % earlier, 0 = none */
	unsigned floor_s;     /* never refresh sooner than this */
};

/*
 * Granted expiry: our Contact's expires param, else the Expires header,
 * else what we asked (negative = absent).  A 0 grant to a non-zero
 * request is a registrar bug: treat it as the request.
 */
uint32_t sip_policy_granted(uint32_t requested, int64_t contact_expires,
			    int64_t header_expires);
/* Delay in ms from a 2xx until the refresh. */
uint64_t sip_policy_refresh_ms(const struct sip_refresh_policy *p,
			       uint32_t granted_s, uint32_t rnd);
/*
 * Delay in ms before retry number `failures` (>= 1) of a failed cycle:
 * base_s flat when max_s is 0, else RFC 5626 §4.5
 * W = min(max_s, base_s * 2^(failures-1)), wait U[W/2, W].
 */
uint64_t sip_policy_backoff_ms(uint32_t base_s, uint32_t max_s,
			       unsigned failures, uint32_t rnd);
/* Retry-After (seconds, negative = absent) as a lower bound. */
uint64_t sip_policy_retry_ms(uint64_t wait_ms, int64_t retry_after_s);
/*
 * 423 Interval Too Brief: the Expires to ask next, or -EPROTO when
 * Min-Expires is absent, not above the request, or was already adopted
 * in this cycle.
 */
int sip_policy_min_expires(uint32_t requested, int64_t min_expires,
			   bool adopted, uint32_t *out);

enum sip_outcome {
	SIP_OUTCOME_OK,	      /* 2xx */
	SIP_OUTCOME_AUTH,     /* 401/407: answer the challenge */
	SIP_OUTCOME_INTERVAL, /* 423: adopt Min-Expires */
	SIP_OUTCOME_FAILOVER, /* 503, timeout, transport: next address */
	SIP_OUTCOME_RETRY,    /* other failure: back off */
	SIP_OUTCOME_PROVISIONAL,
};

/* What a final status code asks of the client. */
enum sip_outcome sip_policy_classify(int code);

/* Token bucket pacing new REGISTER transactions. */
struct sip_pacer {
	unsigned rate;	/* tokens per second, 0 = unlimited */
	unsigned burst; /* bucket size in tokens */
	uint64_t milli; /* tokens * 1000 */
	uint64_t last_ms;
};

void sip_pacer_init(struct sip_pacer *p, unsigned rate, unsigned burst,
		    uint64_t now_ms);
/* Take a token: 0 when granted, else the ms to wait before retrying. */
uint64_t sip_pacer_take(struct sip_pacer *p, uint64_t now_ms);

/* ---- timer.c: timers embedded in their owners, in a min-heap --------- */

struct sip_tmr;
/* Called when due; the timer is disarmed first, so it may re-arm. */
typedef void(sip_tmr_h)(struct sip_tmr *t);

struct sip_tmr {
	uint64_t due; /* engine clock, ms */
	size_t slot;  /* heap index + 1; 0 = not armed */
	sip_tmr_h *h;
};

struct sip_heap {
	struct sip_tmr **v;
	size_t n, cap, reserved;
};

/* Make room for `extra` more timers (owners reserve what they embed). */
int sip_heap_reserve(struct sip_heap *h, size_t extra);
void sip_heap_release(struct sip_heap *h, size_t n);
void sip_heap_arm(struct sip_heap *h, struct sip_tmr *t, uint64_t due);
void sip_heap_cancel(struct sip_heap *h, struct sip_tmr *t);
struct sip_tmr *sip_heap_top(const struct sip_heap *h);
void sip_heap_free(struct sip_heap *h);

#define SIP_CONTAINER(ptr, type, member) \
	((type *)(void *)((char *)(ptr)-offsetof(type, member)))

/* ---- transport (transport_udp.c, or a fake in tests) ------------------ */

/* An IPv4 or IPv6 socket address, compact (a binding holds several). */
union sip_sa {
	struct sockaddr sa;
	struct sockaddr_in in;
	struct sockaddr_in6 in6;
};

struct sip_transport_ops {
	/* Send one datagram: 0 or a negative errno. */
	int (*send)(void *ctx, const char *buf, size_t len,
		    const union sip_sa *to);
	/* Local address (with our port) used to reach `to`. */
	int (*local_addr)(void *ctx, const union sip_sa *to,
			  union sip_sa *local);
	/* Pollable fd, -1 if none. */
	int (*fd)(void *ctx);
	/* Read one datagram: its length, -EAGAIN when empty, or -errno. */
	int (*recv)(void *ctx, char *buf, size_t size, union sip_sa *from);
	void (*destroy)(void *ctx);
	/*
	 * Optional (tests): send one message over TCP or TLS, with the
	 * local address from local_addr.  NULL: the engine's own
	 * connections (stream.c) carry TCP and TLS.
	 */
	int (*stream_send)(void *ctx, const char *buf, size_t len,
			   const union sip_sa *to, enum sipreg_transport tp);
};

extern const struct sip_transport_ops sip_udp_ops;
int sip_udp_create(void **ctx, const char *addr, uint16_t port);

/* sockaddr helpers (transport_udp.c) */
int sip_addr_resolve(const char *host, uint16_t port, union sip_sa *ss);
/* "ip:port" / "[v6]:port"; host-only form with port 0. */
void sip_addr_format(const union sip_sa *ss, char *buf, size_t size,
		     bool with_port);
uint16_t sip_addr_port(const union sip_sa *ss);
socklen_t sip_addr_len(const union sip_sa *ss);
bool sip_addr_equal(const union sip_sa *a, const union sip_sa *b);

/* ---- frame.c: message boundaries on TCP and TLS ----------------------- */

/*
 * Find the first message in buf[0..len): skips the CRLFs in front of it
 * (*skip, consumed whatever the result), then returns 1 with its length
 * in *msglen (headers + Content-Length body; a missing Content-Length is
 * 0), 0 when more bytes are needed, -EMSGSIZE when it exceeds max (or
 * no header end within max), -EPROTO for a Content-Length that is not a
 * number.  The connection cannot be resynchronised after an error.
 */
int sip_frame_parse(const char *buf, size_t len, size_t max, size_t *skip,
		    size_t *msglen);

/* ---- engine internals (engine.c, binding.c, register.c, tx.c) --------- */

#define SIP_MAX_DATAGRAM  65535
#define SIP_REQ_MAX	  8192	/* longest request we write */
#define SIP_TIMER_F_MS	  32000 /* 64*T1: tx.c ends a transaction so */
#define SIP_TR_TIMEOUT_MS 32500 /* Timer F (64*T1) plus a margin */
#define SIP_MAX_ATTEMPTS  6	/* REGISTERs per cycle before backing off */
#define SIP_BRANCH_LEN	  24	/* "z9hG4bK" + 16 hex + NUL */
#define SIP_DEF_INFLIGHT  128	/* concurrent REGISTER cycles starting */

enum sip_timer_kind {
	SIP_TMR_NONE = 0,
	SIP_TMR_START,	  /* start (or restart) a cycle */
	SIP_TMR_DEADLINE, /* transaction deadline: hot swap or timeout */
};

enum sip_result_kind {
	SIP_RES_NONE = 0,
	SIP_RES_RESPONSE,
	SIP_RES_TIMEOUT,
	SIP_RES_TRANSPORT,
	SIP_RES_MALFORMED, /* a response libosip2 rejects (code, reason) */
};

/* What the last transaction ended with (in its struct sip_txn). */
struct sip_result {
	enum sip_result_kind kind;
	int code;
	char reason[96]; /* reason phrase, or the transport error */
	int64_t contact_expires;
	int64_t header_expires;
	int64_t min_expires;
	int64_t retry_after;
	int auth_rc;
	bool conn_reused; /* transport: a connection that had carried
			     earlier messages was lost under it */
	/* received= and rport= of the top Via of the response: "" and 0
	 * when absent (rport without a value counts as absent) */
	char via_received[SIPREG_ADDR_STRLEN];
	uint16_t via_rport;
};

struct sip_dns_entry;

struct sip_addr {
	char *host; /* as configured: SNI and certificate name for TLS */
	struct sip_dns_entry *dns; /* a name's lookup, NULL for literals */
	uint64_t last_ms;
	uint64_t broken_until; /* 503 + Retry-After: skipped until then */
	union sip_sa ss;
	union sip_sa local; /* our address toward ss (UDP), cached */
	int last_code;
	enum sipreg_transport tp;
	uint16_t port;
	uint16_t sel;	   /* the name's candidate in use */
	uint16_t seltried; /* candidates of the name tried in this cycle */
	bool resolved;
	bool online;
	bool have_local;
};

struct sip_tx;

/*
 * What a transaction's owner supplies: record() runs when the final
 * response is matched (store only); done() runs afterwards, from
 * sip_engine_run(), with tx->res filled in.
 */
struct sip_tx_ops {
	void (*record)(struct sip_tx *tx, osip_message_t *resp);
	void (*done)(struct sip_tx *tx);
};

/*
 * A transaction that runs or whose result waits to be acted on: the
 * request, its timers and its result.  tx.c takes one from the engine's
 * pool when a transaction starts and gives it back once the result has
 * been acted on, so an idle owner holds none; an owner may give fixed
 * storage instead (keep-alive groups).
 */
struct sip_txn {
	struct sip_txn *next; /* the pool's free list */
	struct sip_tx *tx;    /* its slot */
	const struct sip_addr *dst;
	char *raw; /* the request as sent (retransmissions resend it) */
	size_t rawlen;
	struct sip_tmr tmr; /* Timer E or Timer F, the earlier */
	uint64_t e_due, f_due;
	uint32_t e_ms; /* Timer E interval; 0: none (TCP, TLS) */
	bool proceeding;
	char branch[SIP_BRANCH_LEN];
	struct sip_txn *hnext; /* branch hash chain */
	TAILQ_ENTRY(sip_txn) pentry;
	uint64_t conn_id;  /* the TCP/TLS connection it went out on, or 0 */
	uint64_t start_ms; /* engine clock when it was started */
	struct sip_result res;
};

TAILQ_HEAD(sip_txn_list, sip_txn);

/*
 * One client transaction slot (RFC 3261 §17.1.2), embedded in its owner
 * and reused for each request; tx.c drives it.
 */
struct sip_tx {
	struct sipreg_engine *e;
	const struct sip_tx_ops *ops;
	struct sip_txn *t;	  /* NULL while idle (unless fixed) */
	struct sip_result *res;	  /* &t->res, NULL while idle */
	int64_t kept_retry_after; /* retry_after of a result given back */
	bool fixed;		  /* t is the owner's storage */
	bool busy;		  /* started, no final response yet */
	bool pending;		  /* its result waits for done() */
	bool trace; /* a binding's tx, traced: its messages go to the trace
		       handler (trace.c) */
};

/* How many bindings of a group are registered (or refreshing) through
 * one address of one position of their address list (binding.c). */
struct sip_use {
	LIST_ENTRY(sip_use) entry; /* e->uses */
	union sip_sa ss;
	enum sipreg_transport tp;
	unsigned group;
	size_t idx;
	unsigned n;
};

LIST_HEAD(sip_use_list, sip_use);

struct sipreg_binding {
	TAILQ_ENTRY(sipreg_binding) entry;
	TAILQ_ENTRY(sipreg_binding) wentry; /* waiting for a start slot */
	struct sipreg_engine *e;
	void *user;
	bool waiting;
	bool zombie;	   /* removed by the user, freed when idle */
	bool want_unreg;   /* current cycle is an un-REGISTER */
	bool remove_after; /* free when the un-REGISTER completes */
	bool started;	   /* register was asked at least once */
	bool pinned;
	bool min_adopted;
	bool hotswap;
	bool creds_sent;       /* the REGISTER in flight carries credentials */
	bool rereg_conn;       /* ReRegisterOnConnectionFailure */
	bool cycle_challenged; /* a 401/407 came in this cycle */
	bool dns_wait;	       /* the cycle waits for a name lookup */
	bool homing;	       /* ProxyRedundancyMode Homing */
	bool round_robin;      /* ProxyLoadBalancingMethod 1 (and 2) */
	bool random_weights;   /* ProxyLoadBalancingMethod 2: SRV weights */
	bool clear_pending;    /* UnregistrationMode=1, not done yet */
	bool clearing;	       /* the REGISTER in flight is Contact: * */
	bool conn_retried;     /* resent once on a new connection */
	bool windowed;	       /* the cycle holds a register_window slot */
	enum sipreg_keepalive ka_mode;
	unsigned ka_s;
	struct sip_use *use; /* where it counts as in use, or NULL */
	unsigned group;	     /* sipreg_binding_cfg.group */
	struct sip_ka *ka;   /* OPTIONS keep-alive group, when on */
	TAILQ_ENTRY(sipreg_binding) kaentry; /* in ka->members */
	/* configuration: the strings point into one block (strs); ruri
	 * and contact_user may be aor_host and aor_user themselves */
	char *strs;
	const char *aor_user;
	const char *aor_host;
	const char *ruri;
	const char *contact_user;
	struct sip_addr *addrs;
	size_t naddrs;
	uint32_t expires_cfg;
	struct sip_refresh_policy refresh;
	unsigned retry_s;
	unsigned max_backoff_s;
	unsigned hotswap_rtx;
	struct sip_auth *auth;
	/* dialog: Call-ID (16 bytes), From tag (8) and line parameter (6),
	 * random, written as lowercase hex by sip_binding_ids() */
	uint8_t dialog[30];
	/* host and port of the Contact in the last REGISTER (RFC 3261
	 * §19.1.4 comparison of the Contacts in its 2xx) */
	const char *contact_host; /* "" before the first; interned */
	bool contact_own;	  /* contact_host is b's own copy */
	uint16_t contact_port;
	/* NAT contact rewrite (NULL until the first), and whether the
	 * REGISTER in flight is the rewrite's */
	struct sip_nat *nat;
	bool nat_again;
	uint64_t sent_ms;   /* engine clock of the last REGISTER sent */
	uint64_t reg_until; /* the registrar may hold our binding until then
			       (engine ms); 0: it does not */
	uint32_t cseq;
	/* cycle */
	enum sipreg_state state;
	struct sip_tx tx;
	size_t cur;
	unsigned tried; /* bit per address tried in this cycle */
	uint32_t req_expires;
	uint32_t sent_expires;
	unsigned attempts;
	unsigned failures;
	enum sip_timer_kind tkind;
	struct sip_tmr tmr;
	/* status */
	uint32_t granted;
	int last_code;
	bool reason_own; /* last_reason is b's own copy, not interned */
	bool error_own;
	const char *last_reason; /* "" none; see sip_engine_intern() */
	const char *last_error;
	uint64_t last_success_ms;
	int64_t last_success_time;
	struct sipreg_counters c;
};

/* A binding's NAT contact rewrite: the address learned from
 * received/rport ("" none), the Contact it replaced, still to be removed
 * ("" none). */
struct sip_nat {
	char host[SIPREG_ADDR_STRLEN];
	uint16_t port;
	char old_host[SIPREG_ADDR_STRLEN];
	uint16_t old_port;
};

TAILQ_HEAD(sip_binding_list, sipreg_binding);
TAILQ_HEAD(sip_ka_members, sipreg_binding);
struct sip_ka;
TAILQ_HEAD(sip_ka_list, sip_ka);

struct sip_conn;
TAILQ_HEAD(sip_conn_list, sip_conn);

/* The source of the message being dispatched (answers to requests). */
struct sip_rx_src {
	bool known;
	enum sipreg_transport tp;
	union sip_sa from;     /* UDP: the datagram's source */
	struct sip_conn *conn; /* TCP/TLS: the connection it came on */
};

struct sipreg_engine {
	osip_t *osip;
	const struct sip_transport_ops *tp;
	void *tpctx;
	struct sip_binding_list bindings;
	struct sip_binding_list waitq; /* cycles waiting for pacing/slots */
	struct sip_txn_list pending;   /* transactions with a result */
	struct sip_heap heap;
	struct sip_tmr pace_tmr;
	struct sip_tmr unreg_tmr; /* unregister_all_deadline */
	struct sip_txn **bucket;  /* branch hash */
	size_t nbucket;
	size_t ntx;		    /* live transactions */
	size_t max_inflight;	    /* cycles started while others run */
	size_t window;		    /* register_window, 0 = none */
	size_t nwindow;		    /* slots held (bindings windowed) */
	unsigned unreg_rate;	    /* un-REGISTERs/s at shutdown, 0 unpaced */
	struct sip_dns *dns;	    /* c-ares resolver and name cache */
	struct sip_conn_list conns; /* TCP and TLS connections */
	size_t nconns;
	struct sip_ka_list kagroups; /* keep-alive groups (keepalive.c) */
	struct sip_use_list uses;    /* in-use counts (binding.c) */
	size_t nkagroups;
	unsigned rr;   /* round robin over addresses */
	void *tls_ctx; /* SSL_CTX, made on first use */
	char *tls_ca, *tls_cert, *tls_key;
	bool tls_verify;
	char tls_err[96];
	char send_err[96];  /* why the last send failed */
	bool send_reused;   /* ... on a connection that had carried messages */
	uint64_t send_conn; /* the connection of the last stream send */
	uint64_t conn_idle_ms; /* unused connections are closed after it */
	uint64_t conn_seq;     /* ids of connections */
	struct sip_pacer pacer;
	char *user_agent;
	char *contact_host; /* configured Contact host, or NULL */
	uint16_t contact_port;
	bool nat_rewrite;
	sip_log_h *logh;
	void *log_arg;
	sipreg_status_h *statush;
	void *status_arg;
	/* the keep-alive change sip_binding_addr_changed() tells now (the
	 * next notification of ka_note says it), NULL none */
	const struct sipreg_binding *ka_note;
	size_t ka_note_idx;
	bool ka_note_online; /* what the probe found */
	sipreg_clock_h *clockh;
	void *clock_arg;
	sipreg_rand_h *randh;
	void *rand_arg;
	sipreg_trace_h *traceh; /* on-demand trace (trace.c) */
	void *trace_arg;
	struct sip_rx_src rx_src; /* where the message being read came from */
	bool unparsable_logged;
	uint64_t unparsable_log_ms; /* last "unparsable" log line */
	uint64_t unparsable_quiet;  /* unparsable since then, not logged */
	const char *rx_raw; /* datagram being dispatched, for the challenges */
	size_t rx_len;
	char *rxbuf;
	char *txbuf; /* SIP_REQ_MAX scratch for writing requests */
	int depth;   /* > 0 while dispatching: defer frees */
	bool reaping;
	struct sipreg_engine_stats stats;
	struct sip_txn *txn_free; /* pool of transactions */
	/* reason phrases and errors that bindings share (interned) */
	char **interned;
	size_t ninterned;
};

/* engine.c */
uint64_t sip_engine_now(struct sipreg_engine *e);
/*
 * The engine's shared copy of s cut to max-1 bytes (freed with the
 * engine), or NULL when the table is full (SIP_INTERN_MAX strings) or
 * memory is short: registrars send few distinct reason phrases, and
 * bindings keep pointers to them instead of a buffer each.
 */
#define SIP_INTERN_MAX 64
const char *sip_engine_intern(struct sipreg_engine *e, const char *s,
			      size_t max);
/* A transaction got its final answer ms after it started: the smoothed
 * round trip (stats rtt_ms) follows. */
void sip_engine_rtt_sample(struct sipreg_engine *e, uint64_t ms);
uint32_t sip_engine_rand(struct sipreg_engine *e);
void sip_engine_log(struct sipreg_engine *e, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Process the transactions that have a result until nothing is left. */
void sip_engine_run(struct sipreg_engine *e);
/* Feed one datagram (the UDP reader and the test transport use it). */
void sip_engine_input(struct sipreg_engine *e, const char *buf, size_t len);
/* request.c: answer a request statelessly from e->rx_src. */
void sip_request_answer(struct sipreg_engine *e, osip_message_t *req);
/* stream.c: queue an answer on connection c: 0 or a negative errno. */
int sip_stream_reply(struct sip_conn *c, const char *buf, size_t len);
/* Create an engine on a given transport (tests); takes ctx. */
int sip_engine_create_tp(struct sipreg_engine **out,
			 const struct sipreg_engine_cfg *cfg,
			 const struct sip_transport_ops *tp, void *tpctx);
/* ms to the earliest timer, -1 if none. */
int64_t sip_engine_binding_timeout(struct sipreg_engine *e);
void sip_engine_arm(struct sipreg_engine *e, struct sip_tmr *t,
		    uint64_t delay_ms);
void sip_engine_cancel(struct sipreg_engine *e, struct sip_tmr *t);

/* trace.c: hand a message of tx's binding to the trace handler when
 * that binding is traced. */
void sip_trace(const struct sip_tx *tx, bool out, const char *buf, size_t len);

/* tx.c */
/* fixed: the owner's storage for the transaction (NULL: the pool). */
void sip_tx_init(struct sip_tx *tx, struct sipreg_engine *e,
		 const struct sip_tx_ops *ops, struct sip_txn *fixed);
/* Give a pooled transaction back to the engine once its result has been
 * acted on (nothing while it runs or its result is pending). */
void sip_tx_release(struct sip_tx *tx);
/* Where the running transaction goes and its TCP/TLS connection
 * (NULL and 0 while idle). */
const struct sip_addr *sip_tx_dst(const struct sip_tx *tx);
uint64_t sip_tx_conn(const struct sip_tx *tx);
/* The pending transaction to act on next (engine.c), NULL if none. */
struct sip_tx *sip_tx_next_pending(struct sipreg_engine *e);
/*
 * End the running transaction (if any) with a result of kind, which
 * the caller then acts on itself (done() is not called).  The
 * transaction must be running, or its results fixed storage.
 */
void sip_tx_end(struct sip_tx *tx, enum sip_result_kind kind);
/* retry_after of the last result (-1 when none was read). */
int64_t sip_tx_retry_after(const struct sip_tx *tx);
/*
 * Start a transaction for the request text raw (taken: freed by the
 * engine) to dst; branch must be the one in raw's top Via.  Returns 0 or
 * a negative errno (then nothing was started and raw is freed).
 */
int sip_tx_start(struct sip_tx *tx, char *raw, size_t len,
		 const struct sip_addr *dst, const char *branch);
/* Drop the running transaction without a result; a pooled result goes
 * back to the engine. */
void sip_tx_abort(struct sip_tx *tx);
/* Whether a transaction is running. */
bool sip_tx_busy(const struct sip_tx *tx);
/*
 * End the running transaction with a transport error (why, in words)
 * as if its send had failed; done() runs from sip_engine_run().
 * Outside libosip2 callbacks only.
 */
void sip_tx_fail(struct sip_tx *tx, const char *why, bool reused);
/* Dispatch one parsed response; false when no transaction matches. */
bool sip_tx_input(struct sipreg_engine *e, osip_event_t *ev);
/* An unparsable response read from the raw text: ends the transaction of
 * branch (when CSeq method and Call-ID match it) with SIP_RES_MALFORMED.
 * 0, or -ENOENT when no transaction matches. */
int sip_tx_malformed(struct sipreg_engine *e, const char *branch,
		     const char *method, const char *callid, int code);
void sip_tx_engine_free(struct sipreg_engine *e);

/* binding.c */
void sip_binding_free(struct sipreg_binding *b);
/* The dialog's identifiers as text (32, 16 and 12 hex digits). */
struct sip_binding_ids {
	char call_id[33];
	char from_tag[17];
	char line[13];
};
void sip_binding_ids(const struct sipreg_binding *b,
		     struct sip_binding_ids *ids);
/*
 * *dst = msg cut to max-1 bytes: the engine's shared copy (see
 * sip_engine_intern()), else b's own one (*own set; freed by the next
 * set or with b); "" when memory is short.
 */
void sip_binding_set_text(struct sipreg_binding *b, const char **dst, bool *own,
			  const char *msg, size_t max);
void sip_binding_notify(struct sipreg_binding *b);
/* b's in-use count follows its state and address (binding.c). */
void sip_binding_use_sync(struct sipreg_binding *b);
/* Start waiting cycles while pacing and the in-flight bound allow. */
void sip_binding_drain(struct sipreg_engine *e);
void sip_engine_pace_timer(struct sip_tmr *t);
/* Its connection was lost: re-register if the binding asked for it. */
void sip_binding_conn_lost(struct sipreg_binding *b);
/* Keep-alive changed address idx's state (online or not). */
void sip_binding_addr_changed(struct sipreg_binding *b, size_t idx,
			      bool online);
/* Keep-alive saw candidate cand of address idx's name come online (it
 * was offline or never probed), while b uses another candidate of that
 * name: with Homing, b goes back to it when it is preferred (an earlier
 * address, or an earlier candidate of the address in use). */
void sip_binding_cand_online(struct sipreg_binding *b, size_t idx, size_t cand);
/* The shutdown deadline passed: stop an un-REGISTER still running. */
void sip_binding_give_up(struct sipreg_binding *b);
/* Whether the registrar holds or may hold b's binding (a 2xx not yet
 * expired, or a REGISTER whose outcome is unknown). */
bool sip_binding_may_be_registered(const struct sipreg_binding *b);
/* Stop b without sending anything: state unregistered (shutdown of a
 * binding that is not registered). */
void sip_binding_stop(struct sipreg_binding *b);
/* Name lookup d finished: refresh addresses, resume a waiting cycle. */
void sip_binding_dns_done(struct sipreg_binding *b, struct sip_dns_entry *d);

/*
 * Whether anything needs the TCP/TLS connection to peer: a binding that
 * registers (or is registered, or retries) through it, a transaction or
 * a keep-alive group using it.
 */
bool sip_engine_addr_in_use(struct sipreg_engine *e, const union sip_sa *peer,
			    enum sipreg_transport tp);
/*
 * The TCP/TLS connection to peer is gone (why: in words): fail the
 * transactions that were using it and re-register, through the pacer,
 * the bindings registered through it that asked for it.  reused: the
 * connection had delivered messages before (a reset of a connection in
 * use, not a peer that cannot be reached): a REGISTER lost with it is
 * sent once more on a new connection before any failover.  conn_id: the
 * lost connection (transactions sent on a newer one to the same peer
 * live on), 0 for every transaction to peer.
 */
void sip_engine_conn_lost(struct sipreg_engine *e, const union sip_sa *peer,
			  enum sipreg_transport tp, uint64_t conn_id,
			  const char *why, bool reused);
/* Whether a binding uses address a for peer/tp now. */
bool sip_addr_is(const struct sip_addr *a, const union sip_sa *peer,
		 enum sipreg_transport tp);

/* dns.c: names resolved through c-ares, one shared entry per name */
struct sip_dns;
int sip_dns_create(struct sipreg_engine *e, unsigned refresh_s,
		   const char *servers);
/* A new refresh period (0: the default), from now. */
void sip_dns_set_refresh(struct sipreg_engine *e, unsigned refresh_s);
void sip_dns_destroy(struct sipreg_engine *e);
/* A reference to name's entry (its lookup starts), NULL: no memory. */
/* The entry for name looked up as query says (transport tp: SRV service,
 * NAPTR fallback), shared; NULL on ENOMEM. */
struct sip_dns_entry *sip_dns_get(struct sipreg_engine *e, const char *name,
				  enum sipreg_dns_query query,
				  enum sipreg_transport tp);
void sip_dns_put(struct sip_dns_entry *d);
/*
 * Candidate idx (modulo the count) of d, with port unless SRV gave
 * one, and *tp set when NAPTR chose the transport: 0, -EINPROGRESS while a lookup
 * runs (sip_engine_dns_done() follows), -EHOSTUNREACH when the name does
 * not resolve (why gets the reason in words).
 */
int sip_dns_addr(struct sip_dns_entry *d, size_t idx, uint16_t port,
		 union sip_sa *ss, enum sipreg_transport *tp, char *why,
		 size_t size);
/* After a new answer: a's candidate index to the address it uses, if the
 * answer still has it (the order may change), else kept in range. */
void sip_dns_follow(struct sip_addr *a);
/* Candidates of d's last good answer (0 while none). */
size_t sip_dns_count(const struct sip_dns_entry *d);
/* One resolved candidate: address, SRV port (0: the configured one) and
 * the transport a NAPTR record chose. */
struct sip_dns_target {
	union sip_sa ss;
	uint16_t port;
	enum sipreg_transport tp;
	unsigned priority, weight; /* SRV (0 otherwise) */
	bool first;		   /* the first address of its SRV target */
	bool has_ttl;
	uint32_t ttl; /* s: its A/AAAA, SRV and NAPTR records' shortest */
	enum sipreg_rr rr;
	char name[256]; /* whose A/AAAA record it is */
};
/* Target idx of d's last good answer (NULL past the last), and how old
 * the answer is (ms) in *age_ms. */
const struct sip_dns_target *sip_dns_target(const struct sip_dns_entry *d,
					    size_t idx, uint64_t *age_ms);
/* A candidate picked by SRV weight among the best priority's targets
 * (RFC 2782 selection, the engine's random source); 0 without SRV. */
size_t sip_dns_pick(const struct sip_dns_entry *d);
/* SRV records in the order to try them (RFC 2782): by priority, then a
 * weighted random pick among equal priorities (rnd; NULL: the first). */
struct sip_srv_rec {
	unsigned priority, weight;
	uint16_t port;
	const char *host;
};
void sip_dns_srv_order(struct sip_srv_rec *v, size_t n, uint32_t (*rnd)(void *),
		       void *arg);
/* The NAPTR record to follow (RFC 3263): flag "s", service SIP+D2U,
 * SIP+D2T or SIPS+D2T, lowest order then preference; its index with its
 * transport in *tp, or -ENOENT. */
struct sip_naptr_rec {
	unsigned order, preference;
	const char *flags, *service, *replacement;
};
int sip_dns_naptr_pick(const struct sip_naptr_rec *v, size_t n,
		       enum sipreg_transport *tp);
/*
 * The shortest TTL (seconds) of the answer section's class IN records of
 * type (ns_t_srv, ns_t_naptr...) in the DNS message m of len bytes, read
 * by a bounds-checked walk of RFC 1035 §4.1 (header, questions, each
 * RR's TYPE, CLASS, TTL and RDLENGTH; compressed names are stepped over,
 * never followed).  A TTL with its top bit set counts as 0 (RFC 2181
 * §8).  0, -ENOENT when there is no such record, -EBADMSG when the
 * message is truncated or malformed.
 */
int sip_dns_answer_ttl(const unsigned char *m, size_t len, unsigned type,
		       uint32_t *ttl);
const char *sip_dns_name(const struct sip_dns_entry *d);
int sip_dns_pollfds(const struct sipreg_engine *e, struct pollfd *fds,
		    size_t nfds);
/* Process c-ares socket fd: 0, or -ENOENT when not one of them. */
int sip_dns_io(struct sipreg_engine *e, int fd);
/* ms to c-ares' next timeout, -1 if none; sip_dns_expire() runs it. */
int64_t sip_dns_timeout(const struct sipreg_engine *e);
void sip_dns_expire(struct sipreg_engine *e);
/* A lookup finished (from a timer): addresses follow, waiters resume. */
void sip_engine_dns_done(struct sipreg_engine *e, struct sip_dns_entry *d);

/* stream.c: TCP and TLS connections, one per destination */
int sip_stream_send(struct sipreg_engine *e, const struct sip_addr *a,
		    const char *buf, size_t len);
/* Our end of the connection to a (opened if needed). */
int sip_stream_local(struct sipreg_engine *e, const struct sip_addr *a,
		     union sip_sa *local);
/* Fill fds with the connections' sockets; returns how many there are. */
int sip_stream_pollfds(const struct sipreg_engine *e, struct pollfd *fds,
		       size_t nfds);
/* Progress and read connection fd: 0, or -ENOENT when not ours. */
int sip_stream_io(struct sipreg_engine *e, int fd);
void sip_stream_free_all(struct sipreg_engine *e);

/* register.c */
/*
 * Send the binding's next REGISTER to its current address: 0, or
 * -EINPROGRESS while the address's name is being looked up, or
 * -EHOSTUNREACH when it does not resolve (why, in words), or another
 * negative errno.
 */
int sip_register_send(struct sipreg_binding *b, char *why, size_t size);
/* When an unanswered REGISTER (or probe) counts as a timeout: after
 * hotswap_rtx retransmissions with hot swap, else Timer F. */
uint64_t sip_register_deadline_ms(const struct sipreg_binding *b);
/* "UDP"/"udp", "TCP"/"tcp", "TLS"/"tls". */
const char *sip_transport_name(enum sipreg_transport tp, bool upper);

/* keepalive.c: OPTIONS keep-alive, one probe stream per address list */
/* Join the group probing b's addresses (made on first use); 0 or -ENOMEM. */
int sip_ka_start(struct sipreg_binding *b);
/* Leave it (the last member frees it); safe from status handlers. */
void sip_ka_stop(struct sipreg_binding *b);
/* Whether a keep-alive group probes peer over tp. */
bool sip_ka_uses(struct sipreg_engine *e, const union sip_sa *peer,
		 enum sipreg_transport tp);
/* What keep-alive knows of an address. */
struct sip_ka_state {
	bool online;
	int last_code;
	uint64_t last_ms; /* 0: not probed yet */
};
/* What keep-alive knows of peer over tp (the latest probe of any group):
 * NULL when it was never probed. */
const struct sip_ka_state *sip_ka_known(struct sipreg_engine *e,
					const union sip_sa *peer,
					enum sipreg_transport tp);
/* b's names have a new answer: when b leads its group and the answer
 * has an address the group never probed, a round starts now. */
void sip_ka_dns_done(struct sipreg_binding *b);
/* Fail the probes running on a lost TCP/TLS connection. */
void sip_ka_conn_lost(struct sipreg_engine *e, const union sip_sa *peer,
		      enum sipreg_transport tp, uint64_t conn_id,
		      const char *why, bool reused);
void sip_register_result(struct sipreg_binding *b, osip_message_t *resp);
/* Whether u is the Contact of our last REGISTER (RFC 3261 §19.1.4). */
bool sip_register_contact_matches(const struct sipreg_binding *b,
				  osip_uri_t *u);

#endif
