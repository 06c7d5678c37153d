/* SPDX-License-Identifier: ISC */
/*
 * Replays a fuzz target's seed corpus and regression inputs without
 * libFuzzer, so that `make check` (gcc, ASan+UBSan in CI) keeps every past
 * finding fixed.  Linked with one tests/fuzz/fuzz_<name>.c and run as
 * tests/fuzz/replay_<name>: with no argument it reads
 * $top_srcdir/tests/fuzz/corpus/<name>/ and tests/fuzz/regress/<name>/;
 * otherwise the files and directories given.  Each input runs in its own
 * process and is one TAP test point.  A regression input named "open-*"
 * is a finding not fixed yet: its failure is reported as TODO.
 */
#include "config.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static unsigned ntests;
static int nfailed;

static int
read_file(const char *path, uint8_t **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL, *nb;
	size_t cap = 0, n = 0, r;

	if (f == NULL)
		return -1;
	do {
		if (n == cap) {
			cap = cap ? 2 * cap : 4096;
			if ((nb = realloc(buf, cap)) == NULL) {
				free(buf);
				fclose(f);
				return -1;
			}
			buf = nb;
		}
		r = fread(buf + n, 1, cap - n, f);
		n += r;
	} while (r > 0);
	fclose(f);
	*out = buf;
	*len = n;
	return 0;
}

/* Run one input in a child: 0 when it returned normally. */
static int
run_child(const char *path)
{
	uint8_t *buf;
	size_t len;
	pid_t pid;
	int st;

	fflush(stdout);
	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		if (read_file(path, &buf, &len) != 0)
			_exit(2);
		LLVMFuzzerTestOneInput(buf, len);
		free(buf);
		exit(0); /* not _exit(): LeakSanitizer checks at exit */
	}
	if (waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

static void
replay_file(const char *path)
{
	const char *base = strrchr(path, '/');
	int open_finding, rc;

	base = base != NULL ? base + 1 : path;
	open_finding = strncmp(base, "open-", 5) == 0;
	rc = run_child(path);
	ntests++;
	if (rc == 0)
		printf("ok %u - %s%s\n", ntests, path,
		       open_finding ? " # TODO open finding" : "");
	else if (open_finding)
		printf("not ok %u - %s # TODO open finding\n", ntests, path);
	else {
		printf("not ok %u - %s\n", ntests, path);
		nfailed = 1;
	}
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
replay_path(const char *path)
{
	struct dirent *de;
	struct stat st;
	char **names = NULL, **nn, *p;
	size_t n = 0, i;
	DIR *d;

	if (stat(path, &st) != 0)
		return; /* e.g. no regression input yet */
	if (!S_ISDIR(st.st_mode) || (d = opendir(path)) == NULL) {
		replay_file(path);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		nn = realloc(names, (n + 1) * sizeof(*names));
		p = malloc(strlen(path) + strlen(de->d_name) + 2);
		if (nn == NULL || p == NULL) {
			free(p);
			names = nn != NULL ? nn : names;
			break;
		}
		names = nn;
		sprintf(p, "%s/%s", path, de->d_name);
		names[n++] = p;
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof(*names), by_name);
	for (i = 0; i < n; i++) {
		replay_file(names[i]);
		free(names[i]);
	}
	free(names);
}

int
main(int argc, char **argv)
{
	const char *top = getenv("top_srcdir"), *name;
	char path[4096];
	int i;

	if (LLVMFuzzerInitialize != NULL)
		LLVMFuzzerInitialize(&argc, &argv);
	if (argc > 1) {
		for (i = 1; i < argc; i++)
			replay_path(argv[i]);
	} else {
		name = strrchr(argv[0], '/');
		name = name != NULL ? name + 1 : argv[0];
		if (strncmp(name, "replay_", 7) == 0)
			name += 7;
		if (top == NULL)
			top = ".";
		snprintf(path, sizeof(path), "%s/tests/fuzz/corpus/%s", top,
			 name);
		replay_path(path);
		snprintf(path, sizeof(path), "%s/tests/fuzz/regress/%s", top,
			 name);
		replay_path(path);
	}
	if (ntests == 0) {
		printf("not ok 1 - no input found\n");
		ntests = 1;
		nfailed = 1;
	}
	printf("1..%u\n", ntests);
	return nfailed;
}
