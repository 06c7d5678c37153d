/* SPDX-License-Identifier: ISC */
/* agent/iniline.c: the one-line parser of gwIniLine. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "agent/gwagent.h"
#include "tests/unit/gwtest.h"

static int
parse(const char *line, char *err, size_t errlen)
{
	struct ini_doc *doc = NULL;
	int rc = agent_iniline_parse(line, strlen(line), &doc, err, errlen);

	if (rc == 0)
		ck_assert_ptr_nonnull(doc);
	else
		ck_assert_ptr_null(doc);
	ini_doc_destroy(doc);
	return rc;
}

START_TEST(test_accepts_one_scalar_or_row)
{
	struct ini_doc *doc = NULL;
	struct ini_conf *next = NULL;
	struct ini_diags *d;
	const char *user;
	const char *row = "Account 4 = -1, -1, -1, \"erin\", \"erin-pw\", "
			  "\"h.example\", 1, \"erin\", 0;";
	char err[160];

	ck_assert_int_eq(parse("RegistrationTime = 900", err, sizeof(err)), 0);
	ck_assert_int_eq(parse("  registrationtime=900  ", err, sizeof(err)),
			 0);
	ck_assert_int_eq(parse("Password = 'p;w'", err, sizeof(err)), 0);
	/* a row is applied in the catalog's column order */
	ck_assert_int_eq(
		agent_iniline_parse(row, strlen(row), &doc, err, sizeof(err)),
		0);
	ck_assert_int_eq(ini_diags_create(&d), 0);
	ck_assert_int_eq(ini_conf_apply(NULL, doc, INI_APPLY_INCREMENTAL, &next,
					NULL, d),
			 0);
	ck_assert(ini_conf_row_exists(next, INI_TABLE_ACCOUNT, 4));
	ck_assert_int_eq(
		ini_conf_row_get_str(next, INI_P_ACCOUNT_USERNAME, 4, &user),
		0);
	ck_assert_str_eq(user, "erin");
	ck_assert_int_eq(
		ini_conf_row_get_str(next, INI_P_ACCOUNT_HOST_NAME, 4, &user),
		0);
	ck_assert_str_eq(user, "h.example");
	ini_conf_destroy(next);
	ini_doc_destroy(doc);
	ini_diags_destroy(d);
}
END_TEST

START_TEST(test_refuses_everything_else)
{
	static const struct {
		const char *line, *why;
	} bad[] = {
		{ "", "empty line" },
		{ "A = 1\nB = 2", "CR or LF" },
		{ "RegistrationTime = 900\r", "CR or LF" },
		{ "RegistrationTime = 900\n", "CR or LF" },
		{ "[ SIP Params ]", "headers" },
		{ "[ Account ]", "headers" },
		{ "[ \\Account ]", "headers" },
		{ "FORMAT Account_Index = Account_Username;", "FORMAT" },
		{ "; Account 1 = 1;", "comment" },
		{ "   ", "not a" },
		{ "NoSuchThing = 1", "unknown parameter 'NoSuchThing'" },
		{ "Account_Username = 'x'", "unknown parameter" },
		{ "Nope 1 = 1, 2;", "unknown table 'Nope'" },
		{ "Account 1 = \"alice\";", "9 values" },
		{ "RegistrationTime", "" },
	};
	char err[160];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		ck_assert_msg(parse(bad[i].line, err, sizeof(err)) == -EINVAL,
			      "accepted [%s]", bad[i].line);
		ck_assert_msg(err[0] != '\0', "no reason for [%s]",
			      bad[i].line);
		ck_assert_msg(strstr(err, bad[i].why) != NULL,
			      "[%s]: reason '%s' lacks '%s'", bad[i].line, err,
			      bad[i].why);
	}
	ck_assert_int_eq(agent_iniline_parse(NULL, 0, NULL, err, sizeof(err)),
			 -EINVAL);
}
END_TEST

/* The reason never repeats a value (a password). */
START_TEST(test_reason_has_no_value)
{
	char err[160];

	ck_assert_int_eq(
		parse("Account 1 = \"u\", \"s3cret\";", err, sizeof(err)),
		-EINVAL);
	ck_assert_ptr_null(strstr(err, "s3cret"));
}
END_TEST

static Suite *
iniline_suite(void)
{
	Suite *s = suite_create("agent_iniline");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_accepts_one_scalar_or_row);
	tcase_add_test(tc, test_refuses_everything_else);
	tcase_add_test(tc, test_reason_has_no_value);
	suite_add_tcase(s, tc);
	return s;
}

GWTEST_MAIN(iniline_suite)
