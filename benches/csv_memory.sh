#!/usr/bin/env bash
# Peak memory of `records import-csv` on 200 MiB files, valid and invalid (issue 11: it must
# stay under 200 MB whatever the file holds), beside the floor: the sqlite3 CLI's bare
# `.import` of the same file into one table (WAL, synchronous=FULL), timed the same way.
#
# What is timed: the whole process (start-up, reading, validating, storing, the commit),
# with /usr/bin/time -v (peak RSS = "Maximum resident set size"). The release binary is
# built first and not timed. The files are made by this script (Xuchang's in-scope
# villages from the built-in register):
#   valid    every in-scope village once, each row with a long note (about 130 KB), so the
#            file is 200 MiB and imports;
#   invalid  the same villages repeated until 200 MiB: refused (duplicate villages), with
#            every error counted and the first 200 listed.
# Usage: bash benches/csv_memory.sh [MIB]   (default 200)
set -euo pipefail
cd "$(dirname "$0")/.."
mib=${1:-200}
command -v sqlite3 >/dev/null || { echo "needs the sqlite3 CLI (apt-get install sqlite3)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
cargo build --release --quiet
bin=target/release/ruralenv
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

header="village_code,survey_date,surveyor,households,population,garbage_facilities,garbage_technology,garbage_cleaners,garbage_funding,garbage_supervision,toilet_three_compartment,toilet_double_urn,toilet_biogas,toilet_urine_diverting,toilet_double_pit,toilet_sewered_flush,toilet_other_sanitary,sewage_mode,sewage_households,sewage_controlled,manure_scattered_produced_t,manure_scattered_utilized_t,notes"
"$bin" --data-dir "$work/reg" divisions --under 411000000000 --level village --in-scope | cut -f1 >"$work/villages"
n=$(wc -l <"$work/villages")
python3 - "$work" "$mib" "$n" "$header" <<'EOF'
import sys
work, mib, n, header = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
villages = open(f"{work}/villages").read().split()
target = mib * 1024 * 1024
row = "{},2020-06-15,王建国,200,700,yes,yes,yes,yes,yes,100,20,0,0,5,45,10,central,120,yes,100,60.5,{}\n"
note = "备注" * (target // n // 6)
with open(f"{work}/valid.csv", "w") as f:
    f.write(header + "\n")
    for v in villages:
        f.write(row.format(v, note))
with open(f"{work}/invalid.csv", "w") as f:
    f.write(header + "\n")
    size = 0
    while size < target:
        for v in villages:
            line = row.format(v, "")
            f.write(line)
            size += len(line.encode())
EOF

measure() { # label, command...
  local label=$1; shift
  local start end rc
  start=$(date +%s.%N)
  set +e
  /usr/bin/time -v "$@" >"$work/out" 2>"$work/err"
  rc=$?
  set -e
  end=$(date +%s.%N)
  local rss
  rss=$(grep "Maximum resident set size" "$work/err" | awk '{print $NF}')
  printf '%-34s exit %-3s peak %7.1f MB  wall %6.1f s\n' "$label" "$rc" "$(echo "$rss / 1000" | bc -l)" "$(echo "$end - $start" | bc -l)"
}

echo "records import-csv, ${mib} MiB files, $n villages in scope; $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
for kind in valid invalid; do
  f="$work/$kind.csv"
  printf '%s: %s MB\n' "$kind" "$(( $(stat -c %s "$f") / 1000000 ))"
  rm -rf "$work/d"
  measure "ruralenv import-csv ($kind)" "$bin" --data-dir "$work/d" --lang en records import-csv "$f" --round 2020
  rm -f "$work/floor.db"
  measure "sqlite3 .import floor ($kind)" sqlite3 "$work/floor.db" \
    -cmd "PRAGMA journal_mode=WAL" -cmd "PRAGMA synchronous=FULL" -cmd ".mode csv" \
    ".import $f rows"
done
