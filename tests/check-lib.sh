# Sourced by the check tests after tests/watch-lib.sh: run `omniwatch
# check` and look at its one line.

# run_check ARGS...: the check's output in $T/out, its status printed.
run_check() {
	set +e
	"$OMNIWATCH" check -c "$CFG" "$@" > "$T/out" 2> "$T/err"
	echo $?
	set -e
}

# out_has RE WHAT, out_lacks RE WHAT: the last check's line has (has not)
# a match of RE.
out_has() {
	grep -q "$1" "$T/out" || fail "$2: $(cat "$T/out")"
	echo "ok: $2"
}
out_lacks() {
	! grep -q "$1" "$T/out" || fail "$2: $(cat "$T/out")"
	echo "ok: $2"
}

# stamp_ago SECONDS: a PM2 --time stamp (local time = UTC here) SECONDS
# before now.
stamp_ago() {
	date -u -d "@$(($(date +%s) - $1))" +%Y-%m-%dT%H:%M:%S
}

# summary_says TEXT KEY: summary's report says TEXT (a fixed string)
# first, in every format: a "WARNING: " line of the text, the JSON's
# .watch.KEY, the HTML page (where a quote may be &#39;).
summary_says() {
	"$OMNIWATCH" summary -c "$CFG" > "$T/sum.txt"
	grep -qF "WARNING: $1" "$T/sum.txt" ||
		fail "summary text: $(head -n 3 "$T/sum.txt")"
	"$OMNIWATCH" summary -c "$CFG" --json > "$T/sum.json"
	jget "$T/sum.json" ".watch.$2" | grep -qF "$1" ||
		fail "summary JSON: $(jq -c .watch "$T/sum.json")"
	"$OMNIWATCH" summary -c "$CFG" --format html -o "$T/sum.html"
	sed "s/&#39;/'/g" "$T/sum.html" | grep -qF "$1" || fail "summary HTML"
	echo "ok: summary says it in text, JSON and HTML"
}
