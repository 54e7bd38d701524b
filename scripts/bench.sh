#!/usr/bin/env bash
# Benchmark against DESIGN.md's and issue 12's targets: N synthetic submissions with up to ROWS
# ledger rows each, written twice from the same seed — by the engine's template, and as another
# program writes them by the same contract (`samples --other-program`). For each kind of file:
# the read floor (examples/read_floor.rs: calamine's streaming cell reader over every cell of
# every sheet, in parallel, nothing else), `check` (ingest and 数据质量) and `score` end to end
# (median wall time of RUNS runs, peak memory), the score ÷ floor ratio, and the stages of one
# `score --timings` run (the ranking workbook's writing time among them). Last, the template's
# files for four quarters: 2025Q1–Q3 scored into a history folder, then 2025Q4 scored on top of
# it as an office does every quarter (趋势, 连续通报 and the funnels' streaks read it).
#
#   scripts/bench.sh [N=2850] [ROWS=200] [RUNS=3]
#
# KAOPING_BIN=path/to/an/older/kaoping measures that build's check and score on the same files
# (the files, the floor and --timings always come from this checkout).
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
GEN=$TARGET/release/kaoping
BIN=${KAOPING_BIN:-$GEN}
FLOOR=$TARGET/release/examples/read_floor
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
echo "机器：$(nproc) 核，$(git rev-parse --short HEAD 2>/dev/null || echo '?')"

# run NAME CMD…: RUNS runs, each line "seconds kilobytes"; prints the median time and the
# largest peak, and keeps the median in $WORK/median-NAME.
run() {
  local name=$1
  shift
  : >"$WORK/t"
  for _ in $(seq "$RUNS"); do
    rm -rf "$WORK/h" && mkdir -p "$WORK/h"  # an empty history: score stops on a missing one
    /usr/bin/time -o "$WORK/one" -f "%e %M" "$@" >/dev/null 2>&1 || true
    cat "$WORK/one" >>"$WORK/t"
  done
  sort -n "$WORK/t" | awk -v name="$name" -v runs="$RUNS" '
    { t[NR] = $1; if ($2 > m) m = $2 }
    END { printf "  %s：%d 次中位数 %.2f 秒（%.2f–%.2f），峰值内存 %.0f MiB\n", name, runs, t[int((NR + 1) / 2)], t[1], t[NR], m / 1024 }'
  sort -n "$WORK/t" | awk '{ t[NR] = $1 } END { print t[int((NR + 1) / 2)] }' >"$WORK/median-$name"
}

for kind in template other; do
  flag=""
  label="模板填报的文件"
  if [ "$kind" = other ]; then
    flag="--other-program"
    label="其他程序按同一规范写出的文件"
  fi
  echo
  echo "== $label：$N 个地区，每本台账至多 $ROWS 行 =="
  /usr/bin/time -o "$WORK/gen" -f "%e" \
    "$GEN" samples --regions "$N" --quarters 2025Q4 --seed 7 --max-ledger-rows "$ROWS" $flag --out "$WORK/$kind" >/dev/null
  IN="$WORK/$kind/2025Q4"
  echo "  生成耗时 $(cat "$WORK/gen") 秒；报送文件夹 $(du -sh "$IN" | cut -f1)"
  run "读取下限" "$FLOOR" "$IN"
  run check "$BIN" check "$IN" --regions "$WORK/$kind/regions.csv" --out "$WORK/q.xlsx"
  run score "$BIN" score "$IN" --regions "$WORK/$kind/regions.csv" --history "$WORK/h" --out "$WORK/r.xlsx"
  awk -v s="$(cat "$WORK/median-score")" -v f="$(cat "$WORK/median-读取下限")" \
    'BEGIN { if (f > 0) printf "  score ÷ 读取下限 = %.2f×\n", s / f }'
  rm -rf "$WORK/h" && mkdir -p "$WORK/h"  # an empty history: score stops on a missing one
  "$GEN" score "$IN" --regions "$WORK/$kind/regions.csv" --history "$WORK/h" --out "$WORK/r.xlsx" --timings 2>&1 >/dev/null |
    grep "各阶段耗时" | sed 's/^/  /'
  ls -l "$WORK/r.xlsx" | awk '{printf "  排名工作簿 %.1f MB\n", $5 / 1e6}'
  rm -rf "$WORK/$kind"
done

echo
echo "== 模板填报的文件，另有3个季度的历史：$N 个地区 =="
"$GEN" samples --regions "$N" --quarters 2025Q1..2025Q4 --seed 7 --max-ledger-rows "$ROWS" --out "$WORK/hist" >/dev/null
mkdir -p "$WORK/hist/h"
for q in 2025Q1 2025Q2 2025Q3; do
  "$GEN" score "$WORK/hist/$q" --regions "$WORK/hist/regions.csv" --history "$WORK/hist/h" --out "$WORK/r.xlsx" >/dev/null 2>&1
done
IN="$WORK/hist/2025Q4"
: >"$WORK/t"
for _ in $(seq "$RUNS"); do
  rm -rf "$WORK/h"
  cp -a "$WORK/hist/h" "$WORK/h"
  /usr/bin/time -o "$WORK/one" -f "%e %M" "$BIN" score "$IN" --regions "$WORK/hist/regions.csv" --history "$WORK/h" --out "$WORK/r.xlsx" >/dev/null 2>&1 || true
  cat "$WORK/one" >>"$WORK/t"
done
sort -n "$WORK/t" | awk -v runs="$RUNS" '
  { t[NR] = $1; if ($2 > m) m = $2 }
  END { printf "  score 2025Q4：%d 次中位数 %.2f 秒（%.2f–%.2f），峰值内存 %.0f MiB\n", runs, t[int((NR + 1) / 2)], t[1], t[NR], m / 1024 }'
rm -rf "$WORK/h"
cp -a "$WORK/hist/h" "$WORK/h"
"$GEN" score "$IN" --regions "$WORK/hist/regions.csv" --history "$WORK/h" --out "$WORK/r.xlsx" --timings 2>&1 >/dev/null |
  grep "各阶段耗时" | sed 's/^/  /'

echo
echo "== 年度考核：十年历史（$N 个地区 × 40 个季度）=="
cargo build --release --quiet --example ten_year_history
"$TARGET/release/examples/ten_year_history" "$WORK/ten" "$N" 2016 2025 >/dev/null
: >"$WORK/t"
for _ in $(seq "$RUNS"); do
  /usr/bin/time -o "$WORK/one" -f "%e %M" "$BIN" annual --year 2025 --history "$WORK/ten" --out "$WORK/a.xlsx" >/dev/null 2>&1 || true
  cat "$WORK/one" >>"$WORK/t"
done
sort -n "$WORK/t" | awk -v runs="$RUNS" '
  { t[NR] = $1; if ($2 > m) m = $2 }
  END { printf "  annual 2025（读4个季度，写年度考核工作簿）：%d 次中位数 %.2f 秒，峰值内存 %.0f MiB\n", runs, t[int((NR + 1) / 2)], m / 1024 }'
# A rule over ten years: every quarter of the history read, each earlier year combined.
cp templates/scheme-2020.toml "$WORK/ten.toml"
printf '\n[[annual.rules]]\nid = "ten"\nmeasure = "interview"\nname = "连续{years}年末位"\nwhen = { bottom_share = 0.10 }\nyears = 10\nreason = "{position}"\n' >>"$WORK/ten.toml"
: >"$WORK/t"
for _ in $(seq "$RUNS"); do
  /usr/bin/time -o "$WORK/one" -f "%e %M" "$BIN" annual --year 2025 --history "$WORK/ten" --scheme "$WORK/ten.toml" --out "$WORK/a.xlsx" >/dev/null 2>&1 || true
  cat "$WORK/one" >>"$WORK/t"
done
sort -n "$WORK/t" | awk -v runs="$RUNS" '
  { t[NR] = $1; if ($2 > m) m = $2 }
  END { printf "  annual 2025，含跨十年的规则（读40个季度）：%d 次中位数 %.2f 秒，峰值内存 %.0f MiB\n", runs, t[int((NR + 1) / 2)], m / 1024 }'
