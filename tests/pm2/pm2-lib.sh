# Sourced by the real-PM2 tests (pm2_scan.sh, pm2_watch.sh,
# pm2_downtime.sh) after tests/setup.sh: pm2 7.0.4 from the npm registry,
# cached between runs; a PM2 environment that talks to nothing but
# 127.0.0.1; the partner API stub; one PM2_HOME per mode; starting
# tests/pm2/app/ticket-forwarder.js under PM2 and waiting (bounded) until it
# has logged everything; `omniwatch watch` and `summary` on it; `omniwatch
# scan` checked against the app's truth; and a cleanup that kills every PM2
# daemon, the stub and the pids in $cleanup_pids.
#
# pm2 is installed once into
# ${OMNIWATCH_TEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/omniwatch-tests}/pm2-7.0.4
# and reused.  The PM2 CLI's first-run version check is suppressed by a
# PM2_HOME/touch file and the daemon's daily one by PM2_DISABLE_VERSION_CHECK.
# Exit 77 (skip) when node or npm is missing, or npm cannot install pm2.

PM2_VERSION=7.0.4
APP_DIR=$top_srcdir/tests/pm2/app
WAIT_S=40		# bound on every wait for PM2 or the app

for tool in node npm; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "SKIP: $tool not found; this test runs real PM2 (node and npm needed)" >&2
		exit 77
	fi
done
command -v jq >/dev/null 2>&1 || fail "jq not found (apt-get install jq)"
[ -x "$OMNIWATCH" ] || fail "$OMNIWATCH is not an executable; build omniwatch first"

# ---- cleanup: kill every PM2 daemon we started, and the stub -------------

pm2_home_running=""	# the PM2_HOME whose daemon is up (one at a time)
stub_pid=""
cleanup_pids=""		# more processes of the test, killed on exit

# pm2_stop: stop the running daemon and its apps; by pid if pm2 kill fails.
pm2_stop() {
	_home=$pm2_home_running
	pm2_home_running=""
	[ -n "$_home" ] && [ -f "$_home/pm2.pid" ] || return 0
	_dpid=$(cat "$_home/pm2.pid")
	PM2_HOME=$_home timeout 30 node "$PM2_JS" kill >/dev/null 2>&1 || true
	if kill -0 "$_dpid" 2>/dev/null; then
		for _f in "$_home"/pids/*.pid; do
			if [ -f "$_f" ]; then
				kill -9 "$(cat "$_f")" 2>/dev/null || true
			fi
		done
		kill -9 "$_dpid" 2>/dev/null || true
	fi
	return 0
}

cleanup() {
	set +e
	for _p in $cleanup_pids; do
		kill -9 "$_p" 2>/dev/null
	done
	pm2_stop
	[ -n "$stub_pid" ] && kill "$stub_pid" 2>/dev/null
	# OMNIWATCH_TEST_KEEP=DIR keeps the logs, truth and omniwatch output.
	if [ -n "${OMNIWATCH_TEST_KEEP:-}" ]; then
		mkdir -p "$OMNIWATCH_TEST_KEEP"
		(cd "$T" && tar cf - --exclude='*.sock' .) 2>/dev/null |
			(cd "$OMNIWATCH_TEST_KEEP" && tar xf -)
		echo "kept: $OMNIWATCH_TEST_KEEP" >&2
	fi
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 141' PIPE

# wait_for SECONDS COMMAND...: poll COMMAND every 0.2 s; 1 if it never succeeds.
wait_for() {
	_end=$(($(date +%s) + $1))
	shift
	until "$@"; do
		[ "$(date +%s)" -lt "$_end" ] || return 1
		sleep 0.2
	done
}

# ---- pm2 from the npm registry, cached between runs ----------------------

cache=${OMNIWATCH_TEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/omniwatch-tests}
pm2_dir=$cache/pm2-$PM2_VERSION
PM2_JS=$pm2_dir/node_modules/pm2/bin/pm2

pm2_installed() {
	[ -f "$pm2_dir/node_modules/pm2/package.json" ] &&
	[ "$(jq -r .version "$pm2_dir/node_modules/pm2/package.json")" = "$PM2_VERSION" ]
}

# npm_skip LOG: npm could not install pm2; that is the machine's network,
# proxy or registry, not omniwatch, so the test skips (77), quoting what
# npm said (its "code" line and its first reason) and what to do about it.
# npm 7-9 write "npm ERR! ", npm 10 and later "npm error ".
npm_skip() {
	_code=$(sed -n 's/^npm \(ERR!\|error\) code //p' "$1" | head -n 1)
	_said=$(sed -n '/^npm \(ERR!\|error\) \(code\|syscall\|errno\) /d
	    s/^npm \(ERR!\|error\) \(network \)\{0,1\}\(..*\)/\3/p' "$1" |
	    head -n 1)
	[ -n "$_said" ] || _said=$(grep -v '^[[:space:]]*$' "$1" | head -n 1)
	case $_code in
	*CERT*|*_ISSUER*|*SSL*|*TLS*)
		_hint="npm does not trust the registry's TLS certificate: behind an intercepting proxy, set npm's cafile (npm config set cafile FILE)" ;;
	ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|ERR_SOCKET_TIMEOUT)
		_hint="the registry cannot be reached from here: check the network, or npm's proxy and registry settings (npm config get registry)" ;;
	E401|E403|E407)
		_hint="the registry refused the request: check npm's credentials or proxy authentication" ;;
	E404)
		_hint="the registry has no pm2@$PM2_VERSION: check npm's registry setting (npm config get registry)" ;;
	*)
		_hint="see npm's log above" ;;
	esac
	sed 's/^/  npm: /' "$1" | head -n 20 >&2
	echo "SKIP: npm install pm2@$PM2_VERSION failed${_code:+ ($_code)}: $_said; $_hint; or put an install of pm2 $PM2_VERSION in $pm2_dir (npm install --prefix $pm2_dir pm2@$PM2_VERSION)" >&2
	exit 77
}

if ! pm2_installed; then
	echo "installing pm2@$PM2_VERSION into $pm2_dir (once)"
	mkdir -p "$cache"
	if [ -e "$pm2_dir" ] && ! pm2_installed; then
		rm -rf "$pm2_dir"	# a broken earlier install
	fi
	# Install beside, then rename: an interrupted install leaves no half
	# pm2 behind, and a concurrent run that won the rename is kept.
	tmp=$(mktemp -d "$cache/.pm2-install.XXXXXX")
	if ! npm install --prefix "$tmp" --no-save --no-package-lock \
	    --no-audit --no-fund --no-update-notifier --loglevel=error \
	    "pm2@$PM2_VERSION" >"$T/npm.log" 2>&1; then
		rm -rf "$tmp"
		npm_skip "$T/npm.log"
	fi
	mv -T "$tmp" "$pm2_dir" 2>/dev/null || rm -rf "$tmp"
	pm2_installed || fail "pm2 $PM2_VERSION not found in $pm2_dir after npm install"
fi

# ---- the PM2 environment: no network, no $HOME, no colours ----------------

PM2_DISABLE_VERSION_CHECK=1
NO_COLOR=1
export PM2_DISABLE_VERSION_CHECK NO_COLOR
# No pm2.io linking, and no path overrides from the caller's environment.
unset PM2_PUBLIC_KEY PM2_SECRET_KEY PM2_IO_TOKEN PM2_MACHINE_NAME \
	PM2_LOG_FILE_PATH PM2_PID_FILE_PATH PM2_DEFAULT_LOG_PATH \
	PM2_DEFAULT_PID_PATH PM2_RPC_PORT PM2_PUB_PORT 2>/dev/null || true

# pm2 ARGS...: the cached PM2 CLI, output kept in the mode's pm2-cli.log.
pm2() {
	node "$PM2_JS" "$@" >>"$dir/pm2-cli.log" 2>&1 ||
		{ cat "$dir/pm2-cli.log" >&2; fail "$mode: pm2 $*"; }
}

# ---- the partner API stub ------------------------------------------------

STUB_PORT_FILE=$T/stub.port node "$APP_DIR/partner-stub.js" >"$T/stub.log" 2>&1 &
stub_pid=$!
wait_for "$WAIT_S" test -s "$T/stub.port" ||
	{ cat "$T/stub.log" >&2; fail "partner stub did not start"; }
port=$(cat "$T/stub.port")
echo "ok: partner stub on 127.0.0.1:$port"

# ---- one mode: fresh PM2_HOME, apps, wait --------------------------------

# mode_begin NAME: a fresh PM2_HOME for mode NAME, and its daemon.
mode_begin() {
	mode=$1
	dir=$T/$mode
	mkdir -p "$dir/home" "$dir/truth"
	PM2_HOME=$dir/home
	export PM2_HOME
	# PM2's CLI shows a banner and asks version.pm2.io on its first run in
	# a PM2_HOME; the touch file says that run has happened.
	: >"$PM2_HOME/touch"
	pm2_home_running=$PM2_HOME
	t_begin=$(date +%s)
	# Start the daemon with a clean environment, so no app's OMNI_* settings
	# end up in the daemon's own environment.
	pm2 ping
}

mode_end() {
	pm2_stop
	echo "ok: $mode: done in $(($(date +%s) - t_begin)) s"
}

# ---- omniwatch watch on the mode's PM2_HOME --------------------------------

# write_watch_config [YAML...]: $CFG, a config of the omni pattern set on
# the mode's PM2_HOME with its state in the mode's directory, and any
# more top-level YAML lines given; $WLOG, where watch logs.
write_watch_config() {
	CFG=$dir/watch.yaml
	WLOG=$dir/watch.log
	{
		printf 'sources:\n  - pm2_home: %s\n' "$PM2_HOME"
		printf 'pattern_sets: [omni]\nstate_dir: %s/state\n' "$dir"
		for _l in "$@"; do
			printf '%s\n' "$_l"
		done
	} >"$CFG"
}

# start_watch: `omniwatch watch -c $CFG` in the background, logging to
# $WLOG; returns once it says it is watching.  stop_watch: SIGTERM, which
# commits, and its exit status 0.
wpid=""
nstarts=0
start_watch() {
	"$OMNIWATCH" watch -c "$CFG" >>"$WLOG" 2>&1 &
	wpid=$!
	cleanup_pids="$cleanup_pids $wpid"
	nstarts=$((nstarts + 1))
	wait_for 10 watch_started || { cat "$WLOG" >&2; fail "watch did not start"; }
}
watch_started() {
	kill -0 "$wpid" 2>/dev/null || { cat "$WLOG" >&2; fail "watch exited"; }
	[ "$(grep -c ': watching ' "$WLOG")" -ge "$nstarts" ]
}
stop_watch() {
	kill -TERM "$wpid"
	wait "$wpid" || fail "watch exited with status $? on SIGTERM"
	wpid=""
}

# summary FILE: what watch has committed.
summary() {
	"$OMNIWATCH" summary -c "$CFG" --json >"$1" 2>>"$dir/summary.err" ||
		{ cat "$dir/summary.err" >&2; fail "omniwatch summary failed"; }
}

# start_fork APP TICKETS FIRST [PM2 OPTIONS...]: one fork-mode app via the
# CLI, which hands its environment to the app; burst=1 for burst mode.
start_fork() {
	export OMNI_STUB_PORT="$port" OMNI_TRUTH_DIR="$dir/truth" OMNI_APP="$1" \
		OMNI_TICKETS="$2" OMNI_FIRST="$3" OMNI_BURST="${burst:-0}"
	shift 3
	pm2 start "$APP_DIR/ticket-forwarder.js" --name "$OMNI_APP" \
		--no-autorestart "$@"
	unset OMNI_STUB_PORT OMNI_TRUTH_DIR OMNI_APP OMNI_TICKETS OMNI_FIRST OMNI_BURST
}

# ecosystem_app APP TICKETS FIRST JSON: one app of an ecosystem file, as JSON;
# JSON holds the mode's own settings (exec_mode, instances, log_type, env).
ecosystem_app() {
	jq -n --arg name "$1" --arg n "$2" --arg first "$3" \
		--arg script "$APP_DIR/ticket-forwarder.js" --arg port "$port" \
		--arg truth "$dir/truth" --argjson extra "$4" '
	{name: $name, script: $script, autorestart: false,
	 env: ({OMNI_STUB_PORT: $port, OMNI_TRUTH_DIR: $truth, OMNI_APP: $name,
	       OMNI_TICKETS: $n, OMNI_FIRST: $first} + ($extra.env // {}))}
	+ ($extra | del(.env))'
}

# start_ecosystem APP-JSON...: start the apps from an ecosystem file.
start_ecosystem() {
	printf '%s\n' "$@" | jq -s '{apps: .}' >"$dir/ecosystem.json"
	pm2 start "$dir/ecosystem.json"
}

# log_bytes: total size of the mode's log files.
log_bytes() {
	cat "$PM2_HOME"/logs/*.log 2>/dev/null | wc -c
}

# all_done PROCS: every app process has written its truth file and both of
# its "[app] DONE" lines are in the log files (live or rotated copies).  The
# app writes DONE last on each stream, and PM2 keeps a stream's order, so
# everything before is there.
all_done() {
	_truths=$(find "$dir/truth" -name '*.json' | wc -l)
	_dones=$(cat "$PM2_HOME"/logs/*.log 2>/dev/null | grep -c '\[app\] DONE app=' || true)
	[ "$_truths" -ge "$1" ] && [ "$_dones" -ge $(($1 * 2)) ]
}

# truth_settled PROCS: where PM2 may have mangled a DONE line (the burst) or
# pm2-logrotate lost one: all truth files are there and the logs have not
# grown for 3 s.
truth_settled() {
	_truths=$(find "$dir/truth" -name '*.json' | wc -l)
	[ "$_truths" -ge "$1" ] || { _stable=0; _last=-1; return 1; }
	_now=$(log_bytes)
	if [ "$_now" = "$_last" ]; then
		_stable=$((_stable + 1))
	else
		_stable=0
		_last=$_now
	fi
	[ "$_stable" -ge 15 ]
}

# wait_logged PROCS: wait (bounded) until PROCS app processes are done and
# PM2 has written their output; then sum the truth files into truth.json.
wait_logged() {
	if ! wait_for "$WAIT_S" all_done "$1"; then
		_stable=0 _last=-1
		wait_for "$WAIT_S" truth_settled "$1" || {
			node "$PM2_JS" ls >&2 || true
			tail -n 20 "$PM2_HOME"/logs/*.log >&2 || true
			fail "$mode: the app did not finish within $WAIT_S s"
		}
		echo "note: $mode: DONE lines incomplete; logs stable for 3 s"
	fi
	t_end=$(date +%s)
	find "$dir/truth" -name '*.json' -exec cat {} + | jq -s '
	def counts: {failures: (map(.failures) | add),
		successes: (map(.successes) | add),
		route_not_found: (map(.classes.route_not_found) | add),
		other: (map(.classes.other) | add)};
	counts + {apps: (group_by(.app) | map({key: .[0].app, value: counts}) | from_entries)}
	' >"$dir/truth.json"
}

# ---- the counts: omniwatch scan against the truth ---------------------------

# scan: omniwatch scan --json on the mode's logs; must exit 0.
scan() {
	_rc=0
	"$OMNIWATCH" scan --json "$PM2_HOME/logs" >"$dir/scan.json" 2>"$dir/scan.err" || _rc=$?
	[ "$_rc" = 0 ] || { cat "$dir/scan.err" >&2; fail "$mode: omniwatch scan exited $_rc"; }
	jq -e . "$dir/scan.json" >/dev/null || fail "$mode: scan --json output is not JSON"
	assert_eq "$(jget "$dir/scan.json" '.errors | length')" 0 "$mode: scan errors"
	_nfiles=$(find "$PM2_HOME/logs" -name '*.log' -o -name '*.log.gz' | wc -l)
	assert_eq "$(jget "$dir/scan.json" '.files | length')" "$_nfiles" "$mode: files scanned"
}

# check_counts PREFIX SCANFILTER TRUTHFILTER: compare one set of counts.
check_counts() {
	_s=$2 _t=$3
	for _k in failures successes; do
		assert_eq "$(jget "$dir/scan.json" "$_s.$_k")" \
			"$(jget "$dir/truth.json" "$_t.$_k")" "$1.$_k"
	done
	for _k in route_not_found other; do
		assert_eq "$(jget "$dir/scan.json" "$_s.classes.$_k")" \
			"$(jget "$dir/truth.json" "$_t.$_k")" "$1.classes.$_k"
	done
	assert_eq "$(jget "$dir/scan.json" "$_s.damaged")" 0 "$1.damaged"
}

# check_exact: overall and per-app counts equal the truth, nothing damaged.
check_exact() {
	check_counts "$mode: omni" '.pattern_sets.omni' ''
	# failure_rate = failures / (failures + successes)
	jq -e --slurpfile t "$dir/truth.json" '
		.pattern_sets.omni.failure_rate as $r
		| ($t[0].failures / ($t[0].failures + $t[0].successes)) as $e
		| $r != null and ($r - $e) < 1e-6 and ($e - $r) < 1e-6' "$dir/scan.json" >/dev/null ||
		fail "$mode: failure_rate: expected $(jget "$dir/truth.json" '.failures / (.failures + .successes)'), got $(jget "$dir/scan.json" '.pattern_sets.omni.failure_rate')"
	echo "ok: $mode: omni.failure_rate = $(jget "$dir/scan.json" '.pattern_sets.omni.failure_rate')"
	assert_eq "$(jget "$dir/scan.json" '.pattern_sets.omni.apps | keys | join(",")')" \
		"$(jget "$dir/truth.json" '.apps | keys | join(",")')" "$mode: apps"
	for _app in $(jget "$dir/truth.json" '.apps | keys[]'); do
		check_counts "$mode: omni.apps[$_app]" \
			".pattern_sets.omni.apps[\"$_app\"]" ".apps[\"$_app\"]"
	done
}
