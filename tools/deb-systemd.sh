#!/bin/sh
# SPDX-License-Identifier: ISC
# The Debian package under a real systemd, as one TAP stream (CI runs it
# after tools/deb.sh through tests/run --extra-tap):
#   tools/deb-systemd.sh
# boots a minimal Debian 12 (debootstrap --variant=minbase, systemd, the
# package's Depends and python3-minimal for a test registrar) with
# systemd-nspawn -b --private-network, and there, under systemd as PID 1,
# tools/deb-systemd/check.sh installs the .deb, starts gwagentd.service
# (Type=notify), checks it runs as gwagent with the unit's sandbox (no
# capability, NoNewPrivs, read-only /etc and /usr, no /home, private /tmp
# and /dev), drives it with gwagentctl as a member of group gwagent, stops
# it (the bindings unregister within TimeoutStopSec), checks
# Restart=on-failure and purges the package; then the container powers
# itself off.
# The package: $GWAGENT_DEB, else the gwagent_*.deb in $DEB_WORKDIR (what
# tools/deb.sh built there), else one built here with dpkg-buildpackage.
# The root file system is cached in $GWAGENT_NSPAWN_CACHE (default
# /var/cache/gwagent-ci/bookworm-systemd, rebuilt when the package list
# changes) and booted read-only under a tmpfs overlay (--volatile=overlay):
# the cache is never modified.  Needs root.  When this machine cannot boot
# systemd in a container (no systemd-nspawn or debootstrap, no mirror, no
# cgroup file system) it prints one skipped point and exits 0.
# Environment: GWAGENT_DEBIAN_MIRROR (default http://deb.debian.org/debian),
# GWAGENT_NSPAWN_TIMEOUT (seconds the container may run, default 300; then
# it is told to power off, and killed 15 s later).
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); failed=1; echo "not ok $n - $1"; }
diag() { sed 's/^/# /'; }
# skip_all REASON: the single point of a run that could not boot systemd
skip_all() {
	n=$((n + 1))
	echo "ok $n - gwagent.deb under systemd in systemd-nspawn # SKIP $1"
	echo "1..$n"
	exit "$failed"
}

cache=${GWAGENT_NSPAWN_CACHE:-/var/cache/gwagent-ci/bookworm-systemd}
mirror=${GWAGENT_DEBIAN_MIRROR:-http://deb.debian.org/debian}
limit=${GWAGENT_NSPAWN_TIMEOUT:-300}
work=$(mktemp -d "${TMPDIR:-/tmp}/gwagent-nspawn.XXXXXX") || exit 1
cg= # our cgroups (one per hierarchy nspawn uses), removed at exit
nspawn_pid=

# Every process left in our cgroups is one this run started (nspawn and
# the container's processes): kill those, by PID, then remove the cgroups.
kill_cgroups() {
	for c in $cg; do
		[ -d "$c" ] || continue
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			pids=$(find "$c" -name cgroup.procs -exec cat {} + 2>/dev/null)
			[ -z "$pids" ] && break
			# shellcheck disable=SC2086
			kill -KILL $pids 2>/dev/null
			sleep 0.5
		done
		find "$c" -depth -type d -exec rmdir {} \; 2>/dev/null
	done
}
cleanup() {
	if [ -n "$nspawn_pid" ] && kill -0 "$nspawn_pid" 2>/dev/null; then
		kill -KILL "$nspawn_pid" 2>/dev/null
	fi
	kill_cgroups
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

[ "$(id -u)" -eq 0 ] || skip_all "booting a container needs root"
for c in systemd-nspawn debootstrap dpkg-deb timeout flock; do
	command -v "$c" >/dev/null ||
		skip_all "no $c (apt-get install systemd-container debootstrap)"
done

# 1. The package.
deb=${GWAGENT_DEB:-}
if [ -z "$deb" ] && [ -n "${DEB_WORKDIR:-}" ]; then
	deb=$(ls "$DEB_WORKDIR"/gwagent_*.deb 2>/dev/null | head -1)
fi
build() {
	ver=$(sed -n '1s/^gwagent (\([^)]*\)).*/\1/p' "$top/debian/changelog")
	src=$work/build/gwagent-${ver%-*}
	mkdir -p "$src" || return 1
	(cd "$top" && git ls-files -z -co --exclude-standard |
		tar --null -T - --ignore-failed-read -cf -) |
		(cd "$src" && tar -xf -) || return 1
	(cd "$src" && DEB_BUILD_OPTIONS="nocheck parallel=2" \
		dpkg-buildpackage -us -uc -b) >"$work/build.log" 2>&1 ||
		{ tail -40 "$work/build.log"; return 1; }
	ls "$work"/build/gwagent_*.deb >/dev/null 2>&1
}
if [ -z "$deb" ]; then
	if ! command -v dpkg-buildpackage >/dev/null; then
		skip_all "no package given and no dpkg-buildpackage"
	elif out=$(build 2>&1); then
		ok "dpkg-buildpackage builds gwagent_*.deb"
		deb=$(ls "$work"/build/gwagent_*.deb | head -1)
	else
		notok "dpkg-buildpackage builds gwagent_*.deb"
		printf '%s\n' "$out" | diag
		echo "1..$n"
		exit 1
	fi
fi
if [ ! -f "$deb" ]; then
	notok "the package $deb exists"
	echo "1..$n"
	exit 1
fi

# 2. The root file system: minbase, systemd, dbus, the package's Depends
# (first of each alternative, versions dropped), python3-minimal.
deps=$(dpkg-deb -f "$deb" Depends | tr ',' '\n' |
	sed 's/|.*//; s/(.*)//; s/:any//; s/[[:space:]]//g' | grep . | sort -u |
	tr '\n' ',')
include="systemd,systemd-sysv,dbus,python3-minimal,${deps%,}"
mkdir -p "$(dirname "$cache")" || skip_all "cannot create $(dirname "$cache")"
if [ -e "$cache" ] && [ ! -f "$cache/.gwagent-ci-include" ]; then
	notok "$cache is a root file system made by this script"
	echo "not one (no .gwagent-ci-include): set GWAGENT_NSPAWN_CACHE" | diag
	echo "1..$n"
	exit 1
fi
bootstrap() {
	[ -f "$cache/.gwagent-ci-include" ] &&
		[ "$(cat "$cache/.gwagent-ci-include")" = "$include" ] && return 0
	rm -rf "$cache.new" "$cache"
	timeout 600 debootstrap --variant=minbase --include="$include" \
		bookworm "$cache.new" "$mirror" >"$work/debootstrap.log" 2>&1 ||
		return 1
	printf '%s\n' "$include" >"$cache.new/.gwagent-ci-include" &&
		mv "$cache.new" "$cache"
}
t0=$(date +%s)
# one debootstrap at a time (another run may be filling the cache)
if ! (flock -w 900 9 && bootstrap) 9>"$cache.lock"; then
	tail -5 "$work/debootstrap.log" 2>/dev/null | diag
	rm -rf "$cache.new"
	skip_all "debootstrap of bookworm from $mirror failed (no network?)"
fi
echo "# root file system ready in $(($(date +%s) - t0)) s: $include"

# 3. What the container runs at boot, bound into it.
ci=$work/ci
mkdir -p "$ci"
cp "$deb" "$ci/gwagent.deb"
cp "$top/tools/deb-systemd/check.sh" "$top/tools/deb-systemd/registrar.py" "$ci/"
cat >"$ci/gwagent-ci-check.service" <<'EOF'
[Unit]
Description=gwagent CI: the package under systemd
After=multi-user.target

[Service]
Type=oneshot
ExecStart=/bin/sh /gwagent-ci/check.sh
StandardOutput=journal+console
EOF

# 4. Boot.  Without systemd as PID 1 here there is no bus to ask for a
# scope: nspawn keeps its own cgroup (--keep-unit), one we make per
# hierarchy (the hybrid layout's name=systemd and unified, or the
# unified root), so that whatever the container leaves is ours to kill.
keep=
if [ ! -d /run/systemd/system ]; then
	keep="--keep-unit --register=no"
	for h in /sys/fs/cgroup/systemd /sys/fs/cgroup/unified /sys/fs/cgroup; do
		if [ -f "$h/cgroup.procs" ]; then
			mkdir "$h/gwagent-ci.$$" || skip_all "cannot create a cgroup in $h"
			cg="$cg $h/gwagent-ci.$$"
		fi
		# a pure cgroup v2 host: the root is the only hierarchy
		[ "$h" = /sys/fs/cgroup/unified ] && [ -n "$cg" ] && break
	done
	[ -n "$cg" ] || skip_all "no cgroup file system for the container's systemd"
fi
ROOT=$cache KEEP=$keep CI=$ci LIMIT=$limit
export ROOT KEEP CI LIMIT
t0=$(date +%s)
# shellcheck disable=SC2086
sh -c 'for c in "$@"; do echo $$ >"$c/cgroup.procs" || exit 1; done
	exec timeout -k 15 "$LIMIT" systemd-nspawn -q -b -D "$ROOT" $KEEP \
		--private-network --volatile=overlay --bind="$CI:/gwagent-ci" \
		--bind-ro="$CI/gwagent-ci-check.service:/etc/systemd/system/gwagent-ci-check.service" \
		--machine="gwagent-ci-$PPID" \
		systemd.wants=gwagent-ci-check.service systemd.show_status=0' \
	nspawn $cg </dev/null >"$work/nspawn.log" 2>&1 &
nspawn_pid=$!
wait "$nspawn_pid"
rc=$?
nspawn_pid=
took=$(($(date +%s) - t0))

if [ ! -s "$ci/result" ]; then
	# systemd never reached the check: this machine cannot boot it
	tail -15 "$work/nspawn.log" | diag
	skip_all "systemd did not boot in systemd-nspawn (exit $rc)"
fi
while IFS= read -r line; do
	case $line in
	"ok - "*) ok "${line#ok - }" ;;
	"not ok - "*) notok "${line#not ok - }" ;;
	done) ;;
	*) echo "$line" ;;
	esac
done <"$ci/result"
if tail -1 "$ci/result" | grep -qx "done"; then
	ok "the checks in the container ended, it powered off (exit $rc, $took s)"
else
	notok "the checks in the container ended, it powered off (exit $rc, $took s)"
	tail -30 "$work/nspawn.log" | diag
fi
[ "$rc" -eq 0 ] || failed=1
echo "1..$n"
exit "$failed"
