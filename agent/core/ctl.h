/* SPDX-License-Identifier: ISC */
/*
 * The control socket gwagentctl talks to: a unix stream socket served
 * from the daemon's poll() loop, one request line in, a framed answer out
 * (gwagentctl(8), PROTOCOL).  It reads and drives the daemon through the
 * functions the MIB uses (agent/core/gwagent.h) and never includes Net-SNMP or
 * MIB headers.  Every bound is fixed: request size, clients, output
 * queued per client, idle time.
 *
 * Answer framing: a status line, "ok" or "error CODE MESSAGE", then data
 * lines, each that starts with "." written with one more "."; then a
 * line holding one ".".  CODE is one of AGENT_CTL_E*, which gwagentctl
 * also uses as its exit status.
 */
#ifndef GWAGENT_CTL_H
#define GWAGENT_CTL_H

#include <stddef.h>
#include <stdint.h>

struct gwagent;
struct agent_ctl;

/** Longest request line, newline included. */
#define AGENT_CTL_LINE_MAX 1024
/** Words of a request at most (the command included). */
#define AGENT_CTL_ARGS_MAX 8
/** Clients connected at once; more are refused. */
#define AGENT_CTL_CLIENTS_MAX 16
/** Output queued for one client; past it the client is dropped. */
#define AGENT_CTL_OUTPUT_MAX (4u << 20)
/** Bindings traced at once. */
#define AGENT_CTL_TRACES_MAX 32
/** Trace duration when none is given, and the longest, seconds. */
#define AGENT_CTL_TRACE_DEFAULT_S 60
#define AGENT_CTL_TRACE_MAX_S	  3600

/** Answer codes, gwagentctl's exit status too (sysexits for its own). */
enum agent_ctl_code {
	AGENT_CTL_OK = 0,
	AGENT_CTL_EFAIL = 1,	 /**< the action was refused or failed */
	AGENT_CTL_EUSAGE = 2,	 /**< bad request: command, words, size */
	AGENT_CTL_ENOENT = 3,	 /**< no such binding (or file) */
	AGENT_CTL_EPROTO = 76,	 /**< client: bad answer, lost connection */
	AGENT_CTL_EUNAVAIL = 69, /**< client: daemon not running */
	AGENT_CTL_EPERM = 77,	 /**< client: socket not accessible */
};

/** The commands. */
enum agent_ctl_cmd {
	AGENT_CTL_HELP = 1,
	AGENT_CTL_VERSION,
	AGENT_CTL_STATUS,     /* [BINDING] */
	AGENT_CTL_SHOW,	      /* alarms|proxies|control|config NAME */
	AGENT_CTL_REGISTER,   /* BINDING | all | trunk-group N */
	AGENT_CTL_UNREGISTER, /* BINDING | all | trunk-group N */
	AGENT_CTL_REFRESH,    /* BINDING | all | trunk-group N */
	AGENT_CTL_RELOAD,     /* SIGHUP's path */
	AGENT_CTL_CHECK,      /* dry run of the gateway INI on disk */
	AGENT_CTL_LOAD,	      /* FILE [--dry-run] */
	AGENT_CTL_TRACE,      /* BINDING on [SECONDS] | off */
	AGENT_CTL_HISTORY,    /* BINDING: its flight recorder */
};

/** One parsed request; argv points into buf. */
struct agent_ctl_req {
	int json; /* "json" before the command */
	enum agent_ctl_cmd cmd;
	int argc; /* words after the command */
	const char *argv[AGENT_CTL_ARGS_MAX];
	char buf[AGENT_CTL_LINE_MAX];
};

/**
 * Parse one request line (without its newline): "[json] COMMAND
 * [WORD...]", words separated by blanks, printable ASCII only.  The
 * command and its number of words are checked here, their values by
 * the command.  @p err (may be NULL) gets why, never quoting more than
 * the command word.  @return 0 (*req written), -EINVAL or -E2BIG.
 */
int agent_ctl_parse(const char *line, size_t len, struct agent_ctl_req *req,
		    char *err, size_t errlen);

/**
 * A binding's name: "gateway", "account-N", "endpoint-M/T/C" (module,
 * trunk, channel) or "trunkgroup-N".  @return 0 or -EINVAL
 * (unknown type, @p len too small).
 */
int agent_ctl_binding_name(char *buf, size_t len, int type, long id);

/**
 * The binding @p s names ("gateway", "account-N", "endpoint-M/T/C",
 * "trunkgroup-N"; "account N" is two
 * words and not taken).  @return 0 (*type, *id written) or -EINVAL.
 */
int agent_ctl_binding_parse(const char *s, int *type, long *id);

/**
 * Copy one line of a SIP message (@p len bytes, no CR/LF) to @p out with
 * its secrets masked: in Authorization and Proxy-Authorization the
 * values of response, cnonce and password become "***", and so does the
 * password of any "sip:user:password@" URI.  Control bytes become '?'.
 * The copy is cut to fit @p outlen (NUL included).  @return its length.
 */
size_t agent_ctl_mask_line(const char *line, size_t len, char *out,
			   size_t outlen);

/** A growing answer, bounded by AGENT_CTL_OUTPUT_MAX. */
struct agent_ctl_buf {
	char *p;
	size_t len, cap;
	int full; /* something did not fit */
};

/** Append formatted text (no framing).  @return 0 or -ENOBUFS. */
int agent_ctl_buf_printf(struct agent_ctl_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/** Append @p s as a JSON string, quotes included.  @return as above. */
int agent_ctl_buf_json(struct agent_ctl_buf *b, const char *s);
/** Free the buffer's memory and zero it. */
void agent_ctl_buf_free(struct agent_ctl_buf *b);

/**
 * Frame an answer: the status line for @p code and @p msg (NULL: none),
 * then @p data (@p len bytes of lines, may be NULL) dot-stuffed, then
 * the terminator.  Appended to @p out.  @return 0 or -ENOBUFS.
 */
int agent_ctl_frame(struct agent_ctl_buf *out, int code, const char *msg,
		    const char *data, size_t len);

/** Reload the gateway INI as SIGHUP does; @p msg gets the summary or why
 * it was refused.  @return 0 or -errno. */
typedef int(agent_ctl_reload_h)(char *msg, size_t len, void *arg);

/** How the server is made. */
struct agent_ctl_conf {
	const char *path;	     /**< socket path (required, < 108 bytes) */
	long uid;		     /**< chown the socket to it, -1: keep */
	long gid;		     /**< and to this group, -1: keep */
	unsigned timeout_s;	     /**< idle clients are dropped [30] */
	const char *ini_dir;	     /**< where "load FILE" may read [none: no
				load] */
	agent_ctl_reload_h *reloadh; /**< "reload" [none: refused] */
	void *reload_arg;
};

/** What the server counted. */
struct agent_ctl_stats {
	uint64_t accepted; /**< connections accepted */
	uint64_t refused;  /**< refused: AGENT_CTL_CLIENTS_MAX reached */
	uint64_t requests; /**< requests answered */
	uint64_t bad;	   /**< of them refused as bad requests */
	uint64_t slow;	   /**< clients dropped: output not read */
	uint64_t timeouts; /**< clients dropped: idle */
	uint64_t traced;   /**< SIP messages traced */
};

/**
 * Make the control socket and watch it on @p g's loop: a stale socket
 * nobody answers on is replaced, a live one is an error (-EADDRINUSE),
 * the mode is 0660 and the owner as @p conf says.  @p g is borrowed and
 * must outlive the server; a SIP trace handler is installed on its
 * engine.  @p err (may be NULL) gets one line.  @return 0 (*out is the
 * caller's, agent_ctl_destroy()), -EINVAL, -ENOMEM, -EADDRINUSE or
 * -errno.
 */
int agent_ctl_create(struct agent_ctl **out, struct gwagent *g,
		     const struct agent_ctl_conf *conf, char *err,
		     size_t errlen);

/** Close every client and the socket, remove its file, stop the traces;
 * accepts NULL. */
void agent_ctl_destroy(struct agent_ctl *c);

/** Copy the counters.  @return 0 or -EINVAL. */
int agent_ctl_stats(const struct agent_ctl *c, struct agent_ctl_stats *st);

/**
 * Answer one request line as a client connected to @p c would get it,
 * framed, appended to @p out; @p uid is the caller's, logged with every
 * action.  @return the answer's code (enum agent_ctl_code), or -ENOBUFS
 * when it did not fit.
 */
int agent_ctl_execute(struct agent_ctl *c, const char *line, size_t len,
		      long uid, struct agent_ctl_buf *out);

#endif
