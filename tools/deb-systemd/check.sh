#!/bin/sh
# SPDX-License-Identifier: ISC
# Runs at boot inside tools/deb-systemd.sh's container (the oneshot
# gwagent-ci-check.service), under the container's systemd as PID 1:
# installs /gwagent-ci/gwagent.deb, starts gwagentd.service against a
# registrar on 127.0.0.1:5060 (registrar.py, the example gateway INI's
# proxy), checks the user, the hardening and gwagentctl, stops it (the
# bindings unregister), purges the package and powers the container off.
# Test points go to /gwagent-ci/result as "ok - NAME" / "not ok - NAME"
# with "# " diagnostics; tools/deb-systemd.sh numbers them.  The last line
# is "done".
set -u
ci=/gwagent-ci
res=$ci/result
exec >"$res" 2>&1

ok() { echo "ok - $1"; }
notok() { echo "not ok - $1"; }
diag() { sed 's/^/# /'; }
check() { # NAME command...
	name=$1
	shift
	if out=$("$@" 2>&1); then
		ok "$name"
		rc=0
	else
		notok "$name"
		rc=1
	fi
	[ -z "$out" ] || printf '%s\n' "$out" | tail -25 | diag
	return $rc
}
# poll SECONDS command...: until the command succeeds
poll() {
	end=$(($(date +%s) + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$(date +%s)" -ge "$end" ] && return 1
		sleep 0.2
	done
}
field() { systemctl show -p "$1" --value gwagentd.service; }
status_line() { # KEY of /proc/$pid/status
	sed -n "s/^$1:[[:space:]]*//p" "/proc/$pid/status"
}
finish() {
	echo "done"
	systemctl poweroff --no-block
	exit 0
}

booted() {
	systemctl --version | head -1
	echo "PID 1: $(cat /proc/1/comm), state $(systemctl is-system-running)"
	[ "$(cat /proc/1/comm)" = systemd ]
}
check "systemd runs as PID 1 in the container" booted

install_deb() {
	DEBIAN_FRONTEND=noninteractive timeout 120 dpkg -i $ci/gwagent.deb &&
		systemctl cat gwagentd.service >/dev/null
}
check "dpkg -i installs the package and its unit" install_deb ||
	finish

# The example gateway INI registers alice and bob at 127.0.0.1:5060.
systemd-run --quiet --unit=gwagent-ci-registrar \
	python3 $ci/registrar.py 127.0.0.1 5060 $ci/registrar.log
: >>$ci/registrar.log
# a user of the group gwagent, another outside it; a file in /home
useradd -M -g gwagent -s /bin/sh gwops
useradd -M -s /bin/sh gwother
mkdir -p /home/gwops && echo secret >/home/gwops/secret
echo visible >/tmp/gwagent-ci-host-tmp

start() {
	timeout 60 systemctl start gwagentd.service || {
		systemctl status --no-pager gwagentd.service
		journalctl --no-pager -u gwagentd.service | tail -20
		return 1
	}
	echo "Type=$(field Type) ActiveState=$(field ActiveState) SubState=$(field SubState)"
	[ "$(field Type)" = notify ] && [ "$(field ActiveState)" = active ] &&
		[ "$(field SubState)" = running ]
}
t0=$(date +%s)
check "systemctl start gwagentd: active (running) after READY=1" start ||
	finish
echo "# started in $(($(date +%s) - t0)) s"
pid=$(field MainPID)

uid=$(id -u gwagent)
gid=$(id -g gwagent)
user() {
	echo "MainPID $pid $(cat /proc/$pid/comm)"
	echo "Uid: $(status_line Uid)"
	echo "Gid: $(status_line Gid)"
	echo "Groups: $(status_line Groups)"
	[ "$(cat /proc/$pid/comm)" = gwagentd ] &&
		[ "$(status_line Uid)" = "$(printf '%s\t%s\t%s\t%s' $uid $uid $uid $uid)" ] &&
		[ "$(status_line Gid)" = "$(printf '%s\t%s\t%s\t%s' $gid $gid $gid $gid)" ]
}
check "the main PID is gwagentd, running as user and group gwagent" user

creds() {
	for k in NoNewPrivs Seccomp CapInh CapPrm CapEff CapBnd CapAmb; do
		echo "$k: $(status_line $k)"
	done
	[ "$(status_line NoNewPrivs)" = 1 ] && [ "$(status_line Seccomp)" = 2 ] &&
		for k in CapInh CapPrm CapEff CapBnd CapAmb; do
			[ "$(status_line $k)" = 0000000000000000 ] || return 1
		done
}
check "NoNewPrivs 1, seccomp filter, no capability at all" creds

# A shell in the service's mount and user namespaces, as gwagent: what
# the daemon itself can see and write.
inside() {
	nsenter -t "$pid" -m -U -S "$uid" -G "$gid" -- sh -c "$1"
}
sandbox() {
	rc=0
	if inside 'echo x >/var/lib/gwagent/.ci-probe && rm /var/lib/gwagent/.ci-probe'; then
		echo "/var/lib/gwagent: writable"
	else
		echo "/var/lib/gwagent is not writable"
		rc=1
	fi
	for f in /etc/gwagent-ci-probe /usr/gwagent-ci-probe /var/gwagent-ci-probe; do
		if inside "echo x >$f" 2>/dev/null; then
			echo "$f: written"
			rc=1
		else
			echo "$f: $(inside "echo x >$f" 2>&1 | sed 's/.*: //')"
		fi
	done
	if inside 'cat /home/gwops/secret' >/dev/null 2>&1; then
		echo "/home/gwops/secret is readable"
		rc=1
	else
		echo "/home: $(inside 'ls -A /home' 2>&1 | tr '\n' ' ')"
	fi
	if inside 'test -e /tmp/gwagent-ci-host-tmp'; then
		echo "/tmp is shared"
		rc=1
	fi
	# PrivateDevices: a /dev of pseudo devices, without the console
	if [ ! -e /dev/console ] || inside 'test -e /dev/console'; then
		echo "/dev is not private"
		rc=1
	fi
	return $rc
}
check "sandbox: writes only /var/lib/gwagent, /etc /usr read-only, /home /tmp /dev hidden" sandbox

registered() {
	out=$(runuser -u gwops -- gwagentctl --json status 2>&1)
	[ "$(printf '%s' "$out" | grep -o '"registered"' | wc -l)" -ge 2 ]
}
ctl() {
	poll 20 registered || echo "alice and bob not both registered after 20 s"
	runuser -u gwops -- gwagentctl status
}
check "gwagentctl status as a member of group gwagent (alice, bob registered)" ctl
refused() {
	if out=$(runuser -u gwother -- gwagentctl status 2>&1); then
		echo "$out"
		return 1
	fi
	echo "$out"
}
check "gwagentctl status outside group gwagent is refused" refused

reloaded() {
	journalctl --no-pager -q -u gwagentd.service | grep -q ': reloaded /'
}
reload() {
	timeout 30 systemctl reload gwagentd.service &&
		poll 10 reloaded &&
		journalctl --no-pager -q -u gwagentd.service | grep ': reloaded /' &&
		[ "$(field MainPID)" = "$pid" ] &&
		[ "$(field ActiveState)" = active ]
}
check "systemctl reload: gwagentd rereads the gateway INI (SIGHUP), same process" reload

status() {
	systemctl status --no-pager gwagentd.service
	bad=$(journalctl --no-pager -q -p err -u gwagentd.service)
	[ -z "$bad" ] || { echo "errors in the journal:"; echo "$bad"; return 1; }
}
check "systemctl status: active, no error in the unit's journal" status

stop() {
	# whole seconds of TimeoutStopSec ("45s", "1min 30s")
	limit=$(systemd-analyze timespan "$(field TimeoutStopUSec)" |
		sed -n 's/^ *μs: *\([0-9]*\)$/\1/p')
	limit=$((${limit:-0} / 1000000))
	t0=$(date +%s)
	timeout 120 systemctl stop gwagentd.service || return 1
	took=$(($(date +%s) - t0))
	echo "stopped in $took s (TimeoutStopSec $limit s), Result=$(field Result), ExecMainStatus=$(field ExecMainStatus)"
	journalctl --no-pager -q -u gwagentd.service | tail -8
	[ "$took" -lt "$limit" ] && [ "$(field Result)" = success ] &&
		[ "$(field ActiveState)" = inactive ] &&
		[ "$(field ExecMainStatus)" = 0 ] &&
		! kill -0 "$pid" 2>/dev/null
}
check "systemctl stop: exits 0 within TimeoutStopSec" stop
unregistered() {
	cat $ci/registrar.log
	grep -qx 'alice 0' $ci/registrar.log && grep -qx 'bob 0' $ci/registrar.log
}
check "the bindings unregistered at stop (REGISTER Expires 0 for alice, bob)" unregistered

restart() {
	timeout 60 systemctl start gwagentd.service || return 1
	pid=$(field MainPID)
	kill -KILL "$pid"
	# RestartSec=5
	poll 20 sh -c "[ \"\$(systemctl show -p MainPID --value gwagentd)\" != $pid ] &&
		[ \"\$(systemctl show -p MainPID --value gwagentd)\" != 0 ] &&
		systemctl is-active --quiet gwagentd"
	echo "killed $pid, now $(field MainPID) $(field ActiveState), NRestarts=$(field NRestarts)"
	[ "$(field NRestarts)" -ge 1 ] && systemctl is-active --quiet gwagentd &&
		timeout 60 systemctl stop gwagentd.service
}
check "Restart=on-failure: a killed gwagentd comes back" restart

purge() {
	DEBIAN_FRONTEND=noninteractive timeout 120 dpkg --purge gwagent || return 1
	rc=0
	getent passwd gwagent && { echo "user gwagent left"; rc=1; }
	[ -e /var/lib/gwagent ] && { echo "/var/lib/gwagent left"; rc=1; }
	state=$(field LoadState)
	echo "LoadState=$state"
	[ "$state" = not-found ] || rc=1
	return $rc
}
# gwops holds the group: the postrm's delgroup --only-if-empty keeps it
userdel gwops
check "dpkg --purge: unit, user and state gone" purge
systemctl stop gwagent-ci-registrar.service
finish
