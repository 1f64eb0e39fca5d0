#!/bin/sh
# The metrics listener cannot be blinded (issue 14, the trust review):
# clients that hold more connections than the listener serves at once
# (16), sending a request line and then nothing, are closed after 5
# seconds of silence, and the listener serves again by itself; while they
# hold it, watch goes on counting.  Before the fix, libmicrohttpd's
# listening socket left its epoll set at the limit and never came back:
# nothing was accepted again, even after every client had gone.
# All connections go to 127.0.0.1.
. "$top_srcdir/tests/setup.sh"
. "$top_srcdir/tests/watch-lib.sh"

write_config
printf 'metrics:\n  listen: 127.0.0.1:0\n' >> "$CFG"
start_watch
port=$(sed -n 's|^omniwatch: metrics on http://[0-9.]*:\([0-9]*\)/metrics$|\1|p' "$WLOG" | tail -n 1)
[ -n "$port" ] || fail "the listen address is logged"
U=http://127.0.0.1:$port/metrics

# hold N SECONDS: N connections that send a request line and nothing more,
# held SECONDS (or until killed), then closed; "held" is written once all
# are connected.
hold() {
	python3 - "$port" "$1" "$2" "$T/held" <<'P'
import socket, sys, time
port, n, secs, mark = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
socks = []
for _ in range(n):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"GET /metrics HTTP/1.1\r\n")
    socks.append(s)
open(mark, "w").close()
time.sleep(secs)
for s in socks:
    s.close()
P
}

# Served within SECONDS (curl's whole deadline), else fail with WHAT.
served_within() {
	code=$(curl -s -m "$1" -o "$T/page" -w '%{http_code}' "$U") || true
	assert_eq "$code" 200 "$2"
	grep -q '^omniwatch_records_total' "$T/page" || fail "$2: not the metrics page"
}

# 40 idle connections, held for good: counting goes on meanwhile, and
# /metrics answers once the first ones time out (16 served, the rest and
# curl queued: curl's turn comes after two or three rounds of 5 s).
rm -f "$T/held"
hold 40 600 &
HOLDER=$!
trap 'kill "$HOLDER" 2>/dev/null || true; cleanup_watch' EXIT
wait_for "the idle connections" test -f "$T/held"
printf 'ERROR one\nERROR two\nERROR three\n' >> "$L"
wait_count 3 failures "counted while the listener is full"
served_within 60 "/metrics while 40 idle connections are held"

# The holders gone (their connections closed, some never accepted): at
# once.
kill "$HOLDER"
wait "$HOLDER" 2>/dev/null || true
served_within 10 "/metrics once the holders are gone"

# Clients that connect, send a request line and hang up at once, over
# the limit.  libmicrohttpd 0.9.75 reads such a request line and misses
# the end of the stream behind it (it waits for the next edge of its
# edge-triggered epoll), so each of them holds a place until the 5 s
# time-out: 40 of them are three rounds, and the listener is back.
rm -f "$T/held"
hold 40 0
served_within 45 "/metrics after 40 connections that hung up"
printf 'ERROR four\n' >> "$L"
wait_count 4 failures "counted after"
stop_watch
