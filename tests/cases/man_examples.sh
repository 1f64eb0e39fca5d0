#!/bin/sh
# The EXAMPLES of omniwatch(1) run (issue 5, part 6): every "$ command" of
# the section, with the example logs in a temporary PM2_HOME and the
# page's system paths (/etc/omniwatch, /home/app/.pm2, /var/lib/omniwatch)
# moved under the test's directory.  A "$ cat FILE" block writes FILE;
# "cmd &" starts `watch` in the background until the end; the example that
# needs PM2 itself, and the one that posts to a receiver, are left out.
. "$top_srcdir/tests/setup.sh"

mkdir -p "$T/bin" "$T/pm2/logs" "$T/home" "$T/etc/omniwatch" "$T/work"
cp "$top_srcdir"/examples/pm2-logs/*.log "$top_srcdir"/examples/pm2-logs/*.gz "$T/pm2/logs/"
ln -s "$T/pm2" "$T/home/.pm2"
ln -s "$OMNIWATCH" "$T/bin/omniwatch"
PATH=$T/bin:$PATH
HOME=$T/home
PM2_HOME=$T/pm2
export PATH HOME PM2_HOME

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
    sed -e 's/\\e/\\/g' -e 's/\\-/-/g' -e 's/\\&//g' \
	-e "s|/etc/omniwatch|$T/etc/omniwatch|g" \
	-e "s|/home/app/\.pm2|$T/pm2|g" \
	-e "s|/var/lib/omniwatch|$T/state|g" > "$T/examples"
[ -s "$T/examples" ] || fail "no EXAMPLES in omniwatch.1"

WPID=
cleanup() {
	[ -z "$WPID" ] || kill -KILL "$WPID" 2>/dev/null || true
	rm -rf "$T"
}
trap cleanup EXIT

writing=
ran=0
n=0
tab=$(printf '\t')
while IFS="$tab" read -r kind line; do
	if [ "$kind" = OUT ]; then
		[ -z "$writing" ] || printf '%s\n' "$line" >> "$writing"
		continue
	fi
	writing=
	n=$((n + 1))
	case $line in
	"cat "*)
		# Its output is the file: write it.
		writing=${line#cat }
		mkdir -p "$(dirname "$writing")"
		: > "$writing"
		echo "ok: example $n writes $writing"
		continue ;;
	pm2\ *)
		echo "skip: example $n needs PM2: $line"
		continue ;;
	*" --post "*)
		# tests/cases/summary_post.sh posts to a receiver.
		echo "skip: example $n needs a receiver: $line"
		continue ;;
	*" &")
		(cd "$T/work" && sh -c "exec ${line% &}") > "$T/bg.log" 2>&1 &
		WPID=$!
		# Until watch has committed what the live logs hold (it does
		# not go back to files rotated before it started).
		cfg=$(echo "$line" | sed -n 's/.* -c \([^ ]*\).*/\1/p')
		want=$(omniwatch scan --json $(ls "$T"/pm2/logs/*.log | grep -v __) |
		    jq .pattern_sets.omni.failures)
		[ "$want" -gt 0 ] || fail "no failures in the example logs"
		i=0
		until [ "$(omniwatch summary -c "$cfg" --json 2>/dev/null | jq '.pattern_sets.omni.failures' 2>/dev/null)" = "$want" ]; do
			i=$((i + 1))
			[ $i -lt 300 ] || { cat "$T/bg.log"; fail "example $n: watch counted nothing"; }
			sleep 0.1
		done
		echo "ok: example $n runs in the background: $line"
		ran=$((ran + 1))
		continue ;;
	esac
	set +e
	(cd "$T/work" && sh -c "$line") > "$T/out.$n" 2> "$T/err.$n"
	rc=$?
	set -e
	case $line in
	"omniwatch check "*)
		[ "$rc" -le 2 ] || fail "example $n: '$line' exited $rc: $(cat "$T/out.$n")" ;;
	*)
		[ "$rc" -eq 0 ] || fail "example $n: '$line' exited $rc: $(cat "$T/err.$n")" ;;
	esac
	case $line in
	*" -o "*) ;;
	*) [ -s "$T/out.$n" ] || fail "example $n: '$line' printed nothing" ;;
	esac
	echo "ok: example $n: $line"
	ran=$((ran + 1))
done < "$T/examples"

# What the examples promise.
[ "$ran" -ge 8 ] || fail "only $ran examples ran"
grep -q '<svg class="chart"' "$T/work/report.html" || fail "scan --format html -o report.html"
grep -q '<svg class="chart"' "$T/state/summary.html" || fail "summary ... -o summary.html"
grep -q '^pattern set omni' "$T/out.1" || fail "omniwatch scan"
if [ -n "$WPID" ]; then
	kill -TERM "$WPID"
	wait "$WPID" || fail "watch exited with status $?"
	WPID=
fi
