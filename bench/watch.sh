#!/bin/sh
# bench/watch.sh: what `omniwatch watch` costs while it follows PM2's logs.
# Not a test: it prints figures and how they compare with the targets.
#
#   load  a writer appends PM2-style text (fork mode, no --time: "[http]"
#         lines, one-line successes, 9-line Lumen 404 failures, each event
#         one write(2) as PM2 does) to BENCH_FILES files (NAME-out.log and
#         NAME-error.log of BENCH_FILES/2 apps) in a scratch PM2_HOME/logs,
#         BENCH_RATE lines/s in total, for BENCH_SECONDS.  Measured: watch's
#         CPU time (utime + stime from /proc/PID/stat) over the load, as a
#         share of one core, and its peak RSS (VmHWM).  Afterwards the
#         committed counts must equal what was written, or the bench fails.
#   idle  nothing is written for BENCH_IDLE seconds: watch's context
#         switches (/proc/PID/status, voluntary + involuntary) per second,
#         then, as long again, its epoll_wait returns counted by strace -c.
#   lag   from append to counted: a probe appends one numbered 6-line
#         [Omni] failure record (closed by its "}" line, so no idle flush
#         is waited for) to its own file, lagprobe-error.log, then polls
#         the state database (SQLite, read-only, every 1 ms) until watch
#         has committed it.  The commit interval is set to 100ms, so the lag
#         is mostly the wait for the next commit.  Measured twice: during
#         the load (one probe every 50-150 ms) and while idle.
#   syscalls  with BENCH_STRACE=SECONDS, a second load as long, with
#         strace -c -f attached to watch for it: system calls per line,
#         in all and of each kind.  strace slows watch down, so this load
#         is apart from the first and its CPU time is not reported.
#
# Targets (the issue): peak RSS <= 8 MiB following 100 files; CPU < 10 % of
# one core at 10,000 lines/s; idle wakeups no more often than the sweep
# (tail.sweep, default 10s, so <= 0.1/s).  Missing one is reported, not an
# error, unless BENCH_STRICT=1.
#
# Environment (defaults in brackets):
#   BENCH_FILES    files followed under load                     [100]
#   BENCH_RATE     lines per second, all files together          [10000]
#   BENCH_SECONDS  length of the load                            [20]
#   BENCH_IDLE     seconds of each idle measurement              [20]
#   BENCH_PROBES   lag probes while idle                         [50]
#   BENCH_COMMIT   state.commit_interval                         [100ms]
#   BENCH_STRACE   seconds of the load under strace (0: none)    [0]
#   BENCH_DIR      where the scratch directory is made (only that
#                  one is removed at the end)                    [$TMPDIR]
#   BENCH_KEEP     1: keep the scratch directory
#   BENCH_STRICT   1: exit 1 when a target is missed
#   OMNIWATCH      the binary [built in the tree]
set -eu
LC_ALL=C
TZ=UTC
export LC_ALL TZ

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
build=${top_builddir:-$top}
OMNIWATCH=${OMNIWATCH:-$build/omniwatch}
: "${OMNIWATCH_PATTERNS:=$top/patterns}"
export OMNIWATCH_PATTERNS
nfiles=${BENCH_FILES:-100}
rate=${BENCH_RATE:-10000}
seconds=${BENCH_SECONDS:-20}
idle=${BENCH_IDLE:-20}
probes=${BENCH_PROBES:-50}
commit=${BENCH_COMMIT:-100ms}
strace_s=${BENCH_STRACE:-0}
hz=$(getconf CLK_TCK)

bench_die() {
	echo "bench: $*" >&2
	exit 2
}

for tool in python3 jq awk; do
	command -v "$tool" >/dev/null 2>&1 ||
		bench_die "$tool not found (apt-get install python3 jq)"
done
python3 -c 'import sqlite3' 2>/dev/null || bench_die "python3 has no sqlite3 module"
if [ ! -x "$OMNIWATCH" ]; then
	make -C "$build" omniwatch >/dev/null ||
		bench_die "cannot build $OMNIWATCH (run ./configure first)"
fi

# A directory of our own inside BENCH_DIR: only that one is removed.
mkdir -p "${BENCH_DIR:-${TMPDIR:-/tmp}}" &&
	dir=$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/omniwatch-bench-watch.XXXXXX") ||
	bench_die "cannot make a directory in ${BENCH_DIR:-${TMPDIR:-/tmp}}"
wpid=
cleanup() {
	[ -z "$wpid" ] || kill -KILL "$wpid" 2>/dev/null || true
	[ "${BENCH_KEEP:-0}" = 1 ] || rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
logs=$dir/pm2/logs
mkdir -p "$logs"

cat >"$dir/watch.yaml" <<EOF
sources:
  - pm2_home: $dir/pm2
pattern_sets: [omni]
state_dir: $dir/state
state:
  commit_interval: $commit
EOF

# ---- the writer and the lag probe (python3) -------------------------------

cat >"$dir/writer.py" <<'PY'
# writer.py DIR NFILES RATE SECONDS TRUTH: append PM2-style text to NFILES
# files at RATE lines/s for SECONDS; write what was written to TRUTH.
import json, os, sys, time

d, nfiles, rate, seconds, truth_path = sys.argv[1], int(sys.argv[2]), \
    int(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
napps = nfiles // 2
fds = []
for a in range(napps):
    for stream in ('out', 'error'):
        fds.append(os.open(os.path.join(d, 'app%03d-%s.log' % (a, stream)),
                           os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644))

def noise(n):
    return '[http] POST /api/v1/tickets -> partner.example.test (ticket #%d)\n' % n

def success(n):
    return ("[Omni] Ticket created successfully: { ticketId: %d, "
            "ticket_number: 'TCK-2026-%06d' }\n" % (50000 + n, n))

def failure(n):
    return ("[Omni] Failed to create ticket: {\n"
            "  status: false,\n"
            "  message: '',\n"
            "  errors: {\n"
            "    file: '/srv/api/vendor/laravel/lumen-framework/src/Concerns/RoutesRequests.php',\n"
            "    message: '',\n"
            "    line: 229\n"
            "  }\n"
            "}\n")

# One app's cycle of 10 events: 26 lines.
cycle = ['n', 's', 'n', 'f', 'n', 'n', 's', 'n', 'f', 'n']
truth = {'lines': 0, 'bytes': 0, 'failures': 0, 'successes': 0, 'writes': 0}
tick = 0.01
per_tick = rate * tick
start = time.monotonic()
due = 0.0
n = 0
app = 0
while True:
    now = time.monotonic() - start
    if now >= seconds:
        break
    # Catch up to the schedule: lines due by now.
    target = min(now, seconds) * rate
    while due < target:
        kind = cycle[(n // napps) % len(cycle)]
        n += 1
        if kind == 'n':
            text, fd = noise(n), fds[2 * app]
        elif kind == 's':
            text, fd = success(n), fds[2 * app]
            truth['successes'] += 1
        else:
            text, fd = failure(n), fds[2 * app + 1]
            truth['failures'] += 1
        data = text.encode()
        os.write(fd, data)
        truth['writes'] += 1
        truth['bytes'] += len(data)
        lines = text.count('\n')
        truth['lines'] += lines
        due += lines
        app = (app + 1) % napps
    time.sleep(tick)
truth['seconds'] = time.monotonic() - start
with open(truth_path, 'w') as f:
    json.dump(truth, f)
PY

cat >"$dir/probe.py" <<'PY'
# probe.py LOGFILE DB COUNT|-SECONDS OUT: append numbered failure records to
# LOGFILE one at a time; after each, poll DB until watch has committed it;
# write one lag in ms per line to OUT.  A negative COUNT is a duration.
import os, random, sqlite3, sys, time

log, db, count, out = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]
q = ("SELECT COALESCE(SUM(count), 0) FROM buckets WHERE pattern_set = 'omni'"
     " AND app = 'lagprobe' AND outcome = 'failure'")
con = sqlite3.connect('file:%s?mode=ro' % db, uri=True, isolation_level=None)
def counted():
    while True:
        try:
            return con.execute(q).fetchone()[0]
        except sqlite3.OperationalError:
            time.sleep(0.001)
base = counted()
fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
lags = []
end = time.monotonic() - count if count < 0 else None
i = 0
while (end is None and i < count) or (end is not None and time.monotonic() < end):
    i += 1
    rec = ("[Omni] Failed to create ticket: {\n  status: false,\n"
           "  message: 'lag probe %d',\n  errors: { customer: [ 'unknown' ] },\n"
           "  probe: %d\n}\n" % (i, i)).encode()
    t0 = time.monotonic()
    os.write(fd, rec)
    while counted() < base + i:
        if time.monotonic() - t0 > 10:
            sys.exit('probe %d not counted after 10 s' % i)
        time.sleep(0.001)
    lags.append((time.monotonic() - t0) * 1000)
    time.sleep(random.uniform(0.05, 0.15))
with open(out, 'w') as f:
    f.write(''.join('%.2f\n' % x for x in lags))
PY

# ---- helpers ----------------------------------------------------------------

# cpu_ticks PID: utime + stime, in clock ticks.
cpu_ticks() {
	awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"
}
# status_kib FIELD PID
status_kib() {
	awk -v f="$1:" '$1 == f { print $2 }' "/proc/$2/status"
}
ctxt() {
	awk '/^(non)?voluntary_ctxt_switches:/ { n += $2 } END { print n }' "/proc/$1/status"
}
now_ms() {
	date +%s%3N
}
# counts: "failures successes" committed for the load apps.
counts() {
	"$OMNIWATCH" summary -c "$dir/watch.yaml" --json |
		jq -r '[.pattern_sets.omni.apps | to_entries[] |
			select(.key != "lagprobe") | .value] |
			"\(map(.failures) | add // 0) \(map(.successes) | add // 0)"'
}
# wait_counts TRUTH...: until watch has committed what the writers wrote
# (the sum of their TRUTH files), or the bench fails after 30 s.
wait_counts() {
	want="$(jq -r -s '"\(map(.failures) | add) \(map(.successes) | add)"' "$@")"
	i=0
	until [ "$(counts)" = "$want" ]; do
		i=$((i + 1))
		[ "$i" -lt 300 ] || bench_die "counts: want '$want' (failures successes), watch has '$(counts)'"
		sleep 0.1
	done
}
# percentile P FILE: the P-th percentile (nearest rank) of FILE's numbers.
percentile() {
	sort -n "$2" | awk -v p="$1" '{ v[NR] = $1 } END {
		if (NR == 0) { print "nan"; exit }
		r = int(p / 100 * NR + 0.999999); if (r < 1) r = 1; if (r > NR) r = NR
		print v[r] }'
}

# ---- run --------------------------------------------------------------------

# The files exist before watch starts, as PM2's do.
i=0
while [ "$i" -lt $((nfiles / 2)) ]; do
	: >"$logs/$(printf 'app%03d' "$i")-out.log"
	: >"$logs/$(printf 'app%03d' "$i")-error.log"
	i=$((i + 1))
done
: >"$logs/lagprobe-error.log"
"$OMNIWATCH" watch -c "$dir/watch.yaml" -q >"$dir/watch.log" 2>&1 &
wpid=$!
i=0
until [ -f "$dir/state/omniwatch.db" ] && counts >/dev/null 2>&1; do
	i=$((i + 1))
	[ "$i" -lt 100 ] || { cat "$dir/watch.log" >&2; bench_die "watch did not start"; }
	sleep 0.1
done
sleep 1
echo "bench: watch (pid $wpid) follows $nfiles files + lagprobe-error.log; commit_interval $commit"
echo "bench: load: $rate lines/s for $seconds s"

t0=$(now_ms)
c0=$(cpu_ticks "$wpid")
python3 "$dir/probe.py" "$logs/lagprobe-error.log" "$dir/state/omniwatch.db" \
	"-$seconds" "$dir/lag-load.txt" &
ppid=$!
python3 "$dir/writer.py" "$logs" "$nfiles" "$rate" "$seconds" "$dir/truth.json"
c1=$(cpu_ticks "$wpid")
t1=$(now_ms)
wait "$ppid" || bench_die "lag probe failed"
wait_counts "$dir/truth.json"
c2=$(cpu_ticks "$wpid")
t2=$(now_ms)
hwm=$(status_kib VmHWM "$wpid")
rss=$(status_kib VmRSS "$wpid")

sleep 1
x0=$(ctxt "$wpid")
sleep "$idle"
x1=$(ctxt "$wpid")
strace_n=
if command -v strace >/dev/null 2>&1; then
	timeout -s INT "$idle" strace -c -e trace=epoll_wait -p "$wpid" \
		-o "$dir/strace.txt" 2>/dev/null || true
	# Columns: % time, seconds, usecs/call, calls, [errors,] syscall.
	strace_n=$(awk '$NF == "epoll_wait" { print $4 }' "$dir/strace.txt" \
		2>/dev/null | head -n 1)
fi

python3 "$dir/probe.py" "$logs/lagprobe-error.log" "$dir/state/omniwatch.db" \
	"$probes" "$dir/lag-idle.txt" || bench_die "lag probe failed"

# The second load, under strace: the lines it wrote, and the counts of
# both loads checked again.
sys_lines=0
if [ "$strace_s" -gt 0 ]; then
	command -v strace >/dev/null 2>&1 ||
		bench_die "BENCH_STRACE: strace not found (apt-get install strace)"
	python3 "$dir/writer.py" "$logs" "$nfiles" "$rate" "$strace_s" \
	    "$dir/truth2.json" &
	spid=$!
	timeout -s INT "$strace_s" strace -c -f -p "$wpid" \
	    -o "$dir/strace-load.txt" 2>/dev/null || true
	wait "$spid" || bench_die "the second writer failed"
	sys_lines=$(jq -r .lines "$dir/truth2.json")
	wait_counts "$dir/truth.json" "$dir/truth2.json"
fi
hwm=$(status_kib VmHWM "$wpid")
kill -TERM "$wpid"
wait "$wpid" || bench_die "watch exited with $?"
wpid=

awk -v truth="$(jq -c . "$dir/truth.json")" \
    -v c0="$c0" -v c1="$c1" -v c2="$c2" -v t0="$t0" -v t1="$t1" -v t2="$t2" \
    -v hz="$hz" -v hwm="$hwm" -v rss="$rss" -v x0="$x0" -v x1="$x1" \
    -v idle="$idle" -v strace_n="$strace_n" -v nfiles="$nfiles" \
    -v lp50="$(percentile 50 "$dir/lag-load.txt")" \
    -v lp99="$(percentile 99 "$dir/lag-load.txt")" \
    -v lmax="$(percentile 100 "$dir/lag-load.txt")" \
    -v ln="$(wc -l <"$dir/lag-load.txt")" \
    -v ip50="$(percentile 50 "$dir/lag-idle.txt")" \
    -v ip99="$(percentile 99 "$dir/lag-idle.txt")" \
    -v imax="$(percentile 100 "$dir/lag-idle.txt")" \
    -v in_="$(wc -l <"$dir/lag-idle.txt")" \
    -v commit="$commit" -v strict="${BENCH_STRICT:-0}" '
function field(k,   m) {
	if (match(truth, "\"" k "\": *[0-9.]+")) {
		m = substr(truth, RSTART, RLENGTH); sub(/.*: */, "", m); return m + 0
	}
	return 0
}
function check(name, ok, text) {
	printf "  %-38s %s  %s\n", name, text, ok ? "ok" : "MISSED"
	if (!ok)
		missed++
}
BEGIN {
	lines = field("lines"); secs = field("seconds"); bytes = field("bytes")
	load_s = (t1 - t0) / 1000; all_s = (t2 - t0) / 1000
	cpu_load = (c1 - c0) / hz; cpu_all = (c2 - c0) / hz
	printf "load: %d lines (%.0f lines/s, %.2f MB/s) in %d writes to %d files over %.1f s\n",
	    lines, lines / secs, bytes / secs / 1e6, field("writes"), nfiles, secs
	printf "  %d failures, %d successes counted, as written\n", field("failures"), field("successes")
	# CPU over the whole window (writer start-up and exit included) is
	# charged to the seconds the writer ran: the share errs high, not low.
	printf "  cpu   %.2f s in %.1f s (writer ran %.1f s) = %.1f %% of one core", cpu_load, load_s, secs, 100 * cpu_load / secs
	printf " (%.2f s until caught up at %.1f s)\n", cpu_all, all_s
	printf "  cpu per line: %.2f us\n", 1e6 * cpu_all / lines
	printf "  rss   %.1f MiB now, peak (VmHWM) %.1f MiB\n", rss / 1024, hwm / 1024
	wake = (x1 - x0) / idle
	printf "idle: %d context switches in %d s = %.2f/s", x1 - x0, idle, wake
	if (strace_n != "")
		printf "; strace -c: %d epoll_wait returns in %d s = %.2f/s", strace_n, idle, strace_n / idle
	printf "\n"
	printf "lag, append -> committed (commit_interval %s), ms:\n", commit
	printf "  under load  p50 %7.1f  p99 %7.1f  max %7.1f  (%d probes)\n", lp50, lp99, lmax, ln
	printf "  idle        p50 %7.1f  p99 %7.1f  max %7.1f  (%d probes)\n", ip50, ip99, imax, in_
	print "targets:"
	r = 100 * cpu_load / secs
	check(sprintf("cpu at %d lines/s (%% of a core)", lines / secs), r < 10,
	    sprintf("%6.1f (< 10)   ratio %.2f", r, r / 10))
	r = hwm / 1024
	check(sprintf("peak RSS, %d files (MiB)", nfiles), r <= 8,
	    sprintf("%6.1f (<= 8)   ratio %.2f", r, r / 8))
	# The sweep (10s) may fire once more than idle / 10 in the window.
	w = strace_n != "" ? strace_n : x1 - x0
	allow = int(idle / 10) + 1
	check(sprintf("idle wakeups in %d s", idle), w <= allow,
	    sprintf("%6d (<= %d: the 10s sweep)   ratio %.1f", w, allow, w / allow))
	if (strict && missed)
		exit 1
}' || rc=$?

# Columns of strace -c: % time, seconds, usecs/call, calls, [errors,]
# syscall; the last row is the total.
if [ "$sys_lines" -gt 0 ]; then
	awk -v lines="$sys_lines" -v secs="$strace_s" '
	$1 ~ /^[0-9.]+$/ && NF >= 5 {
		name = $NF; calls = $4
		if (name == "total") { total = calls; next }
		row[++n] = sprintf("    %-18s %7.3f", name, calls / lines)
	}
	END {
		printf "syscalls under strace -c -f, %d lines in %d s: %.3f per line\n",
		    lines, secs, total / lines
		for (i = 1; i <= n && i <= 8; i++)
			print row[i]
	}' "$dir/strace-load.txt"
fi
exit "${rc:-0}"
