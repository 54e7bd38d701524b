#!/usr/bin/env python3
"""Builds the submission corpus in tests/corpus/files from the engine-written bases.

usage: make-corpus.py BASES_DIR OUT_DIR   (run through scripts/make-corpus.sh)

Valid and faulty submissions: a base written by kaoping's template code, edited with openpyxl the
way a person would type, then re-saved by LibreOffice (headless `soffice --convert-to`) as xlsx,
xls or ods. Broken and hostile files: built byte by byte below, each with a comment on what it is.
Everything is deterministic except the bytes LibreOffice and msoffcrypto write (timestamps, salts),
so the committed files are what the tests use; rerun this only to change the corpus.
"""
import datetime as dt
import io
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import openpyxl

BASES = Path(sys.argv[1])
OUT = Path(sys.argv[2])
WORK = Path(tempfile.mkdtemp(prefix="kaoping-corpus-"))
PROFILE = "-env:UserInstallation=file:///tmp/kaoping-lo-corpus"
FILTERS = {
    "xlsx": "xlsx:Calc MS Excel 2007 XML",
    "xls": "xls:MS Excel 97",
    "ods": "ods:calc8",
}


def lo(src, fmt, name):
    """Re-saves `src` with LibreOffice as OUT/name."""
    d = Path(tempfile.mkdtemp(dir=WORK))
    subprocess.run(["soffice", PROFILE, "--headless", "--convert-to", FILTERS[fmt],
                    "--outdir", str(d), str(src)], check=True, capture_output=True)
    (out,) = list(d.iterdir())
    shutil.move(str(out), str(OUT / name))
    return OUT / name


def encrypt(src, name, filt):
    """Saves `src` with the opening password 'secret' through LibreOffice (UNO)."""
    here = Path(__file__).parent
    subprocess.run(["/usr/bin/python3", str(here / "lo-encrypt.py"), "secret", str(src),
                    str(OUT / name), filt], check=True, timeout=120)


def row_of(ws, code):
    for r in range(1, ws.max_row + 1):
        if ws.cell(r, 1).value == code:
            return r
    raise KeyError(code)


def edit(code, name, change):
    """A base opened in openpyxl, changed as a person would, saved under WORK/name."""
    wb = openpyxl.load_workbook(BASES / f"{code}.xlsx")
    change(wb)
    p = WORK / name
    wb.save(p)
    return p


def summary(wb, code, value):
    ws = wb["汇总指标"]
    ws.cell(row_of(ws, code), 4).value = value


def work(wb, code, value):
    ws = wb["工作情况"]
    ws.cell(row_of(ws, code), 3).value = value


def typed(wb):
    """What people type: every variant ingest accepts with a warning."""
    summary(wb, "S01", "３")  # full-width digit
    summary(wb, "S02", " 1 ")  # number stored as text, with spaces
    summary(wb, "S03", "1,125.5")  # thousands separator
    summary(wb, "S04", "=10+2.25")  # a formula: its cached value is read
    summary(wb, "S05", "2")  # number stored as text
    work(wb, "W01", "Y")
    work(wb, "W02", "√")
    work(wb, "W03", "×")
    work(wb, "W04", "有")
    work(wb, "W11", "１")
    b = wb["基本情况"]
    b["B5"] = "  李四  "  # surrounding spaces in text: trimmed silently
    b["B7"] = "2026年1月5日"  # date as Chinese text
    t = wb["移送台账"]
    t["C2"] = "2025/10/9"
    t["D2"] = "2025.10.20"
    t["G2"] = dt.datetime(2025, 11, 3, 14, 30)  # a real datetime
    t["G2"].number_format = "yyyy-mm-dd hh:mm"
    t["F3"] = "N"
    c = wb["信息公开台账"]
    c["B2"] = 45945  # Excel serial of 2025-10-15, typed as a plain number
    c["B2"].number_format = "General"
    c["B3"] = "2025-11-05 10:00"  # datetime as text
    x = wb["销毁台账"]
    x["E2"] = "1,200"
    x["K2"] = "Y"


def bad_values(wb):
    """What cannot be read with confidence, and figures that contradict each other."""
    summary(wb, "S17", "约30")  # text in a count
    summary(wb, "S18", "=1/0")  # a formula whose cached value is an error
    summary(wb, "S02", -1)  # negative count
    summary(wb, "S05", 2.5)  # not a whole number
    summary(wb, "S09", "1,23")  # not a thousands separator: ambiguous
    summary(wb, "S21", 5)  # above S01 (3)
    work(wb, "W01", "也许")
    t = wb["移送台账"]
    t["C2"] = "2025-13-01"  # no such date
    t["D2"] = dt.datetime(2025, 7, 1)  # before the quarter
    t["A3"] = t["A2"].value  # duplicate case number
    c = wb["信息公开台账"]
    c["A5"] = "441300-C004"  # a fourth row: S01 says 3
    c["B5"] = dt.datetime(2025, 12, 21)
    c["C2"] = dt.datetime(2025, 10, 10)  # disclosed before the decision (2025-10-15)
    x = wb["销毁台账"]
    x["B3"] = None  # required 物品类别 missing
    x["I2"] = "烧掉"  # not one of the choices


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for f in OUT.iterdir():
        f.unlink()

    # ---- valid, re-saved by LibreOffice in each format
    shutil.copy(BASES / "440700.xlsx", OUT / "valid-engine.xlsx")
    # Gnumeric's ods: content.xml indented one element a line (calamine 0.38 cannot read it as is)
    subprocess.run(["ssconvert", str(OUT / "valid-engine.xlsx"), str(OUT / "valid-gnumeric.ods")],
                   check=True, capture_output=True)
    lo(BASES / "440300.xlsx", "xlsx", "valid-lo.xlsx")
    lo(BASES / "440400.xlsx", "xls", "valid-lo.xls")
    lo(BASES / "440500.xlsx", "ods", "valid-lo.ods")
    xlsm(lo(BASES / "440600.xlsx", "xlsx", "valid-lo.xlsm"))
    # a valid xlsx that someone renamed to .xls
    lo(BASES / "440200.xlsx", "xlsx", "xlsx-named.xls")

    # ---- what people type, then re-saved by LibreOffice
    lo(edit("440800", "typed-lo.xlsx", typed), "xlsx", "typed-lo.xlsx")
    lo(edit("440900", "typed-lo.ods.xlsx", typed), "ods", "typed-lo.ods")
    lo(edit("441200", "typed-lo.xls.xlsx", typed), "xls", "typed-lo.xls")

    # ---- faulty submissions
    lo(edit("441300", "bad-values.xlsx", bad_values), "xlsx", "bad-values.xlsx")
    lo(edit("441400", "missing-sheet.xlsx", lambda wb: wb.remove(wb["移送台账"])),
       "xlsx", "missing-sheet.xlsx")

    def missing_field(wb):
        s = wb["汇总指标"]
        s.cell(row_of(s, "S05"), 1).value = None
        b = wb["基本情况"]
        b["A7"] = None
        b["B7"] = None
    lo(edit("441500", "missing-field.xlsx", missing_field), "ods", "missing-field.ods")
    lo(edit("441600", "other-version.xlsx",
            lambda wb: wb["_meta"].__setitem__("B3", "2019.1")), "xlsx", "other-version.xlsx")
    lo(edit("441700", "unknown-region.xlsx",
            lambda wb: wb["基本情况"].__setitem__("B2", "449900")), "xlsx", "unknown-region.xlsx")
    lo(edit("441800", "region-mismatch.xlsx",
            lambda wb: wb["基本情况"].__setitem__("B2", "440100")), "xlsx", "region-mismatch.xlsx")
    lo(edit("441900", "dup-early.xlsx",
            lambda wb: wb["基本情况"].__setitem__("B7", dt.datetime(2026, 1, 3))),
       "xlsx", "dup-early.xlsx")
    lo(edit("441900", "dup-late.xlsx",
            lambda wb: wb["基本情况"].__setitem__("B7", dt.datetime(2026, 1, 8))),
       "ods", "dup-late.ods")

    def wrong_quarter(wb):
        wb["基本情况"]["B4"] = "2025Q3"
        wb["基本情况"]["B7"] = dt.datetime(2025, 9, 1)
    lo(edit("442000", "wrong-quarter.xlsx", wrong_quarter), "xlsx", "wrong-quarter.xlsx")

    def future(wb):
        wb["基本情况"]["B7"] = dt.datetime(2099, 1, 5)
        wb["信息公开台账"]["C3"] = dt.datetime(2099, 1, 10)
        wb["销毁台账"]["H3"] = dt.datetime(2099, 2, 1)
        wb["移送台账"]["B3"] = "互联网"
    lo(edit("445100", "future-dates.xlsx", future), "xlsx", "future-dates.xlsx")

    def long_string(wb):
        wb["基本情况"]["B5"] = "长" * 100_000  # 100,000 characters
    lo(edit("445200", "long-string.xlsx", long_string), "xlsx", "long-string.xlsx")
    shutil.copy(BASES / "blank.xlsx", OUT / "blank-template.xlsx")
    empty_csv = WORK / "empty-workbook.csv"
    empty_csv.write_text("")
    lo(empty_csv, "ods", "empty-workbook.ods")

    # ---- broken
    (OUT / "empty.xlsx").write_bytes(b"")
    good = (OUT / "valid-lo.xlsx").read_bytes()
    (OUT / "truncated.xlsx").write_bytes(good[: len(good) * 6 // 10])
    ods = (OUT / "valid-lo.ods").read_bytes()
    (OUT / "truncated.ods").write_bytes(ods[: len(ods) // 2])
    xls = (OUT / "valid-lo.xls").read_bytes()
    (OUT / "truncated.xls").write_bytes(xls[: len(xls) // 3])
    (OUT / "random.xlsx").write_bytes(random.Random(4).randbytes(4096))
    # the HTML table some systems export under an .xls name
    (OUT / "html-table.xls").write_text(
        "<html><body><table><tr><td>区划代码</td><td>440100</td></tr></table></body></html>",
        encoding="utf-8")
    # an unreadable file whose name Excel would take for a formula
    (OUT / "=1+2.xlsx").write_bytes(b"=1+2\n")
    (OUT / "binary.xlsb").write_bytes(b"PK\x05\x06" + b"\0" * 18)
    # LibreOffice does not encrypt xlsx from a script; msoffcrypto-tool writes the same
    # ECMA-376 agile encryption Excel does
    subprocess.run(["msoffcrypto-tool", "-e", "-p", "secret", str(OUT / "valid-lo.xlsx"),
                    str(OUT / "encrypted.xlsx")], check=True)
    encrypt(OUT / "valid-lo.xlsx", "encrypted.xls", "MS Excel 97")
    encrypt(OUT / "valid-lo.xlsx", "encrypted.ods", "calc8")

    # ---- hostile
    hostile()
    shutil.rmtree(WORK)


def xlsm(path):
    """Adds a VBA project part (never run: ingest does not read it) and the macro-enabled
    content type, as Excel's .xlsm has."""
    src = zipfile.ZipFile(path)
    parts = {n: src.read(n) for n in src.namelist()}
    src.close()
    ct = parts["[Content_Types].xml"].decode()
    ct = ct.replace("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                    "application/vnd.ms-excel.sheet.macroEnabled.main+xml")
    ct = ct.replace("<Default ", '<Default Extension="bin" '
                    'ContentType="application/vnd.ms-office.vbaProject"/><Default ', 1)
    parts["[Content_Types].xml"] = ct.encode()
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    rels = rels.replace("</Relationships>",
                        '<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/'
                        '2006/relationships/vbaProject" Target="vbaProject.bin"/></Relationships>')
    parts["xl/_rels/workbook.xml.rels"] = rels.encode()
    # Sub AutoOpen(): Shell "calc.exe" — as text in a fake project; never executed.
    parts["xl/vbaProject.bin"] = b"\xd0\xcf\x11\xe0" + b'Sub Auto_Open()\nShell "calc.exe"\nEnd Sub\n'
    write_zip(path, parts)


def write_zip(path, parts, method=zipfile.ZIP_DEFLATED):
    with zipfile.ZipFile(path, "w", method) as z:
        for n, data in parts.items():
            z.writestr(zipfile.ZipInfo(n, (2020, 1, 1, 0, 0, 0)), data, compress_type=method)


CT = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
      'package/2006/content-types"><Default Extension="rels" ContentType="application/'
      'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
      'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="'
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
      '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
      'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>{extra}</Types>')
RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
        'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>')
WB = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
      'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
      'relationships"><sheets><sheet name="基本情况" sheetId="1" r:id="rId1"/></sheets></workbook>')
WB_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
           'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
           'schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
           'Target="worksheets/sheet1.xml"/>{extra}</Relationships>')
SST_REL = ('<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
           'relationships/sharedStrings" Target="sharedStrings.xml"/>')
SST_CT = ('<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats'
          '-officedocument.spreadsheetml.sharedStrings+xml"/>')
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def sheet(body, dimension="A1"):
    return (f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}><dimension ref="{dimension}"/>'
            f'<sheetData>{body}</sheetData></worksheet>')


def tiny_xlsx(name, sheet_xml, sst=None, sst_name="xl/sharedStrings.xml", method=zipfile.ZIP_DEFLATED):
    """A minimal hand-made xlsx with one sheet 基本情况 (and shared strings if given)."""
    parts = {
        "[Content_Types].xml": CT.format(extra=SST_CT if sst else "").encode(),
        "_rels/.rels": RELS.encode(),
        "xl/workbook.xml": WB.encode(),
        "xl/_rels/workbook.xml.rels": WB_RELS.format(extra=SST_REL if sst else "").encode(),
        "xl/worksheets/sheet1.xml": sheet_xml if isinstance(sheet_xml, bytes) else sheet_xml.encode(),
    }
    if sst:
        parts[sst_name] = sst.encode()
    write_zip(OUT / name, parts, method)


def hostile():
    one = '<row r="1"><c r="A1" t="inlineStr"><is><t>区划代码</t></is></c></row>'
    # zip bomb: a sheet of 300 MiB of spaces, bzip2-compressed to a few KiB (a real zip: `unzip`
    # expands it); the central directory declares the true size.
    bomb = sheet(one).encode()
    big = bomb[:-len(b"</worksheet>")] + b" " * (300 << 20) + b"</worksheet>"
    tiny_xlsx("zip-bomb.xlsx", big, method=zipfile.ZIP_BZIP2)
    del big
    # zip bomb, deflate: 100 MiB at a ratio of about 1000:1 (deflate's best), about 100 KiB
    big = bomb[:-len(b"</worksheet>")] + b" " * (100 << 20) + b"</worksheet>"
    tiny_xlsx("zip-bomb-deflate.xlsx", big)
    # lying sizes: the zip directory says the sheet is 400 bytes; it inflates to 20 MiB
    big = bomb[:-len(b"</worksheet>")] + b" " * (20 << 20) + b"</worksheet>"
    tiny_xlsx("lying-sizes.xlsx", big)
    del big
    lie_about_size(OUT / "lying-sizes.xlsx", "xl/worksheets/sheet1.xml", 400)
    # huge dimensions: cells at A1 and XFD1048576 (calamine's Range::from_sparse would allocate
    # 17 billion cells and abort the process; issue #693)
    far = one + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    tiny_xlsx("huge-dimension.xlsx", sheet(far, "A1:XFD1048576"))
    # shared strings claiming 3 billion entries (calamine reserves them up front and aborts)
    sst = (f'<?xml version="1.0" encoding="UTF-8"?><sst {NS} count="1" uniqueCount="3000000000">'
           '<si><t>区划代码</t></si></sst>')
    cell = '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
    tiny_xlsx("sst-billions.xlsx", sheet(cell), sst)
    # the same claim hidden from a naive check: 8 KiB of comment before <sst>, and the part
    # named in upper case (calamine finds parts case-insensitively)
    hidden = sst.replace("<sst ", "<!--" + "x" * 8192 + "--><sst ").replace(
        'uniqueCount="3000000000"', "uniqueCount = '3000000000'")
    tiny_xlsx("sst-hidden.xlsx", sheet(cell), hidden, sst_name="XL/SHAREDSTRINGS.XML")
    # deeply nested XML: 100,000 levels inside a cell's inline string
    nest = ('<row r="1"><c r="A1" t="inlineStr"><is>' + "<r>" * 100_000 + "<t>x</t>"
            + "</r>" * 100_000 + "</is></c></row>")
    tiny_xlsx("nested.xlsx", sheet(nest))
    # billion laughs: entities that would expand to 10^9 "lol"s
    dtd = '<!DOCTYPE sst [<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10)) + "]>"
    laughs = (f'<?xml version="1.0" encoding="UTF-8"?>{dtd}<sst {NS} count="1" uniqueCount="1">'
              '<si><t>&lol9;</t></si></sst>')
    tiny_xlsx("billion-laughs.xlsx", sheet(cell), laughs)
    # one shared string of 200,000 characters referenced by 1,000 cells: 200 MB once every cell
    # holds its copy
    letters = "".join(random.Random(7).choice("abcdefghij") for _ in range(200_000))
    fan = (f'<?xml version="1.0" encoding="UTF-8"?><sst {NS} count="1000" uniqueCount="1">'
           f"<si><t>{letters}</t></si></sst>")
    cells = "".join(f'<row r="{r}"><c r="A{r}" t="s"><v>0</v></c></row>' for r in range(1, 1001))
    tiny_xlsx("shared-string-fanout.xlsx", sheet(cells, "A1:A1000"), fan)
    hostile_ods()
    hostile_xls()


def lie_about_size(path, part, size):
    """Rewrites the uncompressed size of `part` in both the local header and the central
    directory."""
    data = bytearray(path.read_bytes())
    z = zipfile.ZipFile(io.BytesIO(bytes(data)))
    info = z.getinfo(part)
    struct.pack_into("<I", data, info.header_offset + 22, size)
    # central directory entry: find it by its name after the signature
    name = part.encode()
    i = data.find(b"PK\x01\x02" + b"", z.start_dir)
    while i >= 0:
        n = struct.unpack_from("<H", data, i + 28)[0]
        if data[i + 46:i + 46 + n] == name:
            struct.pack_into("<I", data, i + 24, size)
            break
        i = data.find(b"PK\x01\x02", i + 4)
    path.write_bytes(bytes(data))


ODS_MANIFEST = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis'
                ':names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-'
                'entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.'
                'opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" '
                'manifest:media-type="text/xml"/></manifest:manifest>')


def tiny_ods(name, table_body):
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:'
               'oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:'
               'opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:'
               'text:1.0" office:version="1.2"><office:body><office:spreadsheet>'
               f'<table:table table:name="基本情况">{table_body}</table:table>'
               '</office:spreadsheet></office:body></office:document-content>')
    path = OUT / name
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype", (2020, 1, 1, 0, 0, 0)),
                   "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        for n, data in [("META-INF/manifest.xml", ODS_MANIFEST), ("content.xml", content)]:
            z.writestr(zipfile.ZipInfo(n, (2020, 1, 1, 0, 0, 0)), data,
                       compress_type=zipfile.ZIP_DEFLATED)


def hostile_ods():
    # one row of 600 numbers repeated 150,000 times: calamine would build a grid of 90 million
    # cells (about 5 GB with its formula grid), under its own cap of 100 million
    tiny_ods("huge-grid.ods",
             '<table:table-row table:number-rows-repeated="150000"><table:table-cell '
             'table:number-columns-repeated="600" office:value-type="float" office:value="1"/>'
             "</table:table-row>")
    # 1 KiB of text in one cell, repeated over 16,384 columns and 100 rows: 1.6 GB of copies
    tiny_ods("text-fanout.ods",
             '<table:table-row table:number-rows-repeated="100"><table:table-cell '
             'table:number-columns-repeated="16384" office:value-type="string"><text:p>'
             + "区" * 341 + "</text:p></table:table-cell></table:table-row>")
    # 2 billion spaces in one cell (text:s with a count): a 2 GB string
    tiny_ods("space-bomb.ods",
             '<table:table-row><table:table-cell office:value-type="string"><text:p>区划代码'
             '<text:s text:c="2000000000"/></text:p></table:table-cell></table:table-row>')


def cfb_streams(data):
    """Minimal CFB reader for patching: (sector size, fat, directory entries as
    (name, start, size, offset of the entry))."""
    ssz = 1 << struct.unpack_from("<H", data, 30)[0]
    hdr = 512 if ssz == 512 else 4096
    sect = lambda i: hdr + i * ssz  # noqa: E731
    difat = list(struct.unpack_from("<109I", data, 76))
    fat = []
    for s in difat:
        if s >= 0xFFFFFFFA:
            continue
        fat += struct.unpack_from(f"<{ssz // 4}I", data, sect(s))
    dir_start = struct.unpack_from("<I", data, 48)[0]
    entries, s = [], dir_start
    while s < 0xFFFFFFFA:
        for k in range(ssz // 128):
            off = sect(s) + k * 128
            nlen = struct.unpack_from("<H", data, off + 64)[0]
            name = data[off:off + max(nlen - 2, 0)].decode("utf-16-le")
            start, size = struct.unpack_from("<II", data, off + 116)
            entries.append((name, start, size, off))
        s = fat[s]
    return ssz, sect, fat, dir_start, entries


def workbook_records(data):
    """(record type, offset in file) of every BIFF record of the Workbook stream (a regular,
    non-mini stream)."""
    ssz, sect, fat, _, entries = cfb_streams(data)
    (_, start, size, _) = next(e for e in entries if e[0] == "Workbook")
    offs, s = [], start
    while s < 0xFFFFFFFA and len(offs) < size:
        offs += [sect(s) + k for k in range(ssz)]
        s = fat[s]
    offs = offs[:size]
    stream = bytes(data[o] for o in offs)
    recs, i = [], 0
    while i + 4 <= len(stream):
        t, n = struct.unpack_from("<HH", stream, i)
        recs.append((t, i, n))
        i += 4 + n
    return offs, stream, recs


def patch_stream(data, offs, at, new):
    for k, b in enumerate(new):
        data[offs[at + k]] = b


def hostile_xls():
    base = bytearray((OUT / "valid-lo.xls").read_bytes())
    # DIMENSIONS record claiming 4 billion rows × 65,535 columns (calamine reserves the grid)
    data = bytearray(base)
    offs, stream, recs = workbook_records(data)
    t, i, n = next(r for r in recs if r[0] == 0x0200)
    patch_stream(data, offs, i + 4, struct.pack("<IIHH", 0, 0xFFFFFFFF, 0, 0xFFFF))
    (OUT / "huge-dimensions.xls").write_bytes(bytes(data))
    # one number cell moved to row 65,536, column 65,536: the grid between it and A1 is 4 billion
    # cells
    data = bytearray(base)
    offs, stream, recs = workbook_records(data)
    t, i, n = next(r for r in recs if r[0] in (0x0203, 0x027E))
    patch_stream(data, offs, i + 4, struct.pack("<HH", 0xFFFF, 0xFFFF))
    (OUT / "far-cell.xls").write_bytes(bytes(data))
    # the directory's sector chain loops back on itself: a reader that follows it without a
    # bound never stops (and grows its buffer until memory runs out)
    data = bytearray(base)
    ssz, sect, fat, dir_start, _ = cfb_streams(data)
    last, s = dir_start, dir_start
    while s < 0xFFFFFFFA:
        last, s = s, fat[s]
    difat = list(struct.unpack_from("<109I", data, 76))
    per = ssz // 4
    struct.pack_into("<I", data, sect(difat[last // per]) + (last % per) * 4, dir_start)
    (OUT / "cyclic-chain.xls").write_bytes(bytes(data))


if __name__ == "__main__":
    main()
