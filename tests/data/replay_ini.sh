#!/bin/sh
# SPDX-License-Identifier: ISC
# The INI samples of tests/data/ini/ (the ini unit tests' files) through the
# fuzz_ini target, as tests/fuzz/replay_ini replays its seed corpus: each
# file once, in its own process, one TAP test point each.  They are the
# ini target's seeds too (tools/fuzz.sh copies them in at run time), kept
# here once rather than a second copy in tests/fuzz/corpus/ini/.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
replay=$top_builddir/tests/fuzz/replay_ini
if [ ! -x "$replay" ]; then
	echo "1..1"
	echo "not ok 1 - $replay is not built (make check builds it)"
	exit 1
fi
exec "$replay" "$top_srcdir"/tests/data/ini/*.ini
