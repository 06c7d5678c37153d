/* SPDX-License-Identifier: ISC */
/* agent/core/iniline.c: the one-line parser of gwIniLine. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "agent/core/gwagent.h"
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

/* A row uses the FORMAT its table has in the document of record; the
 * columns it leaves out keep their value. */
START_TEST(test_row_in_the_records_format)
{
	const char *record =
		"; operator's file\r\n"
		"[ Account ]\r\n"
		"FORMAT Account_Index = Account_Username, Account_Password, "
		"Account_Register;\r\n"
		"Account 1 = \"alice\", \"a-pw\", 1;\r\n"
		"[ \\Account ]\r\n";
	const char *row = "Account 1 = \"alicia\", \"new-pw\", 0;";
	const char *full = "Account 1 = -1, -1, -1, \"x\", \"y\", \"\", 1, "
			   "\"x\", 0;";
	struct ini_doc *doc = NULL;
	struct ini_conf *cur = NULL, *next = NULL;
	struct ini_diags *d;
	const char *v;
	long reg = -1;
	char err[160];

	ck_assert_int_eq(ini_diags_create(&d), 0);
	ck_assert_int_eq(
		ini_doc_parse(record, strlen(record), "r.ini", &doc, d), 0);
	ck_assert_int_eq(
		ini_conf_apply(NULL, doc, INI_APPLY_FULL, &cur, NULL, d), 0);
	ini_doc_destroy(doc);
	ini_conf_row_set(cur, INI_P_ACCOUNT_HOST_NAME, 1, "h.example", err,
			 sizeof(err));
	/* three values, in the record's order */
	ck_assert_int_eq(agent_iniline_parse_in(row, strlen(row), record,
						strlen(record), &doc, err,
						sizeof(err)),
			 0);
	ck_assert_int_eq(
		ini_conf_apply(cur, doc, INI_APPLY_INCREMENTAL, &next, NULL, d),
		0);
	ini_conf_row_get_str(next, INI_P_ACCOUNT_USERNAME, 1, &v);
	ck_assert_str_eq(v, "alicia");
	ini_conf_row_get_int(next, INI_P_ACCOUNT_REGISTER, 1, &reg);
	ck_assert_int_eq(reg, 0);
	ini_conf_row_get_str(next, INI_P_ACCOUNT_HOST_NAME, 1, &v);
	ck_assert_str_eq(v, "h.example"); /* not in the FORMAT: kept */
	ini_conf_destroy(next);
	ini_doc_destroy(doc);
	/* the catalog's nine columns do not fit the record's FORMAT */
	doc = NULL;
	ck_assert_int_eq(agent_iniline_parse_in(full, strlen(full), record,
						strlen(record), &doc, err,
						sizeof(err)),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "3 values in the FORMAT of the "
					  "gateway INI"));
	/* a table the record has no block of: the catalog's order */
	ck_assert_int_eq(parse("ProxyIp 2 = \"127.0.0.1:5070\", 0, 1;", err,
			       sizeof(err)),
			 0);
	ck_assert_int_eq(
		agent_iniline_parse_in("ProxyIp 2 = \"127.0.0.1:5070\", 0, 1;",
				       35, record, strlen(record), &doc, err,
				       sizeof(err)),
		0);
	ini_doc_destroy(doc);
	ini_conf_destroy(cur);
	ini_diags_destroy(d);
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
	tcase_add_test(tc, test_row_in_the_records_format);
	tcase_add_test(tc, test_reason_has_no_value);
	suite_add_tcase(s, tc);
	return s;
}

GWTEST_MAIN(iniline_suite)
