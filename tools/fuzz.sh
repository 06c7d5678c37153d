#!/bin/sh
# SPDX-License-Identifier: ISC
# Build the libFuzzer targets and run each for a bounded time:
#   tools/fuzz.sh SECONDS [target...]     (targets: ini digest snmp_value ...;
#                                          default: every tests/fuzz/fuzz_*.c)
# Builds _build/fuzz (CC=clang, --enable-fuzzer --enable-sanitizers), runs each
# target on a copy of tests/fuzz/corpus/<target>/ (for ini, plus the INI
# samples of tests/data/ini/) plus the fixed regression
# inputs of tests/fuzz/regress/<target>/ (new inputs go to a temporary
# directory, never into the tree) and prints TAP, one test point per target
# with libFuzzer's final figures.  On a crash, leak or timeout it prints the
# reproducer's path and the trace, keeps the temporary directory, and exits 1.
# Environment: FUZZ_BUILDDIR (default _build/fuzz), FUZZ_CC (clang),
# FUZZ_BUILD=0 to skip the build, FUZZ_KEEP=1 to keep every work directory.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -lt 1 ] || ! [ "$1" -gt 0 ] 2>/dev/null; then
	echo "usage: $0 SECONDS [target...]" >&2
	exit 2
fi
secs=$1
shift
bd=${FUZZ_BUILDDIR:-$top/_build/fuzz}
if [ $# -gt 0 ]; then
	targets=$*
else
	targets=$(cd "$top/tests/fuzz" && ls fuzz_*.c | sed 's/^fuzz_//; s/\.c$//')
fi

n=$(echo $targets | wc -w)
echo "1..$n"

diag() { sed 's/^/# /'; }

. "$top/tools/build.sh"
build() {
	gw_build -t fuzz "$bd" CC="${FUZZ_CC:-clang}" --enable-fuzzer \
		--enable-sanitizers --enable-werror --disable-integration
}

if [ "${FUZZ_BUILD:-1}" != 0 ] && ! build >"${TMPDIR:-/tmp}/fuzz-build.$$" 2>&1; then
	i=0
	for t in $targets; do
		i=$((i + 1))
		echo "not ok $i - fuzz_$t # the fuzz build failed"
	done
	diag <"${TMPDIR:-/tmp}/fuzz-build.$$"
	rm -f "${TMPDIR:-/tmp}/fuzz-build.$$"
	exit 1
fi
rm -f "${TMPDIR:-/tmp}/fuzz-build.$$"

# The figures of libFuzzer's last status line and -print_final_stats.
figures() {
	log=$1
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
	rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -1)
	last=$(grep -E '^#[0-9]+' "$log" | tail -1)
	cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	corp=$(echo "$last" | sed -n 's/.* corp: \([0-9]*\).*/\1/p')
	echo "${execs:-?} execs (${rate:-?}/s), cov: ${cov:-?} ft: ${ft:-?}," \
		"corpus ${corp:-?}, rss ${rss:-?} MB, ${secs} s"
}

failed=0
i=0
for t in $targets; do
	i=$((i + 1))
	bin=$bd/tests/fuzz/fuzz_$t
	if [ ! -x "$bin" ]; then
		echo "not ok $i - fuzz_$t # no such target ($bin)"
		failed=1
		continue
	fi
	work=$(mktemp -d "${TMPDIR:-/tmp}/gwagent-fuzz-$t.XXXXXX")
	mkdir -p "$work/corpus"
	[ -d "$top/tests/fuzz/corpus/$t" ] &&
		cp "$top/tests/fuzz/corpus/$t"/* "$work/corpus/" 2>/dev/null
	# The INI samples of the unit tests seed the ini target; they live
	# once, in tests/data/ini (tests/data/replay_ini.sh replays them).
	[ "$t" = ini ] && cp "$top"/tests/data/ini/*.ini "$work/corpus/"
	if [ -d "$top/tests/fuzz/regress/$t" ]; then
		for f in "$top/tests/fuzz/regress/$t"/*; do
			case ${f##*/} in
			open-*) ;; # known and not fixed: would stop every run
			*) [ -f "$f" ] && cp "$f" "$work/corpus/" ;;
			esac
		done
	fi
	set -- -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 \
		-print_final_stats=1 -artifact_prefix="$work/"
	[ -f "$top/tests/fuzz/dict/$t.dict" ] &&
		set -- "$@" -dict="$top/tests/fuzz/dict/$t.dict"
	(cd "$work" && ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		timeout $((secs + 300)) "$bin" "$@" corpus >log 2>&1)
	rc=$?
	repro=$(ls "$work" | grep -E '^(crash|leak|timeout|oom|slow-unit)-' | head -1)
	if [ $rc -eq 0 ] && [ -z "$repro" ]; then
		echo "ok $i - fuzz_$t: $(figures "$work/log")"
		[ "${FUZZ_KEEP:-0}" = 1 ] && echo "# work directory: $work" ||
			rm -rf "$work"
		continue
	fi
	failed=1
	echo "not ok $i - fuzz_$t: finding after $(figures "$work/log") (exit $rc)"
	if [ -n "$repro" ]; then
		echo "reproducer: $work/$repro" | diag
		echo "replay: $bin $work/$repro" | diag
	else
		echo "no reproducer written; log: $work/log" | diag
	fi
	# The report: from the sanitizer's or libFuzzer's first error line,
	# without ASan's shadow memory dump.
	awk '/^==[0-9]+==|runtime error:|^INFO: libFuzzer: |ERROR: libFuzzer|^ALARM:/ {p=1}
	    /^Shadow byte/ {s=1} /==ABORTING/ {s=0} p && !s' "$work/log" |
		grep -v '^#[0-9]' | head -100 | diag
done
exit $failed
