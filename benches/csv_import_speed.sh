#!/usr/bin/env bash
# Spreadsheet import speed at province scale (issue 14): `ruralenv records import-csv` (and
# `import-xlsx`) of every village of Henan with its farms, into an installation that already
# holds the previous round, beside the floor: the sqlite3 CLI's bare `.import` of the same
# two CSV files into two plain tables (WAL, synchronous=FULL), in the same run.
#
# Setup (not timed): the release binary is built; `ruralenv demo` makes round 2019 in the
# target installation (the previous round) and round 2020 in a source installation, whose
# `records export-csv` (and `export-xlsx`) writes the files imported here.
#
# What is timed, per run, in a fresh copy of the target installation:
#   ruralenv  the whole `records import-csv FILE --round 2020 --group farms=FARMS` process
#             (start-up, reading, every check, storing, the township sums, the commit);
#   floor     sqlite3 `.import` of both files into tables created beforehand (not timed),
#             minus the same sqlite3 process doing nothing (its start-up), so the floor is
#             the load alone.
# Runs alternate (ruralenv, floor, ruralenv, floor, ...); each figure is the median.
# Peak memory is the process's maximum resident set size (/usr/bin/time).
#
# Issue 14's acceptance figures come from `cargo bench --bench bundle_import` (bundle, CSV,
# XLSX and report beside whole-process sqlite3 floors); this script remains for before/after
# comparisons of one binary against another (BIN=).
#
# Usage: bash benches/csv_import_speed.sh [REGISTER]
#   REGISTER  a register CSV (default ../shared/data/henan-divisions.csv, else
#             /work/shared/data/henan-divisions.csv); RUNS=3; XLSX=0 skips the workbook;
#   KEEP=DIR  keeps the generated data in DIR and reuses it on the next run;
#   BIN=FILE  measures that ruralenv binary instead of building this tree's (an older
#             release, for before/after: give it its own KEEP, since a newer schema is
#             refused by an older binary).
set -euo pipefail
cd "$(dirname "$0")/.."
register=${1:-}
if [ -z "$register" ]; then
  for c in ../shared/data/henan-divisions.csv /work/shared/data/henan-divisions.csv; do
    [ -f "$c" ] && register=$c && break
  done
fi
[ -f "$register" ] || { echo "no register file (give one as the argument)" >&2; exit 1; }
register=$(realpath "$register")
runs=${RUNS:-3}
command -v sqlite3 >/dev/null || { echo "needs the sqlite3 CLI (apt-get install sqlite3)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
if [ -n "${BIN:-}" ]; then
  bin=$(realpath "$BIN")
else
  cargo build --release --quiet
  bin=$(realpath target/release/ruralenv)
fi
if [ -n "${KEEP:-}" ]; then
  work=$KEEP
  mkdir -p "$work"
else
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi
root=$(head -2 "$register" | tail -1 | cut -d, -f1)
root=${ROOT:-$root}

if [ ! -f "$work/ready" ]; then
  echo "setup: register $register, root $root"
  rm -rf "$work/target" "$work/source"
  "$bin" --data-dir "$work/target" --surveyor bench demo --under "$root" --round 2019 --register "$register" >/dev/null
  "$bin" --data-dir "$work/source" --surveyor bench demo --under "$root" --round 2020 --register "$register" >/dev/null
  "$bin" --data-dir "$work/source" records export-csv --round 2020 --out "$work/villages.csv" 2>/dev/null
  if [ "${XLSX:-1}" != 0 ]; then
    "$bin" --data-dir "$work/source" records export-xlsx --round 2020 --out "$work/villages.xlsx" 2>/dev/null
  fi
  touch "$work/ready"
fi
villages=$(( $(wc -l <"$work/villages.csv") - 1 ))
farms=$(( $(wc -l <"$work/villages.farms.csv") - 1 ))

# The floor's tables: one text column per CSV column.
cols() { head -1 "$1" | sed 's/^\xEF\xBB\xBF//' | tr ',' '\n' | sed 's/.*/"&" TEXT/' | paste -sd, -; }
floor_schema="CREATE TABLE villages($(cols "$work/villages.csv")); CREATE TABLE farms($(cols "$work/villages.farms.csv"));"

# seconds (wall) user sys peak-KB of one command
timed() {
  /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$@" >"$work/out" 2>"$work/err" || {
    echo "failed: $*" >&2; tail -5 "$work/err" >&2; exit 1; }
  cat "$work/time"
}
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

fresh() { rm -rf "$work/run"; cp -a "$work/target" "$work/run"; sync; }

: >"$work/csv.txt"; : >"$work/xlsx.txt"; : >"$work/floor.txt"
for i in $(seq "$runs"); do
  fresh
  r=$(timed "$bin" --data-dir "$work/run" --lang en records import-csv "$work/villages.csv" --round 2020 \
        --group "farms=$work/villages.farms.csv")
  echo "$r" >>"$work/csv.txt"
  echo "run $i  ruralenv import-csv   wall/user/sys s, peak KB: $r   $(tail -1 "$work/out")"
  if [ "${XLSX:-1}" != 0 ]; then
    fresh
    r=$(timed "$bin" --data-dir "$work/run" --lang en records import-xlsx "$work/villages.xlsx" --round 2020)
    echo "$r" >>"$work/xlsx.txt"
    echo "run $i  ruralenv import-xlsx  wall/user/sys s, peak KB: $r"
  fi
  rm -f "$work/floor.db"*
  sqlite3 "$work/floor.db" "PRAGMA journal_mode=WAL;" "$floor_schema" >/dev/null
  base=$(timed sqlite3 "$work/floor.db" -cmd "PRAGMA journal_mode=WAL" -cmd "PRAGMA synchronous=FULL" "SELECT 1")
  full=$(timed sqlite3 "$work/floor.db" -cmd "PRAGMA journal_mode=WAL" -cmd "PRAGMA synchronous=FULL" \
           ".import --csv --skip 1 $work/villages.csv villages" ".import --csv --skip 1 $work/villages.farms.csv farms")
  n=$(sqlite3 "$work/floor.db" "SELECT (SELECT count(*) FROM villages) || ' villages, ' || (SELECT count(*) FROM farms) || ' farms'")
  load=$(echo "$full $base" | awk '{printf "%.3f %.3f %.3f %d", $1-$5, $2-$6, $3-$7, $4}')
  echo "$load" >>"$work/floor.txt"
  echo "run $i  sqlite3 .import floor wall/user/sys s, peak KB: $load   ($n; start-up $(echo "$base" | cut -d' ' -f1) s taken off)"
done

col() { awk -v c="$2" '{print $c}' "$1" | median; }
floor=$(col "$work/floor.txt" 1)
floor_cpu=$(awk '{print $2 + $3}' "$work/floor.txt" | median)
echo
echo "$villages villages, $farms farms; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); medians of $runs runs"
printf '%-22s %8s %8s %10s %12s %11s\n' what "wall s" "CPU s" "peak MB" "× floor wall" "× floor CPU"
row() { # label file
  local w u s m
  w=$(col "$2" 1); u=$(col "$2" 2); s=$(col "$2" 3); m=$(col "$2" 4)
  c=$(awk '{print $2 + $3}' "$2" | median)
  printf '%-22s %8.2f %8.2f %10.1f %12.1f %11.1f\n' "$1" "$w" "$c" "$(echo "$m / 1000" | bc -l)" \
    "$(echo "$w / $floor" | bc -l)" "$(echo "$c / $floor_cpu" | bc -l)"
}
row "import-csv" "$work/csv.txt"
[ "${XLSX:-1}" != 0 ] && row "import-xlsx" "$work/xlsx.txt"
row "sqlite3 .import floor" "$work/floor.txt"
