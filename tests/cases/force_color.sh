#!/bin/sh
# tester10 item 12: an app run with FORCE_COLOR=1 (as many are, to keep
# colours in `pm2 logs`) has console.error colour the object it prints,
# util.inspect's way: numbers and booleans yellow ("\e[33mfalse\e[39m"),
# strings green, null bold.  PM2 logs the bytes as they are, and the
# route_not_found regex ("status: false") then missed every 404, which
# counted as "other".  Records are matched, and shown, without the
# colours (omniwatch-patterns(5)); scan and watch count each class exactly.
. "$top_srcdir/tests/setup.sh"
. "$top_srcdir/tests/watch-lib.sh"

ESC=$(printf '\033')
y() { printf '%s[33m%s%s[39m' "$ESC" "$1" "$ESC"; }	# number, boolean
g() { printf "%s[32m'%s'%s[39m" "$ESC" "$1" "$ESC"; }	# string
b() { printf '%s[1m%s%s[22m' "$ESC" "$1" "$ESC"; }	# null

# What Node 20 writes for console.error('[Omni] Failed to create ticket:',
# obj) under FORCE_COLOR=1 (util.inspect(obj, {colors: true})).
route_not_found() {
	cat <<R
[Omni] Failed to create ticket: {
  status: $(y false),
  errors: {
    message: $(g 'Not Found'),
    file: $(g /var/www/vendor/laravel/lumen-framework/src/Concerns/RoutesRequests.php),
    line: $(y 229)
  },
  idx: $(y "$1"),
  pid: $(b null)
}
R
}
success() {
	cat <<R
[Omni] Ticket created successfully: {
  ticketId: $(y $((1000 + $1))),
  ticket_number: $(g "T-$1"),
  data: { a: $(y 1), b: [ $(y 1), $(y 2), $(y 3) ] }
}
R
}
# Another failure, whose first line holds a secret in colour.
other() {
	cat <<R
[Omni] Failed to create ticket: Authorization: Bearer $(g eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl$1)
  status: $(y false),
  code: $(g ECONNREFUSED)
R
}

# write_logs OUT ERR FROM TO: records FROM..TO, a coloured plain line
# between them (of no one's: quiet).
write_logs() {
	i=$3
	while [ "$i" -le "$4" ]; do
		success "$i" >> "$1"
		route_not_found "$i" >> "$2"
		[ $((i % 3)) -ne 0 ] || other "$i" >> "$2"
		printf '%s[32m[ansi] iteration %d%s[0m\n' "$ESC" "$i" "$ESC" >> "$1"
		i=$((i + 1))
	done
}

echo "# scan: each class counted, nothing as other or damaged"
write_logs "$D/col-out.log" "$D/col-error.log" 1 10
"$OMNIWATCH" scan -q --json "$D" > "$T/scan.json"
assert_eq "$(jget "$T/scan.json" .pattern_sets.omni.classes.route_not_found)" 10 "scan route_not_found"
assert_eq "$(jget "$T/scan.json" .pattern_sets.omni.classes.other)" 3 "scan other"
assert_eq "$(jget "$T/scan.json" .pattern_sets.omni.successes)" 10 "scan successes"
assert_eq "$(jget "$T/scan.json" .pattern_sets.omni.damaged)" 0 "scan damaged"
# Offsets and lines are the log's: the second route_not_found starts
# where its bytes do.
err=$(jq -r '.files[] | select(.path | endswith("col-error.log")) | .first.omni.other' "$T/scan.json")
off=$(echo "$err" | jq -r .offset)
line=$(echo "$err" | jq -r .line)
assert_eq "$(head -c "$off" "$D/col-error.log" | wc -l | tr -d ' ')" $((line - 1)) "other's line and offset agree"
assert_eq "$(tail -c +$((off + 1)) "$D/col-error.log" | head -c 31)" "[Omni] Failed to create ticket:" "other's offset"
# The excerpt is shown without colours, its secret redacted.
excerpt=$(echo "$err" | jq -r .excerpt)
case $excerpt in
*"$ESC"*) fail "the excerpt holds an ESC: $excerpt" ;;
*eyJzdWIi*) fail "the excerpt shows the token: $excerpt" ;;
"[Omni] Failed to create ticket: Authorization: "*REDACTED*) echo "ok: excerpt $excerpt" ;;
*) fail "unexpected excerpt: $excerpt" ;;
esac
"$OMNIWATCH" scan -q "$D" > "$T/scan.txt"
if grep -q "$ESC" "$T/scan.txt"; then fail "the text report holds an ESC"; fi

echo "# chalk's way: the message coloured as a whole, the object too (tester11)"
mkdir -p "$T/chalk"
for i in 1 2 3; do
	printf '%s[31m' "$ESC"
	route_not_found "$i" | sed "1s/^\(.*:\) {\$/\1$ESC[39m {/"
	printf '%s[32m' "$ESC"
	success "$i" | sed "1s/^\(.*:\) {\$/\1$ESC[39m {/"
done > "$T/chalk/ch-out.log"
head -n 1 "$T/chalk/ch-out.log" | grep -q "^$ESC\[31m\[Omni\] Failed to create ticket:$ESC\[39m {$" ||
	fail "the chalk log starts with its colour: $(head -n 1 "$T/chalk/ch-out.log" | cat -v)"
"$OMNIWATCH" scan -q --json "$T/chalk" > "$T/chalk.json"
assert_eq "$(jget "$T/chalk.json" .pattern_sets.omni.classes.route_not_found)" 3 "chalk heads: route_not_found"
assert_eq "$(jget "$T/chalk.json" .pattern_sets.omni.successes)" 3 "chalk heads: successes"
assert_eq "$(jget "$T/chalk.json" .pattern_sets.omni.damaged)" 0 "chalk heads: damaged"
# `omniwatch test` goes the same way.
"$OMNIWATCH" test --print-matched "$D/col-error.log" > "$T/test.txt" 2>&1 || true
grep -q 'route_not_found: 10 matched' "$T/test.txt" || { cat "$T/test.txt"; fail "test: route_not_found 10"; }
# --print-matched prints whole records: without colours too.
if grep -q "$ESC" "$T/test.txt"; then fail "test's records hold an ESC"; fi
grep -q '^  | *status: false,$' "$T/test.txt" || fail "test prints 'status: false,'"


echo "# watch: the same, and as the app appends"
PATTERNS=omni
write_config
start_watch
wait_count 13 failures "watch failures"
assert_eq "$(counted successes)" 10 "watch successes"
assert_eq "$(counted 'classes.route_not_found')" 10 "watch route_not_found"
assert_eq "$(counted 'classes.other')" 3 "watch other"
write_logs "$D/col-out.log" "$D/col-error.log" 11 20
wait_count 26 failures "watch failures after appends"
assert_eq "$(counted 'classes.route_not_found')" 20 "watch route_not_found after appends"
assert_eq "$(counted 'classes.other')" 6 "watch other after appends"
assert_eq "$(counted successes)" 20 "watch successes after appends"
assert_eq "$(counted damaged)" 0 "watch damaged"
stop_watch
