#!/bin/sh
# The man pages (issue 5, part 6): `mandoc -T lint` finds nothing in them
# but references to manuals not installed here (pm2, the pages themselves),
# and omniwatch(1) names every command `omniwatch --help` lists.  Skipped
# without mandoc (Debian package mandoc).
. "$top_srcdir/tests/setup.sh"

if ! command -v mandoc > /dev/null 2>&1; then
	echo "skip: no mandoc"
	exit 77
fi
n=0
for page in "$top_srcdir"/man/*.[1-8]; do
	mandoc -T lint -W style "$page" > "$T/lint" 2>&1 || true
	# "referenced manual not found" depends on what is installed here;
	# "outdated mandoc.db" on the host's makewhatis.
	grep -v -e 'STYLE: referenced manual not found' -e 'outdated mandoc.db' \
	    "$T/lint" > "$T/lint.left" || true
	if [ -s "$T/lint.left" ]; then
		cat "$T/lint.left" >&2
		fail "mandoc -T lint: $page"
	fi
	mandoc -T utf8 "$page" > /dev/null || fail "mandoc cannot render $page"
	echo "ok: $(basename "$page") is lint-clean"
	n=$((n + 1))
done
[ "$n" -ge 3 ] || fail "expected omniwatch.1, omniwatch.yaml.5 and omniwatch-patterns.5"

# Every command in --help has its synopsis and its name in the page.
"$OMNIWATCH" --help | sed -n 's/^ *\(usage: \)\{0,1\}omniwatch \([a-z][a-z]*\) .*/\2/p' |
    grep -v '^COMMAND$' > "$T/commands"
[ -s "$T/commands" ] || fail "no commands in --help"
while read -r cmd; do
	awk '/^\.Sh SYNOPSIS/{on=1;next} /^\.Sh /{on=0} on' "$top_srcdir/man/omniwatch.1" |
	    grep -qx "\.Cm $cmd" || fail "omniwatch.1 SYNOPSIS lacks $cmd"
	echo "ok: omniwatch.1 has $cmd"
done < "$T/commands"
