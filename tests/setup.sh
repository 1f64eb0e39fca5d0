# Sourced by every black-box test (after jq's tests/setup): strict shell, C
# locale, UTC, a scratch directory removed on exit, and small assertions.
set -eu
LC_ALL=C
TZ=UTC
export LC_ALL TZ
: "${OMNIWATCH:?run through make check, or set OMNIWATCH to the binary}"
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${OMNIWATCH_PATTERNS:=$top_srcdir/patterns}"
export OMNIWATCH_PATTERNS
T=$(mktemp -d "${TMPDIR:-/tmp}/omniwatch-test.XXXXXX")
trap 'rm -rf "$T"' EXIT

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# assert_eq ACTUAL EXPECTED WHAT
assert_eq() {
	[ "$1" = "$2" ] || fail "$3: expected '$2', got '$1'"
	echo "ok: $3 = $2"
}

# jget JSONFILE FILTER: one value from a JSON document (jq -r).
jget() {
	jq -r "$2" "$1"
}
