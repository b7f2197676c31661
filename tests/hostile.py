"""Generators of broken, odd and hostile workbooks (issue 12).

Each builds its file in the test's own folder, mostly by changing one part of the bundled sample
at the zip level (the way a careless program or a hostile sender would), so nothing large is
committed and every test says exactly what is wrong with its input.
"""

from __future__ import annotations

import re
import struct
import subprocess
import sys
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import IO

from .conftest import SAMPLE

Change = Callable[[bytes], bytes]


def part_of(book: Path, sheet: str) -> str:
    """The zip entry holding `sheet` ('追踪表' -> 'xl/worksheets/sheet7.xml')."""
    with zipfile.ZipFile(book) as zf:
        workbook = zf.read("xl/workbook.xml").decode()
        rels = zf.read("xl/_rels/workbook.xml.rels").decode()
    rid = re.search(rf'<sheet name="{sheet}"[^>]*r:id="(\w+)"', workbook)
    assert rid, sheet
    target = re.search(rf'Id="{rid.group(1)}"[^>]*Target="([^"]+)"', rels) or re.search(
        rf'Target="([^"]+)"[^>]*Id="{rid.group(1)}"', rels
    )
    assert target
    return "xl/" + target.group(1).lstrip("/").removeprefix("xl/")


def rebuild(
    dest: Path,
    changes: Mapping[str, Change | None] = {},
    extra: Mapping[str, bytes] = {},
    source: Path = SAMPLE,
) -> Path:
    """`source` with parts changed (None: left out) and `extra` parts added."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as out:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename in changes:
                change = changes[info.filename]
                if change is None:
                    continue
                data = change(data)
            out.writestr(info.filename, data)
        for name, data in extra.items():
            out.writestr(name, data)
    return dest


def in_sheet(dest: Path, sheet: str, change: Change, source: Path = SAMPLE) -> Path:
    return rebuild(dest, {part_of(source, sheet): change}, source=source)


def append_rows(rows_xml: bytes) -> Change:
    """Adds rows at the end of a sheet's <sheetData>."""
    return lambda xml: xml.replace(b"</sheetData>", rows_xml + b"</sheetData>")


def replace_value(ref: str, value: bytes) -> Change:
    """Sets the <v> of the cell at `ref`, keeping its style (a date cell stays date-formatted)."""

    def change(xml: bytes) -> bytes:
        pattern = re.compile(rb'(<c r="' + ref.encode() + rb'"[^>]*>)<v>[^<]*</v>')
        assert pattern.search(xml), ref
        return pattern.sub(lambda m: m.group(1) + b"<v>" + value + b"</v>", xml, count=1)

    return change


def inline_text(ref: str, text: str) -> bytes:
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f'<c r="{ref}" t="inlineStr"><is><t>{escaped}</t></is></c>'.encode()


def flip_byte(dest: Path, part: str, at: float = 0.5, source: Path = SAMPLE) -> Path:
    """`source` with one byte of `part`'s compressed data changed, as a bad disk or a broken
    download would leave it (the zip directory still says the part is fine)."""
    data = bytearray(source.read_bytes())
    info = zipfile.ZipFile(source).getinfo(part)
    name_len, extra_len = struct.unpack_from("<HH", data, info.header_offset + 26)
    start = info.header_offset + 30 + name_len + extra_len
    data[start + int(info.compress_size * at)] ^= 0x55
    dest.write_bytes(bytes(data))
    return dest


def streamed(
    dest: Path, part: str, write: Callable[[IO[bytes]], None], source: Path = SAMPLE
) -> Path:
    """`source` with `part` written by `write` straight into the zip: a part far larger than
    memory should hold is never held whole."""
    with (
        zipfile.ZipFile(source) as zin,
        zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out,
    ):
        for info in zin.infolist():
            if info.filename != part:
                out.writestr(info.filename, zin.read(info.filename))
                continue
            with out.open(part, "w", force_zip64=True) as stream:
                write(stream)
    return dest


def bomb(dest: Path, part: str, size: int, wrap: tuple[bytes, bytes] = (b"", b"")) -> Path:
    """The sample with `part` replaced by `size` bytes of one repeated letter between `wrap`:
    a real part that inflates to `size` from a few kilobytes (streamed, never held whole)."""
    head, tail = wrap

    def write(stream: IO[bytes]) -> None:
        stream.write(head)
        block = b"a" * (1 << 20)
        left = size - len(head) - len(tail)
        while left > 0:
            stream.write(block[: min(left, len(block))])
            left -= len(block)
        stream.write(tail)

    return streamed(dest, part, write)


def shared_string_bomb(dest: Path, size: int) -> Path:
    """One shared string of `size` bytes (the sample's other strings stay after it)."""
    return bomb(
        dest,
        "xl/sharedStrings.xml",
        size,
        (
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns='
            b'"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>',
            b"</t></si></sst>",
        ),
    )


MACRO_SHEET = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<xm:macrosheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    b'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"><sheetData><row r="1">'
    b'<c r="A1" t="str"><f>HALT()</f><v>TRUE</v></c></row></sheetData></xm:macrosheet>'
)


DIALOG_SHEET = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<dialogsheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<sheetViews><sheetView workbookViewId="0"/></sheetViews></dialogsheet>'
)
_KINDS = {
    "macro": (
        "macrosheets",
        "http://schemas.microsoft.com/office/2006/relationships/xlMacrosheet",
        "application/vnd.ms-excel.macrosheet+xml",
        MACRO_SHEET,
    ),
    "dialog": (
        "dialogsheets",
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/dialogsheet",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.dialogsheet+xml",
        DIALOG_SHEET,
    ),
}


def with_sheet(dest: Path, kind: str, name: str) -> Path:
    """The sample plus an Excel 4 macro sheet or an Excel 5 dialog sheet, stored the way Excel
    stores them in an .xlsm."""
    folder, rel_type, content_type, body = _KINDS[kind]
    part = f"{folder}/sheet1.xml"
    return rebuild(
        dest,
        {
            "[Content_Types].xml": lambda x: x.replace(
                b"</Types>",
                f'<Override PartName="/xl/{part}" ContentType="{content_type}"/></Types>'.encode(),
            ),
            "xl/_rels/workbook.xml.rels": lambda x: x.replace(
                b"</Relationships>",
                f'<Relationship Id="rId99" Type="{rel_type}" Target="{part}"/>'
                "</Relationships>".encode(),
            ),
            "xl/workbook.xml": lambda x: x.replace(
                b"</sheets>", f'<sheet name="{name}" sheetId="99" r:id="rId99"/></sheets>'.encode()
            ),
        },
        {f"xl/{part}": body},
    )


def foreign_workbook(dest: Path) -> Path:
    """An ordinary Excel workbook that is no branch workbook: a price list on Sheet1."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(dest))
    sheet = book.add_worksheet("Sheet1")
    for row, values in enumerate([["品名", "单价"], ["纸巾", 3.5], ["矿泉水", 2]]):
        sheet.write_row(row, 0, values)
    book.close()
    return dest


def legacy_xls(dest: Path) -> Path:
    """A real BIFF8 .xls (Excel 97-2003) with a 设置 sheet, written by xlwt."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("设置")
    sheet.write(0, 0, "项目")
    sheet.write(0, 1, "值")
    sheet.write(1, 0, "网点名称")
    sheet.write(1, 1, "火车站支行")
    book.save(str(dest))
    return dest


def set_cell(ref: str, cell_xml: bytes) -> Change:
    """Replaces the whole cell element at `ref` (say, with `inline_text`)."""

    def change(xml: bytes) -> bytes:
        pattern = re.compile(rb'<c r="' + ref.encode() + rb'"[^>]*?(?:/>|>.*?</c>)', re.S)
        assert pattern.search(xml), ref
        return pattern.sub(lambda _: cell_xml, xml, count=1)

    return change


# ---------------------------------------------------------------- a person saving meanwhile (issue 23)

CARD_INSERTED = {
    "日期": "2026-11-20",
    "客户姓名": "插队客户",
    "联系方式": "13900001111",
    "推荐人": "李四",
    "是否现场推荐": "是",
    "客户需求": "理财",
    "接收人": "赵六",
}


def person_inserts_a_card(
    book: Path, at_row: int = 2, values: Mapping[str, str] = CARD_INSERTED
) -> None:
    """What a colleague does while branchkit works: inserts a row on 转介登记 above the others,
    types a card into it and saves (every card below moves down a row). Saved the way another
    program saves: a whole new file put in place of the old one."""
    import openpyxl

    keep_vba = book.suffix.lower() == ".xlsm"
    workbook = openpyxl.load_workbook(book, keep_vba=keep_vba)
    sheet = workbook["转介登记"]
    headers = [str(cell.value or "").replace("\n", "") for cell in sheet[1]]  # 是否\n现场推荐
    sheet.insert_rows(at_row)
    for header, value in values.items():
        sheet.cell(at_row, headers.index(header) + 1, value)
    saved = book.with_name(book.name + ".saving")
    workbook.save(saved)
    saved.replace(book)


def with_settings(dest: Path, values: Mapping[str, str], source: Path = SAMPLE) -> Path:
    """`source` with 设置's 值 set for the items named (邮件服务器, 网点名称 …), typed as text."""
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(source)).get_sheet_by_name("设置").to_python()
    where = {str(row[0]): n for n, row in enumerate(rows, start=1)}

    def change(xml: bytes) -> bytes:
        for label, value in values.items():
            ref = f"B{where[label]}"
            cell = inline_text(ref, value).replace(b"<t>", b'<t xml:space="preserve">')
            if f'<c r="{ref}"'.encode() in xml:
                xml = set_cell(ref, cell)(xml)
                continue
            label_cell = re.compile(
                rb'<c r="A' + str(where[label]).encode() + rb'"[^>]*?(?:/>|>.*?</c>)'
            )
            match = label_cell.search(xml)
            assert match, label
            xml = xml[: match.end()] + cell + xml[match.end() :]
        return xml

    return in_sheet(dest, "设置", change, source)


# ---------------------------------------------------------------- control characters typed into cells

# ESC starting a colour and a window-title sequence, BEL, NUL, a right-to-left override and the
# one-byte CSI: what a terminal, a text file or a browser would act on instead of showing.
CONTROLS = "\x1b[31m\x1b]0;x\x07\x00\u202e\x9b"


def xml_text(text: str) -> str:
    """`text` as Excel stores it in a cell: C0 control characters as _xHHHH_ escapes."""
    return "".join(
        f"_x{ord(ch):04X}_" if ord(ch) < 0x20 and ch not in "\t\n" else ch for ch in text
    )


def typed_controls(dest: Path, source: Path = SAMPLE) -> Path:
    """The sample with CONTROLS typed into cells every output shows: 设置 网点名称, the day's
    case (案例 E4 描述), an open action (行动计划 B3 事项) and an amount that is not one
    (追踪表 M3, listed as a problem with its value)."""
    branch = hostile_copy = dest.with_name(dest.stem + ".settings.xlsx")
    with_settings(branch, {"网点名称": xml_text(f"火车站{CONTROLS}支行")}, source)
    changes = {
        "案例": ("E4", f"代发工资客户{CONTROLS}转介信用卡"),
        "行动计划": ("B3", f"刘洋跟王芳学习{CONTROLS}话术"),
        "追踪表": ("M3", f"二十万{CONTROLS}"),
    }
    parts = {
        part_of(hostile_copy, sheet): set_cell(ref, inline_text(ref, xml_text(text)))
        for sheet, (ref, text) in changes.items()
    }
    rebuild(dest, parts, source=hostile_copy)
    hostile_copy.unlink()
    return dest


def long_cells(dest: Path, source: Path = SAMPLE) -> Path:
    """The sample with 40,000-character cells where a person might paste a long text: 网点名称,
    nine open actions (行动计划 事项) and thirty notes (追踪表 备注). Each repeats one character,
    so its part compresses about 300 to 1: large for a spreadsheet, no bomb."""
    named = dest.with_name(dest.stem + ".named.xlsx")
    with_settings(named, {"网点名称": "火车站" + "支" * 40_000}, source)

    def texts(column: str, rows: range, char: str) -> Change:
        def change(xml: bytes) -> bytes:
            for row in rows:
                ref = f"{column}{row}"
                cell = inline_text(ref, char * 40_000 + str(row))
                if f'<c r="{ref}"'.encode() in xml:
                    xml = set_cell(ref, cell)(xml)
                else:  # an empty cell of the last column: added at the end of its row
                    end = xml.index(b"</row>", xml.index(f'<row r="{row}"'.encode()))
                    xml = xml[:end] + cell + xml[end:]
            return xml

        return change

    rebuild(
        dest,
        {
            part_of(named, "行动计划"): texts("B", range(2, 11), "长"),
            part_of(named, "追踪表"): texts("P", range(2, 32), "备"),
        },
        source=named,
    )
    named.unlink()
    return dest


def every_row_a_card(dest: Path, cells: int = 5, source: Path = SAMPLE) -> Path:
    """The sample with 转介登记 filled to Excel's last row, 1,048,576: each row a copy of its first
    card's first `cells` cells (date, number, customer …). Streamed, never held whole: the part
    inflates to some 230 MB, and the zip stays about 20 MB."""
    part = part_of(source, "转介登记")
    with zipfile.ZipFile(source) as zin:
        xml = zin.read(part)
    head, rest = xml.split(b'<row r="2"', 1)
    first = b'<row r="2"' + rest.split(b"</row>", 1)[0]
    template = re.findall(rb'<c r="([A-Z]+)2"([^>]*)>(.*?)</c>', first)[:cells]
    tail = xml[xml.index(b"</sheetData>") :]

    def write(stream: IO[bytes]) -> None:
        stream.write(head)
        for start in range(2, 1_048_577, 10_000):
            stream.write(
                b"".join(
                    b'<row r="%d">' % n
                    + b"".join(b'<c r="%s%d"%s>%s</c>' % (c, n, a, v) for c, a, v in template)
                    + b"</row>"
                    for n in range(start, min(start + 10_000, 1_048_577))
                )
            )
        stream.write(tail)

    return streamed(dest, part, write, source)


# ---------------------------------------------------------------- other programs holding a workbook

# The lock file each office program keeps beside a workbook it has open, and what it writes in
# it (LibreOffice: who has it open, on which computer, since when).
LOCK_FILES = {
    "Excel": ("~${}", b"\x06zhangsan"),
    "WPS": (".~{}", b"\x06zhangsan"),
    "LibreOffice": (".~lock.{}#", ",张三,PC-柜台2,20.11.2026 09:12,file:///C:/Users/zhangsan;"),
}


def opened_in(book: Path, program: str) -> Path:
    """The lock file `program` leaves beside `book` while it has the workbook open."""
    name, content = LOCK_FILES[program]
    lock = book.with_name(name.format(book.name))
    lock.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return lock


# Another program with the workbook open: by a handle open for writing ("r+b", "ab"), or holding
# a write lock on it: flock on a read-only handle, a POSIX lock as LibreOffice takes on Linux, an
# open-file (OFD) lock, which no process owns.
HOLD = """
import fcntl, os, struct, sys, time
handle = open(sys.argv[1], sys.argv[2])
if sys.argv[3] == "flock":
    fcntl.flock(handle, fcntl.LOCK_EX)
elif sys.argv[3] == "shared flock":
    fcntl.flock(handle, fcntl.LOCK_SH)
elif sys.argv[3] == "posix":
    fcntl.lockf(handle, fcntl.LOCK_EX)
elif sys.argv[3] == "posix read":
    fcntl.lockf(handle, fcntl.LOCK_SH)
elif sys.argv[3] == "ofd":
    whole = struct.pack("hhqqi4x", fcntl.F_WRLCK, os.SEEK_SET, 0, 0, 0)
    fcntl.fcntl(handle, fcntl.F_OFD_SETLK, whole)
print("holding", flush=True)
time.sleep(600)
"""


def held_open(book: Path, mode: str, lock: str = "") -> subprocess.Popen[str]:
    """A second process holding `book` open (the caller kills it), locked by `lock` (flock,
    shared flock, posix, posix read, ofd; '' for none); returns once it holds it."""
    process = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(book), mode, lock or "-"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stdout.readline().strip() == "holding"
    return process
