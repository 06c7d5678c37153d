#!/bin/sh
# SPDX-License-Identifier: ISC
# The README's two quick-start commands, on a fresh Debian 12 machine:
#   tools/bootstrap.sh build  install and build (_build/run), nothing more
#   tools/bootstrap.sh run    install, build, start the loopback lab and
#                             gwagentd, show them answering, wait for Ctrl-C
#   tools/bootstrap.sh test   install, build (ASan+UBSan, -Werror), run the
#                             whole suite, the fuzz targets for 60 s each,
#                             the valgrind runs (a plain build), make
#                             distcheck and the Debian package (tools/deb.sh:
#                             build, lintian, install, purge; then
#                             tools/deb-systemd.sh: the same .deb under a
#                             real systemd in systemd-nspawn)
# GW_NO_INSTALL=1 skips the apt-get step (packages already there).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

PACKAGES="autoconf automake libtool pkg-config make gcc libc6-dev xz-utils git
 libsnmp-dev libosip2-dev libssl-dev libcurl4-openssl-dev libiniparser-dev check
 libc-ares-dev
 snmpd snmptrapd snmp smitools kamailio kamailio-tls-modules sip-tester dnsmasq
 openssl python3 procps iproute2 util-linux clang-format valgrind clang libclang-rt-14-dev
 snmptt prometheus-snmp-exporter python3-yaml
 debhelper dh-autoreconf lintian fakeroot dpkg-dev systemd
 debootstrap systemd-container"

install_deps() {
	[ "${GW_NO_INSTALL:-0}" = 1 ] && return 0
	if [ "$(id -u)" -eq 0 ]; then
		sudo=""
	else
		sudo="sudo"
	fi
	# shellcheck disable=SC2086
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get update
	# shellcheck disable=SC2086
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $PACKAGES
}

# build DIR configure-args...: autoreconf, configure and make every time,
# their output on the terminal.
. "$top/tools/build.sh"
build() {
	gw_build -a -v "$@"
}

case "${1:-}" in
build)
	install_deps
	build _build/run
	;;
run)
	install_deps
	build _build/run
	exec python3 tests/lab/labctl.py up --gwagentd _build/run/agent/gwagentd
	;;
test)
	install_deps
	rm -rf _build/ci _build/deb
	build _build/ci --enable-werror --enable-sanitizers
	# tools/deb.sh builds the .deb there, tools/deb-systemd.sh boots it
	DEB_WORKDIR=$top/_build/deb
	export DEB_WORKDIR
	exec python3 tests/run -C _build/ci --distcheck --extra-tap "sh tools/fuzz.sh 60" \
		--extra-tap "sh tools/valgrind.sh" --extra-tap "sh tools/deb.sh" \
		--extra-tap "sh tools/deb-systemd.sh"
	;;
*)
	echo "usage: $0 build|run|test" >&2
	exit 2
	;;
esac
