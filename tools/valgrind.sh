#!/bin/sh
# SPDX-License-Identifier: ISC
# The integration suites with every gwagentd under valgrind memcheck, as
# one TAP stream (what CI runs through tests/run --extra-tap):
#   tools/valgrind.sh
# 1. the valgrind case of tests/integration/test_reliability.py (register,
#    SETs, RowStatus, gwIniLine, uploads, snmpd and Kamailio restarts,
#    SIGHUP, SIGTERM; it checks its own logs);
# 2. tests/integration/test_agent_snmp.py and the fault cases of
#    test_reliability.py with GW_VALGRIND=1: their own test points, then one
#    point per suite that fails on any memcheck error, invalid access or
#    definite/indirect leak in any gwagentd they started.
# valgrind cannot run a sanitizer build, so this builds its own plain one
# in _build/valgrind (CFLAGS=-O1 -g).  Environment: VALGRIND_BUILDDIR
# (default _build/valgrind), VALGRIND_BUILD=0 to use the build directory as
# it is.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
bd=${VALGRIND_BUILDDIR:-$top/_build/valgrind}
case=valgrind_world_scenario_no_leaks_no_invalid_accesses

. "$top/tools/build.sh"
build() {
	gw_build "$bd" CFLAGS="-O1 -g"
}

log=${TMPDIR:-/tmp}/valgrind-build.$$
if [ "${VALGRIND_BUILD:-1}" != 0 ] && ! build >"$log" 2>&1; then
	echo "1..1"
	echo "not ok 1 - $case # the plain build in $bd failed"
	sed 's/^/# /' <"$log"
	rm -f "$log"
	exit 1
fi
rm -f "$log"
if grep -q '^[A-Z_]*FLAGS = .*-fsanitize' "$bd/Makefile" 2>/dev/null; then
	echo "1..1"
	echo "not ok 1 - $case # $bd is a sanitizer build: valgrind needs a plain one"
	exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/gwagent-valgrind.XXXXXX")
trap 'rm -rf "$work"' EXIT
n=0
failed=0
# Run a TAP producer and renumber its points into the one stream (the plan
# comes last).
emit() {
	"$@" >"$work/out" 2>&1 || failed=1
	awk -v n="$n" -v out="$work/points" '
		/^1\.\.[0-9]+/ { next }
		/^(not )?ok( |$)/ {
			n++
			sub(/^ok( [0-9]+)?/, "ok " n) || sub(/^not ok( [0-9]+)?/, "not ok " n)
		}
		{ print }
		END { print n > out }' "$work/out"
	n=$(cat "$work/points")
}
suite() { # label, then the script and its arguments
	label=$1
	shift
	logs=$work/logs-$label
	mkdir -p "$logs"
	emit env GW_VALGRIND=1 GW_VALGRIND_LOGDIR="$logs" top_builddir="$bd" \
		PYTHONPATH="$top/tests" python3 "$@"
	emit env PYTHONPATH="$top/tests" python3 -m lab.memcheck "$logs" "$label"
}

cd "$top" || exit 1
emit env GW_PLAIN_BUILDDIR="$bd" top_builddir="$bd" PYTHONPATH="$top/tests" \
	python3 tests/integration/test_reliability.py "$case"
suite test_agent_snmp tests/integration/test_agent_snmp.py
suite test_reliability tests/integration/test_reliability.py \
	snmpd_killed_and_restarted_five_times \
	kamailio_restart_all_bindings_reregistered \
	ini_upload_unreadable_truncated_or_garbage_changes_nothing \
	ini_upload_from_a_fifo_does_not_hang_the_daemon \
	secrets_never_leak_and_files_holding_them_are_0600 \
	registrar_silent_then_back_notifies_and_clears
echo "1..$n"
exit $failed
