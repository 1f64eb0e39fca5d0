#!/bin/sh
# Secrets in the spellings a second trial found leaking (issue #18 item 2,
# issue #13): separators and quotes %-encoded twice, \u-escaped or as
# HTML entities, a value in <>, each the only record of a failure log,
# through scan's text, JSON and HTML reports; and config errors that
# echoed a receiver's URL with its password and token, as written or with
# the scheme mistyped (gopher:, HTTP:, http:/).  HTTP:// is a URL like
# http:// (schemes are case-insensitive, RFC 3986 section 3.1).
. "$top_srcdir/tests/setup.sh"

n=0
for rec in 'client_secret_key%253Ds12SECRET' \
    '\u0022client_secret_key\u0022:\u0022s20SECRET\u0022' \
    'client_secret_key\u003ds21SECRET' \
    '{&quot;client_secret_key&quot;:&quot;s30SECRET&quot;}' \
    'client_secret_key=<s31SECRET>' \
    'sig=sg13SECRET&X-Amz-Signature=amz14SECRET'; do
	n=$((n + 1))
	mkdir "$T/logs$n"
	printf '2026-11-29T21:58:11: [Omni] Failed to create ticket: { %s }\n' \
	    "$rec" > "$T/logs$n/omni-app-error.log"
	"$OMNIWATCH" scan "$T/logs$n" > "$T/scan$n.txt"
	"$OMNIWATCH" scan --json "$T/logs$n" > "$T/scan$n.json"
	"$OMNIWATCH" scan --format html -o "$T/scan$n.html" "$T/logs$n"
	grep -q 'REDACTED' "$T/scan$n.json" ||
	    fail "record $n: no excerpt redacted in the JSON report"
	if grep -l SECRET "$T/scan$n.txt" "$T/scan$n.json" "$T/scan$n.html"; then
		fail "record $n ($rec): a secret is in the report"
	fi
done
echo "ok: no secret of $n records in scan's text, JSON or HTML report"

n=0
for url in 'gopher://u:rcv3SECRET@hooks.example/x?token=rcv4SECRET' \
    'http:/u:r5SECRET@h/x?token=r6SECRET' 'ftp://h/x?access_token=r7SECRET'; do
	n=$((n + 1))
	printf 'sources: [{path: /dev/null}]\nstate_dir: %s\nreceivers: {ops: {url: "%s"}}\n' \
	    "$T/state" "$url" > "$T/c$n.yaml"
	rc=0
	"$OMNIWATCH" watch -c "$T/c$n.yaml" --check 2> "$T/c$n.err" || rc=$?
	assert_eq "$rc" 2 "config $n: exit status"
	grep -q "receivers.ops.url: .*is not an http:// or https:// URL" \
	    "$T/c$n.err" || fail "config $n: no named error: $(cat "$T/c$n.err")"
	! grep SECRET "$T/c$n.err" || fail "config $n: a secret is in the error"
done
echo "ok: no secret in $n config errors"

printf 'sources: [{path: /dev/null}]\nstate_dir: %s\nreceivers: {ops: {url: "%s"}}\n' \
    "$T/state" 'HTTP://127.0.0.1:9/x' > "$T/upper.yaml"
"$OMNIWATCH" watch -c "$T/upper.yaml" --check > "$T/upper.out" 2>&1 ||
    fail "HTTP:// is refused: $(cat "$T/upper.out")"
echo "ok: HTTP:// is a receiver's URL"
