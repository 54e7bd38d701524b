#!/usr/bin/env bash
# Benchmark against DESIGN.md's and issue 12's targets: N synthetic submissions with up to R
# ledger rows each; `score` end to end (median wall time of RUNS runs, peak memory) against the
# read floor on the same files (examples/read_floor.rs: calamine's streaming cell reader over
# every cell of every sheet, in parallel, nothing else), and `check` (ingest and 数据质量 only).
#
#   scripts/bench.sh [N=2850] [ROWS=200] [RUNS=3]
#
# Prints figures; it asserts nothing (speed is not checked by tests). Uses GNU time
# (/usr/bin/time, Debian package `time`).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-2850}
ROWS=${2:-200}
RUNS=${3:-3}
cargo build --release --quiet --bin kaoping --example read_floor
TARGET=${CARGO_TARGET_DIR:-target}
BIN=$TARGET/release/kaoping
FLOOR=$TARGET/release/examples/read_floor
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

echo "生成 $N 个地区、每本台账至多 $ROWS 行的模拟报送……"
/usr/bin/time -f "生成耗时 %e 秒，峰值内存 %M KB" \
  "$BIN" samples --regions "$N" --quarters 2025Q4 --seed 7 --max-ledger-rows "$ROWS" --out "$WORK/s" >/dev/null
du -sh "$WORK/s/2025Q4" | awk '{print "报送文件夹大小 " $1}'
IN="$WORK/s/2025Q4"

# run NAME CMD…: RUNS runs, each line "seconds kilobytes"; prints the median time and the
# largest peak.
run() {
  local name=$1
  shift
  : >"$WORK/t"
  for _ in $(seq "$RUNS"); do
    rm -rf "$WORK/h"
    /usr/bin/time -o "$WORK/one" -f "%e %M" "$@" >/dev/null 2>&1 || true
    cat "$WORK/one" >>"$WORK/t"
  done
  sort -n "$WORK/t" | awk -v name="$name" -v runs="$RUNS" '
    { t[NR] = $1; if ($2 > m) m = $2 }
    END { printf "%s：%d 次中位数 %.2f 秒（%.2f–%.2f），峰值内存 %.0f MiB\n", name, runs, t[int((NR + 1) / 2)], t[1], t[NR], m / 1024 }'
  sort -n "$WORK/t" | awk '{ t[NR] = $1 } END { print t[int((NR + 1) / 2)] }' >"$WORK/median-$name"
}

run 读取下限 "$FLOOR" "$IN"
run check "$BIN" check "$IN" --regions "$WORK/s/regions.csv" --out "$WORK/q.xlsx"
run score "$BIN" score "$IN" --regions "$WORK/s/regions.csv" --history "$WORK/h" --out "$WORK/r.xlsx"
"$FLOOR" "$IN"
awk -v s="$(cat "$WORK/median-score")" -v f="$(cat "$WORK/median-读取下限")" \
  'BEGIN { if (f > 0) printf "score ÷ 读取下限 = %.2f×\n", s / f }'
ls -l "$WORK/r.xlsx" | awk '{print "排名工作簿 " $5 " 字节"}'
