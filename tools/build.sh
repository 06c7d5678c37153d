# SPDX-License-Identifier: ISC
# shellcheck shell=sh disable=SC2154
# Configure and build one build directory: the helper that
# tools/bootstrap.sh, tools/fuzz.sh, tools/valgrind.sh and
# tools/reliability.sh share.  Sourced, not run:
#   top=...; . "$top/tools/build.sh"
#   gw_build [-a] [-v] [-t TARGET] DIR [configure arguments...]
# DIR is made if missing; configure runs in it (out of tree, $top is the
# source tree), then make -j"$(nproc)" [TARGET] (default: all).
#   -a  always run autoreconf -fi and configure (default: autoreconf only
#       when $top/configure is missing, configure only when DIR/Makefile
#       is missing, so that a later run reuses the directory as it is)
#   -v  each step's output as it comes (default: into DIR/autoreconf.log,
#       DIR/configure.log and DIR/build.log, and on failure the last lines
#       of the failing step's log on stdout)
#   -t TARGET  the make target
# The caller sets top (the source tree, an absolute path).
# Returns 0, or 1 at the first step that fails.  Variables set in the
# environment (CC, CFLAGS...) reach configure as usual; configure
# arguments such as CC=clang or CFLAGS="-O1 -g" are passed on as given.

# gw_build_step LOG LINES command...: run one step, its output as it comes
# (LOG empty) or into LOG with the last LINES lines shown when it fails.
gw_build_step() {
	_gw_log=$1
	_gw_lines=$2
	shift 2
	if [ -z "$_gw_log" ]; then
		"$@"
		return
	fi
	"$@" >"$_gw_log" 2>&1 || { tail -"$_gw_lines" "$_gw_log"; return 1; }
}

gw_build_autoreconf() {
	(cd "$top" && autoreconf -fi)
}

gw_build_configure() { # DIR configure arguments...
	_gw_cdir=$1
	shift
	(cd "$_gw_cdir" && "$top/configure" "$@")
}

gw_build() {
	_gw_always=0
	_gw_verbose=0
	_gw_target=
	OPTIND=1
	while getopts avt: _gw_opt; do
		case $_gw_opt in
		a) _gw_always=1 ;;
		v) _gw_verbose=1 ;;
		t) _gw_target=$OPTARG ;;
		*) echo "usage: gw_build [-a] [-v] [-t TARGET] DIR [configure args...]" >&2
		   return 2 ;;
		esac
	done
	shift $((OPTIND - 1))
	if [ $# -lt 1 ]; then
		echo "usage: gw_build [-a] [-v] [-t TARGET] DIR [configure args...]" >&2
		return 2
	fi
	_gw_dir=$1
	shift
	mkdir -p "$_gw_dir" || return 1
	_gw_dir=$(cd "$_gw_dir" && pwd) || return 1
	if [ $_gw_verbose = 1 ]; then
		_gw_l1='' _gw_l2='' _gw_l3=''
	else
		_gw_l1=$_gw_dir/autoreconf.log
		_gw_l2=$_gw_dir/configure.log
		_gw_l3=$_gw_dir/build.log
	fi
	: "${top:?gw_build: set top to the source tree}"
	if [ $_gw_always = 1 ] || [ ! -x "$top/configure" ]; then
		gw_build_step "$_gw_l1" 20 gw_build_autoreconf || return 1
	fi
	if [ $_gw_always = 1 ] || [ ! -f "$_gw_dir/Makefile" ]; then
		gw_build_step "$_gw_l2" 20 gw_build_configure "$_gw_dir" "$@" ||
			return 1
	fi
	# shellcheck disable=SC2086
	gw_build_step "$_gw_l3" 40 make -C "$_gw_dir" -j"$(nproc)" $_gw_target ||
		return 1
}
