#!/bin/sh
# The field cases of ../shared/cases that apply to a one-shot scan (K06,
# K08, K09, K10, K11), through the binary, each with its stated right answer.
. "$top_srcdir/tests/setup.sh"

D=$T/logs
mkdir -p "$D"
cat > "$T/error.yaml" <<'Y'
name: errors
success:
  - 'OK-never-seen'
failure:
  - class: error
    regex: 'ERROR'
Y
cat > "$T/error-eol.yaml" <<'Y'
name: errors_eol
success:
  - 'OK-never-seen'
failure:
  - class: error
    regex: 'ERROR$'
Y
scan() { "$OMNIWATCH" scan -q -p "$T/error.yaml" --json "$@"; }

# K06: very long lines are cut at the cap and flagged; the file goes on.
L=$D/demo-api-out.log
echo "req=1 ERROR before" >> "$L"
{ printf 'req=2 ERROR huge '; head -c 1048576 /dev/zero | tr '\0' x; echo; } >> "$L"
head -c 3145728 /dev/zero | tr '\0' y >> "$L"; echo >> "$L"
echo "req=3 ERROR after" >> "$L"
scan "$L" > "$T/k06.json"
assert_eq "$(jget "$T/k06.json" .pattern_sets.errors.failures)" 3 "K06 failures"
assert_eq "$(jget "$T/k06.json" '.files[0].cut_lines')" 2 "K06 cut lines"
assert_eq "$(jget "$T/k06.json" '.files[0].records')" 4 "K06 records"
scan --max-line 64KiB "$L" > "$T/k06b.json"
assert_eq "$(jget "$T/k06b.json" .pattern_sets.errors.failures)" 3 "K06 failures, 64 KiB cap"
assert_eq "$(jget "$T/k06b.json" '.files[0].cut_lines')" 2 "K06 cut lines, 64 KiB cap"
rm -f "$L"

# K08: invalid UTF-8 never stops matching; the JSON stays valid.
printf 'req=1 ERROR user=J\303\251r\303\264me\n' >> "$L"
printf 'req=2 ERROR user=\303\n' >> "$L"
printf 'req=3 ERROR body=\377\376\200\n' >> "$L"
printf 'req=4 ERROR note=\357\277\275\n' >> "$L"
printf 'req=5 ERROR plain\n' >> "$L"
scan "$L" > "$T/k08.json"
jq -e . "$T/k08.json" > /dev/null || fail "K08: output is not valid JSON"
assert_eq "$(jget "$T/k08.json" .pattern_sets.errors.failures)" 5 "K08 matches"
"$OMNIWATCH" scan -q -p "$T/error.yaml" "$L" > "$T/k08.txt"
grep -q '5 failures' "$T/k08.txt" || fail "K08: text report lacks '5 failures'"
rm -f "$L"

# K09: CRLF and a lone CR, with failure regex ERROR$.
printf 'req=1 status=500 ERROR\r\nreq=2 status=200 OK\r\nreq=3 status=503 ERROR\r\n' >> "$L"
printf 'req=4 mixed-endings ERROR\n' >> "$L"
printf 'req=5 ERROR lone-cr\rreq=6 ERROR same-physical-line\n' >> "$L"
"$OMNIWATCH" scan -q -p "$T/error-eol.yaml" --json "$L" > "$T/k09.json"
assert_eq "$(jget "$T/k09.json" .pattern_sets.errors_eol.failures)" 3 "K09 matches (req 1, 3, 4)"
assert_eq "$(jget "$T/k09.json" '.files[0].records')" 5 "K09 records (lone CR is no break)"
assert_eq "$(jget "$T/k09.json" '.files[0].first.errors_eol.error.excerpt')" \
	"req=1 status=500 ERROR" "K09 first excerpt has no CR"
rm -f "$L"

# K10: a multi-member .gz with an empty member.
G="$D/demo-api-out__2024-03-09_00-00-00.log.gz"
for p in 1 2 3; do seq -f "part$p req=%g ERROR" 1 1000 | gzip -c; done > "$G"
printf '' | gzip -c >> "$G"
scan "$G" > "$T/k10.json"
assert_eq "$(jget "$T/k10.json" '.files[0].records')" 3000 "K10 records"
assert_eq "$(jget "$T/k10.json" .pattern_sets.errors.failures)" 3000 "K10 matches"
assert_eq "$(jget "$T/k10.json" '.errors | length')" 0 "K10 errors"
rm -f "$G"

# K11: truncated and corrupt .gz files in one scan.
seq -f 'req=%g ERROR' 1 50000 | gzip -c > "$T/full.gz"
sz=$(stat -c %s "$T/full.gz")
head -c $((sz/2)) "$T/full.gz" > "$D/demo-api-error__2024-03-09.log.gz"
head -c 5 "$T/full.gz" > "$D/demo-api-error__2024-03-08.log.gz"
# Neither gzip nor text (a text one is read as text: scan_cli.sh).
printf 'not\000gzip\n' > "$D/demo-api-error__2024-03-07.log.gz"
cp "$T/full.gz" "$D/demo-api-error__2024-03-06.log.gz"
# The truth for the cut file: the complete lines (newlines) zcat gets out.
half=$( (zcat "$D/demo-api-error__2024-03-09.log.gz" 2>/dev/null || true) | tr -dc '\n' | wc -c)
set +e
scan "$D" > "$T/k11.json"
rc=$?
set -e
assert_eq "$rc" 1 "K11 exit status (some input unreadable)"
assert_eq "$(jget "$T/k11.json" '.errors | length')" 3 "K11 one error per bad file"
for f in 2024-03-07 2024-03-08 2024-03-09; do
	n=$(jq --arg f "$f" '[.errors[] | select(.path | contains($f))] | length' "$T/k11.json")
	assert_eq "$n" 1 "K11 error for $f"
done
jq -r '.errors[].message' "$T/k11.json" | grep -q 'compressed offset [0-9]*, decompressed offset [0-9]*' ||
	fail "K11: errors must name compressed and decompressed offsets"
good=$(jq '[.files[] | select(.path | contains("2024-03-06"))][0].records' "$T/k11.json")
assert_eq "$good" 50000 "K11 good file"
assert_eq "$(jget "$T/k11.json" .pattern_sets.errors.failures)" $((50000 + half)) "K11 total (complete lines before the cut once)"
set +e
scan "$D" > "$T/k11b.json"
set -e
assert_eq "$(jget "$T/k11b.json" .pattern_sets.errors.failures)" $((50000 + half)) "K11 second run"

# A binary file: its NUL runs are reported a few at a time, not by the
# thousand, and all are counted.
head -c 1048576 /dev/urandom > "$D/bin-out.log"
"$OMNIWATCH" scan -p "$T/error.yaml" --json "$D/bin-out.log" > "$T/bin.json" 2> "$T/bin.err"
n=$(grep -c 'NUL bytes' "$T/bin.err")
assert_eq "$n" 5 "NUL run warnings are capped"
[ "$(jget "$T/bin.json" '.files[0].nul_bytes')" -gt 1000 ] || fail "NUL bytes are all counted"
