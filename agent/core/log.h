/* SPDX-License-Identifier: ISC */
/*
 * Logging, in the lldpd/OpenBSD shape.  Every message carries a token
 * naming the subsystem ("main", "event", "config", "ini", "sip", "snmp",
 * "libsnmp", "persist"); debug messages print at level >= 2 and can be
 * narrowed to some tokens with log_accept().  All functions preserve errno.
 */
#ifndef GWAGENT_LOG_H
#define GWAGENT_LOG_H

#include <stdarg.h>

/** Where messages go: to stderr until log_init() says syslog. */
void log_init(int debug, int use_syslog, const char *progname);
/** The syslog facility the next log_init() opens syslog with (LOG_DAEMON
 * until set; gwagentd sets [agent] log_facility). */
void log_facility(int facility);
/** Whether messages go to syslog (not stderr). */
int log_syslog(void);
/** Verbosity: 0 warnings, 1 info, 2+ debug. */
void log_level(int level);
/** Only debug messages with this token are shown (may be called repeatedly). */
void log_accept(const char *token);
/**
 * Reroute every message to @p cb (NULL restores the default sink);
 * tests and fuzzers install a silent one.
 */
void log_register(void (*cb)(int prio, const char *msg));

/** Warning with ": strerror(errno)" appended. */
void log_warn(const char *token, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/** Warning without errno. */
void log_warnx(const char *token, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void log_info(const char *token, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void log_debug(const char *token, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/** Log with errno and exit(1): start-up failures only. */
void fatal(const char *token, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));
/** Log without errno and exit(1): start-up failures only. */
void fatalx(const char *token, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));
/** Log at a syslog priority (used by bridges such as Net-SNMP's calllog). */
void log_prio(int prio, const char *token, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void log_vprio(int prio, const char *token, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

#endif
