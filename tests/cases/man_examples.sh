#!/bin/sh
# The EXAMPLES of omniwatch(1) run (issue 5, part 6): every "$ command" of
# the section, with the fixtures of tests/examples-lib.sh in place of the
# page's system paths (/etc/omniwatch, /home/app/.pm2, /var/lib/omniwatch).
# A "$ cat FILE" block writes FILE; "cmd &" starts `watch` in the
# background until the end; the example that needs PM2 itself, and the
# one that posts to a receiver, are left out.
. "$top_srcdir/tests/setup.sh"
. "$top_srcdir/tests/examples-lib.sh"
examples_setup

# The section, as lines "CMD<TAB>command" and "OUT<TAB>output line".
awk '
	/^\.Sh EXAMPLES/ { on = 1; next }
	/^\.Sh / { on = 0 }
	!on { next }
	/^\.Bd / { lit = 1; next }
	/^\.Ed/ { lit = 0; next }
	/^\.Dl \$ / { sub(/^\.Dl \$ /, ""); print "CMD\t" $0; next }
	lit && /^\$ / { sub(/^\$ /, ""); print "CMD\t" $0; next }
	lit { print "OUT\t" $0 }
' "$top_srcdir/man/omniwatch.1" |
    sed -e 's/\\e/\\/g' -e 's/\\-/-/g' -e 's/\\&//g' | examples_paths > "$T/examples"
[ -s "$T/examples" ] || fail "no EXAMPLES in omniwatch.1"

examples_run "$T/examples"

# What the examples promise.
[ "$examples_ran" -ge 8 ] || fail "only $examples_ran examples ran"
grep -q '<svg class="chart"' "$T/work/report.html" || fail "scan --format html -o report.html"
grep -q '<svg class="chart"' "$T/state/summary.html" || fail "summary ... -o summary.html"
grep -q '^pattern set omni' "$T/out.1" || fail "omniwatch scan"
grep -q '^rule omni-failing (failure_rate >= 0.4 over 5m): 1 episode,' "$T"/out.* ||
    fail "omniwatch backtest: the example rule fires once"
[ ! -e "$T/home/.local/state/omniwatch" ] || fail "omniwatch backtest made a state"
examples_stop
