#!/bin/sh
# omniwatch summary as a user meets it before and around `watch`: usage
# errors, config errors with FILE:LINE:COLUMN, pattern errors, a state that
# is not there or holds nothing (exit 1), and, when the sqlite3 shell is at hand, a report
# read back from a state written by hand.
. "$top_srcdir/tests/setup.sh"

# run_rc OUTFILE ERRFILE ARGS...: runs omniwatch, prints its exit status.
run_rc() {
	out=$1 err=$2
	shift 2
	set +e
	"$OMNIWATCH" "$@" > "$out" 2> "$err"
	echo $?
	set -e
}

mkdir -p "$T/etc"
cat > "$T/etc/ok.yaml" <<Y
sources:
  - pm2_home: $T/pm2
state_dir: $T/state
Y

# The command is listed by omniwatch --help, and has its own --help.
"$OMNIWATCH" --help > "$T/help.txt"
grep -q '^usage: omniwatch summary -c FILE' "$T/help.txt" || fail "--help lists summary"
assert_eq "$(run_rc "$T/o" "$T/e" summary --help)" 0 "summary --help"
grep -q '^usage: omniwatch summary -c FILE' "$T/o" || fail "summary usage: $(cat "$T/o")"

# Usage errors: exit 2, a message, the usage line.
assert_eq "$(run_rc "$T/o" "$T/e" summary)" 2 "no -c"
assert_eq "$(head -n 1 "$T/e")" "omniwatch summary: no config; give the one omniwatch watch uses with -c FILE" "no -c message"
grep -q '^usage: omniwatch summary' "$T/e" || fail "no -c usage"
assert_eq "$(run_rc "$T/o" "$T/e" summary -c "$T/etc/ok.yaml" --bogus)" 2 "unknown option"
assert_eq "$(run_rc "$T/o" "$T/e" summary -c "$T/etc/ok.yaml" "$T/pm2")" 2 "a PATH argument"
assert_eq "$(head -n 1 "$T/e")" "omniwatch summary: unexpected argument '$T/pm2'; the sources are in the config" "PATH message"
assert_eq "$(run_rc "$T/o" "$T/e" summary -c "$T/etc/ok.yaml" --since yesterday-ish)" 2 "bad --since"
grep -q "^omniwatch summary: --since 'yesterday-ish': expected a date" "$T/e" || fail "--since message: $(cat "$T/e")"
assert_eq "$(run_rc "$T/o" "$T/e" summary -c "$T/etc/ok.yaml" --until 5x)" 2 "bad --until"
[ ! -s "$T/o" ] || fail "nothing on stdout after a usage error"

# Config errors: exit 2, "omniwatch summary: FILE:LINE:COLUMN: what, expected".
assert_eq "$(run_rc "$T/o" "$T/e" summary -c "$T/etc/nope.yaml")" 2 "missing config"
assert_eq "$(cat "$T/e")" "omniwatch summary: $T/etc/nope.yaml: cannot read: No such file or directory" "missing config message"

printf 'sources:\n  - pm2_home: /p\nsorces: []\n' > "$T/etc/typo.yaml"
assert_eq "$(run_rc "$T/o" "$T/e" summary -c "$T/etc/typo.yaml")" 2 "unknown key"
assert_eq "$(cat "$T/e")" "omniwatch summary: $T/etc/typo.yaml:3:1: unknown key 'sorces'; expected sources, pattern_sets, state_dir, record, tail, state, redact, receivers, alerts, metrics or probes" "unknown key message"

printf 'sources: [{path: /x}]\nrecord:\n  idle_flush: 200\n' > "$T/etc/unit.yaml"
assert_eq "$(run_rc "$T/o" "$T/e" summary -c "$T/etc/unit.yaml")" 2 "duration without unit"
assert_eq "$(cat "$T/e")" "omniwatch summary: $T/etc/unit.yaml:3:15: record.idle_flush: '200' has no unit; expected a number with a unit: ms, s, m, h, d or w (e.g. 200ms, 5s, 15m)" "duration message"

printf 'sources: [{path: /x}]\nrecord: {max_bytes: 1MB}\n' > "$T/etc/size.yaml"
assert_eq "$(run_rc "$T/o" "$T/e" summary -c "$T/etc/size.yaml")" 2 "bad size"
grep -q "^omniwatch summary: $T/etc/size.yaml:2:21: record.max_bytes: '1MB' is not a size; expected" "$T/e" || fail "size message: $(cat "$T/e")"

printf 'sources: []\n' > "$T/etc/empty.yaml"
assert_eq "$(run_rc "$T/o" "$T/e" summary -c "$T/etc/empty.yaml")" 2 "empty sources"
assert_eq "$(cat "$T/e")" "omniwatch summary: $T/etc/empty.yaml:1:1: sources: got an empty list; expected a list of at least one source (- pm2_home: DIR or - path: GLOB)" "empty sources message"

printf 'sources:\n  - pm2_home: /p\n    path: /q\n' > "$T/etc/both.yaml"
assert_eq "$(run_rc "$T/o" "$T/e" summary -c "$T/etc/both.yaml")" 2 "pm2_home and path"
grep -q "both.yaml:3:5: source 1: both pm2_home and path; expected exactly one" "$T/e" || fail "both message: $(cat "$T/e")"

printf 'sources: [{path: /x}\n' > "$T/etc/yaml.yaml"
assert_eq "$(run_rc "$T/o" "$T/e" summary -c "$T/etc/yaml.yaml")" 2 "invalid YAML"
grep -q "^omniwatch summary: $T/etc/yaml.yaml:2:1: invalid YAML: " "$T/e" || fail "YAML message: $(cat "$T/e")"

# Pattern sets: not found, or broken (the pattern file's own position).
printf 'sources: [{path: /x}]\npattern_sets: [nosuch]\n' > "$T/etc/noset.yaml"
assert_eq "$(run_rc "$T/o" "$T/e" summary -c "$T/etc/noset.yaml")" 2 "unknown pattern set"
grep -q "^omniwatch summary: $T/etc/noset.yaml: pattern_sets: pattern set 'nosuch' not found" "$T/e" || fail "unknown set message: $(cat "$T/e")"
printf 'name: broken\nsuccess:\n  - fine\nfailure:\n  - class: oops\n    regex: '"'"'abc(def'"'"'\n' > "$T/etc/broken.yaml"
printf 'sources: [{path: /x}]\npattern_sets: [broken.yaml]\n' > "$T/etc/badset.yaml"
assert_eq "$(run_rc "$T/o" "$T/e" summary -c "$T/etc/badset.yaml")" 2 "broken pattern set"
grep -q "^omniwatch summary: $T/etc/broken.yaml:6:20: pattern 'broken' failure class 'oops': missing closing parenthesis" "$T/e" || fail "broken set message: $(cat "$T/e")"

# No state yet: exit 1, and the message says why.
assert_eq "$(run_rc "$T/o" "$T/e" summary -c "$T/etc/ok.yaml")" 1 "missing state"
assert_eq "$(cat "$T/e")" "omniwatch summary: no state at $T/state/omniwatch.db: has omniwatch watch run with this config?" "missing state message"
[ ! -e "$T/state" ] || fail "summary must not create the state directory"

# A relative state_dir is the config file's, wherever summary starts.
printf 'sources: [{pm2_home: pm2}]\nstate_dir: st\n' > "$T/etc/rel.yaml"
(cd / && "$OMNIWATCH" summary -c "$T/etc/rel.yaml" 2> "$T/e") && fail "relative state_dir: exit 0"
assert_eq "$(cat "$T/e")" "omniwatch summary: no state at $T/etc/st/omniwatch.db: has omniwatch watch run with this config?" "relative state_dir"

# Not a state: exit 1, naming the file and SQLite's reason.
mkdir -p "$T/state"
head -c 4096 /dev/zero | tr '\0' x > "$T/state/omniwatch.db"
assert_eq "$(run_rc "$T/o" "$T/e" summary -c "$T/etc/ok.yaml")" 1 "corrupt state"
assert_eq "$(cat "$T/e")" "omniwatch summary: $T/state/omniwatch.db: cannot read the schema version: file is not a database; the state is damaged: move it aside (mv omniwatch.db omniwatch.db.damaged) and start watch again, which counts the logs as on a first run; the counts, alert states and queued notifications in it are lost" "corrupt state message, with what to do"
rm -f "$T/state/omniwatch.db"

# A state watch made but where it followed nothing (its pm2_home had no
# logs): exit 1, saying so, not a report of zeros (issue 19).
mkdir -p "$T/emptyhome"
printf 'sources: [{pm2_home: %s/emptyhome}]\nstate_dir: %s/st-nothing\n' "$T" "$T" > "$T/etc/nothing.yaml"
"$OMNIWATCH" watch -c "$T/etc/nothing.yaml" > /dev/null 2> "$T/w.log" &
wpid=$!
i=0
until grep -q 'watching' "$T/w.log"; do
	i=$((i + 1)); [ $i -lt 100 ] || fail "watch did not start: $(cat "$T/w.log")"; sleep 0.1
done
kill -TERM $wpid; wait $wpid || fail "watch exited $?"
[ -s "$T/st-nothing/omniwatch.db" ] || fail "watch made no state"
assert_eq "$(run_rc "$T/o" "$T/e" summary -c "$T/etc/nothing.yaml")" 1 "a state with nothing counted"
assert_eq "$(cat "$T/e")" "omniwatch summary: the state in $T/st-nothing holds no counts yet: watch has committed no file (it has just started, or its sources have no logs); check the sources with omniwatch watch -c $T/etc/nothing.yaml --check" "empty state message"
[ ! -s "$T/o" ] || fail "a report of zeros for an empty state: $(cat "$T/o")"

# A state as watch writes it (schema 1 of src/state.h), made with the
# sqlite3 shell: summary reads it back into the same report as scan's.
if ! command -v sqlite3 > /dev/null 2>&1; then
	echo "skip: no sqlite3 shell for the report checks"
	exit 0
fi
sqlite3 "$T/state/omniwatch.db" > /dev/null <<'SQL'
PRAGMA journal_mode = WAL;
CREATE TABLE files (dev INTEGER NOT NULL, ino INTEGER NOT NULL,
  fp_len INTEGER NOT NULL, fp_crc INTEGER NOT NULL, offset INTEGER NOT NULL,
  path TEXT NOT NULL, updated_ms INTEGER NOT NULL, PRIMARY KEY (dev, ino));
CREATE TABLE buckets (minute_ms INTEGER NOT NULL, pattern_set TEXT NOT NULL,
  app TEXT NOT NULL, stream TEXT NOT NULL, outcome TEXT NOT NULL,
  class TEXT NOT NULL, count INTEGER NOT NULL, first_ms INTEGER,
  last_ms INTEGER,
  PRIMARY KEY (minute_ms, pattern_set, app, stream, outcome, class));
PRAGMA user_version = 1;
-- 2026-11-29 10:00, 11:00 and 12:00 UTC
INSERT INTO buckets VALUES
  (1795946400000, 'omni', 'desk', 'error', 'failure', 'route_not_found', 2,
   1795946400000, 1795946410000),
  (1795950000000, 'omni', 'desk', 'out', 'success', '', 3, 1795950000000,
   1795950005000),
  (1795953600000, 'omni', 'api', 'error', 'failure', 'other', 1, NULL, NULL),
  (1795953600000, 'omni', 'api', 'error', 'damaged', '', 1, NULL, NULL),
  (1795953600000, 'other_set', 'api', 'out', 'success', '', 9, NULL, NULL);
SQL
assert_eq "$(run_rc "$T/all.json" "$T/e" summary -c "$T/etc/ok.yaml" --json)" 0 "summary exit status"
# No watch runs on this state: every report says so first, lest its
# counts read as all quiet (dashboard.sh: not while one runs).
assert_eq "$(jget "$T/all.json" .watch.running)" false "no watch: said in the JSON"
assert_eq "$(jget "$T/all.json" .watch.message | sed 's/; its last commit.*//')" "omniwatch watch is not running for $T/etc/ok.yaml (no lock on $T/state/watch.lock)" "no watch: the message"
"$OMNIWATCH" summary -c "$T/etc/ok.yaml" > "$T/blind.txt" 2> /dev/null
head -n 1 "$T/blind.txt" | grep -q '^WARNING: omniwatch watch is not running for .*: the counts below stop there$' ||
    fail "no watch: not the text report's first line: $(head -n 1 "$T/blind.txt")"
# The same report a second later (cmp in summary_post.sh, a cron's diff):
# the last commit as a time, not an age.
sqlite3 "$T/state/omniwatch.db" "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL); INSERT OR REPLACE INTO meta VALUES ('last_commit_ms', $(date +%s)000)"
"$OMNIWATCH" summary -c "$T/etc/ok.yaml" > "$T/blind.txt" 2> /dev/null
sleep 1.1
"$OMNIWATCH" summary -c "$T/etc/ok.yaml" > "$T/blind2.txt" 2> /dev/null
cmp "$T/blind.txt" "$T/blind2.txt" || fail "no watch: the report changed within a second: $(head -n 1 "$T/blind2.txt")"
"$OMNIWATCH" summary -c "$T/etc/ok.yaml" --format html > "$T/blind.html" 2> /dev/null
grep -q '<ul class="errors"><li>omniwatch watch is not running' "$T/blind.html" ||
    fail "no watch: not said in the HTML report"
assert_eq "$(jget "$T/all.json" .pattern_sets.omni.failures)" 3 "failures"
assert_eq "$(jget "$T/all.json" .pattern_sets.omni.successes)" 3 "successes"
assert_eq "$(jget "$T/all.json" .pattern_sets.omni.damaged)" 1 "damaged"
assert_eq "$(jget "$T/all.json" .pattern_sets.omni.classes.route_not_found)" 2 "route_not_found"
assert_eq "$(jget "$T/all.json" .pattern_sets.omni.classes.other)" 1 "other"
assert_eq "$(jget "$T/all.json" .pattern_sets.omni.first)" 2026-11-29T10:00:00Z "first"
assert_eq "$(jget "$T/all.json" .pattern_sets.omni.last)" 2026-11-29T11:00:05Z "last"
assert_eq "$(jget "$T/all.json" .pattern_sets.omni.apps.api.damaged)" 1 "per app"
assert_eq "$(jget "$T/all.json" '.pattern_sets | keys | join(",")')" omni "sets not in the config are left out"
assert_eq "$(jget "$T/all.json" '.files | length')" 0 "no files"

assert_eq "$(run_rc "$T/range.json" "$T/e" summary -c "$T/etc/ok.yaml" --json --since 2026-11-29T10:30:00Z --until 2026-11-29T12:00:00Z)" 0 "range exit status"
assert_eq "$(jget "$T/range.json" .pattern_sets.omni.failures)" 0 "range failures"
assert_eq "$(jget "$T/range.json" .pattern_sets.omni.successes)" 3 "range successes"

assert_eq "$(run_rc "$T/text.txt" "$T/e" summary -c "$T/etc/ok.yaml")" 0 "text exit status"
grep -q '3 failures, 3 successes, 1 damaged, failure rate 50.0%' "$T/text.txt" || fail "text totals: $(cat "$T/text.txt")"
