# Sourced by the tests that run the documentation's examples as written
# (man_examples.sh for omniwatch(1), readme_examples.sh for README.md),
# after tests/setup.sh.  examples_setup makes the fixtures; examples_run
# runs a list of examples.
#
# The fixtures, and the paths of the documentation they stand in for (the
# caller's sed, examples_paths, rewrites those paths, nothing else):
#   /home/app/.pm2      -> $T/pm2, a PM2_HOME whose logs/ holds the example
#                          logs (examples/pm2-logs); also $PM2_HOME and
#                          ~/.pm2 ($HOME is $T/home)
#   /etc/omniwatch      -> $T/etc/omniwatch (with ops.secret, a fake secret)
#   /var/lib/omniwatch  -> $T/state
# The examples run in $T/work, which has the source tree's examples/ and
# patterns/, as when a user runs them from the top of the tree.
# `omniwatch` on PATH is the binary under test.

examples_setup() {
	mkdir -p "$T/bin" "$T/pm2/logs" "$T/home" "$T/etc/omniwatch" "$T/work"
	cp "$top_srcdir"/examples/pm2-logs/*.log \
	    "$top_srcdir"/examples/pm2-logs/*.gz "$T/pm2/logs/"
	ln -s "$T/pm2" "$T/home/.pm2"
	ln -s "$OMNIWATCH" "$T/bin/omniwatch"
	ln -s "$top_srcdir/examples" "$T/work/examples"
	ln -s "$top_srcdir/patterns" "$T/work/patterns"
	printf 'fake-secret-for-tests\n' > "$T/etc/omniwatch/ops.secret"
	PATH=$T/bin:$PATH
	HOME=$T/home
	PM2_HOME=$T/pm2
	export PATH HOME PM2_HOME
	EXAMPLES_WPID=
	trap examples_cleanup EXIT
}

# The sed expressions that move the documentation's paths to the fixtures.
examples_paths() {
	sed -e "s|/etc/omniwatch|$T/etc/omniwatch|g" \
	    -e "s|/home/app/\.pm2|$T/pm2|g" \
	    -e "s|/var/lib/omniwatch|$T/state|g"
}

examples_cleanup() {
	[ -z "$EXAMPLES_WPID" ] || kill -KILL "$EXAMPLES_WPID" 2>/dev/null || true
	rm -rf "$T"
}

# examples_run FILE: runs the examples of FILE, lines "CMD<TAB>command"
# (one shell command line) and "OUT<TAB>line" (what the command before
# prints).  A "cat FILE" command writes its OUT lines to FILE (relative
# to $T/work), as a "$ cat FILE" example shows a file's content.  Any
# other command followed by OUT lines must print them (stdout and stderr,
# compared with runs of white space made one, since a page wraps long
# lines), whatever its exit status: an example of an error.  A command
# ending in " &", or an `omniwatch watch` without --check (which runs in
# the foreground until stopped), runs in the background until `summary`
# has counted what the live example logs hold, and is stopped (SIGTERM,
# exit 0 expected) by examples_stop.  Left out, and said: what needs PM2
# itself, a receiver (--post), a partner API (probe), root's package
# manager or the build tree.
# Every other command must exit 0 (check: 0 to 2, its states) and print
# something unless it writes -o.  Sets examples_ran to how many ran; the
# outputs of example N are $T/out.N and $T/err.N.
examples_run() {
	examples_ran=0
	rm -rf "$T/ex"
	mkdir -p "$T/ex"
	awk -F '\t' -v dir="$T/ex" '
		$1 == "CMD" { n++; f = dir "/cmd." n; print $2 > f; close(f); next }
		$1 == "OUT" { f = dir "/out." n; print $2 >> f; close(f) }
		END { print n + 0 > (dir "/n") }
	' "$1"
	_total=$(cat "$T/ex/n")
	_n=0
	while [ "$_n" -lt "$_total" ]; do
		_n=$((_n + 1))
		_line=$(cat "$T/ex/cmd.$_n")
		case $_line in
		"cat "*)
			_writing=${_line#cat }
			case $_writing in /*) ;; *) _writing=$T/work/$_writing ;; esac
			mkdir -p "$(dirname "$_writing")"
			if [ -f "$T/ex/out.$_n" ]; then
				cp "$T/ex/out.$_n" "$_writing"
			else
				: > "$_writing"
			fi
			echo "ok: example $_n writes $_writing"
			continue ;;
		pm2\ *)
			echo "skip: example $_n needs PM2: $_line"
			continue ;;
		"omniwatch probe "*)
			# tests/cases/probe.sh probes partners on 127.0.0.1.
			echo "skip: example $_n needs a partner API: $_line"
			continue ;;
		*" --post "*)
			# tests/cases/summary_post.sh posts to a receiver.
			echo "skip: example $_n needs a receiver: $_line"
			continue ;;
		apt-get\ *|make\ *|*"&& make"*)
			# .ci/run runs these as written, on a fresh clone.
			echo "skip: example $_n installs or builds (CI runs it): $_line"
			continue ;;
		*" &"|"omniwatch watch "*)
			case $_line in
			*" --check"*) ;;
			*)
				examples_background "$_line"
				continue ;;
			esac ;;
		esac
		set +e
		(cd "$T/work" && sh -c "$_line") > "$T/out.$_n" 2> "$T/err.$_n"
		_rc=$?
		set -e
		if [ -f "$T/ex/out.$_n" ]; then
			# An example of output: the page's text, wrapped or not.
			_want=$(tr -s ' \t\n' '   ' < "$T/ex/out.$_n" | sed 's/ $//')
			_got=$(cat "$T/out.$_n" "$T/err.$_n" | tr -s ' \t\n' '   ' | sed 's/ $//')
			[ "$_got" = "$_want" ] || fail "example $_n: '$_line' printed '$_got', the page says '$_want'"
			echo "ok: example $_n prints what the page says: $_line"
			examples_ran=$((examples_ran + 1))
			continue
		fi
		case $_line in
		"omniwatch check "*)
			[ "$_rc" -le 2 ] || fail "example $_n: '$_line' exited $_rc: $(cat "$T/out.$_n")" ;;
		*)
			[ "$_rc" -eq 0 ] || fail "example $_n: '$_line' exited $_rc: $(cat "$T/err.$_n")" ;;
		esac
		case $_line in
		*" -o "*) ;;
		*) [ -s "$T/out.$_n" ] || fail "example $_n: '$_line' printed nothing" ;;
		esac
		echo "ok: example $_n: $_line"
		examples_ran=$((examples_ran + 1))
	done
}

# examples_background LINE: see examples_run.
examples_background() {
	_cmd=${1% &}
	_cmd=${_cmd%%#*}
	[ -z "$EXAMPLES_WPID" ] || fail "example $_n: a second watch in the background"
	(cd "$T/work" && exec sh -c "exec $_cmd") > "$T/bg.log" 2>&1 &
	EXAMPLES_WPID=$!
	# Until watch has committed what the live logs hold (it does not go
	# back to files rotated before it started).
	_cfg=$(echo "$_cmd" | sed -n 's/.* -c \([^ ]*\).*/\1/p')
	case $_cfg in /*) ;; *) _cfg=$T/work/$_cfg ;; esac
	_want=$(omniwatch scan --json $(ls "$T"/pm2/logs/*.log | grep -v __) |
	    jq .pattern_sets.omni.failures)
	[ "$_want" -gt 0 ] || fail "no failures in the example logs"
	_i=0
	until [ "$(omniwatch summary -c "$_cfg" --json 2>/dev/null | jq '.pattern_sets.omni.failures' 2>/dev/null)" = "$_want" ]; do
		_i=$((_i + 1))
		[ $_i -lt 300 ] || { cat "$T/bg.log"; fail "example $_n: watch counted nothing"; }
		sleep 0.1
	done
	echo "ok: example $_n runs in the background: $1"
	examples_ran=$((examples_ran + 1))
}

# examples_stop: stops the background watch; it must exit 0.
examples_stop() {
	[ -n "$EXAMPLES_WPID" ] || return 0
	kill -TERM "$EXAMPLES_WPID"
	wait "$EXAMPLES_WPID" || fail "watch exited with status $?"
	EXAMPLES_WPID=
}
