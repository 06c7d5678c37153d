#!/bin/sh
# SPDX-License-Identifier: ISC
# Run gwagentd under valgrind memcheck in one representative lab scenario
# (register, SETs, RowStatus, gwIniLine, INI uploads, snmpd and Kamailio
# restarts, SIGHUP, SIGTERM) and print TAP: one test point, failing on any
# memcheck error or definite/indirect leak.
#   tools/valgrind.sh
# valgrind cannot run a sanitizer build, so this builds its own plain one
# in _build/valgrind (CFLAGS=-O1 -g) and runs the valgrind case of
# tests/integration/test_reliability.py with GW_PLAIN_BUILDDIR pointing at
# it.  Environment: VALGRIND_BUILDDIR (default _build/valgrind),
# VALGRIND_BUILD=0 to use the build directory as it is.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
bd=${VALGRIND_BUILDDIR:-$top/_build/valgrind}
case=valgrind_world_scenario_no_leaks_no_invalid_accesses

build() {
	mkdir -p "$bd" || return 1
	if [ ! -x "$top/configure" ]; then
		(cd "$top" && autoreconf -fi) >"$bd/autoreconf.log" 2>&1 ||
			{ tail -20 "$bd/autoreconf.log"; return 1; }
	fi
	if [ ! -f "$bd/Makefile" ]; then
		(cd "$bd" && "$top/configure" CFLAGS="-O1 -g") \
			>"$bd/configure.log" 2>&1 ||
			{ tail -20 "$bd/configure.log"; return 1; }
	fi
	make -C "$bd" -j"$(nproc)" >"$bd/build.log" 2>&1 ||
		{ tail -40 "$bd/build.log"; return 1; }
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

cd "$top" &&
	GW_PLAIN_BUILDDIR=$bd top_builddir=$bd PYTHONPATH=$top/tests \
		exec python3 tests/integration/test_reliability.py "$case"
