#!/bin/sh
# SPDX-License-Identifier: ISC
# Run the reliability suite and write its figures into RELIABILITY.md:
#   tools/reliability.sh [--long] [-C BUILDDIR] [-o FILE] [--no-valgrind]
#                        [--no-soak] [--no-fuzz | --fuzz-from TAPFILE] [--work DIR]
# 1. tests/integration/test_reliability.py against BUILDDIR (default
#    _build/reliability, configured with --enable-sanitizers when it has no
#    Makefile): crash safety under kill -9, snmpd and Kamailio restarts, a
#    primary proxy killed under 1,000 bindings, TCP/TLS resets, bad INI
#    uploads, access control and secrets, registrar silent then back;
# 2. tools/valgrind.sh (its own plain build in _build/valgrind);
# 3. tests/integration/test_soak.py against BUILDDIR (2,000 accounts, 90 s);
# 4. tools/fuzz.sh for 60 s per target, or the output of an earlier
#    tools/fuzz.sh run (--fuzz-from: the long fuzz runs apart, for hours).
# --long: 500 crash-safety iterations, a soak of 10,000 accounts for 600 s
# and 1800 s per fuzz target (hours).
# --work DIR keeps each suite's TAP output in DIR and reuses what is there
# already: a second run with --fuzz-from adds the figures of a fuzz run
# that ended later without running the other suites again.
# Environment: GW_CRASH_ITERATIONS, GW_SOAK_ACCOUNTS, GW_SOAK_SECONDS and
# FUZZ_SECONDS override the sizes;
# VALGRIND_BUILDDIR and FUZZ_BUILDDIR are passed on; GW_REPORT_COMMIT names
# the commit when the tree is not a git checkout (an exported snapshot).  The report is
# written even when something fails; the exit status is 1 then.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
bd=$top/_build/reliability
report=$top/RELIABILITY.md
long=0
valgrind=1
soak=1
fuzz=1
fuzz_from=
keep=
while [ $# -gt 0 ]; do
	case $1 in
	--long) long=1 ;;
	-C) bd=$2; shift ;;
	-o) report=$2; shift ;;
	--no-valgrind) valgrind=0 ;;
	--no-soak) soak=0 ;;
	--no-fuzz) fuzz=0 ;;
	--fuzz-from) fuzz_from=$2; shift ;;
	--work) keep=$2; shift ;;
	*) echo "usage: $0 [--long] [-C BUILDDIR] [-o FILE] [--no-valgrind] [--no-soak]" \
		"[--no-fuzz | --fuzz-from TAPFILE] [--work DIR]" >&2
	   exit 2 ;;
	esac
	shift
done
case $bd in /*) ;; *) bd=$(pwd)/$bd ;; esac
cmd="sh tools/reliability.sh"
[ $long = 1 ] && cmd="$cmd --long"
[ -n "${GW_CRASH_ITERATIONS:-}" ] && cmd="GW_CRASH_ITERATIONS=$GW_CRASH_ITERATIONS $cmd"
[ -n "${FUZZ_SECONDS:-}" ] && cmd="FUZZ_SECONDS=$FUZZ_SECONDS $cmd"
[ -n "$fuzz_from" ] && cmd="$cmd --fuzz-from ${fuzz_from##*/}"
if [ $long = 1 ]; then
	iterations=${GW_CRASH_ITERATIONS:-500}
	fuzz_secs=${FUZZ_SECONDS:-1800}
	soak_accounts=${GW_SOAK_ACCOUNTS:-10000}
	soak_secs=${GW_SOAK_SECONDS:-600}
else
	iterations=${GW_CRASH_ITERATIONS:-25}
	fuzz_secs=${FUZZ_SECONDS:-60}
	soak_accounts=${GW_SOAK_ACCOUNTS:-2000}
	soak_secs=${GW_SOAK_SECONDS:-90}
fi
if [ -n "$keep" ]; then
	mkdir -p "$keep" || exit 1
	work=$(cd "$keep" && pwd)
else
	work=$(mktemp -d "${TMPDIR:-/tmp}/gwagent-reliability.XXXXXX")
	trap 'rm -rf "$work"' EXIT
fi
# Whether a suite must run: not when --work already holds its output.
need() {
	[ -n "$keep" ] && [ -s "$work/$1.tap" ] && { say "reusing $work/$1.tap"; return 1; }
	return 0
}

say() { echo "reliability: $*" >&2; }

# The caller keeps the whole output (build.log in the work directory).
. "$top/tools/build.sh"
build() {
	gw_build -v "$bd" --enable-sanitizers
}

commit=${GW_REPORT_COMMIT:-$(cd "$top" && git describe --always --dirty 2>/dev/null ||
	echo unknown)}
# Each suite's output records the commit it ran on (reused ones may differ).
ran() { echo "$commit" >"$work/$1.commit"; }

if ! need reliability && ! need soak; then
	: # both reused: no build needed
elif say "building $bd" && ! build >"$work/build.log" 2>&1; then
	{ echo "1..1"; echo "not ok 1 - build of $bd"; tail -40 "$work/build.log" |
		sed 's/^/# /'; } >"$work/reliability.tap"
elif need reliability; then
	say "test_reliability.py, $iterations crash-safety iterations"
	(cd "$top" && CI=true top_builddir=$bd GW_CRASH_ITERATIONS=$iterations \
		PYTHONPATH=$top/tests python3 tests/integration/test_reliability.py) \
		>"$work/reliability.tap" 2>&1
	ran reliability
fi
if [ $valgrind = 1 ] && need valgrind; then
	say "tools/valgrind.sh"
	sh "$top/tools/valgrind.sh" >"$work/valgrind.tap" 2>&1
	ran valgrind
fi
if [ $soak = 1 ] && [ -x "$bd/agent/gwagentd" ] && need soak; then
	say "test_soak.py, $soak_accounts accounts for $soak_secs s"
	(cd "$top" && CI=true top_builddir=$bd GW_SOAK_ACCOUNTS=$soak_accounts \
		GW_SOAK_SECONDS=$soak_secs PYTHONPATH=$top/tests \
		python3 tests/integration/test_soak.py) >"$work/soak.tap" 2>&1
	ran soak
fi
if [ -n "$fuzz_from" ]; then
	say "fuzz figures from $fuzz_from"
	cp "$fuzz_from" "$work/fuzz.tap" || exit 1
	# TAPFILE.commit, when there, names the commit the fuzzers ran on
	cp "$fuzz_from.commit" "$work/fuzz.commit" 2>/dev/null ||
		echo "unknown" >"$work/fuzz.commit"
	fuzz_secs=$(sed -n 's/.*, \([0-9]*\) s$/\1/p' "$fuzz_from" | head -1)
elif [ $fuzz = 1 ] && need fuzz; then
	say "tools/fuzz.sh $fuzz_secs"
	sh "$top/tools/fuzz.sh" "$fuzz_secs" >"$work/fuzz.tap" 2>&1
	ran fuzz
fi

flavour="no sanitizers"
grep -q '^[A-Z_]*FLAGS = .*-fsanitize' "$bd/Makefile" 2>/dev/null && flavour="ASan+UBSan"
os=$(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME" || uname -s)
cpus=$(nproc)
python3 - "$work" "$report" "$commit" "$os" "$cpus" "$cmd" "$iterations" \
	"$fuzz_secs" "${bd#"$top"/}" "$flavour" <<'EOF'
import datetime
import os
import re
import sys

(work, report, commit, osname, cpus, cmd, iterations, fuzz_secs, bd,
 flavour) = sys.argv[1:]


def tap(name):
    """[(ok, name, directive, seconds, detail lines)], [figures], plan ok."""
    path = os.path.join(work, name)
    if not os.path.exists(path):
        return None
    points, figures, plan = [], [], None
    with open(path, errors="replace") as f:
        lines = f.read().splitlines()
    for line in lines:
        m = re.match(r"1\.\.(\d+)$", line)
        if m:
            plan = int(m.group(1))
            continue
        m = re.match(r"(ok|not ok) \d+ - (\S+)(.*)$", line)
        if m:
            rest = m.group(3)
            d = re.search(r"#\s*(SKIP|TODO)?\s*(.*)$", rest)
            secs = re.search(r"\(([\d.]+)s\)", rest)
            points.append([m.group(1) == "ok", m.group(2).rstrip(":"),
                           (d.group(1) or "") if d else "",
                           float(secs.group(1)) if secs else None,
                           rest.strip(), []])
            continue
        m = re.match(r"# ([a-z][a-z -]*): (.*)$", line)
        if m:
            figures.append((m.group(1), m.group(2)))
            continue
        m = re.match(r"# (?:[\w.]*(?:Error|Exception)): (.*)$", line)
        if m and points and not points[-1][0]:
            points[-1][5].append(m.group(1))
        elif line.startswith("# ") and points and not points[-1][0] and \
                not line.startswith(("#   ", "# Traceback")):
            points[-1][5].append(line[2:])
    broken = plan is None or plan != len(points)
    return points, figures, broken


def md(text):
    return text.replace("|", "\\|")


def count(res):
    if res is None:
        return 0, 0, 0
    pts, _, broken = res
    ok = sum(1 for p in pts if p[0] and p[2] != "SKIP")
    skip = sum(1 for p in pts if p[0] and p[2] == "SKIP")
    bad = sum(1 for p in pts if not p[0]) + (1 if broken else 0)
    return ok, bad, skip


rel, vg, fz = tap("reliability.tap"), tap("valgrind.tap"), tap("fuzz.tap")
sk = tap("soak.tap")
out = []
w = out.append
today = datetime.date.today().isoformat()
w("# gwagent reliability figures\n")
w("Generated by `%s` on %s: commit `%s`, %s, %s CPUs, build `%s` "
  "(%s). Regenerate with `sh tools/reliability.sh` (the CI-sized run) or "
  "`sh tools/reliability.sh --long` (500 crash-safety iterations, a soak of 10,000 "
  "accounts for 10 minutes, 30 minutes per fuzz target; the fuzzing may run apart "
  "and be read back with `--fuzz-from`).\n" % (cmd, today, commit, osname, cpus, bd,
                 flavour))
def ran_on(name):
    try:
        with open(os.path.join(work, name + ".commit")) as f:
            return f.read().strip() or "unknown"
    except OSError:
        return commit


w("| suite | passed | failed | skipped | commit |")
w("|---|---|---|---|---|")
for label, name, res in (
        ("tests/integration/test_reliability.py", "reliability", rel),
        ("tools/valgrind.sh", "valgrind", vg), ("tests/integration/test_soak.py", "soak", sk),
        ("tools/fuzz.sh %s s per target" % fuzz_secs, "fuzz", fz)):
    if res is None:
        w("| %s | not run | | | |" % label)
    else:
        w("| %s | %d | %d | %d | `%s` |" % ((label,) + count(res) + (ran_on(name),)))
w("")

faults = []
if rel:
    pts, figs, _ = rel
    for topic, text in figs:
        m = re.match(r"(\d+) (.*)$", text)
        if topic == "faults survived" and m:
            faults.append((int(m.group(1)), m.group(2)))
    if faults:
        w("**Faults survived: %d** (%s).\n" % (sum(n for n, _ in faults),
                                              ", ".join("%d %s" % f for f in faults)))
    w("## Fault injection, crash safety, access control and secrets\n")
    w("`tests/integration/test_reliability.py` against the loopback lab (snmptrapd, snmpd as "
      "AgentX master, Kamailio, gwagentd), %s crash-safety iterations.\n" % iterations)
    w("| case | result | time |")
    w("|---|---|---|")
    for ok, name, directive, secs, rest, detail in pts:
        res = "SKIP (see valgrind)" if directive == "SKIP" else ("ok" if ok else "**FAILED**")
        w("| `%s` | %s | %s |" % (name, res, "%.0f s" % secs if secs is not None else ""))
    w("")
    w("Figures:\n")
    for topic, text in figs:
        if topic != "faults survived":
            w("- %s: %s" % (topic, md(text)))
    w("")
    failed = [p for p in pts if not p[0]]
    if failed:
        w("### Failures (defects found)\n")
        for ok, name, directive, secs, rest, detail in failed:
            w("- `%s`: %s" % (name, md(" ".join(detail) or rest)))
        w("")

def points_and_figures(title, res, absent):
    """A section listing the test points of res, then its figures."""
    w("## %s\n" % title)
    if res is None:
        w("%s\n" % absent)
        return
    pts, figs, _ = res
    for ok, name, directive, secs, rest, detail in pts:
        w("- `%s`: %s%s" % (name, "ok" if ok else "**FAILED** " + md(rest),
                            (" (%s)" % md(" ".join(detail[:3]))) if detail else ""))
    for topic, text in figs:
        w("- %s: %s" % (topic, md(text)))
    w("")


points_and_figures("Memory (valgrind memcheck)", vg, "Not run.")
points_and_figures("Soak", sk, "Not run (--no-soak).")

w("## Fuzzing (libFuzzer, ASan+UBSan)\n")
if fz is None:
    w("Not run (no tools/fuzz.sh, or --no-fuzz).\n")
else:
    pts, figs, _ = fz
    w("| target | result | figures |")
    w("|---|---|---|")
    for ok, name, directive, secs, rest, detail in pts:
        w("| `%s` | %s | %s |" % (name, "ok" if ok else "**FINDING**", md(rest.lstrip(": "))))
    w("")

with open(report, "w") as f:
    f.write("\n".join(out).rstrip() + "\n")
bad = sum(count(r)[1] for r in (rel, vg, sk, fz))
print("reliability: wrote %s; %d failed" % (report, bad), file=sys.stderr)
sys.exit(1 if bad else 0)
EOF
