#!/bin/sh
# summary says that the config was edited and watch not reloaded, as
# check does, in the same words (summary_config_changed): its counts are
# then watch's old config's, not the one given with -c.  It said nothing.
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
stop_watch
