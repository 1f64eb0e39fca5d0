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
