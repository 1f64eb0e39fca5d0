#!/bin/sh
# watch's probes (issue 13, "In watch"): a probe of the config runs in
# watch's loop against a partner on 127.0.0.1 (tests/partner.py) whose
# route is not deployed (Lumen's 404); its results go to the state (with
# history), to the metrics (blackbox_exporter's names) and to the alerts:
# a rule of kind probe fires after its `for`, and a failure rule's notice
# carries the probe's verdict and evidence beside the class diagnosis.
# Once the route answers, the probe rule resolves; `summary` (text, JSON,
# HTML) shows the history.  No POST reaches the partner, and the URL's
# and the header's secrets appear nowhere: notices, log, state, metrics,
# reports.
. "$top_srcdir/tests/setup.sh"
. "$top_srcdir/tests/watch-lib.sh"
. "$top_srcdir/tests/alert-lib.sh"
. "$top_srcdir/tests/probe-lib.sh"
trap 'stop_partners; cleanup_alert' EXIT

P=$T/partner
start_partner "$P"
R=$T/recv
start_receiver "$R"
SECRETS='s3cr3t-key-9f1|tok-77ab|Bearer-xyz-42'
pbase="http://127.0.0.1:$(cat "$P/port")"
# The password of an empty user and a pair inside a matrix param's value
# (issue 18's trial) must not reach the state either.
printf '%s/lumen/missing?client_secret_key=s3cr3t-key-9f1&token=tok-77ab;sid=1?Authorization=Bearer%%20Bearer-xyz-42\n' \
    "http://:tok-77ab@${pbase#http://}" > "$T/omni.url"
chmod 600 "$T/omni.url"

write_config
cat >> "$CFG" <<Y
receivers:
  ops: {url: "http://127.0.0.1:$(port_of "$R")/hook", timeout: 2s}
alerts:
  - {name: failing, pattern_set: errors, kind: failures, threshold: 1,
     window: 1h, repeat_interval: 1h}
  - {name: route-probe, kind: probe, probe: omni-api, for: 1s,
     repeat_interval: 1h}
probes:
  - name: omni-api
    url_file: $T/omni.url
    headers: {Authorization: Bearer Bearer-xyz-42}
    interval: 1s
    timeout: 2s
    pattern_set: errors
metrics: {textfile: $T/omniwatch.prom, textfile_interval: 200ms}
Y

# watch --check reads the url_file and names what is wrong.
"$OMNIWATCH" watch -c "$CFG" --check >"$T/check.out" 2>&1 ||
    fail "watch --check: $(cat "$T/check.out")"
sed "s|url_file: $T/omni.url|url_file: $T/missing.url|" "$CFG" > "$T/bad.yaml"
rc=0
"$OMNIWATCH" watch -c "$T/bad.yaml" --check >"$T/bad.out" 2>&1 || rc=$?
assert_eq "$rc" 2 "watch --check with a missing url_file"
grep -q "probes.omni-api: url_file $T/missing.url" "$T/bad.out" ||
    fail "the missing url_file is not named: $(cat "$T/bad.out")"
sed "s|pattern_set: errors$|pattern_set: nosuch|" "$CFG" > "$T/bad2.yaml"
rc=0
"$OMNIWATCH" watch -c "$T/bad2.yaml" --check >"$T/bad2.out" 2>&1 || rc=$?
assert_eq "$rc" 2 "watch --check with a probe of an unknown pattern set"
grep -q "probes.omni-api.pattern_set: 'nosuch'" "$T/bad2.out" ||
    fail "the unknown pattern set is not named: $(cat "$T/bad2.out")"

start_watch
# The probe rule fires once `for` has passed.
wait_posts "$R" 1 '(.body | fromjson | .alert) == "route-probe"'
probe_post() {
	bodies "$R" "(.body | fromjson | .alert) == \"$1\" and (.body | fromjson | .status) == \"$2\"" | tail -n 1
}
probe_post route-probe firing > "$T/fired.json"
assert_eq "$(jq -r .kind "$T/fired.json")" probe "the rule's kind"
assert_eq "$(jq -r .probe.name "$T/fired.json")" omni-api "the probe named"
assert_eq "$(jq -r .probe.verdict "$T/fired.json")" route_missing \
    "the probe rule's verdict"
assert_eq "$(jq -r .probe.status "$T/fired.json")" 404 "the probe's status"
jq -r .probe.evidence "$T/fired.json" | grep -q "Lumen's router (RoutesRequests.php)" ||
    fail "the notice's evidence does not name Lumen's router"

# A failure of the set: its notice has the class diagnosis and the probe.
echo "$(now_stamp): ERROR 404 POST /api/tickets" >> "$L"
wait_posts "$R" 1 '(.body | fromjson | .alert) == "failing"'
probe_post failing firing > "$T/failing.json"
assert_eq "$(jq -r .dominant_class "$T/failing.json")" notfound \
    "the failure's class"
assert_eq "$(jq -r .diagnosis "$T/failing.json")" "The route is not deployed." \
    "the class diagnosis"
assert_eq "$(jq -r .probe.verdict "$T/failing.json")" route_missing \
    "the probe's verdict beside the diagnosis"
jq -r .probe.evidence "$T/failing.json" | grep -q "404 from Lumen's router" ||
    fail "the failure notice does not carry the probe's evidence"

# Metrics, named as blackbox_exporter names them.
wait_for "the probe's metrics" grep -q '^omniwatch_probe_success{probe="omni-api"} 0$' \
    "$T/omniwatch.prom"
grep -q '^omniwatch_probe_status_code{probe="omni-api"} 404$' "$T/omniwatch.prom" ||
    fail "omniwatch_probe_status_code"
grep -q '^omniwatch_probe_duration_seconds{probe="omni-api"} ' "$T/omniwatch.prom" ||
    fail "omniwatch_probe_duration_seconds"
# Written with the fewest digits that read back the same (Python's repr
# is that rule), not %.17g's 0.0040000000000000001.
dur=$(sed -n 's/^omniwatch_probe_duration_seconds{probe="omni-api"} //p' "$T/omniwatch.prom")
python3 -c 'import sys; v = sys.argv[1]; f = float(v); sys.exit(0 if v == (str(int(f)) if f.is_integer() else repr(f)) else 1)' "$dur" ||
    fail "omniwatch_probe_duration_seconds is $dur, not the shortest form"
echo "ok: the probe's duration is $dur"
grep -q '^omniwatch_probe_verdict{probe="omni-api",verdict="route_missing"} 1$' \
    "$T/omniwatch.prom" || fail "omniwatch_probe_verdict"
if command -v promtool >/dev/null 2>&1; then
	promtool check metrics < "$T/omniwatch.prom" >"$T/promtool.out" 2>&1 ||
	    fail "promtool: $(cat "$T/promtool.out")"
	echo "ok: promtool checks the textfile"
fi

# The route is deployed (as an Express POST route): the rule resolves.
printf '%s/express/tickets?client_secret_key=s3cr3t-key-9f1\n' "$pbase" \
    > "$T/omni.url"
kill -HUP "$WPID"
wait_posts "$R" 1 '(.body | fromjson | .alert) == "route-probe" and (.body | fromjson | .status) == "resolved"'
probe_post route-probe resolved > "$T/resolved.json"
assert_eq "$(jq -r .probe.verdict "$T/resolved.json")" ok \
    "the resolved notice's verdict"
wait_for "the probe's metrics to say ok" grep -q '^omniwatch_probe_success{probe="omni-api"} 1$' \
    "$T/omniwatch.prom"
stop_watch

# The history, in each of summary's formats.
"$OMNIWATCH" summary -c "$CFG" > "$T/summary.txt"
grep -q '^probes:$' "$T/summary.txt" || fail "summary: no probes section"
grep -q '^  omni-api: ok at ' "$T/summary.txt" ||
    fail "summary: the latest verdict: $(cat "$T/summary.txt")"
grep -q 'changes: .* route_missing, .* ok$' "$T/summary.txt" ||
    fail "summary: the changes: $(cat "$T/summary.txt")"
"$OMNIWATCH" summary -c "$CFG" --format json > "$T/summary.json"
assert_eq "$(jq -r '.probes[0].changes | map(.verdict) | join(",")' "$T/summary.json")" \
    route_missing,ok "summary --json: the changes of verdict"
[ "$(jq -r '.probes[0].counts.route_missing' "$T/summary.json")" -ge 1 ] ||
    fail "summary --json: no route_missing counted"
"$OMNIWATCH" summary -c "$CFG" --format html -o "$T/summary.html"
grep -q '<section class="set" id="probes"><h2>Probes</h2>' "$T/summary.html" ||
    fail "summary --format html: no probes section"
grep -q 'RoutesRequests.php' "$T/summary.html" ||
    fail "summary --format html: no evidence"
rows=$(sqlite3 "$T/state/omniwatch.db" "SELECT count(*) FROM probes WHERE name = 'omni-api'")
[ "$rows" -ge 2 ] || fail "the state holds $rows probe result(s)"
echo "ok: the state holds $rows probe results"

# Nothing posted to the partner; no secret anywhere.
assert_eq "$(methods "$P" POST)" 0 "POSTs to the partner"
grep -q "^OPTIONS /lumen/missing" "$P/methods" ||
    fail "OPTIONS was not asked before route_missing"
sqlite3 "$T/state/omniwatch.db" .dump > "$T/state.dump"
if grep -E "$SECRETS" "$R/posts.jsonl" "$WLOG" "$T/state.dump" \
    "$T/omniwatch.prom" "$T/summary.txt" "$T/summary.json" \
    "$T/summary.html"; then
	fail "a secret left the probe"
fi
echo "ok: no secret in notices, log, state, metrics or reports"
