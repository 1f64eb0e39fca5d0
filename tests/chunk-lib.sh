# Sourced by scan_chunk_stamps.sh after tests/setup.sh: gen writes an
# app's two streams holding records of more than 64 KiB in the bytes PM2
# 7.0.4 writes for them in each layout, check scans them and wants every
# record whole.
command -v python3 >/dev/null 2>&1 ||
	{ echo "SKIP: python3 not found; it writes PM2's bytes here" >&2; exit 77; }

# gen LAYOUT OUT ERR: the app's two streams as PM2 lays them out (LAYOUT
# cluster or fork-plain): on stderr a failure of about 110 KB
# (600 fields of ~180 bytes, as util.inspect writes them, before the
# "errors" that makes it a Lumen 404) and a short one; on stdout a success
# of the same size and a short one.  A 65536-byte read ends inside the
# 360th field of each big record, after its indent.
gen() {
	python3 - "$@" <<'PY'
import sys
layout, out_path, err_path = sys.argv[1:4]
STAMP = b"2026-12-08 02:38:34 +00:00"
STAMP_T = b"2026-12-08T02:38:34"
def fields():
    return b"".join(b"  field_%d: 'value number %d %s',\n" % (i, i, b"y" * 150)
                    for i in range(600))
LUMEN = b"'/srv/api/vendor/laravel/lumen-framework/src/Concerns/RoutesRequests.php'"
err = [b"[Omni] Failed to create ticket: {\n  status: false,\n  message: '',\n"
       + fields() + b"  errors: {\n    file: " + LUMEN + b",\n    line: 229\n  }\n}\n",
       b"[Omni] Failed to create ticket: {\n  status: false,\n  message: '',\n"
       b"  errors: { file: " + LUMEN + b", line: 229 }\n}\n"]
out = [b"[Omni] Ticket created successfully: {\n  ticketId: 1,\n" + fields()
       + b"  ticket_number: 'T-1'\n}\n",
       b"[Omni] Ticket created successfully: { ticketId: 2, ticket_number: 'T-2' }\n"]
assert len(err[0]) > 65536 and len(out[0]) > 65536
def cluster(writes):
    # lib/ProcessContainer.js: stamp + ': ' + the write's text, once.
    return b"".join(STAMP + b": " + w for w in writes)
def fork_plain(writes):
    # lib/God/ForkMode.js: each 65536-byte read as it came.
    data = b"".join(writes)
    return b"".join(data[i:i + 65536] for i in range(0, len(data), 65536))
f = {"cluster": cluster, "fork-plain": fork_plain}[layout]
open(out_path, "wb").write(f(out))
open(err_path, "wb").write(f(err))
PY
}

check() {	# check LAYOUT DIR
	"$OMNIWATCH" scan --json "$2" > "$T/$1.json"
	assert_eq "$(jget "$T/$1.json" '.pattern_sets.omni.failures')" 2 \
	    "$1: failures"
	assert_eq "$(jget "$T/$1.json" '.pattern_sets.omni.classes.route_not_found')" \
	    2 "$1: route_not_found, the big one too"
	assert_eq "$(jget "$T/$1.json" '.pattern_sets.omni.successes')" 2 \
	    "$1: successes"
	assert_eq "$(jget "$T/$1.json" '.pattern_sets.omni.damaged')" 0 \
	    "$1: damaged"
}

