#!/bin/sh
# watch's sandbox (src/sandbox.c): once started it reads only the
# directories its config names and writes only its state and textfile.
# A file outside (a symlink put in the logs directory later, a pattern
# set named by a reloaded config) is refused with a message that says
# why, and counting goes on; webhooks (a receiver named by host name),
# the metrics endpoint and a reload that rebinds it work confined;
# --no-sandbox turns every layer off.
. "$top_srcdir/tests/setup.sh"
. "$top_srcdir/tests/watch-lib.sh"
. "$top_srcdir/tests/alert-lib.sh"

# The config and the pattern set in directories of their own, so that
# what watch may read is each directory the config names and no more; and
# a directory outside $T altogether.
mkdir -p "$T/etc" "$T/patterns"
CFG=$T/etc/watch.yaml
cp "$T/alerting.yaml" "$T/patterns/alerting.yaml"
PATTERNS=$T/patterns/alerting.yaml
OUT=$(mktemp -d "${TMPDIR:-/tmp}/omniwatch-outside.XXXXXX")
trap 'rm -rf "$OUT"; cleanup_alert' EXIT
# PM2's own log, beside logs/ in the PM2 home (real PM2 7.0.4 output).
cp "$top_srcdir/tests/data/pm2-daemon/pm2.log" "$W/pm2.log"
cp "$T/alerting.yaml" "$OUT/other.yaml"
sed -i 's/^name: errors/name: others/' "$OUT/other.yaml"

start_receiver "$T/r"
# A host name the resolver must look up in /etc/hosts through
# nsswitch.conf (libcurl answers "localhost" itself): this machine's
# name when it is 127.0.0.1, so that the files getaddrinfo reads are
# shown readable in the sandbox.
RHOST=localhost
if [ "$(getent ahostsv4 "$(hostname)" 2>/dev/null | awk 'NR == 1 {print $1}')" = 127.0.0.1 ]; then
	RHOST=$(hostname)
else
	echo "note: $(hostname) is not 127.0.0.1: the receiver is localhost"
fi
sandbox_config() {
	write_config
	cat >> "$CFG" <<Y
receivers:
  ops:
    url: http://$RHOST:$(port_of "$T/r")/hook
    timeout: 2s
    retry_initial: 200ms
alerts:
  - {name: sbx, kind: failures, threshold: 1, window: 1h, repeat_interval: 1h}
metrics:
  listen: 127.0.0.1:0
  textfile: $T/textfile/omniwatch.prom
  textfile_interval: 200ms
Y
}
mkdir -p "$T/textfile"
sandbox_config
WATCH_OPTS=-v start_watch

line=$(grep 'sandbox: no_new_privs' "$WLOG" || true)
case $line in
*"landlock ABI"*) ;;
*"landlock unavailable"*)
	echo "skip: this kernel has no Landlock: $line"
	exit 77 ;;
*) fail "no sandbox line at start: $(cat "$WLOG")" ;;
esac
case $line in
*"no_new_privs on"*"seccomp on"*) echo "ok: $line" ;;
*) fail "every layer on by default: $line" ;;
esac
# A container may have set no_new_privs or a seccomp filter on us
# already: watch adds one filter to what its parent (this shell) has.
status_of() {
	awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"
}
filters0=$(status_of $$ Seccomp_filters)
assert_eq "$(status_of "$WPID" NoNewPrivs)" 1 "no_new_privs in /proc"
assert_eq "$(status_of "$WPID" Seccomp)" 2 "seccomp filter mode in /proc"
assert_eq "$(status_of "$WPID" Seccomp_filters)" $((filters0 + 1)) \
    "one seccomp filter more than the shell's"

echo "# confined, watch counts, alerts by host name and writes its textfile"
fail_lines 2 a
wait_count 2
wait_posts "$T/r" 1
wait_for "the textfile" grep -q 'omniwatch_records_total' \
    "$T/textfile/omniwatch.prom"
echo "ok: textfile written"
wait_for "PM2's own log in the textfile" grep -q \
    '^omniwatch_pm2_restarts_total{app="crashy"' "$T/textfile/omniwatch.prom"
echo "ok: PM2_HOME/pm2.log read"
grep -q 'cannot open' "$WLOG" && fail "a file watch needs was refused: $(grep 'cannot open' "$WLOG")"
echo "ok: nothing watch needs was refused"

echo "# a symlink to a file outside is refused, and said so; counting goes on"
echo "$(now_stamp): req=out1 ERROR upstream" > "$OUT/secret-app.log"
ln -s "$OUT/secret-app.log" "$D/sneaky-out.log"
wait_for "the refusal" grep -q 'sneaky-out.log: cannot open: Permission denied (outside the sandbox' "$WLOG"
echo "ok: the symlink's refusal names the path and the sandbox"
fail_lines 1 b
wait_count 3 failures "the symlinked file is not counted, the others are"

echo "# a symlink to a system file outside the resolver's and CA's is refused"
# /etc is not allowed whole (a trial read /etc/shadow through a symlink
# among the logs): /etc/passwd is world-readable, so only the sandbox can
# refuse it; /etc/shadow too where it exists and we may read it (root),
# else its own permissions refuse it first, and are named.
for f in /etc/passwd /etc/shadow; do
	[ -e "$f" ] || continue
	name=sneaky-$(basename "$f")-out.log
	why="outside the sandbox"
	[ -r "$f" ] || why="its permissions do not let user"
	ln -s "$f" "$D/$name"
	wait_for "the refusal of $f" grep -q "$name: cannot open: Permission denied ($why" "$WLOG"
	echo "ok: $f through a symlink is refused and named ($why)"
done
# What the resolver and TLS need stays readable (a webhook went out by
# host name above); and no refusal but those asked for.
grep 'cannot open' "$WLOG" | grep -v 'sneaky-' &&
    fail "a file watch needs was refused"
echo "ok: only the symlinks outside were refused"

echo "# a reload naming a pattern set outside is refused; the old config counts on"
sed -i "s|^pattern_sets: .*|pattern_sets: [$PATTERNS, $OUT/other.yaml]|" "$CFG"
kill -HUP "$WPID"
wait_for "the refused reload" grep -q 'reload failed' "$WLOG"
grep -q "pattern set $OUT/other.yaml: $OUT is outside the sandbox" "$WLOG" ||
    fail "the refusal names the pattern set: $(grep error "$WLOG")"
echo "ok: the refusal names the pattern set and its directory"
kill -0 "$WPID" || fail "a refused reload must not stop watch"
fail_lines 1 c
wait_count 4 failures "counting goes on after a refused reload"

# Seconds and sweeps (1 s) after the refusals: each was said once, not at
# every sweep that tried the file again (a reload, below, says it anew).
assert_eq "$(grep -c 'sneaky-out.log: cannot open' "$WLOG")" 1 \
    "the refusal of a file outside is said once"
assert_eq "$(grep -c 'sneaky-passwd-out.log: cannot open' "$WLOG")" 1 \
    "the refusal of /etc/passwd is said once"

echo "# a reload inside the sandbox rebinds the metrics and counts on"
sandbox_config
kill -HUP "$WPID"
wait_for "the reload" grep -q 'reloaded:' "$WLOG"
fail_lines 1 d
wait_count 5 failures "counted after a reload inside"
# yaml_load parses each file first in a child it can stop: the sandbox
# must leave it the fork (its debug line says when it cannot).
grep -q 'parsed without a time limit' "$WLOG" &&
    fail "the reload's YAML was parsed without its guard: $(grep 'time limit' "$WLOG")"
echo "ok: the reload parsed its YAML in a guarded child"
stop_watch
grep -q 'cannot\|error' "$T/r/stderr" 2>/dev/null && fail "receiver errors"

echo "# --no-sandbox: every layer off, and the symlinked file is read"
: > "$WLOG"
WATCH_OPTS=--no-sandbox start_watch
grep -q 'sandbox: no_new_privs' "$WLOG" && fail "--no-sandbox still enters the sandbox"
assert_eq "$(status_of "$WPID" NoNewPrivs)" "$(status_of $$ NoNewPrivs)" \
    "--no-sandbox: no_new_privs as the shell's"
assert_eq "$(status_of "$WPID" Seccomp_filters)" "$filters0" \
    "--no-sandbox: no seccomp filter of its own"
wait_count 6 failures "--no-sandbox follows the symlink outside"
stop_watch
