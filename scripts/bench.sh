#!/usr/bin/env bash
# Benchmark against DESIGN.md's targets: N synthetic submissions with up to R ledger rows each,
# `score` end to end (wall time, peak memory), compared with only reading the same files
# (`check` does ingest without writing the ranking workbook).
#
#   scripts/bench.sh [N=2850] [ROWS=200]
#
# Prints figures; it asserts nothing (speed is not checked by tests).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-2850}
ROWS=${2:-200}
cargo build --release --quiet
BIN=target/release/kaoping
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

echo "生成 $N 个地区、每本台账至多 $ROWS 行的模拟报送……"
/usr/bin/time -f "生成耗时 %e 秒，峰值内存 %M KB" \
  "$BIN" samples --regions "$N" --quarters 2025Q4 --seed 7 --max-ledger-rows "$ROWS" --out "$WORK/s" >/dev/null
du -sh "$WORK/s/2025Q4" | awk '{print "报送文件夹大小 " $1}'

echo "只读取并校验（check）："
/usr/bin/time -f "  耗时 %e 秒，峰值内存 %M KB" \
  "$BIN" check "$WORK/s/2025Q4" --regions "$WORK/s/regions.csv" --out "$WORK/q.xlsx" >/dev/null || true

echo "评分全流程（score）："
/usr/bin/time -f "  耗时 %e 秒，峰值内存 %M KB" \
  "$BIN" score "$WORK/s/2025Q4" --regions "$WORK/s/regions.csv" --history "$WORK/h" --out "$WORK/r.xlsx" >/dev/null || true
ls -l "$WORK/r.xlsx" | awk '{print "  排名工作簿 " $5 " 字节"}'
