#!/bin/sh
# The EXAMPLES of the man pages run (issue 5, part 6; issue 19 for
# omniwatch.yaml(5) and omniwatch-patterns(5)): every "$ command" of the
# sections, with the fixtures of tests/examples-lib.sh in place of the
# pages' system paths (/etc/omniwatch, /home/app/.pm2, /var/lib/omniwatch).
# A "$ cat FILE" block writes FILE; output shown after a command is what
# it must print; "cmd &" starts `watch` in the background until the end;
# each configuration of omniwatch.yaml(5) must pass watch --check; the
# example that needs PM2 itself, and the one that posts to a receiver,
# are left out.
. "$top_srcdir/tests/setup.sh"
. "$top_srcdir/tests/examples-lib.sh"
examples_setup

# The EXAMPLES of each page, as lines "CMD<TAB>command" and "OUT<TAB>output
# line".  In omniwatch.yaml(5), a literal block that is not a session
# ("$ ..." lines) is a configuration: it is written to a file and must
# pass `watch --check`, added to the page's first configuration when it
# has no sources of its own.
: > "$T/examples"
for page in omniwatch.1 omniwatch.yaml.5 omniwatch-patterns.5; do
	awk -v conf="$([ "$page" = omniwatch.yaml.5 ] && echo 1 || echo 0)" -v page="$page" '
		/^\.Sh EXAMPLES/ { on = 1; next }
		/^\.Sh / { on = 0 }
		!on { next }
		/^\.Bd / { lit = 1; first = 1; kind = ""; hassources = 0; next }
		/^\.Ed/ {
			if (kind == "conf" && (hassources || first_conf == "")) {
				print "CMD\tomniwatch watch -c " file " --check"
				if (first_conf == "") first_conf = file
			} else if (kind == "conf")
				print "CMD\t{ cat " first_conf " " file "; } > with-" file \
				    " && omniwatch watch -c with-" file " --check"
			lit = 0
			next
		}
		/^\.Dl \$ / { sub(/^\.Dl \$ /, ""); print "CMD\t" $0; next }
		lit && first {
			first = 0
			if ($0 ~ /^\$ /) kind = "session"
			else if (conf) {
				kind = "conf"
				file = page "." ++nconf ".yaml"
				print "CMD\tcat " file
			} else kind = "text"
		}
		lit && kind == "session" && /^\$ / { sub(/^\$ /, ""); print "CMD\t" $0; next }
		lit && kind == "conf" && /^sources:/ { hassources = 1 }
		lit && kind != "text" { print "OUT\t" $0 }
	' "$top_srcdir/man/$page"
done | sed -e 's/\\e/\\/g' -e 's/\\-/-/g' -e 's/\\&//g' | examples_paths > "$T/examples"
[ -s "$T/examples" ] || fail "no EXAMPLES in the man pages"

examples_run "$T/examples"

# What the examples promise.
[ "$examples_ran" -ge 12 ] || fail "only $examples_ran examples ran"
grep -q '<svg class="chart"' "$T/work/report.html" || fail "scan --format html -o report.html"
grep -q '<svg class="chart"' "$T/state/summary.html" || fail "summary ... -o summary.html"
grep -q '^pattern set omni' "$T/out.1" || fail "omniwatch scan"
grep -q '^rule omni-failing (failure_rate >= 0.4 over 5m): 1 episode,' "$T"/out.* ||
    fail "omniwatch backtest: the example rule fires once"
[ ! -e "$T/home/.local/state/omniwatch" ] || fail "omniwatch backtest made a state"
examples_stop
