# Sourced by the alert tests after tests/setup.sh and tests/watch-lib.sh:
# webhook receivers on 127.0.0.1 (tests/receiver.py) and helpers to count
# what they got.  All waits are bounded polls (wait_for), never sleeps.
. "$top_srcdir/tests/backtest-lib.sh"
RECEIVERS=

# start_receiver DIR [PORT]: a receiver recording into DIR.
start_receiver() {
	mkdir -p "$1"
	rm -f "$1/port" "$1/pid"
	python3 "$top_srcdir/tests/receiver.py" "$1" "${2:-0}" \
	    2>>"$1/stderr" &
	RECEIVERS="$RECEIVERS $!"
	wait_for "receiver in $1" test -s "$1/port"
}

# stop_receiver DIR: kills it (the port is free again at once).
stop_receiver() {
	kill "$(cat "$1/pid")" 2>/dev/null || true
	_sr_pid=$(cat "$1/pid")
	wait_for "receiver $1 to exit" sh -c "! kill -0 $_sr_pid"
}

set_mode() {
	printf '%s\n' "$2" > "$1/mode.tmp"
	mv "$1/mode.tmp" "$1/mode"
}

port_of() {
	cat "$1/port"
}

# posts DIR [JQ_SELECT]: how many requests DIR's receiver recorded, of
# those that match the select (e.g. '.code == 200').
posts() {
	[ -f "$1/posts.jsonl" ] || { echo 0; return; }
	jq -c "select(${2:-true})" "$1/posts.jsonl" | wc -l | tr -d ' '
}

# bodies DIR [JQ_SELECT]: the bodies (JSON lines) of the matching posts.
bodies() {
	[ -f "$1/posts.jsonl" ] || return 0
	jq -c "select(${2:-true}) | .body | fromjson" "$1/posts.jsonl"
}

posts_at_least() {
	[ "$(posts "$1" "${3:-true}")" -ge "$2" ]
}

posts_are() {
	[ "$(posts "$1" "${3:-true}")" -eq "$2" ]
}

# wait_posts DIR N [JQ_SELECT]: until DIR has N matching posts.
wait_posts() {
	wait_for "$2 post(s) to $1 matching ${3:-any} (now $(posts "$1" "${3:-true}"))" \
	    posts_at_least "$1" "$2" "${3:-true}"
	assert_eq "$(posts "$1" "${3:-true}")" "$2" "posts to $(basename "$1") matching ${3:-any}"
}

# now_stamp: a PM2 --time stamp for a line written now (UTC in tests).
now_stamp() {
	date -u +%Y-%m-%dT%H:%M:%S
}

# fail_lines N [TAG]: N failure lines of the test pattern set.
fail_lines() {
	_fl_s=$(now_stamp)
	for _fl_i in $(seq 1 "$1"); do
		echo "$_fl_s: req=${2:-x}$_fl_i ERROR upstream"
	done >> "$L"
}

ok_lines() {
	_ol_s=$(now_stamp)
	for _ol_i in $(seq 1 "$1"); do
		echo "$_ol_s: req=${2:-ok}$_ol_i SUCCESS"
	done >> "$L"
}

# alert_config DIR: starts a receiver recording into DIR and writes the
# config of the watch tests with it as receiver ops, ending in
# "alerts:", for the caller's rules.
alert_config() {
	start_receiver "$1"
	write_config
	cat >> "$CFG" <<Y
receivers:
  ops: {url: "http://127.0.0.1:$(port_of "$1")/hook", timeout: 2s, retry_initial: 100ms}
alerts:
Y
}

# now_is S: is the clock at second S (since the epoch) or later?
now_is() {
	[ "$(date +%s)" -ge "$1" ]
}

cleanup_alert() {
	for _ca_p in $RECEIVERS; do kill "$_ca_p" 2>/dev/null || true; done
	cleanup_watch
}
trap cleanup_alert EXIT

# The pattern set of the alert tests: SUCCESS and two failure classes.
cat > "$T/alerting.yaml" <<'Y'
name: errors
success:
  - 'SUCCESS'
failure:
  - class: notfound
    regex: 'ERROR.*404'
    diagnosis: The route is not deployed.
  - class: error
    regex: 'ERROR'
    diagnosis: Something failed upstream.
Y
PATTERNS=$T/alerting.yaml
export PATTERNS
