/* SPDX-License-Identifier: ISC */
/*
 * Background download of one file for "load the INI from a URI": file:
 * URIs are read from disk, http: and https: go through libcurl's multi
 * interface driven by the daemon's poll() loop (its sockets become
 * agent_event fds, its timeout one agent_timer).  Nothing here blocks the
 * loop; the completion handler always runs from the loop, never from
 * inside agent_fetch_start().
 */
#ifndef GWAGENT_FETCH_H
#define GWAGENT_FETCH_H

#include <stddef.h>

struct agent_event;
struct agent_fetch;

/** Largest download accepted, and the limit used when 0 is asked for. */
#define AGENT_FETCH_MAX_BYTES (64u * 1024 * 1024)
/** Default connect and total timeouts of http(s) transfers, in ms. */
#define AGENT_FETCH_CONNECT_MS 10000L
#define AGENT_FETCH_TOTAL_MS   60000L

/**
 * Called once when a transfer ends.  @p rc is 0 or a negative errno:
 * -ENOENT (no such file, HTTP 404/410), -EACCES (permission denied, HTTP
 * 401/403), -EFBIG (over the size limit), -ETIMEDOUT, -EIO (any other
 * transfer or HTTP error), or what reading the file returned.  On success
 * @p buf holds @p len bytes followed by a NUL; on failure @p buf is NULL
 * and @p errmsg a one-line explanation (curl's error text, "HTTP 404").
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

/** Abort the running transfer, if any, without calling its handler. */
void agent_fetch_cancel(struct agent_fetch *f);

/** Whether a transfer is running. */
int agent_fetch_busy(const struct agent_fetch *f);

#endif
