#!/bin/sh
# Alert rules (omniwatch.yaml(5), ALERTS) against a running watch and a
# receiver on 127.0.0.1: each kind fires once, says nothing more while
# firing, repeats only after repeat_interval, resolves once with the same
# id, and a restart (SIGTERM or kill -9) neither fires again nor forgets.
# Counts of notifications are exact.
. "$top_srcdir/tests/setup.sh"
. "$top_srcdir/tests/watch-lib.sh"
. "$top_srcdir/tests/alert-lib.sh"

R=$T/recv
start_receiver "$R"

# alert_config RULE_YAML: the watch config with one receiver and RULE.
alert_config() {
	write_config
	cat >> "$CFG" <<Y
receivers:
  ops:
    url: http://127.0.0.1:$(port_of "$R")/hook
    timeout: 2s
    retry_initial: 100ms
alerts:
$1
Y
}

# quiet N WHAT: N posts to R, and still N a moment later (nothing early).
quiet() {
	_q_i=0
	while [ $_q_i -lt 10 ]; do
		[ "$(posts "$R")" -eq "$1" ] || fail "$2: $(posts "$R") posts, expected $1"
		sleep 0.1
		_q_i=$((_q_i + 1))
	done
	echo "ok: $2: still $1 post(s)"
}

# field N JQ: a field of the Nth (1-based) body.
field() {
	bodies "$R" | sed -n "${1}p" | jq -r "$2"
}

reset() {
	stop_watch
	rm -rf "$D"/* "$T/state" "$CFG" "$R/posts.jsonl"
}

echo "# failures: fires at the threshold, once; resolves when the window empties"
alert_config "  - {name: fails, kind: failures, threshold: 3, window: 8s}"
start_watch
fail_lines 2
wait_count 2
quiet 0 "below the threshold"
fail_lines 1
wait_posts "$R" 1
assert_eq "$(field 1 .status)" firing "first notification"
assert_eq "$(field 1 .alert)" fails "alert name"
assert_eq "$(field 1 .failures)" 3 "failures in the window"
assert_eq "$(field 1 .counts.error)" 3 "counts by class"
assert_eq "$(field 1 .dominant_class)" error "dominant class"
assert_eq "$(field 1 .diagnosis)" "Something failed upstream." "its diagnosis"
assert_eq "$(field 1 '.apps | join(",")')" demo-api "apps"
fail_lines 3 more
wait_count 6
assert_eq "$(posts "$R")" 1 "no notification while firing"
wait_posts "$R" 2
assert_eq "$(field 2 .status)" resolved "second notification"
assert_eq "$(field 2 .id)" "$(field 1 .id)" "same id on resolve"
quiet 2 "after resolving"
reset

echo "# failure_rate: min_events, then the rate both ways"
alert_config "  - {name: rate, kind: failure_rate, threshold: 0.5, min_events: 4, window: 1m}"
start_watch
fail_lines 1 a; ok_lines 1 a; fail_lines 1 b
wait_count 2
quiet 0 "3 events < min_events"
fail_lines 1 c
wait_posts "$R" 1
assert_eq "$(field 1 .failure_rate)" 0.75 "rate when firing"
ok_lines 2 b
wait_count 3 successes "successes so far"
quiet 1 "rate 3/6 is still >= 0.5"
ok_lines 2 c
wait_posts "$R" 2
assert_eq "$(field 2 .status)" resolved "resolved below the rate"
assert_eq "$(field 2 .successes)" 4 "successes when resolved (3 of 7)"
reset

echo "# consecutive_failures: a success ends the streak"
alert_config "  - {name: streak, kind: consecutive_failures, threshold: 3, window: 1m}"
start_watch
fail_lines 2 a; ok_lines 1; fail_lines 2 b
wait_count 4
quiet 0 "streak of 2"
fail_lines 1 c
wait_posts "$R" 1
assert_eq "$(field 1 .consecutive_failures)" 3 "the streak"
ok_lines 1 d
wait_posts "$R" 2
assert_eq "$(field 2 .status)" resolved "a success resolves"
reset

echo "# no_success: a window without success fires; a success resolves"
alert_config "  - {name: silent, kind: no_success, window: 2s}"
start_watch
wait_posts "$R" 1
assert_eq "$(field 1 .kind)" no_success "kind"
assert_eq "$(field 1 .threshold)" null "no threshold"
ok_lines 1
wait_posts "$R" 2
assert_eq "$(field 2 .status)" resolved "resolved by a success"
reset

echo "# for and repeat_interval: pending first, then a repeat with the same id"
alert_config "  - {name: slow, kind: failures, threshold: 1, window: 1m, for: 3s, repeat_interval: 2s}"
start_watch
fail_lines 1
wait_count 1
quiet 0 "pending during for"
wait_posts "$R" 1
wait_posts "$R" 2
assert_eq "$(field 2 .status)" firing "the repeat is firing"
assert_eq "$(field 2 .id)" "$(field 1 .id)" "same id on repeat"
gap=$(jq -s '(.[1].t - .[0].t) >= 1.9' "$R/posts.jsonl")
assert_eq "$gap" true "repeat not before repeat_interval"
reset

echo "# restart: neither fires again nor forgets (SIGTERM, then kill -9)"
alert_config "  - {name: fails, kind: failures, threshold: 3, window: 10s}"
start_watch
fail_lines 3
wait_posts "$R" 1
stop_watch
start_watch
quiet 1 "no second firing after SIGTERM and start"
kill9_watch
start_watch
quiet 1 "no second firing after kill -9 and start"
wait_posts "$R" 2
assert_eq "$(field 2 .status)" resolved "resolved after the restarts"
assert_eq "$(field 2 .id)" "$(field 1 .id)" "same id across restarts"
stop_watch
start_watch
quiet 2 "no second resolve after restart"
stop_watch

echo "# a condition that became true while stopped fires at start"
fail_lines 3 down
start_watch
wait_posts "$R" 3
assert_eq "$(field 3 .status)" firing "fired after start"
[ "$(field 3 .id)" != "$(field 1 .id)" ] || fail "a new episode has a new id"
echo "ok: new episode, new id"
stop_watch
