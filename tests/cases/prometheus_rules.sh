#!/bin/sh
# The example Prometheus rules (contrib/prometheus/omniwatch-rules.yml,
# issue 11): valid for promtool, each alert fires on the series it is
# about (a promtool unit test), every metric they name is on a real
# watch's page, and the two figures that say watch is behind are right:
# omniwatch_uncounted_bytes (a line still without its end) and
# omniwatch_last_commit_timestamp_seconds.
. "$top_srcdir/tests/setup.sh"
. "$top_srcdir/tests/watch-lib.sh"
command -v promtool >/dev/null || {
	echo "skip: promtool is not installed (Debian: prometheus)"
	exit 77
}
RULES=$top_srcdir/contrib/prometheus/omniwatch-rules.yml
promtool check rules "$RULES" || fail "promtool check rules"
sed "s|RULES|$RULES|" "$top_srcdir/tests/prometheus/omniwatch-rules.test.yml" > "$T/rules.test.yml"
promtool test rules "$T/rules.test.yml" || fail "promtool test rules"

write_config
cat >> "$CFG" <<Y
metrics:
  listen: 127.0.0.1:0
Y
before=$(date +%s)
start_watch
port=$(sed -n 's|^omniwatch: metrics on http://127\.0\.0\.1:\([0-9]*\)/metrics$|\1|p' "$WLOG" | tail -n 1)
[ -n "$port" ] || fail "the metrics address is logged"
M=http://127.0.0.1:$port/metrics
metric() {
	curl -fsS "$M" | grep -v "^#" | grep -F "$1 " | sed 's/.* //'
}
printf 'req=1 OK-never-seen\nreq=2 ERROR\n' >> "$L"
wait_count 1 successes
printf 'req=3 ERROR without its LF yet' >> "$L"
is_uncounted() { [ "$(metric omniwatch_uncounted_bytes)" = "$1" ]; }
wait_for "the line without its end to be uncounted" is_uncounted 30
c=$(metric omniwatch_last_commit_timestamp_seconds)
awk -v c="$c" -v b="$before" 'BEGIN { exit !(c >= b && c <= b + 60) }' ||
	fail "last commit time $c, started at $before"
echo "ok: last commit time is now ($c)"
echo >> "$L"
wait_count 2 failures
wait_for "nothing uncounted once the line ends" is_uncounted 0

curl -fsS "$M" > "$T/page"
for name in $(grep -o 'omniwatch_[a-z_]*' "$RULES" | sort -u); do
	grep -q "^$name[{ ]" "$T/page" || fail "the rules name $name, which watch does not expose"
	echo "ok: $name is exposed"
done
promtool check metrics < "$T/page" || fail "promtool check metrics"
stop_watch
