#!/bin/sh
# The README's examples run as written (issue 19), from the top of a
# source tree, with the fixtures of tests/examples-lib.sh in place of its
# system paths (/home/app/.pm2, /etc/omniwatch, /var/lib/omniwatch).
# Every command line of a ```sh block runs (a `cat > FILE <<'X'` here
# document writes FILE; `omniwatch watch` runs in the background), except
# what installs packages or builds (.ci/run runs those as written), what
# needs PM2 itself, and --post.  A ```yaml block whose first key is
# `name:` is a pattern set: it must count the example logs as the
# installed omni does; any other
# ```yaml block is a piece of configuration: added to the README's
# omniwatch.yaml, it must pass `watch --check`.
. "$top_srcdir/tests/setup.sh"
. "$top_srcdir/tests/examples-lib.sh"

# The README as "CMD<TAB>command", "OUT<TAB>line" (a here document's
# lines), and "YAML<TAB>N<TAB>line" (the lines of the Nth yaml block).
awk '
	/^```sh$/ { sh = 1; next }
	/^```yaml$/ { yaml = 1; ny++; next }
	/^```/ { sh = yaml = 0; next }
	yaml { print "YAML\t" ny "\t" $0; next }
	!sh { next }
	heredoc != "" {
		if ($0 == heredoc) heredoc = ""
		else print "OUT\t" $0
		next
	}
	cont != "" { $0 = cont $0; cont = "" }
	/\\$/ { sub(/\\$/, ""); cont = $0; next }
	/^[ \t]*(#|$)/ { next }
	/^cat > [^ ]+ <</ {
		heredoc = $0
		sub(/.*<</, "", heredoc)
		gsub(/["'"'"']/, "", heredoc)
		file = $0
		sub(/^cat > /, "", file)
		sub(/ .*/, "", file)
		print "CMD\tcat " file
		next
	}
	{ print "CMD\t" $0 }
' "$top_srcdir/README.md" | examples_paths > "$T/readme"
grep -q '^CMD' "$T/readme" || fail "no commands in README.md"

# The yaml blocks.
nyaml=$(awk -F '\t' '$1 == "YAML" { n = $2 } END { print n + 0 }' "$T/readme")
[ "$nyaml" -ge 2 ] || fail "expected the pattern set and the alerts blocks"
i=1
while [ $i -le "$nyaml" ]; do
	awk -F '\t' -v n=$i '$1 == "YAML" && $2 == n { sub(/^YAML\t[0-9]+\t/, ""); print }' \
	    "$T/readme" > "$T/block.$i.yaml"
	if head -n 1 "$T/block.$i.yaml" | grep -q '^name:'; then
		[ ! -s "$T/patterns.yaml" ] || fail "two pattern sets in README.md"
		cp "$T/block.$i.yaml" "$T/patterns.yaml"
	else
		echo "$i" >> "$T/fragments"
	fi
	i=$((i + 1))
done
[ -s "$T/patterns.yaml" ] || fail "no pattern set block in README.md"
[ -s "$T/fragments" ] || fail "no configuration block in README.md"

examples_setup
grep -v '^YAML' "$T/readme" > "$T/examples"
examples_run "$T/examples"

# What the examples promise.
[ "$examples_ran" -ge 9 ] || fail "only $examples_ran examples ran"
n=$(awk -F '\t' '$1 == "CMD" { n++ } $1 == "CMD" && $2 ~ /^omniwatch scan +(#|$)/ { print n; exit }' "$T/examples")
[ -n "$n" ] || fail "no plain 'omniwatch scan' in README.md"
grep -q '^pattern set omni' "$T/out.$n" || fail "omniwatch scan: $(cat "$T/out.$n")"
grep -q '^  33 failures, 35 successes' "$T/out.$n" || fail "omniwatch scan: the example logs' counts: $(cat "$T/out.$n")"
grep -q '<svg class="chart"' "$T/work/report.html" || fail "scan --format html -o report.html"
[ -s "$T/work/omniwatch.yaml" ] || fail "the README's config was not written"
# The backtest examples (issue 15): over the config's PM2 home and over
# examples/pm2-logs given as a PATH, the README's rule fires on the
# example logs, as a newcomer running them sees.
for want in 'omniwatch backtest -c alerts.yaml +(#|$)' 'omniwatch backtest -c alerts.yaml examples/pm2-logs'; do
	n=$(awk -F '\t' -v re="^$want" '$1 == "CMD" { n++ } $1 == "CMD" && $2 ~ re { print n; exit }' "$T/examples")
	[ -n "$n" ] || fail "no '$want' example in README.md"
	grep -q '^replayed 48 records from 2026-11-29T21:58:02Z to 2026-11-29T21:58:12Z' "$T/out.$n" ||
	    fail "$want: the example logs' stamped records: $(cat "$T/out.$n")"
	grep -q '^rule omni-failing (failure_rate >= 0.4 over 5m): 1 episode, 1 notification, firing at the end$' "$T/out.$n" ||
	    fail "$want: the rule fires on the example logs: $(cat "$T/out.$n")"
	echo "ok: '$want' fires the README's rule on the example logs"
done
examples_stop

# The pattern set block counts the example logs as the installed omni.
omniwatch scan --json -p "$T/patterns.yaml" "$T/pm2/logs" > "$T/mine.json"
omniwatch scan --json "$T/pm2/logs" > "$T/omni.json"
for k in failures successes damaged; do
	assert_eq "$(jget "$T/mine.json" ".pattern_sets.omni.$k")" \
	    "$(jget "$T/omni.json" ".pattern_sets.omni.$k")" "the README's pattern set: $k"
done

# Each configuration block, added to the README's omniwatch.yaml, passes
# watch --check.
while read -r i; do
	cat "$T/work/omniwatch.yaml" "$T/block.$i.yaml" > "$T/work/with-$i.yaml"
	(cd "$T/work" && omniwatch watch -c "with-$i.yaml" --check) > "$T/check.$i" 2>&1 ||
	    fail "README yaml block $i: watch --check: $(cat "$T/check.$i")"
	grep -q ': OK: ' "$T/check.$i" || fail "README yaml block $i: $(cat "$T/check.$i")"
	echo "ok: README yaml block $i passes watch --check"
done < "$T/fragments"

# CI runs the Quick start's blocks as written.
grep -q 'readme_block 1' "$top_srcdir/.ci/run" && grep -q 'readme_block 2' "$top_srcdir/.ci/run" ||
    fail ".ci/run does not run the README's quick start"
echo "ok: .ci/run runs the README's quick start and test command"
if grep -q -- '--enable-fuzzing' "$top_srcdir/.ci/run"; then
	grep -q 'fuzz_deps=.*README.md' "$top_srcdir/.ci/run" ||
	    fail ".ci/run fuzzes without installing the README's packages for it"
	echo "ok: .ci/run installs what the README names for fuzzing"
fi
