/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "agent/core/log.h"
#include "tests/unit/gwtest.h"

static char last[2048];
static int last_prio;
static int count;

static void
capture(int prio, const char *msg)
{
	snprintf(last, sizeof(last), "%s", msg);
	last_prio = prio;
	count++;
}

static void
setup(void)
{
	log_init(0, 0, "test");
	log_register(capture);
	last[0] = '\0';
	count = 0;
}

static void
teardown(void)
{
	log_register(NULL);
}

START_TEST(test_warn_appends_errno)
{
	errno = ENOENT;
	log_warn("config", "open %s", "x.ini");
	ck_assert_str_eq(last,
			 "[config] open x.ini: No such file or directory");
	ck_assert_int_eq(last_prio, LOG_WARNING);
	ck_assert_int_eq(errno, ENOENT); /* preserved */
	log_warnx("config", "plain %d", 3);
	ck_assert_str_eq(last, "[config] plain 3");
}
END_TEST

START_TEST(test_levels)
{
	log_level(0);
	log_info("main", "hidden");
	log_debug("main", "hidden");
	ck_assert_int_eq(count, 0);
	log_level(1);
	log_info("main", "shown");
	ck_assert_str_eq(last, "[main] shown");
	log_debug("main", "hidden");
	ck_assert_int_eq(count, 1);
	log_level(2);
	log_debug("sip", "dbg");
	ck_assert_str_eq(last, "[sip] dbg");
	ck_assert_int_eq(last_prio, LOG_DEBUG);
}
END_TEST

START_TEST(test_token_filter)
{
	log_level(2);
	log_accept("snmp");
	log_debug("sip", "filtered out");
	ck_assert_int_eq(count, 0);
	log_debug("SNMP", "kept");
	ck_assert_str_eq(last, "[SNMP] kept");
	log_warnx("sip", "warnings are never filtered");
	ck_assert_int_eq(count, 2);
}
END_TEST

START_TEST(test_long_message_truncated)
{
	char big[4000];

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	log_warnx("main", "%s", big);
	ck_assert_int_gt(strlen(last), 1000);
	ck_assert_int_lt(strlen(last), sizeof(last));
}
END_TEST

static Suite *
log_suite(void)
{
	Suite *s = suite_create("agent_log");
	TCase *tc = tcase_create("log");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_warn_appends_errno);
	tcase_add_test(tc, test_levels);
	tcase_add_test(tc, test_token_filter);
	tcase_add_test(tc, test_long_message_truncated);
	suite_add_tcase(s, tc);
	return s;
}

GWTEST_MAIN(log_suite)
