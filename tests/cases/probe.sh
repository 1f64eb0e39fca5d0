#!/bin/sh
# omniwatch probe (issue 13): tell "route not deployed" from an outage,
# without creating a ticket.  Partners on 127.0.0.1 (tests/partner.py)
# answer as Lumen does (a missing route: 404 with its RoutesRequests.php
# body; a deployed POST route: 405 to other methods) and as Express does
# (a deployed POST route: 404 "Cannot GET" to GET, 200 with Allow to
# OPTIONS), plus 503, 401, one that never answers and a closed port.
# Checked: every verdict and its exit status (0 ok, 2 the others, 3
# usage), the JSON fields, the framework named in the evidence, no POST
# ever reaching a partner unless asked with --method POST --data, and the
# URL's and headers' secrets absent from every output.
. "$top_srcdir/tests/setup.sh"
. "$top_srcdir/tests/probe-lib.sh"
trap 'stop_partners; rm -rf "$T"' EXIT

P=$T/partner
start_partner "$P"
H=$T/hung
start_partner "$H" hang
base="http://127.0.0.1:$(cat "$P/port")"
hung="http://127.0.0.1:$(cat "$H/port")"
closed="http://127.0.0.1:$(closed_port)"
SECRETS='s3cr3t-key-9f1|tok-77ab|Bearer-xyz-42|hdr-key-5e'

# probe NAME ARGS...: runs omniwatch probe --json ARGS, keeping stdout in
# $T/NAME.json, stderr in $T/NAME.err and the status in $rc.
probe() {
	_p_name=$1
	shift
	rc=0
	"$OMNIWATCH" probe --json --timeout 2s "$@" >"$T/$_p_name.json" \
	    2>"$T/$_p_name.err" || rc=$?
}

# verdict NAME URL_PATH VERDICT RC [ARGS]: one probe and what it must say.
verdict() {
	_v_name=$1 _v_path=$2 _v_want=$3 _v_rc=$4
	shift 4
	probe "$_v_name" "$@" "$base$_v_path"
	assert_eq "$(jget "$T/$_v_name.json" .verdict)" "$_v_want" \
	    "$_v_name: verdict"
	assert_eq "$rc" "$_v_rc" "$_v_name: exit status"
}

# The incident: Lumen's router has no such route.
verdict lumen-missing /lumen/missing route_missing 2
assert_eq "$(jget "$T/lumen-missing.json" .status)" 404 "lumen-missing: status"
assert_eq "$(jget "$T/lumen-missing.json" .base_status)" 200 \
    "lumen-missing: base_status"
jget "$T/lumen-missing.json" .evidence | grep -q "Lumen's router (RoutesRequests.php)" ||
    fail "lumen-missing: the evidence does not name Lumen's router"
jget "$T/lumen-missing.json" .evidence | grep -q "a deployed route answers 405 to GET" ||
    fail "lumen-missing: the evidence does not say what a deployed route answers"
jget "$T/lumen-missing.json" .evidence | grep -q "GET and OPTIONS" ||
    fail "lumen-missing: OPTIONS was not asked before route_missing"
for f in verdict url status base_status duration_ms evidence; do
	[ "$(jq "has(\"$f\")" "$T/lumen-missing.json")" = true ] ||
	    fail "the JSON has no $f"
done
[ "$(jget "$T/lumen-missing.json" '.duration_ms | type')" = number ] ||
    fail "duration_ms is not a number"

# Deployed routes are never called missing.
verdict lumen-deployed /lumen/tickets ok 0
jget "$T/lumen-deployed.json" .evidence | grep -q "405" ||
    fail "lumen-deployed: the evidence does not give the 405"
verdict express-deployed /express/tickets ok 0
assert_eq "$(jget "$T/express-deployed.json" .status)" 404 \
    "express-deployed: GET's status is kept"
jget "$T/express-deployed.json" .evidence | grep -q "Express" ||
    fail "express-deployed: the evidence does not name Express"
jget "$T/express-deployed.json" .evidence | grep -q "Allow: POST" ||
    fail "express-deployed: the evidence does not give the Allow list"
verdict express-missing /express/missing route_missing 2
jget "$T/express-missing.json" .evidence | grep -q "from Express ('Cannot GET')" ||
    fail "express-missing: the evidence does not name Express"
# A CORS handler's 204 to OPTIONS proves nothing: not route_missing.
verdict cors /cors/missing ok 0

# Issue 13: an answer a made-up path gets too says nothing about the
# route.  Python's own http.server (501 to OPTIONS on every path) and a
# server answering 405 to every method on every path it does not know
# made a missing route "ok"; a route they do serve stays ok.
S=$T/static
start_partner "$S" static
F=$T/all405
start_partner "$F" 405
sbase="http://127.0.0.1:$(cat "$S/port")"
fbase="http://127.0.0.1:$(cat "$F/port")"
# sverdict NAME URL VERDICT RC [ARGS]: verdict, for a whole URL.
sverdict() {
	_s_name=$1 _s_url=$2 _s_want=$3 _s_rc=$4
	shift 4
	probe "$_s_name" "$@" "$_s_url"
	assert_eq "$(jget "$T/$_s_name.json" .verdict)" "$_s_want" \
	    "$_s_name: verdict ($(jget "$T/$_s_name.json" .evidence))"
	assert_eq "$rc" "$_s_rc" "$_s_name: exit status"
}
sverdict static-missing "$sbase/api/x" route_missing 2
jget "$T/static-missing.json" .evidence | grep -q "OPTIONS answers 501 on any path (a made-up one too), so it says nothing about this route" ||
    fail "static-missing: the evidence does not say why the 501 is no proof"
sverdict static-head "$sbase/api/x" route_missing 2 --method HEAD
sverdict static-options "$sbase/api/x" route_missing 2 --method OPTIONS
sverdict static-served "$sbase/api/ready.json" ok 0
sverdict all405-missing "$fbase/api/x" route_missing 2
assert_eq "$(jget "$T/all405-missing.json" .status)" 405 "all405-missing: status"
jget "$T/all405-missing.json" .evidence | grep -q "GET and OPTIONS answer 405 on any path" ||
    fail "all405-missing: the evidence does not say why the 405 is no proof"
sverdict all405-deployed "$fbase/api/tickets" ok 0
jget "$T/all405-deployed.json" .evidence | grep -q "Allow: POST) (a made-up path: 405)" ||
    fail "all405-deployed: the evidence does not give both answers"
sverdict all405-options "$fbase/api/tickets" ok 0 --method OPTIONS
# The made-up path sits beside the endpoint, two segments deep, and is
# asked with the probe's method only: GET, HEAD or OPTIONS, never POST.
grep -Eq '^OPTIONS /api/omniwatch-probe-[0-9a-f]{16}/missing$' "$S/methods" ||
    fail "no made-up path beside /api/x was asked: $(cat "$S/methods")"
assert_eq "$(methods "$S" POST) $(methods "$F" POST)" "0 0" \
    "POSTs to the static and 405 partners"
# The made-up path keeps the endpoint's query, whose secrets stay out of
# every output.
probe static-secret "$sbase/api/x?token=tok-77ab"
if grep -E "$SECRETS|omniwatch-probe-" "$T/static-secret.json" "$T/static-secret.err"; then
	fail "static-secret: a secret or the made-up path was printed"
fi

verdict down /down server_error 2
assert_eq "$(jget "$T/down.json" .status)" 503 "down: status"
verdict auth /auth auth_rejected 2
assert_eq "$(jget "$T/auth.json" .status)" 401 "auth: status"
verdict head-missing /lumen/missing route_missing 2 --method HEAD
verdict options-deployed /express/tickets ok 0 --method OPTIONS

# No answer: the endpoint hangs while the base answers; a server that
# answers nothing; a port nobody listens on.
probe hang --timeout 1s "$base/hang"
assert_eq "$(jget "$T/hang.json" .verdict)" timeout "hang: verdict"
assert_eq "$rc" 2 "hang: exit status"
assert_eq "$(jget "$T/hang.json" .base_status)" 200 "hang: base_status"
assert_eq "$(jget "$T/hang.json" .status)" null "hang: status"
# A 200's headers, then a body that stalls past the timeout or breaks:
# no answer, never "the route is deployed" (tester9 26).
probe stall --timeout 1s "$base/stall"
assert_eq "$(jget "$T/stall.json" .verdict)" timeout "stall: verdict"
assert_eq "$rc" 2 "stall: exit status"
assert_eq "$(jget "$T/stall.json" .status)" null "stall: status"
jget "$T/stall.json" .evidence | grep -q "GET's 200 headers came, but the body did not end within 1s" ||
    fail "stall: evidence is $(jget "$T/stall.json" .evidence)"
probe cut "$base/cut"
assert_eq "$(jget "$T/cut.json" .verdict)" unreachable "cut: verdict"
assert_eq "$rc" 2 "cut: exit status"
jget "$T/cut.json" .evidence | grep -q "GET's 200 headers came, but the body failed" ||
    fail "cut: evidence is $(jget "$T/cut.json" .evidence)"
probe hung --timeout 1s "$hung/api/tickets"
assert_eq "$(jget "$T/hung.json" .verdict)" timeout "hung: verdict"
assert_eq "$(jget "$T/hung.json" .base_status)" null "hung: base_status"
probe closed "$closed/api/tickets"
assert_eq "$(jget "$T/closed.json" .verdict)" unreachable "closed: verdict"
assert_eq "$rc" 2 "closed: exit status"
probe noname "http://no-such-host.invalid/api/tickets"
assert_eq "$(jget "$T/noname.json" .verdict)" unreachable \
    "a name that does not resolve: verdict"

# Text output: one monitoring-plugin line, then the URL.
rc=0
"$OMNIWATCH" probe --timeout 2s "$base/lumen/missing" >"$T/text.out" || rc=$?
assert_eq "$rc" 2 "text: exit status"
head -n 1 "$T/text.out" | grep -q '^PROBE CRITICAL - route_missing: .*| status=404 base_status=200 duration=' ||
    fail "text: first line is $(head -n 1 "$T/text.out")"

# Not one POST so far, whatever the answers were.
assert_eq "$(methods "$P" POST)" 0 "POSTs before one was asked for"
assert_eq "$(methods "$H" POST)" 0 "POSTs to the hung partner"
# Usage errors (3) send nothing at all.
before=$(wc -l < "$P/methods")
for args in "--method POST $base/lumen/tickets" \
    "--method PUT --data x $base/lumen/tickets" \
    "--method DELETE $base/lumen/tickets" \
    "--data x $base/lumen/tickets" \
    "--timeout soon $base/lumen/tickets" \
    "--header NoColon $base/lumen/tickets" \
    "" "$base/a $base/b" "ftp://127.0.0.1/x"; do
	rc=0
	# shellcheck disable=SC2086
	"$OMNIWATCH" probe $args >/dev/null 2>"$T/usage.err" || rc=$?
	assert_eq "$rc" 3 "usage error: probe $args"
done
assert_eq "$(wc -l < "$P/methods")" "$before" "requests sent by usage errors"
# Asked for: one POST, with its body.
verdict post /lumen/tickets ok 0 --method POST --data '{"probe":true}'
assert_eq "$(jget "$T/post.json" .status)" 200 "post: status"
assert_eq "$(methods "$P" POST)" 1 "POSTs once asked for"

# Secrets: in the URL's query, in its userinfo, in headers, in a
# url_file; none appears in stdout or stderr, text or JSON.
surl="http://user:tok-77ab@127.0.0.1:$(cat "$P/port")/lumen/missing?client_secret_key=s3cr3t-key-9f1&token=tok-77ab&x=1"
probe secret-json -H 'Authorization: Bearer Bearer-xyz-42' \
    -H 'X-Api-Key: hdr-key-5e' "$surl"
assert_eq "$(jget "$T/secret-json.json" .verdict)" route_missing \
    "secret-json: verdict"
jget "$T/secret-json.json" .url | grep -q 'client_secret_key=\[REDACTED\]' ||
    fail "secret-json: the URL is not shown redacted: $(jget "$T/secret-json.json" .url)"
rc=0
"$OMNIWATCH" probe -H 'Authorization: Bearer Bearer-xyz-42' "$surl" \
    >"$T/secret-text.out" 2>"$T/secret-text.err" || rc=$?
printf '%s\n' "$surl" > "$T/url"
chmod 600 "$T/url"
probe secret-file -H 'Authorization: Bearer Bearer-xyz-42' --url-file "$T/url"
assert_eq "$(jget "$T/secret-file.json" .verdict)" route_missing \
    "--url-file: verdict"
probe secret-bad --method PUT "$surl"
probe secret-closed "http://u:tok-77ab@127.0.0.1:$(closed_port)/x?token=tok-77ab"
if grep -E "$SECRETS" "$T"/secret-*; then
	fail "a secret was printed"
fi
echo "ok: no secret in any output"
# ...and the partner did get them: the probe sends what it is given.
grep -q "GET /lumen/missing" "$P/methods" || fail "the partner got nothing"

# The userinfo and pair shapes a trial found leaking (issue 18): an empty
# user, several colons and a %-escaped user, a token as the user, a pair
# inside a matrix param's value behind '?' with an encoded blank, a URL
# with a password %-encoded inside the query; and a second trial's: a
# pair %-encoded twice, signatures of pre-signed URLs.  Text and JSON.
port=$(cat "$P/port")
n=0
for u in "http://:tok-77ab@127.0.0.1:$port/lumen/missing" \
    "http://us%3Aer:tok-77ab:x@127.0.0.1:$port/lumen/missing" \
    "http://tok-77ab-tok-77ab-tok@127.0.0.1:$port/lumen/missing" \
    "http://127.0.0.1:$port/lumen/missing?x=1;token=tok-77ab?Authorization=Bearer%20Bearer-xyz-42" \
    "http://127.0.0.1:$port/lumen/missing?next=http%3A%2F%2F%3Atok-77ab%40example.test%2F" \
    "http://127.0.0.1:$port/lumen/missing?token%253Dtok-77ab" \
    "http://127.0.0.1:$port/lumen/missing?sig=tok-77ab&X-Amz-Signature=tok-77ab&X-Goog-Signature=tok-77ab"; do
	n=$((n + 1))
	probe "shape$n" "$u"
	assert_eq "$(jget "$T/shape$n.json" .verdict)" route_missing \
	    "URL shape $n: verdict"
	jget "$T/shape$n.json" .url | grep -q '\[REDACTED\]' ||
	    fail "URL shape $n: not shown redacted: $(jget "$T/shape$n.json" .url)"
	rc=0
	"$OMNIWATCH" probe --timeout 2s "$u" >"$T/shape$n.out" \
	    2>>"$T/shape$n.err" || rc=$?
	assert_eq "$rc" 2 "URL shape $n: text exit status"
done
if grep -E "$SECRETS" "$T"/shape*; then
	fail "a secret of a URL shape was printed"
fi
echo "ok: no secret of $n URL shapes in any output"

# -c: the config's redact: regexes too.
cat > "$T/redact.yaml" <<Y
sources: [{path: $T/none.log}]
redact: ['tenant-([0-9a-f]+)']
Y
probe redact -c "$T/redact.yaml" "$base/lumen/missing?ref=tenant-c0ffee"
assert_eq "$(jget "$T/redact.json" .url)" \
    "$base/lumen/missing?ref=tenant-[REDACTED]" "-c: the config's redact: regexes"
if grep -q c0ffee "$T/redact.json" "$T/redact.err"; then
	fail "-c: the redacted value was printed"
fi

rc=0
"$OMNIWATCH" probe --url-file "$T/nonexistent" >/dev/null 2>"$T/nofile.err" ||
    rc=$?
assert_eq "$rc" 3 "--url-file of a missing file"
grep -q "nonexistent" "$T/nofile.err" || fail "the missing url_file is not named"

# usage3 NAME WHAT ARGS...: exit 3 and nothing sent; stderr in $T/NAME.err.
usage3() {
	_u_name=$1 _u_what=$2
	shift 2
	_u_before=$(wc -l < "$P/methods")
	rc=0
	"$OMNIWATCH" probe "$@" >/dev/null 2>"$T/$_u_name.err" || rc=$?
	assert_eq "$rc" 3 "$_u_what: exit status"
	assert_eq "$(wc -l < "$P/methods")" "$_u_before" "$_u_what: nothing sent"
}

# A directory as the url_file was "no URL on its first line".
usage3 urldir "--url-file DIR" --url-file "$T"
grep -q "^omniwatch probe: url_file $T: is a directory; expected a regular file$" "$T/urldir.err" ||
    fail "--url-file DIR: $(cat "$T/urldir.err")"
# A header value with CR or LF would add a header of its own: refused,
# naming the header, never showing the value.
usage3 hdrcrlf "a CR LF in --header" -H "$(printf 'X-Api-Key: hdr-key-5e
X-Evil: 1')" "$base/lumen/missing"
grep -q "^omniwatch probe: --header 'X-Api-Key': the value holds a line break" "$T/hdrcrlf.err" ||
    fail "CR LF header message: $(cat "$T/hdrcrlf.err")"
usage3 hdrlf "an LF in --header" --header "$(printf 'X-Api-Key: hdr-key-5e
X-Evil: 1')" "$base/lumen/missing"
usage3 hdrname "half a token before a colon" -H "$(printf 'Bearer hdr-key-5e:x
y')" "$base/lumen/missing"
if grep -E "$SECRETS|X-Evil" "$T/hdrcrlf.err" "$T/hdrlf.err" "$T/hdrname.err"; then
	fail "a refused header's value was printed"
fi
echo "ok: --url-file DIR and line breaks in headers are usage errors"

# -c CONFIG NAME: the config's probe of that name, with its url or
# url_file, method, data, headers and timeout.
printf '%s\n' "$base/auth" > "$T/auth.url"
chmod 600 "$T/auth.url"
cat > "$T/probes.yaml" <<Y
sources: [{path: $T/none.log}]
probes:
  - {name: omni-missing, url: "$base/lumen/missing"}
  - {name: omni-auth, url_file: $T/auth.url, headers: {Authorization: Bearer fake-partner-token}}
  - {name: omni-post, url: "$base/lumen/tickets", method: POST, data: '{"probe":true}'}
  - {name: omni-hang, url: "$base/hang", timeout: 1s}
Y
probe byname-missing -c "$T/probes.yaml" omni-missing
assert_eq "$(jget "$T/byname-missing.json" .verdict)" route_missing "by name: verdict"
assert_eq "$rc" 2 "by name: exit status"
probe byname-auth -c "$T/probes.yaml" omni-auth
assert_eq "$(jget "$T/byname-auth.json" .status) $rc" "200 0" "by name: its url_file and headers"
probe byname-auth-cli -c "$T/probes.yaml" --url-file "$T/auth.url"
assert_eq "$(jget "$T/byname-auth-cli.json" .status)" 401 "a URL given: not the probe's headers"
posts=$(methods "$P" POST)
probe byname-post -c "$T/probes.yaml" omni-post
assert_eq "$(jget "$T/byname-post.json" .status) $(jget "$T/byname-post.json" .method)" "200 POST" "by name: its method and data"
assert_eq "$(methods "$P" POST)" $((posts + 1)) "by name: one POST, as configured"
rc=0
"$OMNIWATCH" probe --json -c "$T/probes.yaml" omni-hang >"$T/byname-hang.json" 2>"$T/byname-hang.err" || rc=$?
assert_eq "$(jget "$T/byname-hang.json" .verdict)" timeout "by name: its timeout"
[ "$(jget "$T/byname-hang.json" .duration_ms)" -lt 5000 ] ||
    fail "by name: the probe's 1s timeout was not used (default 10s): $(jget "$T/byname-hang.json" .duration_ms) ms"
usage3 byname-unknown "an unknown probe name" -c "$T/probes.yaml" omni-nope
grep -q "^omniwatch probe: 'omni-nope' is not a URL, and $T/probes.yaml has no probe of that name; it configures 'omni-missing', 'omni-auth', 'omni-post', 'omni-hang'$" "$T/byname-unknown.err" ||
    fail "unknown name message: $(cat "$T/byname-unknown.err")"
echo "ok: omniwatch probe -c CONFIG NAME"
