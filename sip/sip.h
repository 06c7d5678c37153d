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

#endif
