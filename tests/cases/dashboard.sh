#!/bin/sh
# watch's dashboard (issue 14, part 2): GET /api/summary is what
# `summary --json` prints for the same since, until and step; bad
# parameters get a 400 with a message; GET / is the HTML report of the
# last 6 h at a minute, reloading itself, drawn by real Chromium; a listen
# address off loopback needs a token (or public: true), and then every
# request must carry it.  All requests go to 127.0.0.1.
. "$top_srcdir/tests/setup.sh"
. "$top_srcdir/tests/watch-lib.sh"

now=$(date -u +%s)
st() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%S; }
# Minutes -4 to -1: successes, then three minutes of an incident.
t0=$((now / 60 * 60 - 240))
{
	printf '%s: OK-never-seen\n%s: OK-never-seen\n' "$(st $t0)" "$(st $((t0 + 5)))"
	printf '%s: ERROR one\n' "$(st $((t0 + 60)))" "$(st $((t0 + 61)))" "$(st $((t0 + 62)))"
	printf '%s: ERROR two\n' "$(st $((t0 + 120)))"
	printf '%s: OK-never-seen\n' "$(st $((t0 + 121)))"
	printf '%s: ERROR three\n' "$(st $((t0 + 180)))" "$(st $((t0 + 181)))"
} > "$L"

listen_port() {
	sed -n 's|^omniwatch: metrics on http://[0-9.]*:\([0-9]*\)/metrics$|\1|p' "$WLOG" | tail -n 1
}

write_config
printf 'metrics:\n  listen: 127.0.0.1:0\n' >> "$CFG"
# Alert rules over the incident: one fires, one waits out its for, one
# stays quiet; the dashboard shows the first two.
cat >> "$CFG" <<'Y'
alerts:
  - {name: incident-burst, pattern_set: errors, kind: failures, threshold: 3, window: 1h}
  - {name: incident-long, pattern_set: errors, kind: failure_rate, threshold: 0.5, window: 1h, for: 1h}
  - {name: never-so-many, pattern_set: errors, kind: failures, threshold: 1000, window: 1h}
Y
start_watch
port=$(listen_port)
[ -n "$port" ] || fail "the listen address is logged"
U=http://127.0.0.1:$port
wait_count 6 failures "watch counted the incident"
wait_count 3 successes "watch counted the successes"

# The API is summary --json, byte for byte, for the same range and step.
since=$(st $((t0 - 600)))Z
until=$(st $((t0 + 3600)))Z
api() { curl -fsS "$U/api/summary$1"; }
api "?since=$since&until=$until&step=1m" > "$T/api1.json"
"$OMNIWATCH" summary -c "$CFG" --json --since "$since" --until "$until" --step 1m > "$T/sum1.json"
cmp "$T/api1.json" "$T/sum1.json" || { diff -u "$T/sum1.json" "$T/api1.json" | head -40; fail "API and summary --json differ (1m)"; }
echo "ok: /api/summary = summary --json (since, until, 1m)"
assert_eq "$(jget "$T/api1.json" '.pattern_sets.errors.steps | map(.failures) | join(",")')" 0,3,1,2 "API: the incident's minutes"
api "?since=$since&until=$until&step=5m" > "$T/api2.json"
"$OMNIWATCH" summary -c "$CFG" --json --since "$since" --until "$until" --step 5m > "$T/sum2.json"
cmp "$T/api2.json" "$T/sum2.json" || fail "API and summary --json differ (5m)"
api "" > "$T/api3.json"
"$OMNIWATCH" summary -c "$CFG" --json > "$T/sum3.json"
cmp "$T/api3.json" "$T/sum3.json" || fail "API and summary --json differ (no range)"
api "?since=&until=&step=" > "$T/api4.json"
cmp "$T/api4.json" "$T/sum3.json" || fail "empty parameters are not given"
echo "ok: /api/summary = summary --json (5m; no range; empty parameters)"
assert_eq "$(curl -s -o /dev/null -w '%{content_type}' "$U/api/summary")" application/json "API content type"

# Bad parameters: 400 and a message; watch goes on.
bad() {
	code=$(curl -s -o "$T/bad" -w '%{http_code}' "$U/api/summary$1")
	assert_eq "$code" 400 "400 for $1"
	grep -q "^bad request: $2" "$T/bad" || fail "message for $1: $(cat "$T/bad")"
}
bad '?step=30s' 'step: .*minutes'
bad '?step=2d' 'step: .*minutes'
bad '?since=yesterday' 'since: expected a date'
bad '?until=2026-13-45' 'until: expected a date'
bad '?since=2026-11-30&until=2026-11-29' 'since must be before until'
bad '?color=red' 'unknown parameter'
# A NUL byte was read as the end of the value: since=%00 was "not given".
bad '?since=%00' 'since: a NUL byte'
bad '?step=%001m' 'step: a NUL byte'
bad '?si%00nce=1h' 'si: a NUL byte'
bad '?since=1h&since=2h' 'since: given twice'
bad '?since=2026-11-29junk' 'since: expected a date'
bad '?until=9999999999d' 'until: expected a date'
bad '?step=1441m' 'step: '
bad '?step=0m' 'step: '
bad '?since=1h&until=2h' 'since must be before until'
bad '?a=1&b=2&c=3&d=4&e=5&f=6&g=7&h=8&i=9' 'more than 8 query parameters'
assert_eq "$(curl -s -o /dev/null -w '%{http_code}' "$U/?x=1")" 400 "/ takes no parameters"
assert_eq "$(curl -s -o /dev/null -w '%{http_code}' -X POST "$U/api/summary")" 405 "read-only"
assert_eq "$(curl -s -o /dev/null -w '%{http_code}' "$U/nope")" 404 "other paths"
curl -fsS "$U/metrics" | grep -q '^omniwatch_records_total' || fail "/metrics is still served"

# The dashboard: the HTML report of the last 6 h at a minute.
curl -fsS "$U/" > "$T/dash.html"
assert_eq "$(curl -s -o /dev/null -w '%{content_type}' "$U/")" "text/html; charset=utf-8" "dashboard content type"
grep -q '<meta http-equiv="refresh" content="60">' "$T/dash.html" || fail "the page reloads itself"
grep -q '<h1>omniwatch <span>watch</span></h1>' "$T/dash.html" || fail "dashboard title"
grep -q '<h3>Per minute (UTC)</h3>' "$T/dash.html" || fail "dashboard per minute"
assert_eq "$(grep -c '<g class="bar">' "$T/dash.html")" 4 "dashboard: one bar per minute with records"
# The chart spans the whole 6 h at a minute, not the first to the last
# record: 360 places, the current minute last (empty minutes empty).
assert_eq "$(grep -o 'data-bins="[0-9]*" data-bin="[^"]*"' "$T/dash.html")" 'data-bins="360" data-bin="1m"' "dashboard: 6 h of minutes"
first=$(sed -n 's/.*data-first="\([^"]*\)".*/\1/p' "$T/dash.html")
first_s=$(date -u -d "$first" +%s)
now_min=$(($(date -u +%s) / 60 * 60))
[ "$first_s" -le $((now_min - 359 * 60)) ] && [ "$first_s" -ge $((now_min - 361 * 60)) ] ||
	fail "dashboard: the chart starts at $first, not 6 h before now"
echo "ok: the chart starts 6 h back ($first)"
grep -q '<div class="num">6</div><div class="label">failures</div>' "$T/dash.html" || fail "dashboard failures card"
if grep -Eq '(src|href)="(https?:)?//' "$T/dash.html"; then fail "the dashboard loads something"; fi
# The alerts, before the pattern sets: firing first, then pending.
grep -q '<h2>Alerts<small>1 firing, 1 pending, of 3 rules</small></h2>' "$T/dash.html" || fail "dashboard: alerts heading: $(grep -o '<h2>Alerts.*</h2>' "$T/dash.html")"
sed -n '/id="alerts"/,/<\/section>/p' "$T/dash.html" > "$T/alerts.html"
assert_eq "$(grep -o '<td class="name">[^<]*</td><td><span class="pill [a-z]*">[a-z]*' "$T/alerts.html" | sed 's/<[^>]*>/ /g' | tr -s ' ' | tr '\n' ';')" \
    " incident-burst firing; incident-long pending;" "dashboard: the firing and pending rules"
grep -q 'failures 3 over 60m' "$T/alerts.html" || fail "dashboard: the rule's condition"
grep -q 'ERROR three' "$T/alerts.html" || fail "dashboard: the firing rule's latest failure"
if grep -q never-so-many "$T/alerts.html"; then fail "dashboard: an inactive rule is shown"; fi
[ "$(grep -n 'id="alerts"' "$T/dash.html" | cut -d: -f1)" -lt "$(grep -n 'id="set-errors"' "$T/dash.html" | cut -d: -f1)" ] ||
	fail "dashboard: the alerts come first"
echo "ok: the dashboard shows the firing and pending alerts"

browser=$(command -v chromium || command -v chromium-browser || true)
if [ -n "$browser" ]; then
	timeout 120 "$browser" --headless --no-sandbox --disable-gpu \
	    --disable-quic --no-first-run --disable-background-networking \
	    --disable-component-update --disable-sync \
	    --user-data-dir="$(mktemp -d "$T/chrome.XXXXXX")" \
	    --screenshot="$T/dashboard.png" --window-size=1200,1400 \
	    "$U/" > "$T/chrome.log" 2>&1 ||
		{ tail -n 20 "$T/chrome.log"; fail "chromium failed on the dashboard"; }
	[ -f "$T/dashboard.png" ] || fail "dashboard: no screenshot"
	assert_eq "$(head -c 8 "$T/dashboard.png" | od -An -tx1 | tr -d ' \n')" 89504e470d0a1a0a "dashboard: a PNG"
	size=$(wc -c < "$T/dashboard.png")
	[ "$size" -gt 40000 ] || fail "dashboard: screenshot of $size bytes looks empty"
	[ -z "${OMNIWATCH_KEEP_SCREENSHOT:-}" ] || cp "$T/dashboard.png" "$OMNIWATCH_KEEP_SCREENSHOT"
	echo "ok: dashboard.png, $size bytes"
else
	echo "skip: no chromium for the dashboard's screenshot"
fi
stop_watch

# Off loopback: refused without a token or public: true.
write_config
printf 'metrics:\n  listen: 0.0.0.0:0\n' >> "$CFG"
set +e
timeout 30 "$OMNIWATCH" watch -c "$CFG" > "$T/off.log" 2>&1; rc=$?
set -e
[ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] || fail "watch started off loopback without a token (rc $rc)"
grep -q "metrics.listen: 0.0.0.0:0 is not loopback: set metrics.token_file" "$T/off.log" || fail "off-loopback message: $(cat "$T/off.log")"
echo "ok: off loopback without a token: refused"

# With a token: every request carries it.
printf 'fake-token-for-tests\n' > "$T/token"
chmod 600 "$T/token"
write_config
printf 'metrics:\n  listen: 0.0.0.0:0\n  token_file: %s\n' "$T/token" >> "$CFG"
start_watch
port=$(listen_port)
[ -n "$port" ] || fail "the token listener's address is logged"
U=http://127.0.0.1:$port
for p in / /metrics /api/summary; do
	assert_eq "$(curl -s -o /dev/null -w '%{http_code}' "$U$p")" 401 "no token: $p"
	assert_eq "$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer fake-token-for-test' "$U$p")" 401 "a wrong token: $p"
	assert_eq "$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer fake-token-for-tests' "$U$p")" 200 "the token: $p"
done
curl -s -D "$T/h" -o /dev/null "$U/metrics"
grep -qi '^WWW-Authenticate: Bearer' "$T/h" || fail "401 says Bearer"
curl -fsS -H 'Authorization: Bearer fake-token-for-tests' "$U/api/summary" > "$T/api5.json"
"$OMNIWATCH" summary -c "$CFG" --json > "$T/sum5.json"
cmp "$T/api5.json" "$T/sum5.json" || fail "API with a token differs from summary --json"
if grep -q fake-token-for-tests "$WLOG"; then fail "the token is in watch's log"; fi
stop_watch

# public: true serves off loopback without a token, with a warning.
write_config
printf 'metrics:\n  listen: 0.0.0.0:0\n  public: true\n' >> "$CFG"
start_watch
port=$(listen_port)
assert_eq "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/api/summary")" 200 "public: no token needed"
grep -q "not loopback, with no token (public: true)" "$WLOG" || fail "public: warned"
stop_watch
