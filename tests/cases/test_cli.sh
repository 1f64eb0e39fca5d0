#!/bin/sh
# omniwatch test, the pattern workbench (issue 5, part 2): on a corpus with
# known answers, the matched and missed counts per class, the first samples
# with FILE:LINE, --print-matched / --print-missed, the per-regex timing,
# stdin, a second pattern set, and the exit statuses.
. "$top_srcdir/tests/setup.sh"

# The corpus: 3 successes (line 1, 2-6, 13), 2 Lumen 404s (7-11, 18-22),
# 1 other failure (12), 2 missed records: a success without its ticket
# number (14) and one whose head lost its first bytes, as PM2's fork mode
# does under bursts (15-17); and noise (23-24).
cat > "$T/desk-out.log" <<'L'
2026-11-29T10:00:00: [Omni] Ticket created successfully: { ticketId: 1, ticket_number: 'TCK-1' }
2026-11-29T10:00:01: [Omni] Ticket created successfully: {
2026-11-29T10:00:01:   ticketId: 2,
2026-11-29T10:00:01:   ticket_number: 'TCK-2',
2026-11-29T10:00:01:   subject: 'printer'
2026-11-29T10:00:01: }
2026-11-29T10:00:02: [Omni] Failed to create ticket: {
2026-11-29T10:00:02:   status: false,
2026-11-29T10:00:02:   message: '',
2026-11-29T10:00:02:   errors: { file: '/srv/api/vendor/laravel/lumen-framework/src/Concerns/RoutesRequests.php' }
2026-11-29T10:00:02: }
2026-11-29T10:00:03: [Omni] Failed to create ticket: { status: false, message: 'validation failed' }
2026-11-29T10:00:04: [Omni] Ticket created successfully: { ticketId: 3, ticket_number: 'TCK-3' }
2026-11-29T10:00:05: [Omni] Ticket created successfully: { ticketId: 4 }
2026-11-29T10:00:06: cket created successfully: {
2026-11-29T10:00:06:   ticketId: 5,
2026-11-29T10:00:06: }
2026-11-29T10:00:07: [Omni] Failed to create ticket: {
2026-11-29T10:00:07:   status: false,
2026-11-29T10:00:07:   message: '',
2026-11-29T10:00:07:   errors: { file: '/srv/api/vendor/laravel/lumen-framework/src/Concerns/RoutesRequests.php' }
2026-11-29T10:00:07: }
2026-11-29T10:00:08: GET /health 200
2026-11-29T10:00:09: worker ready
L
F=$T/desk-out.log

"$OMNIWATCH" test "$F" > "$T/a.txt"
grep -q "^read $F: [0-9]* bytes, 10 records in [0-9.]* s$" "$T/a.txt" || fail "file line: $(cat "$T/a.txt")"
grep -q '^pattern set omni (Ticket forwarding to the Omni/Sociomile API): 6 matched, 2 missed$' "$T/a.txt" || fail "set line"
grep -q '^  success: 3 matched$' "$T/a.txt" || fail "success count"
grep -q '^  route_not_found: 2 matched$' "$T/a.txt" || fail "route_not_found count"
grep -q '^  other: 1 matched$' "$T/a.txt" || fail "other count"
grep -q '^  missed: 2 ' "$T/a.txt" || fail "missed count"
grep -q "^    $F:2: \[Omni\] Ticket created successfully: {\$" "$T/a.txt" || fail "success sample with FILE:LINE"
grep -q "^    $F:18: \[Omni\] Failed to create ticket: {\$" "$T/a.txt" || fail "route_not_found sample"
grep -q "^    $F:14: \[Omni\] Ticket created successfully: { ticketId: 4 }\$" "$T/a.txt" || fail "missed sample 1"
grep -q "^    $F:15: cket created successfully: {\$" "$T/a.txt" || fail "missed sample 2"
# Timing: one line per regex, with how often it was tried and matched.
grep -q '^  regex time (PCRE2 ' "$T/a.txt" || fail "timing header"
grep -Eq '^    success 1 +[0-9.]+ ms +[0-9.]+ us/try  tried [0-9]+, regex ran [0-9]+, matched 3$' "$T/a.txt" || fail "success timing"
grep -Eq '^    route_not_found +[0-9.]+ ms .* matched 2$' "$T/a.txt" || fail "route_not_found timing"
grep -Eq '^    other +[0-9.]+ ms .* matched 1$' "$T/a.txt" || fail "other timing"
echo "ok: counts, samples and timing"

# The same counts as scan, which calls the missed records damaged.
"$OMNIWATCH" scan --json "$F" > "$T/scan.json"
assert_eq "$(jget "$T/scan.json" .pattern_sets.omni.damaged)" 2 "scan: damaged = missed"
assert_eq "$(jget "$T/scan.json" .pattern_sets.omni.successes)" 3 "scan: successes"

# --samples caps the excerpts, with a count of the rest.
"$OMNIWATCH" test --samples 1 "$F" > "$T/b.txt"
assert_eq "$(grep -c "^    $F:" "$T/b.txt")" 4 "one sample per non-empty class"
grep -q '^    \.\.\. 2 more$' "$T/b.txt" || fail "the rest counted"

# --print-missed: the two missed records, whole, before the summary.
"$OMNIWATCH" test --print-missed "$F" > "$T/c.txt"
assert_eq "$(grep -c '^missed omni ' "$T/c.txt")" 2 "--print-missed lists both"
grep -q "^missed omni $F:15\$" "$T/c.txt" || fail "missed header"
grep -q '^  |   ticketId: 5,$' "$T/c.txt" || fail "whole record printed"
assert_eq "$(grep -c '^matched ' "$T/c.txt")" 0 "no matched without --print-matched"

# --print-matched: all six matched records, with their class.
"$OMNIWATCH" test --print-matched "$F" > "$T/d.txt"
assert_eq "$(grep -c '^matched omni/' "$T/d.txt")" 6 "--print-matched lists all"
assert_eq "$(grep -c '^matched omni/route_not_found ' "$T/d.txt")" 2 "with their class"
grep -q "^matched omni/other $F:12\$" "$T/d.txt" || fail "other header"
grep -q "^  | .*RoutesRequests.php' }\$" "$T/d.txt" || fail "record body printed"

# The samples are redacted as scan's reports are (a tester saw a bearer
# token, a password and a URL's password in clear); --print-matched, asked
# for by name, shows the record as the regexes see it.
echo "2026-12-07T10:00:00: [Omni] Failed to create ticket: Authorization: Bearer abc123FAKE password=hunter2FAKE https://u:urlpwFAKE@h/x" > "$T/sec-error.log"
"$OMNIWATCH" test "$T/sec-error.log" > "$T/sec.txt"
grep -q "^    $T/sec-error.log:1: \[Omni\] Failed to create ticket: Authorization: \[REDACTED\] password=\[REDACTED\] https://u:\[REDACTED\]@h/x\$" "$T/sec.txt" || fail "sample not redacted: $(cat "$T/sec.txt")"
assert_eq "$(grep -c FAKE "$T/sec.txt")" 0 "no secret in test's summary"
"$OMNIWATCH" test --print-matched "$T/sec-error.log" > "$T/sec2.txt"
assert_eq "$(grep -c '^  | .*hunter2FAKE' "$T/sec2.txt")" 1 "--print-matched: the record whole"

# Standard input, and a second pattern set of the user's.
cat > "$T/health.yaml" <<'Y'
name: health
success:
  - 'GET /health 200'
  - 'worker ready'
failure:
  - class: down
    regex: 'GET /health 5\d\d'
Y
"$OMNIWATCH" test -p omni -p "$T/health.yaml" - < "$F" > "$T/e.txt"
grep -q '^read -: ' "$T/e.txt" || fail "stdin file line"
grep -q '^pattern set omni (.*): 6 matched, 2 missed$' "$T/e.txt" || fail "omni from stdin"
grep -q '^pattern set health: 2 matched, 0 missed$' "$T/e.txt" || fail "second set"
grep -q '^    -:23: GET /health 200$' "$T/e.txt" || fail "stdin sample"
grep -Eq '^    success 2 +.* matched 1$' "$T/e.txt" || fail "second success regex timed"
grep -Eq '^    down +.* matched 0$' "$T/e.txt" || fail "down timed"

# Exit statuses: 1 for unreadable input (the rest still counted), 2 for
# usage and pattern errors.
set +e
"$OMNIWATCH" test "$T/nope.log" "$F" > "$T/f.txt" 2> "$T/f.err"; rc=$?
set -e
assert_eq "$rc" 1 "unreadable input"
grep -q 'nope.log' "$T/f.err" || fail "the file is named"
grep -q '^  success: 3 matched$' "$T/f.txt" || fail "counted despite the error"
# A directory is a usage error, found before anything is read: no summary
# of nothing (issue 19).
set +e
"$OMNIWATCH" test "$F" "$T" > "$T/g.out" 2> "$T/g.err"; rc=$?
set -e
assert_eq "$rc" 2 "a directory"
grep -q "^omniwatch test: $T: is a directory; give the logs in it (omniwatch test $T/\*.log), or count them all with omniwatch scan $T\$" "$T/g.err" || fail "directory message: $(cat "$T/g.err")"
[ ! -s "$T/g.out" ] || fail "a summary after a directory: $(cat "$T/g.out")"
# DIR/*: the files not named like logs are said and skipped, the logs read.
mkdir -p "$T/glob"
cp "$F" "$T/glob/desk-out.log"
cp "$F" "$T/glob/desk-out.log.1"
echo "not a log" > "$T/glob/README.txt"
echo "name: x" > "$T/glob/omniwatch.yaml"
"$OMNIWATCH" test "$T"/glob/* > "$T/glob.txt" 2> "$T/glob.err"
assert_eq "$(grep -c '^read ' "$T/glob.txt")" 2 "DIR/*: the two logs read"
grep -q "^omniwatch: warning: $T/glob/README.txt: not named like a log (NAME.log, NAME-out.log, .gz, rotated .1, .2.gz, -20261129); skipped" "$T/glob.err" || fail "README.txt not said: $(cat "$T/glob.err")"
grep -q "glob/omniwatch.yaml: not named like a log" "$T/glob.err" || fail "a .yaml not said"
if grep -q 'README' "$T/glob.txt"; then fail "README.txt read"; fi
grep -q '^  success: 6 matched$' "$T/glob.txt" || fail "DIR/*: counts"
# Nothing left to read: said, exit 1, no summary.
set +e
"$OMNIWATCH" test "$T/glob/README.txt" > "$T/r.out" 2> "$T/r.err"; rc=$?
set -e
assert_eq "$rc" 1 "only a README"
grep -q '^omniwatch test: no log read$' "$T/r.err" || fail "no log read: $(cat "$T/r.err")"
[ ! -s "$T/r.out" ] || fail "a summary of nothing"
# Nor is there one when the only log cannot be opened.
set +e
"$OMNIWATCH" test "$T/glob/gone.log" > "$T/r3.out" 2> "$T/r3.err"; rc=$?
set -e
assert_eq "$rc" 1 "a log not there"
grep -q '^omniwatch test: no log read$' "$T/r3.err" || fail "no log read: $(cat "$T/r3.err")"
[ ! -s "$T/r3.out" ] || fail "a summary of a log not there: $(cat "$T/r3.out")"
# The same file given as standard input is read.
"$OMNIWATCH" test - < "$T/glob/README.txt" > "$T/r2.out"
grep -q '^read -: 10 bytes, 1 record' "$T/r2.out" || fail "README.txt on stdin: $(cat "$T/r2.out")"
# scan takes the same decision, by the same function.
"$OMNIWATCH" scan --json "$T"/glob/* > "$T/glob.json" 2> "$T/glob2.err"
assert_eq "$(jget "$T/glob.json" '.files | length')" 2 "scan DIR/*: two files"
grep -q "glob/README.txt: not named like a log" "$T/glob2.err" || fail "scan: README.txt not said"
set +e
"$OMNIWATCH" test > /dev/null 2> "$T/h.err"; rc=$?
set -e
assert_eq "$rc" 2 "no input"
grep -q '^usage: omniwatch test' "$T/h.err" || fail "usage"
set +e
"$OMNIWATCH" test -p nosuch "$F" > /dev/null 2> "$T/i.err"; rc=$?
set -e
assert_eq "$rc" 2 "unknown pattern set"
set +e
"$OMNIWATCH" test --samples x "$F" > /dev/null 2> "$T/j.err"; rc=$?
set -e
assert_eq "$rc" 2 "bad --samples"
