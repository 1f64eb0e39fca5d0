# Sourced by the watch tests after tests/setup.sh: a PM2-style directory,
# a config, and helpers to start, stop and read a running `omniwatch watch`.
# All waits are bounded polls, never bare sleeps.
W=$T/pm2
D=$W/logs
L=$D/demo-api-out.log
E=$D/demo-api-error.log
CFG=$T/watch.yaml
WLOG=$T/watch.log
WPID=
mkdir -p "$D"
cat > "$T/error.yaml" <<'Y'
name: errors
success:
  - 'OK-never-seen'
failure:
  - class: error
    regex: 'ERROR'
Y
# A multi-line Node error, as console.error writes one (K07).
cat > "$T/node.yaml" <<'Y'
name: errors
success:
  - 'OK-never-seen'
failure:
  - class: refused
    regex: 'Error: connect ECONNREFUSED[\s\S]*port: 5432\n\}'
Y

# write_config [EXTRA_YAML_LINES]: the config the tests run with.
write_config() {
	cat > "$CFG" <<Y
sources:
  - pm2_home: $W
pattern_sets: [${PATTERNS:-$T/error.yaml}]
state_dir: $T/state
record:
  idle_flush: ${IDLE_FLUSH:-200ms}
tail:
  sweep: 1s
  rotate_wait: 1s
state:
  commit_interval: 200ms
Y
}

# How many times watch has started (its "watching ..." line).
starts() {
	_st_n=$(grep -c 'watching' "$WLOG" 2>/dev/null) || true
	echo "${_st_n:-0}"
}

started_after() {
	[ "$(starts)" -gt "$1" ]
}

start_watch() {
	[ -f "$CFG" ] || write_config
	_sw_before=$(starts)
	# shellcheck disable=SC2086
	"$OMNIWATCH" watch -c "$CFG" ${WATCH_OPTS:-} >>"$WLOG" 2>&1 &
	WPID=$!
	wait_for "watch to start" started_after "$_sw_before"
}

stop_watch() {
	[ -n "$WPID" ] || return 0
	kill -TERM "$WPID"
	wait "$WPID" || fail "watch exited with status $?"
	WPID=
	: > "$WLOG.mark"
}

kill9_watch() {
	[ -n "$WPID" ] || return 0
	kill -KILL "$WPID"
	wait "$WPID" 2>/dev/null || true
	WPID=
}

cleanup_watch() {
	[ -z "$WPID" ] || kill -KILL "$WPID" 2>/dev/null || true
	rm -rf "$T"
}
trap cleanup_watch EXIT

# wait_for WHAT CMD...: polls CMD every 0.1 s for up to ${WAIT_S:-30} s.
# CMD may set _wf_seen to what it last saw, for the message on timeout
# (a value put in WHAT is the one before the wait).
# (Its variables have their own prefix: sh has no local scope, and a
# caller's loop counter must survive.)
wait_for() {
	_wf_what=$1
	shift
	_wf_i=0
	_wf_seen=
	while ! "$@" 2>/dev/null; do
		_wf_i=$((_wf_i + 1))
		[ $_wf_i -lt $((${WAIT_S:-30} * 10)) ] || {
			tail -n 50 "$WLOG" >&2
			fail "timed out waiting for $_wf_what${_wf_seen:+ (last seen: $_wf_seen)}"
		}
		sleep 0.1
	done
}

# counted [JQ_FIELD]: what watch has committed (summary --json).
counted() {
	"$OMNIWATCH" summary -c "$CFG" --json 2>/dev/null |
	    jq -r ".pattern_sets[].${1:-failures}" | head -n 1
}

count_is() {
	_wf_seen=$(counted "${2:-failures}")
	[ "$_wf_seen" = "$1" ]
}

# wait_count N [FIELD]: until the committed count is N, then checks that
# it stays N (no late double count) for a moment.
wait_count() {
	wait_for "count $1 of ${2:-failures}" count_is "$1" "${2:-failures}"
	sleep 0.5
	assert_eq "$(counted "${2:-failures}")" "$1" "${3:-counted ${2:-failures}}"
}

# errors FILE COUNT TAG: appends COUNT failure lines of the test's
# patterns (distinct, by TAG and number) and adds COUNT to n, the count
# due.
n=0
errors() {
	_er_i=0
	while [ $_er_i -lt "$2" ]; do
		_er_i=$((_er_i + 1))
		n=$((n + 1))
		echo "req=$3-$_er_i ERROR partner said 404" >> "$1"
	done
}

# check_rss WHAT: watch's peak RSS stays bounded (64 MiB here; the bench
# measures the real figure).  AddressSanitizer's shadow memory makes the
# number meaningless, so a sanitizer build skips the check.
check_rss() {
	if ldd "$OMNIWATCH" 2>/dev/null | grep -q 'libasan'; then
		echo "skip: $1 peak RSS (sanitizer build)"
		return 0
	fi
	_rss=$(awk '/VmHWM/ {print $2}' "/proc/$WPID/status")
	[ "$_rss" -lt 65536 ] || fail "$1: peak RSS $_rss KiB"
	echo "ok: $1 peak RSS $_rss KiB"
}

# mount_tmpfs OPTIONS: a small tmpfs (mount -o OPTIONS) at $MNT, unmounted
# when the test ends; skips (77) where it cannot be mounted (not root).
MNT=$T/mnt
mount_tmpfs() {
	mkdir -p "$MNT"
	if [ "$(id -u)" != 0 ] || ! mount -t tmpfs -o "$1" tmpfs "$MNT" 2>/dev/null; then
		echo "skip: mounting a small tmpfs needs root"
		exit 77
	fi
	trap 'cleanup_tmpfs' EXIT
}
cleanup_tmpfs() {
	[ -z "$WPID" ] || kill -KILL "$WPID" 2>/dev/null || true
	umount "$MNT" 2>/dev/null || umount -l "$MNT" 2>/dev/null || true
	rm -rf "$T"
}
