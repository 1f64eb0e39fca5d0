#!/bin/sh
# Redaction end to end: a failure line carrying a client_secret_key query
# parameter, a Bearer token, an apiKey and (for the config's `redact:`
# regex) a number; none of them may appear in any webhook body (json,
# slack, alertmanager), in watch's log, in the state (database and WAL),
# or in a scan report (text, JSON, HTML).  Issue #18 added the forms that
# slipped through: a header with no blank after the colon, JSON escaped in
# a string, a %-encoded query and a bare bearer token.  Invalid
# UTF-8 in the sample still gives valid JSON (../shared/cases K08).
. "$top_srcdir/tests/setup.sh"
. "$top_srcdir/tests/watch-lib.sh"
. "$top_srcdir/tests/alert-lib.sh"

R=$T/recv
start_receiver "$R"
port=$(port_of "$R")
write_config
cat >> "$CFG" <<Y
redact: ['ssn=(\d+)']
receivers:
  json: {url: 'http://127.0.0.1:$port/json', retry_initial: 100ms}
  slack: {url: 'http://127.0.0.1:$port/slack', format: slack, retry_initial: 100ms}
  am: {url: 'http://127.0.0.1:$port/', format: alertmanager, retry_initial: 100ms}
alerts:
  - {name: leaky, kind: failures, threshold: 1, window: 1h}
Y
start_watch
printf '%s: req=1 ERROR 404 GET /oauth/token?client_id=7&client_secret_key=S3CR3T-KEY-1&x=1 headers: { Authorization: '"'"'Bearer BEARER-TOK-XYZ'"'"', "apiKey": "AK-999" } ssn=123456789 user=J\303\251r\303\264me bad=\377\376 hdr=Authorization:Bearer AUTHNOSPACE-1 body="{\\"client_secret_key\\":\\"ESCJSON-2\\"}" q=client_secret_key%%3DURLENC-3 raw='"'"'Bearer BARE-TOKEN-4'"'"'\n' \
    "$(now_stamp)" >> "$L"
wait_posts "$R" 3
for path in /json /slack /api/v2/alerts; do
	jq -s -e --arg p "$path" 'map(select(.path == $p) | .body | fromjson) | length == 1' \
	    "$R/posts.jsonl" >/dev/null ||
		fail "a valid JSON body was posted to $path"
done
echo "ok: json, slack and alertmanager bodies are valid JSON"
sample=$(bodies "$R" 'select(.path == "/json")' | jq -r .sample)
case $sample in
*'client_secret_key=[REDACTED]&x=1'*"Authorization: '[REDACTED]'"*'"apiKey": "[REDACTED]"'*'ssn=[REDACTED]'*) ;;
*) fail "the sample is redacted in place: $sample" ;;
esac
echo "ok: sample = $sample"
assert_eq "$(bodies "$R" 'select(.path == "/api/v2/alerts")' | jq -r '.[0].labels.alertname')" leaky "alertmanager label"
assert_eq "$(bodies "$R" 'select(.path == "/slack")' | jq -r '.text | contains("[FIRING] leaky")')" true "slack text"

"$OMNIWATCH" scan -p "$PATTERNS" --json "$D" > "$T/scan.json"
"$OMNIWATCH" scan -p "$PATTERNS" "$D" > "$T/scan.txt"
"$OMNIWATCH" summary -c "$CFG" --json > "$T/summary.json"
"$OMNIWATCH" scan -p "$PATTERNS" --format html -o "$T/scan.html" "$D"
grep -q 'REDACTED' "$T/scan.json" || fail "scan's excerpt is redacted"
cp "$T/state"/omniwatch.db* "$T/recv/"
stop_watch
for secret in S3CR3T-KEY-1 BEARER-TOK-XYZ AK-999 AUTHNOSPACE-1 ESCJSON-2 \
    URLENC-3 BARE-TOKEN-4; do
	for f in "$R/posts.jsonl" "$WLOG" "$T/scan.json" "$T/scan.txt" \
	    "$T/scan.html" "$T/summary.json" "$T/state"/omniwatch.db* \
	    "$R"/omniwatch.db*; do
		! grep -aq -- "$secret" "$f" || fail "$secret leaked into $f"
	done
done
! grep -aq 123456789 "$R/posts.jsonl" || fail "the redact: regex applies to payloads"
ls "$R"/omniwatch.db-wal > /dev/null || fail "a WAL was looked at"
echo "ok: no secret in any payload, log line, state file or report"
