#!/bin/sh
# Help (issue 19): `omniwatch --help` is the one place that lists every
# command with every option; `omniwatch help`, `help COMMAND`, `COMMAND
# --help` and `COMMAND -h` print it from the table the command parses its
# options with.  So every option the help lists must be one the command
# parses, taking an argument exactly when the help shows one; the ones a
# user asked for by name are there; every long option of omniwatch(1)'s
# OPTIONS is in the help and the reverse; and it fits 80 columns.
. "$top_srcdir/tests/setup.sh"

"$OMNIWATCH" --help > "$T/help" || fail "--help exits $?"
"$OMNIWATCH" help > "$T/help2" || fail "help exits $?"
"$OMNIWATCH" -h > "$T/help3" || fail "-h exits $?"
cmp -s "$T/help" "$T/help2" || fail "help differs from --help"
cmp -s "$T/help" "$T/help3" || fail "-h differs from --help"
if awk 'length > 80 { exit 1 }' "$T/help"; then :; else fail "a line of --help is over 80 columns"; fi
echo "ok: --help, -h and help agree, within 80 columns"

sed -n 's/^usage: omniwatch \([a-z][a-z]*\) .*/\1/p' "$T/help" > "$T/commands"
for cmd in scan watch summary check test; do
	grep -qx "$cmd" "$T/commands" || fail "--help does not list $cmd"
done
echo "ok: --help lists $(tr '\n' ' ' < "$T/commands")"

# The options asked for by name in issue 19.
for want in 'scan --json' 'scan --max-line' 'scan --jobs' 'scan -q' 'scan -v' \
    'test --samples' 'watch --check' 'summary --post' 'check --stale'; do
	cmd=${want%% *}
	"$OMNIWATCH" help "$cmd" > "$T/one"
	grep -q -- "^ *\(-., \)\{0,1\}${want#* }\( \|,\|$\)" "$T/one" || fail "help $cmd lacks ${want#* }"
done
echo "ok: the options asked for are listed"

# scan without PATH reads the PM2 home itself when it holds pm2.log
# (cmd_scan.c), as the man page says; the help said logs/ only.
"$OMNIWATCH" scan -h > "$T/scan.h"
grep -q '^without PATH, in \$PM2_HOME: pm2.log and logs/ (logs/ alone without pm2.log);$' "$T/scan.h" || fail "scan -h: where scan reads without PATH: $(sed -n 3p "$T/scan.h")"
echo "ok: scan -h says PM2_HOME's pm2.log and logs/ are read"

while read -r cmd; do
	"$OMNIWATCH" help "$cmd" > "$T/h.$cmd" || fail "help $cmd exits $?"
	"$OMNIWATCH" "$cmd" --help > "$T/h2.$cmd" || fail "$cmd --help exits $?"
	"$OMNIWATCH" "$cmd" -h > "$T/h3.$cmd" || fail "$cmd -h exits $?"
	cmp -s "$T/h.$cmd" "$T/h2.$cmd" || fail "help $cmd differs from $cmd --help"
	cmp -s "$T/h.$cmd" "$T/h3.$cmd" || fail "help $cmd differs from $cmd -h"
	# Its block of --help is the same text.
	grep -qxF "$(head -n 1 "$T/h.$cmd")" "$T/help" || fail "--help lacks $cmd's usage"
	# Each option listed: "  -c, --config FILE   ..." or "      --json   ...".
	sed -n 's/^\(  -\(.\), \|      \)--\([a-z][a-z-]*\)\( \([^ ]*\)\)\{0,1\}.*/\2 \3 \5/p' \
	    "$T/h.$cmd" > "$T/opts.$cmd"
	[ -s "$T/opts.$cmd" ] || fail "help $cmd lists no options"
	while read -r short long arg; do
		case $short in ?) ;; *) arg=$long; long=$short; short= ;; esac
		[ "$long" = help ] && continue
		# The parser knows the option, and whether it takes an argument:
		# without one it says "requires an argument"; a flag given one
		# says "doesn't allow an argument".
		set +e
		if [ -n "$arg" ]; then
			"$OMNIWATCH" "$cmd" "--$long" > /dev/null 2> "$T/e"
			grep -q "option '--$long' requires an argument" "$T/e" || fail "$cmd --$long: the parser does not take it with an argument: $(cat "$T/e")"
		else
			"$OMNIWATCH" "$cmd" "--$long=x" > /dev/null 2> "$T/e"
			grep -q "option '--$long' doesn't allow an argument" "$T/e" || fail "$cmd --$long: the parser does not take it as a flag: $(cat "$T/e")"
		fi
		if [ -n "$short" ]; then
			if [ -n "$arg" ]; then
				"$OMNIWATCH" "$cmd" "-$short" > /dev/null 2> "$T/e"
				grep -q "option requires an argument -- '$short'" "$T/e" || fail "$cmd -$short: $(cat "$T/e")"
			else
				"$OMNIWATCH" "$cmd" "-$short" --bogus-option > /dev/null 2> "$T/e"
				if grep -q "invalid option -- '$short'" "$T/e"; then fail "$cmd -$short is not parsed"; fi
			fi
		fi
		set -e
		echo "$long" >> "$T/all-long"
	done < "$T/opts.$cmd"
	echo "ok: $cmd: $(wc -l < "$T/opts.$cmd") options, each parsed as listed"
done < "$T/commands"

# omniwatch(1) and the help name the same long options.
sort -u "$T/all-long" > "$T/help-long"
awk '/^\.Sh OPTIONS/{on=1;next} /^\.Sh /{on=0} on && /^\.It /' "$top_srcdir/man/omniwatch.1" |
    grep -o 'Fl \\-[a-z\\-]*' | sed -e 's/^Fl \\-//' -e 's/\\-/-/g' | grep -vx 'help\|version' | sort -u > "$T/man-long"
if ! cmp -s "$T/help-long" "$T/man-long"; then
	diff "$T/help-long" "$T/man-long" >&2 || true
	fail "the long options of --help (<) and of omniwatch(1) OPTIONS (>) differ"
fi
echo "ok: omniwatch(1) describes the $(wc -l < "$T/man-long") long options --help lists"

# Errors: an unknown command or help topic, no command at all.
set +e
"$OMNIWATCH" help nosuch > "$T/o" 2> "$T/e"; rc=$?
assert_eq "$rc" 2 "help nosuch"
grep -q "^omniwatch help: unknown command 'nosuch'" "$T/e" || fail "help nosuch message: $(cat "$T/e")"
"$OMNIWATCH" nosuch > "$T/o" 2> "$T/e"; rc=$?
assert_eq "$rc" 2 "an unknown command"
grep -q "try 'omniwatch help'" "$T/e" || fail "unknown command hint: $(cat "$T/e")"
"$OMNIWATCH" > "$T/o" 2> "$T/e"; rc=$?
assert_eq "$rc" 2 "no command"
grep -q "^commands: $(tr '\n' ' ' < "$T/commands" | sed 's/ $//')\$" "$T/e" || fail "no command: $(cat "$T/e")"
"$OMNIWATCH" scan --bogus > "$T/o" 2> "$T/e"; rc=$?
set -e
assert_eq "$rc" 2 "an unknown option"
grep -q "^Try 'omniwatch help scan' for the options, 'man omniwatch' for the details" "$T/e" || fail "usage hint: $(cat "$T/e")"

# An argument a command would ignore is a usage error that names it, never
# ignored: -V extra printed the version and exited 0.  Each command keeps
# its own usage status (check and probe: 3, as their conventions have it).
for args in "-V extra" "--version extra" "-h extra" "--help extra" \
    "watch -c $T/none.yaml extra" "summary -c $T/none.yaml extra"; do
	set +e
	# shellcheck disable=SC2086 # the words are the arguments
	"$OMNIWATCH" $args > "$T/o" 2> "$T/e"; rc=$?
	set -e
	assert_eq "$rc" 2 "omniwatch $args: exit status"
	grep -q "^omniwatch[a-z ]*: unexpected argument 'extra'; " "$T/e" ||
		fail "omniwatch $args: message: $(cat "$T/e")"
	[ ! -s "$T/o" ] || fail "omniwatch $args: printed on stdout: $(cat "$T/o")"
done
for args in "probe https://omni.example.test/api extra" \
    "probe --url-file $T/url extra" "probe -c $T/none.yaml omni-api extra"; do
	set +e
	# shellcheck disable=SC2086
	"$OMNIWATCH" $args > "$T/o" 2> "$T/e"; rc=$?
	set -e
	assert_eq "$rc" 3 "omniwatch $args: exit status"
	grep -q "^omniwatch probe: unexpected argument 'extra'; " "$T/e" ||
		fail "omniwatch $args: message: $(cat "$T/e")"
done
set +e
"$OMNIWATCH" check -c "$T/none.yaml" extra > "$T/o" 2> "$T/e"; rc=$?
set -e
assert_eq "$rc" 3 "omniwatch check extra: exit status"
grep -q "^OMNIWATCH UNKNOWN - unexpected argument 'extra'" "$T/o" || fail "check extra: $(cat "$T/o")"
"$OMNIWATCH" -V > "$T/o"
grep -q "^omniwatch [0-9]" "$T/o" || fail "-V alone: $(cat "$T/o")"
