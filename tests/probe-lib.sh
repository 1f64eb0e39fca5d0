# Sourced by the probe tests after tests/setup.sh: partner APIs on
# 127.0.0.1 (tests/partner.py) that answer like Lumen and Express, and a
# port nothing listens on.  Waits are bounded polls, never sleeps.
PARTNERS=

# start_partner DIR [hang]: a partner logging its requests' methods into
# DIR/methods; its port in DIR/port.
start_partner() {
	mkdir -p "$1"
	rm -f "$1/port" "$1/pid"
	python3 "$top_srcdir/tests/partner.py" "$1" ${2:-} 2>>"$1/stderr" &
	PARTNERS="$PARTNERS $!"
	_sp_i=0
	until [ -s "$1/port" ]; do
		_sp_i=$((_sp_i + 1))
		[ $_sp_i -lt 300 ] || fail "partner in $1 did not start"
		sleep 0.1
	done
}

stop_partners() {
	for _spp in $PARTNERS; do kill "$_spp" 2>/dev/null || true; done
}

# closed_port: a port of 127.0.0.1 that was free a moment ago.
closed_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# methods DIR METHOD: how many requests of METHOD DIR's partner got.
methods() {
	[ -f "$1/methods" ] || { echo 0; return; }
	grep -c "^$2 " "$1/methods" || true
}
