#!/bin/sh
# The kill -9 torture of tests/cases/watch_torture.sh, longer: CYCLES
# (default 200) random SIGKILLs of `omniwatch watch` while the workload
# appends and rotates by copytruncate and rename.  It prints the records
# written, the rotations and whether the committed count is exact.
#   bench/torture.sh              # from a built tree
#   CYCLES=1000 bench/torture.sh
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
: "${OMNIWATCH:=$here/omniwatch}"
: "${CYCLES:=200}"
export OMNIWATCH CYCLES
export top_srcdir="$here"
export OMNIWATCH_PATTERNS="$here/patterns"
exec sh "$here/tests/cases/watch_torture.sh"
