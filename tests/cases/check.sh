#!/bin/sh
# omniwatch check, the monitoring plugin (issue 5, part 1): one line, exit
# 0/1/2/3 at each threshold, --no-success-critical, a missing, corrupt or
# stale state, and usage errors.  The state is built by a real `omniwatch
# watch` on crafted PM2 logs stamped relative to now.
. "$top_srcdir/tests/setup.sh"
. "$top_srcdir/tests/watch-lib.sh"
. "$top_srcdir/tests/check-lib.sh"

# stamp MINUTES_AGO: a PM2 --time stamp (local time = UTC here).
now=$(date +%s)
stamp() {
	date -u -d "@$((now - $1 * 60))" +%Y-%m-%dT%H:%M:%S
}

# 2 successes 42 minutes ago; then, 5 minutes ago, 8 Lumen 404s, 2 other
# failures and one damaged success (no ticket_number).
s42=$(stamp 42)
s5=$(stamp 5)
for i in 1 2; do
	echo "$s42: [Omni] Ticket created successfully: { ticketId: $i, ticket_number: 'TCK-$i' }"
done > "$D/desk-out.log"
for i in 1 2 3 4 5 6 7 8; do
	cat <<L
$s5: [Omni] Failed to create ticket: {
$s5:   status: false,
$s5:   errors: { file: '/srv/api/vendor/laravel/lumen-framework/src/Concerns/RoutesRequests.php' }
$s5: }
L
done > "$D/desk-error.log"
for i in 1 2; do
	echo "$s5: [Omni] Failed to create ticket: { status: false, message: 'validation failed' }"
done >> "$D/desk-error.log"
echo "$s5: [Omni] Ticket created successfully: { ticketId: 99 }" >> "$D/desk-out.log"

PATTERNS=omni write_config
start_watch
wait_count 10 failures "failures committed"
wait_count 2 successes "successes committed"
# watch keeps running: without it check is CRITICAL whatever the rates
# (check_watch.sh).

echo "# thresholds over the last hour: 10 failures, 2 successes, rate 0.8333"
assert_eq "$(run_check --window 1h --warning 0.1 --critical 0.5)" 2 "critical above 0.5"
assert_eq "$(cat "$T/out")" "OMNIWATCH CRITICAL - failure rate 83% (10/12) in 1h, 1 damaged, last success 42m ago | failures=10;;;0 successes=2;;;0 damaged=1;;;0 rate=0.8333;0.1;0.5;0;1" "the one line"
[ ! -s "$T/err" ] || fail "nothing on stderr: $(cat "$T/err")"
assert_eq "$(run_check --window 1h --warning 0.5 --critical 0.9)" 1 "warning between"
grep -q '^OMNIWATCH WARNING - failure rate 83% (10/12) in 1h' "$T/out" || fail "warning line: $(cat "$T/out")"
assert_eq "$(run_check --window 1h --warning 0.9 --critical 0.95)" 0 "ok below"
grep -q '^OMNIWATCH OK - ' "$T/out" || fail "ok line: $(cat "$T/out")"
assert_eq "$(run_check --window 1h --warning 50% --critical 90%)" 1 "percentages"
assert_eq "$(run_check --window 1h)" 0 "no thresholds: ok"
grep -q 'rate=0.8333;;;0;1$' "$T/out" || fail "perfdata without thresholds: $(cat "$T/out")"

echo "# the last 15 minutes: 10 failures, no success: rate 1"
assert_eq "$(run_check --warning 0.1 --critical 0.5)" 2 "default window 15m"
grep -q '^OMNIWATCH CRITICAL - failure rate 100% (10/10) in 15m' "$T/out" || fail "15m line: $(cat "$T/out")"
# A rate equal to the threshold is not above it.
assert_eq "$(run_check --warning 0.5 --critical 1)" 1 "rate 1 is not above critical 1"
assert_eq "$(run_check --warning 1 --critical 1)" 0 "rate 1 is not above warning 1"

echo "# --no-success-critical: the last success was 42 minutes ago"
assert_eq "$(run_check --warning 1 --critical 1 --no-success-critical 30m)" 2 "no success in 30m"
grep -q 'last success 4[23]m ago (none in 30m)' "$T/out" || fail "no-success line: $(cat "$T/out")"
assert_eq "$(run_check --warning 1 --critical 1 --no-success-critical 1h)" 0 "a success within 1h"

echo "# an empty window"
assert_eq "$(run_check --window 2m --warning 0.1 --critical 0.5)" 0 "nothing in 2m: ok"
grep -q '^OMNIWATCH OK - no outcomes in 2m, last success 4[23]m ago | failures=0;;;0 successes=0;;;0 damaged=0;;;0 rate=U;0.1;0.5;0;1$' "$T/out" || fail "empty line: $(cat "$T/out")"

echo "# pattern sets"
assert_eq "$(run_check --pattern-set omni --window 1h --critical 0.5)" 2 "--pattern-set omni"
assert_eq "$(run_check --pattern-set nosuch)" 3 "unknown pattern set"
grep -q "^OMNIWATCH UNKNOWN - pattern set 'nosuch' is not in $CFG" "$T/out" || fail "unknown set line: $(cat "$T/out")"

echo "# a stale state: watch stalled (SIGSTOP, its heartbeat still fresh) while the app kept writing"
kill -STOP "$WPID"
echo "$(stamp 0): [Omni] Failed to create ticket: { status: false }" >> "$D/desk-error.log"
# Not stale while the offset is younger than --stale (default >= 10m).
assert_eq "$(run_check --window 1h --critical 0.5)" 2 "fresh offset: not stale"
stale() { [ "$(run_check --window 1h --stale 1s)" = 3 ]; }
wait_for "check to call the state stale" stale
grep -q "^OMNIWATCH UNKNOWN - state is stale: $D/desk-error.log has [0-9]* bytes not counted since .* (limit 1s); watch runs but commits nothing: it may not write its state (a full disk?) or is stuck; its log says which$" "$T/out" ||
	fail "stale line: $(cat "$T/out")"
# watch catches up: not stale any more, and the new failure counts.
kill -CONT "$WPID"
wait_count 11 failures "caught up"
assert_eq "$(run_check --window 1h --stale 1s)" 0 "caught up: not stale"
grep -q '(11/13)' "$T/out" || fail "caught-up line: $(cat "$T/out")"
# An idle log is not stale, however old its offset.
sleep 1.1
assert_eq "$(run_check --window 1h --stale 1s)" 0 "idle log: not stale"

echo "# no state, a corrupt state"
SAVED=$CFG
CFG=$T/nostate.yaml
sed "s|state_dir: .*|state_dir: $T/nostate|" "$SAVED" > "$CFG"
assert_eq "$(run_check)" 3 "missing state"
assert_eq "$(cat "$T/out")" "OMNIWATCH UNKNOWN - no state at $T/nostate/omniwatch.db: has omniwatch watch run with this config?" "missing state line"
[ ! -e "$T/nostate" ] || fail "check must not create the state"
mkdir -p "$T/nostate"
head -c 4096 /dev/zero | tr '\0' x > "$T/nostate/omniwatch.db"
assert_eq "$(run_check)" 3 "corrupt state"
grep -q "^OMNIWATCH UNKNOWN - $T/nostate/omniwatch.db: .*file is not a database" "$T/out" || fail "corrupt line: $(cat "$T/out")"
CFG=$SAVED

echo "# a source whose directory is not there is UNKNOWN, not OK"
sed "s|pm2_home: .*|pm2_home: $T/typo-pm2|" "$SAVED" > "$T/typo.yaml"
CFG=$T/typo.yaml
assert_eq "$(run_check)" 3 "missing source directory"
assert_eq "$(cat "$T/out")" "OMNIWATCH UNKNOWN - source $T/typo-pm2: $T/typo-pm2/logs: No such file or directory; is the config right?" "missing source line"
CFG=$SAVED

echo "# usage errors are UNKNOWN too"
assert_eq "$(run_check --warning 0.6 --critical 0.5)" 3 "warning above critical"
grep -q "^OMNIWATCH UNKNOWN - --warning 0.6 is above --critical 0.5" "$T/out" || fail "warning above critical line: $(cat "$T/out")"
assert_eq "$(run_check --warning 2)" 3 "rate above 1"
grep -q "^OMNIWATCH UNKNOWN - --warning '2': expected a failure rate" "$T/out" || fail "bad rate line"
grep -q '^usage: omniwatch check' "$T/err" || fail "usage on stderr"
assert_eq "$(run_check --window 0s)" 3 "an empty window"
assert_eq "$(run_check --bogus)" 3 "unknown option"
set +e
"$OMNIWATCH" check > "$T/out" 2> "$T/err"; rc=$?
set -e
assert_eq "$rc" 3 "no -c"
grep -q '^OMNIWATCH UNKNOWN - no config' "$T/out" || fail "no -c line"
set +e
"$OMNIWATCH" check -c "$T/nope.yaml" > "$T/out" 2> "$T/err"; rc=$?
set -e
assert_eq "$rc" 3 "missing config"
assert_eq "$(cat "$T/out")" "OMNIWATCH UNKNOWN - $T/nope.yaml: cannot read: No such file or directory" "missing config line"

echo "# a source directory check may not list: UNKNOWN, not OK"
# watch may run as the apps' user and read what the monitoring user
# cannot: check cannot tell then which files watch should follow.  Root
# lists anything (CAP_DAC_READ_SEARCH), so as root check runs without it.
CHECK=$OMNIWATCH
if [ "$(id -u)" = 0 ]; then
	caps=-dac_override,-dac_read_search
	if setpriv --inh-caps=$caps --bounding-set=$caps true 2>/dev/null; then
		CHECK="setpriv --inh-caps=$caps --bounding-set=$caps $OMNIWATCH"
	else
		CHECK=
		echo "skip: root, and setpriv cannot drop CAP_DAC_READ_SEARCH here"
	fi
fi
if [ -n "$CHECK" ]; then
	mkdir -p "$T/hidden"
	printf 'sources:\n  - path: %s/hidden/*.log\nstate_dir: %s/hstate\n' "$T" "$T" > "$T/hidden.yaml"
	chmod 000 "$T/hidden"
	set +e
	$CHECK check -c "$T/hidden.yaml" > "$T/out" 2> "$T/err"; rc=$?
	set -e
	chmod 755 "$T/hidden"
	assert_eq "$rc" 3 "an unlistable source: unknown"
	grep -q "^OMNIWATCH UNKNOWN - source $T/hidden/\*.log: cannot list $T/hidden: Permission denied; check cannot tell which files watch should follow" "$T/out" ||
		fail "an unlistable source: $(cat "$T/out")"
fi

echo "# an unstamped success is at the end of its minute, or now"
# tester9 08: PM2 without --time stamps nothing, and check took the last
# success to be at the start of its minute, so that with a success every
# second --no-success-critical 30s was CRITICAL from second 30 of every
# minute.  The success is written once 3 s of a minute have gone (a
# bounded wait), so that its minute began longer ago than the limit (2s).
in_minute() {
	_im_s=$(date +%S)
	_im_s=${_im_s#0}
	[ "$_im_s" -ge 3 ] && [ "$_im_s" -le 50 ]
}
wait_for "second 3 to 50 of a minute" in_minute
echo "[Omni] Ticket created successfully: { ticketId: 100, ticket_number: 'TCK-100' }" >> "$D/desk-out.log"
wait_count 3 successes "an unstamped success committed"
assert_eq "$(run_check --window 1h --warning 1 --critical 1 --no-success-critical 2s)" 0 \
    "an unstamped success of this minute: not CRITICAL ($(cat "$T/out"))"
grep -q ', last success [01]s ago |' "$T/out" || fail "unstamped last success: $(cat "$T/out")"
