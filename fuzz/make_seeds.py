#!/usr/bin/env python3
"""Writes the seed corpus of the `read_submission` fuzz target (and its splice base).

Run from the repository root: `python3 fuzz/make_seeds.py`. Python's standard library only. The
.xls and .ods seeds start from tests/data/submission.{xls,ods} (the sample below saved by
LibreOffice); where those are missing they are converted with `soffice` when it is installed.

An input of the fuzz target is one selector byte and then the file (see
fuzz_targets/read_submission.rs): a selector below 128 names the extension (value modulo 4:
.xlsx, .xls, .ods, .xlsm); 128-140 splice the rest into one part of fuzz/base.xlsx, and 141 and
above into content.xml of tests/data/submission.ods.
"""

import io
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "fuzz", "corpus", "read_submission")
BASE = os.path.join(ROOT, "fuzz", "base.xlsx")
SAMPLE = os.path.join(ROOT, "samples", "2025Q1", "440100_广州市_2025Q1.xlsx")

XLSX, XLS, ODS, XLSM = 0, 1, 2, 3
# Must match SPLICE_PARTS in fuzz_targets/read_submission.rs.
SPLICE_PARTS = [
    "[Content_Types].xml",
    "xl/_rels/workbook.xml.rels",
    "xl/workbook.xml",
    "xl/sharedStrings.xml",
    "xl/styles.xml",
    "xl/worksheets/sheet1.xml",
    "xl/worksheets/sheet2.xml",
    "xl/worksheets/sheet3.xml",
    "xl/worksheets/sheet4.xml",
    "xl/worksheets/sheet5.xml",
    "xl/worksheets/sheet6.xml",
    "xl/worksheets/sheet7.xml",
    "xl/worksheets/sheet8.xml",
]
FIXED_TIME = (2025, 1, 1, 0, 0, 0)


def rezip(entries, compression=zipfile.ZIP_DEFLATED):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in entries:
            info = zipfile.ZipInfo(name, FIXED_TIME)
            info.compress_type = compression
            z.writestr(info, data)
    return buf.getvalue()


def entries_of(path):
    with zipfile.ZipFile(path) as z:
        return [(i.filename, z.read(i.filename)) for i in z.infolist()]


def trim_rows(xml, keep):
    """Drops <row> elements after row `keep` (the ledgers come with 1,000 styled rows)."""
    text = xml.decode("utf-8")

    def drop(m):
        return m.group(0) if int(m.group(1)) <= keep else ""

    text = re.sub(r'<row r="(\d+)"[^>]*?(?:/>|>.*?</row>)', drop, text, flags=re.S)
    return text.encode("utf-8")


def small_valid():
    """The 广州市 2025Q1 sample with its ledgers cut to their first rows: still a valid submission."""
    out = []
    for name, data in entries_of(SAMPLE):
        if re.fullmatch(r"xl/worksheets/sheet[567]\.xml", name):
            data = trim_rows(data, 8)
        out.append((name, data))
    return out


def replace(entries, name, data):
    return [(n, data if n == name else d) for n, d in entries]


def convert(xlsx_bytes, ext):
    saved = os.path.join(ROOT, "tests", "data", f"submission.{ext}")
    if os.path.exists(saved):
        with open(saved, "rb") as f:
            return f.read()
    soffice = shutil.which("soffice")
    if soffice is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "submission.xlsx")
        with open(src, "wb") as f:
            f.write(xlsx_bytes)
        subprocess.run(
            [soffice, "--headless", f"-env:UserInstallation=file://{tmp}/profile",
             "--convert-to", ext, "--outdir", tmp, src],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300,
        )
        with open(os.path.join(tmp, f"submission.{ext}"), "rb") as f:
            return f.read()


def small_ods(body):
    """An .ods of a mimetype, a manifest and a content.xml whose spreadsheet holds `body`."""
    head = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry '
        'manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        "</manifest:manifest>"
    )
    return rezip(
        [
            ("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"),
            ("META-INF/manifest.xml", manifest.encode("utf-8")),
            ("content.xml", (head + body).encode("utf-8")),
        ]
    )


def main():
    os.makedirs(OUT, exist_ok=True)
    seeds = {}

    valid_entries = small_valid()
    valid = rezip(valid_entries)
    with open(BASE, "wb") as f:
        f.write(valid)
    seeds["xlsx-valid"] = bytes([XLSX]) + valid
    seeds["xlsm-valid-stored"] = bytes([XLSM]) + rezip(valid_entries[:8], zipfile.ZIP_STORED)

    # Broken files.
    seeds["xlsx-empty"] = bytes([XLSX])
    seeds["xls-empty"] = bytes([XLS])
    seeds["xlsx-truncated-head"] = bytes([XLSX]) + valid[:4096]
    seeds["xlsx-truncated-tail"] = bytes([XLSX]) + valid[:-200]
    rng = random.Random(2025)
    seeds["xlsx-random"] = bytes([XLSX]) + bytes(rng.randrange(256) for _ in range(512))
    seeds["ods-is-xlsx"] = bytes([ODS]) + valid
    seeds["xlsx-cfb-header"] = bytes([XLSX, 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) + bytes(504)

    # Hostile files: a zip bomb, a huge declared shared-string count, a cell at XFD1048576.
    seeds["xlsx-zip-bomb"] = bytes([XLSX]) + rezip(
        replace(valid_entries, "xl/worksheets/sheet8.xml", b" " * (8 * 1024 * 1024))
    )
    strings = dict(valid_entries)["xl/sharedStrings.xml"].decode("utf-8")
    strings = re.sub(r'count="\d+"', 'count="4000000000"', strings, count=1)
    strings = re.sub(r'uniqueCount="\d+"', 'uniqueCount="4000000000"', strings, count=1)
    seeds["xlsx-shared-strings-count"] = bytes([XLSX]) + rezip(
        replace(valid_entries, "xl/sharedStrings.xml", strings.encode("utf-8"))
    )
    sheet2 = dict(valid_entries)["xl/worksheets/sheet2.xml"].decode("utf-8")
    sheet2 = sheet2.replace(
        "</sheetData>",
        '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>',
    )
    seeds["xlsx-far-cell"] = bytes([XLSX]) + rezip(
        replace(valid_entries, "xl/worksheets/sheet2.xml", sheet2.encode("utf-8"))
    )

    ods = convert(valid, "ods")
    if ods is not None:
        seeds["ods-valid"] = bytes([ODS]) + ods
        seeds["ods-truncated"] = bytes([ODS]) + ods[: len(ods) // 2]
    xls = convert(valid, "xls")
    if xls is not None:
        seeds["xls-valid"] = bytes([XLS]) + xls
        seeds["xls-truncated"] = bytes([XLS]) + xls[: len(xls) // 2]
        # A DIMENSIONS record claiming 2^32 rows x 2^16 columns (calamine reserved 11 PB).
        dims = bytearray(xls)
        at = [i for i in range(len(dims) - 4) if dims[i:i + 4] == b"\x00\x02\x0e\x00"][1] + 4
        dims[at:at + 12] = bytes([0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0xFF, 0xFF])
        seeds["xls-huge-dimensions"] = bytes([XLS]) + bytes(dims)

    # Shared strings declaring four billion where the first check did not look.
    sst = re.sub(r'count="\d+" uniqueCount="\d+"', "count='4000000000' uniqueCount='4000000000'",
                 parts_xml := dict(valid_entries)["xl/sharedStrings.xml"].decode("utf-8"), count=1)
    seeds["splice-sst-single-quotes"] = bytes([128 + SPLICE_PARTS.index("xl/sharedStrings.xml")]) + sst.encode("utf-8")
    late = parts_xml.replace("<sst", "<!--" + "x" * 5000 + "--><sst", 1)
    late = re.sub(r'count="\d+" uniqueCount="\d+"', 'count="4000000000" uniqueCount="4000000000"', late, count=1)
    seeds["xlsx-sst-late"] = bytes([XLSX]) + rezip(replace(valid_entries, "xl/sharedStrings.xml", late.encode("utf-8")))

    # Small .ods files that made calamine take gigabytes or never return.
    cell = '<table:table-cell office:value-type="string"><text:p>a</text:p></table:table-cell>'
    end = "</office:spreadsheet></office:body></office:document-content>"
    hostile = {
        "ods-repeated-rows": '<table:table table:name="基本情况"><table:table-row table:number-rows-repeated="5000">'
        + cell + '<table:table-cell table:number-columns-repeated="16382"/>' + cell
        + "</table:table-row></table:table>" + end,
        "ods-spaces": '<table:table table:name="x"><table:table-row><table:table-cell office:value-type="string">'
        '<text:p><text:s text:c="2000000000"/></text:p></table:table-cell></table:table-row></table:table>' + end,
        "ods-unclosed-table": '<table:table table:name="x"><table:table-row>' + cell + "</table:table-row>",
        "ods-unclosed-annotation": '<table:table table:name="x"><table:table-row><table:table-cell '
        'office:value-type="string"><office:annotation><text:p>n</text:p>',
    }
    for name, body in hostile.items():
        seeds[name] = bytes([ODS]) + small_ods(body)
    # Indented as Gnumeric writes it: calamine 0.38 fails on the text between cells, so the guard
    # rewrites content.xml without it (guard/ods.rs, `repack`).
    indented = (
        '\n  <table:table table:name="基本情况">\n    <table:table-row>\n      <table:table-cell '
        'office:value-type="string">\n        <office:annotation>\n          <text:p>n</text:p>'
        '</office:annotation>\n<text:p>区划代码</text:p></table:table-cell>\n      <table:table-cell '
        'office:value-type="float" office:value="440100"><text:p>440100</text:p></table:table-cell>'
        '\n    </table:table-row>\n  </table:table>\n' + end
    )
    seeds["ods-indented"] = bytes([ODS]) + small_ods(indented)

    # Splice seeds: one part of fuzz/base.xlsx as plain XML.
    parts = dict(valid_entries)
    for i, name in enumerate(SPLICE_PARTS):
        slug = re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower()
        seeds[f"splice-{slug}"] = bytes([128 + i]) + parts[name]

    # content.xml of the LibreOffice .ods, spliced by the target into that file (selector 141);
    # without styles, validations and comments, which calamine does not read into cells.
    if ods is not None:
        with zipfile.ZipFile(io.BytesIO(ods)) as z:
            content = z.read("content.xml").decode("utf-8")
        for tag in ["office:automatic-styles", "table:content-validations", "office:annotation"]:
            content = re.sub(rf"<{tag}[ >].*?</{tag}>", "", content, flags=re.S)
        # ... and without the instructions sheet, which ingest does not read.
        content = re.sub(r'<table:table table:name="填报说明".*?</table:table>', "", content, flags=re.S)
        seeds["splice-ods-content"] = bytes([128 + len(SPLICE_PARTS)]) + content.encode("utf-8")

    total = 0
    for name, data in sorted(seeds.items()):
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
        total += len(data)
    print(f"{len(seeds)} seeds, {total} bytes, in {os.path.relpath(OUT, ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
