#!/bin/sh
# Metrics: the Prometheus page on a loopback listener (libmicrohttpd in
# watch's own loop) and the node_exporter textfile, with the figures the
# issue asks for; checked by promtool when Debian's prometheus is there.
. "$top_srcdir/tests/setup.sh"
. "$top_srcdir/tests/watch-lib.sh"
. "$top_srcdir/tests/alert-lib.sh"

R=$T/recv
start_receiver "$R"
write_config
cat >> "$CFG" <<Y
receivers:
  ops: {url: 'http://127.0.0.1:$(port_of "$R")/hook', retry_initial: 100ms}
alerts:
  - {name: two, kind: failures, threshold: 2, window: 1h}
metrics:
  listen: 127.0.0.1:0
  textfile: $T/omniwatch.prom
  textfile_interval: 200ms
Y
start_watch
port=$(sed -n 's|^omniwatch: metrics on http://127\.0\.0\.1:\([0-9]*\)/metrics$|\1|p' "$WLOG" | tail -n 1)
[ -n "$port" ] || fail "the metrics address is logged"
M=http://127.0.0.1:$port/metrics
fail_lines 2
printf '%s: req=404 ERROR 404\n' "$(now_stamp)" >> "$L"
ok_lines 1
wait_count 3
wait_posts "$R" 1

metric() {
	curl -fsS "$M" | grep -v "^#" | grep -F "$1 " | sed 's/.* //'
}
page_has() {
	[ "$(metric "$1")" = "$2" ]
}
wait_for "the delivery to show" page_has 'omniwatch_notifications_total{receiver="ops",result="delivered"}' 1
assert_eq "$(metric 'omniwatch_records_total{pattern_set="errors",app="demo-api",outcome="failure",class="error"}')" 2 "records by class"
assert_eq "$(metric 'omniwatch_records_total{pattern_set="errors",app="demo-api",outcome="failure",class="notfound"}')" 1 "records of another class"
assert_eq "$(metric 'omniwatch_records_total{pattern_set="errors",app="demo-api",outcome="success",class=""}')" 1 "successes"
assert_eq "$(metric omniwatch_files_followed)" 1 "files followed"
assert_eq "$(metric omniwatch_read_bytes_total)" "$(stat -c %s "$L")" "bytes read"
assert_eq "$(metric "omniwatch_file_offset_bytes{path=\"$L\",app=\"demo-api\"}")" "$(stat -c %s "$L")" "offset per file"
assert_eq "$(metric 'omniwatch_alert_state{alert="two",state="firing"}')" 1 "alert state"
assert_eq "$(metric 'omniwatch_alerts{state="firing"}')" 1 "alerts by state"
assert_eq "$(metric 'omniwatch_spool_notifications{receiver="ops"}')" 0 "spool depth"
metric 'omniwatch_last_success_timestamp_seconds{pattern_set="errors"}' | grep -q '^[0-9]' ||
	fail "last success time per pattern set"
curl -fsS "$M" | grep -q '^omniwatch_rotations_total 0$' || fail "rotations"
assert_eq "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/nope")" 404 "other paths"
assert_eq "$(curl -s -o /dev/null -w '%{http_code}' -X POST "$M")" 405 "other methods"
assert_eq "$(curl -s -o /dev/null -w '%{content_type}' "$M")" "text/plain; version=0.0.4; charset=utf-8" "content type"

# Scrapes do not stall counting, and counting goes on between scrapes.
fail_lines 5 more
wait_count 8
wait_for "the textfile" test -s "$T/omniwatch.prom"
textfile_has() { grep -q "^omniwatch_records_total{pattern_set=\"errors\",app=\"demo-api\",outcome=\"failure\",class=\"error\"} 7$" "$T/omniwatch.prom"; }
wait_for "the textfile to catch up" textfile_has
curl -fsS "$M" > "$T/page.prom"
if command -v promtool >/dev/null; then
	promtool check metrics < "$T/page.prom" || fail "promtool check metrics"
	echo "ok: promtool check metrics"
else
	echo "# promtool not installed (Debian's prometheus package): skipped"
fi
stop_watch
# The textfile is written beside itself and renamed: while watch runs a
# temporary file may be there for a moment (a slow, loaded machine saw
# one); once it has stopped, none may be.
ls "$T" | grep -q 'omniwatch.prom.*tmp' && fail "no temporary file is left beside the textfile"
echo "ok: textfile written atomically"

# After a restart, the last success of a record with no stamp is where
# every reader of the buckets places it (omniwatch(1): the end of its
# minute, or now while it lasts), not the start of its minute.  Written
# past second 3 of a minute, so that the start would be seconds before it.
sec_in_range() {
	_s=$(date -u +%S)
	_s=${_s#0}
	[ "$_s" -ge 3 ] && [ "$_s" -le 50 ]
}
WAIT_S=70 wait_for "a second between 3 and 50" sec_in_range
start_watch
written=$(date -u +%s)
echo "req=unstamped SUCCESS" >> "$D/other-out.log"
wait_count 2 successes
stop_watch
start_watch
port=$(sed -n 's|^omniwatch: metrics on http://127\.0\.0\.1:\([0-9]*\)/metrics$|\1|p' "$WLOG" | tail -n 1)
M=http://127.0.0.1:$port/metrics
last=$(metric 'omniwatch_last_success_timestamp_seconds{pattern_set="errors"}')
last=${last%%.*}
[ -n "$last" ] && [ "$last" -ge "$written" ] ||
	fail "last success after a restart: expected at least $written, got '$last'"
echo "ok: last success after a restart placed no earlier than its write"
stop_watch
