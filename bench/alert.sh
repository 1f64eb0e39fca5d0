#!/bin/sh
# bench/alert.sh: alert latency, from appending the record that crosses a
# rule's threshold to the webhook receiver holding the notification.
# Not a test (not run by make check): it prints figures and how they compare
# with the target.
#
# Setup: `omniwatch watch` follows one file, bench-error.log, of a scratch
# PM2_HOME with the omni pattern set and the defaults (record.idle_flush
# 200ms), except state.commit_interval (BENCH_COMMIT, 200ms by default: a
# notification is queued in the transaction that commits the count behind
# it and sent only once that is committed, and the commit is due
# commit_interval after watch read the bytes, so the latency is at least
# the commit interval; with the default 1s the target cannot be met).  One
# receiver, tests/receiver.py on 127.0.0.1, records each POST with its
# arrival time (time.time() once the body is read).  One rule:
#
#   {name: bench-fail, kind: failures, threshold: 1, window: 2s,
#    repeat_interval: 24h}
#
# A trial: take the time (date +%s%N), append one failure record in one
# write(2), wait for the "firing" notification, whose sample must be that
# trial's record, then for the "resolved" one (the failure leaves the 2 s
# window), then a random 0-0.5 s pause, so that trials do not fall in step
# with watch's timers.  Latency = arrival time - append time.  The `date`
# runs before the write, so the figure errs high by a fork, not low.
#
# The record (BENCH_RECORD):
#   line   one line, "[Omni] Failed to create ticket: Error: connect
#          ECONNREFUSED ..." (class other): nothing closes it, so it is
#          complete only after idle_flush (200ms) without growth
#   lumen  the 9-line Lumen 404 failure (class route_not_found), closed by
#          its lone "}", so complete at once: no idle flush is waited for
#
# Target (the issue): p99 at most 0.5 s.  Missing it is reported, not an
# error, unless BENCH_STRICT=1.  A trial whose notification does not come
# within 10 s, or is not the expected one, fails the bench (exit 1).
#
# Environment (defaults in brackets):
#   BENCH_TRIALS   trials                                        [200]
#   BENCH_RECORD   line | lumen                                  [line]
#   BENCH_COMMIT   state.commit_interval                         [200ms]
#   BENCH_DIR      where the scratch directory is made (only that
#                  one is removed at the end)                    [$TMPDIR]
#   BENCH_KEEP     1: keep the scratch directory
#   BENCH_STRICT   1: exit 1 when the target is missed
#   OMNIWATCH      the binary [built in the tree]
#
# About 3 s a trial (the 2 s window, a commit, the pause): 200 trials take
# about 10 minutes.
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
trials=${BENCH_TRIALS:-200}
kind=${BENCH_RECORD:-line}
commit=${BENCH_COMMIT:-200ms}

bench_die() {
	echo "bench: $*" >&2
	exit 2
}
bench_fail() {
	echo "bench: FAIL: $*" >&2
	[ ! -f "$dir/watch.log" ] || tail -n 20 "$dir/watch.log" >&2
	exit 1
}

case $trials in
'' | *[!0-9]* | 0) bench_die "BENCH_TRIALS: a positive number, not '$trials'" ;;
esac
case $kind in
line | lumen) ;;
*) bench_die "BENCH_RECORD: line or lumen, not '$kind'" ;;
esac
for tool in python3 jq awk; do
	command -v "$tool" >/dev/null 2>&1 ||
		bench_die "$tool not found (apt-get install python3 jq)"
done
[ "$(date +%N)" != N ] || bench_die "date has no %N (GNU coreutils needed)"
if [ ! -x "$OMNIWATCH" ]; then
	make -C "$build" omniwatch >/dev/null ||
		bench_die "cannot build $OMNIWATCH (run ./configure first)"
fi

# A directory of our own inside BENCH_DIR: only that one is removed.
mkdir -p "${BENCH_DIR:-${TMPDIR:-/tmp}}" &&
	dir=$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/omniwatch-bench-alert.XXXXXX") ||
	bench_die "cannot make a directory in ${BENCH_DIR:-${TMPDIR:-/tmp}}"
wpid=
rpid=
cleanup() {
	[ -z "$wpid" ] || kill -KILL "$wpid" 2>/dev/null || true
	[ -z "$rpid" ] || kill "$rpid" 2>/dev/null || true
	[ "${BENCH_KEEP:-0}" = 1 ] || rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
logs=$dir/pm2/logs
log=$logs/bench-error.log
recv=$dir/recv
mkdir -p "$logs" "$recv"
: >"$log"

# ---- the receiver ------------------------------------------------------------

# tests/receiver.py exits by itself after 300 s (so that a dead test leaves
# nothing behind); a long run restarts it on the same port between trials.
rstart=0
start_receiver() {
	rm -f "$recv/port" "$recv/pid"
	python3 "$top/tests/receiver.py" "$recv" "${1:-0}" 2>>"$recv/stderr" &
	rpid=$!
	rstart=$(date +%s)
	_i=0
	until [ -s "$recv/port" ]; do
		_i=$((_i + 1))
		[ "$_i" -lt 100 ] || bench_die "the receiver did not start"
		sleep 0.05
	done
}
stop_receiver() {
	kill "$rpid" 2>/dev/null || true
	wait "$rpid" 2>/dev/null || true
	rpid=
}
start_receiver 0
port=$(cat "$recv/port")

cat >"$dir/watch.yaml" <<EOF
sources:
  - pm2_home: $dir/pm2
pattern_sets: [omni]
state_dir: $dir/state
state:
  commit_interval: $commit
receivers:
  bench:
    url: http://127.0.0.1:$port/hook
    timeout: 2s
alerts:
  - {name: bench-fail, kind: failures, threshold: 1, window: 2s, repeat_interval: 24h}
EOF

# record N: trial N's failure record (one printf, so one write(2)).
record() {
	if [ "$kind" = line ]; then
		printf '[Omni] Failed to create ticket: Error: connect ECONNREFUSED 10.0.0.7:443 (bench trial %d)\n' "$1"
	else
		printf "[Omni] Failed to create ticket: {\n  status: false,\n  message: 'bench trial %d',\n  errors: {\n    file: '/srv/api/vendor/laravel/lumen-framework/src/Concerns/RoutesRequests.php',\n    message: '',\n    line: 229\n  }\n}\n" "$1"
	fi
}

# posts: how many requests the receiver recorded.
posts() {
	if [ -f "$recv/posts.jsonl" ]; then
		wc -l <"$recv/posts.jsonl" | tr -d ' '
	else
		echo 0
	fi
}
# wait_posts N WHAT: until the receiver has N posts (10 s at most).
wait_posts() {
	_w=0
	while [ "$(posts)" -lt "$1" ]; do
		_w=$((_w + 1))
		[ "$_w" -lt 2000 ] || bench_fail "no $2 notification within 10 s"
		sleep 0.005
	done
}
# post N JQ: a field of the Nth post (1-based).
post() {
	sed -n "${1}p" "$recv/posts.jsonl" | jq -r "$2"
}

# ---- run -----------------------------------------------------------------------

"$OMNIWATCH" watch -c "$dir/watch.yaml" >"$dir/watch.log" 2>&1 &
wpid=$!
i=0
until grep -q watching "$dir/watch.log" 2>/dev/null; do
	i=$((i + 1))
	[ "$i" -lt 100 ] || { cat "$dir/watch.log" >&2; bench_die "watch did not start"; }
	sleep 0.1
done
sleep 1
[ "$(posts)" -eq 0 ] || bench_fail "a notification before the first trial"
echo "bench: watch (pid $wpid), receiver on 127.0.0.1:$port; record '$kind'," \
	"idle_flush 200ms (default), commit_interval $commit; $trials trials"

: >"$dir/lat.txt"
n=0
trial=0
while [ "$trial" -lt "$trials" ]; do
	trial=$((trial + 1))
	# Restart the receiver well before its 300 s are up (nothing is in
	# flight: the last resolve has arrived).
	if [ $(($(date +%s) - rstart)) -gt 240 ]; then
		stop_receiver
		start_receiver "$port"
	fi
	rec=$(record "$trial")
	t0=$(date +%s%N)
	printf '%s\n' "$rec" >>"$log"
	wait_posts $((n + 1)) "firing (trial $trial)"
	n=$((n + 1))
	st=$(post "$n" '.body | fromjson | "\(.status) \(.alert)"')
	[ "$st" = "firing bench-fail" ] ||
		bench_fail "trial $trial: notification $n is '$st', not 'firing bench-fail'"
	post "$n" '.body | fromjson | .sample' | grep -q "bench trial $trial\\b" ||
		bench_fail "trial $trial: the firing notification's sample is not this trial's record"
	t1=$(post "$n" .t)
	awk -v t0="$t0" -v t1="$t1" 'BEGIN {
		# t0 in ns: split it, awk doubles lose nanoseconds past 2^53.
		s = substr(t0, 1, length(t0) - 9); ns = substr(t0, length(t0) - 8)
		printf "%.3f\n", (t1 - s) * 1000 - ns / 1e6 }' >>"$dir/lat.txt"
	wait_posts $((n + 1)) "resolved (trial $trial)"
	n=$((n + 1))
	st=$(post "$n" '.body | fromjson | .status')
	[ "$st" = resolved ] ||
		bench_fail "trial $trial: notification $n is '$st', not 'resolved'"
	[ $((trial % 10)) -ne 0 ] || printf 'bench: %d/%d trials, last %s ms\n' \
		"$trial" "$trials" "$(tail -n 1 "$dir/lat.txt")"
	sleep "$(awk -v s="$trial$$" 'BEGIN { srand(s); printf "%.3f", rand() * 0.5 }')"
done
kill -TERM "$wpid"
wait "$wpid" || bench_die "watch exited with $?"
wpid=
[ "$(posts)" -eq "$n" ] || bench_fail "$(posts) notifications, expected $n"

sort -n "$dir/lat.txt" | awk -v strict="${BENCH_STRICT:-0}" \
    -v kind="$kind" -v commit="$commit" '
{ v[NR] = $1; sum += $1 }
function pct(p,   r) {
	r = int(p / 100 * NR + 0.999999); if (r < 1) r = 1; if (r > NR) r = NR
	return v[r]
}
END {
	printf "alert latency, append -> receiver, ms (%d trials, record %s, idle_flush 200ms, commit_interval %s):\n",
	    NR, kind, commit
	printf "  min %7.1f  p50 %7.1f  mean %7.1f  p99 %7.1f  max %7.1f\n",
	    v[1], pct(50), sum / NR, pct(99), v[NR]
	ok = pct(99) <= 500
	printf "target: p99 <= 500 ms: %.1f ms, ratio %.2f  %s\n", pct(99), pct(99) / 500,
	    ok ? "ok" : "MISSED"
	if (strict && !ok)
		exit 1
}'
