# Sourced by the tests that run `omniwatch backtest` (after tests/setup.sh):
# reading its JSON report, and comparing it with what watch notified.

# bt_episodes RULE: RULE's episodes in the backtest JSON report $OUT, as
# "FIRED_AT RESOLVED_AT PEAK NOTIFICATIONS; ...".
bt_episodes() {
	jq -r "[.episodes[] | select(.rule == \"$1\") | \"\(.fired_at) \(.resolved_at) \(.peak) \(.notifications)\"] | join(\"; \")" "${OUT:?}"
}

# watch_backtest_agree DIR BT_JSON N [RULES]: watch's notifications (to
# DIR's receiver, tests/receiver.py) and backtest's episodes (BT_JSON) of
# the rules whose names match the regex RULES (default: all) give the
# same N lines "RULE firing|resolved", per rule in time order, at the
# same times within what watch's wall clock adds: stamps have whole
# seconds, and watch judges a moment after reading (up to
# ${BT_AGREE_LATE:-2.5} s later, never more than 0.5 s earlier).  The
# lines are in $T/watch.seq and $T/bt.seq.
watch_backtest_agree() {
	jq -c '.body | fromjson' "$1/posts.jsonl" | jq -c --arg re "${4:-.}" 'select(.alert | test($re))' | jq -r '"\(.alert) \(.status) \(if .status == "firing" then .starts_at else .ends_at end)"' |
	    while read -r _wb_rule _wb_status _wb_at; do
		    echo "$_wb_rule $_wb_status $(date -u -d "$_wb_at" +%s.%N)"
	    done | sort -k1,1 -k3,3n > "$T/watch.seq"
	jq -r --arg re "${4:-.}" '.episodes[] | select(.rule | test($re)) | "\(.rule) firing \(.fired_at)", (select(.resolved_at != null) | "\(.rule) resolved \(.resolved_at)")' "$2" |
	    while read -r _wb_rule _wb_status _wb_at; do
		    echo "$_wb_rule $_wb_status $(date -u -d "$_wb_at" +%s.%N)"
	    done | sort -k1,1 -k3,3n > "$T/bt.seq"
	echo "watch:"; cat "$T/watch.seq"
	echo "backtest:"; cat "$T/bt.seq"
	assert_eq "$(cut -d' ' -f1,2 "$T/bt.seq" | tr '\n' ' ')" "$(cut -d' ' -f1,2 "$T/watch.seq" | tr '\n' ' ')" "the same firing/resolved sequence per rule"
	assert_eq "$(wc -l < "$T/bt.seq" | tr -d ' ')" "$3" "firing and resolved lines"
	paste -d' ' "$T/watch.seq" "$T/bt.seq" | awk -v late="${BT_AGREE_LATE:-2.5}" '{
		d = $3 - $6
		if (d < -0.5 || d > late + 0) { print "FAIL: " $1 " " $2 ": watch at " $3 ", backtest at " $6; bad = 1 }
	} END { exit bad }' || fail "watch and backtest disagree on a time"
	echo "ok: the same times, within watch's clock"
}
