/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <time.h>

#include "agent/core/log.h"

#define LOG_MAX_TOKENS 16

static int log_use_syslog;
static int log_fac = LOG_DAEMON;
static int log_verbosity;
static const char *log_tokens[LOG_MAX_TOKENS];
static int log_ntokens;
static void (*log_cb)(int, const char *);

void
log_init(int debug, int use_syslog, const char *progname)
{
	log_verbosity = debug;
	log_use_syslog = use_syslog;
	if (use_syslog)
		openlog(progname, LOG_PID | LOG_NDELAY, log_fac);
	tzset();
}

void
log_facility(int facility)
{
	log_fac = facility;
}

int
log_syslog(void)
{
	return log_use_syslog;
}

void
log_level(int level)
{
	log_verbosity = level;
}

void
log_accept(const char *token)
{
	if (log_ntokens < LOG_MAX_TOKENS)
		log_tokens[log_ntokens++] = token;
}

void
log_register(void (*cb)(int, const char *))
{
	log_cb = cb;
}

static int
log_wanted(int prio, const char *token)
{
	int i;

	if (prio <= LOG_WARNING)
		return 1;
	if (prio == LOG_INFO || prio == LOG_NOTICE)
		return log_verbosity >= 1;
	if (log_verbosity < 2)
		return 0;
	if (log_ntokens == 0)
		return 1;
	for (i = 0; i < log_ntokens; i++)
		if (token != NULL && strcasecmp(token, log_tokens[i]) == 0)
			return 1;
	return 0;
}

static const char *
log_prio_name(int prio)
{
	switch (prio) {
	case LOG_EMERG:
	case LOG_ALERT:
	case LOG_CRIT:
		return "CRIT";
	case LOG_ERR:
		return "ERR";
	case LOG_WARNING:
		return "WARN";
	case LOG_NOTICE:
	case LOG_INFO:
		return "INFO";
	default:
		return "DBG";
	}
}

static void
log_emit(int prio, const char *token, const char *msg)
{
	char line[2048];
	struct timespec ts;
	struct tm tm;
	char stamp[32];

	snprintf(line, sizeof(line), "[%s] %s", token ? token : "-", msg);
	if (log_cb != NULL) {
		log_cb(prio, line);
		return;
	}
	if (log_use_syslog) {
		syslog(prio, "%s", line);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(stderr, "%s.%03ld %-4s %s\n", stamp, ts.tv_nsec / 1000000,
		log_prio_name(prio), line);
}

void
log_vprio(int prio, const char *token, const char *fmt, va_list ap)
{
	char msg[1536];
	int saved = errno;

	if (log_wanted(prio, token)) {
		vsnprintf(msg, sizeof(msg), fmt, ap);
		log_emit(prio, token, msg);
	}
	errno = saved;
}

void
log_prio(int prio, const char *token, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vprio(prio, token, fmt, ap);
	va_end(ap);
}

static void log_vwarn_errno(int prio, const char *token, const char *fmt,
			    va_list ap) __attribute__((format(printf, 3, 0)));

static void
log_vwarn_errno(int prio, const char *token, const char *fmt, va_list ap)
{
	char msg[1536];
	int saved = errno;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	log_prio(prio, token, "%s: %s", msg, strerror(saved));
	errno = saved;
}

void
log_warn(const char *token, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwarn_errno(LOG_WARNING, token, fmt, ap);
	va_end(ap);
}

void
log_warnx(const char *token, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vprio(LOG_WARNING, token, fmt, ap);
	va_end(ap);
}

void
log_info(const char *token, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vprio(LOG_INFO, token, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *token, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vprio(LOG_DEBUG, token, fmt, ap);
	va_end(ap);
}

void
fatal(const char *token, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwarn_errno(LOG_CRIT, token, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *token, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vprio(LOG_CRIT, token, fmt, ap);
	va_end(ap);
	exit(1);
}
