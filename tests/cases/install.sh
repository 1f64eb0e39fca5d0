#!/bin/sh
# make install (issue 5, part 5), into a DESTDIR: the binary, the man
# pages, the patterns, the example config (never over an edited one), the
# systemd units and the cron line with the configured paths (they post
# yesterday's summary with --post); the installed
# binary finds its own patterns through /proc/self/exe, with no -p and no
# OMNIWATCH_PATTERNS; make uninstall takes it all back.
. "$top_srcdir/tests/setup.sh"
: "${install_bindir:?run through make check}"

# A make inside make check: not the parent's jobserver or flags.
unset MAKEFLAGS MFLAGS MAKELEVEL
R=$T/root
make -C "$top_builddir" install DESTDIR="$R" > "$T/install.log" 2>&1 ||
	{ tail -n 30 "$T/install.log"; fail "make install"; }

B=$R$install_bindir/omniwatch
[ -x "$B" ] || fail "no $B"
for f in "$install_pkgdatadir/patterns/omni.yaml" \
    "$install_mandir/man1/omniwatch.1" "$install_mandir/man5/omniwatch.yaml.5" \
    "$install_mandir/man5/omniwatch-patterns.5" \
    "$install_sysconfdir/omniwatch/omniwatch.yaml" \
    "$install_docdir/examples/omniwatch.yaml" "$install_docdir/examples/omniwatch"; do
	[ -f "$R$f" ] || fail "not installed: $f"
done
[ -f "$R$install_docdir/examples/omniwatch-rules.yml" ] || fail "the Prometheus rules are among the examples"
echo "ok: binary, patterns, man pages, config, examples"

# The units, with the configured paths and the sandbox.
U=$R$install_unitdir
for u in omniwatch.service omniwatch-summary.service omniwatch-summary.timer; do
	[ -f "$U/$u" ] || fail "not installed: $install_unitdir/$u"
	if grep -q '@[a-z]*@' "$U/$u"; then fail "$u: unsubstituted @var@"; fi
done
C=$install_sysconfdir/omniwatch/omniwatch.yaml
grep -qx "ExecStart=$install_bindir/omniwatch watch -c $C" "$U/omniwatch.service" || fail "ExecStart of omniwatch.service"
for line in Type=notify NotifyAccess=main WatchdogSec=30s \
    StateDirectory=omniwatch NoNewPrivileges=yes \
    ProtectSystem=strict ProtectHome=read-only PrivateTmp=yes 'User=[a-z].*'; do
	grep -qx "$line" "$U/omniwatch.service" || fail "omniwatch.service lacks $line"
done
grep -q '^#.*User=' "$U/omniwatch.service" || fail "User= is documented"
# Yesterday, as HTML and posted to a receiver (issue 5: summary --post).
yday='--since "$$(date -d "12:00 yesterday" +%%F)" --until "$$(date +%%F)"'
grep -qxF "ExecStart=/bin/sh -c 'exec $install_bindir/omniwatch summary -c $C $yday --format html -o /var/lib/omniwatch/summary.html --post team'" \
    "$U/omniwatch-summary.service" || fail "ExecStart of omniwatch-summary.service"
grep -qx 'Type=oneshot' "$U/omniwatch-summary.service" || fail "summary is a oneshot"
if grep -qx 'PrivateNetwork=yes' "$U/omniwatch-summary.service"; then fail "summary --post needs the network"; fi
grep -qx 'OnCalendar=\*-\*-\* 00:10:00' "$U/omniwatch-summary.timer" || fail "the timer"
yday=$(printf '%s' "$yday" | sed -e 's/\$\$/$/g' -e 's/%%/\\%/g' -e "s/\"12:00 yesterday\"/'12:00 yesterday'/")
grep -qF "app	$install_bindir/omniwatch summary -c $C $yday --format html -o /var/lib/omniwatch/summary.html --post team" \
    "$R$install_docdir/examples/omniwatch" || fail "the cron line"
grep -q '^10 0 \* \* \*	app	' "$R$install_docdir/examples/omniwatch" || fail "the cron line runs daily"
if command -v systemd-analyze > /dev/null 2>&1; then
	for u in omniwatch.service omniwatch-summary.service omniwatch-summary.timer; do
		# Missing binaries, targets and man pages are expected here;
		# syntax is not.
		systemd-analyze verify "$U/$u" > "$T/verify.log" 2>&1 || true
		if grep -Ei 'unknown (key|section)|invalid|failed to parse|bad unit|ignoring' "$T/verify.log"; then
			fail "$u does not parse"
		fi
	done
	echo "ok: systemd-analyze verify finds no syntax error"
fi
echo "ok: units and cron line"

# The installed binary finds the installed omni set: no -p, no
# OMNIWATCH_PATTERNS, and the configured datadir is not there (DESTDIR).
sed -i 's/^description: .*/description: the installed copy/' "$R$install_pkgdatadir/patterns/omni.yaml"
(unset OMNIWATCH_PATTERNS; cd / && "$B" scan "$top_srcdir/examples/pm2-logs") > "$T/scan.txt"
grep -q '^pattern set omni (the installed copy)$' "$T/scan.txt" || fail "installed patterns not used: $(head -n 1 "$T/scan.txt")"
grep -q '23 failures, 25 successes' "$T/scan.txt" || fail "installed binary counts"
# ... also through a symlink to the binary, as /usr/local/bin links do.
ln -s "$B" "$T/omniwatch-link"
(unset OMNIWATCH_PATTERNS; "$T/omniwatch-link" scan "$top_srcdir/examples/pm2-logs") > "$T/scan2.txt"
grep -q '(the installed copy)' "$T/scan2.txt" || fail "through a symlink"
(unset OMNIWATCH_PATTERNS; "$B" check -c "$R$C" > "$T/check.txt") || true
# The config loads: what check says next is about the machine (no PM2
# at the example's pm2_home, or no state yet), not about the config.
grep -Eq '^OMNIWATCH UNKNOWN - (no state at /var/lib/omniwatch/omniwatch.db|source /home/app/.pm2: /home/app/.pm2/logs: No such file or directory)' "$T/check.txt" ||
	[ -e /var/lib/omniwatch/omniwatch.db ] || fail "installed config: $(cat "$T/check.txt")"
echo "ok: the installed binary uses the installed patterns"

# An edited config survives a second install; uninstall leaves only it.
echo "# edited" >> "$R$C"
make -C "$top_builddir" install DESTDIR="$R" > "$T/install2.log" 2>&1 || fail "second make install"
grep -q '^# edited$' "$R$C" || fail "install replaced an edited config"
grep -q 'exists: not replaced' "$T/install2.log" || fail "install says why"
make -C "$top_builddir" uninstall DESTDIR="$R" > "$T/uninstall.log" 2>&1 || fail "make uninstall"
assert_eq "$(find "$R" -type f | sed "s|^$R||")" "$C" "uninstall leaves only the edited config"
