#!/bin/sh
# SPDX-License-Identifier: ISC
# The Debian package, end to end, as one TAP stream (what CI runs through
# tests/run --extra-tap):
#   tools/deb.sh
# builds gwagent_*.deb with dpkg-buildpackage in a copy of the tree (the
# checkout is left as it was), runs lintian (no errors), installs it,
# checks what it installed (files, the settings file, user, group,
# /var/lib/gwagent), runs the installed gwagentd -n and gwagent-ini check
# as the user gwagent, scores the installed unit with systemd-analyze
# security (exposure 2.0 or lower), then purges it and checks that user,
# group and files are gone.
# Installing needs root; a gwagent package installed before the run is
# left alone (those points are skipped).  Environment: DEB_WORKDIR (the
# build copy, default a fresh mktemp -d, removed afterwards).
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
n=0
failed=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); failed=1; echo "not ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
diag() { sed 's/^/# /'; }
# check NAME command...: one test point, the command's output as diagnostics
check() {
	name=$1
	shift
	if out=$("$@" 2>&1); then
		ok "$name"
	else
		notok "$name"
		printf '%s\n' "$out" | tail -30 | diag
	fi
}

work=${DEB_WORKDIR:-$(mktemp -d "${TMPDIR:-/tmp}/gwagent-deb.XXXXXX")}
installed_before=0
dpkg-query -W -f '${Status}' gwagent 2>/dev/null | grep -q ' installed$' &&
	installed_before=1
we_installed=0

cleanup() {
	if [ "$we_installed" = 1 ]; then
		dpkg --purge gwagent >/dev/null 2>&1
	fi
	[ -z "${DEB_WORKDIR:-}" ] && rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# 1. The package, built in a copy holding the checkout's files (tracked
# and untracked, not ignored), so that nothing lands in the tree.
build() {
	ver=$(sed -n '1s/^gwagent (\([^)]*\)).*/\1/p' "$top/debian/changelog")
	src=$work/gwagent-${ver%-*}
	mkdir -p "$src" || return 1
	(cd "$top" && git ls-files -z -co --exclude-standard |
		tar --null -T - --ignore-failed-read -cf -) |
		(cd "$src" && tar -xf -) || return 1
	(cd "$src" && DEB_BUILD_OPTIONS="nocheck parallel=2" \
		dpkg-buildpackage -us -uc -b) >"$work/build.log" 2>&1 ||
		{ tail -40 "$work/build.log"; return 1; }
	deb=$(ls "$work"/gwagent_*.deb 2>/dev/null | head -1)
	[ -n "$deb" ] || { echo "no gwagent_*.deb in $work"; return 1; }
}
deb=
if ! command -v dpkg-buildpackage >/dev/null || ! command -v dh >/dev/null; then
	skip "dpkg-buildpackage builds gwagent_*.deb" "no dpkg-dev/debhelper"
elif ! git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
	skip "dpkg-buildpackage builds gwagent_*.deb" "not a git checkout"
else
	check "dpkg-buildpackage builds gwagent_*.deb" build
	deb=$(ls "$work"/gwagent_*.deb 2>/dev/null | head -1)
fi

# 2. lintian: no error; its warnings as diagnostics.
if [ -z "$deb" ] || ! command -v lintian >/dev/null; then
	skip "lintian reports no error" "no package or no lintian"
else
	lintian --no-cfg "$work"/gwagent_*.changes >"$work/lintian.log" 2>&1
	if grep -q '^E: ' "$work/lintian.log"; then
		notok "lintian reports no error"
	else
		ok "lintian reports no error"
	fi
	diag <"$work/lintian.log"
fi

# 3-9 install it on this machine.
why=
if [ -z "$deb" ]; then
	why="no package"
elif [ "$(id -u)" -ne 0 ]; then
	why="installing needs root"
elif [ "$installed_before" = 1 ]; then
	why="gwagent was installed before: not touching it"
elif getent passwd gwagent >/dev/null || getent group gwagent >/dev/null; then
	why="a user or group gwagent exists without the package"
fi
if [ -n "$why" ]; then
	skip "install, check and purge the package" "$why"
	echo "1..$n"
	exit "$failed"
fi

install_deb() {
	DEBIAN_FRONTEND=noninteractive dpkg -i "$deb" ||
		DEBIAN_FRONTEND=noninteractive apt-get -f install -y \
			--no-install-recommends
	dpkg-query -W -f '${Status}\n' gwagent | grep -q ' installed$'
}
we_installed=1 # from here on, the EXIT trap purges it
check "dpkg -i installs it" install_deb

# mode owner group of a path, as stat prints them
perms() { stat -c '%a %U %G' "$1"; }
expect_perms() { # path mode owner group
	got=$(perms "$1") || return 1
	[ "$got" = "$2 $3 $4" ] || { echo "$1: $got, want $2 $3 $4"; return 1; }
}

files() {
	rc=0
	for f in /usr/sbin/gwagentd /usr/bin/gwagent-ini /usr/bin/gwagentctl \
		/usr/share/snmp/mibs/GWAGENT-MIB.txt \
		/usr/share/snmp/mibs/SNMPv2-SMI.txt \
		/usr/share/snmp/mibs/SNMPv2-TC.txt \
		/usr/share/snmp/mibs/SNMPv2-CONF.txt \
		/usr/share/man/man8/gwagentd.8.gz \
		/usr/share/man/man5/gwagent.ini.5.gz \
		/usr/share/man/man1/gwagent-ini.1.gz \
		/usr/share/man/man8/gwagentctl.8.gz \
		/usr/share/gwagent/snmptt/gwagent.snmptt.conf \
		/usr/share/gwagent/zabbix/gwagent_template.yaml \
		/usr/share/gwagent/snmp_exporter/snmp.yml \
		/usr/share/snmp/mibs/SNMP-FRAMEWORK-MIB.txt \
		/usr/share/snmp/mibs/INET-ADDRESS-MIB.txt \
		/lib/systemd/system/gwagentd.service \
		/etc/gwagent/gwagentd.conf /var/lib/gwagent/gateway.ini; do
		[ -f "$f" ] || { echo "missing $f"; rc=1; }
	done
	dpkg-query -W -f '${Conffiles}\n' gwagent |
		grep -q '^ */etc/gwagent/gwagentd.conf ' ||
		{ echo "/etc/gwagent/gwagentd.conf is no conffile"; rc=1; }
	return $rc
}
check "it installs the programs, MIBs, manuals, unit and settings" files

account() {
	getent group gwagent || { echo "no group gwagent"; return 1; }
	getent passwd gwagent || { echo "no user gwagent"; return 1; }
	[ "$(id -gn gwagent)" = gwagent ] || { echo "wrong group"; return 1; }
	uid=$(id -u gwagent)
	[ "$uid" -gt 0 ] && [ "$uid" -lt 1000 ] ||
		{ echo "uid $uid is no system uid"; return 1; }
	expect_perms /var/lib/gwagent 700 gwagent gwagent &&
		expect_perms /var/lib/gwagent/ini 700 gwagent gwagent &&
		expect_perms /var/lib/gwagent/gateway.ini 600 gwagent gwagent &&
		expect_perms /etc/gwagent 750 root gwagent &&
		expect_perms /etc/gwagent/gwagentd.conf 600 gwagent gwagent
}
check "system user and group gwagent own /var/lib/gwagent and the settings" account

# As the unit runs it: the user gwagent, no root at all.
check "gwagentd -n -c /etc/gwagent/gwagentd.conf as gwagent" \
	runuser -u gwagent -- /usr/sbin/gwagentd -n -c /etc/gwagent/gwagentd.conf
check "gwagent-ini check on the example gateway INI" \
	runuser -u gwagent -- /usr/bin/gwagent-ini check /var/lib/gwagent/gateway.ini
check "gwagentctl --version" /usr/bin/gwagentctl --version

security() {
	out=$(systemd-analyze security --offline=true \
		/lib/systemd/system/gwagentd.service 2>&1) || { echo "$out"; return 1; }
	level=$(printf '%s\n' "$out" | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
	echo "exposure $level"
	[ -n "$level" ] && awk -v l="$level" 'BEGIN { exit !(l <= 2.0) }' ||
		{ printf '%s\n' "$out" | grep -E '✗|Overall'; return 1; }
}
if command -v systemd-analyze >/dev/null; then
	check "systemd-analyze security: exposure 2.0 or lower" security
	security 2>&1 | head -1 | diag
else
	skip "systemd-analyze security: exposure 2.0 or lower" "no systemd-analyze"
fi

purge() {
	DEBIAN_FRONTEND=noninteractive dpkg --purge gwagent || return 1
	rc=0
	getent passwd gwagent && { echo "user gwagent left"; rc=1; }
	getent group gwagent && { echo "group gwagent left"; rc=1; }
	for f in /var/lib/gwagent /etc/gwagent /usr/sbin/gwagentd \
		/usr/bin/gwagent-ini /usr/bin/gwagentctl \
		/lib/systemd/system/gwagentd.service \
		/usr/share/snmp/mibs/GWAGENT-MIB.txt; do
		[ -e "$f" ] && { echo "$f left"; rc=1; }
	done
	return $rc
}
check "dpkg --purge removes user, group and files" purge
# the plan comes last (TAP allows it): it is the count of points run
echo "1..$n"
exit "$failed"
