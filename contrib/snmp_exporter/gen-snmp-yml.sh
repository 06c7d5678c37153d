#!/bin/sh
# SPDX-License-Identifier: ISC
# Regenerate contrib/snmp_exporter/snmp.yml from generator.yml and the
# tree's MIBs with Debian's prometheus-snmp-generator; writes to $1
# (default: snmp.yml beside this script).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=${1:-$here/snmp.yml}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
cp "$here/generator.yml" "$tmp/generator.yml"
(cd "$tmp" && HOME="$tmp" MIBDIRS="$top/mibs:$top/mibs/ietf:$top/mibs/netsnmp" \
	prometheus-snmp-generator --fail-on-parse-errors generate >"$tmp/log" 2>&1) || {
	cat "$tmp/log" >&2
	exit 1
}
{
	echo "# GENERATED from contrib/snmp_exporter/generator.yml and GWAGENT-MIB by"
	echo "# contrib/snmp_exporter/gen-snmp-yml.sh: do not edit, regenerate."
	cat "$tmp/snmp.yml"
} >"$out"
