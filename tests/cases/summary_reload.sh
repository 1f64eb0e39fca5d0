#!/bin/sh
# summary says that the config was edited and watch not reloaded, as
# check does, in the same words (summary_config_changed): its counts are
# then watch's old config's, not the one given with -c.  It said nothing.
# So for a pattern set the config names, edited and not reloaded: watch
# counts with the set as it was (tester10's item 11).  Nothing was said.
. "$top_srcdir/tests/setup.sh"
. "$top_srcdir/tests/watch-lib.sh"
. "$top_srcdir/tests/check-lib.sh"

echo "$(stamp_ago 120): req=1 ERROR 404" > "$E"
start_watch
wait_count 1 failures "failure counted"
MSG="watch counts with another configuration than $CFG as it is now (edited since watch read it, or another one's state_dir): reload watch (SIGHUP)"

echo "# the config as watch read it: no word of it"
"$OMNIWATCH" summary -c "$CFG" > "$T/s.txt"
! grep -q "another configuration" "$T/s.txt" || fail "unchanged config said changed: $(cat "$T/s.txt")"
"$OMNIWATCH" summary -c "$CFG" --json > "$T/s.json"
assert_eq "$(jget "$T/s.json" '.watch.config_changed // "none"')" none "JSON: unchanged config"

echo "# edited, not reloaded: summary says so first, as check does"
cp "$CFG" "$T/ok.yaml"
printf 'metrics: {listen: "127.0.0.1:0"}\n' >> "$CFG"
"$OMNIWATCH" summary -c "$CFG" > "$T/s.txt"
assert_eq "$(head -n 1 "$T/s.txt")" "WARNING: $MSG" "text: the first line"
grep -q "^pattern set errors" "$T/s.txt" || fail "text: the report still follows: $(cat "$T/s.txt")"
"$OMNIWATCH" summary -c "$CFG" --json > "$T/s.json"
assert_eq "$(jget "$T/s.json" .watch.config_changed)" "$MSG" "JSON: watch.config_changed"
assert_eq "$(jget "$T/s.json" .watch.running)" true "JSON: watch still running"
"$OMNIWATCH" summary -c "$CFG" --format html -o "$T/s.html"
grep -q "watch counts with another configuration than" "$T/s.html" || fail "HTML: not said"
run_check > /dev/null
out_has "watch counts with another configuration than $CFG as it is now" "check says the same"

echo "# put back: not said any more"
cp "$T/ok.yaml" "$CFG"
"$OMNIWATCH" summary -c "$CFG" > "$T/s.txt"
! grep -q "another configuration" "$T/s.txt" || fail "config put back, still said: $(cat "$T/s.txt")"

echo "# a pattern set edited, not reloaded: summary and check name it"
PMSG="watch counts with another pattern set than $T/error.yaml as it is now (edited since watch read it): reload watch (SIGHUP)"
cp "$T/error.yaml" "$T/error.ok"
sed -i 's/ERROR/ERRORX/' "$T/error.yaml"
"$OMNIWATCH" summary -c "$CFG" > "$T/s.txt"
assert_eq "$(head -n 1 "$T/s.txt")" "WARNING: $PMSG" "text: the set named"
"$OMNIWATCH" summary -c "$CFG" --json > "$T/s.json"
assert_eq "$(jget "$T/s.json" .watch.config_changed)" "$PMSG" "JSON: the set named"
run_check > /dev/null
out_has "^OMNIWATCH WARNING - watch counts with another pattern set than $T/error.yaml as it is now" "check names the set"

echo "# the set put back: not said any more"
cp "$T/error.ok" "$T/error.yaml"
"$OMNIWATCH" summary -c "$CFG" > "$T/s.txt"
! grep -q "another pattern set" "$T/s.txt" || fail "set put back, still said: $(cat "$T/s.txt")"
run_check > /dev/null
out_lacks "another pattern set" "check: set put back"

echo "# edited again, then SIGHUP: watch counts with it, not said"
sed -i 's/ERROR/ERRORX/' "$T/error.yaml"
run_check > /dev/null
out_has "another pattern set than $T/error.yaml" "check: edited again"
kill -HUP "$WPID"
check_unsaid() {
	_wf_seen=$("$OMNIWATCH" summary -c "$CFG" --json |
	    jq -r '.watch.config_changed // "none"')
	[ "$_wf_seen" = none ]
}
wait_for "the reload to be committed" check_unsaid
run_check > /dev/null
out_lacks "another pattern set" "check: reloaded"
echo "$(stamp_ago 60): req=2 ERRORX 404" >> "$E"
wait_count 2 failures "the reloaded set counts"
stop_watch

echo "# a state of a watch that kept no sets' digests (before 2026-12): the"
echo "# sets are not compared, rather than said edited once on upgrade"
sqlite3 "$T/state/omniwatch.db" \
    "DELETE FROM meta WHERE key LIKE 'pattern%'"
cp "$T/error.ok" "$T/error.yaml"
run_check > /dev/null
out_lacks "pattern set" "check: an old state"
"$OMNIWATCH" summary -c "$CFG" > "$T/s.txt"
! grep -q "pattern set than" "$T/s.txt" || fail "old state: said: $(cat "$T/s.txt")"

echo "# watch's own set file edited, found unchanged elsewhere by this"
echo "# process (another OMNIWATCH_PATTERNS, tester11): watch's path is read"
mkdir -p "$T/watchs"
cp "$T/error.yaml" "$T/watchs/error.yaml"
"$OMNIWATCH" summary -c "$CFG" > /dev/null	# (a digest of $T/error.yaml)
d=$(sqlite3 "$T/state/omniwatch.db" "SELECT value FROM meta WHERE key = 'pattern_digest:$T/error.yaml'")
if [ -z "$d" ]; then
	# The old-state case above removed the keys: put back watch's view.
	start_watch
	wait_for "the sets' digests kept" sh -c "[ -n \"\$(sqlite3 '$T/state/omniwatch.db' \"SELECT value FROM meta WHERE key = 'pattern_digest:$T/error.yaml'\")\" ]"
	stop_watch
	d=$(sqlite3 "$T/state/omniwatch.db" "SELECT value FROM meta WHERE key = 'pattern_digest:$T/error.yaml'")
fi
sqlite3 "$T/state/omniwatch.db" \
    "INSERT OR REPLACE INTO meta (key, value) VALUES ('pattern_digest:$T/watchs/error.yaml', $d)"
"$OMNIWATCH" summary -c "$CFG" > "$T/s.txt"
! grep -q "pattern set than" "$T/s.txt" || fail "watch's copy unchanged: said: $(cat "$T/s.txt")"
sed -i 's/ERROR/ERRORW/' "$T/watchs/error.yaml"
"$OMNIWATCH" summary -c "$CFG" > "$T/s.txt"
grep -q "^WARNING: watch counts with another pattern set than $T/watchs/error.yaml as it is now" "$T/s.txt" ||
	fail "watch's own set edited: not said: $(head -n 3 "$T/s.txt")"
echo "ok: watch's own set file, edited, is said"
