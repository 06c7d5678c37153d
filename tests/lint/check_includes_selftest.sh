#!/bin/sh
# SPDX-License-Identifier: ISC
# TAP: check_includes.py fails on a tree that breaks each of its rules
# (an arrow from the core to the MIB, Net-SNMP outside the glue, a circle
# of headers) and passes on the same tree without them.
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
chk="$top/tests/lint/check_includes.py"
t=$(mktemp -d) || exit 1
trap 'rm -rf "$t"' EXIT
mkdir -p "$t/ini" "$t/sip" "$t/agent/core" "$t/agent/mib" "$t/agent/snmp"
good() {
	printf '#include "ini/ini.h"\n' >"$t/agent/core/a.c"
	printf '#include "agent/core/a.h"\n' >"$t/agent/mib/m.c"
	printf '#include "agent/core/b.h"\n' >"$t/agent/core/a.h"
	printf '\n' >"$t/agent/core/b.h"
	printf '#include <net-snmp/net-snmp-config.h>\n' >"$t/agent/snmp/s.c"
	printf '\n' >"$t/ini/ini.h"
}
run() { # n name expected-failing-point
	out=$(python3 "$chk" "$t")
	if [ -z "$3" ]; then
		if printf '%s\n' "$out" | grep -q '^not ok'; then
			echo "not ok $1 - $2"
			printf '%s\n' "$out" | sed 's/^/# /'
		else
			echo "ok $1 - $2"
		fi
	elif printf '%s\n' "$out" | grep -q "^not ok $3 "; then
		echo "ok $1 - $2"
	else
		echo "not ok $1 - $2"
		printf '%s\n' "$out" | sed 's/^/# /'
	fi
}
echo "1..4"
good
run 1 "a clean tree passes" ""
good
printf '#include "agent/mib/mib.h"\n' >>"$t/agent/core/a.c"
run 2 "the core including the MIB fails" 1
good
printf '#include <net-snmp/agent/net-snmp-agent-includes.h>\n' >>"$t/agent/mib/m.c"
run 3 "Net-SNMP in the MIB model fails" 2
good
printf '#include "agent/core/a.h"\n' >"$t/agent/core/b.h"
run 4 "a circle of headers fails" 3
