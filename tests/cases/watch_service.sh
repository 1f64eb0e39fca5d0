#!/bin/sh
# watch under systemd (issue 11): Type=notify with a watchdog.  Without
# systemd, the test listens on a NOTIFY_SOCKET of its own (a unix
# datagram socket, sd_notify(3)) and checks what watch says: READY=1 once
# started, WATCHDOG=1 at half WATCHDOG_USEC, RELOADING=1 then READY=1 on
# SIGHUP, STOPPING=1 on SIGTERM; and its pid in the lock check reads.
. "$top_srcdir/tests/setup.sh"
. "$top_srcdir/tests/watch-lib.sh"
command -v python3 >/dev/null || { echo "skip: no python3 for the notify socket"; exit 77; }

N=$T/notify.log
python3 "$top_srcdir/tests/notify-listen.py" "$T/notify.sock" "$N" &
LPID=$!
trap 'kill $LPID 2>/dev/null || true; cleanup_watch' EXIT
wait_for "the listener" test -e "$N.ready"

lines() {
	_l_n=$(grep -c "$1" "$N" 2>/dev/null) || true
	echo "${_l_n:-0}"
}
at_least() { [ "$(lines "$1")" -ge "$2" ]; }

write_config
NOTIFY_SOCKET=$T/notify.sock WATCHDOG_USEC=400000 start_watch
wait_for "READY=1" at_least '^READY=1|STATUS=following [0-9]* file(s) of 1 source(s)$' 1
assert_eq "$(head -n 1 "$N" | cut -d'|' -f1)" "READY=1" "READY=1 comes first"
wait_for "watchdog pings every 200 ms" at_least '^WATCHDOG=1$' 5
assert_eq "$(head -n 1 "$T/state/watch.lock")" "$WPID" "the lock holds watch's pid"

kill -HUP "$WPID"
wait_for "READY=1 after the reload" at_least '^READY=1' 2
grep -n '^RELOADING=1' "$N" | head -n 1 | cut -d: -f1 > "$T/rl"
grep -n '^READY=1' "$N" | sed -n 2p | cut -d: -f1 > "$T/rd"
[ "$(cat "$T/rl")" -lt "$(cat "$T/rd")" ] || fail "RELOADING=1 before the second READY=1"
echo "ok: RELOADING=1, then READY=1"

stop_watch
at_least '^STOPPING=1|' 1 || fail "STOPPING=1 on SIGTERM: $(cat "$N")"
echo "ok: STOPPING=1"
pings=$(lines '^WATCHDOG=1$')
sleep 0.5
assert_eq "$(lines '^WATCHDOG=1$')" "$pings" "no ping once stopped"

echo "# without WATCHDOG_USEC: no pings, READY=1 still"
: > "$N"
NOTIFY_SOCKET=$T/notify.sock start_watch
wait_for "READY=1" at_least '^READY=1' 1
sleep 0.5
assert_eq "$(lines '^WATCHDOG=1$')" 0 "no watchdog asked, none sent"
stop_watch
