#!/bin/sh
# A log watch may not open because of its own permissions (mode 600,
# owned by another user) is said to be so, with the user and the file's
# mode and owner: a chmod is what helps, and watch reads the file once it
# is done, without a restart.  It was blamed on the sandbox ("outside the
# sandbox ... restart it ... or run it with --no-sandbox"), though the file
# was inside it.  The sandbox's own refusals are watch_sandbox.sh's.
#
# The file is made mode 000.  Root reads it anyway (CAP_DAC_OVERRIDE), so
# as root watch runs without that capability (setpriv); where it cannot be
# dropped the test is skipped.
. "$top_srcdir/tests/setup.sh"
. "$top_srcdir/tests/watch-lib.sh"

if [ "$(id -u)" = 0 ]; then
	caps=-dac_override,-dac_read_search
	if ! setpriv --inh-caps=$caps --bounding-set=$caps true 2>/dev/null; then
		echo "skip: root, and setpriv cannot drop CAP_DAC_OVERRIDE here"
		exit 77
	fi
	cat > "$T/omniwatch-nodac" <<S
#!/bin/sh
exec setpriv --inh-caps=$caps --bounding-set=$caps "$OMNIWATCH" "\$@"
S
	chmod +x "$T/omniwatch-nodac"
	OMNIWATCH=$T/omniwatch-nodac
fi

errors "$E" 1 a
: > "$L"
LOCKED=$D/locked-error.log
errors "$LOCKED" 2 locked
chmod 000 "$LOCKED"
# A directory of an app's logs (dump.pm2) that watch may not read either:
# said once, though every sweep (1 s here) tries it again (tester12: a
# line every 5 s).
mkdir "$T/priv"
echo "req=1 ERROR" > "$T/priv/uc-out.log"
printf '[{"name": "uc", "pm_out_log_path": "%s"}]\n' "$T/priv/uc-out.log" > "$W/dump.pm2"
chmod 000 "$T/priv"
WATCH_OPTS=-v start_watch
grep 'sandbox: no_new_privs' "$WLOG" || true

wait_for "the refusal" grep -q "locked-error.log: cannot open: Permission denied" "$WLOG"
msg=$(grep "locked-error.log: cannot open" "$WLOG" | head -n 1)
case $msg in
*"outside the sandbox"*) fail "a refusal by the file's mode blamed on the sandbox: $msg" ;;
*"(its permissions do not let user "*"read it: mode 0000, owner uid $(id -u), group gid "*")") ;;
*) fail "the refusal does not say the file's permissions: $msg" ;;
esac
echo "ok: $msg"
wait_count 1 failures "the readable log is counted"

chmod 644 "$LOCKED"
wait_count 3 failures "the log is read once its mode lets us, without a restart"

sleep 3	# three sweeps
n=$(grep -c "$T/priv: cannot" "$WLOG" || true)
[ "$n" -le 2 ] || fail "the unreadable directory said $n times: $(grep "$T/priv" "$WLOG")"
[ "$n" -ge 1 ] || fail "the unreadable directory not said"
echo "ok: the directory it cannot read is said once ($n lines: watch, list)"
chmod 755 "$T/priv"

stop_watch
echo "ok: a log its mode keeps from watch is said so, and read after a chmod"
