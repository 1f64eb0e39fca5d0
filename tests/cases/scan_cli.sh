#!/bin/sh
# omniwatch scan as a user meets it: defaults, options, exit statuses and
# error messages.
. "$top_srcdir/tests/setup.sh"

S=$top_srcdir/tests/data
mkdir -p "$T/home/.pm2/logs" "$T/pm2home/logs"

# A record of each kind, stamped as PM2 --time does.
cat > "$T/pm2home/logs/desk-error.log" <<'L'
2026-11-29T10:00:00: [Omni] Failed to create ticket: {
2026-11-29T10:00:00:   status: false,
2026-11-29T10:00:00:   message: '',
2026-11-29T10:00:00:   errors: {
2026-11-29T10:00:00:     file: '/srv/api/vendor/laravel/lumen-framework/src/Concerns/RoutesRequests.php',
2026-11-29T10:00:00:     line: 229
2026-11-29T10:00:00:   }
2026-11-29T10:00:00: }
2026-11-29T11:00:00: [Omni] Failed to create ticket: { status: false, message: 'validation failed', errors: { subject: [ 'required' ] } }
2026-11-29T12:00:00: TypeError: Cannot read properties of undefined (reading 'ticketId')
2026-11-29T12:00:00:     at main (/srv/desk/app.js:65:19)
L
cat > "$T/pm2home/logs/desk-out.log" <<'L'
2026-11-29T10:30:00: [Omni] Ticket created successfully: { ticketId: 124, ticket_number: 'TCK-2025-000124' }
2026-11-29T12:30:00: [Omni] Ticket created successfully: {
2026-11-29T12:30:00:   ticketId: 1001,
2026-11-29T12:30:00:   subject: 'no number here'
2026-11-29T12:30:00: }
L

# No PATH: $PM2_HOME/logs.
PM2_HOME=$T/pm2home "$OMNIWATCH" scan --json > "$T/a.json"
assert_eq "$(jget "$T/a.json" .pattern_sets.omni.failures)" 2 "PM2_HOME failures"
assert_eq "$(jget "$T/a.json" .pattern_sets.omni.classes.route_not_found)" 1 "route_not_found"
assert_eq "$(jget "$T/a.json" .pattern_sets.omni.classes.other)" 1 "other"
assert_eq "$(jget "$T/a.json" .pattern_sets.omni.successes)" 1 "successes"
assert_eq "$(jget "$T/a.json" .pattern_sets.omni.damaged)" 1 "damaged (success without ticket_number)"
assert_eq "$(jget "$T/a.json" .pattern_sets.omni.failure_rate)" 0.666667 "failure rate"
assert_eq "$(jget "$T/a.json" .pattern_sets.omni.first)" 2026-11-29T10:00:00Z "first"
assert_eq "$(jget "$T/a.json" .pattern_sets.omni.last)" 2026-11-29T12:30:00Z "last"
assert_eq "$(jget "$T/a.json" .pattern_sets.omni.apps.desk.failures)" 2 "per app"
assert_eq "$(jget "$T/a.json" '.files | length')" 2 "files"
assert_eq "$(jget "$T/a.json" '.errors | length')" 0 "errors"

# No PATH and no PM2_HOME: ~/.pm2/logs.
cp "$T/pm2home/logs/"* "$T/home/.pm2/logs/"
(unset PM2_HOME; HOME=$T/home "$OMNIWATCH" scan --json) > "$T/b.json"
assert_eq "$(jget "$T/b.json" .pattern_sets.omni.failures)" 2 "~/.pm2/logs failures"

# Rotated copies under logrotate's dateext, whatever its dateformat
# ("-%Y-%m-%d", "-%Y%m%d-%s", ".%Y-%m-%d"), and with `extension .log`:
# each is read, once.
mkdir -p "$T/dateext"
for f in desk-error.log-20261127 desk-error.log-2026-11-26 \
    desk-error.log-20261125-1764028800 desk-error.log.2026-11-24 \
    desk-error.1.log desk-error-20261123.log; do
	cp "$T/pm2home/logs/desk-error.log" "$T/dateext/$f"
done
gzip "$T/dateext/desk-error.log-2026-11-26"
"$OMNIWATCH" scan --json "$T/dateext" > "$T/de.json"
assert_eq "$(jget "$T/de.json" .pattern_sets.omni.failures)" 12 "dateext copies: failures"
assert_eq "$(jget "$T/de.json" '.files | length')" 6 "dateext copies: files"

# A copy compressed by another program than gzip (logrotate's
# compresscmd) cannot be read: it is an error, never skipped quietly.
mkdir -p "$T/xz"
cp "$T/pm2home/logs/desk-error.log" "$T/xz/desk-error.log"
printf 'not really xz\n' > "$T/xz/desk-error.log.1.xz"
printf 'not really zstd\n' > "$T/xz/desk-error.log-20261128.zst"
printf 'not a log\n' > "$T/xz/notes.txt.xz"
rc=0
"$OMNIWATCH" scan --json "$T/xz" > "$T/xz.json" 2> "$T/xz.err" || rc=$?
assert_eq "$rc" 1 "xz copies: exit status"
assert_eq "$(jget "$T/xz.json" .pattern_sets.omni.failures)" 2 "xz copies: the rest counted"
assert_eq "$(jget "$T/xz.json" '.errors | length')" 2 "xz copies: each an error"
grep -q 'desk-error.log.1.xz: compressed with xz, which omniwatch does not read' "$T/xz.err" ||
    fail "xz copies: not said"
rc=0
"$OMNIWATCH" scan "$T/xz/desk-error.log-20261128.zst" > /dev/null 2> "$T/zst.err" || rc=$?
assert_eq "$rc" 1 "a zstd copy given by name: exit status"
grep -q 'compressed with zstd' "$T/zst.err" || fail "a zstd copy given by name: not said"

# Compressed by another program than gzip, under a log's name (compresscmd
# without its compressext) or on standard input: told by the bytes, as
# gzip is, and an error naming the command to read it.  It was read as
# text: NUL warnings, 0 records, exit 0 (tester10's item 8).
mkdir -p "$T/magic"
cp "$T/pm2home/logs/desk-error.log" "$T/magic/desk-error.log"
# The bare magic numbers, so that this part runs everywhere.
printf '\375\067\172\130\132\000rest' > "$T/magic/desk-error.log.1"
printf '\050\265\057\375rest' > "$T/magic/desk-error.log.2"
printf 'BZh9rest' > "$T/magic/desk-error.log.3"
printf '\004\042\115\030rest' > "$T/magic/desk-error.log.4"
printf '\037\235rest' > "$T/magic/desk-error.log.5"
printf '\135\000\000\200\000rest' > "$T/magic/desk-error.log.6"
rc=0
"$OMNIWATCH" scan --json "$T/magic" > "$T/m.json" 2> "$T/m.err" || rc=$?
assert_eq "$rc" 1 "compressed by content: exit status"
assert_eq "$(jget "$T/m.json" .pattern_sets.omni.failures)" 2 "compressed by content: the rest counted"
assert_eq "$(jget "$T/m.json" '.errors | length')" 6 "compressed by content: each an error"
for p in "1 xz" "2 zstd" "3 bzip2" "4 lz4" "5 uncompress" "6 lzma"; do
	n=${p% *} prog=${p#* }
	grep -qF "desk-error.log.$n: compressed with $prog, which omniwatch does not read (it reads gzip): not counted; to scan it: $prog -dc $T/magic/desk-error.log.$n | omniwatch scan -" "$T/m.err" ||
	    fail "$prog by its magic: not said: $(cat "$T/m.err")"
done
! grep -q 'NUL' "$T/m.err" || fail "compressed by content: read as text: $(cat "$T/m.err")"
rc=0
"$OMNIWATCH" scan - < "$T/magic/desk-error.log.1" > /dev/null 2> "$T/m.err" || rc=$?
assert_eq "$rc" 1 "xz magic on standard input: exit status"
grep -qF -- "-: compressed with xz, which omniwatch does not read (it reads gzip): not counted; to scan it, decompress it on the way: ... | xz -dc | omniwatch scan -" "$T/m.err" ||
    fail "xz magic on standard input: not said: $(cat "$T/m.err")"
# Text that only begins like a magic is text.
printf 'BZh, not bzip2\n' > "$T/magic/bz.log"
"$OMNIWATCH" scan "$T/magic/bz.log" > /dev/null 2> "$T/m.err" ||
    fail "text beginning with BZh: refused: $(cat "$T/m.err")"
printf ']] not lzma\n' > "$T/magic/lz.log"
"$OMNIWATCH" scan "$T/magic/lz.log" > /dev/null 2> "$T/m.err" ||
    fail "text beginning with ]: refused: $(cat "$T/m.err")"
# Real files from the programs, where installed.
for prog in xz zstd bzip2 lzma; do
	if ! command -v $prog > /dev/null 2>&1; then
		echo "skip: $prog is not installed; its magic was tested above"
		continue
	fi
	$prog -c < "$T/pm2home/logs/desk-error.log" > "$T/magic/real-$prog.log"
	rc=0
	"$OMNIWATCH" scan "$T/magic/real-$prog.log" > /dev/null 2> "$T/m.err" || rc=$?
	assert_eq "$rc" 1 "a real $prog file named .log: exit status"
	grep -q "real-$prog.log: compressed with $prog," "$T/m.err" ||
	    fail "a real $prog file named .log: not said: $(cat "$T/m.err")"
	rc=0
	"$OMNIWATCH" scan - < "$T/magic/real-$prog.log" > /dev/null 2> "$T/m.err" || rc=$?
	assert_eq "$rc" 1 "real $prog on standard input: exit status"
done

# --since / --until filter on record times.
"$OMNIWATCH" scan --json --since '2026-11-29 10:15' --until 2026-11-29T12:00:00Z "$T/pm2home/logs" > "$T/c.json"
assert_eq "$(jget "$T/c.json" .pattern_sets.omni.failures)" 1 "since/until failures"
assert_eq "$(jget "$T/c.json" .pattern_sets.omni.successes)" 1 "since/until successes"
assert_eq "$(jget "$T/c.json" .pattern_sets.omni.damaged)" 0 "since/until damaged"
"$OMNIWATCH" scan --json --since 1h "$T/pm2home/logs" > "$T/d.json"
assert_eq "$(jget "$T/d.json" .pattern_sets.omni.failure_rate)" null "nothing in the last hour"

# Text output names the classes, the diagnosis and the first failure.
"$OMNIWATCH" scan "$T/pm2home/logs" > "$T/e.txt"
grep -q '2 failures, 1 success, 1 damaged, failure rate 66.7%' "$T/e.txt" || fail "text totals"
grep -q 'route_not_found *1 *(The partner API' "$T/e.txt" || fail "text diagnosis"
grep -q 'first route_not_found at line 1: \[Omni\] Failed to create ticket: {' "$T/e.txt" || fail "text first failure"

# stdin, and the `pm2 logs` prefix.
sed 's/^/0|desk  | /' "$T/pm2home/logs/desk-error.log" | "$OMNIWATCH" scan --json - > "$T/f.json"
assert_eq "$(jget "$T/f.json" .pattern_sets.omni.apps.desk.failures)" 2 "stdin with pm2 logs prefix"

# A missing file: exit 1, an error entry, the rest still counted.
set +e
"$OMNIWATCH" scan --json "$T/nope-out.log" "$T/pm2home/logs" > "$T/g.json" 2> "$T/g.err"
rc=$?
set -e
assert_eq "$rc" 1 "exit status with unreadable input"
assert_eq "$(jget "$T/g.json" '.errors[0].path')" "$T/nope-out.log" "error path"
assert_eq "$(jget "$T/g.json" .pattern_sets.omni.failures)" 2 "counts despite the error"
grep -q "nope-out.log" "$T/g.err" || fail "stderr names the file"

# Usage errors: exit 2 with a hint.
set +e
"$OMNIWATCH" scan --bogus 2> "$T/h.err"; rc=$?
set -e
assert_eq "$rc" 2 "unknown option"
grep -q "^omniwatch scan: unrecognized option '--bogus'" "$T/h.err" ||
	fail "getopt's message names omniwatch scan: $(cat "$T/h.err")"
set +e
"$OMNIWATCH" scan --since yesterday-ish "$T" 2> "$T/i.err"; rc=$?
set -e
assert_eq "$rc" 2 "bad --since"
grep -q "expected a date" "$T/i.err" || fail "--since message"

# An invalid regex names file, line, column, set, class and PCRE2's text.
cat > "$T/bad.yaml" <<'Y'
name: broken
success:
  - 'fine'
failure:
  - class: oops
    regex: 'abc(def'
Y
set +e
"$OMNIWATCH" scan -p "$T/bad.yaml" "$T/pm2home/logs" 2> "$T/j.err"; rc=$?
set -e
assert_eq "$rc" 2 "invalid regex exit status"
grep -q "^omniwatch scan: $T/bad.yaml:6:20: pattern 'broken' failure class 'oops': missing closing parenthesis at offset 7" "$T/j.err" ||
	fail "invalid regex message: $(cat "$T/j.err")"

# Unknown key: file:line:column and what was expected.
printf 'name: x\nsucess:\n  - a\n' > "$T/typo.yaml"
set +e
"$OMNIWATCH" scan -p "$T/typo.yaml" "$T" 2> "$T/k.err"; rc=$?
set -e
assert_eq "$rc" 2 "unknown key exit status"
grep -q "typo.yaml:2:1: unknown key 'sucess'" "$T/k.err" || fail "unknown key message: $(cat "$T/k.err")"

# -p NAME is looked up in $OMNIWATCH_PATTERNS.
mkdir -p "$T/pat"
sed 's/^name: omni$/name: mine/' "$top_srcdir/patterns/omni.yaml" > "$T/pat/mine.yaml"
OMNIWATCH_PATTERNS=$T/pat "$OMNIWATCH" scan --json -p mine "$T/pm2home/logs" > "$T/l.json"
assert_eq "$(jget "$T/l.json" .pattern_sets.mine.failures)" 2 "-p NAME from OMNIWATCH_PATTERNS"
set +e
OMNIWATCH_PATTERNS=$T/pat "$OMNIWATCH" scan -p nosuch "$T" 2> "$T/m.err"; rc=$?
set -e
assert_eq "$rc" 2 "unknown pattern set"
grep -q "pattern set 'nosuch' not found" "$T/m.err" || fail "unknown set message"

# Named captures of the regex that decided are kept for the report.
cat > "$T/cap.yaml" <<'Y'
name: cap
success:
  - '\[Omni\] Ticket created successfully: \{[\s\S]*?ticketId:[\s\S]*?ticket_number: ''(?<ticket_number>[^'']+)'''
failure:
  - class: route_not_found
    regex: '\[Omni\] Failed to create ticket: \{[\s\S]*?errors:[\s\S]*?(?<file>[^'' ]*RoutesRequests\.php)'
Y
"$OMNIWATCH" scan -p "$T/cap.yaml" --json "$T/pm2home/logs" > "$T/n.json"
assert_eq "$(jq -r '.files[] | select(.app == "desk" and (.path | endswith("out.log"))) | .first.cap.success.captures.ticket_number' "$T/n.json")" \
	TCK-2025-000124 "named capture of the first success"
assert_eq "$(jq -r '.files[] | select(.path | endswith("error.log")) | .first.cap.route_not_found.captures.file' "$T/n.json")" \
	/srv/api/vendor/laravel/lumen-framework/src/Concerns/RoutesRequests.php "named capture of the first failure"
"$OMNIWATCH" scan -p "$T/cap.yaml" "$T/pm2home/logs" > "$T/n.txt"
grep -q 'first route_not_found at line 1: \[Omni\] Failed to create ticket: { (file=/srv/api/vendor/laravel/lumen-framework/src/Concerns/RoutesRequests.php)' "$T/n.txt" ||
	fail "text report shows the captures: $(grep 'first route' "$T/n.txt")"

# ...and redacted like every excerpt: a group named like a secret shows
# no value.
printf '[Omni] Failed to create ticket: { status: false, errors: { token: abc123secret } }\n' > "$T/tok-error.log"
cat > "$T/tok.yaml" <<'Y'
name: tok
success:
  - 'never-seen-here'
failure:
  - class: leak
    regex: 'token: (?<token>\w+)'
Y
"$OMNIWATCH" scan -p "$T/tok.yaml" --json "$T/tok-error.log" > "$T/o.json"
assert_eq "$(jq -r '.files[0].first.tok.leak.captures.token' "$T/o.json")" "[REDACTED]" "a secret-named capture is redacted"
grep -q abc123secret "$T/o.json" && fail "the secret leaked into the JSON report"
true

# A regex that hits PCRE2's match limit does not pass for "no match": the
# record counts as damaged and the limit is reported once.
printf 'name: c4\nfailure:\n  - class: many_a\n    regex: "(.*a){25}"\n  - class: other\n    regex: "x"\n' > "$T/c4.yaml"
python3 -c "print('x'*200+'a'*30)" > "$T/a30-error.log"
"$OMNIWATCH" scan --json -p "$T/c4.yaml" "$T/a30-error.log" > "$T/p.json" 2> "$T/p.err"
assert_eq "$(jget "$T/p.json" .pattern_sets.c4.damaged)" 1 "a match-limit record is damaged"
assert_eq "$(jget "$T/p.json" .pattern_sets.c4.classes.other)" 0 "...not the next class"
grep -q "class 'many_a': .*limit" "$T/p.err" || fail "match limit reported: $(cat "$T/p.err")"

# Log text cannot drive the terminal: control characters become '?'.
printf "[Omni] Failed to create ticket: { status: false \033]0;PWNED\007\033[2J }\n" > "$T/esc-error.log"
"$OMNIWATCH" scan "$T/esc-error.log" > "$T/q.txt"
if grep -q "$(printf '\033')" "$T/q.txt"; then fail "ESC reached the text report"; fi
# (The CSI sequence "\e[2J" is no text: the excerpt is shown without it,
# as without colours, omniwatch-patterns(5); the OSC one stays.)
grep -q 'status: false ?\]0;PWNED? }' "$T/q.txt" || fail "control characters shown as ?: $(cat "$T/q.txt")"

# Time arguments that would mislead are refused.
for bad in 2026 2026-02-30 '2026-11-29 25:00'; do
	set +e
	"$OMNIWATCH" scan --since "$bad" "$T/pm2home/logs" 2>/dev/null; rc=$?
	set -e
	assert_eq "$rc" 2 "--since '$bad' refused"
done
set +e
"$OMNIWATCH" scan --since 2026-11-30 --until 2026-11-29 "$T/pm2home/logs" 2> "$T/r.err"; rc=$?
set -e
assert_eq "$rc" 2 "reversed --since/--until"
grep -q 'since must be before' "$T/r.err" || fail "reversed range message"

# A null or empty regex is an error, not a regex that never runs.
printf 'name: n\nsuccess:\n  - null\nfailure:\n  - class: x\n    regex: "x"\n' > "$T/null.yaml"
set +e
"$OMNIWATCH" scan -p "$T/null.yaml" "$T/pm2home/logs" 2> "$T/s.err"; rc=$?
set -e
assert_eq "$rc" 2 "a null success regex"
grep -q 'null.yaml:3:5: regex: expected a string' "$T/s.err" || fail "null regex message: $(cat "$T/s.err")"

# --jobs: files read in threads give the same report, and the same messages
# in the same order, as one at a time (each file has something to say: NUL
# runs, a cut gzip, a missing file among the arguments).
mkdir -p "$T/jobs/logs"
for app in a b c d e; do
	cp "$T/pm2home/logs/desk-error.log" "$T/jobs/logs/$app-error.log"
	printf 'x\0\0\0\n' >> "$T/jobs/logs/$app-error.log"
	cp "$T/pm2home/logs/desk-out.log" "$T/jobs/logs/$app-out.log"
done
gzip -c "$T/pm2home/logs/desk-error.log" | head -c 60 > "$T/jobs/logs/c-error.log.1.gz"
for j in 1 4; do
	set +e
	"$OMNIWATCH" scan --json --jobs $j "$T/jobs/logs" "$T/jobs/missing.log" \
	    "$T/pm2home/logs" > "$T/jobs$j.json" 2> "$T/jobs$j.err"; rc=$?
	set -e
	assert_eq "$rc" 1 "--jobs $j: exit status with a cut gzip and a missing file"
done
cmp "$T/jobs1.json" "$T/jobs4.json" || fail "--jobs 4 report differs from --jobs 1"
cmp "$T/jobs1.err" "$T/jobs4.err" || fail "--jobs 4 messages differ: $(diff "$T/jobs1.err" "$T/jobs4.err")"
assert_eq "$(grep -c 'NUL bytes' "$T/jobs4.err")" 5 "--jobs 4: one NUL message per file"
assert_eq "$(jget "$T/jobs4.json" '.pattern_sets.omni.failures')" 12 "--jobs 4: failures of the 6 whole error files"
# Each thread counts its files' steps apart; merged, they hold every
# (stamped) record, as the one thread's do.
assert_eq "$(jget "$T/jobs4.json" '[.pattern_sets.omni.steps[].failures] | add')" 12 "--jobs 4: the steps hold every failure"
assert_eq "$(jget "$T/jobs4.json" '[.pattern_sets.omni.hours[].successes] | add')" "$(jget "$T/jobs4.json" '.pattern_sets.omni.successes')" "--jobs 4: the hours hold every success"
assert_eq "$(jget "$T/jobs4.json" '[.files[].path | sub(".*/"; "")] | join(" ")')" \
	"a-out.log a-error.log b-out.log b-error.log c-out.log c-error.log.1.gz c-error.log d-out.log d-error.log e-out.log e-error.log desk-out.log desk-error.log" \
	"--jobs 4: files in the order they are read"
set +e
"$OMNIWATCH" scan --jobs 0 "$T/jobs/logs" 2> "$T/j0.err"; rc=$?
set -e
assert_eq "$rc" 2 "--jobs 0 refused"
grep -q "jobs '0': expected a number" "$T/j0.err" || fail "--jobs 0 message: $(cat "$T/j0.err")"

# A symlink beside its target is the same file: read once, and said so.
mkdir -p "$T/link"
cp "$T/pm2home/logs/desk-error.log" "$T/link/desk-error.log"
ln -s desk-error.log "$T/link/copy-error.log"
"$OMNIWATCH" scan --json "$T/link" "$T/link/desk-error.log" > "$T/link.json" 2> "$T/link.err"
assert_eq "$(jget "$T/link.json" '.pattern_sets.omni.failures')" 2 "symlinked log counted once"
assert_eq "$(jget "$T/link.json" '[.files[].path] | join(" ")')" "$T/link/desk-error.log" \
	"the file read under its own name, not the symlink's"
grep -q "link/desk-error.log: listed twice; read once" "$T/link.err" ||
	fail "listed twice message: $(cat "$T/link.err")"
grep -q "link/copy-error.log: the same file as $T/link/desk-error.log; read once" "$T/link.err" ||
	fail "symlink message: $(cat "$T/link.err")"

# Named like a log but not one (a FIFO): said, skipped.  A log that cannot
# be read (a dangling symlink) is an error, as it is given by name.
mkdir -p "$T/odd"
cp "$T/pm2home/logs/desk-error.log" "$T/odd/desk-error.log"
ln -s gone-error.log "$T/odd/d-error.log"
mkfifo "$T/odd/p-out.log"
set +e
"$OMNIWATCH" scan --json "$T/odd" > "$T/odd.json" 2> "$T/odd.err"; rc=$?
set -e
assert_eq "$rc" 1 "odd entries: a dangling symlink is an unread log"
assert_eq "$(jget "$T/odd.json" '.pattern_sets.omni.failures')" 2 "odd entries: the log still read"
grep -q "error: .*odd/d-error.log: a symbolic link to gone-error.log, which is not there" "$T/odd.err" || fail "dangling symlink not said: $(cat "$T/odd.err")"
# A broken link a glob picked up, named like no log, is skipped as a
# README.txt is (tester10).
ln -s nowhere "$T/odd/notes.txt"
set +e
"$OMNIWATCH" scan --json "$T/odd/desk-error.log" "$T/odd/notes.txt" > "$T/odd2.json" 2> "$T/odd2.err"; rc=$?
set -e
assert_eq "$rc" 0 "a broken non-log link from a glob: skipped"
grep -q "odd/notes.txt: not named like a log" "$T/odd2.err" || fail "notes.txt not said: $(cat "$T/odd2.err")"
rm "$T/odd/notes.txt"
grep -q "odd/p-out.log: not a regular file; skipped" "$T/odd.err" || fail "FIFO not said: $(cat "$T/odd.err")"

# A symlink loop named like a log is the same unreadable file in a
# directory as by name: an error in the report, exit 1, both ways (it
# was a warning and exit 0 in a directory).
mkdir -p "$T/loop1" "$T/loop2"
ln -s app-out.log "$T/loop1/app-out.log"
ln -s b-out.log "$T/loop2/a-out.log"
ln -s a-out.log "$T/loop2/b-out.log"
for p in "$T/loop1" "$T/loop1/app-out.log" "$T/loop2" "$T/loop2/a-out.log"; do
	set +e
	"$OMNIWATCH" scan --json "$p" > "$T/loop.json" 2> "$T/loop.err"; rc=$?
	set -e
	assert_eq "$rc" 1 "symlink loop: scan ${p#"$T"/} exit status"
	jget "$T/loop.json" '.errors[].message' | grep -q "Too many levels of symbolic links" ||
		fail "symlink loop not in errors for $p: $(cat "$T/loop.json")"
done

# A named FIFO given by name is read when it has a writer; with none, scan
# blocked forever in open(2).  Now it waits a second for one, then lists
# it in errors (exit 1).  A pipe of <(cmd) is read as ever.
mkdir -p "$T/fifo"
mkfifo "$T/fifo/f-error.log"
set +e
timeout 10 "$OMNIWATCH" scan --json "$T/fifo/f-error.log" > "$T/fifo.json" 2> "$T/fifo.err"; rc=$?
set -e
assert_eq "$rc" 1 "a FIFO with no writer: an error, not a hang"
assert_eq "$(jget "$T/fifo.json" '.errors[0].message' | sed 's/ (.*//')" "a FIFO with no writer" "FIFO error"
grep -q "error: $T/fifo/f-error.log: a FIFO with no writer" "$T/fifo.err" || fail "FIFO message: $(cat "$T/fifo.err")"
cat "$T/pm2home/logs/desk-error.log" > "$T/fifo/f-error.log" &
timeout 10 "$OMNIWATCH" scan --json "$T/fifo/f-error.log" > "$T/fifo.json"
wait
assert_eq "$(jget "$T/fifo.json" '.pattern_sets.omni.failures')" 2 "a FIFO with a writer: read"
assert_eq "$(jget "$T/fifo.json" '.errors | length')" 0 "a FIFO with a writer: no error"

# A device is no log: /dev/zero was read for ever, with no output
# (tester12).  Now an error naming it (exit 1); /dev/null is empty.
set +e
timeout 10 "$OMNIWATCH" scan --json /dev/zero > "$T/dev.json" 2> "$T/dev.err"; rc=$?
set -e
assert_eq "$rc" 1 "/dev/zero: an error, not a hang"
grep -q "error: /dev/zero: is a character device, not a log" "$T/dev.err" || fail "device message: $(cat "$T/dev.err")"
timeout 10 "$OMNIWATCH" scan --json /dev/null > "$T/dev.json"
assert_eq "$(jget "$T/dev.json" '.errors | length')" 0 "/dev/null: no error"
timeout 10 bash -c '"$1" scan --json <(cat "$2")' sh "$OMNIWATCH" \
    "$T/pm2home/logs/desk-error.log" > "$T/procsub.json"
assert_eq "$(jget "$T/procsub.json" '.pattern_sets.omni.failures')" 2 "<(cat FILE): read"

# The steps with failures add up to the failures: records without a stamp
# have no step, and were left out of the lines unsaid; they get a line of
# their own, "undated", after the stamped steps (alone when none is).
mkdir -p "$T/undated"
printf '%s\n' "2026-11-29T10:00:00: [Omni] Failed to create ticket: { status: false, message: 'x' }" \
    > "$T/undated/s-out.log"
printf '%s\n' "[Omni] Failed to create ticket: { status: false, message: 'y' }" \
    "[Omni] Ticket created successfully: { ticketId: 1, ticket_number: 'T-1' }" \
    "[Omni] Failed to create ticket: { status: false, message: 'z' }" > "$T/undated/u-out.log"
"$OMNIWATCH" scan "$T/undated/s-out.log" "$T/undated/u-out.log" > "$T/undated.txt"
sed -n '/^  steps with failures/,/^files:/p' "$T/undated.txt" > "$T/undated.steps"
assert_eq "$(sed -n 2p "$T/undated.steps")" \
    "    2026-11-29T10:00:00Z  1 failure, 0 successes, failure rate 100.0%: other 1" "stamped step line"
assert_eq "$(sed -n 3p "$T/undated.steps")" \
    "    undated               2 failures, 1 success, failure rate 66.7%: other 2" "undated step line"
"$OMNIWATCH" scan "$T/undated/u-out.log" > "$T/undated.txt"
grep -q "^    undated               2 failures, 1 success" "$T/undated.txt" ||
	fail "undated records alone: no steps line: $(cat "$T/undated.txt")"

# Standard input given twice is read once.
printf '[Omni] Failed to create ticket: { status: false, message: "x" }\n' |
	"$OMNIWATCH" scan --json - - > "$T/stdin2.json" 2> "$T/stdin2.err"
assert_eq "$(jget "$T/stdin2.json" '.files | length')" 1 "- - reads stdin once"
grep -q "^omniwatch: warning: -: listed twice; read once" "$T/stdin2.err" || fail "- - message: $(cat "$T/stdin2.err")"

# A count of one takes the singular (issue 19: "1 successes"), in scan's
# text and in test's file line.
mkdir -p "$T/one"
printf '%s\n' "[Omni] Ticket created successfully: { ticketId: 1, ticket_number: 'T-1' }" \
    "[Omni] Failed to create ticket: { status: false, message: 'x' }" > "$T/one/one-out.log"
printf 'x' > "$T/one/byte-out.log"
"$OMNIWATCH" scan "$T/one/one-out.log" > "$T/one.txt"
grep -q '^  1 failure, 1 success, 0 damaged, failure rate 50.0%$' "$T/one.txt" || fail "singular counts: $(cat "$T/one.txt")"
"$OMNIWATCH" scan "$T/one/byte-out.log" > "$T/one1.txt"
grep -q "byte-out.log: 1 byte, 1 record$" "$T/one1.txt" || fail "1 byte, 1 record: $(cat "$T/one1.txt")"
grep -q '^  0 failures, 0 successes, 0 damaged' "$T/one1.txt" || fail "0 takes the plural: $(cat "$T/one1.txt")"
"$OMNIWATCH" test "$T/one/byte-out.log" > "$T/one2.txt"
grep -q "^read $T/one/byte-out.log: 1 byte, 1 record in [0-9.]* s$" "$T/one2.txt" || fail "test: 1 byte, 1 record: $(cat "$T/one2.txt")"
echo "ok: a count of one takes the singular"

# No PATH and no PM2 here: the error says where the path came from and
# what to do (issue 19: a new user's first `omniwatch scan`).
mkdir -p "$T/nohome"
set +e
env -u PM2_HOME HOME="$T/nohome" "$OMNIWATCH" scan > "$T/nohome.out" 2> "$T/nohome.err"; rc=$?
PM2_HOME="$T/nopm2" "$OMNIWATCH" scan > /dev/null 2> "$T/nopm2.err"
set -e
assert_eq "$rc" 1 "no PM2 logs: exit status"
grep -qF "omniwatch scan: no PM2 logs at $T/nohome/.pm2/logs (PM2_HOME is not set: ~/.pm2/logs); set PM2_HOME to the PM2 home of the apps, or give the logs: omniwatch scan DIR|FILE..." "$T/nohome.err" || fail "no PM2 hint: $(cat "$T/nohome.err")"
grep -qF "no PM2 logs at $T/nopm2/logs (\$PM2_HOME/logs)" "$T/nopm2.err" || fail "PM2_HOME hint: $(cat "$T/nopm2.err")"
echo "ok: scan without PM2 says where it looked"

# A directory given with trailing slashes names its files as without
# them: "DIR/x.log", never "DIR//x.log" (issue 15), in the text and JSON
# reports, for a logs directory, a PM2 home (pm2.log, logs/) and
# PM2_HOME.
mkdir -p "$T/slash/logs"
cp "$T/pm2home/logs/"* "$T/slash/logs/"
printf '2026-11-29T10:00:00: PM2 log: App [desk:0] starting in -fork mode-\n' > "$T/slash/pm2.log"
"$OMNIWATCH" scan "$T/slash/logs//" > "$T/slash1.txt"
"$OMNIWATCH" scan --json "$T/slash/" > "$T/slash2.json"
PM2_HOME=$T/slash/ "$OMNIWATCH" scan > "$T/slash3.txt"
for f in "$T/slash1.txt" "$T/slash2.json" "$T/slash3.txt"; do
	! grep -q '//' "$f" || fail "a doubled slash in $f: $(grep '//' "$f")"
done
grep -qF "  $T/slash/logs/desk-error.log: " "$T/slash1.txt" || fail "DIR//: $(cat "$T/slash1.txt")"
grep -qF "\"$T/slash/pm2.log\"" "$T/slash2.json" || fail "HOME/: pm2.log: $(cat "$T/slash2.json")"
grep -qF "\"$T/slash/logs/desk-out.log\"" "$T/slash2.json" || fail "HOME/: logs: $(cat "$T/slash2.json")"
grep -qF "  $T/slash/logs/desk-out.log: " "$T/slash3.txt" || fail "PM2_HOME=DIR/: $(cat "$T/slash3.txt")"
echo "ok: a trailing slash on a directory does not double in the paths"

# A PM2 home without pm2.log (pm2-logrotate just rotated it, or the
# daemon has not written it yet) is still a PM2 home when logs/ holds PM2
# logs: its apps' logs, the rotated pm2.log.1 and the logs dump.pm2 places
# elsewhere are read, and the missing daemon log is a warning.  It was read
# as a plain logs directory: 0 records, exit 0.
mkdir -p "$T/nolog/logs" "$T/nolog-ext"
cp "$T/pm2home/logs/desk-error.log" "$T/nolog/logs/"
cp "$T/pm2home/logs/desk-out.log" "$T/nolog-ext/solo-out.log"
printf '[{"name": "solo", "pm_out_log_path": "%s/nolog-ext/solo-out.log"}]\n' \
    "$T" > "$T/nolog/dump.pm2"
set +e
"$OMNIWATCH" scan --json "$T/nolog" > "$T/nolog1.json" 2> "$T/nolog1.err"
rc=$?
set -e
assert_eq "$rc" 0 "home without pm2.log: exit status"
assert_eq "$(jget "$T/nolog1.json" .pattern_sets.omni.failures)" 2 "home without pm2.log: failures"
assert_eq "$(jget "$T/nolog1.json" .pattern_sets.omni.apps.solo.successes)" 1 "home without pm2.log: dump.pm2's log"
grep -qF "$T/nolog: no PM2 daemon log (pm2.log*) in this PM2 home" "$T/nolog1.err" || fail "home without pm2.log: warning: $(cat "$T/nolog1.err")"
printf '2026-11-29T10:00:00: PM2 log: App [desk:0] starting in -fork mode-\n' > "$T/nolog/pm2.log.1"
"$OMNIWATCH" scan --json "$T/nolog" > "$T/nolog2.json" 2> "$T/nolog2.err"
assert_eq "$(jget "$T/nolog2.json" .pattern_sets.omni.failures)" 2 "home with pm2.log.1: failures"
grep -qF "\"$T/nolog/pm2.log.1\"" "$T/nolog2.json" || fail "home with pm2.log.1: $(cat "$T/nolog2.json")"
! grep -q "no PM2" "$T/nolog2.err" || fail "home with pm2.log.1: $(cat "$T/nolog2.err")"
# A logs directory whose logs/ holds no PM2 log is read as before.
mkdir -p "$T/notahome/logs"
cp "$T/pm2home/logs/desk-error.log" "$T/notahome/"
touch "$T/notahome/logs/readme.txt" "$T/notahome/dump.pm2"
"$OMNIWATCH" scan --json "$T/notahome" > "$T/notahome.json" 2> "$T/notahome.err"
assert_eq "$(jget "$T/notahome.json" '.files | length')" 1 "logs/ without PM2 logs: files"
[ ! -s "$T/notahome.err" ] || fail "logs/ without PM2 logs: $(cat "$T/notahome.err")"
echo "ok: a PM2 home without pm2.log is read as a PM2 home"

# Gzip is told by its magic, not its name (omniwatch(1)): a text log named
# .gz is read as plain text, with a warning naming it; one that is neither
# gzip nor text is an error, as with zcat.  The text one was an error, 0
# records, exit 1.
mkdir -p "$T/gzname"
cp "$T/pm2home/logs/desk-error.log" "$T/gzname/desk-error.log.2.gz"
gzip -c "$T/pm2home/logs/desk-error.log" > "$T/gzname/gz-error.log"
set +e
"$OMNIWATCH" scan --json "$T/gzname/desk-error.log.2.gz" "$T/gzname/gz-error.log" \
    > "$T/gzname1.json" 2> "$T/gzname1.err"
rc=$?
set -e
assert_eq "$rc" 0 "text named .gz: exit status"
assert_eq "$(jget "$T/gzname1.json" .pattern_sets.omni.apps.desk.failures)" 2 "text named .gz: failures"
assert_eq "$(jget "$T/gzname1.json" .pattern_sets.omni.apps.gz.failures)" 2 "gzip named .log: failures"
assert_eq "$(jget "$T/gzname1.json" '.errors | length')" 0 "text named .gz: errors"
grep -qF "$T/gzname/desk-error.log.2.gz: not gzip (it does not start with 1f 8b) though its name ends in .gz; read as plain text" \
    "$T/gzname1.err" || fail "text named .gz: warning: $(cat "$T/gzname1.err")"
"$OMNIWATCH" test "$T/gzname/desk-error.log.2.gz" > /dev/null 2> "$T/gzname2.err"
grep -qF "read as plain text" "$T/gzname2.err" || fail "test, text named .gz: $(cat "$T/gzname2.err")"
printf 'not\000gzip\n' > "$T/gzname/bin-error.log.1.gz"
set +e
"$OMNIWATCH" scan --json "$T/gzname/bin-error.log.1.gz" > "$T/gzname3.json" 2> /dev/null
rc=$?
set -e
assert_eq "$rc" 1 "binary named .gz: exit status"
assert_eq "$(jget "$T/gzname3.json" '.errors | length')" 1 "binary named .gz: errors"
echo "ok: a text log named .gz is read as text, with a warning"

# A pm2.log that is no regular file (a FIFO) is skipped, and the home's
# warning then says no daemon log can be read, rather than that there is
# none, which the line before it contradicted (tester10's item 18).
mkdir -p "$T/fifohome/logs"
cp "$T/pm2home/logs/desk-error.log" "$T/fifohome/logs/"
mkfifo "$T/fifohome/pm2.log"
"$OMNIWATCH" scan "$T/fifohome" > /dev/null 2> "$T/fifo.err" ||
    fail "FIFO pm2.log: exit status: $(cat "$T/fifo.err")"
grep -qF "$T/fifohome/pm2.log: not a regular file; skipped" "$T/fifo.err" ||
    fail "FIFO pm2.log: not said skipped: $(cat "$T/fifo.err")"
grep -qF "$T/fifohome: no PM2 daemon log (pm2.log*) that can be read in this PM2 home; its apps' logs in logs/ are read, their restarts and exits are not" "$T/fifo.err" ||
    fail "FIFO pm2.log: the home's warning: $(cat "$T/fifo.err")"
! grep -qF "no PM2 daemon log (pm2.log*) in this PM2 home" "$T/fifo.err" ||
    fail "FIFO pm2.log: said there is none: $(cat "$T/fifo.err")"
