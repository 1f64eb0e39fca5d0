#!/bin/sh
# kill -9 torture: a workload appends records and rotates its log (by
# copytruncate and by rename) while `omniwatch watch` is killed with SIGKILL
# at random moments and started again, CYCLES times.  Afterwards the
# committed counts must equal what was written, exactly.
. "$top_srcdir/tests/setup.sh"
. "$top_srcdir/tests/watch-lib.sh"

CYCLES=${CYCLES:-20}
write_config
python3 - "$L" "$T/stop" "$T/written" <<'PY' &
import os, sys, time
path, stop, written = sys.argv[1:4]
n, batch, rotations = 0, 0, 0
while not os.path.exists(stop):
    with open(path, 'a') as f:
        for _ in range(50):
            n += 1
            f.write(f"req={n} ERROR torture\n")
    batch += 1
    if batch % 60 == 0:
        # Rotate without losing a line: nothing is written meanwhile.
        rotations += 1
        if rotations % 2:
            dst = f"{path[:-4]}__rot{rotations:04d}.log"
            with open(path, 'rb') as src, open(dst, 'wb') as out:
                out.write(src.read())
            os.truncate(path, 0)
        else:
            os.rename(path, f"{path}.{rotations}")
    time.sleep(0.02)
with open(written, 'w') as f:
    f.write(f"{n}\n")
PY
writer=$!
start_watch
i=0
while [ $i -lt "$CYCLES" ]; do
	i=$((i + 1))
	sleep "0.$(od -An -N1 -tu1 /dev/urandom | awk '{printf "%d", 2 + $1 % 7}')"
	kill9_watch
	start_watch
done
touch "$T/stop"
wait $writer
written=$(cat "$T/written")
rotations=$(ls "$D" | grep -c -e '__rot' -e '\.log\.[0-9]') || true
echo "written $written records, $rotations rotations, $CYCLES kill -9 cycles"
WAIT_S=60 wait_count "$written" failures "exact count after $CYCLES kill -9 cycles"
stop_watch
