#!/usr/bin/env bash
# Looks at a ranking workbook the way a reader does: prints it to PDF with LibreOffice, turns the
# pages into PNGs and says how many pages each sheet takes.
#
#   scripts/render.sh [工作簿.xlsx] [输出文件夹]
#
# Without a workbook it runs the demo (SOURCE_DATE_EPOCH=1767225600) and renders
# out/考评排名_2025Q4.xlsx. The output folder (default out/render) gets <name>.pdf and
# page-N.png (70 dpi). The Chinese office faces the documents name are drawn with Noto CJK (see
# below), so pages break where they do in Excel or WPS. A page belongs to the sheet whose name is at its top: every sheet prints
# its name in the page header (&A); the names are read from xl/workbook.xml. Installs
# libreoffice-calc-nogui, poppler-utils and fonts-noto-cjk (and fontconfig, unzip) with apt-get
# when they are missing.
set -euo pipefail

# Paths given are taken from where the script is run; defaults are in the repository.
xlsx="${1:+$(realpath -m -- "$1")}"
outdir="${2:+$(realpath -m -- "$2")}"
cd "$(dirname "$0")/.."
outdir="${outdir:-out/render}"

have_cjk_font() {
    command -v fc-list >/dev/null 2>&1 && [[ -n "$(fc-list :lang=zh family 2>/dev/null)" ]]
}

missing=()
command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-calc-nogui)
{ command -v pdftoppm && command -v pdftotext && command -v pdfinfo; } >/dev/null 2>&1 ||
    missing+=(poppler-utils)
have_cjk_font || missing+=(fonts-noto-cjk fontconfig)
command -v unzip >/dev/null 2>&1 || missing+=(unzip)
if ((${#missing[@]} > 0)); then
    sudo=()
    if [[ $(id -u) -ne 0 ]]; then sudo=(sudo); fi
    echo "安装 ${missing[*]} …" >&2
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fc-cache -f >/dev/null 2>&1 || true
    have_cjk_font || { echo "安装后仍找不到中文字体（fc-list :lang=zh 为空）" >&2; exit 2; }
fi

if [[ -z "$xlsx" ]]; then
    echo "运行 demo …" >&2
    SOURCE_DATE_EPOCH=1767225600 cargo run --release -q -- demo --out out >/dev/null
    xlsx="out/考评排名_2025Q4.xlsx"
fi
[[ -f "$xlsx" ]] || { echo "找不到工作簿 $xlsx" >&2; exit 2; }

mkdir -p "$outdir"
base="$(basename "${xlsx%.*}")"
pdf="$outdir/$base.pdf"
rm -f "$pdf" "$outdir"/page-*.png

# A throwaway LibreOffice profile: no first-start dialogs, no lock on the user's own profile.
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT

# The faces a Chinese office PC has (宋体, 仿宋, 楷体, 黑体, 等线) are not on this machine; without a
# hint fontconfig gives LibreOffice DejaVu Sans for them, whose digits are a quarter wider than
# 宋体's, so every column (measured in digits) prints wider and the whole sheet smaller than in
# Excel or WPS. Noto Serif CJK (a 宋体 style) and Noto Sans CJK (a 黑体 style) stand in instead.
serif="Noto Serif CJK SC"
sans="Noto Sans CJK SC"
alias() { printf '  <alias binding="same"><family>%s</family><prefer><family>%s</family></prefer></alias>\n' "$1" "$2"; }
{
    echo '<?xml version="1.0"?>'
    echo '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">'
    echo '<fontconfig>'
    echo "  <include ignore_missing=\"yes\">${FONTCONFIG_FILE:-/etc/fonts/fonts.conf}</include>"
    for f in 宋体 SimSun 新宋体 NSimSun 仿宋 仿宋_GB2312 FangSong 楷体 楷体_GB2312 KaiTi 方正小标宋简体 \
        方正仿宋_GBK 方正楷体_GBK; do
        alias "$f" "$serif"
    done
    for f in 黑体 SimHei 等线 DengXian 微软雅黑 "Microsoft YaHei" 方正黑体_GBK; do alias "$f" "$sans"; done
    echo '</fontconfig>'
} >"$profile/fonts.conf"
export FONTCONFIG_FILE="$profile/fonts.conf"

timeout 600 soffice "-env:UserInstallation=file://$profile" --headless --norestore \
    --convert-to pdf --outdir "$outdir" "$xlsx" >"$outdir/soffice.log" 2>&1 || {
    cat "$outdir/soffice.log" >&2
    exit 2
}
[[ -f "$pdf" ]] || { echo "LibreOffice 没有生成 $pdf：" >&2; cat "$outdir/soffice.log" >&2; exit 2; }

pdftoppm -r 70 -png "$pdf" "$outdir/page"
total="$(pdfinfo "$pdf" | sed -n 's/^Pages:[[:space:]]*//p')"

# Sheet names in workbook order, from xl/workbook.xml (XML entities decoded).
mapfile -t sheets < <(unzip -p "$xlsx" xl/workbook.xml | grep -o '<sheet [^>]*>' |
    sed -n 's/.* name="\([^"]*\)".*/\1/p' |
    sed -e 's/&lt;/</g' -e 's/&gt;/>/g' -e 's/&quot;/"/g' -e "s/&apos;/'/g" -e 's/&amp;/\&/g')

# The lines of text in the top 15% of page $1, topmost first, words of a line (within 2 pt of
# each other vertically) joined by a space. From pdftotext's word boxes, not its text flow: a chart
# cut by a page break leaves clipped text that the flow puts above the header.
top_lines() {
    pdftotext -f "$1" -l "$1" -bbox "$pdf" - 2>/dev/null | awk '
        function attr(s, name,   n) {
            n = length(name) + 2
            if (match(s, name "=\"[-0-9.]+\"")) return substr(s, RSTART + n, RLENGTH - n - 1) + 0
            return -1
        }
        /<page / { h = attr($0, "height") }
        /<word / {
            y = attr($0, "yMin"); x = attr($0, "xMin")
            t = $0; sub(/^[^>]*>/, "", t); sub(/<\/word>.*$/, "", t)
            gsub(/&lt;/, "<", t); gsub(/&gt;/, ">", t); gsub(/&quot;/, "\"", t)
            gsub(/&apos;/, "\047", t); gsub(/&amp;/, "\\&", t)
            if (y >= 0 && y < 0.15 * h) printf "%.3f\t%.3f\t%s\n", y, x, t
        }' | LC_ALL=C sort -t $'\t' -k1,1n -k2,2n | awk -F '\t' '
        NR > 1 && $1 - y > 2 { print line; line = "" }
        { if (line == "" ) { y = $1; line = $3 } else line = line " " $3 }
        END { if (line != "") print line }'
}

# The sheet a page belongs to: the topmost header line that is, or has a word that is, a sheet
# name; else the topmost one containing a sheet name (the longest); else the first lines of the
# page's text the same way.
owner_of() {
    local -a lines words
    local line s w
    mapfile -t lines < <(top_lines "$1")
    for line in "${lines[@]}"; do
        read -r -a words <<<"$line"
        for s in "${sheets[@]}"; do
            if [[ "$line" == "$s" ]]; then echo "$s"; return; fi
            for w in "${words[@]}"; do
                if [[ "$w" == "$s" ]]; then echo "$s"; return; fi
            done
        done
    done
    mapfile -t -O "${#lines[@]}" lines < <(pdftotext -f "$1" -l "$1" -layout "$pdf" - 2>/dev/null |
        tr -d '\f' | sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' | grep -v '^$' | head -n 3 || true)
    for line in "${lines[@]}"; do
        w=""
        for s in "${sheets[@]}"; do
            if [[ "$line" == *"$s"* && ${#s} -gt ${#w} ]]; then w="$s"; fi
        done
        if [[ -n "$w" ]]; then echo "$w"; return; fi
    done
}

unknown="（未识别）"
declare -A pages=()
for ((i = 1; i <= total; i++)); do
    owner="$(owner_of "$i")"
    owner="${owner:-$unknown}"
    pages["$owner"]+="$i "
done

# "1 2 3 5" → "第1–3、5页"
span() {
    if [[ "$1" == "$2" ]]; then printf '%s' "$1"; else printf '%s–%s' "$1" "$2"; fi
}
spans() {
    local out="" start="" prev="" p
    for p in $1; do
        if [[ -z "$start" ]]; then
            start=$p
        elif ((p != prev + 1)); then
            out+="$(span "$start" "$prev")、"
            start=$p
        fi
        prev=$p
    done
    out+="$(span "$start" "$prev")"
    echo "第${out}页"
}

echo "$xlsx：共 $total 页（PDF $pdf，PNG $outdir/page-*.png）"
for s in "${sheets[@]}" "$unknown"; do
    list="${pages[$s]:-}"
    if [[ -z "$list" ]]; then
        [[ "$s" == "$unknown" ]] || echo "$s: 0 页"
        continue
    fi
    n=$(wc -w <<<"$list")
    echo "$s: $n 页 ($(spans "$list"))"
done
