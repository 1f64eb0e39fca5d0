#!/bin/sh
# The alertmanager format against a real Alertmanager (Debian's
# prometheus-alertmanager, started here on 127.0.0.1 with a temporary
# config and storage): the alert shows as active in GET /api/v2/alerts
# when it fires, and is gone once omniwatch resolves it.  Skipped (77)
# without the package.
. "$top_srcdir/tests/setup.sh"
. "$top_srcdir/tests/watch-lib.sh"
. "$top_srcdir/tests/alert-lib.sh"

AM_BIN=$(command -v prometheus-alertmanager || command -v alertmanager || true)
if [ -z "$AM_BIN" ]; then
	echo "skip: no prometheus-alertmanager"
	exit 77
fi
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$T/am/data"
cat > "$T/am/am.yml" <<'Y'
route:
  receiver: blackhole
receivers:
  - name: blackhole
Y
"$AM_BIN" --config.file="$T/am/am.yml" --storage.path="$T/am/data" \
    --web.listen-address="127.0.0.1:$port" --cluster.listen-address= \
    --log.level=warn 2>"$T/am/log" &
RECEIVERS="$RECEIVERS $!"
AM=http://127.0.0.1:$port
wait_for "alertmanager to be ready" curl -fsS -o /dev/null "$AM/-/ready"

write_config
cat >> "$CFG" <<Y
receivers:
  am: {url: '$AM', format: alertmanager, retry_initial: 100ms}
alerts:
  - {name: omniwatch-test-alert, kind: failures, threshold: 1, window: 3s}
Y
start_watch
fail_lines 1
active() {
	curl -fsS "$AM/api/v2/alerts?filter=alertname%3D%22omniwatch-test-alert%22" |
	    jq -e 'length == 1 and .[0].status.state == "active"' >/dev/null
}
gone() {
	curl -fsS "$AM/api/v2/alerts?filter=alertname%3D%22omniwatch-test-alert%22" |
	    jq -e 'length == 0' >/dev/null
}
wait_for "the alert to be active in Alertmanager" active
curl -fsS "$AM/api/v2/alerts" > "$T/am/alerts.json"
assert_eq "$(jq -r '.[0].labels.pattern_set' "$T/am/alerts.json")" errors "label pattern_set"
assert_eq "$(jq -r '.[0].labels.job' "$T/am/alerts.json")" omniwatch "label job"
jq -e '.[0].annotations.omniwatch_id | test("^[0-9a-f]{16}$")' "$T/am/alerts.json" >/dev/null ||
	fail "annotation omniwatch_id"
echo "ok: firing, with labels and annotations"
wait_for "omniwatch to resolve it" grep -q "delivered alert 'omniwatch-test-alert' (id [0-9a-f]*, resolved)" "$WLOG"
wait_for "the alert to be resolved in Alertmanager" gone
echo "ok: resolved in Alertmanager"
stop_watch
