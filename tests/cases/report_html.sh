#!/bin/sh
# --format html (issue 5, part 4): one self-contained file with the totals,
# the SVG chart per hour, the worst hours, the apps and the latest sample
# per class, redacted and escaped; for scan and for summary.  Rendered in
# headless Chromium when it is installed (Debian package chromium).
. "$top_srcdir/tests/setup.sh"
. "$top_srcdir/tests/watch-lib.sh"

awk -v OUT="$D/desk-out.log" -v ERR="$D/desk-error.log" \
    -f "$top_srcdir/tests/gen-hours.awk"
H=$T/scan.html

"$OMNIWATCH" scan --format html -o "$H" "$D"
[ -s "$H" ] || fail "no HTML written"

# The document, the chart and the numbers (gen-hours.awk's counts).
grep -q '^<!DOCTYPE html>' "$H" || fail "doctype"
grep -q '<svg class="chart" viewBox=' "$H" || fail "the SVG chart"
grep -q 'aria-label="Failures by class and successes per hour, with the failure rate"' "$H" || fail "chart label"
assert_eq "$(grep -c '<g class="bar">' "$H")" 24 "one bar per hour"
grep -q '<path class="rate-line"' "$H" || fail "the failure-rate line"
grep -q '<title>2026-11-29 13:00 UTC: 30 failures, route_not_found 30; 20 successes; failure rate 60.0%</title>' "$H" || fail "bar tooltip"
grep -q '<div class="num">126</div><div class="label">failures</div>' "$H" || fail "failures card"
grep -q '<div class="num">618</div>' "$H" || fail "successes card"
grep -q '<div class="num">2</div><div class="label">damaged</div>' "$H" || fail "damaged card"
grep -q '<div class="num">16.9%</div><div class="label">failure rate</div>' "$H" || fail "rate card"
grep -q '<td class="n">118</td><td class="n">93.7%</td>' "$H" || fail "class table"
grep -q "The partner API&#39;s router (Laravel Lumen) has no such route" "$H" || fail "diagnosis"
grep -q '<h3>Worst hours</h3>' "$H" || fail "worst hours"
grep -q '<tr><td>2026-11-29 13:00</td><td class="n">30</td><td class="n">20</td>' "$H" || fail "worst hour first"
grep -q '<h3>Apps</h3>' "$H" || fail "apps"
grep -q "desk-error.log:" "$H" || fail "sample location"
grep -q '<b>route_not_found</b>' "$H" || fail "route_not_found sample"
grep -q '<b>damaged</b>' "$H" || fail "damaged sample"
echo "ok: chart, numbers, tables, samples"

# Redacted: no token, no Bearer value; escaped: the log's HTML is text.
grep -q 'api_token=\[REDACTED\]' "$H" || fail "api_token redacted"
grep -q "Authorization: &#39;\[REDACTED\]&#39;" "$H" || fail "Bearer token redacted"
if grep -q 'tok-[0-9]\|eyJhbGciOi\|secret[0-9]' "$H"; then fail "a secret leaked"; fi
grep -q '&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;' "$H" || fail "log text escaped"
echo "ok: redacted and escaped"

# Self-contained: no script at all, nothing loaded from anywhere.
if grep -qi '<script\|<link\|<img\|<iframe\|src=\|@import\|url(' "$H"; then
	fail "external or active content: $(grep -io '<script[^>]*\|<link[^>]*\|src=[^ ]*\|url([^)]*' "$H" | head -3)"
fi
[ "$(grep -o 'https\?://[^"'"'"' <]*' "$H" | grep -v '^http://www.w3.org/2000/svg$' | grep -v '^https://omni.example/' | wc -l)" = 0 ] ||
	fail "a URL other than the SVG namespace and the log's own"
echo "ok: self-contained"

# Summary: the same numbers from watch's state, no samples (not kept).
PATTERNS=omni write_config
start_watch
wait_count 126 failures "watch counted"
stop_watch
"$OMNIWATCH" summary -c "$CFG" --format html -o "$T/summary.html"
grep -q '<svg class="chart"' "$T/summary.html" || fail "summary chart"
assert_eq "$(grep -c '<g class="bar">' "$T/summary.html")" 24 "summary: one bar per hour"
grep -q '<div class="num">126</div><div class="label">failures</div>' "$T/summary.html" || fail "summary failures card"
grep -q '<h1>omniwatch <span>summary</span></h1>' "$T/summary.html" || fail "summary title"
grep -q 'keeps counts, not log text' "$T/summary.html" || fail "summary says why there are no samples"
"$OMNIWATCH" summary -c "$CFG" --format html --since 2026-11-30 > "$T/empty.html"
grep -q 'No records with a time stamp to draw' "$T/empty.html" || fail "empty range"
grep -q '<div class="num">n/a</div><div class="label">failure rate</div>' "$T/empty.html" || fail "empty rate"

# Rendered: a real browser draws it (skipped without Chromium).
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
	echo "skip: no chromium for the screenshot"
	exit 0
fi
for page in scan summary; do
	rm -f "$T/$page.png"
	timeout 120 "$browser" --headless --no-sandbox --disable-gpu \
	    --disable-quic --no-first-run --disable-background-networking \
	    --disable-component-update --disable-sync \
	    --user-data-dir="$(mktemp -d "$T/chrome.XXXXXX")" \
	    --screenshot="$T/$page.png" --window-size=1200,1600 \
	    "file://$T/$page.html" > "$T/chrome.log" 2>&1 ||
		{ tail -n 20 "$T/chrome.log"; fail "chromium failed on $page"; }
	[ -f "$T/$page.png" ] || fail "$page: no screenshot"
	assert_eq "$(head -c 8 "$T/$page.png" | od -An -tx1 | tr -d ' \n')" 89504e470d0a1a0a "$page: a PNG"
	size=$(wc -c < "$T/$page.png")
	# A blank 1200x1600 page compresses to a few KiB; the report is more.
	[ "$size" -gt 40000 ] || fail "$page: screenshot of $size bytes looks empty"
	echo "ok: $page.png, $size bytes"
done
