#!/bin/sh
# consecutive_failures follows the records' stamps, not the order watch
# reads them in (omniwatch.yaml(5), ALERT RULES).  PM2 writes an app's
# failures to <app>-error.log and its successes to <app>-out.log, and
# watch reads each modified file in one go: traffic that alternates
# failure, success, failure... arrives as F F F S S S (or S S S F F F)
# and must not fire.  watch is stopped (SIGSTOP) while both chunks are
# written, so that one wakeup reads both, as under load.
. "$top_srcdir/tests/setup.sh"
. "$top_srcdir/tests/watch-lib.sh"
. "$top_srcdir/tests/alert-lib.sh"

R=$T/recv
start_receiver "$R"
write_config
cat >> "$CFG" <<Y
receivers:
  ops:
    url: http://127.0.0.1:$(port_of "$R")/hook
    retry_initial: 100ms
alerts:
  - {name: streak, kind: consecutive_failures, threshold: 3, window: 5m}
Y

# stamp N: a PM2 --time stamp N seconds after BASE (whole seconds).
BASE=$(($(date -u +%s) - 60))
stamp() {
	date -u -d "@$((BASE + $1))" +%Y-%m-%dT%H:%M:%S
}

# fail_at FILE N...: failure lines stamped N...; ok_at likewise.
fail_at() {
	_fa_f=$1
	shift
	for _fa_n; do
		echo "$(stamp "$_fa_n"): req=f$_fa_n ERROR upstream"
	done >> "$_fa_f"
}

ok_at() {
	_oa_f=$1
	shift
	for _oa_n; do
		echo "$(stamp "$_oa_n"): req=s$_oa_n SUCCESS"
	done >> "$_oa_f"
}

# quiet_posts N WHAT: N posts, and still N a moment later.
quiet_posts() {
	_qp_i=0
	while [ $_qp_i -lt 10 ]; do
		[ "$(posts "$R")" -eq "$1" ] || {
			bodies "$R" >&2
			fail "$2: $(posts "$R") posts, expected $1"
		}
		sleep 0.1
		_qp_i=$((_qp_i + 1))
	done
	echo "ok: $2: still $1 post(s)"
}

# alternate FIRST SECOND N: F S F S F S stamped N to N+5, written as a
# chunk to FIRST then one to SECOND (an -error.log and an -out.log) while
# watch is stopped; then no notification.  Which file tail reads first is
# its business (the order of the writes, or of its list of files), so
# both orders are written, to either app.
alternate() {
	_al_n=$3
	kill -STOP "$WPID"
	for _al_f in "$1" "$2"; do
		case $_al_f in
		*-error.log)
			fail_at "$_al_f" $_al_n $((_al_n + 1)) $((_al_n + 2)) \
			    $((_al_n + 3)) $((_al_n + 4)) $((_al_n + 5)) ;;
		*)
			ok_at "$_al_f" $_al_n $((_al_n + 1)) $((_al_n + 2)) \
			    $((_al_n + 3)) $((_al_n + 4)) $((_al_n + 5)) ;;
		esac
	done
	kill -CONT "$WPID"
	COUNTED=$((COUNTED + 6))
	wait_count $COUNTED
	wait_count $COUNTED successes
	quiet_posts 0 "F S F S F S written to $(basename "$1") first"
}

E2=$D/other-api-error.log
L2=$D/other-api-out.log
COUNTED=0
start_watch
echo "# alternating failures and successes never fire"
alternate "$E" "$L" 1
alternate "$L2" "$E2" 7
alternate "$L" "$E" 13
alternate "$E2" "$L2" 19

echo "# a real streak after a success fires, with the exact streak"
# F@25 and S@25 share a second: the success is taken as the later.
kill -STOP "$WPID"
fail_at "$E" 25 26 26 27 27
ok_at "$L" 25 25
kill -CONT "$WPID"
wait_posts "$R" 1
assert_eq "$(bodies "$R" | jq -r .status)" firing "the notification"
assert_eq "$(bodies "$R" | jq -r .consecutive_failures)" 3 \
    "the streak when read (the last line of each file waits for idle_flush)"
stop_watch
