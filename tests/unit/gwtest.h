/* SPDX-License-Identifier: ISC */
/*
 * Shared main() for the Check unit tests.  Every test binary reports in
 * TAP on stdout, so the automake harness counts test cases, and exits
 * non-zero when one failed.  A test file defines its suite and ends with
 * GWTEST_MAIN(suite_function).
 */
#ifndef GWTEST_H
#define GWTEST_H

#include <check.h>
#include <stdlib.h>

static inline int
gwtest_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_set_tap(sr, "-");
	srunner_run_all(sr, CK_SILENT);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#define GWTEST_MAIN(suitefn)                  \
	int main(void)                        \
	{                                     \
		return gwtest_run(suitefn()); \
	}

#endif
