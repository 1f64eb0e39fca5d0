#!/bin/sh
# Webhook delivery (../shared/cases K12 and its kin): a hung, failing,
# throttling, refusing or dead receiver never delays counting; every POST
# is bounded by timeouts; 5xx, 429 and timeouts are retried with capped
# backoff (Retry-After honoured), other 4xx are not; SIGTERM exits at once
# during a hung POST; a pending notification survives SIGTERM and kill -9
# and is delivered exactly once, with the same id, when the receiver
# recovers; the spool is bounded; bodies are signed.
. "$top_srcdir/tests/setup.sh"
. "$top_srcdir/tests/watch-lib.sh"
. "$top_srcdir/tests/alert-lib.sh"

# delivery_config RECEIVER_DIR [EXTRA_RECEIVER_YAML] [RULE_YAML]
RULE='  - {name: k12, kind: failures, threshold: 1, window: 1h, repeat_interval: 1h}'
delivery_config() {
	write_config
	cat >> "$CFG" <<Y
receivers:
  ops:
    url: http://127.0.0.1:$(port_of "$1")/hook
    timeout: 1s
    connect_timeout: 500ms
    retry_initial: 200ms
    retry_max: 1s
${2:-}
alerts:
${3:-$RULE}
Y
}

# quiet DIR N WHAT [SELECT]: N matching posts, and still N a moment later.
quiet() {
	_q_i=0
	while [ $_q_i -lt 10 ]; do
		[ "$(posts "$1" "${4:-true}")" -eq "$2" ] ||
		    fail "$3: $(posts "$1" "${4:-true}") posts, expected $2"
		sleep 0.1
		_q_i=$((_q_i + 1))
	done
	echo "ok: $3: still $2"
}

# stop_fast: SIGTERM must end watch within 2 s, whatever is in flight.
stop_fast() {
	kill -TERM "$WPID"
	_sf_i=0
	while kill -0 "$WPID" 2>/dev/null; do
		_sf_i=$((_sf_i + 1))
		[ $_sf_i -lt 20 ] || fail "$1: watch still running 2 s after SIGTERM"
		sleep 0.1
	done
	wait "$WPID" || fail "$1: watch exited with status $?"
	WPID=
	echo "ok: $1: exited within 2 s of SIGTERM"
}

# write_slowly N: N failure lines at 100 per second, in the background.
write_slowly() {
	( for _ws_i in $(seq 1 $(($1 / 10))); do
		fail_lines 10 "s${_ws_i}x"
		sleep 0.1
	done ) &
	WRITER=$!
}

reset() {
	[ -z "$WPID" ] || stop_watch
	rm -rf "$D"/* "$T/state" "$CFG"
}

for mode in hang 500; do
	echo "# K12 a receiver that answers '$mode': 500 lines at 100/s"
	R=$T/k12-$mode
	start_receiver "$R"
	set_mode "$R" "$mode"
	delivery_config "$R"
	start_watch
	write_slowly 500
	wait "$WRITER"
	WAIT_S=3 wait_count 500 failures "K12 $mode: all 500 lines counted within 3 s of the last"
	wait_posts_min() { posts_at_least "$R" 3; }
	wait_for "3 attempts to the $mode receiver" wait_posts_min
	ids=$(bodies "$R" | jq -r .id | sort -u | wc -l | tr -d ' ')
	assert_eq "$ids" 1 "K12 $mode: every retry carries the same id"
	assert_eq "$(bodies "$R" | jq -r .status | sort -u)" firing "K12 $mode: retries of the firing notice"
	# Backoff: 200 ms doubling, capped at 1 s, jittered by up to half.
	gaps=$(jq -s '[range(1; length) as $i | .[$i].t - .[$i - 1].t]' "$R/posts.jsonl")
	echo "K12 $mode gaps: $gaps"
	if [ "$mode" = 500 ]; then
		assert_eq "$(echo "$gaps" | jq '.[0] >= 0.09 and .[0] < 0.6')" true "K12 500: first retry after 100-200 ms"
		grep -q "HTTP 500 for alert 'k12' (id [0-9a-f]*): upstream broken; retry" "$WLOG" ||
			fail "K12 500: the status and the first line of the answer are logged"
		! grep -q 'second line' "$WLOG" || fail "K12 500: only the first line is logged"
	else
		# A hung POST ends at the 1 s total timeout, then backs off.
		assert_eq "$(echo "$gaps" | jq 'all(.[]; . >= 1.0)')" true "K12 hang: each POST lasts the 1 s timeout"
		grep -q "Timeout was reached for alert 'k12'" "$WLOG" ||
			fail "K12 hang: the timeout is logged"
	fi
	assert_eq "$(echo "$gaps" | jq 'all(.[]; . < 2.6)')" true "K12 $mode: backoff capped"
	stop_fast "K12 $mode"
	n=$(posts "$R")
	set_mode "$R" ok
	start_watch
	wait_posts "$R" 1 '.code == 200'
	first_id=$(bodies "$R" | head -n 1 | jq -r .id)
	assert_eq "$(bodies "$R" '.code == 200' | jq -r .id)" "$first_id" "K12 $mode: delivered with the id it was retried with"
	quiet "$R" 1 "K12 $mode: delivered exactly once" '.code == 200'
	assert_eq "$(posts "$R")" $((n + 1)) "K12 $mode: no attempt after delivery"
	reset
done

echo "# 429 with Retry-After: the next attempt waits for it"
R=$T/r429
start_receiver "$R"
set_mode "$R" 429:2
delivery_config "$R"
start_watch
fail_lines 1
wait_posts "$R" 1
set_mode "$R" ok
wait_posts "$R" 1 '.code == 200'
gap=$(jq -s '.[1].t - .[0].t' "$R/posts.jsonl")
assert_eq "$(echo "$gap" | jq '. >= 1.9')" true "Retry-After: 2 honoured ($gap s)"
reset

echo "# 400: logged with the first line of the answer, not retried"
R=$T/r400
start_receiver "$R"
set_mode "$R" 400
delivery_config "$R"
start_watch
fail_lines 1
wait_posts "$R" 1
wait_for "the 400 to be logged" grep -q "HTTP 400 for alert 'k12' (id [0-9a-f]*, firing); not retried: bad payload: no such field$" "$WLOG"
quiet "$R" 1 "400 is not retried"
stop_watch
start_watch
quiet "$R" 1 "a refused notification is not spooled again"
reset

echo "# kill -9 while a notification is in flight: delivered after restart, same id"
R=$T/r9
start_receiver "$R"
set_mode "$R" hang
delivery_config "$R"
start_watch
fail_lines 1
wait_posts "$R" 1
hung_id=$(bodies "$R" | jq -r .id | head -n 1)	# a retry may follow
kill9_watch
set_mode "$R" ok
start_watch
wait_posts "$R" 1 '.code == 200'
assert_eq "$(bodies "$R" '.code == 200' | jq -r .id)" "$hung_id" "same id after kill -9"
quiet "$R" 1 "delivered once after kill -9" '.code == 200'
reset

echo "# down, then up on the same port; the body is signed"
R=$T/rdown
start_receiver "$R"
port=$(port_of "$R")
stop_receiver "$R"
printf 'k3y-for-tests\n' > "$T/ops.secret"
chmod 600 "$T/ops.secret"
delivery_config "$R" "    secret_file: $T/ops.secret
    headers: {X-Team: servicedesk}"
start_watch
fail_lines 1
wait_for "connection errors to be retried" grep -q "receiver 'ops' (http://127.0.0.1:$port): Couldn't connect to server for alert 'k12' (id [0-9a-f]*); retry 2" "$WLOG"
start_receiver "$R" "$port"
wait_posts "$R" 1 '.code == 200'
quiet "$R" 1 "delivered once when up" '.code == 200'
jq -r '.body' "$R/posts.jsonl" | tr -d '\n' > "$T/body"
want=$(python3 -c 'import hmac,hashlib,sys; print("sha256=" + hmac.new(b"k3y-for-tests", open(sys.argv[1],"rb").read(), hashlib.sha256).hexdigest())' "$T/body")
assert_eq "$(jq -r '.headers["x-omniwatch-signature"]' "$R/posts.jsonl")" "$want" "X-Omniwatch-Signature is HMAC-SHA256 of the body"
assert_eq "$(jq -r '.headers["x-team"]' "$R/posts.jsonl")" servicedesk "configured header"
assert_eq "$(jq -r '.headers["x-omniwatch-id"]' "$R/posts.jsonl")" "$(bodies "$R" | jq -r .id)" "X-Omniwatch-Id header"
! grep -q 'k3y-for-tests' "$WLOG" || fail "the secret is never logged"
! grep -q '/hook' "$WLOG" || fail "the receiver's path is never logged"
echo "ok: neither the secret nor the URL's path is logged"
reset

echo "# a full spool drops the oldest, counted and logged"
R=$T/rspool
start_receiver "$R"
port=$(port_of "$R")
stop_receiver "$R"
delivery_config "$R" "    spool_max: 3" \
    "  - {name: k12, kind: failures, threshold: 1, window: 3s, repeat_interval: 500ms}"
start_watch
fail_lines 1
wait_for "the alert to resolve" grep -q "alert 'k12' resolved" "$WLOG"
dropped=$(grep -c "receiver 'ops': spool full (3); dropped the oldest notification" "$WLOG")
[ "$dropped" -ge 2 ] || fail "spool: $dropped drops logged, expected the repeats beyond 3"
echo "ok: $dropped notifications dropped and logged"
start_receiver "$R" "$port"
wait_posts "$R" 3 '.code == 200'
quiet "$R" 3 "the 3 newest delivered" '.code == 200'
assert_eq "$(bodies "$R" | tail -n 1 | jq -r .status)" resolved "the resolve is among them, last"
stop_watch
