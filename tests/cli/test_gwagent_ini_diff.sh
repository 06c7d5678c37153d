#!/bin/sh
# SPDX-License-Identifier: ISC
# TAP: gwagent-ini diff OLD NEW prints the effect gwagentd's dry run gives
# (summary with the binding counts, then one line per change), never a
# password, and exits 0 (same), 1 (different) or 2 (a file has errors).
# check and dump keep working from the tool's new home in agent/.
top_builddir=${top_builddir:-$(cd "$(dirname "$0")/../.." && pwd)}
tool="$top_builddir/agent/gwagent-ini"
echo "1..12"
if [ ! -x "$tool" ]; then
	for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
		echo "not ok $i - gwagent-ini is not built ($tool)"
	done
	exit 0
fi
dir=$(mktemp -d "${TMPDIR:-/tmp}/gwdiff.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT INT TERM

cat >"$dir/old.ini" <<'INI'
IsRegisterNeeded = 1
IsProxyUsed = 1
UserName = 'gw'
Password = 'Dq7-gw-SECRET'
RegistrationTime = 60
[ ProxyIp ]
FORMAT ProxyIp_Index = ProxyIp_IpAddress, ProxyIp_ProxySetId;
ProxyIp 0 = "127.0.0.1:5999", 0;
[ \ProxyIp ]
[ IPGroup ]
FORMAT IPGroup_Index = IPGroup_ProxySetId, IPGroup_SIPGroupName;
IPGroup 1 = 0, "pbx.test";
[ \IPGroup ]
[ Account ]
FORMAT Account_Index = Account_ServedIPGroup, Account_ServingIPGroup, Account_Username, Account_Password, Account_Register, Account_ContactUser;
Account 3 = 1, 1, "alice", "Dq7-alice-SECRET", 1, "alice";
Account 10 = 1, 1, "bob", "Dq7-bob-SECRET", 1, "bob";
[ \Account ]
INI
# alice's password changes, bob goes, carol comes, the timer changes
sed -e 's/Dq7-alice-SECRET/Dq7-alice-NEW-SECRET/' \
	-e 's/^Account 10 = .*$/Account 11 = 1, 1, "carol", "Dq7-carol-SECRET", 1, "carol";/' \
	-e 's/RegistrationTime = 60/RegistrationTime = 300/' \
	"$dir/old.ini" >"$dir/new.ini"
printf 'RegistrationTime = 300\r\n' >"$dir/one.ini"
printf 'RegistrationTime = 1\r\n' >"$dir/bad.ini"

n=0
ok() { # cond description
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi
}

"$tool" diff "$dir/old.ini" "$dir/new.ini" >"$dir/out" 2>"$dir/err"
rc=$?
ok "$([ $rc = 1 ]; echo $?)" "diff of two different files exits 1 (got $rc)"
cat >"$dir/want" <<'OUT'
would add 1, remove 1, re-register 2 bindings; 20 parameters change
RegistrationTime changed: 60 -> 300
Account 3 Password changed
Account 10 removed
Account 11 added
OUT
cmp -s "$dir/want" "$dir/out"
ok $? "diff prints the summary and every change"
[ "$(cat "$dir/out")" != "" ] && ! grep -q SECRET "$dir/out" "$dir/err"
ok $? "no password value in the output"

"$tool" diff "$dir/old.ini" "$dir/old.ini" >"$dir/out" 2>&1
rc=$?
ok "$([ $rc = 0 ]; echo $?)" "a file against itself exits 0 (got $rc)"
[ "$(cat "$dir/out")" = "would add 0, remove 0, re-register 0 bindings; 0 parameters change" ]
ok $? "and says nothing changes"

"$tool" diff "$dir/old.ini" "$dir/one.ini" >"$dir/out" 2>&1
[ "$(head -n 1 "$dir/out")" = "would add 0, remove 3, re-register 0 bindings; 39 parameters change" ]
ok $? "a one-line full file removes every binding"

"$tool" diff --incremental "$dir/old.ini" "$dir/one.ini" >"$dir/out" 2>&1
printf 'would add 0, remove 0, re-register 3 bindings; 1 parameter change\nRegistrationTime changed: 60 -> 300\n' >"$dir/want"
cmp -s "$dir/want" "$dir/out"
ok $? "the same file incremental re-registers the three bindings"

"$tool" diff "$dir/old.ini" "$dir/bad.ini" >"$dir/out" 2>"$dir/err"
rc=$?
ok "$([ $rc = 2 ] && [ ! -s "$dir/out" ]; echo $?)" "a NEW with errors exits 2, prints nothing (got $rc)"
grep -q "bad.ini:1: error: RegistrationTime: 1 is out of range" "$dir/err"
ok $? "and its diagnostic names FILE:LINE"

"$tool" diff "$dir/missing.ini" "$dir/old.ini" >/dev/null 2>&1
rc=$?
ok "$([ $rc = 2 ]; echo $?)" "an unreadable OLD exits 2 (got $rc)"

"$tool" check "$dir/old.ini" >/dev/null 2>&1
rc=$?
ok "$([ $rc = 0 ]; echo $?)" "check still works (got $rc)"
"$tool" dump "$dir/old.ini" 2>/dev/null | grep -q '^Account 10 = '
ok $? "dump still works"
