/* SPDX-License-Identifier: ISC */
/*
 * Background download of one file for "load the INI from a URI": file:
 * URIs are read from disk, only beneath one directory (fetch_safe.c);
 * http: and https: go through libcurl's multi interface driven by the
 * daemon's poll() loop (its sockets become agent_event fds, its timeout
 * one agent_timer).  Nothing here blocks the loop; the completion
 * handler always runs from the loop, never from inside
 * agent_fetch_start().
 */
#ifndef GWAGENT_FETCH_H
#define GWAGENT_FETCH_H

#include <errno.h>
#include <stddef.h>

struct agent_event;
struct agent_fetch;
struct agent_fetch_allow;
struct sockaddr;

/** Largest download accepted, and the limit used when 0 is asked for. */
#define AGENT_FETCH_MAX_BYTES (64u * 1024 * 1024)
/** Default connect and total timeouts of http(s) transfers, in ms. */
#define AGENT_FETCH_CONNECT_MS 10000L
#define AGENT_FETCH_TOTAL_MS   60000L

/** Where file: loads come from unless the settings say otherwise. */
#define AGENT_FETCH_INI_DIR "/var/lib/gwagent/ini"

/**
 * The one answer for a file: URI that is not beneath the allowed
 * directory, whatever is or is not there: the errno and the text.
 */
#define AGENT_FETCH_OUTSIDE	(-EXDEV)
#define AGENT_FETCH_OUTSIDE_MSG "path is outside the allowed directory"

/**
 * Called once when a transfer ends.  @p rc is 0 or a negative errno:
 * -ENOENT (no such file, HTTP 404/410), -EACCES (permission denied, HTTP
 * 401/403), -EFBIG (over the size limit), -ETIMEDOUT (no answer in time
 * after connecting), -EPERM (address not in the allow-list),
 * AGENT_FETCH_OUTSIDE, -EIO (cannot connect, any other transfer or HTTP
 * error), or what reading the file returned.  On success @p buf holds
 * @p len bytes followed by a NUL; on failure @p buf is NULL and @p errmsg
 * one line naming the class of failure only ("cannot connect",
 * "HTTP status 404", "too large (over N bytes)", "timeout",
 * "not allowed", AGENT_FETCH_OUTSIDE_MSG, "No such file or directory"):
 * never an address, a timing or a server's text.
 * @p errmsg is NULL on success.  Both are borrowed for the duration of the
 * call only.  The handler may start another transfer or destroy the
 * fetcher.
 */
typedef void(agent_fetch_h)(int rc, const char *buf, size_t len,
			    const char *errmsg, void *arg);

/**
 * Create a fetcher on the loop @p ev (borrowed: it must outlive the
 * fetcher).  @return 0, -EINVAL or -ENOMEM; *out is written only on
 * success.  The caller frees it with agent_fetch_destroy().
 */
int agent_fetch_create(struct agent_fetch **out, struct agent_event *ev);

/**
 * Cancel any transfer (its handler is not called), release the loop's
 * fds and timers, and free @p f.  NULL is accepted.
 */
void agent_fetch_destroy(struct agent_fetch *f);

/**
 * Set the connect and total timeouts of later http(s) transfers, in ms
 * (0 keeps the current value).  @return 0 or -EINVAL.
 */
int agent_fetch_set_timeouts(struct agent_fetch *f, long connect_ms,
			     long total_ms);

/**
 * Start downloading @p uri (copied): file:///path, file:/path,
 * file://localhost/path, http://... or https://...  At most @p max_bytes
 * are accepted (0 or more than AGENT_FETCH_MAX_BYTES means
 * AGENT_FETCH_MAX_BYTES); a transfer is aborted as soon as it passes the
 * limit.  @p done and @p arg are borrowed until @p done runs.
 * @return 0 (then @p done runs exactly once, from the loop, unless the
 * transfer is cancelled), -EINVAL (bad argument or malformed URI),
 * -EPROTONOSUPPORT (another scheme), -EBUSY (a transfer is running) or
 * -ENOMEM.
 */
int agent_fetch_start(struct agent_fetch *f, const char *uri, size_t max_bytes,
		      agent_fetch_h *done, void *arg);

/**
 * Allow file: URIs only beneath the directory @p dir (absolute, copied);
 * NULL refuses every file: URI.  @return 0, -EINVAL or -ENOMEM.
 */
int agent_fetch_set_ini_dir(struct agent_fetch *f, const char *dir);

/**
 * Connect http(s) transfers only to addresses in @p allow (taken over,
 * freed with the fetcher; NULL: any address), checked on every socket
 * curl opens, after DNS and redirects.  @return 0 or -EINVAL.
 */
int agent_fetch_set_allow(struct agent_fetch *f,
			  struct agent_fetch_allow *allow);

/**
 * Take http(s) credentials from the netrc file @p path (copied; NULL:
 * none).  The caller checks it first with agent_fetch_netrc_check().
 * @return 0, -EINVAL or -ENOMEM.
 */
int agent_fetch_set_netrc(struct agent_fetch *f, const char *path);

/** Abort the running transfer, if any, without calling its handler. */
void agent_fetch_cancel(struct agent_fetch *f);

/** Whether a transfer is running. */
int agent_fetch_busy(const struct agent_fetch *f);

/* ---- fetch_safe.c ---- */

/**
 * Copy @p uri into @p out (@p len bytes) without the password of its
 * userinfo: "http://user:pw@host/p" becomes "http://user@host/p".  Use
 * it wherever a URI is shown (SNMP reads, logs, diagnostics).
 * @return 0, -EINVAL, or -ENAMETOOLONG (@p out holds a truncated,
 * NUL-terminated, still redacted copy).
 */
int agent_uri_redact(const char *uri, char *out, size_t len);

/**
 * Parse an allow-list: numeric IPv4/IPv6 addresses and networks
 * ("10.0.0.0/8", "::1", "fd00::/8") separated by commas or blanks.
 * @return 0, -EINVAL (empty list or a bad entry) or -ENOMEM; *out (freed
 * with agent_fetch_allow_destroy()) is written only on success.
 */
int agent_fetch_allow_create(struct agent_fetch_allow **out, const char *list);
/** Free an allow-list; NULL is accepted. */
void agent_fetch_allow_destroy(struct agent_fetch_allow *a);
/**
 * @return 1 when the AF_INET/AF_INET6 address @p sa is in @p a (an
 * IPv4-mapped IPv6 address counts as IPv4), else 0.
 */
int agent_fetch_allow_match(const struct agent_fetch_allow *a,
			    const struct sockaddr *sa);

/**
 * Check that @p path is a regular file (not a symlink) owned by the
 * effective user and closed to group and others.  @return 0, -errno of
 * opening it, -EINVAL (not a regular file) or -EPERM (owner, mode); then
 * @p err (@p len bytes) says which, naming the path.
 */
int agent_fetch_netrc_check(const char *path, char *err, size_t len);

/**
 * Read the regular file @p path (absolute) if it is beneath @p dir,
 * resolved with openat2(RESOLVE_BENEATH) or, without it, component by
 * component refusing every symlink.  FIFOs and devices are refused
 * without being opened.  @return 0 (*out, malloc'd and NUL-terminated,
 * is the caller's, *len its length), AGENT_FETCH_OUTSIDE (not beneath,
 * "..", a symlink leading out or looping: whether anything exists there
 * is not told), -ENXIO (@p dir cannot be opened), -ENOENT, -EISDIR,
 * -EINVAL (not a regular file), -EFBIG (over @p max bytes), -ENOMEM or
 * -errno.
 */
int agent_fetch_read_beneath(const char *dir, const char *path, size_t max,
			     char **out, size_t *len);

/** The one-line text for an error of agent_fetch_read_beneath(). */
const char *agent_fetch_strerror(int rc);

/**
 * Whether @p buf looks like a gateway INI: its first line parses and at
 * least one line names a known parameter, table or "... Params" section.
 * When not, say only "not a gateway INI file": nothing of it is quoted.
 * @return 1, 0, -EINVAL or -ENOMEM.
 */
int agent_fetch_is_gateway_ini(const char *buf, size_t len);

#endif
