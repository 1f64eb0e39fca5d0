#!/bin/sh
# summary --post (issue 5: "sends the text summary to a receiver from the
# config (slack or json format)"): one POST to a receiver on 127.0.0.1
# (tests/receiver.py) of the counts `watch` committed from crafted logs: a
# slack receiver gets {"text": the text report}, a json receiver the
# document --json prints, both signed as alerts are; the report still goes
# to stdout or -o; a 500 is exit 1 naming the receiver and its origin only;
# an unknown receiver, or one of another format, is exit 2.
. "$top_srcdir/tests/setup.sh"
. "$top_srcdir/tests/watch-lib.sh"
. "$top_srcdir/tests/alert-lib.sh"

# A day of one app (gen-hours.awk): 126 failures, 618 successes, 2 damaged.
awk -v OUT="$D/desk-out.log" -v ERR="$D/desk-error.log" \
    -f "$top_srcdir/tests/gen-hours.awk"
PATTERNS=omni write_config
start_watch
wait_count 126 failures "watch counted the failures"
wait_count 618 successes "watch counted the successes"
stop_watch

R=$T/recv
start_receiver "$R"
port=$(port_of "$R")
printf 's3cret-for-post\n' > "$T/post.secret"
chmod 600 "$T/post.secret"
cat >> "$CFG" <<Y
receivers:
  team:
    url: http://127.0.0.1:$port/hooks/team-path
    format: slack
    timeout: 2s
    secret_file: $T/post.secret
    headers: {X-Team: servicedesk, Authorization: Bearer hdr-s3cret}
  data:
    url: http://127.0.0.1:$port/hooks/data-path
    format: json
    timeout: 2s
  am:
    url: http://127.0.0.1:$port/
    format: alertmanager
Y

# run_rc OUTFILE ERRFILE ARGS...: runs omniwatch, prints its exit status.
run_rc() {
	_rr_out=$1 _rr_err=$2
	shift 2
	set +e
	"$OMNIWATCH" "$@" > "$_rr_out" 2> "$_rr_err"
	echo $?
	set -e
}

echo "# slack: the text report as {\"text\": ...}, signed, and on stdout too"
assert_eq "$(run_rc "$T/slack.out" "$T/slack.err" summary -c "$CFG" --post team)" 0 "post to a slack receiver"
[ ! -s "$T/slack.err" ] || fail "slack: stderr: $(cat "$T/slack.err")"
assert_eq "$(posts "$R")" 1 "one POST"
"$OMNIWATCH" summary -c "$CFG" > "$T/text.txt"
cmp "$T/text.txt" "$T/slack.out" || fail "the report still goes to stdout"
jq -j '.body | fromjson | .text' "$R/posts.jsonl" > "$T/slack.text"
cmp "$T/text.txt" "$T/slack.text" || fail "the slack text is the text report"
grep -q '126 failures' "$T/slack.text" || fail "slack text: failures: $(cat "$T/slack.text")"
grep -q '618 successes' "$T/slack.text" || fail "slack text: successes"
assert_eq "$(jq -r '.body | fromjson | keys | join(",")' "$R/posts.jsonl")" text "slack body: only text"
assert_eq "$(jq -r .path "$R/posts.jsonl")" /hooks/team-path "posted to the url's path"
assert_eq "$(jq -r '.headers["content-type"]' "$R/posts.jsonl")" application/json "Content-Type"
assert_eq "$(jq -r '.headers["x-team"]' "$R/posts.jsonl")" servicedesk "configured header"
jq -j '.body' "$R/posts.jsonl" > "$T/body"
want=$(python3 -c 'import hmac,hashlib,sys; print("sha256=" + hmac.new(b"s3cret-for-post", open(sys.argv[1],"rb").read(), hashlib.sha256).hexdigest())' "$T/body")
assert_eq "$(jq -r '.headers["x-omniwatch-signature"]' "$R/posts.jsonl")" "$want" "X-Omniwatch-Signature is HMAC-SHA256 of the body"

echo "# json: the --json document, whatever --format and -o say"
"$OMNIWATCH" summary -c "$CFG" --json > "$T/summary.json"
assert_eq "$(run_rc "$T/json.out" "$T/json.err" summary -c "$CFG" --format html -o "$T/r.html" --post data)" 0 "post to a json receiver"
[ ! -s "$T/json.out" ] || fail "-o: nothing on stdout"
grep -q '<html' "$T/r.html" || fail "-o still writes the HTML report"
assert_eq "$(posts "$R")" 2 "a second POST"
tail -n 1 "$R/posts.jsonl" | jq -S '.body | fromjson' > "$T/posted.cmp"
jq -S . "$T/summary.json" > "$T/summary.cmp"
diff -u "$T/summary.cmp" "$T/posted.cmp" || fail "the json body differs from summary --json"
assert_eq "$(jget "$T/posted.cmp" '.pattern_sets.omni.failures')" 126 "json body: failures"
assert_eq "$(jget "$T/posted.cmp" '.pattern_sets.omni.hours | length')" 24 "json body: the hours"
assert_eq "$(tail -n 1 "$R/posts.jsonl" | jq -r '.headers | has("x-omniwatch-signature")')" false "no secret_file, no signature"
# --since/--until cut what is posted as what is printed.
"$OMNIWATCH" summary -c "$CFG" --json --since 2026-11-29T13:00:00Z --until 2026-11-29T18:00:00Z > "$T/range.json"
assert_eq "$(run_rc "$T/o" "$T/e" summary -c "$CFG" --since 2026-11-29T13:00:00Z --until 2026-11-29T18:00:00Z --post data)" 0 "post a range"
tail -n 1 "$R/posts.jsonl" | jq -S '.body | fromjson' > "$T/rposted.cmp"
jq -S . "$T/range.json" > "$T/range.cmp"
diff -u "$T/range.cmp" "$T/rposted.cmp" || fail "the range posted differs from the range printed"

echo "# a 500: exit 1, receiver and origin named, nothing secret"
set_mode "$R" 500
assert_eq "$(run_rc "$T/e500.out" "$T/e500.err" summary -c "$CFG" --post team)" 1 "a 500 is exit 1"
assert_eq "$(cat "$T/e500.err")" "omniwatch summary: --post: receiver 'team' (http://127.0.0.1:$port): HTTP 500: upstream broken" "the 500 message"
cmp "$T/text.txt" "$T/e500.out" || fail "the report is printed even when the post fails"
set_mode "$R" ok

echo "# a receiver that is down: exit 1"
stop_receiver "$R"
assert_eq "$(run_rc "$T/o" "$T/edown.err" summary -c "$CFG" --post data)" 1 "no receiver is exit 1"
grep -q "^omniwatch summary: --post: receiver 'data' (http://127.0.0.1:$port): Couldn't connect to server$" "$T/edown.err" || fail "down message: $(cat "$T/edown.err")"

echo "# unknown receivers and other formats: exit 2, before any output"
assert_eq "$(run_rc "$T/eu.out" "$T/eu.err" summary -c "$CFG" --post nosuch)" 2 "unknown receiver"
assert_eq "$(cat "$T/eu.err")" "omniwatch summary: --post 'nosuch': $CFG has no receiver of that name; it configures 'team', 'data', 'am'" "unknown receiver message"
[ ! -s "$T/eu.out" ] || fail "unknown receiver: nothing on stdout"
assert_eq "$(run_rc "$T/o" "$T/eam.err" summary -c "$CFG" --post am)" 2 "an alertmanager receiver"
assert_eq "$(cat "$T/eam.err")" "omniwatch summary: --post 'am': the receiver's format is alertmanager; a summary goes to slack or json receivers only" "alertmanager message"
chmod 000 "$T/post.secret"
if [ ! -r "$T/post.secret" ]; then
	assert_eq "$(run_rc "$T/o" "$T/esec.err" summary -c "$CFG" --post team)" 2 "an unreadable secret_file"
	grep -q "^omniwatch summary: receiver 'team': secret_file $T/post.secret: Permission denied$" "$T/esec.err" || fail "secret_file message: $(cat "$T/esec.err")"
fi
chmod 600 "$T/post.secret"
grep -c . "$R/posts.jsonl" > "$T/n"
assert_eq "$(cat "$T/n")" 4 "no POST from the refused runs"

echo "# nothing secret, and no path, on stderr"
for f in "$T"/*.err; do
	! grep -q 's3cret' "$f" || fail "a secret in $f"
	! grep -q 'hooks/' "$f" || fail "the url's path in $f"
done
echo "ok: neither a secret nor a path in any message"
