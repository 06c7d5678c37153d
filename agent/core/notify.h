/* SPDX-License-Identifier: ISC */
/*
 * Telling systemd that gwagentd is ready (Type=notify): the sd_notify(3)
 * datagram, written here instead of linking libsystemd.  gwagentd.c
 * sends "READY=1" once it is started; see gwagentd(8).
 */
#ifndef GWAGENT_NOTIFY_H
#define GWAGENT_NOTIFY_H

/**
 * Send @p state (e.g. "READY=1") as one datagram to the AF_UNIX socket
 * named by $NOTIFY_SOCKET: an absolute path, or "@name" for an abstract
 * socket.  Returns 0 when it was sent or when $NOTIFY_SOCKET is unset or
 * empty (not started by systemd); -EINVAL for a NULL or empty @p state or
 * a socket name that is neither absolute nor abstract or is too long;
 * another negative errno when the socket or the send fails.
 */
int agent_sd_notify(const char *state);

#endif
