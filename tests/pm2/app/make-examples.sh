#!/bin/sh
# make-examples.sh OUTDIR: regenerate examples/pm2-logs (real PM2 output).
#
# Runs ticket-forwarder.js under the pm2 7.0.4 that tests/pm2/pm2_scan.sh
# caches, in a scratch PM2_HOME, against partner-stub.js on 127.0.0.1:
#   omni-app         fork mode, --time, three runs of 16 tickets (1-16,
#                    17-32, 33-48).  After run 1 its files are rotated the
#                    way pm2-logrotate 2.7.0 does with compress (copy into
#                    <name>__<date>.log.gz, gzip -9, then truncate the live
#                    file); after run 2 the way 3.0.0 does (plain copy, then
#                    truncate).  Run 3 stays in the live files.
#   helpdesk-sync-2  cluster mode, 2 instances of 10 tickets (101-110,
#                    111-120), no timestamps.
# Then copies PM2_HOME/logs/*.log* to OUTDIR and prints the summed truth
# (what the app says it logged) as JSON.  Nothing in OUTDIR is edited.
# The app runs from a copy in /tmp/ticket-forwarder, the path its stack
# traces show.
set -eu
LC_ALL=C
TZ=UTC
export LC_ALL TZ

[ $# = 1 ] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
out=$1
here=$(cd "$(dirname "$0")" && pwd)
cache=${OMNIWATCH_TEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/omniwatch-tests}
PM2_JS=$cache/pm2-7.0.4/node_modules/pm2/bin/pm2
[ -f "$PM2_JS" ] || { echo "$0: no pm2 in $cache; run tests/pm2/pm2_scan.sh once" >&2; exit 1; }

T=$(mktemp -d "${TMPDIR:-/tmp}/omniwatch-examples.XXXXXX")
app=/tmp/ticket-forwarder
[ -e "$app" ] && { echo "$0: $app exists; remove it first" >&2; exit 1; }
stub_pid=
cleanup() {
	set +e
	[ -f "$T/home/pm2.pid" ] && node "$PM2_JS" kill >/dev/null 2>&1
	[ -n "$stub_pid" ] && kill "$stub_pid"
	rm -rf "$T" "$app"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

mkdir -p "$app" "$T/home" "$T/truth" "$out"
cp "$here/ticket-forwarder.js" "$here/partner-stub.js" "$app/"
PM2_HOME=$T/home
PM2_DISABLE_VERSION_CHECK=1
NO_COLOR=1
export PM2_HOME PM2_DISABLE_VERSION_CHECK NO_COLOR
: >"$PM2_HOME/touch"
pm2() { node "$PM2_JS" "$@" >>"$T/pm2-cli.log" 2>&1; }

STUB_PORT_FILE=$T/port node "$app/partner-stub.js" &
stub_pid=$!
i=0
until [ -s "$T/port" ]; do
	i=$((i + 1)); [ $i -lt 100 ] || { echo "stub did not start" >&2; exit 1; }
	sleep 0.1
done

# wait_dones N: until N "[app] DONE" lines are in the live (not rotated)
# log files; 30 s at most.
wait_dones() {
	i=0
	until [ "$(find "$PM2_HOME/logs" -name '*.log' ! -name '*__*' -exec cat {} + |
	    grep -c '\[app\] DONE' || true)" -ge "$1" ]; do
		i=$((i + 1)); [ $i -lt 300 ] || { echo "app did not finish" >&2; exit 1; }
		sleep 0.1
	done
}

# rotate NAME SUFFIX: copy then truncate, as pm2-logrotate does.
rotate() {
	stamp=$(date +%Y-%m-%d_%H-%M-%S)
	for s in out error; do
		live=$PM2_HOME/logs/$1-$s.log
		if [ "$2" = .gz ]; then
			gzip -9 -n -c "$live" >"$PM2_HOME/logs/$1-${s}__$stamp.log.gz"
		else
			cp "$live" "$PM2_HOME/logs/$1-${s}__$stamp.log"
		fi
		: >"$live"
	done
}

OMNI_STUB_PORT=$(cat "$T/port")
OMNI_TRUTH_DIR=$T/truth
OMNI_DELAY_MS=60
export OMNI_STUB_PORT OMNI_TRUTH_DIR OMNI_DELAY_MS
pm2 ping
OMNI_APP=omni-app OMNI_TICKETS=16 OMNI_FIRST=1 \
	node "$PM2_JS" start "$app/ticket-forwarder.js" --name omni-app --time \
	--no-autorestart >>"$T/pm2-cli.log" 2>&1
wait_dones 2
sleep 1
rotate omni-app .gz
sleep 1
OMNI_APP=omni-app OMNI_TICKETS=16 OMNI_FIRST=17 \
	node "$PM2_JS" restart omni-app --update-env >>"$T/pm2-cli.log" 2>&1
wait_dones 2
sleep 1
rotate omni-app ''
sleep 1
OMNI_APP=omni-app OMNI_TICKETS=16 OMNI_FIRST=33 \
	node "$PM2_JS" restart omni-app --update-env >>"$T/pm2-cli.log" 2>&1
OMNI_APP=helpdesk-sync-2 OMNI_TICKETS=10 OMNI_FIRST=101 \
	node "$PM2_JS" start "$app/ticket-forwarder.js" --name helpdesk-sync-2 \
	-i 2 --no-autorestart >>"$T/pm2-cli.log" 2>&1
wait_dones 6
pm2 kill

cp -p "$PM2_HOME"/logs/*.log* "$out/"
cat "$T"/truth/*.json | jq -s '
	def counts: {failures: (map(.failures) | add),
		successes: (map(.successes) | add),
		route_not_found: (map(.classes.route_not_found) | add),
		other: (map(.classes.other) | add)};
	counts + {apps: (group_by(.app) | map({key: .[0].app, value: counts}) | from_entries)}'
